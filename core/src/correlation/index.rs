//! The correlation index: every key interned to a small integer, each key's alerts in time
//! order, and the neighbourhoods of alerts close enough to affect each other. Looking up an
//! alert's related alerts costs a few binary searches per key, never a scan of the workspace.

use std::cmp::Ordering::Equal;
use std::fmt;
use std::hash::{BuildHasher, Hash, Hasher};

use chrono::Duration;
use hashbrown::HashTable;
use hashbrown::hash_table::Entry;
use rustc_hash::{FxBuildHasher, FxHasher};
use smallvec::SmallVec;

use super::prefetch::prefetch;
use super::seen_entities::{Lookup, SeenEntities, WrittenEntities};
use crate::entity::{Entity, EntityKey, EntityKeyRef, KeyBuffer};

/// An alert's position in the workspace's alert table.
pub(super) type AlertIx = u32;
/// A key's position in the key table.
pub(super) type KeyIx = u32;
/// An alert's entity keys: six fit inline, which covers nearly every alert.
pub(super) type AlertKeys = SmallVec<[KeyIx; 6]>;
/// An incident's alerts: most incidents hold one or two, which fit inline.
pub(super) type AlertList = SmallVec<[AlertIx; 4]>;

/// What two alerts can have in common for correlation. Ordered, so that two keys alike in
/// every cheaper respect ([`KeyOrder`]) still sort one way whatever order they were first seen
/// in.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CorrelationKey {
    /// A strong identifier of an entity.
    Entity(EntityKey),
    /// A Sentinel grouping key: one detection of one source, with the parts its setting compares.
    Grouping {
        /// The detection source.
        source: String,
        /// The detection (alert type or name).
        detection: String,
        /// The compared parts, readable; empty for `AnyAlert`.
        parts: String,
    },
}

impl fmt::Display for CorrelationKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CorrelationKey::Entity(key) => write!(f, "{key}"),
            CorrelationKey::Grouping {
                source,
                detection,
                parts,
            } if parts.is_empty() => write!(f, "the same detection \"{detection}\" from {source}"),
            CorrelationKey::Grouping {
                source,
                detection,
                parts,
            } => write!(
                f,
                "the same detection \"{detection}\" from {source} with {parts}"
            ),
        }
    }
}

/// One alert under one key: its time (milliseconds) beside its index, so window checks touch
/// only the posting list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Posting {
    pub(super) time: i64,
    pub(super) alert: AlertIx,
}

impl Posting {
    /// Canonical order, comparing the time held here first: alert ids (elsewhere in memory)
    /// are read only for two alerts of the same millisecond.
    pub(super) fn sorts_before<'a>(
        &self,
        other: &Posting,
        id_of: impl Fn(AlertIx) -> &'a str,
    ) -> bool {
        self.time < other.time
            || (self.time == other.time && id_of(self.alert) < id_of(other.alert))
    }
}

/// Positions in a table kept elsewhere, found by the key each of its entries carries. The table
/// stays the only copy of every key, where a map would hold a second one (an allocation and its
/// bytes per entry). Finding and listing take `key_at`, which reads the key at a position of that
/// table; the key at a position must not change while the position is listed here.
#[derive(Debug, Clone, Default)]
pub(super) struct PositionTable {
    positions: HashTable<u32>,
}

/// The hash a `PositionTable` files `key` under: for a caller that looks one key up in more
/// than one table, or hashes it ahead of the lookup.
pub(super) fn hash_of<K: Hash + ?Sized>(key: &K) -> u64 {
    FxBuildHasher.hash_one(key)
}

impl PositionTable {
    /// The position whose key is `key`.
    pub(super) fn find<'a, K: Hash + Eq + ?Sized + 'a>(
        &self,
        key: &K,
        key_at: impl Fn(u32) -> &'a K,
    ) -> Option<u32> {
        self.find_hashed(hash_of(key), |position| key_at(position) == key)
    }

    /// The position whose key hashes to `hash` and passes `is_key`: for a key looked up in a
    /// borrowed form, whose hash the caller computes as the table's.
    pub(super) fn find_hashed(&self, hash: u64, is_key: impl Fn(u32) -> bool) -> Option<u32> {
        self.positions
            .find(hash, |&position| is_key(position))
            .copied()
    }

    /// The position whose key hashes to `hash` and passes `is_key`, if one is listed; if not,
    /// lists `position` under `hash` (`hash_at` gives every listed position's, should the table
    /// grow). One probe for both.
    pub(super) fn find_or_insert_hashed(
        &mut self,
        hash: u64,
        position: u32,
        is_key: impl Fn(u32) -> bool,
        hash_at: impl Fn(u32) -> u64,
    ) -> Option<u32> {
        match self
            .positions
            .entry(hash, |&listed| is_key(listed), |&listed| hash_at(listed))
        {
            Entry::Occupied(listed) => Some(*listed.get()),
            Entry::Vacant(vacant) => {
                vacant.insert(position);
                None
            }
        }
    }

    /// Lists a position, whose key is not listed yet.
    pub(super) fn insert<'a, K: Hash + Eq + ?Sized + 'a>(
        &mut self,
        position: u32,
        key_at: impl Fn(u32) -> &'a K,
    ) {
        debug_assert!(self.find(key_at(position), &key_at).is_none());
        let hash_at = |position| hash_of(key_at(position));
        self.insert_hashed(position, hash_at(position), hash_at);
    }

    /// Lists a position, whose key is not listed yet and hashes to `hash`, for a caller that
    /// hashed the key already; `hash_at` gives every listed position's hash, should the table
    /// grow.
    pub(super) fn insert_hashed(&mut self, position: u32, hash: u64, hash_at: impl Fn(u32) -> u64) {
        self.positions
            .insert_unique(hash, position, |&listed| hash_at(listed));
    }

    /// Takes out the position whose key is `key`, returning it.
    pub(super) fn remove<'a, K: Hash + Eq + ?Sized + 'a>(
        &mut self,
        key: &K,
        key_at: impl Fn(u32) -> &'a K,
    ) -> Option<u32> {
        let entry = self
            .positions
            .find_entry(hash_of(key), |&position| key_at(position) == key)
            .ok()?;
        Some(entry.remove().0)
    }

    /// Makes room for `additional` more positions.
    pub(super) fn reserve<'a, K: Hash + ?Sized + 'a>(
        &mut self,
        additional: usize,
        key_at: impl Fn(u32) -> &'a K,
    ) {
        self.positions
            .reserve(additional, |&listed| hash_of(key_at(listed)));
    }

    /// How many positions are listed.
    pub(super) fn len(&self) -> usize {
        self.positions.len()
    }

    /// Bytes held, about: a position and a control byte for each entry it has room for (the
    /// table's spare buckets and trailing control bytes are left out).
    pub(super) fn heap_bytes(&self) -> usize {
        self.positions.capacity() * (std::mem::size_of::<u32>() + 1)
    }
}

/// Interned keys, and the keys of the entities seen so far. Keying alerts touches nothing else,
/// which is what lets an ingest key alerts on one thread while it places them on another.
#[derive(Debug, Clone, Default)]
pub(super) struct KeyTable {
    interned: PositionTable,
    keys: Vec<CorrelationKey>,
    /// Each key's place in key order ([`KeyOrder`]), beside the keys so that sorting an
    /// alert's keys reads this small table rather than the keys and their texts, which lie far
    /// apart in memory.
    order: Vec<KeyOrder>,
    /// An alert's keys as they are normalised: reused from alert to alert, holding nothing
    /// between calls.
    scratch: KeyBuffer,
    /// The same keys as they are interned, sorted and deduplicated; reused likewise.
    scratch_indices: Vec<KeyIx>,
    /// The keys of distinct entities filed before, within its limits.
    seen: SeenEntities,
}

/// The hash an entity key is interned under, owned or borrowed alike.
fn entity_hash(key: EntityKeyRef<'_>) -> u64 {
    let mut hasher = FxHasher::default();
    key.kind.hash(&mut hasher);
    key.identifier.hash(&mut hasher);
    hasher.write(key.value.as_bytes());
    hasher.finish()
}

/// Where a key sorts among an alert's keys: by its [`order_prefix`], then by its
/// [`order_hash`], and only when both are equal by the key itself. Any order that depends on
/// the keys alone (never on the order they were interned in) gives the same incidents; this one
/// groups keys by kind, and tells keys apart without reading their texts, which lie far apart
/// in memory: comparing them took most of the time sorting an alert's keys did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct KeyOrder {
    prefix: u64,
    hash: u64,
}

/// The first bytes of a key in text order: the variant, the entity kind and identifier, then
/// the first 5 bytes of the value, big-endian and padded with zeros (a grouping key is its
/// variant alone). A smaller prefix means a smaller key; equal prefixes say nothing.
fn order_prefix(key: &CorrelationKey) -> u64 {
    match key {
        CorrelationKey::Entity(key) => {
            let mut bytes = [0; 8];
            bytes[1] = key.kind as u8;
            bytes[2] = key.identifier as u8;
            let value = key.value.as_bytes();
            let kept = value.len().min(bytes.len() - 3);
            bytes[3..3 + kept].copy_from_slice(&value[..kept]);
            u64::from_be_bytes(bytes)
        }
        CorrelationKey::Grouping { .. } => 1 << 56,
    }
}

/// A hash of a key's texts (FNV-1a) that is the same on every target and in every release: the
/// table's hash depends on the width of `usize`, and the order of an alert's keys decides which
/// key a placement names, so the browser and the native tests must agree on it.
fn order_hash(key: &CorrelationKey) -> u64 {
    let texts: [&str; 3] = match key {
        CorrelationKey::Entity(key) => [&key.value, "", ""],
        CorrelationKey::Grouping {
            source,
            detection,
            parts,
        } => [source, detection, parts],
    };
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for text in texts {
        // Each text ends with a byte no UTF-8 text holds, so that texts cannot run together.
        for &byte in text.as_bytes().iter().chain(&[0xff]) {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// The hash a key is interned under.
fn key_hash(key: &CorrelationKey) -> u64 {
    match key {
        CorrelationKey::Entity(key) => entity_hash(key.as_key_ref()),
        CorrelationKey::Grouping { .. } => hash_of(key),
    }
}

impl KeyTable {
    /// The key's index, interning it the first time.
    pub(super) fn intern(&mut self, key: CorrelationKey) -> KeyIx {
        let (keys, hash) = (&self.keys, key_hash(&key));
        let found = self
            .interned
            .find_hashed(hash, |index| keys[index as usize] == key);
        found.unwrap_or_else(|| self.push(key, hash))
    }

    /// An entity key's index, interning it the first time; the key is copied only then.
    fn intern_entity(&mut self, key: EntityKeyRef<'_>) -> KeyIx {
        let keys = &self.keys;
        let is_key = |index: KeyIx| match &keys[index as usize] {
            CorrelationKey::Entity(listed) => listed.as_key_ref() == key,
            CorrelationKey::Grouping { .. } => false,
        };
        let hash = entity_hash(key);
        match self.interned.find_hashed(hash, is_key) {
            Some(index) => index,
            None => self.push(CorrelationKey::Entity(key.to_owned_key()), hash),
        }
    }

    /// Adds a key that is not interned yet, whose [`key_hash`] is `hash`.
    fn push(&mut self, key: CorrelationKey, hash: u64) -> KeyIx {
        debug_assert_eq!(hash, key_hash(&key));
        let index = KeyIx::try_from(self.keys.len()).expect("fewer than 2^32 distinct keys");
        self.order.push(KeyOrder {
            prefix: order_prefix(&key),
            hash: order_hash(&key),
        });
        self.keys.push(key);
        let keys = &self.keys;
        self.interned
            .insert_hashed(index, hash, |index| key_hash(&keys[index as usize]));
        index
    }

    /// Writes `entities` as the entities seen before are found by, into `written`, and starts
    /// loading what finding them will read: for [`KeyTable::intern_entities`], a few alerts
    /// later or at once.
    pub(super) fn write_entities<'e>(
        &self,
        entities: impl IntoIterator<Item = &'e Entity>,
        written: &mut WrittenEntities,
    ) {
        self.seen.write(entities, written);
    }

    /// Interns the strong keys of `entities` and of the entities they refer to, returning them
    /// in key order (never interning order), each once. The position of each entity that has no
    /// strong key of its own goes to `unidentified`. An entity seen before is found with its
    /// keys rather than normalised again, from what [`KeyTable::write_entities`] wrote of the
    /// same entities into `written`.
    pub(super) fn intern_entities(
        &mut self,
        entities: &[Entity],
        written: &WrittenEntities,
        unidentified: &mut Vec<usize>,
    ) -> AlertKeys {
        /// The keys of referred entities, and of the entities they refer to.
        fn write_related(entities: &[Entity], buffer: &mut KeyBuffer) {
            for entity in entities {
                entity.write_strong_keys(buffer);
                write_related(&entity.related, buffer);
            }
        }
        let mut buffer = std::mem::take(&mut self.scratch);
        let mut indices = std::mem::take(&mut self.scratch_indices);
        indices.clear();
        let mut held = 0;
        for (position, entity) in entities.iter().enumerate() {
            let mut new = None;
            if SeenEntities::can_hold(entity) {
                let (bytes, hash) = written.get(held);
                held += 1;
                match self.seen.find(bytes, hash) {
                    Lookup::Seen(keys) => {
                        if keys.is_empty() {
                            unidentified.push(position);
                        }
                        indices.extend_from_slice(keys);
                        continue;
                    }
                    Lookup::New(hash) => new = Some((bytes, hash)),
                }
            }
            buffer.clear();
            entity.write_strong_keys(&mut buffer);
            if buffer.len() == 0 {
                unidentified.push(position);
            }
            write_related(&entity.related, &mut buffer);
            let first = indices.len();
            indices.extend(buffer.keys().map(|key| self.intern_entity(key)));
            if let Some((bytes, hash)) = new {
                self.seen.insert(bytes, hash, &indices[first..]);
            }
        }
        // Written for other entities, the bytes would find another entity's keys.
        debug_assert_eq!(held, written.len(), "written for these entities");
        self.sort_in_key_order(&mut indices);
        indices.dedup();
        let interned = AlertKeys::from_slice(&indices);
        (self.scratch, self.scratch_indices) = (buffer, indices);
        interned
    }

    /// Puts interned keys in key order ([`KeyOrder`]).
    fn sort_in_key_order(&self, indices: &mut [KeyIx]) {
        let (order, keys) = (&self.order, &self.keys);
        indices.sort_unstable_by(|&a, &b| {
            let (a, b) = (a as usize, b as usize);
            // Equal orders are near enough always the same key, which needs no reading.
            order[a]
                .cmp(&order[b])
                .then_with(|| if a == b { Equal } else { keys[a].cmp(&keys[b]) })
        });
    }

    /// An empty table that keeps the entities it has seen within these limits, for tests of
    /// what forgetting them does.
    #[cfg(test)]
    pub(super) fn with_seen_limits(max_entities: usize, max_far_bytes: usize) -> KeyTable {
        KeyTable {
            seen: SeenEntities::with_limits(max_entities, max_far_bytes),
            ..KeyTable::default()
        }
    }

    /// The key behind an index.
    pub(super) fn key(&self, index: KeyIx) -> &CorrelationKey {
        &self.keys[index as usize]
    }

    /// Bytes held, counting allocated capacity.
    pub(super) fn heap_bytes(&self) -> usize {
        let key_bytes: usize = self
            .keys
            .iter()
            .map(|key| {
                std::mem::size_of::<CorrelationKey>()
                    + match key {
                        CorrelationKey::Entity(key) => key.value.capacity(),
                        CorrelationKey::Grouping {
                            source,
                            detection,
                            parts,
                        } => source.capacity() + detection.capacity() + parts.capacity(),
                    }
            })
            .sum();
        key_bytes
            + self.interned.heap_bytes()
            + self.seen.heap_bytes()
            + self.order.capacity() * std::mem::size_of::<KeyOrder>()
    }
}

/// Per key, its alerts in canonical order (time, then alert id). A key interned since the last
/// alert was filed has no list until an alert is filed under it.
///
/// Every list lies in one pool, in a span of its own with room for a power of two of postings.
/// A full list moves to a span twice its size, and the span it leaves is kept for the next list
/// that grows to that size. Lists of their own grew by reallocating, which read the allocator's
/// headers of memory nothing else had touched for a while: a tenth of placing's time.
#[derive(Debug, Clone, Default)]
pub(super) struct PostingLists {
    pool: Vec<Posting>,
    /// Per key, where its list lies in the pool.
    spans: Vec<Span>,
    /// The starts of spans left behind, by size: `left[class]` holds spans with room for
    /// `FIRST_ROOM << class` postings.
    left: Vec<Vec<u32>>,
}

/// Where a key's list lies in the pool: `len` postings from `start`, with room for `room`.
#[derive(Debug, Clone, Copy, Default)]
struct Span {
    start: u32,
    len: u32,
    room: u32,
}

/// The room of a list's first span, as a vector's first allocation has.
const FIRST_ROOM: u32 = 4;

/// About how many postings of the pool an alert takes: one per key (most alerts name two to
/// four), the room its lists keep to grow into, and the spans they left behind.
const POOL_POSTINGS_PER_ALERT: usize = 8;

/// How many postings a cache line holds.
const POSTINGS_PER_LINE: usize = 64 / std::mem::size_of::<Posting>();

impl Span {
    /// Its postings' positions in the pool.
    fn range(self) -> std::ops::Range<usize> {
        self.start as usize..(self.start + self.len) as usize
    }
}

/// The size class of a span with room for `room` postings (a power of two from `FIRST_ROOM`).
fn size_class(room: u32) -> usize {
    (room / FIRST_ROOM).trailing_zeros() as usize
}

impl PostingLists {
    /// The key's alerts in canonical order.
    pub(super) fn of(&self, key: KeyIx) -> &[Posting] {
        self.spans
            .get(key as usize)
            .map_or(&[], |span| &self.pool[span.range()])
    }

    /// Files `posting` under `key` at its canonical place, returning that position. Alerts
    /// usually arrive in time order, so the end is tried first.
    pub(super) fn insert<'a>(
        &mut self,
        key: KeyIx,
        posting: Posting,
        id_of: impl Fn(AlertIx) -> &'a str,
    ) -> usize {
        let key = key as usize;
        if key >= self.spans.len() {
            self.spans.resize(key + 1, Span::default());
        }
        if self.spans[key].len == self.spans[key].room {
            self.grow(key);
        }
        let span = &mut self.spans[key];
        let filed = span.range();
        let list = &self.pool[filed.clone()];
        let position = match list.last() {
            Some(last) if posting.sorts_before(last, &id_of) => {
                list.partition_point(|existing| existing.sorts_before(&posting, &id_of))
            }
            _ => list.len(),
        };
        let at = filed.start + position;
        self.pool.copy_within(at..filed.end, at + 1);
        self.pool[at] = posting;
        span.len += 1;
        position
    }

    /// Makes room for the lists of `alerts` more alerts at once, rather than as lists grow: a
    /// pool grown by reallocating is copied, much of it into memory the copy touches first.
    pub(super) fn reserve(&mut self, alerts: usize) {
        self.make_room(alerts * POOL_POSTINGS_PER_ALERT);
    }

    /// Makes sure the pool has room for `postings` more, growing it by half as much again
    /// (not twice: the pool is most of the index's memory) when it has not.
    fn make_room(&mut self, postings: usize) {
        if self.pool.capacity() - self.pool.len() < postings {
            self.pool.reserve_exact(postings.max(self.pool.len() / 2));
        }
    }

    /// Moves a full list to a span twice its room (the first list of a key to one of
    /// `FIRST_ROOM`), leaving its old span for another list.
    fn grow(&mut self, key: usize) {
        let old = self.spans[key];
        let room = if old.room == 0 {
            FIRST_ROOM
        } else {
            old.room * 2
        };
        let reused = self.left.get_mut(size_class(room)).and_then(Vec::pop);
        let start = reused.unwrap_or_else(|| {
            let start = self.pool.len();
            let end = start + room as usize;
            // Spans are held as `u32` positions, so every span must end below 2^32.
            assert!(
                u32::try_from(end).is_ok(),
                "under 2^32 postings in the pool"
            );
            self.make_room(room as usize);
            self.pool.resize(end, Posting { time: 0, alert: 0 });
            start as u32
        });
        self.pool.copy_within(old.range(), start as usize);
        if old.room > 0 {
            let class = size_class(old.room);
            if class >= self.left.len() {
                self.left.resize_with(class + 1, Vec::new);
            }
            self.left[class].push(old.start);
        }
        self.spans[key] = Span {
            start,
            len: old.len,
            room,
        };
    }

    /// Starts loading the last posting of each of `keys`, which filing an alert under them
    /// reads next: a few alerts early, so that the load overlaps the alerts between.
    pub(super) fn prefetch_tails(&self, keys: &[KeyIx]) {
        for &key in keys {
            let Some(&span) = self.spans.get(key as usize) else {
                continue;
            };
            let list = &self.pool[span.range()];
            if let Some(last) = list.last() {
                prefetch(last);
            }
            if span.len == span.room && span.room > 0 {
                // Filing will move the list: all of it is read, and written where it goes.
                for line in list.chunks(POSTINGS_PER_LINE) {
                    prefetch(line);
                }
                let next = self
                    .left
                    .get(size_class(span.room * 2))
                    .and_then(|left| left.last());
                if let Some(&start) = next {
                    prefetch(&self.pool[start as usize]);
                }
            }
        }
    }

    /// Takes an alert out of a key's list.
    pub(super) fn remove(&mut self, key: KeyIx, alert: AlertIx) {
        if let Some(span) = self.spans.get_mut(key as usize) {
            let list = &mut self.pool[span.range()];
            let mut kept = 0;
            for position in 0..list.len() {
                if list[position].alert != alert {
                    list[kept] = list[position];
                    kept += 1;
                }
            }
            span.len = kept as u32;
        }
    }

    /// Bytes held, counting allocated capacity.
    pub(super) fn heap_bytes(&self) -> usize {
        let left: usize = self.left.iter().map(Vec::capacity).sum();
        self.pool.capacity() * std::mem::size_of::<Posting>()
            + self.spans.capacity() * std::mem::size_of::<Span>()
            + left * std::mem::size_of::<u32>()
    }
}

/// Groups of alerts that could affect each other's placement: two alerts are neighbours when
/// they share a key within the widest window any setting uses. Neighbourhoods only grow, so a
/// union-find holds them; each root keeps its size and its canonically latest alert, and the
/// members of each neighbourhood form a ring through `next` (joining two rings is one swap, and
/// no alert costs an allocation).
#[derive(Debug, Clone, Default)]
pub(super) struct Neighbourhoods {
    parent: Vec<AlertIx>,
    size: Vec<u32>,
    next: Vec<AlertIx>,
    latest: Vec<AlertIx>,
}

impl Neighbourhoods {
    /// Makes room for `count` more alerts.
    pub(super) fn reserve(&mut self, count: usize) {
        for vector in [
            &mut self.parent,
            &mut self.size,
            &mut self.next,
            &mut self.latest,
        ] {
            vector.reserve(count);
        }
    }

    /// Adds an alert as a neighbourhood of its own.
    pub(super) fn add(&mut self, alert: AlertIx) {
        debug_assert_eq!(alert as usize, self.parent.len());
        self.parent.push(alert);
        self.size.push(1);
        self.next.push(alert);
        self.latest.push(alert);
    }

    /// The neighbourhood's representative.
    pub(super) fn root(&mut self, mut alert: AlertIx) -> AlertIx {
        let mut top = alert;
        while self.parent[top as usize] != top {
            top = self.parent[top as usize];
        }
        while self.parent[alert as usize] != top {
            let next = self.parent[alert as usize];
            self.parent[alert as usize] = top;
            alert = next;
        }
        top
    }

    /// Joins two neighbourhoods, the smaller into the larger.
    pub(super) fn join(
        &mut self,
        a: AlertIx,
        b: AlertIx,
        before: impl Fn(AlertIx, AlertIx) -> bool,
    ) {
        let (mut a, mut b) = (self.root(a), self.root(b));
        if a == b {
            return;
        }
        if self.size[a as usize] < self.size[b as usize] {
            std::mem::swap(&mut a, &mut b);
        }
        self.parent[b as usize] = a;
        self.size[a as usize] += self.size[b as usize];
        self.next.swap(a as usize, b as usize);
        let (latest_a, latest_b) = (self.latest[a as usize], self.latest[b as usize]);
        if before(latest_a, latest_b) {
            self.latest[a as usize] = latest_b;
        }
    }

    /// The canonically latest alert of the neighbourhood.
    pub(super) fn latest(&mut self, alert: AlertIx) -> AlertIx {
        let root = self.root(alert);
        self.latest[root as usize]
    }

    /// Every alert of the neighbourhood, walking its ring.
    pub(super) fn members(&self, alert: AlertIx) -> Vec<AlertIx> {
        let mut members = vec![alert];
        let mut current = self.next[alert as usize];
        while current != alert {
            members.push(current);
            current = self.next[current as usize];
        }
        members
    }

    /// Bytes held, counting allocated capacity.
    pub(super) fn heap_bytes(&self) -> usize {
        let vectors = [&self.parent, &self.size, &self.next, &self.latest];
        vectors
            .iter()
            .map(|vector| vector.capacity())
            .sum::<usize>()
            * std::mem::size_of::<u32>()
    }
}

/// Milliseconds of a window, for comparing posting times.
pub(super) fn millis(window: Duration) -> i64 {
    window.num_milliseconds()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{CorrelationKey, KeyIx, KeyTable, Posting, PostingLists, order_hash, order_prefix};
    use crate::entity::{EntityKey, EntityKind, Identifier};

    /// One of `all`, mostly one of its first two, so that two keys often share it.
    fn mostly_first_two<T: Copy + std::fmt::Debug + 'static>(
        all: &[T],
    ) -> impl Strategy<Value = T> {
        prop_oneof![
            3 => prop::sample::select(all[..2].to_vec()),
            1 => prop::sample::select(all.to_vec()),
        ]
    }

    /// Keys of every kind and identifier, with values from a small alphabet (a zero byte and a
    /// two-byte letter among it) around the 5 bytes a prefix keeps, so that many share a
    /// prefix or end inside it; and grouping keys.
    fn key() -> impl Strategy<Value = CorrelationKey> {
        let entity = (
            mostly_first_two(&EntityKind::ALL),
            mostly_first_two(&Identifier::ALL),
            "[ab\\x00é]{0,8}",
        )
            .prop_map(|(kind, identifier, value)| {
                CorrelationKey::Entity(EntityKey {
                    kind,
                    identifier,
                    value,
                })
            });
        let grouping = "[ab]{0,2}".prop_map(|parts| CorrelationKey::Grouping {
            source: "MDATP".to_owned(),
            detection: "Ransomware".to_owned(),
            parts,
        });
        prop_oneof![4 => entity, 1 => grouping]
    }

    /// The hash that orders keys is spelled out (FNV-1a over the texts), not the table's: a
    /// hash that differs by target would order keys otherwise in the browser than in the tests.
    #[test]
    fn keys_are_ordered_by_a_hash_the_same_everywhere() {
        let host = CorrelationKey::Entity(EntityKey {
            kind: EntityKind::Host,
            identifier: Identifier::ALL[0],
            value: "web01".to_owned(),
        });
        assert_eq!(order_hash(&host), 0xd3a2_5812_06e9_36e9);
    }

    proptest! {
        /// Sorting an alert's keys compares prefixes first: that must never order two keys
        /// otherwise than comparing the keys does.
        #[test]
        fn prefixes_order_keys_as_the_keys_do(a in key(), b in key()) {
            let by_prefix = order_prefix(&a).cmp(&order_prefix(&b)).then_with(|| a.cmp(&b));
            prop_assert_eq!(by_prefix, a.cmp(&b));
        }

        /// Lists sharing one pool, growing into spans others left and losing alerts, each
        /// hold exactly the alerts filed under their key and not taken out, in canonical order.
        #[test]
        fn posting_lists_hold_what_was_filed_in_order(
            steps in prop::collection::vec((0..6u32, 0..40i64, prop::bool::weighted(0.85)), 1..300),
        ) {
            // Alert `n` is the nth step's; its id is unique, and ids do not follow the steps.
            let ids: Vec<String> =
                (0..steps.len()).map(|n| format!("a{:03}", n * 37 % 1000)).collect();
            let id_of = |alert: u32| ids[alert as usize].as_str();
            let mut lists = PostingLists::default();
            let mut expected: Vec<Vec<Posting>> = vec![Vec::new(); 6];
            for (n, &(key, time, files)) in steps.iter().enumerate() {
                let list = &mut expected[key as usize];
                if files {
                    let posting = Posting { time, alert: n as u32 };
                    let position = lists.insert(key, posting, id_of);
                    list.push(posting);
                    list.sort_by_key(|posting| (posting.time, id_of(posting.alert)));
                    prop_assert_eq!(list[position], posting);
                } else if let Some(&Posting { alert, .. }) = list.first() {
                    lists.remove(key, alert);
                    list.retain(|posting| posting.alert != alert);
                }
            }
            for (key, list) in expected.iter().enumerate() {
                let filed: Vec<(i64, &str)> =
                    lists.of(key as KeyIx).iter().map(|p| (p.time, id_of(p.alert))).collect();
                let wanted: Vec<(i64, &str)> =
                    list.iter().map(|p| (p.time, id_of(p.alert))).collect();
                prop_assert_eq!(filed, wanted);
            }
        }

        /// An alert's keys come in the same order whatever order they were first seen in, so
        /// the same alerts are placed alike in any batch order.
        #[test]
        fn key_order_is_not_interning_order(keys in prop::collection::vec(key(), 0..8)) {
            let in_key_order = |keys: &mut dyn Iterator<Item = &CorrelationKey>| {
                let mut table = KeyTable::default();
                let mut indices: Vec<KeyIx> =
                    keys.map(|key| table.intern(key.clone())).collect();
                table.sort_in_key_order(&mut indices);
                indices.dedup();
                indices.iter().map(|&index| table.key(index).clone()).collect::<Vec<_>>()
            };
            let forwards = in_key_order(&mut keys.iter());
            prop_assert_eq!(&forwards, &in_key_order(&mut keys.iter().rev()));
            let mut distinct = keys.clone();
            distinct.sort();
            distinct.dedup();
            prop_assert_eq!(forwards.len(), distinct.len());
        }
    }
}
