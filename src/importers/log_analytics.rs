//! `SecurityAlert` rows as a Log Analytics query exports them: a JSON array of row objects in
//! which `Entities`, `ExtendedProperties`, `RemediationSteps` and `Techniques` are JSON held in
//! strings, and entities refer to one another with `$id` / `$ref`. References are resolved into
//! each entity's related entities; a reference to nothing, or a chain of references that comes
//! back to where it started, refuses the row with the `$id` it concerns.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use crate::core::alert::{AlertDetails, RawAlert, RawEntity};

/// Whether a record is a SecurityAlert row.
pub fn is_row(record: &Value) -> bool {
    record.as_object().is_some_and(|row| {
        row.contains_key("SystemAlertId") || row.get("Type") == Some(&"SecurityAlert".into())
    })
}

/// One row as an alert, or what is wrong with it.
pub fn read_row(row: &Value) -> Result<RawAlert, String> {
    let row = row.as_object().ok_or("the row is not an object")?;
    let text = |column: &str| -> Result<String, String> {
        match row.get(column) {
            None | Some(Value::Null) => Ok(String::new()),
            Some(Value::String(text)) => Ok(text.clone()),
            Some(Value::Number(number)) => Ok(number.to_string()),
            Some(Value::Bool(flag)) => Ok(flag.to_string()),
            Some(_) => Err(format!("{column}: expected text")),
        }
    };
    let time = |column: &str| -> Result<Option<DateTime<Utc>>, String> {
        let value = text(column)?;
        if value.is_empty() {
            return Ok(None);
        }
        DateTime::parse_from_rfc3339(&value)
            .map(|time| Some(time.with_timezone(&Utc)))
            .map_err(|_| format!("{column}: {value:?} is not a time"))
    };
    let severity = text("AlertSeverity")?;
    let status = text("Status")?;
    let display_name = match text("DisplayName")? {
        name if name.is_empty() => text("AlertName")?,
        name => name,
    };
    Ok(RawAlert {
        id: text("SystemAlertId")?,
        start: match time("StartTime")? {
            Some(start) => Some(start),
            None => time("TimeGenerated")?,
        },
        entities: entities(row.get("Entities")).map_err(|error| format!("Entities: {error}"))?,
        details: Box::new(AlertDetails {
            display_name,
            alert_type: text("AlertType")?,
            description: text("Description")?,
            severity: if severity.is_empty() {
                Default::default()
            } else {
                severity
                    .parse()
                    .map_err(|error| format!("AlertSeverity: {error}"))?
            },
            status: if status.is_empty() {
                Default::default()
            } else {
                status.parse().map_err(|error| format!("Status: {error}"))?
            },
            end: time("EndTime")?,
            generated: time("TimeGenerated")?,
            product_name: text("ProductName")?,
            provider_name: text("ProviderName")?,
            vendor_name: text("VendorName")?,
            tactics: text("Tactics")?
                .split(',')
                .map(str::trim)
                .filter(|tactic| !tactic.is_empty())
                .map(|tactic| tactic.parse().map_err(|error| format!("Tactics: {error}")))
                .collect::<Result<_, _>>()?,
            techniques: list(row.get("Techniques")).map_err(|e| format!("Techniques: {e}"))?,
            remediation_steps: list(row.get("RemediationSteps"))
                .map_err(|error| format!("RemediationSteps: {error}"))?,
            compromised_entity: text("CompromisedEntity")?,
            extended_properties: properties(row.get("ExtendedProperties"))
                .map_err(|error| format!("ExtendedProperties: {error}"))?,
            rule_ids: Vec::new(),
        }),
    })
}

/// A column that holds JSON, either as JSON or as a string of it; `Null` when absent or blank.
fn embedded(value: Option<&Value>) -> Result<Value, String> {
    match value {
        None | Some(Value::Null) => Ok(Value::Null),
        Some(Value::String(text)) if text.trim().is_empty() => Ok(Value::Null),
        Some(Value::String(text)) => {
            serde_json::from_str(text).map_err(|error| format!("not JSON ({error})"))
        }
        Some(other) => Ok(other.clone()),
    }
}

/// A list of texts: a JSON array, or text separated by commas.
fn list(value: Option<&Value>) -> Result<Vec<String>, String> {
    if let Some(Value::String(text)) = value
        && !text.trim_start().starts_with('[')
    {
        return Ok(text
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(str::to_owned)
            .collect());
    }
    match embedded(value)? {
        Value::Null => Ok(Vec::new()),
        Value::Array(items) => items
            .iter()
            .map(|item| scalar(item).ok_or_else(|| "expected a list of texts".to_owned()))
            .collect(),
        _ => Err("expected a list".to_owned()),
    }
}

/// Name and text of each property of a JSON object.
fn properties(value: Option<&Value>) -> Result<Vec<(String, String)>, String> {
    match embedded(value)? {
        Value::Null => Ok(Vec::new()),
        Value::Object(object) => Ok(object
            .iter()
            .map(|(name, value)| {
                (
                    name.clone(),
                    scalar(value).unwrap_or_else(|| value.to_string()),
                )
            })
            .collect()),
        _ => Err("expected an object".to_owned()),
    }
}

/// The text of a JSON scalar.
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

/// How deep references may nest: far beyond any real alert, and a bound on hostile input.
const MAX_DEPTH: usize = 32;
/// How many entities one row may expand to once references are resolved: a bound on input
/// whose shared references would multiply without end.
const MAX_EXPANDED: usize = 10_000;

/// The entities of an `Entities` column, references resolved.
pub fn entities(value: Option<&Value>) -> Result<Vec<RawEntity>, String> {
    let list = match embedded(value)? {
        Value::Null => return Ok(Vec::new()),
        Value::Array(list) => list,
        _ => return Err("expected a list of entities".to_owned()),
    };
    let mut by_id: BTreeMap<String, &Map<String, Value>> = BTreeMap::new();
    for item in &list {
        collect_ids(item, &mut by_id)?;
    }
    let mut seen = BTreeSet::new();
    let mut entities = Vec::new();
    let mut budget = MAX_EXPANDED;
    for (index, item) in list.iter().enumerate() {
        let object = resolve(item, &by_id)?.ok_or_else(|| format!("[{index}] is not an entity"))?;
        // Each entity once at the top, however often it is referred to there.
        if let Some(id) = object.get("$id").and_then(scalar)
            && !seen.insert(id)
        {
            continue;
        }
        entities.push(entity(object, &by_id, &mut Vec::new(), &mut budget)?);
    }
    Ok(entities)
}

/// Files every object that declares a `$id`, at any depth.
fn collect_ids<'a>(
    value: &'a Value,
    by_id: &mut BTreeMap<String, &'a Map<String, Value>>,
) -> Result<(), String> {
    match value {
        Value::Object(object) => {
            if let Some(id) = object.get("$id").and_then(scalar)
                && by_id.insert(id.clone(), object).is_some()
            {
                return Err(format!("two entities declare $id {id:?}"));
            }
            object
                .values()
                .try_for_each(|inner| collect_ids(inner, by_id))
        }
        Value::Array(items) => items.iter().try_for_each(|item| collect_ids(item, by_id)),
        _ => Ok(()),
    }
}

/// The entity an object is or refers to (`None`: not an object).
fn resolve<'a>(
    value: &'a Value,
    by_id: &BTreeMap<String, &'a Map<String, Value>>,
) -> Result<Option<&'a Map<String, Value>>, String> {
    let Some(object) = value.as_object() else {
        return Ok(None);
    };
    match object.get("$ref").and_then(scalar) {
        Some(reference) => by_id
            .get(&reference)
            .copied()
            .map(Some)
            .ok_or_else(|| format!("$ref {reference:?} names no entity")),
        None => Ok(Some(object)),
    }
}

/// One entity: its scalar properties, and the entities it refers to as related. `path` holds
/// the `$id`s being resolved, to catch a chain that comes back to one of them.
fn entity(
    object: &Map<String, Value>,
    by_id: &BTreeMap<String, &Map<String, Value>>,
    path: &mut Vec<String>,
    budget: &mut usize,
) -> Result<RawEntity, String> {
    *budget = budget
        .checked_sub(1)
        .ok_or_else(|| format!("references expand to more than {MAX_EXPANDED} entities"))?;
    let id = object.get("$id").and_then(scalar);
    if let Some(id) = &id {
        if path.contains(id) {
            path.push(id.clone());
            return Err(format!(
                "entities refer to each other in a cycle: {}",
                path.join(" → ")
            ));
        }
        path.push(id.clone());
    }
    if path.len() > MAX_DEPTH {
        return Err(format!("references nest deeper than {MAX_DEPTH}"));
    }
    let mut properties = Vec::new();
    let mut related_entities = Vec::new();
    for (name, value) in object {
        if name.starts_with('$') || name == "Type" {
            continue;
        }
        if let Some(text) = scalar(value) {
            properties.push((name.clone(), text));
            continue;
        }
        let items: Vec<&Value> = match value {
            Value::Array(items) => items.iter().collect(),
            other => vec![other],
        };
        for item in items {
            if let Some(related) = resolve(item, by_id)?
                && (related.contains_key("Type") || related.contains_key("$id"))
            {
                related_entities.push(entity(related, by_id, path, budget)?);
            }
        }
    }
    // A kind given as text is parsed as it stands; any other value is named as its text.
    let kind = match object.get("Type").or_else(|| object.get("kind")) {
        Some(Value::String(text)) => Cow::Borrowed(text.as_str()),
        other => Cow::Owned(other.and_then(scalar).unwrap_or_default()),
    };
    let mut raw = RawEntity::read(&kind, properties);
    for related in related_entities {
        raw.relate(related);
    }
    if id.is_some() {
        path.pop();
    }
    Ok(raw)
}
