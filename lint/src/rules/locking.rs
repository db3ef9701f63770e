//! Statements that hold strong locks on a busy table for as long as they scan or build.

use pg_query::NodeEnum;
use pg_query::protobuf::{AlterTableType, ConstrType, ObjectType};

use super::Rule;
use crate::Severity::{Error, Warning};
use crate::ast;
use crate::engine::Cx;

const FAMILY: &str = "locking";

pub const ADDING_NOT_NULL_COLUMN: Rule = Rule {
    code: "adding-not-null-column",
    severity: Error,
    family: FAMILY,
    title: "Adding a NOT NULL column without a default to an existing table",
    why: "The existing rows have no value for the new column, so PostgreSQL refuses the statement as soon as the table holds a row: the migration passes on an empty development database and fails in production.",
    alternative: "Add the column with a constant DEFAULT (PostgreSQL 11+ stores it without rewriting the table), or add it nullable, backfill in batches, then add a `CHECK (col IS NOT NULL) NOT VALID`, `VALIDATE` it and `SET NOT NULL`.",
    bad: "ALTER TABLE core.users ADD COLUMN locale text NOT NULL;",
    good: "ALTER TABLE core.users ADD COLUMN locale text NOT NULL DEFAULT 'en';",
};

pub const SETTING_NOT_NULL: Rule = Rule {
    code: "setting-not-null",
    severity: Error,
    family: FAMILY,
    title: "`ALTER COLUMN … SET NOT NULL` on an existing table",
    why: "PostgreSQL scans the whole table to check for NULLs while it holds an ACCESS EXCLUSIVE lock: no read or write of the table runs until the scan ends.",
    alternative: "Add `CHECK (col IS NOT NULL) NOT VALID`, then `VALIDATE CONSTRAINT` (which takes only a SHARE UPDATE EXCLUSIVE lock); `SET NOT NULL` then uses the valid check instead of scanning, and the check can be dropped.",
    bad: "ALTER TABLE core.users ALTER COLUMN email SET NOT NULL;",
    good: "ALTER TABLE core.users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE core.users VALIDATE CONSTRAINT users_email_not_null;\nALTER TABLE core.users ALTER COLUMN email SET NOT NULL;",
};

pub const NON_CONCURRENT_INDEX: Rule = Rule {
    code: "non-concurrent-index",
    severity: Error,
    family: FAMILY,
    title: "`CREATE INDEX` without `CONCURRENTLY` on an existing table",
    why: "A plain `CREATE INDEX` holds a SHARE lock for the whole build: every INSERT, UPDATE and DELETE on the table waits, for minutes on a large table.",
    alternative: "`CREATE INDEX CONCURRENTLY IF NOT EXISTS` in a migration of its own whose header has `-- @transaction: none` (it cannot run in a transaction). Indexes on a table created earlier in the same file are fine.",
    bad: "CREATE INDEX idx_users_email ON core.users (email);",
    good: "CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_users_email ON core.users (email);",
};

pub const CONSTRAINT_WITHOUT_NOT_VALID: Rule = Rule {
    code: "constraint-without-not-valid",
    severity: Error,
    family: FAMILY,
    title: "Adding a FOREIGN KEY or CHECK constraint to an existing table without `NOT VALID`",
    why: "PostgreSQL checks every existing row while it holds the lock the ALTER TABLE took (SHARE ROW EXCLUSIVE on both tables for a foreign key, ACCESS EXCLUSIVE for a check): writes wait for the whole scan.",
    alternative: "Add the constraint `NOT VALID` (new rows are checked at once, nothing is scanned), then `ALTER TABLE … VALIDATE CONSTRAINT` in a later statement or migration: validation takes only a SHARE UPDATE EXCLUSIVE lock.",
    bad: "ALTER TABLE core.projects ADD CONSTRAINT projects_owner_fkey FOREIGN KEY (owner_id) REFERENCES core.users (id);",
    good: "ALTER TABLE core.projects ADD CONSTRAINT projects_owner_fkey FOREIGN KEY (owner_id) REFERENCES core.users (id) NOT VALID;",
};

pub const ADDING_UNIQUE_CONSTRAINT: Rule = Rule {
    code: "adding-unique-constraint",
    severity: Error,
    family: FAMILY,
    title: "Adding a PRIMARY KEY, UNIQUE or EXCLUDE constraint to an existing table",
    why: "The constraint builds its index while the ALTER TABLE holds an ACCESS EXCLUSIVE lock: neither reads nor writes run until the index is built.",
    alternative: "`CREATE UNIQUE INDEX CONCURRENTLY` first (in a `-- @transaction: none` migration), then `ALTER TABLE … ADD CONSTRAINT name UNIQUE USING INDEX idx` (or `PRIMARY KEY USING INDEX`), which is instant.",
    bad: "ALTER TABLE core.users ADD CONSTRAINT users_email_key UNIQUE (email);",
    good: "ALTER TABLE core.users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_idx;",
};

pub const MISSING_LOCK_TIMEOUT: Rule = Rule {
    code: "missing-lock-timeout",
    severity: Warning,
    family: FAMILY,
    title: "Taking a strong lock on an existing table without `SET lock_timeout` first",
    why: "An ALTER TABLE waits for every running transaction on the table; while it waits, it blocks every new query behind it. One long report query turns a millisecond migration into an outage.",
    alternative: "Start the file with `SET lock_timeout = '5s';` (or less): the statement fails fast instead of queueing traffic, and the migration can be retried.",
    bad: "ALTER TABLE core.users DROP CONSTRAINT users_email_key;",
    good: "SET lock_timeout = '5s';\nALTER TABLE core.users DROP CONSTRAINT users_email_key;",
};

pub const CONCURRENTLY_IN_TRANSACTION: Rule = Rule {
    code: "concurrently-in-transaction",
    severity: Error,
    family: FAMILY,
    title: "`CONCURRENTLY` in a migration that runs in a transaction",
    why: "`CREATE INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY` and `REINDEX CONCURRENTLY` cannot run inside a transaction block, and the runner wraps every migration file in one unless its header says otherwise: the migration fails.",
    alternative: "Put the statement in a migration of its own whose leading comment block has `-- @transaction: none`.",
    bad: "-- migration: 002_index\nCREATE INDEX CONCURRENTLY IF NOT EXISTS idx_users_email ON core.users (email);",
    good: "-- @transaction: none\nCREATE INDEX CONCURRENTLY IF NOT EXISTS idx_users_email ON core.users (email);",
};

pub const INDEX_WITHOUT_IF_NOT_EXISTS: Rule = Rule {
    code: "index-without-if-not-exists",
    severity: Warning,
    family: FAMILY,
    title: "`CREATE INDEX` without `IF NOT EXISTS` in a `-- @transaction: none` migration",
    why: "Without a transaction, a migration that fails halfway keeps what it did: a failed `CREATE INDEX CONCURRENTLY` leaves an INVALID index behind, and running the migration again fails on the existing name.",
    alternative: "`CREATE INDEX CONCURRENTLY IF NOT EXISTS …`, so the migration can be run again; drop an INVALID leftover with `DROP INDEX CONCURRENTLY IF EXISTS` first.",
    bad: "-- @transaction: none\nCREATE INDEX CONCURRENTLY idx_users_email ON core.users (email);",
    good: "-- @transaction: none\nCREATE INDEX CONCURRENTLY IF NOT EXISTS idx_users_email ON core.users (email);",
};

pub const DROPPING_INDEX_NON_CONCURRENTLY: Rule = Rule {
    code: "dropping-index-non-concurrently",
    severity: Warning,
    family: FAMILY,
    title: "`DROP INDEX` without `CONCURRENTLY`",
    why: "A plain `DROP INDEX` takes an ACCESS EXCLUSIVE lock on the index's table: it waits for running queries and blocks every new one meanwhile.",
    alternative: "`DROP INDEX CONCURRENTLY IF EXISTS …` in a `-- @transaction: none` migration.",
    bad: "DROP INDEX core.idx_users_email;",
    good: "-- @transaction: none\nDROP INDEX CONCURRENTLY IF EXISTS core.idx_users_email;",
};

pub(crate) fn check(stmt: &NodeEnum, cx: &mut Cx<'_>) {
    match stmt {
        NodeEnum::AlterTableStmt(a) => {
            let Some(rv) = &a.relation else { return };
            let key = ast::table_key(rv);
            if cx.is_new(&key) || a.objtype != ObjectType::ObjectTable as i32 {
                return;
            }
            let shown = ast::table_shown(rv);
            lock_timeout(cx, &shown);
            for cmd in &a.cmds {
                let Some(NodeEnum::AlterTableCmd(cmd)) = &cmd.node else {
                    continue;
                };
                let def = cmd.def.as_ref().and_then(|d| d.node.as_ref());
                match (AlterTableType::try_from(cmd.subtype), def) {
                    (Ok(AlterTableType::AtAddColumn), Some(NodeEnum::ColumnDef(col)))
                        if ast::is_not_null(col) && !ast::has_default(col) =>
                    {
                        cx.report(
                            &ADDING_NOT_NULL_COLUMN,
                            col.location,
                            format!(
                                "column `{}` is added to {shown} as NOT NULL without a default: fails on a table with rows",
                                col.colname
                            ),
                        );
                    }
                    (Ok(AlterTableType::AtSetNotNull), _)
                        if !cx
                            .state
                            .proven_not_null
                            .contains(&(key.clone(), cmd.name.clone())) =>
                    {
                        cx.report(
                        &SETTING_NOT_NULL,
                        -1,
                        format!(
                            "`SET NOT NULL` on {shown}.{} scans the table under an ACCESS EXCLUSIVE lock (no valid `CHECK ({} IS NOT NULL)` comes before it)",
                            cmd.name, cmd.name
                        ),
                    );
                    }
                    (Ok(AlterTableType::AtAddConstraint), Some(NodeEnum::Constraint(k))) => {
                        let fk = ast::is(k, ConstrType::ConstrForeign);
                        if (fk || ast::is(k, ConstrType::ConstrCheck)) && !k.skip_validation {
                            cx.report(
                                &CONSTRAINT_WITHOUT_NOT_VALID,
                                k.location,
                                format!(
                                    "{} {}on existing table {shown} is validated at once, scanning the table under lock",
                                    if fk { "foreign key" } else { "check constraint" },
                                    name(&k.conname)
                                ),
                            );
                        }
                        let indexed = ast::is(k, ConstrType::ConstrPrimary)
                            || ast::is(k, ConstrType::ConstrUnique)
                            || ast::is(k, ConstrType::ConstrExclusion);
                        if indexed && k.indexname.is_empty() {
                            cx.report(
                                &ADDING_UNIQUE_CONSTRAINT,
                                k.location,
                                format!(
                                    "constraint {}on existing table {shown} builds its index under an ACCESS EXCLUSIVE lock",
                                    name(&k.conname)
                                ),
                            );
                        }
                    }
                    _ => {}
                }
            }
        }
        NodeEnum::IndexStmt(i) => {
            let Some(rv) = &i.relation else { return };
            let key = ast::table_key(rv);
            let shown = ast::table_shown(rv);
            let no_tx = cx.file.header.no_transaction;
            if i.concurrent && !no_tx && cx.file.header.migration {
                cx.report(
                    &CONCURRENTLY_IN_TRANSACTION,
                    -1,
                    format!(
                        "`CREATE INDEX CONCURRENTLY` on {shown} cannot run in the transaction this migration runs in"
                    ),
                );
            }
            if no_tx && !i.if_not_exists {
                cx.report(
                    &INDEX_WITHOUT_IF_NOT_EXISTS,
                    -1,
                    format!(
                        "index {}on {shown} in a `-- @transaction: none` migration: a failed run leaves it behind and the next run fails",
                        name(&i.idxname)
                    ),
                );
            }
            if !i.concurrent && !cx.is_new(&key) {
                lock_timeout(cx, &shown);
                cx.report(
                    &NON_CONCURRENT_INDEX,
                    -1,
                    format!(
                        "index {}on existing table {shown} is built without CONCURRENTLY: writes to the table wait for the whole build",
                        name(&i.idxname)
                    ),
                );
            }
        }
        NodeEnum::DropStmt(d) if d.remove_type == ObjectType::ObjectIndex as i32 => {
            let no_tx = cx.file.header.no_transaction;
            if d.concurrent && !no_tx && cx.file.header.migration {
                cx.report(
                    &CONCURRENTLY_IN_TRANSACTION,
                    -1,
                    "`DROP INDEX CONCURRENTLY` cannot run in the transaction this migration runs in"
                        .to_owned(),
                );
            }
            if !d.concurrent {
                for o in &d.objects {
                    let Some(NodeEnum::List(l)) = &o.node else {
                        continue;
                    };
                    let index = ast::qualified(&l.items);
                    if !cx.file.new_indexes.contains(&index) {
                        cx.report(
                            &DROPPING_INDEX_NON_CONCURRENTLY,
                            -1,
                            format!(
                                "`DROP INDEX {index}` without CONCURRENTLY locks its table against reads and writes"
                            ),
                        );
                    }
                }
            }
        }
        NodeEnum::ReindexStmt(r) => {
            let concurrent = r.params.iter().any(
                |p| matches!(&p.node, Some(NodeEnum::DefElem(d)) if d.defname == "concurrently"),
            );
            if concurrent && !cx.file.header.no_transaction && cx.file.header.migration {
                cx.report(
                    &CONCURRENTLY_IN_TRANSACTION,
                    -1,
                    "`REINDEX CONCURRENTLY` cannot run in the transaction this migration runs in"
                        .to_owned(),
                );
            }
        }
        NodeEnum::RenameStmt(r) => {
            let table_like = r.rename_type == ObjectType::ObjectTable as i32
                || r.rename_type == ObjectType::ObjectColumn as i32
                || r.rename_type == ObjectType::ObjectTabconstraint as i32;
            if let (true, Some(rv)) = (table_like, &r.relation)
                && !cx.is_new(&ast::table_key(rv))
            {
                lock_timeout(cx, &ast::table_shown(rv));
            }
        }
        NodeEnum::CreateTrigStmt(t) => {
            if let Some(rv) = &t.relation
                && !cx.is_new(&ast::table_key(rv))
            {
                lock_timeout(cx, &ast::table_shown(rv));
            }
        }
        NodeEnum::DropStmt(d) if d.remove_type == ObjectType::ObjectTable as i32 => {
            if let Some(NodeEnum::List(l)) = d.objects.first().and_then(|o| o.node.as_ref()) {
                let table = ast::qualified(&l.items);
                if !cx.is_new(&table) {
                    lock_timeout(cx, &table);
                }
            }
        }
        _ => {}
    }
}

/// `missing-lock-timeout`, once per file, at the first strong lock on an existing table.
fn lock_timeout(cx: &mut Cx<'_>, table: &str) {
    if cx.file.lock_timeout_set || cx.file.lock_timeout_reported {
        return;
    }
    cx.file.lock_timeout_reported = true;
    cx.report(
        &MISSING_LOCK_TIMEOUT,
        -1,
        format!(
            "this statement locks existing table {table}, and no `SET lock_timeout` comes before it in the file"
        ),
    );
}

fn name(n: &str) -> String {
    if n.is_empty() {
        String::new()
    } else {
        format!("`{n}` ")
    }
}
