//! The five levels a rule can assign, ordered from most to least serious.
//!
//! The level ids are a contract (rule files, JSON output); their wording for
//! people lives in the rule set's `[levels]` table, never here.

use serde::{Deserialize, Serialize};

/// How serious a finding is. The derived order runs from most serious
/// (`UrgentCare`) to least (`Info`), so the outcome is the minimum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// Signs that need medical care soon, before anything else.
    UrgentCare,
    /// A source says the therapy does not fit for now.
    NotSuitableNow,
    /// A clinician has to weigh the answers: unclear, disputed or unsure.
    ClinicianReview,
    /// A source describes situations like these answers.
    MayBeSuitable,
    /// Background; never changes the outcome.
    Info,
}

impl Level {
    /// Every level, most serious first.
    pub const ALL: [Level; 5] = [
        Level::UrgentCare,
        Level::NotSuitableNow,
        Level::ClinicianReview,
        Level::MayBeSuitable,
        Level::Info,
    ];

    /// The id used in rule files and JSON.
    pub fn id(self) -> &'static str {
        match self {
            Level::UrgentCare => "urgent-care",
            Level::NotSuitableNow => "not-suitable-now",
            Level::ClinicianReview => "clinician-review",
            Level::MayBeSuitable => "may-be-suitable",
            Level::Info => "info",
        }
    }

    /// Whether this level can decide the outcome (everything but `info`).
    pub fn decides_outcome(self) -> bool {
        self != Level::Info
    }
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_runs_from_most_to_least_serious() {
        let mut sorted = Level::ALL;
        sorted.sort();
        assert_eq!(sorted, Level::ALL);
        assert!(Level::UrgentCare < Level::MayBeSuitable);
    }

    #[test]
    fn ids_round_trip_through_serde() {
        for level in Level::ALL {
            let json = serde_json::to_string(&level).unwrap();
            assert_eq!(json, format!("\"{}\"", level.id()));
            let back: Level = serde_json::from_str(&json).unwrap();
            assert_eq!(back, level);
        }
    }
}
