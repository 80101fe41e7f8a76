//! Snapshots of the rendered summaries for representative answer sets. The
//! text is rendered at the fixed width used when standard output is not a
//! terminal. Review changes with `cargo insta review`.
#![allow(clippy::unwrap_used)] // a panic is how a test reports failure

mod common;

use common::{EXAMPLES, example};

use assert_cmd::cargo::cargo_bin_cmd;
use candidacy::answers::{Answers, DocumentFormat};
use candidacy::evaluate::evaluate;
use candidacy::render::{Audience, Report, text};
use candidacy::ruleset::RuleSet;

/// Replaces every run's own date and time (the summary's `created`) with
/// placeholders; the rule set's review dates stay.
fn redact(text: &str) -> String {
    // `d` is any ASCII digit; every other character must match itself.
    const MASKS: [(&str, &str); 4] = [
        ("dddd-dd-ddTdd:dd:ddZ", "[created]"),
        ("dddd-dd-ddTdd:dd:dd+dd:dd", "[created]"),
        ("dddd-dd-ddTdd:dd:dd-dd:dd", "[created]"),
        ("dddd-dd-dd at dd:dd", "[date] at [time]"),
    ];
    let bytes = text.as_bytes();
    let matches = |at: usize, mask: &str| {
        mask.len() <= bytes.len() - at
            && mask.bytes().zip(&bytes[at..]).all(|(m, &b)| match m {
                b'd' => b.is_ascii_digit(),
                m => m == b,
            })
    };
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    while at < bytes.len() {
        if let Some((mask, with)) = MASKS.iter().find(|(mask, _)| matches(at, mask)) {
            out.push_str(with);
            at += mask.len();
        } else {
            let c = text[at..].chars().next().unwrap();
            out.push(c);
            at += c.len_utf8();
        }
    }
    out
}

#[test]
fn redaction_replaces_the_time_made_and_nothing_else() {
    assert_eq!(
        redact(
            "“created”: \"2026-11-21T14:05:09Z\", Made on 2026-11-21 at 14:05 UTC; reviewed 2026-11-21"
        ),
        "“created”: \"[created]\", Made on [date] at [time] UTC; reviewed 2026-11-21"
    );
    assert_eq!(
        redact("\"2026-11-21T08:05:09-06:00\" \"2026-11-21T19:35:09+05:30\""),
        "\"[created]\" \"[created]\""
    );
}

/// The summary of an example answer file with `args`, its time redacted.
fn summary(name: &str, args: &[&str]) -> String {
    // Made in UTC, so the zone in the snapshots is the same everywhere.
    let output = cargo_bin_cmd!("candidacy")
        .env("TZ", "UTC")
        .args(args)
        .arg("--answers")
        .arg(example(name))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    redact(&String::from_utf8(output.stdout).unwrap())
}

fn run(name: &str, format: &str) -> String {
    summary(name, &["--format", format])
}

#[test]
fn text_summaries() {
    for example in EXAMPLES {
        insta::assert_snapshot!(format!("text-{example}"), run(example, "text"));
    }
    // A patient's summary in full.
    insta::assert_snapshot!(
        "details-knee-moderate.toml",
        summary("knee-moderate.toml", &["--details"])
    );
}

#[test]
fn explained_summaries() {
    for format in ["text", "json"] {
        insta::assert_snapshot!(
            format!("explain-teen-sports-injury-{format}"),
            summary(
                "teen-sports-injury.toml",
                &["--explain", "--format", format]
            )
        );
    }
}

#[test]
fn staff_summaries_name_rules_and_cite_in_full() {
    for name in ["knee-moderate.toml", "back-pain-warning-signs.toml"] {
        insta::assert_snapshot!(
            format!("staff-{name}"),
            summary(name, &["--audience", "staff"])
        );
    }
}

#[test]
fn json_summaries() {
    for example in [
        "knee-severe.json",
        "teen-sports-injury.toml",
        "back-pain-warning-signs.toml",
    ] {
        insta::assert_snapshot!(format!("json-{example}"), run(example, "json"));
    }
}

#[test]
fn markdown_html_and_fhir_summaries() {
    for example in [
        "knee-moderate.toml",
        "back-pain-warning-signs.toml",
        "knee-severe.json",
    ] {
        for format in ["markdown", "html", "fhir"] {
            insta::assert_snapshot!(format!("{format}-{example}"), run(example, format));
        }
    }
}

#[test]
fn the_fhir_questionnaire() {
    let output = cargo_bin_cmd!("candidacy")
        .args(["questionnaire", "--format", "fhir"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    insta::assert_snapshot!(
        "fhir-questionnaire",
        String::from_utf8(output.stdout).unwrap()
    );
}

#[test]
fn the_text_summary_fits_60_columns() {
    let rules = RuleSet::embedded().unwrap();
    let path = example("knee-severe.json");
    let mut answers = Answers::new(&rules);
    answers
        .give_document(
            &rules,
            &std::fs::read_to_string(path).unwrap(),
            DocumentFormat::Json,
        )
        .unwrap();
    let answers = answers.complete(&rules).unwrap();
    let assessment = evaluate(&rules, &answers);
    let report = Report {
        rules: &rules,
        answers: &answers,
        assessment: &assessment,
        review_overdue: false,
        explanation: None,
        audience: Audience::Patient,
        details: false,
        created: "2026-01-02T03:04:05Z",
        zone: "UTC",
    };
    for details in [false, true] {
        let report = Report { details, ..report };
        let summary = text::render(&report, text::TextOptions::new(60));
        for line in summary.lines() {
            assert!(
                line.chars().count() <= 60,
                "{} columns: {line}",
                line.chars().count()
            );
        }
        let joined = summary.split_whitespace().collect::<Vec<_>>().join(" ");
        // The disagreement is a reason in the short summary (its `reason`),
        // a section of its own in the details.
        let disagree = rules
            .rules
            .iter()
            .find(|r| r.conflict.is_some())
            .and_then(|r| r.reason.as_deref())
            .unwrap();
        assert!(details || joined.contains(disagree), "{summary}");
        assert_eq!(summary.contains("Where the sources disagree"), details);
        assert!(joined.contains("Only a qualified clinician can decide"));
        // On a terminal, short or not, it ends with the action and the
        // outcome, so they are on screen when the interview ends.
        let mut options = text::TextOptions::new(60);
        options.repeat_action = true;
        let on_screen = text::render(&report, options);
        let last: Vec<&str> = on_screen.lines().rev().take(2).collect();
        assert_eq!(last[1], report.action(), "details {details}");
        assert_eq!(
            last[0],
            format!("Outcome: {}", rules.levels.get(assessment.outcome).label),
            "details {details}"
        );
    }
}

/// The lines of a patient's short text summary of an example, as a file or
/// a pipe gets it (80 columns).
fn short_lines(name: &str) -> Vec<String> {
    run(name, "text").lines().map(str::to_owned).collect()
}

#[test]
fn the_short_summary_fits_one_screen_with_the_action_first() {
    let rules = RuleSet::embedded().unwrap();
    for (name, most) in [
        // The typical summary and an urgent one.
        ("knee-moderate.toml", 60),
        ("back-pain-warning-signs.toml", 30),
    ] {
        let lines = short_lines(name);
        assert!(lines.len() <= most, "{name}: {} lines", lines.len());
        // The action, then the outcome in words.
        assert!(
            candidacy::level::Level::ALL
                .iter()
                .any(|&l| lines[0] == rules.levels.get(l).action)
                || rules
                    .rules
                    .iter()
                    .any(|r| r.action.as_deref() == Some(&lines[0])),
            "{name}: {}",
            lines[0]
        );
        assert!(lines[1].starts_with("Outcome: "), "{name}");
        // No box-drawn tables for sentences.
        assert!(!lines.iter().any(|l| l.contains('│')), "{name}");
    }
}

#[test]
fn a_patients_urgent_summary_says_nothing_about_the_therapy_but_that_it_can_wait() {
    let rules = RuleSet::embedded().unwrap();
    for args in [
        &[][..],
        &["--details"],
        &["--format", "markdown"],
        &["--format", "html"],
    ] {
        let out = summary("back-pain-warning-signs.toml", args);
        assert!(out.contains(&rules.text.urgent_then), "{args:?}");
        for absent in [
            rules
                .levels
                .get(candidacy::level::Level::MayBeSuitable)
                .label
                .as_str(),
            &rules.text.before_you_book_heading,
            &rules.text.claims_heading,
            "bone marrow is taken",
        ] {
            assert!(!out.contains(absent), "{args:?}: {absent}\n{out}");
        }
    }
    // Staff see the whole record.
    let staff = summary("back-pain-warning-signs.toml", &["--audience", "staff"]);
    assert!(staff.contains(&rules.text.before_you_book_heading));
}

#[test]
fn a_short_summary_that_is_not_a_pass_shows_no_finding_that_would_pass() {
    // The sources disagree about severe damage: the Johnson page's pass is
    // one side of the disagreement (a reason), never a note of its own.
    let rules = RuleSet::embedded().unwrap();
    let pass = rules
        .rules
        .iter()
        .find(|r| r.id == "jmc-advanced-arthritis")
        .unwrap();
    for format in ["text", "markdown"] {
        let short = run("knee-severe.json", format);
        let words = short.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(words.contains("Outcome: A clinician needs to review this"));
        assert!(!words.contains(&pass.message), "{format}:\n{short}");
    }
    // The details show it, with its level.
    let details = summary("knee-severe.json", &["--format", "markdown", "--details"]);
    assert!(details.contains(&pass.message), "{details}");
}

#[test]
fn a_not_for_now_summary_carries_no_procedure_or_recovery_notes() {
    let rules = RuleSet::embedded().unwrap();
    let notes: Vec<&str> = rules
        .rules
        .iter()
        .filter(|r| r.procedure)
        .map(|r| r.message.as_str())
        .collect();
    assert!(notes.len() >= 5, "the procedure notes are marked");
    for args in [
        &[][..],
        &["--details"],
        &["--format", "html"],
        &["--format", "json"],
    ] {
        let not_now = summary("active-infection.toml", args);
        let json = args.contains(&"json");
        for note in &notes {
            // JSON lists every finding, for the systems that read it.
            assert_eq!(not_now.contains(note), json, "{args:?}: {note}");
        }
    }
    // A pass shows them in the details.
    let pass = summary("knee-moderate.toml", &["--details", "--format", "markdown"]);
    assert!(notes.iter().all(|n| pass.contains(n)));
}

#[test]
fn the_reason_for_a_fallback_is_rendered_in_text_and_json() {
    use candidacy::level::Level;
    use candidacy::render::json;
    let mut rules = RuleSet::embedded().unwrap();
    let mut answers = Answers::new(&rules);
    for (k, v) in [
        ("warning_signs", "none"),
        ("condition", "knee-arthritis"),
        ("duration", "over-a-year"),
        ("severity", "moderate"),
        ("imaging", "unsure"),
        ("age", "50"),
        ("active_infection", "no"),
        ("health", "none"),
        ("prior_treatments", "rest"),
    ] {
        answers.give(&rules, k, v).unwrap();
    }
    let answers = answers.complete(&rules).unwrap();
    // Nothing decides: the no-rule fallback.
    let mut info_only = rules.clone();
    info_only.rules.retain(|r| r.level == Level::Info);
    // A pass on a "not sure" answer: the unsure fallback.
    rules.rules.retain(|r| r.id != "damage-not-known");
    let imaging = rules.question_index("imaging").unwrap();
    for m in rules
        .rules
        .iter_mut()
        .filter(|r| r.id == "jmc-advanced-arthritis")
        .flat_map(|r| &mut r.when)
    {
        if m.question == imaging {
            m.test =
                candidacy::ruleset::Test::OneOf(candidacy::ruleset::OptionSet::from_indices(0..5));
        }
    }
    // The reason names the question answered "not sure".
    let unsure = candidacy::ruleset::fill(
        &rules.text.unsure_answer,
        &[(
            "questions",
            "“What has a doctor or a scan said about the damage?”",
        )],
    );
    for (rules, message, id) in [
        (
            &info_only,
            info_only.text.no_rule_matched.clone(),
            "no-rule-matched",
        ),
        (&rules, unsure, "unsure-answer"),
    ] {
        let assessment = evaluate(rules, &answers);
        let report = Report {
            rules,
            answers: &answers,
            assessment: &assessment,
            review_overdue: false,
            explanation: None,
            audience: Audience::Patient,
            details: false,
            created: "2026-01-02T03:04:05Z",
            zone: "UTC",
        };
        let text = text::render(&report, text::TextOptions::new(200));
        assert!(text.contains(&message), "{id}:\n{text}");
        assert!(
            text.contains("Outcome: A clinician needs to review this"),
            "{id}"
        );
        let json: serde_json::Value = serde_json::from_str(&json::render(&report)).unwrap();
        assert_eq!(json["fallback"], id);
        assert_eq!(json["outcome"], "clinician-review");
    }
}

/// A patient's short text summary for each kind of clinician-review reason
/// the examples do not show: a health condition the clinician must know
/// about (with the medicine sentence), a problem neither source lists, an
/// infection answered "not sure", and more reasons than the summary lists.
#[test]
fn short_summaries_for_each_kind_of_clinician_review_reason() {
    let cases: [(&str, &[(&str, &str)]); 4] = [
        ("health-blood-thinner", &[("health", "blood-thinner")]),
        ("condition-not-listed", &[("condition", "other")]),
        ("infection-unsure", &[("active_infection", "unsure")]),
        (
            "many-reasons",
            &[
                ("health", "blood-thinner,bleeding-disorder,cancer,pregnant"),
                ("active_infection", "unsure"),
                ("prior_treatments", "none"),
            ],
        ),
    ];
    for (name, changes) in cases {
        let output = cargo_bin_cmd!("candidacy")
            .env("TZ", "UTC")
            .args(common::knee_flags_with(changes))
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{name}");
        let text = redact(&String::from_utf8(output.stdout).unwrap());
        // The action, the outcome and every reason line are seen without
        // scrolling, on a terminal of 24 rows.
        let why_ends = text
            .lines()
            .position(|l| l.starts_with("Before you book"))
            .unwrap();
        assert!(why_ends <= 24, "{name}: {text}");
        insta::assert_snapshot!(format!("brief-{name}"), text);
    }
}
