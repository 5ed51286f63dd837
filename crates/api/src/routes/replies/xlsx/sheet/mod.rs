//! Keyword rules as an Excel workbook, compatible with the reference system's sheet
//! (`关键词数据`: `关键词`, `商品ID`, `关键词内容`) plus our columns `匹配方式`, `回复类型`, `图片`
//! and `优先级`. Pure: bytes in, rules or per-row errors out; no IO, no store.

use crate::routes::replies::dto::{KeywordRuleDto, MatchModeDto, ReplyDto, ReplyKind};
use calamine::{Data, Reader, Xlsx};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Cursor;
use utoipa::ToSchema;
use xianyu_domain::replies::KeywordRule;

mod write;
pub use write::{export, template};

/// The reference system's sheet name (also the name of exported sheets).
pub const SHEET_NAME: &str = "关键词数据";
/// Largest accepted file.
pub const MAX_BYTES: usize = 2 * 1024 * 1024;
/// Most data rows (below the header) in one file.
pub const MAX_ROWS: usize = 5_000;
/// Largest total unpacked size of the file's parts (guards against zip bombs).
const MAX_UNPACKED: u64 = 64 * 1024 * 1024;
/// Cells right of this column are ignored.
const MAX_COLUMNS: u32 = 64;

/// Column headers, in export order.
pub const COL_KEYWORDS: &str = "关键词";
/// Item id column.
pub const COL_ITEM: &str = "商品ID";
/// Reply text column (empty = silent).
pub const COL_CONTENT: &str = "关键词内容";
/// Match mode column (contains / exact / regex).
pub const COL_MODE: &str = "匹配方式";
/// Reply type column (text / image / silent).
pub const COL_KIND: &str = "回复类型";
/// Image reference column.
pub const COL_IMAGE: &str = "图片";
/// Priority column.
pub const COL_PRIORITY: &str = "优先级";
const HEADERS: [&str; 7] = [
    COL_KEYWORDS,
    COL_ITEM,
    COL_CONTENT,
    COL_MODE,
    COL_KIND,
    COL_IMAGE,
    COL_PRIORITY,
];

/// A file-level failure: the whole file is rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum XlsxError {
    /// Not an xlsx workbook, or a corrupt one.
    Invalid(String),
    /// Larger than [`MAX_BYTES`] (or unpacking to more than the unpacked limit).
    TooLarge,
    /// More than [`MAX_ROWS`] data rows.
    TooManyRows,
    /// The sheet has no `关键词` header.
    MissingColumn,
    /// Writing the workbook failed.
    Write(String),
}

impl XlsxError {
    /// Stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Invalid(_) => "invalid_xlsx",
            Self::TooLarge => "payload_too_large",
            Self::TooManyRows => "too_many_rows",
            Self::MissingColumn => "missing_column",
            Self::Write(_) => "internal_error",
        }
    }
}

impl std::fmt::Display for XlsxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Invalid(m) => write!(f, "not a readable .xlsx workbook: {m}"),
            Self::TooLarge => write!(f, "the file exceeds {MAX_BYTES} bytes"),
            Self::TooManyRows => write!(f, "the sheet has more than {MAX_ROWS} rows"),
            Self::MissingColumn => write!(f, "the sheet has no `{COL_KEYWORDS}` header"),
            Self::Write(m) => write!(f, "cannot write the workbook: {m}"),
        }
    }
}

/// One rejected row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct RowError {
    /// 1-based sheet row number, as Excel shows it.
    pub row: u32,
    /// Stable snake_case code (e.g. `unknown_placeholder`, `invalid_regex`, `invalid_match_mode`).
    pub code: String,
    /// Human-readable explanation.
    pub message: String,
}

/// One non-empty data row: a validated rule or why it is invalid.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedRow {
    /// 1-based sheet row number.
    pub row: u32,
    /// The rule (id 0), or the row's error.
    pub rule: Result<KeywordRule, RowError>,
}

/// What identifies a rule when merging: its item and its set of keywords.
pub fn rule_key(rule: &KeywordRule) -> (Option<String>, BTreeSet<String>) {
    (
        rule.item_id.clone(),
        rule.keywords.iter().cloned().collect(),
    )
}

/// Reads a workbook: the sheet `关键词数据` (or the first one), headers by name in any order,
/// one result per non-empty row. Duplicate rules (same item and keywords) are row errors.
pub fn parse(bytes: &[u8]) -> Result<Vec<ParsedRow>, XlsxError> {
    if bytes.len() > MAX_BYTES {
        return Err(XlsxError::TooLarge);
    }
    let rows = read_cells(bytes)?;
    let mut iter = rows.into_iter();
    let Some((_, header)) = iter.next() else {
        return Err(XlsxError::MissingColumn);
    };
    let mut columns: HashMap<&'static str, u32> = HashMap::new();
    for (col, value) in header.iter().rev() {
        let name = cell_text(value).trim().to_lowercase();
        if let Some(h) = HEADERS.iter().find(|h| h.to_lowercase() == name) {
            columns.insert(h, *col);
        }
    }
    if !columns.contains_key(COL_KEYWORDS) {
        return Err(XlsxError::MissingColumn);
    }
    let mut out = Vec::new();
    let mut seen: HashMap<(Option<String>, BTreeSet<String>), u32> = HashMap::new();
    for (row, cells) in iter {
        let row = row + 1;
        let get = |name: &str| {
            columns
                .get(name)
                .and_then(|c| cells.iter().find(|(col, _)| col == c))
                .map(|(_, v)| v)
        };
        let values: Vec<Option<&Data>> = HEADERS.iter().map(|h| get(h)).collect();
        if values
            .iter()
            .flatten()
            .all(|v| cell_text(v).trim().is_empty())
        {
            continue;
        }
        let mut rule = parse_row(row, &values);
        if let Ok(r) = &rule {
            if let Some(first) = seen.get(&rule_key(r)) {
                rule = Err(row_error(
                    row,
                    "duplicate_rule",
                    format!("the same keywords and item as row {first}"),
                ));
            } else {
                seen.insert(rule_key(r), row);
            }
        }
        out.push(ParsedRow { row, rule });
    }
    Ok(out)
}

fn row_error(row: u32, code: &str, message: impl Into<String>) -> RowError {
    RowError {
        row,
        code: code.to_owned(),
        message: message.into(),
    }
}

/// The non-empty cells of the chosen sheet, by row, within the row and size limits.
type Rows = BTreeMap<u32, Vec<(u32, Data)>>;

fn read_cells(bytes: &[u8]) -> Result<Rows, XlsxError> {
    let invalid = |e: &dyn std::fmt::Display| XlsxError::Invalid(e.to_string());
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| invalid(&e))?;
    let mut unpacked = 0u64;
    for i in 0..zip.len() {
        let f = zip.by_index_raw(i).map_err(|e| invalid(&e))?;
        unpacked = unpacked.saturating_add(f.size());
    }
    if unpacked > MAX_UNPACKED {
        return Err(XlsxError::TooLarge);
    }
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| invalid(&e))?;
    let names = book.sheet_names();
    let name = names
        .iter()
        .find(|n| n.as_str() == SHEET_NAME)
        .or_else(|| names.first())
        .cloned()
        .ok_or_else(|| XlsxError::Invalid("the workbook has no sheet".into()))?;
    let mut reader = book
        .worksheet_cells_reader(&name)
        .map_err(|e| invalid(&e))?;
    let mut rows: Rows = BTreeMap::new();
    while let Some(cell) = reader.next_cell().map_err(|e| invalid(&e))? {
        let (row, col) = cell.get_position();
        let value: Data = cell.get_value().clone().into();
        if col >= MAX_COLUMNS || value == Data::Empty {
            continue;
        }
        rows.entry(row).or_default().push((col, value));
        if rows.len() > MAX_ROWS + 1 {
            return Err(XlsxError::TooManyRows);
        }
    }
    Ok(rows)
}

/// A cell as text; whole numbers lose their `.0` (item ids typed as numbers).
fn cell_text(v: &Data) -> String {
    match v {
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string().to_uppercase(),
        Data::DateTime(d) => d.to_string(),
        Data::Error(e) => format!("#{e:?}"),
        Data::Empty => String::new(),
    }
}

fn parse_row(row: u32, values: &[Option<&Data>]) -> Result<KeywordRule, RowError> {
    let text = |i: usize| {
        values
            .get(i)
            .copied()
            .flatten()
            .map(cell_text)
            .unwrap_or_default()
    };
    for v in values.iter().flatten() {
        if let Data::Error(e) = v {
            return Err(row_error(
                row,
                "invalid_cell",
                format!("a cell holds the error {e:?}"),
            ));
        }
    }
    let mode = match text(3).trim().to_lowercase().as_str() {
        "" | "contains" | "包含" => MatchModeDto::Contains,
        "exact" | "精确" => MatchModeDto::Exact,
        "regex" | "正则" => MatchModeDto::Regex,
        other => {
            return Err(row_error(
                row,
                "invalid_match_mode",
                format!("{COL_MODE} `{other}` is not contains, exact or regex"),
            ));
        }
    };
    let content = text(2);
    let image = text(5).trim().to_owned();
    let kind = match text(4).trim().to_lowercase().as_str() {
        "" if content.trim().is_empty() && !image.is_empty() => ReplyKind::Image,
        "" | "text" | "文本" => ReplyKind::Text,
        "image" | "图片" => ReplyKind::Image,
        "silent" | "静默" => ReplyKind::Silent,
        other => {
            return Err(row_error(
                row,
                "invalid_reply_type",
                format!("{COL_KIND} `{other}` is not text, image or silent"),
            ));
        }
    };
    let priority = match values.get(6).copied().flatten() {
        None => 0,
        Some(Data::Int(i)) => i32::try_from(*i).map_err(|_| bad_priority(row))?,
        Some(Data::Float(f)) if f.fract() == 0.0 && f.abs() <= f64::from(i32::MAX) => {
            format!("{f:.0}").parse().map_err(|_| bad_priority(row))?
        }
        Some(Data::String(s)) if s.trim().is_empty() => 0,
        Some(Data::String(s)) => s.trim().parse().map_err(|_| bad_priority(row))?,
        Some(_) => return Err(bad_priority(row)),
    };
    let item = text(1).trim().to_owned();
    let dto = KeywordRuleDto {
        id: 0,
        keywords: split_keywords(&text(0), mode == MatchModeDto::Regex),
        mode,
        item_id: (!item.is_empty()).then_some(item),
        reply: ReplyDto {
            kind,
            text: (kind == ReplyKind::Text).then_some(content.clone()),
            image_ref: (kind == ReplyKind::Image && !image.is_empty()).then_some(image),
        },
        priority,
    };
    if kind != ReplyKind::Text && !content.trim().is_empty() {
        return Err(row_error(
            row,
            "invalid_reply",
            format!("{COL_CONTENT} must be empty for {COL_KIND} image or silent"),
        ));
    }
    dto.into_rule()
        .map_err(|e| row_error(row, e.code.as_str(), e.message))
}

fn bad_priority(row: u32) -> RowError {
    row_error(
        row,
        "invalid_priority",
        format!("{COL_PRIORITY} must be a whole number"),
    )
}

/// Keywords of one cell: line breaks separate them; without a line break, `|` does too
/// (except in regex mode, where `|` is alternation).
pub fn split_keywords(cell: &str, regex: bool) -> Vec<String> {
    let cell = cell.replace("\r\n", "\n");
    let parts: Vec<&str> = if regex || cell.contains('\n') {
        cell.split('\n').collect()
    } else {
        cell.split('|').collect()
    };
    parts
        .into_iter()
        .map(|k| k.trim().to_owned())
        .filter(|k| !k.is_empty())
        .collect()
}

#[cfg(test)]
mod tests;
