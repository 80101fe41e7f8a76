//! Batch input, JSON Lines and CSV, on arbitrary bytes: one result per
//! record and a tally, never a panic. Results go to a sink.
#![no_main]

use std::sync::OnceLock;

use candidacy::batch::{InputFormat, OutputFormat, run};
use candidacy::ruleset::RuleSet;
use libfuzzer_sys::fuzz_target;

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::embedded().expect("the built-in rules load"))
}

fuzz_target!(|data: &[u8]| {
    for (input, output) in [
        (InputFormat::JsonLines, OutputFormat::JsonLines),
        (InputFormat::Csv, OutputFormat::Csv),
    ] {
        let _ = run(rules(), data, input, std::io::sink(), output, &mut |_| {});
    }
});
