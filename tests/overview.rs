//! The overview through the DOM in headless Chromium: its tiles count what the model counts
//! for the chosen period and link to the queue with that filter (Closed by when they were
//! closed, the others by when they were created); its charts carry their
//! numbers as text; its recent incidents link to their pages.
#![cfg(target_arch = "wasm32")]

use chrono::{DateTime, Duration, Utc};
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{HtmlElement, window};
use uuid::Uuid;
use vigil::core::closing::{Closing, ClosingChoice};
use vigil::core::draft::IncidentDraft;
use vigil::core::incident::Edit;
use vigil::core::people::{Actor, Owner};
use vigil::core::vocabulary::{IncidentStatus, Severity};
use vigil::core::workspace::Workspace;
use vigil::store::idb::IdbStore;
use vigil::store::snapshot::records_of;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

mod support;

use support::{
    choose, clear_local_storage, click, fresh_name, mount_app, open_next, queue_numbers,
    save_fresh, text_of, until,
};

wasm_bindgen_test_configure!(run_in_browser);

/// Now, by the browser's clock, as the page reads it.
fn browser_now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap()
}

/// Incidents created by the hour before now: two High ones still New and unowned (5 and 30
/// hours old), a Medium one taken up and owned (3 hours old), and a Low one closed as a true
/// positive (50 hours old). Returns the workspace and their numbers in that order.
fn recent_workspace() -> (Workspace, [u64; 4]) {
    let mut workspace = Workspace::default();
    let ana = Actor::named("Ana Silva");
    let mut create = |hours: i64, severity: Severity, title: &str| {
        let draft = IncidentDraft {
            title: title.into(),
            severity,
            ..IncidentDraft::default()
        };
        let number = workspace.next_number();
        workspace.create(
            Uuid::from_u128(u128::from(number)),
            draft.validate().unwrap(),
            &ana,
            browser_now() - Duration::hours(hours),
        );
        number
    };
    let numbers = [
        create(5, Severity::High, "Password spray"),
        create(30, Severity::High, "Impossible travel"),
        create(3, Severity::Medium, "Mailbox forwarding rule"),
        create(50, Severity::Low, "Port scan"),
    ];
    let mut edit =
        |number: u64, change: &dyn Fn(&mut vigil::core::incident::Incident, Edit<'_>)| {
            let incident = workspace.incident_mut(number).unwrap();
            let etag = incident.etag.clone();
            let at = incident.created + Duration::minutes(40);
            change(
                incident,
                Edit {
                    by: &ana,
                    at,
                    etag: &etag,
                },
            );
        };
    edit(numbers[2], &|incident, edit| {
        incident
            .set_owner(edit, Some(Owner::person("Ana Silva", "ana@contoso.com")))
            .unwrap();
    });
    edit(numbers[2], &|incident, edit| {
        incident.set_status(edit, IncidentStatus::Active).unwrap();
    });
    edit(numbers[3], &|incident, edit| {
        incident
            .close(
                edit,
                Closing::from_choice(ClosingChoice::TruePositiveSuspiciousActivity, ""),
            )
            .unwrap();
    });
    (workspace, numbers)
}

/// The count a tile shows, by its label.
fn tile(container: &HtmlElement, label: &str) -> String {
    let tiles = container.query_selector_all(".tile").unwrap();
    (0..tiles.length())
        .filter_map(|index| tiles.item(index))
        .map(|tile| tile.text_content().unwrap_or_default())
        .find_map(|text| text.strip_suffix(label).map(str::to_owned))
        .unwrap_or_else(|| panic!("no tile {label}"))
}

#[wasm_bindgen_test]
async fn tiles_count_the_period_and_lead_to_the_queue_with_that_filter() {
    let (workspace, numbers) = recent_workspace();
    let name = save_fresh("overview", &workspace).await;
    open_next(&name);
    let (container, _app) = mount_app("#/");
    until("the week is counted", || tile(&container, "Created") == "4").await;
    assert_eq!(tile(&container, "New"), "2");
    assert_eq!(tile(&container, "Active"), "1");
    assert_eq!(tile(&container, "High"), "2");
    assert_eq!(tile(&container, "Closed"), "1");
    assert_eq!(tile(&container, "Unassigned"), "2");
    assert_eq!(text_of(&container, ".response-mean"), "40 min");

    // The chart's numbers are there as text: its title, and a table for screen readers.
    assert_eq!(
        text_of(&container, ".over-time svg title"),
        "Incidents created over time, by severity"
    );
    let table_rows = container
        .query_selector_all(".over-time table tbody tr")
        .unwrap();
    // A row a calendar day: seven days from now back span eight of them, in part at each end.
    assert_eq!(table_rows.length(), 8, "a row a day");
    // Its axes: the tallest bar's count over zero, and a date under each of the bars, the day
    // that bar begins.
    let tallest = (0..table_rows.length())
        .map(|row| {
            let row: HtmlElement = table_rows.item(row).unwrap().unchecked_into();
            let counts = row.query_selector_all("td").unwrap();
            (0..counts.length())
                .map(|cell| {
                    counts
                        .item(cell)
                        .unwrap()
                        .text_content()
                        .unwrap()
                        .parse::<usize>()
                        .unwrap()
                })
                .sum::<usize>()
        })
        .max()
        .unwrap();
    assert!(tallest > 0);
    assert_eq!(
        text_of(&container, ".axis-count span:first-child"),
        tallest.to_string()
    );
    assert_eq!(text_of(&container, ".axis-count span:last-child"), "0");
    let dates = container.query_selector_all(".axis-time span").unwrap();
    assert_eq!(dates.length(), 8);
    let first_date = dates.item(0).unwrap().text_content().unwrap();
    let first_row = text_of(&container, ".over-time table tbody tr th");
    assert!(
        !first_date.is_empty() && first_row.starts_with(&format!("{first_date} ")),
        "the first bar is labelled {first_date:?}, and begins {first_row:?}"
    );
    assert!(
        container
            .query_selector(".over-time rect title")
            .unwrap()
            .is_some()
    );
    // Newest first, each linking to its page.
    assert_eq!(
        text_of(&container, ".recent tbody tr td a"),
        numbers[2].to_string()
    );

    choose(&container, "#overview-range", "24h");
    until("the last day is counted", || {
        tile(&container, "Created") == "2"
    })
    .await;
    assert_eq!(tile(&container, "High"), "1");
    assert_eq!(tile(&container, "Closed"), "0");

    let unassigned = container
        .query_selector_all(".tile")
        .unwrap()
        .item(8)
        .unwrap();
    assert!(unassigned.text_content().unwrap().ends_with("Unassigned"));
    click(&container, ".tiles li:nth-child(9) a");
    until("the queue shows the unassigned of the last day", || {
        window().unwrap().location().hash().unwrap() == "#/incidents?owner=%40unassigned&range=24h"
            && queue_numbers(&container) == [numbers[0].to_string()]
    })
    .await;
    clear_local_storage();
}

#[wasm_bindgen_test]
async fn the_period_lives_in_the_address_so_a_reload_shows_the_same_figures() {
    let (workspace, _) = recent_workspace();
    let name = save_fresh("overview-address", &workspace).await;
    open_next(&name);
    let (container, app) = mount_app("#/?period=24h");
    until("the last day is counted", || {
        tile(&container, "Created") == "2"
    })
    .await;
    assert_eq!(support::value_of(&container, "#overview-range"), "24h");
    choose(&container, "#overview-range", "30d");
    until("the address follows the choice", || {
        window().unwrap().location().hash().unwrap() == "#/?period=30d"
    })
    .await;
    until("the month is counted", || {
        tile(&container, "Created") == "4"
    })
    .await;
    drop(app);

    // A day the address names that is no day is not taken, nor written back when the
    // analyst changes the other.
    let (container, _app) = mount_app("#/?period=custom&from=%3Cscript%3E&to=2026-11-30");
    until("the custom days show", || {
        container.query_selector("#overview-to").unwrap().is_some()
    })
    .await;
    let to: leptos::web_sys::HtmlInputElement = container
        .query_selector("#overview-to")
        .unwrap()
        .unwrap()
        .unchecked_into();
    to.set_value("2026-11-29");
    to.dispatch_event(&leptos::web_sys::Event::new("change").unwrap())
        .unwrap();
    let hash = || window().unwrap().location().hash().unwrap();
    until("the address follows the new last day", || {
        hash().ends_with("&to=2026-11-29")
    })
    .await;
    let from = vigil::route::query_value(&hash(), "from").unwrap();
    assert!(
        chrono::NaiveDate::parse_from_str(&from, "%Y-%m-%d").is_ok(),
        "the address says from={from:?}"
    );
    clear_local_storage();
}

#[wasm_bindgen_test]
async fn the_closed_tile_leads_to_the_incidents_closed_in_the_period_whenever_created() {
    // Created ten days ago, before the week; closed two days ago, in it.
    let mut workspace = Workspace::default();
    let ana = Actor::named("Ana Silva");
    let created = browser_now() - Duration::days(10);
    let draft = IncidentDraft {
        title: "Suspicious inbox rule".into(),
        ..IncidentDraft::default()
    };
    let number = workspace.next_number();
    workspace.create(Uuid::from_u128(7), draft.validate().unwrap(), &ana, created);
    let incident = workspace.incident_mut(number).unwrap();
    let etag = incident.etag.clone();
    incident
        .close(
            Edit {
                by: &ana,
                at: browser_now() - Duration::days(2),
                etag: &etag,
            },
            Closing::from_choice(ClosingChoice::BenignPositiveSuspiciousButExpected, ""),
        )
        .unwrap();
    let name = save_fresh("overview-closed", &workspace).await;
    open_next(&name);
    let (container, _app) = mount_app("#/");
    until("the week is counted", || tile(&container, "Closed") == "1").await;
    assert_eq!(tile(&container, "Created"), "0");
    // Named as the closing dialog names it, not by its API value.
    assert!(
        text_of(
            &container,
            "[aria-label='Closed incidents by classification']"
        )
        .contains("Benign positive1"),
        "{}",
        text_of(
            &container,
            "[aria-label='Closed incidents by classification']"
        )
    );

    click(&container, ".tiles li:nth-child(8) a");
    until("the queue shows what was closed in the week", || {
        window().unwrap().location().hash().unwrap() == "#/incidents?status=Closed&closed=7d"
            && queue_numbers(&container) == [number.to_string()]
    })
    .await;
    clear_local_storage();
}

#[wasm_bindgen_test]
async fn an_empty_workspace_says_so_rather_than_drawing_nothing() {
    let name = fresh_name("overview-empty");
    let store = IdbStore::open(&name, |_| {}).await.unwrap();
    store
        .replace(records_of(&Workspace::default()))
        .await
        .unwrap();
    drop(store);
    open_next(&name);
    let (container, _app) = mount_app("#/");
    support::until_opened(&container).await;
    until("the overview shows", || {
        text_of(&container, ".workspace-summary")
            == "0 incidents, 0 of them open, holding 0 alerts."
    })
    .await;
    assert_eq!(tile(&container, "Created"), "0");
    assert_eq!(text_of(&container, ".response-mean"), "No incident yet");
    assert!(text_of(&container, ".page").contains("No incident was closed in this period."));
    assert!(text_of(&container, ".page").contains("No incident was created in this period."));
    clear_local_storage();
}

#[wasm_bindgen_test]
async fn the_summary_counts_incidents_as_the_queue_does_leaving_merged_ones_apart() {
    let workspace = support::workspace();
    let merged = workspace
        .incidents()
        .filter(|incident| incident.merged_into.is_some())
        .count();
    assert!(merged > 0, "the test workspace has a merged incident");
    let live = workspace.incidents().count() - merged;
    let name = save_fresh("overview-summary", &workspace).await;
    open_next(&name);
    let (container, _app) = mount_app("#/");
    support::until_opened(&container).await;
    let expected_start = format!("{live} incidents ({merged} more merged into others), ");
    until("the summary counts live incidents", || {
        text_of(&container, ".workspace-summary").starts_with(&expected_start)
    })
    .await;
    window()
        .unwrap()
        .location()
        .set_hash("#/incidents?status=New,Active,Closed")
        .unwrap();
    until("the queue counts the same", || {
        text_of(&container, ".queue-count") == format!("{live} of {live} incidents")
    })
    .await;
    clear_local_storage();
}
