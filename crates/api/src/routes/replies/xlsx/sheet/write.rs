//! Writing workbooks: the export of an account's rules and the import template.

use super::{HEADERS, SHEET_NAME, XlsxError};
use rust_xlsxwriter::{Color, Format, Workbook};
use xianyu_domain::replies::{KeywordRule, MatchMode, ReplyBody};

/// Writes the rules as a workbook (one row per rule, keywords separated by line breaks).
pub fn export(rules: &[KeywordRule]) -> Result<Vec<u8>, XlsxError> {
    let rows: Vec<[String; 7]> = rules.iter().map(rule_row).collect();
    write_book(&rows, None)
}

/// The import template: the reference system's three example rows (greyed).
pub fn template() -> Result<Vec<u8>, XlsxError> {
    let row =
        |k: &str, item: &str, content: &str| [k, item, content, "", "", "", ""].map(str::to_owned);
    let rows = [
        row("你好", "", "您好，欢迎光临！有什么可以帮您？"),
        row(
            "价格",
            "123456",
            "这款商品已经是最低价了，喜欢可以直接拍下哦",
        ),
        row("发货", "", "拍下后24小时内发货"),
    ];
    write_book(&rows, Some(Color::Gray))
}

fn rule_row(r: &KeywordRule) -> [String; 7] {
    let (kind, content, image) = match &r.reply {
        ReplyBody::Text(t) => ("text", t.as_str().to_owned(), String::new()),
        ReplyBody::Image { image_ref } => ("image", String::new(), image_ref.clone()),
        ReplyBody::Silent => ("silent", String::new(), String::new()),
    };
    let mut keywords = r.keywords.join("\n");
    // A single keyword with `|` gets a line break so that `|` is not read as a separator.
    if r.mode != MatchMode::Regex && r.keywords.len() == 1 && keywords.contains('|') {
        keywords.push('\n');
    }
    [
        keywords,
        r.item_id.clone().unwrap_or_default(),
        content,
        r.mode.as_str().to_owned(),
        kind.to_owned(),
        image,
        r.priority.to_string(),
    ]
}

fn write_book(rows: &[[String; 7]], color: Option<Color>) -> Result<Vec<u8>, XlsxError> {
    let w = |e: rust_xlsxwriter::XlsxError| XlsxError::Write(e.to_string());
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(SHEET_NAME).map_err(w)?;
    let bold = Format::new().set_bold();
    let mut cell = Format::new().set_text_wrap();
    if let Some(c) = color {
        cell = cell.set_font_color(c);
    }
    for (c, (h, width)) in HEADERS
        .iter()
        .zip([30.0, 16.0, 50.0, 10.0, 10.0, 24.0, 8.0])
        .enumerate()
    {
        let col = u16::try_from(c).unwrap_or(0);
        sheet
            .write_string_with_format(0, col, *h, &bold)
            .map_err(w)?;
        sheet.set_column_width(col, width).map_err(w)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = u32::try_from(r + 1).map_err(|e| XlsxError::Write(e.to_string()))?;
        for (c, value) in row.iter().enumerate() {
            let col = u16::try_from(c).unwrap_or(0);
            if c == 6 {
                if let Ok(p) = value.parse::<i32>() {
                    sheet
                        .write_number_with_format(r, col, p, &cell)
                        .map_err(w)?;
                }
            } else if !value.is_empty() {
                sheet
                    .write_string_with_format(r, col, value, &cell)
                    .map_err(w)?;
            }
        }
    }
    book.save_to_buffer().map_err(w)
}
