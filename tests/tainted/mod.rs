//! A rule set whose every string a summary can show has been changed
//! (controls, bidi overrides, ...), and an oracle that checks an output for
//! characters the sanitizing policy forbids. Shared by `tests/sanitizing.rs`
//! and `tests/properties.rs`.
#![allow(dead_code)] // each test file uses its own part
#![allow(clippy::unwrap_used)] // a panic is how a test reports failure

use candidacy::answers::{AnswerSet, Answers, Value};
use candidacy::evaluate::evaluate;
use candidacy::explain::explain;
use candidacy::render::{Audience, Report, fhir, html, json, markdown, text};
use candidacy::ruleset::{Citation, QuestionKind, RuleSet};

/// `rules` with `change` applied to every string that can reach an output:
/// meta, `[text]` (every field), level words, ids, questions, options,
/// sources, rules, citations and "Before you book".
pub fn tainted(rules: &RuleSet, change: &dyn Fn(&str) -> String) -> RuleSet {
    let mut rules = rules.clone();
    let edit = |s: &mut String| *s = change(s);
    let meta = &mut rules.meta;
    for s in [
        &mut meta.name,
        &mut meta.version,
        &mut meta.language,
        &mut meta.disclaimer,
    ] {
        edit(s);
    }
    // Every `[text]` field, through its serde form, so none is missed.
    let mut text = serde_json::to_value(&rules.text).unwrap();
    if let serde_json::Value::Object(map) = &mut text {
        for value in map.values_mut() {
            if let serde_json::Value::String(s) = value {
                *s = change(s);
            }
        }
    }
    rules.text = serde_json::from_value(text).unwrap();
    let levels = &mut rules.levels;
    for level in [
        &mut levels.urgent_care,
        &mut levels.not_suitable_now,
        &mut levels.clinician_review,
        &mut levels.may_be_suitable,
        &mut levels.info,
    ] {
        edit(&mut level.label);
        edit(&mut level.explanation);
    }
    for question in &mut rules.questions {
        edit(&mut question.id);
        edit(&mut question.prompt);
        edit(&mut question.help);
        if let QuestionKind::Choice(options) | QuestionKind::Multi(options) = &mut question.kind {
            for option in options {
                edit(&mut option.id);
                edit(&mut option.label);
            }
        }
    }
    for source in &mut rules.sources {
        for s in [
            &mut source.id,
            &mut source.name,
            &mut source.title,
            &mut source.publisher,
        ] {
            edit(s);
        }
        for s in [&mut source.date, &mut source.url].into_iter().flatten() {
            edit(s);
        }
    }
    let quotes = |citations: &mut Vec<Citation>| {
        for citation in citations {
            citation.quote = change(&citation.quote);
        }
    };
    for rule in &mut rules.rules {
        edit(&mut rule.id);
        edit(&mut rule.message);
        if let Some(conflict) = &mut rule.conflict {
            edit(conflict);
        }
        quotes(&mut rule.citations);
    }
    for advice in &mut rules.before_you_book {
        edit(&mut advice.id);
        edit(&mut advice.text);
        quotes(&mut advice.citations);
    }
    rules
}

/// The first answer of each question (the smallest number for a number
/// question), as a complete answer set.
pub fn first_answers(rules: &RuleSet) -> AnswerSet {
    let mut answers = Answers::new(rules);
    for (i, question) in rules.questions.iter().enumerate() {
        answers.set(
            i,
            match &question.kind {
                QuestionKind::Choice(_) => Value::Choice(0),
                QuestionKind::Multi(_) => {
                    Value::Several(candidacy::ruleset::OptionSet::from_indices([0]))
                }
                QuestionKind::Number { min, .. } => Value::Number(*min),
            },
        );
    }
    answers.complete(rules).unwrap()
}

/// Every format's output for `answers`, with `--explain`, for `audience`:
/// (format name, output).
pub fn every_output(
    rules: &RuleSet,
    answers: &AnswerSet,
    audience: Audience,
) -> Vec<(&'static str, String)> {
    let assessment = evaluate(rules, answers);
    let explanation = explain(rules, answers, &assessment);
    let report = Report {
        rules,
        answers,
        assessment: &assessment,
        review_overdue: true,
        explanation: Some(&explanation),
        audience,
        details: false,
        created: "2026-01-02T03:04:05Z",
        zone: "UTC",
    };
    // A patient's short summary and its details show different strings.
    let details = Report {
        details: true,
        ..report
    };
    let mut plain = text::TextOptions::new(60);
    plain.plain = true;
    vec![
        ("text", text::render(&report, text::TextOptions::new(80))),
        ("text --plain", text::render(&report, plain)),
        (
            "text --details",
            text::render(&details, text::TextOptions::new(80)),
        ),
        ("json", json::render(&report)),
        ("markdown", markdown::render(&report)),
        ("markdown --details", markdown::render(&details)),
        ("html", html::render(&report).unwrap()),
        ("fhir", fhir::response(&report)),
        ("fhir questionnaire", fhir::questionnaire(rules)),
    ]
}

/// Whether the sanitizing policy forbids `c` in an output: a C0 control
/// other than a line break, DEL, a C1 control, or a bidirectional
/// formatting character (embedding, override, isolate or mark), an
/// invisible format character (soft hyphen, zero width characters, word
/// joiner, invisible operators, U+FEFF, U+180E) or a line or paragraph
/// separator (U+2028, U+2029).
pub fn forbidden(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{9}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        | '\u{ad}' | '\u{180e}' | '\u{200b}'..='\u{200d}' | '\u{2060}'..='\u{2064}' | '\u{feff}'
        | '\u{2028}' | '\u{2029}')
}

/// Every forbidden character in `output`: as written, behind a numeric
/// character reference (`&#27;`, `&#x202E;`) and, for JSON, behind a JSON
/// escape (in any decoded string or key). Empty when the output is clean.
pub fn forbidden_in(output: &str) -> Vec<char> {
    let mut found: Vec<char> = output.chars().filter(|&c| forbidden(c)).collect();
    let mut rest = output;
    while let Some(at) = rest.find("&#") {
        rest = &rest[at + 2..];
        let end = rest.find(';').unwrap_or(0);
        let (digits, radix) = match rest[..end].strip_prefix(['x', 'X']) {
            Some(hex) => (hex, 16),
            None => (&rest[..end], 10),
        };
        if let Some(c) = u32::from_str_radix(digits, radix)
            .ok()
            .and_then(char::from_u32)
        {
            found.extend(Some(c).filter(|&c| forbidden(c)));
        }
    }
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(output) {
        let mut strings = Vec::new();
        collect_strings(&value, &mut strings);
        found.extend(
            strings
                .iter()
                .flat_map(|s| s.chars())
                .filter(|&c| forbidden(c)),
        );
    }
    found
}

fn collect_strings(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_strings(v, out)),
        serde_json::Value::Object(map) => {
            for (key, v) in map {
                out.push(key.clone());
                collect_strings(v, out);
            }
        }
        _ => {}
    }
}
