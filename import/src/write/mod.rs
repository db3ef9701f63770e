//! The declaration as Rust source: one module per PostgreSQL schema (its handles next to
//! its objects, like the `schema` crate), an `extensions` module, and `lib.rs`. One file
//! per object kind renders that kind's builder chain; each destructures its model struct,
//! so a field added to the model is a compile error here until it is written.

mod aggregate;
mod column;
mod composite;
mod domain;
mod exclusion;
mod function;
mod index;
mod layout;
mod objects;
mod partition;
mod policy;
mod privilege;
mod rows;
mod sequence;
mod table;
mod trigger;
mod view;

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
    views: HashMap<QName, Handle>,
    sequences: HashMap<QName, Handle>,
    domains: HashMap<QName, Handle>,
    composites: HashMap<QName, Handle>,
    ranges: HashMap<QName, Handle>,
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

    fn of(&self, map: &HashMap<QName, Handle>, kind: &str, q: &QName) -> String {
        map.get(q).map_or_else(
            || format!("{kind}::new({}, {})", string(&q.schema), string(&q.name)),
            |h| self.path(h),
        )
    }

    pub(crate) fn view(&self, q: &QName) -> String {
        self.of(&self.views, "ViewRef", q)
    }

    pub(crate) fn sequence(&self, q: &QName) -> String {
        self.of(&self.sequences, "SequenceRef", q)
    }

    pub(crate) fn domain(&self, q: &QName) -> String {
        self.of(&self.domains, "DomainRef", q)
    }

    pub(crate) fn composite(&self, q: &QName) -> String {
        self.of(&self.composites, "CompositeRef", q)
    }

    pub(crate) fn range(&self, q: &QName) -> String {
        self.of(&self.ranges, "RangeRef", q)
    }

    /// A table, view or sequence (what `GRANT .. ON TABLE` takes), by its handle.
    pub(crate) fn relation(&self, q: &QName) -> String {
        if self.views.contains_key(q) {
            self.view(q)
        } else if self.sequences.contains_key(q) {
            self.sequence(q)
        } else {
            self.table(q)
        }
    }
}

/// One written file, its path relative to the output directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub path: String,
    pub contents: String,
    /// The top-level items `contents` is made of, so that a big module is formatted
    /// in pieces by `--rustfmt` (rustfmt's time grows faster than a file's size).
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
    views: Vec<&'a ddl::model::view::View>,
    sequences: Vec<&'a ddl::model::sequence::Sequence>,
    domains: Vec<&'a ddl::model::domain::Domain>,
    composites: Vec<&'a ddl::model::composite::CompositeType>,
    ranges: Vec<&'a ddl::model::composite::RangeType>,
    aggregates: Vec<&'a ddl::model::function::Aggregate>,
    grants: Vec<&'a ddl::model::privilege::Grant>,
    default_privileges: Vec<&'a ddl::model::privilege::DefaultPrivileges>,
    leftovers: Vec<&'a Leftover>,
}

/// The schema a grant's target lives in.
fn grant_schema(g: &ddl::model::privilege::Grant) -> &str {
    use ddl::model::privilege::GrantTarget;
    match &g.on {
        GrantTarget::Schema(s) => s,
        GrantTarget::Table(q)
        | GrantTarget::Sequence(q)
        | GrantTarget::Function(q)
        | GrantTarget::Type(q) => &q.schema,
    }
}

/// Every file of the declaration, in rustfmt's layout (`write/layout/`).
pub fn files(db: &Database, leftovers: &[Leftover], header: &str) -> Vec<File> {
    // A doc line as rustfmt keeps it: no control characters, no trailing blanks.
    let header = ddl::sql::fragment::comment_safe(header);
    let header = header.trim_end();
    // The database's natural order: what the planner creates first comes first.
    let graph = Graph::build(db);
    let order: Vec<usize> = graph
        .order()
        .unwrap_or_else(|_| (0..graph.objects.len()).collect());
    // Raw SQL objects are never read from a database (`adopt` reports any as left out).
    let Database {
        extensions,
        schemas: schema_list,
        enums,
        functions,
        tables,
        views,
        raws: _,
        sequences,
        domains,
        composites,
        ranges,
        roles,
        grants,
        default_privileges,
        aggregates,
    } = db;
    let mut schemas: BTreeSet<&str> = BTreeSet::new();
    schemas.extend(schema_list.iter().map(|s| s.name.as_str()));
    schemas.extend(enums.iter().map(|e| e.name.schema.as_str()));
    schemas.extend(functions.iter().map(|f| f.name.schema.as_str()));
    schemas.extend(tables.iter().map(|t| t.name.schema.as_str()));
    schemas.extend(views.iter().map(|v| v.name.schema.as_str()));
    schemas.extend(sequences.iter().map(|v| v.name.schema.as_str()));
    schemas.extend(domains.iter().map(|v| v.name.schema.as_str()));
    schemas.extend(composites.iter().map(|v| v.name.schema.as_str()));
    schemas.extend(ranges.iter().map(|v| v.name.schema.as_str()));
    schemas.extend(aggregates.iter().map(|v| v.name.schema.as_str()));
    schemas.extend(grants.iter().map(grant_schema));
    schemas.extend(default_privileges.iter().map(|d| d.schema.as_str()));
    let with_extensions = !extensions.is_empty();

    let mut modules = Scope::reserving(&["extensions"]);
    let mut module_of: HashMap<&str, String> = HashMap::new();
    for s in &schemas {
        module_of.insert(s, modules.snake(s, "schema"));
    }
    let mut members: HashMap<&str, Members<'_>> = HashMap::new();
    for s in schema_list {
        members.entry(&s.name).or_default().schema = Some(s);
    }
    let mut enums: Vec<_> = enums.iter().collect();
    enums.sort_by(|a, b| a.name.cmp(&b.name));
    for e in enums {
        members.entry(&e.name.schema).or_default().enums.push(e);
    }
    for &i in &order {
        match graph.objects[i] {
            Object::Function(f) => members.entry(&f.name.schema).or_default().functions.push(f),
            Object::Aggregate(a) => members
                .entry(&a.name.schema)
                .or_default()
                .aggregates
                .push(a),
            Object::Table(t) => members.entry(&t.name.schema).or_default().tables.push(t),
            Object::View(v) => members.entry(&v.name.schema).or_default().views.push(v),
            Object::Sequence(q) => members.entry(&q.name.schema).or_default().sequences.push(q),
            Object::Domain(d) => members.entry(&d.name.schema).or_default().domains.push(d),
            Object::Composite(c) => members
                .entry(&c.name.schema)
                .or_default()
                .composites
                .push(c),
            Object::Range(r) => members.entry(&r.name.schema).or_default().ranges.push(r),
            _ => {}
        }
    }
    for g in grants {
        members.entry(grant_schema(g)).or_default().grants.push(g);
    }
    for d in default_privileges {
        members
            .entry(&d.schema)
            .or_default()
            .default_privileges
            .push(d);
    }
    let mut unplaced = Vec::new();
    for l in leftovers {
        match l.schema().filter(|s| schemas.contains(s)) {
            Some(s) => members.entry(s).or_default().leftovers.push(l),
            None => unplaced.push(l),
        }
    }

    // Handles: one constant namespace per module (types, then functions, then tables,
    // views and sequences). Overloads share one function handle.
    let mut ctx = Ctx::default();
    for s in &schemas {
        let m = members.entry(s).or_default();
        let module = module_of[s].clone();
        let mut consts = Scope::reserving(PRELUDE);
        let mut add =
            |map: &mut HashMap<QName, Handle>, q: &QName, fallback: &str, suffix: &str| {
                if !map.contains_key(q) {
                    let constant = consts.upper(&q.name, fallback, suffix);
                    map.insert(
                        q.clone(),
                        Handle {
                            module: module.clone(),
                            constant,
                        },
                    );
                }
            };
        for e in &m.enums {
            add(&mut ctx.types, &e.name, "TYPE", "_TYPE");
        }
        for d in &m.domains {
            add(&mut ctx.domains, &d.name, "DOMAIN", "_DOMAIN");
        }
        for c in &m.composites {
            add(&mut ctx.composites, &c.name, "TYPE", "_TYPE");
        }
        for r in &m.ranges {
            add(&mut ctx.ranges, &r.name, "RANGE", "_RANGE");
        }
        for f in &m.functions {
            add(&mut ctx.functions, &f.name, "FUNCTION", "_FN");
        }
        for a in &m.aggregates {
            add(&mut ctx.functions, &a.name, "AGGREGATE", "_AGG");
        }
        for t in &m.tables {
            add(&mut ctx.tables, &t.name, "TABLE", "_TABLE");
        }
        for v in &m.views {
            add(&mut ctx.views, &v.name, "VIEW", "_VIEW");
        }
        for q in &m.sequences {
            add(&mut ctx.sequences, &q.name, "SEQUENCE", "_SEQ");
        }
    }

    let mut out = Vec::new();
    if with_extensions {
        out.push(File::of_items(
            "extensions.rs".to_owned(),
            vec![objects::extensions_module(extensions, header)],
        ));
    }
    for s in &schemas {
        ctx.module = module_of[s].clone();
        out.push(File::of_items(
            format!("{}.rs", module_of[s]),
            schema_module(&ctx, s, &members[s], header),
        ));
    }
    let mut roles: Vec<_> = roles.iter().collect();
    roles.sort_by(|a, b| a.name.cmp(&b.name));
    out.push(File::of_items(
        "lib.rs".to_owned(),
        vec![lib_rs(
            &schemas,
            &module_of,
            with_extensions,
            &roles,
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
        let _ = writeln!(out, "//! - {}", line.trim_end());
    }
}

fn lib_rs(
    schemas: &BTreeSet<&str>,
    module_of: &HashMap<&str, String>,
    with_extensions: bool,
    roles: &[&ddl::model::privilege::Role],
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
    // rustfmt sorts a run of `mod` lines by name (`r#` aside), byte by byte.
    let mut sorted = mods.clone();
    sorted.sort_unstable();
    for m in &sorted {
        let _ = writeln!(out, "pub mod {};", ident(m));
    }
    out.push_str("\nuse ddl::prelude::*;\n\n/// The whole imported database.\n");
    let mut body = "Database::new()".to_owned();
    for m in &mods {
        let _ = write!(body, "\n.merge({}::database())", ident(m));
    }
    for r in roles {
        let _ = write!(body, "\n.role({})", privilege::role(r));
    }
    out.push_str(&function("pub fn database() -> Database", &body));
    out
}

/// `signature { body }`, the body laid out as rustfmt does.
pub(super) fn function(signature: &str, body: &str) -> String {
    format!("{signature} {{\n    {}\n}}\n", layout::fn_body(body))
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
    let mut consts =
        |kind: &str, map: &HashMap<QName, Handle>, q: &QName, done: &mut BTreeSet<String>| {
            let constant = &map[q].constant;
            if done.insert(constant.clone()) {
                let rhs = format!("{kind}::new({}, {})", string(&q.schema), string(&q.name));
                out.push_str(&layout::constant(
                    &format!("pub const {constant}: {kind} ="),
                    &rhs,
                ));
                out.push('\n');
            }
        };
    let mut done = BTreeSet::new();
    for e in &m.enums {
        consts("TypeRef", &ctx.types, &e.name, &mut done);
    }
    for d in &m.domains {
        consts("DomainRef", &ctx.domains, &d.name, &mut done);
    }
    for c in &m.composites {
        consts("CompositeRef", &ctx.composites, &c.name, &mut done);
    }
    for r in &m.ranges {
        consts("RangeRef", &ctx.ranges, &r.name, &mut done);
    }
    for f in &m.functions {
        consts("FunctionRef", &ctx.functions, &f.name, &mut done);
    }
    for a in &m.aggregates {
        consts("FunctionRef", &ctx.functions, &a.name, &mut done);
    }
    for t in &m.tables {
        consts("TableRef", &ctx.tables, &t.name, &mut done);
    }
    for v in &m.views {
        consts("ViewRef", &ctx.views, &v.name, &mut done);
    }
    for q in &m.sequences {
        consts("SequenceRef", &ctx.sequences, &q.name, &mut done);
    }
    // Table functions: snake_case, unique next to `database` and the prelude.
    let mut fns = Scope::reserving(PRELUDE);
    let table_fns: Vec<String> = m
        .tables
        .iter()
        .map(|t| ident(&fns.snake(&t.name.name, "table")))
        .collect();
    out.push('\n');
    let mut body = "Database::new()".to_owned();
    if let Some(s) = m.schema {
        let _ = write!(body, "\n.schema({})", objects::schema(s));
    }
    for e in &m.enums {
        let _ = write!(body, "\n.enum_type({})", objects::enum_type(ctx, e));
    }
    for d in &m.domains {
        let _ = write!(body, "\n.domain({})", domain::domain(ctx, d));
    }
    for c in &m.composites {
        let _ = write!(body, "\n.composite({})", composite::composite(ctx, c));
    }
    for r in &m.ranges {
        let _ = write!(body, "\n.range({})", composite::range(ctx, r));
    }
    for q in &m.sequences {
        let _ = write!(body, "\n.sequence({})", sequence::sequence(ctx, q));
    }
    for f in &m.functions {
        let _ = write!(body, "\n.function({})", function::function(ctx, f));
    }
    for a in &m.aggregates {
        let _ = write!(body, "\n.aggregate({})", aggregate::aggregate(ctx, a));
    }
    if table_fns.len() <= 100 {
        for name in &table_fns {
            let _ = write!(body, "\n.table({name}())");
        }
    } else {
        // One array rather than a chain of thousands of calls (rustfmt, for `--rustfmt`,
        // is slow on long chains).
        let calls: Vec<String> = table_fns.iter().map(|n| format!("{n}()")).collect();
        let _ = write!(body, "\n.tables([{}])", calls.join(", "));
    }
    for v in &m.views {
        let _ = write!(body, "\n.view({})", view::view(ctx, v));
    }
    for g in &m.grants {
        let _ = write!(body, "\n.grant({})", privilege::grant(ctx, g));
    }
    for d in &m.default_privileges {
        let _ = write!(
            body,
            "\n.default_privileges({})",
            privilege::default_privileges(d)
        );
    }
    out.push_str(&function("pub fn database() -> Database", &body));
    let mut items = vec![out];
    for (t, name) in m.tables.iter().zip(&table_fns) {
        items.push(function(
            &format!("fn {name}() -> Table"),
            &table::table(ctx, t),
        ));
    }
    items
}
