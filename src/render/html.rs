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
}

/// The summary as an HTML page, ending with a newline. Rendering fails
/// only if a value cannot be displayed, which no `String` does; the error is
/// passed on rather than printing a page without its disclaimer.
pub fn render(report: &Report<'_>) -> Result<String, askama::Error> {
    let view = View::new(report);
    let mut page = Handout { v: &view }.render()?;
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
    use crate::render::Audience;
    use crate::ruleset::{OptionSet, QuestionKind, RuleSet};

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
        let assessment = evaluate(&rules, &answers);
        let page = render(&Report {
            rules: &rules,
            answers: &answers,
            assessment: &assessment,
            review_overdue: false,
            explanation: None,
            audience: Audience::Patient,
            created: "2026-01-02T03:04:05Z",
            zone: "UTC",
        })
        .unwrap();
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
}
