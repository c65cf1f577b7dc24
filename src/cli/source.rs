//! Where the snapshots of a command come from ([`Source`]: a snapshot file, or live data for
//! one or more symbols run as a batch) and how its files are written ([`write_logged`], all or
//! nothing, with [`with_latest`] copies).

use std::path::PathBuf;
use std::sync::Arc;

use super::batch;
use super::collide::{self, Dest};
use super::log::TerminalProgress;
use super::naming::{latest_path, split_symbols, PathTemplate, Vars};
use super::options::{EstimateArgs, FetchArgs};
use super::shard::Shard;
use liqshot::error::Error;
use liqshot::fetch::{FetchOptions, Http};
use liqshot::files::{write_all_atomic, write_atomic};
use liqshot::model::snapshot::MarketSnapshot;

/// Where the snapshots of a run come from: one snapshot file, or live data for one or more
/// symbols (`--symbol BTC,ETH,SOL`) fetched through one HTTP client whose connection pool all
/// symbols share.
pub struct Source {
    kind: Kind,
    /// The names shown in per-symbol messages (`BTCUSDT`).
    names: Vec<String>,
    jobs: usize,
    /// `{window}` of output paths (`24h`).
    pub window_label: String,
    save: Option<PathTemplate>,
}

enum Kind {
    File(PathBuf),
    Live { symbols: Vec<String>, args: Box<FetchArgs>, window: Option<i64>, http: Http },
}

impl Source {
    /// Live data for the comma-separated `symbols`; every option is checked before any request.
    pub fn live(symbols: &str, args: &FetchArgs, window: Option<i64>, window_label: String) -> Result<Self, Error> {
        let symbols = split_symbols(symbols)?;
        let opts = args.options(&symbols[0], window, chrono::Utc::now())?;
        let mut names = Vec::new();
        for s in &symbols {
            names.push(format!("{}USDT", FetchOptions { symbol: s.clone(), ..opts.clone() }.check()?));
        }
        let http =
            Http::new(opts.http.clone()).map_err(|e| Error::Usage(e.message))?.with_display(Arc::new(TerminalProgress));
        Ok(Source {
            kind: Kind::Live { symbols, args: Box::new(args.clone()), window, http },
            names,
            jobs: args.jobs,
            window_label,
            save: None,
        })
    }

    /// The snapshot (`--snapshot`) or live symbols (`--symbol`) of `args`, with `--save-snapshot`.
    pub fn of(args: &EstimateArgs, window: Option<i64>, window_label: String) -> Result<Self, Error> {
        let mut src = match (&args.snapshot, &args.symbol) {
            (Some(path), _) => Source {
                kind: Kind::File(path.clone()),
                names: vec![path.display().to_string()],
                jobs: 1,
                window_label,
                save: None,
            },
            (None, Some(symbols)) => Source::live(symbols, &args.fetch, window, window_label)?,
            (None, None) => return Err(Error::Usage("give --snapshot FILE or --symbol SYMBOL".into())),
        };
        if let Some(path) = &args.save_snapshot {
            let t = PathTemplate::parse("--save-snapshot", path)?;
            t.check_for(src.len())?;
            src.save = Some(t);
        }
        Ok(src)
    }

    /// How many snapshots (symbols) the run has.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Keeps only the symbols of `shard` (see [`super::shard`]), in their order; `None` keeps
    /// all. Called after the output checks, so that every shard checks the whole list alike.
    /// With `--snapshot` there is no list to split: a usage error.
    pub fn shard(&mut self, shard: Option<Shard>) -> Result<(), Error> {
        let Some(shard) = shard else { return Ok(()) };
        let Kind::Live { symbols, .. } = &mut self.kind else {
            return Err(Error::Usage(format!(
                "--shard {shard}: splits the symbols of --symbol; with --snapshot there is one snapshot"
            )));
        };
        let total = symbols.len();
        let mut kept = (Vec::new(), Vec::new());
        for (s, name) in symbols.iter().zip(&self.names) {
            if shard.keeps(s)? {
                kept.0.push(s.clone());
                kept.1.push(name.clone());
            }
        }
        shard.log_kept(kept.0.len(), total);
        (*symbols, self.names) = kept;
        Ok(())
    }

    /// `--dry-run`: the symbols the run would process, one per line on standard output; nothing
    /// is fetched. With `--snapshot` (nothing to list), a usage error.
    pub fn print_names(&self) -> Result<(), Error> {
        if let Kind::File(p) = &self.kind {
            return Err(Error::Usage(format!(
                "--dry-run lists the symbols of --symbol (and --shard); --snapshot {} has nothing to list",
                p.display()
            )));
        }
        let lines: String = self.names.iter().map(|n| format!("{n}\n")).collect();
        super::to_stdout(lines.as_bytes())
    }

    /// Checks that output paths can hold every symbol's files.
    pub fn check_outputs<'a>(&self, templates: impl IntoIterator<Item = &'a PathTemplate>) -> Result<(), Error> {
        templates.into_iter().try_for_each(|t| t.check_for(self.len()))
    }

    /// Checks, before any data is read or fetched, that no two of the files `dests` lists for a
    /// snapshot (with the `--save-snapshot` file) are one file: with every symbol's name when
    /// they are known (live data), else a sample; the time is now. See [`collide`].
    pub fn check_collisions(&self, dests: impl Fn(&Vars) -> Vec<Dest>) -> Result<(), Error> {
        let symbols: Vec<String> = match &self.kind {
            Kind::File(_) => vec!["SYMBOL".into()],
            Kind::Live { .. } => self.names.clone(),
        };
        for symbol in symbols {
            let vars = Vars {
                symbol,
                captured_at: chrono::Utc::now(),
                window: self.window_label.clone(),
                venues: "venues".into(),
            };
            self.check_snapshot_collisions(&dests, &vars)?;
        }
        Ok(())
    }

    /// [`Source::check_collisions`] with a snapshot's own values `vars`, before its files are written.
    pub fn check_snapshot_collisions(&self, dests: impl Fn(&Vars) -> Vec<Dest>, vars: &Vars) -> Result<(), Error> {
        let mut all = dests(vars);
        all.extend(collide::snapshot(self.save.as_ref(), vars));
        collide::check(&all)
    }

    /// Reads or fetches snapshot `i` (saving it with `--save-snapshot`). A venue that failed is
    /// reported as a warning; the snapshot's notes and the chart say so too.
    pub fn load(&self, i: usize) -> Result<MarketSnapshot, Error> {
        let (symbols, args, window, http) = match &self.kind {
            Kind::File(path) => return MarketSnapshot::load(path),
            Kind::Live { symbols, args, window, http } => (symbols, args, *window, http),
        };
        let opts = args.options(&symbols[i], window, chrono::Utc::now())?;
        let report = liqshot::fetch::fetch_with(http, &opts)?;
        let snap = report.snapshot;
        for (venue, e) in &report.failures {
            tracing::warn!(symbol = %snap.symbol, venue = venue.name(), "{} left out: {}", venue.name(), e.message);
        }
        tracing::info!(
            symbol = %snap.symbol,
            requests = report.requests,
            "fetched {} from {} in {:.1} s ({} requests)",
            snap.symbol,
            snap.venue_label(),
            report.elapsed.as_secs_f64(),
            report.requests
        );
        if let Some(t) = &self.save {
            let path = t.expand(&Vars::of(&snap, &self.window_label));
            write_atomic(&path, &snap.to_json())?;
            tracing::info!(symbol = %snap.symbol, "wrote {}", path.display());
        }
        Ok(snap)
    }

    /// Runs `work` on every snapshot, `--jobs` at a time, and concludes the batch: a summary
    /// line per symbol (several symbols) and the run's result (see [`batch::conclude`]).
    pub fn each<T: Send>(
        &self,
        work: impl Fn(MarketSnapshot) -> Result<T, Error> + Sync,
        summary: impl Fn(&T) -> String,
    ) -> (Vec<T>, Result<(), Error>) {
        // A problem the data causes later (an estimate that cannot bin the prices) names the
        // snapshot file too.
        let file = match &self.kind {
            Kind::File(p) => Some(p),
            Kind::Live { .. } => None,
        };
        let outcomes = batch::run(&self.names, self.jobs, |i| {
            work(self.load(i)?).map_err(|e| match file {
                Some(p) => e.in_file(p),
                None => e,
            })
        });
        batch::conclude(outcomes, summary)
    }
}

/// `files` plus, with `latest`, a copy of each named `{symbol}-latest.{ext}` beside it.
pub fn with_latest(mut files: Vec<(PathBuf, Vec<u8>)>, latest: bool, symbol: &str) -> Vec<(PathBuf, Vec<u8>)> {
    if latest {
        let copies: Vec<_> = files
            .iter()
            .map(|(p, b)| (latest_path(p, symbol), b.clone()))
            .filter(|(p, _)| !files.iter().any(|(q, _)| q == p))
            .collect();
        files.extend(copies);
    }
    files
}

/// Writes `files` all-or-nothing and logs each; returns the summary `wrote a, b`.
pub fn write_logged(files: &[(PathBuf, Vec<u8>)]) -> Result<String, Error> {
    write_all_atomic(files)?;
    for (path, bytes) in files {
        tracing::info!(path = %path.display(), bytes = bytes.len(), "wrote {} ({} bytes)", path.display(), bytes.len());
    }
    Ok(format!("wrote {}", files.iter().map(|(p, _)| p.display().to_string()).collect::<Vec<_>>().join(", ")))
}
