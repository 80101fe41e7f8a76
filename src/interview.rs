//! The interview: asks for the answers that were not given. This is the only
//! module that talks to the terminal (dialoguer, console, and the signal
//! handler that tidies it up).
//!
//! The flow ([`collect`]) is written against the [`Prompter`] trait, so it is
//! tested with a scripted prompter and no terminal. There are two real
//! prompters: [`Terminal`] (dialoguer menus) and [`Plain`] (one line per
//! question, numbered options, typed answers: no redraws and no cursor
//! movement, for screen readers). Both draw on standard error, so standard
//! output carries only the summary.

use std::io::{BufRead, IsTerminal, Write};

use console::{Key, Term};
use dialoguer::Select;
use dialoguer::theme::{ColorfulTheme, Theme};

use crate::answers::{self, AnswerSet, Answers, Value};
use crate::error::{Error, exit};
use crate::limits::{self, Line, MAX_TYPED_LINE_BYTES};
use crate::render::answer_words;
use crate::ruleset::{AnswerOption, Asked, OptionSet, QuestionKind, RuleSet, Text, fill};
use crate::sanitize::sanitize;

/// What the person did at a prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply<T> {
    /// Gave this answer.
    Answer(T),
    /// Asked to go back to the previous question (Esc).
    Back,
}

/// What the person did at the review of all answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Review {
    /// The answers are right: show the summary.
    Confirm,
    /// Change the answer to this question (an index into the questions).
    Change(usize),
    /// Go back to the last question asked.
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
    /// Whether going back returns to the review of all answers, keeping
    /// the answer (a change asked from the review), not to the question
    /// before: the key hint says which.
    pub back_to_review: bool,
}

/// One line of the review: a question and the answer in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewRow<'a> {
    /// The question as asked.
    pub question: &'a str,
    /// The answer's labels (one per line) or number.
    pub answer: String,
}

/// Something that can put questions to a person.
pub trait Prompter {
    /// One option out of `options`; `default` is preselected.
    fn choose(
        &mut self,
        ask: &Ask<'_>,
        options: &[AnswerOption],
        default: Option<usize>,
    ) -> Result<Reply<usize>, Error>;

    /// Any options out of `options`; `checked` are preselected. `keep` says
    /// whether `checked` is an earlier answer that may be kept as it is;
    /// after a refused answer its marks are shown to be fixed, not kept.
    fn choose_several(
        &mut self,
        ask: &Ask<'_>,
        options: &[AnswerOption],
        checked: &[bool],
        keep: bool,
    ) -> Result<Reply<Vec<usize>>, Error>;

    /// A whole number; `check` turns the typed text into the number or the
    /// message to show before asking again.
    fn number(
        &mut self,
        ask: &Ask<'_>,
        initial: Option<i64>,
        check: &dyn Fn(&str) -> Result<i64, String>,
    ) -> Result<Reply<i64>, Error>;

    /// Confirms the answer just given (an unusual number); true for `yes`.
    fn confirm(&mut self, prompt: &str, yes: &str, no: &str) -> Result<bool, Error>;

    /// Every answer before the summary; `can_go_back` is false when no
    /// question was asked.
    fn review(&mut self, rows: &[ReviewRow<'_>], can_go_back: bool) -> Result<Review, Error>;

    /// Says why the answer just given was not accepted; the same question
    /// is asked again next.
    fn notice(&mut self, message: &str) -> Result<(), Error>;

    /// Before the first question: what this is, how long it takes, that
    /// nothing is saved and how to stop.
    fn intro(&mut self, text: &str) -> Result<(), Error>;

    /// After a summary (`--repeat`): whether to interview the next person.
    fn next_person(&mut self) -> Result<bool, Error>;

    /// Called once every question is answered, before the summary.
    fn finish(&mut self) -> Result<(), Error> {
        Ok(())
    }

    /// Between two people (`--repeat`): removes the previous person's
    /// questions, answers and summary from the screen where it can.
    fn clear(&mut self) -> Result<(), Error> {
        Ok(())
    }
}

/// How the interview goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flow {
    /// Show every answer for confirming before the summary.
    pub review: bool,
    /// The summary is saved to a file (`--output`, `--output-dir`): the
    /// first screen says so instead of saying that nothing is saved.
    pub saves: bool,
}

/// Asks every question that `given` leaves open and that is asked (its
/// `ask_when` holds on the answers so far), in questionnaire order, and
/// returns the complete answers. Esc on a choice goes back to the previous
/// question asked, with its answer preselected. With [`Flow::review`],
/// every answer (given ones too) is then shown, and the person confirms or
/// picks one to change. An answer given in this interview to a question
/// that a later change makes unasked (a warning sign chosen after all) is
/// forgotten; an answer given before it started is always kept.
pub fn collect(
    rules: &RuleSet,
    given: Answers,
    prompter: &mut dyn Prompter,
    flow: Flow,
) -> Result<AnswerSet, Error> {
    let open: Vec<usize> = (0..rules.questions.len())
        .filter(|&i| !given.is_answered(i))
        .collect();
    let mut answers = given;
    // The open questions asked, given the answers so far: the ones before
    // the current step do not change when it is answered.
    let to_ask = |answers: &Answers| -> Vec<usize> {
        let asked = rules.asked(answers);
        open.iter()
            .copied()
            .filter(|&i| asked[i] != Asked::No)
            .collect()
    };
    let mut step = 0;
    let first = to_ask(&answers);
    // A first screen when there is an interview to speak of (not for one
    // question the front desk left open). Every question still open could
    // be asked: the most there are, about 20 seconds each, said as at least
    // 2 minutes.
    if first.len() > 1 {
        let count = first.len();
        let minutes = count.div_ceil(3).max(2);
        prompter.intro(&fill(
            &rules.text.intro,
            &[
                ("count", &count.to_string()),
                ("minutes", &minutes.to_string()),
                (
                    "saving",
                    if flow.saves {
                        &rules.text.summary_saved
                    } else {
                        &rules.text.not_saved
                    },
                ),
            ],
        ))?;
    }
    loop {
        let mut asking = to_ask(&answers);
        while let Some(&index) = asking.get(step) {
            let ask = ask(rules, index, step, asking.len(), step > 0);
            match ask_one(rules, index, answers.get(index), &ask, prompter)? {
                Reply::Answer(value) => {
                    answers.set(index, value);
                    step += 1;
                }
                Reply::Back => step = step.saturating_sub(1),
            }
            asking = to_ask(&answers);
        }
        forget_unasked(rules, &open, &mut answers);
        if !flow.review {
            break;
        }
        let (shown, rows) = review_rows(rules, &answers);
        match prompter.review(&rows, !asking.is_empty())? {
            Review::Confirm => break,
            Review::Back => step = asking.len().saturating_sub(1),
            Review::Change(row) => {
                let Some(&index) = shown.get(row) else {
                    continue;
                };
                let ask = Ask {
                    back_to_review: true,
                    ..ask(rules, index, row, rows.len(), true)
                };
                // Esc while changing keeps the answer and returns to the review.
                if let Reply::Answer(value) =
                    ask_one(rules, index, answers.get(index), &ask, prompter)?
                {
                    answers.set(index, value);
                }
                // A change can open questions (no warning sign after all):
                // they are asked before the review comes back.
                let asking = to_ask(&answers);
                step = asking
                    .iter()
                    .position(|&i| !answers.is_answered(i))
                    .unwrap_or(asking.len());
            }
        }
    }
    prompter.finish()?;
    answers.complete(rules).map_err(|missing| {
        Error::MissingAnswers(
            missing
                .into_iter()
                .map(|i| rules.questions[i].id.clone())
                .collect(),
        )
    })
}

/// Forgets the answers given in this interview (to the `open` questions)
/// that are no longer asked.
fn forget_unasked(rules: &RuleSet, open: &[usize], answers: &mut Answers) {
    let asked = rules.asked(answers);
    for &i in open {
        if asked[i] == Asked::No {
            answers.unset(i);
        }
    }
}

/// The prompt for question `index`, shown as number `step + 1` of `total`.
fn ask(rules: &RuleSet, index: usize, step: usize, total: usize, can_go_back: bool) -> Ask<'_> {
    let question = &rules.questions[index];
    Ask {
        progress: fill(
            &rules.text.progress,
            &[
                ("number", &(step + 1).to_string()),
                ("total", &total.to_string()),
            ],
        ),
        prompt: &question.prompt,
        help: &question.help,
        can_go_back,
        back_to_review: false,
    }
}

/// Every question asked or answered, with its answer in words (empty
/// where none is given yet), and the index of each row's question.
fn review_rows<'r>(rules: &'r RuleSet, answers: &Answers) -> (Vec<usize>, Vec<ReviewRow<'r>>) {
    let asked = rules.asked(answers);
    rules
        .questions
        .iter()
        .enumerate()
        .filter(|&(i, _)| answers.is_answered(i) || asked[i] != Asked::No)
        .map(|(i, question)| {
            let row = ReviewRow {
                question: &question.prompt,
                answer: answers
                    .get(i)
                    .map(|value| answer_words(question, &value))
                    .unwrap_or_default(),
            };
            (i, row)
        })
        .unzip()
}

fn ask_one(
    rules: &RuleSet,
    index: usize,
    current: Option<Value>,
    ask: &Ask<'_>,
    prompter: &mut dyn Prompter,
) -> Result<Reply<Value>, Error> {
    let text = &rules.text;
    let question = &rules.questions[index];
    match &question.kind {
        QuestionKind::Choice(options) => {
            let default = match current {
                Some(Value::Choice(i)) => Some(i),
                _ => None,
            };
            loop {
                match prompter.choose(ask, options, default)? {
                    Reply::Answer(i) if i < options.len() => {
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
            // An earlier answer may be kept; marks just refused may not.
            let mut keep = true;
            loop {
                let chosen = match prompter.choose_several(ask, options, &checked, keep)? {
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
                keep = false;
            }
        }
        QuestionKind::Number { min, max } => {
            let mut initial = match current {
                Some(Value::Number(n)) => Some(n),
                _ => None,
            };
            let message = fill(
                &text.number_invalid,
                &[("min", &min.to_string()), ("max", &max.to_string())],
            );
            let check =
                |typed: &str| answers::parse_number(question, typed).map_err(|_| message.clone());
            loop {
                let n = match prompter.number(ask, initial, &check)? {
                    Reply::Answer(n) => n,
                    Reply::Back if ask.can_go_back => return Ok(Reply::Back),
                    Reply::Back => continue,
                };
                // An unusual number (an age of 7 or 107) is more likely a
                // typing slip than the truth: ask before going on.
                if !question.needs_confirming(n)
                    || prompter.confirm(
                        &fill(&text.number_confirm, &[("value", &n.to_string())]),
                        &text.confirm_yes,
                        &text.confirm_no,
                    )?
                {
                    return Ok(Reply::Answer(Value::Number(n)));
                }
                initial = Some(n);
            }
        }
    }
}

/// Whether a person can be asked through menus: standard input and
/// standard error (where prompts are drawn) are both terminals.
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

/// `text` as shown on standard error: wrapped between words to the
/// terminal's width (at most 100 columns) when it is a terminal, as it is
/// otherwise, so a notice after the interview is not cut mid-word.
pub fn for_stderr(text: &str) -> String {
    let term = Term::stderr();
    match term.size_checked().filter(|_| term.is_term()) {
        Some((_rows, columns)) => {
            crate::render::text::wrap(text, usize::from(columns.clamp(20, 100))).join("\n")
        }
        None => text.to_owned(),
    }
}

/// Turns color on or off for the prompts on standard error and for
/// anything styled on standard output, whatever the terminal says.
pub fn set_colors(stdout: bool, stderr: bool) {
    console::set_colors_enabled(stdout);
    console::set_colors_enabled_stderr(stderr);
}

/// Makes Ctrl-C, `kill` (SIGTERM), a closed terminal (SIGHUP) and SIGQUIT
/// leave the terminal usable: shows the cursor again and exits with 128 +
/// the signal's number (130, 143, 129, 131; see [`exit`]), with no core
/// dump. Call once, before the
/// first prompt.
pub fn install_interrupt_handler() -> Result<(), Error> {
    #[cfg(unix)]
    {
        let cannot = |source| Error::Output {
            what: "cannot install the signal handler".to_owned(),
            source,
        };
        // The flags are set inside the signal handler itself, so they are
        // set before a prompt's read fails with EINTR.
        for (signal, flag) in signals::CAUGHT {
            signal_hook::flag::register(signal, flag).map_err(cannot)?;
        }
        let mut pending =
            signal_hook::iterator::Signals::new(signals::CAUGHT.map(|(s, _)| s)).map_err(cannot)?;
        std::thread::Builder::new()
            .name("signals".to_owned())
            .spawn(move || {
                for _ in pending.forever() {
                    if let Some(code) = signals::exit_code() {
                        restore_terminal();
                        std::process::exit(i32::from(code));
                    }
                }
            })
            .map_err(cannot)?;
    }
    #[cfg(not(unix))]
    ctrlc::set_handler(|| {
        restore_terminal();
        std::process::exit(i32::from(exit::INTERRUPTED));
    })
    .map_err(|e| Error::Output {
        what: "cannot install the Ctrl-C handler".to_owned(),
        source: std::io::Error::other(e),
    })?;
    Ok(())
}

/// The signals the interview catches, and which of them arrived.
#[cfg(unix)]
mod signals {
    use std::sync::atomic::{AtomicBool, Ordering};

    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};

    use crate::error::exit;

    static TERM: AtomicBool = AtomicBool::new(false);
    static HUP: AtomicBool = AtomicBool::new(false);
    static INT: AtomicBool = AtomicBool::new(false);
    static QUIT: AtomicBool = AtomicBool::new(false);

    /// Each signal with its flag, in the order that decides the exit code
    /// when several arrived: a SIGTERM, SIGHUP or SIGQUIT interrupts a
    /// menu's read, and the menu then raises SIGINT itself, so SIGINT comes
    /// last. SIGQUIT (`Ctrl-\`) is caught too: by default it would leave the
    /// terminal as the menu set it and dump core with the answers in it.
    pub(super) const CAUGHT: [(i32, &AtomicBool); 4] = [
        (SIGTERM, &TERM),
        (SIGHUP, &HUP),
        (SIGQUIT, &QUIT),
        (SIGINT, &INT),
    ];

    /// The exit code for the first signal (in [`CAUGHT`]'s order) that
    /// arrived, if any did.
    pub(super) fn exit_code() -> Option<u8> {
        CAUGHT
            .iter()
            .find(|(_, flag)| flag.load(Ordering::SeqCst))
            .map(|&(signal, _)| exit::for_signal(signal))
    }
}

/// After a signal stops the interview: the answers given so far are
/// cleared from the screen and its scrollback (as `--repeat` does between
/// people), so the next person at the desk does not see them, and the
/// cursor is shown again.
fn restore_terminal() {
    let term = Term::stderr();
    // Best effort: the terminal may already be gone.
    if term.is_term() {
        let _ = term.write_str("\x1b[H\x1b[2J\x1b[3J");
    }
    let _ = term.show_cursor();
    let _ = term.write_line("");
}

fn terminal_error(e: std::io::Error) -> Error {
    if e.kind() == std::io::ErrorKind::Interrupted {
        restore_terminal();
        // A SIGTERM or SIGHUP interrupts a prompt too: exit as the signal
        // handler does, whichever of the two gets there first.
        #[cfg(unix)]
        if let Some(code) = signals::exit_code().filter(|&c| c != exit::INTERRUPTED) {
            return Error::Stopped(code);
        }
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

fn labels(options: &[AnswerOption]) -> Vec<String> {
    options
        .iter()
        .map(|o| sanitize(&o.label).into_owned())
        .collect()
}

/// dialoguer's colorful theme, with the row the cursor is on in a
/// several-choice list marked by `❯` (as in a one-choice list) instead of
/// by color alone, so it shows with `NO_COLOR`, on a monochrome terminal
/// and to a person who does not see the color.
struct MarkedTheme(ColorfulTheme);

impl MarkedTheme {
    /// The marker before a several-choice row: `❯` on the cursor's row,
    /// a space elsewhere, so the rows stay aligned.
    fn cursor_mark(&self, active: bool) -> &dyn std::fmt::Display {
        if active {
            &self.0.active_item_prefix
        } else {
            &self.0.inactive_item_prefix
        }
    }
}

impl dialoguer::theme::Theme for MarkedTheme {
    fn format_prompt(&self, f: &mut dyn std::fmt::Write, prompt: &str) -> std::fmt::Result {
        self.0.format_prompt(f, prompt)
    }

    fn format_error(&self, f: &mut dyn std::fmt::Write, err: &str) -> std::fmt::Result {
        self.0.format_error(f, err)
    }

    fn format_confirm_prompt(
        &self,
        f: &mut dyn std::fmt::Write,
        prompt: &str,
        default: Option<bool>,
    ) -> std::fmt::Result {
        self.0.format_confirm_prompt(f, prompt, default)
    }

    fn format_confirm_prompt_selection(
        &self,
        f: &mut dyn std::fmt::Write,
        prompt: &str,
        selection: Option<bool>,
    ) -> std::fmt::Result {
        self.0.format_confirm_prompt_selection(f, prompt, selection)
    }

    fn format_input_prompt(
        &self,
        f: &mut dyn std::fmt::Write,
        prompt: &str,
        default: Option<&str>,
    ) -> std::fmt::Result {
        self.0.format_input_prompt(f, prompt, default)
    }

    fn format_input_prompt_selection(
        &self,
        f: &mut dyn std::fmt::Write,
        prompt: &str,
        sel: &str,
    ) -> std::fmt::Result {
        self.0.format_input_prompt_selection(f, prompt, sel)
    }

    fn format_multi_select_prompt_selection(
        &self,
        f: &mut dyn std::fmt::Write,
        prompt: &str,
        selections: &[&str],
    ) -> std::fmt::Result {
        self.0
            .format_multi_select_prompt_selection(f, prompt, selections)
    }

    fn format_select_prompt_item(
        &self,
        f: &mut dyn std::fmt::Write,
        text: &str,
        active: bool,
    ) -> std::fmt::Result {
        self.0.format_select_prompt_item(f, text, active)
    }

    fn format_multi_select_prompt_item(
        &self,
        f: &mut dyn std::fmt::Write,
        text: &str,
        checked: bool,
        active: bool,
    ) -> std::fmt::Result {
        write!(f, "{} ", self.cursor_mark(active))?;
        self.0
            .format_multi_select_prompt_item(f, text, checked, active)
    }

    fn format_sort_prompt_item(
        &self,
        f: &mut dyn std::fmt::Write,
        text: &str,
        picked: bool,
        active: bool,
    ) -> std::fmt::Result {
        self.0.format_sort_prompt_item(f, text, picked, active)
    }
}

/// What `write` writes into a new string: how the theme's `format_*`
/// methods are read here (writing into a `String` cannot fail).
fn written(write: impl FnOnce(&mut String) -> std::fmt::Result) -> String {
    let mut out = String::new();
    let _ = write(&mut out);
    out
}

/// The most characters the number prompt takes: more than any whole
/// number a question allows, few enough that the line never wraps.
const MAX_NUMBER_CHARS: usize = 24;

/// The dialoguer prompter, drawing on standard error.
///
/// It counts the lines it leaves on the screen for each question, so that
/// going back (Esc) and changing an answer at the review erase what they
/// replace instead of piling up.
pub struct Terminal {
    term: Term,
    theme: MarkedTheme,
    text: Text,
    /// Lines drawn for the question on screen now (its header, notices).
    current: usize,
    /// Lines left by each question answered so far, in order.
    answered: Vec<usize>,
    /// Rows of the last answer's one-line report ("✔ question · answer").
    last_report: usize,
    /// Rows of the notice shown under the question on screen now (an
    /// answer refused), which the next notice or the answer replaces.
    notice: usize,
    /// The row the cursor of the last several-choice list was on.
    several_cursor: usize,
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
            theme: MarkedTheme(ColorfulTheme::default()),
            text: text.clone(),
            current: 0,
            answered: Vec::new(),
            last_report: 0,
            notice: 0,
            several_cursor: 0,
        }
    }

    /// The columns text is wrapped to: the terminal's, at most 100.
    fn columns(&self) -> usize {
        usize::from(self.term.size().1.clamp(20, 100))
    }

    /// Writes one line (sanitized, dim), wrapped at word boundaries,
    /// counting the screen rows it takes.
    fn line(&mut self, line: &str, dim: bool) -> Result<(), Error> {
        let line = sanitize(line);
        let columns = self.columns();
        // A line that fits is written as it is (a table keeps its padding);
        // a longer one is wrapped between words.
        let rows: Vec<String> = line
            .split('\n')
            .flat_map(|l| {
                if console::measure_text_width(l) <= columns {
                    vec![l.to_owned()]
                } else {
                    crate::render::text::wrap(l, columns)
                }
            })
            .collect();
        for row in rows {
            let styled = if dim {
                console::style(row.as_str()).dim().for_stderr().to_string()
            } else {
                row.clone()
            };
            self.term.write_line(&styled).map_err(terminal_error)?;
            self.current += self.rows(&row);
        }
        Ok(())
    }

    /// Option labels as menu items, wrapped at word boundaries so that
    /// each fits beside the `marker` columns before it; the lines after the
    /// first are indented under the label. dialoguer counts the line breaks
    /// when it redraws.
    fn items(&self, labels: &[String], marker: usize) -> Vec<String> {
        let width = self.columns().saturating_sub(marker + 1).max(10);
        let indent = " ".repeat(marker);
        labels
            .iter()
            .map(|label| crate::render::text::wrap(label, width).join(&format!("\n{indent}")))
            .collect()
    }

    /// How many screen rows a line takes on this terminal.
    fn rows(&self, line: &str) -> usize {
        let columns = usize::from(self.term.size().1).max(1);
        line.split('\n')
            .map(|l| console::measure_text_width(l).max(1).div_ceil(columns))
            .sum()
    }

    /// Progress, help and key hints above a prompt. `can_go_back` is false
    /// where the prompt has no Esc (dialoguer's `Input`), whatever `ask` says.
    fn header(
        &mut self,
        ask: &Ask<'_>,
        hint: Option<&str>,
        can_go_back: bool,
    ) -> Result<(), Error> {
        let mut hints: Vec<String> = hint.into_iter().map(str::to_owned).collect();
        if can_go_back && ask.can_go_back {
            hints.push(if ask.back_to_review {
                self.text.review_back_hint.clone()
            } else {
                self.text.back_hint.clone()
            });
        }
        self.line("", false)?;
        self.line(&ask.progress, true)?;
        if !ask.help.trim().is_empty() {
            self.line(ask.help, true)?;
        }
        if !hints.is_empty() {
            self.line(&hints.join(" "), true)?;
        }
        Ok(())
    }

    /// Writes the report of an answer, `✔ prompt · answer` as dialoguer's
    /// prompts write it, and says how many rows it took: one line where it
    /// fits, else wrapped between words (without its colors, which only
    /// decorate).
    fn report(&mut self, prompt: &str, answer: &str) -> Result<usize, Error> {
        let styled = written(|s| {
            self.theme
                .format_input_prompt_selection(s, &sanitize(prompt), &sanitize(answer))
        });
        let plain = console::strip_ansi_codes(&styled).into_owned();
        let columns = self.columns();
        let lines = if console::measure_text_width(&plain) <= columns {
            vec![styled]
        } else {
            crate::render::text::wrap(&plain, columns)
        };
        for line in &lines {
            self.term.write_line(line).map_err(terminal_error)?;
        }
        Ok(lines
            .iter()
            .map(|l| self.rows(&console::strip_ansi_codes(l)))
            .sum())
    }

    /// After a prompt: an answer leaves its lines and the prompt's report
    /// (`answer` is the report's text); going back erases the question's
    /// lines and the previous question's.
    fn done<T>(&mut self, reply: Option<T>, prompt: &str, answer: &str) -> Result<Reply<T>, Error> {
        let mut lines = std::mem::take(&mut self.current);
        let notice = std::mem::take(&mut self.notice);
        match reply {
            Some(answer_given) => {
                if notice > 0 {
                    // The answer is fixed: its notice goes.
                    self.term.clear_last_lines(notice).map_err(terminal_error)?;
                    lines -= notice.min(lines);
                }
                self.last_report = self.report(prompt, answer)?;
                self.answered.push(lines + self.last_report);
                Ok(Reply::Answer(answer_given))
            }
            None => {
                let previous = self.answered.pop().unwrap_or(0);
                self.term
                    .clear_last_lines(lines + previous)
                    .map_err(terminal_error)?;
                Ok(Reply::Back)
            }
        }
    }

    /// A typed number under `prompt`, with its text as typed; `None` on
    /// Esc where `can_go_back` (dialoguer's `Input` has no way out, so a
    /// person at the age question could not go back). Home, End, the arrows,
    /// Backspace and Delete edit the line. A refused answer shows its
    /// message above the line typed on, which goes as soon as the answer is
    /// edited, so messages never pile up. Whatever the reply, the prompt
    /// and its message are cleared; the caller writes the answer's report
    /// (`Terminal::done`).
    fn read_number(
        &mut self,
        prompt: &str,
        initial: Option<i64>,
        can_go_back: bool,
        check: &dyn Fn(&str) -> Result<i64, String>,
    ) -> Result<Option<(i64, String)>, Error> {
        let prompt = sanitize(prompt).into_owned();
        let columns = self.columns();
        // The line typed on never wraps, so a redraw clears all of it: the
        // prompt goes on lines of its own above it (wrapped between words)
        // where it would not leave room on one line, and the typing is
        // printable ASCII (a whole number needs no more) cut to the room
        // left.
        let inline = written(|s| self.theme.format_input_prompt(s, &prompt, None));
        let (lead, above) = if console::measure_text_width(&inline) + MAX_NUMBER_CHARS < columns {
            (inline, 0)
        } else {
            let before = self.current;
            self.line(&prompt, false)?;
            let lead = written(|s| self.theme.format_input_prompt(s, "", None));
            (lead, self.current - before)
        };
        let room = columns
            .saturating_sub(console::measure_text_width(&lead) + 1)
            .clamp(1, MAX_NUMBER_CHARS);
        let mut chars: Vec<char> = initial
            .map(|n| n.to_string())
            .unwrap_or_default()
            .chars()
            .take(room)
            .collect();
        let mut position = chars.len();
        let mut error: Option<String> = None;
        // Rows of the message on screen above the line typed on.
        let mut shown = 0;
        let reply = loop {
            self.term.clear_line().map_err(terminal_error)?;
            if shown > 0 {
                self.term.clear_last_lines(shown).map_err(terminal_error)?;
            }
            shown = 0;
            if let Some(message) = &error {
                let wrapped =
                    crate::render::text::wrap(&sanitize(message), columns.saturating_sub(2))
                        .join("\n");
                let line = written(|s| self.theme.format_error(s, &wrapped));
                self.term.write_line(&line).map_err(terminal_error)?;
                shown = self.rows(&console::strip_ansi_codes(&line));
            }
            let typed: String = chars.iter().collect();
            self.term
                .write_str(&format!("{lead}{typed}"))
                .map_err(terminal_error)?;
            let back = chars.len() - position;
            if back > 0 {
                self.term.move_cursor_left(back).map_err(terminal_error)?;
            }
            self.term.flush().map_err(terminal_error)?;
            match self.term.read_key().map_err(terminal_error)? {
                Key::Escape if can_go_back => break None,
                Key::Enter => match check(&typed) {
                    Ok(n) => break Some((n, typed)),
                    Err(message) => {
                        error = Some(message);
                        continue;
                    }
                },
                Key::Backspace if position > 0 => {
                    position -= 1;
                    chars.remove(position);
                }
                Key::Del if position < chars.len() => {
                    chars.remove(position);
                }
                Key::ArrowLeft if position > 0 => position -= 1,
                Key::ArrowRight if position < chars.len() => position += 1,
                Key::Home => position = 0,
                Key::End => position = chars.len(),
                Key::Char(c) if (c == ' ' || c.is_ascii_graphic()) && chars.len() < room => {
                    chars.insert(position, c);
                    position += 1;
                }
                _ => continue,
            }
            // The message was about the answer as it was.
            error = None;
        };
        // The line typed on, its message and the prompt's own lines go; an
        // answer leaves its report, as dialoguer's prompts do.
        self.term.clear_line().map_err(terminal_error)?;
        if shown + above > 0 {
            self.term
                .clear_last_lines(shown + above)
                .map_err(terminal_error)?;
        }
        self.current = self.current.saturating_sub(above);
        Ok(reply)
    }

    /// A several-choice list under `prompt`: the options marked (Space)
    /// and the row the cursor was on when Enter was pressed, or `None` on
    /// Esc where `can_go_back`. The cursor starts on row `start`. Our own
    /// list rather than dialoguer's `MultiSelect`, which always starts on
    /// the first row. Each row shows the cursor mark (`❯`) and its check
    /// box; long labels wrap between words. Up and Down wrap around; Home
    /// and End go to the first and last row.
    fn read_several(
        &mut self,
        prompt: &str,
        labels: &[String],
        checked: &[bool],
        start: usize,
        can_go_back: bool,
    ) -> Result<Option<(Vec<usize>, usize)>, Error> {
        let prompt = sanitize(prompt).into_owned();
        let items = self.items(labels, 4);
        let mut marks: Vec<bool> = (0..items.len())
            .map(|i| checked.get(i).copied().unwrap_or(false))
            .collect();
        let last = items.len().saturating_sub(1);
        let mut cursor = start.min(last);
        let mut drawn = 0;
        self.term.hide_cursor().map_err(terminal_error)?;
        let result = loop {
            let lines = written(|s| {
                self.theme.format_multi_select_prompt(s, &prompt)?;
                for (i, item) in items.iter().enumerate() {
                    s.push('\n');
                    self.theme
                        .format_multi_select_prompt_item(s, item, marks[i], i == cursor)?;
                }
                Ok(())
            });
            if drawn > 0 {
                self.term.clear_last_lines(drawn).map_err(terminal_error)?;
            }
            self.term.write_line(&lines).map_err(terminal_error)?;
            drawn = self.rows(&console::strip_ansi_codes(&lines));
            match self.term.read_key().map_err(terminal_error)? {
                Key::ArrowUp | Key::BackTab => cursor = if cursor == 0 { last } else { cursor - 1 },
                Key::ArrowDown | Key::Tab => cursor = if cursor == last { 0 } else { cursor + 1 },
                Key::Home | Key::PageUp => cursor = 0,
                Key::End | Key::PageDown => cursor = last,
                Key::Char(' ') if !marks.is_empty() => {
                    marks[cursor] = !marks[cursor];
                    // The notice above the list was about the answer as it
                    // was: it goes with the first change.
                    if self.notice > 0 {
                        let notice = std::mem::take(&mut self.notice);
                        self.term
                            .clear_last_lines(drawn + notice)
                            .map_err(terminal_error)?;
                        self.current = self.current.saturating_sub(notice);
                        drawn = 0;
                    }
                }
                Key::Enter => {
                    let chosen: Vec<usize> = (0..marks.len()).filter(|&i| marks[i]).collect();
                    break Some((chosen, cursor));
                }
                Key::Escape if can_go_back => break None,
                _ => {}
            }
        };
        self.term.clear_last_lines(drawn).map_err(terminal_error)?;
        self.term.show_cursor().map_err(terminal_error)?;
        Ok(result)
    }

    /// A menu of `items` under `prompt`; `None` on Esc.
    fn select(
        &self,
        prompt: &str,
        items: &[String],
        default: usize,
    ) -> Result<Option<usize>, Error> {
        // No report: the caller writes it (`Terminal::report`), wrapped.
        Select::with_theme(&self.theme)
            .with_prompt(sanitize(prompt))
            .items(items)
            .default(default)
            .report(false)
            .interact_on_opt(&self.term)
            .map_err(dialoguer_error)
    }
}

impl Prompter for Terminal {
    fn choose(
        &mut self,
        ask: &Ask<'_>,
        options: &[AnswerOption],
        default: Option<usize>,
    ) -> Result<Reply<usize>, Error> {
        self.header(ask, None, true)?;
        let labels = labels(options);
        // "❯ " before each item.
        let items = self.items(&labels, 2);
        let choice = self.select(ask.prompt, &items, default.unwrap_or(0))?;
        let answer = choice
            .and_then(|i| labels.get(i))
            .cloned()
            .unwrap_or_default();
        self.done(choice, ask.prompt, &answer)
    }

    fn choose_several(
        &mut self,
        ask: &Ask<'_>,
        options: &[AnswerOption],
        checked: &[bool],
        keep: bool,
    ) -> Result<Reply<Vec<usize>>, Error> {
        if self.current == 0 {
            let hint = self.text.multi_hint.clone();
            self.header(ask, Some(&hint), true)?;
        }
        let labels = labels(options);
        // Asked again after a refused answer: the cursor stays on the row
        // it was on, so a Space meant to fix the answer changes that row
        // and not the first one.
        let start = if keep { 0 } else { self.several_cursor };
        let chosen =
            match self.read_several(ask.prompt, &labels, checked, start, ask.can_go_back)? {
                Some((chosen, cursor)) => {
                    self.several_cursor = cursor;
                    Some(chosen)
                }
                None => None,
            };
        let answer = chosen
            .iter()
            .flatten()
            .filter_map(|&i| labels.get(i).map(String::as_str))
            .collect::<Vec<_>>()
            .join(", ");
        self.done(chosen, ask.prompt, &answer)
    }

    fn number(
        &mut self,
        ask: &Ask<'_>,
        initial: Option<i64>,
        check: &dyn Fn(&str) -> Result<i64, String>,
    ) -> Result<Reply<i64>, Error> {
        self.header(ask, None, true)?;
        let reply = self.read_number(ask.prompt, initial, ask.can_go_back, check)?;
        let typed = reply
            .as_ref()
            .map(|(_, typed)| typed.clone())
            .unwrap_or_default();
        self.done(reply.map(|(n, _)| n), ask.prompt, &typed)
    }

    fn confirm(&mut self, prompt: &str, yes: &str, no: &str) -> Result<bool, Error> {
        let items = [sanitize(yes).into_owned(), sanitize(no).into_owned()];
        let choice = self.select(prompt, &items, 0)?;
        // The confirmation belongs to the question before it: going back
        // from it or saying no erases both.
        let lines = self.answered.pop().unwrap_or(0);
        let report = match choice.and_then(|i| items.get(i)) {
            Some(item) => self.report(prompt, item)?,
            None => 0,
        };
        match choice {
            Some(0) => {
                self.answered.push(lines + report);
                Ok(true)
            }
            _ => {
                self.term
                    .clear_last_lines(lines + report)
                    .map_err(terminal_error)?;
                Ok(false)
            }
        }
    }

    fn review(&mut self, rows: &[ReviewRow<'_>], can_go_back: bool) -> Result<Review, Error> {
        let width = self.term.size().1.clamp(
            crate::render::text::MIN_WIDTH,
            crate::render::text::MAX_WIDTH,
        );
        let table = crate::render::text::answers_table(
            &self.text,
            rows.iter().map(|r| (r.question, r.answer.as_str())),
            width,
        );
        self.line("", false)?;
        self.line(&self.text.answers_heading.clone(), false)?;
        self.line(&table, false)?;
        if can_go_back {
            let hint = self.text.back_hint.clone();
            self.line(&hint, true)?;
        }
        let mut items = vec![sanitize(&self.text.review_confirm).into_owned()];
        items.extend(rows.iter().map(|row| {
            sanitize(&fill(
                &self.text.review_change,
                &[("question", row.question)],
            ))
            .into_owned()
        }));
        let prompt = self.text.review_prompt.clone();
        // "❯ " before each item; wrapped between words.
        let shown = self.items(&items, 2);
        let choice = self.select(&prompt, &shown, 0)?;
        let review = match choice {
            Some(0) => Review::Confirm,
            Some(i) => Review::Change(i - 1),
            None => Review::Back,
        };
        // Leave the table only when it is final; a change or going back
        // shows it again afterwards.
        let lines = std::mem::take(&mut self.current);
        let report = match choice.and_then(|i| items.get(i)) {
            Some(item) => self.report(&prompt, item)?,
            None => 0,
        };
        if review == Review::Confirm {
            self.answered.push(lines + report);
        } else {
            let back = if review == Review::Back {
                self.answered.pop().unwrap_or(0)
            } else {
                0
            };
            self.term
                .clear_last_lines(lines + report + back)
                .map_err(terminal_error)?;
        }
        Ok(review)
    }

    /// The rejected answer's report line is erased and its question's
    /// lines become the current ones again, so that the question is asked
    /// again under the message without a second header.
    fn notice(&mut self, message: &str) -> Result<(), Error> {
        // The answer refused leaves its report, which goes (an earlier
        // notice for the same question went with that answer, in `done`),
        // so notices never pile up.
        if self.current == 0
            && let Some(lines) = self.answered.pop()
        {
            self.term
                .clear_last_lines(self.last_report)
                .map_err(terminal_error)?;
            self.current = lines.saturating_sub(self.last_report);
        }
        let message = sanitize(message);
        self.term
            .write_line(
                &console::style(message.as_ref())
                    .yellow()
                    .for_stderr()
                    .to_string(),
            )
            .map_err(terminal_error)?;
        self.notice = self.rows(&message);
        self.current += self.notice;
        Ok(())
    }

    fn intro(&mut self, text: &str) -> Result<(), Error> {
        // Above the questions and never erased with them (not counted),
        // wrapped at word boundaries to the terminal, at most 100 columns.
        for line in crate::render::text::wrap(&sanitize(text), self.columns()) {
            self.term.write_line(&line).map_err(terminal_error)?;
        }
        Ok(())
    }

    fn next_person(&mut self) -> Result<bool, Error> {
        let items = [
            sanitize(&self.text.next_yes).into_owned(),
            sanitize(&self.text.next_no).into_owned(),
        ];
        let prompt = self.text.next_prompt.clone();
        self.term.write_line("").map_err(terminal_error)?;
        Ok(self.select(&prompt, &items, 0)? == Some(0))
    }

    /// A blank line between the last answer and the summary.
    fn finish(&mut self) -> Result<(), Error> {
        self.term.write_line("").map_err(terminal_error)
    }

    /// Clears the screen and its scrollback.
    fn clear(&mut self) -> Result<(), Error> {
        self.answered.clear();
        self.current = 0;
        self.term
            .write_str("\x1b[H\x1b[2J\x1b[3J")
            .and_then(|()| self.term.flush())
            .map_err(terminal_error)
    }
}

/// The screen-reader friendly prompter (`--plain`): each question is
/// written as lines of text with numbered options, and each answer is one
/// typed line (a number, or an option id). Nothing is redrawn and the cursor
/// is never moved. Generic over its input and output so that it is tested
/// with plain buffers.
#[derive(Debug)]
pub struct Plain<R, W> {
    input: R,
    output: W,
    text: Text,
    /// Whether `output` is a terminal to clear between people.
    clears: bool,
}

/// What a typed line means at a plain prompt.
enum Typed<'a> {
    /// The back word, as typed.
    Back(&'a str),
    Help,
    Empty,
    Text(&'a str),
    /// A line refused before reading it as an answer: longer than
    /// [`MAX_TYPED_LINE_BYTES`], or not text (not UTF-8).
    Unreadable,
}

impl<R: BufRead, W: Write> Plain<R, W> {
    /// A plain prompter reading answers from `input` and writing to `output`.
    pub fn new(text: &Text, input: R, output: W) -> Self {
        Plain {
            input,
            output,
            text: text.clone(),
            clears: false,
        }
    }

    /// Clears the screen and its scrollback between people (`--repeat`)
    /// when `output` is a terminal, as the menus do: the one time `--plain`
    /// writes an escape sequence, so the next person cannot scroll back to
    /// the last one's answers. Never for a file or a pipe.
    pub fn clearing(mut self, terminal: bool) -> Self {
        self.clears = terminal;
        self
    }

    fn write(&mut self, text: &str) -> Result<(), Error> {
        writeln!(self.output, "{}", sanitize(text))
            .and_then(|()| self.output.flush())
            .map_err(terminal_error)
    }

    /// Reads one typed line into `line` and says what it is; the end of
    /// the input is an error (nobody is left to answer), never a hang or an
    /// answer. A line longer than [`MAX_TYPED_LINE_BYTES`] is skipped to its
    /// end without being kept, and it and a line that is not text are
    /// [`Typed::Unreadable`]: the caller says what to type and asks again.
    fn read<'l>(&mut self, line: &'l mut String) -> Result<Typed<'l>, Error> {
        line.clear();
        self.output.write_all(b"> ").map_err(terminal_error)?;
        self.output.flush().map_err(terminal_error)?;
        let mut bytes = std::mem::take(line).into_bytes();
        match limits::read_line(&mut self.input, &mut bytes, MAX_TYPED_LINE_BYTES) {
            Ok(Line::End) => Err(Error::Usage(
                "standard input ended before the interview was finished".to_owned(),
            )),
            Ok(Line::TooLong(_)) => Ok(Typed::Unreadable),
            Ok(Line::Read(_)) => match String::from_utf8(bytes) {
                Ok(text) => {
                    *line = text;
                    Ok(self.classify(line))
                }
                Err(_) => Ok(Typed::Unreadable),
            },
            Err(e) => Err(terminal_error(e)),
        }
    }

    fn classify<'l>(&self, line: &'l str) -> Typed<'l> {
        let typed = line.trim();
        if typed.is_empty() {
            Typed::Empty
        } else if typed == "?" {
            Typed::Help
        } else if typed.eq_ignore_ascii_case(self.text.plain_back_word.trim()) {
            Typed::Back(typed)
        } else {
            Typed::Text(typed)
        }
    }

    /// The question, its help, its numbered options and what to type.
    fn show(
        &mut self,
        ask: &Ask<'_>,
        options: &[AnswerOption],
        how: &str,
        keep: Option<String>,
    ) -> Result<(), Error> {
        self.write("")?;
        self.write(&format!("{}: {}", ask.progress, ask.prompt))?;
        if !ask.help.trim().is_empty() {
            self.write(ask.help)?;
        }
        for (i, option) in options.iter().enumerate() {
            self.write(&format!("{}. {}", i + 1, option.label))?;
        }
        let mut hints = vec![how.to_owned()];
        if let Some(answer) = keep {
            hints.push(fill(&self.text.plain_keep, &[("answer", &answer)]));
        }
        if ask.can_go_back {
            hints.push(if ask.back_to_review {
                self.text.plain_review_back.clone()
            } else {
                self.text.plain_back.clone()
            });
        }
        self.write(&hints.join(" "))
    }

    /// One option typed as its number (from 1) or its id.
    fn option(options: &[AnswerOption], typed: &str) -> Option<usize> {
        match typed.parse::<usize>() {
            Ok(n) => (1..=options.len()).contains(&n).then(|| n - 1),
            Err(_) => options.iter().position(|o| o.id == typed),
        }
    }

    /// A numbered yes (1) or no (2).
    fn yes_or_no(&mut self, prompt: &str, yes: &str, no: &str) -> Result<bool, Error> {
        self.write(prompt)?;
        self.write(&format!("1. {yes}"))?;
        self.write(&format!("2. {no}"))?;
        let mut line = String::new();
        loop {
            match self.read(&mut line)? {
                Typed::Text("1") => return Ok(true),
                Typed::Text("2") => return Ok(false),
                _ => self.not_understood(2)?,
            }
        }
    }

    /// Shows the question, then reads lines until one is an answer: the
    /// back word goes back where it can, `?` shows the question again, and
    /// any other line goes to `answer`, which gives the answer or the
    /// message to show before reading the next line.
    fn ask_until<T>(
        &mut self,
        ask: &Ask<'_>,
        options: &[AnswerOption],
        how: &str,
        keep: Option<String>,
        mut answer: impl FnMut(Typed<'_>) -> Result<T, String>,
    ) -> Result<Reply<T>, Error> {
        self.show(ask, options, how, keep)?;
        let mut line = String::new();
        loop {
            match self.read(&mut line)? {
                Typed::Back(_) if ask.can_go_back => return Ok(Reply::Back),
                // Nothing before the first question: say so, unless the
                // word is an answer here.
                Typed::Back(word) => match answer(Typed::Back(word)) {
                    Ok(value) => return Ok(Reply::Answer(value)),
                    Err(_) => {
                        let message = self.text.plain_no_back.clone();
                        self.write(&message)?;
                    }
                },
                Typed::Help => self.show(ask, options, how, None)?,
                typed => match answer(typed) {
                    Ok(value) => return Ok(Reply::Answer(value)),
                    Err(message) => self.write(&message)?,
                },
            }
        }
    }

    fn not_understood_message(&self, count: usize) -> String {
        fill(
            &self.text.plain_not_understood,
            &[("count", &count.to_string())],
        )
    }

    fn not_understood(&mut self, count: usize) -> Result<(), Error> {
        let message = self.not_understood_message(count);
        self.write(&message)
    }
}

impl<R: BufRead, W: Write> Prompter for Plain<R, W> {
    fn choose(
        &mut self,
        ask: &Ask<'_>,
        options: &[AnswerOption],
        default: Option<usize>,
    ) -> Result<Reply<usize>, Error> {
        let how = self.text.plain_choose.clone();
        let keep = default
            .and_then(|i| options.get(i))
            .map(|o| o.label.clone());
        let not_understood = self.not_understood_message(options.len());
        self.ask_until(ask, options, &how, keep, |typed| {
            match typed {
                Typed::Empty => default,
                Typed::Text(typed) | Typed::Back(typed) => Self::option(options, typed),
                Typed::Help | Typed::Unreadable => None,
            }
            .ok_or_else(|| not_understood.clone())
        })
    }

    fn choose_several(
        &mut self,
        ask: &Ask<'_>,
        options: &[AnswerOption],
        checked: &[bool],
        keep: bool,
    ) -> Result<Reply<Vec<usize>>, Error> {
        let how = self.text.plain_several.clone();
        // After a refused answer there is nothing to keep: Enter alone is
        // then an empty answer, refused with its message.
        let now: Vec<usize> = (0..options.len())
            .filter(|&i| keep && checked.get(i).copied().unwrap_or(false))
            .collect();
        let keep = (!now.is_empty()).then(|| {
            now.iter()
                .map(|&i| options[i].label.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        });
        let not_understood = self.not_understood_message(options.len());
        self.ask_until(ask, options, &how, keep, |typed| {
            match typed {
                // An empty answer is refused by the flow, with its message.
                Typed::Empty => Some(now.clone()),
                Typed::Text(typed) | Typed::Back(typed) => typed
                    .split([',', ' ', ';'])
                    .filter(|part| !part.is_empty())
                    .map(|part| Self::option(options, part))
                    .collect(),
                Typed::Help | Typed::Unreadable => None,
            }
            .ok_or_else(|| not_understood.clone())
        })
    }

    fn number(
        &mut self,
        ask: &Ask<'_>,
        initial: Option<i64>,
        check: &dyn Fn(&str) -> Result<i64, String>,
    ) -> Result<Reply<i64>, Error> {
        let how = self.text.plain_number.clone();
        let keep = initial.map(|n| n.to_string());
        self.ask_until(ask, &[], &how, keep, |typed| match typed {
            Typed::Empty => initial.map_or_else(|| check(""), Ok),
            Typed::Text(typed) | Typed::Back(typed) => check(typed),
            Typed::Help | Typed::Unreadable => check("?"),
        })
    }

    fn confirm(&mut self, prompt: &str, yes: &str, no: &str) -> Result<bool, Error> {
        self.yes_or_no(prompt, yes, no)
    }

    fn review(&mut self, rows: &[ReviewRow<'_>], can_go_back: bool) -> Result<Review, Error> {
        self.write("")?;
        let heading = self.text.answers_heading.clone();
        self.write(&heading)?;
        for (i, row) in rows.iter().enumerate() {
            let answer = row.answer.replace('\n', ", ");
            // "How old are you? 40", not "How old are you? 40", which a
            // screen reader reads out as stray punctuation.
            let question = row.question.trim_end();
            let between = if question.ends_with(['?', ':', '.']) {
                " "
            } else {
                ": "
            };
            self.write(&format!("{}. {question}{between}{answer}", i + 1))?;
        }
        let mut hints = vec![self.text.plain_review.clone()];
        if can_go_back {
            hints.push(self.text.plain_back.clone());
        }
        self.write(&hints.join(" "))?;
        let mut line = String::new();
        loop {
            match self.read(&mut line)? {
                Typed::Empty => return Ok(Review::Confirm),
                Typed::Back(_) if can_go_back => return Ok(Review::Back),
                Typed::Text(typed) => match typed.parse::<usize>() {
                    Ok(n) if (1..=rows.len()).contains(&n) => return Ok(Review::Change(n - 1)),
                    _ => self.not_understood(rows.len())?,
                },
                Typed::Help | Typed::Back(_) | Typed::Unreadable => {
                    self.not_understood(rows.len())?;
                }
            }
        }
    }

    fn notice(&mut self, message: &str) -> Result<(), Error> {
        self.write(message)
    }

    fn intro(&mut self, text: &str) -> Result<(), Error> {
        self.write(text)
    }

    fn next_person(&mut self) -> Result<bool, Error> {
        self.write("")?;
        let (prompt, yes, no) = (
            self.text.next_prompt.clone(),
            self.text.next_yes.clone(),
            self.text.next_no.clone(),
        );
        self.yes_or_no(&prompt, &yes, &no)
    }

    fn finish(&mut self) -> Result<(), Error> {
        self.write("")
    }

    fn clear(&mut self) -> Result<(), Error> {
        if !self.clears {
            return Ok(());
        }
        self.output
            .write_all(b"\x1b[H\x1b[2J\x1b[3J")
            .and_then(|()| self.output.flush())
            .map_err(terminal_error)
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
        intros: Vec<String>,
        reviews: Vec<Vec<String>>,
    }

    enum Step {
        Choose(Reply<usize>),
        Several(Reply<Vec<usize>>),
        Number(&'static str),
        NumberBack,
        Confirm(bool),
        Review(Review),
    }

    impl Prompter for Script {
        fn choose(
            &mut self,
            ask: &Ask<'_>,
            _: &[AnswerOption],
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
            _: &[AnswerOption],
            _: &[bool],
            _: bool,
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
        ) -> Result<Reply<i64>, Error> {
            self.asked.push(format!("{} {}", ask.progress, ask.prompt));
            loop {
                match self.replies.pop_front() {
                    Some(Step::Number(typed)) => match check(typed) {
                        Ok(n) => return Ok(Reply::Answer(n)),
                        Err(message) => self.notices.push(message),
                    },
                    Some(Step::NumberBack) => return Ok(Reply::Back),
                    _ => panic!("unexpected number prompt: {}", ask.prompt),
                }
            }
        }

        fn confirm(&mut self, prompt: &str, _: &str, _: &str) -> Result<bool, Error> {
            self.asked.push(prompt.to_owned());
            match self.replies.pop_front() {
                Some(Step::Confirm(yes)) => Ok(yes),
                _ => panic!("unexpected confirmation: {prompt}"),
            }
        }

        fn review(&mut self, rows: &[ReviewRow<'_>], _: bool) -> Result<Review, Error> {
            self.asked.push("review".to_owned());
            self.reviews.push(
                rows.iter()
                    .map(|r| format!("{} = {}", r.question, r.answer))
                    .collect(),
            );
            match self.replies.pop_front() {
                Some(Step::Review(reply)) => Ok(reply),
                _ => panic!("unexpected review"),
            }
        }

        fn notice(&mut self, message: &str) -> Result<(), Error> {
            self.notices.push(message.to_owned());
            Ok(())
        }

        fn intro(&mut self, text: &str) -> Result<(), Error> {
            self.intros.push(text.to_owned());
            Ok(())
        }

        fn next_person(&mut self) -> Result<bool, Error> {
            panic!("collect never asks for the next person")
        }
    }

    const NO_REVIEW: Flow = Flow {
        review: false,
        saves: false,
    };
    const REVIEW: Flow = Flow {
        review: true,
        saves: false,
    };

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
            Step::Choose(Reply::Answer(3)),
            Step::Choose(Reply::Answer(1)),
            Step::Choose(Reply::Answer(1)),
            Step::Number("54"),
            Step::Choose(Reply::Answer(1)),
            Step::Several(Reply::Answer(vec![8])),
            Step::Several(Reply::Answer(vec![0, 1])),
        ]);
        let answers = collect(&rules, Answers::new(&rules), &mut prompter, NO_REVIEW).unwrap();
        assert_eq!(answers.values()[5], Value::Number(54));
        assert_eq!(
            prompter.asked,
            [
                "Question 1 of 9 Do you have any of these signs right now?",
                "Question 2 of 9 What is the main problem you want help with?",
                "Question 3 of 9 How long have you had this problem?",
                "Question 4 of 9 How much does it get in the way of your daily life?",
                "Question 5 of 9 What has a doctor or a scan said about the damage?",
                "Question 6 of 9 How old are you?",
                "Question 7 of 9 Do you have an infection right now?",
                "Question 8 of 9 Do any of these apply to you?",
                "Question 9 of 9 What have you already tried for this problem?",
            ]
        );
    }

    #[test]
    fn the_interview_opens_with_what_it_is_how_long_and_how_to_stop() {
        let rules = RuleSet::embedded().unwrap();
        // Nothing given: every question could be asked (a fever then ends
        // the questions).
        let fever = rules.questions[0].option_index("fever").unwrap();
        let mut prompter = script(vec![Step::Several(Reply::Answer(vec![fever]))]);
        collect(&rules, Answers::new(&rules), &mut prompter, NO_REVIEW).unwrap();
        assert_eq!(prompter.intros.len(), 1);
        let intro = &prompter.intros[0];
        assert!(
            intro.contains("up to 9 short questions, about 3 minutes"),
            "{intro}"
        );
        assert!(intro.contains(&rules.text.not_saved), "{intro}");
        assert!(!intro.contains(&rules.text.summary_saved), "{intro}");
        assert!(intro.contains("Ctrl-C"), "{intro}");
        // With the summary saved to a file, it says so instead.
        let mut prompter = script(vec![Step::Several(Reply::Answer(vec![fever]))]);
        let saving = Flow {
            saves: true,
            ..NO_REVIEW
        };
        collect(&rules, Answers::new(&rules), &mut prompter, saving).unwrap();
        let intro = &prompter.intros[0];
        assert!(intro.contains(&rules.text.summary_saved), "{intro}");
        assert!(!intro.contains(&rules.text.not_saved), "{intro}");
        // One question left open: no first screen.
        let mut prompter = script(vec![Step::Number("54")]);
        collect(
            &rules,
            given_all_but(&rules, &["age"]),
            &mut prompter,
            NO_REVIEW,
        )
        .unwrap();
        assert!(prompter.intros.is_empty());
        // Two left open: the shortest estimate.
        let mut prompter = script(vec![Step::Number("54"), Step::Choose(Reply::Answer(0))]);
        let _ = collect(
            &rules,
            given_all_but(&rules, &["age", "active_infection"]),
            &mut prompter,
            NO_REVIEW,
        );
        assert!(
            prompter.intros[0].contains("up to 2 short questions, about 2 minutes"),
            "{:?}",
            prompter.intros
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
            Step::Choose(Reply::Answer(0)),
            Step::Choose(Reply::Answer(2)),
            Step::Several(Reply::Answer(vec![8])),
        ]);
        let answers = collect(&rules, given, &mut prompter, NO_REVIEW).unwrap();
        // Imaging is not asked about a problem no source lists.
        assert_eq!(
            prompter.asked,
            [
                "Question 1 of 4 How long have you had this problem?",
                "Question 2 of 4 How much does it get in the way of your daily life?",
                "Question 3 of 4 Do you have an infection right now?",
                "Question 4 of 4 Do any of these apply to you?",
            ]
        );
        assert_eq!(answers.values()[6], Value::Choice(2));
        assert_eq!(answers.values()[4], Value::Unasked);
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
            Step::Choose(Reply::Answer(0)),
            Step::Choose(Reply::Answer(0)),
            Step::Number("40"),
            Step::Choose(Reply::Answer(1)),
            Step::Several(Reply::Answer(vec![8])),
            Step::Several(Reply::Answer(vec![5])),
        ]);
        let answers = collect(&rules, Answers::new(&rules), &mut prompter, NO_REVIEW).unwrap();
        assert_eq!(answers.values()[1], Value::Choice(4));
        assert_eq!(prompter.defaults[..3], [None, None, Some(3)]);
    }

    #[test]
    fn a_warning_sign_ends_the_questions() {
        // Every question after the warning signs is asked only without one.
        let rules = RuleSet::embedded().unwrap();
        let mut prompter = script(vec![Step::Several(Reply::Answer(vec![1]))]);
        let answers = collect(&rules, Answers::new(&rules), &mut prompter, NO_REVIEW).unwrap();
        assert_eq!(prompter.asked.len(), 1, "{:?}", prompter.asked);
        assert!(prompter.asked[0].starts_with("Question 1 of 9"));
        assert!(answers.values()[1..].iter().all(|v| !v.is_given()));
    }

    #[test]
    fn a_sign_chosen_at_the_review_drops_the_answers_no_longer_asked_and_none_asks_them() {
        // Every question after the warning signs is asked only without one.
        let rules = RuleSet::embedded().unwrap();
        let mut prompter = script(vec![
            Step::Several(Reply::Answer(vec![7])),
            Step::Choose(Reply::Answer(0)),
            Step::Choose(Reply::Answer(3)),
            Step::Choose(Reply::Answer(1)),
            Step::Choose(Reply::Answer(1)),
            Step::Number("40"),
            Step::Choose(Reply::Answer(1)),
            Step::Several(Reply::Answer(vec![8])),
            Step::Several(Reply::Answer(vec![0])),
            // A fever after all: the review shows the one question.
            Step::Review(Review::Change(0)),
            Step::Several(Reply::Answer(vec![1])),
            Step::Review(Review::Change(0)),
            // No sign again: every other question is asked again.
            Step::Several(Reply::Answer(vec![7])),
            Step::Choose(Reply::Answer(2)),
            Step::Choose(Reply::Answer(0)),
            Step::Choose(Reply::Answer(0)),
            Step::Choose(Reply::Answer(0)),
            Step::Number("41"),
            Step::Choose(Reply::Answer(1)),
            Step::Several(Reply::Answer(vec![8])),
            Step::Several(Reply::Answer(vec![1])),
            Step::Review(Review::Confirm),
        ]);
        let answers = collect(&rules, Answers::new(&rules), &mut prompter, REVIEW).unwrap();
        assert_eq!(prompter.reviews[0].len(), 9);
        assert_eq!(prompter.reviews[1].len(), 1, "{:?}", prompter.reviews[1]);
        assert_eq!(prompter.reviews[2].len(), 9);
        assert_eq!(answers.values()[1], Value::Choice(2));
        assert_eq!(answers.values()[5], Value::Number(41));
        // The answers dropped at the fever were asked afresh, not kept
        // (condition, duration, severity, imaging, infection).
        let asked_after_fever = &prompter.defaults[prompter.defaults.len() - 5..];
        assert_eq!(asked_after_fever, [None, None, None, None, None]);
    }

    #[test]
    fn esc_on_the_first_question_asks_it_again() {
        let rules = RuleSet::embedded().unwrap();
        let mut given = Answers::new(&rules);
        for (k, v) in [
            ("warning_signs", "none"),
            ("condition", "other"),
            ("duration", "over-a-year"),
            ("severity", "mild"),
            ("age", "30"),
            ("active_infection", "no"),
            ("health", "none"),
        ] {
            given.give(&rules, k, v).unwrap();
        }
        let mut prompter = script(vec![
            Step::Several(Reply::Back),
            Step::Several(Reply::Answer(vec![2])),
        ]);
        collect(&rules, given, &mut prompter, NO_REVIEW).unwrap();
        assert_eq!(prompter.asked.len(), 2);
    }

    #[test]
    fn invalid_ages_and_several_choices_are_asked_again_with_a_message() {
        let rules = RuleSet::embedded().unwrap();
        let mut given = Answers::new(&rules);
        for (k, v) in [
            ("warning_signs", "none"),
            ("condition", "other"),
            ("duration", "over-a-year"),
            ("severity", "mild"),
            ("active_infection", "no"),
            ("health", "none"),
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
        let answers = collect(&rules, given, &mut prompter, NO_REVIEW).unwrap();
        assert_eq!(answers.values()[5], Value::Number(47));
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

    /// Everything but `except`, answered as given.
    fn given_all_but(rules: &RuleSet, except: &[&str]) -> Answers {
        let mut given = Answers::new(rules);
        for (k, v) in [
            ("warning_signs", "none"),
            ("condition", "knee-arthritis"),
            ("duration", "over-a-year"),
            ("severity", "moderate"),
            ("imaging", "moderate"),
            ("age", "54"),
            ("active_infection", "no"),
            ("health", "none"),
            ("prior_treatments", "rest"),
        ] {
            if !except.contains(&k) {
                given.give(rules, k, v).unwrap();
            }
        }
        given
    }

    #[test]
    fn the_review_shows_given_and_asked_answers_and_confirming_ends_it() {
        let rules = RuleSet::embedded().unwrap();
        let given = given_all_but(&rules, &["severity"]);
        let mut prompter = script(vec![
            Step::Choose(Reply::Answer(2)),
            Step::Review(Review::Confirm),
        ]);
        let answers = collect(&rules, given, &mut prompter, REVIEW).unwrap();
        assert_eq!(answers.values()[3], Value::Choice(2));
        assert_eq!(
            prompter.asked,
            [
                "Question 1 of 1 How much does it get in the way of your daily life?",
                "review"
            ]
        );
        let review = &prompter.reviews[0];
        assert_eq!(
            review.len(),
            rules.questions.len(),
            "every question: {review:?}"
        );
        assert!(review.contains(
            &"What is the main problem you want help with? = Wear-and-tear arthritis (osteoarthritis) in the knee".to_owned()
        ));
        assert!(review.contains(&"How old are you? = 54".to_owned()));
        assert!(review.iter().any(|r| {
            r.starts_with("How much does it get in the way of your daily life? = ")
                && !r.ends_with("= ")
        }));
    }

    #[test]
    fn an_answer_changed_at_the_review_is_asked_with_its_place_and_reviewed_again() {
        let rules = RuleSet::embedded().unwrap();
        let given = given_all_but(&rules, &["severity"]);
        let condition = rules.question_index("condition").unwrap();
        let mut prompter = script(vec![
            Step::Choose(Reply::Answer(0)),
            Step::Review(Review::Change(condition)),
            Step::Choose(Reply::Answer(1)),
            Step::Review(Review::Confirm),
        ]);
        let answers = collect(&rules, given, &mut prompter, REVIEW).unwrap();
        assert_eq!(answers.values()[condition], Value::Choice(1));
        assert_eq!(
            prompter.asked,
            [
                "Question 1 of 1 How much does it get in the way of your daily life?",
                "review",
                "Question 2 of 9 What is the main problem you want help with?",
                "review"
            ]
        );
        assert_eq!(
            prompter.defaults,
            [None, Some(0)],
            "the earlier answer is preselected"
        );
        assert!(prompter.reviews[1].contains(
            &"What is the main problem you want help with? = Wear-and-tear arthritis (osteoarthritis) in the hip".to_owned()
        ));
    }

    #[test]
    fn esc_while_changing_keeps_the_answer_and_esc_at_the_review_goes_back() {
        let rules = RuleSet::embedded().unwrap();
        let given = given_all_but(&rules, &["severity", "active_infection"]);
        let condition = rules.question_index("condition").unwrap();
        let mut prompter = script(vec![
            Step::Choose(Reply::Answer(0)),
            Step::Choose(Reply::Answer(1)),
            Step::Review(Review::Change(condition)),
            Step::Choose(Reply::Back),
            Step::Review(Review::Back),
            Step::Choose(Reply::Answer(0)),
            Step::Review(Review::Confirm),
        ]);
        let answers = collect(&rules, given, &mut prompter, REVIEW).unwrap();
        assert_eq!(answers.values()[condition], Value::Choice(0), "unchanged");
        let infection = rules.question_index("active_infection").unwrap();
        assert_eq!(answers.values()[infection], Value::Choice(0), "asked again");
        assert_eq!(
            prompter.asked[4..6],
            [
                "review".to_owned(),
                "Question 2 of 2 Do you have an infection right now?".to_owned()
            ]
        );
    }

    #[test]
    fn an_unusual_age_is_confirmed_and_no_asks_again() {
        let rules = RuleSet::embedded().unwrap();
        let given = given_all_but(&rules, &["age"]);
        let mut prompter = script(vec![
            Step::Number("7"),
            Step::Confirm(false),
            Step::Number("17"),
            Step::Confirm(true),
        ]);
        let answers = collect(&rules, given, &mut prompter, NO_REVIEW).unwrap();
        assert_eq!(answers.values()[5], Value::Number(17));
        assert_eq!(
            prompter.asked,
            [
                "Question 1 of 1 How old are you?",
                "You typed 7. Is that right?",
                "Question 1 of 1 How old are you?",
                "You typed 17. Is that right?",
            ]
        );
    }

    #[test]
    fn usual_ages_and_the_bounds_themselves_are_not_confirmed() {
        let rules = RuleSet::embedded().unwrap();
        for (age, confirmed) in [
            ("18", false),
            ("54", false),
            ("100", false),
            ("0", true),
            ("17", true),
            ("101", true),
            ("120", true),
        ] {
            let mut steps = vec![Step::Number(age)];
            if confirmed {
                steps.push(Step::Confirm(true));
            }
            let mut prompter = script(steps);
            let given = given_all_but(&rules, &["age"]);
            collect(&rules, given, &mut prompter, NO_REVIEW).unwrap();
            let asked = 1 + usize::from(confirmed);
            assert_eq!(prompter.asked.len(), asked, "{age}: {:?}", prompter.asked);
        }
    }

    #[test]
    fn going_back_from_a_number_returns_to_the_previous_question() {
        let rules = RuleSet::embedded().unwrap();
        let given = given_all_but(&rules, &["severity", "age"]);
        let mut prompter = script(vec![
            Step::Choose(Reply::Answer(0)),
            Step::NumberBack,
            Step::Choose(Reply::Answer(2)),
            Step::Number("60"),
        ]);
        let answers = collect(&rules, given, &mut prompter, NO_REVIEW).unwrap();
        assert_eq!(answers.values()[3], Value::Choice(2));
        assert_eq!(prompter.defaults, [None, Some(0)]);
    }

    /// The plain prompter on typed lines; returns the answers and
    /// everything it wrote.
    fn plain(given: &[&str], typed: &str, flow: Flow) -> (Result<AnswerSet, Error>, String) {
        let rules = RuleSet::embedded().unwrap();
        let mut output = Vec::new();
        let mut prompter = Plain::new(&rules.text, typed.as_bytes(), &mut output);
        let result = collect(&rules, given_all_but(&rules, given), &mut prompter, flow);
        (result, String::from_utf8(output).unwrap())
    }

    #[test]
    fn plain_mode_numbers_the_options_and_takes_numbers_or_ids() {
        let (answers, screen) = plain(
            &["warning_signs", "condition", "prior_treatments"],
            "8\nhip-arthritis\n1, surgery\n",
            NO_REVIEW,
        );
        let answers = answers.unwrap();
        let rules = RuleSet::embedded().unwrap();
        let words = |id: &str| {
            let i = rules.question_index(id).unwrap();
            crate::render::answer_words(&rules.questions[i], &answers.values()[i])
        };
        assert_eq!(words("warning_signs"), "None of these");
        assert_eq!(
            words("condition"),
            "Wear-and-tear arthritis (osteoarthritis) in the hip"
        );
        assert!(words("prior_treatments").contains('\n'), "two treatments");
        assert!(screen.contains("Question 1 of 3: Do you have any of these signs right now?\n"));
        assert!(screen.contains("\n1. Wear-and-tear arthritis (osteoarthritis) in the knee\n"));
        assert!(screen.contains("Type the number of your answer"));
        assert!(!screen.contains('\u{1b}'), "no escape codes: {screen:?}");
    }

    #[test]
    fn plain_mode_explains_bad_input_goes_back_and_repeats_help() {
        let (answers, screen) = plain(
            &["condition", "severity"],
            // Out of range, a word, help, "back" where there is no going
            // back; an answer; back from question 2; Enter keeps it.
            "99\nmaybe\n?\nback\n1\nback\n\n1\n",
            NO_REVIEW,
        );
        let answers = answers.unwrap();
        assert_eq!(answers.values()[1], Value::Choice(0), "kept with Enter");
        assert_eq!(answers.values()[3], Value::Choice(0));
        // "99" and "maybe" are not answers; "back" at the first question
        // says there is none before it.
        assert_eq!(
            screen.matches("Please type a number from 1 to 11.").count(),
            2
        );
        assert_eq!(
            screen
                .matches("This is the first question: there is none before it.")
                .count(),
            1,
            "{screen}"
        );
        assert_eq!(
            screen
                .matches("Question 1 of 2: What is the main problem")
                .count(),
            3,
            "{screen}"
        );
        assert!(screen.contains(
            "Press Enter alone to keep: Wear-and-tear arthritis (osteoarthritis) in the knee."
        ));
    }

    #[test]
    fn plain_mode_never_offers_to_keep_an_answer_it_refused() {
        // "A fever" with "None of these" is refused; Enter alone is then
        // not a way to keep it but an empty answer; "2" is taken.
        let (answers, screen) = plain(&["warning_signs"], "2,8\n\n2\n", NO_REVIEW);
        let rules = RuleSet::embedded().unwrap();
        let fever = rules.questions[0]
            .options()
            .iter()
            .position(|o| o.id == "fever")
            .unwrap();
        assert_eq!(
            answers.unwrap().values()[0],
            Value::Several(OptionSet::from_indices([fever]))
        );
        assert!(screen.contains("cannot be combined"), "{screen}");
        assert!(!screen.contains("Press Enter alone to keep"), "{screen}");
        assert!(
            screen.contains("Please choose at least one answer."),
            "{screen}"
        );
    }

    #[test]
    fn plain_mode_reviews_and_changes_by_number() {
        let (answers, screen) = plain(&["age"], "40\n6\n47\n\n", REVIEW);
        assert_eq!(answers.unwrap().values()[5], Value::Number(47));
        assert!(screen.contains("\n6. How old are you? 40\n"), "{screen}");
        assert!(screen.contains("\n6. How old are you? 47\n"), "{screen}");
    }

    #[test]
    fn plain_mode_while_changing_from_the_review_back_keeps_the_answer() {
        let rules = RuleSet::embedded().unwrap();
        // Age 40, then change question 6 (the age) from the review, type
        // `back` there, and confirm.
        let (answers, screen) = plain(&["age"], "40\n6\nback\n\n", REVIEW);
        assert_eq!(answers.unwrap().values()[5], Value::Number(40));
        let asked: Vec<&str> = screen.split(": How old are you?\n").skip(1).collect();
        assert_eq!(asked.len(), 2, "{screen}");
        let first = asked[0].split_once("\n> ").unwrap().0;
        let changing = asked[1].split_once("\n> ").unwrap().0;
        // The hint says where `back` goes: to the previous question while
        // answering, to the review while changing.
        assert!(!first.contains(&rules.text.plain_review_back), "{first}");
        assert!(
            changing.contains(&rules.text.plain_review_back),
            "{changing}"
        );
        assert!(!changing.contains(&rules.text.plain_back), "{changing}");
    }

    #[test]
    fn plain_mode_confirms_an_unusual_age_by_number() {
        let (answers, screen) = plain(&["age"], "7\n2\n70\n", NO_REVIEW);
        assert_eq!(answers.unwrap().values()[5], Value::Number(70));
        assert!(screen.contains(
            "You typed 7. Is that right?\n1. Yes, that is right\n2. No, let me change it\n"
        ));
    }

    #[test]
    fn plain_mode_stops_with_an_error_when_the_input_ends() {
        let (answers, _) = plain(&["age"], "", NO_REVIEW);
        assert!(matches!(answers, Err(Error::Usage(ref m)) if m.contains("ended")));
        let (answers, _) = plain(&["age"], "abc\n", NO_REVIEW);
        assert!(answers.is_err(), "an invalid last line is not an answer");
    }

    /// The plain prompter on raw typed bytes.
    fn plain_bytes(given: &[&str], typed: &[u8]) -> (Result<AnswerSet, Error>, String) {
        let rules = RuleSet::embedded().unwrap();
        let mut output = Vec::new();
        let mut prompter = Plain::new(&rules.text, typed, &mut output);
        let result = collect(
            &rules,
            given_all_but(&rules, given),
            &mut prompter,
            NO_REVIEW,
        );
        (result, String::from_utf8(output).unwrap())
    }

    #[test]
    fn plain_mode_refuses_a_line_over_the_limit_and_asks_again() {
        // Spaces then "2": trimmed, it would be an answer, but the line is
        // longer than a typed line may be, so it is skipped (not kept) and
        // the question is asked again; the next line answers it.
        for padding in [MAX_TYPED_LINE_BYTES, 1 << 20] {
            let mut typed = vec![b' '; padding];
            typed.extend_from_slice(b"2\n1\n");
            let (answers, screen) = plain_bytes(&["condition"], &typed);
            assert_eq!(answers.unwrap().values()[1], Value::Choice(0), "{screen}");
            assert_eq!(
                screen.matches("Please type a number from 1 to 11.").count(),
                1,
                "{screen}"
            );
        }
        // A line at the limit, its line end included, is read.
        let mut typed = vec![b' '; MAX_TYPED_LINE_BYTES - 2];
        typed.extend_from_slice(b"2\n");
        let (answers, _) = plain_bytes(&["condition"], &typed);
        assert_eq!(answers.unwrap().values()[1], Value::Choice(1));
    }

    #[test]
    fn plain_mode_asks_again_after_a_line_that_is_not_text() {
        let (answers, screen) = plain_bytes(&["condition"], b"\xff\xfe1\n2\n");
        assert_eq!(answers.unwrap().values()[1], Value::Choice(1), "{screen}");
        assert!(
            screen.contains("Please type a number from 1 to 11."),
            "{screen}"
        );
        // At a number, the review and a yes-or-no question too.
        let (answers, screen) = plain_bytes(&["age"], b"\xff\n7\n\xc3\n1\n");
        assert_eq!(answers.unwrap().values()[5], Value::Number(7), "{screen}");
        assert!(screen.contains("Please type a whole number"), "{screen}");
        assert!(
            screen.contains("Please type a number from 1 to 2."),
            "{screen}"
        );
        let rules = RuleSet::embedded().unwrap();
        let mut output = Vec::new();
        let mut prompter = Plain::new(&rules.text, &b"\xff\n\n"[..], &mut output);
        let rows = [ReviewRow {
            question: "Q",
            answer: "A".to_owned(),
        }];
        assert_eq!(prompter.review(&rows, false).unwrap(), Review::Confirm);
        let screen = String::from_utf8(output).unwrap();
        assert!(
            screen.contains("Please type a number from 1 to 1."),
            "{screen}"
        );
    }

    #[test]
    fn plain_mode_asks_about_the_next_person_by_number() {
        let rules = RuleSet::embedded().unwrap();
        for (typed, next) in [("1\n", true), ("x\n2\n", false)] {
            let mut output = Vec::new();
            let mut prompter = Plain::new(&rules.text, typed.as_bytes(), &mut output);
            assert_eq!(prompter.next_person().unwrap(), next);
        }
    }

    #[test]
    fn plain_mode_prints_rule_text_without_control_characters() {
        let mut rules = RuleSet::embedded().unwrap();
        rules.questions[0].prompt = "Signs?\u{1b}[2J\u{7}".to_owned();
        let mut output = Vec::new();
        let mut prompter = Plain::new(&rules.text, "8\n".as_bytes(), &mut output);
        let mut given = Answers::new(&rules);
        for (k, v) in [
            ("condition", "other"),
            ("duration", "over-a-year"),
            ("severity", "mild"),
            ("age", "30"),
            ("active_infection", "no"),
            ("health", "none"),
            ("prior_treatments", "none"),
        ] {
            given.give(&rules, k, v).unwrap();
        }
        collect(&rules, given, &mut prompter, NO_REVIEW).unwrap();
        let screen = String::from_utf8(output).unwrap();
        assert!(screen.contains("Signs?[2J"), "{screen:?}");
        assert!(!screen.contains('\u{1b}') && !screen.contains('\u{7}'));
    }
}
