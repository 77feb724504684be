//! The Import page in headless Chromium, used as an analyst does: a file put into the input
//! labelled **Import file**, the report read, then Cancel (nothing written) or Apply (the
//! alerts stored, in their incidents; an exported workspace as a new workspace).
#![cfg(target_arch = "wasm32")]

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
        "1 records cannot be imported:"
    );
    assert_eq!(
        text_of(&container, ".set-aside tbody tr"),
        "2it has no start time (startTimeUtc)"
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
        text_of(&container, ".import-report").starts_with("2 alerts imported")
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
