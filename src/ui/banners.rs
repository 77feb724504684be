//! The banners above every page: that the open workspace is the demo (with a way out of it),
//! and how its storage stands when it is anything but normal: limited capacity, read-only,
//! held up or taken over by another tab, records set aside, a change another tab won, a failed
//! save.

use leptos::prelude::*;

use super::desk::{Backend, Desk};
use crate::route::Route;
use crate::store::catalog::DEMO_WORKSPACE;
use crate::store::idb::LetGo;

/// The name a workspace started from the demo banner gets (or the first free one like it).
const EMPTY_WORKSPACE: &str = "My workspace";

/// Every banner that applies now; none when all is well.
#[component]
pub fn StorageBanners() -> impl IntoView {
    let desk = Desk::get();
    let status = desk.status();
    let set_aside = move || status.read().set_aside.len();
    let catalog = desk.catalog();
    let start_empty = move |_| {
        let name = catalog.read_untracked().free_name(EMPTY_WORKSPACE);
        // A free name always passes the name rules.
        let _ = desk.create_workspace(&name);
    };
    view! {
        <div class="banners">
            <Show when=move || catalog.read().current() == DEMO_WORKSPACE>
                <div class="banner demo" role="note">
                    <p>
                        "This is the demo workspace: made-up incidents from the last 30 days to explore Vigil with. Nothing here is real."
                    </p>
                    <button type="button" class="start-empty" on:click=start_empty>
                        "Start an empty workspace"
                    </button>
                </div>
            </Show>
            {move || {
                let status = status.read();
                status.opening.then(|| opening_banner(status.blocked))
            }}
            {move || status.read().let_go.map(let_go_banner)}
            <Show when=move || status.read().backend == Backend::LocalStorage>
                <p class="banner warning" role="status">
                    "This browser would not open its database, so this workspace is kept in localStorage, "
                    "which holds only a few megabytes: export it before it grows large."
                </p>
            </Show>
            <Show when=move || status.read().backend == Backend::Memory>
                <p class="banner warning" role="alert">
                    "This browser lets Vigil store nothing: changes last only until this tab closes."
                </p>
            </Show>
            {move || {
                status
                    .read()
                    .read_only
                    .map(|schema| {
                        view! {
                            <p class="banner warning" role="alert">
                                {format!(
                                    "This workspace was saved by a newer version of Vigil (schema {schema}). It is open read-only: nothing you change is saved, and nothing stored is overwritten.",
                                )}
                            </p>
                        }
                    })
            }}
            <Show when=move || { set_aside() > 0 }>
                <p class="banner warning" role="status">
                    {move || set_aside_text(set_aside())} " "
                    <a href=Route::Diagnostics.href()>"See the diagnostics"</a>
                </p>
            </Show>
            {move || {
                status
                    .read()
                    .conflict
                    .map(|number| {
                        view! {
                            <div class="banner danger" role="alert">
                                <p>
                                    {format!(
                                        "Incident {number} was changed in another tab before your change was saved, so your change was not saved.",
                                    )}
                                </p>
                                <button type="button" on:click=move |_| desk.reload()>
                                    "Load the fresh version"
                                </button>
                            </div>
                        }
                    })
            }}
            {move || {
                status
                    .read()
                    .problem
                    .clone()
                    .map(|problem| {
                        view! {
                            <div class="banner danger" role="alert">
                                <p>{problem}</p>
                                <button type="button" on:click=move |_| desk.dismiss_problem()>
                                    "Dismiss"
                                </button>
                            </div>
                        }
                    })
            }}
        </div>
    }
}

/// What the tab says while the workspace opens: that it is, or what holds it up.
fn opening_banner(blocked: bool) -> impl IntoView {
    if blocked {
        view! {
            <p class="banner warning" role="alert">
                "Another tab has this workspace open in an older version of Vigil, which keeps it from opening here. "
                "Close or reload that tab, and this one goes on by itself."
            </p>
        }
        .into_any()
    } else {
        view! { <p class="banner" role="status">"Opening the workspace…"</p> }.into_any()
    }
}

/// What the tab says once it let go of the workspace's database, with the way on.
fn let_go_banner(why: LetGo) -> impl IntoView {
    let (said, way_on) = match why {
        LetGo::Upgraded => (
            "A newer version of Vigil opened this workspace in another tab, so this tab has stopped saving. Everything saved until now is kept.",
            view! {
                <button type="button" on:click=|_| reload_page()>
                    "Reload this tab"
                </button>
            }
            .into_any(),
        ),
        LetGo::Deleted => (
            "This workspace's stored data was deleted outside Vigil, so this tab has stopped saving. What it shows is the only copy left: export it to keep it.",
            view! { <a href=Route::Workspaces.href()>"Export it from the Workspaces page"</a> }
                .into_any(),
        ),
    };
    view! {
        <div class="banner danger" role="alert">
            <p>{said}</p>
            {way_on}
        </div>
    }
}

/// Reloads the tab, which then runs the newer Vigil that took the workspace over.
fn reload_page() {
    // Reloading fails only in a document that is being torn down anyway.
    let _ = window().location().reload();
}

/// The set-aside banner's sentence.
fn set_aside_text(count: usize) -> String {
    let records = if count == 1 { "record" } else { "records" };
    format!(
        "{count} saved {records} could not be read and {} set aside; the rest of the workspace loaded.",
        if count == 1 { "was" } else { "were" }
    )
}
