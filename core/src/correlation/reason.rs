//! Why the core did what it did: where each alert went, why incidents merged, why a merge was
//! refused. The incident page shows these words; nothing is a black box.

use std::fmt;

use chrono::{DateTime, Duration, Utc};

use super::Correlation;
use super::index::{AlertIx, KeyIx};
use crate::people::Actor;

/// Why an alert went to the incident it was first placed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Reason {
    /// Nothing related was open within the window, so it opened an incident.
    Opened {
        /// The grouping setting that applied.
        matching: &'static str,
        /// The lookback it searched, in minutes.
        lookback_minutes: i64,
    },
    /// It shares `key` with `with`, which was already in the incident.
    Joined {
        /// What they share.
        key: KeyIx,
        /// The earlier alert it matched.
        with: Matched,
        /// How much later this alert started, in milliseconds.
        gap_ms: i64,
        /// The grouping setting that applied.
        matching: &'static str,
        /// It reopened the closed incident (the source's reopen setting is on).
        reopened: bool,
    },
    /// The incident it matched was full, so it went to the linked continuation.
    Overflow {
        /// The full incident.
        full: u64,
        /// Its cap.
        cap: usize,
    },
    /// An analyst moved it here.
    Moved {
        /// Where it was.
        from: u64,
        /// Who moved it.
        by: Box<str>,
    },
}

/// The earlier alert a joining alert matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Matched {
    /// Still stored.
    Stored(AlertIx),
    /// No longer stored (its incident was deleted, or it was left out of a restore): its title
    /// and id, so the reason still reads the same.
    Gone(Box<(String, String)>),
}

impl Matched {
    /// The matched alert's title and id.
    pub(super) fn title_and_id<'a>(&'a self, correlation: &'a Correlation) -> (&'a str, &'a str) {
        match self {
            Matched::Stored(alert) => {
                let alert = &correlation.alerts[*alert as usize];
                (alert.title(), &alert.id)
            }
            Matched::Gone(gone) => (&gone.0, &gone.1),
        }
    }
}

/// Readable length of a time gap: "42 minutes", "3 hours 5 minutes", "under a minute".
pub(super) fn gap_text(gap: Duration) -> String {
    let minutes = gap.num_minutes();
    let (hours, minutes) = (minutes / 60, minutes % 60);
    let plural =
        |count: i64, unit: &str| format!("{count} {unit}{}", if count == 1 { "" } else { "s" });
    match (hours, minutes) {
        (0, 0) => "under a minute".to_owned(),
        (0, minutes) => plural(minutes, "minute"),
        (hours, 0) => plural(hours, "hour"),
        (hours, minutes) => format!("{} {}", plural(hours, "hour"), plural(minutes, "minute")),
    }
}

impl Reason {
    /// The reason in words; `first_incident` is the incident it was placed in.
    pub(super) fn describe(&self, first_incident: u64, correlation: &Correlation) -> String {
        match self {
            Reason::Opened {
                matching,
                lookback_minutes,
            } => format!(
                "Opened incident #{first_incident}: no open incident had a related alert in the {} before it (grouping: {matching})",
                gap_text(Duration::minutes(*lookback_minutes))
            ),
            Reason::Joined {
                key,
                with,
                gap_ms,
                matching,
                reopened,
            } => {
                let (title, id) = with.title_and_id(correlation);
                format!(
                    "Joined incident #{first_incident}: shares {} with alert \"{title}\" ({id}), which started {} earlier (grouping: {matching}){}",
                    correlation.keys.key(*key),
                    gap_text(Duration::milliseconds(*gap_ms)),
                    if *reopened {
                        "; it reopened the closed incident, as its source's grouping asks"
                    } else {
                        ""
                    }
                )
            }
            Reason::Overflow { full, cap } => format!(
                "Incident #{full} already held {cap} alerts, the most one incident takes, so this alert went to its continuation #{first_incident}"
            ),
            Reason::Moved { from, by } => format!("Moved here from incident #{from} by {by}"),
        }
    }
}

/// Why an alert is where it is, in words, for the incident page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    /// The incident it belongs to.
    pub incident: u64,
    /// Why it was placed where it first went.
    pub text: String,
    /// The incident it came from by a merge, when it did.
    pub merged_from: Option<u64>,
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)?;
        if let Some(from) = self.merged_from {
            write!(
                f,
                "; it came here when incident #{from} was merged into #{}",
                self.incident
            )?;
        }
        Ok(())
    }
}

/// Why two incidents were merged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MergeCause {
    /// An alert of one shares a strong entity with a recent alert of the other.
    SharedEntity {
        /// The entity, in words.
        entity: String,
        /// The alert that brought them together.
        alert: String,
        /// The other incident's alert it matched.
        matched: String,
        /// How far apart the two alerts started.
        gap: Duration,
    },
    /// An analyst merged them.
    Manual {
        /// Who.
        by: Actor,
        /// The reason they gave.
        reason: String,
    },
    /// An alert arrived late, earlier in time than alerts already grouped, and regrouping its
    /// neighbourhood in time order put this incident's alerts with the survivor's.
    Regrouped {
        /// The late alert.
        alert: String,
    },
}

/// One merge: which incident went into which, when, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeRecord {
    /// The incident that was closed as Redirected.
    pub absorbed: u64,
    /// The incident that survived.
    pub into: u64,
    /// When.
    pub at: DateTime<Utc>,
    /// How many alerts moved.
    pub alerts_moved: usize,
    /// Why.
    pub cause: MergeCause,
}

impl fmt::Display for MergeRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Incident #{} was merged into #{} with {} alert{}: ",
            self.absorbed,
            self.into,
            self.alerts_moved,
            if self.alerts_moved == 1 { "" } else { "s" }
        )?;
        match &self.cause {
            MergeCause::SharedEntity {
                entity,
                alert,
                matched,
                gap,
            } => write!(
                f,
                "alert {alert} shares {entity} with alert {matched}, {} apart",
                gap_text(*gap)
            ),
            MergeCause::Manual { by, reason } => {
                write!(f, "merged by {} (\"{reason}\")", by.name)
            }
            MergeCause::Regrouped { alert } => write!(
                f,
                "alert {alert} arrived late and, in time order, connects their alerts"
            ),
        }
    }
}

/// Why two incidents cannot be merged; each names the rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MergeRefusal {
    /// A merge takes two to five incidents.
    Count {
        /// How many were given.
        given: usize,
    },
    /// The same incident was named twice.
    Repeated {
        /// Which.
        incident: u64,
    },
    /// No such incident.
    Unknown {
        /// Which.
        incident: u64,
    },
    /// It was already merged into another incident.
    AlreadyMerged {
        /// Which.
        incident: u64,
        /// Where it went.
        into: u64,
    },
    /// Closed incidents are never merged.
    Closed {
        /// Which.
        incident: u64,
    },
    /// They have different owners.
    DifferentOwners {
        /// One incident.
        first: u64,
        /// The other.
        second: u64,
    },
    /// They were classified differently.
    DifferentClassifications {
        /// One incident.
        first: u64,
        /// The other.
        second: u64,
    },
    /// A manual merge needs a reason.
    MissingReason,
    /// The reason is longer than the limit.
    ReasonTooLong {
        /// The limit, in characters.
        max: usize,
    },
    /// Together they would name more distinct entities than the cap.
    TooManyEntities {
        /// How many they would have.
        count: usize,
        /// The cap.
        cap: usize,
    },
    /// Their devices are in different device groups (the setting is on).
    DifferentDeviceGroups {
        /// One incident.
        first: u64,
        /// The other.
        second: u64,
    },
}

impl fmt::Display for MergeRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MergeRefusal::Count { given } => write!(
                f,
                "a merge takes two to five incidents; {given} were chosen"
            ),
            MergeRefusal::Repeated { incident } => {
                write!(f, "incident #{incident} was chosen twice")
            }
            MergeRefusal::Unknown { incident } => write!(f, "there is no incident #{incident}"),
            MergeRefusal::AlreadyMerged { incident, into } => {
                write!(f, "incident #{incident} was already merged into #{into}")
            }
            MergeRefusal::Closed { incident } => write!(
                f,
                "incident #{incident} is closed, and closed incidents are never merged; reopen it first"
            ),
            MergeRefusal::DifferentOwners { first, second } => write!(
                f,
                "incidents #{first} and #{second} are assigned to different owners"
            ),
            MergeRefusal::DifferentClassifications { first, second } => write!(
                f,
                "incidents #{first} and #{second} have different classifications"
            ),
            MergeRefusal::MissingReason => f.write_str("a merge needs a reason"),
            MergeRefusal::ReasonTooLong { max } => {
                write!(f, "the reason is longer than {max} characters")
            }
            MergeRefusal::TooManyEntities { count, cap } => write!(
                f,
                "the merged incident would name {count} distinct entities, more than the cap of {cap}"
            ),
            MergeRefusal::DifferentDeviceGroups { first, second } => write!(
                f,
                "incidents #{first} and #{second} involve devices in different device groups"
            ),
        }
    }
}

impl std::error::Error for MergeRefusal {}
