//! Times as pages show them.

use chrono::{DateTime, Utc};

/// A time to the minute, in UTC as Sentinel's queue shows it: `2026-11-20 08:00`.
pub fn to_the_minute(time: DateTime<Utc>) -> String {
    time.format("%Y-%m-%d %H:%M").to_string()
}
