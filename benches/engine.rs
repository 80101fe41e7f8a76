//! Benchmarks of the engine (targets from issue 3):
//! - evaluating one answer set against the built-in rules: under 1 µs;
//! - the full `rules check` of the built-in rules (load, exhaustive analysis
//!   over every answer combination, review date): under 100 ms.
//!
//! - loading the built-in rules plus 10,000 more: well under 100 ms (issue
//!   13: locating each rule by rescanning its file made this seconds);
//! - the "too large" verdict of `rules check` on ten questions of 16 options
//!   whose combinations the rules all tell apart: under a second (issue 13:
//!   a linear search of the classes made this 52 s).
//!
//! Run with `cargo bench --bench engine`; the README quotes the figures.

use std::hint::black_box;

use candidacy::answers::Answers;
use candidacy::check::check;
use candidacy::evaluate::evaluate;
use candidacy::ruleset::{EMBEDDED_FILES, RuleFile, RuleSet};
use criterion::{Criterion, criterion_group, criterion_main};

fn engine(c: &mut Criterion) {
    let rules = RuleSet::embedded().expect("the built-in rules load");
    let mut answers = Answers::new(&rules);
    for (question, answer) in [
        ("warning_signs", "none"),
        ("condition", "knee-arthritis"),
        ("duration", "over-a-year"),
        ("severity", "moderate"),
        ("imaging", "moderate"),
        ("age", "54"),
        ("active_infection", "no"),
        ("health", "none"),
        ("prior_treatments", "rest,physical-therapy"),
    ] {
        answers
            .give(&rules, question, answer)
            .expect("a valid answer");
    }
    let answers = answers.complete(&rules).expect("every question answered");

    c.bench_function("evaluate one answer set", |b| {
        b.iter(|| evaluate(black_box(&rules), black_box(&answers)).outcome)
    });
    c.bench_function("load the built-in rules", |b| {
        b.iter(|| RuleSet::embedded().map(|r| r.rules.len()))
    });
    let mut group = c.benchmark_group("rules check");
    group.sample_size(20);
    group.bench_function("built-in rules, load and check", |b| {
        b.iter(|| {
            let rules = RuleSet::embedded().expect("the built-in rules load");
            check(&rules, None, black_box("2026-11-21")).items.len()
        })
    });
    group.finish();

    let many = with_extra(&ten_thousand_rules());
    c.bench_function("load 10000 rules", |b| {
        b.iter(|| {
            RuleSet::from_files(black_box(many.clone()))
                .map(|r| r.rules.len())
                .expect("the rules load")
        })
    });
    let wide = with_extra(&ten_wide_questions());
    let mut group = c.benchmark_group("rules check");
    group.sample_size(10);
    group.bench_function("too large verdict", |b| {
        b.iter(|| {
            let rules = RuleSet::from_files(black_box(wide.clone())).expect("the rules load");
            let report = check(&rules, None, "2026-11-21");
            assert!(report.items.iter().any(|i| i.kind == "too-large"));
            report.items.len()
        })
    });
    group.finish();
}

/// The built-in rule files and one more.
fn with_extra(extra: &str) -> Vec<RuleFile> {
    let mut files: Vec<RuleFile> = EMBEDDED_FILES
        .iter()
        .map(|(name, text)| RuleFile {
            name: format!("rules/{name}"),
            text: (*text).to_owned(),
        })
        .collect();
    files.push(RuleFile {
        name: "rules/extra.toml".to_owned(),
        text: extra.to_owned(),
    });
    files
}

fn rule(id: &str, when: &str) -> String {
    format!(
        "[[rule]]\nid = \"{id}\"\nlevel = \"clinician-review\"\n\
         message = \"The Defiage blog post speaks of severe joint damage.\"\n{when}\n\
         cite = [{{ source = \"defiage\", quote = \"severe joint damage\" }}]\n\n"
    )
}

fn ten_thousand_rules() -> String {
    (0..10_000)
        .map(|i| {
            rule(
                &format!("extra-{i}"),
                "when.severity = { in = [\"severe\"] }",
            )
        })
        .collect()
}

/// Ten several-choice questions of 16 options, with a rule on each option.
fn ten_wide_questions() -> String {
    let mut text = String::new();
    for q in 0..10 {
        text.push_str(&format!(
            "[[question]]\nid = \"q{q}\"\nkind = \"multi\"\nprompt = \"P?\"\nhelp = \"H.\"\n"
        ));
        for o in 0..16 {
            text.push_str(&format!(
                "[[question.option]]\nid = \"o{o}\"\nlabel = \"O {o}\"\n"
            ));
        }
        for o in 0..16 {
            text.push_str(&rule(
                &format!("q{q}-o{o}"),
                &format!("when.q{q} = {{ any = [\"o{o}\"] }}"),
            ));
        }
    }
    text
}

criterion_group!(benches, engine);
criterion_main!(benches);
