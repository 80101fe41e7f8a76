//! `candidacy rules check`: what can be proved about a rule set before the
//! front desk uses it. Loading already refuses schema and reference errors
//! and the guard rails (wording, attribution, warning signs, source places),
//! with file, line and column, for every command; this adds the quotes
//! checked against the source documents, the exhaustive analysis, and the
//! review date.
//!
//! Errors make the check fail (exit 78); warnings and notes do not.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use crate::analysis::analyse;
use crate::limits;
use crate::quote;
use crate::ruleset::{Diagnostic, RuleSet};

/// How much an item matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The rule set must not be used as it is.
    Error,
    /// Worth fixing; the rule set still works safely.
    Warning,
    /// Expected, listed for the record.
    Note,
}

/// One thing the check found.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    /// How much it matters.
    pub severity: Severity,
    /// A stable id for the kind of finding (`gap`, `quote-not-found`, ...).
    pub kind: &'static str,
    /// The rule concerned, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// Where, as `file:line:column`, if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// What was found, in one sentence.
    pub message: String,
    /// Example answer sets, for gaps and contradictions.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<String>,
}

impl Item {
    fn new(severity: Severity, kind: &'static str, message: String) -> Item {
        Item {
            severity,
            kind,
            rule: None,
            location: None,
            message,
            examples: Vec::new(),
        }
    }

    fn rule(mut self, rules: &RuleSet, index: usize) -> Item {
        let rule = &rules.rules[index];
        self.rule = Some(rule.id.clone());
        self.location = Some(rule.origin.to_string());
        self
    }
}

/// The outcome of a check.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    /// `{ name, version, sha256 }` of the rule set, when it loaded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ruleset: Option<RuleSetSummary>,
    /// Answer sets evaluated by the analysis.
    pub combinations: usize,
    /// Quotes compared with their source documents.
    pub quotes_checked: usize,
    /// Everything found, errors first.
    pub items: Vec<Item>,
}

/// Identity of the checked rule set.
#[derive(Debug, Clone, Serialize)]
pub struct RuleSetSummary {
    name: String,
    version: String,
    review_by: String,
    rules: usize,
    questions: usize,
    sha256: String,
}

impl CheckReport {
    /// The report for a rule set that did not load.
    pub fn load_failed(diagnostics: &[Diagnostic]) -> CheckReport {
        CheckReport {
            ruleset: None,
            combinations: 0,
            quotes_checked: 0,
            items: diagnostics
                .iter()
                .map(|d| Item {
                    location: d.location.as_ref().map(ToString::to_string),
                    ..Item::new(Severity::Error, d.kind, d.message.clone())
                })
                .collect(),
        }
    }

    /// How many items of this severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|i| i.severity == severity).count()
    }

    /// The report as text, ending with a count line.
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        if let Some(r) = &self.ruleset {
            out.push_str(&format!(
                "rule set: {} {} ({} rules, {} questions), sha256 {}\n",
                r.name, r.version, r.rules, r.questions, r.sha256
            ));
            out.push_str(&format!(
                "checked: {} answer combinations, {} quotes against source documents\n",
                self.combinations, self.quotes_checked
            ));
        }
        for item in &self.items {
            let severity = match item.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Note => "note",
            };
            out.push_str(&format!("\n{severity}[{}]: {}\n", item.kind, item.message));
            if let Some(location) = &item.location {
                out.push_str(&format!("  --> {location}\n"));
            }
            for example in &item.examples {
                out.push_str(&format!("  e.g. {example}\n"));
            }
        }
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        out.push_str(&format!(
            "\n{}, {}, {}\n",
            plural(self.count(Severity::Error), "error"),
            plural(self.count(Severity::Warning), "warning"),
            plural(self.count(Severity::Note), "note"),
        ));
        crate::sanitize::sanitize(&out).into_owned()
    }

    /// The report as pretty JSON.
    pub fn render_json(&self) -> String {
        crate::render::json::pretty(self)
    }
}

/// Checks a loaded rule set. `sources` is the folder holding the source
/// documents' text (`file` of each source); `today` is `YYYY-MM-DD`.
pub fn check(rules: &RuleSet, sources: Option<&Path>, today: &str) -> CheckReport {
    let mut items = Vec::new();
    let quotes_checked = match sources {
        Some(dir) => check_quotes(rules, dir, &mut items),
        None => {
            items.push(Item::new(
                Severity::Note,
                "quotes-not-checked",
                "the quotes were not checked against their documents: give --sources DIR \
                 (the folder holding each source's `file`)"
                    .to_owned(),
            ));
            0
        }
    };
    unreachable_quotes(rules, &mut items);

    let analysis = match analyse(rules) {
        Ok(analysis) => analysis,
        Err(too_large) => {
            // Nothing about gaps, unreachable rules or contradictions can be
            // said of a rule set the check cannot cover: an error, so that
            // a CI step relying on the exit code does not pass it.
            items.push(Item::new(
                Severity::Error,
                "too-large",
                too_large.to_string(),
            ));
            return report(rules, 0, quotes_checked, items);
        }
    };
    if analysis.gaps > 0 {
        items.push(Item {
            examples: analysis.gap_examples.clone(),
            ..Item::new(
                Severity::Warning,
                "gap",
                format!(
                    "{} of {} answer combinations match no rule other than `info`; they go to clinician-review",
                    analysis.gaps, analysis.combinations
                ),
            )
        });
    }
    for &i in &analysis.never_fire {
        let message = format!(
            "rule `{}` never fires: no combination of answers matches its `when`",
            rules.rules[i].id
        );
        items.push(Item::new(Severity::Warning, "unreachable", message).rule(rules, i));
    }
    for &(i, by) in &analysis.masked {
        let message = format!(
            "rule `{}` never changes the outcome: rule `{}` has the same `when` and a more serious level",
            rules.rules[i].id, rules.rules[by].id
        );
        items.push(Item::new(Severity::Warning, "masked", message).rule(rules, i));
    }
    for c in &analysis.contradictions {
        let message = format!(
            "the {} is cited for {} by `{}` and for {} by `{}` on the same answers ({} combinations)",
            rules.sources[c.source].name,
            rules.rules[c.pass_rule].level,
            rules.rules[c.pass_rule].id,
            rules.rules[c.caution_rule].level,
            rules.rules[c.caution_rule].id,
            c.count
        );
        items.push(Item {
            examples: vec![c.example.clone()],
            ..Item::new(Severity::Warning, "contradiction", message).rule(rules, c.caution_rule)
        });
    }
    if rules.meta.review_overdue(today) {
        items.push(Item::new(
            Severity::Warning,
            "review-overdue",
            format!(
                "the rules were due for review by {} (today is {today}); review them and update `reviewed` and `review_by`",
                rules.meta.review_by
            ),
        ));
    }
    for &i in &analysis.disagreements {
        let rule = &rules.rules[i];
        let mut names: Vec<&str> = rule
            .citations
            .iter()
            .map(|c| rules.sources[c.source].name.as_str())
            .collect();
        names.dedup();
        let message = format!(
            "sources disagree (expected, shown in the summary): {}: {}",
            rule.conflict.as_deref().unwrap_or_default(),
            names.join(" vs ")
        );
        items.push(Item::new(Severity::Note, "disagreement", message).rule(rules, i));
    }
    report(rules, analysis.combinations, quotes_checked, items)
}

fn report(
    rules: &RuleSet,
    combinations: usize,
    quotes_checked: usize,
    mut items: Vec<Item>,
) -> CheckReport {
    items.sort_by_key(|i| i.severity);
    CheckReport {
        ruleset: Some(RuleSetSummary {
            name: rules.meta.name.clone(),
            version: rules.meta.version.clone(),
            review_by: rules.meta.review_by.clone(),
            rules: rules.rules.len(),
            questions: rules.questions.len(),
            sha256: rules.sha256.clone(),
        }),
        combinations,
        quotes_checked,
        items,
    }
}

/// Every citation of the rule set with what cites it (`rule `x``,
/// `before_you_book `y``, `claim `z``) and the rule's index for rules.
fn every_citation(rules: &RuleSet) -> Vec<(String, Option<usize>, &crate::ruleset::Citation)> {
    let mut all = Vec::new();
    for (index, rule) in rules.rules.iter().enumerate() {
        for citation in &rule.citations {
            all.push((format!("rule `{}`", rule.id), Some(index), citation));
        }
    }
    for advice in &rules.before_you_book {
        for citation in &advice.citations {
            all.push((format!("before_you_book `{}`", advice.id), None, citation));
        }
    }
    for claim in &rules.claims {
        for citation in claim
            .promise_citations
            .iter()
            .chain(&claim.evidence_citations)
        {
            all.push((format!("claim `{}`", claim.id), None, citation));
        }
    }
    for citation in &rules.meta.disclaimer_citations {
        all.push(("the disclaimer".to_owned(), None, citation));
    }
    all
}

/// The quotes no document here can confirm: those of sources without a
/// `file` (guidance, regulator and research pages, checked by hand against
/// the stored copy each source's comment names). Listed as one note.
fn unreachable_quotes(rules: &RuleSet, items: &mut Vec<Item>) {
    let mut by_source: Vec<(usize, usize)> = Vec::new();
    for (_, _, citation) in every_citation(rules) {
        if rules.sources[citation.source].file.is_some() {
            continue;
        }
        match by_source.iter_mut().find(|(s, _)| *s == citation.source) {
            Some((_, n)) => *n += 1,
            None => by_source.push((citation.source, 1)),
        }
    }
    if by_source.is_empty() {
        return;
    }
    let total: usize = by_source.iter().map(|(_, n)| n).sum();
    let listed: Vec<String> = by_source
        .iter()
        .map(|(s, n)| format!("{} ({n})", rules.sources[*s].id))
        .collect();
    items.push(Item::new(
        Severity::Note,
        "quotes-unreachable",
        format!(
            "{total} quotes cite sources with no document here, so they cannot be compared: {}",
            listed.join(", ")
        ),
    ));
}

/// Compares every quote (of rules, `before_you_book` entries and claims)
/// with its source document under `dir`; returns how many quotes were
/// compared.
fn check_quotes(rules: &RuleSet, dir: &Path, items: &mut Vec<Item>) -> usize {
    let mut documents: HashMap<usize, Option<quote::Document>> = HashMap::new();
    let mut checked = 0;
    for (owner, rule, citation) in every_citation(rules) {
        let source = &rules.sources[citation.source];
        let Some(file) = &source.file else { continue };
        let document = documents.entry(citation.source).or_insert_with(|| {
            let path = dir.join(file);
            // Bounded, and only a regular file: a FIFO or a device
            // given as a source is an error, not a hang.
            match limits::read_text_file(&path, limits::MAX_SOURCE_FILE_BYTES) {
                Ok(text) => Some(quote::Document::new(&text)),
                Err(e) => {
                    items.push(Item::new(
                        Severity::Error,
                        "source-missing",
                        format!(
                            "source `{}`: cannot read `{}`: {e}",
                            source.id,
                            path.display()
                        ),
                    ));
                    None
                }
            }
        });
        let Some(document) = document else { continue };
        checked += 1;
        if !document.contains(&citation.quote) {
            let message = format!(
                "{owner} quotes {:?}, which is not in `{file}` ({})",
                citation.quote, source.name
            );
            let item = Item::new(Severity::Error, "quote-not-found", message);
            items.push(match rule {
                Some(index) => item.rule(rules, index),
                None => item,
            });
        }
    }
    checked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_rule_set_has_only_the_expected_note() {
        let rules = RuleSet::embedded().unwrap();
        let report = check(&rules, None, "2026-11-21");
        let kinds: Vec<(Severity, &str)> =
            report.items.iter().map(|i| (i.severity, i.kind)).collect();
        assert_eq!(
            kinds,
            [
                (Severity::Note, "quotes-not-checked"),
                (Severity::Note, "quotes-unreachable"),
                (Severity::Note, "disagreement")
            ]
        );
        assert!(
            report
                .render_text()
                .ends_with("0 errors, 0 warnings, 3 notes\n")
        );
    }

    #[test]
    fn quotes_no_document_here_can_confirm_are_listed_by_source() {
        let rules = RuleSet::embedded().unwrap();
        let report = check(&rules, None, "2026-11-21");
        let note = report
            .items
            .iter()
            .find(|i| i.kind == "quotes-unreachable")
            .unwrap();
        // Every citation of a source without a file, of rules, "Before you
        // book" entries and claims, counted once.
        let citations = rules
            .rules
            .iter()
            .flat_map(|r| &r.citations)
            .chain(rules.before_you_book.iter().flat_map(|a| &a.citations))
            .chain(
                rules
                    .claims
                    .iter()
                    .flat_map(|c| c.promise_citations.iter().chain(&c.evidence_citations)),
            )
            .filter(|c| rules.sources[c.source].file.is_none())
            .count();
        assert!(
            note.message.starts_with(&format!(
                "{citations} quotes cite sources with no document here"
            )),
            "{}",
            note.message
        );
        assert!(
            note.message.contains("isscr-what-to-ask (7)"),
            "{}",
            note.message
        );
        assert!(
            note.message.contains("cochrane-2025 (1)"),
            "{}",
            note.message
        );
    }

    #[test]
    fn a_claim_quote_missing_from_its_document_is_an_error() {
        let mut rules = RuleSet::embedded().unwrap();
        // Each source's document holds every quote the rule set takes from
        // it (so the check needs no copy of the real documents)...
        let documents = tempfile::tempdir().unwrap();
        let mut texts: HashMap<&str, String> = HashMap::new();
        for (_, _, citation) in every_citation(&rules) {
            if let Some(file) = &rules.sources[citation.source].file {
                let text = texts.entry(file).or_default();
                text.push_str(&citation.quote);
                text.push_str("\n\n");
            }
        }
        for (file, text) in &texts {
            std::fs::write(documents.path().join(file), text).unwrap();
        }
        // ...but one quote, changed.
        rules.claims[0].promise_citations[0].quote = "the risk is zero".to_owned();
        let report = check(&rules, Some(documents.path()), "2026-11-21");
        let missing: Vec<&str> = report
            .items
            .iter()
            .filter(|i| i.kind == "quote-not-found")
            .map(|i| i.message.as_str())
            .collect();
        assert_eq!(missing.len(), 1, "{missing:?}");
        assert!(
            missing[0].starts_with("claim `side-effects` quotes \"the risk is zero\""),
            "{missing:?}"
        );
    }

    #[test]
    fn warns_when_the_review_date_has_passed() {
        let rules = RuleSet::embedded().unwrap();
        let day_after = check(&rules, None, "2027-05-22");
        assert!(day_after.items.iter().any(|i| i.kind == "review-overdue"));
        let on_the_day = check(&rules, None, &rules.meta.review_by.clone());
        assert!(!on_the_day.items.iter().any(|i| i.kind == "review-overdue"));
    }
}
