//! Order-id extraction from trade cards (§3.8 B).

use super::{json_field, str_of};
use regex::Regex;
use serde_json::Value;
use std::sync::LazyLock;

fn compile(patterns: &[&str]) -> Vec<Regex> {
    patterns.iter().filter_map(|p| Regex::new(p).ok()).collect()
}

static ORDER_ID_PARAM: LazyLock<Vec<Regex>> = LazyLock::new(|| compile(&[r"orderId=([0-9]+)"]));
static ORDER_DETAIL_ID: LazyLock<Vec<Regex>> =
    LazyLock::new(|| compile(&[r"order_detail\?id=([0-9]+)"]));
static FALLBACKS: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    compile(&[
        r"orderId[=:]([0-9]{10,})",
        r"order_detail\?id=([0-9]{10,})",
        r#""id"\s*:\s*"?([0-9]{10,})"?"#,
        r"bizOrderId[=:]([0-9]{10,})",
    ])
});

fn first_capture(res: &[Regex], text: &str) -> Option<String> {
    res.iter()
        .find_map(|re| re.captures(text)?.get(1).map(|m| m.as_str().to_owned()))
}

fn url_at(v: Option<&Value>, path: &str) -> Option<String> {
    str_of(v?.pointer(path))
}

/// Extracts an order id, in order: (1) `orderId=` in `main.exContent.button.targetUrl`,
/// (2) `order_detail?id=` in `main.targetUrl`, (3) the same inside
/// `dynamicOperation.changeContent`, (4) regexes over the raw content JSON and the whole
/// message, then (5) the `<cid>:<orderId>:<state>` `updateKey` of `extJson`.
///
/// `content` is the parsed `1.6.3.5` card JSON and `raw_content` its original string.
pub fn extract_order_id(
    content: Option<&Value>,
    raw_content: Option<&str>,
    decoded: &Value,
) -> Option<String> {
    let main = content.and_then(|c| c.pointer("/dxCard/item/main"));
    let dynamic =
        content.and_then(|c| c.pointer("/dynamicOperation/changeContent/dxCard/item/main"));
    let button = url_at(main, "/exContent/button/targetUrl");
    let target = url_at(main, "/targetUrl");
    let dyn_button = url_at(dynamic, "/exContent/button/targetUrl");
    let dyn_target = url_at(dynamic, "/targetUrl");
    if let Some(id) = button
        .as_deref()
        .and_then(|u| first_capture(&ORDER_ID_PARAM, u))
    {
        return Some(id);
    }
    if let Some(id) = target
        .as_deref()
        .and_then(|u| first_capture(&ORDER_DETAIL_ID, u))
    {
        return Some(id);
    }
    for url in [dyn_button.as_deref(), dyn_target.as_deref()]
        .into_iter()
        .flatten()
    {
        if let Some(id) =
            first_capture(&ORDER_ID_PARAM, url).or_else(|| first_capture(&ORDER_DETAIL_ID, url))
        {
            return Some(id);
        }
    }
    let mut whole = raw_content.unwrap_or_default().to_owned();
    whole.push('\n');
    whole.push_str(&decoded.to_string());
    if let Some(id) = first_capture(&FALLBACKS, &whole) {
        return Some(id);
    }
    ["/1/10/extJson", "/4/extJson"].iter().find_map(|p| {
        let key = str_of(json_field(decoded.pointer(p))?.get("updateKey"))?;
        key.split(':')
            .nth(1)
            .filter(|s| s.len() >= 10 && s.bytes().all(|b| b.is_ascii_digit()))
            .map(str::to_owned)
    })
}
