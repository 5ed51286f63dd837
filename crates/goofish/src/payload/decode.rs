//! A msgpack → JSON decoder supporting exactly the reference decoder's formats (§3.7).

use crate::error::ProtocolError;
use serde_json::{Map, Number, Value};

/// Maximum nesting of arrays and maps; deeper input is rejected instead of overflowing the stack.
pub const MAX_DEPTH: usize = 64;

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ProtocolError> {
        let end = self
            .pos
            .checked_add(n)
            .ok_or(ProtocolError::UnexpectedEnd)?;
        let out = self
            .buf
            .get(self.pos..end)
            .ok_or(ProtocolError::UnexpectedEnd)?;
        self.pos = end;
        Ok(out)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], ProtocolError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn u8(&mut self) -> Result<u8, ProtocolError> {
        Ok(self.array::<1>()?[0])
    }

    fn len(&mut self, width: u8) -> Result<usize, ProtocolError> {
        let n = match width {
            1 => u64::from(self.u8()?),
            2 => u64::from(u16::from_be_bytes(self.array()?)),
            _ => u64::from(u32::from_be_bytes(self.array()?)),
        };
        usize::try_from(n).map_err(|_| ProtocolError::UnexpectedEnd)
    }

    fn remaining(&self) -> usize {
        self.buf.len().saturating_sub(self.pos)
    }

    fn str(&mut self, n: usize) -> Result<Value, ProtocolError> {
        let bytes = self.take(n)?;
        let s = std::str::from_utf8(bytes).map_err(|_| ProtocolError::InvalidUtf8)?;
        Ok(Value::String(s.to_owned()))
    }

    fn bin(&mut self, n: usize) -> Result<Value, ProtocolError> {
        let bytes = self.take(n)?;
        let mut s = String::with_capacity(bytes.len());
        for chunk in bytes.utf8_chunks() {
            s.push_str(chunk.valid());
        }
        Ok(Value::String(s))
    }

    fn seq(&mut self, n: usize, depth: usize) -> Result<Value, ProtocolError> {
        // Every element takes at least one byte, so cap the preallocation by what is left.
        let mut items = Vec::with_capacity(n.min(self.remaining()));
        for _ in 0..n {
            items.push(self.value(depth + 1)?);
        }
        Ok(Value::Array(items))
    }

    fn map(&mut self, n: usize, depth: usize) -> Result<Value, ProtocolError> {
        let mut map = Map::new();
        for _ in 0..n {
            let key = key_string(self.value(depth + 1)?)?;
            let value = self.value(depth + 1)?;
            map.insert(key, value);
        }
        Ok(Value::Object(map))
    }

    fn value(&mut self, depth: usize) -> Result<Value, ProtocolError> {
        if depth > MAX_DEPTH {
            return Err(ProtocolError::TooDeep(MAX_DEPTH));
        }
        let b = self.u8()?;
        Ok(match b {
            0x00..=0x7f => Value::from(b),
            0x80..=0x8f => return self.map(usize::from(b & 0x0f), depth),
            0x90..=0x9f => return self.seq(usize::from(b & 0x0f), depth),
            0xa0..=0xbf => return self.str(usize::from(b & 0x1f)),
            0xc0 => Value::Null,
            0xc2 => Value::Bool(false),
            0xc3 => Value::Bool(true),
            0xc4..=0xc6 => {
                let n = self.len(1 << (b - 0xc4))?;
                return self.bin(n);
            }
            0xca => float(f64::from(f32::from_be_bytes(self.array()?))),
            0xcb => float(f64::from_be_bytes(self.array()?)),
            0xcc => Value::from(self.u8()?),
            0xcd => Value::from(u16::from_be_bytes(self.array()?)),
            0xce => Value::from(u32::from_be_bytes(self.array()?)),
            0xcf => Value::from(u64::from_be_bytes(self.array()?)),
            0xd0 => Value::from(i8::from_be_bytes(self.array()?)),
            0xd1 => Value::from(i16::from_be_bytes(self.array()?)),
            0xd2 => Value::from(i32::from_be_bytes(self.array()?)),
            0xd3 => Value::from(i64::from_be_bytes(self.array()?)),
            0xd9..=0xdb => {
                let n = self.len(1 << (b - 0xd9))?;
                return self.str(n);
            }
            0xdc | 0xdd => {
                let n = self.len(if b == 0xdc { 2 } else { 4 })?;
                return self.seq(n, depth);
            }
            0xde | 0xdf => {
                let n = self.len(if b == 0xde { 2 } else { 4 })?;
                return self.map(n, depth);
            }
            0xe0..=0xff => Value::from(i64::from(b) - 256),
            other => return Err(ProtocolError::UnknownFormatByte(other)),
        })
    }
}

/// Non-finite floats have no JSON form; they become `null`.
fn float(f: f64) -> Value {
    Number::from_f64(f)
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

/// Map keys as Python's `json.dumps` would write them: strings as is, numbers in decimal,
/// `true`/`false`/`null`; arrays and maps are not valid keys.
fn key_string(key: Value) -> Result<String, ProtocolError> {
    match key {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Null => Ok("null".to_owned()),
        Value::Array(_) | Value::Object(_) => Err(ProtocolError::InvalidKey),
    }
}

/// Decodes one msgpack value from the start of `bytes` (trailing bytes are ignored).
pub fn decode_msgpack(bytes: &[u8]) -> Result<Value, ProtocolError> {
    Reader { buf: bytes, pos: 0 }.value(0)
}
