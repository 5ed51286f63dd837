//! mtop gateway behaviour (spec §8.2) and faults F1–F4.
#![allow(clippy::unwrap_used)]

use crate::common::{Sim, now_ms};
use goofish_protocol::cookies::CookieJar;
use serde_json::json;

const LIST: &str = "mtop.idle.web.xyh.item.list";
const TOKEN: &str = "mtop.taobao.idlemessage.pc.login.token";

#[tokio::test]
async fn sign_accepted_and_rejected_with_journal_verdict() {
    let sim = Sim::start();
    let (unb, jar) = sim.account().await;
    let r = sim
        .mtop(&jar, "mtop.taobao.idlemessage.pc.loginuser.get", "{}")
        .await;
    assert_eq!(r.ret0(), "SUCCESS::调用成功");
    assert_eq!(r.body["api"], "mtop.taobao.idlemessage.pc.loginuser.get");
    assert_eq!(r.body["v"], "1.0");
    let t = now_ms().to_string();
    let bad = sim
        .mtop_raw(
            &jar,
            "mtop.taobao.idlemessage.pc.loginuser.get",
            "{}",
            &t,
            "00000000000000000000000000000000",
        )
        .await;
    assert_eq!(bad.ret0(), "FAIL_SYS_TOKEN_EXOIRED::令牌过期");
    assert!(bad.set_cookies.iter().any(|c| c.starts_with("_m_h5_tk=")));
    let j = sim.journal(&format!("?unb={unb}&kind=http")).await;
    assert_eq!(j.len(), 2);
    assert_eq!(j[0]["sign_ok"], true);
    assert_eq!(j[0]["sign_received"], j[0]["sign_computed"]);
    assert_eq!(j[1]["sign_ok"], false);
    assert_eq!(j[1]["outcome"], "FAIL_SYS_TOKEN_EXOIRED::令牌过期");
    assert_eq!(j[1]["data"], "{}");
    let names: Vec<&str> = j[0]["cookie_names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(names.contains(&"unb") && names.contains(&"_m_h5_tk"));
    // Values never appear in the journal.
    assert!(
        !serde_json::to_string(&j)
            .unwrap()
            .contains(jar.get("cookie2").unwrap())
    );
}

#[tokio::test]
async fn t_in_seconds_times_1000_is_accepted() {
    let sim = Sim::start();
    let (_unb, jar) = sim.account().await;
    let t = format!("{}000", now_ms() / 1000);
    let r = sim
        .mtop_t(&jar, "mtop.taobao.idlemessage.pc.loginuser.get", "{}", &t)
        .await;
    assert_eq!(r.ret0(), "SUCCESS::调用成功");
}

#[tokio::test]
async fn unknown_account_is_session_expired_and_unknown_api_not_found() {
    let sim = Sim::start();
    let (_unb, jar) = sim.account().await;
    let mut bad = jar.clone();
    bad.set("cookie2", "nope");
    let r = sim
        .mtop(&bad, "mtop.taobao.idlemessage.pc.loginuser.get", "{}")
        .await;
    assert_eq!(r.ret0(), "FAIL_SYS_SESSION_EXPIRED::Session过期");
    let r = sim.mtop(&jar, "mtop.does.not.exist", "{}").await;
    assert_eq!(r.ret0(), "FAIL_SYS_API_NOT_FOUNDED::请求API不存在");
}

#[tokio::test]
async fn f2_token_empty_sets_cookie_then_retry_succeeds() {
    let sim = Sim::start();
    let v = sim
        .ok_post("/_sim/accounts", json!({"without_m_h5_tk": true}))
        .await;
    let mut jar = CookieJar::parse(v["cookie"].as_str().unwrap());
    assert!(jar.get("_m_h5_tk").is_none());
    let r = sim
        .mtop(&jar, "mtop.taobao.idlemessage.pc.loginuser.get", "{}")
        .await;
    assert_eq!(r.ret0(), "FAIL_SYS_TOKEN_EMPTY::令牌为空");
    let tk = r
        .set_cookies
        .iter()
        .find(|c| c.starts_with("_m_h5_tk="))
        .unwrap();
    assert!(tk.ends_with("; Domain=.goofish.com; Path=/"), "{tk}");
    let val = tk
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("_m_h5_tk=");
    let (hex, exp) = val.split_once('_').unwrap();
    assert_eq!(hex.len(), 32);
    assert!(exp.parse::<i64>().unwrap() > now_ms());
    assert!(r.set_cookies.iter().any(|c| c.starts_with("_m_h5_tk_enc=")));
    for c in &r.set_cookies {
        jar.merge_set_cookie(c, now_ms());
    }
    let r = sim
        .mtop(&jar, "mtop.taobao.idlemessage.pc.loginuser.get", "{}")
        .await;
    assert_eq!(r.ret0(), "SUCCESS::调用成功");
}

#[tokio::test]
async fn f2_fault_on_existing_account_and_for_new_accounts() {
    let sim = Sim::start();
    let (unb, mut jar) = sim.account().await;
    sim.fault(json!({"unb": unb, "kind": "no_m_h5_tk"})).await;
    let r = sim
        .mtop(&jar, "mtop.taobao.idlemessage.pc.loginuser.get", "{}")
        .await;
    assert_eq!(r.ret0(), "FAIL_SYS_TOKEN_EMPTY::令牌为空");
    let r = sim
        .mtop_ok(&mut jar, "mtop.taobao.idlemessage.pc.loginuser.get", "{}")
        .await;
    assert_eq!(r.ret0(), "SUCCESS::调用成功");
    sim.fault(json!({"kind": "no_m_h5_tk"})).await;
    let (_u2, jar2) = sim.account().await;
    assert!(jar2.get("_m_h5_tk").is_none());
}

#[tokio::test]
async fn f1_token_expired_rotates_and_retry_succeeds() {
    let sim = Sim::start();
    let (unb, mut jar) = sim.account().await;
    let old = jar.get("_m_h5_tk").unwrap().to_string();
    sim.fault(json!({"unb": unb, "kind": "token_expired"}))
        .await;
    let r = sim
        .mtop(&jar, "mtop.taobao.idlemessage.pc.loginuser.get", "{}")
        .await;
    assert_eq!(r.ret0(), "FAIL_SYS_TOKEN_EXOIRED::令牌过期");
    assert!(r.set_cookies.iter().any(|c| c.starts_with("_m_h5_tk_enc=")));
    for c in &r.set_cookies {
        jar.merge_set_cookie(c, now_ms());
    }
    assert_ne!(jar.get("_m_h5_tk").unwrap(), old);
    let r = sim
        .mtop(&jar, "mtop.taobao.idlemessage.pc.loginuser.get", "{}")
        .await;
    assert_eq!(r.ret0(), "SUCCESS::调用成功");
}

#[tokio::test]
async fn clock_advance_expires_m_h5_tk() {
    let sim = Sim::start();
    let (_unb, mut jar) = sim.account().await;
    let (s, v) = sim
        .post("/_sim/clock", json!({"advance_ms": 3 * 3600 * 1000}))
        .await;
    assert_eq!(s, 200);
    assert_eq!(v["offset_ms"], 3 * 3600 * 1000);
    let r = sim
        .mtop(&jar, "mtop.taobao.idlemessage.pc.loginuser.get", "{}")
        .await;
    assert_eq!(r.ret0(), "FAIL_SYS_TOKEN_EXOIRED::令牌过期");
    let r = sim
        .mtop_ok(&mut jar, "mtop.taobao.idlemessage.pc.loginuser.get", "{}")
        .await;
    assert_eq!(r.ret0(), "SUCCESS::调用成功");
}

#[tokio::test]
async fn f3_captcha_then_x5sec_clears() {
    let sim = Sim::start();
    let (unb, mut jar) = sim.account().await;
    sim.fault(json!({"unb": unb, "kind": "captcha_required", "scope": "token", "clear_with_x5sec": "solved42"})).await;
    // Other apis still work with scope=token.
    let r = sim
        .mtop(&jar, "mtop.taobao.idlemessage.pc.loginuser.get", "{}")
        .await;
    assert_eq!(r.ret0(), "SUCCESS::调用成功");
    let data = r#"{"appKey":"444e9908a51d1cb236a27862abc769c9","deviceId":"X"}"#;
    let r = sim.mtop(&jar, TOKEN, data).await;
    assert_eq!(r.body["ret"][0], "FAIL_SYS_USER_VALIDATE");
    assert_eq!(
        r.body["ret"][1],
        "RGV587_ERROR::SM::哎哟喂,被挤爆啦,请稍后重试"
    );
    let url = r.body["data"]["url"].as_str().unwrap();
    assert!(url.starts_with(&format!(
        "{}/h5/{TOKEN}/1.0/_____tmd_____/punish?x5secdata=",
        sim.h.base_url()
    )));
    assert!(url.ends_with("&x5step=2&action=captcha&pureCaptcha="));
    assert_eq!(
        sim.get(&format!("/_sim/accounts/{unb}")).await.1["session_state"],
        "risk_required"
    );
    jar.set("x5sec", "wrong");
    assert_eq!(
        sim.mtop(&jar, TOKEN, data).await.body["ret"][0],
        "FAIL_SYS_USER_VALIDATE"
    );
    jar.set("x5sec", "solved42");
    let (token, _did) = sim.im_token(&mut jar, &unb).await;
    assert!(!token.is_empty());
    assert_eq!(
        sim.get(&format!("/_sim/accounts/{unb}")).await.1["session_state"],
        "ok"
    );
}

#[tokio::test]
async fn f3_captcha_scope_all() {
    let sim = Sim::start();
    let (unb, jar) = sim.account().await;
    sim.fault(json!({"unb": unb, "kind": "captcha_required", "scope": "all"}))
        .await;
    let r = sim
        .mtop(&jar, "mtop.taobao.idlemessage.pc.loginuser.get", "{}")
        .await;
    assert_eq!(r.body["ret"][0], "FAIL_SYS_USER_VALIDATE");
}

#[tokio::test]
async fn f4_session_expired_then_cleared() {
    let sim = Sim::start();
    let (unb, jar) = sim.account().await;
    sim.fault(json!({"unb": unb, "kind": "session_expired"}))
        .await;
    let r = sim
        .mtop(&jar, "mtop.taobao.idlemessage.pc.loginuser.get", "{}")
        .await;
    assert_eq!(r.ret0(), "FAIL_SYS_SESSION_EXPIRED::Session过期");
    assert_eq!(r.body["data"], json!({}));
    let (s, _) = sim.delete(&format!("/_sim/faults?unb={unb}")).await;
    assert_eq!(s, 200);
    let r = sim
        .mtop(&jar, "mtop.taobao.idlemessage.pc.loginuser.get", "{}")
        .await;
    assert_eq!(r.ret0(), "SUCCESS::调用成功");
}

#[tokio::test]
async fn login_token_validation_mint_and_supersede() {
    let sim = Sim::start();
    let (unb, mut jar) = sim.account().await;
    let bad_key = format!(
        r#"{{"appKey":"34839810","deviceId":"6F3A2B1C-9D8E-4F7A-B6C5-D4E3F2A1B0C9-{unb}"}}"#
    );
    assert!(
        sim.mtop(&jar, TOKEN, &bad_key)
            .await
            .ret0()
            .starts_with("FAIL_BIZ_")
    );
    let bad_did = r#"{"appKey":"444e9908a51d1cb236a27862abc769c9","deviceId":"6F3A2B1C-9D8E-4F7A-B6C5-D4E3F2A1B0C9-1"}"#;
    assert!(
        sim.mtop(&jar, TOKEN, bad_did)
            .await
            .ret0()
            .starts_with("FAIL_BIZ_")
    );
    let did = format!("6F3A2B1C-9D8E-4F7A-B6C5-D4E3F2A1B0C9-{unb}");
    let data = format!(r#"{{"appKey":"444e9908a51d1cb236a27862abc769c9","deviceId":"{did}"}}"#);
    let a = sim.mtop_ok(&mut jar, TOKEN, &data).await;
    assert!(a.body["data"]["accessTokenExpiredTime"].as_i64().unwrap() > now_ms());
    let b = sim.mtop_ok(&mut jar, TOKEN, &data).await;
    let (ta, tb) = (
        a.body["data"]["accessToken"].as_str().unwrap(),
        b.body["data"]["accessToken"].as_str().unwrap(),
    );
    assert_ne!(ta, tb);
    let acc = sim.get(&format!("/_sim/accounts/{unb}")).await.1;
    let tokens = acc["registered_tokens"].as_array().unwrap();
    assert_eq!(tokens.len(), 2);
    for t in tokens {
        assert_eq!(t["superseded"], t["token"] == ta);
        assert_eq!(t["did"], did.as_str());
    }
}

#[tokio::test]
async fn item_list_paging_and_user_check() {
    let sim = Sim::start();
    let (unb, mut jar) = sim.account().await;
    for i in 0..25 {
        sim.item(&unb, &format!("商品{i}"), 100 + i).await;
    }
    let page = |n: u32| {
        format!(
            r#"{{"needGroupInfo":false,"pageNumber":{n},"pageSize":20,"groupName":"\u5728\u552e","groupId":"58877261","defaultGroup":true,"userId":"{unb}"}}"#
        )
    };
    let p1 = sim.mtop_ok(&mut jar, LIST, &page(1)).await;
    let cards = p1.body["data"]["cardList"].as_array().unwrap();
    assert_eq!(cards.len(), 20);
    let c0 = &cards[0]["cardData"];
    assert_eq!(c0["title"], "商品0");
    assert_eq!(c0["priceInfo"]["price"], "1.00");
    assert_eq!(c0["priceInfo"]["preText"], "¥");
    assert_eq!(c0["id"].as_str().unwrap().len(), 12);
    for k in ["categoryId", "auctionType", "itemStatus", "detailUrl"] {
        assert!(c0.get(k).is_some(), "{k}");
    }
    assert!(c0["picInfo"]["picUrl"].is_string());
    let p2 = sim.mtop_ok(&mut jar, LIST, &page(2)).await;
    assert_eq!(p2.body["data"]["cardList"].as_array().unwrap().len(), 5);
    let p3 = sim.mtop_ok(&mut jar, LIST, &page(3)).await;
    assert_eq!(p3.body["data"]["cardList"].as_array().unwrap().len(), 0);
    let other = r#"{"pageNumber":1,"pageSize":20,"userId":"1"}"#;
    assert!(
        sim.mtop_ok(&mut jar, LIST, other)
            .await
            .ret0()
            .starts_with("FAIL_BIZ_")
    );
}

#[tokio::test]
async fn item_detail_known_and_unknown() {
    let sim = Sim::start();
    let (unb, mut jar) = sim.account().await;
    let item = sim.item(&unb, "测试商品", 1234).await;
    let r = sim
        .mtop_ok(
            &mut jar,
            "mtop.taobao.idle.pc.detail",
            &format!(r#"{{"itemId":"{item}"}}"#),
        )
        .await;
    assert_eq!(r.body["data"]["itemDO"]["title"], "测试商品");
    assert_eq!(r.body["data"]["itemDO"]["soldPrice"], "12.34");
    assert_eq!(r.body["data"]["sellerDO"]["sellerId"], unb.as_str());
    let r = sim
        .mtop_ok(&mut jar, "mtop.taobao.idle.pc.detail", r#"{"itemId":"1"}"#)
        .await;
    assert_eq!(r.ret0(), "FAIL_BIZ_ITEM_NOT_EXIST::商品不存在");
}

#[tokio::test]
async fn user_query_and_notice_update() {
    let sim = Sim::start();
    let (unb, mut jar) = sim.account().await;
    let item = sim.item(&unb, "x", 1).await;
    let m = sim
        .ok_post(
            &format!("/_sim/accounts/{unb}/buyer-messages"),
            json!({"item_id": item, "buyer_name": "小明", "text": "hi"}),
        )
        .await;
    let cid = m["cid"].as_str().unwrap();
    let data = format!(r#"{{"type":0,"sessionType":1,"sessionId":"{cid}","isOwner":false}}"#);
    let r = sim
        .mtop_ok(&mut jar, "mtop.taobao.idlemessage.pc.user.query", &data)
        .await;
    assert_eq!(r.body["data"]["userInfo"]["fishNick"], "小明");
    assert!(r.body["data"]["userInfo"]["logo"].is_string());
    let r = sim
        .mtop_ok(
            &mut jar,
            "mtop.taobao.idlemessage.pc.profile.notice.update",
            r#"{"oprType":2,"appKeys":["444e9908a51d1cb236a27862abc769c9"]}"#,
        )
        .await;
    assert_eq!(r.body["data"]["success"], true);
}

#[tokio::test]
async fn gaia_seed_get_and_post_set_cookies() {
    let sim = Sim::start();
    let api = "mtop.gaia.nodejs.gaia.idle.data.gw.v2.index.get";
    let r = sim
        .http
        .get(sim.url(&format!("/h5/{api}/1.0/")))
        .send()
        .await
        .unwrap();
    let names: Vec<String> = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split('=').next().unwrap().to_string())
        .collect();
    assert!(
        names.contains(&"_m_h5_tk".into())
            && names.contains(&"_m_h5_tk_enc".into())
            && names.contains(&"cna".into())
    );
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["ret"][0], "SUCCESS::调用成功");
    let q = format!(
        "/h5/{api}/1.0/?jsv=2.7.2&appKey=34839810&t=1&sign=x&v=1.0&type=originaljson&dataType=json&timeout=20000&api={api}&data=%7B%22bizScene%22%3A%22home%22%7D"
    );
    let r = sim.http.post(sim.url(&q)).send().await.unwrap();
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["ret"][0], "SUCCESS::调用成功");
    let j = sim.journal("?kind=http").await;
    assert_eq!(j[1]["data"], r#"{"bizScene":"home"}"#);
}
