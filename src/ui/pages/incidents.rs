//! The incident queue.

use leptos::prelude::*;

use super::page::Page;

/// Where analysts triage.
#[component]
pub fn IncidentsPage() -> impl IntoView {
    view! {
        <Page heading="Incidents">
            <p class="lead">"The queue of this workspace's incidents, New and Active first."</p>
        </Page>
    }
}
