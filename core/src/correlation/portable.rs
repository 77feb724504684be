//! The correlation state in a form that names things by id instead of by index, so the store
//! can save it and rebuild an identical index from it.

use std::collections::BTreeSet;

use super::index::{AlertIx, CorrelationKey, hash_of};
use super::reason::{Matched, MergeRecord, Reason};
use super::seen_entities::WrittenEntities;
use super::settings::CorrelationSettings;
use super::{Cluster, Correlation, GroupBy, Placement};
use crate::alert::Alert;

/// What an alert groups by, by value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortableGrouping {
    /// Nothing (its source's grouping was off).
    Nothing,
    /// Any strong entity.
    Entities,
    /// One Sentinel grouping key.
    Key(CorrelationKey),
}

/// Why an alert is where it is, naming alerts by id and keys by value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortableReason {
    /// It opened its incident.
    Opened {
        /// The grouping setting's name.
        matching: String,
        /// The lookback searched, in minutes.
        lookback_minutes: i64,
    },
    /// It joined because of `key`, shared with alert `with`.
    Joined {
        /// What they share.
        key: CorrelationKey,
        /// The earlier alert's id.
        with: String,
        /// Its title, for when it is no longer stored.
        with_title: String,
        /// How much later it started, in milliseconds.
        gap_ms: i64,
        /// The grouping setting's name.
        matching: String,
        /// It reopened the incident.
        reopened: bool,
    },
    /// It went to the continuation of a full incident.
    Overflow {
        /// The full incident.
        full: u64,
        /// Its cap.
        cap: usize,
    },
    /// An analyst moved it.
    Moved {
        /// Where from.
        from: u64,
        /// Who.
        by: String,
    },
}

/// One alert with its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortableAlert {
    /// The alert.
    pub alert: Alert,
    /// Its start in milliseconds as first ingested (an update does not move it).
    pub time_ms: i64,
    /// What it groups by.
    pub grouping: PortableGrouping,
    /// Its incident.
    pub incident: u64,
    /// The incident it was first placed in.
    pub first_incident: u64,
    /// Why.
    pub reason: PortableReason,
}

/// What correlation knows of one incident beyond its alerts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PortableCluster {
    /// The incident.
    pub number: u64,
    /// The full incident it continues.
    pub continues: Option<u64>,
    /// The incident that continues it.
    pub continued_by: Option<u64>,
    /// Merges into it.
    pub merges: Vec<MergeRecord>,
}

/// The whole correlation state, portable.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PortableCorrelation {
    /// The settings.
    pub settings: CorrelationSettings,
    /// Every alert, in the order first ingested.
    pub alerts: Vec<PortableAlert>,
    /// Per incident, what is not derived from its alerts.
    pub clusters: Vec<PortableCluster>,
}

/// The names `Matching::as_str` gives, so a stored name maps back to the static one.
const MATCHING_NAMES: [&str; 4] = ["SharedEntity", "AllEntities", "AnyAlert", "Selected"];

fn matching_name(stored: &str) -> Result<&'static str, String> {
    MATCHING_NAMES
        .into_iter()
        .find(|name| *name == stored)
        .ok_or_else(|| format!("unknown grouping method {stored:?}"))
}

impl Correlation {
    /// The state by value, for storage and export.
    pub fn to_portable(&self) -> PortableCorrelation {
        let alerts = (0..self.alerts.len())
            .filter_map(|index| self.portable_alert(index as AlertIx))
            .collect();
        PortableCorrelation {
            settings: self.settings.clone(),
            alerts,
            clusters: self.cluster_links(self.clusters.numbers()),
        }
    }

    /// The state by value with only the alerts and links of these incidents: what one change
    /// needs to write, without copying the rest of the workspace.
    pub fn to_portable_for(&self, numbers: &BTreeSet<u64>) -> PortableCorrelation {
        let mut indexes: Vec<AlertIx> = numbers
            .iter()
            .filter_map(|number| self.clusters.get(number))
            .flat_map(|cluster| cluster.alerts.iter().copied())
            .collect();
        indexes.sort_unstable();
        let alerts = indexes
            .into_iter()
            .filter_map(|index| self.portable_alert(index))
            .collect();
        PortableCorrelation {
            settings: self.settings.clone(),
            alerts,
            clusters: self.cluster_links(numbers),
        }
    }

    fn portable_alert(&self, index: AlertIx) -> Option<PortableAlert> {
        let slot = &self.slots[index as usize];
        let place = slot.place.as_ref()?;
        Some(PortableAlert {
            alert: self.alerts[index as usize].clone(),
            time_ms: slot.time,
            grouping: match slot.grouping {
                GroupBy::Nothing => PortableGrouping::Nothing,
                GroupBy::Entities => PortableGrouping::Entities,
                GroupBy::Key(key) => PortableGrouping::Key(self.keys.key(key).clone()),
            },
            incident: place.incident,
            first_incident: place.first_incident,
            reason: self.portable_reason(&place.reason),
        })
    }

    fn portable_reason(&self, reason: &Reason) -> PortableReason {
        match reason {
            Reason::Opened {
                matching,
                lookback_minutes,
            } => PortableReason::Opened {
                matching: (*matching).to_owned(),
                lookback_minutes: *lookback_minutes,
            },
            Reason::Joined {
                key,
                with,
                gap_ms,
                matching,
                reopened,
            } => PortableReason::Joined {
                key: self.keys.key(*key).clone(),
                with: with.title_and_id(self).1.to_owned(),
                with_title: with.title_and_id(self).0.to_owned(),
                gap_ms: *gap_ms,
                matching: (*matching).to_owned(),
                reopened: *reopened,
            },
            Reason::Overflow { full, cap } => PortableReason::Overflow {
                full: *full,
                cap: *cap,
            },
            Reason::Moved { from, by } => PortableReason::Moved {
                from: *from,
                by: by.to_string(),
            },
        }
    }

    /// Rebuilds the index from portable state. Refused, with the alert named, when two alerts
    /// share an id or a reason names an alert that is not there.
    pub fn from_portable(portable: PortableCorrelation) -> Result<Correlation, String> {
        let PortableCorrelation {
            settings,
            alerts,
            clusters,
        } = portable;
        let mut correlation = Correlation {
            settings,
            ..Correlation::default()
        };
        correlation.reserve(alerts.len());
        // Every cluster is made first, in number order: made as its first alert came, most
        // would be inserted between others, moving the rest of the table each time.
        let mut numbers: Vec<u64> = alerts
            .iter()
            .map(|stored| stored.incident)
            .chain(clusters.iter().map(|stored| stored.number))
            .collect();
        numbers.sort_unstable();
        numbers.dedup();
        correlation.clusters = numbers.into_iter().map(Cluster::empty).collect();
        let mut reasons = Vec::with_capacity(alerts.len());
        let mut written = WrittenEntities::default();
        for stored in alerts {
            let id_hash = hash_of(stored.alert.id.as_str());
            if correlation
                .index_of_hashed(&stored.alert.id, id_hash)
                .is_some()
            {
                return Err(format!("alert {} is stored twice", stored.alert.id));
            }
            let grouping = match stored.grouping {
                PortableGrouping::Nothing => GroupBy::Nothing,
                PortableGrouping::Entities => GroupBy::Entities,
                PortableGrouping::Key(key) => GroupBy::Key(correlation.keys.intern(key)),
            };
            let keys = &mut correlation.keys;
            keys.write_entities(&stored.alert.entities, &mut written);
            let entity_keys =
                keys.intern_entities(&stored.alert.entities, &written, &mut Vec::new());
            let index =
                correlation.file(stored.alert, id_hash, stored.time_ms, entity_keys, grouping);
            correlation.slots[index as usize].place = Some(Placement {
                incident: stored.incident,
                first_incident: stored.first_incident,
                reason: Reason::Opened {
                    matching: "SharedEntity",
                    lookback_minutes: 0,
                },
            });
            correlation.add_to_cluster(stored.incident, index);
            reasons.push((index, stored.reason));
        }
        for (index, reason) in reasons {
            let reason = correlation.reason_from_portable(reason)?;
            if let Some(place) = correlation.slots[index as usize].place.as_mut() {
                place.reason = reason;
            }
        }
        for stored in clusters {
            let cluster = correlation
                .clusters
                .get_mut(&stored.number)
                .expect("every stored cluster was made first");
            cluster.continues = stored.continues;
            cluster.continued_by = stored.continued_by;
            cluster.merges = stored.merges;
        }
        Ok(correlation)
    }

    fn reason_from_portable(&mut self, reason: PortableReason) -> Result<Reason, String> {
        Ok(match reason {
            PortableReason::Opened {
                matching,
                lookback_minutes,
            } => Reason::Opened {
                matching: matching_name(&matching)?,
                lookback_minutes,
            },
            PortableReason::Joined {
                key,
                with,
                with_title,
                gap_ms,
                matching,
                reopened,
            } => Reason::Joined {
                key: self.keys.intern(key),
                with: match self.index_of(&with) {
                    Some(stored) => Matched::Stored(stored),
                    None => Matched::Gone(Box::new((with_title, with))),
                },
                gap_ms,
                matching: matching_name(&matching)?,
                reopened,
            },
            PortableReason::Overflow { full, cap } => Reason::Overflow { full, cap },
            PortableReason::Moved { from, by } => Reason::Moved {
                from,
                by: by.into_boxed_str(),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::correlation::Matching;

    #[test]
    fn every_matching_name_maps_back() {
        let all = [
            Matching::SharedEntity,
            Matching::AllEntities,
            Matching::AnyAlert,
            Matching::Selected(Default::default()),
        ];
        for matching in all {
            assert_eq!(matching_name(matching.as_str()), Ok(matching.as_str()));
        }
        assert!(matching_name("Sometimes").is_err());
    }
}
