//! `xianyu serve --demo`: the whole system against an in-process Goofish simulator, with a demo
//! account, a few items, reply rules, delivery cards and rules, and a scripted buyer who writes
//! every few seconds and now and then buys and pays (so automatic delivery shows too).

use anyhow::Context;
use goofish_sim::{BuyerMessage, GoofishSim, NewAccount, NewItem, NewOrder, SimConfig, SimHandle};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use xianyu_api::Settings;
use xianyu_api::bootstrap::BootstrapError;
use xianyu_persistence::{NewAccount as NewXianyuAccount, Store};

/// The demo seller's Xianyu user id inside the simulator.
const DEMO_UNB: &str = "2219000000000";
const BUYER_SAYS: &[&str] = &[
    "在吗？",
    "这个还有吗",
    "能便宜点吗",
    "包邮吗？",
    "什么时候发货",
    "好的，谢谢",
];
const BUYER_EVERY: Duration = Duration::from_secs(6);
/// Every this many buyer turns, the buyer orders (and pays on the next turn).
const ORDER_EVERY: usize = 5;

/// Runs the server in demo mode until it is stopped.
pub fn serve(mut settings: Settings) -> anyhow::Result<()> {
    settings.data_dir = settings.data_dir.join("demo");
    let sim = GoofishSim::start(SimConfig::default()).context("starting the Goofish simulator")?;
    settings.goofish_h5api_base = Some(sim.h5api_base());
    settings.goofish_ws_url = Some(sim.ws_url());
    settings.goofish_passport_base = Some(sim.passport_base());
    settings.goofish_upload_url = Some(sim.upload_url());
    let state = sim.state();
    let (unb, cookie) = state
        .create_account(NewAccount {
            unb: Some(DEMO_UNB.into()),
            nick: Some("演示卖家".into()),
            without_m_h5_tk: false,
        })
        .map_err(|e| anyhow::anyhow!("demo account: {}", e.message))?;
    let mut items = Vec::new();
    for (title, price) in [
        ("游戏激活码 · 演示", 1990),
        ("会员月卡 · 演示", 1500),
        ("电子书合集 · 演示", 990),
    ] {
        let item = NewItem {
            title: title.into(),
            price_fen: price,
            description: Some("演示商品 demo item".into()),
            skus: Vec::new(),
        };
        items.push(
            state
                .add_item(&unb, item)
                .map_err(|e| anyhow::anyhow!("demo item: {}", e.message))?,
        );
    }
    println!(
        "Demo mode: Goofish simulator at {} (data in {})",
        sim.base_url(),
        settings.data_dir.display()
    );
    println!(
        "A scripted buyer writes to the demo account every {} s.",
        BUYER_EVERY.as_secs()
    );
    let stop = Arc::new(AtomicBool::new(false));
    let buyer = spawn_buyer(&sim, unb.clone(), items, stop.clone());
    let result = actix_web::rt::System::new()
        .block_on(xianyu_api::server::run_with(settings, move |store| {
            add_demo_account(store, &unb, &cookie)
        }));
    stop.store(true, Ordering::SeqCst);
    let _ = buyer.join();
    drop(sim);
    result.map_err(Into::into)
}

/// Gives the admin user the demo account (or refreshes its cookie: the simulator is new on
/// every start).
fn add_demo_account(store: &Store, unb: &str, cookie: &str) -> Result<(), BootstrapError> {
    let err = |e: xianyu_persistence::StoreError| BootstrapError(format!("demo account: {e}"));
    let admin = store
        .find_user_by_username("admin")
        .map_err(err)?
        .ok_or_else(|| BootstrapError("demo mode needs the admin user".into()))?;
    let admin = xianyu_domain::UserId(admin.id);
    let existing = store.list_accounts(admin, None, i64::MAX).map_err(err)?;
    match existing.iter().find(|a| a.xianyu_user_id == unb) {
        Some(a) => {
            store.set_account_cookie(admin, a.id, cookie).map_err(err)?;
        }
        None => {
            let new = NewXianyuAccount {
                xianyu_user_id: unb.into(),
                cookie: cookie.into(),
                remark: "演示账号 demo".into(),
                enabled: true,
                auto_confirm: true,
                pause_minutes: 10,
            };
            let account = store.create_account(admin, &new).map_err(err)?;
            add_demo_rules(store, admin, account.id)
                .map_err(|e| BootstrapError(format!("demo rules: {e}")))?;
            add_demo_delivery(store, admin)
                .map_err(|e| BootstrapError(format!("demo delivery: {e}")))?;
        }
    }
    Ok(())
}

/// A few reply rules, so the demo shows automatic replies at once.
fn add_demo_rules(
    store: &Store,
    admin: xianyu_domain::UserId,
    account: xianyu_domain::AccountId,
) -> Result<(), String> {
    use xianyu_domain::replies::{DefaultReply, KeywordRule, MatchMode, ReplyBody};
    let text = |t: &str| ReplyBody::text(t).map_err(|e| e.to_string());
    let keyword = |id, words: &[&str], reply: ReplyBody| KeywordRule {
        id,
        keywords: words.iter().map(|w| (*w).to_owned()).collect(),
        mode: MatchMode::Contains,
        item_id: None,
        reply,
        priority: 0,
    };
    let rules = vec![
        keyword(
            0,
            &["便宜", "价格", "多少钱"],
            text("{buyer_name}您好，{item_id} 已是最低价，拍下即自动发货～")?,
        ),
        keyword(
            0,
            &["包邮", "发货"],
            text("虚拟商品，付款后自动发货，无需运费。")?,
        ),
    ];
    store
        .create_rules(admin, account, &rules)
        .map_err(|e| e.to_string())?;
    let default = DefaultReply {
        id: 0,
        item_id: None,
        reply: text("您好，我是自动回复助手，有问题请留言～")?,
        once_per_conversation: true,
    };
    store
        .create_rules(admin, account, &[default])
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// A text card for the activation codes and a stock card for the monthly pass, bound by
/// keyword, so paid demo orders are delivered.
fn add_demo_delivery(store: &Store, admin: xianyu_domain::UserId) -> Result<(), String> {
    use xianyu_domain::delivery::{
        Card, CardId, CardKind, DeliveryRule, DeliveryRuleId, DeliveryTemplate, ItemMatch,
    };
    let template = DeliveryTemplate::parse("您的{content}（订单 {order_id}），感谢购买！")
        .map_err(|e| e.to_string())?;
    let card = |name: &str, kind: CardKind| Card {
        id: CardId(0),
        user_id: admin,
        name: name.into(),
        kind,
        message_template: Some(template.clone()),
        delay_secs: 0,
    };
    let text = store
        .create_card(
            admin,
            &card(
                "演示激活码",
                CardKind::Text {
                    text: "激活码 DEMO-0000-0000".into(),
                },
            ),
        )
        .map_err(|e| e.to_string())?;
    let stock = store
        .create_card(
            admin,
            &card(
                "演示月卡库存",
                CardKind::Stock {
                    low_stock_threshold: 5,
                },
            ),
        )
        .map_err(|e| e.to_string())?;
    let lines: Vec<String> = (1..=50).map(|i| format!("月卡卡密 VIP-{i:04}")).collect();
    store
        .append_stock(admin, stock.card.id, &lines.join("\n"))
        .map_err(|e| e.to_string())?;
    for (keyword, card) in [("激活码", text.card.id), ("月卡", stock.card.id)] {
        let rule = DeliveryRule {
            id: DeliveryRuleId(0),
            user_id: admin,
            item_match: ItemMatch::Keyword(keyword.into()),
            spec: None,
            card_id: card,
            units_per_order: 1,
            enabled: true,
        };
        store
            .create_delivery_rule(admin, &rule, "演示 demo")
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn spawn_buyer(
    sim: &SimHandle,
    unb: String,
    items: Vec<String>,
    stop: Arc<AtomicBool>,
) -> std::thread::JoinHandle<()> {
    let state = sim.state();
    std::thread::spawn(move || {
        const TICK: Duration = Duration::from_millis(250);
        let ticks_per_message = (BUYER_EVERY.as_millis() / TICK.as_millis()) as usize;
        let mut tick = 0usize;
        let mut unpaid: Option<String> = None;
        while !stop.load(Ordering::SeqCst) {
            std::thread::sleep(TICK);
            tick += 1;
            if !tick.is_multiple_of(ticks_per_message) {
                continue;
            }
            let turn = tick / ticks_per_message;
            if let Some(order) = unpaid.take() {
                if let Err(e) = state.pay_order(&order) {
                    log::warn!(target: "xianyu::demo", "scripted buyer: {}", e.message);
                }
                continue;
            }
            if turn % ORDER_EVERY == 2 {
                let order = NewOrder {
                    item_id: items[(turn / ORDER_EVERY) % 2].clone(),
                    buyer_id: Some(format!("22000000000{:02}", turn % 3 + 1)),
                    sku: None,
                    quantity: None,
                };
                match state.create_order(&unb, order) {
                    Ok((order_id, _)) => unpaid = Some(order_id),
                    Err(e) => log::warn!(target: "xianyu::demo", "scripted buyer: {}", e.message),
                }
                continue;
            }
            let msg = BuyerMessage {
                buyer_id: Some(format!("22000000000{:02}", turn % 3 + 1)),
                buyer_name: Some(format!("演示买家{}", turn % 3 + 1)),
                item_id: items[turn % items.len()].clone(),
                text: Some(BUYER_SAYS[turn % BUYER_SAYS.len()].to_owned()),
                image: None,
            };
            if let Err(e) = state.buyer_message(&unb, msg) {
                log::warn!(target: "xianyu::demo", "scripted buyer: {}", e.message);
            }
        }
    })
}
