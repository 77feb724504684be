//! A whole workspace as one JSON file: `value` holds the incidents in the Sentinel Incidents
//! API list shape (so Sentinel tooling can read them), and `vigil` holds everything Vigil keeps
//! besides: full incident records with comments and activity, alerts with their placements,
//! merges, settings and the number counter. Reading a file back gives an identical workspace;
//! reading is all or nothing, and an error names where the file broke.

use serde::{Deserialize, Serialize};

use super::records::{
    AlertRecord, ClusterRecord, IncidentRecord, RecordError, SCHEMA_VERSION, SettingsRecord,
    TeamRecord,
};
use crate::core::correlation::PortableCorrelation;
use crate::core::workspace::Workspace;
use crate::sentinel::export_incident;
use crate::sentinel::wire::WireIncident;

/// The file's top level.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WorkspaceFile {
    /// The incidents, as Sentinel's API lists them.
    value: Vec<WireIncident>,
    /// Vigil's own sections.
    vigil: VigilSection,
}

/// What Sentinel's shape cannot hold.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct VigilSection {
    schema_version: u32,
    next_number: u64,
    settings: SettingsRecord,
    /// Absent from files written before schema 3.
    #[serde(default)]
    team: TeamRecord,
    incidents: Vec<IncidentRecord>,
    alerts: Vec<AlertRecord>,
    clusters: Vec<ClusterRecord>,
}

/// The workspace as a file's text.
pub fn export_workspace(workspace: &Workspace) -> String {
    let portable = workspace.correlation().to_portable();
    let file = WorkspaceFile {
        value: workspace.incidents().map(export_incident).collect(),
        vigil: VigilSection {
            schema_version: SCHEMA_VERSION,
            next_number: workspace.next_number(),
            settings: (&portable.settings).into(),
            team: workspace.team().into(),
            incidents: workspace.incidents().map(IncidentRecord::from).collect(),
            alerts: portable.alerts.into_iter().map(AlertRecord::from).collect(),
            clusters: portable.clusters.iter().map(ClusterRecord::from).collect(),
        },
    };
    serde_json::to_string_pretty(&file).expect("records always serialise")
}

/// Reads a file written by [`export_workspace`]. Refused whole, with the place named, when the
/// JSON is malformed, a record breaks a rule, the parts disagree, or a newer Vigil wrote it.
pub fn import_workspace(text: &str) -> Result<Workspace, RecordError> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let file: WorkspaceFile =
        serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
            let path = error.path().to_string();
            let path = if path == "." { String::new() } else { path };
            RecordError::at(&path, error.into_inner().to_string())
        })?;
    let vigil = file.vigil;
    if vigil.schema_version > SCHEMA_VERSION {
        return Err(RecordError::at(
            "vigil.schemaVersion",
            format!(
                "written by a newer Vigil (schema {}); this one reads up to schema {SCHEMA_VERSION}",
                vigil.schema_version
            ),
        ));
    }
    let listed: Vec<u64> = file
        .value
        .iter()
        .map(|incident| incident.properties.incident_number.unwrap_or_default())
        .collect();
    let recorded: Vec<u64> = vigil.incidents.iter().map(|record| record.number).collect();
    if listed != recorded {
        return Err(RecordError::at(
            "value",
            "the Sentinel list and vigil.incidents name different incidents",
        ));
    }
    let incidents = vigil
        .incidents
        .into_iter()
        .enumerate()
        .map(|(index, record)| {
            record
                .into_incident()
                .map_err(|error| nested(&format!("vigil.incidents[{index}]"), error))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let alerts = vigil
        .alerts
        .into_iter()
        .enumerate()
        .map(|(index, record)| {
            record
                .into_portable()
                .map_err(|error| nested(&format!("vigil.alerts[{index}]"), error))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let settings = vigil
        .settings
        .into_settings()
        .map_err(|error| nested("vigil.settings", error))?;
    let team = vigil
        .team
        .into_team()
        .map_err(|error| nested("vigil", error))?;
    let correlation = PortableCorrelation {
        settings,
        alerts,
        clusters: vigil.clusters.into_iter().map(Into::into).collect(),
    };
    Workspace::restore(incidents, vigil.next_number, correlation)
        .map(|workspace| workspace.with_team(team))
        .map_err(|problem| RecordError::at("vigil", problem))
}

/// An error inside a record, with the record's own path in front.
fn nested(prefix: &str, error: RecordError) -> RecordError {
    let path = if error.path.is_empty() {
        prefix.to_owned()
    } else {
        format!("{prefix}.{}", error.path)
    };
    RecordError::at(&path, error.message)
}
