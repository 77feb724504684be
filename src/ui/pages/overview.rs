//! The overview: the security situation at a glance.

use leptos::prelude::*;

use super::page::Page;
use crate::ui::desk::Desk;

/// The start page.
#[component]
pub fn OverviewPage() -> impl IntoView {
    let desk = Desk::get();
    let rows = desk.rows();
    let summary = move || {
        let rows = rows.read();
        let open = rows.iter().filter(|row| row.is_open()).count();
        let alerts: usize = rows.iter().map(|row| row.alerts).sum();
        format!(
            "{} incidents, {open} of them open, holding {alerts} alerts.",
            rows.len()
        )
    };
    view! {
        <Page heading="Overview">
            <p class="lead">"Counts, trends and response times of this workspace's incidents."</p>
            <p class="workspace-summary">{summary}</p>
        </Page>
    }
}
