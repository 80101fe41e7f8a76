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
/// questionnaire, warning signs and sources files, then the fixture's own
/// files on top.
fn fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for file in [
        "ruleset.toml",
        "text.toml",
        "questionnaire.toml",
        "safety.toml",
        "sources.toml",
    ] {
        std::fs::copy(root().join("rules").join(file), dir.path().join(file)).unwrap();
    }
    // The built-in disclaimer cites a clinic page that the fixtures' own
    // sources may not declare: the fixtures' disclaimer cites nothing.
    let ruleset = dir.path().join("ruleset.toml");
    let text = std::fs::read_to_string(&ruleset).unwrap();
    let text = match text.find("disclaimer_cite = [") {
        Some(start) => {
            let end = start + text[start..].find("]\n").unwrap() + 2;
            format!("{}{}", &text[..start], &text[end..])
        }
        None => text,
    };
    std::fs::write(&ruleset, text).unwrap();
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
    // No warning sign (a sign decides), the infection answer "no" (asked:
    // "yes" and "not sure" decide), and anything else: 9 joint conditions x
    // 5 imaging answers + 2 conditions x 6 (imaging answered or not asked),
    // x 5 durations x 4 severities x 1 age band x 257 health answers x 32
    // treatment answers = 9,375,360; of 127 sign combinations x (12 x 6 x 5
    // x 6 x 2 x 4 x 258 x 33, each question answered anyway or not asked)
    // + 57 x 5 x 4 x 1 x 3 x 257 x 32 = 18,712,609,920.
    assert!(
        stdout.contains(
            "warning[gap]: 9375360 of 18712609920 answer combinations match no rule other than `info`"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "  e.g. warning_signs=none, condition=*, duration=*, severity=*, imaging=*|(not asked), age=0-120, active_infection=no, health=*, prior_treatments=*\n"
        ),
        "{stdout}"
    );
    assert!(
        // The notes: the quotes were not checked (no --sources), and the
        // quotes no document here can confirm.
        stdout.ends_with("0 errors, 1 warning, 2 notes\n"),
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
        .filter(|i| i["kind"] != "quotes-not-checked" && i["kind"] != "quotes-unreachable")
        .map(|i| (i["kind"].as_str().unwrap(), i["rule"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [("unreachable", "impossible"), ("masked", "infection-twin")]
    );
}

/// Runs every command on `dir` and returns the (same) error output, after
/// checking that each refuses the rule set with exit 78 and prints nothing
/// on standard output.
fn refused_by_every_command(dir: &Path) -> String {
    let mut first: Option<String> = None;
    for command in [
        &["rules", "check"][..],
        &["rules", "show"],
        &["rules", "test"],
        &["--answer", "condition=knee-arthritis", "--rules"],
    ] {
        let (code, stdout, stderr) = run(command, dir);
        assert_eq!(code, Some(78), "{command:?}: {stderr}");
        assert!(stdout.is_empty(), "{command:?}: {stdout}");
        first.get_or_insert(stderr);
    }
    first.unwrap()
}

/// Verdict and promise words are load errors for every command, each use
/// at the word itself.
#[test]
fn verdict_and_promise_words_are_errors_naming_the_rule() {
    let dir = fixture("banned-wording");
    let stderr = refused_by_every_command(dir.path());
    // Each use is reported, at the word itself.
    for (message, location, shown) in [
        (
            "rule `promise` message uses “cure”",
            "rules.toml:4:55",
            "4 | message = \"The Defiage blog post says the therapy can cure worn knees.\"",
        ),
        (
            "rule `approval-without-regulator` message uses “approved”",
            "rules.toml:11:64",
            "11 | message = ",
        ),
        (
            "rule `eligible` message uses “eligible”",
            "rules.toml:18:23",
            "18 | message = \"You are an eligible candidate.",
        ),
        (
            "rule `eligible` message uses “candidate”",
            "rules.toml:18:32",
            "18 | message = ",
        ),
        (
            "rule `eligible` message uses “guarantee”",
            "rules.toml:18:82",
            "18 | message = ",
        ),
        (
            "text `title` uses “candidacy”",
            "text.toml:10:10",
            "10 | title = \"Candidacy: ",
        ),
        (
            "level `may-be-suitable` label uses “eligible”",
            "text.toml:107:10",
            "107 | label = \"Eligible, ",
        ),
    ] {
        let at = stderr
            .find(message)
            .unwrap_or_else(|| panic!("{message}: {stderr}"));
        let rest = &stderr[at..];
        let end = rest.find("\n\nerror: ").unwrap_or(rest.len());
        let one = &rest[..end];
        assert!(one.contains(location), "{message}: {one}");
        assert!(one.contains(shown), "{message}: {one}");
        assert!(one.contains(" | "), "{message}: the line is shown: {one}");
    }
    assert!(stderr.contains("7 errors:"), "{stderr}");
    // `rules check --format json` names the guard rail of each error.
    let (code, stdout, _) = run(&["rules", "check", "--format", "json"], dir.path());
    assert_eq!(code, Some(78));
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let items = report["items"].as_array().unwrap();
    assert_eq!(items.len(), 7, "{stdout}");
    assert!(
        items.iter().all(|i| i["kind"] == "banned-wording"),
        "{stdout}"
    );
}

/// An unattributed clinic-only pass is a load error for every command.
#[test]
fn a_clinic_only_pass_must_say_whose_claim_it_is() {
    let dir = fixture("unattributed");
    let stderr = refused_by_every_command(dir.path());
    assert!(
        stderr.contains("rule `plain-pass` is may-be-suitable on clinic marketing alone"),
        "{stderr}"
    );
    assert!(stderr.contains("rules.toml:4:11\n"), "{stderr}");
    assert!(stderr.contains("1 error:"), "{stderr}");
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
        .map(|i| (i["kind"].as_str().unwrap(), i["location"].as_str().unwrap()))
        .collect();
    assert_eq!(errors.len(), 1, "{stdout}");
    assert_eq!(errors[0].0, "unattributed");
    assert!(errors[0].1.ends_with("rules.toml:4:11"), "{stdout}");
}

#[test]
fn a_source_cited_for_a_pass_and_a_caution_on_the_same_answers_is_a_contradiction() {
    let (code, stdout, _) = run(&["rules", "check"], fixture("contradiction").path());
    assert_eq!(code, Some(0));
    // Knee arthritis and an infection answered "yes": with a sign (127),
    // the 6 other questions answered anyway or not asked (6 x 5 x 6 x 2 x
    // 258 x 33); with none, all asked (5 x 5 x 4 x 1 x 257 x 32): 389,260,080
    // + 822,400 = 390,082,480.
    assert!(
        stdout.contains("warning[contradiction]: the Defiage blog post is cited for may-be-suitable by `knee-pass` and for not-suitable-now by `infection` on the same answers (390082480 combinations)"),
        "{stdout}"
    );
    assert!(stdout.contains("rules.toml:19:6\n"), "{stdout}");
    assert!(stdout.contains(", condition=knee-arthritis, "), "{stdout}");
}

#[test]
fn rules_test_passes_fails_and_refuses_bad_case_files() {
    let (code, stdout, _) = run(
        &["rules", "test", "--min-coverage", "100"],
        fixture("passing-cases").path(),
    );
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stdout.contains("coverage: 3 of 3 rules fired by some case (100.0%)"));
    assert!(stdout.ends_with("2 passed, 0 failed\n"), "{stdout}");

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
    assert!(stderr.contains("tests/cases.toml:3:169\n"), "{stderr}");
}

#[test]
fn rules_test_coverage_below_the_minimum_fails() {
    // The cases fire the three rules of the fixture; a fourth rule that no
    // case fires brings coverage down to three quarters.
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
        stdout.contains("coverage: 3 of 4 rules fired by some case (75.0%)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("not fired by any case: never-tested"),
        "{stdout}"
    );
    assert!(stderr.contains("below --min-coverage 90"), "{stderr}");
    let (code, ..) = run(&["rules", "test", "--min-coverage", "70"], dir.path());
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

#[test]
fn a_rule_set_without_warning_signs_does_not_load() {
    let stderr = refused_by_every_command(fixture("no-warning-signs").path());
    assert!(
        stderr.contains(
            "no question is marked `asked_first`: a rule set must ask about warning signs before \
             anything else, with an `urgent-care` rule for each sign"
        ),
        "{stderr}"
    );
    let (code, stdout, _) = run(
        &["rules", "check", "--format", "json"],
        fixture("no-warning-signs").path(),
    );
    assert_eq!(code, Some(78));
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["items"][0]["kind"], "no-warning-signs", "{stdout}");
}

#[test]
fn every_warning_sign_needs_an_urgent_care_rule_that_fires_whatever_else() {
    let stderr = refused_by_every_command(fixture("warning-sign-not-urgent").path());
    // A clinician-review rule, a rule for adults only, and a rule that does
    // not fire with a fever do not count; the full age range does.
    for (sign, location) in [
        ("fever", "safety.toml:25:6\n"),
        ("cannot-bear-weight", "safety.toml:41:6\n"),
        ("unexplained-weight-loss", "safety.toml:45:6\n"),
    ] {
        let message = format!(
            "warning sign `{sign}` of question `warning_signs` has no `urgent-care` rule that \
             fires whenever it is chosen, whatever the other answers\n  --> "
        );
        let at = stderr
            .find(&message)
            .unwrap_or_else(|| panic!("{sign}: {stderr}"));
        assert!(
            stderr[at..]
                .lines()
                .nth(1)
                .unwrap()
                .ends_with(location.trim_end()),
            "{sign}: {stderr}"
        );
    }
    assert!(stderr.contains("3 errors:"), "{stderr}");
}

#[test]
fn a_source_file_outside_the_sources_folder_or_a_script_address_does_not_load() {
    let dir = fixture("unsafe-sources");
    let stderr = refused_by_every_command(dir.path());
    for (message, location) in [
        (
            "source `johnson-medical-center`: `file` must be a plain file name inside the \
             --sources folder (no folder, no `..`, not an absolute path), not `../rules.toml`",
            "sources.toml:15:8\n",
        ),
        (
            "source `defiage`: `file` must be a plain file name inside the --sources folder \
             (no folder, no `..`, not an absolute path), not `/etc/passwd`",
            "sources.toml:24:8\n",
        ),
        (
            "source `bsr-hot-swollen-joint`: `url` must be an https: or http: address, not \
             `javascript:alert(document.cookie)`",
            "sources.toml:36:7\n",
        ),
    ] {
        let at = stderr
            .find(message)
            .unwrap_or_else(|| panic!("{message}: {stderr}"));
        assert!(stderr[at..].contains(location), "{message}: {stderr}");
    }
    assert!(stderr.contains("3 errors:"), "{stderr}");
    // The quote check never reads a file outside the folder: the set does
    // not load, whatever --sources says.
    let (code, stdout, _) = run(
        &["rules", "check", "--sources", dir.path().to_str().unwrap()],
        dir.path(),
    );
    assert_eq!(code, Some(78));
    assert!(
        !stdout.contains("quotes against source documents"),
        "{stdout}"
    );
}

#[cfg(unix)]
#[test]
fn a_toml_entry_that_cannot_be_read_is_an_error_not_skipped() {
    // A folder named like a rule file, and a link to nowhere.
    for make in [
        (|p: &Path| std::fs::create_dir(p.join("extra.toml")).unwrap()) as fn(&Path),
        |p: &Path| std::os::unix::fs::symlink(p.join("gone"), p.join("extra.toml")).unwrap(),
    ] {
        let dir = fixture("passing-cases");
        make(dir.path());
        for command in [&["rules", "check"][..], &["rules", "show"], &["--rules"]] {
            let (code, stdout, stderr) = run(command, dir.path());
            assert_eq!(code, Some(66), "{command:?}: {stderr}");
            assert!(stdout.is_empty(), "{stdout}");
            assert!(stderr.contains("cannot read `"), "{stderr}");
            assert!(stderr.contains("extra.toml`"), "{stderr}");
        }
    }
}

/// The built-in rule folder (with its case files), to edit one file of.
fn built_in_rules() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&root().join("rules"), dir.path());
    dir
}

/// Replaces `from` (which must be there) by `to` in the file `name` of
/// `dir`.
fn edit(dir: &Path, name: &str, from: &str, to: &str) {
    let path = dir.join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{name}: {from}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// The errors of `rules check --format json` on `dir`, as (kind, rule or
/// location, message), after checking it exits 78.
fn json_errors(dir: &Path) -> Vec<(String, String, String)> {
    let (code, stdout, _) = run(&["rules", "check", "--format", "json"], dir);
    assert_eq!(code, Some(78), "{stdout}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    report["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["severity"] == "error")
        .map(|i| {
            let text = |key: &str| i[key].as_str().unwrap_or_default().to_owned();
            (text("kind"), text("location"), text("message"))
        })
        .collect()
}

/// A verdict or promise word hidden from the check by how it is written
/// (a control or invisible character inside it, a line break or two spaces
/// in a phrase, fullwidth letters, a hyphen, a look-alike letter) but read
/// by a person as the word is still a load error for every command.
#[test]
fn disguised_verdict_and_promise_words_are_errors_too() {
    let dir = fixture("disguised-wording");
    let stderr = refused_by_every_command(dir.path());
    let errors = json_errors(dir.path());
    let mut found: Vec<(String, String)> = errors
        .iter()
        .map(|(kind, _, message)| {
            let rule = message.split('`').nth(1).unwrap_or_default().to_owned();
            let word = message
                .split(['“', '”'])
                .nth(1)
                .unwrap_or_default()
                .to_owned();
            (kind.clone(), format!("{rule}: {word}"))
        })
        .collect();
    found.sort();
    let mut expected: Vec<(String, String)> = [
        ("banned-wording", "controls: eligible"),
        ("banned-wording", "controls: safe and effective"),
        ("banned-wording", "controls: risk-free"),
        ("banned-wording", "line-break: safe and effective"),
        ("banned-wording", "invisible: candidate"),
        ("banned-wording", "invisible: candidate"),
        ("banned-wording", "invisible: candidate"),
        ("banned-wording", "fullwidth: cure"),
        ("banned-wording", "hyphenated: cure"),
        ("banned-wording", "hyphenated: approved"),
        ("banned-wording", "hyphenated: regenerate"),
        ("banned-wording", "hyphenated: curative"),
        ("banned-wording", "phrases: safe and effective"),
        ("banned-wording", "phrases: risk free"),
        ("banned-wording", "phrases: risk-free"),
        ("mixed-script", "lookalikes: \u{441}andidate"),
        ("mixed-script", "lookalikes: \u{1d04}ure"),
    ]
    .into_iter()
    .map(|(k, w)| (k.to_owned(), w.to_owned()))
    .collect();
    expected.sort();
    assert_eq!(found, expected, "{stderr}");
    // Written as is (no escape), a word is pointed at exactly.
    assert!(
        errors.iter().any(|(_, at, m)| m.contains("hyphenated")
            && m.contains("“curative”")
            && at.ends_with("rules.toml:33:54")),
        "{errors:?}"
    );
    assert!(
        stderr.contains("U+0441") && stderr.contains("U+1D04"),
        "{stderr}"
    );
}

/// Translations are data: a rule set may speak wholly another alphabet.
#[test]
fn a_message_wholly_in_another_alphabet_loads() {
    let dir = built_in_rules();
    let path = dir.path().join("translated.toml");
    std::fs::write(
        &path,
        "[[rule]]\nid = \"translated\"\nlevel = \"info\"\nmessage = \"Поговорите с врачом. Μιλήστε με τον γιατρό σας. 膝の痛みはMRIで調べます。\"\nalways = true\ncite = [{ source = \"defiage\", quote = \"Knee osteoarthritis\" }]\n",
    )
    .unwrap();
    let (code, stdout, stderr) = run(&["rules", "check"], dir.path());
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    // The same word with one Latin letter in it does not.
    edit(dir.path(), "translated.toml", "врачом", "вpaчом");
    let errors = json_errors(dir.path());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, "mixed-script");
}

/// An `urgent-care` (or any other) outcome cannot be shown under the words
/// of the pass, and no two outcomes under the same words.
#[test]
fn an_outcome_label_that_reads_as_a_pass_does_not_load() {
    let dir = built_in_rules();
    edit(
        dir.path(),
        "text.toml",
        "label = \"Get medical care first\"",
        "label = \"May be suitable, to be confirmed\"",
    );
    let stderr = refused_by_every_command(dir.path());
    assert!(
        stderr.contains(
            "level `urgent-care` label has the words of `may-be-suitable`'s label (“may be suitable”)"
        ),
        "{stderr}"
    );
    // The place of the edited label, found in the file, not pinned.
    let edited = std::fs::read_to_string(dir.path().join("text.toml")).unwrap();
    let line = 1 + edited
        .lines()
        .position(|l| l == "label = \"May be suitable, to be confirmed\"")
        .unwrap();
    assert!(
        stderr.contains(&format!("text.toml:{line}:9\n")),
        "{stderr}"
    );
    let errors = json_errors(dir.path());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, "level-label");
    // Folded as read (case, spaces), and the whole label too.
    let dir = built_in_rules();
    edit(
        dir.path(),
        "text.toml",
        "label = \"Good to know\"",
        "label = \"Note: MAY BE\\u00a0SUITABLE\"",
    );
    let errors = json_errors(dir.path());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].2.starts_with("level `info` label has the words"));
    // Two outcomes with one label.
    let dir = built_in_rules();
    edit(
        dir.path(),
        "text.toml",
        "label = \"Good to know\"",
        "label = \"A clinician needs to  review this\"",
    );
    let errors = json_errors(dir.path());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0]
            .2
            .starts_with("level `info` label is the same as level `clinician-review`'s"),
        "{errors:?}"
    );
}

/// The asked-first question's `none`, the one option without an urgent
/// rule, must be there and chosen alone.
#[test]
fn the_no_warning_sign_option_must_be_exclusive() {
    let dir = built_in_rules();
    edit(
        dir.path(),
        "safety.toml",
        "id = \"none\"\nlabel = \"None of these\"\nexclusive = true\n",
        "id = \"none\"\nlabel = \"None of these\"\n",
    );
    let stderr = refused_by_every_command(dir.path());
    assert!(
        stderr.contains(
            "question `warning_signs` is asked first, so it needs an option `none` (no warning \
             sign) with `exclusive = true`, chosen alone"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("safety.toml:44:6\n"), "{stderr}");
    let errors = json_errors(dir.path());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, "warning-sign-none");
}

/// Source names, titles and publishers and the rule set's name are shown
/// to people too: the same words are refused there ("approved" only in a
/// regulator's own), and a `url` cannot carry quote or markup characters.
#[test]
fn source_texts_and_the_rule_set_name_are_checked_and_urls_refuse_markup() {
    let dir = built_in_rules();
    edit(
        dir.path(),
        "sources.toml",
        "name = \"Ottawa knee rules\"",
        "name = \"Guaranteed Cure Society guideline\"",
    );
    edit(
        dir.path(),
        "sources.toml",
        "publisher = \"Defiage\"",
        "publisher = \"Eligible candidates are approved\"",
    );
    edit(
        dir.path(),
        "sources.toml",
        "title = \"Bone Marrow-Derived Stem Cell Therapy\"",
        "title = \"A risk free treatment\"",
    );
    // A regulator's title may say "approved".
    edit(
        dir.path(),
        "sources.toml",
        "title = \"Consumer Information on Stem Cells\"",
        "title = \"Approved Cellular and Gene Therapy Products\"",
    );
    edit(
        dir.path(),
        "sources.toml",
        "url = \"https://g-care.glos.nhs.uk/pathway/75/resource/3\"",
        "url = \"https://cks.nice.org.uk/\\\"onmouseover=\\\"alert(1)\"",
    );
    edit(
        dir.path(),
        "ruleset.toml",
        "name = \"Bone marrow-derived stem cell therapy: first screen\"",
        "name = \"Stem cell candidacy\"",
    );
    let stderr = refused_by_every_command(dir.path());
    let mut errors: Vec<String> = json_errors(dir.path())
        .into_iter()
        .map(|(kind, at, message)| {
            let at = at.rsplit('/').next().unwrap_or_default().to_owned();
            format!(
                "{kind} {at} {}",
                message.split(':').next().unwrap_or_default()
            )
        })
        .collect();
    errors.sort();
    assert_eq!(
        errors,
        [
            "banned-wording ruleset.toml:5:19 the [ruleset] name uses “candidacy”",
            "banned-wording sources.toml:18:14 source `defiage` publisher uses “eligible”",
            "banned-wording sources.toml:18:23 source `defiage` publisher uses “candidates”",
            "banned-wording sources.toml:18:38 source `defiage` publisher uses “approved”",
            "banned-wording sources.toml:57:20 source `ottawa-knee-rules` name uses “cure”",
            "banned-wording sources.toml:57:9 source `ottawa-knee-rules` name uses “guarantee”",
            "banned-wording sources.toml:9:12 source `johnson-medical-center` title uses “risk free”",
            "source-url sources.toml:53:7 source `nhs-glos-spinal-red-flags`",
        ],
        "{stderr}"
    );
}

/// A case file answering one question twice (`"warning_signs "` is
/// `warning_signs` once trimmed) is refused, as an answer file is, never
/// resolved by letting the later answer win.
#[test]
fn a_case_answering_a_question_twice_is_refused() {
    let (code, stdout, stderr) = run(&["rules", "test"], fixture("case-answers-twice").path());
    assert_eq!(code, Some(78), "{stdout}{stderr}");
    assert!(
        stderr.contains("case `a fever hidden by a second answer`: `warning_signs` is given twice"),
        "{stderr}"
    );
    assert!(stderr.contains("tests/cases.toml:3:40\n"), "{stderr}");
}
