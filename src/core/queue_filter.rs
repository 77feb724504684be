//! Which incidents the queue shows, as the address holds it (`#/incidents?status=New,Active`), so
//! a reload or a shared link gives the same view. By default the queue shows New and Active
//! incidents, as Sentinel's does: a Closed one appears once the filter includes Closed.

use super::queue_row::QueueRow;
use super::vocabulary::IncidentStatus;

/// The statuses the queue shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueFilter {
    statuses: Vec<IncidentStatus>,
}

impl Default for QueueFilter {
    fn default() -> Self {
        QueueFilter {
            statuses: vec![IncidentStatus::New, IncidentStatus::Active],
        }
    }
}

impl QueueFilter {
    /// The filter a query (the part of the address after `?`) names; the default when it names
    /// none. Unknown statuses are ignored rather than refused: an old link still opens.
    pub fn from_query(query: &str) -> QueueFilter {
        let listed = query
            .split('&')
            .find_map(|pair| pair.strip_prefix("status="));
        let Some(listed) = listed else {
            return QueueFilter::default();
        };
        let mut filter = QueueFilter {
            statuses: Vec::new(),
        };
        for status in listed.split(',').filter_map(|text| text.parse().ok()) {
            if !filter.shows_status(status) {
                filter.statuses.push(status);
            }
        }
        filter.statuses.sort();
        filter
    }

    /// The query that names this filter; empty for the default.
    pub fn to_query(&self) -> String {
        if *self == QueueFilter::default() {
            return String::new();
        }
        let names: Vec<&str> = self.statuses.iter().map(|status| status.as_str()).collect();
        format!("status={}", names.join(","))
    }

    /// Whether incidents of this status are shown.
    pub fn shows_status(&self, status: IncidentStatus) -> bool {
        self.statuses.contains(&status)
    }

    /// Shows or hides a status.
    pub fn toggle(&mut self, status: IncidentStatus) {
        if self.shows_status(status) {
            self.statuses.retain(|shown| *shown != status);
        } else {
            self.statuses.push(status);
            self.statuses.sort();
        }
    }

    /// Whether the queue lists this row: its status is chosen, and it was not merged away.
    pub fn shows(&self, row: &QueueRow) -> bool {
        row.merged_into.is_none() && self.shows_status(row.status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;

    fn row(number: u64, status: IncidentStatus, merged_into: Option<u64>) -> QueueRow {
        QueueRow {
            number,
            title: format!("Incident {number}"),
            severity: Default::default(),
            status,
            owner: None,
            alerts: 0,
            product_names: Vec::new(),
            tags: Vec::new(),
            created: DateTime::UNIX_EPOCH,
            modified: DateTime::UNIX_EPOCH,
            merged_into,
        }
    }

    #[test]
    fn the_default_shows_new_and_active_and_hides_closed_as_sentinel_does() {
        let filter = QueueFilter::default();
        assert!(filter.shows(&row(1, IncidentStatus::New, None)));
        assert!(filter.shows(&row(2, IncidentStatus::Active, None)));
        assert!(!filter.shows(&row(3, IncidentStatus::Closed, None)));
        assert_eq!(filter.to_query(), "");
        assert_eq!(QueueFilter::from_query(""), filter);
    }

    #[test]
    fn a_filter_reads_back_from_its_query() {
        let mut filter = QueueFilter::default();
        filter.toggle(IncidentStatus::Closed);
        assert!(filter.shows(&row(3, IncidentStatus::Closed, None)));
        assert!(
            !filter.shows(&row(4, IncidentStatus::Closed, Some(1))),
            "merged away"
        );
        assert_eq!(filter.to_query(), "status=New,Active,Closed");
        assert_eq!(QueueFilter::from_query(&filter.to_query()), filter);
        filter.toggle(IncidentStatus::New);
        filter.toggle(IncidentStatus::Active);
        assert_eq!(filter.to_query(), "status=Closed");
        assert_eq!(QueueFilter::from_query("status=Closed"), filter);
    }

    #[test]
    fn unknown_or_repeated_statuses_in_a_link_are_ignored() {
        let filter = QueueFilter::from_query("sort=title&status=Closed,Severe,Closed");
        assert_eq!(filter.to_query(), "status=Closed");
        let nothing = QueueFilter::from_query("status=");
        assert!(!nothing.shows_status(IncidentStatus::New));
        assert_eq!(QueueFilter::from_query(&nothing.to_query()), nothing);
    }
}
