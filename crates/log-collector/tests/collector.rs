//! The collector through the real `log` facade, installed once for this test binary: secrets
//! redacted in every sink, files with retention and a size cap, a stalled live tail that
//! never blocks the logger.
#![allow(clippy::unwrap_used, missing_docs)]

use std::io::Write;
use std::sync::{Arc, Mutex, Once};
use xianyu_logs::{Collector, CollectorConfig, LogQuery, LogScope};

/// What the console printed, for every test in this binary.
#[derive(Clone, Default)]
struct Console(Arc<Mutex<Vec<u8>>>);

impl Write for Console {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn console() -> Console {
    static ONCE: Once = Once::new();
    static OUT: Mutex<Option<Console>> = Mutex::new(None);
    ONCE.call_once(|| {
        let out = Console::default();
        let mut b = env_logger::Builder::new();
        b.filter_level(log::LevelFilter::Info)
            .target(env_logger::Target::Pipe(Box::new(out.clone())));
        xianyu_logs::install(b).unwrap();
        *OUT.lock().unwrap() = Some(out);
    });
    OUT.lock().unwrap().clone().unwrap()
}

fn collector(dir: &std::path::Path, cfg: CollectorConfig) -> Arc<Collector> {
    console();
    let c = Collector::new(CollectorConfig {
        dir: Some(dir.join("logs")),
        ..cfg
    })
    .unwrap();
    c.attach();
    c
}

#[test]
fn planted_secrets_reach_no_sink() {
    let dir = tempfile::tempdir().unwrap();
    let c = collector(dir.path(), CollectorConfig::default());
    let mut tail = c.tail();
    let secrets = [
        (
            "cookie",
            "unb=2219000077777; cookie2=c2secretvalue; _m_h5_tk=tksecret_1700",
        ),
        ("header", "Cookie: sgcookie=sgsecretvalue"),
        ("auth", "Authorization: Bearer bearersecret123"),
        (
            "jwt",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI3In0.jwtsignaturesecret",
        ),
        (
            "url",
            "https://oapi.dingtalk.com/robot/send?access_token=dingsecret99",
        ),
        ("tk", "_m_h5_tk=lonetksecret_1"),
    ];
    for (kind, s) in secrets {
        log::warn!(target: "xianyu::plant", account = 77; "planted {kind}: {s}");
    }
    c.flush();
    let words = [
        "2219000077777",
        "c2secretvalue",
        "tksecret",
        "sgsecretvalue",
        "bearersecret123",
        "jwtsignaturesecret",
        "dingsecret99",
        "lonetksecret",
    ];
    let console_text = String::from_utf8(console().0.lock().unwrap().clone()).unwrap();
    let page = c.query(
        &LogQuery {
            target: Some("xianyu::plant".into()),
            ..LogQuery::default()
        },
        &LogScope::Everything,
        None,
        100,
    );
    assert_eq!(page.entries.len(), secrets.len());
    let buffer: String = page
        .entries
        .iter()
        .map(|e| e.record.message.clone() + "\n")
        .collect();
    let tailed: String = tail
        .poll(&c, 100_000)
        .entries
        .iter()
        .map(|e| e.record.message.clone() + "\n")
        .collect();
    let day = c.files().unwrap()[0].day;
    let file = std::fs::read_to_string(c.file_path(day).unwrap()).unwrap();
    for (sink, text) in [
        ("console", &console_text),
        ("buffer", &buffer),
        ("tail", &tailed),
        ("file", &file),
    ] {
        assert!(text.contains("planted jwt"), "{sink} got the records");
        for w in words {
            assert!(!text.contains(w), "{w} reached the {sink}: {text}");
        }
    }
    assert!(file.contains("account=77"), "{file}");
    assert!(
        console_text.contains("account=77"),
        "the console shows the fields"
    );
    c.detach();
}

#[test]
fn files_older_than_the_retention_are_deleted_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    let today = xianyu_domain::clock::local_day(chrono::Utc::now().timestamp_millis());
    let old = today - chrono::Days::new(15);
    let kept = today - chrono::Days::new(14);
    for d in [old, kept] {
        std::fs::write(logs.join(xianyu_logs::file_name(d)), "x\n").unwrap();
    }
    std::fs::write(logs.join("notes.txt"), "not a log").unwrap();
    let c = collector(dir.path(), CollectorConfig::default());
    let days: Vec<_> = c.files().unwrap().into_iter().map(|f| f.day).collect();
    assert_eq!(days, vec![kept], "15 days old goes, 14 stays");
    assert!(
        logs.join("notes.txt").exists(),
        "other files are left alone"
    );
    c.detach();
}

#[test]
fn a_file_at_its_cap_takes_no_more_and_counts_what_it_missed() {
    let dir = tempfile::tempdir().unwrap();
    let c = collector(
        dir.path(),
        CollectorConfig {
            max_file_bytes: 2_000,
            ..CollectorConfig::default()
        },
    );
    for i in 0..200 {
        log::info!(target: "xianyu::cap", "filling the file with record number {i}");
    }
    c.flush();
    let f = &c.files().unwrap()[0];
    assert!(f.bytes <= 2_200, "{} bytes", f.bytes);
    assert!(c.drops().file > 150, "{:?}", c.drops());
    c.detach();
}

#[test]
fn a_stalled_tail_never_blocks_the_logger_and_its_losses_are_counted() {
    let dir = tempfile::tempdir().unwrap();
    let c = collector(
        dir.path(),
        CollectorConfig {
            buffer: 100,
            ..CollectorConfig::default()
        },
    );
    let mut stalled = c.tail(); // not read while logging
    for i in 0..5_000 {
        log::info!(target: "xianyu::stall", "record {i}");
    }
    // every record went into the ring: the logger was not held up by the tail
    assert_eq!(c.buffered(), 100);
    assert!(c.drops().ring_evicted >= 4_900);
    let batch = stalled.poll(&c, 1_000);
    assert!(batch.missed >= 4_900, "missed {}", batch.missed);
    assert_eq!(batch.entries.len(), 100, "then reads what the ring holds");
    assert!(c.drops().tail >= 4_900);
    // and goes on from there
    log::info!(target: "xianyu::stall", "after the stall");
    let next = stalled.poll(&c, 1_000);
    assert_eq!(next.missed, 0);
    assert!(
        next.entries
            .iter()
            .any(|e| e.record.message == "after the stall")
    );
    c.detach();
}
