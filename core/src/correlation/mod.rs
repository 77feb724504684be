//! The correlation core: alerts become incidents by the strong entities they share (or the
//! grouping key their source is configured with) within a time window; incidents that come to
//! share entities are merged by the Defender XDR rules; analysts merge and move by hand and can
//! undo. Every placement and merge keeps its reason.
//!
//! Alerts are processed in canonical order (start time, then id), so the same alerts give the
//! same incidents whatever order and batches they arrive in: an alert that arrives later than
//! alerts it precedes makes the core replay the alerts of its neighbourhood in canonical order,
//! leaving alone incidents an analyst has touched.

mod engine;
mod entities;
mod halves;
mod index;
mod keying;
mod manual;
mod portable;
mod prefetch;
mod reason;
mod seen_entities;
mod settings;

#[cfg(test)]
mod tests;

/// Ingests a batch as of `now`, giving new incidents ids counted from 1: what tests of the core
/// take alerts in with. It checks half the batch's records, places the batch while it keys it,
/// and makes half the summaries of the incidents it changed, on second threads whatever their
/// numbers, and checks that doing all of it on this thread instead gives the same workspace and
/// the same report.
#[cfg(test)]
pub(crate) fn ingest_at(
    workspace: &mut crate::workspace::Workspace,
    batch: Vec<crate::alert::RawAlert>,
    now: chrono::DateTime<chrono::Utc>,
) -> IngestReport {
    let ingest = |workspace: &mut crate::workspace::Workspace,
                  batch: Vec<crate::alert::RawAlert>,
                  second_thread_from: usize| {
        let mut next = 0u128;
        let mut new_id = move || {
            next += 1;
            uuid::Uuid::from_u128(next)
        };
        let mut context = IngestContext {
            now,
            new_id: &mut new_id,
        };
        workspace.ingest_keying_from(batch, &mut context, second_thread_from)
    };
    let mut on_one_thread = workspace.clone();
    let report_on_one_thread = ingest(&mut on_one_thread, batch.clone(), usize::MAX);
    let report = ingest(workspace, batch, 0);
    assert_eq!(report, report_on_one_thread, "on two threads or one");
    assert!(*workspace == on_one_thread, "on two threads or one");
    report
}

pub use engine::{IngestContext, IngestReport, Outcome, RecordOutcome};
pub use entities::{EntityId, IncidentEntity};
pub use index::CorrelationKey;
pub use manual::{Deleted, MoveError, MoveTarget, Undo, UndoError};
pub use portable::{
    PortableAlert, PortableCluster, PortableCorrelation, PortableGrouping, PortableReason,
};
pub use reason::{Explanation, MergeCause, MergeRecord, MergeRefusal};
pub use settings::{
    CorrelationSettings, GroupingSettings, MAX_ALERTS_PER_INCIDENT, Matching, MergeSettings,
    Selection, SettingsError,
};

use rustc_hash::FxHashSet;
use smallvec::{Array, SmallVec};

use crate::alert::Alert;
use crate::incident::Incident;
use crate::number_table::{NumberTable, Numbered};
use crate::people::Actor;
use index::{
    AlertIx, AlertKeys, AlertList, KeyIx, KeyTable, Neighbourhoods, PositionTable, Posting,
    PostingLists,
};
use reason::Reason;

/// The name the correlation core signs its changes with in activity logs.
pub const CORRELATION_ACTOR: &str = "Vigil correlation";

/// The actor the core logs its changes as.
pub fn correlation_actor() -> Actor {
    Actor::named(CORRELATION_ACTOR)
}

/// Where an alert is and why.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Placement {
    /// The incident it belongs to now.
    incident: u64,
    /// The incident it was first placed in; differs from `incident` after a merge.
    first_incident: u64,
    /// Why it went to `first_incident` (or here, when moved).
    reason: Reason,
}

/// One stored alert with what the index knows of it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Slot {
    /// Start time in milliseconds, fixed at first ingest so updates never reorder it.
    time: i64,
    /// Its strong entity keys.
    entity_keys: AlertKeys,
    /// What it groups by, under its source's setting when it arrived.
    grouping: GroupBy,
    /// Where it is; `None` only while being regrouped, or once deleted.
    place: Option<Placement>,
}

/// What an alert groups by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GroupBy {
    /// Nothing: its source's grouping is off.
    Nothing,
    /// Any of its strong entity keys (`SharedEntity`).
    Entities,
    /// One Sentinel grouping key.
    Key(KeyIx),
}

impl Slot {
    /// The Sentinel grouping key, when it has one.
    fn grouping_key(&self) -> Option<KeyIx> {
        match self.grouping {
            GroupBy::Key(key) => Some(key),
            GroupBy::Nothing | GroupBy::Entities => None,
        }
    }

    /// Every key it is filed under: its entities' and its grouping key.
    fn all_keys(&self) -> impl Iterator<Item = KeyIx> + '_ {
        self.entity_keys.iter().copied().chain(self.grouping_key())
    }

    /// The keys it groups by.
    fn grouping_keys(&self) -> &[KeyIx] {
        self.grouping.keys(&self.entity_keys)
    }
}

impl GroupBy {
    /// The keys an alert with these entity keys groups by.
    fn keys<'a>(&'a self, entity_keys: &'a [KeyIx]) -> &'a [KeyIx] {
        match self {
            GroupBy::Nothing => &[],
            GroupBy::Entities => entity_keys,
            GroupBy::Key(key) => std::slice::from_ref(key),
        }
    }
}

/// The correlation core's view of one incident that holds alerts.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Cluster {
    /// The incident's number.
    number: u64,
    /// Its alerts.
    alerts: AlertList,
    /// Its canonically earliest alert: the incident's age for "the older one survives".
    anchor: Option<AlertIx>,
    /// The incident this one continues because that one was full.
    continues: Option<u64>,
    /// The incident that continues this one.
    continued_by: Option<u64>,
    /// The incidents merged into this one, and why.
    merges: Vec<MergeRecord>,
    /// Its distinct strong keys, each with how many of its alerts name it: kept as alerts come
    /// and go, so the merge cap is checked without walking every alert of a large incident.
    entities: KeyCounts,
}

impl Numbered for Cluster {
    fn number(&self) -> u64 {
        self.number
    }
}

impl Cluster {
    /// The cluster of an incident that holds no alerts yet.
    fn empty(number: u64) -> Cluster {
        Cluster {
            number,
            alerts: AlertList::new(),
            anchor: None,
            continues: None,
            continued_by: None,
            merges: Vec::new(),
            entities: KeyCounts::default(),
        }
    }

    /// Empties it for a merge or a regroup, returning its alerts and its anchor.
    fn take_alerts(&mut self) -> (AlertList, Option<AlertIx>) {
        self.entities.clear();
        (std::mem::take(&mut self.alerts), self.anchor.take())
    }
}

/// Distinct keys with a count each, sorted by key. Most incidents hold a handful of keys, so a
/// sorted list with its first four inline costs no allocation at all where a hash map costs a
/// table and its control bytes; the largest (a full incident, a few hundred keys) still insert
/// by a binary search.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct KeyCounts {
    counts: SmallVec<[(KeyIx, u32); 4]>,
}

impl KeyCounts {
    /// Counts an alert's keys in.
    fn add(&mut self, keys: &[KeyIx]) {
        for &key in keys {
            match self.position(key) {
                Ok(position) => self.counts[position].1 += 1,
                Err(position) => self.counts.insert(position, (key, 1)),
            }
        }
    }

    /// Counts an alert's keys out.
    fn subtract(&mut self, keys: &[KeyIx]) {
        for &key in keys {
            if let Ok(position) = self.position(key) {
                self.counts[position].1 -= 1;
                if self.counts[position].1 == 0 {
                    self.counts.remove(position);
                }
            }
        }
    }

    /// Forgets every key.
    fn clear(&mut self) {
        self.counts.clear();
    }

    fn position(&self, key: KeyIx) -> Result<usize, usize> {
        self.counts
            .binary_search_by_key(&key, |&(listed, _)| listed)
    }

    fn contains(&self, key: KeyIx) -> bool {
        self.position(key).is_ok()
    }

    /// How many distinct keys.
    fn len(&self) -> usize {
        self.counts.len()
    }

    /// The keys, in key order.
    fn keys(&self) -> impl Iterator<Item = KeyIx> + '_ {
        self.counts.iter().map(|&(key, _)| key)
    }

    /// Bytes held, counting allocated capacity.
    fn heap_bytes(&self) -> usize {
        spilled_bytes(&self.counts)
    }
}

/// Bytes a list holds on the heap: none while its items fit inline.
fn spilled_bytes<A: Array>(list: &SmallVec<A>) -> usize {
    if list.spilled() {
        list.capacity() * std::mem::size_of::<A::Item>()
    } else {
        0
    }
}

/// How many distinct strong keys the clusters name together, reading only the smaller ones
/// against the largest.
fn distinct_entities(clusters: &[&Cluster]) -> usize {
    let Some(largest) = clusters.iter().max_by_key(|cluster| cluster.entities.len()) else {
        return 0;
    };
    let mut others: FxHashSet<KeyIx> = FxHashSet::default();
    for cluster in clusters {
        if !std::ptr::eq(*cluster, *largest) {
            others.extend(
                cluster
                    .entities
                    .keys()
                    .filter(|&key| !largest.entities.contains(key)),
            );
        }
    }
    largest.entities.len() + others.len()
}

/// Reads an alert's id by its position: how the id table and the posting lists, which hold
/// positions only, reach the ids they order and find by.
fn id_at<'a>(alerts: &'a [Alert]) -> impl Fn(AlertIx) -> &'a str + Copy {
    move |alert| alerts[alert as usize].id.as_str()
}

/// Whether alert `a` comes before `b` in canonical order (start, then id). The ids live in the
/// alert table, far from the times, so they are read only when the times are equal.
fn canonical_before(slots: &[Slot], alerts: &[Alert], a: AlertIx, b: AlertIx) -> bool {
    let (time_a, time_b) = (slots[a as usize].time, slots[b as usize].time);
    time_a < time_b || (time_a == time_b && alerts[a as usize].id < alerts[b as usize].id)
}

/// Alerts of a workspace and everything correlation keeps about them.
#[derive(Debug, Clone, Default)]
pub struct Correlation {
    settings: CorrelationSettings,
    alerts: Vec<Alert>,
    slots: Vec<Slot>,
    /// Each live alert's position, found by its id (read from `alerts`, never copied).
    ids: PositionTable,
    /// Interned keys; lent to the keying stage while an ingest runs, and back when it ends.
    keys: KeyTable,
    postings: PostingLists,
    neighbourhoods: Neighbourhoods,
    /// Each incident's cluster, in number order: opening an incident appends one, where a
    /// boxed one behind a hash map cost an allocation each.
    clusters: NumberTable<Cluster>,
}

impl PartialEq for Correlation {
    /// Equal when they hold the same alerts, placed the same way for the same reasons; the
    /// index's internal layout (interning order, union-find shape) does not count.
    fn eq(&self, other: &Correlation) -> bool {
        self.settings == other.settings
            && self.ids.len() == other.ids.len()
            && self.alerts().all(|alert| {
                let Some(mine) = self.index_of(&alert.id) else {
                    return false;
                };
                other.index_of(&alert.id).is_some_and(|theirs| {
                    other.alerts[theirs as usize] == *alert
                        && self.describe_place(mine) == other.describe_place(theirs)
                })
            })
            && self.cluster_links(self.clusters.numbers())
                == other.cluster_links(other.clusters.numbers())
    }
}

impl Eq for Correlation {}

impl Correlation {
    /// The settings new alerts are correlated with.
    pub fn settings(&self) -> &CorrelationSettings {
        &self.settings
    }

    /// What each incident's cluster records beyond its alerts (continuations, merges), by
    /// number, for the incidents named, leaving out clusters that record nothing.
    fn cluster_links<'a>(
        &self,
        numbers: impl IntoIterator<Item = &'a u64>,
    ) -> Vec<PortableCluster> {
        let mut links: Vec<PortableCluster> = numbers
            .into_iter()
            .filter_map(|number| Some((*number, self.clusters.get(number)?)))
            .filter(|(_, cluster)| {
                cluster.continues.is_some()
                    || cluster.continued_by.is_some()
                    || !cluster.merges.is_empty()
            })
            .map(|(number, cluster)| PortableCluster {
                number,
                continues: cluster.continues,
                continued_by: cluster.continued_by,
                merges: cluster.merges.clone(),
            })
            .collect();
        links.sort_unstable_by_key(|cluster| cluster.number);
        links
    }

    /// Applies new settings to alerts ingested from now on.
    pub(crate) fn replace_settings(&mut self, settings: CorrelationSettings) {
        self.settings = settings;
    }

    /// Every alert, in the order they were first ingested.
    pub fn alerts(&self) -> impl Iterator<Item = &Alert> {
        self.alerts
            .iter()
            .zip(&self.slots)
            .filter(|(_, slot)| slot.place.is_some())
            .map(|(alert, _)| alert)
    }

    /// The position of the live alert with this id.
    fn index_of(&self, id: &str) -> Option<AlertIx> {
        self.index_of_hashed(id, index::hash_of(id))
    }

    /// [`Correlation::index_of`], the id hashed already (by `index::hash_of`).
    fn index_of_hashed(&self, id: &str, hash: u64) -> Option<AlertIx> {
        let id_of = id_at(&self.alerts);
        self.ids.find_hashed(hash, |alert| id_of(alert) == id)
    }

    /// The alert with this id.
    pub fn alert(&self, id: &str) -> Option<&Alert> {
        let index = self.index_of(id)?;
        Some(&self.alerts[index as usize])
    }

    /// The number of the incident the alert belongs to.
    pub fn incident_of(&self, id: &str) -> Option<u64> {
        let index = self.index_of(id)?;
        self.slots[index as usize]
            .place
            .as_ref()
            .map(|place| place.incident)
    }

    /// The alerts of an incident, earliest first. An iterator, so that refreshing an incident
    /// of a few alerts allocates nothing to list them.
    pub fn alerts_of(&self, number: u64) -> impl Iterator<Item = &Alert> {
        let mut alerts = self
            .clusters
            .get(&number)
            .map(|cluster| cluster.alerts.clone())
            .unwrap_or_default();
        alerts.sort_unstable_by(|&a, &b| self.canonical_cmp(a, b));
        alerts.into_iter().map(|index| &self.alerts[index as usize])
    }

    /// The merges into an incident, oldest first.
    pub fn merges_into(&self, number: u64) -> &[MergeRecord] {
        self.clusters
            .get(&number)
            .map_or(&[], |cluster| cluster.merges.as_slice())
    }

    /// The incident that continues this full one, and the one it continues.
    pub fn continuation(&self, number: u64) -> (Option<u64>, Option<u64>) {
        self.clusters.get(&number).map_or((None, None), |cluster| {
            (cluster.continues, cluster.continued_by)
        })
    }

    /// Bytes the index holds for correlation (keys, the entities seen with their keys, postings,
    /// neighbourhoods, placements, the table of ids), counting allocated capacity; the alerts'
    /// own fields, ids among them, are not included.
    pub fn index_bytes(&self) -> usize {
        let slots: usize = self
            .slots
            .iter()
            .map(|slot| std::mem::size_of::<Slot>() + spilled_bytes(&slot.entity_keys))
            .sum();
        let clusters: usize = self
            .clusters
            .values()
            .map(|cluster| {
                std::mem::size_of::<(u64, Cluster)>()
                    + spilled_bytes(&cluster.alerts)
                    + cluster.entities.heap_bytes()
            })
            .sum();
        slots
            + self.ids.heap_bytes()
            + clusters
            + self.keys.heap_bytes()
            + self.postings.heap_bytes()
            + self.neighbourhoods.heap_bytes()
    }

    /// Canonical order (start, then id) as an ordering, for sorting.
    fn canonical_cmp(&self, a: AlertIx, b: AlertIx) -> std::cmp::Ordering {
        if canonical_before(&self.slots, &self.alerts, a, b) {
            std::cmp::Ordering::Less
        } else if canonical_before(&self.slots, &self.alerts, b, a) {
            std::cmp::Ordering::Greater
        } else {
            std::cmp::Ordering::Equal
        }
    }

    /// The canonical order of an alert: start time, then id.
    fn order(&self, alert: AlertIx) -> (i64, &str) {
        (
            self.slots[alert as usize].time,
            self.alerts[alert as usize].id.as_str(),
        )
    }

    fn place(&self, alert: AlertIx) -> Option<&Placement> {
        self.slots[alert as usize].place.as_ref()
    }

    /// The incident's age for "the older incident survives": its earliest alert, else its
    /// creation time; ties go to the lower number.
    fn age(&self, incident: &Incident) -> (i64, &str, u64) {
        match self
            .clusters
            .get(&incident.number)
            .and_then(|cluster| cluster.anchor)
        {
            Some(anchor) => {
                let (time, id) = self.order(anchor);
                (time, id, incident.number)
            }
            None => (incident.created.timestamp_millis(), "", incident.number),
        }
    }

    /// The canonically latest placed alert before `alert` under `key` within `window` ms.
    fn latest_related(&self, key: KeyIx, alert: AlertIx, window: i64) -> Option<AlertIx> {
        let postings = self.postings.of(key);
        let time = self.slots[alert as usize].time;
        let this = Posting { time, alert };
        // An alert placed as it is filed, in canonical order, is the last under each of its keys.
        let position = if postings.last() == Some(&this) {
            postings.len() - 1
        } else {
            let id_of = id_at(&self.alerts);
            postings.partition_point(|posting| posting.sorts_before(&this, id_of))
        };
        postings[..position]
            .iter()
            .rev()
            .take_while(|posting| time - posting.time <= window)
            .map(|posting| posting.alert)
            .find(|&other| self.place(other).is_some())
    }

    /// How many alerts the incident holds.
    fn alert_count(&self, number: u64) -> usize {
        self.clusters
            .get(&number)
            .map_or(0, |cluster| cluster.alerts.len())
    }

    /// Puts the incident's alerts in canonical order, when its first `kept` and the rest are
    /// each in that order already (as a merge into an incident that holds its alerts in order
    /// leaves them); returns, for each alert in the new order, whether it was among the first
    /// `kept`.
    fn interleave_in_order(&mut self, number: u64, kept: usize) -> Vec<bool> {
        let Correlation {
            alerts,
            slots,
            clusters,
            ..
        } = self;
        let before = |a: AlertIx, b: AlertIx| canonical_before(slots, alerts, a, b);
        let cluster = clusters
            .get_mut(&number)
            .expect("an incident merged into holds alerts");
        let (first, rest) = cluster.alerts.split_at(kept);
        debug_assert!(first.is_sorted_by(|&a, &b| before(a, b)));
        debug_assert!(rest.is_sorted_by(|&a, &b| before(a, b)));
        let mut order = AlertList::with_capacity(cluster.alerts.len());
        let mut from_first = Vec::with_capacity(cluster.alerts.len());
        let (mut first, mut rest) = (first.iter().peekable(), rest.iter().peekable());
        loop {
            let take_first = match (first.peek(), rest.peek()) {
                (Some(&&a), Some(&&b)) => before(a, b),
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            let from = if take_first { &mut first } else { &mut rest };
            order.extend(from.next().copied());
            from_first.push(take_first);
        }
        cluster.alerts = order;
        from_first
    }

    /// Where, among the incident's alerts, the first of one side's (those whose entry in
    /// `from_first` is `side`) to name each of `products` is, the products being that side's
    /// in the order first seen: its first alert names the first product, and alerts are read
    /// only to find the others.
    fn first_named_at(
        &self,
        number: u64,
        from_first: &[bool],
        side: bool,
        products: &[String],
    ) -> SmallVec<[usize; 4]> {
        let mut found = SmallVec::new();
        let cluster = &self.clusters[&number];
        let of_side = (0..)
            .zip(cluster.alerts.iter().zip(from_first))
            .filter(|(_, (_, from))| **from == side);
        for (position, (&alert, _)) in of_side {
            let Some(next) = products.get(found.len()) else {
                break;
            };
            let source = || self.alerts[alert as usize].source();
            debug_assert!(!found.is_empty() || source() == next);
            if found.is_empty() || source() == next {
                found.push(position);
            }
        }
        debug_assert_eq!(found.len(), products.len());
        found
    }

    /// Whether `alert` sorts after every alert the incident holds (true of an empty one).
    fn sorts_after_all_of(&self, alert: AlertIx, number: u64) -> bool {
        self.clusters.get(&number).is_none_or(|cluster| {
            cluster
                .alerts
                .iter()
                .all(|&other| self.canonical_cmp(other, alert).is_lt())
        })
    }

    /// The incident's cluster, made empty first if it has none.
    fn cluster_mut(&mut self, number: u64) -> &mut Cluster {
        self.clusters
            .get_or_insert_with(number, || Cluster::empty(number))
    }

    fn add_to_cluster(&mut self, number: u64, alert: AlertIx) {
        let before = |a: AlertIx, b: AlertIx| canonical_before(&self.slots, &self.alerts, a, b);
        let cluster = self
            .clusters
            .get_or_insert_with(number, || Cluster::empty(number));
        cluster
            .entities
            .add(&self.slots[alert as usize].entity_keys);
        cluster.alerts.push(alert);
        if cluster.anchor.is_none_or(|anchor| before(alert, anchor)) {
            cluster.anchor = Some(alert);
        }
    }

    fn remove_from_cluster(&mut self, number: u64, alert: AlertIx) {
        let Some(cluster) = self.clusters.get_mut(&number) else {
            return;
        };
        cluster.alerts.retain(|member| *member != alert);
        cluster
            .entities
            .subtract(&self.slots[alert as usize].entity_keys);
        let anchor = self.clusters[&number]
            .alerts
            .iter()
            .copied()
            .min_by(|&a, &b| self.canonical_cmp(a, b));
        if let Some(cluster) = self.clusters.get_mut(&number) {
            cluster.anchor = anchor;
        }
    }

    /// The readable reason an alert is where it is.
    fn describe_place(&self, alert: AlertIx) -> Option<Explanation> {
        let place = self.place(alert)?;
        Some(Explanation {
            incident: place.incident,
            text: place.reason.describe(place.first_incident, self),
            merged_from: (place.first_incident != place.incident).then_some(place.first_incident),
        })
    }

    /// Why the alert is in its incident.
    pub fn explain(&self, id: &str) -> Option<Explanation> {
        self.describe_place(self.index_of(id)?)
    }
}
