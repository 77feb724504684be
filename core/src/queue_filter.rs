//! Which incidents the queue shows and in what order, as the address holds it
//! (`#/incidents?status=New,Active&severity=High&owner=%40me&product=…&tag=…&range=7d&closed=24h&q=phish&sort=title&dir=asc`),
//! so a reload or a shared link gives the same view. By default the queue shows New and Active
//! incidents of any severity, owner, product, tag and age, newest first, as Sentinel's does: a
//! Closed one appears once the filter includes Closed.

use chrono::{DateTime, Duration, Utc};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

use super::queue_index::QueueIndex;
use super::queue_row::QueueRow;
use super::validation;
use super::vocabulary::{IncidentStatus, Severity};

/// What a value in the address is encoded from: everything but letters, digits and `,-_.`, so
/// lists stay readable and `&`, `=` and `#` in a search never end the value.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b',')
    .remove(b'-')
    .remove(b'_')
    .remove(b'.');

/// Whose incidents the queue shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum OwnerFilter {
    /// Anyone's, and nobody's.
    #[default]
    Anyone,
    /// Only incidents nobody owns.
    Unassigned,
    /// Only the current analyst's.
    Me,
    /// Only those of the owner with this display name.
    Named(String),
}

impl OwnerFilter {
    /// The word the address (and the owner picker) uses; `@` keeps the two special ones apart
    /// from any name; `None` for anyone.
    pub fn to_word(&self) -> Option<String> {
        match self {
            OwnerFilter::Anyone => None,
            OwnerFilter::Unassigned => Some("@unassigned".to_owned()),
            OwnerFilter::Me => Some("@me".to_owned()),
            OwnerFilter::Named(name) => Some(name.clone()),
        }
    }

    /// The filter a word of [`OwnerFilter::to_word`] names; empty for anyone.
    pub fn from_word(text: &str) -> OwnerFilter {
        match text {
            "" => OwnerFilter::Anyone,
            "@unassigned" => OwnerFilter::Unassigned,
            "@me" => OwnerFilter::Me,
            name => OwnerFilter::Named(name.to_owned()),
        }
    }

    /// Whether an incident of `owner` is shown, `me` being the current analyst's name.
    fn admits(&self, owner: Option<&str>, me: Option<&str>) -> bool {
        match self {
            OwnerFilter::Anyone => true,
            OwnerFilter::Unassigned => owner.is_none(),
            OwnerFilter::Me => me.is_some() && owner == me,
            OwnerFilter::Named(name) => owner == Some(name.as_str()),
        }
    }
}

/// How recently something happened to the incidents the queue shows: they were created, or
/// closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Within {
    /// Any time.
    #[default]
    AnyTime,
    /// The last 24 hours.
    Day,
    /// The last 7 days.
    Week,
    /// The last 30 days.
    Month,
    /// The last 90 days.
    Quarter,
}

impl Within {
    /// Every choice, in the order the picker lists them.
    pub const ALL: [Within; 5] = [
        Within::AnyTime,
        Within::Day,
        Within::Week,
        Within::Month,
        Within::Quarter,
    ];

    /// The word the address uses (empty for any time).
    pub fn as_str(self) -> &'static str {
        match self {
            Within::AnyTime => "",
            Within::Day => "24h",
            Within::Week => "7d",
            Within::Month => "30d",
            Within::Quarter => "90d",
        }
    }

    /// What the picker says.
    pub fn label(self) -> &'static str {
        match self {
            Within::AnyTime => "Any time",
            Within::Day => "Last 24 hours",
            Within::Week => "Last 7 days",
            Within::Month => "Last 30 days",
            Within::Quarter => "Last 90 days",
        }
    }

    /// The choice an address word names; any time for a word it does not know.
    pub fn from_word(word: &str) -> Within {
        Within::ALL
            .into_iter()
            .find(|choice| choice.as_str() == word)
            .unwrap_or_default()
    }

    /// Whether something that happened `at` (or never, `None`) falls in it as of `now`: any
    /// time admits even what never happened.
    fn admits(self, at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
        self.span()
            .is_none_or(|span| at.is_some_and(|at| at >= now - span))
    }

    /// How far back it reaches, `None` for any time.
    fn span(self) -> Option<Duration> {
        match self {
            Within::AnyTime => None,
            Within::Day => Some(Duration::hours(24)),
            Within::Week => Some(Duration::days(7)),
            Within::Month => Some(Duration::days(30)),
            Within::Quarter => Some(Duration::days(90)),
        }
    }
}

/// Who is looking and when: what "Me" and "the last 7 days" mean for this view.
#[derive(Debug, Clone, Copy)]
pub struct Viewer<'a> {
    /// The current analyst's display name, when they have said who they are.
    pub me: Option<&'a str>,
    /// Now, by the browser's clock.
    pub now: DateTime<Utc>,
}

/// A column the queue sorts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortColumn {
    /// The incident number.
    Number,
    /// The title, A to Z.
    Title,
    /// The severity, most severe first.
    Severity,
    /// The status, in its life order.
    Status,
    /// The owner's name, A to Z, unowned last.
    Owner,
    /// How many alerts.
    Alerts,
    /// When it was created.
    Created,
    /// When it last changed.
    Modified,
}

impl SortColumn {
    /// Every sortable column.
    pub const ALL: [SortColumn; 8] = [
        SortColumn::Number,
        SortColumn::Title,
        SortColumn::Severity,
        SortColumn::Status,
        SortColumn::Owner,
        SortColumn::Alerts,
        SortColumn::Created,
        SortColumn::Modified,
    ];

    /// The name the address uses.
    pub fn as_str(self) -> &'static str {
        match self {
            SortColumn::Number => "number",
            SortColumn::Title => "title",
            SortColumn::Severity => "severity",
            SortColumn::Status => "status",
            SortColumn::Owner => "owner",
            SortColumn::Alerts => "alerts",
            SortColumn::Created => "created",
            SortColumn::Modified => "modified",
        }
    }

    /// The order a first click gives: the biggest, newest or most severe first for amounts
    /// and times, A to Z for words.
    fn first_descending(self) -> bool {
        matches!(
            self,
            SortColumn::Number
                | SortColumn::Severity
                | SortColumn::Alerts
                | SortColumn::Created
                | SortColumn::Modified
        )
    }

    /// What row `at` sorts by on this column, ascending; ties go by number, so the order is
    /// stable. Words sort by their place in the index (folded to lower case), and rows without
    /// an owner come after those with one.
    fn key(self, row: &QueueRow, index: &QueueIndex, at: usize) -> (i64, u64) {
        let primary = match self {
            SortColumn::Number => 0,
            SortColumn::Title => index.title_rank(at),
            // Severity's own order lists the most severe first; ascending is the reverse.
            SortColumn::Severity => -(row.severity as i64),
            SortColumn::Status => row.status as i64,
            SortColumn::Owner => index.owner_rank(at),
            SortColumn::Alerts => row.alerts as i64,
            SortColumn::Created => row.created.timestamp_millis(),
            SortColumn::Modified => row.modified.timestamp_millis(),
        };
        (primary, row.number)
    }
}

/// The queue's order: a column and a direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    /// The column sorted on.
    pub column: SortColumn,
    /// Largest (or last) first.
    pub descending: bool,
}

impl Default for Sort {
    /// Newest first, as Sentinel opens its queue.
    fn default() -> Self {
        Sort {
            column: SortColumn::Created,
            descending: true,
        }
    }
}

/// What the queue shows: statuses, severities (none chosen means all), owner, product, tag, how
/// recently created, search text, and the order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueFilter {
    statuses: Vec<IncidentStatus>,
    severities: Vec<Severity>,
    /// Whose incidents.
    pub owner: OwnerFilter,
    /// Only incidents holding alerts of this product.
    pub product: Option<String>,
    /// Only incidents with this tag (compared ignoring case).
    pub tag: Option<String>,
    /// Only incidents created this recently.
    pub created_within: Within,
    /// Only incidents closed this recently (and still closed): what the overview's Closed tile
    /// counts.
    pub closed_within: Within,
    search: String,
    /// The search folded to lower case once, for the rows' folded details.
    search_folded: String,
    /// The order.
    pub sort: Sort,
}

impl Default for QueueFilter {
    fn default() -> Self {
        QueueFilter {
            statuses: vec![IncidentStatus::New, IncidentStatus::Active],
            severities: Vec::new(),
            owner: OwnerFilter::Anyone,
            product: None,
            tag: None,
            created_within: Within::AnyTime,
            closed_within: Within::AnyTime,
            search: String::new(),
            search_folded: String::new(),
            sort: Sort::default(),
        }
    }
}

/// A chosen name, or none for an empty one.
fn chosen(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// Each distinct value of `parse` in a comma-separated list, sorted; unknown ones are skipped.
fn parse_list<T: Ord>(listed: &str, parse: impl Fn(&str) -> Option<T>) -> Vec<T> {
    let mut values: Vec<T> = listed.split(',').filter_map(parse).collect();
    values.sort();
    values.dedup();
    values
}

/// Whether `text` contains `wanted`, ignoring case; without copying either when both are ASCII,
/// as nearly every title is, since a search runs over every row at each keystroke.
fn contains_ignoring_case(text: &str, wanted: &str) -> bool {
    if text.is_ascii() && wanted.is_ascii() {
        wanted.is_empty()
            || text
                .as_bytes()
                .windows(wanted.len())
                .any(|window| window.eq_ignore_ascii_case(wanted.as_bytes()))
    } else {
        text.to_lowercase().contains(&wanted.to_lowercase())
    }
}

/// Adds `value` to a sorted list, or takes it out when it is there.
fn toggle_in<T: Ord>(values: &mut Vec<T>, value: T) {
    match values.binary_search(&value) {
        Ok(position) => {
            values.remove(position);
        }
        Err(position) => values.insert(position, value),
    }
}

impl QueueFilter {
    /// The filter a query (the part of the address after `?`) names; the default for each part
    /// it does not name. Unknown values are ignored rather than refused: an old link still
    /// opens.
    pub fn from_query(query: &str) -> QueueFilter {
        let mut filter = QueueFilter::default();
        let mut descending = None;
        for (key, value) in query.split('&').filter_map(|pair| pair.split_once('=')) {
            let value = percent_decode_str(value).decode_utf8_lossy();
            match key {
                "status" => {
                    let statuses = parse_list(&value, |text| text.parse().ok());
                    // `status=` chooses none, but a list of nothing known (a mistyped or newer
                    // link) must not empty the queue: the default stays.
                    if !statuses.is_empty() || value.is_empty() {
                        filter.statuses = statuses;
                    }
                }
                "severity" => filter.severities = parse_list(&value, |text| text.parse().ok()),
                "owner" => filter.owner = OwnerFilter::from_word(&value),
                "product" => filter.product = chosen(&value),
                "tag" => filter.tag = chosen(&value),
                "range" => filter.created_within = Within::from_word(&value),
                "closed" => filter.closed_within = Within::from_word(&value),
                "q" => filter.set_search(&value),
                "sort" => {
                    if let Some(&column) = SortColumn::ALL
                        .iter()
                        .find(|column| column.as_str() == value)
                    {
                        filter.sort = Sort {
                            column,
                            descending: column.first_descending(),
                        };
                    }
                }
                "dir" => descending = Some(value == "desc"),
                _ => {}
            }
        }
        if let Some(descending) = descending {
            filter.sort.descending = descending;
        }
        filter
    }

    /// The default filter in this one's order: what **Clear the filters** leaves, so the
    /// analyst's sort survives it.
    pub fn cleared(&self) -> QueueFilter {
        QueueFilter {
            sort: self.sort,
            ..QueueFilter::default()
        }
    }

    /// The query that names this filter, each part left out where it is the default.
    pub fn to_query(&self) -> String {
        let default = QueueFilter::default();
        let names = |names: Vec<&str>| names.join(",");
        let mut parts: Vec<(&str, String)> = Vec::new();
        if self.statuses != default.statuses {
            parts.push((
                "status",
                names(self.statuses.iter().map(|s| s.as_str()).collect()),
            ));
        }
        if !self.severities.is_empty() {
            parts.push((
                "severity",
                names(self.severities.iter().map(|s| s.as_str()).collect()),
            ));
        }
        if let Some(owner) = self.owner.to_word() {
            parts.push(("owner", owner));
        }
        if let Some(product) = &self.product {
            parts.push(("product", product.clone()));
        }
        if let Some(tag) = &self.tag {
            parts.push(("tag", tag.clone()));
        }
        if self.created_within != Within::AnyTime {
            parts.push(("range", self.created_within.as_str().to_owned()));
        }
        if self.closed_within != Within::AnyTime {
            parts.push(("closed", self.closed_within.as_str().to_owned()));
        }
        if !self.search.trim().is_empty() {
            parts.push(("q", self.search.trim().to_owned()));
        }
        if self.sort != default.sort {
            parts.push(("sort", self.sort.column.as_str().to_owned()));
            let dir = if self.sort.descending { "desc" } else { "asc" };
            parts.push(("dir", dir.to_owned()));
        }
        parts
            .into_iter()
            .map(|(key, value)| format!("{key}={}", utf8_percent_encode(&value, QUERY_VALUE)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// Whether incidents of this status are shown.
    pub fn shows_status(&self, status: IncidentStatus) -> bool {
        self.statuses.contains(&status)
    }

    /// Shows this status and no other (the overview's tiles link to such a queue).
    pub fn show_only(&mut self, status: IncidentStatus) {
        self.statuses = vec![status];
    }

    /// Shows or hides a status.
    pub fn toggle(&mut self, status: IncidentStatus) {
        toggle_in(&mut self.statuses, status);
    }

    /// Whether this severity is one of those chosen (none chosen shows every severity).
    pub fn chose_severity(&self, severity: Severity) -> bool {
        self.severities.contains(&severity)
    }

    /// Chooses or drops a severity.
    pub fn toggle_severity(&mut self, severity: Severity) {
        toggle_in(&mut self.severities, severity);
    }

    /// The search text as typed.
    pub fn search(&self) -> &str {
        &self.search
    }

    /// Searches for `text` (matched ignoring case and the spaces around it).
    pub fn set_search(&mut self, text: &str) {
        // Kept as typed, so the field does not lose a space typed between two words.
        self.search = text.to_owned();
        self.search_folded = text.trim().to_lowercase();
    }

    /// Sorts on `column`; on the column already sorted on, reverses the order.
    pub fn sort_by(&mut self, column: SortColumn) {
        self.sort = if self.sort.column == column {
            Sort {
                column,
                descending: !self.sort.descending,
            }
        } else {
            Sort {
                column,
                descending: column.first_descending(),
            }
        };
    }

    /// Whether the row passes every part but the search for `viewer`: it was not merged away,
    /// its status and severity are chosen, its owner is, it holds the chosen product's alerts
    /// and has the chosen tag, and it was created and closed in the chosen ranges.
    fn admits(&self, row: &QueueRow, viewer: Viewer<'_>, tag_key: Option<&str>) -> bool {
        row.merged_into.is_none()
            && self.shows_status(row.status)
            && (self.severities.is_empty() || self.chose_severity(row.severity))
            && self.owner.admits(row.owner.as_deref(), viewer.me)
            && self
                .product
                .as_ref()
                .is_none_or(|product| row.product_names.contains(product))
            && tag_key.is_none_or(|wanted| {
                row.tags
                    .iter()
                    .any(|tag| validation::tag_key(tag) == wanted)
            })
            && self.created_within.admits(Some(row.created), viewer.now)
            && self.closed_within.admits(row.closed, viewer.now)
    }

    /// The positions in `rows` of the rows it shows, in its order. The search finds a row's
    /// number (`123` or `#123`), its title or owner (each distinct one tested once, through
    /// `index`), a tag, or (once the workspace has loaded) its description, a comment or an
    /// entity identifier. Positions rather than copies, so a queue of 100,000 rows is ordered
    /// without copying one; each row's sort key is two numbers, made once.
    pub fn apply(&self, rows: &[QueueRow], index: &QueueIndex, viewer: Viewer<'_>) -> Vec<usize> {
        // The rows changed since the index was made: make the right one (never a wrong order).
        let fresh;
        let index = if index.len() == rows.len() {
            index
        } else {
            fresh = QueueIndex::of(rows);
            &fresh
        };
        let wanted = self.search.trim();
        let searching = !wanted.is_empty();
        // Tags are the same tag whatever their case, by the model's own rule.
        let tag_key = self.tag.as_deref().map(validation::tag_key);
        let hits = index.search(&self.search_folded);
        let number: Option<u64> = wanted.trim_start_matches('#').parse().ok();
        let in_details = memchr::memmem::Finder::new(self.search_folded.as_bytes());
        let finds = |at: usize| {
            let row = &rows[at];
            !searching
                || number == Some(row.number)
                || index.matched(&hits, at)
                || row
                    .tags
                    .iter()
                    .any(|tag| contains_ignoring_case(tag, wanted))
                || in_details.find(row.details_folded.as_bytes()).is_some()
        };
        let mut shown: Vec<(i64, u64, usize)> = (0..rows.len())
            .filter(|&at| self.admits(&rows[at], viewer, tag_key.as_deref()) && finds(at))
            .map(|at| {
                let (primary, number) = self.sort.column.key(&rows[at], index, at);
                (primary, number, at)
            })
            .collect();
        shown.sort_unstable();
        let positions = shown.into_iter().map(|(_, _, at)| at);
        if self.sort.descending {
            positions.rev().collect()
        } else {
            positions.collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// The viewer's clock in these tests: a day after the last row was created.
    fn now() -> DateTime<Utc> {
        DateTime::UNIX_EPOCH + Duration::days(1)
    }

    fn row(number: u64, status: IncidentStatus, merged_into: Option<u64>) -> QueueRow {
        QueueRow {
            status,
            merged_into,
            ..QueueRow::numbered(number)
        }
    }

    fn numbers(filter: &QueueFilter, rows: &[QueueRow], me: Option<&str>) -> Vec<u64> {
        filter
            .apply(rows, &QueueIndex::of(rows), Viewer { me, now: now() })
            .into_iter()
            .map(|index| rows[index].number)
            .collect()
    }

    #[test]
    fn the_default_shows_new_and_active_newest_first_and_hides_closed_as_sentinel_does() {
        let filter = QueueFilter::default();
        let rows = [
            row(1, IncidentStatus::New, None),
            row(2, IncidentStatus::Active, None),
            row(3, IncidentStatus::Closed, None),
        ];
        assert_eq!(numbers(&filter, &rows, None), [2, 1]);
        assert_eq!(filter.to_query(), "");
        assert_eq!(QueueFilter::from_query(""), filter);
    }

    #[test]
    fn a_filter_reads_back_from_its_query() {
        let mut filter = QueueFilter::default();
        filter.toggle(IncidentStatus::Closed);
        let rows = [
            row(3, IncidentStatus::Closed, None),
            row(4, IncidentStatus::Closed, Some(1)),
        ];
        assert_eq!(numbers(&filter, &rows, None), [3], "4 was merged away");
        assert_eq!(filter.to_query(), "status=New,Active,Closed");
        assert_eq!(QueueFilter::from_query(&filter.to_query()), filter);
        filter.toggle(IncidentStatus::New);
        filter.toggle(IncidentStatus::Active);
        filter.toggle_severity(Severity::High);
        filter.owner = OwnerFilter::Named("Ana Silva & co".into());
        filter.set_search("  phish #1 ");
        assert_eq!(
            filter.search(),
            "  phish #1 ",
            "the field keeps what was typed"
        );
        filter.sort_by(SortColumn::Title);
        assert_eq!(
            filter.to_query(),
            "status=Closed&severity=High&owner=Ana%20Silva%20%26%20co&q=phish%20%231&sort=title&dir=asc"
        );
        filter.set_search("phish #1");
        assert_eq!(QueueFilter::from_query(&filter.to_query()), filter);
    }

    #[test]
    fn a_search_being_typed_keeps_its_spaces_and_matches_without_those_around_it() {
        let mut rows: Vec<QueueRow> = (1..=2).map(|n| row(n, IncidentStatus::New, None)).collect();
        rows[0].title = "Bulk flow beacon".into();
        let mut filter = QueueFilter::default();
        filter.set_search("bulk ");
        assert_eq!(filter.search(), "bulk ");
        assert_eq!(numbers(&filter, &rows, None), [1]);
        filter.set_search(" bulk flow");
        assert_eq!(numbers(&filter, &rows, None), [1]);
        filter.set_search("   ");
        assert_eq!(
            numbers(&filter, &rows, None),
            [2, 1],
            "blank searches for nothing"
        );
        assert_eq!(filter.to_query(), "");
    }

    #[test]
    fn showing_only_one_status_is_what_its_link_says() {
        let mut filter = QueueFilter::default();
        filter.show_only(IncidentStatus::Closed);
        assert_eq!(filter.to_query(), "status=Closed");
        filter.show_only(IncidentStatus::New);
        assert!(!filter.shows_status(IncidentStatus::Active));
        assert_eq!(filter.to_query(), "status=New");
    }

    #[test]
    fn unknown_or_repeated_values_in_a_link_are_ignored() {
        let filter = QueueFilter::from_query("sort=colour&status=Closed,Severe,Closed&x=1&junk");
        assert_eq!(filter.to_query(), "status=Closed");
        let nothing = QueueFilter::from_query("status=");
        assert!(!nothing.shows_status(IncidentStatus::New));
        assert_eq!(QueueFilter::from_query(&nothing.to_query()), nothing);
    }

    #[test]
    fn a_link_naming_only_unknown_statuses_keeps_the_default_statuses() {
        let filter = QueueFilter::from_query("status=Bogus,Resolved&severity=High");
        assert!(filter.shows_status(IncidentStatus::New));
        assert!(filter.shows_status(IncidentStatus::Active));
        assert_eq!(filter.to_query(), "severity=High");
    }

    #[test]
    fn clearing_the_filters_keeps_only_the_order() {
        let filter =
            QueueFilter::from_query("status=Closed&severity=High&q=vpn&sort=title&dir=asc");
        let cleared = filter.cleared();
        assert_eq!(cleared.to_query(), "sort=title&dir=asc");
        assert_eq!(cleared.cleared(), cleared);
    }

    #[test]
    fn severity_owner_and_search_narrow_the_queue() {
        let mut rows: Vec<QueueRow> = (1..=4).map(|n| row(n, IncidentStatus::New, None)).collect();
        rows[0].severity = Severity::High;
        rows[0].owner = Some("Ana Silva".into());
        rows[1].owner = Some("Bo Chen".into());
        rows[2].title = "Phishing wave".into();
        rows[3].tags = vec!["PhishKit".into()];
        let mut filter = QueueFilter::default();
        filter.toggle_severity(Severity::High);
        assert_eq!(numbers(&filter, &rows, None), [1]);
        filter.toggle_severity(Severity::High);
        filter.owner = OwnerFilter::Unassigned;
        assert_eq!(numbers(&filter, &rows, None), [4, 3]);
        filter.owner = OwnerFilter::Me;
        assert_eq!(numbers(&filter, &rows, Some("Bo Chen")), [2]);
        assert!(numbers(&filter, &rows, None).is_empty(), "nobody is me");
        filter.owner = OwnerFilter::Named("Ana Silva".into());
        assert_eq!(numbers(&filter, &rows, None), [1]);
        filter.owner = OwnerFilter::Anyone;
        filter.set_search("PHISH");
        assert_eq!(numbers(&filter, &rows, None), [4, 3]);
        filter.set_search("#2");
        assert_eq!(numbers(&filter, &rows, None), [2]);
        filter.set_search("silva");
        assert_eq!(numbers(&filter, &rows, None), [1]);
        rows[2].title = "Hameçonnage ÉTENDU".into();
        filter.set_search("étendu");
        assert_eq!(numbers(&filter, &rows, None), [3], "beyond ASCII too");
    }

    #[test]
    fn closed_within_counts_the_closing_not_the_creation_and_reads_back_from_the_address() {
        let closed = |number: u64, created_days_ago: i64, closed_days_ago: Option<i64>| QueueRow {
            created: now() - Duration::days(created_days_ago),
            closed: closed_days_ago.map(|days| now() - Duration::days(days)),
            ..row(number, IncidentStatus::Closed, None)
        };
        let rows = [
            // Created long ago, closed this week: the overview's Closed tile counts it.
            closed(1, 40, Some(2)),
            // Created and closed this week.
            closed(2, 3, Some(1)),
            // Closed before the week.
            closed(3, 60, Some(20)),
            // Closed, but its closing time is not known yet (a stored row before the load).
            closed(4, 5, None),
            row(5, IncidentStatus::Active, None),
        ];
        let mut filter = QueueFilter::from_query("status=Closed,Active&closed=7d");
        assert_eq!(filter.closed_within, Within::Week);
        assert_eq!(
            numbers(&filter, &rows, None),
            [2, 1],
            "an open one was never closed"
        );
        filter.closed_within = Within::AnyTime;
        filter.created_within = Within::Week;
        assert_eq!(
            numbers(&filter, &rows, None),
            [5, 2, 4],
            "by creation instead"
        );
        filter.created_within = Within::AnyTime;
        filter.closed_within = Within::Day;
        assert_eq!(numbers(&filter, &rows, None), [2]);
        assert_eq!(filter.to_query(), "status=Active,Closed&closed=24h");
        assert_eq!(QueueFilter::from_query(&filter.to_query()), filter);
    }

    #[test]
    fn product_tag_and_age_narrow_the_queue_and_read_back_from_the_address() {
        let mut rows: Vec<QueueRow> = (1..=4).map(|n| row(n, IncidentStatus::New, None)).collect();
        rows[0].product_names = vec!["Microsoft Defender for Endpoint".into()];
        rows[1].product_names = vec!["Palo Alto Networks PAN-OS".into()];
        rows[1].tags = vec!["Ransomware".into()];
        rows[2].tags = vec!["ransomware".into(), "VIP".into()];
        // Row 4 is 25 hours older than the viewer's now; the others a few minutes less so.
        rows[3].created = now() - Duration::hours(25);
        let mut filter = QueueFilter {
            product: Some("Palo Alto Networks PAN-OS".into()),
            ..QueueFilter::default()
        };
        assert_eq!(numbers(&filter, &rows, None), [2]);
        filter.product = None;
        filter.tag = Some("RANSOMWARE".into());
        assert_eq!(numbers(&filter, &rows, None), [3, 2], "any case");
        filter.tag = None;
        filter.created_within = Within::Day;
        assert_eq!(numbers(&filter, &rows, None), [3, 2, 1]);
        filter.created_within = Within::Week;
        assert_eq!(numbers(&filter, &rows, None).len(), 4);

        filter.product = Some("Palo Alto Networks PAN-OS".into());
        filter.tag = Some("Ransomware".into());
        assert_eq!(
            filter.to_query(),
            "product=Palo%20Alto%20Networks%20PAN-OS&tag=Ransomware&range=7d"
        );
        assert_eq!(QueueFilter::from_query(&filter.to_query()), filter);
        assert_eq!(
            QueueFilter::from_query("range=forever&product=&tag=%20").to_query(),
            "",
            "unknown or empty values are the default"
        );
    }

    #[test]
    fn the_search_reaches_the_details_once_the_workspace_has_folded_them() {
        let mut rows: Vec<QueueRow> = (1..=3).map(|n| row(n, IncidentStatus::New, None)).collect();
        rows[0].details_folded = "lateral movement from web01\u{1}10.0.0.5".into();
        rows[1].details_folded = "called the user".into();
        let mut filter = QueueFilter::default();
        filter.set_search("WEB01");
        assert_eq!(numbers(&filter, &rows, None), [1]);
        filter.set_search("Called");
        assert_eq!(numbers(&filter, &rows, None), [2]);
    }

    proptest::proptest! {
        /// Ordering through the index's ranks gives what sorting the folded words themselves
        /// gives, ties by number, for any titles, owners, column and direction; and a search
        /// through the index finds exactly the rows whose folded title or owner contains it.
        #[test]
        fn the_index_orders_and_searches_as_the_words_themselves_do(
            words in proptest::collection::vec(("[aAbB]{0,3}", proptest::option::of("[aAé]{1,2}")), 0..40),
            column in 0..SortColumn::ALL.len(),
            flips in 0..2usize,
            query in "[abé]{0,2}",
        ) {
            let rows: Vec<QueueRow> = words
                .iter()
                .enumerate()
                .map(|(at, (title, owner))| QueueRow {
                    title: title.clone(),
                    owner: owner.clone(),
                    ..row(at as u64 + 1, IncidentStatus::New, None)
                })
                .collect();
            let mut filter = QueueFilter::default();
            for _ in 0..=flips {
                filter.sort_by(SortColumn::ALL[column]);
            }
            let fold = |text: &str| text.to_lowercase();
            let mut expected: Vec<&QueueRow> = rows.iter().collect();
            expected.sort_by_key(|row| {
                let word = match SortColumn::ALL[column] {
                    SortColumn::Title => (0, fold(&row.title)),
                    SortColumn::Owner => row.owner.as_deref().map_or((1, String::new()), |owner| (0, fold(owner))),
                    _ => (0, String::new()),
                };
                let amount = match SortColumn::ALL[column] {
                    SortColumn::Number | SortColumn::Title | SortColumn::Owner => 0,
                    SortColumn::Severity => -(row.severity as i64),
                    SortColumn::Status => row.status as i64,
                    SortColumn::Alerts => row.alerts as i64,
                    SortColumn::Created => row.created.timestamp_millis(),
                    SortColumn::Modified => row.modified.timestamp_millis(),
                };
                (word, amount, row.number)
            });
            if filter.sort.descending {
                expected.reverse();
            }
            let expected: Vec<u64> = expected.into_iter().map(|row| row.number).collect();
            proptest::prop_assert_eq!(numbers(&filter, &rows, None), expected);

            filter.set_search(&query);
            let found: BTreeSet<u64> = numbers(&filter, &rows, None).into_iter().collect();
            let wanted: BTreeSet<u64> = rows
                .iter()
                .filter(|row| {
                    query.is_empty()
                        || fold(&row.title).contains(&fold(&query))
                        || row.owner.as_deref().is_some_and(|owner| fold(owner).contains(&fold(&query)))
                })
                .map(|row| row.number)
                .collect();
            proptest::prop_assert_eq!(found, wanted);
        }
    }

    #[test]
    fn a_header_sorts_its_column_and_again_reverses_it() {
        let mut rows: Vec<QueueRow> = (1..=3).map(|n| row(n, IncidentStatus::New, None)).collect();
        rows[0].title = "beta".into();
        rows[1].title = "Alpha".into();
        rows[2].title = "gamma".into();
        rows[0].severity = Severity::Low;
        rows[2].severity = Severity::High;
        rows[1].owner = Some("Zoe".into());
        let mut filter = QueueFilter::default();
        filter.sort_by(SortColumn::Title);
        assert_eq!(numbers(&filter, &rows, None), [2, 1, 3]);
        filter.sort_by(SortColumn::Title);
        assert_eq!(numbers(&filter, &rows, None), [3, 1, 2]);
        filter.sort_by(SortColumn::Severity);
        assert_eq!(
            numbers(&filter, &rows, None),
            [3, 2, 1],
            "most severe first"
        );
        filter.sort_by(SortColumn::Owner);
        assert_eq!(numbers(&filter, &rows, None)[0], 2, "owned before unowned");
        filter.sort_by(SortColumn::Created);
        assert_eq!(numbers(&filter, &rows, None), [3, 2, 1]);
        assert_eq!(filter.to_query(), "", "newest first is the default");
    }
}
