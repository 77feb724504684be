//! Sentinel alerts in the REST shape: `kind: SecurityAlert` entities, as the incident alerts
//! API returns them (a list page or one), with their fields under `properties`.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{Parsed, RecordProblem};
use crate::core::alert::{AlertDetails, RawAlert};

const KIND: &str = "SecurityAlert";

/// Whether a JSON document is REST alerts.
pub fn looks_like(document: &Value) -> bool {
    let is_alert = |item: &Value| item.get("kind").and_then(Value::as_str) == Some(KIND);
    match document.get("value").and_then(Value::as_array) {
        Some(items) => items.first().is_some_and(is_alert),
        None => is_alert(document),
    }
}

/// Every alert of the document; one that cannot be read is a problem named by its position.
pub fn parse(document: &Value) -> Parsed {
    let items: Vec<&Value> = match document.get("value").and_then(Value::as_array) {
        Some(items) => items.iter().collect(),
        None => vec![document],
    };
    let mut parsed = Parsed::default();
    for (index, item) in items.into_iter().enumerate() {
        let record = index + 1;
        match parse_alert(item) {
            Ok(alert) => parsed.alerts.push((record, alert)),
            Err(reason) => parsed.problems.push(RecordProblem { record, reason }),
        }
    }
    parsed
}

fn parse_alert(item: &Value) -> Result<RawAlert, String> {
    if item.get("kind").and_then(Value::as_str) != Some(KIND) {
        return Err(format!("kind: expected \"{KIND}\""));
    }
    let properties = item
        .get("properties")
        .and_then(Value::as_object)
        .ok_or("properties: expected an object")?;
    let text = |field: &str| -> Result<String, String> {
        match properties.get(field) {
            None | Some(Value::Null) => Ok(String::new()),
            Some(Value::String(text)) => Ok(text.clone()),
            Some(_) => Err(format!("properties.{field}: expected text")),
        }
    };
    let time = |field: &str| -> Result<Option<DateTime<Utc>>, String> {
        let value = text(field)?;
        if value.is_empty() {
            return Ok(None);
        }
        DateTime::parse_from_rfc3339(&value)
            .map(|time| Some(time.with_timezone(&Utc)))
            .map_err(|_| format!("properties.{field}: {value:?} is not a time"))
    };
    let texts = |field: &str| -> Result<Vec<String>, String> {
        match properties.get(field) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| {
                    item.as_str()
                        .map(str::to_owned)
                        .ok_or_else(|| format!("properties.{field}: expected a list of texts"))
                })
                .collect(),
            Some(_) => Err(format!("properties.{field}: expected a list")),
        }
    };
    let enumerated = |field: &str| -> Result<Option<String>, String> {
        Ok(Some(text(field)?).filter(|value| !value.is_empty()))
    };
    Ok(RawAlert {
        id: text("systemAlertId")?,
        start: time("startTimeUtc")?,
        entities: Vec::new(),
        details: AlertDetails {
            display_name: text("alertDisplayName")?,
            alert_type: text("alertType")?,
            description: text("description")?,
            severity: enumerated("severity")?
                .map(|value| value.parse())
                .transpose()
                .map_err(|error| format!("properties.severity: {error}"))?
                .unwrap_or_default(),
            status: enumerated("status")?
                .map(|value| value.parse())
                .transpose()
                .map_err(|error| format!("properties.status: {error}"))?
                .unwrap_or_default(),
            end: time("endTimeUtc")?,
            generated: time("timeGenerated")?,
            product_name: text("productName")?,
            vendor_name: text("vendorName")?,
            tactics: texts("tactics")?
                .iter()
                .map(|tactic| tactic.parse())
                .collect::<Result<_, _>>()
                .map_err(|error| format!("properties.tactics: {error}"))?,
            techniques: texts("techniques")?,
            remediation_steps: texts("remediationSteps")?,
            compromised_entity: text("compromisedEntity")?,
            extended_properties: properties
                .get("additionalData")
                .and_then(Value::as_object)
                .map(|data| {
                    data.iter()
                        .map(|(name, value)| {
                            let text = value
                                .as_str()
                                .map_or_else(|| value.to_string(), str::to_owned);
                            (name.clone(), text)
                        })
                        .collect()
                })
                .unwrap_or_default(),
            ..AlertDetails::default()
        },
    })
}
