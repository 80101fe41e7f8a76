//! Answers to the questionnaire: parsing what was given on the command line
//! or in an answer file, and checking it against the questions.
//!
//! [`Answers`] is a partial set (some questions may still be open);
//! [`AnswerSet`] is complete and valid, and only it can be evaluated. No
//! I/O happens here beyond [`read_document`], which reads an answer file
//! from the reader it is given, bounded by
//! [`MAX_ANSWER_FILE_BYTES`].
//!
//! Every path (flags, TOML and JSON answer files, batch JSON Lines and CSV)
//! checks a value with the same parser: a number question takes whole
//! numbers only, written as an integer or a string of digits, and a refused
//! value is quoted as it was written (cut to
//! [`MAX_SHOWN_CHARS`](crate::limits::MAX_SHOWN_CHARS)).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use serde::Deserializer;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::limits::{self, MAX_ANSWER_FILE_BYTES, shorten};
use crate::ruleset::{Asked, OptionSet, Question, QuestionKind, RuleSet};

/// One valid answer, as indices into the question's options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    /// A one-choice answer: the option's index.
    Choice(usize),
    /// A several-choice answer: never empty, exclusive options alone.
    Several(OptionSet),
    /// A number within the question's range.
    Number(i64),
    /// Not asked (the question's `ask_when` did not hold) and not given.
    /// No test matches it, and no outcome of `may-be-suitable` stands on it.
    Unasked,
}

/// Why a given answer was refused. Every message names the question and
/// says what would be accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    /// The key is not a question id.
    #[error("unknown question `{key}`; the questions are: {known}")]
    UnknownQuestion {
        /// The key given.
        key: String,
        /// Every question id, comma-separated.
        known: String,
    },
    /// A choice that is not one of the options.
    #[error("`{question}` does not accept `{value}`; the options are: {options}")]
    InvalidOption {
        /// Question id.
        question: String,
        /// The value given.
        value: String,
        /// Every option id, comma-separated.
        options: String,
    },
    /// Several answers given to a one-choice question.
    #[error("`{question}` takes one answer, not several; the options are: {options}")]
    NotOne {
        /// Question id.
        question: String,
        /// Every option id, comma-separated.
        options: String,
    },
    /// Not a whole number, or out of range.
    #[error("`{question}` must be a whole number from {min} to {max}, not `{value}`")]
    InvalidNumber {
        /// Question id.
        question: String,
        /// The value given.
        value: String,
        /// Smallest accepted.
        min: i64,
        /// Largest accepted.
        max: i64,
    },
    /// No option given to a several-choice question.
    #[error("`{question}` needs at least one answer; the options are: {options}")]
    Empty {
        /// Question id.
        question: String,
        /// Every option id, comma-separated.
        options: String,
    },
    /// An exclusive option combined with others.
    #[error("`{question}`: `{option}` cannot be combined with other answers")]
    Exclusive {
        /// Question id.
        question: String,
        /// The exclusive option.
        option: String,
    },
    /// A value of a type no question takes (a table, a boolean, ...).
    #[error("`{question}` has a value of the wrong type: {found}")]
    WrongType {
        /// Question id.
        question: String,
        /// What was found.
        found: String,
    },
    /// One question answered twice in one answer file or record (keys are
    /// compared after trimming, as they are looked up).
    #[error("`{question}` is given twice")]
    Twice {
        /// Question id.
        question: String,
    },
    /// The answer file is larger than
    /// [`MAX_ANSWER_FILE_BYTES`].
    #[error("the file is larger than {limit} bytes, the most that is read")]
    TooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// The answer file is not valid TOML or JSON, or not a table of answers.
    #[error("{0}")]
    Syntax(String),
}

/// A given value as an error keeps it: cut to
/// [`MAX_SHOWN_CHARS`](crate::limits::MAX_SHOWN_CHARS).
fn shown(text: &str) -> String {
    shorten(text).into_owned()
}

/// Reads an answer file (or standard input) of at most
/// [`MAX_ANSWER_FILE_BYTES`]: reading stops one byte past the limit, so a
/// larger or endless input costs no more memory than that. `Err` is a
/// failed read; `Ok(Err)` a file that is too large or not UTF-8 text.
pub fn read_document<R: std::io::Read>(input: R) -> std::io::Result<Result<String, AnswerError>> {
    Ok(match limits::read_all(input, MAX_ANSWER_FILE_BYTES)? {
        Err(too_large) => Err(AnswerError::TooLarge {
            limit: too_large.limit,
        }),
        Ok(bytes) => String::from_utf8(bytes)
            .map_err(|_| AnswerError::Syntax("the file is not UTF-8 text".to_owned())),
    })
}

/// The kinds of answer file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentFormat {
    /// A TOML table.
    Toml,
    /// A JSON object.
    Json,
}

impl DocumentFormat {
    /// The format for a file name: `.json` is JSON, `.toml` TOML; anything
    /// else is JSON if its text starts with `{`, TOML otherwise.
    pub fn guess(name: &str, text: &str) -> DocumentFormat {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".json") {
            DocumentFormat::Json
        } else if lower.ends_with(".toml") {
            DocumentFormat::Toml
        } else if text
            .trim_start_matches('\u{feff}')
            .trim_start()
            .starts_with('{')
        {
            DocumentFormat::Json
        } else {
            DocumentFormat::Toml
        }
    }
}

/// An answer as written, before it is checked against its question;
/// borrowed, so checking a choice allocates nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Given<'a> {
    /// A string: an option id, comma-separated ids, or digits.
    Text(&'a str),
    /// A whole number, already read as one.
    Integer(i64),
    /// A number as written in a JSON or TOML document (`52`, `52.0`,
    /// `5.2e1`, `99999999999999999999`): a number question reads its text
    /// as it reads a string, so it takes digits only and quotes the text
    /// when it refuses it.
    Number(&'a str),
    /// An array of option ids.
    List(Vec<&'a str>),
}

impl Value {
    /// The answer as it would be given with `--answer`: an option id,
    /// option ids joined by commas, or the number.
    pub fn id_text(&self, question: &Question) -> String {
        let options = question.options();
        match self {
            Value::Choice(i) => options[*i].id.clone(),
            Value::Several(set) => set
                .iter()
                .map(|i| options[i].id.as_str())
                .collect::<Vec<_>>()
                .join(","),
            Value::Number(n) => n.to_string(),
            Value::Unasked => String::new(),
        }
    }

    /// The answer as in an answer file: an option id, an array of option
    /// ids, or a number.
    pub fn to_json(&self, question: &Question) -> serde_json::Value {
        let options = question.options();
        match self {
            Value::Choice(i) => options[*i].id.clone().into(),
            Value::Several(set) => set.iter().map(|i| options[i].id.clone()).collect(),
            Value::Number(n) => (*n).into(),
            Value::Unasked => serde_json::Value::Null,
        }
    }

    /// Whether the question was answered (the value is not
    /// [`Value::Unasked`]).
    pub fn is_given(&self) -> bool {
        !matches!(self, Value::Unasked)
    }
}

/// Answers so far; some questions may be open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answers {
    values: Vec<Option<Value>>,
}

impl Answers {
    /// No answers yet, for the questions of `rules`.
    pub fn new(rules: &RuleSet) -> Answers {
        Answers {
            values: vec![None; rules.questions.len()],
        }
    }

    /// The answer to question `index`, if given.
    pub fn get(&self, index: usize) -> Option<Value> {
        self.values.get(index).copied().flatten()
    }

    /// Sets the answer to question `index`.
    pub fn set(&mut self, index: usize, value: Value) {
        self.values[index] = Some(value);
    }

    /// Forgets every answer, keeping the buffer.
    pub fn clear(&mut self) {
        self.values.fill(None);
    }

    /// The indices of the questions not answered yet that are asked, or
    /// may be once earlier questions are answered, in order. A question
    /// whose `ask_when` fails on the answers given is not missing.
    pub fn missing(&self, rules: &RuleSet) -> Vec<usize> {
        rules
            .asked(self)
            .into_iter()
            .enumerate()
            .filter(|&(i, asked)| self.get(i).is_none() && asked != Asked::No)
            .map(|(i, _)| i)
            .collect()
    }

    /// Whether the question at `index` has an answer.
    pub fn is_answered(&self, index: usize) -> bool {
        self.get(index).is_some()
    }

    /// Forgets the answer to question `index`.
    pub fn unset(&mut self, index: usize) {
        if let Some(slot) = self.values.get_mut(index) {
            *slot = None;
        }
    }

    /// Checks `text` as the answer to the question `key` and records it.
    /// Returns the question's index.
    pub fn give(&mut self, rules: &RuleSet, key: &str, text: &str) -> Result<usize, AnswerError> {
        let index = question_index(rules, key)?;
        let value = parse(&rules.questions[index], Given::Text(text))?;
        self.set(index, value);
        Ok(index)
    }

    /// Checks a JSON value (a string, a whole number or an array of strings)
    /// as the answer to the question `key` and records it. Returns the
    /// question's index.
    pub fn give_value(
        &mut self,
        rules: &RuleSet,
        key: &str,
        value: serde_json::Value,
    ) -> Result<usize, AnswerError> {
        let index = question_index(rules, key)?;
        let mut number = String::new();
        let value = parse(&rules.questions[index], given(key, &value, &mut number)?)?;
        self.set(index, value);
        Ok(index)
    }

    /// Records every answer in a TOML or JSON document whose keys are
    /// question ids. Unknown keys are errors, and so is a question given
    /// twice (keys are compared after trimming, as they are looked up); the
    /// document's answers replace any given before.
    pub fn give_document(
        &mut self,
        rules: &RuleSet,
        text: &str,
        format: DocumentFormat,
    ) -> Result<(), AnswerError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut document = Answers::new(rules);
        match format {
            DocumentFormat::Json => json_document(rules, text, &mut document)?,
            DocumentFormat::Toml => toml_document(rules, text, &mut document)?,
        }
        for (mine, given) in self.values.iter_mut().zip(document.values) {
            if given.is_some() {
                *mine = given;
            }
        }
        Ok(())
    }

    /// The complete set (a question not asked and not answered is
    /// [`Value::Unasked`]), or the indices of the open questions, as
    /// [`Answers::missing`] gives them. Like [`Answers::complete`], but
    /// fills `set` in place, reusing its buffer (the batch screens millions
    /// of records with one).
    pub fn complete_into(&self, rules: &RuleSet, set: &mut AnswerSet) -> Result<(), Vec<usize>> {
        if self.values.iter().any(Option::is_none) {
            let missing = self.missing(rules);
            if !missing.is_empty() {
                return Err(missing);
            }
        }
        set.values.clear();
        set.values
            .extend(self.values.iter().map(|v| v.unwrap_or(Value::Unasked)));
        Ok(())
    }

    /// The complete set, or the indices of the open questions.
    pub fn complete(self, rules: &RuleSet) -> Result<AnswerSet, Vec<usize>> {
        let mut set = AnswerSet::buffer();
        self.complete_into(rules, &mut set)?;
        Ok(set)
    }
}

/// A complete, valid set of answers: one per question, in question order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerSet {
    values: Vec<Value>,
}

impl AnswerSet {
    /// An empty buffer for [`Answers::complete_into`].
    pub fn buffer() -> AnswerSet {
        AnswerSet { values: Vec::new() }
    }

    /// The answer to question `index`.
    pub fn value(&self, index: usize) -> &Value {
        &self.values[index]
    }

    /// Every answer, in question order.
    pub fn values(&self) -> &[Value] {
        &self.values
    }

    /// The same answers with question `index` answered `value` instead.
    pub fn with(&self, index: usize, value: Value) -> AnswerSet {
        let mut values = self.values.clone();
        values[index] = value;
        AnswerSet { values }
    }

    /// Whether any answer is an option marked `unsure`.
    pub fn has_unsure(&self, rules: &RuleSet) -> bool {
        self.unsure_questions(rules).next().is_some()
    }

    /// The indices of the questions answered "not sure" (an option marked
    /// `unsure`), in order.
    pub fn unsure_questions<'a>(&'a self, rules: &'a RuleSet) -> impl Iterator<Item = usize> + 'a {
        self.values
            .iter()
            .zip(&rules.questions)
            .enumerate()
            .filter(|(_, (v, q))| match v {
                Value::Choice(i) => q.unsure_options().contains(*i),
                Value::Several(set) => q.unsure_options().intersects(*set),
                Value::Number(_) | Value::Unasked => false,
            })
            .map(|(i, _)| i)
    }

    /// Whether any question was not asked and not answered.
    pub fn has_unasked(&self) -> bool {
        self.values.iter().any(|v| !v.is_given())
    }
}

/// Checks a value chosen in the interview or elsewhere as a several-choice
/// answer: not empty, and an exclusive option alone. Returns the option
/// breaking the rule on failure.
pub fn check_several(question: &Question, chosen: OptionSet) -> Result<Value, AnswerError> {
    let options = question.options();
    if chosen.is_empty() {
        return Err(AnswerError::Empty {
            question: question.id.clone(),
            options: option_list(question),
        });
    }
    if chosen.len() > 1
        && let Some(i) = chosen.iter().find(|&i| options[i].exclusive)
    {
        return Err(AnswerError::Exclusive {
            question: question.id.clone(),
            option: options[i].id.clone(),
        });
    }
    Ok(Value::Several(chosen))
}

/// Checks the text typed for a number question.
pub fn parse_number(question: &Question, text: &str) -> Result<i64, AnswerError> {
    match parse(question, Given::Text(text)) {
        Ok(Value::Number(n)) => Ok(n),
        Ok(_) => Err(AnswerError::WrongType {
            question: question.id.clone(),
            found: "not a number question".to_owned(),
        }),
        Err(e) => Err(e),
    }
}

/// The index of the question `key`, or the error naming every question.
pub(crate) fn question_index(rules: &RuleSet, key: &str) -> Result<usize, AnswerError> {
    rules
        .question_index(key.trim())
        .ok_or_else(|| AnswerError::UnknownQuestion {
            key: shown(key),
            known: rules
                .questions
                .iter()
                .map(|q| q.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })
}

fn option_list(question: &Question) -> String {
    question
        .options()
        .iter()
        .map(|o| o.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn option(question: &Question, id: &str) -> Result<usize, AnswerError> {
    question
        .option_index(id.trim())
        .ok_or_else(|| AnswerError::InvalidOption {
            question: question.id.clone(),
            value: shown(id),
            options: option_list(question),
        })
}

/// Checks a given answer against its question.
pub(crate) fn parse(question: &Question, given: Given<'_>) -> Result<Value, AnswerError> {
    match (&question.kind, given) {
        (QuestionKind::Choice(_), Given::Text(text) | Given::Number(text)) => {
            if text.contains(',') {
                return Err(AnswerError::NotOne {
                    question: question.id.clone(),
                    options: option_list(question),
                });
            }
            option(question, text).map(Value::Choice)
        }
        (QuestionKind::Choice(_), Given::List(_)) => Err(AnswerError::NotOne {
            question: question.id.clone(),
            options: option_list(question),
        }),
        (QuestionKind::Choice(_), Given::Integer(n)) => {
            option(question, &n.to_string()).map(Value::Choice)
        }
        (QuestionKind::Multi(_), given) => {
            let number;
            let items: Box<dyn Iterator<Item = &str>> = match &given {
                Given::Text(text) => Box::new(text.split(',')),
                Given::List(items) => Box::new(items.iter().copied()),
                Given::Number(text) => Box::new(std::iter::once(*text)),
                Given::Integer(n) => {
                    number = n.to_string();
                    Box::new(std::iter::once(number.as_str()))
                }
            };
            let mut chosen = OptionSet::default();
            for item in items.filter(|i| !i.trim().is_empty()) {
                chosen = chosen.with(option(question, item)?);
            }
            check_several(question, chosen)
        }
        (&QuestionKind::Number { min, max }, given) => {
            let invalid = |value: &str| AnswerError::InvalidNumber {
                question: question.id.clone(),
                value: shown(value),
                min,
                max,
            };
            let (n, written) = match given {
                Given::Integer(n) => (n, Cow::Owned(n.to_string())),
                Given::Text(text) | Given::Number(text) => match whole_number(text) {
                    Some(n) => (n, Cow::Borrowed(text)),
                    None => return Err(invalid(text)),
                },
                Given::List(items) => return Err(invalid(&items.join(","))),
            };
            if (min..=max).contains(&n) {
                Ok(Value::Number(n))
            } else {
                Err(invalid(&written))
            }
        }
    }
}

/// The one reading of a whole number, whatever path it came by: optional
/// spaces, an optional `-`, then decimal digits only (no `+`, fraction,
/// exponent, `_` or other base), within `i64`.
fn whole_number(text: &str) -> Option<i64> {
    let trimmed = text.trim();
    let digits = trimmed.strip_prefix('-').unwrap_or(trimmed);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    trimmed.parse().ok()
}

/// Parses a JSON answer document through a map visitor, so a question
/// given twice is seen (a JSON object may repeat a key; a JSON value model
/// would keep only one). A syntax error wins over an answer error; among
/// answer errors, the first.
fn json_document(rules: &RuleSet, text: &str, answers: &mut Answers) -> Result<(), AnswerError> {
    let syntax = |e: serde_json::Error| AnswerError::Syntax(format!("invalid JSON: {e}"));
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let first = DocumentSeed { rules, answers }
        .deserialize(&mut deserializer)
        .map_err(syntax)?;
    deserializer.end().map_err(syntax)?;
    first.map_or(Ok(()), Err)
}

struct DocumentSeed<'r, 's> {
    rules: &'r RuleSet,
    answers: &'s mut Answers,
}

impl<'de> DeserializeSeed<'de> for DocumentSeed<'_, '_> {
    type Value = Option<AnswerError>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for DocumentSeed<'_, '_> {
    type Value = Option<AnswerError>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a table whose keys are question ids")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut first = None;
        while let Some(key) = map.next_key::<Text<'de>>()? {
            if let Err(e) = take_answer(self.rules, self.answers, &key.0, &mut map)? {
                first.get_or_insert(e);
            }
        }
        Ok(first)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Some(not_a_table()))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Some(not_a_table()))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Some(not_a_table()))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Some(not_a_table()))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Some(not_a_table()))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Some(not_a_table()))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Some(not_a_table()))
    }
}

fn not_a_table() -> AnswerError {
    AnswerError::Syntax("expected a table whose keys are question ids".to_owned())
}

/// Reads the value of the entry whose key is `key` from a JSON object and
/// records it as that question's answer. The outer `Result` is a JSON
/// error (the value could not be read); the inner one says why the answer
/// was refused (an unknown question, one already answered in this object,
/// or a value the question does not take), with the value skipped.
///
/// A number question's value is read as its raw JSON text, so a number is
/// checked as it was written (`52.0` and `5.2e1` are refused, and
/// `99999999999999999999` is quoted as given). Strings are borrowed from the
/// text when they have no escapes, so a record allocates nothing here.
pub(crate) fn take_answer<'de, A: MapAccess<'de>>(
    rules: &RuleSet,
    answers: &mut Answers,
    key: &str,
    map: &mut A,
) -> Result<Result<(), AnswerError>, A::Error> {
    let index = match question_index(rules, key) {
        Ok(index) => index,
        Err(unknown) => {
            map.next_value::<IgnoredAny>()?;
            return Ok(Err(unknown));
        }
    };
    let question = &rules.questions[index];
    if answers.get(index).is_some() {
        map.next_value::<IgnoredAny>()?;
        return Ok(Err(AnswerError::Twice {
            question: question.id.clone(),
        }));
    }
    let value = if let QuestionKind::Number { .. } = question.kind {
        let raw = map.next_value::<&'de serde_json::value::RawValue>()?.get();
        match raw.as_bytes().first() {
            Some(b'"') => {
                let text: Cow<'_, str> = match raw.get(1..raw.len() - 1) {
                    Some(inner) if !inner.contains('\\') => Cow::Borrowed(inner),
                    _ => serde_json::from_str::<String>(raw)
                        .map(Cow::Owned)
                        .map_err(de::Error::custom)?,
                };
                parse(question, Given::Text(&text))
            }
            Some(b'[') => Err(wrong_type(key, "an array")),
            Some(b'{') => Err(wrong_type(key, "an object")),
            Some(b't' | b'f' | b'n') => Err(wrong_type(key, raw)),
            _ => parse(question, Given::Number(raw)),
        }
    } else {
        match &map.next_value::<Raw<'de>>()? {
            Raw::Text(text) => parse(question, Given::Text(text)),
            Raw::Integer(n) => parse(question, Given::Integer(*n)),
            Raw::List(items) => parse(question, Given::List(items.iter().map(|i| &**i).collect())),
            Raw::Wrong(found) => Err(wrong_type(key, found)),
        }
    };
    Ok(value.map(|value| answers.set(index, value)))
}

/// A string, borrowed from the text when it has no escapes.
pub(crate) struct Text<'de>(pub(crate) Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
        }
        deserializer.deserialize_str(V)
    }
}

/// An answer value to a choice question as written in JSON: what [`Given`]
/// is made from.
enum Raw<'de> {
    Text(Cow<'de, str>),
    Integer(i64),
    List(Vec<Cow<'de, str>>),
    /// A value no question takes, described.
    Wrong(Cow<'static, str>),
}

impl<'de> serde::Deserialize<'de> for Raw<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Raw<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an answer")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Raw<'de>, E> {
                Ok(Raw::Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Raw<'de>, E> {
                Ok(Raw::Text(Cow::Owned(v.to_owned())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Raw<'de>, E> {
                Ok(Raw::Integer(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Raw<'de>, E> {
                Ok(i64::try_from(v)
                    .map_or_else(|_| Raw::Text(Cow::Owned(v.to_string())), Raw::Integer))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Raw<'de>, E> {
                // Not an option id: the question's parser says what it takes.
                Ok(Raw::Text(Cow::Owned(v.to_string())))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Raw<'de>, E> {
                Ok(Raw::Wrong(Cow::Borrowed(if v { "true" } else { "false" })))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Raw<'de>, E> {
                Ok(Raw::Wrong(Cow::Borrowed("null")))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw<'de>, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Raw::Wrong(Cow::Borrowed("an object")))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw<'de>, A::Error> {
                let mut items = Vec::new();
                let mut wrong = false;
                while let Some(item) = seq.next_element::<Raw<'de>>()? {
                    match item {
                        Raw::Text(text) => items.push(text),
                        _ => wrong = true,
                    }
                }
                Ok(if wrong {
                    Raw::Wrong(Cow::Borrowed(NOT_ALL_STRINGS))
                } else {
                    Raw::List(items)
                })
            }
        }
        deserializer.deserialize_any(V)
    }
}

const NOT_ALL_STRINGS: &str = "an array with an item that is not a string";

/// Parses a TOML answer document. Keys are looked up trimmed, so two keys
/// that differ only in spaces (`warning_signs` and `"warning_signs "`) are
/// the same question given twice. Numbers are checked as written (the span
/// of the value in the text), as JSON numbers are.
fn toml_document(rules: &RuleSet, text: &str, answers: &mut Answers) -> Result<(), AnswerError> {
    let table: BTreeMap<String, toml::Spanned<toml::Value>> =
        toml::from_str(text).map_err(|e| toml_syntax(text, &e))?;
    for (key, value) in &table {
        let index = question_index(rules, key)?;
        let question = &rules.questions[index];
        if answers.get(index).is_some() {
            return Err(AnswerError::Twice {
                question: question.id.clone(),
            });
        }
        let given = match value.get_ref() {
            toml::Value::String(s) => Given::Text(s),
            toml::Value::Integer(_) | toml::Value::Float(_) => {
                Given::Number(text.get(value.span()).unwrap_or_default().trim())
            }
            toml::Value::Array(items) => items
                .iter()
                .map(|item| {
                    item.as_str()
                        .ok_or_else(|| wrong_type(key, NOT_ALL_STRINGS))
                })
                .collect::<Result<_, _>>()
                .map(Given::List)?,
            toml::Value::Boolean(b) => return Err(wrong_type(key, &b.to_string())),
            toml::Value::Datetime(_) => return Err(wrong_type(key, "a date or time")),
            toml::Value::Table(_) => return Err(wrong_type(key, "a table")),
        };
        answers.set(index, parse(question, given)?);
    }
    Ok(())
}

/// A TOML syntax error as one line: where, and what. The offending line of
/// the file is shown cut to a readable length, never whole.
fn toml_syntax(text: &str, e: &toml::de::Error) -> AnswerError {
    let message = e.message().trim_end();
    let Some(span) = e.span() else {
        return AnswerError::Syntax(format!("invalid TOML: {}", shorten(message)));
    };
    let at = span.start.min(text.len());
    let at = (0..=at)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text[start..at].chars().count() + 1;
    let source = text[start..].lines().next().unwrap_or_default();
    AnswerError::Syntax(format!(
        "invalid TOML at line {line}, column {column}: {message}\n  {line} | {}",
        shorten(source)
    ))
}

/// An answer as written in a JSON value: a string, a whole number, another
/// number as its text (so the question's parser refuses it) or an array of
/// strings.
fn given<'a>(
    key: &str,
    value: &'a serde_json::Value,
    number: &'a mut String,
) -> Result<Given<'a>, AnswerError> {
    match value {
        serde_json::Value::String(s) => Ok(Given::Text(s)),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(n) => Ok(Given::Integer(n)),
            None => {
                *number = n.to_string();
                Ok(Given::Number(number))
            }
        },
        serde_json::Value::Array(items) => items
            .iter()
            .map(|item| {
                item.as_str()
                    .ok_or_else(|| wrong_type(key, NOT_ALL_STRINGS))
            })
            .collect::<Result<_, _>>()
            .map(Given::List),
        serde_json::Value::Object(_) => Err(wrong_type(key, "an object")),
        serde_json::Value::Bool(b) => Err(wrong_type(key, &b.to_string())),
        serde_json::Value::Null => Err(wrong_type(key, "null")),
    }
}

/// The error for a value of a type no question takes.
pub(crate) fn wrong_type(key: &str, found: &str) -> AnswerError {
    AnswerError::WrongType {
        question: shown(key.trim()),
        found: shown(found),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> RuleSet {
        RuleSet::embedded().unwrap()
    }

    fn index(rules: &RuleSet, id: &str) -> usize {
        rules.question_index(id).unwrap()
    }

    #[test]
    fn gives_each_kind_of_answer_from_text() {
        let rules = rules();
        let mut answers = Answers::new(&rules);
        answers.give(&rules, "condition", "knee-arthritis").unwrap();
        answers.give(&rules, "age", " 54 ").unwrap();
        answers
            .give(&rules, "prior_treatments", "rest, physical-therapy")
            .unwrap();
        let condition = &rules.questions[index(&rules, "condition")];
        assert_eq!(
            answers.get(index(&rules, "condition")),
            Some(Value::Choice(
                condition.option_index("knee-arthritis").unwrap()
            ))
        );
        assert_eq!(answers.get(index(&rules, "age")), Some(Value::Number(54)));
        let Some(Value::Several(set)) = answers.get(index(&rules, "prior_treatments")) else {
            panic!("several-choice answer expected");
        };
        assert_eq!(set.len(), 2);
        assert_eq!(
            answers.missing(&rules).len(),
            6,
            "warning_signs, duration, severity, imaging, active_infection and health are open"
        );
    }

    #[test]
    fn refuses_unknown_questions_and_options_naming_what_is_accepted() {
        let rules = rules();
        let mut answers = Answers::new(&rules);
        let err = answers.give(&rules, "colour", "red").unwrap_err();
        assert!(matches!(err, AnswerError::UnknownQuestion { .. }));
        assert!(
            err.to_string()
                .contains("condition, duration, severity, imaging, age")
        );
        let err = answers.give(&rules, "severity", "terrible").unwrap_err();
        assert_eq!(
            err.to_string(),
            "`severity` does not accept `terrible`; the options are: mild, moderate, severe, unsure"
        );
        let err = answers.give(&rules, "severity", "mild,severe").unwrap_err();
        assert!(matches!(err, AnswerError::NotOne { .. }));
    }

    #[test]
    fn refuses_ages_out_of_range_or_not_whole() {
        let rules = rules();
        let mut answers = Answers::new(&rules);
        for bad in ["121", "-1", "forty", "40.5", ""] {
            let err = answers.give(&rules, "age", bad).unwrap_err();
            assert!(
                matches!(
                    err,
                    AnswerError::InvalidNumber {
                        min: 0,
                        max: 120,
                        ..
                    }
                ),
                "{bad}: {err}"
            );
        }
        answers.give(&rules, "age", "0").unwrap();
        answers.give(&rules, "age", "120").unwrap();
    }

    #[test]
    fn none_stands_alone_and_an_empty_list_is_refused() {
        let rules = rules();
        let mut answers = Answers::new(&rules);
        let err = answers
            .give(&rules, "prior_treatments", "none,rest")
            .unwrap_err();
        assert_eq!(
            err,
            AnswerError::Exclusive {
                question: "prior_treatments".into(),
                option: "none".into()
            }
        );
        let err = answers.give(&rules, "prior_treatments", " , ").unwrap_err();
        assert!(matches!(err, AnswerError::Empty { .. }));
        answers.give(&rules, "prior_treatments", "none").unwrap();
    }

    #[test]
    fn reads_toml_and_json_documents_alike() {
        let rules = rules();
        let toml = "warning_signs = [\"none\"]\ncondition = \"hip-arthritis\"\nduration = \"over-a-year\"\n\
                    severity = \"moderate\"\nimaging = \"moderate\"\nage = 61\n\
                    active_infection = \"no\"\nhealth = [\"none\"]\nprior_treatments = [\"medication\"]\n";
        let json = r#"{"warning_signs":["none"],"condition":"hip-arthritis","duration":"over-a-year",
                       "severity":"moderate","imaging":"moderate","age":61,
                       "active_infection":"no","health":["none"],"prior_treatments":["medication"]}"#;
        let mut from_toml = Answers::new(&rules);
        from_toml
            .give_document(&rules, toml, DocumentFormat::Toml)
            .unwrap();
        let mut from_json = Answers::new(&rules);
        from_json
            .give_document(&rules, &format!("\u{feff}{json}"), DocumentFormat::Json)
            .unwrap();
        assert_eq!(from_toml, from_json);
        assert!(from_toml.complete(&rules).is_ok());
    }

    #[test]
    fn documents_with_unknown_keys_bad_types_or_bad_syntax_are_refused() {
        let rules = rules();
        let mut answers = Answers::new(&rules);
        let err = answers
            .give_document(&rules, r#"{"agee": 4}"#, DocumentFormat::Json)
            .unwrap_err();
        assert!(matches!(err, AnswerError::UnknownQuestion { .. }));
        let err = answers
            .give_document(&rules, r#"{"age": true}"#, DocumentFormat::Json)
            .unwrap_err();
        assert!(matches!(err, AnswerError::WrongType { .. }));
        let err = answers
            .give_document(&rules, "[1, 2]", DocumentFormat::Json)
            .unwrap_err();
        assert!(matches!(err, AnswerError::Syntax(_)));
        let err = answers
            .give_document(&rules, "age = ", DocumentFormat::Toml)
            .unwrap_err();
        assert!(err.to_string().starts_with("invalid TOML"), "{err}");
    }

    #[test]
    fn guesses_the_format_from_the_name_then_the_text() {
        assert_eq!(DocumentFormat::guess("a.JSON", ""), DocumentFormat::Json);
        assert_eq!(DocumentFormat::guess("a.toml", "{"), DocumentFormat::Toml);
        assert_eq!(
            DocumentFormat::guess("-", " {\"age\":1}"),
            DocumentFormat::Json
        );
        assert_eq!(DocumentFormat::guess("-", "age = 1"), DocumentFormat::Toml);
    }

    #[test]
    fn detects_unsure_answers() {
        let rules = rules();
        let build = |question: &str, answer: &str| {
            let mut answers = Answers::new(&rules);
            for (k, v) in [
                ("warning_signs", "none"),
                ("condition", "knee-arthritis"),
                ("duration", "over-a-year"),
                ("severity", "moderate"),
                ("imaging", "moderate"),
                ("age", "50"),
                ("active_infection", "no"),
                ("health", "none"),
                ("prior_treatments", "none"),
            ] {
                let v = if k == question { answer } else { v };
                answers.give(&rules, k, v).unwrap();
            }
            answers.complete(&rules).unwrap()
        };
        for question in [
            "duration",
            "severity",
            "imaging",
            "active_infection",
            "health",
        ] {
            assert!(build(question, "unsure").has_unsure(&rules), "{question}");
        }
        assert!(!build("severity", "moderate").has_unsure(&rules));
    }
    #[test]
    fn read_document_stops_past_the_limit_and_refuses_what_is_not_text() {
        let text = read_document(&b"age = 54\n"[..]).unwrap();
        assert_eq!(text, Ok("age = 54\n".to_owned()));
        // An endless input (`--answers /dev/zero`) ends at once.
        let endless = read_document(std::io::repeat(0)).unwrap();
        assert_eq!(
            endless,
            Err(AnswerError::TooLarge {
                limit: MAX_ANSWER_FILE_BYTES
            })
        );
        let limit = usize::try_from(MAX_ANSWER_FILE_BYTES).unwrap();
        let exact = read_document(std::io::Read::take(
            std::io::repeat(b' '),
            MAX_ANSWER_FILE_BYTES,
        ))
        .unwrap();
        assert_eq!(exact.map(|t| t.len()), Ok(limit));
        let err = read_document(&b"age = \xff"[..]).unwrap().unwrap_err();
        assert_eq!(err.to_string(), "the file is not UTF-8 text");
        assert_eq!(
            endless.unwrap_err().to_string(),
            "the file is larger than 1048576 bytes, the most that is read"
        );
    }

    #[test]
    fn a_question_given_twice_in_a_document_is_refused() {
        let rules = rules();
        let mut answers = Answers::new(&rules);
        let twice = AnswerError::Twice {
            question: "warning_signs".into(),
        };
        let json = r#"{"warning_signs": ["fever"], "age": 5, "warning_signs": ["none"]}"#;
        assert_eq!(
            answers.give_document(&rules, json, DocumentFormat::Json),
            Err(twice.clone())
        );
        let json = r#"{"warning_signs": ["fever"], " warning_signs": ["none"]}"#;
        assert_eq!(
            answers.give_document(&rules, json, DocumentFormat::Json),
            Err(twice.clone())
        );
        let toml = "warning_signs = [\"fever\"]\n\"warning_signs \" = [\"none\"]\n";
        assert_eq!(
            answers.give_document(&rules, toml, DocumentFormat::Toml),
            Err(twice.clone())
        );
        assert_eq!(twice.to_string(), "`warning_signs` is given twice");
        // A refused document leaves the answers as they were.
        assert_eq!(answers, Answers::new(&rules));
    }

    #[test]
    fn numbers_take_digits_only_by_every_path_and_are_quoted_as_written() {
        let rules = rules();
        let age = &rules.questions[index(&rules, "age")];
        let message = |v: &str| format!("`age` must be a whole number from 0 to 120, not `{v}`");
        for bad in [
            "52.0",
            "5.2e1",
            "1e1",
            "-0.0",
            "99999999999999999999",
            "+52",
            "0x34",
        ] {
            let mut answers = Answers::new(&rules);
            let err = answers.give(&rules, "age", bad).unwrap_err();
            assert_eq!(err.to_string(), message(bad), "flag");
            assert_eq!(
                parse(age, Given::Number(bad)).unwrap_err().to_string(),
                message(bad)
            );
            for json in [
                format!("{{\"age\": \"{bad}\"}}"),
                format!("{{\"age\": {bad}}}"),
            ] {
                if serde_json::from_str::<serde_json::Value>(&json).is_err() {
                    continue; // `+52` and `0x34` are not JSON numbers
                }
                let err = answers
                    .give_document(&rules, &json, DocumentFormat::Json)
                    .unwrap_err();
                assert_eq!(err.to_string(), message(bad), "{json}");
            }
        }
        for good in ["54", " 54 ", "054"] {
            assert_eq!(parse(age, Given::Text(good)), Ok(Value::Number(54)));
        }
        assert_eq!(parse(age, Given::Number("54")), Ok(Value::Number(54)));
        assert_eq!(parse(age, Given::Integer(54)), Ok(Value::Number(54)));
        let mut answers = Answers::new(&rules);
        answers
            .give_document(&rules, r#"{"age": "54"}"#, DocumentFormat::Json)
            .unwrap();
        answers
            .give_document(&rules, "age = 54", DocumentFormat::Toml)
            .unwrap();
        assert_eq!(answers.get(index(&rules, "age")), Some(Value::Number(54)));
        let err = answers
            .give_document(&rules, r#"{"age": [54]}"#, DocumentFormat::Json)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "`age` has a value of the wrong type: an array"
        );
    }

    #[test]
    fn messages_repeat_a_given_value_cut_short() {
        let rules = rules();
        let long = "q".repeat(10_000);
        let cut = format!("`{}…`", "q".repeat(crate::limits::MAX_SHOWN_CHARS));
        let mut answers = Answers::new(&rules);
        for (key, value) in [(long.as_str(), "x"), ("condition", &long), ("age", &long)] {
            let err = answers.give(&rules, key, value).unwrap_err().to_string();
            assert!(err.contains(&cut) && err.len() < 500, "{err}");
        }
        let json = format!(r#"{{"age": {{"{long}": 1}}, "condition": "x"}}"#);
        let err = answers
            .give_document(&rules, &json, DocumentFormat::Json)
            .unwrap_err()
            .to_string();
        assert_eq!(err, "`age` has a value of the wrong type: an object");
        let toml = format!("age = \"1\"\ncondition = {long}\n");
        let err = answers
            .give_document(&rules, &toml, DocumentFormat::Toml)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("invalid TOML at line 2, column 13: "),
            "{err}"
        );
        assert!(err.len() < 500, "{err}");
    }
}

#[cfg(test)]
mod mutation_tests {
    use super::*;

    fn rules() -> RuleSet {
        RuleSet::embedded().unwrap()
    }

    fn index(rules: &RuleSet, id: &str) -> usize {
        rules.question_index(id).unwrap()
    }

    #[test]
    fn a_document_that_is_not_a_table_is_refused_whatever_its_type() {
        let rules = rules();
        for text in ["\"age\"", "true", "-1", "1", "1.5", "null", "[1, 2]", "[]"] {
            let mut answers = Answers::new(&rules);
            assert_eq!(
                answers.give_document(&rules, text, DocumentFormat::Json),
                Err(not_a_table()),
                "{text}"
            );
            assert_eq!(answers, Answers::new(&rules), "{text}");
        }
        assert_eq!(
            not_a_table().to_string(),
            "expected a table whose keys are question ids"
        );
    }

    #[test]
    fn escaped_text_in_a_json_document_reads_as_the_text_it_stands_for() {
        let rules = rules();
        let mut answers = Answers::new(&rules);
        // `\u0067` is `g`, `\u002d` is `-`, `\u0035\u0034` is `54`.
        let json = r#"{"a\u0067e": "\u0035\u0034", "condition": "knee\u002darthritis",
                       "health": ["\u006eone"]}"#;
        answers
            .give_document(&rules, json, DocumentFormat::Json)
            .unwrap();
        let condition = &rules.questions[index(&rules, "condition")];
        let health = &rules.questions[index(&rules, "health")];
        assert_eq!(answers.get(index(&rules, "age")), Some(Value::Number(54)));
        assert_eq!(
            answers.get(index(&rules, "condition")),
            Some(Value::Choice(
                condition.option_index("knee-arthritis").unwrap()
            ))
        );
        assert_eq!(
            answers.get(index(&rules, "health")),
            Some(Value::Several(OptionSet::from_indices([health
                .option_index("none")
                .unwrap()])))
        );
        // An escaped value that is not a number is quoted as it reads.
        let err = answers
            .give_document(&rules, r#"{"age": "5\u0034.0"}"#, DocumentFormat::Json)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "`age` must be a whole number from 0 to 120, not `54.0`"
        );
    }

    #[test]
    fn the_readers_say_what_they_expected_when_given_something_else() {
        use serde::Deserialize;
        use serde::de::value::{BytesDeserializer, Error};
        let bytes = || BytesDeserializer::<Error>::new(b"x");
        let text = Text::deserialize(bytes()).err().unwrap();
        assert_eq!(
            text.to_string(),
            "invalid type: byte array, expected a string"
        );
        let raw = Raw::deserialize(bytes()).err().unwrap();
        assert_eq!(
            raw.to_string(),
            "invalid type: byte array, expected an answer"
        );
        let rules = rules();
        let mut answers = Answers::new(&rules);
        let seed = DocumentSeed {
            rules: &rules,
            answers: &mut answers,
        };
        assert_eq!(
            seed.deserialize(bytes()).unwrap_err().to_string(),
            "invalid type: byte array, expected a table whose keys are question ids"
        );
    }
}
