//! The interned keys of distinct entities already filed, found by the entity itself. The
//! same host, account or address recurs across thousands of alerts, and normalising its
//! identifiers again each time was the largest part of filing an alert; finding it costs
//! writing its properties into one reused buffer, a hash of those bytes and one comparison.

use std::hash::BuildHasher;
use std::ops::Range;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;
use smallvec::SmallVec;

use super::index::KeyIx;
use crate::core::entity::Entity;

/// A distinct entity: where its bytes are and the keys it normalised to.
#[derive(Debug, Clone)]
struct SeenEntity {
    /// The hash of its bytes, so that growing the table reads none of them.
    hash: u64,
    /// Its bytes in [`SeenEntities::bytes`].
    bytes: Range<u32>,
    /// Its strong keys, interned; empty for an entity with no strong identifier.
    keys: SmallVec<[KeyIx; 3]>,
}

/// Distinct entities with no related entities, each once, with their interned keys. Keys are
/// a function of an entity's kind and properties alone, and interned keys are never dropped, so
/// an entry stays right for good. Each entity is kept as bytes, one after another in one buffer:
/// the alert that first named it lies far away in memory by the time it recurs, and reading it
/// there cost more time than normalising it again. Entities with related entities (a process
/// and its host) are rare and are normalised each time.
///
/// An entity named once is never found again, and a feed of such entities would grow the table
/// with every alert for nothing; so when it is full it forgets everything and starts again,
/// which costs only time (each entity met again is normalised once more), never a wrong key.
#[derive(Debug, Clone)]
pub(super) struct SeenEntities {
    table: HashTable<SeenEntity>,
    bytes: Vec<u8>,
    /// The entity being looked up, written as bytes; reused from entity to entity.
    scratch: Vec<u8>,
    /// How many entities it holds at most: far more than the hosts, accounts and addresses a
    /// workspace keeps meeting, in about 5 MiB of table.
    max_entities: usize,
    /// How many of their bytes it holds at most (under 4 GiB, so that positions fit in `u32`).
    max_bytes: usize,
}

impl Default for SeenEntities {
    fn default() -> Self {
        SeenEntities::with_limits(1 << 16, 4 << 20)
    }
}

/// A lookup's answer: the keys of an entity seen before, or the hash to record a new one under.
pub(super) enum Lookup<'a> {
    /// Seen before, with these keys.
    Seen(&'a [KeyIx]),
    /// Not seen: record it with [`SeenEntities::insert`] and this hash.
    New(u64),
}

impl SeenEntities {
    /// An empty table that forgets everything once it holds `max_entities` entities or
    /// `max_bytes` of their bytes.
    pub(super) fn with_limits(max_entities: usize, max_bytes: usize) -> Self {
        SeenEntities {
            table: HashTable::new(),
            bytes: Vec::new(),
            scratch: Vec::new(),
            max_entities,
            max_bytes,
        }
    }

    /// Whether an entity can be looked up here: one that refers to no other entity.
    pub(super) fn can_hold(entity: &Entity) -> bool {
        entity.related.is_empty()
    }

    /// Finds an entity with no related entities. Its bytes are its kind, then each property's
    /// name and value, each after its length: two entities have the same bytes exactly when
    /// they are equal.
    pub(super) fn find(&mut self, entity: &Entity) -> Lookup<'_> {
        debug_assert!(Self::can_hold(entity));
        let scratch = &mut self.scratch;
        scratch.clear();
        scratch.push(entity.kind as u8);
        for (name, value) in entity.properties.iter() {
            for part in [name, value] {
                scratch.extend_from_slice(&part.len().to_le_bytes());
                scratch.extend_from_slice(part.as_bytes());
            }
        }
        let hash = FxBuildHasher.hash_one(&scratch[..]);
        let bytes = &self.bytes;
        let found = self.table.find(hash, |seen| {
            seen.hash == hash
                && bytes[seen.bytes.start as usize..seen.bytes.end as usize] == **scratch
        });
        match found {
            Some(seen) => Lookup::Seen(&seen.keys),
            None => Lookup::New(hash),
        }
    }

    /// Records the keys of the entity the last [`SeenEntities::find`] did not find. An entity
    /// larger than all the bytes it may hold is not recorded: it is normalised each time.
    pub(super) fn insert(&mut self, hash: u64, keys: &[KeyIx]) {
        if self.scratch.len() > self.max_bytes {
            return;
        }
        if self.table.len() >= self.max_entities
            || self.bytes.len() + self.scratch.len() > self.max_bytes
        {
            self.table.clear();
            self.bytes.clear();
        }
        let start = self.bytes.len();
        self.bytes.extend_from_slice(&self.scratch);
        // The bytes stay within `max_bytes`, a few MiB.
        let position = |at: usize| u32::try_from(at).expect("the bytes stay within their limit");
        let seen = SeenEntity {
            hash,
            bytes: position(start)..position(self.bytes.len()),
            keys: SmallVec::from_slice(keys),
        };
        self.table.insert_unique(hash, seen, |seen| seen.hash);
    }

    /// Bytes held, about: each entry it has room for with its control byte, the entities'
    /// bytes, and keys that did not fit inline.
    pub(super) fn heap_bytes(&self) -> usize {
        let spilled: usize = self
            .table
            .iter()
            .filter(|seen| seen.keys.spilled())
            .map(|seen| seen.keys.capacity() * std::mem::size_of::<KeyIx>())
            .sum();
        self.table.capacity() * (std::mem::size_of::<SeenEntity>() + 1)
            + self.bytes.capacity()
            + self.scratch.capacity()
            + spilled
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use proptest::prelude::*;

    use super::{Lookup, SeenEntities};
    use crate::core::correlation::index::{CorrelationKey, KeyTable};
    use crate::core::entity::{Entity, EntityKey, EntityKind};

    /// Entities alerts name again and again: two spellings of one host, a built-in account, an
    /// entity with no identifier, a process known only through its host, and entities whose
    /// properties run together into the same text or differ only in kind.
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
            alerts in prop::collection::vec(prop::collection::vec(0..10usize, 0..5), 1..40),
            limits in prop::option::of((1..4usize, 8..200usize)),
        ) {
            let pool = pool();
            let mut table = match limits {
                None => KeyTable::default(),
                Some((entities, bytes)) => KeyTable::with_seen_limits(entities, bytes),
            };
            for picks in alerts {
                let entities: Vec<Entity> = picks.iter().map(|&pick| pool[pick].clone()).collect();
                let mut unidentified = Vec::new();
                let keys = table.intern_entities(&entities, &mut unidentified);
                let found: BTreeSet<EntityKey> = keys
                    .iter()
                    .map(|&key| match table.key(key) {
                        CorrelationKey::Entity(key) => key.clone(),
                        CorrelationKey::Grouping { .. } => unreachable!("only entity keys"),
                    })
                    .collect();
                let mut expected = BTreeSet::new();
                for entity in &entities {
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
    fn the_table_never_holds_more_bytes_than_its_limit() {
        const LIMIT: usize = 64;
        let mut seen = SeenEntities::with_limits(8, LIMIT);
        let mut kept = 0;
        for entity in pool()
            .iter()
            .filter(|entity| SeenEntities::can_hold(entity))
        {
            if let Lookup::New(hash) = seen.find(entity) {
                seen.insert(hash, &[]);
                kept += usize::from(matches!(seen.find(entity), Lookup::Seen(_)));
            }
            assert!(seen.bytes.len() <= LIMIT, "{} bytes held", seen.bytes.len());
        }
        // The small entities were kept; a host (66 bytes) never was.
        assert!(kept > 0);
        let host = &pool()[0];
        assert!(matches!(seen.find(host), Lookup::New(_)));
    }
}
