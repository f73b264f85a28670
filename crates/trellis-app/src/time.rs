//! Times as the store keeps them (Unix milliseconds, UTC) and as people read and type them.
//!
//! Small enough not to need a date library: only UTC calendar dates and times of day.

use trellis_store::Millis;

/// A day in milliseconds.
pub const DAY_MS: i64 = 86_400_000;

pub fn now_millis() -> Millis {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `2026-04-20 14:03 UTC`.
pub fn date_time(ms: Millis) -> String {
    let (y, m, d) = civil_from_days(ms.div_euclid(DAY_MS));
    let in_day = ms.rem_euclid(DAY_MS) / 1000;
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        in_day / 3600,
        (in_day / 60) % 60
    )
}

/// `2026-04-20`.
pub fn date(ms: Millis) -> String {
    let (y, m, d) = civil_from_days(ms.div_euclid(DAY_MS));
    if !(0..=9999).contains(&y) {
        return format!("{y:04}-{m:02}-{d:02}");
    }
    // Pages show a date per rating: digits are pushed rather than formatted.
    let digit = |n: u32| char::from(b'0' + (n % 10) as u8);
    let y = y as u32;
    let mut out = String::with_capacity(10);
    out.extend([digit(y / 1000), digit(y / 100), digit(y / 10), digit(y)]);
    out.extend(['-', digit(m / 10), digit(m), '-', digit(d / 10), digit(d)]);
    out
}

/// The start of a `YYYY-MM-DD` day in UTC, or `None` when it is not a real date.
pub fn parse_date(s: &str) -> Option<Millis> {
    // Exactly `YYYY-MM-DD`, as a date field sends it and the API documents it.
    let s = s.trim();
    let shape = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !shape {
        return None;
    }
    let mut parts = s.splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: u32 = parts.next()?.parse().ok()?;
    let d: u32 = parts.next()?.parse().ok()?;
    if !(1970..=9999).contains(&y) || !(1..=12).contains(&m) || d == 0 || d > 31 {
        return None;
    }
    let days = days_from_civil(y, m, d);
    // Reject 31 February and friends: the round trip must give the same date back.
    (civil_from_days(days) == (y, m, d)).then_some(days * DAY_MS)
}

/// The same day `months` later, or that month's last day when it is shorter (31 January, one
/// month on, is 28 or 29 February).
pub fn add_months(ms: Millis, months: u32) -> Millis {
    let (y, m, d) = civil_from_days(ms.div_euclid(DAY_MS));
    let total = y * 12 + i64::from(m - 1) + i64::from(months);
    let (year, month) = (total.div_euclid(12), (total.rem_euclid(12) + 1) as u32);
    let mut day = d;
    while civil_from_days(days_from_civil(year, month, day)) != (year, month, day) {
        day -= 1;
    }
    days_from_civil(year, month, day) * DAY_MS
}

/// Today's date in UTC, `YYYY-MM-DD`.
pub fn today() -> String {
    date(now_millis())
}

pub const fn day_ms() -> Millis {
    DAY_MS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_added_day_for_day_or_to_the_months_end() {
        let add = |d: &str, n| date(add_months(parse_date(d).unwrap(), n));
        assert_eq!(add("2026-01-15", 1), "2026-02-15");
        assert_eq!(add("2026-01-31", 1), "2026-02-28");
        assert_eq!(add("2028-01-31", 1), "2028-02-29");
        assert_eq!(add("2026-11-30", 2), "2027-01-30");
        assert_eq!(add("2026-12-31", 12), "2027-12-31");
    }

    #[test]
    fn dates_round_trip() {
        assert_eq!(date_time(0), "1970-01-01 00:00 UTC");
        assert_eq!(
            parse_date("2026-04-20").map(date),
            Some("2026-04-20".into())
        );
        assert_eq!(
            parse_date("2024-02-29").map(date),
            Some("2024-02-29".into())
        );
        assert_eq!(parse_date("2025-02-29"), None);
        assert_eq!(parse_date("2025-13-01"), None);
        assert_eq!(parse_date("yesterday"), None);
        let t = parse_date("2026-04-20").unwrap() + 14 * 3_600_000 + 3 * 60_000 + 59_000;
        assert_eq!(date_time(t), "2026-04-20 14:03 UTC");
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(-1), "1969-12-31");
        assert_eq!(date(days_from_civil(999, 1, 9) * DAY_MS), "0999-01-09");
        // Every day of four years (a leap year included) reads back as itself.
        let start = parse_date("2023-01-01").unwrap();
        for day in 0..4 * 366 {
            let ms = start + day * DAY_MS + 3_600_000;
            let (y, m, d) = civil_from_days(ms.div_euclid(DAY_MS));
            assert_eq!(date(ms), format!("{y:04}-{m:02}-{d:02}"));
        }
    }
}
