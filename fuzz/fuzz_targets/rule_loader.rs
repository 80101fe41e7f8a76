//! The rule loader on arbitrary text (one built-in file replaced by it): a rule set or diagnostics, never a panic, and a loaded rule set is analysed over some answer sets.
//! The checks are in `fuzz/oracles.rs`, shared with `tests/fuzz_regressions.rs`.
#![no_main]

#[path = "../../tests/tainted/mod.rs"]
mod tainted;
#[path = "../oracles.rs"]
mod oracles;

libfuzzer_sys::fuzz_target!(|data: &[u8]| oracles::rule_loader(data));
