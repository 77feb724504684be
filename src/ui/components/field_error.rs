//! The message beside a field that broke a rule.

use leptos::prelude::*;

use crate::core::validation::{Field, ValidationErrors};

/// The first problem with a field, as a live region screen readers announce; empty when there
/// is none. Its `id` is what the field's `aria-describedby` names.
#[component]
pub fn FieldErrorText(
    /// The element id, named by the field's `aria-describedby`.
    #[prop(into)]
    id: String,
    /// The message, when the field is in error.
    #[prop(into)]
    message: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <p id=id class="field-error" role="alert">
            {move || message.get()}
        </p>
    }
}

/// The first problem `errors` names for `field`, worded for the analyst: what a field's
/// [`FieldErrorText`] shows.
pub fn error_for(errors: Signal<ValidationErrors>, field: Field) -> Signal<Option<String>> {
    Signal::derive(move || {
        errors
            .read()
            .for_field(field)
            .next()
            .map(ToString::to_string)
    })
}
