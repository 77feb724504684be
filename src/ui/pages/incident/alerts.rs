//! The incident's alerts, earliest first: when, what, how bad, from which product, and why the
//! correlation core put each one here; each can be moved to another incident or a new one.

use leptos::prelude::*;
use uuid::Uuid;

use super::Report;
use crate::core::correlation::MoveTarget;
use crate::ui::components::ColumnHeads;
use crate::ui::desk::Desk;
use crate::ui::time_text::to_the_minute;

/// One alert as the table shows it.
#[derive(Debug, Clone, PartialEq)]
struct AlertLine {
    id: String,
    time: String,
    name: String,
    severity: &'static str,
    product: String,
    why: String,
}

/// The alerts of incident `number`.
#[component]
pub fn Alerts(number: u64, report: Report) -> impl IntoView {
    let desk = Desk::get();
    let lines = Memo::new(move |_| {
        desk.workspace().with(|workspace| {
            let correlation = workspace.correlation();
            correlation
                .alerts_of(number)
                .map(|alert| AlertLine {
                    id: alert.id.clone(),
                    time: to_the_minute(alert.start),
                    name: alert.title().to_owned(),
                    severity: alert.details.severity.as_str(),
                    product: alert.details.product_name.clone(),
                    why: correlation
                        .explain(&alert.id)
                        .map(|why| why.to_string())
                        .unwrap_or_default(),
                })
                .collect::<Vec<_>>()
        })
    });
    view! {
        <h2>"Alerts"</h2>
        <Show
            when=move || !lines.read().is_empty()
            fallback=|| view! { <p>"No alerts: this incident was created by hand or its alerts moved on."</p> }
        >
            <table class="alerts">
                <ColumnHeads labels=&["Time", "Name", "Severity", "Product", "Why it is here", "Move"] />
                <tbody>
                    {move || lines.get().into_iter().map(|line| alert_row(line, report)).collect_view()}
                </tbody>
            </table>
        </Show>
    }
}

/// One alert's row, with its move control: an incident number, or empty for a new incident.
fn alert_row(line: AlertLine, report: Report) -> impl IntoView {
    let desk = Desk::get();
    let target = RwSignal::new(String::new());
    let input_id = format!("move-{}", line.id);
    let id = line.id.clone();
    let move_it = move |_| {
        let typed = target.get_untracked();
        let typed = typed.trim().trim_start_matches('#');
        let target = if typed.is_empty() {
            MoveTarget::NewIncident { id: Uuid::new_v4() }
        } else {
            match typed.parse() {
                Ok(number) => MoveTarget::Incident(number),
                Err(_) => {
                    report.run(Some(Err(format!(
                        "\"{typed}\" is not an incident number; leave it empty for a new incident"
                    ))));
                    return;
                }
            }
        };
        report.run(desk.move_alert(&id, target).map(|moved| moved.map(|_| ())));
    };
    view! {
        <tr>
            <td>{line.time}</td>
            <td>{line.name.clone()}</td>
            <td>{line.severity}</td>
            <td>{line.product}</td>
            <td class="why">{line.why}</td>
            <td>
                // The column says Move; the label names the alert for screen readers.
                <label class="sr-only" for=input_id.clone()>
                    {format!("Move \"{}\" to incident", line.name)}
                </label>
                <input
                    id=input_id
                    type="text"
                    inputmode="numeric"
                    placeholder="new"
                    prop:value=target
                    on:input:target=move |event| target.set(event.target().value())
                />
                <button type="button" on:click=move_it>"Move"</button>
            </td>
        </tr>
    }
}
