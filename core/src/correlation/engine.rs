//! Ingesting alerts: check each, file it in the index, place it in an incident, run the merge
//! pass, and regroup the neighbourhood of any alert that arrived out of time order.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use rustc_hash::{FxHashMap, FxHashSet};
use uuid::Uuid;

use super::halves::map_in_halves;
use super::index::{AlertIx, AlertKeys, KeyIx, PositionTable, Posting, hash_of, millis};
use super::keying::{FreshRecord, KeyedAlert, Keyer, SECOND_THREAD_FROM};
use super::prefetch::prefetch;
use super::reason::{Matched, MergeCause, MergeRecord, MergeRefusal, Reason};
use super::settings::GroupingSettings;
use super::{
    Cluster, Correlation, GroupBy, Placement, Slot, canonical_before, correlation_actor,
    distinct_entities, id_at,
};
use crate::alert::{Alert, AlertSummary, RawAlert, Rejection, Warning};
use crate::incident::{Etag, Incident, Opening};
use crate::people::Actor;
use crate::vocabulary::IncidentStatus;
use crate::workspace::{IncidentTable, Workspace};

/// How many records ahead of the one at hand an ingest starts loading what it will read of
/// them: the few microseconds four records take are far longer than a load from memory, and
/// few enough that the loaded line is still in the cache when its record comes. One and eight
/// measured no faster.
const FETCH_AHEAD: usize = 4;

/// What an ingest needs from outside the core: the time, and fresh incident ids.
pub struct IngestContext<'a> {
    /// Now; alerts more than a day after it are refused, and changes are stamped with it.
    pub now: DateTime<Utc>,
    /// Makes an id for each incident the batch opens; natively, a large batch opens them on a
    /// second thread.
    pub new_id: &'a mut (dyn FnMut() -> Uuid + Send),
}

/// What became of one record of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A new alert, now in this incident; with warnings about parts left out or not correlated.
    Accepted {
        /// Its incident after the whole batch.
        incident: u64,
        /// What was wrong with parts of it.
        warnings: Vec<Warning>,
    },
    /// A known alert whose fields changed; it stays in its incident.
    Updated {
        /// Its incident.
        incident: u64,
    },
    /// A known alert, exactly as stored: nothing was done.
    Unchanged {
        /// Its incident.
        incident: u64,
    },
    /// Refused; nothing of it was stored.
    Rejected(Rejection),
}

/// One record's outcome, with its position in its batch (which names the record within the
/// batch whatever its id, blank or repeated ones included, without copying every id into the
/// report).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordOutcome {
    /// Position in the batch, from 1.
    pub record: usize,
    /// What happened.
    pub outcome: Outcome,
}

/// Everything an ingest did, record by record, and the incidents it opened and merged.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IngestReport {
    /// One entry per record, in batch order.
    pub records: Vec<RecordOutcome>,
    /// Incidents opened, in the order they were opened.
    pub opened: Vec<u64>,
    /// Merges made.
    pub merges: Vec<MergeRecord>,
    /// Merges the rules refused: the two incidents and the rule.
    pub refused_merges: Vec<(u64, u64, MergeRefusal)>,
    /// Every incident the ingest changed or opened, with its etag before the ingest (`None`
    /// for one it opened): what the store must write, and the versions it must find there.
    pub touched: BTreeMap<u64, Option<Etag>>,
}

impl IngestReport {
    /// Adds what a later batch did, as if both had been one run: an incident touched by both
    /// keeps the etag it had before the first.
    pub fn absorb(&mut self, later: IngestReport) {
        self.records.extend(later.records);
        self.opened.extend(later.opened);
        self.merges.extend(later.merges);
        self.refused_merges.extend(later.refused_merges);
        for (number, etag) in later.touched {
            self.touched.entry(number).or_insert(etag);
        }
    }

    /// How many records ended in an outcome that `matches`.
    pub fn count(&self, matches: impl Fn(&Outcome) -> bool) -> usize {
        self.records
            .iter()
            .filter(|record| matches(&record.outcome))
            .count()
    }
}

/// State of one ingest run: when, who, which incidents need their alert view refreshed.
pub(super) struct Run<'a> {
    pub(super) at: DateTime<Utc>,
    pub(super) system: Actor,
    pub(super) new_id: &'a mut (dyn FnMut() -> Uuid + Send),
    pub(super) dirty: FxHashSet<u64>,
    pub(super) report: IngestReport,
    /// Incidents whose alerts are being regrouped, by the alert that anchored them: an
    /// incident opened again by the same alert keeps its number.
    pub(super) reuse: FxHashMap<AlertIx, u64>,
    /// Pairs the report already lists as refused, so that each is listed once. A pair is still
    /// checked each time an alert meets it: an alert can reopen a closed incident, a regroup
    /// takes alerts back, device groups can come to agree, so a refusal may be lifted within a
    /// run (remembering refusals cost as much as checking again, and went stale).
    refused: FxHashSet<(u64, u64)>,
    /// The first number this run could open: incidents from it on are new.
    first_opened: u64,
    /// What placing the last alert found under each of its entity keys.
    related: RelatedAlerts,
    /// The merges this run made for a shared entity, whose entity is named when it ends.
    unnamed: Vec<UnnamedEntity>,
}

/// A merge for a shared entity, made while the key table was lent to keying: which key, and
/// where its record is, in the survivor's merges and in the report.
struct UnnamedEntity {
    key: KeyIx,
    survivor: u64,
    in_cluster: usize,
    in_report: usize,
}

/// The canonically latest placed alert before one alert under each of its entity keys, within one
/// window, as placing it found them. The merge pass asks the same question of the same keys when
/// its window is the lookback (both are 5 hours by default), and placing changes no other alert's
/// place or postings in between, so it takes the answers from here.
#[derive(Default)]
struct RelatedAlerts {
    /// The alert they are about, when its placement compared its entity keys.
    alert: Option<AlertIx>,
    /// The window they were found within, in milliseconds.
    window: i64,
    /// One answer per entity key, in key order.
    latest: Vec<Option<AlertIx>>,
}

impl Run<'_> {
    /// Whether this run opened the incident (its number was not given out before the run).
    fn opened(&self, number: u64) -> bool {
        number >= self.first_opened
    }

    /// Whether the incident shows exactly its alerts, in canonical order, and holds them in
    /// that order: one this run opened and changed only by placing alerts in it and merging in
    /// another such incident (the run places alerts in canonical order; a late one regroups,
    /// and so changes, every incident it could join).
    fn shows_its_alerts(&self, number: u64) -> bool {
        self.opened(number) && !self.dirty.contains(&number)
    }

    /// Notes, before it changes, an incident the run is about to change.
    pub(super) fn touch(&mut self, incidents: &IncidentTable, number: u64) {
        // Incidents this run opens are noted all at once when it ends (`note_opened`).
        if self.opened(number) {
            return;
        }
        self.report
            .touched
            .entry(number)
            .or_insert_with(|| incidents.get(&number).map(|incident| incident.etag.clone()));
    }

    /// Notes every incident the run opened as touched, with no etag before it: in one pass
    /// that builds the map from sorted numbers, where noting each as it opened cost a search
    /// of the map for each of tens of thousands.
    fn note_opened(&mut self) {
        let report = &mut self.report;
        // Every number noted before is below the first opened one, so the chain is sorted.
        let opened = report.opened.iter().map(|&number| (number, None));
        report.touched = std::mem::take(&mut report.touched)
            .into_iter()
            .chain(opened)
            .collect();
    }
}

/// A record settled before placement: refused, or a known id and whether it changed.
type Settled = Result<Outcome, (AlertIx, bool)>;

/// What a record of a batch is, decided before anything is taken from it.
enum Admission {
    /// Refused.
    Rejected(Rejection),
    /// An alert already stored (at this index), to be updated; it starts then, its id hashed so.
    Known(AlertIx, DateTime<Utc>, u64),
    /// A new alert, starting then, its id hashed so.
    Fresh(DateTime<Utc>, u64),
}

impl Correlation {
    /// Stores the alert with its keys: under its id, hashed to `id_hash` (by `hash_of`) so that
    /// its text is not read again; postings under each key; and neighbourhood joins with the
    /// alerts beside it in time under each key.
    pub(super) fn file(
        &mut self,
        alert: Alert,
        id_hash: u64,
        time: i64,
        entity_keys: AlertKeys,
        grouping: GroupBy,
    ) -> AlertIx {
        debug_assert_eq!(id_hash, hash_of(alert.id.as_str()));
        debug_assert!(self.index_of(&alert.id).is_none(), "an id filed twice");
        let index = AlertIx::try_from(self.alerts.len()).expect("fewer than 2^32 alerts");
        self.alerts.push(alert);
        let id_of = id_at(&self.alerts);
        self.ids
            .insert_hashed(index, id_hash, |listed| hash_of(id_of(listed)));
        self.neighbourhoods.add(index);
        let slot = Slot {
            time,
            entity_keys,
            grouping,
            place: None,
        };
        self.slots.push(slot);
        let widest = millis(self.settings.widest_window());
        let Correlation {
            alerts,
            slots,
            postings,
            neighbourhoods,
            ..
        } = self;
        let before = |a: AlertIx, b: AlertIx| canonical_before(slots, alerts, a, b);
        let id_of = id_at(alerts);
        for key in slots[index as usize].all_keys() {
            let position = postings.insert(key, Posting { time, alert: index }, id_of);
            let postings = postings.of(key);
            let neighbours = [position.checked_sub(1), Some(position + 1)];
            for neighbour in neighbours.into_iter().flatten() {
                if let Some(posting) = postings.get(neighbour)
                    && (posting.time - time).abs() <= widest
                {
                    neighbourhoods.join(index, posting.alert, before);
                }
            }
        }
        index
    }

    /// Makes room for `count` more alerts at once rather than growing table by table, and for
    /// as many clusters: each new alert opens at most one incident, and a table grown by
    /// doubling would leave as much room unused on average (measured 3 % faster than growing).
    pub(crate) fn reserve(&mut self, count: usize) {
        self.alerts.reserve(count);
        self.clusters.reserve(count);
        self.slots.reserve(count);
        self.ids.reserve(count, id_at(&self.alerts));
        self.neighbourhoods.reserve(count);
        self.postings.reserve(count);
    }

    /// Whether an alert of its neighbourhood sorts after it: then placing it where it stands
    /// would differ from placing everything in time order, and the neighbourhood is regrouped.
    fn is_late(&mut self, alert: AlertIx) -> bool {
        self.neighbourhoods.latest(alert) != alert
    }

    /// Whether this index still holds the alert (it was not deleted with its incident).
    fn is_live(&self, alert: AlertIx) -> bool {
        self.index_of(&self.alerts[alert as usize].id) == Some(alert)
    }

    /// Takes every alert of these incidents (ascending) out of the index, for when the
    /// incidents are deleted. Their slots stay, so an undo can file them again
    /// ([`Correlation::refile`]).
    pub(crate) fn forget_incidents(&mut self, numbers: &[u64]) {
        for number in numbers {
            let Some(cluster) = self.clusters.get(number) else {
                continue;
            };
            for &alert in &cluster.alerts {
                self.slots[alert as usize].place = None;
                for key in self.slots[alert as usize].all_keys() {
                    self.postings.remove(key, alert);
                }
                let id_of = id_at(&self.alerts);
                self.ids.remove(id_of(alert), id_of);
            }
        }
        self.clusters.remove_sorted(numbers);
    }

    /// Files a forgotten alert again under its id and keys, at the canonical places it had.
    pub(crate) fn refile(&mut self, alert: AlertIx) {
        let Correlation {
            alerts,
            slots,
            postings,
            ids,
            ..
        } = self;
        let slot = &slots[alert as usize];
        let id_of = id_at(alerts);
        ids.insert(alert, id_of);
        for key in slot.all_keys() {
            postings.insert(
                key,
                Posting {
                    time: slot.time,
                    alert,
                },
                id_of,
            );
        }
    }
}

impl Workspace {
    /// Takes in a batch of alerts: each is checked, then placed in an incident (joining a
    /// related open one or opening one), then incidents it connects are merged where the rules
    /// allow. Never panics on bad input: each record gets an outcome in the report.
    pub fn ingest(
        &mut self,
        batch: Vec<RawAlert>,
        context: &mut IngestContext<'_>,
    ) -> IngestReport {
        self.ingest_keying_from(batch, context, SECOND_THREAD_FROM)
    }

    /// [`Workspace::ingest`], natively using a second thread from `second_thread_from` on: to
    /// check half the records of a batch that long, to place the new alerts of one with as many
    /// while they are keyed here, and to make half the summaries of as many changed incidents.
    /// For tests that compare both ways.
    pub(super) fn ingest_keying_from(
        &mut self,
        batch: Vec<RawAlert>,
        context: &mut IngestContext<'_>,
        second_thread_from: usize,
    ) -> IngestReport {
        self.undo = None;
        let mut run = Run {
            at: context.now,
            system: correlation_actor(),
            new_id: context.new_id,
            dirty: FxHashSet::default(),
            report: IngestReport::default(),
            reuse: FxHashMap::default(),
            refused: FxHashSet::default(),
            first_opened: self.next_number,
            related: RelatedAlerts::default(),
            unnamed: Vec::new(),
        };
        let admissions = self.admit_in_batch_order(&batch, context.now, second_thread_from);
        // Each record is taken out of the batch once, as it is updated or keyed, leaving nothing
        // behind (an empty record in its place would cost an allocation for its details).
        let mut batch: Vec<Option<RawAlert>> = batch.into_iter().map(Some).collect();
        // Refused and known records are settled in batch order; new alerts wait, as positions
        // in the batch, to be built one at a time in canonical order.
        let mut settled: Vec<(usize, Settled)> = Vec::new();
        let mut fresh: Vec<FreshRecord> = Vec::with_capacity(batch.len());
        for (position, admission) in admissions.into_iter().enumerate() {
            let record = position + 1;
            match admission {
                Admission::Rejected(rejection) => {
                    settled.push((record, Ok(Outcome::Rejected(rejection))));
                }
                Admission::Known(known, start, _) => {
                    let raw = batch[position].take().expect("each record is taken once");
                    let (alert, _) = Alert::admit(raw, start);
                    let changed = self.update_alert(known, alert, &mut run);
                    settled.push((record, Err((known, changed))));
                }
                Admission::Fresh(start, id_hash) => fresh.push(FreshRecord {
                    start,
                    position,
                    id_hash,
                }),
            }
        }
        let checked_id = |position: usize| {
            batch[position]
                .as_ref()
                .expect("a new record is in the batch until it is keyed")
                .checked_id()
        };
        fresh.sort_unstable_by(|a, b| {
            a.start
                .cmp(&b.start)
                .then_with(|| checked_id(a.position).cmp(checked_id(b.position)))
        });
        self.correlation.reserve(fresh.len());
        let mut late = Vec::new();
        let mut accepted = Vec::with_capacity(fresh.len());
        // Keying has the key table to itself until the batch is placed; the settings are the
        // same for both, and placing reads them too.
        let mut keys = std::mem::take(&mut self.correlation.keys);
        let settings = self.correlation.settings.clone();
        let system = run.system.clone();
        let mut keyer = Keyer {
            keys: &mut keys,
            settings: &settings,
        };
        let opened_by = (&system, run.at);
        let place = |keyed: KeyedAlert<'_>, upcoming: &[KeyedAlert<'_>]| {
            if let Some(ahead) = upcoming.get(FETCH_AHEAD) {
                self.correlation.postings.prefetch_tails(&ahead.entity_keys);
            }
            let time = keyed.alert.start.timestamp_millis();
            let index = self.correlation.file(
                keyed.alert,
                keyed.id_hash,
                time,
                keyed.entity_keys,
                keyed.grouping,
            );
            accepted.push((keyed.position + 1, index, keyed.warnings));
            if self.correlation.is_late(index) {
                late.push(index);
                return keyed.opening;
            }
            self.place_alert(index, keyed.source_grouping, keyed.opening, &mut run)
        };
        keyer.key_in_order(&mut batch, &fresh, second_thread_from, opened_by, place);
        self.correlation.keys = keys;
        if !late.is_empty() {
            self.regroup(&late, &mut run);
        }
        self.refresh_alert_views(&mut run, second_thread_from);
        self.name_shared_entities(&mut run);
        let incident_of = |index: AlertIx| {
            self.correlation.slots[index as usize]
                .place
                .as_ref()
                .map_or(0, |place| place.incident)
        };
        let mut records: Vec<RecordOutcome> = settled
            .into_iter()
            .map(|(record, outcome)| RecordOutcome {
                record,
                outcome: outcome.unwrap_or_else(|(known, changed)| {
                    let incident = incident_of(known);
                    if changed {
                        Outcome::Updated { incident }
                    } else {
                        Outcome::Unchanged { incident }
                    }
                }),
            })
            .collect();
        records.extend(
            accepted
                .into_iter()
                .map(|(record, index, warnings)| RecordOutcome {
                    record,
                    outcome: Outcome::Accepted {
                        incident: incident_of(index),
                        warnings,
                    },
                }),
        );
        records.sort_unstable_by_key(|record| record.record);
        run.report.records = records;
        run.note_opened();
        run.report
    }

    /// Decides every record of a batch in its order, reading the records in place: refused,
    /// a repeat of an earlier record's id (the first one is kept), known, or new. Each record is
    /// first checked on its own, in two halves at once from `second_thread_from` records on
    /// (natively), which reads its id and entities and looks the id up among the stored alerts;
    /// then repeats are found in the batch's order, from the ids' hashes taken in the first step.
    fn admit_in_batch_order(
        &self,
        batch: &[RawAlert],
        now: DateTime<Utc>,
        second_thread_from: usize,
    ) -> Vec<Admission> {
        let mut admissions = map_in_halves(batch.len(), second_thread_from, |position| {
            // The text of an id and an alert's entities lie apart from its record.
            if let Some(ahead) = batch.get(position + FETCH_AHEAD) {
                prefetch(ahead.id.as_str());
                prefetch(ahead.entities.as_slice());
            }
            let raw = &batch[position];
            let start = match raw.admission(now) {
                Ok(start) => start,
                Err(rejection) => return Admission::Rejected(rejection),
            };
            let hash = hash_of(raw.checked_id());
            match self.correlation.index_of_hashed(raw.checked_id(), hash) {
                Some(known) => Admission::Known(known, start, hash),
                None => Admission::Fresh(start, hash),
            }
        });
        let id_of = |position: u32| batch[position as usize].checked_id();
        let mut first_record = PositionTable::default();
        first_record.reserve(batch.len(), id_of);
        let positions = 0..u32::try_from(batch.len()).expect("fewer than 2^32 records in a batch");
        for (position, admission) in positions.zip(&mut admissions) {
            let hash = match *admission {
                Admission::Rejected(_) => continue,
                Admission::Known(_, _, hash) | Admission::Fresh(_, hash) => hash,
            };
            // The texts are read only for an id whose hash matches another's.
            let first = first_record.find_or_insert_hashed(
                hash,
                position,
                |listed| id_of(listed) == id_of(position),
                |listed| hash_of(id_of(listed)),
            );
            if let Some(first) = first {
                let first_record = first as usize + 1;
                *admission = Admission::Rejected(Rejection::DuplicateInBatch { first_record });
            }
        }
        admissions
    }

    /// A known id again: unchanged is a no-op; otherwise its fields are replaced and its
    /// incident's view refreshed, but it stays where it is and keeps its place in time.
    /// Returns whether anything changed.
    fn update_alert(&mut self, known: AlertIx, alert: Alert, run: &mut Run<'_>) -> bool {
        let stored = &mut self.correlation.alerts[known as usize];
        if *stored == alert {
            return false;
        }
        *stored = alert;
        if let Some(place) = &self.correlation.slots[known as usize].place {
            run.touch(&self.incidents, place.incident);
            run.dirty.insert(place.incident);
        }
        true
    }

    /// Places one alert: joins the oldest joinable incident it matches, or opens one (the one
    /// `built_ahead` for it, when keying built it), then tries to merge every other incident it
    /// shares a strong entity with; `grouping` is the setting of the alert's source. Returns
    /// the incident built ahead when the alert joined one, built for nothing.
    pub(super) fn place_alert(
        &mut self,
        alert: AlertIx,
        grouping: &GroupingSettings,
        mut built_ahead: Option<Opening>,
        run: &mut Run<'_>,
    ) -> Option<Opening> {
        let correlation = &self.correlation;
        let matching = grouping.matching.as_str();
        let (lookback, reopen, cap) = (
            grouping.lookback,
            grouping.reopen_closed,
            grouping.max_alerts,
        );
        let slot = &correlation.slots[alert as usize];
        let related = &mut run.related;
        related.latest.clear();
        related.window = millis(lookback);
        related.alert = matches!(slot.grouping, GroupBy::Entities).then_some(alert);
        let mut best: Option<(u64, AlertIx, KeyIx)> = None;
        // Whether the incident the alert goes to shows it already.
        let mut shown = false;
        for &key in slot.grouping_keys() {
            let found = correlation.latest_related(key, alert, millis(lookback));
            related.latest.push(found);
            let Some(other) = found else {
                continue;
            };
            let number = correlation.slots[other as usize]
                .place
                .as_ref()
                .map(|place| place.incident)
                .expect("latest_related only returns placed alerts");
            let incident = &self.incidents[&number];
            let joinable = incident.merged_into.is_none()
                && (incident.status != IncidentStatus::Closed || reopen);
            let older = best.is_none_or(|(current, _, _)| {
                correlation.age(incident) < correlation.age(&self.incidents[&current])
            });
            if joinable && older {
                best = Some((number, other, key));
            }
        }
        let (number, reason) = match best {
            None => (
                self.open_incident(alert, None, built_ahead.take(), run),
                Reason::Opened {
                    matching,
                    lookback_minutes: lookback.num_minutes(),
                },
            ),
            Some((number, other, key)) => {
                // Follow the chain of continuations to the live end of it.
                let mut target = number;
                while let Some(next) = self.correlation.clusters[&target].continued_by
                    && self.incidents[&next].merged_into.is_none()
                {
                    target = next;
                }
                if self.correlation.clusters[&target].alerts.len() >= cap {
                    run.touch(&self.incidents, target);
                    let opened = self.open_incident(alert, Some(target), built_ahead.take(), run);
                    (opened, Reason::Overflow { full: target, cap })
                } else {
                    run.touch(&self.incidents, target);
                    let reopened = self.incidents[&target].status == IncidentStatus::Closed;
                    if reopened {
                        let incident = self.incidents.get_mut(&target).expect("target exists");
                        incident.reopen_for_alert(&run.system, run.at);
                    }
                    // An incident that shows its alerts takes this one in now, while it is at
                    // hand, rather than read it again with the rest when the run ends; it sorts
                    // after them all.
                    let shows_the_rest = run.shows_its_alerts(target);
                    debug_assert!(
                        !shows_the_rest || self.correlation.sorts_after_all_of(alert, target),
                        "alerts are placed in canonical order"
                    );
                    self.correlation.add_to_cluster(target, alert);
                    if shows_the_rest {
                        shown = true;
                        self.incidents
                            .get_mut(&target)
                            .expect("target exists")
                            .take_in_alert_from_creation(&self.correlation.alerts[alert as usize]);
                    }
                    let gap = self.correlation.slots[alert as usize].time
                        - self.correlation.slots[other as usize].time;
                    let reason = Reason::Joined {
                        key,
                        with: Matched::Stored(other),
                        gap_ms: gap,
                        matching,
                        reopened,
                    };
                    (target, reason)
                }
            }
        };
        // An incident this run opened for the alert already shows it (taken back by a regroup,
        // it is queued already); one numbered before the run that a regroup took back showed
        // other alerts, and one the alert joined does not show it unless it took it in above.
        let opened_for_it =
            matches!(reason, Reason::Opened { .. } | Reason::Overflow { .. }) && run.opened(number);
        self.correlation.slots[alert as usize].place = Some(Placement {
            incident: number,
            first_incident: number,
            reason,
        });
        if !(opened_for_it || shown) {
            run.dirty.insert(number);
        }
        if self.correlation.settings.merge.enabled {
            self.merge_pass(alert, run);
        }
        built_ahead
    }

    /// Merges into one every incident holding a recent alert that shares a strong entity with
    /// `alert`, where the rules allow; refusals go to the report once per pair.
    fn merge_pass(&mut self, alert: AlertIx, run: &mut Run<'_>) {
        let window = millis(self.correlation.settings.merge.window);
        let key_count = self.correlation.slots[alert as usize].entity_keys.len();
        let found_while_placing = run.related.alert == Some(alert) && run.related.window == window;
        for position in 0..key_count {
            let key = self.correlation.slots[alert as usize].entity_keys[position];
            let found = if found_while_placing {
                run.related.latest[position]
            } else {
                self.correlation.latest_related(key, alert, window)
            };
            let Some(other) = found else {
                continue;
            };
            let incident_of = |index: AlertIx| {
                self.correlation.slots[index as usize]
                    .place
                    .as_ref()
                    .map(|place| place.incident)
                    .expect("placed")
            };
            let (mine, theirs) = (incident_of(alert), incident_of(other));
            // An incident and its continuation are apart on purpose: the first was full.
            let linked = |a: u64, b: u64| self.correlation.clusters[&a].continues == Some(b);
            if mine == theirs || linked(mine, theirs) || linked(theirs, mine) {
                continue;
            }
            let (survivor, absorbed) = self.older_first(mine, theirs);
            match self.check_merge(&[survivor, absorbed]) {
                Ok(()) => {
                    let correlation = &self.correlation;
                    let cause = MergeCause::SharedEntity {
                        // Named when the ingest ends (`name_shared_entities`).
                        entity: String::new(),
                        alert: correlation.alerts[alert as usize].id.clone(),
                        matched: correlation.alerts[other as usize].id.clone(),
                        gap: Duration::milliseconds(
                            correlation.slots[alert as usize].time
                                - correlation.slots[other as usize].time,
                        ),
                    };
                    run.touch(&self.incidents, survivor);
                    run.touch(&self.incidents, absorbed);
                    let in_step = [survivor, absorbed]
                        .into_iter()
                        .all(|number| run.shows_its_alerts(number));
                    let kept = self.correlation.alert_count(survivor);
                    let system = run.system.clone();
                    let (record, absorbed_shown) =
                        self.merge_into(survivor, absorbed, cause, &system, run.at);
                    run.unnamed.push(UnnamedEntity {
                        key,
                        survivor,
                        in_cluster: self.correlation.clusters[&survivor].merges.len() - 1,
                        in_report: run.report.merges.len(),
                    });
                    if in_step {
                        self.show_merged_alerts(survivor, kept, absorbed_shown);
                    } else {
                        run.dirty.insert(survivor);
                    }
                    run.report.merges.push(record);
                }
                Err(refusal) => {
                    if run.refused.insert((survivor, absorbed)) {
                        run.report
                            .refused_merges
                            .push((survivor, absorbed, refusal));
                    }
                }
            }
        }
    }

    /// Shows in `survivor`, which this run opened and which showed exactly its first `kept`
    /// alerts before a merge added those of an incident the run also opened (that one showed
    /// them as `absorbed_shown`), all of its alerts: both runs of alerts, each in canonical
    /// order, are interleaved into that order in its cluster, and both summaries as the
    /// alerts. Where showing them when the run ends would read every alert again, this reads an
    /// alert only to place a product that one side names after its first alert.
    fn show_merged_alerts(&mut self, survivor: u64, kept: usize, absorbed_shown: AlertSummary) {
        let Workspace {
            correlation,
            incidents,
            ..
        } = self;
        let from_kept = correlation.interleave_in_order(survivor, kept);
        let incident = incidents.get_mut(&survivor).expect("survivor exists");
        let first_named_at = |side: bool, products: &[String]| {
            correlation.first_named_at(survivor, &from_kept, side, products)
        };
        let kept_at = first_named_at(true, &incident.product_names);
        let moved_at = first_named_at(false, &absorbed_shown.product_names);
        incident.take_in_merged_from_creation(absorbed_shown, &from_kept, [&kept_at, &moved_at]);
    }

    /// The two incidents, the one that survives a merge first.
    pub(super) fn older_first(&self, a: u64, b: u64) -> (u64, u64) {
        let age = |number: u64| self.correlation.age(&self.incidents[&number]);
        if age(a) <= age(b) { (a, b) } else { (b, a) }
    }

    /// Opens an incident for `alert` (or takes back the number it anchored before a regroup),
    /// numbering the one keying `built_ahead` for it if there is one; `continues` links it to a
    /// full incident.
    fn open_incident(
        &mut self,
        alert: AlertIx,
        continues: Option<u64>,
        built_ahead: Option<Opening>,
        run: &mut Run<'_>,
    ) -> u64 {
        let number = match run.reuse.remove(&alert) {
            Some(number) => number,
            None => {
                let number = self.next_number;
                self.next_number += 1;
                let opening = built_ahead.unwrap_or_else(|| {
                    let alert = &self.correlation.alerts[alert as usize];
                    Opening::for_alert(alert, &run.system, run.at)
                });
                self.incidents
                    .insert(opening.numbered((run.new_id)(), number));
                run.report.opened.push(number);
                number
            }
        };
        run.touch(&self.incidents, number);
        let cluster = self.correlation.cluster_mut(number);
        cluster.continues = continues;
        if let Some(full) = continues
            && let Some(full) = self.correlation.clusters.get_mut(&full)
        {
            full.continued_by = Some(number);
        }
        self.correlation.add_to_cluster(number, alert);
        number
    }

    /// Moves every alert of `absorbed` into `survivor` (after its own), closes `absorbed` as
    /// Redirected and records why. Returns the record and what `absorbed` showed of its alerts.
    pub(super) fn merge_into(
        &mut self,
        survivor: u64,
        absorbed: u64,
        cause: MergeCause,
        by: &Actor,
        at: DateTime<Utc>,
    ) -> (MergeRecord, AlertSummary) {
        let moved = self
            .correlation
            .clusters
            .get_mut(&absorbed)
            .map(|cluster| cluster.take_alerts().0)
            .unwrap_or_default();
        for &alert in &moved {
            if let Some(place) = self.correlation.slots[alert as usize].place.as_mut() {
                place.incident = survivor;
            }
            self.correlation.add_to_cluster(survivor, alert);
        }
        // Only its tags move (alerts moved above), so only they are copied out of the map.
        let absorbed_labels = self.incidents[&absorbed].labels.clone();
        let survivor_incident = self.incidents.get_mut(&survivor).expect("survivor exists");
        survivor_incident.merge_in(absorbed, &absorbed_labels, by, at);
        let absorbed_shown = self
            .incidents
            .get_mut(&absorbed)
            .expect("absorbed exists")
            .redirect_into(survivor, by, at);
        let record = MergeRecord {
            absorbed,
            into: survivor,
            at,
            alerts_moved: moved.len(),
            cause,
        };
        self.correlation
            .cluster_mut(survivor)
            .merges
            .push(record.clone());
        (record, absorbed_shown)
    }

    /// Whether the incidents may be merged, by the Defender XDR rules; the first rule broken
    /// is named.
    pub(super) fn check_merge(&self, numbers: &[u64]) -> Result<(), MergeRefusal> {
        let mut incidents = Vec::with_capacity(numbers.len());
        for &number in numbers {
            let incident = self
                .incidents
                .get(&number)
                .ok_or(MergeRefusal::Unknown { incident: number })?;
            if let Some(into) = incident.merged_into {
                return Err(MergeRefusal::AlreadyMerged {
                    incident: number,
                    into,
                });
            }
            incidents.push(incident);
        }
        for (position, first) in incidents.iter().enumerate() {
            for second in &incidents[position + 1..] {
                let verdicts = (
                    first
                        .closing
                        .as_ref()
                        .map(|closing| closing.classification()),
                    second
                        .closing
                        .as_ref()
                        .map(|closing| closing.classification()),
                );
                if let (Some(mine), Some(theirs)) = verdicts
                    && mine != theirs
                {
                    return Err(MergeRefusal::DifferentClassifications {
                        first: first.number,
                        second: second.number,
                    });
                }
            }
        }
        if let Some(closed) = incidents
            .iter()
            .find(|incident| incident.status == IncidentStatus::Closed)
        {
            return Err(MergeRefusal::Closed {
                incident: closed.number,
            });
        }
        for (position, first) in incidents.iter().enumerate() {
            for second in &incidents[position + 1..] {
                if let (Some(mine), Some(theirs)) = (&first.owner, &second.owner)
                    && !mine.same_principal(theirs)
                {
                    return Err(MergeRefusal::DifferentOwners {
                        first: first.number,
                        second: second.number,
                    });
                }
            }
        }
        self.check_merged_entities(numbers)
    }

    /// The entity cap and, when the setting is on, the device groups.
    fn check_merged_entities(&self, numbers: &[u64]) -> Result<(), MergeRefusal> {
        let correlation = &self.correlation;
        let alerts_of = |number: u64| {
            correlation
                .clusters
                .get(&number)
                .map_or(&[][..], |cluster| cluster.alerts.as_slice())
        };
        let cap = correlation.settings.merge.max_entities;
        let clusters: Vec<&Cluster> = numbers
            .iter()
            .filter_map(|number| correlation.clusters.get(number))
            .collect();
        let count = distinct_entities(&clusters);
        if count > cap {
            return Err(MergeRefusal::TooManyEntities { count, cap });
        }
        if correlation.settings.merge.respect_device_groups {
            let groups = |number: u64| {
                let mut groups: Vec<&str> = alerts_of(number)
                    .iter()
                    .flat_map(|&alert| correlation.alerts[alert as usize].device_groups())
                    .collect();
                groups.sort_unstable();
                groups.dedup();
                groups
            };
            let with_groups: Vec<(u64, Vec<&str>)> = numbers
                .iter()
                .map(|&number| (number, groups(number)))
                .filter(|(_, groups)| !groups.is_empty())
                .collect();
            if let Some(((first, _), (second, _))) = with_groups
                .iter()
                .zip(with_groups.iter().skip(1))
                .find(|((_, mine), (_, theirs))| mine != theirs)
            {
                return Err(MergeRefusal::DifferentDeviceGroups {
                    first: *first,
                    second: *second,
                });
            }
        }
        Ok(())
    }

    /// An incident whose alerts the core may regroup: opened by correlation, still open, and
    /// never touched by anyone else.
    fn is_fluid(&self, number: u64, system: &Actor) -> bool {
        self.incidents.get(&number).is_some_and(|incident| {
            incident.merged_into.is_none()
                && incident.status != IncidentStatus::Closed
                && !incident.touched_by_other_than(system)
        })
    }

    /// Regroups, in time order, the neighbourhoods of alerts that arrived late, so the result is
    /// what in-order arrival would have given. Incidents an analyst touched keep their alerts;
    /// a regrouped incident whose first alert now lands elsewhere is merged into that incident.
    fn regroup(&mut self, late: &[AlertIx], run: &mut Run<'_>) {
        let mut late_by_root: BTreeMap<AlertIx, Vec<AlertIx>> = BTreeMap::new();
        for &alert in late {
            let root = self.correlation.neighbourhoods.root(alert);
            late_by_root.entry(root).or_default().push(alert);
        }
        // Read apart from the workspace, which placing changes.
        let settings = self.correlation.settings.clone();
        for (root, late) in late_by_root {
            let members = self.correlation.neighbourhoods.members(root);
            let mut replay = Vec::new();
            let mut fluid = FxHashSet::default();
            for alert in members {
                match &self.correlation.slots[alert as usize].place {
                    None if self.correlation.is_live(alert) => replay.push(alert),
                    Some(place) if self.is_fluid(place.incident, &run.system) => {
                        fluid.insert(place.incident);
                    }
                    _ => {}
                }
            }
            for number in fluid {
                run.touch(&self.incidents, number);
                // It no longer holds the alerts it shows.
                run.dirty.insert(number);
                let cluster = self
                    .correlation
                    .clusters
                    .get_mut(&number)
                    .expect("fluid has alerts");
                let (alerts, anchor) = cluster.take_alerts();
                if let Some(anchor) = anchor {
                    run.reuse.insert(anchor, number);
                }
                cluster.continues = None;
                cluster.continued_by = None;
                for alert in alerts {
                    self.correlation.slots[alert as usize].place = None;
                    replay.push(alert);
                }
            }
            replay.sort_unstable_by(|&a, &b| self.correlation.canonical_cmp(a, b));
            for &alert in &replay {
                let grouping =
                    settings.grouping_for(self.correlation.alerts[alert as usize].source());
                self.place_alert(alert, grouping, None, run);
            }
            // The earliest late alert is the one that changed how this neighbourhood groups.
            let trigger = self.correlation.alerts[late[0] as usize].id.clone();
            let mut unused: Vec<(AlertIx, u64)> = run.reuse.drain().collect();
            unused.sort_unstable_by_key(|(_, number)| *number);
            for (anchor, number) in unused {
                let into = self.correlation.slots[anchor as usize]
                    .place
                    .as_ref()
                    .expect("replayed")
                    .incident;
                run.touch(&self.incidents, into);
                run.touch(&self.incidents, number);
                let system = run.system.clone();
                let (record, _) = self.merge_into(
                    into,
                    number,
                    MergeCause::Regrouped {
                        alert: trigger.clone(),
                    },
                    &system,
                    run.at,
                );
                run.dirty.remove(&number);
                run.dirty.insert(into);
                run.report.merges.push(record);
            }
        }
    }

    /// Names the entity of every merge this run made for a shared entity, in the survivor's
    /// record and in the report: while alerts are placed, the key table is lent to keying.
    fn name_shared_entities(&mut self, run: &mut Run<'_>) {
        for unnamed in run.unnamed.drain(..) {
            let name = self.correlation.keys.key(unnamed.key).to_string();
            let in_cluster = self
                .correlation
                .clusters
                .get_mut(&unnamed.survivor)
                .map(|cluster| &mut cluster.merges[unnamed.in_cluster].cause);
            let in_report = &mut run.report.merges[unnamed.in_report].cause;
            for cause in in_cluster.into_iter().chain([in_report]) {
                if let MergeCause::SharedEntity { entity, .. } = cause {
                    entity.clone_from(&name);
                }
            }
        }
    }

    /// Brings every changed incident's view of its alerts up to date (`place_alert` leaves out
    /// an incident opened for its alert, which already shows it, and `merge_pass` one that
    /// took in what another such incident showed). An incident this run opened is created with
    /// every alert the run gave it: its log shows its creation (and any merge into it), not
    /// each alert that joined it within the same ingest. From `second_thread_from` incidents on,
    /// natively, half their summaries are made on a second thread.
    fn refresh_alert_views(&mut self, run: &mut Run<'_>, second_thread_from: usize) {
        // An incident merged away after it changed shows no alerts: no summary is made for it.
        let incidents = &self.incidents;
        let mut dirty: Vec<u64> = run
            .dirty
            .drain()
            .filter(|number| {
                incidents
                    .get(number)
                    .is_some_and(|incident| incident.merged_into.is_none())
            })
            .collect();
        dirty.sort_unstable();
        let correlation = &self.correlation;
        let summaries = map_in_halves(dirty.len(), second_thread_from, |position| {
            AlertSummary::of(correlation.alerts_of(dirty[position]))
        });
        for (number, summary) in dirty.into_iter().zip(summaries) {
            if run.opened(number) {
                self.show_summary(number, summary, Incident::show_alerts_from_creation);
            } else {
                self.show_summary(number, summary, |incident, summary| {
                    incident.show_alerts(summary, &run.system, run.at);
                });
            }
        }
    }
}
