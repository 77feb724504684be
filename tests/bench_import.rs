//! The import benchmark of the importers issue, in headless Chromium through the Import page as
//! an analyst uses it: 200,000 CEF lines picked, read and checked, applied (correlated and
//! stored in one transaction); and 200,000 Log Analytics rows (a 50 MB JSON array) read and
//! checked. It prints the time of each stage and the longest main-thread
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

/// Long tasks as (start, duration) on the page's clock, seen by a PerformanceObserver while it
/// lives.
struct LongTasks {
    seen: Rc<RefCell<Vec<(f64, f64)>>>,
    observer: PerformanceObserver,
    _callback: Closure<dyn FnMut(PerformanceObserverEntryList)>,
}

impl LongTasks {
    fn observe() -> LongTasks {
        let seen = Rc::new(RefCell::new(Vec::<(f64, f64)>::new()));
        let into = seen.clone();
        let callback = Closure::<dyn FnMut(PerformanceObserverEntryList)>::new(
            move |entries: PerformanceObserverEntryList| {
                for entry in entries.get_entries() {
                    let entry = entry.unchecked_into::<leptos::web_sys::PerformanceEntry>();
                    into.borrow_mut()
                        .push((entry.start_time(), entry.duration()));
                }
            },
        );
        let observer = PerformanceObserver::new(callback.as_ref().unchecked_ref()).unwrap();
        let options = PerformanceObserverInit::new(&js_sys::Array::of1(&"longtask".into()));
        observer.observe(&options);
        LongTasks {
            seen,
            observer,
            _callback: callback,
        }
    }

    /// Now on the page's clock, the one task starts are given in.
    fn clock() -> f64 {
        leptos::web_sys::window()
            .unwrap()
            .performance()
            .unwrap()
            .now()
    }

    /// The longest task that started at `since` or later; the benchmark's own work (making a
    /// file to pick) is left out by starting after it.
    fn longest_since(&self, since: f64) -> f64 {
        self.seen
            .borrow()
            .iter()
            .filter(|(start, _)| *start >= since)
            .map(|(_, duration)| *duration)
            .fold(0.0, f64::max)
    }
}

impl Drop for LongTasks {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

/// Picks `file` on the Import page and waits for its report: the time it took and the
/// longest task meanwhile.
async fn read_and_check(
    container: &leptos::web_sys::HtmlElement,
    name: &str,
    file: &str,
    tasks: &LongTasks,
) -> (f64, f64) {
    pick_file(container, name, file);
    let started = now_ms();
    let reading_from = LongTasks::clock();
    wait_until("the report shows", || {
        !text_of(container, ".ready").is_empty()
    })
    .await;
    (now_ms() - started, tasks.longest_since(reading_from))
}

/// Security alerts as a Log Analytics query exports them: one JSON array of rows whose
/// entities are JSON in a string, about as large per alert as a real export.
fn log_analytics_file() -> String {
    const SEVERITIES: [&str; 3] = ["Low", "Medium", "High"];
    let rows: Vec<String> = (0..LINES)
        .map(|serial| {
            let entities = format!(
                r#"[{{"$id":"2","HostName":"ws{:04}","DnsDomain":"contoso.com","Type":"host"}},{{"$id":"3","Name":"user{}","UPNSuffix":"contoso.com","Type":"account"}},{{"$id":"4","Address":"203.0.113.{}","Type":"ip"}}]"#,
                serial % 2_000,
                serial % 1_000,
                serial % 250
            );
            serde_json::json!({
                "TenantId": "f1e2d3c4-0000-4000-8000-000000000000",
                "TimeGenerated": "2026-11-20T10:00:05Z",
                "DisplayName": "Suspicious sign-in activity",
                "AlertName": "Suspicious sign-in activity",
                "AlertSeverity": SEVERITIES[serial % 3],
                "Description": "A sign-in from an unfamiliar location, followed by mailbox rule changes.",
                "ProviderName": "MCAS",
                "VendorName": "Microsoft",
                "ProductName": "Microsoft Defender for Cloud Apps",
                "SystemAlertId": format!("la-{serial}"),
                "StartTime": format!("2026-11-20T{:02}:{:02}:00Z", (serial / 60) % 24, serial % 60),
                "EndTime": "2026-11-20T10:00:00Z",
                "Tactics": "InitialAccess, Persistence",
                "Entities": entities,
                "Type": "SecurityAlert"
            })
            .to_string()
        })
        .collect();
    format!("[\n{}\n]", rows.join(",\n"))
}

#[wasm_bindgen_test]
async fn json_reading_figures() {
    let tasks = LongTasks::observe();
    let name = fresh_name("bench-import-json");
    let (container, _app) = mount_at_import(&name).await;
    let file = log_analytics_file();
    console_log!(
        "import: {LINES} Log Analytics rows (JSON), {:.1} MB",
        file.len() as f64 / 1e6
    );
    let (read, longest) = read_and_check(&container, "alerts.json", &file, &tasks).await;
    console_log!(
        "import: JSON read and checked in {read:.0} ms ({}), longest task {longest:.0} ms",
        text_of(&container, ".ready")
    );
    click_action(&container, "Cancel");
}

#[wasm_bindgen_test]
async fn import_figures() {
    let tasks = LongTasks::observe();
    let name = fresh_name("bench-import");
    let (container, _app) = mount_at_import(&name).await;
    let file = cef_file();
    console_log!(
        "import: {LINES} CEF lines, {:.1} MB",
        file.len() as f64 / 1e6
    );

    let reading_from = LongTasks::clock();
    let (read, longest_reading) = read_and_check(&container, "firewall.cef", &file, &tasks).await;
    console_log!(
        "import: read and checked in {read:.0} ms ({}), longest task {longest_reading:.0} ms",
        text_of(&container, ".ready")
    );

    let started = now_ms();
    let applying_from = LongTasks::clock();
    click_action(&container, "Apply");
    wait_until("the alerts are in", || {
        text_of(&container, ".import-report").contains("alerts imported")
    })
    .await;
    let correlated = now_ms() - started;
    let longest_correlating = tasks.longest_since(applying_from);
    let ingested_at = LongTasks::clock() - applying_from;
    // Stored once the queue rows, written in the same transaction, can be read.
    let store = IdbStore::open(&name, |_| {}).await.unwrap();
    let mut rows = 0;
    while rows == 0 {
        next_task().await;
        rows = store.load_queue().await.unwrap().rows.len();
    }
    let stored = now_ms() - started;
    console_log!(
        "import: correlated in {correlated:.0} ms (longest task {longest_correlating:.0} ms), durable after {stored:.0} ms, {rows} incidents; longest task overall {:.0} ms",
        tasks.longest_since(reading_from)
    );
    // Where the long tasks fell: milliseconds after Apply, against when the alerts were in.
    let long: Vec<String> = tasks
        .seen
        .borrow()
        .iter()
        .filter(|(start, _)| *start >= applying_from)
        .map(|(start, duration)| format!("{:.0} ms at +{:.0}", duration, start - applying_from))
        .collect();
    console_log!(
        "import: long tasks after Apply: [{}]; the alerts were in at +{ingested_at:.0}",
        long.join(", ")
    );
}
