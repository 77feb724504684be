//! One incident, by number: its header fields edited in place, its details and tags, its
//! alerts and why each is here, the incidents merged into it and why, its entities and the incidents that share them, comments, and
//! the activity log; Close, Reopen and Delete (with Undo). A merged incident's number leads to
//! the incident it was merged into.

mod activity;
mod alerts;
mod comments;
mod details;
mod entities;
mod header;
mod merges;

use leptos::prelude::*;

use self::activity::ActivityLog;
use self::alerts::Alerts;
use self::comments::Comments;
use self::details::Details;
use self::entities::Entities;
use self::header::Header;
use self::merges::Merges;
use super::page::Page;
use crate::core::closing::Closing;
use crate::core::incident::Incident;
use crate::route::{self, Route};
use crate::ui::components::{ClosingDialog, ConfirmDialog};
use crate::ui::desk::Desk;
use crate::ui::words::counted;

/// Hears what an action on the page came to: `None` when the workspace could not be written
/// (the banner says why), the model's refusal in words, or success.
pub type Report = Callback<Option<Result<(), String>>>;

/// The address's word asking to see a merged incident itself rather than where it went.
const STAY: &str = "stay";
/// The address's key naming the merged incident the analyst came from.
const MERGED_FROM: &str = "merged";

/// The value of `key` in the address's query, if it is there.
fn query_value(key: &str) -> Option<String> {
    route::query_value(&window().location().hash().unwrap_or_default(), key)
}

/// The incident page for `number`.
#[component]
pub fn IncidentPage(
    /// The incident's number, from the address.
    number: u64,
) -> impl IntoView {
    let desk = Desk::get();
    let incident = Memo::new(move |_| desk.workspace().with(|w| w.incident(number).cloned()));
    let problem = RwSignal::new(None::<String>);
    let report = Callback::new(move |outcome: Option<Result<(), String>>| {
        problem.set(outcome.and_then(Result::err));
    });
    let stay = query_value(STAY).is_some();
    Effect::new(move |_| {
        if let Some(into) = incident.read().as_ref().and_then(|i| i.merged_into)
            && !stay
        {
            let href = Route::Incident(into).href_with(&format!("{MERGED_FROM}={number}"));
            let _ = window().location().replace(&href);
        }
    });
    // What decides the page's frame: whether the incident is there, closed, merged. Within
    // one frame its parts follow the incident's changes without being rebuilt.
    let frame = Memo::new(move |_| {
        incident.with(|incident| {
            incident
                .as_ref()
                .map(|incident| (incident.closing.is_some(), incident.merged_into))
        })
    });
    view! {
        {move || match frame.get() {
            None => view! { <Missing number /> }.into_any(),
            Some(_) => {
                // The last version while the frame is up (the frame goes once it is deleted).
                let shown = Memo::new(move |last: Option<&Incident>| {
                    incident
                        .get()
                        .or_else(|| last.cloned())
                        .expect("the frame shows only an incident that is there")
                });
                let heading = move || {
                    shown.with(|incident| format!("Incident {}: {}", incident.number, incident.title))
                };
                view! {
                    <Page heading=Signal::derive(heading)>
                        <MergeBanner incident=shown.get_untracked() />
                        <Header incident=shown report />
                        <p class="field-error" role="alert">{move || problem.get()}</p>
                        <Actions incident=shown.get_untracked() report />
                        {move || view! { <Details incident=shown.get() /> }}
                        <Alerts number report />
                        <Merges number />
                        <Entities number />
                        <Comments
                            number
                            comments=Signal::derive(move || shown.read().comments.clone())
                            report
                        />
                        {move || view! { <ActivityLog incident=shown.get() /> }}
                    </Page>
                }
                .into_any()
            }
        }}
    }
}

/// No incident of that number: never was, or just deleted (then Undo brings it back).
#[component]
fn Missing(number: u64) -> impl IntoView {
    let desk = Desk::get();
    let undo = Memo::new(move |_| {
        desk.workspace()
            .with(|workspace| workspace.undo_description().map(str::to_owned))
    });
    let problem = RwSignal::new(None::<String>);
    view! {
        <Page heading=format!("Incident {number}")>
            <p class="lead">"This workspace has no incident with that number."</p>
            {move || undo.get().map(|what| view! {
                <button
                    type="button"
                    class="undo"
                    on:click=move |_| {
                        problem.set(desk.undo().and_then(Result::err));
                    }
                >
                    {format!("Undo {what}")}
                </button>
            })}
            <p class="field-error" role="alert">{move || problem.get()}</p>
            <a href=Route::Incidents.href()>"Go to the incidents"</a>
        </Page>
    }
}

/// Where a merged incident went, or which merged incident the analyst came from.
#[component]
fn MergeBanner(incident: Incident) -> impl IntoView {
    let number = incident.number;
    if let Some(into) = incident.merged_into {
        let why = Desk::get().workspace().with_untracked(|workspace| {
            workspace
                .correlation()
                .merges_into(into)
                .iter()
                .find(|record| record.absorbed == number)
                .map(|record| format!("{record}. "))
        });
        return view! {
            <div class="banner merged" role="status">
                {why.unwrap_or_else(|| format!("This incident was merged into incident {into}. "))}
                <a href=Route::Incident(into).href()>{format!("Go to incident {into}")}</a>
            </div>
        }
        .into_any();
    }
    match query_value(MERGED_FROM).and_then(|from| from.parse::<u64>().ok()) {
        Some(from) => view! {
            <div class="banner merged" role="status">
                {format!("Incident {from} was merged into this one; you are seeing incident {number}. ")}
                <a href=Route::Incident(from).href_with(STAY)>
                    {format!("See incident {from} as it was closed")}
                </a>
            </div>
        }
        .into_any(),
        None => ().into_any(),
    }
}

/// Close or Reopen, and Delete with its confirmation.
#[component]
fn Actions(incident: Incident, report: Report) -> impl IntoView {
    let desk = Desk::get();
    let number = incident.number;
    let closing = RwSignal::new(false);
    let deleting = RwSignal::new(false);
    let close = Callback::new(move |verdict: Closing| {
        closing.set(false);
        report.run(desk.close_incident(number, verdict));
    });
    let reopening = RwSignal::new(false);
    let reopen = move |()| {
        reopening.set(false);
        report.run(desk.reopen_incident(number));
    };
    let delete = move |()| {
        deleting.set(false);
        desk.delete(&[number]);
    };
    let alerts = move || {
        desk.workspace().with(|workspace| {
            workspace
                .incident(number)
                .map_or(0, |incident| incident.alert_ids.len())
        })
    };
    view! {
        <div class="actions">
            {if incident.closing.is_some() {
                view! {
                    <button type="button" on:click=move |_| reopening.set(true)>"Reopen"</button>
                }
                .into_any()
            } else if incident.merged_into.is_none() {
                view! {
                    <button type="button" on:click=move |_| closing.set(true)>"Close"</button>
                }
                .into_any()
            } else {
                ().into_any()
            }}
            <button type="button" on:click=move |_| deleting.set(true)>"Delete"</button>
        </div>
        <Show when=move || closing.get()>
            <ClosingDialog
                heading=format!("Close incident {number}")
                on_close=close
                on_cancel=Callback::new(move |()| closing.set(false))
            />
        </Show>
        <Show when=move || reopening.get()>
            <ConfirmDialog
                heading=format!("Reopen incident {number}?")
                detail="Its classification is cleared; the activity log keeps it."
                action="Reopen"
                on_confirm=Callback::new(reopen)
                on_cancel=Callback::new(move |()| reopening.set(false))
            />
        </Show>
        <Show when=move || deleting.get()>
            <ConfirmDialog
                heading=Signal::derive(move || {
                    format!("Delete incident {number} and its {}?", counted(alerts(), "alert"))
                })
                detail="Undo brings it back until the next change."
                action="Delete"
                on_confirm=Callback::new(delete)
                on_cancel=Callback::new(move |()| deleting.set(false))
            />
        </Show>
    }
}
