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
    rules: Vec<RuleRow<'a>>,
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
    format!(
        "{} {} ({} rules)\nsha256 {}\n{table}\n",
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
                .ends_with("; severity is severe")
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
}
