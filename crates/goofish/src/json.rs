//! Tiny JSON text helpers for byte-exact request strings (key order and escaping matter).

use std::fmt::Write;

/// Writes `s` as a quoted JSON string. With `ascii`, non-ASCII characters become `\uXXXX`
/// escapes (UTF-16, surrogate pairs), exactly like Python `json.dumps(ensure_ascii=True)`.
pub(crate) fn quote(s: &str, ascii: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (ascii && !c.is_ascii()) => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Quoted JSON string with non-ASCII kept raw (compact serde/JS style).
pub(crate) fn q(s: &str) -> String {
    quote(s, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_escapes_like_python() {
        assert_eq!(quote("在售", true), r#""\u5728\u552e""#);
        assert_eq!(quote("a\"b\\\n\u{1}", false), r#""a\"b\\\n\u0001""#);
        assert_eq!(quote("😀", true), r#""\ud83d\ude00""#);
    }
}
