//! Loading and validating rule files.
//!
//! Parsing is strict (unknown keys are errors) and every problem becomes a
//! [`Diagnostic`] naming the file, line and column with the offending line
//! shown. All problems of a rule set are reported together, not just the
//! first; syntax errors stop the load before reference checks, which would
//! only repeat them.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use toml::Spanned;
use toml::value::Datetime;

use super::guard::{self, ClaimPlace, OptionPlace, Places, QuestionPlace, RulePlace, SourcePlace};
use super::raw::{
    RawAdvice, RawCitation, RawClaim, RawFile, RawKind, RawMatcher, RawQuestion, RawRule, RawSource,
};
use super::{
    Advice, AnswerOption, Citation, Claim, Levels, Matcher, Meta, OptionSet, Question,
    QuestionKind, Rule, RuleSet, Source, SourceKind, Test, Text,
};

/// Whether `text` shows nothing: empty, or only spaces and characters that
/// are removed before anything is shown (controls, bidirectional formatting,
/// zero width spaces and the like, see `crate::sanitize`). Such a
/// disclaimer, message or action would print as a blank line.
fn blank(text: &str) -> bool {
    crate::sanitize::sanitize(text).trim().is_empty()
}

/// The longest `reason`: a short line (two lines of an 80-column terminal
/// at most, with room for a translation); the `message` says the rest.
const MAX_REASON_CHARS: usize = 200;

/// One rule file's name (as shown in messages) and contents.
#[derive(Debug, Clone)]
pub struct RuleFile {
    /// Path or name shown in diagnostics; its last component is hashed.
    pub name: String,
    /// The TOML text.
    pub text: String,
}

impl RuleFile {
    fn base_name(&self) -> &str {
        self.name.rsplit(['/', '\\']).next().unwrap_or(&self.name)
    }
}

/// A place in a rule file; line and column count from 1, columns in
/// characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file's name as given to the loader.
    pub file: String,
    /// Line, from 1.
    pub line: usize,
    /// Column in characters, from 1.
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// One problem in a rule set.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// A stable id for the kind of problem: `invalid` for schema and
    /// reference errors, or the guard rail it breaks (`banned-wording`,
    /// `unattributed`, `no-warning-signs`, `warning-sign-not-urgent`,
    /// `source-file`, `source-url`).
    pub kind: &'static str,
    /// What is wrong, in one sentence.
    pub message: String,
    /// Where, when the problem has a place (a missing section has none).
    pub location: Option<Location>,
    /// The offending line and the part of it to underline.
    snippet: Option<(String, usize, usize)>,
}

impl Diagnostic {
    /// A problem at byte range `span` of `file`.
    pub(crate) fn at(file: &RuleFile, span: Range<usize>, message: String) -> Diagnostic {
        Diagnostic::at_line(file, &Lines::new(&file.text), span, message)
    }

    /// A problem at byte range `span` of `file`, whose line starts are
    /// `lines`.
    fn at_line(file: &RuleFile, lines: &Lines, span: Range<usize>, message: String) -> Diagnostic {
        let location = lines.locate(file, span.start);
        let text = &file.text;
        let start = floor_char_boundary(text, span.start.min(text.len()));
        let line_start = lines.line_start(start);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let end = floor_char_boundary(text, span.end.clamp(start, line_end));
        let width = text[start..end].chars().count().max(1);
        Diagnostic {
            kind: "invalid",
            message,
            snippet: Some((
                text[line_start..line_end].trim_end_matches('\r').to_owned(),
                location.column,
                width,
            )),
            location: Some(location),
        }
    }

    /// A problem with no place in a file.
    pub(crate) fn general(message: String) -> Diagnostic {
        Diagnostic {
            kind: "invalid",
            message,
            location: None,
            snippet: None,
        }
    }

    /// The same problem, marked as breaking the guard rail `kind`.
    #[must_use]
    pub(crate) fn kind(mut self, kind: &'static str) -> Diagnostic {
        self.kind = kind;
        self
    }
}

/// The byte offset where each line of a text starts, so that finding the
/// line of an offset is a binary search instead of a scan from the start
/// (loading locates every rule, so a scan would make loading quadratic).
#[derive(Debug, Clone)]
pub(crate) struct Lines(Vec<usize>);

impl Lines {
    pub(crate) fn new(text: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines(starts)
    }

    /// The index (from 0) of the line holding byte `offset`.
    fn line_of(&self, offset: usize) -> usize {
        self.0.partition_point(|&start| start <= offset) - 1
    }

    fn line_start(&self, offset: usize) -> usize {
        self.0[self.line_of(offset)]
    }

    /// The line and column of byte `offset` in `file` (whose text these
    /// lines are of).
    pub(crate) fn locate(&self, file: &RuleFile, offset: usize) -> Location {
        let text = &file.text;
        let at = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(at);
        Location {
            file: file.name.clone(),
            line: line + 1,
            column: text[self.0[line]..at].chars().count() + 1,
        }
    }
}

/// The line and column of byte `offset` in `file`.
pub(crate) fn locate(file: &RuleFile, offset: usize) -> Location {
    Lines::new(&file.text).locate(file, offset)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)?;
        if let Some(location) = &self.location {
            write!(f, "\n  --> {location}")?;
            if let Some((line_text, column, width)) = &self.snippet {
                let number = location.line.to_string();
                let pad = " ".repeat(number.len());
                // One space for each character shown before the fault: the
                // line is shown sanitized (a tab as one space), so the
                // caret is placed on the shown text.
                let before: String = line_text.chars().take(column - 1).collect();
                let caret_pad = " ".repeat(crate::sanitize::sanitize(&before).chars().count());
                write!(
                    f,
                    "\n{pad} |\n{number} | {}\n{pad} | {caret_pad}{}",
                    crate::sanitize::sanitize(line_text),
                    "^".repeat(*width)
                )?;
            }
        }
        Ok(())
    }
}

/// Why a rule set could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The folder does not exist.
    #[error("folder `{}` does not exist", .0.display())]
    NotFound(PathBuf),
    /// A file or folder could not be read.
    #[error("cannot read `{}`", path.display())]
    Io {
        /// What could not be read.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The files were read but are not a valid rule set.
    #[error("{}", render_diagnostics(.0))]
    Invalid(Vec<Diagnostic>),
}

fn render_diagnostics(diagnostics: &[Diagnostic]) -> String {
    let count = diagnostics.len();
    let mut out = format!("{count} error{}:", if count == 1 { "" } else { "s" });
    for d in diagnostics {
        out.push_str("\n\nerror: ");
        out.push_str(&d.to_string());
    }
    out
}

/// Reads every `*.toml` file directly inside `dir`, sorted by name; `what`
/// names them in the message when there are none ("rule", "case"). An entry
/// named `*.toml` that cannot be read as a file is an error, as is one that
/// is not a regular file (a FIFO, a device, a socket, wherever a link to it
/// points) or is larger than
/// [`MAX_RULE_FILE_BYTES`](crate::limits::MAX_RULE_FILE_BYTES), which is
/// never read past the limit (exit 66, like any unreadable file).
pub(crate) fn read_dir(dir: &Path, what: &str) -> Result<Vec<RuleFile>, LoadError> {
    if !dir.exists() {
        return Err(LoadError::NotFound(dir.to_owned()));
    }
    let io = |source| LoadError::Io {
        path: dir.to_owned(),
        source,
    };
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        // Anything named `*.toml` is read: a folder, a dangling link or an
        // unreadable file so named is an error, never skipped.
        if path.extension().is_some_and(|e| e == "toml") {
            paths.push(path);
        }
    }
    paths.sort();
    if paths.is_empty() {
        return Err(LoadError::Invalid(vec![Diagnostic::general(format!(
            "no *.toml {what} files in `{}`",
            dir.display()
        ))]));
    }
    paths
        .into_iter()
        .map(|path| {
            let name = path.display().to_string();
            match crate::limits::read_text_file(&path, crate::limits::MAX_RULE_FILE_BYTES) {
                Ok(text) => Ok(RuleFile { name, text }),
                Err(e) if e.kind() == std::io::ErrorKind::InvalidData => Err(LoadError::Invalid(
                    vec![Diagnostic::general(format!("`{name}` is not UTF-8 text"))],
                )),
                Err(source) => Err(LoadError::Io { path, source }),
            }
        })
        .collect()
}

/// Validates `files` into a rule set, reporting every problem found.
pub(super) fn build(mut files: Vec<RuleFile>) -> Result<RuleSet, LoadError> {
    files.sort_by(|a, b| a.base_name().cmp(b.base_name()));
    let sha256 = hash(&files);

    let mut diagnostics = Vec::new();
    let mut parsed = Vec::new();
    for (index, file) in files.iter().enumerate() {
        match toml::from_str::<RawFile>(&file.text) {
            Ok(raw) => parsed.push((index, raw)),
            Err(e) => diagnostics.push(Diagnostic::at(
                file,
                e.span().unwrap_or(0..0),
                e.message().trim_end().to_owned(),
            )),
        }
    }
    if !diagnostics.is_empty() {
        return Err(LoadError::Invalid(diagnostics));
    }

    let mut builder = Builder {
        lines: files.iter().map(|f| Lines::new(&f.text)).collect(),
        files: &files,
        diagnostics,
    };
    let set = builder.build(parsed, sha256);
    match set {
        Some(set) if builder.diagnostics.is_empty() => Ok(set),
        _ => Err(LoadError::Invalid(builder.diagnostics)),
    }
}

fn hash(files: &[RuleFile]) -> String {
    let mut hasher = Sha256::new();
    for file in files {
        hasher.update(file.base_name().as_bytes());
        hasher.update([0]);
        hasher.update(file.text.as_bytes());
        hasher.update([0]);
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A one-off section found in a file, remembered with where it came from.
type Found<T> = Option<(usize, Spanned<T>)>;

/// The entries of a `when` or an `ask_when`: question id to matcher.
type Entries = std::collections::BTreeMap<Spanned<String>, Spanned<super::raw::RawMatcher>>;

pub(super) struct Builder<'f> {
    files: &'f [RuleFile],
    /// The line starts of each file.
    lines: Vec<Lines>,
    diagnostics: Vec<Diagnostic>,
}

impl Builder<'_> {
    fn error(&mut self, file: usize, span: Range<usize>, message: String) {
        self.error_of("invalid", file, span, message);
    }

    /// An error breaking the guard rail `kind`.
    pub(super) fn error_of(
        &mut self,
        kind: &'static str,
        file: usize,
        span: Range<usize>,
        message: String,
    ) {
        let diagnostic = Diagnostic::at_line(&self.files[file], &self.lines[file], span, message);
        self.diagnostics.push(diagnostic.kind(kind));
    }

    fn location(&self, file: usize, span: Range<usize>) -> Location {
        self.lines[file].locate(&self.files[file], span.start)
    }

    fn one_off<T>(
        &mut self,
        slot: &mut Found<T>,
        file: usize,
        value: Option<Spanned<T>>,
        name: &str,
    ) {
        let Some(value) = value else { return };
        if let Some((first_file, first)) = slot {
            let first_at = self.location(*first_file, first.span());
            self.error(
                file,
                value.span(),
                format!("[{name}] is declared twice; the first is at {first_at}"),
            );
        } else {
            *slot = Some((file, value));
        }
    }

    fn build(&mut self, parsed: Vec<(usize, RawFile)>, sha256: String) -> Option<RuleSet> {
        let mut meta: Found<super::raw::RawMeta> = None;
        let mut text: Found<Text> = None;
        let mut levels: Found<Levels> = None;
        let mut raw_questions = Vec::new();
        let mut raw_sources = Vec::new();
        let mut raw_rules = Vec::new();
        let mut raw_advice = Vec::new();
        let mut raw_claims = Vec::new();
        for (file, raw) in parsed {
            self.one_off(&mut meta, file, raw.ruleset, "ruleset");
            self.one_off(&mut text, file, raw.text, "text");
            self.one_off(&mut levels, file, raw.levels, "levels");
            raw_questions.extend(raw.question.into_iter().map(|q| (file, q)));
            raw_sources.extend(raw.source.into_iter().map(|s| (file, s)));
            raw_rules.extend(raw.rule.into_iter().map(|r| (file, r)));
            raw_advice.extend(raw.before_you_book.into_iter().map(|a| (file, a)));
            raw_claims.extend(raw.claim.into_iter().map(|c| (file, c)));
        }

        let mut places = Places::default();
        let mut disclaimer_cite = None;
        let meta = match meta {
            Some((file, meta)) => {
                places.disclaimer = Some((file, meta.get_ref().disclaimer.span()));
                places.name = Some((file, meta.get_ref().name.span()));
                let span = meta.span();
                let mut raw = meta.into_inner();
                disclaimer_cite = Some((file, span, std::mem::take(&mut raw.disclaimer_cite)));
                self.meta(file, raw)
            }
            None => {
                self.diagnostics.push(Diagnostic::general(
                    "no rule file declares [ruleset] (name, version, review dates and the disclaimer); \
                     a rule set without a disclaimer does not load"
                        .to_owned(),
                ));
                None
            }
        };
        for (name, missing) in [
            ("text", text.is_none()),
            ("levels", levels.is_none()),
            ("question", raw_questions.is_empty()),
            ("rule", raw_rules.is_empty()),
        ] {
            if missing {
                self.diagnostics.push(Diagnostic::general(format!(
                    "no rule file declares any [{name}]"
                )));
            }
        }

        places.text = text.as_ref().map(|(file, _)| *file);
        places.levels = levels.as_ref().map(|(file, _)| *file);
        let questions = self.questions(raw_questions, &mut places.questions);
        let sources = self.sources(raw_sources, &mut places.sources);
        let rules = self.rules(raw_rules, &questions, &sources, &mut places.rules);
        let before_you_book = self.advice(raw_advice, &sources, &mut places.advice);
        let claims = self.claims(raw_claims, &sources, &mut places.claims);
        let disclaimer_citations = match disclaimer_cite {
            Some((file, span, cite)) if !cite.is_empty() => self.citations(
                file,
                "the disclaimer",
                "disclaimer_cite",
                &cite,
                span,
                &sources,
            ),
            _ => Vec::new(),
        };
        let meta = meta.map(|meta| Meta {
            disclaimer_citations,
            ..meta
        });

        let set = RuleSet {
            meta: meta?,
            text: text?.1.into_inner(),
            levels: levels?.1.into_inner(),
            questions,
            sources,
            rules,
            before_you_book,
            claims,
            sha256,
        };
        // The warning-sign check needs every rule: a rule left out for an
        // error of its own would read as a sign with no urgent-care rule.
        let complete = self.diagnostics.is_empty();
        guard::wording(self, &set, &places);
        if complete {
            guard::warning_signs(self, &set, &places);
        }
        Some(set)
    }

    /// The text of `file`.
    pub(super) fn file(&self, file: usize) -> &RuleFile {
        &self.files[file]
    }

    /// A problem with no place in a file, breaking the guard rail `kind`.
    pub(super) fn general_of(&mut self, kind: &'static str, message: String) {
        self.diagnostics
            .push(Diagnostic::general(message).kind(kind));
    }

    fn meta(&mut self, file: usize, raw: super::raw::RawMeta) -> Option<Meta> {
        if blank(raw.disclaimer.get_ref()) {
            self.error(
                file,
                raw.disclaimer.span(),
                "the disclaimer is empty".to_owned(),
            );
        }
        if blank(raw.version.get_ref()) {
            self.error(file, raw.version.span(), "the version is empty".to_owned());
        }
        let reviewed = self.date(file, &raw.reviewed, "reviewed");
        let review_by = self.date(file, &raw.review_by, "review_by");
        if let (Some(reviewed), Some(review_by)) = (&reviewed, &review_by)
            && review_by < reviewed
        {
            self.error(
                file,
                raw.review_by.span(),
                format!("review_by ({review_by}) is before reviewed ({reviewed})"),
            );
        }
        Some(Meta {
            name: raw.name.into_inner(),
            version: raw.version.into_inner(),
            language: raw.language,
            reviewed: reviewed?,
            review_by: review_by?,
            disclaimer: raw.disclaimer.into_inner(),
            disclaimer_citations: Vec::new(),
        })
    }

    /// A plain `YYYY-MM-DD` date, as text that sorts in date order.
    fn date(&mut self, file: usize, value: &Spanned<Datetime>, what: &str) -> Option<String> {
        let d = value.get_ref();
        match (d.date, d.time, d.offset) {
            (Some(date), None, None) => Some(date.to_string()),
            _ => {
                self.error(
                    file,
                    value.span(),
                    format!("{what} must be a plain date such as 2026-01-31, without a time"),
                );
                None
            }
        }
    }

    fn questions(
        &mut self,
        raw: Vec<(usize, Spanned<RawQuestion>)>,
        places: &mut Vec<QuestionPlace>,
    ) -> Vec<Question> {
        let mut seen: HashMap<String, Location> = HashMap::new();
        let mut questions = Vec::new();
        for (file, q) in raw {
            let q = q.into_inner();
            let Some((id, _)) = self.new_id(file, &q.id, "question", &mut seen) else {
                continue;
            };
            if blank(q.prompt.get_ref()) {
                self.error(
                    file,
                    q.prompt.span(),
                    format!("question `{id}` has an empty prompt"),
                );
            }
            if let Some((kind, options)) = self.question_kind(file, &q) {
                let usual = self.usual(file, &q, &kind);
                let place = QuestionPlace {
                    file,
                    id: q.id.span(),
                    prompt: q.prompt.span(),
                    help: q.help.span(),
                    options,
                };
                questions.push((
                    !q.asked_first,
                    Question {
                        id,
                        kind,
                        prompt: q.prompt.into_inner(),
                        help: q.help.into_inner(),
                        usual,
                        asked_first: q.asked_first,
                        ask_when: Vec::new(),
                    },
                    place,
                    (file, q.ask_when),
                ));
            }
        }
        // Questions marked `asked_first` come first; otherwise file order.
        questions.sort_by_key(|(later, ..)| *later);
        let mut conditions = Vec::new();
        let mut questions: Vec<Question> = questions
            .into_iter()
            .map(|(_, q, place, condition)| {
                places.push(place);
                conditions.push(condition);
                q
            })
            .collect();
        for (index, (file, condition)) in conditions.into_iter().enumerate() {
            let Some(condition) = condition else { continue };
            let ask_when = self.ask_when(file, index, &condition, &questions);
            questions[index].ask_when = ask_when;
        }
        questions
    }

    /// The matchers of question `index`'s `ask_when`: each on a question
    /// asked before it, and none on a question asked first (which is
    /// always asked).
    fn ask_when(
        &mut self,
        file: usize,
        index: usize,
        condition: &Spanned<Entries>,
        questions: &[Question],
    ) -> Vec<Matcher> {
        let id = questions[index].id.clone();
        if questions[index].asked_first {
            self.error(
                file,
                condition.span(),
                format!(
                    "question `{id}` is asked first, so it is always asked: remove its `ask_when`"
                ),
            );
            return Vec::new();
        }
        if condition.get_ref().is_empty() {
            self.error(
                file,
                condition.span(),
                format!(
                    "question `{id}` has an empty `ask_when`; give it conditions, or remove it"
                ),
            );
            return Vec::new();
        }
        let matchers = self.matchers(
            file,
            condition.get_ref(),
            &format!("the `ask_when` of question `{id}`"),
            questions,
        );
        for key in condition.get_ref().keys() {
            if let Some(other) = questions.iter().position(|q| &q.id == key.get_ref())
                && other >= index
            {
                self.error(
                    file,
                    key.span(),
                    format!(
                        "the `ask_when` of question `{id}` refers to `{}`, which is not asked before it; \
                         a question can only depend on the answers to earlier questions",
                        key.get_ref()
                    ),
                );
            }
        }
        matchers
            .into_iter()
            .filter(|m| m.question < index)
            .collect()
    }

    /// The range of usual answers from `confirm_below` and `confirm_above`,
    /// which only a number question may have, within its `min` and `max`.
    fn usual(
        &mut self,
        file: usize,
        q: &RawQuestion,
        kind: &QuestionKind,
    ) -> Option<std::ops::RangeInclusive<i64>> {
        let id = q.id.get_ref();
        let bounds = [&q.confirm_below, &q.confirm_above];
        let QuestionKind::Number { min, max } = *kind else {
            for bound in bounds.into_iter().flatten() {
                self.error(
                    file,
                    bound.span(),
                    format!(
                        "`confirm_below` and `confirm_above` are only for number questions, and `{id}` is not one"
                    ),
                );
            }
            return None;
        };
        if q.confirm_below.is_none() && q.confirm_above.is_none() {
            return None;
        }
        for bound in bounds.into_iter().flatten() {
            if !(min..=max).contains(bound.get_ref()) {
                self.error(
                    file,
                    bound.span(),
                    format!("question `{id}` takes {min} to {max}, so this bound is outside it"),
                );
                return None;
            }
        }
        let low = q.confirm_below.as_ref().map_or(min, |b| *b.get_ref());
        let high = q.confirm_above.as_ref().map_or(max, |b| *b.get_ref());
        if low > high {
            self.error(
                file,
                bounds[1].as_ref().map_or(q.id.span(), Spanned::span),
                format!("question `{id}` has `confirm_above` below `confirm_below`"),
            );
            return None;
        }
        Some(low..=high)
    }

    fn advice(
        &mut self,
        raw: Vec<(usize, Spanned<RawAdvice>)>,
        sources: &[Source],
        places: &mut Vec<(usize, Range<usize>)>,
    ) -> Vec<Advice> {
        let mut seen: HashMap<String, Location> = HashMap::new();
        let mut advice = Vec::new();
        for (file, a) in raw {
            let span = a.span();
            let a = a.into_inner();
            let Some((id, origin)) = self.new_id(file, &a.id, "before_you_book", &mut seen) else {
                continue;
            };
            if blank(a.text.get_ref()) {
                self.error(
                    file,
                    a.text.span(),
                    format!("before_you_book `{id}` has an empty text"),
                );
            }
            let citations = self.citations(file, "before_you_book", &id, &a.cite, span, sources);
            places.push((file, a.text.span()));
            advice.push(Advice {
                id,
                text: a.text.into_inner(),
                citations,
                origin,
            });
        }
        advice
    }

    /// The `[[claim]]` pairs: a promise citing clinic marketing only, beside
    /// evidence citing no clinic marketing.
    fn claims(
        &mut self,
        raw: Vec<(usize, Spanned<RawClaim>)>,
        sources: &[Source],
        places: &mut Vec<ClaimPlace>,
    ) -> Vec<Claim> {
        let mut seen: HashMap<String, Location> = HashMap::new();
        let mut claims = Vec::new();
        for (file, c) in raw {
            let span = c.span();
            let c = c.into_inner();
            let Some((id, origin)) = self.new_id(file, &c.id, "claim", &mut seen) else {
                continue;
            };
            for (part, text) in [
                ("topic", &c.topic),
                ("promise", &c.promise),
                ("evidence", &c.evidence),
            ] {
                if blank(text.get_ref()) {
                    self.error(
                        file,
                        text.span(),
                        format!("claim `{id}` has an empty {part}"),
                    );
                }
            }
            let promise_citations = self.citations(
                file,
                "the promise of claim",
                &id,
                &c.promise_cite,
                span.clone(),
                sources,
            );
            let evidence_citations = self.citations(
                file,
                "the evidence of claim",
                &id,
                &c.evidence_cite,
                span,
                sources,
            );
            // Each citation's kind is checked at its own place: by its
            // source's id, not by position among the citations that
            // resolved (an undeclared source leaves none).
            let declared = |cite: &Spanned<RawCitation>| {
                let name = cite.get_ref().source.get_ref();
                sources.iter().find(|s| &s.id == name)
            };
            for cite in &c.promise_cite {
                if let Some(source) = declared(cite)
                    && source.kind != SourceKind::ClinicMarketing
                {
                    self.error(
                        file,
                        cite.get_ref().source.span(),
                        format!(
                            "claim `{id}`: a promise is a clinic's words, so `promise_cite` cites clinic marketing only, not `{}`",
                            source.id
                        ),
                    );
                }
            }
            for cite in &c.evidence_cite {
                if let Some(source) = declared(cite)
                    && source.kind == SourceKind::ClinicMarketing
                {
                    self.error(
                        file,
                        cite.get_ref().source.span(),
                        format!(
                            "claim `{id}`: clinic marketing is not evidence, so `evidence_cite` cannot cite `{}`",
                            source.id
                        ),
                    );
                }
            }
            if let Some(brief) = &c.brief
                && blank(brief.get_ref())
            {
                self.error(
                    file,
                    brief.span(),
                    format!("claim `{id}` has an empty brief; give the words, or remove it"),
                );
            }
            places.push(ClaimPlace {
                file,
                topic: c.topic.span(),
                promise: c.promise.span(),
                evidence: c.evidence.span(),
                brief: c.brief.as_ref().map(Spanned::span),
            });
            claims.push(Claim {
                id,
                topic: c.topic.into_inner(),
                promise: c.promise.into_inner(),
                promise_citations,
                evidence: c.evidence.into_inner(),
                evidence_citations,
                brief: c.brief.map(Spanned::into_inner),
                origin,
            });
        }
        claims
    }

    /// The question's kind, and the places of its options' ids and labels.
    fn question_kind(
        &mut self,
        file: usize,
        q: &RawQuestion,
    ) -> Option<(QuestionKind, Vec<OptionPlace>)> {
        let id = q.id.get_ref();
        match q.kind.get_ref() {
            RawKind::Number => {
                if let Some(option) = q.option.first() {
                    self.error(
                        file,
                        option.span(),
                        format!("question `{id}` takes a number, so it cannot have options"),
                    );
                }
                let (Some(min), Some(max)) = (&q.min, &q.max) else {
                    self.error(
                        file,
                        q.kind.span(),
                        format!("number question `{id}` needs both `min` and `max`"),
                    );
                    return None;
                };
                if min.get_ref() > max.get_ref() {
                    self.error(
                        file,
                        max.span(),
                        format!("question `{id}` has max below min"),
                    );
                    return None;
                }
                Some((
                    QuestionKind::Number {
                        min: *min.get_ref(),
                        max: *max.get_ref(),
                    },
                    Vec::new(),
                ))
            }
            kind @ (RawKind::Choice | RawKind::Multi) => {
                for bound in [&q.min, &q.max].into_iter().flatten() {
                    self.error(
                        file,
                        bound.span(),
                        format!(
                            "`min` and `max` are only for number questions, and `{id}` is not one"
                        ),
                    );
                }
                if q.option.len() < 2 || q.option.len() > OptionSet::CAPACITY {
                    self.error(
                        file,
                        q.id.span(),
                        format!(
                            "question `{id}` needs from 2 to {} options, not {}",
                            OptionSet::CAPACITY,
                            q.option.len()
                        ),
                    );
                    return None;
                }
                let mut options: Vec<AnswerOption> = Vec::new();
                let mut places = Vec::new();
                for option in &q.option {
                    let option = option.get_ref();
                    if !self.id_ok(file, &option.id, "option") {
                        continue;
                    }
                    let option_id = option.id.get_ref();
                    if options.iter().any(|o| &o.id == option_id) {
                        self.error(
                            file,
                            option.id.span(),
                            format!("question `{id}` has option `{option_id}` twice"),
                        );
                        continue;
                    }
                    if blank(option.label.get_ref()) {
                        self.error(
                            file,
                            option.label.span(),
                            format!("option `{option_id}` has an empty label"),
                        );
                    }
                    if option.exclusive && *kind == RawKind::Choice {
                        self.error(
                            file,
                            option.id.span(),
                            format!("`exclusive` is only for several-choice questions, and `{id}` takes one answer"),
                        );
                    }
                    places.push(OptionPlace {
                        id: option.id.span(),
                        label: option.label.span(),
                    });
                    options.push(AnswerOption {
                        id: option_id.clone(),
                        label: option.label.get_ref().clone(),
                        unsure: option.unsure,
                        exclusive: option.exclusive,
                    });
                }
                let kind = if *kind == RawKind::Choice {
                    QuestionKind::Choice(options)
                } else {
                    QuestionKind::Multi(options)
                };
                Some((kind, places))
            }
        }
    }

    fn sources(
        &mut self,
        raw: Vec<(usize, Spanned<RawSource>)>,
        places: &mut Vec<SourcePlace>,
    ) -> Vec<Source> {
        let mut sources: Vec<Source> = Vec::new();
        for (file, s) in raw {
            let span = s.span();
            let s = s.into_inner();
            if !self.id_ok(file, &s.id, "source") {
                continue;
            }
            let id = s.id.get_ref().clone();
            if sources.iter().any(|other| other.id == id) {
                self.error(
                    file,
                    s.id.span(),
                    format!("source `{id}` is declared twice"),
                );
                continue;
            }
            if s.file.is_none() && s.url.is_none() {
                self.error(
                    file,
                    span,
                    format!("source `{id}` needs a `file` or a `url`"),
                );
            }
            let date = match &s.date {
                Some(date) => self.date(file, date, "date"),
                None => None,
            };
            if let Some(name) = &s.file
                && !guard::plain_file_name(name.get_ref())
            {
                self.error_of(
                    "source-file",
                    file,
                    name.span(),
                    format!(
                        "source `{id}`: `file` must be a plain file name inside the --sources folder \
                         (no folder, no `..`, not an absolute path), not `{}`",
                        crate::limits::shorten(name.get_ref())
                    ),
                );
            }
            if let Some(url) = &s.url
                && !guard::web_address(url.get_ref())
            {
                self.error_of(
                    "source-url",
                    file,
                    url.span(),
                    format!(
                        "source `{id}`: `url` must be an https: or http: address, not `{}`",
                        crate::limits::shorten(url.get_ref())
                    ),
                );
            }
            places.push(SourcePlace {
                file,
                name: s.name.span(),
                title: s.title.span(),
                publisher: s.publisher.span(),
            });
            sources.push(Source {
                id,
                name: s.name.into_inner(),
                title: s.title.into_inner(),
                publisher: s.publisher.into_inner(),
                date,
                kind: s.kind,
                file: s.file.map(Spanned::into_inner),
                url: s.url.map(Spanned::into_inner),
            });
        }
        sources
    }

    fn rules(
        &mut self,
        raw: Vec<(usize, Spanned<RawRule>)>,
        questions: &[Question],
        sources: &[Source],
        places: &mut Vec<RulePlace>,
    ) -> Vec<Rule> {
        let mut seen: HashMap<String, Location> = HashMap::new();
        let mut rules = Vec::new();
        for (file, r) in raw {
            let rule_span = r.span();
            let r = r.into_inner();
            let Some((id, origin)) = self.new_id(file, &r.id, "rule", &mut seen) else {
                continue;
            };
            if blank(r.message.get_ref()) {
                self.error(
                    file,
                    r.message.span(),
                    format!("rule `{id}` has an empty message"),
                );
            }
            let when = self.when(file, &r, rule_span.clone(), questions);
            let citations = self.citations(file, "rule", &id, &r.cite, rule_span, sources);
            let conflict = self.conflict(file, &r, &citations);
            if let Some(action) = &r.action
                && blank(action.get_ref())
            {
                self.error(
                    file,
                    action.span(),
                    format!("rule `{id}` has an empty action; give the words, or remove it"),
                );
            }
            if let Some(reason) = &r.reason {
                let words = reason.get_ref();
                let fault = if r.level == crate::level::Level::Info {
                    Some(format!(
                        "rule `{id}`: a `reason` says in one line why a summary has its outcome, and an `info` rule never decides one; remove it"
                    ))
                } else if blank(words) {
                    Some(format!(
                        "rule `{id}` has an empty reason; give the words, or remove it"
                    ))
                } else if words.contains(['\n', '\r']) || words.chars().count() > MAX_REASON_CHARS {
                    Some(format!(
                        "rule `{id}`: a `reason` is one short line; the `message` holds the whole explanation"
                    ))
                } else {
                    None
                };
                if let Some(fault) = fault {
                    self.error(file, reason.span(), fault);
                }
            }
            let procedure = r.procedure.as_ref().is_some_and(|p| *p.get_ref());
            if let Some(flag) = &r.procedure
                && r.level != crate::level::Level::Info
            {
                self.error(
                    file,
                    flag.span(),
                    format!(
                        "rule `{id}`: `procedure` marks a note about the procedure, so its level is `info`, not `{}`",
                        r.level.id()
                    ),
                );
            }
            places.push(RulePlace {
                file,
                message: r.message.span(),
                conflict: r.conflict.as_ref().map(Spanned::span),
                action: r.action.as_ref().map(Spanned::span),
                reason: r.reason.as_ref().map(Spanned::span),
            });
            rules.push(Rule {
                id,
                level: r.level,
                message: r.message.into_inner(),
                conflict,
                action: r.action.map(Spanned::into_inner),
                reason: r.reason.map(Spanned::into_inner),
                priority: r.priority,
                procedure,
                when,
                citations,
                origin,
            });
        }
        rules
    }

    /// `id` and where it is written, when it is well-formed and not
    /// declared before (`seen` holds the earlier ones); otherwise an error.
    fn new_id(
        &mut self,
        file: usize,
        id: &Spanned<String>,
        what: &str,
        seen: &mut HashMap<String, Location>,
    ) -> Option<(String, Location)> {
        if !self.id_ok(file, id, what) {
            return None;
        }
        let text = id.get_ref();
        if let Some(first) = seen.get(text) {
            let message = format!("{what} `{text}` is declared twice; the first is at {first}");
            self.error(file, id.span(), message);
            return None;
        }
        let origin = self.location(file, id.span());
        seen.insert(text.clone(), origin.clone());
        Some((text.clone(), origin))
    }

    fn id_ok(&mut self, file: usize, id: &Spanned<String>, what: &str) -> bool {
        let text = id.get_ref();
        let ok = !text.is_empty() && !text.chars().any(|c| c.is_whitespace() || c.is_control());
        if !ok {
            self.error(
                file,
                id.span(),
                format!("{what} id `{text}` must be non-empty, without spaces"),
            );
        }
        ok
    }

    fn when(
        &mut self,
        file: usize,
        r: &RawRule,
        rule_span: Range<usize>,
        questions: &[Question],
    ) -> Vec<Matcher> {
        let id = r.id.get_ref();
        let always = r.always.as_ref().is_some_and(|a| *a.get_ref());
        let entries = r.when.as_ref().map_or(0, |w| w.get_ref().len());
        match (entries, always) {
            (0, false) => {
                let span = r.when.as_ref().map_or(rule_span, |w| w.span());
                self.error(
                    file,
                    span,
                    format!(
                        "rule `{id}` has an empty `when`; give it conditions, or `always = true` \
                         if it is meant to match every answer"
                    ),
                );
                return Vec::new();
            }
            (1.., true) => {
                let span = r.always.as_ref().map_or(rule_span, |a| a.span());
                self.error(
                    file,
                    span,
                    format!("rule `{id}` has both `always = true` and a `when`; keep one"),
                );
            }
            _ => {}
        }
        match &r.when {
            Some(when) => self.matchers(file, when.get_ref(), &format!("rule `{id}`"), questions),
            None => Vec::new(),
        }
    }

    /// The matchers of a `when` or an `ask_when` (`owner` names it in
    /// messages), sorted by question order.
    fn matchers(
        &mut self,
        file: usize,
        entries: &Entries,
        owner: &str,
        questions: &[Question],
    ) -> Vec<Matcher> {
        let mut when = Vec::new();
        for (key, matcher) in entries {
            let Some(question) = questions.iter().position(|q| &q.id == key.get_ref()) else {
                let known: Vec<&str> = questions.iter().map(|q| q.id.as_str()).collect();
                self.error(
                    file,
                    key.span(),
                    format!(
                        "unknown question `{}` in {owner}; the questions are: {}",
                        key.get_ref(),
                        known.join(", ")
                    ),
                );
                continue;
            };
            if let Some(test) = self.test(file, &questions[question], matcher) {
                when.push(Matcher { question, test });
            }
        }
        when.sort_by_key(|m| m.question);
        when
    }

    fn test(&mut self, file: usize, q: &Question, m: &Spanned<RawMatcher>) -> Option<Test> {
        let raw = m.get_ref();
        let qid = &q.id;
        // Keys that do not apply to this kind of question, with a hint.
        let (misplaced, hint): (Vec<Range<usize>>, &str) = match &q.kind {
            QuestionKind::Choice(_) => (
                spans([&raw.any, &raw.all, &raw.none], [&raw.min, &raw.max]),
                "a one-choice question takes `in = [...]`",
            ),
            QuestionKind::Multi(_) => (
                spans([&raw.one_of], [&raw.min, &raw.max]),
                "a several-choice question takes `any`, `all` and `none`",
            ),
            QuestionKind::Number { .. } => (
                spans([&raw.one_of, &raw.any, &raw.all, &raw.none], []),
                "a number question takes `min` and `max`",
            ),
        };
        if !misplaced.is_empty() {
            for span in misplaced {
                self.error(
                    file,
                    span,
                    format!("wrong matcher for question `{qid}`: {hint}"),
                );
            }
            return None;
        }
        match &q.kind {
            QuestionKind::Choice(_) => {
                let Some(list) = &raw.one_of else {
                    self.error(
                        file,
                        m.span(),
                        format!("matcher for `{qid}` needs `in = [...]`"),
                    );
                    return None;
                };
                Some(Test::OneOf(self.option_set(file, q, list)?))
            }
            QuestionKind::Multi(_) => {
                if raw.any.is_none() && raw.all.is_none() && raw.none.is_none() {
                    self.error(
                        file,
                        m.span(),
                        format!("matcher for `{qid}` needs `any`, `all` or `none`"),
                    );
                    return None;
                }
                let mut set = |list: &Option<Spanned<Vec<Spanned<String>>>>| match list {
                    Some(list) => self.option_set(file, q, list),
                    None => Some(OptionSet::default()),
                };
                let (any, all, none) = (set(&raw.any), set(&raw.all), set(&raw.none));
                Some(Test::Several {
                    any: any?,
                    all: all?,
                    none: none?,
                })
            }
            QuestionKind::Number { min, max } => {
                if raw.min.is_none() && raw.max.is_none() {
                    self.error(
                        file,
                        m.span(),
                        format!("matcher for `{qid}` needs `min`, `max` or both"),
                    );
                    return None;
                }
                let mut ok = true;
                for bound in [&raw.min, &raw.max].into_iter().flatten() {
                    if !(*min..=*max).contains(bound.get_ref()) {
                        self.error(
                            file,
                            bound.span(),
                            format!(
                                "{} is outside question `{qid}`'s range of {min} to {max}",
                                bound.get_ref()
                            ),
                        );
                        ok = false;
                    }
                }
                let low = raw.min.as_ref().map_or(*min, |b| *b.get_ref());
                let high = raw.max.as_ref().map_or(*max, |b| *b.get_ref());
                if ok && low > high {
                    self.error(
                        file,
                        m.span(),
                        format!("matcher for `{qid}` has min above max"),
                    );
                    ok = false;
                }
                ok.then_some(Test::Range {
                    min: low,
                    max: high,
                })
            }
        }
    }

    fn option_set(
        &mut self,
        file: usize,
        q: &Question,
        list: &Spanned<Vec<Spanned<String>>>,
    ) -> Option<OptionSet> {
        if list.get_ref().is_empty() {
            self.error(
                file,
                list.span(),
                format!("empty option list for question `{}`", q.id),
            );
            return None;
        }
        let mut indices = Vec::new();
        for option in list.get_ref() {
            match q.option_index(option.get_ref()) {
                Some(i) => indices.push(i),
                None => {
                    let known: Vec<&str> = q.options().iter().map(|o| o.id.as_str()).collect();
                    self.error(
                        file,
                        option.span(),
                        format!(
                            "unknown option `{}` for question `{}`; the options are: {}",
                            option.get_ref(),
                            q.id,
                            known.join(", ")
                        ),
                    );
                }
            }
        }
        (indices.len() == list.get_ref().len()).then(|| OptionSet::from_indices(indices))
    }

    /// The citations of `what` (a rule or a `before_you_book` entry) `id`.
    fn citations(
        &mut self,
        file: usize,
        what: &str,
        id: &str,
        cite: &[Spanned<RawCitation>],
        span: Range<usize>,
        sources: &[Source],
    ) -> Vec<Citation> {
        if cite.is_empty() {
            self.error(
                file,
                span,
                format!("{what} `{id}` cites nothing; it needs a `cite` with a source and a quote"),
            );
        }
        let mut citations = Vec::new();
        for cite in cite {
            let cite = cite.get_ref();
            let Some(source) = sources.iter().position(|s| &s.id == cite.source.get_ref()) else {
                let known: Vec<&str> = sources.iter().map(|s| s.id.as_str()).collect();
                self.error(
                    file,
                    cite.source.span(),
                    format!(
                        "{what} `{id}` cites undeclared source `{}`; the sources are: {}",
                        cite.source.get_ref(),
                        known.join(", ")
                    ),
                );
                continue;
            };
            if blank(cite.quote.get_ref()) {
                self.error(
                    file,
                    cite.quote.span(),
                    format!("{what} `{id}` has an empty quote"),
                );
                continue;
            }
            citations.push(Citation {
                source,
                quote: cite.quote.get_ref().clone(),
            });
        }
        citations
    }

    fn conflict(&mut self, file: usize, r: &RawRule, citations: &[Citation]) -> Option<String> {
        let topic = r.conflict.as_ref()?;
        let mut cited: Vec<usize> = citations.iter().map(|c| c.source).collect();
        cited.sort_unstable();
        cited.dedup();
        if blank(topic.get_ref()) {
            self.error(file, topic.span(), "the conflict topic is empty".to_owned());
        } else if cited.len() < 2 {
            self.error(
                file,
                topic.span(),
                format!(
                    "rule `{}` reports a disagreement between sources, so it must cite at least two sources",
                    r.id.get_ref()
                ),
            );
        }
        Some(topic.get_ref().clone())
    }
}

fn spans<const A: usize, const B: usize>(
    lists: [&Option<Spanned<Vec<Spanned<String>>>>; A],
    bounds: [&Option<Spanned<i64>>; B],
) -> Vec<Range<usize>> {
    lists
        .into_iter()
        .flatten()
        .map(|l| l.span())
        .chain(bounds.into_iter().flatten().map(|b| b.span()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ruleset::EMBEDDED_FILES;

    /// The built-in files with one more file, `name`, holding `extra`.
    fn with_extra(name: &str, extra: &str) -> Result<RuleSet, LoadError> {
        RuleSet::built_in_with(None, &[(name, extra)])
    }

    #[test]
    fn the_caret_points_at_the_fault_on_a_line_with_tabs() {
        let file = RuleFile {
            name: "x.toml".to_owned(),
            text: "a = 1\n\tid\t= \"bad id\"\n".to_owned(),
        };
        let offset = file.text.find("\"bad").unwrap();
        let shown = Diagnostic::at(&file, offset..offset + 8, "bad".to_owned()).to_string();
        let lines: Vec<&str> = shown.lines().collect();
        let code = lines.iter().find(|l| l.starts_with("2 | ")).unwrap();
        let caret = lines.last().unwrap();
        // The caret sits under the opening quote of the shown line.
        let column = code.find('"').unwrap();
        assert_eq!(caret.find('^'), Some(column), "{shown}");
        assert!(!caret.contains('\t'), "{shown}");
    }

    #[test]
    fn lines_locate_every_offset_as_a_scan_from_the_start_would() {
        let file = RuleFile {
            name: "f.toml".to_owned(),
            text: "a = 1\r\n\nb = \"é—x\"\n  c\n".to_owned(),
        };
        let lines = Lines::new(&file.text);
        for offset in 0..=file.text.len() + 2 {
            let at = floor_char_boundary(&file.text, offset.min(file.text.len()));
            let before = &file.text[..at];
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            let expected = Location {
                file: "f.toml".to_owned(),
                line: before.matches('\n').count() + 1,
                column: file.text[line_start..at].chars().count() + 1,
            };
            assert_eq!(lines.locate(&file, offset), expected, "offset {offset}");
        }
    }

    #[test]
    fn before_you_book_entries_are_checked_like_rules() {
        let Err(LoadError::Invalid(diagnostics)) = with_extra(
            "extra.toml",
            "[[before_you_book]]\nid = \"cost\"\ntext = \"Again?\"\n\
             cite = [{ source = \"nowhere\", quote = \"x\" }]\n\n\
             [[before_you_book]]\nid = \"empty\"\ntext = \" \"\n",
        ) else {
            panic!("the extra file is invalid");
        };
        let messages: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
        let has = |needle: &str| messages.iter().any(|m| m.contains(needle));
        assert!(
            has("before_you_book `cost` is declared twice; the first is at before-you-book.toml:"),
            "{messages:#?}"
        );
        assert!(
            has("before_you_book `empty` has an empty text"),
            "{messages:#?}"
        );
        assert!(
            has("before_you_book `empty` cites nothing"),
            "{messages:#?}"
        );
        assert!(has("--> extra.toml:8:8"), "{messages:#?}");
    }

    #[test]
    fn questions_asked_first_come_before_the_others_whatever_the_file_order() {
        // "aaa.toml" sorts before every built-in file, yet its question
        // without `asked_first` comes after the warning signs.
        let rules = with_extra(
            "aaa.toml",
            "[[question]]\nid = \"early\"\nkind = \"number\"\nprompt = \"P?\"\nhelp = \"H.\"\nmin = 0\nmax = 1\n",
        )
        .unwrap();
        let ids: Vec<&str> = rules.questions.iter().map(|q| q.id.as_str()).collect();
        assert_eq!(ids[..2], ["warning_signs", "early"]);
    }

    fn messages(extra: &str) -> Vec<String> {
        match with_extra("extra.toml", extra) {
            Err(LoadError::Invalid(diagnostics)) => {
                diagnostics.iter().map(ToString::to_string).collect()
            }
            other => panic!("expected an invalid rule set: {other:?}"),
        }
    }

    #[test]
    fn unusual_number_bounds_give_the_range_to_confirm_outside() {
        let rules = with_extra(
            "extra.toml",
            "[[question]]\nid = \"n\"\nkind = \"number\"\nprompt = \"P?\"\nhelp = \"H.\"\n\
             min = 0\nmax = 10\nconfirm_above = 8\n",
        )
        .unwrap();
        let n = rules.question_index("n").unwrap();
        assert_eq!(rules.questions[n].usual, Some(0..=8));
        assert!(rules.questions[n].needs_confirming(9));
        assert!(!rules.questions[n].needs_confirming(8));
        let age = rules.question_index("age").unwrap();
        assert_eq!(rules.questions[age].usual, Some(18..=100));
        let condition = rules.question_index("condition").unwrap();
        assert_eq!(rules.questions[condition].usual, None);
    }

    #[test]
    fn unusual_number_bounds_are_checked_with_their_place() {
        let number = "[[question]]\nid = \"n\"\nkind = \"number\"\nprompt = \"P?\"\nhelp = \"H.\"\nmin = 0\nmax = 10\n";
        let outside = messages(&format!("{number}confirm_below = 11\n"));
        assert!(
            outside.iter().any(|m| m
                .contains("question `n` takes 0 to 10, so this bound is outside it")
                && m.contains("--> extra.toml:8:17")),
            "{outside:#?}"
        );
        let crossed = messages(&format!("{number}confirm_below = 6\nconfirm_above = 4\n"));
        assert!(
            crossed
                .iter()
                .any(|m| m.contains("`confirm_above` below `confirm_below`")
                    && m.contains("--> extra.toml:9:17")),
            "{crossed:#?}"
        );
        let choice = messages(
            "[[question]]\nid = \"c\"\nkind = \"choice\"\nprompt = \"P?\"\nhelp = \"H.\"\n\
             confirm_below = 1\n[[question.option]]\nid = \"a\"\nlabel = \"A\"\n\
             [[question.option]]\nid = \"b\"\nlabel = \"B\"\n",
        );
        assert!(
            choice.iter().any(
                |m| m.contains("only for number questions, and `c` is not one")
                    && m.contains("--> extra.toml:6:17")
            ),
            "{choice:#?}"
        );
    }

    /// The built-in files, each passed through `change(name, text)` to give
    /// its new name and text.
    fn embedded_changed(change: &dyn Fn(&str, &str) -> (String, String)) -> Vec<RuleFile> {
        EMBEDDED_FILES
            .iter()
            .map(|(name, text)| {
                let (name, text) = change(name, text);
                RuleFile { name, text }
            })
            .collect()
    }

    fn sha256_of(files: Vec<RuleFile>) -> String {
        match RuleSet::from_files(files) {
            Ok(rules) => rules.sha256,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn an_empty_or_blank_disclaimer_does_not_load() {
        let ruleset = EMBEDDED_FILES
            .iter()
            .find(|(name, _)| *name == "ruleset.toml")
            .map(|(_, text)| *text)
            .unwrap_or_default();
        let start = ruleset.find("disclaimer = \"\"\"").unwrap_or_default();
        let end = ruleset[start + 17..]
            .find("\"\"\"")
            .map_or(0, |at| start + 17 + at + 3);
        assert!(end > start, "found the disclaimer");
        // Zero width spaces, a bidirectional mark and a control character
        // show nothing either.
        for blank in [
            "\"\"",
            "\"   \"",
            "\"\\n\\t \"",
            "\"\"\"\n  \n\"\"\"",
            "\"\\u200B\\u200B\"",
            "\" \\u200F\\u0007 \"",
        ] {
            let files = embedded_changed(&|name, text| {
                let text = if name == "ruleset.toml" {
                    format!("{}disclaimer = {blank}{}", &text[..start], &text[end..])
                } else {
                    text.to_owned()
                };
                (name.to_owned(), text)
            });
            match RuleSet::from_files(files) {
                Ok(_) => panic!("a disclaimer of {blank} loaded"),
                Err(e) => assert!(
                    e.to_string().contains("the disclaimer is empty"),
                    "{blank}: {e}"
                ),
            }
        }
    }

    #[test]
    fn the_sha256_changes_with_any_byte_or_file_name_and_not_with_the_folder() {
        let builtin = sha256_of(embedded_changed(&|n, t| (n.to_owned(), t.to_owned())));
        // The same files give the same hash, wherever they are loaded from.
        assert_eq!(
            builtin,
            sha256_of(embedded_changed(&|n, t| (n.to_owned(), t.to_owned())))
        );
        assert_eq!(
            builtin,
            sha256_of(embedded_changed(&|n, t| (
                format!("/some/where/rules/{n}"),
                t.to_owned()
            )))
        );
        assert_eq!(builtin.len(), 64);
        let mut seen = std::collections::BTreeSet::from([builtin.clone()]);
        for (file, _) in EMBEDDED_FILES {
            // One byte of one file: a comment at its end, `a` then `b`.
            let with = |c: char| {
                sha256_of(embedded_changed(&|n, t| {
                    let t = if n == *file {
                        format!("{t}\n# {c}\n")
                    } else {
                        t.to_owned()
                    };
                    (n.to_owned(), t)
                }))
            };
            let (a, b) = (with('a'), with('b'));
            assert_ne!(a, b, "one byte of {file}");
            assert_ne!(a, builtin, "{file}");
            // One file renamed, its bytes unchanged.
            let renamed = sha256_of(embedded_changed(&|n, t| {
                let n = if n == *file {
                    format!("x-{n}")
                } else {
                    n.to_owned()
                };
                (n, t.to_owned())
            }));
            assert_ne!(renamed, builtin, "{file} renamed");
            for hash in [a, b, renamed] {
                assert!(seen.insert(hash), "{file}: a hash seen before");
            }
        }
    }
}

#[cfg(test)]
mod mutation_tests {
    use super::*;

    /// The built-in files, with `from` replaced by `to` in the file named
    /// `name` (which must hold it), and one more file `extra.toml`.
    fn load(edit: Option<(&str, &str, &str)>, extra: &str) -> Result<RuleSet, LoadError> {
        RuleSet::built_in_with(edit, &[("extra.toml", extra)])
    }

    /// Each problem as shown, for a rule set that must not load.
    fn errors(edit: Option<(&str, &str, &str)>, extra: &str) -> Vec<String> {
        match load(edit, extra) {
            Err(LoadError::Invalid(diagnostics)) => {
                diagnostics.iter().map(ToString::to_string).collect()
            }
            Err(other) => panic!("not a rule set error: {other}"),
            Ok(_) => panic!("loaded:\n{extra}"),
        }
    }

    /// Asserts that the only problem of `extra` is `message`, at `at`.
    fn only_error(extra: &str, message: &str, at: &str) {
        let errors = errors(None, extra);
        assert_eq!(errors.len(), 1, "{errors:#?}");
        assert!(
            errors[0].starts_with(message) && errors[0].contains(&format!("--> {at}\n")),
            "{message} at {at}: {errors:#?}"
        );
    }

    fn loads(extra: &str) -> RuleSet {
        load(None, extra).unwrap_or_else(|e| panic!("{e}\n{extra}"))
    }

    const CITE: &str = "cite = [{ source = \"defiage\", quote = \"Knee osteoarthritis\" }]\n";

    /// A rule `r` of level info with `when`, citing the Defiage post.
    fn rule(when: &str) -> String {
        format!("[[rule]]\nid = \"r\"\nlevel = \"info\"\nmessage = \"M.\"\n{when}\n{CITE}")
    }

    /// A question `q` of `kind` with `options` options (`o1`, `o2`, ...)
    /// and the extra lines `more`.
    fn question(kind: &str, options: usize, more: &str) -> String {
        let mut text = format!(
            "[[question]]\nid = \"q\"\nkind = \"{kind}\"\nprompt = \"P?\"\nhelp = \"H.\"\n{more}"
        );
        for i in 1..=options {
            text.push_str(&format!(
                "[[question.option]]\nid = \"o{i}\"\nlabel = \"O{i}\"\n"
            ));
        }
        text
    }

    #[test]
    fn review_by_may_be_the_review_day_but_not_before_it() {
        let same = (
            "ruleset.toml",
            "review_by = 2027-05-21",
            "review_by = 2026-11-21",
        );
        assert!(load(Some(same), "").is_ok());
        let before = (
            "ruleset.toml",
            "review_by = 2027-05-21",
            "review_by = 2026-11-20",
        );
        let errors = errors(Some(before), "");
        assert_eq!(errors.len(), 1, "{errors:#?}");
        assert!(
            errors[0].starts_with("review_by (2026-11-20) is before reviewed (2026-11-21)"),
            "{errors:#?}"
        );
    }

    #[test]
    fn a_number_question_may_have_a_single_value_but_not_max_below_min() {
        let single = loads(&question("number", 0, "min = 5\nmax = 5\n"));
        let q = single.question_index("q").unwrap();
        assert!(matches!(
            single.questions[q].kind,
            QuestionKind::Number { min: 5, max: 5 }
        ));
        only_error(
            &question("number", 0, "min = 5\nmax = 4\n"),
            "question `q` has max below min",
            "extra.toml:7:7",
        );
        // The usual range may be a single value too.
        let usual = loads(&question(
            "number",
            0,
            "min = 0\nmax = 10\nconfirm_below = 5\nconfirm_above = 5\n",
        ));
        let q = usual.question_index("q").unwrap();
        assert_eq!(usual.questions[q].usual, Some(5..=5));
    }

    #[test]
    fn a_choice_question_has_from_2_to_64_options() {
        for (kind, count) in [("choice", 2), ("multi", OptionSet::CAPACITY)] {
            let set = loads(&question(kind, count, ""));
            let q = set.question_index("q").unwrap();
            assert_eq!(set.questions[q].options().len(), count);
        }
        for count in [1, OptionSet::CAPACITY + 1] {
            only_error(
                &question("choice", count, ""),
                &format!("question `q` needs from 2 to 64 options, not {count}"),
                "extra.toml:2:6",
            );
        }
    }

    #[test]
    fn an_option_id_is_given_once_per_question() {
        let mut text = question("choice", 2, "");
        text.push_str("[[question.option]]\nid = \"o1\"\nlabel = \"Again\"\n");
        only_error(
            &text,
            "question `q` has option `o1` twice",
            "extra.toml:13:6",
        );
    }

    #[test]
    fn ids_are_not_empty_and_have_no_white_space_or_controls() {
        for (id, shown) in [("", ""), ("a b", "a b"), ("a\\u0007b", "a\u{7}b")] {
            let text = rule("always = true").replace("id = \"r\"", &format!("id = \"{id}\""));
            let errors = errors(None, &text);
            assert!(
                errors
                    .iter()
                    .any(|e| e.starts_with(&format!("rule id `{shown}` must be non-empty"))),
                "{id}: {errors:#?}"
            );
        }
        loads(&rule("always = true").replace("id = \"r\"", "id = \"a-b_c.d\""));
    }

    #[test]
    fn a_rule_has_either_always_or_a_when() {
        only_error(
            &rule("always = true\nwhen.age = { min = 50 }"),
            "rule `r` has both `always = true` and a `when`; keep one",
            "extra.toml:5:10",
        );
        loads(&rule("always = true"));
        loads(&rule("when.age = { min = 50 }"));
    }

    #[test]
    fn each_kind_of_matcher_needs_its_own_keys() {
        for (when, message, at) in [
            (
                "when.prior_treatments = {}",
                "matcher for `prior_treatments` needs `any`, `all` or `none`",
                "extra.toml:5:25",
            ),
            (
                "when.age = {}",
                "matcher for `age` needs `min`, `max` or both",
                "extra.toml:5:12",
            ),
            (
                "when.condition = {}",
                "matcher for `condition` needs `in = [...]`",
                "extra.toml:5:18",
            ),
            (
                "when.condition = { in = [] }",
                "empty option list for question `condition`",
                "extra.toml:5:25",
            ),
            (
                "when.age = { min = 41, max = 40 }",
                "matcher for `age` has min above max",
                "extra.toml:5:12",
            ),
        ] {
            only_error(&rule(when), message, at);
        }
        // Any one of the keys is enough, and a range may be one value.
        for when in [
            "when.prior_treatments = { any = [\"rest\"] }",
            "when.prior_treatments = { all = [\"rest\"] }",
            "when.prior_treatments = { none = [\"rest\"] }",
            "when.age = { min = 40 }",
            "when.age = { max = 40 }",
            "when.age = { min = 40, max = 40 }",
        ] {
            loads(&rule(when));
        }
    }

    #[test]
    fn a_source_needs_a_file_or_an_address_and_a_unique_id() {
        let source = |id: &str, more: &str| {
            format!(
                "[[source]]\nid = \"{id}\"\nname = \"N\"\ntitle = \"T\"\npublisher = \"P\"\nkind = \"clinical-guidance\"\n{more}"
            )
        };
        loads(&source("a", "file = \"a.txt\"\n"));
        loads(&source("a", "url = \"https://example.org/a\"\n"));
        only_error(
            &source("a", ""),
            "source `a` needs a `file` or a `url`",
            "extra.toml:1:1",
        );
        // A source of the same kind, so that what cites it is unchanged.
        only_error(
            &source("isscr-what-to-ask", "file = \"a.txt\"\n"),
            "source `isscr-what-to-ask` is declared twice",
            "sources.toml:94:6",
        );
    }

    #[test]
    fn a_conflict_cites_two_different_sources() {
        let conflict = |cite: &str| {
            format!(
                "[[rule]]\nid = \"r\"\nlevel = \"info\"\nmessage = \"M.\"\nconflict = \"Topic\"\nalways = true\ncite = [{cite}]\n"
            )
        };
        let defiage = "{ source = \"defiage\", quote = \"Knee osteoarthritis\" }";
        let johnson = "{ source = \"johnson-medical-center\", quote = \"knee\" }";
        loads(&conflict(&format!("{defiage}, {johnson}")));
        for cite in [defiage.to_owned(), format!("{defiage}, {defiage}")] {
            only_error(
                &conflict(&cite),
                "rule `r` reports a disagreement between sources, so it must cite at least two sources",
                "extra.toml:5:12",
            );
        }
    }

    #[test]
    fn a_toml_file_that_is_not_utf8_is_a_rule_set_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.toml"), b"name = \"\xff\"\n").unwrap();
        std::fs::write(dir.path().join("notes.txt"), b"\xff").unwrap();
        match read_dir(dir.path(), "rule") {
            Err(LoadError::Invalid(diagnostics)) => {
                assert_eq!(diagnostics.len(), 1);
                assert!(
                    diagnostics[0]
                        .message
                        .ends_with("a.toml` is not UTF-8 text"),
                    "{}",
                    diagnostics[0]
                );
            }
            other => panic!("{other:?}"),
        }
        // Only `*.toml` entries are read.
        std::fs::write(dir.path().join("a.toml"), "x = 1\n").unwrap();
        let files = read_dir(dir.path(), "rule").unwrap();
        assert_eq!(files.len(), 1);
        assert!(files[0].name.ends_with("a.toml"));
    }

    #[test]
    fn the_underline_starts_under_the_fault() {
        let file = RuleFile {
            name: "f.toml".to_owned(),
            text: "a = 1\nbb = xyz\n".to_owned(),
        };
        let shown = Diagnostic::at(&file, 11..14, "bad".to_owned()).to_string();
        assert_eq!(
            shown,
            "bad\n  --> f.toml:2:6\n  |\n2 | bb = xyz\n  |      ^^^"
        );
    }

    #[test]
    fn a_matcher_for_another_kind_of_question_is_refused_at_each_wrong_key() {
        // One problem per wrong key, each pointing at its key's value.
        let cases = [
            (
                "when.condition = { any = [\"knee-arthritis\"], min = 1 }",
                "wrong matcher for question `condition`: a one-choice question takes `in = [...]`",
                ["[\"knee-arthritis\"]", "1"].as_slice(),
            ),
            (
                "when.warning_signs = { in = [\"fever\"] }",
                "wrong matcher for question `warning_signs`: a several-choice question takes `any`, `all` and `none`",
                ["[\"fever\"]"].as_slice(),
            ),
            (
                "when.age = { none = [\"x\"] }",
                "wrong matcher for question `age`: a number question takes `min` and `max`",
                ["[\"x\"]"].as_slice(),
            ),
        ];
        for (when, message, values) in cases {
            let extra = rule(when);
            let found = errors(None, &extra);
            let wrong: Vec<&String> = found.iter().filter(|e| e.starts_with(message)).collect();
            assert_eq!(wrong.len(), values.len(), "{when}: {found:?}");
            for (error, value) in wrong.iter().zip(values) {
                // The caret is under the value of the wrong key.
                let line = extra.lines().position(|l| l.starts_with("when.")).unwrap() + 1;
                let column = extra.lines().nth(line - 1).unwrap().find(value).unwrap() + 1;
                assert!(
                    error.contains(&format!("--> extra.toml:{line}:{column}")),
                    "{when}: {error}"
                );
            }
        }
    }

    #[test]
    fn a_location_inside_a_character_is_that_character_s_column() {
        // Byte 2 is inside "é" (bytes 1 and 2 of "aé b"): its column is the
        // column of "é", never the next character's.
        let file = RuleFile {
            name: "f.toml".to_owned(),
            text: "aé b\nsecond".to_owned(),
        };
        let at = locate(&file, 2);
        assert_eq!((at.line, at.column), (1, 2));
        let at = locate(&file, 1);
        assert_eq!((at.line, at.column), (1, 2));
        let at = locate(&file, 3);
        assert_eq!((at.line, at.column), (1, 3));
    }

    #[test]
    fn the_built_in_disclaimer_keeps_its_citation() {
        let rules = RuleSet::embedded().unwrap();
        let cited: Vec<(&str, &str)> = rules
            .meta
            .disclaimer_citations
            .iter()
            .map(|c| (rules.sources[c.source].id.as_str(), c.quote.as_str()))
            .collect();
        assert_eq!(
            cited,
            [(
                "defiage",
                "A detailed evaluation is always necessary to determine candidacy"
            )]
        );
    }
}
