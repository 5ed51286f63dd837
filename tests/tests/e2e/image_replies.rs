//! Reply images end to end: uploads are validated by content, size and dimensions, re-encoded
//! to JPEG and served only to their owner; a keyword rule whose reply is an uploaded image
//! makes the server upload it to the (simulated) Goofish CDN on first use, send it as an image
//! message with the CDN URL, and reuse the remembered URL afterwards.
#![allow(clippy::unwrap_used, missing_docs)]

use image::{ImageEncoder, Rgba, RgbaImage};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use xianyu_tests::{Backend, TestServer, eventually, sim_call, sim_seller};

/// A `w`×`h` PNG with a half-transparent colour.
fn png(w: u32, h: u32) -> Vec<u8> {
    let img = RgbaImage::from_pixel(w, h, Rgba([200, 40, 40, 160]));
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(img.as_raw(), w, h, image::ExtendedColorType::Rgba8)
        .unwrap();
    out
}

/// CRC-32 (IEEE) of a PNG chunk's type and data.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = u32::MAX;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A tiny PNG whose header claims 30000×30000 pixels (a decompression bomb's header).
fn bomb_png() -> Vec<u8> {
    let mut b = png(1, 1);
    b[16..20].copy_from_slice(&30_000u32.to_be_bytes());
    b[20..24].copy_from_slice(&30_000u32.to_be_bytes());
    let crc = crc32(&b[12..29]);
    b[29..33].copy_from_slice(&crc.to_be_bytes());
    b
}

/// Posts `bytes` as the multipart part `file`; returns status and JSON body.
async fn upload(s: &TestServer, token: &str, bytes: Vec<u8>, name: &str) -> (StatusCode, Value) {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned());
    let form = reqwest::multipart::Form::new().part("file", part);
    let res = reqwest::Client::new()
        .post(s.url("/api/v1/uploads"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// GETs an upload; returns status, content type, cache control and the body.
async fn fetch(s: &TestServer, token: &str, id: &str) -> (StatusCode, String, String, Vec<u8>) {
    let res = reqwest::Client::new()
        .get(s.url(&format!("/api/v1/uploads/{id}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let h = |n: &str| {
        res.headers()
            .get(n)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    let (status, ct, cc) = (res.status(), h("content-type"), h("cache-control"));
    (status, ct, cc, res.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn upload_validation_and_owner_only_access_on_sqlite() {
    upload_validation(Backend::Sqlite).await;
}

#[tokio::test]
async fn upload_validation_and_owner_only_access_on_postgres() {
    upload_validation(Backend::Postgres).await;
}

async fn upload_validation(backend: Backend) {
    let Some(s) = TestServer::start(backend) else {
        return;
    };
    let admin = s.admin_token().await;
    let other = s.user_token(&admin, "bob").await;

    // not an image by content, even when named .png
    let (st, v) = upload(&s, &admin, b"hello, I am text".to_vec(), "x.png").await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(v["error"]["code"], "unsupported_image");

    // over 5 MB
    let mut big = png(4, 4);
    big.resize(5 * 1024 * 1024 + 10, 0);
    let (st, v) = upload(&s, &admin, big, "big.png").await;
    assert_eq!(st, StatusCode::PAYLOAD_TOO_LARGE, "{v}");
    assert_eq!(v["error"]["code"], "image_too_large");

    // a header claiming 30000×30000 pixels
    let (st, v) = upload(&s, &admin, bomb_png(), "bomb.png").await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(v["error"]["code"], "image_dimensions");

    // no `file` part / not multipart
    let (st, v) = s
        .call(
            Method::POST,
            "/api/v1/uploads",
            Some(&admin),
            Some(json!({})),
        )
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(v["error"]["code"], "invalid_upload");

    // unauthenticated
    let (st, _) = s.call(Method::POST, "/api/v1/uploads", None, None).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);

    // a large PNG is accepted, capped at 1920 and re-encoded to JPEG
    let (st, v) = upload(&s, &admin, png(2400, 1200), "big.png").await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert_eq!(
        (v["width"].as_u64(), v["height"].as_u64()),
        (Some(1920), Some(960))
    );
    let id = v["id"].as_str().unwrap().to_owned();
    assert_eq!(id.len(), 32);
    assert_eq!(v["url"], format!("/api/v1/uploads/{id}"));
    let stored = s.data_dir().join("uploads").join(format!("{id}.jpg"));
    assert!(stored.exists());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(s.data_dir().join("uploads"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o700);
    }

    // the owner gets the JPEG
    let (st, ct, cc, body) = fetch(&s, &admin, &id).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(ct, "image/jpeg");
    assert_eq!(cc, "private, max-age=86400");
    assert_eq!(&body[..3], &[0xFF, 0xD8, 0xFF]);
    assert_eq!(body.len() as u64, v["bytes"].as_u64().unwrap());
    let decoded = image::load_from_memory(&body).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (1920, 960));

    // another user does not
    let (st, _, _, body) = fetch(&s, &other, &id).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v["error"]["code"], "upload_not_found");
    let (st, v) = s
        .call(
            Method::DELETE,
            &format!("/api/v1/uploads/{id}"),
            Some(&other),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND, "{v}");
    let (st, _, _, _) = fetch(&s, &admin, "../../secret.key").await;
    assert_eq!(st, StatusCode::NOT_FOUND);

    // the owner deletes it: gone, file removed
    let (st, _) = s
        .call(
            Method::DELETE,
            &format!("/api/v1/uploads/{id}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    assert!(!stored.exists());
    let (st, _, _, _) = fetch(&s, &admin, &id).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
}

async fn sent(c: &reqwest::Client, base: &str, unb: &str) -> Vec<Value> {
    sim_call(c, base, &format!("/_sim/accounts/{unb}/sent"), None)
        .await
        .as_array()
        .unwrap()
        .clone()
}

async fn upload_calls(c: &reqwest::Client, base: &str) -> Vec<String> {
    sim_call(c, base, "/_sim/journal?kind=http", None)
        .await
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["path"] == "/api/upload.api")
        .map(|e| e["outcome"].as_str().unwrap_or("").to_owned())
        .collect()
}

async fn buyer(c: &reqwest::Client, base: &str, unb: &str, buyer: &str, item: &str, msg: &str) {
    sim_call(
        c,
        base,
        &format!("/_sim/accounts/{unb}/buyer-messages"),
        Some(json!({"buyer_id": buyer, "buyer_name": "小王", "item_id": item, "text": msg})),
    )
    .await;
}

#[tokio::test]
async fn image_reply_is_uploaded_to_the_cdn_once_and_sent_as_an_image_on_sqlite() {
    image_replies(Backend::Sqlite).await;
}

#[tokio::test]
async fn image_reply_is_uploaded_to_the_cdn_once_and_sent_as_an_image_on_postgres() {
    image_replies(Backend::Postgres).await;
}

async fn image_replies(backend: Backend) {
    let Some((s, sim)) = TestServer::start_live(backend) else {
        return;
    };
    let base = sim.base_url();
    let c = reqwest::Client::new();
    let (unb, cookie, item) = sim_seller(&c, &base, "尺码表").await;
    let t = s.admin_token().await;
    let (st, a) = s
        .call(
            Method::POST,
            "/api/v1/accounts",
            Some(&t),
            Some(json!({"cookie": cookie})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{a}");
    let id = a["id"].as_i64().unwrap();
    let api = format!("/api/v1/accounts/{id}");

    let (st, up) = upload(&s, &t, png(64, 48), "size.png").await;
    assert_eq!(st, StatusCode::CREATED, "{up}");
    let upload_id = up["id"].as_str().unwrap().to_owned();
    let (st, v) = s
        .call(
            Method::POST,
            &format!("{api}/keyword-rules"),
            Some(&t),
            Some(json!({"keywords": ["尺码"], "reply": {"type": "image", "image_ref": upload_id}})),
        )
        .await;
    assert!(st.is_success(), "{st} {v}");
    eventually(10, "online", || async {
        let (_, v) = s
            .call(Method::GET, &format!("{api}/status"), Some(&t), None)
            .await;
        (v["status"] == "online").then_some(())
    })
    .await;

    // first trigger: uploaded to the CDN, sent as an image (contentType 2) with the CDN URL
    buyer(&c, &base, &unb, "2200000000201", &item, "有尺码表吗").await;
    let out = eventually(10, "an image reply", || async {
        let v = sent(&c, &base, &unb).await;
        (!v.is_empty()).then_some(v)
    })
    .await;
    assert_eq!(out[0]["kind"], "image", "{out:?}");
    let url = out[0]["image"]["url"].as_str().unwrap().to_owned();
    assert!(
        url.starts_with("https://img.alicdn.com/fake/") && url.ends_with(".jpg"),
        "{url}"
    );
    assert_eq!(out[0]["image"]["width"], 64, "{out:?}");
    assert_eq!(out[0]["image"]["height"], 48, "{out:?}");
    assert_eq!(upload_calls(&c, &base).await, vec!["uploaded".to_owned()]);

    // second trigger (another buyer): the remembered CDN URL is reused, no second upload
    buyer(&c, &base, &unb, "2200000000202", &item, "尺码怎么选").await;
    let out = eventually(10, "a second image reply", || async {
        let v = sent(&c, &base, &unb).await;
        (v.len() >= 2).then_some(v)
    })
    .await;
    assert_eq!(out[1]["kind"], "image", "{out:?}");
    assert_eq!(out[1]["image"]["url"], url.as_str());
    assert_eq!(
        upload_calls(&c, &base).await.len(),
        1,
        "the CDN URL is remembered per account"
    );

    // the seller sends an upload by hand: remembered URL again, still one CDN upload
    let (_, convs) = s
        .call(Method::GET, &format!("{api}/conversations"), Some(&t), None)
        .await;
    let conv = convs["items"][0]["id"].as_i64().unwrap();
    let path = format!("/api/v1/conversations/{conv}/messages");
    let (st, v) = s
        .call(
            Method::POST,
            &path,
            Some(&t),
            Some(json!({"upload_id": upload_id})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let out = sent(&c, &base, &unb).await;
    assert_eq!(out.len(), 3, "{out:?}");
    assert_eq!(out[2]["kind"], "image");
    assert_eq!(out[2]["image"]["url"], url.as_str());
    assert_eq!(upload_calls(&c, &base).await.len(), 1);

    // another user's upload, an unknown id, or two contents at once are refused
    let bob = s.user_token(&t, "bob").await;
    let (_, bobs) = upload(&s, &bob, png(8, 8), "b.png").await;
    let (st, v) = s
        .call(
            Method::POST,
            &path,
            Some(&t),
            Some(json!({"upload_id": bobs["id"]})),
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND, "{v}");
    assert_eq!(v["error"]["code"], "upload_not_found");
    let (st, v) = s
        .call(
            Method::POST,
            &path,
            Some(&t),
            Some(json!({"upload_id": upload_id, "text": "hi"})),
        )
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(v["error"]["code"], "invalid_message");

    // a new upload with the upload API answering the login page (F17): 502, nothing sent
    sim_call(
        &c,
        &base,
        "/_sim/faults",
        Some(json!({"unb": unb, "kind": "upload_login_page"})),
    )
    .await;
    let (_, fresh) = upload(&s, &t, png(10, 10), "c.png").await;
    let (st, v) = s
        .call(
            Method::POST,
            &path,
            Some(&t),
            Some(json!({"upload_id": fresh["id"]})),
        )
        .await;
    assert_eq!(st, StatusCode::BAD_GATEWAY, "{v}");
    assert_eq!(v["error"]["code"], "upload_login_page");
    assert_eq!(sent(&c, &base, &unb).await.len(), 3);
}
