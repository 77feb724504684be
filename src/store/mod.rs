//! Storage: versioned records (`records`), a workspace as records (`snapshot`), the
//! whole-workspace file (`workspace_file`), all pure; and the IndexedDB adapter (`idb`)
//! with its record chunks (`record_chunks`) and its localStorage fallback (`local`), wasm
//! only: the only code that touches browser storage.

pub mod catalog;
#[cfg(target_arch = "wasm32")]
pub mod idb;
#[cfg(target_arch = "wasm32")]
pub mod local;
#[cfg(target_arch = "wasm32")]
mod record_chunks;
pub mod records;
pub mod snapshot;
#[cfg(target_arch = "wasm32")]
pub mod tabs;
pub mod workspace_file;
#[cfg(target_arch = "wasm32")]
pub mod workspace_store;

#[cfg(test)]
mod tests;
