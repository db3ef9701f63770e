//! Domains: `CREATE DOMAIN` with one clause per line, and `ALTER DOMAIN` for changes.

use super::{Stmt, comment_sql, type_sql};
use crate::model::domain::{Domain, DomainCheck};
use crate::sql::ident::{ident, qname};

pub fn create_domain(d: &Domain) -> Vec<Stmt> {
    let mut sql = format!("CREATE DOMAIN {} AS {}", qname(&d.name), type_sql(&d.base));
    if let Some(c) = &d.collation {
        sql.push_str(&format!("\n    COLLATE {}", ident(c)));
    }
    if let Some(e) = &d.default {
        sql.push_str(&format!("\n    DEFAULT {}", e.as_str()));
    }
    if d.not_null {
        sql.push_str("\n    NOT NULL");
    }
    for c in &d.checks {
        sql.push_str(&format!("\n    {}", check_def(c)));
    }
    sql.push(';');
    let mut out = vec![Stmt::new("domain", d.name.to_string(), sql)];
    out.extend(domain_comment(d, None));
    out
}

fn check_def(c: &DomainCheck) -> String {
    format!("CONSTRAINT {} CHECK ({})", ident(&c.name), c.expr.as_str())
}

pub fn drop_domain(d: &Domain) -> Stmt {
    Stmt::new(
        "domain",
        d.name.to_string(),
        format!("DROP DOMAIN {};", qname(&d.name)),
    )
}

pub fn domain_comment(d: &Domain, old: Option<&Domain>) -> Option<Stmt> {
    (d.comment.as_ref() != old.and_then(|o| o.comment.as_ref())).then(|| {
        Stmt::new(
            "comment",
            d.name.to_string(),
            comment_sql(format!("DOMAIN {}", qname(&d.name)), d.comment.as_ref()),
        )
    })
}

/// The changes PostgreSQL makes in place: CHECKs dropped and added (a changed CHECK is
/// both), the default, NOT NULL, the comment. Adding a CHECK or NOT NULL checks every
/// column of the domain's type, as PostgreSQL does. The base type and collation cannot
/// change in place: the planner drops and creates the domain instead.
pub fn alter_domain(old: &Domain, new: &Domain) -> Vec<Stmt> {
    let name = qname(&new.name);
    let stmt = |sql: String| Stmt::new("domain", new.name.to_string(), sql);
    let mut out = Vec::new();
    for c in &old.checks {
        if !new.checks.contains(c) {
            out.push(stmt(format!(
                "ALTER DOMAIN {name} DROP CONSTRAINT {};",
                ident(&c.name)
            )));
        }
    }
    if old.default != new.default {
        out.push(stmt(match &new.default {
            Some(e) => format!("ALTER DOMAIN {name} SET DEFAULT {};", e.as_str()),
            None => format!("ALTER DOMAIN {name} DROP DEFAULT;"),
        }));
    }
    if old.not_null != new.not_null {
        out.push(stmt(format!(
            "ALTER DOMAIN {name} {} NOT NULL;",
            if new.not_null { "SET" } else { "DROP" }
        )));
    }
    for c in &new.checks {
        if !old.checks.contains(c) {
            out.push(stmt(format!("ALTER DOMAIN {name} ADD {};", check_def(c))));
        }
    }
    out.extend(domain_comment(new, Some(old)));
    out
}

/// Whether `ALTER DOMAIN` can turn one version into the other.
pub fn domain_alterable(old: &Domain, new: &Domain) -> bool {
    old.base == new.base && old.collation == new.collation
}
