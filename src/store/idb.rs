//! A workspace in IndexedDB: one database per workspace (`vigil-<name>`), so nothing of one can
//! show in another, with an object store per kind of record (`meta`, `incidents`, `clusters`,
//! `queue`, and schema 1's `alerts`). Records are JSON (see `snapshot`) stored as UTF-8 bytes;
//! each write is one read-write transaction, committed whole or not at all. Everything to write
//! is computed before the transaction opens, since IndexedDB commits a transaction as soon as
//! the event loop finds nothing pending in it.

use std::cell::Cell;
use std::fmt;

use idb::{
    Database, DatabaseEvent, Factory, ObjectStoreParams, TransactionMode, TransactionResult,
};
use wasm_bindgen::{JsCast, JsValue};

use super::snapshot::{
    Loaded, META_KEY, StoreName, Stored, StoredQueue, StoredText, Write, assemble, read_queue,
    stored_etag, stored_next_number,
};

/// The version of the database layout (object stores), not of the records in it: 2 added the
/// `clusters` and `queue` stores.
const LAYOUT_VERSION: u32 = 2;
const STORES: [StoreName; 5] = StoreName::ALL;
/// How long one write hands records over before it waits for the browser to take them, so
/// that a large write never holds the page for long at a time on a slow machine either.
const PAUSE_AFTER_MS: f64 = 15.0;

/// Why storage failed; what was stored before is untouched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// IndexedDB could not be opened (blocked, private mode, disabled).
    Unavailable(String),
    /// The browser refused the space the write needed; nothing of the write was kept.
    QuotaExceeded,
    /// The workspace was written by a newer Vigil and is open read-only.
    ReadOnly {
        /// The newer schema.
        schema: u32,
    },
    /// The stored records cannot form a workspace; nothing is written over them.
    Unreadable(String),
    /// A write failed for another reason; nothing of it was kept.
    WriteFailed(String),
    /// Another tab or instance saved this incident since this change began (its stored etag
    /// moved on); nothing of the change was saved.
    Conflict {
        /// The incident.
        incident: u64,
    },
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Unavailable(why) => write!(f, "the browser's database cannot be opened ({why})"),
            StoreError::QuotaExceeded => f.write_str(
                "the browser refused the storage space this change needs; it was not saved, and what was saved before is intact",
            ),
            StoreError::ReadOnly { schema } => write!(
                f,
                "this workspace was saved by a newer Vigil (schema {schema}); it is open read-only and nothing is written to it"
            ),
            StoreError::Unreadable(why) => write!(f, "the saved workspace cannot be read ({why}); nothing was written over it"),
            StoreError::WriteFailed(why) => write!(f, "saving failed ({why}); nothing of this change was saved"),
            StoreError::Conflict { incident } => write!(
                f,
                "incident #{incident} was changed in another tab since you opened it; your change was not saved: reload to see theirs, then make it again"
            ),
        }
    }
}

impl std::error::Error for StoreError {}

/// A write error, told apart when it is the quota.
pub(super) fn write_error(error: impl fmt::Display) -> StoreError {
    let text = error.to_string();
    if text.contains("QuotaExceeded") {
        StoreError::QuotaExceeded
    } else {
        StoreError::WriteFailed(text)
    }
}

/// The text of a stored value: the UTF-8 bytes Vigil writes, or a string (what schema 1
/// wrote). Bytes are half the size of a JavaScript string of the same text and cross into the
/// database without conversion, which is most of what a large write costs. `None` for any
/// other value, and for bytes that are not UTF-8.
fn stored_text(value: &JsValue) -> Option<String> {
    if let Some(text) = value.as_string() {
        return Some(text);
    }
    let bytes = value.dyn_ref::<js_sys::Uint8Array>()?.to_vec();
    String::from_utf8(bytes).ok()
}

/// One workspace's database.
pub struct IdbStore {
    database: Database,
    /// Set by `load` when a newer Vigil wrote the records: every write is then refused.
    read_only: Cell<Option<u32>>,
}

impl IdbStore {
    /// The database name for a workspace.
    pub fn database_name(workspace: &str) -> String {
        format!("vigil-{workspace}")
    }

    /// Opens (creating on first use) the database of a workspace.
    pub async fn open(workspace: &str) -> Result<IdbStore, StoreError> {
        let unavailable = |error: idb::Error| StoreError::Unavailable(error.to_string());
        let factory = Factory::new().map_err(unavailable)?;
        let mut request = factory
            .open(&IdbStore::database_name(workspace), Some(LAYOUT_VERSION))
            .map_err(unavailable)?;
        request.on_upgrade_needed(|event| {
            // Every layout only adds stores, so creating the missing ones upgrades any older one.
            let Ok(database) = event.database() else {
                return;
            };
            for store in STORES {
                if !database
                    .store_names()
                    .iter()
                    .any(|name| name == store.as_str())
                {
                    let _ = database.create_object_store(store.as_str(), ObjectStoreParams::new());
                }
            }
        });
        let database = request.await.map_err(unavailable)?;
        Ok(IdbStore {
            database,
            read_only: Cell::new(None),
        })
    }

    /// Reads the queue alone: what a large workspace shows first, before [`IdbStore::load`]
    /// has read and checked everything else.
    pub async fn load_queue(&self) -> Result<StoredQueue, StoreError> {
        let stored = self.read(&[StoreName::Queue]).await?;
        Ok(read_queue(&stored.queue))
    }

    /// Reads the workspace back; records that fail to decode are set aside, the rest loads. A
    /// workspace written by a newer Vigil opens read-only; one written by an older one is
    /// migrated first.
    pub async fn load(&self) -> Result<Loaded, StoreError> {
        let stored = self.read(&STORES).await?;
        let loaded = assemble(stored).map_err(|error| StoreError::Unreadable(error.to_string()))?;
        self.read_only.set(loaded.newer_schema);
        if let Some(migration) = loaded.migration() {
            self.save(migration).await?;
        }
        Ok(loaded)
    }

    /// Every record of these stores, in one read-only transaction.
    async fn read(&self, stores: &[StoreName]) -> Result<Stored, StoreError> {
        let read = |error: idb::Error| StoreError::Unreadable(error.to_string());
        let names: Vec<&str> = stores.iter().map(|store| store.as_str()).collect();
        let transaction = self
            .database
            .transaction(&names, TransactionMode::ReadOnly)
            .map_err(read)?;
        // Every read is issued before the first is awaited, so the browser serves them together.
        let mut pending = Vec::with_capacity(stores.len());
        for &store in stores {
            let object_store = transaction.object_store(store.as_str()).map_err(read)?;
            let keys = object_store.get_all_keys(None, None).map_err(read)?;
            let values = object_store.get_all(None, None).map_err(read)?;
            pending.push((store, keys, values));
        }
        let mut stored = Stored::default();
        for (store, keys, values) in pending {
            let keys = keys.await.map_err(read)?;
            let values = values.await.map_err(read)?;
            let texts = keys
                .iter()
                .zip(values)
                .map(|(key, value)| StoredText {
                    key: key.as_string().unwrap_or_else(|| format!("{key:?}")),
                    // A value that is not text cannot be a record: it fails to decode and is
                    // set aside.
                    json: stored_text(&value).unwrap_or_default(),
                })
                .collect();
            stored.add(store, texts);
        }
        Ok(stored)
    }

    /// Writes a whole workspace (`records_of`) in one transaction, replacing what was stored.
    pub async fn replace(&self, write: Write) -> Result<(), StoreError> {
        self.write(write, true).await
    }

    /// Writes what one change touched (`records_for`) in one transaction: the named incidents
    /// (removed when they no longer exist) with their alerts, the alerts that were removed,
    /// and the meta record. The records are computed by the caller, before any await, so the
    /// workspace is not borrowed while the browser works.
    pub async fn save(&self, write: Write) -> Result<(), StoreError> {
        self.write(write, false).await
    }

    /// Puts and removes the records of `write` in one transaction, emptying the stores first
    /// when `replace`.
    async fn write(&self, mut write: Write, replace: bool) -> Result<(), StoreError> {
        if let Some(schema) = self.read_only.get() {
            return Err(StoreError::ReadOnly { schema });
        }
        let transaction = self
            .database
            .transaction(&STORES.map(StoreName::as_str), TransactionMode::ReadWrite)
            .map_err(write_error)?;
        let stored_incidents = transaction
            .object_store(StoreName::Incidents.as_str())
            .map_err(write_error)?;
        // Every read is issued before the first is awaited: the transaction serves them
        // together instead of one event-loop turn each.
        let mut pending = Vec::with_capacity(write.expected.len());
        for (number, etag) in std::mem::take(&mut write.expected) {
            let request = stored_incidents
                .get(JsValue::from_str(&number.to_string()))
                .map_err(write_error)?;
            pending.push((number, etag, request));
        }
        let meta_request = match write.expected_next_number {
            Some(next_number) => {
                let request = transaction
                    .object_store(StoreName::Meta.as_str())
                    .map_err(write_error)?
                    .get(JsValue::from_str(META_KEY))
                    .map_err(write_error)?;
                Some((next_number, request))
            }
            None => None,
        };
        for (number, etag, request) in pending {
            let stored = request
                .await
                .map_err(write_error)?
                .and_then(|value| stored_text(&value));
            if stored.as_deref().and_then(stored_etag) != etag {
                let _ = transaction.abort();
                return Err(StoreError::Conflict { incident: number });
            }
        }
        if let Some((next_number, request)) = meta_request {
            let stored = request
                .await
                .map_err(write_error)?
                .and_then(|value| stored_text(&value));
            if stored.is_some_and(|json| stored_next_number(&json) != Some(next_number)) {
                let _ = transaction.abort();
                return Err(StoreError::Conflict {
                    incident: next_number,
                });
            }
        }
        for store in STORES {
            let records = write.puts_into(store);
            let object_store = transaction
                .object_store(store.as_str())
                .map_err(write_error)?;
            if replace {
                object_store.clear().map_err(write_error)?;
            }
            for (_, key) in write.removed.iter().filter(|(name, _)| *name == store) {
                object_store
                    .delete(JsValue::from_str(key))
                    .map_err(write_error)?;
            }
            let mut handing_since = js_sys::Date::now();
            for record in records {
                let request = object_store
                    .put(
                        &js_sys::Uint8Array::from(record.json.as_bytes()).into(),
                        Some(&JsValue::from_str(&record.key)),
                    )
                    .map_err(write_error)?;
                // A large write hands the browser its records a few milliseconds at a time and
                // waits for them, so the page stays responsive; the transaction stays open
                // meanwhile, since a request of it is pending.
                if js_sys::Date::now() - handing_since >= PAUSE_AFTER_MS {
                    request.await.map_err(write_error)?;
                    handing_since = js_sys::Date::now();
                }
            }
        }
        match transaction.commit().map_err(write_error)?.await {
            Ok(TransactionResult::Committed) => Ok(()),
            Ok(TransactionResult::Aborted) => Err(StoreError::WriteFailed(
                "the browser aborted the transaction".to_owned(),
            )),
            Err(error) => Err(write_error(error)),
        }
    }
}

impl Drop for IdbStore {
    /// Closes the connection at once rather than when the browser collects it, so a workspace
    /// the app switched away from (or a test dropped) can be upgraded or deleted.
    fn drop(&mut self) {
        self.database.close();
    }
}
