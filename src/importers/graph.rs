//! Microsoft Graph security `alerts_v2`: a list page (`{"value": [...]}`) or one alert. Each
//! item of `evidence[]` (device, user, file, process, IP, URL, mailbox, registry) becomes an
//! entity; evidence of another type keeps its type as its kind, which the core reports as
//! unknown rather than dropping silently.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use crate::core::alert::{AlertDetails, RawAlert, RawEntity};
use crate::core::vocabulary::{AlertStatus, Severity};

/// The `@odata.type` prefix of Graph security types.
const GRAPH_TYPE: &str = "#microsoft.graph.security.";

/// Whether a record is a Graph alert: it has `evidence` or a Graph alert type.
pub fn is_alert(record: &Value) -> bool {
    record.get("evidence").is_some()
        || record
            .get("@odata.type")
            .and_then(Value::as_str)
            .is_some_and(|kind| kind == "#microsoft.graph.security.alert")
}

/// One alert as the core's raw alert, or what is wrong with it.
pub fn read_alert(item: &Value) -> Result<RawAlert, String> {
    let alert = item.as_object().ok_or("the alert is not an object")?;
    let text = |field: &str| -> Result<String, String> {
        match alert.get(field) {
            None | Some(Value::Null) => Ok(String::new()),
            Some(Value::String(text)) => Ok(text.clone()),
            Some(_) => Err(format!("{field}: expected text")),
        }
    };
    let time = |field: &str| -> Result<Option<DateTime<Utc>>, String> {
        let value = text(field)?;
        if value.is_empty() {
            return Ok(None);
        }
        DateTime::parse_from_rfc3339(&value)
            .map(|time| Some(time.with_timezone(&Utc)))
            .map_err(|_| format!("{field}: {value:?} is not a time"))
    };
    let severity = match text("severity")?.as_str() {
        "high" => Severity::High,
        "medium" => Severity::Medium,
        "low" => Severity::Low,
        "informational" | "unknown" | "" => Severity::Informational,
        other => return Err(format!("severity: unknown value {other:?}")),
    };
    let status = match text("status")?.as_str() {
        "new" => AlertStatus::New,
        "inProgress" => AlertStatus::InProgress,
        "resolved" => AlertStatus::Resolved,
        _ => AlertStatus::Unknown,
    };
    let evidence = match alert.get("evidence") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(index, item)| {
                item.as_object()
                    .map(evidence_entity)
                    .ok_or_else(|| format!("evidence[{index}]: expected an object"))
            })
            .collect::<Result<Vec<_>, _>>()?,
        Some(_) => return Err("evidence: expected a list".to_owned()),
    };
    let recommended = text("recommendedActions")?;
    Ok(RawAlert {
        id: text("id")?,
        start: match time("firstActivityDateTime")? {
            Some(start) => Some(start),
            None => time("createdDateTime")?,
        },
        entities: evidence.into_iter().flatten().collect(),
        details: Box::new(AlertDetails {
            display_name: text("title")?,
            alert_type: text("detectorId")?,
            description: text("description")?,
            severity,
            status,
            end: time("lastActivityDateTime")?,
            generated: time("createdDateTime")?,
            product_name: product_name(&text("serviceSource")?),
            provider_name: text("detectionSource")?,
            vendor_name: "Microsoft".to_owned(),
            // A category that is not an ATT&CK tactic (Graph has a few) is left out.
            tactics: text("category")?.parse().ok().into_iter().collect(),
            techniques: strings(alert.get("mitreTechniques")),
            remediation_steps: (!recommended.is_empty())
                .then_some(recommended)
                .into_iter()
                .collect(),
            ..AlertDetails::default()
        }),
    })
}

/// The product a `serviceSource` names, as Sentinel spells product names.
fn product_name(service: &str) -> String {
    match service {
        "microsoftDefenderForEndpoint" => "Microsoft Defender for Endpoint",
        "microsoftDefenderForIdentity" => "Microsoft Defender for Identity",
        "microsoftDefenderForOffice365" => "Microsoft Defender for Office 365",
        "microsoftDefenderForCloudApps" => "Microsoft Defender for Cloud Apps",
        "microsoftDefenderForCloud" => "Microsoft Defender for Cloud",
        "azureAdIdentityProtection" | "microsoftEntraIdProtection" => {
            "Microsoft Entra ID Protection"
        }
        "microsoftSentinel" => "Microsoft Sentinel",
        "microsoft365Defender" | "microsoftDefenderXdr" => "Microsoft Defender XDR",
        other => other,
    }
    .to_owned()
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The text fields of an object, by Graph name, as the properties the core reads.
fn pick(object: &Map<String, Value>, names: &[(&str, &str)]) -> Vec<(String, String)> {
    names
        .iter()
        .filter_map(|(graph, schema)| {
            let value = object.get(*graph)?;
            let text = match value {
                Value::String(text) if !text.is_empty() => text.clone(),
                Value::Number(number) => number.to_string(),
                _ => return None,
            };
            Some(((*schema).to_owned(), text))
        })
        .collect()
}

fn account(user: &Map<String, Value>) -> RawEntity {
    let mut properties = pick(
        user,
        &[
            ("accountName", "Name"),
            ("domainName", "NTDomain"),
            ("azureAdUserId", "AadUserId"),
            ("userSid", "Sid"),
        ],
    );
    if let Some((_, suffix)) = user
        .get("userPrincipalName")
        .and_then(Value::as_str)
        .and_then(|upn| upn.split_once('@'))
    {
        properties.push(("UPNSuffix".to_owned(), suffix.to_owned()));
    }
    RawEntity::read("account", properties)
}

/// A file and its hashes, as the file entity with its hash entities related.
fn file(details: &Map<String, Value>) -> RawEntity {
    let mut file = RawEntity::read(
        "file",
        pick(details, &[("fileName", "Name"), ("filePath", "Directory")]),
    );
    for (field, algorithm) in [("sha256", "SHA256"), ("sha1", "SHA1"), ("md5", "MD5")] {
        if let Some(value) = details.get(field).and_then(Value::as_str)
            && !value.is_empty()
        {
            file.relate(RawEntity::new(
                "filehash",
                &[("Algorithm", algorithm), ("Value", value)],
            ));
        }
    }
    file
}

/// The entity one piece of evidence names (`None`: evidence that names nothing).
fn evidence_entity(evidence: &Map<String, Value>) -> Option<RawEntity> {
    let kind = evidence
        .get("@odata.type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let object = |field: &str| evidence.get(field).and_then(Value::as_object);
    Some(match kind.strip_prefix(GRAPH_TYPE).unwrap_or(kind) {
        "deviceEvidence" => {
            let name = evidence.get("deviceDnsName").and_then(Value::as_str)?;
            match name.split_once('.') {
                Some((host, domain)) => {
                    RawEntity::new("host", &[("HostName", host), ("DnsDomain", domain)])
                }
                None => RawEntity::new("host", &[("HostName", name)]),
            }
        }
        "userEvidence" => account(object("userAccount")?),
        "fileEvidence" => file(object("fileDetails")?),
        "processEvidence" => {
            let mut process = RawEntity::read(
                "process",
                pick(
                    evidence,
                    &[
                        ("processId", "ProcessId"),
                        ("processCommandLine", "CommandLine"),
                        ("processCreationDateTime", "CreationTimeUtc"),
                    ],
                ),
            );
            if let Some(image) = object("imageFile") {
                process.relate(file(image));
            }
            if let Some(user) = object("userAccount") {
                process.relate(account(user));
            }
            process
        }
        "ipEvidence" => RawEntity::read("ip", pick(evidence, &[("ipAddress", "Address")])),
        "urlEvidence" => RawEntity::read("url", pick(evidence, &[("url", "Url")])),
        "mailboxEvidence" => RawEntity::read(
            "mailbox",
            pick(
                evidence,
                &[
                    ("primaryAddress", "MailboxPrimaryAddress"),
                    ("displayName", "DisplayName"),
                ],
            ),
        ),
        "registryKeyEvidence" | "registryValueEvidence" => RawEntity::read(
            "registrykey",
            pick(
                evidence,
                &[("registryHive", "Hive"), ("registryKey", "Key")],
            ),
        ),
        other => RawEntity::read(other, Vec::new()),
    })
}
