//! A workspace in IndexedDB: one database per workspace (`vigil-<name>`), so nothing of one can
//! show in another, with an object store per kind of record (`meta`, `queue`; incidents and
//! their links in chunks of consecutive numbers, `incidentChunks` and `clusterChunks`, see
//! `record_chunks`; and the older layouts' `incidents`, `clusters` and `alerts`, read to move
//! their records). Records are JSON (see `snapshot`) stored as UTF-8 bytes; each write is one
//! read-write transaction, committed whole or not at all. Everything to write is computed
//! before the transaction opens, since IndexedDB commits a transaction as soon as the event
//! loop finds nothing pending in it. A request that is awaited is made a future
//! (`into_future`) as it is issued: `idb` listens for its result from then on, and a result
//! that arrived before would never be heard.

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::future::IntoFuture;
use std::rc::Rc;

use idb::{
    Database, DatabaseEvent, Factory, ObjectStoreParams, Transaction, TransactionMode,
    TransactionResult,
};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::IdbVersionChangeEvent;

use super::record_chunks::{
    CHUNKED, ChunkEdits, ChunkId, StoredChunks, chunk_holding, chunk_store, key_of, stored_record,
    stored_text, texts_of,
};
use super::snapshot::{
    Loaded, META_KEY, StoreName, Stored, StoredQueue, StoredText, Write, assemble, read_queue,
    stored_etag, stored_next_number,
};

/// The version of the database layout (object stores), not of the records in it: 2 added the
/// `clusters` and `queue` stores, 3 the chunks of incidents and of links.
const LAYOUT_VERSION: u32 = 3;
const STORES: [StoreName; 5] = StoreName::ALL;
/// Every object store of the layout: one per kind of record, and the chunks.
const OBJECT_STORES: [&str; 7] = [
    StoreName::Meta.as_str(),
    StoreName::Incidents.as_str(),
    StoreName::Alerts.as_str(),
    StoreName::Clusters.as_str(),
    StoreName::Queue.as_str(),
    chunk_store(StoreName::Incidents).expect("incidents are chunked"),
    chunk_store(StoreName::Clusters).expect("links are chunked"),
];
/// How long one write hands records over before it waits for the browser to take them, so
/// that a large write never holds the page for long at a time on a slow machine either.
const PAUSE_AFTER_MS: f64 = 15.0;

/// Why storage failed; what was stored before is untouched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// IndexedDB could not be opened (private mode, disabled).
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
    /// This tab let go of the database while the workspace was open (see [`LetGo`]); nothing
    /// more is read or written here.
    LetGo(LetGo),
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
            StoreError::LetGo(LetGo::Upgraded) => f.write_str(
                "a newer Vigil opened this workspace in another tab and upgraded its database; nothing more can be saved in this tab: reload it to go on (what was saved before is intact)",
            ),
            StoreError::LetGo(LetGo::Deleted) => f.write_str(
                "this workspace's stored data was deleted outside Vigil while it was open; nothing more can be saved in this tab: export the workspace from the Workspaces page to keep what it shows",
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

/// What a workspace's database says of other tabs, as it happens: the desk shows it at once,
/// rather than when this tab next reads or writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreNotice {
    /// Opening waits for a tab of an older Vigil that holds the database at its older layout
    /// and does not let go; it goes on once that tab closes or reloads.
    Blocked,
    /// This tab let go of the database: from now on it refuses reads and writes with
    /// [`StoreError::LetGo`].
    LetGo(LetGo),
}

/// Why a tab let go of its workspace's database while the workspace was open. Holding on would
/// make the other side wait for as long as this tab stays open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LetGo {
    /// A newer Vigil opened the workspace in another tab to upgrade its layout. What was saved
    /// is intact, for that Vigil: a reload runs it here too.
    Upgraded,
    /// The database was deleted from outside Vigil (the site's data cleared, developer tools):
    /// what this tab shows is the only copy left.
    Deleted,
}

/// One workspace's database.
pub struct IdbStore {
    database: Database,
    /// Set by `load` when a newer Vigil wrote the records: every write is then refused.
    read_only: Cell<Option<u32>>,
    /// Set when the database was to be upgraded or deleted (`versionchange`) and this tab closed
    /// its connection to let that happen.
    let_go: Rc<Cell<Option<LetGo>>>,
}

impl IdbStore {
    /// The database name for a workspace.
    pub fn database_name(workspace: &str) -> String {
        format!("vigil-{workspace}")
    }

    /// Opens (creating on first use) the database of a workspace; `notices` hears of other
    /// tabs holding up the opening or taking the database over, for as long as it is open.
    pub async fn open(
        workspace: &str,
        notices: impl Fn(StoreNotice) + 'static,
    ) -> Result<IdbStore, StoreError> {
        let notices: Rc<dyn Fn(StoreNotice)> = Rc::new(notices);
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
            for store in OBJECT_STORES {
                if !database.store_names().iter().any(|name| name == store) {
                    let _ = database.create_object_store(store, ObjectStoreParams::new());
                }
            }
        });
        let on_blocked = Rc::clone(&notices);
        request.on_blocked(move |_| on_blocked(StoreNotice::Blocked));
        let mut database = request.await.map_err(|error| match error {
            // The database is at a newer layout than this Vigil knows: a newer Vigil took it
            // over, perhaps while this tab had it open. Falling back to another store would
            // show an empty workspace as if it were this one.
            idb::Error::DomException(exception) if exception.name() == "VersionError" => {
                StoreError::LetGo(LetGo::Upgraded)
            }
            error => unavailable(error),
        })?;
        let let_go = Rc::new(Cell::new(None));
        let noticed = Rc::clone(&let_go);
        database.on_version_change(move |event| {
            // No new version: the database is being deleted.
            let new_version = event
                .dyn_ref::<IdbVersionChangeEvent>()
                .map(IdbVersionChangeEvent::new_version);
            let why = match new_version {
                Some(None) => LetGo::Deleted,
                _ => LetGo::Upgraded,
            };
            noticed.set(Some(why));
            if let Some(target) = event.target()
                && let Ok(database) = Database::try_from(target)
            {
                // Closing waits for this tab's transactions to finish, then lets the other in.
                database.close();
            }
            notices(StoreNotice::LetGo(why));
        });
        Ok(IdbStore {
            database,
            read_only: Cell::new(None),
            let_go,
        })
    }

    /// Deletes a workspace's database and everything in it. A tab holding it open hears
    /// `versionchange`, lets go and says so; a tab of an older Vigil that does not let go makes
    /// the deletion wait for it, and `on_blocked` hears of that, so the page can say what it
    /// waits for. Without IndexedDB there is nothing to delete.
    pub async fn delete(
        workspace: &str,
        on_blocked: impl Fn() + 'static,
    ) -> Result<(), StoreError> {
        let Ok(factory) = Factory::new() else {
            return Ok(());
        };
        let unavailable = |error: idb::Error| StoreError::Unavailable(error.to_string());
        let mut request = factory
            .delete(&IdbStore::database_name(workspace))
            .map_err(unavailable)?;
        request.on_blocked(move |_| on_blocked());
        request.await.map_err(unavailable)
    }

    /// Refuses to go on once this tab let go of the database.
    fn still_held(&self) -> Result<(), StoreError> {
        match self.let_go.get() {
            Some(why) => Err(StoreError::LetGo(why)),
            None => Ok(()),
        }
    }

    /// Reads the queue alone: what a large workspace shows first, before [`IdbStore::load`]
    /// has read and checked everything else.
    pub async fn load_queue(&self) -> Result<StoredQueue, StoreError> {
        let (stored, _) = self.read(&[StoreName::Queue]).await?;
        Ok(read_queue(&stored.queue))
    }

    /// Reads the workspace back; records that fail to decode are set aside, the rest loads. A
    /// workspace written by a newer Vigil opens read-only; one written by an older one is
    /// migrated first: its incident and link records into chunks as they are, then its records
    /// to this schema.
    pub async fn load(&self) -> Result<Loaded, StoreError> {
        let (stored, unchunked) = self.read(&STORES).await?;
        let loaded = assemble(stored).map_err(|error| StoreError::Unreadable(error.to_string()))?;
        self.read_only.set(loaded.newer_schema);
        if loaded.newer_schema.is_none() && !unchunked.is_empty() {
            self.move_into_chunks(unchunked).await?;
        }
        if let Some(migration) = loaded.migration() {
            self.save(migration).await?;
        }
        Ok(loaded)
    }

    /// Every record of these stores, in one read-only transaction, with the records layout 2
    /// kept one per number, as they were stored, to move into chunks.
    async fn read(&self, stores: &[StoreName]) -> Result<(Stored, Vec<Unchunked>), StoreError> {
        self.still_held()?;
        let read = |error: idb::Error| StoreError::Unreadable(error.to_string());
        // Each kind's own object store and, for a chunked kind, its chunks.
        let sources: Vec<(StoreName, &str, bool)> = stores
            .iter()
            .flat_map(|&store| {
                let chunks = chunk_store(store).map(|name| (store, name, true));
                [Some((store, store.as_str(), false)), chunks]
            })
            .flatten()
            .collect();
        let names: Vec<&str> = sources.iter().map(|(_, name, _)| *name).collect();
        let transaction = self
            .database
            .transaction(&names, TransactionMode::ReadOnly)
            .map_err(read)?;
        // Every read is issued before the first is awaited, so the browser serves them together.
        let mut pending = Vec::with_capacity(sources.len());
        for (store, name, chunked) in sources {
            let object_store = transaction.object_store(name).map_err(read)?;
            let keys = object_store.get_all_keys(None, None).map_err(read)?;
            let values = object_store.get_all(None, None).map_err(read)?;
            pending.push((store, chunked, keys.into_future(), values.into_future()));
        }
        let mut by_store: BTreeMap<StoreName, Vec<StoredText>> = BTreeMap::new();
        let mut unchunked = Vec::new();
        for (store, chunked, keys, values) in pending {
            let keys = keys.await.map_err(read)?;
            let values = values.await.map_err(read)?;
            let texts = by_store.entry(store).or_default();
            for (key, value) in keys.iter().zip(values) {
                if chunked {
                    texts_of(key, &value, texts);
                    continue;
                }
                let key = key.as_string().unwrap_or_else(|| format!("{key:?}"));
                // A value that is not text cannot be a record: it fails to decode and is set
                // aside.
                let json = stored_text(&value).unwrap_or_default();
                if chunk_store(store).is_some() && key.parse::<u64>().is_ok() {
                    unchunked.push((store, key.clone(), value));
                }
                texts.push(StoredText { key, json });
            }
        }
        let mut stored = Stored::default();
        for (store, texts) in by_store {
            stored.add(store, texts);
        }
        Ok((stored, unchunked))
    }

    /// Moves the records layout 2 kept one per number into chunks, each value as it was stored
    /// (one that does not decode stays set aside, in its chunk), in one transaction. A record
    /// whose key is not a number stays where it is, listed in the diagnostics.
    async fn move_into_chunks(&self, records: Vec<Unchunked>) -> Result<(), StoreError> {
        self.still_held()?;
        let mut edits = ChunkEdits::default();
        for (store, key, value) in &records {
            edits.file(*store, key, Some(value.clone()))?;
        }
        let transaction = self
            .database
            .transaction(&OBJECT_STORES, TransactionMode::ReadWrite)
            .map_err(write_error)?;
        let stored = read_chunks(&transaction, edits.chunks().collect()).await?;
        put_chunks(&transaction, edits, &stored).await?;
        for (store, key, _) in records {
            transaction
                .object_store(store.as_str())
                .map_err(write_error)?
                .delete(JsValue::from_str(&key))
                .map_err(write_error)?;
        }
        commit(transaction).await
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
        self.still_held()?;
        if let Some(schema) = self.read_only.get() {
            return Err(StoreError::ReadOnly { schema });
        }
        let mut edits = ChunkEdits::default();
        for store in CHUNKED {
            for record in write.puts_into(store) {
                edits.put(store, &record)?;
            }
            for (_, key) in write.removed.iter().filter(|(name, _)| *name == store) {
                edits.file(store, key, None)?;
            }
        }
        let transaction = self
            .database
            .transaction(&OBJECT_STORES, TransactionMode::ReadWrite)
            .map_err(write_error)?;
        if replace {
            for store in OBJECT_STORES {
                transaction
                    .object_store(store)
                    .map_err(write_error)?
                    .clear()
                    .map_err(write_error)?;
            }
        }
        let expected = std::mem::take(&mut write.expected);
        let meta_request = match write.expected_next_number {
            Some(next_number) => {
                let request = transaction
                    .object_store(StoreName::Meta.as_str())
                    .map_err(write_error)?
                    .get(JsValue::from_str(META_KEY))
                    .map_err(write_error)?;
                Some((next_number, request.into_future()))
            }
            None => None,
        };
        // Each chunk is read before it is written over; the incidents' chunks also hold the
        // versions this write must still find. A replace finds nothing to read.
        let wanted = if replace {
            BTreeSet::new()
        } else {
            edits
                .chunks()
                .chain(
                    expected
                        .iter()
                        .map(|(number, _)| chunk_holding(StoreName::Incidents, *number)),
                )
                .collect()
        };
        let stored = read_chunks(&transaction, wanted).await?;
        let conflict = expected.into_iter().find(|(number, etag)| {
            stored_record(&stored, StoreName::Incidents, *number)
                .as_deref()
                .and_then(stored_etag)
                != *etag
        });
        if let Some((incident, _)) = conflict {
            let _ = transaction.abort();
            return Err(StoreError::Conflict { incident });
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
        if let Err(error) = put_chunks(&transaction, edits, &stored).await {
            let _ = transaction.abort();
            return Err(error);
        }
        for store in STORES.into_iter().filter(|store| !CHUNKED.contains(store)) {
            let records = write.puts_into(store);
            let object_store = transaction
                .object_store(store.as_str())
                .map_err(write_error)?;
            for (_, key) in write.removed.iter().filter(|(name, _)| *name == store) {
                object_store
                    .delete(JsValue::from_str(key))
                    .map_err(write_error)?;
            }
            let mut pacing = Pacing::new();
            for record in records {
                let request = object_store
                    .put(
                        &js_sys::Uint8Array::from(record.json.as_bytes()).into(),
                        Some(&JsValue::from_str(&record.key)),
                    )
                    .map_err(write_error)?;
                pacing.after(request).await?;
            }
        }
        commit(transaction).await
    }
}

/// A record as layout 2 stored it, one per number: its kind, its key and its value untouched.
type Unchunked = (StoreName, String, JsValue);

/// Reads these chunks in a transaction, every request issued before the first is awaited.
async fn read_chunks(
    transaction: &Transaction,
    wanted: BTreeSet<ChunkId>,
) -> Result<StoredChunks, StoreError> {
    let mut pending = Vec::with_capacity(wanted.len());
    for (store, chunk) in wanted {
        let request = chunk_object_store(transaction, store)?
            .get(key_of(chunk))
            .map_err(write_error)?;
        pending.push(((store, chunk), request.into_future()));
    }
    let mut stored = StoredChunks::new();
    for (chunk, request) in pending {
        stored.insert(chunk, request.await.map_err(write_error)?);
    }
    Ok(stored)
}

/// The object store of a chunked kind of record.
fn chunk_object_store(
    transaction: &Transaction,
    store: StoreName,
) -> Result<idb::ObjectStore, StoreError> {
    let name = chunk_store(store).expect("only chunked kinds are kept in chunks");
    transaction.object_store(name).map_err(write_error)
}

/// Puts each chunk `edits` touch, as it stands after them over what was `stored`; removes those
/// left empty.
async fn put_chunks(
    transaction: &Transaction,
    edits: ChunkEdits,
    stored: &StoredChunks,
) -> Result<(), StoreError> {
    let mut pacing = Pacing::new();
    for ((store, chunk), value) in edits.apply(stored)? {
        let object_store = chunk_object_store(transaction, store)?;
        match value {
            Some(value) => {
                let request = object_store
                    .put(&value, Some(&key_of(chunk)))
                    .map_err(write_error)?;
                pacing.after(request).await?;
            }
            None => {
                let request = object_store.delete(key_of(chunk)).map_err(write_error)?;
                pacing.after(request).await?;
            }
        }
    }
    Ok(())
}

/// Waits for the browser now and then while a large write hands it records, so the page stays
/// responsive: after [`PAUSE_AFTER_MS`] of handing over, the next request is awaited. The
/// transaction stays open meanwhile, since a request of it is pending.
struct Pacing {
    since: f64,
}

impl Pacing {
    fn new() -> Pacing {
        Pacing {
            since: js_sys::Date::now(),
        }
    }

    async fn after<F: std::future::IntoFuture<Output = Result<T, idb::Error>>, T>(
        &mut self,
        request: F,
    ) -> Result<(), StoreError> {
        if js_sys::Date::now() - self.since >= PAUSE_AFTER_MS {
            request.await.map_err(write_error)?;
            self.since = js_sys::Date::now();
        }
        Ok(())
    }
}

/// Commits a transaction, telling an abort apart.
async fn commit(transaction: Transaction) -> Result<(), StoreError> {
    match transaction.commit().map_err(write_error)?.await {
        Ok(TransactionResult::Committed) => Ok(()),
        Ok(TransactionResult::Aborted) => Err(StoreError::WriteFailed(
            "the browser aborted the transaction".to_owned(),
        )),
        Err(error) => Err(write_error(error)),
    }
}

impl Drop for IdbStore {
    /// Closes the connection at once rather than when the browser collects it, so a workspace
    /// the app switched away from (or a test dropped) can be upgraded or deleted.
    fn drop(&mut self) {
        self.database.close();
    }
}
