//! Property tests of the analysis over random loadable rule sets, with
//! number bounds anywhere in i64 (the ends included) and several-choice
//! questions with exclusive options. The oracles: the analysis never
//! reports 0 combinations, and the count it reports is the product of each
//! question's number of valid answers, counted here independently; and, on
//! rule sets with `ask_when` questions, everything the analysis reports
//! equals what evaluating every valid answer set, enumerated here by brute
//! force, shows.
#![allow(clippy::unwrap_used)] // a panic is how a test reports failure

use candidacy::analysis::{AnswerSpace, analyse};
use std::collections::{BTreeMap, BTreeSet};

use candidacy::answers::{Answers, Value};
use candidacy::evaluate::{Fallback, evaluate};
use candidacy::level::Level;
use candidacy::ruleset::{OptionSet, QuestionKind, RuleFile, RuleSet, Test};
use proptest::prelude::*;

/// The smallest complete rule set: identity, text, sources and one warning
/// sign with its urgent-care rule.
const BASE: [(&str, &str); 4] = [
    ("ruleset.toml", include_str!("../rules/ruleset.toml")),
    ("text.toml", include_str!("../rules/text.toml")),
    ("sources.toml", include_str!("../rules/sources.toml")),
    (
        "safety.toml",
        include_str!("fixtures/passing-cases/safety.toml"),
    ),
];

fn load(extra: &str) -> Result<RuleSet, candidacy::ruleset::LoadError> {
    let mut files: Vec<RuleFile> = BASE
        .iter()
        .map(|(name, text)| RuleFile {
            name: (*name).to_owned(),
            text: (*text).to_owned(),
        })
        .collect();
    files.push(RuleFile {
        name: "extra.toml".to_owned(),
        text: extra.to_owned(),
    });
    RuleSet::from_files(files)
}

fn bound() -> impl Strategy<Value = i64> {
    prop_oneof![
        Just(i64::MIN),
        Just(i64::MAX),
        Just(i64::MAX - 1),
        Just(i64::MIN + 1),
        -3..3i64,
        any::<i64>(),
    ]
}

/// A rule on the number question: `(min, max)`, each maybe left out.
type NumberRule = (Option<i64>, Option<i64>);
/// A rule on the several-choice question: `any`, `all`, `none` as bit masks.
type SeveralRule = (u8, u8, u8);

fn rule(id: &str, level: &str, when: &str) -> String {
    format!(
        "[[rule]]\nid = \"{id}\"\nlevel = \"{level}\"\n\
         message = \"The Defiage blog post says this.\"\n{when}\n\
         cite = [{{ source = \"defiage\", quote = \"Knee osteoarthritis\" }}]\n\n"
    )
}

fn list(mask: u8, options: usize) -> String {
    let ids: Vec<String> = (0..options)
        .filter(|o| mask & (1 << o) != 0)
        .map(|o| format!("\"o{o}\""))
        .collect();
    format!("[{}]", ids.join(", "))
}

fn rule_set(
    (low, high): (i64, i64),
    number_rules: &[NumberRule],
    exclusive: &[bool],
    several_rules: &[SeveralRule],
) -> String {
    let (min, max) = (low.min(high), low.max(high));
    let mut text = format!(
        "[[question]]\nid = \"n\"\nkind = \"number\"\nprompt = \"P?\"\nhelp = \"H.\"\nmin = {min}\nmax = {max}\n\n\
         [[question]]\nid = \"m\"\nkind = \"multi\"\nprompt = \"P?\"\nhelp = \"H.\"\n"
    );
    for (o, exclusive) in exclusive.iter().enumerate() {
        text.push_str(&format!(
            "[[question.option]]\nid = \"o{o}\"\nlabel = \"O {o}\"\nexclusive = {exclusive}\n"
        ));
    }
    text.push('\n');
    for (i, (a, b)) in number_rules.iter().enumerate() {
        let clamp = |v: i64| v.clamp(min, max);
        let mut parts = Vec::new();
        match (a.map(clamp), b.map(clamp)) {
            (Some(a), Some(b)) => {
                parts.push(format!("min = {}", a.min(b)));
                parts.push(format!("max = {}", a.max(b)));
            }
            (Some(a), None) => parts.push(format!("min = {a}")),
            (None, Some(b)) => parts.push(format!("max = {b}")),
            (None, None) => parts.push(format!("min = {min}")),
        }
        let level = ["clinician-review", "not-suitable-now", "may-be-suitable"][i % 3];
        let when = format!("when.n = {{ {} }}", parts.join(", "));
        text.push_str(&rule(&format!("n{i}"), level, &when));
    }
    let options = exclusive.len();
    for (i, (any, all, none)) in several_rules.iter().enumerate() {
        let mut parts = Vec::new();
        for (key, mask) in [("any", any), ("all", all), ("none", none)] {
            let mask = mask & ((1u16 << options) - 1) as u8;
            if mask != 0 {
                parts.push(format!("{key} = {}", list(mask, options)));
            }
        }
        if parts.is_empty() {
            parts.push("any = [\"o0\"]".to_owned());
        }
        let when = format!("when.m = {{ {} }}", parts.join(", "));
        text.push_str(&rule(&format!("m{i}"), "clinician-review", &when));
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn the_analysis_of_a_loadable_rule_set_never_counts_0_combinations(
        range in (bound(), bound()),
        number_rules in prop::collection::vec((prop::option::of(bound()), prop::option::of(bound())), 0..4),
        exclusive in prop::collection::vec(prop::bool::weighted(0.2), 2..7),
        several_rules in prop::collection::vec((any::<u8>(), any::<u8>(), any::<u8>()), 0..4),
    ) {
        let text = rule_set(range, &number_rules, &exclusive, &several_rules);
        let rules = match load(&text) {
            Ok(rules) => rules,
            Err(e) => return Err(TestCaseError::fail(format!("{e}\n{text}"))),
        };
        let analysis = analyse(&rules).unwrap();
        prop_assert!(analysis.combinations > 0, "{text}");
        let space = AnswerSpace::new(&rules).unwrap();
        prop_assert!(!space.is_empty());
        prop_assert_eq!(space.combinations(), analysis.combinations);
        // The count, independently: 2 warning-sign answers (the sign, or
        // none), every non-empty set of the non-exclusive options or one
        // exclusive option alone, and between 1 and 2k + 1 bands of numbers
        // for k rules on the number question.
        let exclusive_count = exclusive.iter().filter(|e| **e).count();
        let shared = exclusive.len() - exclusive_count;
        let several = (1usize << shared) - 1 + exclusive_count;
        let fixed = 2 * several;
        prop_assert_eq!(analysis.combinations % fixed, 0, "{}", text);
        let bands = analysis.combinations / fixed;
        prop_assert!(bands >= 1 && bands <= 2 * number_rules.len() + 1, "{bands} bands: {text}");
        // Every number rule covers at least one band, so it fires.
        for (i, rule) in rules.rules.iter().enumerate() {
            if rule.id.starts_with('n') {
                prop_assert!(!analysis.never_fire.contains(&i), "{} never fires: {}", rule.id, text);
            }
        }
    }
}

/// Where the choice question `c` is asked.
#[derive(Debug, Clone)]
enum AskOn {
    Always,
    /// Without a warning sign.
    NoSign,
    /// When `n` lies in a range.
    Number(i64, i64),
    /// When `m` includes one of these options (a bit mask).
    Several(u8),
}

fn ask_on() -> impl Strategy<Value = AskOn> {
    prop_oneof![
        Just(AskOn::Always),
        Just(AskOn::NoSign),
        (bound(), bound()).prop_map(|(a, b)| AskOn::Number(a, b)),
        any::<u8>().prop_map(AskOn::Several),
    ]
}

/// A rule on `c` (options `c0`, `c1` and the unsure `c2`, as a bit mask),
/// maybe on `m` too (`any`, as a bit mask): level, source, and whether it
/// reports a disagreement.
type ChoiceRule = (u8, Option<u8>, usize, bool, bool);

const LEVELS: [&str; 5] = [
    "urgent-care",
    "not-suitable-now",
    "clinician-review",
    "may-be-suitable",
    "info",
];

/// [`rule_set`] with `ask_when`s (on `n` and `m`: no warning sign; on `c`:
/// `ask`), the choice question `c` and rules on it of any level, citing
/// either clinic (or both, with a disagreement).
#[allow(clippy::too_many_arguments)]
fn asking_rule_set(
    range: (i64, i64),
    number_rules: &[NumberRule],
    exclusive: &[bool],
    several_rules: &[SeveralRule],
    asks: (bool, bool),
    ask: &AskOn,
    choice_rules: &[ChoiceRule],
) -> String {
    let mut text = rule_set(range, number_rules, exclusive, several_rules);
    let no_sign = "ask_when.warning_signs = { any = [\"none\"] }\n";
    let (min, max) = (range.0.min(range.1), range.0.max(range.1));
    if asks.0 {
        text = text.replacen(
            "id = \"n\"\nkind = \"number\"\n",
            &format!("id = \"n\"\nkind = \"number\"\n{no_sign}"),
            1,
        );
    }
    if asks.1 {
        text = text.replacen(
            "id = \"m\"\nkind = \"multi\"\n",
            &format!("id = \"m\"\nkind = \"multi\"\n{no_sign}"),
            1,
        );
    }
    let options = exclusive.len();
    let any = |mask: u8| {
        let mask = mask & ((1u16 << options) - 1) as u8;
        list(if mask == 0 { 1 } else { mask }, options)
    };
    let ask_when = match ask {
        AskOn::Always => String::new(),
        AskOn::NoSign => no_sign.to_owned(),
        AskOn::Number(a, b) => {
            let (a, b) = (a.clamp(&min, &max), b.clamp(&min, &max));
            format!(
                "ask_when.n = {{ min = {}, max = {} }}\n",
                a.min(b),
                a.max(b)
            )
        }
        AskOn::Several(mask) => format!("ask_when.m = {{ any = {} }}\n", any(*mask)),
    };
    text.push_str(&format!(
        "[[question]]\nid = \"c\"\nkind = \"choice\"\nprompt = \"P?\"\nhelp = \"H.\"\n{ask_when}\
         [[question.option]]\nid = \"c0\"\nlabel = \"C 0\"\n\
         [[question.option]]\nid = \"c1\"\nlabel = \"C 1\"\n\
         [[question.option]]\nid = \"c2\"\nlabel = \"Not sure\"\nunsure = true\n\n"
    ));
    for (i, (on_c, on_m, level, johnson, conflict)) in choice_rules.iter().enumerate() {
        let on_c = if on_c & 7 == 0 { 1 } else { on_c & 7 };
        let ids: Vec<String> = (0..3)
            .filter(|o| on_c & (1 << o) != 0)
            .map(|o| format!("\"c{o}\""))
            .collect();
        let mut when = format!("when.c = {{ in = [{}] }}\n", ids.join(", "));
        if let Some(mask) = on_m {
            when.push_str(&format!("when.m = {{ any = {} }}\n", any(*mask)));
        }
        let (source, name) = if *johnson {
            ("johnson-medical-center", "Johnson Medical Center page")
        } else {
            ("defiage", "Defiage blog post")
        };
        let mut cite = format!("{{ source = \"{source}\", quote = \"Q\" }}");
        if *conflict {
            when.push_str("conflict = \"Topic\"\n");
            cite.push_str(", { source = \"nhs-glos-spinal-red-flags\", quote = \"Q\" }");
        }
        text.push_str(&format!(
            "[[rule]]\nid = \"c{i}\"\nlevel = \"{}\"\nmessage = \"The {name} says this.\"\n{when}\
             cite = [{cite}]\n\n",
            LEVELS[level % LEVELS.len()]
        ));
    }
    text
}

/// What the analysis reports, found by evaluating every valid answer set
/// (ages one per band between the bounds any test uses, and a question
/// with an `ask_when` also unanswered), enumerated here independently of
/// the analysis. Contradictions as `(source, pass, caution) -> count`.
struct BruteForce {
    combinations: usize,
    gaps: usize,
    never_fire: Vec<usize>,
    disagreements: Vec<usize>,
    contradictions: BTreeMap<(usize, usize, usize), usize>,
    /// Every valid answer set.
    answer_sets: Vec<candidacy::answers::AnswerSet>,
}

fn brute_force(rules: &RuleSet) -> BruteForce {
    // Every answer to each question the rules can tell apart, `None` for
    // not answered.
    let per_question: Vec<Vec<Option<Value>>> = rules
        .questions
        .iter()
        .enumerate()
        .map(|(q, question)| {
            let mut answers: Vec<Option<Value>> = match &question.kind {
                QuestionKind::Choice(options) => {
                    (0..options.len()).map(|o| Some(Value::Choice(o))).collect()
                }
                QuestionKind::Multi(options) => (1u32..1 << options.len())
                    .map(|bits| {
                        OptionSet::from_indices((0..options.len()).filter(|o| bits & (1 << o) != 0))
                    })
                    .filter(|set| set.len() == 1 || set.iter().all(|o| !options[o].exclusive))
                    .map(|set| Some(Value::Several(set)))
                    .collect(),
                QuestionKind::Number { min, max } => {
                    let mut starts = BTreeSet::from([i128::from(*min)]);
                    let tests = rules
                        .rules
                        .iter()
                        .flat_map(|r| r.when.iter())
                        .chain(rules.questions.iter().flat_map(|q| q.ask_when.iter()));
                    for m in tests.filter(|m| m.question == q) {
                        if let Test::Range {
                            min: low,
                            max: high,
                        } = m.test
                        {
                            starts.insert(i128::from(low));
                            starts.insert(i128::from(high) + 1);
                        }
                    }
                    starts
                        .into_iter()
                        .filter(|s| (i128::from(*min)..=i128::from(*max)).contains(s))
                        .map(|s| Some(Value::Number(i64::try_from(s).unwrap())))
                        .collect()
                }
            };
            if !question.ask_when.is_empty() {
                answers.push(None);
            }
            answers
        })
        .collect();
    let mut found = BruteForce {
        combinations: 0,
        gaps: 0,
        never_fire: Vec::new(),
        disagreements: Vec::new(),
        contradictions: BTreeMap::new(),
        answer_sets: Vec::new(),
    };
    let mut fired = vec![false; rules.rules.len()];
    let total: usize = per_question.iter().map(Vec::len).product();
    for mut n in 0..total {
        let mut answers = Answers::new(rules);
        for (q, values) in per_question.iter().enumerate().rev() {
            if let Some(value) = values[n % values.len()] {
                answers.set(q, value);
            }
            n /= values.len();
        }
        // Not valid: a question asked but not answered.
        let Ok(answers) = answers.complete(rules) else {
            continue;
        };
        found.combinations += 1;
        let assessment = evaluate(rules, &answers);
        if assessment.fallback == Some(Fallback::NoRuleMatched) {
            found.gaps += 1;
        }
        let matched: Vec<usize> = (0..rules.rules.len())
            .filter(|&i| rules.rules[i].matches(&answers))
            .collect();
        for &i in &matched {
            fired[i] = true;
        }
        for &pass in matched
            .iter()
            .filter(|&&i| rules.rules[i].level == Level::MayBeSuitable)
        {
            for &caution in matched.iter().filter(|&&i| {
                rules.rules[i].level < Level::MayBeSuitable && rules.rules[i].conflict.is_none()
            }) {
                let sources = |r: usize| -> BTreeSet<usize> {
                    rules.rules[r].citations.iter().map(|c| c.source).collect()
                };
                for &source in sources(pass).intersection(&sources(caution)) {
                    *found
                        .contradictions
                        .entry((source, pass, caution))
                        .or_default() += 1;
                }
            }
        }
        found.answer_sets.push(answers);
    }
    found.never_fire = (0..rules.rules.len()).filter(|&i| !fired[i]).collect();
    found.disagreements = (0..rules.rules.len())
        .filter(|&i| fired[i] && rules.rules[i].conflict.is_some())
        .collect();
    found
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The analysis equals brute force: the number of valid answer sets
    /// (a question unasked only where its `ask_when` fails), the gaps, the
    /// rules that never fire, the contradictions with their counts and the
    /// disagreements; and every valid answer set evaluates as the example
    /// of its class.
    #[test]
    fn the_analysis_equals_brute_force_with_unasked_questions(
        range in (-4..4i64, -4..4i64),
        number_rules in prop::collection::vec((prop::option::of(-5..5i64), prop::option::of(-5..5i64)), 0..3),
        exclusive in prop::collection::vec(prop::bool::weighted(0.2), 2..5),
        several_rules in prop::collection::vec((any::<u8>(), any::<u8>(), any::<u8>()), 0..3),
        asks in (any::<bool>(), any::<bool>()),
        ask in ask_on(),
        choice_rules in prop::collection::vec(
            (any::<u8>(), prop::option::of(any::<u8>()), 0..5usize, any::<bool>(), prop::bool::weighted(0.2)),
            0..6,
        ),
    ) {
        let text = asking_rule_set(range, &number_rules, &exclusive, &several_rules, asks, &ask, &choice_rules);
        let rules = match load(&text) {
            Ok(rules) => rules,
            Err(e) => return Err(TestCaseError::fail(format!("{e}\n{text}"))),
        };
        let analysis = analyse(&rules).unwrap();
        let truth = brute_force(&rules);
        prop_assert_eq!(analysis.combinations, truth.combinations, "{}", text);
        prop_assert_eq!(analysis.gaps, truth.gaps, "{}", text);
        prop_assert_eq!(analysis.gaps > 0, !analysis.gap_examples.is_empty());
        prop_assert_eq!(&analysis.never_fire, &truth.never_fire, "{}", text);
        prop_assert_eq!(&analysis.disagreements, &truth.disagreements, "{}", text);
        let contradictions: BTreeMap<(usize, usize, usize), usize> = analysis
            .contradictions
            .iter()
            .map(|c| ((c.source, c.pass_rule, c.caution_rule), c.count))
            .collect();
        prop_assert_eq!(contradictions, truth.contradictions, "{}", text);
        let space = AnswerSpace::new(&rules).unwrap();
        let classes = space.classes(&rules).unwrap();
        prop_assert_eq!(classes.iter().map(|c| c.weight).sum::<usize>(), truth.combinations);
        // A class holds the answer sets whose matching rules have the same
        // levels (and flags): what the outcome depends on.
        let levels = |a: &candidacy::evaluate::Assessment<'_>| {
            let mut levels: Vec<_> = a.findings.iter().map(|r| r.level).collect();
            levels.dedup();
            levels
        };
        for answers in &truth.answer_sets {
            let class = classes.of(&space, &rules, answers);
            prop_assert!(class.is_some(), "{:?}", answers);
            let ours = evaluate(&rules, answers);
            let theirs = evaluate(&rules, &class.unwrap().example);
            prop_assert_eq!((ours.outcome, ours.fallback), (theirs.outcome, theirs.fallback));
            prop_assert_eq!(levels(&ours), levels(&theirs));
        }
    }
}
