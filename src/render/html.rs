//! The printable handout: one self-contained HTML page (no external files,
//! fonts or scripts) with print CSS. The askama template
//! (`templates/handout.html`) escapes every value, so text from rule and
//! answer files is shown as written and never becomes markup. As defence in
//! depth, a Content-Security-Policy ([`CONTENT_SECURITY_POLICY`]) opens the
//! head: should anything ever slip through, the page loads nothing and runs
//! no script; only its own inline style applies.

use askama::Template;

use super::Report;
use super::view::View;

/// The page's Content-Security-Policy, set by the first element of its head
/// (`templates/handout.html`).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'";

#[derive(Template)]
#[template(path = "handout.html")]
struct Handout<'a> {
    v: &'a View,
    /// For a patient's short summary: the details, in a closed
    /// `<details>` block under it (one step away, and not printed).
    d: Option<&'a View>,
}

/// The summary as an HTML page, ending with a newline. Rendering fails
/// only if a value cannot be displayed, which no `String` does; the error is
/// passed on rather than printing a page without its disclaimer.
pub fn render(report: &Report<'_>) -> Result<String, askama::Error> {
    // Every reason: the details block is not printed.
    let view = View::with_reasons(report, None);
    let details = report.brief().then(|| {
        View::new(&Report {
            details: true,
            ..*report
        })
    });
    let mut page = Handout {
        v: &view,
        d: details.as_ref(),
    }
    .render()?;
    if !page.ends_with('\n') {
        page.push('\n');
    }
    Ok(page)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // a panic is how a test reports failure
    use super::*;
    use crate::answers::{Answers, Value};
    use crate::evaluate::evaluate;
    use crate::ruleset::{OptionSet, QuestionKind, RuleSet};

    /// A patient's handout of `answers`, made at a fixed time.
    fn patient_page(rules: &RuleSet, answers: &crate::answers::AnswerSet) -> String {
        let assessment = evaluate(rules, answers);
        render(&Report::for_test(rules, answers, &assessment)).unwrap()
    }

    #[test]
    fn the_content_security_policy_opens_the_head() {
        let rules = RuleSet::embedded().unwrap();
        let mut answers = Answers::new(&rules);
        for (i, question) in rules.questions.iter().enumerate() {
            answers.set(
                i,
                match &question.kind {
                    QuestionKind::Choice(_) => Value::Choice(0),
                    QuestionKind::Multi(_) => Value::Several(OptionSet::from_indices([0])),
                    QuestionKind::Number { min, .. } => Value::Number(*min),
                },
            );
        }
        let answers = answers.complete(&rules).unwrap();
        let page = patient_page(&rules, &answers);
        // A saved page ends with one line end, like every other format.
        assert!(page.ends_with("</html>\n"), "{}", &page[page.len() - 20..]);
        let meta = format!(
            "<meta http-equiv=\"Content-Security-Policy\" content=\"{CONTENT_SECURITY_POLICY}\">"
        );
        let head = page.split_once("<head>").unwrap().1;
        assert!(
            head.trim_start().starts_with(&meta),
            "the policy must come before anything else in the head:\n{page}"
        );
        // Only the doctype and the html element come before the head, and
        // the policy appears once.
        assert!(
            page.split_once("<head>")
                .unwrap()
                .0
                .lines()
                .all(|l| { l.starts_with("<!DOCTYPE html>") || l.starts_with("<html ") })
        );
        assert_eq!(page.matches("Content-Security-Policy").count(), 1);
    }

    /// The declarations of `selector` in the page's print style sheet.
    fn print_rule<'p>(page: &'p str, selector: &str) -> &'p str {
        let print = page.split_once("@media print {").unwrap().1;
        let print = print.split_once("</style>").unwrap().0;
        let at = print
            .match_indices(&format!("\n  {selector} {{"))
            .next()
            .unwrap_or_else(|| panic!("no print rule for {selector}"))
            .0;
        let rule = &print[at..];
        &rule[..rule.find('}').unwrap()]
    }

    /// The `font-size` of a declaration block, in points.
    fn points(rule: &str) -> f64 {
        let size = rule.split_once("font-size:").unwrap().1.trim_start();
        size.split_once("pt").unwrap().0.parse().unwrap()
    }

    #[test]
    fn the_printed_handout_is_set_in_large_type_with_the_details_left_on_screen() {
        let page = include_str!("../../templates/handout.html");
        // Many readers are older people with arthritis.
        assert!(points(print_rule(page, "body")) >= 11.0);
        for small in [".cites", ".made", ".url, footer"] {
            assert!(points(print_rule(page, small)) >= 9.0, "{small}");
        }
        // No heading left at a page foot, no item split across pages.
        assert!(print_rule(page, "h2, h3").contains("break-after: avoid"));
        assert!(
            print_rule(page, "li, .finding, tr, .urgent, .outcome").contains("break-inside: avoid")
        );
        // The details are one step away on screen, not on the printed page.
        assert!(print_rule(page, ".again, .more").contains("display: none"));
    }

    #[test]
    fn an_urgent_handout_opens_with_the_warning_signs_and_never_says_may_be_suitable() {
        let rules = RuleSet::embedded().unwrap();
        let answers =
            crate::render::knee_answers(&rules, &[("warning_signs", "hot-swollen-joint")]);
        let page = patient_page(&rules, &answers);
        let body = page.split_once("<body>").unwrap().1;
        // The short handout's reasons, in the urgent box.
        let urgent = body.find("class=\"why urgent\"").unwrap();
        let disclaimer = body.find("class=\"disclaimer\"").unwrap();
        let main = body.find("<main>").unwrap();
        assert!(urgent < disclaimer && disclaimer < main, "{body}");
        let label = &rules.levels.get(crate::level::Level::MayBeSuitable).label;
        assert!(!page.contains(label.as_str()), "{page}");
    }
}
