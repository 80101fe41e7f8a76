//! The text summary for a terminal or a printout: headings, comfy-table
//! tables and wrapped paragraphs, at a given width.
//!
//! Every string that comes from a rule file or an answer file goes through
//! [`sanitize`]. The outcome is always printed in words; nothing relies on
//! color.

use comfy_table::{Cell, ColumnConstraint, ContentArrangement, Table, Width, presets};

use super::{Audience, Report, answer_words};
use crate::level::Level;
use crate::ruleset::{Rule, Text, fill};
use crate::sanitize::sanitize;

/// The narrowest width the layout is laid out for.
pub const MIN_WIDTH: u16 = 40;

/// The width of the text summary when standard output is not a terminal:
/// fixed, so that files and pipes get stable output.
pub const FIXED_WIDTH: u16 = 80;

/// The widest the text summary (and the interview's review table) gets on
/// a wide terminal.
pub const MAX_WIDTH: u16 = 100;

/// Layout settings.
#[derive(Debug, Clone, Copy)]
pub struct TextOptions {
    /// Total width in columns; at least [`MIN_WIDTH`] is used.
    pub width: u16,
    /// Bold headings and a colored outcome line (ANSI). The outcome is in
    /// words either way.
    pub color: bool,
    /// Tables as plain lines (`Question: answer`) instead of box drawing,
    /// for screen readers (`--plain`).
    pub plain: bool,
    /// The action and the outcome again at the end, so that on a terminal
    /// they are on screen when the summary has scrolled past its top.
    pub repeat_action: bool,
}

impl TextOptions {
    /// No color, tables drawn, at `width`.
    pub fn new(width: u16) -> Self {
        TextOptions {
            width,
            color: false,
            plain: false,
            repeat_action: false,
        }
    }
}

/// The summary as text, ending with a newline.
pub fn render(report: &Report<'_>, options: TextOptions) -> String {
    let width = options.width.max(MIN_WIDTH);
    let rules = report.rules;
    let text = &rules.text;
    let assessment = report.assessment;
    let mut out = Out {
        buf: String::new(),
        width: usize::from(width),
        color: options.color,
        plain: options.plain,
    };

    // The action first, with its time frame; the outcome in words next;
    // then the title and the rest.
    let level = rules.levels.get(assessment.outcome);
    let action = report.action();
    let outcome = format!("{}: {}", text.outcome_heading, level.label);
    let head = |out: &mut Out| {
        out.styled(action, outcome_style(assessment.outcome));
        out.styled(&outcome, console::Style::new().bold());
    };
    head(&mut out);
    out.blank();
    if report.brief() {
        brief(report, &mut out, width);
        if options.repeat_action {
            head(&mut out);
        }
        return out.finish();
    }
    out.heading(&text.title, '=');
    if let Some(warning) = report.overdue_line() {
        out.paragraph(&warning);
    }
    out.paragraph(&level.explanation);
    // Warning signs open the summary as plain instructions; the rest is
    // secondary.
    let (urgent, findings): (Vec<&Rule>, Vec<&Rule>) = assessment
        .findings
        .iter()
        .filter(|r| report.shows(r))
        .partition(|r| r.level == Level::UrgentCare);
    let therapy = report.about_therapy();
    for rule in &urgent {
        out.wrapped(&rule.message, 0);
        if report.audience == Audience::Staff {
            out.wrapped(&report.rule_reference(rule), 2);
        }
        for citation in &rule.citations {
            out.wrapped(&report.citation_line(citation), 2);
        }
        out.blank();
    }
    if !urgent.is_empty() {
        out.paragraph(&text.urgent_then);
    }
    for line in report.fallback_lines() {
        out.paragraph(&line);
    }

    let conflicts: Vec<&Rule> = assessment.conflicts().filter(|_| therapy).collect();
    if !conflicts.is_empty() {
        out.heading(&text.conflicts_heading, '-');
        for rule in conflicts {
            out.wrapped(rule.conflict.as_deref().unwrap_or_default(), 0);
            for citation in &rule.citations {
                out.wrapped(&report.citation_line(citation), 2);
            }
            out.blank();
        }
    }

    let (info, decisive): (Vec<&Rule>, Vec<&Rule>) =
        findings.into_iter().partition(|r| r.level == Level::Info);
    if !decisive.is_empty() {
        out.heading(&text.findings_heading, '-');
        let mut table = new_table(width, &[&text.column_level, &text.column_finding]);
        for rule in decisive {
            table.add_row(vec![
                cell(&rules.levels.get(rule.level).label),
                cell(&finding_cell(report, rule)),
            ]);
        }
        out.table(&table);
    }
    if !info.is_empty() {
        out.heading(&text.info_heading, '-');
        let mut table = new_table(width, &[&text.column_finding]);
        for rule in info {
            table.add_row(vec![cell(&finding_cell(report, rule))]);
        }
        out.table(&table);
    }

    if therapy && !rules.claims.is_empty() {
        out.heading(&text.claims_heading, '-');
        out.paragraph(&text.claims_intro);
        for claim in &rules.claims {
            out.wrapped(&claim.topic, 0);
            for (label, words, cited) in [
                (
                    &text.claim_promise,
                    &claim.promise,
                    &claim.promise_citations,
                ),
                (
                    &text.claim_evidence,
                    &claim.evidence,
                    &claim.evidence_citations,
                ),
            ] {
                out.wrapped(&format!("{label}: {words}"), 2);
                for citation in cited {
                    out.wrapped(&report.citation_line(citation), 4);
                }
            }
            out.blank();
        }
    }

    if therapy && !rules.before_you_book.is_empty() {
        out.heading(&text.before_you_book_heading, '-');
        out.paragraph(&text.before_you_book_intro);
        for (number, advice) in rules.before_you_book.iter().enumerate() {
            let marker = format!("{}. ", number + 1);
            out.hanging(&marker, &advice.text);
            for citation in &advice.citations {
                out.wrapped(&report.citation_line(citation), marker.len());
            }
        }
        out.blank();
    }

    out.heading(&text.answers_heading, '-');
    // A question not asked is left out, as it was in the interview.
    let answered: Vec<(&str, String)> = rules
        .questions
        .iter()
        .zip(report.answers.values())
        .filter(|(_, value)| value.is_given())
        .map(|(question, value)| (question.prompt.as_str(), answer_words(question, value)))
        .collect();
    let rows = answered.iter().map(|(q, a)| (*q, a.as_str()));
    out.table(&answers_table_of(text, rows, width));

    out.heading(&text.sources_heading, '-');
    let mut table = new_table(width, &[&text.column_source, &text.column_kind]);
    // The description and address need the room; the kind is a few words.
    if let Some(first) = table.column_mut(0) {
        first.set_constraint(ColumnConstraint::LowerBoundary(Width::Percentage(60)));
    }
    for source in report
        .cited_sources()
        .into_iter()
        .map(|i| &rules.sources[i])
    {
        let mut description = format!("{}: “{}”, {}", source.name, source.title, source.publisher);
        if let Some(date) = &source.date {
            description.push_str(&format!(", {date}"));
        }
        if let Some(url) = &source.url {
            description.push_str(&format!("\n{url}"));
        }
        table.add_row(vec![
            cell(&description),
            cell(text.source_kind(source.kind)),
        ]);
    }
    out.table(&table);

    explanation(report, &mut out, width);

    out.heading(&text.disclaimer_heading, '-');
    out.paragraph(&rules.meta.disclaimer);
    if !rules.meta.disclaimer_citations.is_empty() {
        for citation in &rules.meta.disclaimer_citations {
            out.wrapped(&report.citation_line(citation), 0);
        }
        out.blank();
    }
    out.paragraph(&report.made_line());
    out.paragraph(&report.ruleset_line());
    if let Some(warning) = report.overdue_line() {
        out.paragraph(&warning);
    }
    if options.repeat_action {
        // The last lines on the screen: what to do, and the outcome.
        head(&mut out);
    }
    out.finish()
}

/// `--explain`: every rule's result and the single changes that would move
/// the outcome.
fn explanation(report: &Report<'_>, out: &mut Out, width: u16) {
    let text = &report.rules.text;
    if let Some(explanation) = report.explanation {
        out.heading(&text.explain_heading, '-');
        let mut table = new_table(width, &[&text.column_rule, &text.column_result]);
        // Rule ids are never broken.
        if let Some(first) = table.column_mut(0) {
            first.set_constraint(ColumnConstraint::ContentWidth);
        }
        for trace in &explanation.traces {
            table.add_row(vec![
                cell(&format!("{}\n{}", trace.rule.id, trace.rule.level)),
                cell(&report.trace_line(trace)),
            ]);
        }
        out.table(&table);
        out.heading(&text.changes_heading, '-');
        if explanation.changes.is_empty() {
            out.paragraph(&text.no_change);
        }
        for change in &explanation.changes {
            out.wrapped(&report.change_line(change), 0);
        }
        out.blank();
    }
}

/// The short summary after its first two lines: why, what to do next, the
/// promises beside the evidence in short, the disclaimer and the identity
/// lines. Prose only, no tables; each statement's sources named under it.
fn brief(report: &Report<'_>, out: &mut Out, width: u16) {
    let rules = report.rules;
    let text = &rules.text;
    if let Some(warning) = report.overdue_line() {
        out.paragraph(&warning);
    }
    out.heading(&text.why_heading, '-');
    let reasons = report.reasons(Some(crate::render::MAX_REASONS));
    for line in &reasons.lines {
        out.hanging("- ", line);
    }
    if !reasons.citations.is_empty() {
        out.wrapped(&report.from_line(reasons.citations), 2);
    }
    out.blank();
    if !report.about_therapy() {
        out.paragraph(&text.urgent_then);
    } else {
        if !rules.before_you_book.is_empty() {
            out.heading(&text.before_you_book_heading, '-');
            out.wrapped(&text.before_you_book_intro, 0);
            for (number, advice) in rules.before_you_book.iter().enumerate() {
                out.hanging(&format!("{}. ", number + 1), &advice.text);
            }
            out.wrapped(
                &report.from_line(rules.before_you_book.iter().flat_map(|a| &a.citations)),
                2,
            );
            out.blank();
        }
        for rule in report.notes() {
            out.wrapped(&rule.message, 0);
            out.wrapped(&report.from_line(&rule.citations), 2);
            out.blank();
        }
        if !rules.claims.is_empty() {
            out.heading(&text.claims_heading, '-');
            for claim in &rules.claims {
                match &claim.brief {
                    // The short form names who says each side.
                    Some(brief) => {
                        out.wrapped(
                            &fill(
                                &text.claim_brief,
                                &[("topic", &claim.topic), ("brief", brief)],
                            ),
                            0,
                        );
                    }
                    None => {
                        out.wrapped(&claim.topic, 0);
                        out.wrapped(&format!("{}: {}", text.claim_promise, claim.promise), 2);
                        out.wrapped(&report.from_line(&claim.promise_citations), 2);
                        out.wrapped(&format!("{}: {}", text.claim_evidence, claim.evidence), 2);
                        out.wrapped(&report.from_line(&claim.evidence_citations), 2);
                    }
                }
            }
            out.blank();
        }
    }
    explanation(report, out, width);
    // The disclaimer is the screen's own words: in the short summary a
    // "From:" line under it would read as if a clinic page had written it.
    // The details quote what it rests on.
    out.heading(&text.disclaimer_heading, '-');
    out.wrapped(&rules.meta.disclaimer, 0);
    out.blank();
    out.wrapped(&report.made_line(), 0);
    out.paragraph(&report.ruleset_line());
    if let Some(warning) = report.overdue_line() {
        out.paragraph(&warning);
    }
    out.paragraph(&text.details_hint);
}

/// A finding's message and citations; for staff, its rule first.
fn finding_cell(report: &Report<'_>, rule: &Rule) -> String {
    let mut cell = String::new();
    if report.audience == Audience::Staff {
        cell.push_str(&report.rule_reference(rule));
        cell.push('\n');
    }
    cell.push_str(&rule.message);
    cell.push('\n');
    for citation in &rule.citations {
        cell.push('\n');
        cell.push_str(&report.citation_line(citation));
    }
    cell
}

/// A table filling `width`. With two columns the first, a label, takes at
/// most a third of the width, so the text beside it has room.
/// The table of questions and answers, as in the summary (the interview's
/// review shows it too).
pub fn answers_table<'a>(
    text: &Text,
    rows: impl IntoIterator<Item = (&'a str, &'a str)>,
    width: u16,
) -> String {
    answers_table_of(text, rows, width.max(MIN_WIDTH)).to_string()
}

fn answers_table_of<'a>(
    text: &Text,
    rows: impl IntoIterator<Item = (&'a str, &'a str)>,
    width: u16,
) -> Table {
    let mut table = new_table(width, &[&text.column_question, &text.column_answer]);
    for (question, answer) in rows {
        table.add_row(vec![cell(question), cell(answer)]);
    }
    table
}

/// A table cell: every cell's text passes through [`sanitize`] here.
fn cell(text: &str) -> Cell {
    Cell::new(sanitize(text))
}

pub(crate) fn new_table(width: u16, header: &[&str]) -> Table {
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL)
        .set_content_arrangement(ContentArrangement::DynamicFullWidth)
        .set_width(width)
        .set_header(header.iter().map(|h| cell(h)));
    if header.len() == 2
        && let Some(first) = table.column_mut(0)
    {
        first.set_constraint(ColumnConstraint::UpperBoundary(Width::Percentage(33)));
    }
    table
}

/// The outcome line's color: a cue only, the words say the same.
fn outcome_style(level: Level) -> console::Style {
    let style = console::Style::new().bold();
    match level {
        Level::UrgentCare => style.red(),
        Level::NotSuitableNow | Level::ClinicianReview => style.yellow(),
        Level::MayBeSuitable | Level::Info => style.cyan(),
    }
}

struct Out {
    buf: String,
    width: usize,
    color: bool,
    plain: bool,
}

impl Out {
    /// Sanitizes `text` once, wraps it to the width less `indent`, and
    /// writes the lines indented; returns the longest line's length.
    fn wrapped(&mut self, text: &str, indent: usize) -> usize {
        let mut longest = 0;
        for line in wrap(&sanitize(text), self.width.saturating_sub(indent)) {
            longest = longest.max(line.chars().count());
            self.buf.extend(std::iter::repeat_n(' ', indent));
            self.buf.push_str(&line);
            self.buf.push('\n');
        }
        longest
    }

    /// `marker` then `text`, wrapped, with later lines indented under the
    /// text (a numbered item).
    fn hanging(&mut self, marker: &str, text: &str) {
        let indent = marker.chars().count();
        let lines = wrap(&sanitize(text), self.width.saturating_sub(indent));
        for (i, line) in lines.iter().enumerate() {
            if i == 0 {
                self.buf.push_str(marker);
            } else {
                self.buf.extend(std::iter::repeat_n(' ', indent));
            }
            self.buf.push_str(line);
            self.buf.push('\n');
        }
    }

    /// Wrapped text, each line in `style` when color is on (styling after
    /// wrapping, so escape codes never count as width).
    fn styled(&mut self, text: &str, style: console::Style) -> usize {
        let mut longest = 0;
        for line in wrap(&sanitize(text), self.width) {
            longest = longest.max(line.chars().count());
            if self.color {
                let line = style.apply_to(&line).force_styling(true).to_string();
                self.buf.push_str(&line);
            } else {
                self.buf.push_str(&line);
            }
            self.buf.push('\n');
        }
        longest
    }

    fn heading(&mut self, heading: &str, underline: char) {
        let longest = self.styled(heading, console::Style::new().bold());
        self.buf.extend(std::iter::repeat_n(underline, longest));
        self.buf.push('\n');
    }

    fn paragraph(&mut self, text: &str) {
        self.wrapped(text, 0);
        self.blank();
    }

    fn blank(&mut self) {
        self.buf.push('\n');
    }

    /// The table drawn, or in plain mode each row as `Header: cell` lines
    /// with a blank line between rows.
    fn table(&mut self, table: &Table) {
        if !self.plain {
            self.buf.push_str(&table.to_string());
            self.buf.push_str("\n\n");
            return;
        }
        let headers: Vec<String> = table
            .header()
            .map(|row| row.cell_iter().map(Cell::content).collect())
            .unwrap_or_default();
        for row in table.row_iter() {
            for (i, cell) in row.cell_iter().enumerate() {
                // Each paragraph of the cell (a statement; its citations;
                // split at blank lines) on a line of its own, the lines
                // within one joined with "; " (several answers, several
                // citations): read aloud, no stray punctuation.
                let content = cell.content();
                let paragraphs: Vec<String> = content
                    .split("\n\n")
                    .map(|p| {
                        p.lines()
                            .map(str::trim)
                            .filter(|l| !l.is_empty())
                            .collect::<Vec<_>>()
                            .join("; ")
                    })
                    .filter(|p| !p.is_empty())
                    .collect();
                let mut lines = paragraphs.iter().map(String::as_str);
                let first = lines.next().unwrap_or_default();
                match headers.get(i) {
                    Some(header) => self.wrapped(&format!("{header}: {first}"), 0),
                    None => self.wrapped(first, 0),
                };
                for line in lines {
                    self.wrapped(line, 0);
                }
            }
            self.blank();
        }
    }

    fn finish(mut self) -> String {
        while self.buf.ends_with("\n\n") {
            self.buf.pop();
        }
        self.buf
    }
}

/// Greedy word wrap by characters. A word longer than the width (a hash,
/// a URL) is split across lines. Existing line breaks are kept.
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let needed =
                line.chars().count() + usize::from(!line.is_empty()) + word.chars().count();
            if !line.is_empty() && needed > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            for ch in word.chars() {
                if line.chars().count() == width {
                    lines.push(std::mem::take(&mut line));
                }
                line.push(ch);
            }
        }
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_lines_within_width_and_keeps_breaks() {
        let lines = wrap("one two three four\nfive", 9);
        assert_eq!(lines, ["one two", "three", "four", "five"]);
        assert!(lines.iter().all(|l| l.chars().count() <= 9));
        assert_eq!(wrap("abcdefghijk x", 5), ["abcde", "fghij", "k x"]);
    }

    #[test]
    fn the_outcome_line_is_colored_by_how_serious_it_is() {
        let shown = |level| {
            outcome_style(level)
                .force_styling(true)
                .apply_to("x")
                .to_string()
        };
        // Bold, and red for urgent care, yellow for a caution, cyan for the
        // rest: a cue beside the words, never instead of them.
        assert_eq!(shown(Level::UrgentCare), "\u{1b}[31m\u{1b}[1mx\u{1b}[0m");
        assert_eq!(shown(Level::NotSuitableNow), shown(Level::ClinicianReview));
        assert!(shown(Level::ClinicianReview).contains("\u{1b}[33m"));
        assert!(shown(Level::MayBeSuitable).contains("\u{1b}[36m"));
    }

    #[test]
    fn the_answers_table_shows_each_question_and_answer_cleaned_within_its_width() {
        #![allow(clippy::unwrap_used)] // a panic is how a test reports failure
        let rules = crate::ruleset::RuleSet::embedded().unwrap();
        let table = answers_table(
            &rules.text,
            [
                ("How old are you?", "54"),
                ("Any \u{1b}[2Jinfection?", "No\u{202e}"),
            ],
            20, // below the minimum width: the table is drawn at MIN_WIDTH
        );
        for needle in [
            rules.text.column_question.as_str(),
            rules.text.column_answer.as_str(),
            "How old are you?",
            "54",
            "[2Jinfection?",
        ] {
            assert!(table.contains(needle), "{needle:?} in\n{table}");
        }
        assert!(!table.contains(['\u{1b}', '\u{202e}']), "{table:?}");
        let widths: Vec<usize> = table.lines().map(|l| l.chars().count()).collect();
        assert!(
            widths.iter().all(|&w| w <= usize::from(MIN_WIDTH)),
            "{widths:?}\n{table}"
        );
    }
}

#[cfg(test)]
mod mutation_tests {
    #![allow(clippy::unwrap_used)] // a panic is how a test reports failure
    use super::*;
    use crate::answers::AnswerSet;
    use crate::evaluate::evaluate;
    use crate::ruleset::RuleSet;

    fn answers(rules: &RuleSet, signs: &str) -> AnswerSet {
        crate::render::knee_answers(rules, &[("warning_signs", signs)])
    }

    /// The text summary with the details, in plain lines wide enough that
    /// nothing wraps.
    fn plain(report: &Report<'_>) -> String {
        let mut options = TextOptions::new(4000);
        options.plain = true;
        render(report, options)
    }

    #[test]
    fn the_details_show_each_finding_under_its_heading_with_its_citations() {
        let rules = RuleSet::embedded().unwrap();
        let answers = answers(&rules, "none");
        let assessment = evaluate(&rules, &answers);
        let report = Report {
            details: true,
            ..Report::for_test(&rules, &answers, &assessment)
        };
        let out = plain(&report);
        let heading = |h: &str| out.find(&format!("\n{h}\n")).unwrap();
        let (findings, info) = (
            heading(&rules.text.findings_heading),
            heading(&rules.text.info_heading),
        );
        assert!(findings < info);
        let shown: Vec<&Rule> = assessment
            .findings
            .iter()
            .copied()
            .filter(|r| report.shows(r))
            .collect();
        assert!(shown.iter().any(|r| r.level == Level::Info));
        assert!(shown.iter().any(|r| r.level != Level::Info));
        for rule in shown {
            let at = out
                .find(&sanitize(&rule.message).into_owned())
                .unwrap_or_else(|| panic!("{}:\n{out}", rule.id));
            if rule.level == Level::Info {
                assert!(at > info, "{}", rule.id);
            } else {
                assert!(findings < at && at < info, "{}", rule.id);
            }
            // A patient is not shown rule ids.
            assert!(!out.contains(&report.rule_reference(rule)), "{}", rule.id);
            for citation in &rule.citations {
                let line = sanitize(&report.citation_line(citation)).into_owned();
                assert!(out[at..].contains(&line), "{}: {line}", rule.id);
            }
        }
    }

    #[test]
    fn a_staff_summary_names_the_rule_of_each_warning_sign() {
        let rules = RuleSet::embedded().unwrap();
        let answers = answers(&rules, "fever");
        let assessment = evaluate(&rules, &answers);
        let report = Report {
            audience: Audience::Staff,
            ..Report::for_test(&rules, &answers, &assessment)
        };
        let fever = rules.rules.iter().find(|r| r.id == "fever").unwrap();
        let out = plain(&report);
        let at = out.find(&sanitize(&fever.message).into_owned()).unwrap();
        assert!(out[at..].contains(&report.rule_reference(fever)), "{out}");
        // A patient is not shown rule ids.
        let patient = Report {
            audience: Audience::Patient,
            details: true,
            ..report
        };
        assert!(!plain(&patient).contains(&report.rule_reference(fever)));
    }

    #[test]
    fn the_short_summary_lists_every_question_to_ask_before_booking() {
        let rules = RuleSet::embedded().unwrap();
        let answers = answers(&rules, "none");
        let assessment = evaluate(&rules, &answers);
        let report = Report::for_test(&rules, &answers, &assessment);
        assert!(report.brief() && !rules.before_you_book.is_empty());
        let out = render(&report, TextOptions::new(4000));
        assert!(out.contains(&rules.text.before_you_book_heading), "{out}");
        for (number, advice) in rules.before_you_book.iter().enumerate() {
            let line = format!("{}. {}", number + 1, sanitize(&advice.text));
            assert!(out.contains(&line), "{line}\n{out}");
        }
    }
}
