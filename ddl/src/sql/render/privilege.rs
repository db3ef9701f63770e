//! Roles, grants and default privileges.

use super::Stmt;
use crate::model::expr::quote_literal;
use crate::model::privilege::{
    DefaultObjects, DefaultPrivileges, Grant, GrantTarget, Privilege, Role, RoleKind,
};
use crate::sql::ident::{ident, ident_list, qname};

/// `DO $role$ .. $role$;` with a tag the body does not hold.
fn do_block(body: &str) -> String {
    let mut tag = "$role$".to_owned();
    let mut n = 0;
    while body.contains(&tag) {
        n += 1;
        tag = format!("$role{n}$");
    }
    format!("DO {tag}\n{body}\n{tag};")
}

/// An external role is checked (the migration stops with the fix if it is missing); a
/// managed one is created NOLOGIN unless another database of the cluster created it.
pub fn create_role(r: &Role) -> Vec<Stmt> {
    let lit = quote_literal(&r.name);
    let body = match r.kind {
        RoleKind::External => format!(
            "BEGIN\n    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = {lit}) THEN\n        \
             RAISE EXCEPTION 'role % does not exist', {lit}\n            \
             USING HINT = 'it is declared Role::external: create it (CREATE ROLE ... LOGIN) before migrating';\n    \
             END IF;\nEND"
        ),
        // Two databases of one cluster may migrate at once: the second CREATE ROLE waits
        // for the first and fails on the unique name, which means the role is there.
        RoleKind::Managed => format!(
            "BEGIN\n    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = {lit}) THEN\n        \
             CREATE ROLE {} NOLOGIN;\n    END IF;\nEXCEPTION WHEN duplicate_object OR unique_violation THEN\n    \
             NULL;\nEND",
            ident(&r.name)
        ),
    };
    vec![Stmt::new("role", r.name.clone(), do_block(&body))]
}

/// An external role is left alone. A managed role is dropped after everything granted to
/// it here was revoked (the grants are dropped first, in reverse order); if another
/// database of the cluster still grants it something, PostgreSQL refuses and the role is
/// kept with a notice instead of failing the rollback.
pub fn drop_role(r: &Role) -> Vec<Stmt> {
    match r.kind {
        RoleKind::External => Vec::new(),
        RoleKind::Managed => {
            let lit = quote_literal(&r.name);
            let body = format!(
                "BEGIN\n    DROP ROLE IF EXISTS {};\nEXCEPTION WHEN dependent_objects_still_exist THEN\n    \
                 RAISE NOTICE 'role % is kept: objects of another database still refer to it', {lit};\nEND",
                ident(&r.name)
            );
            vec![Stmt::new("role", r.name.clone(), do_block(&body))]
        }
    }
}

fn target_sql(on: &GrantTarget) -> String {
    match on {
        GrantTarget::Schema(s) => format!("SCHEMA {}", ident(s)),
        GrantTarget::Table(q)
        | GrantTarget::Sequence(q)
        | GrantTarget::Function(q)
        | GrantTarget::Type(q) => format!("{} {}", on.keyword(), qname(q)),
    }
}

fn privilege_list(privileges: &[Privilege], columns: &[String]) -> String {
    let cols = if columns.is_empty() {
        String::new()
    } else {
        format!(" ({})", ident_list(columns))
    };
    privileges
        .iter()
        .map(|p| format!("{}{cols}", p.sql()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn grant_sql(g: &Grant, privileges: &[Privilege]) -> Stmt {
    Stmt::new(
        "grant",
        g.key(),
        format!(
            "GRANT {} ON {} TO {}{};",
            privilege_list(privileges, &g.columns),
            target_sql(&g.on),
            ident(&g.to),
            if g.with_grant_option {
                " WITH GRANT OPTION"
            } else {
                ""
            }
        ),
    )
}

fn revoke_sql(g: &Grant, privileges: &[Privilege]) -> Stmt {
    Stmt::new(
        "grant",
        g.key(),
        format!(
            "REVOKE {} ON {} FROM {};",
            privilege_list(privileges, &g.columns),
            target_sql(&g.on),
            ident(&g.to)
        ),
    )
}

pub fn create_grant(g: &Grant) -> Vec<Stmt> {
    vec![grant_sql(g, &g.privileges)]
}

pub fn drop_grant(g: &Grant) -> Vec<Stmt> {
    vec![revoke_sql(g, &g.privileges)]
}

/// A grant whose privileges changed: what went away is revoked, what is new granted; a
/// changed grant option re-grants everything.
pub fn alter_grant(old: &Grant, new: &Grant) -> Vec<Stmt> {
    if old.with_grant_option != new.with_grant_option {
        return vec![
            revoke_sql(old, &old.privileges),
            grant_sql(new, &new.privileges),
        ];
    }
    let gone = missing_from(&old.privileges, &new.privileges);
    let added = missing_from(&new.privileges, &old.privileges);
    let mut out = Vec::new();
    if !gone.is_empty() {
        out.push(revoke_sql(old, &gone));
    }
    if !added.is_empty() {
        out.push(grant_sql(new, &added));
    }
    out
}

fn default_sql(d: &DefaultPrivileges, privileges: &[Privilege], grant: bool) -> Stmt {
    let for_role = d
        .for_role
        .as_ref()
        .map(|r| format!(" FOR ROLE {}", ident(r)))
        .unwrap_or_default();
    let privileges = privilege_list(privileges, &[]);
    let action = if grant {
        format!("GRANT {privileges} ON {} TO", d.objects.sql())
    } else {
        format!("REVOKE {privileges} ON {} FROM", d.objects.sql())
    };
    Stmt::new(
        "default privileges",
        d.key(),
        format!(
            "ALTER DEFAULT PRIVILEGES{for_role} IN SCHEMA {}\n    {action} {};",
            ident(&d.schema),
            ident(&d.to)
        ),
    )
}

/// `GRANT .. ON ALL TABLES IN SCHEMA ..` next to the default privileges: they come after
/// the objects of the migration that creates them, and PostgreSQL applies them to objects
/// created later, so the objects that exist get the privileges too. A database migrated
/// step by step then equals one built from scratch. Not for `FOR ROLE` (the objects of
/// another role) nor types (PostgreSQL has no `ALL TYPES`).
fn on_existing(d: &DefaultPrivileges, privileges: &[Privilege], grant: bool) -> Option<Stmt> {
    if d.for_role.is_some() || d.objects == DefaultObjects::Types || privileges.is_empty() {
        return None;
    }
    let list = privilege_list(privileges, &[]);
    let (verb, prep) = if grant {
        ("GRANT", "TO")
    } else {
        ("REVOKE", "FROM")
    };
    Some(Stmt::new(
        "default privileges",
        d.key(),
        format!(
            "{verb} {list} ON ALL {} IN SCHEMA {} {prep} {};",
            d.objects.sql(),
            ident(&d.schema),
            ident(&d.to)
        ),
    ))
}

pub fn create_default_privileges(d: &DefaultPrivileges) -> Vec<Stmt> {
    let mut out = vec![default_sql(d, &d.privileges, true)];
    out.extend(on_existing(d, &d.privileges, true));
    out
}

pub fn drop_default_privileges(d: &DefaultPrivileges) -> Vec<Stmt> {
    let mut out: Vec<Stmt> = on_existing(d, &d.privileges, false).into_iter().collect();
    out.push(default_sql(d, &d.privileges, false));
    out
}

pub fn alter_default_privileges(old: &DefaultPrivileges, new: &DefaultPrivileges) -> Vec<Stmt> {
    let gone = missing_from(&old.privileges, &new.privileges);
    let added = missing_from(&new.privileges, &old.privileges);
    let mut out = Vec::new();
    if !gone.is_empty() {
        out.extend(on_existing(old, &gone, false));
        out.push(default_sql(old, &gone, false));
    }
    if !added.is_empty() {
        out.push(default_sql(new, &added, true));
        out.extend(on_existing(new, &added, true));
    }
    out
}

/// The privileges of `a` that `b` does not hold.
fn missing_from(a: &[Privilege], b: &[Privilege]) -> Vec<Privilege> {
    a.iter().filter(|p| !b.contains(p)).copied().collect()
}
