//! Table constraints: primary key, unique, check, foreign key.

use super::expr::SqlExpr;
use super::hint::RenamedFrom;
use super::names::{Origin, QName, TableRef};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrimaryKey {
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(skip)]
    pub renamed_from: RenamedFrom,
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(skip)]
    pub renamed_from: RenamedFrom,
    #[serde(skip)]
    pub origin: Origin,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    pub name: String,
    pub expr: SqlExpr,

    /// Created `NOT VALID`: existing rows are not checked (new ones are). Removing the
    /// mark later validates it (`ALTER TABLE .. VALIDATE CONSTRAINT`).
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub not_valid: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(skip)]
    pub renamed_from: RenamedFrom,
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
    /// `MATCH FULL`: a composite key is either all NULL or all checked.
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub match_full: bool,
    /// `ON DELETE SET NULL (cols)` / `SET DEFAULT (cols)`: only these columns are reset.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub on_delete_columns: Vec<String>,
    /// Created `NOT VALID`: existing rows are not checked (new ones are). Removing the
    /// mark later validates it (`ALTER TABLE .. VALIDATE CONSTRAINT`).
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub not_valid: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(skip)]
    pub renamed_from: RenamedFrom,
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
            match_full: false,
            on_delete_columns: Vec::new(),
            not_valid: false,
            comment: None,
            renamed_from: RenamedFrom::default(),
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

    /// `MATCH FULL`: in a composite key, either every column is NULL or the row must exist.
    pub fn match_full(mut self) -> Self {
        self.match_full = true;
        self
    }

    /// `ON DELETE SET NULL (cols)`: a delete of the referenced row resets only these
    /// columns of the key (PostgreSQL 15), e.g. the owner but not the tenant.
    pub fn on_delete_set_null<'a>(mut self, columns: impl IntoIterator<Item = &'a str>) -> Self {
        self.on_delete = FkAction::SetNull;
        self.on_delete_columns = columns.into_iter().map(str::to_owned).collect();
        self
    }

    /// `ON DELETE SET DEFAULT (cols)` (PostgreSQL 15).
    pub fn on_delete_set_default<'a>(mut self, columns: impl IntoIterator<Item = &'a str>) -> Self {
        self.on_delete = FkAction::SetDefault;
        self.on_delete_columns = columns.into_iter().map(str::to_owned).collect();
        self
    }

    /// Created `NOT VALID`: rows already there are not checked. Remove the mark once they
    /// are fixed: the next migration validates the constraint.
    pub fn not_valid(mut self) -> Self {
        self.not_valid = true;
        self
    }

    pub fn comment(mut self, text: impl Into<String>) -> Self {
        self.comment = super::comment_text(text.into());
        self
    }

    /// The constraint was called `old` before: the next migration renames it.
    pub fn renamed_from(mut self, old: &str) -> Self {
        self.renamed_from = RenamedFrom::new(old);
        self
    }
}
