//! The incident queue: this workspace's incidents as a table, filtered by status, severity,
//! owner and a search, and sorted by a column, all as the address says (New and Active, newest
//! first by default, as in Sentinel), with how many match; selected incidents are closed
//! together through the closing dialog.

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::page::Page;
use crate::core::closing::Closing;
use crate::core::queue_filter::{OwnerFilter, QueueFilter, SortColumn};
use crate::core::queue_row::QueueRow;
use crate::core::vocabulary::{IncidentStatus, Severity};
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
    let change = move |edit: &dyn Fn(&mut QueueFilter)| {
        filter.update(|filter| edit(filter));
        let query = filter.read_untracked().to_query();
        let href = match query.as_str() {
            "" => Route::Incidents.href(),
            query => format!("{}?{query}", Route::Incidents.href()),
        };
        // In place of the current entry: the back button leaves the queue, not a filter.
        let _ = window().location().replace(&href);
    };
    let me = Memo::new(move |_| {
        desk.workspace()
            .with(|workspace| workspace.team().analyst().map(|owner| owner.display_name()))
    });
    // How many rows match, and the first of them in the queue's order: only those are copied.
    let matching = Memo::new(move |_| {
        let filter = filter.read();
        let rows = desk.rows().read();
        let shown = filter.apply(&rows, me.read().as_deref());
        let first: Vec<QueueRow> = shown
            .iter()
            .take(ROWS_SHOWN)
            .map(|row| (*row).clone())
            .collect();
        (shown.len(), first)
    });
    let owners = Memo::new(move |_| {
        desk.rows().with(|rows| {
            rows.iter()
                .filter_map(|row| row.owner.clone())
                .collect::<BTreeSet<String>>()
        })
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
            <div class="queue-filters">
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
                                    on:change=move |_| change(&|filter| filter.toggle(status))
                                />
                                <label for=id>{status.as_str()}</label>
                            }
                        })
                        .collect_view()}
                </fieldset>
                <fieldset class="queue-filter">
                    <legend>"Severity"</legend>
                    {Severity::ALL
                        .iter()
                        .map(|&severity| {
                            let id = format!("severity-{}", severity.as_str());
                            view! {
                                <input
                                    type="checkbox"
                                    id=id.clone()
                                    prop:checked=move || filter.read().chose_severity(severity)
                                    on:change=move |_| change(&|filter| filter.toggle_severity(severity))
                                />
                                <label for=id>{severity.as_str()}</label>
                            }
                        })
                        .collect_view()}
                </fieldset>
                <label for="queue-owner">"Owner"</label>
                <select
                    id="queue-owner"
                    on:change=move |event| {
                        let chosen = match event_target_value(&event).as_str() {
                            "" => OwnerFilter::Anyone,
                            "@unassigned" => OwnerFilter::Unassigned,
                            "@me" => OwnerFilter::Me,
                            name => OwnerFilter::Named(name.to_owned()),
                        };
                        change(&|filter| filter.owner = chosen.clone());
                    }
                >
                    {move || {
                        let current = filter.read().owner.clone();
                        let option = |value: String, label: String, chosen: bool| {
                            view! { <option value=value selected=chosen>{label}</option> }
                        };
                        let named = owners
                            .get()
                            .into_iter()
                            .map(|name| {
                                let chosen = current == OwnerFilter::Named(name.clone());
                                option(name.clone(), name, chosen)
                            })
                            .collect_view();
                        view! {
                            {option(String::new(), "Anyone".into(), current == OwnerFilter::Anyone)}
                            {option("@unassigned".into(), "Unassigned".into(), current == OwnerFilter::Unassigned)}
                            {option("@me".into(), "Me".into(), current == OwnerFilter::Me)}
                            {named}
                        }
                    }}
                </select>
                <label for="queue-search">"Search"</label>
                <input
                    id="queue-search"
                    type="search"
                    prop:value=move || filter.read().search().to_owned()
                    on:input=move |event| {
                        let text = event_target_value(&event);
                        change(&|filter| filter.set_search(&text));
                    }
                />
            </div>
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
                        {COLUMNS
                            .iter()
                            .map(|&(label, column)| header_cell(label, column, filter, change))
                            .collect_view()}
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

/// The columns' headings, in the table's order, with what each sorts on (products and tags
/// do not sort: they are lists).
const COLUMNS: [(&str, Option<SortColumn>); 10] = [
    ("Number", Some(SortColumn::Number)),
    ("Title", Some(SortColumn::Title)),
    ("Severity", Some(SortColumn::Severity)),
    ("Status", Some(SortColumn::Status)),
    ("Owner", Some(SortColumn::Owner)),
    ("Alerts", Some(SortColumn::Alerts)),
    ("Products", None),
    ("Tags", None),
    ("Created", Some(SortColumn::Created)),
    ("Last updated", Some(SortColumn::Modified)),
];

/// A heading that sorts its column when clicked and again reverses it, saying which way it
/// sorts (`aria-sort`).
fn header_cell(
    label: &'static str,
    column: Option<SortColumn>,
    filter: RwSignal<QueueFilter>,
    change: impl Fn(&dyn Fn(&mut QueueFilter)) + Copy + 'static,
) -> AnyView {
    let Some(column) = column else {
        return view! { <th scope="col">{label}</th> }.into_any();
    };
    let direction = move || {
        let sort = filter.read().sort;
        match (sort.column == column, sort.descending) {
            (false, _) => "none",
            (true, true) => "descending",
            (true, false) => "ascending",
        }
    };
    view! {
        <th scope="col" aria-sort=direction>
            <button
                type="button"
                class="sort"
                on:click=move |_| change(&|filter| filter.sort_by(column))
            >
                {label}
            </button>
        </th>
    }
    .into_any()
}

/// One incident's row.
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
