//! The incident queue: this workspace's incidents as a table, filtered by status, severity,
//! owner, product, tag, how recently created and a search, and sorted by a column, all as the
//! address says (New and Active, newest first by default, as in Sentinel), with how many match;
//! the ticked incidents take the bulk actions (`bulk.rs`; the heading box ticks every match),
//! the keys move, open and tick (`keyboard.rs`), and an empty queue says why.

use std::collections::BTreeSet;

mod bulk;
mod keyboard;

use leptos::ev;
use leptos::prelude::*;

use self::bulk::BulkActions;
use self::keyboard::{KeyboardHelp, listen_for_queue_keys};
use super::page::Page;
use crate::core::queue_filter::{OwnerFilter, QueueFilter, SortColumn, Viewer, Within};
use crate::core::queue_row::QueueRow;
use crate::core::vocabulary::{IncidentStatus, Severity};
use crate::route::{Route, query_of};
use crate::ui::desk::{Desk, now};
use crate::ui::time_text::to_the_minute;
use crate::ui::words::counted;

/// The height of one row, in CSS pixels (the stylesheet fixes it): the queue puts in the page
/// only the rows its scrolled window shows, and spaces out the rest.
const ROW_HEIGHT_PX: f64 = 36.0;
/// Rows put in the page beyond each edge of the window, so a scroll shows rows already there.
const OVERSCAN: usize = 20;
/// The window's height before the page has laid it out.
const FIRST_VIEWPORT_PX: f64 = 600.0;

/// The range of positions a window of `viewport` pixels scrolled down by `scrolled` shows of
/// `count` rows, with the overscan.
fn window_of(count: usize, scrolled: f64, viewport: f64) -> std::ops::Range<usize> {
    let first = (scrolled / ROW_HEIGHT_PX).floor().max(0.0) as usize;
    let visible = (viewport / ROW_HEIGHT_PX).ceil() as usize;
    let start = first.saturating_sub(OVERSCAN).min(count);
    let end = (first + visible + OVERSCAN).min(count);
    start..end.max(start)
}

/// The address bar's fragment right now.
fn address() -> String {
    window().location().hash().unwrap_or_default()
}

/// The queue's filter an address names.
fn filter_in(address: &str) -> QueueFilter {
    QueueFilter::from_query(query_of(address))
}

/// Where analysts triage.
#[component]
pub fn IncidentsPage() -> impl IntoView {
    let desk = Desk::get();
    let filter = RwSignal::new(filter_in(&address()));
    let change = move |edit: &dyn Fn(&mut QueueFilter)| {
        filter.update(|filter| edit(filter));
        let href = Route::Incidents.href_with(&filter.read_untracked().to_query());
        // In place of the current entry: the back button leaves the queue, not a filter.
        let _ = window().location().replace(&href);
    };
    // A queue link followed while the queue shows (pasted into the address bar, or from the
    // history): the queue follows it. Its own changes leave the address as the filter says.
    let listener = window_event_listener(ev::hashchange, move |_| {
        let address = address();
        if Route::from_hash(&address) != Route::Incidents {
            return;
        }
        let addressed = filter_in(&address);
        if filter.with_untracked(|filter| filter.to_query() != addressed.to_query()) {
            filter.set(addressed);
        }
    });
    on_cleanup(move || listener.remove());
    let me = Memo::new(move |_| {
        desk.workspace()
            .with(|workspace| workspace.team().analyst().map(|owner| owner.display_name()))
    });
    let index = desk.queue_index();
    // Where the matching rows are in the desk's rows, in the queue's order.
    let matching = Memo::new(move |_| {
        let filter = filter.read();
        desk.rows().with(|rows| {
            let me = me.read();
            let viewer = Viewer {
                me: me.as_deref(),
                now: now(),
            };
            index.with(|index| filter.apply(rows, index, viewer))
        })
    });
    let scroller = NodeRef::<leptos::html::Div>::new();
    let scrolled = RwSignal::new(0.0);
    let viewport = RwSignal::new(FIRST_VIEWPORT_PX);
    let on_scroll = move |_| {
        if let Some(element) = scroller.get_untracked() {
            scrolled.set(f64::from(element.scroll_top()));
            viewport.set(f64::from(element.client_height()));
        }
    };
    let owners = Memo::new(move |_| index.with(|index| index.owner_names().to_vec()));
    let products = Memo::new(move |_| index.with(|index| index.products().to_vec()));
    let tags = Memo::new(move |_| index.with(|index| index.tags().to_vec()));
    let selected = RwSignal::new(BTreeSet::<u64>::new());
    // Bulk actions act on what is ticked, so nothing the filter hides stays ticked: a Delete
    // selected must never take an incident the analyst cannot see.
    Effect::new(move |_| {
        matching.with(|order| {
            let ticked = selected.get_untracked();
            if ticked.is_empty() {
                return;
            }
            let still_shown: BTreeSet<u64> = desk.rows().with_untracked(|rows| {
                order
                    .iter()
                    .map(|&index| rows[index].number)
                    .filter(|number| ticked.contains(number))
                    .collect()
            });
            if still_shown.len() < ticked.len() {
                selected.set(still_shown);
            }
        });
    });
    let active = RwSignal::new(None::<usize>);
    // A highlighted position means another incident once the order changes: start again.
    Effect::new(move |_| {
        matching.track();
        active.set(None);
    });
    // A new sort, filter or search shows its list from the top. (Rows changing under the same
    // filter, as a save or another tab does, leave the scroll where the analyst put it.)
    Effect::new(move |_| {
        filter.track();
        if let Some(element) = scroller.get_untracked() {
            element.set_scroll_top(0);
        }
        scrolled.set(0.0);
    });
    let help = RwSignal::new(false);
    // The highlighted row leaves the window: scroll the window just far enough to show it
    // below the sticky column heads, then let the browser bring it into the page's view too
    // (the window itself can reach below the screen).
    let reveal = move |position: usize| {
        let Some(element) = scroller.get_untracked() else {
            return;
        };
        let heads = element
            .query_selector("thead")
            .ok()
            .flatten()
            .map_or(0.0, |heads| f64::from(heads.client_height()));
        let top = position as f64 * ROW_HEIGHT_PX;
        let height = f64::from(element.client_height());
        let current = f64::from(element.scroll_top());
        let wanted = if top < current {
            top
        } else if heads + top + ROW_HEIGHT_PX > current + height {
            heads + top + ROW_HEIGHT_PX - height
        } else {
            current
        };
        if wanted != current {
            element.set_scroll_top(wanted as i32);
            // The rows follow now, not at the scroll event a frame later.
            scrolled.set(f64::from(element.scroll_top()));
            viewport.set(height);
        }
        if let Ok(Some(row)) = element.query_selector(&format!("tr[data-position='{position}']")) {
            let options = web_sys::ScrollIntoViewOptions::new();
            options.set_block(web_sys::ScrollLogicalPosition::Nearest);
            row.scroll_into_view_with_scroll_into_view_options(&options);
        }
    };
    listen_for_queue_keys(matching, active, selected, help, reveal);
    let total = move || {
        desk.rows()
            .with(|rows| rows.iter().filter(|row| row.merged_into.is_none()).count())
    };
    view! {
        <Page heading="Incidents">
            <div class="queue-filters">
                {checkbox_group(
                    "Status",
                    "status",
                    IncidentStatus::ALL,
                    IncidentStatus::as_str,
                    move |status| filter.read().shows_status(status),
                    move |status| change(&|filter| filter.toggle(status)),
                )}
                {checkbox_group(
                    "Severity",
                    "severity",
                    Severity::ALL,
                    Severity::as_str,
                    move |severity| filter.read().chose_severity(severity),
                    move |severity| change(&|filter| filter.toggle_severity(severity)),
                )}
                <span class="field-inline">
                    <label for="queue-owner">"Owner"</label>
                    <select
                        id="queue-owner"
                        on:change=move |event| {
                            let chosen = OwnerFilter::from_word(&event_target_value(&event));
                            change(&|filter| filter.owner = chosen.clone());
                        }
                    >
                        {move || {
                            let current = filter.read().owner.clone();
                            let special = [
                                (OwnerFilter::Anyone, "Anyone".to_owned()),
                                (OwnerFilter::Unassigned, "Unassigned".to_owned()),
                                (OwnerFilter::Me, "Me".to_owned()),
                            ];
                            let named = owners
                                .get()
                                .into_iter()
                                .map(|name| (OwnerFilter::Named(name.clone()), name));
                            special
                                .into_iter()
                                .chain(named)
                                .map(|(choice, label)| {
                                    let selected = choice == current;
                                    view! {
                                        <option value=choice.to_word().unwrap_or_default() selected=selected>
                                            {label}
                                        </option>
                                    }
                                })
                                .collect_view()
                        }}
                    </select>
                </span>
                {name_select(
                    "queue-product",
                    "Product",
                    "Any product",
                    products,
                    move || filter.read().product.clone(),
                    move |chosen| change(&|filter| filter.product = chosen.clone()),
                )}
                {name_select(
                    "queue-tag",
                    "Tag",
                    "Any tag",
                    tags,
                    move || filter.read().tag.clone(),
                    move |chosen| change(&|filter| filter.tag = chosen.clone()),
                )}
                {within_select(
                    "queue-range",
                    "Created",
                    move || filter.read().created_within,
                    move |chosen| change(&|filter| filter.created_within = chosen),
                )}
                {within_select(
                    "queue-closed",
                    "Closed",
                    move || filter.read().closed_within,
                    move |chosen| change(&|filter| filter.closed_within = chosen),
                )}
                <span class="field-inline">
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
                </span>
            </div>
            <div class="queue-status">
                <p class="queue-count" role="status">
                    {move || format!("{} of {} incidents", matching.read().len(), total())}
                </p>
                <button type="button" class="keys" on:click=move |_| help.update(|shown| *shown = !*shown)>
                    "Keyboard shortcuts (?)"
                </button>
            </div>
            <BulkActions selected />
            <KeyboardHelp shown=help />
            <div class="queue-scroll" node_ref=scroller on:scroll=on_scroll>
                <table class="queue">
                    <thead>
                        <tr>
                            <th scope="col">{select_all(matching, selected)}</th>
                            {COLUMNS
                                .iter()
                                .map(|&(label, column)| header_cell(label, column, filter, change))
                                .collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        {move || {
                            let order = matching.read();
                            let shown = window_of(order.len(), scrolled.get(), viewport.get());
                            let spacer = |rows: usize| {
                                (rows > 0)
                                    .then(|| {
                                        let height = rows as f64 * ROW_HEIGHT_PX;
                                        view! {
                                            <tr class="spacer" aria-hidden="true" style:height=format!("{height}px")></tr>
                                        }
                                    })
                            };
                            let above = spacer(shown.start);
                            let below = spacer(order.len() - shown.end);
                            let listed = desk
                                .rows()
                                .with(|rows| {
                                    let first = shown.start;
                                    order[shown]
                                        .iter()
                                        .enumerate()
                                        .map(|(offset, &index)| {
                                            row_view(&rows[index], first + offset, active, selected)
                                        })
                                        .collect_view()
                                });
                            view! { {above} {listed} {below} }
                        }}
                    </tbody>
                </table>
            </div>
            {move || matching.read().is_empty().then(|| empty_queue(total(), filter, change))}
        </Page>
    }
}

/// The heading checkbox: ticks every incident the filters let through (not only the rows in
/// view), or clears the ticks; mixed while some are ticked.
fn select_all(matching: Memo<Vec<usize>>, selected: RwSignal<BTreeSet<u64>>) -> impl IntoView {
    let desk = Desk::get();
    let shown = move || matching.read().len();
    let all = move || shown() > 0 && selected.read().len() == shown();
    let toggle = move |_| {
        // Ticked or mixed, a click clears; empty, it ticks every match.
        if !selected.read_untracked().is_empty() {
            selected.set(BTreeSet::new());
            return;
        }
        let numbers = desk.rows().with_untracked(|rows| {
            matching.with_untracked(|order| order.iter().map(|&index| rows[index].number).collect())
        });
        selected.set(numbers);
    };
    view! {
        <input
            type="checkbox"
            aria-label=move || format!("Select all {}", counted(shown(), "incident"))
            prop:checked=all
            prop:indeterminate=move || !all() && !selected.read().is_empty()
            on:change=toggle
        />
    }
}

/// What an empty queue says instead of nothing: how to get incidents into an empty workspace,
/// who "Me" is when nobody has said, or how to see more than the filters let through.
fn empty_queue(
    total: usize,
    filter: RwSignal<QueueFilter>,
    change: impl Fn(&dyn Fn(&mut QueueFilter)) + Copy + 'static,
) -> AnyView {
    if total == 0 {
        return view! {
            <p class="queue-empty">
                "This workspace has no incidents yet. "
                <a href=Route::NewIncident.href()>"Create one"</a>
                " or "
                <a href=Route::Import.href()>"import alerts"</a>
                "."
            </p>
        }
        .into_any();
    }
    if filter.with(|filter| *filter == filter.cleared()) {
        return view! {
            <p class="queue-empty">
                "No new or active incidents: every one here is closed. Tick Closed under Status to see them."
            </p>
        }
        .into_any();
    }
    let nobody_is_me = filter.with(|filter| filter.owner == OwnerFilter::Me)
        && Desk::get()
            .workspace()
            .with(|workspace| workspace.team().analyst().is_none());
    if nobody_is_me {
        return view! {
            <p class="queue-empty">
                "Owner \"Me\" is the analyst named under You on the Workspaces page, and nobody is named in this workspace yet. "
                <a href=Route::Workspaces.href()>"Say who you are"</a>
                "."
            </p>
        }
        .into_any();
    }
    view! {
        <p class="queue-empty">
            "No incident matches these filters. "
            <button type="button" on:click=move |_| change(&|filter| *filter = filter.cleared())>
                "Clear the filters"
            </button>
        </p>
    }
    .into_any()
}

/// A fieldset of one checkbox per value, each labelled with its name and with the id
/// `{prefix}-{name}`; `checked` says whether a value is chosen and `toggle` flips it.
fn checkbox_group<T: Copy + Send + Sync + 'static>(
    legend: &'static str,
    prefix: &'static str,
    values: &'static [T],
    name: fn(T) -> &'static str,
    checked: impl Fn(T) -> bool + Copy + Send + Sync + 'static,
    toggle: impl Fn(T) + Copy + 'static,
) -> impl IntoView {
    view! {
        <fieldset class="queue-filter">
            <legend>{legend}</legend>
            {values
                .iter()
                .map(|&value| {
                    let id = format!("{prefix}-{}", name(value));
                    view! {
                        <input
                            type="checkbox"
                            id=id.clone()
                            prop:checked=move || checked(value)
                            on:change=move |_| toggle(value)
                        />
                        <label for=id>{name(value)}</label>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}

/// A labelled select of how recently something happened (created, closed), showing `current`
/// and telling `choose` of a new choice.
fn within_select(
    id: &'static str,
    label: &'static str,
    current: impl Fn() -> Within + Copy + Send + Sync + 'static,
    choose: impl Fn(Within) + 'static,
) -> impl IntoView {
    view! {
        <span class="field-inline">
            <label for=id>{label}</label>
            <select id=id on:change=move |event| choose(Within::from_word(&event_target_value(&event)))>
                {Within::ALL
                    .into_iter()
                    .map(|choice| view! {
                        <option value=choice.as_str() selected=move || current() == choice>
                            {choice.label()}
                        </option>
                    })
                    .collect_view()}
            </select>
        </span>
    }
}

/// A labelled select of one of `options` or none (`anything` says what none means), showing
/// `current` and telling `choose` of a new choice.
fn name_select(
    id: &'static str,
    label: &'static str,
    anything: &'static str,
    options: Memo<Vec<String>>,
    current: impl Fn() -> Option<String> + Copy + Send + Sync + 'static,
    choose: impl Fn(Option<String>) + 'static,
) -> impl IntoView {
    view! {
        <span class="field-inline">
            <label for=id>{label}</label>
            <select
                id=id
                on:change=move |event| {
                    let value = event_target_value(&event);
                    choose((!value.is_empty()).then_some(value));
                }
            >
                <option value="" selected=move || current().is_none()>{anything}</option>
                {move || {
                    // A value the address names but no row has (a shared link) is still offered,
                    // so the picker says what the queue is filtered by.
                    let current = current();
                    let mut names = options.get();
                    if let Some(chosen) = &current
                        && !names.contains(chosen)
                    {
                        names.push(chosen.clone());
                    }
                    names
                        .into_iter()
                        .map(|name| {
                            let selected = current.as_ref() == Some(&name);
                            view! { <option value=name.clone() selected=selected>{name.clone()}</option> }
                        })
                        .collect_view()
                }}
            </select>
        </span>
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

/// One incident's row, at `position` in the queue's order; highlighted when the keyboard is
/// on it.
fn row_view(
    row: &QueueRow,
    position: usize,
    active: RwSignal<Option<usize>>,
    selected: RwSignal<BTreeSet<u64>>,
) -> impl IntoView + use<> {
    let number = row.number;
    let is_active = move || active.get() == Some(position);
    view! {
        <tr
            class:active=is_active
            aria-current=move || is_active().then_some("true")
            data-position=position
        >
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
