//! Branching questions (`ask_when`): a question is asked only when its
//! matchers hold on the answers to earlier questions. Branching decides what
//! is asked and required, never what is evaluated, and no unasked question
//! can open the way to a pass.
#![allow(clippy::unwrap_used)] // a panic is how a test reports failure

mod common;

use std::path::Path;

use assert_cmd::cargo::cargo_bin_cmd;
use candidacy::answers::{Answers, Value};
use candidacy::evaluate::{Fallback, evaluate};
use candidacy::level::Level;
use candidacy::ruleset::{Asked, LoadError, RuleFile, RuleSet};

/// The built-in rule files and one more, `zz-extra.toml` (files load in
/// name order, so its questions come after the built-in ones).
fn with_extra(extra: &str) -> Result<RuleSet, LoadError> {
    let mut files = RuleSet::embedded_files();
    files.push(RuleFile {
        name: "zz-extra.toml".to_owned(),
        text: extra.to_owned(),
    });
    RuleSet::from_files(files)
}

fn loaded(extra: &str) -> RuleSet {
    with_extra(extra).unwrap_or_else(|e| panic!("{e}"))
}

fn refused(extra: &str) -> String {
    match with_extra(extra) {
        Err(e) => e.to_string(),
        Ok(_) => panic!("loaded: {extra}"),
    }
}

/// A yes/no question `id`, asked when `ask_when` (TOML) holds.
fn question(id: &str, ask_when: &str) -> String {
    format!(
        "[[question]]\nid = \"{id}\"\nkind = \"choice\"\nprompt = \"Is it so?\"\nhelp = \"Say.\"\n\
         {ask_when}\n\
         [[question.option]]\nid = \"yes\"\nlabel = \"Yes\"\n\
         [[question.option]]\nid = \"no\"\nlabel = \"No\"\n"
    )
}

/// A clinician-review rule `id` with the `when` lines given.
fn caution(id: &str, when: &str) -> String {
    format!(
        "[[rule]]\nid = \"{id}\"\nlevel = \"clinician-review\"\n\
         message = \"The Defiage blog post speaks of this.\"\n{when}\n\
         cite = [{{ source = \"defiage\", quote = \"Knee osteoarthritis\" }}]\n"
    )
}

fn given(rules: &RuleSet, pairs: &[(&str, &str)]) -> Answers {
    let mut answers = Answers::new(rules);
    for (key, value) in pairs {
        answers.give(rules, key, value).expect("a valid answer");
    }
    answers
}

/// Every built-in question answered as in `examples/knee-moderate.toml`
/// (a pass), plus `extra`.
fn knee(rules: &RuleSet, extra: &[(&str, &str)]) -> Answers {
    let mut pairs = vec![
        ("warning_signs", "none"),
        ("condition", "knee-arthritis"),
        ("duration", "over-a-year"),
        ("severity", "moderate"),
        ("imaging", "moderate"),
        ("age", "54"),
        ("active_infection", "no"),
        ("health", "none"),
        ("prior_treatments", "rest,physical-therapy"),
    ];
    pairs.extend_from_slice(extra);
    given(rules, &pairs)
}

#[test]
fn an_ask_when_may_only_depend_on_earlier_questions() {
    // On itself, and on a question asked after it.
    let message = refused(&question(
        "follow_up",
        "ask_when.follow_up = { in = [\"yes\"] }",
    ));
    assert!(
        message.contains(
            "the `ask_when` of question `follow_up` refers to `follow_up`, which is not asked before it"
        ),
        "{message}"
    );
    let message = refused(&format!(
        "{}{}",
        question("first", "ask_when.second = { in = [\"yes\"] }"),
        question("second", "")
    ));
    assert!(
        message.contains("refers to `second`, which is not asked before it"),
        "{message}"
    );
    // An unknown question, a test of the wrong kind, an empty ask_when.
    let message = refused(&question("q", "ask_when.nothing = { in = [\"yes\"] }"));
    assert!(
        message.contains("unknown question `nothing` in the `ask_when` of question `q`"),
        "{message}"
    );
    let message = refused(&question("q", "ask_when.age = { in = [\"yes\"] }"));
    assert!(message.contains("age"), "{message}");
    let message = refused(&question("q", "ask_when = {}"));
    assert!(message.contains("has an empty `ask_when`"), "{message}");
    // Earlier questions are fine.
    let rules = loaded(&question(
        "q",
        "ask_when.condition = { in = [\"other\"] }\nask_when.age = { min = 18 }",
    ));
    let q = rules.question_index("q").unwrap();
    assert_eq!(rules.questions[q].ask_when.len(), 2);
}

#[test]
fn the_warning_sign_question_cannot_be_made_conditional() {
    let dir = tempfile::tempdir().unwrap();
    copy_rules(dir.path());
    let path = dir.path().join("safety.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text.replacen(
        "asked_first = true\n",
        "asked_first = true\nask_when.warning_signs = { any = [\"none\"] }\n",
        1,
    );
    std::fs::write(&path, text).unwrap();
    let output = cargo_bin_cmd!("candidacy")
        .args(["rules", "check"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(78));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("question `warning_signs` is asked first, so it is always asked"),
        "{stderr}"
    );
}

#[test]
fn a_question_is_asked_only_when_its_ask_when_holds_on_earlier_answers() {
    let rules = loaded(&question(
        "follow_up",
        "ask_when.condition = { in = [\"other\"] }",
    ));
    let q = rules.question_index("follow_up").unwrap();
    let condition = rules.question_index("condition").unwrap();
    // Not decided while the condition is open: it is still missing.
    let open = Answers::new(&rules);
    assert_eq!(rules.asked(&open)[q], Asked::NotYet);
    assert!(open.missing(&rules).contains(&q));
    // Asked for "other", not for a knee.
    let other = given(&rules, &[("condition", "other")]);
    assert_eq!(rules.asked(&other)[q], Asked::Yes);
    assert!(other.missing(&rules).contains(&q));
    let answers = knee(&rules, &[]);
    assert_eq!(rules.asked(&answers)[q], Asked::No);
    assert_eq!(answers.missing(&rules), Vec::<usize>::new());
    let complete = answers.complete(&rules).unwrap();
    assert_eq!(*complete.value(q), Value::Unasked);
    assert!(complete.value(condition).is_given());
    // Every question without an ask_when (the warning signs) is always
    // asked; the others wait for the answers they depend on.
    let asked = rules.asked(&Answers::new(&rules));
    assert_eq!(
        asked[rules.question_index("warning_signs").unwrap()],
        Asked::Yes
    );
    for (i, question) in rules.questions.iter().enumerate() {
        let expected = if question.ask_when.is_empty() {
            Asked::Yes
        } else {
            Asked::NotYet
        };
        assert_eq!(asked[i], expected, "{}", question.id);
    }
}

#[test]
fn an_answer_to_a_question_not_asked_is_still_checked_and_evaluated() {
    let extra = format!(
        "{}{}",
        question("follow_up", "ask_when.condition = { in = [\"other\"] }"),
        caution("follow-up-yes", "when.follow_up = { in = [\"yes\"] }"),
    );
    let rules = loaded(&extra);
    // Given for a knee, where it would not be asked: it counts.
    let answers = knee(&rules, &[("follow_up", "yes")])
        .complete(&rules)
        .unwrap();
    let assessment = evaluate(&rules, &answers);
    assert!(
        assessment.findings.iter().any(|r| r.id == "follow-up-yes"),
        "the given answer was evaluated"
    );
    assert_eq!(assessment.outcome, Level::ClinicianReview);
    // And it is checked like any answer.
    let mut answers = knee(&rules, &[]);
    assert!(answers.give(&rules, "follow_up", "maybe").is_err());
}

#[test]
fn a_pass_that_an_unasked_question_could_have_stopped_goes_to_a_clinician() {
    // A caution on the unasked question alone: asking it could have
    // stopped the pass, so the pass does not stand.
    let extra = format!(
        "{}{}",
        question("follow_up", "ask_when.condition = { in = [\"other\"] }"),
        caution("follow-up-yes", "when.follow_up = { in = [\"yes\"] }"),
    );
    let rules = loaded(&extra);
    let answers = knee(&rules, &[]).complete(&rules).unwrap();
    let assessment = evaluate(&rules, &answers);
    assert_eq!(assessment.outcome, Level::ClinicianReview);
    assert_eq!(assessment.fallback, Some(Fallback::UnaskedQuestion));
    assert_eq!(Fallback::UnaskedQuestion.id(), "unasked-question");
    assert!(
        assessment
            .findings
            .iter()
            .any(|r| r.id == "defiage-knee-osteoarthritis"),
        "the pass is still shown as a finding"
    );

    // A caution that could only fire where the question is asked (it also
    // needs condition=other): skipping the question changes nothing.
    let extra = format!(
        "{}{}",
        question("follow_up", "ask_when.condition = { in = [\"other\"] }"),
        caution(
            "follow-up-yes",
            "when.follow_up = { in = [\"yes\"] }\nwhen.condition = { in = [\"other\"] }"
        ),
    );
    let rules = loaded(&extra);
    let answers = knee(&rules, &[]).complete(&rules).unwrap();
    let assessment = evaluate(&rules, &answers);
    assert_eq!(assessment.outcome, Level::MayBeSuitable);
    assert_eq!(assessment.fallback, None);
    // A caution no answer could satisfy: the evaluator's unit tests
    // (`a_caution_no_answer_could_satisfy_does_not`).
}

/// `rules/` copied into `dir`.
fn copy_rules(dir: &Path) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    for entry in std::fs::read_dir(&root).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
        }
    }
}

/// A rule folder where the infection question is asked only for a
/// condition neither source lists.
fn infection_only_for_other() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_rules(dir.path());
    let path = dir.path().join("questionnaire.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let built_in = "id = \"active_infection\"\nask_when.warning_signs = { any = [\"none\"] }\n";
    assert!(text.contains(built_in));
    let text = text.replacen(
        built_in,
        &format!("{built_in}ask_when.condition = {{ in = [\"other\"] }}\n"),
        1,
    );
    std::fs::write(&path, text).unwrap();
    dir
}

#[test]
fn the_plain_interview_skips_a_question_whose_ask_when_fails_and_counts_it_out() {
    let dir = infection_only_for_other();
    // Warning signs: none (8); condition: knee (1); duration: over a year
    // (4); severity: moderate (2); imaging: moderate (2); age 54; health:
    // none (9); treatments: rest. No infection question; confirm the review.
    let output = cargo_bin_cmd!("candidacy")
        .arg("--plain")
        .arg("--rules")
        .arg(dir.path())
        .write_stdin("8\n1\n4\n2\n2\n54\n9\n1\n\n")
        .output()
        .unwrap();
    let screen = String::from_utf8(output.stderr).unwrap();
    let summary = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(0), "{screen}");
    assert!(
        !screen.contains("Do you have an infection right now?"),
        "not asked: {screen}"
    );
    assert!(
        screen.contains("Question 8 of 8: What have you already tried"),
        "the count leaves it out: {screen}"
    );
    assert!(
        !summary.contains("Do you have an infection right now?"),
        "an unasked question is not listed among the answers: {summary}"
    );

    // For "other" it is asked (and imaging is not).
    let output = cargo_bin_cmd!("candidacy")
        .arg("--plain")
        .arg("--rules")
        .arg(dir.path())
        .write_stdin("8\n11\n4\n2\n54\n2\n9\n1\n\n")
        .output()
        .unwrap();
    let screen = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(0), "{screen}");
    assert!(
        screen.contains("Question 6 of 8: Do you have an infection right now?"),
        "{screen}"
    );
}

#[test]
fn answers_from_flags_and_batch_need_only_the_questions_asked() {
    let dir = infection_only_for_other();
    let flags = [
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
        "health=none",
        "-a",
        "prior_treatments=rest",
    ];
    let output = cargo_bin_cmd!("candidacy")
        .arg("--rules")
        .arg(dir.path())
        .args(flags)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    // Every pass rule needs an answer to the infection question, so with
    // it unasked no rule decides, and the case goes to a clinician.
    assert_eq!(json["outcome"], "clinician-review");
    assert_eq!(json["fallback"], "no-rule-matched");
    assert!(
        json["answers"].get("active_infection").is_none(),
        "an unasked question has no answer in JSON: {}",
        json["answers"]
    );
    // The same in a batch; "other" without the infection answer is missing it.
    let input = "{\"warning_signs\":[\"none\"],\"condition\":\"knee-arthritis\",\"duration\":\"over-a-year\",\"severity\":\"moderate\",\"imaging\":\"moderate\",\"age\":54,\"health\":[\"none\"],\"prior_treatments\":[\"rest\"]}\n\
                 {\"warning_signs\":[\"none\"],\"condition\":\"other\",\"duration\":\"over-a-year\",\"severity\":\"moderate\",\"age\":54,\"health\":[\"none\"],\"prior_treatments\":[\"rest\"]}\n";
    let output = cargo_bin_cmd!("candidacy")
        .args(["batch", "--rules"])
        .arg(dir.path())
        .arg("-")
        .write_stdin(input)
        .output()
        .unwrap();
    let results = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = results.lines().collect();
    assert_eq!(lines.len(), 2, "{results}");
    assert!(
        lines[0].contains("\"outcome\":\"clinician-review\""),
        "{results}"
    );
    assert!(
        lines[1].contains("\"error\":\"missing answers: active_infection\""),
        "{results}"
    );
}
