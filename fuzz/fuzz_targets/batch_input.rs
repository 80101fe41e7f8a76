//! Batch input, JSON Lines and CSV, on arbitrary bytes: exactly one result per record, in order, none echoing a control or bidi character.
//! The checks are in `fuzz/oracles.rs`, shared with `tests/fuzz_regressions.rs`.
#![no_main]

#[path = "../../tests/tainted/mod.rs"]
mod tainted;
#[path = "../oracles.rs"]
mod oracles;

libfuzzer_sys::fuzz_target!(|data: &[u8]| oracles::batch_input(data));
