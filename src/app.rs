//! The screening command from start to end: load the rule set, take the
//! given answers, ask for the rest, evaluate, render and print.
//!
//! This is the only module that reads [`crate::cli`] structs; it decides once
//! whether a person can be asked and how wide the output is.

use std::collections::HashSet;
use std::io::{IsTerminal, Write};
use std::path::Path;

use crate::answers::{Answers, DocumentFormat};
use crate::cases;
use crate::check::{CheckReport, Severity, check};
use crate::cli::{
    BatchArgs, CheckArgs, Cli, ColorChoice, Command, Format, QuestionnaireFormat, RecordFormat,
    RulesCommand, ScreenArgs, Shell, ShowArgs, SummaryFormat, TestArgs,
};
use crate::error::Error;
use crate::evaluate::evaluate;
use crate::interview;
use crate::render::{Report, json, text};
use crate::ruleset::{LoadError, RuleSet};

use crate::render::text::{FIXED_WIDTH, MAX_WIDTH};

/// Runs the command line. Errors carry a library [`Error`] that decides the
/// exit code (see [`crate::error::exit_code`]).
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Some(Command::Screen(args)) => screen(&args),
        Some(Command::Batch(args)) => batch(&args),
        Some(Command::Completions { shell }) => completions(shell),
        Some(Command::Questionnaire { format, rules }) => {
            let rules = load_rules(rules.as_deref())?;
            match format {
                QuestionnaireFormat::Fhir => print(&crate::render::fhir::questionnaire(&rules)),
            }
        }
        Some(Command::Man) => man(),
        Some(Command::Rules { command }) => match command {
            RulesCommand::Check(args) => rules_check(&args),
            RulesCommand::Test(args) => rules_test(&args),
            RulesCommand::Show(args) => rules_show(&args),
        },
        None => screen(&cli.screen),
    }
}

/// `batch`: screens every record, then prints the tally on stderr; fails
/// with 65 after writing everything when a record was invalid.
fn batch(args: &BatchArgs) -> anyhow::Result<()> {
    use crate::batch::{BatchError, InputFormat, OutputFormat};

    let rules = load_rules(args.rules.as_deref())?;
    let path = &args.input;
    let input_format = match args.input_format {
        Some(RecordFormat::Csv) => InputFormat::Csv,
        Some(RecordFormat::Jsonl) => InputFormat::JsonLines,
        None => InputFormat::guess(&path.to_string_lossy()),
    };
    let output_format = match args.format {
        RecordFormat::Jsonl => OutputFormat::JsonLines,
        RecordFormat::Csv => OutputFormat::Csv,
    };
    let input_error = |source| Error::Input {
        path: path.clone(),
        source,
    };
    let stdin = std::io::stdin();
    let (input, size): (Box<dyn std::io::BufRead>, Option<u64>) = if path == Path::new("-") {
        (Box::new(stdin.lock()), None)
    } else {
        let file = std::fs::File::open(path).map_err(input_error)?;
        let size = file.metadata().map(|m| m.len()).ok();
        (
            Box::new(std::io::BufReader::with_capacity(1 << 16, file)),
            size,
        )
    };
    // A progress bar only for a file, and only when someone watches stderr.
    let bar = size
        .filter(|_| console::Term::stderr().is_term())
        .map(|size| {
            let bar = indicatif::ProgressBar::new(size);
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{bar:40} {bytes}/{total_bytes} ({eta} left)",
            ) {
                bar.set_style(style);
            }
            bar
        });
    let mut progress = |bytes: u64| {
        if let Some(bar) = &bar {
            bar.set_position(bytes);
        }
    };
    // `Stdout`, not its lock: the results are written on a thread of their
    // own (it takes the lock for each 64 KiB written).
    let output = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout());
    let jobs = args.jobs.unwrap_or_else(crate::batch::default_jobs);
    let result = crate::batch::run(
        &rules,
        input,
        input_format,
        output,
        output_format,
        jobs,
        &mut progress,
    );
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let tally = result.map_err(|e| match e {
        BatchError::Input(source) => input_error(source),
        BatchError::Output(source) => Error::Output {
            what: "cannot write the results to standard output".to_owned(),
            source,
        },
    })?;
    tell(&tally.render_table()).map_err(|source| Error::Output {
        what: "the results were written, but their tally cannot be written to standard error"
            .to_owned(),
        source,
    })?;
    match tally.errors {
        0 => Ok(()),
        invalid => Err(Error::InvalidRecords {
            invalid,
            records: tally.records(),
        }
        .into()),
    }
}

/// `rules check`: prints the report, and fails (exit 78) when it has errors.
/// A rule set that does not load is reported like any other error; in JSON
/// the loader's problems become the report's errors.
fn rules_check(args: &CheckArgs) -> anyhow::Result<()> {
    if let Some(dir) = &args.sources
        && !dir.is_dir()
    {
        return Err(Error::Input {
            path: dir.clone(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such folder"),
        }
        .into());
    }
    let report = match read_rules(args.dir.as_deref()) {
        Ok(rules) => check(&rules, args.sources.as_deref(), &crate::date::today()),
        Err(LoadError::Invalid(diagnostics)) if args.format == Format::Json => {
            CheckReport::load_failed(&diagnostics)
        }
        Err(e) => return Err(rules_error(args.dir.as_deref(), e)),
    };
    print(&match args.format {
        Format::Text => report.render_text(),
        Format::Json => report.render_json(),
    })?;
    match report.count(Severity::Error) {
        0 => Ok(()),
        errors => Err(Error::CheckFailed(errors).into()),
    }
}

/// `rules test`: runs the case files against the rule set; fails (exit 1)
/// when a case fails or coverage is below `--min-coverage`.
fn rules_test(args: &TestArgs) -> anyhow::Result<()> {
    let rules = load_rules(args.dir.as_deref())?;
    let cases_dir = args
        .cases
        .clone()
        .or_else(|| args.dir.as_ref().map(|dir| dir.join("tests")));
    let files = match &cases_dir {
        Some(dir) => crate::ruleset::read_dir(dir, "case"),
        None => Ok(RuleSet::embedded_cases()),
    };
    let cases = files
        .and_then(|files| cases::load(&rules, &files))
        .map_err(|e| {
            let place = cases_dir.as_ref().map_or_else(
                || "the built-in test cases are invalid".to_owned(),
                |dir| format!("cannot load the test cases in `{}`", dir.display()),
            );
            anyhow::Error::new(Error::from(e)).context(place)
        })?;
    let report = cases::run(&rules, &cases);
    print(&match args.format {
        Format::Text => report.render_text(args.min_coverage),
        Format::Json => report.render_json(),
    })?;
    if report.ok(args.min_coverage) {
        Ok(())
    } else if report.failed > 0 {
        Err(Error::TestsFailed(format!(
            "{} of {} cases failed",
            report.failed,
            report.cases.len()
        ))
        .into())
    } else {
        Err(Error::TestsFailed(format!(
            "the cases fire {:.1}% of the rules, below --min-coverage {}",
            report.coverage.percent,
            args.min_coverage.unwrap_or_default()
        ))
        .into())
    }
}

/// `rules show`: every rule in a table, or as JSON.
fn rules_show(args: &ShowArgs) -> anyhow::Result<()> {
    let rules = load_rules(args.dir.as_deref())?;
    print(&match args.format {
        Format::Text => crate::show::render_text(&rules, output_width()),
        Format::Json => crate::show::render_json(&rules),
    })
}

/// The width for text output: the terminal's, at most [`MAX_WIDTH`], or
/// [`FIXED_WIDTH`] when standard output is not a terminal.
fn output_width() -> u16 {
    interview::stdout_width().map_or(FIXED_WIDTH, |w| w.min(MAX_WIDTH))
}

/// Loads the rule set in `dir`, or the built-in one.
pub fn load_rules(dir: Option<&Path>) -> anyhow::Result<RuleSet> {
    read_rules(dir).map_err(|e| rules_error(dir, e))
}

fn read_rules(dir: Option<&Path>) -> Result<RuleSet, LoadError> {
    match dir {
        Some(dir) => RuleSet::load_dir(dir),
        None => RuleSet::embedded(),
    }
}

/// A load error with the folder it came from.
fn rules_error(dir: Option<&Path>, err: LoadError) -> anyhow::Error {
    let err = anyhow::Error::new(Error::from(err));
    match dir {
        Some(dir) => err.context(format!("cannot load the rule set in `{}`", dir.display())),
        None => err.context("the built-in rule set is invalid"),
    }
}

/// `screen`: one person, or with `--repeat` one after another. Each
/// person's answers, assessment and summary live only in one turn of the
/// loop, so nothing of them is left for the next person.
fn screen(args: &ScreenArgs) -> anyhow::Result<()> {
    let rules = load_rules(args.rules.as_deref())?;
    let reads_stdin = args.answers.as_deref() == Some(Path::new("-"));
    if args.plain && reads_stdin {
        return Err(Error::Usage(
            "--plain reads the typed answers from standard input, so `--answers -` cannot read it too"
                .to_owned(),
        )
        .into());
    }
    if args.explain && !matches!(args.format, SummaryFormat::Text | SummaryFormat::Json) {
        return Err(Error::Usage(
            "--explain is for the text and JSON formats (it is a rule author's view)".to_owned(),
        )
        .into());
    }
    let menus = interview::can_ask() && !reads_stdin;
    if args.repeat && !args.plain && !menus {
        return Err(Error::Usage(
            "--repeat interviews people one after another, so it needs a terminal (or --plain)"
                .to_owned(),
        )
        .into());
    }
    let color = |stream: &dyn IsTerminal| {
        color_wanted(
            args.color,
            stream.is_terminal(),
            std::env::var_os("NO_COLOR").as_deref(),
            std::env::var_os("TERM").as_deref(),
        )
    };
    let stdout_color = color(&std::io::stdout());
    interview::set_colors(stdout_color, !args.plain && color(&std::io::stderr()));
    let flow = interview::Flow {
        review: !args.no_review,
        saves: args.saves(),
    };

    let given = given_answers(&rules, args)?;
    if let Some(path) = args.output_file() {
        crate::save::check_target(path, args.force)?;
    }
    if let Some(folder) = &args.output_dir {
        crate::save::prepare_folder(folder)?;
    }
    // The number of the next summary saved in `--output-dir`.
    let mut next = 1;
    let mut prompter: Option<Box<dyn interview::Prompter>> = None;
    loop {
        let complete = match given.clone().complete(&rules) {
            Ok(complete) => complete,
            Err(missing) => {
                if prompter.is_none() && (args.plain || menus) {
                    interview::install_interrupt_handler()?;
                    prompter = Some(if args.plain {
                        Box::new(
                            interview::Plain::new(
                                &rules.text,
                                std::io::stdin().lock(),
                                std::io::stderr(),
                            )
                            .clearing(std::io::stderr().is_terminal()),
                        )
                    } else {
                        Box::new(interview::Terminal::new(&rules.text))
                    });
                }
                let Some(prompter) = prompter.as_deref_mut() else {
                    let ids = missing
                        .iter()
                        .map(|&i| rules.questions[i].id.clone())
                        .collect();
                    return Err(Error::MissingAnswers(ids).into());
                };
                interview::collect(&rules, given.clone(), prompter, flow)?
            }
        };
        let (summary, made, outcome) =
            summary(&rules, args, &complete, stdout_color && !args.saves())?;
        let saved = match (args.output_file(), &args.output_dir) {
            (Some(path), _) => {
                crate::save::save(path, summary.as_bytes(), args.force)?;
                Some(path.to_owned())
            }
            (None, Some(folder)) => Some(crate::save::save_numbered(
                folder,
                &made.stamp(),
                &mut next,
                args.format.extension(),
                summary.as_bytes(),
            )?),
            (None, None) => {
                print(&summary)?;
                None
            }
        };
        if let Some(path) = saved {
            // The notice is the rule set's `saved` text, as the person who
            // was screened may read it, with the outcome in words.
            let notice = crate::ruleset::fill(
                &rules.text.saved,
                &[
                    ("path", &path.display().to_string()),
                    ("outcome", &rules.levels.get(outcome.level).label),
                    ("action", &outcome.action),
                ],
            );
            let notice = interview::for_stderr(&crate::sanitize::sanitize(&notice));
            tell(&format!("{notice}\n")).map_err(|source| Error::Output {
                what: format!(
                    "the summary was saved to `{}`, but standard error cannot be written",
                    path.display()
                ),
                source,
            })?;
        }
        let Some(prompter) = prompter.as_deref_mut().filter(|_| args.repeat) else {
            return Ok(());
        };
        if !prompter.next_person()? {
            return Ok(());
        }
        prompter.clear()?;
    }
}

/// One person's summary in the chosen format, when it was made and its
/// outcome.
fn summary(
    rules: &RuleSet,
    args: &ScreenArgs,
    complete: &crate::answers::AnswerSet,
    color: bool,
) -> anyhow::Result<(String, crate::date::Made, Outcome)> {
    let made = crate::date::now();
    let assessment = evaluate(rules, complete);
    let explanation = args
        .explain
        .then(|| crate::explain::explain(rules, complete, &assessment));
    let report = Report {
        rules,
        answers: complete,
        assessment: &assessment,
        // The clock is read once: the review date is checked on the day made.
        review_overdue: rules.meta.review_overdue(made.date()),
        explanation: explanation.as_ref(),
        audience: args.audience.into(),
        details: args.details,
        created: &made.rfc3339,
        zone: &made.zone,
    };
    let saved = args.saves();
    let summary = match args.format {
        SummaryFormat::Text => text::render(
            &report,
            text::TextOptions {
                // A saved summary has the fixed width, like any file.
                width: if saved { FIXED_WIDTH } else { output_width() },
                color,
                plain: args.plain,
                // On a terminal the top has scrolled away by the end.
                repeat_action: !saved && std::io::IsTerminal::is_terminal(&std::io::stdout()),
            },
        ),
        SummaryFormat::Json => json::render(&report),
        SummaryFormat::Markdown => crate::render::markdown::render(&report),
        SummaryFormat::Html => crate::render::html::render(&report)?,
        SummaryFormat::Fhir => crate::render::fhir::response(&report),
    };
    let outcome = Outcome {
        level: assessment.outcome,
        action: report.action().to_owned(),
    };
    Ok((summary, made, outcome))
}

/// A summary's outcome and what to do, for the notice after saving it.
struct Outcome {
    level: crate::level::Level,
    action: String,
}

/// Whether to color output on a stream: `always`, `never`, or for `auto`
/// only when the stream is a terminal, `NO_COLOR` is unset or empty, and
/// `TERM` is not `dumb`.
pub fn color_wanted(
    choice: ColorChoice,
    is_terminal: bool,
    no_color: Option<&std::ffi::OsStr>,
    term: Option<&std::ffi::OsStr>,
) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            is_terminal && no_color.is_none_or(|v| v.is_empty()) && term.is_none_or(|t| t != "dumb")
        }
    }
}

/// `completions`: the shell's completion script on standard output.
fn completions(shell: Shell) -> anyhow::Result<()> {
    use clap::CommandFactory;
    let mut command = Cli::command();
    let mut script = Vec::new();
    let generator = match shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
    };
    clap_complete::generate(generator, &mut command, "candidacy", &mut script);
    print(&String::from_utf8_lossy(&script))
}

/// `man`: the manual page (roff) on standard output.
fn man() -> anyhow::Result<()> {
    use clap::CommandFactory;
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut page)
        .map_err(|source| Error::Output {
            what: "cannot render the manual page".to_owned(),
            source,
        })?;
    print(&String::from_utf8_lossy(&page))
}

/// The answers from `--answers` and then `--answer`, which may override the
/// file; one question given twice with `--answer` is a usage error.
fn given_answers(rules: &RuleSet, args: &ScreenArgs) -> anyhow::Result<Answers> {
    let mut answers = Answers::new(rules);
    if let Some(path) = &args.answers {
        let text = read_input(path)?;
        let format = DocumentFormat::guess(&path.to_string_lossy(), &text);
        answers
            .give_document(rules, &text, format)
            .map_err(|source| Error::AnswerFile {
                path: path.clone(),
                source,
            })?;
    }
    let mut seen = HashSet::new();
    for (key, value) in &args.answer {
        let index = answers.give(rules, key, value).map_err(Error::from)?;
        if !seen.insert(index) {
            return Err(Error::Usage(format!("`{key}` is given twice with --answer")).into());
        }
    }
    Ok(answers)
}

/// Reads a file, or standard input for `-`. Text that is not UTF-8 is bad
/// data (65), not a missing input (66).
fn read_input(path: &Path) -> Result<String, Error> {
    let io = |source: std::io::Error| match source.kind() {
        std::io::ErrorKind::InvalidData => Error::AnswerFile {
            path: path.to_owned(),
            source: crate::answers::AnswerError::Syntax("the file is not UTF-8 text".to_owned()),
        },
        _ => Error::Input {
            path: path.to_owned(),
            source,
        },
    };
    let text = if path == Path::new("-") {
        crate::answers::read_document(std::io::stdin().lock())
    } else {
        std::fs::File::open(path).and_then(crate::answers::read_document)
    };
    text.map_err(io)?.map_err(|source| Error::AnswerFile {
        path: path.to_owned(),
        source,
    })
}

/// Writes a message on standard error (not `eprint!`, which panics when
/// standard error cannot be written).
fn tell(message: &str) -> std::io::Result<()> {
    let mut stderr = std::io::stderr().lock();
    stderr
        .write_all(message.as_bytes())
        .and_then(|()| stderr.flush())
}

/// Writes the whole summary at once.
fn print(summary: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(summary.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|source| Error::Output {
            what: "cannot write the summary to standard output".to_owned(),
            source,
        })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn auto_color_needs_a_terminal_no_no_color_and_a_capable_term() {
        let xterm = Some(OsStr::new("xterm-256color"));
        let auto = |tty, no_color, term| color_wanted(ColorChoice::Auto, tty, no_color, term);
        assert!(auto(true, None, xterm));
        assert!(
            auto(true, Some(OsStr::new("")), xterm),
            "an empty NO_COLOR is unset"
        );
        assert!(auto(true, None, None));
        assert!(!auto(false, None, xterm), "not a terminal");
        assert!(!auto(true, Some(OsStr::new("1")), xterm), "NO_COLOR set");
        assert!(!auto(true, None, Some(OsStr::new("dumb"))), "TERM=dumb");
    }

    #[test]
    fn always_and_never_ignore_the_surroundings() {
        let dumb = Some(OsStr::new("dumb"));
        assert!(color_wanted(
            ColorChoice::Always,
            false,
            Some(OsStr::new("1")),
            dumb
        ));
        assert!(!color_wanted(ColorChoice::Never, true, None, None));
    }
}
