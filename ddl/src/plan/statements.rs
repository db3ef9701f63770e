//! The statements of a change, and of creating and dropping each kind of object.

use super::diff::{Change, drop_column_part, early_drops};
use super::object::Object;
use crate::model::objects::Function;
use crate::model::table::Table;
use crate::sql::render::{self, Stmt};

impl Change<'_> {
    /// The statements of this change, in order.
    pub fn statements(&self) -> Vec<Stmt> {
        match *self {
            Change::Create(o) => create(o),
            Change::Drop(o) => drop(o),
            Change::AlterTablePre { old, new } => render::alter_table_pre(old, new),
            Change::DropColumnExpressions {
                table,
                column,
                default,
                expression,
            } => {
                let mut out = Vec::new();
                if expression {
                    out.push(drop_column_part(table, column, "EXPRESSION"));
                }
                if default {
                    out.push(drop_column_part(table, column, "DEFAULT"));
                }
                out
            }
            Change::AlterTablePost { old, new } => {
                let early = early_drops(old, new);
                render::alter_table_post(old, new)
                    .into_iter()
                    .filter(|s| !early.contains(&s.sql))
                    .collect()
            }
            Change::ReplaceFunction { old, new } => {
                let mut out = Vec::new();
                let uncommented = |f: &Function| Function {
                    comment: None,
                    ..f.clone()
                };
                if uncommented(old) != uncommented(new) {
                    out.extend(render::create_function(new, true).into_iter().take(1));
                }
                out.extend(render::function_comment(new, Some(old)));
                out
            }
            Change::ExtendEnum { old, new } => {
                let mut out = render::add_enum_values(old, new);
                out.extend(render::enum_comment(new, Some(old)));
                out
            }
            Change::Comment { old, new } => comment(old, new),
            Change::RowsPre { old, new } => super::rows::rows_pre(old, new),
            Change::RowsPost { old, new } => super::rows::rows_post(old, new),
            Change::AlterView { old, new } => render::alter_view(old, new),
            Change::AlterObject { old, new } => super::types::alter(old, new),
            Change::Privileges { old, new } => alter_privileges(old, new),
            Change::DetachCheck { table, check } => vec![render::drop_check(table, check)],
            Change::ReattachCheck { table, check } => vec![render::add_check(table, check)],
            Change::ReattachDefault { table, column } => render::set_column_default(table, column)
                .into_iter()
                .collect(),
            Change::RebuildEnum { old, new, step } => {
                super::enum_rebuild::statements(old, new, step)
            }
        }
    }

    /// One line for the codegen summary: `+ table core.users`, `~ table core.users`.
    pub fn summary(&self) -> String {
        match self {
            Change::Create(o) => format!("+ {} {}", o.kind(), o.display_name()),
            Change::Drop(o) => format!("- {} {}", o.kind(), o.display_name()),
            Change::AlterTablePre { new, .. } | Change::AlterTablePost { new, .. } => {
                format!("~ table {}", new.name)
            }
            // Part of altering the table: one summary line, so the migration's name is too.
            Change::DropColumnExpressions { table, .. } => format!("~ table {}", table.name),
            Change::ReplaceFunction { new, .. } => format!("~ function {}", new.name),
            Change::ExtendEnum { new, .. } => format!("~ type {}", new.name),
            Change::RebuildEnum { new, .. } => format!("~ type {} (rebuilt)", new.name),
            Change::Comment { new, .. } => {
                format!("~ {} {} (comment)", new.kind(), new.display_name())
            }
            Change::RowsPre { new, .. } | Change::RowsPost { new, .. } => {
                format!("~ rows {}", new.name)
            }
            Change::AlterView { new, .. } => format!("~ {} {}", new.kind(), new.name),
            Change::AlterObject { new, .. } => format!("~ {} {}", new.kind(), new.display_name()),
            Change::Privileges { new, .. } => format!("~ {} {}", new.kind(), new.display_name()),
            Change::DetachCheck { table, .. }
            | Change::ReattachCheck { table, .. }
            | Change::ReattachDefault { table, .. } => format!("~ table {}", table.name),
        }
    }
}

fn create(o: Object<'_>) -> Vec<Stmt> {
    if let Some(stmts) = super::types::create(o) {
        return stmts;
    }
    match o {
        Object::Extension(e) => vec![render::create_extension(e)],
        Object::Schema(s) => render::create_schema(s),
        Object::Enum(e) => render::create_enum(e),
        Object::Function(f) => render::create_function(f, false),
        Object::Aggregate(a) => render::create_aggregate(a),
        Object::Table(t) => render::create_table(t),
        Object::Index(t, i) => std::iter::once(render::create_index(t, i))
            .chain(render::index_comment(t, i, None))
            .collect(),
        Object::Trigger(t, tr) => vec![render::create_trigger(t, tr)],
        Object::Policy(t, p) => vec![render::create_policy(t, p)],
        Object::LaterFk(t, fk) => vec![render::add_foreign_key(t, fk)],
        Object::Role(r) => render::create_role(r),
        Object::Grant(g) => render::create_grant(g),
        Object::DefaultPrivileges(d) => render::create_default_privileges(d),
        Object::Rows(t) => t
            .rows
            .as_ref()
            .and_then(|r| render::insert_rows(t, r, &r.values.iter().collect::<Vec<_>>()))
            .into_iter()
            .collect(),
        Object::View(v) => render::create_view(v, false),
        Object::ViewIndex(v, i) => vec![render::create_index_on(&v.name, i)],
        Object::ViewTrigger(v, tr) => vec![render::create_trigger_on(&v.name, tr)],
        Object::Raw(r) => vec![render::create_raw(r)],
        // Rendered by `super::types::create` above.
        Object::Sequence(_)
        | Object::SequenceOwner(_)
        | Object::Domain(_)
        | Object::Composite(_)
        | Object::Range(_) => Vec::new(),
    }
}

fn drop(o: Object<'_>) -> Vec<Stmt> {
    if let Some(stmts) = super::types::drop(o) {
        return stmts;
    }
    match o {
        Object::Extension(e) => vec![render::drop_extension(e)],
        Object::Schema(s) => vec![render::drop_schema(s)],
        Object::Enum(e) => vec![render::drop_enum(e)],
        Object::Function(f) => vec![render::drop_function(f)],
        Object::Aggregate(a) => vec![render::drop_aggregate(a)],
        Object::Table(t) => render::drop_table(t),
        Object::Index(t, i) => vec![render::drop_index(t, i)],
        Object::Trigger(t, tr) => vec![render::drop_trigger(t, tr)],
        Object::Policy(t, p) => vec![render::drop_policy(t, p)],
        Object::LaterFk(t, fk) => vec![render::drop_foreign_key(t, fk)],
        Object::Role(r) => render::drop_role(r),
        Object::Grant(g) => render::drop_grant(g),
        Object::DefaultPrivileges(d) => render::drop_default_privileges(d),
        Object::Rows(t) => {
            let empty = Table {
                rows: None,
                ..t.clone()
            };
            super::rows::rows_pre(t, &empty)
        }
        Object::View(v) => vec![render::drop_view(v)],
        Object::ViewIndex(v, i) => vec![render::drop_index_on(&v.name, i)],
        Object::ViewTrigger(v, tr) => vec![render::drop_trigger_on(&v.name, tr)],
        Object::Raw(r) => vec![render::drop_raw(r)],
        // Rendered by `super::types::drop` above.
        Object::Sequence(_)
        | Object::SequenceOwner(_)
        | Object::Domain(_)
        | Object::Composite(_)
        | Object::Range(_) => Vec::new(),
    }
}

/// The comment statements of an object whose only change is its comment.
fn comment(old: Object<'_>, new: Object<'_>) -> Vec<Stmt> {
    match (old, new) {
        (Object::Schema(a), Object::Schema(b)) => {
            render::schema_comment(b, Some(a)).into_iter().collect()
        }
        (Object::Enum(a), Object::Enum(b)) => {
            render::enum_comment(b, Some(a)).into_iter().collect()
        }
        (Object::Function(a), Object::Function(b)) => {
            render::function_comment(b, Some(a)).into_iter().collect()
        }
        (Object::Aggregate(a), Object::Aggregate(b)) => {
            render::aggregate_comment(b, Some(a)).into_iter().collect()
        }
        (Object::Index(_, a), Object::Index(t, b)) => {
            render::index_comment(t, b, Some(a)).into_iter().collect()
        }
        _ => Vec::new(),
    }
}

/// A grant or default privileges that change in place.
fn alter_privileges(old: Object<'_>, new: Object<'_>) -> Vec<Stmt> {
    match (old, new) {
        (Object::Grant(a), Object::Grant(b)) => render::alter_grant(a, b),
        (Object::DefaultPrivileges(a), Object::DefaultPrivileges(b)) => {
            render::alter_default_privileges(a, b)
        }
        _ => Vec::new(),
    }
}
