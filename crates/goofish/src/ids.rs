//! Identifier generators: device id (§1.4), message mid and uuid (§3.2).

use rand::Rng;

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// Generates a device id: an uppercase-hex UUIDv4-like string followed by `-<unb>` (§1.4).
pub fn device_id<R: Rng + ?Sized>(unb: &str, rng: &mut R) -> String {
    let mut out = String::with_capacity(37 + unb.len());
    for i in 0..36 {
        let c = match i {
            8 | 13 | 18 | 23 => '-',
            14 => '4',
            19 => char::from(HEX_UPPER[(rng.random_range(0..16usize) & 3) | 8]),
            _ => char::from(HEX_UPPER[rng.random_range(0..16usize)]),
        };
        out.push(c);
    }
    out.push('-');
    out.push_str(unb);
    out
}

/// Generates a client mid: `<0-999 unpadded><ms> 0`, e.g. `5701741704675979 0` (§3.2).
pub fn mid<R: Rng + ?Sized>(now_ms: i64, rng: &mut R) -> String {
    format!("{}{} 0", rng.random_range(0..1000u32), now_ms)
}

/// Generates a message client uuid: `-<ms>1` (§3.2).
pub fn message_uuid(now_ms: i64) -> String {
    format!("-{now_ms}1")
}

/// Whether `s` matches `^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}-\d+$`.
pub fn is_device_id(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 38 {
        return false;
    }
    let upper_hex = |c: &u8| c.is_ascii_digit() || (b'A'..=b'F').contains(c);
    let (head, tail) = b.split_at(36);
    let head_ok = head.iter().enumerate().all(|(i, c)| match i {
        8 | 13 | 18 | 23 => *c == b'-',
        14 => *c == b'4',
        19 => matches!(c, b'8' | b'9' | b'A' | b'B'),
        _ => upper_hex(c),
    });
    let (dash, digits) = tail.split_at(1);
    head_ok && dash == b"-" && !digits.is_empty() && digits.iter().all(u8::is_ascii_digit)
}

/// Strips a trailing `@goofish` from an IM id.
pub fn strip_goofish(id: &str) -> &str {
    id.strip_suffix(crate::constants::GOOFISH_SUFFIX)
        .unwrap_or(id)
}

/// Appends `@goofish` to an IM id unless it is already there.
pub fn with_goofish(id: &str) -> String {
    if id.ends_with(crate::constants::GOOFISH_SUFFIX) {
        id.to_owned()
    } else {
        format!("{id}{}", crate::constants::GOOFISH_SUFFIX)
    }
}
