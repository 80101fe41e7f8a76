//! Normalizing quotes so a rule's citation can be compared with its source.
//!
//! The source documents use typographic quotes and apostrophes and wrap text
//! freely; rule files are typed on ordinary keyboards. Both sides are
//! normalized the same way before one is searched in the other.

/// Folds typographic single and double quotes to ASCII and collapses every
/// run of whitespace to one space, trimming both ends.
///
/// ```
/// assert_eq!(candidacy::quote::normalize(" haven\u{2019}t\n  responded "), "haven't responded");
/// ```
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for ch in text.chars() {
        if ch.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(match ch {
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => '"',
            other => other,
        });
    }
    out
}

/// A source document, normalized once so that many quotes can be looked
/// up in it.
#[derive(Debug, Clone)]
pub struct Document(String);

impl Document {
    /// Normalizes `text` for quote look-ups.
    pub fn new(text: &str) -> Document {
        Document(normalize(text))
    }

    /// Whether `quote` appears in the document once normalized. An empty
    /// quote never does.
    pub fn contains(&self, quote: &str) -> bool {
        let quote = normalize(quote);
        !quote.is_empty() && self.0.contains(&quote)
    }
}

/// Whether `quote` appears in `document` once both are normalized.
pub fn appears_in(quote: &str, document: &str) -> bool {
    Document::new(document).contains(quote)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_curly_apostrophes_and_quotes() {
        assert_eq!(
            normalize("haven\u{2019}t \u{201C}x\u{201D}"),
            "haven't \"x\""
        );
    }

    #[test]
    fn collapses_and_trims_whitespace() {
        assert_eq!(normalize("  a \n\t b  "), "a b");
    }

    #[test]
    fn finds_quotes_across_line_breaks_and_apostrophe_styles() {
        let doc = "Sports injuries that haven\u{2019}t\n  responded to rest";
        assert!(appears_in("Sports injuries that haven't responded", doc));
        assert!(!appears_in("Sports injuries that have responded", doc));
        assert!(
            !appears_in("   ", doc),
            "an empty quote never counts as found"
        );
    }
}
