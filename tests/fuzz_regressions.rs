//! The fuzz targets' oracles (`fuzz/oracles.rs`) over every committed input:
//! the corpora the fuzzers grew (`fuzz/corpus/<target>/`) and every input
//! that once broke an oracle (`fuzz/regressions/<target>/`), so `cargo test`
//! checks them without a fuzzer and a fixed crash stays fixed.
#![allow(clippy::unwrap_used)] // a panic is how a test reports failure

use std::path::Path;

#[path = "../fuzz/oracles.rs"]
mod oracles;
mod tainted;

/// Runs `oracle` on every file under `fuzz/corpus/<target>` and
/// `fuzz/regressions/<target>`, naming the file that fails; returns how
/// many inputs it ran.
fn replay(target: &str, oracle: fn(&[u8])) -> usize {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut count = 0;
    for folder in ["corpus", "regressions"] {
        let Ok(entries) = std::fs::read_dir(fuzz.join(folder).join(target)) else {
            continue;
        };
        let mut paths: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
        paths.sort();
        for path in paths {
            let data = std::fs::read(&path).unwrap();
            let result = std::panic::catch_unwind(|| oracle(&data));
            assert!(result.is_ok(), "{} fails its oracle", path.display());
            count += 1;
        }
    }
    count
}

#[test]
fn every_committed_batch_input_gives_one_result_per_record() {
    assert!(replay("batch_input", oracles::batch_input) > 0);
}

#[test]
fn every_committed_answer_file_refuses_a_question_given_twice() {
    assert!(replay("answer_file", oracles::answer_file) > 0);
}

#[test]
fn every_committed_rule_file_loads_or_fails_and_is_analysed() {
    assert!(replay("rule_loader", oracles::rule_loader) > 0);
}

#[test]
fn every_committed_render_input_leaves_no_control_in_any_format() {
    assert!(replay("render", oracles::render) > 0);
}

/// The oracles themselves find what they are for: a dropped record, an
/// accepted duplicate, a forbidden character. Each of these inputs broke
/// `main` before issue 13's fixes.
#[test]
fn the_oracles_know_what_they_check() {
    // A stray quote in an unquoted CSV field: three records, not one.
    let csv = b"id,warning_signs\nr2 5\" tall,none\nr3,fever\nr4,fever\n";
    oracles::batch_input(csv);
    // CR-only line ends.
    oracles::batch_input(b"id,warning_signs\rr1,none\rr2,fever\r");
    // A key given twice: the oracle builds the twice-given document itself.
    oracles::answer_file(br#"{"warning_signs":["fever"]}"#);
    oracles::answer_file(b"warning_signs = [\"fever\"]\n");
    // Controls and bidi overrides around every string.
    oracles::render("\u{1b}[2J\u{9b}2J\u{202e}".as_bytes());
}
