//! An incident as the queue lists it. The queue shows, counts, sorts and filters on these
//! columns, so a store can keep them compactly apart from the full records and a large
//! workspace can show its queue before everything else has loaded.

use chrono::{DateTime, Utc};

use super::correlation::Correlation;
use super::incident::Incident;
use super::vocabulary::{IncidentStatus, Severity};

/// The queue's columns of one incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueRow {
    /// The incident number.
    pub number: u64,
    /// Its title.
    pub title: String,
    /// Its severity.
    pub severity: Severity,
    /// Its status.
    pub status: IncidentStatus,
    /// The owner's display name, when it has one.
    pub owner: Option<String>,
    /// How many alerts it holds.
    pub alerts: usize,
    /// Products whose alerts it holds.
    pub product_names: Vec<String>,
    /// Its tags.
    pub tags: Vec<String>,
    /// When it was created.
    pub created: DateTime<Utc>,
    /// When it last changed.
    pub modified: DateTime<Utc>,
    /// When it was last closed, while it is closed ([`Incident::last_closed`]). Not stored, like
    /// `details_folded`: `None` in rows read from the stored queue until the workspace has
    /// loaded.
    pub closed: Option<DateTime<Utc>>,
    /// The incident it was merged into, if it was: the queue hides it like Sentinel does.
    pub merged_into: Option<u64>,
    /// Its description, comments and entity identifiers folded to lower case, for the search.
    /// Not stored: empty in rows read from the stored queue until the workspace has loaded.
    pub details_folded: String,
}

impl QueueRow {
    /// The row of an incident.
    pub fn of(incident: &Incident) -> QueueRow {
        QueueRow {
            number: incident.number,
            title: incident.title.clone(),
            severity: incident.severity,
            status: incident.status,
            owner: incident.owner.as_ref().map(|owner| owner.display_name()),
            alerts: incident.alert_ids.len(),
            product_names: incident.product_names.to_vec(),
            tags: incident
                .labels
                .iter()
                .map(|label| label.name.clone())
                .collect(),
            created: incident.created,
            modified: incident.modified,
            closed: incident.last_closed(),
            merged_into: incident.merged_into,
            details_folded: String::new(),
        }
    }

    /// The row of an incident with the details the search reaches: its description, comments
    /// and the identifiers of its alerts' entities (`correlation` holds them).
    pub fn searchable(incident: &Incident, correlation: &Correlation) -> QueueRow {
        // A separator no one types, so a search never matches across two parts.
        const APART: char = '\u{1}';
        let mut details = incident.description.to_lowercase();
        for comment in &incident.comments {
            details.push(APART);
            details.push_str(&comment.message.to_lowercase());
        }
        for identifier in correlation.identifiers_of(incident.number) {
            details.push(APART);
            details.push_str(&identifier.to_lowercase());
        }
        QueueRow {
            details_folded: details,
            ..QueueRow::of(incident)
        }
    }

    /// Still to be worked on: neither closed nor merged away.
    pub fn is_open(&self) -> bool {
        self.status != IncidentStatus::Closed && self.merged_into.is_none()
    }
}

#[cfg(test)]
impl QueueRow {
    /// A row of a New incident with nothing but its number, created `number` minutes after the
    /// epoch: what tests of the queue start from.
    pub(crate) fn numbered(number: u64) -> QueueRow {
        QueueRow {
            number,
            title: format!("Incident {number}"),
            severity: Severity::default(),
            status: IncidentStatus::New,
            owner: None,
            alerts: 0,
            product_names: Vec::new(),
            tags: Vec::new(),
            created: DateTime::UNIX_EPOCH + chrono::Duration::minutes(number as i64),
            modified: DateTime::UNIX_EPOCH,
            closed: None,
            merged_into: None,
            details_folded: String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use uuid::Uuid;

    use super::*;
    use crate::draft::IncidentDraft;
    use crate::people::{Actor, Owner};

    #[test]
    fn a_row_shows_what_the_queue_lists_of_its_incident() {
        let at = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
        let draft = IncidentDraft {
            title: "SMS phishing wave".into(),
            severity: Severity::High,
            owner: Some(Owner::person("Ana Silva", "ana@contoso.com")),
            tags: vec!["smishing".into(), "mobile".into()],
            ..IncidentDraft::default()
        };
        let incident = Incident::create(
            Uuid::from_u128(1),
            7,
            draft.validate().unwrap(),
            &Actor::named("Ana Silva"),
            at,
        );
        let row = QueueRow::of(&incident);
        assert_eq!(row.number, 7);
        assert_eq!(row.title, "SMS phishing wave");
        assert_eq!(row.severity, Severity::High);
        assert_eq!(row.owner.as_deref(), Some("Ana Silva"));
        assert_eq!(row.tags, ["smishing", "mobile"]);
        assert_eq!((row.alerts, row.created, row.modified), (0, at, at));
        assert!(row.is_open());
    }
}
