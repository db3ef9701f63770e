//! Declarative partitioning: a table partitioned by a key, and partitions with bounds.
//!
//! A partition is a [`Table`] of its own (a node of the graph with an edge to its parent)
//! that declares no columns: it takes the parent's columns, and PostgreSQL propagates the
//! parent's primary key, unique constraints, indexes and foreign keys to it.

use super::expr::SqlExpr;
use super::names::{Origin, QName, TableRef};
use super::table::Table;
use serde::{Deserialize, Serialize};

/// `PARTITION BY RANGE | LIST | HASH`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PartitionStrategy {
    Range,
    List,
    Hash,
}

impl PartitionStrategy {
    pub fn sql(self) -> &'static str {
        match self {
            PartitionStrategy::Range => "RANGE",
            PartitionStrategy::List => "LIST",
            PartitionStrategy::Hash => "HASH",
        }
    }
}

/// One key of a partitioning: a column, or an expression (written in parentheses).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PartitionKey {
    Column(String),
    Expr(SqlExpr),
}

impl From<&str> for PartitionKey {
    fn from(c: &str) -> Self {
        PartitionKey::Column(c.to_owned())
    }
}

impl PartitionKey {
    /// A key that is an expression: `PartitionKey::expr("lower(region)")`.
    pub fn expr(e: impl Into<SqlExpr>) -> Self {
        PartitionKey::Expr(e.into())
    }
}

/// How a partitioned table splits its rows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartitionBy {
    pub strategy: PartitionStrategy,
    pub keys: Vec<PartitionKey>,
    #[serde(skip)]
    pub origin: Origin,
}

impl PartitionBy {
    /// The columns of the key (expressions left out).
    pub fn key_columns(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().filter_map(|k| match k {
            PartitionKey::Column(c) => Some(c.as_str()),
            PartitionKey::Expr(_) => None,
        })
    }
}

/// The rows a partition holds. Values are SQL literals written verbatim (`'2026-01-01'`,
/// `42`, `MINVALUE`), checked like every raw SQL fragment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Bound {
    /// `FOR VALUES FROM (..) TO (..)`: from inclusive, to exclusive.
    Range { from: Vec<String>, to: Vec<String> },
    /// `FOR VALUES IN (..)`
    List(Vec<String>),
    /// `FOR VALUES WITH (MODULUS m, REMAINDER r)`
    Hash { modulus: u32, remainder: u32 },
    /// `DEFAULT`: the rows no other partition takes.
    Default,
}

impl Bound {
    pub fn range<'a>(
        from: impl IntoIterator<Item = &'a str>,
        to: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        Bound::Range {
            from: from.into_iter().map(str::to_owned).collect(),
            to: to.into_iter().map(str::to_owned).collect(),
        }
    }

    pub fn list<'a>(values: impl IntoIterator<Item = &'a str>) -> Self {
        Bound::List(values.into_iter().map(str::to_owned).collect())
    }

    pub fn hash(modulus: u32, remainder: u32) -> Self {
        Bound::Hash { modulus, remainder }
    }

    /// One calendar month of a date or timestamp key: `Bound::month(2026, 1)` is
    /// `FROM ('2026-01-01') TO ('2026-02-01')`.
    pub fn month(year: i32, month: u32) -> Self {
        let (ny, nm) = if month >= 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
        Bound::Range {
            from: vec![format!("'{year:04}-{month:02}-01'")],
            to: vec![format!("'{ny:04}-{nm:02}-01'")],
        }
    }

    /// The SQL after the partition's name: `FOR VALUES ...` or `DEFAULT`.
    pub fn sql(&self) -> String {
        match self {
            Bound::Range { from, to } => {
                format!(
                    "FOR VALUES FROM ({}) TO ({})",
                    from.join(", "),
                    to.join(", ")
                )
            }
            Bound::List(values) => format!("FOR VALUES IN ({})", values.join(", ")),
            Bound::Hash { modulus, remainder } => {
                format!("FOR VALUES WITH (MODULUS {modulus}, REMAINDER {remainder})")
            }
            Bound::Default => "DEFAULT".to_owned(),
        }
    }

    /// Every raw SQL value of the bound, for the hostile-text checks.
    pub fn values(&self) -> Vec<&str> {
        match self {
            Bound::Range { from, to } => from.iter().chain(to).map(String::as_str).collect(),
            Bound::List(v) => v.iter().map(String::as_str).collect(),
            Bound::Hash { .. } | Bound::Default => Vec::new(),
        }
    }
}

/// The parent of a partition and the rows it takes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartitionOf {
    pub parent: QName,
    pub bound: Bound,
}

impl Table {
    /// Partitions the table: `.partition_by(PartitionStrategy::Range, ["placed_at"])`.
    #[track_caller]
    pub fn partition_by<K: Into<PartitionKey>>(
        mut self,
        strategy: PartitionStrategy,
        keys: impl IntoIterator<Item = K>,
    ) -> Self {
        self.partition_by = Some(PartitionBy {
            strategy,
            keys: keys.into_iter().map(Into::into).collect(),
            origin: Origin::here(),
        });
        self
    }

    /// A partition of `parent`: it declares no columns (they are the parent's) and takes
    /// the parent's keys, indexes and foreign keys; it may add CHECKs and indexes of its
    /// own, and be partitioned itself (`.partition_by(..)`).
    #[track_caller]
    pub fn partition_of(name: TableRef, parent: TableRef, bound: Bound) -> Self {
        let mut t = Table::new(name);
        t.origin = Origin::here();
        t.partition_of = Some(PartitionOf {
            parent: parent.qname(),
            bound,
        });
        t
    }

    /// Whether the table is a partition of another.
    pub fn is_partition(&self) -> bool {
        self.partition_of.is_some()
    }
}

/// Monthly range partitions of `parent` named `<parent>_yYYYYmMM`, from `(year, month)`
/// for `count` months: `monthly_partitions(EVENTS, (2026, 1), 3)`.
#[track_caller]
pub fn monthly_partitions(parent: TableRef, from: (i32, u32), count: u32) -> Vec<Table> {
    let origin = Origin::here();
    let (mut y, mut m) = from;
    let mut out = Vec::new();
    for _ in 0..count {
        let name = format!("{}_y{y:04}m{m:02}", parent.name);
        let mut t = Table::new(TableRef::new(parent.schema, "_"));
        t.name = QName::new(parent.schema, name);
        t.origin = origin;
        t.partition_of = Some(PartitionOf {
            parent: parent.qname(),
            bound: Bound::month(y, m),
        });
        out.push(t);
        if m >= 12 {
            y += 1;
            m = 1;
        } else {
            m += 1;
        }
    }
    out
}
