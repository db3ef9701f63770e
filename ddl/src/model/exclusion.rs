//! Exclusion constraints: no two rows may match on every element with its operator
//! (`EXCLUDE USING gist (room WITH =, during WITH &&)`).

use super::constraint::Deferrable;
use super::expr::SqlExpr;
use super::hint::RenamedFrom;
use super::index::{IndexMethod, IndexTarget};
use super::names::Origin;
use serde::{Deserialize, Serialize};

/// One element: a column or an expression, compared with an operator.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ExclusionElement {
    pub target: IndexTarget,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opclass: Option<String>,
    /// The operator (`=`, `&&`), commutative as PostgreSQL requires.
    pub operator: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exclusion {
    pub name: String,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub method: IndexMethod,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub elements: Vec<ExclusionElement>,
    /// Only rows matching the predicate take part (`WHERE (..)`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predicate: Option<SqlExpr>,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub deferrable: Deferrable,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(skip)]
    pub renamed_from: RenamedFrom,
    #[serde(skip)]
    pub origin: Origin,
}

impl Exclusion {
    /// An exclusion constraint using `gist` (the usual method: ranges, geometry).
    #[track_caller]
    pub fn gist(name: &str) -> Self {
        Self::using(name, IndexMethod::Gist)
    }

    #[track_caller]
    pub fn using(name: &str, method: IndexMethod) -> Self {
        Self {
            name: name.to_owned(),
            method,
            elements: Vec::new(),
            predicate: None,
            deferrable: Deferrable::No,
            comment: None,
            renamed_from: RenamedFrom::default(),
            origin: Origin::here(),
        }
    }

    /// `column WITH operator`.
    pub fn with(mut self, column: &str, operator: &str) -> Self {
        self.elements.push(ExclusionElement {
            target: IndexTarget::Column(column.to_owned()),
            opclass: None,
            operator: operator.to_owned(),
        });
        self
    }

    /// `(expression) WITH operator`.
    pub fn with_expr(mut self, expr: impl Into<SqlExpr>, operator: &str) -> Self {
        self.elements.push(ExclusionElement {
            target: IndexTarget::Expr(expr.into()),
            opclass: None,
            operator: operator.to_owned(),
        });
        self
    }

    /// The operator class of the last element.
    pub fn opclass(mut self, opclass: &str) -> Self {
        if let Some(e) = self.elements.last_mut() {
            e.opclass = Some(opclass.to_owned());
        }
        self
    }

    /// Only rows matching the predicate are compared: `WHERE (predicate)`.
    pub fn filter(mut self, predicate: impl Into<SqlExpr>) -> Self {
        self.predicate = Some(predicate.into());
        self
    }

    /// `DEFERRABLE INITIALLY DEFERRED`: checked at commit.
    pub fn deferrable(mut self) -> Self {
        self.deferrable = Deferrable::InitiallyDeferred;
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
