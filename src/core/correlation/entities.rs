//! The entities of one incident as its page lists them: each strong identifier its alerts name,
//! with how many of its alerts name it and which other incidents' alerts name it too (the
//! similar incidents, as Defender XDR links them).

use std::collections::BTreeMap;

use super::index::{AlertIx, CorrelationKey};
use super::{Correlation, KeyIx};
use crate::core::entity::EntityKind;

/// One entity of an incident, by one of its strong identifiers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentEntity {
    /// What it is.
    pub kind: EntityKind,
    /// The identifier and its normalised value, as correlation compares them
    /// ("host name web01").
    pub name: String,
    /// How many of the incident's alerts name it.
    pub alerts: usize,
    /// The other incidents whose alerts name it, by number.
    pub similar: Vec<u64>,
}

impl Correlation {
    /// The strong entities of an incident's alerts, by kind then name.
    pub fn entities_of(&self, number: u64) -> Vec<IncidentEntity> {
        let Some(cluster) = self.clusters.get(&number) else {
            return Vec::new();
        };
        let mut counts: BTreeMap<KeyIx, usize> = BTreeMap::new();
        for &alert in &cluster.alerts {
            for &key in self.slots[alert as usize].entity_keys.iter() {
                *counts.entry(key).or_default() += 1;
            }
        }
        let mut entities: Vec<IncidentEntity> = counts
            .into_iter()
            .filter_map(|(key, alerts)| {
                let CorrelationKey::Entity(entity) = self.keys.key(key) else {
                    return None;
                };
                Some(IncidentEntity {
                    kind: entity.kind,
                    name: entity.to_string(),
                    alerts,
                    similar: self.incidents_naming(key, number),
                })
            })
            .collect();
        entities.sort_by(|a, b| (a.kind, &a.name).cmp(&(b.kind, &b.name)));
        entities
    }

    /// The distinct values of the strong entity identifiers an incident's alerts name, for
    /// the queue's search.
    pub fn identifiers_of(&self, number: u64) -> Vec<&str> {
        let Some(cluster) = self.clusters.get(&number) else {
            return Vec::new();
        };
        let mut keys: Vec<KeyIx> = cluster.entities.keys().copied().collect();
        keys.sort_unstable();
        keys.into_iter()
            .filter_map(|key| match self.keys.key(key) {
                CorrelationKey::Entity(entity) => Some(entity.value.as_str()),
                CorrelationKey::Grouping { .. } => None,
            })
            .collect()
    }

    /// The strong entities named by the most of `incidents`, with how many name each, most
    /// first (ties by name): the overview's top entities. Each incident counts once per entity.
    pub fn most_named_entities(
        &self,
        incidents: impl IntoIterator<Item = u64>,
        how_many: usize,
    ) -> Vec<(String, usize)> {
        // Walks each key's postings once, in order, rather than every incident's own table:
        // the postings lie together, the incidents' tables all over the heap.
        let mut wanted: Vec<bool> = Vec::new();
        for number in incidents {
            let at = number as usize;
            if at >= wanted.len() {
                wanted.resize(at + 1, false);
            }
            wanted[at] = true;
        }
        if wanted.is_empty() {
            return Vec::new();
        }
        // Each alert's incident, in one compact table read in the walk below.
        let incident_of: Vec<u64> = self
            .slots
            .iter()
            .map(|slot| slot.place.as_ref().map_or(u64::MAX, |place| place.incident))
            .collect();
        // The last key each incident was counted under, so it counts once per key.
        let mut counted_under: Vec<KeyIx> = vec![KeyIx::MAX; wanted.len()];
        let is_entity = |key: KeyIx| matches!(self.keys.key(key), CorrelationKey::Entity(_));
        let counts: Vec<usize> = (0..self.keys.len() as KeyIx)
            .map(|key| {
                let mut count = 0;
                if !is_entity(key) {
                    return count;
                }
                for posting in self.keys.postings(key) {
                    let at = incident_of[posting.alert as usize] as usize;
                    if wanted.get(at) == Some(&true) && counted_under[at] != key {
                        counted_under[at] = key;
                        count += 1;
                    }
                }
                count
            })
            .collect();
        let mut counted: Vec<(usize, KeyIx)> = counts
            .iter()
            .enumerate()
            .filter(|(_, count)| **count > 0)
            .map(|(key, count)| (*count, key as KeyIx))
            .collect();
        // Only the keys that can make the list are put in words: those counted at least as
        // often as the last place.
        counted.sort_unstable_by_key(|&(count, _)| std::cmp::Reverse(count));
        let Some(&(last_place, _)) = counted.get(how_many.saturating_sub(1)).or(counted.last())
        else {
            return Vec::new();
        };
        let mut named: Vec<(String, usize)> = counted
            .into_iter()
            .take_while(|(count, _)| *count >= last_place)
            .map(|(count, key)| (self.keys.key(key).to_string(), count))
            .collect();
        named.sort_by(|(a, count_a), (b, count_b)| count_b.cmp(count_a).then_with(|| a.cmp(b)));
        named.truncate(how_many);
        named
    }

    /// The incidents other than `except` holding an alert filed under `key`.
    fn incidents_naming(&self, key: KeyIx, except: u64) -> Vec<u64> {
        let mut numbers: Vec<u64> = self
            .keys
            .postings(key)
            .iter()
            .filter_map(|posting| self.place(posting.alert as AlertIx))
            .map(|place| place.incident)
            .filter(|incident| *incident != except)
            .collect();
        numbers.sort_unstable();
        numbers.dedup();
        numbers
    }
}
