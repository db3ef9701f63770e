//! Hostile text: every name, every piece of text and every raw SQL fragment of a
//! declaration, checked in one place so that no object kind is forgotten.
//!
//! - Names may hold any character but control characters: a newline in a name would end
//!   the `-- kind: name` line of a migration file and turn the rest into SQL.
//! - Text written as a quoted literal (comments, enum values, string defaults, trigger
//!   arguments) or dollar-quoted (function bodies) may hold anything but NUL, which
//!   PostgreSQL cannot store.
//! - Raw SQL fragments must stay inside their statement (see [`crate::sql::fragment`]).

use super::{Code, Ctx, MAX_IDENTIFIER_BYTES};
use crate::model::column::Column;
use crate::model::database::Database;
use crate::model::expr::{Literal, SqlExpr};
use crate::model::index::IndexTarget;
use crate::model::names::{FunctionSource, Origin, QName};
use crate::model::objects::FunctionDep;
use crate::model::table::Table;
use crate::model::trigger::TriggerEvent;
use crate::model::types::ColumnType;
use crate::sql::fragment;

pub(super) fn check(db: &Database, cx: &mut Ctx<'_>) {
    for e in &db.extensions {
        name(cx, "extension", &e.name, &e.name, e.origin);
        if let Some(s) = &e.schema {
            name(cx, "schema", &e.name, s, e.origin);
        }
        for f in &e.provides {
            name(cx, "function", &e.name, f, e.origin);
        }
    }
    for s in &db.schemas {
        name(cx, "schema", &s.name, &s.name, s.origin);
        text(cx, "comment", &s.name, s.comment.as_deref(), s.origin);
    }
    for e in &db.enums {
        let object = qname(cx, "type", &e.name, e.origin);
        for v in &e.values {
            name(cx, "enum value", &object, v, e.origin);
            if v.len() > MAX_IDENTIFIER_BYTES {
                cx.push(
                    Code::IdentifierTooLong,
                    &object,
                    e.origin,
                    format!(
                        "the enum value `{v}` is {} bytes; PostgreSQL allows at most {MAX_IDENTIFIER_BYTES}",
                        v.len()
                    ),
                    "shorten the value",
                );
            }
        }
        text(cx, "comment", &object, e.comment.as_deref(), e.origin);
    }
    for f in &db.functions {
        let object = qname(cx, "function", &f.name, f.origin);
        for a in &f.args {
            name(cx, "argument", &object, &a.name, f.origin);
            sql(cx, "argument type", &object, &a.ty, f.origin);
            if let Some(d) = &a.default {
                sql(cx, "argument default", &object, d, f.origin);
            }
        }
        sql(cx, "return type", &object, &f.returns, f.origin);
        name(cx, "language", &object, &f.language, f.origin);
        sql(cx, "language", &object, &f.language, f.origin);
        for (k, v) in &f.config {
            name(cx, "setting", &object, k, f.origin);
            sql(cx, "setting value", &object, v, f.origin);
        }
        for d in &f.depends_on {
            match d {
                FunctionDep::Table(q) => {
                    qname(cx, "table", q, f.origin);
                }
                FunctionDep::Function(q) => {
                    qname(cx, "function", q, f.origin);
                }
                FunctionDep::Extension(e) => name(cx, "extension", &object, e, f.origin),
            }
        }
        text(cx, "body", &object, Some(&f.body), f.origin);
        text(cx, "comment", &object, f.comment.as_deref(), f.origin);
    }
    for a in &db.aggregates {
        let object = qname(cx, "aggregate", &a.name, a.origin);
        for ty in a.args.iter().chain([&a.stype]) {
            sql(cx, "argument type", &object, ty, a.origin);
        }
        for f in std::iter::once(&a.sfunc).chain(&a.finalfunc) {
            qname(cx, "function", f, a.origin);
        }
        text(
            cx,
            "initial condition",
            &object,
            a.initcond.as_deref(),
            a.origin,
        );
        text(cx, "comment", &object, a.comment.as_deref(), a.origin);
    }
    for t in &db.tables {
        table(cx, t);
        let tn = t.name.to_string();
        if let Some(by) = &t.partition_by {
            for k in &by.keys {
                match k {
                    crate::model::partition::PartitionKey::Column(c) => {
                        name(cx, "column", &tn, c, by.origin)
                    }
                    crate::model::partition::PartitionKey::Expr(e) => {
                        expr(cx, "partition key", &tn, e, by.origin)
                    }
                }
            }
        }
        if let Some(p) = &t.partition_of {
            qname(cx, "table", &p.parent, t.origin);
            for v in p.bound.values() {
                sql(cx, "partition bound value", &tn, v, t.origin);
            }
        }
    }
    for r in &db.roles {
        name(cx, "role", &r.name, &r.name, r.origin);
    }
    for g in &db.grants {
        let object = g.key();
        name(cx, "role", &object, &g.to, g.origin);
        name(cx, "object", &object, &g.on.display(), g.origin);
        for c in &g.columns {
            name(cx, "column", &object, c, g.origin);
        }
    }
    for d in &db.default_privileges {
        let object = d.key();
        for n in [&d.schema, &d.to].into_iter().chain(d.for_role.iter()) {
            name(cx, "role or schema", &object, n, d.origin);
        }
    }
    super::views::hostile_text(db, cx);
    types_and_sequences(db, cx);
}

/// Sequences, domains, composite and range types.
fn types_and_sequences(db: &Database, cx: &mut Ctx<'_>) {
    for s in &db.sequences {
        let object = qname(cx, "sequence", &s.name, s.origin);
        if let Some((t, c)) = &s.owned_by {
            qname(cx, "table", t, s.origin);
            name(cx, "column", &object, c, s.origin);
        }
        text(cx, "comment", &object, s.comment.as_deref(), s.origin);
    }
    for d in &db.domains {
        let object = qname(cx, "type", &d.name, d.origin);
        column_type(cx, &object, &d.base, d.origin);
        if let Some(c) = &d.collation {
            name(cx, "collation", &object, c, d.origin);
        }
        if let Some(e) = &d.default {
            expr(cx, "default", &object, e, d.origin);
        }
        for c in &d.checks {
            name(cx, "check constraint", &object, &c.name, c.origin);
            expr(cx, "check", &object, &c.expr, c.origin);
        }
        text(cx, "comment", &object, d.comment.as_deref(), d.origin);
    }
    for c in &db.composites {
        let object = qname(cx, "type", &c.name, c.origin);
        for f in &c.fields {
            name(cx, "field", &object, &f.name, c.origin);
            column_type(cx, &object, &f.ty, c.origin);
        }
        text(cx, "comment", &object, c.comment.as_deref(), c.origin);
    }
    for r in &db.ranges {
        let object = qname(cx, "type", &r.name, r.origin);
        column_type(cx, &object, &r.subtype, r.origin);
        text(cx, "comment", &object, r.comment.as_deref(), r.origin);
    }
}

fn table(cx: &mut Ctx<'_>, t: &Table) {
    let tn = qname(cx, "table", &t.name, t.origin);
    text(cx, "comment", &tn, t.comment.as_deref(), t.origin);
    for c in &t.columns {
        column(cx, &tn, c);
    }
    let columns = |cx: &mut Ctx<'_>, what: &str, object: &str, cols: &[String], o: Origin| {
        for c in cols {
            name(cx, what, object, c, o);
        }
    };
    if let Some(pk) = &t.primary_key {
        name(cx, "primary key", &tn, &pk.name, pk.origin);
        columns(cx, "column", &tn, &pk.columns, pk.origin);
    }
    for u in &t.uniques {
        name(cx, "unique constraint", &tn, &u.name, u.origin);
        columns(cx, "column", &tn, &u.columns, u.origin);
    }
    for c in &t.checks {
        name(cx, "check constraint", &tn, &c.name, c.origin);
        expr(cx, "check", &tn, &c.expr, c.origin);
    }
    for fk in &t.foreign_keys {
        name(cx, "foreign key", &tn, &fk.name, fk.origin);
        columns(cx, "column", &tn, &fk.columns, fk.origin);
        qname(cx, "table", &fk.ref_table, fk.origin);
        columns(cx, "column", &tn, &fk.ref_columns, fk.origin);
    }
    for ix in &t.indexes {
        let on = format!("{}.{}", t.name.schema, ix.name);
        name(cx, "index", &tn, &ix.name, ix.origin);
        for k in &ix.keys {
            match &k.target {
                IndexTarget::Column(c) => name(cx, "column", &on, c, ix.origin),
                IndexTarget::Expr(e) => expr(cx, "index expression", &on, e, ix.origin),
            }
            if let Some(op) = &k.opclass {
                name(cx, "operator class", &on, op, ix.origin);
                sql(cx, "operator class", &on, op, ix.origin);
            }
        }
        columns(cx, "column", &on, &ix.include, ix.origin);
        if let Some(p) = &ix.predicate {
            expr(cx, "index predicate", &on, p, ix.origin);
        }
    }
    for tr in &t.triggers {
        let on = format!("{tn}.{}", tr.name);
        name(cx, "trigger", &tn, &tr.name, tr.origin);
        qname(cx, "function", &tr.function, tr.origin);
        if let FunctionSource::Extension(e) = &tr.function_source {
            name(cx, "extension", &on, e, tr.origin);
        }
        for e in &tr.events {
            if let TriggerEvent::Update(cols) = e {
                columns(cx, "column", &on, cols, tr.origin);
            }
        }
        if let Some(w) = &tr.when {
            expr(cx, "trigger condition", &on, w, tr.origin);
        }
        for a in &tr.args {
            text(cx, "trigger argument", &on, Some(a), tr.origin);
        }
    }
    for p in &t.policies {
        let on = format!("{tn}.{}", p.name);
        name(cx, "policy", &tn, &p.name, p.origin);
        for r in &p.roles {
            name(cx, "role", &on, r, p.origin);
        }
        for e in p.using.iter().chain(&p.with_check) {
            expr(cx, "policy expression", &on, e, p.origin);
        }
    }
    if let Some(rows) = &t.rows {
        columns(cx, "column", &tn, &rows.columns, rows.origin);
        for v in rows.values.iter().flatten() {
            literal(cx, "reference row value", &tn, v, rows.origin);
        }
    }
}

fn column(cx: &mut Ctx<'_>, tn: &str, c: &Column) {
    let cn = format!("{tn}.{}", c.name);
    name(cx, "column", tn, &c.name, c.origin);
    column_type(cx, &cn, &c.ty, c.origin);
    for e in c.default.iter().chain(&c.generated) {
        expr(cx, "default", &cn, e, c.origin);
    }
    if let Some((from, e)) = &c.converted_from {
        column_type(cx, &cn, from, c.origin);
        expr(cx, "conversion", &cn, e, c.origin);
    }
    text(cx, "comment", &cn, c.comment.as_deref(), c.origin);
}

fn column_type(cx: &mut Ctx<'_>, cn: &str, ty: &ColumnType, origin: Origin) {
    match ty {
        ColumnType::Array(inner) => column_type(cx, cn, inner, origin),
        ColumnType::Enum(q) => {
            qname(cx, "type", q, origin);
        }
        ColumnType::Domain(q) | ColumnType::Composite(q) | ColumnType::Range(q) => {
            qname(cx, "type", q, origin);
        }
        ColumnType::Custom { name: n, .. } => sql(cx, "type", cn, n, origin),
        _ => {}
    }
}

/// Checks both parts of a qualified name; returns it as people write it.
pub(super) fn qname(cx: &mut Ctx<'_>, what: &str, q: &QName, origin: Origin) -> String {
    let n = q.to_string();
    name(cx, "schema", &n, &q.schema, origin);
    name(cx, what, &n, &q.name, origin);
    n
}

pub(super) fn name(cx: &mut Ctx<'_>, what: &str, object: &str, value: &str, origin: Origin) {
    if let Some(c) = fragment::control_character(value) {
        cx.push(
            Code::IdentifierControlCharacter,
            fragment::comment_safe(object),
            origin,
            format!(
                "the {what} name {:?} holds the control character {:?}",
                value, c
            ),
            format!(
                "remove control characters (newlines, tabs, NUL, escapes) from the {what} name"
            ),
        );
    }
}

pub(super) fn text(
    cx: &mut Ctx<'_>,
    what: &str,
    object: &str,
    value: Option<&str>,
    origin: Origin,
) {
    if value.is_some_and(|v| v.contains('\0')) {
        cx.push(
            Code::TextNulByte,
            fragment::comment_safe(object),
            origin,
            format!("the {what} holds a NUL byte, which PostgreSQL cannot store in text"),
            format!("remove the NUL byte (\\0) from the {what}"),
        );
    }
}

fn expr(cx: &mut Ctx<'_>, what: &str, object: &str, e: &SqlExpr, origin: Origin) {
    sql(cx, what, object, e.as_str(), origin);
}

fn literal(cx: &mut Ctx<'_>, what: &str, object: &str, v: &Literal, origin: Origin) {
    match v {
        Literal::Text(s) => text(cx, what, object, Some(s), origin),
        Literal::Number(n) => {
            let number = n.parse::<f64>().is_ok_and(f64::is_finite)
                && n.bytes()
                    .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'));
            if !number {
                cx.push(
                    Code::UnsafeSqlFragment,
                    fragment::comment_safe(object),
                    origin,
                    format!("the {what} {n:?} is not a number"),
                    "write numbers as digits (12.50), or use Literal::Sql for an SQL expression",
                );
            }
        }
        Literal::Sql(s) => sql(cx, what, object, s, origin),
        Literal::Null | Literal::Bool(_) | Literal::Int(_) => {}
    }
}

pub(super) fn sql(cx: &mut Ctx<'_>, what: &str, object: &str, value: &str, origin: Origin) {
    if let Some(problem) = fragment::problem(value) {
        cx.push(
            Code::UnsafeSqlFragment,
            fragment::comment_safe(object),
            origin,
            format!("the {what} {value:?} is written into the migration as SQL, and it holds {problem}"),
            format!("write the {what} as one self-contained SQL expression; for a value, use a literal (default_value, lit(..)) or a sea-query Expr, which quote it"),
        );
    }
}
