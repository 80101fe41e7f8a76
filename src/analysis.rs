//! Exhaustive analysis of a rule set over its whole answer space.
//!
//! Every question has finitely many answers that the rules can tell apart:
//! each option of a choice question, each class of several-choice
//! combinations that every test treats alike, one age per band between the
//! bounds any rule or `ask_when` uses, and, for a question with an
//! `ask_when`, [`Value::Unasked`]. An answer set is valid when no question
//! is unasked while its `ask_when` holds on the earlier answers (an answer
//! given to a question that is not asked is valid, and evaluated).
//!
//! The checks never enumerate the product of the questions' answers. What an
//! answer set does depends only on which rules match it (and whether an
//! answer is "not sure" or a question unasked), and a rule matches when each
//! question's answer passes that rule's test on it. So each representative
//! answer carries the set of rules it lets through, and a dynamic program
//! walks the questions in order keeping, for every distinct set of "bits
//! still alive" (rules that can still match, `ask_when`s that still hold,
//! the flags), how many answer sets reach it and the first of them. Equal
//! sets merge, bits no later question can change are folded away when a
//! check does not need them, so the work grows with the number of distinct
//! states, not with the product. Every check is exact, not sampled.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::answers::{AnswerSet, Answers, Value, check_several};
use crate::level::Level;
use crate::ruleset::{OptionSet, QuestionKind, RuleSet, Test};

/// The most distinct states the analysis keeps after any question: sets of
/// rules still able to match (with the `ask_when`s still holding and the
/// flags a check needs). The built-in rules need a few hundred (3,712
/// final classes when every rule is kept apart).
pub const MAX_STATES: usize = 100_000;

/// The most 64-bit words the states after one question may take: a state
/// has a bit per rule it tracks, so with many rules fewer states fit. With
/// the maps that index them, a pass's memory stays under about 100 MB.
pub const MAX_STATE_WORDS: usize = 4_000_000;

/// The most work of a whole analysis, every pass of `rules check` together
/// (counting rules, gap examples and each pair of rules a contradiction
/// check compares): a state meeting one answer costs one unit per 64-bit
/// word of its key. About two seconds on one core; the built-in rules take
/// about 200,000.
pub const MAX_WORK: u64 = 100_000_000;

/// What an analysis may spend: [`MAX_WORK`] and [`MAX_STATE_WORDS`]
/// (smaller in tests, to reach them).
#[derive(Debug, Clone, Copy)]
struct Budget {
    work: u64,
    state_words: usize,
}

const BUDGET: Budget = Budget {
    work: MAX_WORK,
    state_words: MAX_STATE_WORDS,
};

/// The most pairs of a `may-be-suitable` rule and a more serious one citing
/// the same source that the contradiction check compares, one pass each.
/// The built-in rules have about a hundred.
pub const MAX_PAIRS: usize = 10_000;

/// The most options of a several-choice question whose combinations are
/// enumerated (2^16 subsets).
pub const MAX_SEVERAL_OPTIONS: usize = 16;

/// The answer space is too large to analyse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the answer space is too large to analyse exhaustively: {0}")]
pub struct TooLarge(pub String);

fn too_large_to_count() -> TooLarge {
    TooLarge("the number of answer combinations is too large to count".to_owned())
}

/// A box of answer sets: for each question, value indices in increasing
/// order.
type Cube = Vec<Vec<usize>>;

/// A set of bits of any size (rules, `ask_when`s, boxes, flags).
type Key = Box<[u64]>;

fn words(bits: usize) -> usize {
    bits.div_ceil(64)
}

fn bit(key: &[u64], i: usize) -> bool {
    key[i / 64] >> (i % 64) & 1 == 1
}

fn put(key: &mut [u64], i: usize) {
    key[i / 64] |= 1 << (i % 64);
}

/// One question's answers as the analysis sees them.
#[derive(Debug, Clone)]
struct Answered {
    /// The representatives, then [`Value::Unasked`] for a question with an
    /// `ask_when`.
    values: Vec<Value>,
    /// How many answers each representative stands for: a class's size, 1
    /// for an option, a band of numbers or Unasked.
    weights: Vec<usize>,
    /// For a number question, each representative's band, in the order of
    /// `values` (Unasked, last, has none).
    bands: Vec<Band>,
    /// For a several-choice question, the combinations each representative
    /// stands for (itself first); empty for other questions.
    classes: Vec<Vec<Value>>,
    /// Whether each representative is "not sure".
    unsure: Vec<bool>,
    /// For each representative, `rule_words` words: bit `r` is set when
    /// every test of rule `r` on this question accepts it (or there is none).
    accepts: Vec<u64>,
    /// For each representative, `ask_words` words: bit `a` is set when
    /// every `ask_when` matcher on this question of the `a`-th question
    /// with an `ask_when` accepts it.
    asks: Vec<u64>,
}

/// The answers the rules can tell apart, question by question, with what
/// each lets through; see the module documentation.
#[derive(Debug)]
pub struct AnswerSpace {
    questions: Vec<Answered>,
    /// The questions with an `ask_when`, in order.
    asking: Vec<usize>,
    /// For each question, its place in `asking`.
    ask_slot: Vec<Option<usize>>,
    /// For each rule, the last question it tests (`None`: it tests none).
    last: Vec<Option<usize>>,
    rule_words: usize,
    ask_words: usize,
    /// How many valid answer sets the space holds.
    combinations: usize,
    /// The work its passes have done so far, against `budget.work`.
    work: std::sync::atomic::AtomicU64,
    /// What all its passes may spend together.
    budget: Budget,
}

/// One class of answer sets that every rule, the "not sure" check and the
/// "not asked" check treat alike, so they all evaluate alike.
#[derive(Debug, Clone)]
pub struct Class {
    /// How many answer sets it holds.
    pub weight: usize,
    /// The first of them (in question order, each question's answers in the
    /// order of [`AnswerSpace::values`]).
    pub example: AnswerSet,
}

/// Every class of the answer space: see [`AnswerSpace::classes`].
#[derive(Debug, Clone)]
pub struct Classes {
    classes: Vec<Class>,
    index: HashMap<Key, usize>,
    masks: Vec<Vec<Key>>,
    start: Key,
    /// The rules settled once each question is answered (index `q + 1`;
    /// `0`: rules that test nothing), as in the pass.
    settled: Vec<Vec<u64>>,
    layout: Layout,
    levels: Vec<usize>,
}

impl Classes {
    /// How many classes.
    pub fn len(&self) -> usize {
        self.classes.len()
    }

    /// Whether there are none (the space is empty).
    pub fn is_empty(&self) -> bool {
        self.classes.is_empty()
    }

    /// Every class, ordered by its example.
    pub fn iter(&self) -> std::slice::Iter<'_, Class> {
        self.classes.iter()
    }

    /// The class of a valid answer set: `None` when an answer lies outside
    /// the space or a question is unasked while its `ask_when` holds.
    pub fn of(&self, space: &AnswerSpace, rules: &RuleSet, answers: &AnswerSet) -> Option<&Class> {
        let indices = space.indices_of(rules, answers)?;
        let mut key = self.start.clone();
        fold_levels(&mut key, &self.settled[0], self.layout, &self.levels);
        for (q, &v) in indices.iter().enumerate() {
            for (k, m) in key.iter_mut().zip(self.masks[q][v].iter()) {
                *k &= m;
            }
            fold_levels(&mut key, &self.settled[q + 1], self.layout, &self.levels);
        }
        self.index.get(&key).map(|&i| &self.classes[i])
    }
}

/// The index in [`Level::ALL`] of each tracked rule's level.
fn levels_of(rules: &RuleSet, tracked: &[usize]) -> Vec<usize> {
    tracked
        .iter()
        .map(|&r| {
            Level::ALL
                .iter()
                .position(|l| *l == rules.rules[r].level)
                .unwrap_or_else(|| unreachable!("every level is in Level::ALL"))
        })
        .collect()
}

/// [`Fold::Levels`]: each tracked rule settled now (its last tested
/// question answered) leaves the state, setting its level's bit if it
/// matched.
fn fold_levels(key: &mut [u64], settled: &[u64], layout: Layout, levels: &[usize]) {
    for (i, &level) in levels.iter().enumerate() {
        if bit(settled, i) && bit(key, i) {
            put(key, layout.level(level));
        }
    }
    for (k, s) in key.iter_mut().zip(settled) {
        *k &= !s;
    }
}

/// What a pass over the questions folds away after each question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fold {
    /// Nothing: the final states are the classes.
    Keep,
    /// Once a tracked rule is sure to match, the answer set is decided: its
    /// rule bits go and the `decided` bit is set (gaps).
    Decided,
    /// Once a tracked rule is sure to match, it is recorded as fired and
    /// its bit goes (rules that never fire).
    Retire,
    /// Once a tracked rule is settled, its bit goes, and if it matched, the
    /// bit of its level is set: the final states tell apart only which
    /// levels matched (and the flags), which is all an outcome depends on
    /// (classes).
    Levels,
}

/// One pass over the questions: what it tracks.
#[derive(Debug, Clone, Copy)]
struct Query<'a> {
    /// The rules whose bits are kept, by index.
    tracked: &'a [usize],
    /// Boxes (per question, value indices): a bit per box, set while the
    /// answer set lies inside it.
    boxes: &'a [Vec<Vec<usize>>],
    /// Only these value indices of each question (a box), or all.
    within: Option<&'a [Vec<usize>]>,
    /// Whether the "not sure" and "not asked" flags split states.
    flags: bool,
    fold: Fold,
    /// A question whose value index is kept in the state, so the result
    /// tells its answers apart.
    tag: Option<usize>,
}

impl Query<'_> {
    fn new(tracked: &[usize], fold: Fold) -> Query<'_> {
        Query {
            tracked,
            boxes: &[],
            within: None,
            flags: false,
            fold,
            tag: None,
        }
    }
}

/// Where each kind of bit lives in a state.
#[derive(Debug, Clone, Copy)]
struct Layout {
    rules: usize,
    asks: usize,
    boxes: usize,
}

impl Layout {
    fn ask(&self, a: usize) -> usize {
        self.rules + a
    }
    fn boxed(&self, b: usize) -> usize {
        self.rules + self.asks + b
    }
    /// Cleared by a "not sure" answer.
    fn sure(&self) -> usize {
        self.rules + self.asks + self.boxes
    }
    /// Cleared by an unasked question.
    fn given(&self) -> usize {
        self.sure() + 1
    }
    /// Set once a tracked rule is sure to match ([`Fold::Decided`]).
    fn decided(&self) -> usize {
        self.sure() + 2
    }
    /// Set once a rule of level `l` (its index in [`Level::ALL`]) is sure
    /// to match ([`Fold::Levels`]).
    fn level(&self, l: usize) -> usize {
        self.sure() + 3 + l
    }
    fn bits(&self) -> usize {
        self.sure() + 3 + Level::ALL.len()
    }
}

/// A final state of a pass.
#[derive(Debug, Clone)]
struct State {
    key: Key,
    weight: usize,
    /// The first answer set reaching it, as value indices.
    example: Vec<usize>,
}

/// The result of a pass.
#[derive(Debug, Clone)]
struct Run {
    layout: Layout,
    /// The final states, ordered by their examples.
    states: Vec<State>,
    /// With [`Fold::Retire`], which tracked rules matched some answer set.
    fired: Vec<bool>,
    /// The value index a state's tag holds (with [`Query::tag`]).
    tag_word: Option<usize>,
}

impl Run {
    fn has(&self, state: &State, i: usize) -> bool {
        bit(&state.key, i)
    }
    fn tag(&self, state: &State) -> Option<usize> {
        self.tag_word
            .and_then(|w| usize::try_from(state.key[w]).ok())
    }
}

impl AnswerSpace {
    /// The space of `rules`, or why it is too large to analyse: a
    /// several-choice question with more than [`MAX_SEVERAL_OPTIONS`]
    /// options, more than [`MAX_STATES`] states (or [`MAX_STATE_WORDS`]
    /// words of them), more than [`MAX_WORK`], or a number of valid answer
    /// sets too large to count. Every later pass over the space counts
    /// against the same [`MAX_WORK`].
    pub fn new(rules: &RuleSet) -> Result<AnswerSpace, TooLarge> {
        AnswerSpace::within(rules, BUDGET)
    }

    /// [`AnswerSpace::new`] with `budget` in place of the limits.
    fn within(rules: &RuleSet, budget: Budget) -> Result<AnswerSpace, TooLarge> {
        let count = rules.questions.len();
        let mut asking = Vec::new();
        let mut ask_slot = vec![None; count];
        for (q, question) in rules.questions.iter().enumerate() {
            if !question.ask_when.is_empty() {
                ask_slot[q] = Some(asking.len());
                asking.push(q);
            }
        }
        let rule_words = words(rules.rules.len());
        let ask_words = words(asking.len());
        // Answering every question is always valid, so the product of the
        // numbers of answers is at most the count: once it is too large to
        // hold, so is the count, and no question is classified, nor any
        // later one enumerated.
        let mut answered = 1usize;
        let mut answers = Vec::with_capacity(count);
        for q in 0..count {
            let (all, bands) = representatives(rules, q)?;
            answered = answered
                .checked_mul(all.len())
                .ok_or_else(too_large_to_count)?;
            answers.push((all, bands));
        }
        let mut questions = Vec::with_capacity(count);
        for (q, (all, bands)) in answers.into_iter().enumerate() {
            let question = &rules.questions[q];
            let (mut values, mut weights, classes) =
                if matches!(question.kind, QuestionKind::Multi(_)) {
                    let grouped = classes_of(rules, q, all);
                    let values: Vec<Value> = grouped.iter().map(|class| class[0]).collect();
                    let weights = grouped.iter().map(Vec::len).collect();
                    (values, weights, grouped)
                } else {
                    let weights = vec![1; all.len()];
                    (all, weights, Vec::new())
                };
            if !question.ask_when.is_empty() {
                values.push(Value::Unasked);
                weights.push(1);
            }
            let unsure_options = question.unsure_options();
            let unsure = values
                .iter()
                .map(|v| match v {
                    Value::Choice(i) => unsure_options.contains(*i),
                    Value::Several(set) => unsure_options.intersects(*set),
                    Value::Number(_) | Value::Unasked => false,
                })
                .collect();
            // Every rule lets every value through, but for its tests here.
            let mut accepts = vec![u64::MAX; values.len() * rule_words];
            for (r, rule) in rules.rules.iter().enumerate() {
                for m in rule.when.iter().filter(|m| m.question == q) {
                    for (v, value) in values.iter().enumerate() {
                        if !m.test.matches(value) {
                            accepts[v * rule_words + r / 64] &= !(1 << (r % 64));
                        }
                    }
                }
            }
            let mut asks = vec![u64::MAX; values.len() * ask_words];
            for (a, &p) in asking.iter().enumerate() {
                for m in rules.questions[p]
                    .ask_when
                    .iter()
                    .filter(|m| m.question == q)
                {
                    for (v, value) in values.iter().enumerate() {
                        if !m.test.matches(value) {
                            asks[v * ask_words + a / 64] &= !(1 << (a % 64));
                        }
                    }
                }
            }
            questions.push(Answered {
                values,
                weights,
                bands,
                classes,
                unsure,
                accepts,
                asks,
            });
        }
        let last = rules
            .rules
            .iter()
            .map(|rule| rule.when.iter().map(|m| m.question).max())
            .collect();
        let mut space = AnswerSpace {
            questions,
            asking,
            ask_slot,
            last,
            rule_words,
            ask_words,
            combinations: 0,
            work: std::sync::atomic::AtomicU64::new(0),
            budget,
        };
        let run = space.run(rules, &Query::new(&[], Fold::Keep))?;
        space.combinations = run.states.iter().try_fold(0usize, |sum, s| {
            sum.checked_add(s.weight).ok_or_else(too_large_to_count)
        })?;
        Ok(space)
    }

    /// How many valid answer sets the space holds (a band of numbers
    /// counting one, an unasked question one), counted without overflow.
    pub fn combinations(&self) -> usize {
        self.combinations
    }

    /// Whether the space is empty (a question with no valid answer).
    pub fn is_empty(&self) -> bool {
        self.combinations == 0
    }

    /// The work its passes have done so far (see [`MAX_WORK`]).
    pub fn work(&self) -> u64 {
        self.work.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The representative answers of question `question`, then
    /// [`Value::Unasked`] if it has an `ask_when`.
    pub fn values(&self, question: usize) -> &[Value] {
        &self.questions[question].values
    }

    /// Every class of answer sets whose matching rules have the same
    /// levels, with the same "not sure" and "not asked" flags, each with
    /// its size and first answer set: what the exhaustive tests evaluate.
    /// The outcome depends on nothing else, except the `unasked-question`
    /// fallback, which also depends on which rules wait on an unasked
    /// question: its own tests (`tests/branching.rs`, the evaluator's)
    /// cover it. Too large when there are more than [`MAX_STATES`] states.
    pub fn classes(&self, rules: &RuleSet) -> Result<Classes, TooLarge> {
        let all: Vec<usize> = (0..rules.rules.len()).collect();
        let query = Query {
            flags: true,
            ..Query::new(&all, Fold::Levels)
        };
        let run = self.run(rules, &query)?;
        let (masks, start) = self.masks(&query, run.layout);
        let mut settled = vec![vec![0u64; start.len()]; self.questions.len() + 1];
        for (i, &r) in all.iter().enumerate() {
            put(&mut settled[self.last[r].map_or(0, |q| q + 1)], i);
        }
        let mut index = HashMap::with_capacity(run.states.len());
        let mut classes = Vec::with_capacity(run.states.len());
        for state in run.states {
            index.insert(state.key, classes.len());
            classes.push(Class {
                weight: state.weight,
                example: self.answer_set(rules, &state.example),
            });
        }
        Ok(Classes {
            classes,
            index,
            masks,
            start,
            settled,
            layout: run.layout,
            levels: levels_of(rules, &all),
        })
    }

    /// The answer set of these value indices.
    fn answer_set(&self, rules: &RuleSet, indices: &[usize]) -> AnswerSet {
        let mut answers = Answers::new(rules);
        for (q, &v) in indices.iter().enumerate() {
            match self.questions[q].values[v] {
                Value::Unasked => {}
                value => answers.set(q, value),
            }
        }
        let mut set = AnswerSet::buffer();
        // A state's example is valid: every open question is unasked.
        if answers.complete_into(rules, &mut set).is_err() {
            unreachable!("an example answer set is valid")
        }
        set
    }

    /// The value index standing for each answer (its band, its class, or
    /// itself), or `None` if an answer lies outside the space or the
    /// answer set is not valid (a question unasked while its `ask_when`
    /// holds).
    fn indices_of(&self, rules: &RuleSet, answers: &AnswerSet) -> Option<Vec<usize>> {
        let mut indices = Vec::with_capacity(self.questions.len());
        for (q, value) in answers.values().iter().enumerate() {
            let question = self.questions.get(q)?;
            let index = match value {
                // Only a number question has bands, and only a
                // several-choice question classes: another's answer of
                // that kind is in none, as it is in none of its values.
                Value::Number(n) => question
                    .bands
                    .iter()
                    .position(|(low, high)| (*low..=*high).contains(n))?,
                Value::Several(_) => question
                    .classes
                    .iter()
                    .position(|class| class.contains(value))?,
                Value::Unasked => {
                    let ask_when = &rules.questions.get(q)?.ask_when;
                    if ask_when
                        .iter()
                        .all(|m| m.test.matches(answers.value(m.question)))
                    {
                        return None;
                    }
                    question.values.iter().position(|v| v == value)?
                }
                _ => question.values.iter().position(|v| v == value)?,
            };
            indices.push(index);
        }
        (indices.len() == self.questions.len()).then_some(indices)
    }

    /// The representative answer set that stands for `answers`: each
    /// number replaced by the first number of its band, each several-choice
    /// combination by the first member of its class. `None` if an answer
    /// lies outside the space or the answer set is not valid.
    pub fn representative_of(&self, rules: &RuleSet, answers: &AnswerSet) -> Option<AnswerSet> {
        let indices = self.indices_of(rules, answers)?;
        Some(self.answer_set(rules, &indices))
    }

    /// Per question and value, the mask a state is ANDed with; and the
    /// start state.
    fn masks(&self, query: &Query<'_>, layout: Layout) -> (Vec<Vec<Key>>, Key) {
        let n = words(layout.bits()) + usize::from(query.tag.is_some());
        let masks = self
            .questions
            .iter()
            .enumerate()
            .map(|(q, question)| {
                let all: Vec<usize>;
                let picks: &[usize] = match query.within {
                    Some(within) => &within[q],
                    None => {
                        all = (0..question.values.len()).collect();
                        &all
                    }
                };
                // Values outside `within` are never used: an empty mask.
                let mut masks = vec![Key::default(); question.values.len()];
                for &v in picks {
                    let mut mask = vec![0u64; n];
                    let accepts = &question.accepts[v * self.rule_words..];
                    for (i, &r) in query.tracked.iter().enumerate() {
                        if bit(accepts, r) {
                            put(&mut mask, i);
                        }
                    }
                    let asks = &question.asks[v * self.ask_words..];
                    for (a, &p) in self.asking.iter().enumerate() {
                        // Its own bit is spent once the question is answered.
                        if p != q && bit(asks, a) {
                            put(&mut mask, layout.ask(a));
                        }
                    }
                    for (b, cube) in query.boxes.iter().enumerate() {
                        // Boxes hold their values in increasing order.
                        if cube[q].binary_search(&v).is_ok() {
                            put(&mut mask, layout.boxed(b));
                        }
                    }
                    if !query.flags || !question.unsure[v] {
                        put(&mut mask, layout.sure());
                    }
                    if !query.flags || question.values[v].is_given() {
                        put(&mut mask, layout.given());
                    }
                    put(&mut mask, layout.decided());
                    for l in 0..Level::ALL.len() {
                        put(&mut mask, layout.level(l));
                    }
                    if query.tag.is_some() {
                        mask[n - 1] = u64::MAX;
                    }
                    masks[v] = mask.into_boxed_slice();
                }
                masks
            })
            .collect();
        let mut start = vec![0u64; n];
        for i in 0..layout.decided() {
            put(&mut start, i);
        }
        (masks, start.into_boxed_slice())
    }

    /// One pass of the dynamic program over the questions, in order.
    fn run(&self, rules: &RuleSet, query: &Query<'_>) -> Result<Run, TooLarge> {
        let layout = Layout {
            rules: query.tracked.len(),
            asks: self.asking.len(),
            boxes: query.boxes.len(),
        };
        let (masks, start) = self.masks(query, layout);
        let n = start.len();
        let count = self.questions.len();
        // The tracked rules sure to match or not once question `q - 1` is
        // answered (`q = 0`: rules that test nothing).
        let mut settled = vec![vec![0u64; n]; count + 1];
        for (i, &r) in query.tracked.iter().enumerate() {
            put(&mut settled[self.last[r].map_or(0, |q| q + 1)], i);
        }
        let mut rule_bits = vec![0u64; n];
        for i in 0..layout.rules {
            put(&mut rule_bits, i);
        }
        let mut fired = vec![false; layout.rules];
        let levels = levels_of(rules, query.tracked);
        let mut fold = |key: &mut [u64], settled: &[u64]| match query.fold {
            Fold::Keep => {}
            Fold::Decided => {
                if key.iter().zip(settled).any(|(k, s)| k & s != 0) {
                    for (k, r) in key.iter_mut().zip(&rule_bits) {
                        *k &= !r;
                    }
                    put(key, layout.decided());
                }
            }
            Fold::Retire => {
                for (i, fired) in fired.iter_mut().enumerate() {
                    if bit(settled, i) && bit(key, i) {
                        *fired = true;
                    }
                }
                for (k, s) in key.iter_mut().zip(settled) {
                    *k &= !s;
                }
            }
            Fold::Levels => fold_levels(key, settled, layout, &levels),
        };
        let mut first = start.to_vec();
        fold(&mut first, &settled[0]);
        let mut keys: Vec<Key> = vec![first.into_boxed_slice()];
        let mut weights: Vec<usize> = vec![1];
        // For each question, each state's (previous state, value index).
        let mut back: Vec<Vec<(usize, usize)>> = Vec::with_capacity(count);
        // Work is counted in key words: a step costs `n`, and so does each
        // answer's mask made for the pass.
        let cost = n as u64;
        let values: usize = self.questions.iter().map(|q| q.values.len()).sum();
        let mut work = self
            .work
            .load(std::sync::atomic::Ordering::Relaxed)
            .saturating_add(cost.saturating_mul(values as u64));
        let mut scratch = vec![0u64; n];
        for (q, question) in self.questions.iter().enumerate() {
            let all: Vec<usize>;
            let picks: &[usize] = match query.within {
                Some(within) => &within[q],
                None => {
                    all = (0..question.values.len()).collect();
                    &all
                }
            };
            let ask = self.ask_slot[q].map(|a| layout.ask(a));
            let mut index: HashMap<Key, usize> = HashMap::new();
            let mut next_weights: Vec<usize> = Vec::new();
            let mut next_back: Vec<(usize, usize)> = Vec::new();
            let too_many = |what: &str| {
                TooLarge(format!(
                    "more than {what} at question `{}`",
                    rules.questions[q].id
                ))
            };
            for (s, key) in keys.iter().enumerate() {
                for &v in picks {
                    work += cost;
                    if work > self.budget.work {
                        self.work.store(work, std::sync::atomic::Ordering::Relaxed);
                        return Err(too_many(&format!(
                            "{} units of work in all (a state meeting an answer, per 64 \
                             rules, `ask_when`s and flags it keeps)",
                            self.budget.work
                        )));
                    }
                    // Unasked only where the `ask_when` fails.
                    if question.values[v] == Value::Unasked && ask.is_some_and(|a| bit(key, a)) {
                        continue;
                    }
                    for ((out, k), m) in scratch.iter_mut().zip(key.iter()).zip(masks[q][v].iter())
                    {
                        *out = k & m;
                    }
                    if query.tag == Some(q) {
                        scratch[n - 1] = v as u64;
                    }
                    fold(&mut scratch, &settled[q + 1]);
                    let weight = weights[s]
                        .checked_mul(question.weights[v])
                        .ok_or_else(too_large_to_count)?;
                    match index.get(&scratch[..]) {
                        Some(&i) => {
                            next_weights[i] = next_weights[i]
                                .checked_add(weight)
                                .ok_or_else(too_large_to_count)?;
                        }
                        None => {
                            if index.len() == MAX_STATES {
                                return Err(too_many(&format!("{MAX_STATES} states")));
                            }
                            if (index.len() + 1) * n > self.budget.state_words {
                                return Err(too_many(&format!(
                                    "{} words of states ({n} a state)",
                                    self.budget.state_words
                                )));
                            }
                            index.insert(scratch.clone().into_boxed_slice(), next_weights.len());
                            next_weights.push(weight);
                            next_back.push((s, v));
                        }
                    }
                }
            }
            let mut next: Vec<Key> = vec![Key::default(); next_weights.len()];
            for (key, i) in index {
                next[i] = key;
            }
            keys = next;
            weights = next_weights;
            back.push(next_back);
        }
        self.work.store(work, std::sync::atomic::Ordering::Relaxed);
        // States are numbered in order of their first example, and each
        // state's first example extends its predecessor's first.
        let states = keys
            .into_iter()
            .zip(weights)
            .enumerate()
            .map(|(i, (key, weight))| {
                let mut example = vec![0; count];
                let mut at = i;
                for q in (0..count).rev() {
                    let (previous, v) = back[q][at];
                    example[q] = v;
                    at = previous;
                }
                State {
                    key,
                    weight,
                    example,
                }
            })
            .collect();
        Ok(Run {
            layout,
            states,
            fired,
            tag_word: query.tag.map(|_| n - 1),
        })
    }

    /// How many answer sets no deciding rule matches, and up to `limit`
    /// boxes (per question, value indices in increasing order) that
    /// together cover the first of them, each containing only such answer
    /// sets and each covering one the boxes before it do not.
    fn gaps(
        &self,
        rules: &RuleSet,
        deciding: &[usize],
        limit: usize,
    ) -> Result<(usize, Vec<Cube>), TooLarge> {
        let mut boxes: Vec<Vec<Vec<usize>>> = Vec::new();
        let mut gaps = None;
        loop {
            let query = Query {
                boxes: &boxes,
                ..Query::new(deciding, Fold::Decided)
            };
            let run = self.run(rules, &query)?;
            let decided = run.layout.decided();
            if gaps.is_none() {
                gaps = Some(
                    run.states
                        .iter()
                        .filter(|s| !run.has(s, decided))
                        .try_fold(0usize, |sum, s| sum.checked_add(s.weight))
                        .ok_or_else(too_large_to_count)?,
                );
            }
            if boxes.len() >= limit {
                break;
            }
            let uncovered = run.states.iter().find(|s| {
                !run.has(s, decided) && (0..boxes.len()).all(|b| !run.has(s, run.layout.boxed(b)))
            });
            let Some(start) = uncovered else { break };
            boxes.push(self.grow(rules, deciding, &start.example)?);
        }
        Ok((gaps.unwrap_or(0), boxes))
    }

    /// Grows the gap `example` into a large box of gaps, question by
    /// question: each question takes every other value whose answer sets in
    /// the box so far are all gaps and include a valid one. One pass per
    /// question, with that question's value kept in the state.
    fn grow(
        &self,
        rules: &RuleSet,
        deciding: &[usize],
        example: &[usize],
    ) -> Result<Vec<Vec<usize>>, TooLarge> {
        let mut cube: Vec<Vec<usize>> = example.iter().map(|&v| vec![v]).collect();
        for q in 0..cube.len() {
            cube[q] = (0..self.questions[q].values.len()).collect();
            let query = Query {
                within: Some(&cube),
                tag: Some(q),
                ..Query::new(deciding, Fold::Decided)
            };
            let run = self.run(rules, &query)?;
            let mut valid = vec![false; cube[q].len()];
            let mut decided = vec![false; cube[q].len()];
            for state in &run.states {
                let Some(v) = run.tag(state) else { continue };
                valid[v] = true;
                decided[v] |= run.has(state, run.layout.decided());
            }
            cube[q] = (0..valid.len())
                .filter(|&v| v == example[q] || (valid[v] && !decided[v]))
                .collect();
        }
        Ok(cube)
    }

    /// A box of answer sets in words: `*` for any answer, alternatives
    /// joined by `|`, ages as bands (`age=18-120`), an unasked question as
    /// `(not asked)`.
    fn describe_box(&self, rules: &RuleSet, cube: &[Vec<usize>]) -> String {
        rules
            .questions
            .iter()
            .zip(cube)
            .enumerate()
            .map(|(q, (question, picks))| {
                let answered = &self.questions[q];
                let given: Vec<usize> = picks
                    .iter()
                    .copied()
                    .filter(|&v| answered.values[v].is_given())
                    .collect();
                let unasked = given.len() < picks.len();
                let every = (0..answered.values.len())
                    .filter(|&v| answered.values[v].is_given())
                    .count();
                let alternatives: usize = given.iter().map(|&v| answered.weights[v]).sum();
                let mut parts = Vec::new();
                if given.len() == every && alternatives > 1 {
                    parts.push("*".to_owned());
                } else if !given.is_empty() {
                    parts.push(self.describe_values(question, q, &given));
                }
                if unasked {
                    parts.push("(not asked)".to_owned());
                }
                format!("{}={}", question.id, parts.join("|"))
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Given answers (not Unasked) of question `q` in words.
    fn describe_values(
        &self,
        question: &crate::ruleset::Question,
        q: usize,
        picks: &[usize],
    ) -> String {
        let answered = &self.questions[q];
        let mut parts: Vec<String> = Vec::new();
        if answered.bands.is_empty() {
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
                match answered.classes.get(i) {
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
                    None => parts.push(words(&answered.values[i])),
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
                let (low, high) = (answered.bands[first].0, answered.bands[last].1);
                parts.push(if low == high {
                    low.to_string()
                } else {
                    format!("{low}-{high}")
                });
            }
        }
        parts.join("|")
    }

    /// One answer set, as value indices, in words.
    fn describe(&self, rules: &RuleSet, example: &[usize]) -> String {
        let cube: Vec<Vec<usize>> = example.iter().map(|&v| vec![v]).collect();
        self.describe_box(rules, &cube)
    }
}

/// How many combinations of a class are named when a box is described.
const CLASS_NAMED: usize = 3;

/// Groups the valid combinations of several-choice question `index` into
/// classes that no rule's test, no `ask_when` test and no "not sure" check
/// tells apart, in the order of each class's first member.
fn classes_of(rules: &RuleSet, index: usize, values: Vec<Value>) -> Vec<Vec<Value>> {
    let tests: Vec<&Test> = rules
        .rules
        .iter()
        .flat_map(|r| r.when.iter())
        .chain(rules.questions.iter().flat_map(|q| q.ask_when.iter()))
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
/// question, or one number per band between the bounds any rule or
/// `ask_when` uses (with the bands in the same order). Never
/// [`Value::Unasked`], which is not an answer.
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
            // Cut points: where some rule's or ask_when's range starts or
            // ends (one past its end, so in i128: `i64::MAX + 1` is a cut
            // point too).
            let (min, max) = (i128::from(*min), i128::from(*max));
            let mut cuts = BTreeSet::from([min, max + 1]);
            let matchers = rules
                .rules
                .iter()
                .flat_map(|r| r.when.iter())
                .chain(rules.questions.iter().flat_map(|q| q.ask_when.iter()));
            for m in matchers.filter(|m| m.question == index) {
                if let Test::Range {
                    min: low,
                    max: high,
                } = m.test
                {
                    cuts.extend([i128::from(low), i128::from(high) + 1]);
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
    /// The first of them, described.
    pub example: String,
}

/// What the analysis found.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// How many valid answer sets there are (all of them analysed).
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
    /// The work all its passes took (see [`MAX_WORK`]).
    pub work: u64,
}

/// How many gap examples to keep.
pub const GAP_EXAMPLES: usize = 5;

/// Analyses `rules` over its whole answer space.
pub fn analyse(rules: &RuleSet) -> Result<Analysis, TooLarge> {
    analyse_within(rules, BUDGET)
}

/// [`analyse`] with `budget` in place of the limits.
fn analyse_within(rules: &RuleSet, budget: Budget) -> Result<Analysis, TooLarge> {
    let space = AnswerSpace::within(rules, budget)?;
    let all: Vec<usize> = (0..rules.rules.len()).collect();
    let fired = space.run(rules, &Query::new(&all, Fold::Retire))?.fired;
    let deciding: Vec<usize> = all
        .iter()
        .copied()
        .filter(|&i| rules.rules[i].level.decides_outcome())
        .collect();
    let (gaps, boxes) = space.gaps(rules, &deciding, GAP_EXAMPLES)?;
    let gap_examples = boxes
        .iter()
        .map(|cube| space.describe_box(rules, cube))
        .collect();
    let sources_of: Vec<BTreeSet<usize>> = rules
        .rules
        .iter()
        .map(|r| r.citations.iter().map(|c| c.source).collect())
        .collect();
    let mut contradictions: BTreeMap<(usize, usize, usize), Contradiction> = BTreeMap::new();
    let passes: Vec<usize> = all
        .iter()
        .copied()
        .filter(|&i| fired[i] && rules.rules[i].level == Level::MayBeSuitable)
        .collect();
    let cautions: Vec<usize> = all
        .iter()
        .copied()
        .filter(|&i| {
            let r = &rules.rules[i];
            fired[i] && r.level < Level::MayBeSuitable && r.conflict.is_none()
        })
        .collect();
    let mut pairs: Vec<(usize, usize, Vec<usize>)> = Vec::new();
    for &pass in &passes {
        for &caution in &cautions {
            let shared: Vec<usize> = sources_of[caution]
                .intersection(&sources_of[pass])
                .copied()
                .collect();
            if shared.is_empty() {
                continue;
            }
            if pairs.len() == MAX_PAIRS {
                return Err(TooLarge(format!(
                    "more than {MAX_PAIRS} pairs of a `may-be-suitable` rule and a more \
                     serious one citing the same source to compare"
                )));
            }
            pairs.push((pass, caution, shared));
        }
    }
    for (pass, caution, shared) in pairs {
        let run = space.run(rules, &Query::new(&[pass, caution], Fold::Keep))?;
        let both: Vec<&State> = run
            .states
            .iter()
            .filter(|s| run.has(s, 0) && run.has(s, 1))
            .collect();
        let Some(first) = both.first() else { continue };
        let count = both
            .iter()
            .try_fold(0usize, |sum, s| sum.checked_add(s.weight))
            .ok_or_else(too_large_to_count)?;
        let example = space.describe(rules, &first.example);
        for source in shared {
            contradictions.insert(
                (source, pass, caution),
                Contradiction {
                    source,
                    pass_rule: pass,
                    caution_rule: caution,
                    count,
                    example: example.clone(),
                },
            );
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
        gap_examples,
        never_fire: (0..rules.rules.len()).filter(|&i| !fired[i]).collect(),
        masked,
        contradictions: contradictions.into_values().collect(),
        disagreements: (0..rules.rules.len())
            .filter(|&i| fired[i] && rules.rules[i].conflict.is_some())
            .collect(),
        work: space.work(),
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

    /// The number of valid answer sets of the built-in rules, worked out
    /// by hand. Valid answers: 127 + 1 warning-sign combinations (any
    /// non-empty subset of the seven signs, or `none` alone), 11
    /// conditions, 5 durations, 4 severities, 5 imaging answers, 4 age
    /// bands, 3 infection answers, 2^8 - 1 + 2 = 257 health answers (any
    /// non-empty subset of the eight conditions, or `none` or `unsure`
    /// alone), 2^5 - 1 + 1 = 32 treatment combinations. Every question
    /// after the warning signs is asked only without a sign; imaging also
    /// only for the 9 joint conditions (not `other`, not
    /// `non-healing-fracture`). A question not asked may still be answered.
    fn builtin_combinations() -> usize {
        let (none, sign) = builtin_parts();
        // 46,823,713,920 in all.
        none + sign
    }

    /// [`builtin_combinations`] in two parts: the answer sets without a
    /// warning sign, and those with one.
    fn builtin_parts() -> (usize, usize) {
        // No sign: the 9 joint conditions ask imaging,
        // 9 * 5 * 4 * 5 * 4 * 3 * 257 * 32 = 88,819,200; `other` and
        // `non-healing-fracture` leave it unasked or answered,
        // 2 * 5 * 4 * 6 * 4 * 3 * 257 * 32 = 23,685,120.
        let none = 9 * 5 * 4 * 5 * 4 * 3 * 257 * 32 + 2 * 5 * 4 * 6 * 4 * 3 * 257 * 32;
        // With a sign (127 combinations) every later question is answered
        // anyway or unasked (one more answer each):
        // 12 * 6 * 5 * 6 * 5 * 4 * 258 * 33 = 367,804,800 per sign
        // combination, x 127 = 46,711,209,600.
        let sign = 127 * (12 * 6 * 5 * 6 * 5 * 4 * 258 * 33);
        assert_eq!((none, sign), (112_504_320, 46_711_209_600));
        (none, sign)
    }

    /// The built-in rules with `condition-not-listed` kept to ages no one
    /// can be: gaps for adults with a problem no source lists, so the check
    /// also grows its gap examples.
    fn with_gaps() -> RuleSet {
        RuleSet::built_in_with(
            Some((
                "conditions.toml",
                "when.condition = { in = [\"other\"] }",
                "when.condition = { in = [\"other\"] }\nwhen.age = { max = 1 }",
            )),
            &[],
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_built_in_rules_take_a_small_part_of_the_work_budget() {
        let analysis = analyse(&rules()).unwrap();
        assert!(analysis.work > 0);
        assert!(analysis.work * 20 < MAX_WORK, "{}", analysis.work);
        let analysis = analyse(&with_gaps()).unwrap();
        assert_eq!(
            analysis.gap_examples.len(),
            1,
            "{:?}",
            analysis.gap_examples
        );
        assert!(analysis.work * 20 < MAX_WORK, "{}", analysis.work);
    }

    #[test]
    fn one_work_budget_covers_every_pass_of_the_check() {
        // The whole check's work, then one unit less: the space itself is
        // built (its pass is well within), but a later pass runs out.
        let rules = with_gaps();
        let whole = analyse(&rules).unwrap().work;
        let work = |work| Budget { work, ..BUDGET };
        assert_eq!(analyse_within(&rules, work(whole)).unwrap().work, whole);
        let first = AnswerSpace::new(&rules).unwrap().work();
        assert!(first < whole / 2, "{first} of {whole}");
        let error = analyse_within(&rules, work(whole - 1)).unwrap_err();
        assert!(
            error
                .0
                .starts_with(&format!("more than {} units of work in all", whole - 1)),
            "{error}"
        );
    }

    #[test]
    fn the_states_after_a_question_are_bounded_in_words() {
        // The built-in rules keep more than a few states of a word or more
        // after some question: with room for 4 words, that is too many.
        let rules = rules();
        let tight = Budget {
            state_words: 4,
            ..BUDGET
        };
        let Err(error) = analyse_within(&rules, tight) else {
            panic!("analysed within 4 words of states");
        };
        assert!(
            error.0.starts_with("more than 4 words of states (")
                && error.0.contains(" a state) at question `"),
            "{error}"
        );
        // With the real limit they fit.
        assert!(analyse_within(&rules, BUDGET).is_ok());
    }

    #[test]
    fn too_many_pairs_to_compare_for_contradictions_is_too_large() {
        // 101 passes and 100 cautions citing the same source: 10,100 pairs.
        let mut extra = String::new();
        for (level, count) in [("may-be-suitable", 101), ("clinician-review", 100)] {
            for i in 0..count {
                extra.push_str(&format!(
                    "[[rule]]\nid = \"{level}-{i}\"\nlevel = \"{level}\"\n\
                     message = \"The Johnson Medical Center page says {i}.\"\n\
                     when.condition = {{ in = [\"disc-degeneration\"] }}\n\
                     when.age = {{ min = {} }}\n\
                     cite = [{{ source = \"johnson-medical-center\", quote = \"Disc degeneration in the spine\" }}]\n\n",
                    18 + i % 50
                ));
            }
        }
        let mut files = crate::ruleset::RuleSet::embedded_files();
        files.push(crate::ruleset::RuleFile {
            name: "zz-pairs.toml".to_owned(),
            text: extra,
        });
        let rules = RuleSet::from_files(files).unwrap();
        let error = analyse(&rules).unwrap_err();
        assert!(
            error.0.starts_with(&format!("more than {MAX_PAIRS} pairs")),
            "{error}"
        );
    }

    #[test]
    fn age_bands_split_at_every_rule_bound() {
        let rules = rules();
        let space = AnswerSpace::new(&rules).unwrap();
        let age = rules.question_index("age").unwrap();
        // Rules use max 17, min 18, and 40 to 65.
        assert_eq!(
            space.questions[age].bands,
            [(0, 17), (18, 39), (40, 65), (66, 120)]
        );
        assert_eq!(space.combinations(), builtin_combinations());
        let classes = space.classes(&rules).unwrap();
        let weights: usize = classes.iter().map(|c| c.weight).sum();
        assert_eq!(weights, space.combinations());
    }

    #[test]
    fn several_choice_combinations_fall_into_classes_the_rules_treat_alike() {
        let rules = rules();
        let space = AnswerSpace::new(&rules).unwrap();
        let q = rules.question_index("prior_treatments").unwrap();
        let (all, _) = representatives(&rules, q).unwrap();
        let classes = &space.questions[q].classes;
        // Three classes: `none` alone (the passes' `none = ["none"]` and
        // `nothing-tried-yet`'s `any = ["none"]` tell it apart), the 24
        // combinations with rest or physical therapy (the sports-injury
        // pass's `any = ["rest", "physical-therapy"]` and
        // `sports-injury-rest-or-therapy-not-tried`'s `none` of them), and
        // the 2^3 - 1 = 7 of medication, injections and surgery only.
        assert_eq!(
            classes.iter().map(Vec::len).collect::<Vec<_>>(),
            [24, 7, 1],
            "{classes:?}"
        );
        assert_eq!(all.len(), 24 + 7 + 1);
        assert_eq!(classes.iter().map(Vec::len).sum::<usize>(), all.len());
        for class in classes {
            for rule in &rules.rules {
                for m in rule.when.iter().filter(|m| m.question == q) {
                    let first = m.test.matches(&class[0]);
                    assert!(class.iter().all(|v| m.test.matches(v) == first));
                }
            }
        }
        // The classes' weights are their sizes; the last weight is
        // Unasked's (the question has an `ask_when`).
        let weights = &space.questions[q].weights;
        assert_eq!(space.questions[q].values.last(), Some(&Value::Unasked));
        assert_eq!(weights[weights.len() - 1], 1);
        assert_eq!(weights[..classes.len()].iter().sum::<usize>(), all.len());
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
        // Many small questions: the product of their answers (once more
        // than the 2,000,000 the analysis enumerated) is no longer a
        // bound, and the count is exact.
        let mut rules = RuleSet::embedded().unwrap();
        let extra = rules.questions[rules.question_index("condition").unwrap()].clone();
        rules.questions.extend((0..4).map(|_| extra.clone()));
        // Each copy is asked only without a warning sign (11 answers);
        // with one it may be unasked too (12).
        let (none, sign) = builtin_parts();
        assert_eq!(
            AnswerSpace::new(&rules).unwrap().combinations(),
            none * 11usize.pow(4) + sign * 12usize.pow(4)
        );
        assert_eq!(analyse(&rules).unwrap().gaps, 0);
    }

    /// The built-in rule files and one more, `extra.toml`.
    fn with_extra(extra: &str) -> RuleSet {
        with_file("extra.toml", extra)
    }

    /// The built-in rule files and one more, `name`.
    fn with_file(name: &str, extra: &str) -> RuleSet {
        RuleSet::built_in_with(None, &[(name, extra)]).unwrap_or_else(|e| panic!("{e}"))
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
        // Decided before a later question is classified: this one has too
        // many options to enumerate at all.
        let rules = with_extra(&format!("{extra}{}", several("big", 17)));
        let err = AnswerSpace::new(&rules).unwrap_err();
        assert!(err.to_string().contains("too large to count"), "{err}");
        // Two are too many already: 46,823,713,920 * 65535^2, about
        // 2.0e20, is more than 2^64 (about 1.8e19).
        let extra: String = (0..2).map(|q| several(&format!("q{q}"), 16)).collect();
        let err = AnswerSpace::new(&with_extra(&extra)).unwrap_err();
        assert!(err.to_string().contains("too large to count"), "{err}");
        // One fits, and is counted exactly.
        let space = AnswerSpace::new(&with_extra(&several("q0", 16))).unwrap();
        assert_eq!(space.combinations(), builtin_combinations() * 65535);
    }

    #[test]
    fn questions_the_rules_tell_apart_alone_do_not_multiply_the_work() {
        // Two questions whose 4095 combinations the rules all tell apart:
        // 4095^2 (16,769,025) representative answer sets, once refused (the
        // analysis enumerated at most 2,000,000). Each rule is settled by
        // its own question, so the analysis keeps few states. (12 options,
        // not 16: 46,823,713,920 * 65535^2 answer sets would be too many to
        // count, and the count would decide first.)
        let mut extra = String::new();
        for q in ["a", "b"] {
            extra.push_str(&several(q, 12));
            for o in 0..12 {
                extra.push_str(&rule_on(q, o));
            }
        }
        let rules = with_extra(&extra);
        let a = rules.question_index("a").unwrap();
        let (values, _) = representatives(&rules, a).unwrap();
        assert_eq!(classes_of(&rules, a, values).len(), 4095);
        let analysis = analyse(&rules).unwrap();
        assert_eq!(analysis.combinations, builtin_combinations() * 4095 * 4095);
        assert!(analysis.never_fire.is_empty() && analysis.gaps == 0);
        // Nor do the classes of answer sets that evaluate alike: they tell
        // apart the levels that matched, and every answer to `a` and `b`
        // matches an `info` note, as the built-in notes that always match
        // do.
        let built_in = RuleSet::embedded().unwrap();
        let classes = AnswerSpace::new(&rules).unwrap().classes(&rules).unwrap();
        let alone = AnswerSpace::new(&built_in)
            .unwrap()
            .classes(&built_in)
            .unwrap();
        assert_eq!(classes.len(), alone.len());
    }

    #[test]
    fn too_large_is_decided_before_the_later_questions_are_enumerated() {
        // Rules tying `a` and `b` to `c`: until `c` is answered, every set
        // of options of `a`, and of `b`, leaves a different set of rules
        // able to match: 511^2 = 261,121 states, more than MAX_STATES,
        // refused at `b` before the third question is reached. (9 options:
        // the count, 46,823,713,920 * 511^3, about 6.2e18, fits in 64 bits,
        // so the state limit decides; with 10, 1023^3 times as many, about
        // 5.0e19, would not, and the count would decide first.)
        let mut extra = String::new();
        for q in ["a", "b", "c"] {
            extra.push_str(&several(q, 9));
        }
        for q in ["a", "b"] {
            for o in 0..9 {
                extra.push_str(&format!(
                    "[[rule]]\nid = \"{q}-c-o{o}\"\nlevel = \"clinician-review\"\n\
                     message = \"The Defiage blog post speaks of this.\"\n\
                     when.{q} = {{ any = [\"o{o}\"] }}\nwhen.c = {{ any = [\"o{o}\"] }}\n\
                     cite = [{{ source = \"defiage\", quote = \"Knee osteoarthritis\" }}]\n"
                ));
            }
        }
        const { assert!(511 * 511 > MAX_STATES) };
        assert!(
            builtin_combinations()
                .checked_mul(511usize.pow(3))
                .is_some()
        );
        assert!(
            builtin_combinations()
                .checked_mul(1023usize.pow(3))
                .is_none()
        );
        let err = analyse(&with_extra(&extra)).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "the answer space is too large to analyse exhaustively: more than {MAX_STATES} states at question `b`"
            )
        );
    }

    /// The gap planted by removing the rule for conditions not listed:
    /// with no warning sign, `other` is decided by no rule when the
    /// duration is known (4), the severity known (3), imaging anything or
    /// unasked (not asked for `other`: 5 + 1), an adult (3 bands), no
    /// infection, no health condition (`none`) and something tried (the
    /// 31 treatment combinations without `none`).
    const PLANTED_BOX: &str = "warning_signs=none, condition=other, \
        duration=under-6-weeks|6-weeks-to-3-months|3-to-12-months|over-a-year, \
        severity=mild|moderate|severe, imaging=*|(not asked), age=18-120, \
        active_infection=no, health=none, \
        prior_treatments=rest|physical-therapy|rest+physical-therapy|… (24 combinations alike)|\
        medication|injections|medication+injections|… (7 combinations alike)";
    const PLANTED_GAPS: usize = 4 * 3 * 6 * 3 * 31;

    #[test]
    fn finds_gaps_as_compact_boxes_that_cover_them() {
        let mut rules = rules();
        rules.rules.retain(|r| r.id != "condition-not-listed");
        let analysis = analyse(&rules).unwrap();
        assert_eq!(
            analysis.gap_examples,
            [PLANTED_BOX],
            "warning signs, an unsure duration or severity, under 18, an infection, a health \
             condition and nothing tried are still covered"
        );
        // The one box covers every gap: 4 * 3 * 6 * 3 * 31 = 6,696.
        assert_eq!(analysis.gaps, PLANTED_GAPS);
        assert_eq!(PLANTED_GAPS, 6_696);
    }

    /// Every valid answer set of the representatives, as value indices,
    /// with its weight: the product, enumerated, for the tests to check
    /// the dynamic program against.
    fn every_answer_set(space: &AnswerSpace, rules: &RuleSet) -> Vec<(Vec<usize>, usize)> {
        let mut all = vec![(Vec::new(), 1usize)];
        for (q, question) in space.questions.iter().enumerate() {
            let mut next = Vec::new();
            for (prefix, weight) in &all {
                for (v, value) in question.values.iter().enumerate() {
                    let asked = rules.questions[q].ask_when.iter().all(|m| {
                        m.test
                            .matches(&space.questions[m.question].values[prefix[m.question]])
                    });
                    if *value == Value::Unasked && asked {
                        continue;
                    }
                    let mut indices: Vec<usize> = prefix.clone();
                    indices.push(v);
                    next.push((indices, weight * question.weights[v]));
                }
            }
            all = next;
        }
        all
    }

    fn in_box(cube: &[Vec<usize>], indices: &[usize]) -> bool {
        cube.iter().zip(indices).all(|(picks, v)| picks.contains(v))
    }

    #[test]
    fn gap_boxes_contain_only_gaps_and_cover_distinct_ones() {
        // A small rule set (the built-in identity, text, sources and
        // warning signs, and three questions), so that every answer set can
        // be listed: gaps in an irregular region, a condition `c` at any
        // age, and `b` under 18 unless a `note` is chosen.
        let small = "[[question]]\nid = \"condition\"\nkind = \"choice\"\nprompt = \"P?\"\nhelp = \"H.\"\n\
             ask_when.warning_signs = { any = [\"none\"] }\n\
             [[question.option]]\nid = \"a\"\nlabel = \"A\"\n\
             [[question.option]]\nid = \"b\"\nlabel = \"B\"\n\
             [[question.option]]\nid = \"c\"\nlabel = \"C\"\n\
             [[question]]\nid = \"age\"\nkind = \"number\"\nprompt = \"P?\"\nhelp = \"H.\"\n\
             min = 0\nmax = 120\nask_when.warning_signs = { any = [\"none\"] }\n\
             [[question]]\nid = \"note\"\nkind = \"choice\"\nprompt = \"P?\"\nhelp = \"H.\"\n\
             [[question.option]]\nid = \"yes\"\nlabel = \"Yes\"\n\
             [[question.option]]\nid = \"no\"\nlabel = \"No\"\n\
             [[rule]]\nid = \"a\"\nlevel = \"clinician-review\"\n\
             message = \"The Defiage blog post speaks of this.\"\n\
             when.condition = { in = [\"a\"] }\n\
             cite = [{ source = \"defiage\", quote = \"Knee osteoarthritis\" }]\n\
             [[rule]]\nid = \"b-adult\"\nlevel = \"clinician-review\"\n\
             message = \"The Defiage blog post speaks of this.\"\n\
             when.condition = { in = [\"b\"] }\nwhen.age = { min = 18 }\n\
             cite = [{ source = \"defiage\", quote = \"Knee osteoarthritis\" }]\n\
             [[rule]]\nid = \"b-note\"\nlevel = \"clinician-review\"\n\
             message = \"The Defiage blog post speaks of this.\"\n\
             when.condition = { in = [\"b\"] }\nwhen.note = { in = [\"yes\"] }\n\
             cite = [{ source = \"defiage\", quote = \"Knee osteoarthritis\" }]\n";
        let rules = super::mutation_tests::small(small);
        let space = AnswerSpace::new(&rules).unwrap();
        let deciding: Vec<usize> = (0..rules.rules.len())
            .filter(|&i| rules.rules[i].level.decides_outcome())
            .collect();
        let (gaps, boxes) = space.gaps(&rules, &deciding, 10).unwrap();
        let every = every_answer_set(&space, &rules);
        let is_gap = |indices: &[usize]| {
            let answers = space.answer_set(&rules, indices);
            crate::evaluate::evaluate(&rules, &answers).fallback
                == Some(crate::evaluate::Fallback::NoRuleMatched)
        };
        let all_gaps: Vec<&(Vec<usize>, usize)> = every
            .iter()
            .filter(|(indices, _)| is_gap(indices))
            .collect();
        assert!(!all_gaps.is_empty());
        assert_eq!(gaps, all_gaps.iter().map(|(_, w)| w).sum::<usize>());
        assert!(boxes.len() > 1 && boxes.len() < 10, "{boxes:?}");
        for (b, cube) in boxes.iter().enumerate() {
            assert!(
                every
                    .iter()
                    .filter(|(indices, _)| in_box(cube, indices))
                    .all(|(indices, _)| is_gap(indices)),
                "box {b} holds only gaps"
            );
            assert!(
                every.iter().any(|(indices, _)| in_box(cube, indices)
                    && !boxes[..b].iter().any(|earlier| in_box(earlier, indices))),
                "box {b} covers a gap the boxes before it do not"
            );
        }
        // Fewer boxes than the limit: together they cover every gap.
        assert!(
            all_gaps
                .iter()
                .all(|(indices, _)| boxes.iter().any(|cube| in_box(cube, indices)))
        );
        assert_eq!(
            space.gaps(&rules, &deciding, 1).unwrap().1.len(),
            1,
            "the limit holds"
        );
    }

    /// A matcher: `warning_signs` includes `none` (no warning sign).
    fn no_warning_sign(rules: &RuleSet) -> crate::ruleset::Matcher {
        let signs = rules.question_index("warning_signs").unwrap();
        let none = rules.questions[signs].option_index("none").unwrap();
        crate::ruleset::Matcher {
            question: signs,
            test: Test::Several {
                any: OptionSet::from_indices([none]),
                all: OptionSet::default(),
                none: OptionSet::default(),
            },
        }
    }

    #[test]
    fn an_unasked_question_counts_once_and_only_where_its_ask_when_fails() {
        let rules = with_extra(
            "[[question]]\nid = \"x\"\nkind = \"choice\"\nprompt = \"P?\"\nhelp = \"H.\"\n\
             ask_when.warning_signs = { any = [\"none\"] }\n\
             [[question.option]]\nid = \"a\"\nlabel = \"A\"\n\
             [[question.option]]\nid = \"b\"\nlabel = \"B\"\n\
             [[question.option]]\nid = \"c\"\nlabel = \"C\"\n\n\
             [[rule]]\nid = \"x-a\"\nlevel = \"clinician-review\"\n\
             message = \"The Defiage blog post speaks of this.\"\nwhen.x = { in = [\"a\"] }\n\
             cite = [{ source = \"defiage\", quote = \"Knee osteoarthritis\" }]\n",
        );
        let space = AnswerSpace::new(&rules).unwrap();
        let x = rules.question_index("x").unwrap();
        assert_eq!(space.values(x).last(), Some(&Value::Unasked));
        // Without a warning sign `x` is asked (3 answers); with one of the
        // 127 others it may be unasked too (4).
        let (none, sign) = builtin_parts();
        assert_eq!(space.combinations(), none * 3 + sign * 4);
        // The product of the built-in rules' representatives is too large
        // to enumerate, so the dynamic program is checked against it on
        // the same questions with only `x-a` kept: the ages then form one
        // band (no rule or `ask_when` bounds them), all else is as above.
        let mut few = rules.clone();
        few.rules.retain(|r| r.id == "x-a");
        let few_space = AnswerSpace::new(&few).unwrap();
        let none_one_band = 9 * 5 * 4 * 5 * 3 * 257 * 32 + 2 * 5 * 4 * 6 * 3 * 257 * 32;
        let sign_one_band = 127 * (12 * 6 * 5 * 6 * 2 * 4 * 258 * 33);
        assert_eq!(
            few_space.combinations(),
            none_one_band * 3 + sign_one_band * 4
        );
        let every = every_answer_set(&few_space, &few);
        assert_eq!(
            every.iter().map(|(_, w)| w).sum::<usize>(),
            few_space.combinations()
        );
        let classes = space.classes(&rules).unwrap();
        assert_eq!(
            classes.iter().map(|c| c.weight).sum::<usize>(),
            space.combinations()
        );
        // No class example is unasked where `x` is asked, and the answer
        // sets that are unasked there belong to no class.
        let signs = rules.question_index("warning_signs").unwrap();
        let asked = |a: &AnswerSet| no_warning_sign(&rules).test.matches(a.value(signs));
        assert!(
            classes
                .iter()
                .all(|c| !(asked(&c.example) && *c.example.value(x) == Value::Unasked))
        );
        let unasked = classes
            .iter()
            .find(|c| *c.example.value(x) == Value::Unasked)
            .unwrap();
        assert!(!asked(&unasked.example));
        let invalid = unasked.example.with(
            signs,
            rules.questions[signs]
                .options()
                .len()
                .checked_sub(1)
                .map(|none| Value::Several(OptionSet::from_indices([none])))
                .unwrap(),
        );
        assert!(asked(&invalid));
        assert!(classes.of(&space, &rules, &invalid).is_none());
        assert!(space.representative_of(&rules, &invalid).is_none());
        assert!(classes.of(&space, &rules, &unasked.example).is_some());
        let analysis = analyse(&rules).unwrap();
        assert_eq!(analysis.combinations, space.combinations());
        assert_eq!(analysis.gaps, 0);
        assert!(analysis.never_fire.is_empty());
    }

    #[test]
    fn the_coming_rule_set_shape_is_analysed_exactly() {
        // The shape issue 14 brought is now the built-in rule set: every
        // question after the warning signs asked only without a warning
        // sign, `duration` (5 answers, one unsure), `imaging` (5 answers,
        // unsure and not checked; asked only for the joint conditions too)
        // and `health` (8 conditions, each with its own clinician-review
        // rule, and exclusive `none` and unsure `unsure`).
        let mut rules = rules();
        let ids: Vec<&str> = rules.questions.iter().map(|q| q.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "warning_signs",
                "condition",
                "duration",
                "severity",
                "imaging",
                "age",
                "active_infection",
                "health",
                "prior_treatments"
            ]
        );
        let space = AnswerSpace::new(&rules).unwrap();
        assert_eq!(space.combinations(), builtin_combinations());
        let analysis = analyse(&rules).unwrap();
        assert_eq!(analysis.combinations, builtin_combinations());
        assert_eq!(analysis.gaps, 0, "{:?}", analysis.gap_examples);
        assert!(analysis.never_fire.is_empty(), "{:?}", analysis.never_fire);
        assert!(analysis.contradictions.is_empty());
        // A planted gap: without the rule for conditions not listed, an
        // adult with no infection and no health condition is decided by no
        // rule; imaging is not asked for `other`, and may be answered.
        rules.rules.retain(|r| r.id != "condition-not-listed");
        let analysis = analyse(&rules).unwrap();
        assert_eq!(analysis.combinations, builtin_combinations());
        assert_eq!(analysis.gap_examples, [PLANTED_BOX]);
        assert_eq!(analysis.gaps, PLANTED_GAPS);
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

#[cfg(test)]
mod mutation_tests {
    use super::*;

    /// Every flag of a state has a bit of its own (rules first, from 0), and
    /// the state holds no bit more: a shared bit would let one flag stand
    /// for another (box 1 read as an `ask_when` spent), an unused one would
    /// make every state larger than it needs to be.
    #[test]
    fn each_flag_of_a_state_has_its_own_bit_and_no_bit_is_left_over() {
        for (rules, asks, boxes) in [(0, 0, 0), (1, 0, 3), (2, 2, 3), (5, 1, 0), (61, 0, 2)] {
            let layout = Layout { rules, asks, boxes };
            let mut bits: Vec<usize> = (0..rules).collect();
            bits.extend((0..asks).map(|a| layout.ask(a)));
            bits.extend((0..boxes).map(|b| layout.boxed(b)));
            bits.extend([layout.sure(), layout.given(), layout.decided()]);
            bits.extend((0..Level::ALL.len()).map(|l| layout.level(l)));
            let mut sorted = bits.clone();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted.len(), bits.len(), "{rules} {asks} {boxes}: {bits:?}");
            assert_eq!(
                sorted,
                (0..layout.bits()).collect::<Vec<_>>(),
                "{rules} rules, {asks} asks, {boxes} boxes"
            );
        }
    }

    /// The built-in identity, text, sources and warning signs, and `extra`:
    /// a rule set small enough to reason about by hand.
    pub(super) fn small(extra: &str) -> RuleSet {
        let mut files: Vec<crate::ruleset::RuleFile> = crate::ruleset::EMBEDDED_FILES
            .iter()
            .filter(|(name, _)| {
                ["ruleset.toml", "text.toml", "safety.toml", "sources.toml"].contains(name)
            })
            .map(|(name, text)| crate::ruleset::RuleFile {
                name: (*name).to_owned(),
                text: (*text).to_owned(),
            })
            .collect();
        files.push(crate::ruleset::RuleFile {
            name: "small.toml".to_owned(),
            text: extra.to_owned(),
        });
        RuleSet::from_files(files).unwrap_or_else(|e| panic!("{e}"))
    }

    /// A rule `id` at `level` with the matchers `when` (TOML lines).
    fn rule(id: &str, level: &str, when: &str) -> String {
        format!(
            "[[rule]]\nid = \"{id}\"\nlevel = \"{level}\"\n\
             message = \"The Defiage blog post speaks of this.\"\n{when}\n\
             cite = [{{ source = \"defiage\", quote = \"Knee osteoarthritis\" }}]\n"
        )
    }

    /// `pick`: three options, asked only without a warning sign, `o0`
    /// told apart by a rule: its classes are the four combinations with
    /// `o0` and the three without. `n`: 0 to 120, bands 0-4, 5, 6-17 and
    /// 18-120. `m`: 0 to 10, one band.
    fn described() -> RuleSet {
        let mut text = described_questions();
        text.push_str(&rule(
            "pick-o0",
            "clinician-review",
            "when.pick = { any = [\"o0\"] }",
        ));
        text.push_str(&rule(
            "n-5",
            "clinician-review",
            "when.n = { min = 5, max = 5 }",
        ));
        text.push_str(&rule(
            "n-adult",
            "clinician-review",
            "when.n = { min = 18 }",
        ));
        small(&text)
    }

    /// The questions of [`described`], without its rules.
    fn described_questions() -> String {
        String::from(
            "[[question]]\nid = \"pick\"\nkind = \"multi\"\nprompt = \"P?\"\nhelp = \"H.\"\n\
             ask_when.warning_signs = { any = [\"none\"] }\n\
             [[question.option]]\nid = \"o0\"\nlabel = \"O 0\"\n\
             [[question.option]]\nid = \"o1\"\nlabel = \"O 1\"\n\
             [[question.option]]\nid = \"o2\"\nlabel = \"O 2\"\n\
             [[question]]\nid = \"n\"\nkind = \"number\"\nprompt = \"P?\"\nhelp = \"H.\"\n\
             min = 0\nmax = 120\n\
             [[question]]\nid = \"m\"\nkind = \"number\"\nprompt = \"P?\"\nhelp = \"H.\"\n\
             min = 0\nmax = 10\n",
        )
    }

    #[test]
    fn a_box_of_gaps_is_described_by_its_answers_in_words() {
        let rules = described();
        let space = AnswerSpace::new(&rules).unwrap();
        let [signs, pick, n, m] =
            ["warning_signs", "pick", "n", "m"].map(|id| rules.question_index(id).unwrap());
        assert_eq!(
            space.questions[n].bands,
            [(0, 4), (5, 5), (6, 17), (18, 120)]
        );
        assert_eq!(space.questions[m].bands, [(0, 10)]);
        let sizes: Vec<usize> = space.questions[pick].classes.iter().map(Vec::len).collect();
        assert_eq!(sizes, [4, 3]);
        assert_eq!(space.values(pick).last(), Some(&Value::Unasked));
        let every_sign: Vec<usize> = (0..space.values(signs).len()).collect();
        let describe = |picks: [Vec<usize>; 3]| {
            let [p, nn, mm] = picks;
            let mut cube = vec![Vec::new(); 4];
            cube[signs] = every_sign.clone();
            cube[pick] = p;
            cube[n] = nn;
            cube[m] = mm;
            space.describe_box(&rules, &cube)
        };
        // Every answer of a question with more than one is `*`; a class of
        // more than three combinations is named by its first three; bands
        // next to each other merge; a one-number band is that number; a
        // question with one answer names it.
        assert_eq!(
            describe([vec![0], vec![0, 1, 3], vec![0]]),
            "warning_signs=*, pick=o0|o0+o1|o0+o2|… (4 combinations alike), n=0-5|18-120, m=0-10"
        );
        // A class of three is named whole; bands apart stay apart.
        assert_eq!(
            describe([vec![1], vec![1], vec![0]]),
            "warning_signs=*, pick=o1|o2|o1+o2, n=5, m=0-10"
        );
        assert_eq!(
            describe([vec![0, 1, 2], vec![0, 2], vec![0]]),
            "warning_signs=*, pick=*|(not asked), n=0-4|6-17, m=0-10"
        );
        assert_eq!(
            describe([vec![2], vec![0, 1, 2, 3], vec![0]]),
            "warning_signs=*, pick=(not asked), n=*, m=0-10"
        );
    }

    #[test]
    fn a_question_with_no_answer_leaves_an_empty_space_with_no_classes() {
        let mut rules = described();
        let space = AnswerSpace::new(&rules).unwrap();
        assert!(!space.is_empty());
        let classes = space.classes(&rules).unwrap();
        assert!(!classes.is_empty());
        assert_eq!(classes.len(), classes.iter().count());
        // The loader refuses such a question; the analysis counts 0.
        let m = rules.question_index("m").unwrap();
        rules.questions[m].kind = QuestionKind::Number { min: 1, max: 0 };
        let space = AnswerSpace::new(&rules).unwrap();
        assert_eq!(space.combinations(), 0);
        assert!(space.is_empty());
        let classes = space.classes(&rules).unwrap();
        assert!(classes.is_empty());
        assert_eq!(classes.len(), 0);
    }

    #[test]
    fn only_a_more_serious_twin_that_decides_masks_a_rule() {
        let when = "when.n = { min = 18 }";
        let mut text = String::from(
            "[[question]]\nid = \"n\"\nkind = \"number\"\nprompt = \"P?\"\nhelp = \"H.\"\n\
             min = 0\nmax = 120\n",
        );
        for (id, level) in [
            ("review", "clinician-review"),
            ("review-too", "clinician-review"),
            ("not-now", "not-suitable-now"),
            ("note", "info"),
        ] {
            text.push_str(&rule(id, level, when));
        }
        let rules = small(&text);
        let index = |id: &str| rules.rules.iter().position(|r| r.id == id).unwrap();
        let analysis = analyse(&rules).unwrap();
        // Twins at one level mask neither; a note decides nothing, so a
        // twin cannot hide it.
        assert_eq!(
            analysis.masked,
            [
                (index("review"), index("not-now")),
                (index("review-too"), index("not-now"))
            ]
        );
    }

    #[test]
    fn an_answer_set_stands_for_the_first_number_of_its_band_and_first_combination_of_its_class() {
        let rules = described();
        let space = AnswerSpace::new(&rules).unwrap();
        let given = |pairs: &[(&str, &str)]| {
            let mut answers = Answers::new(&rules);
            for (key, text) in pairs {
                answers.give(&rules, key, text).unwrap();
            }
            answers.complete(&rules).unwrap()
        };
        // `o1+o2` is in the class of `o1`; 12 in the band 6-17; 7 in 0-10.
        let answers = given(&[
            ("warning_signs", "none"),
            ("pick", "o1,o2"),
            ("n", "12"),
            ("m", "7"),
        ]);
        let first = given(&[
            ("warning_signs", "none"),
            ("pick", "o1"),
            ("n", "6"),
            ("m", "0"),
        ]);
        assert_eq!(
            space.representative_of(&rules, &answers),
            Some(first.clone())
        );
        let classes = space.classes(&rules).unwrap();
        let class = classes.of(&space, &rules, &answers).map(|c| &c.example);
        assert!(class.is_some());
        assert_eq!(
            class,
            classes.of(&space, &rules, &first).map(|c| &c.example)
        );
    }

    #[test]
    fn the_states_after_a_question_may_take_exactly_the_words_allowed() {
        // With `pick`'s answer kept (a second word a state): 2 states after
        // the warning signs (a sign or none, for `pick`'s `ask_when`), then
        // 3 after `pick` (its two classes, or unasked with a sign), so 6
        // words at most.
        let rules = described();
        let pick = rules.question_index("pick").unwrap();
        let query = Query {
            tag: Some(pick),
            ..Query::new(&[], Fold::Keep)
        };
        let within = |state_words| {
            let space = AnswerSpace::within(
                &rules,
                Budget {
                    state_words,
                    ..BUDGET
                },
            )
            .unwrap();
            space.run(&rules, &query).map(|run| run.states.len())
        };
        assert_eq!(within(6), Ok(3));
        assert_eq!(
            within(5).unwrap_err().0,
            "more than 5 words of states (2 a state) at question `pick`"
        );
    }

    #[test]
    fn a_rule_an_earlier_answer_rules_out_never_fires_whatever_comes_after() {
        // `pick-n` needs `o0` both chosen and not chosen, then an adult `n`:
        // it never fires, though its last question, `n`, could pass.
        let mut rules = small(&format!(
            "{}{}",
            described_questions(),
            rule(
                "pick-n",
                "clinician-review",
                "when.pick = { any = [\"o0\"] }\nwhen.n = { min = 18 }"
            )
        ));
        let pick = rules.question_index("pick").unwrap();
        let r = rules.rules.iter().position(|r| r.id == "pick-n").unwrap();
        for m in rules.rules[r]
            .when
            .iter_mut()
            .filter(|m| m.question == pick)
        {
            m.test = Test::Several {
                any: OptionSet::default(),
                all: OptionSet::from_indices([0]),
                none: OptionSet::from_indices([0]),
            };
        }
        assert_eq!(analyse(&rules).unwrap().never_fire, [r]);
    }

    #[test]
    fn the_65th_question_with_an_ask_when_is_asked_where_its_own_test_holds() {
        // `base`: three options, in two classes (with `o0`, four
        // combinations; without, three). `q0` to `q63` are asked whatever
        // `base` is; `q64`, the 65th with an `ask_when` (its bit is in a
        // second word), only with `o0`, so without it `q64` may be
        // unasked too: 4 * 1 + 3 * 2 answers, for each of the 128 warning-sign
        // answers.
        let mut text = String::from(
            "[[question]]\nid = \"base\"\nkind = \"multi\"\nprompt = \"P?\"\nhelp = \"H.\"\n\
             [[question.option]]\nid = \"o0\"\nlabel = \"O 0\"\n\
             [[question.option]]\nid = \"o1\"\nlabel = \"O 1\"\n\
             [[question.option]]\nid = \"o2\"\nlabel = \"O 2\"\n",
        );
        for q in 0..65 {
            let any = if q < 64 {
                "\"o0\", \"o1\", \"o2\""
            } else {
                "\"o0\""
            };
            text.push_str(&format!(
                "[[question]]\nid = \"q{q}\"\nkind = \"number\"\nprompt = \"P?\"\nhelp = \"H.\"\n\
                 min = 0\nmax = 0\nask_when.base = {{ any = [{any}] }}\n"
            ));
        }
        let rules = small(&text);
        let space = AnswerSpace::new(&rules).unwrap();
        assert_eq!(space.ask_words, 2);
        assert_eq!(space.combinations(), 128 * (4 + 3 * 2));
    }
}
