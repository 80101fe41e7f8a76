//! The default rule set, compiled into the binary so that an installed
//! `candidacy` works from any folder with no set-up.
//!
//! A unit test checks that this list names exactly the `*.toml` files under
//! `rules/`, so a new rule file cannot be forgotten here.

/// `(file name, contents)` of every file under `rules/`.
pub const EMBEDDED_FILES: &[(&str, &str)] = &[
    ("age.toml", include_str!("../../rules/age.toml")),
    (
        "before-you-book.toml",
        include_str!("../../rules/before-you-book.toml"),
    ),
    ("claims.toml", include_str!("../../rules/claims.toml")),
    (
        "conditions.toml",
        include_str!("../../rules/conditions.toml"),
    ),
    ("health.toml", include_str!("../../rules/health.toml")),
    ("infection.toml", include_str!("../../rules/infection.toml")),
    (
        "questionnaire.toml",
        include_str!("../../rules/questionnaire.toml"),
    ),
    ("ruleset.toml", include_str!("../../rules/ruleset.toml")),
    ("safety.toml", include_str!("../../rules/safety.toml")),
    ("severity.toml", include_str!("../../rules/severity.toml")),
    ("sources.toml", include_str!("../../rules/sources.toml")),
    ("text.toml", include_str!("../../rules/text.toml")),
    (
        "treatments.toml",
        include_str!("../../rules/treatments.toml"),
    ),
    (
        "what-to-expect.toml",
        include_str!("../../rules/what-to-expect.toml"),
    ),
];

/// `(file name, contents)` of every case file under `rules/tests/`, which
/// `candidacy rules test` runs against the built-in rule set.
pub const EMBEDDED_CASES: &[(&str, &str)] = &[
    (
        "conditions.toml",
        include_str!("../../rules/tests/conditions.toml"),
    ),
    (
        "safeguards.toml",
        include_str!("../../rules/tests/safeguards.toml"),
    ),
    (
        "warning-signs.toml",
        include_str!("../../rules/tests/warning-signs.toml"),
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embeds_exactly_the_files_under_rules_and_rules_tests() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
        for (dir, list) in [
            (root.clone(), EMBEDDED_FILES),
            (root.join("tests"), EMBEDDED_CASES),
        ] {
            let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "toml"))
                .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
                .collect();
            on_disk.sort();
            let embedded: Vec<&str> = list.iter().map(|(n, _)| *n).collect();
            assert_eq!(embedded, on_disk, "{}", dir.display());
            for (name, text) in list {
                assert_eq!(*text, std::fs::read_to_string(dir.join(name)).unwrap());
            }
        }
    }
}
