//! Puts config-file settings under a command line: a setting becomes its flag, added only when
//! the command has that flag and neither the command line nor the flag's `LIQSHOT_*`
//! environment variable set it (clap's `ArgMatches::value_source`).

use std::ffi::OsString;
use std::path::Path;

use clap::parser::ValueSource;
use clap::CommandFactory;

use super::Setting;
use crate::cli::Cli;
use crate::error::Error;

/// The commands config settings apply to (not `import`, whose input is explicit, nor `bench`,
/// whose figures must not depend on a user's file).
pub const LAYERED: [&str; 4] = ["fetch", "zones", "render", "report"];

/// `argv` with the flags of `settings` appended where the command line and environment left
/// them unset. `file` names the config in messages. Settings for flags the command does not
/// have are skipped.
pub fn layer(argv: &[OsString], settings: &[&Setting], file: &Path) -> Result<Vec<OsString>, Error> {
    let cmd = Cli::command();
    let m = cmd.clone().try_get_matches_from(argv).map_err(|e| clap_error(file, &e))?;
    let mut out = argv.to_vec();
    let Some((name, sub)) = m.subcommand() else { return Ok(out) };
    if !LAYERED.contains(&name) {
        return Ok(out);
    }
    let def = cmd.find_subcommand(name).expect("the subcommand that was parsed exists");
    for s in settings {
        if !def.get_arguments().any(|a| a.get_id() == s.id) {
            continue;
        }
        if matches!(sub.value_source(s.id), Some(ValueSource::CommandLine | ValueSource::EnvVariable)) {
            continue;
        }
        out.extend(s.args().into_iter().map(OsString::from));
    }
    Ok(out)
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
    Error::Usage(format!("{} (with config {})", first, file.display()))
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
    use crate::config::keys::Value;

    fn setting(id: &'static str, flag: &'static str, v: &str) -> Setting {
        Setting { at: format!("defaults.{id}"), id, flag, value: Value::One(v.into()) }
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
        let out = layer(&args(&["liqshot", "render", "--snapshot", "s.json", "-o", "a.png", "--size", "1000x500"]), &s, f).unwrap();
        let cli = parse(&out, f).unwrap();
        let crate::cli::Command::Render(r) = cli.command else { panic!("render") };
        assert!(matches!(r.chart.theme, crate::cli::ThemeArg::Light), "from the file");
        assert_eq!(r.chart.size, "1000x500", "the flag wins");
        assert_eq!(r.estimate.fetch.timeout, "9s");
        // import has none of these flags: nothing is added.
        let imp = args(&["liqshot", "import", "--klines", "k", "--oi", "o", "--symbol", "X", "-o", "x.json"]);
        assert_eq!(layer(&imp, &s, f).unwrap(), imp);
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
}
