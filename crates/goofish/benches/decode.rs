//! Throughput of `decode_payload` + `classify` on the TV-M4 chat message.
#![allow(missing_docs, clippy::unwrap_used)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use goofish_protocol::{events, payload};
use std::hint::black_box;

const TV_M4: &str = include_str!("../tests/data/tv_m4.b64");

fn bench(c: &mut Criterion) {
    let data = TV_M4.trim();
    let mut group = c.benchmark_group("tv_m4");
    group.throughput(Throughput::Bytes(data.len() as u64));
    group.bench_function("decode_payload", |b| {
        b.iter(|| payload::decode_payload(black_box(data)).unwrap())
    });
    group.bench_function("decode_and_classify", |b| {
        b.iter(|| {
            let v = payload::decode_payload(black_box(data)).unwrap();
            events::classify(&v, black_box("2219000000000"))
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
