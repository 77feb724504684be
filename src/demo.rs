//! The demo workspace: thirty days of a believable security operations centre, the same on every
//! first visit (a fixed seed, dates counted back from now). About two thousand alerts from seven
//! products: background noise with a few noisy hosts and users, and three multi-stage attacks
//! that the correlation core groups and merges (phishing to exfiltration, a ransomware
//! precursor, a password spray against the cloud). Analysts have worked it: owners, comments,
//! incidents in progress, and closed ones under each of the five classifications.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use crate::core::alert::{AlertDetails, RawAlert, RawEntity};
use crate::core::closing::{Closing, ClosingChoice};
use crate::core::correlation::IngestContext;
use crate::core::incident::{Edit, Incident};
use crate::core::people::{Actor, Owner};
use crate::core::vocabulary::{IncidentStatus, Severity, Tactic};
use crate::core::workspace::Workspace;

/// Background alerts, besides the three attacks.
const NOISE_ALERTS: usize = 1_950;
/// The span the demo covers, back from now.
const DAYS: i64 = 30;
/// The seed: the same workspace on every first visit.
const SEED: u64 = 0x5EC0_2026;

/// The analysts who work the demo's incidents: (name, e-mail).
const ANALYSTS: [(&str, &str); 3] = [
    ("Ana Silva", "ana.silva@contoso.com"),
    ("Ben Okafor", "ben.okafor@contoso.com"),
    ("Chloé Martin", "chloe.martin@contoso.com"),
];

const FIRST_NAMES: [&str; 16] = [
    "alice", "bruno", "chen", "dana", "emeka", "fatima", "gustavo", "hana", "ivan", "julia",
    "kofi", "lena", "mateo", "nadia", "omar", "priya",
];
const SURNAMES: [&str; 4] = ["wong", "kim", "garcia", "novak"];
const DEPARTMENTS: [&str; 6] = ["fin", "hr", "eng", "ops", "sales", "legal"];
const SERVERS: [&str; 8] = [
    "dc01",
    "dc02",
    "srv-sql-01",
    "srv-file-02",
    "srv-web-01",
    "srv-web-02",
    "srv-app-03",
    "srv-backup-01",
];

/// What kind of entities a detection names.
#[derive(Clone, Copy)]
enum Names {
    Host,
    User,
    HostAndUser,
    UserAndAddress,
    HostAndAddress,
    UserAndUrl,
}

/// A detection of the noise: product, name, tactic, technique, severity, what it names.
type Detection = (
    &'static str,
    &'static str,
    Tactic,
    &'static str,
    Severity,
    Names,
);

const NOISE: [Detection; 18] = [
    (
        "Microsoft Defender for Endpoint",
        "Suspicious PowerShell command line",
        Tactic::Execution,
        "T1059.001",
        Severity::Medium,
        Names::HostAndUser,
    ),
    (
        "Microsoft Defender for Endpoint",
        "Unsigned driver loaded",
        Tactic::Persistence,
        "T1543.003",
        Severity::Low,
        Names::Host,
    ),
    (
        "Microsoft Defender for Endpoint",
        "Potentially unwanted application detected",
        Tactic::Execution,
        "T1204",
        Severity::Informational,
        Names::Host,
    ),
    (
        "Microsoft Defender for Endpoint",
        "Suspicious scheduled task created",
        Tactic::Persistence,
        "T1053.005",
        Severity::Medium,
        Names::HostAndUser,
    ),
    (
        "Microsoft Defender for Identity",
        "Account enumeration reconnaissance",
        Tactic::Discovery,
        "T1087.002",
        Severity::Medium,
        Names::HostAndUser,
    ),
    (
        "Microsoft Defender for Identity",
        "Honeytoken activity",
        Tactic::CredentialAccess,
        "T1078",
        Severity::High,
        Names::User,
    ),
    (
        "Microsoft Defender for Office 365",
        "Email messages containing malicious URL removed after delivery",
        Tactic::InitialAccess,
        "T1566.002",
        Severity::Low,
        Names::UserAndUrl,
    ),
    (
        "Microsoft Defender for Office 365",
        "User reported a phishing email",
        Tactic::InitialAccess,
        "T1566",
        Severity::Informational,
        Names::UserAndUrl,
    ),
    (
        "Microsoft Defender for Cloud Apps",
        "Activity from infrequent country",
        Tactic::InitialAccess,
        "T1078.004",
        Severity::Low,
        Names::UserAndAddress,
    ),
    (
        "Microsoft Defender for Cloud Apps",
        "Unusual file download",
        Tactic::Exfiltration,
        "T1567",
        Severity::Medium,
        Names::UserAndAddress,
    ),
    (
        "Microsoft Entra ID Protection",
        "Atypical travel",
        Tactic::InitialAccess,
        "T1078",
        Severity::Medium,
        Names::UserAndAddress,
    ),
    (
        "Microsoft Entra ID Protection",
        "Unfamiliar sign-in properties",
        Tactic::InitialAccess,
        "T1078",
        Severity::Low,
        Names::UserAndAddress,
    ),
    (
        "Microsoft Entra ID Protection",
        "Anonymous IP address",
        Tactic::InitialAccess,
        "T1090.003",
        Severity::Low,
        Names::UserAndAddress,
    ),
    (
        "Microsoft Defender for Cloud",
        "Suspicious process executed on a virtual machine",
        Tactic::Execution,
        "T1059",
        Severity::Medium,
        Names::HostAndAddress,
    ),
    (
        "Microsoft Defender for Cloud",
        "Anomalous login to a SQL server",
        Tactic::InitialAccess,
        "T1078",
        Severity::Low,
        Names::HostAndAddress,
    ),
    (
        "Palo Alto Networks PAN-OS",
        "Port scan from an external address",
        Tactic::Reconnaissance,
        "T1595.001",
        Severity::Low,
        Names::HostAndAddress,
    ),
    (
        "Palo Alto Networks PAN-OS",
        "Traffic to a newly registered domain",
        Tactic::CommandAndControl,
        "T1071.001",
        Severity::Medium,
        Names::HostAndAddress,
    ),
    (
        "Palo Alto Networks PAN-OS",
        "Spyware phone-home detected",
        Tactic::CommandAndControl,
        "T1071",
        Severity::High,
        Names::HostAndAddress,
    ),
];

/// The id prefix each product's alerts carry, as Defender's do.
fn id_prefix(product: &str) -> &'static str {
    match product {
        "Microsoft Defender for Endpoint" => "da",
        "Microsoft Defender for Identity" => "aa",
        "Microsoft Defender for Office 365" => "fa",
        "Microsoft Defender for Cloud Apps" => "ca",
        "Microsoft Entra ID Protection" => "ad",
        "Microsoft Defender for Cloud" => "dc",
        _ => "fw",
    }
}

fn user(name: &str) -> RawEntity {
    RawEntity::new("account", &[("Name", name), ("UPNSuffix", "contoso.com")])
}

fn host(name: &str) -> RawEntity {
    RawEntity::new(
        "host",
        &[("HostName", name), ("DnsDomain", "corp.contoso.com")],
    )
}

fn address(address: &str) -> RawEntity {
    RawEntity::new("ip", &[("Address", address)])
}

fn url(url: &str) -> RawEntity {
    RawEntity::new("url", &[("Url", url)])
}

/// Builds the demo's alerts and triage.
struct Generator {
    rng: fastrand::Rng,
    now: DateTime<Utc>,
    serial: usize,
}

impl Generator {
    fn alert(
        &mut self,
        (product, name, tactic, technique, severity, _): Detection,
        start: DateTime<Utc>,
        entities: Vec<RawEntity>,
    ) -> RawAlert {
        self.serial += 1;
        RawAlert {
            id: format!("{}{:012}", id_prefix(product), self.serial),
            start: Some(start),
            entities,
            details: Box::new(AlertDetails {
                display_name: name.to_owned(),
                alert_type: name.to_owned(),
                severity,
                product_name: product.to_owned(),
                vendor_name: if product.starts_with("Palo Alto") {
                    "Palo Alto Networks".to_owned()
                } else {
                    "Microsoft".to_owned()
                },
                tactics: vec![tactic],
                techniques: vec![technique.to_owned()],
                ..AlertDetails::default()
            }),
        }
    }

    /// A pick skewed towards the first items: a few noisy hosts and users, a long tail.
    fn skewed(&mut self, count: usize) -> usize {
        let spread = self.rng.f64();
        ((spread * spread * spread) * count as f64) as usize
    }

    fn some_user(&mut self) -> String {
        let index = self.skewed(FIRST_NAMES.len() * SURNAMES.len());
        format!(
            "{}.{}",
            FIRST_NAMES[index % FIRST_NAMES.len()],
            SURNAMES[index / FIRST_NAMES.len()]
        )
    }

    fn some_host(&mut self) -> String {
        if self.rng.u8(..4) == 0 {
            return SERVERS[self.rng.usize(..SERVERS.len())].to_owned();
        }
        let index = self.skewed(DEPARTMENTS.len() * 25);
        format!(
            "ws-{}-{:03}",
            DEPARTMENTS[index % DEPARTMENTS.len()],
            index / 6 + 1
        )
    }

    fn some_address(&mut self) -> String {
        let block = ["203.0.113", "198.51.100", "192.0.2"][self.rng.usize(..3)];
        format!("{block}.{}", 1 + self.skewed(250))
    }

    fn noise(&mut self) -> RawAlert {
        let detection = NOISE[self.rng.usize(..NOISE.len())];
        let start = self.now - Duration::minutes(self.rng.i64(60..DAYS * 24 * 60));
        let entities = match detection.5 {
            Names::Host => vec![host(&self.some_host())],
            Names::User => vec![user(&self.some_user())],
            Names::HostAndUser => vec![host(&self.some_host()), user(&self.some_user())],
            Names::UserAndAddress => vec![user(&self.some_user()), address(&self.some_address())],
            Names::HostAndAddress => vec![host(&self.some_host()), address(&self.some_address())],
            Names::UserAndUrl => {
                let page = self.rng.u16(..9999);
                let link = format!("https://docs-share.example.net/view/{page}");
                vec![user(&self.some_user()), url(&link)]
            }
        };
        self.alert(detection, start, entities)
    }

    /// Three attacks, each a chain of alerts that share entities hours apart.
    fn stories(&mut self) -> Vec<RawAlert> {
        let mut alerts = Vec::new();
        let mut step = |generator: &mut Generator,
                        at: DateTime<Utc>,
                        detection: Detection,
                        entities: Vec<RawEntity>| {
            alerts.push(generator.alert(detection, at, entities));
        };
        // 1. Phishing, credential theft, lateral movement, exfiltration (six days ago).
        let day = self.now - Duration::days(6);
        let victim = "dana.kim";
        let lure = "https://m1crosoft-login.example.net/session/reset";
        let attacker = "203.0.113.66";
        use Severity::{High, Medium};
        step(
            self,
            day + Duration::minutes(9 * 60 + 12),
            (
                "Microsoft Defender for Office 365",
                "Phishing email with a credential-harvesting link delivered",
                Tactic::InitialAccess,
                "T1566.002",
                Medium,
                Names::UserAndUrl,
            ),
            vec![user(victim), url(lure)],
        );
        step(
            self,
            day + Duration::minutes(9 * 60 + 41),
            (
                "Microsoft Entra ID Protection",
                "Sign-in from a malicious IP address",
                Tactic::InitialAccess,
                "T1078.004",
                High,
                Names::UserAndAddress,
            ),
            vec![user(victim), address(attacker)],
        );
        step(
            self,
            day + Duration::minutes(10 * 60 + 25),
            (
                "Microsoft Defender for Endpoint",
                "Credential dumping from LSASS memory",
                Tactic::CredentialAccess,
                "T1003.001",
                High,
                Names::HostAndUser,
            ),
            vec![host("ws-fin-014"), user(victim)],
        );
        step(
            self,
            day + Duration::minutes(11 * 60 + 5),
            (
                "Microsoft Defender for Identity",
                "Suspected pass-the-hash attack",
                Tactic::LateralMovement,
                "T1550.002",
                High,
                Names::HostAndUser,
            ),
            vec![host("ws-fin-014"), host("srv-file-02"), user("svc-backup")],
        );
        step(
            self,
            day + Duration::minutes(12 * 60 + 50),
            (
                "Microsoft Defender for Cloud Apps",
                "Mass download by a single user",
                Tactic::Exfiltration,
                "T1567.002",
                High,
                Names::UserAndAddress,
            ),
            vec![user(victim), address(attacker)],
        );
        // 2. A ransomware precursor on a server (three days ago), seen by the EDR and the firewall.
        let day = self.now - Duration::days(3);
        let beacon = "198.51.100.23";
        step(
            self,
            day + Duration::minutes(2 * 60 + 3),
            (
                "Microsoft Defender for Endpoint",
                "Suspicious PowerShell download cradle",
                Tactic::Execution,
                "T1059.001",
                Medium,
                Names::HostAndUser,
            ),
            vec![host("srv-app-03"), user("svc-deploy")],
        );
        step(
            self,
            day + Duration::minutes(2 * 60 + 9),
            (
                "Palo Alto Networks PAN-OS",
                "Command and control beacon to a known Cobalt Strike server",
                Tactic::CommandAndControl,
                "T1071.001",
                High,
                Names::HostAndAddress,
            ),
            vec![host("srv-app-03"), address(beacon)],
        );
        step(
            self,
            day + Duration::minutes(3 * 60 + 30),
            (
                "Microsoft Defender for Endpoint",
                "Cobalt Strike beacon in memory",
                Tactic::CommandAndControl,
                "T1055",
                High,
                Names::HostAndAddress,
            ),
            vec![host("srv-app-03"), address(beacon)],
        );
        step(
            self,
            day + Duration::minutes(4 * 60 + 45),
            (
                "Microsoft Defender for Endpoint",
                "Volume shadow copies deleted",
                Tactic::Impact,
                "T1490",
                High,
                Names::Host,
            ),
            vec![host("srv-app-03")],
        );
        // 3. A password spray against the cloud (yesterday), then an MFA-fatigue success.
        let day = self.now - Duration::days(1);
        let sprayer = "192.0.2.144";
        for (minute, name) in [
            (0, "omar.novak"),
            (4, "priya.garcia"),
            (9, "ivan.wong"),
            (15, "lena.kim"),
        ] {
            step(
                self,
                day + Duration::minutes(22 * 60 + minute),
                (
                    "Microsoft Entra ID Protection",
                    "Password spray",
                    Tactic::CredentialAccess,
                    "T1110.003",
                    Medium,
                    Names::UserAndAddress,
                ),
                vec![user(name), address(sprayer)],
            );
        }
        step(
            self,
            day + Duration::minutes(23 * 60 + 20),
            (
                "Microsoft Entra ID Protection",
                "Multiple MFA requests denied, then approved",
                Tactic::CredentialAccess,
                "T1621",
                High,
                Names::UserAndAddress,
            ),
            vec![user("lena.kim"), address(sprayer)],
        );
        step(
            self,
            day + Duration::minutes(23 * 60 + 48),
            (
                "Microsoft Defender for Cloud Apps",
                "Suspicious inbox forwarding rule",
                Tactic::Collection,
                "T1114.003",
                High,
                Names::UserAndAddress,
            ),
            vec![user("lena.kim"), address(sprayer)],
        );
        alerts
    }

    /// Analysts' work on the incidents: owners, comments, some in progress, older ones closed
    /// under every classification in turn; the attacks confirmed, the spray still being worked.
    fn triage(&mut self, workspace: &mut Workspace) {
        let numbers: Vec<u64> = workspace
            .incidents()
            .filter(|incident| incident.merged_into.is_none())
            .map(|incident| incident.number)
            .collect();
        let week_ago = self.now - Duration::days(7);
        let mut closed = 0usize;
        for number in numbers {
            let incident = workspace.incident(number).expect("listed");
            let attack = incident.severity == Severity::High && incident.alert_ids.len() >= 3;
            let old = incident.created < week_ago;
            let (name, email) = ANALYSTS[number as usize % ANALYSTS.len()];
            let analyst = Actor {
                name: name.into(),
                email: Some(email.to_owned()),
            };
            // Picked up two hours after it opened, and never before its last automatic change,
            // so that the activity log reads in time order.
            let at = (incident.created + Duration::hours(2))
                .max(incident.modified + Duration::minutes(10))
                .min(self.now);
            let roll = self.rng.u8(..10);
            let closed_at = (at + Duration::hours(3 + i64::from(roll))).min(self.now);
            if !(attack || old || roll < 3) {
                continue;
            }
            let change = |workspace: &mut Workspace,
                          at: DateTime<Utc>,
                          act: &dyn Fn(&mut Incident, Edit<'_>)| {
                let incident = workspace.incident_mut(number).expect("listed");
                let etag = incident.etag.clone();
                act(
                    incident,
                    Edit {
                        by: &analyst,
                        at,
                        etag: &etag,
                    },
                );
            };
            change(workspace, at, &|incident, edit| {
                let _ = incident.set_owner(edit, Some(Owner::person(name, email)));
            });
            let note = if attack {
                "Confirmed with the user by phone; the account is disabled and the device isolated.\nTimeline attached to the ticket."
            } else {
                "Looked at the sign-in logs and the device timeline; nothing else stands out."
            };
            let id = Uuid::from_u128(self.rng.u128(..));
            change(workspace, at, &|incident, edit| {
                let _ = incident.comment(edit, id, note);
            });
            if attack && !old {
                change(workspace, at, &|incident, edit| {
                    let _ = incident.set_status(edit, IncidentStatus::Active);
                });
                continue;
            }
            if old || roll < 2 {
                let choice = if attack {
                    ClosingChoice::TruePositiveSuspiciousActivity
                } else {
                    ClosingChoice::ALL[closed % ClosingChoice::ALL.len()]
                };
                closed += 1;
                change(workspace, closed_at, &|incident, edit| {
                    let _ =
                        incident.close(edit, Closing::from_choice(choice, "Closed after review."));
                });
            } else {
                change(workspace, at, &|incident, edit| {
                    let _ = incident.set_status(edit, IncidentStatus::Active);
                });
            }
        }
    }
}

/// The workspace a first visit opens, dated back from `now`; the same `now` gives the same
/// workspace, ids included.
pub fn demo_workspace(now: DateTime<Utc>) -> Workspace {
    let mut generator = Generator {
        rng: fastrand::Rng::with_seed(SEED),
        now,
        serial: 0,
    };
    let mut alerts: Vec<RawAlert> = (0..NOISE_ALERTS).map(|_| generator.noise()).collect();
    alerts.extend(generator.stories());
    let mut ids = fastrand::Rng::with_seed(SEED ^ 1);
    let mut new_id = move || Uuid::from_u128(ids.u128(..));
    let mut workspace = Workspace::default();
    for (arrived, batch) in arrivals(alerts, now) {
        workspace.ingest(
            batch,
            &mut IngestContext {
                now: arrived,
                new_id: &mut new_id,
            },
        );
    }
    generator.triage(&mut workspace);
    workspace
}

/// How often the demo's connectors deliver alerts, and how long after the end of each period.
const DELIVERY_PERIOD_MINUTES: i64 = 15;
const DELIVERY_DELAY_MINUTES: i64 = 2;

/// The alerts in the batches a connector would have delivered them in, each with the time it
/// arrived (never after `now`): incidents are then created when their first alert came in, as
/// in Sentinel, rather than all at the moment the demo is made.
fn arrivals(mut alerts: Vec<RawAlert>, now: DateTime<Utc>) -> Vec<(DateTime<Utc>, Vec<RawAlert>)> {
    let period_ms = DELIVERY_PERIOD_MINUTES * 60_000;
    let period_of = |alert: &RawAlert| {
        alert
            .start
            .map_or(0, |start| start.timestamp_millis().div_euclid(period_ms))
    };
    alerts.sort_by_key(period_of);
    let mut batches: Vec<(i64, Vec<RawAlert>)> = Vec::new();
    for alert in alerts {
        let period = period_of(&alert);
        match batches.last_mut() {
            Some((last, batch)) if *last == period => batch.push(alert),
            _ => batches.push((period, vec![alert])),
        }
    }
    batches
        .into_iter()
        .map(|(period, batch)| {
            let delivered = DateTime::from_timestamp_millis((period + 1) * period_ms)
                .map_or(now, |end| end + Duration::minutes(DELIVERY_DELAY_MINUTES));
            (delivered.min(now), batch)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use chrono::TimeZone;

    use super::*;
    use crate::core::vocabulary::Classification;

    fn demo() -> Workspace {
        demo_workspace(Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap())
    }

    fn incident_holding<'a>(workspace: &'a Workspace, title: &str) -> &'a Incident {
        let id = workspace
            .correlation()
            .alerts()
            .find(|alert| alert.details.display_name == title)
            .unwrap_or_else(|| panic!("no alert {title:?}"))
            .id
            .clone();
        let number = workspace.correlation().incident_of(&id).unwrap();
        workspace.incident(number).unwrap()
    }

    #[test]
    fn the_demo_is_the_same_every_time_with_about_two_thousand_alerts_from_seven_products() {
        let demo = demo();
        assert_eq!(demo, super::tests::demo());
        let alerts: Vec<_> = demo.correlation().alerts().collect();
        assert!((1_900..=2_100).contains(&alerts.len()), "{}", alerts.len());
        let products: BTreeSet<&str> = alerts
            .iter()
            .map(|alert| alert.details.product_name.as_str())
            .collect();
        assert_eq!(products.len(), 7, "{products:?}");
        let incidents = demo.incidents().count();
        assert!(incidents > 100 && incidents < alerts.len(), "{incidents}");
    }

    #[test]
    fn each_attack_is_one_incident_that_holds_its_whole_chain() {
        let demo = demo();
        let chains: [&[&str]; 3] = [
            &[
                "Phishing email with a credential-harvesting link delivered",
                "Sign-in from a malicious IP address",
                "Credential dumping from LSASS memory",
                "Mass download by a single user",
            ],
            &[
                "Suspicious PowerShell download cradle",
                "Command and control beacon to a known Cobalt Strike server",
                "Cobalt Strike beacon in memory",
                "Volume shadow copies deleted",
            ],
            &[
                "Multiple MFA requests denied, then approved",
                "Suspicious inbox forwarding rule",
            ],
        ];
        for chain in chains {
            let numbers: BTreeSet<u64> = chain
                .iter()
                .map(|title| incident_holding(&demo, title).number)
                .collect();
            assert_eq!(numbers.len(), 1, "{chain:?} spread over {numbers:?}");
            let incident = incident_holding(&demo, chain[0]);
            assert_eq!(incident.severity, Severity::High);
            assert!(incident.owner.is_some());
        }
        // Some attack steps opened incidents of their own that were then merged in.
        assert!(
            demo.incidents()
                .any(|incident| incident.merged_into.is_some())
        );
    }

    #[test]
    fn analysts_have_worked_it_closing_under_every_classification() {
        let demo = demo();
        let classifications: BTreeSet<Classification> = demo
            .incidents()
            .filter_map(|incident| incident.closing.as_ref())
            .map(|closing| closing.classification())
            .collect();
        assert_eq!(classifications.len(), 4, "{classifications:?}");
        let choices: BTreeSet<&str> = demo
            .incidents()
            .filter_map(|incident| incident.closing.as_ref())
            .filter_map(|closing| closing.reason())
            .map(|reason| reason.as_str())
            .collect();
        assert_eq!(choices.len(), 4, "{choices:?}");
        assert!(demo.incidents().any(|i| i.status == IncidentStatus::Active));
        assert!(demo.incidents().any(|i| i.status == IncidentStatus::New));
        assert!(demo.incidents().any(|i| !i.comments.is_empty()));
    }

    #[test]
    fn incidents_open_as_their_first_alerts_arrive_and_their_logs_read_in_time_order() {
        let demo = demo();
        let days: BTreeSet<i64> = demo
            .incidents()
            .map(|incident| incident.created.timestamp().div_euclid(86_400))
            .collect();
        assert!(days.len() >= 28, "created on {} days only", days.len());
        for incident in demo.incidents() {
            let first = incident.first_activity.expect("opened for alerts");
            let waited = incident.created - first;
            assert!(
                waited >= Duration::zero() && waited <= Duration::minutes(20),
                "#{} created {waited} after its first alert",
                incident.number
            );
            let times: Vec<DateTime<Utc>> =
                incident.activity.iter().map(|entry| entry.at).collect();
            assert!(
                times.is_sorted(),
                "#{} logs out of time order: {times:?}",
                incident.number
            );
        }
    }
}
