//! The incident queue's sorting and filters through the DOM in headless Chromium: a header
//! sorts and reverses, severity, owner and Search narrow the list, and the address keeps all of
//! it, so the same address gives the same queue after a reload.
#![cfg(target_arch = "wasm32")]

use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{HtmlElement, window};
use vigil::core::vocabulary::{IncidentStatus, Severity};
use vigil::core::workspace::Workspace;
use vigil::store::idb::IdbStore;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

mod support;

use support::{
    choose, clear_local_storage, click_button, mount_app, open_next, queue_numbers,
    saved_workspace, type_into, until,
};

wasm_bindgen_test_configure!(run_in_browser);

/// A saved workspace's name, with the workspace as saved.
async fn saved(test: &str) -> (String, Workspace) {
    let name = saved_workspace(test).await;
    let store = IdbStore::open(&name).await.unwrap();
    (name.clone(), store.load().await.unwrap().workspace)
}

/// The numbers of the open incidents that `keep` keeps, ordered by `key`.
fn open_numbers<K: Ord>(
    workspace: &Workspace,
    keep: impl Fn(&vigil::core::incident::Incident) -> bool,
    key: impl Fn(&vigil::core::incident::Incident) -> K,
) -> Vec<String> {
    let mut open: Vec<_> = workspace
        .incidents()
        .filter(|incident| {
            incident.status != IncidentStatus::Closed && incident.merged_into.is_none()
        })
        .filter(|incident| keep(incident))
        .map(|incident| (key(incident), incident.number))
        .collect();
    open.sort();
    open.into_iter()
        .map(|(_, number)| number.to_string())
        .collect()
}

/// Clicks what `selector` finds, as the analyst does.
fn click(container: &HtmlElement, selector: &str) {
    container
        .query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("nothing at {selector}"))
        .unchecked_into::<HtmlElement>()
        .click();
}

/// The address after the `#`, as the browser holds it.
fn hash() -> String {
    window().unwrap().location().hash().unwrap()
}

/// Which way the Title heading says the queue is sorted.
fn title_sort(container: &HtmlElement) -> String {
    container
        .query_selector("th[aria-sort]:nth-child(3)")
        .unwrap()
        .unwrap()
        .get_attribute("aria-sort")
        .unwrap()
}

#[wasm_bindgen_test]
async fn a_header_sorts_the_queue_again_reverses_it_and_the_address_keeps_the_order() {
    let (name, workspace) = saved("queue-sort").await;
    let by_title = open_numbers(
        &workspace,
        |_| true,
        |incident| incident.title.to_lowercase(),
    );
    let mut reversed = by_title.clone();
    reversed.reverse();

    open_next(&name);
    let (container, app) = mount_app("#/incidents");
    until("the queue lists every open incident", || {
        queue_numbers(&container).len() == by_title.len()
    })
    .await;
    assert_eq!(title_sort(&container), "none");
    click_button(&container, "th:nth-child(3) button", "Title");
    until("the queue is in title order", || {
        queue_numbers(&container) == by_title
    })
    .await;
    assert_eq!(title_sort(&container), "ascending");
    assert_eq!(hash(), "#/incidents?sort=title&dir=asc");
    click_button(&container, "th:nth-child(3) button", "Title");
    until("the order is reversed", || {
        queue_numbers(&container) == reversed
    })
    .await;
    assert_eq!(hash(), "#/incidents?sort=title&dir=desc");

    drop(app);
    open_next(&name);
    let (container, _app) = mount_app(&hash());
    until("the reloaded queue keeps the order", || {
        queue_numbers(&container) == reversed
    })
    .await;
    clear_local_storage();
}

#[wasm_bindgen_test]
async fn severity_owner_and_search_narrow_the_queue_and_a_shared_link_shows_the_same() {
    let (name, workspace) = saved("queue-narrow").await;
    let newest_first = |incident: &vigil::core::incident::Incident| {
        (
            std::cmp::Reverse(incident.created),
            std::cmp::Reverse(incident.number),
        )
    };
    let high = open_numbers(
        &workspace,
        |incident| incident.severity == Severity::High,
        newest_first,
    );
    assert!(!high.is_empty(), "the feed has High incidents");
    let visitor = open_numbers(
        &workspace,
        |incident| incident.title.contains("reception"),
        newest_first,
    );
    assert_eq!(visitor.len(), 1);

    open_next(&name);
    let (container, app) = mount_app("#/incidents");
    until("the queue is listed", || {
        !queue_numbers(&container).is_empty()
    })
    .await;
    let everything = queue_numbers(&container);
    click(&container, "#severity-High");
    until("only High incidents are listed", || {
        queue_numbers(&container) == high
    })
    .await;
    click(&container, "#severity-High");
    until("every severity again", || {
        queue_numbers(&container) == everything
    })
    .await;

    type_into(&container, "#queue-search", "RECEPTION");
    until("the search finds the visitor incident", || {
        queue_numbers(&container) == visitor
    })
    .await;
    choose(&container, "#queue-owner", "@unassigned");
    until("it is unassigned, so still listed", || {
        queue_numbers(&container) == visitor
    })
    .await;
    choose(&container, "#queue-owner", "@me");
    until("no analyst is set, so nothing is mine", || {
        queue_numbers(&container).is_empty()
    })
    .await;
    choose(&container, "#queue-owner", "@unassigned");
    until("listed again", || queue_numbers(&container) == visitor).await;
    let link = hash();
    assert_eq!(link, "#/incidents?owner=%40unassigned&q=RECEPTION");

    drop(app);
    open_next(&name);
    let (container, _app) = mount_app(&link);
    until("the link shows the same queue", || {
        queue_numbers(&container) == visitor
    })
    .await;
    assert_eq!(support::value_of(&container, "#queue-search"), "RECEPTION");
    clear_local_storage();
}
