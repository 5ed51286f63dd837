//! The system page (admins): health, the log collector with today's file to download, and the
//! metrics endpoint shown off while `XIANYU_METRICS_TOKEN` is unset; a user is turned away.

use super::Site;
use xianyu_tests::browser::run;

#[tokio::test]
async fn an_admin_sees_health_log_files_and_the_metrics_switch() {
    let Some(site) = Site::start().await else {
        return;
    };
    site.s.user_token(&site.token, "bob").await;
    let password = site.password.clone();
    run("system", &site.base(), |b| async move {
        b.login("admin", &password).await;
        b.open("/system").await;
        b.find("server-health").await;
        b.until_css("metrics off", "[data-test='metrics-status'][data-enabled='false']").await;
        let status = b.find("log-status").await.text().await.unwrap();
        assert!(status.contains("20,000") || status.contains("20000"), "{status}");
        let today = b.js("return new Date().toLocaleDateString('en-CA', {timeZone: 'Asia/Shanghai'});", vec![]).await;
        b.until_css("today's file", &format!("[data-test='log-file'][data-day='{}']", today.as_str().unwrap())).await;
        b.click("log-file-download").await;
        b.assert_clean_console().await;
        // a plain user is turned away
        b.click("user-menu").await;
        b.click("logout").await;
        b.login("bob", "bob-password-1").await;
        b.open("/system").await;
        b.until("the refusal", "document.body.textContent.includes('admin') || document.body.textContent.includes('管理员')").await;
    })
    .await;
}
