//! Views and materialized views, and what belongs to them (indexes of a materialized
//! view, INSTEAD OF triggers of a view).

use super::hint::RenamedFrom;
use super::index::Index;
use super::names::{FunctionRef, Origin, Provider, QName, TableRef, TypeRef, ViewRef};
use super::trigger::Trigger;
use super::types::ColumnType;
use serde::{Deserialize, Serialize};

/// `WITH [LOCAL | CASCADED] CHECK OPTION`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckOption {
    Local,
    Cascaded,
}

impl CheckOption {
    pub fn sql(self) -> &'static str {
        match self {
            CheckOption::Local => "local",
            CheckOption::Cascaded => "cascaded",
        }
    }
}

/// Something a view or a raw object needs that scanning its SQL cannot see (or, for a raw
/// object, anything at all: its text is never scanned).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dep {
    Schema(String),
    Extension(String),
    Type(QName),
    Function(QName),
    Table(QName),
    View(QName),
    Raw(String),
}

impl Dep {
    /// A raw object, by the name given to `Raw::new`.
    pub fn raw(name: &str) -> Dep {
        Dep::Raw(name.to_owned())
    }

    pub fn schema(name: &str) -> Dep {
        Dep::Schema(name.to_owned())
    }

    pub fn extension(name: &str) -> Dep {
        Dep::Extension(name.to_owned())
    }
}

impl std::fmt::Display for Dep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Dep::Schema(s) => write!(f, "schema {s}"),
            Dep::Extension(e) => write!(f, "extension {e}"),
            Dep::Type(q) => write!(f, "type {q}"),
            Dep::Function(q) => write!(f, "function {q}"),
            Dep::Table(q) => write!(f, "table {q}"),
            Dep::View(q) => write!(f, "view {q}"),
            Dep::Raw(r) => write!(f, "raw object {r}"),
        }
    }
}

impl From<TableRef> for Dep {
    fn from(t: TableRef) -> Dep {
        Dep::Table(t.qname())
    }
}

impl From<ViewRef> for Dep {
    fn from(v: ViewRef) -> Dep {
        Dep::View(v.qname())
    }
}

impl From<TypeRef> for Dep {
    fn from(t: TypeRef) -> Dep {
        Dep::Type(t.qname())
    }
}

impl From<FunctionRef> for Dep {
    fn from(f: FunctionRef) -> Dep {
        match f.provider {
            Provider::Extension(e) => Dep::Extension(e.to_owned()),
            Provider::Declared | Provider::Builtin => Dep::Function(f.qname()),
        }
    }
}

/// A comment on one column of a view.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnComment {
    pub column: String,
    pub comment: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct View {
    pub name: QName,
    /// The `SELECT` (or `VALUES`, `WITH ...`) as written, without a trailing `;`.
    pub query: String,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub materialized: bool,
    /// The optional column list (`CREATE VIEW v (a, b) AS ...`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<String>,
    /// The types of `columns`, when declared with `.typed_columns(..)`: what the entity
    /// of the view is made of, and what tells a replaceable query from one that retypes a
    /// column.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub types: Vec<ColumnType>,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub security_barrier: bool,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub security_invoker: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_option: Option<CheckOption>,
    /// A materialized view created `WITH NO DATA` (unpopulated until refreshed).
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub with_no_data: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub column_comments: Vec<ColumnComment>,
    /// Indexes of a materialized view.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<Index>,
    /// Triggers of a view (INSTEAD OF).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub triggers: Vec<Trigger>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<Dep>,
    /// The view's previous name in the same schema (see [`View::renamed_from`]); not
    /// compared.
    #[serde(skip)]
    pub renamed_from: RenamedFrom,
    #[serde(skip)]
    pub origin: Origin,
}

impl View {
    /// `CREATE VIEW name AS query`.
    #[track_caller]
    pub fn new(name: ViewRef, query: &str) -> Self {
        Self {
            name: name.qname(),
            query: trim_query(query),
            materialized: false,
            columns: Vec::new(),
            types: Vec::new(),
            security_barrier: false,
            security_invoker: false,
            check_option: None,
            with_no_data: false,
            comment: None,
            column_comments: Vec::new(),
            indexes: Vec::new(),
            triggers: Vec::new(),
            depends_on: Vec::new(),
            renamed_from: RenamedFrom::default(),
            origin: Origin::here(),
        }
    }

    /// `CREATE MATERIALIZED VIEW name AS query` (populated unless `.with_no_data()`).
    #[track_caller]
    pub fn materialized(name: ViewRef, query: &str) -> Self {
        let mut v = Self::new(name, query);
        v.materialized = true;
        v
    }

    /// The column list: names the query's output columns, in order.
    pub fn columns<'a>(mut self, columns: impl IntoIterator<Item = &'a str>) -> Self {
        self.columns = columns.into_iter().map(str::to_owned).collect();
        self
    }

    /// The column list with the type of each column (as the query produces it: PostgreSQL
    /// checks nothing here, the catalog test and `CREATE OR REPLACE` do).
    pub fn typed_columns<'a>(
        mut self,
        columns: impl IntoIterator<Item = (&'a str, ColumnType)>,
    ) -> Self {
        let (names, types): (Vec<String>, Vec<ColumnType>) =
            columns.into_iter().map(|(n, t)| (n.to_owned(), t)).unzip();
        self.columns = names;
        self.types = types;
        self
    }

    pub fn security_barrier(mut self) -> Self {
        self.security_barrier = true;
        self
    }

    pub fn security_invoker(mut self) -> Self {
        self.security_invoker = true;
        self
    }

    pub fn check_option(mut self, option: CheckOption) -> Self {
        self.check_option = Some(option);
        self
    }

    /// The view was called `old` (a name in the same schema) before: the next migration
    /// renames it (`ALTER [MATERIALIZED] VIEW .. RENAME TO`, a materialized view keeps its
    /// rows). Views naming it in their query are declared with the new name; PostgreSQL
    /// keeps them working through the rename.
    pub fn renamed_from(mut self, old: &str) -> Self {
        self.renamed_from = RenamedFrom::new(old);
        self
    }

    pub fn with_no_data(mut self) -> Self {
        self.with_no_data = true;
        self
    }

    pub fn comment(mut self, text: &str) -> Self {
        self.comment = crate::model::comment_text(text.to_owned());
        self
    }

    pub fn column_comment(mut self, column: &str, text: &str) -> Self {
        self.column_comments.retain(|c| c.column != column);
        if !text.is_empty() {
            self.column_comments.push(ColumnComment {
                column: column.to_owned(),
                comment: text.to_owned(),
            });
        }
        self
    }

    /// An index of a materialized view; unnamed ones are named `<view>_<columns>_idx`. A
    /// unique index allows `REFRESH MATERIALIZED VIEW CONCURRENTLY`.
    pub fn index(mut self, mut index: Index) -> Self {
        if index.name.is_empty() {
            index.name = index.default_name(&self.name.name);
        }
        self.indexes.push(index);
        self
    }

    /// A trigger of the view: INSTEAD OF ... FOR EACH ROW makes it writable.
    pub fn trigger(mut self, trigger: Trigger) -> Self {
        self.triggers.push(trigger);
        self
    }

    /// Something the query needs that scanning cannot see (an unqualified name, a name in
    /// dynamic SQL, a raw object).
    pub fn depends_on(mut self, dep: impl Into<Dep>) -> Self {
        self.depends_on.push(dep.into());
        self
    }

    pub fn kind(&self) -> &'static str {
        if self.materialized {
            "materialized view"
        } else {
            "view"
        }
    }

    /// `VIEW` or `MATERIALIZED VIEW`, as statements say it.
    pub fn keyword(&self) -> &'static str {
        if self.materialized {
            "MATERIALIZED VIEW"
        } else {
            "VIEW"
        }
    }
}

impl Trigger {
    /// `INSTEAD OF` trigger, for a view (add events with `.on_insert()` and friends).
    #[track_caller]
    pub fn instead_of(name: &str, function: FunctionRef) -> Self {
        Self::new(name, super::trigger::Timing::InsteadOf, function)
    }
}

/// The query without surrounding blank space or a trailing `;`, so the statement ends
/// where the writer ends it.
fn trim_query(query: &str) -> String {
    query.trim().trim_end_matches(';').trim_end().to_owned()
}
