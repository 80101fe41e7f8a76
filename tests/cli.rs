//! The binary end to end, without a terminal: answer files from
//! `examples/`, the JSON contract, every exit code, broken rule sets, and
//! that nothing is written.
#![allow(clippy::unwrap_used)] // a panic is how a test reports failure

use std::path::Path;

use assert_cmd::Command;
use assert_cmd::cargo::cargo_bin_cmd;
use predicates::prelude::*;

mod common;

use common::example;

fn candidacy() -> Command {
    let mut cmd = cargo_bin_cmd!("candidacy");
    cmd.env_remove("NO_COLOR")
        .env("TERM", "dumb")
        .env("TZ", "UTC");
    cmd
}

fn json(args: &[&str]) -> serde_json::Value {
    let output = candidacy()
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("valid JSON")
}

const COMPLETE: [&str; 18] = [
    "-a",
    "warning_signs=none",
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
    "prior_treatments=rest,physical-therapy",
];

#[test]
fn each_example_screens_to_its_documented_outcome() {
    for (file, outcome) in [
        ("knee-moderate.toml", "may-be-suitable"),
        ("knee-severe.json", "clinician-review"),
        ("active-infection.toml", "not-suitable-now"),
        ("unsure-severity.toml", "clinician-review"),
        ("teen-sports-injury.toml", "clinician-review"),
        ("back-pain-warning-signs.toml", "urgent-care"),
    ] {
        let path = example(file);
        let summary = json(&["--answers", path.to_str().unwrap()]);
        assert_eq!(summary["outcome"], outcome, "{file}");
    }
}

#[test]
fn the_json_summary_has_the_contract_fields() {
    let path = example("knee-severe.json");
    let summary = json(&["--answers", path.to_str().unwrap()]);
    assert_eq!(summary["schema_version"], 2);
    assert_eq!(summary["outcome"], "clinician-review");
    let finding = &summary["findings"][0];
    assert_eq!(finding["rule"], "severe-joint-damage-sources-disagree");
    assert_eq!(finding["level"], "clinician-review");
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .starts_with("The sources disagree")
    );
    assert_eq!(finding["citations"][0]["source"], "johnson-medical-center");
    assert!(finding["citations"][0]["quote"].is_string());
    let conflict = &summary["conflicts"][0];
    assert_eq!(conflict["topic"], "Severe joint damage");
    let sources: Vec<&str> = conflict["citations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["source"].as_str().unwrap())
        .collect();
    assert!(sources.contains(&"johnson-medical-center") && sources.contains(&"defiage"));
    assert_eq!(
        summary["answers"],
        serde_json::json!({
            "warning_signs": ["none"],
            "condition": "knee-arthritis", "duration": "over-a-year",
            "severity": "severe", "imaging": "severe", "age": 67,
            "active_infection": "no", "health": ["none"],
            "prior_treatments": ["medication", "injections"]
        })
    );
    assert!(
        summary["disclaimer"]
            .as_str()
            .unwrap()
            .contains("qualified clinician")
    );
    let built_in = candidacy::ruleset::RuleSet::embedded().unwrap();
    assert_eq!(
        summary["ruleset"]["version"],
        built_in.meta.version.as_str()
    );
    let sha = summary["ruleset"]["sha256"].as_str().unwrap();
    assert!(sha.len() == 64 && sha.chars().all(|c| c.is_ascii_hexdigit()));
}

#[test]
fn the_disclaimer_is_printed_in_every_format_whatever_the_outcome() {
    let version = candidacy::ruleset::RuleSet::embedded()
        .unwrap()
        .meta
        .version;
    for file in [
        "knee-moderate.toml",
        "active-infection.toml",
        "unsure-severity.toml",
        "back-pain-warning-signs.toml",
    ] {
        let path = example(file);
        let text = candidacy()
            .args(["--answers", path.to_str().unwrap()])
            .output()
            .unwrap();
        let text = String::from_utf8(text.stdout).unwrap();
        // Compared with the lines joined: the text is wrapped.
        let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            joined.contains("Only a qualified clinician can decide"),
            "{file}"
        );
        assert!(text.contains("Outcome: "), "{file}");
        let summary = json(&["--answers", path.to_str().unwrap()]);
        assert!(
            summary["disclaimer"]
                .as_str()
                .unwrap()
                .contains("Only a qualified clinician can decide")
        );
        // The document formats carry it too, with when, by what and under
        // which rules the summary was made.
        for format in ["text", "markdown", "html", "fhir"] {
            let output = candidacy()
                .args(["--answers", path.to_str().unwrap(), "--format", format])
                .output()
                .unwrap();
            assert_eq!(output.status.code(), Some(0));
            let out = String::from_utf8(output.stdout).unwrap();
            let joined = out.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(
                joined.contains("Only a qualified clinician can decide"),
                "{file} {format}"
            );
            assert!(
                joined.contains(concat!("candidacy ", env!("CARGO_PKG_VERSION"))),
                "{file} {format}"
            );
            assert!(
                joined.contains(&format!("Rule set {version}, reviewed ")),
                "{file} {format}"
            );
            assert!(joined.contains("sha256 "), "{file} {format}");
            assert!(joined.contains(" UTC"), "{file} {format}: the time made");
        }
    }
}

#[test]
fn answers_can_come_from_flags_a_file_or_standard_input() {
    let from_flags = json(&COMPLETE);
    let path = example("knee-moderate.toml");
    let from_file = json(&["--answers", path.to_str().unwrap()]);
    assert_eq!(from_flags["answers"], from_file["answers"]);
    let output = candidacy()
        .args(["--answers", "-", "--format", "json"])
        .write_stdin(std::fs::read_to_string(example("knee-severe.json")).unwrap())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let from_stdin: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(from_stdin["answers"]["age"], 67);
}

#[test]
fn an_answer_flag_overrides_the_file() {
    let path = example("knee-moderate.toml");
    let summary = json(&[
        "--answers",
        path.to_str().unwrap(),
        "-a",
        "active_infection=yes",
    ]);
    assert_eq!(summary["answers"]["active_infection"], "yes");
    assert_eq!(summary["outcome"], "not-suitable-now");
}

#[test]
fn missing_answers_without_a_terminal_exit_2_naming_each_question() {
    let path = example("partial.toml");
    candidacy()
        .args(["--answers", path.to_str().unwrap()])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "missing: warning_signs, duration, severity, imaging, active_infection, health, prior_treatments",
        ));
    candidacy()
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "missing: warning_signs, condition, duration, severity, imaging, age, active_infection, health, prior_treatments",
        ));
}

#[test]
fn invalid_answers_exit_65_naming_the_question_and_what_is_accepted() {
    let cases: [(&str, &str); 5] = [
        (
            "age=121",
            "`age` must be a whole number from 0 to 120, not `121`",
        ),
        (
            "age=abc",
            "`age` must be a whole number from 0 to 120, not `abc`",
        ),
        (
            "severity=bad",
            "`severity` does not accept `bad`; the options are: mild, moderate, severe, unsure",
        ),
        (
            "prior_treatments=none,rest",
            "`prior_treatments`: `none` cannot be combined with other answers",
        ),
        (
            "colour=red",
            "unknown question `colour`; the questions are: warning_signs, condition, duration, severity, imaging",
        ),
    ];
    for (answer, message) in cases {
        candidacy()
            .args(["-a", answer])
            .assert()
            .code(65)
            .stdout("")
            .stderr(predicate::str::contains(message));
    }
}

#[test]
fn a_bad_answer_file_exits_65_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.json");
    std::fs::write(&file, r#"{"condition": "knee-arthritis", "age": "old"}"#).unwrap();
    candidacy()
        .args(["--answers", file.to_str().unwrap()])
        .assert()
        .code(65)
        .stderr(
            predicate::str::contains("bad.json")
                .and(predicate::str::contains("`age` must be a whole number")),
        );
    std::fs::write(&file, "{not json").unwrap();
    candidacy()
        .args(["--answers", file.to_str().unwrap()])
        .assert()
        .code(65)
        .stderr(predicate::str::contains("invalid JSON"));
}

#[test]
fn usage_errors_exit_2() {
    candidacy()
        .args(["-a", "age"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("KEY=VALUE"));
    candidacy().args(["--format", "pdf"]).assert().code(2);
    candidacy()
        .args(COMPLETE)
        .args(["-a", "age=60"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("`age` is given twice"));
}

#[test]
fn files_that_are_not_text_are_bad_data() {
    let dir = tempfile::tempdir().unwrap();
    let answers = dir.path().join("answers.toml");
    std::fs::write(&answers, b"age = \xff\xfe").unwrap();
    candidacy()
        .arg("--answers")
        .arg(&answers)
        .assert()
        .code(65)
        .stderr(predicate::str::contains("not UTF-8 text"));
    let rules = broken_rules("age.toml", "x", "x");
    std::fs::write(rules.path().join("age.toml"), b"\xff").unwrap();
    with_rules(rules.path())
        .assert()
        .code(78)
        .stderr(predicate::str::contains("age.toml` is not UTF-8 text"));
    with_rules(&answers)
        .assert()
        .code(66)
        .stderr(predicate::str::contains("cannot read"));
}

#[test]
fn a_missing_input_exits_66() {
    candidacy()
        .args(["--answers", "no-such-file.toml"])
        .assert()
        .code(66)
        .stderr(predicate::str::contains("cannot read `no-such-file.toml`"));
    candidacy()
        .args(COMPLETE)
        .args(["--rules", "no-such-folder"])
        .assert()
        .code(66)
        .stderr(predicate::str::contains(
            "folder `no-such-folder` does not exist",
        ));
}

/// A complete screening against the rule set in `dir`.
fn with_rules(dir: &Path) -> Command {
    let mut cmd = candidacy();
    cmd.args(COMPLETE).arg("--rules").arg(dir);
    cmd
}

/// A copy of the default rule set in a temporary folder, with `patch`
/// applied to one file (`from` replaced by `to`).
fn broken_rules(file: &str, from: &str, to: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in candidacy::ruleset::EMBEDDED_FILES {
        let text = if *name == file {
            assert!(text.contains(from), "{file} contains {from:?}");
            text.replacen(from, to, 1)
        } else {
            (*text).to_owned()
        };
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

/// Line and column (from 1, in characters) of the `|` in `needle`, where
/// `needle` without its `|` first appears in `text`.
fn position(text: &str, needle: &str) -> (usize, usize) {
    let bar = needle.find('|').expect("needle marks the spot with |");
    let plain = needle.replacen('|', "", 1);
    let at = text.find(&plain).expect("needle is in the text") + bar;
    let line = text[..at].matches('\n').count() + 1;
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    (line, text[line_start..at].chars().count() + 1)
}

/// Breaks one rule file, runs a screening on it, and checks the exit code,
/// the message, and that the location printed is where `needle`'s `|` is.
fn check_broken(file: &str, from: &str, to: &str, message: &str, needle: &str) {
    let dir = broken_rules(file, from, to);
    let text = std::fs::read_to_string(dir.path().join(file)).unwrap();
    let (line, column) = position(&text, needle);
    let output = with_rules(dir.path()).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(78), "{stderr}");
    assert!(output.stdout.is_empty());
    assert!(
        stderr.contains(message),
        "expected {message:?} in:\n{stderr}"
    );
    let location = format!("{file}:{line}:{column}\n");
    assert!(
        stderr.contains(&location),
        "expected {location} in:\n{stderr}"
    );
    let shown = text.lines().nth(line - 1).unwrap();
    assert!(
        stderr.contains(&format!("{line} | {shown}")),
        "the offending line is shown:\n{stderr}"
    );
}

#[test]
fn broken_rule_files_exit_78_with_file_line_and_column() {
    let cases = [
        (
            "age.toml",
            "level = \"info\"",
            "level = \"info\"\ncolour = \"red\"",
            "unknown field `colour`",
            "|colour",
        ),
        (
            "age.toml",
            "when.age = { max = 17 }",
            "when.agee = { max = 17 }",
            "unknown question `agee`",
            "when.|agee",
        ),
        (
            "conditions.toml",
            "[\"other\"]",
            "[\"otherwise\"]",
            "unknown option `otherwise` for question `condition`",
            "[|\"otherwise",
        ),
        (
            "age.toml",
            "{ max = 17 }",
            "{ max = 170 }",
            "170 is outside question `age`'s range of 0 to 120",
            "max = |170",
        ),
        (
            "age.toml",
            "id = \"jmc-middle-age\"",
            "id = \"age-under-18-not-addressed\"",
            "rule `age-under-18-not-addressed` is declared twice",
            "id = |\"age-under-18-not-addressed\"\nlevel = \"info\"",
        ),
        (
            "infection.toml",
            "source = \"defiage\"",
            "source = \"nobody\"",
            "undeclared source `nobody`",
            "source = |\"nobody",
        ),
        (
            "age.toml",
            "when.age = { max = 17 }",
            "",
            "has an empty `when`",
            "|[[rule]]",
        ),
        (
            "ruleset.toml",
            "version = \"2.0.0\"",
            "version = ",
            "string values must be quoted",
            "version = |\n",
        ),
        (
            "severity.toml",
            "when.severity = { in = [\"unsure\"] }",
            "when.severity = { any = [\"unsure\"] }",
            "wrong matcher for question `severity`",
            "any = |[\"unsure",
        ),
        (
            "questionnaire.toml",
            "max = 120",
            "max = 120\nunit = \"years\"",
            "unknown field `unit`",
            "|unit",
        ),
        (
            "questionnaire.toml",
            "id = \"surgery\"",
            "id = \"rest\"",
            "question `prior_treatments` has option `rest` twice",
            "id = |\"rest\"\nlabel = \"Surgery\"",
        ),
    ];
    for (file, from, to, message, needle) in cases {
        check_broken(file, from, to, message, needle);
    }
}

#[test]
fn a_rule_set_without_a_disclaimer_does_not_load() {
    let dir = broken_rules(
        "ruleset.toml",
        "disclaimer = \"\"\"",
        "old_disclaimer = \"\"\"",
    );
    with_rules(dir.path())
        .assert()
        .code(78)
        .stderr(predicate::str::contains("unknown field `old_disclaimer`"));
    let dir = broken_rules("ruleset.toml", "[ruleset]", "[not_the_ruleset]");
    with_rules(dir.path()).assert().code(78);
}

#[test]
fn the_rules_folder_gives_the_same_result_and_hash_as_the_built_in_set() {
    let builtin = json(&COMPLETE);
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut args = COMPLETE.to_vec();
    args.extend(["--rules", rules.to_str().unwrap()]);
    let mut folder = json(&args);
    let mut builtin = builtin;
    // The time made may differ by a second between the two runs.
    for summary in [&mut builtin, &mut folder] {
        summary["created"] = serde_json::Value::Null;
    }
    assert_eq!(builtin, folder);
}

#[test]
fn text_from_rule_files_cannot_drive_the_terminal() {
    let dir = broken_rules("text.toml", "title = \"", "title = \"\\u001b[2J\\u001b[31m");
    let output = with_rules(dir.path()).arg("--details").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(!text.contains('\u{1b}'));
    // The title, after the action and the outcome, with the escapes gone.
    assert!(text.contains("\n\n[2J[31mBone marrow"), "{text}");
}

/// The folders a run could write to: a working folder, TMPDIR, HOME (with
/// the XDG folders under it) and a copy of the rule files for `--rules`.
struct Places {
    work: tempfile::TempDir,
    tmp: tempfile::TempDir,
    home: tempfile::TempDir,
    rules: tempfile::TempDir,
}

impl Places {
    fn new() -> Places {
        let rules = tempfile::tempdir().unwrap();
        for (name, text) in candidacy::ruleset::EMBEDDED_FILES {
            std::fs::write(rules.path().join(name), text).unwrap();
        }
        Places {
            work: tempfile::tempdir().unwrap(),
            tmp: tempfile::tempdir().unwrap(),
            home: tempfile::tempdir().unwrap(),
            rules,
        }
    }

    /// The binary, run in these places with `--rules` on the copy.
    fn candidacy(&self) -> Command {
        let mut cmd = candidacy();
        cmd.current_dir(self.work.path())
            .env("TMPDIR", self.tmp.path())
            .env("HOME", self.home.path())
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("XDG_CACHE_HOME")
            .env_remove("XDG_DATA_HOME")
            .env_remove("XDG_STATE_HOME")
            .arg("--rules")
            .arg(self.rules.path());
        cmd
    }

    /// Every file and folder below the places, with the bytes of each file.
    fn contents(&self) -> Vec<(std::path::PathBuf, Option<Vec<u8>>)> {
        fn walk(dir: &Path, out: &mut Vec<(std::path::PathBuf, Option<Vec<u8>>)>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    out.push((path.clone(), None));
                    walk(&path, out);
                } else {
                    out.push((path.clone(), Some(std::fs::read(&path).unwrap())));
                }
            }
        }
        let mut out = Vec::new();
        for dir in [&self.work, &self.tmp, &self.home, &self.rules] {
            walk(dir.path(), &mut out);
        }
        out.sort();
        out
    }
}

#[test]
fn a_screening_writes_no_file() {
    let places = Places::new();
    let before = places.contents();
    assert_eq!(before.len(), candidacy::ruleset::EMBEDDED_FILES.len());
    let path = example("knee-moderate.toml");
    places
        .candidacy()
        .args(["--answers", path.to_str().unwrap()])
        .assert()
        .code(0);
    // Nothing new in the working folder, TMPDIR, HOME or the rule folder,
    // and the rule files unchanged.
    assert_eq!(places.contents(), before);
}

#[test]
fn help_lists_examples_and_exit_codes() {
    candidacy().arg("--help").assert().code(0).stdout(
        predicate::str::contains("Examples:").and(predicate::str::contains("78 bad rule files")),
    );
}

fn rules_check(dir: &Path, extra: &[&str]) -> std::process::Output {
    candidacy()
        .args(["rules", "check"])
        .arg(dir)
        .args(extra)
        .output()
        .unwrap()
}

/// How many quotes of the built-in rule set cite a source with a document
/// (`file`) and how many cite one without, counted from the loaded rule set.
fn quotes_with_and_without_a_document() -> (usize, usize) {
    let rules = candidacy::ruleset::RuleSet::embedded().unwrap();
    let all: Vec<&candidacy::ruleset::Citation> = rules
        .rules
        .iter()
        .flat_map(|r| &r.citations)
        .chain(rules.before_you_book.iter().flat_map(|a| &a.citations))
        .chain(
            rules
                .claims
                .iter()
                .flat_map(|c| c.promise_citations.iter().chain(&c.evidence_citations)),
        )
        .chain(&rules.meta.disclaimer_citations)
        .collect();
    let with = all
        .iter()
        .filter(|c| rules.sources[c.source].file.is_some())
        .count();
    (with, all.len() - with)
}

#[test]
fn rules_check_passes_the_default_rule_set_with_only_the_expected_notes() {
    let (with_document, without) = quotes_with_and_without_a_document();
    // Without --sources, a note says the quotes were not checked.
    candidacy()
        .args(["rules", "check"])
        .assert()
        .code(0)
        // With a warning sign (127 combinations of the seven signs), each of
        // the 8 other questions is answered anyway or not asked: 12 * 6 * 5
        // * 6 * 5 age bands * 4 * 258 * 33 = 367,804,800 each; with none,
        // the 9 joint conditions ask about imaging (9 * 5 * 4 * 5 * 4 * 3 *
        // 257 * 32 = 88,819,200) and `other` or a fracture may leave it
        // unasked (2 * 5 * 4 * 6 * 4 * 3 * 257 * 32 = 23,685,120).
        .stdout(predicate::str::contains("46823713920 answer combinations"))
        .stdout(predicate::str::contains(
            "note[disagreement]: sources disagree",
        ))
        .stdout(predicate::str::contains(
            "note[quotes-not-checked]: the quotes were not checked against their documents: give --sources DIR",
        ))
        .stdout(predicate::str::contains(
            format!("note[quotes-unreachable]: {without} quotes cite sources with no document here"),
        ))
        .stdout(predicate::str::ends_with("0 errors, 0 warnings, 3 notes\n"));
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
    if seeds.is_dir() {
        candidacy()
            .args(["rules", "check", "--sources"])
            .arg(&seeds)
            .assert()
            .code(0)
            .stdout(predicate::str::contains(format!(
                "{with_document} quotes against source documents"
            )))
            .stdout(predicate::str::contains("quotes-not-checked").not())
            .stdout(predicate::str::ends_with("0 errors, 0 warnings, 2 notes\n"));
    }
}

#[test]
fn rules_check_fails_on_a_quote_missing_from_its_source() {
    let dir = broken_rules(
        "treatments.toml",
        "quote = \"Sports injuries that haven't responded",
        "quote = \"Sports injuries that have responded",
    );
    let sources = tempfile::tempdir().unwrap();
    std::fs::write(
        sources.path().join("000_b219f91b885ed06c.txt"),
        "Sports injuries that haven\u{2019}t responded to rest or therapy",
    )
    .unwrap();
    std::fs::write(sources.path().join("003_18ba051c41344b17.txt"), "").unwrap();
    let output = rules_check(dir.path(), &["--sources", sources.path().to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(78), "{stdout}");
    assert!(stdout.contains("error[quote-not-found]: rule `sports-injury-rest-or-therapy-not-tried` quotes \"Sports injuries that have responded"), "{stdout}");
    assert!(stdout.contains("treatments.toml:5:6"), "{stdout}");
    let missing = tempfile::tempdir().unwrap();
    candidacy()
        .args(["rules", "check", "--sources"])
        .arg(missing.path().join("nope"))
        .assert()
        .code(66);
}

#[test]
fn rules_check_warns_about_gaps_unreachable_rules_and_contradictions() {
    // A gap: nothing decides for `other` (adults; under-18s have a rule).
    let dir = broken_rules(
        "conditions.toml",
        "when.condition = { in = [\"other\"] }",
        "when.condition = { in = [\"other\"] }\nwhen.age = { max = 1 }",
    );
    let stdout = String::from_utf8(rules_check(dir.path(), &[]).stdout).unwrap();
    // No warning sign (any sign decides by itself), condition=other, a
    // known duration (4) and severity (3) (not sure decides), any imaging
    // answer or none (6: no imaging rule speaks of `other`), adult (3 bands),
    // no infection and no health condition (each decides by itself), and
    // something tried (31: nothing tried decides): 4 * 3 * 6 * 3 * 31 =
    // 6,696 of 56,194,081,920 (the age bound 1 adds a band: 5 instead of 4).
    assert!(
        stdout.contains(
            "warning[gap]: 6696 of 56194081920 answer combinations match no rule other than `info`"
        ),
        "{stdout}"
    );
    // One compact box covers all of them.
    assert!(stdout.contains("e.g. warning_signs=none, condition=other, duration=under-6-weeks|6-weeks-to-3-months|3-to-12-months|over-a-year, severity=mild|moderate|severe, imaging=*|(not asked), age=18-120, active_infection=no, health=none, prior_treatments="), "{stdout}");

    // Unreachable: a treatment both required and excluded.
    let dir = broken_rules(
        "treatments.toml",
        "{ none = [\"rest\", \"physical-therapy\"] }",
        "{ all = [\"rest\"], none = [\"rest\"] }",
    );
    let output = rules_check(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains(
            "warning[unreachable]: rule `sports-injury-rest-or-therapy-not-tried` never fires"
        ),
        "{stdout}"
    );

    // A contradiction inside one source: the Defiage knee rule no longer
    // requires the absence of an infection, which the same post cautions on.
    let dir = broken_rules(
        "conditions.toml",
        "when.age = { min = 18 }\nwhen.active_infection = { in = [\"no\"] }\nwhen.health = { any = [\"none\"] }\nwhen.prior_treatments = { none = [\"none\"] }\ncite = [\n  { source = \"defiage\", quote = \"Knee",
        "when.age = { min = 18 }\nwhen.health = { any = [\"none\"] }\nwhen.prior_treatments = { none = [\"none\"] }\ncite = [\n  { source = \"defiage\", quote = \"Knee",
    );
    let stdout = String::from_utf8(rules_check(dir.path(), &[]).stdout).unwrap();
    assert!(
        stdout.contains("warning[contradiction]: the Defiage blog post is cited for may-be-suitable by `defiage-knee-osteoarthritis` and for not-suitable-now by `active-infection`"),
        "{stdout}"
    );
}

#[test]
fn rules_check_warns_when_the_review_date_has_passed() {
    let dir = broken_rules(
        "ruleset.toml",
        "reviewed = 2026-11-21\nreview_by = 2027-05-21",
        "reviewed = 2020-01-01\nreview_by = 2020-07-01",
    );
    let output = rules_check(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains("warning[review-overdue]: the rules were due for review by 2020-07-01"),
        "{stdout}"
    );
    // Every summary carries the warning too, in text and JSON.
    let screen = |format: &str| {
        candidacy()
            .args(["--format", format, "--rules"])
            .arg(dir.path())
            .arg("--answers")
            .arg(example("knee-moderate.toml"))
            .output()
            .unwrap()
    };
    let output = screen("text");
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    let warning = "Warning: these rules were due for review by 2020-07-01";
    assert_eq!(
        text.matches(warning).count(),
        2,
        "at the top and by the rule set line:\n{text}"
    );
    let json: serde_json::Value = serde_json::from_slice(&screen("json").stdout).unwrap();
    assert_eq!(json["ruleset"]["review_overdue"], true);
    assert!(json["warnings"][0].as_str().unwrap().starts_with(warning));
    // The built-in rules are not overdue (until their review-by date).
    let json: serde_json::Value = serde_json::from_slice(
        &candidacy()
            .args(["--format", "json", "--answers"])
            .arg(example("knee-moderate.toml"))
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(json["ruleset"]["review_overdue"], false);
    assert_eq!(json["warnings"], serde_json::json!([]));
}

#[test]
fn rules_check_reports_rule_files_that_do_not_load() {
    let dir = broken_rules(
        "age.toml",
        "when.age = { max = 17 }",
        "when.agee = { max = 17 }",
    );
    let output = rules_check(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(78));
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown question `agee`"));
    let output = rules_check(dir.path(), &["--format", "json"]);
    assert_eq!(output.status.code(), Some(78));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let item = &report["items"][0];
    assert_eq!(item["severity"], "error");
    assert!(
        item["message"]
            .as_str()
            .unwrap()
            .starts_with("unknown question `agee`")
    );
    assert!(
        item["location"]
            .as_str()
            .unwrap()
            .ends_with("age.toml:10:6")
    );
}

#[test]
fn a_summary_whose_reader_goes_away_exits_74_quietly() {
    let path = example("knee-moderate.toml");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_candidacy"))
        .arg("--answers")
        .arg(path)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Close the read end before the summary is written (`candidacy | true`).
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    // Nothing to tell a reader that left, but a summary nobody got is not
    // a success (`set -o pipefail` sees it).
    assert_eq!(output.status.code(), Some(74));
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn the_patient_summary_names_no_rule_and_the_staff_summary_names_every_finding() {
    let rules = candidacy::ruleset::RuleSet::embedded().unwrap();
    for file in ["knee-moderate.toml", "back-pain-warning-signs.toml"] {
        let path = example(file);
        let run = |audience: &str| {
            let output = candidacy()
                .args(["--audience", audience, "--answers"])
                .arg(&path)
                .output()
                .unwrap();
            assert_eq!(output.status.code(), Some(0));
            String::from_utf8(output.stdout).unwrap()
        };
        let patient = run("patient");
        let staff = run("staff");
        let fired: Vec<String> = json(&["--answers", path.to_str().unwrap()])["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_owned())
            .collect();
        assert!(!fired.is_empty());
        for rule in &rules.rules {
            assert!(
                !patient.contains(&format!("Rule {},", rule.id)),
                "{file}: {}",
                rule.id
            );
        }
        for id in &fired {
            assert!(
                staff.contains(&format!("Rule {id}, level ")),
                "{file}: {id}"
            );
        }
        // Staff citations carry the address of every web source cited.
        assert!(
            staff.contains("https://") || staff.contains("http://"),
            "{file}"
        );
        let default = candidacy().arg("--answers").arg(&path).output().unwrap();
        // The two runs may fall either side of a minute: the line saying
        // when it was made is left out of the comparison.
        let timeless = |text: &str| -> String {
            text.lines()
                .filter(|l| !l.starts_with("Made on "))
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert_eq!(
            timeless(&patient),
            timeless(&String::from_utf8(default.stdout).unwrap()),
            "the default audience is the patient"
        );
    }
}

#[test]
fn an_error_message_says_each_thing_once() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("answers.json");
    std::fs::write(&file, r#"{"age": 500}"#).unwrap();
    for (args, message) in [
        (
            vec!["-a".to_owned(), "colour=red".to_owned()],
            "unknown question `colour`",
        ),
        (
            vec!["--answers".to_owned(), file.display().to_string()],
            "not `500`",
        ),
        (
            vec!["--answers".to_owned(), "no-such-file.toml".to_owned()],
            "No such file",
        ),
    ] {
        let output = candidacy().args(&args).output().unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(stderr.matches(message).count(), 1, "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
}

#[test]
fn color_only_when_asked_or_on_a_terminal_and_never_with_no_color() {
    let colored = |args: &[&str], no_color: Option<&str>| {
        let mut cmd = candidacy();
        cmd.env("TERM", "xterm-256color").args(COMPLETE).args(args);
        if let Some(value) = no_color {
            cmd.env("NO_COLOR", value);
        }
        let output = cmd.output().unwrap();
        assert_eq!(output.status.code(), Some(0));
        let text = String::from_utf8(output.stdout).unwrap();
        assert!(
            text.contains("Outcome: May be suitable"),
            "the words stay: {text}"
        );
        text.contains('\u{1b}')
    };
    assert!(!colored(&[], None), "auto, and standard output is a pipe");
    assert!(colored(&["--color", "always"], None));
    assert!(colored(&["--color", "always"], Some("1")), "always wins");
    assert!(!colored(&["--color", "never"], None));
    assert!(!colored(&["--color", "auto"], Some("1")));
    candidacy()
        .args(COMPLETE)
        .args(["--color", "sometimes"])
        .assert()
        .code(2);
}

#[test]
fn plain_mode_runs_the_interview_on_typed_lines_without_a_terminal() {
    let output = candidacy()
        .args(["--plain", "--details"])
        .write_stdin("8\n1\n4\n2\n2\n54\n2\n9\n1,physical-therapy\n\n")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let screen = String::from_utf8(output.stderr).unwrap();
    let summary = String::from_utf8(output.stdout).unwrap();
    assert!(screen.contains("Question 9 of 9: What have you already tried"));
    assert!(
        screen.contains("\n6. How old are you? 54\n"),
        "the review: {screen}"
    );
    assert!(summary.contains("Outcome: May be suitable"), "{summary}");
    assert!(
        summary.contains("Question: How old are you?\nAnswer: 54\n"),
        "tables as lines: {summary}"
    );
    assert!(
        summary.contains("Answer: Rest; Physical therapy"),
        "{summary}"
    );
    assert!(!summary.contains('│'), "no box drawing: {summary}");
    assert!(!screen.contains('\u{1b}') && !summary.contains('\u{1b}'));
}

#[test]
fn plain_mode_exits_2_when_the_typed_answers_run_out() {
    candidacy()
        .arg("--plain")
        .write_stdin("8\n1\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "standard input ended before the interview was finished",
        ));
    candidacy()
        .args(["--plain", "--answers", "-"])
        .write_stdin("age = 54\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--plain"));
}

#[test]
fn repeat_needs_someone_to_ask_and_takes_no_given_answers() {
    candidacy()
        .arg("--repeat")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--repeat"));
    candidacy()
        .args(["--repeat", "-a", "age=54"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be used with"));
}

#[test]
fn completions_and_the_man_page_come_from_the_command_line_definition() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef candidacy"),
        ("fish", "complete -c candidacy"),
    ] {
        let output = candidacy().args(["completions", shell]).output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{shell}");
        let script = String::from_utf8(output.stdout).unwrap();
        assert!(script.contains(marker), "{shell}: {script}");
        for flag in ["no-review", "repeat", "plain", "audience"] {
            assert!(script.contains(flag), "{shell} completes --{flag}");
        }
    }
    candidacy().args(["completions", "tcsh"]).assert().code(2);
    let output = candidacy().arg("man").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let page = String::from_utf8(output.stdout).unwrap();
    assert!(page.contains(".TH candidacy"));
    for text in ["no\\-review", "plain", "Screen\\-reader"] {
        assert!(page.contains(text), "the man page has {text}");
    }
}

#[test]
fn html_escapes_text_from_rule_files() {
    // The reason of the rule the screened answers (knee, moderate damage)
    // pass on, which the short summary lists under "Why".
    let dir = broken_rules(
        "conditions.toml",
        "reason = \"The Defiage blog post says knee",
        "reason = \"<script>alert(1)</script> & <b>The Defiage blog post says knee",
    );
    let output = with_rules(dir.path())
        .args(["--format", "html"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let page = String::from_utf8(output.stdout).unwrap();
    // askama writes numeric character references.
    assert!(
        page.contains("&#60;script&#62;alert(1)&#60;/script&#62; &#38; &#60;b&#62;"),
        "{page}"
    );
    assert!(!page.contains("<script") && !page.contains("<b>"), "{page}");
    // Self-contained: nothing is loaded from elsewhere.
    for loads in ["src=", "<link", "@import", "url("] {
        assert!(!page.contains(loads), "{loads}");
    }
    let markdown = with_rules(dir.path())
        .args(["--format", "markdown"])
        .output()
        .unwrap();
    let markdown = String::from_utf8(markdown.stdout).unwrap();
    assert!(
        markdown.contains("&lt;script&gt;") && !markdown.contains("<script"),
        "{markdown}"
    );
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn output_saves_owner_only_and_never_overwrites_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("handout.html");
    let save = |extra: &[&str]| {
        candidacy()
            .current_dir(dir.path())
            .args(COMPLETE)
            .args(["--format", "html", "--output", "handout.html"])
            .args(extra)
            .output()
            .unwrap()
    };
    let first = save(&[]);
    assert_eq!(first.status.code(), Some(0));
    assert!(first.stdout.is_empty(), "saved, not printed");
    assert!(String::from_utf8_lossy(&first.stderr).contains("handout.html"));
    let saved = std::fs::read_to_string(&file).unwrap();
    assert!(saved.starts_with("<!DOCTYPE html>") && saved.contains("qualified clinician"));
    #[cfg(unix)]
    assert_eq!(mode(&file), 0o600);

    std::fs::write(&file, "keep me").unwrap();
    let again = save(&[]);
    assert_eq!(again.status.code(), Some(73));
    let message = String::from_utf8(again.stderr).unwrap();
    assert!(
        message.contains("handout.html") && message.contains("--force"),
        "{message}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    assert_eq!(save(&["--force"]).status.code(), Some(0));
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("qualified clinician")
    );
    #[cfg(unix)]
    assert_eq!(mode(&file), 0o600, "a replaced file is owner-only too");
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 1, "no temporary file is left");
}

#[test]
fn a_save_that_cannot_be_made_exits_73_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-folder/summary.md");
    candidacy()
        .args(COMPLETE)
        .args(["--format", "markdown", "--output"])
        .arg(&missing)
        .assert()
        .code(73)
        .stderr(predicate::str::contains("no-such-folder/summary.md"));
    // A folder in the way of the file.
    std::fs::create_dir(dir.path().join("taken")).unwrap();
    candidacy()
        .args(COMPLETE)
        .args(["--output"])
        .arg(dir.path().join("taken"))
        .arg("--force")
        .assert()
        .code(73);
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        names,
        [std::ffi::OsString::from("taken")],
        "no partial file"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_write_that_fails_exits_74_and_leaves_no_partial_file() {
    // A file size limit of one block (ulimit -f, with SIGXFSZ ignored) makes
    // writing the handout fail part way, like a full disk.
    let dir = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin!("candidacy");
    let status = std::process::Command::new("sh")
        .current_dir(dir.path())
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f 1; exec '{}' {} --format html --output out.html",
            bin.display(),
            COMPLETE.join(" ")
        ))
        .env("TERM", "dumb")
        .output()
        .unwrap();
    assert_eq!(
        status.status.code(),
        Some(74),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    assert!(String::from_utf8_lossy(&status.stderr).contains("out.html"));
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no partial file"
    );
}

#[test]
fn no_format_writes_a_file_unless_asked() {
    let places = Places::new();
    let before = places.contents();
    for format in ["text", "json", "markdown", "html", "fhir"] {
        places
            .candidacy()
            .args(COMPLETE)
            .args(["--format", format])
            .assert()
            .code(0);
    }
    places
        .candidacy()
        .args(COMPLETE)
        .args(["--explain", "--audience", "staff"])
        .assert()
        .code(0);
    assert_eq!(places.contents(), before);
}

#[test]
fn output_and_explain_combinations_that_make_no_sense_are_usage_errors() {
    candidacy()
        .args(COMPLETE)
        .args(["--explain", "--format", "html"])
        .assert()
        .code(2);
    candidacy().args(COMPLETE).arg("--force").assert().code(2);
    candidacy()
        .args(["--repeat", "--output", "x"])
        .assert()
        .code(2);
}

/// An answer file in a temporary folder, screened; returns the exit code
/// and stderr.
fn screen_answer_file(name: &str, text: &str, extra: &[&str]) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    let output = candidacy()
        .arg("--answers")
        .arg(&path)
        .args(extra)
        .args(["--format", "json"])
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn an_answer_file_giving_a_question_twice_is_refused_naming_it() {
    let json = r#"{"warning_signs": ["fever"], "condition": "knee-arthritis", "duration": "over-a-year",
                   "severity": "moderate", "imaging": "moderate", "age": 54, "active_infection": "no",
                   "health": ["none"], "prior_treatments": ["rest"],
                   "warning_signs": ["none"]}"#;
    let (code, stderr) = screen_answer_file("dup.json", json, &[]);
    assert_eq!(code, Some(65), "{stderr}");
    assert!(
        stderr.contains("`warning_signs` is given twice"),
        "{stderr}"
    );
    // In TOML, a padded key is the same question (keys are trimmed).
    let toml = "warning_signs = [\"fever\"]\n\"warning_signs \" = [\"none\"]\n\
                condition = \"knee-arthritis\"\nduration = \"over-a-year\"\nseverity = \"moderate\"\n\
                imaging = \"moderate\"\nage = 54\nactive_infection = \"no\"\nhealth = [\"none\"]\n\
                prior_treatments = [\"rest\"]\n";
    let (code, stderr) = screen_answer_file("dup.toml", toml, &[]);
    assert_eq!(code, Some(65), "{stderr}");
    assert!(
        stderr.contains("`warning_signs` is given twice"),
        "{stderr}"
    );
}

#[test]
fn ages_in_answer_files_and_flags_are_read_alike_and_quoted_as_given() {
    let rest = "\"warning_signs\": [\"none\"], \"condition\": \"knee-arthritis\", \
                \"duration\": \"over-a-year\", \"severity\": \"moderate\", \
                \"imaging\": \"moderate\", \"active_infection\": \"no\", \
                \"health\": [\"none\"], \"prior_treatments\": [\"rest\"]";
    for age in ["52.0", "5.2e1", "1e1", "-0.0", "99999999999999999999"] {
        let expected = format!("`age` must be a whole number from 0 to 120, not `{age}`");
        let (code, stderr) =
            screen_answer_file("a.json", &format!("{{{rest}, \"age\": {age}}}"), &[]);
        assert_eq!(code, Some(65), "{stderr}");
        assert!(stderr.contains(&expected), "JSON {age}: {stderr}");
        let (code, stderr) =
            screen_answer_file("a.json", &format!("{{{rest}, \"age\": \"{age}\"}}"), &[]);
        assert_eq!(code, Some(65), "{stderr}");
        assert!(stderr.contains(&expected), "JSON string {age}: {stderr}");
        let flag = format!("age={age}");
        candidacy()
            .args(COMPLETE.map(|a| if a == "age=54" { flag.as_str() } else { a }))
            .assert()
            .code(65)
            .stderr(predicate::str::contains(expected.clone()));
    }
    // TOML has no number wider than 64 bits; its floats are quoted as
    // written too.
    let toml_rest = "warning_signs = [\"none\"]\ncondition = \"knee-arthritis\"\n\
                     duration = \"over-a-year\"\nseverity = \"moderate\"\n\
                     imaging = \"moderate\"\nactive_infection = \"no\"\n\
                     health = [\"none\"]\nprior_treatments = [\"rest\"]\n";
    for age in ["52.0", "5.2e1", "1e1", "-0.0", "0x34", "+52", "1_0"] {
        let (code, stderr) =
            screen_answer_file("a.toml", &format!("{toml_rest}age = {age}\n"), &[]);
        assert_eq!(code, Some(65), "{stderr}");
        assert!(
            stderr.contains(&format!(
                "`age` must be a whole number from 0 to 120, not `{age}`"
            )),
            "TOML {age}: {stderr}"
        );
    }
    let (code, stderr) = screen_answer_file("a.toml", &format!("{toml_rest}age = 52\n"), &[]);
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn messages_repeat_a_long_given_value_cut_short() {
    let long = "z".repeat(100_000);
    let output = candidacy()
        .args(COMPLETE)
        .arg("-a")
        .arg(format!("condition={long}"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(65));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains(&format!("`{}…`", "z".repeat(60))),
        "{stderr}"
    );
    assert!(stderr.len() < 1000, "{} bytes", stderr.len());
    let (code, stderr) = screen_answer_file("long.json", &format!("{{\"{long}\": 1}}"), &[]);
    assert_eq!(code, Some(65));
    assert!(stderr.len() < 1000, "{} bytes", stderr.len());
    let (code, stderr) = screen_answer_file("long.toml", &format!("age = {long}\n"), &[]);
    assert_eq!(code, Some(65));
    assert!(stderr.len() < 1000, "{stderr}");
}

#[test]
fn an_endless_answer_file_is_refused_with_flat_memory() {
    candidacy()
        .args(["--answers", "/dev/zero"])
        .assert()
        .code(65)
        .stderr(predicate::str::contains(
            "in `/dev/zero`: the file is larger than 1048576 bytes, the most that is read",
        ));
}

/// The examples `--help` prints, each with its continuation lines joined.
fn help_examples() -> Vec<String> {
    let help = candidacy().arg("--help").output().unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    let examples = help
        .split_once("Examples:")
        .and_then(|(_, rest)| rest.split_once("Exit codes:"))
        .map(|(examples, _)| examples)
        .expect("--help has an Examples section");
    let mut commands = Vec::new();
    let mut current = String::new();
    for line in examples.lines().map(str::trim) {
        if current.is_empty() && !line.starts_with("candidacy") {
            continue;
        }
        let (part, more) = match line.strip_suffix('\\') {
            Some(part) => (part, true),
            None => (line, false),
        };
        current.push_str(part);
        current.push(' ');
        if !more {
            commands.push(current.trim().to_owned());
            current.clear();
        }
    }
    commands
}

#[test]
fn every_help_example_names_real_files_and_those_without_a_terminal_run() {
    let commands = help_examples();
    assert!(commands.len() >= 8, "{commands:?}");
    let mut ran = 0;
    for command in &commands {
        let words: Vec<&str> = command.split_whitespace().skip(1).collect();
        for pair in words.windows(2) {
            if pair[0] == "--answers" {
                let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(pair[1]);
                assert!(path.is_file(), "{command}: {} is missing", pair[1]);
            }
        }
        // Those that need a terminal (an interview, whole or in part) or
        // write a file are left to the interview and saving tests.
        let complete = words.iter().any(|w| w.starts_with("--answer"))
            && !command.contains("partial")
            && !words.contains(&"-o")
            && !words.contains(&"--output");
        if complete {
            let output = candidacy().args(&words).write_stdin("").output().unwrap();
            assert_eq!(
                output.status.code(),
                Some(0),
                "{command}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            ran += 1;
        }
    }
    assert!(ran >= 4, "{commands:?}");
}

#[test]
fn rules_check_fails_on_a_rule_set_too_large_to_analyse() {
    // A several-choice question of 17 options: more than the analysis
    // enumerates, so nothing about gaps or contradictions can be said.
    let mut question = String::from(
        "[[question]]\nid = \"many\"\nkind = \"multi\"\nprompt = \"Which?\"\nhelp = \"Any.\"\n",
    );
    for i in 0..17 {
        question.push_str(&format!(
            "[[question.option]]\nid = \"o{i}\"\nlabel = \"O{i}\"\n"
        ));
    }
    question.push_str("\n[[rule]]\nid = \"nothing-tried-yet\"");
    let dir = broken_rules(
        "treatments.toml",
        "[[rule]]\nid = \"nothing-tried-yet\"",
        &question,
    );
    let output = rules_check(dir.path(), &[]);
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(78), "{stdout}");
    assert!(
        stdout.contains("error[too-large]: the answer space is too large to analyse exhaustively"),
        "{stdout}"
    );
}

#[test]
fn every_summary_opens_with_the_action_then_the_outcome() {
    for (file, action) in [
        (
            "back-pain-warning-signs.toml",
            "Go to an emergency room now, or call for an ambulance.",
        ),
        (
            "knee-moderate.toml",
            "If you want to go ahead, book an evaluation with a clinician.",
        ),
        (
            "unsure-severity.toml",
            "Talk to a clinician before you book anything.",
        ),
        (
            "active-infection.toml",
            "Hold off on booking for now. Talk to a clinician about your answers.",
        ),
    ] {
        let path = example(file);
        let path = path.to_str().unwrap();
        let summary = json(&["--answers", path]);
        assert_eq!(summary["action"], action, "{file}");
        let run = |format: &str| {
            let output = candidacy()
                .args(["--answers", path, "--format", format])
                .output()
                .unwrap();
            String::from_utf8(output.stdout).unwrap()
        };
        let text = run("text");
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some(action), "{file}");
        assert!(lines.next().unwrap().starts_with("Outcome: "), "{file}");
        // In the documents too, the action comes before the outcome.
        for format in ["markdown", "html", "fhir"] {
            let out = run(format);
            let at = out
                .find(action)
                .unwrap_or_else(|| panic!("{file} {format}"));
            let outcome = out.find("Outcome: ").unwrap();
            assert!(at < outcome, "{file} {format}");
        }
    }
    // With a sign of an emergency and a fever, the emergency decides the
    // first line: the rules put the most urgent first.
    for (signs, first) in [
        (
            "warning_signs=fever,saddle-numbness",
            "Go to an emergency room now",
        ),
        (
            "warning_signs=fever",
            "See a doctor today about your fever.",
        ),
    ] {
        let output = candidacy()
            .args(["--answer", signs])
            .write_stdin("")
            .output()
            .unwrap();
        let text = String::from_utf8(output.stdout).unwrap();
        assert!(text.starts_with(first), "{signs}: {text}");
    }
}

#[test]
fn the_plain_summary_puts_each_statement_and_citation_on_its_own_line() {
    let path = example("knee-moderate.toml");
    let output = candidacy()
        .args(["--plain", "--details", "--answers", path.to_str().unwrap()])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    // Nothing joined by stray punctuation for a screen reader to read out.
    assert!(!text.contains("; ;") && !text.contains(".;"), "{text}");
    let lines: Vec<&str> = text.lines().collect();
    let quote = lines
        .iter()
        .position(|l| {
            l.starts_with(
                "Defiage blog post (clinic marketing, not evidence): “Knee osteoarthritis”",
            )
        })
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        lines[quote - 1].ends_with("found moderate damage."),
        "{text}"
    );
}

#[test]
fn the_time_made_is_in_the_local_time_zone() {
    // A Houston front desk: the summary says CST (or CDT), and JSON keeps
    // the offset.
    let path = example("knee-moderate.toml");
    let run = |format: &str| {
        let output = candidacy()
            .env("TZ", "America/Chicago")
            .args(["--answers", path.to_str().unwrap(), "--format", format])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0));
        String::from_utf8(output.stdout).unwrap()
    };
    let text = run("text");
    assert!(
        text.contains(" CST by candidacy") || text.contains(" CDT by candidacy"),
        "{text}"
    );
    assert!(!text.contains(" UTC by candidacy"), "{text}");
    let summary: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    let created = summary["created"].as_str().unwrap();
    assert!(
        created.ends_with("-06:00") || created.ends_with("-05:00"),
        "{created}"
    );
    // The made line shows the same local date and time as `created`.
    let (date, time) = (&created[..10], &created[11..16]);
    assert!(
        text.contains(&format!("Made on {date} at {time} C")),
        "{created}: {text}"
    );
}

#[test]
fn the_urgent_handout_puts_where_to_get_care_above_the_disclaimer() {
    let path = example("back-pain-warning-signs.toml");
    let output = candidacy()
        .args(["--answers", path.to_str().unwrap(), "--format", "html"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let page = String::from_utf8(output.stdout).unwrap();
    let body = page.split_once("<body>").unwrap().1;
    let action = body.find("<p class=\"action\">").unwrap();
    let outcome = body.find("<section class=\"outcome urgent-care\"").unwrap();
    let urgent = body.find("<section class=\"why urgent\">").unwrap();
    let disclaimer = body.find("<p class=\"disclaimer\">").unwrap();
    assert!(
        action < outcome && outcome < urgent && urgent < disclaimer,
        "{body}"
    );
    assert!(body[action..outcome].contains("Go to an emergency room now"));
    // The reason names the signs that need care now.
    assert!(
        body[urgent..disclaimer].contains("groin numbness or weak legs need care now"),
        "{body}"
    );
}

/// Five health conditions the clinician must know about: five reasons.
/// The short summary lists three and counts the other two, which the
/// details show; none is dropped without a word.
#[test]
fn the_short_summary_lists_at_most_four_reasons_and_counts_the_rest_the_handout_all() {
    let run = |extra: &[&str]| {
        knee_summary(
            &[(
                "health",
                "blood-thinner,bleeding-disorder,cancer,pregnant,immune-medicine",
            )],
            extra,
        )
    };
    let json: serde_json::Value = serde_json::from_str(&run(&["--format", "json"])).unwrap();
    let reasons: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["level"] == "clinician-review")
        .map(|f| f["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons.len(), 5, "{json}");
    let text = run(&[]);
    // The list items under "Why", their wrapped lines joined.
    let mut listed: Vec<String> = Vec::new();
    for line in text.split_once("Why\n---\n").unwrap().1.lines() {
        if let Some(item) = line.strip_prefix("- ") {
            listed.push(item.to_owned());
        } else if line.starts_with("  From:") || line.is_empty() {
            break;
        } else if let Some(last) = listed.last_mut() {
            last.push(' ');
            last.push_str(line.trim_start());
        }
    }
    assert_eq!(listed.len(), 4, "{text}");
    assert_eq!(listed[..3], reasons[..3], "{text}");
    assert_eq!(listed[3], "And 2 more, in the details.");
    // The printed handout has no details to turn to: it lists every reason,
    // above its closed block of details.
    let page = run(&["--format", "html"]);
    let short = page.split_once("<details").unwrap().0;
    for reason in &reasons {
        assert!(
            short.contains(&format!("<li>{reason}</li>")),
            "{reason}: {short}"
        );
    }
    assert!(!short.contains("more, in the details"), "{short}");
    let details = run(&["--details", "--format", "markdown"]);
    let joined = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    for finding in json["findings"].as_array().unwrap() {
        if finding["level"] == "clinician-review" {
            assert!(
                joined(&details).contains(&joined(finding["message"].as_str().unwrap())),
                "{details}"
            );
        }
    }
}

/// Under "Why", what the clinician must know (a health condition trials
/// left out, `priority = 1`) comes before what is merely not known, though
/// the rule files list it later.
#[test]
fn the_short_summary_lists_what_the_clinician_must_know_first() {
    let run =
        |extra: &[&str]| knee_summary(&[("duration", "unsure"), ("health", "pregnant")], extra);
    let json: serde_json::Value = serde_json::from_str(&run(&["--format", "json"])).unwrap();
    let rules: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    let at = |id: &str| rules.iter().position(|r| *r == id).unwrap();
    assert!(at("duration-unsure") < at("health-pregnant"), "{rules:?}");
    let reason = |id: &str| {
        json["findings"][at(id)]["reason"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let text = run(&[]);
    let position = |reason: &str| {
        text.find(reason)
            .unwrap_or_else(|| panic!("{reason}: {text}"))
    };
    assert!(
        position(&reason("health-pregnant")) < position(&reason("duration-unsure")),
        "{text}"
    );
}

/// The reason for the outcome comes first: an active infection (the
/// sources point to waiting) before a blood thinner (a clinician review),
/// though the blood thinner has the higher priority.
#[test]
fn the_short_summary_lists_the_most_serious_reason_first_whatever_its_priority() {
    let run = |extra: &[&str]| {
        knee_summary(
            &[("active_infection", "yes"), ("health", "blood-thinner")],
            extra,
        )
    };
    let json: serde_json::Value = serde_json::from_str(&run(&["--format", "json"])).unwrap();
    assert_eq!(json["outcome"], "not-suitable-now");
    let reason = |id: &str| {
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == id)
            .and_then(|f| f["reason"].as_str())
            .unwrap()
            .to_owned()
    };
    let text = run(&[]);
    let infection = text.find(&reason("active-infection")).unwrap();
    let thinner = text.find(&reason("health-blood-thinner")).unwrap();
    assert!(infection < thinner, "{text}");
}

/// The summary of the knee example's answers with `changes` made, in the
/// format `extra` asks for; it must exit 0.
fn knee_summary(changes: &[(&str, &str)], extra: &[&str]) -> String {
    let output = candidacy()
        .args(common::knee_flags_with(changes))
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{changes:?} {extra:?}");
    String::from_utf8(output.stdout).unwrap()
}
