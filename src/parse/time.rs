//! Fast timestamp helpers shared by the parsers: digits to `NaiveDateTime`, bias to UTC.
//!
//! The hot path never calls chrono's string parser: fields are read as ASCII digits and the
//! date is validated by `NaiveDate::from_ymd_opt`, which rejects month 13, day 32 and friends.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};

/// Parse exactly `b.len()` ASCII digits; `None` on anything else or on an empty slice.
#[inline]
pub fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() || b.len() > 9 {
        return None;
    }
    let mut v: u32 = 0;
    for &c in b {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v * 10 + u32::from(d);
    }
    Some(v)
}

/// The value of the digits `b` starts with and how many there are (at most 8), read 8 bytes
/// at a time; `None` when `b` is shorter than 8 bytes or starts with 8 digits (more may
/// follow). A thread id's length varies from line to line: a loop over its digits mispredicts
/// its end on most records (SMS trailers, CMTrace headers).
#[inline]
pub fn leading_digits8(b: &[u8]) -> Option<(u32, usize)> {
    let w: [u8; 8] = b.get(..8)?.try_into().ok()?;
    let v = u64::from_le_bytes(w);
    const HI: u64 = 0xF0F0_F0F0_F0F0_F0F0;
    const LO: u64 = 0x0F0F_0F0F_0F0F_0F0F;
    // Non-zero in each byte that is not an ASCII digit: high nibble not 3, or low nibble
    // above 9 (adding 6 carries into the high nibble; no carry leaves the byte).
    let bad = ((v & HI) ^ 0x3030_3030_3030_3030) | (((v & LO) + 0x0606_0606_0606_0606) & HI);
    if bad == 0 {
        return None;
    }
    let n = (bad.trailing_zeros() / 8) as usize;
    if n == 0 {
        return Some((0, 0));
    }
    // The n digits moved to the top bytes (leading zeros below), then the usual SWAR
    // reduction: pairs, quads, the whole.
    let mut d = (v & LO) << ((8 - n) * 8);
    d = (d.wrapping_mul(10) + (d >> 8)) & 0x00FF_00FF_00FF_00FF;
    d = (d.wrapping_mul(1 + (100 << 16)) >> 16) & 0x0000_FFFF_0000_FFFF;
    d = d.wrapping_mul(1 + (10_000 << 32)) >> 32;
    Some((d as u32, n))
}

/// Fraction digits (1–9 of them) as nanoseconds: `5` → 500 ms, `3322734` → 332.2734 ms.
#[inline]
pub fn fraction_nanos(b: &[u8]) -> Option<u32> {
    let v = digits(b)?;
    let scale = 10u32.checked_pow(9 - b.len() as u32)?;
    Some(v * scale)
}

/// Build a local date-time, rejecting impossible values.
#[inline]
pub fn make(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32, nanos: u32) -> Option<NaiveDateTime> {
    let date = NaiveDate::from_ymd_opt(y, mo, d)?;
    // Leap seconds are not written by ConfigMgr; cap seconds at 59 to keep chrono happy.
    let time = NaiveTime::from_hms_nano_opt(h, mi, s.min(59), nanos)?;
    Some(NaiveDateTime::new(date, time))
}

/// Windows bias convention: UTC = local + bias (minutes; west of Greenwich positive).
/// Biases beyond ±16 hours are nonsense and give `None`.
#[inline]
pub fn utc_from_bias(local: NaiveDateTime, bias_minutes: i32) -> Option<DateTime<Utc>> {
    if bias_minutes.abs() > 16 * 60 {
        return None;
    }
    let utc = local.checked_add_signed(Duration::minutes(i64::from(bias_minutes)))?;
    Some(utc.and_utc())
}

/// [`utc_from_bias`] without chrono's general date arithmetic when the shift stays within the
/// day (nearly always): seconds-of-day arithmetic, same result.
#[inline]
pub fn utc_from_bias_fast(local: NaiveDateTime, bias_minutes: i32) -> Option<DateTime<Utc>> {
    if bias_minutes.abs() > 16 * 60 {
        return None;
    }
    let t = local.time();
    let secs = t.num_seconds_from_midnight() as i32 + bias_minutes * 60;
    // A bias moves the time at most 16 hours: into the day before or after at most (for a
    // log written east or west of Greenwich, a third of the day's records cross midnight).
    let (date, secs) = if secs < 0 {
        (local.date().pred_opt()?, secs + 86_400)
    } else if secs >= 86_400 {
        (local.date().succ_opt()?, secs - 86_400)
    } else {
        (local.date(), secs)
    };
    let time = NaiveTime::from_num_seconds_from_midnight_opt(secs as u32, t.nanosecond())?;
    Some(NaiveDateTime::new(date, time).and_utc())
}

/// Where the bias of `HH:MM:SS[.fff…]±B` starts: at the first sign at least 8 bytes in.
/// ConfigMgr's own `HH:MM:SS.mmm±B` has it right after the three fraction digits, read there
/// without a search (a search's end is a mispredicted branch on most records).
#[inline]
pub fn bias_at(clock_bias: &[u8]) -> Option<usize> {
    fixed_bias_at(clock_bias).or_else(|| searched_bias_at(clock_bias))
}

fn fixed_bias_at(cb: &[u8]) -> Option<usize> {
    matches!(cb, [_, _, b':', _, _, b':', _, _, b'.', f1, f2, f3, b'+' | b'-', ..]
        if f1.is_ascii_digit() & f2.is_ascii_digit() & f3.is_ascii_digit())
    .then_some(12)
}

fn searched_bias_at(cb: &[u8]) -> Option<usize> {
    let i = cb.get(8..)?.iter().position(|&c| c == b'+' || c == b'-')?;
    Some(i + 8)
}

/// (local, bias, UTC) of a date field (`MM-DD-YYYY`, through the cache) and a clock with
/// its bias (`HH:MM:SS.mmm+BBB`, [`bias_at`]); the CMTrace and SMS timestamps both.
#[inline]
pub fn local_utc(
    date: &[u8],
    clock_bias: &[u8],
    dates: &mut DateCache,
) -> (Option<NaiveDateTime>, Option<i32>, Option<DateTime<Utc>>) {
    let (clock, offset) = match bias_at(clock_bias) {
        Some(i) => (&clock_bias[..i], bias(&clock_bias[i..])),
        None => (clock_bias, None),
    };
    let local = hms(clock).and_then(|(h, m, s, ns)| make_on(dates.mdy(date)?, h, m, s, ns));
    let utc = match (local, offset) {
        (Some(l), Some(b)) => utc_from_bias_fast(l, b),
        _ => None,
    };
    (local, offset, utc)
}

/// Remembers the last date field it parsed: consecutive records share their date, so the
/// split, digit parsing and calendar validation run once per day of log instead of per record.
#[derive(Default)]
pub struct DateCache {
    key: [u8; 16],
    len: u8,
    date: Option<NaiveDate>,
}

impl DateCache {
    /// The date of an `MM-DD-YYYY` field (see [`mdy`]), `None` when it is not a valid date.
    #[inline]
    pub fn mdy(&mut self, b: &[u8]) -> Option<NaiveDate> {
        // `MM-DD-YYYY` compared as one array (no call to memcmp), anything else as a slice.
        let same = match (<&[u8; 10]>::try_from(b), self.key.first_chunk::<10>()) {
            (Ok(b10), Some(k10)) => self.len == 10 && b10 == k10,
            _ => {
                self.len != 0
                    && b.len() == usize::from(self.len)
                    && self.key.get(..b.len()) == Some(b)
            }
        };
        if same {
            return self.date;
        }
        let date = mdy(b).and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d));
        if let Some(k) = self.key.get_mut(..b.len()) {
            if !b.is_empty() {
                k.copy_from_slice(b);
                self.len = b.len() as u8;
                self.date = date;
            }
        }
        date
    }
}

/// Local time from a cached date and clock fields, as [`make`] builds it.
#[inline]
pub fn make_on(date: NaiveDate, h: u32, mi: u32, s: u32, nanos: u32) -> Option<NaiveDateTime> {
    let time = NaiveTime::from_hms_nano_opt(h, mi, s.min(59), nanos)?;
    Some(NaiveDateTime::new(date, time))
}

/// Parse `HH:MM:SS[.fff…]` (fraction 0–9 digits, `.` or `:` before it, as legacy
/// WindowsUpdate.log writes `HH:MM:SS:mmm`). Returns (h, m, s, nanos).
pub fn hms(b: &[u8]) -> Option<(u32, u32, u32, u32)> {
    // ConfigMgr's own `HH:MM:SS.mmm`, without the general path's slicing.
    if let [h1, h2, b':', m1, m2, b':', s1, s2, b'.', f1, f2, f3] = *b {
        let d = |c: u8| u32::from(c.wrapping_sub(b'0'));
        let (h1, h2, m1, m2, s1, s2) = (d(h1), d(h2), d(m1), d(m2), d(s1), d(s2));
        let (f1, f2, f3) = (d(f1), d(f2), d(f3));
        if h1
            .max(h2)
            .max(m1)
            .max(m2)
            .max(s1)
            .max(s2)
            .max(f1)
            .max(f2)
            .max(f3)
            > 9
        {
            return None;
        }
        return Some((
            h1 * 10 + h2,
            m1 * 10 + m2,
            s1 * 10 + s2,
            (f1 * 100 + f2 * 10 + f3) * 1_000_000,
        ));
    }
    if b.len() < 8 || b[2] != b':' || b[5] != b':' {
        return None;
    }
    let h = digits(&b[0..2])?;
    let m = digits(&b[3..5])?;
    let s = digits(&b[6..8])?;
    let nanos = if b.len() > 8 {
        if b[8] != b'.' && b[8] != b':' && b[8] != b',' {
            return None;
        }
        if b.len() == 9 {
            0
        } else {
            fraction_nanos(&b[9..])?
        }
    } else {
        0
    };
    Some((h, m, s, nanos))
}

/// Parse a signed bias such as `+480`, `-060`, `480`.
pub fn bias(b: &[u8]) -> Option<i32> {
    let (neg, rest) = match b.first()? {
        b'+' => (false, &b[1..]),
        b'-' => (true, &b[1..]),
        _ => (false, b),
    };
    let v = i32::try_from(digits(rest)?).ok()?;
    Some(if neg { -v } else { v })
}

/// Parse `MM-DD-YYYY` (also `M-D-YYYY` and `/` separators). Returns (y, m, d).
pub fn mdy(b: &[u8]) -> Option<(i32, u32, u32)> {
    let mut parts = b.split(|&c| c == b'-' || c == b'/');
    let m = digits(parts.next()?)?;
    let d = digits(parts.next()?)?;
    let y = parts.next()?;
    if parts.next().is_some() || y.len() != 4 {
        return None;
    }
    Some((digits(y)? as i32, m, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_bias_is_the_searched_bias() {
        let clocks = [
            "00:39:31.259+480",
            "23:59:59.999-60",
            "10:00:00.000+0",
            "00:00:00.000+000",
        ];
        crate::testutil::fixed_agrees_with_search(&clocks, fixed_bias_at, searched_bias_at);
    }

    #[test]
    fn leading_digits_agree_with_a_loop() {
        let texts = [
            "5976 (0x1758)",
            "1 (0x1)",
            "12345678 (x)",
            "1234567 (x)",
            "0000001x",
            "x1234567",
            "99999999",
            "9999999 ",
            "00000000",
            "42(0x2A)...",
            "7/000000",
            "7:000000",
            "123",
        ];
        for t in texts {
            let b = t.as_bytes();
            let n = b.iter().take(8).take_while(|c| c.is_ascii_digit()).count();
            let want = (b.len() >= 8 && n < 8).then(|| {
                let v = b[..n]
                    .iter()
                    .fold(0u32, |v, &c| v * 10 + u32::from(c - b'0'));
                (v, n)
            });
            assert_eq!(leading_digits8(b), want, "{t}");
        }
        // Every byte value next to digits.
        for c in 0..=255u8 {
            let b = [b'4', b'0', b'9', c, b' ', b' ', b' ', b' '];
            let n = if c.is_ascii_digit() { 4 } else { 3 };
            let v = if n == 4 {
                4090 + u32::from(c - b'0')
            } else {
                409
            };
            assert_eq!(leading_digits8(&b), Some((v, n)), "byte {c}");
        }
    }

    #[test]
    fn bias_sign_follows_windows_convention() {
        let local = make(2026, 2, 8, 10, 0, 0, 0).expect("valid");
        assert_eq!(
            utc_from_bias(local, 480).map(|t| t.to_rfc3339()),
            Some("2026-02-08T18:00:00+00:00".into())
        );
        assert_eq!(
            utc_from_bias(local, -120).map(|t| t.to_rfc3339()),
            Some("2026-02-08T08:00:00+00:00".into())
        );
        assert_eq!(utc_from_bias(local, 9999), None);
    }

    #[test]
    fn fast_bias_matches_chrono_across_midnight_and_year_end() {
        let cases = [
            (make(2026, 2, 8, 10, 0, 0, 0), 480),
            (make(2026, 2, 8, 20, 0, 0, 5), 480),
            (make(2026, 1, 1, 0, 30, 0, 0), -60),
            (make(2025, 12, 31, 23, 59, 59, 999_999_999), 1),
            (make(2024, 2, 29, 23, 0, 0, 0), 960),
            (make(2026, 3, 1, 0, 0, 0, 0), -960),
            (make(2026, 3, 1, 0, 0, 0, 0), 961),
        ];
        for (local, bias) in cases {
            let local = local.expect("valid");
            assert_eq!(utc_from_bias_fast(local, bias), utc_from_bias(local, bias));
        }
        let l = make(2026, 1, 1, 0, 30, 0, 0).expect("valid");
        assert_eq!(
            utc_from_bias_fast(l, 60).map(|t| t.to_rfc3339()),
            Some("2026-01-01T01:30:00+00:00".into())
        );
        assert_eq!(
            utc_from_bias_fast(l, -60).map(|t| t.to_rfc3339()),
            Some("2025-12-31T23:30:00+00:00".into())
        );
    }

    #[test]
    fn date_cache_returns_what_mdy_would() {
        let mut c = DateCache::default();
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd);
        assert_eq!(c.mdy(b"02-08-2020"), d(2020, 2, 8));
        assert_eq!(c.mdy(b"02-08-2020"), d(2020, 2, 8));
        assert_eq!(c.mdy(b"02-09-2020"), d(2020, 2, 9));
        assert_eq!(c.mdy(b"13-09-2020"), None);
        assert_eq!(c.mdy(b"13-09-2020"), None);
        assert_eq!(c.mdy(b"9-23-2026"), d(2026, 9, 23));
        assert_eq!(c.mdy(b""), None);
        assert_eq!(c.mdy(b"01-01-2026 and far too long for the key"), None);
        assert_eq!(c.mdy(b"9-23-2026"), d(2026, 9, 23));
    }

    #[test]
    fn fields() {
        assert_eq!(hms(b"02:13:11.659"), Some((2, 13, 11, 659_000_000)));
        assert_eq!(hms(b"11:16:42.3322734"), Some((11, 16, 42, 332_273_400)));
        assert_eq!(hms(b"11:16:42:123"), Some((11, 16, 42, 123_000_000)));
        assert_eq!(hms(b"1:16:42"), None);
        assert_eq!(hms(b"23:59:59.999"), Some((23, 59, 59, 999_000_000)));
        assert_eq!(hms(b"23:59:59.99x"), None);
        assert_eq!(hms(b"23:5/:59.999"), None);
        assert_eq!(hms(b"23:59:59:999"), Some((23, 59, 59, 999_000_000)));
        assert_eq!(bias(b"+480"), Some(480));
        assert_eq!(bias(b"-060"), Some(-60));
        assert_eq!(bias(b"x"), None);
        assert_eq!(mdy(b"02-08-2020"), Some((2020, 2, 8)));
        assert_eq!(mdy(b"9-23-2026"), Some((2026, 9, 23)));
        assert!(make(2026, 13, 1, 0, 0, 0, 0).is_none());
    }
}
