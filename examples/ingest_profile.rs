//! Ingests the benchmarks' 100,000-alert feed into an empty workspace, for a profiler:
//! `scripts/profile.sh` runs it under callgrind, whose instruction counts stay the same from run
//! to run whatever else this 2-core machine is doing, where wall-clock figures move by tens of
//! percent. Prints the best wall-clock time of the runs asked for (default 5).

use std::hint::black_box;
use std::time::Instant;

use chrono::Duration;
use vigil::core::workspace::Workspace;
use vigil::synthetic::{self, AlertFeed};

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .map_or(5, |runs| runs.parse().expect("the number of runs"));
    let alerts = AlertFeed::benchmark(Duration::days(30)).batch(100_000, 100_000);
    let mut best = f64::MAX;
    for _ in 0..runs {
        let batch = alerts.clone();
        let mut workspace = Workspace::default();
        let started = Instant::now();
        black_box(synthetic::ingest(
            &mut workspace,
            batch,
            synthetic::benchmark_now(),
            0,
        ));
        best = best.min(started.elapsed().as_secs_f64());
        // Freed outside the timed part, as in the criterion benchmark.
        drop(black_box(workspace));
    }
    println!(
        "100000 alerts ingested and correlated: best of {runs} runs {:.1} ms",
        best * 1e3
    );
}
