//! The storage benchmark of the persistence issue, in headless Chromium against real IndexedDB:
//! a large workspace written whole and opened again (its queue rows first, then the rest), one incident edit made durable, a batch of
//! alerts ingested and made durable, and the memory it all takes. It prints figures and asserts
//! no timing. Run by `scripts/bench.sh` in release mode; README.md records the latest figures.
#![cfg(target_arch = "wasm32")]

use chrono::Duration;
use vigil::core::incident::Edit;
use vigil::core::people::Actor;
use vigil::core::workspace::Workspace;
use vigil::store::idb::IdbStore;
use vigil::store::snapshot::{Change, assemble, records_for, records_of};
use vigil::synthetic::{AlertFeed, benchmark_now};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

mod support;

use support::{ingest, next_task};

wasm_bindgen_test_configure!(run_in_browser);

/// Alerts in the stored workspace; with this feed they form about 150,000 incidents.
const ALERTS: usize = 300_000;
/// Alerts ingested into it afterwards, in one batch.
const MORE_ALERTS: usize = 10_000;
/// Single-incident edits timed.
const EDITS: usize = 25;

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Megabytes of JS heap (Chromium's `performance.memory`) and of Wasm linear memory.
fn memory_mb() -> (f64, f64) {
    let performance = js_sys::Reflect::get(&js_sys::global(), &"performance".into()).unwrap();
    let js_heap = js_sys::Reflect::get(&performance, &"memory".into())
        .and_then(|memory| js_sys::Reflect::get(&memory, &"usedJSHeapSize".into()))
        .ok()
        .and_then(|used| used.as_f64())
        .unwrap_or(f64::NAN);
    let wasm = wasm_bindgen::memory()
        .unchecked_into::<js_sys::WebAssembly::Memory>()
        .buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length() as f64;
    (js_heap / 1e6, wasm / 1e6)
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

#[wasm_bindgen_test]
async fn storage_figures() {
    let total = ALERTS + MORE_ALERTS;
    let mut feed = AlertFeed::benchmark(Duration::days(30));
    let mut workspace = Workspace::default();
    ingest(
        &mut workspace,
        feed.batch(ALERTS, total),
        benchmark_now(),
        0,
    );
    let incidents = workspace.incidents().count();
    console_log!("storage: workspace of {incidents} incidents and {ALERTS} alerts");
    // Between long steps the page answers the test runner, which gives up on a page silent
    // for 30 s.
    next_task().await;

    // The pure halves of a write and an open, without the browser's database.
    let started = now_ms();
    let records = records_of(&workspace);
    let encoded = now_ms() - started;
    let stored = records.clone().into_stored();
    next_task().await;
    let started = now_ms();
    let decoded = assemble(stored).unwrap();
    console_log!(
        "storage: records encoded in {encoded:.0} ms, decoded and restored in {:.0} ms",
        now_ms() - started
    );
    drop(decoded);
    next_task().await;

    let name = format!("bench-{}", js_sys::Math::random().to_bits());
    let store = IdbStore::open(&name, |_| {}).await.unwrap();
    let started = now_ms();
    store.replace(records).await.unwrap();
    console_log!("storage: written whole in {:.0} ms", now_ms() - started);
    drop(store);
    drop(workspace);

    // As the app opens a workspace: the queue's rows first, then everything else.
    let started = now_ms();
    let store = IdbStore::open(&name, |_| {}).await.unwrap();
    let queue = store.load_queue().await.unwrap();
    let rows_ready = now_ms() - started;
    assert_eq!(queue.rows.len(), incidents);
    drop(queue);
    let loaded = store.load().await.unwrap();
    let opened = now_ms() - started;
    let mut workspace = loaded.workspace;
    assert_eq!(workspace.incidents().count(), incidents);
    console_log!(
        "storage: opened again: {incidents} queue rows ready in {rows_ready:.0} ms; everything read, decoded and restored in {opened:.0} ms"
    );
    let (js_heap, wasm) = memory_mb();
    console_log!("storage: memory with it open: JS heap {js_heap:.0} MB, Wasm memory {wasm:.0} MB");

    let analyst = Actor::named("Ana Silva");
    let numbers: Vec<u64> = workspace
        .incidents()
        .map(|incident| incident.number)
        .step_by(incidents / EDITS)
        .take(EDITS)
        .collect();
    let mut edits = Vec::with_capacity(EDITS);
    for (serial, number) in numbers.into_iter().enumerate() {
        let started = now_ms();
        let change = Change::of(&workspace, [number]);
        let incident = workspace.incident_mut(number).unwrap();
        let etag = incident.etag.clone();
        let edit = Edit {
            by: &analyst,
            at: benchmark_now(),
            etag: &etag,
        };
        incident
            .set_title(edit, &format!("Edited {serial}"))
            .unwrap();
        store.save(records_for(&workspace, &change)).await.unwrap();
        edits.push(now_ms() - started);
    }
    console_log!(
        "storage: one incident edit durable in {:.1} ms (median of {EDITS}; slowest {:.1} ms)",
        median(edits.clone()),
        edits.iter().copied().fold(0.0, f64::max)
    );

    let alerts = feed.batch(MORE_ALERTS, total);
    let next_number = workspace.next_number();
    let started = now_ms();
    let report = ingest(&mut workspace, alerts, benchmark_now(), 1 << 64);
    let ingested = now_ms() - started;
    let touched = report.touched.len();
    let change = Change {
        incidents: report.touched,
        next_number,
    };
    let write = records_for(&workspace, &change);
    let encoded = now_ms() - started - ingested;
    store.save(write).await.unwrap();
    let total_ms = now_ms() - started;
    console_log!(
        "storage: {MORE_ALERTS} alerts ingested and durable in {total_ms:.0} ms: correlated in {ingested:.0} ms, {touched} incidents encoded in {encoded:.0} ms, written in {:.0} ms",
        total_ms - ingested - encoded
    );
    drop(store);
    idb::Factory::new()
        .unwrap()
        .delete(&IdbStore::database_name(&name))
        .unwrap()
        .await
        .unwrap();
}
