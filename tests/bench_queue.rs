//! The queue benchmark of the queue issue, in headless Chromium through the Incidents page: a
//! workspace of about 100,000 incidents is saved and opened, then the queue's first paint with
//! the rows in memory, and the repaint after a filter, a sort and a search, are timed; the rows
//! in the DOM are counted. It prints figures and asserts no timing. Run by `scripts/bench.sh`.
#![cfg(target_arch = "wasm32")]

use chrono::Duration;
use leptos::web_sys::{HtmlElement, window};
use vigil::core::workspace::Workspace;
use vigil::store::idb::IdbStore;
use vigil::store::snapshot::records_of;
use vigil::synthetic::AlertFeed;
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

mod support;

use support::{
    clear_local_storage, click, clock, fresh_name, ingest, median_and_p95, mount_app, next_task,
    open_next, settle, start, text_of, type_into,
};

wasm_bindgen_test_configure!(run_in_browser);

/// Alerts correlated into about 100,000 incidents.
const ALERTS: usize = 140_000;
/// Repaints timed per kind of change.
const SAMPLES: usize = 20;

/// Times `SAMPLES` repaints: each runs `change` and waits until the page shows something else
/// than before, as `shown` reads it.
async fn repaints(
    what: &str,
    container: &HtmlElement,
    shown: impl Fn(&HtmlElement) -> String,
    change: impl Fn(usize),
) {
    let mut samples = Vec::with_capacity(SAMPLES);
    for sample in 0..SAMPLES {
        let before = shown(container);
        let started = clock();
        change(sample);
        settle(what, || shown(container) != before).await;
        samples.push(clock() - started);
        next_task().await;
    }
    let (median, p95) = median_and_p95(samples);
    console_log!("queue: {what}: repainted in {median:.1} ms median, {p95:.1} ms p95");
}

fn row_count(container: &HtmlElement) -> u32 {
    container
        .query_selector_all(".queue tbody tr")
        .unwrap()
        .length()
}

fn first_number(container: &HtmlElement) -> String {
    text_of(container, ".queue tbody tr td:nth-child(2)")
}

#[wasm_bindgen_test]
async fn queue_figures() {
    let mut workspace = Workspace::default();
    let feed = AlertFeed::new(42, 20_000, start(), Duration::days(30)).batch(ALERTS, ALERTS);
    ingest(&mut workspace, feed, start() + Duration::days(31), 0);
    let incidents = workspace.incidents().count();
    next_task().await;
    let name = fresh_name("bench-queue");
    let store = IdbStore::open(&name).await.unwrap();
    store.replace(records_of(&workspace)).await.unwrap();
    drop(store);
    drop(workspace);
    next_task().await;

    open_next(&name);
    let (container, _app) = mount_app("#/incidents");
    settle("the queue is listed", || row_count(&container) > 0).await;
    let count = text_of(&container, ".queue-count");
    console_log!("queue: {incidents} incidents saved and opened; the queue says \"{count}\"");

    // First paint with the rows in memory: from another page to the painted queue.
    let mut paints = Vec::with_capacity(SAMPLES);
    for _ in 0..SAMPLES {
        window().unwrap().location().set_hash("#/").unwrap();
        settle("the overview shows", || row_count(&container) == 0).await;
        next_task().await;
        let started = clock();
        window()
            .unwrap()
            .location()
            .set_hash("#/incidents")
            .unwrap();
        settle("the queue is painted", || row_count(&container) > 0).await;
        paints.push(clock() - started);
    }
    let (median, p95) = median_and_p95(paints);
    console_log!(
        "queue: first paint with the rows in memory: {median:.1} ms median, {p95:.1} ms p95"
    );

    let count_text = |container: &HtmlElement| text_of(container, ".queue-count");
    repaints("severity filter", &container, count_text, |_| {
        click(&container, "#severity-High")
    })
    .await;
    repaints("sort by title", &container, first_number, |_| {
        click(&container, "th:nth-child(3) button")
    })
    .await;
    repaints("search", &container, count_text, |sample| {
        let text = if sample % 2 == 0 { "phishing" } else { "" };
        type_into(&container, "#queue-search", text);
    })
    .await;
    console_log!(
        "queue: {} row elements in the table for {incidents} incidents",
        row_count(&container)
    );
    clear_local_storage();
}
