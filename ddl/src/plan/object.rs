//! The nodes of the dependency graph: every object a migration creates or drops.

use crate::model::composite::{CompositeType, RangeType};
use crate::model::constraint::ForeignKey;
use crate::model::domain::Domain;
use crate::model::function::Aggregate;
use crate::model::index::Index;
use crate::model::names::{Origin, QName};
use crate::model::objects::{EnumType, Extension, Function, Schema};
use crate::model::policy::Policy;
use crate::model::privilege::{DefaultPrivileges, Grant, Role};
use crate::model::raw::Raw;
use crate::model::sequence::Sequence;
use crate::model::table::Table;
use crate::model::trigger::Trigger;
use crate::model::view::View;

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
    View(&'a View),
    ViewIndex(&'a View, &'a Index),
    ViewTrigger(&'a View, &'a Trigger),
    Raw(&'a Raw),
    Sequence(&'a Sequence),
    /// `ALTER SEQUENCE ... OWNED BY`: after the table, which may itself use the sequence.
    SequenceOwner(&'a Sequence),
    Domain(&'a Domain),
    Composite(&'a CompositeType),
    Range(&'a RangeType),
    Role(&'a Role),
    Grant(&'a Grant),
    DefaultPrivileges(&'a DefaultPrivileges),
    Aggregate(&'a Aggregate),
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
            // Overloads are objects of their own: the name carries the input types.
            Object::Function(f) => (
                3,
                String::new(),
                if f.is_procedure() { 2 } else { 0 },
                f.identity(),
            ),
            Object::Aggregate(a) => (
                3,
                String::new(),
                3,
                format!("{}({})", a.name, a.signature()),
            ),
            Object::Table(t) => (TABLE_PHASE, t.name.to_string(), 0, String::new()),
            Object::Index(t, i) => (TABLE_PHASE, t.name.to_string(), 1, i.name.clone()),
            Object::Trigger(t, tr) => (TABLE_PHASE, t.name.to_string(), 2, tr.name.clone()),
            Object::Policy(t, p) => (TABLE_PHASE, t.name.to_string(), 3, p.name.clone()),
            Object::Rows(t) => (5, t.name.to_string(), 0, String::new()),
            Object::LaterFk(t, fk) => (6, t.name.to_string(), 0, fk.name.clone()),
            Object::View(v) => (
                7,
                v.name.to_string(),
                u8::from(v.materialized),
                String::new(),
            ),
            Object::ViewIndex(v, i) => (7, v.name.to_string(), 2, i.name.clone()),
            Object::ViewTrigger(v, tr) => (7, v.name.to_string(), 3, tr.name.clone()),
            Object::Raw(r) => (9, String::new(), 0, r.name.clone()),
            Object::Sequence(q) => (3, String::new(), 1, q.name.to_string()),
            Object::SequenceOwner(q) => (
                6,
                q.owned_by
                    .as_ref()
                    .map(|(t, _)| t.to_string())
                    .unwrap_or_default(),
                1,
                q.name.to_string(),
            ),
            Object::Domain(d) => (2, String::new(), 1, d.name.to_string()),
            Object::Composite(c) => (2, String::new(), 2, c.name.to_string()),
            Object::Range(r) => (2, String::new(), 3, r.name.to_string()),
            Object::Role(r) => (0, String::new(), 1, r.name.clone()),
            Object::Grant(g) => (8, g.on.display(), 0, g.key()),
            Object::DefaultPrivileges(d) => (8, d.schema.clone(), 1, d.key()),
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
            Object::Function(f) if f.is_procedure() => "procedure",
            Object::Function(_) => "function",
            Object::Aggregate(_) => "aggregate",
            Object::Table(_) => "table",
            Object::Index(..) => "index",
            Object::Trigger(..) => "trigger",
            Object::Policy(..) => "policy",
            Object::LaterFk(..) => "foreign key",
            Object::Rows(_) => "rows",
            Object::View(v) => v.kind(),
            Object::ViewIndex(..) => "index",
            Object::ViewTrigger(..) => "trigger",
            Object::Raw(_) => "raw",
            Object::Sequence(_) => "sequence",
            Object::SequenceOwner(_) => "sequence owner",
            Object::Domain(_) => "domain",
            Object::Composite(_) | Object::Range(_) => "type",
            Object::Role(_) => "role",
            Object::Grant(_) => "grant",
            Object::DefaultPrivileges(_) => "default privileges",
        }
    }

    /// The object's name as people write it (`core.users`, `core.users.trg_users_touch`).
    pub fn display_name(&self) -> String {
        match self {
            Object::Extension(e) => e.name.clone(),
            Object::Schema(s) => s.name.clone(),
            Object::Enum(e) => e.name.to_string(),
            Object::Function(f) => f.name.to_string(),
            Object::Aggregate(a) => a.name.to_string(),
            Object::Table(t) | Object::Rows(t) => t.name.to_string(),
            Object::Index(t, i) => format!("{}.{}", t.name.schema, i.name),
            Object::Trigger(t, tr) => format!("{}.{}", t.name, tr.name),
            Object::Policy(t, p) => format!("{}.{}", t.name, p.name),
            Object::LaterFk(t, fk) => format!("{}.{}", t.name, fk.name),
            Object::View(v) => v.name.to_string(),
            Object::ViewIndex(v, i) => format!("{}.{}", v.name.schema, i.name),
            Object::ViewTrigger(v, tr) => format!("{}.{}", v.name, tr.name),
            Object::Raw(r) => r.name.clone(),
            Object::Sequence(q) | Object::SequenceOwner(q) => q.name.to_string(),
            Object::Domain(d) => d.name.to_string(),
            Object::Composite(c) => c.name.to_string(),
            Object::Range(r) => r.name.to_string(),
            Object::Role(r) => r.name.clone(),
            Object::Grant(g) => g.key(),
            Object::DefaultPrivileges(d) => d.key(),
        }
    }

    pub fn origin(&self) -> Origin {
        match self {
            Object::Extension(e) => e.origin,
            Object::Schema(s) => s.origin,
            Object::Enum(e) => e.origin,
            Object::Function(f) => f.origin,
            Object::Aggregate(a) => a.origin,
            Object::Table(t) => t.origin,
            Object::Index(_, i) => i.origin,
            Object::Trigger(_, t) => t.origin,
            Object::Policy(_, p) => p.origin,
            Object::LaterFk(_, fk) => fk.origin,
            Object::Rows(t) => t.rows.as_ref().map_or(t.origin, |r| r.origin),
            Object::View(v) => v.origin,
            Object::ViewIndex(_, i) => i.origin,
            Object::ViewTrigger(_, tr) => tr.origin,
            Object::Raw(r) => r.origin,
            Object::Sequence(q) | Object::SequenceOwner(q) => q.origin,
            Object::Domain(d) => d.origin,
            Object::Composite(c) => c.origin,
            Object::Range(r) => r.origin,
            Object::Role(r) => r.origin,
            Object::Grant(g) => g.origin,
            Object::DefaultPrivileges(d) => d.origin,
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
            Object::ViewIndex(v, _) | Object::ViewTrigger(v, _) => Some(&v.name),
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
            (Object::Aggregate(a), Object::Aggregate(b)) => a == b,
            (Object::Table(a), Object::Table(b)) => table_shell_eq(a, b),
            (Object::Index(_, a), Object::Index(_, b)) => a == b,
            (Object::Trigger(_, a), Object::Trigger(_, b)) => a == b,
            (Object::Policy(_, a), Object::Policy(_, b)) => a == b,
            (Object::LaterFk(_, a), Object::LaterFk(_, b)) => a == b,
            (Object::Rows(a), Object::Rows(b)) => a.rows == b.rows,
            (Object::View(a), Object::View(b)) => crate::plan::view::shell_eq(a, b),
            (Object::ViewIndex(_, a), Object::ViewIndex(_, b)) => a == b,
            (Object::ViewTrigger(_, a), Object::ViewTrigger(_, b)) => a == b,
            (Object::Raw(a), Object::Raw(b)) => a == b,
            (Object::Sequence(a), Object::Sequence(b)) => {
                Sequence {
                    owned_by: None,
                    ..(*a).clone()
                } == Sequence {
                    owned_by: None,
                    ..(*b).clone()
                }
            }
            (Object::SequenceOwner(a), Object::SequenceOwner(b)) => a.owned_by == b.owned_by,
            (Object::Domain(a), Object::Domain(b)) => a == b,
            (Object::Composite(a), Object::Composite(b)) => a == b,
            (Object::Range(a), Object::Range(b)) => a == b,
            (Object::Role(a), Object::Role(b)) => a == b,
            (Object::Grant(a), Object::Grant(b)) => a == b,
            (Object::DefaultPrivileges(a), Object::DefaultPrivileges(b)) => a == b,
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
        && a.partition_by == b.partition_by
        && a.partition_of == b.partition_of
        && a.exclusions == b.exclusions
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
    out.extend(db.domains.iter().map(Object::Domain));
    out.extend(db.composites.iter().map(Object::Composite));
    out.extend(db.ranges.iter().map(Object::Range));
    out.extend(db.sequences.iter().map(Object::Sequence));
    out.extend(
        db.sequences
            .iter()
            .filter(|q| q.owned_by.is_some())
            .map(Object::SequenceOwner),
    );
    out.extend(db.aggregates.iter().map(Object::Aggregate));
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
    for v in &db.views {
        out.push(Object::View(v));
        out.extend(v.indexes.iter().map(|i| Object::ViewIndex(v, i)));
        out.extend(v.triggers.iter().map(|tr| Object::ViewTrigger(v, tr)));
    }
    out.extend(db.raws.iter().map(Object::Raw));
    out.extend(db.roles.iter().map(Object::Role));
    out.extend(db.grants.iter().map(Object::Grant));
    out.extend(db.default_privileges.iter().map(Object::DefaultPrivileges));
    out
}
