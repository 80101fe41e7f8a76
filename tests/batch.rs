//! `candidacy batch` through the binary: JSON Lines and CSV, valid and
//! invalid records, ids, order, and exit codes.
#![allow(clippy::unwrap_used)] // a panic is how a test reports failure

use std::io::Write;

use assert_cmd::cargo::cargo_bin_cmd;

const KNEE: &str = r#"{"id": "k1", "warning_signs": ["none"], "condition": "knee-arthritis", "severity": "moderate", "age": 54, "active_infection": "no", "prior_treatments": ["rest"]}"#;

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
    assert_eq!(results[4]["id"], "big");
    assert!(
        results[4]["error"]
            .as_str()
            .unwrap()
            .starts_with("unknown question `note`")
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
        "id,warning_signs,condition,severity,age,active_infection,prior_treatments\n\
         \"Doe, J.\",none,knee-arthritis,moderate,54,no,\"rest;physical-therapy\"\n\
         \"multi\nline\",none,hip-arthritis,severe,70,no,medication\n\
         x3,none,knee-arthritis,moderate,fifty,no,rest\n\
         x4,fever;leg-weakness,knee-arthritis,moderate,54,no,rest\n"
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
    assert!(rows[0][3].split(';').any(|r| r == "jmc-advanced-arthritis"));
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
