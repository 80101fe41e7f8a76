//! Every renderer, with arbitrary text around every string of the rule set: no output holds a control or bidi character.
//! The checks are in `fuzz/oracles.rs`, shared with `tests/fuzz_regressions.rs`.
#![no_main]

#[path = "../../tests/tainted/mod.rs"]
mod tainted;
#[path = "../oracles.rs"]
mod oracles;

libfuzzer_sys::fuzz_target!(|data: &[u8]| oracles::render(data));
