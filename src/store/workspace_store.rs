//! The store the app uses: IndexedDB when the browser lets Vigil open it, else localStorage, with
//! the same operations either way.

use gloo_storage::{LocalStorage, Storage};

use super::catalog::Catalog;
use super::idb::{IdbStore, StoreError, StoreNotice, write_error};
use super::local::LocalStore;
use super::records::{draft_from_json, draft_to_json};
use super::snapshot::{Loaded, StoredQueue, Write};
use crate::core::draft::IncidentDraft;

/// One workspace's storage.
pub enum WorkspaceStore {
    /// IndexedDB, the normal case.
    IndexedDb(IdbStore),
    /// localStorage, when IndexedDB cannot be opened: a few megabytes at most.
    Local(LocalStore),
}

impl WorkspaceStore {
    /// Opens IndexedDB, falling back to localStorage when it cannot be opened (private mode,
    /// an error). Fails when neither can be used, or when a newer Vigil has the database.
    /// `notices` hears what IndexedDB says of other tabs ([`IdbStore::open`]); localStorage
    /// says nothing.
    pub async fn open(
        workspace: &str,
        notices: impl Fn(StoreNotice) + 'static,
    ) -> Result<WorkspaceStore, StoreError> {
        match IdbStore::open(workspace, notices).await {
            Ok(store) => Ok(WorkspaceStore::IndexedDb(store)),
            // The workspace is in IndexedDB, taken over by a newer Vigil: localStorage would
            // show another, empty workspace under its name.
            Err(error @ StoreError::LetGo(_)) => Err(error),
            Err(_) => LocalStore::open(workspace).map(WorkspaceStore::Local),
        }
    }

    /// Whether the app must warn that capacity is limited (the fallback is in use).
    pub fn capacity_limited(&self) -> bool {
        matches!(self, WorkspaceStore::Local(_))
    }

    /// Reads the queue alone; see [`IdbStore::load_queue`].
    pub async fn load_queue(&self) -> Result<StoredQueue, StoreError> {
        match self {
            WorkspaceStore::IndexedDb(store) => store.load_queue().await,
            WorkspaceStore::Local(store) => Ok(store.load_queue()),
        }
    }

    /// Reads the workspace back; see [`IdbStore::load`].
    pub async fn load(&self) -> Result<Loaded, StoreError> {
        match self {
            WorkspaceStore::IndexedDb(store) => store.load().await,
            WorkspaceStore::Local(store) => store.load(),
        }
    }

    /// Writes a whole workspace (`records_of`), all or nothing, replacing what was stored.
    pub async fn replace(&self, write: Write) -> Result<(), StoreError> {
        match self {
            WorkspaceStore::IndexedDb(store) => store.replace(write).await,
            WorkspaceStore::Local(store) => store.replace(write),
        }
    }

    /// Writes what one change touched (`records_for`), all or nothing.
    pub async fn save(&self, write: Write) -> Result<(), StoreError> {
        match self {
            WorkspaceStore::IndexedDb(store) => store.save(write).await,
            WorkspaceStore::Local(store) => store.save(write),
        }
    }
}

/// Deletes everything stored of a workspace: its database, the records of the localStorage
/// fallback, its creation-form draft. An error leaves the catalog to keep naming it, so
/// nothing stored drops out of sight. `on_blocked` hears when it waits for a tab that holds the
/// database open ([`IdbStore::delete`]).
pub async fn delete_stored_workspace(
    workspace: &str,
    on_blocked: impl Fn() + 'static,
) -> Result<(), StoreError> {
    IdbStore::delete(workspace, on_blocked).await?;
    LocalStore::delete(workspace);
    forget_draft(workspace);
    Ok(())
}

/// Where the catalog of workspaces is kept. A few hundred bytes: localStorage serves it in
/// both modes, and reading it synchronously lets the app know which workspace to open at once.
const CATALOG_KEY: &str = "vigil:catalog";

/// The catalog of this browser profile's workspaces; the first-visit catalog when none is
/// stored or localStorage is unavailable.
pub fn load_catalog() -> Catalog {
    stored_catalog().unwrap_or_default()
}

/// The catalog as last written by any tab, when one is stored.
pub fn stored_catalog() -> Option<Catalog> {
    LocalStorage::raw()
        .get_item(CATALOG_KEY)
        .ok()
        .flatten()
        .map(|json| Catalog::from_json(&json))
}

/// Keeps the catalog for the next visit and the other tabs.
pub fn save_catalog(catalog: &Catalog) -> Result<(), StoreError> {
    LocalStorage::raw()
        .set_item(CATALOG_KEY, &catalog.to_json())
        .map_err(|error| write_error(format!("{error:?}")))
}

/// The localStorage key of a workspace's creation-form draft.
fn draft_key(workspace: &str) -> String {
    format!("vigil-draft-{workspace}")
}

/// The creation form's draft kept for a workspace, if there is one that still reads.
pub fn load_draft(workspace: &str) -> Option<IncidentDraft> {
    let json = LocalStorage::raw().get_item(&draft_key(workspace)).ok()??;
    draft_from_json(&json)
}

/// Keeps the creation form's draft for a workspace, so a reload loses nothing typed; a blank
/// draft is forgotten instead.
pub fn save_draft(workspace: &str, draft: &IncidentDraft) -> Result<(), StoreError> {
    if draft.is_blank() {
        forget_draft(workspace);
        return Ok(());
    }
    LocalStorage::raw()
        .set_item(&draft_key(workspace), &draft_to_json(draft))
        .map_err(|error| write_error(format!("{error:?}")))
}

/// Forgets a workspace's draft: it was created, or the analyst left it.
pub fn forget_draft(workspace: &str) {
    let _ = LocalStorage::raw().remove_item(&draft_key(workspace));
}
