//! The activity log: every change to the incident with who, when, what, from and to, newest
//! first.

use leptos::prelude::*;

use crate::core::incident::Incident;
use crate::ui::components::ColumnHeads;
use crate::ui::time_text::to_the_minute;

/// Every change with who, when, from and to, newest first; for an imported incident nobody
/// has changed here yet, where it came from instead of an empty table.
#[component]
pub fn ActivityLog(incident: Incident) -> impl IntoView {
    if incident.activity.is_empty() {
        return view! {
            <h2>"Activity"</h2>
            <p class="activity-none">
                {format!(
                    "No change made in Vigil yet: it came from {}, where it was created {}.",
                    incident.provider_name,
                    to_the_minute(incident.created)
                )}
            </p>
        }
        .into_any();
    }
    view! {
        <h2>"Activity"</h2>
        <table class="activity">
            <ColumnHeads labels=&["When", "Who", "What", "From", "To"] />
            <tbody>
                {incident
                    .activity
                    .iter()
                    .rev()
                    .map(|entry| view! {
                        <tr>
                            <td>{to_the_minute(entry.at)}</td>
                            <td>{entry.by.name.to_string()}</td>
                            <td>{entry.headline()}</td>
                            <td>{entry.from.clone().unwrap_or_default()}</td>
                            <td>{entry.to.clone().unwrap_or_default()}</td>
                        </tr>
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
