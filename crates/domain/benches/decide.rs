//! `RuleSet::decide` on a 50-character Chinese+ASCII message with 10, 1,000 and 10,000 keywords
//! (one message no rule matches, one that one rule matches), and `RuleSet::build` at 10,000.
#![allow(missing_docs, clippy::unwrap_used)]

use chrono::NaiveDate;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::collections::HashSet;
use std::hint::black_box;
use xianyu_domain::replies::{
    DefaultReply, KeywordRule, Level, MatchMode, MessageContext, ReplyBody, ReplySettings, RuleSet,
    fold,
};

const MATCHING: &str =
    "亲，这款iPhone 15 Pro Max 256G还在吗？能不能包邮到北京朝阳区，今天拍明天发货吗";
const NOT_MATCHING: &str =
    "亲，这款iPhone 15 Pro Max 256G还在吗？能不能顺丰到北京朝阳区，今天拍明天发货吗";

/// xorshift64*: deterministic, dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Characters keywords are made of: common CJK and ASCII letters, minus every character of the
/// two messages, so only the planted keyword "包邮" can match.
fn pool() -> Vec<char> {
    let used: HashSet<char> = fold(MATCHING)
        .chars()
        .chain(fold(NOT_MATCHING).chars())
        .collect();
    ('\u{4E00}'..='\u{52FF}')
        .chain('a'..='z')
        .filter(|c| !used.contains(c))
        .collect()
}

fn rule_set(keywords: usize) -> (Vec<KeywordRule>, Vec<DefaultReply>) {
    let pool = pool();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ keywords as u64);
    let word = |rng: &mut Rng| -> String {
        let len = 2 + rng.below(3);
        (0..len).map(|_| pool[rng.below(pool.len())]).collect()
    };
    let mut rules = vec![KeywordRule {
        id: 1,
        keywords: vec!["包邮".into()],
        mode: MatchMode::Contains,
        item_id: None,
        reply: ReplyBody::text("亲，{item_title} 包邮哦，{buyer_name}").unwrap(),
        priority: 0,
    }];
    let mut total = 1;
    let mut id = 2;
    while total < keywords {
        let (mode, count) = match id % 100 {
            7 | 57 => (MatchMode::Regex, 1),
            r if r % 10 == 3 => (MatchMode::Exact, 1),
            _ => (MatchMode::Contains, 1 + rng.below(3)),
        };
        let count = count.min(keywords - total);
        let keywords: Vec<String> = (0..count)
            .map(|_| match mode {
                MatchMode::Regex => format!(r"{}\d{{2,4}}", word(&mut rng)),
                _ => word(&mut rng),
            })
            .collect();
        total += keywords.len();
        let item_id = (id % 3 == 0).then(|| format!("item{}", rng.below(50)));
        let reply = ReplyBody::text(&format!("回复 {id} {{buyer_name}}")).unwrap();
        let priority = (id % 7) as i32;
        rules.push(KeywordRule {
            id,
            keywords,
            mode,
            item_id,
            reply,
            priority,
        });
        id += 1;
    }
    let defaults = vec![DefaultReply {
        id: 1,
        item_id: None,
        reply: ReplyBody::text("稍等，马上回复您").unwrap(),
        once_per_conversation: true,
    }];
    (rules, defaults)
}

fn build(keywords: usize) -> RuleSet {
    let (rules, defaults) = rule_set(keywords);
    RuleSet::build(rules, vec![], defaults, ReplySettings::default()).unwrap()
}

fn bench(c: &mut Criterion) {
    assert_eq!(MATCHING.chars().count(), 50);
    assert_eq!(NOT_MATCHING.chars().count(), 50);
    let once_used = HashSet::new();
    let now = NaiveDate::from_ymd_opt(2026, 11, 26)
        .unwrap()
        .and_hms_opt(12, 0, 0)
        .unwrap();
    let ctx = |text| MessageContext {
        text,
        buyer_id: "2200000001",
        buyer_name: "买家小王",
        item_id: Some("item7"),
        item_title: Some("iPhone 15 Pro Max"),
        item_price: Some("¥5999.00"),
        account_remark: "主店",
        now_local: now,
        paused: false,
        is_system_text: false,
        once_used: &once_used,
        last_auto_reply_to_buyer: None,
    };
    let mut group = c.benchmark_group("decide");
    for n in [10, 1_000, 10_000] {
        let set = build(n);
        let hit = ctx(MATCHING);
        let miss = ctx(NOT_MATCHING);
        let d = set.decide(&hit);
        assert_eq!(
            d.fired.as_ref().map(|f| f.rule_id),
            Some(1),
            "{}",
            d.explain()
        );
        let d = set.decide(&miss);
        assert_eq!(d.decided_by, Some(Level::AccountDefault), "{}", d.explain());
        assert!(
            d.steps
                .iter()
                .any(|s| s.reason == "No general keyword rule matched.")
        );
        group.bench_with_input(BenchmarkId::new("match", n), &hit, |b, m| {
            b.iter(|| set.decide(black_box(m)))
        });
        group.bench_with_input(BenchmarkId::new("no_match", n), &miss, |b, m| {
            b.iter(|| set.decide(black_box(m)))
        });
    }
    group.finish();

    let mut group = c.benchmark_group("build");
    group.sample_size(10);
    let (rules, defaults) = rule_set(10_000);
    group.bench_function("10000", |b| {
        b.iter(|| {
            RuleSet::build(
                rules.clone(),
                vec![],
                defaults.clone(),
                ReplySettings::default(),
            )
            .unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
