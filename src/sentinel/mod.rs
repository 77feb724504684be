//! Incidents in and out in the shape of Sentinel's Incidents API, so analysts can bring their
//! queue from Sentinel and take it back. Reading is strict about what it understands (an
//! unknown enum value or a bad date is an error naming the field and the value) and lenient
//! about what it does not (unknown fields are ignored). An import is all or nothing.

pub mod wire;

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::Value;
use uuid::Uuid;

use crate::core::alert::AlertTexts;
use crate::core::closing::Closing;
use crate::core::incident::{ActivityLog, Etag, Incident, IncidentData, Label};
use crate::core::people::Owner;
use crate::core::validation::Field;
use crate::core::vocabulary::{
    Classification, ClassificationReason, LabelType, OwnerType, Tactic, Tactics, UnknownValue,
};
use wire::{
    WireAdditionalData, WireIncident, WireIncidentList, WireLabel, WireOwner, WireProperties,
};

/// The provider Sentinel names itself as; given to imported incidents that name none.
pub const SENTINEL_PROVIDER: &str = "Azure Sentinel";

/// The ARM resource type of an incident, as Vigil writes it.
pub const INCIDENT_RESOURCE_TYPE: &str = "Microsoft.SecurityInsights/incidents";

/// Where an import broke and why, e.g. `value[2].properties.severity: unknown value "Critical"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    /// A JSON path into the file, such as `value[0].properties.owner.objectId`; empty for the
    /// file as a whole.
    pub path: String,
    /// What is wrong there.
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for ImportError {}

/// What an import needs from outside the core: the time, and fresh ids and numbers for incidents
/// that arrive without them (a PUT body carries neither).
pub struct ImportContext<'a> {
    /// Used where the file gives no creation or modification time.
    pub now: DateTime<Utc>,
    /// The first number free in the target workspace.
    pub first_free_number: u64,
    /// Makes an id for an incident that has none.
    pub new_id: &'a mut dyn FnMut() -> Uuid,
}

/// Reads a list page (`{"value": [...]}`) or a single incident (a PUT body or a GET reply),
/// detected from the content. Either every incident is returned, or the first error.
pub fn import_incidents(
    text: &str,
    context: &mut ImportContext<'_>,
) -> Result<Vec<Incident>, ImportError> {
    let document: Value = serde_json::from_str(text)
        .map_err(|error| ImportError::at("", format!("not valid JSON ({error})")))?;
    let (records, prefix): (Vec<WireIncident>, fn(usize) -> String) =
        if document.get("value").is_some() {
            let list: WireIncidentList = decode(document)?;
            (list.value, |index| format!("value[{index}]"))
        } else if document.get("properties").is_some() {
            (vec![decode(document)?], |_| String::new())
        } else {
            return Err(ImportError::at(
                "",
                "expected a Sentinel incident (an object with \"properties\") or a list page \
                 (an object with \"value\")",
            ));
        };
    let highest_given = records
        .iter()
        .filter_map(|record| record.properties.incident_number)
        .max()
        .unwrap_or(0);
    let mut next_number = context.first_free_number.max(highest_given + 1);
    records
        .into_iter()
        .enumerate()
        .map(|(index, record)| {
            let number = match record.properties.incident_number {
                Some(given) => given,
                None => {
                    let assigned = next_number;
                    next_number += 1;
                    assigned
                }
            };
            to_incident(record, number, context).map_err(|error| error.under(&prefix(index)))
        })
        .collect()
}

/// Deserialises with the JSON path of the first mismatch, so a wrong type is located too.
fn decode<T: serde::de::DeserializeOwned>(document: Value) -> Result<T, ImportError> {
    serde_path_to_error::deserialize(document).map_err(|error| {
        let path = error.path().to_string();
        ImportError {
            path: if path == "." { String::new() } else { path },
            message: error.into_inner().to_string(),
        }
    })
}

fn join_path(prefix: &str, path: &str) -> String {
    match (prefix.is_empty(), path.is_empty()) {
        (true, _) => path.to_owned(),
        (false, true) => prefix.to_owned(),
        (false, false) => format!("{prefix}.{path}"),
    }
}

impl ImportError {
    /// An error at `path` (a JSON path; empty for the whole document).
    pub fn at(path: &str, message: impl Into<String>) -> ImportError {
        ImportError {
            path: path.to_owned(),
            message: message.into(),
        }
    }

    /// The same error inside the value at `prefix`.
    pub fn under(self, prefix: &str) -> ImportError {
        ImportError {
            path: join_path(prefix, &self.path),
            message: self.message,
        }
    }
}

fn parse_enum<T: FromStr<Err = UnknownValue>>(text: &str, path: &str) -> Result<T, ImportError> {
    text.parse()
        .map_err(|error: UnknownValue| ImportError::at(path, error.to_string()))
}

fn parse_time(text: &str, path: &str) -> Result<DateTime<Utc>, ImportError> {
    DateTime::parse_from_rfc3339(text)
        .map(|time| time.to_utc())
        .map_err(|_| ImportError::at(path, format!("{text:?} is not an RFC 3339 date-time")))
}

fn parse_optional_time(
    text: Option<&str>,
    path: &str,
) -> Result<Option<DateTime<Utc>>, ImportError> {
    text.map(|text| parse_time(text, path)).transpose()
}

fn parse_uuid(text: &str, path: &str) -> Result<Uuid, ImportError> {
    Uuid::parse_str(text).map_err(|_| ImportError::at(path, format!("{text:?} is not a GUID")))
}

/// The wire path of the property a validation rule is about.
fn property_path(field: Field) -> &'static str {
    match field {
        Field::Title => "properties.title",
        Field::Description => "properties.description",
        Field::Status => "properties.status",
        Field::Classification => "properties.classification",
        Field::ClosingComment => "properties.classificationComment",
        Field::Owner => "properties.owner",
        Field::Tags => "properties.labels",
        Field::Comment => "properties",
        Field::ActivityTimes => "properties.firstActivityTimeUtc",
        // The analyst's own fields are workspace settings, which no incident carries.
        Field::AnalystName | Field::AnalystEmail => "properties",
    }
}

fn to_owner(wire: WireOwner) -> Result<Owner, ImportError> {
    Ok(Owner {
        object_id: wire
            .object_id
            .as_deref()
            .map(|id| parse_uuid(id, "properties.owner.objectId"))
            .transpose()?,
        email: wire.email,
        assigned_to: wire.assigned_to,
        user_principal_name: wire.user_principal_name,
        owner_type: wire
            .owner_type
            .as_deref()
            .map(|kind| parse_enum::<OwnerType>(kind, "properties.owner.ownerType"))
            .transpose()?,
    })
}

fn to_labels(wire: Vec<WireLabel>) -> Result<Vec<Label>, ImportError> {
    wire.into_iter()
        .enumerate()
        .map(|(index, label)| {
            let label_type = match label.label_type.as_deref() {
                Some(kind) => parse_enum(kind, &format!("properties.labels[{index}].labelType"))?,
                None => LabelType::User,
            };
            Ok(Label {
                name: label.label_name,
                label_type,
            })
        })
        .collect()
}

fn to_closing(properties: &WireProperties) -> Result<Option<Closing>, ImportError> {
    let Some(classification) = properties.classification.as_deref() else {
        return match properties.classification_reason {
            Some(_) => Err(ImportError::at(
                "properties.classificationReason",
                "a reason is given without a classification",
            )),
            None => Ok(None),
        };
    };
    let classification: Classification = parse_enum(classification, "properties.classification")?;
    let reason = properties
        .classification_reason
        .as_deref()
        .map(|reason| parse_enum::<ClassificationReason>(reason, "properties.classificationReason"))
        .transpose()?;
    let comment = properties
        .classification_comment
        .clone()
        .unwrap_or_default();
    Closing::new(classification, reason, comment)
        .map(Some)
        .map_err(|mismatch| {
            ImportError::at("properties.classificationReason", mismatch.to_string())
        })
}

/// The incident number Sentinel's preview API gives as `mergedIncidentNumber`.
fn merged_into(additional: &WireAdditionalData) -> Result<Option<u64>, ImportError> {
    let path = "properties.additionalData.mergedIncidentNumber";
    match &additional.merged_incident_number {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(number)) => number
            .as_u64()
            .map(Some)
            .ok_or_else(|| ImportError::at(path, format!("{number} is not an incident number"))),
        Some(Value::String(text)) => text
            .parse()
            .map(Some)
            .map_err(|_| ImportError::at(path, format!("{text:?} is not an incident number"))),
        Some(other) => Err(ImportError::at(
            path,
            format!("{other} is not an incident number"),
        )),
    }
}

fn to_incident(
    wire: WireIncident,
    number: u64,
    context: &mut ImportContext<'_>,
) -> Result<Incident, ImportError> {
    let properties = &wire.properties;
    let id = match wire.name.as_deref() {
        Some(name) => parse_uuid(name, "name")?,
        None => (context.new_id)(),
    };
    let severity = match properties.severity.as_deref() {
        Some(text) => parse_enum(text, "properties.severity")?,
        None => return Err(ImportError::at("properties.severity", "is required")),
    };
    let status = match properties.status.as_deref() {
        Some(text) => parse_enum(text, "properties.status")?,
        None => return Err(ImportError::at("properties.status", "is required")),
    };
    let additional = properties.additional_data.clone().unwrap_or_default();
    let tactics = additional
        .tactics
        .iter()
        .enumerate()
        .map(|(index, tactic)| {
            parse_enum::<Tactic>(
                tactic,
                &format!("properties.additionalData.tactics[{index}]"),
            )
        })
        .collect::<Result<Tactics, _>>()?;
    let created = parse_optional_time(
        properties.created_time_utc.as_deref(),
        "properties.createdTimeUtc",
    )?
    .unwrap_or(context.now);
    let data = IncidentData {
        id,
        number,
        title: properties.title.clone().unwrap_or_default(),
        description: properties.description.clone().unwrap_or_default(),
        severity,
        status,
        closing: to_closing(properties)?,
        owner: properties.owner.clone().map(to_owner).transpose()?,
        labels: to_labels(properties.labels.clone().unwrap_or_default())?,
        first_activity: parse_optional_time(
            properties.first_activity_time_utc.as_deref(),
            "properties.firstActivityTimeUtc",
        )?,
        last_activity: parse_optional_time(
            properties.last_activity_time_utc.as_deref(),
            "properties.lastActivityTimeUtc",
        )?,
        created,
        modified: parse_optional_time(
            properties.last_modified_time_utc.as_deref(),
            "properties.lastModifiedTimeUtc",
        )?
        .unwrap_or(created),
        provider_name: properties
            .provider_name
            .clone()
            .map_or(Cow::Borrowed(SENTINEL_PROVIDER), Cow::Owned),
        provider_incident_id: properties.provider_incident_id.clone(),
        product_names: AlertTexts::from_vec(additional.alert_product_names.clone()),
        tactics,
        techniques: additional.techniques.clone(),
        related_rule_ids: properties
            .related_analytic_rule_ids
            .clone()
            .unwrap_or_default(),
        alert_ids: AlertTexts::new(),
        comments: Vec::new(),
        activity: ActivityLog::new(),
        etag: wire.etag.clone().map_or_else(Etag::initial, Etag::new),
        revision: 0,
        merged_into: merged_into(&additional)?,
    };
    Incident::from_data(data).map_err(|errors| {
        let first = &errors.all()[0];
        ImportError::at(property_path(first.field), errors.to_string())
    })
}

fn time_text(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// An incident as Sentinel's API returns it, with the derived counts recomputed from Vigil's
/// own data.
pub fn export_incident(incident: &Incident) -> WireIncident {
    let closing = incident.closing.as_ref();
    WireIncident {
        id: Some(format!(
            "/providers/Microsoft.SecurityInsights/incidents/{}",
            incident.id
        )),
        name: Some(incident.id.to_string()),
        resource_type: Some(INCIDENT_RESOURCE_TYPE.to_owned()),
        etag: Some(incident.etag.to_string()),
        properties: WireProperties {
            title: Some(incident.title.clone()),
            description: (!incident.description.is_empty()).then(|| incident.description.clone()),
            severity: Some(incident.severity.as_str().to_owned()),
            status: Some(incident.status.as_str().to_owned()),
            classification: closing.map(|closing| closing.classification().as_str().to_owned()),
            classification_reason: closing
                .and_then(Closing::reason)
                .map(|reason| reason.as_str().to_owned()),
            classification_comment: closing
                .map(Closing::comment)
                .filter(|comment| !comment.is_empty())
                .map(str::to_owned),
            owner: incident.owner.as_ref().map(|owner| WireOwner {
                object_id: owner.object_id.map(|id| id.to_string()),
                email: owner.email.clone(),
                assigned_to: owner.assigned_to.clone(),
                user_principal_name: owner.user_principal_name.clone(),
                owner_type: owner.owner_type.map(|kind| kind.as_str().to_owned()),
            }),
            labels: Some(
                incident
                    .labels
                    .iter()
                    .map(|label| WireLabel {
                        label_name: label.name.clone(),
                        label_type: Some(label.label_type.as_str().to_owned()),
                    })
                    .collect(),
            ),
            first_activity_time_utc: incident.first_activity.map(time_text),
            last_activity_time_utc: incident.last_activity.map(time_text),
            created_time_utc: Some(time_text(incident.created)),
            last_modified_time_utc: Some(time_text(incident.modified)),
            incident_number: Some(incident.number),
            provider_name: Some(incident.provider_name.to_string()),
            provider_incident_id: incident.provider_incident_id.clone(),
            related_analytic_rule_ids: Some(incident.related_rule_ids.clone()),
            additional_data: Some(WireAdditionalData {
                alerts_count: incident.alert_ids.len() as u64,
                bookmarks_count: 0,
                comments_count: incident.comments.len() as u64,
                alert_product_names: incident.product_names.to_vec(),
                tactics: incident
                    .tactics
                    .iter()
                    .map(|tactic| tactic.as_str().to_owned())
                    .collect(),
                techniques: incident.techniques.clone(),
                merged_incident_number: incident.merged_into.map(Value::from),
            }),
        },
    }
}

/// A list page of incidents, as `GET .../incidents` returns it.
pub fn export_incidents<'a>(incidents: impl IntoIterator<Item = &'a Incident>) -> WireIncidentList {
    WireIncidentList {
        value: incidents.into_iter().map(export_incident).collect(),
    }
}

#[cfg(test)]
mod tests;
