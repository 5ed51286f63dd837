//! Simple JSON paths (`data.codes[0]`, `$.data.code`) to pick a fetch card's content.

use serde_json::Value;

/// One step of a path: an object key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    Key(String),
    Index(usize),
}

/// Parses `[$][.]key[n][n].key…`; `None` when malformed. `""`, `$` and `.` are the whole value.
pub(crate) fn parse_json_path(path: &str) -> Option<Vec<Step>> {
    let path = path.trim();
    let path = path.strip_prefix('$').unwrap_or(path);
    let path = path.strip_prefix('.').unwrap_or(path);
    let mut steps = Vec::new();
    if path.is_empty() {
        return Some(steps);
    }
    for part in path.split('.') {
        let (key, mut rest) = part.split_at(part.find('[').unwrap_or(part.len()));
        if !key.is_empty() {
            steps.push(Step::Key(key.to_owned()));
        } else if rest.is_empty() {
            return None;
        }
        while !rest.is_empty() {
            let inner = rest.strip_prefix('[')?;
            let close = inner.find(']')?;
            let index = &inner[..close];
            if index.is_empty() || !index.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            steps.push(Step::Index(index.parse().ok()?));
            rest = &inner[close + 1..];
        }
    }
    Some(steps)
}

/// Picks the value at `path` (`data.codes[0]`, `$.data.code`, `$[0].code`) as text.
///
/// Strings come back as they are, numbers and booleans as written, objects and arrays as
/// compact JSON; a missing value, `null` or a malformed path gives `None`.
pub fn pick_json(value: &Value, path: &str) -> Option<String> {
    let mut at = value;
    for step in parse_json_path(path)? {
        at = match step {
            Step::Key(k) => at.get(k.as_str())?,
            Step::Index(i) => at.get(i)?,
        };
    }
    match at {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// The content of a fetch answer: with a path, the picked value of the JSON body; without, the
/// trimmed body. `None` when nothing usable is there (not JSON, missing, blank).
pub fn extract_content(body: &str, json_path: Option<&str>) -> Option<String> {
    let content = match json_path {
        Some(path) => pick_json(&serde_json::from_str(body).ok()?, path)?,
        None => body.trim().to_owned(),
    };
    (!content.trim().is_empty()).then_some(content)
}
