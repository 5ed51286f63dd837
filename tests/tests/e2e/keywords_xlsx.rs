//! Keyword rules as Excel through the API: export → import round trip (dry run, apply,
//! merge, replace), the reference-format template, malformed files with row numbers, and
//! tenant isolation.
#![allow(clippy::unwrap_used, missing_docs)]

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use xianyu_tests::{TestServer, on_both_backends};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

on_both_backends! {
    round_trip => round_trip;
    template_and_merge => template_and_merge;
    malformed_files => malformed_files;
    replace_and_isolation => replace_and_isolation;
}

fn text(t: &str) -> Value {
    json!({"type": "text", "text": t})
}

async fn account(s: &TestServer, t: &str, unb: u64) -> String {
    let (st, acc) = s
        .call(
            Method::POST,
            "/api/v1/accounts",
            Some(t),
            Some(json!({"cookie": format!("unb={unb}; cookie2=x")})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{acc}");
    format!("/api/v1/accounts/{}", acc["id"])
}

/// GET a workbook: status, content type, content disposition, bytes.
async fn download(s: &TestServer, t: &str, path: &str) -> (StatusCode, String, String, Vec<u8>) {
    let res = s
        .client
        .get(s.url(path))
        .bearer_auth(t)
        .send()
        .await
        .unwrap();
    let h = |n: &str| {
        res.headers()
            .get(n)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    let (ct, cd) = (h("content-type"), h("content-disposition"));
    let st = res.status();
    (st, ct, cd, res.bytes().await.unwrap().to_vec())
}

/// POST a file to `…/keywords.xlsx{query}`.
async fn upload(
    s: &TestServer,
    t: &str,
    base: &str,
    query: &str,
    ct: &str,
    body: Vec<u8>,
) -> (StatusCode, Value) {
    let res = s
        .client
        .post(s.url(&format!("{base}/keywords.xlsx{query}")))
        .bearer_auth(t)
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    let st = res.status();
    (st, res.json().await.unwrap_or(Value::Null))
}

/// The account's keyword rules without their ids, in id order.
async fn rules(s: &TestServer, t: &str, base: &str) -> Vec<Value> {
    let (st, v) = s
        .call(Method::GET, &format!("{base}/keyword-rules"), Some(t), None)
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let mut r = r.clone();
            r.as_object_mut().unwrap().remove("id");
            r
        })
        .collect()
}

/// A workbook whose first sheet holds `rows` as strings ("" = no cell).
fn book(rows: &[&[&str]]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32, c as u16, *v).unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

fn counts(v: &Value) -> (bool, u64, u64, u64, u64, u64) {
    let n = |k: &str| v[k].as_u64().unwrap();
    (
        v["applied"].as_bool().unwrap(),
        n("valid"),
        n("created"),
        n("updated"),
        n("unchanged"),
        n("deleted"),
    )
}

async fn round_trip(s: TestServer) {
    let t = s.admin_token().await;
    let a = account(&s, &t, 101).await;
    let bulk = json!({"rules": [
        {"keywords": ["价格", "多少钱"], "item_id": "712345678901", "reply": text("{buyer_name}，{{价格}}请看详情"), "priority": 5},
        {"keywords": ["^在吗$", "(早|晚)上好"], "mode": "regex", "reply": {"type": "silent"}},
        {"keywords": ["图"], "mode": "exact", "reply": {"type": "image", "image_ref": "images/a.png"}, "priority": -2},
        {"keywords": ["a|b"], "reply": text("literal pipe")},
    ]});
    let (st, v) = s
        .call(
            Method::POST,
            &format!("{a}/keyword-rules/bulk"),
            Some(&t),
            Some(bulk),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let original = rules(&s, &t, &a).await;

    let id = a.rsplit('/').next().unwrap();
    let (st, ct, cd, file) = download(&s, &t, &format!("{a}/keywords.xlsx")).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(ct, XLSX);
    assert!(cd.starts_with("attachment"), "{cd}");
    assert!(cd.contains(&format!("keywords-{id}.xlsx")), "{cd}");

    // into the same account: a dry run that finds every rule unchanged
    let (st, v) = upload(&s, &t, &a, "", XLSX, file.clone()).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(counts(&v), (false, 4, 0, 0, 4, 0), "{v}");
    assert_eq!(v["rows"], 4);
    assert_eq!(v["errors"], json!([]));

    // into another account: the dry run writes nothing, apply creates the same rules
    let b = account(&s, &t, 102).await;
    let (st, v) = upload(
        &s,
        &t,
        &b,
        "?apply=false",
        "application/octet-stream",
        file.clone(),
    )
    .await;
    assert_eq!(
        (st, counts(&v)),
        (StatusCode::OK, (false, 4, 4, 0, 0, 0)),
        "{v}"
    );
    assert!(rules(&s, &t, &b).await.is_empty());
    let (st, v) = upload(&s, &t, &b, "?apply=true", XLSX, file).await;
    assert_eq!(
        (st, counts(&v)),
        (StatusCode::OK, (true, 4, 4, 0, 0, 0)),
        "{v}"
    );
    assert_eq!(rules(&s, &t, &b).await, original);

    // the imported rules answer at once (cache invalidated)
    let (st, v) = s
        .call(
            Method::POST,
            &format!("{b}/replies/preview"),
            Some(&t),
            Some(json!({"message": "多少钱", "item_id": "712345678901", "buyer_name": "小王"})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["reply"]["text"], "小王，{价格}请看详情", "{v}");
}

async fn template_and_merge(s: TestServer) {
    let t = s.admin_token().await;
    let a = account(&s, &t, 201).await;
    let (st, ct, cd, file) = download(&s, &t, &format!("{a}/keywords-template.xlsx")).await;
    assert_eq!((st, ct.as_str()), (StatusCode::OK, XLSX));
    assert!(cd.starts_with("attachment"), "{cd}");
    let (st, v) = upload(&s, &t, &a, "?apply=true", XLSX, file).await;
    assert_eq!(
        (st, counts(&v)),
        (StatusCode::OK, (true, 3, 3, 0, 0, 0)),
        "{v}"
    );
    let got = rules(&s, &t, &a).await;
    let keywords: Vec<&Value> = got.iter().map(|r| &r["keywords"][0]).collect();
    assert_eq!(keywords, [&json!("你好"), &json!("价格"), &json!("发货")]);
    assert_eq!(got[1]["item_id"], "123456");

    // a reference-format file (three columns, one keyword per row): 你好 is updated, 在吗 added
    let file = book(&[
        &["关键词", "商品ID", "关键词内容"],
        &["你好", "", "新的问候"],
        &["在吗", "", ""],
    ]);
    let (st, v) = upload(&s, &t, &a, "?apply=true", XLSX, file).await;
    assert_eq!(
        (st, counts(&v)),
        (StatusCode::OK, (true, 2, 1, 1, 0, 0)),
        "{v}"
    );
    let got = rules(&s, &t, &a).await;
    assert_eq!(got.len(), 4);
    assert_eq!(got[0]["reply"], text("新的问候"));
    assert_eq!(got[3]["keywords"], json!(["在吗"]));
    assert_eq!(got[3]["reply"], json!({"type": "silent"}));
}

async fn malformed_files(s: TestServer) {
    let t = s.admin_token().await;
    let a = account(&s, &t, 301).await;
    let file = book(&[
        &["关键词", "关键词内容", "匹配方式"],
        &["好的", "没问题", ""],
        &["价格", "{price}", ""],
        &["(unclosed", "x", "regex"],
        &["m", "x", "fuzzy"],
    ]);
    let (st, v) = upload(&s, &t, &a, "?apply=true", XLSX, file).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(
        (v["applied"].clone(), v["rows"].clone(), v["valid"].clone()),
        (json!(false), json!(4), json!(1))
    );
    let errors: Vec<(u64, &str)> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].as_u64().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        errors,
        [
            (3, "unknown_placeholder"),
            (4, "invalid_regex"),
            (5, "invalid_match_mode")
        ]
    );
    assert!(rules(&s, &t, &a).await.is_empty(), "nothing is written");

    for (ct, body, status, code) in [
        (
            XLSX,
            b"this is not a workbook".to_vec(),
            StatusCode::BAD_REQUEST,
            "invalid_xlsx",
        ),
        (XLSX, Vec::new(), StatusCode::BAD_REQUEST, "invalid_xlsx"),
        (
            XLSX,
            book(&[&["商品ID"], &["1"]]),
            StatusCode::BAD_REQUEST,
            "missing_column",
        ),
        (
            XLSX,
            vec![0; 2 * 1024 * 1024 + 1],
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        ),
        (
            "application/json",
            b"{}".to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
    ] {
        let (st, v) = upload(&s, &t, &a, "?apply=true", ct, body).await;
        assert_eq!(
            (st, v["error"]["code"].as_str()),
            (status, Some(code)),
            "{v}"
        );
    }
    let (st, v) = upload(&s, &t, &a, "?apply=maybe", XLSX, book(&[&["关键词"]])).await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_query"))
    );
}

async fn replace_and_isolation(s: TestServer) {
    let admin = s.admin_token().await;
    let a = account(&s, &admin, 401).await;
    for k in ["保留", "删除"] {
        let (st, v) = s
            .call(
                Method::POST,
                &format!("{a}/keyword-rules"),
                Some(&admin),
                Some(json!({"keywords": [k], "reply": text("x")})),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
    }
    let file = book(&[&["关键词", "关键词内容"], &["保留", "x"], &["新增", "y"]]);
    let (st, v) = upload(&s, &admin, &a, "?replace=true", XLSX, file.clone()).await;
    assert_eq!(
        (st, counts(&v)),
        (StatusCode::OK, (false, 2, 1, 0, 1, 1)),
        "{v}"
    );
    assert_eq!(v["replace"], true);
    assert_eq!(rules(&s, &admin, &a).await.len(), 2, "dry run");
    let (st, v) = upload(&s, &admin, &a, "?apply=true&replace=true", XLSX, file).await;
    assert_eq!(
        (st, counts(&v)),
        (StatusCode::OK, (true, 2, 1, 0, 1, 1)),
        "{v}"
    );
    let got = rules(&s, &admin, &a).await;
    let keywords: Vec<&Value> = got.iter().map(|r| &r["keywords"][0]).collect();
    assert_eq!(keywords, [&json!("保留"), &json!("新增")]);

    // another user sees none of it
    let other = s.user_token(&admin, "mallory").await;
    for path in [
        format!("{a}/keywords.xlsx"),
        format!("{a}/keywords-template.xlsx"),
    ] {
        let (st, _, _, body) = download(&s, &other, &path).await;
        let v: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            (st, v["error"]["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("account_not_found"))
        );
    }
    let file = book(&[&["关键词"], &["入侵"]]);
    let (st, v) = upload(&s, &other, &a, "?apply=true&replace=true", XLSX, file).await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("account_not_found"))
    );
    assert_eq!(rules(&s, &admin, &a).await.len(), 2);

    // without a token
    let res = s
        .client
        .get(s.url(&format!("{a}/keywords.xlsx")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}
