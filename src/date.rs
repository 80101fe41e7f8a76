//! Calendar dates as `YYYY-MM-DD` text, without a date crate. Only the
//! binary's edge reads the clock; everything else takes the date as input.

use std::time::{SystemTime, UNIX_EPOCH};

/// Today's date in UTC.
pub fn today_utc() -> String {
    let mut now = now_utc();
    now.truncate(10);
    now
}

/// The date and time now in UTC, as RFC 3339 (`2026-11-21T14:05:09Z`).
pub fn now_utc() -> String {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    timestamp(seconds)
}

/// `seconds` after 1970-01-01T00:00:00Z as RFC 3339.
pub fn timestamp(seconds: u64) -> String {
    let days = i64::try_from(seconds / 86_400).unwrap_or(0);
    let (year, month, day) = civil_from_days(days);
    let in_day = seconds % 86_400;
    let (hour, minute, second) = (in_day / 3_600, in_day % 3_600 / 60, in_day % 60);
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z")
}

/// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's
/// `civil_from_days`).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    // day is 1..=31 and month 1..=12 by construction.
    (year, month as u32, day as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_rfc_3339_in_utc() {
        assert_eq!(timestamp(0), "1970-01-01T00:00:00Z");
        // Python: datetime.fromtimestamp(1795273509, timezone.utc)
        assert_eq!(timestamp(1_795_273_509), "2026-11-21T15:05:09Z");
        assert_eq!(today_utc().len(), 10);
    }

    #[test]
    fn agrees_with_known_dates() {
        // Reference values from Python's datetime.
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(civil_from_days(20_778), (2026, 11, 21));
        assert_eq!(civil_from_days(47_481), (2099, 12, 31));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }

    #[test]
    fn today_is_a_plain_date() {
        let today = today_utc();
        assert_eq!(today.len(), 10);
        assert!(today.as_str() > "2025-01-01");
    }
}
