//! The whole declared database.

use super::objects::{EnumType, Extension, Function, Schema};
use super::table::Table;
use serde::{Deserialize, Serialize};

/// Everything a migration creates. Order inside each list does not matter: the planner
/// derives the creation order from dependencies.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Database {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub schemas: Vec<Schema>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub enums: Vec<EnumType>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub functions: Vec<Function>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tables: Vec<Table>,
}

impl Database {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn extension(mut self, e: Extension) -> Self {
        self.extensions.push(e);
        self
    }

    pub fn schema(mut self, s: Schema) -> Self {
        self.schemas.push(s);
        self
    }

    pub fn enum_type(mut self, e: EnumType) -> Self {
        self.enums.push(e);
        self
    }

    pub fn function(mut self, f: Function) -> Self {
        self.functions.push(f);
        self
    }

    pub fn table(mut self, t: Table) -> Self {
        self.tables.push(t);
        self
    }

    pub fn tables(mut self, tables: impl IntoIterator<Item = Table>) -> Self {
        self.tables.extend(tables);
        self
    }

    /// Adds everything another declaration holds (one module per PostgreSQL schema).
    pub fn merge(mut self, other: Database) -> Self {
        self.extensions.extend(other.extensions);
        self.schemas.extend(other.schemas);
        self.enums.extend(other.enums);
        self.functions.extend(other.functions);
        self.tables.extend(other.tables);
        self
    }

    /// The same declaration with every list whose order carries no meaning sorted by name,
    /// so the snapshot (and the `-- snapshot:` line) does not depend on declaration order.
    /// Columns, enum values, index keys and reference rows keep their order.
    pub fn canonical(&self) -> Database {
        let mut db = self.clone();
        db.extensions.sort_by(|a, b| a.name.cmp(&b.name));
        db.schemas.sort_by(|a, b| a.name.cmp(&b.name));
        db.enums.sort_by(|a, b| a.name.cmp(&b.name));
        db.functions.sort_by(|a, b| a.name.cmp(&b.name));
        db.tables.sort_by(|a, b| a.name.cmp(&b.name));
        for t in &mut db.tables {
            t.uniques.sort_by(|a, b| a.name.cmp(&b.name));
            t.checks.sort_by(|a, b| a.name.cmp(&b.name));
            t.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
            t.indexes.sort_by(|a, b| a.name.cmp(&b.name));
            t.triggers.sort_by(|a, b| a.name.cmp(&b.name));
            t.policies.sort_by(|a, b| a.name.cmp(&b.name));
        }
        db
    }

    pub fn is_empty(&self) -> bool {
        self.extensions.is_empty()
            && self.schemas.is_empty()
            && self.enums.is_empty()
            && self.functions.is_empty()
            && self.tables.is_empty()
    }
}
