//! The desk and its storage as an analyst meets them in headless Chromium: the demo workspace on
//! a first visit, creating and switching workspaces, the banners for records set aside, a
//! workspace from a newer Vigil, a newer Vigil taking it over and an older one holding it up in
//! another tab, and a change another tab saved first, and a second tab that sees a saved change.
#![cfg(target_arch = "wasm32")]

use std::cell::Cell;
use std::rc::Rc;

use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{Event, HtmlElement, HtmlInputElement, window};
use vigil::store::catalog::Catalog;
use vigil::store::idb::IdbStore;
use vigil::store::snapshot::{StoreName, records_for};
use vigil::store::workspace_store::{load_catalog, save_catalog};
use vigil::ui::banners::StorageBanners;
use vigil::ui::desk::Desk;
use vigil::ui::save_status::SaveStatus;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

mod support;

use support::{
    choose, clear_local_storage, click_button, delete_database, fresh_name, microtasks, mount_app,
    new_container, open_newer_layout, open_next, open_older_layout, put_raw, rename, reopened,
    saved_workspace, text_of, type_into, until, until_opened, value_of,
};

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts a desk with its banners and its save status alone, as a tab of the app would hold it.
fn mount_desk() -> (HtmlElement, Desk, impl Drop) {
    let container = new_container();
    let captured = Rc::new(Cell::new(None));
    let slot = captured.clone();
    let handle = mount_to(container.clone(), move || {
        slot.set(Some(Desk::provide()));
        view! {
            <StorageBanners />
            <SaveStatus />
        }
    });
    (container, captured.get().unwrap(), handle)
}

/// Saves a realistic workspace under a fresh name for `test`, makes it the one to open, and
/// mounts a desk that has opened it: its name, the desk's container, the desk, and its handle.
async fn open_saved(test: &str) -> (String, HtmlElement, Desk, impl Drop) {
    let name = saved_workspace(test).await;
    open_next(&name);
    let (container, desk, handle) = mount_desk();
    until("the workspace opens", || opened(desk)).await;
    (name, container, desk, handle)
}

/// The number of the desk's first incident.
fn first_incident(desk: Desk) -> u64 {
    desk.workspace()
        .read_untracked()
        .incidents()
        .next()
        .unwrap()
        .number
}

fn opened(desk: Desk) -> bool {
    !desk.status().read_untracked().opening
}

fn choose_workspace(container: &HtmlElement, name: &str) {
    choose(container, "#workspace-switcher", name);
}

#[wasm_bindgen_test]
async fn a_first_visit_opens_the_demo_and_each_workspace_keeps_its_own_incidents() {
    clear_local_storage();
    let (container, app) = mount_app("#/");
    let summary = || text_of(&container, ".workspace-summary");
    until("the demo workspace shows", || {
        summary().ends_with("1965 alerts.")
    })
    .await;
    assert!(!summary().starts_with("0 incidents"), "{}", summary());

    window()
        .unwrap()
        .location()
        .set_hash("#/workspaces")
        .unwrap();
    until("the workspaces page shows", || {
        container
            .query_selector("#workspace-name")
            .unwrap()
            .is_some()
    })
    .await;
    let field: HtmlInputElement = container
        .query_selector("#workspace-name")
        .unwrap()
        .unwrap()
        .unchecked_into();
    for (typed, error) in [
        ("   ", "Enter a name for the workspace."),
        ("demo", "There is already a workspace named \"Demo\"."),
    ] {
        field.set_value(typed);
        field.dispatch_event(&Event::new("input").unwrap()).unwrap();
        click_button(&container, ".create-workspace button", "Create workspace");
        until("the name is refused", || {
            text_of(&container, "#workspace-name-error") == error
        })
        .await;
    }
    field.set_value("  Threat hunting ");
    field.dispatch_event(&Event::new("input").unwrap()).unwrap();
    click_button(&container, ".create-workspace button", "Create workspace");
    until("the new workspace is open", || {
        text_of(&container, ".workspace-list li:last-child").starts_with("Threat huntingOpen")
    })
    .await;
    assert_eq!(text_of(&container, "#workspace-name-error"), "");

    window().unwrap().location().set_hash("#/").unwrap();
    until("the empty workspace shows", || {
        summary() == "0 incidents, 0 of them open, holding 0 alerts."
    })
    .await;
    choose_workspace(&container, "Demo");
    until("the demo is back", || summary().ends_with("1965 alerts.")).await;
    drop(app);

    // A new visit opens the workspace chosen last, and still lists both.
    let (container, _app) = mount_app("#/workspaces");
    until("the catalog is read back", || {
        text_of(&container, ".workspace-list")
            == "DemoOpenThreat huntingOpen Threat huntingDelete Threat hunting"
    })
    .await;

    // The demo says it is one, and leaves it in one click.
    assert!(text_of(&container, ".banner.demo").starts_with("This is the demo workspace"));
    click_button(&container, ".start-empty", "Start an empty workspace");
    until("an empty workspace is open", || {
        text_of(&container, ".workspace-list li:last-child").starts_with("My workspaceOpen")
    })
    .await;
    assert!(container.query_selector(".banner.demo").unwrap().is_none());
    clear_local_storage();
}

#[wasm_bindgen_test]
async fn leaving_the_demo_from_an_incident_page_shows_the_new_workspaces_queue() {
    clear_local_storage();
    let (container, _app) = mount_app("#/incidents/1");
    until("the demo's first incident shows", || {
        text_of(&container, "h1").starts_with("Incident 1: ")
    })
    .await;
    click_button(&container, ".start-empty", "Start an empty workspace");
    // Incident 1 of the demo is nothing in the new workspace: its queue shows, not a page
    // saying there is no such incident.
    until("the new workspace's queue shows", || {
        text_of(&container, "h1") == "Incidents"
    })
    .await;
    assert_eq!(window().unwrap().location().hash().unwrap(), "#/incidents");
    clear_local_storage();
}

/// Two saved workspaces listed after Demo, the one to delete and then the one kept, which is
/// open: their names, kept first.
async fn one_to_delete_one_to_keep(test: &str) -> (String, String) {
    let kept = saved_workspace(&format!("{test}-kept")).await;
    let doomed = saved_workspace(test).await;
    let mut catalog = Catalog::default();
    catalog.add(&doomed).unwrap();
    catalog.add(&kept).unwrap();
    save_catalog(&catalog).unwrap();
    (kept, doomed)
}

#[wasm_bindgen_test]
async fn a_workspace_not_open_is_deleted_with_everything_stored_after_asking() {
    let (kept, doomed) = one_to_delete_one_to_keep("delete-gone").await;
    let (container, _app) = mount_app("#/workspaces");
    support::until_opened(&container).await;
    let delete = format!("Delete {doomed}");
    let delete_button = ".workspace-list li:nth-child(2) .delete-workspace";
    click_button(&container, delete_button, &delete);
    until("deleting asks", || {
        text_of(&container, "#confirm-heading")
            == format!("Delete the workspace \"{doomed}\" and everything in it?")
    })
    .await;
    support::cancel_confirmation(&container).await;
    assert!(text_of(&container, ".workspace-list").contains(&doomed));

    click_button(&container, delete_button, &delete);
    support::confirm(&container, "Delete workspace").await;
    until("it leaves the list", || {
        !text_of(&container, ".workspace-list").contains(&doomed)
    })
    .await;
    // The open one cannot be deleted from here: it offers no button.
    assert!(
        container
            .query_selector(".workspace-list li:last-child .delete-workspace")
            .unwrap()
            .is_none()
    );
    assert_eq!(load_catalog().workspaces(), ["Demo", kept.as_str()]);
    let store = IdbStore::open(&doomed, |_| {}).await.unwrap();
    assert!(store.load().await.unwrap().fresh, "its records are gone");
    drop(store);
    delete_database(&doomed).await;
    clear_local_storage();
}

#[wasm_bindgen_test]
async fn deleting_a_workspace_an_old_tab_holds_says_what_it_waits_for_and_ends_once_it_lets_go() {
    let (kept, doomed) = one_to_delete_one_to_keep("delete-held").await;
    let old_tab = support::hold_open(&doomed).await;
    let (container, _app) = mount_app("#/workspaces");
    until_opened(&container).await;
    let row = ".workspace-list li:nth-child(2)";
    click_button(
        &container,
        &format!("{row} .delete-workspace"),
        &format!("Delete {doomed}"),
    );
    support::confirm(&container, "Delete workspace").await;
    until("the row says what the deletion waits for", || {
        text_of(&container, &format!("{row} .deletion-status")).starts_with(
            "Waiting to delete: another tab has this workspace open in an older version of Vigil.",
        )
    })
    .await;
    assert!(
        container
            .query_selector(&format!("{row} button"))
            .unwrap()
            .is_none(),
        "a workspace on its way out cannot be opened"
    );
    assert!(
        !text_of(&container, "#workspace-switcher").contains(&doomed),
        "nor chosen in the top bar"
    );
    assert!(load_catalog().workspaces().contains(&doomed));

    old_tab.close();
    until("it leaves the list once that tab lets go", || {
        !text_of(&container, ".workspace-list").contains(&doomed)
    })
    .await;
    assert_eq!(load_catalog().workspaces(), ["Demo", kept.as_str()]);
    clear_local_storage();
}

#[wasm_bindgen_test]
async fn a_workspace_another_tab_added_stays_listed_when_this_tab_creates_one() {
    let name = saved_workspace("catalog-here").await;
    open_next(&name);
    let (container, _app) = mount_app("#/workspaces");
    support::until_opened(&container).await;
    // Another tab, which read the same catalog, adds a workspace and writes it back.
    let mut theirs = load_catalog();
    theirs.add("Their workspace").unwrap();
    save_catalog(&theirs).unwrap();
    type_into(&container, "#workspace-name", "Mine");
    click_button(&container, ".create-workspace button", "Create workspace");
    until("the new workspace is open", || {
        text_of(&container, ".workspace-list li:last-child").starts_with("MineOpen")
    })
    .await;
    let names = load_catalog().workspaces().to_vec();
    assert_eq!(names, ["Demo", name.as_str(), "Their workspace", "Mine"]);
    clear_local_storage();
}

#[wasm_bindgen_test]
async fn unreadable_records_are_flagged_and_listed_as_stored_in_the_diagnostics() {
    let name = saved_workspace("diagnostics").await;
    let raw = "<img src=x onerror=alert(1)> not a record";
    put_raw(&name, StoreName::Incidents.as_str(), "77", raw).await;
    open_next(&name);

    let (container, _app) = mount_app("#/diagnostics");
    until("the set-aside banner shows", || {
        text_of(&container, ".banners").contains(
            "1 saved record could not be read and was set aside; the rest of the workspace loaded.",
        )
    })
    .await;
    assert_eq!(text_of(&container, ".set-aside td:nth-child(2)"), "77");
    assert_eq!(text_of(&container, ".set-aside pre"), raw);
    assert!(
        container
            .query_selector(".set-aside img")
            .unwrap()
            .is_none()
    );
    clear_local_storage();
}

#[wasm_bindgen_test]
async fn a_workspace_saved_by_a_newer_vigil_says_it_is_read_only_and_refuses_edits() {
    let name = saved_workspace("newer").await;
    put_raw(
        &name,
        StoreName::Meta.as_str(),
        "meta",
        "{\"schemaVersion\": 7}",
    )
    .await;
    open_next(&name);

    let (container, desk, _handle) = mount_desk();
    until("the workspace opens", || opened(desk)).await;
    assert!(
        text_of(&container, ".banners").contains("saved by a newer version of Vigil (schema 7)"),
        "{}",
        text_of(&container, ".banners")
    );
    let number = first_incident(desk);
    let edited = desk.apply([number], |workspace| {
        rename(workspace, number, "Changed", "Ana");
    });
    assert_eq!(edited, None);
    until("the refusal shows", || {
        text_of(&container, ".banners").contains("it is open read-only and nothing is written")
    })
    .await;
    clear_local_storage();
}

#[wasm_bindgen_test]
async fn a_newer_vigil_taking_the_workspace_over_is_told_at_once_and_edits_are_refused() {
    let (name, container, desk, _handle) = open_saved("taken-over").await;
    assert!(!text_of(&container, ".banners").contains("newer version"));

    open_newer_layout(&name).await;
    until("the banner says so", || {
        text_of(&container, ".banners")
            .contains("A newer version of Vigil opened this workspace in another tab")
    })
    .await;
    assert!(
        container
            .query_selector(".banners button")
            .unwrap()
            .is_some_and(|button| button.text_content().unwrap() == "Reload this tab")
    );
    let number = first_incident(desk);
    let title = move || {
        let workspace = desk.workspace().read_untracked();
        workspace.incident(number).unwrap().title.clone()
    };
    let before = title();
    let edited = desk.apply([number], |workspace| {
        rename(workspace, number, "Changed", "Ana");
    });
    assert_eq!(edited, None);
    assert_eq!(title(), before);
    // The banner already says why; the refusal adds no second one.
    assert_eq!(desk.status().read_untracked().problem, None);
    clear_local_storage();
}

#[wasm_bindgen_test]
async fn a_workspace_whose_stored_data_is_deleted_while_open_says_to_export_it() {
    let (name, container, desk, _handle) = open_saved("deleted").await;
    delete_database(&name).await;
    until("the banner says so", || {
        text_of(&container, ".banners").contains("stored data was deleted outside Vigil")
    })
    .await;
    assert_eq!(
        text_of(&container, ".banners a"),
        "Export it from the Workspaces page"
    );
    // What the tab shows is kept for the export.
    assert!(
        desk.workspace()
            .read_untracked()
            .incidents()
            .next()
            .is_some()
    );
    clear_local_storage();
}

#[wasm_bindgen_test]
async fn an_older_vigil_tab_holding_the_workspace_is_named_until_it_lets_go() {
    let name = fresh_name("held-up");
    let older_tab = open_older_layout(&name).await;
    open_next(&name);
    let (container, desk, _handle) = mount_desk();
    until("the banner names the other tab", || {
        text_of(&container, ".banners")
            .contains("Another tab has this workspace open in an older version of Vigil")
    })
    .await;
    assert!(!opened(desk));
    older_tab.close();
    until("the workspace opens", || opened(desk)).await;
    let banners = text_of(&container, ".banners");
    assert!(!banners.contains("Another tab"), "{banners}");
    assert!(!banners.contains("Opening"), "{banners}");
    clear_local_storage();
}

#[wasm_bindgen_test]
async fn a_change_another_tab_saved_first_is_refused_and_the_fresh_version_offered() {
    let name = saved_workspace("conflict").await;
    let store = IdbStore::open(&name, |_| {}).await.unwrap();
    open_next(&name);
    let (container, desk, _handle) = mount_desk();
    until("the workspace opens", || opened(desk)).await;
    let number = first_incident(desk);

    // Another tab saves its title first.
    let mut theirs = store.load().await.unwrap().workspace;
    let change = rename(&mut theirs, number, "Their title", "Bo");
    store.save(records_for(&theirs, &change)).await.unwrap();

    desk.apply([number], |workspace| {
        rename(workspace, number, "My title", "Ana");
    })
    .unwrap();
    until("the conflict shows", || {
        text_of(&container, ".banners").contains(&format!(
            "Incident {number} was changed in another tab before your change was saved"
        ))
    })
    .await;
    click_button(&container, ".banners button", "Load the fresh version");
    until("their version shows", || {
        desk.workspace()
            .read_untracked()
            .incident(number)
            .unwrap()
            .title
            == "Their title"
    })
    .await;
    until("the banner goes", || {
        !text_of(&container, ".banners").contains("another tab")
    })
    .await;
    assert_eq!(desk.workspace().read_untracked().clone(), theirs);
    clear_local_storage();
}

#[wasm_bindgen_test]
async fn a_second_tab_sees_a_saved_change() {
    let name = saved_workspace("two-tabs").await;
    open_next(&name);
    let (_, first, _first_tab) = mount_desk();
    let (_, second, _second_tab) = mount_desk();
    until("both tabs open", || opened(first) && opened(second)).await;
    let number = first_incident(first);

    first
        .apply([number], |workspace| {
            rename(workspace, number, "Seen in both tabs", "Ana");
        })
        .unwrap();
    until("the second tab has it", || {
        second
            .workspace()
            .read_untracked()
            .incident(number)
            .unwrap()
            .title
            == "Seen in both tabs"
    })
    .await;
    assert_eq!(
        *second.workspace().read_untracked(),
        *first.workspace().read_untracked()
    );
    clear_local_storage();
}

#[wasm_bindgen_test]
async fn the_analyst_says_who_they_are_once_and_the_workspace_keeps_it() {
    let name = saved_workspace("analyst").await;
    open_next(&name);
    let (container, app) = mount_app("#/workspaces");
    until_opened(&container).await;
    until("the analyst's fields show", || {
        container.query_selector("#analyst-name").unwrap().is_some()
    })
    .await;
    type_into(&container, "#analyst-name", "  ");
    type_into(&container, "#analyst-email", "ana@");
    click_button(&container, ".analyst button", "Save");
    until("both fields are refused", || {
        text_of(&container, "#analyst-name-error") == "Your name is required"
            && text_of(&container, "#analyst-email-error")
                == "Your e-mail: the e-mail address is not valid"
    })
    .await;

    type_into(&container, "#analyst-name", "Ana Silva");
    type_into(&container, "#analyst-email", "ana@contoso.com");
    click_button(&container, ".analyst button", "Save");
    until("it is saved", || {
        text_of(&container, ".analyst [role=status]") == "Saved."
    })
    .await;
    assert_eq!(text_of(&container, "#analyst-email-error"), "");
    drop(app);

    // Stored with the workspace: a new visit finds it, and so does the store.
    let (container, _app) = mount_app("#/workspaces");
    until("the analyst is read back", || {
        value_of(&container, "#analyst-name") == "Ana Silva"
    })
    .await;
    assert_eq!(value_of(&container, "#analyst-email"), "ana@contoso.com");
    let stored = reopened(&name).await;
    let analyst = stored.workspace.team().analyst().cloned().unwrap();
    assert_eq!(analyst.email.as_deref(), Some("ana@contoso.com"));
    clear_local_storage();
}

/// Whether the browser would ask before leaving the page now: a cancelable `beforeunload`,
/// as the browser sends on a reload, comes back cancelled.
fn leaving_asks() -> bool {
    let event = Event::new("beforeunload").unwrap();
    event.init_event_with_bubbles_and_cancelable("beforeunload", false, true);
    window().unwrap().dispatch_event(&event).unwrap();
    event.default_prevented()
}

#[wasm_bindgen_test]
async fn a_change_being_saved_is_shown_and_leaving_meanwhile_asks_first() {
    let (name, container, desk, _tab) = open_saved("leaving").await;
    assert!(!leaving_asks(), "nothing is being saved yet");
    assert_eq!(text_of(&container, ".save-status"), "");
    let number = first_incident(desk);
    desk.apply([number], |workspace| {
        rename(workspace, number, "Saved before leaving", "Ana");
    })
    .unwrap();
    assert!(leaving_asks(), "the rename is not durable yet");
    // The top bar says so before the write can have finished: no task runs meanwhile.
    microtasks().await;
    assert!(desk.saving());
    assert_eq!(text_of(&container, ".save-status"), "Saving…");
    until("the rename is saved", || !desk.saving()).await;
    assert!(!leaving_asks());
    until("the top bar stops saying so", || {
        text_of(&container, ".save-status").is_empty()
    })
    .await;
    let stored = reopened(&name).await.workspace;
    assert_eq!(
        stored.incident(number).unwrap().title,
        "Saved before leaving"
    );
    clear_local_storage();
}
