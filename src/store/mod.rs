//! Storage: versioned records of a workspace (`records`) and the whole-workspace file
//! (`workspace_file`). The browser adapters (IndexedDB, localStorage) build on these and are
//! the only code that touches browser storage.

pub mod records;
pub mod snapshot;
pub mod workspace_file;

#[cfg(test)]
mod tests;
