//! Partitioning: `.partition_by(..)` on a partitioned table, `Table::partition_of(..)` for a
//! partition and its bound.

use super::Ctx;
use super::objects::list;
use crate::names::string;
use ddl::model::names::QName;
use ddl::model::partition::{Bound, PartitionBy, PartitionKey, PartitionOf, PartitionStrategy};

/// `.partition_by(PartitionStrategy::Range, ["at"])`.
pub(super) fn partition_by(p: &PartitionBy) -> String {
    let PartitionBy {
        strategy,
        keys,
        origin: _,
    } = p;
    let strategy = match strategy {
        PartitionStrategy::Range => "PartitionStrategy::Range",
        PartitionStrategy::List => "PartitionStrategy::List",
        PartitionStrategy::Hash => "PartitionStrategy::Hash",
    };
    let columns: Option<Vec<String>> = keys
        .iter()
        .map(|k| match k {
            PartitionKey::Column(c) => Some(c.clone()),
            PartitionKey::Expr(_) => None,
        })
        .collect();
    let keys = match columns {
        Some(c) => list(&c),
        None => {
            let parts: Vec<String> = keys
                .iter()
                .map(|k| match k {
                    PartitionKey::Column(c) => format!("PartitionKey::from({})", string(c)),
                    PartitionKey::Expr(e) => format!("PartitionKey::expr({})", string(e.as_str())),
                })
                .collect();
            format!("[{}]", parts.join(", "))
        }
    };
    format!(".partition_by({strategy}, {keys})")
}

/// `Table::partition_of(NAME, PARENT, bound)`.
pub(super) fn partition_of(ctx: &Ctx, name: &QName, p: &PartitionOf) -> String {
    let PartitionOf { parent, bound } = p;
    let bound = match bound {
        Bound::Range { from, to } => format!("Bound::range({}, {})", list(from), list(to)),
        Bound::List(values) => format!("Bound::list({})", list(values)),
        Bound::Hash { modulus, remainder } => format!("Bound::hash({modulus}, {remainder})"),
        Bound::Default => "Bound::Default".to_owned(),
    };
    format!(
        "Table::partition_of({}, {}, {bound})",
        ctx.table(name),
        ctx.table(parent)
    )
}
