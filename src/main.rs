//! The `liqshot` command: parse the command line, set up logging, call the library, map errors
//! to exit codes (see [`cli::AFTER_HELP`]).

#![forbid(unsafe_code)]
// The docs are for contributors and link internal items: read them with
// `cargo doc --document-private-items` (CI builds them so, warnings denied).
#![allow(rustdoc::private_intra_doc_links)]

use std::process::ExitCode;

use std::io::IsTerminal;

use clap::Parser;
mod cli;

use cli::{log, Cli};
use liqshot::Error;

fn main() -> ExitCode {
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let cli = match Cli::try_parse_from(&argv) {
        Ok(cli) => cli,
        // --help and --version: on stdout, exit 0.
        Err(e) if !e.use_stderr() => {
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(1));
        }
        Err(e) => return parse_failed(&e, &argv),
    };
    if let Err(e) = log::init(cli.log_options()) {
        eprintln!("liqshot: error: {e}");
        return ExitCode::from(e.exit_code());
    }
    match cli::main(cli, argv) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            log::final_error(&e);
            ExitCode::from(e.exit_code())
        }
    }
}

/// A command line clap rejected: its message (with tips and usage) on stderr, then the final
/// `liqshot: error: ...` line every failed run ends with; with `--log-json` only that line, as
/// a JSON event. Exit code 2.
fn parse_failed(e: &clap::Error, argv: &[std::ffi::OsString]) -> ExitCode {
    let err = Error::Usage(cli::parse_error_line(e, argv));
    let json = argv.iter().skip(1).take_while(|a| *a != "--").any(|a| a == "--log-json");
    if json {
        let _ = log::init(log::LogOptions { quiet: true, verbose: 0, json: true });
    } else {
        let stderr = std::io::stderr();
        let ansi = stderr.is_terminal() && !matches!(std::env::var_os("NO_COLOR"), Some(v) if !v.is_empty());
        eprint!("{}", cli::parse_error_text(e, ansi));
    }
    log::final_error(&err);
    ExitCode::from(err.exit_code())
}
