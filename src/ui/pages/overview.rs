//! The overview: the security situation at a glance.

use leptos::prelude::*;

use super::page::Page;

/// The start page.
#[component]
pub fn OverviewPage() -> impl IntoView {
    view! {
        <Page heading="Overview">
            <p class="lead">"Counts, trends and response times of this workspace's incidents."</p>
        </Page>
    }
}
