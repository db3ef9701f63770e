//! Table and column renames: `ALTER TABLE .. RENAME [COLUMN]`; foreign keys, owned
//! sequences, views and (for a column) constraints, indexes and expressions follow.

use super::Step;
use super::views::rename_in_query;
use crate::model::database::Database;
use crate::model::names::{Origin, QName};
use crate::model::table::Table;
use crate::model::view::Dep;
use crate::sql::ident::{ident, qname};
use crate::sql::render::{LockMode, Stmt};

impl Step<'_> {
    pub(super) fn tables(&mut self, new: &Database) {
        for t in &new.tables {
            let Some(old) = self.rename_object(
                "table",
                "TABLE",
                true,
                (&t.renamed_from, &t.name, t.origin),
                |db| &mut db.tables,
                |x| &mut x.name,
            ) else {
                continue;
            };
            for x in &mut self.db.tables {
                for fk in &mut x.foreign_keys {
                    if fk.ref_table == old {
                        fk.ref_table = t.name.clone();
                    }
                }
            }
            for q in &mut self.db.sequences {
                if let Some((owner, _)) = &mut q.owned_by
                    && *owner == old
                {
                    *owner = t.name.clone();
                }
            }
            for v in &mut self.db.views {
                for d in &mut v.depends_on {
                    if *d == Dep::Table(old.clone()) {
                        *d = Dep::Table(t.name.clone());
                    }
                }
                v.query = rename_in_query(&v.query, &old, &t.name);
            }
        }
    }

    /// Columns, indexes and constraints of one table (already under its new name).
    pub(super) fn table_parts(&mut self, t: &Table) {
        let Some(pos) = self.db.tables.iter().position(|x| x.name == t.name) else {
            // A new table: its parts' hints name nothing the snapshot has.
            for (kind, old, new, origin) in hints_of(t) {
                if !old.is_empty() && old != new {
                    self.errors.push(super::missing(
                        kind,
                        &format!("{}.{new}", t.name),
                        &old,
                        &new,
                        origin,
                    ));
                }
            }
            return;
        };
        self.columns(t, pos);
        self.indexes(t, pos);
        self.constraints(t, pos);
    }

    fn columns(&mut self, t: &Table, pos: usize) {
        for c in &t.columns {
            let names: Vec<String> = self.db.tables[pos]
                .columns
                .iter()
                .map(|x| x.name.clone())
                .collect();
            let Some(old) = self.renamed(
                "column",
                &c.renamed_from,
                &c.name,
                format!("{}.{}", t.name, c.name),
                c.origin,
                &names,
            ) else {
                continue;
            };
            self.push_part_rename("column", "COLUMN", &t.name, &old, &c.name);
            crate::plan::rename_column::rename_column(self.db, pos, &old, &c.name);
        }
    }

    /// `ALTER TABLE t RENAME <what> old TO new` up, and back down.
    pub(super) fn push_part_rename(
        &mut self,
        kind: &'static str,
        what: &str,
        table: &QName,
        old: &str,
        new: &str,
    ) {
        let tq = qname(table);
        let stmt = |from: &str, to: &str| {
            Stmt::new(
                kind,
                format!("{table}.{to}"),
                format!(
                    "ALTER TABLE {tq} RENAME {what} {} TO {};",
                    ident(from),
                    ident(to)
                ),
            )
            .locks(LockMode::AccessExclusive, &[table])
        };
        self.out.push(stmt(old, new), stmt(new, old));
    }
}

/// The rename hints of a table's parts: (kind, old, new, origin).
pub(super) fn hints_of(t: &Table) -> Vec<(&'static str, String, String, Origin)> {
    let mut out = Vec::new();
    for c in &t.columns {
        if let Some(o) = c.renamed_from.old() {
            out.push(("column", o.to_owned(), c.name.clone(), c.origin));
        }
    }
    for i in &t.indexes {
        if let Some(o) = i.renamed_from.old() {
            out.push(("index", o.to_owned(), i.name.clone(), i.origin));
        }
    }
    for (h, n, origin) in super::constraints::constraint_hints(t) {
        if let Some(o) = h.old() {
            out.push(("constraint", o.to_owned(), n.to_owned(), origin));
        }
    }
    out
}
