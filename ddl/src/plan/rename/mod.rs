//! Renames by explicit hint, never by guessing. A declaration says `.renamed_from("old")`
//! on a schema, table, column, index, constraint, function, enum type, domain, composite
//! or range type, sequence, view or materialized view (and `.value_renamed(old, new)` for
//! an enum value); when the snapshot has the old name and not the new one, the migration
//! renames (`ALTER ... RENAME`, data kept) and the rest of the diff is planned from the
//! snapshot with the rename applied, so a column both renamed and changed gets the rename
//! and then the change. Down is the diff back, then the renames reversed. A hint whose new
//! name the snapshot already has is done: it is ignored, so it may stay in the code.
//!
//! A kind joins by exposing its `renamed_from` and adding a step in the file of its family
//! (for an object named by schema and name, one call of `Step::rename_object`).

mod constraints;
mod functions;
mod schemas;
mod tables;
mod types;
mod views;

use crate::model::database::Database;
use crate::model::hint::RenamedFrom;
use crate::model::names::{Origin, QName};
use crate::sql::ident::{ident, qname};
use crate::sql::render::{LockMode, Stmt};
use crate::validate::{Code, Diagnostic};
use std::borrow::Cow;
use tables::hints_of;

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
    /// `kind` and `object` name it in the error.
    fn decide(
        &mut self,
        hint: &RenamedFrom,
        new: &str,
        kind: &str,
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
        self.errors.push(missing(kind, &object, old, new, origin));
        None
    }

    /// Decides the hint of an object among `names` (the snapshot's objects it may be
    /// renamed from): the old name, when it is a rename.
    fn renamed(
        &mut self,
        kind: &str,
        hint: &RenamedFrom,
        new: &str,
        object: String,
        origin: Origin,
        names: &[String],
    ) -> Option<String> {
        let has = |n: &str| names.iter().any(|x| x == n);
        match self.decide(hint, new, kind, object, origin, has)? {
            Found::Done => None,
            Found::Rename => Some(hint.old().unwrap_or_default().to_owned()),
        }
    }

    /// Decides the hint of an object named by schema and name, among `names` (the snapshot's
    /// objects of its kind): the old name, when it is a rename.
    fn qualified(
        &mut self,
        kind: &str,
        hint: &RenamedFrom,
        name: &QName,
        origin: Origin,
        names: &[QName],
    ) -> Option<QName> {
        let in_schema: Vec<String> = names
            .iter()
            .filter(|q| q.schema == name.schema)
            .map(|q| q.name.clone())
            .collect();
        let old = self.renamed(kind, hint, &name.name, name.to_string(), origin, &in_schema)?;
        Some(QName::new(&name.schema, &old))
    }

    /// The rename of an object named by schema and name, kept in `items(db)`: decides its
    /// hint and, when it is a rename, pushes `ALTER <keyword> .. RENAME TO` both ways (taking
    /// an `ACCESS EXCLUSIVE` lock when `lock`) and renames the snapshot's object. The old
    /// name, when renamed: what names it follows in the caller.
    fn rename_object<T>(
        &mut self,
        kind: &'static str,
        keyword: &str,
        lock: bool,
        (hint, name, origin): (&RenamedFrom, &QName, Origin),
        items: fn(&mut Database) -> &mut Vec<T>,
        name_of: fn(&mut T) -> &mut QName,
    ) -> Option<QName> {
        // Most objects carry no hint: they must not pay for collecting the snapshot's names
        // (that made one hint in a 10,000-table declaration cost seconds).
        hint.old()?;
        let names: Vec<QName> = items(self.db)
            .iter_mut()
            .map(|x| name_of(x).clone())
            .collect();
        let old = self.qualified(kind, hint, name, origin, &names)?;
        self.push_rename(kind, keyword, lock, &old, name);
        for x in items(self.db) {
            let n = name_of(x);
            if *n == old {
                *n = name.clone();
            }
        }
        Some(old)
    }

    /// `ALTER <keyword> old RENAME TO new` up, and back down.
    fn push_rename(
        &mut self,
        kind: &'static str,
        keyword: &str,
        lock: bool,
        old: &QName,
        new: &QName,
    ) {
        let mut up = rename_stmt(kind, new, keyword, old, &new.name);
        let mut down = rename_stmt(kind, old, keyword, new, &old.name);
        if lock {
            up = up.locks(LockMode::AccessExclusive, &[old]);
            down = down.locks(LockMode::AccessExclusive, &[new]);
        }
        self.out.push(up, down);
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

/// The old name of a hint that the declaration also declares among `declared`: both would
/// exist, so it cannot be a rename.
fn declared_old<'h, 'q>(
    hint: &'h RenamedFrom,
    name: &QName,
    mut declared: impl Iterator<Item = &'q QName>,
) -> Option<&'h str> {
    let o = hint.old()?;
    let q = QName::new(&name.schema, o);
    (o != name.name && declared.any(|x| *x == q)).then_some(o)
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
        if let Some(o) = declared_old(&e.renamed_from, &e.name, new.enums.iter().map(|x| &x.name)) {
            clash("type", e.name.to_string(), o, e.origin);
        }
        for (from, to) in &e.renamed_values.0 {
            if from != to && e.values.contains(from) {
                clash("enum value", format!("{}.{to}", e.name), from, e.origin);
            }
        }
    }
    for f in &new.functions {
        if let Some(o) = declared_old(
            &f.renamed_from,
            &f.name,
            new.functions.iter().map(|x| &x.name),
        ) {
            clash("function", f.name.to_string(), o, f.origin);
        }
    }
    // Views, sequences, domains, composite and range types: the old name clashes with any
    // relation (views, sequences) or any type (domains, composites, ranges) of the schema.
    for (kind, hint, name, origin) in qualified_hints(new) {
        let declared: Vec<&QName> = match kind {
            "view" | "materialized view" => new.views.iter().map(|x| &x.name).collect(),
            "sequence" => new.sequences.iter().map(|x| &x.name).collect(),
            _ => (new.domains.iter().map(|x| &x.name))
                .chain(new.composites.iter().map(|x| &x.name))
                .chain(new.ranges.iter().map(|x| &x.name))
                .chain(new.enums.iter().map(|x| &x.name))
                .collect(),
        };
        if let Some(o) = declared_old(hint, name, declared.into_iter()) {
            clash(kind, name.to_string(), o, origin);
        }
    }
    for t in &new.tables {
        if let Some(o) = declared_old(&t.renamed_from, &t.name, new.tables.iter().map(|x| &x.name))
        {
            clash("table", t.name.to_string(), o, t.origin);
        }
        let hints = hints_of(t);
        if hints.is_empty() {
            continue;
        }
        let constraints = constraints::constraint_names(t);
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
