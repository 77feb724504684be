use chrono::{TimeZone, Utc};
use proptest::prelude::*;

use super::*;
use crate::core::alert::{Alert, RawEntity};
use crate::core::entity::{Entity, EntityKind};
use crate::core::vocabulary::Severity;

/// The entity an importer read, which must be of a kind Vigil knows.
fn known(raw: &RawEntity) -> &Entity {
    match raw {
        RawEntity::Known(entity) => entity,
        RawEntity::Unknown(kind) => panic!("an entity of unknown kind {kind:?}"),
    }
}

/// Every record of a file as its importer reads it, before the core's checks, with the format
/// it was told to be in.
fn read(text: &str) -> Result<(Format, Parsed), String> {
    let now = Utc.with_ymd_and_hms(2026, 11, 22, 0, 0, 0).unwrap();
    let mut planner = Planner::open(text.as_bytes(), now, 1, &mut Uuid::nil)?;
    let mut parsed = Parsed::default();
    while planner.work.read_step(&mut parsed)? {}
    Ok((planner.format, parsed))
}

/// The records of a file holding this JSON.
fn read_json(document: &serde_json::Value) -> Parsed {
    read(&document.to_string()).unwrap().1
}

/// Every line of a CEF text, read at once.
fn read_cef(text: &str) -> Parsed {
    let mut reader = cef::Reader::new(text.as_bytes());
    let mut parsed = Parsed::default();
    while reader.read(usize::MAX, &mut parsed) {}
    parsed
}

/// What applying a whole file would do, planned in one go.
fn plan_whole(
    bytes: &[u8],
    now: DateTime<Utc>,
    first_free_number: u64,
    new_id: &mut dyn FnMut() -> Uuid,
) -> Result<ImportPlan, String> {
    let mut planner = Planner::open(bytes, now, first_free_number, new_id)?;
    while planner.step()? {}
    Ok(planner.finish())
}

mod cef_format {
    use super::*;
    use crate::importers::cef;

    fn one(line: &str) -> RawAlert {
        let parsed = read_cef(line);
        assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
        assert_eq!(parsed.alerts.len(), 1);
        parsed.alerts.into_iter().next().unwrap().1
    }

    fn property<'a>(entity: &'a RawEntity, name: &str) -> &'a str {
        known(entity)
            .properties
            .get(name)
            .unwrap_or_else(|| panic!("no {name} in {entity:?}"))
    }

    #[test]
    fn an_event_becomes_an_alert_with_its_entities() {
        let alert = one(
            "CEF:0|Palo Alto Networks|PAN-OS|10.1|threat-42|Command and control traffic|8|\
             externalId=9001 rt=1763800000000 src=10.1.2.3 dst=203.0.113.9 \
             shost=web01.contoso.com suser=alice@contoso.com duser=CONTOSO\\\\bob \
             fname=payload.exe fileHash=0123456789abcdef0123456789abcdef \
             request=https://evil.example.net/a?b=c msg=Beacon every 60 s",
        );
        assert_eq!(alert.id, "cef-Palo Alto Networks-PAN-OS-9001");
        assert_eq!(
            alert.start,
            Some(Utc.timestamp_millis_opt(1_763_800_000_000).unwrap())
        );
        assert_eq!(alert.details.display_name, "Command and control traffic");
        assert_eq!(alert.details.alert_type, "threat-42");
        assert_eq!(alert.details.product_name, "PAN-OS");
        assert_eq!(alert.details.vendor_name, "Palo Alto Networks");
        assert_eq!(alert.details.severity, Severity::High);
        assert_eq!(alert.details.description, "Beacon every 60 s");
        let kinds: Vec<&str> = alert.entities.iter().map(RawEntity::kind_name).collect();
        assert_eq!(
            kinds,
            [
                "Ip", "Ip", "Host", "Account", "Account", "File", "FileHash", "Url"
            ]
        );
        assert_eq!(property(&alert.entities[2], "HostName"), "web01");
        assert_eq!(property(&alert.entities[2], "DnsDomain"), "contoso.com");
        assert_eq!(property(&alert.entities[3], "UPNSuffix"), "contoso.com");
        assert_eq!(property(&alert.entities[4], "NTDomain"), "CONTOSO");
        assert_eq!(property(&alert.entities[4], "Name"), "bob");
        assert_eq!(property(&alert.entities[6], "Algorithm"), "MD5");
        assert_eq!(
            property(&alert.entities[7], "Url"),
            "https://evil.example.net/a?b=c"
        );
        // The core accepts it, with every entity understood.
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
        let (_, warnings) = Alert::check(alert, now).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn escapes_are_read_in_the_header_and_in_values() {
        let alert = one("CEF:0|Ven\\|dor|Pro\\\\duct|1|sig|Name with \\| pipe|Low|\
             start=1763800000000 msg=a\\=b c\\\\d\\nline two fname=x=y.txt");
        assert_eq!(alert.details.vendor_name, "Ven|dor");
        assert_eq!(alert.details.product_name, "Pro\\duct");
        assert_eq!(alert.details.display_name, "Name with | pipe");
        assert_eq!(alert.details.severity, Severity::Low);
        assert_eq!(alert.details.description, "a=b c\\d\nline two");
        // An unescaped `=` not preceded by a key stays in its value.
        assert_eq!(property(&alert.entities[0], "Name"), "x=y.txt");
    }

    #[test]
    fn a_syslog_header_is_skipped_and_an_event_without_an_id_gets_a_stable_one() {
        let line = "<134>Nov 22 09:15:02 fw01 CEF:0|Fortinet|FortiGate|7.2|13|Port scan|5|rt=Nov 22 2026 09:15:02 src=198.51.100.7";
        let alert = one(line);
        assert_eq!(alert.details.product_name, "FortiGate");
        assert_eq!(alert.details.severity, Severity::Medium);
        assert_eq!(
            alert.start,
            Some(Utc.with_ymd_and_hms(2026, 11, 22, 9, 15, 2).unwrap())
        );
        assert!(alert.id.starts_with("cef-"), "{}", alert.id);
        assert_eq!(one(line).id, alert.id);
        assert_ne!(
            one(&line.replace("198.51.100.7", "198.51.100.8")).id,
            alert.id
        );
    }

    #[test]
    fn bad_lines_are_reported_by_number_and_the_rest_are_read() {
        let text = "\
CEF:0|V|P|1|s|good one|3|rt=1763800000000 src=10.0.0.1

not an event at all
CEF:0|V|P|1|s|missing fields
CEF:x|V|P|1|s|bad version|3|rt=1
CEF:0|V|P|1|s|bad severity|11|rt=1
CEF:0|V|P|1|s|bad time|3|rt=yesterday
CEF:0|V|P|1|s|stray text|3|hello src=10.0.0.1
CEF:0|V|P|1|s|good two|Very-High|rt=1763800000000
";
        let parsed = read_cef(text);
        let lines: Vec<usize> = parsed.alerts.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, [1, 9]);
        let problems: Vec<(usize, &str)> = parsed
            .problems
            .iter()
            .map(|problem| (problem.record, problem.reason.as_str()))
            .collect();
        assert_eq!(
            problems,
            [
                (3, "no \"CEF:\" in the line"),
                (
                    4,
                    "the header has 5 of its 7 fields (version, vendor, product, version, signature id, name, severity)"
                ),
                (5, "the CEF version \"x\" is not a number"),
                (6, "the severity 11 is not between 0 and 10"),
                (7, "rt: \"yesterday\" is not a time"),
                (
                    8,
                    "the extension holds \"hello\" where a key=value pair should be"
                ),
            ]
        );
    }

    #[test]
    fn the_format_is_told_from_the_content() {
        assert!(cef::looks_like("\n  CEF:0|a|b|c|d|e|1|x=y\n"));
        assert!(cef::looks_like("<13>Nov 22 host CEF:1|a|b|c|d|e|1|"));
        assert!(!cef::looks_like("{\"value\": []}"));
        assert!(!cef::looks_like("CEF: a note about CEF"));
    }

    #[test]
    fn a_file_read_line_by_line_flags_bytes_that_are_not_utf8() {
        let mut reader = cef::Reader::new(
            b"\xEF\xBB\xBFCEF:0|V|P|1|s|caf\xE9|3|rt=1\r\n\nCEF:0|V|P|1|s|ok|3|rt=1",
        );
        let mut parsed = Parsed::default();
        assert!(reader.read(1, &mut parsed));
        assert!(reader.replaced());
        assert_eq!(parsed.alerts[0].1.details.display_name, "caf\u{FFFD}");
        assert!(!reader.read(5, &mut parsed));
        let lines: Vec<usize> = parsed.alerts.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, [1, 3]);
        assert_eq!(reader.progress().0, reader.progress().1);
    }

    proptest! {
        #[test]
        fn reading_in_slices_reads_what_reading_at_once_does(
            lines in proptest::collection::vec("(CEF:0\\|V\\|P\\|1\\|s\\|[a-z ]{0,8}\\|[0-9]\\|rt=[0-9]{1,4} src=10.0.0.[0-9])?", 0..20),
            slice in 1..5usize,
        ) {
            let text = lines.join("\n");
            let mut reader = cef::Reader::new(text.as_bytes());
            let mut sliced = Parsed::default();
            while reader.read(slice, &mut sliced) {}
            prop_assert_eq!(sliced, read_cef(&text));
        }

        #[test]
        fn no_line_makes_the_parser_panic(line in "\\PC{0,200}") {
            let _ = read_cef(&line);
            let _ = read_cef(&format!("CEF:0|{line}"));
        }

        #[test]
        fn any_value_escaped_by_the_rules_reads_back_as_written(value in "[ -~\\n]{0,40}") {
            let escaped = value
                .replace('\\', "\\\\")
                .replace('=', "\\=")
                .replace('\n', "\\n");
            let alert = one(&format!("CEF:0|V|P|1|s|n|1|rt=1763800000000 msg={escaped}"));
            prop_assert_eq!(alert.details.description, value.trim_end_matches(' '));
        }
    }
}

mod log_analytics_rows {
    use serde_json::{Value, json};

    use super::*;
    use crate::core::vocabulary::Tactic;
    use crate::importers::log_analytics;

    /// A row as a query exports it: the JSON columns are strings.
    fn row(entities: Value) -> Value {
        json!({
            "TimeGenerated": "2026-11-20T10:05:00Z",
            "DisplayName": "Suspicious PowerShell command line",
            "AlertName": "Suspicious PowerShell",
            "AlertSeverity": "High",
            "Description": "A process ran an encoded command.",
            "ProviderName": "MDATP",
            "VendorName": "Microsoft",
            "SystemAlertId": "da637-1",
            "AlertType": "WindowsDefenderAtp",
            "StartTime": "2026-11-20T10:00:00Z",
            "EndTime": "2026-11-20T10:01:00Z",
            "RemediationSteps": "[\"Isolate the device\",\"Reset the password\"]",
            "ExtendedProperties": "{\"MicrosoftDefenderAtp.Category\":\"Execution\",\"Count\":3}",
            "Entities": entities.to_string(),
            "ProductName": "Microsoft Defender Advanced Threat Protection",
            "Status": "New",
            "CompromisedEntity": "web01",
            "Tactics": "Execution, DefenseEvasion",
            "Techniques": "[\"T1059\",\"T1027\"]",
            "Type": "SecurityAlert"
        })
    }

    fn entities() -> Value {
        json!([
            {"$id": "2", "HostName": "web01", "DnsDomain": "contoso.com", "Type": "host"},
            {"$id": "3", "ProcessId": "4242", "CommandLine": "powershell -enc AAA",
             "Host": {"$ref": "2"},
             "Account": {"$id": "4", "Name": "alice", "UPNSuffix": "contoso.com", "Type": "account"},
             "Type": "process"},
            {"$ref": "4"},
            {"$id": "5", "Address": "10.1.2.3", "Type": "ip"}
        ])
    }

    #[test]
    fn a_row_becomes_an_alert_with_its_references_resolved() {
        let parsed = read_json(&json!([row(entities())]));
        assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
        let alert = &parsed.alerts[0].1;
        assert_eq!(alert.id, "da637-1");
        assert_eq!(
            alert.start,
            Some(Utc.with_ymd_and_hms(2026, 11, 20, 10, 0, 0).unwrap())
        );
        assert_eq!(
            alert.details.display_name,
            "Suspicious PowerShell command line"
        );
        assert_eq!(alert.details.severity, Severity::High);
        assert_eq!(
            alert.details.tactics,
            [Tactic::Execution, Tactic::DefenseEvasion]
        );
        assert_eq!(alert.details.techniques, ["T1059", "T1027"]);
        assert_eq!(
            alert.details.remediation_steps,
            ["Isolate the device", "Reset the password"]
        );
        assert!(
            alert
                .details
                .extended_properties
                .contains(&("Count".to_owned(), "3".to_owned()))
        );
        let kinds: Vec<&str> = alert.entities.iter().map(RawEntity::kind_name).collect();
        assert_eq!(kinds, ["Host", "Process", "Account", "Ip"]);
        let process = known(&alert.entities[1]);
        let related: Vec<&str> = process.related.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(related, ["Account", "Host"]);
        assert_eq!(process.related[1].properties.get("HostName"), Some("web01"));
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 0, 0, 0).unwrap();
        let (checked, warnings) = Alert::check(alert.clone(), now).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(checked.entities.len(), 4);
    }

    /// A kind given as text is parsed whatever its case; one given as another value, or none,
    /// is kept as its text, so the ingest report can name it.
    #[test]
    fn entity_kinds_are_read_as_text_or_named_as_given() {
        let parsed = read_json(&json!([row(json!([
            {"$id": "1", "HostName": "web01", "Type": "HOST"},
            {"$id": "2", "Address": "10.1.2.3", "Type": 7},
            {"$id": "3", "Address": "10.1.2.4", "kind": "ip"},
            {"$id": "4", "Address": "10.1.2.5"}
        ]))]));
        let kinds: Vec<Result<EntityKind, &str>> = parsed.alerts[0]
            .1
            .entities
            .iter()
            .map(|entity| match entity {
                RawEntity::Known(entity) => Ok(entity.kind),
                RawEntity::Unknown(kind) => Err(kind.as_str()),
            })
            .collect();
        assert_eq!(
            kinds,
            [Ok(EntityKind::Host), Err("7"), Ok(EntityKind::Ip), Err("")]
        );
    }

    #[test]
    fn dangling_references_cycles_and_bad_columns_refuse_their_row_only() {
        let dangling = json!([{"$id": "1", "Host": {"$ref": "9"}, "Type": "process"}]);
        let cycle = json!([
            {"$id": "1", "Parent": {"$ref": "2"}, "Type": "process"},
            {"$id": "2", "Parent": {"$ref": "1"}, "Type": "process"}
        ]);
        let twice = json!([{"$id": "1", "Type": "ip"}, {"$id": "1", "Type": "ip"}]);
        let mut bad_severity = row(json!([]));
        bad_severity["AlertSeverity"] = "Severe".into();
        let mut bad_time = row(json!([]));
        bad_time["StartTime"] = "last Tuesday".into();
        let mut bad_json = row(json!([]));
        bad_json["Entities"] = "[{".into();
        let document = json!([
            row(dangling),
            row(cycle),
            row(twice),
            bad_severity,
            bad_time,
            bad_json,
            "not a row",
            row(entities())
        ]);
        let parsed = read_json(&document);
        let problems: Vec<(usize, &str)> = parsed
            .problems
            .iter()
            .map(|problem| (problem.record, problem.reason.as_str()))
            .collect();
        assert_eq!(problems[0], (1, "Entities: $ref \"9\" names no entity"));
        assert_eq!(
            problems[1],
            (
                2,
                "Entities: entities refer to each other in a cycle: 1 → 2 → 1"
            )
        );
        assert_eq!(problems[2], (3, "Entities: two entities declare $id \"1\""));
        assert!(
            problems[3].1.starts_with("AlertSeverity: "),
            "{}",
            problems[3].1
        );
        assert!(problems[3].1.contains("Severe"), "{}", problems[3].1);
        assert_eq!(
            problems[4],
            (5, "StartTime: \"last Tuesday\" is not a time")
        );
        assert!(
            problems[5].1.starts_with("Entities: not JSON"),
            "{}",
            problems[5].1
        );
        assert_eq!(problems[6], (7, "the row is not an object"));
        assert_eq!(parsed.alerts.len(), 1);
        assert_eq!(parsed.alerts[0].0, 8);
    }

    #[test]
    fn rows_are_told_from_other_json() {
        assert!(log_analytics::is_row(&row(json!([]))));
        assert!(!log_analytics::is_row(&json!({"value": []})));
        assert!(!log_analytics::is_row(&json!({"title": "x"})));
        assert_eq!(
            read(&json!([row(json!([]))]).to_string()).map(|(format, _)| format),
            Ok(Format::LogAnalyticsAlerts)
        );
    }

    proptest! {
        #[test]
        fn no_entities_column_makes_the_parser_panic(text in "\\PC{0,120}") {
            let mut document = row(json!([]));
            document["Entities"] = text.into();
            let _ = read_json(&json!([document]));
        }
    }
}

mod graph_alerts {
    use serde_json::json;

    use super::*;
    use crate::core::vocabulary::Tactic;

    fn alert() -> serde_json::Value {
        json!({
            "@odata.type": "#microsoft.graph.security.alert",
            "id": "da08587464201112345_-1",
            "title": "Suspicious credential dump from NTDS.dit",
            "description": "Attackers dump NTDS.dit to obtain user credentials.",
            "severity": "high",
            "status": "inProgress",
            "category": "CredentialAccess",
            "serviceSource": "microsoftDefenderForEndpoint",
            "detectionSource": "microsoftDefenderForEndpoint",
            "detectorId": "b6ce3c8a",
            "createdDateTime": "2026-11-20T08:00:00Z",
            "firstActivityDateTime": "2026-11-20T07:55:00Z",
            "lastActivityDateTime": "2026-11-20T07:59:00Z",
            "mitreTechniques": ["T1003.003"],
            "recommendedActions": "Isolate the device.",
            "evidence": [
                {"@odata.type": "#microsoft.graph.security.deviceEvidence",
                 "deviceDnsName": "dc01.contoso.com"},
                {"@odata.type": "#microsoft.graph.security.userEvidence",
                 "userAccount": {"accountName": "alice", "domainName": "CONTOSO",
                                 "userPrincipalName": "alice@contoso.com",
                                 "azureAdUserId": "2d1c6e0e-5a5f-4d7e-8f7e-1f2b3c4d5e6f"}},
                {"@odata.type": "#microsoft.graph.security.processEvidence",
                 "processId": 4242, "processCommandLine": "ntdsutil \"ac i ntds\" ifm",
                 "imageFile": {"fileName": "ntdsutil.exe", "filePath": "C:\\Windows\\System32",
                               "sha256": "8f1cbbe2e0d46c6c2c9e5bb8a01e1b7a4a0e9b5d3c2f1e0d9c8b7a6f5e4d3c2b"}},
                {"@odata.type": "#microsoft.graph.security.ipEvidence", "ipAddress": "203.0.113.5"},
                {"@odata.type": "#microsoft.graph.security.urlEvidence", "url": "https://evil.example.net/x"},
                {"@odata.type": "#microsoft.graph.security.mailboxEvidence",
                 "primaryAddress": "alice@contoso.com"},
                {"@odata.type": "#microsoft.graph.security.registryKeyEvidence",
                 "registryHive": "HKEY_LOCAL_MACHINE", "registryKey": "SOFTWARE\\Run"},
                {"@odata.type": "#microsoft.graph.security.analyzedMessageEvidence"}
            ]
        })
    }

    #[test]
    fn an_alert_and_its_evidence_become_an_alert_and_its_entities() {
        let parsed = read_json(&json!({"value": [alert()]}));
        assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
        let alert = &parsed.alerts[0].1;
        assert_eq!(alert.id, "da08587464201112345_-1");
        assert_eq!(
            alert.start,
            Some(Utc.with_ymd_and_hms(2026, 11, 20, 7, 55, 0).unwrap())
        );
        assert_eq!(alert.details.severity, Severity::High);
        assert_eq!(alert.details.tactics, [Tactic::CredentialAccess]);
        assert_eq!(
            alert.details.product_name,
            "Microsoft Defender for Endpoint"
        );
        assert_eq!(alert.details.techniques, ["T1003.003"]);
        let kinds: Vec<&str> = alert.entities.iter().map(RawEntity::kind_name).collect();
        assert_eq!(
            kinds,
            [
                "Host",
                "Account",
                "Process",
                "Ip",
                "Url",
                "Mailbox",
                "RegistryKey",
                "analyzedMessageEvidence"
            ]
        );
        let process = known(&alert.entities[2]);
        assert_eq!(process.related[0].kind.as_str(), "File");
        assert_eq!(process.related[0].related[0].kind.as_str(), "FileHash");
        // The core takes it; the evidence type it does not know is reported, not dropped.
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 0, 0, 0).unwrap();
        let (checked, warnings) = Alert::check(alert.clone(), now).unwrap();
        assert_eq!(checked.entities.len(), 7);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
    }

    #[test]
    fn a_bad_alert_is_reported_by_position_and_the_rest_read() {
        let mut bad = alert();
        bad["severity"] = "severe".into();
        let mut late = alert();
        late["firstActivityDateTime"] = "soon".into();
        let parsed = read_json(&json!({"value": [bad, late, 7, alert()]}));
        let problems: Vec<(usize, &str)> = parsed
            .problems
            .iter()
            .map(|problem| (problem.record, problem.reason.as_str()))
            .collect();
        assert_eq!(
            problems,
            [
                (1, "severity: unknown value \"severe\""),
                (2, "firstActivityDateTime: \"soon\" is not a time"),
                (3, "the alert is not an object"),
            ]
        );
        assert_eq!(parsed.alerts[0].0, 4);
    }
}

mod detection {
    use super::*;
    use crate::importers::{Format, decode};

    #[test]
    fn each_format_is_told_from_its_content() {
        let cases = [
            ("CEF:0|V|P|1|s|n|3|rt=1", Format::Cef),
            ("[{\"SystemAlertId\": \"a\"}]", Format::LogAnalyticsAlerts),
            (
                "{\"@odata.context\": \"x\", \"value\": [{\"id\": \"x\", \"evidence\": []}]}",
                Format::GraphAlerts,
            ),
            ("{\"id\": \"x\", \"evidence\": []}", Format::GraphAlerts),
            (
                "{\"value\": [{\"kind\": \"SecurityAlert\"}]}",
                Format::SentinelAlerts,
            ),
            ("{\"value\": []}", Format::SentinelIncidents),
        ];
        for (text, format) in cases {
            assert_eq!(read(text).map(|(found, _)| found), Ok(format), "{text}");
        }
        // An incident file is imported whole as it is planned, so its format is asked directly.
        let incident = serde_json::json!({"properties": {"title": "t"}});
        assert_eq!(document_format(&incident), Ok(Format::SentinelIncidents));
        let (format, parsed) =
            read("[{\"SystemAlertId\": \"a\", \"StartTime\": \"2026-11-20T10:00:00Z\"}]").unwrap();
        assert_eq!(format, Format::LogAnalyticsAlerts);
        assert_eq!(parsed.alerts.len(), 1);
    }

    #[test]
    fn an_empty_file_is_refused_as_empty() {
        let long_blank = " \n".repeat(HEAD_BYTES);
        for blank in ["", "  \r\n\n\t", "\u{feff}\n", &long_blank] {
            assert_eq!(read(blank).unwrap_err(), "the file is empty");
        }
        // Blank for longer than the head, then records: read as what follows.
        let late_start = format!(
            "{long_blank}[{{\"SystemAlertId\": \"a\", \"StartTime\": \"2026-11-20T10:00:00Z\"}}]"
        );
        assert_eq!(read(&late_start).unwrap().1.alerts.len(), 1);
    }

    #[test]
    fn other_files_are_refused_with_where_they_stop_making_sense() {
        let error = read("{\"value\": [1,").unwrap_err();
        assert!(
            error.starts_with("the file is neither CEF nor JSON (JSON stops at line 1, column 13"),
            "{error}"
        );
        let error = read("{\"rows\": []}").unwrap_err();
        assert!(
            error.starts_with("the JSON is none of the formats"),
            "{error}"
        );
    }

    #[test]
    fn bytes_that_are_not_utf8_are_replaced_and_flagged() {
        let decoded = decode(b"\xEF\xBB\xBFCEF:0|V|P|1|s|caf\xE9|3|rt=1");
        assert!(decoded.replaced);
        assert_eq!(decoded.text, "CEF:0|V|P|1|s|caf\u{FFFD}|3|rt=1");
        let clean = decode("CEF:0|V|P|1|s|café|3|rt=1".as_bytes());
        assert!(!clean.replaced);
    }

    proptest! {
        #[test]
        fn no_text_makes_detection_or_reading_panic(text in "\\PC{0,300}") {
            let _ = read(&text);
        }
    }
}

mod sentinel_rest_alerts {
    use serde_json::{Value, json};

    use super::*;
    use crate::importers::Format;

    /// The reply body of the real `GetAllIncidentAlerts` example.
    fn fixture() -> Value {
        let example: Value = serde_json::from_str(include_str!(
            "../../tests/fixtures/sentinel-api/GetAllIncidentAlerts.json"
        ))
        .unwrap();
        example["responses"]["200"]["body"].clone()
    }

    #[test]
    fn the_api_example_reads_as_one_alert() {
        let body = fixture();
        let (format, parsed) = read(&body.to_string()).unwrap();
        assert_eq!(format, Format::SentinelAlerts);
        assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
        let alert = &parsed.alerts[0].1;
        assert_eq!(alert.id, "baa8a239-6fde-4ab7-a093-d09f7b75c58c");
        assert_eq!(alert.details.display_name, "myAlert");
        assert_eq!(alert.details.severity, Severity::Low);
        assert_eq!(alert.details.product_name, "Azure Security Center");
        assert_eq!(
            alert.start,
            Some(
                Utc.with_ymd_and_hms(2020, 7, 20, 18, 21, 53).unwrap()
                    + chrono::Duration::nanoseconds(615_836_100)
            )
        );
        assert!(alert.details.extended_properties.contains(&(
            "AlertMessageEnqueueTime".into(),
            "2020-07-20T18:21:57.304Z".into()
        )));
    }

    #[test]
    fn a_bad_alert_names_its_field() {
        let mut body = fixture();
        body["value"][0]["properties"]["severity"] = json!("Severe");
        body["value"]
            .as_array_mut()
            .unwrap()
            .push(json!({"kind": "SecurityAlert"}));
        let parsed = read_json(&body);
        assert_eq!(parsed.problems[0].record, 1);
        assert!(
            parsed.problems[0]
                .reason
                .starts_with("properties.severity: "),
            "{}",
            parsed.problems[0].reason
        );
        assert_eq!(
            (
                parsed.problems[1].record,
                parsed.problems[1].reason.as_str()
            ),
            (2, "properties: expected an object")
        );
    }
}

mod plans {
    use uuid::Uuid;

    use super::*;
    use crate::importers::{Format, PlanContents};

    fn now() -> chrono::DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap()
    }

    #[test]
    fn the_report_counts_what_the_core_takes_and_names_every_record_it_would_refuse() {
        let text = "\
CEF:0|V|P|1|s|kept|3|externalId=1 rt=1763800000000 src=10.0.0.1
CEF:0|V|P|1|s|no time|3|externalId=2 src=10.0.0.1
CEF:0|V|P|1|s|again|3|externalId=1 rt=1763800000000
garbage
CEF:0|V|P|1|s|future|3|externalId=3 rt=4102444800000
";
        let mut new_id = || Uuid::nil();
        let plan = plan_whole(text.as_bytes(), now(), 1, &mut new_id).unwrap();
        assert_eq!(plan.format, Format::Cef);
        assert!(!plan.replaced_characters);
        let PlanContents::Alerts { valid, problems } = plan.contents else {
            panic!("alerts expected");
        };
        assert_eq!(valid.len(), 1);
        assert_eq!(valid[0].details.display_name, "kept");
        let records: Vec<(usize, &str)> = problems
            .iter()
            .map(|problem| (problem.record, problem.reason.as_str()))
            .collect();
        assert_eq!(records[0], (2, "it has no start time (start or rt)"));
        assert_eq!(records[1], (3, "the same alert id as record 1"));
        assert_eq!(records[2], (4, "no \"CEF:\" in the line"));
        assert_eq!(records[3].0, 5);
        assert!(records[3].1.contains("in the future"), "{}", records[3].1);
    }

    #[test]
    fn a_vigil_workspace_file_is_planned_as_a_whole_workspace() {
        let workspace = crate::demo::demo_workspace(now());
        let file = crate::store::workspace_file::export_workspace(&workspace);
        let plan = plan_whole(file.as_bytes(), now(), 1, &mut Uuid::new_v4).unwrap();
        assert_eq!(plan.format, Format::VigilWorkspace);
        assert_eq!(plan.contents, PlanContents::Workspace(Box::new(workspace)));
        let broken = file.replacen("\"nextNumber\":", "\"nextNumber\":\"x\",\"old\":", 1);
        let error = plan_whole(broken.as_bytes(), now(), 1, &mut Uuid::new_v4).unwrap_err();
        assert!(error.starts_with("vigil.nextNumber"), "{error}");
    }

    #[test]
    fn an_incident_file_is_planned_whole_or_refused_with_where_it_broke() {
        let text = include_str!("../../tests/fixtures/sentinel-api/GetIncidents.json");
        let example: serde_json::Value = serde_json::from_str(text).unwrap();
        let body = example["responses"]["200"]["body"].to_string();
        let mut serial = 0u128;
        let mut new_id = || {
            serial += 1;
            Uuid::from_u128(serial)
        };
        let plan = plan_whole(body.as_bytes(), now(), 1, &mut new_id).unwrap();
        assert_eq!(plan.format, Format::SentinelIncidents);
        assert!(
            matches!(plan.contents, PlanContents::Incidents(ref incidents) if !incidents.is_empty())
        );

        let broken = body.replacen("\"severity\":\"High\"", "\"severity\":\"Severe\"", 1);
        assert_ne!(broken, body, "the fixture has a High incident");
        let error = plan_whole(broken.as_bytes(), now(), 1, &mut new_id).unwrap_err();
        assert!(error.contains("severity"), "{error}");
    }
}

/// Structure-aware fuzzing: inputs shaped like each format (the keys, separators and references
/// the parsers act on), so the random cases reach deep into them rather than stopping at the
/// first character. Run long with `PROPTEST_CASES`; README says for how long they last ran.
mod fuzz {
    use serde_json::{Value, json};

    use super::*;
    use crate::importers::{graph, log_analytics, sentinel_alerts};

    /// A JSON value built from the names the importers look for.
    fn shaped_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|number| json!(number)),
            "[0-9]{1,2}".prop_map(Value::String),
            "\\PC{0,12}".prop_map(Value::String),
            Just(json!("2026-11-20T10:00:00Z")),
        ];
        let key = prop_oneof![
            Just("$id"),
            Just("$ref"),
            Just("Type"),
            Just("HostName"),
            Just("Address"),
            Just("Host"),
            Just("Parent"),
            Just("SystemAlertId"),
            Just("StartTime"),
            Just("Entities"),
            Just("AlertSeverity"),
            Just("Tactics"),
            Just("evidence"),
            Just("@odata.type"),
            Just("userAccount"),
            Just("fileDetails"),
            Just("value"),
            Just("kind"),
            Just("properties"),
            Just("severity"),
            Just("id"),
        ]
        .prop_map(str::to_owned);
        leaf.prop_recursive(4, 64, 6, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::btree_map(key.clone(), inner, 0..6)
                    .prop_map(|map| Value::Object(map.into_iter().collect())),
            ]
        })
    }

    /// A CEF line from random header fields and extension pairs, escapes included.
    fn shaped_cef() -> impl Strategy<Value = String> {
        let field = "[ -~]{0,10}";
        let key = prop_oneof![
            Just("rt"),
            Just("start"),
            Just("src"),
            Just("suser"),
            Just("shost"),
            Just("fileHash"),
            Just("request"),
            Just("msg"),
            Just("externalId"),
            Just("x"),
        ];
        let pair = (key, "[ -~]{0,16}").prop_map(|(key, value)| format!("{key}={value}"));
        (
            "[0-9x]{0,2}",
            proptest::collection::vec(field, 6),
            proptest::collection::vec(pair, 0..6),
            "(<[0-9]{1,3}>[A-Za-z0-9 :]{0,20} )?",
        )
            .prop_map(|(version, header, pairs, syslog)| {
                format!(
                    "{syslog}CEF:{version}|{}|{}",
                    header.join("|"),
                    pairs.join(" ")
                )
            })
    }

    proptest! {
        #[test]
        fn no_shaped_cef_line_makes_the_parser_panic(lines in proptest::collection::vec(shaped_cef(), 1..4)) {
            let _ = read_cef(&lines.join("\n"));
        }

        #[test]
        fn no_shaped_json_makes_the_json_importers_panic(document in shaped_json()) {
            let _ = log_analytics::read_row(&document);
            let _ = log_analytics::entities(Some(&document));
            let _ = log_analytics::entities(Some(&Value::String(document.to_string())));
            let _ = graph::read_alert(&document);
            let _ = sentinel_alerts::read_alert(&document);
            let text = document.to_string();
            let _ = read(&text);
            let _ = read(&json!([document.clone()]).to_string());
            let _ = read(&json!({"value": [document]}).to_string());
            let now = Utc.with_ymd_and_hms(2026, 11, 22, 0, 0, 0).unwrap();
            let _ = plan_whole(text.as_bytes(), now, 1, &mut uuid::Uuid::new_v4);
        }
    }
}

mod json_lists {
    use serde_json::{Value, json};

    use super::*;
    use crate::importers::json_records::{JsonRecords, Shape};

    /// Every record of a list, or the error that stopped the reading.
    fn records(text: &str) -> Result<Vec<(usize, Value)>, String> {
        let mut records = JsonRecords::open(text.as_bytes()).expect("a list");
        std::iter::from_fn(|| records.next_record()).collect()
    }

    fn row(id: usize) -> Value {
        json!({"SystemAlertId": format!("a{id}"), "StartTime": "2026-11-20T10:00:00Z", "AlertName": "n"})
    }

    #[test]
    fn a_list_is_found_in_an_array_or_in_the_value_member_of_a_page() {
        let page = r#"{"@odata.context": "x", "nested": {"value": [0]}, "v\u0061lue": [1, {"b": "]"}], "nextLink": null}"#;
        let mut list = JsonRecords::open(page.as_bytes()).unwrap();
        assert_eq!(list.shape(), Shape::ValueList);
        assert_eq!(list.next_record(), Some(Ok((1, json!(1)))));
        assert_eq!(list.next_record(), Some(Ok((2, json!({"b": "]"})))));
        assert_eq!(list.next_record(), None);
        assert_eq!(list.progress().0, list.progress().1);
        assert_eq!(records("\u{FEFF} [ ]"), Ok(vec![]));
        for single in ["{\"properties\": {}}", "{\"value\": 3}", "7", "", "CEF:0|"] {
            assert!(JsonRecords::open(single.as_bytes()).is_none(), "{single}");
        }
    }

    #[test]
    fn a_list_that_stops_being_json_is_refused_where_it_stops() {
        let broken_record = "[\n  {\"a\": 1},\n  {\"a\": tru}\n]";
        let error = records(broken_record).unwrap_err();
        assert!(
            error.starts_with("record 2 is not JSON (line 3, column 12:"),
            "{error}"
        );
        assert_eq!(
            records("[1,\n 2 3]").unwrap_err(),
            "the JSON stops at line 2, column 4: expected a comma or the end of the list"
        );
        assert_eq!(
            records("[1, {\"a\": \"cut").unwrap_err(),
            "the JSON stops at line 1, column 15: expected the end of a string: the file ends inside it"
        );
        assert_eq!(
            records("[1] [2]").unwrap_err(),
            "the JSON stops at line 1, column 5: expected the end of the file"
        );
        assert_eq!(
            records("{\"value\": [1] \"next\": 2}").unwrap_err(),
            "the JSON stops at line 1, column 15: expected a comma or the end of the page"
        );
        assert!(records("[1,]").is_err());
    }

    #[test]
    fn bytes_that_are_not_utf8_in_a_record_are_replaced_and_flagged() {
        let mut text = b"[{\"SystemAlertId\": \"caf".to_vec();
        text.extend(b"\xE9\", \"StartTime\": \"2026-11-20T10:00:00Z\"}]");
        let planned = plan_whole(
            &text,
            Utc.with_ymd_and_hms(2026, 11, 22, 0, 0, 0).unwrap(),
            1,
            &mut Uuid::nil,
        )
        .unwrap();
        assert!(planned.replaced_characters);
        let PlanContents::Alerts { valid, .. } = planned.contents else {
            panic!("alerts expected");
        };
        assert_eq!(valid[0].id, "caf\u{FFFD}");
    }

    #[test]
    fn a_large_list_is_planned_in_steps_with_every_record_numbered() {
        let count = RECORDS_PER_STEP * 2 + 7;
        let mut rows: Vec<Value> = (1..=count).map(row).collect();
        rows[1500] = json!("not a row");
        let text = serde_json::to_string_pretty(&rows).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 0, 0, 0).unwrap();
        let mut planner = Planner::open(text.as_bytes(), now, 1, &mut Uuid::nil).unwrap();
        let mut steps = 1;
        while planner.step().unwrap() {
            steps += 1;
            let (done, total) = planner.progress();
            assert!(done < total);
        }
        assert_eq!(steps, 3);
        let PlanContents::Alerts { valid, problems } = planner.finish().contents else {
            panic!("alerts expected");
        };
        assert_eq!(valid.len(), count - 1);
        assert_eq!(valid.last().unwrap().id, format!("a{count}"));
        assert_eq!(problems.len(), 1);
        assert_eq!(
            (problems[0].record, problems[0].reason.as_str()),
            (1501, "the row is not an object")
        );
    }

    /// A JSON value of any shape, strings with the characters the scanner reacts to.
    fn any_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i32>().prop_map(|number| json!(number)),
            Just(json!(-1.5e-3)),
            "[\\[\\]{}\",:\\\\ a\u{e9}\n]{0,8}".prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 32, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::btree_map("[a-z\\]\"]{0,3}", inner, 0..4)
                    .prop_map(|map| Value::Object(map.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn reading_record_by_record_reads_what_parsing_the_whole_list_does(
            items in proptest::collection::vec(any_json(), 0..8),
            before in proptest::option::of(any_json()),
            pretty in any::<bool>(),
        ) {
            let write = |value: &Value| if pretty {
                serde_json::to_string_pretty(value).unwrap()
            } else {
                value.to_string()
            };
            let expected: Vec<(usize, Value)> = items.iter().cloned().enumerate().map(|(index, item)| (index + 1, item)).collect();
            prop_assert_eq!(records(&write(&Value::Array(items.clone()))), Ok(expected.clone()));
            let mut page = serde_json::Map::new();
            if let Some(before) = before {
                page.insert("@odata.context".into(), before);
            }
            page.insert("value".into(), Value::Array(items));
            page.insert("nextLink".into(), json!("x"));
            prop_assert_eq!(records(&write(&Value::Object(page))), Ok(expected));
        }

        #[test]
        fn no_text_makes_the_list_reader_panic(text in "[\\[\\]{}\",:\\\\ a1\n]{0,40}") {
            if let Some(mut list) = JsonRecords::open(text.as_bytes()) {
                while let Some(Ok(_)) = list.next_record() {}
            }
        }
    }
}
