//! Deterministic synthetic alerts for benchmarks: a fixed seed gives the same feed on every
//! machine and in the browser, so native and Wasm figures measure the same work.

use chrono::{DateTime, Duration, TimeZone, Utc};
use uuid::Uuid;

use crate::alert::{AlertDetails, RawAlert, RawEntity};
use crate::correlation::{IngestContext, IngestReport};
use crate::vocabulary::{Severity, Tactic};
use crate::workspace::Workspace;

/// Ingests a batch as of `now`, numbering new incidents' ids from `first_id`, so that a
/// benchmark or test opens the same incidents, ids included, natively and in Wasm.
pub fn ingest(
    workspace: &mut Workspace,
    alerts: Vec<RawAlert>,
    now: DateTime<Utc>,
    first_id: u128,
) -> IngestReport {
    let mut next = first_id;
    let mut new_id = move || {
        next += 1;
        Uuid::from_u128(next)
    };
    workspace.ingest(
        alerts,
        &mut IngestContext {
            now,
            new_id: &mut new_id,
        },
    )
}

/// Products the feed's alerts come from, with the id prefix each uses.
const PRODUCTS: [(&str, &str); 6] = [
    ("da", "Microsoft Defender for Endpoint"),
    ("aa", "Microsoft Defender for Identity"),
    ("fa", "Microsoft Defender for Office 365"),
    ("ca", "Microsoft Defender for Cloud Apps"),
    ("ad", "Microsoft Entra ID Protection"),
    ("sn", "Palo Alto Networks PAN-OS"),
];

/// Detections, each with the tactic it reports.
const DETECTIONS: [(&str, Tactic); 8] = [
    ("Suspicious PowerShell command line", Tactic::Execution),
    ("Phishing link clicked", Tactic::InitialAccess),
    ("Credential dumping from LSASS", Tactic::CredentialAccess),
    ("Unusual sign-in location", Tactic::InitialAccess),
    ("Remote service creation", Tactic::LateralMovement),
    ("Mass download by a single user", Tactic::Exfiltration),
    (
        "Connection to a known command-and-control server",
        Tactic::CommandAndControl,
    ),
    (
        "Scheduled task created for persistence",
        Tactic::Persistence,
    ),
];

/// A feed of alerts over a time span, each naming one to five entities drawn uniformly from a
/// fixed pool.
pub struct AlertFeed {
    rng: fastrand::Rng,
    pool: Vec<RawEntity>,
    start: DateTime<Utc>,
    span: Duration,
    issued: usize,
}

/// When the benchmark feed ([`AlertFeed::benchmark`]) begins.
pub fn benchmark_start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 10, 1, 0, 0, 0).unwrap()
}

/// When the benchmarks ingest: a day after the longest benchmark feed (the million alerts at one
/// density, over 300 days) ends, so that no alert is refused as being in the future.
pub fn benchmark_now() -> DateTime<Utc> {
    benchmark_start() + Duration::days(301)
}

impl AlertFeed {
    /// The feed the correlation issue benchmarks with (one to five entities per alert from
    /// 20,000 distinct ones, over 30 days in the issue; over `span` here), from
    /// [`benchmark_start`] with a fixed seed: every benchmark and profile, native or Wasm, reads
    /// it, so their figures measure the same alerts.
    pub fn benchmark(span: Duration) -> AlertFeed {
        AlertFeed::new(42, 20_000, benchmark_start(), span)
    }

    /// A feed whose alerts fall between `start` and `start + span`, drawing from `entities`
    /// distinct entities (hosts, accounts, addresses, file hashes and URLs in equal parts).
    pub fn new(seed: u64, entities: usize, start: DateTime<Utc>, span: Duration) -> AlertFeed {
        let pool = (0..entities).map(pool_entity).collect();
        AlertFeed {
            rng: fastrand::Rng::with_seed(seed),
            pool,
            start,
            span,
            issued: 0,
        }
    }

    /// `count` alerts spread evenly in time in the part of the span after the alerts already
    /// issued by earlier calls (as a live feed delivers them), with `total` the feed's length.
    pub fn batch(&mut self, count: usize, total: usize) -> Vec<RawAlert> {
        let step = self.span.num_milliseconds() / total.max(1) as i64;
        (0..count).map(|_| self.alert(step)).collect()
    }

    fn alert(&mut self, step: i64) -> RawAlert {
        let index = self.issued;
        self.issued += 1;
        let (prefix, product) = PRODUCTS[self.rng.usize(..PRODUCTS.len())];
        let (name, tactic) = DETECTIONS[self.rng.usize(..DETECTIONS.len())];
        let jitter = self.rng.i64(0..step.max(1));
        let start = self.start + Duration::milliseconds(index as i64 * step + jitter);
        let entity_count = 1 + self.rng.usize(..5);
        let entities = (0..entity_count)
            .map(|_| {
                let pick = self.rng.usize(..self.pool.len());
                self.pool[pick].clone()
            })
            .collect();
        RawAlert {
            id: format!("{prefix}{index:012}"),
            start: Some(start),
            entities,
            details: Box::new(AlertDetails {
                display_name: name.to_owned(),
                alert_type: name.to_owned(),
                severity: Severity::ALL[self.rng.usize(..Severity::ALL.len())],
                product_name: product.to_owned(),
                tactics: vec![tactic],
                ..AlertDetails::default()
            }),
        }
    }
}

/// The pool's entity number `index`.
fn pool_entity(index: usize) -> RawEntity {
    let serial = index / 5;
    match index % 5 {
        0 => RawEntity::new(
            "host",
            &[
                ("HostName", &format!("host-{serial:05}")),
                ("DnsDomain", "contoso.com"),
            ],
        ),
        1 => RawEntity::new(
            "account",
            &[
                ("Name", &format!("user{serial:05}")),
                ("UPNSuffix", "contoso.com"),
            ],
        ),
        2 => RawEntity::new(
            "ip",
            &[(
                "Address",
                &format!("198.51.{}.{}", (serial / 250) % 250, serial % 250 + 1),
            )],
        ),
        3 => RawEntity::new(
            "filehash",
            &[
                ("Algorithm", "SHA256"),
                ("Value", &format!("{serial:064x}")),
            ],
        ),
        _ => RawEntity::new(
            "url",
            &[(
                "Url",
                &format!("https://files-{serial:05}.example.net/download"),
            )],
        ),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::alert::Alert;

    fn feed() -> AlertFeed {
        AlertFeed::new(7, 20_000, benchmark_start(), Duration::days(30))
    }

    #[test]
    fn the_same_seed_gives_the_same_alerts() {
        assert_eq!(feed().batch(50, 50), feed().batch(50, 50));
    }

    #[test]
    fn alerts_are_valid_in_time_order_with_one_to_five_identified_entities() {
        let now = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
        let alerts = feed().batch(1_000, 1_000);
        let mut last = None;
        for raw in alerts {
            let (alert, warnings) = Alert::check(raw, now).expect("valid");
            assert!(warnings.is_empty(), "{warnings:?}");
            assert!((1..=5).contains(&alert.entities.len()));
            assert!(last.is_none_or(|last| last <= alert.start));
            last = Some(alert.start);
        }
    }
}
