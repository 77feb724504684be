//! The queue benchmark of the queue issue, in headless Chromium through the Incidents page: a
//! workspace of about 100,000 incidents is saved and opened, then the queue's first paint with
//! the rows in memory, and the repaint after a filter, a sort and a search, are timed; the rows
//! in the DOM are counted. It prints figures and asserts no timing. Run by `scripts/bench.sh`.
#![cfg(target_arch = "wasm32")]

use chrono::Duration;
use leptos::web_sys::HtmlElement;
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

mod support;

use support::{
    arrivals, clear_local_storage, click, large_workspace, mount_app, next_task, open_next,
    repaints, save_fresh, settle, start, text_of, type_into,
};

wasm_bindgen_test_configure!(run_in_browser);

/// Repaints timed per kind of change.
const SAMPLES: usize = 20;

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
    let workspace = large_workspace(start(), start() + Duration::days(31));
    let incidents = workspace.incidents().count();
    next_task().await;
    let name = save_fresh("bench-queue", &workspace).await;
    drop(workspace);
    next_task().await;

    open_next(&name);
    let (container, _app) = mount_app("#/incidents");
    settle("the queue is listed", || row_count(&container) > 0).await;
    let count = text_of(&container, ".queue-count");
    console_log!("queue: {incidents} incidents saved and opened; the queue says \"{count}\"");

    // First paint with the rows in memory: from another page to the painted queue.
    let (median, p95) = arrivals("#/", "#/incidents", SAMPLES, || row_count(&container) > 0).await;
    console_log!(
        "queue: first paint with the rows in memory: {median:.1} ms median, {p95:.1} ms p95"
    );

    let count_text = || text_of(&container, ".queue-count");
    let report = |what: &str, (median, p95): (f64, f64)| {
        console_log!("queue: {what}: repainted in {median:.1} ms median, {p95:.1} ms p95");
    };
    let severity = repaints("severity filter", SAMPLES, count_text, |_| {
        click(&container, "#severity-High")
    });
    report("severity filter", severity.await);
    let sort = repaints(
        "sort by title",
        SAMPLES,
        || first_number(&container),
        |_| click(&container, "th:nth-child(3) button"),
    );
    report("sort by title", sort.await);
    let search = repaints("search", SAMPLES, count_text, |sample| {
        let text = if sample % 2 == 0 { "phishing" } else { "" };
        type_into(&container, "#queue-search", text);
    });
    report("search", search.await);
    console_log!(
        "queue: {} row elements in the table for {incidents} incidents",
        row_count(&container)
    );
    clear_local_storage();
}
