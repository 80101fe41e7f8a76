//! `candidacy`: an educational first screen for bone marrow-derived stem
//! cell therapy.
//!
//! Data flows one way: [`ruleset`] loads and validates the rule files;
//! [`answers`] turns given answers into values; [`interview`] asks for the
//! rest (the only module that talks to the terminal); [`evaluate`] is a pure
//! function from rule set and answers to an [`evaluate::Assessment`]; the
//! [`render`] modules turn that into text or JSON; [`app`] wires it together
//! for the binary. See `docs/architecture.md`.

pub mod answers;
pub mod app;
pub mod cli;
pub mod error;
pub mod evaluate;
pub mod interview;
pub mod level;
pub mod quote;
pub mod render;
pub mod ruleset;
pub mod sanitize;

pub use app::run;
pub use error::Error;
