//! The creation form through the DOM, as an analyst fills it in headless Chromium: every field
//! rule, the five classifications, tags, Assign to me, the kept draft, leaving with unsaved
//! input, and text that looks like markup.
#![cfg(target_arch = "wasm32")]

use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{HtmlElement, window};
use vigil::core::closing::ClosingChoice;
use vigil::core::vocabulary::IncidentStatus;
use vigil::store::idb::IdbStore;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

mod support;

use support::{
    answer_confirm, choose, clear_local_storage, click_button, mount_app, open_next, reopened,
    saved_workspace, text_of, type_into, until, until_opened, value_of,
};

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts the app on the form once a fresh workspace named after `test` has opened.
async fn form(test: &str) -> (String, HtmlElement, impl Drop) {
    let name = saved_workspace(test).await;
    open_next(&name);
    let (container, app) = mount_app("#/incidents/new");
    until_opened(&container).await;
    until("the form shows", || {
        container
            .query_selector("#incident-title")
            .unwrap()
            .is_some()
    })
    .await;
    (name, container, app)
}

fn create(container: &HtmlElement) {
    click_button(container, ".incident-form button[type=submit]", "Create");
}

/// The number the workspace's next incident gets: unchanged while nothing is saved.
async fn stored_next_number(name: &str) -> u64 {
    let store = IdbStore::open(name, |_| {}).await.unwrap();
    store.load().await.unwrap().workspace.next_number()
}

fn focused_id() -> String {
    window()
        .unwrap()
        .document()
        .unwrap()
        .active_element()
        .map(|element| element.id())
        .unwrap_or_default()
}

/// Waits until the confirmation names a newly created incident (not `previous`), and
/// returns its number.
async fn created_after(container: &HtmlElement, previous: Option<u64>) -> u64 {
    let number = || {
        let text = text_of(container, ".banner.created");
        let number = text
            .strip_prefix("Incident ")?
            .split_whitespace()
            .next()?
            .parse()
            .ok();
        number.filter(|number| Some(*number) != previous)
    };
    until("the incident is created", || number().is_some()).await;
    number().unwrap()
}

/// Waits until the confirmation names the first incident created on this page.
async fn created_number(container: &HtmlElement) -> u64 {
    created_after(container, None).await
}

fn chips(container: &HtmlElement) -> Vec<String> {
    let list = container.query_selector_all(".tag-list li span").unwrap();
    (0..list.length())
        .map(|index| list.item(index).unwrap().text_content().unwrap_or_default())
        .collect()
}

#[wasm_bindgen_test]
async fn an_empty_or_blank_title_is_refused_beside_the_field_and_focused() {
    let (name, container, _app) = form("form-title").await;
    let before = stored_next_number(&name).await;
    for typed in ["", "   "] {
        type_into(&container, "#incident-title", typed);
        type_into(
            &container,
            "#incident-description",
            "Kept while the title is fixed.",
        );
        create(&container);
        until("the title is refused", || {
            text_of(&container, "#incident-title-error") == "Title is required"
        })
        .await;
        assert_eq!(focused_id(), "incident-title");
        assert_eq!(value_of(&container, "#incident-title"), typed);
    }
    assert_eq!(stored_next_number(&name).await, before);

    type_into(
        &container,
        "#incident-title",
        "  Suspicious visitor at reception  ",
    );
    create(&container);
    let number = created_number(&container).await;
    assert_eq!(number, before);
    assert_eq!(text_of(&container, "#incident-title-error"), "");
    let stored = reopened(&name).await;
    let incident = stored.workspace.incident(number).unwrap().clone();
    assert_eq!(incident.title, "Suspicious visitor at reception");
    assert_eq!(incident.description, "Kept while the title is fixed.");
    clear_local_storage();
}

#[wasm_bindgen_test]
async fn the_description_counts_characters_not_bytes_up_to_five_thousand() {
    let (_, container, _app) = form("form-description").await;
    type_into(&container, "#incident-title", "SMS phishing wave");
    type_into(&container, "#incident-description", &"é".repeat(5_001));
    until("the counter and the error show", || {
        text_of(&container, "#incident-description-count") == "5001 / 5000"
            && text_of(&container, "#incident-description-error")
                == "Description is 5001 characters long; at most 5000 are allowed"
    })
    .await;
    create(&container);
    until("focus moves to the description", || {
        focused_id() == "incident-description"
    })
    .await;
    assert!(
        container
            .query_selector(".banner.created")
            .unwrap()
            .is_none()
    );

    type_into(&container, "#incident-description", &"é".repeat(5_000));
    until("the error clears", || {
        text_of(&container, "#incident-description-error").is_empty()
    })
    .await;
    create(&container);
    created_number(&container).await;
    clear_local_storage();
}

#[wasm_bindgen_test]
async fn closed_needs_a_classification_and_each_of_the_five_closes() {
    let (name, container, _app) = form("form-closed").await;
    type_into(&container, "#incident-title", "Hunt finding");
    assert!(
        container
            .query_selector("#new-classification")
            .unwrap()
            .is_none()
    );
    choose(&container, "#incident-status", "Closed");
    until("the classification shows", || {
        container
            .query_selector("#new-classification")
            .unwrap()
            .is_some()
    })
    .await;
    create(&container);
    until("the classification is required", || {
        text_of(&container, "#new-classification-error")
            == "Classification is required to close an incident"
    })
    .await;
    assert_eq!(focused_id(), "new-classification");

    let mut previous = None;
    for choice in ClosingChoice::ALL {
        type_into(
            &container,
            "#incident-title",
            &format!("Closed as {}", choice.label()),
        );
        choose(&container, "#incident-status", "Closed");
        until("the classification shows", || {
            container
                .query_selector("#new-classification")
                .unwrap()
                .is_some()
        })
        .await;
        choose(&container, "#new-classification", choice.as_str());
        type_into(&container, "#new-closing-comment", "checked with the user");
        create(&container);
        let number = created_after(&container, previous).await;
        previous = Some(number);
        assert!(
            text_of(&container, ".banner.created").contains("does not show it"),
            "{}",
            text_of(&container, ".banner.created")
        );
        let stored = reopened(&name).await;
        let incident = stored.workspace.incident(number).unwrap().clone();
        assert_eq!(incident.status, IncidentStatus::Closed);
        let closing = incident.closing.clone().unwrap();
        assert_eq!(closing.choice(), Some(choice));
        assert_eq!(closing.comment(), "checked with the user");
        // The form is blank again for the next one.
        assert_eq!(value_of(&container, "#incident-title"), "");
    }
    clear_local_storage();
}

#[wasm_bindgen_test]
async fn tags_are_added_by_enter_or_plus_once_whatever_their_case_and_removed() {
    let (name, container, _app) = form("form-tags").await;
    type_into(&container, "#incident-title", "Tagged");
    type_into(&container, "#new-tag", "Phishing");
    support::press(&container, "#new-tag", "Enter");
    type_into(&container, "#new-tag", "  PHISHING ");
    click_button(&container, ".add-tag", "+");
    type_into(&container, "#new-tag", "<b>sms</b>");
    support::press(&container, "#new-tag", "Enter");
    type_into(&container, "#new-tag", "remove me");
    click_button(&container, ".add-tag", "+");
    until("three chips show", || chips(&container).len() == 3).await;
    assert_eq!(chips(&container), ["Phishing", "<b>sms</b>", "remove me"]);
    // Markup-like text is shown as text.
    assert!(container.query_selector(".tag-list b").unwrap().is_none());
    let remove: HtmlElement = container
        .query_selector("button[aria-label='Remove tag remove me']")
        .unwrap()
        .unwrap()
        .unchecked_into();
    remove.click();
    until("the chip goes", || chips(&container).len() == 2).await;
    // A tag over the limit is named as soon as it is added, before any Create.
    type_into(&container, "#new-tag", &"x".repeat(129));
    support::press(&container, "#new-tag", "Enter");
    until("the long tag is named", || {
        support::text_of(&container, "#new-tags-error")
            == "Tags: tag 3 is longer than 128 characters"
    })
    .await;
    let remove: HtmlElement = container
        .query_selector(&format!(
            "button[aria-label='Remove tag {}']",
            "x".repeat(129)
        ))
        .unwrap()
        .unwrap()
        .unchecked_into();
    remove.click();
    until("the error goes with it", || {
        support::text_of(&container, "#new-tags-error").is_empty()
    })
    .await;
    create(&container);
    let number = created_number(&container).await;
    let stored = reopened(&name).await;
    let labels: Vec<String> = stored
        .workspace
        .incident(number)
        .unwrap()
        .labels
        .iter()
        .map(|label| label.name.clone())
        .collect();
    assert_eq!(labels, ["Phishing", "<b>sms</b>"]);
    clear_local_storage();
}

#[wasm_bindgen_test]
async fn assign_to_me_asks_who_the_analyst_is_once_then_fills_them_in() {
    let (name, container, _app) = form("form-me").await;
    type_into(&container, "#incident-title", "Mine");
    click_button(&container, ".owner-entry button", "Assign to me");
    until("the form asks who they are", || {
        container.query_selector("#analyst-name").unwrap().is_some()
    })
    .await;
    type_into(&container, "#analyst-name", "Ana Silva");
    type_into(&container, "#analyst-email", "ana@contoso.com");
    click_button(&container, ".who-are-you button", "Save and assign to me");
    until("the owner is filled", || {
        value_of(&container, "#incident-owner") == "Ana Silva"
    })
    .await;
    assert!(container.query_selector("#analyst-name").unwrap().is_none());
    create(&container);
    let number = created_number(&container).await;

    // Asked once: the next time it fills at once.
    type_into(&container, "#incident-title", "Mine too");
    click_button(&container, ".owner-entry button", "Assign to me");
    until("the owner is filled again", || {
        value_of(&container, "#incident-owner") == "Ana Silva"
    })
    .await;
    assert!(container.query_selector("#analyst-name").unwrap().is_none());
    let stored = reopened(&name).await;
    let incident = stored.workspace.incident(number).unwrap().clone();
    let owner = incident.owner.clone().unwrap();
    assert_eq!(owner.email.as_deref(), Some("ana@contoso.com"));
    assert_eq!(&*incident.activity[0].by.name, "Ana Silva");
    clear_local_storage();
}

#[wasm_bindgen_test]
async fn a_draft_survives_a_remount_and_leaving_asks_first() {
    let (_, container, app) = form("form-draft").await;
    type_into(
        &container,
        "#incident-title",
        "Half-written <script>alert(1)</script>",
    );
    type_into(&container, "#incident-description", "Line one\nLine two");
    choose(&container, "#incident-severity", "High");
    // Keystrokes are tasks of their own; the page keeps the draft between them.
    support::next_task().await;
    drop(app);

    let (container, _app) = mount_app("#/incidents/new");
    until("the draft is back", || {
        container
            .query_selector("#incident-title")
            .unwrap()
            .is_some()
            && value_of(&container, "#incident-title") == "Half-written <script>alert(1)</script>"
    })
    .await;
    assert!(container.query_selector("script").unwrap().is_none());
    let severity = container
        .query_selector("#incident-severity")
        .unwrap()
        .unwrap()
        .unchecked_into::<leptos::web_sys::HtmlSelectElement>()
        .value();
    assert_eq!(severity, "High");

    // The analyst says Stay: the form and its input remain.
    answer_confirm(false);
    window().unwrap().location().set_hash("#/").unwrap();
    for _ in 0..5 {
        support::next_task().await;
    }
    assert!(
        container
            .query_selector("#incident-title")
            .unwrap()
            .is_some()
    );
    assert_eq!(
        window().unwrap().location().hash().unwrap(),
        "#/incidents/new"
    );

    // The analyst says Leave: the draft is discarded.
    answer_confirm(true);
    window().unwrap().location().set_hash("#/").unwrap();
    until("the overview shows", || {
        container
            .query_selector("#incident-title")
            .unwrap()
            .is_none()
    })
    .await;
    window()
        .unwrap()
        .location()
        .set_hash("#/incidents/new")
        .unwrap();
    until("the form shows again, empty", || {
        container
            .query_selector("#incident-title")
            .unwrap()
            .is_some()
    })
    .await;
    assert_eq!(value_of(&container, "#incident-title"), "");
    clear_local_storage();
}

#[wasm_bindgen_test]
async fn typing_an_address_as_owner_with_a_bad_email_is_refused() {
    let (_, container, _app) = form("form-owner").await;
    type_into(&container, "#incident-title", "Owned");
    type_into(&container, "#incident-owner", "ana@");
    create(&container);
    until("the owner is refused", || {
        text_of(&container, "#incident-owner-error") == "Owner: the e-mail address is not valid"
    })
    .await;
    assert_eq!(focused_id(), "incident-owner");
    clear_local_storage();
}
