//! The real interview driven through a pseudo-terminal: keystrokes in, the
//! screen and the exit status out.
#![cfg(unix)]
#![allow(clippy::unwrap_used)] // a panic is how a test reports failure

use rexpect::process::WaitStatus;
use rexpect::session::{PtySession, spawn_command};

const DOWN: &str = "\x1b[B";
const ENTER: &str = "\r";

fn spawn(args: &[&str]) -> PtySession {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_candidacy"));
    command
        .args(args)
        .env("TERM", "xterm-256color")
        .env_remove("NO_COLOR");
    spawn_command(command, Some(15_000)).expect("spawn candidacy on a pseudo-terminal")
}

fn send(session: &mut PtySession, keys: &str) {
    session.send(keys).unwrap();
    session.flush().unwrap();
}

fn exit_code(session: &PtySession) -> i32 {
    match session.process().wait().unwrap() {
        WaitStatus::Exited(_, code) => code,
        other => panic!("candidacy did not exit normally: {other:?}"),
    }
}

#[test]
fn the_interview_runs_from_the_first_question_to_the_summary() {
    let mut p = spawn(&[]);
    p.exp_string("Question 1 of 6").unwrap();
    p.exp_string("Do you have any of these signs right now?")
        .unwrap();
    p.exp_string("None of these").unwrap();
    send(&mut p, &format!("{}{ENTER}", DOWN.repeat(7) + " ")); // none of these
    p.exp_string("Question 2 of 6").unwrap();
    p.exp_string("What is the main problem you want help with?")
        .unwrap();
    send(&mut p, ENTER); // the first option: arthritis in the knee
    p.exp_string("Question 3 of 6").unwrap();
    p.exp_string("Esc goes back").unwrap();
    send(&mut p, &format!("{DOWN}{ENTER}")); // moderate
    p.exp_string("Question 4 of 6").unwrap();
    send(&mut p, "abc\r"); // not a number: asked again with a message
    p.exp_string("Please type a whole number from 0 to 120.")
        .unwrap();
    // Clear the rejected text, then give a valid age.
    send(&mut p, "\x7f\x7f\x7f54\r");
    p.exp_string("Question 5 of 6").unwrap();
    send(&mut p, &format!("{DOWN}{ENTER}")); // no infection
    p.exp_string("Question 6 of 6").unwrap();
    p.exp_string("Space marks an answer").unwrap();
    send(&mut p, &format!(" {ENTER}")); // rest
    p.exp_string("Outcome: May be suitable, to be checked by a clinician")
        .unwrap();
    p.exp_string("This summary is education.").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 0);
}

#[test]
fn given_answers_are_not_asked() {
    let mut p = spawn(&[
        "-a",
        "warning_signs=none",
        "-a",
        "condition=other",
        "-a",
        "age=30",
        "-a",
        "prior_treatments=none",
    ]);
    p.exp_string("Question 1 of 2").unwrap();
    p.exp_string("How bad is it?").unwrap();
    send(&mut p, ENTER);
    p.exp_string("Question 2 of 2").unwrap();
    p.exp_string("Do you have an infection right now?").unwrap();
    send(&mut p, ENTER);
    p.exp_string("Outcome: ").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 0);
}

#[test]
fn ctrl_c_shows_the_cursor_prints_no_summary_and_exits_130() {
    let mut p = spawn(&[]);
    p.exp_string("Question 1 of 6").unwrap();
    p.exp_string("None of these").unwrap();
    p.send_control('c').unwrap();
    let rest = p.exp_eof().unwrap();
    assert!(
        rest.contains("\x1b[?25h"),
        "the cursor is shown again: {rest:?}"
    );
    assert!(!rest.contains("Outcome"), "nothing half-written: {rest:?}");
    assert_eq!(exit_code(&p), 130);
}

#[test]
fn a_warning_sign_opens_the_summary_with_where_to_get_care() {
    let mut p = spawn(&[
        "-a",
        "condition=knee-arthritis",
        "-a",
        "severity=moderate",
        "-a",
        "age=54",
        "-a",
        "active_infection=no",
        "-a",
        "prior_treatments=rest",
    ]);
    p.exp_string("Question 1 of 1").unwrap();
    p.exp_string("Do you have any of these signs right now?")
        .unwrap();
    p.exp_string("None of these").unwrap();
    send(&mut p, &format!(" {ENTER}")); // a hot, swollen, painful joint
    p.exp_string("Outcome: Seek medical care promptly").unwrap();
    p.exp_string("See a doctor today.").unwrap();
    p.exp_string("The rest of this page is about the stem cell therapy.")
        .unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 0);
}
