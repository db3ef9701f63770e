//! How views change: in place where PostgreSQL can (`CREATE OR REPLACE VIEW`, `ALTER VIEW
//! ... SET`), otherwise dropped and created again with everything that depends on them.

use super::diff::Fate;
use super::graph::Graph;
use super::object::{Key, Object};
use crate::model::table::Table;
use crate::model::view::View;
use petgraph::Direction;
use petgraph::graph::NodeIndex;
use std::collections::HashMap;

/// Views compared on what their own statements create (not indexes or triggers, which are
/// objects of their own).
pub(crate) fn shell_eq(a: &View, b: &View) -> bool {
    a.name == b.name
        && a.query == b.query
        && a.materialized == b.materialized
        && a.columns == b.columns
        && a.types == b.types
        && a.security_barrier == b.security_barrier
        && a.security_invoker == b.security_invoker
        && a.check_option == b.check_option
        && a.with_no_data == b.with_no_data
        && a.comment == b.comment
        && a.column_comments == b.column_comments
        && a.depends_on == b.depends_on
}

/// Whether `old` can become `new` without dropping it. A materialized view's query cannot
/// change in place. A view's query can, with `CREATE OR REPLACE VIEW`, only when the
/// existing columns stay (same names and types, new ones only appended): the declared
/// column list is what shows that, so a view without one is rebuilt when its query
/// changes. A column whose type changes behind an unchanged list is PostgreSQL's error at
/// apply time (`cannot change data type of view column`); rename the column or change the
/// list to rebuild instead.
pub(crate) fn alterable(old: &View, new: &View) -> bool {
    if old.materialized != new.materialized {
        return false;
    }
    // Declared types that change (or stop being declared) may retype a column.
    if !new.types.starts_with(&old.types) {
        return false;
    }
    if old.query == new.query && old.columns == new.columns {
        return true;
    }
    !new.materialized && !old.columns.is_empty() && new.columns.starts_with(&old.columns)
}

/// The columns of a table that a change drops or retypes. PostgreSQL refuses both while
/// a view uses the column, so such views are dropped before and created again after the
/// change.
pub(crate) fn broken_columns<'t>(old: &'t Table, new: &Table) -> Vec<&'t str> {
    old.columns
        .iter()
        .filter(|c| {
            new.find_column(&c.name)
                .is_none_or(|n| n.ty != c.ty || n.generated != c.generated)
        })
        .map(|c| c.name.as_str())
        .collect()
}

/// Whether a view may use one of `columns`: its query names one of them as a word, or
/// selects `*` (expanded to the columns of the moment the view was created). A false
/// positive only rebuilds a view that could have stayed.
pub(crate) fn may_use(v: &View, columns: &[&str]) -> bool {
    if columns.is_empty() {
        return false;
    }
    let q = v.query.as_bytes();
    let star = q.iter().enumerate().any(|(i, &c)| {
        c == b'*'
            && q[..i]
                .iter()
                .rev()
                .find(|b| !b.is_ascii_whitespace())
                .is_none_or(|&p| p != b'(')
    });
    star || v
        .query
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
        .any(|w| columns.iter().any(|c| w.eq_ignore_ascii_case(c)))
}

/// Views over a table that drops or retypes a column they may use are dropped before the
/// change and created again after it: PostgreSQL refuses to change a column a view uses.
/// What depends on those views follows through `propagate_rebuilds`. A raw object is
/// not rebuilt for a column change (its text is not read): declare its dependency on a
/// view, or rebuild it by changing its text.
pub(super) fn rebuild_views_over_changed_tables(
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
        let broken = broken_columns(a, b);
        if broken.is_empty() {
            continue;
        }
        let dependents: Vec<usize> = g
            .graph
            .neighbors_directed(NodeIndex::new(i), Direction::Incoming)
            .map(NodeIndex::index)
            .filter(|&d| matches!(g.objects[d], Object::View(v) if may_use(v, &broken)))
            .collect();
        for d in dependents {
            if matches!(fate[d], Fate::Same | Fate::Alter) {
                fate[d] = Fate::Rebuild;
            }
        }
    }
}
