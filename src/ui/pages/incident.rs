//! One incident, by number: what it is, how it was closed, Close and Reopen, and its activity
//! log. (Editing in place, alerts, entities and comments come with the queue-and-page issue.)

use leptos::prelude::*;

use super::page::Page;
use crate::core::closing::Closing;
use crate::core::incident::Incident;
use crate::route::Route;
use crate::ui::components::ClosingDialog;
use crate::ui::desk::Desk;
use crate::ui::time_text::to_the_minute;

/// The incident page for `number`.
#[component]
pub fn IncidentPage(
    /// The incident's number, from the address.
    number: u64,
) -> impl IntoView {
    let desk = Desk::get();
    let incident = Memo::new(move |_| desk.workspace().with(|w| w.incident(number).cloned()));
    let closing = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let report = move |outcome: Option<Result<(), String>>| {
        problem.set(outcome.and_then(Result::err));
    };
    let close = Callback::new(move |verdict: Closing| {
        closing.set(false);
        report(desk.close_incident(number, verdict));
    });
    let reopen = move |_| {
        let question = format!(
            "Reopen incident {number}? Its classification is cleared; the activity log keeps it."
        );
        if window().confirm_with_message(&question).unwrap_or(false) {
            report(desk.reopen_incident(number));
        }
    };
    view! {
        {move || match incident.get() {
            None => view! {
                <Page heading=format!("Incident {number}")>
                    <p class="lead">"This workspace has no incident with that number."</p>
                    <a href=Route::Incidents.href()>"Go to the incidents"</a>
                </Page>
            }
            .into_any(),
            Some(incident) => view! {
                <Page heading=format!("Incident {}: {}", incident.number, incident.title)>
                    <Summary incident=incident.clone() />
                    <p class="field-error" role="alert">{move || problem.get()}</p>
                    <div class="actions">
                        {if incident.closing.is_some() {
                            view! { <button type="button" on:click=reopen>"Reopen"</button> }.into_any()
                        } else if incident.merged_into.is_none() {
                            view! {
                                <button type="button" on:click=move |_| closing.set(true)>"Close"</button>
                            }
                            .into_any()
                        } else {
                            ().into_any()
                        }}
                    </div>
                    <Show when=move || closing.get()>
                        <ClosingDialog
                            heading=format!("Close incident {number}")
                            on_close=close
                            on_cancel=Callback::new(move |()| closing.set(false))
                        />
                    </Show>
                    <ActivityLog incident />
                </Page>
            }
            .into_any(),
        }}
    }
}

/// Severity, status, owner, the verdict when closed, and the description as written.
#[component]
fn Summary(incident: Incident) -> impl IntoView {
    let owner = incident
        .owner
        .as_ref()
        .map_or_else(|| "Unassigned".to_owned(), |owner| owner.display_name());
    view! {
        <dl class="facts incident-facts">
            <dt>"Severity"</dt>
            <dd>{incident.severity.as_str()}</dd>
            <dt>"Status"</dt>
            <dd class="incident-status">{incident.status.as_str()}</dd>
            <dt>"Owner"</dt>
            <dd>{owner}</dd>
            {incident.closing.as_ref().map(|closing| view! {
                <dt>"Classification"</dt>
                <dd class="incident-classification">{closing.describe()}</dd>
                <dt>"Closing comment"</dt>
                <dd class="multiline">{closing.comment().to_owned()}</dd>
            })}
            <dt>"Description"</dt>
            <dd class="multiline">{incident.description.clone()}</dd>
        </dl>
    }
}

/// Every change with who, when, from and to, newest first.
#[component]
fn ActivityLog(incident: Incident) -> impl IntoView {
    view! {
        <h2>"Activity"</h2>
        <table class="activity">
            <thead>
                <tr>
                    <th scope="col">"When"</th>
                    <th scope="col">"Who"</th>
                    <th scope="col">"What"</th>
                    <th scope="col">"From"</th>
                    <th scope="col">"To"</th>
                </tr>
            </thead>
            <tbody>
                {incident
                    .activity
                    .iter()
                    .rev()
                    .map(|entry| view! {
                        <tr>
                            <td>{to_the_minute(entry.at)}</td>
                            <td>{entry.by.name.clone()}</td>
                            <td>{entry.what.label()}</td>
                            <td>{entry.from.clone().unwrap_or_default()}</td>
                            <td>{entry.to.clone().unwrap_or_default()}</td>
                        </tr>
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}
