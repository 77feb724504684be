//! The overview: how things stand over a chosen period, mostly as pictures. Tiles count open
//! incidents by status and severity, incidents created and closed, and unassigned ones, each
//! linking to the queue with that filter; then incidents over time, response times with their
//! trend, verdicts, top entities, products and tactics, and the most recent incidents. Every
//! figure comes from `core::overview`.

mod charts;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use leptos::prelude::*;

use self::charts::{CountBars, OverTime};
use super::page::Page;
use crate::core::overview::{Overview, Period, RESPONSE_BANDS, ResponseTime, in_words};
use crate::core::queue_filter::{OwnerFilter, QueueFilter, Within};
use crate::core::vocabulary::{IncidentStatus, Severity};
use crate::route::{Route, query_value};
use crate::ui::components::ColumnHeads;
use crate::ui::desk::{Desk, now};
use crate::ui::time_text::to_the_minute;
use crate::ui::words::counted;

/// The periods the overview offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Range {
    Day,
    Week,
    Month,
    Custom,
}

impl Range {
    const ALL: [Range; 4] = [Range::Day, Range::Week, Range::Month, Range::Custom];

    /// The period a word of the address or the picker names, if it names one.
    fn from_word(word: &str) -> Option<Range> {
        Range::ALL.into_iter().find(|range| range.as_str() == word)
    }

    fn as_str(self) -> &'static str {
        match self {
            Range::Day => "24h",
            Range::Week => "7d",
            Range::Month => "30d",
            Range::Custom => "custom",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Range::Day => "Last 24 hours",
            Range::Week => "Last 7 days",
            Range::Month => "Last 30 days",
            Range::Custom => "Custom",
        }
    }

    /// The queue's matching filter on creation time; a custom period has none, so its tiles
    /// link to the queue without one.
    fn created_within(self) -> Within {
        match self {
            Range::Day => Within::Day,
            Range::Week => Within::Week,
            Range::Month => Within::Month,
            Range::Custom => Within::AnyTime,
        }
    }
}

/// A day typed into a date field, as the start of that day in UTC.
fn day_start(text: &str) -> Option<DateTime<Utc>> {
    let day = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    Some(day.and_hms_opt(0, 0, 0)?.and_utc())
}

/// The address's query for a period: none for the default week, the custom days with a
/// custom period.
fn period_query(range: Range, from: &str, to: &str) -> String {
    match range {
        Range::Week => String::new(),
        Range::Custom => format!("period=custom&from={from}&to={to}"),
        range => format!("period={}", range.as_str()),
    }
}

/// The start page. Its period lives in the address (`#/?period=30d`), so a reload or a shared
/// link shows the same figures.
#[component]
pub fn OverviewPage() -> impl IntoView {
    let desk = Desk::get();
    let hash = window().location().hash().unwrap_or_default();
    let addressed = query_value(&hash, "period").and_then(|word| Range::from_word(&word));
    let range = RwSignal::new(addressed.unwrap_or(Range::Week));
    // A day the address names is taken only when it is one, so what is written back is a day.
    let addressed_day = |key| query_value(&hash, key).filter(|text| day_start(text).is_some());
    let today = now().format("%Y-%m-%d").to_string();
    let a_week_ago = (now() - Duration::days(7)).format("%Y-%m-%d").to_string();
    let from = RwSignal::new(addressed_day("from").unwrap_or(a_week_ago));
    let to = RwSignal::new(addressed_day("to").unwrap_or(today));
    // Each choice the analyst makes replaces the address's entry (the back button leaves the
    // overview). Written from the choice itself, never on its own, so that it cannot land
    // after the analyst has gone to another page.
    let remember = move || {
        let query = period_query(
            range.get_untracked(),
            &from.read_untracked(),
            &to.read_untracked(),
        );
        let _ = window()
            .location()
            .replace(&Route::Overview.href_with(&query));
    };
    // The chosen custom days, when they make a period.
    let custom = move || match (day_start(&from.get()), day_start(&to.get())) {
        (Some(start), Some(last_day)) if start <= last_day => Some(Period {
            start,
            end: last_day + Duration::days(1) - Duration::milliseconds(1),
        }),
        _ => None,
    };
    let custom_problem = move || {
        (range.get() == Range::Custom && custom().is_none())
            .then_some("Choose a first day on or before the last day; showing the last 7 days.")
    };
    let table = desk.overview_table();
    let period = Memo::new(move |_| {
        // Read again at each change of the workspace, so "the last 24 hours" ends now.
        table.track();
        match range.get() {
            Range::Day => Period::ending(now(), Duration::hours(24)),
            Range::Week => Period::ending(now(), Duration::days(7)),
            Range::Month => Period::ending(now(), Duration::days(30)),
            Range::Custom => custom().unwrap_or_else(|| Period::ending(now(), Duration::days(7))),
        }
    });
    let overview = Memo::new(move |_| {
        let period = period.get();
        // The table follows every change; the correlation only puts entity ids in words.
        desk.workspace().with_untracked(|workspace| {
            table.with(|table| table.overview(workspace.correlation(), period))
        })
    });
    let rows = desk.rows();
    // Counted as the queue counts: an incident merged into another is not one of its own.
    let summary = move || {
        let rows = rows.read();
        let merged = rows.iter().filter(|row| row.merged_into.is_some()).count();
        let open = rows.iter().filter(|row| row.is_open()).count();
        let alerts: usize = rows.iter().map(|row| row.alerts).sum();
        let merged_note = match merged {
            0 => String::new(),
            merged => format!(" ({merged} more merged into others)"),
        };
        format!(
            "{}{merged_note}, {open} of them open, holding {}.",
            counted(rows.len() - merged, "incident"),
            counted(alerts, "alert")
        )
    };
    view! {
        <Page heading="Overview">
            <p class="workspace-summary">{summary}</p>
            <div class="overview-range">
                <label for="overview-range">"Period"</label>
                <select
                    id="overview-range"
                    on:change=move |event| {
                        if let Some(choice) = Range::from_word(&event_target_value(&event)) {
                            range.set(choice);
                            remember();
                        }
                    }
                >
                    {Range::ALL.into_iter().map(|choice| view! {
                        <option value=choice.as_str() selected=move || range.get() == choice>{choice.label()}</option>
                    }).collect_view()}
                </select>
                <Show when=move || range.get() == Range::Custom>
                    <label for="overview-from">"From"</label>
                    <input id="overview-from" type="date" prop:value=from on:change:target=move |event| {
                        from.set(event.target().value());
                        remember();
                    } />
                    <label for="overview-to">"To"</label>
                    <input id="overview-to" type="date" prop:value=to on:change:target=move |event| {
                        to.set(event.target().value());
                        remember();
                    } />
                </Show>
                <p class="field-error" role="alert">{custom_problem}</p>
            </div>
            {move || {
                let overview = overview.get();
                let within = range.get().created_within();
                view! {
                    <Tiles overview=overview.clone() within />
                    <h2>"Incidents over time"</h2>
                    <OverTime buckets=overview.over_time.clone() />
                    <h2>"Response times"</h2>
                    <div class="response-times">
                        <Response heading="Mean time to acknowledge" detail="created to first Active or first owner" response=overview.acknowledge.clone() />
                        <Response heading="Mean time to close" detail="created to Closed" response=overview.close.clone() />
                    </div>
                    <h2>"Closed incidents by classification"</h2>
                    <CountBars
                        label="Closed incidents by classification"
                        counts=overview.classifications.iter().map(|(classification, count)| (classification.label().to_owned(), *count)).collect()
                        empty="No incident was closed in this period."
                    />
                    <div class="top-lists">
                        <section>
                            <h2>"Top entities"</h2>
                            <CountBars label="Entities in the most incidents" counts=overview.top_entities.clone() />
                        </section>
                        <section>
                            <h2>"Top alert products"</h2>
                            <CountBars label="Products in the most incidents" counts=overview.top_products.clone() />
                        </section>
                        <section>
                            <h2>"Top tactics"</h2>
                            <CountBars
                                label="Tactics of the most incidents"
                                counts=overview.top_tactics.iter().map(|(tactic, count)| (tactic.as_str().to_owned(), *count)).collect()
                            />
                        </section>
                    </div>
                    <h2>"Recent incidents"</h2>
                    <Recent numbers=overview.recent.clone() />
                }
            }}
        </Page>
    }
}

/// The queue's address with `edit` applied to its default filter and the period's range.
fn queue_link(within: Within, edit: impl FnOnce(&mut QueueFilter)) -> String {
    let mut filter = QueueFilter::default();
    filter.created_within = within;
    edit(&mut filter);
    Route::Incidents.href_with(&filter.to_query())
}

/// The counting tiles, each a link to the queue showing what it counts.
#[component]
fn Tiles(overview: Overview, within: Within) -> impl IntoView {
    let only = |status: IncidentStatus| move |filter: &mut QueueFilter| filter.show_only(status);
    let mut tiles = vec![
        (
            "New",
            overview.new,
            queue_link(within, only(IncidentStatus::New)),
        ),
        (
            "Active",
            overview.active,
            queue_link(within, only(IncidentStatus::Active)),
        ),
    ];
    tiles.extend(Severity::ALL.iter().map(|&severity| {
        (
            severity.as_str(),
            overview.open_by_severity.of(severity),
            queue_link(within, |filter| filter.toggle_severity(severity)),
        )
    }));
    tiles.extend([
        (
            "Created",
            overview.created,
            queue_link(within, |filter| filter.toggle(IncidentStatus::Closed)),
        ),
        (
            "Closed",
            overview.closed,
            // Closed in the period, as the tile counts, whenever they were created.
            queue_link(Within::AnyTime, |filter| {
                filter.show_only(IncidentStatus::Closed);
                filter.closed_within = within;
            }),
        ),
        (
            "Unassigned",
            overview.unassigned,
            queue_link(within, |filter| filter.owner = OwnerFilter::Unassigned),
        ),
    ]);
    view! {
        <ul class="tiles" aria-label="Counts">
            {tiles
                .into_iter()
                .map(|(label, count, href)| view! {
                    <li>
                        <a class="tile" href=href>
                            <span class="tile-count">{count}</span>
                            <span class="tile-label">{label}</span>
                        </a>
                    </li>
                })
                .collect_view()}
        </ul>
        <p class="hint">"New, Active and the severities count open incidents; Closed counts those closed in the period."</p>
    }
}

/// One response time: its mean, its trend in words, and how the incidents spread.
#[component]
fn Response(heading: &'static str, detail: &'static str, response: ResponseTime) -> impl IntoView {
    let mean = response
        .mean
        .map_or_else(|| "No incident yet".to_owned(), in_words);
    let trend = response.trend();
    let bands = RESPONSE_BANDS
        .iter()
        .zip(response.bands)
        .map(|((band, _), count)| ((*band).to_owned(), count))
        .collect();
    view! {
        <section class="response">
            <h3>{heading}</h3>
            <p class="response-mean">{mean}</p>
            <p class="hint">{detail}{trend.map(|trend| format!("; {trend}"))}</p>
            <CountBars label=heading counts=bands />
        </section>
    }
}

/// The most recent incidents, linking to their pages.
#[component]
fn Recent(numbers: Vec<u64>) -> impl IntoView {
    let desk = Desk::get();
    if numbers.is_empty() {
        return view! { <p>"No incident was created in this period."</p> }.into_any();
    }
    view! {
        <table class="recent">
            <ColumnHeads labels=&["Number", "Title", "Severity", "Status", "Created"] />
            <tbody>
                {desk.workspace().with_untracked(|workspace| {
                    numbers
                        .iter()
                        .filter_map(|number| workspace.incident(*number))
                        .map(|incident| view! {
                            <tr>
                                <td><a href=Route::Incident(incident.number).href()>{incident.number}</a></td>
                                <td>{incident.title.clone()}</td>
                                <td>{incident.severity.as_str()}</td>
                                <td>{incident.status.as_str()}</td>
                                <td>{to_the_minute(incident.created)}</td>
                            </tr>
                        })
                        .collect_view()
                })}
            </tbody>
        </table>
    }
    .into_any()
}
