//! Importers: the files analysts bring from the systems they already run, read into alerts for
//! the correlation core. Pure: a file's text in, alerts and per-record problems out; the
//! Import page shows the report and nothing is written until the analyst applies it.

pub mod cef;
pub mod graph;
pub mod json_records;
pub mod log_analytics;
pub mod sentinel_alerts;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

use crate::core::alert::{RawAlert, Rejection};
use crate::core::incident::Incident;
use crate::core::workspace::Workspace;
use crate::sentinel::{ImportContext, import_incidents};
use crate::store::workspace_file::import_workspace;
use json_records::{JsonRecords, Shape};

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

    /// Where an alert of this format gives its start time (the first found is taken), so
    /// that an alert without one is refused in the file's own words.
    fn start_fields(self) -> Option<&'static str> {
        match self {
            Format::SentinelAlerts => Some("startTimeUtc"),
            Format::LogAnalyticsAlerts => Some("StartTime or TimeGenerated"),
            Format::GraphAlerts => Some("firstActivityDateTime or createdDateTime"),
            Format::Cef => Some("start or rt"),
            Format::SentinelIncidents | Format::VigilWorkspace => None,
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

/// Reads one record of a JSON alert format, or says what is wrong with it.
type RecordReader = fn(&Value) -> Result<RawAlert, String>;

impl Format {
    /// How one record of a JSON alert format is read.
    fn record_reader(self) -> Option<RecordReader> {
        match self {
            Format::LogAnalyticsAlerts => Some(log_analytics::read_row),
            Format::GraphAlerts => Some(graph::read_alert),
            Format::SentinelAlerts => Some(sentinel_alerts::read_alert),
            Format::SentinelIncidents | Format::Cef | Format::VigilWorkspace => None,
        }
    }
}

/// The alert format of a list told from its first record: Log Analytics rows come as an array,
/// REST and Graph alerts as an API page.
fn list_format(shape: Shape, first: &Value) -> Option<Format> {
    match shape {
        Shape::Array => log_analytics::is_row(first).then_some(Format::LogAnalyticsAlerts),
        Shape::ValueList if sentinel_alerts::is_alert(first) => Some(Format::SentinelAlerts),
        Shape::ValueList if graph::is_alert(first) => Some(Format::GraphAlerts),
        Shape::ValueList => None,
    }
}

/// The format of a file read as one document: a workspace file, Sentinel incidents, or a single
/// alert; or why it is none of them.
fn document_format(document: &Value) -> Result<Format, String> {
    let is_incident = |item: &Value| {
        item.get("properties")
            .is_some_and(|properties| properties.get("title").is_some())
    };
    if document.get("vigil").is_some() {
        Ok(Format::VigilWorkspace)
    } else if sentinel_alerts::is_alert(document) {
        Ok(Format::SentinelAlerts)
    } else if graph::is_alert(document) {
        Ok(Format::GraphAlerts)
    } else if match document.get("value").and_then(Value::as_array) {
        Some(items) => items.first().is_none_or(is_incident),
        None => is_incident(document),
    } {
        Ok(Format::SentinelIncidents)
    } else {
        Err("the JSON is none of the formats Vigil reads: Sentinel incidents or alerts, Log Analytics SecurityAlert rows, Graph security alerts".to_owned())
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

/// Bytes at the start of a file in which its format shows.
const HEAD_BYTES: usize = 4096;
/// Records read in one step of a plan: a few milliseconds of work.
const RECORDS_PER_STEP: usize = 1_000;
/// Bytes of a JSON list read in one step at most, however large its records are.
const JSON_BYTES_PER_STEP: usize = 256 << 10;
/// Bytes scanned for line ends in one step while a CEF file is sized up.
const COUNTED_BYTES_PER_STEP: usize = 1 << 20;

/// Works out what applying a file would do, a step of a few milliseconds at a time, so the
/// page can stay responsive and offer Cancel between steps: CEF lines and the records of JSON
/// alert lists are read in steps; a workspace or incident file, all or nothing, in one.
pub struct Planner<'a> {
    format: Format,
    replaced_characters: bool,
    /// A CEF file's line count so far, while it is sized up (at most one alert a line) so the
    /// tables grow once; `None` once done or for other formats.
    sizing: Option<LineCount<'a>>,
    work: Work<'a>,
    checker: AlertChecker,
}

/// Counting a text's lines a slice at a time.
struct LineCount<'a> {
    bytes: &'a [u8],
    counted: usize,
    lines: usize,
}

/// What a planner has left to read.
enum Work<'a> {
    /// CEF lines.
    Cef(cef::Reader<'a>),
    /// The records of a JSON alert list.
    Json {
        records: JsonRecords<'a>,
        read: RecordReader,
    },
    /// One alert, the whole file (`None` once read).
    Single {
        document: Option<Value>,
        read: RecordReader,
    },
    /// Nothing: the file was read whole into these contents.
    Done(PlanContents),
}

impl Work<'_> {
    /// Reads the next slice of records into `parsed`; `Ok(false)` once all are read, an error
    /// when the rest of the file cannot be read (a JSON list that stops being JSON).
    fn read_step(&mut self, parsed: &mut Parsed) -> Result<bool, String> {
        let mut keep = |record: usize, read: RecordReader, value: &Value| match read(value) {
            Ok(alert) => parsed.alerts.push((record, alert)),
            Err(reason) => parsed.problems.push(RecordProblem { record, reason }),
        };
        Ok(match self {
            Work::Cef(reader) => reader.read(RECORDS_PER_STEP, parsed),
            Work::Json { records, read } => {
                let (started, _) = records.progress();
                for _ in 0..RECORDS_PER_STEP {
                    match records.next_record() {
                        None => return Ok(false),
                        Some(Err(error)) => return Err(error),
                        Some(Ok((record, value))) => keep(record, *read, &value),
                    }
                    if records.progress().0 - started >= JSON_BYTES_PER_STEP {
                        break;
                    }
                }
                true
            }
            Work::Single { document, read } => {
                if let Some(document) = document.take() {
                    keep(1, *read, &document);
                }
                false
            }
            Work::Done(_) => false,
        })
    }
}

impl<'a> Planner<'a> {
    /// Tells the file's format from its content and starts reading it; an error names what
    /// stops the whole file from being read (not a known format, or an incident or workspace
    /// file that breaks somewhere).
    pub fn open(
        bytes: &'a [u8],
        now: DateTime<Utc>,
        first_free_number: u64,
        new_id: &mut dyn FnMut() -> Uuid,
    ) -> Result<Planner<'a>, String> {
        let mut checker = AlertChecker::new(now);
        let planner = |format: Format, sizing, work, mut checker: AlertChecker| {
            checker.start_fields = format.start_fields();
            Planner {
                format,
                replaced_characters: false,
                sizing,
                work,
                checker,
            }
        };
        // The format shows in the first line; a cut character at the end does not matter.
        let head = decode(&bytes[..bytes.len().min(HEAD_BYTES)]);
        let blank = |c: char| c.is_whitespace() || c == '\u{feff}';
        // A blank head is rare, so only then is the whole file read to see whether it all is.
        let all_blank = |text: &str| text.trim_matches(blank).is_empty();
        if all_blank(&head.text) && (bytes.len() <= HEAD_BYTES || all_blank(&decode(bytes).text)) {
            return Err("the file is empty".to_owned());
        }
        if cef::looks_like(&head.text) {
            let sizing = LineCount {
                bytes,
                counted: 0,
                lines: 0,
            };
            let work = Work::Cef(cef::Reader::new(bytes));
            return Ok(planner(Format::Cef, Some(sizing), work, checker));
        }
        if let Some(records) = JsonRecords::open(bytes) {
            let mut probe = records.clone();
            if let Some(Ok((_, first))) = probe.next_record()
                && let Some(format) = list_format(records.shape(), &first)
                && let Some(read) = format.record_reader()
            {
                // Sized once from the first record, so a large file rarely grows its table.
                let (before, _) = records.progress();
                let (after, total) = probe.progress();
                let estimate = total / (after - before).max(1);
                checker.reserve(estimate + estimate / 4);
                return Ok(planner(format, None, Work::Json { records, read }, checker));
            }
        }
        let decoded = decode(bytes);
        let document: Value = serde_json::from_str(&decoded.text).map_err(|error| {
            format!(
                "the file is neither CEF nor JSON (JSON stops at line {}, column {}: {error})",
                error.line(),
                error.column()
            )
        })?;
        let format = document_format(&document)?;
        let work = match format.record_reader() {
            Some(read) => Work::Single {
                document: Some(document),
                read,
            },
            None if format == Format::VigilWorkspace => Work::Done(PlanContents::Workspace(
                Box::new(import_workspace(&decoded.text).map_err(|error| error.to_string())?),
            )),
            None => {
                let mut context = ImportContext {
                    now,
                    first_free_number,
                    new_id,
                };
                Work::Done(PlanContents::Incidents(
                    import_incidents(&decoded.text, &mut context)
                        .map_err(|error| error.to_string())?,
                ))
            }
        };
        Ok(Planner {
            replaced_characters: decoded.replaced,
            ..planner(format, None, work, checker)
        })
    }

    /// Does one step; `Ok(false)` once the whole file is read, an error when the rest of the
    /// file cannot be read (a JSON list that stops being JSON).
    pub fn step(&mut self) -> Result<bool, String> {
        if let Some(sizing) = &mut self.sizing {
            let end = (sizing.counted + COUNTED_BYTES_PER_STEP).min(sizing.bytes.len());
            let slice = &sizing.bytes[sizing.counted..end];
            sizing.lines += slice.iter().filter(|byte| **byte == b'\n').count();
            sizing.counted = end;
            if end == sizing.bytes.len() {
                self.checker.reserve(sizing.lines + 1);
                self.sizing = None;
            }
            return Ok(true);
        }
        let mut parsed = Parsed::default();
        let more = self.work.read_step(&mut parsed)?;
        self.checker.take(parsed);
        Ok(more)
    }

    /// How much of the file is read, in bytes, and how long it is.
    pub fn progress(&self) -> (usize, usize) {
        match &self.work {
            Work::Cef(reader) => reader.progress(),
            Work::Json { records, .. } => records.progress(),
            Work::Single { .. } | Work::Done(_) => (1, 1),
        }
    }

    /// The plan: what applying the file would do.
    pub fn finish(self) -> ImportPlan {
        let replaced = match &self.work {
            Work::Cef(reader) => reader.replaced(),
            Work::Json { records, .. } => records.replaced(),
            Work::Single { .. } | Work::Done(_) => false,
        };
        let contents = match self.work {
            Work::Done(contents) => contents,
            _ => self.checker.finish(),
        };
        ImportPlan {
            format: self.format,
            replaced_characters: self.replaced_characters || replaced,
            contents,
        }
    }
}

/// Checks read alerts as the core will, a slice at a time: the valid ones, and each refused
/// record (a duplicate id included) with the reason.
struct AlertChecker {
    now: DateTime<Utc>,
    /// Where the file's alerts give their start time, for the refusal of one without.
    start_fields: Option<&'static str>,
    first_record: BTreeMap<String, usize>,
    valid: Vec<RawAlert>,
    problems: Vec<RecordProblem>,
}

impl AlertChecker {
    /// A checker for alerts ingested at `now`.
    fn new(now: DateTime<Utc>) -> AlertChecker {
        AlertChecker {
            now,
            start_fields: None,
            first_record: BTreeMap::new(),
            valid: Vec::new(),
            problems: Vec::new(),
        }
    }

    /// Makes room for `count` more valid alerts at once, so a large file checked a slice at a
    /// time never stops to copy all the alerts so far into a bigger table.
    fn reserve(&mut self, count: usize) {
        self.valid.reserve(count);
    }

    /// Checks the alerts of a slice and keeps its problems.
    fn take(&mut self, parsed: Parsed) {
        self.problems.extend(parsed.problems);
        for (record, alert) in parsed.alerts {
            let refusal = match alert.admission(self.now) {
                Err(Rejection::MissingTime) if let Some(fields) = self.start_fields => {
                    Some(format!("{} ({fields})", Rejection::MissingTime))
                }
                Err(rejection) => Some(rejection.to_string()),
                Ok(_) => match self.first_record.get(alert.checked_id()) {
                    Some(first) => Some(format!("the same alert id as record {first}")),
                    None => {
                        self.first_record
                            .insert(alert.checked_id().to_owned(), record);
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

    /// The plan's contents, problems in record order.
    fn finish(mut self) -> PlanContents {
        self.problems.sort_by_key(|problem| problem.record);
        PlanContents::Alerts {
            valid: self.valid,
            problems: self.problems,
        }
    }
}

#[cfg(test)]
mod tests;
