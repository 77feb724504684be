//! The queue's bulk actions and keys through the DOM in headless Chromium: assign, severity and
//! tags reach every ticked incident and the store; merge asks for a reason and shows the core's
//! refusal; delete says what goes and Undo brings it back exactly; the keyboard moves, ticks,
//! opens, searches and shows its help.
#![cfg(target_arch = "wasm32")]

use leptos::web_sys::{HtmlElement, window};
use vigil::core::incident::Incident;
use vigil::core::vocabulary::Severity;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

mod support;

use support::{
    choose, clear_local_storage, click, click_button, mount_app, open_next, press, queue_numbers,
    reopened, saved_workspace, text_of, tick, type_into, until, until_opened,
};

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh saved workspace open on the queue, once it has loaded and lists at least `at_least`
/// incidents.
async fn queue_listing(test: &str, at_least: usize) -> (String, HtmlElement, impl Drop + use<>) {
    let name = saved_workspace(test).await;
    open_next(&name);
    let (container, app) = mount_app("#/incidents");
    until_opened(&container).await;
    until("the queue lists enough incidents", || {
        queue_numbers(&container).len() >= at_least
    })
    .await;
    (name, container, app)
}

/// A fresh saved workspace open on the queue, with the first `count` incidents it lists ticked.
async fn queue_with_ticked(
    test: &str,
    count: usize,
) -> (String, Vec<String>, HtmlElement, impl Drop + use<>) {
    let (name, container, app) = queue_listing(test, count).await;
    let chosen: Vec<String> = queue_numbers(&container).into_iter().take(count).collect();
    for number in &chosen {
        tick(&container, number);
    }
    // The buttons are enabled once the page has drawn the selection.
    support::next_task().await;
    (name, chosen, container, app)
}

/// The user tags of a stored incident.
fn tags(incident: &Incident) -> Vec<String> {
    incident
        .labels
        .iter()
        .map(|label| label.name.clone())
        .collect()
}

#[wasm_bindgen_test]
async fn assign_severity_and_tags_reach_every_ticked_incident_and_the_store() {
    let (name, chosen, container, _app) = queue_with_ticked("bulk-edit", 2).await;
    assert_eq!(
        text_of(&container, ".selection-count"),
        "2 incidents selected"
    );

    let assign = container
        .query_selector(".bulk-row button:nth-of-type(1)")
        .unwrap()
        .unwrap();
    let disabled = js_sys::Reflect::get(&assign, &"disabled".into()).unwrap();
    assert_eq!(
        disabled.as_bool(),
        Some(true),
        "an empty owner would unassign everyone"
    );
    type_into(&container, "#bulk-owner", "Ben Okafor");
    support::next_task().await;
    click_button(&container, ".bulk-row button:nth-of-type(1)", "Assign");
    until("both are assigned", || {
        text_of(&container, ".bulk-outcome") == "2 of 2 incidents assigned."
    })
    .await;
    choose(&container, "#bulk-severity", "Low");
    click_button(
        &container,
        ".bulk-row button:nth-of-type(4)",
        "Set severity",
    );
    until("both are Low", || {
        text_of(&container, ".bulk-outcome") == "2 of 2 incidents set to Low."
    })
    .await;
    assert_eq!(
        support::value_of(&container, "#bulk-owner"),
        "",
        "an owner once assigned is not offered again"
    );
    type_into(&container, "#bulk-tags", "phishing, , VIP");
    click_button(&container, ".bulk-row button:nth-of-type(5)", "Add tags");
    until("both are tagged", || {
        text_of(&container, ".bulk-outcome") == "2 of 2 incidents tagged."
    })
    .await;

    let stored = reopened(&name).await.workspace;
    for number in &chosen {
        let incident = stored.incident(number.parse().unwrap()).unwrap();
        assert_eq!(
            incident.owner.as_ref().map(|owner| owner.display_name()),
            Some("Ben Okafor".to_owned())
        );
        assert_eq!(incident.severity, Severity::Low);
        let tags = tags(incident);
        assert!(
            tags.ends_with(&["phishing".to_owned(), "VIP".to_owned()]),
            "{tags:?}"
        );
    }
    clear_local_storage();
}

#[wasm_bindgen_test]
async fn a_merge_asks_for_a_reason_shows_the_cores_refusal_and_then_merges() {
    let (name, chosen, container, _app) = queue_with_ticked("bulk-merge", 2).await;
    click_button(&container, ".actions button:nth-child(2)", "Merge selected");
    until("the merge dialog opens", || {
        text_of(&container, "#merge-heading") == "Merge 2 incidents"
    })
    .await;
    // Modal: the browser keeps focus inside it and the queue behind it is inert meanwhile.
    let open_modal = container.query_selector("dialog:modal").unwrap();
    assert_eq!(
        open_modal.map(|dialog| dialog.get_attribute("aria-labelledby")),
        Some(Some("merge-heading".to_owned()))
    );
    click_button(&container, "[role=dialog] .actions button", "Merge");
    // Said in the dialog, which stays open: the page behind it is covered.
    until("the missing reason is named in the dialog", || {
        text_of(&container, "[role=dialog] .field-error") == "Not merged: a merge needs a reason."
    })
    .await;
    assert_eq!(text_of(&container, ".bulk-outcome"), "");
    type_into(&container, "#merge-reason", "Same phishing campaign");
    let foretold = text_of(&container, ".merge-survivor");
    click_button(&container, "[role=dialog] .actions button", "Merge");
    until("they are merged", || {
        text_of(&container, ".bulk-outcome").starts_with("Merged incident ")
    })
    .await;
    assert!(container.query_selector("dialog:modal").unwrap().is_none());

    let stored = reopened(&name).await.workspace;
    let numbers: Vec<u64> = chosen
        .iter()
        .map(|number| number.parse().unwrap())
        .collect();
    let merged: Vec<&Incident> = numbers
        .iter()
        .map(|number| stored.incident(*number).unwrap())
        .filter(|incident| incident.merged_into.is_some())
        .collect();
    assert_eq!(merged.len(), 1, "one of the two was merged into the other");
    let survivor = merged[0].merged_into.unwrap();
    assert!(numbers.contains(&survivor));
    assert!(
        foretold.starts_with(&format!("Incident {survivor}, the oldest, stays")),
        "the dialog said which stays: {foretold}"
    );
    assert_eq!(
        text_of(&container, ".bulk-outcome"),
        format!(
            "Merged incident {} into incident {survivor}.",
            merged[0].number
        )
    );
    clear_local_storage();
}

#[wasm_bindgen_test]
async fn a_delete_says_what_goes_and_undo_brings_it_back_exactly() {
    let (name, chosen, container, _app) = queue_with_ticked("bulk-delete", 2).await;
    let before = reopened(&name).await.workspace;
    let alerts: usize = chosen
        .iter()
        .map(|number| {
            before
                .incident(number.parse().unwrap())
                .unwrap()
                .alert_ids
                .len()
        })
        .sum();
    click_button(
        &container,
        ".actions button:nth-child(3)",
        "Delete selected",
    );
    until("the confirmation counts what goes", || {
        text_of(&container, "#confirm-heading")
            == format!("Delete 2 incidents and their {alerts} alerts?")
    })
    .await;
    // Ticked while the confirmation is open, a third incident is not what it named.
    let third = queue_numbers(&container)
        .into_iter()
        .find(|number| !chosen.contains(number))
        .unwrap();
    tick(&container, &third);
    support::next_task().await;
    click_button(&container, "[role=alertdialog] .actions button", "Delete");
    until("they leave the queue", || {
        let listed = queue_numbers(&container);
        chosen.iter().all(|number| !listed.contains(number))
    })
    .await;
    assert!(queue_numbers(&container).contains(&third));
    let stored = reopened(&name).await.workspace;
    for number in &chosen {
        assert!(stored.incident(number.parse().unwrap()).is_none());
    }

    click_button(
        &container,
        ".actions button.undo",
        &format!(
            "Undo deletion of #{}, #{}",
            chosen_sorted(&chosen)[0],
            chosen_sorted(&chosen)[1]
        ),
    );
    until("they are back in the queue", || {
        let listed = queue_numbers(&container);
        chosen.iter().all(|number| listed.contains(number))
    })
    .await;
    assert_eq!(reopened(&name).await.workspace, before);
    clear_local_storage();
}

/// The numbers in number order, as the undo names them.
fn chosen_sorted(chosen: &[String]) -> Vec<u64> {
    let mut numbers: Vec<u64> = chosen
        .iter()
        .map(|number| number.parse().unwrap())
        .collect();
    numbers.sort_unstable();
    numbers
}

#[wasm_bindgen_test]
async fn the_heading_box_ticks_every_matching_incident_and_unassign_reaches_them_all() {
    let (name, container, _app) = queue_listing("bulk-all", 2).await;
    // Narrowed to the incidents of one severity, more than the window may draw.
    click(&container, "#severity-Medium");
    let stored = reopened(&name).await.workspace;
    let medium: Vec<u64> = stored
        .incidents()
        .filter(|incident| {
            incident.severity == Severity::Medium
                && incident.merged_into.is_none()
                && incident.status != vigil::core::vocabulary::IncidentStatus::Closed
        })
        .map(|incident| incident.number)
        .collect();
    until("the queue shows the Medium ones", || {
        queue_numbers(&container).len() == medium.len()
    })
    .await;
    let all = format!("Select all {} incidents", medium.len());
    click(&container, &format!("input[aria-label='{all}']"));
    until("all are ticked", || {
        text_of(&container, ".selection-count") == format!("{} incidents selected", medium.len())
    })
    .await;
    type_into(&container, "#bulk-owner", "Ben Okafor");
    support::next_task().await;
    click_button(&container, ".bulk-row button:nth-of-type(1)", "Assign");
    until("all are assigned", || {
        text_of(&container, ".bulk-outcome")
            == format!("{0} of {0} incidents assigned.", medium.len())
    })
    .await;
    click_button(&container, ".bulk-row button:nth-of-type(2)", "Unassign");
    until("all are unassigned", || {
        text_of(&container, ".bulk-outcome")
            == format!("{0} of {0} incidents unassigned.", medium.len())
    })
    .await;
    let stored = reopened(&name).await.workspace;
    for number in &medium {
        assert_eq!(stored.incident(*number).unwrap().owner, None);
    }
    // Ticked again, it clears them all.
    click(&container, &format!("input[aria-label='{all}']"));
    until("none are ticked", || {
        text_of(&container, ".selection-count") == "0 incidents selected"
    })
    .await;
    clear_local_storage();
}

#[wasm_bindgen_test]
async fn what_the_filter_hides_does_not_stay_ticked() {
    let (_name, chosen, container, _app) = queue_with_ticked("bulk-hidden", 2).await;
    type_into(&container, "#queue-search", &format!("#{}", chosen[0]));
    until("the search shows the first alone", || {
        queue_numbers(&container) == chosen[..1]
    })
    .await;
    assert_eq!(
        text_of(&container, ".selection-count"),
        "1 incident selected"
    );
    // Showing it again does not tick it again: ticking is the analyst's.
    type_into(&container, "#queue-search", "");
    until("both show again", || {
        queue_numbers(&container).contains(&chosen[1])
    })
    .await;
    assert_eq!(
        text_of(&container, ".selection-count"),
        "1 incident selected"
    );
    clear_local_storage();
}

#[wasm_bindgen_test]
async fn keys_move_between_rows_tick_search_open_and_show_their_help() {
    let (_name, container, _app) = queue_listing("queue-keys", 2).await;
    let listed = queue_numbers(&container);
    let active = || text_of(&container, ".queue tbody tr.active td:nth-child(2)");
    press(&container, ".queue", "j");
    press(&container, ".queue", "j");
    until("the second row is highlighted", || active() == listed[1]).await;
    press(&container, ".queue", "k");
    until("back on the first", || active() == listed[0]).await;
    press(&container, ".queue", "x");
    until("it is ticked", || {
        text_of(&container, ".selection-count") == "1 incident selected"
    })
    .await;

    press(&container, ".queue", "?");
    until("the help lists the keys", || {
        text_of(&container, ".keyboard-help").contains("Next incident")
    })
    .await;
    press(&container, ".queue", "Escape");
    until("the help closes", || {
        container
            .query_selector(".keyboard-help")
            .unwrap()
            .is_none()
    })
    .await;

    press(&container, ".queue", "/");
    let document = window().unwrap().document().unwrap();
    assert_eq!(
        document.active_element().map(|element| element.id()),
        Some("queue-search".to_owned())
    );
    // Typed into the search, a key is text, not a command.
    press(&container, "#queue-search", "j");
    support::next_task().await;
    assert_eq!(active(), listed[0]);

    press(&container, ".queue", "Enter");
    until("the incident opens", || {
        window().unwrap().location().hash().unwrap() == format!("#/incidents/{}", listed[0])
    })
    .await;
    clear_local_storage();
}
