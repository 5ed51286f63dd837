//! Secrets (cookies, passwords, tokens) never appear in API responses or in the log.
//! The test installs a capturing logger, which is process-wide: it runs alone in a child
//! process of this test binary, so that it sees only its own server's log lines and no other
//! test of the binary logs into it.
#![allow(clippy::unwrap_used, missing_docs)]

use reqwest::{Method, StatusCode};
use serde_json::json;
use std::sync::Mutex;
use xianyu_tests::{Backend, TestServer};

static LOG: Mutex<String> = Mutex::new(String::new());

struct Capture;

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata) -> bool {
        true
    }
    fn log(&self, record: &log::Record) {
        // the raw record, before the product's redaction: fields too (`user=1`)
        struct Fields(String);
        impl<'k> log::kv::VisitSource<'k> for Fields {
            fn visit_pair(
                &mut self,
                key: log::kv::Key<'k>,
                value: log::kv::Value<'k>,
            ) -> Result<(), log::kv::Error> {
                self.0.push_str(&format!(" {key}={value}"));
                Ok(())
            }
        }
        let mut fields = Fields(String::new());
        let _ = record.key_values().visit(&mut fields);
        let line = format!(
            "{} {} {}{}\n",
            record.level(),
            record.target(),
            record.args(),
            fields.0
        );
        LOG.lock().unwrap().push_str(&line);
    }
    fn flush(&self) {}
}

/// Set in the child process that runs the test body.
const ALONE: &str = "XIANYU_TESTS_SECRETS_ALONE";

/// Runs `test` (a path without the crate name) alone in a child process of this test binary,
/// with [`ALONE`] set, and fails with the child's output unless exactly that test passed there.
fn run_alone(test: &str) {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([test, "--exact", "--test-threads=1", "--nocapture"])
        .env(ALONE, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains("test result: ok. 1 passed"),
        "{test} in its own process: {}\n{stdout}\n{stderr}",
        out.status
    );
}

#[tokio::test]
async fn secrets_stay_out_of_responses_and_logs() {
    if std::env::var_os(ALONE).is_none() {
        let module = module_path!().split_once("::").unwrap().1;
        run_alone(&format!("{module}::secrets_stay_out_of_responses_and_logs"));
        return;
    }
    log::set_boxed_logger(Box::new(Capture)).unwrap();
    log::set_max_level(log::LevelFilter::Trace);

    let s = TestServer::start(Backend::Sqlite).unwrap();
    let secret = "cookie2-VALUE-that-must-stay-secret";
    let cookie = format!("unb=2219000000000; cookie2={secret}; sgcookie={secret}");
    let token = s.admin_token().await;
    let mut bodies = Vec::new();
    let (st, acc) = s
        .call(
            Method::POST,
            "/api/v1/accounts",
            Some(&token),
            Some(json!({"cookie": cookie})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED);
    bodies.push(acc.to_string());
    let path = format!("/api/v1/accounts/{}", acc["id"]);
    bodies.push(
        s.call(Method::GET, "/api/v1/accounts", Some(&token), None)
            .await
            .1
            .to_string(),
    );
    bodies.push(
        s.call(Method::GET, &path, Some(&token), None)
            .await
            .1
            .to_string(),
    );
    bodies.push(
        s.call(
            Method::PATCH,
            &path,
            Some(&token),
            Some(json!({"remark": "r"})),
        )
        .await
        .1
        .to_string(),
    );
    bodies.push(
        s.call(
            Method::PUT,
            &format!("{path}/cookie"),
            Some(&token),
            Some(json!({"cookie": cookie})),
        )
        .await
        .1
        .to_string(),
    );
    bodies.push(
        s.call(Method::GET, "/api/v1/auth/me", Some(&token), None)
            .await
            .1
            .to_string(),
    );
    bodies.push(
        s.call(Method::GET, "/health", None, None)
            .await
            .1
            .to_string(),
    );
    s.call(
        Method::POST,
        "/api/v1/auth/password",
        Some(&token),
        Some(json!({"current_password": s.admin_password, "new_password": "brand-new-password"})),
    )
    .await;

    for b in &bodies {
        assert!(!b.contains(secret), "cookie leaked in a response: {b}");
        assert!(!b.contains("cookie2="), "cookie leaked in a response: {b}");
    }
    let admin_password = s.admin_password.clone();
    drop(s);
    let log = LOG.lock().unwrap().clone();
    assert!(log.contains("xianyu::http"), "requests are logged: {log}");
    assert!(log.contains("user=1"), "request log names the user: {log}");
    for needle in [
        secret,
        token.as_str(),
        "brand-new-password",
        admin_password.as_str(),
    ] {
        assert!(!log.contains(needle), "secret {needle:?} found in the log");
    }
}
