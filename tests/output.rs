//! `--output` through the binary: `-` is standard output, and only an
//! ordinary file is ever replaced, with or without `--force`.
#![allow(clippy::unwrap_used)] // a panic is how a test reports failure

use std::path::Path;

use assert_cmd::cargo::cargo_bin_cmd;

mod common;

/// Runs candidacy in `dir` with every answer given and `args`.
fn screen(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let output = cargo_bin_cmd!("candidacy")
        .current_dir(dir)
        .args(common::KNEE_FLAGS)
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn output_dash_prints_the_summary_and_creates_no_file() {
    let dir = tempfile::tempdir().unwrap();
    for args in [&["-o", "-"][..], &["--output", "-", "--force"]] {
        let (code, stdout, stderr) = screen(dir.path(), args);
        assert_eq!(code, Some(0), "{args:?}: {stderr}");
        assert!(stdout.contains("Outcome: "), "{args:?}: {stdout}");
        assert!(!stderr.contains("Saved"), "{stderr}");
        assert!(!dir.path().join("-").exists(), "{args:?} made a file `-`");
    }
    // A file called `-` is still possible, by its path.
    let (code, stdout, _) = screen(dir.path(), &["-o", "./-"]);
    assert_eq!(code, Some(0));
    assert!(stdout.is_empty());
    let saved = std::fs::read_to_string(dir.path().join("-")).unwrap();
    assert!(saved.contains("Outcome: "), "{saved}");
}

#[cfg(unix)]
#[test]
fn output_refuses_what_is_not_an_ordinary_file_even_with_force() {
    use std::os::unix::fs::{FileTypeExt, symlink};
    let dir = tempfile::tempdir().unwrap();
    let at = |name: &str| dir.path().join(name);
    let made = std::process::Command::new("mkfifo")
        .arg(at("fifo"))
        .status()
        .unwrap();
    assert!(made.success(), "mkfifo");
    // A link to a device: replacing it would replace the link only, so a
    // failing test damages nothing outside the temporary folder.
    symlink("/dev/null", at("null")).unwrap();
    std::fs::create_dir(at("folder")).unwrap();
    for (name, words) in [
        ("fifo", "a FIFO"),
        ("null", "a symbolic link"),
        ("folder", "a folder"),
    ] {
        let kind = || std::fs::symlink_metadata(at(name)).unwrap().file_type();
        let before = kind();
        let path = at(name);
        let (code, stdout, stderr) =
            screen(dir.path(), &["--output", path.to_str().unwrap(), "--force"]);
        assert_eq!(code, Some(73), "{name}: {stderr}");
        assert!(stdout.is_empty());
        assert!(stderr.contains(words), "{name}: {stderr}");
        assert!(stderr.contains("not an ordinary file"), "{stderr}");
        assert!(!stderr.contains(".candidacy-"), "{stderr}");
        assert_eq!(kind(), before, "{name} was replaced");
    }
    assert!(
        std::fs::symlink_metadata(at("fifo"))
            .unwrap()
            .file_type()
            .is_fifo()
    );
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 3, "no temporary file left: {names:?}");
}

#[test]
fn the_notice_after_saving_is_the_rule_sets_saved_text() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = screen(dir.path(), &["-o", "summary.txt"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.is_empty());
    // rules/text.toml: saved = "{action}\nThe summary ({outcome}) is
    // saved in {path}. ...": what to do and the outcome in words, so the
    // front desk need not open the file.
    assert_eq!(
        stderr,
        "If you want to go ahead, book an evaluation with a clinician.\n\
         The summary (May be suitable, to be checked by a clinician) is saved in summary.txt. Only your user account can open it.\n"
    );
    assert!(dir.path().join("summary.txt").is_file());
}

/// Runs candidacy in `dir` under a file size limit of one block, the way a
/// shell sets it (`ulimit -f 1`), with SIGXFSZ at its default action (which
/// kills the process) unless candidacy handles it.
#[cfg(unix)]
fn under_a_file_size_limit(dir: &Path, args: &[&str]) -> std::process::Output {
    let quoted: Vec<String> = common::KNEE_FLAGS
        .iter()
        .chain(args)
        .map(|a| format!("'{a}'"))
        .collect();
    std::process::Command::new("sh")
        .current_dir(dir)
        .arg("-c")
        .arg(format!(
            "trap - XFSZ; ulimit -f 1 && exec \"$0\" {}",
            quoted.join(" ")
        ))
        .arg(env!("CARGO_BIN_EXE_candidacy"))
        .env("TERM", "dumb")
        .output()
        .unwrap()
}

#[cfg(unix)]
#[test]
fn a_save_past_the_file_size_limit_exits_74_and_leaves_nothing() {
    // The HTML handout is larger than one block (512 bytes to 1 KiB): the
    // write goes past the limit. SIGXFSZ must not kill the process with
    // the temporary file half-written; the write fails (EFBIG), and the
    // save reports it and removes its temporary file.
    let dir = tempfile::tempdir().unwrap();
    let output = under_a_file_size_limit(
        dir.path(),
        &["--format", "html", "--output", "big.html", "--force"],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(74),
        "{:?}: {stderr}",
        output.status
    );
    assert!(stderr.contains("cannot write `big.html`"), "{stderr}");
    assert!(
        !stderr.contains(".part"),
        "the temporary file is not named: {stderr}"
    );
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(left.is_empty(), "no partial file: {left:?}");
}

#[cfg(unix)]
#[test]
fn printing_past_the_file_size_limit_exits_74() {
    // Standard output redirected to a file under the same limit: the
    // summary cannot be written in full, which is exit 74, not a death by
    // SIGXFSZ.
    let dir = tempfile::tempdir().unwrap();
    // Into a pipe, which the limit does not bound: the summary is larger
    // than the limit.
    let output = under_a_file_size_limit(dir.path(), &["--format", "html"]);
    assert!(output.stdout.len() > 1024, "{}", output.stdout.len());
    let dir = tempfile::tempdir().unwrap();
    let quoted: Vec<String> = common::KNEE_FLAGS
        .iter()
        .map(|a| format!("'{a}'"))
        .collect();
    let output = std::process::Command::new("sh")
        .current_dir(dir.path())
        .arg("-c")
        .arg(format!(
            "trap - XFSZ; ulimit -f 1 && exec \"$0\" {} --format html > out.html",
            quoted.join(" ")
        ))
        .arg(env!("CARGO_BIN_EXE_candidacy"))
        .env("TERM", "dumb")
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(74),
        "{:?}: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn an_output_file_that_cannot_be_saved_is_refused_before_the_first_question() {
    let dir = tempfile::tempdir().unwrap();
    let existing = dir.path().join("summary.txt");
    std::fs::write(&existing, "kept").unwrap();
    let missing_folder = dir.path().join("no-such-folder/summary.txt");
    for (target, force, says) in [
        (&existing, false, "the file exists; add --force"),
        (&missing_folder, true, "cannot create"),
    ] {
        // The --plain interview would ask the first question on standard
        // error; it must not get that far.
        let mut command = cargo_bin_cmd!("candidacy");
        command
            .current_dir(dir.path())
            .args(["--plain", "--no-review", "--output"])
            .arg(target)
            .write_stdin("");
        if force {
            command.arg("--force");
        }
        let output = command.output().unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(73), "{stderr}");
        assert!(stderr.contains(says), "{stderr}");
        assert!(
            !stderr.contains("Question 1"),
            "asked before refusing: {stderr}"
        );
    }
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "kept");
}

/// The front desk's `--repeat` with `--output-dir`: a handout per person,
/// in a folder made owner-only, each file owner-only and named by the time
/// and a number, never by an answer; each notice gives the outcome in words.
#[cfg(unix)]
#[test]
fn output_dir_keeps_a_handout_per_person_named_by_time_and_number() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("handouts");
    // Person 1: no warning sign, a knee, over a year, moderate, moderate
    // damage, 54, no infection, none of the health list, rest. Then "yes,
    // the next person", who has a fever (the questions end there), then
    // "no, quit".
    let typed = "8\n1\n4\n2\n2\n54\n2\n9\n1\n1\n2\n2\n";
    let output = cargo_bin_cmd!("candidacy")
        .current_dir(dir.path())
        .args([
            "--plain",
            "--repeat",
            "--no-review",
            "--output-dir",
            "handouts",
        ])
        .write_stdin(typed)
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(output.stdout.is_empty(), "nothing on standard output");
    // Standard error is a pipe here: `--plain` clears only a terminal.
    assert!(!stderr.contains('\x1b'), "{stderr:?}");
    let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&folder), 0o700);
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names.len(), 2, "{names:?}");
    let rules = candidacy::ruleset::RuleSet::embedded().unwrap();
    let expected = [
        candidacy::level::Level::MayBeSuitable,
        candidacy::level::Level::UrgentCare,
    ];
    for (name, level) in names.iter().zip(expected) {
        // candidacy-YYYYMMDD-HHMMSS-NNN.txt
        let shape: Vec<usize> = name
            .trim_start_matches("candidacy-")
            .trim_end_matches(".txt")
            .split('-')
            .map(|part| {
                assert!(part.chars().all(|c| c.is_ascii_digit()), "{name}");
                part.len()
            })
            .collect();
        assert_eq!(shape, [8, 6, 3], "{name}");
        let path = folder.join(name);
        assert_eq!(mode(&path), 0o600, "{name}");
        let label = &rules.levels.get(level).label;
        let summary = std::fs::read_to_string(&path).unwrap();
        assert!(summary.contains(&format!("Outcome: {label}")), "{summary}");
        let action = &rules.levels.get(level).action;
        let notice = format!("The summary ({label}) is saved in handouts/{name}.");
        assert!(stderr.contains(&notice), "{stderr}");
        // What to do comes first; for the urgent one, the fever's own.
        let before = stderr.split(&notice).next().unwrap_or_default();
        let first = before.lines().last().unwrap_or_default();
        if level == candidacy::level::Level::UrgentCare {
            assert!(first.starts_with("See a doctor today"), "{stderr}");
        } else {
            assert_eq!(first, action, "{stderr}");
        }
    }
    assert!(
        names[0].ends_with("-001.txt") && names[1].ends_with("-002.txt"),
        "{names:?}"
    );
    // A second run in the same folder never replaces a file.
    let again = cargo_bin_cmd!("candidacy")
        .current_dir(dir.path())
        .args(common::KNEE_FLAGS)
        .args(["--output-dir", "handouts", "--format", "html"])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 3);
}

#[test]
fn output_dir_must_be_a_folder_that_can_be_made() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a-file"), "").unwrap();
    for folder in ["a-file", "missing/handouts"] {
        let (code, stdout, stderr) = screen(dir.path(), &["--output-dir", folder]);
        assert_eq!(code, Some(73), "{folder}: {stderr}");
        assert!(stdout.is_empty());
        assert!(stderr.contains(folder), "{stderr}");
    }
    assert!(!dir.path().join("missing").exists());
}

#[test]
fn numbered_saves_skip_the_numbers_already_taken() {
    let dir = tempfile::tempdir().unwrap();
    let taken = dir.path().join("candidacy-20261121-080405-001.txt");
    std::fs::write(&taken, "someone else").unwrap();
    let mut next = 1;
    let path =
        candidacy::save::save_numbered(dir.path(), "20261121-080405", &mut next, "txt", b"new")
            .unwrap();
    assert_eq!(path, dir.path().join("candidacy-20261121-080405-002.txt"));
    assert_eq!(next, 3);
    assert_eq!(std::fs::read_to_string(&taken).unwrap(), "someone else");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
}

/// A folder no file can be made in (here one the kernel owns) is found
/// before the first question: exit 73, not a missing answer (exit 2) after
/// the interview.
#[cfg(target_os = "linux")]
#[test]
fn a_folder_that_takes_no_file_is_refused_before_any_question() {
    for args in [
        &["-o", "/proc/self/summary.txt"][..],
        &["--output-dir", "/proc/self"],
    ] {
        let output = cargo_bin_cmd!("candidacy")
            .args(args)
            .write_stdin("")
            .output()
            .unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(73), "{args:?}: {stderr}");
        assert!(
            stderr.contains("no file can be made in its folder"),
            "{stderr}"
        );
        assert!(
            !stderr.contains(".candidacy-"),
            "no temporary name: {stderr}"
        );
    }
}
