//! The store the app uses: IndexedDB when the browser lets Vigil open it, else localStorage, with
//! the same operations either way.

use super::idb::{IdbStore, StoreError};
use super::local::LocalStore;
use super::snapshot::{Change, Loaded};
use crate::core::workspace::Workspace;

/// One workspace's storage.
pub enum WorkspaceStore {
    /// IndexedDB, the normal case.
    IndexedDb(IdbStore),
    /// localStorage, when IndexedDB cannot be opened: a few megabytes at most.
    Local(LocalStore),
}

impl WorkspaceStore {
    /// Opens IndexedDB, falling back to localStorage when it cannot be opened (blocked, private
    /// mode, an error). Fails only when neither can be used.
    pub async fn open(workspace: &str) -> Result<WorkspaceStore, StoreError> {
        match IdbStore::open(workspace).await {
            Ok(store) => Ok(WorkspaceStore::IndexedDb(store)),
            Err(_) => LocalStore::open(workspace).map(WorkspaceStore::Local),
        }
    }

    /// Whether the app must warn that capacity is limited (the fallback is in use).
    pub fn capacity_limited(&self) -> bool {
        matches!(self, WorkspaceStore::Local(_))
    }

    /// Reads the workspace back; see [`IdbStore::load`].
    pub async fn load(&mut self) -> Result<Loaded, StoreError> {
        match self {
            WorkspaceStore::IndexedDb(store) => store.load().await,
            WorkspaceStore::Local(store) => store.load(),
        }
    }

    /// Writes the whole workspace, all or nothing.
    pub async fn save_all(&self, workspace: &Workspace) -> Result<(), StoreError> {
        match self {
            WorkspaceStore::IndexedDb(store) => store.save_all(workspace).await,
            WorkspaceStore::Local(store) => store.save_all(workspace),
        }
    }

    /// Writes what one change touched, all or nothing.
    pub async fn save_change(
        &self,
        workspace: &Workspace,
        change: &Change,
    ) -> Result<(), StoreError> {
        match self {
            WorkspaceStore::IndexedDb(store) => store.save_change(workspace, change).await,
            WorkspaceStore::Local(store) => store.save_change(workspace, change),
        }
    }
}
