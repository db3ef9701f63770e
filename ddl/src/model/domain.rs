//! Domains: a base type with a default, NOT NULL and named CHECKs, usable as a column type.

use super::expr::SqlExpr;
use super::hint::RenamedFrom;
use super::names::{DomainRef, Origin, QName};
use super::types::ColumnType;
use serde::{Deserialize, Serialize};

/// `CREATE DOMAIN name AS base ...`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Domain {
    pub name: QName,
    pub base: ColumnType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<SqlExpr>,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub not_null: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<DomainCheck>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The domain's previous name in the same schema; not compared.
    #[serde(skip)]
    pub renamed_from: RenamedFrom,
    #[serde(skip)]
    pub origin: Origin,
}

/// `CONSTRAINT name CHECK (expr)`, where the expression calls the value `VALUE`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainCheck {
    pub name: String,
    pub expr: SqlExpr,
    #[serde(skip)]
    pub origin: Origin,
}

impl Domain {
    #[track_caller]
    pub fn new(name: DomainRef, base: ColumnType) -> Self {
        Self {
            name: name.qname(),
            base,
            collation: None,
            default: None,
            not_null: false,
            checks: Vec::new(),
            comment: None,
            renamed_from: RenamedFrom::default(),
            origin: Origin::here(),
        }
    }

    pub fn default(mut self, expr: impl Into<SqlExpr>) -> Self {
        self.default = Some(expr.into());
        self
    }

    /// The domain was called `old` (a name in the same schema) before: the next migration
    /// renames it (`ALTER DOMAIN .. RENAME TO`); columns using it keep their values.
    pub fn renamed_from(mut self, old: &str) -> Self {
        self.renamed_from = RenamedFrom::new(old);
        self
    }

    pub fn not_null(mut self) -> Self {
        self.not_null = true;
        self
    }

    /// A named CHECK: `.check("positive", "VALUE > 0")`.
    #[track_caller]
    pub fn check(mut self, name: &str, expr: impl Into<SqlExpr>) -> Self {
        self.checks.push(DomainCheck {
            name: name.to_owned(),
            expr: expr.into(),
            origin: Origin::here(),
        });
        self
    }

    /// `COLLATE "name"` (a collation PostgreSQL knows: `"C"`, `"en_US"`).
    pub fn collation(mut self, name: &str) -> Self {
        self.collation = Some(name.to_owned());
        self
    }

    pub fn comment(mut self, text: impl Into<String>) -> Self {
        self.comment = super::comment_text(text.into());
        self
    }
}

impl From<DomainRef> for ColumnType {
    fn from(d: DomainRef) -> ColumnType {
        ColumnType::Domain(d.qname())
    }
}
