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
use crate::evaluate::{Assessment, Fallback};
use crate::explain::Explanation;
use crate::level::Level;
use crate::ruleset::{Citation, Question, Rule, RuleSet, SourceKind, fill};

/// Who reads the summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Audience {
    /// The person screened: plain language, no rule ids.
    #[default]
    Patient,
    /// The person running the intake: rule ids, levels and full citations.
    Staff,
}

/// The most lines the short summary gives to the reasons for its outcome
/// ([`Report::reasons`]).
pub const MAX_REASONS: usize = 4;

/// The short summary's reasons for its outcome ([`Report::reasons`]).
#[derive(Debug, Clone)]
pub struct Reasons<'r> {
    /// One line each; the last counts those left to the details, if any.
    pub lines: Vec<String>,
    /// What the reasons shown rest on, for one `from_sources` line.
    pub citations: Vec<&'r Citation>,
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
    /// Set with `--details`: a patient's summary with every quote, source
    /// and note, as staff see it (without rule ids). Without it a patient
    /// gets the short summary (see [`Report::brief`]).
    pub details: bool,
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

    /// Whether this is the short summary: a patient's, without
    /// `--details`. It names each statement's sources without quoting
    /// them, leaves out the notes that cite clinic marketing alone, the
    /// answers and the table of sources, and says the promises beside the
    /// evidence in short; the details are one flag away.
    pub fn brief(&self) -> bool {
        self.audience == Audience::Patient && !self.details
    }

    /// Whether the summary speaks of the therapy at all: a patient's
    /// urgent-care summary says nothing about it but that it can wait
    /// (`urgent_then`); staff see everything.
    pub fn about_therapy(&self) -> bool {
        self.audience == Audience::Staff || self.assessment.outcome != Level::UrgentCare
    }

    /// Whether a finding is shown. For a patient: nothing but the warning
    /// signs on an urgent-care summary; no procedure or recovery note when
    /// the outcome says the therapy is not for now; and in the short
    /// summary, of the `info` notes only those resting on more than clinic
    /// marketing (what a regulator or research says).
    pub fn shows(&self, rule: &Rule) -> bool {
        if self.audience == Audience::Staff {
            return true;
        }
        let outcome = self.assessment.outcome;
        if !self.about_therapy() {
            return rule.level == Level::UrgentCare;
        }
        if rule.procedure && outcome < Level::ClinicianReview {
            return false;
        }
        !(self.brief()
            && rule.level == Level::Info
            && rule
                .citations
                .iter()
                .all(|c| self.rules.sources[c.source].kind == SourceKind::ClinicMarketing))
    }

    /// The findings that say why the outcome is what it is, most serious
    /// first: the warning signs on an urgent-care summary; every finding
    /// from not-suitable-now to clinician-review when the outcome is one
    /// of those (a health condition the clinician must know about is a
    /// reason as much as an infection); the passes when it is a pass.
    pub fn why(&self) -> impl Iterator<Item = &Rule> {
        let outcome = self.assessment.outcome;
        self.assessment.findings.iter().copied().filter(move |r| {
            if outcome == Level::UrgentCare || outcome == Level::MayBeSuitable {
                r.level == outcome
            } else {
                r.level > Level::UrgentCare && r.level <= Level::ClinicianReview
            }
        })
    }

    /// The short summary's reasons for its outcome: each finding of
    /// [`Report::why`] in one line (its `reason`), the most serious level
    /// first and, within a level, the higher `priority` first; then what
    /// raised the outcome to clinician review ([`Report::fallback_lines`]).
    /// With `most` (the screen's [`MAX_REASONS`]) and more reasons than
    /// that, the last line counts the rest, which the details show. With
    /// the citations of the findings listed, for one line naming their
    /// sources.
    pub fn reasons(&self, most: Option<usize>) -> Reasons<'_> {
        let mut why: Vec<&Rule> = self.why().collect();
        // Stable: rule order within the same level and priority.
        why.sort_by(|a, b| b.level.cmp(&a.level).then(b.priority.cmp(&a.priority)));
        let fallback = self.fallback_lines();
        let total = why.len() + fallback.len();
        let shown = match most {
            Some(most) if total > most => most.saturating_sub(1).max(1),
            _ => total,
        };
        let mut lines: Vec<String> = why
            .iter()
            .map(|r| r.reason().to_owned())
            .chain(fallback)
            .take(shown)
            .collect();
        if shown < total {
            lines.push(fill(
                &self.rules.text.more_reasons,
                &[("count", &(total - shown).to_string())],
            ));
        }
        Reasons {
            lines,
            citations: why
                .into_iter()
                .take(shown)
                .flat_map(|r| &r.citations)
                .collect(),
        }
    }

    /// The `info` notes shown, in rule order: in the short summary those
    /// resting on more than clinic marketing (the FDA's note), in the
    /// details every one the reader may see (see [`Report::shows`]).
    pub fn notes(&self) -> impl Iterator<Item = &Rule> {
        self.assessment
            .findings
            .iter()
            .copied()
            .filter(|r| r.level == Level::Info && self.shows(r))
    }

    /// Why the outcome was raised to clinician review, naming what raised
    /// it: the questions answered "not sure" or not asked, or the answers
    /// no rule speaks to. `None` when nothing raised it.
    pub fn fallback_lines(&self) -> Vec<String> {
        let text = &self.rules.text;
        let questions = |indices: Vec<usize>| {
            indices
                .into_iter()
                .map(|i| format!("“{}”", self.rules.questions[i].prompt))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self.assessment.fallback {
            None => Vec::new(),
            Some(Fallback::UnsureAnswer) => vec![fill(
                &text.unsure_answer,
                &[(
                    "questions",
                    &questions(self.answers.unsure_questions(self.rules).collect()),
                )],
            )],
            Some(Fallback::UnaskedQuestion) => vec![fill(
                &text.unasked_question,
                &[(
                    "questions",
                    &questions(
                        (0..self.rules.questions.len())
                            .filter(|&i| !self.answers.value(i).is_given())
                            .collect(),
                    ),
                )],
            )],
            Some(Fallback::NoRuleMatched) => {
                let mut lines = vec![text.no_rule_matched.clone()];
                // Which answers no rule speaks to, unless that is all of
                // them (a rule set that decides nothing).
                let given = self
                    .answers
                    .values()
                    .iter()
                    .filter(|v| v.is_given())
                    .count();
                let uncovered: Vec<_> = self.uncovered().collect();
                if uncovered.len() == given {
                    return lines;
                }
                lines.extend(uncovered.into_iter().map(|(question, value)| {
                    fill(
                        &text.not_covered,
                        &[
                            ("question", &question.prompt),
                            ("answer", &answer_words(question, value).replace('\n', "; ")),
                        ],
                    )
                }));
                lines
            }
        }
    }

    /// The answers that no rule short of `info` speaks to: no such rule
    /// tests their question with a test this answer passes.
    fn uncovered(&self) -> impl Iterator<Item = (&Question, &Value)> {
        let rules = self.rules;
        rules
            .questions
            .iter()
            .enumerate()
            .map(|(i, question)| (i, question, self.answers.value(i)))
            .filter(|(_, _, value)| value.is_given())
            .filter(move |(i, _, value)| {
                !rules.rules.iter().any(|rule| {
                    rule.level.decides_outcome()
                        && rule
                            .when
                            .iter()
                            .any(|m| m.question == *i && m.test.matches(value))
                })
            })
            .map(|(_, question, value)| (question, value))
    }

    /// "From: Defiage blog post (clinic marketing, not evidence)": the
    /// sources of `citations` named without their quotes, each once,
    /// grouped by kind in the order they are first cited.
    pub fn from_line<'c>(&self, citations: impl IntoIterator<Item = &'c Citation>) -> String {
        let text = &self.rules.text;
        let mut groups: Vec<(SourceKind, Vec<&str>)> = Vec::new();
        for citation in citations {
            let source = &self.rules.sources[citation.source];
            let name = source.name.as_str();
            match groups.iter_mut().find(|(kind, _)| *kind == source.kind) {
                Some((_, names)) => {
                    if !names.contains(&name) {
                        names.push(name);
                    }
                }
                None => groups.push((source.kind, vec![name])),
            }
        }
        let sources = groups
            .iter()
            .map(|(kind, names)| {
                fill(
                    &text.source_group,
                    &[
                        ("sources", &names.join(", ")),
                        ("kind", text.source_kind(*kind)),
                    ],
                )
            })
            .collect::<Vec<_>>()
            .join("; ");
        fill(&text.from_sources, &[("sources", &sources)])
    }

    /// "Rule fever, level urgent-care": a finding's rule for staff.
    pub fn rule_reference(&self, rule: &crate::ruleset::Rule) -> String {
        fill(
            &self.rules.text.rule_reference,
            &[("rule", &rule.id), ("level", rule.level.id())],
        )
    }

    /// The indices of the sources this summary cites, in declaration order:
    /// by the findings it shows, the "Before you book" questions, the
    /// claims and the disclaimer.
    pub fn cited_sources(&self) -> Vec<usize> {
        let mut cited = vec![false; self.rules.sources.len()];
        let findings = self
            .assessment
            .findings
            .iter()
            .filter(|r| self.shows(r))
            .map(|r| &r.citations);
        let therapy = self.about_therapy();
        let advice = self
            .rules
            .before_you_book
            .iter()
            .filter(|_| therapy)
            .map(|a| &a.citations);
        let claims = self
            .rules
            .claims
            .iter()
            .filter(|_| therapy)
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
