//! Sentinel alerts in the REST shape: `kind: SecurityAlert` entities, as the incident alerts
//! API returns them (a list page or one), with their fields under `properties`.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::core::alert::{AlertDetails, RawAlert};

const KIND: &str = "SecurityAlert";

/// Whether a record is a REST alert.
pub fn is_alert(record: &Value) -> bool {
    record.get("kind").and_then(Value::as_str) == Some(KIND)
}

/// One alert as the core's raw alert, or what is wrong with it.
pub fn read_alert(item: &Value) -> Result<RawAlert, String> {
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
        details: Box::new(AlertDetails {
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
        }),
    })
}
