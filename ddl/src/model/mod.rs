//! The model: plain owned data with builders on top.

pub mod column;
pub mod composite;
pub mod constraint;
pub mod conversion;
pub mod database;
pub mod domain;
pub mod exclusion;
pub mod expr;
pub mod function;
pub mod hint;
pub mod index;
pub mod names;
pub mod objects;
pub mod partition;
pub mod policy;
pub mod privilege;
pub mod raw;
pub mod sequence;
pub mod table;
mod table_constraints;
pub mod trigger;
pub mod types;
pub mod view;

/// For `skip_serializing_if`: the snapshot leaves out what equals the default, which keeps
/// it small and readable.
pub(crate) fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

/// PostgreSQL stores an empty comment as no comment (`COMMENT ... IS ''` removes it), so
/// the model does the same and the snapshot agrees with the catalog.
pub(crate) fn comment_text(text: String) -> Option<String> {
    (!text.is_empty()).then_some(text)
}
