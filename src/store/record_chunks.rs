//! How IndexedDB holds the records kept per incident number (incidents, and their correlation
//! links) from layout 3 on: [`RECORDS_PER_CHUNK`] consecutive numbers to one database record, a
//! JavaScript object from each number to its record's UTF-8 bytes. The browser charges per
//! request far more than per byte (about 0.1 ms a request, against 66 ms for 19 MB in one), and
//! a batch of alerts opens thousands of incidents with consecutive numbers, so a database record
//! per incident made its write mostly requests. Each record is still its own text inside its
//! chunk: nothing above the IndexedDB adapter sees chunks.

use std::collections::BTreeMap;

use js_sys::{Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

use super::idb::StoreError;
use super::snapshot::{StoreName, StoredText, chunk_key};

/// The kinds of record kept in chunks.
pub(super) const CHUNKED: [StoreName; 2] = [StoreName::Incidents, StoreName::Clusters];
/// Records per chunk: enough that a batch's new incidents cost a few hundred requests, few
/// enough that an edit re-sends about a hundred kilobytes around its one incident.
const RECORDS_PER_CHUNK: u64 = 32;

/// The object store holding a kind of record in chunks, if it is kept so. Layout 2's store of
/// the same kind (one database record per number) is only read, to move its records in here.
pub(super) const fn chunk_store(store: StoreName) -> Option<&'static str> {
    match store {
        StoreName::Incidents => Some("incidentChunks"),
        StoreName::Clusters => Some("clusterChunks"),
        StoreName::Meta | StoreName::Alerts | StoreName::Queue => None,
    }
}

/// A chunk of one kind of record: the kind, and the chunk's number.
pub(super) type ChunkId = (StoreName, u64);

/// The chunk holding the record of `number` of kind `store`.
pub(super) fn chunk_holding(store: StoreName, number: u64) -> ChunkId {
    (store, number / RECORDS_PER_CHUNK)
}

/// The database key of a chunk, in the store's listing order.
pub(super) fn key_of(chunk: u64) -> JsValue {
    JsValue::from_str(&chunk_key(chunk))
}

/// The text of a stored value: the UTF-8 bytes Vigil writes, or a string (what schema 1 wrote).
/// Bytes are half the size of a JavaScript string of the same text and cross into the database
/// without conversion. `None` for any other value, and for bytes that are not UTF-8.
pub(super) fn stored_text(value: &JsValue) -> Option<String> {
    if let Some(text) = value.as_string() {
        return Some(text);
    }
    let bytes = value.dyn_ref::<Uint8Array>()?.to_vec();
    String::from_utf8(bytes).ok()
}

/// The records one chunk value holds, keyed by their numbers. A value that is not a
/// chunk becomes one text under `chunk <key>`, which does not decode and so is set aside with
/// its key for the diagnostics view.
pub(super) fn texts_of(key: &JsValue, value: &JsValue, into: &mut Vec<StoredText>) {
    let Some(chunk) = as_chunk(value) else {
        into.push(StoredText {
            key: format!("chunk {}", key.as_string().unwrap_or_default()),
            json: stored_text(value).unwrap_or_default(),
        });
        return;
    };
    for number in Object::keys(chunk) {
        let entry = Reflect::get(chunk, &number).unwrap_or(JsValue::UNDEFINED);
        into.push(StoredText {
            key: number.as_string().unwrap_or_default(),
            // A value that is not text cannot be a record: it fails to decode and is set aside.
            json: stored_text(&entry).unwrap_or_default(),
        });
    }
}

/// The value as a chunk, if it is one (a plain object; bytes and strings are records).
fn as_chunk(value: &JsValue) -> Option<&Object> {
    let is_chunk = value.is_object()
        && !value.is_instance_of::<Uint8Array>()
        && !js_sys::Array::is_array(value);
    is_chunk.then(|| value.unchecked_ref::<Object>())
}

/// Chunk values as a write read them: `None` for a chunk not stored yet.
pub(super) type StoredChunks = BTreeMap<ChunkId, Option<JsValue>>;

/// The record of `number` of kind `store` in the chunk values read for a write, if it is
/// stored.
pub(super) fn stored_record(
    chunks: &StoredChunks,
    store: StoreName,
    number: u64,
) -> Option<String> {
    let chunk = chunks.get(&chunk_holding(store, number))?.as_ref()?;
    let entry = Reflect::get(as_chunk(chunk)?, &JsValue::from_str(&number.to_string())).ok()?;
    stored_text(&entry)
}

/// What a write does to the chunks of every chunked kind it touches: per number, the value to
/// store or `None` to remove it.
#[derive(Default)]
pub(super) struct ChunkEdits {
    by_chunk: BTreeMap<ChunkId, Vec<(u64, Option<JsValue>)>>,
}

impl ChunkEdits {
    /// Files one record of kind `store` to put (its stored value) or, with `None`, to remove.
    pub(super) fn file(
        &mut self,
        store: StoreName,
        key: &str,
        value: Option<JsValue>,
    ) -> Result<(), StoreError> {
        let number: u64 = key.parse().map_err(|_| {
            StoreError::WriteFailed(format!("a record's key {key:?} is not a number"))
        })?;
        self.by_chunk
            .entry(chunk_holding(store, number))
            .or_default()
            .push((number, value));
        Ok(())
    }

    /// Files a record's text to put.
    pub(super) fn put(&mut self, store: StoreName, record: &StoredText) -> Result<(), StoreError> {
        let bytes = Uint8Array::from(record.json.as_bytes());
        self.file(store, &record.key, Some(bytes.into()))
    }

    /// The chunks touched.
    pub(super) fn chunks(&self) -> impl Iterator<Item = ChunkId> + '_ {
        self.by_chunk.keys().copied()
    }

    /// Each touched chunk with its new value (`None`: it holds nothing now and is removed),
    /// starting from the values stored. A stored value that is not a chunk was written by
    /// something else than Vigil: it is refused rather than written over, so nothing is lost.
    pub(super) fn apply(
        self,
        stored: &StoredChunks,
    ) -> Result<Vec<(ChunkId, Option<Object>)>, StoreError> {
        self.by_chunk
            .into_iter()
            .map(|((store, chunk), entries)| {
                let value = match stored.get(&(store, chunk)).and_then(Option::as_ref) {
                    None => Object::new(),
                    Some(value) => as_chunk(value).cloned().ok_or_else(|| {
                        StoreError::WriteFailed(format!(
                            "the saved record \"chunk {}\" of {} is damaged and in the way; see Storage diagnostics",
                            chunk_key(chunk),
                            store.as_str()
                        ))
                    })?,
                };
                for (number, entry) in entries {
                    let number = JsValue::from_str(&number.to_string());
                    let applied = match entry {
                        Some(entry) => Reflect::set(&value, &number, &entry),
                        None => Reflect::delete_property(&value, &number),
                    };
                    applied.map_err(|error| StoreError::WriteFailed(format!("{error:?}")))?;
                }
                let holds_any = Object::keys(&value).length() > 0;
                Ok(((store, chunk), holds_any.then_some(value)))
            })
            .collect()
    }
}
