//! The queue's bulk actions on the selected incidents: assign an owner or unassign, set the
//! status or the severity, add tags, close, merge and delete. Each says what it did and, per
//! incident, what the model refused; a merge or a deletion can be undone until the next change.

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::core::closing::Closing;
use crate::core::incident::{Edit, EditError, Incident};
use crate::core::vocabulary::{IncidentStatus, Severity};
use crate::ui::components::{
    ClosingDialog, ConfirmDialog, EnumSelect, ModalDialog, OwnerSuggestions,
};
use crate::ui::desk::Desk;
use crate::ui::words::{counted, numbered};

/// The statuses a bulk action sets directly: Closed goes through the closing dialog.
const OPEN_STATUSES: [IncidentStatus; 2] = [IncidentStatus::New, IncidentStatus::Active];

/// Which confirmation the bar has open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Asking {
    Close,
    Merge,
    Delete,
}

/// The bar above the queue acting on `selected`, the numbers ticked in the table.
#[component]
pub fn BulkActions(
    /// The incidents ticked in the queue; emptied once they are closed, merged or deleted.
    selected: RwSignal<BTreeSet<u64>>,
) -> impl IntoView {
    let desk = Desk::get();
    let outcome = RwSignal::new(Vec::<String>::new());
    let asking = RwSignal::new(None::<Asking>);
    let owner_text = RwSignal::new(String::new());
    let status = RwSignal::new(IncidentStatus::Active);
    let severity = RwSignal::new(Severity::High);
    let tags_text = RwSignal::new(String::new());
    let none_selected = move || selected.read().is_empty();
    let ticked = move || selected.get_untracked().into_iter().collect::<Vec<u64>>();
    // What a confirmation acts on: the incidents ticked when it opened, whatever is ticked
    // while it is open.
    let chosen = RwSignal::new(Vec::<u64>::new());
    let ask = move |what: Asking| {
        chosen.set(ticked());
        asking.set(Some(what));
    };

    let assign = move |_| {
        let typed = owner_text.get_untracked();
        let owner = desk.owner_from_typed(&typed);
        // Emptied once used, so a second click cannot assign again by mistake.
        owner_text.set(String::new());
        edit_selected(
            desk,
            ticked(),
            outcome,
            "assigned".to_owned(),
            move |incident, edit| incident.set_owner(edit, owner.clone()),
        );
    };
    let unassign = move |_| {
        edit_selected(
            desk,
            ticked(),
            outcome,
            "unassigned".to_owned(),
            |incident, edit| incident.set_owner(edit, None),
        );
    };
    let set_status = move |_| {
        let chosen = status.get_untracked();
        edit_selected(
            desk,
            ticked(),
            outcome,
            format!("set to {chosen}"),
            move |incident, edit| incident.set_status(edit, chosen),
        );
    };
    let set_severity = move |_| {
        let chosen = severity.get_untracked();
        edit_selected(
            desk,
            ticked(),
            outcome,
            format!("set to {chosen}"),
            move |incident, edit| incident.set_severity(edit, chosen),
        );
    };
    let add_tags = move |_| {
        let tags: Vec<String> = tags_text
            .get_untracked()
            .split(',')
            .map(|tag| tag.trim().to_owned())
            .filter(|tag| !tag.is_empty())
            .collect();
        tags_text.set(String::new());
        edit_selected(
            desk,
            ticked(),
            outcome,
            "tagged".to_owned(),
            move |incident, edit| incident.add_tags(edit, &tags),
        );
    };
    let close = Callback::new(move |verdict: Closing| {
        asking.set(None);
        edit_selected(
            desk,
            chosen.get_untracked(),
            outcome,
            "closed".to_owned(),
            move |incident, edit| incident.close(edit, verdict.clone()),
        );
        selected.set(BTreeSet::new());
    });
    let merge_reason = RwSignal::new(String::new());
    // A refusal is shown in the dialog, where the analyst is looking, and the dialog stays.
    let merge_refused = RwSignal::new(None::<String>);
    let merge = move |_| {
        let numbers = chosen.get_untracked();
        match desk.merge(&numbers, &merge_reason.get_untracked()) {
            Some(Ok(survivor)) => {
                asking.set(None);
                merge_reason.set(String::new());
                merge_refused.set(None);
                selected.set(BTreeSet::new());
                let absorbed: Vec<u64> = numbers
                    .into_iter()
                    .filter(|number| *number != survivor)
                    .collect();
                outcome.set(vec![format!(
                    "Merged {} into incident {survivor}.",
                    numbered(&absorbed, "incident")
                )]);
            }
            Some(Err(refused)) => merge_refused.set(Some(format!("Not merged: {refused}."))),
            None => asking.set(None),
        }
    };
    let cancel_merge = move || {
        merge_refused.set(None);
        asking.set(None);
    };
    let alerts_of_chosen = move || {
        desk.workspace().with(|workspace| {
            chosen
                .read()
                .iter()
                .filter_map(|number| workspace.incident(*number))
                .map(|incident| incident.alert_ids.len())
                .sum::<usize>()
        })
    };
    let delete = move |()| {
        asking.set(None);
        let numbers = chosen.get_untracked();
        if let Some(deleted) = desk.delete(&numbers) {
            selected.set(BTreeSet::new());
            outcome.set(vec![format!(
                "{} deleted with {}.",
                counted(deleted.incidents.len(), "incident"),
                counted(deleted.alerts, "alert")
            )]);
        }
    };
    let undo_description = Memo::new(move |_| {
        desk.workspace()
            .with(|workspace| workspace.undo_description().map(str::to_owned))
    });
    let undo = move |_| {
        let done = undo_description.get_untracked().unwrap_or_default();
        match desk.undo() {
            Some(Ok(())) => outcome.set(vec![format!("Undid the {done}.")]),
            Some(Err(why)) => outcome.set(vec![format!("Nothing undone: {why}.")]),
            None => {}
        }
    };

    view! {
        <section class="bulk-actions" aria-label="Bulk actions">
            <p class="selection-count">
                {move || format!("{} selected", counted(selected.read().len(), "incident"))}
            </p>
            <div class="bulk-row">
                <span class="field-inline">
                    <label for="bulk-owner">"Owner"</label>
                    <input
                        id="bulk-owner"
                        type="text"
                        list="bulk-owner-suggestions"
                        prop:value=owner_text
                        on:input:target=move |event| owner_text.set(event.target().value())
                    />
                </span>
                <OwnerSuggestions id="bulk-owner-suggestions" />
                <button
                    type="button"
                    prop:disabled=move || none_selected() || owner_text.read().trim().is_empty()
                    on:click=assign
                >
                    "Assign"
                </button>
                <button type="button" prop:disabled=none_selected on:click=unassign>
                    "Unassign"
                </button>
                <span class="field-inline">
                    <EnumSelect
                        id="bulk-status"
                        label="Status"
                        options=&OPEN_STATUSES
                        value=status
                        on_change=Callback::new(move |chosen| status.set(chosen))
                    />
                </span>
                <button type="button" prop:disabled=none_selected on:click=set_status>
                    "Set status"
                </button>
                <span class="field-inline">
                    <EnumSelect
                        id="bulk-severity"
                        label="Severity"
                        options=Severity::ALL
                        value=severity
                        on_change=Callback::new(move |chosen| severity.set(chosen))
                    />
                </span>
                <button type="button" prop:disabled=none_selected on:click=set_severity>
                    "Set severity"
                </button>
                <span class="field-inline">
                    <label for="bulk-tags">"Tags (comma-separated)"</label>
                    <input
                        id="bulk-tags"
                        type="text"
                        prop:value=tags_text
                        on:input:target=move |event| tags_text.set(event.target().value())
                    />
                </span>
                <button type="button" prop:disabled=none_selected on:click=add_tags>
                    "Add tags"
                </button>
            </div>
            <div class="actions">
                <button
                    type="button"
                    prop:disabled=none_selected
                    on:click=move |_| ask(Asking::Close)
                >
                    "Close selected"
                </button>
                <button
                    type="button"
                    prop:disabled=move || selected.read().len() < 2
                    on:click=move |_| ask(Asking::Merge)
                >
                    "Merge selected"
                </button>
                <button
                    type="button"
                    prop:disabled=none_selected
                    on:click=move |_| ask(Asking::Delete)
                >
                    "Delete selected"
                </button>
                {move || {
                    undo_description
                        .get()
                        .map(|what| {
                            view! {
                                <button type="button" class="undo" on:click=undo>
                                    {format!("Undo {what}")}
                                </button>
                            }
                        })
                }}
            </div>
            {move || match asking.get() {
                Some(Asking::Close) => view! {
                    <ClosingDialog
                        heading=format!("Close {}", counted(chosen.read_untracked().len(), "incident"))
                        on_close=close
                        on_cancel=Callback::new(move |()| asking.set(None))
                    />
                }
                .into_any(),
                Some(Asking::Merge) => view! {
                    <ModalDialog
                        labelled_by="merge-heading"
                        on_cancel=Callback::new(move |()| cancel_merge())
                    >
                        <h2 id="merge-heading">
                            {format!("Merge {}", counted(chosen.read_untracked().len(), "incident"))}
                        </h2>
                        <p class="merge-survivor">{move || {
                            let survivor = desk.workspace().with(|workspace| {
                                workspace.merge_survivor(&chosen.read())
                            });
                            let stays = survivor.map_or_else(
                                || "The oldest incident".to_owned(),
                                |number| format!("Incident {number}, the oldest,"),
                            );
                            format!("{stays} stays and takes the others' alerts and tags; the others close as Redirected.")
                        }}</p>
                        <label for="merge-reason">"Reason (required)"</label>
                        <textarea
                            id="merge-reason"
                            prop:value=merge_reason
                            on:input:target=move |event| merge_reason.set(event.target().value())
                        ></textarea>
                        <p class="field-error" role="alert">{move || merge_refused.get()}</p>
                        <div class="actions">
                            <button type="button" on:click=merge>"Merge"</button>
                            <button type="button" on:click=move |_| cancel_merge()>"Cancel"</button>
                        </div>
                    </ModalDialog>
                }
                .into_any(),
                Some(Asking::Delete) => view! {
                    <ConfirmDialog
                        heading=Signal::derive(move || {
                            format!(
                                "Delete {} and their {}?",
                                counted(chosen.read().len(), "incident"),
                                counted(alerts_of_chosen(), "alert"),
                            )
                        })
                        detail="Undo brings them back until the next change."
                        action="Delete"
                        on_confirm=Callback::new(delete)
                        on_cancel=Callback::new(move |()| asking.set(None))
                    />
                }
                .into_any(),
                None => ().into_any(),
            }}
            <div class="bulk-outcome" role="status">
                {move || outcome.get().into_iter().map(|line| view! { <p>{line}</p> }).collect_view()}
            </div>
        </section>
    }
}

/// Applies `operation` to each of `numbers`, then reports how many it `changed` (a past
/// participle and what it names: "assigned", "set to High") and why each refused one was not.
fn edit_selected(
    desk: Desk,
    numbers: Vec<u64>,
    outcome: RwSignal<Vec<String>>,
    changed: String,
    operation: impl Fn(&mut Incident, Edit<'_>) -> Result<(), EditError> + 'static,
) {
    spawn_local(async move {
        let asked = numbers.len();
        let refused = desk.edit_each(numbers, operation).await;
        let mut lines = vec![format!(
            "{} of {} {changed}.",
            asked - refused.len(),
            counted(asked, "incident")
        )];
        lines.extend(
            refused
                .into_iter()
                .map(|(number, why)| format!("Incident {number} was not {changed}: {why}.")),
        );
        outcome.set(lines);
    });
}
