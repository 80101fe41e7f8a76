//! The summary as a Markdown document: the text summary's content, with
//! headings, lists and a table. Text from rule and answer files is escaped,
//! so it is always shown as written and never becomes markup or HTML.

use super::Report;
use super::view::{Cited, View};

/// The summary as Markdown, ending with a newline.
pub fn render(report: &Report<'_>) -> String {
    let view = View::new(report);
    let mut out = String::new();
    let mut line = |text: &str| {
        out.push_str(text);
        out.push('\n');
    };
    // The action first, then the outcome in words, then the title.
    line(&format!("**{}**", escape(&view.action)));
    line("");
    line(&format!(
        "**{}: {}**",
        escape(&view.outcome_heading),
        escape(&view.outcome_label)
    ));
    line("");
    line(&format!("# {}", escape(&view.title)));
    line("");
    if let Some(overdue) = &view.overdue {
        line(&format!("> **{}**", escape(overdue)));
        line("");
    }
    line(&escape(&view.outcome_explanation));
    line("");
    if !view.reasons.is_empty() {
        line(&format!("## {}", escape(&view.why_heading)));
        line("");
        for reason in &view.reasons {
            line(&format!("- {}", escape(reason)));
        }
        line("");
        if let Some(from) = &view.reasons_from {
            line(&escape(from));
            line("");
        }
    }
    for urgent in &view.urgent {
        cited(&mut line, urgent, None);
    }
    if let Some(then) = &view.urgent_then {
        line(&escape(then));
        line("");
    }
    if let Some(fallback) = &view.fallback {
        for paragraph in fallback.lines() {
            line(&escape(paragraph));
            line("");
        }
    }
    section(&mut line, &view.conflicts_heading, &view.conflicts, false);
    if !view.findings.is_empty() {
        line(&format!("## {}", escape(&view.findings_heading)));
        line("");
        for finding in &view.findings {
            cited(&mut line, &finding.cited, Some(&finding.level));
        }
    }
    section(&mut line, &view.info_heading, &view.info, false);
    if !view.claims.is_empty() {
        line(&format!("## {}", escape(&view.claims_heading)));
        line("");
        line(&escape(&view.claims_intro));
        line("");
        for claim in &view.claims {
            if let Some(brief) = &claim.brief {
                line(&format!("- {}", escape(brief)));
                continue;
            }
            line(&format!("### {}", escape(&claim.topic)));
            line("");
            cited(&mut line, &claim.promise, None);
            cited(&mut line, &claim.evidence, None);
        }
        if view.claims.iter().any(|c| c.brief.is_some()) {
            line("");
        }
    }
    if !view.before_you_book.is_empty() {
        line(&format!("## {}", escape(&view.before_you_book_heading)));
        line("");
        line(&escape(&view.before_you_book_intro));
        line("");
    }
    section(&mut line, "", &view.before_you_book, true);

    if !view.answers.is_empty() {
        line(&format!("## {}", escape(&view.answers_heading)));
        line("");
        line(&format!(
            "| {} | {} |",
            escape(&view.column_question),
            escape(&view.column_answer)
        ));
        line("|---|---|");
    }
    for row in &view.answers {
        let answers: Vec<String> = row.answers.iter().map(|a| escape(a)).collect();
        line(&format!(
            "| {} | {} |",
            escape(&row.question),
            // "; " as in `--plain`: a `<br>` shows literally where
            // HTML is off.
            answers.join("; ")
        ));
    }
    if !view.answers.is_empty() {
        line("");
    }
    if !view.sources.is_empty() {
        line(&format!("## {}", escape(&view.sources_heading)));
        line("");
    }
    for source in &view.sources {
        let mut entry = format!(
            "- {} ({})",
            escape(&source.description),
            escape(&source.kind)
        );
        if let Some(url) = &source.url {
            entry.push_str(&format!("  \n  {}", url_code(url)));
        }
        line(&entry);
    }
    if !view.sources.is_empty() {
        line("");
    }

    line(&format!("## {}", escape(&view.disclaimer_heading)));
    line("");
    line(&format!("**{}**", escape(&view.disclaimer)));
    line("");
    if !view.disclaimer_citations.is_empty() {
        for citation in &view.disclaimer_citations {
            line(&format!("- {}", escape(citation)));
        }
        line("");
    }
    line(&escape(&view.made));
    line("");
    line(&escape(&view.ruleset));
    if let Some(overdue) = &view.overdue {
        line("");
        line(&format!("**{}**", escape(overdue)));
    }
    if let Some(hint) = &view.details_hint {
        line("");
        line(&escape(hint));
    }
    out
}

/// A heading (when `heading` is not empty) and its statements; numbered or
/// as paragraphs.
fn section(line: &mut impl FnMut(&str), heading: &str, items: &[Cited], numbered: bool) {
    if items.is_empty() {
        return;
    }
    if !heading.is_empty() {
        line(&format!("## {}", escape(heading)));
        line("");
    }
    for (i, item) in items.iter().enumerate() {
        if numbered {
            line(&format!("{}. {}", i + 1, escape(&item.text)));
            for citation in &item.citations {
                line(&format!("   - {}", escape(citation)));
            }
            line("");
        } else {
            cited(line, item, None);
        }
    }
}

/// A statement as a paragraph (with its level in bold first, if given)
/// and its citations as a list.
fn cited(line: &mut impl FnMut(&str), item: &Cited, level: Option<&str>) {
    if !item.reference.is_empty() {
        line(&format!("*{}*  ", escape(&item.reference)));
    }
    match level {
        Some(level) => line(&format!("**{}:** {}", escape(level), escape(&item.text))),
        None => line(&escape(&item.text)),
    }
    line("");
    for citation in &item.citations {
        line(&format!("- {}", escape(citation)));
    }
    if !item.citations.is_empty() {
        line("");
    }
}

/// Escapes text so Markdown shows it as written, with HTML enabled or
/// not: the characters that start emphasis, links, code, tables or headings
/// get a backslash, `<`, `>` and `&` become entities (so no HTML passes
/// through), line breaks become spaces, and a start that would read as a
/// list item is escaped. A web or mail address becomes a code span, so no
/// renderer turns it into a link (GFM links bare `www.`, `http(s)://` and
/// mail addresses).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word_start = None;
    for (at, c) in text.char_indices() {
        if c.is_whitespace() {
            if let Some(start) = word_start.take() {
                escape_word(&text[start..at], &mut out);
            }
            out.push(if c == '\n' || c == '\r' { ' ' } else { c });
        } else if word_start.is_none() {
            word_start = Some(at);
        }
    }
    if let Some(start) = word_start {
        escape_word(&text[start..], &mut out);
    }
    // "- x", "+ x" and "1. x" at the start of a line are list items.
    let digits = out.chars().take_while(char::is_ascii_digit).count();
    if out.starts_with(['-', '+']) {
        out.insert(0, '\\');
    } else if digits > 0 && out[digits..].starts_with(['.', ')']) {
        out.insert(digits, '\\');
    }
    out
}

/// One word (no whitespace): an address as code, anything else escaped.
fn escape_word(word: &str, out: &mut String) {
    // Punctuation around an address stays outside its code span, as GFM
    // leaves it outside a link.
    let core = word.trim_start_matches(['(', '[', '"', '\'', '“', '‘', '*', '_', '~']);
    let lead = &word[..word.len() - core.len()];
    let core = core.trim_end_matches([
        '.', ',', ':', ';', '!', '?', ')', ']', '"', '\'', '”', '’', '*', '_', '~',
    ]);
    let trail = &word[lead.len() + core.len()..];
    if !is_address(core) {
        escape_plain(word, "", out);
        return;
    }
    escape_plain(lead, "", out);
    if core.contains(['`', '|']) {
        // A code span cannot hold these safely (a `|` splits a table cell
        // even there); escaping the punctuation GFM looks for breaks the
        // link instead.
        escape_plain(core, ".:@", out);
    } else {
        out.push('`');
        out.push_str(core);
        out.push('`');
    }
    escape_plain(trail, "", out);
}

/// Whether GFM (or a common linkifier) would make `word` a link: a scheme
/// with `//`, `www.`, `mailto:` or `xmpp:`, or a mail address.
fn is_address(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    let mail = lower
        .split_once('@')
        .is_some_and(|(user, domain)| !user.is_empty() && domain.contains('.'));
    lower.contains("://")
        || lower.starts_with("www.")
        || lower.starts_with("mailto:")
        || lower.starts_with("xmpp:")
        || mail
}

/// Escapes Markdown syntax in `text`, and also backslashes each of `extra`.
fn escape_plain(text: &str, extra: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c if extra.contains(c) => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
}

/// An address from a rule file as a code span (never a link): without
/// whitespace and backticks, which would end it.
fn url_code(url: &str) -> String {
    let url: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '`')
        .collect();
    format!("`{url}`")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_keeps_text_as_written() {
        assert_eq!(
            escape("<script>alert(1)</script> *bold* [x](y) # 1. a|b & `c`"),
            "&lt;script&gt;alert(1)&lt;/script&gt; \\*bold\\* \\[x\\](y) \\# 1. a\\|b &amp; \\`c\\`"
        );
        assert_eq!(escape("- not a list"), "\\- not a list");
        assert_eq!(escape("12. not a list"), "12\\. not a list");
        assert_eq!(escape("e.g. fine - as is"), "e.g. fine - as is");
        assert_eq!(escape("two\nlines"), "two lines");
        assert_eq!(url_code("https://a.b/c d`e"), "`https://a.b/cde`");
    }

    #[test]
    fn addresses_become_code_and_never_links() {
        assert_eq!(
            escape("See https://evil.example/a_b. Or www.evil.example, (http://x.y)"),
            "See `https://evil.example/a_b`. Or `www.evil.example`, (`http://x.y`)"
        );
        assert_eq!(
            escape("Mail help@clinic.example!"),
            "Mail `help@clinic.example`!"
        );
        assert_eq!(escape("WWW.A.B"), "`WWW.A.B`");
        // A code span cannot hold a backtick or a table's `|`: the
        // punctuation a linkifier looks for is escaped instead.
        assert_eq!(
            escape("https://a.b/x|y www.c`d"),
            "https\\://a\\.b/x\\|y www\\.c\\`d"
        );
        // Not addresses.
        assert_eq!(escape("e.g. @home a.b"), "e.g. @home a.b");
    }
}

#[cfg(test)]
mod mutation_tests {
    use super::*;

    #[test]
    fn line_breaks_become_spaces_and_other_white_space_stays() {
        assert_eq!(escape("a\rb\r\nc\nd"), "a b  c d");
        assert_eq!(escape("a\tb\u{a0}c"), "a\tb\u{a0}c");
    }

    #[test]
    fn only_a_number_then_a_dot_or_bracket_is_escaped_as_a_list_start() {
        assert_eq!(escape("1) a"), "1\\) a");
        assert_eq!(escape("12 weeks"), "12 weeks");
        assert_eq!(escape("3x a day"), "3x a day");
        assert_eq!(escape(".5 mg"), ".5 mg");
        assert_eq!(escape(") a"), ") a");
    }

    #[test]
    fn a_mail_address_needs_a_user_and_a_dotted_domain() {
        assert_eq!(escape("@clinic.example"), "@clinic.example");
        assert_eq!(escape("help@localhost"), "help@localhost");
        assert_eq!(escape("help@clinic.example"), "`help@clinic.example`");
    }

    #[test]
    fn mailto_and_xmpp_addresses_become_code() {
        assert_eq!(escape("mailto:help"), "`mailto:help`");
        assert_eq!(escape("XMPP:help"), "`XMPP:help`");
        assert_eq!(escape("www.a.b"), "`www.a.b`");
        assert_eq!(escape("ftp://a.b"), "`ftp://a.b`");
        // Only these: a word with a colon is not an address.
        assert_eq!(escape("note:help"), "note:help");
    }
}
