//! Guard rails on the words of a rule set: every string a person reads,
//! the verdict and promise words none of them may use, the attribution a
//! clinic's claim needs, and the reading level of patient-facing text.
//!
//! The rules here are English, like `rules check` itself: they guard the
//! built-in rule set and any rule set a clinic writes in English.

use std::ops::Range;

use crate::level::Level;
use crate::ruleset::{Location, RuleSet, SourceKind, fill};

/// Words and phrases no message or label may use: a screen must not give a
/// verdict ("candidate", "eligible", "approved") or a promise ("cure",
/// "guaranteed", "risk-free", "safe and effective", "regenerate").
/// "approved" is allowed in text that cites a regulator, which is how the
/// regulatory sentence and the question about approval are written.
const BANNED_WORDS: [&str; 11] = [
    "candidate",
    "candidates",
    "candidacy",
    "eligible",
    "eligibility",
    "approved",
    "cure",
    "cures",
    "cured",
    "regenerate",
    "regenerates",
];
const BANNED_PREFIXES: [&str; 1] = ["guarantee"];
const BANNED_PHRASES: [&str; 2] = ["risk-free", "safe and effective"];
/// A part of every banned word, prefix and phrase (a unit test checks it).
const STEMS: [&str; 8] = [
    "candida",
    "eligib",
    "approved",
    "cure",
    "regenerate",
    "guarantee",
    "risk-free",
    "safe and",
];

/// The highest US school grade, by the Flesch-Kincaid formula, that
/// patient-facing text may read at.
pub const MAX_GRADE: f64 = 8.0;

/// Text entries shorter than this many words are headings or labels.
const LABEL_WORDS: usize = 5;

/// One string of a rule set that a person reads.
#[derive(Debug, Clone)]
pub struct Readable<'a> {
    /// What it is, for messages: "rule `fever` message".
    pub what: String,
    /// The text.
    pub text: String,
    /// The rule it belongs to, if any (index into `rules.rules`).
    pub rule: Option<usize>,
    /// Where it is written, when known.
    pub location: Option<&'a Location>,
    /// Whether it cites a regulator (which allows "approved").
    pub cites_regulator: bool,
    /// Whether the person screened reads it (not only intake staff or rule
    /// authors); these must pass the reading-level bound.
    pub patient_facing: bool,
}

/// Every string a person reads in `rules`, except quotes (the sources' own
/// words) and source titles. A question is one passage: its prompt, help
/// and option labels, read together as the person reads them.
pub fn readable(rules: &RuleSet) -> Vec<Readable<'_>> {
    let mut out = Vec::new();
    let mut push = |what: String, text: String, patient_facing: bool| {
        out.push(Readable {
            what,
            text,
            rule: None,
            location: None,
            cites_regulator: false,
            patient_facing,
        });
    };
    push(
        "the disclaimer".to_owned(),
        rules.meta.disclaimer.clone(),
        true,
    );
    for question in &rules.questions {
        let mut passage = vec![question.prompt.clone(), question.help.clone()];
        passage.extend(question.options().iter().map(|o| sentence(&o.label)));
        push(
            format!("question `{}`", question.id),
            passage.join(" "),
            true,
        );
    }
    for level in Level::ALL {
        let words = rules.levels.get(level);
        push(
            format!("level `{level}`"),
            format!("{} {}", sentence(&words.label), words.explanation),
            true,
        );
    }
    // Headings and column names are too short for a reading-level formula
    // on their own, so they are read as one passage, a sentence each.
    let mut labels = Vec::new();
    for (key, text, patient_facing) in rules.text.entries() {
        if patient_facing && text.split_whitespace().count() < LABEL_WORDS {
            labels.push(sentence(&text));
        } else {
            push(format!("text `{key}`"), text, patient_facing);
        }
    }
    push(
        "the summary's headings and labels".to_owned(),
        labels.join(" "),
        true,
    );
    let regulator = |citations: &[crate::ruleset::Citation]| {
        citations
            .iter()
            .any(|c| rules.sources[c.source].kind == SourceKind::Regulator)
    };
    for (index, rule) in rules.rules.iter().enumerate() {
        let mut texts = vec![("message", rule.message.clone())];
        if let Some(topic) = &rule.conflict {
            texts.push(("conflict", topic.clone()));
        }
        for (part, text) in texts {
            out.push(Readable {
                what: format!("rule `{}` {part}", rule.id),
                text,
                rule: Some(index),
                location: Some(&rule.origin),
                cites_regulator: regulator(&rule.citations),
                patient_facing: true,
            });
        }
    }
    for advice in &rules.before_you_book {
        out.push(Readable {
            what: format!("before_you_book `{}`", advice.id),
            text: advice.text.clone(),
            rule: None,
            location: Some(&advice.origin),
            cites_regulator: regulator(&advice.citations),
            patient_facing: true,
        });
    }
    out
}

/// A label read as a sentence of its own.
fn sentence(label: &str) -> String {
    let label = label.trim();
    if label.ends_with(['.', '?', '!']) {
        label.to_owned()
    } else {
        format!("{label}.")
    }
}

/// Every use of a banned word or phrase in `text`, in order, as the word
/// (or phrase) and its byte range in `text`: whole words (with "guarantee"
/// also catching "guaranteed"), and phrases as written, in any case.
pub fn banned_words(text: &str, allow_approved: bool) -> Vec<(&'static str, Range<usize>)> {
    // ASCII lower case keeps every byte offset, and every banned word is
    // ASCII.
    let lower = text.to_ascii_lowercase();
    // Most text uses none: a substring search for what every banned word
    // and phrase contains is far cheaper than splitting into words, and
    // loading checks every string of a rule set.
    if !STEMS.iter().any(|stem| lower.contains(stem)) {
        return Vec::new();
    }
    let mut found = Vec::new();
    let mut start = None;
    let separator = |c: char| !c.is_alphanumeric() && c != '-';
    for (i, c) in lower.char_indices().chain([(lower.len(), ' ')]) {
        match (separator(c), start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                start = None;
                let word = &lower[s..i];
                let banned = BANNED_WORDS
                    .into_iter()
                    .filter(|w| !(allow_approved && *w == "approved"))
                    .find(|w| *w == word)
                    .or_else(|| BANNED_PREFIXES.into_iter().find(|p| word.starts_with(p)));
                if let Some(banned) = banned {
                    found.push((banned, s..i));
                }
            }
            _ => {}
        }
    }
    for phrase in BANNED_PHRASES {
        found.extend(
            lower
                .match_indices(phrase)
                .map(|(i, _)| (phrase, i..i + phrase.len())),
        );
    }
    found.sort_by_key(|(_, range)| range.start);
    found
}

/// The `may-be-suitable` rules that cite only clinic marketing and do not
/// attribute the claim ("The Defiage blog post says ..."), by index.
pub fn unattributed_passes(rules: &RuleSet) -> Vec<usize> {
    (0..rules.rules.len())
        .filter(|&i| {
            let rule = &rules.rules[i];
            if rule.level != Level::MayBeSuitable {
                return false;
            }
            let clinic_only = rule
                .citations
                .iter()
                .all(|c| rules.sources[c.source].kind == SourceKind::ClinicMarketing);
            let message = rule.message.to_lowercase();
            let attributed = rule.citations.iter().any(|c| {
                let name = &rules.sources[c.source].name;
                message.contains(&fill(&rules.text.attribution, &[("source", name)]).to_lowercase())
            });
            clinic_only && !attributed
        })
        .collect()
}

/// The US school grade `text` reads at by the Flesch-Kincaid formula:
/// 0.39 × words per sentence + 11.8 × syllables per word − 15.59.
/// Placeholders such as `{answer}` are left out; syllables are counted by
/// the usual vowel-group rule, which is close but not exact.
pub fn grade_level(text: &str) -> f64 {
    let mut words = 0usize;
    let mut syllables = 0usize;
    let mut sentences = 0usize;
    for token in text.split_whitespace() {
        if token.starts_with('{') {
            continue;
        }
        if token.ends_with(['.', '?', '!', ':']) {
            sentences += 1;
        }
        let letters: String = token
            .chars()
            .filter(|c| c.is_alphabetic() || *c == '-')
            .collect();
        if letters.chars().any(char::is_alphabetic) {
            words += 1;
            syllables += letters.split('-').map(syllable_count).sum::<usize>();
        } else if token.chars().any(|c| c.is_ascii_digit()) {
            words += 1;
            syllables += 1;
        }
    }
    if words == 0 {
        return 0.0;
    }
    let sentences = sentences.max(1) as f64;
    let words_f = words as f64;
    0.39 * (words_f / sentences) + 11.8 * (syllables as f64 / words_f) - 15.59
}

/// Syllables in one word, by vowel groups, with a silent final `e` and the
/// `-ed` / `-es` endings that add none.
fn syllable_count(word: &str) -> usize {
    let mut w: String = word
        .chars()
        .filter(char::is_ascii_alphabetic)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if w.is_empty() {
        return 0;
    }
    if w.len() <= 3 {
        return 1;
    }
    let silent_ed = w.ends_with("ed") && !w.ends_with("ted") && !w.ends_with("ded");
    let silent_es = w.ends_with("es") && !w.ends_with("ses") && !w.ends_with("ces");
    if silent_ed || silent_es {
        w.truncate(w.len() - 2);
    } else if w.ends_with('e') && !w.ends_with("le") {
        w.truncate(w.len() - 1);
    }
    let mut count = 0;
    let mut in_vowels = false;
    for c in w.chars() {
        let vowel = "aeiouy".contains(c);
        if vowel && !in_vowels {
            count += 1;
        }
        in_vowels = vowel;
    }
    count.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn banned_words_are_whole_words_and_approved_is_allowed_only_where_said() {
        let first = |text: &str, allow: bool| banned_words(text, allow).first().map(|(w, _)| *w);
        assert_eq!(first("You are a Candidate.", false), Some("candidate"));
        assert_eq!(first("Results are guaranteed", false), Some("guarantee"));
        assert_eq!(
            first("It is safe and effective", false),
            Some("safe and effective")
        );
        assert_eq!(
            first("It will regenerate your knee", false),
            Some("regenerate")
        );
        assert_eq!(first("a secure, accurate procedure", false), None);
        assert_eq!(first("joint regeneration", false), None);
        assert_eq!(first("not approved", false), Some("approved"));
        assert_eq!(first("not approved", true), None);
        assert_eq!(first("an approved cure", true), Some("cure"));
    }

    #[test]
    fn every_banned_word_prefix_and_phrase_contains_a_stem() {
        for banned in BANNED_WORDS
            .iter()
            .chain(&BANNED_PREFIXES)
            .chain(&BANNED_PHRASES)
        {
            assert!(STEMS.iter().any(|s| banned.contains(s)), "{banned}");
        }
    }

    #[test]
    fn every_banned_word_of_a_string_is_found_with_its_place() {
        let text = "You are an ELIGIBLE candidate; the cure is Risk-free, a cure.";
        let found: Vec<(&str, &str)> = banned_words(text, false)
            .into_iter()
            .map(|(word, range)| (word, &text[range]))
            .collect();
        assert_eq!(
            found,
            [
                ("eligible", "ELIGIBLE"),
                ("candidate", "candidate"),
                ("cure", "cure"),
                ("risk-free", "Risk-free"),
                ("cure", "cure"),
            ]
        );
        // Offsets stay right after text that is not ASCII.
        let text = "Ünïcödé — cure";
        let found = banned_words(text, false);
        assert_eq!(found.len(), 1);
        assert_eq!(&text[found[0].1.clone()], "cure");
    }

    #[test]
    fn syllables_follow_the_vowel_groups() {
        for (word, n) in [
            ("the", 1),
            ("knee", 1),
            ("arthritis", 3),
            ("therapy", 3),
            ("injected", 3),
            ("asked", 1),
            ("bone", 1),
            ("table", 2),
            ("evaluation", 4), // e-val-u-a-tion is 5; vowel groups say 4
        ] {
            assert_eq!(syllable_count(word), n, "{word}");
        }
    }

    #[test]
    fn grade_level_rises_with_long_words_and_long_sentences() {
        let plain = grade_level("See a doctor today. Do not wait.");
        let dense = grade_level(
            "Consultation with a qualified musculoskeletal specialist regarding \
             regenerative interventions is recommended prior to scheduling.",
        );
        assert!(plain < 2.0, "{plain}");
        assert!(dense > 16.0, "{dense}");
        // 14 words, one sentence, 16 syllables (pine-ap-ple is three).
        let example = grade_level("The cat sat on the mat and then it ate a big ripe pineapple.");
        assert!((example - grade_level_by_hand(14, 1, 16)).abs() < 1e-9);
        assert_eq!(grade_level(""), 0.0);
        assert_eq!(grade_level("{answer}"), 0.0);
    }

    fn grade_level_by_hand(words: usize, sentences: usize, syllables: usize) -> f64 {
        0.39 * (words as f64 / sentences as f64) + 11.8 * (syllables as f64 / words as f64) - 15.59
    }

    #[test]
    fn every_patient_facing_string_of_the_built_in_rules_is_listed() {
        let rules = RuleSet::embedded().unwrap();
        let all = readable(&rules);
        let rules_listed = all.iter().filter(|r| r.rule.is_some()).count();
        assert!(rules_listed >= rules.rules.len());
        assert!(
            all.iter()
                .any(|r| r.what == "question `warning_signs`" && r.text.contains("None of these."))
        );
        assert!(all.iter().any(|r| r.what == "the disclaimer"));
        assert!(all.iter().any(|r| r.what.starts_with("before_you_book")));
        assert!(
            all.iter()
                .any(|r| r.what == "text `explain_heading`" && !r.patient_facing)
        );
        let labels = all
            .iter()
            .find(|r| r.what == "the summary's headings and labels")
            .unwrap();
        assert!(labels.text.contains("Before you book."), "{}", labels.text);
    }
}
