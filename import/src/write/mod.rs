//! The declaration as Rust source: one module per PostgreSQL schema (its handles next to
//! its objects, like the `schema` crate), an `extensions` module, and `lib.rs`. One file
//! per object kind renders that kind's builder chain; each destructures its model struct,
//! so a field added to the model is a compile error here until it is written.

mod column;
mod function;
mod index;
mod objects;
mod policy;
mod rows;
mod table;
mod trigger;

use crate::leftover::Leftover;
use crate::names::{PRELUDE, Scope, ident, string};
use ddl::model::database::Database;
use ddl::model::names::QName;
use ddl::plan::graph::Graph;
use ddl::plan::object::Object;
use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

/// A handle: the module that declares it and its constant.
#[derive(Debug, Clone)]
struct Handle {
    module: String,
    constant: String,
}

/// Handles of every object the modules declare, and the module being written.
#[derive(Debug, Default)]
pub(crate) struct Ctx {
    tables: HashMap<QName, Handle>,
    functions: HashMap<QName, Handle>,
    types: HashMap<QName, Handle>,
    module: String,
}

impl Ctx {
    fn path(&self, h: &Handle) -> String {
        if h.module == self.module {
            h.constant.clone()
        } else {
            format!("super::{}::{}", ident(&h.module), h.constant)
        }
    }

    pub(crate) fn table(&self, q: &QName) -> String {
        self.tables.get(q).map_or_else(
            || format!("TableRef::new({}, {})", string(&q.schema), string(&q.name)),
            |h| self.path(h),
        )
    }

    pub(crate) fn function(&self, q: &QName) -> String {
        self.functions.get(q).map_or_else(
            || {
                format!(
                    "FunctionRef::new({}, {})",
                    string(&q.schema),
                    string(&q.name)
                )
            },
            |h| self.path(h),
        )
    }

    pub(crate) fn type_ref(&self, q: &QName) -> String {
        self.types.get(q).map_or_else(
            || format!("TypeRef::new({}, {})", string(&q.schema), string(&q.name)),
            |h| self.path(h),
        )
    }
}

/// One written file, its path relative to the output directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub path: String,
    pub contents: String,
    /// The top-level items `contents` is made of, so that a big module is formatted
    /// in pieces (rustfmt's time grows faster than a file's size).
    pub(crate) items: Vec<String>,
}

impl File {
    fn of_items(path: String, items: Vec<String>) -> Self {
        Self {
            path,
            contents: items.join("\n"),
            items,
        }
    }
}

/// What goes into one schema's module.
#[derive(Debug, Default)]
struct Members<'a> {
    schema: Option<&'a ddl::model::objects::Schema>,
    enums: Vec<&'a ddl::model::objects::EnumType>,
    functions: Vec<&'a ddl::model::objects::Function>,
    tables: Vec<&'a ddl::model::table::Table>,
    leftovers: Vec<&'a Leftover>,
}

/// Every file of the declaration (unformatted: see [`crate::format`]).
pub fn files(db: &Database, leftovers: &[Leftover], header: &str) -> Vec<File> {
    // The database's natural order: what the planner creates first comes first.
    let graph = Graph::build(db);
    let order: Vec<usize> = graph
        .order()
        .unwrap_or_else(|_| (0..graph.objects.len()).collect());
    let mut schemas: BTreeSet<&str> = BTreeSet::new();
    schemas.extend(db.schemas.iter().map(|s| s.name.as_str()));
    schemas.extend(db.enums.iter().map(|e| e.name.schema.as_str()));
    schemas.extend(db.functions.iter().map(|f| f.name.schema.as_str()));
    schemas.extend(db.tables.iter().map(|t| t.name.schema.as_str()));
    let with_extensions = !db.extensions.is_empty();

    let mut modules = Scope::reserving(&["extensions"]);
    let mut module_of: HashMap<&str, String> = HashMap::new();
    for s in &schemas {
        module_of.insert(s, modules.snake(s, "schema"));
    }
    let mut members: HashMap<&str, Members<'_>> = HashMap::new();
    for s in &db.schemas {
        members.entry(&s.name).or_default().schema = Some(s);
    }
    let mut enums: Vec<_> = db.enums.iter().collect();
    enums.sort_by(|a, b| a.name.cmp(&b.name));
    for e in enums {
        members.entry(&e.name.schema).or_default().enums.push(e);
    }
    for &i in &order {
        match graph.objects[i] {
            Object::Function(f) => members.entry(&f.name.schema).or_default().functions.push(f),
            Object::Table(t) => members.entry(&t.name.schema).or_default().tables.push(t),
            _ => {}
        }
    }
    let mut unplaced = Vec::new();
    for l in leftovers {
        match l.schema().filter(|s| schemas.contains(s)) {
            Some(s) => members.entry(s).or_default().leftovers.push(l),
            None => unplaced.push(l),
        }
    }

    // Handles: one constant namespace per module (types, then functions, then tables).
    let mut ctx = Ctx::default();
    for s in &schemas {
        let m = &members[s];
        let module = module_of[s].clone();
        let mut consts = Scope::reserving(PRELUDE);
        for e in &m.enums {
            let constant = consts.upper(&e.name.name, "TYPE", "_TYPE");
            ctx.types.insert(
                e.name.clone(),
                Handle {
                    module: module.clone(),
                    constant,
                },
            );
        }
        for f in &m.functions {
            let constant = consts.upper(&f.name.name, "FUNCTION", "_FN");
            ctx.functions.insert(
                f.name.clone(),
                Handle {
                    module: module.clone(),
                    constant,
                },
            );
        }
        for t in &m.tables {
            let constant = consts.upper(&t.name.name, "TABLE", "_TABLE");
            ctx.tables.insert(
                t.name.clone(),
                Handle {
                    module: module.clone(),
                    constant,
                },
            );
        }
    }

    let mut out = Vec::new();
    if with_extensions {
        out.push(File::of_items(
            "extensions.rs".to_owned(),
            vec![objects::extensions_module(&db.extensions, header)],
        ));
    }
    for s in &schemas {
        ctx.module = module_of[s].clone();
        out.push(File::of_items(
            format!("{}.rs", module_of[s]),
            schema_module(&ctx, s, &members[s], header),
        ));
    }
    out.push(File::of_items(
        "lib.rs".to_owned(),
        vec![lib_rs(
            &schemas,
            &module_of,
            with_extensions,
            &unplaced,
            header,
        )],
    ));
    out
}

fn leftover_comment(out: &mut String, leftovers: &[&Leftover]) {
    if leftovers.is_empty() {
        return;
    }
    out.push_str("//!\n//! Left out by the import (not declarable yet; see the import report):\n");
    for l in leftovers {
        let text = l.line();
        let line = ddl::sql::fragment::comment_safe(&text);
        let _ = writeln!(out, "//! - {line}");
    }
}

fn lib_rs(
    schemas: &BTreeSet<&str>,
    module_of: &HashMap<&str, String>,
    with_extensions: bool,
    unplaced: &[&Leftover],
    header: &str,
) -> String {
    let mut out = format!("//! {header}\n");
    leftover_comment(&mut out, unplaced);
    out.push('\n');
    let mut mods: Vec<&str> = schemas.iter().map(|s| module_of[s].as_str()).collect();
    if with_extensions {
        mods.insert(0, "extensions");
    }
    for m in &mods {
        let _ = writeln!(out, "pub mod {};", ident(m));
    }
    out.push_str("\nuse ddl::prelude::*;\n\n/// The whole imported database.\npub fn database() -> Database {\n    Database::new()");
    for m in &mods {
        let _ = write!(out, "\n.merge({}::database())", ident(m));
    }
    out.push_str("\n}\n");
    out
}

/// The module as top-level items: the handles and `database()` first, then one function
/// per table.
fn schema_module(ctx: &Ctx, schema: &str, m: &Members<'_>, header: &str) -> Vec<String> {
    let mut out = format!(
        "//! Schema `{}`. {header}\n",
        ddl::sql::fragment::comment_safe(schema)
    );
    leftover_comment(&mut out, &m.leftovers);
    out.push_str("\nuse ddl::prelude::*;\n\n");
    for e in &m.enums {
        let _ = writeln!(
            out,
            "pub const {}: TypeRef = TypeRef::new({}, {});",
            ctx.types[&e.name].constant,
            string(&e.name.schema),
            string(&e.name.name)
        );
    }
    for f in &m.functions {
        let _ = writeln!(
            out,
            "pub const {}: FunctionRef = FunctionRef::new({}, {});",
            ctx.functions[&f.name].constant,
            string(&f.name.schema),
            string(&f.name.name)
        );
    }
    for t in &m.tables {
        let _ = writeln!(
            out,
            "pub const {}: TableRef = TableRef::new({}, {});",
            ctx.tables[&t.name].constant,
            string(&t.name.schema),
            string(&t.name.name)
        );
    }
    // Table functions: snake_case, unique next to `database` and the prelude.
    let mut fns = Scope::reserving(PRELUDE);
    let table_fns: Vec<String> = m
        .tables
        .iter()
        .map(|t| ident(&fns.snake(&t.name.name, "table")))
        .collect();
    out.push_str("\npub fn database() -> Database {\n    Database::new()");
    if let Some(s) = m.schema {
        out.push_str("\n.schema(");
        out.push_str(&objects::schema(s));
        out.push(')');
    }
    for e in &m.enums {
        let _ = write!(out, "\n.enum_type({})", objects::enum_type(ctx, e));
    }
    for f in &m.functions {
        let _ = write!(out, "\n.function({})", function::function(ctx, f));
    }
    if table_fns.len() <= 100 {
        for name in &table_fns {
            let _ = write!(out, "\n.table({name}())");
        }
    } else {
        // One array rather than a chain of thousands of calls, which rustfmt is slow on.
        let calls: Vec<String> = table_fns.iter().map(|n| format!("{n}()")).collect();
        let _ = write!(out, "\n.tables([{}])", calls.join(", "));
    }
    out.push_str("\n}\n");
    let mut items = vec![out];
    for (t, name) in m.tables.iter().zip(&table_fns) {
        items.push(format!(
            "fn {name}() -> Table {{\n{}\n}}\n",
            table::table(ctx, t)
        ));
    }
    items
}
