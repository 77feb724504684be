//! The browser profile's workspaces: which one is open, opening another, creating one.

use leptos::prelude::*;

use super::page::Page;
use crate::route::Route;
use crate::store::catalog::NAME_MAX_CHARS;
use crate::ui::desk::Desk;

/// Lists the workspaces and creates new, empty ones.
#[component]
pub fn WorkspacesPage() -> impl IntoView {
    let desk = Desk::get();
    let catalog = desk.catalog();
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let create = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let typed = name.get_untracked();
        match desk.create_workspace(&typed) {
            Ok(()) => {
                name.set(String::new());
                error.set(None);
            }
            Err(refused) => error.set(Some(refused.to_string())),
        }
    };
    view! {
        <Page heading="Workspaces">
            <p class="lead">
                "Each workspace keeps its own incidents, alerts and settings in this browser; nothing of one shows in another."
            </p>
            <ul class="workspace-list">
                {move || {
                    let catalog = catalog.read();
                    catalog
                        .workspaces()
                        .iter()
                        .map(|workspace| {
                            let open = workspace == catalog.current();
                            let target = workspace.clone();
                            view! {
                                <li>
                                    <span class="workspace-name">{workspace.clone()}</span>
                                    {if open {
                                        view! { <span class="tag">"Open"</span> }.into_any()
                                    } else {
                                        view! {
                                            <button
                                                type="button"
                                                on:click=move |_| desk.switch_to(&target)
                                            >
                                                {format!("Open {workspace}")}
                                            </button>
                                        }
                                            .into_any()
                                    }}
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <form class="create-workspace" on:submit=create novalidate>
                <h2>"New workspace"</h2>
                <label for="workspace-name">"Workspace name"</label>
                <input
                    id="workspace-name"
                    type="text"
                    maxlength=NAME_MAX_CHARS
                    aria-describedby="workspace-name-error"
                    aria-invalid=move || error.read().is_some().to_string()
                    prop:value=name
                    on:input:target=move |event| name.set(event.target().value())
                />
                <p id="workspace-name-error" class="field-error" role="alert">
                    {move || error.get()}
                </p>
                <button type="submit">"Create workspace"</button>
            </form>
            <p>
                <a href=Route::Diagnostics.href()>"Storage diagnostics"</a>
            </p>
        </Page>
    }
}
