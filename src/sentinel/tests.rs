//! Bad and unusual input, one case each: every refusal names the field and the value.

use super::*;
use crate::core::vocabulary::{IncidentStatus, Severity};
use serde_json::json;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-22T00:00:00Z")
        .unwrap()
        .to_utc()
}

fn import(document: Value) -> Result<Vec<Incident>, ImportError> {
    let mut fresh = || Uuid::from_u128(42);
    import_incidents(
        &document.to_string(),
        &mut ImportContext {
            now: now(),
            first_free_number: 1,
            new_id: &mut fresh,
        },
    )
}

/// A complete, valid incident as Sentinel returns it; each test spoils one part.
fn incident() -> Value {
    json!({
        "name": "73e01a99-5cd7-4139-a149-9f2736ff2ab5",
        "etag": "\"0300bf09-0000-0000-0000-5c37296e0000\"",
        "properties": {
            "title": "My incident",
            "severity": "High",
            "status": "Active",
            "incidentNumber": 12,
            "createdTimeUtc": "2019-01-01T13:15:30Z",
            "firstActivityTimeUtc": "2019-01-01T13:00:30Z",
            "lastActivityTimeUtc": "2019-01-01T13:05:30Z",
            "labels": [{"labelName": "VIP", "labelType": "User"}],
            "owner": {"objectId": "2046feea-040d-4a46-9e2b-91c2941bfa70", "ownerType": "User"},
            "additionalData": {"tactics": ["Persistence"], "alertProductNames": ["Microsoft Defender for Endpoint"]}
        }
    })
}

fn spoiled(pointer: &str, value: Value) -> Value {
    let mut document = incident();
    *document.pointer_mut(pointer).unwrap() = value;
    document
}

fn error_of(document: Value) -> String {
    import(document).unwrap_err().to_string()
}

#[test]
fn a_complete_incident_imports() {
    let incidents = import(incident()).unwrap();
    let incident = &incidents[0];
    assert_eq!(incident.number, 12);
    assert_eq!(incident.severity, Severity::High);
    assert_eq!(incident.status, IncidentStatus::Active);
    assert_eq!(incident.tactics[..], [Tactic::Persistence]);
    assert_eq!(
        incident.etag.to_string(),
        "\"0300bf09-0000-0000-0000-5c37296e0000\""
    );
}

#[test]
fn an_unknown_severity_is_named_with_its_value() {
    assert_eq!(
        error_of(spoiled("/properties/severity", json!("Critical"))),
        "properties.severity: unknown value \"Critical\"; expected one of High, Medium, Low, Informational"
    );
}

#[test]
fn an_unknown_status_is_named_with_its_value() {
    assert!(
        error_of(spoiled("/properties/status", json!("Resolved")))
            .starts_with("properties.status: unknown value \"Resolved\"")
    );
}

#[test]
fn a_missing_severity_or_status_is_refused() {
    let mut document = incident();
    document["properties"]
        .as_object_mut()
        .unwrap()
        .remove("severity");
    assert_eq!(error_of(document), "properties.severity: is required");
    let mut document = incident();
    document["properties"]
        .as_object_mut()
        .unwrap()
        .remove("status");
    assert_eq!(error_of(document), "properties.status: is required");
}

#[test]
fn an_unknown_classification_or_reason_is_named() {
    let mut document = spoiled("/properties/status", json!("Closed"));
    document["properties"]["classification"] = json!("Malicious");
    assert!(
        error_of(document).starts_with("properties.classification: unknown value \"Malicious\"")
    );

    let mut document = spoiled("/properties/status", json!("Closed"));
    document["properties"]["classification"] = json!("TruePositive");
    document["properties"]["classificationReason"] = json!("Because");
    assert!(
        error_of(document)
            .starts_with("properties.classificationReason: unknown value \"Because\"")
    );
}

#[test]
fn a_reason_of_another_classification_is_refused() {
    let mut document = spoiled("/properties/status", json!("Closed"));
    document["properties"]["classification"] = json!("BenignPositive");
    document["properties"]["classificationReason"] = json!("InaccurateData");
    assert_eq!(
        error_of(document),
        "properties.classificationReason: reason InaccurateData belongs to FalsePositive, not to BenignPositive"
    );
}

#[test]
fn closed_without_a_classification_is_refused() {
    assert_eq!(
        error_of(spoiled("/properties/status", json!("Closed"))),
        "properties.classification: Classification is required to close an incident"
    );
}

#[test]
fn every_malformed_date_is_named_with_its_value() {
    for field in [
        "createdTimeUtc",
        "firstActivityTimeUtc",
        "lastActivityTimeUtc",
        "lastModifiedTimeUtc",
    ] {
        let document = {
            let mut document = incident();
            document["properties"][field] = json!("2019-13-01 25:00");
            document
        };
        assert_eq!(
            error_of(document),
            format!("properties.{field}: \"2019-13-01 25:00\" is not an RFC 3339 date-time")
        );
    }
}

#[test]
fn first_activity_after_last_is_refused() {
    let document = spoiled(
        "/properties/firstActivityTimeUtc",
        json!("2019-01-02T00:00:00Z"),
    );
    assert_eq!(
        error_of(document),
        "properties.firstActivityTimeUtc: Activity times: first activity is after last activity"
    );
}

#[test]
fn a_bad_owner_is_named() {
    assert_eq!(
        error_of(spoiled("/properties/owner/objectId", json!("john"))),
        "properties.owner.objectId: \"john\" is not a GUID"
    );
    assert!(
        error_of(spoiled("/properties/owner/ownerType", json!("Robot")))
            .starts_with("properties.owner.ownerType: unknown value \"Robot\"")
    );
}

#[test]
fn an_unknown_label_type_or_tactic_is_named_by_position() {
    assert!(
        error_of(spoiled("/properties/labels/0/labelType", json!("Machine")))
            .starts_with("properties.labels[0].labelType: unknown value \"Machine\"")
    );
    assert!(
        error_of(spoiled(
            "/properties/additionalData/tactics/0",
            json!("Teleportation")
        ))
        .starts_with("properties.additionalData.tactics[0]: unknown value \"Teleportation\"")
    );
}

#[test]
fn a_wrong_json_type_is_named_with_its_path() {
    let error = import(spoiled("/properties/title", json!(5))).unwrap_err();
    assert_eq!(error.path, "properties.title");
    assert!(error.message.contains("invalid type"), "{}", error.message);
}

#[test]
fn a_bad_name_is_refused() {
    assert_eq!(
        error_of(spoiled("/name", json!("not-a-guid"))),
        "name: \"not-a-guid\" is not a GUID"
    );
}

#[test]
fn an_empty_title_is_refused_by_the_form_rules() {
    assert_eq!(
        error_of(spoiled("/properties/title", json!("   "))),
        "properties.title: Title is required"
    );
}

#[test]
fn errors_in_a_list_name_the_incident_by_index() {
    let mut bad = incident();
    bad["properties"]["severity"] = json!("Severe");
    bad["properties"]["incidentNumber"] = json!(13);
    let error = import(json!({"value": [incident(), bad]})).unwrap_err();
    assert_eq!(error.path, "value[1].properties.severity");
}

#[test]
fn unknown_fields_are_tolerated() {
    let mut document = incident();
    document["properties"]["someFutureField"] = json!({"nested": [1, 2]});
    document["systemData"] = json!({"createdBy": "someone"});
    assert_eq!(import(document).unwrap().len(), 1);
}

#[test]
fn text_that_is_not_json_or_not_an_incident_is_refused() {
    let mut fresh = || Uuid::nil();
    let mut context = ImportContext {
        now: now(),
        first_free_number: 1,
        new_id: &mut fresh,
    };
    let error = import_incidents("{\"value\": [", &mut context).unwrap_err();
    assert!(error.message.starts_with("not valid JSON"), "{error}");
    let error = import_incidents("[1, 2]", &mut context).unwrap_err();
    assert!(
        error.message.starts_with("expected a Sentinel incident"),
        "{error}"
    );
}

#[test]
fn incidents_without_a_number_or_id_get_fresh_ones_after_the_highest_given() {
    let mut put_body = incident();
    put_body.as_object_mut().unwrap().remove("name");
    let properties = put_body["properties"].as_object_mut().unwrap();
    properties.remove("incidentNumber");
    properties.remove("createdTimeUtc");
    let incidents = import(json!({"value": [put_body, incident()]})).unwrap();
    assert_eq!(
        incidents[0].number, 13,
        "after number 12, given in the same file"
    );
    assert_eq!(incidents[0].id, Uuid::from_u128(42));
    assert_eq!(incidents[0].created, now());
    assert_eq!(incidents[1].number, 12);
}

#[test]
fn a_merged_incident_keeps_its_pointer_and_label() {
    let mut document = spoiled("/properties/status", json!("Closed"));
    document["properties"]["classification"] = json!("Undetermined");
    document["properties"]["labels"] =
        json!([{"labelName": "Redirected", "labelType": "AutoAssigned"}]);
    document["properties"]["additionalData"]["mergedIncidentNumber"] = json!("31");
    let incident = &import(document).unwrap()[0];
    assert_eq!(incident.merged_into, Some(31));
    assert_eq!(incident.labels[0].label_type, LabelType::AutoAssigned);
    let exported = serde_json::to_value(export_incident(incident)).unwrap();
    assert_eq!(
        exported["properties"]["additionalData"]["mergedIncidentNumber"],
        json!(31)
    );
    assert_eq!(
        exported["properties"]["labels"][0]["labelName"],
        json!("Redirected")
    );
}

#[test]
fn fractional_seconds_survive_a_round_trip_as_the_same_instant() {
    let document = spoiled(
        "/properties/createdTimeUtc",
        json!("2019-01-01T13:15:30.1234567Z"),
    );
    let incident = &import(document).unwrap()[0];
    let exported = export_incident(incident);
    let text = exported.properties.created_time_utc.unwrap();
    assert_eq!(parse_time(&text, "").unwrap(), incident.created);
}
