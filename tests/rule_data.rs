//! Checks on the default rule files as data: the questionnaire contract,
//! every quote found in its source document, wording and attribution.
#![allow(clippy::unwrap_used)] // a panic is how a test reports failure

use std::path::Path;

use candidacy::check::{Severity, check};
use candidacy::ruleset::{QuestionKind, RuleSet, SourceKind};

fn rules() -> RuleSet {
    RuleSet::embedded().expect("the default rule set loads")
}

#[test]
fn the_questionnaire_matches_the_contract() {
    let rules = rules();
    let ids: Vec<&str> = rules.questions.iter().map(|q| q.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "condition",
            "severity",
            "age",
            "active_infection",
            "prior_treatments"
        ]
    );
    let options = |id: &str| -> Vec<String> {
        let q = &rules.questions[rules.question_index(id).unwrap()];
        q.options().iter().map(|o| o.id.clone()).collect()
    };
    assert_eq!(
        options("condition"),
        [
            "knee-arthritis",
            "hip-arthritis",
            "shoulder-arthritis",
            "hip-or-shoulder-injury",
            "disc-degeneration",
            "non-healing-fracture",
            "tendon-injury",
            "ligament-tear",
            "sports-injury",
            "cartilage-degeneration",
            "other",
        ]
    );
    assert_eq!(
        options("severity"),
        ["mild", "moderate", "severe", "unsure"]
    );
    assert_eq!(options("active_infection"), ["yes", "no", "unsure"]);
    assert_eq!(
        options("prior_treatments"),
        [
            "rest",
            "physical-therapy",
            "medication",
            "injections",
            "surgery",
            "none"
        ]
    );
    let kinds: Vec<&str> = rules
        .questions
        .iter()
        .map(|q| match q.kind {
            QuestionKind::Choice(_) => "choice",
            QuestionKind::Multi(_) => "multi",
            QuestionKind::Number { min: 0, max: 120 } => "age 0-120",
            QuestionKind::Number { .. } => "number",
        })
        .collect();
    assert_eq!(kinds, ["choice", "choice", "age 0-120", "choice", "multi"]);
    let treatments = &rules.questions[4];
    let exclusive: Vec<&str> = treatments
        .options()
        .iter()
        .filter(|o| o.exclusive)
        .map(|o| o.id.as_str())
        .collect();
    assert_eq!(exclusive, ["none"]);
    for q in &rules.questions {
        assert!(
            !q.prompt.trim().is_empty() && !q.help.trim().is_empty(),
            "{}",
            q.id
        );
        let unsure: Vec<&str> = q
            .options()
            .iter()
            .filter(|o| o.unsure)
            .map(|o| o.id.as_str())
            .collect();
        let expected: &[&str] = if q.option_index("unsure").is_some() {
            &["unsure"]
        } else {
            &[]
        };
        assert_eq!(unsure, expected, "`unsure` options of {}", q.id);
    }
}

#[test]
fn every_quote_appears_in_its_source_document() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
    if !seeds.is_dir() {
        eprintln!(
            "skipped: {} is absent, so quotes cannot be checked against the documents",
            seeds.display()
        );
        return;
    }
    let rules = rules();
    let report = check(&rules, Some(&seeds), &rules.meta.reviewed);
    let errors: Vec<&str> = report
        .items
        .iter()
        .filter(|i| i.severity == Severity::Error)
        .map(|i| i.message.as_str())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let citations = rules.rules.iter().flat_map(|r| &r.citations).count();
    assert_eq!(report.quotes_checked, citations, "every quote was compared");
}

#[test]
fn quotes_are_short_phrases_not_copies_of_the_documents() {
    for rule in &rules().rules {
        for citation in &rule.citations {
            let words = citation.quote.split_whitespace().count();
            assert!(
                words <= 16,
                "rule `{}` quotes {words} words: {:?}",
                rule.id,
                citation.quote
            );
        }
    }
}

/// Every string a person reads in the rule files, except quotes (which are
/// the sources' own words).
fn readable_strings() -> Vec<(String, String)> {
    fn walk(path: &str, value: &toml::Value, out: &mut Vec<(String, String)>) {
        match value {
            toml::Value::String(s) => out.push((path.to_owned(), s.clone())),
            toml::Value::Array(items) => items.iter().for_each(|v| walk(path, v, out)),
            toml::Value::Table(table) => {
                for (key, v) in table {
                    if !matches!(
                        key.as_str(),
                        "quote"
                            | "id"
                            | "source"
                            | "file"
                            | "url"
                            | "kind"
                            | "level"
                            | "in"
                            | "any"
                            | "all"
                            | "none"
                    ) {
                        walk(&format!("{path}.{key}"), v, out);
                    }
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for (name, text) in candidacy::ruleset::EMBEDDED_FILES {
        let value: toml::Value = toml::from_str(text).unwrap();
        walk(name, &value, &mut out);
    }
    out
}

/// The verdict or promise word `text` uses, if any: whole words (with
/// "guarantee" also catching "guaranteed"), and phrases as written.
fn banned_word(text: &str) -> Option<&'static str> {
    const WORDS: [&str; 7] = [
        "candidate",
        "candidates",
        "eligible",
        "eligibility",
        "approved",
        "cure",
        "cures",
    ];
    const PREFIXES: [&str; 1] = ["guarantee"];
    const PHRASES: [&str; 2] = ["risk-free", "safe and effective"];
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .collect();
    WORDS
        .into_iter()
        .find(|w| words.contains(w))
        .or_else(|| {
            PREFIXES
                .into_iter()
                .find(|p| words.iter().any(|w| w.starts_with(p)))
        })
        .or_else(|| PHRASES.into_iter().find(|p| lower.contains(p)))
}

#[test]
fn the_banned_word_check_finds_whole_words_only() {
    assert_eq!(banned_word("You are a Candidate."), Some("candidate"));
    assert_eq!(banned_word("Results are guaranteed"), Some("guarantee"));
    assert_eq!(
        banned_word("It is safe and effective"),
        Some("safe and effective")
    );
    assert_eq!(banned_word("a secure, accurate procedure"), None);
}

#[test]
fn no_text_uses_verdict_or_promise_words() {
    let strings = readable_strings();
    assert!(strings.len() > 50, "found the text: {}", strings.len());
    for (path, text) in strings {
        assert_eq!(banned_word(&text), None, "{path}: {text}");
    }
}

#[test]
fn every_rule_message_is_attributed_to_its_sources() {
    let rules = rules();
    for rule in &rules.rules {
        let names: Vec<&str> = rule
            .citations
            .iter()
            .map(|c| rules.sources[c.source].name.as_str())
            .collect();
        let attributed =
            names.iter().any(|n| rule.message.contains(n)) || rule.message.contains("source");
        assert!(
            attributed,
            "rule `{}` does not say whose claim it is: {}",
            rule.id, rule.message
        );
    }
}

#[test]
fn both_default_sources_are_marked_as_clinic_marketing() {
    let rules = rules();
    assert_eq!(rules.sources.len(), 2);
    assert!(
        rules
            .sources
            .iter()
            .all(|s| s.kind == SourceKind::ClinicMarketing)
    );
}

#[test]
fn the_disclaimer_refers_the_decision_to_a_clinician() {
    let disclaimer = rules().meta.disclaimer.to_lowercase();
    for phrase in [
        "education",
        "not a diagnosis",
        "qualified clinician",
        "evaluation",
    ] {
        assert!(disclaimer.contains(phrase), "disclaimer lacks `{phrase}`");
    }
}

/// The built-in rules carry a review-by date; once it passes, every summary
/// warns and the snapshots change. This test says why, on purpose: stale
/// rules are a hazard, so the fix is a review, not a new snapshot.
#[test]
fn the_built_in_rules_are_not_overdue_for_review() {
    let rules = rules();
    let today = candidacy::date::today_utc();
    assert!(
        !rules.meta.review_overdue(&today),
        "the built-in rules were due for review by {} (today is {today}): review \
         rules/ and update `reviewed` and `review_by` in rules/ruleset.toml",
        rules.meta.review_by
    );
    assert!(rules.meta.reviewed < rules.meta.review_by);
}
