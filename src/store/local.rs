//! The fallback when IndexedDB cannot be opened: the same records in localStorage, under
//! `vigil:<workspace>:<store>:<key>`. localStorage has no transactions, so a write keeps what
//! each key held before and puts it all back if any key fails (the quota, most often): a write
//! lands whole or not at all here too.

use std::cell::Cell;

use gloo_storage::{LocalStorage, Storage};

use super::idb::{StoreError, write_error};
use super::snapshot::{
    Loaded, META_KEY, StoreName, Stored, StoredQueue, StoredText, Write, assemble, read_queue,
    stored_etag, stored_next_number,
};

const STORES: [StoreName; 5] = StoreName::ALL;

/// What every key of a workspace's records starts with.
fn prefix_of(workspace: &str) -> String {
    format!("vigil:{workspace}:")
}

/// One workspace's records in localStorage.
pub struct LocalStore {
    prefix: String,
    /// Set by `load` when a newer Vigil wrote the records: every write is then refused.
    read_only: Cell<Option<u32>>,
}

impl LocalStore {
    /// The store of a workspace; fails only when localStorage itself is unavailable.
    pub fn open(workspace: &str) -> Result<LocalStore, StoreError> {
        // Touching the storage object is what fails when it is disabled.
        LocalStorage::raw()
            .length()
            .map_err(|error| StoreError::Unavailable(format!("{error:?}")))?;
        Ok(LocalStore {
            prefix: prefix_of(workspace),
            read_only: Cell::new(None),
        })
    }

    /// Removes every record a workspace keeps here; nothing to do when localStorage is off.
    pub fn delete(workspace: &str) {
        let storage = LocalStorage::raw();
        let prefix = prefix_of(workspace);
        let count = storage.length().unwrap_or(0);
        // Collected first: removing while walking the keys would skip some.
        let keys: Vec<String> = (0..count)
            .filter_map(|index| storage.key(index).ok().flatten())
            .filter(|key| key.starts_with(&prefix))
            .collect();
        for key in keys {
            let _ = storage.remove_item(&key);
        }
    }

    fn key(&self, store: StoreName, key: &str) -> String {
        format!("{}{}:{key}", self.prefix, store.as_str())
    }

    /// Every record of one store.
    fn texts(&self, store: StoreName) -> Vec<StoredText> {
        let storage = LocalStorage::raw();
        let prefix = self.key(store, "");
        let count = storage.length().unwrap_or(0);
        (0..count)
            .filter_map(|index| storage.key(index).ok().flatten())
            .filter_map(|full| {
                let key = full.strip_prefix(&prefix)?.to_owned();
                let json = storage.get_item(&full).ok().flatten()?;
                Some(StoredText { key, json })
            })
            .collect()
    }

    /// Reads the queue alone, as the IndexedDB store does.
    pub fn load_queue(&self) -> StoredQueue {
        read_queue(&self.texts(StoreName::Queue))
    }

    /// Reads the workspace back, as the IndexedDB store does.
    pub fn load(&self) -> Result<Loaded, StoreError> {
        let mut stored = Stored::default();
        for store in STORES {
            stored.add(store, self.texts(store));
        }
        let loaded = assemble(stored).map_err(|error| StoreError::Unreadable(error.to_string()))?;
        self.read_only.set(loaded.newer_schema);
        if let Some(migration) = loaded.migration() {
            self.save(migration)?;
        }
        Ok(loaded)
    }

    /// Writes a whole workspace (`records_of`), replacing what was stored.
    pub fn replace(&self, mut write: Write) -> Result<(), StoreError> {
        write.removed = STORES
            .iter()
            .flat_map(|store| {
                self.texts(*store)
                    .into_iter()
                    .map(|text| (*store, text.key))
            })
            .collect();
        self.save(write)
    }

    /// Writes what one change touched (`records_for`): removes `removed`, then puts every
    /// record; on any failure every touched key gets its earlier value back.
    pub fn save(&self, mut write: Write) -> Result<(), StoreError> {
        if let Some(schema) = self.read_only.get() {
            return Err(StoreError::ReadOnly { schema });
        }
        let removed: Vec<String> = write
            .removed
            .iter()
            .map(|(store, key)| self.key(*store, key))
            .collect();
        let storage = LocalStorage::raw();
        for (number, etag) in &write.expected {
            let key = self.key(StoreName::Incidents, &number.to_string());
            let stored = storage.get_item(&key).ok().flatten();
            if stored.as_deref().and_then(stored_etag) != *etag {
                return Err(StoreError::Conflict { incident: *number });
            }
        }
        if let Some(next_number) = write.expected_next_number {
            let stored = storage
                .get_item(&self.key(StoreName::Meta, META_KEY))
                .ok()
                .flatten();
            if stored.is_some_and(|json| stored_next_number(&json) != Some(next_number)) {
                return Err(StoreError::Conflict {
                    incident: next_number,
                });
            }
        }
        let puts: Vec<(String, String)> = STORES
            .into_iter()
            .flat_map(|store| {
                write
                    .puts_into(store)
                    .into_iter()
                    .map(move |text| (store, text))
            })
            .map(|(store, text)| (self.key(store, &text.key), text.json))
            .collect();
        let mut before: Vec<(String, Option<String>)> = Vec::new();
        let mut outcome = Ok(());
        for key in &removed {
            before.push((key.clone(), storage.get_item(key).ok().flatten()));
            if let Err(error) = storage.remove_item(key) {
                outcome = Err(error);
                break;
            }
        }
        if outcome.is_ok() {
            for (key, json) in &puts {
                before.push((key.clone(), storage.get_item(key).ok().flatten()));
                if let Err(error) = storage.set_item(key, json) {
                    outcome = Err(error);
                    break;
                }
            }
        }
        let Err(error) = outcome else {
            return Ok(());
        };
        // Put everything back: first drop the keys this write added (freeing space), then
        // give the others their earlier values, which fitted before.
        let (added, replaced): (Vec<_>, Vec<_>) =
            before.into_iter().partition(|(_, value)| value.is_none());
        for (key, _) in added {
            let _ = storage.remove_item(&key);
        }
        for (key, value) in replaced.into_iter().rev() {
            if let Some(value) = value {
                let _ = storage.set_item(&key, &value);
            }
        }
        Err(write_error(format!("{error:?}")))
    }
}
