//! What several integration test files share: the example answer files.
#![allow(dead_code)] // each test file uses its own part

use std::path::PathBuf;

/// Every answer file in `examples/` with a documented outcome (the README's
/// table), one per outcome and the awkward cases.
pub const EXAMPLES: [&str; 6] = [
    "back-pain-warning-signs.toml",
    "knee-moderate.toml",
    "knee-severe.json",
    "active-infection.toml",
    "unsure-severity.toml",
    "teen-sports-injury.toml",
];

/// The path of `examples/<name>`.
pub fn example(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
}

/// Whether the tests run on CI (`CI` set to anything but empty, `0` or
/// `false`): there, a missing tool or document fails a test instead of
/// skipping it.
pub fn on_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false")
}

/// The "not sure" answers of the built-in questionnaire, by question and
/// option id, as `rules/questionnaire.toml` writes them: the tests' own
/// oracle, independent of the evaluator's `has_unsure`.
pub const NOT_SURE: [(&str, &str); 5] = [
    ("duration", "unsure"),
    ("severity", "unsure"),
    ("imaging", "unsure"),
    ("active_infection", "unsure"),
    ("health", "unsure"),
];

/// Whether `answers` holds a "not sure" answer, decided from the option ids
/// in [`NOT_SURE`].
pub fn holds_not_sure(
    rules: &candidacy::ruleset::RuleSet,
    answers: &candidacy::answers::AnswerSet,
) -> bool {
    use candidacy::answers::Value;
    rules.questions.iter().enumerate().any(|(q, question)| {
        let chosen: Vec<usize> = match answers.value(q) {
            Value::Choice(i) => vec![*i],
            Value::Several(set) => set.iter().collect(),
            Value::Number(_) | Value::Unasked => Vec::new(),
        };
        chosen
            .iter()
            .any(|&i| NOT_SURE.contains(&(question.id.as_str(), question.options()[i].id.as_str())))
    })
}

/// The built-in rule set cut down so that only the evaluator's fallback
/// stands between a "not sure" answer and a pass: the info notes and one
/// `may-be-suitable` rule that holds whatever is answered.
pub fn one_pass_for_everything() -> &'static candidacy::ruleset::RuleSet {
    use candidacy::level::Level;
    static RULES: std::sync::OnceLock<candidacy::ruleset::RuleSet> = std::sync::OnceLock::new();
    RULES.get_or_init(|| {
        let mut rules = candidacy::ruleset::RuleSet::embedded().unwrap();
        let mut pass = rules
            .rules
            .iter()
            .find(|r| r.level == Level::MayBeSuitable)
            .unwrap()
            .clone();
        pass.when.clear();
        rules.rules.retain(|r| r.level == Level::Info);
        rules.rules.push(pass);
        rules
    })
}

/// The built-in rule set without the rules that handle a "not sure" answer
/// (any rule testing for one), and with every `may-be-suitable` rule
/// widened to accept "not sure" wherever it tests a question that has it.
pub fn passes_widened_to_not_sure() -> &'static candidacy::ruleset::RuleSet {
    use candidacy::level::Level;
    use candidacy::ruleset::{OptionSet, Test};
    static RULES: std::sync::OnceLock<candidacy::ruleset::RuleSet> = std::sync::OnceLock::new();
    RULES.get_or_init(|| {
        let mut rules = candidacy::ruleset::RuleSet::embedded().unwrap();
        let unsure: Vec<OptionSet> =
            rules
                .questions
                .iter()
                .map(|q| {
                    OptionSet::from_indices((0..q.options().len()).filter(|&i| {
                        NOT_SURE.contains(&(q.id.as_str(), q.options()[i].id.as_str()))
                    }))
                })
                .collect();
        rules.rules.retain(|r| {
            !r.when.iter().any(|m| match &m.test {
                Test::OneOf(set) => set.intersects(unsure[m.question]),
                Test::Several { any, all, .. } => {
                    any.intersects(unsure[m.question]) || all.intersects(unsure[m.question])
                }
                Test::Range { .. } => false,
            })
        });
        for rule in rules
            .rules
            .iter_mut()
            .filter(|r| r.level == Level::MayBeSuitable)
        {
            for m in &mut rule.when {
                match &mut m.test {
                    Test::OneOf(set) => {
                        *set = OptionSet::from_indices(set.iter().chain(unsure[m.question].iter()));
                    }
                    // A several-choice test that needs one of some answers
                    // ("none of these") takes "not sure" as well.
                    Test::Several { any, .. } if !any.is_empty() => {
                        *any = OptionSet::from_indices(any.iter().chain(unsure[m.question].iter()));
                    }
                    _ => {}
                }
            }
        }
        assert!(
            rules.rules.iter().any(|r| r.level == Level::MayBeSuitable),
            "passes are left"
        );
        rules
    })
}

/// Every answer of a typical person as `--answer` flags (knee arthritis for
/// over a year, moderate, moderate damage on a scan, 54, no infection, none
/// of the health conditions, rest tried): a screening that needs no
/// terminal, and one the rules pass.
/// `KNEE_FLAGS` with the answers to some questions changed
/// (`("health", "pregnant")`), as `-a` flags.
pub fn knee_flags_with(changes: &[(&str, &str)]) -> Vec<String> {
    KNEE_FLAGS
        .iter()
        .filter(|flag| **flag != "-a")
        .flat_map(|answer| {
            let (question, value) = answer.split_once('=').unwrap_or((answer, ""));
            let value = changes
                .iter()
                .find(|(q, _)| *q == question)
                .map_or(value, |(_, v)| *v);
            ["-a".to_owned(), format!("{question}={value}")]
        })
        .collect()
}

pub const KNEE_FLAGS: &[&str] = &[
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
    "prior_treatments=rest",
];
