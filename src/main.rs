//! The `candidacy` binary: parse the command line, run the library, and turn
//! an error into a message and an exit code.

use std::process::ExitCode;

use clap::Parser;

use candidacy::cli::Cli;
use candidacy::error::{Error, exit_code};
use candidacy::sanitize::sanitize;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match candidacy::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            let quiet = err
                .chain()
                .filter_map(|e| e.downcast_ref::<Error>())
                .any(|e| e.is_broken_pipe() || matches!(e, Error::Interrupted));
            if !quiet {
                eprintln!("candidacy: error: {}", sanitize(&format!("{err:#}")));
            }
            let code = exit_code(&err);
            if quiet && code == candidacy::error::exit::IO {
                return ExitCode::SUCCESS;
            }
            ExitCode::from(code)
        }
    }
}
