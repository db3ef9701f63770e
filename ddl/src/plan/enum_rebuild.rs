//! An enum type that loses or reorders values cannot be altered in place: PostgreSQL can
//! only append or insert values. It is rebuilt while the rows stay: a new type with the
//! declared values, each column converted through text, the old type dropped and the new
//! one renamed to the old name. A value that disappears makes the conversion fail for a
//! row still holding it, and makes the step destructive (gated by `--allow-destructive`).

use super::diff::Change;
use super::graph::Graph;
use super::object::{Key, Object};
use crate::model::column::Column;
use crate::model::expr::quote_literal;
use crate::model::names::QName;
use crate::model::objects::EnumType;
use crate::model::table::Table;
use crate::model::types::ColumnType;
use crate::sql::ident::{ident, qname};
use crate::sql::render::{self, LockMode, Stmt};
use std::collections::HashMap;

/// One step of an enum rebuild, in the order they run.
#[derive(Clone, Copy, Debug)]
pub enum EnumStep<'a> {
    /// Create the new type under a temporary name.
    Begin,
    /// Convert one column (its default dropped first).
    Convert(&'a Table, &'a Column),
    /// Drop the old type, rename the new one.
    Finish,
    /// Set a converted column's default again, now that the type has its name.
    RestoreDefault(&'a Table, &'a Column),
}

/// Whether going from `old` to `new` needs a rebuild (not an append or, going back, a
/// value left behind).
pub fn needs_rebuild(old: &EnumType, new: &EnumType, down: bool) -> bool {
    old.values != new.values
        && !new.values.starts_with(&old.values)
        && !(down && old.values.starts_with(&new.values))
}

/// The temporary name of the new type: `<name>__new`.
fn temporary(e: &EnumType) -> QName {
    QName::new(&e.name.schema, format!("{}__new", e.name.name))
}

/// Whether a column holds values of the enum (directly or as an array).
pub fn uses(ty: &ColumnType, e: &QName) -> bool {
    match ty {
        ColumnType::Enum(q) => q == e,
        ColumnType::Array(inner) => uses(inner, e),
        _ => false,
    }
}

fn loses_values(old: &EnumType, new: &EnumType) -> bool {
    old.values.iter().any(|v| !new.values.contains(v))
}

pub fn statements(old: &EnumType, new: &EnumType, step: EnumStep<'_>) -> Vec<Stmt> {
    let tmp = temporary(new);
    match step {
        EnumStep::Begin => {
            let values: Vec<String> = new.values.iter().map(|v| quote_literal(v)).collect();
            vec![Stmt::new(
                "type",
                tmp.to_string(),
                format!(
                    "CREATE TYPE {} AS ENUM (\n    {}\n);",
                    qname(&tmp),
                    values.join(",\n    ")
                ),
            )]
        }
        EnumStep::Convert(t, c) => {
            let col_name = format!("{}.{}", t.name, c.name);
            let alter = |what: String| {
                Stmt::new(
                    "column",
                    col_name.clone(),
                    format!(
                        "ALTER TABLE {} ALTER COLUMN {} {what};",
                        qname(&t.name),
                        ident(&c.name)
                    ),
                )
                .locks(LockMode::AccessExclusive, &[&t.name])
            };
            let mut out = Vec::new();
            if c.default.is_some() {
                out.push(alter("DROP DEFAULT".into()));
            }
            let (ty, via) = if matches!(c.ty, ColumnType::Array(_)) {
                (format!("{}[]", qname(&tmp)), "text[]")
            } else {
                (qname(&tmp), "text")
            };
            let step =
                alter(format!("TYPE {ty} USING {}::{via}::{ty}", ident(&c.name))).rewrites(true);
            out.push(if loses_values(old, new) {
                step.destructive()
            } else {
                step
            });
            out
        }
        EnumStep::Finish => {
            let mut out = vec![
                Stmt::new(
                    "type",
                    old.name.to_string(),
                    format!("DROP TYPE {};", qname(&old.name)),
                ),
                Stmt::new(
                    "type",
                    new.name.to_string(),
                    format!(
                        "ALTER TYPE {} RENAME TO {};",
                        qname(&tmp),
                        ident(&new.name.name)
                    ),
                ),
            ];
            out.extend(render::enum_comment(new, None));
            out
        }
        EnumStep::RestoreDefault(t, c) => c
            .default
            .iter()
            .map(|d| {
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
                .locks(LockMode::AccessExclusive, &[&t.name])
            })
            .collect(),
    }
}

/// The steps of an enum rebuild: the columns converted are those of tables in both
/// declarations that hold the type in both (the others are dropped before or added after).
pub(super) fn rebuild_enum<'a>(
    changes: &mut Vec<Change<'a>>,
    old: &'a EnumType,
    new: &'a EnumType,
    g_old: &Graph<'a>,
    g_new: &Graph<'a>,
    old_index: &HashMap<&Key, usize>,
) {
    let mut columns = Vec::new();
    for (j, o) in g_new.objects.iter().enumerate() {
        let Object::Table(t) = o else { continue };
        let Some(Object::Table(before)) = old_index.get(&g_new.keys[j]).map(|&i| g_old.objects[i])
        else {
            continue;
        };
        for c in &t.columns {
            if uses(&c.ty, &new.name)
                && before
                    .find_column(&c.name)
                    .is_some_and(|p| uses(&p.ty, &old.name) && p.ty == c.ty)
            {
                columns.push((*t, c));
            }
        }
    }
    let step = |step| Change::RebuildEnum { old, new, step };
    changes.push(step(EnumStep::Begin));
    changes.extend(columns.iter().map(|&(t, c)| step(EnumStep::Convert(t, c))));
    changes.push(step(EnumStep::Finish));
    changes.extend(
        columns
            .iter()
            .filter(|(_, c)| c.default.is_some())
            .map(|&(t, c)| step(EnumStep::RestoreDefault(t, c))),
    );
}
