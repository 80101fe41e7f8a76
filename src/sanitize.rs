//! Making text from files safe to print on a terminal.

use std::borrow::Cow;

/// Removes control characters (escape sequences, carriage returns, C1
/// controls, ...) from text that comes from rule or answer files, keeping
/// line breaks, so that a file cannot move the cursor or change the
/// terminal.
pub fn sanitize(text: &str) -> Cow<'_, str> {
    if text.chars().any(|c| c.is_control() && c != '\n') {
        Cow::Owned(
            text.chars()
                .filter(|&c| !c.is_control() || c == '\n')
                .collect(),
        )
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_escapes_but_keeps_line_breaks() {
        assert_eq!(sanitize("a\u{1b}[2Jb\r\nc\u{9b}d\u{7}"), "a[2Jb\ncd");
        assert!(matches!(sanitize("plain\ntext"), Cow::Borrowed(_)));
    }
}
