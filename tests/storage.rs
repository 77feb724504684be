//! The IndexedDB store in headless Chromium: what is written comes back identical in a fresh
//! instance, an edit writes its incident only, a broken record is set aside while the rest
//! loads, a workspace from a newer Vigil opens read-only; without IndexedDB the same happens in
//! localStorage, where a write over the quota is refused whole; a second instance's stale write
//! is refused; another tab hears what was saved; a tab lets a newer Vigil upgrade the database
//! and says so, and an open held up by an older Vigil's tab says so too.
#![cfg(target_arch = "wasm32")]

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use chrono::Duration;
use idb::{DatabaseEvent, Factory, ObjectStoreParams, TransactionMode};
use uuid::Uuid;
use vigil::core::correlation::IngestContext;
use vigil::core::draft::IncidentDraft;
use vigil::core::incident::Edit;
use vigil::core::people::Actor;
use vigil::core::queue_row::QueueRow;
use vigil::core::workspace::Workspace;
use vigil::store::idb::{IdbStore, LetGo, StoreError, StoreNotice};
use vigil::store::local::LocalStore;
use vigil::store::snapshot::{Change, StoreName, records_for, records_of};
use vigil::store::tabs::TabChannel;
use vigil::store::workspace_store::{WorkspaceStore, delete_stored_workspace};
use vigil::synthetic::AlertFeed;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::spawn_local;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

mod support;

use support::{
    clear_local_storage, delete_database, fresh_name, ingest, next_task, open_newer_layout,
    open_older_layout, put_raw, rename, reopened, save_fresh, saved_workspace, start, until,
    workspace,
};

wasm_bindgen_test_configure!(run_in_browser);

/// Opens a migrated database twice: the first open migrates from `schema` and loses nothing
/// of the fixture's ten incidents and its merge; the second finds nothing more to migrate.
async fn migrates_once(name: &str, schema: u32) -> Workspace {
    let first = reopened(name).await;
    assert_eq!(first.migrated_from, Some(schema));
    assert!(first.set_aside.is_empty(), "{:?}", first.set_aside);
    assert_eq!(first.workspace.incidents().count(), 10);
    assert_eq!(first.workspace.incident(2).unwrap().merged_into, Some(1));
    let again = reopened(name).await;
    assert_eq!(again.migrated_from, None);
    assert_eq!(again.workspace, first.workspace);
    again.workspace
}

#[wasm_bindgen_test]
async fn a_saved_workspace_comes_back_identical_in_a_fresh_instance() {
    let name = fresh_name("round-trip");
    let original = workspace();
    let store = IdbStore::open(&name, |_| {}).await.unwrap();
    store.replace(records_of(&original)).await.unwrap();
    drop(store);
    let loaded = reopened(&name).await;
    assert!(loaded.set_aside.is_empty());
    assert_eq!(loaded.workspace, original);
    // The queue alone reads back as the rows of the same incidents.
    let store = IdbStore::open(&name, |_| {}).await.unwrap();
    let queue = store.load_queue().await.unwrap();
    let rows: Vec<QueueRow> = original.incidents().map(QueueRow::of).collect();
    assert_eq!((queue.rows, queue.unreadable), (rows, 0));
}

#[wasm_bindgen_test]
async fn an_edit_and_a_delete_are_saved_by_what_they_touched() {
    let name = fresh_name("edit");
    let mut workspace = workspace();
    let store = IdbStore::open(&name, |_| {}).await.unwrap();
    store.replace(records_of(&workspace)).await.unwrap();

    let number = workspace.incidents().next().unwrap().number;
    let change = Change::of(&workspace, [number]);
    let incident = workspace.incident_mut(number).unwrap();
    let etag = incident.etag.clone();
    let analyst = Actor::named("Ana Silva");
    let edit = Edit {
        by: &analyst,
        at: start(),
        etag: &etag,
    };
    incident
        .set_title(edit, "Renamed <b>by</b> an analyst")
        .unwrap();
    store.save(records_for(&workspace, &change)).await.unwrap();

    let doomed = workspace
        .incidents()
        .find(|incident| incident.number != number && !incident.alert_ids.is_empty())
        .unwrap()
        .number;
    let change = Change::of(&workspace, [doomed]);
    assert_eq!(workspace.delete(&[doomed]).incidents, [doomed]);
    store.save(records_for(&workspace, &change)).await.unwrap();
    drop(store);

    let loaded = reopened(&name).await;
    assert!(loaded.set_aside.is_empty(), "{:?}", loaded.set_aside);
    assert_eq!(loaded.workspace, workspace);
    assert_eq!(
        loaded.workspace.incident(number).unwrap().title,
        "Renamed <b>by</b> an analyst"
    );
}

#[wasm_bindgen_test]
async fn a_broken_record_is_set_aside_and_the_rest_loads() {
    let name = fresh_name("corrupt");
    let original = workspace();
    let store = IdbStore::open(&name, |_| {}).await.unwrap();
    store.replace(records_of(&original)).await.unwrap();
    drop(store);
    put_raw(
        &name,
        StoreName::Alerts.as_str(),
        "zz-not-an-alert",
        "{\"schemaVersion\": 1, \"id\": 7}",
    )
    .await;
    let loaded = reopened(&name).await;
    assert_eq!(loaded.set_aside.len(), 1);
    let aside = &loaded.set_aside[0];
    assert_eq!(
        (aside.store, aside.key.as_str()),
        (StoreName::Alerts, "zz-not-an-alert")
    );
    assert!(
        aside.reason.starts_with("id: invalid type"),
        "{}",
        aside.reason
    );
    assert_eq!(loaded.workspace, original);
}

#[wasm_bindgen_test]
async fn a_workspace_from_a_newer_vigil_opens_read_only_and_is_not_written() {
    let name = fresh_name("newer");
    let original = workspace();
    let store = IdbStore::open(&name, |_| {}).await.unwrap();
    store.replace(records_of(&original)).await.unwrap();
    drop(store);
    let newer_meta = "{\"schemaVersion\": 99, \"nextNumber\": 1, \"somethingNew\": true}";
    put_raw(&name, StoreName::Meta.as_str(), "meta", newer_meta).await;

    let store = IdbStore::open(&name, |_| {}).await.unwrap();
    let loaded = store.load().await.unwrap();
    assert_eq!(loaded.newer_schema, Some(99));
    assert_eq!(
        store.replace(records_of(&Workspace::default())).await,
        Err(StoreError::ReadOnly { schema: 99 })
    );
    drop(store);
    let again = reopened(&name).await;
    assert_eq!(
        again.workspace.incidents().count(),
        original.incidents().count()
    );
    assert_eq!(again.set_aside[0].raw, newer_meta);
}

/// Replaces `window.indexedDB` (with `undefined`, as a browser that refuses it in private mode
/// or by policy would show), returning what it was.
fn replace_indexed_db(with: &JsValue) -> JsValue {
    let window = web_sys::window().unwrap();
    let original = js_sys::Reflect::get(&window, &"indexedDB".into()).unwrap();
    let descriptor = js_sys::Object::new();
    js_sys::Reflect::set(&descriptor, &"value".into(), with).unwrap();
    js_sys::Reflect::set(&descriptor, &"configurable".into(), &JsValue::TRUE).unwrap();
    js_sys::Object::define_property(&window, &"indexedDB".into(), &descriptor);
    original
}

#[wasm_bindgen_test]
async fn without_indexed_db_the_workspace_lives_in_local_storage() {
    let name = fresh_name("fallback");
    let original = workspace();
    let original_factory = replace_indexed_db(&JsValue::UNDEFINED);
    let store = WorkspaceStore::open(&name, |_| {}).await;
    replace_indexed_db(&original_factory);
    let store = store.unwrap();
    assert!(store.capacity_limited());
    store.replace(records_of(&original)).await.unwrap();
    drop(store);

    let store = LocalStore::open(&name).unwrap();
    let loaded = store.load().unwrap();
    assert!(loaded.set_aside.is_empty());
    assert_eq!(loaded.workspace, original);
    assert!(
        !WorkspaceStore::open(&name, |_| {})
            .await
            .unwrap()
            .capacity_limited()
    );
    clear_local_storage();
}

#[wasm_bindgen_test]
async fn deleting_a_workspace_removes_its_records_from_both_stores_and_no_one_elses() {
    let (doomed, kept) = (fresh_name("deleted"), fresh_name("neighbour"));
    let original = workspace();
    for name in [&doomed, &kept] {
        LocalStore::open(name)
            .unwrap()
            .replace(records_of(&original))
            .unwrap();
    }
    IdbStore::open(&doomed, |_| {})
        .await
        .unwrap()
        .replace(records_of(&original))
        .await
        .unwrap();
    delete_stored_workspace(&doomed, || {}).await.unwrap();
    assert!(LocalStore::open(&doomed).unwrap().load().unwrap().fresh);
    let store = IdbStore::open(&doomed, |_| {}).await.unwrap();
    assert!(store.load().await.unwrap().fresh);
    drop(store);
    let neighbour = LocalStore::open(&kept).unwrap().load().unwrap();
    assert_eq!(neighbour.workspace, original);
    delete_database(&doomed).await;
    clear_local_storage();
}

#[wasm_bindgen_test]
async fn a_write_over_the_quota_is_refused_whole_and_keeps_what_was_stored() {
    let name = fresh_name("quota");
    let original = workspace();
    let store = LocalStore::open(&name).unwrap();
    store.replace(records_of(&original)).unwrap();
    // Fill what is left of the quota with filler, in halving chunks.
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    let mut chunk = "x".repeat(1 << 20);
    let mut filler = 0;
    while !chunk.is_empty() {
        if storage
            .set_item(&format!("filler-{filler}"), &chunk)
            .is_ok()
        {
            filler += 1;
        } else {
            chunk.truncate(chunk.len() / 2);
        }
    }
    let mut bigger = original.clone();
    let mut next = 1_000u128;
    let mut new_id = move || {
        next += 1;
        Uuid::from_u128(next)
    };
    bigger.ingest(
        AlertFeed::new(9, 500, start() + Duration::days(5), Duration::days(1)).batch(300, 300),
        &mut IngestContext {
            now: start() + Duration::days(7),
            new_id: &mut new_id,
        },
    );
    assert_eq!(
        store.replace(records_of(&bigger)),
        Err(StoreError::QuotaExceeded)
    );
    assert!(
        StoreError::QuotaExceeded
            .to_string()
            .contains("what was saved before is intact")
    );
    let reader = LocalStore::open(&name).unwrap();
    let loaded = reader.load().unwrap();
    assert!(loaded.set_aside.is_empty());
    assert_eq!(loaded.workspace, original);
    clear_local_storage();
}

#[wasm_bindgen_test]
async fn the_later_of_two_instances_editing_one_incident_is_refused_and_sees_the_first() {
    let name = saved_workspace("tabs").await;

    let first = IdbStore::open(&name, |_| {}).await.unwrap();
    let second = IdbStore::open(&name, |_| {}).await.unwrap();
    let mut first_view = first.load().await.unwrap().workspace;
    let mut second_view = second.load().await.unwrap().workspace;
    let number = first_view.incidents().next().unwrap().number;

    let change = rename(&mut first_view, number, "Ana's title", "Ana");
    first.save(records_for(&first_view, &change)).await.unwrap();
    let change = rename(&mut second_view, number, "Bo's title", "Bo");
    assert_eq!(
        second.save(records_for(&second_view, &change)).await,
        Err(StoreError::Conflict { incident: number })
    );
    let fresh = second.load().await.unwrap().workspace;
    assert_eq!(fresh.incident(number).unwrap().title, "Ana's title");
    assert_eq!(fresh, first_view);
    drop(first);
    drop(second);
}

#[wasm_bindgen_test]
async fn a_stale_edit_stays_refused_after_the_same_instance_saved_something_else() {
    let name = saved_workspace("stale-later").await;
    let first = IdbStore::open(&name, |_| {}).await.unwrap();
    let second = IdbStore::open(&name, |_| {}).await.unwrap();
    let mut first_view = first.load().await.unwrap().workspace;
    let mut second_view = second.load().await.unwrap().workspace;
    // Live incidents: one merged away takes comments only.
    let numbers: Vec<u64> = first_view
        .incidents()
        .filter(|incident| incident.merged_into.is_none())
        .map(|incident| incident.number)
        .collect();
    let (shared, other) = (numbers[0], numbers[1]);

    let change = rename(&mut second_view, shared, "Bo's title", "Bo");
    second
        .save(records_for(&second_view, &change))
        .await
        .unwrap();
    // The first instance saves an incident the second left alone: that is no conflict, but it
    // has still not seen the second's change.
    let change = rename(&mut first_view, other, "Ana's other title", "Ana");
    first.save(records_for(&first_view, &change)).await.unwrap();
    let change = rename(&mut first_view, shared, "Ana's title", "Ana");
    assert_eq!(
        first.save(records_for(&first_view, &change)).await,
        Err(StoreError::Conflict { incident: shared })
    );
    let fresh = IdbStore::open(&name, |_| {})
        .await
        .unwrap()
        .load()
        .await
        .unwrap()
        .workspace;
    assert_eq!(fresh.incident(shared).unwrap().title, "Bo's title");
    assert_eq!(fresh.incident(other).unwrap().title, "Ana's other title");
}

#[wasm_bindgen_test]
async fn another_tab_hears_which_incidents_were_saved() {
    let name = fresh_name("channel");
    let heard = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let listener = heard.clone();
    let _other_tab =
        TabChannel::open(&name, move |numbers| listener.borrow_mut().push(numbers)).unwrap();
    let this_tab = TabChannel::open(&name, |_| panic!("a tab does not hear itself")).unwrap();
    let _elsewhere = TabChannel::open(&fresh_name("other-workspace"), |_| {
        panic!("another workspace hears nothing")
    })
    .unwrap();
    this_tab.announce(&[3, 7]);
    for _ in 0..50 {
        if !heard.borrow().is_empty() {
            break;
        }
        next_task().await;
    }
    assert_eq!(*heard.borrow(), [vec![3, 7]]);
}

/// A stored value as a layout stored it: schema 1 wrote strings, later schemas UTF-8 bytes.
#[derive(Clone, Copy)]
enum Encoding {
    Strings,
    Bytes,
}

/// Creates a database laid out as Vigil's layout `layout` did, with these object stores, holding
/// `records` (store name, key, text), each value encoded as that version did.
async fn legacy_database(
    name: &str,
    layout: u32,
    stores: &[&str],
    records: &[(&str, String, String)],
    encoding: Encoding,
) {
    let factory = Factory::new().unwrap();
    let mut request = factory
        .open(&IdbStore::database_name(name), Some(layout))
        .unwrap();
    let created: Vec<String> = stores.iter().map(|store| store.to_string()).collect();
    request.on_upgrade_needed(move |event| {
        let database = event.database().unwrap();
        for store in &created {
            database
                .create_object_store(store, ObjectStoreParams::new())
                .unwrap();
        }
    });
    let database = request.await.unwrap();
    let transaction = database
        .transaction(stores, TransactionMode::ReadWrite)
        .unwrap();
    for (store, key, text) in records {
        let value: JsValue = match encoding {
            Encoding::Strings => JsValue::from_str(text),
            Encoding::Bytes => js_sys::Uint8Array::from(text.as_bytes()).into(),
        };
        transaction
            .object_store(store)
            .unwrap()
            .put(&value, Some(&JsValue::from_str(key)))
            .unwrap();
    }
    transaction.commit().unwrap().await.unwrap();
    database.close();
}

/// The records of a fixture saved by an older Vigil (`tests/fixtures/store/`), from these
/// stores.
fn fixture_records(fixture: &str, stores: &[&'static str]) -> Vec<(&'static str, String, String)> {
    let fixture: serde_json::Value = serde_json::from_str(fixture).unwrap();
    let text = |store: &'static str, text: &serde_json::Value| {
        (
            store,
            text["key"].as_str().unwrap().to_owned(),
            text["json"].as_str().unwrap().to_owned(),
        )
    };
    let mut records = vec![text("meta", &fixture["meta"])];
    for &store in stores {
        for record in fixture[store].as_array().unwrap() {
            records.push(text(store, record));
        }
    }
    records
}

/// The object stores of layout 2, which kept one record per incident.
const LAYOUT_2: [&str; 5] = ["meta", "incidents", "alerts", "clusters", "queue"];

#[wasm_bindgen_test]
async fn a_database_saved_by_schema_1_is_migrated_on_open_and_loses_nothing() {
    let name = fresh_name("schema-1");
    let stores = ["meta", "incidents", "alerts"];
    let records = fixture_records(include_str!("fixtures/store/schema-v1.json"), &stores[1..]);
    legacy_database(&name, 1, &stores, &records, Encoding::Strings).await;
    let workspace = migrates_once(&name, 1).await;
    let links = workspace.correlation().to_portable().clusters;
    assert_eq!(links[0].merges[0].absorbed, 2);
}

#[wasm_bindgen_test]
async fn a_database_saved_by_schema_2_is_migrated_on_open_and_loses_nothing() {
    let name = fresh_name("schema-2");
    let records = fixture_records(
        include_str!("fixtures/store/schema-v2.json"),
        &["incidents", "clusters", "queue"],
    );
    legacy_database(&name, 2, &LAYOUT_2, &records, Encoding::Bytes).await;
    migrates_once(&name, 2).await;
}

/// How many records an object store of a workspace's database holds.
async fn count_in(name: &str, store: &str) -> u32 {
    let database = Factory::new()
        .unwrap()
        .open(&IdbStore::database_name(name), None)
        .unwrap()
        .await
        .unwrap();
    let transaction = database
        .transaction(&[store], TransactionMode::ReadOnly)
        .unwrap();
    let count = transaction
        .object_store(store)
        .unwrap()
        .count(None)
        .unwrap()
        .await
        .unwrap();
    database.close();
    count
}

#[wasm_bindgen_test]
async fn a_newer_vigil_in_another_tab_is_let_upgrade_and_this_tab_stops_saving() {
    let (name, store, heard) = saved_and_heard("superseded").await;
    let chunks = count_in(&name, "incidentChunks").await;
    assert!(chunks > 0);
    assert!(heard.borrow().is_empty());
    // Another tab opens the database with a newer layout. Without this tab letting go, its
    // open would wait for as long as this tab stays open, and the test would time out.
    open_newer_layout(&name).await;
    // The tab hears of it at once, before it next tries to save.
    let upgraded = StoreError::LetGo(LetGo::Upgraded);
    assert_eq!(*heard.borrow(), [StoreNotice::LetGo(LetGo::Upgraded)]);
    assert_eq!(
        store.save(records_of(&Workspace::default())).await,
        Err(upgraded.clone())
    );
    assert_eq!(store.load().await.err(), Some(upgraded.clone()));
    // What was saved before is all still there for the newer tab.
    assert_eq!(count_in(&name, "incidentChunks").await, chunks);
    // Opened again here (switching back to it, or a reload that still runs this Vigil), it
    // says the same rather than showing an empty workspace kept in localStorage.
    assert_eq!(
        IdbStore::open(&name, |_| {}).await.err(),
        Some(upgraded.clone())
    );
    let reopened = WorkspaceStore::open(&name, |_| {}).await;
    assert_eq!(reopened.err(), Some(upgraded));
}

#[wasm_bindgen_test]
async fn a_database_deleted_while_open_is_let_go_and_nothing_more_is_written() {
    let (name, store, heard) = saved_and_heard("deleted").await;
    delete_database(&name).await;
    assert_eq!(*heard.borrow(), [StoreNotice::LetGo(LetGo::Deleted)]);
    assert_eq!(
        store.save(records_of(&workspace())).await,
        Err(StoreError::LetGo(LetGo::Deleted))
    );
}

#[wasm_bindgen_test]
async fn an_open_held_up_by_an_older_vigil_tab_says_so_and_goes_on_once_that_tab_closes() {
    let name = fresh_name("blocked");
    let older_tab = open_older_layout(&name).await;
    let (notices, heard) = heard_notices();
    let opened = Rc::new(Cell::new(false));
    let done = Rc::clone(&opened);
    spawn_local(async move {
        let store = IdbStore::open(&name, notices).await.unwrap();
        store.save(records_of(&workspace())).await.unwrap();
        done.set(true);
    });
    until("the open says it is held up", || {
        *heard.borrow() == [StoreNotice::Blocked]
    })
    .await;
    assert!(!opened.get());
    older_tab.close();
    until("the open goes on and saves", || opened.get()).await;
    assert_eq!(*heard.borrow(), [StoreNotice::Blocked]);
}

/// A realistic workspace saved under a fresh name for `test`: its name, its store left open,
/// and the notices that store hears.
async fn saved_and_heard(test: &str) -> (String, IdbStore, Rc<RefCell<Vec<StoreNotice>>>) {
    let name = fresh_name(test);
    let (notices, heard) = heard_notices();
    let store = IdbStore::open(&name, notices).await.unwrap();
    store.replace(records_of(&workspace())).await.unwrap();
    (name, store, heard)
}

/// A store's notices, and the list they are kept in, in the order they came.
fn heard_notices() -> (
    impl Fn(StoreNotice) + 'static,
    Rc<RefCell<Vec<StoreNotice>>>,
) {
    let heard = Rc::new(RefCell::new(Vec::new()));
    let list = Rc::clone(&heard);
    (move |notice| list.borrow_mut().push(notice), heard)
}

#[wasm_bindgen_test]
async fn a_store_no_longer_used_holds_up_no_upgrade() {
    let name = fresh_name("dropped");
    let store = IdbStore::open(&name, |_| {}).await.unwrap();
    store.replace(records_of(&workspace())).await.unwrap();
    // As when the tab switches to another workspace: the store goes, and with it its
    // connection, rather than when the browser collects it (which could be never).
    drop(store);
    open_newer_layout(&name).await;
}

#[wasm_bindgen_test]
async fn records_stored_one_per_incident_move_into_chunks_on_open_damaged_ones_too() {
    let name = fresh_name("layout-2");
    let original = workspace();
    let mut records: Vec<(&str, String, String)> = Vec::new();
    let write = records_of(&original);
    records.push(("meta", write.meta.key.clone(), write.meta.json.clone()));
    for (store, texts) in [
        ("incidents", &write.incidents),
        ("clusters", &write.clusters),
        ("queue", &write.queue),
    ] {
        records.extend(
            texts
                .iter()
                .map(|text| (store, text.key.clone(), text.json.clone())),
        );
    }
    let damaged = "{\"schemaVersion\": 3, \"incident\": 7}";
    let damaged_number = original.next_number() + 5;
    records.push(("incidents", damaged_number.to_string(), damaged.to_owned()));
    legacy_database(&name, 2, &LAYOUT_2, &records, Encoding::Bytes).await;
    assert_eq!(
        count_in(&name, "incidents").await as usize,
        write.incidents.len() + 1
    );

    let first = reopened(&name).await;
    assert_eq!(first.workspace, original);
    assert_eq!(first.set_aside.len(), 1, "{:?}", first.set_aside);
    assert_eq!(first.set_aside[0].key, damaged_number.to_string());
    assert_eq!(first.set_aside[0].raw, damaged);
    for (one_each, chunks) in [
        ("incidents", "incidentChunks"),
        ("clusters", "clusterChunks"),
    ] {
        assert_eq!(count_in(&name, one_each).await, 0, "{one_each}");
        assert!(count_in(&name, chunks).await > 0, "{chunks}");
    }
    // Read from the chunks, everything is as it was, the damaged record still set aside.
    let again = reopened(&name).await;
    assert_eq!(again.workspace, original);
    assert_eq!(again.set_aside, first.set_aside);
}

#[wasm_bindgen_test]
async fn a_damaged_chunk_is_set_aside_whole_and_never_written_over() {
    // Enough incidents for two chunks at least.
    let mut before = workspace();
    let more = AlertFeed::new(3, 5_000, start(), Duration::days(2)).batch(60, 60);
    ingest(&mut before, more, start() + Duration::days(3), 1_000);
    assert!(before.next_number() > 40);
    let name = save_fresh("damaged-chunk", &before).await;
    put_raw(&name, "incidentChunks", "000000000000", "not a chunk").await;
    let store = IdbStore::open(&name, |_| {}).await.unwrap();
    let loaded = store.load().await.unwrap();
    let aside: Vec<(&str, &str)> = loaded
        .set_aside
        .iter()
        .map(|aside| (aside.key.as_str(), aside.raw.as_str()))
        .collect();
    assert_eq!(aside, [("chunk 000000000000", "not a chunk")]);
    // The incidents of other chunks load; those of the damaged one are missing, not replaced.
    let first = before.incidents().next().unwrap().number;
    assert!(first < 32 && loaded.workspace.incident(first).is_none());
    assert!(loaded.workspace.incidents().count() > 0);
    let mut workspace = loaded.workspace;
    let kept = workspace.incidents().next().unwrap().number;
    let change = rename(&mut workspace, kept, "Kept apart", "Ana Silva");
    store.save(records_for(&workspace, &change)).await.unwrap();
    // A write into the damaged chunk (here, removing an incident of it) is refused whole, and
    // the chunk stays as it was.
    let into_damaged = records_for(&workspace, &Change::of(&workspace, [first]));
    match store.save(into_damaged).await {
        Err(StoreError::WriteFailed(why)) => assert!(why.contains("chunk 000000000000"), "{why}"),
        other => panic!("{other:?}"),
    }
    drop(store);
    let again = reopened(&name).await;
    assert_eq!(again.set_aside, loaded.set_aside);
    assert_eq!(again.workspace.incident(kept).unwrap().title, "Kept apart");
}

#[wasm_bindgen_test]
async fn two_instances_opening_the_same_new_incident_number_do_not_overwrite_each_other() {
    let name = saved_workspace("numbers").await;
    let first = IdbStore::open(&name, |_| {}).await.unwrap();
    let second = IdbStore::open(&name, |_| {}).await.unwrap();
    let mut views = [
        first.load().await.unwrap().workspace,
        second.load().await.unwrap().workspace,
    ];
    let analyst = Actor::named("Ana Silva");
    let mut changes = Vec::new();
    for (view, title) in views.iter_mut().zip(["Ana's hunt", "Bo's hunt"]) {
        let change = Change::of(view, [view.next_number()]);
        let draft = IncidentDraft {
            title: title.into(),
            ..IncidentDraft::default()
        };
        view.create(Uuid::new_v4(), draft.validate().unwrap(), &analyst, start());
        changes.push(change);
    }
    let number = views[0].next_number() - 1;
    first
        .save(records_for(&views[0], &changes[0]))
        .await
        .unwrap();
    assert_eq!(
        second.save(records_for(&views[1], &changes[1])).await,
        Err(StoreError::Conflict { incident: number })
    );
    let stored = second.load().await.unwrap().workspace;
    assert_eq!(stored.incident(number).unwrap().title, "Ana's hunt");
}
