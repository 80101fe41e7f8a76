//! `candidacy rules test`: case files that pin down what a rule set does.
//!
//! A case gives a complete set of answers, the outcome it must get, and
//! optionally rules that must or must not fire. Case files are read as
//! strictly as rule files (unknown keys, questions, options and rule ids are
//! errors with file, line and column). Running them is pure: [`run`] takes
//! the loaded cases and returns a [`TestReport`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::answers::{AnswerError, AnswerSet, Answers};
use crate::evaluate::evaluate;
use crate::level::Level;
use crate::ruleset::{Diagnostic, LoadError, Location, RuleFile, RuleSet, locate};

/// One checked case.
#[derive(Debug, Clone)]
pub struct Case {
    /// What the case is about.
    pub name: String,
    /// The answers, complete and valid.
    pub answers: AnswerSet,
    /// The outcome the case must get.
    pub outcome: Level,
    /// Indices of rules that must fire.
    pub must_fire: Vec<usize>,
    /// Indices of rules that must not fire.
    pub must_not_fire: Vec<usize>,
    /// Where the case is written.
    pub origin: Location,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCaseFile {
    #[serde(default)]
    case: Vec<Spanned<RawCase>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    name: String,
    answers: Spanned<BTreeMap<Spanned<String>, Spanned<toml::Value>>>,
    outcome: Spanned<Level>,
    #[serde(default)]
    must_fire: Vec<Spanned<String>>,
    #[serde(default)]
    must_not_fire: Vec<Spanned<String>>,
}

/// Checks case files against `rules`, reporting every problem found.
pub fn load(rules: &RuleSet, files: &[RuleFile]) -> Result<Vec<Case>, LoadError> {
    let mut cases = Vec::new();
    let mut diagnostics = Vec::new();
    for file in files {
        let raw = match toml::from_str::<RawCaseFile>(&file.text) {
            Ok(raw) => raw,
            Err(e) => {
                diagnostics.push(Diagnostic::at(
                    file,
                    e.span().unwrap_or(0..0),
                    e.message().trim_end().to_owned(),
                ));
                continue;
            }
        };
        if raw.case.is_empty() {
            diagnostics.push(Diagnostic::at(
                file,
                0..0,
                "no [[case]] in this file".to_owned(),
            ));
        }
        for case in raw.case {
            let origin = locate(file, case.span().start);
            let case = case.into_inner();
            let before = diagnostics.len();
            let mut error = |span: std::ops::Range<usize>, message: String| {
                diagnostics.push(Diagnostic::at(file, span, message));
            };
            let mut answers = Answers::new(rules);
            for (key, value) in case.answers.get_ref() {
                // Keys are looked up trimmed, as in an answer file, so
                // `"warning_signs "` is `warning_signs` again: refused, as
                // an answer file refuses it, never silently replacing.
                let twice = crate::answers::question_index(rules, key.get_ref())
                    .ok()
                    .filter(|&index| answers.get(index).is_some());
                let given = match twice {
                    Some(index) => Err(AnswerError::Twice {
                        question: rules.questions[index].id.clone(),
                    }),
                    None => {
                        let json = serde_json::to_value(value.get_ref()).unwrap_or_default();
                        answers.give_value(rules, key.get_ref(), json)
                    }
                };
                if let Err(e) = given {
                    let span = if twice.is_none() && rules.question_index(key.get_ref()).is_some() {
                        value.span()
                    } else {
                        key.span()
                    };
                    error(span, format!("case `{}`: {e}", case.name));
                }
            }
            let answers = match answers.complete(rules) {
                Ok(answers) => Some(answers),
                Err(missing) => {
                    // Questions given with a bad value are reported above.
                    let ids: Vec<&str> = missing
                        .iter()
                        .map(|&i| rules.questions[i].id.as_str())
                        .filter(|id| !case.answers.get_ref().keys().any(|k| k.get_ref() == id))
                        .collect();
                    if !ids.is_empty() {
                        error(
                            case.answers.span(),
                            format!(
                                "case `{}` does not answer: {} (a case answers every question)",
                                case.name,
                                ids.join(", ")
                            ),
                        );
                    }
                    None
                }
            };
            if *case.outcome.get_ref() == Level::Info {
                error(
                    case.outcome.span(),
                    "`info` is never an outcome; expect one of the other levels".to_owned(),
                );
            }
            let mut rule_ids = |ids: &[Spanned<String>]| -> Vec<usize> {
                ids.iter()
                    .filter_map(|id| {
                        let found = rules.rules.iter().position(|r| r.id == *id.get_ref());
                        if found.is_none() {
                            error(id.span(), format!("unknown rule `{}`", id.get_ref()));
                        }
                        found
                    })
                    .collect()
            };
            let must_fire = rule_ids(&case.must_fire);
            let must_not_fire = rule_ids(&case.must_not_fire);
            if let (Some(answers), true) = (answers, diagnostics.len() == before) {
                cases.push(Case {
                    name: case.name,
                    answers,
                    outcome: case.outcome.into_inner(),
                    must_fire,
                    must_not_fire,
                    origin,
                });
            }
        }
    }
    if diagnostics.is_empty() {
        Ok(cases)
    } else {
        Err(LoadError::Invalid(diagnostics))
    }
}

/// What one case did.
#[derive(Debug, Clone, Serialize)]
pub struct CaseResult {
    /// The case's name.
    pub name: String,
    /// Where it is written.
    pub location: String,
    /// Whether everything it expects held.
    pub passed: bool,
    /// The outcome it expects.
    pub expected: Level,
    /// The outcome it got.
    pub actual: Level,
    /// Every rule that fired, most serious first.
    pub fired: Vec<String>,
    /// What did not hold, one sentence each.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
}

/// How many rules the cases fire.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    /// Rules fired by at least one case.
    pub fired: usize,
    /// Rules in the rule set.
    pub total: usize,
    /// `fired / total` as a percentage (100 for an empty rule set).
    pub percent: f64,
    /// Ids of the rules no case fires, in rule order.
    pub not_fired: Vec<String>,
}

/// The result of running every case.
#[derive(Debug, Clone, Serialize)]
pub struct TestReport {
    /// Cases that passed.
    pub passed: usize,
    /// Cases that failed.
    pub failed: usize,
    /// Every case, in file order.
    pub cases: Vec<CaseResult>,
    /// Rule coverage.
    pub coverage: Coverage,
}

/// Runs every case against `rules`.
pub fn run(rules: &RuleSet, cases: &[Case]) -> TestReport {
    let mut fired_any = vec![false; rules.rules.len()];
    let mut results = Vec::new();
    for case in cases {
        let assessment = evaluate(rules, &case.answers);
        let fired = |index: usize| {
            assessment
                .findings
                .iter()
                .any(|r| std::ptr::eq(*r, &rules.rules[index]))
        };
        for (index, slot) in fired_any.iter_mut().enumerate() {
            *slot |= fired(index);
        }
        let mut problems = Vec::new();
        if assessment.outcome != case.outcome {
            problems.push(format!(
                "expected outcome {}, got {}",
                case.outcome, assessment.outcome
            ));
        }
        for &i in case.must_fire.iter().filter(|&&i| !fired(i)) {
            problems.push(format!(
                "rule `{}` should fire and did not",
                rules.rules[i].id
            ));
        }
        for &i in case.must_not_fire.iter().filter(|&&i| fired(i)) {
            problems.push(format!("rule `{}` fired and should not", rules.rules[i].id));
        }
        results.push(CaseResult {
            name: case.name.clone(),
            location: case.origin.to_string(),
            passed: problems.is_empty(),
            expected: case.outcome,
            actual: assessment.outcome,
            fired: assessment.findings.iter().map(|r| r.id.clone()).collect(),
            problems,
        });
    }
    let fired = fired_any.iter().filter(|&&f| f).count();
    let total = rules.rules.len();
    let passed = results.iter().filter(|r| r.passed).count();
    TestReport {
        passed,
        failed: results.len() - passed,
        cases: results,
        coverage: Coverage {
            fired,
            total,
            percent: if total == 0 {
                100.0
            } else {
                // Rule counts are far below 2^52, so the division is exact
                // enough to compare with a percentage.
                100.0 * fired as f64 / total as f64
            },
            not_fired: rules
                .rules
                .iter()
                .zip(&fired_any)
                .filter(|(_, f)| !**f)
                .map(|(r, _)| r.id.clone())
                .collect(),
        },
    }
}

impl TestReport {
    /// Whether every case passed and coverage is at least `min_coverage`.
    pub fn ok(&self, min_coverage: Option<f64>) -> bool {
        self.failed == 0 && min_coverage.is_none_or(|min| self.coverage.percent >= min)
    }

    /// The report as text: failures in full, a line per passing case, the
    /// coverage, and a count line.
    pub fn render_text(&self, min_coverage: Option<f64>) -> String {
        let mut out = String::new();
        for case in &self.cases {
            if case.passed {
                out.push_str(&format!("ok    {} ({})\n", case.name, case.location));
                continue;
            }
            out.push_str(&format!("FAIL  {} ({})\n", case.name, case.location));
            for problem in &case.problems {
                out.push_str(&format!("      {problem}\n"));
            }
            out.push_str(&format!(
                "      expected: {}\n      actual:   {}\n      fired:    {}\n",
                case.expected,
                case.actual,
                case.fired.join(", ")
            ));
        }
        let c = &self.coverage;
        out.push_str(&format!(
            "\ncoverage: {} of {} rules fired by some case ({:.1}%)\n",
            c.fired, c.total, c.percent
        ));
        if !c.not_fired.is_empty() {
            out.push_str(&format!(
                "not fired by any case: {}\n",
                c.not_fired.join(", ")
            ));
        }
        if let Some(min) = min_coverage
            && c.percent < min
        {
            out.push_str(&format!(
                "coverage {:.1}% is below --min-coverage {min}\n",
                c.percent
            ));
        }
        out.push_str(&format!(
            "\n{} passed, {} failed\n",
            self.passed, self.failed
        ));
        crate::sanitize::sanitize(&out).into_owned()
    }

    /// The report as pretty JSON.
    pub fn render_json(&self) -> String {
        crate::render::json::pretty(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> RuleFile {
        RuleFile {
            name: "cases.toml".to_owned(),
            text: text.to_owned(),
        }
    }

    const KNEE: &str = r#"
[[case]]
name = "moderate knee arthritis"
answers = { warning_signs = ["none"], condition = "knee-arthritis", duration = "over-a-year", severity = "moderate", imaging = "moderate", age = 54, active_infection = "no", health = ["none"], prior_treatments = ["rest"] }
outcome = "may-be-suitable"
must_fire = ["defiage-knee-osteoarthritis"]
must_not_fire = ["active-infection"]
"#;

    #[test]
    fn a_passing_case_and_its_coverage() {
        let rules = RuleSet::embedded().unwrap();
        let cases = load(&rules, &[file(KNEE)]).unwrap();
        assert_eq!(cases[0].origin.to_string(), "cases.toml:2:1");
        let report = run(&rules, &cases);
        assert_eq!((report.passed, report.failed), (1, 0));
        assert!(
            report.cases[0]
                .fired
                .contains(&"defiage-knee-osteoarthritis".to_owned())
        );
        assert!(report.coverage.fired < report.coverage.total);
        assert!(
            report
                .coverage
                .not_fired
                .contains(&"active-infection".to_owned())
        );
        assert!(report.ok(None));
        assert!(!report.ok(Some(100.0)));
    }

    #[test]
    fn a_failing_case_says_what_did_not_hold() {
        let rules = RuleSet::embedded().unwrap();
        let text = KNEE
            .replace("\"may-be-suitable\"", "\"not-suitable-now\"")
            .replace(
                "must_not_fire = [\"active-infection\"]",
                "must_not_fire = [\"jmc-middle-age\"]",
            )
            .replace(
                "must_fire = [\"defiage-knee-osteoarthritis\"]",
                "must_fire = [\"active-infection\"]",
            );
        let report = run(&rules, &load(&rules, &[file(&text)]).unwrap());
        assert_eq!(report.failed, 1);
        assert_eq!(
            report.cases[0].problems,
            [
                "expected outcome not-suitable-now, got may-be-suitable",
                "rule `active-infection` should fire and did not",
                "rule `jmc-middle-age` fired and should not",
            ]
        );
        let text = report.render_text(None);
        assert!(
            text.contains("FAIL  moderate knee arthritis (cases.toml:2:1)"),
            "{text}"
        );
        assert!(
            text.contains("expected: not-suitable-now\n      actual:   may-be-suitable"),
            "{text}"
        );
    }

    #[test]
    fn invalid_cases_are_errors_with_their_place() {
        let rules = RuleSet::embedded().unwrap();
        let messages = |text: &str| -> Vec<String> {
            match load(&rules, &[file(text)]) {
                Err(LoadError::Invalid(d)) => d
                    .iter()
                    .map(|d| format!("{} @ {}", d.message, d.location.as_ref().unwrap()))
                    .collect(),
                other => panic!("{other:?}"),
            }
        };
        assert_eq!(
            messages(&KNEE.replace("age = 54", "age = 540")),
            [
                "case `moderate knee arthritis`: `age` must be a whole number from 0 to 120, not `540` @ cases.toml:4:146"
            ]
        );
        assert_eq!(
            messages(&KNEE.replace("age = 54, ", "")),
            [
                "case `moderate knee arthritis` does not answer: age (a case answers every question) @ cases.toml:4:11"
            ]
        );
        assert_eq!(
            messages(&KNEE.replace("[\"active-infection\"]", "[\"no-such-rule\"]")),
            ["unknown rule `no-such-rule` @ cases.toml:7:18"]
        );
        assert_eq!(
            messages(&KNEE.replace("\"may-be-suitable\"", "\"info\"")),
            ["`info` is never an outcome; expect one of the other levels @ cases.toml:5:11"]
        );
        assert!(
            messages(&KNEE.replace("must_fire", "must_fires"))[0]
                .starts_with("unknown field `must_fires`")
        );
        assert!(messages("")[0].starts_with("no [[case]]"));
    }
}
