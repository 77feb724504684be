//! The pure core: the incident model and its rules. No browser, no clock, no randomness (the
//! synthetic feed draws from a generator seeded by its caller): times and ids come in as
//! arguments, so everything here is deterministic and tested natively. A crate of its own for
//! two reasons: it depends on no browser crate, so no change can make it reach the browser; and
//! the browser build can optimise it for speed while the app around it is optimised for size.
#![warn(missing_docs)]
// Refused everywhere but in one prefetch hint (`correlation::prefetch`), which says why it is
// sound.
#![deny(unsafe_code)]

pub mod alert;
pub mod closing;
pub mod correlation;
pub mod draft;
pub mod entity;
pub mod incident;
mod number_table;
pub mod overview;
pub mod people;
pub mod queue_filter;
pub mod queue_index;
pub mod queue_row;
pub mod synthetic;
pub mod team;
pub mod text;
pub mod validation;
pub mod vocabulary;
pub mod workspace;
