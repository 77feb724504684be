//! One module per page, named after what the analyst sees.

mod diagnostics;
mod import;
mod incident;
mod incidents;
mod new_incident;
mod not_found;
mod overview;
mod page;
mod workspaces;

pub use diagnostics::DiagnosticsPage;
pub use import::ImportPage;
pub use incident::IncidentPage;
pub use incidents::IncidentsPage;
pub use new_incident::NewIncidentPage;
pub use not_found::NotFoundPage;
pub use overview::OverviewPage;
pub use workspaces::WorkspacesPage;
