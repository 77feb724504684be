//! The top bar's workspace switcher.

use leptos::prelude::*;

use super::desk::Desk;

/// Chooses the open workspace among the catalog's, leaving out those being deleted; the choice
/// is remembered for the next visit.
#[component]
pub fn WorkspaceSwitcher() -> impl IntoView {
    let desk = Desk::get();
    let catalog = desk.catalog();
    let deletions = desk.deletions();
    view! {
        <div class="workspace-switcher">
            <label for="workspace-switcher">"Workspace"</label>
            <select
                id="workspace-switcher"
                on:change:target=move |event| desk.switch_to(&event.target().value())
                prop:value=move || catalog.read().current().to_owned()
            >
                {move || {
                    let catalog = catalog.read();
                    let deletions = deletions.read();
                    catalog
                        .workspaces()
                        .iter()
                        .filter(|name| !deletions.contains_key(*name))
                        .map(|name| {
                            let selected = name == catalog.current();
                            view! {
                                <option value=name.clone() selected=selected>
                                    {name.clone()}
                                </option>
                            }
                        })
                        .collect_view()
                }}
            </select>
        </div>
    }
}
