//! Standard output or standard error that cannot be written (`/dev/full`, a
//! full disk): never a panic (exit 101); a failed write is exit 74, and an
//! error message that cannot be shown keeps the error's own exit code.
#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used)] // a panic is how a test reports failure

use std::io::Write;
use std::process::{Command, Output, Stdio};

mod common;

/// `/dev/full`: every write fails with "no space left on device".
fn full() -> Stdio {
    Stdio::from(
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap(),
    )
}

/// Runs candidacy with standard output on `/dev/full`; standard error is
/// captured.
fn stdout_full(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_candidacy"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(full())
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

/// Runs candidacy with standard error on `/dev/full`, writing `input` to
/// its standard input; standard output is captured.
fn stderr_full(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_candidacy"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(full())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // It may exit before reading (a usage error): a closed pipe is fine.
    let _ = stdin.write_all(input);
    drop(stdin);
    child.wait_with_output().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn help_and_version_that_cannot_be_written_exit_74() {
    for args in [
        &["--help"][..],
        &["--version"],
        &["batch", "--help"],
        &["rules", "check", "-h"],
    ] {
        let output = stdout_full(args);
        assert_eq!(
            output.status.code(),
            Some(74),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(!stderr(&output).contains("panicked"), "{args:?}");
    }
}

#[test]
fn every_command_that_cannot_write_its_output_exits_74_without_panicking() {
    let answers = common::example("knee-moderate.toml");
    let answers = answers.to_str().unwrap();
    for args in [
        &["--answers", answers][..],
        &["--answers", answers, "--format", "html"],
        &["questionnaire"],
        &["completions", "bash"],
        &["man"],
        &["rules", "show"],
    ] {
        let output = stdout_full(args);
        assert_eq!(
            output.status.code(),
            Some(74),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains("cannot write"),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(!stderr(&output).contains("panicked"), "{args:?}");
    }
}

#[test]
fn an_error_whose_message_cannot_be_written_keeps_its_exit_code() {
    // An unknown question (65), a usage error from clap (2), a usage error
    // of ours (2), a missing answer file (66).
    for (args, code) in [
        (&["-a", "nosuch=1"][..], 65),
        (&["--no-such-flag"], 2),
        (&["-a", "age=30", "-a", "age=31"], 2),
        (&["--answers", "/no/such/answers.toml"], 66),
    ] {
        let output = stderr_full(args, b"");
        assert_eq!(output.status.code(), Some(code), "{args:?}");
    }
}

#[test]
fn a_batch_tally_that_cannot_be_written_exits_74_after_the_results() {
    let record = br#"{"id": "k1", "warning_signs": ["none"], "condition": "knee-arthritis", "duration": "over-a-year", "severity": "moderate", "imaging": "moderate", "age": 54, "active_infection": "no", "health": ["none"], "prior_treatments": ["rest"]}"#;
    let output = stderr_full(&["batch", "-"], record);
    assert_eq!(output.status.code(), Some(74));
    let results = String::from_utf8_lossy(&output.stdout);
    assert!(results.contains("\"k1\""), "the results are written first");
    assert!(results.contains("\"outcome\""), "a screening: {results}");
    // An invalid record too: the tally's failure is what is reported.
    let output = stderr_full(&["batch", "-"], b"{\"id\": \"x\", \"age\": \"old\"}\n");
    assert_eq!(output.status.code(), Some(74));
}

#[test]
fn a_saved_summary_whose_notice_cannot_be_written_exits_74_and_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("summary.txt");
    let mut args = common::KNEE_FLAGS.to_vec();
    args.extend(["--output", path.to_str().unwrap()]);
    let output = stderr_full(&args, b"");
    assert_eq!(output.status.code(), Some(74));
    let saved = std::fs::read_to_string(&path).unwrap();
    assert!(saved.contains("Outcome"), "{saved}");
}

#[test]
fn a_reader_that_goes_away_early_leaves_exit_74_and_no_message() {
    // Many records, and a reader that closes the pipe after the first line.
    let record = r#"{"warning_signs":["none"],"condition":"knee-arthritis","duration":"over-a-year","severity":"moderate","imaging":"moderate","age":54,"active_infection":"no","health":["none"],"prior_treatments":["rest"]}"#;
    let input = format!("{record}\n").repeat(200_000);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_candidacy"))
        .args(["batch", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = std::io::Write::write_all(&mut stdin, input.as_bytes());
    });
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert_eq!(output.status.code(), Some(74));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("panicked") && !stderr.contains("error"),
        "{stderr}"
    );
}
