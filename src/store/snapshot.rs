//! A workspace as the records a store keeps (one meta record, one per incident, one per alert,
//! one per incident with correlation links, and the queue's rows in chunks, each JSON text),
//! and the way back: records that fail to decode are set aside, kept raw with
//! their key and the reason, and the rest of the workspace loads. Pure, so every rule here is
//! tested natively; the browser adapters only move the texts.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::records::{
    AlertRecord, ClusterRecord, IncidentRecord, QueueRowRecord, RecordError, SCHEMA_VERSION,
    SettingsRecord,
};
use crate::core::correlation::{
    CorrelationSettings, PortableAlert, PortableCluster, PortableCorrelation,
};
use crate::core::incident::{Etag, Incident};
use crate::core::queue_row::QueueRow;
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreName {
    /// The workspace's meta record.
    Meta,
    /// Incident records, by number.
    Incidents,
    /// Alert records, by id.
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
    pub fn as_str(self) -> &'static str {
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
    /// [`migration_records`] before anything else, or a later change would lose what only the
    /// old layout holds.
    pub migrated_from: Option<u32>,
    /// The stored queue rows do not match the incidents (a chunk unreadable or missing): they
    /// are rewritten from the incidents.
    pub queue_stale: bool,
}

impl Loaded {
    /// What the store must write at once when the workspace came from an older schema (and no
    /// newer Vigil has written to it): the migration to this build's layout.
    pub fn migration(&self) -> Option<Write> {
        ((self.migrated_from.is_some() || self.queue_stale) && self.newer_schema.is_none())
            .then(|| migration_records(&self.workspace))
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
    /// Each touched incident with the etag it had before the change (`None`: it is new).
    pub incidents: BTreeMap<u64, Option<Etag>>,
    /// Alerts the change removed (with a deleted incident).
    pub removed_alerts: Vec<String>,
    /// The workspace's next number when the change began. The incidents it opened from there
    /// on are checked all at once, through the stored meta record's next number, rather than
    /// one read each: a batch of alerts opens thousands.
    pub next_number: u64,
}

impl Change {
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
            removed_alerts: Vec::new(),
            next_number: before.next_number(),
        }
    }
}

/// What one write puts and removes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Write {
    /// The meta record.
    pub meta: StoredText,
    /// Incident records to put.
    pub incidents: Vec<StoredText>,
    /// Alert records to put.
    pub alerts: Vec<StoredText>,
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
    /// The records to put, store by store, meta first.
    pub fn puts(&mut self) -> [(StoreName, Vec<StoredText>); 5] {
        [
            (StoreName::Meta, vec![self.meta.clone()]),
            (StoreName::Incidents, std::mem::take(&mut self.incidents)),
            (StoreName::Alerts, std::mem::take(&mut self.alerts)),
            (StoreName::Clusters, std::mem::take(&mut self.clusters)),
            (StoreName::Queue, std::mem::take(&mut self.queue)),
        ]
    }

    /// What a store would hold after this write into an empty one.
    pub fn into_stored(self) -> Stored {
        Stored {
            meta: Some(self.meta),
            incidents: self.incidents,
            alerts: self.alerts,
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
    serde_json::from_str::<Tagged>(json)
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
        meta: meta_text(workspace, &portable),
        incidents: workspace.incidents().map(incident_text).collect(),
        alerts: portable.alerts.iter().map(alert_text).collect(),
        clusters: portable.clusters.iter().map(cluster_text).collect(),
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

/// What a workspace read from an older schema (or with its queue out of step) needs rewritten:
/// the meta record, every link record (schema 1 kept the links in the meta record) and the
/// queue chunks (schema 1 had none). Incident and alert records kept their layout and are read
/// as they are.
pub fn migration_records(workspace: &Workspace) -> Write {
    Write {
        incidents: Vec::new(),
        alerts: Vec::new(),
        ..records_of(workspace)
    }
}

/// The records one change touched: the meta record and the named incidents with their alerts
/// and links to put; the named incidents that no longer exist, links that no longer exist and
/// the `removed_alerts` to remove.
pub fn records_for(workspace: &Workspace, change: &Change) -> Write {
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
    let (queue, empty_chunks) = queue_chunks(workspace, chunks_of(numbers.iter().copied()));
    let removed = numbers
        .iter()
        .filter(|number| workspace.incident(**number).is_none())
        .map(|number| (StoreName::Incidents, number.to_string()))
        .chain(
            empty_chunks
                .into_iter()
                .map(|chunk| (StoreName::Queue, chunk_key(chunk))),
        )
        .chain(
            unlinked
                .iter()
                .map(|number: &u64| (StoreName::Clusters, number.to_string())),
        )
        .chain(
            change
                .removed_alerts
                .iter()
                .map(|id| (StoreName::Alerts, id.clone())),
        )
        .collect();
    Write {
        meta: meta_text(workspace, &portable),
        incidents: numbers
            .iter()
            .filter_map(|number| workspace.incident(*number))
            .map(incident_text)
            .collect(),
        alerts: portable.alerts.iter().map(alert_text).collect(),
        clusters,
        queue,
        removed,
        expected: change
            .incidents
            .iter()
            .filter(|(number, etag)| etag.is_some() || **number < change.next_number)
            .map(|(number, etag)| (*number, etag.clone()))
            .collect(),
        expected_next_number: change
            .incidents
            .iter()
            .any(|(number, etag)| etag.is_none() && *number >= change.next_number)
            .then_some(change.next_number),
    }
}

fn meta_text(workspace: &Workspace, portable: &PortableCorrelation) -> StoredText {
    let meta = MetaRecord {
        schema_version: SCHEMA_VERSION,
        next_number: workspace.next_number(),
        settings: (&portable.settings).into(),
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

/// A chunk's key, zero-padded so the store lists chunks in number order.
fn chunk_key(chunk: u64) -> String {
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

fn incident_text(incident: &Incident) -> StoredText {
    StoredText {
        key: incident.number.to_string(),
        json: serde_json::to_string(&IncidentRecord::from(incident))
            .expect("records always serialise"),
    }
}

fn alert_text(alert: &PortableAlert) -> StoredText {
    StoredText {
        key: alert.alert.id.clone(),
        json: serde_json::to_string(&AlertRecord::from(alert)).expect("records always serialise"),
    }
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
            Ok((
                meta.schema_version,
                meta.next_number,
                settings,
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
    let mut kept_incidents: Vec<(StoredText, Incident)> = Vec::new();
    for text in incidents {
        match decode::<IncidentRecord>(&text.json).and_then(IncidentRecord::into_incident) {
            Ok(incident) if incident.number.to_string() == text.key => {
                kept_incidents.push((text, incident));
            }
            Ok(incident) => {
                let reason = format!(
                    "stored under key {} but is incident {}",
                    text.key, incident.number
                );
                aside(StoreName::Incidents, text, reason);
            }
            Err(error) => aside(StoreName::Incidents, text, error.to_string()),
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
    // Until nothing changes: alerts whose incident is gone or does not list them go aside;
    // incidents that list an alert that is gone go aside.
    loop {
        let listed: BTreeSet<(u64, &str)> = kept_incidents
            .iter()
            .flat_map(|(_, incident)| {
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
            kept_incidents.into_iter().partition(|(_, incident)| {
                incident
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
        for (text, _) in broken {
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
    let highest = kept_incidents
        .iter()
        .map(|(_, incident)| incident.number)
        .max()
        .unwrap_or(0);
    let (stored_schema, next_number, settings, mut clusters) = meta.unwrap_or((
        SCHEMA_VERSION,
        highest + 1,
        CorrelationSettings::default(),
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
        alerts: kept_alerts.into_iter().map(|(_, alert)| alert).collect(),
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
        .map_err(|problem| RecordError::at("", problem))?;
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
    })
}
