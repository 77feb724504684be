//! The Sentinel Incidents API's JSON, field for field. Enums and times are kept as the strings
//! the API sends, so that converting them can name the field and the value that was wrong;
//! unknown fields are ignored, as a newer API version may add some.

use serde::{Deserialize, Serialize};

/// An incident resource: a PUT body, a GET reply, or one element of a list page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WireIncident {
    /// The ARM resource path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The incident's GUID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `Microsoft.SecurityInsights/incidents`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
    /// The version stamp, quotes included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// Everything else.
    pub properties: WireProperties,
}

/// `properties` of an incident.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)] // Each field is the API property of the same name.
pub struct WireProperties {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub severity: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classification: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classification_reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classification_comment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<WireOwner>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<Vec<WireLabel>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_activity_time_utc: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_activity_time_utc: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_time_utc: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified_time_utc: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incident_number: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_incident_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub related_analytic_rule_ids: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_data: Option<WireAdditionalData>,
}

/// `properties.owner`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)] // Each field is the API property of the same name.
pub struct WireOwner {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned_to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_principal_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_type: Option<String>,
}

/// One element of `properties.labels`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)] // Each field is the API property of the same name.
pub struct WireLabel {
    pub label_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_type: Option<String>,
}

/// `properties.additionalData`: counts and summaries Sentinel derives from the alerts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)] // Each field is the API property of the same name.
pub struct WireAdditionalData {
    #[serde(default)]
    pub alerts_count: u64,
    #[serde(default)]
    pub bookmarks_count: u64,
    #[serde(default)]
    pub comments_count: u64,
    #[serde(default)]
    pub alert_product_names: Vec<String>,
    #[serde(default)]
    pub tactics: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub techniques: Vec<String>,
    /// Preview API: the incident this one was merged into. Seen as a number or a string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_incident_number: Option<serde_json::Value>,
}

/// A list page, `{"value": [...]}`; `nextLink` is ignored since there is no server to follow.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WireIncidentList {
    /// The incidents of the page.
    pub value: Vec<WireIncident>,
}
