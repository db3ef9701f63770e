//! Views, materialized views, their indexes and triggers, and raw objects.

use super::{Code, Ctx, text};
use crate::model::database::Database;
use crate::model::index::IndexTarget;
use crate::model::names::{FunctionSource, QName};
use crate::model::raw::Raw;
use crate::model::trigger::{ForEach, Timing, TriggerEvent};
use crate::model::view::{Dep, View};
use crate::sql::{fragment, scan};
use std::collections::HashSet;

/// Names, text and SQL of views and raw objects (called from the hostile-text walk).
pub(super) fn hostile_text(db: &Database, cx: &mut Ctx<'_>) {
    for v in &db.views {
        let n = text::qname(cx, v.kind(), &v.name, v.origin);
        text::sql(cx, "query", &n, &v.query, v.origin);
        for c in &v.columns {
            text::name(cx, "column", &n, c, v.origin);
        }
        text::text(cx, "comment", &n, v.comment.as_deref(), v.origin);
        for c in &v.column_comments {
            text::name(cx, "column", &n, &c.column, v.origin);
            text::text(cx, "comment", &n, Some(&c.comment), v.origin);
        }
        for ix in &v.indexes {
            text::name(cx, "index", &n, &ix.name, ix.origin);
            for k in &ix.keys {
                match &k.target {
                    IndexTarget::Column(c) => text::name(cx, "column", &n, c, ix.origin),
                    IndexTarget::Expr(e) => {
                        text::sql(cx, "index expression", &n, e.as_str(), ix.origin)
                    }
                }
                if let Some(op) = &k.opclass {
                    text::sql(cx, "operator class", &n, op, ix.origin);
                }
            }
            if let Some(p) = &ix.predicate {
                text::sql(cx, "index predicate", &n, p.as_str(), ix.origin);
            }
        }
        for tr in &v.triggers {
            text::name(cx, "trigger", &n, &tr.name, tr.origin);
            text::qname(cx, "function", &tr.function, tr.origin);
            for a in &tr.args {
                text::text(cx, "trigger argument", &n, Some(a), tr.origin);
            }
        }
    }
    for r in &db.raws {
        text::name(cx, "raw object", &r.name, &r.name, r.origin);
        for (what, sql) in [("up", &r.up), ("down", &r.down)] {
            if let Some(problem) = script_problem(sql) {
                cx.push(
                    Code::UnsafeSqlFragment,
                    fragment::comment_safe(&r.name),
                    r.origin,
                    format!("the {what} SQL of the raw object holds {problem}"),
                    "raw SQL may hold several statements and comments, but no NUL byte, no psql \
                     meta-command (a backslash outside quotes) and no quote or comment left open",
                );
            }
        }
    }
}

/// What makes a raw script unsafe to put into a migration file: a NUL byte, a control
/// character other than tab and line breaks, a backslash outside quotes (a psql
/// meta-command such as `\!` would run on the operator's machine), or a quote, dollar
/// quote or block comment left open (it would swallow the statements after it).
/// Semicolons and `--` comments are allowed: raw text may hold several statements.
pub fn script_problem(sql: &str) -> Option<String> {
    let b = sql.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            0 => return Some("a NUL byte".into()),
            b'\'' => {
                let escapes =
                    i > 0 && (b[i - 1] | 0x20) == b'e' && (i < 2 || !is_ident_byte(b[i - 2]));
                let mut j = i + 1;
                loop {
                    match b.get(j) {
                        None => return Some("a string literal that is not closed".into()),
                        Some(b'\\') if escapes => j += 2,
                        Some(b'\'') if b.get(j + 1) == Some(&b'\'') => j += 2,
                        Some(b'\'') => break,
                        Some(0) => return Some("a NUL byte".into()),
                        Some(_) => j += 1,
                    }
                }
                i = j + 1;
                continue;
            }
            b'"' => match sql[i + 1..].find('"') {
                Some(p) => {
                    i += p + 2;
                    continue;
                }
                None => return Some("a quoted identifier that is not closed".into()),
            },
            b'$' if i == 0 || !is_ident_byte(b[i - 1]) => {
                let tag_end = b[i + 1..]
                    .iter()
                    .position(|&c| !is_ident_byte(c) || c == b'$')
                    .map(|p| i + 1 + p);
                if let Some(e) = tag_end.filter(|&e| b[e] == b'$')
                    && !b[i + 1].is_ascii_digit()
                {
                    let tag = &sql[i..=e];
                    match sql[e + 1..].find(tag) {
                        Some(p) => {
                            i = e + 1 + p + tag.len();
                            continue;
                        }
                        None => return Some("a dollar-quoted string that is not closed".into()),
                    }
                }
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                i = sql[i..].find('\n').map_or(b.len(), |p| i + p);
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let mut depth = 1;
                let mut j = i + 2;
                while depth > 0 {
                    match (b.get(j), b.get(j + 1)) {
                        (None, _) => return Some("a `/*` comment that is not closed".into()),
                        (Some(b'/'), Some(b'*')) => (depth, j) = (depth + 1, j + 2),
                        (Some(b'*'), Some(b'/')) => (depth, j) = (depth - 1, j + 2),
                        _ => j += 1,
                    }
                }
                i = j;
                continue;
            }
            b'\\' => {
                return Some(
                    "a backslash outside quotes, which psql reads as a meta-command".into(),
                );
            }
            c if c < 0x20 && !matches!(c, b'\n' | b'\r' | b'\t') || c == 0x7f => {
                return Some(format!("the control character U+{c:04X}"));
            }
            _ => {}
        }
        i += 1;
    }
    None
}

fn is_ident_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

/// Everything about views and raw objects that is not hostile text.
pub(super) fn check(db: &Database, cx: &mut Ctx<'_>) {
    let views: HashSet<&QName> = db.views.iter().map(|v| &v.name).collect();
    let raws: HashSet<&str> = db.raws.iter().map(|r| r.name.as_str()).collect();
    let mut seen = HashSet::new();
    for v in &db.views {
        let n = v.name.to_string();
        cx.name(v.kind(), &n, &v.name.name, v.origin);
        if !cx.schema_declared(&v.name.schema) {
            super::unknown_schema(cx, &n, &v.name.schema, v.origin);
        }
        if !seen.insert(&v.name) || cx.tables.contains_key(&v.name) {
            cx.push(
                Code::DuplicateObject,
                &n,
                v.origin,
                format!(
                    "another table or view of schema {} has this name",
                    v.name.schema
                ),
                "give the view another name (tables and views share a namespace)",
            );
        }
        // A view has a row type (shared with types) and is a relation (shared with
        // indexes, and the indexes of primary keys and unique constraints).
        let index_clash = db.tables.iter().any(|t| {
            t.name.schema == v.name.schema
                && (t.indexes.iter().any(|i| i.name == v.name.name)
                    || t.primary_key
                        .as_ref()
                        .is_some_and(|p| p.name == v.name.name)
                    || t.uniques.iter().any(|u| u.name == v.name.name))
        }) || db.views.iter().any(|w| {
            w.name.schema == v.name.schema && w.indexes.iter().any(|i| i.name == v.name.name)
        });
        if cx.enums.contains(&v.name) || index_clash {
            cx.push(
                Code::DuplicateObject,
                &n,
                v.origin,
                format!(
                    "{} {} has the name of {} of schema {}",
                    v.kind(),
                    v.name,
                    if index_clash { "an index" } else { "a type" },
                    v.name.schema
                ),
                "give the view another name (a view shares its name with types and relations)",
            );
        }
        for ix in &v.indexes {
            let q = QName::new(v.name.schema.clone(), ix.name.clone());
            cx.name("index", &n, &ix.name, ix.origin);
            if cx.tables.contains_key(&q) || views.contains(&q) {
                cx.push(
                    Code::DuplicateIndex,
                    format!("{}.{}", v.name.schema, ix.name),
                    ix.origin,
                    format!(
                        "the index {} of {} has the name of a table or view",
                        ix.name, v.name
                    ),
                    "give the index a name unique in its schema",
                );
            }
        }
        if v.query.trim().is_empty() {
            cx.push(
                Code::ViewOptionInvalid,
                &n,
                v.origin,
                "the view has no query",
                "write the SELECT the view shows",
            );
        }
        let mut columns = HashSet::new();
        for c in &v.columns {
            cx.name("column", &n, c, v.origin);
            if !columns.insert(c) {
                cx.push(
                    Code::DuplicateColumn,
                    &n,
                    v.origin,
                    format!("the column list names {c} twice"),
                    "name each column of the view once",
                );
            }
        }
        if !v.types.is_empty() && v.types.len() != v.columns.len() {
            cx.push(
                Code::ViewOptionInvalid,
                &n,
                v.origin,
                format!(
                    "the view declares {} types for {} columns",
                    v.types.len(),
                    v.columns.len()
                ),
                "declare the columns with .typed_columns([(name, type), ..]) only",
            );
        }
        options(cx, v, &n);
        // A raw object linked to the view may create what its query names.
        let linked_to_raw = v.depends_on.iter().any(|d| matches!(d, Dep::Raw(_)))
            || db
                .raws
                .iter()
                .any(|r| r.required_by.contains(&Dep::View(v.name.clone())));
        if !linked_to_raw {
            relations(cx, v, &n, &views);
            cx.expr_calls(
                "query",
                &n,
                &crate::model::expr::SqlExpr(v.query.clone()),
                v.origin,
            );
        }
        for d in &v.depends_on {
            dependency(cx, &n, v.origin, d, &views, &raws);
        }
        triggers(cx, v, &n);
    }
    for t in &db.tables {
        for tr in t
            .triggers
            .iter()
            .filter(|tr| tr.timing == Timing::InsteadOf)
        {
            cx.push(
                Code::TriggerTimingInvalid,
                format!("{}.{}", t.name, tr.name),
                tr.origin,
                "an INSTEAD OF trigger can only be declared on a view",
                "make it a BEFORE or AFTER trigger, or declare it on a view with View::trigger(..)",
            );
        }
    }
    let mut seen_raw = HashSet::new();
    for r in &db.raws {
        raw(cx, r, &views, &raws, &mut seen_raw);
    }
}

/// Options that belong to the other kind of view.
fn options(cx: &mut Ctx<'_>, v: &View, n: &str) {
    let wrong: Vec<&str> = if v.materialized {
        [
            (v.security_barrier, "security_barrier"),
            (v.security_invoker, "security_invoker"),
            (v.check_option.is_some(), "CHECK OPTION"),
            (!v.triggers.is_empty(), "triggers"),
        ]
        .into_iter()
        .filter_map(|(on, what)| on.then_some(what))
        .collect()
    } else {
        [
            (v.with_no_data, "WITH NO DATA"),
            (!v.indexes.is_empty(), "indexes"),
        ]
        .into_iter()
        .filter_map(|(on, what)| on.then_some(what))
        .collect()
    };
    if !wrong.is_empty() {
        cx.push(
            Code::ViewOptionInvalid,
            n,
            v.origin,
            format!(
                "{} {} cannot have {}",
                super::article(v.kind()),
                v.kind(),
                wrong.join(", ")
            ),
            if v.materialized {
                "remove them: a materialized view is not updatable and runs as its owner"
            } else {
                "remove them, or declare it with View::materialized(..) if it should store its rows"
            },
        );
    }
}

/// Relations the query names in a declared schema must be declared.
fn relations(cx: &mut Ctx<'_>, v: &View, n: &str, views: &HashSet<&QName>) {
    let mut reported = HashSet::new();
    for r in scan::qualified_names(&v.query) {
        let Some(schema) = r.schema else { continue };
        // `public` is always there; only what this declaration owns can be checked.
        if !cx.schemas.contains(schema.as_str()) {
            continue;
        }
        let q = QName::new(schema, r.name);
        let known = cx.tables.contains_key(&q) || views.contains(&q) || cx.enums.contains(&q);
        if !known && q != v.name && reported.insert(q.clone()) {
            cx.push(
                Code::ViewUnknownRelation,
                n,
                v.origin,
                format!(
                    "the query reads {q}, which is not declared (schema {} is declared here)",
                    q.schema
                ),
                format!(
                    "declare the table or view {q}, or fix the name; for something created by a \
                     raw object, add .depends_on(Dep::raw(\"..\")) and name it in another schema"
                ),
            );
        }
    }
}

fn dependency(
    cx: &mut Ctx<'_>,
    n: &str,
    origin: crate::model::names::Origin,
    d: &Dep,
    views: &HashSet<&QName>,
    raws: &HashSet<&str>,
) {
    let known = match d {
        Dep::Schema(s) => cx.schema_declared(s),
        Dep::Extension(e) => cx.extensions.contains(e.as_str()),
        Dep::Type(q) => cx.enums.contains(q),
        Dep::Function(q) => cx.functions.contains_key(q),
        Dep::Table(q) => cx.tables.contains_key(q),
        Dep::View(q) => views.contains(q),
        Dep::Raw(r) => raws.contains(r.as_str()),
    };
    if !known {
        cx.push(
            Code::UnknownDependency,
            n,
            origin,
            format!("the declared dependency {d} is not declared"),
            "declare it, or remove the dependency",
        );
    }
}

fn triggers(cx: &mut Ctx<'_>, v: &View, n: &str) {
    let mut seen = HashSet::new();
    for tr in &v.triggers {
        let on = format!("{n}.{}", tr.name);
        cx.name("trigger", &on, &tr.name, tr.origin);
        if !seen.insert(tr.name.as_str()) {
            cx.push(
                Code::DuplicateObject,
                &on,
                tr.origin,
                "two triggers of the view have this name",
                "rename one of them",
            );
        }
        if tr.events.is_empty() {
            cx.push(
                Code::TriggerWithoutEvents,
                &on,
                tr.origin,
                "the trigger fires on no event",
                "add .on_insert(), .on_update() or .on_delete()",
            );
        }
        let row_level_instead =
            tr.timing == Timing::InsteadOf && tr.for_each == ForEach::Row && tr.when.is_none();
        let statement_level = tr.timing != Timing::InsteadOf && tr.for_each == ForEach::Statement;
        let update_of = tr.events.iter().any(|e| {
            matches!(e, TriggerEvent::Update(c) if !c.is_empty()) || *e == TriggerEvent::Truncate
        });
        if !(row_level_instead || statement_level) || update_of {
            cx.push(
                Code::TriggerTimingInvalid,
                &on,
                tr.origin,
                "a trigger on a view is either INSTEAD OF ... FOR EACH ROW without WHEN, or BEFORE/AFTER ... FOR EACH STATEMENT, on INSERT, UPDATE or DELETE (no UPDATE OF, no TRUNCATE)",
                "declare it with Trigger::instead_of(..), or make it .for_each_statement()",
            );
        }
        if tr.function_source == FunctionSource::Declared
            && !cx.functions.contains_key(&tr.function)
        {
            cx.push(
                Code::UnknownFunction,
                &on,
                tr.origin,
                format!(
                    "the trigger executes {}(), which is not declared",
                    tr.function
                ),
                format!(
                    "declare Function::trigger({}, ...), or fix the handle",
                    tr.function
                ),
            );
        }
    }
}

fn raw<'a>(
    cx: &mut Ctx<'_>,
    r: &'a Raw,
    views: &HashSet<&QName>,
    raws: &HashSet<&str>,
    seen: &mut HashSet<&'a str>,
) {
    cx.name("raw object", &r.name, &r.name, r.origin);
    if !seen.insert(r.name.as_str()) {
        cx.push(
            Code::DuplicateObject,
            &r.name,
            r.origin,
            "the raw object is declared twice",
            "give each raw object its own name",
        );
    }
    if r.up.trim().is_empty() {
        cx.push(
            Code::RawWithoutDown,
            &r.name,
            r.origin,
            "the raw object has no up SQL",
            "write the SQL that creates the object",
        );
    }
    if r.down.trim().is_empty() {
        cx.push(
            Code::RawWithoutDown,
            &r.name,
            r.origin,
            "the raw object has no down SQL, so its migration could not be rolled back",
            "write the SQL that removes what up creates (DROP PUBLICATION .., DROP EVENT TRIGGER ..)",
        );
    }
    for d in r.depends_on.iter().chain(&r.required_by) {
        if *d == Dep::Raw(r.name.clone()) {
            continue;
        }
        dependency(cx, &r.name, r.origin, d, views, raws);
    }
}
