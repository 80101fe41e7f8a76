//! The guard rails, checked as a rule set loads so that no command can use
//! a rule set that breaks them: no verdict or promise word in any string a
//! person reads (every use reported, at its place), no clinic-only pass
//! without its attribution, and warning signs asked first, each of which
//! fires an `urgent-care` rule whatever the other answers.
//!
//! They run on the built rule set, with the places of its strings kept
//! while building; the places of `[text]` and `[levels]` entries, which are
//! parsed whole, are looked up again only when one of them is at fault.

use std::borrow::Cow;
use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::load::Builder;
use super::{OptionSet, QuestionKind, RuleSet, Test, fill};
use crate::answers::Value;
use crate::level::Level;
use crate::sanitize::sanitize;
use crate::wording::{self, Finding};

/// Where the strings of a rule set are written: file indices and byte
/// spans, in the same order as the rule set's lists.
#[derive(Debug, Default)]
pub(super) struct Places {
    pub disclaimer: Option<(usize, Range<usize>)>,
    /// The `[ruleset]` name.
    pub name: Option<(usize, Range<usize>)>,
    /// Each source's strings, in the order of the rule set's sources.
    pub sources: Vec<SourcePlace>,
    /// The file declaring `[text]`.
    pub text: Option<usize>,
    /// The file declaring `[levels]`.
    pub levels: Option<usize>,
    pub questions: Vec<QuestionPlace>,
    pub rules: Vec<RulePlace>,
    /// Each `before_you_book` entry's file and text.
    pub advice: Vec<(usize, Range<usize>)>,
    /// Each claim's strings.
    pub claims: Vec<ClaimPlace>,
}

/// Where a claim's strings are written.
#[derive(Debug)]
pub(super) struct ClaimPlace {
    pub file: usize,
    pub topic: Range<usize>,
    pub promise: Range<usize>,
    pub evidence: Range<usize>,
    pub brief: Option<Range<usize>>,
}

/// Where a question's strings are written.
#[derive(Debug)]
pub(super) struct QuestionPlace {
    pub file: usize,
    pub id: Range<usize>,
    pub prompt: Range<usize>,
    pub help: Range<usize>,
    pub options: Vec<OptionPlace>,
}

/// Where an option's id and label are written.
#[derive(Debug)]
pub(super) struct OptionPlace {
    pub id: Range<usize>,
    pub label: Range<usize>,
}

/// Where a source's name, title and publisher are written.
#[derive(Debug)]
pub(super) struct SourcePlace {
    pub file: usize,
    pub name: Range<usize>,
    pub title: Range<usize>,
    pub publisher: Range<usize>,
}

/// Where a rule's message and conflict topic are written.
#[derive(Debug)]
pub(super) struct RulePlace {
    pub file: usize,
    pub message: Range<usize>,
    pub conflict: Option<Range<usize>>,
    pub action: Option<Range<usize>>,
    pub reason: Option<Range<usize>>,
}

/// What a string is, for messages ("rule `fever` message"); put in words
/// only when the string is at fault.
enum What<'a> {
    Disclaimer,
    /// The `[ruleset]` name.
    Name,
    /// A source's id and part (`name`, `title`, `publisher`).
    Source(&'a str, &'static str),
    /// A question's id and part (`prompt`, `help`).
    Question(&'a str, &'static str),
    /// A question's id and an option's id.
    Label(&'a str, &'a str),
    /// A level and part (`label`, `explanation`).
    Level(Level, &'static str),
    /// A `[text]` key.
    Text(String),
    /// A rule's id and part (`message`, `conflict`).
    Rule(&'a str, &'static str),
    /// A `before_you_book` id.
    Advice(&'a str),
    /// A claim's id and the part (`topic`, `promise`, `evidence`).
    Claim(&'a str, &'static str),
}

impl std::fmt::Display for What<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            What::Disclaimer => write!(f, "the disclaimer"),
            What::Name => write!(f, "the [ruleset] name"),
            What::Source(id, part) => write!(f, "source `{id}` {part}"),
            What::Question(id, part) => write!(f, "question `{id}` {part}"),
            What::Label(id, option) => write!(f, "question `{id}` option `{option}` label"),
            What::Level(level, part) => write!(f, "level `{level}` {part}"),
            What::Text(key) => write!(f, "text `{key}`"),
            What::Rule(id, part) => write!(f, "rule `{id}` {part}"),
            What::Advice(id) => write!(f, "before_you_book `{id}`"),
            What::Claim(id, part) => write!(f, "claim `{id}` {part}"),
        }
    }
}

/// One string a person reads, with where it is written.
struct Written<'a> {
    what: What<'a>,
    text: Cow<'a, str>,
    /// The file and the span of the value, when known without a lookup.
    at: Option<(usize, Range<usize>)>,
    /// For `[text]` and `[levels]` entries: the file and the key path.
    path: Option<(usize, Vec<String>)>,
    allow_approved: bool,
}

/// The wording guard rails: every use of a verdict or promise word in
/// every string a person reads, and every clinic-only pass without its
/// attribution.
pub(super) fn wording(builder: &mut Builder<'_>, set: &RuleSet, places: &Places) {
    for written in strings(set, places) {
        let found = wording::findings(&written.text, written.allow_approved);
        if found.is_empty() {
            continue;
        }
        let at = written.at.clone().or_else(|| {
            let (file, path) = written.path.as_ref()?;
            let keys: Vec<&str> = path.iter().map(String::as_str).collect();
            Some((*file, value_span(&builder.file(*file).text, &keys)?))
        });
        // The n-th finding in the value is looked for as the n-th same
        // finding in the file's text, to point at the word itself; an
        // escape can hide it there, and then the value is pointed at.
        let raw_found = at.as_ref().map_or_else(Vec::new, |(file, span)| {
            builder
                .file(*file)
                .text
                .get(span.clone())
                .map_or_else(Vec::new, |raw| {
                    wording::findings(raw, written.allow_approved)
                })
        });
        for (n, (finding, range)) in found.iter().enumerate() {
            let nth = found[..n].iter().filter(|(f, _)| f == finding).count();
            let (kind, message) = match finding {
                Finding::Banned(word) => (
                    "banned-wording",
                    format!(
                        "{} uses “{word}”: a screen gives no verdict and makes no promise{}",
                        written.what,
                        if *word == "approved" {
                            " (“approved” is allowed only in text citing a regulator)"
                        } else {
                            ""
                        }
                    ),
                ),
                Finding::MixedScript(odd) => (
                    "mixed-script",
                    format!(
                        "{} has the word “{}”, which mixes Latin letters with look-alike letters \
                         of another alphabet or uses unusual Latin letters ({}): such a word can \
                         only be there to fool a reader or the check",
                        written.what,
                        crate::limits::shorten(&sanitize(
                            written.text.get(range.clone()).unwrap_or_default()
                        )),
                        odd.iter()
                            .map(|c| format!("U+{:04X}", u32::from(*c)))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ),
            };
            match &at {
                Some((file, span)) => {
                    let exact = raw_found
                        .iter()
                        .filter(|(f, _)| f == finding)
                        .nth(nth)
                        .map(|(_, r)| span.start + r.start..span.start + r.end);
                    let span = exact.unwrap_or_else(|| span.clone());
                    builder.error_of(kind, *file, span, message);
                }
                None => builder.general_of(kind, message),
            }
        }
    }
    level_labels(builder, set, places);
    level_actions(builder, set, places);
    for (i, field) in wording::unattributed_passes(set) {
        let example = fill(&set.text.attribution, &[("source", "the … page")]);
        let message = format!(
            "rule `{}` is may-be-suitable on clinic marketing alone, so its {field} must attribute the claim (“{example} …”)",
            set.rules[i].id
        );
        let place = &places.rules[i];
        let span = match field {
            wording::Unattributed::Reason => place.reason.clone(),
            wording::Unattributed::Message => None,
        };
        builder.error_of(
            "unattributed",
            place.file,
            span.unwrap_or_else(|| place.message.clone()),
            message,
        );
    }
}

/// Every string of `set` a person reads, one by one (the wording module's
/// `readable` joins some of them into passages for the reading level).
fn strings<'a>(set: &'a RuleSet, places: &Places) -> Vec<Written<'a>> {
    let mut out = Vec::new();
    let plain = |what: What<'a>, text: Cow<'a, str>, at: Option<(usize, Range<usize>)>| Written {
        what,
        text,
        at,
        path: None,
        allow_approved: false,
    };
    out.push(plain(
        What::Disclaimer,
        Cow::Borrowed(&set.meta.disclaimer),
        places.disclaimer.clone(),
    ));
    out.push(plain(
        What::Name,
        Cow::Borrowed(&set.meta.name),
        places.name.clone(),
    ));
    for (source, place) in set.sources.iter().zip(&places.sources) {
        // A regulator's own title may say what it has approved.
        let allow_approved = source.kind == super::SourceKind::Regulator;
        for (part, text, span) in [
            ("name", &source.name, &place.name),
            ("title", &source.title, &place.title),
            ("publisher", &source.publisher, &place.publisher),
        ] {
            out.push(Written {
                allow_approved,
                ..plain(
                    What::Source(&source.id, part),
                    Cow::Borrowed(text),
                    Some((place.file, span.clone())),
                )
            });
        }
    }
    for (question, place) in set.questions.iter().zip(&places.questions) {
        let id = &question.id;
        let at = |span: &Range<usize>| Some((place.file, span.clone()));
        out.push(plain(
            What::Question(id, "prompt"),
            Cow::Borrowed(&question.prompt),
            at(&place.prompt),
        ));
        out.push(plain(
            What::Question(id, "help"),
            Cow::Borrowed(&question.help),
            at(&place.help),
        ));
        for (option, option_place) in question.options().iter().zip(&place.options) {
            out.push(plain(
                What::Label(id, &option.id),
                Cow::Borrowed(&option.label),
                at(&option_place.label),
            ));
        }
    }
    for level in Level::ALL {
        let words = set.levels.get(level);
        for (part, text) in [
            ("label", &words.label),
            ("explanation", &words.explanation),
            ("action", &words.action),
        ] {
            out.push(Written {
                path: places
                    .levels
                    .map(|file| (file, vec!["levels".into(), level.to_string(), part.into()])),
                ..plain(What::Level(level, part), Cow::Borrowed(text), None)
            });
        }
    }
    for (key, text, _) in set.text.entries() {
        out.push(Written {
            path: places
                .text
                .map(|file| (file, vec!["text".into(), key.clone()])),
            ..plain(What::Text(key.clone()), Cow::Owned(text), None)
        });
    }
    let cites_regulator = |citations: &[super::Citation]| {
        citations
            .iter()
            .any(|c| set.sources[c.source].kind == super::SourceKind::Regulator)
    };
    for (rule, place) in set.rules.iter().zip(&places.rules) {
        let allow_approved = cites_regulator(&rule.citations);
        out.push(Written {
            allow_approved,
            ..plain(
                What::Rule(&rule.id, "message"),
                Cow::Borrowed(&rule.message),
                Some((place.file, place.message.clone())),
            )
        });
        if let Some(topic) = &rule.conflict {
            out.push(Written {
                allow_approved,
                ..plain(
                    What::Rule(&rule.id, "conflict"),
                    Cow::Borrowed(topic),
                    place.conflict.clone().map(|span| (place.file, span)),
                )
            });
        }
        if let Some(action) = &rule.action {
            out.push(Written {
                allow_approved,
                ..plain(
                    What::Rule(&rule.id, "action"),
                    Cow::Borrowed(action),
                    place.action.clone().map(|span| (place.file, span)),
                )
            });
        }
        if let Some(reason) = &rule.reason {
            out.push(Written {
                allow_approved,
                ..plain(
                    What::Rule(&rule.id, "reason"),
                    Cow::Borrowed(reason),
                    place.reason.clone().map(|span| (place.file, span)),
                )
            });
        }
    }
    for (advice, (file, span)) in set.before_you_book.iter().zip(&places.advice) {
        out.push(Written {
            allow_approved: cites_regulator(&advice.citations),
            ..plain(
                What::Advice(&advice.id),
                Cow::Borrowed(&advice.text),
                Some((*file, span.clone())),
            )
        });
    }
    for (claim, place) in set.claims.iter().zip(&places.claims) {
        let parts = [
            ("topic", &claim.topic, &place.topic, false),
            ("promise", &claim.promise, &place.promise, false),
            (
                "evidence",
                &claim.evidence,
                &place.evidence,
                cites_regulator(&claim.evidence_citations),
            ),
        ];
        // The short form carries both sides, so the regulator's word is
        // not allowed in it.
        let brief = claim
            .brief
            .as_ref()
            .zip(place.brief.as_ref())
            .map(|(text, span)| ("brief", text, span, false));
        for (part, text, span, allow_approved) in parts.into_iter().chain(brief) {
            out.push(Written {
                allow_approved,
                ..plain(
                    What::Claim(&claim.id, part),
                    Cow::Borrowed(text),
                    Some((place.file, span.clone())),
                )
            });
        }
    }
    out
}

/// The level labels guard rail: no level's label reads as the pass (has
/// the `may-be-suitable` label, or its first clause, "may be suitable" in
/// "May be suitable, to be checked by a clinician", as whole words, in the
/// reading form of [`wording::reading`]), and the five labels differ, so
/// that an `urgent-care` outcome cannot be shown under the words of a pass.
/// A partial control: it compares words, not meaning.
fn level_labels(builder: &mut Builder<'_>, set: &RuleSet, places: &Places) {
    let read: Vec<(Level, String)> = Level::ALL
        .into_iter()
        .map(|level| (level, wording::reading(&set.levels.get(level).label)))
        .collect();
    let pass = wording::reading(&set.levels.may_be_suitable.label);
    let head = pass
        .split([',', ';', ':', '.', '(', '!', '?'])
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned();
    for (i, (level, label)) in read.iter().enumerate() {
        let problem = if label.is_empty() {
            Some("is empty".to_owned())
        } else if let Some((other, _)) = read[..i].iter().find(|(_, l)| l == label) {
            Some(format!("is the same as level `{other}`'s"))
        } else if *level == Level::MayBeSuitable {
            None
        } else {
            [&pass, &head]
                .into_iter()
                .find(|words| has_words(label, words))
                .map(|words| {
                    format!(
                        "has the words of `may-be-suitable`'s label (“{}”)",
                        crate::limits::shorten(words)
                    )
                })
        };
        let Some(problem) = problem else { continue };
        let message = format!(
            "level `{level}` label {problem}: each outcome must read as itself, and only \
             `may-be-suitable` as a pass"
        );
        level_error(builder, places, "level-label", *level, "label", message);
    }
}

/// Every level's action is a summary's first line: it may not be blank.
fn level_actions(builder: &mut Builder<'_>, set: &RuleSet, places: &Places) {
    for level in Level::ALL {
        if sanitize(&set.levels.get(level).action).trim().is_empty() {
            let message = format!(
                "level `{level}` action is empty: it is the first line of every summary with \
                 this outcome"
            );
            level_error(builder, places, "level-action", level, "action", message);
        }
    }
}

/// An error of `kind` at `[levels.<level>] <part>`, or without a place
/// when the levels' file is not known.
fn level_error(
    builder: &mut Builder<'_>,
    places: &Places,
    kind: &'static str,
    level: Level,
    part: &str,
    message: String,
) {
    let at = places.levels.and_then(|file| {
        let level = level.to_string();
        let span = value_span(&builder.file(file).text, &["levels", level.as_str(), part])?;
        Some((file, span))
    });
    match at {
        Some((file, span)) => builder.error_of(kind, file, span, message),
        None => builder.general_of(kind, message),
    }
}

/// Whether `text` has `words` (not empty) as whole words: not inside a
/// longer word.
fn has_words(text: &str, words: &str) -> bool {
    !words.is_empty()
        && text.match_indices(words).any(|(i, _)| {
            let before = text[..i].chars().next_back();
            let after = text[i + words.len()..].chars().next();
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        })
}

/// The span of the value at `path` (`["text", "title"]`) in a TOML text.
fn value_span(text: &str, path: &[&str]) -> Option<Range<usize>> {
    let document = DeTable::parse(text).ok()?;
    let mut table: &DeTable<'_> = document.get_ref();
    let mut found: Option<&Spanned<DeValue<'_>>> = None;
    for key in path {
        if let Some(value) = found {
            let DeValue::Table(inner) = value.get_ref() else {
                return None;
            };
            table = inner;
        }
        found = Some(
            table
                .iter()
                .find(|(k, _)| k.get_ref().as_ref() == *key)
                .map(|(_, v)| v)?,
        );
    }
    found.map(Spanned::span)
}

/// The warning-sign guard rail: some question is asked first, and for each
/// asked-first question, every option but `none` has an `urgent-care` rule
/// that fires whenever that option is chosen, whatever the other answers
/// (see [`fires_whenever_chosen`]).
pub(super) fn warning_signs(builder: &mut Builder<'_>, set: &RuleSet, places: &Places) {
    let asked_first: Vec<usize> = (0..set.questions.len())
        .filter(|&q| set.questions[q].asked_first)
        .collect();
    if asked_first.is_empty() {
        builder.general_of(
            "no-warning-signs",
            "no question is marked `asked_first`: a rule set must ask about warning signs before \
             anything else, with an `urgent-care` rule for each sign (see rules/safety.toml)"
                .to_owned(),
        );
    }
    for q in asked_first {
        let question = &set.questions[q];
        let place = &places.questions[q];
        if matches!(question.kind, QuestionKind::Number { .. }) {
            builder.error_of(
                "warning-sign-not-urgent",
                place.file,
                place.id.clone(),
                format!(
                    "question `{}` is asked first, so it must be a choice or several-choice \
                     question of warning signs, not a number",
                    question.id
                ),
            );
            continue;
        }
        // `none` is the one option exempt from needing an urgent-care rule,
        // so it must exist and be chosen alone: a `none` that could be
        // combined would be a sign without a rule, or hide one.
        let none = question.options().iter().position(|o| o.id == NO_SIGN);
        let alone = none.is_some_and(|o| {
            matches!(question.kind, QuestionKind::Choice(_)) || question.options()[o].exclusive
        });
        if !alone {
            let span = none.map_or_else(|| place.id.clone(), |o| place.options[o].id.clone());
            builder.error_of(
                "warning-sign-none",
                place.file,
                span,
                format!(
                    "question `{}` is asked first, so it needs an option `{NO_SIGN}` (no warning \
                     sign) with `exclusive = true`, chosen alone",
                    question.id
                ),
            );
        }
        for (option, option_place) in question.options().iter().enumerate().zip(&place.options) {
            let (o, option) = option;
            if option.id == NO_SIGN {
                continue;
            }
            let urgent = set
                .rules
                .iter()
                .any(|r| r.level == Level::UrgentCare && fires_whenever_chosen(set, r, q, o));
            if !urgent {
                builder.error_of(
                    "warning-sign-not-urgent",
                    place.file,
                    option_place.id.clone(),
                    format!(
                        "warning sign `{}` of question `{}` has no `urgent-care` rule that fires \
                         whenever it is chosen, whatever the other answers",
                        option.id, question.id
                    ),
                );
            }
        }
    }
}

/// The option of an asked-first question that means "no warning sign".
const NO_SIGN: &str = "none";

/// Whether `rule` fires for every complete answer set in which option `o`
/// of question `q` is chosen: its matcher on `q` (if any) holds for every
/// valid answer containing `o`, and its matcher on each other question holds
/// for every valid answer to that question. Decided on the matchers, not by
/// enumerating answers.
pub(crate) fn fires_whenever_chosen(set: &RuleSet, rule: &super::Rule, q: usize, o: usize) -> bool {
    rule.when.iter().all(|m| {
        let question = &set.questions[m.question];
        if m.question == q {
            holds_whenever_chosen(question, &m.test, o)
        } else {
            holds_always(question, &m.test)
        }
    })
}

/// The options that can be chosen together with `o` (itself included): only
/// `o` when it is exclusive, else every option that is not exclusive.
fn chosen_with(question: &super::Question, o: usize) -> OptionSet {
    let options = question.options();
    if options[o].exclusive {
        return OptionSet::from_indices([o]);
    }
    OptionSet::from_indices((0..options.len()).filter(|&i| !options[i].exclusive)).with(o)
}

/// Whether `test` holds for every valid answer to `question` that has
/// option `o`. For a several-choice answer, `any` and `all` only become
/// easier to satisfy as options are added and `none` only harder, so the
/// test holds for all such answers exactly when it holds for the smallest
/// (`o` alone) and the largest (everything that can be chosen with `o`).
fn holds_whenever_chosen(question: &super::Question, test: &Test, o: usize) -> bool {
    match test {
        Test::OneOf(set) => set.contains(o),
        Test::Several { .. } => {
            test.matches(&Value::Several(OptionSet::from_indices([o])))
                && test.matches(&Value::Several(chosen_with(question, o)))
        }
        Test::Range { .. } => false,
    }
}

/// Whether `test` holds for every valid answer to `question`. For a
/// several-choice question: when it holds for every single option. Then
/// its `all` and `none` are empty and its `any` is empty or has every
/// option (a question has at least two), so it holds for every answer.
fn holds_always(question: &super::Question, test: &Test) -> bool {
    match (&question.kind, test) {
        (QuestionKind::Choice(options), Test::OneOf(set)) => {
            (0..options.len()).all(|i| set.contains(i))
        }
        (
            QuestionKind::Number { min, max },
            Test::Range {
                min: low,
                max: high,
            },
        ) => low <= min && high >= max,
        (QuestionKind::Multi(options), Test::Several { .. }) => {
            (0..options.len()).all(|i| test.matches(&Value::Several(OptionSet::from_indices([i]))))
        }
        _ => false,
    }
}

/// Whether a source's `file` is a plain file name: not empty, no folder
/// separator, not `.` or `..`, no drive or stream separator (`:`), no
/// control character. Such a name stays inside the `--sources` folder.
pub(super) fn plain_file_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\', ':'])
        && !name.chars().any(char::is_control)
}

/// Whether a source's `url` is a web address: `https://` or `http://`
/// (in any case) followed by a host, without white space, control
/// characters, or the characters that end or escape a quoted attribute or
/// Markdown link (`"`, `<`, `>`, `\\`, backtick).
pub(super) fn web_address(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    rest.is_some_and(|rest| {
        !rest.is_empty()
            && !rest.starts_with(['/', '?', '#'])
            && !url.chars().any(|c| {
                c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '\\' | '`')
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_files_are_plain_names_and_urls_web_addresses() {
        for ok in ["leaflet.txt", "000_b219f91b885ed06c.txt", "a..b"] {
            assert!(plain_file_name(ok), "{ok}");
        }
        for bad in [
            "",
            ".",
            "..",
            "../x.txt",
            "/etc/passwd",
            "docs/x.txt",
            "..\\x",
            "C:x",
            "a\u{0}b",
        ] {
            assert!(!plain_file_name(bad), "{bad:?}");
        }
        for ok in ["https://example.org/a", "HTTP://example.org", "http://x"] {
            assert!(web_address(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "JavaScript://%0aalert(1)",
            "data:text/html,x",
            "https://",
            "https:///path",
            "ftp://example.org",
            "https://example.org/a b",
            "https://example.org/a\u{a0}b",
            "https://example.org/\"onmouseover=\"x",
            "https://example.org/<script>",
            "https://example.org/a>b",
            "https://example.org\\@evil.example",
            "https://example.org/`x`",
            "https://example.org/\u{2028}",
            "//example.org",
            "example.org",
        ] {
            assert!(!web_address(bad), "{bad:?}");
        }
    }

    #[test]
    fn words_are_found_whole() {
        assert!(has_words(
            "may be suitable, to be confirmed",
            "may be suitable"
        ));
        assert!(has_words("ok", "ok"));
        assert!(!has_words("book a visit", "ok"));
        assert!(!has_words("anything", ""));
    }

    #[test]
    fn finds_the_span_of_a_nested_value() {
        let text = "[text]\ntitle = \"T\"\n\n[levels.info]\nlabel = \"L\"\n";
        let span = value_span(text, &["levels", "info", "label"]).unwrap();
        assert_eq!(&text[span], "\"L\"");
        let span = value_span(text, &["text", "title"]).unwrap();
        assert_eq!(&text[span], "\"T\"");
        assert_eq!(value_span(text, &["text", "nope"]), None);
    }
}

#[cfg(test)]
mod mutation_tests {
    use crate::ruleset::{LoadError, RuleSet};

    /// The built-in files, with `from` replaced by `to` in the file named
    /// `name` (which must hold it), and one more file `extra.toml`.
    fn load(edit: Option<(&str, &str, &str)>, extra: &str) -> Result<RuleSet, LoadError> {
        RuleSet::built_in_with(edit, &[("extra.toml", extra)])
    }

    /// Each problem as shown, or nothing when the rule set loads.
    fn errors(edit: Option<(&str, &str, &str)>, extra: &str) -> Vec<String> {
        match load(edit, extra) {
            Ok(_) => Vec::new(),
            Err(LoadError::Invalid(diagnostics)) => {
                diagnostics.iter().map(ToString::to_string).collect()
            }
            Err(other) => panic!("not a rule set error: {other}"),
        }
    }

    /// The built-in `fever` rule, with `more` lines added to its `when`.
    fn fever_rule_also(more: &str) -> Vec<String> {
        let when = "when.warning_signs = { any = [\"fever\"] }\n";
        errors(Some(("safety.toml", when, &format!("{when}{more}\n"))), "")
    }

    const FEVER_NOT_URGENT: &str = "warning sign `fever` of question `warning_signs` has no \
                                    `urgent-care` rule that fires whenever it is chosen";

    fn refused_for_fever(errors: &[String]) -> bool {
        errors.len() == 1 && errors[0].starts_with(FEVER_NOT_URGENT)
    }

    #[test]
    fn an_urgent_rule_may_also_test_a_choice_question_on_every_option() {
        assert_eq!(
            fever_rule_also("when.active_infection = { in = [\"yes\", \"no\", \"unsure\"] }"),
            Vec::<String>::new()
        );
        let errors = fever_rule_also("when.active_infection = { in = [\"yes\", \"unsure\"] }");
        assert!(refused_for_fever(&errors), "{errors:#?}");
    }

    #[test]
    fn an_urgent_rule_may_also_test_a_several_choice_question_that_every_answer_passes() {
        let every =
            "\"rest\", \"physical-therapy\", \"medication\", \"injections\", \"surgery\", \"none\"";
        assert_eq!(
            fever_rule_also(&format!("when.prior_treatments = {{ any = [{every}] }}")),
            Vec::<String>::new()
        );
        // Every answer with more than one treatment has one of these, but
        // `none` alone, or one other treatment alone, does not.
        for test in [
            "{ any = [\"rest\", \"physical-therapy\", \"medication\", \"injections\", \"surgery\"] }",
            "{ any = [\"rest\"] }",
            "{ none = [\"none\"] }",
        ] {
            let errors = fever_rule_also(&format!("when.prior_treatments = {test}"));
            assert!(refused_for_fever(&errors), "{test}: {errors:#?}");
        }
    }

    #[test]
    fn a_conflict_topic_may_say_approved_only_when_its_rule_cites_a_regulator() {
        let rule = |cite: &str| {
            format!(
                "[[rule]]\nid = \"r\"\nlevel = \"info\"\nmessage = \"M.\"\n\
                 conflict = \"What the FDA has approved\"\nalways = true\ncite = [{cite}]\n"
            )
        };
        let defiage = "{ source = \"defiage\", quote = \"Knee osteoarthritis\" }";
        let johnson = "{ source = \"johnson-medical-center\", quote = \"knee\" }";
        let fda = "{ source = \"fda-stem-cell-consumer-info\", quote = \"FDA\" }";
        assert_eq!(
            errors(None, &rule(&format!("{defiage}, {fda}"))),
            Vec::<String>::new()
        );
        let errors = errors(None, &rule(&format!("{defiage}, {johnson}")));
        assert_eq!(errors.len(), 1, "{errors:#?}");
        assert!(
            errors[0].starts_with("rule `r` conflict uses “approved”")
                && errors[0].contains("--> extra.toml:5:30\n"),
            "{errors:#?}"
        );
    }

    /// The caret line under a banned word covers the word itself: its
    /// first letter to its last.
    #[test]
    fn a_banned_word_is_underlined_from_its_first_to_its_last_letter() {
        let extra = "[[rule]]\nid = \"r\"\nlevel = \"info\"\n\
                     message = \"The Defiage blog post says a fix is guaranteed here.\"\n\
                     always = true\n\
                     cite = [{ source = \"defiage\", quote = \"Knee osteoarthritis\" }]\n";
        let errors = errors(None, extra);
        assert_eq!(errors.len(), 1, "{errors:#?}");
        let lines: Vec<&str> = errors[0].lines().collect();
        let (shown, carets) = (lines[lines.len() - 2], lines[lines.len() - 1]);
        let start = carets.find('^').expect("a caret");
        let underlined: String = shown
            .chars()
            .skip(start)
            .take(carets.len() - start)
            .collect();
        assert_eq!(underlined, "guaranteed", "{}", errors[0]);
    }

    #[test]
    fn an_empty_action_of_a_level_or_a_rule_is_refused_where_it_is_written() {
        let found = errors(
            Some((
                "text.toml",
                "action = \"Talk to a clinician before you book anything.\"",
                "action = \" \"",
            )),
            "",
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("level `clinician-review` action is empty")
                && found[0].contains("--> text.toml:"),
            "{found:?}"
        );
        // Empty, or only characters that show nothing (a zero width space).
        for action in ["\"\"", "\"\\u200B \""] {
            let found = errors(
                None,
                &format!(
                    "[[rule]]\nid = \"r\"\nlevel = \"info\"\naction = {action}\nmessage = \"M.\"\nalways = true\n\
                     cite = [{{ source = \"defiage\", quote = \"Knee osteoarthritis\" }}]\n"
                ),
            );
            assert!(
                found
                    .iter()
                    .any(|e| e.starts_with("rule `r` has an empty action")
                        && e.contains("--> extra.toml:4:")),
                "{action}: {found:?}"
            );
        }
        // A rule's action is read like every other sentence a person reads.
        let found = errors(
            None,
            "[[rule]]\nid = \"r\"\nlevel = \"info\"\naction = \"You are a candidate.\"\n\
             message = \"M.\"\nalways = true\n\
             cite = [{ source = \"defiage\", quote = \"Knee osteoarthritis\" }]\n",
        );
        assert!(
            found
                .iter()
                .any(|e| e.starts_with("rule `r` action uses “candidate”")),
            "{found:?}"
        );
    }

    #[test]
    fn a_reason_is_one_attributed_line_on_a_rule_that_decides_the_outcome() {
        let rule = |level: &str, reason: &str| {
            format!(
                "[[rule]]\nid = \"r\"\nlevel = \"{level}\"\nreason = {reason}\n\
                 message = \"The Defiage blog post says M.\"\nalways = true\n\
                 cite = [{{ source = \"defiage\", quote = \"Knee osteoarthritis\" }}]\n"
            )
        };
        let first = |found: Vec<String>| found.into_iter().next().unwrap_or_default();
        // An info note never decides an outcome, so it has no reason.
        let found = first(errors(None, &rule("info", "\"R.\"")));
        assert!(
            found.starts_with("rule `r`: a `reason` says in one line why")
                && found.contains("--> extra.toml:4:10"),
            "{found}"
        );
        for empty in ["\" \"", "\"\\u200B\"", "\"\\u2060 \\u00AD\""] {
            let found = first(errors(None, &rule("clinician-review", empty)));
            assert!(
                found.starts_with("rule `r` has an empty reason")
                    && found.contains("--> extra.toml:4:"),
                "{empty}: {found}"
            );
        }
        // A whole message belongs in `message`: 200 characters at most.
        let long = format!("\"{}\"", "Word ".repeat(60));
        let found = first(errors(None, &rule("clinician-review", &long)));
        assert!(
            found.starts_with("rule `r`: a `reason` is one short line"),
            "{found}"
        );
        let longest = format!("\"{}.\"", "Word ".repeat(40).trim_end());
        assert_eq!(longest.chars().count(), 200 + 2);
        assert_eq!(
            errors(None, &rule("clinician-review", &longest)),
            Vec::<String>::new()
        );
        let over = format!("\"{}.\"", "Word ".repeat(40));
        let found = first(errors(None, &rule("clinician-review", &over)));
        assert!(
            found.starts_with("rule `r`: a `reason` is one short line"),
            "{found}"
        );
        let found = first(errors(
            None,
            &rule("clinician-review", "\"\"\"\nOne.\nTwo.\"\"\""),
        ));
        assert!(
            found.starts_with("rule `r`: a `reason` is one short line"),
            "{found}"
        );
        // "approved" only where the rule cites the regulator, as in every
        // other part of a rule.
        let approved = "\"The FDA has not approved this use.\"";
        let found = first(errors(None, &rule("clinician-review", approved)));
        assert!(
            found.starts_with("rule `r` reason uses “approved”"),
            "{found}"
        );
        let cites_fda = rule("clinician-review", approved).replace(
            "cite = [",
            "cite = [{ source = \"fda-stem-cell-consumer-info\", quote = \"FDA\" }, ",
        );
        assert_eq!(errors(None, &cites_fda), Vec::<String>::new());
        // Read like every other sentence a person reads.
        let found = errors(None, &rule("clinician-review", "\"You are eligible.\""));
        assert!(
            found
                .iter()
                .any(|e| e.starts_with("rule `r` reason uses “eligible”")),
            "{found:?}"
        );
        // A pass on clinic marketing alone attributes the claim in its
        // reason too, which the short summary shows without the message.
        let found = errors(None, &rule("may-be-suitable", "\"It is a common use.\""));
        assert!(
            found.iter().any(|e| e.starts_with(
                "rule `r` is may-be-suitable on clinic marketing alone, so its reason must attribute"
            ) && e.contains("--> extra.toml:4:10")),
            "{found:?}"
        );
        assert!(
            RuleSet::built_in_with(
                None,
                &[(
                    "extra.toml",
                    &rule(
                        "may-be-suitable",
                        "\"The Defiage blog post says it is a common use.\""
                    )
                )]
            )
            .is_ok()
        );
    }
}
