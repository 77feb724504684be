//! Importers: the files analysts bring from the systems they already run, read into alerts for
//! the correlation core. Pure: a file's text in, alerts and per-record problems out; the
//! Import page shows the report and nothing is written until the analyst applies it.

pub mod cef;
pub mod graph;
pub mod log_analytics;
pub mod sentinel_alerts;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

use crate::core::alert::{Alert, RawAlert};
use crate::core::incident::Incident;
use crate::core::workspace::Workspace;
use crate::sentinel::{ImportContext, import_incidents};
use crate::store::workspace_file::import_workspace;

/// A format Vigil reads, told from the content, never from the file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Sentinel Incidents API JSON: a list page or one incident (read by `sentinel`).
    SentinelIncidents,
    /// Sentinel alerts in the REST shape (`kind: SecurityAlert`).
    SentinelAlerts,
    /// `SecurityAlert` rows exported from a Log Analytics query.
    LogAnalyticsAlerts,
    /// Microsoft Graph security `alerts_v2`.
    GraphAlerts,
    /// CEF lines.
    Cef,
    /// A whole workspace as Vigil exports it (`store::workspace_file`).
    VigilWorkspace,
}

impl Format {
    /// The name the import report shows.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::SentinelIncidents => "Sentinel incidents (JSON)",
            Format::SentinelAlerts => "Sentinel alerts (JSON)",
            Format::LogAnalyticsAlerts => "Log Analytics SecurityAlert rows (JSON)",
            Format::GraphAlerts => "Microsoft Graph security alerts (JSON)",
            Format::Cef => "CEF",
            Format::VigilWorkspace => "Vigil workspace file",
        }
    }
}

/// A file's text. Bytes that are not UTF-8 become U+FFFD, and `replaced` says so, so the
/// report can warn that some characters could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text, without a byte-order mark.
    pub text: String,
    /// Some bytes were not UTF-8.
    pub replaced: bool,
}

/// Reads a file's bytes as text.
pub fn decode(bytes: &[u8]) -> Decoded {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = String::from_utf8_lossy(bytes);
    Decoded {
        replaced: matches!(text, std::borrow::Cow::Owned(_)),
        text: text.into_owned(),
    }
}

/// Which format a text is in, with its JSON when it is JSON; or why it is none of them.
pub fn detect(text: &str) -> Result<(Format, Option<Value>), String> {
    if cef::looks_like(text) {
        return Ok((Format::Cef, None));
    }
    let document: Value = serde_json::from_str(text).map_err(|error| {
        format!(
            "the file is neither CEF nor JSON (JSON stops at line {}, column {}: {error})",
            error.line(),
            error.column()
        )
    })?;
    let format = if document.get("vigil").is_some() {
        Format::VigilWorkspace
    } else if log_analytics::looks_like(&document) {
        Format::LogAnalyticsAlerts
    } else if sentinel_alerts::looks_like(&document) {
        Format::SentinelAlerts
    } else if graph::looks_like(&document) {
        Format::GraphAlerts
    } else if is_sentinel_incidents(&document) {
        Format::SentinelIncidents
    } else {
        return Err("the JSON is none of the formats Vigil reads: Sentinel incidents or alerts, Log Analytics SecurityAlert rows, Graph security alerts".to_owned());
    };
    Ok((format, Some(document)))
}

/// The alerts of a text in an alert format; `None` for Sentinel incidents, which `sentinel`
/// imports as incidents.
pub fn read_alerts(format: Format, text: &str, document: Option<&Value>) -> Option<Parsed> {
    match (format, document) {
        (Format::Cef, _) => Some(cef::parse(text)),
        (Format::LogAnalyticsAlerts, Some(document)) => Some(log_analytics::parse(document)),
        (Format::GraphAlerts, Some(document)) => Some(graph::parse(document)),
        (Format::SentinelAlerts, Some(document)) => Some(sentinel_alerts::parse(document)),
        _ => None,
    }
}

/// A Sentinel incident (a PUT body or GET reply) or a list page of them.
fn is_sentinel_incidents(document: &Value) -> bool {
    let is_incident = |item: &Value| {
        item.get("properties")
            .is_some_and(|properties| properties.get("title").is_some())
    };
    match document.get("value").and_then(Value::as_array) {
        Some(items) => items.is_empty() || items.iter().any(is_incident),
        None => is_incident(document),
    }
}

/// What one file held.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Parsed {
    /// Each alert read, with the number of the record it came from (its line in a line-based
    /// format, its position from 1 in a list).
    pub alerts: Vec<(usize, RawAlert)>,
    /// The records that could not be read.
    pub problems: Vec<RecordProblem>,
}

/// A record that could not be read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordProblem {
    /// Its line or position, from 1.
    pub record: usize,
    /// What is wrong with it, worded for the analyst.
    pub reason: String,
}

/// What applying a file would do, worked out before anything is written: the report the
/// analyst reads before **Apply** or **Cancel**.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportPlan {
    /// The format the content was read as.
    pub format: Format,
    /// Some bytes were not UTF-8 and were replaced.
    pub replaced_characters: bool,
    /// What would be taken in.
    pub contents: PlanContents,
}

/// What a file brings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanContents {
    /// Alerts for the correlation core: the valid ones, and every record refused with why.
    Alerts {
        /// Alerts the core will take in.
        valid: Vec<RawAlert>,
        /// Records that will not be, by number.
        problems: Vec<RecordProblem>,
    },
    /// Sentinel incidents, taken whole (an incident file is all or nothing).
    Incidents(Vec<Incident>),
    /// A whole workspace, which becomes a workspace of its own.
    Workspace(Box<Workspace>),
}

/// Reads a file and works out what applying it would do; an error names what stops the whole
/// file from being read (not a known format, or an incident file that breaks somewhere).
pub fn plan(
    bytes: &[u8],
    now: DateTime<Utc>,
    first_free_number: u64,
    new_id: &mut dyn FnMut() -> Uuid,
) -> Result<ImportPlan, String> {
    let decoded = decode(bytes);
    let (format, document) = detect(&decoded.text)?;
    let contents = match read_alerts(format, &decoded.text, document.as_ref()) {
        Some(parsed) => check_alerts(parsed, now),
        None if format == Format::VigilWorkspace => PlanContents::Workspace(Box::new(
            import_workspace(&decoded.text).map_err(|error| error.to_string())?,
        )),
        None => {
            let mut context = ImportContext {
                now,
                first_free_number,
                new_id,
            };
            PlanContents::Incidents(
                import_incidents(&decoded.text, &mut context).map_err(|error| error.to_string())?,
            )
        }
    };
    Ok(ImportPlan {
        format,
        replaced_characters: decoded.replaced,
        contents,
    })
}

/// Splits read alerts into those the core will take and those it would refuse, with the
/// core's own reasons, so the report says before Apply what Apply will do.
fn check_alerts(parsed: Parsed, now: DateTime<Utc>) -> PlanContents {
    let mut checker = AlertChecker::new(now);
    checker.take(parsed);
    checker.finish()
}

/// Checks read alerts as the core will, a slice at a time: the valid ones, and each refused
/// record (a duplicate id included) with the reason.
pub struct AlertChecker {
    now: DateTime<Utc>,
    first_record: BTreeMap<String, usize>,
    valid: Vec<RawAlert>,
    problems: Vec<RecordProblem>,
}

impl AlertChecker {
    /// A checker for alerts ingested at `now`.
    pub fn new(now: DateTime<Utc>) -> AlertChecker {
        AlertChecker {
            now,
            first_record: BTreeMap::new(),
            valid: Vec::new(),
            problems: Vec::new(),
        }
    }

    /// Makes room for `count` more valid alerts at once, so a large file checked a slice at a
    /// time never stops to copy all the alerts so far into a bigger table.
    pub fn reserve(&mut self, count: usize) {
        self.valid.reserve(count);
    }

    /// Checks the alerts of a slice and keeps its problems.
    pub fn take(&mut self, parsed: Parsed) {
        self.problems.extend(parsed.problems);
        for (record, alert) in parsed.alerts {
            let refusal = match Alert::check(alert.clone(), self.now) {
                Err(rejection) => Some(rejection.to_string()),
                Ok((checked, _)) => match self.first_record.get(&checked.id) {
                    Some(first) => Some(format!("the same alert id as record {first}")),
                    None => {
                        self.first_record.insert(checked.id, record);
                        None
                    }
                },
            };
            match refusal {
                Some(reason) => self.problems.push(RecordProblem { record, reason }),
                None => self.valid.push(alert),
            }
        }
    }

    /// How many records were checked so far.
    pub fn checked(&self) -> usize {
        self.valid.len() + self.problems.len()
    }

    /// The plan's contents, problems in record order.
    pub fn finish(mut self) -> PlanContents {
        self.problems.sort_by_key(|problem| problem.record);
        PlanContents::Alerts {
            valid: self.valid,
            problems: self.problems,
        }
    }
}

#[cfg(test)]
mod tests;
