//! What the incident is about: its description, tactics and techniques, activity times,
//! products, tags (added and removed here, with the workspace's recent tags suggested; only
//! listed once it is merged away), the verdict when closed, and the remediation steps its
//! alerts advise.

use leptos::prelude::*;

use crate::core::incident::Incident;
use crate::core::vocabulary::LabelType;
use crate::ui::components::TagEditor;
use crate::ui::desk::Desk;
use crate::ui::time_text::to_the_minute;

/// The details of `incident`.
#[component]
pub fn Details(incident: Incident) -> impl IntoView {
    let desk = Desk::get();
    let number = incident.number;
    let user_tags = incident.tag_names(LabelType::User);
    let automatic = incident.tag_names(LabelType::AutoAssigned);
    // Its tags went to the incident it was merged into, where they are edited.
    let merged = incident.merged_into.is_some();
    // A refused tag is named beside the tag field, not at the top of the page.
    let tag_error = RwSignal::new(None::<String>);
    let save_tags = move |tags: Vec<String>| {
        let saved = desk.edit_incident(number, |incident, edit| incident.set_tags(edit, &tags));
        tag_error.set(saved.and_then(Result::err));
    };
    let (on_add, on_remove) = {
        let (for_add, for_remove) = (user_tags.clone(), user_tags.clone());
        (
            Callback::new(move |typed: String| {
                let mut tags = for_add.clone();
                tags.push(typed);
                save_tags(tags);
            }),
            Callback::new(move |removed: String| {
                save_tags(
                    for_remove
                        .iter()
                        .filter(|tag| **tag != removed)
                        .cloned()
                        .collect(),
                );
            }),
        )
    };
    let remediation = Memo::new(move |_| {
        desk.workspace().with(|workspace| {
            let mut steps: Vec<String> = Vec::new();
            for alert in workspace.correlation().alerts_of(number) {
                for step in &alert.details.remediation_steps {
                    if !steps.contains(step) {
                        steps.push(step.clone());
                    }
                }
            }
            steps
        })
    });
    let when = |time: Option<chrono::DateTime<chrono::Utc>>| {
        time.map_or_else(|| "Not known".to_owned(), to_the_minute)
    };
    let joined = |items: Vec<String>| match items.is_empty() {
        true => "None".to_owned(),
        false => items.join(", "),
    };
    // A blank text says so, as an empty list does, rather than leaving its row empty.
    let text_or_none = |text: &str| match text.trim().is_empty() {
        true => "None".to_owned(),
        false => text.to_owned(),
    };
    let owner = incident
        .owner
        .as_ref()
        .map_or_else(|| "Unassigned".to_owned(), |owner| owner.display_name());
    view! {
        <dl class="facts incident-facts">
            <dt>"Status"</dt>
            <dd class="incident-status">{incident.status.as_str()}</dd>
            <dt>"Owner"</dt>
            <dd class="incident-owner">{owner}</dd>
            {incident.closing.as_ref().map(|closing| view! {
                <dt>"Classification"</dt>
                <dd class="incident-classification">{closing.describe()}</dd>
                <dt>"Closing comment"</dt>
                <dd class="multiline">{text_or_none(closing.comment())}</dd>
            })}
            <dt>"Description"</dt>
            <dd class="multiline incident-description">{text_or_none(&incident.description)}</dd>
            <dt>"Tactics"</dt>
            <dd>{joined(incident.tactics.iter().map(|tactic| tactic.as_str().to_owned()).collect())}</dd>
            <dt>"Techniques"</dt>
            <dd>{joined(incident.techniques.clone())}</dd>
            <dt>"First activity"</dt>
            <dd>{when(incident.first_activity)}</dd>
            <dt>"Last activity"</dt>
            <dd>{when(incident.last_activity)}</dd>
            <dt>"Products"</dt>
            <dd>{joined(incident.product_names.to_vec())}</dd>
            {(!automatic.is_empty()).then(|| view! {
                <dt>"Set automatically"</dt>
                <dd>{automatic.join(", ")}</dd>
            })}
            {merged.then(|| view! {
                <dt>"Tags"</dt>
                <dd class="incident-tag-list">{joined(user_tags.clone())}</dd>
            })}
        </dl>
        {(!merged).then(|| view! {
            <div class="incident-tags">
                <TagEditor
                    id_prefix="incident"
                    tags=Signal::stored(user_tags)
                    suggestions=Signal::derive(move || desk.recent_tags())
                    on_add
                    on_remove
                    error=tag_error
                />
            </div>
        })}
        <h2>"Remediation"</h2>
        {move || {
            let steps = remediation.get();
            if steps.is_empty() {
                view! { <p>"Its alerts advise no steps."</p> }.into_any()
            } else {
                view! {
                    <ol class="remediation">
                        {steps.into_iter().map(|step| view! { <li class="multiline">{step}</li> }).collect_view()}
                    </ol>
                }
                .into_any()
            }
        }}
    }
}
