//! The `xianyu` binary's offline commands.
#![allow(clippy::unwrap_used, missing_docs)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn xianyu(data: &std::path::Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xianyu"));
    cmd.args(args)
        .env("XIANYU_DATA_DIR", data)
        .env_remove("DATABASE_URL")
        .env_remove("XIANYU_SECRET_KEY")
        .env_remove("XIANYU_JWT_SECRET")
        .env("XIANYU_CONFIG", data.join("none.toml"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn user_commands_work_offline() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = xianyu(d, &["migrate"], None);
    assert!(out.status.success(), "{out:?}");
    assert!(stdout(&out).contains("up to date"));

    let out = xianyu(d, &["user", "create", "ops", "--role", "admin"], None);
    assert!(out.status.success(), "{out:?}");
    let text = stdout(&out);
    assert!(
        text.contains("created user 'ops'") && text.contains("role admin"),
        "{text}"
    );
    let generated = text
        .lines()
        .find_map(|l| l.strip_prefix("password: "))
        .unwrap();
    assert_eq!(generated.len(), 20);

    let out = xianyu(
        d,
        &["user", "create", "seller", "--password-stdin"],
        Some("seller-secret-1\n"),
    );
    assert!(out.status.success(), "{out:?}");
    assert!(
        !stdout(&out).contains("seller-secret-1"),
        "a given password is not echoed"
    );

    let out = xianyu(d, &["user", "create", "seller"], None);
    assert!(!out.status.success(), "duplicate names fail");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("error: ") && err.lines().count() == 1,
        "one clear line: {err}"
    );

    let out = xianyu(
        d,
        &["user", "create", "weak", "--password-stdin"],
        Some("short\n"),
    );
    assert!(!out.status.success());

    let out = xianyu(d, &["user", "list"], None);
    let text = stdout(&out);
    assert!(
        text.contains("ops") && text.contains("seller") && !text.contains("weak"),
        "{text}"
    );
    assert!(!text.contains("$2"), "no hashes listed");

    let out = xianyu(d, &["user", "reset-password", "seller"], None);
    assert!(out.status.success(), "{out:?}");
    assert!(stdout(&out).contains("password: "));
    let out = xianyu(d, &["user", "reset-password", "ghost"], None);
    assert!(!out.status.success());
}

#[test]
fn serve_help_lists_every_setting() {
    let dir = tempfile::tempdir().unwrap();
    let out = xianyu(dir.path(), &["serve", "--help"], None);
    let text = stdout(&out);
    for env in [
        "XIANYU_BIND",
        "XIANYU_DATA_DIR",
        "DATABASE_URL",
        "XIANYU_SECRET_KEY",
        "XIANYU_JWT_SECRET",
        "XIANYU_CONFIG",
        "XIANYU_SESSION_HOURS",
        "XIANYU_WORKERS",
        "RUST_LOG",
    ] {
        assert!(
            text.contains(env),
            "{env} missing from serve --help:\n{text}"
        );
    }
}

#[test]
fn bad_settings_fail_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("none.toml"), "unknown_key = 1\n").unwrap();
    let out = xianyu(dir.path(), &["migrate"], None);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("error: ") && err.contains("unknown field `unknown_key`"),
        "{err}"
    );

    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xianyu"));
    let out = cmd
        .args(["migrate"])
        .env("XIANYU_DATA_DIR", dir.path())
        .env("XIANYU_SECRET_KEY", "too-short")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("XIANYU_SECRET_KEY"));
}

#[test]
fn goofish_debug_commands() {
    let dir = tempfile::tempdir().unwrap();
    // sign vector 2 of the protocol spec
    let out = xianyu(
        dir.path(),
        &[
            "goofish",
            "sign",
            "--token",
            "3c4a7e0f1b2d4e6f8a9b0c1d2e3f4a5b",
            "--t",
            "1700000000000",
            "--data",
            r#"{"itemId":"900052644277"}"#,
        ],
        None,
    );
    assert_eq!(stdout(&out).trim(), "5feab1d2ae7711ff780fbc7ec5f9ab63");
    // TV-M1 red reminder
    let out = xianyu(
        dir.path(),
        &[
            "goofish",
            "decode",
            "hAGzNDgwMDAwMDAwMDFAZ29vZmlzaAIBA4KrcmVkUmVtaW5kZXKy562J5b6F5Y2W5a625Y+R6LSnsHJlZFJlbWluZGVyU3R5bGWhMQTPAAABi8/laAA=",
        ],
        None,
    );
    assert!(out.status.success(), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["decoded"]["3"]["redReminder"], "等待卖家发货");
    assert!(v["event"].to_string().contains("等待卖家发货"));
    let out = xianyu(dir.path(), &["goofish", "decode", "gQHUAQI="], None);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("error: cannot decode payload") && err.lines().count() == 1,
        "{err}"
    );
    let out = xianyu(
        dir.path(),
        &["goofish", "sign", "--t", "soon", "--data", "{}"],
        None,
    );
    assert!(!out.status.success());
}
