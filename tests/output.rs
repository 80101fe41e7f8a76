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
    // rules/text.toml: saved = "The summary is saved in {path}. ..."
    assert_eq!(
        stderr,
        "The summary is saved in summary.txt. Only your user account can open it.\n"
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
