//! The overview benchmark of the overview issue, in headless Chromium: a workspace of about
//! 100,000 incidents (all created in the last week) is saved and opened, then the overview is
//! timed from another page to its painted figures, and after a change of period. It prints
//! figures and asserts no timing. Run by `scripts/bench.sh`.
#![cfg(target_arch = "wasm32")]

use chrono::{DateTime, Duration, Utc};
use leptos::web_sys::HtmlElement;
use vigil::core::overview::{OverviewTable, Period};
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

mod support;

use support::{
    arrivals, choose, clear_local_storage, clock, large_workspace, median_and_p95, mount_app,
    next_task, open_next, repaints, save_fresh, settle, text_of,
};

wasm_bindgen_test_configure!(run_in_browser);

/// Paints timed per kind.
const SAMPLES: usize = 20;

/// The Created tile's count, empty while the overview is not on the page.
fn created(container: &HtmlElement) -> String {
    text_of(container, ".tiles li:nth-child(7) .tile-count")
}

#[wasm_bindgen_test]
async fn overview_figures() {
    let now = DateTime::<Utc>::from_timestamp_millis(js_sys::Date::now() as i64).unwrap();
    // Taken in three days ago, so every incident was created in the last week.
    let workspace = large_workspace(now - Duration::days(33), now - Duration::days(3));
    let incidents = workspace.incidents().count();
    let week = Period::ending(now, Duration::days(7));
    let mut tables = Vec::with_capacity(SAMPLES);
    let mut figures = Vec::with_capacity(SAMPLES);
    for _ in 0..SAMPLES {
        let started = clock();
        let table = std::hint::black_box(OverviewTable::of(&workspace));
        tables.push(clock() - started);
        let started = clock();
        std::hint::black_box(table.overview(workspace.correlation(), week));
        figures.push(clock() - started);
    }
    let mut table = OverviewTable::of(&workspace);
    let some: Vec<u64> = workspace
        .incidents()
        .step_by(4_000)
        .map(|incident| incident.number)
        .collect();
    let mut refreshes = Vec::with_capacity(some.len());
    for number in some {
        let started = clock();
        table.refresh(&workspace, &[number]);
        refreshes.push(clock() - started);
    }
    let (table_median, table_p95) = median_and_p95(tables);
    let (median, p95) = median_and_p95(figures);
    let (refresh, _) = median_and_p95(refreshes);
    console_log!(
        "overview: the table made (when a workspace is shown) in {table_median:.1} ms median, {table_p95:.1} ms p95; one incident's row refreshed in {refresh:.2} ms median; the week's figures from it in {median:.1} ms median, {p95:.1} ms p95"
    );
    next_task().await;
    let name = save_fresh("bench-overview", &workspace).await;
    drop(workspace);
    next_task().await;

    open_next(&name);
    let (container, _app) = mount_app("#/");
    settle("the workspace is counted", || {
        created(&container)
            .parse::<usize>()
            .is_ok_and(|count| count > 0)
    })
    .await;
    console_log!(
        "overview: {incidents} incidents saved and opened; Created says {}",
        created(&container)
    );

    let (median, p95) = arrivals("#/import", "#/", SAMPLES, || {
        !created(&container).is_empty()
    })
    .await;
    console_log!(
        "overview: computed and painted from another page: {median:.1} ms median, {p95:.1} ms p95"
    );

    let (median, p95) = repaints(
        "change of period",
        SAMPLES,
        || created(&container),
        |sample| {
            let period = if sample % 2 == 0 { "24h" } else { "7d" };
            choose(&container, "#overview-range", period);
        },
    )
    .await;
    console_log!("overview: change of period repainted in {median:.1} ms median, {p95:.1} ms p95");
    clear_local_storage();
}
