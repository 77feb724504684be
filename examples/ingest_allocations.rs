//! Counts what ingesting the benchmarks' 100,000-alert feed asks of the allocator: allocations
//! per alert, and the bytes the workspace then holds per alert (its alerts, incidents and
//! index, the report left out). The README quotes both beside the instruction counts of
//! `scripts/profile.sh`; natively the run is bound by memory as much as by instructions, so a
//! change that saves allocations or bytes shows here even when timings drown it in noise.
//!
//! The counting allocator is a few lines over the system one, so this example needs no crate;
//! it is kept apart from `ingest_profile.rs`, whose instruction counts it would disturb.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::Duration;
use vigil::core::workspace::Workspace;
use vigil::synthetic::{self, AlertFeed};

/// The system allocator, counting allocations (a reallocation counts as one) and live bytes.
struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);
static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed on unchanged to `System`, which upholds the contract; the
// counters only observe.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        LIVE_BYTES.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller's guarantees for `layout` are those `System::alloc` needs.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: `pointer` came from this allocator, that is from `System`, with `layout`.
        unsafe { System.dealloc(pointer, layout) }
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        LIVE_BYTES.fetch_add(new_size, Ordering::Relaxed);
        LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: as for `dealloc`; `new_size` is the caller's, checked by it.
        unsafe { System.realloc(pointer, layout, new_size) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

const ALERTS: usize = 100_000;

fn main() {
    let before = LIVE_BYTES.load(Ordering::Relaxed);
    let alerts = AlertFeed::benchmark(Duration::days(30)).batch(ALERTS, ALERTS);
    let mut workspace = Workspace::default();
    let allocations_before = ALLOCATIONS.load(Ordering::Relaxed);
    let report = synthetic::ingest(&mut workspace, alerts, synthetic::benchmark_now(), 0);
    let allocations = ALLOCATIONS.load(Ordering::Relaxed) - allocations_before;
    drop(report);
    // The feed's records were given up to the workspace, which now holds what they became.
    let held = LIVE_BYTES.load(Ordering::Relaxed) - before;
    println!(
        "{ALERTS} alerts ingested: {:.2} allocations per alert; the workspace holds {} bytes per alert ({} incidents)",
        allocations as f64 / ALERTS as f64,
        held / ALERTS,
        workspace.incidents().count()
    );
}
