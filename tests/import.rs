//! The Import page in headless Chromium, used as an analyst does: a file put into the input
//! labelled **Import file**, the report read, then Cancel (nothing written) or Apply (the
//! alerts stored, in their incidents; an exported workspace as a new workspace).
#![cfg(target_arch = "wasm32")]

use leptos::web_sys::window;
use vigil::store::idb::IdbStore;
use vigil::store::workspace_file::export_workspace;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

mod support;

use support::{
    clear_local_storage, click_action, mount_at_import, next_task, pick_file, saved_workspace,
    text_of, until, workspace,
};

wasm_bindgen_test_configure!(run_in_browser);

/// Two good events and one without a time, as a firewall exports them.
const CEF: &str = "\
CEF:0|Contoso|Edge Firewall|2.1|c2-beacon|Command and control beacon|8|externalId=1 rt=1763800000000 src=10.9.8.7 dst=203.0.113.99
CEF:0|Contoso|Edge Firewall|2.1|scan|Port scan|3|externalId=2 src=10.9.8.7
CEF:0|Contoso|Edge Firewall|2.1|c2-beacon|Command and control beacon|8|externalId=3 rt=1763800060000 src=10.9.8.7 dst=203.0.113.99
";

async fn stored_alerts(name: &str) -> usize {
    let store = IdbStore::open(name, |_| {}).await.unwrap();
    store
        .load()
        .await
        .unwrap()
        .workspace
        .correlation()
        .alerts()
        .count()
}

#[wasm_bindgen_test]
async fn a_file_is_reported_before_anything_is_written_cancel_keeps_nothing_apply_stores_it() {
    let name = saved_workspace("import").await;
    let before = workspace().correlation().alerts().count();
    let (container, _app) = mount_at_import(&name).await;

    pick_file(&container, "edge.cef", CEF);
    until("the report shows", || {
        text_of(&container, ".ready") == "2 alerts ready to import."
    })
    .await;
    let report = text_of(&container, ".import-report");
    assert!(report.contains("edge.cef: CEF"), "{report}");
    assert_eq!(
        text_of(&container, ".refused"),
        "1 line cannot be imported:"
    );
    assert_eq!(
        text_of(&container, ".set-aside tbody tr"),
        "2it has no start time (start or rt)"
    );

    click_action(&container, "Cancel");
    until("the report goes", || {
        text_of(&container, ".ready").is_empty()
    })
    .await;
    for _ in 0..20 {
        next_task().await;
    }
    assert_eq!(stored_alerts(&name).await, before);

    pick_file(&container, "edge.cef", CEF);
    until("the report shows again", || {
        !text_of(&container, ".ready").is_empty()
    })
    .await;
    click_action(&container, "Apply");
    until("the import is confirmed", || {
        text_of(&container, ".import-report [role=status]")
            == "2 alerts imported into 1 new incident."
    })
    .await;
    let mut stored = 0;
    for _ in 0..200 {
        stored = stored_alerts(&name).await;
        if stored == before + 2 {
            break;
        }
        next_task().await;
    }
    assert_eq!(stored, before + 2);

    pick_file(&container, "edge.cef", CEF);
    until("the report shows a third time", || {
        !text_of(&container, ".ready").is_empty()
    })
    .await;
    click_action(&container, "Apply");
    until("the second import says it changed nothing", || {
        text_of(&container, ".import-report [role=status]")
            == "Nothing changed: all the alerts were already in this workspace as the file has them."
    })
    .await;
    assert_eq!(stored_alerts(&name).await, before + 2);
    clear_local_storage();
}

/// A Sentinel incident under `number`, as the incidents API returns it.
fn sentinel_incident(id: &str, number: u64) -> String {
    format!(
        r#"{{"name": "{id}", "etag": "\"0300bf09\"", "properties": {{"title": "Imported from Sentinel", "severity": "High", "status": "New", "incidentNumber": {number}, "createdTimeUtc": "2026-11-20T08:00:00Z"}}}}"#
    )
}

#[wasm_bindgen_test]
async fn an_incident_file_says_before_apply_what_it_would_do_and_again_that_nothing_changes() {
    let name = saved_workspace("import-incidents").await;
    let (container, _app) = mount_at_import(&name).await;

    // Number 1 is already a different incident here: refused before any Apply is offered.
    pick_file(
        &container,
        "clash.json",
        &sentinel_incident("73e01a99-5cd7-4139-a149-9f2736ff2ab5", 1),
    );
    until("the clash is reported", || {
        text_of(&container, ".import-report").contains("cannot be imported")
    })
    .await;
    assert_eq!(
        text_of(&container, ".import-report [role=alert]"),
        "clash.json cannot be imported: incident number 1 already belongs to another incident in this workspace."
    );

    let file = sentinel_incident("5d0b1b32-7a41-4c8e-9f55-2c1f7a3e6b10", 900);
    pick_file(&container, "incident.json", &file);
    until("the report shows", || {
        text_of(&container, ".ready") == "1 incident ready to import."
    })
    .await;
    click_action(&container, "Apply");
    until("the import is confirmed", || {
        text_of(&container, ".import-report [role=status]") == "1 incident imported."
    })
    .await;
    let mut stored = None;
    for _ in 0..200 {
        let store = IdbStore::open(&name, |_| {}).await.unwrap();
        stored = store.load().await.unwrap().workspace.incident(900).cloned();
        if stored.is_some() {
            break;
        }
        next_task().await;
    }
    assert_eq!(stored.unwrap().title, "Imported from Sentinel");
    window()
        .unwrap()
        .location()
        .set_hash("#/incidents/900")
        .unwrap();
    until("its page says where it came from", || {
        text_of(&container, ".activity-none").starts_with(
            "No change made in Vigil yet: it came from Azure Sentinel, where it was created ",
        )
    })
    .await;
    window().unwrap().location().set_hash("#/import").unwrap();
    until("the import page is back", || {
        container.query_selector("#import-file").unwrap().is_some()
    })
    .await;

    pick_file(&container, "incident.json", &file);
    until("the second report shows", || {
        text_of(&container, ".ready") == "Nothing to import."
    })
    .await;
    assert_eq!(
        text_of(&container, ".left-alone"),
        "1 incident is already in this workspace as the file has it."
    );
    let actions = text_of(&container, ".actions");
    assert_eq!(actions, "Close", "no Apply is offered for nothing");
    clear_local_storage();
}

#[wasm_bindgen_test]
async fn an_exported_workspace_file_comes_back_as_a_new_workspace_leaving_the_open_one_alone() {
    let name = saved_workspace("export-source").await;
    let (container, _app) = mount_at_import(&name).await;

    let file = export_workspace(&workspace());
    pick_file(&container, "night shift.json", &file);
    let expected = format!(
        "A whole workspace of {} incidents and {} alerts, to import as a new workspace.",
        workspace().incidents().count(),
        workspace().correlation().alerts().count()
    );
    until("the report shows", || {
        text_of(&container, ".ready") == expected
    })
    .await;
    click_action(&container, "Apply");
    until("the new workspace is open", || {
        text_of(&container, ".import-report")
            .starts_with("Imported as the workspace \"night shift\", now open.")
    })
    .await;
    let imported = IdbStore::open("night shift", |_| {})
        .await
        .unwrap()
        .load()
        .await
        .unwrap();
    assert_eq!(imported.workspace, workspace());
    assert_eq!(
        stored_alerts(&name).await,
        workspace().correlation().alerts().count()
    );
    clear_local_storage();
}

#[wasm_bindgen_test]
async fn cancelling_while_the_alerts_are_taken_in_writes_nothing() {
    let name = saved_workspace("import-cancel").await;
    let before = stored_alerts(&name).await;
    let (container, _app) = mount_at_import(&name).await;
    // Enough lines for several slices.
    let lines: String = (0..5_000)
        .map(|serial| {
            format!(
                "CEF:0|Contoso|Edge Firewall|2.1|scan|Port scan|3|externalId={serial} rt=1763800000000 src=10.9.{}.{}\n",
                serial / 250,
                serial % 250
            )
        })
        .collect();
    pick_file(&container, "many.cef", &lines);
    until("the report shows", || {
        text_of(&container, ".ready") == "5000 alerts ready to import."
    })
    .await;
    click_action(&container, "Apply");
    click_action(&container, "Cancel");
    for _ in 0..50 {
        next_task().await;
    }
    assert_eq!(stored_alerts(&name).await, before);
    assert_eq!(text_of(&container, ".import-report"), "");
    clear_local_storage();
}
