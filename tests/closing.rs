//! The closing dialog and reopening, from the incident page, through the DOM in headless
//! Chromium; and the queue's status filter that hides Closed incidents by default.
#![cfg(target_arch = "wasm32")]

use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{HtmlInputElement, window};
use vigil::core::closing::{Closing, ClosingChoice};
use vigil::core::incident::{Edit, Tracked};
use vigil::core::people::Actor;
use vigil::core::vocabulary::IncidentStatus;
use vigil::store::idb::IdbStore;
use vigil::store::snapshot::{Change, records_for};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

mod support;

use support::{
    choose, clear_local_storage, click_button, mount_app, open_next, queue_numbers, reopened,
    saved_workspace, text_of, until, until_opened,
};

wasm_bindgen_test_configure!(run_in_browser);

/// An open incident of a fresh saved workspace, and the workspace's name.
async fn open_incident(test: &str) -> (String, u64) {
    let name = saved_workspace(test).await;
    let store = IdbStore::open(&name, |_| {}).await.unwrap();
    let workspace = store.load().await.unwrap().workspace;
    let number = workspace
        .incidents()
        .find(|incident| {
            incident.status != IncidentStatus::Closed && incident.merged_into.is_none()
        })
        .unwrap()
        .number;
    (name, number)
}

#[wasm_bindgen_test]
async fn an_incident_is_closed_with_a_classification_and_reopened_after_asking() {
    let (name, number) = open_incident("close-page").await;
    open_next(&name);
    let (container, _app) = mount_app(&format!("#/incidents/{number}"));
    until("the incident shows", || {
        text_of(&container, "h1").starts_with(&format!("Incident {number}: "))
    })
    .await;
    click_button(&container, ".actions button", "Close");
    until("the dialog opens", || {
        container.query_selector("[role=dialog]").unwrap().is_some()
    })
    .await;
    assert_eq!(
        text_of(&container, "#closing-dialog-heading"),
        format!("Close incident {number}")
    );
    click_button(&container, "[role=dialog] .actions button", "Close");
    until("a classification is asked for", || {
        text_of(&container, "#dialog-classification-error")
            == "Classification is required to close an incident"
    })
    .await;
    choose(
        &container,
        "#dialog-classification",
        ClosingChoice::BenignPositiveSuspiciousButExpected.as_str(),
    );
    support::type_into(&container, "#dialog-closing-comment", "Red team exercise");
    click_button(&container, "[role=dialog] .actions button", "Close");
    until("it is closed", || {
        text_of(&container, ".incident-status") == "Closed"
    })
    .await;
    assert_eq!(
        text_of(&container, ".incident-classification"),
        "Benign positive - suspicious but expected"
    );
    assert!(container.query_selector("[role=dialog]").unwrap().is_none());

    // Reopening asks; saying no changes nothing.
    click_button(&container, ".actions button", "Reopen");
    until("reopening asks", || {
        text_of(&container, "#confirm-heading") == format!("Reopen incident {number}?")
    })
    .await;
    support::cancel_confirmation(&container).await;
    assert_eq!(text_of(&container, ".incident-status"), "Closed");
    click_button(&container, ".actions button", "Reopen");
    support::confirm(&container, "Reopen").await;
    until("it is active again", || {
        text_of(&container, ".incident-status") == "Active"
    })
    .await;
    assert!(
        container
            .query_selector(".incident-classification")
            .unwrap()
            .is_none()
    );

    let stored = reopened(&name).await;
    let incident = stored.workspace.incident(number).unwrap().clone();
    assert_eq!(incident.status, IncidentStatus::Active);
    assert_eq!(incident.closing, None);
    let logged = incident
        .activity
        .iter()
        .find(|entry| entry.what == Tracked::Classification)
        .unwrap();
    assert_eq!(
        logged.to.as_deref(),
        Some("Benign positive - suspicious but expected: Red team exercise"),
        "the log keeps the verdict and its comment after the reopening cleared them"
    );
    clear_local_storage();
}

#[wasm_bindgen_test]
async fn the_queue_hides_closed_incidents_until_the_filter_includes_closed() {
    let name = saved_workspace("queue-filter").await;
    let store = IdbStore::open(&name, |_| {}).await.unwrap();
    let mut workspace = store.load().await.unwrap().workspace;
    let open: Vec<u64> = workspace
        .incidents()
        .filter(|incident| {
            incident.status != IncidentStatus::Closed && incident.merged_into.is_none()
        })
        .map(|incident| incident.number)
        .collect();
    let (kept_open, closed) = (open[0].to_string(), open[1]);
    let change = Change::of(&workspace, [closed]);
    let incident = workspace.incident_mut(closed).unwrap();
    let etag = incident.etag.clone();
    let by = Actor::named("Ana Silva");
    let edit = Edit {
        by: &by,
        at: support::start(),
        etag: &etag,
    };
    incident
        .close(edit, Closing::from_choice(ClosingChoice::Undetermined, ""))
        .unwrap();
    store.save(records_for(&workspace, &change)).await.unwrap();
    drop(store);
    let closed = closed.to_string();

    open_next(&name);
    let (container, _app) = mount_app("#/incidents");
    until("the queue lists the open incident", || {
        queue_numbers(&container).contains(&kept_open)
    })
    .await;
    assert!(!queue_numbers(&container).contains(&closed));
    let checkbox: HtmlInputElement = container
        .query_selector("#status-Closed")
        .unwrap()
        .unwrap()
        .unchecked_into();
    assert!(!checkbox.checked());
    checkbox.click();
    until("the closed incident is listed", || {
        queue_numbers(&container).contains(&closed)
    })
    .await;
    assert_eq!(
        window().unwrap().location().hash().unwrap(),
        "#/incidents?status=New,Active,Closed"
    );
    clear_local_storage();
}

#[wasm_bindgen_test]
async fn closing_several_reports_the_one_another_tab_saved_first_and_closes_the_rest() {
    let name = saved_workspace("bulk-close").await;
    open_next(&name);
    let (container, _app) = mount_app("#/incidents");
    until_opened(&container).await;
    until("the queue lists three incidents", || {
        queue_numbers(&container).len() >= 3
    })
    .await;
    let chosen: Vec<String> = queue_numbers(&container).into_iter().take(3).collect();
    let first: u64 = chosen[0].parse().unwrap();

    // Another tab saves the first of them after this one read it.
    let other = IdbStore::open(&name, |_| {}).await.unwrap();
    let mut theirs = other.load().await.unwrap().workspace;
    let change = support::rename(&mut theirs, first, "Renamed in another tab", "Bo");
    other.save(records_for(&theirs, &change)).await.unwrap();
    drop(other);

    for number in &chosen {
        support::tick(&container, number);
    }
    // The button is enabled once the page has drawn the selection.
    support::next_task().await;
    click_button(&container, ".actions button", "Close selected");
    until("the dialog opens", || {
        text_of(&container, "#closing-dialog-heading") == "Close 3 incidents"
    })
    .await;
    choose(
        &container,
        "#dialog-classification",
        ClosingChoice::Undetermined.as_str(),
    );
    click_button(&container, "[role=dialog] .actions button", "Close");
    until("the outcome is reported", || {
        text_of(&container, ".bulk-outcome").starts_with("2 of 3 incidents closed.")
    })
    .await;
    assert!(
        text_of(&container, ".bulk-outcome")
            .contains(&format!("Incident {first} was not closed: ")),
        "{}",
        text_of(&container, ".bulk-outcome")
    );

    let stored = reopened(&name).await.workspace;
    let untouched = stored.incident(first).unwrap();
    assert_eq!(untouched.title, "Renamed in another tab");
    assert_eq!(untouched.status, theirs.incident(first).unwrap().status);
    for number in &chosen[1..] {
        let closed = stored.incident(number.parse().unwrap()).unwrap();
        assert_eq!(closed.status, IncidentStatus::Closed);
        assert_eq!(
            closed.closing.as_ref().and_then(|c| c.choice()),
            Some(ClosingChoice::Undetermined)
        );
    }
    clear_local_storage();
}
