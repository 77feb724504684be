//! One incident, by number.

use leptos::prelude::*;

use super::page::Page;

/// The incident page for `number`.
#[component]
pub fn IncidentPage(
    /// The incident's number, from the address.
    number: u64,
) -> impl IntoView {
    view! {
        <Page heading=format!("Incident {number}")>
            <p class="lead">"Details, alerts, entities and activity of this incident."</p>
        </Page>
    }
}
