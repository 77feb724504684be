//! Vigil: a security incident desk that runs entirely in the browser.
//!
//! `core` (the crate `vigil-core`, with `synthetic`), `importers`, `sentinel`, `store` (its
//! records and files) and `route` are pure Rust, built and tested natively; `ui` is the Leptos
//! front end and exists only in the WebAssembly build. See `ARCHITECTURE.md`.
#![warn(missing_docs)]
#![deny(unsafe_code)]

/// The pure core, from its own crate (`core/`), under the name the rest of Vigil uses.
pub use vigil_core as core;
/// The seeded alert feed of the benchmarks and tests.
pub use vigil_core::synthetic;
pub mod demo;
pub mod importers;
pub mod route;
pub mod sentinel;
pub mod store;
#[cfg(target_arch = "wasm32")]
pub mod ui;
