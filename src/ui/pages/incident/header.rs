//! The incident's header fields, each edited in place and saved at once: the title (saved when
//! the analyst saves it), the severity, the status while open, and the owner, with **Assign to
//! me**. The model's refusal shows beside the page's actions.

use leptos::prelude::*;

use super::Report;
use crate::core::incident::Incident;
use crate::core::people::Owner;
use crate::core::vocabulary::{IncidentStatus, Severity};
use crate::ui::components::{EnumSelect, OwnerSuggestions};
use crate::ui::desk::Desk;

/// The statuses set here directly: Closed goes through the closing dialog.
const OPEN_STATUSES: [IncidentStatus; 2] = [IncidentStatus::New, IncidentStatus::Active];

/// Title, severity, status and owner of `incident`, editable unless it was merged away. The
/// page rebuilds it only when the incident is closed, reopened or merged.
#[component]
pub fn Header(incident: Memo<Incident>, report: Report) -> impl IntoView {
    let desk = Desk::get();
    // Built once per incident and kept across its changes, so focus and typing survive a save.
    let first = incident.get_untracked();
    let number = first.number;
    let editable = first.merged_into.is_none();
    let title = RwSignal::new(first.title.clone());
    let save_title = move |_| {
        let typed = title.get_untracked();
        report.run(desk.edit_incident(number, |incident, edit| incident.set_title(edit, &typed)));
    };
    let set_severity = Callback::new(move |severity: Severity| {
        report.run(desk.edit_incident(number, |incident, edit| {
            incident.set_severity(edit, severity)
        }));
    });
    let set_status = Callback::new(move |status: IncidentStatus| {
        report.run(desk.edit_incident(number, |incident, edit| incident.set_status(edit, status)));
    });
    let owner_name = Memo::new(move |_| {
        incident
            .read()
            .owner
            .as_ref()
            .map(Owner::display_name)
            .unwrap_or_default()
    });
    let owner_text = RwSignal::new(owner_name.get_untracked());
    // The box follows the stored owner whenever that changes (Assign to me, another tab's
    // save) and is left alone otherwise, so typing survives the other fields' saves.
    Effect::new(move || owner_text.set(owner_name.get()));
    let assign = move |owner: Option<Owner>| {
        report.run(desk.edit_incident(number, |incident, edit| incident.set_owner(edit, owner)));
    };
    let assign_typed = move |_| {
        let typed = owner_text.get_untracked();
        assign(desk.owner_from_typed(&typed));
    };
    let assign_to_me = move |_| {
        let me = desk
            .workspace()
            .with_untracked(|workspace| workspace.team().analyst().cloned());
        match me {
            Some(me) => assign(Some(me)),
            None => report.run(Some(Err(
                "say who you are first, under \"You\" on the Workspaces page".to_owned(),
            ))),
        }
    };
    let severity = Signal::derive(move || incident.read().severity);
    let status = Signal::derive(move || incident.read().status);
    view! {
        <div class="incident-header" inert=!editable>
            <span class="field-inline">
                <label for="incident-title">"Title"</label>
                <span class="title-entry">
                    <input
                        id="incident-title"
                        type="text"
                        prop:value=title
                        on:input:target=move |event| title.set(event.target().value())
                    />
                    <button type="button" on:click=save_title>"Save title"</button>
                </span>
            </span>
            <span class="field-inline">
                <EnumSelect
                    id="incident-severity"
                    label="Severity"
                    options=Severity::ALL
                    value=severity
                    on_change=set_severity
                />
            </span>
            <span class="field-inline">
                {if first.status == IncidentStatus::Closed {
                    view! {
                        <span class="field-label">"Status"</span>
                        <span class="incident-status">{move || status.get().as_str()}</span>
                    }
                    .into_any()
                } else {
                    view! {
                        <EnumSelect
                            id="incident-status"
                            label="Status"
                            options=&OPEN_STATUSES
                            value=status
                            on_change=set_status
                        />
                    }
                    .into_any()
                }}
            </span>
            <span class="field-inline">
                <label for="incident-owner">"Owner"</label>
                <span class="owner-entry">
                    <input
                        id="incident-owner"
                        type="text"
                        list="incident-owner-suggestions"
                        placeholder="Unassigned"
                        prop:value=owner_text
                        on:input:target=move |event| owner_text.set(event.target().value())
                    />
                    <button type="button" on:click=assign_typed>"Assign"</button>
                    <button type="button" on:click=assign_to_me>"Assign to me"</button>
                </span>
            </span>
            <OwnerSuggestions id="incident-owner-suggestions" />
        </div>
    }
}
