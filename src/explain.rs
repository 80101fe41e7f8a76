//! `screen --explain`: why the outcome is what it is. For every rule,
//! whether it matched and, if not, the first test that failed with the
//! actual answer; then the smallest changes of one answer that would move
//! the outcome to another level. Pure, like the evaluator it calls.

use crate::analysis::representatives;
use crate::answers::{AnswerSet, Answers, Value};
use crate::evaluate::{Assessment, evaluate};
use crate::level::Level;
use crate::ruleset::{Matcher, Rule, RuleSet};

/// One rule's result.
#[derive(Debug, Clone)]
pub struct Trace<'r> {
    /// The rule.
    pub rule: &'r Rule,
    /// The first test that failed, or `None` when the rule matched.
    pub failed: Option<&'r Matcher>,
}

/// A change of one answer that moves the outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Index of the question.
    pub question: usize,
    /// The other answer, the smallest change that reaches `outcome`.
    pub value: Value,
    /// The outcome with that answer.
    pub outcome: Level,
}

/// The explanation of one assessment.
#[derive(Debug, Clone)]
pub struct Explanation<'r> {
    /// Every rule, in rule order.
    pub traces: Vec<Trace<'r>>,
    /// For each question and each other outcome reachable by changing that
    /// answer alone, the smallest such change; in question order, most
    /// serious outcome first.
    pub changes: Vec<Change>,
}

/// Explains `assessment`, the evaluation of `answers` against `rules`.
pub fn explain<'r>(
    rules: &'r RuleSet,
    answers: &AnswerSet,
    assessment: &Assessment<'r>,
) -> Explanation<'r> {
    let traces = rules
        .rules
        .iter()
        .map(|rule| Trace {
            rule,
            failed: rule.first_failing(answers),
        })
        .collect();
    let mut changes = Vec::new();
    for question in 0..rules.questions.len() {
        // A question too large to enumerate offers no changes.
        let Ok((values, bands)) = representatives(rules, question) else {
            continue;
        };
        let current = *answers.value(question);
        // A question that was not asked has no answer to change.
        if !current.is_given() {
            continue;
        }
        let candidates: Vec<Value> = match current {
            // The nearest number in every other band.
            Value::Number(n) => bands
                .iter()
                .filter(|(low, high)| !(low..=high).contains(&&n))
                .map(|(low, high)| Value::Number(n.clamp(*low, *high)))
                .collect(),
            _ => values.into_iter().filter(|v| *v != current).collect(),
        };
        // (outcome, distance, value): keep the smallest change per outcome.
        let mut best: Vec<(Level, u64, Value)> = Vec::new();
        for value in candidates {
            let changed = answers.with(question, value);
            // A change that would open questions not answered (no warning
            // sign after all) is not a change of one answer.
            if opens_questions(rules, &changed) {
                continue;
            }
            let outcome = evaluate(rules, &changed).outcome;
            if outcome == assessment.outcome {
                continue;
            }
            let distance = distance(current, value);
            match best.iter_mut().find(|(level, ..)| *level == outcome) {
                Some(slot) if distance < slot.1 => *slot = (outcome, distance, value),
                Some(_) => {}
                None => best.push((outcome, distance, value)),
            }
        }
        best.sort_by_key(|(level, ..)| *level);
        changes.extend(best.into_iter().map(|(outcome, _, value)| Change {
            question,
            value,
            outcome,
        }));
    }
    Explanation { traces, changes }
}

/// Whether some question of `answers` is not answered although its
/// `ask_when` holds on them.
fn opens_questions(rules: &RuleSet, answers: &AnswerSet) -> bool {
    let mut given = Answers::new(rules);
    for (i, value) in answers.values().iter().enumerate() {
        if value.is_given() {
            given.set(i, *value);
        }
    }
    !given.missing(rules).is_empty()
}

/// How far apart two answers to one question are: how many options are
/// added or removed, or how many years apart.
fn distance(a: Value, b: Value) -> u64 {
    match (a, b) {
        (Value::Several(x), Value::Several(y)) => x
            .iter()
            .filter(|&i| !y.contains(i))
            .chain(y.iter().filter(|&i| !x.contains(i)))
            .count() as u64,
        (Value::Number(x), Value::Number(y)) => x.abs_diff(y),
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(rules: &RuleSet, given: &[(&str, &str)]) -> AnswerSet {
        let mut answers = Answers::new(rules);
        for (k, v) in given {
            answers.give(rules, k, v).unwrap();
        }
        answers.complete(rules).unwrap()
    }

    fn changes(rules: &RuleSet, explanation: &Explanation<'_>) -> Vec<String> {
        explanation
            .changes
            .iter()
            .map(|c| {
                let q = &rules.questions[c.question];
                format!("{}={}: {}", q.id, c.value.id_text(q), c.outcome)
            })
            .collect()
    }

    #[test]
    fn an_infection_explained() {
        let rules = RuleSet::embedded().unwrap();
        let answers = answers(
            &rules,
            &[
                ("warning_signs", "none"),
                ("condition", "knee-arthritis"),
                ("duration", "over-a-year"),
                ("severity", "moderate"),
                ("imaging", "moderate"),
                ("age", "54"),
                ("active_infection", "yes"),
                ("health", "none"),
                ("prior_treatments", "rest"),
            ],
        );
        let assessment = evaluate(&rules, &answers);
        let explanation = explain(&rules, &answers, &assessment);
        let trace = |id: &str| explanation.traces.iter().find(|t| t.rule.id == id).unwrap();
        assert!(trace("active-infection").failed.is_none());
        let failed = trace("defiage-knee-osteoarthritis").failed.unwrap();
        assert_eq!(failed.describe(&rules), "active_infection is no");
        assert_eq!(explanation.traces.len(), rules.rules.len());
        // A warning sign or the infection answer moves this outcome; most
        // serious first.
        assert_eq!(
            changes(&rules, &explanation),
            [
                "warning_signs=hot-swollen-joint: urgent-care",
                "active_infection=unsure: clinician-review",
                "active_infection=no: may-be-suitable",
            ]
        );
    }

    #[test]
    fn the_nearest_age_and_the_smallest_treatment_change_are_offered() {
        let rules = RuleSet::embedded().unwrap();
        let answers = answers(
            &rules,
            &[
                ("warning_signs", "none"),
                ("condition", "sports-injury"),
                ("duration", "3-to-12-months"),
                ("severity", "moderate"),
                ("imaging", "moderate"),
                ("age", "16"),
                ("active_infection", "no"),
                ("health", "none"),
                ("prior_treatments", "rest"),
            ],
        );
        let assessment = evaluate(&rules, &answers);
        assert_eq!(assessment.outcome, Level::ClinicianReview);
        let found = changes(&rules, &explain(&rules, &answers, &assessment));
        assert!(
            found.contains(&"age=18: may-be-suitable".to_owned()),
            "{found:?}"
        );
        assert!(
            found.contains(&"active_infection=yes: not-suitable-now".to_owned()),
            "{found:?}"
        );
        // At 16 nothing about treatments changes the outcome.
        assert!(
            !found.iter().any(|c| c.starts_with("prior_treatments")),
            "{found:?}"
        );

        let adult = answers.with(rules.question_index("age").unwrap(), Value::Number(30));
        let assessment = evaluate(&rules, &adult);
        assert_eq!(assessment.outcome, Level::MayBeSuitable);
        let found = changes(&rules, &explain(&rules, &adult, &assessment));
        // From `rest`, two steps (drop it, add another): of the answers that
        // tie, the first in option order.
        assert!(
            found.contains(&"prior_treatments=medication: clinician-review".to_owned()),
            "{found:?}"
        );
        assert!(
            found.contains(&"age=17: clinician-review".to_owned()),
            "{found:?}"
        );
    }

    #[test]
    fn no_change_is_offered_to_a_question_not_asked_or_one_that_would_open_others() {
        // In the built-in set every question after the warning signs is
        // asked only without a sign.
        let rules = RuleSet::embedded().unwrap();
        let signs = rules.question_index("warning_signs").unwrap();
        assert!(
            rules.questions[signs + 1..]
                .iter()
                .all(|q| q.ask_when.iter().any(|m| m.question == signs))
        );
        let answers = answers(&rules, &[("warning_signs", "fever")]);
        let assessment = evaluate(&rules, &answers);
        assert_eq!(assessment.outcome, Level::UrgentCare);
        let explanation = explain(&rules, &answers, &assessment);
        // Only other warning signs, none of which moves the outcome: no
        // change of a therapy answer, and no "none" that would open them.
        assert_eq!(changes(&rules, &explanation), Vec::<String>::new());
        // The traces show each therapy rule failing on a question not asked.
        let condition_rule = explanation
            .traces
            .iter()
            .find(|t| t.rule.id == "condition-not-listed")
            .unwrap();
        let failed = condition_rule.failed.unwrap();
        assert!(!answers.value(failed.question).is_given());
    }
}
