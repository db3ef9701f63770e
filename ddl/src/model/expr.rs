//! SQL expressions and literal values in declarations.

use serde::{Deserialize, Serialize};

/// An SQL expression, kept as the text that goes into the migration.
///
/// Build it from raw SQL (`"now()"`, emitted verbatim) or from a sea-query expression
/// (`Expr::col("balance").gte(0)`, whose values sea-query quotes).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SqlExpr(pub String);

impl SqlExpr {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&str> for SqlExpr {
    fn from(s: &str) -> Self {
        Self(s.to_owned())
    }
}

impl From<String> for SqlExpr {
    fn from(s: String) -> Self {
        Self(s)
    }
}

impl From<sea_query::Expr> for SqlExpr {
    fn from(e: sea_query::Expr) -> Self {
        use sea_query::QueryBuilder;
        let mut sql = String::new();
        sea_query::PostgresQueryBuilder.prepare_expr(&e, &mut sql);
        Self(sql)
    }
}

impl From<Literal> for SqlExpr {
    fn from(l: Literal) -> Self {
        Self(l.to_sql())
    }
}

/// A literal value: a default or a cell of a reference-data row.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Literal {
    Null,
    Bool(bool),
    Int(i64),
    /// A number written as text, so that `12.50` stays exact.
    Number(String),
    Text(String),
    /// SQL written verbatim (`'{en}'::text[]`, `now()`).
    Sql(String),
}

impl Literal {
    /// The SQL text of the value. Strings are quoted; a backslash switches to an `E''`
    /// string so the text means the same whatever `standard_conforming_strings` says.
    pub fn to_sql(&self) -> String {
        match self {
            Literal::Null => "NULL".to_owned(),
            Literal::Bool(true) => "true".to_owned(),
            Literal::Bool(false) => "false".to_owned(),
            Literal::Int(i) => i.to_string(),
            Literal::Number(n) | Literal::Sql(n) => n.clone(),
            Literal::Text(s) => quote_literal(s),
        }
    }
}

/// Quotes a string literal for PostgreSQL.
pub fn quote_literal(s: &str) -> String {
    if s.contains('\\') {
        format!("E'{}'", s.replace('\\', "\\\\").replace('\'', "''"))
    } else {
        format!("'{}'", s.replace('\'', "''"))
    }
}

impl From<bool> for Literal {
    fn from(b: bool) -> Self {
        Literal::Bool(b)
    }
}

impl From<i64> for Literal {
    fn from(i: i64) -> Self {
        Literal::Int(i)
    }
}

impl From<i32> for Literal {
    fn from(i: i32) -> Self {
        Literal::Int(i64::from(i))
    }
}

impl From<&str> for Literal {
    fn from(s: &str) -> Self {
        Literal::Text(s.to_owned())
    }
}

impl From<String> for Literal {
    fn from(s: String) -> Self {
        Literal::Text(s)
    }
}

impl<T: Into<Literal>> From<Option<T>> for Literal {
    fn from(v: Option<T>) -> Self {
        v.map_or(Literal::Null, Into::into)
    }
}
