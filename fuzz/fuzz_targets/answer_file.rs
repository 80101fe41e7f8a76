//! The answer-file parsers (TOML and JSON) and the `--answer KEY=VALUE`
//! parser on arbitrary text: answers or an error, never a panic.
#![no_main]

use std::sync::OnceLock;

use candidacy::answers::{Answers, DocumentFormat};
use candidacy::ruleset::RuleSet;
use libfuzzer_sys::fuzz_target;

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::embedded().expect("the built-in rules load"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let rules = rules();
    for format in [DocumentFormat::Toml, DocumentFormat::Json] {
        let mut answers = Answers::new(rules);
        if let Err(err) = answers.give_document(rules, text, format) {
            let _ = err.to_string();
        }
        let _ = answers.complete();
    }
    if let Some((key, value)) = text.split_once('=') {
        let mut answers = Answers::new(rules);
        let _ = answers.give(rules, key, value);
    }
});
