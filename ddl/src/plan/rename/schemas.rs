//! Schema renames: `ALTER SCHEMA .. RENAME TO`, everything in the schema moving along.

use super::Step;
use super::types::for_each_type;
use super::views::{follow_sequence, schema_in_query};
use crate::model::database::Database;
use crate::model::names::QName;
use crate::model::view::Dep;
use crate::sql::ident::ident;
use crate::sql::render::Stmt;

impl Step<'_> {
    pub(super) fn schemas(&mut self, new: &Database) {
        // Only hinted objects cost anything: a 10,000-table declaration without hints
        // skips every lookup.
        for s in new
            .schemas
            .iter()
            .filter(|s| s.renamed_from.old().is_some())
        {
            let names: Vec<String> = self.db.schemas.iter().map(|x| x.name.clone()).collect();
            let Some(old) = self.renamed(
                "schema",
                &s.renamed_from,
                &s.name,
                s.name.clone(),
                s.origin,
                &names,
            ) else {
                continue;
            };
            let stmt = |from: &str, to: &str| {
                Stmt::new(
                    "schema",
                    to.to_owned(),
                    format!("ALTER SCHEMA {} RENAME TO {};", ident(from), ident(to)),
                )
            };
            self.out.push(stmt(&old, &s.name), stmt(&s.name, &old));
            move_schema(self.db, &old, &s.name);
        }
    }
}

/// A schema renamed in the snapshot: everything in it moves along.
fn move_schema(db: &mut Database, old: &str, new: &str) {
    let mv = |q: &mut QName| {
        if q.schema == old {
            q.schema = new.to_owned();
        }
    };
    for s in &mut db.schemas {
        if s.name == old {
            s.name = new.to_owned();
        }
    }
    db.enums.iter_mut().for_each(|e| mv(&mut e.name));
    db.functions.iter_mut().for_each(|f| mv(&mut f.name));
    db.domains.iter_mut().for_each(|d| mv(&mut d.name));
    db.composites.iter_mut().for_each(|c| mv(&mut c.name));
    db.ranges.iter_mut().for_each(|r| mv(&mut r.name));
    for t in &mut db.tables {
        mv(&mut t.name);
        t.foreign_keys
            .iter_mut()
            .for_each(|fk| mv(&mut fk.ref_table));
        t.triggers.iter_mut().for_each(|tr| mv(&mut tr.function));
    }
    let mut moved = Vec::new();
    for q in &mut db.sequences {
        if q.name.schema == old {
            moved.push(q.name.clone());
        }
        mv(&mut q.name);
        if let Some((owner, _)) = &mut q.owned_by {
            mv(owner);
        }
    }
    for q in moved {
        follow_sequence(db, &q, &QName::new(new, &q.name));
    }
    for v in &mut db.views {
        mv(&mut v.name);
        v.query = schema_in_query(&v.query, old, new);
        v.triggers.iter_mut().for_each(|tr| mv(&mut tr.function));
        for d in &mut v.depends_on {
            match d {
                Dep::Table(q) | Dep::View(q) | Dep::Function(q) => mv(q),
                _ => {}
            }
        }
    }
    for_each_type(db, mv);
}
