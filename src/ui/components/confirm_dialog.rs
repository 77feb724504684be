//! A confirmation before something that destroys or clears: a heading that says exactly what
//! goes, a line on how to get it back, and the action's button beside Cancel.

use leptos::prelude::*;

use super::{DialogRole, ModalDialog};

/// An alert dialog asking to confirm `action`.
#[component]
pub fn ConfirmDialog(
    /// The question, naming what goes ("Delete 2 incidents and their 7 alerts?").
    #[prop(into)]
    heading: Signal<String>,
    /// What follows it, in one line (how to undo it).
    detail: &'static str,
    /// The confirming button's text.
    action: &'static str,
    /// Hears the confirmation.
    on_confirm: Callback<()>,
    /// Hears that nothing is to be done.
    on_cancel: Callback<()>,
) -> impl IntoView {
    view! {
        <ModalDialog labelled_by="confirm-heading" role=DialogRole::Alert on_cancel>
            <h2 id="confirm-heading">{heading}</h2>
            <p>{detail}</p>
            <div class="actions">
                <button type="button" on:click=move |_| on_confirm.run(())>{action}</button>
                <button type="button" on:click=move |_| on_cancel.run(())>"Cancel"</button>
            </div>
        </ModalDialog>
    }
}
