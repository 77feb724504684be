//! Controls more than one page uses, each in its own file with its props documented.

mod analyst_fields;
mod closing_dialog;
mod closing_fields;
mod column_heads;
mod confirm_dialog;
mod enum_select;
mod field_error;
mod modal_dialog;
mod owner_suggestions;
mod tag_editor;

pub use analyst_fields::AnalystFields;
pub use closing_dialog::ClosingDialog;
pub use closing_fields::ClosingFields;
pub use column_heads::ColumnHeads;
pub use confirm_dialog::ConfirmDialog;
pub use enum_select::EnumSelect;
pub use field_error::{FieldErrorText, error_for};
pub use modal_dialog::{DialogRole, ModalDialog};
pub use owner_suggestions::OwnerSuggestions;
pub use tag_editor::TagEditor;
