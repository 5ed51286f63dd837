//! The logs page: records arrive live, a paused tail holds new records until it is resumed,
//! filters by level and text narrow the list, and "load older" pages back through memory.
//! Records are planted with this process's `log` macros (the server's collector is attached
//! to the same logger), each with a unique marker.

use super::Site;
use serde_json::json;
use xianyu_tests::browser::run;

const ROW: &str = "[data-test='logs-row']";

fn rows_containing(marker: &str) -> String {
    format!(
        "return [...document.querySelectorAll(\"{ROW}\")].filter(r => r.textContent.includes('{marker}')).length;"
    )
}

#[tokio::test]
async fn records_arrive_live_pause_and_resume_and_filters_narrow_them() {
    let Some(site) = Site::start().await else {
        return;
    };
    let (id, _unb, _item) = site.online_account("日志商品").await;
    let password = site.password.clone();
    let marker = format!("BROWSER-{:x}", rand::random::<u32>());
    run("logs", &site.base(), |b| async move {
        b.login("admin", &password).await;
        b.open("/logs").await;
        b.until_css("the live tail", "[data-test='logs-live'][data-state='open']")
            .await;
        log::warn!(target: "xianyu::plant", account = id; "{marker} live one");
        b.until("the live record", &format!("({})() === 1", as_fn(&rows_containing(&marker))))
            .await;
        let row = b
            .find_css(&format!("{ROW}[data-account-id='{id}'][data-level='warn']"))
            .await;
        assert!(row.text().await.unwrap().contains(&marker));

        // paused: a new record waits, and comes with resume
        b.click("logs-pause").await;
        b.until_css("paused", "[data-test='logs-live'][data-state='paused']").await;
        log::info!(target: "xianyu::plant", account = id; "{marker} while paused");
        b.until(
            "the waiting count",
            "(document.querySelector(\"[data-test='logs-resume']\")||{textContent:''}).textContent.includes('1')",
        )
        .await;
        assert_eq!(b.js(&rows_containing(&marker), vec![]).await, json!(1));
        b.click("logs-resume").await;
        b.until("the held record", &format!("({})() === 2", as_fn(&rows_containing(&marker))))
            .await;

        // the level filter keeps warnings; the search keeps the marker
        b.select("logs-level", "warn").await;
        b.fill("logs-q", &marker).await;
        b.click("logs-apply").await;
        b.until("only the warning", &format!("({})() === 1 && document.querySelectorAll(\"{ROW}\").length === 1", as_fn(&rows_containing(&marker))))
            .await;

        // load older: 130 records, 100 per page
        for i in 0..130 {
            log::info!(target: "xianyu::plant", "{marker}-OLD record {i}");
        }
        b.select("logs-level", "").await;
        b.fill("logs-q", &format!("{marker}-OLD")).await;
        b.click("logs-apply").await;
        b.until("the first page", &format!("document.querySelectorAll(\"{ROW}\").length === 100"))
            .await;
        b.click("load-more").await;
        b.until("the older page", &format!("document.querySelectorAll(\"{ROW}\").length === 130"))
            .await;
        let last = b
            .js(&format!("return document.querySelectorAll(\"{ROW}\")[129].textContent;"), vec![])
            .await;
        assert!(last.as_str().unwrap().contains("record 0"), "oldest last: {last}");
        b.assert_clean_console().await;
    })
    .await;
}

/// A `return …;` script as a function expression for `until`.
fn as_fn(script: &str) -> String {
    format!("() => {{ {script} }}")
}
