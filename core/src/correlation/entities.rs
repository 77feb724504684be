//! The entities of one incident as its page lists them: each strong identifier its alerts name,
//! with how many of its alerts name it and which other incidents' alerts name it too (the
//! similar incidents, as Defender XDR links them).

use std::collections::{BTreeMap, BTreeSet};

use super::index::{AlertIx, CorrelationKey};
use super::{Correlation, KeyIx};
use crate::entity::EntityKind;

/// A strong entity identifier of this workspace, as a number: counted cheaply, put in words by
/// [`Correlation::entity_name`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntityId(KeyIx);

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

    /// The entities of an incident's alerts that have no strong identifier of their own (a
    /// private address without its network, a host known only by its OS), each once, by kind
    /// then text: its page shows them, as the alerts report them, though they never correlate.
    pub fn unidentified_entities_of(&self, number: u64) -> Vec<(EntityKind, String)> {
        let Some(cluster) = self.clusters.get(&number) else {
            return Vec::new();
        };
        let unidentified: BTreeSet<(EntityKind, String)> = cluster
            .alerts
            .iter()
            .flat_map(|&alert| &self.alerts[alert as usize].entities)
            .filter(|entity| entity.strong_keys().is_empty())
            .map(|entity| {
                let properties: Vec<String> = entity
                    .properties
                    .iter()
                    .map(|(name, value)| format!("{name} {value}"))
                    .collect();
                (entity.kind, properties.join(", "))
            })
            .collect();
        unidentified.into_iter().collect()
    }

    /// The distinct values of the strong entity identifiers an incident's alerts name, for
    /// the queue's search.
    pub fn identifiers_of(&self, number: u64) -> Vec<&str> {
        let Some(cluster) = self.clusters.get(&number) else {
            return Vec::new();
        };
        cluster
            .entities
            .keys()
            .filter_map(|key| match self.keys.key(key) {
                CorrelationKey::Entity(entity) => Some(entity.value.as_str()),
                CorrelationKey::Grouping { .. } => None,
            })
            .collect()
    }

    /// The strong entities an incident's alerts name, as ids: what the overview counts.
    pub fn entity_ids_of(&self, number: u64) -> impl Iterator<Item = EntityId> + '_ {
        self.clusters
            .get(&number)
            .into_iter()
            .flat_map(|cluster| cluster.entities.keys())
            .filter(|&key| matches!(self.keys.key(key), CorrelationKey::Entity(_)))
            .map(EntityId)
    }

    /// An entity id in words ("host name web01").
    pub fn entity_name(&self, id: EntityId) -> String {
        self.keys.key(id.0).to_string()
    }

    /// The incidents other than `except` holding an alert filed under `key`.
    fn incidents_naming(&self, key: KeyIx, except: u64) -> Vec<u64> {
        let mut numbers: Vec<u64> = self
            .postings
            .of(key)
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
