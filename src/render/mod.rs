//! Renderers: each turns the same assessment into one output format. They
//! return strings and never write, so the caller prints a summary in one go
//! (nothing half-written on an interrupt) and tests compare output directly.

pub mod fhir;
pub mod html;
pub mod json;
pub mod markdown;
pub mod text;
pub mod view;

use crate::answers::{AnswerSet, Value};
use crate::evaluate::Assessment;
use crate::explain::Explanation;
use crate::ruleset::{Citation, Question, RuleSet, fill};

/// Who reads the summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Audience {
    /// The person screened: plain language, no rule ids.
    #[default]
    Patient,
    /// The person running the intake: rule ids, levels and full citations.
    Staff,
}

/// Everything a renderer needs.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a> {
    /// The rule set the assessment came from.
    pub rules: &'a RuleSet,
    /// The answers evaluated.
    pub answers: &'a AnswerSet,
    /// The result.
    pub assessment: &'a Assessment<'a>,
    /// Whether the rule set's review-by date has passed (decided by the
    /// caller from the clock, so rendering stays pure).
    pub review_overdue: bool,
    /// Set with `--explain`: every rule's result and the changes that
    /// would move the outcome.
    pub explanation: Option<&'a Explanation<'a>>,
    /// Who reads it.
    pub audience: Audience,
    /// When the summary was made: RFC 3339 with the local offset
    /// (`2026-11-21T08:04:05-06:00`), from the caller's clock, so rendering
    /// stays pure.
    pub created: &'a str,
    /// The time zone of `created` as people write it (`CST`).
    pub zone: &'a str,
}

impl Report<'_> {
    /// One citation: the source's name and kind and the quote; for staff
    /// also the title, publisher and address.
    pub fn citation_line(&self, citation: &Citation) -> String {
        let source = &self.rules.sources[citation.source];
        let text = &self.rules.text;
        let kind = text.source_kind(source.kind);
        match self.audience {
            Audience::Patient => fill(
                &text.citation,
                &[
                    ("source", &source.name),
                    ("kind", kind),
                    ("quote", &citation.quote),
                ],
            ),
            Audience::Staff => {
                let mut line = fill(
                    &text.citation_full,
                    &[
                        ("source", &source.name),
                        ("kind", kind),
                        ("title", &source.title),
                        ("publisher", &source.publisher),
                        ("quote", &citation.quote),
                    ],
                );
                if let Some(url) = &source.url {
                    line.push('\n');
                    line.push_str(url);
                }
                line
            }
        }
    }

    /// What to do, with its time frame: the action of the first finding at
    /// the outcome's level that has one (findings come in rule order, and
    /// the rule files put the most urgent first), else the level's own.
    /// The first line of every summary.
    pub fn action(&self) -> &str {
        let outcome = self.assessment.outcome;
        self.assessment
            .findings
            .iter()
            .filter(|r| r.level == outcome)
            .find_map(|r| r.action.as_deref())
            .unwrap_or(&self.rules.levels.get(outcome).action)
    }

    /// "Rule fever, level urgent-care": a finding's rule for staff.
    pub fn rule_reference(&self, rule: &crate::ruleset::Rule) -> String {
        fill(
            &self.rules.text.rule_reference,
            &[("rule", &rule.id), ("level", rule.level.id())],
        )
    }

    /// The indices of the sources this summary cites, in declaration order:
    /// by its findings and by the "Before you book" questions.
    pub fn cited_sources(&self) -> Vec<usize> {
        let mut cited = vec![false; self.rules.sources.len()];
        let findings = self.assessment.findings.iter().map(|r| &r.citations);
        let advice = self.rules.before_you_book.iter().map(|a| &a.citations);
        let claims = self
            .rules
            .claims
            .iter()
            .flat_map(|c| [&c.promise_citations, &c.evidence_citations]);
        let disclaimer = std::iter::once(&self.rules.meta.disclaimer_citations);
        for citation in findings
            .chain(advice)
            .chain(claims)
            .chain(disclaimer)
            .flatten()
        {
            cited[citation.source] = true;
        }
        (0..cited.len()).filter(|&i| cited[i]).collect()
    }

    /// The warning shown when the rules are overdue for review.
    pub fn overdue_line(&self) -> Option<String> {
        self.review_overdue.then(|| {
            fill(
                &self.rules.text.review_overdue,
                &[("review_by", &self.rules.meta.review_by)],
            )
        })
    }

    /// "If age were 18: May be suitable, ..." for one change.
    pub fn change_line(&self, change: &crate::explain::Change) -> String {
        let question = &self.rules.questions[change.question];
        fill(
            &self.rules.text.change_line,
            &[
                ("question", &question.id),
                ("answer", &change.value.id_text(question)),
                ("outcome", &self.rules.levels.get(change.outcome).label),
            ],
        )
    }

    /// "matched", or the first test that failed with the actual answer.
    pub fn trace_line(&self, trace: &crate::explain::Trace<'_>) -> String {
        match trace.failed {
            None => self.rules.text.explain_matched.clone(),
            Some(matcher) => {
                let question = &self.rules.questions[matcher.question];
                fill(
                    &self.rules.text.explain_not_matched,
                    &[
                        ("test", &matcher.describe(self.rules)),
                        (
                            "answer",
                            &match self.answers.value(matcher.question) {
                                Value::Unasked => self.rules.text.not_asked.clone(),
                                value => value.id_text(question),
                            },
                        ),
                    ],
                )
            }
        }
    }

    /// "Made on 2026-11-21 at 08:05 CST by candidacy 0.1.0.": local time.
    pub fn made_line(&self) -> String {
        let date = self.created.get(..10).unwrap_or(self.created);
        let time = self.created.get(11..16).unwrap_or_default();
        fill(
            &self.rules.text.made_line,
            &[
                ("date", date),
                ("time", time),
                ("zone", self.zone),
                ("tool", env!("CARGO_PKG_NAME")),
                ("version", env!("CARGO_PKG_VERSION")),
            ],
        )
    }

    /// The rule set line: version, review dates and sha256.
    pub fn ruleset_line(&self) -> String {
        let meta = &self.rules.meta;
        fill(
            &self.rules.text.ruleset_line,
            &[
                ("version", &meta.version),
                ("reviewed", &meta.reviewed),
                ("review_by", &meta.review_by),
                ("sha256", &self.rules.sha256),
            ],
        )
    }
}

/// The words for an answer: option labels (one per line) or the number.
pub fn answer_words(question: &Question, value: &Value) -> String {
    let options = question.options();
    match value {
        Value::Choice(i) => options[*i].label.clone(),
        Value::Several(set) => set
            .iter()
            .map(|i| options[i].label.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        Value::Number(n) => n.to_string(),
        Value::Unasked => String::new(),
    }
}
