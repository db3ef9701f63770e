//! Tables: columns in attnum order with the constraints of one column on the column
//! (under PostgreSQL's default names, or named when the name differs), then the
//! constraints of several columns, indexes, triggers, RLS and policies.

use super::objects::list;
use super::{Ctx, column, exclusion, index, partition, policy, rows, trigger};
use crate::names::string;
use ddl::model::constraint::{Check, Deferrable, FkAction, ForeignKey, PrimaryKey, Unique};
use ddl::model::table::{Rls, Table};
use std::collections::HashSet;
use std::fmt::Write as _;

pub(super) fn table(ctx: &Ctx, t: &Table) -> String {
    let Table {
        name,
        columns,
        primary_key,
        uniques,
        checks,
        foreign_keys,
        indexes,
        triggers,
        rls,
        policies,
        comment,
        rows,
        partition_by,
        partition_of,
        exclusions,
        renamed_from: _,
        origin: _,
    } = t;
    let tname = &name.name;
    let mut out = match partition_of {
        Some(p) => partition::partition_of(ctx, name, p),
        None => format!("Table::new({})", ctx.table(name)),
    };
    // Comments of the primary key, unique and check constraints: `.constraint_comment`
    // once they are all declared.
    let mut constraint_comments: Vec<(&String, &String)> = Vec::new();
    if let Some(c) = comment {
        let _ = write!(out, "\n.comment({})", string(c));
    }
    // What goes on a column, by index into the table's lists.
    let single = |cols: &[String]| (cols.len() == 1).then(|| cols[0].clone());
    let pk_inline = primary_key
        .as_ref()
        .and_then(|p| single(&p.columns).map(|c| (c, p)));
    let mut uniques_done = HashSet::new();
    let mut checks_done = HashSet::new();
    let mut fks_done = HashSet::new();
    for c in columns {
        let mut extra = String::new();
        let is_pk = pk_inline.as_ref().is_some_and(|(col, _)| *col == c.name);
        if let Some((_, PrimaryKey { name: pk, .. })) = pk_inline.as_ref().filter(|_| is_pk) {
            if *pk == format!("{tname}_pkey") {
                extra.push_str(".primary_key()");
            } else {
                let _ = write!(extra, ".primary_key_named({})", string(pk));
            }
        }
        for (i, u) in uniques.iter().enumerate() {
            let Unique {
                name: un,
                columns: ucols,
                nulls_not_distinct,
                comment: _,
                renamed_from: _,
                origin: _,
            } = u;
            if !nulls_not_distinct && single(ucols).as_deref() == Some(c.name.as_str()) {
                uniques_done.insert(i);
                if *un == format!("{tname}_{}_key", c.name) {
                    extra.push_str(".unique()");
                } else {
                    let _ = write!(extra, ".unique_named({})", string(un));
                }
            }
        }
        for (i, ch) in checks.iter().enumerate() {
            if !ch.not_valid && ch.name == format!("{tname}_{}_check", c.name) {
                checks_done.insert(i);
                let _ = write!(extra, ".check({})", string(ch.expr.as_str()));
            }
        }
        for (i, fk) in foreign_keys.iter().enumerate() {
            if single(&fk.columns).as_deref() == Some(c.name.as_str()) && fk.ref_columns.len() == 1
            {
                fks_done.insert(i);
                extra.push_str(&column_fk(ctx, tname, fk));
            }
        }
        let _ = write!(out, "\n.column({})", column::column(ctx, c, is_pk, &extra));
    }
    if let Some(p) = primary_key.as_ref().filter(|_| pk_inline.is_none()) {
        let PrimaryKey {
            name: pk,
            columns,
            comment: _,
            renamed_from: _,
            origin: _,
        } = p;
        if *pk == format!("{tname}_pkey") {
            let _ = write!(out, "\n.primary_key({})", list(columns));
        } else {
            let _ = write!(
                out,
                "\n.primary_key_named({}, {})",
                string(pk),
                list(columns)
            );
        }
    }
    for (i, u) in uniques.iter().enumerate() {
        if uniques_done.contains(&i) {
            continue;
        }
        let cols = list(&u.columns);
        if u.nulls_not_distinct {
            let _ = write!(
                out,
                "\n.unique_nulls_not_distinct({}, {cols})",
                string(&u.name)
            );
        } else if u.name == format!("{tname}_{}_key", u.columns.join("_")) {
            let _ = write!(out, "\n.unique({cols})");
        } else {
            let _ = write!(out, "\n.unique_named({}, {cols})", string(&u.name));
        }
    }
    for (i, c) in checks.iter().enumerate() {
        if checks_done.contains(&i) {
            continue;
        }
        let Check {
            name,
            expr,
            not_valid,
            comment: _,
            renamed_from: _,
            origin: _,
        } = c;
        let builder = if *not_valid {
            "check_not_valid"
        } else {
            "check"
        };
        let _ = write!(
            out,
            "\n.{builder}({}, {})",
            string(name),
            string(expr.as_str())
        );
    }
    for e in exclusions {
        let _ = write!(out, "\n.exclude({})", exclusion::exclusion(e));
    }
    if let Some(p) = primary_key {
        constraint_comments.extend(p.comment.as_ref().map(|c| (&p.name, c)));
    }
    for u in uniques {
        constraint_comments.extend(u.comment.as_ref().map(|c| (&u.name, c)));
    }
    for c in checks {
        constraint_comments.extend(c.comment.as_ref().map(|t| (&c.name, t)));
    }
    constraint_comments.sort();
    for (n, c) in constraint_comments {
        let _ = write!(out, "\n.constraint_comment({}, {})", string(n), string(c));
    }
    for (i, fk) in foreign_keys.iter().enumerate() {
        if !fks_done.contains(&i) {
            let _ = write!(out, "\n.foreign_key({})", table_fk(ctx, tname, fk));
        }
    }
    for i in indexes {
        let _ = write!(out, "\n.index({})", index::index(tname, i));
    }
    for tr in triggers {
        let _ = write!(out, "\n.trigger({})", trigger::trigger(ctx, tr));
    }
    let Rls { enabled, forced } = rls;
    if *forced {
        out.push_str("\n.force_rls()");
    } else if *enabled {
        out.push_str("\n.enable_rls()");
    }
    for p in policies {
        let _ = write!(out, "\n.policy({})", policy::policy(p));
    }
    if let Some(p) = partition_by {
        let _ = write!(out, "\n{}", partition::partition_by(p));
    }
    if let Some(r) = rows {
        let _ = write!(out, "\n.rows({})", rows::rows(r));
    }
    out
}

fn action(a: FkAction) -> &'static str {
    match a {
        FkAction::NoAction => "FkAction::NoAction",
        FkAction::Restrict => "FkAction::Restrict",
        FkAction::Cascade => "FkAction::Cascade",
        FkAction::SetNull => "FkAction::SetNull",
        FkAction::SetDefault => "FkAction::SetDefault",
    }
}

/// The shaping calls of a foreign key (`.name(..)`, `.on_update(..)`, `.deferrable()`),
/// the name only when it is not PostgreSQL's default; `on_delete` too unless `column`.
fn shape(tname: &str, fk: &ForeignKey, with_on_delete: bool) -> String {
    let ForeignKey {
        name,
        columns,
        ref_table: _,
        ref_columns: _,
        on_delete,
        on_update,
        deferrable,
        add_later,
        match_full,
        on_delete_columns,
        not_valid,
        comment,
        renamed_from: _,
        origin: _,
    } = fk;
    let mut out = String::new();
    if *name != format!("{tname}_{}_fkey", columns.join("_")) {
        let _ = write!(out, ".name({})", string(name));
    }
    if !on_delete_columns.is_empty() {
        // `ON DELETE SET NULL (cols)`: the action comes with its columns.
        let builder = match on_delete {
            FkAction::SetDefault => "on_delete_set_default",
            _ => "on_delete_set_null",
        };
        let _ = write!(out, ".{builder}({})", list(on_delete_columns));
    } else if with_on_delete && *on_delete != FkAction::NoAction {
        let _ = write!(out, ".on_delete({})", action(*on_delete));
    }
    if *match_full {
        out.push_str(".match_full()");
    }
    if *not_valid {
        out.push_str(".not_valid()");
    }
    if let Some(c) = comment {
        let _ = write!(out, ".comment({})", string(c));
    }
    if *on_update != FkAction::NoAction {
        let _ = write!(out, ".on_update({})", action(*on_update));
    }
    match deferrable {
        Deferrable::No => {}
        Deferrable::InitiallyDeferred => out.push_str(".deferrable()"),
        Deferrable::InitiallyImmediate => out.push_str(".deferrable_immediate()"),
    }
    if *add_later {
        out.push_str(".add_later()");
    }
    out
}

fn column_fk(ctx: &Ctx, tname: &str, fk: &ForeignKey) -> String {
    let mut out = format!(
        ".references({}, {})",
        ctx.table(&fk.ref_table),
        string(&fk.ref_columns[0])
    );
    if fk.on_delete != FkAction::NoAction && fk.on_delete_columns.is_empty() {
        let _ = write!(out, ".on_delete({})", action(fk.on_delete));
    }
    let rest = shape(tname, fk, false);
    if !rest.is_empty() {
        let _ = write!(out, ".fk(|f| f{rest})");
    }
    out
}

fn table_fk(ctx: &Ctx, tname: &str, fk: &ForeignKey) -> String {
    format!(
        "ForeignKey::new({}, {}, {}){}",
        list(&fk.columns),
        ctx.table(&fk.ref_table),
        list(&fk.ref_columns),
        shape(tname, fk, true)
    )
}
