//! The answer-file parsers (TOML and JSON) and the `--answer KEY=VALUE` parser on arbitrary text: answers or an error, never a panic, and a question given twice never loads.
//! The checks are in `fuzz/oracles.rs`, shared with `tests/fuzz_regressions.rs`.
#![no_main]

#[path = "../../tests/tainted/mod.rs"]
mod tainted;
#[path = "../oracles.rs"]
mod oracles;

libfuzzer_sys::fuzz_target!(|data: &[u8]| oracles::answer_file(data));
