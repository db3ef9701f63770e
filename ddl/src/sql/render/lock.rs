//! The lock a statement takes, written above it in the migration file
//! (`-- lock: ACCESS EXCLUSIVE on core.users (rewrite: no)`), so a reviewer sees what a
//! step does to a table in use, and codegen can list the heavy ones.

use crate::model::names::QName;
use std::fmt;

/// PostgreSQL's table lock modes, weakest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LockMode {
    RowExclusive,
    ShareUpdateExclusive,
    Share,
    ShareRowExclusive,
    AccessExclusive,
}

impl LockMode {
    pub fn sql(self) -> &'static str {
        match self {
            LockMode::RowExclusive => "ROW EXCLUSIVE",
            LockMode::ShareUpdateExclusive => "SHARE UPDATE EXCLUSIVE",
            LockMode::Share => "SHARE",
            LockMode::ShareRowExclusive => "SHARE ROW EXCLUSIVE",
            LockMode::AccessExclusive => "ACCESS EXCLUSIVE",
        }
    }

    /// What the mode blocks, for the summary.
    pub fn blocks(self) -> &'static str {
        match self {
            LockMode::RowExclusive => "other writers of the same rows",
            LockMode::ShareUpdateExclusive => "other schema changes, not reads or writes",
            LockMode::Share | LockMode::ShareRowExclusive => "writes",
            LockMode::AccessExclusive => "reads and writes",
        }
    }
}

/// The lock of one statement on the tables it touches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lock {
    pub mode: LockMode,
    pub tables: Vec<QName>,
    /// Whether the statement rewrites the table under the lock.
    pub rewrite: bool,
    /// Whether it reads the whole table under the lock (a CHECK, SET NOT NULL).
    pub scan: bool,
}

impl fmt::Display for Lock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tables: Vec<String> = self.tables.iter().map(ToString::to_string).collect();
        write!(
            f,
            "{} on {} (rewrite: {}{})",
            self.mode.sql(),
            tables.join(" and "),
            if self.rewrite { "yes" } else { "no" },
            if self.scan && !self.rewrite {
                ", reads every row"
            } else {
                ""
            }
        )
    }
}
