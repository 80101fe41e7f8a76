//! Rule files, test-case files and source documents are read with a bound
//! and only when they are regular files: a link to `/dev/zero` or a FIFO in
//! any of these places is an error naming the file, given promptly under a
//! memory limit, never a hang or a process that grows until it dies.
#![cfg(unix)]
#![allow(clippy::unwrap_used)] // a panic is how a test reports failure

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Far longer than any of these runs takes; only a hang reaches it.
const DEADLINE: Duration = Duration::from_secs(120);

/// Runs the binary with `args` under a 256 MiB address-space limit (a rule
/// file is read up to 16 MiB), standard input closed. Kills it and fails
/// if it has not ended by the deadline.
fn run_bounded(dir: &Path, args: &[&str]) -> Output {
    let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
    let mut child = Command::new("sh")
        .current_dir(dir)
        .arg("-c")
        .arg(format!(
            "ulimit -v 262144 && exec \"$0\" {}",
            quoted.join(" ")
        ))
        .arg(env!("CARGO_BIN_EXE_candidacy"))
        .env("TERM", "dumb")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if started.elapsed() > DEADLINE {
            child.kill().unwrap();
            let _ = child.wait();
            panic!("candidacy {args:?} did not end: it hangs");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A copy of `rules/` (its `*.toml` files and `tests/`) in a new folder.
fn rules_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    for sub in ["", "tests"] {
        std::fs::create_dir_all(rules.join(sub)).unwrap();
        for entry in std::fs::read_dir(from.join(sub)).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                std::fs::copy(&path, rules.join(sub).join(path.file_name().unwrap())).unwrap();
            }
        }
    }
    (dir, rules)
}

fn mkfifo(path: &Path) {
    let made = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(made.success(), "mkfifo {}", path.display());
}

/// The two hostile files: a link to `/dev/zero` and a FIFO, each with the
/// words the error gives for it.
const HOSTILE: [(&str, &str); 2] = [
    ("zero", "it is a device, not a regular file"),
    ("fifo", "it is a FIFO (named pipe), not a regular file"),
];

fn make(kind: &str, path: &Path) {
    match kind {
        "zero" => std::os::unix::fs::symlink("/dev/zero", path).unwrap(),
        _ => mkfifo(path),
    }
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_rule_file_that_is_a_device_or_a_fifo_is_refused_with_exit_66() {
    for (kind, words) in HOSTILE {
        let (dir, rules) = rules_copy();
        make(kind, &rules.join("zz.toml"));
        let output = run_bounded(
            dir.path(),
            &["--rules", "rules", "--answers", "-", "--format", "json"],
        );
        let stderr = stderr(&output);
        assert_eq!(output.status.code(), Some(66), "{kind}: {stderr}");
        assert!(
            stderr.contains("cannot read `rules/zz.toml`") && stderr.contains(words),
            "{kind}: {stderr}"
        );
        assert!(output.stdout.is_empty(), "{kind}: no summary");
        // `rules check` loads the same way.
        let output = run_bounded(dir.path(), &["rules", "check", "rules"]);
        assert_eq!(
            output.status.code(),
            Some(66),
            "{kind}: {}",
            self::stderr(&output)
        );
        assert!(self::stderr(&output).contains(words));
    }
}

#[test]
fn a_rule_file_over_the_limit_is_refused_with_exit_66() {
    let (dir, rules) = rules_copy();
    // A sparse file one byte over 16 MiB: no disk space, all zero bytes.
    let big = std::fs::File::create(rules.join("zz.toml")).unwrap();
    big.set_len(16 * 1024 * 1024 + 1).unwrap();
    let output = run_bounded(dir.path(), &["rules", "check", "rules"]);
    let stderr = stderr(&output);
    assert_eq!(output.status.code(), Some(66), "{stderr}");
    assert!(
        stderr.contains("cannot read `rules/zz.toml`")
            && stderr.contains("it is larger than 16777216 bytes"),
        "{stderr}"
    );
}

#[test]
fn a_case_file_that_is_a_device_or_a_fifo_is_refused_with_exit_66() {
    for (kind, words) in HOSTILE {
        let (dir, rules) = rules_copy();
        make(kind, &rules.join("tests").join("zz.toml"));
        let output = run_bounded(dir.path(), &["rules", "test", "rules"]);
        let stderr = stderr(&output);
        assert_eq!(output.status.code(), Some(66), "{kind}: {stderr}");
        assert!(
            stderr.contains("cannot read `rules/tests/zz.toml`") && stderr.contains(words),
            "{kind}: {stderr}"
        );
    }
}

#[test]
fn a_source_document_that_is_a_device_or_a_fifo_is_a_check_error() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("rules")
        .join("sources.toml");
    // The source files the rule set names, from its sources file.
    let names: Vec<String> = std::fs::read_to_string(from)
        .unwrap()
        .lines()
        .filter_map(|l| l.strip_prefix("file = \""))
        .map(|l| l.trim_end_matches('"').to_owned())
        .collect();
    assert!(names.len() >= 2, "{names:?}");
    for (kind, words) in HOSTILE {
        let dir = tempfile::tempdir().unwrap();
        let sources = dir.path().join("sources");
        std::fs::create_dir(&sources).unwrap();
        // The first document is hostile; the others are copies if they are
        // at hand, or absent (an error of their own, which is fine here).
        make(kind, &sources.join(&names[0]));
        for name in &names[1..] {
            let _ = std::fs::copy(seeds.join(name), sources.join(name));
        }
        let output = run_bounded(dir.path(), &["rules", "check", "--sources", "sources"]);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(
            output.status.code(),
            Some(78),
            "{kind}: {}",
            stderr(&output)
        );
        let line = stdout
            .lines()
            .find(|l| l.contains(&format!("sources/{}", names[0])))
            .unwrap_or_else(|| panic!("{kind}: the file is named: {stdout}"));
        assert!(
            line.contains("error[source-missing]") && line.contains(words),
            "{kind}: {line}"
        );
    }
}
