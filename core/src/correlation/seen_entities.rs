//! The interned keys of distinct entities already filed, found by the entity itself. The
//! same host, account or address recurs across thousands of alerts, and normalising its
//! identifiers again each time was the largest part of filing an alert; finding it costs
//! writing its properties into a reused buffer, a hash of those bytes and one comparison. The
//! entry a find reads is rarely in the cache, so an ingest writes each alert's entities a few
//! alerts early ([`WrittenEntities`]) and starts loading their entries then.

use std::hash::BuildHasher;
use std::ops::Range;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;
use smallvec::SmallVec;

use super::index::KeyIx;
use super::prefetch::prefetch;
use crate::entity::Entity;

/// The most bytes of an entity its entry holds itself. A host, an account, an address or a URL
/// of usual length fits (a file hash does not), and the entry is then the one place in memory
/// finding it reads.
const NEAR_BYTES: usize = 46;

/// A distinct entity: its bytes and the keys it normalised to.
#[derive(Debug, Clone)]
struct SeenEntity {
    /// The hash of its bytes, so that growing the table reads none of them.
    hash: u64,
    /// Its strong keys, interned; empty for an entity with no strong identifier.
    keys: SmallVec<[KeyIx; 3]>,
    /// Its bytes, compared on every find: in the entry when they fit, since reading them
    /// elsewhere missed the cache on most finds and cost more than the probe itself.
    bytes: EntityBytes,
}

/// Where an entity's bytes are kept.
#[derive(Debug, Clone)]
enum EntityBytes {
    /// In the entry: the first `len` of `bytes`.
    Near { len: u8, bytes: [u8; NEAR_BYTES] },
    /// In [`SeenEntities::far_bytes`], for an entity too long to keep in its entry.
    Far(Range<u32>),
}

impl EntityBytes {
    /// The bytes, wherever they are.
    fn get<'a>(&'a self, far_bytes: &'a [u8]) -> &'a [u8] {
        match self {
            EntityBytes::Near { len, bytes } => &bytes[..usize::from(*len)],
            EntityBytes::Far(range) => &far_bytes[range.start as usize..range.end as usize],
        }
    }
}

/// Distinct entities with no related entities, each once, with their interned keys. Keys are
/// a function of an entity's kind and properties alone, and interned keys are never dropped, so
/// an entry stays right for good. Each entity is kept as bytes, in its entry when short and one
/// after another in one buffer when not: the alert that first named it lies far away in memory
/// by the time it recurs, and reading it there cost more time than normalising it again.
/// Entities with related entities (a process and its host) are rare and are normalised each
/// time.
///
/// An entity named once is never found again, and a feed of such entities would grow the table
/// with every alert for nothing; so when it is full it forgets everything and starts again,
/// which costs only time (each entity met again is normalised once more), never a wrong key.
#[derive(Debug, Clone)]
pub(super) struct SeenEntities {
    table: HashTable<SeenEntity>,
    /// The bytes of entities too long for their entry.
    far_bytes: Vec<u8>,
    /// How many entities it holds at most: far more than the hosts, accounts and addresses a
    /// workspace keeps meeting, in about 5 MiB of table (65,536 entries of 80 bytes).
    max_entities: usize,
    /// How many bytes of entities too long for their entry it holds at most (under 4 GiB, so
    /// that positions fit in `u32`).
    max_far_bytes: usize,
}

impl Default for SeenEntities {
    fn default() -> Self {
        SeenEntities::with_limits(50_000, 4 << 20)
    }
}

/// A lookup's answer: the keys of an entity seen before, or the hash to record a new one under.
pub(super) enum Lookup<'a> {
    /// Seen before, with these keys.
    Seen(&'a [KeyIx]),
    /// Not seen: record it with [`SeenEntities::insert`] and this hash.
    New(u64),
}

/// Writes a length as LEB128 (seven bits a byte, the last byte's high bit clear), one byte
/// below 128: each length ends where it says, so the bytes of two entities still read back
/// one way only.
fn write_length(bytes: &mut Vec<u8>, mut length: usize) {
    while length >= 0x80 {
        // The low seven bits, with the high bit saying more follow.
        bytes.push((length & 0x7f) as u8 | 0x80);
        length >>= 7;
    }
    bytes.push(length as u8);
}

/// Entities written as the bytes they are found by, with their hashes: an alert's entities that
/// [`SeenEntities`] can hold, in order. Written a few alerts before they are looked up, while
/// the entries they will read are loaded; reused from alert to alert.
#[derive(Debug, Clone, Default)]
pub(super) struct WrittenEntities {
    bytes: Vec<u8>,
    /// Per entity, where its bytes end and their hash.
    ends: Vec<(usize, u64)>,
}

impl WrittenEntities {
    /// How many entities were written.
    pub(super) fn len(&self) -> usize {
        self.ends.len()
    }

    /// The bytes of the `nth` entity written and their hash.
    pub(super) fn get(&self, nth: usize) -> (&[u8], u64) {
        let start = nth.checked_sub(1).map_or(0, |before| self.ends[before].0);
        let (end, hash) = self.ends[nth];
        (&self.bytes[start..end], hash)
    }

    /// Writes an entity: its kind, then each property's name and value, each after its length,
    /// so that two entities have the same bytes exactly when they are equal.
    fn push(&mut self, entity: &Entity) -> u64 {
        let start = self.bytes.len();
        let bytes = &mut self.bytes;
        bytes.push(entity.kind as u8);
        for (name, value) in entity.properties.iter() {
            for part in [name, value] {
                write_length(bytes, part.len());
                bytes.extend_from_slice(part.as_bytes());
            }
        }
        let hash = FxBuildHasher.hash_one(&bytes[start..]);
        self.ends.push((bytes.len(), hash));
        hash
    }
}

impl SeenEntities {
    /// An empty table that forgets everything once it holds `max_entities` entities or
    /// `max_far_bytes` bytes of entities too long for their entry.
    pub(super) fn with_limits(max_entities: usize, max_far_bytes: usize) -> Self {
        SeenEntities {
            table: HashTable::new(),
            far_bytes: Vec::new(),
            max_entities,
            max_far_bytes,
        }
    }

    /// Whether an entity can be looked up here: one that refers to no other entity.
    pub(super) fn can_hold(entity: &Entity) -> bool {
        entity.related.is_empty()
    }

    /// Writes those of `entities` it can hold into `written`, replacing what it held, and
    /// starts loading the entry each would be found in: a few alerts before they are looked up,
    /// the load overlaps the alerts between.
    pub(super) fn write<'e>(
        &self,
        entities: impl IntoIterator<Item = &'e Entity>,
        written: &mut WrittenEntities,
    ) {
        written.bytes.clear();
        written.ends.clear();
        for entity in entities {
            if Self::can_hold(entity) {
                let hash = written.push(entity);
                // The first entry with the hash's tag, read no further than its address.
                if let Some(seen) = self.table.find(hash, |_| true) {
                    prefetch(seen);
                    prefetch(&seen.bytes);
                }
            }
        }
    }

    /// Finds an entity written as `bytes` that hash to `hash`.
    pub(super) fn find(&self, bytes: &[u8], hash: u64) -> Lookup<'_> {
        let far_bytes = &self.far_bytes;
        let found = self.table.find(hash, |seen| {
            seen.hash == hash && seen.bytes.get(far_bytes) == bytes
        });
        match found {
            Some(seen) => Lookup::Seen(&seen.keys),
            None => Lookup::New(hash),
        }
    }

    /// Records the keys of an entity written as `bytes`, which [`SeenEntities::find`] did not
    /// find. An entity too long for its entry and longer than all the bytes the table may hold
    /// elsewhere is not recorded: it is normalised each time.
    pub(super) fn insert(&mut self, bytes: &[u8], hash: u64, keys: &[KeyIx]) {
        let length = bytes.len();
        let near = length <= NEAR_BYTES;
        if !near && length > self.max_far_bytes {
            return;
        }
        if self.table.len() >= self.max_entities
            || (!near && self.far_bytes.len() + length > self.max_far_bytes)
        {
            self.table.clear();
            self.far_bytes.clear();
        }
        let bytes = if near {
            let mut near_bytes = [0; NEAR_BYTES];
            near_bytes[..length].copy_from_slice(bytes);
            EntityBytes::Near {
                len: length as u8,
                bytes: near_bytes,
            }
        } else {
            let start = self.far_bytes.len();
            self.far_bytes.extend_from_slice(bytes);
            // The far bytes stay within `max_far_bytes`, a few MiB.
            let position =
                |at: usize| u32::try_from(at).expect("the far bytes stay within their limit");
            EntityBytes::Far(position(start)..position(self.far_bytes.len()))
        };
        let seen = SeenEntity {
            hash,
            keys: SmallVec::from_slice(keys),
            bytes,
        };
        self.table.insert_unique(hash, seen, |seen| seen.hash);
    }

    /// Bytes held, about: each entry it has room for with its control byte, the far bytes,
    /// and keys that did not fit inline.
    pub(super) fn heap_bytes(&self) -> usize {
        let spilled: usize = self
            .table
            .iter()
            .filter(|seen| seen.keys.spilled())
            .map(|seen| seen.keys.capacity() * std::mem::size_of::<KeyIx>())
            .sum();
        self.table.capacity() * (std::mem::size_of::<SeenEntity>() + 1)
            + self.far_bytes.capacity()
            + spilled
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use proptest::prelude::*;

    use super::{Lookup, SeenEntities, WrittenEntities};
    use crate::correlation::index::{CorrelationKey, KeyTable};
    use crate::entity::{Entity, EntityKey, EntityKind};

    /// Entities alerts name again and again: two spellings of one host, a built-in account, an
    /// entity with no identifier, a process known only through its host, entities whose
    /// properties run together into the same text or differ only in kind, and two too long to
    /// keep in their entry (a file hash, and a URL whose length takes two bytes to write).
    fn pool() -> Vec<Entity> {
        let host = |name: &str| {
            Entity::new(
                EntityKind::Host,
                [("HostName", name), ("DnsDomain", "contoso.com")],
            )
        };
        let ana = [("Name", "ana"), ("UPNSuffix", "contoso.com")];
        vec![
            host("web01"),
            host("WEB01"),
            host("db01"),
            Entity::new(EntityKind::Account, ana),
            Entity::new(EntityKind::Host, ana),
            Entity::new(EntityKind::Account, [("Name", "anaUPNSuffixcontoso.com")]),
            Entity::new(EntityKind::Account, [("Name", "SYSTEM")]),
            Entity::new(EntityKind::Ip, [("Address", "203.0.113.7")]),
            Entity::new(EntityKind::Host, [("OSFamily", "Windows")]),
            Entity::new(
                EntityKind::Process,
                [
                    ("ProcessId", "4242"),
                    ("CreationTimeUtc", "2026-11-01T00:00:00Z"),
                ],
            )
            .with_related(host("web01")),
            Entity::new(
                EntityKind::FileHash,
                [("Algorithm", "SHA256"), ("Value", &"ab".repeat(32))],
            ),
            Entity::new(
                EntityKind::Url,
                [("Url", format!("https://example.net/{}", "a".repeat(150)))],
            ),
        ]
    }

    /// An entity's keys and those of the entities it refers to, normalised afresh.
    fn fresh_keys(entity: &Entity, keys: &mut BTreeSet<EntityKey>) {
        keys.extend(entity.strong_keys());
        for related in &entity.related {
            fresh_keys(related, keys);
        }
    }

    proptest! {
        /// With the table's own limits, and with limits so small that it keeps forgetting.
        #[test]
        fn an_alerts_keys_are_the_same_whether_its_entities_were_seen_before_or_not(
            alerts in prop::collection::vec(prop::collection::vec(0..pool().len(), 0..5), 1..40),
            limits in prop::option::of((1..4usize, 8..200usize)),
        ) {
            let pool = pool();
            let mut table = match limits {
                None => KeyTable::default(),
                Some((entities, bytes)) => KeyTable::with_seen_limits(entities, bytes),
            };
            let alerts: Vec<Vec<Entity>> = alerts
                .iter()
                .map(|picks| picks.iter().map(|&pick| pool[pick].clone()).collect())
                .collect();
            // Every alert's entities written before the first is interned: as far ahead as
            // writing ever runs, and further.
            let written: Vec<WrittenEntities> = alerts
                .iter()
                .map(|entities| {
                    let mut written = WrittenEntities::default();
                    table.write_entities(entities, &mut written);
                    written
                })
                .collect();
            for (entities, written) in alerts.iter().zip(&written) {
                let mut unidentified = Vec::new();
                let keys = table.intern_entities(entities, written, &mut unidentified);
                let found: BTreeSet<EntityKey> = keys
                    .iter()
                    .map(|&key| match table.key(key) {
                        CorrelationKey::Entity(key) => key.clone(),
                        CorrelationKey::Grouping { .. } => unreachable!("only entity keys"),
                    })
                    .collect();
                let mut expected = BTreeSet::new();
                for entity in entities {
                    fresh_keys(entity, &mut expected);
                }
                prop_assert_eq!(found, expected);
                let without_keys: Vec<usize> = (0..entities.len())
                    .filter(|&position| entities[position].strong_keys().is_empty())
                    .collect();
                prop_assert_eq!(unidentified, without_keys);
            }
        }
    }

    #[test]
    fn the_table_never_holds_more_far_bytes_than_its_limit() {
        const LIMIT: usize = 100;
        let pool = pool();
        let mut seen = SeenEntities::with_limits(pool.len(), LIMIT);
        let kept = |seen: &mut SeenEntities, entity: &Entity| {
            let mut written = WrittenEntities::default();
            seen.write([entity], &mut written);
            let (bytes, hash) = written.get(0);
            if let Lookup::New(hash) = seen.find(bytes, hash) {
                seen.insert(bytes, hash, &[]);
            }
            matches!(seen.find(bytes, hash), Lookup::Seen(_))
        };
        for entity in pool.iter().filter(|entity| SeenEntities::can_hold(entity)) {
            kept(&mut seen, entity);
            assert!(
                seen.far_bytes.len() <= LIMIT,
                "{} bytes held",
                seen.far_bytes.len()
            );
        }
        // Every short entity is kept in its entry, and still found after the others came.
        for short in [0, 1, 3, 7] {
            assert!(kept(&mut seen, &pool[short]), "{:?}", pool[short]);
        }
        // A file hash (89 bytes) is kept beside the table; a URL of 177 bytes never is.
        assert!(kept(&mut seen, &pool[10]));
        assert_eq!(seen.far_bytes.len(), 89);
        assert!(!kept(&mut seen, &pool[11]));
    }

    #[test]
    fn lengths_of_128_or_more_take_more_bytes_and_read_back_one_way() {
        let written = |length| {
            let mut bytes = Vec::new();
            super::write_length(&mut bytes, length);
            bytes
        };
        assert_eq!(written(0), [0]);
        assert_eq!(written(127), [127]);
        assert_eq!(written(128), [0x80, 1]);
        assert_eq!(written(300), [0xac, 0x02]);
    }
}
