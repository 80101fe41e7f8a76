//! `candidacy`: an educational first screen for bone marrow-derived stem
//! cell therapy.
//!
//! Data flows one way: [`ruleset`] loads and validates the rule files;
//! [`answers`] turns given answers into values; [`interview`] asks for the
//! rest (the only module that talks to the terminal); [`evaluate`] is a pure
//! function from rule set and answers to an [`evaluate::Assessment`]; the
//! [`render`] modules turn that into text or JSON; [`app`] wires it together
//! for the binary. See `docs/architecture.md`.
//!
//! Screening one person without a terminal:
//!
//! ```
//! use candidacy::answers::Answers;
//! use candidacy::evaluate::evaluate;
//! use candidacy::level::Level;
//! use candidacy::ruleset::RuleSet;
//!
//! let rules = RuleSet::embedded()?;
//! let mut answers = Answers::new(&rules);
//! for (question, answer) in [
//!     ("warning_signs", "none"),
//!     ("condition", "knee-arthritis"),
//!     ("duration", "over-a-year"),
//!     ("severity", "moderate"),
//!     ("imaging", "moderate"),
//!     ("age", "54"),
//!     ("active_infection", "unsure"),
//!     ("health", "none"),
//!     ("prior_treatments", "rest,physical-therapy"),
//! ] {
//!     answers.give(&rules, question, answer)?;
//! }
//! let answers = answers.complete(&rules).expect("every question asked is answered");
//! let assessment = evaluate(&rules, &answers);
//! // "Not sure" about an infection is never a pass.
//! assert_eq!(assessment.outcome, Level::ClinicianReview);
//! assert!(assessment.findings.iter().any(|r| r.id == "active-infection-unsure"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod analysis;
pub mod answers;
pub mod app;
pub mod batch;
pub mod cases;
pub mod check;
pub mod cli;
pub mod date;
pub mod error;
pub mod evaluate;
pub mod explain;
pub mod interview;
pub mod level;
pub mod limits;
pub mod quote;
pub mod render;
pub mod ruleset;
pub mod sample;
pub mod sanitize;
pub mod save;
pub mod show;
pub mod wording;

pub use app::run;
pub use error::Error;
