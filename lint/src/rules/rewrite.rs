//! Statements that rewrite every row of an existing table under an ACCESS EXCLUSIVE lock.

use pg_query::NodeEnum;
use pg_query::protobuf::{AlterTableType, ConstrType, ObjectType};

use super::Rule;
use crate::Severity::Error;
use crate::ast;
use crate::engine::Cx;

const FAMILY: &str = "rewrite";

pub const CHANGING_COLUMN_TYPE: Rule = Rule {
    code: "changing-column-type",
    severity: Error,
    family: FAMILY,
    title: "Changing a column's type on an existing table",
    why: "Most type changes rewrite the whole table and rebuild its indexes under an ACCESS EXCLUSIVE lock; running code that reads or writes the old type may break as well. Only a few changes are free (`varchar(n)` to a longer `varchar` or to `text`, `numeric(p,s)` to a larger precision with the same scale), and the linter accepts those when it knows the old type from the linted files.",
    alternative: "Add a new column of the new type, write to both (trigger or application), backfill in batches, switch readers, then drop the old column in a later release.",
    bad: "ALTER TABLE core.users ALTER COLUMN id TYPE bigint;",
    good: "ALTER TABLE core.users ADD COLUMN id_big bigint;",
};

pub const VARCHAR_NARROWING: Rule = Rule {
    code: "varchar-narrowing",
    severity: Error,
    family: FAMILY,
    title: "Shortening a `varchar(n)` column",
    why: "A shorter length makes PostgreSQL check every row under an ACCESS EXCLUSIVE lock, fails the migration if any value is too long, and makes the application's longer writes fail afterwards.",
    alternative: "Keep the length and add `CHECK (char_length(col) <= n) NOT VALID`, then `VALIDATE CONSTRAINT` after cleaning the long values.",
    bad: "CREATE TABLE t (code varchar(50));\n-- next file\nALTER TABLE t ALTER COLUMN code TYPE varchar(10);",
    good: "ALTER TABLE t ADD CONSTRAINT t_code_length CHECK (char_length(code) <= 10) NOT VALID;",
};

pub const ADDING_VOLATILE_DEFAULT: Rule = Rule {
    code: "adding-volatile-default",
    severity: Error,
    family: FAMILY,
    title: "Adding a column whose DEFAULT is volatile to an existing table",
    why: "A constant default is stored once in the catalog, but a volatile one (`gen_random_uuid()`, `random()`, `clock_timestamp()`, `nextval()`) must be computed per row: PostgreSQL rewrites the whole table under an ACCESS EXCLUSIVE lock.",
    alternative: "Add the column without a default (or with a constant), `ALTER COLUMN … SET DEFAULT` the volatile expression for new rows, and backfill the existing rows in batches.",
    bad: "ALTER TABLE core.users ADD COLUMN token uuid DEFAULT gen_random_uuid();",
    good: "ALTER TABLE core.users ADD COLUMN token uuid;",
};

pub const ADDING_GENERATED_COLUMN: Rule = Rule {
    code: "adding-generated-column",
    severity: Error,
    family: FAMILY,
    title: "Adding a stored generated or identity column to an existing table",
    why: "PostgreSQL computes the value of a `GENERATED ALWAYS AS (…) STORED` or identity column for every existing row: a full rewrite under an ACCESS EXCLUSIVE lock.",
    alternative: "Add a plain column, fill it with a trigger for new rows and a batched backfill for old ones; or compute the value in a view or at query time.",
    bad: "ALTER TABLE core.users ADD COLUMN email_lower text GENERATED ALWAYS AS (lower(email)) STORED;",
    good: "ALTER TABLE core.users ADD COLUMN email_lower text;",
};

pub const REWRITING_TABLE: Rule = Rule {
    code: "rewriting-table",
    severity: Error,
    family: FAMILY,
    title: "`VACUUM FULL`, `CLUSTER`, `SET LOGGED`/`UNLOGGED`, `SET TABLESPACE` or `SET ACCESS METHOD` on an existing table",
    why: "Each of these writes a new copy of the table (and its indexes) while an ACCESS EXCLUSIVE lock keeps every query out.",
    alternative: "Run such maintenance outside migrations, in a maintenance window, or use an online tool (pg_repack) that copies the table without the long lock.",
    bad: "VACUUM FULL core.users;",
    good: "VACUUM core.users;",
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
            for cmd in &a.cmds {
                let Some(NodeEnum::AlterTableCmd(cmd)) = &cmd.node else {
                    continue;
                };
                let def = cmd.def.as_ref().and_then(|d| d.node.as_ref());
                match (AlterTableType::try_from(cmd.subtype), def) {
                    (Ok(AlterTableType::AtAlterColumnType), Some(NodeEnum::ColumnDef(col))) => {
                        type_change(cx, &key, &shown, &cmd.name, col);
                    }
                    (Ok(AlterTableType::AtAddColumn), Some(NodeEnum::ColumnDef(col))) => {
                        if let Some(f) = ast::default_expr(col).and_then(ast::volatile_call) {
                            cx.report(
                                &ADDING_VOLATILE_DEFAULT,
                                col.location,
                                format!(
                                    "column `{}` is added to {shown} with a default calling `{f}()`: every row is rewritten",
                                    col.colname
                                ),
                            );
                        }
                        let generated = ast::column_constraints(col).any(|k| {
                            (ast::is(k, ConstrType::ConstrGenerated))
                                || ast::is(k, ConstrType::ConstrIdentity)
                        });
                        if generated {
                            cx.report(
                                &ADDING_GENERATED_COLUMN,
                                col.location,
                                format!(
                                    "generated column `{}` is computed for every existing row of {shown}",
                                    col.colname
                                ),
                            );
                        }
                    }
                    (
                        Ok(
                            t @ (AlterTableType::AtSetLogged
                            | AlterTableType::AtSetUnLogged
                            | AlterTableType::AtSetTableSpace
                            | AlterTableType::AtSetAccessMethod),
                        ),
                        _,
                    ) => {
                        let what = match t {
                            AlterTableType::AtSetLogged => "SET LOGGED",
                            AlterTableType::AtSetUnLogged => "SET UNLOGGED",
                            AlterTableType::AtSetTableSpace => "SET TABLESPACE",
                            _ => "SET ACCESS METHOD",
                        };
                        cx.report(
                            &REWRITING_TABLE,
                            -1,
                            format!("`{what}` rewrites {shown} under an ACCESS EXCLUSIVE lock"),
                        );
                    }
                    _ => {}
                }
            }
        }
        NodeEnum::VacuumStmt(v) => {
            let full = v.is_vacuumcmd
                && v.options
                    .iter()
                    .any(|o| matches!(&o.node, Some(NodeEnum::DefElem(d)) if d.defname == "full"));
            if full {
                cx.report(
                    &REWRITING_TABLE,
                    -1,
                    "`VACUUM FULL` rewrites the table under an ACCESS EXCLUSIVE lock".to_owned(),
                );
            }
        }
        NodeEnum::ClusterStmt(c) => {
            let new = c
                .relation
                .as_ref()
                .is_some_and(|rv| cx.is_new(&ast::table_key(rv)));
            if !new {
                cx.report(
                    &REWRITING_TABLE,
                    -1,
                    "`CLUSTER` rewrites the table under an ACCESS EXCLUSIVE lock".to_owned(),
                );
            }
        }
        _ => {}
    }
}

fn type_change(
    cx: &mut Cx<'_>,
    key: &str,
    shown: &str,
    column: &str,
    col: &pg_query::protobuf::ColumnDef,
) {
    let Some(new) = ast::column_type(col) else {
        return;
    };
    let (new_base, new_mods) = (ast::type_base(new), ast::typmods(new));
    let old = cx
        .state
        .column_types
        .get(&(key.to_owned(), column.to_owned()))
        .cloned();
    if let Some((old_base, old_mods)) = &old
        && old_base == "varchar"
    {
        match (new_base, old_mods.first(), new_mods.first()) {
            ("varchar", Some(&o), Some(&n)) if n < o => {
                cx.report(
                    &VARCHAR_NARROWING,
                    -1,
                    format!(
                        "{shown}.{column} goes from varchar({o}) to varchar({n}): every row is checked under lock and longer values fail"
                    ),
                );
                return;
            }
            ("varchar", Some(_), None) | ("varchar", None, None) | ("text", _, _) => return,
            ("varchar", Some(&o), Some(&n)) if n >= o => return,
            _ => {}
        }
    }
    // numeric(p, s) -> numeric(p2, s) with p2 >= p (or unconstrained numeric) keeps every
    // value as stored: PostgreSQL skips the rewrite.
    if let Some((old_base, old_mods)) = &old
        && old_base == "numeric"
        && new_base == "numeric"
    {
        let scale = |m: &[i64]| m.get(1).copied().unwrap_or(0);
        let widening = new_mods.is_empty()
            || (!old_mods.is_empty()
                && new_mods[0] >= old_mods[0]
                && scale(&new_mods) == scale(old_mods));
        if widening {
            return;
        }
    }
    let old_shown = old.map_or_else(String::new, |(b, m)| {
        if m.is_empty() {
            format!(" from {b}")
        } else {
            format!(
                " from {b}({})",
                m.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(",")
            )
        }
    });
    cx.report(
        &CHANGING_COLUMN_TYPE,
        -1,
        format!(
            "{shown}.{column} changes type{old_shown} to {new_base}: the table may be rewritten under an ACCESS EXCLUSIVE lock"
        ),
    );
}
