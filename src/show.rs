//! `candidacy rules show`: every rule of a rule set at a glance, for the
//! people who edit rule files. Like `rules check` and `rules test`, this is
//! tooling for rule authors, so its wording is English in the code; what
//! patients and staff read lives in the rule files.

use comfy_table::{Cell, ColumnConstraint};
use serde::Serialize;

use crate::level::Level;
use crate::render::text::new_table;
use crate::ruleset::RuleSet;
use crate::sanitize::sanitize;

#[derive(Serialize)]
struct Listing<'a> {
    ruleset: Identity<'a>,
    questions: Vec<QuestionRow<'a>>,
    rules: Vec<RuleRow<'a>>,
}

#[derive(Serialize)]
struct QuestionRow<'a> {
    id: &'a str,
    /// When it is asked: its `ask_when` in words, matchers separated by
    /// `; `, or `always`.
    #[serde(serialize_with = "joined")]
    asked_when: Vec<String>,
}

/// Every question in the order asked, with when it is asked.
fn questions(rules: &RuleSet) -> Vec<QuestionRow<'_>> {
    rules
        .questions
        .iter()
        .map(|q| QuestionRow {
            id: &q.id,
            asked_when: if q.ask_when.is_empty() {
                vec!["always".to_owned()]
            } else {
                q.ask_when.iter().map(|m| m.describe(rules)).collect()
            },
        })
        .collect()
}

#[derive(Serialize)]
struct Identity<'a> {
    name: &'a str,
    version: &'a str,
    sha256: &'a str,
}

#[derive(Serialize)]
struct RuleRow<'a> {
    id: &'a str,
    level: Level,
    /// Each matcher in words, or `always`.
    #[serde(serialize_with = "joined")]
    when: Vec<String>,
    conflict: Option<&'a str>,
    sources: Vec<&'a str>,
    location: String,
}

/// The `when` in JSON: one string, matchers separated by `; `.
fn joined<S: serde::Serializer>(lines: &[String], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&lines.join("; "))
}

fn rows(rules: &RuleSet) -> Vec<RuleRow<'_>> {
    rules
        .rules
        .iter()
        .map(|rule| {
            let mut sources: Vec<&str> = rule
                .citations
                .iter()
                .map(|c| rules.sources[c.source].id.as_str())
                .collect();
            sources.dedup();
            RuleRow {
                id: &rule.id,
                level: rule.level,
                when: rule.describe_when(rules),
                conflict: rule.conflict.as_deref(),
                sources,
                location: rule.origin.to_string(),
            }
        })
        .collect()
}

/// Every rule as a table at `width` columns, in rule order: the rule's id,
/// level and sources stacked in the first column (ids are never broken),
/// the `when` in words beside them.
pub fn render_text(rules: &RuleSet, width: u16) -> String {
    let mut table = new_table(width, &["rule / level / sources", "when"]);
    if let Some(first) = table.column_mut(0) {
        first.set_constraint(ColumnConstraint::ContentWidth);
    }
    for row in rows(rules) {
        // One matcher per line reads better in a narrow column.
        let mut when = row.when.join("\n");
        if let Some(topic) = row.conflict {
            when.push_str(&format!("\n(sources disagree: {topic})"));
        }
        let mut rule = format!("{}\n{}", row.id, row.level.id());
        for source in &row.sources {
            rule.push_str(&format!("\n  {source}"));
        }
        table.add_row(vec![Cell::new(sanitize(&rule)), Cell::new(sanitize(&when))]);
    }
    let mut asked = new_table(width, &["question", "asked when"]);
    if let Some(first) = asked.column_mut(0) {
        first.set_constraint(ColumnConstraint::ContentWidth);
    }
    for row in questions(rules) {
        asked.add_row(vec![
            Cell::new(sanitize(row.id)),
            Cell::new(sanitize(&row.asked_when.join("\n"))),
        ]);
    }
    format!(
        "{} {} ({} rules)\nsha256 {}\n{table}\n{asked}\n",
        sanitize(&rules.meta.name),
        sanitize(&rules.meta.version),
        rules.rules.len(),
        rules.sha256
    )
}

/// Every rule as pretty JSON: `{ ruleset: { name, version, sha256 }, rules:
/// [{ id, level, when, conflict, sources, location }] }`.
pub fn render_json(rules: &RuleSet) -> String {
    let listing = Listing {
        ruleset: Identity {
            name: &rules.meta.name,
            version: &rules.meta.version,
            sha256: &rules.sha256,
        },
        questions: questions(rules),
        rules: rows(rules),
    };
    crate::render::json::pretty(&listing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_every_rule_with_its_when_and_sources() {
        let rules = RuleSet::embedded().unwrap();
        let json: serde_json::Value = serde_json::from_str(&render_json(&rules)).unwrap();
        let listed = json["rules"].as_array().unwrap();
        assert_eq!(listed.len(), rules.rules.len());
        let disagreement = listed
            .iter()
            .find(|r| r["id"] == "severe-joint-damage-sources-disagree")
            .unwrap();
        assert_eq!(disagreement["level"], "clinician-review");
        assert_eq!(
            disagreement["sources"],
            serde_json::json!(["johnson-medical-center", "defiage"])
        );
        assert!(
            disagreement["when"]
                .as_str()
                .unwrap()
                .ends_with("; imaging is severe")
        );
        assert!(
            disagreement["location"]
                .as_str()
                .unwrap()
                .starts_with("rules/severity.toml:")
        );

        let text = render_text(&rules, 100);
        assert!(text.lines().all(|l| l.chars().count() <= 100), "{text}");
        for rule in &rules.rules {
            assert!(text.contains(&rule.id), "{} is missing", rule.id);
        }
        assert!(text.contains("active_infection is yes"));
    }

    #[test]
    fn lists_every_question_with_when_it_is_asked() {
        let rules = RuleSet::embedded().unwrap();
        let json: serde_json::Value = serde_json::from_str(&render_json(&rules)).unwrap();
        let listed = json["questions"].as_array().unwrap();
        assert_eq!(listed.len(), rules.questions.len());
        assert_eq!(listed[0]["id"], "warning_signs");
        assert_eq!(listed[0]["asked_when"], "always");
        let infection = listed
            .iter()
            .find(|q| q["id"] == "active_infection")
            .unwrap();
        assert_eq!(infection["asked_when"], "warning_signs includes none");
        // Imaging is asked only for the joint conditions: both matchers.
        let imaging = listed.iter().find(|q| q["id"] == "imaging").unwrap();
        let when = imaging["asked_when"].as_str().unwrap();
        assert!(
            when.starts_with("warning_signs includes none; condition is knee-arthritis or "),
            "{when}"
        );
        assert!(!when.contains("non-healing-fracture") && !when.contains("other"));
        let text = render_text(&rules, 100);
        assert!(
            text.lines().any(
                |l| l.starts_with("│ imaging ") && l.contains("┆ warning_signs includes none ")
            ),
            "{text}"
        );
    }
}
