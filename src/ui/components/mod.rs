//! Controls more than one page uses, each in its own file with its props documented.

mod closing_fields;
mod field_error;
mod tag_editor;

pub use closing_fields::ClosingFields;
pub use field_error::FieldErrorText;
pub use tag_editor::TagEditor;
