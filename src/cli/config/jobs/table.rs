//! Reading and checking a `[[job]]` table: serde reads its keys ([`JobTable`]), then each key
//! and the keys together are checked, every problem going to the file's [`Problems`].

use std::path::Path;

use serde::Deserialize;
use toml::de::{DeValue, ValueDeserializer};
use toml::Spanned;

use super::{Job, JobCommand};
use crate::cli::config::keys::{self, KeyDef};
use crate::cli::config::problems::{did_you_mean, Problems};
use crate::cli::config::{section_settings, Scope};
use crate::cli::naming::{split_symbols, PathTemplate};
use liqshot::error::Error;

/// A job name: one word, as `--job` takes it.
fn is_word(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// A `[[job]]` table as written, read by serde: the job's own keys into typed fields, every
/// other key into `settings` (the keys of `[defaults]`, checked by [`section_settings`], which
/// also reports an unknown key, with a suggestion). Each typed key is a [`Field`]: a bad value
/// is a problem of its key and the job's other keys are still checked, so that every problem
/// of the file is reported at once (serde itself stops at the first error; for the same reason
/// there is no `deny_unknown_fields`, which serde does not allow beside `flatten` anyway).
#[derive(Deserialize)]
pub(in crate::cli::config) struct JobTable {
    name: Option<Field<Name>>,
    command: Option<Field<JobCommand>>,
    symbols: Option<Field<Symbols>>,
    /// `["24h", "7d"]` or `"24h,7d"`.
    windows: Option<Field<Texts<true>>>,
    /// A single string is one path (a path may hold a comma).
    outputs: Option<Field<Texts<false>>>,
    out_dir: Option<Field<PathText>>,
    archive: Option<Field<PathText>>,
    previous: Option<Field<PathText>>,
    save_snapshot: Option<Field<PathText>>,
    /// `[job.http]`, `[job.leverage]`: tables of settings.
    http: Option<toml::Value>,
    leverage: Option<toml::Value>,
    #[serde(flatten)]
    settings: toml::Table,
}

/// A key's value, or what is wrong with it: the message without the key's label in front
/// (`: expected a string, found 3`, `[1]: empty text`), which [`take`] puts there.
struct Field<T>(Result<T, String>);

impl<'de, T: TryFrom<toml::Value, Error = Error>> Deserialize<'de> for Field<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        toml::Value::deserialize(d).map(|v| Field(T::try_from(v).map_err(|e| e.to_string())))
    }
}

/// The value of a key, else None, its problem reported at the key's line (or its element's).
fn take<T>(p: &mut Problems, path: &str, label: &str, field: Option<Field<T>>) -> Option<T> {
    field?.0.map_err(|rest| p.add_value(path, label, format!("{label}{rest}"))).ok()
}

/// The values below are checked with the helpers of [`keys`], which put a label in front of
/// their messages: none here ([`take`] adds it).
const NO_LABEL: &str = "";

/// `name`: one word (see [`is_word`]).
struct Name(String);

impl TryFrom<toml::Value> for Name {
    type Error = Error;
    fn try_from(v: toml::Value) -> Result<Self, Error> {
        let name = keys::text(NO_LABEL, &v, "a string")?;
        if !is_word(&name) {
            return Err(Error::Usage(format!(
                ": {name:?} must be one word of letters, digits, -, _ or . (it is given to --job)"
            )));
        }
        Ok(Name(name))
    }
}

impl TryFrom<toml::Value> for JobCommand {
    type Error = Error;
    fn try_from(v: toml::Value) -> Result<Self, Error> {
        let all = [JobCommand::Render, JobCommand::Report, JobCommand::Fetch];
        let c = keys::text(NO_LABEL, &v, "\"render\", \"report\" or \"fetch\"")?;
        all.into_iter().find(|k| k.name() == c).ok_or_else(|| {
            let hint =
                did_you_mean(&c, all.map(JobCommand::name)).map_or(String::new(), |n| format!("; did you mean {n}?"));
            Error::Usage(format!(": {c:?} is not a job command{hint} (use render, report or fetch)"))
        })
    }
}

/// `symbols`: `["BTC", "ETH"]` or `"BTC,ETH"`, as `--symbol` takes them (`BTC,ETH`).
struct Symbols(String);

impl TryFrom<toml::Value> for Symbols {
    type Error = Error;
    fn try_from(v: toml::Value) -> Result<Self, Error> {
        let joined = keys::texts(NO_LABEL, &v, true)?.join(",");
        split_symbols(&joined).map_err(|e| keys::relabel(e, "--symbol", NO_LABEL))?;
        Ok(Symbols(joined))
    }
}

/// A list of non-empty strings, or one string (split at commas with `COMMA`).
struct Texts<const COMMA: bool>(Vec<String>);

impl<const COMMA: bool> TryFrom<toml::Value> for Texts<COMMA> {
    type Error = Error;
    fn try_from(v: toml::Value) -> Result<Self, Error> {
        keys::texts(NO_LABEL, &v, COMMA).map(Texts)
    }
}

/// A non-empty path, as written.
struct PathText(String);

impl TryFrom<toml::Value> for PathText {
    type Error = Error;
    fn try_from(v: toml::Value) -> Result<Self, Error> {
        keys::path_text(NO_LABEL, &v).map(PathText)
    }
}

impl JobTable {
    /// Reads the `index`-th `[[job]]`; None when it is not a table (a problem in `p`). It is
    /// read from the parser's tree, not from a `toml::Value`, whose deserializer gives a date
    /// as a string (`out_dir = 2024-01-01` would pass for a path).
    pub(in crate::cli::config) fn read(p: &mut Problems, index: usize, v: &Spanned<DeValue>) -> Option<JobTable> {
        let jp = format!("job[{index}]");
        if !v.get_ref().is_table() {
            p.add(&jp, format!("{jp}: expected a [[job]] table"));
            return None;
        }
        // Every field takes any value, so a table always deserialises; just in case:
        let de = ValueDeserializer::from(v.clone());
        JobTable::deserialize(de).map_err(|e| p.add(&jp, format!("{jp}: {}", e.message()))).ok()
    }

    /// The job's name, when it is a valid one.
    pub(in crate::cli::config) fn name(&self) -> Option<&str> {
        self.name.as_ref().and_then(|f| f.0.as_ref().ok()).map(|n| n.0.as_str())
    }

    /// Checks the `index`-th `[[job]]`; every problem goes to `p`. None when it had any (the
    /// other jobs are still checked).
    pub(in crate::cli::config) fn check(self, p: &mut Problems, base: &Path, index: usize) -> Option<Job> {
        let before = p.len();
        let jp = format!("job[{index}]");
        // Messages name the job (`job "daily".theme`); lines come from its place (`job[0].theme`).
        let at = self.name().map_or_else(|| jp.clone(), |n| format!("job \"{n}\""));
        let label = |key: &str| format!("{at}.{key}");
        let path = |key: &str| format!("{jp}.{key}");
        let missing = |p: &mut Problems, key: &str, what: &str| p.add(&jp, format!("{at}: missing key {key} ({what})"));
        let not_for = |p: &mut Problems, key: &str, cmd: JobCommand| {
            p.add(&path(key), format!("{}: not used by a {} job", label(key), cmd.name()))
        };

        if self.name.is_none() {
            p.add(&jp, format!("{jp}: missing key name (every job needs a name)"));
        }
        let name = take(p, &path("name"), &path("name"), self.name).map(|n| n.0);
        if self.command.is_none() {
            missing(p, "command", "render, report or fetch");
        }
        let command = take(p, &path("command"), &label("command"), self.command);
        if self.symbols.is_none() {
            missing(p, "symbols", "e.g. symbols = [\"BTC\", \"ETH\"]");
        }
        let symbols = take(p, &path("symbols"), &label("symbols"), self.symbols).map(|s| s.0);

        let mut windows = Vec::new();
        match self.windows {
            Some(_) if command == Some(JobCommand::Fetch) => not_for(p, "windows", JobCommand::Fetch),
            field => match take(p, &path("windows"), &label("windows"), field) {
                Some(Texts(list)) if list.is_empty() => p.add(
                    &path("windows"),
                    format!("{}: empty list (leave the key out for the default window)", label("windows")),
                ),
                Some(Texts(list)) => {
                    let mut seconds = Vec::new();
                    for (i, w) in list.iter().enumerate() {
                        // The element's line when the list is written as one (else the key's).
                        let at = format!("{}[{i}]", path("windows"));
                        match crate::cli::options::parse_window(w) {
                            Ok(secs) if seconds.contains(&secs) => {
                                p.add(&at, format!("{}: {w} is the same window as one listed before", label("windows")))
                            }
                            Ok(secs) => seconds.push(secs),
                            Err(e) => p.add(&at, keys::relabel(e, "--window", &label("windows")).to_string()),
                        }
                    }
                    windows = list;
                }
                None => {}
            },
        }
        let mut outputs: Vec<String> = Vec::new();
        match self.outputs {
            Some(_) if command == Some(JobCommand::Report) => not_for(p, "outputs", JobCommand::Report),
            None if command == Some(JobCommand::Render) => {
                missing(p, "outputs", "the files to write, e.g. outputs = [\"out/{symbol}-{date}.png\"]")
            }
            None if command == Some(JobCommand::Fetch) => {
                missing(p, "outputs", "the snapshot file to write, e.g. outputs = [\"snap/{symbol}.json\"]")
            }
            field => {
                if let Some(Texts(list)) = take(p, &path("outputs"), &label("outputs"), field) {
                    outputs = list.iter().map(|o| keys::resolve(base, o, true)).collect();
                    match command {
                        Some(JobCommand::Render) if outputs.is_empty() => p.add(
                            &path("outputs"),
                            format!("{}: empty list (at least one .png or .svg file)", label("outputs")),
                        ),
                        Some(JobCommand::Render) => {
                            for o in &outputs {
                                if let Err(e) = crate::cli::render::format_of(Path::new(o)) {
                                    p.add(&path("outputs"), keys::relabel(e, "-o", &label("outputs")).to_string());
                                }
                            }
                        }
                        Some(JobCommand::Fetch) if outputs.len() != 1 => p.add(
                            &path("outputs"),
                            format!("{}: a fetch job writes one snapshot file (one path)", label("outputs")),
                        ),
                        _ => {}
                    }
                }
            }
        }
        let path_key = |p: &mut Problems, key: &str, field: Option<Field<PathText>>| {
            take(p, &path(key), &label(key), field).map(|s| keys::resolve(base, &s.0, true))
        };
        let (has_out_dir, archived) = (self.out_dir.is_some(), self.archive.is_some());
        let out_dir = path_key(p, "out_dir", self.out_dir);
        let archive = path_key(p, "archive", self.archive);
        // A report job writes to out_dir, or into its `archive`.
        match (command, has_out_dir) {
            (Some(JobCommand::Report), false) if !archived => missing(
                p,
                "out_dir",
                "the report directory, e.g. out_dir = \"reports/{symbol}/{date}\" (or archive = \"site\")",
            ),
            (Some(c @ (JobCommand::Render | JobCommand::Fetch)), true) => not_for(p, "out_dir", c),
            (Some(c @ (JobCommand::Render | JobCommand::Fetch)), false) if archived => not_for(p, "archive", c),
            (Some(JobCommand::Report), true) if archived => p.add(
                &path("archive"),
                format!("{}: a report job writes to out_dir or into its archive, not both", label("archive")),
            ),
            _ => {}
        }
        let has_previous = self.previous.is_some();
        let previous = path_key(p, "previous", self.previous);
        if let Some(c @ (JobCommand::Render | JobCommand::Fetch)) = command.filter(|_| has_previous) {
            not_for(p, "previous", c);
        }
        let has_save_snapshot = self.save_snapshot.is_some();
        let save_snapshot = path_key(p, "save_snapshot", self.save_snapshot);
        if command == Some(JobCommand::Fetch) && has_save_snapshot {
            not_for(p, "save_snapshot", JobCommand::Fetch);
        }

        // A job has `windows`, not `window`: the unknown key's message suggests it.
        let defs: Vec<KeyDef> = keys::DEFAULTS.iter().copied().filter(|d| d.key != "window").collect();
        let scope = Scope { at: &at, path: &jp, allowed_in: "a job" };
        let mut settings = section_settings(p, base, &scope, &self.settings, &defs, keys::JOB_KEYS);
        // [job.http] and [job.leverage]: the sections' keys, for this job only.
        for (sub, sub_defs, field) in [("http", keys::HTTP, self.http), ("leverage", keys::LEVERAGE, self.leverage)] {
            let (sub_at, sub_path) = (label(sub), path(sub));
            match field {
                Some(toml::Value::Table(table)) => {
                    let scope = Scope { at: &sub_at, path: &sub_path, allowed_in: &sub_at };
                    settings.extend(section_settings(p, base, &scope, &table, sub_defs, &[]));
                }
                Some(_) => p.add(&sub_path, format!("{sub_at}: expected a [job.{sub}] table")),
                None => {}
            }
        }
        if let Some(c) = command {
            for s in settings.iter().filter(|s| !applies(c, s.id)) {
                p.add_at(s.line, format!("{}: not used by a {} job", s.at, c.name()));
            }
        }

        // Every path must be a valid template (checked here to name the key); with several
        // windows each must use {window}, or the windows would overwrite each other's files.
        let keyed = outputs.iter().map(|o| ("outputs", o)).chain(out_dir.iter().map(|o| ("out_dir", o)));
        let keyed = keyed
            .chain(previous.iter().map(|o| ("previous", o)))
            .chain(save_snapshot.iter().map(|o| ("save_snapshot", o)));
        for (key, o) in keyed {
            match PathTemplate::parse("-o", Path::new(o)) {
                Ok(tpl) if windows.len() > 1 && key != "previous" && !tpl.uses("window") => p.add(
                    &path(key),
                    format!(
                        "{}: {o}: several windows need {{window}} in the path, or they would overwrite each other",
                        label(key)
                    ),
                ),
                Ok(_) => {}
                Err(e) => p.add(&path(key), keys::relabel(e, "-o", &label(key)).to_string()),
            }
        }
        if p.len() > before {
            return None;
        }
        let (name, command, symbols) = (name?, command?, symbols?);
        let line = p.lines.of(&jp);
        Some(Job {
            name,
            command,
            symbols,
            windows,
            outputs,
            out_dir,
            archive,
            previous,
            save_snapshot,
            settings,
            index,
            line,
        })
    }
}

/// Whether a `[defaults]` key makes sense for a job's command (fetch has no chart or report).
fn applies(cmd: JobCommand, id: &str) -> bool {
    const CHART: [&str; 4] = ["size", "preset", "theme", "color_max"];
    const REPORT: [&str; 7] =
        ["templates", "front_matter", "image_base_url", "events", "events_file", "archive_max", "site_url"];
    const ESTIMATE: [&str; 4] = ["leverage_mix", "leverage", "half_life", "position_usd"];
    match cmd {
        JobCommand::Report => true,
        JobCommand::Render => !REPORT.contains(&id),
        JobCommand::Fetch => !CHART.contains(&id) && !REPORT.contains(&id) && !ESTIMATE.contains(&id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::config::{Checked, Config, Setting};

    #[test]
    fn job_errors_name_the_job_and_key() {
        // Every problem of the file, one per line.
        let e = |text: &str| Config::check(Path::new("/srv/liq/liqshot.toml"), text).problems.messages().join("\n");
        let job = |extra: &str| {
            format!("[[job]]\nname = \"d\"\ncommand = \"render\"\nsymbols = [\"BTC\"]\noutputs = [\"o/{{symbol}}.png\"]\n{extra}")
        };
        assert!(
            e(&job("colour = 1"))
                .contains("job \"d\".colour: unknown key (allowed in a job: name, command, symbols, windows, outputs"),
            "{}",
            e(&job("colour = 1"))
        );
        assert!(e(&job("window = \"24h\""))
            .contains("job \"d\".window: unknown key; did you mean windows? (allowed in a job: "));
        assert!(e(&job("templates = \"t\"")).contains("job \"d\".templates: not used by a render job"));
        let fetch = "[[job]]\nname = \"f\"\ncommand = \"fetch\"\nsymbols = \"BTC\"\noutputs = [\"a.json\"]\n[job.leverage]\nshow = [50]\n";
        assert!(e(fetch).contains("job \"f\".leverage.show: not used by a fetch job"), "{}", e(fetch));
        assert!(e(&job("windows = [\"24h\", \"7d\"]")).contains("several windows need {window}"));
        assert!(e(&job("windows = [\"1 day\"]")).contains("job \"d\".windows: \"1 day\" is not a duration"));
        assert!(e("[[job]]\nname = \"d\"\ncommand = \"draw\"\n")
            .contains("\"draw\" is not a job command (use render, report or fetch)"));
        assert!(e("[[job]]\ncommand = \"render\"\n").contains("job[0]: missing key name"));
        assert!(e("[[job]]\nname = \"d\"\ncommand = \"report\"\nsymbols = \"BTC\"\n").contains("missing key out_dir"));
        assert!(e("[[job]]\nname = \"d\"\ncommand = \"render\"\nsymbols = \"BTC\"\noutputs = [\"a.jpg\"]\n")
            .contains("job \"d\".outputs: /srv/liq/a.jpg: unknown image format (use a .png or .svg"));
        assert!(e(&format!("{}{}", job(""), job("")))
            .contains(":7: job \"d\".name: two jobs have this name (the first is on line 2)"));
        assert!(e(
            "[[job]]\nname = \"f\"\ncommand = \"fetch\"\nsymbols = \"BTC\"\noutputs = [\"a.json\", \"b.json\"]\n"
        )
        .contains("one snapshot file"));
        assert!(e("[[job]]\nname = \"d\"\ncommand = \"render\"\nsymbols = \"BTC,ETH-USD\"\noutputs = [\"a.png\"]\n")
            .contains("job \"d\".symbols"));
    }

    #[test]
    fn every_problem_of_a_job_is_reported() {
        let text = "[[job]]\nname = \"d\"\ncommand = \"fetch\"\nwindows = [\"24h\"]\noutputs = [\"a.json\", \"b.json\"]\n\
                    out_dir = \"x\"\ntheme = \"dark\"\nsymbol = \"BTC\"\n[job.leverage]\nshow = [50]\n[job.http]\nretries = \"x\"\n\
                    [[job]]\ncommand = \"render\"\nsymbols = \"BTC\"\nwindows = [\"1d\", \"24h\", \"2 days\"]\noutputs = [\"{symbol}.png\", \"{symbol}.jpg\"]\n";
        let c = Config::check(Path::new("c.toml"), text);
        let want = [
            "c.toml:1: job \"d\": missing key symbols (e.g. symbols = [\"BTC\", \"ETH\"])",
            "c.toml:4: job \"d\".windows: not used by a fetch job",
            "c.toml:5: job \"d\".outputs: a fetch job writes one snapshot file (one path)",
            "c.toml:6: job \"d\".out_dir: not used by a fetch job",
            "c.toml:7: job \"d\".theme: not used by a fetch job",
            "c.toml:8: job \"d\".symbol: unknown key; did you mean symbols? (allowed in a job: ",
            "c.toml:10: job \"d\".leverage.show: not used by a fetch job",
            "c.toml:12: job \"d\".http.retries: expected a whole number, at least 0, found \"x\"",
            "c.toml:13: job[1]: missing key name (every job needs a name)",
            "c.toml:16: job[1].windows: 24h is the same window as one listed before",
            "c.toml:16: job[1].windows: \"2 days\" is not a duration",
            "c.toml:17: job[1].outputs: {symbol}.jpg: unknown image format (use a .png or .svg file name)",
            "c.toml:17: job[1].outputs: {symbol}.png: several windows need {window} in the path",
            "c.toml:17: job[1].outputs: {symbol}.jpg: several windows need {window} in the path",
        ];
        let got = c.problems.messages();
        assert_eq!(got.len(), want.len(), "{got:#?}");
        for (g, w) in got.iter().zip(want) {
            assert!(g.starts_with(w), "want {w}\ngot  {g}");
        }
        assert!(c.config.jobs.is_empty(), "neither job is kept");
    }

    #[test]
    fn values_of_the_wrong_type_are_reported_at_their_line() {
        let text = "[[job]]\nname = 3\ncommand = [\"render\"]\nsymbols = [\"BTC\", 4]\noutputs = { a = 1 }\n\
                    out_dir = 5\nprevious = \"\"\nhttp = 1\n\
                    [[job]]\nname = \"b\"\ncommand = \"render\"\nsymbols = \"BTC\"\nwindows = [\n  \"24h\",\n  true,\n]\n\
                    outputs = \"\"\nsave_snapshot = 1\nleverage = \"x\"\n\
                    [[job]]\nname = \"x y\"\ncommand = 3\nsymbols = 1.5\narchive = []\nout_dir = 2024-01-01\n";
        let got = Config::check(Path::new("c.toml"), text).problems.messages();
        let want = [
            "c.toml:2: job[0].name: expected a string, found 3",
            "c.toml:3: job[0].command: expected \"render\", \"report\" or \"fetch\", found a list",
            "c.toml:4: job[0].symbols[1]: expected a string, found 4",
            "c.toml:5: job[0].outputs: expected a list of strings, found a table",
            "c.toml:6: job[0].out_dir: expected a path, found 5",
            "c.toml:7: job[0].previous: empty path",
            "c.toml:8: job[0].http: expected a [job.http] table",
            "c.toml:15: job \"b\".windows[1]: expected a string, found true",
            "c.toml:17: job \"b\".outputs: empty text",
            "c.toml:18: job \"b\".save_snapshot: expected a path, found 1",
            "c.toml:19: job \"b\".leverage: expected a [job.leverage] table",
            "c.toml:21: job[2].name: \"x y\" must be one word of letters, digits, -, _ or . (it is given to --job)",
            "c.toml:22: job[2].command: expected \"render\", \"report\" or \"fetch\", found 3",
            "c.toml:23: job[2].symbols: expected a list of strings, found 1.5",
            "c.toml:24: job[2].archive: expected a path, found a list",
            "c.toml:25: job[2].out_dir: expected a path, found 2024-01-01",
        ];
        assert_eq!(got, want);
        let got = |text: &str| Config::check(Path::new("c.toml"), text).problems.messages();
        assert_eq!(got("job = [1]\n"), ["c.toml:1: job[0]: expected a [[job]] table"]);
        assert_eq!(got("job = 1\n"), ["c.toml:1: job: write each job as a [[job]] table"]);
    }

    #[test]
    fn the_keys_of_a_job_are_read_into_its_fields_and_the_rest_are_settings() {
        // keys::JOB_KEYS lists a job's own keys in messages: each is a field of JobTable.
        let mut t: toml::Table = keys::JOB_KEYS.iter().map(|k| (k.to_string(), toml::Value::Integer(1))).collect();
        t.insert("theme".into(), "dark".into());
        t.insert("colour".into(), "x".into());
        let job = JobTable::deserialize(toml::Value::Table(t)).unwrap();
        assert_eq!(job.settings.keys().collect::<Vec<_>>(), ["colour", "theme"]);
    }

    #[test]
    fn a_setting_in_a_job_reads_as_in_defaults() {
        // A job's settings reach the check through serde's `flatten` (buffered): numbers, dates
        // and tables must arrive as written.
        let cases = [
            ("color_max", "5e7"),
            ("color_max", "7"),
            ("color_max", "-0.5"),
            ("color_max", "nan"),
            ("color_max", "1979-05-27"),
            ("lookback", "1979-05-27T07:32:00Z"),
            ("lookback", "\"3d\""),
            ("latest", "false"),
            ("archive_max", "-1"),
            ("jobs", "1.5"),
            ("events", "[\"FOMC\", \"CPI\"]"),
            ("events", "[\"FOMC\", 3]"),
            ("theme", "{ a = 1 }"),
            ("venues", "\"okx,bybit\""),
        ];
        let job = "[[job]]\nname = \"j\"\ncommand = \"report\"\nsymbols = \"BTC\"\nout_dir = \"o\"";
        for (key, v) in cases {
            let d = Config::check(Path::new("c.toml"), &format!("[defaults]\n{key} = {v}\n"));
            let j = Config::check(Path::new("c.toml"), &format!("{job}\n{key} = {v}\n"));
            let after = |c: &Checked, at: &str| -> Vec<String> {
                c.problems.messages().iter().map(|m| m.split_once(at).expect(m).1.to_string()).collect()
            };
            assert_eq!(after(&d, ": defaults."), after(&j, ": job \"j\"."), "{key} = {v}");
            let values = |s: &[Setting]| s.iter().map(|s| s.value.clone()).collect::<Vec<_>>();
            let job_settings = j.config.jobs.first().map_or(Vec::new(), |j| values(&j.settings));
            assert_eq!(values(&d.config.settings), job_settings, "{key} = {v}");
        }
    }
}
