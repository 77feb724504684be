//! The incident page through the DOM in headless Chromium: the header fields edited in place
//! and Assign to me; tags added and removed; each alert with why it is here, moved to a new
//! incident; entities with the incidents that share them, and those that name nothing unique; comments added, edited and deleted;
//! a merged incident's number leading to its survivor, both saying why they were merged; delete
//! and Undo.
#![cfg(target_arch = "wasm32")]

use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{HtmlElement, window};
use vigil::core::incident::{Incident, Tracked};
use vigil::core::vocabulary::{IncidentStatus, Severity};
use vigil::core::workspace::Workspace;
use vigil::store::idb::IdbStore;
use vigil::store::snapshot::records_of;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

mod support;

use support::{
    choose, clear_local_storage, click, click_button, fresh_name, mount_app, open_next, press,
    reopened, text_of, type_into, until,
};

wasm_bindgen_test_configure!(run_in_browser);

/// The shared test workspace with Ana Silva as the analyst at this desk, saved under a fresh
/// name; returns the name and the workspace.
async fn saved_with_analyst(test: &str) -> (String, Workspace) {
    let mut workspace = support::workspace();
    workspace
        .team_mut()
        .set_analyst("Ana Silva", "ana@contoso.com")
        .unwrap();
    let name = fresh_name(test);
    let store = IdbStore::open(&name, |_| {}).await.unwrap();
    store.replace(records_of(&workspace)).await.unwrap();
    (name, workspace)
}

/// The first open incident with at least `alerts` alerts.
fn open_with_alerts(workspace: &Workspace, alerts: usize) -> &Incident {
    workspace
        .incidents()
        .find(|incident| {
            incident.status != IncidentStatus::Closed
                && incident.merged_into.is_none()
                && incident.alert_ids.len() >= alerts
        })
        .expect("the test workspace has such an incident")
}

/// Mounts the app on incident `number` of `name` and waits for its heading.
async fn open_page(name: &str, number: u64) -> (HtmlElement, impl Drop + use<>) {
    open_next(name);
    let (container, app) = mount_app(&format!("#/incidents/{number}"));
    until("the incident shows", || {
        text_of(&container, "h1").starts_with(&format!("Incident {number}: "))
    })
    .await;
    (container, app)
}

/// The newest activity entry's kind, from and to.
fn last_change(incident: &Incident) -> (Tracked, Option<String>, Option<String>) {
    let entry = incident.activity.last().unwrap();
    (entry.what, entry.from.clone(), entry.to.clone())
}

#[wasm_bindgen_test]
async fn the_header_fields_are_edited_in_place_and_assign_to_me_takes_one_click() {
    let (name, workspace) = saved_with_analyst("page-header").await;
    let incident = open_with_alerts(&workspace, 1);
    assert!(incident.description.is_empty());
    let number = incident.number;
    let (container, _app) = open_page(&name, number).await;
    assert_eq!(
        text_of(&container, ".incident-description"),
        "None",
        "a blank description says so"
    );

    type_into(&container, "#incident-title", "   ");
    click_button(&container, ".title-entry button", "Save title");
    until("an empty title is refused", || {
        text_of(&container, "[role=alert]").contains("Title")
    })
    .await;
    type_into(
        &container,
        "#incident-title",
        "Ransomware on the file server",
    );
    click_button(&container, ".title-entry button", "Save title");
    until("the heading shows the new title", || {
        text_of(&container, "h1") == format!("Incident {number}: Ransomware on the file server")
    })
    .await;
    choose(&container, "#incident-severity", "Informational");
    until("the severity is saved", || {
        support::value_of(&container, "#incident-severity") == "Informational"
    })
    .await;
    choose(&container, "#incident-status", "Active");
    until("it is Active", || {
        text_of(&container, ".incident-status") == "Active"
    })
    .await;
    click_button(
        &container,
        ".owner-entry button:nth-of-type(2)",
        "Assign to me",
    );
    until("it is mine", || {
        text_of(&container, ".incident-owner") == "Ana Silva"
    })
    .await;
    assert_eq!(
        support::value_of(&container, "#incident-owner"),
        "Ana Silva",
        "the owner box says so too"
    );

    let stored = reopened(&name).await.workspace;
    let incident = stored.incident(number).unwrap();
    assert_eq!(incident.title, "Ransomware on the file server");
    assert_eq!(incident.severity, Severity::Informational);
    assert_eq!(incident.status, IncidentStatus::Active);
    assert_eq!(
        last_change(incident),
        (Tracked::Owner, None, Some("Ana Silva".to_owned()))
    );
    assert!(
        text_of(&container, ".activity").contains("Ransomware on the file server"),
        "the activity log shows the rename"
    );
    clear_local_storage();
}

#[wasm_bindgen_test]
async fn tags_are_added_and_removed_on_the_page() {
    let (name, workspace) = saved_with_analyst("page-tags").await;
    let number = open_with_alerts(&workspace, 1).number;
    let (container, _app) = open_page(&name, number).await;
    type_into(&container, "#incident-tag", "Exfiltration");
    press(&container, "#incident-tag", "Enter");
    until("the tag shows", || {
        text_of(&container, ".tag-list").contains("Exfiltration")
    })
    .await;
    let labels = |workspace: &Workspace| -> Vec<String> {
        workspace
            .incident(number)
            .unwrap()
            .labels
            .iter()
            .map(|label| label.name.clone())
            .collect()
    };
    assert!(labels(&reopened(&name).await.workspace).contains(&"Exfiltration".to_owned()));
    click(&container, "button[aria-label='Remove tag Exfiltration']");
    until("the tag is gone", || {
        !text_of(&container, ".tag-list").contains("Exfiltration")
    })
    .await;
    assert!(!labels(&reopened(&name).await.workspace).contains(&"Exfiltration".to_owned()));
    clear_local_storage();
}

#[wasm_bindgen_test]
async fn each_alert_says_why_it_is_here_and_moves_to_a_new_incident() {
    let (name, workspace) = saved_with_analyst("page-alerts").await;
    let incident = open_with_alerts(&workspace, 2);
    let number = incident.number;
    let moved = workspace
        .correlation()
        .alerts_of(number)
        .nth(1)
        .unwrap()
        .id
        .clone();
    let why = workspace.correlation().explain(&moved).unwrap().to_string();
    let next = workspace.next_number();
    let (container, _app) = open_page(&name, number).await;
    let rows = container.query_selector_all(".alerts tbody tr").unwrap();
    assert_eq!(rows.length() as usize, incident.alert_ids.len());
    assert_eq!(
        text_of(&container, ".alerts tbody tr:nth-child(2) td.why"),
        why
    );

    click_button(&container, ".alerts tbody tr:nth-child(2) button", "Move");
    until("the alert left", || {
        container
            .query_selector_all(".alerts tbody tr")
            .unwrap()
            .length() as usize
            == incident.alert_ids.len() - 1
    })
    .await;
    let stored = reopened(&name).await.workspace;
    assert_eq!(stored.correlation().incident_of(&moved), Some(next));
    assert!(
        stored
            .correlation()
            .explain(&moved)
            .unwrap()
            .to_string()
            .contains(&format!("Moved here from incident #{number} by Ana Silva")),
    );
    clear_local_storage();
}

#[wasm_bindgen_test]
async fn entities_that_name_nothing_unique_are_shown_as_never_correlating() {
    use vigil::core::alert::{AlertDetails, RawAlert, RawEntity};
    let mut workspace = Workspace::default();
    let alert = RawAlert {
        id: "sn-private-1".into(),
        start: Some(support::start()),
        entities: vec![
            RawEntity::new("ip", &[("Address", "10.9.9.8")]),
            RawEntity::new(
                "host",
                &[("HostName", "web01"), ("DnsDomain", "contoso.com")],
            ),
        ],
        details: Box::new(AlertDetails {
            display_name: "Port scan from an inside address".into(),
            ..AlertDetails::default()
        }),
    };
    support::ingest(
        &mut workspace,
        vec![alert],
        support::start() + chrono::Duration::hours(1),
        0,
    );
    let name = fresh_name("page-unidentified");
    let store = IdbStore::open(&name, |_| {}).await.unwrap();
    store.replace(records_of(&workspace)).await.unwrap();
    let (container, _app) = open_page(&name, 1).await;
    assert!(text_of(&container, ".entity-group").starts_with("Host"));
    assert!(
        text_of(&container, ".entity-group.unidentified").contains("IP address · Address 10.9.9.8"),
        "{}",
        text_of(&container, ".entity-group.unidentified")
    );
    clear_local_storage();
}

#[wasm_bindgen_test]
async fn entities_list_their_alert_counts_and_link_the_incidents_that_share_them() {
    let (name, workspace) = saved_with_analyst("page-entities").await;
    let (number, shared) = workspace
        .incidents()
        .filter(|incident| incident.merged_into.is_none())
        .find_map(|incident| {
            let entities = workspace.correlation().entities_of(incident.number);
            let shared = entities
                .into_iter()
                .find(|entity| !entity.similar.is_empty())?;
            Some((incident.number, shared))
        })
        .expect("the test workspace has incidents sharing an entity");
    let (container, _app) = open_page(&name, number).await;
    let entities = text_of(&container, ".entity-group");
    assert!(!entities.is_empty());
    let all = container.query_selector_all(".entity").unwrap();
    let item = (0..all.length())
        .filter_map(|index| all.item(index))
        .find(|item| {
            item.text_content()
                .is_some_and(|text| text.starts_with(&shared.name))
        })
        .expect("the shared entity is listed");
    let text = item.text_content().unwrap();
    assert!(
        text.contains(&match shared.alerts {
            1 => "1 alert".to_owned(),
            count => format!("{count} alerts"),
        }),
        "{text}"
    );
    let link = item
        .unchecked_ref::<leptos::web_sys::Element>()
        .query_selector("a.similar")
        .unwrap()
        .unwrap()
        .get_attribute("href")
        .unwrap();
    assert_eq!(link, format!("#/incidents/{}", shared.similar[0]));
    clear_local_storage();
}

#[wasm_bindgen_test]
async fn comments_keep_their_line_breaks_and_their_author_edits_and_deletes_them() {
    let (name, workspace) = saved_with_analyst("page-comments").await;
    let number = open_with_alerts(&workspace, 1).number;
    let (container, _app) = open_page(&name, number).await;
    type_into(
        &container,
        "#new-comment",
        "Isolated the host.\n<b>Not bold</b>",
    );
    click_button(
        &container,
        ".comments + label + textarea + button",
        "Add comment",
    );
    until("the comment shows as typed", || {
        text_of(&container, ".comment-text") == "Isolated the host.\n<b>Not bold</b>"
    })
    .await;
    assert!(
        container
            .query_selector(".comment-text b")
            .unwrap()
            .is_none()
    );

    click_button(&container, ".comment-actions button:nth-child(1)", "Edit");
    until("the editor opens", || {
        container
            .query_selector(".comment textarea")
            .unwrap()
            .is_some()
    })
    .await;
    let editor = container
        .query_selector(".comment textarea")
        .unwrap()
        .unwrap()
        .id();
    type_into(
        &container,
        &format!("[id='{editor}']"),
        "Isolated the host at 10:40.",
    );
    click_button(
        &container,
        ".comment button:not(.comment-actions button)",
        "Save comment",
    );
    until("the edit shows", || {
        text_of(&container, ".comment-text") == "Isolated the host at 10:40."
    })
    .await;
    assert!(text_of(&container, ".comment-meta").contains("(edited "));
    let stored = reopened(&name).await.workspace;
    assert_eq!(
        stored.incident(number).unwrap().comments[0].message,
        "Isolated the host at 10:40."
    );

    click_button(&container, ".comment-actions button:nth-child(2)", "Delete");
    until("deleting asks", || {
        text_of(&container, "#confirm-heading") == "Delete this comment?"
    })
    .await;
    support::cancel_confirmation(&container).await;
    assert!(
        container.query_selector(".comment").unwrap().is_some(),
        "cancelled, it stays"
    );
    click_button(&container, ".comment-actions button:nth-child(2)", "Delete");
    support::confirm(&container, "Delete comment").await;
    until("the comment is gone", || {
        container.query_selector(".comment").unwrap().is_none()
    })
    .await;
    let stored = reopened(&name).await.workspace;
    assert!(stored.incident(number).unwrap().comments.is_empty());
    assert_eq!(
        last_change(stored.incident(number).unwrap()),
        (
            Tracked::Comment,
            Some("Isolated the host at 10:40.".to_owned()),
            None
        )
    );
    // The log words each: newest first, deleted, edited, added.
    let headlines: Vec<String> = (1..=3)
        .map(|row| {
            text_of(
                &container,
                &format!(".activity tbody tr:nth-child({row}) td:nth-child(3)"),
            )
        })
        .collect();
    assert_eq!(
        headlines,
        ["Comment deleted", "Comment edited", "Comment added"]
    );
    clear_local_storage();
}

#[wasm_bindgen_test]
async fn a_merged_incidents_number_leads_to_its_survivor_which_links_back() {
    let (name, workspace) = saved_with_analyst("page-merged").await;
    let merged = workspace
        .incidents()
        .find(|incident| incident.merged_into.is_some())
        .expect("the test workspace has a merged incident");
    let (number, survivor) = (merged.number, merged.merged_into.unwrap());
    open_next(&name);
    let (container, _app) = mount_app(&format!("#/incidents/{number}"));
    until("the survivor opens", || {
        text_of(&container, "h1").starts_with(&format!("Incident {survivor}: "))
    })
    .await;
    assert_eq!(
        window().unwrap().location().hash().unwrap(),
        format!("#/incidents/{survivor}?merged={number}")
    );
    assert!(
        text_of(&container, ".banner.merged")
            .starts_with(&format!("Incident {number} was merged into this one")),
    );
    // The survivor lists the merge with the core's reason for it, and so does the banner of
    // the merged incident.
    let record = workspace
        .correlation()
        .merges_into(survivor)
        .iter()
        .find(|record| record.absorbed == number)
        .expect("the survivor records the merge")
        .to_string();
    assert!(record.contains(" shares "), "{record}");
    assert!(
        text_of(&container, ".merges").contains(&record),
        "{}",
        text_of(&container, ".merges")
    );
    click(&container, ".banner.merged a");
    until("the merged incident shows with its banner", || {
        text_of(&container, ".banner.merged")
            .starts_with(&format!("{record}. Go to incident {survivor}"))
    })
    .await;
    assert!(text_of(&container, "h1").starts_with(&format!("Incident {number}: ")));
    // Its tags went with its alerts: here they are only listed, Redirected among those set
    // automatically, and no field offers to change them.
    assert!(
        text_of(&container, ".incident-facts").contains("Set automaticallyRedirected"),
        "{}",
        text_of(&container, ".incident-facts")
    );
    assert!(
        container
            .query_selector(".incident-tags")
            .unwrap()
            .is_none()
    );
    assert!(
        container
            .query_selector(".incident-tag-list")
            .unwrap()
            .is_some()
    );
    clear_local_storage();
}

#[wasm_bindgen_test]
async fn a_deleted_incident_comes_back_with_undo() {
    let (name, workspace) = saved_with_analyst("page-delete").await;
    let incident = open_with_alerts(&workspace, 1);
    let number = incident.number;
    let (container, _app) = open_page(&name, number).await;
    click_button(&container, ".actions button:nth-child(2)", "Delete");
    until("the confirmation counts the alerts", || {
        text_of(&container, "#confirm-heading")
            == format!(
                "Delete incident {number} and its {}?",
                match incident.alert_ids.len() {
                    1 => "1 alert".to_owned(),
                    count => format!("{count} alerts"),
                }
            )
    })
    .await;
    click_button(&container, "[role=alertdialog] .actions button", "Delete");
    until("it is gone", || {
        text_of(&container, ".lead") == "This workspace has no incident with that number."
    })
    .await;
    assert!(reopened(&name).await.workspace.incident(number).is_none());
    click_button(
        &container,
        "button.undo",
        &format!("Undo deletion of #{number}"),
    );
    until("it is back", || {
        text_of(&container, "h1").starts_with(&format!("Incident {number}: "))
    })
    .await;
    assert_eq!(reopened(&name).await.workspace, workspace);
    clear_local_storage();
}

#[wasm_bindgen_test]
async fn a_refused_choice_leaves_the_select_showing_what_the_incident_holds() {
    let (name, workspace) = saved_with_analyst("page-refused").await;
    let incident = open_with_alerts(&workspace, 1);
    let (number, severity) = (incident.number, incident.severity);
    // Saved by a newer Vigil: the page opens read-only and refuses every change.
    support::put_raw(&name, "meta", "meta", "{\"schemaVersion\": 7}").await;
    let (container, _app) = open_page(&name, number).await;
    let other = Severity::ALL
        .iter()
        .copied()
        .find(|other| *other != severity)
        .unwrap();
    choose(&container, "#incident-severity", &other.to_string());
    assert_eq!(
        support::value_of(&container, "#incident-severity"),
        severity.to_string()
    );
    until("the refusal shows", || {
        text_of(&container, ".banners").contains("read-only")
    })
    .await;
    clear_local_storage();
}
