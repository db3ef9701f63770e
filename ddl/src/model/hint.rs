//! Hints: what a declaration says about one change (a rename) rather than about the
//! state. They are part of the model, but not of what is compared nor of the snapshot, so
//! a hint left in the code after its migration was generated changes nothing.

use std::hash::{Hash, Hasher};

/// A value every comparison ignores: two objects that differ only in a hint are the same
/// declaration.
#[derive(Clone, Debug, Default)]
pub struct Hint<T>(pub T);

impl<T> PartialEq for Hint<T> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl<T> Eq for Hint<T> {}

impl<T> Hash for Hint<T> {
    fn hash<H: Hasher>(&self, _: &mut H) {}
}

/// The name an object had before: `.renamed_from("old")` on its builder. The next
/// migration renames it (`ALTER ... RENAME`, data kept) instead of dropping the old object
/// and creating the new one.
pub type RenamedFrom = Hint<Option<String>>;

impl RenamedFrom {
    /// The hinted previous name, if any.
    pub fn old(&self) -> Option<&str> {
        self.0.as_deref()
    }

    pub(crate) fn new(old: &str) -> Self {
        Hint(Some(old.to_owned()))
    }
}
