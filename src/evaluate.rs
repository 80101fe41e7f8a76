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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answers::{Answers, DocumentFormat};

    /// The built-in rule files and one more, `zz-extra.toml` (loaded last,
    /// so its questions come after the built-in ones).
    fn with_extra(extra: &str) -> RuleSet {
        RuleSet::built_in_with(None, &[("zz-extra.toml", extra)])
            .unwrap_or_else(|e| panic!("{e}\n{extra}"))
    }

    /// A question `id` of `kind`, asked only for a condition no source
    /// lists, with the lines `body` (options or bounds).
    fn unasked(id: &str, kind: &str, body: &str) -> String {
        format!(
            "[[question]]\nid = \"{id}\"\nkind = \"{kind}\"\nprompt = \"P?\"\nhelp = \"H.\"\n\
             ask_when.condition = {{ in = [\"other\"] }}\n{body}"
        )
    }

    /// `count` options `o1`, `o2`, ..., then `none` (exclusive) if asked.
    fn options(count: usize, none: bool) -> String {
        let mut text: String = (1..=count)
            .map(|i| format!("[[question.option]]\nid = \"o{i}\"\nlabel = \"O{i}\"\n"))
            .collect();
        if none {
            text.push_str(
                "[[question.option]]\nid = \"none\"\nlabel = \"None\"\nexclusive = true\n",
            );
        }
        text
    }

    /// A several-choice question `extra` (options `a`, and `b` that stands
    /// alone), asked only for a condition no source lists, and `rules`.
    fn extra_question(rules: &str) -> RuleSet {
        with_extra(&format!(
            "{}{rules}",
            unasked(
                "extra",
                "multi",
                "[[question.option]]\nid = \"a\"\nlabel = \"A\"\n\
                 [[question.option]]\nid = \"b\"\nlabel = \"B\"\nexclusive = true\n"
            )
        ))
    }

    /// A rule `id` of `level` with the matchers `when`, and the message and
    /// citation a pass on the Defiage post needs.
    fn rule(id: &str, level: &str, when: &str) -> String {
        format!(
            "[[rule]]\nid = \"{id}\"\nlevel = \"{level}\"\n\
             message = \"The Defiage blog post says knee osteoarthritis is a common use.\"\n{when}\n\
             cite = [{{ source = \"defiage\", quote = \"Knee osteoarthritis\" }}]\n"
        )
    }

    /// A rule of `level` on question `q` alone.
    fn rule_on_q(level: &str, test: &str) -> String {
        rule("r", level, &format!("when.q = {test}"))
    }

    /// `examples/knee-moderate.toml`, a pass; the extra question not asked.
    fn knee(rules: &RuleSet) -> AnswerSet {
        let mut answers = Answers::new(rules);
        answers
            .give_document(
                rules,
                include_str!("../examples/knee-moderate.toml"),
                DocumentFormat::Toml,
            )
            .unwrap();
        answers.complete(rules).unwrap()
    }

    /// The outcome and fallback for [`knee`].
    fn outcome(rules: &RuleSet) -> (Level, Option<Fallback>) {
        let assessment = evaluate(rules, &knee(rules));
        (assessment.outcome, assessment.fallback)
    }

    const RAISED: (Level, Option<Fallback>) =
        (Level::ClinicianReview, Some(Fallback::UnaskedQuestion));
    const PASS: (Level, Option<Fallback>) = (Level::MayBeSuitable, None);

    #[test]
    fn a_caution_waiting_only_on_an_unasked_question_stops_the_pass() {
        let rules = extra_question(&rule(
            "extra-a",
            "clinician-review",
            "when.extra = { any = [\"a\"] }",
        ));
        assert_eq!(outcome(&rules), RAISED);
    }

    #[test]
    fn a_caution_that_fails_on_a_given_answer_does_not() {
        let rules = extra_question(&rule(
            "extra-a-for-a-hip",
            "clinician-review",
            "when.extra = { any = [\"a\"] }\nwhen.condition = { in = [\"hip-arthritis\"] }",
        ));
        assert_eq!(outcome(&rules), PASS);
    }

    #[test]
    fn a_caution_no_answer_could_satisfy_does_not() {
        // `b` stands alone, so no answer has both.
        let rules = extra_question(&rule(
            "extra-a-and-b",
            "clinician-review",
            "when.extra = { all = [\"a\", \"b\"] }",
        ));
        assert_eq!(outcome(&rules), PASS);
    }

    #[test]
    fn another_pass_waiting_on_an_unasked_question_does_not() {
        let rules = extra_question(&format!(
            "{}{}",
            rule(
                "extra-a-pass",
                "may-be-suitable",
                "when.extra = { any = [\"a\"] }"
            ),
            rule("extra-a-note", "info", "when.extra = { any = [\"a\"] }"),
        ));
        assert_eq!(outcome(&rules), PASS);
    }

    #[test]
    fn an_unasked_question_with_no_rule_on_it_leaves_the_pass() {
        let rules = extra_question("");
        assert_eq!(outcome(&rules), PASS);
        // And a given answer to it counts like any other.
        let mut answers = Answers::new(&rules);
        for (i, value) in knee(&rules).values().iter().enumerate() {
            if value.is_given() {
                answers.set(i, *value);
            }
        }
        answers.give(&rules, "extra", "a").unwrap();
        let answers = answers.complete(&rules).unwrap();
        assert!(!answers.has_unasked());
        assert_eq!(evaluate(&rules, &answers).outcome, Level::MayBeSuitable);
    }

    #[test]
    fn only_a_more_serious_rule_waiting_on_an_unasked_question_stops_a_pass() {
        let body = options(2, false);
        let caution = |level| {
            with_extra(&(unasked("q", "choice", &body) + &rule_on_q(level, "{ in = [\"o1\"] }")))
        };
        assert_eq!(outcome(&caution("not-suitable-now")), RAISED);
        // Another pass, or information, waiting on it changes nothing.
        assert_eq!(outcome(&caution("may-be-suitable")), PASS);
        assert_eq!(outcome(&caution("info")), PASS);
    }

    #[test]
    fn an_unasked_number_question_matters_when_its_range_can_be_answered() {
        let rules = with_extra(
            &(unasked("q", "number", "min = 0\nmax = 10\n")
                + &rule_on_q("clinician-review", "{ min = 5, max = 10 }")),
        );
        assert_eq!(outcome(&rules), RAISED);
    }

    #[test]
    fn an_unasked_several_choice_question_matters_when_some_answer_passes_its_test() {
        // Each of these is passed by exactly one answer: o1 alone, or all three.
        for test in [
            "{ none = [\"o2\", \"o3\"] }",
            "{ all = [\"o1\", \"o2\", \"o3\"] }",
        ] {
            let rules = with_extra(
                &(unasked("q", "multi", &options(3, false)) + &rule_on_q("clinician-review", test)),
            );
            assert_eq!(outcome(&rules), RAISED, "{test}");
        }
        // No answer has `none` with another option: a pass stands.
        let rules = with_extra(
            &(unasked("q", "multi", &options(3, true))
                + &rule_on_q("clinician-review", "{ all = [\"o1\", \"none\"] }")),
        );
        assert_eq!(outcome(&rules), PASS);
    }

    #[test]
    fn a_several_choice_question_of_many_options_is_decided_exactly() {
        // 40 options and `none`: far too many answers to try one by one,
        // decided all the same: no answer has `none` with another option,
        // so the pass stands; one with `o1` and `o39` could exist, so it
        // goes to a clinician.
        let many = |test| {
            with_extra(
                &(unasked("q", "multi", &options(40, true)) + &rule_on_q("clinician-review", test)),
            )
        };
        assert_eq!(outcome(&many("{ all = [\"o1\", \"none\"] }")), PASS);
        assert_eq!(outcome(&many("{ all = [\"o1\", \"o39\"] }")), RAISED);
    }
}
