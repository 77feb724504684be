//! The analyst's own name and e-mail, asked on the Workspaces page and by Assign to me.

use leptos::prelude::*;

use super::{FieldErrorText, error_for};
use crate::core::validation::{Field, ValidationErrors, limits};

/// Name and e-mail inputs with their labels and errors.
#[component]
pub fn AnalystFields(
    /// The name as typed.
    name: RwSignal<String>,
    /// The e-mail as typed.
    email: RwSignal<String>,
    /// What `Team::set_analyst` refused, when it did.
    #[prop(into)]
    errors: Signal<ValidationErrors>,
) -> impl IntoView {
    view! {
        <OwnerInput id="analyst-name" label="Your name" kind="text" value=name error=error_for(errors, Field::AnalystName) />
        <OwnerInput id="analyst-email" label="Your e-mail" kind="email" value=email error=error_for(errors, Field::AnalystEmail) />
    }
}

/// One labelled input of an owner's field (name or e-mail), as long as the owner rules allow,
/// with its error below it.
#[component]
fn OwnerInput(
    /// The input's id; its error's id is this with `-error`.
    id: &'static str,
    /// The label's text.
    label: &'static str,
    /// The input type (`text`, `email`).
    kind: &'static str,
    /// The text as typed.
    value: RwSignal<String>,
    /// The field's first problem, when it has one.
    error: Signal<Option<String>>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    view! {
        <label for=id>{label}</label>
        <input
            id=id
            type=kind
            maxlength=limits::OWNER_FIELD_MAX_CHARS
            aria-describedby=error_id.clone()
            aria-invalid=move || error.read().is_some().to_string()
            prop:value=value
            on:input:target=move |event| value.set(event.target().value())
        />
        <FieldErrorText id=error_id message=error />
    }
}
