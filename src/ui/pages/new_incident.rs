//! The creation form, for events no detector saw.

use leptos::prelude::*;

use super::page::Page;

/// Opens an incident by hand.
#[component]
pub fn NewIncidentPage() -> impl IntoView {
    view! {
        <Page heading="New incident">
            <p class="lead">"Open an incident for something no detector raised."</p>
        </Page>
    }
}
