//! Puts config-file settings under a command line: a setting becomes its flag, added only when
//! the command has that flag and neither the command line nor the flag's `LIQSHOT_*`
//! environment variable set it (clap's `ArgMatches::value_source`).

use std::ffi::OsString;
use std::path::Path;

use clap::parser::ValueSource;
use clap::CommandFactory;

use super::Setting;
use crate::cli::Cli;
use liqshot::error::Error;

/// The commands config settings apply to (not `import`, whose input is explicit, nor `bench`,
/// whose figures must not depend on a user's file).
pub const LAYERED: [&str; 6] = ["fetch", "zones", "levels", "render", "report", "record"];

/// A command line with the file's settings added.
#[derive(Debug, Clone)]
pub struct Layered {
    pub argv: Vec<OsString>,
    /// The flags added and the keys they came from (`--size`, `defaults.size`).
    pub added: Vec<(&'static str, String)>,
}

/// `argv` with the flags of `settings` added (before a `--`, if any) where the command line and
/// environment left them unset. A switch is not added when the flag that turns it off
/// (`--no-latest`) is on the command line. `file` names the config in messages. Settings for
/// flags the command does not have are skipped.
pub fn layer(argv: &[OsString], settings: &[&Setting], file: &Path) -> Result<Layered, Error> {
    let cmd = Cli::command();
    let m = cmd.clone().try_get_matches_from(argv).map_err(|e| clap_error(file, &e))?;
    let mut layered = Layered { argv: argv.to_vec(), added: Vec::new() };
    let Some((name, sub)) = m.subcommand() else { return Ok(layered) };
    if !LAYERED.contains(&name) {
        return Ok(layered);
    }
    let def = cmd.find_subcommand(name).expect("the subcommand that was parsed exists");
    let has = |id: &str| def.get_arguments().any(|a| a.get_id() == id);
    let mut extra: Vec<OsString> = Vec::new();
    for s in settings {
        if !has(s.id) {
            continue;
        }
        if matches!(sub.value_source(s.id), Some(ValueSource::CommandLine | ValueSource::EnvVariable)) {
            continue;
        }
        if s.negation.is_some_and(|n| has(n) && sub.value_source(n) == Some(ValueSource::CommandLine)) {
            continue;
        }
        let args = s.args();
        if !args.is_empty() {
            layered.added.push((s.flag, s.at.clone()));
        }
        extra.extend(args.into_iter().map(OsString::from));
    }
    let at = layered.argv.iter().position(|a| a == "--").unwrap_or(layered.argv.len());
    layered.argv.splice(at..at, extra);
    Ok(layered)
}

/// Parses `argv` after layering: an error now comes from a config value.
pub fn parse(argv: &[OsString], file: &Path) -> Result<Cli, Error> {
    use clap::FromArgMatches;
    let m = Cli::command().try_get_matches_from(argv).map_err(|e| clap_error(file, &e))?;
    Cli::from_arg_matches(&m).map_err(|e| clap_error(file, &e))
}

/// The first line of a clap error, naming the config file.
fn clap_error(file: &Path, e: &clap::Error) -> Error {
    let text = e.render().to_string();
    let first = text.lines().next().unwrap_or("").trim_start_matches("error: ").to_string();
    explain(Error::Usage(format!("{} (with config {})", first, file.display())), &[], None)
}

/// Whether `msg` names `flag` (`--size`, not the start of `--size-x`).
fn mentions(msg: &str, flag: &str) -> bool {
    msg.match_indices(flag)
        .any(|(i, _)| !msg[i + flag.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '-'))
}

/// The keys (`defaults.window`) of the flags added from the file (`added`, from [`layer`])
/// that `msg` names.
pub fn blamed<'a>(msg: &'a str, added: &'a [(&'static str, String)]) -> impl Iterator<Item = &'a String> + 'a {
    added.iter().filter(move |(flag, _)| mentions(msg, flag)).map(|(_, at)| at)
}

/// Adds to a usage error where the flags it names got their values when that was not the
/// command line: a key of the config `file` (`added`, from [`layer`]) or a `LIQSHOT_*` variable.
pub fn explain(e: Error, added: &[(&'static str, String)], file: Option<&Path>) -> Error {
    let Error::Usage(msg) = e else { return e };
    let mut from: Vec<String> = Vec::new();
    if let Some(file) = file {
        for (flag, at) in added {
            if mentions(&msg, flag) {
                from.push(format!("{flag} from {}: {at}", file.display()));
            }
        }
    }
    let mut vars: Vec<String> = std::env::vars_os()
        .filter_map(|(k, _)| k.into_string().ok())
        .filter(|k| k.starts_with("LIQSHOT_") && !matches!(k.as_str(), "LIQSHOT_LOG" | "LIQSHOT_CONFIG"))
        .collect();
    vars.sort();
    for var in vars {
        let flag = format!("--{}", var["LIQSHOT_".len()..].to_ascii_lowercase().replace('_', "-"));
        if mentions(&msg, &flag) && !from.iter().any(|f| f.starts_with(&format!("{flag} "))) {
            from.push(format!("{flag} from {var}"));
        }
    }
    if from.is_empty() {
        Error::Usage(msg)
    } else {
        Error::Usage(format!("{msg} ({})", from.join("; ")))
    }
}

/// The latest settings for each flag: `overrides` (a job's) replace `base` (the file's
/// sections) setting by setting.
pub fn merged<'a>(overrides: &'a [Setting], base: &'a [Setting]) -> Vec<&'a Setting> {
    let mut out: Vec<&Setting> = overrides.iter().collect();
    out.extend(base.iter().filter(|b| !overrides.iter().any(|o| o.id == b.id)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::config::keys::Value;

    fn setting(id: &'static str, flag: &'static str, v: &str) -> Setting {
        Setting { at: format!("defaults.{id}"), line: None, id, flag, negation: None, value: Value::One(v.into()) }
    }

    fn args(v: &[&str]) -> Vec<OsString> {
        v.iter().map(OsString::from).collect()
    }

    #[test]
    fn command_line_wins_and_unknown_flags_are_skipped() {
        let theme = setting("theme", "--theme", "light");
        let size = setting("size", "--size", "800x600");
        let timeout = setting("timeout", "--timeout", "9s");
        let s = [&theme, &size, &timeout];
        let f = Path::new("c.toml");
        let out = layer(
            &args(&["liqshot", "render", "--snapshot", "s.json", "-o", "a.png", "--size", "1000x500", "--"]),
            &s,
            f,
        )
        .unwrap();
        assert_eq!(out.argv.last().unwrap(), "--", "added before --");
        assert_eq!(
            out.added,
            [("--theme", "defaults.theme".to_string()), ("--timeout", "defaults.timeout".to_string())]
        );
        let cli = parse(&out.argv, f).unwrap();
        let crate::cli::Command::Render(r) = cli.command else { panic!("render") };
        assert!(matches!(r.chart.theme, crate::cli::options::ThemeArg::Light), "from the file");
        assert_eq!(r.chart.size.as_deref(), Some("1000x500"), "the flag wins");
        assert_eq!(r.estimate.fetch.timeout, "9s");
        // import has none of these flags: nothing is added.
        let imp = args(&["liqshot", "import", "--klines", "k", "--oi", "o", "--symbol", "X", "-o", "x.json"]);
        assert_eq!(layer(&imp, &s, f).unwrap().argv, imp);
    }

    #[test]
    fn a_switch_from_the_file_yields_to_its_negation_on_the_command_line() {
        let latest = Setting {
            at: "defaults.latest".into(),
            line: None,
            id: "latest",
            flag: "--latest",
            negation: Some("no_latest"),
            value: Value::Switch(true),
        };
        let f = Path::new("c.toml");
        let base = ["liqshot", "render", "--snapshot", "s.json", "-o", "a.png"];
        let on = layer(&args(&base), &[&latest], f).unwrap();
        let crate::cli::Command::Render(r) = parse(&on.argv, f).unwrap().command else { panic!("render") };
        assert!(r.latest);
        let off = layer(&args(&[&base[..], &["--no-latest"]].concat()), &[&latest], f).unwrap();
        assert!(off.added.is_empty());
        let crate::cli::Command::Render(r) = parse(&off.argv, f).unwrap().command else { panic!("render") };
        assert!(!r.latest);
    }

    #[test]
    fn errors_say_which_key_set_the_flag() {
        let added = [("--window", "defaults.window".to_string()), ("--leverage", "leverage.show".to_string())];
        let e =
            explain(Error::Usage("--window is longer than --lookback 1d".into()), &added, Some(Path::new("c.toml")));
        assert_eq!(e.to_string(), "--window is longer than --lookback 1d (--window from c.toml: defaults.window)");
        let e = explain(Error::Usage("--leverage-mix: empty mix".into()), &added, Some(Path::new("c.toml")));
        assert_eq!(e.to_string(), "--leverage-mix: empty mix", "--leverage is not --leverage-mix");
    }

    #[test]
    fn job_settings_replace_the_sections() {
        let base = [setting("theme", "--theme", "dark"), setting("size", "--size", "800x600")];
        let job = [setting("theme", "--theme", "light")];
        let m = merged(&job, &base);
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].value, Value::One("light".into()));
        assert_eq!(m[1].id, "size");
    }

    #[test]
    fn config_layering_reparse_errors_are_one_line() {
        // The layered command line is parsed again (config::layer::parse); whatever clap rejects
        // there must come back as one line naming the config file, even clap's multi-line errors.
        let file = std::path::Path::new("c.toml");
        let snap = "examples/btcusdt-2025-11-01_10.snapshot.json".to_string();
        for argv in [
            vec!["liqshot", "render", "--snapshot", &snap, "-o", "x.png", "--theme=sepia"],
            vec!["liqshot", "render", "--snapshot", &snap, "-o", "x.png", "--windw=3d"],
            vec!["liqshot", "render", "--snapshot", &snap],
            vec!["liqshot", "render", "--snapshot", &snap, "-o", "x.png", "--retries=99999999999"],
        ] {
            let argv: Vec<std::ffi::OsString> = argv.into_iter().map(Into::into).collect();
            let e = parse(&argv, file).err().unwrap_or_else(|| panic!("{argv:?} parses"));
            let msg = e.to_string();
            assert_eq!(e.exit_code(), 2, "{msg}");
            assert!(!msg.contains('\n') && msg.contains("c.toml") && !msg.is_empty(), "{argv:?}: {msg:?}");
        }
    }
}
