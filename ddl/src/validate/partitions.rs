//! Partitioned tables and their partitions: keys, bounds, and what a partition may declare.

use super::{Code, Ctx};
use crate::model::database::Database;
use crate::model::names::QName;
use crate::model::partition::{Bound, PartitionKey, PartitionStrategy};
use crate::model::table::Table;
use std::cmp::Ordering;
use std::collections::HashMap;

/// The topmost declared ancestor of a partition (its columns are the partition's).
fn root<'a>(t: &'a Table, tables: &HashMap<&QName, &'a Table>) -> Option<&'a Table> {
    let mut cur = t;
    // A chain longer than the number of tables is a cycle of declarations.
    for _ in 0..=tables.len() {
        match &cur.partition_of {
            None => return Some(cur),
            Some(p) => cur = tables.get(&p.parent).copied()?,
        }
    }
    None
}

/// The ancestors of a table, nearest first.
fn ancestors<'a>(t: &'a Table, tables: &HashMap<&QName, &'a Table>) -> Vec<&'a Table> {
    let mut out = Vec::new();
    let mut cur = t;
    while let Some(p) = &cur.partition_of {
        match tables.get(&p.parent) {
            Some(parent) if out.len() <= tables.len() => {
                out.push(*parent);
                cur = parent;
            }
            _ => break,
        }
    }
    out
}

/// For a partition: `Some(Some(copy with the root's columns))`, or `Some(None)` when the
/// parent chain is broken (reported by [`check`]); `None` for any other table.
pub(super) fn with_parent_columns(t: &Table, cx: &Ctx<'_>) -> Option<Option<Table>> {
    t.partition_of.as_ref()?;
    Some(root(t, &cx.tables).map(|r| Table {
        columns: r.columns.clone(),
        ..t.clone()
    }))
}

pub(super) fn check(db: &Database, cx: &mut Ctx<'_>) {
    let tables = cx.tables.clone();
    for t in &db.tables {
        let tn = t.name.to_string();
        if let Some(by) = &t.partition_by {
            let columns_of = root(t, &tables).unwrap_or(t);
            for k in &by.keys {
                if let PartitionKey::Column(c) = k
                    && !columns_of.has_column(c)
                {
                    cx.push(
                        Code::PartitionKeyMissingColumn,
                        &tn,
                        by.origin,
                        format!("the partition key names column {c}, which {tn} does not have"),
                        format!("declare the column on {}, or fix the key", columns_of.name),
                    );
                }
            }
            if by.keys.is_empty() {
                cx.push(
                    Code::PartitionKeyMissingColumn,
                    &tn,
                    by.origin,
                    "the partition key has no column or expression",
                    "name at least one column: .partition_by(PartitionStrategy::Range, [\"created_at\"])",
                );
            }
            if by.strategy == PartitionStrategy::List && by.keys.len() > 1 {
                cx.push(
                    Code::PartitionBoundInvalid,
                    &tn,
                    by.origin,
                    "PostgreSQL partitions by LIST on one key only",
                    "keep one key, or partition by RANGE",
                );
            }
            unique_keys(t, by, &tables, cx);
        }
        if let Some(p) = &t.partition_of {
            partition(t, &tn, p, &tables, cx);
        }
    }
    overlaps(db, &tables, cx);
}

/// PostgreSQL enforces a primary key or unique constraint of a partitioned table per
/// partition, so it must hold every column of the partition key (and of the keys of
/// partitioned partitions below it).
fn unique_keys(
    t: &Table,
    by: &crate::model::partition::PartitionBy,
    tables: &HashMap<&QName, &Table>,
    cx: &mut Ctx<'_>,
) {
    let tn = t.name.to_string();
    let owners = std::iter::once(t).chain(ancestors(t, tables));
    for owner in owners {
        let uniques = owner
            .primary_key
            .iter()
            .map(|p| (p.name.as_str(), &p.columns, p.origin))
            .chain(
                owner
                    .uniques
                    .iter()
                    .map(|u| (u.name.as_str(), &u.columns, u.origin)),
            )
            .map(|(n, c, o)| (n, c.clone(), o))
            .chain(owner.indexes.iter().filter(|i| i.unique).map(|i| {
                // An expression key cannot hold a partition column: no column stands for it.
                let columns = i
                    .keys
                    .iter()
                    .filter_map(|k| match &k.target {
                        crate::model::index::IndexTarget::Column(c) => Some(c.clone()),
                        crate::model::index::IndexTarget::Expr(_) => None,
                    })
                    .collect::<Vec<_>>();
                (i.name.as_str(), columns, i.origin)
            }));
        for (name, columns, origin) in uniques {
            let missing: Vec<String> = by
                .keys
                .iter()
                .filter_map(|k| match k {
                    PartitionKey::Column(c) if !columns.contains(c) => Some(c.clone()),
                    PartitionKey::Expr(e) => Some(format!("({})", e.as_str())),
                    PartitionKey::Column(_) => None,
                })
                .collect();
            if !missing.is_empty() {
                cx.push(
                    Code::PartitionKeyNotInUnique,
                    format!("{}.{name}", owner.name),
                    origin,
                    format!(
                        "{name} of {} does not hold the partition key {} of {tn}: PostgreSQL enforces uniqueness per partition only",
                        owner.name,
                        missing.join(", ")
                    ),
                    "add the partition key's columns to the constraint (an expression key cannot be in one), or drop the constraint",
                );
            }
        }
    }
}

fn partition(
    t: &Table,
    tn: &str,
    p: &crate::model::partition::PartitionOf,
    tables: &HashMap<&QName, &Table>,
    cx: &mut Ctx<'_>,
) {
    let declares = [
        (!t.columns.is_empty(), "columns"),
        (t.primary_key.is_some(), "a primary key"),
        (!t.uniques.is_empty(), "unique constraints"),
        (!t.foreign_keys.is_empty(), "foreign keys"),
    ];
    for (_, what) in declares.iter().filter(|(yes, _)| *yes) {
        cx.push(
            Code::PartitionDeclaresColumns,
            tn,
            t.origin,
            format!(
                "the partition declares {what}; a partition takes those of {}",
                p.parent
            ),
            format!(
                "declare the {what} on {} only: PostgreSQL gives them to every partition",
                p.parent
            ),
        );
    }
    let Some(parent) = tables.get(&p.parent) else {
        cx.push(
            Code::PartitionParentNotPartitioned,
            tn,
            t.origin,
            format!("the partition's parent {} is not declared", p.parent),
            format!(
                "declare {} with .partition_by(..), or fix the parent",
                p.parent
            ),
        );
        return;
    };
    let Some(by) = &parent.partition_by else {
        cx.push(
            Code::PartitionParentNotPartitioned,
            tn,
            t.origin,
            format!(
                "{} is not partitioned, so it cannot have partitions",
                p.parent
            ),
            format!("declare .partition_by(..) on {}", p.parent),
        );
        return;
    };
    let bound_problem = match (&p.bound, by.strategy) {
        (Bound::Default, PartitionStrategy::Hash) => {
            Some("a hash-partitioned table has no default partition".to_owned())
        }
        (Bound::Default, _) => None,
        (Bound::Range { from, to }, PartitionStrategy::Range) => {
            if from.len() != by.keys.len() || to.len() != by.keys.len() {
                Some(format!(
                    "the range bound has {} and {} values for a key of {}",
                    from.len(),
                    to.len(),
                    by.keys.len()
                ))
            } else if compare(from, to).is_some_and(|o| o != Ordering::Less) {
                Some("the range is empty: FROM must be below TO".to_owned())
            } else {
                None
            }
        }
        (Bound::List(values), PartitionStrategy::List) => values
            .is_empty()
            .then(|| "the list bound has no value".to_owned()),
        (Bound::Hash { modulus, remainder }, PartitionStrategy::Hash) => {
            if *modulus == 0 {
                Some("the modulus must be at least 1".to_owned())
            } else if remainder >= modulus {
                Some(format!(
                    "the remainder {remainder} must be below the modulus {modulus}"
                ))
            } else {
                None
            }
        }
        (b, s) => Some(format!(
            "a {} bound on a table partitioned by {}",
            match b {
                Bound::Range { .. } => "range",
                Bound::List(_) => "list",
                Bound::Hash { .. } => "hash",
                Bound::Default => "default",
            },
            s.sql()
        )),
    };
    if let Some(m) = bound_problem {
        cx.push(
            Code::PartitionBoundInvalid,
            tn,
            t.origin,
            m,
            format!(
                "give the partition a bound that matches PARTITION BY {} of {}",
                by.strategy.sql(),
                p.parent
            ),
        );
    }
}

/// A value of a bound, as far as validation can compare it.
#[derive(Debug, PartialEq, PartialOrd)]
enum Value {
    Min,
    Number(f64),
    Text(String),
    Max,
}

fn value(sql: &str) -> Option<Value> {
    let s = sql.trim();
    if s.eq_ignore_ascii_case("minvalue") {
        return Some(Value::Min);
    }
    if s.eq_ignore_ascii_case("maxvalue") {
        return Some(Value::Max);
    }
    if let Some(inner) = s.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')) {
        return Some(Value::Text(inner.replace("''", "'")));
    }
    s.parse::<f64>().ok().map(Value::Number)
}

/// Compares two bounds value by value; None when a value is not a literal validation
/// understands (an expression is left to PostgreSQL).
fn compare(a: &[String], b: &[String]) -> Option<Ordering> {
    for (x, y) in a.iter().zip(b) {
        let (x, y) = (value(x)?, value(y)?);
        let o = match (&x, &y) {
            (Value::Min, Value::Min) | (Value::Max, Value::Max) => Ordering::Equal,
            (Value::Min, _) | (_, Value::Max) => Ordering::Less,
            (_, Value::Min) | (Value::Max, _) => Ordering::Greater,
            (Value::Number(p), Value::Number(q)) => p.partial_cmp(q)?,
            (Value::Text(p), Value::Text(q)) => p.cmp(q),
            _ => return None,
        };
        if o != Ordering::Equal {
            return Some(o);
        }
    }
    Some(Ordering::Equal)
}

/// Two partitions of one parent that would take the same rows.
fn overlaps(db: &Database, tables: &HashMap<&QName, &Table>, cx: &mut Ctx<'_>) {
    let mut by_parent: HashMap<&QName, Vec<&Table>> = HashMap::new();
    for t in &db.tables {
        if let Some(p) = &t.partition_of
            && tables.contains_key(&p.parent)
        {
            by_parent.entry(&p.parent).or_default().push(t);
        }
    }
    let mut parents: Vec<&&QName> = by_parent.keys().collect();
    parents.sort();
    for parent in parents {
        let parts = &by_parent[*parent];
        for (i, a) in parts.iter().enumerate() {
            for b in &parts[..i] {
                let (Some(pa), Some(pb)) = (&a.partition_of, &b.partition_of) else {
                    continue;
                };
                if let Some(what) = overlap(&pa.bound, &pb.bound) {
                    cx.push(
                        Code::PartitionBoundOverlap,
                        a.name.to_string(),
                        a.origin,
                        format!(
                            "the bound of {} overlaps that of {} ({what}); PostgreSQL would refuse to create it",
                            a.name, b.name
                        ),
                        format!(
                            "make the bounds of the partitions of {parent} disjoint (a range's TO is exclusive)"
                        ),
                    );
                }
            }
        }
    }
}

fn overlap(a: &Bound, b: &Bound) -> Option<String> {
    match (a, b) {
        (Bound::Default, Bound::Default) => Some("two default partitions".to_owned()),
        (Bound::Range { from: af, to: at }, Bound::Range { from: bf, to: bt }) => {
            let before = compare(at, bf)? != Ordering::Greater;
            let after = compare(bt, af)? != Ordering::Greater;
            (!before && !after).then(|| "the ranges intersect".to_owned())
        }
        (Bound::List(x), Bound::List(y)) => {
            let same: Vec<&String> = x
                .iter()
                .filter(|v| y.iter().any(|w| value(v).is_some() && value(v) == value(w)))
                .collect();
            (!same.is_empty()).then(|| {
                format!(
                    "both take {}",
                    same.iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
        }
        (
            Bound::Hash {
                modulus: m1,
                remainder: r1,
            },
            Bound::Hash {
                modulus: m2,
                remainder: r2,
            },
        ) => {
            let ((ms, rs), (ml, rl)) = if m1 <= m2 {
                ((*m1, *r1), (*m2, *r2))
            } else {
                ((*m2, *r2), (*m1, *r1))
            };
            if ms == 0 {
                None
            } else if ml % ms != 0 {
                Some(format!(
                    "modulus {ms} is not a factor of modulus {ml}, as PostgreSQL requires"
                ))
            } else {
                (rl % ms == rs).then(|| "the same hash values".to_owned())
            }
        }
        _ => None,
    }
}
