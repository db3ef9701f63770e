//! The "needs" edges of each object: what PostgreSQL requires to exist before the object
//! is created, and so what must still exist when it is dropped.

use super::graph::Edge;
use super::object::Object;
use crate::model::expr::SqlExpr;
use crate::model::index::IndexTarget;
use crate::model::names::{FunctionSource, QName};
use crate::model::objects::FunctionDep;
use crate::sql::scan::{self, NameRef};
use std::collections::HashMap;

/// Objects by kind and name, and the functions declared extensions provide.
#[derive(Debug, Default)]
pub(super) struct Lookup<'a> {
    pub by_key: HashMap<(u8, &'a str, &'a str), usize>,
    /// Function name -> the extension object that provides it (`Extension::provides`).
    pub provided: HashMap<&'a str, usize>,
}

impl<'a> Lookup<'a> {
    pub fn new(objects: &[Object<'a>]) -> Self {
        let mut by_key = HashMap::with_capacity(objects.len());
        let mut provided = HashMap::new();
        for (i, o) in objects.iter().enumerate() {
            let k: (u8, &str, &str) = match o {
                Object::Extension(e) => {
                    for f in &e.provides {
                        provided.entry(f.as_str()).or_insert(i);
                    }
                    (0, "", e.name.as_str())
                }
                Object::Schema(s) => (1, "", s.name.as_str()),
                Object::Enum(e) => (2, e.name.schema.as_str(), e.name.name.as_str()),
                Object::Function(f) => (3, f.name.schema.as_str(), f.name.name.as_str()),
                Object::Table(t) => (4, t.name.schema.as_str(), t.name.name.as_str()),
                Object::Rows(t) => (5, t.name.schema.as_str(), t.name.name.as_str()),
                _ => continue,
            };
            by_key.entry(k).or_insert(i);
        }
        Lookup { by_key, provided }
    }
}

/// The "needs" edges of object `i`. Reasons are formatted only when `describe` is set:
/// building the graph of a large schema needs none of them, a cycle report needs a few.
pub(super) fn collect_edges(
    i: usize,
    o: &Object<'_>,
    l: &Lookup<'_>,
    describe: bool,
    out: &mut Vec<(usize, usize, Edge)>,
) {
    macro_rules! reason {
        ($($t:tt)*) => { if describe { format!($($t)*) } else { String::new() } };
    }
    let mut need = |target: Option<usize>, reason: String, foreign_key: bool| {
        if let Some(t) = target {
            out.push((
                i,
                t,
                Edge {
                    reason,
                    foreign_key,
                },
            ));
        }
    };
    let schema = |s: &str| l.by_key.get(&(1, "", s)).copied();
    let table = |q: &QName| {
        l.by_key
            .get(&(4, q.schema.as_str(), q.name.as_str()))
            .copied()
    };
    let function = |q: &QName| {
        l.by_key
            .get(&(3, q.schema.as_str(), q.name.as_str()))
            .copied()
    };
    let enum_ty = |q: &QName| {
        l.by_key
            .get(&(2, q.schema.as_str(), q.name.as_str()))
            .copied()
    };
    let extension = |e: &str| l.by_key.get(&(0, "", e)).copied();
    let me = if describe {
        o.display_name()
    } else {
        String::new()
    };
    let expr_edges =
        |need: &mut dyn FnMut(Option<usize>, String, bool), what: &str, e: &SqlExpr| {
            for call in scan::calls(e.as_str()) {
                let q = QName::new(call.schema.as_deref().unwrap_or("public"), &call.name);
                if let Some(f) = function(&q) {
                    need(Some(f), reason!("{what} calls {q}"), false);
                } else if let Some(&ext) = l.provided.get(call.name.as_str()) {
                    need(
                        Some(ext),
                        reason!("{what} calls {}() of an extension", call.name),
                        false,
                    );
                } else if let Some(ext) = scan::extension_of_function(&call.name) {
                    need(
                        extension(ext),
                        reason!("{what} calls {}() of extension {ext}", call.name),
                        false,
                    );
                }
            }
        };
    match o {
        Object::Extension(e) => {
            if let Some(s) = &e.schema {
                need(
                    schema(s),
                    reason!("extension {} is installed in schema {s}", e.name),
                    false,
                );
            }
        }
        Object::Schema(_) => {}
        Object::Enum(e) => need(
            schema(&e.name.schema),
            reason!("type {me} is in schema {}", e.name.schema),
            false,
        ),
        Object::Function(f) => {
            need(
                schema(&f.name.schema),
                reason!("function {me} is in schema {}", f.name.schema),
                false,
            );
            for d in &f.depends_on {
                match d {
                    FunctionDep::Table(t) => {
                        need(table(t), reason!("function {me} uses table {t}"), false)
                    }
                    FunctionDep::Function(g) => {
                        need(function(g), reason!("function {me} calls {g}"), false)
                    }
                    FunctionDep::Extension(e) => need(
                        extension(e),
                        reason!("function {me} calls a function of extension {e}"),
                        false,
                    ),
                }
            }
            let mut names: Vec<(&str, NameRef)> = Vec::new();
            for ty in f
                .args
                .iter()
                .map(|a| a.ty.as_str())
                .chain([f.returns.as_str()])
            {
                names.extend(
                    scan::signature_type_names(ty)
                        .into_iter()
                        .map(|n| ("signature", n)),
                );
            }
            // PostgreSQL checks a PL/pgSQL body's DECLARE sections at creation, not its
            // statements; it checks the whole of a `LANGUAGE sql` body.
            if f.language.eq_ignore_ascii_case("plpgsql") {
                names.extend(
                    scan::plpgsql_declared_type_names(&f.body)
                        .into_iter()
                        .map(|n| ("DECLARE section", n)),
                );
            }
            if f.language.eq_ignore_ascii_case("sql") {
                expr_edges(
                    &mut need,
                    &reason!("function {me}"),
                    &SqlExpr(f.body.clone()),
                );
                names.extend(
                    scan::qualified_names(&f.body)
                        .into_iter()
                        .map(|n| ("body", n)),
                );
            }
            for (place, n) in names {
                let q = QName::new(n.schema.as_deref().unwrap_or("public"), n.name.as_str());
                if let Some(t) = table(&q) {
                    need(
                        Some(t),
                        reason!("function {me} uses table {q} in its {place}"),
                        false,
                    );
                } else if let Some(e) = enum_ty(&q) {
                    need(
                        Some(e),
                        reason!("function {me} uses type {q} in its {place}"),
                        false,
                    );
                } else if n.schema.is_none()
                    && let Some(ext) = scan::extension_of_type(&n.name)
                {
                    need(
                        extension(ext),
                        reason!("function {me} uses type {} of extension {ext}", n.name),
                        false,
                    );
                }
            }
        }
        Object::Table(t) => {
            need(
                schema(&t.name.schema),
                reason!("table {me} is in schema {}", t.name.schema),
                false,
            );
            for c in &t.columns {
                if let Some(q) = c.ty.enum_name() {
                    need(enum_ty(q), reason!("{me}.{} has type {q}", c.name), false);
                }
                if let Some(ext) = c.ty.extension() {
                    need(
                        extension(ext),
                        reason!(
                            "{me}.{} has type {} of extension {ext}",
                            c.name,
                            c.ty.catalog_name()
                        ),
                        false,
                    );
                }
                let what = reason!("{me}.{}", c.name);
                for e in c.default.iter().chain(c.generated.iter()) {
                    expr_edges(&mut need, &what, e);
                }
            }
            for c in &t.checks {
                expr_edges(&mut need, &reason!("check {me}.{}", c.name), &c.expr);
            }
            for fk in t.foreign_keys.iter().filter(|f| !f.add_later) {
                if fk.ref_table != t.name {
                    need(
                        table(&fk.ref_table),
                        reason!("{me}.{} -> {}", fk.columns.join(","), fk.ref_table),
                        true,
                    );
                }
            }
        }
        Object::Index(t, ix) => {
            need(
                table(&t.name),
                reason!("index {me} is on {}", t.name),
                false,
            );
            for k in &ix.keys {
                if let IndexTarget::Expr(e) = &k.target {
                    expr_edges(&mut need, &reason!("index {me}"), e);
                }
                if let Some(ext) = k.opclass.as_deref().and_then(scan::extension_of_opclass) {
                    need(
                        extension(ext),
                        reason!(
                            "index {me} uses operator class {} of extension {ext}",
                            k.opclass.as_deref().unwrap_or_default()
                        ),
                        false,
                    );
                }
            }
            if let Some(p) = &ix.predicate {
                expr_edges(&mut need, &reason!("index {me}"), p);
            }
        }
        Object::Trigger(t, tr) => {
            need(
                table(&t.name),
                reason!("trigger {me} is on {}", t.name),
                false,
            );
            match &tr.function_source {
                FunctionSource::Declared => need(
                    function(&tr.function),
                    reason!("trigger {me} executes {}", tr.function),
                    false,
                ),
                FunctionSource::Builtin => {}
                FunctionSource::Extension(ext) => need(
                    extension(ext),
                    reason!("trigger {me} executes {} of extension {ext}", tr.function),
                    false,
                ),
            }
            if let Some(w) = &tr.when {
                expr_edges(&mut need, &reason!("trigger {me}"), w);
            }
        }
        Object::Policy(t, p) => {
            need(
                table(&t.name),
                reason!("policy {me} is on {}", t.name),
                false,
            );
            for e in p.using.iter().chain(p.with_check.iter()) {
                expr_edges(&mut need, &reason!("policy {me}"), e);
            }
        }
        Object::LaterFk(t, fk) => {
            need(
                table(&t.name),
                reason!("foreign key {me} is on {}", t.name),
                false,
            );
            need(
                table(&fk.ref_table),
                reason!("foreign key {me} references {}", fk.ref_table),
                false,
            );
            for q in [&t.name, &fk.ref_table] {
                let rows = l
                    .by_key
                    .get(&(5, q.schema.as_str(), q.name.as_str()))
                    .copied();
                need(
                    rows,
                    reason!("foreign key {me} checks the rows of {q}"),
                    false,
                );
            }
        }
        Object::Rows(t) => {
            need(table(&t.name), reason!("rows of {me} go into {me}"), false);
            // A foreign key added later is added after the rows of both its tables (it then
            // checks them), so rows need only the rows of in-line references.
            for fk in t.foreign_keys.iter().filter(|f| !f.add_later) {
                if fk.ref_table != t.name {
                    let rows = l
                        .by_key
                        .get(&(5, fk.ref_table.schema.as_str(), fk.ref_table.name.as_str()))
                        .copied();
                    need(
                        rows,
                        reason!("rows of {me} reference rows of {}", fk.ref_table),
                        false,
                    );
                }
            }
        }
    }
}
