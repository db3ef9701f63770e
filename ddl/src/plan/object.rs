//! The nodes of the dependency graph: every object a migration creates or drops.

use crate::model::constraint::ForeignKey;
use crate::model::index::Index;
use crate::model::names::{Origin, QName};
use crate::model::objects::{EnumType, Extension, Function, Schema};
use crate::model::policy::Policy;
use crate::model::table::Table;
use crate::model::trigger::Trigger;

/// One node of the graph. A table carries its columns and in-line constraints; what is
/// created by a statement of its own (index, trigger, policy, a foreign key added later,
/// reference rows) is an object of its own.
#[derive(Clone, Copy, Debug)]
pub enum Object<'a> {
    Extension(&'a Extension),
    Schema(&'a Schema),
    Enum(&'a EnumType),
    Function(&'a Function),
    Table(&'a Table),
    Index(&'a Table, &'a Index),
    Trigger(&'a Table, &'a Trigger),
    Policy(&'a Table, &'a Policy),
    LaterFk(&'a Table, &'a ForeignKey),
    Rows(&'a Table),
}

/// The identity of an object and its place in the preferred order: extensions, schemas,
/// types, functions, then each table followed by its indexes, triggers and policies,
/// then reference rows, then foreign keys added later (which then check those rows).
/// Dependencies override this order.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub phase: u8,
    pub group: String,
    pub kind: u8,
    pub name: String,
}

pub(crate) const TABLE_PHASE: u8 = 4;

impl<'a> Object<'a> {
    pub fn key(&self) -> Key {
        let (phase, group, kind, name) = match self {
            Object::Extension(e) => (0, String::new(), 0, e.name.clone()),
            Object::Schema(s) => (1, String::new(), 0, s.name.clone()),
            Object::Enum(e) => (2, String::new(), 0, e.name.to_string()),
            Object::Function(f) => (3, String::new(), 0, f.name.to_string()),
            Object::Table(t) => (TABLE_PHASE, t.name.to_string(), 0, String::new()),
            Object::Index(t, i) => (TABLE_PHASE, t.name.to_string(), 1, i.name.clone()),
            Object::Trigger(t, tr) => (TABLE_PHASE, t.name.to_string(), 2, tr.name.clone()),
            Object::Policy(t, p) => (TABLE_PHASE, t.name.to_string(), 3, p.name.clone()),
            Object::Rows(t) => (5, t.name.to_string(), 0, String::new()),
            Object::LaterFk(t, fk) => (6, t.name.to_string(), 0, fk.name.clone()),
        };
        Key {
            phase,
            group,
            kind,
            name,
        }
    }

    /// What kind of object, as the `-- kind: name` lines and diagnostics say it.
    pub fn kind(&self) -> &'static str {
        match self {
            Object::Extension(_) => "extension",
            Object::Schema(_) => "schema",
            Object::Enum(_) => "type",
            Object::Function(_) => "function",
            Object::Table(_) => "table",
            Object::Index(..) => "index",
            Object::Trigger(..) => "trigger",
            Object::Policy(..) => "policy",
            Object::LaterFk(..) => "foreign key",
            Object::Rows(_) => "rows",
        }
    }

    /// The object's name as people write it (`core.users`, `core.users.trg_users_touch`).
    pub fn display_name(&self) -> String {
        match self {
            Object::Extension(e) => e.name.clone(),
            Object::Schema(s) => s.name.clone(),
            Object::Enum(e) => e.name.to_string(),
            Object::Function(f) => f.name.to_string(),
            Object::Table(t) | Object::Rows(t) => t.name.to_string(),
            Object::Index(t, i) => format!("{}.{}", t.name.schema, i.name),
            Object::Trigger(t, tr) => format!("{}.{}", t.name, tr.name),
            Object::Policy(t, p) => format!("{}.{}", t.name, p.name),
            Object::LaterFk(t, fk) => format!("{}.{}", t.name, fk.name),
        }
    }

    pub fn origin(&self) -> Origin {
        match self {
            Object::Extension(e) => e.origin,
            Object::Schema(s) => s.origin,
            Object::Enum(e) => e.origin,
            Object::Function(f) => f.origin,
            Object::Table(t) => t.origin,
            Object::Index(_, i) => i.origin,
            Object::Trigger(_, t) => t.origin,
            Object::Policy(_, p) => p.origin,
            Object::LaterFk(_, fk) => fk.origin,
            Object::Rows(t) => t.rows.as_ref().map_or(t.origin, |r| r.origin),
        }
    }

    /// The table the object belongs to, if any.
    pub fn owner(&self) -> Option<&'a QName> {
        match self {
            Object::Index(t, _)
            | Object::Trigger(t, _)
            | Object::Policy(t, _)
            | Object::LaterFk(t, _)
            | Object::Rows(t) => Some(&t.name),
            _ => None,
        }
    }

    /// Whether two versions of the object are the same declaration.
    pub fn same_as(&self, other: &Object<'_>) -> bool {
        match (self, other) {
            (Object::Extension(a), Object::Extension(b)) => a == b,
            (Object::Schema(a), Object::Schema(b)) => a == b,
            (Object::Enum(a), Object::Enum(b)) => a == b,
            (Object::Function(a), Object::Function(b)) => a == b,
            (Object::Table(a), Object::Table(b)) => table_shell_eq(a, b),
            (Object::Index(_, a), Object::Index(_, b)) => a == b,
            (Object::Trigger(_, a), Object::Trigger(_, b)) => a == b,
            (Object::Policy(_, a), Object::Policy(_, b)) => a == b,
            (Object::LaterFk(_, a), Object::LaterFk(_, b)) => a == b,
            (Object::Rows(a), Object::Rows(b)) => a.rows == b.rows,
            _ => false,
        }
    }
}

/// Tables compared on what their own statements create (not indexes, triggers, policies,
/// later foreign keys or rows, which are objects of their own).
fn table_shell_eq(a: &Table, b: &Table) -> bool {
    a.name == b.name
        && a.columns == b.columns
        && a.primary_key == b.primary_key
        && a.uniques == b.uniques
        && a.checks == b.checks
        && inline_fks(a).eq(inline_fks(b))
        && a.rls == b.rls
        && a.comment == b.comment
}

/// The foreign keys created with the table (not added later).
fn inline_fks(t: &Table) -> impl Iterator<Item = &ForeignKey> {
    t.foreign_keys.iter().filter(|f| !f.add_later)
}

/// Every object of a database, tables' parts right after their table.
pub fn objects(db: &crate::model::database::Database) -> Vec<Object<'_>> {
    let mut out = Vec::with_capacity(
        db.extensions.len() + db.schemas.len() + db.functions.len() + db.tables.len() * 4,
    );
    out.extend(db.extensions.iter().map(Object::Extension));
    out.extend(db.schemas.iter().map(Object::Schema));
    out.extend(db.enums.iter().map(Object::Enum));
    out.extend(db.functions.iter().map(Object::Function));
    for t in &db.tables {
        out.push(Object::Table(t));
        out.extend(t.indexes.iter().map(|i| Object::Index(t, i)));
        out.extend(t.triggers.iter().map(|tr| Object::Trigger(t, tr)));
        out.extend(t.policies.iter().map(|p| Object::Policy(t, p)));
        out.extend(
            t.foreign_keys
                .iter()
                .filter(|f| f.add_later)
                .map(|f| Object::LaterFk(t, f)),
        );
        if t.rows.is_some() {
            out.push(Object::Rows(t));
        }
    }
    out
}
