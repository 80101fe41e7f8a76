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

/// The answers of `examples/knee-moderate.toml` (a pass) with `changes`
/// made (`("warning_signs", "fever")`), for the render tests.
#[cfg(test)]
pub(crate) fn knee_answers(rules: &RuleSet, changes: &[(&str, &str)]) -> AnswerSet {
    let mut answers = crate::answers::Answers::new(rules);
    let given = answers.give_document(
        rules,
        include_str!("../../examples/knee-moderate.toml"),
        crate::answers::DocumentFormat::Toml,
    );
    assert!(given.is_ok(), "{given:?}");
    for (key, text) in changes {
        let given = answers.give(rules, key, text);
        assert!(given.is_ok(), "{key}={text}: {given:?}");
    }
    answers
        .complete(rules)
        .unwrap_or_else(|missing| panic!("missing {missing:?}"))
}

#[cfg(test)]
impl<'a> Report<'a> {
    /// A patient's short summary of `answers`, made at a fixed time in
    /// UTC, not overdue, without `--explain`: what most tests render (they
    /// change a field with `..`).
    pub(crate) fn for_test(
        rules: &'a RuleSet,
        answers: &'a AnswerSet,
        assessment: &'a Assessment<'a>,
    ) -> Report<'a> {
        Report {
            rules,
            answers,
            assessment,
            review_overdue: false,
            explanation: None,
            audience: Audience::Patient,
            details: false,
            created: "2026-01-02T03:04:05Z",
            zone: "UTC",
        }
    }
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
                // Not for now or a clinician review: no finding is urgent
                // (one would make the outcome urgent care).
                r.level <= Level::ClinicianReview
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
        // `Level` orders the most serious first.
        why.sort_by(|a, b| a.level.cmp(&b.level).then(b.priority.cmp(&a.priority)));
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

#[cfg(test)]
mod mutation_tests {
    #![allow(clippy::unwrap_used)] // a panic is how a test reports failure
    use super::*;
    use crate::evaluate::evaluate;

    /// Calls `check` with the report of the knee answers changed by
    /// `changes`, for `audience`, with or without `--details`.
    fn with_report(
        changes: &[(&str, &str)],
        audience: Audience,
        details: bool,
        check: impl FnOnce(&Report<'_>),
    ) {
        with_report_of(
            &RuleSet::embedded().unwrap(),
            changes,
            audience,
            details,
            check,
        );
    }

    /// [`with_report`] under `rules`.
    fn with_report_of(
        rules: &RuleSet,
        changes: &[(&str, &str)],
        audience: Audience,
        details: bool,
        check: impl FnOnce(&Report<'_>),
    ) {
        let answers = knee_answers(rules, changes);
        let assessment = evaluate(rules, &answers);
        check(&Report {
            audience,
            details,
            ..Report::for_test(rules, &answers, &assessment)
        });
    }

    fn rule<'r>(report: &Report<'r>, id: &str) -> &'r Rule {
        report.rules.rules.iter().find(|r| r.id == id).unwrap()
    }

    fn ids<'r>(rules: impl Iterator<Item = &'r Rule>) -> Vec<&'r str> {
        rules.map(|r| r.id.as_str()).collect()
    }

    #[test]
    fn an_urgent_summary_opens_with_its_first_warning_signs_own_action() {
        with_report(
            &[("warning_signs", "fever")],
            Audience::Patient,
            false,
            |report| {
                assert_eq!(report.assessment.outcome, Level::UrgentCare);
                let fever = rule(report, "fever").action.as_deref().unwrap();
                assert_eq!(report.action(), fever);
                assert_ne!(fever, report.rules.levels.urgent_care.action);
            },
        );
        // Two signs: the one written first in the rule files (the
        // emergency) leads.
        with_report(
            &[("warning_signs", "fever, saddle-numbness")],
            Audience::Patient,
            false,
            |report| {
                let emergency = rule(report, "back-pain-emergency-signs");
                assert!(report.assessment.findings.iter().any(|r| r.id == "fever"));
                assert_eq!(Some(report.action()), emergency.action.as_deref());
            },
        );
        // No finding with an action of its own: the level's.
        with_report(&[], Audience::Patient, false, |report| {
            let outcome = report.assessment.outcome;
            assert_eq!(report.action(), report.rules.levels.get(outcome).action);
        });
    }

    #[test]
    fn as_many_reasons_as_the_most_shown_are_all_shown_one_more_is_counted() {
        with_report(
            &[("active_infection", "yes"), ("health", "blood-thinner")],
            Audience::Patient,
            false,
            |report| {
                let all = report.reasons(None).lines;
                let total = all.len();
                assert!(total >= 2, "{all:?}");
                // Exactly as many as may be shown: every one, no count.
                assert_eq!(report.reasons(Some(total)).lines, all);
                assert_eq!(report.reasons(Some(total + 1)).lines, all);
                // One fewer: all but the last two, then "And 2 more".
                let fewer = report.reasons(Some(total - 1)).lines;
                assert_eq!(fewer.len(), (total - 2).max(1) + 1, "{fewer:?}");
                assert_eq!(fewer[..fewer.len() - 1], all[..fewer.len() - 1]);
                let more = fill(
                    &report.rules.text.more_reasons,
                    &[("count", &(total - (fewer.len() - 1)).to_string())],
                );
                assert_eq!(fewer.last(), Some(&more));
            },
        );
    }

    #[test]
    fn the_reasons_are_the_findings_that_decide_the_outcome() {
        // Urgent: the warning signs alone.
        with_report(
            &[("warning_signs", "fever")],
            Audience::Patient,
            false,
            |report| {
                assert_eq!(ids(report.why()), ["fever"]);
            },
        );
        // Not for now: the infection and, as much, the blood thinner the
        // clinician must know about; never a pass or a note.
        with_report(
            &[("active_infection", "yes"), ("health", "blood-thinner")],
            Audience::Patient,
            false,
            |report| {
                assert_eq!(report.assessment.outcome, Level::NotSuitableNow);
                let why = ids(report.why());
                assert!(why.contains(&"active-infection"), "{why:?}");
                assert!(why.contains(&"health-blood-thinner"), "{why:?}");
                assert!(
                    report
                        .why()
                        .all(|r| r.level > Level::UrgentCare && r.level <= Level::ClinicianReview)
                );
            },
        );
        // A pass: the passes.
        with_report(&[], Audience::Patient, false, |report| {
            assert_eq!(report.assessment.outcome, Level::MayBeSuitable);
            let passes: Vec<&str> = ids(report
                .assessment
                .findings
                .iter()
                .copied()
                .filter(|r| r.level == Level::MayBeSuitable));
            assert!(!passes.is_empty());
            assert_eq!(ids(report.why()), passes);
        });
    }

    #[test]
    fn procedure_notes_are_shown_from_a_clinician_review_on_but_not_when_not_for_now() {
        let procedure = |report: &Report<'_>| -> Vec<bool> {
            report
                .assessment
                .findings
                .iter()
                .filter(|r| r.procedure)
                .map(|r| report.shows(r))
                .collect()
        };
        // A blood thinner: a clinician reviews, the notes stay.
        with_report(
            &[("health", "blood-thinner")],
            Audience::Patient,
            true,
            |report| {
                assert_eq!(report.assessment.outcome, Level::ClinicianReview);
                let shown = procedure(report);
                assert!(!shown.is_empty() && shown.iter().all(|&s| s), "{shown:?}");
            },
        );
        // An infection: not for now, no note about the procedure.
        with_report(
            &[("active_infection", "yes")],
            Audience::Patient,
            true,
            |report| {
                assert_eq!(report.assessment.outcome, Level::NotSuitableNow);
                let shown = procedure(report);
                assert!(!shown.is_empty() && shown.iter().all(|&s| !s), "{shown:?}");
            },
        );
    }

    #[test]
    fn when_no_rule_matched_the_answers_no_rule_speaks_to_are_named() {
        // Only the notes and one rule: an active infection at an age of
        // at most 10. The knee answers (no infection, 54) pass its first
        // test only, so no rule matches.
        let mut rules = RuleSet::embedded().unwrap();
        let infection = rules.question_index("active_infection").unwrap();
        let age = rules.question_index("age").unwrap();
        let no = rules.questions[infection].option_index("no").unwrap();
        rules
            .rules
            .retain(|r| r.level == Level::Info || r.id == "active-infection");
        let rule = rules
            .rules
            .iter_mut()
            .find(|r| r.id == "active-infection")
            .unwrap();
        rule.when = vec![
            crate::ruleset::Matcher {
                question: infection,
                test: crate::ruleset::Test::OneOf(crate::ruleset::OptionSet::from_indices([no])),
            },
            crate::ruleset::Matcher {
                question: age,
                test: crate::ruleset::Test::Range { min: 0, max: 10 },
            },
        ];
        with_report_of(&rules, &[], Audience::Patient, false, |report| {
            assert_eq!(report.assessment.fallback, Some(Fallback::NoRuleMatched));
            let lines = report.fallback_lines();
            let text = &report.rules.text;
            assert_eq!(lines[0], text.no_rule_matched);
            // Every answer but the infection's, which a rule speaks to.
            assert_eq!(lines.len(), report.rules.questions.len(), "{lines:#?}");
            let infection_prompt = &report.rules.questions[infection].prompt;
            assert!(
                !lines.iter().any(|l| l.contains(infection_prompt.as_str())),
                "{lines:#?}"
            );
            let age_line = fill(
                &text.not_covered,
                &[
                    ("question", &report.rules.questions[age].prompt),
                    ("answer", "54"),
                ],
            );
            assert!(lines.contains(&age_line), "{lines:#?}");
        });
        // A rule set that decides nothing: the reason alone, not every
        // answer.
        rules.rules.retain(|r| r.level == Level::Info);
        with_report_of(&rules, &[], Audience::Patient, false, |report| {
            assert_eq!(
                report.fallback_lines(),
                vec![report.rules.text.no_rule_matched.clone()]
            );
        });
    }

    #[test]
    fn the_from_line_names_each_source_once_grouped_by_kind_in_first_cited_order() {
        with_report(&[], Audience::Patient, false, |report| {
            let rules = report.rules;
            let text = &rules.text;
            let index = |id: &str| rules.sources.iter().position(|s| s.id == id).unwrap();
            let of_kind = |kind: SourceKind| {
                rules
                    .sources
                    .iter()
                    .filter(move |s| s.kind == kind)
                    .map(|s| s.id.as_str())
            };
            let mut marketing = of_kind(SourceKind::ClinicMarketing);
            let (m1, m2) = (marketing.next().unwrap(), marketing.next().unwrap());
            let research = of_kind(SourceKind::Research).next().unwrap();
            let cite = |id: &str| Citation {
                source: index(id),
                quote: "words".to_owned(),
            };
            // Marketing, research, the same marketing again, another.
            let citations = [cite(m1), cite(research), cite(m1), cite(m2)];
            let name = |id: &str| rules.sources[index(id)].name.clone();
            let group = |names: &[String], kind: SourceKind| {
                fill(
                    &text.source_group,
                    &[
                        ("sources", &names.join(", ")),
                        ("kind", text.source_kind(kind)),
                    ],
                )
            };
            let expected = fill(
                &text.from_sources,
                &[(
                    "sources",
                    &format!(
                        "{}; {}",
                        group(&[name(m1), name(m2)], SourceKind::ClinicMarketing),
                        group(&[name(research)], SourceKind::Research)
                    ),
                )],
            );
            assert_eq!(report.from_line(&citations), expected);
        });
    }

    #[test]
    fn the_sources_listed_are_those_the_summary_cites() {
        let sources_of = |citations: &mut dyn Iterator<Item = &Citation>| {
            let mut cited: Vec<usize> = citations.map(|c| c.source).collect();
            cited.sort_unstable();
            cited.dedup();
            cited
        };
        // Urgent, for a patient: the warning sign's sources and the
        // disclaimer's, nothing about the therapy.
        with_report(
            &[("warning_signs", "fever")],
            Audience::Patient,
            false,
            |report| {
                let fever = rule(report, "fever");
                let disclaimer = &report.rules.meta.disclaimer_citations;
                assert!(!disclaimer.is_empty());
                let expected = sources_of(&mut fever.citations.iter().chain(disclaimer));
                assert_eq!(report.cited_sources(), expected);
            },
        );
        // A pass: also every "Before you book" question's and claim's.
        with_report(&[], Audience::Patient, true, |report| {
            let cited = report.cited_sources();
            let rules = report.rules;
            let mut everything = rules
                .before_you_book
                .iter()
                .flat_map(|a| &a.citations)
                .chain(
                    rules
                        .claims
                        .iter()
                        .flat_map(|c| c.promise_citations.iter().chain(&c.evidence_citations)),
                )
                .chain(&rules.meta.disclaimer_citations)
                .chain(report.assessment.findings.iter().flat_map(|r| &r.citations));
            let expected = sources_of(&mut everything);
            assert_eq!(cited, expected);
        });
    }

    #[test]
    fn a_staff_finding_names_its_rule_and_level() {
        with_report(
            &[("warning_signs", "fever")],
            Audience::Staff,
            false,
            |report| {
                let fever = rule(report, "fever");
                let line = report.rule_reference(fever);
                assert_eq!(
                    line,
                    fill(
                        &report.rules.text.rule_reference,
                        &[("rule", "fever"), ("level", "urgent-care")]
                    )
                );
                assert!(
                    line.contains("fever") && line.contains("urgent-care"),
                    "{line}"
                );
            },
        );
    }

    #[test]
    fn rules_overdue_for_review_say_so_with_their_date() {
        with_report(&[], Audience::Patient, false, |report| {
            assert_eq!(report.overdue_line(), None);
            let overdue = Report {
                review_overdue: true,
                ..*report
            };
            let line = overdue.overdue_line().unwrap();
            assert_eq!(
                line,
                fill(
                    &report.rules.text.review_overdue,
                    &[("review_by", &report.rules.meta.review_by)]
                )
            );
            assert!(line.contains(&report.rules.meta.review_by), "{line}");
        });
    }
}
