//! The frame of every dialog: a native `<dialog>` opened modal, so the browser keeps focus
//! inside it, makes the page behind it inert, and closes it on Escape, which Vigil hears as
//! Cancel.

use leptos::html::Dialog;
use leptos::prelude::*;

/// Whether a dialog interrupts to warn (`alertdialog`: a confirmation before something that
/// destroys) or asks for input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialogRole {
    /// Asks for input.
    Dialog,
    /// Warns and asks to confirm.
    Alert,
}

impl DialogRole {
    /// The ARIA role.
    pub fn as_str(self) -> &'static str {
        match self {
            DialogRole::Dialog => "dialog",
            DialogRole::Alert => "alertdialog",
        }
    }
}

/// A modal dialog, open for as long as it is on the page.
#[component]
pub fn ModalDialog(
    /// The id of the heading that names it.
    labelled_by: &'static str,
    /// Its role.
    #[prop(default = DialogRole::Dialog)]
    role: DialogRole,
    /// A class beside `dialog`, for its own layout.
    #[prop(default = "")]
    class: &'static str,
    /// Hears Escape: the same as the dialog's Cancel button.
    on_cancel: Callback<()>,
    /// Its heading, fields and buttons.
    children: Children,
) -> impl IntoView {
    let dialog = NodeRef::<Dialog>::new();
    Effect::new(move || {
        if let Some(dialog) = dialog.get()
            && !dialog.open()
        {
            // Fails only when the dialog is not in the document, where it shows nothing anyway.
            let _ = dialog.show_modal();
        }
    });
    // Escape closes the dialog itself; its owner is told, and takes it off the page. A dialog
    // taken off the page by its owner is not in the document any more, and is not cancelled.
    let closed = move |_| {
        if dialog
            .get_untracked()
            .is_some_and(|dialog| dialog.is_connected())
        {
            on_cancel.run(());
        }
    };
    view! {
        <dialog
            node_ref=dialog
            class=format!("dialog {class}")
            role=role.as_str()
            aria-labelledby=labelled_by
            on:close=closed
        >
            {children()}
        </dialog>
    }
}
