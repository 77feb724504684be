//! How alerts are grouped and incidents merged: Sentinel's analytics-rule grouping settings per
//! detection source, and the Defender XDR merge rules for the workspace.

use std::collections::BTreeMap;
use std::fmt;

use chrono::Duration;

use crate::entity::EntityKind;

/// Sentinel's most alerts in one incident; the excess opens a linked incident.
pub const MAX_ALERTS_PER_INCIDENT: usize = 150;

/// Which alerts of one detection group together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Matching {
    /// Any strong entity in common, across every source: Defender XDR's correlation, and
    /// Vigil's default.
    SharedEntity,
    /// Sentinel `AllEntities`: the same detection with exactly the same strong entities.
    AllEntities,
    /// Sentinel `AnyAlert`: every alert of the same detection.
    AnyAlert,
    /// Sentinel `Selected`: the same detection agreeing on the chosen parts.
    Selected(Selection),
}

impl Matching {
    /// The name Sentinel's API uses (`SharedEntity` is Vigil's own).
    pub fn as_str(&self) -> &'static str {
        match self {
            Matching::SharedEntity => "SharedEntity",
            Matching::AllEntities => "AllEntities",
            Matching::AnyAlert => "AnyAlert",
            Matching::Selected(_) => "Selected",
        }
    }
}

/// The parts a `Selected` grouping compares.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Selection {
    /// Entity kinds whose strong identifiers must all be equal.
    pub kinds: Vec<EntityKind>,
    /// The alert display name must be equal.
    pub display_name: bool,
    /// The alert severity must be equal.
    pub severity: bool,
}

/// How the alerts of one detection source become incidents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupingSettings {
    /// Off: every alert opens its own incident (the merge pass may still join them).
    pub enabled: bool,
    /// What must match.
    pub matching: Matching,
    /// How far back a matching alert may lie (Sentinel: 5 minutes to 7 days, default 5 hours).
    pub lookback: Duration,
    /// A matching alert reopens a closed incident instead of opening a new one.
    pub reopen_closed: bool,
    /// Most alerts in one incident before a linked one is opened.
    pub max_alerts: usize,
}

impl Default for GroupingSettings {
    fn default() -> Self {
        GroupingSettings {
            enabled: true,
            matching: Matching::SharedEntity,
            lookback: Duration::hours(5),
            reopen_closed: false,
            max_alerts: MAX_ALERTS_PER_INCIDENT,
        }
    }
}

/// The Defender XDR merge pass over the whole workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeSettings {
    /// Whether incidents that share strong entities are merged automatically.
    pub enabled: bool,
    /// How close in time two alerts must be for their shared entity to merge their incidents.
    pub window: Duration,
    /// Most distinct strong entities a merged incident may have; a merge past it is refused.
    pub max_entities: usize,
    /// Refuse merges between incidents whose devices are in different device groups.
    pub respect_device_groups: bool,
}

impl Default for MergeSettings {
    fn default() -> Self {
        MergeSettings {
            enabled: true,
            window: Duration::hours(5),
            max_entities: 500,
            respect_device_groups: false,
        }
    }
}

/// Everything that decides where an alert goes. Changing it affects alerts ingested afterwards,
/// as in Sentinel; incidents already formed stay as they are.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CorrelationSettings {
    /// Grouping for sources without their own.
    pub default_grouping: GroupingSettings,
    /// Grouping per detection source (the alert's product name).
    pub by_source: BTreeMap<String, GroupingSettings>,
    /// The merge pass.
    pub merge: MergeSettings,
}

/// A setting outside what Sentinel allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsError {
    /// The source whose grouping is wrong, or `None` for the merge settings or the default.
    pub source: Option<String>,
    /// What is wrong.
    pub problem: &'static str,
}

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source {
            Some(source) => write!(f, "grouping for {source}: {}", self.problem),
            None => f.write_str(self.problem),
        }
    }
}

impl std::error::Error for SettingsError {}

impl CorrelationSettings {
    /// The grouping that applies to alerts of `source`.
    pub fn grouping_for(&self, source: &str) -> &GroupingSettings {
        self.by_source.get(source).unwrap_or(&self.default_grouping)
    }

    /// The longest window any rule looks across: alerts further apart never affect each other.
    pub fn widest_window(&self) -> Duration {
        self.by_source
            .values()
            .map(|grouping| grouping.lookback)
            .chain([self.default_grouping.lookback, self.merge.window])
            .max()
            .unwrap_or_default()
    }

    /// Checks the bounds Sentinel puts on grouping (lookback 5 minutes to 7 days, 1 to 150
    /// alerts) and that the merge window and entity cap are usable.
    pub fn validate(&self) -> Result<(), SettingsError> {
        let groupings = [(None, &self.default_grouping)].into_iter().chain(
            self.by_source
                .iter()
                .map(|(source, grouping)| (Some(source), grouping)),
        );
        for (source, grouping) in groupings {
            let problem = if grouping.lookback < Duration::minutes(5)
                || grouping.lookback > Duration::days(7)
            {
                Some("the lookback must be between 5 minutes and 7 days")
            } else if !(1..=MAX_ALERTS_PER_INCIDENT).contains(&grouping.max_alerts) {
                Some("an incident holds between 1 and 150 alerts")
            } else {
                None
            };
            if let Some(problem) = problem {
                return Err(SettingsError {
                    source: source.cloned(),
                    problem,
                });
            }
        }
        if self.merge.window <= Duration::zero() || self.merge.window > Duration::days(7) {
            return Err(SettingsError {
                source: None,
                problem: "the merge window must be longer than zero and at most 7 days",
            });
        }
        if self.merge.max_entities == 0 {
            return Err(SettingsError {
                source: None,
                problem: "the entity cap for merges must be at least 1",
            });
        }
        Ok(())
    }
}
