//! What the browser test files share: a realistic workspace, fresh names, raw writes into a
//! store, mounting the app and working its controls, and waiting for the browser. Each test file uses a different part of it.
#![allow(dead_code)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use idb::{Database, Factory, TransactionMode};
use leptos::mount::mount_to;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{
    DataTransfer, Event, File, HtmlElement, HtmlInputElement, KeyboardEvent, KeyboardEventInit,
    window,
};
use uuid::Uuid;
use vigil::core::draft::IncidentDraft;
use vigil::core::incident::Edit;
use vigil::core::people::Actor;
use vigil::core::workspace::Workspace;
use vigil::store::catalog::Catalog;
use vigil::store::idb::IdbStore;
use vigil::store::snapshot::{Change, records_of};
use vigil::store::workspace_store::save_catalog;
use vigil::synthetic::AlertFeed;
pub use vigil::synthetic::ingest;
use vigil::ui::App;
use wasm_bindgen::JsValue;

/// When the test workspaces' alerts begin.
pub fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 10, 1, 0, 0, 0).unwrap()
}

/// A workspace name no other test run uses.
pub fn fresh_name(test: &str) -> String {
    format!("{test}-{}", js_sys::Math::random().to_bits())
}

/// Correlated alerts with merges, a hand-made incident, and a manual merge.
pub fn workspace() -> Workspace {
    let mut workspace = Workspace::default();
    let mut feed = AlertFeed::new(5, 40, start(), Duration::days(2));
    ingest(
        &mut workspace,
        feed.batch(150, 150),
        start() + Duration::days(3),
        0,
    );
    let draft = IncidentDraft {
        title: "Suspicious visitor at reception".into(),
        ..IncidentDraft::default()
    };
    let analyst = Actor::named("Ana Silva");
    workspace.create(
        Uuid::from_u128(500),
        draft.validate().unwrap(),
        &analyst,
        start(),
    );
    let live: Vec<u64> = workspace
        .incidents()
        .filter(|incident| incident.merged_into.is_none() && !incident.alert_ids.is_empty())
        .map(|incident| incident.number)
        .take(2)
        .collect();
    workspace
        .merge_incidents(&live, "same host", &analyst, start())
        .unwrap();
    workspace
}

/// Saves [`workspace`] under a fresh name, which it returns; the store is closed again.
pub async fn saved_workspace(test: &str) -> String {
    save_fresh(test, &workspace()).await
}

/// Saves `workspace` whole under a fresh name for `test`, which it returns; the store is
/// closed again.
pub async fn save_fresh(test: &str, workspace: &Workspace) -> String {
    let name = fresh_name(test);
    let store = IdbStore::open(&name, |_| {}).await.unwrap();
    store.replace(records_of(workspace)).await.unwrap();
    name
}

/// The benchmarks' large workspace: 140,000 alerts of the seeded feed (20,000 entities) over
/// the 30 days from `start`, taken in at `taken_in`; about 92,000 incidents.
pub fn large_workspace(start: DateTime<Utc>, taken_in: DateTime<Utc>) -> Workspace {
    const ALERTS: usize = 140_000;
    let mut workspace = Workspace::default();
    let feed = AlertFeed::new(42, 20_000, start, Duration::days(30)).batch(ALERTS, ALERTS);
    ingest(&mut workspace, feed, taken_in, 0);
    workspace
}

/// Writes one raw value straight into an object store, as a damaged or foreign record would be.
pub async fn put_raw(name: &str, store: &str, key: &str, value: &str) {
    let factory = Factory::new().unwrap();
    let database = factory
        .open(&IdbStore::database_name(name), None)
        .unwrap()
        .await
        .unwrap();
    let transaction = database
        .transaction(&[store], TransactionMode::ReadWrite)
        .unwrap();
    transaction
        .object_store(store)
        .unwrap()
        .put(&JsValue::from_str(value), Some(&JsValue::from_str(key)))
        .unwrap();
    transaction.commit().unwrap().await.unwrap();
    database.close();
}

/// Renames an incident as `who`, returning the change to save.
pub fn rename(workspace: &mut Workspace, number: u64, title: &str, who: &str) -> Change {
    let change = Change::of(workspace, [number]);
    let incident = workspace.incident_mut(number).unwrap();
    let etag = incident.etag.clone();
    let by = Actor::named(who);
    let edit = Edit {
        by: &by,
        at: start(),
        etag: &etag,
    };
    incident.set_title(edit, title).unwrap();
    change
}

pub fn clear_local_storage() {
    web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .clear()
        .unwrap();
}

/// Lets the browser deliver queued messages.
pub async fn next_task() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 10)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

/// Lets the microtasks queued so far run (the views' reactive updates among them) and no task:
/// nothing the browser delivers as a task, such as a storage request finishing, comes between.
/// A reactive update can queue another microtask as it runs (an effect spawning its view's
/// update), so several rounds are let through; eight is far more than any chain here.
pub async fn microtasks() {
    for _ in 0..8 {
        let resolved = js_sys::Promise::resolve(&JsValue::UNDEFINED);
        wasm_bindgen_futures::JsFuture::from(resolved)
            .await
            .unwrap();
    }
}

/// Waits, a task at a time, until `done` holds: storage answers asynchronously. Gives up after
/// a bound of tasks (a failure, not a timing assertion) and says what it waited for.
pub async fn until(what: &str, done: impl Fn() -> bool) {
    for _ in 0..500 {
        if done() {
            return;
        }
        next_task().await;
    }
    panic!("gave up waiting until {what}");
}

/// A fresh element at the end of the page's body, to mount into.
pub fn new_container() -> HtmlElement {
    let document = window().unwrap().document().unwrap();
    let container: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&container).unwrap();
    container
}

/// Mounts the whole app at `hash`; the handle unmounts it when dropped.
pub fn mount_app(hash: &str) -> (HtmlElement, impl Drop + use<>) {
    window().unwrap().location().set_hash(hash).unwrap();
    let container = new_container();
    let handle = mount_to(container.clone(), App);
    (container, handle)
}

/// The text of the first element `selector` finds; empty when there is none.
pub fn text_of(container: &HtmlElement, selector: &str) -> String {
    container
        .query_selector(selector)
        .unwrap()
        .and_then(|element| element.text_content())
        .unwrap_or_default()
}

/// Makes `name` the workspace the next app or desk opens.
pub fn open_next(name: &str) {
    let mut catalog = Catalog::default();
    catalog.add(name).unwrap();
    save_catalog(&catalog).unwrap();
}

/// Waits until the mounted app has loaded its workspace: until then the queue and overview
/// show the stored queue's rows, and every change is refused as "still opening".
pub async fn until_opened(container: &HtmlElement) {
    until("the workspace opens", || {
        !text_of(container, ".banners").contains("Opening")
    })
    .await;
}

/// Mounts the app on the Import page once `name`, made the open workspace, has opened.
pub async fn mount_at_import(name: &str) -> (HtmlElement, impl Drop) {
    open_next(name);
    let (container, app) = mount_app("#/import");
    until_opened(&container).await;
    (container, app)
}

/// Puts a file into the input labelled **Import file** and tells the page, as picking does.
pub fn pick_file(container: &HtmlElement, name: &str, contents: &str) {
    let input: HtmlInputElement = container
        .query_selector("#import-file")
        .unwrap()
        .unwrap()
        .unchecked_into();
    let label = container
        .query_selector("label[for='import-file']")
        .unwrap()
        .unwrap();
    assert_eq!(label.text_content().as_deref(), Some("Import file"));
    let parts = js_sys::Array::of1(&JsValue::from_str(contents));
    let file = File::new_with_str_sequence(&parts, name).unwrap();
    let transfer = DataTransfer::new().unwrap();
    transfer.items().add_with_file(&file).unwrap();
    input.set_files(transfer.files().as_ref());
    input
        .dispatch_event(&Event::new("change").unwrap())
        .unwrap();
}

/// Clicks the Import page's action button that says `text`.
pub fn click_action(container: &HtmlElement, text: &str) {
    let actions = container.query_selector(".actions").unwrap().unwrap();
    let button = [actions.first_element_child(), actions.last_element_child()]
        .into_iter()
        .flatten()
        .find(|button| button.text_content().as_deref() == Some(text))
        .unwrap_or_else(|| panic!("no button {text:?}"));
    button.unchecked_into::<HtmlElement>().click();
}

/// The incident numbers the queue lists, top to bottom.
pub fn queue_numbers(container: &HtmlElement) -> Vec<String> {
    let cells = container
        .query_selector_all(".queue tbody tr td:nth-child(2)")
        .unwrap();
    (0..cells.length())
        .map(|index| {
            cells
                .item(index)
                .unwrap()
                .text_content()
                .unwrap_or_default()
        })
        .collect()
}

/// Clicks what `selector` finds, as the analyst does.
pub fn click(container: &HtmlElement, selector: &str) {
    container
        .query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("nothing at {selector}"))
        .unchecked_into::<HtmlElement>()
        .click();
}

/// Clicks the button `selector` finds, checking it says `text`.
pub fn click_button(container: &HtmlElement, selector: &str, text: &str) {
    let button: HtmlElement = container
        .query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no button {selector}"))
        .unchecked_into();
    assert_eq!(button.text_content().as_deref(), Some(text));
    button.click();
}

/// Answers `action` to the confirmation question once it is asked.
pub async fn confirm(container: &HtmlElement, action: &str) {
    until("the question is asked", || {
        container
            .query_selector("[role=alertdialog]")
            .unwrap()
            .is_some()
    })
    .await;
    click_button(container, "[role=alertdialog] .actions button", action);
}

/// Answers the open confirmation with Cancel and waits until it is gone.
pub async fn cancel_confirmation(container: &HtmlElement) {
    click_button(
        container,
        "[role=alertdialog] .actions button:nth-child(2)",
        "Cancel",
    );
    until("the question goes", || {
        container
            .query_selector("[role=alertdialog]")
            .unwrap()
            .is_none()
    })
    .await;
}

/// Types `text` into the input or text area `selector` finds, as the analyst does.
pub fn type_into(container: &HtmlElement, selector: &str, text: &str) {
    let field = container
        .query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no field {selector}"));
    match field.dyn_ref::<HtmlInputElement>() {
        Some(input) => input.set_value(text),
        None => field
            .unchecked_ref::<leptos::web_sys::HtmlTextAreaElement>()
            .set_value(text),
    }
    field.dispatch_event(&Event::new("input").unwrap()).unwrap();
}

/// The value of the input `selector` finds.
pub fn value_of(container: &HtmlElement, selector: &str) -> String {
    container
        .query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no field {selector}"))
        .unchecked_into::<HtmlInputElement>()
        .value()
}

/// Chooses `value` in the select `selector` finds, as the analyst does.
pub fn choose(container: &HtmlElement, selector: &str, value: &str) {
    let select: leptos::web_sys::HtmlSelectElement = container
        .query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no select {selector}"))
        .unchecked_into();
    select.set_value(value);
    select
        .dispatch_event(&Event::new("change").unwrap())
        .unwrap();
}

/// Presses `key` on what `selector` finds (the event bubbles, as a real key press does).
pub fn press(container: &HtmlElement, selector: &str, key: &str) {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    container
        .query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("nothing at {selector}"))
        .dispatch_event(&event)
        .unwrap();
}

/// Ticks (or unticks) incident `number` in the queue.
pub fn tick(container: &HtmlElement, number: &str) {
    click(
        container,
        &format!("input[aria-label='Select incident {number}']"),
    );
}

/// Makes the page's `confirm()` answer `yes` without a dialog, as the analyst would.
pub fn answer_confirm(yes: bool) {
    let answer = leptos::wasm_bindgen::prelude::Closure::<dyn Fn() -> bool>::new(move || yes);
    js_sys::Reflect::set(
        &window().unwrap(),
        &JsValue::from_str("confirm"),
        answer.as_ref(),
    )
    .unwrap();
    answer.forget();
}

/// Everything stored for a workspace, read by a fresh store instance that is closed again.
pub async fn reopened(name: &str) -> vigil::store::snapshot::Loaded {
    let store = IdbStore::open(name, |_| {}).await.unwrap();
    let loaded = store.load().await.unwrap();
    drop(store);
    loaded
}

/// Milliseconds on the page's high-resolution clock.
pub fn clock() -> f64 {
    window().unwrap().performance().unwrap().now()
}

/// Waits until `done` holds, first a microtask at a time (the page's reactive updates run as
/// microtasks, so this sees a repaint as soon as it is done), then a task at a time.
pub async fn settle(what: &str, done: impl Fn() -> bool) {
    for _ in 0..100 {
        if done() {
            return;
        }
        let resolved = js_sys::Promise::resolve(&leptos::wasm_bindgen::JsValue::NULL);
        wasm_bindgen_futures::JsFuture::from(resolved)
            .await
            .unwrap();
    }
    for _ in 0..6_000 {
        if done() {
            return;
        }
        next_task().await;
    }
    panic!("gave up waiting until {what}");
}

/// The median and the 95th percentile of some milliseconds.
pub fn median_and_p95(mut samples: Vec<f64>) -> (f64, f64) {
    samples.sort_by(f64::total_cmp);
    let at = |share: f64| samples[((samples.len() - 1) as f64 * share).round() as usize];
    (at(0.5), at(0.95))
}

/// Times `samples` repaints: each runs `change` (given the sample's index) and waits until
/// `shown` reads something else than before. Returns the median and the 95th percentile.
pub async fn repaints(
    what: &str,
    samples: usize,
    shown: impl Fn() -> String,
    change: impl Fn(usize),
) -> (f64, f64) {
    let mut timings = Vec::with_capacity(samples);
    for sample in 0..samples {
        let before = shown();
        let started = clock();
        change(sample);
        settle(what, || shown() != before).await;
        timings.push(clock() - started);
        next_task().await;
    }
    median_and_p95(timings)
}

/// Times `samples` arrivals at the page at `page` from the one at `away`, each until `painted`
/// holds (it must not hold on the other page). Returns the median and the 95th percentile.
pub async fn arrivals(
    away: &str,
    page: &str,
    samples: usize,
    painted: impl Fn() -> bool,
) -> (f64, f64) {
    let location = window().unwrap().location();
    let mut timings = Vec::with_capacity(samples);
    for _ in 0..samples {
        location.set_hash(away).unwrap();
        settle("the other page shows", || !painted()).await;
        next_task().await;
        let started = clock();
        location.set_hash(page).unwrap();
        settle("the page is painted", &painted).await;
        timings.push(clock() - started);
    }
    median_and_p95(timings)
}

/// Opens a workspace's database as a Vigil of the next layout would, in another tab; it
/// completes only once every connection of this one has let go.
pub async fn open_newer_layout(name: &str) {
    let factory = Factory::new().unwrap();
    let database_name = IdbStore::database_name(name);
    let current = factory.open(&database_name, None).unwrap().await.unwrap();
    let layout = current.version().unwrap();
    current.close();
    let newer = factory
        .open(&database_name, Some(layout + 1))
        .unwrap()
        .await
        .unwrap();
    newer.close();
}

/// Deletes a workspace's database, as clearing the site's data does; it completes only once
/// every connection of this tab has let go.
pub async fn delete_database(name: &str) {
    Factory::new()
        .unwrap()
        .delete(&IdbStore::database_name(name))
        .unwrap()
        .await
        .unwrap();
}

/// A connection to a workspace's database as a tab of an older Vigil holds it: it never lets
/// go when another asks for the database, until it is closed.
pub async fn hold_open(name: &str) -> Database {
    old_tab_connection(name, None).await
}

/// A connection with no `versionchange` handler, at `layout` (the database's own when `None`).
async fn old_tab_connection(name: &str, layout: Option<u32>) -> Database {
    Factory::new()
        .unwrap()
        .open(&IdbStore::database_name(name), layout)
        .unwrap()
        .await
        .unwrap()
}

/// A connection to a new workspace's database at layout 1, as a tab of an older Vigil holds
/// it: it never lets go for an upgrade, so it holds up this Vigil's open until it is closed.
pub async fn open_older_layout(name: &str) -> Database {
    old_tab_connection(name, Some(1)).await
}
