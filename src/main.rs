//! The `liqshot` command: parse the command line, call the library, map errors to exit codes.

use std::process::ExitCode;

use clap::Parser;
use liqshot::{app, cli::Cli, Error};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match app::run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("liqshot: error: {e}");
            match e {
                Error::Usage(_) => ExitCode::from(2),
                Error::Fetch(_) => ExitCode::from(3),
                _ => ExitCode::from(1),
            }
        }
    }
}
