//! The `liqshot` command: parse the command line, set up logging, call the library, map errors
//! to exit codes (see [`liqshot::cli::AFTER_HELP`]).

use std::process::ExitCode;

use clap::Parser;
use liqshot::{app, cli::Cli, log};

fn main() -> ExitCode {
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let cli = Cli::parse_from(&argv);
    if let Err(e) = log::init(cli.log_options()) {
        eprintln!("liqshot: error: {e}");
        return ExitCode::from(e.exit_code());
    }
    match app::main(cli, argv) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            log::final_error(&e);
            ExitCode::from(e.exit_code())
        }
    }
}
