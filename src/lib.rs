//! Vigil: a security incident desk that runs entirely in the browser.
//!
//! `core`, `importers`, `sentinel`, `store` (its records and files), `route` and `synthetic` are pure Rust, built and tested natively; `ui` is the Leptos
//! front end and exists only in the WebAssembly build. See `ARCHITECTURE.md`.
#![warn(missing_docs)]
// Refused everywhere but in one prefetch hint (`core::correlation::prefetch`), which says why it
// is sound.
#![deny(unsafe_code)]

pub mod core;
pub mod demo;
pub mod importers;
pub mod route;
pub mod sentinel;
pub mod store;
pub mod synthetic;
#[cfg(target_arch = "wasm32")]
pub mod ui;
