//! The whole declared database.

use super::objects::{EnumType, Extension, Function, Schema};
use super::table::Table;
use serde::{Deserialize, Serialize};

/// Everything a migration creates. Order inside each list does not matter: the planner
/// derives the creation order from dependencies.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Database {
    pub extensions: Vec<Extension>,
    pub schemas: Vec<Schema>,
    pub enums: Vec<EnumType>,
    pub functions: Vec<Function>,
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

    pub fn is_empty(&self) -> bool {
        self.extensions.is_empty()
            && self.schemas.is_empty()
            && self.enums.is_empty()
            && self.functions.is_empty()
            && self.tables.is_empty()
    }
}
