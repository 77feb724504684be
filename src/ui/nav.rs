//! The navigation bar.

use leptos::prelude::*;

use crate::route::Route;

/// The sections an analyst moves between; an incident page belongs to the Incidents section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Overview,
    Incidents,
    NewIncident,
    Import,
    Workspaces,
}

impl Section {
    fn of(route: &Route) -> Option<Section> {
        match route {
            Route::Overview => Some(Section::Overview),
            Route::Incidents | Route::Incident(_) => Some(Section::Incidents),
            Route::NewIncident => Some(Section::NewIncident),
            Route::Import => Some(Section::Import),
            Route::Workspaces | Route::Diagnostics => Some(Section::Workspaces),
            Route::NotFound(_) => None,
        }
    }

    fn target(self) -> Route {
        match self {
            Section::Overview => Route::Overview,
            Section::Incidents => Route::Incidents,
            Section::NewIncident => Route::NewIncident,
            Section::Import => Route::Import,
            Section::Workspaces => Route::Workspaces,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Section::Overview => "Overview",
            Section::Incidents => "Incidents",
            Section::NewIncident => "New incident",
            Section::Import => "Import",
            Section::Workspaces => "Workspaces",
        }
    }
}

/// Links to the sections; the current one is marked for sight and for screen readers.
#[component]
pub fn NavBar(
    /// The page on screen, to mark its section.
    route: ReadSignal<Route>,
) -> impl IntoView {
    let link = move |section: Section| {
        let current = move || Section::of(&route.read()) == Some(section);
        view! {
            <li>
                <a
                    href=section.target().href()
                    class:current=current
                    aria-current=move || current().then_some("page")
                >
                    {section.label()}
                </a>
            </li>
        }
    };
    view! {
        <nav aria-label="Main">
            <ul class="nav-links">
                {link(Section::Overview)}
                {link(Section::Incidents)}
                {link(Section::NewIncident)}
                {link(Section::Import)}
                {link(Section::Workspaces)}
            </ul>
        </nav>
    }
}
