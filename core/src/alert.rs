//! Alerts as detection products raise them (Sentinel's `SecurityAlert`), and the checks an alert
//! passes before the correlation core takes it in.

use std::fmt;

use chrono::{DateTime, Duration, Utc};
use smallvec::SmallVec;

use super::entity::{Entity, EntityKind};
use super::text::trim;
use super::vocabulary::{AlertStatus, Severity, Tactic, Tactics};

/// Longest system alert id taken in; real ids are GUIDs or short prefixed numbers.
pub const MAX_ID_CHARS: usize = 256;
/// More entities than this on one alert (counting referenced ones) is not a real detection but
/// a broken export, and would let one alert tie thousands of incidents together.
pub const MAX_ENTITIES_PER_ALERT: usize = 500;
/// How far past "now" an alert's time may lie before it is refused: clocks drift, but an alert
/// from next week would sit at the top of every time-sorted view for a week.
pub const FUTURE_TOLERANCE_HOURS: i64 = 24;

/// The descriptive fields of an alert: everything except what correlation depends on.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AlertDetails {
    /// `alertDisplayName`: what the analyst reads.
    pub display_name: String,
    /// `alertType`: the detection's stable name.
    pub alert_type: String,
    /// What was detected.
    pub description: String,
    /// How bad the product thinks it is.
    pub severity: Severity,
    /// The product's own status for the alert.
    pub status: AlertStatus,
    /// When the suspicious activity ended, when known.
    pub end: Option<DateTime<Utc>>,
    /// When the product raised the alert, when known.
    pub generated: Option<DateTime<Utc>>,
    /// `productName`, for example "Microsoft Defender for Endpoint".
    pub product_name: String,
    /// `providerName`: the service that delivered it.
    pub provider_name: String,
    /// `vendorName`.
    pub vendor_name: String,
    /// MITRE ATT&CK tactics.
    pub tactics: Vec<Tactic>,
    /// MITRE ATT&CK technique ids, such as `T1566`.
    pub techniques: Vec<String>,
    /// What the product advises doing.
    pub remediation_steps: Vec<String>,
    /// `compromisedEntity`: the asset the product names as affected.
    pub compromised_entity: String,
    /// `ExtendedProperties` / `additionalData`, as name and text.
    pub extended_properties: Vec<(String, String)>,
    /// The analytics rules that raised it (ARM ids), which incidents list as related rules.
    pub rule_ids: Vec<String>,
}

/// An entity as an importer read it, before the alert that names it is checked. One of a kind
/// Vigil knows is in its checked form already: its kind is parsed and its blank properties are
/// dropped as it is read, which costs less than keeping its text. One of a kind Vigil does not
/// know keeps only that kind's text, so that the ingest report can name it instead of failing
/// the whole file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawEntity {
    /// A kind Vigil knows, however the source spelled it (`host`, `Host`, ...).
    Known(Entity),
    /// A kind Vigil does not know, as the source spelled it: left out with a warning.
    Unknown(String),
}

// Checking an alert in collects its known entities into the raw list's own memory. With both
// the same size, that memory is neither copied nor shrunk: shrinking it took the lock of the
// allocator's arena the batch came from, while placing (on another thread) allocated from it.
const _: () = assert!(std::mem::size_of::<RawEntity>() == std::mem::size_of::<Entity>());

impl RawEntity {
    /// The entity of the kind `kind` names, with these properties.
    pub fn read(kind: &str, properties: Vec<(String, String)>) -> RawEntity {
        match EntityKind::parse(kind) {
            Some(kind) => RawEntity::Known(Entity::new(kind, properties)),
            None => RawEntity::Unknown(kind.to_owned()),
        }
    }

    /// An entity with no references.
    pub fn new(kind: &str, properties: &[(&str, &str)]) -> RawEntity {
        RawEntity::read(
            kind,
            properties
                .iter()
                .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
                .collect(),
        )
    }

    /// Makes it refer to `related` too. An entity of an unknown kind, either one, is left out
    /// with everything it refers to, so it refers to nothing and is referred to by nothing.
    pub fn relate(&mut self, related: RawEntity) {
        if let (RawEntity::Known(entity), RawEntity::Known(related)) = (self, related) {
            entity.related.push(related);
        }
    }

    /// The same entity referring to `related` too (see [`RawEntity::relate`]).
    pub fn with_related(mut self, related: RawEntity) -> RawEntity {
        self.relate(related);
        self
    }

    /// The entity, when its kind is known.
    pub fn known(&self) -> Option<&Entity> {
        match self {
            RawEntity::Known(entity) => Some(entity),
            RawEntity::Unknown(_) => None,
        }
    }

    /// Its kind's API name, or the text of an unknown one.
    pub fn kind_name(&self) -> &str {
        match self {
            RawEntity::Known(entity) => entity.kind.as_str(),
            RawEntity::Unknown(kind) => kind,
        }
    }

    /// How many entities it names, itself included.
    fn count(&self) -> usize {
        fn counted(entity: &Entity) -> usize {
            1 + entity.related.iter().map(counted).sum::<usize>()
        }
        match self {
            RawEntity::Known(entity) => counted(entity),
            RawEntity::Unknown(_) => 1,
        }
    }
}

/// An alert as an importer read it, before any check: the id may be blank and the time missing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RawAlert {
    /// `systemAlertId`; blank when the source had none.
    pub id: String,
    /// `startTimeUtc`: when the suspicious activity began.
    pub start: Option<DateTime<Utc>>,
    /// The entities it names.
    pub entities: Vec<RawEntity>,
    /// Everything else, boxed as the importer reads it: checking the record moves a pointer,
    /// not the 320 bytes of the details.
    pub details: Box<AlertDetails>,
}

/// A checked alert: it has an id and a time, and every entity has a known kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    /// `systemAlertId`, unique per workspace; ingesting the same id again updates this alert.
    pub id: String,
    /// When the suspicious activity began; correlation windows are measured on it.
    pub start: DateTime<Utc>,
    /// The entities it names, including those without a strong identifier (shown, never
    /// correlated).
    pub entities: Vec<Entity>,
    /// Everything else, boxed: correlation reads it only to open an incident, while the alert
    /// itself moves from keying to placing and into the index's table of every alert, which a
    /// pointer keeps to 72 bytes an alert rather than 384.
    pub details: Box<AlertDetails>,
}

/// Why an alert was refused; nothing of it was taken in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// It has no `systemAlertId`.
    MissingId,
    /// Its id is longer than [`MAX_ID_CHARS`].
    IdTooLong,
    /// It has no start time.
    MissingTime,
    /// It starts more than [`FUTURE_TOLERANCE_HOURS`] after now.
    FutureTime {
        /// The time it claims.
        start: DateTime<Utc>,
    },
    /// It names more than [`MAX_ENTITIES_PER_ALERT`] entities.
    TooManyEntities {
        /// How many it names.
        count: usize,
    },
    /// An earlier record of the same batch has the same id.
    DuplicateInBatch {
        /// The position (from 1) of the record that was kept.
        first_record: usize,
    },
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejection::MissingId => f.write_str("it has no alert id (systemAlertId)"),
            Rejection::IdTooLong => write!(f, "its id is longer than {MAX_ID_CHARS} characters"),
            Rejection::MissingTime => f.write_str("it has no start time"),
            Rejection::FutureTime { start } => write!(
                f,
                "its start time {} is more than {FUTURE_TOLERANCE_HOURS} hours in the future",
                start.to_rfc3339()
            ),
            Rejection::TooManyEntities { count } => write!(
                f,
                "it names {count} entities; at most {MAX_ENTITIES_PER_ALERT} are taken"
            ),
            Rejection::DuplicateInBatch { first_record } => write!(
                f,
                "record {first_record} of the same batch already has this id"
            ),
        }
    }
}

/// Something wrong with part of an alert that was still taken in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// An entity of a kind Vigil does not know was left out.
    UnknownEntityKind {
        /// Its position (from 1) among the alert's entities.
        position: usize,
        /// The kind it claimed.
        kind: String,
    },
    /// An entity has no strong identifier: it is shown but never used to correlate.
    NotIdentifying {
        /// Its position (from 1) among the alert's entities.
        position: usize,
        /// Its kind.
        kind: EntityKind,
    },
}

impl Warning {
    /// The position (from 1) of the entity it is about.
    pub fn position(&self) -> usize {
        match self {
            Warning::UnknownEntityKind { position, .. }
            | Warning::NotIdentifying { position, .. } => *position,
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::UnknownEntityKind { position, kind } => {
                write!(
                    f,
                    "entity {position} has unknown kind {kind:?} and was left out"
                )
            }
            Warning::NotIdentifying { position, kind } => write!(
                f,
                "entity {position} ({kind}) has no strong identifier; it is shown but not used to correlate"
            ),
        }
    }
}

/// Detection sources Defender XDR names by the first two letters of an alert id.
const SOURCE_PREFIXES: [(&str, &str); 12] = [
    ("ad", "Microsoft Entra ID Protection"),
    ("aa", "Microsoft Defender for Identity"),
    ("ca", "Microsoft Defender for Cloud Apps"),
    ("da", "Microsoft Defender for Endpoint"),
    ("dc", "Microsoft Defender for Cloud"),
    ("dl", "Microsoft Data Loss Prevention"),
    ("ed", "Microsoft Defender for Endpoint"),
    ("fa", "Microsoft Defender for Office 365"),
    ("ir", "Insider Risk Management"),
    ("ma", "App Governance"),
    ("ra", "Microsoft Defender XDR"),
    ("sn", "Microsoft Sentinel"),
];

impl RawAlert {
    /// Its start time if it can be taken in, else why not: a missing id or time, a time too
    /// far ahead of `now` or an absurd number of entities. Read without taking anything from
    /// it, so a batch can be sorted and checked for repeated ids before any alert is built.
    pub fn admission(&self, now: DateTime<Utc>) -> Result<DateTime<Utc>, Rejection> {
        let id = self.checked_id();
        if id.is_empty() {
            return Err(Rejection::MissingId);
        }
        if id.chars().count() > MAX_ID_CHARS {
            return Err(Rejection::IdTooLong);
        }
        let start = self.start.ok_or(Rejection::MissingTime)?;
        if start > now + Duration::hours(FUTURE_TOLERANCE_HOURS) {
            return Err(Rejection::FutureTime { start });
        }
        let count = self.entities.iter().map(RawEntity::count).sum();
        if count > MAX_ENTITIES_PER_ALERT {
            return Err(Rejection::TooManyEntities { count });
        }
        Ok(start)
    }

    /// The id the alert is known by once checked: the given one, trimmed.
    pub fn checked_id(&self) -> &str {
        trim(&self.id)
    }
}

impl Alert {
    /// Checks a raw alert: refused outright for the reasons of [`RawAlert::admission`];
    /// otherwise taken with warnings for entities of an unknown kind (left out). Entities
    /// without a strong identifier are found when the correlation core computes the keys,
    /// which it does once.
    pub fn check(raw: RawAlert, now: DateTime<Utc>) -> Result<(Alert, Vec<Warning>), Rejection> {
        let start = raw.admission(now)?;
        Ok(Alert::admit(raw, start))
    }

    /// Builds the alert from a raw one that [`RawAlert::admission`] took in at `start`, with
    /// warnings for entities of an unknown kind (left out).
    pub(crate) fn admit(raw: RawAlert, start: DateTime<Utc>) -> (Alert, Vec<Warning>) {
        let RawAlert {
            mut id,
            entities,
            details,
            ..
        } = raw;
        if trim(&id).len() != id.len() {
            id = trim(&id).to_owned();
        }
        let mut warnings = Vec::new();
        // Collected into the raw list's own memory, which fits them exactly (see `RawEntity`).
        let checked = entities
            .into_iter()
            .enumerate()
            .filter_map(|(index, raw)| match raw {
                RawEntity::Known(entity) => Some(entity),
                RawEntity::Unknown(kind) => {
                    warnings.push(Warning::UnknownEntityKind {
                        position: index + 1,
                        kind,
                    });
                    None
                }
            })
            .collect();
        let alert = Alert {
            id,
            start,
            entities: checked,
            details,
        };
        (alert, warnings)
    }

    /// The product named by the id's prefix (`da…` is Defender for Endpoint), when it has one.
    pub fn source_from_prefix(&self) -> Option<&'static str> {
        let prefix = self.id.get(..2)?;
        SOURCE_PREFIXES
            .iter()
            .find(|(known, _)| *known == prefix)
            .map(|(_, product)| *product)
    }

    /// The detection source grouping settings are chosen by: the product name, else the product
    /// the id's prefix names, else "Unknown".
    pub fn source(&self) -> &str {
        let product = trim(&self.details.product_name);
        if !product.is_empty() {
            return product;
        }
        self.source_from_prefix().unwrap_or("Unknown")
    }

    /// The name an incident opened by this alert takes.
    pub fn title(&self) -> &str {
        [
            self.details.display_name.as_str(),
            self.details.alert_type.as_str(),
        ]
        .into_iter()
        .map(trim)
        .find(|text| !text.is_empty())
        .unwrap_or(self.id.as_str())
    }

    /// The device groups of the hosts it names (Defender's `RbacGroupName`, or `DeviceGroup`).
    pub fn device_groups(&self) -> impl Iterator<Item = &str> {
        fn walk<'a>(entities: &'a [Entity], into: &mut Vec<&'a str>) {
            for entity in entities {
                if entity.kind == EntityKind::Host
                    && let Some(group) = ["RbacGroupName", "DeviceGroup"]
                        .iter()
                        .find_map(|name| entity.properties.get(name))
                {
                    into.push(group.trim());
                }
                walk(&entity.related, into);
            }
        }
        let mut groups = Vec::new();
        walk(&self.entities, &mut groups);
        groups.into_iter()
    }
}

/// Texts an incident lists of its alerts (their ids, their products), the first kept inline:
/// the correlation core opens every incident with one alert of one product, so opening one
/// costs no allocation for either list.
pub type AlertTexts = SmallVec<[String; 1]>;

/// What an incident shows of its alerts: kept in step with them by the correlation core.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AlertSummary {
    /// Their ids, earliest first.
    pub ids: AlertTexts,
    /// The start of the earliest.
    pub first_activity: Option<DateTime<Utc>>,
    /// The latest end (or start, when an alert has no end).
    pub last_activity: Option<DateTime<Utc>>,
    /// The highest severity among them.
    pub severity: Option<Severity>,
    /// Their products, each once, in the order first seen.
    pub product_names: AlertTexts,
    /// Their tactics, each once, in kill-chain order.
    pub tactics: Tactics,
    /// Their techniques, each once, sorted.
    pub techniques: Vec<String>,
    /// Their analytics rules, each once, sorted.
    pub rule_ids: Vec<String>,
}

impl AlertSummary {
    /// The summary of `alerts`, which come earliest first.
    pub fn of<'a>(alerts: impl IntoIterator<Item = &'a Alert>) -> AlertSummary {
        let alerts = alerts.into_iter();
        let mut summary = AlertSummary {
            ids: AlertTexts::with_capacity(alerts.size_hint().0),
            ..AlertSummary::default()
        };
        for alert in alerts {
            summary.take_in(alert);
        }
        summary.tidy();
        summary
    }

    /// The same summary with one more alert, which sorts after all of those it has (as
    /// [`AlertSummary::of`] would have made it from all of them).
    pub(crate) fn with(mut self, alert: &Alert) -> AlertSummary {
        self.take_in(alert);
        self.tidy();
        self
    }

    /// The summary of two sets of alerts together, made from the summaries of each (as
    /// [`AlertSummary::of`] would make it from all the alerts): `from_self` says, for each
    /// alert of both, earliest first, whether it is one of this summary's, and
    /// `first_named_at` gives, for each product of this summary and then of `other`, the
    /// position in that order of the first of its alerts to name it. The summaries record
    /// neither, so the caller, which knows the alerts, tells.
    pub(crate) fn merged(
        mut self,
        other: AlertSummary,
        from_self: &[bool],
        first_named_at: [&[usize]; 2],
    ) -> AlertSummary {
        let (mut mine, mut theirs) = (self.ids.into_iter(), other.ids.into_iter());
        let ids: AlertTexts = from_self
            .iter()
            .map(|&from_self| {
                let next = if from_self {
                    mine.next()
                } else {
                    theirs.next()
                };
                next.expect("one side for each alert of either summary")
            })
            .collect();
        debug_assert!(mine.next().is_none() && theirs.next().is_none());
        // Each product, at the first alert to name it; a product both name, at the earlier.
        let mut products: SmallVec<[(usize, String); 2]> = SmallVec::new();
        let named = [self.product_names, other.product_names];
        for (names, positions) in named.into_iter().zip(first_named_at) {
            debug_assert_eq!(names.len(), positions.len());
            for (name, &position) in names.into_iter().zip(positions) {
                match products.iter_mut().find(|(_, known)| *known == name) {
                    Some(known) => known.0 = known.0.min(position),
                    None => products.push((position, name)),
                }
            }
        }
        products.sort_unstable_by_key(|&(position, _)| position);
        for tactic in other.tactics {
            if !self.tactics.contains(&tactic) {
                self.tactics.push(tactic);
            }
        }
        self.techniques.extend(other.techniques);
        self.rule_ids.extend(other.rule_ids);
        let mut merged = AlertSummary {
            ids,
            first_activity: self
                .first_activity
                .into_iter()
                .chain(other.first_activity)
                .min(),
            last_activity: self
                .last_activity
                .into_iter()
                .chain(other.last_activity)
                .max(),
            // Severity sorts High first, so the highest is the least.
            severity: self.severity.into_iter().chain(other.severity).min(),
            product_names: products.into_iter().map(|(_, name)| name).collect(),
            tactics: self.tactics,
            techniques: self.techniques,
            rule_ids: self.rule_ids,
        };
        merged.tidy();
        merged
    }

    /// Adds the next alert; the lists are put in order by [`AlertSummary::tidy`].
    fn take_in(&mut self, alert: &Alert) {
        let details = &alert.details;
        self.ids.push(alert.id.clone());
        self.first_activity = Some(
            self.first_activity
                .map_or(alert.start, |first| first.min(alert.start)),
        );
        let end = details.end.unwrap_or(alert.start).max(alert.start);
        self.last_activity = Some(self.last_activity.map_or(end, |last| last.max(end)));
        // Severity sorts High first, so the highest is the least.
        self.severity = Some(
            self.severity
                .map_or(details.severity, |worst| worst.min(details.severity)),
        );
        let product = alert.source();
        if !self.product_names.iter().any(|known| known == product) {
            self.product_names.push(product.to_owned());
        }
        for tactic in &details.tactics {
            if !self.tactics.contains(tactic) {
                self.tactics.push(*tactic);
            }
        }
        self.techniques.extend(
            details
                .techniques
                .iter()
                .map(|technique| technique.trim().to_owned()),
        );
        self.rule_ids.extend(details.rule_ids.iter().cloned());
    }

    /// Tactics in kill-chain order; techniques and rule ids sorted, each once, blanks left out.
    fn tidy(&mut self) {
        self.tactics.sort_unstable();
        for list in [&mut self.techniques, &mut self.rule_ids] {
            list.retain(|text| !text.is_empty());
            list.sort_unstable();
            list.dedup();
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 20, 12, 0, 0).unwrap()
    }

    fn raw(id: &str) -> RawAlert {
        RawAlert {
            id: id.to_owned(),
            start: Some(now()),
            entities: vec![RawEntity::new(
                "host",
                &[("HostName", "web01"), ("DnsDomain", "contoso.com")],
            )],
            details: Box::new(AlertDetails {
                display_name: "Suspicious PowerShell".into(),
                ..AlertDetails::default()
            }),
        }
    }

    #[test]
    fn an_alert_needs_an_id_and_a_time() {
        assert_eq!(Alert::check(raw("  "), now()), Err(Rejection::MissingId));
        let mut timeless = raw("da1");
        timeless.start = None;
        assert_eq!(Alert::check(timeless, now()), Err(Rejection::MissingTime));
        let long = "x".repeat(MAX_ID_CHARS + 1);
        assert_eq!(Alert::check(raw(&long), now()), Err(Rejection::IdTooLong));
    }

    #[test]
    fn a_time_more_than_a_day_ahead_is_refused() {
        let mut ahead = raw("da1");
        ahead.start = Some(now() + Duration::hours(23));
        assert!(Alert::check(ahead.clone(), now()).is_ok());
        let start = now() + Duration::hours(25);
        ahead.start = Some(start);
        assert_eq!(
            Alert::check(ahead, now()),
            Err(Rejection::FutureTime { start })
        );
    }

    #[test]
    fn entities_are_counted_with_the_ones_they_refer_to() {
        let mut crowded = raw("da1");
        let process = RawEntity::new("process", &[("ProcessId", "4")])
            .with_related(RawEntity::new("host", &[("HostName", "a")]));
        crowded.entities = vec![process; MAX_ENTITIES_PER_ALERT / 2 + 1];
        assert_eq!(
            Alert::check(crowded, now()),
            Err(Rejection::TooManyEntities {
                count: MAX_ENTITIES_PER_ALERT + 2
            })
        );
    }

    #[test]
    fn unknown_kinds_are_left_out_with_a_warning() {
        let mut mixed = raw("da1");
        mixed
            .entities
            .push(RawEntity::new("iotdevice", &[("DeviceId", "7")]));
        mixed
            .entities
            .push(RawEntity::new("host", &[("OSFamily", "Windows")]));
        let (alert, warnings) = Alert::check(mixed, now()).unwrap();
        assert_eq!(alert.entities.len(), 2);
        assert_eq!(
            warnings,
            [Warning::UnknownEntityKind {
                position: 2,
                kind: "iotdevice".into()
            }]
        );
        assert_eq!(
            warnings[0].to_string(),
            "entity 2 has unknown kind \"iotdevice\" and was left out"
        );
    }

    /// An entity of an unknown kind is left out with everything it refers to: a known entity
    /// keeps none of it, and one it would refer to is left out with it.
    #[test]
    fn an_unknown_kind_relates_nothing() {
        let host = || RawEntity::new("host", &[("HostName", "a"), ("DnsDomain", " ")]);
        let process = RawEntity::new("process", &[("ProcessId", "4")])
            .with_related(RawEntity::new("iotdevice", &[("DeviceId", "7")]))
            .with_related(host());
        let RawEntity::Known(process) = process else {
            panic!("a process is a known kind");
        };
        let related: Vec<_> = process.related.iter().map(|entity| entity.kind).collect();
        assert_eq!(related, [EntityKind::Host]);
        // Blank properties are dropped as the entity is read.
        assert_eq!(process.related[0].properties.get("DnsDomain"), None);
        let device = RawEntity::new("iotdevice", &[("DeviceId", "7")]).with_related(host());
        assert_eq!(device, RawEntity::Unknown("iotdevice".into()));
        assert_eq!(device.kind_name(), "iotdevice");
    }

    #[test]
    fn the_source_is_the_product_else_the_id_prefix() {
        let (mut alert, _) = Alert::check(raw("da637551227677560813_-961444813"), now()).unwrap();
        assert_eq!(alert.source(), "Microsoft Defender for Endpoint");
        alert.details.product_name = "Palo Alto Networks".into();
        assert_eq!(alert.source(), "Palo Alto Networks");
        let (guid, _) = Alert::check(raw("baa8a239-6fde-4ab7-a093-d09f7b75c58c"), now()).unwrap();
        assert_eq!(guid.source(), "Unknown");
    }

    #[test]
    fn the_title_falls_back_to_the_type_then_the_id() {
        let (mut alert, _) = Alert::check(raw("da1"), now()).unwrap();
        assert_eq!(alert.title(), "Suspicious PowerShell");
        alert.details.display_name = " ".into();
        alert.details.alert_type = "PowerShellAbuse".into();
        assert_eq!(alert.title(), "PowerShellAbuse");
        alert.details.alert_type.clear();
        assert_eq!(alert.title(), "da1");
    }

    proptest::proptest! {
        /// Two incidents' summaries merged show what one summary of all their alerts shows,
        /// however the alerts interleave and whatever they name.
        #[test]
        fn merged_summaries_are_the_summary_of_all_the_alerts(
            alerts in proptest::collection::vec(
                (0..600i64, 0..3usize, proptest::collection::vec(0..4usize, 0..3),
                    proptest::collection::vec(0..3usize, 0..3), 0..4usize, proptest::bool::ANY),
                1..24,
            ),
        ) {
            const PRODUCTS: [&str; 3] = ["Defender for Endpoint", "Defender for Identity", ""];
            const TECHNIQUES: [&str; 3] = ["T1059", " T1078", ""];
            let mut sides: Vec<(Alert, bool)> = alerts
                .into_iter()
                .enumerate()
                .map(|(index, (minutes, product, tactics, techniques, severity, first))| {
                    let mut raw = raw(&format!("da{index:02}"));
                    raw.start = Some(now() - Duration::minutes(minutes));
                    let details = &mut raw.details;
                    details.product_name = PRODUCTS[product].into();
                    details.tactics = tactics.into_iter().map(|at| Tactic::ALL[at]).collect();
                    details.techniques =
                        techniques.into_iter().map(|at| TECHNIQUES[at].into()).collect();
                    details.severity = Severity::ALL[severity];
                    (Alert::check(raw, now()).unwrap().0, first)
                })
                .collect();
            sides.sort_by(|(a, _), (b, _)| (a.start, &a.id).cmp(&(b.start, &b.id)));
            let of_side = |side: bool| {
                AlertSummary::of(sides.iter().filter(|(_, of)| *of == side).map(|(alert, _)| alert))
            };
            let from_first: Vec<bool> = sides.iter().map(|&(_, side)| side).collect();
            // Each product of a side, at the first of that side's alerts to name it.
            let first_named_at = |side: bool, summary: &AlertSummary| -> Vec<usize> {
                summary.product_names.iter().map(|product| {
                    sides.iter().position(|(alert, of)| *of == side && alert.source() == product)
                        .unwrap()
                }).collect()
            };
            let (first, second) = (of_side(true), of_side(false));
            let positions = [first_named_at(true, &first), first_named_at(false, &second)];
            let merged = first.merged(second, &from_first, [&positions[0], &positions[1]]);
            proptest::prop_assert_eq!(merged, AlertSummary::of(sides.iter().map(|(alert, _)| alert)));
        }
    }
}
