//! The interview: asks for the answers that were not given. This is the only
//! module that talks to the terminal (dialoguer, console, ctrlc).
//!
//! The flow ([`collect`]) is written against the [`Prompter`] trait, so it is
//! tested with a scripted prompter and no terminal; [`Terminal`] is the
//! dialoguer implementation. Every prompt is drawn on standard error, so
//! standard output carries only the summary.

use std::io::IsTerminal;

use console::Term;
use dialoguer::theme::ColorfulTheme;
use dialoguer::{Input, MultiSelect, Select};

use crate::answers::{self, AnswerSet, Answers, Value};
use crate::error::{Error, exit};
use crate::ruleset::{OptionSet, Question, QuestionKind, RuleSet, Text, fill};
use crate::sanitize::sanitize;

/// What the person did at a prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply<T> {
    /// Gave this answer.
    Answer(T),
    /// Asked to go back to the previous question (Esc).
    Back,
}

/// One question as shown: where we are, the question and its help.
#[derive(Debug, Clone)]
pub struct Ask<'a> {
    /// "Question 2 of 5".
    pub progress: String,
    /// The question.
    pub prompt: &'a str,
    /// Short help shown with it.
    pub help: &'a str,
    /// Whether Esc can go back (not on the first question asked).
    pub can_go_back: bool,
}

/// Something that can put questions to a person.
pub trait Prompter {
    /// One option out of `labels`; `default` is preselected.
    fn choose(
        &mut self,
        ask: &Ask<'_>,
        labels: &[&str],
        default: Option<usize>,
    ) -> Result<Reply<usize>, Error>;

    /// Any options out of `labels`; `checked` are preselected.
    fn choose_several(
        &mut self,
        ask: &Ask<'_>,
        labels: &[&str],
        checked: &[bool],
    ) -> Result<Reply<Vec<usize>>, Error>;

    /// A whole number; `check` turns the typed text into the number or the
    /// message to show before asking again.
    fn number(
        &mut self,
        ask: &Ask<'_>,
        initial: Option<i64>,
        check: &dyn Fn(&str) -> Result<i64, String>,
    ) -> Result<i64, Error>;

    /// Shows a message (why an answer was not accepted).
    fn notice(&mut self, message: &str) -> Result<(), Error>;

    /// Called once every question is answered, before the summary.
    fn finish(&mut self) -> Result<(), Error> {
        Ok(())
    }
}

/// Asks every question that `given` leaves open, in questionnaire order,
/// and returns the complete answers. Esc on a choice goes back to the
/// previous question asked, with its answer preselected.
pub fn collect(
    rules: &RuleSet,
    given: Answers,
    prompter: &mut dyn Prompter,
) -> Result<AnswerSet, Error> {
    let to_ask = given.missing();
    let mut answers = given;
    let mut step = 0;
    while let Some(&index) = to_ask.get(step) {
        let question = &rules.questions[index];
        let ask = Ask {
            progress: fill(
                &rules.text.progress,
                &[
                    ("number", &(step + 1).to_string()),
                    ("total", &to_ask.len().to_string()),
                ],
            ),
            prompt: &question.prompt,
            help: &question.help,
            can_go_back: step > 0,
        };
        match ask_one(&rules.text, question, answers.get(index), &ask, prompter)? {
            Reply::Answer(value) => {
                answers.set(index, value);
                step += 1;
            }
            Reply::Back => step = step.saturating_sub(1),
        }
    }
    prompter.finish()?;
    answers.complete().map_err(|missing| {
        Error::MissingAnswers(
            missing
                .into_iter()
                .map(|i| rules.questions[i].id.clone())
                .collect(),
        )
    })
}

fn ask_one(
    text: &Text,
    question: &Question,
    current: Option<Value>,
    ask: &Ask<'_>,
    prompter: &mut dyn Prompter,
) -> Result<Reply<Value>, Error> {
    let labels: Vec<&str> = question
        .options()
        .iter()
        .map(|o| o.label.as_str())
        .collect();
    match &question.kind {
        QuestionKind::Choice(_) => {
            let default = match current {
                Some(Value::Choice(i)) => Some(i),
                _ => None,
            };
            loop {
                match prompter.choose(ask, &labels, default)? {
                    Reply::Answer(i) if i < labels.len() => {
                        return Ok(Reply::Answer(Value::Choice(i)));
                    }
                    Reply::Back if ask.can_go_back => return Ok(Reply::Back),
                    // Esc on the first question, or an index out of range: ask again.
                    Reply::Answer(_) | Reply::Back => continue,
                }
            }
        }
        QuestionKind::Multi(options) => {
            let mut checked: Vec<bool> = match current {
                Some(Value::Several(set)) => (0..options.len()).map(|i| set.contains(i)).collect(),
                _ => vec![false; options.len()],
            };
            loop {
                let chosen = match prompter.choose_several(ask, &labels, &checked)? {
                    Reply::Answer(chosen) => chosen,
                    Reply::Back if ask.can_go_back => return Ok(Reply::Back),
                    Reply::Back => continue,
                };
                let set =
                    OptionSet::from_indices(chosen.iter().copied().filter(|&i| i < options.len()));
                match answers::check_several(question, set) {
                    Ok(value) => return Ok(Reply::Answer(value)),
                    Err(answers::AnswerError::Exclusive { .. }) => {
                        let exclusive = set.iter().find(|&i| options[i].exclusive);
                        let label = exclusive.map_or("", |i| options[i].label.as_str());
                        prompter.notice(&fill(&text.exclusive_option, &[("option", label)]))?;
                    }
                    Err(_) => prompter.notice(&text.choose_at_least_one)?,
                }
                checked = (0..options.len()).map(|i| set.contains(i)).collect();
            }
        }
        QuestionKind::Number { min, max } => {
            let initial = match current {
                Some(Value::Number(n)) => Some(n),
                _ => None,
            };
            let message = fill(
                &text.number_invalid,
                &[("min", &min.to_string()), ("max", &max.to_string())],
            );
            let check =
                |typed: &str| answers::parse_number(question, typed).map_err(|_| message.clone());
            let n = prompter.number(ask, initial, &check)?;
            Ok(Reply::Answer(Value::Number(n)))
        }
    }
}

/// Whether a person can be asked: standard input and standard error (where
/// prompts are drawn) are both terminals.
pub fn can_ask() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// The width of standard output when it is a terminal.
pub fn stdout_width() -> Option<u16> {
    let term = Term::stdout();
    if !term.is_term() {
        return None;
    }
    term.size_checked().map(|(_rows, columns)| columns)
}

/// Makes Ctrl-C leave the terminal usable: shows the cursor again and exits
/// with code 130. Call once, before the first prompt.
pub fn install_interrupt_handler() -> Result<(), Error> {
    ctrlc::set_handler(|| {
        restore_terminal();
        std::process::exit(i32::from(exit::INTERRUPTED));
    })
    .map_err(|e| Error::Output {
        what: "cannot install the Ctrl-C handler".to_owned(),
        source: std::io::Error::other(e),
    })
}

fn restore_terminal() {
    let term = Term::stderr();
    // Best effort: the terminal may already be gone.
    let _ = term.show_cursor();
    let _ = term.write_line("");
}

/// The dialoguer prompter, drawing on standard error.
pub struct Terminal {
    term: Term,
    theme: ColorfulTheme,
    multi_hint: String,
    back_hint: String,
}

impl std::fmt::Debug for Terminal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Terminal").finish_non_exhaustive()
    }
}

impl Terminal {
    /// A prompter using the rule set's interview text.
    pub fn new(text: &Text) -> Terminal {
        Terminal {
            term: Term::stderr(),
            theme: ColorfulTheme::default(),
            multi_hint: text.multi_hint.clone(),
            back_hint: text.back_hint.clone(),
        }
    }

    /// Progress, help and key hints above a prompt. `can_go_back` is false
    /// where the prompt has no Esc (dialoguer's `Input`), whatever `ask` says.
    fn header(&self, ask: &Ask<'_>, hint: Option<&str>, can_go_back: bool) -> Result<(), Error> {
        let mut lines = vec![String::new(), ask.progress.clone(), ask.help.to_owned()];
        let mut hints: Vec<&str> = hint.into_iter().collect();
        if can_go_back && ask.can_go_back {
            hints.push(&self.back_hint);
        }
        if !hints.is_empty() {
            lines.push(hints.join(" "));
        }
        for line in lines {
            self.term
                .write_line(&console::style(sanitize(&line)).dim().to_string())
                .map_err(terminal_error)?;
        }
        Ok(())
    }
}

fn terminal_error(e: std::io::Error) -> Error {
    if e.kind() == std::io::ErrorKind::Interrupted {
        restore_terminal();
        Error::Interrupted
    } else {
        Error::Output {
            what: "cannot talk to the terminal".to_owned(),
            source: e,
        }
    }
}

fn dialoguer_error(e: dialoguer::Error) -> Error {
    match e {
        dialoguer::Error::IO(e) => terminal_error(e),
    }
}

fn clean(labels: &[&str]) -> Vec<String> {
    labels.iter().map(|l| sanitize(l).into_owned()).collect()
}

impl Prompter for Terminal {
    fn choose(
        &mut self,
        ask: &Ask<'_>,
        labels: &[&str],
        default: Option<usize>,
    ) -> Result<Reply<usize>, Error> {
        self.header(ask, None, true)?;
        let choice = Select::with_theme(&self.theme)
            .with_prompt(sanitize(ask.prompt))
            .items(clean(labels))
            .default(default.unwrap_or(0))
            .interact_on_opt(&self.term)
            .map_err(dialoguer_error)?;
        Ok(choice.map_or(Reply::Back, Reply::Answer))
    }

    fn choose_several(
        &mut self,
        ask: &Ask<'_>,
        labels: &[&str],
        checked: &[bool],
    ) -> Result<Reply<Vec<usize>>, Error> {
        self.header(ask, Some(&self.multi_hint), true)?;
        let items: Vec<(String, bool)> = clean(labels)
            .into_iter()
            .zip(checked.iter().copied())
            .collect();
        let chosen = MultiSelect::with_theme(&self.theme)
            .with_prompt(sanitize(ask.prompt))
            .items_checked(items)
            .interact_on_opt(&self.term)
            .map_err(dialoguer_error)?;
        Ok(chosen.map_or(Reply::Back, Reply::Answer))
    }

    fn number(
        &mut self,
        ask: &Ask<'_>,
        initial: Option<i64>,
        check: &dyn Fn(&str) -> Result<i64, String>,
    ) -> Result<i64, Error> {
        self.header(ask, None, false)?;
        let mut input = Input::<String>::with_theme(&self.theme)
            .with_prompt(sanitize(ask.prompt))
            .validate_with(|typed: &String| check(typed).map(|_| ()));
        if let Some(n) = initial {
            input = input.with_initial_text(n.to_string());
        }
        let typed = input
            .interact_text_on(&self.term)
            .map_err(dialoguer_error)?;
        // The validator accepted it, so this check passes; keep the message
        // path anyway rather than unwrap.
        check(&typed).map_err(Error::Usage)
    }

    fn notice(&mut self, message: &str) -> Result<(), Error> {
        self.term
            .write_line(&console::style(sanitize(message)).yellow().to_string())
            .map_err(terminal_error)
    }

    /// A blank line between the last answer and the summary.
    fn finish(&mut self) -> Result<(), Error> {
        self.term.write_line("").map_err(terminal_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A prompter that plays back a script and records what it was asked.
    #[derive(Default)]
    struct Script {
        replies: std::collections::VecDeque<Step>,
        asked: Vec<String>,
        defaults: Vec<Option<usize>>,
        notices: Vec<String>,
    }

    enum Step {
        Choose(Reply<usize>),
        Several(Reply<Vec<usize>>),
        Number(&'static str),
    }

    impl Prompter for Script {
        fn choose(
            &mut self,
            ask: &Ask<'_>,
            _: &[&str],
            default: Option<usize>,
        ) -> Result<Reply<usize>, Error> {
            self.asked.push(format!("{} {}", ask.progress, ask.prompt));
            self.defaults.push(default);
            match self.replies.pop_front() {
                Some(Step::Choose(reply)) => Ok(reply),
                _ => panic!("unexpected choice prompt: {}", ask.prompt),
            }
        }

        fn choose_several(
            &mut self,
            ask: &Ask<'_>,
            _: &[&str],
            _: &[bool],
        ) -> Result<Reply<Vec<usize>>, Error> {
            self.asked.push(format!("{} {}", ask.progress, ask.prompt));
            match self.replies.pop_front() {
                Some(Step::Several(reply)) => Ok(reply),
                _ => panic!("unexpected several-choice prompt: {}", ask.prompt),
            }
        }

        fn number(
            &mut self,
            ask: &Ask<'_>,
            _: Option<i64>,
            check: &dyn Fn(&str) -> Result<i64, String>,
        ) -> Result<i64, Error> {
            self.asked.push(format!("{} {}", ask.progress, ask.prompt));
            loop {
                match self.replies.pop_front() {
                    Some(Step::Number(typed)) => match check(typed) {
                        Ok(n) => return Ok(n),
                        Err(message) => self.notices.push(message),
                    },
                    _ => panic!("unexpected number prompt: {}", ask.prompt),
                }
            }
        }

        fn notice(&mut self, message: &str) -> Result<(), Error> {
            self.notices.push(message.to_owned());
            Ok(())
        }
    }

    fn script(steps: Vec<Step>) -> Script {
        Script {
            replies: steps.into(),
            ..Script::default()
        }
    }

    #[test]
    fn asks_every_question_in_order_when_nothing_is_given() {
        let rules = RuleSet::embedded().unwrap();
        let mut prompter = script(vec![
            Step::Several(Reply::Answer(vec![7])),
            Step::Choose(Reply::Answer(0)),
            Step::Choose(Reply::Answer(1)),
            Step::Number("54"),
            Step::Choose(Reply::Answer(1)),
            Step::Several(Reply::Answer(vec![0, 1])),
        ]);
        let answers = collect(&rules, Answers::new(&rules), &mut prompter).unwrap();
        assert_eq!(answers.values()[3], Value::Number(54));
        assert_eq!(
            prompter.asked,
            [
                "Question 1 of 6 Do you have any of these signs right now?",
                "Question 2 of 6 What is the main problem you want help with?",
                "Question 3 of 6 How bad is it?",
                "Question 4 of 6 How old are you?",
                "Question 5 of 6 Do you have an infection right now?",
                "Question 6 of 6 What have you already tried for this problem?",
            ]
        );
    }

    #[test]
    fn asks_only_what_is_missing() {
        let rules = RuleSet::embedded().unwrap();
        let mut given = Answers::new(&rules);
        for (k, v) in [
            ("warning_signs", "none"),
            ("condition", "other"),
            ("age", "30"),
            ("prior_treatments", "none"),
        ] {
            given.give(&rules, k, v).unwrap();
        }
        let mut prompter = script(vec![
            Step::Choose(Reply::Answer(0)),
            Step::Choose(Reply::Answer(2)),
        ]);
        let answers = collect(&rules, given, &mut prompter).unwrap();
        assert_eq!(
            prompter.asked,
            [
                "Question 1 of 2 How bad is it?",
                "Question 2 of 2 Do you have an infection right now?"
            ]
        );
        assert_eq!(answers.values()[4], Value::Choice(2));
    }

    #[test]
    fn esc_goes_back_with_the_earlier_answer_preselected() {
        let rules = RuleSet::embedded().unwrap();
        let mut prompter = script(vec![
            Step::Several(Reply::Answer(vec![7])),
            Step::Choose(Reply::Answer(3)),
            Step::Choose(Reply::Back),
            Step::Choose(Reply::Answer(4)),
            Step::Choose(Reply::Answer(0)),
            Step::Number("40"),
            Step::Choose(Reply::Answer(1)),
            Step::Several(Reply::Answer(vec![5])),
        ]);
        let answers = collect(&rules, Answers::new(&rules), &mut prompter).unwrap();
        assert_eq!(answers.values()[1], Value::Choice(4));
        assert_eq!(prompter.defaults[..3], [None, None, Some(3)]);
    }

    #[test]
    fn esc_on_the_first_question_asks_it_again() {
        let rules = RuleSet::embedded().unwrap();
        let mut given = Answers::new(&rules);
        for (k, v) in [
            ("warning_signs", "none"),
            ("condition", "other"),
            ("severity", "mild"),
            ("age", "30"),
            ("active_infection", "no"),
        ] {
            given.give(&rules, k, v).unwrap();
        }
        let mut prompter = script(vec![
            Step::Several(Reply::Back),
            Step::Several(Reply::Answer(vec![2])),
        ]);
        collect(&rules, given, &mut prompter).unwrap();
        assert_eq!(prompter.asked.len(), 2);
    }

    #[test]
    fn invalid_ages_and_several_choices_are_asked_again_with_a_message() {
        let rules = RuleSet::embedded().unwrap();
        let mut given = Answers::new(&rules);
        for (k, v) in [
            ("warning_signs", "none"),
            ("condition", "other"),
            ("severity", "mild"),
            ("active_infection", "no"),
        ] {
            given.give(&rules, k, v).unwrap();
        }
        let mut prompter = script(vec![
            Step::Number("two hundred"),
            Step::Number("200"),
            Step::Number("47"),
            Step::Several(Reply::Answer(vec![])),
            Step::Several(Reply::Answer(vec![0, 5])),
            Step::Several(Reply::Answer(vec![5])),
        ]);
        let answers = collect(&rules, given, &mut prompter).unwrap();
        assert_eq!(answers.values()[3], Value::Number(47));
        assert_eq!(
            prompter.notices,
            [
                "Please type a whole number from 0 to 120.",
                "Please type a whole number from 0 to 120.",
                "Please choose at least one answer.",
                "“None of these yet” cannot be combined with other answers.",
            ]
        );
    }
}
