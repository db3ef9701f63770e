//! Partitioned tables and partitions: the `PARTITION BY` clause, `CREATE TABLE ..
//! PARTITION OF`, and detach / attach when a partition's bound changes.

use super::{LockMode, Stmt};
use crate::model::partition::PartitionKey;
use crate::model::table::Table;
use crate::sql::ident::{ident, qname};

/// ` PARTITION BY RANGE (a, (lower(b)))`, or nothing for a table that is not partitioned.
pub fn partition_by_sql(t: &Table) -> String {
    let Some(p) = &t.partition_by else {
        return String::new();
    };
    let keys: Vec<String> = p
        .keys
        .iter()
        .map(|k| match k {
            PartitionKey::Column(c) => ident(c).into_owned(),
            PartitionKey::Expr(e) => format!("({})", e.as_str()),
        })
        .collect();
    format!(" PARTITION BY {} ({})", p.strategy.sql(), keys.join(", "))
}

/// `CREATE TABLE p PARTITION OF parent [(checks)] FOR VALUES .. [PARTITION BY ..];`: the
/// columns, keys, indexes and foreign keys come from the parent. Creating a partition
/// locks the parent.
pub fn create_partition(t: &Table) -> Option<Stmt> {
    let p = t.partition_of.as_ref()?;
    let checks: Vec<String> = t.checks.iter().map(super::table::check_def).collect();
    let checks = if checks.is_empty() {
        String::new()
    } else {
        format!(" (\n    {}\n)", checks.join(",\n    "))
    };
    Some(
        Stmt::new(
            "table",
            t.name.to_string(),
            format!(
                "CREATE TABLE {} PARTITION OF {}{checks}\n    {}{};",
                qname(&t.name),
                qname(&p.parent),
                p.bound.sql(),
                partition_by_sql(t)
            ),
        )
        .locks(LockMode::AccessExclusive, &[&p.parent]),
    )
}

/// A partition whose bound changed is detached first (its rows leave the parent)...
pub fn detach_partition(old: &Table, new: &Table) -> Option<Stmt> {
    let (Some(a), Some(b)) = (&old.partition_of, &new.partition_of) else {
        return None;
    };
    (a != b).then(|| {
        Stmt::new(
            "partition",
            old.name.to_string(),
            format!(
                "ALTER TABLE {} DETACH PARTITION {};",
                qname(&a.parent),
                qname(&old.name)
            ),
        )
        .locks(LockMode::AccessExclusive, &[&a.parent, &old.name])
        .destructive()
    })
}

/// ...and attached again with the new bound, which PostgreSQL refuses if a row of the
/// partition (or of the default partition) would then be in the wrong place: marked
/// destructive because the rows between the two statements are not reachable from the
/// parent, and a narrowed bound needs its rows moved by hand.
pub fn attach_partition(old: &Table, new: &Table) -> Option<Stmt> {
    let (Some(a), Some(b)) = (&old.partition_of, &new.partition_of) else {
        return None;
    };
    (a != b).then(|| {
        Stmt::new(
            "partition",
            new.name.to_string(),
            format!(
                "ALTER TABLE {} ATTACH PARTITION {}\n    {};",
                qname(&b.parent),
                qname(&new.name),
                b.bound.sql()
            ),
        )
        .locks(LockMode::ShareUpdateExclusive, &[&b.parent])
        .scans(true)
        .destructive()
    })
}
