//! The frame every page shares: its heading, then its content.

use leptos::prelude::*;

/// A page with its `<h1>`, so every page is announced and styled the same way.
#[component]
pub fn Page(
    /// The page's heading (it may follow what the page shows, as an incident's title does).
    #[prop(into)]
    heading: Signal<String>,
    /// The page's content.
    children: Children,
) -> impl IntoView {
    view! {
        <section class="page">
            <h1>{heading}</h1>
            {children()}
        </section>
    }
}
