//! The incident queue: this workspace's incidents as a table, filtered by status as the address
//! says (New and Active by default, as in Sentinel), with how many match; selected incidents
//! are closed together through the closing dialog.

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::page::Page;
use crate::core::closing::Closing;
use crate::core::queue_filter::QueueFilter;
use crate::core::queue_row::QueueRow;
use crate::core::vocabulary::IncidentStatus;
use crate::route::{Route, query_of};
use crate::ui::components::ClosingDialog;
use crate::ui::desk::Desk;
use crate::ui::time_text::to_the_minute;

/// Rows put in the page at most, until the queue is windowed: a workspace of 100,000
/// incidents must not build 100,000 rows at once.
const ROWS_SHOWN: usize = 500;

/// The queue's filter in the address bar right now.
fn filter_in_address() -> QueueFilter {
    QueueFilter::from_query(query_of(&window().location().hash().unwrap_or_default()))
}

/// Where analysts triage.
#[component]
pub fn IncidentsPage() -> impl IntoView {
    let desk = Desk::get();
    let filter = RwSignal::new(filter_in_address());
    let toggle = move |status: IncidentStatus| {
        filter.update(|filter| filter.toggle(status));
        let query = filter.read_untracked().to_query();
        let href = match query.as_str() {
            "" => Route::Incidents.href(),
            query => format!("{}?{query}", Route::Incidents.href()),
        };
        // In place of the current entry: the back button leaves the queue, not a filter.
        let _ = window().location().replace(&href);
    };
    // How many rows match, and the newest of them to list: only those are copied.
    let matching = Memo::new(move |_| {
        let filter = filter.read();
        let rows = desk.rows().read();
        let mut shown = rows.iter().rev().filter(|row| filter.shows(row));
        let newest: Vec<QueueRow> = shown.by_ref().take(ROWS_SHOWN).cloned().collect();
        (newest.len() + shown.count(), newest)
    });
    let selected = RwSignal::new(BTreeSet::<u64>::new());
    let closing = RwSignal::new(false);
    let outcome = RwSignal::new(Vec::<String>::new());
    let close_selected = Callback::new(move |verdict: Closing| {
        closing.set(false);
        let numbers: Vec<u64> = selected.get_untracked().into_iter().collect();
        spawn_local(async move {
            let asked = numbers.len();
            let refused = desk.close_each(numbers, verdict).await;
            let mut lines = vec![format!(
                "{} of {asked} incidents closed.",
                asked - refused.len()
            )];
            lines.extend(
                refused
                    .into_iter()
                    .map(|(number, why)| format!("Incident {number} was not closed: {why}.")),
            );
            outcome.set(lines);
            selected.set(BTreeSet::new());
        });
    });
    let total = move || {
        desk.rows()
            .with(|rows| rows.iter().filter(|row| row.merged_into.is_none()).count())
    };
    view! {
        <Page heading="Incidents">
            <fieldset class="queue-filter">
                <legend>"Status"</legend>
                {IncidentStatus::ALL
                    .iter()
                    .map(|&status| {
                        let id = format!("status-{}", status.as_str());
                        view! {
                            <input
                                type="checkbox"
                                id=id.clone()
                                prop:checked=move || filter.read().shows_status(status)
                                on:change=move |_| toggle(status)
                            />
                            <label for=id>{status.as_str()}</label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <p class="queue-count" role="status">
                {move || format!("{} of {} incidents", matching.read().0, total())}
            </p>
            <div class="actions">
                <button
                    type="button"
                    prop:disabled=move || selected.read().is_empty()
                    on:click=move |_| closing.set(true)
                >
                    "Close selected"
                </button>
            </div>
            <Show when=move || closing.get()>
                <ClosingDialog
                    heading=format!("Close {} incidents", selected.read_untracked().len())
                    on_close=close_selected
                    on_cancel=Callback::new(move |()| closing.set(false))
                />
            </Show>
            <div class="bulk-outcome" role="status">
                {move || outcome.get().into_iter().map(|line| view! { <p>{line}</p> }).collect_view()}
            </div>
            <table class="queue">
                <thead>
                    <tr>
                        <th scope="col">"Select"</th>
                        <th scope="col">"Number"</th>
                        <th scope="col">"Title"</th>
                        <th scope="col">"Severity"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Owner"</th>
                        <th scope="col">"Alerts"</th>
                        <th scope="col">"Products"</th>
                        <th scope="col">"Tags"</th>
                        <th scope="col">"Created"</th>
                        <th scope="col">"Last updated"</th>
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        matching
                            .read()
                            .1
                            .iter()
                            .map(|row| row_view(row, selected))
                            .collect_view()
                    }}
                </tbody>
            </table>
            {move || {
                let count = matching.read().0;
                (count > ROWS_SHOWN).then(|| view! {
                    <p class="hint">
                        {format!("The {ROWS_SHOWN} newest are listed; narrow the filter to see the others.")}
                    </p>
                })
            }}
        </Page>
    }
}

/// One incident's row, newest first above it.
fn row_view(row: &QueueRow, selected: RwSignal<BTreeSet<u64>>) -> impl IntoView + use<> {
    let number = row.number;
    view! {
        <tr>
            <td>
                <input
                    type="checkbox"
                    aria-label=format!("Select incident {number}")
                    prop:checked=move || selected.read().contains(&number)
                    on:change=move |_| {
                        selected.update(|selected| {
                            if !selected.remove(&number) {
                                selected.insert(number);
                            }
                        })
                    }
                />
            </td>
            <td>
                <a href=Route::Incident(row.number).href()>{row.number}</a>
            </td>
            <td>{row.title.clone()}</td>
            <td>{row.severity.as_str()}</td>
            <td>{row.status.as_str()}</td>
            <td>{row.owner.clone().unwrap_or_else(|| "Unassigned".to_owned())}</td>
            <td>{row.alerts}</td>
            <td>{row.product_names.join(", ")}</td>
            <td>{row.tags.join(", ")}</td>
            <td>{to_the_minute(row.created)}</td>
            <td>{to_the_minute(row.modified)}</td>
        </tr>
    }
}
