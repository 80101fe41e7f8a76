//! The rule set: questionnaire, sources, rules and every piece of text a
//! person reads, loaded from TOML files and validated once.
//!
//! Invariants once a `RuleSet` exists (the loader guarantees them):
//! - ids are unique within questions, options of one question, sources and
//!   rules;
//! - every matcher refers to an existing question by index, with a test of
//!   the question's kind and option sets within its options;
//! - every citation refers to a declared source and has a non-empty quote;
//! - a disclaimer is declared and is not empty;
//! - no string a person reads uses a verdict or promise word, and a
//!   `may-be-suitable` rule citing only clinic marketing attributes its
//!   claim;
//! - a question is asked first (the warning signs), and each of its options
//!   but `none` fires an `urgent-care` rule whatever the other answers;
//! - a source's `file` is a plain file name and its `url` an `https:` or
//!   `http:` address.
//!
//! Matching is done on indices and bit sets, so evaluation never looks up a
//! string or allocates per rule.

mod embedded;
mod guard;
mod load;
mod raw;

use std::path::Path;

use serde::{Deserialize, Serialize};

pub use embedded::{EMBEDDED_CASES, EMBEDDED_FILES};
pub use load::{Diagnostic, LoadError, Location, RuleFile};
pub(crate) use load::{locate, read_dir};

use crate::level::Level;

/// A validated rule set.
#[derive(Debug, Clone)]
pub struct RuleSet {
    /// Name, version, review dates and the disclaimer.
    pub meta: Meta,
    /// Text around the rules: headings, labels, interview messages.
    pub text: Text,
    /// How each level is named and explained to people.
    pub levels: Levels,
    /// The questions, in the order they are asked.
    pub questions: Vec<Question>,
    /// The documents rules cite.
    pub sources: Vec<Source>,
    /// The rules, in file order (files sorted by name).
    pub rules: Vec<Rule>,
    /// Questions to ask any clinic, shown in every summary.
    pub before_you_book: Vec<Advice>,
    /// Clinic promises beside what research says, shown in every summary.
    pub claims: Vec<Claim>,
    /// sha256 of the files, see [`RuleSet::from_files`].
    pub sha256: String,
}

/// Whether a question is asked, given the answers so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asked {
    /// Its `ask_when` holds (or it has none).
    Yes,
    /// Its `ask_when` fails on the answers given: it is not asked, and an
    /// answer it has not been given is [`Value::Unasked`](crate::answers::Value::Unasked).
    No,
    /// Its `ask_when` refers to a question still open.
    NotYet,
}

impl RuleSet {
    /// For every question, in order, whether it is asked given `answers`:
    /// a matcher on an answered question tests the answer; one on a
    /// question not asked and not answered fails; one on a question still
    /// open leaves it undecided.
    pub fn asked(&self, answers: &crate::answers::Answers) -> Vec<Asked> {
        let mut asked: Vec<Asked> = Vec::with_capacity(self.questions.len());
        for question in &self.questions {
            let mut status = Asked::Yes;
            for m in &question.ask_when {
                // The loader checks that `m.question` comes before this one.
                let earlier = asked.get(m.question).copied().unwrap_or(Asked::NotYet);
                match (answers.get(m.question), earlier) {
                    (Some(value), _) if m.test.matches(&value) => {}
                    (Some(_), _) | (None, Asked::No) => {
                        status = Asked::No;
                        break;
                    }
                    (None, _) => status = Asked::NotYet,
                }
            }
            asked.push(status);
        }
        asked
    }

    /// The rule set under `rules/`, compiled into the binary.
    pub fn embedded() -> Result<RuleSet, LoadError> {
        let files = EMBEDDED_FILES
            .iter()
            .map(|(name, text)| RuleFile {
                name: format!("rules/{name}"),
                text: (*text).to_owned(),
            })
            .collect();
        RuleSet::from_files(files)
    }

    /// The files of the built-in rule set, named as in `rules/` (without
    /// the folder): for tests and tools that load them with edits or
    /// additions through [`RuleSet::from_files`].
    pub fn embedded_files() -> Vec<RuleFile> {
        EMBEDDED_FILES
            .iter()
            .map(|(name, text)| RuleFile {
                name: (*name).to_owned(),
                text: (*text).to_owned(),
            })
            .collect()
    }

    /// For the library's tests: the built-in rule files with `from`
    /// replaced by `to` once in the file named `name` (which must hold it),
    /// and the `extra` files added, as `(name, text)` (files load in name
    /// order, so `zz-extra.toml` comes last).
    #[cfg(test)]
    pub(crate) fn built_in_with(
        edit: Option<(&str, &str, &str)>,
        extra: &[(&str, &str)],
    ) -> Result<RuleSet, LoadError> {
        let mut files = RuleSet::embedded_files();
        if let Some((name, from, to)) = edit {
            let file = files
                .iter_mut()
                .find(|f| f.name == name)
                .unwrap_or_else(|| panic!("no built-in file {name}"));
            assert!(file.text.contains(from), "{name} holds {from}");
            file.text = file.text.replacen(from, to, 1);
        }
        files.extend(extra.iter().map(|(name, text)| RuleFile {
            name: (*name).to_owned(),
            text: (*text).to_owned(),
        }));
        RuleSet::from_files(files)
    }

    /// The case files of the built-in rule set (`rules/tests/`), named as
    /// in the repository.
    pub fn embedded_cases() -> Vec<RuleFile> {
        EMBEDDED_CASES
            .iter()
            .map(|(name, text)| RuleFile {
                name: format!("rules/tests/{name}"),
                text: (*text).to_owned(),
            })
            .collect()
    }

    /// Loads every `*.toml` file directly inside `dir` (not below it).
    pub fn load_dir(dir: &Path) -> Result<RuleSet, LoadError> {
        RuleSet::from_files(load::read_dir(dir, "rule")?)
    }

    /// Validates a set of files. The sha256 covers, for each file in name
    /// order, its file name (without folder), a NUL byte, its bytes and a NUL
    /// byte; so the same files give the same hash wherever they are loaded
    /// from.
    pub fn from_files(files: Vec<RuleFile>) -> Result<RuleSet, LoadError> {
        load::build(files)
    }

    /// The index of the question with this id.
    pub fn question_index(&self, id: &str) -> Option<usize> {
        self.questions.iter().position(|q| q.id == id)
    }
}

/// The rule set's identity.
#[derive(Debug, Clone)]
pub struct Meta {
    /// What the rule set is for.
    pub name: String,
    /// The clinic's version of the rules.
    pub version: String,
    /// Language of the text, as a BCP 47 tag (for example `en`).
    pub language: String,
    /// When the rules were last reviewed, `YYYY-MM-DD`.
    pub reviewed: String,
    /// When they must be reviewed again, `YYYY-MM-DD`.
    pub review_by: String,
    /// Shown with every summary, whatever the outcome and format.
    pub disclaimer: String,
    /// What the sources say that the disclaimer rests on (may be empty).
    pub disclaimer_citations: Vec<Citation>,
}

impl Meta {
    /// Whether `review_by` has passed on `today` (`YYYY-MM-DD`).
    pub fn review_overdue(&self, today: &str) -> bool {
        self.review_by.as_str() < today
    }
}

/// Text printed around the rules. Fields with `{name}` are templates, filled
/// with [`fill`].
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct Text {
    pub title: String,
    /// `{count}` questions at most, about `{minutes}` minutes: the first
    /// screen of an interview.
    pub intro: String,
    /// In `intro` as `{saving}`: nothing is written.
    pub not_saved: String,
    /// In `intro` as `{saving}` with `--output` or `--output-dir`: the
    /// summary is saved.
    pub summary_saved: String,
    pub outcome_heading: String,
    pub findings_heading: String,
    pub info_heading: String,
    pub conflicts_heading: String,
    pub answers_heading: String,
    pub sources_heading: String,
    pub disclaimer_heading: String,
    pub column_level: String,
    pub column_finding: String,
    pub column_sources: String,
    pub column_question: String,
    pub column_answer: String,
    pub column_source: String,
    pub column_kind: String,
    /// `{source}`, `{kind}`, `{quote}`.
    pub citation: String,
    /// For staff: `{source}`, `{kind}`, `{title}`, `{publisher}`, `{quote}`;
    /// the source's address follows on its own line.
    pub citation_full: String,
    /// For staff, under a finding's level: `{rule}`, `{level}`.
    pub rule_reference: String,
    /// How a message attributes a claim to a source: `{source}`. `rules
    /// check` requires it in a `may-be-suitable` message citing only clinic
    /// marketing.
    pub attribution: String,
    pub before_you_book_heading: String,
    pub before_you_book_intro: String,
    pub claims_heading: String,
    pub claims_intro: String,
    /// Before a claim's promise.
    pub claim_promise: String,
    /// Before what research or a regulator says beside it.
    pub claim_evidence: String,
    /// `{topic}`, `{brief}`: a claim in the short summary.
    pub claim_brief: String,
    /// After the warning-sign findings that open an urgent-care summary.
    pub urgent_then: String,
    /// The short summary's heading over the reasons for its outcome.
    pub why_heading: String,
    /// `{count}`: the short summary's last reason when there are more
    /// than it lists.
    pub more_reasons: String,
    /// `{sources}`: under a statement of the short summary, the sources it
    /// rests on, named without their quotes.
    pub from_sources: String,
    /// `{sources}`, `{kind}`: the sources of one kind in a `from_sources`
    /// line, names joined with commas.
    pub source_group: String,
    /// The last line of the short summary: where the details are.
    pub details_hint: String,
    /// The handout's closed block under the short summary: every quote,
    /// the answers and the sources.
    pub details_summary: String,
    pub no_rule_matched: String,
    /// `{question}`, `{answer}`: after `no_rule_matched`, an answer that no
    /// rule speaks to.
    pub not_covered: String,
    /// `{questions}`: the questions answered "not sure".
    pub unsure_answer: String,
    /// `{questions}`: when the outcome would be `may-be-suitable` but a
    /// question was not asked (a custom rule set's `ask_when`).
    pub unasked_question: String,
    /// How `--explain` shows the answer to a question that was not asked.
    pub not_asked: String,
    /// `{version}`, `{reviewed}`, `{review_by}`, `{sha256}`.
    pub ruleset_line: String,
    /// `{date}`, `{time}` (UTC), `{tool}`, `{version}`: when and by what a
    /// summary was made.
    pub made_line: String,
    /// `{review_by}`: shown in every summary once that date has passed.
    pub review_overdue: String,
    pub explain_heading: String,
    pub column_rule: String,
    pub column_result: String,
    pub explain_matched: String,
    /// `{test}`, `{answer}`.
    pub explain_not_matched: String,
    pub changes_heading: String,
    /// `{question}`, `{answer}`, `{outcome}`.
    pub change_line: String,
    pub no_change: String,
    pub kind_clinic_marketing: String,
    pub kind_clinical_guidance: String,
    pub kind_regulator: String,
    pub kind_research: String,
    /// `{number}`, `{total}`.
    pub progress: String,
    /// `{min}`, `{max}`.
    pub number_invalid: String,
    pub choose_at_least_one: String,
    /// `{option}`.
    pub exclusive_option: String,
    pub multi_hint: String,
    pub back_hint: String,
    /// In place of `back_hint` while changing an answer from the review.
    pub review_back_hint: String,
    /// `{value}`: asked when a number is unusual (`confirm_below`,
    /// `confirm_above`).
    pub number_confirm: String,
    pub confirm_yes: String,
    pub confirm_no: String,
    /// The review of every answer before the summary.
    pub review_prompt: String,
    pub review_confirm: String,
    /// `{question}`.
    pub review_change: String,
    /// `--repeat`: after a summary.
    pub next_prompt: String,
    pub next_yes: String,
    pub next_no: String,
    /// `--plain`: what to type at each kind of prompt.
    pub plain_choose: String,
    pub plain_several: String,
    pub plain_number: String,
    /// `{answer}`: an empty line keeps the earlier answer.
    pub plain_keep: String,
    pub plain_back: String,
    /// In place of `plain_back` while changing an answer from the review.
    pub plain_review_back: String,
    /// The word typed to go back (compared ignoring case).
    pub plain_back_word: String,
    /// The back word typed at the first question.
    pub plain_no_back: String,
    pub plain_review: String,
    /// `{count}`: the number of options.
    pub plain_not_understood: String,
    /// `{path}`: after `--output` saved the summary.
    pub saved: String,
}

impl Text {
    /// Keys of text shown only to intake staff or rule authors (with
    /// `--explain` or `--audience staff`), or that are templates of ids and
    /// hashes rather than sentences.
    const NOT_PATIENT_FACING: [&'static str; 13] = [
        "made_line",
        "explain_heading",
        "column_rule",
        "column_result",
        "explain_matched",
        "explain_not_matched",
        "changes_heading",
        "change_line",
        "no_change",
        "rule_reference",
        "citation_full",
        "attribution",
        "ruleset_line",
    ];

    /// Every entry as `(key, text, patient-facing)`, in key order.
    pub fn entries(&self) -> Vec<(String, String, bool)> {
        let Ok(serde_json::Value::Object(map)) = serde_json::to_value(self) else {
            return Vec::new();
        };
        map.into_iter()
            .filter_map(|(key, value)| {
                let text = value.as_str()?.to_owned();
                let patient_facing = !Self::NOT_PATIENT_FACING.contains(&key.as_str());
                Some((key, text, patient_facing))
            })
            .collect()
    }

    /// The words for a kind of source.
    pub fn source_kind(&self, kind: SourceKind) -> &str {
        match kind {
            SourceKind::ClinicMarketing => &self.kind_clinic_marketing,
            SourceKind::ClinicalGuidance => &self.kind_clinical_guidance,
            SourceKind::Regulator => &self.kind_regulator,
            SourceKind::Research => &self.kind_research,
        }
    }
}

/// Fills `{name}` placeholders in a template, in one pass over the
/// template: a value is put in as it is, never read for placeholders
/// itself (a folder named `{outcome}` stays so). Unknown placeholders are
/// left as they are.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            values
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, value)| (*value, close))
        });
        match value {
            Some((value, close)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// How one level is named and explained.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelText {
    /// A few words, shown as the outcome.
    pub label: String,
    /// A sentence or two on what the outcome means.
    pub explanation: String,
    /// What to do, with its time frame: the first line of a summary with
    /// this outcome, unless a finding at this level has its own.
    pub action: String,
}

/// The words for every level.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[allow(missing_docs)]
pub struct Levels {
    pub urgent_care: LevelText,
    pub not_suitable_now: LevelText,
    pub clinician_review: LevelText,
    pub may_be_suitable: LevelText,
    pub info: LevelText,
}

impl Levels {
    /// The words for `level`.
    pub fn get(&self, level: Level) -> &LevelText {
        match level {
            Level::UrgentCare => &self.urgent_care,
            Level::NotSuitableNow => &self.not_suitable_now,
            Level::ClinicianReview => &self.clinician_review,
            Level::MayBeSuitable => &self.may_be_suitable,
            Level::Info => &self.info,
        }
    }
}

/// One question of the questionnaire.
#[derive(Debug, Clone)]
pub struct Question {
    /// The contract id (`condition`, `age`, ...).
    pub id: String,
    /// What kind of answer it takes.
    pub kind: QuestionKind,
    /// The question as asked.
    pub prompt: String,
    /// A short plain-language help text.
    pub help: String,
    /// A number question: answers outside this range are unusual (an age
    /// under 18 or over 100), so the interview asks the person to confirm
    /// them. `None` when every valid answer is usual.
    pub usual: Option<std::ops::RangeInclusive<i64>>,
    /// Asked before every question without it: the warning signs. Every
    /// rule set has one, and each of its options but `none` fires an
    /// `urgent-care` rule whatever the other answers.
    pub asked_first: bool,
    /// Asked only when every matcher holds on the answers to earlier
    /// questions (the loader checks that each refers to a question before
    /// this one); empty when always asked. Decides what is asked and
    /// required, never what is evaluated: an answer given to a question
    /// that is not asked still counts.
    pub ask_when: Vec<Matcher>,
}

impl Question {
    /// The options of a choice or multi question; empty for a number.
    pub fn options(&self) -> &[AnswerOption] {
        match &self.kind {
            QuestionKind::Choice(options) | QuestionKind::Multi(options) => options,
            QuestionKind::Number { .. } => &[],
        }
    }

    /// The index of the option with this id.
    pub fn option_index(&self, id: &str) -> Option<usize> {
        self.options().iter().position(|o| o.id == id)
    }

    /// Whether a number answer is unusual enough to confirm.
    pub fn needs_confirming(&self, n: i64) -> bool {
        self.usual.as_ref().is_some_and(|usual| !usual.contains(&n))
    }

    /// The options marked `unsure`.
    pub fn unsure_options(&self) -> OptionSet {
        OptionSet::from_indices(
            self.options()
                .iter()
                .enumerate()
                .filter(|(_, o)| o.unsure)
                .map(|(i, _)| i),
        )
    }
}

/// The kinds of question.
#[derive(Debug, Clone)]
pub enum QuestionKind {
    /// Exactly one option.
    Choice(Vec<AnswerOption>),
    /// One or more options; an `exclusive` option stands alone.
    Multi(Vec<AnswerOption>),
    /// A whole number within `min..=max`.
    Number {
        /// Smallest accepted answer.
        min: i64,
        /// Largest accepted answer.
        max: i64,
    },
}

/// One option of a choice or multi question.
#[derive(Debug, Clone)]
pub struct AnswerOption {
    /// The contract id.
    pub id: String,
    /// The words shown for it.
    pub label: String,
    /// A "not sure" answer: never counts as a pass.
    pub unsure: bool,
    /// Cannot be combined with other options (`none`).
    pub exclusive: bool,
}

/// What kind of document a source is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// A clinic's own web page or blog: marketing, not evidence.
    ClinicMarketing,
    /// A clinical guideline.
    ClinicalGuidance,
    /// A regulator's page.
    Regulator,
    /// A registered trial record, a published trial protocol or paper, or a
    /// systematic review: what research did or found.
    Research,
}

/// A document that rules cite.
#[derive(Debug, Clone)]
pub struct Source {
    /// The id citations use.
    pub id: String,
    /// How the summary names it ("Defiage blog post").
    pub name: String,
    /// The document's title.
    pub title: String,
    /// Who published it.
    pub publisher: String,
    /// Publication date, `YYYY-MM-DD`, where known.
    pub date: Option<String>,
    /// What kind of document it is.
    pub kind: SourceKind,
    /// File name of its text in the source folder, where there is one.
    pub file: Option<String>,
    /// Where it was published, where known.
    pub url: Option<String>,
}

/// A rule: when every matcher holds, it adds a finding at its level.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Unique id.
    pub id: String,
    /// How serious the finding is.
    pub level: Level,
    /// The plain-language, attributed message.
    pub message: String,
    /// Set when the rule reports a disagreement between sources: its topic.
    pub conflict: Option<String>,
    /// What to do, with its time frame ("See a doctor today."): the first
    /// line of a summary whose outcome is this rule's level, in place of
    /// the level's own action.
    pub action: Option<String>,
    /// Why a summary has this rule's outcome, in one short line, for the
    /// patient's short summary ("You were not sure how long you have had
    /// this problem."); the message when there is none.
    pub reason: Option<String>,
    /// Among the reasons of the same level, those of a higher priority are
    /// listed first (what the clinician must know, such as a health
    /// condition trials left out, before what is merely not known); 0
    /// when not given.
    pub priority: u8,
    /// An `info` note about the procedure or recovery: left out of a
    /// patient's summary whose outcome says the therapy is not for now.
    pub procedure: bool,
    /// All must hold; sorted by question order. Empty only for `always`.
    pub when: Vec<Matcher>,
    /// At least one.
    pub citations: Vec<Citation>,
    /// Where the rule is written.
    pub origin: Location,
}

impl Rule {
    /// Why a summary has this rule's outcome, in one line where the rule
    /// set gives a `reason`, else the whole message.
    pub fn reason(&self) -> &str {
        self.reason.as_deref().unwrap_or(&self.message)
    }

    /// Whether every matcher holds for these answers.
    pub fn matches(&self, answers: &crate::answers::AnswerSet) -> bool {
        self.when
            .iter()
            .all(|m| m.test.matches(answers.value(m.question)))
    }

    /// The first matcher that does not hold for these answers, if any.
    pub fn first_failing(&self, answers: &crate::answers::AnswerSet) -> Option<&Matcher> {
        self.when
            .iter()
            .find(|m| !m.test.matches(answers.value(m.question)))
    }

    /// The `when` in words for rule authors, a line per matcher with
    /// question and option ids (`condition is knee-arthritis`, `age is at
    /// least 18`), or the one line `always`.
    pub fn describe_when(&self, rules: &RuleSet) -> Vec<String> {
        if self.when.is_empty() {
            return vec!["always".to_owned()];
        }
        self.when.iter().map(|m| m.describe(rules)).collect()
    }
}

impl Matcher {
    /// The test in words for rule authors, with question and option ids:
    /// `condition is knee-arthritis or hip-arthritis`, `age is 40 to 65`,
    /// `prior_treatments includes rest or physical-therapy, and not surgery`.
    pub fn describe(&self, rules: &RuleSet) -> String {
        let question = &rules.questions[self.question];
        let ids = |set: OptionSet, joiner: &str| {
            set.iter()
                .map(|i| question.options()[i].id.as_str())
                .collect::<Vec<_>>()
                .join(joiner)
        };
        let test = match &self.test {
            Test::OneOf(set) => format!("is {}", ids(*set, " or ")),
            Test::Range { min, max } => match question.kind {
                QuestionKind::Number { min: low, .. } if *min <= low => format!("is at most {max}"),
                QuestionKind::Number { max: high, .. } if *max >= high => {
                    format!("is at least {min}")
                }
                _ => format!("is {min} to {max}"),
            },
            Test::Several { any, all, none } => {
                let mut parts = Vec::new();
                if !any.is_empty() {
                    parts.push(format!("includes {}", ids(*any, " or ")));
                }
                if !all.is_empty() {
                    parts.push(format!("includes {}", ids(*all, " and ")));
                }
                if !none.is_empty() {
                    parts.push(match (parts.is_empty(), none.len()) {
                        (true, 1) => format!("does not include {}", ids(*none, "")),
                        (true, _) => format!("includes none of {}", ids(*none, ", ")),
                        (false, _) => format!("and not {}", ids(*none, " or ")),
                    });
                }
                parts.join(", ")
            }
        };
        format!("{} {test}", question.id)
    }
}

/// A test on one question's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matcher {
    /// Index into [`RuleSet::questions`].
    pub question: usize,
    /// What the answer must satisfy.
    pub test: Test,
}

/// The test a matcher applies, by question kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Test {
    /// A choice answer is one of these options.
    OneOf(OptionSet),
    /// A number answer lies within `min..=max`.
    Range {
        /// Inclusive lower bound.
        min: i64,
        /// Inclusive upper bound.
        max: i64,
    },
    /// A multi answer has at least one of `any` (when not empty), all of
    /// `all`, and none of `none`.
    Several {
        /// At least one of these, when not empty.
        any: OptionSet,
        /// Every one of these.
        all: OptionSet,
        /// None of these.
        none: OptionSet,
    },
}

impl Test {
    /// Whether some valid answer to `question` satisfies the test, in time
    /// that does not grow with the number of answers (the evaluator asks
    /// this for every screening).
    pub fn satisfiable(&self, question: &Question) -> bool {
        match (&question.kind, self) {
            // The loader keeps a set within the question's options.
            (QuestionKind::Choice(_), Test::OneOf(set)) => !set.is_empty(),
            (
                QuestionKind::Number {
                    min: low,
                    max: high,
                },
                Test::Range { min, max },
            ) => (*min).max(*low) <= (*max).min(*high),
            (QuestionKind::Multi(options), Test::Several { any, all, none }) => {
                several_satisfiable(options, *any, *all, *none)
            }
            // A test of another kind of question: the loader allows none.
            _ => false,
        }
    }

    /// Whether `value` satisfies the test. A value of another kind never
    /// does (the loader and the answer parser make that impossible).
    pub fn matches(&self, value: &crate::answers::Value) -> bool {
        use crate::answers::Value;
        match (self, value) {
            (Test::OneOf(set), Value::Choice(i)) => set.contains(*i),
            (Test::Range { min, max }, Value::Number(n)) => (*min..=*max).contains(n),
            (Test::Several { any, all, none }, Value::Several(chosen)) => {
                (any.is_empty() || any.intersects(*chosen))
                    && chosen.contains_all(*all)
                    && !none.intersects(*chosen)
            }
            _ => false,
        }
    }
}

/// Whether some valid answer to a several-choice question with `options`
/// has an option of `any` (when `any` is not empty), every option of `all`
/// and none of `none`. A valid answer (`crate::answers::check_several`) is
/// one option, or several options none of which is exclusive; adding an
/// option never helps meet `all` or `any` beyond the one it adds, so the
/// smallest candidates decide.
fn several_satisfiable(
    options: &[AnswerOption],
    any: OptionSet,
    all: OptionSet,
    none: OptionSet,
) -> bool {
    let every = OptionSet::from_indices(0..options.len());
    let exclusive = OptionSet::from_indices((0..options.len()).filter(|&i| options[i].exclusive));
    let (any, all, none) = (any.0 & every.0, all.0 & every.0, none.0 & every.0);
    let plain = every.0 & !exclusive.0;
    if all & none != 0 {
        return false;
    }
    if all & exclusive.0 != 0 {
        // An exclusive option stands alone: the answer is that option.
        return all.count_ones() == 1 && (any == 0 || any & all != 0);
    }
    match (any == 0, all == 0) {
        // Any one option not ruled out.
        (true, true) => every.0 & !none != 0,
        // `all` itself: plain options, or one option alone.
        (true, false) => true,
        (false, _) if any & all != 0 => true,
        // One option of `any`, alone.
        (false, true) => any & !none != 0,
        // `all` and one more plain option of `any`.
        (false, false) => any & plain & !none != 0,
    }
}

/// A set of option indices of one question (at most 64 options).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct OptionSet(u64);

impl OptionSet {
    /// The most options a question may have.
    pub const CAPACITY: usize = 64;

    /// The set of these indices; each must be below [`Self::CAPACITY`].
    pub fn from_indices(indices: impl IntoIterator<Item = usize>) -> OptionSet {
        OptionSet(indices.into_iter().fold(0, |bits, i| bits | (1 << i)))
    }

    /// The set with index `i` added; `i` must be below [`Self::CAPACITY`].
    #[must_use]
    pub fn with(self, i: usize) -> OptionSet {
        OptionSet(self.0 | (1 << i))
    }

    /// Whether index `i` is in the set.
    pub fn contains(self, i: usize) -> bool {
        i < Self::CAPACITY && self.0 & (1 << i) != 0
    }

    /// Whether every member of `other` is in the set.
    pub fn contains_all(self, other: OptionSet) -> bool {
        self.0 & other.0 == other.0
    }

    /// Whether the two sets share a member.
    pub fn intersects(self, other: OptionSet) -> bool {
        self.0 & other.0 != 0
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// How many members.
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// The members, in increasing order.
    pub fn iter(self) -> impl Iterator<Item = usize> {
        (0..Self::CAPACITY).filter(move |&i| self.contains(i))
    }
}

/// A question to ask any clinic before booking, with its sources.
#[derive(Debug, Clone)]
pub struct Advice {
    /// Unique id.
    pub id: String,
    /// The question, in plain language.
    pub text: String,
    /// At least one.
    pub citations: Vec<Citation>,
    /// Where it is written.
    pub origin: Location,
}

/// A clinic's promise, quoted and attributed, paired with what research or
/// a regulator says about the same thing: shown side by side in every
/// summary, so a promise is never shown without the evidence.
#[derive(Debug, Clone)]
pub struct Claim {
    /// Unique id.
    pub id: String,
    /// What the pair is about ("Side effects").
    pub topic: String,
    /// The promise in plain words, attributed to the clinic page.
    pub promise: String,
    /// At least one, each a clinic-marketing source.
    pub promise_citations: Vec<Citation>,
    /// What research or a regulator says, in plain words.
    pub evidence: String,
    /// At least one, none of them clinic marketing.
    pub evidence_citations: Vec<Citation>,
    /// Both sides in one or two short sentences, for the short patient
    /// summary; without it that summary shows the promise and the evidence
    /// in full.
    pub brief: Option<String>,
    /// Where it is written.
    pub origin: Location,
}

/// A citation: a declared source and the short quote the rule rests on.
#[derive(Debug, Clone)]
pub struct Citation {
    /// Index into [`RuleSet::sources`].
    pub source: usize,
    /// The exact phrase from the source.
    pub quote: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_sets_behave_as_sets() {
        let a = OptionSet::from_indices([0, 3]);
        let b = OptionSet::from_indices([3]);
        assert!(a.contains(0) && a.contains(3) && !a.contains(1));
        assert!(a.contains_all(b) && !b.contains_all(a));
        assert!(a.intersects(b) && !b.intersects(OptionSet::from_indices([1])));
        assert_eq!(a.iter().collect::<Vec<_>>(), [0, 3]);
        assert_eq!(a.len(), 2);
        assert!(OptionSet::default().is_empty());
        assert!(!a.contains(200), "out-of-range indices are never members");
    }

    /// A several-choice question of `n` options `o0`, `o1`, ..., those for
    /// which `exclusive` holds standing alone.
    fn several(n: usize, exclusive: impl Fn(usize) -> bool) -> Question {
        Question {
            id: "q".to_owned(),
            kind: QuestionKind::Multi(
                (0..n)
                    .map(|i| AnswerOption {
                        id: format!("o{i}"),
                        label: format!("o{i}"),
                        unsure: false,
                        exclusive: exclusive(i),
                    })
                    .collect(),
            ),
            prompt: String::new(),
            help: String::new(),
            usual: None,
            asked_first: false,
            ask_when: Vec::new(),
        }
    }

    #[test]
    fn a_several_choice_test_is_satisfiable_exactly_when_some_valid_answer_passes_it() {
        // Every question of up to 4 options, every choice of exclusive
        // options, every test: the closed form against trying every answer
        // the answer parser accepts.
        for n in 1..=4usize {
            let subsets = 1u64 << n;
            for exclusive in 0..subsets {
                let question = several(n, |i| exclusive & (1 << i) != 0);
                let set =
                    |bits: u64| OptionSet::from_indices((0..n).filter(|i| bits & (1 << i) != 0));
                for any in 0..subsets {
                    for all in 0..subsets {
                        for none in 0..subsets {
                            let test = Test::Several {
                                any: set(any),
                                all: set(all),
                                none: set(none),
                            };
                            let tried = (1..subsets).any(|answer| {
                                crate::answers::check_several(&question, set(answer))
                                    .is_ok_and(|value| test.matches(&value))
                            });
                            assert_eq!(
                                test.satisfiable(&question),
                                tried,
                                "{n} options, exclusive {exclusive:b}, {test:?}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn satisfiable_takes_the_same_time_for_a_question_of_64_options() {
        // Trying every answer of 64 options would never end; the closed
        // form answers at once: `none` of every plain option leaves only
        // the exclusive one, which `any` names.
        let question = several(64, |i| i == 63);
        let test = |any: &[usize], none: std::ops::Range<usize>| Test::Several {
            any: OptionSet::from_indices(any.iter().copied()),
            all: OptionSet::default(),
            none: OptionSet::from_indices(none),
        };
        assert!(test(&[63], 0..63).satisfiable(&question));
        assert!(!test(&[62], 0..63).satisfiable(&question));
        assert!(!test(&[], 0..64).satisfiable(&question));
    }

    #[test]
    fn rules_describe_their_when_in_words() {
        let rules = RuleSet::embedded().unwrap();
        let describe = |id: &str| {
            let rule = rules.rules.iter().find(|r| r.id == id).unwrap();
            rule.describe_when(&rules).join("; ")
        };
        assert_eq!(describe("active-infection"), "active_infection is yes");
        assert_eq!(describe("age-under-18-not-addressed"), "age is at most 17");
        assert_eq!(describe("jmc-middle-age"), "age is 40 to 65");
        assert_eq!(
            describe("sports-injury-rest-or-therapy-not-tried"),
            "condition is sports-injury; prior_treatments includes none of rest, physical-therapy"
        );
        let always = rules.rules.iter().find(|r| r.when.is_empty()).unwrap();
        assert_eq!(always.describe_when(&rules), ["always"]);
        let treatments = rules.question_index("prior_treatments").unwrap();
        let matcher = |any: &[usize], all: &[usize], none: &[usize]| Matcher {
            question: treatments,
            test: Test::Several {
                any: OptionSet::from_indices(any.iter().copied()),
                all: OptionSet::from_indices(all.iter().copied()),
                none: OptionSet::from_indices(none.iter().copied()),
            },
        };
        assert_eq!(
            matcher(&[0, 1], &[], &[3]).describe(&rules),
            "prior_treatments includes rest or physical-therapy, and not injections"
        );
        assert_eq!(
            matcher(&[], &[0, 1], &[]).describe(&rules),
            "prior_treatments includes rest and physical-therapy"
        );
        assert_eq!(
            matcher(&[], &[], &[4]).describe(&rules),
            "prior_treatments does not include surgery"
        );
    }

    #[test]
    fn fill_replaces_named_placeholders_only() {
        assert_eq!(
            fill(
                "Question {number} of {total} {other}",
                &[("number", "2"), ("total", "5")]
            ),
            "Question 2 of 5 {other}"
        );
        // A value is never filled in itself, whatever the order.
        assert_eq!(
            fill(
                "saved in {path} ({outcome})",
                &[("path", "a{outcome}/b"), ("outcome", "Urgent")]
            ),
            "saved in a{outcome}/b (Urgent)"
        );
        assert_eq!(fill("{a}{b}", &[("b", "{a}"), ("a", "{b}")]), "{b}{a}");
        assert_eq!(fill("{ {x} }{", &[("x", "1")]), "{ 1 }{");
    }
}

#[cfg(test)]
mod mutation_tests {
    #![allow(clippy::unwrap_used)] // a panic is how a test reports failure
    use super::*;

    #[test]
    fn an_index_given_twice_is_in_the_set_once() {
        let twice = OptionSet::from_indices([2, 5, 2]);
        assert_eq!(twice, OptionSet::from_indices([2, 5]));
        assert!(twice.contains(2) && twice.contains(5));
        assert_eq!(twice.len(), 2);
    }

    #[test]
    fn an_index_at_or_past_the_capacity_is_never_a_member() {
        let every = OptionSet::from_indices(0..OptionSet::CAPACITY);
        assert!(every.contains(OptionSet::CAPACITY - 1));
        assert!(!every.contains(OptionSet::CAPACITY));
        assert!(!every.contains(OptionSet::CAPACITY + 1));
        assert_eq!(every.iter().count(), OptionSet::CAPACITY);
    }

    #[test]
    fn each_kind_of_source_is_named_in_the_rule_files_words() {
        let rules = RuleSet::embedded().unwrap();
        let text = &rules.text;
        let named = [
            (SourceKind::ClinicMarketing, &text.kind_clinic_marketing),
            (SourceKind::ClinicalGuidance, &text.kind_clinical_guidance),
            (SourceKind::Regulator, &text.kind_regulator),
            (SourceKind::Research, &text.kind_research),
        ];
        for (kind, words) in named {
            assert!(!words.trim().is_empty(), "{kind:?}");
            assert_eq!(text.source_kind(kind), words.as_str(), "{kind:?}");
        }
    }

    #[test]
    fn a_range_up_to_the_largest_answer_is_described_as_at_least() {
        let rules = RuleSet::embedded().unwrap();
        let age = rules.question_index("age").unwrap();
        let QuestionKind::Number {
            min: low,
            max: high,
        } = rules.questions[age].kind
        else {
            panic!("age is a number question");
        };
        let describe = |min: i64, max: i64| {
            Matcher {
                question: age,
                test: Test::Range { min, max },
            }
            .describe(&rules)
        };
        assert_eq!(describe(18, high), "age is at least 18");
        assert_eq!(describe(18, high + 5), "age is at least 18");
        assert_eq!(describe(low, 17), "age is at most 17");
        assert_eq!(describe(18, high - 1), format!("age is 18 to {}", high - 1));
    }
}
