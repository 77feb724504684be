//! Importers: the files analysts bring from the systems they already run, read into alerts for
//! the correlation core. Pure: a file's text in, alerts and per-record problems out; the
//! Import page shows the report and nothing is written until the analyst applies it.

pub mod cef;
pub mod log_analytics;

use crate::core::alert::RawAlert;

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

#[cfg(test)]
mod tests;
