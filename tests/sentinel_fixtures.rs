//! The real payloads of Sentinel's REST API specification import, and export back unchanged.
#![cfg(not(target_arch = "wasm32"))]

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;
use vigil::sentinel::{ImportContext, export_incident, import_incidents};

/// The properties an API client may write; these must come back exactly as they went in.
const WRITABLE: [&str; 11] = [
    "title",
    "description",
    "severity",
    "status",
    "classification",
    "classificationReason",
    "classificationComment",
    "owner",
    "labels",
    "firstActivityTimeUtc",
    "lastActivityTimeUtc",
];

/// The copy kept in the repository, and the shared one beside it when present (CI has it), so a
/// payload added to the shared folder is tested without a change here.
fn fixture_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for folder in [
        root.join("tests/fixtures/sentinel-api"),
        root.join("../shared/fixtures/sentinel-api"),
    ] {
        let Ok(entries) = fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path
                .extension()
                .is_some_and(|extension| extension == "json")
            {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn is_incident(value: &Value) -> bool {
    value
        .get("properties")
        .is_some_and(|properties| properties.get("title").is_some())
}

/// The request and reply bodies of an API example that hold incidents: a PUT body, a single
/// incident, or a list page of them.
fn incident_bodies(example: &Value) -> Vec<Value> {
    let mut candidates = vec![example["parameters"]["incident"].clone()];
    if let Some(responses) = example["responses"].as_object() {
        candidates.extend(responses.values().map(|response| response["body"].clone()));
    }
    candidates
        .into_iter()
        .filter(|body| {
            is_incident(body)
                || body["value"]
                    .as_array()
                    .is_some_and(|items| !items.is_empty() && items.iter().all(is_incident))
        })
        .collect()
}

fn import(body: &Value) -> Vec<vigil::core::incident::Incident> {
    let mut fresh = Uuid::new_v4;
    let now: DateTime<Utc> = "2026-11-22T00:00:00Z".parse().unwrap();
    import_incidents(
        &body.to_string(),
        &mut ImportContext {
            now,
            first_free_number: 1,
            new_id: &mut fresh,
        },
    )
    .unwrap_or_else(|error| panic!("{body} did not import: {error}"))
}

fn incidents_of(body: &Value) -> Vec<Value> {
    match body["value"].as_array() {
        Some(items) => items.clone(),
        None => vec![body.clone()],
    }
}

#[test]
fn every_fixture_that_holds_incidents_imports_and_round_trips() {
    let mut bodies_checked = 0;
    let mut files_with_incidents = 0;
    for file in fixture_files() {
        let example: Value = serde_json::from_str(&fs::read_to_string(&file).unwrap()).unwrap();
        let bodies = incident_bodies(&example);
        if !bodies.is_empty() {
            files_with_incidents += 1;
        }
        for body in bodies {
            let originals = incidents_of(&body);
            let imported = import(&body);
            assert_eq!(imported.len(), originals.len(), "{}", file.display());
            for (original, incident) in originals.iter().zip(&imported) {
                let exported = serde_json::to_value(export_incident(incident)).unwrap();
                for property in WRITABLE {
                    let before = &original["properties"][property];
                    if before.is_null() {
                        continue;
                    }
                    assert_eq!(
                        &exported["properties"][property],
                        before,
                        "{}: property {property} changed on the way through",
                        file.display()
                    );
                }
                assert_eq!(
                    exported["etag"],
                    original["etag"],
                    "{}: etag",
                    file.display()
                );
                if let Some(number) = original["properties"]["incidentNumber"].as_u64() {
                    assert_eq!(exported["properties"]["incidentNumber"], number);
                }
                if let Some(name) = original["name"].as_str() {
                    assert_eq!(exported["name"], name);
                }
            }
            bodies_checked += 1;
        }
    }
    // GetIncidents (a list page) and CreateIncident (a PUT body and two replies) hold incidents.
    assert!(
        files_with_incidents >= 2,
        "only {files_with_incidents} files held incidents"
    );
    assert!(
        bodies_checked >= 4,
        "only {bodies_checked} incident bodies were checked"
    );
}

#[test]
fn the_alert_and_entity_examples_hold_no_incidents() {
    for name in ["GetAllIncidentAlerts.json", "GetAllIncidentEntities.json"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/sentinel-api")
            .join(name);
        let example: Value = serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap();
        assert!(incident_bodies(&example).is_empty(), "{name}");
    }
}

#[test]
fn a_closed_fixture_keeps_its_verdict() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sentinel-api/GetIncidents.json");
    let example: Value = serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap();
    let incident = &import(&example["responses"]["200"]["body"])[0];
    let closing = incident.closing.as_ref().unwrap();
    assert_eq!(closing.describe(), "False positive - incorrect alert logic");
    assert_eq!(closing.comment(), "Not a malicious activity");
    assert_eq!(incident.number, 3177);
    assert_eq!(incident.related_rule_ids.len(), 2);
}
