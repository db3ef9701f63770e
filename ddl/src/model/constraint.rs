//! Table constraints: primary key, unique, check, foreign key.

use super::expr::SqlExpr;
use super::names::{Origin, QName, TableRef};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrimaryKey {
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<String>,
    #[serde(skip)]
    pub origin: Origin,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unique {
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<String>,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub nulls_not_distinct: bool,
    #[serde(skip)]
    pub origin: Origin,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    pub name: String,
    pub expr: SqlExpr,
    #[serde(skip)]
    pub origin: Origin,
}

/// What a foreign key does when the referenced row is deleted or updated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FkAction {
    #[default]
    NoAction,
    Restrict,
    Cascade,
    SetNull,
    SetDefault,
}

impl FkAction {
    pub fn sql(self) -> &'static str {
        match self {
            FkAction::NoAction => "NO ACTION",
            FkAction::Restrict => "RESTRICT",
            FkAction::Cascade => "CASCADE",
            FkAction::SetNull => "SET NULL",
            FkAction::SetDefault => "SET DEFAULT",
        }
    }
}

/// Whether a constraint check may wait until commit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Deferrable {
    #[default]
    No,
    InitiallyImmediate,
    InitiallyDeferred,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignKey {
    /// Empty until the table names it `<table>_<columns>_fkey` (unless named explicitly).
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<String>,
    pub ref_table: QName,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ref_columns: Vec<String>,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub on_delete: FkAction,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub on_update: FkAction,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub deferrable: Deferrable,
    /// Added by `ALTER TABLE ... ADD CONSTRAINT` once both tables exist, which is how a
    /// cycle of foreign keys is broken.
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub add_later: bool,
    #[serde(skip)]
    pub origin: Origin,
}

impl ForeignKey {
    #[track_caller]
    pub fn new<'a>(
        columns: impl IntoIterator<Item = &'a str>,
        table: TableRef,
        ref_columns: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        Self {
            name: String::new(),
            columns: columns.into_iter().map(str::to_owned).collect(),
            ref_table: table.qname(),
            ref_columns: ref_columns.into_iter().map(str::to_owned).collect(),
            on_delete: FkAction::NoAction,
            on_update: FkAction::NoAction,
            deferrable: Deferrable::No,
            add_later: false,
            origin: Origin::here(),
        }
    }

    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    pub fn on_delete(mut self, action: FkAction) -> Self {
        self.on_delete = action;
        self
    }

    pub fn on_update(mut self, action: FkAction) -> Self {
        self.on_update = action;
        self
    }

    /// `DEFERRABLE INITIALLY DEFERRED`: checked at commit.
    pub fn deferrable(mut self) -> Self {
        self.deferrable = Deferrable::InitiallyDeferred;
        self
    }

    /// `DEFERRABLE INITIALLY IMMEDIATE`: checked per statement unless a transaction defers it.
    pub fn deferrable_immediate(mut self) -> Self {
        self.deferrable = Deferrable::InitiallyImmediate;
        self
    }

    /// Create the constraint after both tables exist (`ALTER TABLE ... ADD CONSTRAINT`):
    /// the way to break a cycle of foreign keys.
    pub fn add_later(mut self) -> Self {
        self.add_later = true;
        self
    }
}
