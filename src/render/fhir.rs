//! HL7 FHIR R4 (4.0.1) JSON: the questionnaire as a `Questionnaire`, and a
//! screening as a `QuestionnaireResponse` that references it by canonical
//! URL and version.
//!
//! The outcome and findings travel inside the response as a contained
//! `Observation` (id `outcome`, status `preliminary`, category `survey`):
//! the outcome is its `valueCodeableConcept`, each finding a `component`
//! (the rule id as code, the level's words as its text, the message and its citations as `valueString`),
//! and the disclaimer, the time made and the rule set's identity its
//! `note`s. The response points at it with the extension
//! [`OUTCOME_EXTENSION`], so the contained resource is referenced as FHIR
//! requires. The narrative (`text.div`) repeats the outcome and the
//! disclaimer for any EHR that only shows narratives.
//!
//! Only the fields used are modelled, as small serde structs.

use crate::ruleset::Test;
use serde::Serialize;

use super::Report;
use super::json::pretty;
use super::view::View;
use crate::answers::Value;
use crate::ruleset::{Question, QuestionKind, RuleSet};

/// The Questionnaire's canonical URL (a URN: an identifier, not an
/// address). Responses reference `URL|version`, the version being the rule
/// set's.
pub const QUESTIONNAIRE_URL: &str = "urn:candidacy:questionnaire";
/// The code system of a question's options: this, `:`, the question id.
pub const OPTION_SYSTEM: &str = "urn:candidacy:option";
/// The code system of outcome levels (`urgent-care`, ...).
pub const LEVEL_SYSTEM: &str = "urn:candidacy:level";
/// The code system of rule ids.
pub const RULE_SYSTEM: &str = "urn:candidacy:rule";
/// The code system of the Observation's code.
pub const CODE_SYSTEM: &str = "urn:candidacy:code";
/// The response's extension that references the contained outcome.
pub const OUTCOME_EXTENSION: &str = "urn:candidacy:extension:screening-outcome";

const MIN_VALUE: &str = "http://hl7.org/fhir/StructureDefinition/minValue";
const MAX_VALUE: &str = "http://hl7.org/fhir/StructureDefinition/maxValue";
const OBSERVATION_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Questionnaire<'a> {
    resource_type: &'static str,
    id: &'static str,
    url: &'static str,
    version: &'a str,
    name: &'static str,
    title: &'a str,
    status: &'static str,
    date: &'a str,
    description: &'a str,
    item: Vec<Item<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Item<'a> {
    link_id: String,
    text: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    required: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    repeats: Option<bool>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    extension: Vec<Extension>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    enable_when: Vec<EnableWhen<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    enable_behavior: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    answer_option: Vec<AnswerOption<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    item: Vec<Item<'a>>,
}

/// One condition of an item's `enableWhen`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EnableWhen<'a> {
    question: &'a str,
    operator: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    answer_coding: Option<Coding<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    answer_integer: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    answer_boolean: Option<bool>,
}

/// A question's `ask_when` as FHIR `enableWhen` conditions and their
/// `enableBehavior`, or `None` when FHIR R4's `enableWhen` cannot say it
/// (a several-choice "any of" among other conditions).
///
/// Every condition is written so that they all must hold ("all"): a choice
/// among some options is "not equal" to each of the others (in FHIR R4,
/// `!=` holds when no answer equals the value), a range is `>=` and `<=`,
/// a several-choice "all of" is `=` for each and "none of" `!=` for each.
/// A several-choice "any of" with more than one option holds only as the
/// one condition, with the behavior "any".
///
/// In R4 `!=` also holds when the question has no answer (it may itself
/// not be asked), where `ask_when` fails; so each question tested with
/// `!=` also gets an `exists` condition.
fn enable_when<'a>(
    rules: &'a RuleSet,
    question: &Question,
) -> Option<(Vec<EnableWhen<'a>>, Option<&'static str>)> {
    let mut conditions = Vec::new();
    let mut any_of: Option<Vec<EnableWhen<'a>>> = None;
    for m in &question.ask_when {
        let on = &rules.questions[m.question];
        let coded = |operator, i| EnableWhen {
            question: &on.id,
            operator,
            answer_coding: Some(coding(on, i)),
            answer_integer: None,
            answer_boolean: None,
        };
        match &m.test {
            Test::OneOf(set) => conditions.extend(
                (0..on.options().len())
                    .filter(|&i| !set.contains(i))
                    .map(|i| coded("!=", i)),
            ),
            Test::Range { min, max } => {
                for (operator, n) in [(">=", *min), ("<=", *max)] {
                    conditions.push(EnableWhen {
                        question: &on.id,
                        operator,
                        answer_coding: None,
                        answer_integer: Some(n),
                        answer_boolean: None,
                    });
                }
            }
            Test::Several { any, all, none } => {
                conditions.extend(all.iter().map(|i| coded("=", i)));
                conditions.extend(none.iter().map(|i| coded("!=", i)));
                match any.len() {
                    0 => {}
                    1 => conditions.extend(any.iter().map(|i| coded("=", i))),
                    _ if any_of.is_none() => {
                        any_of = Some(any.iter().map(|i| coded("=", i)).collect())
                    }
                    _ => return None,
                }
            }
        }
    }
    let mut answered: Vec<&'a str> = Vec::new();
    for condition in &conditions {
        if condition.operator == "!=" && !answered.contains(&condition.question) {
            answered.push(condition.question);
        }
    }
    conditions.extend(answered.into_iter().map(|question| EnableWhen {
        question,
        operator: "exists",
        answer_coding: None,
        answer_integer: None,
        answer_boolean: Some(true),
    }));
    match any_of {
        None => {
            let behavior = (conditions.len() > 1).then_some("all");
            Some((conditions, behavior))
        }
        Some(any) if conditions.is_empty() => Some((any, Some("any"))),
        Some(_) => None,
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Extension {
    url: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    value_integer: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value_reference: Option<Reference>,
}

#[derive(Serialize)]
struct Reference {
    reference: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AnswerOption<'a> {
    value_coding: Coding<'a>,
}

#[derive(Serialize)]
struct Coding<'a> {
    system: String,
    code: &'a str,
    display: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Response<'a> {
    resource_type: &'static str,
    text: Narrative,
    contained: [Observation<'a>; 1],
    extension: [Extension; 1],
    questionnaire: String,
    status: &'static str,
    authored: &'a str,
    item: Vec<ResponseItem<'a>>,
}

#[derive(Serialize)]
struct Narrative {
    status: &'static str,
    div: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResponseItem<'a> {
    link_id: &'a str,
    text: &'a str,
    answer: Vec<Answer<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Answer<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    value_coding: Option<Coding<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value_integer: Option<i64>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Observation<'a> {
    resource_type: &'static str,
    id: &'static str,
    status: &'static str,
    category: [Concept<'a>; 1],
    code: Concept<'a>,
    effective_date_time: &'a str,
    value_codeable_concept: Concept<'a>,
    derived_from: [Reference; 1],
    note: Vec<Annotation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    component: Vec<Component<'a>>,
}

#[derive(Serialize)]
struct Concept<'a> {
    coding: [Coding<'a>; 1],
    text: &'a str,
}

#[derive(Serialize)]
struct Annotation {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Component<'a> {
    code: Concept<'a>,
    value_string: String,
}

fn option_system(question: &Question) -> String {
    format!("{OPTION_SYSTEM}:{}", question.id)
}

fn coding<'a>(question: &'a Question, option: usize) -> Coding<'a> {
    let option = &question.options()[option];
    Coding {
        system: option_system(question),
        code: &option.id,
        display: &option.label,
    }
}

/// The questionnaire as a FHIR R4 `Questionnaire` (JSON).
pub fn questionnaire(rules: &RuleSet) -> String {
    let item = rules
        .questions
        .iter()
        .map(|question| {
            let (kind, repeats, extension) = match &question.kind {
                QuestionKind::Choice(_) => ("choice", None, Vec::new()),
                QuestionKind::Multi(_) => ("choice", Some(true), Vec::new()),
                QuestionKind::Number { min, max } => (
                    "integer",
                    None,
                    [(MIN_VALUE, *min), (MAX_VALUE, *max)]
                        .into_iter()
                        .map(|(url, n)| Extension {
                            url,
                            value_integer: Some(n),
                            value_reference: None,
                        })
                        .collect(),
                ),
            };
            // A question whose `ask_when` FHIR cannot say is shown always,
            // and not required: a form must not demand an answer the
            // screen may not ask for (see docs/architecture.md).
            let (enable_when, enable_behavior, required) = match enable_when(rules, question) {
                Some((conditions, behavior)) => (conditions, behavior, true),
                None => (Vec::new(), None, false),
            };
            let help = (!question.help.trim().is_empty()).then(|| Item {
                link_id: format!("{}.help", question.id),
                text: &question.help,
                kind: "display",
                required: None,
                repeats: None,
                extension: Vec::new(),
                enable_when: Vec::new(),
                enable_behavior: None,
                answer_option: Vec::new(),
                item: Vec::new(),
            });
            Item {
                link_id: question.id.clone(),
                text: &question.prompt,
                kind,
                required: Some(required),
                repeats,
                extension,
                enable_when,
                enable_behavior,
                answer_option: (0..question.options().len())
                    .map(|i| AnswerOption {
                        value_coding: coding(question, i),
                    })
                    .collect(),
                item: help.into_iter().collect(),
            }
        })
        .collect();
    pretty(&Questionnaire {
        resource_type: "Questionnaire",
        id: "candidacy-screen",
        url: QUESTIONNAIRE_URL,
        version: &rules.meta.version,
        name: "CandidacyScreen",
        title: &rules.meta.name,
        status: "active",
        date: &rules.meta.reviewed,
        description: &rules.meta.disclaimer,
        item,
    })
}

/// Which questions have an item in the response: those answered whose
/// `ask_when` holds on the answers of the items before them. Only an
/// enabled item may carry answers (R4: enabled means "displayed/allow
/// answers to be captured"), as in any SDC renderer's response, so a
/// question not asked has no item even when an answer was given for it;
/// that answer was still evaluated, and the findings it led to are in the
/// Observation.
fn enabled_items(rules: &RuleSet, values: &[Value]) -> Vec<bool> {
    let mut enabled: Vec<bool> = Vec::with_capacity(values.len());
    for (question, value) in rules.questions.iter().zip(values) {
        let holds = question.ask_when.iter().all(|m| {
            // The loader checks that `m.question` comes before this one.
            enabled.get(m.question).copied().unwrap_or(false)
                && values
                    .get(m.question)
                    .is_some_and(|earlier| m.test.matches(earlier))
        });
        enabled.push(value.is_given() && holds);
    }
    enabled
}

/// A screening as a FHIR R4 `QuestionnaireResponse` (JSON) with the outcome
/// and findings in a contained `Observation`.
pub fn response(report: &Report<'_>) -> String {
    let rules = report.rules;
    // A chart record: the narrative carries every quote.
    let view = View::new(&Report {
        details: true,
        ..*report
    });
    let level = rules.levels.get(report.assessment.outcome);
    let enabled = enabled_items(rules, report.answers.values());
    let item = rules
        .questions
        .iter()
        .zip(report.answers.values())
        .zip(enabled)
        .filter(|(_, enabled)| *enabled)
        .map(|((question, value), _)| ResponseItem {
            link_id: &question.id,
            text: &question.prompt,
            answer: match value {
                Value::Choice(i) => vec![Answer {
                    value_coding: Some(coding(question, *i)),
                    value_integer: None,
                }],
                Value::Several(set) => set
                    .iter()
                    .map(|i| Answer {
                        value_coding: Some(coding(question, i)),
                        value_integer: None,
                    })
                    .collect(),
                Value::Number(n) => vec![Answer {
                    value_coding: None,
                    value_integer: Some(*n),
                }],
                Value::Unasked => Vec::new(),
            },
        })
        .collect();
    let component = report
        .assessment
        .findings
        .iter()
        .map(|rule| {
            let mut value = rule.message.clone();
            for citation in &rule.citations {
                value.push('\n');
                value.push_str(&report.citation_line(citation));
            }
            Component {
                // The code names the rule; the text is the finding's level
                // in words, which is what a reader of the chart needs.
                code: Concept {
                    coding: [Coding {
                        system: RULE_SYSTEM.to_owned(),
                        code: &rule.id,
                        display: &rule.id,
                    }],
                    text: &rules.levels.get(rule.level).label,
                },
                value_string: value,
            }
        })
        .collect();
    let observation = Observation {
        resource_type: "Observation",
        id: "outcome",
        status: "preliminary",
        category: [Concept {
            coding: [Coding {
                system: OBSERVATION_CATEGORY.to_owned(),
                code: "survey",
                display: "Survey",
            }],
            text: "Survey",
        }],
        code: Concept {
            coding: [Coding {
                system: CODE_SYSTEM.to_owned(),
                code: "screening-outcome",
                display: &rules.text.outcome_heading,
            }],
            text: &rules.meta.name,
        },
        effective_date_time: report.created,
        value_codeable_concept: Concept {
            coding: [Coding {
                system: LEVEL_SYSTEM.to_owned(),
                code: report.assessment.outcome.id(),
                display: &level.label,
            }],
            text: &level.label,
        },
        derived_from: [Reference { reference: "#" }],
        note: [
            Some(&view.disclaimer),
            view.fallback.as_ref(),
            view.overdue.as_ref(),
            Some(&view.made),
            Some(&view.ruleset),
        ]
        .into_iter()
        .flatten()
        .map(|text| Annotation { text: text.clone() })
        .collect(),
        component,
    };
    pretty(&Response {
        resource_type: "QuestionnaireResponse",
        text: Narrative {
            status: "generated",
            div: narrative(&view),
        },
        contained: [observation],
        extension: [Extension {
            url: OUTCOME_EXTENSION,
            value_integer: None,
            value_reference: Some(Reference {
                reference: "#outcome",
            }),
        }],
        questionnaire: format!("{QUESTIONNAIRE_URL}|{}", rules.meta.version),
        status: "completed",
        authored: report.created,
        item,
    })
}

/// The human-readable XHTML narrative: outcome, disclaimer, findings,
/// "Before you book" and identity, every value escaped.
fn narrative(view: &View) -> String {
    let mut div = String::from("<div xmlns=\"http://www.w3.org/1999/xhtml\">");
    let p = |div: &mut String, text: &str| {
        div.push_str("<p>");
        div.push_str(&xml_escape(text));
        div.push_str("</p>");
    };
    p(&mut div, &view.action);
    p(
        &mut div,
        &format!("{}: {}", view.outcome_heading, view.outcome_label),
    );
    p(&mut div, &view.disclaimer);
    if let Some(then) = &view.urgent_then {
        p(&mut div, then);
    }
    let findings = view
        .urgent
        .iter()
        .chain(view.findings.iter().map(|f| &f.cited))
        .chain(&view.info);
    div.push_str("<ul>");
    for finding in findings {
        div.push_str("<li>");
        div.push_str(&xml_escape(&finding.text));
        div.push_str("</li>");
    }
    div.push_str("</ul>");
    // A clinic's promise is never shown without what research says.
    if !view.claims.is_empty() {
        p(&mut div, &view.claims_heading);
        div.push_str("<ul>");
        for claim in &view.claims {
            div.push_str("<li>");
            div.push_str(&xml_escape(&claim.topic));
            div.push_str(": ");
            div.push_str(&xml_escape(&claim.promise.text));
            div.push(' ');
            div.push_str(&xml_escape(&claim.evidence.text));
            div.push_str("</li>");
        }
        div.push_str("</ul>");
    }
    // Every summary carries "Before you book", the narrative too.
    p(&mut div, &view.before_you_book_heading);
    div.push_str("<ul>");
    for advice in &view.before_you_book {
        div.push_str("<li>");
        div.push_str(&xml_escape(&advice.text));
        div.push_str("</li>");
    }
    div.push_str("</ul>");
    p(&mut div, &view.made);
    p(&mut div, &view.ruleset);
    div.push_str("</div>");
    div
}

/// Escapes text for XHTML content.
fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in rule set with the `ask_when` of question `id` (asked
    /// without a warning sign) replaced by `ask_when`.
    fn asked_when(id: &str, ask_when: &str) -> RuleSet {
        let built_in = format!(
            "[[question]]\nid = \"{id}\"\nask_when.warning_signs = {{ any = [\"none\"] }}\n"
        );
        let changed = format!("[[question]]\nid = \"{id}\"\n{ask_when}\n");
        RuleSet::built_in_with(Some(("questionnaire.toml", &built_in, &changed)), &[])
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// Every question answered as in `examples/knee-moderate.toml`, but
    /// the warning signs and the problem.
    fn every_answer(rules: &RuleSet, signs: &str, condition: &str) -> crate::answers::AnswerSet {
        crate::render::knee_answers(rules, &[("warning_signs", signs), ("condition", condition)])
    }

    /// The ids of the questions with an item.
    fn items_of(rules: &RuleSet, answers: &crate::answers::AnswerSet) -> Vec<String> {
        rules
            .questions
            .iter()
            .zip(enabled_items(rules, answers.values()))
            .filter(|(_, enabled)| *enabled)
            .map(|(q, _)| q.id.clone())
            .collect()
    }

    #[test]
    fn an_answer_given_for_a_question_not_asked_has_no_item_but_is_evaluated() {
        use crate::render::Report;
        let rules = RuleSet::embedded().unwrap();
        // A warning sign, then every other answer too: those questions are
        // not asked, so their answers are not items, though they count.
        let answers = every_answer(&rules, "fever", "knee-arthritis");
        let assessment = crate::evaluate::evaluate(&rules, &answers);
        let fired = |id: &str| assessment.findings.iter().any(|r| r.id == id);
        assert!(fired("jmc-middle-age"), "the age was evaluated");
        let response: serde_json::Value =
            serde_json::from_str(&response(&Report::for_test(&rules, &answers, &assessment)))
                .unwrap();
        let items: Vec<&str> = response["item"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["linkId"].as_str().unwrap())
            .collect();
        assert_eq!(items, ["warning_signs"]);
        assert_eq!(items_of(&rules, &answers), items);
        let observation = response["contained"][0].to_string();
        assert!(observation.contains("jmc-middle-age"), "{observation}");

        // Without the sign, every question is asked and has its item; the
        // imaging question is not asked for a fracture.
        let answers = every_answer(&rules, "none", "non-healing-fracture");
        assert_eq!(
            items_of(&rules, &answers),
            [
                "warning_signs",
                "condition",
                "duration",
                "severity",
                "age",
                "active_infection",
                "health",
                "prior_treatments"
            ]
        );
        let answers = every_answer(&rules, "none", "knee-arthritis");
        assert_eq!(items_of(&rules, &answers).len(), rules.questions.len());
    }

    fn item(rules: &RuleSet, id: &str) -> serde_json::Value {
        let q: serde_json::Value = serde_json::from_str(&questionnaire(rules)).unwrap();
        q["item"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["linkId"] == id)
            .unwrap()
            .clone()
    }

    /// `(question, operator, code or number)` of each enableWhen.
    fn conditions(item: &serde_json::Value) -> Vec<(String, String, String)> {
        item["enableWhen"]
            .as_array()
            .map(|all| {
                all.iter()
                    .map(|c| {
                        let value = c["answerCoding"]["code"].as_str().map_or_else(
                            || match c.get("answerBoolean") {
                                Some(b) => b.to_string(),
                                None => c["answerInteger"].to_string(),
                            },
                            str::to_owned,
                        );
                        (
                            c["question"].as_str().unwrap().to_owned(),
                            c["operator"].as_str().unwrap().to_owned(),
                            value,
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    fn triple(q: &str, op: &str, v: &str) -> (String, String, String) {
        (q.to_owned(), op.to_owned(), v.to_owned())
    }

    #[test]
    fn ask_when_becomes_enable_when_that_holds_exactly_when_it_does() {
        // A several-choice "any of" one option, and a range: all must hold.
        let rules = asked_when(
            "active_infection",
            "ask_when.warning_signs = { any = [\"none\"] }\nask_when.age = { min = 18, max = 65 }",
        );
        let infection = item(&rules, "active_infection");
        assert_eq!(infection["enableBehavior"], "all");
        assert_eq!(infection["required"], true);
        assert_eq!(
            conditions(&infection),
            [
                triple("warning_signs", "=", "none"),
                triple("age", ">=", "18"),
                triple("age", "<=", "65"),
            ]
        );
        // A choice among some options: not equal to each other option.
        let rules = asked_when(
            "severity",
            "ask_when.condition = { in = [\"knee-arthritis\", \"hip-arthritis\", \"shoulder-arthritis\", \"hip-or-shoulder-injury\", \"disc-degeneration\", \"non-healing-fracture\", \"tendon-injury\", \"ligament-tear\", \"sports-injury\"] }",
        );
        assert_eq!(
            conditions(&item(&rules, "severity")),
            [
                triple("condition", "!=", "cartilage-degeneration"),
                triple("condition", "!=", "other"),
                // `!=` holds with no answer at all; ask_when does not.
                triple("condition", "exists", "true"),
            ]
        );
        // One "any of" several options alone: the behavior is "any".
        let rules = asked_when(
            "condition",
            "ask_when.warning_signs = { any = [\"fever\", \"none\"] }",
        );
        let condition = item(&rules, "condition");
        assert_eq!(condition["enableBehavior"], "any");
        assert_eq!(conditions(&condition).len(), 2);
        // Beside another condition FHIR R4 cannot say it: shown always, not
        // required.
        let rules = asked_when(
            "active_infection",
            "ask_when.warning_signs = { any = [\"fever\", \"none\"] }\nask_when.age = { min = 18 }",
        );
        let infection = item(&rules, "active_infection");
        assert!(infection.get("enableWhen").is_none());
        assert_eq!(infection["required"], false);
        // No ask_when: no enableWhen, required.
        let signs = item(&rules, "warning_signs");
        assert!(signs.get("enableWhen").is_none() && signs.get("enableBehavior").is_none());
        assert_eq!(signs["required"], true);
        // The built-in ask_when: asked when no warning sign is chosen.
        let age = item(&RuleSet::embedded().unwrap(), "age");
        assert_eq!(conditions(&age), [triple("warning_signs", "=", "none")]);
        assert_eq!(age["required"], true);
    }

    #[test]
    fn the_questionnaire_has_every_question_and_option() {
        let rules = RuleSet::embedded().unwrap();
        let q: serde_json::Value = serde_json::from_str(&questionnaire(&rules)).unwrap();
        let items = q["item"].as_array().unwrap();
        assert_eq!(items.len(), rules.questions.len());
        let treatments = items
            .iter()
            .find(|i| i["linkId"] == "prior_treatments")
            .unwrap();
        assert_eq!(treatments["repeats"], true);
        assert_eq!(treatments["type"], "choice");
        let age = items.iter().find(|i| i["linkId"] == "age").unwrap();
        assert_eq!(age["type"], "integer");
        assert_eq!(age["extension"][0]["valueInteger"], 0);
        assert_eq!(age["extension"][1]["valueInteger"], 120);
        // Every option of every question is offered, with its id as code.
        for (item, question) in items.iter().zip(&rules.questions) {
            let codes: Vec<&str> = item["answerOption"]
                .as_array()
                .map(|options| {
                    options
                        .iter()
                        .filter_map(|o| o["valueCoding"]["code"].as_str())
                        .collect()
                })
                .unwrap_or_default();
            let ids: Vec<&str> = question.options().iter().map(|o| o.id.as_str()).collect();
            assert_eq!(codes, ids, "{}", question.id);
        }
    }

    #[test]
    fn narrative_text_is_escaped() {
        assert_eq!(xml_escape("<b>&\"x\""), "&lt;b&gt;&amp;&quot;x&quot;");
    }

    #[test]
    fn a_several_choice_test_without_any_of_keeps_its_enable_when() {
        // "None of" alone: not equal, with the answer required to exist.
        let rules = asked_when("age", "ask_when.warning_signs = { none = [\"fever\"] }");
        let age = item(&rules, "age");
        assert_eq!(
            conditions(&age),
            [
                triple("warning_signs", "!=", "fever"),
                triple("warning_signs", "exists", "true"),
            ]
        );
        assert_eq!(age["enableBehavior"], "all");
        assert_eq!(age["required"], true);
        // One condition needs no behavior.
        let age = item(&RuleSet::embedded().unwrap(), "age");
        assert_eq!(conditions(&age).len(), 1);
        assert!(age.get("enableBehavior").is_none(), "{age}");
    }

    #[test]
    fn two_any_of_several_options_cannot_be_said_in_fhir_so_the_item_is_always_shown() {
        let rules = asked_when(
            "prior_treatments",
            "ask_when.warning_signs = { any = [\"fever\", \"none\"] }\nask_when.health = { any = [\"none\", \"blood-thinner\"] }",
        );
        let treatments = item(&rules, "prior_treatments");
        assert!(treatments.get("enableWhen").is_none(), "{treatments}");
        assert_eq!(treatments["required"], false);
    }

    #[test]
    fn each_option_is_coded_in_its_questions_system_and_each_help_is_shown() {
        let rules = RuleSet::embedded().unwrap();
        for question in &rules.questions {
            let item = item(&rules, &question.id);
            // As the README documents: urn:candidacy:option:<question id>.
            let system = format!("urn:candidacy:option:{}", question.id);
            for option in item["answerOption"].as_array().into_iter().flatten() {
                assert_eq!(option["valueCoding"]["system"], system.as_str());
            }
            let help: Vec<&serde_json::Value> = item["item"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|i| i["type"] == "display")
                .collect();
            if question.help.trim().is_empty() {
                assert!(help.is_empty(), "{}", question.id);
            } else {
                assert_eq!(help.len(), 1, "{}", question.id);
                assert_eq!(help[0]["text"], question.help.as_str());
            }
        }
    }

    #[test]
    fn the_chart_records_narrative_lists_every_finding_the_details_show() {
        use crate::render::Report;
        let rules = RuleSet::embedded().unwrap();
        let answers = every_answer(&rules, "none", "knee-arthritis");
        let assessment = crate::evaluate::evaluate(&rules, &answers);
        // A patient's report, as the short summary would be asked for.
        let report = Report::for_test(&rules, &answers, &assessment);
        let response: serde_json::Value = serde_json::from_str(&response(&report)).unwrap();
        let div = response["text"]["div"].as_str().unwrap();
        let details = Report {
            details: true,
            ..report
        };
        let shown: Vec<&crate::ruleset::Rule> = assessment
            .findings
            .iter()
            .copied()
            .filter(|r| details.shows(r))
            .collect();
        // More than the short summary's reasons and notes.
        assert!(shown.len() > report.why().count() + report.notes().count());
        for rule in shown {
            let message = xml_escape(&crate::sanitize::sanitize(&rule.message));
            assert!(div.contains(&message), "{}: {div}", rule.id);
        }
    }
}
