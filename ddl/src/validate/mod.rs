//! Validation of a declaration: every problem at once, before anything is written.

mod constraints;
mod diagnostic;
pub mod implicit;
mod tables;
mod text;
mod types;
mod views;

pub(crate) use constraints::needs_btree_gist;
pub use diagnostic::{Code, Diagnostic, Diagnostics};
pub use implicit::object_name;

use crate::model::database::Database;
use crate::model::expr::SqlExpr;
use crate::model::names::{Origin, QName};
use crate::model::objects::Function;
use crate::model::table::Table;
use crate::sql::scan;
use std::collections::{HashMap, HashSet};

mod functions;
mod partitions;
mod privileges;
mod routines;

/// PostgreSQL truncates longer identifiers (NAMEDATALEN - 1).
pub const MAX_IDENTIFIER_BYTES: usize = 63;

/// What validation looks things up in.
pub(crate) struct Ctx<'a> {
    pub tables: HashMap<&'a QName, &'a Table>,
    pub functions: HashMap<&'a QName, &'a Function>,
    pub enums: HashSet<&'a QName>,
    pub extensions: HashSet<&'a str>,
    pub schemas: HashSet<&'a str>,
    /// Function name -> the declared extension that provides it (`Extension::provides`).
    pub provided: HashMap<&'a str, &'a str>,
    pub out: Vec<Diagnostic>,
}

impl Ctx<'_> {
    pub fn push(
        &mut self,
        code: Code,
        object: impl Into<String>,
        origin: Origin,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.out
            .push(Diagnostic::new(code, object, origin, message, help));
    }

    pub fn schema_declared(&self, schema: &str) -> bool {
        schema == "public" || self.schemas.contains(schema)
    }

    /// Identifier rules: not empty, at most 63 bytes.
    pub fn name(&mut self, what: &str, object: &str, name: &str, origin: Origin) {
        if name.is_empty() {
            self.push(
                Code::IdentifierEmpty,
                object,
                origin,
                format!("the {what} has an empty name"),
                format!("give the {what} a name"),
            );
        } else if name.len() > MAX_IDENTIFIER_BYTES {
            self.push(
                Code::IdentifierTooLong,
                object,
                origin,
                format!(
                    "the {what} name `{name}` is {} bytes; PostgreSQL keeps only the first {MAX_IDENTIFIER_BYTES}",
                    name.len()
                ),
                format!(
                    "name the {what} explicitly with at most {MAX_IDENTIFIER_BYTES} bytes{}",
                    naming_builder(what)
                ),
            );
        }
    }

    /// Function calls in an expression: a call qualified with a declared schema must name
    /// a declared function, and a well-known extension function needs its extension.
    pub fn expr_calls(&mut self, what: &str, object: &str, e: &SqlExpr, origin: Origin) {
        for call in scan::calls(e.as_str()) {
            match &call.schema {
                Some(s) if self.schemas.contains(s.as_str()) || s == "public" => {
                    let q = QName::new(s.clone(), call.name.clone());
                    let from_extension = scan::extension_of_function(&call.name)
                        .is_some_and(|ext| self.extensions.contains(ext))
                        || self.provided.contains_key(call.name.as_str());
                    if !self.functions.contains_key(&q) && !from_extension {
                        self.push(
                            Code::UnknownFunction,
                            object,
                            origin,
                            format!("the {what} calls {q}(), which is not declared"),
                            format!(
                                "declare the function {q} (Function::new), or fix the name; for a function \
                                 an extension provides, declare Extension::new(\"<extension>\").provides([\"{}\"])",
                                call.name
                            ),
                        );
                    }
                }
                Some(_) => {}
                None => {
                    if let Some(ext) = scan::extension_of_function(&call.name)
                        && !self.extensions.contains(ext)
                    {
                        self.push(
                                Code::MissingExtension,
                                object,
                                origin,
                                format!("the {what} calls {}(), which extension {ext} provides, and {ext} is not declared", call.name),
                                format!("declare Extension::new(\"{ext}\")"),
                            );
                    }
                }
            }
        }
    }
}

/// `a` or `an`, for the kinds of objects diagnostics name.
pub(crate) fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// `1 column`, `2 columns`.
pub(crate) fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// The builder that names an object whose derived name is too long.
fn naming_builder(what: &str) -> &'static str {
    match what {
        "primary key" => {
            ": `.primary_key_named(\"name\", [..])` on the table, or `.primary_key_named(\"name\")` on the column"
        }
        "unique constraint" => {
            ": `.unique_named(\"name\", [..])` on the table, or `.unique_named(\"name\")` on the column"
        }
        "foreign key" => {
            ": `.name(\"name\")` on the ForeignKey, or `.fk(|f| f.name(\"name\"))` on the column"
        }
        "index" => ": `Index::named(\"name\", [..])`",
        "check constraint" => ": `.check(\"name\", ..)` on the table",
        _ => "",
    }
}

/// Checks a declaration. Returns every problem found, in declaration order.
pub fn validate(db: &Database) -> Result<(), Diagnostics> {
    let mut cx = Ctx {
        tables: HashMap::with_capacity(db.tables.len()),
        functions: db.functions.iter().map(|f| (&f.name, f)).collect(),
        enums: db.enums.iter().map(|e| &e.name).collect(),
        extensions: db.extensions.iter().map(|e| e.name.as_str()).collect(),
        schemas: db.schemas.iter().map(|s| s.name.as_str()).collect(),
        provided: db
            .extensions
            .iter()
            .flat_map(|e| e.provides.iter().map(|f| (f.as_str(), e.name.as_str())))
            .collect(),
        out: Vec::new(),
    };
    // The table map serves the function checks too, so it is built first; duplicate tables
    // are reported after the database-level objects, in declaration order.
    let duplicates: Vec<&Table> = db
        .tables
        .iter()
        .filter(|t| cx.tables.insert(&t.name, t).is_some())
        .collect();
    text::check(db, &mut cx);
    database_objects(db, &mut cx);
    for t in duplicates {
        cx.push(
            Code::DuplicateTable,
            t.name.to_string(),
            t.origin,
            "the table is declared twice",
            "remove one declaration, or give it another name",
        );
    }
    routines::aggregates(db, &mut cx);
    relation_names(db, &mut cx);
    implicit::check(db, &mut cx);
    for t in &db.tables {
        // A partition's columns are its parent's: it is checked with them.
        match partitions::with_parent_columns(t, &cx) {
            Some(Some(view)) => tables::table(&view, &mut cx),
            Some(None) => {}
            None => tables::table(t, &mut cx),
        }
    }
    views::check(db, &mut cx);
    let declared = types::Declared::new(db);
    for t in &db.tables {
        for c in &t.columns {
            types::column(&declared, &mut cx, &t.name, c);
        }
    }
    partitions::check(db, &mut cx);
    privileges::check(db, &mut cx);
    constraints::check(db, &mut cx);
    if cx.out.is_empty() {
        Ok(())
    } else {
        Err(Diagnostics(cx.out))
    }
}

/// Reports a second declaration of the same object.
fn declared_once(
    cx: &mut Ctx<'_>,
    seen: &mut HashSet<(&'static str, String)>,
    kind: &'static str,
    name: &str,
    origin: Origin,
) {
    if !seen.insert((kind, name.to_owned())) {
        cx.push(
            Code::DuplicateObject,
            name,
            origin,
            format!("the {kind} is declared twice"),
            "remove one declaration, or give it another name (functions are identified by name and input argument types: overloads differ in them)",
        );
    }
}

/// Name rules, uniqueness and a declared schema for a schema-qualified object.
fn qualified(
    cx: &mut Ctx<'_>,
    seen: &mut HashSet<(&'static str, String)>,
    kind: &'static str,
    q: &QName,
    origin: Origin,
) -> String {
    let n = q.to_string();
    cx.name(kind, &n, &q.name, origin);
    declared_once(cx, seen, kind, &n, origin);
    if functions::schema_part(cx, kind, q, origin) && !cx.schema_declared(&q.schema) {
        unknown_schema(cx, &n, &q.schema, origin);
    }
    n
}

fn database_objects(db: &Database, cx: &mut Ctx<'_>) {
    let mut seen = HashSet::new();
    for e in &db.extensions {
        cx.name("extension", &e.name, &e.name, e.origin);
        declared_once(cx, &mut seen, "extension", &e.name, e.origin);
        functions::extension(e, cx);
        if let Some(s) = &e.schema {
            if s.is_empty() {
                cx.name("schema of the extension", &e.name, s, e.origin);
            } else if !cx.schema_declared(s) {
                unknown_schema(cx, &e.name, s, e.origin);
            }
        }
    }
    for s in &db.schemas {
        cx.name("schema", &s.name, &s.name, s.origin);
        declared_once(cx, &mut seen, "schema", &s.name, s.origin);
    }
    for e in &db.enums {
        qualified(cx, &mut seen, "type", &e.name, e.origin);
        functions::enum_values(e, cx);
    }
    types::check(db, cx, &mut seen);
    let mut identities = HashSet::new();
    for f in &db.functions {
        // Overloads share a name: a function is declared once per input argument types.
        let n = f.name.to_string();
        cx.name("function", &n, &f.name.name, f.origin);
        routines::declared_once(cx, &mut identities, f, &n);
        if functions::schema_part(cx, "function", &f.name, f.origin)
            && !cx.schema_declared(&f.name.schema)
        {
            unknown_schema(cx, &n, &f.name.schema, f.origin);
        }
        functions::function(f, &n, cx);
        routines::parameters(f, &n, cx);
        for d in &f.depends_on {
            if let crate::model::objects::FunctionDep::Table(t) = d
                && !cx.tables.contains_key(t)
            {
                cx.push(
                    Code::UnknownTable,
                    n.clone(),
                    f.origin,
                    format!("the function depends on table {t}, which is not declared"),
                    format!("declare the table {t}, or remove the dependency"),
                );
            }
            if let crate::model::objects::FunctionDep::Extension(e) = d
                && !cx.extensions.contains(e.as_str())
            {
                cx.push(
                    Code::MissingExtension,
                    n.clone(),
                    f.origin,
                    format!(
                        "the function depends on a function of extension {e}, which is not declared"
                    ),
                    format!("declare Extension::new(\"{e}\")"),
                );
            }
            if let crate::model::objects::FunctionDep::Function(g) = d
                && !cx.functions.contains_key(g)
            {
                cx.push(
                    Code::UnknownFunction,
                    n.clone(),
                    f.origin,
                    format!("the function depends on {g}, which is not declared"),
                    format!("declare the function {g}, or remove the dependency"),
                );
            }
        }
    }
}

pub(crate) fn unknown_schema(cx: &mut Ctx<'_>, object: &str, schema: &str, origin: Origin) {
    cx.push(
        Code::UnknownSchema,
        object,
        origin,
        format!("schema {schema} is not declared"),
        format!("declare Schema::new(\"{schema}\"), or fix the schema name"),
    );
}

/// Tables, indexes and the indexes behind PRIMARY KEY and UNIQUE constraints share one
/// namespace per schema; tables and types share another (a table has a row type).
/// A clash is reported on the later object, with the code of its kind; two constraints of
/// one table are left to the table's own check.
fn relation_names(db: &Database, cx: &mut Ctx<'_>) {
    let mut seen: HashMap<(&str, &str), (&'static str, Option<&QName>)> = HashMap::new();
    for t in &db.tables {
        seen.insert((&t.name.schema, &t.name.name), ("table", None));
    }
    for e in &db.enums {
        if seen.contains_key(&(e.name.schema.as_str(), e.name.name.as_str())) {
            cx.push(
                Code::DuplicateObject,
                e.name.to_string(),
                e.origin,
                format!(
                    "type {} has the name of a table of schema {}, whose row type already has it",
                    e.name, e.name.schema
                ),
                "give the type or the table another name",
            );
        }
    }
    for t in &db.tables {
        let s = t.name.schema.as_str();
        let owned = t
            .primary_key
            .iter()
            .map(|p| {
                (
                    p.name.as_str(),
                    "primary key",
                    p.origin,
                    Code::DuplicateConstraint,
                )
            })
            .chain(t.uniques.iter().map(|u| {
                (
                    u.name.as_str(),
                    "unique constraint",
                    u.origin,
                    Code::DuplicateConstraint,
                )
            }))
            .chain(
                t.indexes
                    .iter()
                    .map(|i| (i.name.as_str(), "index", i.origin, Code::DuplicateIndex)),
            );
        for (name, kind, origin, code) in owned {
            match seen.insert((s, name), (kind, Some(&t.name))) {
                None => {}
                Some((prev, Some(owner))) if *owner == t.name && prev != "index" && kind != "index" => {}
                Some((prev, _)) => cx.push(
                    code,
                    format!("{s}.{name}"),
                    origin,
                    format!("the {kind} {name} of {} has the name of {} {prev} in schema {s}", t.name, article(prev)),
                    format!("give the {kind} a name unique in its schema (indexes, and the indexes of primary keys and unique constraints, share it with tables)"),
                ),
            }
        }
    }
}
