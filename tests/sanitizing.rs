//! One sanitizing policy for every format: rule and answer text reaching
//! any summary has C0/C1 controls (but the line break) and bidirectional
//! formatting characters removed, in the value itself, not only escaped.
#![allow(clippy::unwrap_used)] // a panic is how a test reports failure

mod tainted;

use candidacy::level::Level;
use candidacy::render::Audience;
use candidacy::ruleset::RuleSet;
use tainted::{every_output, first_answers, forbidden_in, tainted};

/// An escape sequence, a C1 control sequence introducer (U+009B clears the
/// screen with `2J`), a right-to-left override that shows `live` as `evil`,
/// an isolate, a mark, a carriage return, a tab and a bell; inside `live`,
/// invisible format characters (soft hyphen, zero width space and joiner,
/// word joiner, U+FEFF, U+180E), and after it a line and a paragraph
/// separator.
const NASTY: &str = "\u{1b}[2J\u{9b}2J\u{202e}l\u{ad}i\u{200b}\u{200d}v\u{2060}\u{feff}\u{180e}e\u{202c}\u{2066}\u{200f}\u{2028}\u{2029}\r\t\u{7}";

fn nasty_rules() -> RuleSet {
    tainted(&RuleSet::embedded().unwrap(), &|s| format!("{NASTY}{s}"))
}

/// The output of `format` for both audiences.
fn outputs(format: &str) -> Vec<String> {
    let rules = nasty_rules();
    let answers = first_answers(&rules);
    [Audience::Patient, Audience::Staff]
        .into_iter()
        .flat_map(|audience| every_output(&rules, &answers, audience))
        .filter(|(name, _)| name.starts_with(format))
        .map(|(_, output)| output)
        .collect()
}

fn assert_clean(format: &str) {
    let outputs = outputs(format);
    assert!(!outputs.is_empty(), "no output named {format}");
    for output in outputs {
        assert_eq!(
            forbidden_in(&output),
            Vec::<char>::new(),
            "{format}:\n{output}"
        );
        // The text itself is kept, cleaned: the visible part of the escape
        // sequences, and `live` in logical order.
        assert!(output.contains("[2J2Jlive"), "{format}:\n{output}");
    }
}

#[test]
fn the_text_summary_has_no_controls_or_bidi_overrides() {
    assert_clean("text");
}

#[test]
fn the_json_summary_values_have_no_c1_controls_or_bidi_overrides() {
    assert_clean("json");
}

#[test]
fn markdown_has_no_controls_or_bidi_overrides() {
    assert_clean("markdown");
}

#[test]
fn the_html_handout_has_no_controls_or_bidi_overrides() {
    assert_clean("html");
}

#[test]
fn fhir_strings_have_no_characters_below_32_but_line_breaks() {
    assert_clean("fhir");
}

/// The text summary's findings table: each cell, not only the headings and
/// paragraphs, is sanitized.
#[test]
fn text_findings_table_cells_are_sanitized() {
    let rules = RuleSet::embedded().unwrap();
    let mut rules = tainted(&rules, &|s| s.to_owned());
    for rule in &mut rules.rules {
        rule.message = format!("\u{202e}evil-cell\u{9b}2J {}", rule.message);
    }
    for level in [
        &mut rules.levels.not_suitable_now,
        &mut rules.levels.clinician_review,
    ] {
        level.label = format!("\u{1b}[31m{}", level.label);
    }
    let answers = first_answers(&rules);
    let assessment = candidacy::evaluate::evaluate(&rules, &answers);
    assert!(
        assessment
            .findings
            .iter()
            .any(|r| !matches!(r.level, Level::UrgentCare | Level::Info)),
        "the answers must give a finding in the findings table"
    );
    for (name, output) in every_output(&rules, &answers, Audience::Staff) {
        if !name.starts_with("text") {
            continue;
        }
        let cells: Vec<&str> = output.lines().filter(|l| l.contains("evil-cell")).collect();
        assert!(!cells.is_empty(), "{name}:\n{output}");
        assert_eq!(
            forbidden_in(&output),
            Vec::<char>::new(),
            "{name}:\n{output}"
        );
    }
}

/// Markdown reads the same with HTML off: several answers are not joined
/// with a raw `<br>`, and no address in rule text or a source becomes a
/// link (GFM links bare `www.` and `http(s)://` addresses).
#[test]
fn markdown_has_no_raw_html_and_no_bare_addresses() {
    use candidacy::answers::Value;
    use candidacy::ruleset::{OptionSet, QuestionKind};
    let mut rules = RuleSet::embedded().unwrap();
    for rule in &mut rules.rules {
        rule.message = format!(
            "See www.evil.example and https://evil.example/x. {}",
            rule.message
        );
    }
    let answers = first_answers(&rules);
    // Two answers to a several-choice question.
    let (multi, options) = rules
        .questions
        .iter()
        .enumerate()
        .find_map(|(i, q)| match &q.kind {
            QuestionKind::Multi(options) => {
                let plain: Vec<usize> = (0..options.len())
                    .filter(|&o| !options[o].exclusive)
                    .collect();
                (plain.len() >= 2).then(|| (i, [plain[0], plain[1]]))
            }
            _ => None,
        })
        .unwrap();
    let answers = answers.with(multi, Value::Several(OptionSet::from_indices(options)));
    for audience in [Audience::Patient, Audience::Staff] {
        let (_, markdown) = every_output(&rules, &answers, audience)
            .into_iter()
            .find(|(name, _)| *name == "markdown --details")
            .unwrap();
        assert!(
            !markdown.contains('<'),
            "raw HTML or an autolink:\n{markdown}"
        );
        let labels = &rules.questions[multi].options();
        let joined = format!("{}; {}", labels[options[0]].label, labels[options[1]].label);
        assert!(markdown.contains(&joined), "{joined}:\n{markdown}");
        assert!(markdown.contains("See `www.evil.example` and `https://evil.example/x`."));
        // Every remaining address is inside a code span.
        for line in markdown.lines() {
            let outside_code: String = line.split('`').step_by(2).collect();
            assert!(
                !outside_code.contains("://") && !outside_code.contains("www."),
                "{line}"
            );
        }
    }
}
