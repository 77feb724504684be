//! The browser profile's workspaces: which one is open, opening another, creating one, deleting
//! one that is not open (after asking), and exporting the open one as a file.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_bindgen::{JsCast, JsValue};

use super::page::Page;
use crate::core::validation::ValidationErrors;
use crate::route::Route;
use crate::store::catalog::NAME_MAX_CHARS;
use crate::ui::components::{AnalystFields, ConfirmDialog};
use crate::ui::desk::{Deletion, Desk};

/// Lists the workspaces, creates new, empty ones and deletes those not open.
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
    // The workspace whose deletion is being confirmed.
    let deleting = RwSignal::new(None::<String>);
    let deletions = desk.deletions();
    let delete_error = RwSignal::new(None::<String>);
    let delete = move |doomed: String| {
        deleting.set(None);
        spawn_local(async move {
            let deleted = desk.delete_workspace(&doomed).await;
            delete_error.set(deleted.err().map(|error| {
                format!(
                    "The workspace \"{doomed}\" could not be deleted, and is still here: {error}."
                )
            }));
        });
    };
    let export_error = RwSignal::new(None::<String>);
    let export = move |_| {
        let name = catalog.read_untracked().current().to_owned();
        let saved = download(&format!("vigil-{name}.json"), &desk.export());
        export_error.set(
            saved
                .err()
                .map(|_| "The browser refused the download.".to_owned()),
        );
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
                            let deletion = deletions.read().get(workspace).copied();
                            view! {
                                <li>
                                    <span class="workspace-name">{workspace.clone()}</span>
                                    {if open {
                                        view! { <span class="tag">"Open"</span> }.into_any()
                                    } else if let Some(deletion) = deletion {
                                        view! {
                                            <span class="deletion-status">{deletion_words(deletion)}</span>
                                        }
                                            .into_any()
                                    } else {
                                        let doomed = target.clone();
                                        view! {
                                            <button
                                                type="button"
                                                on:click=move |_| desk.switch_to(&target)
                                            >
                                                {format!("Open {workspace}")}
                                            </button>
                                            <button
                                                type="button"
                                                class="delete-workspace"
                                                on:click=move |_| deleting.set(Some(doomed.clone()))
                                            >
                                                {format!("Delete {workspace}")}
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
            // One lasting live region, so that a screen reader hears each deletion's progress
            // (the rows show it).
            <p class="sr-only" role="status">
                {move || {
                    deletions
                        .read()
                        .iter()
                        .map(|(name, deletion)| format!("{name}: {}", deletion_words(*deletion)))
                        .collect::<Vec<_>>()
                        .join(" ")
                }}
            </p>
            <p class="field-error" role="alert">{move || delete_error.get()}</p>
            {move || deleting.get().map(|doomed| view! {
                <ConfirmDialog
                    heading=format!("Delete the workspace \"{doomed}\" and everything in it?")
                    detail="Its incidents, alerts, comments and settings go from this browser for good. To keep a copy, open it and export it first."
                    action="Delete workspace"
                    on_confirm=Callback::new(move |()| delete(doomed.clone()))
                    on_cancel=Callback::new(move |()| deleting.set(None))
                />
            })}
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
            <AnalystForm />
            <h2>"Export"</h2>
            <p>
                "The open workspace as one JSON file: its incidents as Sentinel lists them, with Vigil's alerts, comments, activity and settings. The Import page reads it back as a new workspace."
            </p>
            <button type="button" on:click=export>"Export this workspace"</button>
            <p class="field-error" role="alert">{move || export_error.get()}</p>
            <p>
                <a href=Route::Diagnostics.href()>"Storage diagnostics"</a>
            </p>
        </Page>
    }
}

/// What a workspace being deleted says in place of its buttons: that it is going, or what it
/// waits for.
fn deletion_words(deletion: Deletion) -> &'static str {
    match deletion {
        Deletion::Going => "Deleting…",
        Deletion::Waiting => {
            "Waiting to delete: another tab has this workspace open in an older version of Vigil. Close or reload that tab, and the deletion goes on by itself."
        }
    }
}

/// Who the analyst at this desk is, asked once and kept with the workspace: what "Assign to
/// me" fills in and the activity log names.
#[component]
fn AnalystForm() -> impl IntoView {
    let desk = Desk::get();
    let stored = Memo::new(move |_| {
        desk.workspace()
            .with(|workspace| workspace.team().analyst().cloned())
            .unwrap_or_default()
    });
    let (name, email) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    // Filled from the store, and again only when what is stored changes (a workspace that
    // opened later, another tab's save), never over typing otherwise.
    Effect::new(move || {
        let analyst = stored.get();
        name.set(analyst.assigned_to.unwrap_or_default());
        email.set(analyst.email.unwrap_or_default());
    });
    let errors = RwSignal::new(ValidationErrors::default());
    let saved = RwSignal::new(false);
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        saved.set(false);
        match desk.set_analyst(&name.get_untracked(), &email.get_untracked()) {
            Some(Ok(())) => {
                errors.set(ValidationErrors::default());
                saved.set(true);
            }
            Some(Err(refused)) => errors.set(refused),
            None => {}
        }
    };
    view! {
        <form class="analyst" on:submit=save novalidate>
            <h2>"You"</h2>
            <p>"Your name and e-mail, for \"Assign to me\" and the activity log of this workspace."</p>
            <AnalystFields name email errors />
            <button type="submit">"Save"</button>
            <p role="status">{move || saved.get().then_some("Saved.")}</p>
        </form>
    }
}

/// Offers `text` to the analyst as a file download.
fn download(file_name: &str, text: &str) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let anchor: web_sys::HtmlAnchorElement = document().create_element("a")?.unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(file_name);
    anchor.click();
    web_sys::Url::revoke_object_url(&url)
}
