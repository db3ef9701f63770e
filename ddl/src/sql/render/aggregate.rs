//! Aggregates.

use super::{Stmt, comment_sql};
use crate::model::expr::quote_literal;
use crate::model::function::{Aggregate, Parallel};
use crate::sql::ident::qname;

/// `name(args)`, or `name(*)` for an aggregate without arguments, as PostgreSQL writes it.
fn head(a: &Aggregate) -> String {
    let args = if a.args.is_empty() {
        "*".to_owned()
    } else {
        a.signature()
    };
    format!("{}({args})", qname(&a.name))
}

/// `CREATE AGGREGATE`, one option per line.
pub fn create_aggregate(a: &Aggregate) -> Vec<Stmt> {
    let mut options = vec![
        format!("SFUNC = {}", qname(&a.sfunc)),
        format!("STYPE = {}", a.stype),
    ];
    if let Some(f) = &a.finalfunc {
        options.push(format!("FINALFUNC = {}", qname(f)));
    }
    if let Some(i) = &a.initcond {
        options.push(format!("INITCOND = {}", quote_literal(i)));
    }
    if a.parallel != Parallel::Unsafe {
        options.push(format!(
            "PARALLEL = {}",
            a.parallel.sql().trim_start_matches("PARALLEL ")
        ));
    }
    let sql = format!(
        "CREATE AGGREGATE {} (\n    {}\n);",
        head(a),
        options.join(",\n    ")
    );
    let mut out = vec![Stmt::new("aggregate", a.name.to_string(), sql)];
    out.extend(aggregate_comment(a, None));
    out
}

pub fn aggregate_comment(a: &Aggregate, old: Option<&Aggregate>) -> Option<Stmt> {
    (a.comment.as_ref() != old.and_then(|o| o.comment.as_ref())).then(|| {
        Stmt::new(
            "comment",
            a.name.to_string(),
            comment_sql(format!("AGGREGATE {}", head(a)), a.comment.as_ref()),
        )
    })
}

pub fn drop_aggregate(a: &Aggregate) -> Stmt {
    Stmt::new(
        "aggregate",
        a.name.to_string(),
        format!("DROP AGGREGATE {};", head(a)),
    )
}
