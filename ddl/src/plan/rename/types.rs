//! Type renames: enum types (and their values), domains, composite and range types.
//! Columns, fields, other types and views using a renamed type follow.

use super::Step;
use crate::model::database::Database;
use crate::model::names::QName;
use crate::model::types::ColumnType;
use crate::model::view::Dep;
use crate::sql::ident::qname;
use crate::sql::render::Stmt;
use crate::validate::{Code, Diagnostic};

impl Step<'_> {
    pub(super) fn enums(&mut self, new: &Database) {
        for e in &new.enums {
            if e.renamed_from.old().is_none() && e.renamed_values.0.is_empty() {
                continue;
            }
            if let Some(old) = self.rename_object(
                "type",
                "TYPE",
                false,
                (&e.renamed_from, &e.name, e.origin),
                |db| &mut db.enums,
                |x| &mut x.name,
            ) {
                rename_type(self.db, &old, &e.name);
            }
            // Values: (old, new) pairs, done when the snapshot's type has `new` already.
            let Some(snap) = self.db.enums.iter_mut().find(|x| x.name == e.name) else {
                continue;
            };
            for (from, to) in &e.renamed_values.0 {
                if snap.values.contains(to) {
                    continue;
                }
                let Some(pos) = snap.values.iter().position(|v| v == from) else {
                    self.errors.push(Diagnostic::new(
                        Code::RenameSourceMissing,
                        format!("{}", e.name),
                        e.origin,
                        format!("type {} declares value `{to}` renamed from `{from}`, but the snapshot's type has neither", e.name),
                        "correct the old value in `.value_renamed(..)`, or remove the hint",
                    ));
                    continue;
                };
                snap.values[pos] = to.clone();
                let q = qname(&e.name);
                let lit = crate::model::expr::quote_literal;
                self.out.push(
                    Stmt::new(
                        "type",
                        e.name.to_string(),
                        format!("ALTER TYPE {q} RENAME VALUE {} TO {};", lit(from), lit(to)),
                    ),
                    Stmt::new(
                        "type",
                        e.name.to_string(),
                        format!("ALTER TYPE {q} RENAME VALUE {} TO {};", lit(to), lit(from)),
                    ),
                );
            }
        }
    }

    /// Domains, composite and range types: `ALTER DOMAIN | TYPE .. RENAME TO`; columns,
    /// fields and other types using them follow.
    pub(super) fn types(&mut self, new: &Database) {
        for d in &new.domains {
            if let Some(old) = self.rename_object(
                "domain",
                "DOMAIN",
                false,
                (&d.renamed_from, &d.name, d.origin),
                |db| &mut db.domains,
                |x| &mut x.name,
            ) {
                rename_type(self.db, &old, &d.name);
            }
        }
        for c in &new.composites {
            if let Some(old) = self.rename_object(
                "type",
                "TYPE",
                false,
                (&c.renamed_from, &c.name, c.origin),
                |db| &mut db.composites,
                |x| &mut x.name,
            ) {
                rename_type(self.db, &old, &c.name);
            }
        }
        for r in &new.ranges {
            if let Some(old) = self.rename_object(
                "type",
                "TYPE",
                false,
                (&r.renamed_from, &r.name, r.origin),
                |db| &mut db.ranges,
                |x| &mut x.name,
            ) {
                rename_type(self.db, &old, &r.name);
            }
        }
    }
}

/// Every declared type name a column, a field, a domain, a range or a view uses, to follow
/// a renamed type or schema.
pub(super) fn for_each_type(db: &mut Database, mut f: impl FnMut(&mut QName)) {
    fn visit(ty: &mut ColumnType, f: &mut dyn FnMut(&mut QName)) {
        match ty {
            ColumnType::Enum(q)
            | ColumnType::Domain(q)
            | ColumnType::Composite(q)
            | ColumnType::Range(q) => f(q),
            ColumnType::Array(inner) => visit(inner, f),
            _ => {}
        }
    }
    for t in &mut db.tables {
        for c in &mut t.columns {
            visit(&mut c.ty, &mut f);
        }
    }
    for d in &mut db.domains {
        visit(&mut d.base, &mut f);
    }
    for c in &mut db.composites {
        for x in &mut c.fields {
            visit(&mut x.ty, &mut f);
        }
    }
    for r in &mut db.ranges {
        visit(&mut r.subtype, &mut f);
    }
    for v in &mut db.views {
        for t in &mut v.types {
            visit(t, &mut f);
        }
        for d in &mut v.depends_on {
            if let Dep::Type(q) = d {
                f(q);
            }
        }
    }
}

/// A type renamed in the snapshot: everything naming it follows (types share one
/// namespace in PostgreSQL, so the qualified name is the type).
pub(super) fn rename_type(db: &mut Database, old: &QName, new: &QName) {
    for_each_type(db, |q| {
        if q == old {
            *q = new.clone();
        }
    });
}
