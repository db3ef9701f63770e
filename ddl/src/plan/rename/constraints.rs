//! Index and constraint renames: `ALTER INDEX .. RENAME TO`, `ALTER TABLE ..
//! RENAME CONSTRAINT`.

use super::Step;
use crate::model::hint::RenamedFrom;
use crate::model::names::{Origin, QName};
use crate::model::table::Table;

impl Step<'_> {
    pub(super) fn indexes(&mut self, t: &Table, pos: usize) {
        for ix in &t.indexes {
            let names: Vec<String> = self.db.tables[pos]
                .indexes
                .iter()
                .map(|x| x.name.clone())
                .collect();
            let Some(old) = self.renamed(
                "index",
                &ix.renamed_from,
                &ix.name,
                format!("{}.{}", t.name.schema, ix.name),
                ix.origin,
                &names,
            ) else {
                continue;
            };
            let old = QName::new(&t.name.schema, &old);
            let new = QName::new(&t.name.schema, &ix.name);
            self.push_rename("index", "INDEX", false, &old, &new);
            for i in &mut self.db.tables[pos].indexes {
                if i.name == old.name {
                    i.name = ix.name.clone();
                }
            }
        }
    }

    pub(super) fn constraints(&mut self, t: &Table, pos: usize) {
        for (hint, name, origin) in constraint_hints(t) {
            let names = constraint_names(&self.db.tables[pos]);
            let Some(old) = self.renamed(
                "constraint",
                hint,
                name,
                format!("{}.{name}", t.name),
                origin,
                &names,
            ) else {
                continue;
            };
            self.push_part_rename("constraint", "CONSTRAINT", &t.name, &old, name);
            rename_constraint(&mut self.db.tables[pos], &old, name);
        }
    }
}

pub(super) fn constraint_hints(t: &Table) -> Vec<(&RenamedFrom, &str, Origin)> {
    let mut out = Vec::new();
    if let Some(p) = &t.primary_key {
        out.push((&p.renamed_from, p.name.as_str(), p.origin));
    }
    out.extend(
        t.uniques
            .iter()
            .map(|u| (&u.renamed_from, u.name.as_str(), u.origin)),
    );
    out.extend(
        t.checks
            .iter()
            .map(|c| (&c.renamed_from, c.name.as_str(), c.origin)),
    );
    out.extend(
        t.foreign_keys
            .iter()
            .map(|f| (&f.renamed_from, f.name.as_str(), f.origin)),
    );
    out.extend(
        t.exclusions
            .iter()
            .map(|x| (&x.renamed_from, x.name.as_str(), x.origin)),
    );
    out
}

pub(super) fn constraint_names(t: &Table) -> Vec<String> {
    let mut out: Vec<String> = t.primary_key.iter().map(|p| p.name.clone()).collect();
    out.extend(t.uniques.iter().map(|u| u.name.clone()));
    out.extend(t.checks.iter().map(|c| c.name.clone()));
    out.extend(t.foreign_keys.iter().map(|f| f.name.clone()));
    out.extend(t.exclusions.iter().map(|x| x.name.clone()));
    out
}

fn rename_constraint(t: &mut Table, old: &str, new: &str) {
    let set = |n: &mut String| {
        if n == old {
            *n = new.to_owned();
        }
    };
    if let Some(p) = &mut t.primary_key {
        set(&mut p.name);
    }
    t.uniques.iter_mut().for_each(|u| set(&mut u.name));
    t.checks.iter_mut().for_each(|c| set(&mut c.name));
    t.foreign_keys.iter_mut().for_each(|f| set(&mut f.name));
    t.exclusions.iter_mut().for_each(|x| set(&mut x.name));
}
