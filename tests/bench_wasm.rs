//! The correlation benchmarks of `benches/correlation.rs`, run as Wasm in headless Chromium and
//! timed with the browser's clock. It prints figures and asserts no timing (timed assertions are
//! flaky on a shared 2-core machine). Run by `scripts/bench.sh` in release mode.
#![cfg(target_arch = "wasm32")]

use chrono::Duration;
use vigil::core::alert::RawAlert;
use vigil::core::workspace::Workspace;
use vigil::synthetic::{AlertFeed, benchmark_now};
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

mod support;

wasm_bindgen_test_configure!(run_in_browser);

fn feed() -> AlertFeed {
    AlertFeed::benchmark(Duration::days(30))
}

/// Milliseconds on the browser's clock (`Date.now`; the measured spans are long enough for it).
fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Ingests as the native benchmark does.
fn ingest(workspace: &mut Workspace, alerts: Vec<RawAlert>) {
    support::ingest(workspace, alerts, benchmark_now(), 0);
}

#[wasm_bindgen_test]
fn ingest_and_correlate_in_wasm() {
    for count in [10_000, 100_000] {
        let mut best = f64::INFINITY;
        for _ in 0..3 {
            let alerts = feed().batch(count, count);
            let mut workspace = Workspace::default();
            let started = now_ms();
            ingest(&mut workspace, alerts);
            best = best.min(now_ms() - started);
            assert_eq!(workspace.correlation().alerts().count(), count);
        }
        console_log!(
            "wasm: {count} alerts ingested and correlated in {best:.0} ms (best of 3), {:.2} µs per alert",
            best * 1e3 / count as f64
        );
    }
}

#[wasm_bindgen_test]
fn one_more_alert_in_wasm() {
    const BASE: usize = 100_000;
    const MORE: usize = 20_000;
    let mut feed = feed();
    let total = BASE * 2;
    let mut workspace = Workspace::default();
    ingest(&mut workspace, feed.batch(BASE, total));
    let singles: Vec<Vec<RawAlert>> = (0..MORE).map(|_| feed.batch(1, total)).collect();
    let started = now_ms();
    for single in singles {
        ingest(&mut workspace, single);
    }
    let elapsed = now_ms() - started;
    console_log!(
        "wasm: one more alert into {BASE} alerts: {:.1} µs on average over {MORE}",
        elapsed * 1e3 / MORE as f64
    );
}
