//! Keying the new alerts of a batch: each is checked in, its entities' strong keys are interned
//! and what it groups by is decided. Keying reads the batch, the settings and the key table, and
//! nothing that placing alerts changes, so natively a large batch is filed and placed on a
//! second thread, a few chunks behind this one, which keys it. Wasm, and small batches, key each
//! alert just before placing it. Either way placement receives the same alerts with the same
//! keys in the same order. Keying also builds the incident each alert would open (unless it will
//! likely join one, or placing is waiting for it), which is the one placing would build for it.

#[cfg(not(target_arch = "wasm32"))]
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{DateTime, Utc};

use super::GroupBy;
use super::index::{AlertKeys, CorrelationKey, KeyIx, KeyTable};
use super::seen_entities::WrittenEntities;
use super::settings::{CorrelationSettings, GroupingSettings, Matching};
use crate::alert::{Alert, RawAlert, RawEntity, Warning};
use crate::entity::EntityKey;
use crate::incident::Opening;
use crate::people::Actor;

/// From how many new alerts a batch is placed on a second thread while it is keyed (and from
/// how many records it is checked, and from how many changed incidents their summaries are
/// made, in two halves).
/// Starting a thread costs about what keying a few dozen alerts does, and a batch this size
/// takes a millisecond or more.
pub(super) const SECOND_THREAD_FROM: usize = 1024;

/// How many alerts keying takes before handing them over to placing: enough that passing them
/// costs little per alert (a hand-over can wake the other thread, a system call and a switch;
/// chunks of 64 measured slower), few enough that what keying holds ahead stays bounded (1,024
/// measured no faster).
#[cfg(not(target_arch = "wasm32"))]
const CHUNK: usize = 256;

/// How many keyed chunks may wait to be placed, which bounds what keying ahead holds.
#[cfg(not(target_arch = "wasm32"))]
const CHUNKS_AHEAD: usize = 4;

/// How many alerts ahead of the one being keyed keying writes entities as they are
/// looked up ([`KeyTable::write_entities`]), starting the loads of their entries: finding an
/// entity in a table of tens of thousands missed the cache on most finds.
#[cfg(not(target_arch = "wasm32"))]
const WRITE_AHEAD: usize = 4;

/// A new record of a batch as checking it found it: keying takes these in canonical order.
#[derive(Debug, Clone, Copy)]
pub(super) struct FreshRecord {
    /// When its alert starts.
    pub(super) start: DateTime<Utc>,
    /// Its position in the batch, from 0.
    pub(super) position: usize,
    /// The hash its id is filed under, taken when the batch was checked: filing the alert then
    /// reads no id text, which keying read last.
    pub(super) id_hash: u64,
}

/// A new alert, checked in and keyed: what filing and placing it needs.
pub(super) struct KeyedAlert<'s> {
    /// Its position in the batch, from 0.
    pub(super) position: usize,
    /// The hash its id is filed under ([`FreshRecord::id_hash`]).
    pub(super) id_hash: u64,
    /// The alert, checked in.
    pub(super) alert: Alert,
    /// Its strong entity keys, in key order.
    pub(super) entity_keys: AlertKeys,
    /// What it groups by, under its source's setting.
    pub(super) grouping: GroupBy,
    /// Its source's setting, found as it was keyed: placing then reads nothing of the alert's
    /// details, which natively lie in the cache of the other thread's core.
    pub(super) source_grouping: &'s GroupingSettings,
    /// What was wrong with parts of it.
    pub(super) warnings: Vec<Warning>,
    /// The incident it would open, built ahead when it was keyed ahead of placing, was not
    /// expected to join one, and placing had keyed alerts waiting.
    pub(super) opening: Option<Opening>,
}

/// Which new alerts of a batch will join an incident rather than open one, as far as keying can
/// tell: those that share a key they group by with an alert keyed before them in the batch,
/// within their lookback. Placing finds that alert and joins its incident, so an incident built
/// for them would be thrown away (about a quarter of the benchmarks' alerts). The guess only
/// decides what is built ahead, never where an alert goes: placing builds the incident itself
/// for an alert guessed to join that opens one after all (its match was full, say), and gives
/// back any built for an alert that joins one stored before the batch.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Default)]
struct JoinForecast {
    /// Per key, the start (in milliseconds) of the latest alert keyed under it, if any.
    latest: Vec<Option<i64>>,
}

#[cfg(not(target_arch = "wasm32"))]
impl JoinForecast {
    /// Whether the alert, keyed after every alert seen so far, will likely join an incident;
    /// notes it as the latest under its keys.
    fn joins(&mut self, keyed: &KeyedAlert<'_>, lookback: chrono::Duration) -> bool {
        let time = keyed.alert.start.timestamp_millis();
        let mut joins = false;
        for &key in keyed.grouping.keys(&keyed.entity_keys) {
            let key = key as usize;
            if key >= self.latest.len() {
                self.latest.resize(key + 1, None);
            }
            joins |=
                self.latest[key].is_some_and(|latest| time - latest <= lookback.num_milliseconds());
            self.latest[key] = Some(time);
        }
        joins
    }
}

/// What keying reads and writes: the correlation's key table, lent to it for an ingest, and
/// the settings new alerts are grouped by.
pub(super) struct Keyer<'a> {
    /// The key table, which only keying changes while it is lent.
    pub(super) keys: &'a mut KeyTable,
    /// The settings, which keying and placing both read.
    pub(super) settings: &'a CorrelationSettings,
}

impl<'s> Keyer<'s> {
    /// Keys the new alerts of `batch`, given as their starts and positions in canonical order
    /// (`fresh`), taking each record out of the batch, and hands them to `place` in that order.
    /// From `second_thread_from` alerts on, natively, `place` runs on a second thread while
    /// keying runs on this one; should the thread not start, each alert is placed as it is
    /// keyed.
    ///
    /// Keying ahead of placing also builds the incident each alert would open, as opened by
    /// `opened_by` at its time (most new alerts of a large batch open one), which leaves placing
    /// only to number it; it builds none for an alert a `JoinForecast` expects to join one, nor
    /// while placing has no keyed chunk waiting (then keying holds placing up, and placing
    /// builds the incident itself), and `place` gives back the ones it did not open. Which
    /// thread builds an incident depends on timing; the incident does not. With each alert,
    /// `place` is shown the alerts keyed after it that are at hand (none when each is placed as
    /// it is keyed), so that it can start loading what they will need.
    pub(super) fn key_in_order(
        &mut self,
        batch: &mut [Option<RawAlert>],
        fresh: &[FreshRecord],
        second_thread_from: usize,
        opened_by: (&Actor, DateTime<Utc>),
        mut place: impl FnMut(KeyedAlert<'s>, &[KeyedAlert<'s>]) -> Option<Opening> + Send,
    ) {
        #[cfg(not(target_arch = "wasm32"))]
        if fresh.len() >= second_thread_from
            && self.place_on_second_thread(batch, fresh, opened_by, &mut place)
        {
            return;
        }
        #[cfg(target_arch = "wasm32")]
        let _ = (second_thread_from, opened_by);
        let mut written = WrittenEntities::default();
        for record in fresh {
            self.write_entities(&batch[record.position], &mut written);
            // Keyed here, an alert comes with no incident built ahead, so none comes back.
            place(self.key(batch, record, &written), &[]);
        }
    }

    /// Keys here, a chunk at a time, placing each chunk on a second thread as it comes. Keying
    /// allocates most of what an ingest adds (the incidents built ahead), and the calling
    /// thread's allocator grows its memory in larger steps than a new thread's: glibc grew a
    /// thread's arena a page at a time, with a system call each, which cost the keying thread
    /// about 5 ms of an ingest of 100,000 alerts while it ran on the second thread. The
    /// incidents built ahead that placing did not open come back here to be freed: they were
    /// allocated here, and freeing them there would wait on this thread's allocator. Returns
    /// whether the thread started (if not, nothing was keyed).
    #[cfg(not(target_arch = "wasm32"))]
    fn place_on_second_thread(
        &mut self,
        batch: &mut [Option<RawAlert>],
        fresh: &[FreshRecord],
        (by, at): (&Actor, DateTime<Utc>),
        place: &mut (impl FnMut(KeyedAlert<'s>, &[KeyedAlert<'s>]) -> Option<Opening> + Send),
    ) -> bool {
        // Chunks keyed that placing has not taken yet.
        let queued = &AtomicUsize::new(0);
        std::thread::scope(|scope| {
            let (sender, receiver) = std::sync::mpsc::sync_channel(CHUNKS_AHEAD);
            let (unopened_sender, unopened) = std::sync::mpsc::channel::<Vec<Opening>>();
            let placing = move || {
                for chunk in receiver {
                    queued.fetch_sub(1, Ordering::Relaxed);
                    let mut unused = Vec::new();
                    let mut keyed = Vec::into_iter(chunk);
                    while let Some(alert) = keyed.next() {
                        unused.extend(place(alert, keyed.as_slice()));
                    }
                    // Should keying have stopped, placing frees them.
                    let _ = unopened_sender.send(unused);
                }
            };
            let started = std::thread::Builder::new()
                .name("vigil placing".to_owned())
                .spawn_scoped(scope, placing);
            if started.is_err() {
                return false;
            }
            let mut forecast = JoinForecast::default();
            // The entities of the next alerts, written ahead; alert `n`'s at `n % len`.
            let mut written: [WrittenEntities; WRITE_AHEAD + 1] = Default::default();
            for (n, record) in fresh.iter().take(WRITE_AHEAD).enumerate() {
                self.write_entities(&batch[record.position], &mut written[n]);
            }
            for (chunk, first) in fresh.chunks(CHUNK).zip((0..).step_by(CHUNK)) {
                unopened.try_iter().for_each(drop);
                let keyed: Vec<KeyedAlert<'s>> = (first..)
                    .zip(chunk)
                    .map(|(n, record)| {
                        if let Some(ahead) = fresh.get(n + WRITE_AHEAD) {
                            let into = &mut written[(n + WRITE_AHEAD) % written.len()];
                            self.write_entities(&batch[ahead.position], into);
                        }
                        let written = &written[n % written.len()];
                        let mut keyed = self.key(batch, record, written);
                        let lookback = keyed.source_grouping.lookback;
                        // With nothing queued, placing is waiting for this thread, which
                        // leaves the incident to placing rather than keep it waiting.
                        let placing_busy = queued.load(Ordering::Relaxed) > 0;
                        if !forecast.joins(&keyed, lookback) && placing_busy {
                            keyed.opening = Some(Opening::for_alert(&keyed.alert, by, at));
                        }
                        keyed
                    })
                    .collect();
                queued.fetch_add(1, Ordering::Relaxed);
                // Placing stopped only if it panicked, which the scope passes on.
                if sender.send(keyed).is_err() {
                    break;
                }
            }
            drop(sender);
            // Until placing ends.
            unopened.iter().for_each(drop);
            true
        })
    }

    /// Writes the entities of a record as they are looked up, for [`Keyer::key`]; each record is
    /// written before it is keyed, so it is still in the batch.
    fn write_entities(&self, raw: &Option<RawAlert>, written: &mut WrittenEntities) {
        let raw = raw
            .as_ref()
            .expect("a record is written before it is keyed");
        let known = raw.entities.iter().filter_map(RawEntity::known);
        self.keys.write_entities(known, written);
    }

    /// Checks one new alert in and keys it, its entities written into `written` by
    /// [`Keyer::write_entities`]. Warns of each entity that has no strong identifier (shown,
    /// never correlated).
    fn key(
        &mut self,
        batch: &mut [Option<RawAlert>],
        record: &FreshRecord,
        written: &WrittenEntities,
    ) -> KeyedAlert<'s> {
        let raw = batch[record.position]
            .take()
            .expect("each new record is keyed once");
        let (alert, mut warnings) = Alert::admit(raw, record.start);
        let mut unidentified = Vec::new();
        let entity_keys = self
            .keys
            .intern_entities(&alert.entities, written, &mut unidentified);
        if !unidentified.is_empty() {
            // Positions are the record's own, counting the entities left out for an unknown kind.
            let left_out: Vec<usize> = warnings.iter().map(Warning::position).collect();
            let positions: Vec<usize> = (1..)
                .filter(|position| !left_out.contains(position))
                .take(alert.entities.len())
                .collect();
            warnings.extend(
                unidentified
                    .into_iter()
                    .map(|index| Warning::NotIdentifying {
                        position: positions[index],
                        kind: alert.entities[index].kind,
                    }),
            );
            warnings.sort_by_key(Warning::position);
        }
        let settings: &'s CorrelationSettings = self.settings;
        let source_grouping = settings.grouping_for(alert.source());
        let grouping = self.group_by(&alert, &entity_keys, source_grouping);
        KeyedAlert {
            position: record.position,
            id_hash: record.id_hash,
            alert,
            entity_keys,
            grouping,
            source_grouping,
            warnings,
            opening: None,
        }
    }

    /// What the alert groups by under its source's current setting, `grouping`.
    fn group_by(
        &mut self,
        alert: &Alert,
        entity_keys: &[KeyIx],
        grouping: &GroupingSettings,
    ) -> GroupBy {
        if !grouping.enabled {
            return GroupBy::Nothing;
        }
        let strong = || {
            entity_keys
                .iter()
                .filter_map(|key| match self.keys.key(*key) {
                    CorrelationKey::Entity(key) => Some(key),
                    CorrelationKey::Grouping { .. } => None,
                })
                .collect()
        };
        let Some(parts) = grouping_parts(alert, strong, grouping) else {
            return GroupBy::Entities;
        };
        let detection = [&alert.details.alert_type, &alert.details.display_name]
            .into_iter()
            .map(|text| text.trim())
            .find(|text| !text.is_empty())
            .unwrap_or_default()
            .to_owned();
        let key = CorrelationKey::Grouping {
            source: alert.source().to_owned(),
            detection,
            parts,
        };
        GroupBy::Key(self.keys.intern(key))
    }
}

/// The readable parts a grouping compares, or `None` when it compares entities themselves
/// (`SharedEntity`). The alert's keys are gathered only for a grouping that compares them.
fn grouping_parts<'k>(
    alert: &Alert,
    keys: impl FnOnce() -> Vec<&'k EntityKey>,
    grouping: &GroupingSettings,
) -> Option<String> {
    let joined = |keys: &mut dyn Iterator<Item = &&EntityKey>| {
        let mut texts: Vec<String> = keys.map(ToString::to_string).collect();
        texts.sort_unstable();
        texts.join("; ")
    };
    match &grouping.matching {
        Matching::SharedEntity => None,
        Matching::AnyAlert => Some(String::new()),
        Matching::AllEntities => Some(format!("entities [{}]", joined(&mut keys().iter()))),
        Matching::Selected(selection) => {
            let keys = keys();
            let mut parts: Vec<String> = selection
                .kinds
                .iter()
                .map(|kind| {
                    let mut of_kind = keys.iter().filter(|key| key.kind == *kind);
                    format!("{kind} [{}]", joined(&mut of_kind))
                })
                .collect();
            if selection.display_name {
                parts.push(format!("name \"{}\"", alert.details.display_name.trim()));
            }
            if selection.severity {
                parts.push(format!("severity {}", alert.details.severity));
            }
            Some(parts.join(", "))
        }
    }
}
