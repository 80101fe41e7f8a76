//! The rule-set fixtures under `tests/fixtures/`, each run through the
//! binary: one fixture per kind of load error (with the file, line and
//! column printed), per analysis warning, and per `rules test` result. See
//! `tests/fixtures/README.md`.
#![allow(clippy::unwrap_used)] // a panic is how a test reports failure

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::cargo::cargo_bin_cmd;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_owned()
}

/// Copies everything in `src` to `dst`, folders included.
fn copy_tree(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for entry in std::fs::read_dir(src).unwrap() {
        let path = entry.unwrap().path();
        let target = dst.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// The fixture `name` as a complete rule folder: the real identity,
/// questionnaire and sources files, then the fixture's own files on top.
fn fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for file in [
        "ruleset.toml",
        "text.toml",
        "questionnaire.toml",
        "sources.toml",
    ] {
        std::fs::copy(root().join("rules").join(file), dir.path().join(file)).unwrap();
    }
    copy_tree(&root().join("tests/fixtures").join(name), dir.path());
    dir
}

fn run(args: &[&str], dir: &Path) -> (Option<i32>, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = cargo_bin_cmd!("candidacy")
        .args(args)
        .arg(dir)
        .output()
        .unwrap();
    (
        status.code(),
        String::from_utf8(stdout).unwrap(),
        String::from_utf8(stderr).unwrap(),
    )
}

#[test]
fn every_kind_of_load_error_exits_78_with_its_place() {
    let cases = [
        (
            "unknown-key",
            "unknown field `notes`",
            "rules.toml:7:1",
            "7 | notes = ",
        ),
        (
            "unknown-option",
            "unknown option `maybe` for question `active_infection`",
            "rules.toml:5:40",
            "5 | when.active_infection",
        ),
        (
            "range-outside-question",
            "150 is outside question `age`'s range of 0 to 120",
            "rules.toml:5:30",
            "5 | when.age",
        ),
        (
            "duplicate-rule",
            "rule `infection` is declared twice; the first is at ",
            "rules.toml:9:6",
            "9 | id = \"infection\"",
        ),
        (
            "undeclared-source",
            "cites undeclared source `encyclopedia`",
            "rules.toml:6:20",
            "6 | cite = ",
        ),
        (
            "empty-when",
            "rule `forgot-the-when` has an empty `when`",
            "rules.toml:5:8",
            "5 | when = {}",
        ),
        (
            "missing-disclaimer",
            "missing field `disclaimer`",
            "ruleset.toml:2:1",
            "2 | [ruleset]",
        ),
        (
            "syntax-error",
            "invalid basic string",
            "rules.toml:4:96",
            "4 | message = ",
        ),
    ];
    for (name, message, location, shown) in cases {
        let dir = fixture(name);
        for command in [
            &["rules", "check"][..],
            &["rules", "show"],
            &["rules", "test"],
            &["--rules"],
        ] {
            let (code, stdout, stderr) = run(command, dir.path());
            assert_eq!(code, Some(78), "{name} {command:?}: {stderr}");
            assert!(stdout.is_empty(), "{name} {command:?}: {stdout}");
            assert!(stderr.contains(message), "{name}: {stderr}");
            assert!(
                stderr.contains(&format!("{location}\n")),
                "{name}: {stderr}"
            );
            assert!(
                stderr.contains(shown),
                "{name}: the line is shown: {stderr}"
            );
        }
        // JSON reports the same error as an item.
        let (code, stdout, _) = run(&["rules", "check", "--format", "json"], dir.path());
        assert_eq!(code, Some(78));
        let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(report["items"][0]["severity"], "error", "{name}");
        assert!(
            report["items"][0]["location"]
                .as_str()
                .unwrap()
                .ends_with(location),
            "{name}: {stdout}"
        );
    }
}

#[test]
fn a_quote_missing_from_its_document_is_an_error_naming_the_rule() {
    let dir = fixture("quote-not-found");
    let docs = dir.path().join("docs");
    let (code, stdout, _) = run(
        &["rules", "check", "--sources", docs.to_str().unwrap()],
        dir.path(),
    );
    assert_eq!(code, Some(78), "{stdout}");
    assert!(
        stdout.contains("error[quote-not-found]: rule `invented` quotes \"works for everyone\", which is not in `leaflet.txt` (Fixture leaflet)"),
        "{stdout}"
    );
    assert!(stdout.contains("rules.toml:9:6\n"), "{stdout}");
    // The other quote is found (with the line break in the document).
    assert!(!stdout.contains("rule `infection` quotes"), "{stdout}");
    assert!(
        stdout.contains("2 quotes against source documents"),
        "{stdout}"
    );
    // Without --sources nothing is compared, and the set is usable.
    let (code, ..) = run(&["rules", "check"], dir.path());
    assert_eq!(code, Some(0));
}

#[test]
fn a_gap_is_reported_as_a_compact_box_with_a_count() {
    let (code, stdout, _) = run(&["rules", "check"], fixture("gap").path());
    assert_eq!(code, Some(0), "warnings do not fail the check");
    // 11 conditions x 4 severities x 1 age band x 32 treatment answers, with
    // the infection answer "no".
    assert!(
        stdout.contains(
            "warning[gap]: 1408 of 4224 answer combinations match no rule other than `info`"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "  e.g. condition=*, severity=*, age=0-120, active_infection=no, prior_treatments=*\n"
        ),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("0 errors, 1 warning, 0 notes\n"),
        "{stdout}"
    );
}

#[test]
fn unreachable_and_masked_rules_are_warnings_at_the_rule() {
    let dir = fixture("unreachable");
    let (code, stdout, _) = run(&["rules", "check"], dir.path());
    assert_eq!(code, Some(0));
    assert!(
        stdout.contains("warning[unreachable]: rule `impossible` never fires"),
        "{stdout}"
    );
    assert!(stdout.contains("rules.toml:10:6\n"), "{stdout}");
    assert!(
        stdout.contains("warning[masked]: rule `infection-twin` never changes the outcome: rule `infection` has the same `when` and a more serious level"),
        "{stdout}"
    );
    assert!(stdout.contains("rules.toml:25:6\n"), "{stdout}");
    let (_, json, _) = run(&["rules", "check", "--format", "json"], dir.path());
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let kinds: Vec<(&str, &str)> = report["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["kind"].as_str().unwrap(), i["rule"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [("unreachable", "impossible"), ("masked", "infection-twin")]
    );
}

#[test]
fn verdict_and_promise_words_are_errors_naming_the_rule() {
    let (code, stdout, stderr) = run(&["rules", "check"], fixture("banned-wording").path());
    assert_eq!(code, Some(78), "{stdout}");
    assert!(
        stdout.contains("error[banned-wording]: rule `promise` message uses “cure”"),
        "{stdout}"
    );
    assert!(stdout.contains("rules.toml:2:6\n"), "{stdout}");
    // "approved" is allowed only in text citing a regulator.
    assert!(
        stdout.contains(
            "error[banned-wording]: rule `approval-without-regulator` message uses “approved”"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("rules.toml:9:6\n"), "{stdout}");
    assert!(stderr.contains("found 2 error(s)"), "{stderr}");
}

#[test]
fn a_clinic_only_pass_must_say_whose_claim_it_is() {
    let (code, stdout, _) = run(
        &["rules", "check", "--format", "json"],
        fixture("unattributed").path(),
    );
    assert_eq!(code, Some(78), "{stdout}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let errors: Vec<(&str, &str)> = report["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["severity"] == "error")
        .map(|i| (i["kind"].as_str().unwrap(), i["rule"].as_str().unwrap()))
        .collect();
    assert_eq!(errors, [("unattributed", "plain-pass")]);
}

#[test]
fn a_source_cited_for_a_pass_and_a_caution_on_the_same_answers_is_a_contradiction() {
    let (code, stdout, _) = run(&["rules", "check"], fixture("contradiction").path());
    assert_eq!(code, Some(0));
    assert!(
        stdout.contains("warning[contradiction]: the Defiage blog post is cited for may-be-suitable by `knee-pass` and for not-suitable-now by `infection` on the same answers (128 combinations)"),
        "{stdout}"
    );
    assert!(stdout.contains("rules.toml:19:6\n"), "{stdout}");
    assert!(
        stdout.contains("e.g. condition=knee-arthritis, "),
        "{stdout}"
    );
}

#[test]
fn rules_test_passes_fails_and_refuses_bad_case_files() {
    let (code, stdout, _) = run(
        &["rules", "test", "--min-coverage", "100"],
        fixture("passing-cases").path(),
    );
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stdout.contains("coverage: 2 of 2 rules fired by some case (100.0%)"));
    assert!(stdout.ends_with("1 passed, 0 failed\n"), "{stdout}");

    let (code, stdout, stderr) = run(&["rules", "test"], fixture("failing-case").path());
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.contains("FAIL  no infection expected to pass ("),
        "{stdout}"
    );
    assert!(stdout.contains("tests/cases.toml:7:1)\n"), "{stdout}");
    assert!(stdout.contains("      expected: may-be-suitable\n      actual:   clinician-review\n      fired:    everyone\n"), "{stdout}");
    assert!(
        stdout.contains("rule `infection` should fire and did not"),
        "{stdout}"
    );
    assert!(stderr.contains("1 of 2 cases failed"), "{stderr}");
    let (code, json, _) = run(
        &["rules", "test", "--format", "json"],
        fixture("failing-case").path(),
    );
    assert_eq!(code, Some(1));
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        (report["passed"].as_u64(), report["failed"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(report["cases"][1]["actual"], "clinician-review");

    let (code, _, stderr) = run(&["rules", "test"], fixture("invalid-case").path());
    assert_eq!(code, Some(78), "{stderr}");
    assert!(
        stderr.contains("`active_infection` does not accept `yess`"),
        "{stderr}"
    );
    assert!(stderr.contains("tests/cases.toml:3:95\n"), "{stderr}");
}

#[test]
fn rules_test_coverage_below_the_minimum_fails() {
    // The one case fires both rules of the fixture; a third rule that no
    // case fires brings coverage down to two thirds.
    let dir = fixture("passing-cases");
    let rules = dir.path().join("rules.toml");
    let mut text = std::fs::read_to_string(&rules).unwrap();
    text.push_str(
        "\n[[rule]]\nid = \"never-tested\"\nlevel = \"clinician-review\"\nmessage = \"The Defiage blog post speaks of severe joint damage.\"\nwhen.severity = { in = [\"severe\"] }\ncite = [{ source = \"defiage\", quote = \"severe joint damage\" }]\n",
    );
    std::fs::write(&rules, text).unwrap();
    let (code, stdout, stderr) = run(&["rules", "test", "--min-coverage", "90"], dir.path());
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.contains("coverage: 2 of 3 rules fired by some case (66.7%)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("not fired by any case: never-tested"),
        "{stdout}"
    );
    assert!(stderr.contains("below --min-coverage 90"), "{stderr}");
    let (code, ..) = run(&["rules", "test", "--min-coverage", "60"], dir.path());
    assert_eq!(code, Some(0));
}

#[test]
fn the_built_in_rules_pass_their_own_cases_with_full_coverage() {
    let output = cargo_bin_cmd!("candidacy")
        .args(["rules", "test", "--min-coverage", "100", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["failed"], 0);
    assert_eq!(report["coverage"]["not_fired"], serde_json::json!([]));
    // The same cases, read from the repository's rules/tests folder.
    let (code, stdout, _) = run(
        &["rules", "test", "--min-coverage", "100"],
        &root().join("rules"),
    );
    assert_eq!(code, Some(0), "{stdout}");
}

#[test]
fn rules_show_lists_every_rule() {
    let (code, stdout, _) = run(&["rules", "show"], fixture("unreachable").path());
    assert_eq!(code, Some(0));
    for id in ["everyone", "impossible", "infection", "infection-twin"] {
        assert!(stdout.contains(id), "{id}: {stdout}");
    }
    assert!(
        stdout.contains("prior_treatments includes rest, and not rest"),
        "{stdout}"
    );
    let (_, json, _) = run(
        &["rules", "show", "--format", "json"],
        fixture("unreachable").path(),
    );
    let listing: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(listing["rules"][0]["when"], "always");
    assert_eq!(
        listing["rules"][2]["sources"],
        serde_json::json!(["defiage"])
    );
}
