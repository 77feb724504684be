//! The shell around every page: the top bar with navigation, and the page the address names.

use leptos::ev;
use leptos::prelude::*;

use super::banners::StorageBanners;
use super::desk::Desk;
use super::leave_guard::LeaveGuard;
use super::nav::NavBar;
use super::pages::{
    DiagnosticsPage, ImportPage, IncidentPage, IncidentsPage, NewIncidentPage, NotFoundPage,
    OverviewPage, WorkspacesPage,
};
use super::save_status::SaveStatus;
use super::workspace_switcher::WorkspaceSwitcher;
use crate::route::Route;

/// The page named by the address bar right now.
fn current_route() -> Route {
    Route::from_hash(&window().location().hash().unwrap_or_default())
}

/// The browser tab's title for a page, so tabs and history entries say where they lead.
fn document_title(route: &Route) -> String {
    let page = match route {
        Route::Overview => "Overview".to_owned(),
        Route::Incidents => "Incidents".to_owned(),
        Route::NewIncident => "New incident".to_owned(),
        Route::Incident(number) => format!("Incident {number}"),
        Route::Import => "Import".to_owned(),
        Route::Workspaces => "Workspaces".to_owned(),
        Route::Diagnostics => "Storage diagnostics".to_owned(),
        Route::NotFound(_) => "Page not found".to_owned(),
    };
    format!("{page} · Vigil")
}

/// A number names another incident, or none, in another workspace: when the open workspace
/// changes under an incident page (switched, started empty, imported), the queue is shown
/// instead.
fn leave_incident_on_switch(route: RwSignal<Route>) {
    let catalog = Desk::get().catalog();
    let open = Memo::new(move |_| catalog.read().current().to_owned());
    Effect::new(move |before: Option<String>| {
        let now_open = open.get();
        if before.is_some_and(|before| before != now_open)
            && matches!(route.get_untracked(), Route::Incident(_))
        {
            let _ = window().location().set_hash(&Route::Incidents.href());
        }
        now_open
    });
}

/// The whole app: the desk that holds the open workspace, then the shell. The route lives in
/// one signal fed by the address bar's `hashchange` event, so links, the back button and a
/// pasted link all go through the same path.
#[component]
pub fn App() -> impl IntoView {
    Desk::provide();
    let guard = LeaveGuard::provide();
    let route = RwSignal::new(current_route());
    let shown_hash = StoredValue::new(window().location().hash().unwrap_or_default());
    let listener = window_event_listener(ev::hashchange, move |_| {
        let next = current_route();
        let other_page = next != route.get_untracked();
        if other_page && !guard.may_leave() {
            // Back to the page the analyst chose to stay on, in place of the entry just made.
            let _ = window().location().replace(&shown_hash.get_value());
            return;
        }
        shown_hash.set_value(window().location().hash().unwrap_or_default());
        if other_page {
            route.set(next);
            // A new page opens at its top, not at where the last one was scrolled to.
            window().scroll_to_with_x_and_y(0.0, 0.0);
        }
    });
    on_cleanup(move || listener.remove());
    Effect::new(move || document().set_title(&document_title(&route.read())));
    leave_incident_on_switch(route);

    view! {
        <header class="topbar">
            <a class="brand" href=Route::Overview.href()>"Vigil"</a>
            <NavBar route=route.read_only() />
            <WorkspaceSwitcher />
            <SaveStatus />
        </header>
        <main class="content">
            <StorageBanners />
            {move || match route.get() {
                Route::Overview => view! { <OverviewPage /> }.into_any(),
                Route::Incidents => view! { <IncidentsPage /> }.into_any(),
                Route::NewIncident => view! { <NewIncidentPage /> }.into_any(),
                Route::Incident(number) => view! { <IncidentPage number /> }.into_any(),
                Route::Import => view! { <ImportPage /> }.into_any(),
                Route::Workspaces => view! { <WorkspacesPage /> }.into_any(),
                Route::Diagnostics => view! { <DiagnosticsPage /> }.into_any(),
                Route::NotFound(path) => view! { <NotFoundPage path /> }.into_any(),
            }}
        </main>
    }
}
