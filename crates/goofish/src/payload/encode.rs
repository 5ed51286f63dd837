//! A JSON → msgpack encoder producing only formats the reference decoder supports.

use serde_json::{Map, Value};

/// Encodes `value` as msgpack: decimal-integer map keys become msgpack ints (written first, in
/// numeric order), other keys strings; integers use the smallest uint/int form (u64 for ms
/// timestamps), strings fixstr/str8/16/32 by length, other numbers float64.
pub fn encode_msgpack(value: &Value) -> Vec<u8> {
    let mut out = Vec::with_capacity(128);
    write_value(&mut out, value);
    out
}

fn write_value(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::Null => out.push(0xc0),
        Value::Bool(b) => out.push(if *b { 0xc3 } else { 0xc2 }),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                write_uint(out, u);
            } else if let Some(i) = n.as_i64() {
                write_int(out, i);
            } else {
                out.push(0xcb);
                out.extend_from_slice(&n.as_f64().unwrap_or(0.0).to_be_bytes());
            }
        }
        Value::String(s) => write_str(out, s),
        Value::Array(items) => {
            write_len(out, items.len(), 0x90, 0x0f, [0, 0xdc, 0xdd]);
            for item in items {
                write_value(out, item);
            }
        }
        Value::Object(map) => write_map(out, map),
    }
}

fn int_key(k: &str) -> Option<i64> {
    k.parse::<i64>().ok().filter(|n| n.to_string() == k)
}

fn write_map(out: &mut Vec<u8>, map: &Map<String, Value>) {
    write_len(out, map.len(), 0x80, 0x0f, [0, 0xde, 0xdf]);
    let mut int_keys: Vec<(i64, &Value)> = map
        .iter()
        .filter_map(|(k, v)| int_key(k).map(|n| (n, v)))
        .collect();
    int_keys.sort_by_key(|(n, _)| *n);
    for (n, v) in int_keys {
        if let Ok(u) = u64::try_from(n) {
            write_uint(out, u);
        } else {
            write_int(out, n);
        }
        write_value(out, v);
    }
    for (k, v) in map.iter().filter(|(k, _)| int_key(k).is_none()) {
        write_str(out, k);
        write_value(out, v);
    }
}

/// Writes a fix-form header when `len <= fix_max`, else the 8/16/32-bit form in `codes`
/// (code 0 means "no 8-bit form").
fn write_len(out: &mut Vec<u8>, len: usize, fix: u8, fix_max: usize, codes: [u8; 3]) {
    if len <= fix_max {
        out.push(fix | len as u8);
    } else if let (Ok(n), true) = (u8::try_from(len), codes[0] != 0) {
        out.push(codes[0]);
        out.push(n);
    } else if let Ok(n) = u16::try_from(len) {
        out.push(codes[1]);
        out.extend_from_slice(&n.to_be_bytes());
    } else {
        out.push(codes[2]);
        out.extend_from_slice(&u32::try_from(len).unwrap_or(u32::MAX).to_be_bytes());
    }
}

fn write_str(out: &mut Vec<u8>, s: &str) {
    write_len(out, s.len(), 0xa0, 0x1f, [0xd9, 0xda, 0xdb]);
    out.extend_from_slice(s.as_bytes());
}

fn write_uint(out: &mut Vec<u8>, u: u64) {
    if u < 0x80 {
        out.push(u as u8);
    } else if let Ok(v) = u8::try_from(u) {
        out.extend_from_slice(&[0xcc, v]);
    } else if let Ok(v) = u16::try_from(u) {
        out.push(0xcd);
        out.extend_from_slice(&v.to_be_bytes());
    } else if let Ok(v) = u32::try_from(u) {
        out.push(0xce);
        out.extend_from_slice(&v.to_be_bytes());
    } else {
        out.push(0xcf);
        out.extend_from_slice(&u.to_be_bytes());
    }
}

fn write_int(out: &mut Vec<u8>, i: i64) {
    if i >= 0 {
        write_uint(out, i as u64);
    } else if i >= -32 {
        out.push(i as u8);
    } else if let Ok(v) = i8::try_from(i) {
        out.push(0xd0);
        out.extend_from_slice(&v.to_be_bytes());
    } else if let Ok(v) = i16::try_from(i) {
        out.push(0xd1);
        out.extend_from_slice(&v.to_be_bytes());
    } else if let Ok(v) = i32::try_from(i) {
        out.push(0xd2);
        out.extend_from_slice(&v.to_be_bytes());
    } else {
        out.push(0xd3);
        out.extend_from_slice(&i.to_be_bytes());
    }
}
