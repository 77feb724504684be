//! The import benchmark of the importers issue, in headless Chromium through the Import page as
//! an analyst uses it: 200,000 CEF lines picked, read and checked, applied (correlated and
//! stored in one transaction). It prints the time of each stage and the longest main-thread
//! task a PerformanceObserver saw, and asserts no timing. Run by `scripts/bench.sh`.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use leptos::wasm_bindgen::JsCast;
use leptos::wasm_bindgen::prelude::Closure;
use leptos::web_sys::{PerformanceObserver, PerformanceObserverEntryList, PerformanceObserverInit};
use vigil::store::idb::IdbStore;
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

mod support;

use support::{click_action, fresh_name, mount_at_import, next_task, pick_file, text_of};

wasm_bindgen_test_configure!(run_in_browser);

const LINES: usize = 200_000;

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Firewall events over the last days: a thousand sources, a hundred destinations.
fn cef_file() -> String {
    (0..LINES)
        .map(|serial| {
            format!(
                "<134>Nov 20 10:00:00 fw01 CEF:0|Palo Alto Networks|PAN-OS|10.1|{}|{}|{}|externalId={serial} rt={} src=203.0.{}.{} dst=198.51.100.{} suser=user{}@contoso.com\n",
                serial % 40,
                ["Port scan", "Spyware phone-home", "Brute force", "Vulnerability exploit"][serial % 4],
                serial % 11,
                1_763_600_000_000u64 + serial as u64 * 1_000,
                (serial / 250) % 4,
                serial % 250,
                serial % 100,
                serial % 1_000
            )
        })
        .collect()
}

/// Waits as long as a large import takes, a task at a time; a bound, not a timing.
async fn wait_until(what: &str, done: impl Fn() -> bool) {
    for _ in 0..60_000 {
        if done() {
            return;
        }
        next_task().await;
    }
    panic!("gave up waiting until {what}");
}

#[wasm_bindgen_test]
async fn import_figures() {
    // Long tasks as (start, duration) on the page's clock; the benchmark's own work (making a
    // 35 MB file to pick) is left out by counting only tasks that start after it.
    let tasks = Rc::new(RefCell::new(Vec::<(f64, f64)>::new()));
    let seen = tasks.clone();
    let callback = Closure::<dyn FnMut(PerformanceObserverEntryList)>::new(
        move |entries: PerformanceObserverEntryList| {
            for entry in entries.get_entries() {
                let entry = entry.unchecked_into::<leptos::web_sys::PerformanceEntry>();
                seen.borrow_mut()
                    .push((entry.start_time(), entry.duration()));
            }
        },
    );
    let longest_since = |since: f64| {
        tasks
            .borrow()
            .iter()
            .filter(|(start, _)| *start >= since)
            .map(|(_, duration)| *duration)
            .fold(0.0, f64::max)
    };
    let clock = || {
        leptos::web_sys::window()
            .unwrap()
            .performance()
            .unwrap()
            .now()
    };
    let observer = PerformanceObserver::new(callback.as_ref().unchecked_ref()).unwrap();
    let options = PerformanceObserverInit::new(&js_sys::Array::of1(&"longtask".into()));
    observer.observe(&options);

    let name = fresh_name("bench-import");
    let (container, _app) = mount_at_import(&name).await;
    let file = cef_file();
    console_log!(
        "import: {LINES} CEF lines, {:.1} MB",
        file.len() as f64 / 1e6
    );

    pick_file(&container, "firewall.cef", &file);
    let started = now_ms();
    let reading_from = clock();
    wait_until("the report shows", || {
        !text_of(&container, ".ready").is_empty()
    })
    .await;
    let read = now_ms() - started;
    let longest_reading = longest_since(reading_from);
    console_log!(
        "import: read and checked in {read:.0} ms ({}), longest task {longest_reading:.0} ms",
        text_of(&container, ".ready")
    );

    let started = now_ms();
    let applying_from = clock();
    click_action(&container, "Apply");
    wait_until("the alerts are in", || {
        text_of(&container, ".import-report").contains("alerts imported")
    })
    .await;
    let correlated = now_ms() - started;
    let longest_correlating = longest_since(applying_from);
    let ingested_at = clock() - applying_from;
    // Stored once the queue rows, written in the same transaction, can be read.
    let store = IdbStore::open(&name).await.unwrap();
    let mut rows = 0;
    while rows == 0 {
        next_task().await;
        rows = store.load_queue().await.unwrap().rows.len();
    }
    let stored = now_ms() - started;
    console_log!(
        "import: correlated in {correlated:.0} ms (longest task {longest_correlating:.0} ms), durable after {stored:.0} ms, {rows} incidents; longest task overall {:.0} ms",
        longest_since(reading_from)
    );
    // Where the long tasks fell: milliseconds after Apply, against when the alerts were in.
    let long: Vec<String> = tasks
        .borrow()
        .iter()
        .filter(|(start, _)| *start >= applying_from)
        .map(|(start, duration)| format!("{:.0} ms at +{:.0}", duration, start - applying_from))
        .collect();
    console_log!(
        "import: long tasks after Apply: [{}]; the alerts were in at +{ingested_at:.0}",
        long.join(", ")
    );
    observer.disconnect();
}
