//! Checks of one table and everything it owns.

use super::{Code, Ctx, unknown_schema};
use crate::model::constraint::ForeignKey;
use crate::model::expr::SqlExpr;
use crate::model::index::IndexTarget;
use crate::model::names::{FunctionSource, Origin};
use crate::model::table::Table;
use crate::model::trigger::TriggerEvent;
use crate::sql::scan;
use std::collections::HashSet;

pub(super) fn table(t: &Table, cx: &mut Ctx<'_>) {
    let tn = t.name.to_string();
    cx.name("table", &tn, &t.name.name, t.origin);
    if super::functions::schema_part(cx, "table", &t.name, t.origin)
        && !cx.schema_declared(&t.name.schema)
    {
        unknown_schema(cx, &tn, &t.name.schema, t.origin);
    }
    if t.columns.is_empty() {
        cx.push(
            Code::TableWithoutColumns,
            &tn,
            t.origin,
            "the table has no columns",
            "add at least one column (.column(col(\"id\", INT).identity().primary_key()))",
        );
    }
    columns(t, &tn, cx);
    constraints(t, &tn, cx);
    for fk in &t.foreign_keys {
        foreign_key(t, fk, cx);
    }
    indexes(t, &tn, cx);
    triggers(t, &tn, cx);
    policies(t, &tn, cx);
    rows(t, &tn, cx);
}

fn missing(cx: &mut Ctx<'_>, code: Code, t: &Table, what: &str, column: &str, origin: Origin) {
    cx.push(
        code,
        t.name.to_string(),
        origin,
        format!(
            "{what} names column {column}, which {} does not have",
            t.name
        ),
        format!(
            "declare the column on {}, or fix the name in the {what}",
            t.name
        ),
    );
}

fn columns(t: &Table, tn: &str, cx: &mut Ctx<'_>) {
    let mut seen = HashSet::new();
    for c in &t.columns {
        let cn = format!("{tn}.{}", c.name);
        cx.name("column", &cn, &c.name, c.origin);
        if !seen.insert(c.name.as_str()) {
            cx.push(
                Code::DuplicateColumn,
                &cn,
                c.origin,
                "the column is declared twice",
                "remove one of the two columns, or rename one",
            );
        }
        if let Some(q) = c.ty.enum_name()
            && !cx.enums.contains(q)
        {
            cx.push(
                Code::UnknownEnum,
                &cn,
                c.origin,
                format!("the column has type {q}, which is not a declared enum"),
                format!("declare EnumType::new({q}, [...]) in its schema module"),
            );
        }
        if let Some(ext) = c.ty.extension()
            && !cx.extensions.contains(ext)
        {
            cx.push(
                    Code::MissingExtension,
                    &cn,
                    c.origin,
                    format!("the column has type {}, which extension {ext} provides, and {ext} is not declared", c.ty.catalog_name()),
                    format!("declare Extension::new(\"{ext}\")"),
                );
        }
        if c.identity.is_some() && !c.ty.is_integer() {
            cx.push(
                Code::IdentityNotInteger,
                &cn,
                c.origin,
                format!("an identity column must be smallint, integer or bigint, not {}", c.ty.catalog_name()),
                "change the type to INT or BIGINT, or use a default such as gen_random_uuid() instead of .identity()",
            );
        }
        let clash = match (
            c.generated.is_some(),
            c.identity.is_some(),
            c.default.is_some(),
        ) {
            (true, true, _) | (true, _, true) => {
                Some("a generated column cannot also have a default or be an identity")
            }
            (false, true, true) => Some("an identity column cannot also have a default"),
            _ => None,
        };
        if let Some(message) = clash {
            cx.push(
                Code::GeneratedWithDefault,
                &cn,
                c.origin,
                message,
                "keep one of the default, the .identity() and the .generated(..)",
            );
        }
        if let Some(d) = &c.default {
            cx.expr_calls("default", &cn, d, c.origin);
        }
        if let Some(g) = &c.generated {
            cx.expr_calls("generated column", &cn, g, c.origin);
        }
    }
}

fn constraints(t: &Table, tn: &str, cx: &mut Ctx<'_>) {
    let mut names = HashSet::new();
    let pk = t
        .primary_key
        .iter()
        .map(|p| (p.name.as_str(), "primary key", &p.columns, p.origin));
    let uniques = t
        .uniques
        .iter()
        .map(|u| (u.name.as_str(), "unique constraint", &u.columns, u.origin));
    for (name, what, cols, origin) in pk.chain(uniques) {
        cx.name(what, &format!("{tn}.{name}"), name, origin);
        for c in cols {
            if !t.has_column(c) {
                missing(
                    cx,
                    Code::ConstraintMissingColumn,
                    t,
                    &format!("{what} {name}"),
                    c,
                    origin,
                );
            }
        }
    }
    let all = t
        .primary_key
        .iter()
        .map(|p| (&p.name, p.origin))
        .chain(t.uniques.iter().map(|u| (&u.name, u.origin)))
        .chain(t.checks.iter().map(|c| (&c.name, c.origin)))
        .chain(t.foreign_keys.iter().map(|f| (&f.name, f.origin)));
    for (name, origin) in all {
        if !names.insert(name.as_str()) {
            cx.push(
                Code::DuplicateConstraint,
                format!("{tn}.{name}"),
                origin,
                format!("two constraints of {tn} are named {name}"),
                "name one of them explicitly with another name",
            );
        }
    }
    for c in &t.checks {
        cx.name(
            "check constraint",
            &format!("{tn}.{}", c.name),
            &c.name,
            c.origin,
        );
        expr_columns(
            cx,
            t,
            Code::CheckMissingColumn,
            &format!("check {}", c.name),
            &c.expr,
            c.origin,
        );
        cx.expr_calls("check", tn, &c.expr, c.origin);
    }
}

/// Columns written as quoted identifiers (how sea-query writes them) must exist.
fn expr_columns(cx: &mut Ctx<'_>, t: &Table, code: Code, what: &str, e: &SqlExpr, origin: Origin) {
    for c in scan::quoted_columns(e.as_str()) {
        if !t.has_column(&c) {
            missing(cx, code, t, what, &c, origin);
        }
    }
}

fn foreign_key(t: &Table, fk: &ForeignKey, cx: &mut Ctx<'_>) {
    let what = format!("foreign key {}", fk.name);
    cx.name(
        "foreign key",
        &format!("{}.{}", t.name, fk.name),
        &fk.name,
        fk.origin,
    );
    for c in &fk.columns {
        if !t.has_column(c) {
            missing(cx, Code::FkMissingColumn, t, &what, c, fk.origin);
        }
    }
    let Some(target) = cx.tables.get(&fk.ref_table).copied() else {
        cx.push(
            Code::FkUnknownTable,
            t.name.to_string(),
            fk.origin,
            format!("{what} references {}, which is not declared", fk.ref_table),
            format!(
                "declare the table {} (Table::new), or fix the reference",
                fk.ref_table
            ),
        );
        return;
    };
    for c in &fk.ref_columns {
        if !target.has_column(c) {
            missing(
                cx,
                Code::FkMissingColumn,
                target,
                &format!("{what} of {}", t.name),
                c,
                fk.origin,
            );
        }
    }
    if fk.columns.len() != fk.ref_columns.len() {
        cx.push(
            Code::FkColumnCount,
            t.name.to_string(),
            fk.origin,
            format!(
                "{what} has {} but references {} of {}",
                super::count(fk.columns.len(), "column"),
                super::count(fk.ref_columns.len(), "column"),
                fk.ref_table
            ),
            "list as many referencing columns as referenced ones, in the same order",
        );
        return;
    }
    for (a, b) in fk.columns.iter().zip(&fk.ref_columns) {
        if let (Some(ca), Some(cb)) = (t.find_column(a), target.find_column(b))
            && !ca.ty.fk_compatible(&cb.ty)
        {
            cx.push(
                Code::FkTypeMismatch,
                t.name.to_string(),
                fk.origin,
                format!(
                    "{what}: {}.{a} is {} but {}.{b} is {}, and PostgreSQL has no equality operator of the key for them",
                    t.name,
                    ca.ty.catalog_name(),
                    fk.ref_table,
                    cb.ty.catalog_name()
                ),
                format!("give {}.{a} the type {}", t.name, cb.ty.catalog_name()),
            );
        }
    }
    let mut wanted: Vec<&String> = fk.ref_columns.iter().collect();
    wanted.sort();
    let keyed = target
        .primary_key
        .iter()
        .map(|p| &p.columns)
        .chain(target.uniques.iter().map(|u| &u.columns))
        .any(|cols| {
            let mut c: Vec<&String> = cols.iter().collect();
            c.sort();
            c == wanted
        });
    let unique_index = target.indexes.iter().any(|i| {
        let mut c: Vec<&String> = i
            .keys
            .iter()
            .filter_map(|k| match &k.target {
                IndexTarget::Column(c) => Some(c),
                IndexTarget::Expr(_) => None,
            })
            .collect();
        c.sort();
        i.unique && i.predicate.is_none() && c.len() == i.keys.len() && c == wanted
    });
    let all_exist = fk.ref_columns.iter().all(|c| target.has_column(c));
    if !keyed && !unique_index && all_exist {
        cx.push(
            Code::FkTargetNotUnique,
            t.name.to_string(),
            fk.origin,
            format!(
                "{what} references {}({}), which is not its primary key or a unique key",
                fk.ref_table,
                fk.ref_columns.join(", ")
            ),
            format!(
                "make ({}) the primary key or a UNIQUE constraint of {}",
                fk.ref_columns.join(", "),
                fk.ref_table
            ),
        );
    }
}

fn indexes(t: &Table, tn: &str, cx: &mut Ctx<'_>) {
    for ix in &t.indexes {
        let what = format!("index {}", ix.name);
        cx.name(
            "index",
            &format!("{}.{}", t.name.schema, ix.name),
            &ix.name,
            ix.origin,
        );
        for k in &ix.keys {
            match &k.target {
                IndexTarget::Column(c) if !t.has_column(c) => {
                    missing(cx, Code::IndexMissingColumn, t, &what, c, ix.origin);
                }
                IndexTarget::Expr(e) => {
                    expr_columns(cx, t, Code::IndexMissingColumn, &what, e, ix.origin);
                    cx.expr_calls("index expression", tn, e, ix.origin);
                }
                IndexTarget::Column(_) => {}
            }
            if let Some(op) = &k.opclass
                && let Some(ext) = scan::extension_of_opclass(op)
                && !cx.extensions.contains(ext)
            {
                cx.push(
                            Code::MissingExtension,
                            format!("{}.{}", t.name.schema, ix.name),
                            ix.origin,
                            format!("the index uses operator class {op}, which extension {ext} provides, and {ext} is not declared"),
                            format!("declare Extension::new(\"{ext}\")"),
                        );
            }
        }
        for c in &ix.include {
            if !t.has_column(c) {
                missing(cx, Code::IndexMissingColumn, t, &what, c, ix.origin);
            }
        }
        if let Some(p) = &ix.predicate {
            expr_columns(cx, t, Code::IndexMissingColumn, &what, p, ix.origin);
            cx.expr_calls("index predicate", tn, p, ix.origin);
        }
    }
}

fn triggers(t: &Table, tn: &str, cx: &mut Ctx<'_>) {
    let mut seen = HashSet::new();
    for tr in &t.triggers {
        let on = format!("{tn}.{}", tr.name);
        cx.name("trigger", &on, &tr.name, tr.origin);
        if !seen.insert(tr.name.as_str()) {
            cx.push(
                Code::DuplicateObject,
                &on,
                tr.origin,
                "two triggers of the table have this name",
                "rename one of them",
            );
        }
        if tr.events.is_empty() {
            cx.push(
                Code::TriggerWithoutEvents,
                &on,
                tr.origin,
                "the trigger fires on no event",
                "add .on_insert(), .on_update(), .on_delete() or .on_truncate()",
            );
        }
        for e in &tr.events {
            if let TriggerEvent::Update(cols) = e {
                for c in cols {
                    if !t.has_column(c) {
                        missing(
                            cx,
                            Code::TriggerMissingColumn,
                            t,
                            &format!("trigger {} (UPDATE OF)", tr.name),
                            c,
                            tr.origin,
                        );
                    }
                }
            }
        }
        if tr.function_source != FunctionSource::Declared {
            super::functions::external_trigger_function(
                cx,
                &on,
                &tr.function,
                &tr.function_source,
                tr.origin,
            );
        } else {
            match cx.functions.get(&tr.function) {
                None => cx.push(
                    Code::UnknownFunction,
                    &on,
                    tr.origin,
                    format!(
                        "the trigger executes {}(), which is not declared",
                        tr.function
                    ),
                    format!(
                        "declare Function::trigger({}, ...), or fix the handle; for a function \
                         PostgreSQL or an extension provides, use FunctionRef::builtin(\"{}\", \"{}\") \
                         or FunctionRef::of_extension(\"<extension>\", \"{}\", \"{}\")",
                        tr.function,
                        tr.function.schema,
                        tr.function.name,
                        tr.function.schema,
                        tr.function.name
                    ),
                ),
                Some(f) if !f.returns.eq_ignore_ascii_case("trigger") => cx.push(
                    Code::NotATriggerFunction,
                    &on,
                    tr.origin,
                    format!(
                        "the trigger executes {}(), which returns {} instead of trigger",
                        tr.function, f.returns
                    ),
                    "declare the function with Function::trigger, or call the right function",
                ),
                Some(_) => {}
            }
        }
        if let Some(w) = &tr.when {
            cx.expr_calls("trigger condition", &on, w, tr.origin);
        }
    }
}

fn policies(t: &Table, tn: &str, cx: &mut Ctx<'_>) {
    let mut seen = HashSet::new();
    for p in &t.policies {
        let on = format!("{tn}.{}", p.name);
        cx.name("policy", &on, &p.name, p.origin);
        super::functions::roles(cx, &on, &p.roles, p.origin);
        if !seen.insert(p.name.as_str()) {
            cx.push(
                Code::DuplicateObject,
                &on,
                p.origin,
                "two policies of the table have this name",
                "rename one of them",
            );
        }
        if !t.rls.enabled {
            cx.push(
                Code::PolicyWithoutRls,
                &on,
                p.origin,
                format!("the policy has no effect: row-level security is not enabled on {tn}"),
                "add .enable_rls() (or .force_rls()) to the table",
            );
        }
        for e in p.using.iter().chain(p.with_check.iter()) {
            expr_columns(
                cx,
                t,
                Code::PolicyMissingColumn,
                &format!("policy {}", p.name),
                e,
                p.origin,
            );
            cx.expr_calls("policy", &on, e, p.origin);
        }
    }
}

fn rows(t: &Table, tn: &str, cx: &mut Ctx<'_>) {
    let Some(rows) = &t.rows else { return };
    for c in &rows.columns {
        if !t.has_column(c) {
            missing(
                cx,
                Code::RowsMissingColumn,
                t,
                "reference rows",
                c,
                rows.origin,
            );
        }
    }
    for (i, r) in rows.values.iter().enumerate() {
        if r.len() != rows.columns.len() {
            cx.push(
                Code::RowsArity,
                tn,
                rows.origin,
                format!(
                    "reference row {} has {} for {}",
                    i + 1,
                    super::count(r.len(), "value"),
                    super::count(rows.columns.len(), "column")
                ),
                "give every row one value per listed column",
            );
        }
    }
    let Some(pk) = &t.primary_key else {
        cx.push(
            Code::RowsWithoutPrimaryKey,
            tn,
            rows.origin,
            "reference rows need a primary key to be updated or removed by later migrations",
            "declare a primary key on the table",
        );
        return;
    };
    let pos: Vec<Option<usize>> = pk
        .columns
        .iter()
        .map(|c| rows.columns.iter().position(|rc| rc == c))
        .collect();
    if pos.iter().any(Option::is_none) {
        cx.push(
            Code::RowsWithoutPrimaryKey,
            tn,
            rows.origin,
            format!(
                "reference rows must list the primary key {}",
                pk.columns.join(", ")
            ),
            "add the primary key columns to the rows",
        );
        return;
    }
    let mut keys = HashSet::new();
    for r in &rows.values {
        let key: Vec<_> = pos.iter().flatten().filter_map(|&p| r.get(p)).collect();
        if !keys.insert(key.clone()) {
            cx.push(
                Code::RowsDuplicateKey,
                tn,
                rows.origin,
                format!(
                    "two reference rows have the primary key ({})",
                    key.iter()
                        .map(|l| l.to_sql())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                "remove or fix one of the rows",
            );
        }
    }
}
