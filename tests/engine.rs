//! The evaluator on the default rule set: one test per rule behaviour the
//! foundation issue asks for, then invariants checked exhaustively over the
//! whole answer space (every option, every age band the rules distinguish,
//! every several-choice combination).
#![allow(clippy::unwrap_used)] // a panic is how a test reports failure

use std::collections::BTreeSet;

use candidacy::analysis::{AnswerSpace, analyse};
use candidacy::answers::{AnswerSet, Answers, Value};
use candidacy::evaluate::{Assessment, Fallback, evaluate};
use candidacy::level::Level;
use candidacy::ruleset::{OptionSet, RuleSet, Test};

mod common;

fn rules() -> RuleSet {
    RuleSet::embedded().expect("the default rule set loads")
}

fn answers(rules: &RuleSet, pairs: &[(&str, &str)]) -> AnswerSet {
    let mut answers = Answers::new(rules);
    for (key, value) in pairs {
        answers.give(rules, key, value).expect("valid answer");
    }
    answers.complete(rules).expect("complete answers")
}

/// A baseline that the sources describe (knee arthritis for over a year,
/// moderate damage on a scan, an adult, no infection, none of the health
/// conditions, rest and therapy tried), with one answer replaced.
fn with(rules: &RuleSet, key: &str, value: &str) -> AnswerSet {
    with_all(rules, &[(key, value)])
}

/// The baseline with several answers replaced.
fn with_all(rules: &RuleSet, changes: &[(&str, &str)]) -> AnswerSet {
    without(rules, changes, &[])
}

/// The baseline with several answers replaced and some left out (a
/// question the changed answers no longer ask).
fn without(rules: &RuleSet, changes: &[(&str, &str)], left_out: &[&str]) -> AnswerSet {
    let mut pairs = vec![
        ("warning_signs", "none"),
        ("condition", "knee-arthritis"),
        ("duration", "over-a-year"),
        ("severity", "moderate"),
        ("imaging", "moderate"),
        ("age", "54"),
        ("active_infection", "no"),
        ("health", "none"),
        ("prior_treatments", "rest,physical-therapy"),
    ];
    pairs.retain(|(k, _)| changes.iter().all(|(c, _)| c != k) && !left_out.contains(k));
    pairs.extend_from_slice(changes);
    answers(rules, &pairs)
}

fn fired<'r>(assessment: &Assessment<'r>) -> Vec<&'r str> {
    assessment.findings.iter().map(|r| r.id.as_str()).collect()
}

fn cited_sources(rules: &RuleSet, assessment: &Assessment<'_>, level: Level) -> BTreeSet<String> {
    assessment
        .findings
        .iter()
        .filter(|r| r.level == level)
        .flat_map(|r| &r.citations)
        .map(|c| rules.sources[c.source].id.clone())
        .collect()
}

#[test]
fn each_listed_condition_may_be_suitable_citing_the_documents_that_list_it() {
    let rules = rules();
    // Each with the damage its reading needs. Severe arthritis is where the
    // sources disagree (a clinician decides), so the arthritis passes rest
    // on the Defiage post's moderate joint damage; Johnson's advanced
    // arthritis no longer passes on its own.
    let cases: &[(&str, &str, &[&str])] = &[
        ("knee-arthritis", "moderate", &["defiage"]),
        ("hip-arthritis", "moderate", &["defiage"]),
        ("shoulder-arthritis", "moderate", &["defiage"]),
        ("hip-or-shoulder-injury", "moderate", &["defiage"]),
        ("disc-degeneration", "severe", &["johnson-medical-center"]),
        ("non-healing-fracture", "", &["johnson-medical-center"]),
        (
            "tendon-injury",
            "moderate",
            &["defiage", "johnson-medical-center"],
        ),
        ("ligament-tear", "moderate", &["defiage"]),
        ("sports-injury", "not-checked", &["johnson-medical-center"]),
        ("cartilage-degeneration", "early", &["defiage"]),
    ];
    for (condition, imaging, sources) in cases {
        // A fracture is not asked about imaging.
        let answers = if imaging.is_empty() {
            without(&rules, &[("condition", condition)], &["imaging"])
        } else {
            with_all(&rules, &[("condition", condition), ("imaging", imaging)])
        };
        let assessment = evaluate(&rules, &answers);
        assert_eq!(
            assessment.outcome,
            Level::MayBeSuitable,
            "{condition}: {:?}",
            fired(&assessment)
        );
        assert_eq!(assessment.fallback, None);
        let cited = cited_sources(&rules, &assessment, Level::MayBeSuitable);
        assert_eq!(
            cited.iter().map(String::as_str).collect::<Vec<_>>(),
            *sources,
            "{condition}"
        );
    }
}

#[test]
fn a_condition_no_source_lists_goes_to_a_clinician() {
    let rules = rules();
    let assessment = evaluate(&rules, &with(&rules, "condition", "other"));
    assert_eq!(assessment.outcome, Level::ClinicianReview);
    assert!(fired(&assessment).contains(&"condition-not-listed"));
}

#[test]
fn severe_joint_damage_shows_both_sources_disagreeing_and_goes_to_a_clinician() {
    let rules = rules();
    for condition in [
        "knee-arthritis",
        "hip-arthritis",
        "ligament-tear",
        "cartilage-degeneration",
    ] {
        let answers = with_all(&rules, &[("imaging", "severe"), ("condition", condition)]);
        let assessment = evaluate(&rules, &answers);
        assert_eq!(assessment.outcome, Level::ClinicianReview, "{condition}");
        let conflicts: Vec<_> = assessment.conflicts().collect();
        assert_eq!(conflicts.len(), 1, "{condition}");
        let quotes: Vec<(&str, &str)> = conflicts[0]
            .citations
            .iter()
            .map(|c| (rules.sources[c.source].id.as_str(), c.quote.as_str()))
            .collect();
        assert!(quotes.contains(&(
            "johnson-medical-center",
            "may be better suited for more advanced degeneration"
        )));
        assert!(quotes.contains(&(
            "johnson-medical-center",
            "more severe wear-and-tear injuries"
        )));
        assert!(quotes.contains(&(
            "defiage",
            "may not be suitable for patients with severe joint damage"
        )));
    }
}

#[test]
fn severe_problems_outside_joints_show_no_disagreement() {
    let rules = rules();
    let answers = with_all(
        &rules,
        &[("imaging", "severe"), ("condition", "disc-degeneration")],
    );
    let assessment = evaluate(&rules, &answers);
    assert_eq!(assessment.conflicts().count(), 0);
    assert_eq!(assessment.outcome, Level::MayBeSuitable);
    assert!(fired(&assessment).contains(&"jmc-severe-wear-and-tear"));
}

#[test]
fn unsure_severity_goes_to_a_clinician() {
    let rules = rules();
    let assessment = evaluate(&rules, &with(&rules, "severity", "unsure"));
    assert_eq!(assessment.outcome, Level::ClinicianReview);
    assert!(fired(&assessment).contains(&"severity-unsure"));
}

#[test]
fn early_joint_damage_is_not_described_by_either_source() {
    let rules = rules();
    let assessment = evaluate(&rules, &with(&rules, "imaging", "early"));
    assert_eq!(assessment.outcome, Level::ClinicianReview);
    assert!(fired(&assessment).contains(&"early-joint-damage-not-described"));
    // How much it gets in the way is not the damage: mild still passes.
    let mild = evaluate(&rules, &with(&rules, "severity", "mild"));
    assert_eq!(mild.outcome, Level::MayBeSuitable);
}

#[test]
fn an_active_infection_is_not_suitable_now_and_unsure_goes_to_a_clinician() {
    let rules = rules();
    let yes = evaluate(&rules, &with(&rules, "active_infection", "yes"));
    assert_eq!(yes.outcome, Level::NotSuitableNow);
    assert_eq!(
        cited_sources(&rules, &yes, Level::NotSuitableNow),
        BTreeSet::from(["defiage".to_owned()])
    );
    let unsure = evaluate(&rules, &with(&rules, "active_infection", "unsure"));
    assert_eq!(unsure.outcome, Level::ClinicianReview);
    assert!(fired(&unsure).contains(&"active-infection-unsure"));
}

#[test]
fn middle_age_is_an_info_note_and_under_18_goes_to_a_clinician() {
    let rules = rules();
    for (age, note) in [("40", true), ("65", true), ("39", false), ("66", false)] {
        let assessment = evaluate(&rules, &with(&rules, "age", age));
        assert_eq!(
            fired(&assessment).contains(&"jmc-middle-age"),
            note,
            "age {age}"
        );
        assert_eq!(assessment.outcome, Level::MayBeSuitable, "age {age}");
    }
    for age in ["0", "17"] {
        let assessment = evaluate(&rules, &with(&rules, "age", age));
        assert_eq!(assessment.outcome, Level::ClinicianReview, "age {age}");
        assert!(fired(&assessment).contains(&"age-under-18-not-addressed"));
    }
    assert_eq!(
        evaluate(&rules, &with(&rules, "age", "18")).outcome,
        Level::MayBeSuitable
    );
}

#[test]
fn a_sports_injury_needs_rest_or_therapy_tried_first() {
    let rules = rules();
    let base = [
        ("warning_signs", "none"),
        ("condition", "sports-injury"),
        ("duration", "3-to-12-months"),
        ("severity", "moderate"),
        ("imaging", "moderate"),
        ("age", "30"),
        ("active_infection", "no"),
        ("health", "none"),
    ];
    for (tried, outcome) in [
        ("rest", Level::MayBeSuitable),
        ("physical-therapy,surgery", Level::MayBeSuitable),
        ("none", Level::ClinicianReview),
        ("medication,injections", Level::ClinicianReview),
    ] {
        let mut pairs = base.to_vec();
        pairs.push(("prior_treatments", tried));
        let assessment = evaluate(&rules, &answers(&rules, &pairs));
        assert_eq!(assessment.outcome, outcome, "{tried}");
        if outcome == Level::ClinicianReview {
            let rule = rules
                .rules
                .iter()
                .find(|r| r.id == "sports-injury-rest-or-therapy-not-tried")
                .unwrap();
            assert!(assessment.findings.iter().any(|r| r.id == rule.id));
            assert_eq!(
                rule.citations[0].quote,
                "Sports injuries that haven't responded to rest or therapy"
            );
        }
    }
}

#[test]
fn what_to_expect_notes_come_with_every_summary() {
    let rules = rules();
    let expect: Vec<&str> = rules
        .rules
        .iter()
        .filter(|r| r.id.starts_with("expect-"))
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(expect.len(), 5);
    for answers in [
        with(&rules, "active_infection", "yes"),
        with(&rules, "condition", "other"),
    ] {
        let assessment = evaluate(&rules, &answers);
        for id in &expect {
            assert!(fired(&assessment).contains(id), "{id}");
        }
    }
    assert!(
        rules
            .rules
            .iter()
            .filter(|r| r.id.starts_with("expect-"))
            .all(|r| r.level == Level::Info)
    );
}

#[test]
fn safety_invariants_hold_for_every_answer_set() {
    let rules = rules();
    let space = AnswerSpace::new(&rules).unwrap();
    let classes = space.classes(&rules).unwrap();
    let infection = rules.question_index("active_infection").unwrap();
    let yes = rules.questions[infection].option_index("yes").unwrap();
    let signs = rules.question_index("warning_signs").unwrap();
    let no_sign = rules.questions[signs].option_index("none").unwrap();
    let mut evaluated = 0usize;
    let mut weight = 0usize;
    for class in classes.iter() {
        let answers = &class.example;
        let assessment = evaluate(&rules, answers);
        let most_serious = assessment
            .findings
            .iter()
            .map(|r| r.level)
            .find(|l| *l != Level::Info);

        assert_ne!(assessment.outcome, Level::Info);
        match assessment.fallback {
            None => assert_eq!(Some(assessment.outcome), most_serious),
            Some(_) => assert_eq!(assessment.outcome, Level::ClinicianReview),
        }
        assert!(
            assessment
                .findings
                .windows(2)
                .all(|w| w[0].level <= w[1].level),
            "findings are ordered most serious first"
        );
        if common::holds_not_sure(&rules, answers) {
            assert_ne!(assessment.outcome, Level::MayBeSuitable, "{answers:?}");
        }
        let any_sign = *answers.value(signs) != Value::Several(OptionSet::from_indices([no_sign]));
        if any_sign {
            assert_eq!(assessment.outcome, Level::UrgentCare, "{answers:?}");
        } else if *answers.value(infection) == Value::Choice(yes) {
            assert_eq!(assessment.outcome, Level::NotSuitableNow, "{answers:?}");
        }
        evaluated += 1;
        weight += class.weight;
    }
    // One answer set of every class was evaluated: the classes hold every
    // answer set (`every_answer_set_behaves_as_its_representative` in
    // tests/properties.rs checks that each evaluates as its class's).
    assert_eq!(weight, space.combinations());
    assert_eq!(evaluated, classes.len());
    // The classes tell apart which levels matched (and the flags), so
    // every outcome is among them, each with its many answer sets.
    for level in [
        Level::UrgentCare,
        Level::NotSuitableNow,
        Level::ClinicianReview,
        Level::MayBeSuitable,
    ] {
        assert!(
            classes
                .iter()
                .any(|c| evaluate(&rules, &c.example).outcome == level),
            "no class has the outcome {level}"
        );
    }
    // Gaps, rules that never fire and a source contradicting itself are
    // the analysis's job: see the_analysis_of_the_default_rule_set_is_clean.
}

#[test]
fn the_analysis_of_the_default_rule_set_is_clean() {
    let rules = rules();
    let analysis = analyse(&rules).unwrap();
    assert_eq!(
        analysis.combinations,
        AnswerSpace::new(&rules).unwrap().combinations()
    );
    assert_eq!(analysis.gaps, 0, "{:?}", analysis.gap_examples);
    assert!(analysis.never_fire.is_empty() && analysis.masked.is_empty());
    assert!(
        analysis.contradictions.is_empty(),
        "{:?}",
        analysis.contradictions
    );
    let notes: Vec<&str> = analysis
        .disagreements
        .iter()
        .map(|&i| rules.rules[i].id.as_str())
        .collect();
    assert_eq!(notes, ["severe-joint-damage-sources-disagree"]);
}

#[test]
fn the_fallback_is_a_real_path_on_an_edited_rule_set() {
    // Drop every rule but the info notes: nothing decides, so the outcome
    // must fall back to a clinician, never to may-be-suitable.
    let mut rules = rules();
    rules.rules.retain(|r| r.level == Level::Info);
    let assessment = evaluate(&rules, &with(&rules, "condition", "knee-arthritis"));
    assert_eq!(assessment.outcome, Level::ClinicianReview);
    assert_eq!(assessment.fallback, Some(Fallback::NoRuleMatched));
}

#[test]
fn an_unsure_answer_never_passes_even_if_an_edited_rule_says_so() {
    // Widen the arthritis rule to every imaging answer, "unsure" included,
    // and drop the rule that catches an unknown damage.
    let mut rules = rules();
    let imaging = rules.question_index("imaging").unwrap();
    let rule = rules
        .rules
        .iter_mut()
        .find(|r| r.id == "jmc-advanced-arthritis")
        .unwrap();
    for m in rule.when.iter_mut().filter(|m| m.question == imaging) {
        m.test = Test::OneOf(OptionSet::from_indices(0..5));
    }
    rules.rules.retain(|r| r.id != "damage-not-known");
    let assessment = evaluate(&rules, &with(&rules, "imaging", "unsure"));
    assert!(fired(&assessment).contains(&"jmc-advanced-arthritis"));
    assert_eq!(assessment.outcome, Level::ClinicianReview);
    assert_eq!(assessment.fallback, Some(Fallback::UnsureAnswer));
}

#[test]
fn not_sure_never_passes_over_every_answer_set_when_only_the_fallback_stands_in_the_way() {
    for rules in [
        common::one_pass_for_everything(),
        common::passes_widened_to_not_sure(),
    ] {
        let space = AnswerSpace::new(rules).unwrap();
        let mut not_sure = 0usize;
        let mut would_pass = 0usize;
        for class in space.classes(rules).unwrap().iter() {
            let answers = &class.example;
            if !common::holds_not_sure(rules, answers) {
                continue;
            }
            not_sure += 1;
            let assessment = evaluate(rules, answers);
            assert_ne!(assessment.outcome, Level::MayBeSuitable, "{answers:?}");
            if assessment.fallback == Some(Fallback::UnsureAnswer) {
                would_pass += 1;
            }
        }
        // The edited rule sets really put the fallback to work.
        assert!(not_sure > 0 && would_pass > 0, "{not_sure} {would_pass}");
    }
}
