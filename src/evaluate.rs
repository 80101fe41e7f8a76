//! The evaluator: a pure function from a rule set and a complete answer set
//! to an assessment. No I/O, no randomness, no clock.
//!
//! Invariants (tested exhaustively over the default rule set's answer space
//! in `tests/engine.rs`):
//! - the outcome is never `info`;
//! - the outcome is the most serious level among the findings, except that
//!   it is raised to `clinician-review` when no rule other than `info`
//!   matched, or when the only outcome left would be `may-be-suitable` while
//!   an answer is "not sure", or while a question that was not asked could
//!   have changed it (a more serious rule held on every answer given and
//!   waited only on unasked questions). So an unmatched or unsure case goes
//!   to a clinician whatever the rule files say, and no branch of the
//!   questionnaire can skip a question on the way to a pass.

use crate::answers::AnswerSet;
use crate::level::Level;
use crate::ruleset::{Rule, RuleSet};

/// Why the outcome was raised above what the findings say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fallback {
    /// No rule other than `info` matched.
    NoRuleMatched,
    /// Only `may-be-suitable` matched, but an answer was "not sure".
    UnsureAnswer,
    /// Only `may-be-suitable` matched, but a question that was not asked
    /// (its `ask_when` did not hold) could have changed that: a more
    /// serious rule holds on every answer given and waits only on
    /// unasked questions.
    UnaskedQuestion,
}

impl Fallback {
    /// The id used in JSON.
    pub fn id(self) -> &'static str {
        match self {
            Fallback::NoRuleMatched => "no-rule-matched",
            Fallback::UnsureAnswer => "unsure-answer",
            Fallback::UnaskedQuestion => "unasked-question",
        }
    }
}

/// The result of evaluating one answer set.
#[derive(Debug, Clone)]
pub struct Assessment<'r> {
    /// The overall level: never `info`.
    pub outcome: Level,
    /// Every matching rule, most serious first, in rule order within a level.
    pub findings: Vec<&'r Rule>,
    /// Set when the outcome was raised above the findings.
    pub fallback: Option<Fallback>,
}

impl<'r> Assessment<'r> {
    /// The findings that report a disagreement between sources.
    pub fn conflicts(&self) -> impl Iterator<Item = &'r Rule> + '_ {
        self.findings
            .iter()
            .copied()
            .filter(|r| r.conflict.is_some())
    }
}

/// Evaluates `answers` against every rule of `rules`.
pub fn evaluate<'r>(rules: &'r RuleSet, answers: &AnswerSet) -> Assessment<'r> {
    let mut findings = Vec::new();
    let (outcome, fallback) = evaluate_into(rules, answers, &mut findings);
    Assessment {
        outcome,
        findings,
        fallback,
    }
}

/// [`evaluate`] for callers that evaluate many answer sets: the findings go
/// into `findings` (cleared first), so one buffer serves every call and
/// nothing is allocated once it is large enough.
pub fn evaluate_into<'r>(
    rules: &'r RuleSet,
    answers: &AnswerSet,
    findings: &mut Vec<&'r Rule>,
) -> (Level, Option<Fallback>) {
    findings.clear();
    findings.extend(rules.rules.iter().filter(|r| r.matches(answers)));
    // Stable, so rules keep their file order within a level.
    findings.sort_by_key(|r| r.level);
    let most_serious = findings
        .iter()
        .map(|r| r.level)
        .find(|l| l.decides_outcome());
    match most_serious {
        None => (Level::ClinicianReview, Some(Fallback::NoRuleMatched)),
        Some(Level::MayBeSuitable) if answers.has_unsure(rules) => {
            (Level::ClinicianReview, Some(Fallback::UnsureAnswer))
        }
        Some(Level::MayBeSuitable)
            if answers.has_unasked() && unasked_could_matter(rules, answers) =>
        {
            (Level::ClinicianReview, Some(Fallback::UnaskedQuestion))
        }
        Some(level) => (level, None),
    }
}

/// Whether some rule more serious than a pass holds on every answer given
/// and fails only on questions that were not asked, each of which has an
/// answer its test would take: asking them could have blocked the pass.
fn unasked_could_matter(rules: &RuleSet, answers: &AnswerSet) -> bool {
    rules.rules.iter().any(|rule: &Rule| {
        rule.level < Level::MayBeSuitable
            && rule
                .when
                .iter()
                .any(|m| !answers.value(m.question).is_given())
            && rule.when.iter().all(|m| {
                let value = answers.value(m.question);
                if value.is_given() {
                    m.test.matches(value)
                } else {
                    m.test.satisfiable(&rules.questions[m.question])
                }
            })
    })
}
