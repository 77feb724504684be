//! The pure half of making a batch of alerts durable (persistence issue: 10,000 ingested alerts
//! durable in at most 1 s): the records one batch touched, encoded natively. The browser's half
//! (the IndexedDB requests) is measured by `tests/bench_storage.rs` on the same workspace.
//! Run with `scripts/bench.sh`.

use std::hint::black_box;

use chrono::Duration;
use criterion::{Criterion, criterion_group, criterion_main};
use vigil::core::workspace::Workspace;
use vigil::store::snapshot::{Change, records_for};
use vigil::synthetic::{AlertFeed, benchmark_now, ingest};

/// As in `tests/bench_storage.rs`: the stored workspace, then one more batch.
const ALERTS: usize = 300_000;
const MORE_ALERTS: usize = 10_000;

fn batch_records(c: &mut Criterion) {
    let total = ALERTS + MORE_ALERTS;
    let mut feed = AlertFeed::benchmark(Duration::days(30));
    let mut workspace = Workspace::default();
    ingest(
        &mut workspace,
        feed.batch(ALERTS, total),
        benchmark_now(),
        0,
    );
    let next_number = workspace.next_number();
    let report = ingest(
        &mut workspace,
        feed.batch(MORE_ALERTS, total),
        benchmark_now(),
        1 << 64,
    );
    let change = Change {
        incidents: report.touched,
        next_number,
    };
    println!(
        "storage: {MORE_ALERTS} alerts into {ALERTS} touched {} incidents",
        change.incidents.len()
    );
    let mut group = c.benchmark_group("durable batch");
    group.sample_size(10);
    group.bench_function(format!("records of {MORE_ALERTS} alerts encoded"), |b| {
        b.iter(|| black_box(records_for(&workspace, &change)));
    });
    group.finish();
}

criterion_group!(benches, batch_records);
criterion_main!(benches);
