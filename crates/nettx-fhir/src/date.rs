//! FHIR `dateTime` / `instant` values, compared in UTC at the coarser
//! precision of the two (the contract: "dates compared in UTC at the coarser
//! precision of the two").

use std::cmp::Ordering;

/// A parsed FHIR date or dateTime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date {
    /// 0 year, 1 month, 2 day, 3 time.
    precision: u8,
    /// Civil date in UTC (for a date without time: as written).
    ymd: (i64, u32, u32),
    /// Seconds into the UTC day and nanoseconds (time precision only).
    secs: u32,
    nanos: u32,
}

fn num(s: &str, len: usize) -> Option<u32> {
    if s.len() != len || s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if len > 9 {
        return s.parse().ok();
    }
    // At most nine digits: the value fits, read without the parser.
    Some(s.bytes().fold(0, |n, b| n * 10 + u32::from(b - b'0')))
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ => {
            if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 {
                29
            } else {
                28
            }
        }
    }
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

impl Date {
    /// Parses `YYYY`, `YYYY-MM`, `YYYY-MM-DD` or
    /// `YYYY-MM-DDThh:mm:ss[.f](Z|±hh:mm)`; `None` if it is none of them.
    pub fn parse(s: &str) -> Option<Date> {
        let y = i64::from(num(s.get(0..4)?, 4)?);
        if s.len() == 4 {
            return Some(Date::civil(0, y, 1, 1));
        }
        if s.get(4..5)? != "-" {
            return None;
        }
        let m = num(s.get(5..7)?, 2)?;
        if !(1..=12).contains(&m) {
            return None;
        }
        if s.len() == 7 {
            return Some(Date::civil(1, y, m, 1));
        }
        if s.get(7..8)? != "-" {
            return None;
        }
        let d = num(s.get(8..10)?, 2)?;
        if d == 0 || d > days_in_month(y, m) {
            return None;
        }
        if s.len() == 10 {
            return Some(Date::civil(2, y, m, d));
        }
        if s.get(10..11)? != "T" || s.get(13..14)? != ":" || s.get(16..17)? != ":" {
            return None;
        }
        let hh = num(s.get(11..13)?, 2)?;
        let mm = num(s.get(14..16)?, 2)?;
        let ss = num(s.get(17..19)?, 2)?;
        if hh > 23 || mm > 59 || ss > 60 {
            return None;
        }
        let mut rest = s.get(19..)?;
        let mut nanos = 0u32;
        if let Some(frac) = rest.strip_prefix('.') {
            let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return None;
            }
            let shown = frac.get(..digits)?;
            let kept = shown.get(..digits.min(9))?;
            nanos = num(kept, kept.len())? * 10u32.pow(9 - kept.len() as u32);
            rest = frac.get(digits..)?;
        }
        let offset_min: i64 = match rest {
            "Z" => 0,
            _ => {
                let sign = match rest.get(0..1)? {
                    "+" => 1,
                    "-" => -1,
                    _ => return None,
                };
                if rest.len() != 6 || rest.get(3..4)? != ":" {
                    return None;
                }
                let oh = i64::from(num(rest.get(1..3)?, 2)?);
                let om = i64::from(num(rest.get(4..6)?, 2)?);
                if oh > 14 || om > 59 {
                    return None;
                }
                sign * (oh * 60 + om)
            }
        };
        let local = days_from_civil(y, m, d) * 86_400 + i64::from(hh * 3600 + mm * 60 + ss.min(59))
            - offset_min * 60;
        let days = local.div_euclid(86_400);
        let secs = local.rem_euclid(86_400) as u32;
        Some(Date {
            precision: 3,
            ymd: civil_from_days(days),
            secs,
            nanos,
        })
    }

    fn civil(precision: u8, y: i64, m: u32, d: u32) -> Date {
        Date {
            precision,
            ymd: (y, m, d),
            secs: 0,
            nanos: 0,
        }
    }

    fn key(&self, precision: u8) -> (i64, u32, u32, u32, u32) {
        let (y, m, d) = self.ymd;
        match precision {
            0 => (y, 0, 0, 0, 0),
            1 => (y, m, 0, 0, 0),
            2 => (y, m, d, 0, 0),
            _ => (y, m, d, self.secs, self.nanos),
        }
    }

    /// Compares at the coarser precision of the two (`2024` equals
    /// `2024-05-03`).
    pub fn compare(&self, other: &Date) -> Ordering {
        let p = self.precision.min(other.precision);
        self.key(p).cmp(&other.key(p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap_or_else(|| unreachable!("{s}"))
    }

    #[test]
    fn num_reads_digits_as_the_parser_does() {
        let mut texts: Vec<String> = (0..10_000).map(|n: u32| n.to_string()).collect();
        texts.extend((0..10_000).map(|n: u32| format!("{n:04}")));
        texts.extend(
            [
                "000000000",
                "999999999",
                "123456789",
                "0000000001",
                "4294967296",
                "",
            ]
            .map(String::from),
        );
        texts.extend(["1a", "-1", "+1", " 1", "1.0"].map(String::from));
        for t in &texts {
            let parsed = if t.bytes().all(|b| b.is_ascii_digit()) {
                t.parse().ok()
            } else {
                None
            };
            assert_eq!(num(t, t.len()), parsed, "{t}");
        }
        assert_eq!(num("12", 3), None);
    }

    #[test]
    fn parses_and_compares() {
        assert_eq!(d("2024").compare(&d("2024-05-03")), Ordering::Equal);
        assert_eq!(d("2024-05").compare(&d("2024-06-01")), Ordering::Less);
        assert_eq!(
            d("2024-05-03T23:30:00-02:00").compare(&d("2024-05-04")),
            Ordering::Equal
        );
        assert_eq!(
            d("2024-05-04T01:00:00+02:00").compare(&d("2024-05-03T23:00:00Z")),
            Ordering::Equal
        );
        assert_eq!(
            d("2024-05-04T01:00:00.5+02:00").compare(&d("2024-05-03T23:00:00Z")),
            Ordering::Greater
        );
        for bad in [
            "24",
            "2024-13",
            "2024-02-30",
            "2024-05-03T10:00",
            "2024-05-03T25:00:00Z",
            "2024-05-03T10:00:00",
            "abcd",
            "2024-05-03T10:00:00.Z",
            "",
        ] {
            assert!(Date::parse(bad).is_none(), "{bad}");
        }
        assert_eq!(d("2024-02-29").ymd, (2024, 2, 29));
        assert_eq!(
            civil_from_days(days_from_civil(1999, 12, 31)),
            (1999, 12, 31)
        );
    }
}
