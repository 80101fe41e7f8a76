//! Property tests of the safety invariants over random valid answer sets of
//! the built-in rule set: every answer any question accepts, in any
//! combination (the exhaustive enumeration in `tests/engine.rs` covers one
//! representative of each class; these draw the real answers, ages and
//! option combinations themselves).
#![allow(clippy::unwrap_used)] // a panic is how a test reports failure

mod tainted;

use std::sync::OnceLock;

use candidacy::answers::{AnswerSet, Answers, Value};
use candidacy::evaluate::evaluate;
use candidacy::level::Level;
use candidacy::render::{Audience, Report, json, text};
use candidacy::ruleset::{OptionSet, QuestionKind, RuleSet};
use proptest::prelude::*;

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::embedded().unwrap())
}

/// Any valid answer to each question: one option, any number in range, or
/// any non-empty combination of options that respects `exclusive`.
fn answer_sets() -> impl Strategy<Value = AnswerSet> {
    let per_question: Vec<BoxedStrategy<Value>> = rules()
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
    per_question.prop_map(|values| {
        let mut answers = Answers::new(rules());
        for (index, value) in values.into_iter().enumerate() {
            answers.set(index, value);
        }
        answers.complete().unwrap()
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

    /// Any "not sure" answer never yields "may be suitable".
    #[test]
    fn not_sure_is_never_a_pass(answers in answer_sets()) {
        let assessment = evaluate(rules(), &answers);
        if answers.has_unsure(rules()) {
            prop_assert_ne!(assessment.outcome, Level::MayBeSuitable);
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
            created: "2026-01-02T03:04:05Z",
        };
        let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let disclaimer = words(&rules().meta.disclaimer);
        let summary = text::render(&report, text::TextOptions::new(60));
        prop_assert!(words(&summary).contains(&disclaimer));
        let json: serde_json::Value = serde_json::from_str(&json::render(&report)).unwrap();
        prop_assert_eq!(json["disclaimer"].as_str(), Some(rules().meta.disclaimer.as_str()));
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
