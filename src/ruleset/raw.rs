//! The rule files exactly as written: serde structs that mirror the TOML.
//!
//! Every struct denies unknown fields, and every value a later check may need
//! to point at is `Spanned`, so that errors found after parsing still name a
//! line and column. No `flatten` and no untagged enums: both lose spans.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;
use toml::value::Datetime;

use crate::level::Level;
use crate::ruleset::{Levels, SourceKind, Text};

/// One rule file. Every section is optional here; the loader checks that the
/// set as a whole has each one-off section exactly once.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFile {
    pub ruleset: Option<Spanned<RawMeta>>,
    pub text: Option<Spanned<Text>>,
    pub levels: Option<Spanned<Levels>>,
    #[serde(default)]
    pub question: Vec<Spanned<RawQuestion>>,
    #[serde(default)]
    pub source: Vec<Spanned<RawSource>>,
    #[serde(default)]
    pub rule: Vec<Spanned<RawRule>>,
    #[serde(default)]
    pub before_you_book: Vec<Spanned<RawAdvice>>,
    #[serde(default)]
    pub claim: Vec<Spanned<RawClaim>>,
}

/// A clinic's promise and what research or a regulator says beside it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawClaim {
    pub id: Spanned<String>,
    pub topic: Spanned<String>,
    pub promise: Spanned<String>,
    #[serde(default)]
    pub promise_cite: Vec<Spanned<RawCitation>>,
    pub evidence: Spanned<String>,
    #[serde(default)]
    pub evidence_cite: Vec<Spanned<RawCitation>>,
    pub brief: Option<Spanned<String>>,
}

/// A question to ask any clinic, with the sources it comes from.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAdvice {
    pub id: Spanned<String>,
    pub text: Spanned<String>,
    #[serde(default)]
    pub cite: Vec<Spanned<RawCitation>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMeta {
    pub name: Spanned<String>,
    pub version: Spanned<String>,
    pub language: String,
    pub reviewed: Spanned<Datetime>,
    pub review_by: Spanned<Datetime>,
    pub disclaimer: Spanned<String>,
    /// What the sources themselves say that the disclaimer rests on.
    #[serde(default)]
    pub disclaimer_cite: Vec<Spanned<RawCitation>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum RawKind {
    Choice,
    Multi,
    Number,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawQuestion {
    pub id: Spanned<String>,
    pub kind: Spanned<RawKind>,
    pub prompt: Spanned<String>,
    pub help: Spanned<String>,
    #[serde(default)]
    pub option: Vec<Spanned<RawOption>>,
    pub min: Option<Spanned<i64>>,
    pub max: Option<Spanned<i64>>,
    /// A number question: an answer below this asks the person to confirm it.
    pub confirm_below: Option<Spanned<i64>>,
    /// A number question: an answer above this asks the person to confirm it.
    pub confirm_above: Option<Spanned<i64>>,
    /// Asked before every question without it (warning signs).
    #[serde(default)]
    pub asked_first: bool,
    /// Asked only when these matchers hold on earlier answers.
    pub ask_when: Option<Spanned<BTreeMap<Spanned<String>, Spanned<RawMatcher>>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawOption {
    pub id: Spanned<String>,
    pub label: Spanned<String>,
    #[serde(default)]
    pub unsure: bool,
    #[serde(default)]
    pub exclusive: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSource {
    pub id: Spanned<String>,
    pub name: Spanned<String>,
    pub title: Spanned<String>,
    pub publisher: Spanned<String>,
    pub date: Option<Spanned<Datetime>>,
    pub kind: SourceKind,
    pub file: Option<Spanned<String>>,
    pub url: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRule {
    pub id: Spanned<String>,
    pub level: Level,
    pub message: Spanned<String>,
    pub when: Option<Spanned<BTreeMap<Spanned<String>, Spanned<RawMatcher>>>>,
    #[serde(default)]
    pub always: Option<Spanned<bool>>,
    pub conflict: Option<Spanned<String>>,
    pub action: Option<Spanned<String>>,
    pub reason: Option<Spanned<String>>,
    #[serde(default)]
    pub priority: u8,
    #[serde(default)]
    pub procedure: Option<Spanned<bool>>,
    #[serde(default)]
    pub cite: Vec<Spanned<RawCitation>>,
}

/// A matcher on one question. Which keys are allowed depends on the
/// question's kind; the loader checks that.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMatcher {
    #[serde(rename = "in")]
    pub one_of: Option<Spanned<Vec<Spanned<String>>>>,
    pub min: Option<Spanned<i64>>,
    pub max: Option<Spanned<i64>>,
    pub any: Option<Spanned<Vec<Spanned<String>>>>,
    pub all: Option<Spanned<Vec<Spanned<String>>>>,
    pub none: Option<Spanned<Vec<Spanned<String>>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCitation {
    pub source: Spanned<String>,
    pub quote: Spanned<String>,
}
