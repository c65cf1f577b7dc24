//! `[[job]]` tables: each job is the command line it stands for (`liqshot report --symbol
//! BTC,ETH --out-dir ... --window 24h` plus the file's settings); `liqshot run` (`cli::run`)
//! plans and runs them.

use std::ffi::OsString;

use super::{layer, Config, Setting};
use liqshot::error::Error;

mod table;
pub(super) use table::JobTable;

/// What a job runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobCommand {
    Render,
    Report,
    Fetch,
}

impl JobCommand {
    pub fn name(self) -> &'static str {
        match self {
            JobCommand::Render => "render",
            JobCommand::Report => "report",
            JobCommand::Fetch => "fetch",
        }
    }
}

/// One `[[job]]`.
#[derive(Debug, Clone)]
pub struct Job {
    pub name: String,
    pub command: JobCommand,
    /// `BTC,ETH,SOL`.
    pub symbols: String,
    /// One run per window; empty: the window of `[defaults]` or the built-in one.
    pub windows: Vec<String>,
    /// render: image files; fetch: the snapshot file (resolved against the config directory).
    pub outputs: Vec<String>,
    /// report: the output directory.
    pub out_dir: Option<String>,
    /// report: the publishing archive (`--archive`), instead of `out_dir`.
    pub archive: Option<String>,
    pub previous: Option<String>,
    pub save_snapshot: Option<String>,
    /// The job's own settings (they replace the file's sections).
    pub settings: Vec<Setting>,
    /// Its place among the file's `[[job]]` tables, and the line of its header.
    pub index: usize,
    pub line: Option<usize>,
}

impl Job {
    /// The command lines of this job, one per window, with `base` (the file's sections) and
    /// the job's settings layered under them.
    pub fn command_lines(&self, config: &Config) -> Result<Vec<layer::Layered>, Error> {
        let settings = layer::merged(&self.settings, &config.settings);
        self.runs()
            .into_iter()
            .map(|w| {
                let mut argv: Vec<String> =
                    vec!["liqshot".into(), self.command.name().into(), format!("--symbol={}", self.symbols)];
                argv.extend(self.outputs.iter().map(|o| format!("--output={o}")));
                argv.extend(self.out_dir.iter().map(|d| format!("--out-dir={d}")));
                argv.extend(self.archive.iter().map(|d| format!("--archive={d}")));
                argv.extend(w.map(|w| format!("--window={w}")));
                argv.extend(self.previous.iter().map(|p| format!("--previous={p}")));
                argv.extend(self.save_snapshot.iter().map(|p| format!("--save-snapshot={p}")));
                let argv: Vec<OsString> = argv.into_iter().map(OsString::from).collect();
                layer::layer(&argv, &settings, &config.path)
            })
            .collect()
    }

    /// The window of each run: one per listed window, or a single run with the default window.
    pub fn runs(&self) -> Vec<Option<&str>> {
        if self.windows.is_empty() {
            vec![None]
        } else {
            self.windows.iter().map(|w| Some(w.as_str())).collect()
        }
    }

    /// `report BTC,ETH, windows 24h,7d → reports/{symbol}/{date}`.
    pub fn describe(&self) -> String {
        let windows =
            if self.windows.is_empty() { String::new() } else { format!(", windows {}", self.windows.join(",")) };
        let to: Vec<&String> = self.outputs.iter().chain(&self.out_dir).chain(&self.archive).collect();
        format!(
            "{} {}{windows} -> {}",
            self.command.name(),
            self.symbols,
            to.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
        )
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::cli::run::shell_line;
    use std::path::Path;

    pub(crate) fn parse(text: &str) -> Result<Config, String> {
        Config::parse(Path::new("/srv/liq/liqshot.toml"), text).map_err(|e| e.to_string())
    }

    pub(crate) const GOOD: &str = r#"
[defaults]
theme = "light"
[[job]]
name = "majors"
command = "report"
symbols = ["BTC", "ETH"]
windows = ["24h", "7d"]
out_dir = "reports/{symbol}/{date}-{window}"
events = ["FOMC 19:00 UTC"]
[[job]]
name = "sol"
command = "render"
symbols = "SOL"
outputs = ["img/{symbol}.png", "/abs/{symbol}.svg"]
theme = "dark"
latest = true
"#;

    #[test]
    fn jobs_become_command_lines() {
        let c = parse(GOOD).unwrap();
        assert_eq!(c.jobs.len(), 2);
        let lines: Vec<String> = c.jobs[0].command_lines(&c).unwrap().iter().map(|l| shell_line(&l.argv)).collect();
        assert_eq!(
            lines,
            [
                "liqshot report --symbol=BTC,ETH '--out-dir=/srv/liq/reports/{symbol}/{date}-{window}' --window=24h '--event=FOMC 19:00 UTC' --theme=light",
                "liqshot report --symbol=BTC,ETH '--out-dir=/srv/liq/reports/{symbol}/{date}-{window}' --window=7d '--event=FOMC 19:00 UTC' --theme=light",
            ]
        );
        let sol = shell_line(&c.jobs[1].command_lines(&c).unwrap()[0].argv);
        assert_eq!(sol, "liqshot render --symbol=SOL '--output=/srv/liq/img/{symbol}.png' '--output=/abs/{symbol}.svg' --latest --theme=dark");
        assert!(c.jobs[0].describe().starts_with("report BTC,ETH, windows 24h,7d -> /srv/liq/reports/"));
    }

    #[test]
    fn jobs_may_have_their_own_http_and_leverage_tables() {
        let c = parse(
            "[leverage]\nposition_usd = 5000\n[http]\nretries = 2\n\
             [[job]]\nname = \"hi\"\ncommand = \"render\"\nsymbols = \"BTC\"\noutputs = [\"a.png\"]\n\
             [job.leverage]\nshow = [50, 100]\n[job.http]\nretries = 5\n",
        )
        .unwrap();
        let line = shell_line(&c.jobs[0].command_lines(&c).unwrap()[0].argv);
        assert!(
            line.contains("--leverage=50,100") && line.contains("--retries=5") && line.contains("--position-usd=5000"),
            "{line}"
        );
        assert!(!line.contains("--retries=2"), "the job's table replaces the section's value: {line}");
        let e = parse("[[job]]\nname = \"hi\"\ncommand = \"render\"\nsymbols = \"BTC\"\noutputs = [\"a.png\"]\n[job.leverage]\nmixx = 1\n").unwrap_err();
        assert!(e.ends_with(":7: job \"hi\".leverage.mixx: unknown key; did you mean mix? (allowed in job \"hi\".leverage: mix, show, half_life, position_usd)"), "{e}");
    }
}
