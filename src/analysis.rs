//! Exhaustive analysis of a rule set over its whole answer space.
//!
//! Every question has finitely many answers that the rules can tell apart:
//! each option of a choice question, each valid combination of a
//! several-choice question, and one age per band between the bounds any
//! rule uses. So every check here is exact, not sampled.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::answers::{AnswerSet, Answers, Value, check_several};
use crate::level::Level;
use crate::ruleset::{OptionSet, QuestionKind, RuleSet, Test};

/// The answers the rules can tell apart, question by question.
///
/// A several-choice question's valid combinations are grouped into classes
/// that every test of every rule, and the "not sure" check, treat alike; one
/// combination stands for each class and carries the class's size as its
/// weight, so counts stay counts of combinations while only one member of
/// each class is evaluated.
#[derive(Debug, Clone)]
pub struct AnswerSpace {
    /// For each question, its representative values.
    values: Vec<Vec<Value>>,
    /// For number questions, the band `(low, high)` each representative
    /// stands for, in the same order as `values`.
    bands: Vec<Vec<(i64, i64)>>,
    /// For several-choice questions, the combinations each representative
    /// stands for (itself first); empty for other questions.
    classes: Vec<Vec<Vec<Value>>>,
    /// How many combinations of answers the representatives stand for.
    combinations: usize,
}

/// The most answer sets the analysis enumerates; about a second of work.
pub const MAX_COMBINATIONS: usize = 2_000_000;

/// The most options of a several-choice question whose combinations are
/// enumerated (2^16 subsets).
pub const MAX_SEVERAL_OPTIONS: usize = 16;

/// The answer space is too large to enumerate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the answer space is too large to analyse exhaustively: {0}")]
pub struct TooLarge(pub String);

impl AnswerSpace {
    /// The space of `rules`, or why it is too large to enumerate.
    ///
    /// The space is refused as soon as the representatives enumerated so far
    /// exceed [`MAX_COMBINATIONS`], before the remaining questions are
    /// classified, and when the number of combinations they stand for is
    /// too large to count.
    pub fn new(rules: &RuleSet) -> Result<AnswerSpace, TooLarge> {
        let mut values = Vec::new();
        let mut bands = Vec::new();
        let mut classes = Vec::new();
        let mut positions = 1usize;
        let mut combinations = 1usize;
        let too_many = || {
            TooLarge(format!(
                "more than {MAX_COMBINATIONS} combinations of answers"
            ))
        };
        for index in 0..rules.questions.len() {
            let (question_values, question_bands) = representatives(rules, index)?;
            // Every valid answer to the question is one combination.
            let answers = question_values.len();
            if matches!(rules.questions[index].kind, QuestionKind::Multi(_)) {
                let grouped = classes_of(rules, index, question_values);
                values.push(grouped.iter().map(|class| class[0]).collect::<Vec<_>>());
                classes.push(grouped);
            } else {
                values.push(question_values);
                classes.push(Vec::new());
            }
            bands.push(question_bands);
            positions = positions
                .checked_mul(values[index].len())
                .filter(|&n| n <= MAX_COMBINATIONS)
                .ok_or_else(too_many)?;
            combinations = combinations.checked_mul(answers).ok_or_else(|| {
                TooLarge("the number of answer combinations is too large to count".to_owned())
            })?;
        }
        Ok(AnswerSpace {
            values,
            bands,
            classes,
            combinations,
        })
    }

    /// How many representative answer sets the space holds: the number of
    /// positions [`AnswerSpace::iter`] yields (at most
    /// [`MAX_COMBINATIONS`]).
    pub fn len(&self) -> usize {
        self.values.iter().map(Vec::len).product()
    }

    /// How many combinations of answers the representatives stand for: the
    /// product of each question's number of valid answers (bands of numbers
    /// counting one each), counted without overflow when the space was made.
    pub fn combinations(&self) -> usize {
        self.combinations
    }

    /// How many combinations of answers the representative at `position`
    /// stands for (at most [`AnswerSpace::combinations`], so the product
    /// cannot overflow).
    pub fn weight(&self, position: usize) -> usize {
        self.unpack(position)
            .into_iter()
            .enumerate()
            .map(|(q, v)| self.weight_of(q, v))
            .product()
    }

    fn weight_of(&self, question: usize, value: usize) -> usize {
        self.classes[question].get(value).map_or(1, Vec::len)
    }

    /// Whether the space is empty (a question with no valid answer).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every answer set, each question's values varying fastest last.
    pub fn iter<'a>(&'a self, rules: &'a RuleSet) -> impl Iterator<Item = AnswerSet> + 'a {
        let total = self.len();
        (0..total).map(move |mut n| {
            let mut answers = Answers::new(rules);
            for (question, values) in self.values.iter().enumerate().rev() {
                answers.set(question, values[n % values.len()]);
                n /= values.len();
            }
            // Every question got a value just above.
            answers
                .complete(rules)
                .unwrap_or_else(|_| unreachable!("every question is set"))
        })
    }

    /// The representative answer set that stands for `answers` (the one
    /// [`AnswerSpace::iter`] yields for its class): each number replaced by
    /// the first number of its band, each several-choice combination by the
    /// first member of its class. `None` if an answer lies outside the space.
    pub fn representative_of(&self, rules: &RuleSet, answers: &AnswerSet) -> Option<AnswerSet> {
        let mut chosen = Answers::new(rules);
        for (q, value) in answers.values().iter().enumerate() {
            let index = match (value, self.bands.get(q), self.classes.get(q)) {
                (Value::Number(n), Some(bands), _) if !bands.is_empty() => bands
                    .iter()
                    .position(|(low, high)| (*low..=*high).contains(n))?,
                (_, _, Some(classes)) if !classes.is_empty() => {
                    classes.iter().position(|class| class.contains(value))?
                }
                _ => self.values.get(q)?.iter().position(|v| v == value)?,
            };
            chosen.set(q, self.values[q][index]);
        }
        chosen.complete(rules).ok()
    }

    /// The position of the answer set whose value indices are `choice`.
    fn position_of(&self, choice: &[usize]) -> usize {
        self.values
            .iter()
            .zip(choice)
            .fold(0, |n, (values, &i)| n * values.len() + i)
    }

    /// Every position in the box: per question, a set of value indices.
    fn positions_in<'a>(&'a self, cube: &'a [Vec<usize>]) -> impl Iterator<Item = usize> + 'a {
        let total: usize = cube.iter().map(Vec::len).product();
        (0..total).map(move |mut n| {
            let mut choice = vec![0; cube.len()];
            for (q, picks) in cube.iter().enumerate().rev() {
                choice[q] = picks[n % picks.len()];
                n /= picks.len();
            }
            self.position_of(&choice)
        })
    }

    /// `question=value` pairs for the answer set at `position` (as numbered
    /// by [`AnswerSpace::iter`]), with ages as their band.
    pub fn describe(&self, rules: &RuleSet, position: usize) -> String {
        let cube: Vec<Vec<usize>> = self.unpack(position).into_iter().map(|i| vec![i]).collect();
        self.describe_box(rules, &cube)
    }

    /// The value indices of the answer set at `position`.
    fn unpack(&self, mut position: usize) -> Vec<usize> {
        let mut choice = vec![0; self.values.len()];
        for (q, values) in self.values.iter().enumerate().rev() {
            choice[q] = position % values.len();
            position /= values.len();
        }
        choice
    }

    /// A box of answer sets in words: `*` for any answer, alternatives
    /// joined by `|`, ages as bands (`age=18-120`).
    fn describe_box(&self, rules: &RuleSet, cube: &[Vec<usize>]) -> String {
        rules
            .questions
            .iter()
            .zip(cube)
            .enumerate()
            .map(|(q, (question, picks))| {
                let alternatives: usize = picks.iter().map(|&v| self.weight_of(q, v)).sum();
                let text = if picks.len() == self.values[q].len() && alternatives > 1 {
                    "*".to_owned()
                } else {
                    self.describe_values(question, q, picks)
                };
                format!("{}={text}", question.id)
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn describe_values(
        &self,
        question: &crate::ruleset::Question,
        q: usize,
        picks: &[usize],
    ) -> String {
        let mut parts: Vec<String> = Vec::new();
        if self.bands[q].is_empty() {
            let words = |value: &Value| match value {
                Value::Choice(o) => question.options()[*o].id.clone(),
                Value::Several(set) => set
                    .iter()
                    .map(|o| question.options()[o].id.as_str())
                    .collect::<Vec<_>>()
                    .join("+"),
                Value::Number(n) => n.to_string(),
                Value::Unasked => "(not asked)".to_owned(),
            };
            for &i in picks {
                match self.classes[q].get(i) {
                    // A class is named by up to three of its combinations.
                    Some(class) if class.len() > CLASS_NAMED => {
                        let named: Vec<String> = class[..CLASS_NAMED].iter().map(words).collect();
                        parts.push(format!(
                            "{}|… ({} combinations alike)",
                            named.join("|"),
                            class.len()
                        ));
                    }
                    Some(class) => parts.extend(class.iter().map(words)),
                    None => parts.push(words(&self.values[q][i])),
                }
            }
        } else {
            // Adjacent bands merge into one range.
            let mut sorted = picks.to_vec();
            sorted.sort_unstable();
            let mut runs: Vec<(usize, usize)> = Vec::new();
            for i in sorted {
                match runs.last_mut() {
                    Some((_, end)) if *end + 1 == i => *end = i,
                    _ => runs.push((i, i)),
                }
            }
            for (first, last) in runs {
                let (low, high) = (self.bands[q][first].0, self.bands[q][last].1);
                parts.push(if low == high {
                    low.to_string()
                } else {
                    format!("{low}-{high}")
                });
            }
        }
        parts.join("|")
    }

    /// Grows the single answer set at `position` into a large box of answer
    /// sets that all satisfy `inside`, question by question: each question
    /// takes every other value that keeps the whole box inside.
    fn grow(&self, position: usize, inside: &[bool]) -> Vec<Vec<usize>> {
        let mut cube: Vec<Vec<usize>> =
            self.unpack(position).into_iter().map(|i| vec![i]).collect();
        for q in 0..cube.len() {
            for v in 0..self.values[q].len() {
                if cube[q].contains(&v) {
                    continue;
                }
                cube[q].push(v);
                if !self.positions_in(&cube).all(|p| inside[p]) {
                    cube[q].pop();
                }
            }
            cube[q].sort_unstable();
        }
        cube
    }

    /// Up to `limit` boxes, in words, that together cover the first of the
    /// answer sets marked in `inside`: the compact counterexamples of a gap.
    pub fn compact(&self, rules: &RuleSet, inside: &[bool], limit: usize) -> Vec<String> {
        let mut covered = vec![false; inside.len()];
        let mut boxes = Vec::new();
        while boxes.len() < limit {
            let Some(start) = (0..inside.len()).find(|&p| inside[p] && !covered[p]) else {
                break;
            };
            let cube = self.grow(start, inside);
            for p in self.positions_in(&cube) {
                covered[p] = true;
            }
            boxes.push(self.describe_box(rules, &cube));
        }
        boxes
    }
}

/// How many combinations of a class are named when a box is described.
const CLASS_NAMED: usize = 3;

/// Groups the valid combinations of several-choice question `index` into
/// classes that no rule's test and no "not sure" check tells apart, in the
/// order of each class's first member.
fn classes_of(rules: &RuleSet, index: usize, values: Vec<Value>) -> Vec<Vec<Value>> {
    let tests: Vec<&Test> = rules
        .rules
        .iter()
        .flat_map(|r| r.when.iter())
        .filter(|m| m.question == index)
        .map(|m| &m.test)
        .collect();
    let unsure = rules.questions[index].unsure_options();
    // Each signature's class, found by hashing: a linear search of the
    // classes would make a question with many classes quadratic.
    let mut class_of: HashMap<Vec<bool>, usize> = HashMap::new();
    let mut classes: Vec<Vec<Value>> = Vec::new();
    for value in values {
        let mut signature: Vec<bool> = tests.iter().map(|t| t.matches(&value)).collect();
        signature.push(matches!(value, Value::Several(set) if unsure.intersects(set)));
        let next = classes.len();
        let class = *class_of.entry(signature).or_insert(next);
        match classes.get_mut(class) {
            Some(members) => members.push(value),
            None => classes.push(vec![value]),
        }
    }
    classes
}

/// An inclusive range of numbers, `(low, high)`, that no rule tells apart.
pub type Band = (i64, i64);

/// The answers to question `index` that the rules can tell apart: each
/// option of a choice question, each valid combination of a several-choice
/// question, or one number per band between the bounds any rule uses (with
/// the bands in the same order).
pub fn representatives(rules: &RuleSet, index: usize) -> Result<(Vec<Value>, Vec<Band>), TooLarge> {
    let question = &rules.questions[index];
    Ok(match &question.kind {
        QuestionKind::Choice(options) => {
            ((0..options.len()).map(Value::Choice).collect(), Vec::new())
        }
        QuestionKind::Multi(options) => {
            if options.len() > MAX_SEVERAL_OPTIONS {
                return Err(TooLarge(format!(
                    "question `{}` has {} options; at most {MAX_SEVERAL_OPTIONS} are enumerated",
                    question.id,
                    options.len()
                )));
            }
            let all = (1u64..(1 << options.len())).filter_map(|bits| {
                let set =
                    OptionSet::from_indices((0..options.len()).filter(|i| bits & (1 << i) != 0));
                check_several(question, set).ok()
            });
            (all.collect(), Vec::new())
        }
        QuestionKind::Number { min, max } => {
            // Cut points: where some rule's range starts or ends (one past
            // its end, so in i128: `i64::MAX + 1` is a cut point too).
            let (min, max) = (i128::from(*min), i128::from(*max));
            let mut cuts = BTreeSet::from([min, max + 1]);
            for rule in &rules.rules {
                for m in rule.when.iter().filter(|m| m.question == index) {
                    if let Test::Range {
                        min: low,
                        max: high,
                    } = m.test
                    {
                        cuts.extend([i128::from(low), i128::from(high) + 1]);
                    }
                }
            }
            let cuts: Vec<i128> = cuts
                .into_iter()
                .filter(|c| (min..=max + 1).contains(c))
                .collect();
            // Each band lies within `min..=max`, so both ends fit an i64.
            let narrow =
                |n: i128| i64::try_from(n).unwrap_or_else(|_| unreachable!("within min..=max"));
            let bands: Vec<(i64, i64)> = cuts
                .windows(2)
                .map(|w| (narrow(w[0]), narrow(w[1] - 1)))
                .collect();
            (
                bands.iter().map(|(low, _)| Value::Number(*low)).collect(),
                bands,
            )
        }
    })
}

/// A source cited both for a pass and for a caution on the same answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contradiction {
    /// Index of the source.
    pub source: usize,
    /// Index of the `may-be-suitable` rule.
    pub pass_rule: usize,
    /// Index of the more serious rule.
    pub caution_rule: usize,
    /// How many answer sets show it.
    pub count: usize,
    /// One of them, described.
    pub example: String,
}

/// What the analysis found.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// How many answer sets were evaluated.
    pub combinations: usize,
    /// How many answer sets no rule other than `info` decides.
    pub gaps: usize,
    /// A few of them as compact boxes (`severity=*, age=18-120`), each
    /// covering gaps the ones before it do not.
    pub gap_examples: Vec<String>,
    /// Rules that no answer set fires.
    pub never_fire: Vec<usize>,
    /// `(rule, by)`: a rule with the same `when` as a more serious rule,
    /// which therefore never changes the outcome.
    pub masked: Vec<(usize, usize)>,
    /// Sources contradicting themselves (disagreement rules excluded).
    pub contradictions: Vec<Contradiction>,
    /// Rules reporting a disagreement between sources that some answer set
    /// fires: expected, listed as notes.
    pub disagreements: Vec<usize>,
}

/// How many gap examples to keep.
pub const GAP_EXAMPLES: usize = 5;

/// Analyses `rules` over its whole answer space.
pub fn analyse(rules: &RuleSet) -> Result<Analysis, TooLarge> {
    let space = AnswerSpace::new(rules)?;
    let mut fired = vec![false; rules.rules.len()];
    let mut gap = vec![false; space.len()];
    let mut gaps = 0;
    let mut contradictions: BTreeMap<(usize, usize, usize), Contradiction> = BTreeMap::new();
    let sources_of: Vec<BTreeSet<usize>> = rules
        .rules
        .iter()
        .map(|r| r.citations.iter().map(|c| c.source).collect())
        .collect();
    for (position, answers) in space.iter(rules).enumerate() {
        let indices: Vec<usize> = (0..rules.rules.len())
            .filter(|&i| rules.rules[i].matches(&answers))
            .collect();
        for &i in &indices {
            fired[i] = true;
        }
        let weight = space.weight(position);
        if !indices
            .iter()
            .any(|&i| rules.rules[i].level.decides_outcome())
        {
            gap[position] = true;
            gaps += weight;
        }
        let passes = indices
            .iter()
            .filter(|&&i| rules.rules[i].level == Level::MayBeSuitable);
        for &pass in passes {
            let cautions = indices.iter().filter(|&&i| {
                let r = &rules.rules[i];
                r.level < Level::MayBeSuitable && r.conflict.is_none()
            });
            for &caution in cautions {
                let shared = sources_of[caution].intersection(&sources_of[pass]);
                for &source in shared {
                    contradictions
                        .entry((source, pass, caution))
                        .and_modify(|c| c.count += weight)
                        .or_insert_with(|| Contradiction {
                            source,
                            pass_rule: pass,
                            caution_rule: caution,
                            count: weight,
                            example: space.describe(rules, position),
                        });
                }
            }
        }
    }
    let mut masked = Vec::new();
    for (i, rule) in rules.rules.iter().enumerate() {
        let by = rules.rules.iter().enumerate().find(|(j, other)| {
            *j != i
                && other.when == rule.when
                && other.level < rule.level
                && rule.level.decides_outcome()
        });
        if let Some((j, _)) = by {
            masked.push((i, j));
        }
    }
    Ok(Analysis {
        combinations: space.combinations(),
        gaps,
        gap_examples: space.compact(rules, &gap, GAP_EXAMPLES),
        never_fire: (0..rules.rules.len()).filter(|&i| !fired[i]).collect(),
        masked,
        contradictions: contradictions.into_values().collect(),
        disagreements: (0..rules.rules.len())
            .filter(|&i| fired[i] && rules.rules[i].conflict.is_some())
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> RuleSet {
        RuleSet::embedded().unwrap()
    }

    fn index(rules: &RuleSet, id: &str) -> usize {
        rules.rules.iter().position(|r| r.id == id).unwrap()
    }

    #[test]
    fn age_bands_split_at_every_rule_bound() {
        let rules = rules();
        let space = AnswerSpace::new(&rules).unwrap();
        let age = rules.question_index("age").unwrap();
        // Rules use max 17, min 18, and 40 to 65.
        assert_eq!(space.bands[age], [(0, 17), (18, 39), (40, 65), (66, 120)]);
        // 127 + 1 valid warning-sign combinations (any non-empty subset of
        // the seven signs, or `none` alone), 11 conditions, 4 severities,
        // 4 age bands, 3 infection answers, 31 + 1 valid treatment
        // combinations.
        assert_eq!(space.combinations(), 128 * 11 * 4 * 4 * 3 * 32);
        assert_eq!(space.iter(&rules).count(), space.len());
    }

    #[test]
    fn several_choice_combinations_fall_into_classes_the_rules_treat_alike() {
        let rules = rules();
        let space = AnswerSpace::new(&rules).unwrap();
        let q = rules.question_index("prior_treatments").unwrap();
        let (all, _) = representatives(&rules, q).unwrap();
        let classes = &space.classes[q];
        // The rules only ask whether rest or physical therapy was tried.
        assert_eq!(classes.len(), 2);
        assert_eq!(classes.iter().map(Vec::len).sum::<usize>(), all.len());
        for class in classes {
            for rule in &rules.rules {
                for m in rule.when.iter().filter(|m| m.question == q) {
                    let first = m.test.matches(&class[0]);
                    assert!(class.iter().all(|v| m.test.matches(v) == first));
                }
            }
        }
        let weights: usize = (0..space.len()).map(|p| space.weight(p)).sum();
        assert_eq!(weights, space.combinations());
    }

    #[test]
    fn refuses_spaces_too_large_to_enumerate() {
        let mut rules = rules();
        let treatments = rules.question_index("prior_treatments").unwrap();
        let QuestionKind::Multi(options) = &mut rules.questions[treatments].kind else {
            panic!("prior_treatments is a several-choice question");
        };
        let template = options[0].clone();
        options.extend((0..40).map(|i| crate::ruleset::AnswerOption {
            id: format!("extra-{i}"),
            ..template.clone()
        }));
        let err = AnswerSpace::new(&rules).unwrap_err();
        assert!(
            err.to_string()
                .contains("`prior_treatments` has 46 options"),
            "{err}"
        );
        // Many small questions: each fine, the product too large.
        let mut rules = RuleSet::embedded().unwrap();
        let extra = rules.questions[rules.question_index("condition").unwrap()].clone();
        rules.questions.extend((0..4).map(|_| extra.clone()));
        assert!(AnswerSpace::new(&rules).is_err());
    }

    /// The built-in rule files and one more, `extra.toml`.
    fn with_extra(extra: &str) -> RuleSet {
        let mut files: Vec<crate::ruleset::RuleFile> = crate::ruleset::EMBEDDED_FILES
            .iter()
            .map(|(name, text)| crate::ruleset::RuleFile {
                name: (*name).to_owned(),
                text: (*text).to_owned(),
            })
            .collect();
        files.push(crate::ruleset::RuleFile {
            name: "extra.toml".to_owned(),
            text: extra.to_owned(),
        });
        match RuleSet::from_files(files) {
            Ok(rules) => rules,
            Err(e) => panic!("{e}"),
        }
    }

    /// A several-choice question `id` with options `o0`, `o1`, ...
    fn several(id: &str, options: usize) -> String {
        let mut text = format!(
            "[[question]]\nid = \"{id}\"\nkind = \"multi\"\nprompt = \"P?\"\nhelp = \"H.\"\n"
        );
        for o in 0..options {
            text.push_str(&format!(
                "[[question.option]]\nid = \"o{o}\"\nlabel = \"O {o}\"\n"
            ));
        }
        text
    }

    /// A rule on question `id` that fires when option `o` is chosen.
    fn rule_on(id: &str, o: usize) -> String {
        format!(
            "[[rule]]\nid = \"{id}-o{o}\"\nlevel = \"info\"\n\
             message = \"The Defiage blog post speaks of this.\"\n\
             when.{id} = {{ any = [\"o{o}\"] }}\n\
             cite = [{{ source = \"defiage\", quote = \"Knee osteoarthritis\" }}]\n"
        )
    }

    #[test]
    fn number_bounds_at_the_ends_of_i64_do_not_overflow() {
        let rules = with_extra(
            "[[question]]\nid = \"n\"\nkind = \"number\"\nprompt = \"P?\"\nhelp = \"H.\"\n\
             min = -9223372036854775808\nmax = 9223372036854775807\n\n\
             [[rule]]\nid = \"top\"\nlevel = \"clinician-review\"\n\
             message = \"The Defiage blog post speaks of this.\"\n\
             when.n = { min = 9223372036854775807 }\n\
             cite = [{ source = \"defiage\", quote = \"Knee osteoarthritis\" }]\n",
        );
        let n = rules.question_index("n").unwrap();
        let (values, bands) = representatives(&rules, n).unwrap();
        assert_eq!(bands, [(i64::MIN, i64::MAX - 1), (i64::MAX, i64::MAX)]);
        assert_eq!(values, [Value::Number(i64::MIN), Value::Number(i64::MAX)]);
        let analysis = analyse(&rules).unwrap();
        let embedded = AnswerSpace::new(&RuleSet::embedded().unwrap()).unwrap();
        assert_eq!(analysis.combinations, embedded.combinations() * 2);
        assert_eq!(analysis.never_fire, Vec::<usize>::new());
    }

    #[test]
    fn a_count_too_large_to_hold_is_too_large_not_wrapped() {
        // Five questions of 16 options: (2^16 - 1)^5 combinations, more than
        // a 64-bit count holds, though no rule tells any of them apart.
        let extra: String = (0..5).map(|q| several(&format!("q{q}"), 16)).collect();
        let rules = with_extra(&extra);
        let err = AnswerSpace::new(&rules).unwrap_err();
        assert!(err.to_string().contains("too large to count"), "{err}");
        assert!(analyse(&rules).is_err());
        // Two fit, and are counted exactly.
        let extra: String = (0..2).map(|q| several(&format!("q{q}"), 16)).collect();
        let space = AnswerSpace::new(&with_extra(&extra)).unwrap();
        let embedded = AnswerSpace::new(&RuleSet::embedded().unwrap()).unwrap();
        assert_eq!(
            space.combinations(),
            embedded.combinations() * 65535usize.pow(2)
        );
    }

    #[test]
    fn too_large_is_decided_before_the_later_questions_are_enumerated() {
        // Two questions whose 65535 combinations the rules all tell apart
        // make more than MAX_COMBINATIONS positions, so the third, which has
        // too many options to enumerate at all, is never reached.
        let mut extra = String::new();
        for q in ["a", "b"] {
            extra.push_str(&several(q, 16));
            for o in 0..16 {
                extra.push_str(&rule_on(q, o));
            }
        }
        extra.push_str(&several("c", 17));
        let rules = with_extra(&extra);
        let a = rules.question_index("a").unwrap();
        let (values, _) = representatives(&rules, a).unwrap();
        assert_eq!(classes_of(&rules, a, values).len(), 65535);
        let err = AnswerSpace::new(&rules).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "the answer space is too large to analyse exhaustively: more than {MAX_COMBINATIONS} combinations of answers"
            )
        );
    }

    #[test]
    fn finds_gaps_as_compact_boxes_that_cover_them() {
        let mut rules = rules();
        rules.rules.retain(|r| r.id != "condition-not-listed");
        let analysis = analyse(&rules).unwrap();
        assert_eq!(
            analysis.gap_examples,
            [
                "warning_signs=none, condition=other, severity=mild|moderate|severe, \
                 age=18-120, active_infection=no, prior_treatments=*"
            ],
            "warning signs, under 18, an infection and an unsure severity are still covered"
        );
        // The one box covers every gap: no warning sign, 3 severities, 3
        // adult age bands, one infection answer and all 32 treatment
        // combinations.
        assert_eq!(analysis.gaps, 3 * 3 * 32);
    }

    #[test]
    fn gap_boxes_contain_only_gaps_and_cover_distinct_ones() {
        let rules = rules();
        let space = AnswerSpace::new(&rules).unwrap();
        // Mark an irregular region: condition=other, or an age under 18 with
        // an infection answer of "no".
        let condition = rules.question_index("condition").unwrap();
        let other = rules.questions[condition].option_index("other").unwrap();
        let infection = rules.question_index("active_infection").unwrap();
        let no = rules.questions[infection].option_index("no").unwrap();
        let inside: Vec<bool> = space
            .iter(&rules)
            .map(|a| {
                *a.value(condition) == Value::Choice(other)
                    || (*a.value(rules.question_index("age").unwrap()) == Value::Number(0)
                        && *a.value(infection) == Value::Choice(no))
            })
            .collect();
        let boxes = space.compact(&rules, &inside, 10);
        assert_eq!(
            boxes,
            [
                "warning_signs=*, condition=*, severity=*, age=0-17, active_infection=no, \
                 prior_treatments=*",
                "warning_signs=*, condition=other, severity=*, age=*, active_infection=*, \
                 prior_treatments=*",
            ]
        );
        assert_eq!(
            space.compact(&rules, &inside, 1).len(),
            1,
            "the limit holds"
        );
    }

    #[test]
    fn finds_rules_that_never_fire_and_rules_masked_by_a_more_serious_twin() {
        let mut rules = rules();
        // Needs a treatment both in `all` and in `none`: impossible.
        let sports = index(&rules, "jmc-sports-injury-after-rest-or-therapy");
        let treatments = rules.question_index("prior_treatments").unwrap();
        rules.rules[sports]
            .when
            .retain(|m| m.question != treatments);
        rules.rules[sports].when.push(crate::ruleset::Matcher {
            question: treatments,
            test: Test::Several {
                any: OptionSet::default(),
                all: OptionSet::from_indices([0]),
                none: OptionSet::from_indices([0]),
            },
        });
        // A copy of the infection rule at a less serious level.
        let infection = index(&rules, "active-infection");
        let mut twin = rules.rules[infection].clone();
        twin.id = "twin".into();
        twin.level = Level::ClinicianReview;
        rules.rules.push(twin);
        let analysis = analyse(&rules).unwrap();
        assert_eq!(analysis.never_fire, [sports]);
        assert_eq!(analysis.masked, [(rules.rules.len() - 1, infection)]);
    }

    #[test]
    fn finds_a_source_citing_both_a_pass_and_a_caution() {
        let mut rules = rules();
        // Let the Defiage knee rule fire with an active infection too.
        let knee = index(&rules, "defiage-knee-osteoarthritis");
        let infection = rules.question_index("active_infection").unwrap();
        rules.rules[knee].when.retain(|m| m.question != infection);
        let analysis = analyse(&rules).unwrap();
        let found: Vec<(&str, &str, &str)> = analysis
            .contradictions
            .iter()
            .map(|c| {
                (
                    rules.sources[c.source].id.as_str(),
                    rules.rules[c.pass_rule].id.as_str(),
                    rules.rules[c.caution_rule].id.as_str(),
                )
            })
            .collect();
        assert!(
            found.contains(&("defiage", "defiage-knee-osteoarthritis", "active-infection")),
            "{found:?}"
        );
        assert!(
            analysis
                .contradictions
                .iter()
                .all(|c| c.count > 0 && c.example.contains("condition=knee-arthritis"))
        );
    }
}
