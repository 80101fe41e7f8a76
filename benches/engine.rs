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
//! - the exhaustive analysis (`analyse`) of the built-in rules, and of the
//!   shape issue 14 brings (every question after the warning signs asked
//!   only without one; `duration`, `imaging` and a 10-option `health`
//!   question with a rule per condition), and `rules check` of that shape:
//!   under 100 ms (the product of its answers is about 3 * 10^11).
//!
//! Run with `cargo bench --bench engine`; the README quotes the figures.

use std::hint::black_box;

use candidacy::analysis::analyse;
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

    let coming = coming_shape();
    let mut group = c.benchmark_group("analyse");
    group.bench_function("built-in rules", |b| {
        b.iter(|| analyse(black_box(&rules)).map(|a| a.combinations))
    });
    group.bench_function("issue 14 shape", |b| {
        let rules = RuleSet::from_files(coming.clone()).expect("the rules load");
        b.iter(|| analyse(black_box(&rules)).map(|a| a.combinations))
    });
    group.finish();
    let mut group = c.benchmark_group("rules check");
    group.sample_size(20);
    group.bench_function("issue 14 shape, load and check", |b| {
        b.iter(|| {
            let rules = RuleSet::from_files(black_box(coming.clone())).expect("the rules load");
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

/// The built-in rule files grown to the shape issue 14 brings: every
/// question of `questionnaire.toml` asked only without a warning sign, and
/// `zz-coming.toml` (after it) with `duration` (5 answers, one unsure),
/// `imaging` (5 answers, two unsure; asked for arthritis only) and `health`
/// (8 conditions, each with its own clinician-review rule, and exclusive
/// `none` and `unsure`).
fn coming_shape() -> Vec<RuleFile> {
    let no_sign = "ask_when.warning_signs = { any = [\"none\"] }";
    let mut files: Vec<RuleFile> = EMBEDDED_FILES
        .iter()
        .map(|(name, text)| RuleFile {
            name: format!("rules/{name}"),
            text: if *name == "questionnaire.toml" {
                text.lines()
                    .map(|line| {
                        if line.starts_with("kind = ") {
                            format!("{line}\n{no_sign}\n")
                        } else {
                            format!("{line}\n")
                        }
                    })
                    .collect()
            } else {
                (*text).to_owned()
            },
        })
        .collect();
    files.push(RuleFile {
        name: "rules/zz-coming.toml".to_owned(),
        text: coming_questions(),
    });
    files
}

/// The questions and rules `coming_shape` adds.
fn coming_questions() -> String {
    let no_sign = "ask_when.warning_signs = { any = [\"none\"] }";
    let mut text = String::new();
    let mut choice = |id: &str, options: &[(&str, bool)], ask_when: &str| {
        text.push_str(&format!(
            "[[question]]\nid = \"{id}\"\nkind = \"choice\"\nprompt = \"P?\"\nhelp = \"H.\"\n{ask_when}\n"
        ));
        for (o, unsure) in options {
            text.push_str(&format!(
                "[[question.option]]\nid = \"{o}\"\nlabel = \"L\"\nunsure = {unsure}\n"
            ));
        }
    };
    choice(
        "duration",
        &[
            ("weeks", false),
            ("months", false),
            ("year", false),
            ("years", false),
            ("unsure", true),
        ],
        no_sign,
    );
    choice(
        "imaging",
        &[
            ("none", false),
            ("mild", false),
            ("severe", false),
            ("not-checked", true),
            ("unsure", true),
        ],
        &format!(
            "{no_sign}\nask_when.condition = {{ in = [\"knee-arthritis\", \"hip-arthritis\", \"shoulder-arthritis\"] }}"
        ),
    );
    text.push_str(&format!(
        "[[question]]\nid = \"health\"\nkind = \"multi\"\nprompt = \"P?\"\nhelp = \"H.\"\n{no_sign}\n"
    ));
    for o in 0..8 {
        text.push_str(&format!(
            "[[question.option]]\nid = \"h{o}\"\nlabel = \"L\"\n"
        ));
    }
    text.push_str(
        "[[question.option]]\nid = \"none\"\nlabel = \"L\"\nexclusive = true\n\
         [[question.option]]\nid = \"unsure\"\nlabel = \"L\"\nexclusive = true\nunsure = true\n",
    );
    for o in 0..8 {
        text.push_str(&format!(
            "[[rule]]\nid = \"health-h{o}\"\nlevel = \"clinician-review\"\n\
             message = \"A clinician should weigh this.\"\nwhen.health = {{ any = [\"h{o}\"] }}\n\
             cite = [{{ source = \"isscr-what-to-ask\", quote = \"Ask\" }}]\n\n"
        ));
    }
    text
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
