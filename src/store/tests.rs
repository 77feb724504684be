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
    let team = workspace.team_mut();
    team.set_analyst("Ana Silva", "ana@contoso.com").unwrap();
    team.remember(&Owner::person("Bo Chen", "bo@contoso.com"));
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

mod snapshots {
    use uuid::Uuid;

    use super::{busy_workspace, start};
    use crate::core::correlation::CorrelationSettings;
    use crate::core::draft::IncidentDraft;
    use crate::core::people::Actor;
    use crate::core::queue_row::QueueRow;
    use crate::core::team::Team;
    use crate::store::records::SCHEMA_VERSION;
    use crate::store::snapshot::{
        Change, QUEUE_CHUNK, StoreName, Stored, StoredQueue, StoredText, assemble,
        incident_records_for, queue_chunks_of, read_queue, records_for, records_of, stored_etag,
        stored_next_number,
    };

    #[test]
    fn records_read_back_as_the_same_workspace() {
        let workspace = busy_workspace(11, 120);
        let loaded = assemble(records_of(&workspace).into_stored()).unwrap();
        assert!(loaded.set_aside.is_empty());
        assert_eq!(loaded.newer_schema, None);
        assert_eq!(loaded.workspace, workspace);
    }

    #[test]
    fn a_corrupt_incident_record_is_set_aside_with_its_alerts_and_the_rest_loads() {
        let workspace = busy_workspace(11, 120);
        let mut stored = records_of(&workspace).into_stored();
        let victim = workspace
            .incidents()
            .find(|incident| incident.alert_ids.len() > 1)
            .unwrap();
        let text = stored
            .incidents
            .iter_mut()
            .find(|text| text.key == victim.number.to_string())
            .unwrap();
        let half = text.json.len() / 2;
        text.json.truncate(half);
        let loaded = assemble(stored).unwrap();
        assert_eq!(loaded.set_aside.len(), 1);
        let aside = &loaded.set_aside[0];
        assert_eq!(
            (aside.store, aside.key.as_str()),
            (StoreName::Incidents, victim.number.to_string().as_str())
        );
        assert!(aside.reason.contains("EOF"), "{}", aside.reason);
        assert!(loaded.workspace.incident(victim.number).is_none());
        assert_eq!(
            loaded.workspace.incidents().count(),
            workspace.incidents().count() - 1
        );
        assert_eq!(
            loaded.workspace.correlation().alerts().count(),
            120 - victim.alert_ids.len()
        );
    }

    #[test]
    fn an_incident_record_holding_other_alerts_than_it_lists_is_set_aside() {
        let workspace = busy_workspace(11, 60);
        let mut stored = records_of(&workspace).into_stored();
        let number = workspace
            .incidents()
            .find(|incident| !incident.alert_ids.is_empty())
            .unwrap()
            .number;
        let text = stored
            .incidents
            .iter_mut()
            .find(|text| text.key == number.to_string())
            .unwrap();
        let mut entry: serde_json::Value = serde_json::from_str(&text.json).unwrap();
        entry["incident"]["alertIds"] = serde_json::json!(["someone-else"]);
        text.json = entry.to_string();
        let loaded = assemble(stored).unwrap();
        assert_eq!(
            loaded.set_aside[0].reason,
            "the alerts it holds are not the alerts it lists"
        );
        assert!(loaded.workspace.incident(number).is_none());
    }

    #[test]
    fn a_corrupt_meta_record_falls_back_to_defaults_and_the_highest_number() {
        let workspace = busy_workspace(11, 60);
        let mut stored = records_of(&workspace).into_stored();
        stored.meta.as_mut().unwrap().json =
            "{\"schemaVersion\": 2, \"nextNumber\": \"many\"}".to_owned();
        let loaded = assemble(stored).unwrap();
        assert_eq!(loaded.set_aside.len(), 1);
        assert_eq!(loaded.set_aside[0].store, StoreName::Meta);
        assert_eq!(
            loaded.workspace.incidents().count(),
            workspace.incidents().count()
        );
        let highest = workspace
            .incidents()
            .map(|incident| incident.number)
            .max()
            .unwrap();
        assert_eq!(loaded.workspace.next_number(), highest + 1);
        assert_eq!(
            loaded.workspace.correlation().settings(),
            &CorrelationSettings::default()
        );
    }

    #[test]
    fn records_from_a_newer_vigil_are_flagged() {
        let workspace = busy_workspace(11, 30);
        let mut stored = records_of(&workspace).into_stored();
        stored.incidents[0].json = stored.incidents[0].json.replace(
            &format!("\"schemaVersion\":{SCHEMA_VERSION}"),
            &format!("\"schemaVersion\":{}", SCHEMA_VERSION + 1),
        );
        let loaded = assemble(stored).unwrap();
        assert_eq!(loaded.newer_schema, Some(SCHEMA_VERSION + 1));
    }

    #[test]
    fn a_change_writes_only_the_incidents_it_touched_with_their_alerts() {
        let workspace = busy_workspace(11, 60);
        let incident = workspace
            .incidents()
            .find(|incident| !incident.alert_ids.is_empty())
            .unwrap();
        let number = incident.number;
        let write = records_for(&workspace, &Change::of(&workspace, [number]));
        assert_eq!(write.incidents.len(), 1);
        assert_eq!(write.incidents[0].key, number.to_string());
        for id in &incident.alert_ids {
            assert!(write.incidents[0].json.contains(id.as_str()), "{id}");
        }
        assert_eq!(
            stored_etag(&write.incidents[0].json),
            Some(incident.etag.clone())
        );

        let before = workspace.clone();
        let mut workspace = workspace;
        assert_eq!(workspace.delete(&[number]).incidents, [number]);
        let write = records_for(&workspace, &Change::of(&before, [number]));
        let etag = before.incident(number).unwrap().etag.clone();
        assert_eq!(write.expected, [(number, Some(etag))]);
        assert!(write.incidents.is_empty());
        assert_eq!(
            write.removed,
            [
                (StoreName::Incidents, number.to_string()),
                (StoreName::Clusters, number.to_string())
            ]
        );
    }

    #[test]
    fn a_merge_writes_the_links_of_its_incidents_and_not_the_others() {
        let workspace = busy_workspace(11, 60);
        let survivor = workspace
            .correlation()
            .to_portable()
            .clusters
            .iter()
            .find(|cluster| !cluster.merges.is_empty())
            .expect("the busy workspace has a merge")
            .number;
        let other = workspace
            .incidents()
            .map(|incident| incident.number)
            .find(|number| *number != survivor)
            .unwrap();
        let write = records_for(&workspace, &Change::of(&workspace, [survivor]));
        let keys: Vec<&str> = write
            .clusters
            .iter()
            .map(|text| text.key.as_str())
            .collect();
        assert_eq!(keys, [survivor.to_string()]);
        assert!(!write.meta.json.contains("clusters"), "{}", write.meta.json);
        let write = records_for(&workspace, &Change::of(&workspace, [other]));
        assert!(write.clusters.is_empty());
    }

    /// Records as an older schema wrote them, from a fixture that version saved.
    fn fixture_records(fixture: &str) -> Stored {
        let fixture: serde_json::Value = serde_json::from_str(fixture).unwrap();
        let text = |text: &serde_json::Value| StoredText {
            key: text["key"].as_str().unwrap().to_owned(),
            json: text["json"].as_str().unwrap().to_owned(),
        };
        let texts = |name: &str| {
            fixture[name]
                .as_array()
                .map(|texts| texts.iter().map(text).collect())
                .unwrap_or_default()
        };
        Stored {
            meta: Some(text(&fixture["meta"])),
            incidents: texts("incidents"),
            alerts: texts("alerts"),
            clusters: texts("clusters"),
            queue: texts("queue"),
        }
    }

    /// Records as schema 1 wrote them (links inside the meta record), saved by that version.
    fn schema_1_records() -> Stored {
        fixture_records(include_str!("../../tests/fixtures/store/schema-v1.json"))
    }

    #[test]
    fn a_workspace_stored_by_schema_2_migrates_by_rewriting_its_meta_record_alone() {
        let stored = fixture_records(include_str!("../../tests/fixtures/store/schema-v2.json"));
        let loaded = assemble(stored.clone()).unwrap();
        assert!(loaded.set_aside.is_empty(), "{:?}", loaded.set_aside);
        assert_eq!(loaded.migrated_from, Some(2));
        assert!(!loaded.queue_stale);
        assert_eq!(loaded.workspace.incidents().count(), 10);
        assert_eq!(loaded.workspace.correlation().alerts().count(), 24);
        assert_eq!(loaded.workspace.incident(2).unwrap().merged_into, Some(1));
        assert_eq!(loaded.workspace.team(), &Team::default());

        let migration = loaded.migration().expect("an older schema is migrated");
        assert!(migration.incidents.is_empty() && migration.clusters.is_empty());
        assert!(migration.queue.is_empty() && migration.removed.is_empty());
        assert!(
            migration
                .meta
                .json
                .contains(&format!("\"schemaVersion\":{SCHEMA_VERSION}"))
        );
        let again = assemble(Stored {
            meta: Some(migration.meta),
            ..stored
        })
        .unwrap();
        assert_eq!(again.migrated_from, None);
        assert_eq!(again.migration(), None);
        assert_eq!(again.workspace, loaded.workspace);
    }

    #[test]
    fn the_team_is_kept_with_the_workspace() {
        let workspace = busy_workspace(5, 20);
        assert!(workspace.team().analyst().is_some());
        let loaded = assemble(records_of(&workspace).into_stored()).unwrap();
        assert_eq!(loaded.workspace.team(), workspace.team());
        assert_eq!(loaded.workspace, workspace);
        // A change to one incident writes the meta record, and the team with it.
        let number = workspace.incidents().next().unwrap().number;
        let write = records_for(&workspace, &Change::of(&workspace, [number]));
        assert!(
            write.meta.json.contains("bo@contoso.com"),
            "{}",
            write.meta.json
        );
    }

    #[test]
    fn a_stored_team_that_breaks_the_owner_rules_sets_the_meta_record_aside() {
        let workspace = busy_workspace(5, 20);
        let mut stored = records_of(&workspace).into_stored();
        let meta = stored.meta.as_mut().unwrap();
        meta.json = meta.json.replace("ana@contoso.com", "not an address");
        let loaded = assemble(stored).unwrap();
        assert_eq!(loaded.set_aside.len(), 1);
        assert_eq!(loaded.set_aside[0].store, StoreName::Meta);
        assert!(
            loaded.set_aside[0].reason.contains("team"),
            "{}",
            loaded.set_aside[0].reason
        );
        assert_eq!(
            loaded.workspace.incidents().count(),
            workspace.incidents().count()
        );
    }

    #[test]
    fn a_broken_schema_1_alert_is_set_aside_with_its_incident() {
        let mut stored = schema_1_records();
        let victim = stored.alerts[0].key.clone();
        stored.alerts[0].json.truncate(20);
        let loaded = assemble(stored).unwrap();
        assert_eq!(loaded.set_aside[0].key, victim);
        assert!(
            loaded
                .set_aside
                .iter()
                .any(|aside| aside.store == StoreName::Incidents
                    && aside.reason == "one of its alerts was set aside or is missing")
        );
        assert_eq!(loaded.workspace.correlation().alert(&victim), None);
        assert!(!loaded.legacy_alerts.contains(&victim));
    }

    #[test]
    fn a_workspace_stored_by_schema_1_loads_whole_and_migrates_to_the_current_layout() {
        let loaded = assemble(schema_1_records()).unwrap();
        assert!(loaded.set_aside.is_empty(), "{:?}", loaded.set_aside);
        assert_eq!(loaded.migrated_from, Some(1));
        let workspace = &loaded.workspace;
        assert_eq!(workspace.incidents().count(), 10);
        assert_eq!(workspace.correlation().alerts().count(), 24);
        assert_eq!(workspace.next_number(), 11);
        let visitor = workspace
            .incidents()
            .find(|incident| incident.title == "Suspicious visitor at reception")
            .unwrap();
        assert_eq!(
            visitor.description,
            "Called in by the front desk.\nTwo people."
        );
        assert_eq!(workspace.incident(2).unwrap().merged_into, Some(1));
        let links = workspace.correlation().to_portable().clusters;
        assert_eq!(links.len(), 1);
        assert_eq!(links[0].number, 1);
        assert_eq!(links[0].merges[0].absorbed, 2);

        // The migration rewrites every record in the current layout and removes schema 1's
        // alert records, now held by their incidents; that reads back as the same workspace.
        let migration = loaded.migration().expect("an older schema is migrated");
        assert_eq!(migration.incidents.len(), 10);
        assert_eq!(migration.removed.len(), 24);
        assert!(
            migration
                .removed
                .iter()
                .all(|(store, _)| *store == StoreName::Alerts)
        );
        let stored = Stored {
            alerts: Vec::new(),
            ..migration.into_stored()
        };
        let again = assemble(stored).unwrap();
        assert_eq!(again.migrated_from, None);
        assert_eq!(again.migration(), None);
        assert_eq!(again.workspace, loaded.workspace);
    }

    #[test]
    fn the_queue_reads_back_as_the_rows_of_the_incidents_in_chunks() {
        let workspace = busy_workspace(11, 120);
        let write = records_of(&workspace);
        // Closing times are not stored: they come with the incidents once the workspace loads.
        let expected: Vec<QueueRow> = workspace
            .incidents()
            .map(|incident| QueueRow {
                closed: None,
                ..QueueRow::of(incident)
            })
            .collect();
        assert!(
            workspace
                .incidents()
                .any(|incident| incident.last_closed().is_some()),
            "some are closed"
        );
        let highest = expected.last().unwrap().number;
        assert_eq!(write.queue.len() as u64, highest / QUEUE_CHUNK + 1);
        assert_eq!(
            read_queue(&write.queue),
            StoredQueue {
                rows: expected,
                unreadable: 0
            }
        );
    }

    #[test]
    fn an_edit_rewrites_the_one_chunk_of_its_incident() {
        let workspace = busy_workspace(11, 60);
        let number = workspace.incidents().next().unwrap().number;
        let write = records_for(&workspace, &Change::of(&workspace, [number]));
        assert_eq!(write.queue.len(), 1);
        let rows = read_queue(&write.queue).rows;
        assert!(rows.iter().any(|row| row.number == number));
        assert!(
            rows.iter()
                .all(|row| row.number / QUEUE_CHUNK == number / QUEUE_CHUNK)
        );
    }

    #[test]
    fn a_queue_out_of_step_with_the_incidents_is_rewritten_on_open() {
        let workspace = busy_workspace(11, 60);
        let mut stored = records_of(&workspace).into_stored();
        stored.queue[0].json.truncate(10);
        assert_eq!(read_queue(&stored.queue).unreadable, 1);
        let loaded = assemble(stored.clone()).unwrap();
        assert!(loaded.queue_stale);
        assert!(loaded.set_aside.is_empty());
        let repair = loaded.migration().expect("a stale queue is rewritten");
        stored.queue = repair.queue;
        let again = assemble(stored).unwrap();
        assert!(!again.queue_stale);
        assert_eq!(again.migration(), None);
        assert_eq!(again.workspace, workspace);
    }

    #[test]
    fn new_incidents_are_checked_through_the_next_number_not_one_read_or_removal_each() {
        let before = busy_workspace(11, 60);
        let edited = before.incidents().next().unwrap().number;
        let mut workspace = before.clone();
        let draft = IncidentDraft {
            title: "Hunt finding".into(),
            ..IncidentDraft::default()
        };
        let analyst = Actor::named("Ana Silva");
        let created = workspace
            .create(
                Uuid::from_u128(77),
                draft.validate().unwrap(),
                &analyst,
                start(),
            )
            .number;
        let write = records_for(&workspace, &Change::of(&before, [edited, created]));
        let etag = before.incident(edited).unwrap().etag.clone();
        assert_eq!(write.expected, [(edited, Some(etag))]);
        assert_eq!(write.expected_next_number, Some(created));
        // Nothing of the new incident can be stored yet, so nothing of it is removed either.
        assert!(
            write
                .removed
                .iter()
                .all(|(_, key)| *key != created.to_string()),
            "{:?}",
            write.removed
        );
        // An edit alone does not depend on the next number.
        let write = records_for(&before, &Change::of(&before, [edited]));
        assert_eq!(write.expected_next_number, None);
        assert_eq!(
            stored_next_number(&write.meta.json),
            Some(before.next_number())
        );
    }

    #[test]
    fn a_change_written_in_parts_writes_what_it_would_whole() {
        let workspace = busy_workspace(11, 120);
        let change = Change::of(&workspace, workspace.incidents().map(|i| i.number));
        let whole = records_for(&workspace, &change);
        let numbers: Vec<u64> = change.incidents.keys().copied().collect();
        let mut parts = numbers.chunks(7).map(|group| {
            let part = Change {
                incidents: group
                    .iter()
                    .map(|number| (*number, change.incidents[number].clone()))
                    .collect(),
                next_number: change.next_number,
            };
            incident_records_for(&workspace, &part)
        });
        let mut joined = parts.next().unwrap();
        parts.for_each(|part| joined.absorb(part));
        // The queue once for all parts, a chunk at a time, as the desk adds it.
        for chunk in queue_chunks_of(&change) {
            joined.add_queue(&workspace, [chunk]);
        }
        let sorted = |mut texts: Vec<StoredText>| {
            texts.sort_by(|a, b| a.key.cmp(&b.key));
            texts
        };
        assert_eq!(joined.meta, whole.meta);
        assert_eq!(joined.incidents, whole.incidents);
        assert_eq!(sorted(joined.clusters), sorted(whole.clusters));
        assert_eq!(sorted(joined.queue), sorted(whole.queue));
        let keys = |removed: &[(StoreName, String)]| {
            let mut keys: Vec<String> = removed
                .iter()
                .map(|(store, key)| format!("{}/{key}", store.as_str()))
                .collect();
            keys.sort();
            keys
        };
        assert_eq!(keys(&joined.removed), keys(&whole.removed));
        assert_eq!(joined.expected_next_number, whole.expected_next_number);
    }
}

mod drafts {
    use crate::core::closing::ClosingChoice;
    use crate::core::draft::IncidentDraft;
    use crate::core::people::Owner;
    use crate::core::vocabulary::{IncidentStatus, Severity};
    use crate::store::records::{draft_from_json, draft_to_json};

    #[test]
    fn a_draft_reads_back_as_typed() {
        let draft = IncidentDraft {
            title: "  SMS phishing wave ".into(),
            description: "Texts to finance.\n<b>urgent</b>".into(),
            severity: Severity::High,
            status: IncidentStatus::Closed,
            closing: Some(ClosingChoice::FalsePositiveInaccurateData),
            closing_comment: "wrong feed".into(),
            owner: Some(Owner::person("Ana Silva", "ana@contoso.com")),
            tags: vec!["sms".into(), "phishing".into()],
        };
        assert_eq!(draft_from_json(&draft_to_json(&draft)), Some(draft));
        let blank = IncidentDraft::default();
        assert_eq!(draft_from_json(&draft_to_json(&blank)), Some(blank));
    }

    #[test]
    fn a_draft_that_does_not_read_is_dropped() {
        let json = draft_to_json(&IncidentDraft::default());
        assert_eq!(draft_from_json(&json.replace("Medium", "Severe")), None);
        assert_eq!(
            draft_from_json(&json.replace("\"schemaVersion\":3", "\"schemaVersion\":99")),
            None
        );
        assert_eq!(draft_from_json("{"), None);
    }
}
