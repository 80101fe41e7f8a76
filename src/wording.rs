//! Guard rails on the words of a rule set: every string a person reads,
//! the verdict and promise words none of them may use, the attribution a
//! clinic's claim needs, and the reading level of patient-facing text.
//!
//! The rules here are English, like `rules check` itself: they guard the
//! built-in rule set and any rule set a clinic writes in English.

use std::ops::Range;

use crate::level::Level;
use crate::ruleset::{Location, RuleSet, SourceKind, fill};
use crate::sanitize;

/// Words and phrases no message or label may use: a screen must not give a
/// verdict ("candidate", "eligible", "approved") or a promise ("cure",
/// "guaranteed", "risk-free", "safe and effective", "regenerate").
/// "approved" is allowed in text that cites a regulator, which is how the
/// regulatory sentence and the question about approval are written.
const BANNED_WORDS: [&str; 15] = [
    "candidate",
    "candidates",
    "candidacy",
    "eligible",
    "eligibility",
    "approved",
    "cure",
    "cures",
    "cured",
    "curing",
    "curative",
    "curable",
    "regenerate",
    "regenerates",
    "regenerated",
];
const BANNED_PREFIXES: [&str; 1] = ["guarantee"];
/// Phrases, as they read once white space runs are one space and every
/// hyphen-like character is `-`.
const BANNED_PHRASES: [&str; 3] = ["risk-free", "risk free", "safe and effective"];
/// A part of every banned word, prefix and phrase once its spaces and
/// hyphens are taken out (a unit test checks it).
const STEMS: [&str; 10] = [
    "candida",
    "eligib",
    "approved",
    "cure",
    "curing",
    "curab",
    "curativ",
    "regenerate",
    "guarantee",
    "riskfree",
];
/// The stem of "safe and effective" (spaces and hyphens out).
const PHRASE_STEM: &str = "safeandeffective";

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
        if let Some(action) = &rule.action {
            texts.push(("action", action.clone()));
        }
        if let Some(reason) = &rule.reason {
            texts.push(("reason", reason.clone()));
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
    for claim in &rules.claims {
        for (part, text, cited) in [
            ("topic", &claim.topic, &claim.promise_citations),
            ("promise", &claim.promise, &claim.promise_citations),
            ("evidence", &claim.evidence, &claim.evidence_citations),
        ]
        .into_iter()
        .chain(
            claim
                .brief
                .as_ref()
                .map(|brief| ("brief", brief, &claim.promise_citations)),
        ) {
            out.push(Readable {
                what: format!("claim `{}` {part}", claim.id),
                text: text.clone(),
                rule: None,
                location: Some(&claim.origin),
                cites_regulator: regulator(cited),
                patient_facing: true,
            });
        }
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

/// `text` as a person reads it, for the guard rails: the sanitizing policy
/// applied (controls and invisible characters gone, a tab a space), every
/// run of white space (line breaks, no-break and other Unicode spaces) one
/// space, fullwidth ASCII forms (U+FF01–U+FF5E) folded to ASCII, every
/// hyphen-like character (U+2010–U+2015, U+2212, U+00AD) a `-`, and lower
/// case. With `origin`, the byte range in `text` each byte of the result
/// comes from (a run of white space maps to the whole run).
fn reading_form(text: &str, mut origin: Option<&mut Vec<(usize, usize)>>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_space = false;
    for (i, c) in text.char_indices() {
        let end = i + c.len_utf8();
        let c = match c {
            '\t' | '\u{2028}' | '\u{2029}' => ' ',
            // The soft hyphen is removed by the policy, so it never shows.
            c if sanitize::is_unsafe(c) => continue,
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(u32::from(c) - 0xfee0).unwrap_or(c),
            '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
            c => c,
        };
        if c.is_whitespace() {
            if in_space {
                if let Some(last) = origin.as_deref_mut().and_then(|o| o.last_mut()) {
                    last.1 = end;
                }
                continue;
            }
            in_space = true;
            out.push(' ');
            if let Some(o) = origin.as_deref_mut() {
                o.push((i, end));
            }
            continue;
        }
        in_space = false;
        for lower in c.to_lowercase() {
            out.push(lower);
            if let Some(o) = origin.as_deref_mut() {
                o.extend(std::iter::repeat_n((i, end), lower.len_utf8()));
            }
        }
    }
    out
}

/// `word` as it is compared with the banned words: each letter's
/// compatibility decomposition without its marks (`é` → `e`, `ụ` → `u`,
/// the `İ` of `ELİGİBLE` → `i`, `ﬁ` → `fi`); the Latin letters with no
/// decomposition that read as ASCII ones (`ı` `ł` `ø` `đ` `ǀ`) as those;
/// and, in a word with a letter in it, the digits that stand in for letters
/// (`0` `3` `4` `5` `7` as `o` `e` `a` `s` `t`, and `1` as `one`: `l` or
/// `i`, both are tried). Used for comparing only: the mixed-alphabet check
/// reads the letters as written.
fn folded(word: &str, one: char) -> String {
    use unicode_normalization::UnicodeNormalization;
    let lettered = word.chars().any(|c| c.is_alphabetic());
    word.nfkd()
        .filter(|&c| !unicode_normalization::char::is_combining_mark(c))
        .map(|c| match c {
            'ı' => 'i',
            'ł' => 'l',
            'ø' => 'o',
            'đ' => 'd',
            'ǀ' => 'l',
            '0' if lettered => 'o',
            '1' if lettered => one,
            '3' if lettered => 'e',
            '4' if lettered => 'a',
            '5' if lettered => 's',
            '7' if lettered => 't',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// The forms of `word` (in reading form) compared with the banned words:
/// the word itself where it is ASCII without a digit (most text, so no
/// decomposition is done on loading); else [`folded`], twice when a `1`
/// may stand for `l` or `i`.
fn foldings(word: &str) -> Vec<String> {
    if word.is_ascii() && !word.bytes().any(|b| b.is_ascii_digit()) {
        return vec![word.to_owned()];
    }
    let mut forms = vec![folded(word, 'l')];
    if word.contains('1') {
        forms.push(folded(word, 'i'));
    }
    forms
}

/// `text` as the guard rails read it (see [`reading_form`]), trimmed: for
/// comparing labels.
pub fn reading(text: &str) -> String {
    reading_form(text, None).trim().to_owned()
}

/// A problem the guard rails find in a word or phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// A verdict or promise word or phrase (as listed).
    Banned(&'static str),
    /// A word that mixes Latin letters with another alphabet's, or uses
    /// unusual Latin letters; the odd letters (those that are not Latin, or
    /// the unusual ones).
    MixedScript(Vec<char>),
}

/// Every finding in `text`, in order, with its byte range in `text`, on
/// the text as a person reads it (see [`reading_form`]): whole words, each
/// word also split at its hyphens and with its hyphens taken out
/// ("cure-all", "re-generate"), "guarantee" also catching "guaranteed",
/// phrases as read, in any case; and words that mix alphabets.
pub fn findings(text: &str, allow_approved: bool) -> Vec<(Finding, Range<usize>)> {
    let read = reading_form(text, None);
    // Most text has nothing: a substring search for what every banned word
    // and phrase contains is far cheaper than splitting into words, and
    // loading checks every string of a rule set. Only text with a letter
    // outside ASCII can mix alphabets.
    // The stems are looked for as the words are compared: folded (accents
    // off, digits as the letters they stand in for, see [`folded`]).
    let stems = foldings(&read).into_iter().any(|form| {
        let compact: String = form.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
        STEMS.iter().any(|stem| compact.contains(stem)) || compact.contains(PHRASE_STEM)
    });
    let letters = read.chars().any(|c| !c.is_ascii() && c.is_alphabetic());
    if !stems && !letters {
        return Vec::new();
    }
    let mut origin = Vec::with_capacity(read.len());
    let read = reading_form(text, Some(&mut origin));
    let back = |r: Range<usize>| origin[r.start].0..origin[r.end - 1].1;
    let mut found = Vec::new();
    let banned = |word: &str| {
        foldings(word).into_iter().find_map(|word| {
            BANNED_WORDS
                .into_iter()
                .filter(|w| !(allow_approved && *w == "approved"))
                .find(|w| *w == word)
                .or_else(|| BANNED_PREFIXES.into_iter().find(|p| word.starts_with(p)))
        })
    };
    let mut start = None;
    // A combining mark belongs to the letter before it (`İ` reads as `i`
    // and a dot): it never splits a word.
    let separator = |c: char| {
        !c.is_alphanumeric() && c != '-' && !unicode_normalization::char::is_combining_mark(c)
    };
    for (i, c) in read.char_indices().chain([(read.len(), ' ')]) {
        match (separator(c), start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                start = None;
                let word = &read[s..i];
                if word.trim_matches('-').is_empty() {
                    continue;
                }
                if letters && let Some(odd) = mixed_script(word) {
                    found.push((Finding::MixedScript(odd), back(s..i)));
                }
                if !stems {
                    continue;
                }
                if let Some(b) = banned(word) {
                    found.push((Finding::Banned(b), back(s..i)));
                    continue;
                }
                if !word.contains('-') {
                    continue;
                }
                let before = found.len();
                let mut at = s;
                for part in word.split('-') {
                    if let Some(b) = banned(part) {
                        found.push((Finding::Banned(b), back(at..at + part.len())));
                    }
                    at += part.len() + 1;
                }
                if found.len() == before {
                    let joined: String = word.chars().filter(|&c| c != '-').collect();
                    if let Some(b) = banned(&joined) {
                        found.push((Finding::Banned(b), back(s..i)));
                    }
                }
            }
            _ => {}
        }
    }
    if stems {
        for phrase in BANNED_PHRASES {
            found.extend(
                read.match_indices(phrase)
                    .map(|(i, _)| (Finding::Banned(phrase), back(i..i + phrase.len()))),
            );
        }
    }
    found.sort_by_key(|(_, range)| range.start);
    found
}

/// Every use of a banned word or phrase in `text`, in order, as the word
/// (or phrase) and its byte range in `text` (see [`findings`]).
pub fn banned_words(text: &str, allow_approved: bool) -> Vec<(&'static str, Range<usize>)> {
    findings(text, allow_approved)
        .into_iter()
        .filter_map(|(finding, range)| match finding {
            Finding::Banned(word) => Some((word, range)),
            Finding::MixedScript(_) => None,
        })
        .collect()
}

/// The alphabet a letter belongs to, as far as a reader can confuse it
/// with Latin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Script {
    /// Not a letter, or a letter any alphabet uses (marks, the micro sign).
    Neutral,
    /// ASCII letters, Latin-1, Latin Extended-A and -B, Latin Extended
    /// Additional: the letters of ordinary Latin-script text.
    Latin,
    /// Latin letters outside those: small capitals, IPA, modifier and
    /// subscript letters, letterlike symbols, enclosed and mathematical
    /// letters. They look like ordinary letters and are there to fool.
    UnusualLatin,
    /// An alphabet with letters that look like Latin ones (Greek,
    /// Cyrillic, Armenian, Cherokee, Coptic, Lisu), by number.
    Lookalike(u8),
    /// Any other writing system (CJK, Arabic, Hebrew, Indic...): mixing
    /// it with Latin in one word (Japanese has no spaces) fools no one.
    Other,
}

fn script(c: char) -> Script {
    if c.is_ascii_alphabetic() {
        return Script::Latin;
    }
    if !c.is_alphabetic() {
        return Script::Neutral;
    }
    match u32::from(c) {
        0xb5 | 0x300..=0x36f => Script::Neutral,
        0xaa | 0xba | 0xc0..=0x24f | 0x1e00..=0x1eff => Script::Latin,
        0x250..=0x2ff
        | 0x1d00..=0x1dbf
        | 0x2070..=0x209f
        | 0x2100..=0x214f
        | 0x2460..=0x24ff
        | 0x2c60..=0x2c7f
        | 0xa720..=0xa7ff
        | 0xab30..=0xab6f
        | 0x10780..=0x107bf
        | 0x1d400..=0x1d7ff
        | 0x1df00..=0x1dfff
        | 0x1f100..=0x1f1ff => Script::UnusualLatin,
        0x370..=0x3ff | 0x1f00..=0x1fff => Script::Lookalike(1),
        0x400..=0x52f | 0x1c80..=0x1c8f | 0x2de0..=0x2dff | 0xa640..=0xa69f => Script::Lookalike(2),
        0x530..=0x58f => Script::Lookalike(3),
        0x13a0..=0x13ff | 0xab70..=0xabbf => Script::Lookalike(4),
        0x2c80..=0x2cff => Script::Lookalike(5),
        0xa4d0..=0xa4ff => Script::Lookalike(6),
        _ => Script::Other,
    }
}

/// For a word that mixes Latin with a look-alike alphabet (or two
/// look-alike alphabets), or has an unusual Latin letter: the odd letters.
/// A word wholly in one alphabet (a translation) is fine.
fn mixed_script(word: &str) -> Option<Vec<char>> {
    let mut latin = false;
    let mut lookalike: Option<u8> = None;
    let mut mixed = false;
    let mut unusual = false;
    for c in word.chars() {
        match script(c) {
            Script::Latin => latin = true,
            Script::UnusualLatin => unusual = true,
            Script::Lookalike(n) => {
                mixed |= lookalike.is_some_and(|m| m != n);
                lookalike = Some(n);
            }
            Script::Neutral | Script::Other => {}
        }
    }
    if !(unusual || mixed || (latin && lookalike.is_some())) {
        return None;
    }
    // The letters that are not ordinary Latin, each once.
    let mut odd: Vec<char> = Vec::new();
    for c in word.chars() {
        if matches!(script(c), Script::UnusualLatin | Script::Lookalike(_)) && !odd.contains(&c) {
            odd.push(c);
        }
    }
    Some(odd)
}

/// Which of a rule's texts does not attribute its claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unattributed {
    /// The `message`.
    Message,
    /// The `reason`, which the short summary shows without the message.
    Reason,
}

impl std::fmt::Display for Unattributed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Unattributed::Message => "message",
            Unattributed::Reason => "reason",
        })
    }
}

/// The `may-be-suitable` rules that cite only clinic marketing and do not
/// attribute the claim ("The Defiage blog post says ...") in their message
/// or their reason, by index, with `"message"` or `"reason"`.
pub fn unattributed_passes(rules: &RuleSet) -> Vec<(usize, Unattributed)> {
    (0..rules.rules.len())
        .filter_map(|i| {
            let rule = &rules.rules[i];
            if rule.level != Level::MayBeSuitable {
                return None;
            }
            let clinic_only = rule
                .citations
                .iter()
                .all(|c| rules.sources[c.source].kind == SourceKind::ClinicMarketing);
            // The reason stands alone in the short summary, so it
            // attributes the claim too.
            let attributed = |words: &str| {
                let words = words.to_lowercase();
                rule.citations.iter().any(|c| {
                    let name = &rules.sources[c.source].name;
                    words.contains(
                        &fill(&rules.text.attribution, &[("source", name)]).to_lowercase(),
                    )
                })
            };
            if !clinic_only {
                None
            } else if !attributed(&rule.message) {
                Some((i, Unattributed::Message))
            } else if !attributed(rule.reason()) {
                Some((i, Unattributed::Reason))
            } else {
                None
            }
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
    fn banned_words_are_found_under_accents_capitals_with_dots_and_digits() {
        let first = |text: &str| banned_words(text, false).first().map(|(w, _)| *w);
        // Each hides a banned word from a plain comparison (found by an
        // attack on the guard rails).
        for (text, word) in [
            ("You are \u{1}ELİGİBLE now", "eligible"),
            ("You are eli\u{301}gible", "eligible"),
            ("You are eliǵible", "eligible"),
            ("A cüre for it", "cure"),
            ("A cụrẹ for it", "cure"),
            ("You are eǀigibǀe", "eligible"),
            ("You are elıgible", "eligible"),
            ("A good candıdate", "candidate"),
            ("You are eligib1e", "eligible"),
            ("A good cand1date", "candidate"),
            ("It is appr0ved", "approved"),
            ("A cur3 for it", "cure"),
            ("A good c4ndidate", "candidate"),
            ("It cure5 knees", "cures"),
            ("A good candida7e", "candidate"),
            ("A ﬁne cure", "cure"),
        ] {
            assert_eq!(first(text), Some(word), "{text}");
        }
        // Digits stand in for letters only in a word with a letter in it:
        // a number stays a number.
        for one in ['l', 'i'] {
            assert_eq!(folded("2018-1990", one), "2018-1990");
            assert_eq!(folded("0134 57", one), "0134 57");
            assert_eq!(folded("x0134 57", one), format!("xo{one}ea st"));
        }
        // Digits alone, and words that only look alike, are not words.
        for text in ["In 2018 and 1990", "A curve, a secure cut", "NCT03130335"] {
            assert_eq!(first(text), None, "{text}");
        }
    }

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
            let compact: String = banned.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
            assert!(
                STEMS.iter().any(|s| compact.contains(s)) || compact.contains(PHRASE_STEM),
                "{banned}"
            );
        }
    }

    /// What a person reads, not how it is written: controls, invisible
    /// characters, white space runs, fullwidth letters, hyphen-like
    /// characters and hyphenated forms do not hide a banned word.
    #[test]
    fn banned_words_are_found_in_the_text_as_read() {
        let first = |text: &str| banned_words(text, false).first().map(|(w, _)| *w);
        for (text, word) in [
            ("You are e\u{0}ligible.", "eligible"),
            ("It is safe\tand effective.", "safe and effective"),
            ("It is risk\u{7}-free.", "risk-free"),
            ("safe\nand effective", "safe and effective"),
            ("safe  and \u{a0}effective", "safe and effective"),
            ("safe\u{2028}and\u{3000}effective", "safe and effective"),
            ("candi\u{ad}date", "candidate"),
            ("cand\u{200b}idate", "candidate"),
            ("cand\u{2060}idate", "candidate"),
            ("cand\u{feff}idate", "candidate"),
            ("cand\u{34f}idate", "candidate"),
            ("cand\u{e0061}idate", "candidate"),
            ("cu\u{fe0f}re", "cure"),
            ("eli\u{3164}gible", "eligible"),
            ("\u{ff23}ure", "cure"),
            ("ＥＬＩＧＩＢＬＥ", "eligible"),
            ("a cure-all", "cure"),
            ("pre-approved", "approved"),
            ("re-generate", "regenerate"),
            ("re\u{2010}generate", "regenerate"),
            ("a curative treatment", "curative"),
            ("curing, curable, cured, cures", "curing"),
            ("risk free", "risk free"),
            ("risk\u{2011}free", "risk-free"),
            ("risk\u{2212}free", "risk-free"),
        ] {
            assert_eq!(first(text), Some(word), "{text:?}");
        }
        // The place is in the text as written, whatever was folded.
        let text = "It is Safe \t\n And\u{200b} effective, cure-all.";
        let found: Vec<(&str, &str)> = banned_words(text, false)
            .into_iter()
            .map(|(word, range)| (word, &text[range]))
            .collect();
        assert_eq!(
            found,
            [
                ("safe and effective", "Safe \t\n And\u{200b} effective"),
                ("cure", "cure"),
            ]
        );
        // Ordinary words that share letters stay allowed.
        for text in [
            "secure, accurate, procured, a curator",
            "joint regeneration",
            "risky, free of charge",
            "safe, and effective only for some",
            "a well-known pre-op check",
        ] {
            assert_eq!(first(text), None, "{text}");
        }
    }

    #[test]
    fn words_that_mix_alphabets_are_found_and_translations_are_not() {
        let mixed = |text: &str| {
            findings(text, false)
                .into_iter()
                .filter_map(|(f, r)| match f {
                    Finding::MixedScript(odd) => Some((text[r].to_owned(), odd)),
                    Finding::Banned(_) => None,
                })
                .collect::<Vec<_>>()
        };
        for (text, word, odd) in [
            (
                "You are a \u{441}andidate.",
                "\u{441}andidate",
                vec!['\u{441}'],
            ),
            ("a \u{1d04}ure", "\u{1d04}ure", vec!['\u{1d04}']),
            ("\u{1d41c}ure", "\u{1d41c}ure", vec!['\u{1d41c}']),
            ("\u{3b1}pproved", "\u{3b1}pproved", vec!['\u{3b1}']),
            // Greek and Cyrillic in one word.
            (
                "\u{3b1}\u{431}",
                "\u{3b1}\u{431}",
                vec!['\u{3b1}', '\u{431}'],
            ),
        ] {
            assert_eq!(mixed(text), [(word.to_owned(), odd)], "{text:?}");
        }
        for text in [
            "Вы можете обсудить это с врачом.",
            "Μιλήστε με τον γιατρό σας.",
            "Café, naïve, Ünïcödé, Łódź, façade",
            "膝の痛みについてMRIで",
            "10 µg, 5 °C",
            "plain English",
        ] {
            assert_eq!(mixed(text), [], "{text}");
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
