//! Config file mistakes the TOML parser words badly (findings E7, E8 of the reliability run):
//! a section given twice is named, an integer too large says so.

use crate::common;

use common::liqshot;

#[test]
fn a_section_given_twice_and_a_huge_integer_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("liqshot.toml");
    for (text, want) in [
        ("[defaults]\ntheme = \"dark\"\n\n[defaults]\nsize = \"800x450\"\n", "section [defaults] is given twice"),
        ("[http]\nretries = 99999999999999999999999\n", "a whole number out of range (TOML integers lie between"),
    ] {
        std::fs::write(&cfg, text).unwrap();
        let r = liqshot(["config", "check", cfg.to_str().unwrap()]);
        assert_eq!(r.code, Some(2), "{r:#?}");
        let all = format!("{}{}", r.stdout, r.stderr);
        assert!(all.contains(want), "{text}\n{all}");
        assert!(!all.contains("i128") && all.matches("duplicate key").count() == 0, "{all}");
    }
}
