//! The incident queue's sorting and filters through the DOM in headless Chromium: a header
//! sorts and reverses, severity, owner and Search narrow the list, and the address keeps all of
//! it, so the same address gives the same queue after a reload; the table holds only the rows
//! in view, scrolling brings the others, a new order starts from its top, and the keys keep the
//! highlighted row in sight.
#![cfg(target_arch = "wasm32")]

use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{HtmlElement, window};
use vigil::core::vocabulary::{IncidentStatus, Severity};
use vigil::core::workspace::Workspace;
use vigil::store::idb::IdbStore;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

mod support;

use support::{
    choose, clear_local_storage, click, click_button, mount_app, open_next, queue_numbers,
    saved_workspace, type_into, until,
};

wasm_bindgen_test_configure!(run_in_browser);

/// A saved workspace's name, with the workspace as saved.
async fn saved(test: &str) -> (String, Workspace) {
    let name = saved_workspace(test).await;
    let store = IdbStore::open(&name, |_| {}).await.unwrap();
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

/// The queue's default order: newest first, then the higher number.
fn newest_first(
    incident: &vigil::core::incident::Incident,
) -> (
    std::cmp::Reverse<chrono::DateTime<chrono::Utc>>,
    std::cmp::Reverse<u64>,
) {
    (
        std::cmp::Reverse(incident.created),
        std::cmp::Reverse(incident.number),
    )
}

/// Opens `name` on the queue and waits until it lists something.
async fn open_queue(name: &str) -> (HtmlElement, impl Drop + use<>) {
    open_next(name);
    let (container, app) = mount_app("#/incidents");
    until("the queue is listed", || {
        !queue_numbers(&container).is_empty()
    })
    .await;
    (container, app)
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
async fn owner_me_before_the_analyst_is_named_says_who_me_is_and_where_to_say_it() {
    let (name, workspace) = saved("queue-me").await;
    assert!(workspace.team().analyst().is_none());
    let (container, _app) = open_queue(&name).await;
    choose(&container, "#queue-owner", "@me");
    until("the empty queue says why", || {
        support::text_of(&container, ".queue-empty").starts_with(
            "Owner \"Me\" is the analyst named under You on the Workspaces page, and nobody is named",
        )
    })
    .await;
    assert!(
        container
            .query_selector(".queue-empty a[href='#/workspaces']")
            .unwrap()
            .is_some()
    );
    clear_local_storage();
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

    let (container, app) = open_queue(&name).await;
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

    // A queue link followed while the queue shows (pasted, or from the history): it follows.
    window().unwrap().location().set_hash("/incidents").unwrap();
    until("the queue follows the address", || {
        queue_numbers(&container) == everything
    })
    .await;
    assert_eq!(support::value_of(&container, "#queue-search"), "");
    clear_local_storage();
}

/// A saved workspace of more than 500 open incidents, with their queue order (newest first).
async fn saved_long_queue(test: &str) -> (String, Vec<String>) {
    let mut workspace = Workspace::default();
    let feed =
        vigil::synthetic::AlertFeed::new(7, 5_000, support::start(), chrono::Duration::days(30))
            .batch(1_000, 1_000);
    support::ingest(
        &mut workspace,
        feed,
        support::start() + chrono::Duration::days(31),
        0,
    );
    let order = open_numbers(&workspace, |_| true, newest_first);
    assert!(order.len() > 500, "{} open incidents", order.len());
    let name = support::fresh_name(test);
    let store = IdbStore::open(&name, |_| {}).await.unwrap();
    store
        .replace(vigil::store::snapshot::records_of(&workspace))
        .await
        .unwrap();
    (name, order)
}

/// Puts the app's own stylesheet in the page, which gives the table its scrolled window and
/// row height; removed when the returned element is.
fn app_stylesheet() -> leptos::web_sys::Element {
    let document = window().unwrap().document().unwrap();
    let style = document.create_element("style").unwrap();
    style.set_text_content(Some(include_str!("../style/main.css")));
    document.head().unwrap().append_child(&style).unwrap();
    style
}

/// The queue's scrolled window.
fn scroller_of(container: &HtmlElement) -> HtmlElement {
    container
        .query_selector(".queue-scroll")
        .unwrap()
        .unwrap()
        .unchecked_into::<HtmlElement>()
}

/// Scrolls the queue's window to its end, as a wheel would.
fn scroll_to_the_end(scroller: &HtmlElement) {
    scroller.set_scroll_top(scroller.scroll_height());
    scroller
        .dispatch_event(&leptos::web_sys::Event::new("scroll").unwrap())
        .unwrap();
}

#[wasm_bindgen_test]
async fn the_table_holds_only_the_rows_in_view_and_scrolling_brings_the_others() {
    let (name, order) = saved_long_queue("queue-window").await;
    let style = app_stylesheet();
    let (container, _app) = open_queue(&name).await;
    let listed = queue_numbers(&container);
    assert!(listed.len() < 100, "{} rows in the page", listed.len());
    assert_eq!(listed, order[..listed.len()]);

    scroll_to_the_end(&scroller_of(&container));
    let last = order.last().unwrap().clone();
    until("the last incident is listed", || {
        queue_numbers(&container).last() == Some(&last)
    })
    .await;
    let listed = queue_numbers(&container);
    assert!(listed.len() < 100, "{} rows in the page", listed.len());
    assert!(!listed.contains(&order[0]), "the first rows left the page");
    assert_eq!(listed, order[order.len() - listed.len()..]);

    // A new order starts from its top, not from where the old one was scrolled to.
    click_button(&container, "th:nth-child(3) button", "Title");
    until("the queue shows its new first rows", || {
        scroller_of(&container).scroll_top() == 0 && queue_numbers(&container).len() < 100
    })
    .await;
    style.remove();
    clear_local_storage();
}

#[wasm_bindgen_test]
async fn the_keys_keep_the_highlighted_row_in_sight() {
    let (name, order) = saved_long_queue("queue-keys-scroll").await;
    let style = app_stylesheet();
    let (container, _app) = open_queue(&name).await;
    let scroller = scroller_of(&container);
    let head = container.query_selector(".queue thead").unwrap().unwrap();
    let window_height = window().unwrap().inner_height().unwrap().as_f64().unwrap();
    for (presses, key) in [(60, "j"), (25, "k")] {
        for _ in 0..presses {
            support::press(&container, ".queue", key);
            support::microtasks().await;
        }
        let active = container
            .query_selector("tr.active")
            .unwrap()
            .expect("a row is highlighted");
        let row = active.get_bounding_client_rect();
        let above =
            scroller.get_bounding_client_rect().top() + head.get_bounding_client_rect().height();
        let below = scroller
            .get_bounding_client_rect()
            .bottom()
            .min(window_height);
        assert!(
            row.top() >= above - 1.0 && row.bottom() <= below + 1.0,
            "after {presses} {key}: the row spans {}..{}, the visible rows {above}..{below}",
            row.top(),
            row.bottom()
        );
    }
    let highlighted = container
        .query_selector("tr.active td:nth-child(2)")
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap();
    // The first press highlights the first row: 60 down and 25 up end on the 35th.
    assert_eq!(highlighted, order[34]);
    style.remove();
    clear_local_storage();
}

#[wasm_bindgen_test]
async fn product_tag_and_age_narrow_the_queue_and_the_search_reaches_comments_and_entities() {
    let mut workspace = support::workspace();
    let open: Vec<u64> = open_numbers(
        &workspace,
        |incident| !incident.alert_ids.is_empty(),
        |i| i.number,
    )
    .iter()
    .map(|number| number.parse().unwrap())
    .collect();
    let (tagged, commented, with_entity) = (open[0], open[1], open[2]);
    let analyst = vigil::core::people::Actor::named("Ana Silva");
    let edit_with = |workspace: &mut Workspace,
                     number: u64,
                     change: &dyn Fn(
        &mut vigil::core::incident::Incident,
        vigil::core::incident::Edit<'_>,
    )| {
        let incident = workspace.incident_mut(number).unwrap();
        let etag = incident.etag.clone();
        let edit = vigil::core::incident::Edit {
            by: &analyst,
            at: support::start(),
            etag: &etag,
        };
        change(incident, edit);
    };
    edit_with(&mut workspace, tagged, &|incident, edit| {
        incident.set_tags(edit, &["Ransomware".to_owned()]).unwrap();
    });
    edit_with(&mut workspace, commented, &|incident, edit| {
        incident
            .comment(
                edit,
                uuid::Uuid::from_u128(9),
                "Called the Helpdesk about it",
            )
            .unwrap();
    });
    let identifier = workspace.correlation().identifiers_of(with_entity)[0].to_owned();
    let naming_it = open_numbers(
        &workspace,
        |incident| {
            workspace
                .correlation()
                .identifiers_of(incident.number)
                .contains(&identifier.as_str())
        },
        newest_first,
    );
    let product = workspace.incident(tagged).unwrap().product_names[0].clone();
    let of_product = open_numbers(
        &workspace,
        |incident| incident.product_names.contains(&product),
        newest_first,
    );
    let name = support::fresh_name("queue-more-filters");
    let store = IdbStore::open(&name, |_| {}).await.unwrap();
    store
        .replace(vigil::store::snapshot::records_of(&workspace))
        .await
        .unwrap();
    drop(store);

    let (container, app) = open_queue(&name).await;
    let everything = queue_numbers(&container);
    choose(&container, "#queue-product", &product);
    until("only that product's incidents", || {
        queue_numbers(&container) == of_product
    })
    .await;
    choose(&container, "#queue-product", "");
    choose(&container, "#queue-tag", "Ransomware");
    until("only the tagged incident", || {
        queue_numbers(&container) == [tagged.to_string()]
    })
    .await;
    assert_eq!(hash(), "#/incidents?tag=Ransomware");
    choose(&container, "#queue-tag", "");
    // The workspace's incidents were all created in October; the browser's clock is later.
    choose(&container, "#queue-range", "24h");
    until("none was created in the last day", || {
        queue_numbers(&container).is_empty()
    })
    .await;
    choose(&container, "#queue-range", "");
    until("every incident again", || {
        queue_numbers(&container) == everything
    })
    .await;
    // None of the open incidents shown was ever closed.
    choose(&container, "#queue-closed", "7d");
    until("none was closed in the last week", || {
        queue_numbers(&container).is_empty()
    })
    .await;
    assert_eq!(hash(), "#/incidents?closed=7d");
    choose(&container, "#queue-closed", "");
    until("every incident again", || {
        queue_numbers(&container) == everything
    })
    .await;

    type_into(&container, "#queue-search", "helpdesk");
    until("the search finds the comment", || {
        queue_numbers(&container) == [commented.to_string()]
    })
    .await;
    type_into(&container, "#queue-search", &identifier.to_uppercase());
    until("the search finds the entity", || {
        queue_numbers(&container) == naming_it
    })
    .await;
    assert!(naming_it.contains(&with_entity.to_string()));

    // A link naming a tag no incident has still says so in the picker.
    drop(app);
    open_next(&name);
    let (container, _app) = mount_app("#/incidents?tag=Nowhere");
    support::until_opened(&container).await;
    until("the picker names the linked tag", || {
        support::value_of(&container, "#queue-tag") == "Nowhere"
    })
    .await;
    assert!(queue_numbers(&container).is_empty());
    clear_local_storage();
}

#[wasm_bindgen_test]
async fn an_empty_queue_says_why_and_clearing_the_filters_brings_the_incidents_back() {
    let (name, workspace) = saved("queue-empty").await;
    let everything = open_numbers(&workspace, |_| true, newest_first);
    open_next(&name);
    let (container, _app) = mount_app("#/incidents?q=nothing-is-called-this&sort=created&dir=asc");
    support::until_opened(&container).await;
    until("the queue says nothing matches", || {
        support::text_of(&container, ".queue-empty")
            == "No incident matches these filters. Clear the filters"
    })
    .await;
    click_button(&container, ".queue-empty button", "Clear the filters");
    until("the incidents are back, oldest first still", || {
        !queue_numbers(&container).is_empty()
    })
    .await;
    let mut oldest_first = everything.clone();
    oldest_first.reverse();
    assert_eq!(queue_numbers(&container), oldest_first);
    assert_eq!(hash(), "#/incidents?sort=created&dir=asc");
    assert!(container.query_selector(".queue-empty").unwrap().is_none());
    clear_local_storage();
}

#[wasm_bindgen_test]
async fn a_link_naming_no_known_status_shows_the_open_incidents() {
    let (name, workspace) = saved("queue-bad-status").await;
    open_next(&name);
    let (container, _app) = mount_app("#/incidents?status=Bogus");
    until("the open incidents are listed", || {
        !queue_numbers(&container).is_empty()
    })
    .await;
    assert_eq!(
        queue_numbers(&container),
        open_numbers(&workspace, |_| true, newest_first)
    );
    clear_local_storage();
}

#[wasm_bindgen_test]
async fn an_empty_workspace_says_how_to_fill_it() {
    let name = support::save_fresh("queue-nothing", &Workspace::default()).await;
    open_next(&name);
    let (container, _app) = mount_app("#/incidents");
    support::until_opened(&container).await;
    until("the queue says how to start", || {
        support::text_of(&container, ".queue-empty")
            == "This workspace has no incidents yet. Create one or import alerts."
    })
    .await;
    clear_local_storage();
}
