//! Exclusion constraints, `ON DELETE SET NULL (cols)`, collations, comments on constraints
//! and indexes, transition tables and constraint triggers: the rules PostgreSQL enforces
//! at creation, reported with the declaration's line instead of at apply time.

use super::{Code, Ctx};
use crate::model::column::Column;
use crate::model::constraint::FkAction;
use crate::model::database::Database;
use crate::model::exclusion::Exclusion;
use crate::model::index::{IndexMethod, IndexTarget};
use crate::model::names::Origin;
use crate::model::table::Table;
use crate::model::trigger::{ForEach, Timing, Trigger, TriggerEvent};
use crate::model::types::ColumnType;
use crate::sql::fragment;

pub(super) fn check(db: &Database, cx: &mut Ctx<'_>) {
    for t in &db.tables {
        for x in &t.exclusions {
            exclusion(t, x, cx);
        }
        for c in &t.columns {
            collation(t, c, cx);
        }
        for fk in &t.foreign_keys {
            if fk.on_delete_columns.is_empty() {
                continue;
            }
            let object = format!("{}.{}", t.name, fk.name);
            if !matches!(fk.on_delete, FkAction::SetNull | FkAction::SetDefault) {
                cx.push(
                    Code::FkSetColumnsInvalid,
                    &object,
                    fk.origin,
                    "a column list is only allowed with ON DELETE SET NULL or SET DEFAULT",
                    "use `.on_delete_set_null([..])` or `.on_delete_set_default([..])`",
                );
            }
            for c in fk
                .on_delete_columns
                .iter()
                .filter(|c| !fk.columns.contains(c))
            {
                cx.push(
                    Code::FkSetColumnsInvalid,
                    &object,
                    fk.origin,
                    format!(
                        "ON DELETE names column {c}, which is not a column of the foreign key ({})",
                        fk.columns.join(", ")
                    ),
                    "list only columns of the foreign key itself",
                );
            }
        }
        let comments = t
            .primary_key
            .iter()
            .map(|p| (&p.name, &p.comment, p.origin))
            .chain(t.uniques.iter().map(|u| (&u.name, &u.comment, u.origin)))
            .chain(t.checks.iter().map(|c| (&c.name, &c.comment, c.origin)))
            .chain(
                t.foreign_keys
                    .iter()
                    .map(|f| (&f.name, &f.comment, f.origin)),
            )
            .chain(t.exclusions.iter().map(|x| (&x.name, &x.comment, x.origin)))
            .chain(t.indexes.iter().map(|i| (&i.name, &i.comment, i.origin)));
        for (name, comment, origin) in comments {
            if comment.as_deref().is_some_and(|c| c.contains('\0')) {
                cx.push(
                    Code::TextNulByte,
                    format!("{}.{name}", t.name),
                    origin,
                    "the comment holds a NUL byte, which PostgreSQL cannot store in text",
                    "remove the NUL byte (\\0) from the comment",
                );
            }
        }
        for tr in &t.triggers {
            transition(t, tr, cx);
            constraint_trigger(t, tr, cx);
        }
    }
}

/// Scalar types gist has no operator class for without the btree_gist extension.
fn btree_only(ty: &ColumnType) -> bool {
    !matches!(
        ty,
        ColumnType::Custom { .. }
            | ColumnType::Inet
            | ColumnType::Cidr
            | ColumnType::Array(_)
            | ColumnType::Json
            | ColumnType::Jsonb
    )
}

/// Whether an exclusion constraint compares a scalar column in gist, which needs btree_gist.
pub(crate) fn needs_btree_gist(t: &Table, x: &Exclusion) -> bool {
    x.method == IndexMethod::Gist
        && x.elements.iter().any(|e| {
            e.opclass.is_none()
                && matches!(&e.target, IndexTarget::Column(c)
                    if t.find_column(c).is_some_and(|c| btree_only(&c.ty)))
        })
}

fn exclusion(t: &Table, x: &Exclusion, cx: &mut Ctx<'_>) {
    let object = format!("{}.{}", t.name, x.name);
    let bad = |cx: &mut Ctx<'_>, message: String, help: &str| {
        cx.push(Code::ExclusionInvalid, &object, x.origin, message, help);
    };
    cx.name("exclusion constraint", &object, &x.name, x.origin);
    if x.elements.is_empty() {
        bad(
            cx,
            "the exclusion constraint compares nothing".into(),
            "add elements: `.with(\"room\", \"=\")`",
        );
    }
    for e in &x.elements {
        let op_ok =
            !e.operator.is_empty() && e.operator.chars().all(|c| "+-*/<>=~!@#%^&|`?".contains(c));
        if !op_ok {
            bad(
                cx,
                format!("`{}` is not an operator", e.operator.escape_debug()),
                "write the operator itself: `=`, `&&`, `<>`",
            );
        }
        match &e.target {
            IndexTarget::Column(c) if !t.has_column(c) => bad(
                cx,
                format!(
                    "the exclusion constraint names column {c}, which {} does not have",
                    t.name
                ),
                "declare the column, or fix the name",
            ),
            IndexTarget::Expr(ex) => unsafe_sql(cx, &object, ex.as_str(), x.origin),
            _ => {}
        }
        if let Some(op) = &e.opclass {
            unsafe_sql(cx, &object, op, x.origin);
        }
    }
    if let Some(p) = &x.predicate {
        unsafe_sql(cx, &object, p.as_str(), x.origin);
    }
    if needs_btree_gist(t, x) && !cx.extensions.contains("btree_gist") {
        cx.push(
            Code::ExclusionNeedsBtreeGist,
            &object,
            x.origin,
            "the exclusion constraint compares a scalar column (integer, text, uuid, ...) in gist, which needs the btree_gist extension",
            "declare Extension::new(\"btree_gist\") (the migration then creates it first)",
        );
    }
}

fn unsafe_sql(cx: &mut Ctx<'_>, object: &str, value: &str, origin: Origin) {
    if let Some(problem) = fragment::problem(value) {
        cx.push(
            Code::UnsafeSqlFragment,
            fragment::comment_safe(object),
            origin,
            format!("the exclusion constraint part {value:?} is written into the migration as SQL, and it holds {problem}"),
            "write it as one self-contained SQL expression",
        );
    }
}

fn collation(t: &Table, c: &Column, cx: &mut Ctx<'_>) {
    let Some(collation) = &c.collation else {
        return;
    };
    let object = format!("{}.{}", t.name, c.name);
    let text = matches!(
        c.ty,
        ColumnType::Text | ColumnType::Varchar(_) | ColumnType::Char(_) | ColumnType::Citext
    ) || matches!(&c.ty, ColumnType::Array(inner) if matches!(**inner, ColumnType::Text | ColumnType::Varchar(_)));
    if !text {
        cx.push(
            Code::CollationInvalid,
            &object,
            c.origin,
            format!("COLLATE on a column of type {}, which has no collation", c.ty.catalog_name()),
            "remove `.collate(..)`: only text types (text, varchar, char, citext) sort by a collation",
        );
    }
    if collation.is_empty() || fragment::control_character(collation).is_some() {
        cx.push(
            Code::CollationInvalid,
            &object,
            c.origin,
            format!("the collation name {collation:?} is empty or holds a control character"),
            "name an existing collation: \"C\", \"POSIX\", \"und-x-icu\"",
        );
    }
}

fn transition(t: &Table, tr: &Trigger, cx: &mut Ctx<'_>) {
    if tr.old_table.is_none() && tr.new_table.is_none() {
        return;
    }
    let object = format!("{}.{}", t.name, tr.name);
    let mut bad = |message: &str, help: &str| {
        cx.push(
            Code::TriggerTransitionInvalid,
            &object,
            tr.origin,
            message,
            help,
        );
    };
    let update = tr
        .events
        .iter()
        .any(|e| matches!(e, TriggerEvent::Update(_)));
    let has = |e: &TriggerEvent| tr.events.contains(e);
    if tr.timing != Timing::After {
        bad(
            "transition tables (REFERENCING) are only allowed on AFTER triggers",
            "declare the trigger with Trigger::after(..)",
        );
    }
    if tr.constraint.is_some() {
        bad(
            "a constraint trigger cannot have transition tables",
            "use a plain AFTER trigger, or drop REFERENCING",
        );
    }
    if tr.events.len() > 1 {
        bad(
            "transition tables need a trigger with exactly one event",
            "declare one trigger per event (INSERT, UPDATE, DELETE)",
        );
    }
    if tr
        .events
        .iter()
        .any(|e| matches!(e, TriggerEvent::Update(cols) if !cols.is_empty()))
    {
        bad(
            "transition tables cannot be used with UPDATE OF a column list",
            "use `.on_update()` without columns",
        );
    }
    if tr.old_table.is_some() && !(update || has(&TriggerEvent::Delete)) {
        bad(
            "OLD TABLE needs an UPDATE or DELETE event",
            "drop `.referencing_old_table(..)`, or fire the trigger on UPDATE or DELETE",
        );
    }
    if tr.new_table.is_some() && !(update || has(&TriggerEvent::Insert)) {
        bad(
            "NEW TABLE needs an INSERT or UPDATE event",
            "drop `.referencing_new_table(..)`, or fire the trigger on INSERT or UPDATE",
        );
    }
    if tr.old_table.is_some() && tr.old_table == tr.new_table {
        bad(
            "OLD TABLE and NEW TABLE have the same name",
            "give the two transition tables different names",
        );
    }
    for n in tr.old_table.iter().chain(tr.new_table.iter()) {
        cx.name("transition table", &object, n, tr.origin);
        if fragment::control_character(n).is_some() {
            cx.push(
                Code::IdentifierControlCharacter,
                fragment::comment_safe(&object),
                tr.origin,
                format!("the transition table name {n:?} holds a control character"),
                "remove control characters from the name",
            );
        }
    }
}

fn constraint_trigger(t: &Table, tr: &Trigger, cx: &mut Ctx<'_>) {
    if tr.constraint.is_none() {
        return;
    }
    let object = format!("{}.{}", t.name, tr.name);
    if tr.timing != Timing::After || tr.for_each != ForEach::Row {
        cx.push(
            Code::ConstraintTriggerInvalid,
            &object,
            tr.origin,
            "a constraint trigger must be AFTER ... FOR EACH ROW",
            "declare it with Trigger::constraint(..) and no `.for_each_statement()`",
        );
    }
    if tr.events.contains(&TriggerEvent::Truncate) {
        cx.push(
            Code::ConstraintTriggerInvalid,
            &object,
            tr.origin,
            "a constraint trigger cannot fire on TRUNCATE",
            "remove `.on_truncate()`",
        );
    }
}
