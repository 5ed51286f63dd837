#![allow(clippy::unwrap_used)]

use super::*;
use rust_xlsxwriter::Workbook;
use xianyu_domain::replies::{MatchMode, ReplyBody};

fn rule(keywords: &[&str], mode: MatchMode, item: Option<&str>, reply: ReplyBody) -> KeywordRule {
    KeywordRule {
        id: 0,
        keywords: keywords.iter().map(|k| (*k).to_owned()).collect(),
        mode,
        item_id: item.map(str::to_owned),
        reply,
        priority: 0,
    }
}

/// A workbook with one sheet `name` holding `rows` as strings ("" = no cell).
fn book(name: &str, rows: &[&[&str]]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(name).unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32, c as u16, *v).unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

fn rules(rows: &[ParsedRow]) -> Vec<KeywordRule> {
    rows.iter().map(|r| r.rule.clone().unwrap()).collect()
}

fn errors(rows: &[ParsedRow]) -> Vec<(u32, String)> {
    rows.iter()
        .filter_map(|r| r.rule.as_ref().err().map(|e| (e.row, e.code.clone())))
        .collect()
}

#[test]
fn export_then_parse_gives_the_same_rules() {
    let mut with_priority = rule(
        &["价格", "多少钱"],
        MatchMode::Contains,
        Some("123456789012345"),
        ReplyBody::text("{buyer_name} 您好，价格 {{不议价}}").unwrap(),
    );
    with_priority.priority = -7;
    let original = vec![
        with_priority,
        rule(
            &["^在吗$", "(a|b)c"],
            MatchMode::Regex,
            None,
            ReplyBody::Silent,
        ),
        rule(
            &["图"],
            MatchMode::Exact,
            None,
            ReplyBody::Image {
                image_ref: "images/x.png".into(),
            },
        ),
        rule(
            &["a|b"],
            MatchMode::Contains,
            None,
            ReplyBody::text("pipe").unwrap(),
        ),
    ];
    let parsed = parse(&export(&original).unwrap()).unwrap();
    assert_eq!(
        parsed.iter().map(|r| r.row).collect::<Vec<_>>(),
        [2, 3, 4, 5]
    );
    assert_eq!(rules(&parsed), original);
}

#[test]
fn the_template_parses_cleanly() {
    let parsed = parse(&template().unwrap()).unwrap();
    let got = rules(&parsed);
    assert_eq!(got.len(), 3);
    assert_eq!(got[0].keywords, ["你好"]);
    assert_eq!(got[1].keywords, ["价格"]);
    assert_eq!(got[1].item_id.as_deref(), Some("123456"));
    assert_eq!(got[2].keywords, ["发货"]);
}

#[test]
fn reference_format_with_headers_in_any_order_and_extra_columns() {
    let bytes = book(
        "Sheet1",
        &[
            &["备注", "关键词内容", "商品ID", "关键词"],
            &["x", "您好", "", "你好"],
            &["", "", "", ""],
            &["", "", "777", "不回|沉默"],
        ],
    );
    let parsed = parse(&bytes).unwrap();
    assert_eq!(parsed.len(), 2);
    assert_eq!(parsed[1].row, 4);
    let got = rules(&parsed);
    assert_eq!(got[0].reply, ReplyBody::text("您好").unwrap());
    assert_eq!(got[1].keywords, ["不回", "沉默"]);
    assert_eq!(got[1].reply, ReplyBody::Silent);
    assert_eq!(got[1].item_id.as_deref(), Some("777"));
}

#[test]
fn numeric_item_ids_lose_the_decimal_point() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "关键词").unwrap();
    ws.write_string(0, 1, "商品ID").unwrap();
    ws.write_string(0, 2, "优先级").unwrap();
    ws.write_string(1, 0, "k").unwrap();
    ws.write_number(1, 1, 712345678901.0).unwrap();
    ws.write_number(1, 2, 3.0).unwrap();
    let got = rules(&parse(&wb.save_to_buffer().unwrap()).unwrap());
    assert_eq!(got[0].item_id.as_deref(), Some("712345678901"));
    assert_eq!(got[0].priority, 3);
}

#[test]
fn bad_rows_are_reported_with_their_row_numbers() {
    let bytes = book(
        SHEET_NAME,
        &[
            &["关键词", "关键词内容", "匹配方式", "优先级", "回复类型"],
            &["ok", "fine", "", "", ""],
            &["p", "{price}", "", "", ""],
            &["(unclosed", "x", "regex", "", ""],
            &["m", "x", "fuzzy", "", ""],
            &["q", "x", "", "high", ""],
            &["", "content without keyword", "", "", ""],
            &["OK", "x", "", "", "video"],
            &["ok", "again", "", "", ""],
            &["s", "text", "", "", "silent"],
            &["i", "", "", "", "image"],
        ],
    );
    let parsed = parse(&bytes).unwrap();
    assert_eq!(
        errors(&parsed),
        [
            (3, "unknown_placeholder".to_owned()),
            (4, "invalid_regex".to_owned()),
            (5, "invalid_match_mode".to_owned()),
            (6, "invalid_priority".to_owned()),
            (7, "no_keywords".to_owned()),
            (8, "invalid_reply_type".to_owned()),
            (9, "duplicate_rule".to_owned()),
            (10, "invalid_reply".to_owned()),
            (11, "invalid_reply".to_owned()),
        ]
    );
}

#[test]
fn the_reference_sheet_is_preferred_over_the_first() {
    let mut wb = Workbook::new();
    wb.add_worksheet().set_name("说明").unwrap();
    let ws = wb.add_worksheet();
    ws.set_name(SHEET_NAME).unwrap();
    ws.write_string(0, 0, "关键词").unwrap();
    ws.write_string(1, 0, "k").unwrap();
    assert_eq!(
        rules(&parse(&wb.save_to_buffer().unwrap()).unwrap()).len(),
        1
    );
}

#[test]
fn file_level_errors() {
    assert_eq!(parse(b"not a zip").unwrap_err().code(), "invalid_xlsx");
    assert_eq!(parse(b"").unwrap_err().code(), "invalid_xlsx");
    let missing = book("Sheet1", &[&["商品ID", "关键词内容"], &["1", "x"]]);
    assert_eq!(parse(&missing).unwrap_err(), XlsxError::MissingColumn);
    assert_eq!(
        parse(&book("Sheet1", &[])).unwrap_err(),
        XlsxError::MissingColumn
    );
    assert_eq!(
        parse(&vec![0u8; MAX_BYTES + 1]).unwrap_err(),
        XlsxError::TooLarge
    );
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "关键词").unwrap();
    for r in 1..=(MAX_ROWS as u32 + 1) {
        ws.write_string(r, 0, format!("k{r}")).unwrap();
    }
    let big = wb.save_to_buffer().unwrap();
    assert_eq!(parse(&big).unwrap_err(), XlsxError::TooManyRows);
}

#[test]
fn keyword_cells_split_on_pipes_or_line_breaks() {
    assert_eq!(split_keywords("a|b| c ", false), ["a", "b", "c"]);
    assert_eq!(split_keywords("a|b\r\nc", false), ["a|b", "c"]);
    assert_eq!(split_keywords("a|b", true), ["a|b"]);
    assert_eq!(split_keywords("", false), Vec::<String>::new());
}

#[test]
fn a_zip_bomb_is_rejected_before_unpacking() {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    zip.start_file("xl/sharedStrings.xml", options).unwrap();
    let zeros = vec![b'0'; 1 << 20];
    for _ in 0..65 {
        zip.write_all(&zeros).unwrap();
    }
    let bytes = zip.finish().unwrap().into_inner();
    assert!(bytes.len() < MAX_BYTES);
    assert_eq!(parse(&bytes).unwrap_err(), XlsxError::TooLarge);
}
