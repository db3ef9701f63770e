//! Statements as a careful person would write them for review: upper-case keywords, one
//! column or constraint per line, four-space indent, identifiers quoted only when needed.

mod aggregate;
mod composite;
mod constraint;
mod domain;
mod function;
mod index;
mod lock;
mod objects;
mod partition;
mod policy;
mod privilege;
mod rows;
mod sequence;
mod table;
mod trigger;
mod view;

pub use aggregate::*;
pub use composite::*;
pub use constraint::*;
pub use domain::*;
pub use function::*;
pub use index::*;
pub use lock::*;
pub use objects::*;
pub use partition::*;
pub use policy::*;
pub use privilege::*;
pub use rows::*;
pub use sequence::*;
pub use table::*;
pub use trigger::*;
pub use view::*;

use super::ident::qname;
use crate::model::expr::quote_literal;
use crate::model::types::ColumnType;

/// One statement of a migration file, introduced by a `-- kind: name` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stmt {
    pub kind: &'static str,
    pub name: String,
    pub sql: String,
    /// Marks a step that loses data; shown in the file and gated by codegen.
    pub destructive: bool,
    /// The table lock the statement takes, if it touches a table.
    pub lock: Option<Lock>,
}

impl Stmt {
    pub fn new(kind: &'static str, name: impl Into<String>, sql: String) -> Self {
        Self {
            kind,
            name: name.into(),
            sql,
            destructive: false,
            lock: None,
        }
    }

    pub fn destructive(mut self) -> Self {
        self.destructive = true;
        self
    }

    /// The lock this statement takes on `tables`.
    pub fn locks(mut self, mode: LockMode, tables: &[&crate::model::names::QName]) -> Self {
        self.lock = Some(Lock {
            mode,
            tables: tables.iter().map(|q| (*q).clone()).collect(),
            rewrite: false,
            scan: false,
        });
        self
    }

    /// The statement rewrites the table it locks.
    pub fn rewrites(mut self, yes: bool) -> Self {
        if let Some(l) = &mut self.lock {
            l.rewrite = yes;
        }
        self
    }

    /// The statement reads every row of the table it locks.
    pub fn scans(mut self, yes: bool) -> Self {
        if let Some(l) = &mut self.lock {
            l.scan = yes;
        }
        self
    }
}

/// The type as written in migration files (short forms: `varchar(10)`, `timestamptz`).
pub fn type_sql(ty: &ColumnType) -> String {
    match ty {
        ColumnType::SmallInt => "smallint".into(),
        ColumnType::Integer => "integer".into(),
        ColumnType::BigInt => "bigint".into(),
        ColumnType::Numeric(None) => "numeric".into(),
        ColumnType::Numeric(Some((p, s))) => format!("numeric({p}, {s})"),
        ColumnType::Real => "real".into(),
        ColumnType::Double => "double precision".into(),
        ColumnType::Text => "text".into(),
        ColumnType::Varchar(None) => "varchar".into(),
        ColumnType::Varchar(Some(n)) => format!("varchar({n})"),
        ColumnType::Char(None) => "char".into(),
        ColumnType::Char(Some(n)) => format!("char({n})"),
        ColumnType::Citext => "citext".into(),
        ColumnType::Boolean => "boolean".into(),
        ColumnType::Uuid => "uuid".into(),
        ColumnType::Json => "json".into(),
        ColumnType::Jsonb => "jsonb".into(),
        ColumnType::Timestamptz => "timestamptz".into(),
        ColumnType::Timestamp => "timestamp".into(),
        ColumnType::Date => "date".into(),
        ColumnType::Time => "time".into(),
        ColumnType::Interval => "interval".into(),
        ColumnType::Inet => "inet".into(),
        ColumnType::Cidr => "cidr".into(),
        ColumnType::Bytea => "bytea".into(),
        ColumnType::Array(inner) => format!("{}[]", type_sql(inner)),
        ColumnType::Enum(q) => qname(q),
        ColumnType::Custom { name, .. } => name.clone(),
        ColumnType::Domain(q) | ColumnType::Composite(q) | ColumnType::Range(q) => qname(q),
    }
}

pub(crate) fn comment_sql(target: String, text: Option<&String>) -> String {
    format!(
        "COMMENT ON {target} IS {};",
        text.map_or_else(|| "NULL".to_owned(), |t| quote_literal(t))
    )
}
