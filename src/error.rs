//! Errors a caller must tell apart, and the one table that maps them to
//! exit codes (sysexits-style, documented in the README).

use std::path::PathBuf;

use crate::answers::AnswerError;
use crate::ruleset::LoadError;

/// Exit codes. This is the only place they are defined.
pub mod exit {
    /// The summary was printed, whatever the outcome.
    pub const OK: u8 = 0;
    /// `rules test`: a case failed, or coverage is below `--min-coverage`.
    pub const FAILED: u8 = 1;
    /// Bad command line, or answers missing with no terminal to ask on.
    pub const USAGE: u8 = 2;
    /// An answer is invalid (unknown question, option or out of range).
    pub const DATA: u8 = 65;
    /// An input file does not exist or cannot be read.
    pub const NO_INPUT: u8 = 66;
    /// An unexpected internal error.
    pub const SOFTWARE: u8 = 70;
    /// The `--output` file cannot be created (it exists and `--force` was
    /// not given, or its folder is missing or not writable).
    pub const CANNOT_CREATE: u8 = 73;
    /// Writing the output failed.
    pub const IO: u8 = 74;
    /// The rule files are invalid.
    pub const CONFIG: u8 = 78;
    /// The terminal was closed during the interview (SIGHUP, 128 + 1).
    pub const HANGUP: u8 = 129;
    /// Interrupted with Ctrl-C (SIGINT, 128 + 2).
    pub const INTERRUPTED: u8 = 130;
    /// Stopped with SIGQUIT (`Ctrl-\` or `kill -QUIT`) during the interview
    /// (128 + 3); no core dump.
    pub const QUIT: u8 = 131;
    /// Stopped with `kill` during the interview (SIGTERM, 128 + 15).
    pub const TERMINATED: u8 = 143;

    /// The exit code after the interview caught `signal` (SIGINT, SIGTERM,
    /// SIGHUP or SIGQUIT): 128 + its number, as a shell reports it.
    pub fn for_signal(signal: i32) -> u8 {
        u8::try_from(128 + signal).unwrap_or(INTERRUPTED)
    }
}

/// An error of the `candidacy` library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The rule set could not be loaded.
    #[error(transparent)]
    Rules(#[from] LoadError),
    /// A given answer is invalid.
    #[error(transparent)]
    Answer(#[from] AnswerError),
    /// An answer in a file is invalid.
    #[error("in `{}`", path.display())]
    AnswerFile {
        /// The answer file.
        path: PathBuf,
        /// What is wrong in it.
        source: AnswerError,
    },
    /// An input file does not exist or cannot be read.
    #[error("cannot read `{}`", path.display())]
    Input {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Questions left unanswered where nobody can be asked.
    #[error(
        "standard input is not a terminal, so every answer must be given with --answer or --answers; missing: {}",
        .0.join(", ")
    )]
    MissingAnswers(Vec<String>),
    /// The command line is inconsistent in a way clap cannot see.
    #[error("{0}")]
    Usage(String),
    /// `batch`: some records were invalid (their error records were
    /// written).
    #[error("{invalid} of {records} records are invalid; each has an error record in the output")]
    InvalidRecords {
        /// Invalid records.
        invalid: usize,
        /// All records.
        records: usize,
    },
    /// `rules check` found errors (the report says which).
    #[error("the rule set check found {0} error(s)")]
    CheckFailed(usize),
    /// `rules test`: cases failed or coverage is too low (the report says
    /// which).
    #[error("{0}")]
    TestsFailed(String),
    /// The interview was interrupted (Ctrl-C).
    #[error("interrupted")]
    Interrupted,
    /// The interview was stopped by SIGTERM, SIGHUP or SIGQUIT; this is the exit
    /// code (128 + the signal's number).
    #[error("stopped by a signal")]
    Stopped(u8),
    /// The `--output` file cannot be created.
    #[error("cannot create `{}`", path.display())]
    CannotCreate {
        /// The file asked for.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Writing the `--output` file failed (nothing is left behind).
    #[error("cannot write `{}`", path.display())]
    Save {
        /// The file asked for.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Writing the output or talking to the terminal failed.
    #[error("{what}")]
    Output {
        /// What was being written.
        what: String,
        /// Why it failed.
        source: std::io::Error,
    },
}

impl Error {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Rules(LoadError::NotFound(_) | LoadError::Io { .. }) => exit::NO_INPUT,
            Error::Rules(_) | Error::CheckFailed(_) => exit::CONFIG,
            Error::Answer(_) | Error::AnswerFile { .. } | Error::InvalidRecords { .. } => {
                exit::DATA
            }
            Error::Input { .. } => exit::NO_INPUT,
            Error::MissingAnswers(_) | Error::Usage(_) => exit::USAGE,
            Error::TestsFailed(_) => exit::FAILED,
            Error::Interrupted => exit::INTERRUPTED,
            Error::Stopped(code) => *code,
            Error::CannotCreate { .. } => exit::CANNOT_CREATE,
            Error::Output { .. } | Error::Save { .. } => exit::IO,
        }
    }

    /// Whether the error is a closed pipe on output (`candidacy | head`),
    /// which is not worth reporting.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Output { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

/// The exit code for any error reaching the binary's edge: the first
/// library [`Error`] in the chain decides; anything else is internal.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    err.chain()
        .find_map(|e| e.downcast_ref::<Error>())
        .map_or(exit::SOFTWARE, Error::exit_code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_each_error_to_its_documented_code() {
        let io = || std::io::Error::other("x");
        let cases = [
            (
                Error::CannotCreate {
                    path: "f".into(),
                    source: io(),
                },
                73,
            ),
            (
                Error::Save {
                    path: "f".into(),
                    source: io(),
                },
                74,
            ),
            (Error::Rules(LoadError::NotFound("r".into())), 66),
            (Error::Rules(LoadError::Invalid(vec![])), 78),
            (
                Error::Rules(LoadError::Io {
                    path: "r".into(),
                    source: io(),
                }),
                66,
            ),
            (Error::Answer(AnswerError::Syntax("x".into())), 65),
            (
                Error::Input {
                    path: "a".into(),
                    source: io(),
                },
                66,
            ),
            (Error::MissingAnswers(vec!["age".into()]), 2),
            (Error::Usage("x".into()), 2),
            (Error::CheckFailed(1), 78),
            (Error::TestsFailed("x".into()), 1),
            (
                Error::InvalidRecords {
                    invalid: 1,
                    records: 2,
                },
                65,
            ),
            (Error::Interrupted, 130),
            (Error::Stopped(exit::TERMINATED), 143),
            (Error::Stopped(exit::HANGUP), 129),
            (
                Error::Output {
                    what: "x".into(),
                    source: io(),
                },
                74,
            ),
        ];
        for (error, code) in cases {
            assert_eq!(error.exit_code(), code, "{error:?}");
            assert_eq!(exit_code(&anyhow::Error::new(error).context("outer")), code);
        }
        assert_eq!(exit_code(&anyhow::anyhow!("other")), exit::SOFTWARE);
    }

    #[test]
    fn a_signal_exits_with_128_plus_its_number() {
        assert_eq!(exit::for_signal(1), exit::HANGUP);
        assert_eq!(exit::for_signal(2), exit::INTERRUPTED);
        assert_eq!(exit::for_signal(3), exit::QUIT);
        assert_eq!(exit::for_signal(15), exit::TERMINATED);
        assert_eq!(
            (exit::HANGUP, exit::QUIT, exit::TERMINATED),
            (129, 131, 143)
        );
    }
}
