//! What the browser test files share: a realistic workspace, fresh names, raw writes into a
//! store, and waiting for the browser. Each test file uses a different part of it.
#![allow(dead_code)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use idb::{Factory, TransactionMode};
use uuid::Uuid;
use vigil::core::alert::RawAlert;
use vigil::core::correlation::{IngestContext, IngestReport};
use vigil::core::draft::IncidentDraft;
use vigil::core::incident::Edit;
use vigil::core::people::Actor;
use vigil::core::workspace::Workspace;
use vigil::store::idb::IdbStore;
use vigil::store::snapshot::{Change, StoreName, records_of};
use vigil::synthetic::AlertFeed;
use wasm_bindgen::JsValue;

/// When the test workspaces' alerts begin.
pub fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 10, 1, 0, 0, 0).unwrap()
}

/// A workspace name no other test run uses.
pub fn fresh_name(test: &str) -> String {
    format!("{test}-{}", js_sys::Math::random().to_bits())
}

/// Ingests a batch as of `now`, numbering new incidents' ids from `first_id`.
pub fn ingest(
    workspace: &mut Workspace,
    alerts: Vec<RawAlert>,
    now: DateTime<Utc>,
    first_id: u128,
) -> IngestReport {
    let mut next = first_id;
    let mut new_id = move || {
        next += 1;
        Uuid::from_u128(next)
    };
    workspace.ingest(
        alerts,
        &mut IngestContext {
            now,
            new_id: &mut new_id,
        },
    )
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
    let name = fresh_name(test);
    let store = IdbStore::open(&name).await.unwrap();
    store.replace(records_of(&workspace())).await.unwrap();
    name
}

/// Writes one raw value straight into a store, as a damaged or foreign record would be.
pub async fn put_raw(name: &str, store: StoreName, key: &str, value: &str) {
    let factory = Factory::new().unwrap();
    let database = factory
        .open(&IdbStore::database_name(name), None)
        .unwrap()
        .await
        .unwrap();
    let transaction = database
        .transaction(&[store.as_str()], TransactionMode::ReadWrite)
        .unwrap();
    transaction
        .object_store(store.as_str())
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
