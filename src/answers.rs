//! Answers to the questionnaire: parsing what was given on the command line
//! or in an answer file, and checking it against the questions.
//!
//! [`Answers`] is a partial set (some questions may still be open);
//! [`AnswerSet`] is complete and valid, and only it can be evaluated. No
//! I/O happens here: callers read files and pass their text.

use crate::ruleset::{OptionSet, Question, QuestionKind, RuleSet};

/// One valid answer, as indices into the question's options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    /// A one-choice answer: the option's index.
    Choice(usize),
    /// A several-choice answer: never empty, exclusive options alone.
    Several(OptionSet),
    /// A number within the question's range.
    Number(i64),
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
    /// The answer file is not valid TOML or JSON, or not a table of answers.
    #[error("{0}")]
    Syntax(String),
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
    /// A whole number.
    Integer(i64),
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
        }
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

    /// The indices of the questions not answered yet, in order.
    pub fn missing(&self) -> Vec<usize> {
        (0..self.values.len())
            .filter(|&i| self.values[i].is_none())
            .collect()
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
    /// question's index. TOML values take this path too, through serde.
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
    /// question ids. Unknown keys are errors.
    pub fn give_document(
        &mut self,
        rules: &RuleSet,
        text: &str,
        format: DocumentFormat,
    ) -> Result<(), AnswerError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        for (key, value) in entries(text, format)? {
            self.give_value(rules, &key, value)?;
        }
        Ok(())
    }

    /// The complete set, or the indices of the open questions.
    /// Like [`Answers::complete`], but fills `set` in place, reusing its
    /// buffer (the batch screens millions of records with one).
    pub fn complete_into(&self, set: &mut AnswerSet) -> Result<(), Vec<usize>> {
        if self.values.iter().any(Option::is_none) {
            return Err(self.missing());
        }
        set.values.clear();
        set.values.extend(self.values.iter().flatten().copied());
        Ok(())
    }

    pub fn complete(self) -> Result<AnswerSet, Vec<usize>> {
        let missing = self.missing();
        if missing.is_empty() {
            Ok(AnswerSet {
                values: self.values.into_iter().flatten().collect(),
            })
        } else {
            Err(missing)
        }
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
        self.values
            .iter()
            .zip(&rules.questions)
            .any(|(v, q)| match v {
                Value::Choice(i) => q.unsure_options().contains(*i),
                Value::Several(set) => q.unsure_options().intersects(*set),
                Value::Number(_) => false,
            })
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
            key: key.to_owned(),
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
            value: id.to_owned(),
            options: option_list(question),
        })
}

/// Checks a given answer against its question.
pub(crate) fn parse(question: &Question, given: Given<'_>) -> Result<Value, AnswerError> {
    match (&question.kind, given) {
        (QuestionKind::Choice(_), Given::Text(text)) => {
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
        (QuestionKind::Number { min, max }, given) => {
            let invalid = |value: String| AnswerError::InvalidNumber {
                question: question.id.clone(),
                value,
                min: *min,
                max: *max,
            };
            let n = match given {
                Given::Integer(n) => n,
                Given::Text(text) => text
                    .trim()
                    .parse::<i64>()
                    .map_err(|_| invalid(text.to_owned()))?,
                Given::List(items) => return Err(invalid(items.join(","))),
            };
            if (*min..=*max).contains(&n) {
                Ok(Value::Number(n))
            } else {
                Err(invalid(n.to_string()))
            }
        }
    }
}

type Entries = Vec<(String, serde_json::Value)>;

/// Parses a JSON or TOML answer document into its entries. TOML is read
/// into the same JSON value model, so both kinds of file follow one path.
fn entries(text: &str, format: DocumentFormat) -> Result<Entries, AnswerError> {
    let document: serde_json::Value = match format {
        DocumentFormat::Json => serde_json::from_str(text)
            .map_err(|e| AnswerError::Syntax(format!("invalid JSON: {e}")))?,
        DocumentFormat::Toml => toml::from_str(text).map_err(|e| {
            AnswerError::Syntax(format!("invalid TOML: {}", e.to_string().trim_end()))
        })?,
    };
    let serde_json::Value::Object(map) = document else {
        return Err(AnswerError::Syntax(
            "expected a table whose keys are question ids".to_owned(),
        ));
    };
    Ok(map.into_iter().collect())
}

/// An answer as written in a document: a string, a whole number (a number
/// with a fraction stays text, so the question's parser refuses it) or an
/// array of strings.
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
                Ok(Given::Text(number))
            }
        },
        serde_json::Value::Array(items) => items
            .iter()
            .map(|item| match item {
                serde_json::Value::String(s) => Ok(s.as_str()),
                other => Err(wrong_type(key, &other.to_string())),
            })
            .collect::<Result<_, _>>()
            .map(Given::List),
        other => Err(wrong_type(key, &other.to_string())),
    }
}

/// The error for a value of a type no question takes.
pub(crate) fn wrong_type(key: &str, found: &str) -> AnswerError {
    AnswerError::WrongType {
        question: key.to_owned(),
        found: found.to_owned(),
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
            answers.missing().len(),
            3,
            "warning_signs, severity and active_infection are open"
        );
    }

    #[test]
    fn refuses_unknown_questions_and_options_naming_what_is_accepted() {
        let rules = rules();
        let mut answers = Answers::new(&rules);
        let err = answers.give(&rules, "colour", "red").unwrap_err();
        assert!(matches!(err, AnswerError::UnknownQuestion { .. }));
        assert!(err.to_string().contains("condition, severity, age"));
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
        let toml = "warning_signs = [\"none\"]\ncondition = \"hip-arthritis\"\nseverity = \"moderate\"\nage = 61\n\
                    active_infection = \"no\"\nprior_treatments = [\"medication\"]\n";
        let json = r#"{"warning_signs":["none"],"condition":"hip-arthritis","severity":"moderate","age":61,
                       "active_infection":"no","prior_treatments":["medication"]}"#;
        let mut from_toml = Answers::new(&rules);
        from_toml
            .give_document(&rules, toml, DocumentFormat::Toml)
            .unwrap();
        let mut from_json = Answers::new(&rules);
        from_json
            .give_document(&rules, &format!("\u{feff}{json}"), DocumentFormat::Json)
            .unwrap();
        assert_eq!(from_toml, from_json);
        assert!(from_toml.complete().is_ok());
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
        let build = |severity: &str| {
            let mut answers = Answers::new(&rules);
            for (k, v) in [
                ("warning_signs", "none"),
                ("condition", "knee-arthritis"),
                ("severity", severity),
                ("age", "50"),
                ("active_infection", "no"),
                ("prior_treatments", "none"),
            ] {
                answers.give(&rules, k, v).unwrap();
            }
            answers.complete().unwrap()
        };
        assert!(build("unsure").has_unsure(&rules));
        assert!(!build("moderate").has_unsure(&rules));
    }
}
