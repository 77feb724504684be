//! The closing dialog: one of the five classifications and a comment, then Close. The incident
//! page opens it for one incident; the queue's bulk action will open it for several.

use leptos::prelude::*;

use super::{ClosingFields, ModalDialog, error_for};
use crate::core::closing::{Closing, ClosingChoice};
use crate::core::validation::{self, Field, ValidationErrors};
use crate::core::vocabulary::IncidentStatus;

/// A dialog that asks how incidents are closed; `on_close` hears the verdict once it passes the
/// model's rules, `on_cancel` when the analyst backs out.
#[component]
pub fn ClosingDialog(
    /// What is being closed, for the dialog's heading ("Close incident 12").
    #[prop(into)]
    heading: String,
    /// Hears the checked verdict.
    on_close: Callback<Closing>,
    /// Hears that nothing is to be closed.
    on_cancel: Callback<()>,
) -> impl IntoView {
    let choice = RwSignal::new(None::<ClosingChoice>);
    let comment = RwSignal::new(String::new());
    let errors = RwSignal::new(ValidationErrors::default());
    let error_of = move |field: Field| error_for(errors.into(), field);
    let close = move |_| {
        let closing = choice
            .get_untracked()
            .map(|choice| Closing::from_choice(choice, comment.get_untracked().trim()));
        let mut found = ValidationErrors::default();
        validation::closing(IncidentStatus::Closed, closing.as_ref(), &mut found);
        match closing {
            Some(closing) if found.is_empty() => on_close.run(closing),
            _ => errors.set(found),
        }
    };
    view! {
        <ModalDialog labelled_by="closing-dialog-heading" on_cancel>
            <h2 id="closing-dialog-heading">{heading}</h2>
            <ClosingFields
                id_prefix="dialog"
                choice
                on_choice=Callback::new(move |picked| choice.set(picked))
                comment
                on_comment=Callback::new(move |typed| comment.set(typed))
                choice_error=error_of(Field::Classification)
                comment_error=error_of(Field::ClosingComment)
            />
            <div class="actions">
                <button type="button" on:click=close>"Close"</button>
                <button type="button" on:click=move |_| on_cancel.run(())>"Cancel"</button>
            </div>
        </ModalDialog>
    }
}
