//! Migrations that a database in use survives. When a change touches a table that already
//! exists (one created by an earlier migration), the plan is split in two files:
//!
//! - the main migration, in one transaction, takes only brief locks: foreign keys and
//!   CHECKs are added `NOT VALID`, a NOT NULL column is added nullable with a
//!   `CHECK (col IS NOT NULL) NOT VALID`, a volatile default is set for new rows only;
//! - a follow-up migration marked `-- @transaction: none` then does the long work without
//!   blocking writers: `CREATE INDEX CONCURRENTLY`, batched backfills that commit as they
//!   go, `VALIDATE CONSTRAINT`, and `SET NOT NULL` (which the validated check makes a
//!   catalog-only change), dropping the temporary check.
//!
//! Every file starts with `lock_timeout` and `statement_timeout`, so a migration waits
//! seconds, not forever, behind a long transaction. `fast` mode (fresh databases, tests)
//! keeps everything in one transactional file.

use crate::model::column::Column;
use crate::model::constraint::ForeignKey;
use crate::model::index::Index;
use crate::model::names::QName;
use crate::model::table::Table;
use crate::plan::diff::{Change, PlanError};
use crate::plan::object::Object;
use crate::sql::ident::{ident, qname};
use crate::sql::render::{self, LockMode, Stmt};
use std::collections::HashSet;

/// The session settings every generated migration starts with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// How long a statement waits for a lock before the migration fails (and can be rerun).
    pub lock_timeout: String,
    /// How long one statement of a transactional migration may run.
    pub statement_timeout: String,
    /// The same for the follow-up migration: index builds and backfills take as long as
    /// the table is big, so the default is no limit.
    pub online_statement_timeout: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            lock_timeout: "5s".into(),
            statement_timeout: "15min".into(),
            online_statement_timeout: "0".into(),
        }
    }
}

impl Settings {
    /// The `SET` lines at the top of a migration file. In a transaction they are `LOCAL`,
    /// so they end with it.
    pub fn preamble(&self, transactional: bool) -> String {
        let (set, timeout) = if transactional {
            ("SET LOCAL", &self.statement_timeout)
        } else {
            ("SET", &self.online_statement_timeout)
        };
        format!(
            "{set} lock_timeout = {};\n{set} statement_timeout = {};\n",
            crate::model::expr::quote_literal(&self.lock_timeout),
            crate::model::expr::quote_literal(timeout)
        )
    }
}

/// How a migration is generated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Everything in one transactional file, with plain (blocking) statements: for fresh
    /// databases and tests, where nobody waits on a lock.
    pub fast: bool,
    pub settings: Settings,
}

/// The up statements of a plan, split for a database in use.
#[derive(Debug, Default)]
pub struct Split {
    /// One line per change that has statements (`+ table core.users`), for the plan.
    pub summary: Vec<String>,
    pub main: Vec<Stmt>,
    pub follow_up: Vec<Stmt>,
    pub follow_up_down: Vec<Stmt>,
    /// Indexes built concurrently in the follow-up: its down file drops them, so the main
    /// down file leaves them out.
    pub concurrent_indexes: HashSet<String>,
}

/// Splits the up changes of a plan. `existing` are the tables the previous migrations
/// created; `new_fk_targets` the (table, columns) that foreign keys new in this plan
/// reference (a unique index they need must exist before them, in the main file).
pub fn split(
    changes: &[Change<'_>],
    existing: &HashSet<&QName>,
    new_fk_targets: &HashSet<(QName, Vec<String>)>,
    fast: bool,
) -> Result<Split, PlanError> {
    let mut out = Split::default();
    for c in changes {
        let before = out.main.len() + out.follow_up.len();
        match *c {
            // PostgreSQL 15 builds no index CONCURRENTLY on a partitioned table, and adds no NOT
            // VALID foreign key to one: those changes stay in the main file.
            Change::Create(Object::Index(t, ix))
                if !fast && existing.contains(&t.name) && t.partition_by.is_none() =>
            {
                let cols: Vec<String> = ix
                    .keys
                    .iter()
                    .filter_map(|k| match &k.target {
                        crate::model::index::IndexTarget::Column(c) => Some(c.clone()),
                        crate::model::index::IndexTarget::Expr(_) => None,
                    })
                    .collect();
                if ix.unique && new_fk_targets.contains(&(t.name.clone(), cols)) {
                    out.main.extend(c.statements());
                } else {
                    out.follow_up.push(render::create_index_concurrently(t, ix));
                    out.follow_up.extend(render::index_comment(t, ix, None));
                    out.follow_up_down
                        .push(render::drop_index_concurrently(t, ix));
                    out.concurrent_indexes.insert(index_name(t, ix));
                }
            }
            Change::Create(Object::LaterFk(t, fk))
                if !fast
                    && existing.contains(&t.name)
                    && existing.contains(&fk.ref_table)
                    && t.partition_by.is_none() =>
            {
                out.main.push(render::add_foreign_key_not_valid(t, fk));
                out.follow_up
                    .push(render::validate_constraint(t, &fk.name, Some(fk)));
            }
            Change::AlterTablePost { old, new } if !fast && new.partition_by.is_none() => {
                let (main, follow) = alter_table_online(old, new)?;
                out.main.extend(main);
                out.follow_up.extend(follow);
            }
            _ => out.main.extend(c.statements()),
        }
        if out.main.len() + out.follow_up.len() > before {
            let line = c.summary();
            if out.summary.last() != Some(&line) {
                out.summary.push(line);
            }
        }
    }
    Ok(out)
}

/// `schema.index`, as the drop of an index names it.
pub fn index_name(t: &Table, ix: &Index) -> String {
    format!("{}.{}", t.name.schema, ix.name)
}

fn needs_backfill(t: &Table, c: &Column) -> PlanError {
    PlanError::Needs {
        code: crate::validate::Code::NotNullWithoutBackfill,
        object: format!("{}.{}", t.name, c.name),
        origin: c.origin,
        message: format!(
            "{}.{} is a new NOT NULL column without a default on an existing table: its rows need a value",
            t.name, c.name
        ),
        help: "declare `.backfill(\"<expression>\")` on the column (it fills the existing rows in batches), or a default; \
               `codegen --fast` adds it in one step instead, for a table known to be empty"
            .into(),
    }
}

/// The name of the temporary `CHECK (col IS NOT NULL)` of the NOT NULL pattern.
fn not_null_check(t: &Table, c: &Column) -> String {
    crate::validate::object_name(&t.name.name, &c.name, "not_null")
}

/// An existing table's second alteration half for a database in use.
fn alter_table_online(old: &Table, new: &Table) -> Result<(Vec<Stmt>, Vec<Stmt>), PlanError> {
    let mut main = Vec::new();
    let mut follow = Vec::new();
    // Columns: what the plain form would do, with the long parts moved out.
    let mut relaxed = new.clone();
    for (i, c) in new.columns.iter().enumerate() {
        let prev = old.find_column(&c.name);
        let rebuilt = prev.is_some_and(|p| p.generated != c.generated && c.generated.is_some());
        let added = prev.is_none() || rebuilt;
        // A serial column fills its rows from its sequence, like an identity column.
        let not_null = !c.nullable && c.identity.is_none() && !c.serial && c.generated.is_none();
        let volatile = c
            .default
            .as_ref()
            .is_some_and(|d| crate::sql::scan::is_volatile(d.as_str()));
        let fill = c
            .backfill
            .as_ref()
            .or(volatile.then_some(()).and(c.default.as_ref()));
        if added && (volatile || (not_null && c.default.is_none())) {
            let Some(expr) = fill else {
                return Err(needs_backfill(new, c));
            };
            let r = &mut relaxed.columns[i];
            r.nullable = true;
            r.default = None;
            relaxed_steps(&mut main, &mut follow, new, c, expr.as_str(), not_null);
        } else if let Some(p) = prev.filter(|_| !added)
            && not_null
            && (p.nullable && p.identity.is_none())
        {
            // SET NOT NULL on an existing column: validated check first, then a
            // catalog-only SET NOT NULL.
            relaxed.columns[i].nullable = true;
            let check = not_null_check(new, c);
            main.push(not_null_check_not_valid(new, c, &check));
            if let Some(b) = &c.backfill {
                follow.push(backfill(new, c, b.as_str()));
            }
            follow.extend(finish_not_null(new, c, &check));
        }
    }
    let early = crate::plan::diff::early_drops(old, new);
    let mut plain: Vec<Stmt> = render::alter_table_post(old, &relaxed)
        .into_iter()
        .filter(|s| !early.contains(&s.sql))
        .collect();
    // NOT VALID for foreign keys and checks new on this table; validated in the follow-up.
    let prefix = format!("{}.", new.name);
    for s in &mut plain {
        if s.kind == "constraint"
            && let Some(cname) = s.name.strip_prefix(&prefix).map(str::to_owned)
            && s.sql.contains(" ADD ")
            // Declared NOT VALID: validated when the declaration says so, not now.
            && !s.sql.ends_with(" NOT VALID;")
        {
            let fk = new.foreign_keys.iter().find(|f| f.name == cname);
            let check = new.checks.iter().any(|k| k.name == cname);
            if fk.is_some() || check {
                *s = render::constraint_not_valid(new, &cname);
                follow.push(render::validate_constraint(new, &cname, fk));
            }
        }
    }
    // The relaxed columns' own steps come right after the plain half's ADD COLUMN.
    main.splice(0..0, plain);
    Ok((main, follow))
}

/// Main: a column that needs filling gets no NOT NULL and, for a volatile default, the
/// default only for new rows (setting it after `ADD COLUMN` fills nothing). Follow-up:
/// the batched backfill and, for NOT NULL, the validated-check steps.
fn relaxed_steps(
    main: &mut Vec<Stmt>,
    follow: &mut Vec<Stmt>,
    t: &Table,
    c: &Column,
    fill: &str,
    not_null: bool,
) {
    if let Some(d) = &c.default {
        main.push(
            Stmt::new(
                "column",
                format!("{}.{}", t.name, c.name),
                format!(
                    "ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {};",
                    qname(&t.name),
                    ident(&c.name),
                    d.as_str()
                ),
            )
            .locks(LockMode::AccessExclusive, &[&t.name]),
        );
    }
    if not_null {
        let check = not_null_check(t, c);
        main.push(not_null_check_not_valid(t, c, &check));
        follow.push(backfill(t, c, fill));
        follow.extend(finish_not_null(t, c, &check));
    } else {
        follow.push(backfill(t, c, fill));
    }
}

fn not_null_check_not_valid(t: &Table, c: &Column, check: &str) -> Stmt {
    Stmt::new(
        "constraint",
        format!("{}.{check}", t.name),
        format!(
            "ALTER TABLE {} ADD CONSTRAINT {} CHECK ({} IS NOT NULL) NOT VALID;",
            qname(&t.name),
            ident(check),
            ident(&c.name)
        ),
    )
    .locks(LockMode::AccessExclusive, &[&t.name])
}

/// VALIDATE (no write lock), SET NOT NULL (the validated check spares the scan), and the
/// check goes.
fn finish_not_null(t: &Table, c: &Column, check: &str) -> Vec<Stmt> {
    let table = qname(&t.name);
    vec![
        render::validate_constraint(t, check, None),
        Stmt::new(
            "column",
            format!("{}.{}", t.name, c.name),
            format!(
                "ALTER TABLE {table} ALTER COLUMN {} SET NOT NULL;",
                ident(&c.name)
            ),
        )
        .locks(LockMode::AccessExclusive, &[&t.name]),
        Stmt::new(
            "constraint",
            format!("{}.{check}", t.name),
            format!(
                "ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {};",
                ident(check)
            ),
        )
        .locks(LockMode::AccessExclusive, &[&t.name]),
    ]
}

/// Fills the NULLs of a column in batches of 1,000 rows, each committed, so writers wait
/// for one batch at most. A value the expression leaves NULL stops it (it would loop).
fn backfill(t: &Table, c: &Column, expr: &str) -> Stmt {
    let table = qname(&t.name);
    let col = ident(&c.name);
    let message = crate::model::expr::quote_literal(&format!(
        "{}.{}: the backfill expression gave NULL",
        t.name, c.name
    ));
    let body = format!(
        "\nDECLARE\n    done bigint;\n    nulls bigint;\nBEGIN\n    LOOP\n        \
         WITH batch AS (\n            UPDATE {table} SET {col} = {expr}\n             \
         WHERE ctid = ANY (ARRAY(SELECT ctid FROM {table} WHERE {col} IS NULL LIMIT 1000))\n            \
         RETURNING {col}\n        )\n        \
         SELECT count(*), count(*) FILTER (WHERE {col} IS NULL) INTO done, nulls FROM batch;\n        \
         IF nulls > 0 THEN\n            RAISE EXCEPTION USING MESSAGE = {message};\n        END IF;\n        \
         EXIT WHEN done = 0;\n        COMMIT;\n    END LOOP;\nEND\n"
    );
    let mut tag = "$backfill$".to_owned();
    let mut n = 0;
    while body.contains(&tag) {
        n += 1;
        tag = format!("$backfill{n}$");
    }
    Stmt::new(
        "backfill",
        format!("{}.{}", t.name, c.name),
        format!("DO {tag}{body}{tag};"),
    )
    .locks(LockMode::RowExclusive, &[&t.name])
}

/// The (table, columns) pairs that foreign keys of `new` reference and `old` did not.
pub fn new_fk_targets(old: &[&ForeignKey], new: &[&ForeignKey]) -> HashSet<(QName, Vec<String>)> {
    // Keyed, not compared pairwise: a schema of thousands of foreign keys plans this on
    // every run.
    let key = |f: &&ForeignKey| {
        (
            f.name.clone(),
            f.ref_table.clone(),
            f.columns.clone(),
            f.ref_columns.clone(),
        )
    };
    let before: HashSet<_> = old.iter().map(key).collect();
    new.iter()
        .filter(|f| !before.contains(&key(f)))
        .map(|f| (f.ref_table.clone(), f.ref_columns.clone()))
        .collect()
}
