//! What several integration test files share: the example answer files.
#![allow(dead_code)] // each test file uses its own part

use std::path::PathBuf;

/// Every answer file in `examples/` with a documented outcome (the README's
/// table), one per outcome and the awkward cases.
pub const EXAMPLES: [&str; 6] = [
    "back-pain-warning-signs.toml",
    "knee-moderate.toml",
    "knee-severe.json",
    "active-infection.toml",
    "unsure-severity.toml",
    "teen-sports-injury.toml",
];

/// The path of `examples/<name>`.
pub fn example(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
}

/// Whether the tests run on CI (`CI` set to anything but empty, `0` or
/// `false`): there, a missing tool or document fails a test instead of
/// skipping it.
pub fn on_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false")
}
