//! Indexes.

use super::expr::SqlExpr;
use super::hint::RenamedFrom;
use super::names::Origin;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum IndexMethod {
    #[default]
    BTree,
    Hash,
    Gin,
    Gist,
    Brin,
    SpGist,
}

impl IndexMethod {
    pub fn sql(self) -> &'static str {
        match self {
            IndexMethod::BTree => "btree",
            IndexMethod::Hash => "hash",
            IndexMethod::Gin => "gin",
            IndexMethod::Gist => "gist",
            IndexMethod::Brin => "brin",
            IndexMethod::SpGist => "spgist",
        }
    }
}

/// What one key of an index is built on.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum IndexTarget {
    Column(String),
    Expr(SqlExpr),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SortOrder {
    Asc,
    Desc,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NullsOrder {
    First,
    Last,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct IndexKey {
    pub target: IndexTarget,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opclass: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<SortOrder>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nulls: Option<NullsOrder>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    /// Empty until the table names it `<table>_<columns>_idx` (unless named explicitly).
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keys: Vec<IndexKey>,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub unique: bool,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub nulls_not_distinct: bool,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub method: IndexMethod,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<String>,
    /// Partial index predicate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predicate: Option<SqlExpr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(skip)]
    pub renamed_from: RenamedFrom,
    #[serde(skip)]
    pub origin: Origin,
}

impl Index {
    /// The name of an unnamed index on `relation`: `<relation>_<columns>_idx`, an expression
    /// key counting as `expr`.
    pub(crate) fn default_name(&self, relation: &str) -> String {
        let parts: Vec<&str> = self
            .keys
            .iter()
            .map(|k| match &k.target {
                IndexTarget::Column(c) => c.as_str(),
                IndexTarget::Expr(_) => "expr",
            })
            .collect();
        format!("{relation}_{}_idx", parts.join("_"))
    }

    /// A btree index on these columns.
    #[track_caller]
    pub fn on<'a>(columns: impl IntoIterator<Item = &'a str>) -> Self {
        Self {
            name: String::new(),
            keys: columns
                .into_iter()
                .map(|c| IndexKey {
                    target: IndexTarget::Column(c.to_owned()),
                    opclass: None,
                    order: None,
                    nulls: None,
                })
                .collect(),
            unique: false,
            nulls_not_distinct: false,
            method: IndexMethod::BTree,
            include: Vec::new(),
            predicate: None,
            comment: None,
            renamed_from: RenamedFrom::default(),
            origin: Origin::here(),
        }
    }

    /// A named btree index on these columns.
    #[track_caller]
    pub fn named<'a>(name: &str, columns: impl IntoIterator<Item = &'a str>) -> Self {
        let mut index = Self::on(columns);
        index.name = name.to_owned();
        index
    }

    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Adds a key on an expression (`"lower(email)"`).
    pub fn expr(mut self, expr: impl Into<SqlExpr>) -> Self {
        self.keys.push(IndexKey {
            target: IndexTarget::Expr(expr.into()),
            opclass: None,
            order: None,
            nulls: None,
        });
        self
    }

    /// Adds a key on a column after the ones given to `on`/`named` (after an expression
    /// key, or to give each key its own order or operator class).
    pub fn column(mut self, column: &str) -> Self {
        self.keys.push(IndexKey {
            target: IndexTarget::Column(column.to_owned()),
            opclass: None,
            order: None,
            nulls: None,
        });
        self
    }

    pub fn unique(mut self) -> Self {
        self.unique = true;
        self
    }

    pub fn nulls_not_distinct(mut self) -> Self {
        self.nulls_not_distinct = true;
        self
    }

    pub fn using(mut self, method: IndexMethod) -> Self {
        self.method = method;
        self
    }

    /// Sorts the last key descending.
    pub fn desc(mut self) -> Self {
        if let Some(k) = self.keys.last_mut() {
            k.order = Some(SortOrder::Desc);
        }
        self
    }

    /// Puts NULLs of the last key first or last.
    pub fn nulls(mut self, nulls: NullsOrder) -> Self {
        if let Some(k) = self.keys.last_mut() {
            k.nulls = Some(nulls);
        }
        self
    }

    /// Sets the operator class of the last key (`gin_trgm_ops`, `jsonb_path_ops`).
    pub fn opclass(mut self, opclass: &str) -> Self {
        if let Some(k) = self.keys.last_mut() {
            k.opclass = Some(opclass.to_owned());
        }
        self
    }

    pub fn include<'a>(mut self, columns: impl IntoIterator<Item = &'a str>) -> Self {
        self.include.extend(columns.into_iter().map(str::to_owned));
        self
    }

    /// `COMMENT ON INDEX`.
    pub fn comment(mut self, text: impl Into<String>) -> Self {
        self.comment = super::comment_text(text.into());
        self
    }

    /// The index was called `old` before: the next migration renames it (`ALTER INDEX ..
    /// RENAME`) instead of building it again.
    pub fn renamed_from(mut self, old: &str) -> Self {
        self.renamed_from = RenamedFrom::new(old);
        self
    }

    /// Makes it a partial index: `WHERE predicate`.
    pub fn filter(mut self, predicate: impl Into<SqlExpr>) -> Self {
        self.predicate = Some(predicate.into());
        self
    }
}
