//! The app shell mounted in headless Chromium: routes, navigation and text rendering, checked
//! through the DOM as an analyst would see them.
#![cfg(target_arch = "wasm32")]

use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{HtmlElement, window};
use vigil::ui::App;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

mod support;

use support::next_task;

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts a fresh app at `hash` into its own container; the handle unmounts it when dropped.
fn mount_at(hash: &str) -> (HtmlElement, impl Drop) {
    window().unwrap().location().set_hash(hash).unwrap();
    let document = window().unwrap().document().unwrap();
    let container: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&container).unwrap();
    let handle = mount_to(container.clone(), App);
    (container, handle)
}

/// Goes to `hash` the way a clicked link does, and lets the app react.
async fn navigate(hash: &str) {
    window().unwrap().location().set_hash(hash).unwrap();
    next_task().await;
}

fn heading(container: &HtmlElement) -> String {
    container
        .query_selector("h1")
        .unwrap()
        .expect("every page has a heading")
        .text_content()
        .unwrap_or_default()
}

fn current_nav_link(container: &HtmlElement) -> Option<String> {
    container
        .query_selector("nav a[aria-current='page']")
        .unwrap()
        .and_then(|link| link.text_content())
}

#[wasm_bindgen_test]
async fn a_deep_link_opens_its_page() {
    let (container, _app) = mount_at("#/incidents/42");
    assert_eq!(heading(&container), "Incident 42");
    assert_eq!(current_nav_link(&container).as_deref(), Some("Incidents"));
    next_task().await; // The tab title is set by an effect, which runs after mounting.
    assert_eq!(document().title(), "Incident 42 · Vigil");
}

#[wasm_bindgen_test]
async fn following_the_address_changes_the_page_and_the_marked_section() {
    let (container, _app) = mount_at("#/");
    assert_eq!(heading(&container), "Overview");
    assert_eq!(current_nav_link(&container).as_deref(), Some("Overview"));

    navigate("#/incidents").await;
    assert_eq!(heading(&container), "Incidents");
    assert_eq!(current_nav_link(&container).as_deref(), Some("Incidents"));

    navigate("#/incidents/new").await;
    assert_eq!(heading(&container), "New incident");
    assert_eq!(
        current_nav_link(&container).as_deref(),
        Some("New incident")
    );
    assert_eq!(document().title(), "New incident · Vigil");
}

#[wasm_bindgen_test]
async fn clicking_a_navigation_link_opens_its_section() {
    let (container, _app) = mount_at("#/");
    let link: HtmlElement = container
        .query_selector("nav a[href='#/incidents']")
        .unwrap()
        .expect("a link to the queue")
        .unchecked_into();
    link.click();
    next_task().await;
    assert_eq!(heading(&container), "Incidents");
}

#[wasm_bindgen_test]
async fn another_page_opens_at_its_top_wherever_the_last_was_scrolled() {
    let (container, _app) = mount_at("#/incidents");
    // A page long enough to scroll, as a long queue or incident is.
    container
        .style()
        .set_property("min-height", "5000px")
        .unwrap();
    let window = window().unwrap();
    window.scroll_to_with_x_and_y(0.0, 2000.0);
    assert_eq!(window.scroll_y().unwrap(), 2000.0);
    navigate("#/incidents/42").await;
    assert!(heading(&container).starts_with("Incident 42"));
    assert_eq!(window.scroll_y().unwrap(), 0.0, "the heading is in view");
    container.remove();
}

#[wasm_bindgen_test]
async fn an_unknown_address_says_so_and_shows_it_as_text() {
    let (container, _app) = mount_at("#/<img src=x onerror=alert(1)>");
    assert_eq!(heading(&container), "Page not found");
    assert!(
        container.query_selector("img").unwrap().is_none(),
        "markup in the address must not render"
    );
    let shown = container
        .query_selector("code")
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap();
    assert!(
        shown.contains("<img"),
        "the address is shown as typed, got {shown:?}"
    );
    assert_eq!(current_nav_link(&container), None);
}

#[wasm_bindgen_test]
async fn an_unmounted_app_leaves_the_page_and_the_tab_title_alone() {
    let (container, app) = mount_at("#/incidents");
    next_task().await;
    assert_eq!(document().title(), "Incidents · Vigil");
    drop(app);
    navigate("#/incidents/new").await;
    assert!(container.query_selector("h1").unwrap().is_none());
    assert_eq!(
        document().title(),
        "Incidents · Vigil",
        "a disposed app must not react to the address any more"
    );
}
