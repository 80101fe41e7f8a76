//! The documented limits on what `candidacy` reads, and the bounded readers
//! that hold them, so that no input can make memory grow without bound.
//!
//! Every limit here is in the README's "Limits" table. Over a limit, the
//! caller reports an error (an error record in `batch`, exit 65 for an
//! answer file, exit 66 for a rule or case file, a `source-missing` error
//! in `rules check --sources`, asking again for a typed line); files are
//! read only when they are regular files; the readers below never
//! buffer more than the limit, and a line that is too long is skipped up
//! to its line end without being kept, so a stream stays in step.

use std::borrow::Cow;
use std::io::{self, BufRead, Read};
use std::path::Path;

/// The most bytes one `batch` record may take (a JSON line, or a CSV record
/// with its line end): about 350 times a typical record.
pub const MAX_RECORD_BYTES: usize = 64 * 1024;

/// The most bytes an `--answers` file (or standard input given as `-`) may
/// hold.
pub const MAX_ANSWER_FILE_BYTES: u64 = 1024 * 1024;

/// The most bytes one typed line of the `--plain` interview may take.
pub const MAX_TYPED_LINE_BYTES: usize = 4 * 1024;

/// The most bytes one rule file or test-case file (`*.toml`) may hold:
/// 10,000 rules take about 2.2 MB, so this leaves ample room.
pub const MAX_RULE_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// The most bytes one source document read by `rules check --sources` may
/// hold.
pub const MAX_SOURCE_FILE_BYTES: u64 = 16 * 1024 * 1024;

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

/// Reads the UTF-8 text file at `path`, of at most `max` bytes.
///
/// Only a regular file is read (a symbolic link is followed): a folder, a
/// FIFO, a device or a socket is refused before it is opened, as opening a
/// FIFO would wait for a writer and a device such as `/dev/zero` never
/// ends. Reading stops one byte past `max`, so a larger file costs no more
/// memory than that.
///
/// Errors are `io::Error`s whose message says what is wrong, for the caller
/// to report with the file's name: the file's own error (missing,
/// unreadable); [`io::ErrorKind::InvalidInput`] for what is not a regular
/// file; [`io::ErrorKind::FileTooLarge`] (carrying a [`TooLarge`]) over the
/// limit; [`io::ErrorKind::InvalidData`] for text that is not UTF-8, as
/// [`std::fs::read_to_string`] reports it.
pub fn read_text_file(path: &Path, max: u64) -> io::Result<String> {
    let not_a_file = |kind| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("it is {}, not a regular file", kind_of(kind)),
        )
    };
    let found = std::fs::metadata(path)?;
    if !found.is_file() {
        return Err(not_a_file(found.file_type()));
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    // Should the file be swapped for a FIFO after the check above, opening
    // it does not wait for a writer; the check below then refuses it.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let file = options.open(path)?;
    let opened = file.metadata()?;
    if !opened.is_file() {
        return Err(not_a_file(opened.file_type()));
    }
    let bytes = read_all(file, max)?
        .map_err(|too_large| io::Error::new(io::ErrorKind::FileTooLarge, too_large))?;
    String::from_utf8(bytes).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        )
    })
}

/// What a file that is not a regular file is, in words ("a folder", "a
/// FIFO (named pipe)", "a device", "a socket").
pub fn kind_of(kind: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if kind.is_dir() {
        "a folder"
    } else if kind.is_symlink() {
        "a symbolic link"
    } else if kind.is_file() {
        "a regular file"
    } else {
        "something else"
    }
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

    #[test]
    fn read_text_file_reads_a_file_within_the_limit_and_refuses_a_larger_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.toml");
        std::fs::write(&path, "abcd").unwrap();
        assert_eq!(read_text_file(&path, 4).unwrap(), "abcd");
        let e = read_text_file(&path, 3).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::FileTooLarge);
        assert_eq!(
            e.to_string(),
            "it is larger than 3 bytes, the most that is read"
        );
        std::fs::write(&path, b"\xff").unwrap();
        let e = read_text_file(&path, 4).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
        let e = read_text_file(dir.path(), 4).unwrap_err();
        assert_eq!(e.to_string(), "it is a folder, not a regular file");
        let e = read_text_file(&dir.path().join("missing"), 4).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
    }

    #[cfg(unix)]
    #[test]
    fn read_text_file_refuses_a_device_and_a_fifo_even_through_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("zero.toml");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        let e = read_text_file(&link, MAX_RULE_FILE_BYTES).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
        assert_eq!(e.to_string(), "it is a device, not a regular file");
        // Opening a FIFO with no writer would wait forever: it is refused
        // without being opened.
        let fifo = dir.path().join("fifo.toml");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let e = read_text_file(&fifo, MAX_RULE_FILE_BYTES).unwrap_err();
        assert_eq!(
            e.to_string(),
            "it is a FIFO (named pipe), not a regular file"
        );
    }
}

#[cfg(test)]
mod mutation_tests {
    use super::*;

    /// The limit cell of the README's "Limits" table row whose first cell
    /// starts with `what`.
    fn documented(what: &str) -> &'static str {
        let readme = include_str!("../README.md");
        let section = readme
            .split("\n## Limits\n")
            .nth(1)
            .expect("the README has a Limits section");
        section
            .lines()
            .take_while(|line| !line.starts_with("## "))
            .find_map(|line| {
                let cells: Vec<&str> = line.split('|').map(str::trim).collect();
                (cells.len() > 3 && cells[1].starts_with(what)).then(|| cells[2])
            })
            .unwrap_or_else(|| panic!("no Limits row for {what}"))
    }

    /// A size as the README writes it ("64 KiB", "16 MiB", "60 characters").
    fn amount(cell: &str) -> u64 {
        let (number, unit) = cell.split_once(' ').expect("a number and a unit");
        let number: u64 = number.parse().expect("a whole number");
        number
            * match unit {
                "KiB" => 1024,
                "MiB" => 1024 * 1024,
                "characters" => 1,
                other => panic!("unknown unit {other}"),
            }
    }

    #[test]
    fn the_limits_in_force_are_the_ones_the_readme_documents() {
        assert_eq!(
            amount(documented("one `batch` record")),
            MAX_RECORD_BYTES as u64
        );
        assert_eq!(
            amount(documented("an `--answers` file")),
            MAX_ANSWER_FILE_BYTES
        );
        assert_eq!(
            amount(documented("a rule file or a test-case file")),
            MAX_RULE_FILE_BYTES
        );
        assert_eq!(
            amount(documented("a source document")),
            MAX_SOURCE_FILE_BYTES
        );
        assert_eq!(
            amount(documented("one typed line")),
            MAX_TYPED_LINE_BYTES as u64
        );
        assert_eq!(
            amount(documented("a value repeated in an error message")),
            MAX_SHOWN_CHARS as u64
        );
    }

    /// A buffered input whose first `fill_buf` fails with `first`, and
    /// which then holds `data`.
    struct Failing {
        first: Option<io::ErrorKind>,
        data: &'static [u8],
    }

    impl Read for Failing {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = self.fill_buf()?.read(out)?;
            self.consume(n);
            Ok(n)
        }
    }

    impl BufRead for Failing {
        fn fill_buf(&mut self) -> io::Result<&[u8]> {
            match self.first.take() {
                Some(kind) => Err(io::Error::new(kind, "failing once")),
                None => Ok(self.data),
            }
        }

        fn consume(&mut self, n: usize) {
            self.data = &self.data[n..];
        }
    }

    #[test]
    fn read_line_retries_an_interrupted_read() {
        let mut input = Failing {
            first: Some(io::ErrorKind::Interrupted),
            data: b"ab\ncd",
        };
        let mut buf = Vec::new();
        assert_eq!(read_line(&mut input, &mut buf, 10).unwrap(), Line::Read(3));
        assert_eq!(buf, b"ab\n");
    }

    #[test]
    fn read_line_reports_any_other_read_error() {
        let mut input = Failing {
            first: Some(io::ErrorKind::BrokenPipe),
            data: b"ab\n",
        };
        let mut buf = Vec::new();
        let e = read_line(&mut input, &mut buf, 10).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::BrokenPipe);
    }
}
