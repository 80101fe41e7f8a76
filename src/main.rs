//! The `candidacy` binary: parse the command line, run the library, and turn
//! an error into a message and an exit code.

use std::process::ExitCode;

use clap::Parser;

use candidacy::cli::Cli;
use candidacy::error::{Error, exit, exit_code};
use candidacy::sanitize::sanitize;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match candidacy::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            let code = exit_code(&err);
            let broken_pipe = err
                .chain()
                .filter_map(|e| e.downcast_ref::<Error>())
                .any(Error::is_broken_pipe);
            if broken_pipe {
                // The reader went away (`candidacy | head`): nothing to report.
                return ExitCode::SUCCESS;
            }
            // Ctrl-C: the interview already left the terminal tidy.
            if code != exit::INTERRUPTED {
                eprintln!("candidacy: error: {}", sanitize(&format!("{err:#}")));
            }
            ExitCode::from(code)
        }
    }
}
