//! The "needs" edges of each object: what PostgreSQL requires to exist before the object
//! is created, and so what must still exist when it is dropped.

use super::graph::Edge;
use super::lookup::Lookup;
use super::object::Object;
use super::types::type_edges;
use crate::model::expr::SqlExpr;
use crate::model::index::{Index, IndexTarget};
use crate::model::names::{FunctionSource, QName};
use crate::model::objects::FunctionDep;
use crate::model::trigger::Trigger;
use crate::model::view::Dep;
use crate::sql::scan::{self, NameRef};

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
    let overloads = |q: &QName| l.overloads.get(q).map(Vec::as_slice);
    let enum_ty = |q: &QName| {
        l.by_key
            .get(&(2, q.schema.as_str(), q.name.as_str()))
            .copied()
    };
    let extension = |e: &str| l.by_key.get(&(0, "", e)).copied();
    let view = |q: &QName| {
        l.by_key
            .get(&(7, q.schema.as_str(), q.name.as_str()))
            .copied()
    };
    // Every object a declared dependency names: a function name stands for each overload.
    let dep = |d: &Dep| -> Vec<usize> {
        match d {
            Dep::Schema(s) => schema(s).into_iter().collect(),
            Dep::Extension(e) => extension(e).into_iter().collect(),
            Dep::Type(q) => enum_ty(q).into_iter().collect(),
            Dep::Function(q) => overloads(q).unwrap_or_default().to_vec(),
            Dep::Table(q) => table(q).into_iter().collect(),
            Dep::View(q) => view(q).into_iter().collect(),
            Dep::Raw(r) => l
                .by_key
                .get(&(12, "", r.as_str()))
                .copied()
                .into_iter()
                .collect(),
        }
    };
    let user_type = |kind: u8, q: &QName| {
        l.by_key
            .get(&(kind, q.schema.as_str(), q.name.as_str()))
            .copied()
    };
    let me = if describe {
        o.display_name()
    } else {
        String::new()
    };
    let expr_edges =
        |need: &mut dyn FnMut(Option<usize>, String, bool), what: &str, e: &SqlExpr| {
            for call in scan::calls(e.as_str()) {
                let q = QName::new(call.schema.as_deref().unwrap_or("public"), &call.name);
                if let Some(fs) = overloads(&q) {
                    for &f in fs.iter().filter(|&&f| f != i) {
                        need(Some(f), reason!("{what} calls {q}"), false);
                    }
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
    // An index on a table or a view: the relation, and what its keys and predicate use.
    let index_on = |need: &mut dyn FnMut(Option<usize>, String, bool),
                    on: Option<usize>,
                    relation: &QName,
                    ix: &Index| {
        need(on, reason!("index {me} is on {relation}"), false);
        for k in &ix.keys {
            if let IndexTarget::Expr(e) = &k.target {
                expr_edges(need, &reason!("index {me}"), e);
            }
            if let Some(ext) = k.opclass.as_deref().and_then(scan::extension_of_opclass) {
                let reason = reason!(
                    "index {me} uses operator class {} of extension {ext}",
                    k.opclass.as_deref().unwrap_or_default()
                );
                need(extension(ext), reason, false);
            }
        }
        if let Some(p) = &ix.predicate {
            expr_edges(need, &reason!("index {me}"), p);
        }
    };
    // A trigger on a table or a view: the relation, the function it executes and what its
    // WHEN condition calls.
    let trigger_on = |need: &mut dyn FnMut(Option<usize>, String, bool),
                      on: Option<usize>,
                      relation: &QName,
                      tr: &Trigger| {
        need(on, reason!("trigger {me} is on {relation}"), false);
        match &tr.function_source {
            FunctionSource::Declared => {
                for &f in overloads(&tr.function).unwrap_or_default() {
                    need(
                        Some(f),
                        reason!("trigger {me} executes {}", tr.function),
                        false,
                    );
                }
            }
            FunctionSource::Builtin => {}
            FunctionSource::Extension(ext) => need(
                extension(ext),
                reason!("trigger {me} executes {} of extension {ext}", tr.function),
                false,
            ),
        }
        if let Some(w) = &tr.when {
            expr_edges(need, &reason!("trigger {me}"), w);
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
                    FunctionDep::Table(t) => need(
                        table(t).or_else(|| view(t)),
                        reason!("function {me} uses table {t}"),
                        false,
                    ),
                    FunctionDep::Function(g) => {
                        for &f in overloads(g).unwrap_or_default().iter().filter(|&&f| f != i) {
                            need(Some(f), reason!("function {me} calls {g}"), false);
                        }
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
                } else if let Some(v) = view(&q) {
                    need(
                        Some(v),
                        reason!("function {me} uses view {q} in its {place}"),
                        false,
                    );
                } else if let Some(e) = enum_ty(&q) {
                    need(
                        Some(e),
                        reason!("function {me} uses type {q} in its {place}"),
                        false,
                    );
                } else if let Some(e) = [9, 10, 11].into_iter().find_map(|k| user_type(k, &q)) {
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
            if let Some(p) = &t.partition_of {
                need(
                    table(&p.parent),
                    reason!("table {me} is a partition of {}", p.parent),
                    false,
                );
            }
            for c in &t.columns {
                if let Some(q) = c.ty.enum_name() {
                    need(enum_ty(q), reason!("{me}.{} has type {q}", c.name), false);
                }
                if let Some((kind, q)) = c.ty.user_type() {
                    need(
                        user_type(kind, q),
                        reason!("{me}.{} has type {q}", c.name),
                        false,
                    );
                }
                for q in c
                    .default
                    .iter()
                    .flat_map(|d| crate::model::sequence::nextval_names(d.as_str()))
                {
                    need(
                        user_type(8, &q),
                        reason!("{me}.{} calls nextval of sequence {q}", c.name),
                        false,
                    );
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
            for x in &t.exclusions {
                if crate::validate::needs_btree_gist(t, x) {
                    need(
                        extension("btree_gist"),
                        reason!(
                            "exclusion constraint {me}.{} compares a scalar column in gist",
                            x.name
                        ),
                        false,
                    );
                }
                for e in &x.elements {
                    if let IndexTarget::Expr(ex) = &e.target {
                        expr_edges(&mut need, &reason!("exclusion {me}.{}", x.name), ex);
                    }
                }
                if let Some(p) = &x.predicate {
                    expr_edges(&mut need, &reason!("exclusion {me}.{}", x.name), p);
                }
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
        Object::Index(t, ix) => index_on(&mut need, table(&t.name), &t.name, ix),
        Object::Trigger(t, tr) => trigger_on(&mut need, table(&t.name), &t.name, tr),
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
        Object::View(v) => {
            need(
                schema(&v.name.schema),
                reason!("{} {me} is in schema {}", v.kind(), v.name.schema),
                false,
            );
            for d in &v.depends_on {
                for t in dep(d) {
                    need(Some(t), reason!("{} {me} depends on {d}", v.kind()), false);
                }
            }
            expr_edges(
                &mut need,
                &reason!("{} {me}", v.kind()),
                &SqlExpr(v.query.clone()),
            );
            for n in scan::qualified_names(&v.query) {
                let q = QName::new(n.schema.as_deref().unwrap_or("public"), n.name.as_str());
                if q == v.name {
                    continue;
                }
                if let Some(t) = table(&q) {
                    need(Some(t), reason!("{} {me} reads table {q}", v.kind()), false);
                } else if let Some(w) = view(&q) {
                    need(Some(w), reason!("{} {me} reads view {q}", v.kind()), false);
                } else if let Some(e) = enum_ty(&q) {
                    need(Some(e), reason!("{} {me} uses type {q}", v.kind()), false);
                }
            }
        }
        Object::ViewIndex(v, ix) => index_on(&mut need, view(&v.name), &v.name, ix),
        Object::ViewTrigger(v, tr) => trigger_on(&mut need, view(&v.name), &v.name, tr),
        Object::Raw(r) => {
            for d in &r.depends_on {
                for t in dep(d) {
                    need(Some(t), reason!("raw {me} depends on {d}"), false);
                }
            }
            // The other direction: a declared object that needs this one.
            for d in &r.required_by {
                for t in dep(d) {
                    out.push((
                        t,
                        i,
                        Edge {
                            reason: reason!("{d} needs raw {me}"),
                            foreign_key: false,
                        },
                    ));
                }
            }
        }
        Object::Sequence(q) => need(
            schema(&q.name.schema),
            reason!("sequence {me} is in schema {}", q.name.schema),
            false,
        ),
        Object::SequenceOwner(q) => {
            need(
                user_type(8, &q.name),
                reason!("the owner of sequence {me} is set on it"),
                false,
            );
            if let Some((t, c)) = &q.owned_by {
                need(
                    table(t),
                    reason!("sequence {me} is owned by {t}.{c}"),
                    false,
                );
            }
        }
        Object::Domain(d) => {
            need(
                schema(&d.name.schema),
                reason!("domain {me} is in schema {}", d.name.schema),
                false,
            );
            type_edges(&mut need, &user_type, &me, &d.base, describe);
            for c in &d.checks {
                expr_edges(&mut need, &reason!("check {me}.{}", c.name), &c.expr);
            }
            if let Some(e) = &d.default {
                expr_edges(&mut need, &reason!("default of {me}"), e);
            }
        }
        Object::Composite(c) => {
            need(
                schema(&c.name.schema),
                reason!("type {me} is in schema {}", c.name.schema),
                false,
            );
            for f in &c.fields {
                type_edges(&mut need, &user_type, &me, &f.ty, describe);
            }
        }
        Object::Range(r) => {
            need(
                schema(&r.name.schema),
                reason!("type {me} is in schema {}", r.name.schema),
                false,
            );
            type_edges(&mut need, &user_type, &me, &r.subtype, describe);
        }
        Object::Role(_) => {}
        Object::Grant(g) => {
            let role = l.by_key.get(&(6, "", g.to.as_str())).copied();
            need(role, reason!("grant {me} is to role {}", g.to), false);
            let target = super::privilege_edges::grant_target(l, &g.on);
            need(
                target,
                reason!("grant {me} is on {}", g.on.display()),
                false,
            );
        }
        Object::DefaultPrivileges(d) => {
            need(
                schema(&d.schema),
                reason!("default privileges {me} are in schema {}", d.schema),
                false,
            );
            for r in std::iter::once(&d.to).chain(d.for_role.iter()) {
                let role = l.by_key.get(&(6, "", r.as_str())).copied();
                need(
                    role,
                    reason!("default privileges {me} name role {r}"),
                    false,
                );
            }
        }
        Object::Aggregate(a) => {
            need(
                schema(&a.name.schema),
                reason!("aggregate {me} is in schema {}", a.name.schema),
                false,
            );
            for (f, builtin) in [
                (Some(&a.sfunc), a.sfunc_builtin),
                (a.finalfunc.as_ref(), a.finalfunc_builtin),
            ] {
                let Some(f) = f.filter(|_| !builtin) else {
                    continue;
                };
                for &g in overloads(f).unwrap_or_default() {
                    need(Some(g), reason!("aggregate {me} calls {f}"), false);
                }
            }
            for ty in a.args.iter().chain([&a.stype]) {
                for n in scan::signature_type_names(ty) {
                    let q = QName::new(n.schema.as_deref().unwrap_or("public"), n.name.as_str());
                    if let Some(t) = table(&q) {
                        need(
                            Some(t),
                            reason!("aggregate {me} uses the row type {q}"),
                            false,
                        );
                    } else if let Some(e) = enum_ty(&q) {
                        need(Some(e), reason!("aggregate {me} uses type {q}"), false);
                    }
                }
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
