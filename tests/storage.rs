//! The IndexedDB store in headless Chromium: what is written comes back identical in a fresh
//! instance, an edit writes its incident only, a broken record is set aside while the rest
//! loads, and a workspace from a newer Vigil opens read-only.
#![cfg(target_arch = "wasm32")]

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, TimeZone, Utc};
use idb::{Factory, TransactionMode};
use uuid::Uuid;
use vigil::core::correlation::IngestContext;
use vigil::core::draft::IncidentDraft;
use vigil::core::incident::Edit;
use vigil::core::people::Actor;
use vigil::core::workspace::Workspace;
use vigil::store::idb::{IdbStore, StoreError};
use vigil::store::snapshot::StoreName;
use vigil::synthetic::AlertFeed;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 10, 1, 0, 0, 0).unwrap()
}

/// A workspace name no other test run uses.
fn fresh_name(test: &str) -> String {
    format!("{test}-{}", js_sys::Math::random().to_bits())
}

/// Correlated alerts with merges, a hand-made incident, and a manual merge.
fn workspace() -> Workspace {
    let mut workspace = Workspace::default();
    let mut next = 0u128;
    let mut new_id = move || {
        next += 1;
        Uuid::from_u128(next)
    };
    let mut feed = AlertFeed::new(5, 40, start(), Duration::days(2));
    workspace.ingest(
        feed.batch(150, 150),
        &mut IngestContext {
            now: start() + Duration::days(3),
            new_id: &mut new_id,
        },
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

async fn reopened(name: &str) -> vigil::store::snapshot::Loaded {
    let mut store = IdbStore::open(name).await.unwrap();
    let loaded = store.load().await.unwrap();
    store.close();
    loaded
}

/// Writes one raw value straight into a store, as a damaged or foreign record would be.
async fn put_raw(name: &str, store: StoreName, key: &str, value: &str) {
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

#[wasm_bindgen_test]
async fn a_saved_workspace_comes_back_identical_in_a_fresh_instance() {
    let name = fresh_name("round-trip");
    let original = workspace();
    let store = IdbStore::open(&name).await.unwrap();
    store.save_all(&original).await.unwrap();
    store.close();
    let loaded = reopened(&name).await;
    assert!(loaded.set_aside.is_empty());
    assert_eq!(loaded.workspace, original);
}

#[wasm_bindgen_test]
async fn an_edit_and_a_delete_are_saved_by_what_they_touched() {
    let name = fresh_name("edit");
    let mut workspace = workspace();
    let store = IdbStore::open(&name).await.unwrap();
    store.save_all(&workspace).await.unwrap();

    let number = workspace.incidents().next().unwrap().number;
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
    store
        .save_change(&workspace, &BTreeSet::from([number]), &[])
        .await
        .unwrap();

    let doomed = workspace
        .incidents()
        .find(|incident| incident.number != number && !incident.alert_ids.is_empty())
        .unwrap()
        .number;
    let (_, alerts) = workspace.delete(doomed).unwrap();
    let removed: Vec<String> = alerts.into_iter().map(|alert| alert.id).collect();
    store
        .save_change(&workspace, &BTreeSet::from([doomed]), &removed)
        .await
        .unwrap();
    store.close();

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
    let store = IdbStore::open(&name).await.unwrap();
    store.save_all(&original).await.unwrap();
    store.close();
    put_raw(
        &name,
        StoreName::Alerts,
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
    let store = IdbStore::open(&name).await.unwrap();
    store.save_all(&original).await.unwrap();
    store.close();
    let newer_meta = "{\"schemaVersion\": 99, \"nextNumber\": 1, \"somethingNew\": true}";
    put_raw(&name, StoreName::Meta, "meta", newer_meta).await;

    let mut store = IdbStore::open(&name).await.unwrap();
    let loaded = store.load().await.unwrap();
    assert_eq!(loaded.newer_schema, Some(99));
    assert_eq!(
        store.save_all(&Workspace::default()).await,
        Err(StoreError::ReadOnly { schema: 99 })
    );
    store.close();
    let again = reopened(&name).await;
    assert_eq!(
        again.workspace.incidents().count(),
        original.incidents().count()
    );
    assert_eq!(again.set_aside[0].raw, newer_meta);
}
