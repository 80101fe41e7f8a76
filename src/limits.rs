//! The documented limits on what `candidacy` reads, and the bounded readers
//! that hold them, so that no input can make memory grow without bound.
//!
//! Every limit here is in the README's "Limits" table. Over a limit, the
//! caller reports an error (an error record in `batch`, exit 65 for an
//! answer file, asking again for a typed line); the readers below never
//! buffer more than the limit, and a line that is too long is skipped up
//! to its line end without being kept, so a stream stays in step.

use std::borrow::Cow;
use std::io::{self, BufRead, Read};

/// The most bytes one `batch` record may take (a JSON line, or a CSV record
/// with its line end): about 350 times a typical record.
pub const MAX_RECORD_BYTES: usize = 64 * 1024;

/// The most bytes an `--answers` file (or standard input given as `-`) may
/// hold.
pub const MAX_ANSWER_FILE_BYTES: u64 = 1024 * 1024;

/// The most bytes one typed line of the `--plain` interview may take.
pub const MAX_TYPED_LINE_BYTES: usize = 4 * 1024;

/// The most characters of a given value that an error message repeats; a
/// longer value is cut and ends with an ellipsis.
pub const MAX_SHOWN_CHARS: usize = 60;

/// What [`read_line`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line {
    /// The input had ended: nothing was read.
    End,
    /// A line of this many bytes (its line end included) is in the buffer.
    Read(usize),
    /// A line of this many bytes (its line end included) was longer than
    /// the limit: it was read up to its line end and dropped, and the
    /// buffer is empty.
    TooLong(u64),
}

/// Reads one line, up to and including `\n` (or to the end of the input),
/// into `buf` (cleared first), holding at most `max` bytes: a longer line is
/// consumed to its end without being kept and reported as
/// [`Line::TooLong`].
pub fn read_line<R: BufRead + ?Sized>(
    input: &mut R,
    buf: &mut Vec<u8>,
    max: usize,
) -> io::Result<Line> {
    buf.clear();
    let mut total = 0u64;
    let mut too_long = false;
    loop {
        let available = match input.fill_buf() {
            Ok(available) => available,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            break;
        }
        let (taken, ended) = match memchr::memchr(b'\n', available) {
            Some(end) => (end + 1, true),
            None => (available.len(), false),
        };
        if !too_long {
            if buf.len() + taken <= max {
                buf.extend_from_slice(&available[..taken]);
            } else {
                too_long = true;
                buf.clear();
            }
        }
        input.consume(taken);
        total += taken as u64;
        if ended {
            break;
        }
    }
    Ok(match (total, too_long) {
        (0, _) => Line::End,
        (total, true) => Line::TooLong(total),
        (total, false) => Line::Read(total as usize),
    })
}

/// The input was larger than the limit it is read under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("it is larger than {} bytes, the most that is read", .limit)]
pub struct TooLarge {
    /// The limit, in bytes.
    pub limit: u64,
}

/// Reads a whole input of at most `max` bytes; reading stops one byte past
/// the limit, so a larger (or endless) input costs no more memory than that.
pub fn read_all<R: Read>(input: R, max: u64) -> io::Result<Result<Vec<u8>, TooLarge>> {
    let mut bytes = Vec::new();
    input.take(max.saturating_add(1)).read_to_end(&mut bytes)?;
    Ok(if bytes.len() as u64 > max {
        Err(TooLarge { limit: max })
    } else {
        Ok(bytes)
    })
}

/// A given value as an error message may repeat it: at most
/// [`MAX_SHOWN_CHARS`] characters, then an ellipsis.
pub fn shorten(text: &str) -> Cow<'_, str> {
    match text.char_indices().nth(MAX_SHOWN_CHARS) {
        None => Cow::Borrowed(text),
        Some((cut, _)) => Cow::Owned(format!("{}…", &text[..cut])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8], max: usize) -> Vec<(Line, Vec<u8>)> {
        // A tiny buffer, so lines cross many fill_buf calls.
        let mut input = io::BufReader::with_capacity(3, input);
        let mut buf = Vec::new();
        let mut out = Vec::new();
        loop {
            let line = read_line(&mut input, &mut buf, max).expect("reading a slice");
            if line == Line::End {
                return out;
            }
            out.push((line, buf.clone()));
        }
    }

    #[test]
    fn reads_lines_with_their_ends_and_the_last_without() {
        assert_eq!(
            lines(b"ab\ncde\nf", 10),
            [
                (Line::Read(3), b"ab\n".to_vec()),
                (Line::Read(4), b"cde\n".to_vec()),
                (Line::Read(1), b"f".to_vec()),
            ]
        );
        assert_eq!(lines(b"", 10), []);
    }

    #[test]
    fn a_long_line_is_skipped_to_its_end_and_the_next_line_is_read() {
        assert_eq!(
            lines(b"abcdefgh\nxy\n0123456789", 4),
            [
                (Line::TooLong(9), Vec::new()),
                (Line::Read(3), b"xy\n".to_vec()),
                (Line::TooLong(10), Vec::new()),
            ]
        );
        // Exactly at the limit is accepted, its line end included.
        assert_eq!(lines(b"abc\n", 4), [(Line::Read(4), b"abc\n".to_vec())]);
        assert_eq!(lines(b"abcd\n", 4), [(Line::TooLong(5), Vec::new())]);
    }

    #[test]
    fn read_all_stops_one_byte_past_the_limit() {
        assert_eq!(read_all(&b"abcd"[..], 4).unwrap(), Ok(b"abcd".to_vec()));
        assert_eq!(
            read_all(&b"abcde"[..], 4).unwrap(),
            Err(TooLarge { limit: 4 })
        );
        // An endless input ends at once.
        assert_eq!(
            read_all(io::repeat(0), 1000).unwrap(),
            Err(TooLarge { limit: 1000 })
        );
    }

    #[test]
    fn shorten_cuts_long_values_at_a_character_boundary() {
        assert!(matches!(shorten("short"), Cow::Borrowed("short")));
        let long = "é".repeat(MAX_SHOWN_CHARS + 5);
        let shown = shorten(&long);
        assert_eq!(shown.chars().count(), MAX_SHOWN_CHARS + 1);
        assert!(shown.ends_with('…'));
        let exact = "x".repeat(MAX_SHOWN_CHARS);
        assert_eq!(shorten(&exact), exact);
    }
}
