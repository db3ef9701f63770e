//! The difference between two declarations as an ordered list of changes.
//!
//! The first migration is the difference from an empty database; every later one is the
//! difference from the snapshot of the previous state. Down is the same function with the
//! arguments swapped, so rolling back is planned as carefully as going forward.

use super::graph::{Cycle, Graph};
use super::object::{Key, Object};
use crate::model::column::Column;
use crate::model::database::Database;
use crate::model::expr::Literal;
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

    propagate_rebuilds(g_old, &mut fate)?;

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

    let mut changes = Vec::new();
    for &i in order_old.iter().rev() {
        let o = g_old.objects[i];
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
        match fate[i] {
            Fate::Same => {}
            Fate::Removed | Fate::Rebuild => changes.push(Change::Create(n)),
            Fate::Alter => changes.push(match (o, n) {
                (Object::Table(a), Object::Table(b)) => Change::AlterTablePost { old: a, new: b },
                (Object::Rows(a), Object::Rows(b)) => Change::RowsPost { old: a, new: b },
                (Object::Function(a), Object::Function(b)) => {
                    Change::ReplaceFunction { old: a, new: b }
                }
                (Object::Enum(a), Object::Enum(b)) if a.values != b.values => {
                    Change::ExtendEnum { old: a, new: b }
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
fn rebuilt(old: &Column, new: &Column) -> bool {
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

/// Two versions of a function that `CREATE OR REPLACE` can turn one into the other.
fn replaceable(a: &Function, b: &Function) -> bool {
    a.signature() == b.signature() && a.returns == b.returns && a.args == b.args
}

fn classify(old: &Object<'_>, new: &Object<'_>, dir: Way) -> Fate {
    match (old, new) {
        (Object::Enum(a), Object::Enum(b))
            if dir == Way::Down && a.values.starts_with(&b.values) =>
        {
            Fate::Alter
        }
        (Object::Table(_), Object::Table(_)) | (Object::Rows(_), Object::Rows(_)) => Fate::Alter,
        (Object::Function(a), Object::Function(b)) if replaceable(a, b) => Fate::Alter,
        (Object::Enum(a), Object::Enum(b)) if b.values.starts_with(&a.values) => Fate::Alter,
        (Object::Schema(_), Object::Schema(_)) => Fate::Alter,
        _ => Fate::Rebuild,
    }
}

/// An object dropped and created again takes its dependents with it: PostgreSQL refuses
/// to drop a function a trigger uses. Indexes, triggers, policies, later foreign keys
/// and functions are rebuilt too; a table cannot be, so that is an error with the fix.
fn propagate_rebuilds(g: &Graph<'_>, fate: &mut [Fate]) -> Result<(), PlanError> {
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
                | Object::Function(_) => {
                    fate[d] = Fate::Rebuild;
                    stack.push(d);
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
    Ok(())
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
                if old.body != new.body
                    || old.volatility != new.volatility
                    || old.strict != new.strict
                    || old.security_definer != new.security_definer
                    || old.config != new.config
                    || old.language != new.language
                {
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
                _ => Vec::new(),
            },
            Change::RowsPre { old, new } => rows_pre(old, new),
            Change::RowsPost { old, new } => rows_post(old, new),
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
            Change::Comment { new, .. } => {
                format!("~ {} {} (comment)", new.kind(), new.display_name())
            }
            Change::RowsPre { new, .. } | Change::RowsPost { new, .. } => {
                format!("~ rows {}", new.name)
            }
        }
    }
}

fn create(o: Object<'_>) -> Vec<Stmt> {
    match o {
        Object::Extension(e) => vec![render::create_extension(e)],
        Object::Schema(s) => render::create_schema(s),
        Object::Enum(e) => render::create_enum(e),
        Object::Function(f) => render::create_function(f, false),
        Object::Table(t) => render::create_table(t),
        Object::Index(t, i) => vec![render::create_index(t, i)],
        Object::Trigger(t, tr) => vec![render::create_trigger(t, tr)],
        Object::Policy(t, p) => vec![render::create_policy(t, p)],
        Object::LaterFk(t, fk) => vec![render::add_foreign_key(t, fk)],
        Object::Rows(t) => t
            .rows
            .as_ref()
            .and_then(|r| render::insert_rows(t, r, &r.values.iter().collect::<Vec<_>>()))
            .into_iter()
            .collect(),
    }
}

fn drop(o: Object<'_>) -> Vec<Stmt> {
    match o {
        Object::Extension(e) => vec![render::drop_extension(e)],
        Object::Schema(s) => vec![render::drop_schema(s)],
        Object::Enum(e) => vec![render::drop_enum(e)],
        Object::Function(f) => vec![render::drop_function(f)],
        Object::Table(t) => render::drop_table(t),
        Object::Index(t, i) => vec![render::drop_index(t, i)],
        Object::Trigger(t, tr) => vec![render::drop_trigger(t, tr)],
        Object::Policy(t, p) => vec![render::drop_policy(t, p)],
        Object::LaterFk(t, fk) => vec![render::drop_foreign_key(t, fk)],
        Object::Rows(t) => {
            let empty = Table {
                rows: None,
                ..t.clone()
            };
            rows_pre(t, &empty)
        }
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
