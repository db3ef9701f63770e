//! The raw-SQL object: the escape hatch for what the DSL does not model (event triggers,
//! publications, foreign data wrappers, aggregates, ...). Its text is trusted and never
//! parsed: its dependencies are declared.

use super::names::Origin;
use super::view::Dep;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Raw {
    /// Identifies the object in the graph, the diff and the snapshot (not a SQL name).
    pub name: String,
    /// What creates it: one statement or several, run as written.
    pub up: String,
    /// What removes it again; required, since down must undo up.
    pub down: String,
    /// What must exist before `up` runs (and still exist when `down` runs).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<Dep>,
    /// Declared objects that need this one: created after it, dropped before it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required_by: Vec<Dep>,
    #[serde(skip)]
    pub origin: Origin,
}

impl Raw {
    /// `up` creates the object, `down` removes it. Both are written into migrations as
    /// they are (multiple statements allowed); see docs/dsl.md for what is checked.
    #[track_caller]
    pub fn new(name: &str, up: &str, down: &str) -> Self {
        Self {
            name: name.to_owned(),
            up: up.trim().to_owned(),
            down: down.trim().to_owned(),
            depends_on: Vec::new(),
            required_by: Vec::new(),
            origin: Origin::here(),
        }
    }

    /// An object `up` needs.
    pub fn depends_on(mut self, dep: impl Into<Dep>) -> Self {
        self.depends_on.push(dep.into());
        self
    }

    /// A declared object that needs this one (a table whose trigger a raw event trigger
    /// does not touch, a view over a foreign table, ...).
    pub fn required_by(mut self, dep: impl Into<Dep>) -> Self {
        self.required_by.push(dep.into());
        self
    }
}
