//! The `candidacy` binary: parse the command line, run the library, and turn
//! an error into a message and an exit code.
//!
//! Nothing here panics on a standard stream that cannot be written (a full
//! disk, `2>/dev/full`): output that fails is exit 74, and an error message
//! that cannot be shown leaves the error's own exit code.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use candidacy::cli::Cli;
use candidacy::error::{Error, exit, exit_code};
use candidacy::sanitize::sanitize;

fn main() -> ExitCode {
    survive_file_size_limit();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return ExitCode::from(clap_output(&e)),
    };
    match candidacy::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => ExitCode::from(report(&err)),
    }
}

/// Makes a write past the file size limit (`ulimit -f`) fail with EFBIG
/// instead of the default action of SIGXFSZ, which kills the process: a
/// save then reports exit 74 and removes its temporary file, and output to
/// standard output is exit 74 too. The signal sets a flag nobody reads.
fn survive_file_size_limit() {
    #[cfg(unix)]
    {
        static FILE_SIZE_LIMIT: std::sync::atomic::AtomicBool =
            std::sync::atomic::AtomicBool::new(false);
        // Should the handler not install, the limit kills as before.
        let _ = signal_hook::flag::register(signal_hook::consts::SIGXFSZ, &FILE_SIZE_LIMIT);
    }
}

/// Prints what clap has to say and returns the exit code: `--help` and
/// `--version` go to standard output (0, or 74 when they cannot be
/// written); a usage error goes to standard error (2 whether or not it
/// could be shown).
fn clap_output(e: &clap::Error) -> u8 {
    let printed = e.print().and_then(|()| {
        if e.use_stderr() {
            std::io::stderr().flush()
        } else {
            std::io::stdout().flush()
        }
    });
    let code = u8::try_from(e.exit_code()).unwrap_or(exit::SOFTWARE);
    match printed {
        Err(_) if !e.use_stderr() => exit::IO,
        _ => code,
    }
}

/// Shows the error (best effort) and returns its exit code.
fn report(err: &anyhow::Error) -> u8 {
    let code = exit_code(err);
    let broken_pipe = err
        .chain()
        .filter_map(|e| e.downcast_ref::<Error>())
        .any(Error::is_broken_pipe);
    if broken_pipe {
        // The reader went away (`candidacy batch | head`): nothing to tell
        // it, but what was not written must not pass for success (a script
        // with `set -o pipefail` sees it), so the exit code says so.
        return exit::IO;
    }
    // A signal or Ctrl-C: the interview already left the terminal tidy.
    let stopped = err
        .chain()
        .filter_map(|e| e.downcast_ref::<Error>())
        .any(|e| matches!(e, Error::Interrupted | Error::Stopped(_)));
    if !stopped {
        // A message that cannot be written cannot be reported either; the
        // exit code still says what went wrong.
        let mut stderr = std::io::stderr().lock();
        let _ = writeln!(
            stderr,
            "candidacy: error: {}",
            sanitize(&format!("{err:#}"))
        )
        .and_then(|()| stderr.flush());
    }
    code
}
