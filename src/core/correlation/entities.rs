//! The entities of one incident as its page lists them: each strong identifier its alerts name,
//! with how many of its alerts name it and which other incidents' alerts name it too (the
//! similar incidents, as Defender XDR links them).

use std::collections::BTreeMap;

use super::index::{AlertIx, CorrelationKey};
use rustc_hash::FxHashMap;

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
        let mut counts: FxHashMap<KeyIx, usize> = FxHashMap::default();
        for number in incidents {
            if let Some(cluster) = self.clusters.get(&number) {
                for key in cluster.entities.keys() {
                    *counts.entry(*key).or_default() += 1;
                }
            }
        }
        let mut named: Vec<(String, usize)> = counts
            .into_iter()
            .filter_map(|(key, count)| match self.keys.key(key) {
                CorrelationKey::Entity(entity) => Some((entity.to_string(), count)),
                CorrelationKey::Grouping { .. } => None,
            })
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
