//! Functions.

use super::{Stmt, comment_sql};
use crate::model::objects::Function;
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

fn function_head(f: &Function) -> String {
    let args: Vec<String> = f
        .args
        .iter()
        .map(|a| format!("{} {}", ident(&a.name), a.ty))
        .collect();
    format!("{}({})", qname(&f.name), args.join(", "))
}

/// `CREATE FUNCTION` (or `CREATE OR REPLACE FUNCTION` when `replace`).
pub fn create_function(f: &Function, replace: bool) -> Vec<Stmt> {
    let mut sql = format!(
        "CREATE {}FUNCTION {}\n    RETURNS {}\n    LANGUAGE {}",
        if replace { "OR REPLACE " } else { "" },
        function_head(f),
        f.returns,
        f.language
    );
    if f.volatility != crate::model::objects::Volatility::Volatile {
        sql.push_str(&format!("\n    {}", f.volatility.sql()));
    }
    if f.strict {
        sql.push_str("\n    STRICT");
    }
    if f.security_definer {
        sql.push_str("\n    SECURITY DEFINER");
    }
    for (k, v) in &f.config {
        sql.push_str(&format!("\n    SET {} = {v}", ident(k)));
    }
    // The body goes between the quotes byte for byte, so `prosrc` is exactly what was
    // declared; a body declared with a leading and trailing newline still reads as a block.
    let (open, close) = dollar_quote(&f.body);
    sql.push_str(&format!("\nAS {open}{}{close};", f.body));
    let mut out = vec![Stmt::new("function", f.name.to_string(), sql)];
    out.extend(function_comment(f, None));
    out
}

pub fn function_comment(f: &Function, old: Option<&Function>) -> Option<Stmt> {
    (f.comment.as_ref() != old.and_then(|o| o.comment.as_ref())).then(|| {
        Stmt::new(
            "comment",
            f.name.to_string(),
            comment_sql(
                format!("FUNCTION {}({})", qname(&f.name), f.signature()),
                f.comment.as_ref(),
            ),
        )
    })
}

pub fn drop_function(f: &Function) -> Stmt {
    Stmt::new(
        "function",
        f.name.to_string(),
        format!("DROP FUNCTION {}({});", qname(&f.name), f.signature()),
    )
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
