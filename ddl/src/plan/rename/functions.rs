//! Function renames: `ALTER FUNCTION name(signature) RENAME TO`; triggers calling it follow.

use super::Step;
use crate::model::database::Database;
use crate::model::names::QName;
use crate::sql::ident::{ident, qname};
use crate::sql::render::Stmt;

impl Step<'_> {
    pub(super) fn functions(&mut self, new: &Database) {
        for f in new
            .functions
            .iter()
            .filter(|f| f.renamed_from.old().is_some())
        {
            let names: Vec<QName> = self.db.functions.iter().map(|x| x.name.clone()).collect();
            let Some(old) = self.qualified("function", &f.renamed_from, &f.name, f.origin, &names)
            else {
                continue;
            };
            let Some(snap) = self.db.functions.iter_mut().find(|x| x.name == old) else {
                continue;
            };
            let sig = snap.signature();
            let stmt = |from: &QName, to: &str| {
                Stmt::new(
                    "function",
                    from.to_string(),
                    format!(
                        "ALTER FUNCTION {}({sig}) RENAME TO {};",
                        qname(from),
                        ident(to)
                    ),
                )
            };
            self.out
                .push(stmt(&old, &f.name.name), stmt(&f.name, &old.name));
            snap.name = f.name.clone();
            for t in &mut self.db.tables {
                for tr in &mut t.triggers {
                    if tr.function == old {
                        tr.function = f.name.clone();
                    }
                }
            }
        }
    }
}
