//! A workspace as the records a store keeps (one meta record, one per incident holding its
//! alerts, one per incident with correlation links, and the queue's rows in chunks, each JSON
//! text), and the way back: records that fail to decode are set aside, kept raw with
//! their key and the reason, and the rest of the workspace loads. Pure, so every rule here is
//! tested natively; the browser adapters only move the texts.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::records::{
    AlertRecord, ClusterRecord, IncidentRecord, QueueRowRecord, RecordError, SCHEMA_VERSION,
    SettingsRecord, TeamRecord,
};
use crate::core::correlation::{
    CorrelationSettings, PortableAlert, PortableCluster, PortableCorrelation,
};
use crate::core::incident::{Etag, Incident};
use crate::core::queue_row::QueueRow;
use crate::core::team::Team;
use crate::core::workspace::Workspace;

/// The key of the one meta record of a workspace.
pub const META_KEY: &str = "meta";

/// What a workspace keeps besides its incidents, alerts and links.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct MetaRecord {
    schema_version: u32,
    next_number: u64,
    settings: SettingsRecord,
    /// Its analyst and known owners, from schema 3.
    #[serde(default)]
    team: TeamRecord,
    /// Schema 1 kept every incident's correlation links here, so every change rewrote all of
    /// them; from schema 2 each incident's links are a record of the `clusters` store.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    clusters: Option<Vec<ClusterRecord>>,
}

/// How many incident numbers one queue chunk covers: an edit rewrites one chunk, and a large
/// workspace's queue is read in a few hundred records rather than one per incident.
pub const QUEUE_CHUNK: u64 = 250;

/// The queue rows of [`QUEUE_CHUNK`] consecutive incident numbers, from schema 2. Derived from
/// the incident records and written with them, so it never says anything they do not.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct QueueChunk {
    schema_version: u32,
    rows: Vec<QueueRowRecord>,
}

/// An incident with its alerts, as the incidents store keeps it from schema 2: one record, so
/// a batch of alerts costs one write per incident it touched rather than one per alert too.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct IncidentEntry {
    schema_version: u32,
    incident: IncidentRecord,
    alerts: Vec<AlertRecord>,
}

/// One incident's correlation links (continuations, merges into it), from schema 2.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ClusterEntry {
    schema_version: u32,
    links: ClusterRecord,
}

/// One stored record: its key and its JSON text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredText {
    /// The record's key in its store (an incident number, an alert id, `meta`).
    pub key: String,
    /// The record as stored.
    pub json: String,
}

/// Which store a record lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StoreName {
    /// The workspace's meta record.
    Meta,
    /// Incident records, by number.
    Incidents,
    /// Schema 1's alert records, by id: read to migrate them; from schema 2 an incident's
    /// alerts are in its own record.
    Alerts,
    /// Correlation links, by incident number (schema 2 on).
    Clusters,
    /// Queue rows in chunks of consecutive numbers (schema 2 on).
    Queue,
}

impl StoreName {
    /// Every store, in the order a workspace is read.
    pub const ALL: [StoreName; 5] = [
        StoreName::Meta,
        StoreName::Incidents,
        StoreName::Alerts,
        StoreName::Clusters,
        StoreName::Queue,
    ];

    /// The object store's name.
    pub const fn as_str(self) -> &'static str {
        match self {
            StoreName::Meta => "meta",
            StoreName::Incidents => "incidents",
            StoreName::Alerts => "alerts",
            StoreName::Clusters => "clusters",
            StoreName::Queue => "queue",
        }
    }
}

/// A record that could not be used, kept as it was for the diagnostics view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetAside {
    /// Its store.
    pub store: StoreName,
    /// Its key.
    pub key: String,
    /// Its text, untouched.
    pub raw: String,
    /// Why it was set aside.
    pub reason: String,
}

/// A workspace read back from its records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loaded {
    /// Everything that decoded and agrees.
    pub workspace: Workspace,
    /// Everything else.
    pub set_aside: Vec<SetAside>,
    /// The schema of a newer Vigil that wrote some of it: the workspace must then be opened
    /// read-only, never written back.
    pub newer_schema: Option<u32>,
    /// Nothing was stored at all: a workspace opened for the first time, which the app may
    /// fill (the demo workspace) without overwriting anything.
    pub fresh: bool,
    /// The older schema the workspace was stored with: the store must write
    /// [`Loaded::migration`] before anything else, or a later change would lose what only the
    /// old layout holds.
    pub migrated_from: Option<u32>,
    /// The stored queue rows do not match the incidents (a chunk unreadable or missing): they
    /// are rewritten from the incidents.
    pub queue_stale: bool,
    /// Keys of schema-1 alert records that were read into the workspace: the migration removes
    /// them once their incidents hold them.
    pub legacy_alerts: Vec<String>,
}

impl Loaded {
    /// What the store must write at once when the workspace came from an older schema (and no
    /// newer Vigil has written to it): the migration to this build's layout.
    pub fn migration(&self) -> Option<Write> {
        if self.newer_schema.is_some() {
            return None;
        }
        match self.migrated_from {
            Some(1) => {
                let mut write = records_of(&self.workspace);
                write.removed = self
                    .legacy_alerts
                    .iter()
                    .map(|key| (StoreName::Alerts, key.clone()))
                    .collect();
                Some(write)
            }
            _ if self.queue_stale => {
                let mut write = meta_write(&self.workspace);
                let chunks = chunks_of(self.workspace.incidents().map(|i| i.number));
                write.add_queue(&self.workspace, chunks);
                Some(write)
            }
            // Schema 3 changed the meta record alone; the other records of schema 2 read as
            // they are.
            Some(_) => Some(meta_write(&self.workspace)),
            None => None,
        }
    }
}

/// Everything a store holds for one workspace, as text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Stored {
    /// The meta record, if there is one.
    pub meta: Option<StoredText>,
    /// Incident records.
    pub incidents: Vec<StoredText>,
    /// Alert records.
    pub alerts: Vec<StoredText>,
    /// Link records.
    pub clusters: Vec<StoredText>,
    /// Queue chunks.
    pub queue: Vec<StoredText>,
}

impl Stored {
    /// Files the texts read from one store.
    pub fn add(&mut self, store: StoreName, texts: Vec<StoredText>) {
        match store {
            StoreName::Meta => self.meta = texts.into_iter().next(),
            StoreName::Incidents => self.incidents = texts,
            StoreName::Alerts => self.alerts = texts,
            StoreName::Clusters => self.clusters = texts,
            StoreName::Queue => self.queue = texts,
        }
    }

    fn is_empty(&self) -> bool {
        self.meta.is_none()
            && self.incidents.is_empty()
            && self.alerts.is_empty()
            && self.clusters.is_empty()
            && self.queue.is_empty()
    }
}

/// What one change to a workspace touched, and which version of each incident it started
/// from: the store refuses the write when another instance has written one of them since.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Each touched incident with the etag it had before the change (`None`: it is new). A
    /// touched incident that no longer exists is removed, its alerts with it.
    pub incidents: BTreeMap<u64, Option<Etag>>,
    /// The workspace's next number when the change began. The incidents it opened from there
    /// on are checked all at once, through the stored meta record's next number, rather than
    /// one read each: a batch of alerts opens thousands.
    pub next_number: u64,
}

impl Change {
    /// Whether the change opened this incident: no record of it can be stored yet (the write
    /// is refused when another instance has opened incidents since), so none is removed.
    fn opened(&self, number: u64, etag: Option<&Etag>) -> bool {
        etag.is_none() && number >= self.next_number
    }

    /// A change to these incidents of `before`, the workspace as it was read.
    pub fn of(before: &Workspace, numbers: impl IntoIterator<Item = u64>) -> Change {
        Change {
            incidents: numbers
                .into_iter()
                .map(|number| {
                    let etag = before
                        .incident(number)
                        .map(|incident| incident.etag.clone());
                    (number, etag)
                })
                .collect(),
            next_number: before.next_number(),
        }
    }
}

/// What one write puts and removes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Write {
    /// The meta record.
    pub meta: StoredText,
    /// Incident records (with their alerts) to put.
    pub incidents: Vec<StoredText>,
    /// Link records to put.
    pub clusters: Vec<StoredText>,
    /// Queue chunks to put.
    pub queue: Vec<StoredText>,
    /// Records to remove: their store and key.
    pub removed: Vec<(StoreName, String)>,
    /// Incidents whose stored etag must still be this (`None`: must not be stored) for the
    /// write to go ahead.
    pub expected: Vec<(u64, Option<Etag>)>,
    /// The next number the stored meta record must still hold (when there is one) for the
    /// write to go ahead: no other instance has opened incidents since, so the new ones this
    /// write puts cannot overwrite theirs.
    pub expected_next_number: Option<u64>,
}

impl Write {
    /// Adds the records of a later part of the same change (one computed a slice of incidents
    /// at a time): a queue chunk both parts wrote keeps the later text.
    pub fn absorb(&mut self, later: Write) {
        self.meta = later.meta;
        self.incidents.extend(later.incidents);
        self.clusters.extend(later.clusters);
        for chunk in later.queue {
            match self.queue.iter_mut().find(|mine| mine.key == chunk.key) {
                Some(mine) => *mine = chunk,
                None => self.queue.push(chunk),
            }
        }
        self.removed.extend(later.removed);
        self.expected.extend(later.expected);
        self.expected_next_number = self.expected_next_number.or(later.expected_next_number);
    }

    /// Adds the queue chunks `chunks` as `workspace` now has them: each rewritten, or removed
    /// when it holds no incident any more.
    pub fn add_queue(&mut self, workspace: &Workspace, chunks: impl IntoIterator<Item = u64>) {
        let (texts, empty) = queue_chunks(workspace, chunks.into_iter().collect());
        self.queue.extend(texts);
        self.removed.extend(
            empty
                .into_iter()
                .map(|chunk| (StoreName::Queue, chunk_key(chunk))),
        );
    }

    /// The records to put into `store`.
    pub fn puts_into(&mut self, store: StoreName) -> Vec<StoredText> {
        match store {
            StoreName::Meta => vec![self.meta.clone()],
            StoreName::Incidents => std::mem::take(&mut self.incidents),
            StoreName::Alerts => Vec::new(),
            StoreName::Clusters => std::mem::take(&mut self.clusters),
            StoreName::Queue => std::mem::take(&mut self.queue),
        }
    }

    /// What a store would hold after this write into an empty one.
    pub fn into_stored(self) -> Stored {
        Stored {
            meta: Some(self.meta),
            incidents: self.incidents,
            alerts: Vec::new(),
            clusters: self.clusters,
            queue: self.queue,
        }
    }
}

/// The etag a stored incident record carries, if the text is a record with one.
pub fn stored_etag(json: &str) -> Option<Etag> {
    #[derive(Deserialize)]
    struct Tagged {
        etag: String,
    }
    /// Schema 2 on: the incident inside its entry.
    #[derive(Deserialize)]
    struct Entry {
        incident: Tagged,
    }
    serde_json::from_str::<Entry>(json)
        .map(|entry| entry.incident)
        .or_else(|_| serde_json::from_str::<Tagged>(json))
        .ok()
        .map(|tagged| Etag::new(tagged.etag))
}

/// The next number a stored meta record holds, if the text is one.
pub fn stored_next_number(json: &str) -> Option<u64> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Numbered {
        next_number: u64,
    }
    serde_json::from_str::<Numbered>(json)
        .ok()
        .map(|numbered| numbered.next_number)
}

/// The records of a whole workspace: the meta record, then each incident, alert and link.
pub fn records_of(workspace: &Workspace) -> Write {
    let portable = workspace.correlation().to_portable();
    Write {
        meta: meta_text(workspace),
        clusters: portable.clusters.iter().map(cluster_text).collect(),
        incidents: incident_texts(workspace.incidents(), portable.alerts),
        queue: queue_chunks(
            workspace,
            chunks_of(workspace.incidents().map(|i| i.number)),
        )
        .0,
        removed: Vec::new(),
        expected: Vec::new(),
        expected_next_number: None,
    }
}

/// The records one change touched: the meta record, the named incidents with their alerts, their
/// links and queue chunks to put; the named incidents and links that no longer exist to remove.
pub fn records_for(workspace: &Workspace, change: &Change) -> Write {
    let mut write = incident_records_for(workspace, change);
    write.add_queue(workspace, queue_chunks_of(change));
    write
}

/// As [`records_for`] without the queue chunks, which a change encoded in parts adds once for
/// all of them ([`Write::add_queue`]) instead of once for each part.
pub fn incident_records_for(workspace: &Workspace, change: &Change) -> Write {
    let numbers: BTreeSet<u64> = change.incidents.keys().copied().collect();
    let portable = workspace.correlation().to_portable_for(&numbers);
    let (clusters, unlinked): (Vec<_>, Vec<_>) = {
        let linked: BTreeSet<u64> = portable
            .clusters
            .iter()
            .map(|cluster| cluster.number)
            .filter(|number| numbers.contains(number))
            .collect();
        (
            portable
                .clusters
                .iter()
                .filter(|cluster| linked.contains(&cluster.number))
                .map(cluster_text)
                .collect(),
            numbers.difference(&linked).copied().collect(),
        )
    };
    // Removing a record that was never stored still costs the browser a request each, and a
    // batch of alerts opens thousands of incidents without links.
    let stored_before = |number: &u64| !change.opened(*number, change.incidents[number].as_ref());
    let removed = numbers
        .iter()
        .filter(|number| workspace.incident(**number).is_none())
        .map(|number| (StoreName::Incidents, *number))
        .chain(
            unlinked
                .iter()
                .map(|number: &u64| (StoreName::Clusters, *number)),
        )
        .filter(|(_, number)| stored_before(number))
        .map(|(store, number)| (store, number.to_string()))
        .collect();
    Write {
        meta: meta_text(workspace),
        incidents: incident_texts(
            numbers
                .iter()
                .filter_map(|number| workspace.incident(*number)),
            portable.alerts,
        ),
        clusters,
        queue: Vec::new(),
        removed,
        expected: change
            .incidents
            .iter()
            .filter(|(number, etag)| !change.opened(**number, etag.as_ref()))
            .map(|(number, etag)| (*number, etag.clone()))
            .collect(),
        expected_next_number: change
            .incidents
            .iter()
            .any(|(number, etag)| change.opened(*number, etag.as_ref()))
            .then_some(change.next_number),
    }
}

/// The queue chunks a change's incidents fall in, in order: what [`Write::add_queue`] takes,
/// a few at a time when a large change is encoded in parts.
pub fn queue_chunks_of(change: &Change) -> Vec<u64> {
    chunks_of(change.incidents.keys().copied())
        .into_iter()
        .collect()
}

/// A write of the meta record alone.
fn meta_write(workspace: &Workspace) -> Write {
    Write {
        meta: meta_text(workspace),
        incidents: Vec::new(),
        clusters: Vec::new(),
        queue: Vec::new(),
        removed: Vec::new(),
        expected: Vec::new(),
        expected_next_number: None,
    }
}

fn meta_text(workspace: &Workspace) -> StoredText {
    let meta = MetaRecord {
        schema_version: SCHEMA_VERSION,
        next_number: workspace.next_number(),
        settings: workspace.correlation().settings().into(),
        team: workspace.team().into(),
        clusters: None,
    };
    StoredText {
        key: META_KEY.to_owned(),
        json: serde_json::to_string(&meta).expect("records always serialise"),
    }
}

/// The distinct queue chunks these incident numbers fall in.
fn chunks_of(numbers: impl Iterator<Item = u64>) -> BTreeSet<u64> {
    numbers.map(|number| number / QUEUE_CHUNK).collect()
}

/// A chunk's key, zero-padded so a store lists chunks in number order.
pub fn chunk_key(chunk: u64) -> String {
    format!("{chunk:012}")
}

/// The records of these queue chunks, and the chunks that hold no incident (to remove).
fn queue_chunks(workspace: &Workspace, chunks: BTreeSet<u64>) -> (Vec<StoredText>, Vec<u64>) {
    let mut texts = Vec::with_capacity(chunks.len());
    let mut empty = Vec::new();
    for chunk in chunks {
        let first = chunk * QUEUE_CHUNK;
        let rows: Vec<QueueRowRecord> = workspace
            .incidents_in(first..first + QUEUE_CHUNK)
            .map(|incident| QueueRowRecord::from(&QueueRow::of(incident)))
            .collect();
        if rows.is_empty() {
            empty.push(chunk);
            continue;
        }
        let record = QueueChunk {
            schema_version: SCHEMA_VERSION,
            rows,
        };
        texts.push(StoredText {
            key: chunk_key(chunk),
            json: serde_json::to_string(&record).expect("records always serialise"),
        });
    }
    (texts, empty)
}

/// The queue as stored, read before (and without) the rest of the workspace.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StoredQueue {
    /// Every row of every chunk that decoded, by number.
    pub rows: Vec<QueueRow>,
    /// Chunks that did not decode: their rows are missing until the full load repairs them.
    pub unreadable: usize,
}

/// Reads queue chunks; a chunk that fails to decode is counted, never fatal.
pub fn read_queue(texts: &[StoredText]) -> StoredQueue {
    let mut queue = StoredQueue::default();
    for text in texts {
        let rows = decode::<QueueChunk>(&text.json).and_then(|chunk| {
            chunk
                .rows
                .into_iter()
                .map(QueueRowRecord::into_row)
                .collect::<Result<Vec<_>, _>>()
        });
        match rows {
            Ok(rows) => queue.rows.extend(rows),
            Err(_) => queue.unreadable += 1,
        }
    }
    queue.rows.sort_unstable_by_key(|row| row.number);
    queue
}

fn cluster_text(cluster: &PortableCluster) -> StoredText {
    let entry = ClusterEntry {
        schema_version: SCHEMA_VERSION,
        links: cluster.into(),
    };
    StoredText {
        key: cluster.number.to_string(),
        json: serde_json::to_string(&entry).expect("records always serialise"),
    }
}

/// The records of these incidents, each with its alerts out of `alerts`.
fn incident_texts<'a>(
    incidents: impl Iterator<Item = &'a Incident>,
    alerts: Vec<PortableAlert>,
) -> Vec<StoredText> {
    let mut by_incident: BTreeMap<u64, Vec<AlertRecord>> = BTreeMap::new();
    for alert in alerts {
        by_incident
            .entry(alert.incident)
            .or_default()
            .push(AlertRecord::from(alert));
    }
    incidents
        .map(|incident| {
            let entry = IncidentEntry {
                schema_version: SCHEMA_VERSION,
                incident: IncidentRecord::from(incident),
                alerts: by_incident.remove(&incident.number).unwrap_or_default(),
            };
            StoredText {
                key: incident.number.to_string(),
                json: serde_json::to_string(&entry).expect("records always serialise"),
            }
        })
        .collect()
}

/// The schema version a stored text says it was written with, if it says one.
fn schema_of(json: &str) -> Option<u32> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Versioned {
        schema_version: u32,
    }
    serde_json::from_str::<Versioned>(json)
        .ok()
        .map(|versioned| versioned.schema_version)
}

/// Decodes one record, with the path of a failure inside it.
fn decode<T: for<'de> Deserialize<'de>>(json: &str) -> Result<T, RecordError> {
    let mut deserializer = serde_json::Deserializer::from_str(json);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let path = if path == "." { String::new() } else { path };
        RecordError::at(&path, error.into_inner().to_string())
    })
}

/// Whether an incident record is schema 1's, whose alerts are records of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Legacy {
    Yes,
    No,
}

/// Decodes an incident record: from schema 2 with its alerts, which must be exactly the ones it
/// lists; schema 1's alone (`None`: its alerts are separate records). The error is the reason
/// to set it aside.
fn decode_incident(text: &StoredText) -> Result<(Incident, Option<Vec<PortableAlert>>), String> {
    // Only a record that says it is schema 1 is read as one; anything else, unreadable text
    // included, is read (and its error worded) as the current layout.
    let (incident, alerts) = if schema_of(&text.json) != Some(1) {
        let entry = decode::<IncidentEntry>(&text.json).map_err(|error| error.to_string())?;
        let incident = entry
            .incident
            .into_incident()
            .map_err(|error| error.under("incident").to_string())?;
        let alerts = entry
            .alerts
            .into_iter()
            .enumerate()
            .map(|(index, alert)| {
                alert
                    .into_portable()
                    .map_err(|error| error.under(&format!("alerts[{index}]")).to_string())
            })
            .collect::<Result<Vec<_>, _>>()?;
        (incident, Some(alerts))
    } else {
        let record = decode::<IncidentRecord>(&text.json).map_err(|error| error.to_string())?;
        (
            record.into_incident().map_err(|error| error.to_string())?,
            None,
        )
    };
    if incident.number.to_string() != text.key {
        return Err(format!(
            "stored under key {} but is incident {}",
            text.key, incident.number
        ));
    }
    if let Some(alerts) = &alerts {
        let held: BTreeSet<&str> = alerts.iter().map(|alert| alert.alert.id.as_str()).collect();
        let listed: BTreeSet<&str> = incident.alert_ids.iter().map(String::as_str).collect();
        if held != listed || alerts.iter().any(|alert| alert.incident != incident.number) {
            return Err("the alerts it holds are not the alerts it lists".to_owned());
        }
    }
    Ok((incident, alerts))
}

/// Reads a workspace back from its records. What cannot be used is set aside with its reason,
/// and whatever depends on it (the alerts of an incident set aside, an incident whose alerts
/// are missing) is set aside with it, so the rest forms a valid workspace. An error remains
/// possible only for records that each decode but together break a rule the checks above do
/// not cover; the caller then must not write over the store.
pub fn assemble(stored: Stored) -> Result<Loaded, RecordError> {
    let fresh = stored.is_empty();
    let Stored {
        meta,
        incidents,
        alerts,
        clusters: link_texts,
        queue: queue_texts,
    } = stored;
    let mut set_aside = Vec::new();
    let newer_schema = meta
        .iter()
        .chain(&incidents)
        .chain(&alerts)
        .chain(&link_texts)
        .chain(&queue_texts)
        .filter_map(|text| schema_of(&text.json))
        .filter(|version| *version > SCHEMA_VERSION)
        .max();
    let mut aside = |store: StoreName, text: StoredText, reason: String| {
        set_aside.push(SetAside {
            store,
            key: text.key,
            raw: text.json,
            reason,
        });
    };
    let meta = meta.and_then(|text| {
        match decode::<MetaRecord>(&text.json).and_then(|meta| {
            let settings = meta.settings.into_settings()?;
            let team = meta.team.into_team()?;
            Ok((
                meta.schema_version,
                meta.next_number,
                settings,
                team,
                meta.clusters.unwrap_or_default(),
            ))
        }) {
            Ok(meta) => Some(meta),
            Err(error) => {
                aside(StoreName::Meta, text, error.to_string());
                None
            }
        }
    });
    // Schema 2 on, an incident's alerts are in its record; schema 1 kept them apart. Only
    // schema-1 incidents (`legacy`) take part in the cross-check with alert records below.
    let mut kept_incidents: Vec<(StoredText, Incident, Legacy)> = Vec::new();
    let mut bundled_alerts: Vec<PortableAlert> = Vec::new();
    for text in incidents {
        match decode_incident(&text) {
            Ok((incident, Some(alerts))) => {
                bundled_alerts.extend(alerts);
                kept_incidents.push((text, incident, Legacy::No));
            }
            Ok((incident, None)) => kept_incidents.push((text, incident, Legacy::Yes)),
            Err(reason) => aside(StoreName::Incidents, text, reason),
        }
    }
    let mut kept_alerts: Vec<(StoredText, PortableAlert)> = Vec::new();
    for text in alerts {
        match decode::<AlertRecord>(&text.json).and_then(AlertRecord::into_portable) {
            Ok(alert) if alert.alert.id == text.key => kept_alerts.push((text, alert)),
            Ok(alert) => {
                let reason = format!(
                    "stored under key {} but is alert {}",
                    text.key, alert.alert.id
                );
                aside(StoreName::Alerts, text, reason);
            }
            Err(error) => aside(StoreName::Alerts, text, error.to_string()),
        }
    }
    // Until nothing changes: alert records whose incident is gone or does not list them go
    // aside; schema-1 incidents that list an alert that is gone go aside.
    loop {
        let listed: BTreeSet<(u64, &str)> = kept_incidents
            .iter()
            .filter(|(_, _, legacy)| *legacy == Legacy::Yes)
            .flat_map(|(_, incident, _)| {
                incident
                    .alert_ids
                    .iter()
                    .map(|id| (incident.number, id.as_str()))
            })
            .collect();
        let (orphans, alerts): (Vec<_>, Vec<_>) = kept_alerts
            .into_iter()
            .partition(|(_, alert)| !listed.contains(&(alert.incident, alert.alert.id.as_str())));
        drop(listed);
        kept_alerts = alerts;
        let ids: BTreeSet<&str> = kept_alerts
            .iter()
            .map(|(_, alert)| alert.alert.id.as_str())
            .collect();
        let (broken, whole): (Vec<_>, Vec<_>) =
            kept_incidents
                .into_iter()
                .partition(|(_, incident, legacy)| {
                    *legacy == Legacy::Yes
                        && incident
                            .alert_ids
                            .iter()
                            .any(|id| !ids.contains(id.as_str()))
                });
        kept_incidents = whole;
        let changed = !orphans.is_empty() || !broken.is_empty();
        for (text, alert) in orphans {
            let reason = format!(
                "its incident {} was set aside, is missing or does not list it",
                alert.incident
            );
            aside(StoreName::Alerts, text, reason);
        }
        for (text, _, _) in broken {
            aside(
                StoreName::Incidents,
                text,
                "one of its alerts was set aside or is missing".to_owned(),
            );
        }
        if !changed {
            break;
        }
    }
    let legacy_alerts: Vec<String> = kept_alerts
        .iter()
        .map(|(text, _)| text.key.clone())
        .collect();
    let kept_incidents: Vec<(StoredText, Incident)> = kept_incidents
        .into_iter()
        .map(|(text, incident, _)| (text, incident))
        .collect();
    let highest = kept_incidents
        .iter()
        .map(|(_, incident)| incident.number)
        .max()
        .unwrap_or(0);
    let (stored_schema, next_number, settings, team, mut clusters) = meta.unwrap_or((
        SCHEMA_VERSION,
        highest + 1,
        CorrelationSettings::default(),
        Team::default(),
        Vec::new(),
    ));
    let migrated_from = (stored_schema < SCHEMA_VERSION).then_some(stored_schema);
    for text in link_texts {
        match decode::<ClusterEntry>(&text.json) {
            Ok(entry) if entry.links.number().to_string() == text.key => {
                clusters.push(entry.links);
            }
            Ok(entry) => {
                let reason = format!(
                    "stored under key {} but holds the links of incident {}",
                    text.key,
                    entry.links.number()
                );
                aside(StoreName::Clusters, text, reason);
            }
            Err(error) => aside(StoreName::Clusters, text, error.to_string()),
        }
    }
    let numbers: BTreeSet<u64> = kept_incidents
        .iter()
        .map(|(_, incident)| incident.number)
        .collect();
    let correlation = PortableCorrelation {
        settings,
        alerts: bundled_alerts
            .into_iter()
            .chain(kept_alerts.into_iter().map(|(_, alert)| alert))
            .collect(),
        clusters: clusters
            .into_iter()
            .map(Into::into)
            .filter(|cluster: &crate::core::correlation::PortableCluster| {
                numbers.contains(&cluster.number)
            })
            .collect(),
    };
    let incidents = kept_incidents
        .into_iter()
        .map(|(_, incident)| incident)
        .collect();
    let workspace = Workspace::restore(incidents, next_number.max(highest + 1), correlation)
        .map_err(|problem| RecordError::at("", problem))?
        .with_team(team);
    let queue = read_queue(&queue_texts);
    let queue_stale = queue.unreadable > 0
        || !queue
            .rows
            .iter()
            .map(|row| row.number)
            .eq(workspace.incidents().map(|incident| incident.number));
    Ok(Loaded {
        workspace,
        set_aside,
        newer_schema,
        fresh,
        migrated_from,
        queue_stale,
        legacy_alerts,
    })
}
