//! Property tests of the analysis over random loadable rule sets, with
//! number bounds anywhere in i64 (the ends included) and several-choice
//! questions with exclusive options. The oracle: the analysis never reports
//! 0 combinations, and the count it reports is the product of each
//! question's number of valid answers, counted here independently.
#![allow(clippy::unwrap_used)] // a panic is how a test reports failure

use candidacy::analysis::{AnswerSpace, analyse};
use candidacy::ruleset::{RuleFile, RuleSet};
use proptest::prelude::*;

/// The smallest complete rule set: identity, text, sources and one warning
/// sign with its urgent-care rule.
const BASE: [(&str, &str); 4] = [
    ("ruleset.toml", include_str!("../rules/ruleset.toml")),
    ("text.toml", include_str!("../rules/text.toml")),
    ("sources.toml", include_str!("../rules/sources.toml")),
    (
        "safety.toml",
        include_str!("fixtures/passing-cases/safety.toml"),
    ),
];

fn load(extra: &str) -> Result<RuleSet, candidacy::ruleset::LoadError> {
    let mut files: Vec<RuleFile> = BASE
        .iter()
        .map(|(name, text)| RuleFile {
            name: (*name).to_owned(),
            text: (*text).to_owned(),
        })
        .collect();
    files.push(RuleFile {
        name: "extra.toml".to_owned(),
        text: extra.to_owned(),
    });
    RuleSet::from_files(files)
}

fn bound() -> impl Strategy<Value = i64> {
    prop_oneof![
        Just(i64::MIN),
        Just(i64::MAX),
        Just(i64::MAX - 1),
        Just(i64::MIN + 1),
        -3..3i64,
        any::<i64>(),
    ]
}

/// A rule on the number question: `(min, max)`, each maybe left out.
type NumberRule = (Option<i64>, Option<i64>);
/// A rule on the several-choice question: `any`, `all`, `none` as bit masks.
type SeveralRule = (u8, u8, u8);

fn rule(id: &str, level: &str, when: &str) -> String {
    format!(
        "[[rule]]\nid = \"{id}\"\nlevel = \"{level}\"\n\
         message = \"The Defiage blog post says this.\"\n{when}\n\
         cite = [{{ source = \"defiage\", quote = \"Knee osteoarthritis\" }}]\n\n"
    )
}

fn list(mask: u8, options: usize) -> String {
    let ids: Vec<String> = (0..options)
        .filter(|o| mask & (1 << o) != 0)
        .map(|o| format!("\"o{o}\""))
        .collect();
    format!("[{}]", ids.join(", "))
}

fn rule_set(
    (low, high): (i64, i64),
    number_rules: &[NumberRule],
    exclusive: &[bool],
    several_rules: &[SeveralRule],
) -> String {
    let (min, max) = (low.min(high), low.max(high));
    let mut text = format!(
        "[[question]]\nid = \"n\"\nkind = \"number\"\nprompt = \"P?\"\nhelp = \"H.\"\nmin = {min}\nmax = {max}\n\n\
         [[question]]\nid = \"m\"\nkind = \"multi\"\nprompt = \"P?\"\nhelp = \"H.\"\n"
    );
    for (o, exclusive) in exclusive.iter().enumerate() {
        text.push_str(&format!(
            "[[question.option]]\nid = \"o{o}\"\nlabel = \"O {o}\"\nexclusive = {exclusive}\n"
        ));
    }
    text.push('\n');
    for (i, (a, b)) in number_rules.iter().enumerate() {
        let clamp = |v: i64| v.clamp(min, max);
        let mut parts = Vec::new();
        match (a.map(clamp), b.map(clamp)) {
            (Some(a), Some(b)) => {
                parts.push(format!("min = {}", a.min(b)));
                parts.push(format!("max = {}", a.max(b)));
            }
            (Some(a), None) => parts.push(format!("min = {a}")),
            (None, Some(b)) => parts.push(format!("max = {b}")),
            (None, None) => parts.push(format!("min = {min}")),
        }
        let level = ["clinician-review", "not-suitable-now", "may-be-suitable"][i % 3];
        let when = format!("when.n = {{ {} }}", parts.join(", "));
        text.push_str(&rule(&format!("n{i}"), level, &when));
    }
    let options = exclusive.len();
    for (i, (any, all, none)) in several_rules.iter().enumerate() {
        let mut parts = Vec::new();
        for (key, mask) in [("any", any), ("all", all), ("none", none)] {
            let mask = mask & ((1u16 << options) - 1) as u8;
            if mask != 0 {
                parts.push(format!("{key} = {}", list(mask, options)));
            }
        }
        if parts.is_empty() {
            parts.push("any = [\"o0\"]".to_owned());
        }
        let when = format!("when.m = {{ {} }}", parts.join(", "));
        text.push_str(&rule(&format!("m{i}"), "clinician-review", &when));
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn the_analysis_of_a_loadable_rule_set_never_counts_0_combinations(
        range in (bound(), bound()),
        number_rules in prop::collection::vec((prop::option::of(bound()), prop::option::of(bound())), 0..4),
        exclusive in prop::collection::vec(prop::bool::weighted(0.2), 2..7),
        several_rules in prop::collection::vec((any::<u8>(), any::<u8>(), any::<u8>()), 0..4),
    ) {
        let text = rule_set(range, &number_rules, &exclusive, &several_rules);
        let rules = match load(&text) {
            Ok(rules) => rules,
            Err(e) => return Err(TestCaseError::fail(format!("{e}\n{text}"))),
        };
        let analysis = analyse(&rules).unwrap();
        prop_assert!(analysis.combinations > 0, "{text}");
        let space = AnswerSpace::new(&rules).unwrap();
        prop_assert!(!space.is_empty());
        prop_assert_eq!(space.iter(&rules).count(), space.len());
        // The count, independently: 2 warning-sign answers (the sign, or
        // none), every non-empty set of the non-exclusive options or one
        // exclusive option alone, and between 1 and 2k + 1 bands of numbers
        // for k rules on the number question.
        let exclusive_count = exclusive.iter().filter(|e| **e).count();
        let shared = exclusive.len() - exclusive_count;
        let several = (1usize << shared) - 1 + exclusive_count;
        let fixed = 2 * several;
        prop_assert_eq!(analysis.combinations % fixed, 0, "{}", text);
        let bands = analysis.combinations / fixed;
        prop_assert!(bands >= 1 && bands <= 2 * number_rules.len() + 1, "{bands} bands: {text}");
        // Every number rule covers at least one band, so it fires.
        for (i, rule) in rules.rules.iter().enumerate() {
            if rule.id.starts_with('n') {
                prop_assert!(!analysis.never_fire.contains(&i), "{} never fires: {}", rule.id, text);
            }
        }
    }
}
