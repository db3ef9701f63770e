//! Functions.

use super::LockMode;
use super::{Stmt, comment_sql};
use crate::model::column::Column;
use crate::model::constraint::Check;
use crate::model::function::{ArgMode, Parallel};
use crate::model::objects::{Function, FunctionArg};
use crate::model::table::Table;
use crate::sql::ident::{ident, qname};

fn dollar_quote(body: &str) -> (String, String) {
    let mut tag = String::from("$$");
    let mut n = 0;
    // The body is written unchanged, so the closing tag must also not start inside its
    // last bytes (`SELECT '$'` + `$$` would close early).
    while format!("{body}{tag}").find(&tag) != Some(body.len()) {
        n += 1;
        tag = if n == 1 {
            "$fn$".to_owned()
        } else {
            format!("$fn{n}$")
        };
    }
    (tag.clone(), tag)
}

/// `name type`, `OUT name type`, `type` (unnamed), `name type DEFAULT expr`.
fn param(a: &FunctionArg) -> String {
    let mut s = a.mode.sql().to_owned();
    if !a.name.is_empty() {
        s.push_str(&ident(&a.name));
        s.push(' ');
    }
    s.push_str(&a.ty);
    if let Some(d) = &a.default {
        s.push_str(&format!(" DEFAULT {d}"));
    }
    s
}

fn function_head(f: &Function) -> String {
    let args: Vec<String> = f
        .args
        .iter()
        .filter(|a| a.mode != ArgMode::Table)
        .map(param)
        .collect();
    format!("{}({})", qname(&f.name), args.join(", "))
}

/// `FUNCTION` or `PROCEDURE`, as `CREATE`, `DROP` and `COMMENT ON` say it.
pub fn routine_word(f: &Function) -> &'static str {
    if f.is_procedure() {
        "PROCEDURE"
    } else {
        "FUNCTION"
    }
}

/// The `RETURNS` clause; none for a procedure, or for a function whose OUT parameters
/// say what it returns.
fn returns_clause(f: &Function) -> Option<String> {
    if f.is_procedure() || f.returns.is_empty() {
        return None;
    }
    let columns: Vec<String> = f
        .args
        .iter()
        .filter(|a| a.mode == ArgMode::Table)
        .map(param)
        .collect();
    Some(if columns.is_empty() {
        f.returns.clone()
    } else {
        format!("TABLE ({})", columns.join(", "))
    })
}

/// `CREATE FUNCTION` (or `CREATE OR REPLACE FUNCTION` when `replace`).
pub fn create_function(f: &Function, replace: bool) -> Vec<Stmt> {
    let mut sql = format!(
        "CREATE {}{} {}",
        if replace { "OR REPLACE " } else { "" },
        routine_word(f),
        function_head(f),
    );
    if let Some(r) = returns_clause(f) {
        sql.push_str(&format!("\n    RETURNS {r}"));
    }
    sql.push_str(&format!("\n    LANGUAGE {}", f.language));
    if f.volatility != crate::model::objects::Volatility::Volatile {
        sql.push_str(&format!("\n    {}", f.volatility.sql()));
    }
    if f.strict {
        sql.push_str("\n    STRICT");
    }
    if f.security_definer {
        sql.push_str("\n    SECURITY DEFINER");
    }
    if f.leakproof {
        sql.push_str("\n    LEAKPROOF");
    }
    if f.parallel != Parallel::Unsafe {
        sql.push_str(&format!("\n    {}", f.parallel.sql()));
    }
    if let Some(c) = f.cost {
        sql.push_str(&format!("\n    COST {c}"));
    }
    if let Some(r) = f.rows {
        sql.push_str(&format!("\n    ROWS {r}"));
    }
    for (k, v) in &f.config {
        sql.push_str(&format!("\n    SET {} = {v}", ident(k)));
    }
    // The body goes between the quotes byte for byte, so `prosrc` is exactly what was
    // declared; a body declared with a leading and trailing newline still reads as a block.
    let (open, close) = dollar_quote(&f.body);
    sql.push_str(&format!("\nAS {open}{}{close};", f.body));
    let mut out = vec![Stmt::new(kind_word(f), f.name.to_string(), sql)];
    out.extend(function_comment(f, None));
    out
}

pub fn function_comment(f: &Function, old: Option<&Function>) -> Option<Stmt> {
    (f.comment.as_ref() != old.and_then(|o| o.comment.as_ref())).then(|| {
        Stmt::new(
            "comment",
            f.name.to_string(),
            comment_sql(
                format!("{} {}({})", routine_word(f), qname(&f.name), f.signature()),
                f.comment.as_ref(),
            ),
        )
    })
}

pub fn drop_function(f: &Function) -> Stmt {
    Stmt::new(
        kind_word(f),
        f.name.to_string(),
        format!(
            "DROP {} {}({});",
            routine_word(f),
            qname(&f.name),
            f.signature()
        ),
    )
}

/// The `-- kind:` word of a routine's statements.
fn kind_word(f: &Function) -> &'static str {
    if f.is_procedure() {
        "procedure"
    } else {
        "function"
    }
}

/// A check dropped while a function it calls is dropped and created again.
pub fn drop_check(t: &Table, c: &Check) -> Stmt {
    Stmt::new(
        "constraint",
        format!("{}.{}", t.name, c.name),
        format!(
            "ALTER TABLE {} DROP CONSTRAINT {};",
            qname(&t.name),
            ident(&c.name)
        ),
    )
    .locks(LockMode::AccessExclusive, &[&t.name])
}

/// The check added back once the function exists again.
pub fn add_check(t: &Table, c: &Check) -> Stmt {
    super::table::add_constraint(
        t,
        &c.name,
        &format!("CONSTRAINT {} CHECK ({})", ident(&c.name), c.expr.as_str()),
        false,
    )
}

/// `SET DEFAULT` of a column whose default was dropped with the function it calls.
pub fn set_column_default(t: &Table, c: &Column) -> Vec<Stmt> {
    let without = Column {
        default: None,
        ..c.clone()
    };
    super::table::alter_column(&t.name, &format!("{}.{}", t.name, c.name), &without, c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollar_quote_avoids_a_tag_the_body_contains() {
        assert_eq!(dollar_quote("SELECT 1").0, "$$");
        assert_eq!(dollar_quote("SELECT '$$'").0, "$fn$");
        assert_eq!(dollar_quote("$$ $fn$").0, "$fn2$");
        assert_eq!(dollar_quote("SELECT 1 $").0, "$fn$");
    }
}
