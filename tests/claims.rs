//! Clinic promises beside what research says (`[[claim]]`): the loader
//! keeps each side to its kind of source, and every summary format shows
//! every pair, promise and evidence together.
#![allow(clippy::unwrap_used)] // a panic is how a test reports failure

mod common;

use assert_cmd::cargo::cargo_bin_cmd;
use candidacy::ruleset::{EMBEDDED_FILES, LoadError, RuleFile, RuleSet};

fn with_extra(extra: &str) -> Result<RuleSet, LoadError> {
    let mut files = RuleSet::embedded_files();
    files.push(RuleFile {
        name: "zz-extra.toml".to_owned(),
        text: extra.to_owned(),
    });
    RuleSet::from_files(files)
}

fn refused(extra: &str) -> String {
    match with_extra(extra) {
        Err(e) => e.to_string(),
        Ok(_) => panic!("loaded: {extra}"),
    }
}

/// A claim whose sides cite `promise_source` and `evidence_source`.
fn claim(id: &str, promise_source: &str, evidence_source: &str) -> String {
    format!(
        "[[claim]]\nid = \"{id}\"\ntopic = \"Cost\"\n\
         promise = \"The Defiage blog post says it is an option.\"\n\
         promise_cite = [{{ source = \"{promise_source}\", quote = \"Knee osteoarthritis\" }}]\n\
         evidence = \"The FDA says something else.\"\n\
         evidence_cite = [{{ source = \"{evidence_source}\", quote = \"FDA has not approved any stem cell-based products for use\" }}]\n"
    )
}

#[test]
fn a_promise_cites_clinic_marketing_and_the_evidence_never_does() {
    assert!(with_extra(&claim("ok", "defiage", "fda-stem-cell-consumer-info")).is_ok());
    let message = refused(&claim(
        "x",
        "fda-stem-cell-consumer-info",
        "fda-stem-cell-consumer-info",
    ));
    assert!(
        message.contains(
            "claim `x`: a promise is a clinic's words, so `promise_cite` cites clinic marketing only, not `fda-stem-cell-consumer-info`"
        ),
        "{message}"
    );
    let message = refused(&claim("y", "defiage", "johnson-medical-center"));
    assert!(
        message.contains(
            "claim `y`: clinic marketing is not evidence, so `evidence_cite` cannot cite `johnson-medical-center`"
        ),
        "{message}"
    );
}

#[test]
fn a_citation_of_the_wrong_kind_is_pointed_at_even_after_an_undeclared_source() {
    // The undeclared source resolves to nothing; the regulator after it is
    // the citation of the wrong kind, and the error points at it.
    let line = "promise_cite = [{ source = \"nosuch\", quote = \"x\" }, { source = \"fda-consumer-alert\", quote = \"x\" }]";
    let extra = format!(
        "[[claim]]\nid = \"x\"\ntopic = \"Cost\"\npromise = \"The Defiage blog post says so.\"\n{line}\n\
         evidence = \"The FDA says otherwise.\"\n\
         evidence_cite = [{{ source = \"fda-stem-cell-consumer-info\", quote = \"FDA has not approved any stem cell-based products for use\" }}]\n"
    );
    let message = refused(&extra);
    let column = line.find("\"fda-consumer-alert\"").unwrap() + 1;
    assert!(
        message.contains(&format!(
            "cites clinic marketing only, not `fda-consumer-alert`\n  --> zz-extra.toml:5:{column}"
        )),
        "{message}"
    );
}

#[test]
fn a_claim_needs_both_sides_cited_and_worded_and_a_unique_id() {
    let no_evidence = "[[claim]]\nid = \"z\"\ntopic = \" \"\npromise = \"The Defiage blog post says so.\"\n\
                       promise_cite = [{ source = \"defiage\", quote = \"Knee osteoarthritis\" }]\n\
                       evidence = \"\"\n";
    let message = refused(no_evidence);
    assert!(
        message.contains("claim `z` has an empty topic"),
        "{message}"
    );
    assert!(
        message.contains("claim `z` has an empty evidence"),
        "{message}"
    );
    assert!(
        message.contains("the evidence of claim `z` cites nothing"),
        "{message}"
    );
    let message = refused(&claim(
        "side-effects",
        "defiage",
        "fda-stem-cell-consumer-info",
    ));
    assert!(
        message.contains("claim `side-effects` is declared twice"),
        "{message}"
    );
    // The wording guard rails read claims as they read rules.
    let message = refused(
        &claim("w", "defiage", "fda-stem-cell-consumer-info")
            .replace("says something else", "says it is a cure"),
    );
    assert!(
        message.contains("claim `w` evidence uses “cure”"),
        "{message}"
    );
}

#[test]
fn every_format_shows_each_promise_beside_its_evidence() {
    let rules = RuleSet::embedded().unwrap();
    assert!(
        rules.claims.len() >= 3,
        "the built-in set pairs the clinic promises"
    );
    // A patient's short text and Markdown summaries say each pair in
    // short; with --details, and in the handout (under the short summary)
    // and the machine formats, in full.
    for (format, details) in [
        ("text", false),
        ("text", true),
        ("markdown", false),
        ("markdown", true),
        ("html", false),
        ("json", false),
        ("fhir", false),
    ] {
        let output = cargo_bin_cmd!("candidacy")
            .args(common::KNEE_FLAGS)
            .args(["--format", format])
            .args(details.then_some("--details"))
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{format}");
        let out = String::from_utf8(output.stdout).unwrap();
        let brief = matches!(format, "text" | "markdown") && !details;
        // HTML and the FHIR narrative escape quote marks and ampersands.
        let plain = |s: &str| s.replace('\'', "&#x27;").replace('"', "&quot;");
        for claim in &rules.claims {
            let shown = |s: &str| {
                out.contains(s)
                    || out.contains(&plain(s))
                    || out.contains(&s.replace('\n', " "))
                    || (format == "text" && words_in_order(&out, s))
            };
            assert!(shown(&claim.topic), "{format}: topic {}", claim.topic);
            if brief {
                let both = claim.brief.as_deref().unwrap();
                assert!(shown(both), "{format}: brief of {}", claim.id);
                assert!(!shown(&claim.promise), "{format}: promise of {}", claim.id);
                continue;
            }
            assert!(shown(&claim.promise), "{format}: promise of {}", claim.id);
            assert!(shown(&claim.evidence), "{format}: evidence of {}", claim.id);
            if format != "fhir" {
                // The quotes, too, except in the short FHIR narrative.
                for citation in claim
                    .promise_citations
                    .iter()
                    .chain(&claim.evidence_citations)
                {
                    assert!(
                        shown(&citation.quote),
                        "{format}: quote {:?} of {}",
                        citation.quote,
                        claim.id
                    );
                }
            }
        }
        if format == "json" {
            let json: serde_json::Value = serde_json::from_str(&out).unwrap();
            let claims = json["claims"].as_array().unwrap();
            assert_eq!(claims.len(), rules.claims.len());
            assert_eq!(claims[0]["id"], rules.claims[0].id);
            assert!(claims[0]["promise"]["citations"][0]["quote"].is_string());
            assert!(claims[0]["evidence"]["citations"][0]["source"].is_string());
        }
    }
}

/// Whether the words of `needle` appear in `haystack` in order, across the
/// line breaks and indents of wrapped text.
fn words_in_order(haystack: &str, needle: &str) -> bool {
    let words: Vec<&str> = haystack
        .split_whitespace()
        .map(|w| w.trim_matches(['“', '”']))
        .collect();
    let wanted: Vec<&str> = needle.split_whitespace().collect();
    words.windows(wanted.len()).any(|w| w == wanted.as_slice())
}

#[test]
fn the_disclaimer_cites_the_defiage_post_saying_an_evaluation_is_always_needed() {
    let rules = RuleSet::embedded().unwrap();
    let quote = "A detailed evaluation is always necessary to determine candidacy";
    assert!(
        rules
            .meta
            .disclaimer_citations
            .iter()
            .any(|c| c.quote == quote && rules.sources[c.source].id == "defiage")
    );
    for (format, details) in [
        ("text", false),
        ("text", true),
        ("markdown", false),
        ("markdown", true),
        ("html", false),
        ("json", false),
    ] {
        let output = cargo_bin_cmd!("candidacy")
            .args(common::KNEE_FLAGS)
            .args(["--format", format])
            .args(details.then_some("--details"))
            .output()
            .unwrap();
        let out = String::from_utf8(output.stdout).unwrap();
        if matches!(format, "text" | "markdown") && !details {
            // The disclaimer is the screen's own words: in the short
            // summary no "From:" line under it reads as if a clinic page
            // had written it. The details quote what it rests on.
            let disclaimer = out.find("This summary is education").unwrap();
            let rest = &out[disclaimer..];
            let paragraph = rest.split("\n\n").next().unwrap_or(rest);
            let after = &rest[paragraph.len()..];
            let next = after.trim_start().lines().next().unwrap_or_default();
            assert!(!next.contains("From:"), "{format}: {out}");
            assert!(!out.contains(quote), "{format}: {out}");
            continue;
        }
        assert!(
            out.contains(quote) || words_in_order(&out, quote),
            "{format}: {out}"
        );
        if format == "json" {
            let json: serde_json::Value = serde_json::from_str(&out).unwrap();
            assert_eq!(json["disclaimer_citations"][0]["source"], "defiage");
            assert_eq!(json["disclaimer_citations"][0]["quote"], quote);
        }
    }
    // A disclaimer citing an undeclared source does not load.
    let files: Vec<RuleFile> = EMBEDDED_FILES
        .iter()
        .map(|(name, text)| RuleFile {
            name: (*name).to_owned(),
            text: text.replace(
                "{ source = \"defiage\", quote = \"A detailed evaluation",
                "{ source = \"nobody\", quote = \"A detailed evaluation",
            ),
        })
        .collect();
    let message = RuleSet::from_files(files).unwrap_err().to_string();
    assert!(
        message.contains("the disclaimer `disclaimer_cite` cites undeclared source `nobody`"),
        "{message}"
    );
}
