use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;
use serde_json::{Value, json};
use uuid::Uuid;

use super::records::SCHEMA_VERSION;
use super::workspace_file::{export_workspace, import_workspace};
use crate::core::closing::{Closing, ClosingChoice};
use crate::core::correlation::{IngestContext, MoveTarget};
use crate::core::draft::IncidentDraft;
use crate::core::incident::Edit;
use crate::core::people::{Actor, Owner};
use crate::core::workspace::Workspace;
use crate::synthetic::AlertFeed;

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 10, 1, 0, 0, 0).unwrap()
}

/// A workspace with every kind of thing in it: correlated and merged alerts, a hand-made
/// incident, an owner, a comment, a closed incident, a manual merge and a moved alert.
fn busy_workspace(seed: u64, alerts: usize) -> Workspace {
    let mut workspace = Workspace::default();
    let mut next = 0u128;
    let mut new_id = move || {
        next += 1;
        Uuid::from_u128(next)
    };
    // A small entity pool over two days, so alerts group and merge.
    let mut feed = AlertFeed::new(seed, 60, start(), Duration::days(2));
    workspace.ingest(
        feed.batch(alerts, alerts),
        &mut IngestContext {
            now: start() + Duration::days(3),
            new_id: &mut new_id,
        },
    );
    let analyst = Actor::named("Ana Silva");
    let at = start() + Duration::days(3);
    let draft = IncidentDraft {
        title: "Caller reports a fake IT helpdesk <script>".into(),
        tags: vec!["vishing".into()],
        ..IncidentDraft::default()
    };
    workspace.create(
        Uuid::from_u128(9_999),
        draft.validate().unwrap(),
        &analyst,
        at,
    );
    let live: Vec<u64> = workspace
        .incidents()
        .filter(|incident| incident.merged_into.is_none() && !incident.alert_ids.is_empty())
        .map(|incident| incident.number)
        .collect();
    let edit = |workspace: &mut Workspace,
                number: u64,
                change: &dyn Fn(&mut crate::core::incident::Incident, Edit<'_>)| {
        let incident = workspace.incident_mut(number).unwrap();
        let etag = incident.etag.clone();
        change(
            incident,
            Edit {
                by: &analyst,
                at,
                etag: &etag,
            },
        );
    };
    if let [first, second, third, fourth, ..] = live[..] {
        edit(&mut workspace, first, &|incident, edit| {
            incident
                .set_owner(edit, Some(Owner::person("Ana Silva", "ana@contoso.com")))
                .unwrap();
        });
        edit(&mut workspace, first, &|incident, edit| {
            incident
                .comment(edit, Uuid::from_u128(7), "line one\nline two")
                .unwrap();
        });
        edit(&mut workspace, second, &|incident, edit| {
            let verdict = Closing::from_choice(
                ClosingChoice::BenignPositiveSuspiciousButExpected,
                "pen test",
            );
            incident.close(edit, verdict).unwrap();
        });
        workspace
            .merge_incidents(&[third, fourth], "same campaign", &analyst, at)
            .unwrap();
        let alert = workspace.incident(third).unwrap().alert_ids[0].clone();
        workspace
            .move_alert(
                &alert,
                MoveTarget::NewIncident {
                    id: Uuid::from_u128(8_888),
                },
                &analyst,
                at,
            )
            .unwrap();
    }
    workspace
}

#[test]
fn a_workspace_file_reads_back_identical() {
    let workspace = busy_workspace(3, 200);
    assert!(workspace.correlation().alerts().count() == 200);
    let text = export_workspace(&workspace);
    assert_eq!(import_workspace(&text), Ok(workspace));
}

#[test]
fn the_file_lists_incidents_in_sentinels_shape() {
    let workspace = busy_workspace(3, 50);
    let file: Value = serde_json::from_str(&export_workspace(&workspace)).unwrap();
    let first = &file["value"][0];
    assert_eq!(first["properties"]["incidentNumber"], json!(1));
    assert!(first["properties"]["title"].is_string());
    assert_eq!(file["vigil"]["schemaVersion"], json!(SCHEMA_VERSION));
    assert_eq!(file["vigil"]["alerts"].as_array().unwrap().len(), 50);
}

fn broken(change: impl FnOnce(&mut Value)) -> String {
    let mut file: Value = serde_json::from_str(&export_workspace(&busy_workspace(5, 40))).unwrap();
    change(&mut file);
    let error = import_workspace(&file.to_string()).unwrap_err();
    error.to_string()
}

#[test]
fn a_bad_value_is_named_by_its_path() {
    let message = broken(|file| file["vigil"]["incidents"][2]["severity"] = json!("Severe"));
    assert!(
        message.starts_with("vigil.incidents[2].severity: unknown value \"Severe\""),
        "{message}"
    );
    let message = broken(|file| file["vigil"]["alerts"][1]["entities"] = json!("host"));
    assert!(
        message.starts_with("vigil.alerts[1].entities: invalid type"),
        "{message}"
    );
    let message = broken(|file| file["vigil"]["incidents"][0]["title"] = json!("  "));
    assert_eq!(message, "vigil.incidents[0]: Title is required");
}

#[test]
fn parts_that_disagree_are_refused() {
    let message = broken(|file| {
        let alerts = file["vigil"]["alerts"].as_array_mut().unwrap();
        alerts.pop();
    });
    assert!(
        message.starts_with("vigil: incidents list 40 alerts but 39 are stored"),
        "{message}"
    );
    let message = broken(|file| {
        file["value"].as_array_mut().unwrap().pop();
    });
    assert_eq!(
        message,
        "value: the Sentinel list and vigil.incidents name different incidents"
    );
}

#[test]
fn a_file_from_a_newer_vigil_is_refused() {
    let message = broken(|file| file["vigil"]["schemaVersion"] = json!(SCHEMA_VERSION + 1));
    assert_eq!(
        message,
        format!(
            "vigil.schemaVersion: written by a newer Vigil (schema {}); this one reads up to schema {SCHEMA_VERSION}",
            SCHEMA_VERSION + 1
        )
    );
}

#[test]
fn text_that_is_not_a_workspace_file_is_refused_with_a_place() {
    let message = import_workspace("{\"value\": [], \"vigil\": {\"schemaVersion\": 1").unwrap_err();
    assert!(message.to_string().contains("EOF"), "{message}");
    let message = import_workspace("[]").unwrap_err();
    assert!(
        message
            .to_string()
            .contains("expected struct WorkspaceFile"),
        "{message}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn any_busy_workspace_reads_back_identical(seed in any::<u64>(), alerts in 1..120usize) {
        let workspace = busy_workspace(seed, alerts);
        prop_assert_eq!(import_workspace(&export_workspace(&workspace)), Ok(workspace));
    }
}
