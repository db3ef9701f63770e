//! What the import cannot declare. Every such object is listed here, in one place, so it
//! is printed, written as a comment in its module, and makes the import exit 2; when the
//! model gains a kind (or a raw-SQL object), the switch is made here and in
//! [`crate::adopt`].

use serde::Serialize;

/// One object left out of the written declaration: what it is, its name and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Leftover {
    pub kind: String,
    pub name: String,
    pub reason: String,
}

impl Leftover {
    pub fn new(kind: &str, name: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            kind: kind.to_owned(),
            name: name.into(),
            reason: reason.into(),
        }
    }

    /// The schema the object belongs to (the part of its name before the first dot), so
    /// the comment goes into that schema's module.
    pub fn schema(&self) -> Option<&str> {
        self.name.split_once('.').map(|(s, _)| s)
    }

    /// One line of the report: `table public.child: inheriting tables are not in the model`.
    pub fn line(&self) -> String {
        format!("{} {}: {}", self.kind, self.name, self.reason)
    }
}

/// The report as printed: one line per object, sorted, under a heading.
pub fn report(leftovers: &[Leftover]) -> String {
    if leftovers.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "{} object(s) could not be declared and were left out:\n",
        leftovers.len()
    );
    for l in leftovers {
        out.push_str("  ");
        out.push_str(&l.line());
        out.push('\n');
    }
    out
}
