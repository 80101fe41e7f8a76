//! The rule loader on arbitrary text: one built-in rule file is replaced by
//! the input, so the input reaches the checks that need a whole rule set.
//! Loading must return a rule set or diagnostics, never panic; every
//! diagnostic must render.
#![no_main]

use candidacy::ruleset::{EMBEDDED_FILES, RuleFile, RuleSet};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
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
        }
        Err(err) => {
            let _ = err.to_string();
        }
    }
});
