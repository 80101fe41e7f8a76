//! The clock, read only at the binary's edge: when a summary is made, in
//! the person's own time zone (the system's, or `TZ`), with jiff. Everything
//! else takes the time as input, so rendering stays pure.

use jiff::Zoned;

/// When something was made: the time for machines and its zone for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Made {
    /// RFC 3339 with the local offset (`2026-11-21T08:04:05-06:00`).
    pub rfc3339: String,
    /// The zone's abbreviation (`CST`), or the offset where the zone has
    /// none (`+0530`).
    pub zone: String,
}

impl Made {
    /// Its local date, `YYYY-MM-DD`.
    pub fn date(&self) -> &str {
        self.rfc3339.get(..10).unwrap_or(&self.rfc3339)
    }

    /// The local date and time for a file name, `YYYYMMDD-HHMMSS`.
    pub fn stamp(&self) -> String {
        self.rfc3339
            .get(..19)
            .unwrap_or(&self.rfc3339)
            .chars()
            .filter_map(|c| match c {
                'T' => Some('-'),
                '0'..='9' => Some(c),
                _ => None,
            })
            .collect()
    }

    /// `at`, as [`Made`].
    pub fn at(at: &Zoned) -> Made {
        Made {
            rfc3339: at.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
            zone: at.strftime("%Z").to_string(),
        }
    }
}

/// Now, in the local time zone.
pub fn now() -> Made {
    Made::at(&Zoned::now())
}

/// Today's date in the local time zone, `YYYY-MM-DD`.
pub fn today() -> String {
    Zoned::now().date().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn made_is_local_time_with_its_offset_and_zone() {
        let at: Zoned = "2026-11-21T14:04:05Z[America/Chicago]".parse().unwrap();
        assert_eq!(
            Made::at(&at),
            Made {
                rfc3339: "2026-11-21T08:04:05-06:00".to_owned(),
                zone: "CST".to_owned(),
            }
        );
        assert_eq!(Made::at(&at).date(), "2026-11-21");
        assert_eq!(Made::at(&at).stamp(), "20261121-080405");
        let at: Zoned = "2026-07-01T12:00:00Z[America/Chicago]".parse().unwrap();
        assert_eq!(Made::at(&at).zone, "CDT");
        let at: Zoned = "2026-11-21T14:04:05Z[UTC]".parse().unwrap();
        assert_eq!(Made::at(&at).rfc3339, "2026-11-21T14:04:05+00:00");
        assert_eq!(Made::at(&at).zone, "UTC");
    }

    #[test]
    fn today_is_a_plain_date() {
        let today = today();
        assert_eq!(today.len(), 10);
        assert!(today.as_str() > "2025-01-01");
    }
}
