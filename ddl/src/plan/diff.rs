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
use crate::model::expr::Literal;
use crate::model::function::Aggregate;
use crate::model::names::QName;
use crate::model::objects::{EnumType, Function};
use crate::model::table::Table;
use crate::sql::render::{self, Stmt};
use petgraph::Direction;
use petgraph::graph::NodeIndex;
use std::collections::{BTreeMap, HashMap, HashSet};

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
enum Fate {
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

    rebuild_views_over_changed_tables(g_old, &g_new.objects, &new_index, &mut fate);
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
                rebuild_enum(&mut changes, a, b, g_old, g_new, &old_index);
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

/// The steps of an enum rebuild: the columns converted are those of tables in both
/// declarations that hold the type in both (the others are dropped before or added after).
fn rebuild_enum<'a>(
    changes: &mut Vec<Change<'a>>,
    old: &'a EnumType,
    new: &'a EnumType,
    g_old: &Graph<'a>,
    g_new: &Graph<'a>,
    old_index: &HashMap<&Key, usize>,
) {
    use super::enum_rebuild::{EnumStep, uses};
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
fn drop_column_part(table: &Table, column: &Column, what: &str) -> Stmt {
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

/// Views over a table that drops or retypes a column they may use are dropped before the
/// change and created again after it: PostgreSQL refuses to change a column a view uses.
/// What depends on those views follows through `propagate_rebuilds`. A raw object is
/// not rebuilt for a column change (its text is not read): declare its dependency on a
/// view, or rebuild it by changing its text.
fn rebuild_views_over_changed_tables(
    g: &Graph<'_>,
    new_objects: &[Object<'_>],
    new_index: &HashMap<&Key, usize>,
    fate: &mut [Fate],
) {
    for i in 0..fate.len() {
        let (Fate::Alter, Object::Table(a)) = (fate[i], g.objects[i]) else {
            continue;
        };
        let Some(Object::Table(b)) = new_index.get(&g.keys[i]).map(|&j| new_objects[j]) else {
            continue;
        };
        let broken = super::view::broken_columns(a, b);
        if broken.is_empty() {
            continue;
        }
        let dependents: Vec<usize> = g
            .graph
            .neighbors_directed(NodeIndex::new(i), Direction::Incoming)
            .map(NodeIndex::index)
            .filter(
                |&d| matches!(g.objects[d], Object::View(v) if super::view::may_use(v, &broken)),
            )
            .collect();
        for d in dependents {
            if matches!(fate[d], Fate::Same | Fate::Alter) {
                fate[d] = Fate::Rebuild;
            }
        }
    }
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
            Change::Comment { old, new } => match (old, new) {
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
            },
            Change::RowsPre { old, new } => rows_pre(old, new),
            Change::RowsPost { old, new } => rows_post(old, new),
            Change::AlterView { old, new } => render::alter_view(old, new),
            Change::AlterObject { old, new } => super::types::alter(old, new),
            Change::Privileges { old, new } => match (old, new) {
                (Object::Grant(a), Object::Grant(b)) => render::alter_grant(a, b),
                (Object::DefaultPrivileges(a), Object::DefaultPrivileges(b)) => {
                    render::alter_default_privileges(a, b)
                }
                _ => Vec::new(),
            },
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
            rows_pre(t, &empty)
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

/// Rows keyed by their primary-key values.
fn keyed(t: &Table) -> (Vec<String>, BTreeMap<Vec<Literal>, &Vec<Literal>>) {
    let pk: Vec<String> = t
        .primary_key
        .as_ref()
        .map(|p| p.columns.clone())
        .unwrap_or_default();
    let mut map = BTreeMap::new();
    if let Some(rows) = &t.rows {
        for r in &rows.values {
            map.insert(row_key(&pk, rows, r), r);
        }
    }
    (pk, map)
}

fn rows_pre(old: &Table, new: &Table) -> Vec<Stmt> {
    let (pk, before) = keyed(old);
    let (_, after) = keyed(new);
    let gone: Vec<Vec<Literal>> = before
        .keys()
        .filter(|k| !after.contains_key(*k))
        .cloned()
        .collect();
    render::delete_rows(old, &pk, &gone).into_iter().collect()
}

fn rows_post(old: &Table, new: &Table) -> Vec<Stmt> {
    let (pk, before) = keyed(old);
    let (_, after) = keyed(new);
    let Some(rows) = &new.rows else {
        return Vec::new();
    };
    let same_columns = old.rows.as_ref().map(|r| &r.columns) == Some(&rows.columns);
    let added: Vec<&Vec<Literal>> = rows
        .values
        .iter()
        .filter(|r| !before.contains_key(&row_key(&pk, rows, r)))
        .collect();
    let mut out: Vec<Stmt> = render::insert_rows(new, rows, &added).into_iter().collect();
    for (k, r) in &after {
        if let Some(prev) = before.get(k)
            && (!same_columns || prev != r)
        {
            out.push(render::update_row(new, rows, &pk, r));
        }
    }
    out
}

fn row_key(pk: &[String], rows: &crate::model::table::Rows, r: &[Literal]) -> Vec<Literal> {
    pk.iter()
        .filter_map(|c| rows.columns.iter().position(|rc| rc == c))
        .filter_map(|p| r.get(p).cloned())
        .collect()
}
