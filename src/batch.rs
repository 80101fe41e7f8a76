//! `candidacy batch`: many intake records screened in one streaming pass.
//!
//! Input is JSON Lines (one answer object per line, the keys of
//! `--answers`, plus an optional `id`) or CSV (a header row of question ids
//! and optionally `id`; several choices separated by `;`). Every input
//! record yields exactly one output record, in input order: the outcome and
//! the rules that fired, or the reason the record is invalid. The reader
//! keeps one line (or CSV record) in memory at a time, so memory stays flat
//! whatever the input size.
//!
//! This module reads and writes through the `BufRead` and `Write` it is
//! given and never touches the terminal; `app` adds the progress bar and
//! prints the tally.

use std::borrow::Cow;
use std::fmt;
use std::io::{BufRead, Write};

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::answers::{AnswerSet, Answers, Given, parse, question_index, wrong_type};
use crate::evaluate::evaluate_into;
use crate::level::Level;
use crate::ruleset::{QuestionKind, Rule, RuleSet};

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

/// One record's result: its outcome, or why it is invalid.
type Outcome = Result<Level, String>;

/// Screens every record of `input` and writes one result per record to
/// `output`, calling `progress` with the bytes read so far now and then.
/// Invalid records are counted in the tally, not returned as errors; only
/// failing I/O stops the batch. The output is flushed at the end and before
/// an error is returned.
pub fn run<R: BufRead, W: Write>(
    rules: &RuleSet,
    input: R,
    input_format: InputFormat,
    output: W,
    output_format: OutputFormat,
    progress: &mut dyn FnMut(u64),
) -> Result<Tally, BatchError> {
    let mut sink = Sink::new(output, output_format).map_err(BatchError::Output)?;
    let result = match input_format {
        InputFormat::JsonLines => json_lines(rules, input, &mut sink, progress),
        InputFormat::Csv => csv_records(rules, input, &mut sink, progress),
    };
    let flushed = sink.finish();
    let tally = result?;
    flushed.map_err(BatchError::Output)?;
    Ok(tally)
}

/// Where results go, in either output format.
enum Sink<W: Write> {
    Json(W),
    Csv(Box<csv::Writer<W>>),
}

impl<W: Write> Sink<W> {
    fn new(output: W, format: OutputFormat) -> std::io::Result<Sink<W>> {
        Ok(match format {
            OutputFormat::JsonLines => Sink::Json(output),
            OutputFormat::Csv => {
                let mut writer = csv::Writer::from_writer(output);
                writer.write_record(["line", "id", "outcome", "rules", "error"])?;
                Sink::Csv(Box::new(writer))
            }
        })
    }

    fn write(
        &mut self,
        line: u64,
        id: &Id<'_>,
        result: &Outcome,
        fired: &[&Rule],
    ) -> std::io::Result<()> {
        match self {
            Sink::Json(out) => {
                match result {
                    Ok(outcome) => serde_json::to_writer(
                        &mut *out,
                        &Screened {
                            line,
                            id,
                            outcome: *outcome,
                            rules: RuleIds(fired),
                        },
                    ),
                    Err(error) => serde_json::to_writer(&mut *out, &Invalid { line, id, error }),
                }
                .map_err(std::io::Error::from)?;
                out.write_all(b"\n")
            }
            Sink::Csv(writer) => {
                let line = line.to_string();
                let id = id.as_csv();
                match result {
                    Ok(outcome) => {
                        let rules: Vec<&str> = fired.iter().map(|r| r.id.as_str()).collect();
                        writer.write_record([&line, &*id, outcome.id(), &rules.join(";"), ""])
                    }
                    Err(error) => writer.write_record([&line, &*id, "", "", error]),
                }
                .map_err(std::io::Error::from)
            }
        }
    }

    fn finish(self) -> std::io::Result<()> {
        match self {
            Sink::Json(mut out) => out.flush(),
            Sink::Csv(mut writer) => writer.flush(),
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
    match answers.complete_into(&mut buffers.answers) {
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

fn json_lines<R: BufRead, W: Write>(
    rules: &RuleSet,
    mut input: R,
    sink: &mut Sink<W>,
    progress: &mut dyn FnMut(u64),
) -> Result<Tally, BatchError> {
    let mut tally = Tally::default();
    let mut buf = Vec::new();
    let mut buffers = Buffers::new();
    let mut spare = Answers::new(rules);
    let mut bytes = 0u64;
    let mut line = 0u64;
    loop {
        buf.clear();
        let read = input
            .read_until(b'\n', &mut buf)
            .map_err(BatchError::Input)?;
        if read == 0 {
            break;
        }
        bytes += read as u64;
        line += 1;
        let mut text: &[u8] = &buf;
        if line == 1 {
            text = text.strip_prefix(b"\xef\xbb\xbf").unwrap_or(text);
        }
        let text = text.strip_suffix(b"\n").unwrap_or(text);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        let (id, result) = match std::str::from_utf8(text) {
            Err(_) => (Id::None, Err("the line is not UTF-8 text".to_owned())),
            Ok(text) if text.trim().is_empty() => (Id::None, Err("empty line".to_owned())),
            Ok(text) => match parse_record(rules, text, &mut spare) {
                Ok(record) => {
                    let result = match record.error {
                        Some(error) => Err(error),
                        None => screen(rules, &spare, &mut buffers),
                    };
                    (record.id, result)
                }
                Err(error) => (Id::None, Err(error)),
            },
        };
        tally.add(&result);
        sink.write(line, &id, &result, &buffers.fired)
            .map_err(BatchError::Output)?;
        if line.is_multiple_of(4096) {
            progress(bytes);
        }
    }
    progress(bytes);
    Ok(tally)
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
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RecordSeed<'_, '_> {
    type Value = Record<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object whose keys are question ids (and optionally `id`)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Record<'de>, A::Error> {
        let rules = self.rules;
        let answers = self.answers;
        let mut record = Record {
            id: Id::None,
            error: None,
        };
        let fail = |record: &mut Record<'de>, message: String| {
            record.error.get_or_insert(message);
        };
        while let Some(key) = map.next_key::<Text<'de>>()? {
            let key = key.0;
            if key == "id" {
                match map.next_value::<RawId<'de>>()?.0 {
                    Ok(id) => record.id = id,
                    Err(found) => fail(
                        &mut record,
                        format!("`id` must be a string or a number, not {found}"),
                    ),
                }
                continue;
            }
            let index = match question_index(rules, &key) {
                Ok(index) => index,
                Err(unknown) => {
                    map.next_value::<IgnoredAny>()?;
                    fail(&mut record, unknown.to_string());
                    continue;
                }
            };
            let raw = map.next_value::<Raw<'de>>()?;
            if answers.get(index).is_some() {
                fail(&mut record, format!("`{key}` is given twice"));
                continue;
            }
            let question = &rules.questions[index];
            let given = match &raw {
                Raw::Text(text) => Given::Text(text),
                Raw::Integer(n) => Given::Integer(*n),
                Raw::List(items) => Given::List(items.iter().map(|i| &**i).collect()),
                Raw::Wrong(found) => {
                    fail(&mut record, wrong_type(&key, found).to_string());
                    continue;
                }
            };
            match parse(question, given) {
                Ok(value) => answers.set(index, value),
                Err(e) => fail(&mut record, e.to_string()),
            }
        }
        Ok(record)
    }
}

/// A string, borrowed from the line when it has no escapes.
struct Text<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
        }
        deserializer.deserialize_str(V)
    }
}

/// An answer value as written: what [`Given`] is made from.
enum Raw<'de> {
    Text(Cow<'de, str>),
    Integer(i64),
    List(Vec<Cow<'de, str>>),
    /// A value no question takes, described.
    Wrong(String),
}

impl<'de> Deserialize<'de> for Raw<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Raw<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an answer")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Raw<'de>, E> {
                Ok(Raw::Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Raw<'de>, E> {
                Ok(Raw::Text(Cow::Owned(v.to_owned())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Raw<'de>, E> {
                Ok(Raw::Integer(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Raw<'de>, E> {
                Ok(i64::try_from(v)
                    .map_or_else(|_| Raw::Text(Cow::Owned(v.to_string())), Raw::Integer))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Raw<'de>, E> {
                // Not a whole number: the question's parser says what it takes.
                Ok(Raw::Text(Cow::Owned(v.to_string())))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Raw<'de>, E> {
                Ok(Raw::Wrong(v.to_string()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Raw<'de>, E> {
                Ok(Raw::Wrong("null".to_owned()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw<'de>, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Raw::Wrong("an object".to_owned()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw<'de>, A::Error> {
                let mut items = Vec::new();
                let mut wrong = false;
                while let Some(item) = seq.next_element::<Raw<'de>>()? {
                    match item {
                        Raw::Text(text) => items.push(text),
                        _ => wrong = true,
                    }
                }
                Ok(if wrong {
                    Raw::Wrong("an array with an item that is not a string".to_owned())
                } else {
                    Raw::List(items)
                })
            }
        }
        deserializer.deserialize_any(V)
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

/// Reads CSV one record at a time: physical lines are joined while a quoted
/// field is open (an odd number of `"` so far), so each record keeps the
/// number of the line it starts on. Blank lines are not records.
fn csv_records<R: BufRead, W: Write>(
    rules: &RuleSet,
    mut input: R,
    sink: &mut Sink<W>,
    progress: &mut dyn FnMut(u64),
) -> Result<Tally, BatchError> {
    let mut tally = Tally::default();
    let mut chunk = Vec::new();
    let mut buffers = Buffers::new();
    let mut columns: Option<Columns> = None;
    let mut physical = 0u64;
    let mut bytes = 0u64;
    let mut count = 0u64;
    loop {
        chunk.clear();
        let start = physical + 1;
        let mut quotes = 0usize;
        loop {
            let before = chunk.len();
            let read = input
                .read_until(b'\n', &mut chunk)
                .map_err(BatchError::Input)?;
            if read == 0 {
                break;
            }
            physical += 1;
            bytes += read as u64;
            quotes += chunk[before..].iter().filter(|&&b| b == b'"').count();
            if quotes.is_multiple_of(2) {
                break;
            }
        }
        if chunk.is_empty() {
            break;
        }
        let mut text: &[u8] = &chunk;
        if start == 1 {
            text = text.strip_prefix(b"\xef\xbb\xbf").unwrap_or(text);
        }
        if text.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let record = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text)
            .byte_records()
            .next()
            .unwrap_or_else(|| Ok(csv::ByteRecord::new()));
        let Some(columns) = &columns else {
            columns = Some(Columns::new(rules, &record.unwrap_or_default()));
            continue;
        };
        let (id, result) = match &record {
            Ok(record) => columns.record(rules, record, &mut buffers),
            Err(e) => (Id::None, Err(format!("invalid CSV: {e}"))),
        };
        tally.add(&result);
        sink.write(start, &id, &result, &buffers.fired)
            .map_err(BatchError::Output)?;
        count += 1;
        if count.is_multiple_of(4096) {
            progress(bytes);
        }
    }
    progress(bytes);
    Ok(tally)
}

/// What each CSV column holds, from the header row.
struct Columns {
    /// For each column: `Some(question index)`, or `None` for `id`.
    kinds: Vec<Option<usize>>,
    /// A problem with the header, which makes every record invalid.
    error: Option<String>,
}

impl Columns {
    fn new(rules: &RuleSet, header: &csv::ByteRecord) -> Columns {
        let mut kinds = Vec::new();
        let mut error = None;
        let mut seen = Vec::new();
        for field in header {
            let name = String::from_utf8_lossy(field);
            let name = name.trim();
            if name == "id" {
                kinds.push(None);
                continue;
            }
            match rules.question_index(name) {
                Some(index) if seen.contains(&index) => {
                    error.get_or_insert(format!("the header names `{name}` twice"));
                    kinds.push(Some(index));
                }
                Some(index) => {
                    seen.push(index);
                    kinds.push(Some(index));
                }
                None => {
                    let known: Vec<&str> = rules.questions.iter().map(|q| q.id.as_str()).collect();
                    error.get_or_insert(format!(
                        "the header has an unknown column `{name}`; the questions are: {}",
                        known.join(", ")
                    ));
                    kinds.push(None);
                }
            }
        }
        Columns { kinds, error }
    }

    fn record<'a, 'r>(
        &self,
        rules: &'r RuleSet,
        record: &'a csv::ByteRecord,
        buffers: &mut Buffers<'r>,
    ) -> (Id<'a>, Result<Level, String>) {
        let mut id = Id::None;
        let fields: Result<Vec<&str>, _> = record.iter().map(std::str::from_utf8).collect();
        let Ok(fields) = fields else {
            return (id, Err("the record is not UTF-8 text".to_owned()));
        };
        if let Some(column) = self.kinds.iter().position(Option::is_none)
            && let Some(value) = fields.get(column)
            && !value.trim().is_empty()
        {
            id = Id::Text(Cow::Borrowed(value.trim()));
        }
        if let Some(error) = &self.error {
            return (id, Err(error.clone()));
        }
        if fields.len() != self.kinds.len() {
            let message = format!(
                "expected {} fields as in the header, found {}",
                self.kinds.len(),
                fields.len()
            );
            return (id, Err(message));
        }
        let mut answers = Answers::new(rules);
        for (kind, field) in self.kinds.iter().zip(&fields) {
            let (Some(index), value) = (kind, field.trim()) else {
                continue;
            };
            if value.is_empty() {
                continue;
            }
            let question = &rules.questions[*index];
            let given = match question.kind {
                QuestionKind::Multi(_) => Given::List(value.split(';').collect()),
                _ => Given::Text(value),
            };
            match parse(question, given) {
                Ok(value) => answers.set(*index, value),
                Err(e) => return (id, Err(e.to_string())),
            }
        }
        (id, screen(rules, &answers, buffers))
    }
}

#[cfg(test)]
mod tests {
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
            &mut |_| {},
        )
        .unwrap();
        (String::from_utf8(out).unwrap(), tally)
    }

    const KNEE: &str = r#"{"id": "a-1", "warning_signs": ["none"], "condition": "knee-arthritis", "severity": "moderate", "age": 54, "active_infection": "no", "prior_treatments": ["rest"]}"#;

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
            "missing answers: warning_signs, severity, age, active_infection, prior_treatments"
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
        let input = "\u{feff}id,warning_signs,condition,severity,age,active_infection,prior_treatments\r\n\
                     p1,none,knee-arthritis,moderate,54,no,rest;physical-therapy\r\n\
                     \"p,2\",none,knee-arthritis,moderate,54,yes,\"rest;medication\"\r\n\
                     p3,none,knee-arthritis,,54,no,rest\r\n\
                     p4,none,knee-arthritis,moderate,54\r\n\
                     \r\n\
                     \"p\n5\",none,knee-arthritis,moderate,54,no,\"rest;\nmedication\"\n\
                     p6,none,other,mild,30,no,none\n";
        let (out, tally) = batch(input, InputFormat::Csv, OutputFormat::Csv);
        let rows: Vec<&str> = out.lines().collect();
        assert_eq!(rows[0], "line,id,outcome,rules,error");
        assert!(
            rows[1].starts_with("2,p1,may-be-suitable,jmc-advanced-arthritis;"),
            "{out}"
        );
        assert!(
            rows[2].starts_with("3,\"p,2\",not-suitable-now,active-infection;"),
            "{out}"
        );
        assert_eq!(rows[3], "4,p3,,,missing answers: severity");
        assert_eq!(
            rows[4],
            "5,p4,,,\"expected 7 fields as in the header, found 5\""
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
        flushed: std::rc::Rc<std::cell::RefCell<Vec<u8>>>,
    }

    impl Write for Flushed {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.pending.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            self.flushed.borrow_mut().append(&mut self.pending);
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
        let flushed: std::rc::Rc<std::cell::RefCell<Vec<u8>>> = std::rc::Rc::default();
        let line = format!("{KNEE}\n");
        for format in [OutputFormat::JsonLines, OutputFormat::Csv] {
            flushed.borrow_mut().clear();
            let output = Flushed {
                pending: Vec::new(),
                flushed: std::rc::Rc::clone(&flushed),
            };
            let input = std::io::BufReader::new(std::io::Read::chain(line.as_bytes(), Broken));
            let err = run(
                &rules,
                input,
                InputFormat::JsonLines,
                output,
                format,
                &mut |_| {},
            );
            assert!(matches!(err, Err(BatchError::Input(_))), "{err:?}");
            let written = String::from_utf8(flushed.borrow().clone()).unwrap();
            assert!(
                written.contains("may-be-suitable"),
                "{format:?}: {written:?}"
            );
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
