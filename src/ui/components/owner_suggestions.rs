//! The owners an owner field suggests while typing: the workspace's known owners.

use leptos::prelude::*;

use crate::core::workspace::Workspace;
use crate::ui::desk::Desk;

/// A `<datalist>` of the workspace's known owners, for an input whose `list` is `id`.
#[component]
pub fn OwnerSuggestions(
    /// The list's id, which the owner input names in its `list` attribute.
    id: &'static str,
) -> impl IntoView {
    let desk = Desk::get();
    let known = Memo::new(move |_| desk.workspace().with(Workspace::known_owners));
    view! {
        <datalist id=id>
            {move || {
                known
                    .get()
                    .iter()
                    .map(|owner| view! { <option value=owner.display_name()></option> })
                    .collect_view()
            }}
        </datalist>
    }
}
