//! Benchmarks of the engine (targets from issue 3):
//! - evaluating one answer set against the built-in rules: under 1 µs;
//! - the full `rules check` of the built-in rules (load, exhaustive analysis
//!   over every answer combination, review date): under 100 ms.
//!
//! Run with `cargo bench --bench engine`; the README quotes the figures.

use std::hint::black_box;

use candidacy::answers::Answers;
use candidacy::check::check;
use candidacy::evaluate::evaluate;
use candidacy::ruleset::RuleSet;
use criterion::{Criterion, criterion_group, criterion_main};

fn engine(c: &mut Criterion) {
    let rules = RuleSet::embedded().expect("the built-in rules load");
    let mut answers = Answers::new(&rules);
    for (question, answer) in [
        ("warning_signs", "none"),
        ("condition", "knee-arthritis"),
        ("severity", "moderate"),
        ("age", "54"),
        ("active_infection", "no"),
        ("prior_treatments", "rest,physical-therapy"),
    ] {
        answers
            .give(&rules, question, answer)
            .expect("a valid answer");
    }
    let answers = answers.complete().expect("every question answered");

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
}

criterion_group!(benches, engine);
criterion_main!(benches);
