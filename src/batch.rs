//! `candidacy batch`: many intake records screened in one streaming pass.
//!
//! Input is JSON Lines (one answer object per line, the keys of
//! `--answers`, plus an optional `id`) or CSV (a header row of question ids
//! and optionally `id`; several choices separated by `;`). Every input
//! record yields exactly one output record, in input order: the outcome and
//! the rules that fired, or the reason the record is invalid. The reader
//! keeps one line (or CSV record) in memory at a time, of at most
//! [`MAX_RECORD_BYTES`]: a longer one is an error record, skipped to its
//! line end without being kept, so memory stays flat whatever the input.
//!
//! This module reads and writes through the `BufRead` and `Write` it is
//! given and never touches the terminal; `app` adds the progress bar and
//! prints the tally.

use std::borrow::Cow;
use std::fmt;
use std::io::{BufRead, Write};
use std::num::NonZeroUsize;
use std::panic::AssertUnwindSafe;
use std::sync::Mutex;
use std::sync::mpsc::sync_channel;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::answers::{AnswerSet, Answers, Given, Text, parse, take_answer};
use crate::evaluate::evaluate_into;
use crate::level::Level;
use crate::limits::{self, Line, MAX_RECORD_BYTES, shorten};
use crate::ruleset::{QuestionKind, Rule, RuleSet};
use crate::sanitize::sanitize;

/// The input formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// One JSON object per line.
    JsonLines,
    /// A header row of question ids, then one record per row.
    Csv,
}

impl InputFormat {
    /// The format for a file name: `.csv` is CSV; anything else (`.jsonl`,
    /// `.ndjson`, standard input) is JSON Lines.
    pub fn guess(name: &str) -> InputFormat {
        if name.to_ascii_lowercase().ends_with(".csv") {
            InputFormat::Csv
        } else {
            InputFormat::JsonLines
        }
    }
}

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// `{"line": N, "id": ..., "outcome": ..., "rules": [...]}` or
    /// `{"line": N, "id": ..., "error": "..."}`, one per line.
    JsonLines,
    /// `line,id,outcome,rules,error`, rules separated by `;`.
    Csv,
}

/// How many records got each outcome, and how many were invalid.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Records screened, by outcome (most serious first, as
    /// [`Level::ALL`] without `info`).
    pub outcomes: [usize; 4],
    /// Invalid records.
    pub errors: usize,
}

impl Tally {
    /// Every record read.
    pub fn records(&self) -> usize {
        self.outcomes.iter().sum::<usize>() + self.errors
    }

    fn add(&mut self, result: &Outcome) {
        match result {
            // The outcome is never `info`, the last level.
            Ok(level) => match Level::ALL.iter().position(|l| l == level) {
                Some(i) if i < self.outcomes.len() => self.outcomes[i] += 1,
                _ => {}
            },
            Err(_) => self.errors += 1,
        }
    }

    fn merge(&mut self, other: &Tally) {
        for (mine, theirs) in self.outcomes.iter_mut().zip(other.outcomes) {
            *mine += theirs;
        }
        self.errors += other.errors;
    }

    /// The tally as a table, one row per outcome and one for errors.
    pub fn render_table(&self) -> String {
        use comfy_table::{Cell, CellAlignment, Table, presets};
        let mut table = Table::new();
        table
            .load_style(presets::UTF8_FULL)
            .set_header(["outcome", "records"]);
        let rows = Level::ALL
            .iter()
            .map(|l| l.id())
            .zip(self.outcomes)
            .chain([("invalid", self.errors), ("total", self.records())]);
        for (name, count) in rows {
            table.add_row(vec![
                Cell::new(name),
                Cell::new(count).set_alignment(CellAlignment::Right),
            ]);
        }
        format!("{table}\n")
    }
}

/// Why a batch stopped before the end of its input.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// The input could not be read.
    #[error("cannot read the input")]
    Input(#[source] std::io::Error),
    /// The output could not be written.
    #[error("cannot write the results")]
    Output(#[source] std::io::Error),
}

/// A record's `id`, copied to its result as it was written.
#[derive(Debug, Clone, PartialEq)]
pub enum Id<'a> {
    /// No `id`.
    None,
    /// A string id.
    Text(Cow<'a, str>),
    /// A numeric id, as its JSON text.
    Number(serde_json::Number),
}

impl Serialize for Id<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Id::None => serializer.serialize_none(),
            Id::Text(text) => serializer.serialize_str(text),
            Id::Number(n) => n.serialize(serializer),
        }
    }
}

impl Id<'_> {
    fn as_csv(&self) -> Cow<'_, str> {
        match self {
            Id::None => Cow::Borrowed(""),
            Id::Text(text) => Cow::Borrowed(text),
            Id::Number(n) => Cow::Owned(n.to_string()),
        }
    }
}

/// A record's id as a CSV result cell: cleaned by the sanitizing policy, and
/// a text id that a spreadsheet would run as a formula (it starts with `=`,
/// `+`, `-` or `@`) is prefixed with `'`, which spreadsheets show as text
/// (OWASP's advice on CSV injection). Staff open these results in
/// spreadsheets; a number id is a number and stays as it is.
fn spreadsheet_safe<'a>(id: &'a Id<'_>) -> Cow<'a, str> {
    match id {
        Id::Text(text) => {
            let text = sanitize(text);
            if text.starts_with(['=', '+', '-', '@']) {
                Cow::Owned(format!("'{text}"))
            } else {
                text
            }
        }
        _ => id.as_csv(),
    }
}

/// One record's result: its outcome, or why it is invalid.
type Outcome = Result<Level, String>;

/// The most records in one chunk.
const CHUNK_RECORDS: usize = 4096;

/// A chunk is full once its bytes (and CSV field ends, at their size) reach
/// this; one more record of at most [`MAX_RECORD_BYTES`] may follow.
const CHUNK_BYTES: usize = 128 * 1024;

/// The most chunks read but not yet written, whatever `--jobs` is: this
/// bounds the memory a batch takes (each chunk, its results included, stays
/// under 2 MB).
const MAX_IN_FLIGHT: usize = 16;

/// The number of workers to use by default: the cores this process may use.
pub fn default_jobs() -> NonZeroUsize {
    std::thread::available_parallelism().unwrap_or(NonZeroUsize::MIN)
}

/// Screens every record of `input` and writes one result per record to
/// `output`, calling `progress` with the bytes read so far now and then.
/// Invalid records are counted in the tally, not returned as errors; only
/// failing I/O stops the batch. The output is flushed at the end and before
/// an error is returned.
///
/// With `jobs` above 1 the input is read in chunks cut at record boundaries
/// and `jobs` threads screen them while this thread reads on and another
/// writes the results in input order, through bounded queues. The output,
/// the tally and any error are the same as with one job, byte for byte.
pub fn run<R: BufRead, W: Write + Send>(
    rules: &RuleSet,
    input: R,
    input_format: InputFormat,
    output: W,
    output_format: OutputFormat,
    jobs: NonZeroUsize,
    progress: &mut dyn FnMut(u64),
) -> Result<Tally, BatchError> {
    let chunking = Chunking {
        input: input_format,
        records: CHUNK_RECORDS,
    };
    run_chunked(
        rules,
        input,
        chunking,
        output,
        output_format,
        jobs,
        progress,
    )
}

/// How the input is cut: its format, and the most records in a chunk.
#[derive(Debug, Clone, Copy)]
struct Chunking {
    input: InputFormat,
    records: usize,
}

/// [`run`], with chunks of at most `chunking.records` records (tests cut
/// small inputs into many chunks).
fn run_chunked<R: BufRead, W: Write + Send>(
    rules: &RuleSet,
    input: R,
    chunking: Chunking,
    output: W,
    output_format: OutputFormat,
    jobs: NonZeroUsize,
    progress: &mut dyn FnMut(u64),
) -> Result<Tally, BatchError> {
    let mut sink = Sink::new(output, output_format).map_err(BatchError::Output)?;
    let mut source = Source::new(input, chunking);
    let columns = match source.start(rules) {
        Ok(columns) => columns,
        Err(e) => {
            sink.flush().map_err(BatchError::Output)?;
            return Err(BatchError::Input(e));
        }
    };
    let screener = Screener {
        rules,
        columns: columns.as_ref(),
        output: output_format,
    };
    if jobs.get() == 1 {
        one_job(&screener, &mut source, &mut sink, progress)
    } else {
        many_jobs(&screener, &mut source, sink, jobs.get(), progress)
    }
}

/// Reads, screens and writes each chunk in turn on this thread.
fn one_job<R: BufRead, W: Write>(
    screener: &Screener<'_>,
    source: &mut Source<R>,
    sink: &mut Sink<W>,
    progress: &mut dyn FnMut(u64),
) -> Result<Tally, BatchError> {
    let mut worker = Worker::new(screener);
    let mut chunk = Chunk::default();
    let mut out = Vec::new();
    let mut tally = Tally::default();
    loop {
        chunk.clear();
        let read = source.fill(&mut chunk);
        progress(source.bytes());
        out.clear();
        let screened = worker
            .screen(&chunk, &mut out)
            .map_err(BatchError::Output)?;
        tally.merge(&screened);
        sink.write(&out).map_err(BatchError::Output)?;
        match read {
            Ok(Filled::More) => {}
            Ok(Filled::End) => break,
            Err(e) => {
                sink.flush().map_err(BatchError::Output)?;
                return Err(BatchError::Input(e));
            }
        }
    }
    sink.flush().map_err(BatchError::Output)?;
    Ok(tally)
}

/// A chunk on its way through the threads, numbered in input order, with
/// the buffer its results are written to.
struct Job {
    number: u64,
    chunk: Chunk,
    out: Vec<u8>,
}

/// Reads chunks on this thread, screens them on `jobs` threads and writes
/// the results in input order on one more. At most [`MAX_IN_FLIGHT`] chunks
/// (with their result buffers, which are reused) exist at once: the reader
/// waits for the writer to hand one back before it reads more.
fn many_jobs<R: BufRead, W: Write + Send>(
    screener: &Screener<'_>,
    source: &mut Source<R>,
    mut sink: Sink<W>,
    jobs: usize,
    progress: &mut dyn FnMut(u64),
) -> Result<Tally, BatchError> {
    let in_flight = (2 * jobs + 2).min(MAX_IN_FLIGHT);
    let (free_tx, free_rx) = sync_channel::<(Chunk, Vec<u8>)>(in_flight);
    for _ in 0..in_flight {
        // The channel holds them all, so this never blocks or fails.
        let _ = free_tx.send((Chunk::default(), Vec::new()));
    }
    let (work_tx, work_rx) = sync_channel::<Job>(in_flight);
    let work_rx = Mutex::new(work_rx);
    // A worker that fails sends the failure on, so the writer stops (and
    // the reader with it) instead of waiting for a chunk that never comes.
    let (done_tx, done_rx) = sync_channel::<Result<(Job, Tally), Failure>>(in_flight);
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            let done_tx = done_tx.clone();
            let work_rx = &work_rx;
            scope.spawn(move || {
                let mut worker = Worker::new(screener);
                loop {
                    // The lock is held only while waiting for the next job.
                    let next = match work_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => break,
                    };
                    let Ok(mut job) = next else { break };
                    job.out.clear();
                    let screened = std::panic::catch_unwind(AssertUnwindSafe(|| {
                        worker.screen(&job.chunk, &mut job.out)
                    }));
                    let screened = match screened {
                        Ok(Ok(tally)) => Ok((job, tally)),
                        Ok(Err(e)) => Err(Failure::Io(e)),
                        Err(panic) => Err(Failure::Panic(panic)),
                    };
                    let failed = screened.is_err();
                    if done_tx.send(screened).is_err() || failed {
                        break;
                    }
                }
            });
        }
        drop(done_tx);
        let writer = scope.spawn(move || -> std::io::Result<(Tally, u64)> {
            let mut tally = Tally::default();
            let mut next = 0u64;
            let mut waiting = std::collections::BTreeMap::new();
            for screened in done_rx {
                let (job, chunk_tally) = match screened {
                    Ok(screened) => screened,
                    Err(Failure::Io(e)) => return Err(e),
                    Err(Failure::Panic(panic)) => std::panic::resume_unwind(panic),
                };
                waiting.insert(job.number, (job, chunk_tally));
                while let Some((job, chunk_tally)) = waiting.remove(&next) {
                    sink.write(&job.out)?;
                    tally.merge(&chunk_tally);
                    next += 1;
                    // The reader may have stopped; then the buffers are dropped.
                    let _ = free_tx.send((job.chunk, job.out));
                }
            }
            sink.flush()?;
            Ok((tally, next))
        });
        let mut number = 0u64;
        let mut input_error = None;
        // Stops early only when the writer has stopped (an output error).
        while let Ok((mut chunk, out)) = free_rx.recv() {
            chunk.clear();
            let read = source.fill(&mut chunk);
            progress(source.bytes());
            if work_tx.send(Job { number, chunk, out }).is_err() {
                break;
            }
            number += 1;
            match read {
                Ok(Filled::More) => {}
                Ok(Filled::End) => break,
                Err(e) => {
                    input_error = Some(e);
                    break;
                }
            }
        }
        drop(work_tx);
        let written = match writer.join() {
            Ok(written) => written,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        let (tally, chunks) = written.map_err(BatchError::Output)?;
        if let Some(e) = input_error {
            return Err(BatchError::Input(e));
        }
        // Every chunk read was written: none was lost on the way.
        if chunks != number {
            return Err(BatchError::Output(std::io::Error::other(
                "a chunk of results was lost between the threads",
            )));
        }
        Ok(tally)
    })
}

/// Why a worker could not screen a chunk.
enum Failure {
    Io(std::io::Error),
    Panic(Box<dyn std::any::Any + Send>),
}

/// The final output: the CSV header, then each chunk's results as they are.
struct Sink<W: Write> {
    output: W,
}

impl<W: Write> Sink<W> {
    fn new(mut output: W, format: OutputFormat) -> std::io::Result<Sink<W>> {
        if format == OutputFormat::Csv {
            let mut header = csv::Writer::from_writer(Vec::new());
            header.write_record(["line", "id", "outcome", "rules", "error"])?;
            header.flush()?;
            output.write_all(header.get_ref())?;
        }
        Ok(Sink { output })
    }

    fn write(&mut self, results: &[u8]) -> std::io::Result<()> {
        self.output.write_all(results)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.output.flush()
    }
}

/// Records read but not yet screened: a run of the input cut at record
/// boundaries (so a quoted CSV field over several lines is never cut).
#[derive(Debug, Default)]
struct Chunk {
    /// JSON Lines: each line as read, line end included. CSV: each
    /// record's field bytes, one field after another.
    bytes: Vec<u8>,
    /// CSV: each record's field ends, relative to its first field byte.
    ends: Vec<usize>,
    items: Vec<Item>,
}

impl Chunk {
    fn clear(&mut self) {
        self.bytes.clear();
        self.ends.clear();
        self.items.clear();
    }

    fn is_full(&self, records: usize) -> bool {
        self.items.len() >= records
            || self.bytes.len() + self.ends.len() * std::mem::size_of::<usize>() >= CHUNK_BYTES
    }

    fn push_record(&mut self, line: u64, bytes: &[u8], ends: &[usize]) {
        let at = (self.bytes.len(), self.ends.len());
        self.bytes.extend_from_slice(bytes);
        self.ends.extend_from_slice(ends);
        self.items.push(Item {
            line,
            kind: ItemKind::Record {
                bytes: at.0..self.bytes.len(),
                ends: at.1..self.ends.len(),
            },
        });
    }
}

/// One record in a chunk, with the line it starts on.
#[derive(Debug)]
struct Item {
    line: u64,
    kind: ItemKind,
}

#[derive(Debug)]
enum ItemKind {
    /// Its bytes (and CSV field ends) in the chunk.
    Record {
        bytes: std::ops::Range<usize>,
        ends: std::ops::Range<usize>,
    },
    /// Over [`MAX_RECORD_BYTES`]: skipped, not kept. Names what it was
    /// ("line", "record", "header row").
    TooLong(&'static str),
}

/// Whether the input has more after a chunk.
enum Filled {
    More,
    End,
}

/// The input, read into chunks of at most `records` records.
struct Source<R> {
    records: usize,
    format: SourceFormat<R>,
}

enum SourceFormat<R> {
    JsonLines {
        input: R,
        line_buf: Vec<u8>,
        line: u64,
        bytes: u64,
    },
    Csv {
        reader: Box<CsvReader<R>>,
        /// The header row's own error record, written before any other.
        header_error: Option<Item>,
    },
}

impl<R: BufRead> Source<R> {
    fn new(input: R, chunking: Chunking) -> Self {
        let format = match chunking.input {
            InputFormat::JsonLines => SourceFormat::JsonLines {
                input,
                line_buf: Vec::new(),
                line: 0,
                bytes: 0,
            },
            InputFormat::Csv => SourceFormat::Csv {
                reader: Box::new(CsvReader::new(input)),
                header_error: None,
            },
        };
        Source {
            records: chunking.records.max(1),
            format,
        }
    }

    /// Reads the CSV header row (blank lines before it skipped): what each
    /// column holds. `None` for JSON Lines, and for CSV with no rows.
    fn start(&mut self, rules: &RuleSet) -> std::io::Result<Option<Columns>> {
        let SourceFormat::Csv {
            reader,
            header_error,
        } = &mut self.format
        else {
            return Ok(None);
        };
        loop {
            return Ok(Some(match reader.next()? {
                CsvRead::End => return Ok(None),
                CsvRead::Record(_) if reader.record().is_blank() => continue,
                CsvRead::Record(_) => Columns::new(rules, &reader.record()),
                // A header too long to read is reported (so even an input
                // that is all one endless line fails), and makes every
                // record after it invalid.
                CsvRead::TooLong(line) => {
                    *header_error = Some(Item {
                        line,
                        kind: ItemKind::TooLong("header row"),
                    });
                    Columns::invalid(too_long("header row"))
                }
            }));
        }
    }

    /// Bytes consumed so far.
    fn bytes(&self) -> u64 {
        match &self.format {
            SourceFormat::JsonLines { bytes, .. } => *bytes,
            SourceFormat::Csv { reader, .. } => reader.bytes,
        }
    }

    /// Reads records into `chunk` until it is full or the input ends. On
    /// an error the records read before it are in `chunk`.
    fn fill(&mut self, chunk: &mut Chunk) -> std::io::Result<Filled> {
        let records = self.records;
        match &mut self.format {
            SourceFormat::JsonLines {
                input,
                line_buf,
                line,
                bytes,
            } => {
                while !chunk.is_full(records) {
                    match limits::read_line(input, line_buf, MAX_RECORD_BYTES)? {
                        Line::End => return Ok(Filled::End),
                        Line::Read(read) => {
                            *bytes += read as u64;
                            *line += 1;
                            chunk.push_record(*line, line_buf, &[]);
                        }
                        Line::TooLong(read) => {
                            *bytes += read;
                            *line += 1;
                            chunk.items.push(Item {
                                line: *line,
                                kind: ItemKind::TooLong("line"),
                            });
                        }
                    }
                }
            }
            SourceFormat::Csv {
                reader,
                header_error,
            } => {
                chunk.items.extend(header_error.take());
                while !chunk.is_full(records) {
                    match reader.next()? {
                        CsvRead::End => return Ok(Filled::End),
                        CsvRead::Record(_) if reader.record().is_blank() => {}
                        CsvRead::Record(line) => {
                            let record = reader.record();
                            chunk.push_record(line, record.bytes, record.ends);
                        }
                        CsvRead::TooLong(line) => chunk.items.push(Item {
                            line,
                            kind: ItemKind::TooLong("record"),
                        }),
                    }
                }
            }
        }
        Ok(Filled::More)
    }
}

/// What every worker shares: the rules, the CSV columns, the output format.
struct Screener<'r> {
    rules: &'r RuleSet,
    /// CSV input's columns (`None` for JSON Lines).
    columns: Option<&'r Columns>,
    output: OutputFormat,
}

/// One thread's screening state, reused from record to record.
struct Worker<'s, 'r> {
    screener: &'s Screener<'r>,
    buffers: Buffers<'r>,
    answers: Answers,
    /// CSV results are written through this; its buffer becomes the
    /// chunk's results, and the chunk's last buffer its next.
    csv: csv::Writer<Vec<u8>>,
}

impl<'s, 'r> Worker<'s, 'r> {
    fn new(screener: &'s Screener<'r>) -> Self {
        Worker {
            screener,
            buffers: Buffers::new(),
            answers: Answers::new(screener.rules),
            csv: csv::Writer::from_writer(Vec::new()),
        }
    }

    /// Screens every record of `chunk`, writing one result per record to
    /// `out`, in order.
    fn screen(&mut self, chunk: &Chunk, out: &mut Vec<u8>) -> std::io::Result<Tally> {
        let rules = self.screener.rules;
        let mut tally = Tally::default();
        for item in &chunk.items {
            let (id, result) = match &item.kind {
                ItemKind::TooLong(what) => (Id::None, Err(too_long(what))),
                ItemKind::Record { bytes, ends } => {
                    let bytes = chunk.bytes.get(bytes.clone()).unwrap_or_default();
                    match self.screener.columns {
                        Some(columns) => {
                            let record = CsvRecord {
                                bytes,
                                ends: chunk.ends.get(ends.clone()).unwrap_or_default(),
                            };
                            columns.record(rules, &record, &mut self.answers, &mut self.buffers)
                        }
                        None => match json_line(
                            rules,
                            item.line,
                            bytes,
                            &mut self.answers,
                            &mut self.buffers,
                        ) {
                            Some(screened) => screened,
                            // A byte order mark alone is an empty input,
                            // not a line.
                            None => continue,
                        },
                    }
                }
            };
            tally.add(&result);
            self.write(out, item.line, &id, &result)?;
        }
        if self.screener.output == OutputFormat::Csv {
            // `out` is empty here (CSV results are all in the writer).
            let next = csv::Writer::from_writer(std::mem::take(out));
            let written = std::mem::replace(&mut self.csv, next);
            *out = written.into_inner().map_err(|e| e.into_error())?;
        }
        Ok(tally)
    }

    fn write(
        &mut self,
        out: &mut Vec<u8>,
        line: u64,
        id: &Id<'_>,
        result: &Outcome,
    ) -> std::io::Result<()> {
        let fired = &self.buffers.fired;
        match self.screener.output {
            OutputFormat::JsonLines => {
                match result {
                    Ok(outcome) => crate::sanitize::write_json(
                        &mut *out,
                        &Screened {
                            line,
                            id,
                            outcome: *outcome,
                            rules: RuleIds(fired),
                        },
                    ),
                    Err(error) => {
                        crate::sanitize::write_json(&mut *out, &Invalid { line, id, error })
                    }
                }
                .map_err(std::io::Error::from)?;
                out.push(b'\n');
                Ok(())
            }
            OutputFormat::Csv => {
                let csv = &mut self.csv;
                let line = line.to_string();
                let id = spreadsheet_safe(id);
                match result {
                    Ok(outcome) => {
                        let rules: Vec<&str> = fired.iter().map(|r| r.id.as_str()).collect();
                        let rules = rules.join(";");
                        csv.write_record([&line, &*id, outcome.id(), &sanitize(&rules), ""])
                    }
                    Err(error) => csv.write_record([&line, &*id, "", "", &sanitize(error)]),
                }
                .map_err(std::io::Error::from)
            }
        }
    }
}

#[derive(Serialize)]
struct Screened<'a> {
    line: u64,
    id: &'a Id<'a>,
    outcome: Level,
    rules: RuleIds<'a>,
}

#[derive(Serialize)]
struct Invalid<'a> {
    line: u64,
    id: &'a Id<'a>,
    error: &'a str,
}

struct RuleIds<'a>(&'a [&'a Rule]);

impl Serialize for RuleIds<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|r| r.id.as_str()))
    }
}

/// Buffers reused from record to record.
struct Buffers<'r> {
    answers: AnswerSet,
    fired: Vec<&'r Rule>,
}

impl Buffers<'_> {
    fn new() -> Self {
        Buffers {
            answers: AnswerSet::buffer(),
            fired: Vec::new(),
        }
    }
}

/// Screens one record's answers; `Err` is the reason it is invalid.
fn screen<'r>(
    rules: &'r RuleSet,
    answers: &Answers,
    buffers: &mut Buffers<'r>,
) -> Result<Level, String> {
    match answers.complete_into(rules, &mut buffers.answers) {
        Ok(()) => Ok(evaluate_into(rules, &buffers.answers, &mut buffers.fired).0),
        Err(missing) => {
            let ids: Vec<&str> = missing
                .iter()
                .map(|&i| rules.questions[i].id.as_str())
                .collect();
            Err(format!("missing answers: {}", ids.join(", ")))
        }
    }
}

/// Screens one JSON Lines line as read (line end included): its id and
/// result, or `None` for a byte order mark alone (an empty input).
fn json_line<'a, 'r>(
    rules: &'r RuleSet,
    line: u64,
    bytes: &'a [u8],
    answers: &mut Answers,
    buffers: &mut Buffers<'r>,
) -> Option<(Id<'a>, Outcome)> {
    let mut text = bytes;
    if line == 1 {
        text = text.strip_prefix(b"\xef\xbb\xbf").unwrap_or(text);
        if text.is_empty() {
            return None;
        }
    }
    let text = text.strip_suffix(b"\n").unwrap_or(text);
    let text = text.strip_suffix(b"\r").unwrap_or(text);
    Some(match std::str::from_utf8(text) {
        Err(_) => (Id::None, Err("the line is not UTF-8 text".to_owned())),
        Ok(text) if text.trim().is_empty() => (Id::None, Err("empty line".to_owned())),
        Ok(text) => match parse_record(rules, text, answers) {
            Ok(record) => {
                let result = match record.error {
                    Some(error) => Err(error),
                    None => screen(rules, answers, buffers),
                };
                (record.id, result)
            }
            Err(error) => (Id::None, Err(error)),
        },
    })
}

/// The error of a record over [`MAX_RECORD_BYTES`].
fn too_long(what: &str) -> String {
    format!("the {what} is longer than {MAX_RECORD_BYTES} bytes, the most that is read")
}

/// A JSON Lines record: its id and the first problem found (the record is
/// invalid when there is one). Its answers go into the `Answers` given to
/// [`parse_record`], reused from record to record.
struct Record<'a> {
    id: Id<'a>,
    error: Option<String>,
}

fn parse_record<'a>(
    rules: &RuleSet,
    text: &'a str,
    answers: &mut Answers,
) -> Result<Record<'a>, String> {
    answers.clear();
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let record = RecordSeed { rules, answers }
        .deserialize(&mut deserializer)
        .map_err(|e| format!("invalid JSON: {e}"))?;
    deserializer
        .end()
        .map_err(|e| format!("invalid JSON: {e}"))?;
    Ok(record)
}

struct RecordSeed<'r, 's> {
    rules: &'r RuleSet,
    answers: &'s mut Answers,
}

impl<'de> DeserializeSeed<'de> for RecordSeed<'_, '_> {
    type Value = Record<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Record<'de>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// The error of a line that is JSON but not an object.
fn not_an_object<'de>(found: &str) -> Record<'de> {
    Record {
        id: Id::None,
        error: Some(format!(
            "expected an object whose keys are question ids (and optionally `id`), not {found}"
        )),
    }
}

impl<'de> Visitor<'de> for RecordSeed<'_, '_> {
    type Value = Record<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object whose keys are question ids (and optionally `id`)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Record<'de>, A::Error> {
        let mut record = Record {
            id: Id::None,
            error: None,
        };
        let mut id_seen = false;
        while let Some(key) = map.next_key::<Text<'de>>()? {
            let key = key.0;
            if key == "id" {
                let id = map.next_value::<RawId<'de>>()?.0;
                let problem = match id {
                    _ if id_seen => Some("`id` is given twice".to_owned()),
                    Ok(id) => {
                        record.id = id;
                        None
                    }
                    Err(found) => Some(format!("`id` must be a string or a number, not {found}")),
                };
                id_seen = true;
                if let Some(problem) = problem {
                    record.error.get_or_insert(problem);
                }
                continue;
            }
            if let Err(e) = take_answer(self.rules, self.answers, &key, &mut map)? {
                record.error.get_or_insert_with(|| e.to_string());
            }
        }
        Ok(record)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Record<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(not_an_object("an array"))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Record<'de>, E> {
        Ok(not_an_object("a string"))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Record<'de>, E> {
        Ok(not_an_object("a boolean"))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Record<'de>, E> {
        Ok(not_an_object("a number"))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Record<'de>, E> {
        Ok(not_an_object("a number"))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Record<'de>, E> {
        Ok(not_an_object("a number"))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Record<'de>, E> {
        Ok(not_an_object("null"))
    }
}

/// An `id` value, or what was found instead.
struct RawId<'de>(Result<Id<'de>, &'static str>);

impl<'de> Deserialize<'de> for RawId<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawId<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an id")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<RawId<'de>, E> {
                Ok(RawId(Ok(Id::Text(Cow::Borrowed(v)))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawId<'de>, E> {
                Ok(RawId(Ok(Id::Text(Cow::Owned(v.to_owned())))))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawId<'de>, E> {
                Ok(RawId(Ok(Id::Number(v.into()))))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawId<'de>, E> {
                Ok(RawId(Ok(Id::Number(v.into()))))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawId<'de>, E> {
                Ok(RawId(
                    serde_json::Number::from_f64(v)
                        .map(Id::Number)
                        .ok_or("a number"),
                ))
            }
            fn visit_unit<E: de::Error>(self) -> Result<RawId<'de>, E> {
                Ok(RawId(Ok(Id::None)))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<RawId<'de>, E> {
                Ok(RawId(Err("a boolean")))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawId<'de>, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(RawId(Err("an object")))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawId<'de>, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(RawId(Err("an array")))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// Counts line ends in bytes read: `\n`, `\r\n` and a bare `\r` each end
/// a line, as they each end a CSV record. `after_cr` carries a `\r` that
/// ended the last bytes counted, so a `\r\n` split between two reads counts
/// once.
#[derive(Debug, Default)]
struct LineCount {
    ends: u64,
    after_cr: bool,
}

impl LineCount {
    fn count(&mut self, bytes: &[u8]) {
        for &b in bytes {
            match b {
                b'\n' if self.after_cr => self.after_cr = false,
                b'\n' => self.ends += 1,
                b'\r' => {
                    self.ends += 1;
                    self.after_cr = true;
                }
                _ => self.after_cr = false,
            }
        }
    }

    /// The number of the line the next byte is on.
    fn line(&self) -> u64 {
        self.ends + 1
    }
}

/// One CSV record as read: the bytes of its fields, one after another, and
/// where each field ends.
struct CsvRecord<'a> {
    bytes: &'a [u8],
    ends: &'a [usize],
}

impl<'a> CsvRecord<'a> {
    fn fields(&self) -> impl Iterator<Item = &'a [u8]> + '_ {
        let bytes = self.bytes;
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(self.ends.iter().copied())
            .map(move |(start, end)| bytes.get(start..end).unwrap_or_default())
    }

    /// A line that holds nothing but spaces: not a record, as an empty line
    /// is not.
    fn is_blank(&self) -> bool {
        self.ends.len() <= 1 && self.bytes.iter().all(u8::is_ascii_whitespace)
    }
}

/// What [`CsvReader::next`] found.
enum CsvRead {
    /// The input had ended.
    End,
    /// A record starting on this line: its fields are in the reader.
    Record(u64),
    /// A record starting on this line took more than [`MAX_RECORD_BYTES`];
    /// it was skipped to the next line end, not kept.
    TooLong(u64),
}

/// Reads CSV one record at a time, as RFC 4180 readers do (`csv_core` with
/// its default settings: a `"` opens a quoted field only at the start of a
/// field, and is a literal character anywhere else in an unquoted field;
/// `\n`, `\r\n` and a bare `\r` each end a record; empty lines are not
/// records). It is driven directly on the stream, so it holds at most
/// [`MAX_RECORD_BYTES`] of a record, counts lines itself from the bytes it
/// consumes (so each record knows the line it starts on), and resumes at
/// the next line end after a record that is too long, including one whose
/// quoted field never closes.
struct CsvReader<R> {
    input: R,
    core: csv_core::Reader,
    lines: LineCount,
    /// Bytes consumed so far.
    bytes: u64,
    fields: Vec<u8>,
    ends: Vec<usize>,
    /// Bytes of `fields` and entries of `ends` used by the current record.
    used: (usize, usize),
}

impl<R: BufRead> CsvReader<R> {
    fn new(input: R) -> Self {
        let mut core = csv_core::Reader::new();
        // csv_core strips a byte order mark from the first bytes it is given.
        // Here those are the first record's (line ends before a record are
        // skipped in `next`), so after blank lines it would strip a mark that
        // RFC 4180 readers keep. A blank line read first tells it the input
        // has started; `next` strips a mark at the very start itself.
        let _ = core.read_record(b"\n", &mut [], &mut []);
        CsvReader {
            input,
            core,
            lines: LineCount::default(),
            bytes: 0,
            // Field bytes never outnumber the record's bytes.
            fields: vec![0; MAX_RECORD_BYTES],
            ends: vec![0; 64],
            used: (0, 0),
        }
    }

    fn record(&self) -> CsvRecord<'_> {
        CsvRecord {
            bytes: &self.fields[..self.used.0],
            ends: &self.ends[..self.used.1],
        }
    }

    fn next(&mut self) -> std::io::Result<CsvRead> {
        use csv_core::ReadRecordResult as R;
        if self.bytes == 0 {
            let available = fill(&mut self.input)?;
            if available.starts_with(b"\xef\xbb\xbf") {
                self.input.consume(3);
                self.bytes = 3;
            }
        }
        // Line ends between records are skipped here (as csv_core would), so
        // a record starts on the line of its first byte.
        loop {
            let available = fill(&mut self.input)?;
            let skip = available
                .iter()
                .position(|&b| b != b'\n' && b != b'\r')
                .unwrap_or(available.len());
            if skip == 0 {
                break;
            }
            self.lines.count(&available[..skip]);
            self.bytes += skip as u64;
            self.input.consume(skip);
        }
        let start = self.lines.line();
        self.used = (0, 0);
        let mut taken = 0usize;
        loop {
            let available = fill(&mut self.input)?;
            if taken == MAX_RECORD_BYTES && !available.is_empty() {
                return self.skip_line(start);
            }
            let input = &available[..available.len().min(MAX_RECORD_BYTES - taken)];
            let (result, nin, nout, nend) = self.core.read_record(
                input,
                &mut self.fields[self.used.0..],
                &mut self.ends[self.used.1..],
            );
            self.lines.count(&input[..nin]);
            self.input.consume(nin);
            self.bytes += nin as u64;
            taken += nin;
            self.used.0 += nout;
            self.used.1 += nend;
            match result {
                R::InputEmpty => {}
                // Cannot happen (a record's fields never take more bytes
                // than the record), but if it did the record is too long.
                R::OutputFull => return self.skip_line(start),
                R::OutputEndsFull => {
                    // At most one field per byte, so this stays bounded.
                    let len = self.ends.len();
                    self.ends.resize(len * 2, 0);
                }
                R::Record => return Ok(CsvRead::Record(start)),
                R::End => return Ok(CsvRead::End),
            }
        }
    }

    /// Drops the rest of a record that is too long, up to and including the
    /// next line end, without keeping it, and starts the next record there.
    fn skip_line(&mut self, start: u64) -> std::io::Result<CsvRead> {
        self.core.reset();
        self.used = (0, 0);
        loop {
            let available = fill(&mut self.input)?;
            if available.is_empty() {
                break;
            }
            let (n, ended) = match available.iter().position(|&b| b == b'\n' || b == b'\r') {
                Some(end) => (end + 1, true),
                None => (available.len(), false),
            };
            self.lines.count(&available[..n]);
            self.input.consume(n);
            self.bytes += n as u64;
            if ended {
                break;
            }
        }
        Ok(CsvRead::TooLong(start))
    }
}

/// The input's buffered bytes (empty at its end), retrying a read that was
/// interrupted.
fn fill<R: BufRead>(input: &mut R) -> std::io::Result<&[u8]> {
    loop {
        match input.fill_buf() {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
            // Asked again (without reading: the bytes are buffered), as a
            // borrow returned from inside the loop would outlive it.
            Ok(_) => return input.fill_buf(),
        }
    }
}

/// What a CSV column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    /// The record's id.
    Id,
    /// The answer to the question of this index.
    Question(usize),
    /// Nothing known (the header is invalid).
    Unknown,
}

/// What each CSV column holds, from the header row.
struct Columns {
    kinds: Vec<Column>,
    /// A problem with the header, which makes every record invalid.
    error: Option<String>,
}

impl Columns {
    /// A header that makes every record invalid.
    fn invalid(error: String) -> Columns {
        Columns {
            kinds: Vec::new(),
            error: Some(error),
        }
    }

    fn new(rules: &RuleSet, header: &CsvRecord<'_>) -> Columns {
        let mut kinds = Vec::new();
        let mut error = None;
        for field in header.fields() {
            let name = String::from_utf8_lossy(field);
            let name = name.trim();
            let kind = match rules.question_index(name) {
                _ if name == "id" => Column::Id,
                Some(index) => Column::Question(index),
                None => {
                    let known: Vec<&str> = rules.questions.iter().map(|q| q.id.as_str()).collect();
                    error.get_or_insert(format!(
                        "the header has an unknown column `{}`; the questions are: {}",
                        shorten(name),
                        known.join(", ")
                    ));
                    Column::Unknown
                }
            };
            if kind != Column::Unknown && kinds.contains(&kind) {
                error.get_or_insert(format!("the header names `{name}` twice"));
            }
            kinds.push(kind);
        }
        Columns { kinds, error }
    }

    fn record<'a, 'r>(
        &self,
        rules: &'r RuleSet,
        record: &CsvRecord<'a>,
        answers: &mut Answers,
        buffers: &mut Buffers<'r>,
    ) -> (Id<'a>, Result<Level, String>) {
        let mut id = Id::None;
        if let Some(column) = self.kinds.iter().position(|&k| k == Column::Id)
            && let Some(value) = record.fields().nth(column)
        {
            match std::str::from_utf8(value).map(str::trim) {
                Ok("") => {}
                Ok(value) => id = Id::Text(Cow::Borrowed(value)),
                Err(_) => return (id, Err("the record is not UTF-8 text".to_owned())),
            }
        }
        if let Some(error) = &self.error {
            return (id, Err(error.clone()));
        }
        let found = record.ends.len();
        if found != self.kinds.len() {
            let message = format!(
                "expected {} fields as in the header, found {found}",
                self.kinds.len(),
            );
            return (id, Err(message));
        }
        answers.clear();
        for (kind, field) in self.kinds.iter().zip(record.fields()) {
            let Ok(value) = std::str::from_utf8(field).map(str::trim) else {
                return (id, Err("the record is not UTF-8 text".to_owned()));
            };
            let Column::Question(index) = *kind else {
                continue;
            };
            if value.is_empty() {
                continue;
            }
            let question = &rules.questions[index];
            let given = match question.kind {
                QuestionKind::Multi(_) => Given::List(value.split(';').collect()),
                _ => Given::Text(value),
            };
            match parse(question, given) {
                Ok(value) => answers.set(index, value),
                Err(e) => return (id, Err(e.to_string())),
            }
        }
        (id, screen(rules, answers, buffers))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn batch(input: &str, format: InputFormat, output: OutputFormat) -> (String, Tally) {
        let rules = RuleSet::embedded().unwrap();
        let mut out = Vec::new();
        let tally = run(
            &rules,
            input.as_bytes(),
            format,
            &mut out,
            output,
            NonZeroUsize::MIN,
            &mut |_| {},
        )
        .unwrap();
        (String::from_utf8(out).unwrap(), tally)
    }

    const KNEE: &str = r#"{"id": "a-1", "warning_signs": ["none"], "condition": "knee-arthritis", "duration": "over-a-year", "severity": "moderate", "imaging": "moderate", "age": 54, "active_infection": "no", "health": ["none"], "prior_treatments": ["rest"]}"#;

    #[test]
    fn one_result_per_line_in_order_with_ids() {
        let input = format!(
            "{KNEE}\n\n{}\n{{\"id\": 7, \"condition\": \"other\"}}\n{}\n{KNEE}",
            KNEE.replace("\"no\"", "\"yes\""),
            KNEE.replace("knee-arthritis", "elbow"),
        );
        let (out, tally) = batch(&input, InputFormat::JsonLines, OutputFormat::JsonLines);
        let lines: Vec<serde_json::Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 6);
        for (i, line) in lines.iter().enumerate() {
            assert_eq!(line["line"], i + 1);
        }
        assert_eq!(lines[0]["id"], "a-1");
        assert_eq!(lines[0]["outcome"], "may-be-suitable");
        assert!(
            lines[0]["rules"]
                .as_array()
                .unwrap()
                .contains(&"defiage-knee-osteoarthritis".into())
        );
        assert_eq!(lines[1]["error"], "empty line");
        assert_eq!(lines[1]["id"], serde_json::Value::Null);
        assert_eq!(lines[2]["outcome"], "not-suitable-now");
        assert_eq!(lines[3]["id"], 7);
        assert_eq!(
            lines[3]["error"],
            "missing answers: warning_signs, duration, severity, age, active_infection, health, prior_treatments"
        );
        assert!(
            lines[4]["error"]
                .as_str()
                .unwrap()
                .starts_with("`condition` does not accept `elbow`")
        );
        assert_eq!(lines[4]["id"], "a-1", "the id of an invalid record is kept");
        assert_eq!(tally.outcomes, [0, 1, 0, 2]);
        assert_eq!(tally.errors, 3);
        assert_eq!(tally.records(), 6);
    }

    #[test]
    fn bad_json_bom_crlf_and_a_truncated_last_line() {
        let input = format!(
            "\u{feff}{KNEE}\r\n{{\"id\": \"x\", \"age\": \r\n[1, 2]\r\n{}",
            &KNEE[..40]
        );
        let (out, tally) = batch(&input, InputFormat::JsonLines, OutputFormat::JsonLines);
        let lines: Vec<serde_json::Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(
            lines[0]["outcome"], "may-be-suitable",
            "BOM and CRLF are stripped"
        );
        assert!(
            lines[1]["error"]
                .as_str()
                .unwrap()
                .starts_with("invalid JSON: EOF while parsing")
        );
        assert!(
            lines[2]["error"]
                .as_str()
                .unwrap()
                .contains("expected an object whose keys are question ids")
        );
        assert!(
            lines[3]["error"]
                .as_str()
                .unwrap()
                .starts_with("invalid JSON")
        );
        assert_eq!(lines.len(), 4);
        assert_eq!(tally.errors, 3);
    }

    #[test]
    fn wrong_types_unknown_keys_and_repeated_keys_are_invalid() {
        let cases = [
            (
                KNEE.replace("\"age\": 54", "\"age\": true"),
                "`age` has a value of the wrong type: true",
            ),
            (
                KNEE.replace("\"age\": 54", "\"age\": 54.5"),
                "`age` must be a whole number from 0 to 120, not `54.5`",
            ),
            (
                KNEE.replace("\"id\": \"a-1\"", "\"id\": [1]"),
                "`id` must be a string or a number, not an array",
            ),
            (
                KNEE.replace("\"age\": 54", "\"agee\": 54"),
                "unknown question `agee`",
            ),
            (
                KNEE.replace("\"age\": 54", "\"age\": 54, \"age\": 55"),
                "`age` is given twice",
            ),
            (
                KNEE.replace("[\"rest\"]", "[\"rest\", 3]"),
                "`prior_treatments` has a value of the wrong type",
            ),
            (
                KNEE.replace("[\"rest\"]", "[\"rest\", \"none\"]"),
                "`prior_treatments`: `none` cannot be combined",
            ),
        ];
        for (line, expected) in cases {
            let (out, _) = batch(&line, InputFormat::JsonLines, OutputFormat::JsonLines);
            let result: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
            let error = result["error"].as_str().unwrap_or_default();
            assert!(error.starts_with(expected), "{line}\n{error}");
        }
        // Escaped strings are read too.
        let escaped = KNEE.replace("\"no\"", "\"n\\u006f\"");
        let (out, _) = batch(&escaped, InputFormat::JsonLines, OutputFormat::JsonLines);
        assert!(out.contains("\"outcome\":\"may-be-suitable\""), "{out}");
    }

    #[test]
    fn csv_in_and_out() {
        let input = "\u{feff}id,warning_signs,condition,duration,severity,imaging,age,active_infection,health,prior_treatments\r\n\
                     p1,none,knee-arthritis,over-a-year,moderate,moderate,54,no,none,rest;physical-therapy\r\n\
                     \"p,2\",none,knee-arthritis,over-a-year,moderate,moderate,54,yes,none,\"rest;medication\"\r\n\
                     p3,none,knee-arthritis,over-a-year,,moderate,54,no,none,rest\r\n\
                     p4,none,knee-arthritis,over-a-year,moderate\r\n\
                     \r\n\
                     \"p\n5\",none,knee-arthritis,over-a-year,moderate,moderate,54,no,none,\"rest;\nmedication\"\n\
                     p6,none,other,over-a-year,mild,,30,no,none,none\n";
        let (out, tally) = batch(input, InputFormat::Csv, OutputFormat::Csv);
        let rows: Vec<&str> = out.lines().collect();
        assert_eq!(rows[0], "line,id,outcome,rules,error");
        assert!(
            rows[1].starts_with("2,p1,may-be-suitable,defiage-knee-osteoarthritis;"),
            "{out}"
        );
        assert!(
            rows[2].starts_with("3,\"p,2\",not-suitable-now,active-infection;"),
            "{out}"
        );
        assert_eq!(rows[3], "4,p3,,,missing answers: severity");
        assert_eq!(
            rows[4],
            "5,p4,,,\"expected 10 fields as in the header, found 5\""
        );
        // A blank line is not a record; a quoted field may span lines, and
        // the record keeps the number of the line it starts on (p5 spans
        // lines 7 to 9).
        assert!(out.contains("\n7,\"p\n5\",may-be-suitable,"), "{out}");
        assert!(
            out.contains("\n10,p6,clinician-review,condition-not-listed;"),
            "{out}"
        );
        assert_eq!((tally.records(), tally.errors), (6, 2));

        let (out, tally) = batch(
            "id,conditoin\n1,knee-arthritis\n",
            InputFormat::Csv,
            OutputFormat::JsonLines,
        );
        assert!(
            out.contains("the header has an unknown column `conditoin`"),
            "{out}"
        );
        assert!(
            out.starts_with("{\"line\":2,\"id\":\"1\","),
            "the id is kept: {out}"
        );
        assert_eq!(tally.errors, 1);
        let (out, tally) = batch("", InputFormat::Csv, OutputFormat::JsonLines);
        assert_eq!((out.as_str(), tally.records()), ("", 0));
    }

    /// A writer that keeps only what was flushed, so a test sees what a
    /// reader of the output would see if the process stopped there.
    struct Flushed {
        pending: Vec<u8>,
        flushed: Arc<Mutex<Vec<u8>>>,
    }

    impl Write for Flushed {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.pending.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            self.flushed.lock().unwrap().append(&mut self.pending);
            Ok(())
        }
    }

    struct Broken;

    impl std::io::Read for Broken {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("the disk went away"))
        }
    }

    #[test]
    fn results_so_far_are_flushed_when_the_input_fails() {
        let rules = RuleSet::embedded().unwrap();
        let flushed: Arc<Mutex<Vec<u8>>> = Arc::default();
        let line = format!("{KNEE}\n");
        for format in [OutputFormat::JsonLines, OutputFormat::Csv] {
            for jobs in [1, 2] {
                flushed.lock().unwrap().clear();
                let output = Flushed {
                    pending: Vec::new(),
                    flushed: Arc::clone(&flushed),
                };
                let input = std::io::BufReader::new(std::io::Read::chain(line.as_bytes(), Broken));
                let err = run(
                    &rules,
                    input,
                    InputFormat::JsonLines,
                    output,
                    format,
                    NonZeroUsize::new(jobs).unwrap(),
                    &mut |_| {},
                );
                assert!(matches!(err, Err(BatchError::Input(_))), "{err:?}");
                let written = String::from_utf8(flushed.lock().unwrap().clone()).unwrap();
                assert!(
                    written.contains("may-be-suitable"),
                    "{format:?}, {jobs} jobs: {written:?}"
                );
            }
        }
    }

    /// JSON Lines pieces: valid, invalid and awkward records.
    const JSON_LINES: [&str; 9] = [
        KNEE,
        r#"{"id": "=x", "warning_signs": ["none"], "condition": "knee-arthritis", "duration": "over-a-year", "severity": "moderate", "imaging": "moderate", "age": 54, "active_infection": "yes", "health": ["none"], "prior_treatments": ["rest"]}"#,
        r#"{"id": 7, "condition": "other"}"#,
        "[1, 2]",
        "",
        "   ",
        "{\"id\": \"\u{1b}[2J\"",
        "\u{feff}{}",
        "TOO LONG",
    ];

    /// CSV pieces after the header: valid, invalid and awkward rows.
    const CSV_ROWS: [&str; 8] = [
        "p1,none,knee-arthritis,over-a-year,moderate,moderate,54,no,none,rest;physical-therapy",
        "\"p\n2\",none,knee-arthritis,over-a-year,moderate,moderate,54,yes,none,\"rest;\nmedication\"",
        "p3,none,knee-arthritis,over-a-year,,moderate,54,no,none,rest",
        "p4,none,knee-arthritis",
        "",
        "-4,none,other,over-a-year,mild,,30,no,none,none",
        "\"never closed,",
        "TOO LONG",
    ];

    fn piece(piece: &str) -> String {
        match piece {
            "TOO LONG" => "y".repeat(MAX_RECORD_BYTES + 3),
            piece => piece.to_owned(),
        }
    }

    /// What a batch wrote (everything flushed), and how it ended.
    fn outcome(
        text: &[u8],
        fails: bool,
        chunking: Chunking,
        format: OutputFormat,
        jobs: usize,
    ) -> (Vec<u8>, Result<Tally, String>) {
        let rules = RuleSet::embedded().unwrap();
        let flushed: Arc<Mutex<Vec<u8>>> = Arc::default();
        let output = Flushed {
            pending: Vec::new(),
            flushed: Arc::clone(&flushed),
        };
        let tail: Box<dyn std::io::Read> = if fails {
            Box::new(Broken)
        } else {
            Box::new(std::io::empty())
        };
        // A small buffer, so records cross many reads.
        let input = std::io::BufReader::with_capacity(13, std::io::Read::chain(text, tail));
        let jobs = NonZeroUsize::new(jobs).unwrap();
        let result = run_chunked(&rules, input, chunking, output, format, jobs, &mut |_| {});
        let written = flushed.lock().unwrap().clone();
        (written, result.map_err(|e| format!("{e:?}")))
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Many jobs give what one job gives, byte for byte: the same
        /// results in the same order, the same tally, the same error, for
        /// any input, however it is cut into chunks, in both formats.
        #[test]
        fn every_number_of_jobs_writes_what_one_job_writes(
            csv in proptest::prelude::any::<bool>(),
            pieces in proptest::collection::vec(0usize..9, 0..40),
            crlf in proptest::prelude::any::<bool>(),
            cut in proptest::option::of(0usize..4000),
            records in 1usize..4,
            jobs in 2usize..5,
            csv_out in proptest::prelude::any::<bool>(),
        ) {
            let end = if crlf { "\r\n" } else { "\n" };
            let mut text = String::new();
            let input = if csv {
                text.push_str("id,warning_signs,condition,duration,severity,imaging,age,active_infection,health,prior_treatments");
                text.push_str(end);
                for &i in &pieces {
                    text.push_str(&piece(CSV_ROWS[i % CSV_ROWS.len()]));
                    text.push_str(end);
                }
                InputFormat::Csv
            } else {
                for &i in &pieces {
                    text.push_str(&piece(JSON_LINES[i % JSON_LINES.len()]));
                    text.push_str(end);
                }
                InputFormat::JsonLines
            };
            // The input fails after `cut` bytes, or ends there.
            let bytes = text.as_bytes();
            let (bytes, fails) = match cut {
                Some(cut) if cut < bytes.len() => (&bytes[..cut], cut % 2 == 0),
                _ => (bytes, false),
            };
            let format = if csv_out { OutputFormat::Csv } else { OutputFormat::JsonLines };
            let one = Chunking { input, records: CHUNK_RECORDS };
            let many = Chunking { input, records };
            let expected = outcome(bytes, fails, one, format, 1);
            proptest::prop_assert_eq!(&outcome(bytes, fails, many, format, 1), &expected);
            proptest::prop_assert_eq!(&outcome(bytes, fails, many, format, jobs), &expected);
            // Every record read has its result (none is lost in the threads).
            if let Ok(tally) = &expected.1 {
                let results = expected.0.iter().filter(|&&b| b == b'\n').count();
                let header = usize::from(csv_out);
                // A CSV result may hold a quoted line break of its own.
                proptest::prop_assert!(results >= tally.records() + header);
            }
        }
    }

    #[test]
    fn the_tally_table_counts_every_outcome_and_errors() {
        let tally = Tally {
            outcomes: [0, 2, 3, 4],
            errors: 1,
        };
        let table = tally.render_table();
        for row in [
            "urgent-care",
            "not-suitable-now",
            "clinician-review",
            "may-be-suitable",
            "invalid",
            "total",
        ] {
            assert!(table.contains(row), "{table}");
        }
        assert!(table.contains("10"), "{table}");
    }
}
