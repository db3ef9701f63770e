//! What a later migration cannot change about partitioning.

use super::diff::PlanError;
use crate::model::table::Table;

/// PostgreSQL cannot change how a table is partitioned, nor turn a table into a
/// partition (or back) in place: the rows would have to be moved. Such a change is an
/// error with the way to do it; a changed bound is a detach and attach (see
/// `render::detach_partition`).
pub(super) fn check(old: &Table, new: &Table) -> Result<(), PlanError> {
    let message = if old.partition_by != new.partition_by {
        Some(format!(
            "the partitioning of {} changed; PostgreSQL cannot re-partition a table in place",
            new.name
        ))
    } else if old.partition_of.as_ref().map(|p| &p.parent)
        != new.partition_of.as_ref().map(|p| &p.parent)
    {
        Some(format!(
            "{} changed parent (or became or stopped being a partition); PostgreSQL cannot do that in place",
            new.name
        ))
    } else {
        None
    };
    match message {
        None => Ok(()),
        Some(m) => Err(PlanError::Unsupported {
            object: new.name.to_string(),
            origin: new.origin,
            message: format!(
                "{m}: declare a new table with the new partitioning, copy the rows in a migration of its own, then drop the old one"
            ),
        }),
    }
}
