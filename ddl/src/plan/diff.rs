//! The difference between two declarations as an ordered list of changes.
//!
//! The first migration is the difference from an empty database; every later one is the
//! difference from the snapshot of the previous state. Down is the same function with the
//! arguments swapped, so rolling back is planned as carefully as going forward.

use super::functions::{detach_users, reattach_users, replaceable};
use super::graph::{Cycle, Graph};
use super::object::{Key, Object};
use crate::model::column::Column;
use crate::model::database::Database;
use crate::model::function::Aggregate;
use crate::model::names::QName;
use crate::model::objects::{EnumType, Function};
use crate::model::table::Table;
use crate::sql::render::Stmt;
use petgraph::Direction;
use petgraph::graph::NodeIndex;
use std::collections::{HashMap, HashSet};

/// One step of a migration.
#[derive(Clone, Copy, Debug)]
pub enum Change<'a> {
    Create(Object<'a>),
    Drop(Object<'a>),
    /// Drop what changed or went away from a table (before other drops).
    AlterTablePre {
        old: &'a Table,
        new: &'a Table,
    },
    /// A column default or generation expression that goes away, or a default that calls
    /// a function dropped in this plan: dropped with the other drops, since PostgreSQL
    /// refuses to drop a function a default or generated column still calls.
    DropColumnExpressions {
        table: &'a Table,
        column: &'a Column,
        default: bool,
        expression: bool,
    },
    /// Add and change columns, constraints, RLS and comments (in creation order).
    AlterTablePost {
        old: &'a Table,
        new: &'a Table,
    },
    /// Same signature, new body or attributes: `CREATE OR REPLACE FUNCTION`.
    ReplaceFunction {
        old: &'a Function,
        new: &'a Function,
    },
    /// Values appended to an enum.
    ExtendEnum {
        old: &'a EnumType,
        new: &'a EnumType,
    },
    /// Only the comment of a schema, type or function changed.
    Comment {
        old: Object<'a>,
        new: Object<'a>,
    },
    /// A view whose query (columns kept), options or comments change in place.
    AlterView {
        old: &'a crate::model::view::View,
        new: &'a crate::model::view::View,
    },
    /// An enum rebuilt with its rows kept: values removed or reordered.
    RebuildEnum {
        old: &'a EnumType,
        new: &'a EnumType,
        step: super::enum_rebuild::EnumStep<'a>,
    },
    /// Reference rows that went away (before other drops).
    RowsPre {
        old: &'a Table,
        new: &'a Table,
    },
    /// Reference rows that are new or changed.
    RowsPost {
        old: &'a Table,
        new: &'a Table,
    },
    /// A sequence, domain, composite or range type altered in place.
    AlterObject {
        old: Object<'a>,
        new: Object<'a>,
    },
    /// The privileges of a grant or of default privileges changed: revoke what went away,
    /// grant what is new.
    Privileges {
        old: Object<'a>,
        new: Object<'a>,
    },
    /// An unchanged check that calls a function dropped and created again in this plan:
    /// dropped before the function (PostgreSQL refuses otherwise), added back after.
    DetachCheck {
        table: &'a Table,
        check: &'a crate::model::constraint::Check,
    },
    ReattachCheck {
        table: &'a Table,
        check: &'a crate::model::constraint::Check,
    },
    /// The default of a column set again after the function it calls was recreated.
    ReattachDefault {
        table: &'a Table,
        column: &'a Column,
    },
}

/// Why no plan could be made.
#[derive(Debug, Clone)]
pub enum PlanError {
    /// Objects of the declaration that need each other.
    Cycles(Vec<Cycle>),
    /// A change this version cannot express safely; the text says what to do instead.
    Unsupported {
        object: String,
        origin: crate::model::names::Origin,
        message: String,
    },
    /// A change that needs something the declaration does not say (a backfill value).
    Needs {
        code: crate::validate::Code,
        object: String,
        origin: crate::model::names::Origin,
        message: String,
        help: String,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Fate {
    Same,
    Removed,
    /// Dropped and created again.
    Rebuild,
    Alter,
}

/// Which way a plan goes. Rolling back may leave behind what PostgreSQL cannot remove
/// (an enum value), where going forward must not lose anything silently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Way {
    Up,
    Down,
}

/// A declaration's graph and creation order, built once and shared by the up and the
/// down plan.
#[derive(Debug)]
pub struct Planned<'a> {
    pub graph: Graph<'a>,
    pub order: Vec<usize>,
}

impl<'a> Planned<'a> {
    pub fn new(db: &'a Database) -> Result<Self, PlanError> {
        let graph = Graph::build(db);
        let order = graph.order().map_err(PlanError::Cycles)?;
        Ok(Self { graph, order })
    }
}

/// Plans the changes that turn `old` into `new`.
pub fn diff<'a>(old: &'a Database, new: &'a Database) -> Result<Vec<Change<'a>>, PlanError> {
    let new = Planned::new(new)?;
    changes(&Planned::new(old)?, &new, Way::Up)
}

/// Plans the rollback from `new` back to `old`.
pub fn rollback<'a>(new: &'a Database, old: &'a Database) -> Result<Vec<Change<'a>>, PlanError> {
    let old = Planned::new(old)?;
    changes(&Planned::new(new)?, &old, Way::Down)
}

/// The changes from one planned declaration to another.
pub fn changes<'a>(
    from: &Planned<'a>,
    to: &Planned<'a>,
    dir: Way,
) -> Result<Vec<Change<'a>>, PlanError> {
    let (g_old, order_old) = (&from.graph, &from.order);
    let (g_new, order_new) = (&to.graph, &to.order);

    let new_index: HashMap<&Key, usize> =
        g_new.keys.iter().enumerate().map(|(i, k)| (k, i)).collect();
    let mut fate: Vec<Fate> = g_old
        .objects
        .iter()
        .zip(&g_old.keys)
        .map(|(o, k)| match new_index.get(k) {
            None => Fate::Removed,
            Some(&j) if o.same_as(&g_new.objects[j]) => Fate::Same,
            Some(&j) => classify(o, &g_new.objects[j], dir),
        })
        .collect();

    super::view::rebuild_views_over_changed_tables(g_old, &g_new.objects, &new_index, &mut fate);
    let detached = propagate_rebuilds(g_old, &mut fate)?;

    let goes_with_its_table = implicit_drops(g_old, order_old, &fate);
    let dropped_functions: HashSet<&QName> = g_old
        .objects
        .iter()
        .zip(&fate)
        .filter_map(|(o, f)| match (o, f) {
            (Object::Function(func), Fate::Removed | Fate::Rebuild) => Some(&func.name),
            _ => None,
        })
        .collect();

    let detach_of = |i: usize| -> Option<(&'a Table, &'a Table)> {
        let (Object::Table(a), Some(&j)) = (g_old.objects[i], new_index.get(&g_old.keys[i])) else {
            return None;
        };
        let Object::Table(b) = g_new.objects[j] else {
            return None;
        };
        (detached.contains(&i) && matches!(fate[i], Fate::Same | Fate::Alter)).then_some((a, b))
    };
    let mut changes = Vec::new();
    for &i in order_old.iter().rev() {
        let o = g_old.objects[i];
        if let Some((a, b)) = detach_of(i) {
            changes.extend(detach_users(&dropped_functions, a, b));
        }
        match fate[i] {
            Fate::Removed | Fate::Rebuild => {
                if !goes_with_its_table[i] {
                    changes.push(Change::Drop(o));
                }
            }
            Fate::Alter => {
                let n = g_new.objects[new_index[&g_old.keys[i]]];
                match (o, n) {
                    (Object::Table(a), Object::Table(b)) => {
                        super::partition_change::check(a, b)?;
                        changes.push(Change::AlterTablePre { old: a, new: b });
                        for (column, n) in a
                            .columns
                            .iter()
                            .filter_map(|c| b.find_column(&c.name).map(|n| (c, n)))
                        {
                            let (default, expression) =
                                early_expression_drops(&dropped_functions, column, n);
                            if default || expression {
                                changes.push(Change::DropColumnExpressions {
                                    table: a,
                                    column,
                                    default,
                                    expression,
                                });
                            }
                        }
                    }
                    (Object::Rows(a), Object::Rows(b)) => {
                        changes.push(Change::RowsPre { old: a, new: b });
                    }
                    _ => {}
                }
            }
            Fate::Same => {}
        }
    }
    let old_index: HashMap<&Key, usize> =
        g_old.keys.iter().enumerate().map(|(i, k)| (k, i)).collect();
    for &j in order_new {
        let n = g_new.objects[j];
        let Some(&i) = old_index.get(&g_new.keys[j]) else {
            changes.push(Change::Create(n));
            continue;
        };
        let o = g_old.objects[i];
        if let Some((a, b)) = detach_of(i) {
            // After the table's own changes: their columns and checks exist by then.
            let at = changes.len();
            changes.extend(reattach_users(&dropped_functions, a, b));
            let reattach: Vec<Change<'a>> = changes.drain(at..).collect();
            if fate[i] == Fate::Alter
                && let (Object::Table(a), Object::Table(b)) = (o, n)
            {
                changes.push(Change::AlterTablePost { old: a, new: b });
            }
            changes.extend(reattach);
            continue;
        }
        match fate[i] {
            Fate::Same => {}
            Fate::Removed | Fate::Rebuild => changes.push(Change::Create(n)),
            Fate::Alter
                if let (Object::Enum(a), Object::Enum(b)) = (o, n)
                    && super::enum_rebuild::needs_rebuild(a, b, dir == Way::Down) =>
            {
                super::enum_rebuild::rebuild_enum(&mut changes, a, b, g_old, g_new, &old_index);
            }
            Fate::Alter => changes.push(match (o, n) {
                (Object::Table(a), Object::Table(b)) => Change::AlterTablePost { old: a, new: b },
                (Object::Rows(a), Object::Rows(b)) => Change::RowsPost { old: a, new: b },
                (Object::Function(a), Object::Function(b)) => {
                    Change::ReplaceFunction { old: a, new: b }
                }
                (Object::View(a), Object::View(b)) => Change::AlterView { old: a, new: b },
                (Object::Enum(a), Object::Enum(b)) if a.values != b.values => {
                    Change::ExtendEnum { old: a, new: b }
                }
                (o, n) if super::types::is_type_or_sequence(&o) => {
                    Change::AlterObject { old: o, new: n }
                }
                (o @ (Object::Grant(_) | Object::DefaultPrivileges(_)), n) => {
                    Change::Privileges { old: o, new: n }
                }
                (o, n) => Change::Comment { old: o, new: n },
            }),
        }
    }
    Ok(changes)
}

/// Which dropped objects need no statement of their own because `DROP TABLE` takes them
/// with it: the indexes, triggers, policies and rows of a dropped table, unless something
/// else they depend on is dropped before the table. PostgreSQL refuses to drop a function
/// a policy or trigger still uses, so such a policy or trigger is dropped explicitly, in
/// the reverse creation order like everything else. A foreign key added later is always
/// dropped explicitly: it is what keeps the other table of a cycle from being dropped.
fn implicit_drops(g: &Graph<'_>, order: &[usize], fate: &[Fate]) -> Vec<bool> {
    let dropped = |i: usize| matches!(fate[i], Fate::Removed | Fate::Rebuild);
    let mut position = vec![0; order.len()];
    for (p, &i) in order.iter().rev().enumerate() {
        position[i] = p;
    }
    let removed_tables: HashMap<&QName, usize> = g
        .objects
        .iter()
        .enumerate()
        .filter_map(|(i, o)| match o {
            Object::Table(t) if fate[i] == Fate::Removed => Some((&t.name, i)),
            Object::View(v) if fate[i] == Fate::Removed => Some((&v.name, i)),
            _ => None,
        })
        .collect();
    let mut implicit = vec![false; order.len()];
    // Where each object is actually dropped: its own statement, or its table's.
    let mut when: Vec<usize> = position.clone();
    // Creation order, so an object's dependencies are decided before the object.
    for &i in order {
        let o = g.objects[i];
        if !dropped(i) || matches!(o, Object::LaterFk(..)) {
            continue;
        }
        let Some(&table) = o.owner().and_then(|t| removed_tables.get(t)) else {
            continue;
        };
        let outlives_the_table = g
            .graph
            .neighbors_directed(NodeIndex::new(i), Direction::Outgoing)
            .map(NodeIndex::index)
            .all(|d| d == table || !dropped(d) || when[d] > position[table]);
        if outlives_the_table {
            implicit[i] = true;
            when[i] = position[table];
        }
    }
    implicit
}

/// Whether the drop phase drops a column's default and its generation expression: when
/// they go away (nothing depends on them, and a function they call may be dropped next),
/// and a default that calls a function dropped in this plan even when it changes (the new
/// one is set in creation order).
fn early_expression_drops(
    dropped_functions: &HashSet<&QName>,
    old: &Column,
    new: &Column,
) -> (bool, bool) {
    if rebuilt(old, new) {
        return (false, false);
    }
    let calls_a_dropped_function = |e: &crate::model::expr::SqlExpr| {
        crate::sql::scan::calls(e.as_str()).iter().any(|c| {
            let schema = c.schema.as_deref().unwrap_or("public");
            dropped_functions.contains(&QName::new(schema, c.name.as_str()))
        })
    };
    let default = match (&old.default, &new.default) {
        (Some(_), None) => true,
        (Some(a), Some(b)) => a != b && calls_a_dropped_function(a),
        (None, _) => false,
    };
    (default, goes_away(&old.generated, &new.generated))
}

fn goes_away<T>(old: &Option<T>, new: &Option<T>) -> bool {
    old.is_some() && new.is_none()
}

/// PostgreSQL 15 cannot change a generation expression: such a column is dropped and added.
pub(super) fn rebuilt(old: &Column, new: &Column) -> bool {
    new.generated != old.generated && new.generated.is_some()
}

/// `ALTER TABLE t ALTER COLUMN c DROP DEFAULT;` (`what` = `DEFAULT`, `EXPRESSION`).
pub(super) fn drop_column_part(table: &Table, column: &Column, what: &str) -> Stmt {
    Stmt::new(
        "column",
        format!("{}.{}", table.name, column.name),
        format!(
            "ALTER TABLE {} ALTER COLUMN {} DROP {what};",
            crate::sql::ident::qname(&table.name),
            crate::sql::ident::ident(&column.name)
        ),
    )
}

fn classify(old: &Object<'_>, new: &Object<'_>, dir: Way) -> Fate {
    if let Some(alterable) = super::types::alterable(old, new) {
        return if alterable {
            Fate::Alter
        } else {
            Fate::Rebuild
        };
    }
    match (old, new) {
        (Object::Enum(a), Object::Enum(b))
            if dir == Way::Down && a.values.starts_with(&b.values) =>
        {
            Fate::Alter
        }
        (Object::Table(_), Object::Table(_)) | (Object::Rows(_), Object::Rows(_)) => Fate::Alter,
        (Object::Function(a), Object::Function(b)) if replaceable(a, b) => Fate::Alter,
        (Object::Aggregate(a), Object::Aggregate(b))
            if Aggregate {
                comment: b.comment.clone(),
                ..(*a).clone()
            } == **b =>
        {
            Fate::Alter
        }
        (Object::Enum(a), Object::Enum(b)) if b.values.starts_with(&a.values) => Fate::Alter,
        (Object::Schema(_), Object::Schema(_)) => Fate::Alter,
        (Object::View(a), Object::View(b)) if super::view::alterable(a, b) => Fate::Alter,
        (Object::Grant(a), Object::Grant(b)) if a.on == b.on && a.to == b.to => Fate::Alter,
        (Object::DefaultPrivileges(_), Object::DefaultPrivileges(_)) => Fate::Alter,
        (Object::Enum(_), Object::Enum(_)) => Fate::Alter,
        (Object::Index(_, a), Object::Index(_, b)) if a.comment != b.comment => {
            let uncommented = crate::model::index::Index {
                comment: b.comment.clone(),
                ..(*a).clone()
            };
            if uncommented == **b {
                Fate::Alter
            } else {
                Fate::Rebuild
            }
        }
        _ => Fate::Rebuild,
    }
}

/// An object dropped and created again takes its dependents with it: PostgreSQL refuses
/// to drop a function a trigger uses. Indexes, triggers, policies, later foreign keys
/// and functions are rebuilt too; a table cannot be, so that is an error with the fix.
fn propagate_rebuilds(g: &Graph<'_>, fate: &mut [Fate]) -> Result<HashSet<usize>, PlanError> {
    // Tables whose defaults or checks call a rebuilt function: those are dropped and
    // added back around it (a generated column cannot be, and stays an error).
    let mut detached = HashSet::new();
    let mut stack: Vec<usize> = (0..fate.len())
        .filter(|&i| fate[i] == Fate::Rebuild)
        .collect();
    while let Some(i) = stack.pop() {
        for d in g
            .graph
            .neighbors_directed(NodeIndex::new(i), Direction::Incoming)
        {
            let d = d.index();
            if matches!(fate[d], Fate::Rebuild | Fate::Removed) {
                continue;
            }
            match g.objects[d] {
                Object::Index(..)
                | Object::Trigger(..)
                | Object::Policy(..)
                | Object::LaterFk(..)
                | Object::Grant(_)
                | Object::DefaultPrivileges(_)
                | Object::Function(_)
                | Object::View(_)
                | Object::ViewIndex(..)
                | Object::ViewTrigger(..)
                | Object::Raw(_)
                | Object::SequenceOwner(_)
                | Object::Domain(_)
                | Object::Composite(_)
                | Object::Range(_)
                | Object::Aggregate(_) => {
                    fate[d] = Fate::Rebuild;
                    stack.push(d);
                }
                Object::Table(t)
                    if matches!(g.objects[i], Object::Function(f)
                    if !t.columns.iter().filter_map(|c| c.generated.as_ref()).any(|e| {
                        crate::sql::scan::calls(e.as_str()).iter().any(|c| {
                            c.name == f.name.name
                                && c.schema.as_deref().unwrap_or("public") == f.name.schema
                        })
                    })) =>
                {
                    detached.insert(d);
                }
                Object::Rows(_) => {}
                other => {
                    let dep = g.objects[i];
                    return Err(PlanError::Unsupported {
                        object: dep.display_name(),
                        origin: dep.origin(),
                        message: format!(
                            "{} {} must be dropped and created again for this change, but {} {} depends on it; \
                             split the change: first make {} stop using it, generate, then change it",
                            dep.kind(),
                            dep.display_name(),
                            other.kind(),
                            other.display_name(),
                            other.display_name()
                        ),
                    });
                }
            }
        }
    }
    Ok(detached)
}

/// What goes away of a table's columns (a default, a generation expression) is dropped
/// in the drop phase; these are its statements, which the second half leaves out.
pub(crate) fn early_drops(old: &Table, new: &Table) -> Vec<String> {
    let mut early = Vec::new();
    for c in &old.columns {
        let Some(n) = new.find_column(&c.name) else {
            continue;
        };
        if rebuilt(c, n) {
            continue;
        }
        if goes_away(&c.default, &n.default) {
            early.push(drop_column_part(old, c, "DEFAULT").sql);
        }
        if goes_away(&c.generated, &n.generated) {
            early.push(drop_column_part(old, c, "EXPRESSION").sql);
        }
    }
    early
}
