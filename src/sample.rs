//! Reproducible synthetic intake records, for the batch benchmark and the
//! `gen-records` example: the same seed gives the same records on every
//! machine. Most records are valid; about one in twenty is invalid in one
//! of the ways real intake files are (an unknown option, a missing answer,
//! a number out of range, broken JSON).
//!
//! Answers are drawn evenly from a question's options, except that a "not
//! sure" answer is one in ten, and a screen (a several-choice question each
//! of whose ordinary options is a reason for caution: the warning signs,
//! the health conditions) is answered "none of these" nine times in ten.

use crate::level::Level;
use crate::ruleset::{AnswerOption, QuestionKind, RuleSet, Test};

/// A small, fast, seedable generator (SplitMix64); not for anything that
/// needs real randomness.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number below `n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        // The modulo bias is irrelevant for test data.
        (self.next_u64() % n as u64) as usize
    }
}

/// The formats records can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SampleFormat {
    /// One JSON object per line.
    JsonLines,
    /// A header row, then one row per record.
    Csv,
}

/// Record `number` (from 1) as one line, without its line end. Valid
/// answers are drawn from the rule set's own questions; in CSV several
/// choices are separated by `;`.
pub fn record(rules: &RuleSet, rng: &mut SplitMix64, number: u64, format: SampleFormat) -> String {
    let invalid = rng.below(20) == 0;
    let broken = if invalid { rng.below(4) } else { usize::MAX };
    let mut fields: Vec<(String, String)> = vec![(
        "id".to_owned(),
        match format {
            SampleFormat::JsonLines => format!("\"r{number}\""),
            SampleFormat::Csv => format!("r{number}"),
        },
    )];
    // The unknown option goes into the first one-choice question.
    let first_choice = rules
        .questions
        .iter()
        .position(|q| matches!(q.kind, QuestionKind::Choice(_)));
    let screens = screens(rules);
    for (index, question) in rules.questions.iter().enumerate() {
        if broken == 1 && index == 0 {
            continue; // a missing answer
        }
        let value = match &question.kind {
            QuestionKind::Choice(options) => {
                let id = if broken == 0 && Some(index) == first_choice {
                    "not-an-option"
                } else {
                    draw(rng, options.iter()).id.as_str()
                };
                match format {
                    SampleFormat::JsonLines => format!("\"{id}\""),
                    SampleFormat::Csv => id.to_owned(),
                }
            }
            QuestionKind::Multi(options) => {
                let mut chosen: Vec<&str> = Vec::new();
                let plain: Vec<&str> = options
                    .iter()
                    .filter(|o| !o.exclusive)
                    .map(|o| o.id.as_str())
                    .collect();
                // A screen (the warning signs, the health conditions): most
                // people have none of them. Elsewhere "none" is one in five.
                let exclusive_drawn = if screens[index] {
                    rng.below(10) != 0
                } else {
                    rng.below(5) == 0
                };
                let exclusive: Vec<&AnswerOption> =
                    options.iter().filter(|o| o.exclusive).collect();
                match exclusive.is_empty() {
                    false if exclusive_drawn || plain.is_empty() => {
                        chosen.push(&draw(rng, exclusive.into_iter()).id);
                    }
                    _ => {
                        let first = rng.below(plain.len());
                        chosen.push(plain[first]);
                        let second = rng.below(plain.len());
                        if second != first {
                            chosen.push(plain[second]);
                        }
                    }
                }
                match format {
                    SampleFormat::JsonLines => format!(
                        "[{}]",
                        chosen
                            .iter()
                            .map(|c| format!("\"{c}\""))
                            .collect::<Vec<_>>()
                            .join(",")
                    ),
                    SampleFormat::Csv => chosen.join(";"),
                }
            }
            QuestionKind::Number { min, max } => {
                if broken == 2 {
                    (max + 1).to_string()
                } else {
                    let span = usize::try_from(max - min + 1).unwrap_or(1);
                    (min + rng.below(span) as i64).to_string()
                }
            }
        };
        fields.push((question.id.clone(), value));
    }
    match format {
        SampleFormat::JsonLines => {
            let body: Vec<String> = fields.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
            let line = format!("{{{}}}", body.join(","));
            if broken == 3 {
                line[..line.len() / 2].to_owned() // broken JSON
            } else {
                line
            }
        }
        SampleFormat::Csv => fields
            .iter()
            .map(|(_, v)| v.as_str())
            .collect::<Vec<_>>()
            .join(","),
    }
}

/// One of `options` (not empty): a "not sure" one one time in ten (when
/// there is one), otherwise any of the others alike.
fn draw<'o>(
    rng: &mut SplitMix64,
    options: impl Iterator<Item = &'o AnswerOption> + Clone,
) -> &'o AnswerOption {
    let (unsure, sure): (Vec<_>, Vec<_>) = options.partition(|o| o.unsure);
    let pool = if unsure.is_empty() || (!sure.is_empty() && rng.below(10) != 0) {
        sure
    } else {
        unsure
    };
    pool[rng.below(pool.len())]
}

/// For every question, whether it is a screen: a several-choice question
/// each of whose ordinary (not exclusive) options some rule more serious
/// than `may-be-suitable` looks for.
fn screens(rules: &RuleSet) -> Vec<bool> {
    rules
        .questions
        .iter()
        .enumerate()
        .map(|(q, question)| match &question.kind {
            QuestionKind::Multi(options) => options
                .iter()
                .enumerate()
                .filter(|(_, o)| !o.exclusive)
                .all(|(i, _)| {
                    rules.rules.iter().any(|r| {
                        r.level < Level::MayBeSuitable && r.when.iter().any(|m| {
                            m.question == q
                                && matches!(&m.test, Test::Several { any, .. } if any.contains(i))
                        })
                    })
                }),
            _ => false,
        })
        .collect()
}

/// The CSV header matching [`record`]'s columns.
pub fn csv_header(rules: &RuleSet) -> String {
    std::iter::once("id")
        .chain(rules.questions.iter().map(|q| q.id.as_str()))
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_records_and_most_are_valid() {
        let rules = RuleSet::embedded().unwrap();
        let make = |seed| {
            let mut rng = SplitMix64::new(seed);
            (1..=2000)
                .map(|n| record(&rules, &mut rng, n, SampleFormat::JsonLines))
                .collect::<Vec<_>>()
                .join("\n")
        };
        let records = make(7);
        assert_eq!(records, make(7));
        assert_ne!(records, make(8));
        let mut out = Vec::new();
        let tally = crate::batch::run(
            &rules,
            records.as_bytes(),
            crate::batch::InputFormat::JsonLines,
            &mut out,
            crate::batch::OutputFormat::JsonLines,
            std::num::NonZeroUsize::MIN,
            &mut |_| {},
        )
        .unwrap();
        assert_eq!(tally.records(), 2000);
        // About one in twenty is invalid, on purpose.
        assert!((50..=150).contains(&tally.errors), "{tally:?}");
        // Every outcome the built-in rules can give shows up in at least 2%
        // of the records (a pass needs every answer clear, so it is the
        // rarest); about one in ten records has a warning sign.
        assert!(tally.outcomes.iter().all(|&n| n > 40), "{tally:?}");
        assert!((100..=300).contains(&tally.outcomes[0]), "{tally:?}");
    }

    #[test]
    fn the_screens_are_the_warning_signs_and_the_health_conditions() {
        let rules = RuleSet::embedded().unwrap();
        let found: Vec<&str> = screens(&rules)
            .iter()
            .zip(&rules.questions)
            .filter(|(s, _)| **s)
            .map(|(_, q)| q.id.as_str())
            .collect();
        assert_eq!(found, ["warning_signs", "health"]);
    }

    #[test]
    fn every_option_of_every_question_is_drawn() {
        let rules = RuleSet::embedded().unwrap();
        let mut rng = SplitMix64::new(1);
        let records: Vec<serde_json::Value> = (1..=2000)
            .map(|n| record(&rules, &mut rng, n, SampleFormat::JsonLines))
            .filter_map(|line| serde_json::from_str(&line).ok())
            .collect();
        for question in &rules.questions {
            for option in question.options() {
                let id = serde_json::Value::from(option.id.as_str());
                assert!(
                    records.iter().any(|r| {
                        let answer = &r[question.id.as_str()];
                        *answer == id || answer.as_array().is_some_and(|a| a.contains(&id))
                    }),
                    "{}={} is never drawn",
                    question.id,
                    option.id
                );
            }
        }
    }
}
