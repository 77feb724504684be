//! What Vigil writes to storage and to workspace files: versioned records, kept apart from the
//! domain types so the model can change without breaking what is already stored. Every record
//! carries the schema version it was written with; reading one from a newer Vigil is refused.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::core::alert::{Alert, AlertDetails, AlertTexts};
use crate::core::closing::{Closing, ClosingChoice};
use crate::core::correlation::{
    CorrelationKey, CorrelationSettings, GroupingSettings, Matching, MergeCause, MergeRecord,
    MergeSettings, PortableAlert, PortableCluster, PortableGrouping, PortableReason, Selection,
};
use crate::core::draft::IncidentDraft;
use crate::core::entity::{Entity, EntityKey, EntityKind, EntityProperties, Identifier};
use crate::core::incident::{ActivityEntry, Comment, Etag, Incident, IncidentData, Label, Tracked};
use crate::core::people::{Actor, Owner};
use crate::core::queue_row::QueueRow;
use crate::core::team::Team;
/// Why a record could not be read: where in it (a field path) and what is wrong; the same
/// shape as a Sentinel import error, so both read alike.
pub use crate::sentinel::ImportError as RecordError;

/// The schema this build writes. Raise it with every change to a record or to where records
/// live, and teach `snapshot::assemble` to read the previous layout and `migration_records` to
/// rewrite it. History: 1, the first stored layout; 2, each incident's alerts moved into its
/// record, its correlation links from the meta record to a record of their own, and the queue
/// rows stored in chunks; 3, the meta record keeps the workspace's team (its analyst and known
/// owners), so a schema-2 workspace migrates by rewriting its meta record alone.
pub const SCHEMA_VERSION: u32 = 3;

fn error(path: &str, message: impl Into<String>) -> RecordError {
    RecordError::at(path, message)
}

/// Parses a stored enum spelling, naming the field when it is unknown.
fn parse<T: std::str::FromStr>(text: &str, path: &str) -> Result<T, RecordError>
where
    T::Err: std::fmt::Display,
{
    text.parse()
        .map_err(|problem: T::Err| error(path, problem.to_string()))
}

/// A person or component, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ActorRecord {
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    email: Option<String>,
}

impl From<&Actor> for ActorRecord {
    fn from(actor: &Actor) -> Self {
        ActorRecord {
            name: actor.name.to_string(),
            email: actor.email.clone(),
        }
    }
}

impl From<ActorRecord> for Actor {
    fn from(record: ActorRecord) -> Self {
        Actor {
            name: record.name.into(),
            email: record.email,
        }
    }
}

/// An owner, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OwnerRecord {
    #[serde(default)]
    object_id: Option<Uuid>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    assigned_to: Option<String>,
    #[serde(default)]
    user_principal_name: Option<String>,
    #[serde(default)]
    owner_type: Option<String>,
}

impl From<&Owner> for OwnerRecord {
    fn from(owner: &Owner) -> Self {
        OwnerRecord {
            object_id: owner.object_id,
            email: owner.email.clone(),
            assigned_to: owner.assigned_to.clone(),
            user_principal_name: owner.user_principal_name.clone(),
            owner_type: owner.owner_type.map(|kind| kind.to_string()),
        }
    }
}

impl OwnerRecord {
    /// The owner, its type checked; `path` names the record's field in errors.
    fn into_owner(self, path: &str) -> Result<Owner, RecordError> {
        Ok(Owner {
            object_id: self.object_id,
            email: self.email,
            assigned_to: self.assigned_to,
            user_principal_name: self.user_principal_name,
            owner_type: self
                .owner_type
                .map(|kind| parse(&kind, &format!("{path}.ownerType")))
                .transpose()?,
        })
    }
}

/// A workspace's team, as stored (schema 3 on; absent before, which reads as nobody known).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TeamRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    analyst: Option<OwnerRecord>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    owners: Vec<OwnerRecord>,
}

impl From<&Team> for TeamRecord {
    fn from(team: &Team) -> Self {
        TeamRecord {
            analyst: team.analyst().map(OwnerRecord::from),
            owners: team.owners().iter().map(OwnerRecord::from).collect(),
        }
    }
}

impl TeamRecord {
    /// The team, every owner checked by the form's rules.
    pub fn into_team(self) -> Result<Team, RecordError> {
        let analyst = self
            .analyst
            .map(|analyst| analyst.into_owner("team.analyst"))
            .transpose()?;
        let owners = self
            .owners
            .into_iter()
            .enumerate()
            .map(|(index, owner)| owner.into_owner(&format!("team.owners[{index}]")))
            .collect::<Result<_, _>>()?;
        Team::restore(analyst, owners).map_err(|errors| error("team", errors.to_string()))
    }
}

/// The creation form's draft, kept while the analyst types so that a reload loses nothing.
/// A draft that no longer reads (a later Vigil's, a damaged one) is dropped: it was never
/// submitted, and the form then starts empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DraftRecord {
    schema_version: u32,
    title: String,
    description: String,
    severity: String,
    status: String,
    #[serde(default)]
    closing: Option<String>,
    #[serde(default)]
    closing_comment: String,
    #[serde(default)]
    owner: Option<OwnerRecord>,
    #[serde(default)]
    tags: Vec<String>,
}

/// A draft as the text kept for it.
pub fn draft_to_json(draft: &IncidentDraft) -> String {
    let record = DraftRecord {
        schema_version: SCHEMA_VERSION,
        title: draft.title.clone(),
        description: draft.description.clone(),
        severity: draft.severity.to_string(),
        status: draft.status.to_string(),
        closing: draft.closing.map(|choice| choice.as_str().to_owned()),
        closing_comment: draft.closing_comment.clone(),
        owner: draft.owner.as_ref().map(OwnerRecord::from),
        tags: draft.tags.clone(),
    };
    serde_json::to_string(&record).expect("records always serialise")
}

/// The draft a kept text holds, or `None` when it does not read as one of this schema or an
/// older one.
pub fn draft_from_json(json: &str) -> Option<IncidentDraft> {
    let record: DraftRecord = serde_json::from_str(json).ok()?;
    if record.schema_version > SCHEMA_VERSION {
        return None;
    }
    Some(IncidentDraft {
        title: record.title,
        description: record.description,
        severity: record.severity.parse().ok()?,
        status: record.status.parse().ok()?,
        closing: match record.closing {
            Some(token) => Some(ClosingChoice::from_token(&token)?),
            None => None,
        },
        closing_comment: record.closing_comment,
        owner: match record.owner {
            Some(owner) => Some(owner.into_owner("owner").ok()?),
            None => None,
        },
        tags: record.tags,
    })
}

/// A comment, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CommentRecord {
    id: Uuid,
    message: String,
    author: ActorRecord,
    created: DateTime<Utc>,
    modified: DateTime<Utc>,
}

/// An activity-log line, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ActivityRecord {
    at: DateTime<Utc>,
    by: ActorRecord,
    what: String,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
}

/// A tag, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LabelRecord {
    name: String,
    label_type: String,
}

/// An incident with everything Vigil keeps of it, in one record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IncidentRecord {
    /// The schema version it was written with.
    pub schema_version: u32,
    id: Uuid,
    /// The incident number, the record's key.
    pub number: u64,
    title: String,
    description: String,
    severity: String,
    status: String,
    #[serde(default)]
    classification: Option<String>,
    #[serde(default)]
    classification_reason: Option<String>,
    #[serde(default)]
    classification_comment: String,
    #[serde(default)]
    owner: Option<OwnerRecord>,
    labels: Vec<LabelRecord>,
    #[serde(default)]
    first_activity: Option<DateTime<Utc>>,
    #[serde(default)]
    last_activity: Option<DateTime<Utc>>,
    created: DateTime<Utc>,
    modified: DateTime<Utc>,
    provider_name: String,
    #[serde(default)]
    provider_incident_id: Option<String>,
    product_names: Vec<String>,
    tactics: Vec<String>,
    techniques: Vec<String>,
    related_rule_ids: Vec<String>,
    alert_ids: Vec<String>,
    comments: Vec<CommentRecord>,
    activity: Vec<ActivityRecord>,
    etag: String,
    revision: u64,
    #[serde(default)]
    merged_into: Option<u64>,
}

impl From<&Incident> for IncidentRecord {
    fn from(incident: &Incident) -> Self {
        let closing = incident.closing.as_ref();
        IncidentRecord {
            schema_version: SCHEMA_VERSION,
            id: incident.id,
            number: incident.number,
            title: incident.title.clone(),
            description: incident.description.clone(),
            severity: incident.severity.to_string(),
            status: incident.status.to_string(),
            classification: closing.map(|closing| closing.classification().to_string()),
            classification_reason: closing
                .and_then(Closing::reason)
                .map(|reason| reason.to_string()),
            classification_comment: closing.map(Closing::comment).unwrap_or_default().to_owned(),
            owner: incident.owner.as_ref().map(OwnerRecord::from),
            labels: incident
                .labels
                .iter()
                .map(|label| LabelRecord {
                    name: label.name.clone(),
                    label_type: label.label_type.to_string(),
                })
                .collect(),
            first_activity: incident.first_activity,
            last_activity: incident.last_activity,
            created: incident.created,
            modified: incident.modified,
            provider_name: incident.provider_name.to_string(),
            provider_incident_id: incident.provider_incident_id.clone(),
            product_names: incident.product_names.to_vec(),
            tactics: incident.tactics.iter().map(ToString::to_string).collect(),
            techniques: incident.techniques.clone(),
            related_rule_ids: incident.related_rule_ids.clone(),
            alert_ids: incident.alert_ids.to_vec(),
            comments: incident
                .comments
                .iter()
                .map(|comment| CommentRecord {
                    id: comment.id,
                    message: comment.message.clone(),
                    author: (&comment.author).into(),
                    created: comment.created,
                    modified: comment.modified,
                })
                .collect(),
            activity: incident
                .activity
                .iter()
                .map(|entry| ActivityRecord {
                    at: entry.at,
                    by: (&entry.by).into(),
                    what: entry.what.label().to_owned(),
                    from: entry.from.clone(),
                    to: entry.to.clone(),
                })
                .collect(),
            etag: incident.etag.to_string(),
            revision: incident.revision,
            merged_into: incident.merged_into,
        }
    }
}

impl IncidentRecord {
    /// The incident, checked by the same rules as the form and imports.
    pub fn into_incident(self) -> Result<Incident, RecordError> {
        let closing = match (self.classification, self.classification_reason) {
            (Some(classification), reason) => {
                let classification = parse(&classification, "classification")?;
                let reason = reason
                    .map(|reason| parse(&reason, "classificationReason"))
                    .transpose()?;
                Some(
                    Closing::new(classification, reason, self.classification_comment)
                        .map_err(|mismatch| error("classificationReason", mismatch.to_string()))?,
                )
            }
            (None, Some(_)) => {
                return Err(error(
                    "classificationReason",
                    "a reason without a classification",
                ));
            }
            (None, None) => None,
        };
        let owner = self
            .owner
            .map(|owner| owner.into_owner("owner"))
            .transpose()?;
        let labels = self
            .labels
            .into_iter()
            .enumerate()
            .map(|(index, label)| {
                Ok(Label {
                    label_type: parse(&label.label_type, &format!("labels[{index}].labelType"))?,
                    name: label.name,
                })
            })
            .collect::<Result<_, RecordError>>()?;
        let tactics = self
            .tactics
            .iter()
            .enumerate()
            .map(|(index, tactic)| parse(tactic, &format!("tactics[{index}]")))
            .collect::<Result<_, _>>()?;
        let activity = self
            .activity
            .into_iter()
            .enumerate()
            .map(|(index, entry)| {
                let what = Tracked::from_label(&entry.what).ok_or_else(|| {
                    error(
                        &format!("activity[{index}].what"),
                        format!("unknown change {:?}", entry.what),
                    )
                })?;
                Ok(ActivityEntry {
                    at: entry.at,
                    by: entry.by.into(),
                    what,
                    from: entry.from,
                    to: entry.to,
                })
            })
            .collect::<Result<_, RecordError>>()?;
        let data = IncidentData {
            id: self.id,
            number: self.number,
            title: self.title,
            description: self.description,
            severity: parse(&self.severity, "severity")?,
            status: parse(&self.status, "status")?,
            closing,
            owner,
            labels,
            first_activity: self.first_activity,
            last_activity: self.last_activity,
            created: self.created,
            modified: self.modified,
            provider_name: self.provider_name.into(),
            provider_incident_id: self.provider_incident_id,
            product_names: AlertTexts::from_vec(self.product_names),
            tactics,
            techniques: self.techniques,
            related_rule_ids: self.related_rule_ids,
            alert_ids: AlertTexts::from_vec(self.alert_ids),
            comments: self
                .comments
                .into_iter()
                .map(|comment| Comment {
                    id: comment.id,
                    message: comment.message,
                    author: comment.author.into(),
                    created: comment.created,
                    modified: comment.modified,
                })
                .collect(),
            activity,
            etag: Etag::new(self.etag),
            revision: self.revision,
            merged_into: self.merged_into,
        };
        Incident::from_data(data).map_err(|errors| error("", errors.to_string()))
    }
}

/// An entity, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EntityRecord {
    kind: String,
    properties: Vec<(String, String)>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    related: Vec<EntityRecord>,
}

impl From<Entity> for EntityRecord {
    fn from(entity: Entity) -> Self {
        EntityRecord {
            kind: entity.kind.as_str().to_owned(),
            properties: entity.properties.into_pairs(),
            related: entity.related.into_iter().map(EntityRecord::from).collect(),
        }
    }
}

impl EntityRecord {
    fn into_entity(self, path: &str) -> Result<Entity, RecordError> {
        let kind = EntityKind::parse(&self.kind).ok_or_else(|| {
            error(
                &format!("{path}.kind"),
                format!("unknown kind {:?}", self.kind),
            )
        })?;
        Ok(Entity {
            kind,
            properties: EntityProperties::new(self.properties),
            related: self
                .related
                .into_iter()
                .enumerate()
                .map(|(index, related)| related.into_entity(&format!("{path}.related[{index}]")))
                .collect::<Result<_, _>>()?,
        })
    }
}

/// A correlation key, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "type", deny_unknown_fields)]
pub enum KeyRecord {
    /// A strong entity identifier.
    Entity {
        /// The entity kind.
        kind: String,
        /// The identifier's label.
        identifier: String,
        /// The normalised value.
        value: String,
    },
    /// A Sentinel grouping key.
    Grouping {
        /// The source.
        source: String,
        /// The detection.
        detection: String,
        /// The compared parts.
        parts: String,
    },
}

impl From<&CorrelationKey> for KeyRecord {
    fn from(key: &CorrelationKey) -> Self {
        match key {
            CorrelationKey::Entity(key) => KeyRecord::Entity {
                kind: key.kind.as_str().to_owned(),
                identifier: key.identifier.label().to_owned(),
                value: key.value.clone(),
            },
            CorrelationKey::Grouping {
                source,
                detection,
                parts,
            } => KeyRecord::Grouping {
                source: source.clone(),
                detection: detection.clone(),
                parts: parts.clone(),
            },
        }
    }
}

impl KeyRecord {
    fn into_key(self, path: &str) -> Result<CorrelationKey, RecordError> {
        Ok(match self {
            KeyRecord::Entity {
                kind,
                identifier,
                value,
            } => CorrelationKey::Entity(EntityKey {
                kind: EntityKind::parse(&kind)
                    .ok_or_else(|| error(path, format!("unknown entity kind {kind:?}")))?,
                identifier: Identifier::from_label(&identifier)
                    .ok_or_else(|| error(path, format!("unknown identifier {identifier:?}")))?,
                value,
            }),
            KeyRecord::Grouping {
                source,
                detection,
                parts,
            } => CorrelationKey::Grouping {
                source,
                detection,
                parts,
            },
        })
    }
}

/// Why an alert is where it is, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "type", deny_unknown_fields)]
pub enum ReasonRecord {
    /// It opened its incident.
    #[serde(rename_all = "camelCase")]
    Opened {
        /// The grouping method.
        matching: String,
        /// The lookback, in minutes.
        lookback_minutes: i64,
    },
    /// It joined through a shared key.
    #[serde(rename_all = "camelCase")]
    Joined {
        /// The key.
        key: KeyRecord,
        /// The alert it matched.
        with: String,
        /// Its title.
        with_title: String,
        /// The gap, in milliseconds.
        gap_ms: i64,
        /// The grouping method.
        matching: String,
        /// It reopened the incident.
        reopened: bool,
    },
    /// It went to a continuation.
    Overflow {
        /// The full incident.
        full: u64,
        /// Its cap.
        cap: usize,
    },
    /// An analyst moved it.
    Moved {
        /// From where.
        from: u64,
        /// Who.
        by: String,
    },
}

/// An alert with its place, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AlertRecord {
    /// The schema version it was written with.
    pub schema_version: u32,
    /// The system alert id, the record's key.
    pub id: String,
    start: DateTime<Utc>,
    time_ms: i64,
    entities: Vec<EntityRecord>,
    display_name: String,
    alert_type: String,
    description: String,
    severity: String,
    status: String,
    #[serde(default)]
    end: Option<DateTime<Utc>>,
    #[serde(default)]
    generated: Option<DateTime<Utc>>,
    product_name: String,
    provider_name: String,
    vendor_name: String,
    tactics: Vec<String>,
    techniques: Vec<String>,
    remediation_steps: Vec<String>,
    compromised_entity: String,
    extended_properties: Vec<(String, String)>,
    rule_ids: Vec<String>,
    /// It groups by its strong entities (`SharedEntity`); else by `grouping_key`, if any.
    groups_by_entities: bool,
    #[serde(default)]
    grouping_key: Option<KeyRecord>,
    /// The incident it belongs to.
    pub incident: u64,
    first_incident: u64,
    reason: ReasonRecord,
}

/// Takes the alert's own copy apart rather than copying it again: a batch of alerts encodes
/// thousands of them on the way to the store.
impl From<PortableAlert> for AlertRecord {
    fn from(stored: PortableAlert) -> Self {
        let PortableAlert {
            alert,
            time_ms,
            grouping,
            incident,
            first_incident,
            reason,
        } = stored;
        let details = alert.details;
        AlertRecord {
            schema_version: SCHEMA_VERSION,
            id: alert.id,
            start: alert.start,
            time_ms,
            entities: alert.entities.into_iter().map(EntityRecord::from).collect(),
            display_name: details.display_name,
            alert_type: details.alert_type,
            description: details.description,
            severity: details.severity.to_string(),
            status: details.status.to_string(),
            end: details.end,
            generated: details.generated,
            product_name: details.product_name,
            provider_name: details.provider_name,
            vendor_name: details.vendor_name,
            tactics: details.tactics.iter().map(ToString::to_string).collect(),
            techniques: details.techniques,
            remediation_steps: details.remediation_steps,
            compromised_entity: details.compromised_entity,
            extended_properties: details.extended_properties,
            rule_ids: details.rule_ids,
            groups_by_entities: grouping == PortableGrouping::Entities,
            grouping_key: match &grouping {
                PortableGrouping::Key(key) => Some(key.into()),
                PortableGrouping::Nothing | PortableGrouping::Entities => None,
            },
            incident,
            first_incident,
            reason: match reason {
                PortableReason::Opened {
                    matching,
                    lookback_minutes,
                } => ReasonRecord::Opened {
                    matching,
                    lookback_minutes,
                },
                PortableReason::Joined {
                    key,
                    with,
                    with_title,
                    gap_ms,
                    matching,
                    reopened,
                } => ReasonRecord::Joined {
                    key: (&key).into(),
                    with,
                    with_title,
                    gap_ms,
                    matching,
                    reopened,
                },
                PortableReason::Overflow { full, cap } => ReasonRecord::Overflow { full, cap },
                PortableReason::Moved { from, by } => ReasonRecord::Moved { from, by },
            },
        }
    }
}

impl AlertRecord {
    /// The alert and its place.
    pub fn into_portable(self) -> Result<PortableAlert, RecordError> {
        let entities = self
            .entities
            .into_iter()
            .enumerate()
            .map(|(index, entity)| entity.into_entity(&format!("entities[{index}]")))
            .collect::<Result<_, _>>()?;
        let tactics = self
            .tactics
            .iter()
            .enumerate()
            .map(|(index, tactic)| parse(tactic, &format!("tactics[{index}]")))
            .collect::<Result<_, _>>()?;
        let grouping = match (self.grouping_key, self.groups_by_entities) {
            (Some(key), false) => PortableGrouping::Key(key.into_key("groupingKey")?),
            (None, true) => PortableGrouping::Entities,
            (None, false) => PortableGrouping::Nothing,
            (Some(_), true) => {
                return Err(error(
                    "groupingKey",
                    "an alert groups by its entities or by a key, not both",
                ));
            }
        };
        let reason = match self.reason {
            ReasonRecord::Opened {
                matching,
                lookback_minutes,
            } => PortableReason::Opened {
                matching,
                lookback_minutes,
            },
            ReasonRecord::Joined {
                key,
                with,
                with_title,
                gap_ms,
                matching,
                reopened,
            } => PortableReason::Joined {
                key: key.into_key("reason.key")?,
                with,
                with_title,
                gap_ms,
                matching,
                reopened,
            },
            ReasonRecord::Overflow { full, cap } => PortableReason::Overflow { full, cap },
            ReasonRecord::Moved { from, by } => PortableReason::Moved { from, by },
        };
        Ok(PortableAlert {
            alert: Alert {
                id: self.id,
                start: self.start,
                entities,
                details: Box::new(AlertDetails {
                    display_name: self.display_name,
                    alert_type: self.alert_type,
                    description: self.description,
                    severity: parse(&self.severity, "severity")?,
                    status: parse(&self.status, "status")?,
                    end: self.end,
                    generated: self.generated,
                    product_name: self.product_name,
                    provider_name: self.provider_name,
                    vendor_name: self.vendor_name,
                    tactics,
                    techniques: self.techniques,
                    remediation_steps: self.remediation_steps,
                    compromised_entity: self.compromised_entity,
                    extended_properties: self.extended_properties,
                    rule_ids: self.rule_ids,
                }),
            },
            time_ms: self.time_ms,
            grouping,
            incident: self.incident,
            first_incident: self.first_incident,
            reason,
        })
    }
}

/// One merge, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MergeRecordRecord {
    absorbed: u64,
    into: u64,
    at: DateTime<Utc>,
    alerts_moved: usize,
    cause: MergeCauseRecord,
}

/// Why two incidents merged, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "type", deny_unknown_fields)]
pub enum MergeCauseRecord {
    /// A shared entity.
    #[serde(rename_all = "camelCase")]
    SharedEntity {
        /// The entity, in words.
        entity: String,
        /// The alert that connected them.
        alert: String,
        /// The alert it matched.
        matched: String,
        /// The gap, in milliseconds.
        gap_ms: i64,
    },
    /// An analyst's merge.
    Manual {
        /// Who.
        by: ActorRecord,
        /// Why.
        reason: String,
    },
    /// A regroup after a late alert.
    Regrouped {
        /// The late alert.
        alert: String,
    },
}

impl From<&MergeRecord> for MergeRecordRecord {
    fn from(merge: &MergeRecord) -> Self {
        MergeRecordRecord {
            absorbed: merge.absorbed,
            into: merge.into,
            at: merge.at,
            alerts_moved: merge.alerts_moved,
            cause: match &merge.cause {
                MergeCause::SharedEntity {
                    entity,
                    alert,
                    matched,
                    gap,
                } => MergeCauseRecord::SharedEntity {
                    entity: entity.clone(),
                    alert: alert.clone(),
                    matched: matched.clone(),
                    gap_ms: gap.num_milliseconds(),
                },
                MergeCause::Manual { by, reason } => MergeCauseRecord::Manual {
                    by: by.into(),
                    reason: reason.clone(),
                },
                MergeCause::Regrouped { alert } => MergeCauseRecord::Regrouped {
                    alert: alert.clone(),
                },
            },
        }
    }
}

impl From<MergeRecordRecord> for MergeRecord {
    fn from(record: MergeRecordRecord) -> Self {
        MergeRecord {
            absorbed: record.absorbed,
            into: record.into,
            at: record.at,
            alerts_moved: record.alerts_moved,
            cause: match record.cause {
                MergeCauseRecord::SharedEntity {
                    entity,
                    alert,
                    matched,
                    gap_ms,
                } => MergeCause::SharedEntity {
                    entity,
                    alert,
                    matched,
                    gap: Duration::milliseconds(gap_ms),
                },
                MergeCauseRecord::Manual { by, reason } => MergeCause::Manual {
                    by: by.into(),
                    reason,
                },
                MergeCauseRecord::Regrouped { alert } => MergeCause::Regrouped { alert },
            },
        }
    }
}

/// What correlation keeps of one incident beyond its alerts, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClusterRecord {
    number: u64,
    #[serde(default)]
    continues: Option<u64>,
    #[serde(default)]
    continued_by: Option<u64>,
    merges: Vec<MergeRecordRecord>,
}

impl ClusterRecord {
    /// The incident whose links these are.
    pub fn number(&self) -> u64 {
        self.number
    }
}

impl From<&PortableCluster> for ClusterRecord {
    fn from(cluster: &PortableCluster) -> Self {
        ClusterRecord {
            number: cluster.number,
            continues: cluster.continues,
            continued_by: cluster.continued_by,
            merges: cluster.merges.iter().map(MergeRecordRecord::from).collect(),
        }
    }
}

impl From<ClusterRecord> for PortableCluster {
    fn from(record: ClusterRecord) -> Self {
        PortableCluster {
            number: record.number,
            continues: record.continues,
            continued_by: record.continued_by,
            merges: record.merges.into_iter().map(MergeRecord::from).collect(),
        }
    }
}

/// One source's grouping, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GroupingRecord {
    enabled: bool,
    matching: String,
    #[serde(default)]
    selected_kinds: Vec<String>,
    #[serde(default)]
    selected_display_name: bool,
    #[serde(default)]
    selected_severity: bool,
    lookback_minutes: i64,
    reopen_closed: bool,
    max_alerts: usize,
}

impl From<&GroupingSettings> for GroupingRecord {
    fn from(grouping: &GroupingSettings) -> Self {
        let selection = match &grouping.matching {
            Matching::Selected(selection) => selection.clone(),
            _ => Selection::default(),
        };
        GroupingRecord {
            enabled: grouping.enabled,
            matching: grouping.matching.as_str().to_owned(),
            selected_kinds: selection
                .kinds
                .iter()
                .map(|kind| kind.as_str().to_owned())
                .collect(),
            selected_display_name: selection.display_name,
            selected_severity: selection.severity,
            lookback_minutes: grouping.lookback.num_minutes(),
            reopen_closed: grouping.reopen_closed,
            max_alerts: grouping.max_alerts,
        }
    }
}

impl GroupingRecord {
    fn into_settings(self, path: &str) -> Result<GroupingSettings, RecordError> {
        let matching = match self.matching.as_str() {
            "SharedEntity" => Matching::SharedEntity,
            "AllEntities" => Matching::AllEntities,
            "AnyAlert" => Matching::AnyAlert,
            "Selected" => Matching::Selected(Selection {
                kinds: self
                    .selected_kinds
                    .iter()
                    .map(|kind| {
                        EntityKind::parse(kind)
                            .ok_or_else(|| error(path, format!("unknown entity kind {kind:?}")))
                    })
                    .collect::<Result<_, _>>()?,
                display_name: self.selected_display_name,
                severity: self.selected_severity,
            }),
            other => return Err(error(path, format!("unknown grouping method {other:?}"))),
        };
        Ok(GroupingSettings {
            enabled: self.enabled,
            matching,
            lookback: Duration::minutes(self.lookback_minutes),
            reopen_closed: self.reopen_closed,
            max_alerts: self.max_alerts,
        })
    }
}

/// The correlation settings, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SettingsRecord {
    default_grouping: GroupingRecord,
    by_source: Vec<(String, GroupingRecord)>,
    merge_enabled: bool,
    merge_window_minutes: i64,
    merge_max_entities: usize,
    merge_respects_device_groups: bool,
}

impl From<&CorrelationSettings> for SettingsRecord {
    fn from(settings: &CorrelationSettings) -> Self {
        SettingsRecord {
            default_grouping: (&settings.default_grouping).into(),
            by_source: settings
                .by_source
                .iter()
                .map(|(source, grouping)| (source.clone(), grouping.into()))
                .collect(),
            merge_enabled: settings.merge.enabled,
            merge_window_minutes: settings.merge.window.num_minutes(),
            merge_max_entities: settings.merge.max_entities,
            merge_respects_device_groups: settings.merge.respect_device_groups,
        }
    }
}

impl SettingsRecord {
    /// The settings, checked against Sentinel's bounds.
    pub fn into_settings(self) -> Result<CorrelationSettings, RecordError> {
        let settings = CorrelationSettings {
            default_grouping: self.default_grouping.into_settings("defaultGrouping")?,
            by_source: self
                .by_source
                .into_iter()
                .map(|(source, grouping)| {
                    let path = format!("bySource.{source}");
                    Ok((source, grouping.into_settings(&path)?))
                })
                .collect::<Result<_, RecordError>>()?,
            merge: MergeSettings {
                enabled: self.merge_enabled,
                window: Duration::minutes(self.merge_window_minutes),
                max_entities: self.merge_max_entities,
                respect_device_groups: self.merge_respects_device_groups,
            },
        };
        settings
            .validate()
            .map_err(|problem| error("", problem.to_string()))?;
        Ok(settings)
    }
}

/// One queue row, as stored in a queue chunk: short field names, since a large workspace keeps
/// a hundred thousand of them and reads them all before anything else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueRowRecord {
    n: u64,
    t: String,
    s: String,
    st: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    o: Option<String>,
    a: usize,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    p: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    g: Vec<String>,
    c: DateTime<Utc>,
    m: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    r: Option<u64>,
}

impl From<&QueueRow> for QueueRowRecord {
    fn from(row: &QueueRow) -> Self {
        QueueRowRecord {
            n: row.number,
            t: row.title.clone(),
            s: row.severity.to_string(),
            st: row.status.to_string(),
            o: row.owner.clone(),
            a: row.alerts,
            p: row.product_names.clone(),
            g: row.tags.clone(),
            c: row.created,
            m: row.modified,
            r: row.merged_into,
        }
    }
}

impl QueueRowRecord {
    /// The row, its severity and status checked.
    pub fn into_row(self) -> Result<QueueRow, RecordError> {
        Ok(QueueRow {
            number: self.n,
            title: self.t,
            severity: parse(&self.s, "s")?,
            status: parse(&self.st, "st")?,
            owner: self.o,
            alerts: self.a,
            product_names: self.p,
            tags: self.g,
            created: self.c,
            modified: self.m,
            // Not stored: read from the incident once the workspace has loaded.
            closed: None,
            merged_into: self.r,
            details_folded: String::new(),
        })
    }
}
