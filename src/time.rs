//! UTC timestamps in RFC 3339 and calendar-date checks, without a date crate.
//!
//! Events need "now" as `YYYY-MM-DDThh:mm:ssZ`; `--published` needs a date checked
//! for shape and calendar sense. Both are a few lines of civil-calendar arithmetic
//! (Howard Hinnant's days-from-civil algorithm).

use std::time::{SystemTime, UNIX_EPOCH};

/// The current UTC time as RFC 3339 with second precision, e.g. `2026-11-26T07:48:30Z`.
pub fn now_rfc3339() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    format_unix(secs)
}

/// Formats seconds since the Unix epoch as RFC 3339 UTC.
pub fn format_unix(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Accepts `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, or a full RFC 3339 timestamp, as a
/// publication date is often known only to the month. Returns the input unchanged
/// when it is a real calendar date, else `None`.
pub fn check_date(s: &str) -> Option<&str> {
    let date = s.split('T').next()?;
    let parts: Vec<&str> = date.split('-').collect();
    let num = |p: &str, len: usize| {
        (p.len() == len && p.bytes().all(|b| b.is_ascii_digit())).then(|| p.parse::<i64>().ok())?
    };
    let ok = match parts.as_slice() {
        [y] => num(y, 4).is_some(),
        [y, m] => num(y, 4).is_some() && num(m, 2).is_some_and(|m| (1..=12).contains(&m)),
        [y, m, d] => match (num(y, 4), num(m, 2), num(d, 2)) {
            (Some(y), Some(m), Some(d)) if (1..=12).contains(&m) => {
                d >= 1 && d <= days_in_month(y, m)
            }
            _ => false,
        },
        _ => false,
    };
    let time_ok = match s.split_once('T') {
        None => true,
        Some((_, t)) => parts.len() == 3 && check_time(t),
    };
    (ok && time_ok).then_some(s)
}

/// `hh:mm:ss[.fff](Z|±hh:mm)`, each field in range.
fn check_time(t: &str) -> bool {
    let two = |s: &str, max: u32| {
        s.len() == 2
            && s.bytes().all(|b| b.is_ascii_digit())
            && s.parse::<u32>().is_ok_and(|n| n <= max)
    };
    let (clock, zone) = match t.find(['Z', '+', '-']) {
        Some(i) => t.split_at(i),
        None => return false,
    };
    let clock = clock.split_once('.').map_or(clock, |(c, frac)| {
        if !frac.is_empty() && frac.bytes().all(|b| b.is_ascii_digit()) {
            c
        } else {
            "bad"
        }
    });
    let fields: Vec<&str> = clock.split(':').collect();
    let clock_ok = matches!(fields.as_slice(), [h, m, s] if two(h, 23) && two(m, 59) && two(s, 60));
    let zone_ok = zone == "Z"
        || zone
            .get(1..)
            .and_then(|z| z.split_once(':'))
            .is_some_and(|(h, m)| two(h, 23) && two(m, 59));
    clock_ok && zone_ok
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(format_unix(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_unix(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(format_unix(1_795_679_310), "2026-11-26T07:48:30Z");
        assert_eq!(format_unix(-1), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn checks_dates() {
        for good in [
            "2025",
            "2025-07",
            "2025-11-11",
            "2024-02-29",
            "2025-11-11T10:00:00Z",
        ] {
            assert_eq!(check_date(good), Some(good), "{good}");
        }
        for bad in [
            "",
            "25",
            "2025-13",
            "2025-02-29",
            "2025-11-31",
            "11/11/2025",
            "2025-1-1",
            "soon",
        ] {
            assert_eq!(check_date(bad), None, "{bad}");
        }
    }
}
