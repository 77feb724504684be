//! The overview's figures: how things stand for a period, as pure functions of the workspace.
//! Every figure counts the incidents created in the period (closing counts those closed in
//! it), leaves out incidents merged into others (they live on in their survivor), and compares
//! response times with the period of equal length just before.

use chrono::{DateTime, Duration, Utc};
use rustc_hash::FxHashMap;

use super::correlation::{Correlation, EntityId};
use super::incident::{Incident, Tracked};
use super::vocabulary::{Classification, IncidentStatus, Severity, Tactic};
use super::workspace::Workspace;

/// How many entries the top lists hold.
pub const TOP: usize = 5;
/// How many recent incidents the overview lists.
pub const RECENT: usize = 10;

/// A span of time, both ends included: "the last 7 days" ends now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// Its first instant.
    pub start: DateTime<Utc>,
    /// Its last instant.
    pub end: DateTime<Utc>,
}

impl Period {
    /// The `length` up to `end`.
    pub fn ending(end: DateTime<Utc>, length: Duration) -> Period {
        Period {
            start: end - length,
            end,
        }
    }

    /// The period of equal length just before this one, for trends.
    pub fn previous(self) -> Period {
        let length = self.end - self.start;
        Period {
            start: self.start - length,
            end: self.start - Duration::milliseconds(1),
        }
    }

    /// Whether `time` falls in it.
    pub fn contains(self, time: DateTime<Utc>) -> bool {
        self.start <= time && time <= self.end
    }

    /// The chart's bars: hours for up to two days, days for up to 62, weeks beyond. Hours and
    /// days are the clock's (UTC), so a bar labelled Dec 2 holds Dec 2, and the first and last
    /// bars hold the part of theirs the period covers; weeks run from the period's start.
    pub fn buckets(self) -> Vec<Period> {
        let length = self.end - self.start;
        let (step, on_the_clock) = if length <= Duration::days(2) {
            (Duration::hours(1), true)
        } else if length <= Duration::days(62) {
            (Duration::days(1), true)
        } else {
            (Duration::weeks(1), false)
        };
        let mut buckets = Vec::new();
        let mut start = self.start;
        let mut next = if on_the_clock {
            next_boundary(start, step)
        } else {
            start + step
        };
        loop {
            if next >= self.end {
                buckets.push(Period {
                    start,
                    end: self.end,
                });
                return buckets;
            }
            buckets.push(Period {
                start,
                end: next - Duration::milliseconds(1),
            });
            start = next;
            next = start + step;
        }
    }
}

/// The first whole hour or UTC midnight (as `step` is) after `time`.
fn next_boundary(time: DateTime<Utc>, step: Duration) -> DateTime<Utc> {
    let step_ms = step.num_milliseconds();
    let boundary = (time.timestamp_millis().div_euclid(step_ms) + 1) * step_ms;
    DateTime::from_timestamp_millis(boundary).unwrap_or(time + step)
}

/// The most labels the chart's time axis carries: more would run into each other.
pub const TIME_AXIS_LABELS_MAX: usize = 8;

/// The chart's time axis, one entry per bar: when the bar begins, under every bar or under
/// evenly spaced ones (the first always) so that no more than [`TIME_AXIS_LABELS_MAX`] show,
/// `None` under the others. Longer bars read as dates; hourly ones as times of day, with the
/// date at the first label and at the first of each new day, so two days never look alike.
pub fn time_axis(buckets: &[Period]) -> Vec<Option<String>> {
    let every = buckets.len().div_ceil(TIME_AXIS_LABELS_MAX).max(1);
    // Asked of every bar: the first and last may be a few minutes of a day.
    let hourly = buckets
        .iter()
        .all(|bucket| bucket.end - bucket.start < Duration::hours(2));
    let mut last_day = None;
    buckets
        .iter()
        .enumerate()
        .map(|(position, bucket)| {
            if position % every != 0 {
                return None;
            }
            let day = bucket.start.date_naive();
            let format = match (hourly, last_day.replace(day) == Some(day)) {
                (false, _) => "%b %-d",
                (true, true) => "%H:%M",
                (true, false) => "%b %-d %H:%M",
            };
            Some(bucket.start.format(format).to_string())
        })
        .collect()
}

/// Counts by severity, in `Severity::ALL` order (High first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BySeverity(pub [usize; 4]);

impl BySeverity {
    fn add(&mut self, severity: Severity) {
        self.0[severity as usize] += 1;
    }

    /// How many of this severity.
    pub fn of(&self, severity: Severity) -> usize {
        self.0[severity as usize]
    }

    /// How many in all.
    pub fn total(&self) -> usize {
        self.0.iter().sum()
    }
}

/// The bands the response-time charts count incidents in, each with its upper bound.
pub const RESPONSE_BANDS: [(&str, i64); 6] = [
    ("under 1 hour", 1),
    ("1 to 4 hours", 4),
    ("4 to 24 hours", 24),
    ("1 to 3 days", 72),
    ("3 to 7 days", 168),
    ("over 7 days", i64::MAX),
];

/// One response time over the period: its mean, the previous period's, and how the incidents
/// spread over [`RESPONSE_BANDS`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResponseTime {
    /// The mean over the period's incidents that got there; `None` when none did.
    pub mean: Option<Duration>,
    /// The same over the previous period of equal length.
    pub previous_mean: Option<Duration>,
    /// How many of the period's incidents fall in each band.
    pub bands: [usize; RESPONSE_BANDS.len()],
}

impl ResponseTime {
    /// The response time of `durations` (this period's) against `previous` (the one before).
    fn of(durations: &[Duration], previous: &[Duration]) -> ResponseTime {
        let mut bands = [0; RESPONSE_BANDS.len()];
        for duration in durations {
            let hours = duration.num_minutes() as f64 / 60.0;
            let band = RESPONSE_BANDS
                .iter()
                .position(|(_, upper)| hours < *upper as f64)
                .unwrap_or(RESPONSE_BANDS.len() - 1);
            bands[band] += 1;
        }
        ResponseTime {
            mean: mean(durations),
            previous_mean: mean(previous),
            bands,
        }
    }
}

/// The mean of some durations, to the second.
fn mean(durations: &[Duration]) -> Option<Duration> {
    let count = i64::try_from(durations.len())
        .ok()
        .filter(|count| *count > 0)?;
    let total: i64 = durations.iter().map(Duration::num_seconds).sum();
    Some(Duration::seconds(total / count))
}

/// A response time in words, to the minute: "45 min", "1 h 10 min", "5 d 2 h".
pub fn in_words(duration: Duration) -> String {
    let minutes = duration.num_minutes().max(0);
    let (days, hours, minutes) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    match (days, hours, minutes) {
        (0, 0, 0) => "under 1 min".to_owned(),
        (0, 0, minutes) => format!("{minutes} min"),
        (0, hours, 0) => format!("{hours} h"),
        (0, hours, minutes) => format!("{hours} h {minutes} min"),
        (days, 0, _) => format!("{days} d"),
        (days, hours, _) => format!("{days} d {hours} h"),
    }
}

impl ResponseTime {
    /// How the mean compares with the previous period's, in words (never by colour alone):
    /// "20% faster than the previous period"; `None` when either has no mean.
    pub fn trend(&self) -> Option<String> {
        let (now, before) = (self.mean?.num_seconds(), self.previous_mean?.num_seconds());
        if before == 0 {
            return (now == 0).then(|| "the same as the previous period".to_owned());
        }
        let change = (now - before) as f64 / before as f64 * 100.0;
        Some(match change.round() as i64 {
            0 => "the same as the previous period".to_owned(),
            percent if percent < 0 => format!("{}% faster than the previous period", -percent),
            percent => format!("{percent}% slower than the previous period"),
        })
    }
}

/// When an analyst first took an incident up: its status left New or it was given an owner.
/// One that started Active, Closed or with an owner (as the first change of each says, or as
/// it is when nothing changed them) was taken up when created; one still New and unowned has
/// not been.
pub fn acknowledged_at(incident: &Incident) -> Option<DateTime<Utc>> {
    let first_of = |what: Tracked| incident.activity.iter().find(|entry| entry.what == what);
    let (first_status, first_owner) = (first_of(Tracked::Status), first_of(Tracked::Owner));
    let started_new = first_status.map_or(incident.status == IncidentStatus::New, |entry| {
        entry.from.as_deref() == Some(IncidentStatus::New.as_str())
    });
    let started_unowned =
        first_owner.map_or(incident.owner.is_none(), |entry| entry.from.is_none());
    if !started_new || !started_unowned {
        return Some(incident.created);
    }
    incident
        .activity
        .iter()
        .find(|entry| match entry.what {
            Tracked::Status => entry.to.as_deref() != Some(IncidentStatus::New.as_str()),
            Tracked::Owner => entry.to.is_some(),
            _ => false,
        })
        .map(|entry| entry.at)
}

/// Everything the overview shows for one period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overview {
    /// The period.
    pub period: Period,
    /// Incidents created in the period and still New.
    pub new: usize,
    /// Incidents created in the period and now Active.
    pub active: usize,
    /// The open ones (New or Active) by severity.
    pub open_by_severity: BySeverity,
    /// Incidents created in the period.
    pub created: usize,
    /// Incidents closed in the period, whenever created.
    pub closed: usize,
    /// Open incidents created in the period that nobody owns.
    pub unassigned: usize,
    /// Incidents created in each of the period's buckets, by severity.
    pub over_time: Vec<(Period, BySeverity)>,
    /// Created to first taken up (Active, or an owner).
    pub acknowledge: ResponseTime,
    /// Created to Closed.
    pub close: ResponseTime,
    /// Incidents closed in the period by their classification, in `Classification::ALL` order.
    pub classifications: Vec<(Classification, usize)>,
    /// The entities named by the most incidents created in the period, most first.
    pub top_entities: Vec<(String, usize)>,
    /// The products whose alerts are in the most incidents, most first.
    pub top_products: Vec<(String, usize)>,
    /// The tactics of the most incidents, most first.
    pub top_tactics: Vec<(Tactic, usize)>,
    /// The most recently created incidents, newest first, by number.
    pub recent: Vec<u64>,
}

/// The `TOP` largest counts, largest first; ties in the keys' order.
fn top<K: Ord>(counts: impl Iterator<Item = (K, usize)>) -> Vec<(K, usize)> {
    let mut counted: Vec<(K, usize)> = counts.collect();
    counted.sort_by(|(a, count_a), (b, count_b)| count_b.cmp(count_a).then_with(|| a.cmp(b)));
    counted.truncate(TOP);
    counted
}

/// One live incident as the overview counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Facts {
    number: u64,
    created: DateTime<Utc>,
    acknowledged: Option<DateTime<Utc>>,
    closed: Option<DateTime<Utc>>,
    classification: Option<Classification>,
    severity: Severity,
    status: IncidentStatus,
    owned: bool,
    /// Its tactics, one bit each (`Tactic as u32`).
    tactics: u32,
    /// Its products, by their ids in the table.
    products: Box<[u16]>,
    /// The strong entities its alerts name.
    entities: Box<[EntityId]>,
}

/// What the overview counts of every live incident, one compact row each in number order:
/// kept up to date as incidents change and read for any period, so a change of period, or
/// another visit to the page, reads a few bytes per incident rather than each incident's
/// scattered fields.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OverviewTable {
    facts: Vec<Facts>,
    /// Product names by id; ids are never reused, so the rows' ids stay right.
    product_names: Vec<String>,
}

impl OverviewTable {
    /// The table of `workspace`'s live incidents (those merged away are left out).
    pub fn of(workspace: &Workspace) -> OverviewTable {
        let mut table = OverviewTable::default();
        let live = workspace.incidents().filter(|i| i.merged_into.is_none());
        for incident in live {
            let facts = table.facts_of(incident, workspace.correlation());
            table.facts.push(facts);
        }
        table
    }

    /// Brings the rows of these incidents up to date after a change (adding, replacing and
    /// removing rows as they came, changed, went or were merged away). A change touching much
    /// of the workspace is cheaper made again whole.
    pub fn refresh(&mut self, workspace: &Workspace, numbers: &[u64]) {
        if numbers.len() > self.facts.len() / 8 + 64 {
            *self = OverviewTable::of(workspace);
            return;
        }
        for &number in numbers {
            let position = self
                .facts
                .binary_search_by_key(&number, |facts| facts.number);
            let live = workspace
                .incident(number)
                .filter(|incident| incident.merged_into.is_none());
            match (position, live) {
                (Ok(at), Some(incident)) => {
                    self.facts[at] = self.facts_of(incident, workspace.correlation());
                }
                (Ok(at), None) => {
                    self.facts.remove(at);
                }
                (Err(at), Some(incident)) => {
                    let facts = self.facts_of(incident, workspace.correlation());
                    self.facts.insert(at, facts);
                }
                (Err(_), None) => {}
            }
        }
    }

    fn facts_of(&mut self, incident: &Incident, correlation: &Correlation) -> Facts {
        Facts {
            number: incident.number,
            created: incident.created,
            acknowledged: acknowledged_at(incident),
            closed: incident.last_closed(),
            classification: incident.closing.as_ref().map(|c| c.classification()),
            severity: incident.severity,
            status: incident.status,
            owned: incident.owner.is_some(),
            tactics: incident
                .tactics
                .iter()
                .fold(0, |bits, tactic| bits | 1 << (*tactic as u32)),
            products: incident
                .product_names
                .iter()
                .map(|name| self.product_id(name))
                .collect(),
            entities: correlation.entity_ids_of(incident.number).collect(),
        }
    }

    /// The id of a product name, given the first time it is seen. A workspace has a few
    /// products, whose names share their beginnings ("Microsoft Defender for …"), so they are
    /// told apart by length and last byte before the whole names are compared.
    fn product_id(&mut self, name: &str) -> u16 {
        let same = |known: &String| {
            known.len() == name.len()
                && known.as_bytes().last() == name.as_bytes().last()
                && known == name
        };
        match self.product_names.iter().position(same) {
            Some(id) => id as u16,
            None => {
                self.product_names.push(name.to_owned());
                (self.product_names.len() - 1) as u16
            }
        }
    }

    /// The overview over `period`; `correlation` names the top entities.
    pub fn overview(&self, correlation: &Correlation, period: Period) -> Overview {
        let previous = period.previous();
        let buckets = period.buckets();
        let mut overview = Overview {
            period,
            new: 0,
            active: 0,
            open_by_severity: BySeverity::default(),
            created: 0,
            closed: 0,
            unassigned: 0,
            over_time: buckets
                .iter()
                .map(|bucket| (*bucket, BySeverity::default()))
                .collect(),
            acknowledge: ResponseTime::default(),
            close: ResponseTime::default(),
            classifications: Vec::new(),
            top_entities: Vec::new(),
            top_products: Vec::new(),
            top_tactics: Vec::new(),
            recent: Vec::new(),
        };
        let (mut acknowledge, mut acknowledge_before) = (Vec::new(), Vec::new());
        let (mut close, mut close_before) = (Vec::new(), Vec::new());
        let mut classifications = [0usize; 4];
        let mut products = vec![0usize; self.product_names.len()];
        let mut tactics = [0usize; 32];
        let mut entities: FxHashMap<EntityId, usize> = FxHashMap::default();
        let mut in_period: Vec<(DateTime<Utc>, u64)> = Vec::new();
        for facts in &self.facts {
            if let Some(at) = facts.closed
                && period.contains(at)
            {
                overview.closed += 1;
                if let Some(classification) = facts.classification {
                    classifications[classification as usize] += 1;
                }
            }
            let response = |until: Option<DateTime<Utc>>| until.map(|at| at - facts.created);
            if previous.contains(facts.created) {
                acknowledge_before.extend(response(facts.acknowledged));
                close_before.extend(response(facts.closed));
                continue;
            }
            if !period.contains(facts.created) {
                continue;
            }
            in_period.push((facts.created, facts.number));
            overview.created += 1;
            acknowledge.extend(response(facts.acknowledged));
            close.extend(response(facts.closed));
            let bucket = buckets.partition_point(|bucket| bucket.end < facts.created);
            if let Some((_, counts)) = overview.over_time.get_mut(bucket) {
                counts.add(facts.severity);
            }
            match facts.status {
                IncidentStatus::New => overview.new += 1,
                IncidentStatus::Active => overview.active += 1,
                IncidentStatus::Closed => {}
            }
            if facts.status != IncidentStatus::Closed {
                overview.open_by_severity.add(facts.severity);
                if !facts.owned {
                    overview.unassigned += 1;
                }
            }
            for &id in &facts.products {
                products[id as usize] += 1;
            }
            for (bit, count) in tactics.iter_mut().enumerate() {
                if facts.tactics & (1 << bit) != 0 {
                    *count += 1;
                }
            }
            for &id in &facts.entities {
                *entities.entry(id).or_default() += 1;
            }
        }
        overview.acknowledge = ResponseTime::of(&acknowledge, &acknowledge_before);
        overview.close = ResponseTime::of(&close, &close_before);
        overview.classifications = Classification::ALL
            .iter()
            .map(|classification| (*classification, classifications[*classification as usize]))
            .collect();
        overview.top_products = top(self
            .product_names
            .iter()
            .zip(products)
            .filter(|(_, count)| *count > 0)
            .map(|(name, count)| (name.clone(), count)));
        overview.top_tactics = top(Tactic::ALL
            .iter()
            .map(|tactic| (*tactic, tactics[*tactic as usize]))
            .filter(|(_, count)| *count > 0));
        overview.top_entities = top_named(entities, |id| correlation.entity_name(id));
        // Only the newest few are wanted: selected, not the whole period sorted.
        let newest = in_period.len().min(RECENT);
        if in_period.len() > RECENT {
            in_period.select_nth_unstable_by(RECENT - 1, |a, b| b.cmp(a));
        }
        in_period.truncate(newest);
        in_period.sort_unstable_by(|a, b| b.cmp(a));
        overview.recent = in_period.into_iter().map(|(_, number)| number).collect();
        overview
    }
}

impl Overview {
    /// The overview of `workspace` over `period` (the page keeps the table between periods).
    pub fn of(workspace: &Workspace, period: Period) -> Overview {
        OverviewTable::of(workspace).overview(workspace.correlation(), period)
    }
}

/// The `TOP` most counted of `counts` in words, most first, ties by name: only those that can
/// make the list (counted at least as often as its last place) are put in words.
fn top_named(
    counts: FxHashMap<EntityId, usize>,
    name: impl Fn(EntityId) -> String,
) -> Vec<(String, usize)> {
    let mut counted: Vec<(EntityId, usize)> = counts.into_iter().collect();
    counted.sort_unstable_by_key(|&(_, count)| std::cmp::Reverse(count));
    let Some(&(_, last_place)) = counted.get(TOP - 1).or(counted.last()) else {
        return Vec::new();
    };
    top(counted
        .into_iter()
        .take_while(|(_, count)| *count >= last_place)
        .map(|(id, count)| (name(id), count)))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use uuid::Uuid;

    use super::*;
    use crate::closing::{Closing, ClosingChoice};
    use crate::draft::IncidentDraft;
    use crate::incident::Edit;
    use crate::people::{Actor, Owner};

    /// The end of the periods in these tests.
    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap()
    }

    fn week() -> Period {
        Period::ending(now(), Duration::days(7))
    }

    /// Creates an incident `age` before now with `severity`; returns its number.
    fn create(workspace: &mut Workspace, age: Duration, severity: Severity) -> u64 {
        let draft = IncidentDraft {
            title: "Suspicious sign-in".into(),
            severity,
            ..IncidentDraft::default()
        };
        let number = workspace.next_number();
        workspace
            .create(
                Uuid::from_u128(u128::from(number)),
                draft.validate().unwrap(),
                &Actor::named("Ana Silva"),
                now() - age,
            )
            .number
    }

    /// Changes incident `number` `after` its creation.
    fn change(
        workspace: &mut Workspace,
        number: u64,
        after: Duration,
        operation: impl FnOnce(&mut Incident, Edit<'_>),
    ) {
        let incident = workspace.incident_mut(number).unwrap();
        let (etag, at) = (incident.etag.clone(), incident.created + after);
        let by = Actor::named("Ana Silva");
        operation(
            incident,
            Edit {
                by: &by,
                at,
                etag: &etag,
            },
        );
    }

    fn close(choice: ClosingChoice) -> impl FnOnce(&mut Incident, Edit<'_>) {
        move |incident, edit| {
            incident
                .close(edit, Closing::from_choice(choice, ""))
                .unwrap()
        }
    }

    #[test]
    fn an_empty_workspace_counts_nothing_and_has_no_means() {
        let overview = Overview::of(&Workspace::default(), week());
        assert_eq!(
            (overview.created, overview.closed, overview.unassigned),
            (0, 0, 0)
        );
        assert_eq!((overview.new, overview.active), (0, 0));
        assert_eq!(overview.acknowledge, ResponseTime::default());
        assert_eq!(overview.close.mean, None);
        assert_eq!(
            overview.over_time.len(),
            8,
            "a bar a calendar day, the first and last half days from noon"
        );
        assert!(
            overview
                .over_time
                .iter()
                .all(|(_, counts)| counts.total() == 0)
        );
        assert!(
            overview
                .classifications
                .iter()
                .all(|(_, count)| *count == 0)
        );
        assert!(overview.recent.is_empty() && overview.top_entities.is_empty());
    }

    #[test]
    fn a_week_of_incidents_gives_the_hand_counted_figures() {
        let mut workspace = Workspace::default();
        // Still New, nobody owns it.
        let a = create(&mut workspace, Duration::days(2), Severity::High);
        // Taken up after 2 hours, closed as a true positive after 10.
        let b = create(&mut workspace, Duration::days(3), Severity::Medium);
        change(&mut workspace, b, Duration::hours(2), |incident, edit| {
            incident.set_status(edit, IncidentStatus::Active).unwrap()
        });
        change(
            &mut workspace,
            b,
            Duration::hours(10),
            close(ClosingChoice::TruePositiveSuspiciousActivity),
        );
        // Given an owner after 30 minutes, still New.
        let c = create(&mut workspace, Duration::days(1), Severity::Low);
        change(
            &mut workspace,
            c,
            Duration::minutes(30),
            |incident, edit| {
                incident
                    .set_owner(edit, Some(Owner::person("Ana Silva", "ana@contoso.com")))
                    .unwrap()
            },
        );
        // Created the week before, closed as a false positive in this one, five days on.
        let d = create(&mut workspace, Duration::days(10), Severity::High);
        change(
            &mut workspace,
            d,
            Duration::days(5),
            close(ClosingChoice::FalsePositiveIncorrectAlertLogic),
        );
        // Closed after an hour, then reopened: open again, not closed.
        let e = create(&mut workspace, Duration::days(4), Severity::Informational);
        change(
            &mut workspace,
            e,
            Duration::hours(1),
            close(ClosingChoice::BenignPositiveSuspiciousButExpected),
        );
        change(&mut workspace, e, Duration::hours(2), |incident, edit| {
            incident.reopen(edit).unwrap()
        });

        let overview = Overview::of(&workspace, week());
        assert_eq!(overview.created, 4, "a, b, c and e");
        assert_eq!((overview.new, overview.active), (2, 1));
        assert_eq!(overview.closed, 2, "b, and d, created before the week");
        assert_eq!(overview.unassigned, 2, "a and e");
        assert_eq!(overview.open_by_severity.0, [1, 0, 1, 1]);
        assert_eq!(
            overview.classifications,
            [
                (Classification::TruePositive, 1),
                (Classification::BenignPositive, 0),
                (Classification::FalsePositive, 1),
                (Classification::Undetermined, 0),
            ]
        );
        // Taken up: b after 2 h, c after 30 min, e after 1 h (closing takes it up); a not yet.
        assert_eq!(overview.acknowledge.mean, Some(Duration::minutes(70)));
        assert_eq!(overview.acknowledge.previous_mean, Some(Duration::days(5)));
        assert_eq!(overview.acknowledge.bands, [1, 2, 0, 0, 0, 0]);
        // Closed: only b (e was reopened); d was created the week before.
        assert_eq!(overview.close.mean, Some(Duration::hours(10)));
        assert_eq!(overview.close.previous_mean, Some(Duration::days(5)));
        assert_eq!(overview.close.bands, [0, 0, 1, 0, 0, 0]);
        assert_eq!(overview.recent, [c, a, b, e]);
        let per_day: Vec<usize> = overview
            .over_time
            .iter()
            .map(|(_, counts)| counts.total())
            .collect();
        // From Nov 23 noon: e on Nov 26, b, a and c on the days after, none this morning.
        assert_eq!(per_day, [0, 0, 0, 1, 1, 1, 1, 0]);
        assert_eq!(
            overview.over_time[5].1.of(Severity::High),
            1,
            "a, two days ago"
        );
    }

    #[test]
    fn an_incident_created_closed_or_owned_was_taken_up_when_created() {
        let mut workspace = Workspace::default();
        let owned = {
            let draft = IncidentDraft {
                title: "Owned from the start".into(),
                owner: Some(Owner::person("Bo Chen", "bo@contoso.com")),
                ..IncidentDraft::default()
            };
            workspace
                .create(
                    Uuid::nil(),
                    draft.validate().unwrap(),
                    &Actor::named("Bo Chen"),
                    now() - Duration::hours(3),
                )
                .number
        };
        let incident = workspace.incident(owned).unwrap();
        assert_eq!(acknowledged_at(incident), Some(incident.created));
        assert_eq!(incident.last_closed(), None, "still open");
        // Given to someone else later, and closed: still taken up when created.
        change(
            &mut workspace,
            owned,
            Duration::hours(1),
            |incident, edit| {
                incident
                    .set_owner(edit, Some(Owner::person("Cy Diaz", "cy@contoso.com")))
                    .unwrap()
            },
        );
        change(
            &mut workspace,
            owned,
            Duration::hours(2),
            close(ClosingChoice::TruePositiveSuspiciousActivity),
        );
        let incident = workspace.incident(owned).unwrap();
        assert_eq!(acknowledged_at(incident), Some(incident.created));
    }

    #[test]
    fn top_products_tactics_and_entities_count_the_periods_incidents_once_each() {
        let mut workspace = Workspace::default();
        let feed =
            crate::synthetic::AlertFeed::new(3, 30, now() - Duration::days(2), Duration::days(1))
                .batch(200, 200);
        crate::correlation::ingest_at(&mut workspace, feed, now() - Duration::hours(1));
        let overview = Overview::of(&workspace, week());
        let live: Vec<&Incident> = workspace
            .incidents()
            .filter(|incident| incident.merged_into.is_none())
            .collect();
        assert_eq!(overview.created, live.len());
        for (product, count) in &overview.top_products {
            let naming = live
                .iter()
                .filter(|incident| incident.product_names.contains(product))
                .count();
            assert_eq!(*count, naming, "{product}");
        }
        for (tactic, count) in &overview.top_tactics {
            let naming = live
                .iter()
                .filter(|incident| incident.tactics.contains(tactic))
                .count();
            assert_eq!(*count, naming, "{tactic:?}");
        }
        let correlation = workspace.correlation();
        for (entity, count) in &overview.top_entities {
            let naming = live
                .iter()
                .filter(|incident| {
                    correlation
                        .entity_ids_of(incident.number)
                        .any(|id| correlation.entity_name(id) == *entity)
                })
                .count();
            assert_eq!(*count, naming, "{entity}");
        }
        assert_eq!(overview.top_entities.len(), TOP);
        assert!(
            overview
                .top_products
                .windows(2)
                .all(|pair| pair[0].1 >= pair[1].1)
        );
    }

    #[test]
    fn a_refreshed_table_is_the_table_made_again() {
        let mut workspace = Workspace::default();
        let a = create(&mut workspace, Duration::days(2), Severity::High);
        let b = create(&mut workspace, Duration::days(1), Severity::Low);
        let mut table = OverviewTable::of(&workspace);
        change(&mut workspace, a, Duration::hours(1), |incident, edit| {
            incident.set_status(edit, IncidentStatus::Active).unwrap()
        });
        let c = create(&mut workspace, Duration::hours(5), Severity::Medium);
        workspace.delete(&[b]);
        table.refresh(&workspace, &[a, b, c]);
        assert_eq!(table, OverviewTable::of(&workspace));
        assert_eq!(
            table.overview(workspace.correlation(), week()),
            Overview::of(&workspace, week())
        );
    }

    #[test]
    fn response_times_read_in_words_with_their_trend() {
        assert_eq!(in_words(Duration::seconds(20)), "under 1 min");
        assert_eq!(in_words(Duration::minutes(45)), "45 min");
        assert_eq!(in_words(Duration::minutes(70)), "1 h 10 min");
        assert_eq!(in_words(Duration::hours(3)), "3 h");
        assert_eq!(in_words(Duration::hours(122)), "5 d 2 h");
        let response = |mean: i64, previous: i64| ResponseTime {
            mean: Some(Duration::minutes(mean)),
            previous_mean: Some(Duration::minutes(previous)),
            bands: [0; RESPONSE_BANDS.len()],
        };
        assert_eq!(
            response(80, 100).trend().as_deref(),
            Some("20% faster than the previous period")
        );
        assert_eq!(
            response(150, 100).trend().as_deref(),
            Some("50% slower than the previous period")
        );
        assert_eq!(
            response(100, 100).trend().as_deref(),
            Some("the same as the previous period")
        );
        assert_eq!(ResponseTime::default().trend(), None);
    }

    #[test]
    fn periods_have_a_previous_of_equal_length_and_bars_to_suit_their_length() {
        let day = Period::ending(now(), Duration::hours(24));
        assert_eq!(day.previous().end, day.start - Duration::milliseconds(1));
        assert_eq!(day.previous().start, day.start - Duration::hours(24));
        assert_eq!(day.buckets().len(), 24);
        assert_eq!(day.buckets().last().unwrap().end, now());
        // Days are calendar days: 30 days from noon cover half a day at each end.
        let month = Period::ending(now(), Duration::days(30)).buckets();
        assert_eq!(month.len(), 31);
        assert_eq!(month[0].start, now() - Duration::days(30));
        let midnight = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
        assert_eq!(month[0].end, midnight - Duration::milliseconds(1));
        assert_eq!(month[1].start, midnight);
        assert_eq!(
            month[30].start,
            Utc.with_ymd_and_hms(2026, 11, 30, 0, 0, 0).unwrap()
        );
        assert_eq!(month[30].end, now());
        let hours = Period::ending(now() + Duration::minutes(20), Duration::hours(24)).buckets();
        assert_eq!(hours.len(), 25, "a part hour at each end");
        assert_eq!(
            hours[1].start,
            Utc.with_ymd_and_hms(2026, 11, 29, 13, 0, 0).unwrap()
        );
        assert_eq!(
            Period::ending(now(), Duration::days(90)).buckets().len(),
            13
        );
    }

    #[test]
    fn the_time_axis_names_bars_by_when_they_begin_without_crowding() {
        let labelled = |length: Duration| {
            let axis = time_axis(&Period::ending(now(), length).buckets());
            let shown: Vec<String> = axis.iter().flatten().cloned().collect();
            (axis.len(), shown)
        };
        let (bars, shown) = labelled(Duration::days(7));
        assert_eq!(
            bars, 8,
            "from noon to noon: seven days in eight calendar days"
        );
        assert_eq!(shown.len(), 8, "a week's bars all fit a label");
        assert_eq!(shown[0], "Nov 23");
        assert_eq!(shown[7], "Nov 30");
        // A week ending just before midnight begins with a bar of 30 seconds: still days.
        let just_before_midnight = Utc.with_ymd_and_hms(2026, 11, 29, 23, 59, 30).unwrap();
        let week = Period::ending(just_before_midnight, Duration::days(7)).buckets();
        let axis: Vec<String> = time_axis(&week).into_iter().flatten().collect();
        assert_eq!(axis[0], "Nov 22");
        assert!(axis.iter().all(|label| !label.contains(':')), "{axis:?}");
        // Hours: the date with the first and with the first of the next day, then times.
        let (bars, shown) = labelled(Duration::hours(24));
        assert_eq!(bars, 24);
        assert_eq!(
            shown,
            [
                "Nov 29 12:00",
                "15:00",
                "18:00",
                "21:00",
                "Nov 30 00:00",
                "03:00",
                "06:00",
                "09:00"
            ],
            "every third hour"
        );
        let (bars, shown) = labelled(Duration::hours(48));
        assert_eq!(bars, 48);
        let dated = shown.iter().filter(|label| label.starts_with("Nov "));
        assert_eq!(dated.count(), 3, "two days apart: {shown:?}");
        let (_, shown) = labelled(Duration::days(30));
        assert!(
            shown.len() <= TIME_AXIS_LABELS_MAX && shown.len() >= 5,
            "{shown:?}"
        );
        assert_eq!(
            shown[0],
            (now() - Duration::days(30)).format("%b %-d").to_string()
        );
        assert!(time_axis(&[]).is_empty());
    }
}
