//! An ordered cookie jar for the account's browser cookie string (spec §1.1–§1.3).

use std::fmt;

/// An ordered `name → value` cookie map; serializes back in insertion order.
///
/// `Debug` prints only the cookie names, never the values (they are secrets).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct CookieJar {
    entries: Vec<(String, String)>,
}

impl fmt::Debug for CookieJar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CookieJar")
            .field("names", &self.names().collect::<Vec<_>>())
            .finish()
    }
}

fn strip_crlf(s: &str) -> String {
    s.chars().filter(|c| *c != '\r' && *c != '\n').collect()
}

impl CookieJar {
    /// Parses `k1=v1; k2=v2`: split on `;`, trim, split once on `=`; skips empty names and
    /// pieces without `=`; strips CR/LF; later duplicates overwrite in place.
    pub fn parse(s: &str) -> Self {
        let mut jar = Self::default();
        for piece in strip_crlf(s).split(';') {
            let piece = piece.trim();
            let Some((name, value)) = piece.split_once('=') else {
                continue;
            };
            let name = name.trim();
            if name.is_empty() {
                continue;
            }
            jar.set(name, value.trim());
        }
        jar
    }

    /// The value of cookie `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Sets `name` to `value`, overwriting in place or appending.
    pub fn set(&mut self, name: &str, value: &str) {
        let name = strip_crlf(name);
        let value = strip_crlf(value);
        if let Some(entry) = self.entries.iter_mut().find(|(n, _)| *n == name) {
            entry.1 = value;
        } else {
            self.entries.push((name, value));
        }
    }

    /// Removes `name`; returns whether it was present.
    pub fn remove(&mut self, name: &str) -> bool {
        let before = self.entries.len();
        self.entries.retain(|(n, _)| n != name);
        self.entries.len() != before
    }

    /// The seller user id (`unb`), only when it is non-empty ASCII digits.
    pub fn unb(&self) -> Option<&str> {
        self.get("unb")
            .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
    }

    /// The mtop signing token: the part of `_m_h5_tk` before the first `_`, `""` when absent.
    pub fn m_h5_token(&self) -> &str {
        self.get("_m_h5_tk")
            .map(|v| v.split('_').next().unwrap_or_default())
            .unwrap_or_default()
    }

    /// Merges one `Set-Cookie` header value: `Max-Age<=0` or a past `Expires` deletes the
    /// cookie, anything else sets it (domain and path are ignored, as in the reference).
    pub fn merge_set_cookie(&mut self, header: &str, now_ms: i64) {
        let header = strip_crlf(header);
        let mut parts = header.split(';');
        let Some((name, value)) = parts.next().and_then(|p| p.split_once('=')) else {
            return;
        };
        let (name, value) = (name.trim(), value.trim());
        if name.is_empty() {
            return;
        }
        let mut max_age: Option<i64> = None;
        let mut expires_ms: Option<i64> = None;
        for attr in parts {
            let (k, v) = attr.split_once('=').unwrap_or((attr, ""));
            let (k, v) = (k.trim(), v.trim());
            if k.eq_ignore_ascii_case("max-age") {
                max_age = v.parse::<i64>().ok().or(max_age);
            } else if k.eq_ignore_ascii_case("expires") {
                expires_ms = parse_http_date_ms(v).or(expires_ms);
            }
        }
        let expired = match max_age {
            Some(age) => age <= 0,
            None => expires_ms.is_some_and(|e| e <= now_ms),
        };
        if expired {
            self.remove(name);
        } else {
            self.set(name, value);
        }
    }

    /// Serializes as `k=v; k2=v2` in insertion order.
    pub fn to_header(&self) -> String {
        let mut out = String::new();
        for (i, (n, v)) in self.entries.iter().enumerate() {
            if i > 0 {
                out.push_str("; ");
            }
            out.push_str(n);
            out.push('=');
            out.push_str(v);
        }
        out
    }

    /// Number of cookies.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the jar holds no cookie.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Cookie names in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(n, _)| n.as_str())
    }
}

/// Parses an HTTP date (`Thu, 01 Jan 1970 00:00:00 GMT`, also the `01-Jan-1970` and two-digit
/// year variants) into epoch milliseconds. Returns `None` when it cannot be understood.
pub fn parse_http_date_ms(s: &str) -> Option<i64> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let (mut day, mut month, mut year, mut time) = (None, None, None, None);
    for tok in s.split([' ', ',', '-']).filter(|t| !t.is_empty()) {
        if tok.contains(':') {
            let mut it = tok.split(':').map(|p| p.parse::<i64>().ok());
            let h = it.next().flatten()?;
            let m = it.next().flatten()?;
            let sec = it.next().flatten().unwrap_or(0);
            if !(0..24).contains(&h) || !(0..60).contains(&m) || !(0..62).contains(&sec) {
                return None;
            }
            time = Some(h * 3600 + m * 60 + sec);
        } else if let Some(idx) = MONTHS
            .iter()
            .position(|m| tok.to_ascii_lowercase().starts_with(m))
        {
            month = Some(idx as i64 + 1);
        } else if tok.bytes().all(|b| b.is_ascii_digit()) {
            let n: i64 = tok.parse().ok()?;
            if day.is_none() && tok.len() <= 2 && year.is_none() {
                day = Some(n);
            } else if year.is_none() {
                year = Some(match (tok.len(), n) {
                    (2, n) if n < 70 => 2000 + n,
                    (2, n) => 1900 + n,
                    _ => n,
                });
            }
        }
    }
    let (d, m, y, t) = (day?, month?, year?, time?);
    if !(1..=31).contains(&d) || !(1..=99_999).contains(&y) {
        return None;
    }
    Some((days_from_civil(y, m, d) * 86_400 + t) * 1000)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates() {
        assert_eq!(parse_http_date_ms("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(
            parse_http_date_ms("Thu, 01-Jan-1970 00:00:10 GMT"),
            Some(10_000)
        );
        assert_eq!(
            parse_http_date_ms("Tue, 14 Nov 2023 22:13:20 GMT"),
            Some(1_700_000_000_000)
        );
        assert_eq!(parse_http_date_ms("garbage"), None);
    }
}
