//! The summary's content as plain data, in reading order, for the document
//! formats (Markdown, the HTML handout and the FHIR narrative). Every
//! string enters the view through [`sanitize`] (controls and bidirectional
//! formatting characters removed, see `crate::sanitize`), once, so no
//! document format can forget it; each format escapes it for its own
//! syntax. The JSON formats are cleaned as they are written
//! (`crate::sanitize::CleanJson`), and the text summary in its writer.

use super::{Audience, Report, answer_words};
use crate::level::Level;
use crate::ruleset::{Citation, Rule};
use crate::sanitize::sanitize;

/// One statement with the citations it rests on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cited {
    /// For staff: the rule and its level; empty for patients.
    pub reference: String,
    /// The statement.
    pub text: String,
    /// Each citation as a line ("Source (kind): “quote”").
    pub citations: Vec<String>,
}

/// A clinic's promise beside what research or a regulator says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimView {
    /// What the pair is about.
    pub topic: String,
    /// "The clinic says: ..." with its citations.
    pub promise: Cited,
    /// "Research says: ..." with its citations.
    pub evidence: Cited,
    /// In the short summary: both sides in short ("Side effects — ..."),
    /// shown in place of the promise and the evidence when the rule set
    /// gives one.
    pub brief: Option<String>,
}

/// A finding with its level's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The level's label.
    pub level: String,
    /// The finding.
    pub cited: Cited,
}

/// A question and its answer in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerRow {
    /// The question.
    pub question: String,
    /// The answer's labels or number.
    pub answers: Vec<String>,
}

/// A source the summary cites.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRow {
    /// Name, title, publisher and date.
    pub description: String,
    /// Its address, if any.
    pub url: Option<String>,
    /// Its kind in words.
    pub kind: String,
}

/// Everything a summary says, in order. Field names say what each holds;
/// the headings and labels are the rule set's `[text]`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct View {
    /// The rule set's language tag.
    pub language: String,
    pub title: String,
    /// Shown at the top and the end once the rules are overdue for review.
    pub overdue: Option<String>,
    /// What to do, with its time frame: the first thing a summary says.
    pub action: String,
    pub outcome_heading: String,
    /// The outcome's id (`urgent-care`, ...), for styling only.
    pub outcome_id: &'static str,
    pub outcome_label: String,
    pub outcome_explanation: String,
    /// Warning-sign findings, which open the details. The short summary
    /// gives its reasons instead.
    pub urgent: Vec<Cited>,
    /// The short summary's reasons for its outcome, one line each
    /// ([`Report::reasons`]); empty in the details.
    pub reasons: Vec<String>,
    /// The sources the reasons rest on, in one line.
    pub reasons_from: Option<String>,
    /// After the urgent findings.
    pub urgent_then: Option<String>,
    /// Why the outcome was raised to clinician review, naming the
    /// questions or answers that raised it.
    pub fallback: Option<String>,
    /// The short summary's last line: where the details are.
    pub details_hint: Option<String>,
    /// What the handout's closed block of details is called.
    pub details_summary: String,
    pub conflicts_heading: String,
    pub conflicts: Vec<Cited>,
    pub findings_heading: String,
    pub why_heading: String,
    pub findings: Vec<Finding>,
    pub info_heading: String,
    pub info: Vec<Cited>,
    pub claims_heading: String,
    pub claims_intro: String,
    pub claims: Vec<ClaimView>,
    pub before_you_book_heading: String,
    pub before_you_book_intro: String,
    pub before_you_book: Vec<Cited>,
    pub answers_heading: String,
    pub column_question: String,
    pub column_answer: String,
    pub answers: Vec<AnswerRow>,
    pub sources_heading: String,
    pub column_source: String,
    pub column_kind: String,
    pub sources: Vec<SourceRow>,
    pub disclaimer_heading: String,
    pub disclaimer: String,
    /// What the sources say that the disclaimer rests on, as citation lines.
    pub disclaimer_citations: Vec<String>,
    /// When and by which version it was made.
    pub made: String,
    /// The rule set's version, review dates and sha256.
    pub ruleset: String,
}

fn clean(text: &str) -> String {
    sanitize(text).into_owned()
}

impl View {
    /// The content of `report`, the short summary's reasons at most
    /// [`MAX_REASONS`](super::MAX_REASONS) lines, as on a screen.
    pub fn new(report: &Report<'_>) -> View {
        View::with_reasons(report, Some(super::MAX_REASONS))
    }

    /// The content of `report`, the short summary's reasons at most `most`
    /// lines (all of them with `None`: a printed handout has no details to
    /// turn to).
    pub fn with_reasons(report: &Report<'_>, most: Option<usize>) -> View {
        let rules = report.rules;
        let text = &rules.text;
        let assessment = report.assessment;
        let level = rules.levels.get(assessment.outcome);
        // The short summary names the sources on one line; the details
        // quote each.
        let citations = |list: &[Citation]| -> Vec<String> {
            if report.brief() {
                return vec![clean(&report.from_line(list))];
            }
            list.iter()
                .map(|c| clean(&report.citation_line(c)))
                .collect()
        };
        let brief = report.brief();
        let therapy = report.about_therapy();
        let cited = |rule: &Rule| Cited {
            reference: match report.audience {
                Audience::Staff => clean(&report.rule_reference(rule)),
                Audience::Patient => String::new(),
            },
            text: clean(&rule.message),
            citations: citations(&rule.citations),
        };
        // The short summary gives the reasons for its outcome in a line
        // each (`Report::reasons`), under "Why"; the details show every
        // finding a reader may see, the warning signs first. Both then
        // show the notes (`Report::notes`).
        let urgent: Vec<Cited> = assessment
            .findings
            .iter()
            .filter(|r| !brief && r.level == Level::UrgentCare)
            .map(|r| cited(r))
            .collect();
        let findings: Vec<&Rule> = assessment
            .findings
            .iter()
            .copied()
            .filter(|r| !brief && r.level.decides_outcome() && r.level != Level::UrgentCare)
            .filter(|r| report.shows(r))
            .collect();
        let (reasons, reasons_from) = if brief {
            let reasons = report.reasons(most);
            let from = (!reasons.citations.is_empty())
                .then(|| clean(&report.from_line(reasons.citations)));
            (reasons.lines.iter().map(|l| clean(l)).collect(), from)
        } else {
            (Vec::new(), None)
        };
        let fallback = if brief {
            Vec::new()
        } else {
            report.fallback_lines()
        };
        View {
            language: clean(&rules.meta.language),
            title: clean(&text.title),
            overdue: report.overdue_line().map(|l| clean(&l)),
            action: clean(report.action()),
            outcome_heading: clean(&text.outcome_heading),
            outcome_id: assessment.outcome.id(),
            outcome_label: clean(&level.label),
            outcome_explanation: clean(&level.explanation),
            urgent_then: (assessment.outcome == Level::UrgentCare)
                .then(|| clean(&text.urgent_then)),
            urgent,
            reasons,
            reasons_from,
            fallback: (!fallback.is_empty()).then(|| clean(&fallback.join("\n"))),
            details_hint: brief.then(|| clean(&text.details_hint)),
            details_summary: clean(&text.details_summary),
            conflicts_heading: clean(&text.conflicts_heading),
            // In the short summary a disagreement is one of the reasons.
            conflicts: assessment
                .conflicts()
                .filter(|_| therapy && !brief)
                .map(|rule| Cited {
                    reference: String::new(),
                    text: clean(rule.conflict.as_deref().unwrap_or_default()),
                    citations: citations(&rule.citations),
                })
                .collect(),
            findings_heading: clean(&text.findings_heading),
            why_heading: clean(&text.why_heading),
            findings: findings
                .into_iter()
                .map(|r| Finding {
                    level: clean(&rules.levels.get(r.level).label),
                    cited: cited(r),
                })
                .collect(),
            info_heading: clean(&text.info_heading),
            info: report.notes().map(cited).collect(),
            claims_heading: clean(&text.claims_heading),
            claims_intro: clean(&text.claims_intro),
            claims: rules
                .claims
                .iter()
                .filter(|_| therapy)
                .map(|claim| {
                    let side =
                        |label: &str, words: &str, cited: &[crate::ruleset::Citation]| Cited {
                            reference: String::new(),
                            text: clean(&format!("{label}: {words}")),
                            citations: citations(cited),
                        };
                    ClaimView {
                        topic: clean(&claim.topic),
                        promise: side(
                            &text.claim_promise,
                            &claim.promise,
                            &claim.promise_citations,
                        ),
                        evidence: side(
                            &text.claim_evidence,
                            &claim.evidence,
                            &claim.evidence_citations,
                        ),
                        brief: claim.brief.as_ref().filter(|_| brief).map(|b| {
                            clean(&crate::ruleset::fill(
                                &text.claim_brief,
                                &[("topic", &claim.topic), ("brief", b)],
                            ))
                        }),
                    }
                })
                .collect(),
            before_you_book_heading: clean(&text.before_you_book_heading),
            before_you_book_intro: clean(&text.before_you_book_intro),
            before_you_book: rules
                .before_you_book
                .iter()
                .filter(|_| therapy)
                .map(|advice| Cited {
                    reference: String::new(),
                    text: clean(&advice.text),
                    citations: citations(&advice.citations),
                })
                .collect(),
            answers_heading: clean(&text.answers_heading),
            column_question: clean(&text.column_question),
            column_answer: clean(&text.column_answer),
            answers: rules
                .questions
                .iter()
                .zip(report.answers.values())
                .filter(|(_, value)| !brief && value.is_given())
                .map(|(question, value)| AnswerRow {
                    question: clean(&question.prompt),
                    answers: answer_words(question, value)
                        .split('\n')
                        .map(clean)
                        .collect(),
                })
                .collect(),
            sources_heading: clean(&text.sources_heading),
            column_source: clean(&text.column_source),
            column_kind: clean(&text.column_kind),
            sources: report
                .cited_sources()
                .into_iter()
                .filter(|_| !brief)
                .map(|i| {
                    let source = &rules.sources[i];
                    let mut description =
                        format!("{}: “{}”, {}", source.name, source.title, source.publisher);
                    if let Some(date) = &source.date {
                        description.push_str(&format!(", {date}"));
                    }
                    SourceRow {
                        description: clean(&description),
                        url: source.url.as_deref().map(clean),
                        kind: clean(text.source_kind(source.kind)),
                    }
                })
                .collect(),
            disclaimer_heading: clean(&text.disclaimer_heading),
            disclaimer: clean(&rules.meta.disclaimer),
            // In the short summary, none: a "From:" line under the screen's
            // own words would read as if a clinic page had written them.
            disclaimer_citations: if brief || rules.meta.disclaimer_citations.is_empty() {
                Vec::new()
            } else {
                citations(&rules.meta.disclaimer_citations)
            },
            made: clean(&report.made_line()),
            ruleset: clean(&report.ruleset_line()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluate::evaluate;
    use crate::render::knee_answers;
    use crate::ruleset::RuleSet;

    /// The details (Markdown, the handout's closed part, the FHIR
    /// narrative) quote every urgent sign, disagreement, answer and source;
    /// the short summary names them only through its reasons and one
    /// "From" line each.
    #[test]
    fn the_details_hold_every_urgent_sign_disagreement_answer_and_source_the_short_view_none() {
        let rules = RuleSet::embedded().unwrap();
        let urgent = knee_answers(&rules, &[("warning_signs", "fever,hot-swollen-joint")]);
        let severe = knee_answers(&rules, &[("imaging", "severe")]);
        // A fallback (here, as if no rule had matched) is a reason too.
        let mut fallback = evaluate(&rules, &severe);
        fallback.fallback = Some(crate::evaluate::Fallback::NoRuleMatched);
        let cases = [
            (&urgent, evaluate(&rules, &urgent)),
            (&severe, evaluate(&rules, &severe)),
            (&severe, fallback),
        ];
        for (answers, assessment) in &cases {
            let short = Report::for_test(&rules, answers, assessment);
            let long = Report {
                details: true,
                ..Report::for_test(&rules, answers, assessment)
            };
            let (brief, details) = (View::new(&short), View::new(&long));
            let signs = assessment
                .findings
                .iter()
                .filter(|r| r.level == Level::UrgentCare)
                .count();
            assert_eq!(details.urgent.len(), signs);
            let therapy = long.about_therapy();
            let conflicts = assessment.conflicts().filter(|_| therapy).count();
            assert_eq!(details.conflicts.len(), conflicts);
            let given = answers.values().iter().filter(|v| v.is_given()).count();
            assert_eq!(details.answers.len(), given);
            assert_eq!(details.sources.len(), long.cited_sources().len());
            assert!(details.reasons.is_empty() && details.reasons_from.is_none());
            assert!(details.details_hint.is_none());
            let fallback = long.fallback_lines();
            assert_eq!(details.fallback.is_some(), !fallback.is_empty());
            assert!(brief.fallback.is_none());

            assert!(brief.urgent.is_empty() && brief.conflicts.is_empty());
            assert!(brief.answers.is_empty() && brief.sources.is_empty());
            assert!(!brief.reasons.is_empty());
            let from = brief.reasons_from.as_deref().unwrap_or_default();
            assert!(
                rules.sources.iter().any(|s| from.contains(s.name.as_str())),
                "{from}"
            );
            assert!(brief.details_hint.is_some());
        }
        // The cases are what they are meant to be.
        assert!(cases[0].1.outcome == Level::UrgentCare);
        assert!(cases[1].1.conflicts().count() > 0);
        let report = Report::for_test(&rules, &severe, &cases[2].1);
        assert!(!report.fallback_lines().is_empty());
    }
}
