//! Views, materialized views and raw objects.

use super::{LockMode, Stmt, comment_sql};
use crate::model::raw::Raw;
use crate::model::view::View;
use crate::sql::ident::{ident, ident_list, qname};

/// The `WITH (...)` options of a view, as `name=value` pairs.
fn options(v: &View) -> Vec<String> {
    let mut out = Vec::new();
    if v.security_barrier {
        out.push("security_barrier = true".to_owned());
    }
    if v.security_invoker {
        out.push("security_invoker = true".to_owned());
    }
    out
}

/// `CREATE [OR REPLACE] [MATERIALIZED] VIEW`, then its comments.
pub fn create_view(v: &View, or_replace: bool) -> Vec<Stmt> {
    let mut sql = format!(
        "CREATE {}{} {}",
        if or_replace { "OR REPLACE " } else { "" },
        v.keyword(),
        qname(&v.name)
    );
    if !v.columns.is_empty() {
        sql.push_str(&format!(
            " (\n    {}\n)",
            ident_list(&v.columns).replace(", ", ",\n    ")
        ));
    }
    let opts = options(v);
    if !opts.is_empty() {
        sql.push_str(&format!("\nWITH ({})", opts.join(", ")));
    }
    sql.push_str(" AS\n");
    sql.push_str(&v.query);
    if let Some(c) = v.check_option.filter(|_| !v.materialized) {
        sql.push_str(&format!("\nWITH {} CHECK OPTION", c.sql().to_uppercase()));
    }
    if v.materialized && v.with_no_data {
        sql.push_str("\nWITH NO DATA");
    }
    sql.push(';');
    let mut out = vec![Stmt::new(kind(v), v.name.to_string(), sql)];
    out.extend(view_comments(v, None));
    out
}

fn kind(v: &View) -> &'static str {
    v.kind()
}

pub fn drop_view(v: &View) -> Stmt {
    Stmt::new(
        kind(v),
        v.name.to_string(),
        format!("DROP {} {};", v.keyword(), qname(&v.name)),
    )
    .locks(LockMode::AccessExclusive, &[&v.name])
}

/// The comments of a view and its columns that differ from `old`.
pub fn view_comments(v: &View, old: Option<&View>) -> Vec<Stmt> {
    let mut out = Vec::new();
    if v.comment.as_ref() != old.and_then(|o| o.comment.as_ref()) {
        out.push(Stmt::new(
            "comment",
            v.name.to_string(),
            comment_sql(
                format!("{} {}", v.keyword(), qname(&v.name)),
                v.comment.as_ref(),
            ),
        ));
    }
    let old_comment = |c: &str| {
        old.and_then(|o| o.column_comments.iter().find(|x| x.column == c))
            .map(|x| &x.comment)
    };
    // Comments that went away first, then new and changed ones, each in declaration order.
    if let Some(o) = old {
        for c in &o.column_comments {
            if !v.column_comments.iter().any(|x| x.column == c.column) {
                out.push(column_comment(v, &c.column, None));
            }
        }
    }
    for c in &v.column_comments {
        if old_comment(&c.column) != Some(&c.comment) {
            out.push(column_comment(v, &c.column, Some(&c.comment)));
        }
    }
    out
}

fn column_comment(v: &View, column: &str, text: Option<&String>) -> Stmt {
    Stmt::new(
        "comment",
        format!("{}.{column}", v.name),
        comment_sql(format!("COLUMN {}.{}", qname(&v.name), ident(column)), text),
    )
}

/// What changes in place: the query (`CREATE OR REPLACE VIEW`, which also sets the new
/// options), options (`ALTER VIEW ... SET / RESET`), the populated state of a
/// materialized view (`REFRESH`), comments.
pub fn alter_view(old: &View, new: &View) -> Vec<Stmt> {
    let mut out = Vec::new();
    if old.query != new.query || old.columns != new.columns {
        out.extend(create_view(new, true).into_iter().take(1));
    } else {
        let mut set = Vec::new();
        let mut reset = Vec::new();
        for (name, a, b) in [
            (
                "security_barrier",
                old.security_barrier,
                new.security_barrier,
            ),
            (
                "security_invoker",
                old.security_invoker,
                new.security_invoker,
            ),
        ] {
            if a != b {
                if b {
                    set.push(format!("{name} = true"));
                } else {
                    reset.push(name.to_owned());
                }
            }
        }
        if old.check_option != new.check_option {
            match new.check_option {
                Some(c) => set.push(format!("check_option = {}", c.sql())),
                None => reset.push("check_option".to_owned()),
            }
        }
        for (verb, list) in [("RESET", reset), ("SET", set)] {
            if !list.is_empty() {
                out.push(
                    Stmt::new(
                        kind(new),
                        new.name.to_string(),
                        format!(
                            "ALTER VIEW {} {verb} ({});",
                            qname(&new.name),
                            list.join(", ")
                        ),
                    )
                    .locks(LockMode::AccessExclusive, &[&new.name]),
                );
            }
        }
        if new.materialized && old.with_no_data != new.with_no_data {
            out.push(
                Stmt::new(
                    kind(new),
                    new.name.to_string(),
                    format!(
                        "REFRESH MATERIALIZED VIEW {}{};",
                        qname(&new.name),
                        if new.with_no_data {
                            " WITH NO DATA"
                        } else {
                            ""
                        }
                    ),
                )
                .locks(LockMode::AccessExclusive, &[&new.name]),
            );
        }
    }
    out.extend(view_comments(new, Some(old)));
    out
}

/// A raw object's `up`, as written (a final `;` added when missing).
pub fn create_raw(r: &Raw) -> Stmt {
    Stmt::new("raw", r.name.clone(), terminated(&r.up))
}

/// A raw object's `down`.
pub fn drop_raw(r: &Raw) -> Stmt {
    Stmt::new("raw", r.name.clone(), terminated(&r.down))
}

fn terminated(sql: &str) -> String {
    let s = sql.trim();
    if s.ends_with(';') {
        s.to_owned()
    } else {
        format!("{s};")
    }
}
