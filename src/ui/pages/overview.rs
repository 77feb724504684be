//! The overview: the security situation at a glance.

use leptos::prelude::*;

use super::page::Page;
use crate::core::vocabulary::IncidentStatus;
use crate::ui::desk::Desk;

/// The start page.
#[component]
pub fn OverviewPage() -> impl IntoView {
    let desk = Desk::get();
    let workspace = desk.workspace();
    let summary = move || {
        let workspace = workspace.read();
        let (mut total, mut open) = (0, 0);
        for incident in workspace.incidents() {
            total += 1;
            if incident.status != IncidentStatus::Closed {
                open += 1;
            }
        }
        let alerts = workspace.correlation().alerts().count();
        format!("{total} incidents, {open} of them open, holding {alerts} alerts.")
    };
    view! {
        <Page heading="Overview">
            <p class="lead">"Counts, trends and response times of this workspace's incidents."</p>
            <p class="workspace-summary">{summary}</p>
        </Page>
    }
}
