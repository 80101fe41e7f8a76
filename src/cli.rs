//! The command line, as clap derive structs. The `///` comments are the
//! help text. Only [`crate::app`] reads these structs.

use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

const EXAMPLES: &str = "\
Examples:
  Run the interview:
    candidacy
  Screen without questions (every answer given):
    candidacy --answer warning_signs=none \\
      --answer condition=knee-arthritis --answer duration=over-a-year \\
      --answer severity=moderate --answer imaging=moderate \\
      --answer age=54 --answer active_infection=no --answer health=none \\
      --answer prior_treatments=rest,physical-therapy
  A warning sign alone is a whole screening (the other questions are not
  asked):
    candidacy --answer warning_signs=fever
  The same for the person running the intake (rule ids, full citations):
    candidacy --answers examples/knee-moderate.toml --audience staff
  Read answers from a file and print JSON:
    candidacy --answers examples/knee-moderate.toml --format json
  Save a printable handout (readable by your user account only):
    candidacy --format html --output handout.html
  A FHIR QuestionnaireResponse for the chart:
    candidacy --answers examples/knee-moderate.toml --format fhir -o response.json
  Ask only what the file does not answer:
    candidacy --answers examples/partial.toml
  Front desk: no review step, next person after each summary:
    candidacy --no-review --repeat
  Screen-reader friendly: numbered options, typed answers, no redraws:
    candidacy --plain

Exit codes: 0 summary printed or saved, 2 usage, 65 bad answers,
66 input file missing, 70 internal error, 73 cannot create the --output file,
74 output error, 78 bad rule files, 129 terminal closed, 130 interrupted
(Ctrl-C), 131 stopped (SIGQUIT), 143 stopped (SIGTERM).";

/// An educational first screen for bone marrow-derived stem cell therapy.
///
/// Asks about warning signs first, then up to eight questions (or takes the
/// answers given), checks them against rule files built from two clinic
/// documents, clinical guidance and research, and prints what the sources
/// say about the answers. It is education, not a diagnosis or a decision:
/// only a clinician can decide after an evaluation.
#[derive(Debug, Parser)]
#[command(
    name = "candidacy",
    version,
    after_help = EXAMPLES,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// What to do; `screen` when left out.
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Options for screening when no subcommand is given.
    #[command(flatten)]
    pub screen: ScreenArgs,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Screen one person: ask what is not given, then print the summary (the default)
    #[command(after_help = EXAMPLES)]
    Screen(ScreenArgs),
    /// Screen many intake records (JSON Lines or CSV) and print one result per record
    #[command(after_help = "\
Examples:
  candidacy batch intake.jsonl > results.jsonl
  candidacy batch intake.csv --format csv > results.csv
  cat intake.jsonl | candidacy batch -

Input: JSON Lines (one object per line, the keys of --answers plus an
optional \"id\") or CSV (a header row of question ids and optionally id; several
choices separated by ;). Every input record yields one result, in order.

Exit codes: 0 every record screened, 65 some records invalid (their error
records are in the output), 66 input missing, 74 output error, 78 bad rule
files.")]
    Batch(BatchArgs),
    /// Print the questions as a form another system can load (HL7 FHIR R4 Questionnaire)
    #[command(after_help = "\
Examples:
  candidacy questionnaire --format fhir > questionnaire.json
  candidacy questionnaire --rules my-clinic-rules/")]
    Questionnaire {
        /// Output format
        #[arg(short = 'f', long, value_enum, default_value_t = QuestionnaireFormat::Fhir)]
        format: QuestionnaireFormat,

        /// Use the rule files in DIR instead of the built-in rule set
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
    },
    /// Print a shell completion script (for example into ~/.local/share/bash-completion/completions/candidacy)
    #[command(after_help = "\
Examples:
  candidacy completions bash > ~/.local/share/bash-completion/completions/candidacy
  candidacy completions zsh > ~/.zfunc/_candidacy
  candidacy completions fish > ~/.config/fish/completions/candidacy.fish")]
    Completions {
        /// The shell to complete in
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Print the manual page (roff), generated from this command line's definition
    #[command(after_help = "\
Examples:
  candidacy man > candidacy.1 && man ./candidacy.1")]
    Man,
    /// Work with rule files
    Rules {
        /// What to do with the rule files.
        #[command(subcommand)]
        command: RulesCommand,
    },
}

/// Options for `batch`.
#[derive(Debug, Clone, Args)]
pub struct BatchArgs {
    /// The intake records ("-" or nothing reads standard input)
    #[arg(value_name = "FILE", default_value = "-")]
    pub input: PathBuf,

    /// The input's format (default: csv for *.csv, JSON Lines otherwise)
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub input_format: Option<RecordFormat>,

    /// The results' format
    #[arg(short = 'f', long, value_enum, default_value_t = RecordFormat::Jsonl)]
    pub format: RecordFormat,

    /// Use the rule files in DIR instead of the built-in rule set
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,

    /// Screen on N threads (default: the cores available); the results are
    /// the same, in the same order, whatever N is
    #[arg(short = 'j', long, value_name = "N", value_parser = jobs)]
    pub jobs: Option<NonZeroUsize>,
}

/// The most `--jobs`: more threads than this would only wait.
pub const MAX_JOBS: usize = 256;

fn jobs(value: &str) -> Result<NonZeroUsize, String> {
    match value.trim().parse::<usize>() {
        Ok(n @ 1..=MAX_JOBS) => NonZeroUsize::new(n).ok_or_else(|| "must be at least 1".to_owned()),
        _ => Err(format!("must be a whole number from 1 to {MAX_JOBS}")),
    }
}

/// Shells that completions are printed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    /// Bash
    Bash,
    /// Z shell
    Zsh,
    /// fish
    Fish,
}

/// When to use color.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// When the output is a terminal, NO_COLOR is unset or empty and TERM is not dumb
    Auto,
    /// Always
    Always,
    /// Never
    Never,
}

/// Formats of batch records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RecordFormat {
    /// JSON Lines: one JSON object per line
    Jsonl,
    /// CSV with a header row
    Csv,
}

/// The `rules` subcommands.
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Check a rule set: schema, quotes, gaps, unreachable rules, contradictions, review date
    #[command(after_help = "\
Examples:
  candidacy rules check
  candidacy rules check my-clinic-rules/ --sources ../shared/seeds
  candidacy rules check --format json

Exit codes: 0 no errors (warnings may be printed), 66 a folder does not exist,
78 errors found.")]
    Check(CheckArgs),
    /// Run the rule set's test cases and report which rules no case fires
    #[command(after_help = "\
Examples:
  candidacy rules test --min-coverage 100
  candidacy rules test my-clinic-rules/          (cases in my-clinic-rules/tests/)
  candidacy rules test my-clinic-rules/ --cases more-cases/ --format json

Exit codes: 0 every case passed (and coverage is high enough), 1 a case failed
or coverage is below --min-coverage, 66 a folder does not exist, 78 invalid
rule or case files.")]
    Test(TestArgs),
    /// List every rule: id, level, when it fires (in words), the sources it cites
    #[command(after_help = "\
Examples:
  candidacy rules show
  candidacy rules show my-clinic-rules/ --format json")]
    Show(ShowArgs),
}

/// Options for `rules test`.
#[derive(Debug, Clone, Args)]
pub struct TestArgs {
    /// The rule folder to test (default: the built-in rule set and its cases)
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// Read the case files (*.toml) from this folder instead of DIR/tests
    #[arg(long, value_name = "DIR")]
    pub cases: Option<PathBuf>,

    /// Fail when the cases fire less than this percentage of the rules (0 to 100)
    #[arg(long, value_name = "PCT", value_parser = parse_percent)]
    pub min_coverage: Option<f64>,

    /// Output format of the report
    #[arg(short = 'f', long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// Options for `rules show`.
#[derive(Debug, Clone, Args)]
pub struct ShowArgs {
    /// The rule folder to show (default: the built-in rule set)
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// Output format of the list
    #[arg(short = 'f', long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// Options for `rules check`.
#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// The rule folder to check (default: the built-in rule set)
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// Compare every quote with the source documents in this folder
    #[arg(long, value_name = "DIR")]
    pub sources: Option<PathBuf>,

    /// Output format of the report
    #[arg(short = 'f', long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// Options for screening one person.
#[derive(Debug, Clone, Args)]
pub struct ScreenArgs {
    /// Give an answer instead of being asked (repeatable); several choices comma-separated
    #[arg(short = 'a', long = "answer", value_name = "KEY=VALUE", value_parser = parse_key_value)]
    pub answer: Vec<(String, String)>,

    /// Read answers from a TOML or JSON file with question ids as keys ("-" reads standard input)
    #[arg(long = "answers", value_name = "FILE")]
    pub answers: Option<PathBuf>,

    /// Output format of the summary
    #[arg(short = 'f', long, value_enum, default_value_t = SummaryFormat::Text)]
    pub format: SummaryFormat,

    /// Save the summary to FILE (readable by your user account only) instead of printing it; "-" prints it
    #[arg(short = 'o', long, value_name = "FILE", conflicts_with = "repeat")]
    pub output: Option<PathBuf>,

    /// Save each summary in DIR (made readable by your user account only if new), named by the date, time and a number, never by anything said: for the front desk's --repeat
    #[arg(long, value_name = "DIR", conflicts_with = "output")]
    pub output_dir: Option<PathBuf>,

    /// With --output: replace FILE if it is an ordinary file that exists
    #[arg(long, requires = "output")]
    pub force: bool,

    /// Also show every rule's result and which single changed answer would change the outcome
    #[arg(long)]
    pub explain: bool,

    /// Who reads the summary: the patient (plain, no rule ids) or intake staff (rule ids, full citations)
    #[arg(long, value_enum, default_value_t = AudienceArg::Patient)]
    pub audience: AudienceArg,

    /// A patient's text or Markdown summary in full: every quote, note, answer and source (the short one names its sources without quoting them; staff and the HTML handout always get the details)
    #[arg(long)]
    pub details: bool,

    /// Use the rule files in DIR instead of the built-in rule set
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,

    /// Go straight to the summary after the last question, without the review of all answers
    #[arg(long)]
    pub no_review: bool,

    /// After each summary, offer to interview the next person (the screen is cleared between people)
    #[arg(long, conflicts_with_all = ["answer", "answers"])]
    pub repeat: bool,

    /// Screen-reader friendly: plain lines, numbered options, answers typed as numbers or ids, no redraws
    #[arg(long)]
    pub plain: bool,

    /// When to use color; color never carries meaning on its own
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

impl ScreenArgs {
    /// The file `--output` names, or `None` when the summary goes to
    /// standard output: without `--output`, and with `--output -` (as
    /// `--answers -` reads standard input; `./-` names a file called `-`).
    pub fn output_file(&self) -> Option<&Path> {
        self.output
            .as_deref()
            .filter(|path| *path != Path::new("-"))
    }

    /// Whether summaries are saved to files (`--output FILE` or
    /// `--output-dir`) rather than printed.
    pub fn saves(&self) -> bool {
        self.output_file().is_some() || self.output_dir.is_some()
    }
}

/// Who reads the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AudienceArg {
    /// The person screened: plain language, no rule ids
    Patient,
    /// The person running the intake: rule ids, levels and full citations
    Staff,
}

impl From<AudienceArg> for crate::render::Audience {
    fn from(audience: AudienceArg) -> Self {
        match audience {
            AudienceArg::Patient => crate::render::Audience::Patient,
            AudienceArg::Staff => crate::render::Audience::Staff,
        }
    }
}

/// Formats of a summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SummaryFormat {
    /// Headings and tables for a terminal or a printout
    Text,
    /// The machine format (fields documented in the README)
    Json,
    /// The text summary's content as a Markdown document
    Markdown,
    /// A self-contained printable handout (one page for the typical case)
    Html,
    /// HL7 FHIR R4 QuestionnaireResponse with the outcome as a contained Observation
    Fhir,
}

impl SummaryFormat {
    /// The file name extension of a summary saved in `--output-dir`.
    pub fn extension(self) -> &'static str {
        match self {
            SummaryFormat::Text => "txt",
            SummaryFormat::Json => "json",
            SummaryFormat::Markdown => "md",
            SummaryFormat::Html => "html",
            SummaryFormat::Fhir => "fhir.json",
        }
    }
}

/// Formats of the questionnaire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum QuestionnaireFormat {
    /// HL7 FHIR R4 Questionnaire resource (JSON)
    Fhir,
}

/// Output formats of reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Headings and tables for a terminal or a printout
    Text,
    /// The machine format (fields documented in the README)
    Json,
}

fn parse_percent(arg: &str) -> Result<f64, String> {
    match arg.trim().trim_end_matches('%').parse::<f64>() {
        Ok(pct) if (0.0..=100.0).contains(&pct) => Ok(pct),
        _ => Err(format!("expected a percentage from 0 to 100, not `{arg}`")),
    }
}

fn parse_key_value(arg: &str) -> Result<(String, String), String> {
    match arg.split_once('=') {
        Some((key, value)) if !key.trim().is_empty() => {
            Ok((key.trim().to_owned(), value.trim().to_owned()))
        }
        _ => Err(format!(
            "expected KEY=VALUE (for example age=54), not `{arg}`"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    /// Every flag, argument and subcommand has a description of one line.
    #[test]
    fn everything_has_a_one_line_description() {
        fn walk(command: &clap::Command, path: &str) {
            for arg in command.get_arguments() {
                let id = arg.get_id().as_str();
                if matches!(id, "help" | "version") {
                    continue;
                }
                let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
                assert!(!help.trim().is_empty(), "{path} {id} has no description");
                assert!(!help.contains('\n'), "{path} {id}: more than one line");
            }
            for sub in command.get_subcommands() {
                let about = sub.get_about().map(ToString::to_string).unwrap_or_default();
                let name = format!("{path} {}", sub.get_name());
                if sub.get_name() != "help" {
                    assert!(!about.trim().is_empty(), "{name} has no description");
                }
                walk(sub, &name);
            }
        }
        walk(&Cli::command(), "candidacy");
    }

    #[test]
    fn screen_is_the_default_and_a_subcommand() {
        let top = Cli::try_parse_from(["candidacy", "--answer", "age=5", "-f", "json"]).unwrap();
        assert!(top.command.is_none());
        assert_eq!(top.screen.answer, [("age".to_owned(), "5".to_owned())]);
        assert_eq!(top.screen.format, SummaryFormat::Json);
        let sub = Cli::try_parse_from(["candidacy", "screen", "--answer", "age=5"]).unwrap();
        assert!(matches!(sub.command, Some(Command::Screen(ref a)) if a.answer.len() == 1));
        let check =
            Cli::try_parse_from(["candidacy", "rules", "check", "dir", "--sources", "s"]).unwrap();
        assert!(matches!(
            check.command,
            Some(Command::Rules { command: RulesCommand::Check(ref a) })
                if a.dir.as_deref() == Some(std::path::Path::new("dir")) && a.sources.is_some()
        ));
    }

    #[test]
    fn coverage_is_a_percentage() {
        assert_eq!(parse_percent("100"), Ok(100.0));
        assert_eq!(parse_percent("87.5%"), Ok(87.5));
        assert!(parse_percent("101").is_err());
        assert!(parse_percent("-1").is_err());
        assert!(parse_percent("all").is_err());
        assert!(parse_percent("NaN").is_err());
    }

    #[test]
    fn answers_must_be_key_value() {
        assert!(parse_key_value("age").is_err());
        assert!(parse_key_value("=5").is_err());
        assert_eq!(
            parse_key_value(" prior_treatments = rest,surgery ").unwrap(),
            ("prior_treatments".to_owned(), "rest,surgery".to_owned())
        );
    }
}
