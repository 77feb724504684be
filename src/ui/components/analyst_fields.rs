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
    let name_error = error_for(errors, Field::AnalystName);
    let email_error = error_for(errors, Field::AnalystEmail);
    view! {
        <label for="analyst-name">"Your name"</label>
        <input
            id="analyst-name"
            type="text"
            maxlength=limits::OWNER_FIELD_MAX_CHARS
            aria-describedby="analyst-name-error"
            aria-invalid=move || name_error.read().is_some().to_string()
            prop:value=name
            on:input:target=move |event| name.set(event.target().value())
        />
        <FieldErrorText id="analyst-name-error" message=name_error />
        <label for="analyst-email">"Your e-mail"</label>
        <input
            id="analyst-email"
            type="email"
            maxlength=limits::OWNER_FIELD_MAX_CHARS
            aria-describedby="analyst-email-error"
            aria-invalid=move || email_error.read().is_some().to_string()
            prop:value=email
            on:input:target=move |event| email.set(event.target().value())
        />
        <FieldErrorText id="analyst-email-error" message=email_error />
    }
}
