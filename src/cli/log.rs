//! Diagnostics on stderr through `tracing`: levels chosen by `--quiet`, `-v`/`-vv` or the
//! `LIQSHOT_LOG` environment variable (a list of `[target=]level` such as `debug` or
//! `warn,liqshot=trace`, read by tracing-subscriber's `Targets`), printed either as plain lines (`liqshot: warning: okx left out: ...`) or,
//! with `--log-json`, as one JSON object per line for log collectors.

use std::fmt;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;

use liqshot::error::Error;
use liqshot::fetch::progress;

/// The environment variable read when neither `--quiet` nor `-v` is given (`RUST_LOG` when
/// it is unset).
pub const ENV: &str = "LIQSHOT_LOG";

/// How much to log and in which format.
#[derive(Debug, Clone, Copy, Default)]
pub struct LogOptions {
    /// Warnings and errors only (no progress or "wrote ..." lines).
    pub quiet: bool,
    /// 0: progress and warnings; 1: debug; 2 or more: trace.
    pub verbose: u8,
    /// One JSON object per line instead of plain text.
    pub json: bool,
}

static JSON: AtomicBool = AtomicBool::new(false);
/// A progress line is on screen: plain events first clear it.
static PROGRESS_SHOWN: AtomicBool = AtomicBool::new(false);

/// Installs the global subscriber writing to stderr. An invalid `LIQSHOT_LOG` (or `RUST_LOG`) is a usage error.
pub fn init(o: LogOptions) -> Result<(), Error> {
    let mut source = ENV;
    let directive = match (o.quiet, o.verbose) {
        // Cron wants warnings (a venue left out, a short snapshot) but no progress.
        (true, _) => "warn".to_string(),
        (false, 1) => "warn,liqshot=debug".to_string(),
        (false, v) if v >= 2 => "info,liqshot=trace".to_string(),
        _ => match [ENV, "RUST_LOG"]
            .into_iter()
            .find_map(|var| std::env::var(var).ok().filter(|s| !s.trim().is_empty()).map(|s| (var, s)))
        {
            Some((var, s)) => {
                source = var;
                s
            }
            None => "warn,liqshot=info".to_string(),
        },
    };
    let filter: Targets = directive.parse().map_err(|e| {
        Error::Usage(format!("{source}={directive:?}: {e} (expected e.g. debug or warn,liqshot=trace)"))
    })?;
    JSON.store(o.json, Ordering::Relaxed);
    // The formatter lets everything through; `filter` alone decides.
    let builder = tracing_subscriber::fmt().with_max_level(Level::TRACE).with_writer(std::io::stderr);
    let installed = if o.json {
        builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(false)
            .finish()
            .with(filter)
            .try_init()
    } else {
        builder.event_format(Plain).finish().with(filter).try_init()
    };
    // A second call (tests in one process) keeps the first subscriber.
    let _ = installed;
    Ok(())
}

/// Whether diagnostics are JSON lines.
pub fn is_json() -> bool {
    JSON.load(Ordering::Relaxed)
}

/// Whether a progress display makes sense: plain output, info level on, stderr a terminal.
pub fn progress_wanted() -> bool {
    !is_json() && tracing::enabled!(Level::INFO) && std::io::stderr().is_terminal()
}

/// A fetch is drawing its progress line (batches fetch several symbols at once: one draws).
static PROGRESS_CLAIMED: AtomicBool = AtomicBool::new(false);

/// Takes the progress line for one fetch; `false` when another fetch has it.
pub fn claim_progress() -> bool {
    PROGRESS_CLAIMED.compare_exchange(false, true, Ordering::AcqRel, Ordering::Relaxed).is_ok()
}

/// Gives the progress line back (after [`claim_progress`] returned `true`).
pub fn release_progress() {
    PROGRESS_CLAIMED.store(false, Ordering::Release);
}

/// The progress line of fetches on stderr, for [`Http::with_display`](liqshot::fetch::Http::with_display):
/// drawn only when [`progress_wanted`] (never with --quiet, --log-json or stderr not a
/// terminal), by one fetch of a batch at a time.
pub struct TerminalProgress;

impl progress::Display for TerminalProgress {
    fn claim(&self) -> bool {
        progress_wanted() && claim_progress()
    }

    fn show(&self, symbol: &str, venues: &[progress::VenueProgress]) {
        show_progress(&progress::line(symbol, venues, width()));
    }

    fn release(&self) {
        clear_progress();
        release_progress();
    }
}

/// Characters a progress line may take: `COLUMNS - 1` when the shell exports it, else 79.
pub fn width() -> usize {
    std::env::var("COLUMNS").ok().and_then(|c| c.trim().parse::<usize>().ok()).filter(|c| *c > 10).map_or(79, |c| c - 1)
}

/// Shows `text` as the (single, rewritten) progress line on stderr.
pub fn show_progress(text: &str) {
    PROGRESS_SHOWN.store(true, Ordering::Relaxed);
    eprint!("\r\x1b[2K{text}");
}

/// Removes the progress line.
pub fn clear_progress() {
    if PROGRESS_SHOWN.swap(false, Ordering::Relaxed) {
        eprint!("\r\x1b[2K");
    }
}

/// Prints the final error of a run: the one line `liqshot: error: ...` (or a JSON error event).
pub fn final_error(e: &Error) {
    clear_progress();
    // One line, whatever the message quotes (a path or key with a newline in it).
    let text = liqshot::model::fmt::inert(&e.to_string());
    if is_json() {
        tracing::error!(exit_code = e.exit_code(), "{text}");
    } else {
        eprintln!("liqshot: error: {text}");
    }
}

/// Plain lines: `liqshot: error: `, `liqshot: warning: `, no prefix for info, `liqshot: debug: `.
/// Only the message is printed; the structured fields are for `--log-json`.
struct Plain;

struct Message(String);

impl Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            self.0 = format!("{value:?}");
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.0 = value.to_string();
        }
    }
}

impl<S, N> FormatEvent<S, N> for Plain
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(&self, _ctx: &FmtContext<'_, S, N>, mut w: Writer<'_>, event: &Event<'_>) -> fmt::Result {
        if PROGRESS_SHOWN.swap(false, Ordering::Relaxed) {
            w.write_str("\r\x1b[2K")?;
        }
        let prefix = match *event.metadata().level() {
            Level::ERROR => "liqshot: error: ",
            Level::WARN => "liqshot: warning: ",
            Level::INFO => "",
            Level::DEBUG => "liqshot: debug: ",
            Level::TRACE => "liqshot: trace: ",
        };
        let mut m = Message(String::new());
        event.record(&mut m);
        // Control characters a message quotes (ESC of a hostile name) are shown, not obeyed.
        let text = if m.0.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
            liqshot::model::fmt::inert(&m.0)
        } else {
            m.0
        };
        writeln!(w, "{prefix}{text}")
    }
}
