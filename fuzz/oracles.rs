//! What must hold for any input, checked by the fuzz targets in
//! `fuzz_targets/` and, on every `cargo test`, by `tests/fuzz_regressions.rs`
//! over the committed corpora and crash inputs. A failed check panics, which
//! is how both report it.
//!
//! Each oracle computes what is expected without the code under test: the
//! records of a batch input from its bytes (lines) or from the `csv` crate,
//! a duplicate key by writing the document again with one key twice, a
//! forbidden character by looking at every character of every output.
//!
//! Include it with `#[path]`, beside `tests/tainted/mod.rs` as `tainted`.
#![allow(dead_code)] // each includer uses its own part
#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is the report

use std::num::NonZeroUsize;

use candidacy::analysis::analyse;
use candidacy::answers::{Answers, DocumentFormat};
use candidacy::batch::{InputFormat, OutputFormat, run};
use candidacy::render::Audience;
use candidacy::ruleset::{EMBEDDED_FILES, RuleFile, RuleSet};

use crate::tainted::{every_output, first_answers, forbidden, forbidden_in, tainted};

/// The built-in rule set.
pub fn rules() -> &'static RuleSet {
    static RULES: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
    RULES.get_or_init(|| RuleSet::embedded().expect("the built-in rules load"))
}

/// Batch input: exactly one result per record, in order, and no result
/// echoes a control or bidi character.
pub fn batch_input(data: &[u8]) {
    let records = json_lines_records(data);
    let out = screen(data, InputFormat::JsonLines);
    check_results(&out, records, "JSON Lines", data);

    let records = csv_records(data);
    let out = screen(data, InputFormat::Csv);
    check_results(&out, records, "CSV", data);
}

fn screen(data: &[u8], format: InputFormat) -> String {
    let run_with = |jobs| {
        let mut out = Vec::new();
        let tally = run(
            rules(),
            data,
            format,
            &mut out,
            OutputFormat::JsonLines,
            jobs,
            &mut |_| {},
        )
        .expect("reading a slice and writing a Vec cannot fail");
        (out, tally)
    };
    let (out, tally) = run_with(NonZeroUsize::MIN);
    assert!(
        run_with(NonZeroUsize::new(2).expect("two")) == (out.clone(), tally.clone()),
        "two jobs give the same results and tally as one"
    );
    let out = String::from_utf8(out).expect("results are UTF-8");
    assert_eq!(
        tally.records(),
        out.lines().count(),
        "the tally counts every result written"
    );
    out
}

fn check_results(out: &str, records: usize, format: &str, data: &[u8]) {
    let results: Vec<serde_json::Value> = out
        .lines()
        .map(|line| serde_json::from_str(line).expect("each result is one JSON line"))
        .collect();
    assert_eq!(
        results.len(),
        records,
        "{format}: one result per record for {:?}",
        String::from_utf8_lossy(data)
    );
    let mut last = 0;
    for result in &results {
        let line = result["line"].as_u64().expect("every result has its line");
        assert!(line > last, "{format}: results in input order: {out}");
        last = line;
        for text in [&result["id"], &result["error"]] {
            if let Some(text) = text.as_str() {
                assert!(
                    !text.chars().any(forbidden),
                    "{format}: a result echoes a forbidden character: {text:?}"
                );
            }
        }
    }
}

/// JSON Lines records: every `\n`-ended line, and the last one if it has
/// no line end; a byte order mark alone is no record.
fn json_lines_records(data: &[u8]) -> usize {
    let data = data.strip_prefix(b"\xef\xbb\xbf").unwrap_or(data);
    let ends = data.iter().filter(|&&b| b == b'\n').count();
    ends + usize::from(!data.is_empty() && !data.ends_with(b"\n"))
}

/// CSV records as the `csv` crate (an RFC 4180 reader) reads them, less the
/// header and the lines that hold nothing but spaces; inputs here are far
/// below the record size limit.
fn csv_records(data: &[u8]) -> usize {
    let data = data.strip_prefix(b"\xef\xbb\xbf").unwrap_or(data);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(data);
    let records = reader
        .byte_records()
        .map(|record| record.expect("the csv crate reads any bytes from a slice"))
        .filter(|record| !(record.len() == 1 && record[0].trim_ascii().is_empty()))
        .count();
    records.saturating_sub(1)
}

/// An answer file: whatever it holds, reading it never panics; and when it
/// loads, the same document with a question given twice never does (in
/// TOML, the second time with the key padded with a space).
pub fn answer_file(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let rules = rules();
    for format in [DocumentFormat::Toml, DocumentFormat::Json] {
        let mut answers = Answers::new(rules);
        match answers.give_document(rules, text, format) {
            Err(err) => {
                let _ = err.to_string();
            }
            Ok(()) => {
                if let Some(twice) = given_twice(text, format) {
                    let mut again = Answers::new(rules);
                    assert!(
                        again.give_document(rules, &twice, format).is_err(),
                        "a question given twice was accepted: {twice}"
                    );
                }
            }
        }
        let _ = answers.complete(rules);
    }
    if let Some((key, value)) = text.split_once('=') {
        let mut answers = Answers::new(rules);
        let _ = answers.give(rules, key, value);
    }
}

/// `text` written again with its first key given a second time, or `None`
/// when it has no key.
fn given_twice(text: &str, format: DocumentFormat) -> Option<String> {
    match format {
        DocumentFormat::Json => {
            let serde_json::Value::Object(map) = serde_json::from_str(text).ok()? else {
                return None;
            };
            let (first, value) = map.iter().next()?;
            let mut pairs: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}:{v}", serde_json::Value::from(k.as_str())))
                .collect();
            pairs.push(format!(
                "{}:{value}",
                serde_json::Value::from(first.as_str())
            ));
            Some(format!("{{{}}}", pairs.join(",")))
        }
        DocumentFormat::Toml => {
            let table: toml::Table = toml::from_str(text).ok()?;
            let (first, value) = table.iter().next()?;
            let mut lines: Vec<String> = table
                .iter()
                .map(|(k, v)| format!("{} = {v}", toml::Value::from(k.as_str())))
                .collect();
            let padded = format!("{first} ");
            lines.push(format!("{} = {value}", toml::Value::from(padded.as_str())));
            Some(lines.join("\n"))
        }
    }
}

/// The rule loader: one built-in file replaced by the input (its first
/// byte picks which). Loading returns a rule set or diagnostics; a rule
/// set that loads has a non-empty answer space (or one too large to
/// count), so the exhaustive checks cannot pass by checking nothing.
pub fn rule_loader(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let replaced = usize::from(pick) % EMBEDDED_FILES.len();
    let files = EMBEDDED_FILES
        .iter()
        .enumerate()
        .map(|(i, (name, text))| RuleFile {
            name: format!("rules/{name}"),
            text: if i == replaced {
                String::from_utf8_lossy(rest).into_owned()
            } else {
                (*text).to_owned()
            },
        })
        .collect();
    match RuleSet::from_files(files) {
        Ok(rules) => {
            let _ = candidacy::wording::readable(&rules);
            if let Ok(analysis) = analyse(&rules) {
                assert!(
                    analysis.combinations > 0,
                    "a loadable rule set was analysed over 0 combinations"
                );
            }
        }
        Err(err) => {
            let _ = err.to_string();
        }
    }
}

/// The renderers: with the input around every string of the built-in rule
/// set, no format outputs a control or bidi character, for either
/// audience.
pub fn render(data: &[u8]) {
    let extra = String::from_utf8_lossy(data);
    let rules = tainted(rules(), &|s| format!("{extra}{s}{extra}"));
    let answers = first_answers(&rules);
    for audience in [Audience::Patient, Audience::Staff] {
        for (format, output) in every_output(&rules, &answers, audience) {
            let found = forbidden_in(&output);
            assert!(
                found.is_empty(),
                "{format} ({audience:?}) outputs {found:?} from {extra:?}"
            );
        }
    }
}
