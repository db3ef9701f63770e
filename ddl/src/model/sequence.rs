//! Sequences: standalone ones, and the implicit sequence of a serial column.

use super::hint::RenamedFrom;
use super::names::{Origin, QName, SequenceRef, TableRef};
use super::types::ColumnType;
use serde::{Deserialize, Serialize};

/// `CREATE SEQUENCE`. Options left out are PostgreSQL's defaults for the type, and are
/// left out of the migration too, so the catalogs match a hand-written script.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sequence {
    pub name: QName,
    /// `AS smallint | integer | bigint`.
    #[serde(default = "bigint", skip_serializing_if = "is_bigint")]
    pub ty: ColumnType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub increment: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_value: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_value: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache: Option<i64>,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub cycle: bool,
    /// `OWNED BY table.column`: the sequence is dropped with the column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owned_by: Option<(QName, String)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The sequence's previous name in the same schema; not compared.
    #[serde(skip)]
    pub renamed_from: RenamedFrom,
    #[serde(skip)]
    pub origin: Origin,
}

fn bigint() -> ColumnType {
    ColumnType::BigInt
}

fn is_bigint(t: &ColumnType) -> bool {
    *t == ColumnType::BigInt
}

impl Sequence {
    /// A `bigint` sequence with PostgreSQL's default options.
    #[track_caller]
    pub fn new(name: SequenceRef) -> Self {
        Self {
            name: name.qname(),
            ty: ColumnType::BigInt,
            start: None,
            increment: None,
            min_value: None,
            max_value: None,
            cache: None,
            cycle: false,
            owned_by: None,
            comment: None,
            renamed_from: RenamedFrom::default(),
            origin: Origin::here(),
        }
    }

    /// `AS smallint | integer | bigint`.
    pub fn as_type(mut self, ty: ColumnType) -> Self {
        self.ty = ty;
        self
    }

    pub fn start(mut self, n: i64) -> Self {
        self.start = Some(n);
        self
    }

    pub fn increment(mut self, n: i64) -> Self {
        self.increment = Some(n);
        self
    }

    pub fn min_value(mut self, n: i64) -> Self {
        self.min_value = Some(n);
        self
    }

    pub fn max_value(mut self, n: i64) -> Self {
        self.max_value = Some(n);
        self
    }

    pub fn cache(mut self, n: i64) -> Self {
        self.cache = Some(n);
        self
    }

    /// The sequence was called `old` (a name in the same schema) before: the next
    /// migration renames it (`ALTER SEQUENCE .. RENAME TO`), keeping its current value.
    pub fn renamed_from(mut self, old: &str) -> Self {
        self.renamed_from = RenamedFrom::new(old);
        self
    }

    pub fn cycle(mut self) -> Self {
        self.cycle = true;
        self
    }

    /// `OWNED BY table.column`: dropping the column (or table) drops the sequence.
    pub fn owned_by(mut self, table: TableRef, column: &str) -> Self {
        self.owned_by = Some((table.qname(), column.to_owned()));
        self
    }

    pub fn comment(mut self, text: impl Into<String>) -> Self {
        self.comment = super::comment_text(text.into());
        self
    }

    /// The bounds PostgreSQL uses when none is given: `(min, max)` for the increment's sign.
    pub fn effective_bounds(&self) -> (i64, i64) {
        let top = match self.ty {
            ColumnType::SmallInt => i64::from(i16::MAX),
            ColumnType::Integer => i64::from(i32::MAX),
            _ => i64::MAX,
        };
        let bottom = match self.ty {
            ColumnType::SmallInt => i64::from(i16::MIN),
            ColumnType::Integer => i64::from(i32::MIN),
            _ => i64::MIN,
        };
        let ascending = self.increment.unwrap_or(1) > 0;
        let min = self.min_value.unwrap_or(if ascending { 1 } else { bottom });
        let max = self.max_value.unwrap_or(if ascending { top } else { -1 });
        (min, max)
    }

    /// The start PostgreSQL uses when none is given.
    pub fn effective_start(&self) -> i64 {
        let (min, max) = self.effective_bounds();
        self.start.unwrap_or(if self.increment.unwrap_or(1) > 0 {
            min
        } else {
            max
        })
    }

    /// `nextval('schema.name'::regclass)`, as a column default calls it.
    pub fn nextval(&self) -> String {
        nextval_sql(&self.name)
    }
}

/// `nextval('schema.name'::regclass)`: the text `pg_get_expr` prints for a serial default
/// with an empty `search_path`, quoted as `regclass` input wants.
pub fn nextval_sql(q: &QName) -> String {
    let text = crate::sql::ident::qname(q);
    format!(
        "nextval({}::regclass)",
        crate::model::expr::quote_literal(&text)
    )
}

/// The implicit sequence of a serial column: PostgreSQL's name for it (`<table>_<column>_seq`,
/// shortened as `makeObjectName` shortens it).
pub fn serial_sequence(table: &QName, column: &str) -> QName {
    QName::new(
        table.schema.clone(),
        crate::validate::implicit::object_name(&table.name, column, "seq"),
    )
}

/// The sequences `nextval('...')` calls in an expression name (`'s.seq'`, `'s.seq'::regclass`,
/// an unqualified name meaning `public`): the defaults that need a sequence first.
pub fn nextval_names(expr: &str) -> Vec<QName> {
    let mut out = Vec::new();
    let lower = expr.to_ascii_lowercase();
    let mut from = 0;
    while let Some(pos) = lower[from..].find("nextval(") {
        let start = from + pos + "nextval(".len();
        from = start;
        let rest = expr[start..].trim_start();
        let Some(body) = rest.strip_prefix('\'') else {
            continue;
        };
        let mut text = String::new();
        let mut chars = body.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\'' {
                if chars.peek() == Some(&'\'') {
                    chars.next();
                    text.push('\'');
                    continue;
                }
                break;
            }
            text.push(c);
        }
        out.push(parse_regclass(&text));
    }
    out
}

/// `schema.name` as `regclass` input reads it: each part unquoted or double-quoted; an
/// unquoted part folds to lower case.
fn parse_regclass(text: &str) -> QName {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                cur.push('"');
            }
            '"' => quoted = !quoted,
            '.' if !quoted => parts.push(std::mem::take(&mut cur)),
            c if quoted => cur.push(c),
            c => cur.extend(c.to_lowercase()),
        }
    }
    parts.push(cur);
    match parts.as_slice() {
        [s, n] => QName::new(s.clone(), n.clone()),
        _ => QName::new("public", parts.pop().unwrap_or_default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nextval_calls_name_their_sequence_quoted_or_not() {
        assert_eq!(
            nextval_names("nextval('shop.order_no'::regclass)"),
            vec![QName::new("shop", "order_no")]
        );
        assert_eq!(
            nextval_names("NEXTVAL('\"Odd\"\"Seq\"')"),
            vec![QName::new("public", "Odd\"Seq")]
        );
        assert!(nextval_names("now()").is_empty());
    }
}
