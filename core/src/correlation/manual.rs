//! What analysts do by hand: merge two to five incidents, move an alert to another incident or
//! a new one, delete incidents, and undo the last of these exactly.

use std::fmt;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::index::AlertIx;
use super::reason::{MergeCause, MergeRefusal, Reason};
use super::{Cluster, Placement};
use crate::alert::AlertSummary;
use crate::incident::{Incident, Opening, reference};
use crate::people::Actor;
use crate::validation::limits;
use crate::vocabulary::IncidentStatus;
use crate::workspace::Workspace;

/// Fewest and most incidents one manual merge takes, as in Defender XDR.
const MERGE_SIZES: std::ops::RangeInclusive<usize> = 2..=5;

/// Incidents as an undo description lists them: `#2, #3`.
fn references(numbers: &[u64]) -> String {
    numbers
        .iter()
        .map(|&number| reference(number))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Where a moved alert goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveTarget {
    /// Into this existing incident.
    Incident(u64),
    /// Into a new incident, opened for it with this id.
    NewIncident {
        /// The new incident's id.
        id: Uuid,
    },
}

/// Why an alert could not be moved; nothing changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoveError {
    /// No alert has this id.
    UnknownAlert(String),
    /// No incident has this number.
    UnknownIncident(u64),
    /// The alert is already in that incident.
    AlreadyThere(u64),
    /// The target is closed; reopen it first.
    TargetClosed(u64),
    /// The target was merged into another incident.
    TargetMerged {
        /// The target chosen.
        incident: u64,
        /// Where it was merged.
        into: u64,
    },
}

impl fmt::Display for MoveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MoveError::UnknownAlert(id) => write!(f, "there is no alert {id}"),
            MoveError::UnknownIncident(number) => write!(f, "there is no incident #{number}"),
            MoveError::AlreadyThere(number) => {
                write!(f, "the alert is already in incident #{number}")
            }
            MoveError::TargetClosed(number) => write!(
                f,
                "incident #{number} is closed; reopen it before moving alerts into it"
            ),
            MoveError::TargetMerged { incident, into } => write!(
                f,
                "incident #{incident} was merged into #{into}; move the alert there instead"
            ),
        }
    }
}

impl std::error::Error for MoveError {}

/// Why nothing was undone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UndoError {
    /// No merge, move or deletion is waiting to be undone (or something changed since).
    NothingToUndo,
}

impl fmt::Display for UndoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("there is no merge, move or deletion to undo")
    }
}

/// What a deletion took away: what the confirmation and its Undo speak of.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Deleted {
    /// The incidents deleted, in number order.
    pub incidents: Vec<u64>,
    /// How many alerts went with them.
    pub alerts: usize,
}

impl std::error::Error for UndoError {}

/// The state of everything the last merge, move or deletion touched, taken just before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undo {
    /// What it undoes, in words.
    pub(crate) description: String,
    incidents: Vec<(u64, Option<Box<Incident>>)>,
    clusters: Vec<(u64, Option<Cluster>)>,
    places: Vec<(AlertIx, Option<Placement>)>,
    /// Alerts a deletion took out of the index, to file again.
    forgotten: Vec<AlertIx>,
    next_number: u64,
}

impl Workspace {
    /// The incident a merge of `numbers` would keep: the oldest, as Defender XDR keeps it, so
    /// the merge dialog can say which stays before the analyst confirms.
    pub fn merge_survivor(&self, numbers: &[u64]) -> Option<u64> {
        self.oldest_first(numbers).first().copied()
    }

    /// `numbers` in the order a merge takes them, the oldest (the survivor) first.
    fn oldest_first(&self, numbers: &[u64]) -> Vec<u64> {
        let mut ordered = numbers.to_vec();
        ordered.sort_by(|&a, &b| {
            let (older, _) = self.older_first(a, b);
            if older == a {
                std::cmp::Ordering::Less
            } else {
                std::cmp::Ordering::Greater
            }
        });
        ordered
    }

    /// Merges two to five incidents by hand: the oldest survives and takes the others' alerts
    /// and tags; the others close as Redirected. Refused, naming the rule, when any is closed,
    /// owners or classifications differ, or the entity cap or device groups forbid it.
    pub fn merge_incidents(
        &mut self,
        numbers: &[u64],
        reason: &str,
        by: &Actor,
        at: DateTime<Utc>,
    ) -> Result<u64, MergeRefusal> {
        if !MERGE_SIZES.contains(&numbers.len()) {
            return Err(MergeRefusal::Count {
                given: numbers.len(),
            });
        }
        for (position, number) in numbers.iter().enumerate() {
            if numbers[..position].contains(number) {
                return Err(MergeRefusal::Repeated { incident: *number });
            }
        }
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(MergeRefusal::MissingReason);
        }
        if reason.chars().count() > limits::CLOSING_COMMENT_MAX_CHARS {
            return Err(MergeRefusal::ReasonTooLong {
                max: limits::CLOSING_COMMENT_MAX_CHARS,
            });
        }
        self.check_merge(numbers)?;
        let ordered = self.oldest_first(numbers);
        let survivor = ordered[0];
        let undo = self.snapshot(
            &ordered,
            format!(
                "merge of {} into {}",
                references(&ordered[1..]),
                reference(survivor)
            ),
        );
        for &absorbed in &ordered[1..] {
            let cause = MergeCause::Manual {
                by: by.clone(),
                reason: reason.to_owned(),
            };
            self.merge_into(survivor, absorbed, cause, by, at);
        }
        self.show_alerts_of(survivor, by, at);
        self.undo = Some(undo);
        Ok(survivor)
    }

    /// Moves one alert to another open incident or to a new one; both incidents log it and
    /// refresh what they show of their alerts. Returns the incident it is in now.
    pub fn move_alert(
        &mut self,
        alert_id: &str,
        target: MoveTarget,
        by: &Actor,
        at: DateTime<Utc>,
    ) -> Result<u64, MoveError> {
        let correlation = &self.correlation;
        let alert = correlation
            .index_of(alert_id)
            .ok_or_else(|| MoveError::UnknownAlert(alert_id.to_owned()))?;
        let source = correlation.slots[alert as usize]
            .place
            .as_ref()
            .expect("a stored alert is placed")
            .incident;
        let number = match target {
            MoveTarget::Incident(number) => {
                let incident = self
                    .incidents
                    .get(&number)
                    .ok_or(MoveError::UnknownIncident(number))?;
                if let Some(into) = incident.merged_into {
                    return Err(MoveError::TargetMerged {
                        incident: number,
                        into,
                    });
                }
                if number == source {
                    return Err(MoveError::AlreadyThere(number));
                }
                if incident.status == IncidentStatus::Closed {
                    return Err(MoveError::TargetClosed(number));
                }
                number
            }
            MoveTarget::NewIncident { .. } => self.next_number,
        };
        let undo = self.snapshot(
            &[source, number],
            format!("move of alert {alert_id} from #{source} to #{number}"),
        );
        if let MoveTarget::NewIncident { id } = target {
            self.next_number += 1;
            let alert = &self.correlation.alerts[alert as usize];
            let incident = Opening::for_alert(alert, by, at).numbered(id, number);
            self.incidents.insert(incident);
        }
        self.correlation.remove_from_cluster(source, alert);
        self.correlation.add_to_cluster(number, alert);
        self.correlation.slots[alert as usize].place = Some(Placement {
            incident: number,
            first_incident: number,
            reason: Reason::Moved {
                from: source,
                by: by.name.as_ref().into(),
            },
        });
        for incident in [source, number] {
            if let Some(incident) = self.incidents.get_mut(&incident) {
                incident.log_move(source, number, by, at);
            }
            self.show_alerts_of(incident, by, at);
        }
        self.undo = Some(undo);
        Ok(number)
    }

    /// Deletes these incidents and their alerts (numbers it does not hold are passed over);
    /// their numbers stay used. [`Workspace::undo`] brings them back exactly.
    pub fn delete(&mut self, numbers: &[u64]) -> Deleted {
        let mut present: Vec<u64> = numbers
            .iter()
            .copied()
            .filter(|number| self.incidents.contains_key(number))
            .collect();
        present.sort_unstable();
        present.dedup();
        if present.is_empty() {
            return Deleted::default();
        }
        let mut undo = self.snapshot(&present, format!("deletion of {}", references(&present)));
        undo.forgotten = undo.places.iter().map(|(alert, _)| *alert).collect();
        self.incidents.remove_sorted(&present);
        self.correlation.forget_incidents(&present);
        let alerts = undo.forgotten.len();
        self.undo = Some(undo);
        Deleted {
            incidents: present,
            alerts,
        }
    }

    /// What the pending undo would undo, in words.
    pub fn undo_description(&self) -> Option<&str> {
        self.undo.as_ref().map(|undo| undo.description.as_str())
    }

    /// The incidents the pending undo would restore: what saving it must write.
    pub fn undo_touches(&self) -> Vec<u64> {
        self.undo.as_ref().map_or_else(Vec::new, |undo| {
            undo.incidents.iter().map(|(number, _)| *number).collect()
        })
    }

    /// Undoes the last merge, move or deletion, restoring every incident and alert it touched
    /// exactly.
    pub fn undo(&mut self) -> Result<(), UndoError> {
        let undo = self.undo.take().ok_or(UndoError::NothingToUndo)?;
        self.incidents.restore(undo.incidents);
        self.correlation.clusters.restore(undo.clusters);
        for (alert, place) in undo.places {
            self.correlation.slots[alert as usize].place = place;
        }
        for alert in undo.forgotten {
            self.correlation.refile(alert);
        }
        self.next_number = undo.next_number;
        Ok(())
    }

    /// The state of these incidents, their correlation data and their alerts' places.
    fn snapshot(&self, numbers: &[u64], description: String) -> Undo {
        let clusters: Vec<(u64, Option<Cluster>)> = numbers
            .iter()
            .map(|number| (*number, self.correlation.clusters.get(number).cloned()))
            .collect();
        let places = clusters
            .iter()
            .filter_map(|(_, cluster)| cluster.as_ref())
            .flat_map(|cluster| cluster.alerts.iter())
            .map(|&alert| (alert, self.correlation.slots[alert as usize].place.clone()))
            .collect();
        Undo {
            description,
            incidents: numbers
                .iter()
                .map(|number| (*number, self.incidents.get(number).cloned()))
                .collect(),
            clusters,
            places,
            forgotten: Vec::new(),
            next_number: self.next_number,
        }
    }

    /// Refreshes what an incident shows of its alerts after a change made by `by`.
    pub(super) fn show_alerts_of(&mut self, number: u64, by: &Actor, at: DateTime<Utc>) {
        let summary = AlertSummary::of(self.correlation.alerts_of(number));
        self.show_summary(number, summary, |incident, summary| {
            incident.show_alerts(summary, by, at);
        });
    }

    /// Hands the summary of an incident's alerts to `show`, if the incident is live.
    pub(super) fn show_summary(
        &mut self,
        number: u64,
        summary: AlertSummary,
        show: impl FnOnce(&mut Incident, AlertSummary),
    ) {
        if let Some(incident) = self.incidents.get_mut(&number)
            && incident.merged_into.is_none()
        {
            show(incident, summary);
        }
    }
}
