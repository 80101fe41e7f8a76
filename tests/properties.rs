//! Property tests of the safety invariants over random valid answer sets of
//! the built-in rule set: every answer any question accepts, in any
//! combination (the exhaustive enumeration in `tests/engine.rs` covers one
//! representative of each class; these draw the real answers, ages and
//! option combinations themselves).
#![allow(clippy::unwrap_used)] // a panic is how a test reports failure

mod common;
mod tainted;

use std::sync::OnceLock;

use candidacy::analysis::{AnswerSpace, Classes};
use candidacy::answers::{AnswerSet, Answers, Value};
use candidacy::evaluate::{Fallback, evaluate};
use candidacy::explain::explain;
use candidacy::level::Level;
use candidacy::render::{Audience, Report, fhir, html, json, markdown, text};
use candidacy::ruleset::{Asked, OptionSet, QuestionKind, RuleSet};
use proptest::prelude::*;

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::embedded().unwrap())
}

/// Any valid answer to each question: one option, any number in range, or
/// any non-empty combination of options that respects `exclusive`; a
/// question whose `ask_when` fails on the answers before it is left
/// unasked (`Value::Unasked`) half the time, and answered anyway the other
/// half (as an answer file or a batch record may).
fn answer_sets() -> impl Strategy<Value = AnswerSet> {
    answer_sets_of(rules())
}

/// [`answer_sets`] for any rule set.
fn answer_sets_of(rules: &'static RuleSet) -> impl Strategy<Value = AnswerSet> {
    let per_question: Vec<BoxedStrategy<Value>> = rules
        .questions
        .iter()
        .map(|q| match &q.kind {
            QuestionKind::Choice(options) => (0..options.len()).prop_map(Value::Choice).boxed(),
            QuestionKind::Number { min, max } => (*min..=*max).prop_map(Value::Number).boxed(),
            QuestionKind::Multi(options) => {
                let plain: Vec<usize> = (0..options.len())
                    .filter(|&i| !options[i].exclusive)
                    .collect();
                let exclusive: Vec<usize> = (0..options.len())
                    .filter(|&i| options[i].exclusive)
                    .collect();
                let several = proptest::sample::subsequence(plain.clone(), 1..=plain.len())
                    .prop_map(|chosen| Value::Several(OptionSet::from_indices(chosen)));
                if exclusive.is_empty() {
                    several.boxed()
                } else {
                    prop_oneof![
                        proptest::sample::select(exclusive)
                            .prop_map(|i| Value::Several(OptionSet::from_indices([i]))),
                        several,
                    ]
                    .boxed()
                }
            }
        })
        .collect();
    let skips = proptest::collection::vec(any::<bool>(), rules.questions.len());
    (per_question, skips).prop_map(move |(values, skips)| {
        let mut answers = Answers::new(rules);
        for (index, value) in values.into_iter().enumerate() {
            answers.set(index, value);
        }
        // In question order: an `ask_when` looks only at earlier answers,
        // so leaving one out decides for the later ones.
        for (index, skip) in skips.into_iter().enumerate() {
            if skip && rules.asked(&answers)[index] == Asked::No {
                answers.unset(index);
            }
        }
        answers.complete(rules).unwrap()
    })
}

fn option(question: &str, id: &str) -> (usize, usize) {
    let q = rules().question_index(question).unwrap();
    (q, rules().questions[q].option_index(id).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Evaluation never panics, the outcome is the most serious finding
    /// (or clinician-review when nothing decides or an answer is "not
    /// sure"), and findings come most serious first.
    #[test]
    fn the_outcome_is_the_most_serious_finding(answers in answer_sets()) {
        let assessment = evaluate(rules(), &answers);
        let most_serious = assessment
            .findings
            .iter()
            .map(|r| r.level)
            .find(|l| l.decides_outcome());
        match assessment.fallback {
            None => prop_assert_eq!(Some(assessment.outcome), most_serious),
            Some(_) => prop_assert_eq!(assessment.outcome, Level::ClinicianReview),
        }
        prop_assert!(assessment.findings.windows(2).all(|w| w[0].level <= w[1].level));
        prop_assert_ne!(assessment.outcome, Level::Info);
    }

    /// An active infection or any warning sign never yields "may be
    /// suitable"; a warning sign always leads to urgent care.
    #[test]
    fn an_infection_or_a_warning_sign_is_never_a_pass(answers in answer_sets()) {
        let assessment = evaluate(rules(), &answers);
        let (infection, yes) = option("active_infection", "yes");
        let (signs, none) = option("warning_signs", "none");
        let any_sign = *answers.value(signs) != Value::Several(OptionSet::from_indices([none]));
        if any_sign {
            prop_assert_eq!(assessment.outcome, Level::UrgentCare);
        }
        if any_sign || *answers.value(infection) == Value::Choice(yes) {
            prop_assert_ne!(assessment.outcome, Level::MayBeSuitable);
        }
    }

    /// Any "not sure" answer never yields "may be suitable" (decided by
    /// the test's own oracle, not by the evaluator's `has_unsure`).
    #[test]
    fn not_sure_is_never_a_pass(answers in answer_sets()) {
        let assessment = evaluate(rules(), &answers);
        if common::holds_not_sure(rules(), &answers) {
            prop_assert_ne!(assessment.outcome, Level::MayBeSuitable);
        }
    }

    /// On rule sets where nothing but the evaluator's fallback stands
    /// between a "not sure" answer and a pass (a pass whatever is
    /// answered; the built-in rules with the rules on "not sure" removed
    /// and every pass widened to "not sure"), a "not sure" answer still
    /// never passes, and goes to a clinician by the fallback.
    #[test]
    fn not_sure_is_never_a_pass_when_only_the_fallback_stands_in_the_way(
        answers in answer_sets(),
        widened in any::<bool>(),
    ) {
        let rules = if widened {
            common::passes_widened_to_not_sure()
        } else {
            common::one_pass_for_everything()
        };
        let assessment = evaluate(rules, &answers);
        if common::holds_not_sure(rules, &answers) {
            prop_assert_ne!(assessment.outcome, Level::MayBeSuitable);
            if !widened {
                prop_assert_eq!(assessment.outcome, Level::ClinicianReview);
                prop_assert_eq!(assessment.fallback, Some(Fallback::UnsureAnswer));
            }
        } else if !widened {
            // Without "not sure", the pass stands: the rule set really
            // passes everything else.
            prop_assert_eq!(assessment.outcome, Level::MayBeSuitable);
        }
    }

    /// The exhaustive checks evaluate one answer set per class
    /// (`AnswerSpace::classes`): any full answer set gives the same
    /// outcome, fallback and levels of matching rules as the example of its
    /// class, and as its representative (each answer replaced by the first
    /// of its band or class).
    #[test]
    fn every_answer_set_behaves_as_its_representative(answers in answer_sets()) {
        let (space, classes) = answer_space();
        let class = classes.of(space, rules(), &answers);
        prop_assert!(class.is_some(), "{:?}", answers);
        let example = &class.unwrap().example;
        let representative = space.representative_of(rules(), &answers);
        prop_assert!(representative.is_some(), "{:?}", answers);
        let representative = representative.unwrap();
        prop_assert_eq!(
            classes.of(space, rules(), &representative).map(|c| &c.example),
            Some(example)
        );
        let ours = evaluate(rules(), &answers);
        for other in [example, &representative] {
            let theirs = evaluate(rules(), other);
            prop_assert_eq!(ours.outcome, theirs.outcome);
            prop_assert_eq!(ours.fallback, theirs.fallback);
            // A class holds the answer sets whose matching rules have the
            // same levels: the outcome's inputs, not the same rules.
            let levels = |a: &candidacy::evaluate::Assessment<'_>| {
                let mut levels: Vec<Level> = a.findings.iter().map(|r| r.level).collect();
                levels.dedup();
                levels
            };
            prop_assert_eq!(levels(&ours), levels(&theirs), "{:?} vs {:?}", answers, other);
        }
    }

    /// The disclaimer is in every summary, in every format and for every
    /// audience, whatever the outcome.
    #[test]
    fn the_disclaimer_is_always_present(answers in answer_sets(), staff in any::<bool>()) {
        let assessment = evaluate(rules(), &answers);
        let report = Report {
            rules: rules(),
            answers: &answers,
            assessment: &assessment,
            review_overdue: false,
            explanation: None,
            audience: if staff { Audience::Staff } else { Audience::Patient },
            details: false,
            created: "2026-01-02T03:04:05Z",
            zone: "UTC",
        };
        let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let disclaimer = words(&rules().meta.disclaimer);
        let summary = text::render(&report, text::TextOptions::new(60));
        prop_assert!(words(&summary).contains(&disclaimer));
        let json: serde_json::Value = serde_json::from_str(&json::render(&report)).unwrap();
        prop_assert_eq!(json["disclaimer"].as_str(), Some(rules().meta.disclaimer.as_str()));
    }
}

/// `(question, option)` indices of the built-in questionnaire.
fn options_of(question: &str, ids: &[&str]) -> (usize, Vec<usize>) {
    let q = rules().question_index(question).unwrap();
    let options = ids
        .iter()
        .map(|id| rules().questions[q].option_index(id).unwrap())
        .collect();
    (q, options)
}

/// Every option id of `question` but `except`.
fn option_ids_but(question: &str, except: &[&str]) -> Vec<&'static str> {
    let q = rules().question_index(question).unwrap();
    rules().questions[q]
        .options()
        .iter()
        .map(|o| o.id.as_str())
        .filter(|id| !except.contains(id))
        .collect()
}

/// An answer to a several-choice question: these options together.
fn several(question: &str, ids: &[&str]) -> (usize, Value) {
    let (q, options) = options_of(question, ids);
    (q, Value::Several(OptionSet::from_indices(options)))
}

/// A one-choice answer.
fn choice(question: &str, id: &str) -> (usize, Value) {
    let (q, options) = options_of(question, &[id]);
    (q, Value::Choice(options[0]))
}

/// Answers that must never end in "may be suitable", whatever else is
/// answered: a health condition trials left out (any answer but "none of
/// these", "not sure" included), "not sure" how long or what a scan found,
/// no scan for arthritis or worn cartilage, nothing tried yet, a warning
/// sign. Each is what it stands for and the answers that make it so.
fn cautions() -> impl Strategy<Value = (&'static str, Vec<(usize, Value)>)> {
    let plain_health = option_ids_but("health", &["none", "unsure"]);
    let signs = option_ids_but("warning_signs", &["none"]);
    prop_oneof![
        proptest::sample::subsequence(plain_health.clone(), 1..=plain_health.len())
            .prop_map(|ids| ("a health condition", vec![several("health", &ids)])),
        Just(("health not sure", vec![several("health", &["unsure"])])),
        Just(("duration not sure", vec![choice("duration", "unsure")])),
        Just(("imaging not sure", vec![choice("imaging", "unsure")])),
        proptest::sample::select(vec![
            "knee-arthritis",
            "hip-arthritis",
            "shoulder-arthritis",
            "cartilage-degeneration",
        ])
        .prop_map(|condition| (
            "no scan for arthritis or cartilage",
            vec![
                choice("condition", condition),
                choice("imaging", "not-checked")
            ]
        )),
        Just((
            "nothing tried yet",
            vec![several("prior_treatments", &["none"])]
        )),
        proptest::sample::subsequence(signs.clone(), 1..=signs.len())
            .prop_map(|ids| ("a warning sign", vec![several("warning_signs", &ids)])),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// The cautions of rules 2.0 never pass, whatever the other answers
    /// (and whether the questions they open are answered or not).
    #[test]
    fn the_new_cautions_are_never_a_pass(
        answers in answer_sets(),
        (what, forced) in cautions(),
    ) {
        let answers = forced
            .iter()
            .fold(answers, |answers, (q, value)| answers.with(*q, *value));
        let assessment = evaluate(rules(), &answers);
        prop_assert_ne!(assessment.outcome, Level::MayBeSuitable, "{}: {:?}", what, answers);
        if what == "a warning sign" {
            prop_assert_eq!(assessment.outcome, Level::UrgentCare);
        }
    }
}

/// The random answer sets reach the new questions and leave out the ones
/// not asked: imaging for a fracture, everything after a warning sign.
#[test]
fn the_random_answer_sets_answer_the_new_questions_and_leave_some_unasked() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = answer_sets();
    let sets: Vec<AnswerSet> = (0..2000)
        .map(|_| strategy.new_tree(&mut runner).unwrap().current())
        .collect();
    let index = |id: &str| rules().question_index(id).unwrap();
    for id in ["duration", "imaging", "health"] {
        assert!(
            sets.iter().any(|a| a.value(index(id)).is_given()),
            "{id} is answered"
        );
    }
    let (condition, fracture) = option("condition", "non-healing-fracture");
    let (signs, no_sign) = option("warning_signs", "none");
    let no_sign = Value::Several(OptionSet::from_indices([no_sign]));
    let fractures = |given: bool| {
        sets.iter().any(|a| {
            *a.value(condition) == Value::Choice(fracture)
                && *a.value(signs) == no_sign
                && a.value(index("imaging")).is_given() == given
        })
    };
    assert!(fractures(false), "imaging unasked for a fracture");
    assert!(fractures(true), "imaging answered anyway for a fracture");
    assert!(
        sets.iter()
            .any(|a| *a.value(signs) != no_sign
                && a.values()[1..].iter().all(|v| *v == Value::Unasked)),
        "a warning sign alone"
    );
    // A question that is asked is always answered.
    for answers in &sets {
        let mut given = Answers::new(rules());
        for (i, value) in answers.values().iter().enumerate() {
            if value.is_given() {
                given.set(i, *value);
            }
        }
        assert!(given.missing(rules()).is_empty(), "{answers:?}");
    }
}

/// The built-in rule set's answer space and its classes.
fn answer_space() -> &'static (AnswerSpace, Classes) {
    static SPACE: OnceLock<(AnswerSpace, Classes)> = OnceLock::new();
    SPACE.get_or_init(|| {
        let space = AnswerSpace::new(rules()).unwrap();
        let classes = space.classes(rules()).unwrap();
        (space, classes)
    })
}

/// Every summary format (text, plain text, JSON, Markdown, HTML, the FHIR
/// response) for one report, as (format, output).
fn every_summary(report: &Report<'_>) -> Vec<(&'static str, String)> {
    let mut plain = text::TextOptions::new(60);
    plain.plain = true;
    vec![
        ("text", text::render(report, text::TextOptions::new(80))),
        ("text --plain", text::render(report, plain)),
        ("json", json::render(report)),
        ("markdown", markdown::render(report)),
        ("html", html::render(report).unwrap()),
        ("fhir", fhir::response(report)),
    ]
}

/// What a person reads in `output`: for JSON, every string in it (so the
/// FHIR narrative too); markup escapes and character references undone;
/// runs of white space as one space (the text renderer wraps lines).
fn readable(format: &str, output: &str) -> String {
    fn strings(value: &serde_json::Value, out: &mut Vec<String>) {
        match value {
            serde_json::Value::String(s) => out.push(s.clone()),
            serde_json::Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
            serde_json::Value::Object(map) => map.values().for_each(|v| strings(v, out)),
            _ => {}
        }
    }
    let mut text = if format == "json" || format == "fhir" {
        let mut all = Vec::new();
        strings(&serde_json::from_str(output).unwrap(), &mut all);
        all.join("\n")
    } else {
        output.to_owned()
    };
    if format == "markdown" {
        text = text.replace('\\', "");
    }
    if format.starts_with("text") {
        // Table borders (box drawing) between the words of a cell.
        text = text.replace(|c: char| ('\u{2500}'..='\u{257f}').contains(&c), " ");
    }
    for (entity, c) in [
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", "\""),
        ("&#34;", "\""),
        ("&#39;", "'"),
        ("&#x27;", "'"),
        ("&amp;", "&"),
    ] {
        text = text.replace(entity, c);
    }
    words(&text)
}

fn words(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Every summary in every format, for both audiences, with and without
    /// `--explain`, with the review overdue or not, and whatever the
    /// outcome (fallbacks and warning signs included) carries the
    /// disclaimer, the regulator's sentence on approval (the
    /// `fda-approval-status` rule's message, as the rule set words it), the
    /// "Before you book" heading and every one of its questions, and the
    /// overdue warning exactly when the review date has passed.
    #[test]
    fn every_summary_carries_the_disclaimer_the_regulator_and_before_you_book(
        answers in answer_sets(),
        staff in any::<bool>(),
        overdue in any::<bool>(),
        explained in any::<bool>(),
        details in any::<bool>(),
    ) {
        let rules = rules();
        let assessment = evaluate(rules, &answers);
        let explanation = explain(rules, &answers, &assessment);
        let report = Report {
            rules,
            answers: &answers,
            assessment: &assessment,
            review_overdue: overdue,
            explanation: explained.then_some(&explanation),
            audience: if staff { Audience::Staff } else { Audience::Patient },
            details,
            created: "2026-01-02T03:04:05Z",
            zone: "UTC",
        };
        let regulator = rules
            .rules
            .iter()
            .find(|r| r.id == "fda-approval-status")
            .map(|r| words(&r.message));
        prop_assert!(regulator.is_some(), "the rule set has the FDA note");
        let mut needles = vec![("disclaimer", words(&rules.meta.disclaimer))];
        // A patient's urgent-care summary speaks of the signs alone: of
        // the therapy only that it can wait.
        let therapy = staff || assessment.outcome != candidacy::level::Level::UrgentCare;
        if therapy {
            needles.push(("regulator", regulator.unwrap()));
            needles.push(("heading", words(&rules.text.before_you_book_heading)));
            needles.extend(rules.before_you_book.iter().map(|a| ("before you book", words(&a.text))));
        } else {
            needles.push(("it can wait", words(&rules.text.urgent_then)));
        }
        let warning = report.overdue_line().map(|w| words(&w));
        prop_assert_eq!(warning.is_some(), overdue);
        let warning = warning.unwrap_or_else(|| {
            words(&candidacy::ruleset::fill(
                &rules.text.review_overdue,
                &[("review_by", &rules.meta.review_by)],
            ))
        });
        for (format, output) in every_summary(&report) {
            let seen = readable(format, &output);
            for (what, needle) in &needles {
                if format == "json" && matches!(*what, "heading" | "it can wait") {
                    // JSON is data: the list is under its key, with no heading.
                    prop_assert!(output.contains("\"before_you_book\""), "{}", output);
                    continue;
                }
                prop_assert!(seen.contains(needle.as_str()), "{}: no {} {:?} in {}", format, what, needle, output);
            }
            prop_assert_eq!(seen.contains(&warning), overdue, "{}: overdue warning: {}", format, output);
        }
    }
}

#[test]
fn the_made_line_shows_hours_and_minutes_in_every_format_that_shows_it() {
    let rules = rules();
    let answers = tainted::first_answers(rules);
    let assessment = evaluate(rules, &answers);
    for audience in [Audience::Patient, Audience::Staff] {
        let report = Report {
            rules,
            answers: &answers,
            assessment: &assessment,
            review_overdue: false,
            explanation: None,
            audience,
            details: false,
            created: "2026-01-02T03:04:05Z",
            zone: "UTC",
        };
        let line = report.made_line();
        assert!(
            line.contains("2026-01-02") && line.contains("03:04"),
            "{line}"
        );
        assert!(!line.contains("04:05"), "{line}");
        for (format, output) in every_summary(&report) {
            if format == "json" {
                // JSON gives the time itself, not the sentence.
                assert!(
                    output.contains("\"created\": \"2026-01-02T03:04:05Z\""),
                    "{output}"
                );
                continue;
            }
            let seen = readable(format, &output);
            assert!(
                seen.contains(&words(&line)),
                "{format}: {line:?} not in {output}"
            );
            assert!(!seen.contains("04:05 UTC"), "{format}: {output}");
        }
    }
}

/// Characters a file could use to drive a terminal or reorder what a
/// reader sees, and the line breaks and separators near them.
const HOSTILE: &[char] = &[
    '\u{0}', '\u{7}', '\u{8}', '\t', '\n', '\u{b}', '\u{c}', '\r', '\u{1b}', '\u{7f}', '\u{80}',
    '\u{85}', '\u{9b}', '\u{9f}', '\u{61c}', '\u{200e}', '\u{200f}', '\u{202a}', '\u{202b}',
    '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}', '\u{2028}',
    '<', '&', '#', '`', '*', '|', '[', ']', '\\', '"',
];

/// Text mixing ordinary characters, any Unicode character and hostile
/// ones.
fn hostile_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            3 => proptest::sample::select(HOSTILE),
            1 => any::<char>(),
            2 => proptest::char::range('a', 'z'),
        ],
        0..12,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever controls and bidirectional formatting characters rule text
    /// holds (in every string a summary can show, ids included), no format
    /// outputs a C0 control but the line break, a C1 control or a bidi
    /// control: not as written, not behind a character reference and not
    /// behind a JSON escape.
    #[test]
    fn no_format_outputs_a_control_or_bidi_character_from_input(
        before in hostile_text(),
        after in hostile_text(),
        answers in answer_sets(),
        staff in any::<bool>(),
    ) {
        let rules = tainted::tainted(rules(), &|s| format!("{before}{s}{after}"));
        let audience = if staff { Audience::Staff } else { Audience::Patient };
        for (format, output) in tainted::every_output(&rules, &answers, audience) {
            let found = tainted::forbidden_in(&output);
            prop_assert!(found.is_empty(), "{}: {:?}", format, found);
        }
    }
}
