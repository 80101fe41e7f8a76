//! The JSON summary: the machine format other tools read.
//!
//! Field names are a contract (README, "JSON output"). Changing or removing
//! a field needs a new `schema_version`; adding one does not.

use serde::Serialize;
use serde::ser::SerializeMap;

use super::Report;
use crate::answers::Value;
use crate::explain::Explanation;
use crate::level::Level;
use crate::ruleset::{Citation, Question, RuleSet, SourceKind};

/// The version of this JSON layout.
pub const SCHEMA_VERSION: u32 = 2;

#[derive(Serialize)]
struct Summary<'a> {
    schema_version: u32,
    created: &'a str,
    tool: Tool,
    outcome: Level,
    outcome_label: &'a str,
    action: &'a str,
    fallback: Option<&'static str>,
    findings: Vec<Finding<'a>>,
    conflicts: Vec<Conflict<'a>>,
    before_you_book: Vec<AdviceOut<'a>>,
    claims: Vec<ClaimOut<'a>>,
    answers: Answers<'a>,
    disclaimer: &'a str,
    disclaimer_citations: Vec<CitationOut<'a>>,
    warnings: Vec<String>,
    ruleset: RuleSetInfo<'a>,
    sources: Vec<SourceInfo<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    explain: Option<Explain<'a>>,
}

#[derive(Serialize)]
struct Explain<'a> {
    rules: Vec<RuleTrace<'a>>,
    changes: Vec<ChangeOut<'a>>,
}

#[derive(Serialize)]
struct RuleTrace<'a> {
    rule: &'a str,
    level: Level,
    matched: bool,
    failed: Option<FailedTest<'a>>,
}

#[derive(Serialize)]
struct FailedTest<'a> {
    question: &'a str,
    test: String,
    answer: serde_json::Value,
}

#[derive(Serialize)]
struct ChangeOut<'a> {
    question: &'a str,
    answer: serde_json::Value,
    outcome: Level,
    outcome_label: &'a str,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Finding<'a> {
    rule: &'a str,
    level: Level,
    message: &'a str,
    /// Why the outcome is what it is, in one line where the rule set gives
    /// one (`reason`), else the message; `null` for an `info` note, which
    /// never decides the outcome.
    reason: Option<&'a str>,
    citations: Vec<CitationOut<'a>>,
}

#[derive(Serialize)]
struct Conflict<'a> {
    rule: &'a str,
    topic: &'a str,
    citations: Vec<CitationOut<'a>>,
}

#[derive(Serialize)]
struct AdviceOut<'a> {
    id: &'a str,
    text: &'a str,
    citations: Vec<CitationOut<'a>>,
}

#[derive(Serialize)]
struct CitationOut<'a> {
    source: &'a str,
    quote: &'a str,
}

#[derive(Serialize)]
struct RuleSetInfo<'a> {
    name: &'a str,
    version: &'a str,
    language: &'a str,
    reviewed: &'a str,
    review_by: &'a str,
    review_overdue: bool,
    sha256: &'a str,
}

#[derive(Serialize)]
struct SourceInfo<'a> {
    id: &'a str,
    name: &'a str,
    title: &'a str,
    publisher: &'a str,
    date: Option<&'a str>,
    kind: SourceKind,
    url: Option<&'a str>,
}

/// Answers keyed by question id, in question order; option ids as strings,
/// several choices as arrays, numbers as numbers.
struct Answers<'a> {
    questions: &'a [Question],
    values: &'a [Value],
}

impl Serialize for Answers<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let given = self.values.iter().filter(|v| v.is_given()).count();
        let mut map = serializer.serialize_map(Some(given))?;
        // A question not asked and not answered is left out.
        for (question, value) in self
            .questions
            .iter()
            .zip(self.values)
            .filter(|(_, v)| v.is_given())
        {
            map.serialize_entry(&question.id, &value.to_json(question))?;
        }
        map.end()
    }
}

/// A clinic's promise beside what research or a regulator says.
#[derive(Serialize)]
struct ClaimOut<'a> {
    id: &'a str,
    topic: &'a str,
    promise: Side<'a>,
    evidence: Side<'a>,
    /// Both sides in one sentence, as the short summary says them; `null`
    /// where the rule set gives none.
    brief: Option<&'a str>,
}

/// One side of a claim: its words and citations.
#[derive(Serialize)]
struct Side<'a> {
    text: &'a str,
    citations: Vec<CitationOut<'a>>,
}

fn citations<'a>(rules: &'a RuleSet, cited: &'a [Citation]) -> Vec<CitationOut<'a>> {
    cited
        .iter()
        .map(|c| CitationOut {
            source: &rules.sources[c.source].id,
            quote: &c.quote,
        })
        .collect()
}

fn explain<'a>(report: &Report<'a>, explanation: &'a Explanation<'a>) -> Explain<'a> {
    let rules = report.rules;
    Explain {
        rules: explanation
            .traces
            .iter()
            .map(|t| RuleTrace {
                rule: &t.rule.id,
                level: t.rule.level,
                matched: t.failed.is_none(),
                failed: t.failed.map(|m| {
                    let question = &rules.questions[m.question];
                    FailedTest {
                        question: &question.id,
                        test: m.describe(rules),
                        answer: report.answers.value(m.question).to_json(question),
                    }
                }),
            })
            .collect(),
        changes: explanation
            .changes
            .iter()
            .map(|c| {
                let question = &rules.questions[c.question];
                ChangeOut {
                    question: &question.id,
                    answer: c.value.to_json(question),
                    outcome: c.outcome,
                    outcome_label: &rules.levels.get(c.outcome).label,
                }
            })
            .collect(),
    }
}

/// The summary as pretty-printed JSON, ending with a newline.
pub fn render(report: &Report<'_>) -> String {
    let rules = report.rules;
    let assessment = report.assessment;
    let summary = Summary {
        schema_version: SCHEMA_VERSION,
        created: report.created,
        tool: Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        outcome: assessment.outcome,
        outcome_label: &rules.levels.get(assessment.outcome).label,
        action: report.action(),
        fallback: assessment.fallback.map(|f| f.id()),
        findings: assessment
            .findings
            .iter()
            .map(|rule| Finding {
                rule: &rule.id,
                level: rule.level,
                message: &rule.message,
                reason: rule.level.decides_outcome().then(|| rule.reason()),
                citations: citations(rules, &rule.citations),
            })
            .collect(),
        conflicts: assessment
            .conflicts()
            .map(|rule| Conflict {
                rule: &rule.id,
                topic: rule.conflict.as_deref().unwrap_or_default(),
                citations: citations(rules, &rule.citations),
            })
            .collect(),
        claims: rules
            .claims
            .iter()
            .map(|claim| ClaimOut {
                id: &claim.id,
                topic: &claim.topic,
                promise: Side {
                    text: &claim.promise,
                    citations: citations(rules, &claim.promise_citations),
                },
                evidence: Side {
                    text: &claim.evidence,
                    citations: citations(rules, &claim.evidence_citations),
                },
                brief: claim.brief.as_deref(),
            })
            .collect(),
        before_you_book: rules
            .before_you_book
            .iter()
            .map(|advice| AdviceOut {
                id: &advice.id,
                text: &advice.text,
                citations: citations(rules, &advice.citations),
            })
            .collect(),
        answers: Answers {
            questions: &rules.questions,
            values: report.answers.values(),
        },
        disclaimer: &rules.meta.disclaimer,
        disclaimer_citations: citations(rules, &rules.meta.disclaimer_citations),
        warnings: report.overdue_line().into_iter().collect(),
        ruleset: RuleSetInfo {
            name: &rules.meta.name,
            version: &rules.meta.version,
            language: &rules.meta.language,
            reviewed: &rules.meta.reviewed,
            review_by: &rules.meta.review_by,
            review_overdue: report.review_overdue,
            sha256: &rules.sha256,
        },
        sources: rules
            .sources
            .iter()
            .map(|s| SourceInfo {
                id: &s.id,
                name: &s.name,
                title: &s.title,
                publisher: &s.publisher,
                date: s.date.as_deref(),
                kind: s.kind,
                url: s.url.as_deref(),
            })
            .collect(),
        explain: report.explanation.map(|e| explain(report, e)),
    };
    pretty(&summary)
}

/// Pretty JSON ending with a newline, for every JSON report and summary
/// (and FHIR). Every string, key or value, is cleaned by
/// [`crate::sanitize`]'s policy as it is written. Serializing plain
/// structs, strings and numbers with string map keys cannot fail, so there
/// is no error to pass on.
pub fn pretty(value: &impl Serialize) -> String {
    let mut out = crate::sanitize::json_pretty(value).unwrap_or_default();
    out.push('\n');
    out
}
