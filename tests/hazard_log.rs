//! The hazard log (`docs/safety/hazard-log.md`) names the tests that verify
//! each control; a name that no longer matches a test is a control nobody
//! checks, so it fails here.
#![allow(clippy::unwrap_used)] // a panic is how a test reports failure

use std::path::Path;

/// The tests that run: every `fn name(` under `dir` whose attributes
/// include `#[test]` (plain or inside `proptest!`) and not `#[ignore]`. A
/// helper, or a test that is ignored, verifies nothing. This file is left
/// out: its own sample of test code (below) holds no control.
fn tests_in(dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            tests_in(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with(file!()) {
            out.extend(tests_in_text(&std::fs::read_to_string(&path).unwrap()));
        }
    }
}

fn tests_in_text(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let (mut test, mut ignored) = (false, false);
    for line in text.lines().map(str::trim) {
        if line.starts_with("#[") {
            test |= line == "#[test]";
            ignored |= line.starts_with("#[ignore")
                || (line.starts_with("#[cfg_attr") && line.contains("ignore"));
            continue;
        }
        if line.starts_with("//") || line.is_empty() {
            continue;
        }
        if let Some(rest) = line.split("fn ").nth(1).filter(|_| test && !ignored) {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if rest[name.len()..].starts_with('(') {
                found.push(name);
            }
        }
        (test, ignored) = (false, false);
    }
    found
}

/// The test names in the log's "Verified by" column, per hazard.
fn named_tests(log: &str) -> Vec<(String, Vec<String>)> {
    log.lines()
        .filter(|line| line.starts_with("| H"))
        .map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let hazard = cells[1].to_owned();
            let verified_by = cells[cells.len() - 2];
            let names = verified_by
                .split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_owned)
                .collect();
            (hazard, names)
        })
        .collect()
}

#[test]
fn every_test_the_hazard_log_names_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let log = std::fs::read_to_string(root.join("docs/safety/hazard-log.md")).unwrap();
    let mut known = Vec::new();
    tests_in(&root.join("src"), &mut known);
    tests_in(&root.join("tests"), &mut known);
    let hazards = named_tests(&log);
    let ids: Vec<&str> = hazards.iter().map(|(h, _)| h.as_str()).collect();
    assert_eq!(
        ids,
        [
            "H1", "H2", "H3", "H4", "H5", "H6", "H7", "H8", "H9", "H10", "H11", "H12", "H13",
            "H14", "H15"
        ],
        "the hazards the log must cover"
    );
    for (hazard, names) in &hazards {
        assert!(!names.is_empty(), "{hazard} names no test");
        for name in names {
            assert!(
                known.contains(name),
                "{hazard} names `{name}`, which is not a test in src/ or tests/"
            );
        }
    }
}

#[test]
fn the_log_reader_finds_names_and_misses() {
    let log = "| H1 | x | y | z | c | `a_test`, `another` |\n| H2 | x | y | z | c | `missing` |\n";
    let hazards = named_tests(log);
    assert_eq!(hazards[0].1, ["a_test", "another"]);
    assert_eq!(hazards[1].1, ["missing"]);
    let mut known = Vec::new();
    tests_in(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests")
            .as_path(),
        &mut known,
    );
    assert!(
        known
            .iter()
            .any(|n| n == "every_number_of_jobs_gives_the_same_output_as_one")
    );
    assert!(!known.iter().any(|n| n == "missing"));
    // The sample below is text, not tests.
    for sample in ["a_test", "a_property", "a_unix_test"] {
        assert!(!known.iter().any(|n| n == sample), "{sample}");
    }
}

#[test]
fn only_tests_that_run_count_as_controls() {
    let text = "
        fn helper() {}
        #[test]
        fn a_test() {}
        #[test]
        #[ignore = \"slow\"]
        fn ignored_test() {}
        #[cfg(unix)]
        fn unix_helper() {}
        proptest! {
            /// A property.
            #[test]
            fn a_property(x in 0..3u8) {}
        }
        #[test]
        #[cfg(unix)]
        fn a_unix_test() {}
        #[test]
        #[cfg_attr(windows, ignore)]
        fn ignored_on_windows() {}
    ";
    assert_eq!(tests_in_text(text), ["a_test", "a_property", "a_unix_test"]);
}
