//! Row-level-security policies.

use super::{LockMode, Stmt};
use crate::model::policy::{Policy, PolicyCommand};
use crate::model::table::Table;
use crate::sql::ident::{ident, qname};

pub fn create_policy(t: &Table, p: &Policy) -> Stmt {
    let mut sql = format!("CREATE POLICY {} ON {}", ident(&p.name), qname(&t.name));
    if !p.permissive {
        sql.push_str("\n    AS RESTRICTIVE");
    }
    if p.command != PolicyCommand::All {
        sql.push_str(&format!("\n    FOR {}", p.command.sql()));
    }
    if !p.roles.is_empty() {
        let roles: Vec<String> = p
            .roles
            .iter()
            .map(|r| {
                if r.eq_ignore_ascii_case("public") || r == "CURRENT_USER" || r == "SESSION_USER" {
                    r.clone()
                } else {
                    ident(r).into_owned()
                }
            })
            .collect();
        sql.push_str(&format!("\n    TO {}", roles.join(", ")));
    }
    if let Some(u) = &p.using {
        sql.push_str(&format!("\n    USING ({})", u.as_str()));
    }
    if let Some(w) = &p.with_check {
        sql.push_str(&format!("\n    WITH CHECK ({})", w.as_str()));
    }
    sql.push(';');
    Stmt::new("policy", format!("{}.{}", t.name, p.name), sql)
        .locks(LockMode::AccessExclusive, &[&t.name])
}

pub fn drop_policy(t: &Table, p: &Policy) -> Stmt {
    Stmt::new(
        "policy",
        format!("{}.{}", t.name, p.name),
        format!("DROP POLICY {} ON {};", ident(&p.name), qname(&t.name)),
    )
    .locks(LockMode::AccessExclusive, &[&t.name])
}
