//! Renames by explicit hint, never by guessing. A declaration says `.renamed_from("old")`
//! on a schema, table, column, index, constraint, function, enum type, domain, composite
//! or range type, sequence, view or materialized view (and `.value_renamed(old, new)` for
//! an enum value); when the snapshot has the old name and not the new one, the migration
//! renames (`ALTER ... RENAME`, data kept) and the rest of the diff is planned from the
//! snapshot with the rename applied, so a column both renamed and changed gets the rename
//! and then the change. Down is the diff back, then the renames reversed. A hint whose new
//! name the snapshot already has is done: it is ignored, so it may stay in the code.
//!
//! A kind joins by exposing its `renamed_from` and adding a step here (for an object named
//! by schema and name, one call of `Step::qualified`).

use crate::model::database::Database;
use crate::model::hint::RenamedFrom;
use crate::model::names::{Origin, QName};
use crate::model::table::Table;
use crate::model::types::ColumnType;
use crate::model::view::Dep;
use crate::sql::ident::{ident, qname};
use crate::sql::render::{LockMode, Stmt};
use crate::validate::{Code, Diagnostic};
use std::borrow::Cow;

/// The statements of the renames a plan holds.
#[derive(Debug, Default, Clone)]
pub struct Renames {
    /// In the up file, before everything else.
    pub up: Vec<Stmt>,
    /// In the down file, after everything else (already in reverse order).
    pub down: Vec<Stmt>,
}

impl Renames {
    pub fn is_empty(&self) -> bool {
        self.up.is_empty()
    }

    fn push(&mut self, up: Stmt, down: Stmt) {
        self.up.push(up);
        self.down.insert(0, down);
    }
}

/// Applies the rename hints of `new` to `old`: the snapshot as it is once the renames ran,
/// and their statements. An empty `old` (the first migration) has nothing to rename: hints
/// are then ignored.
pub fn resolve<'a>(
    old: &'a Database,
    new: &Database,
) -> Result<(Cow<'a, Database>, Renames), Vec<Diagnostic>> {
    // Most declarations hold no hint: then the snapshot is used as it is, not copied.
    if !has_hints(new) {
        return Ok((Cow::Borrowed(old), Renames::default()));
    }
    let mut errors = declared_twice(new);
    let mut db = old.clone();
    let mut out = Renames::default();
    if old.is_empty() || !errors.is_empty() {
        return if errors.is_empty() {
            Ok((Cow::Owned(db), out))
        } else {
            Err(errors)
        };
    }
    let mut step = Step {
        db: &mut db,
        out: &mut out,
        errors: &mut errors,
    };
    step.schemas(new);
    step.enums(new);
    step.types(new);
    step.functions(new);
    step.sequences(new);
    step.tables(new);
    for t in new.tables.iter().filter(|t| !hints_of(t).is_empty()) {
        step.table_parts(t);
    }
    step.views(new);
    if errors.is_empty() {
        Ok((Cow::Owned(db), out))
    } else {
        Err(errors)
    }
}

fn has_hints(new: &Database) -> bool {
    new.schemas.iter().any(|s| s.renamed_from.old().is_some())
        || new
            .enums
            .iter()
            .any(|e| e.renamed_from.old().is_some() || !e.renamed_values.0.is_empty())
        || new.functions.iter().any(|f| f.renamed_from.old().is_some())
        || new
            .tables
            .iter()
            .any(|t| t.renamed_from.old().is_some() || !hints_of(t).is_empty())
        || !qualified_hints(new).is_empty()
}

/// A hint of an object named by schema and name, other than a table, enum or function:
/// (kind as messages say it, the hint, the new name, where it is declared).
type QualifiedHint<'a> = (&'static str, &'a RenamedFrom, &'a QName, Origin);

/// The hints of views, sequences, domains, composite and range types.
fn qualified_hints(new: &Database) -> Vec<QualifiedHint<'_>> {
    let mut out: Vec<QualifiedHint<'_>> = Vec::new();
    out.extend(
        new.views
            .iter()
            .map(|v| (v.kind(), &v.renamed_from, &v.name, v.origin)),
    );
    out.extend(
        new.sequences
            .iter()
            .map(|x| ("sequence", &x.renamed_from, &x.name, x.origin)),
    );
    out.extend(
        new.domains
            .iter()
            .map(|x| ("domain", &x.renamed_from, &x.name, x.origin)),
    );
    out.extend(
        new.composites
            .iter()
            .map(|x| ("type", &x.renamed_from, &x.name, x.origin)),
    );
    out.extend(
        new.ranges
            .iter()
            .map(|x| ("type", &x.renamed_from, &x.name, x.origin)),
    );
    out.retain(|(_, h, _, _)| h.old().is_some());
    out
}

struct Step<'a> {
    db: &'a mut Database,
    out: &'a mut Renames,
    errors: &'a mut Vec<Diagnostic>,
}

/// What a hint finds in the snapshot.
enum Found {
    /// The new name is there: done before, nothing to do.
    Done,
    Rename,
}

impl Step<'_> {
    /// Decides a hint: `has(name)` says whether the snapshot has an object of that name.
    fn decide(
        &mut self,
        hint: &RenamedFrom,
        new: &str,
        what: &str,
        object: String,
        origin: Origin,
        has: impl Fn(&str) -> bool,
    ) -> Option<Found> {
        let old = hint.old()?;
        if old == new || has(new) {
            return Some(Found::Done);
        }
        if has(old) {
            return Some(Found::Rename);
        }
        self.errors.push(Diagnostic::new(
            Code::RenameSourceMissing,
            object,
            origin,
            format!("{what} is declared renamed from `{old}`, but the snapshot has neither `{old}` nor `{new}`"),
            format!("correct the old name in `.renamed_from(\"{old}\")` to the name the last migration created, or remove the hint"),
        ));
        None
    }

    fn schemas(&mut self, new: &Database) {
        // Only hinted objects cost anything: a 10,000-table declaration without hints
        // skips every lookup.
        for s in new
            .schemas
            .iter()
            .filter(|s| s.renamed_from.old().is_some())
        {
            let names: Vec<String> = self.db.schemas.iter().map(|x| x.name.clone()).collect();
            let has = |n: &str| names.iter().any(|x| x == n);
            if let Some(Found::Rename) = self.decide(
                &s.renamed_from,
                &s.name,
                &format!("schema {}", s.name),
                s.name.clone(),
                s.origin,
                has,
            ) {
                let old = s.renamed_from.old().unwrap_or_default().to_owned();
                self.out.push(
                    Stmt::new(
                        "schema",
                        s.name.clone(),
                        format!("ALTER SCHEMA {} RENAME TO {};", ident(&old), ident(&s.name)),
                    ),
                    Stmt::new(
                        "schema",
                        old.clone(),
                        format!("ALTER SCHEMA {} RENAME TO {};", ident(&s.name), ident(&old)),
                    ),
                );
                move_schema(self.db, &old, &s.name);
            }
        }
    }

    fn enums(&mut self, new: &Database) {
        for e in &new.enums {
            if e.renamed_from.old().is_none() && e.renamed_values.0.is_empty() {
                continue;
            }
            let names: Vec<QName> = self.db.enums.iter().map(|x| x.name.clone()).collect();
            let in_schema = |n: &str| names.contains(&QName::new(&e.name.schema, n));
            if let Some(Found::Rename) = self.decide(
                &e.renamed_from,
                &e.name.name,
                &format!("type {}", e.name),
                e.name.to_string(),
                e.origin,
                in_schema,
            ) {
                let old = QName::new(&e.name.schema, e.renamed_from.old().unwrap_or_default());
                self.out.push(
                    rename_stmt("type", &e.name, "TYPE", &old, &e.name.name),
                    rename_stmt("type", &old, "TYPE", &e.name, &old.name),
                );
                for x in &mut self.db.enums {
                    if x.name == old {
                        x.name = e.name.clone();
                    }
                }
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

    /// Decides the hint of an object named by schema and name, among `names` (the snapshot's
    /// objects of its kind): the old name, when it is a rename.
    fn qualified(
        &mut self,
        what: &str,
        hint: &RenamedFrom,
        name: &QName,
        origin: Origin,
        names: &[QName],
    ) -> Option<QName> {
        let in_schema = |n: &str| names.contains(&QName::new(&name.schema, n));
        match self.decide(
            hint,
            &name.name,
            &format!("{what} {name}"),
            name.to_string(),
            origin,
            in_schema,
        )? {
            Found::Done => None,
            Found::Rename => Some(QName::new(&name.schema, hint.old().unwrap_or_default())),
        }
    }

    /// Domains, composite and range types: `ALTER DOMAIN | TYPE .. RENAME TO`; columns,
    /// fields and other types using them follow.
    fn types(&mut self, new: &Database) {
        for d in new
            .domains
            .iter()
            .filter(|d| d.renamed_from.old().is_some())
        {
            let names: Vec<QName> = self.db.domains.iter().map(|x| x.name.clone()).collect();
            if let Some(old) = self.qualified("domain", &d.renamed_from, &d.name, d.origin, &names)
            {
                self.out.push(
                    rename_stmt("domain", &d.name, "DOMAIN", &old, &d.name.name),
                    rename_stmt("domain", &old, "DOMAIN", &d.name, &old.name),
                );
                for x in &mut self.db.domains {
                    if x.name == old {
                        x.name = d.name.clone();
                    }
                }
                rename_type(self.db, &old, &d.name);
            }
        }
        for c in new
            .composites
            .iter()
            .filter(|c| c.renamed_from.old().is_some())
        {
            let names: Vec<QName> = self.db.composites.iter().map(|x| x.name.clone()).collect();
            if let Some(old) = self.qualified("type", &c.renamed_from, &c.name, c.origin, &names) {
                self.out.push(
                    rename_stmt("type", &c.name, "TYPE", &old, &c.name.name),
                    rename_stmt("type", &old, "TYPE", &c.name, &old.name),
                );
                for x in &mut self.db.composites {
                    if x.name == old {
                        x.name = c.name.clone();
                    }
                }
                rename_type(self.db, &old, &c.name);
            }
        }
        for r in new.ranges.iter().filter(|r| r.renamed_from.old().is_some()) {
            let names: Vec<QName> = self.db.ranges.iter().map(|x| x.name.clone()).collect();
            if let Some(old) = self.qualified("type", &r.renamed_from, &r.name, r.origin, &names) {
                self.out.push(
                    rename_stmt("type", &r.name, "TYPE", &old, &r.name.name),
                    rename_stmt("type", &old, "TYPE", &r.name, &old.name),
                );
                for x in &mut self.db.ranges {
                    if x.name == old {
                        x.name = r.name.clone();
                    }
                }
                rename_type(self.db, &old, &r.name);
            }
        }
    }

    /// Standalone sequences: `ALTER SEQUENCE .. RENAME TO`, the current value kept.
    /// Defaults calling `nextval` on it follow (PostgreSQL stores them by OID).
    fn sequences(&mut self, new: &Database) {
        for q in new
            .sequences
            .iter()
            .filter(|q| q.renamed_from.old().is_some())
        {
            let names: Vec<QName> = self.db.sequences.iter().map(|x| x.name.clone()).collect();
            let Some(old) = self.qualified("sequence", &q.renamed_from, &q.name, q.origin, &names)
            else {
                continue;
            };
            self.out.push(
                rename_stmt("sequence", &q.name, "SEQUENCE", &old, &q.name.name)
                    .locks(LockMode::AccessExclusive, &[&old]),
                rename_stmt("sequence", &old, "SEQUENCE", &q.name, &old.name)
                    .locks(LockMode::AccessExclusive, &[&q.name]),
            );
            for x in &mut self.db.sequences {
                if x.name == old {
                    x.name = q.name.clone();
                }
            }
            follow_sequence(self.db, &old, &q.name);
        }
    }

    /// Views and materialized views: `ALTER [MATERIALIZED] VIEW .. RENAME TO` (the keyword
    /// of the snapshot's view: a view that also becomes materialized is renamed first, then
    /// rebuilt). Views depending on it by `.depends_on(..)` follow; their query text is the
    /// user's, declared with the new name.
    fn views(&mut self, new: &Database) {
        for v in new.views.iter().filter(|v| v.renamed_from.old().is_some()) {
            let names: Vec<QName> = self.db.views.iter().map(|x| x.name.clone()).collect();
            let Some(old) = self.qualified(v.kind(), &v.renamed_from, &v.name, v.origin, &names)
            else {
                continue;
            };
            let Some(snap) = self.db.views.iter_mut().find(|x| x.name == old) else {
                continue;
            };
            let (kind, keyword) = (snap.kind(), snap.keyword());
            snap.name = v.name.clone();
            self.out.push(
                rename_stmt(kind, &v.name, keyword, &old, &v.name.name)
                    .locks(LockMode::AccessExclusive, &[&old]),
                rename_stmt(kind, &old, keyword, &v.name, &old.name)
                    .locks(LockMode::AccessExclusive, &[&v.name]),
            );
            for x in &mut self.db.views {
                for d in &mut x.depends_on {
                    if *d == Dep::View(old.clone()) {
                        *d = Dep::View(v.name.clone());
                    }
                }
                x.query = rename_in_query(&x.query, &old, &v.name);
            }
        }
    }

    fn functions(&mut self, new: &Database) {
        for f in new
            .functions
            .iter()
            .filter(|f| f.renamed_from.old().is_some())
        {
            let names: Vec<QName> = self.db.functions.iter().map(|x| x.name.clone()).collect();
            let in_schema = |n: &str| names.contains(&QName::new(&f.name.schema, n));
            if let Some(Found::Rename) = self.decide(
                &f.renamed_from,
                &f.name.name,
                &format!("function {}", f.name),
                f.name.to_string(),
                f.origin,
                in_schema,
            ) {
                let old = QName::new(&f.name.schema, f.renamed_from.old().unwrap_or_default());
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

    fn tables(&mut self, new: &Database) {
        for t in new.tables.iter().filter(|t| t.renamed_from.old().is_some()) {
            let names: Vec<QName> = self.db.tables.iter().map(|x| x.name.clone()).collect();
            let in_schema = |n: &str| names.contains(&QName::new(&t.name.schema, n));
            if let Some(Found::Rename) = self.decide(
                &t.renamed_from,
                &t.name.name,
                &format!("table {}", t.name),
                t.name.to_string(),
                t.origin,
                in_schema,
            ) {
                let old = QName::new(&t.name.schema, t.renamed_from.old().unwrap_or_default());
                self.out.push(
                    rename_stmt("table", &t.name, "TABLE", &old, &t.name.name)
                        .locks(LockMode::AccessExclusive, &[&old]),
                    rename_stmt("table", &old, "TABLE", &t.name, &old.name)
                        .locks(LockMode::AccessExclusive, &[&t.name]),
                );
                for x in &mut self.db.tables {
                    if x.name == old {
                        x.name = t.name.clone();
                    }
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
    }

    /// Columns, indexes and constraints of one table (already under its new name).
    fn table_parts(&mut self, t: &Table) {
        let Some(pos) = self.db.tables.iter().position(|x| x.name == t.name) else {
            // A new table: its parts' hints name nothing the snapshot has.
            for (kind, old, new, origin) in hints_of(t) {
                if !old.is_empty() && old != new {
                    self.errors.push(missing(
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
        let tq = qname(&t.name);
        for c in &t.columns {
            let names: Vec<String> = self.db.tables[pos]
                .columns
                .iter()
                .map(|x| x.name.clone())
                .collect();
            let has = |n: &str| names.iter().any(|x| x == n);
            if let Some(Found::Rename) = self.decide(
                &c.renamed_from,
                &c.name,
                &format!("column {}.{}", t.name, c.name),
                format!("{}.{}", t.name, c.name),
                c.origin,
                has,
            ) {
                let old = c.renamed_from.old().unwrap_or_default().to_owned();
                let stmt = |from: &str, to: &str| {
                    Stmt::new(
                        "column",
                        format!("{}.{to}", t.name),
                        format!(
                            "ALTER TABLE {tq} RENAME COLUMN {} TO {};",
                            ident(from),
                            ident(to)
                        ),
                    )
                    .locks(LockMode::AccessExclusive, &[&t.name])
                };
                self.out.push(stmt(&old, &c.name), stmt(&c.name, &old));
                super::rename_column::rename_column(self.db, pos, &old, &c.name);
            }
        }
        for ix in &t.indexes {
            let names: Vec<String> = self.db.tables[pos]
                .indexes
                .iter()
                .map(|x| x.name.clone())
                .collect();
            let has = |n: &str| names.iter().any(|x| x == n);
            if let Some(Found::Rename) = self.decide(
                &ix.renamed_from,
                &ix.name,
                &format!("index {}.{}", t.name.schema, ix.name),
                format!("{}.{}", t.name.schema, ix.name),
                ix.origin,
                has,
            ) {
                let old = QName::new(&t.name.schema, ix.renamed_from.old().unwrap_or_default());
                let new = QName::new(&t.name.schema, &ix.name);
                self.out.push(
                    rename_stmt("index", &new, "INDEX", &old, &ix.name),
                    rename_stmt("index", &old, "INDEX", &new, &old.name),
                );
                for i in &mut self.db.tables[pos].indexes {
                    if i.name == old.name {
                        i.name = ix.name.clone();
                    }
                }
            }
        }
        for (hint, name, origin) in constraint_hints(t) {
            let names = constraint_names(&self.db.tables[pos]);
            let has = |n: &str| names.iter().any(|x| x == n);
            if let Some(Found::Rename) = self.decide(
                hint,
                name,
                &format!("constraint {}.{name}", t.name),
                format!("{}.{name}", t.name),
                origin,
                has,
            ) {
                let old = hint.old().unwrap_or_default().to_owned();
                let stmt = |from: &str, to: &str| {
                    Stmt::new(
                        "constraint",
                        format!("{}.{to}", t.name),
                        format!(
                            "ALTER TABLE {tq} RENAME CONSTRAINT {} TO {};",
                            ident(from),
                            ident(to)
                        ),
                    )
                    .locks(LockMode::AccessExclusive, &[&t.name])
                };
                self.out.push(stmt(&old, name), stmt(name, &old));
                rename_constraint(&mut self.db.tables[pos], &old, name);
            }
        }
    }
}

fn missing(kind: &str, object: &str, old: &str, new: &str, origin: Origin) -> Diagnostic {
    Diagnostic::new(
        Code::RenameSourceMissing,
        object,
        origin,
        format!(
            "{kind} {object} is declared renamed from `{old}`, but the snapshot has neither `{old}` nor `{new}`"
        ),
        format!(
            "correct the old name in `.renamed_from(\"{old}\")` to the name the last migration created, or remove the hint"
        ),
    )
}

/// `ALTER <what> schema.old RENAME TO new`.
fn rename_stmt(kind: &'static str, name: &QName, what: &str, from: &QName, to: &str) -> Stmt {
    Stmt::new(
        kind,
        name.to_string(),
        format!("ALTER {what} {} RENAME TO {};", qname(from), ident(to)),
    )
}

/// The rename hints of a table's parts: (kind, old, new, origin).
fn hints_of(t: &Table) -> Vec<(&'static str, String, String, Origin)> {
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
    for (h, n, origin) in constraint_hints(t) {
        if let Some(o) = h.old() {
            out.push(("constraint", o.to_owned(), n.to_owned(), origin));
        }
    }
    out
}

fn constraint_hints(t: &Table) -> Vec<(&RenamedFrom, &str, Origin)> {
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

fn constraint_names(t: &Table) -> Vec<String> {
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

/// Every declared type name a column, a field, a domain, a range or a view uses, to follow
/// a renamed type or schema.
fn for_each_type(db: &mut Database, mut f: impl FnMut(&mut QName)) {
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
fn rename_type(db: &mut Database, old: &QName, new: &QName) {
    for_each_type(db, |q| {
        if q == old {
            *q = new.clone();
        }
    });
}

/// A sequence renamed in the snapshot: the defaults calling `nextval` on it follow
/// (PostgreSQL stores them by OID, and prints the new name).
fn follow_sequence(db: &mut Database, old: &QName, new: &QName) {
    let (from, to) = (
        crate::model::sequence::nextval_sql(old),
        crate::model::sequence::nextval_sql(new),
    );
    for t in &mut db.tables {
        for c in &mut t.columns {
            if let Some(d) = &mut c.default
                && d.0.contains(&from)
            {
                d.0 = d.0.replace(&from, &to);
            }
        }
    }
}

/// The words of a query that are unquoted identifiers, as byte ranges: outside string
/// literals, quoted identifiers and comments, each one whole (not the tail of a word).
fn words(q: &str) -> Vec<(usize, usize)> {
    let b = q.as_bytes();
    let is_word = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80;
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\'' | b'"' => {
                let quote = b[i];
                i += 1;
                while i < b.len() && b[i] != quote {
                    i += 1;
                }
                i += 1;
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            c if is_word(c) => {
                let start = i;
                while i < b.len() && is_word(b[i]) {
                    i += 1;
                }
                if !b[start].is_ascii_digit() {
                    out.push((start, i));
                }
            }
            _ => i += 1,
        }
    }
    out
}

/// A query of the snapshot after a relation it names as `schema.name` was renamed:
/// PostgreSQL keeps the view on the renamed relation, so a declaration naming the new one
/// in the same text is no change. Only unquoted, schema-qualified names are followed; any
/// other way of naming it is the user's text, and the view is replaced.
fn rename_in_query(q: &str, old: &QName, new: &QName) -> String {
    let w = words(q);
    let is = |r: (usize, usize), name: &str| q[r.0..r.1].eq_ignore_ascii_case(name);
    let mut out = String::with_capacity(q.len());
    let mut last = 0;
    for pair in w.windows(2) {
        let (s, n) = (pair[0], pair[1]);
        let dotted = n.0 == s.1 + 1 && q.as_bytes()[s.1] == b'.';
        let before = q[..s.0].chars().next_back();
        if dotted && is(s, &old.schema) && is(n, &old.name) && before != Some('.') && s.0 >= last {
            out.push_str(&q[last..s.0]);
            out.push_str(&qname(new));
            last = n.1;
        }
    }
    out.push_str(&q[last..]);
    out
}

/// A query of the snapshot after a schema it names in `schema.object` was renamed.
fn schema_in_query(q: &str, old: &str, new: &str) -> String {
    let w = words(q);
    let mut out = String::with_capacity(q.len());
    let mut last = 0;
    for pair in w.windows(2) {
        let (s, n) = (pair[0], pair[1]);
        let dotted = n.0 == s.1 + 1 && q.as_bytes()[s.1] == b'.';
        let before = q[..s.0].chars().next_back();
        if dotted && q[s.0..s.1].eq_ignore_ascii_case(old) && before != Some('.') {
            out.push_str(&q[last..s.0]);
            out.push_str(&ident(new));
            last = s.1;
        }
    }
    out.push_str(&q[last..]);
    out
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

/// A hint whose old name the declaration also declares: both would exist, so it cannot be
/// a rename.
fn declared_twice(new: &Database) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut clash = |kind: &str, object: String, old: &str, origin: Origin| {
        out.push(Diagnostic::new(
            Code::RenameSourceDeclared,
            object.clone(),
            origin,
            format!("{kind} {object} is declared renamed from `{old}`, but `{old}` is declared too"),
            format!("remove the declaration of `{old}` (the rename turns it into {object}), or remove the hint"),
        ));
    };
    for s in &new.schemas {
        if let Some(o) = s.renamed_from.old()
            && o != s.name
            && new.schemas.iter().any(|x| x.name == o)
        {
            clash("schema", s.name.clone(), o, s.origin);
        }
    }
    for e in &new.enums {
        if let Some(o) = e.renamed_from.old()
            && o != e.name.name
            && new
                .enums
                .iter()
                .any(|x| x.name == QName::new(&e.name.schema, o))
        {
            clash("type", e.name.to_string(), o, e.origin);
        }
        for (from, to) in &e.renamed_values.0 {
            if from != to && e.values.contains(from) {
                clash("enum value", format!("{}.{to}", e.name), from, e.origin);
            }
        }
    }
    for f in &new.functions {
        if let Some(o) = f.renamed_from.old()
            && o != f.name.name
            && new
                .functions
                .iter()
                .any(|x| x.name == QName::new(&f.name.schema, o))
        {
            clash("function", f.name.to_string(), o, f.origin);
        }
    }
    // Views, sequences, domains, composite and range types: the old name clashes with any
    // relation (views, sequences) or any type (domains, composites, ranges) of the schema.
    for (kind, hint, name, origin) in qualified_hints(new) {
        let Some(o) = hint.old() else { continue };
        if o == name.name {
            continue;
        }
        let q = QName::new(&name.schema, o);
        let declared = match kind {
            "view" | "materialized view" => new.views.iter().any(|x| x.name == q),
            "sequence" => new.sequences.iter().any(|x| x.name == q),
            _ => {
                new.domains.iter().any(|x| x.name == q)
                    || new.composites.iter().any(|x| x.name == q)
                    || new.ranges.iter().any(|x| x.name == q)
                    || new.enums.iter().any(|x| x.name == q)
            }
        };
        if declared {
            clash(kind, name.to_string(), o, origin);
        }
    }
    for t in &new.tables {
        if let Some(o) = t.renamed_from.old()
            && o != t.name.name
            && new
                .tables
                .iter()
                .any(|x| x.name == QName::new(&t.name.schema, o))
        {
            clash("table", t.name.to_string(), o, t.origin);
        }
        let hints = hints_of(t);
        if hints.is_empty() {
            continue;
        }
        let constraints = constraint_names(t);
        for (kind, old, name, origin) in hints {
            if old == name {
                continue;
            }
            let declared = match kind {
                "column" => t.has_column(&old),
                "index" => t.indexes.iter().any(|i| i.name == old),
                _ => constraints.contains(&old),
            };
            if declared {
                clash(kind, format!("{}.{name}", t.name), &old, origin);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_follow_qualified_names_outside_literals_only() {
        let (old, new) = (QName::new("app", "v"), QName::new("app", "v2"));
        assert_eq!(
            rename_in_query("SELECT v.id FROM app.v JOIN app.vx ON true", &old, &new),
            "SELECT v.id FROM app.v2 JOIN app.vx ON true"
        );
        assert_eq!(
            rename_in_query("SELECT 'app.v' FROM \"app\".v, APP.V -- app.v", &old, &new),
            "SELECT 'app.v' FROM \"app\".v, app.v2 -- app.v"
        );
        assert_eq!(
            rename_in_query("SELECT app.v.id FROM t, x.app.v", &old, &new),
            "SELECT app.v2.id FROM t, x.app.v"
        );
        assert_eq!(
            schema_in_query(
                "SELECT x FROM app.t JOIN app2.t ON 'app.t' = app.f()",
                "app",
                "shop"
            ),
            "SELECT x FROM shop.t JOIN app2.t ON 'app.t' = shop.f()"
        );
    }
}
