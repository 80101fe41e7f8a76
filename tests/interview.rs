//! The real interview driven through a pseudo-terminal: keystrokes in, the
//! screen and the exit status out.
#![cfg(unix)]
#![allow(clippy::unwrap_used)] // a panic is how a test reports failure

use rexpect::process::WaitStatus;
use rexpect::session::{PtySession, spawn_command};

const DOWN: &str = "\x1b[B";
const ENTER: &str = "\r";
const ESC: &str = "\x1b";
/// "None of these" in the health question: marked, then Enter.
const HEALTH_NONE: &str = "\x1b[B\x1b[B\x1b[B\x1b[B\x1b[B\x1b[B\x1b[B\x1b[B \r";

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
    p.exp_string("Question 1 of 9").unwrap();
    p.exp_string("Do you have any of these signs right now?")
        .unwrap();
    p.exp_string("None of these").unwrap();
    send(&mut p, &format!("{}{ENTER}", DOWN.repeat(7) + " ")); // none of these
    p.exp_string("Question 2 of 9").unwrap();
    p.exp_string("What is the main problem you want help with?")
        .unwrap();
    send(&mut p, ENTER); // the first option: arthritis in the knee
    p.exp_string("Question 3 of 9").unwrap();
    p.exp_string("Esc goes back").unwrap();
    p.exp_string("How long have you had this problem?").unwrap();
    send(&mut p, &format!("{}{ENTER}", DOWN.repeat(3))); // over a year
    p.exp_string("Question 4 of 9").unwrap();
    send(&mut p, &format!("{DOWN}{ENTER}")); // moderate
    p.exp_string("Question 5 of 9").unwrap();
    p.exp_string("What has a doctor or a scan said about the damage?")
        .unwrap();
    send(&mut p, &format!("{DOWN}{ENTER}")); // moderate damage
    p.exp_string("Question 6 of 9").unwrap();
    send(&mut p, "abc\r"); // not a number: asked again with a message
    p.exp_string("Please type a whole number from 0 to 120.")
        .unwrap();
    // Clear the rejected text, then give a valid age.
    send(&mut p, "\x7f\x7f\x7f54\r");
    p.exp_string("Question 7 of 9").unwrap();
    send(&mut p, &format!("{DOWN}{ENTER}")); // no infection
    p.exp_string("Question 8 of 9").unwrap();
    p.exp_string("Do any of these apply to you?").unwrap();
    p.exp_string("None of these").unwrap();
    send(&mut p, HEALTH_NONE);
    p.exp_string("Question 9 of 9").unwrap();
    p.exp_string("Space marks an answer").unwrap();
    send(&mut p, &format!(" {ENTER}")); // rest
    // The review: every answer in a table, then confirm.
    p.exp_string("Your answers").unwrap();
    // The table wraps the label before its last word.
    p.exp_string("Wear-and-tear arthritis (osteoarthritis) in the")
        .unwrap();
    p.exp_string("knee").unwrap();
    p.exp_string("Are these answers right?").unwrap();
    p.exp_string("Yes, show the summary").unwrap();
    send(&mut p, ENTER);
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
    // Imaging is not asked about a problem no source lists.
    p.exp_string("Question 1 of 4").unwrap();
    p.exp_string("How long have you had this problem?").unwrap();
    send(&mut p, ENTER);
    p.exp_string("Question 2 of 4").unwrap();
    p.exp_string("How much does it get in the way of your daily life?")
        .unwrap();
    send(&mut p, ENTER);
    p.exp_string("Question 3 of 4").unwrap();
    p.exp_string("Do you have an infection right now?").unwrap();
    send(&mut p, ENTER);
    p.exp_string("Question 4 of 4").unwrap();
    p.exp_string("None of these").unwrap();
    send(&mut p, HEALTH_NONE);
    // The review shows the given answers too.
    p.exp_string("Something else, or I am not sure which")
        .unwrap();
    p.exp_string("None of these yet").unwrap();
    p.exp_string("Are these answers right?").unwrap();
    send(&mut p, ENTER);
    p.exp_string("Outcome: ").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 0);
}

#[test]
fn ctrl_c_shows_the_cursor_prints_no_summary_and_exits_130() {
    let mut p = spawn(&[]);
    p.exp_string("Question 1 of 9").unwrap();
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
fn sigterm_and_sighup_show_the_cursor_and_exit_128_plus_the_signal() {
    use rexpect::process::Signal;
    for (signal, code) in [(Signal::SIGTERM, 143), (Signal::SIGHUP, 129)] {
        let mut p = spawn(&[]);
        p.exp_string("Question 1 of 9").unwrap();
        // The menu is drawn, so the cursor is hidden now.
        p.exp_string("None of these").unwrap();
        p.process_mut().signal(signal).unwrap();
        let rest = p.exp_eof().unwrap();
        assert!(
            rest.contains("\x1b[?25h"),
            "{signal:?}: the cursor is shown again: {rest:?}"
        );
        assert!(!rest.contains("Outcome"), "nothing half-written: {rest:?}");
        assert_eq!(exit_code(&p), code, "{signal:?}");
        // The plain interview, waiting for a typed line, exits alike.
        let mut p = spawn(&["--plain"]);
        p.exp_string("8. None of these").unwrap();
        p.exp_string("> ").unwrap();
        p.process_mut().signal(signal).unwrap();
        let rest = p.exp_eof().unwrap();
        assert!(!rest.contains("Outcome"), "nothing half-written: {rest:?}");
        assert_eq!(exit_code(&p), code, "--plain, {signal:?}");
    }
}

#[test]
fn sigquit_shows_the_cursor_and_exits_131_without_a_core_dump() {
    use rexpect::process::Signal;
    // SIGQUIT's default action ends the process with a core dump (the
    // answers in it) and leaves the cursor hidden: it is caught like
    // SIGTERM instead.
    let mut p = spawn(&[]);
    p.exp_string("Question 1 of 9").unwrap();
    p.exp_string("None of these").unwrap();
    p.process_mut().signal(Signal::SIGQUIT).unwrap();
    let rest = p.exp_eof().unwrap();
    assert!(
        rest.contains("\x1b[?25h"),
        "the cursor is shown again: {rest:?}"
    );
    assert!(!rest.contains("Outcome"), "nothing half-written: {rest:?}");
    assert_eq!(exit_code(&p), 131);
    let mut p = spawn(&["--plain"]);
    p.exp_string("8. None of these").unwrap();
    p.exp_string("> ").unwrap();
    p.process_mut().signal(Signal::SIGQUIT).unwrap();
    let rest = p.exp_eof().unwrap();
    assert!(!rest.contains("Outcome"), "nothing half-written: {rest:?}");
    assert_eq!(exit_code(&p), 131, "--plain");
}

#[test]
fn a_warning_sign_opens_the_summary_with_where_to_get_care() {
    let mut p = spawn(&[
        "-a",
        "condition=knee-arthritis",
        "-a",
        "duration=over-a-year",
        "-a",
        "severity=moderate",
        "-a",
        "imaging=moderate",
        "-a",
        "age=54",
        "-a",
        "active_infection=no",
        "-a",
        "health=none",
        "-a",
        "prior_treatments=rest",
    ]);
    p.exp_string("Question 1 of 1").unwrap();
    p.exp_string("Do you have any of these signs right now?")
        .unwrap();
    p.exp_string("None of these").unwrap();
    send(&mut p, &format!(" {ENTER}")); // a hot, swollen, painful joint
    p.exp_string("Are these answers right?").unwrap();
    send(&mut p, ENTER);
    // Where to get care first, then the outcome, the reason and that the
    // therapy can wait.
    p.exp_string("See a doctor today about the hot, swollen joint.")
        .unwrap();
    p.exp_string("Outcome: Get medical care first").unwrap();
    p.exp_string("Clinical guidance treats a sudden hot, swollen joint")
        .unwrap();
    p.exp_string("Stem cell therapy can wait.").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 0);
}

/// `-a` flags for every answer except those of `asked`.
fn given_except(asked: &[&str]) -> Vec<String> {
    [
        "warning_signs=none",
        "condition=knee-arthritis",
        "duration=over-a-year",
        "severity=moderate",
        "imaging=moderate",
        "age=54",
        "active_infection=no",
        "health=none",
        "prior_treatments=rest",
    ]
    .into_iter()
    .filter(|a| !asked.iter().any(|q| a.starts_with(&format!("{q}="))))
    .flat_map(|a| ["-a".to_owned(), a.to_owned()])
    .collect()
}

fn spawn_asking(asked: &[&str], extra: &[&str]) -> PtySession {
    let mut args = given_except(asked);
    args.extend(extra.iter().map(|a| (*a).to_owned()));
    spawn(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

#[test]
fn esc_goes_back_to_the_previous_question_with_its_answer_preselected() {
    let mut p = spawn_asking(&["condition", "severity"], &["--format", "json"]);
    p.exp_string("Question 1 of 2").unwrap();
    send(&mut p, &format!("{DOWN}{ENTER}")); // arthritis in the hip
    p.exp_string("Question 2 of 2").unwrap();
    p.exp_string("Esc goes back").unwrap();
    send(&mut p, ESC);
    p.exp_string("Question 1 of 2").unwrap();
    // Enter without moving keeps the preselected earlier answer.
    send(&mut p, ENTER);
    p.exp_string("osteoarthritis) in the hip").unwrap();
    p.exp_string("Question 2 of 2").unwrap();
    send(&mut p, ENTER); // mild
    p.exp_string("Are these answers right?").unwrap();
    send(&mut p, ENTER);
    p.exp_string("\"condition\": \"hip-arthritis\"").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 0);
}

#[test]
fn an_answer_changed_at_the_review_is_in_the_summary() {
    let mut p = spawn_asking(&["severity"], &["--format", "json"]);
    p.exp_string("Question 1 of 1").unwrap();
    send(&mut p, ENTER); // mild
    p.exp_string("Are these answers right?").unwrap();
    p.exp_string("Change: How much does it get in the way of your daily life?")
        .unwrap();
    // The menu: confirm, then one "Change" per question in order; severity
    // is the fourth question.
    send(&mut p, &format!("{}{ENTER}", DOWN.repeat(4)));
    p.exp_string("How much does it get in the way of your daily life?")
        .unwrap();
    send(&mut p, &format!("{DOWN}{DOWN}{ENTER}")); // severe
    p.exp_string("Are these answers right?").unwrap();
    send(&mut p, ENTER);
    p.exp_string("\"severity\": \"severe\"").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 0);
}

#[test]
fn an_unusual_age_is_confirmed_before_going_on() {
    let mut p = spawn_asking(&["age"], &["--no-review", "--format", "json"]);
    p.exp_string("How old are you?").unwrap();
    send(&mut p, "7\r");
    p.exp_string("You typed 7. Is that right?").unwrap();
    send(&mut p, &format!("{DOWN}{ENTER}")); // no, let me change it
    p.exp_string("How old are you?").unwrap();
    send(&mut p, "\x7f70\r");
    p.exp_string("\"age\": 70").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 0);
}

#[test]
fn ctrl_c_in_the_middle_of_the_interview_exits_130_with_the_cursor_shown() {
    let mut p = spawn(&[]);
    p.exp_string("Question 1 of 9").unwrap();
    p.exp_string("None of these").unwrap();
    send(&mut p, &format!("{}{ENTER}", DOWN.repeat(7) + " "));
    p.exp_string("Question 2 of 9").unwrap();
    send(&mut p, ENTER);
    p.exp_string("Question 3 of 9").unwrap();
    p.exp_string("Esc goes back").unwrap();
    p.send_control('c').unwrap();
    let rest = p.exp_eof().unwrap();
    assert!(
        rest.contains("\x1b[?25h"),
        "the cursor is shown again: {rest:?}"
    );
    // The answers given (no warning sign, knee arthritis) are cleared from
    // the screen and its scrollback, and nothing of them is written after.
    let cleared = rest
        .rfind("\x1b[H\x1b[2J\x1b[3J")
        .unwrap_or_else(|| panic!("the screen is cleared: {rest:?}"));
    assert!(
        !rest[cleared..].contains("knee") && !rest[cleared..].contains("Question"),
        "nothing of the interview after the clearing: {rest:?}"
    );
    assert!(!rest.contains("Outcome"), "nothing half-written: {rest:?}");
    assert_eq!(exit_code(&p), 130);
}

#[test]
fn plain_mode_takes_typed_numbers_and_never_moves_the_cursor() {
    let mut p = spawn(&["--plain", "--details"]);
    p.exp_string("Question 1 of 9: Do you have any of these signs right now?")
        .unwrap();
    p.exp_string("8. None of these").unwrap();
    send(&mut p, "8\r");
    p.exp_string("1. Wear-and-tear arthritis (osteoarthritis) in the knee")
        .unwrap();
    send(&mut p, "knee-arthritis\r");
    p.exp_string("Question 3 of 9").unwrap();
    send(&mut p, "back\r");
    p.exp_string(
        "Press Enter alone to keep: Wear-and-tear arthritis (osteoarthritis) in the knee.",
    )
    .unwrap();
    send(&mut p, "\r");
    p.exp_string("Question 3 of 9").unwrap();
    send(&mut p, "4\r"); // over a year
    p.exp_string("Question 4 of 9").unwrap();
    send(&mut p, "2\r"); // moderate
    p.exp_string("Question 5 of 9").unwrap();
    send(&mut p, "2\r"); // moderate damage
    p.exp_string("Question 6 of 9").unwrap();
    send(&mut p, "abc\r");
    p.exp_string("Please type a whole number from 0 to 120.")
        .unwrap();
    send(&mut p, "54\r");
    p.exp_string("Question 7 of 9").unwrap();
    send(&mut p, "2\r"); // no infection
    p.exp_string("Question 8 of 9").unwrap();
    send(&mut p, "9\r"); // none of the health conditions
    p.exp_string("Question 9 of 9").unwrap();
    send(&mut p, "1\r");
    p.exp_string("Press Enter alone if they are right.")
        .unwrap();
    send(&mut p, "\r");
    let rest = p.exp_eof().unwrap();
    assert!(rest.contains("Outcome: May be suitable"), "{rest}");
    // Tables as lines, not box drawing.
    assert!(rest.contains("Question: How old are you?"), "{rest}");
    assert!(!rest.contains('│') && !rest.contains('┌'), "{rest}");
    // No cursor movement, no screen clearing, no hidden cursor.
    for sequence in ["\x1b[A", "\x1b[2K", "\x1b[?25l", "\x1b[2J"] {
        assert!(!rest.contains(sequence), "{sequence:?} in {rest:?}");
    }
    assert_eq!(exit_code(&p), 0);
}

#[test]
fn repeat_interviews_two_people_and_clears_the_first_before_the_second() {
    let mut p = spawn(&["--repeat", "--no-review", "--format", "json"]);
    // Everything the terminal receives after the clear sequence.
    let mut after_clear = String::new();
    for (person, age) in [(1, "61"), (2, "45")] {
        let mut expect = |p: &mut PtySession, needle: &str| {
            let before = p.exp_string(needle).unwrap();
            if person == 2 {
                after_clear.push_str(&before);
                after_clear.push_str(needle);
            }
        };
        expect(&mut p, "Question 1 of 9");
        expect(&mut p, "None of these");
        send(&mut p, &format!("{}{ENTER}", DOWN.repeat(7) + " "));
        expect(&mut p, "Question 2 of 9");
        send(&mut p, ENTER);
        expect(&mut p, "Question 3 of 9");
        send(&mut p, ENTER);
        expect(&mut p, "Question 4 of 9");
        send(&mut p, ENTER);
        expect(&mut p, "Question 5 of 9");
        send(&mut p, ENTER);
        expect(&mut p, "Question 6 of 9");
        send(&mut p, &format!("{age}\r"));
        expect(&mut p, "Question 7 of 9");
        send(&mut p, &format!("{DOWN}{ENTER}"));
        expect(&mut p, "Question 8 of 9");
        expect(&mut p, "None of these");
        send(&mut p, HEALTH_NONE);
        expect(&mut p, "Question 9 of 9");
        send(&mut p, &format!(" {ENTER}"));
        expect(&mut p, &format!("\"age\": {age}"));
        expect(&mut p, "Start the next interview?");
        if person == 1 {
            send(&mut p, ENTER); // yes, next person
            // The screen and its scrollback are cleared before the next
            // one; what came before the clear is left behind.
            p.exp_string("\x1b[2J\x1b[3J").unwrap();
        } else {
            send(&mut p, &format!("{DOWN}{ENTER}")); // no, quit
        }
    }
    after_clear.push_str(&p.exp_eof().unwrap());
    // The second person's turn is all there, and nothing of the first: not
    // their summary, not their typed age.
    assert!(after_clear.contains("\"age\": 45"), "{after_clear:?}");
    assert!(!after_clear.contains("\"age\": 61"), "{after_clear:?}");
    let age_lines: Vec<&str> = after_clear
        .split(['\r', '\n'])
        .filter(|line| line.contains("How old are you?"))
        .collect();
    assert!(
        age_lines.iter().any(|line| line.contains("45")),
        "{age_lines:?}"
    );
    assert!(
        age_lines.iter().all(|line| !line.contains("61")),
        "{age_lines:?}"
    );
    assert_eq!(exit_code(&p), 0);
}

/// `text` as rexpect reads it: a character per byte.
fn bytes(text: &str) -> String {
    text.bytes().map(char::from).collect()
}

#[test]
fn with_no_color_the_several_choice_cursor_row_is_marked() {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_candidacy"));
    command.env("TERM", "xterm-256color").env("NO_COLOR", "1");
    let mut p = spawn_command(command, Some(15_000)).unwrap();
    p.exp_string("Do you have any of these signs right now?")
        .unwrap();
    // Without color, only the marker shows where Space would act: on the
    // first row at first, then on the row Down moved to.
    p.exp_string(&bytes("❯ ⬚ A hot, swollen, painful joint"))
        .unwrap();
    p.exp_string(&bytes("  ⬚ A fever")).unwrap();
    send(&mut p, &format!("{DOWN}{DOWN}"));
    p.exp_string(&bytes("❯ ⬚ New trouble holding or passing pee"))
        .unwrap();
    send(&mut p, " ");
    p.exp_string(&bytes("❯ ✔ New trouble holding or passing pee"))
        .unwrap();
    send(&mut p, "\x03");
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 130);
}

#[test]
fn on_a_terminal_the_summary_ends_with_the_action_and_the_outcome() {
    // The details, and the short summary too, are longer than a 24-row
    // screen: their last lines repeat what to do and the outcome, so they
    // are on screen when the program ends.
    for details in [true, false] {
        let mut args = vec!["--no-review", "--color", "never"];
        if details {
            args.push("--details");
        }
        let mut p = spawn_asking(&[], &args);
        let all = p.exp_eof().unwrap();
        let lines: Vec<&str> = all
            .lines()
            .map(str::trim_end)
            .filter(|l| !l.is_empty())
            .collect();
        assert!(lines.len() > if details { 60 } else { 24 }, "{all}");
        let n = lines.len();
        assert_eq!(
            lines[n - 2],
            "If you want to go ahead, book an evaluation with a clinician."
        );
        assert_eq!(
            lines[n - 1],
            "Outcome: May be suitable, to be checked by a clinician"
        );
        // It opens with them too.
        assert_eq!(
            lines[0],
            "If you want to go ahead, book an evaluation with a clinician."
        );
        assert_eq!(exit_code(&p), 0);
    }
}

/// The interview on a pseudo-terminal `columns` wide and 40 rows high
/// (sized by `stty` before the program starts), with no color.
fn spawn_sized(columns: u16, args: &[String]) -> PtySession {
    let mut command = std::process::Command::new("sh");
    command
        .arg("-c")
        .arg(format!("stty cols {columns} rows 40 && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_candidacy"))
        .args(args)
        .env("TERM", "xterm-256color")
        .env("NO_COLOR", "1");
    spawn_command(command, Some(15_000)).expect("spawn candidacy on a pseudo-terminal")
}

/// What a terminal `columns` wide shows after `output` (rexpect gives each
/// byte as a char), one string per row, scrollback included.
fn screen(output: &str, columns: u16) -> Vec<String> {
    let bytes: Vec<u8> = output.chars().map(|c| c as u8).collect();
    let mut parser = vt100::Parser::new(40, columns, 1000);
    parser.process(&bytes);
    let mut rows = Vec::new();
    // The scrollback first (as far back as it goes), then the screen.
    parser.screen_mut().set_scrollback(usize::MAX);
    let back = parser.screen().scrollback();
    for offset in (1..=back).rev() {
        parser.screen_mut().set_scrollback(offset);
        rows.push(parser.screen().rows(0, columns).next().unwrap_or_default());
    }
    parser.screen_mut().set_scrollback(0);
    rows.extend(parser.screen().rows(0, columns));
    rows
}

#[test]
fn at_60_columns_the_questions_and_options_wrap_between_words() {
    let rules = candidacy::ruleset::RuleSet::embedded().unwrap();
    let signs = &rules.questions[rules.question_index("warning_signs").unwrap()];
    let mut p = spawn_sized(60, &given_except(&["warning_signs"]));
    let mut seen = p
        .exp_string("Do you have any of these signs right now?")
        .unwrap();
    seen.push_str(&p.exp_string(&bytes("None of these")).unwrap());
    seen.push_str(&bytes("None of these"));
    let rows = screen(&seen, 60);
    let words: Vec<&str> = rows.iter().flat_map(|r| r.split_whitespace()).collect();
    // Every word of the help and of each option shows whole on some row:
    // a word cut at the edge would show as two pieces.
    let mut texts = vec![signs.help.as_str()];
    texts.extend(signs.options().iter().map(|o| o.label.as_str()));
    for text in texts {
        for word in text.split_whitespace() {
            assert!(
                words.contains(&word),
                "“{word}” is cut:\n{}",
                rows.join("\n")
            );
        }
    }
    assert!(
        signs.options().iter().any(|o| o.label.chars().count() > 56),
        "an option needs wrapping at 60 columns"
    );
    send(&mut p, "\x03");
    p.exp_eof().unwrap();
}

#[test]
fn esc_on_the_age_question_goes_back_to_the_question_before() {
    let args: Vec<String> = given_except(&["imaging", "age"])
        .into_iter()
        .chain([
            "--no-review".to_owned(),
            "--format".to_owned(),
            "json".to_owned(),
        ])
        .collect();
    let mut p = spawn(&args.iter().map(String::as_str).collect::<Vec<_>>());
    p.exp_string("Question 1 of 2").unwrap();
    send(&mut p, &format!("{DOWN}{ENTER}")); // moderate damage
    p.exp_string("Question 2 of 2").unwrap();
    p.exp_string("Esc goes back").unwrap();
    p.exp_string("How old are you?").unwrap();
    send(&mut p, "5");
    send(&mut p, ESC);
    p.exp_string("Question 1 of 2").unwrap();
    send(&mut p, &format!("{DOWN}{ENTER}")); // severe damage instead
    p.exp_string("Question 2 of 2").unwrap();
    p.exp_string("How old are you?").unwrap();
    // Home and End move along the line: "4" goes before the "5".
    send(&mut p, "5\x1b[H4\x1b[F\r");
    p.exp_string("\"imaging\": \"severe\"").unwrap();
    p.exp_string("\"age\": 45").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 0);
}

#[test]
fn a_refused_several_choice_answer_keeps_the_cursor_and_shows_one_message_until_fixed() {
    let dir = std::env::temp_dir().join(format!("candidacy-refused-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let saved = dir.join("summary.txt");
    let mut args = given_except(&["warning_signs"]);
    args.extend([
        "--no-review".to_owned(),
        "-o".to_owned(),
        saved.display().to_string(),
    ]);
    let mut p = spawn_sized(80, &args);
    let mut seen = String::new();
    // Reads up to and including `text`, keeping all of it.
    let upto = |p: &mut PtySession, seen: &mut String, text: &str| {
        seen.push_str(&p.exp_string(text).unwrap());
        seen.push_str(text);
    };
    upto(&mut p, &mut seen, &bytes("None of these"));
    // A fever and "None of these" together, twice: one message on screen.
    send(&mut p, &format!("{DOWN} {} {ENTER}", DOWN.repeat(6)));
    upto(&mut p, &mut seen, "cannot be combined");
    upto(&mut p, &mut seen, &bytes("None of these"));
    send(&mut p, ENTER);
    upto(&mut p, &mut seen, "cannot be combined");
    upto(&mut p, &mut seen, &bytes("None of these"));
    let rows = screen(&seen, 80);
    let shown = rows
        .iter()
        .filter(|r| r.contains("cannot be combined"))
        .count();
    assert_eq!(shown, 1, "{}", rows.join("\n"));
    // Fixed: the cursor is still on "None of these", where Enter was
    // pressed, so Space takes its mark off (not the first row's). The
    // message goes with the change, before Enter.
    send(&mut p, " ");
    upto(&mut p, &mut seen, &bytes("❯ ⬚ None of these"));
    let rows = screen(&seen, 80);
    assert!(
        !rows.iter().any(|r| r.contains("cannot be combined")),
        "{}",
        rows.join("\n")
    );
    send(&mut p, ENTER);
    seen.push_str(&p.exp_eof().unwrap());
    let rows = screen(&seen, 80);
    assert!(
        !rows.iter().any(|r| r.contains("cannot be combined")),
        "{}",
        rows.join("\n")
    );
    assert!(
        rows.iter()
            .any(|r| r.contains("Do you have any of these signs right now? · A fever")),
        "{}",
        rows.join("\n")
    );
    assert_eq!(exit_code(&p), 0);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn while_changing_an_answer_from_the_review_esc_keeps_it_and_returns_there() {
    let mut p = spawn_asking(&["severity"], &["--format", "json"]);
    p.exp_string("Question 1 of 1").unwrap();
    send(&mut p, ENTER); // mild
    p.exp_string("Are these answers right?").unwrap();
    p.exp_string("Change: How much does it get in the way of your daily life?")
        .unwrap();
    send(&mut p, &format!("{}{ENTER}", DOWN.repeat(4)));
    p.exp_string("Esc keeps your answer as it was and goes back to your answers.")
        .unwrap();
    send(&mut p, &format!("{DOWN}{DOWN}{ESC}")); // moved to severe, then Esc
    p.exp_string("Are these answers right?").unwrap();
    send(&mut p, ENTER);
    p.exp_string("\"severity\": \"mild\"").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 0);
}

#[test]
fn plain_repeat_on_a_terminal_clears_between_people_too() {
    let mut p = spawn(&["--plain", "--repeat", "--no-review", "--format", "json"]);
    // Person 1 has a fever (the questions end there); then "yes, next".
    p.exp_string("8. None of these").unwrap();
    send(&mut p, "2\r");
    p.exp_string("\"warning_signs\"").unwrap();
    p.exp_string("2. No, quit").unwrap();
    send(&mut p, "1\r");
    // Cleared, screen and scrollback, before the next person's first
    // question; nothing of person 1 comes after it.
    p.exp_string("\x1b[H\x1b[2J\x1b[3J").unwrap();
    let next = p.exp_string("8. None of these").unwrap();
    assert!(next.contains("Question 1 of 9"), "{next:?}");
    assert!(
        !next.contains("urgent-care") && !next.contains("\"warning_signs\""),
        "{next:?}"
    );
    send(&mut p, "\x03");
    p.exp_eof().unwrap();
}

#[test]
fn on_a_narrow_terminal_the_age_prompt_is_drawn_once_whatever_is_typed() {
    let mut args = given_except(&["age"]);
    args.extend([
        "--no-review".to_owned(),
        "--format".to_owned(),
        "json".to_owned(),
    ]);
    let mut p = spawn_sized(20, &args);
    let mut seen = String::new();
    let upto = |p: &mut PtySession, seen: &mut String, text: &str| {
        seen.push_str(&p.exp_string(text).unwrap());
        seen.push_str(text);
    };
    upto(&mut p, &mut seen, "old are you?");
    // Typing, a refused answer, more typing (wide characters are not
    // taken), then a fix.
    send(&mut p, "abc\r");
    upto(&mut p, &mut seen, "Please");
    send(&mut p, "xy\u{4e00}\u{4e00}z");
    upto(&mut p, &mut seen, "abcxyz");
    let rows = screen(&seen, 20);
    let prompts = rows.iter().filter(|r| r.contains("old are you?")).count();
    assert_eq!(prompts, 1, "{}", rows.join("\n"));
    assert!(
        !rows.iter().any(|r| r.contains("Please")),
        "{}",
        rows.join("\n")
    );
    send(&mut p, &format!("{}54\r", "\x7f".repeat(6)));
    seen.push_str(&p.exp_eof().unwrap());
    assert!(seen.contains("\"age\": 54"), "{seen}");
    assert_eq!(exit_code(&p), 0);
}

#[test]
fn at_60_columns_answers_wrap_between_words_and_the_review_table_lines_up() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("summary.txt");
    let mut args = given_except(&["condition"]);
    args.extend(["-o".to_owned(), saved.display().to_string()]);
    let mut p = spawn_sized(60, &args);
    let mut seen = String::new();
    let upto = |p: &mut PtySession, seen: &mut String, text: &str| {
        seen.push_str(&p.exp_string(text).unwrap());
        seen.push_str(text);
    };
    upto(
        &mut p,
        &mut seen,
        "What is the main problem you want help with?",
    );
    send(&mut p, ENTER); // the first: arthritis in the knee
    upto(&mut p, &mut seen, "Are these answers right?");
    upto(&mut p, &mut seen, "Yes, show the summary");
    let rows = screen(&seen, 60);
    let words: Vec<&str> = rows.iter().flat_map(|r| r.split_whitespace()).collect();
    let rules = candidacy::ruleset::RuleSet::embedded().unwrap();
    let condition = &rules.questions[rules.question_index("condition").unwrap()];
    for word in condition
        .prompt
        .split_whitespace()
        .chain(condition.options()[0].label.split_whitespace())
    {
        assert!(
            words.contains(&word),
            "“{word}” is cut:\n{}",
            rows.join("\n")
        );
    }
    // Every row of the review table is as wide as the others.
    let widths: Vec<usize> = rows
        .iter()
        .map(|r| r.trim_end())
        .filter(|r| r.starts_with('│'))
        .map(|r| r.chars().count())
        .collect();
    assert!(widths.len() > 9, "{}", rows.join("\n"));
    assert!(
        widths.iter().all(|&w| w == widths[0]),
        "{widths:?}\n{}",
        rows.join("\n")
    );
    send(&mut p, ENTER);
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 0);
    assert!(saved.is_file());
}
