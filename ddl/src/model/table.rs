//! Tables and what belongs to them.

use super::column::{Column, InlineConstraint, check_from};
use super::constraint::{Check, ForeignKey, PrimaryKey, Unique};
use super::exclusion::Exclusion;
use super::expr::{Literal, SqlExpr};
use super::hint::RenamedFrom;
use super::index::Index;
use super::names::{Origin, QName, TableRef};
use super::policy::Policy;
use super::trigger::Trigger;
use serde::{Deserialize, Serialize};

/// Row-level security switches.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rls {
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub enabled: bool,
    /// `FORCE ROW LEVEL SECURITY`: the policies bind the table owner too.
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub forced: bool,
}

/// Reference data: rows the migration inserts, identified by the primary key.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rows {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<Vec<Literal>>,
    #[serde(skip)]
    pub origin: Origin,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    pub name: QName,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<Column>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_key: Option<PrimaryKey>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uniques: Vec<Unique>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Check>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub foreign_keys: Vec<ForeignKey>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<Index>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub triggers: Vec<Trigger>,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub rls: Rls,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<Policy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<Rows>,
    /// `PARTITION BY ..`: the table is partitioned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition_by: Option<super::partition::PartitionBy>,
    /// `PARTITION OF parent FOR VALUES ..`: the table is a partition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition_of: Option<super::partition::PartitionOf>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclusions: Vec<Exclusion>,
    /// The table's previous name in the same schema (see [`Table::renamed_from`]).
    #[serde(skip)]
    pub renamed_from: RenamedFrom,
    #[serde(skip)]
    pub origin: Origin,
}

impl Table {
    #[track_caller]
    pub fn new(name: TableRef) -> Self {
        Self {
            name: name.qname(),
            columns: Vec::new(),
            primary_key: None,
            uniques: Vec::new(),
            checks: Vec::new(),
            foreign_keys: Vec::new(),
            indexes: Vec::new(),
            triggers: Vec::new(),
            rls: Rls::default(),
            policies: Vec::new(),
            comment: None,
            rows: None,
            partition_by: None,
            partition_of: None,
            exclusions: Vec::new(),
            renamed_from: RenamedFrom::default(),
            origin: Origin::here(),
        }
    }

    /// Adds a column; its column-level constraints become table constraints named as
    /// PostgreSQL would name them.
    pub fn column(mut self, mut column: Column) -> Self {
        let origin = column.origin;
        for c in column.take_inline() {
            match c {
                InlineConstraint::PrimaryKey(name) => {
                    self.primary_key = Some(PrimaryKey {
                        name: name.unwrap_or_else(|| format!("{}_pkey", self.name.name)),
                        columns: vec![column.name.clone()],
                        comment: None,
                        renamed_from: RenamedFrom::default(),
                        origin,
                    });
                }
                InlineConstraint::Unique(name) => self.uniques.push(Unique {
                    name: name.unwrap_or_else(|| format!("{}_{}_key", self.name.name, column.name)),
                    columns: vec![column.name.clone()],
                    nulls_not_distinct: false,
                    comment: None,
                    renamed_from: RenamedFrom::default(),
                    origin,
                }),
                InlineConstraint::Check(expr) => self.checks.push(check_from(
                    format!("{}_{}_check", self.name.name, column.name),
                    expr,
                    origin,
                )),
                InlineConstraint::References(fk) => self = self.foreign_key(*fk),
            }
        }
        self.columns.push(column);
        self
    }

    pub fn columns(self, columns: impl IntoIterator<Item = Column>) -> Self {
        columns.into_iter().fold(self, Table::column)
    }

    /// A (possibly composite) primary key named `<table>_pkey`.
    #[track_caller]
    pub fn primary_key<'a>(mut self, columns: impl IntoIterator<Item = &'a str>) -> Self {
        self.primary_key = Some(PrimaryKey {
            name: format!("{}_pkey", self.name.name),
            columns: columns.into_iter().map(str::to_owned).collect(),
            comment: None,
            renamed_from: RenamedFrom::default(),
            origin: Origin::here(),
        });
        self
    }

    /// A (possibly composite) primary key with a constraint name of its own: for a table
    /// whose `<table>_pkey` would be longer than 63 bytes, or to keep an existing name.
    #[track_caller]
    pub fn primary_key_named<'a>(
        mut self,
        name: &str,
        columns: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        self.primary_key = Some(PrimaryKey {
            name: name.to_owned(),
            columns: columns.into_iter().map(str::to_owned).collect(),
            comment: None,
            renamed_from: RenamedFrom::default(),
            origin: Origin::here(),
        });
        self
    }

    /// A UNIQUE constraint named `<table>_<columns>_key`.
    #[track_caller]
    pub fn unique<'a>(self, columns: impl IntoIterator<Item = &'a str>) -> Self {
        let columns: Vec<String> = columns.into_iter().map(str::to_owned).collect();
        let name = format!("{}_{}_key", self.name.name, columns.join("_"));
        self.unique_constraint(name, columns, false)
    }

    /// A named UNIQUE constraint.
    #[track_caller]
    pub fn unique_named<'a>(self, name: &str, columns: impl IntoIterator<Item = &'a str>) -> Self {
        let columns = columns.into_iter().map(str::to_owned).collect();
        self.unique_constraint(name.to_owned(), columns, false)
    }

    /// A named UNIQUE constraint that treats NULLs as equal (`NULLS NOT DISTINCT`).
    #[track_caller]
    pub fn unique_nulls_not_distinct<'a>(
        self,
        name: &str,
        columns: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        let columns = columns.into_iter().map(str::to_owned).collect();
        self.unique_constraint(name.to_owned(), columns, true)
    }

    #[track_caller]
    fn unique_constraint(mut self, name: String, columns: Vec<String>, nnd: bool) -> Self {
        self.uniques.push(Unique {
            name,
            columns,
            nulls_not_distinct: nnd,
            comment: None,
            renamed_from: RenamedFrom::default(),
            origin: Origin::here(),
        });
        self
    }

    /// A named table-level CHECK constraint.
    #[track_caller]
    pub fn check(mut self, name: &str, expr: impl Into<SqlExpr>) -> Self {
        self.checks
            .push(check_from(name.to_owned(), expr.into(), Origin::here()));
        self
    }

    /// A foreign key; unnamed ones are named `<table>_<columns>_fkey`.
    pub fn foreign_key(mut self, mut fk: ForeignKey) -> Self {
        if fk.name.is_empty() {
            fk.name = format!("{}_{}_fkey", self.name.name, fk.columns.join("_"));
        }
        self.foreign_keys.push(fk);
        self
    }

    /// An index; unnamed ones are named `<table>_<columns>_idx`.
    pub fn index(mut self, mut index: Index) -> Self {
        if index.name.is_empty() {
            index.name = index.default_name(&self.name.name);
        }
        self.indexes.push(index);
        self
    }

    /// An exclusion constraint: `Exclusion::gist("no_overlap").with("room", "=")`.
    pub fn exclude(mut self, exclusion: Exclusion) -> Self {
        self.exclusions.push(exclusion);
        self
    }

    pub fn trigger(mut self, trigger: Trigger) -> Self {
        self.triggers.push(trigger);
        self
    }

    pub fn enable_rls(mut self) -> Self {
        self.rls.enabled = true;
        self
    }

    /// Enables row-level security and applies it to the table owner too.
    pub fn force_rls(mut self) -> Self {
        self.rls.enabled = true;
        self.rls.forced = true;
        self
    }

    pub fn policy(mut self, policy: Policy) -> Self {
        self.policies.push(policy);
        self
    }

    pub fn comment(mut self, text: impl Into<String>) -> Self {
        self.comment = super::comment_text(text.into());
        self
    }

    /// Reference rows, one `Vec` of values per row in the order of `columns`.
    #[track_caller]
    pub fn rows<'a, R>(mut self, columns: impl IntoIterator<Item = &'a str>, rows: R) -> Self
    where
        R: IntoIterator<Item = Vec<Literal>>,
    {
        self.rows = Some(Rows {
            columns: columns.into_iter().map(str::to_owned).collect(),
            values: rows.into_iter().collect(),
            origin: Origin::here(),
        });
        self
    }

    /// Applies a helper: `Table::new(USERS).with(tenant_scoped)`.
    pub fn with(self, helper: impl FnOnce(Table) -> Table) -> Self {
        helper(self)
    }

    /// The table was called `old` (in the same schema) before: the next migration renames
    /// it (`ALTER TABLE .. RENAME TO`, rows kept).
    pub fn renamed_from(mut self, old: &str) -> Self {
        self.renamed_from = RenamedFrom::new(old);
        self
    }

    pub fn find_column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    pub fn has_column(&self, name: &str) -> bool {
        self.find_column(name).is_some()
    }
}

/// Shorthand for a reference-row value.
pub fn lit(v: impl Into<Literal>) -> Literal {
    v.into()
}
