//! The one policy for text from files reaching any output: what is removed
//! from rule-file, answer-file and batch text before it is printed or
//! written, in every format.
//!
//! Removed:
//! - C0 controls (U+0000–U+001F) except the line break `\n`, and DEL: escape
//!   sequences, carriage returns, bells. A tab becomes a space, so the words
//!   either side stay apart. FHIR R4 strings forbid C0 controls, and no
//!   format needs a tab or a carriage return.
//! - C1 controls (U+0080–U+009F): U+009B alone starts a terminal control
//!   sequence (`\u{9b}2J` clears the screen), and U+0085 is a line break to
//!   some readers.
//! - Every Unicode `Bidi_Control` character: the embeddings and overrides
//!   U+202A–U+202E, the isolates U+2066–U+2069, and the marks U+200E (LRM),
//!   U+200F (RLM) and U+061C (ALM). The overrides and isolates reorder
//!   whole runs (`\u{202e}live` displays as `evil`) and stay in force past
//!   the value into what a terminal or spreadsheet shows next. The marks
//!   cannot reverse letters, but they change where numbers and punctuation
//!   go: `\u{200f}12 \u{200f}34` displays as `34 12`, which is not
//!   acceptable in a summary where ages and counts matter. The price is that
//!   a right-to-left translation cannot place punctuation with marks; it
//!   should get its direction from the document (`dir`) instead.
//! - Invisible format characters that can sit inside a word without
//!   showing: U+00AD (soft hyphen), U+200B–U+200D (zero width space,
//!   non-joiner, joiner), U+2060–U+2064 (word joiner and the invisible
//!   operators), U+FEFF (zero width no-break space) and U+180E (Mongolian
//!   vowel separator), and the rest of Unicode's Default_Ignorable_Code_Point
//!   characters, which a reader draws as nothing: U+034F (combining
//!   grapheme joiner), the Hangul fillers, the variation selectors, the tag
//!   characters U+E0000–U+E0FFF and the others of that property.
//!   `cand\u{200b}idate` reads as "candidate"; removing
//!   them makes what is checked and what is shown the same text. The price
//!   is that scripts which need a joiner (some Indic and Arabic spellings,
//!   emoji sequences) are shown without it.
//! - The line and paragraph separators U+2028 and U+2029 become a space:
//!   readers disagree on whether they break a line (JavaScript once refused
//!   them in strings), and a space keeps a one-line value (a label, a table
//!   cell, a CSV field) on one line. An author who means a new line writes
//!   `\n`.
//!
//! JSON escaping is not enough: a consumer that decodes the JSON gets the
//! control character back, so JSON strings are cleaned as they are written
//! ([`CleanJson`], used by every JSON and FHIR output).

use std::borrow::Cow;
use std::io;

use serde::Serialize;
use serde_json::ser::{CharEscape, Formatter, PrettyFormatter};

/// Whether the policy removes or replaces `c`.
pub fn is_unsafe(c: char) -> bool {
    match c {
        '\n' => false,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => true,
        '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {
            true
        }
        '\u{ad}' | '\u{180e}' | '\u{200b}'..='\u{200d}' | '\u{2060}'..='\u{2064}' | '\u{feff}' => {
            true
        }
        // The rest of Unicode's Default_Ignorable_Code_Point: drawn as
        // nothing, so they too can hide inside a word.
        '\u{34f}'
        | '\u{115f}'..='\u{1160}'
        | '\u{17b4}'..='\u{17b5}'
        | '\u{180b}'..='\u{180f}'
        | '\u{2065}'
        | '\u{206a}'..='\u{206f}'
        | '\u{3164}'
        | '\u{fe00}'..='\u{fe0f}'
        | '\u{ffa0}'
        | '\u{fff0}'..='\u{fff8}'
        | '\u{1bca0}'..='\u{1bca3}'
        | '\u{1d173}'..='\u{1d17a}'
        | '\u{e0000}'..='\u{e0fff}' => true,
        '\u{2028}' | '\u{2029}' => true,
        _ => false,
    }
}

/// `text` with the policy applied: controls (but `\n`), bidirectional
/// formatting characters and invisible format characters removed, a tab
/// and a line or paragraph separator turned into a space. Borrows when
/// there is nothing to remove.
pub fn sanitize(text: &str) -> Cow<'_, str> {
    // Fast path: printable ASCII and line breaks need nothing. Any other
    // byte (a control, or the start of a multi-byte character, which may be
    // a C1 control such as U+009B, a bidi override or a soft hyphen) takes
    // the full check.
    if text.bytes().all(|b| matches!(b, b'\n' | b' '..=b'~')) || !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .filter_map(|c| match c {
                '\t' | '\u{2028}' | '\u{2029}' => Some(' '),
                c if is_unsafe(c) => None,
                c => Some(c),
            })
            .collect(),
    )
}

/// A serde_json [`Formatter`] that applies the policy to every string it
/// writes, keys and values alike, and otherwise formats as `F` does. A
/// new field in any JSON output is cleaned without anyone remembering to.
#[derive(Debug, Clone, Default)]
pub struct CleanJson<F>(pub F);

impl<F: Formatter> Formatter for CleanJson<F> {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        // Fragments are cut only at characters JSON escapes (all ASCII), so
        // a multi-byte character is never split.
        self.0.write_string_fragment(writer, &sanitize(fragment))
    }

    fn write_char_escape<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        char_escape: CharEscape,
    ) -> io::Result<()> {
        match char_escape {
            CharEscape::Quote
            | CharEscape::ReverseSolidus
            | CharEscape::Solidus
            | CharEscape::LineFeed => self.0.write_char_escape(writer, char_escape),
            CharEscape::Tab => self.0.write_string_fragment(writer, " "),
            CharEscape::Backspace
            | CharEscape::FormFeed
            | CharEscape::CarriageReturn
            | CharEscape::AsciiControl(_) => Ok(()),
        }
    }

    fn begin_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_array(writer)
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array(writer)
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_array_value(writer, first)
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array_value(writer)
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object(writer)
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object(writer)
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_object_key(writer, first)
    }

    fn end_object_key<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object_key(writer)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object_value(writer)
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object_value(writer)
    }
}

/// `value` as compact JSON on `writer` with every string cleaned: one JSON
/// Lines record (batch results).
pub fn write_json<W: io::Write, T: ?Sized + Serialize>(
    writer: W,
    value: &T,
) -> serde_json::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(
        writer,
        CleanJson(serde_json::ser::CompactFormatter),
    );
    value.serialize(&mut serializer)
}

/// `value` as pretty JSON (two-space indent) with every string cleaned.
pub fn json_pretty<T: ?Sized + Serialize>(value: &T) -> serde_json::Result<String> {
    let mut out = Vec::new();
    let mut serializer =
        serde_json::Serializer::with_formatter(&mut out, CleanJson(PrettyFormatter::new()));
    value.serialize(&mut serializer)?;
    // The serializer writes only valid UTF-8 (cleaned `&str` pieces and
    // ASCII), so this never replaces anything.
    Ok(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_escapes_but_keeps_line_breaks() {
        assert_eq!(sanitize("a\u{1b}[2Jb\r\nc\u{9b}d\u{7}"), "a[2Jb\ncd");
        assert!(matches!(sanitize("plain\ntext"), Cow::Borrowed(_)));
        assert!(matches!(sanitize("café ünïcode"), Cow::Borrowed(_)));
    }

    #[test]
    fn the_c1_control_sequence_introducer_is_removed() {
        // U+009B is not ASCII: a fast path on `is_ascii_control` misses it.
        assert_eq!(sanitize("\u{9b}2J"), "2J");
        assert_eq!(sanitize("x\u{85}y\u{80}z\u{9f}"), "xyz");
    }

    #[test]
    fn bidirectional_formatting_characters_are_removed() {
        for c in [
            '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}',
            '\u{2068}', '\u{2069}', '\u{200e}', '\u{200f}', '\u{61c}',
        ] {
            assert_eq!(
                sanitize(&format!("ev{c}il")),
                "evil",
                "U+{:04X}",
                u32::from(c)
            );
        }
        assert_eq!(sanitize("\u{202e}live\u{202c}"), "live");
        // Neighbours that are ordinary text stay.
        assert_eq!(sanitize("\u{200a}\u{2070}"), "\u{200a}\u{2070}");
    }

    #[test]
    fn invisible_characters_inside_a_word_are_removed() {
        for c in [
            '\u{ad}',
            '\u{200b}',
            '\u{200c}',
            '\u{200d}',
            '\u{2060}',
            '\u{2061}',
            '\u{2062}',
            '\u{2063}',
            '\u{2064}',
            '\u{feff}',
            '\u{180e}',
            '\u{34f}',
            '\u{115f}',
            '\u{1160}',
            '\u{17b4}',
            '\u{17b5}',
            '\u{180b}',
            '\u{180f}',
            '\u{2065}',
            '\u{206a}',
            '\u{206f}',
            '\u{3164}',
            '\u{fe00}',
            '\u{fe0f}',
            '\u{ffa0}',
            '\u{fff0}',
            '\u{fff8}',
            '\u{1bca0}',
            '\u{1bca3}',
            '\u{1d173}',
            '\u{1d17a}',
            '\u{e0000}',
            '\u{e0061}',
            '\u{e0100}',
            '\u{e0fff}',
        ] {
            assert_eq!(
                sanitize(&format!("cand{c}idate")),
                "candidate",
                "U+{:04X}",
                u32::from(c)
            );
            assert!(is_unsafe(c));
        }
        // Line and paragraph separators keep the words apart, on one line.
        assert_eq!(sanitize("safe\u{2028}and\u{2029}x"), "safe and x");
        // Neighbours stay: a hair space, the character after the invisible
        // operators' block, one before the zero width no-break space, and
        // the first character after the tags.
        assert_eq!(
            sanitize("a\u{200a}b\u{2070}c\u{fefe}d\u{e1000}"),
            "a\u{200a}b\u{2070}c\u{fefe}d\u{e1000}"
        );
    }

    #[test]
    fn a_tab_becomes_a_space_and_del_goes() {
        assert_eq!(sanitize("a\tb\u{7f}c"), "a bc");
    }

    #[test]
    fn json_strings_are_cleaned_not_only_escaped() {
        let value = serde_json::json!({
            "k\u{1b}ey\u{202e}": ["a\u{1b}[2J\u{9b}b\u{202e}c", "line\nbreak\ttab\r"],
            "n": 1,
        });
        let pretty = json_pretty(&value).unwrap();
        let back: serde_json::Value = serde_json::from_str(&pretty).unwrap();
        assert_eq!(
            back,
            serde_json::json!({"key": ["a[2Jbc", "line\nbreak tab"], "n": 1})
        );
        assert_eq!(pretty, serde_json::to_string_pretty(&back).unwrap());
        let mut line = Vec::new();
        write_json(&mut line, &value).unwrap();
        assert_eq!(
            String::from_utf8(line).unwrap(),
            r#"{"key":["a[2Jbc","line\nbreak tab"],"n":1}"#
        );
    }

    /// Clean strings come out exactly as serde_json writes them: every
    /// layout call (objects of scalars only, nested and empty containers)
    /// reaches the wrapped formatter.
    #[test]
    fn json_layout_is_serde_jsons_own() {
        let value = serde_json::json!({
            "flat": {"a": 1, "b": "two"},
            "list": [1, [], {}, {"c": null}, [true, 2.5]],
            "last": false,
        });
        assert_eq!(
            json_pretty(&value).unwrap(),
            serde_json::to_string_pretty(&value).unwrap()
        );
        let mut line = Vec::new();
        write_json(&mut line, &value).unwrap();
        assert_eq!(
            String::from_utf8(line).unwrap(),
            serde_json::to_string(&value).unwrap()
        );
    }
}
