//! `candidacy batch` through the binary: JSON Lines and CSV, valid and
//! invalid records, ids, order, and exit codes.
#![allow(clippy::unwrap_used)] // a panic is how a test reports failure

use std::io::Write;

use assert_cmd::cargo::cargo_bin_cmd;

const KNEE: &str = r#"{"id": "k1", "warning_signs": ["none"], "condition": "knee-arthritis", "duration": "over-a-year", "severity": "moderate", "imaging": "moderate", "age": 54, "active_infection": "no", "health": ["none"], "prior_treatments": ["rest"]}"#;

fn batch(args: &[&str], input: &[u8]) -> (Option<i32>, String, String) {
    let output = cargo_bin_cmd!("candidacy")
        .arg("batch")
        .args(args)
        .write_stdin(input.to_vec())
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn results(stdout: &str) -> Vec<serde_json::Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn every_line_yields_one_result_in_order_and_invalid_lines_do_not_stop_the_batch() {
    let big = format!(
        r#"{{"id": "big", "note": "{}", "condition": "other"}}"#,
        "x".repeat(1 << 20)
    );
    let mut input = Vec::new();
    input.extend_from_slice(b"\xef\xbb\xbf"); // a byte order mark
    input.extend_from_slice(KNEE.as_bytes());
    input.extend_from_slice(b"\r\n"); // CRLF
    input.extend_from_slice(b"\n"); // an empty line
    input.extend_from_slice(
        KNEE.replace("\"no\"", "\"yes\"")
            .replace("k1", "k2")
            .as_bytes(),
    );
    input.extend_from_slice(b"\n");
    input.extend_from_slice(b"not json\n");
    input.extend_from_slice(big.as_bytes()); // a 1 MB line
    input.extend_from_slice(b"\n");
    input.extend_from_slice(b"{\"id\": \"bad-utf8\", \"condition\": \"\xff\"}\n");
    input.extend_from_slice(&KNEE.as_bytes()[..50]); // truncated, no line end
    let (code, stdout, stderr) = batch(&[], &input);
    assert_eq!(code, Some(65), "{stderr}");
    let results = results(&stdout);
    assert_eq!(results.len(), 7, "one result per line:\n{stdout}");
    for (i, result) in results.iter().enumerate() {
        assert_eq!(result["line"], i + 1, "in input order");
    }
    assert_eq!(results[0]["id"], "k1");
    assert_eq!(results[0]["outcome"], "may-be-suitable");
    assert!(
        results[0]["rules"]
            .as_array()
            .unwrap()
            .contains(&"defiage-knee-osteoarthritis".into())
    );
    assert_eq!(results[1]["error"], "empty line");
    assert_eq!(
        (&results[2]["id"], &results[2]["outcome"]),
        (&"k2".into(), &"not-suitable-now".into())
    );
    assert!(
        results[3]["error"]
            .as_str()
            .unwrap()
            .starts_with("invalid JSON")
    );
    // A line over the limit is an error record (its id is not read), and
    // the next line is read as usual.
    assert_eq!(results[4]["id"], serde_json::Value::Null);
    assert_eq!(
        results[4]["error"],
        "the line is longer than 65536 bytes, the most that is read"
    );
    assert_eq!(results[5]["error"], "the line is not UTF-8 text");
    assert!(
        results[6]["error"]
            .as_str()
            .unwrap()
            .starts_with("invalid JSON: EOF")
    );
    // The result records carry exactly the documented fields.
    let keys =
        |v: &serde_json::Value| -> Vec<String> { v.as_object().unwrap().keys().cloned().collect() };
    assert_eq!(keys(&results[0]), ["id", "line", "outcome", "rules"]);
    assert_eq!(keys(&results[1]), ["error", "id", "line"]);
    // On stderr, only the tally (no progress bar without a terminal) and
    // the closing error.
    assert!(
        stderr.contains("│ may-be-suitable  ┆       1 │"),
        "{stderr}"
    );
    assert!(
        stderr.contains("│ invalid          ┆       5 │"),
        "{stderr}"
    );
    assert!(
        stderr.contains("│ total            ┆       7 │"),
        "{stderr}"
    );
    assert!(
        stderr.ends_with(
            "candidacy: error: 5 of 7 records are invalid; each has an error record in the output\n"
        ),
        "{stderr}"
    );
}

#[test]
fn a_batch_of_valid_records_exits_0() {
    let input = format!("{KNEE}\n{}\n", KNEE.replace("\"k1\"", "42"));
    let (code, stdout, stderr) = batch(&["-"], input.as_bytes());
    assert_eq!(code, Some(0), "{stderr}");
    let results = results(&stdout);
    assert_eq!(results[1]["id"], 42, "a numeric id stays a number");
    assert!(stderr.contains("total"), "{stderr}");
    assert!(!stderr.contains("error"), "{stderr}");
}

fn first3(row: &csv::StringRecord) -> Vec<&str> {
    row.iter().take(3).collect()
}

#[test]
fn csv_in_with_quoted_fields_and_csv_out() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("intake.csv");
    let mut file = std::fs::File::create(&path).unwrap();
    write!(
        file,
        "id,warning_signs,condition,duration,severity,imaging,age,active_infection,health,prior_treatments\n\
         \"Doe, J.\",none,knee-arthritis,over-a-year,moderate,moderate,54,no,none,\"rest;physical-therapy\"\n\
         \"multi\nline\",none,hip-arthritis,over-a-year,severe,severe,70,no,none,medication\n\
         x3,none,knee-arthritis,over-a-year,moderate,moderate,fifty,no,none,rest\n\
         x4,fever;leg-weakness,knee-arthritis,over-a-year,moderate,moderate,54,no,none,rest\n"
    )
    .unwrap();
    drop(file);
    // The extension picks CSV; --format csv writes CSV.
    let output = cargo_bin_cmd!("candidacy")
        .args(["batch", "--format", "csv"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(65));
    let mut reader = csv::Reader::from_reader(output.stdout.as_slice());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(
        reader.headers().unwrap(),
        vec!["line", "id", "outcome", "rules", "error"]
    );
    assert_eq!(first3(&rows[0]), ["2", "Doe, J.", "may-be-suitable"]);
    assert!(
        rows[0][3]
            .split(';')
            .any(|r| r == "defiage-knee-osteoarthritis")
    );
    assert_eq!(first3(&rows[1]), ["3", "multi\nline", "clinician-review"]);
    assert_eq!(first3(&rows[2]), ["5", "x3", ""]);
    assert_eq!(
        &rows[2][4],
        "`age` must be a whole number from 0 to 120, not `fifty`"
    );
    // A warning sign leads; its rules come first.
    assert_eq!(first3(&rows[3]), ["6", "x4", "urgent-care"]);
    assert!(rows[3][3].starts_with("back-pain-emergency-signs;fever;"));
    // --input-format overrides the extension.
    let output = cargo_bin_cmd!("candidacy")
        .args(["batch", "--input-format", "jsonl"])
        .arg(&path)
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout
            .lines()
            .all(|l| l.contains("\"error\":\"invalid JSON")),
        "{stdout}"
    );
}

#[test]
fn a_missing_input_exits_66_and_bad_rules_78() {
    let output = cargo_bin_cmd!("candidacy")
        .args(["batch", "no-such-file.jsonl"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(66));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot read `no-such-file.jsonl`"));
    assert!(output.stdout.is_empty());
    let output = cargo_bin_cmd!("candidacy")
        .args(["batch", "--rules", "no-such-folder"])
        .write_stdin(KNEE)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(66));
    let empty = tempfile::tempdir().unwrap();
    let output = cargo_bin_cmd!("candidacy")
        .args(["batch", "--rules"])
        .arg(empty.path())
        .write_stdin(KNEE)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(78));
}

#[test]
fn an_empty_input_is_an_empty_batch() {
    let (code, stdout, stderr) = batch(&[], b"");
    assert_eq!(code, Some(0));
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("│ total            ┆       0 │"),
        "{stderr}"
    );
}

const CSV_HEADER: &str = "id,warning_signs,condition,duration,severity,imaging,age,active_infection,health,prior_treatments";

/// Results as (line, id, outcome or error) from JSON Lines output.
fn screened(stdout: &str) -> Vec<(u64, serde_json::Value, String)> {
    results(stdout)
        .into_iter()
        .map(|r| {
            let what = r["outcome"]
                .as_str()
                .or(r["error"].as_str())
                .unwrap()
                .to_owned();
            (r["line"].as_u64().unwrap(), r["id"].clone(), what)
        })
        .collect()
}

#[test]
fn a_quote_inside_an_unquoted_csv_field_is_a_literal_character() {
    // RFC 4180 readers (Python's csv, the csv crate) read `5" tall` as
    // text: it must not open a quoted section that swallows the records
    // after it.
    let input = format!(
        "{CSV_HEADER}\n\
         r1,none,knee-arthritis,over-a-year,moderate,moderate,54,no,none,rest\n\
         r2 5\" tall,none,knee-arthritis,over-a-year,moderate,moderate,54,no,none,rest\n\
         r3,fever,knee-arthritis,over-a-year,moderate,moderate,54,no,none,rest\n\
         r4,leg-weakness,knee-arthritis,over-a-year,moderate,moderate,54,no,none,rest\n"
    );
    let (code, stdout, stderr) = batch(&["--input-format", "csv"], input.as_bytes());
    assert_eq!(code, Some(0), "{stderr}");
    let rows = screened(&stdout);
    let ids: Vec<&serde_json::Value> = rows.iter().map(|r| &r.1).collect();
    assert_eq!(ids, ["r1", "r2 5\" tall", "r3", "r4"], "{stdout}");
    let lines: Vec<u64> = rows.iter().map(|r| r.0).collect();
    assert_eq!(lines, [2, 3, 4, 5]);
    assert_eq!(rows[2].2, "urgent-care");
    assert_eq!(rows[3].2, "urgent-care");
    assert!(
        stderr.contains("│ urgent-care      ┆       2 │"),
        "{stderr}"
    );
}

#[test]
fn csv_with_cr_only_and_mixed_line_ends_keeps_every_record_and_its_line() {
    let records = [
        "a1,none,knee-arthritis,over-a-year,moderate,moderate,54,no,none,rest",
        "a2,fever,knee-arthritis,over-a-year,moderate,moderate,54,no,none,rest",
        "a3,none,other,over-a-year,mild,,30,no,none,none",
    ];
    // Old spreadsheet exports end lines with CR alone.
    let cr_only = format!("{CSV_HEADER}\r{}\r", records.join("\r"));
    let (code, stdout, stderr) = batch(&["--input-format", "csv"], cr_only.as_bytes());
    assert_eq!(code, Some(0), "{stderr}");
    let rows = screened(&stdout);
    assert_eq!(
        rows.iter().map(|r| (r.0, r.1.clone())).collect::<Vec<_>>(),
        [(2, "a1".into()), (3, "a2".into()), (4, "a3".into())],
        "{stdout}"
    );
    assert_eq!(rows[1].2, "urgent-care");
    // CRLF, LF and CR mixed, with blank lines of each kind, and a quoted
    // field spanning a CRLF: each record starts on its own line.
    let mixed = format!(
        "{CSV_HEADER}\r\n{}\r\n\r\n{}\n\r\r\"a\r\n4\",none,knee-arthritis,over-a-year,moderate,moderate,54,no,none,rest\r{}",
        records[0], records[1], records[2]
    );
    let (code, stdout, stderr) = batch(&["--input-format", "csv"], mixed.as_bytes());
    assert_eq!(code, Some(0), "{stderr}");
    let rows = screened(&stdout);
    assert_eq!(
        rows.iter().map(|r| (r.0, r.1.clone())).collect::<Vec<_>>(),
        [
            (2, "a1".into()),
            (4, "a2".into()),
            (7, "a\n4".into()),
            (9, "a3".into())
        ],
        "{stdout}"
    );
}

#[test]
fn a_bare_cr_inside_a_csv_line_ends_a_record_and_drops_none() {
    // A bare CR ends a record, as it does for RFC 4180 readers; what
    // follows it is a record of its own (here with too few fields), and the
    // record after that is read too.
    let input = format!(
        "{CSV_HEADER}\n\
         b1,none,knee-arthritis,over-a-year,moderate,moderate,54,no,none,rest\rstray\n\
         b2,fever,knee-arthritis,over-a-year,moderate,moderate,54,no,none,rest\n"
    );
    let (code, stdout, stderr) = batch(&["--input-format", "csv"], input.as_bytes());
    assert_eq!(code, Some(65), "{stderr}");
    let rows = screened(&stdout);
    assert_eq!(
        rows,
        [
            (2, "b1".into(), "may-be-suitable".to_owned()),
            (
                3,
                "stray".into(),
                "expected 10 fields as in the header, found 1".to_owned()
            ),
            (4, "b2".into(), "urgent-care".to_owned()),
        ],
        "{stdout}"
    );
}

#[test]
fn an_over_long_record_is_an_error_record_and_the_batch_goes_on() {
    let long = "x".repeat(100_000);
    // JSON Lines: the long line is skipped to its end.
    let input = format!("{KNEE}\n{{\"id\": \"{long}\"}}\n{KNEE}\n");
    let (code, stdout, stderr) = batch(&[], input.as_bytes());
    assert_eq!(code, Some(65), "{stderr}");
    let rows = screened(&stdout);
    assert_eq!(
        rows,
        [
            (1, "k1".into(), "may-be-suitable".to_owned()),
            (
                2,
                serde_json::Value::Null,
                "the line is longer than 65536 bytes, the most that is read".to_owned()
            ),
            (3, "k1".into(), "may-be-suitable".to_owned()),
        ]
    );
    // CSV: a long field, and a quoted field that never closes: each is one
    // error record, and reading resumes at the next line end.
    let input = format!(
        "{CSV_HEADER}\n\
         c1,none,knee-arthritis,over-a-year,moderate,moderate,54,no,none,rest\n\
         c2,none,{long},over-a-year,moderate,moderate,54,no,none,rest\n\
         \"c3 never closes,none\n{long}\n\
         c4,none,knee-arthritis,over-a-year,moderate,moderate,54,no,none,rest\n"
    );
    let (code, stdout, stderr) = batch(&["--input-format", "csv"], input.as_bytes());
    assert_eq!(code, Some(65), "{stderr}");
    let too_long = "the record is longer than 65536 bytes, the most that is read";
    assert_eq!(
        screened(&stdout),
        [
            (2, "c1".into(), "may-be-suitable".to_owned()),
            (3, serde_json::Value::Null, too_long.to_owned()),
            (4, serde_json::Value::Null, too_long.to_owned()),
            (6, "c4".into(), "may-be-suitable".to_owned()),
        ],
        "{stdout}"
    );
    assert!(stderr.contains("2 of 4 records are invalid"), "{stderr}");
}

/// Runs the binary under an address-space limit, feeding it `total` zero
/// bytes (no line end) on standard input, and returns its exit code and
/// output. Without a bound on a record, memory would grow with the input
/// and the process would die.
#[cfg(unix)]
fn under_a_memory_limit(args: &str, total: usize) -> (Option<i32>, String) {
    use std::process::{Command, Stdio};
    let mut child = Command::new("sh")
        .arg("-c")
        // 64 MiB of address space, for an input of several times that.
        .arg(format!("ulimit -v 65536 && exec \"$0\" {args}"))
        .arg(env!("CARGO_BIN_EXE_candidacy"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        let chunk = vec![0u8; 1 << 20];
        let mut sent = 0;
        while sent < total {
            if stdin.write_all(&chunk).is_err() {
                break;
            }
            sent += chunk.len();
        }
    });
    let output = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    (
        output.status.code(),
        String::from_utf8(output.stdout).unwrap(),
    )
}

#[cfg(unix)]
#[test]
fn an_endless_line_is_read_with_flat_memory_in_either_format() {
    let total = 256 << 20;
    let (code, stdout) = under_a_memory_limit("batch -", total);
    assert_eq!(code, Some(65));
    assert_eq!(
        stdout,
        "{\"line\":1,\"id\":null,\"error\":\"the line is longer than 65536 bytes, the most that is read\"}\n"
    );
    let (code, stdout) = under_a_memory_limit("batch --input-format csv -", total);
    assert_eq!(code, Some(65));
    assert_eq!(
        stdout,
        "{\"line\":1,\"id\":null,\"error\":\"the header row is longer than 65536 bytes, the most that is read\"}\n"
    );
}

#[test]
fn ages_are_read_alike_in_json_lines_and_csv_and_quoted_as_given() {
    let refused = [
        "52.0",
        "5.2e1",
        "1e1",
        "-0.0",
        "99999999999999999999",
        "+52",
    ];
    for age in refused {
        let json = KNEE.replace("\"age\": 54", &format!("\"age\": {age}"));
        let csv = format!(
            "{CSV_HEADER}\nk1,none,knee-arthritis,over-a-year,moderate,moderate,{age},no,none,rest\n"
        );
        // A string of the same text is refused alike.
        let quoted = KNEE.replace("\"age\": 54", &format!("\"age\": \"{age}\""));
        for (args, input) in [
            (&[][..], json.as_str()),
            (&["--input-format", "csv"][..], csv.as_str()),
            (&[][..], quoted.as_str()),
        ] {
            if age == "+52" && input == json {
                continue; // not JSON at all
            }
            let (code, stdout, _) = batch(args, input.as_bytes());
            assert_eq!(code, Some(65), "{age}: {stdout}");
            assert_eq!(
                screened(&stdout)[0].2,
                format!("`age` must be a whole number from 0 to 120, not `{age}`"),
                "{input}"
            );
        }
    }
    // An integer, or a string of digits, is a whole number.
    for age in ["54", "\"54\"", "\" 54 \""] {
        let json = KNEE.replace("\"age\": 54", &format!("\"age\": {age}"));
        let (code, stdout, _) = batch(&[], json.as_bytes());
        assert_eq!(code, Some(0), "{age}: {stdout}");
    }
}

#[test]
fn a_record_with_its_id_twice_is_invalid() {
    let json = KNEE.replace("\"id\": \"k1\"", "\"id\": \"first\", \"id\": \"second\"");
    let (code, stdout, _) = batch(&[], json.as_bytes());
    assert_eq!(code, Some(65));
    assert_eq!(
        screened(&stdout),
        [(1, "first".into(), "`id` is given twice".to_owned())]
    );
    let csv = "id,condition,id\nfirst,other,second\n";
    let (code, stdout, _) = batch(&["--input-format", "csv"], csv.as_bytes());
    assert_eq!(code, Some(65));
    assert_eq!(
        screened(&stdout),
        [(2, "first".into(), "the header names `id` twice".to_owned())]
    );
}

#[test]
fn error_records_repeat_a_long_value_cut_short() {
    let long = "y".repeat(10_000);
    let json = KNEE.replace("\"condition\"", &format!("\"{long}\""));
    let json_value = KNEE.replace("\"moderate\"", &format!("\"{long}\""));
    let csv =
        format!("{CSV_HEADER}\nk1,none,{long},over-a-year,moderate,moderate,54,no,none,rest\n");
    let csv_header = format!("id,{long}\nk1,x\n");
    for (args, input) in [
        (&[][..], json),
        (&[][..], json_value),
        (&["--input-format", "csv"][..], csv),
        (&["--input-format", "csv"][..], csv_header),
    ] {
        let (code, stdout, _) = batch(args, input.as_bytes());
        assert_eq!(code, Some(65));
        let error = &screened(&stdout)[0].2;
        assert!(error.contains(&format!("`{}…`", "y".repeat(60))), "{error}");
        assert!(error.len() < 400, "{error}");
    }
}

/// Property tests with an oracle that does not use batch's reader: the
/// input is built from a list of records the test generates, so the test
/// knows how many records there are, the line each starts on and its id,
/// and checks that batch writes exactly one result per record, in order.
mod oracle {
    use std::num::NonZeroUsize;

    use candidacy::batch::{InputFormat, OutputFormat, run};
    use candidacy::limits::MAX_RECORD_BYTES;
    use candidacy::ruleset::RuleSet;
    use candidacy::sanitize::sanitize;
    use proptest::prelude::*;

    /// What the oracle expects of one record: the line it starts on and its
    /// id (`None` when the record is too long or not an object, so no id
    /// can be read).
    type Expected = Vec<(u64, Option<String>)>;

    fn line_ends() -> impl Strategy<Value = &'static str> {
        prop_oneof![Just("\n"), Just("\r\n"), Just("\r")]
    }

    /// The line a byte offset is on: `\n`, `\r\n` and a bare `\r` each end
    /// a line.
    fn line_at(text: &str, offset: usize) -> u64 {
        let prefix = text[..offset].replace("\r\n", "\n").replace('\r', "\n");
        prefix.matches('\n').count() as u64 + 1
    }

    /// Ids with the characters that trouble CSV readers: quotes, commas,
    /// line ends, spaces, semicolons and non-ASCII text; never blank, and
    /// without spaces at either end (ids are trimmed).
    fn csv_id() -> impl Strategy<Value = String> {
        "[a-z0-9\",\r\n ;é]{0,12}"
            .prop_map(|s| format!("i{s}z"))
            .prop_filter("ids are trimmed", |s| s.trim() == s)
    }

    #[derive(Debug, Clone)]
    enum CsvLine {
        Record {
            id: String,
            quote_anyway: bool,
            condition: &'static str,
            end: &'static str,
        },
        /// A record longer than the limit, with or without a quoted field
        /// that never closes.
        TooLong {
            extra: usize,
            open_quote: bool,
            end: &'static str,
        },
        /// An empty line, or one of spaces: not a record.
        Blank { spaces: usize, end: &'static str },
    }

    fn csv_line() -> impl Strategy<Value = CsvLine> {
        prop_oneof![
            8 => (
                csv_id(),
                any::<bool>(),
                prop_oneof![
                    Just("knee-arthritis"),
                    Just("kne\"e"),
                    Just("\"a,\"\"b\"\"\""),
                    Just("")
                ],
                line_ends()
            )
                .prop_map(|(id, quote_anyway, condition, end)| CsvLine::Record {
                    id,
                    quote_anyway,
                    condition,
                    end
                }),
            1 => (1..100usize, any::<bool>(), line_ends()).prop_map(|(extra, open_quote, end)| {
                CsvLine::TooLong {
                    extra,
                    open_quote,
                    end,
                }
            }),
            2 => (0..3usize, line_ends()).prop_map(|(spaces, end)| CsvLine::Blank { spaces, end }),
        ]
    }

    /// The CSV text and what the oracle expects of it.
    fn csv_input(bom: bool, lines: &[CsvLine], last_end: bool) -> (String, Expected) {
        let mut text = String::new();
        if bom {
            text.push('\u{feff}');
        }
        text.push_str("id,condition\r\n");
        let mut expected = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            let last = i + 1 == lines.len();
            let start = text.len();
            let end = match line {
                CsvLine::Record {
                    id,
                    quote_anyway,
                    condition,
                    end,
                } => {
                    let must_quote = id.contains([',', '\r', '\n']) || id.starts_with('"');
                    if must_quote || *quote_anyway {
                        text.push('"');
                        text.push_str(&id.replace('"', "\"\""));
                        text.push('"');
                    } else {
                        // A quote inside an unquoted field stays as it is.
                        text.push_str(id);
                    }
                    text.push(',');
                    text.push_str(condition);
                    // Results echo an id through the sanitizing policy
                    // (tested on its own in src/sanitize.rs); what is
                    // checked here is which records there are.
                    expected.push((line_at(&text, start), Some(sanitize(id).into_owned())));
                    end
                }
                CsvLine::TooLong {
                    extra,
                    open_quote,
                    end,
                } => {
                    text.push_str(if *open_quote { "long,\"" } else { "long," });
                    text.push_str(&"x".repeat(MAX_RECORD_BYTES + extra));
                    expected.push((line_at(&text, start), None));
                    end
                }
                CsvLine::Blank { spaces, end } => {
                    text.push_str(&" ".repeat(*spaces));
                    end
                }
            };
            if !last || last_end {
                text.push_str(end);
            }
        }
        (text, expected)
    }

    #[derive(Debug, Clone)]
    enum JsonLine {
        /// An object with this id.
        Object(String),
        /// A line that is not a JSON object: no id can be read.
        Broken(&'static str),
        TooLong(usize),
    }

    fn json_line() -> impl Strategy<Value = JsonLine> {
        prop_oneof![
            6 => any::<String>().prop_map(JsonLine::Object),
            2 => prop_oneof![
                Just(""),
                Just("   "),
                Just("{\"id\": \"a\"b\"}"),
                Just("{\"id\": \"open"),
                Just("{\"id\": \"a\"}\r{\"id\": \"b\"}"),
                Just("\"a string\""),
                Just("[1, 2]"),
                Just("\u{feff}{}"),
            ]
            .prop_map(JsonLine::Broken),
            1 => (1..100usize).prop_map(JsonLine::TooLong),
        ]
    }

    fn json_input(bom: bool, lines: &[(JsonLine, bool)], last_end: bool) -> (String, Expected) {
        let mut text = String::new();
        if bom {
            text.push('\u{feff}');
        }
        let mut expected = Vec::new();
        for (i, (line, crlf)) in lines.iter().enumerate() {
            let id = match line {
                JsonLine::Object(id) => {
                    let object = serde_json::json!({"id": id, "condition": "other"});
                    text.push_str(&object.to_string());
                    Some(sanitize(id).into_owned())
                }
                JsonLine::Broken(line) => {
                    text.push_str(line);
                    None
                }
                JsonLine::TooLong(extra) => {
                    text.push_str(&"x".repeat(MAX_RECORD_BYTES + extra));
                    None
                }
            };
            let last = i + 1 == lines.len();
            // Every line is a record, numbered from 1; but an empty last
            // line without a line end is no line at all.
            if !(last && !last_end && matches!(line, JsonLine::Broken(""))) {
                expected.push((i as u64 + 1, id));
            }
            if !last || last_end {
                text.push_str(if *crlf { "\r\n" } else { "\n" });
            }
        }
        (text, expected)
    }

    /// Batch's results as (line, id), read from its JSON Lines output;
    /// with three jobs the output and tally are the same, byte for byte.
    fn batch(text: &str, format: InputFormat) -> Expected {
        let rules = RuleSet::embedded().unwrap();
        let run_with = |jobs: usize| {
            let mut out = Vec::new();
            // A small buffer, so records cross many reads.
            let input = std::io::BufReader::with_capacity(7, text.as_bytes());
            let jobs = NonZeroUsize::new(jobs).unwrap();
            let tally = run(
                &rules,
                input,
                format,
                &mut out,
                OutputFormat::JsonLines,
                jobs,
                &mut |_| {},
            )
            .unwrap();
            (out, tally)
        };
        let (out, tally) = run_with(1);
        assert_eq!(run_with(3), (out.clone(), tally.clone()));
        let results: Expected = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| {
                let r: serde_json::Value = serde_json::from_str(l).unwrap();
                (
                    r["line"].as_u64().unwrap(),
                    r["id"].as_str().map(str::to_owned),
                )
            })
            .collect();
        assert_eq!(tally.records(), results.len());
        results
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn csv_gives_one_result_per_record_in_order_with_its_line_and_id(
            bom in any::<bool>(),
            lines in proptest::collection::vec(csv_line(), 0..12),
            last_end in any::<bool>(),
        ) {
            let (text, expected) = csv_input(bom, &lines, last_end);
            prop_assert_eq!(batch(&text, InputFormat::Csv), expected, "{:?}", text);
        }

        #[test]
        fn json_lines_gives_one_result_per_line_in_order_with_its_id(
            bom in any::<bool>(),
            lines in proptest::collection::vec((json_line(), any::<bool>()), 0..12),
            last_end in any::<bool>(),
        ) {
            let (text, expected) = json_input(bom, &lines, last_end);
            prop_assert_eq!(batch(&text, InputFormat::JsonLines), expected, "{:?}", text);
        }
    }
}

/// Whether `c` is a control (but a line break) or a bidirectional
/// formatting character, which no result may echo from its input.
fn forbidden(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[test]
fn batch_results_echo_no_controls_or_bidi_overrides() {
    let nasty = "\u{1b}[2J\u{9b}2J\u{202e}live";
    // JSON Lines: the decoded id and error are clean, not only escaped.
    let line = KNEE.replace("\"k1\"", &serde_json::to_string(nasty).unwrap());
    let bad = format!(
        "{{\"id\": {}, \"condition\": {}}}",
        serde_json::to_string(nasty).unwrap(),
        serde_json::to_string(nasty).unwrap()
    );
    let (_, stdout, stderr) = batch(&[], format!("{line}\n{bad}\n").as_bytes());
    let results = results(&stdout);
    assert_eq!(results.len(), 2, "{stderr}");
    for result in &results {
        assert_eq!(result["id"], "[2J2Jlive", "{result}");
        let error = result["error"].as_str().unwrap_or_default();
        assert!(!error.chars().any(forbidden), "{error:?}");
    }
    assert!(results[1]["error"].as_str().unwrap().contains("2J2Jlive"));
    // CSV out: nothing forbidden anywhere in the output.
    let csv = format!("id,warning_signs\n\"{nasty}\",none\n\"{nasty}\",{nasty}\n");
    let (_, stdout, _) = batch(
        &["--input-format", "csv", "--format", "csv"],
        csv.as_bytes(),
    );
    assert!(!stdout.chars().any(forbidden), "{stdout:?}");
    assert_eq!(stdout.matches("[2J2Jlive").count(), 3, "{stdout}");
}

#[test]
fn csv_results_never_start_an_id_with_a_spreadsheet_formula() {
    let header = "id,warning_signs,condition,duration,severity,imaging,age,active_infection,health,prior_treatments";
    let row = "none,knee-arthritis,over-a-year,moderate,moderate,54,no,none,rest";
    let input = format!(
        "{header}\n\"=HYPERLINK(\"\"http://x.example\"\",\"\"x\"\")\",{row}\n+1,{row}\n-2,{row}\n@SUM(A1),{row}\nplain,{row}\n"
    );
    let (code, stdout, stderr) = batch(
        &["--input-format", "csv", "--format", "csv"],
        input.as_bytes(),
    );
    assert_eq!(code, Some(0), "{stderr}");
    let mut reader = csv::Reader::from_reader(stdout.as_bytes());
    let ids: Vec<String> = reader.records().map(|r| r.unwrap()[1].to_owned()).collect();
    assert_eq!(
        ids,
        [
            "'=HYPERLINK(\"http://x.example\",\"x\")",
            "'+1",
            "'-2",
            "'@SUM(A1)",
            "plain"
        ]
    );
    // JSON Lines results keep the id as given: no spreadsheet reads them.
    let (_, stdout, _) = batch(&["--input-format", "csv"], input.as_bytes());
    assert!(stdout.contains(r#""id":"-2""#), "{stdout}");
}

/// `--jobs 4` writes what `--jobs 1` writes, byte for byte (results,
/// order, the tally on stderr, the exit code), for JSON Lines and CSV in and
/// out, on 20,000 generated records of which about one in twenty is
/// invalid, with over-long lines and a record whose quoted field spans lines
/// mixed in.
#[test]
fn every_number_of_jobs_gives_the_same_output_as_one() {
    use candidacy::ruleset::RuleSet;
    use candidacy::sample::{SampleFormat, SplitMix64, csv_header, record};

    let rules = RuleSet::embedded().unwrap();
    for (format, name) in [
        (SampleFormat::JsonLines, "jsonl"),
        (SampleFormat::Csv, "csv"),
    ] {
        let mut rng = SplitMix64::new(16);
        let mut input = String::new();
        if format == SampleFormat::Csv {
            input.push_str(&csv_header(&rules));
            input.push('\n');
        }
        for number in 1..=20_000 {
            input.push_str(&record(&rules, &mut rng, number, format));
            input.push('\n');
            if number % 3001 == 0 {
                input.push_str(&"z".repeat(70_000));
                input.push('\n');
            }
            if number % 4999 == 0 && format == SampleFormat::Csv {
                input.push_str("\"a\nb\",none\n");
            }
        }
        for out in ["jsonl", "csv"] {
            let args =
                |jobs: &'static str| ["--input-format", name, "--format", out, "--jobs", jobs];
            let one = batch(&args("1"), input.as_bytes());
            assert_eq!(one.0, Some(65), "some records are invalid: {}", one.2);
            assert!(one.1.lines().count() > 20_000, "{name} to {out}");
            let four = batch(&args("4"), input.as_bytes());
            assert!(
                one == four,
                "{name} to {out}: --jobs 4 differs from --jobs 1"
            );
        }
    }
}

#[test]
fn jobs_must_be_a_whole_number_from_one() {
    for jobs in ["0", "x", "257", "1.5"] {
        let (code, _, stderr) = batch(&["--jobs", jobs], KNEE.as_bytes());
        assert_eq!(code, Some(2), "--jobs {jobs}");
        assert!(stderr.contains("from 1 to 256"), "{stderr}");
    }
}
