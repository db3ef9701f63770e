//! Roles, grants and default privileges: every role named must be declared, every target
//! must be an object of the declaration, every privilege one PostgreSQL accepts there.

use super::{Code, Ctx, unknown_schema};
use crate::model::database::Database;
use crate::model::names::Origin;
use crate::model::privilege::{GrantTarget, Privilege};
use crate::plan::object::objects;
use std::collections::HashSet;

fn role_declared(cx: &mut Ctx<'_>, roles: &HashSet<&str>, object: &str, role: &str, o: Origin) {
    if !roles.contains(role) {
        cx.push(
            Code::UnknownRole,
            object,
            o,
            format!("role {role:?} is not declared"),
            format!(
                "declare Role::external(\"{role}\") (it exists already, the migration checks it) or Role::managed(\"{role}\") (the migration creates it)"
            ),
        );
    }
}

/// Kinds of the graph's objects a grant cannot be on, whatever their name.
const NOT_GRANTABLE: &[&str] = &[
    "index",
    "trigger",
    "policy",
    "foreign key",
    "rows",
    "grant",
    "default privileges",
    "role",
    "extension",
];

fn target_declared(db: &Database, on: &GrantTarget) -> bool {
    let want = on.display();
    objects(db).iter().any(|o| {
        let kind = o.kind();
        if NOT_GRANTABLE.contains(&kind) || o.display_name() != want {
            return false;
        }
        let function_like =
            kind.contains("function") || kind.contains("procedure") || kind.contains("aggregate");
        let type_like = kind.contains("type") || kind.contains("domain");
        match on {
            GrantTarget::Schema(_) => kind == "schema",
            GrantTarget::Function(_) => function_like,
            GrantTarget::Type(_) => type_like,
            GrantTarget::Table(_) | GrantTarget::Sequence(_) => {
                !function_like && !type_like && kind != "schema"
            }
        }
    })
}

fn privileges(
    cx: &mut Ctx<'_>,
    object: &str,
    allowed: &[Privilege],
    privileges: &[Privilege],
    what: &str,
    origin: Origin,
) {
    if privileges.is_empty() {
        cx.push(
            Code::GrantInvalidPrivilege,
            object,
            origin,
            "no privilege is granted",
            "name at least one privilege, or remove the declaration",
        );
    }
    for p in privileges.iter().filter(|p| !allowed.contains(p)) {
        let list: Vec<&str> = allowed.iter().map(|a| a.sql()).collect();
        cx.push(
            Code::GrantInvalidPrivilege,
            object,
            origin,
            format!("{} cannot be granted on {what}", p.sql()),
            format!("grant one of {} on {what}", list.join(", ")),
        );
    }
}

pub(super) fn check(db: &Database, cx: &mut Ctx<'_>) {
    let mut roles = HashSet::new();
    for r in &db.roles {
        cx.name("role", &r.name, &r.name, r.origin);
        if !roles.insert(r.name.as_str()) {
            cx.push(
                Code::DuplicateObject,
                &r.name,
                r.origin,
                "the role is declared twice",
                "remove one declaration",
            );
        }
        if [
            "public",
            "none",
            "current_user",
            "session_user",
            "current_role",
        ]
        .contains(&r.name.to_ascii_lowercase().as_str())
            || r.name.starts_with("pg_")
        {
            cx.push(
                Code::GrantInvalidPrivilege,
                &r.name,
                r.origin,
                format!("{} is a name PostgreSQL reserves for roles", r.name),
                "give the role another name",
            );
        }
    }
    let mut seen = HashSet::new();
    for g in &db.grants {
        let object = g.key();
        role_declared(cx, &roles, &object, &g.to, g.origin);
        if !seen.insert(object.clone()) {
            cx.push(
                Code::DuplicateObject,
                &object,
                g.origin,
                "the grant is declared twice",
                "declare one grant with every privilege of the role on that object",
            );
        }
        if !target_declared(db, &g.on) {
            cx.push(
                Code::GrantUnknownTarget,
                &object,
                g.origin,
                format!(
                    "the grant is on {} {}, which is not declared",
                    g.on.keyword().to_ascii_lowercase(),
                    g.on.display()
                ),
                "declare the object, or fix the name in the grant",
            );
        }
        let what = g.on.keyword().to_ascii_lowercase();
        if g.columns.is_empty() {
            privileges(cx, &object, g.on.allowed(), &g.privileges, &what, g.origin);
        } else {
            use Privilege::*;
            let column_privileges = [Select, Insert, Update, References];
            privileges(
                cx,
                &object,
                &column_privileges,
                &g.privileges,
                "columns",
                g.origin,
            );
            if let GrantTarget::Table(q) = &g.on
                && let Some(t) = cx.tables.get(q).copied()
            {
                for c in g.columns.iter().filter(|c| !t.has_column(c)) {
                    cx.push(
                        Code::GrantUnknownTarget,
                        &object,
                        g.origin,
                        format!("the grant names column {c}, which {q} does not have"),
                        "fix the column name in .columns(..)",
                    );
                }
            }
        }
        for c in &g.columns {
            cx.name("column", &object, c, g.origin);
        }
        redundant(db, g, &object, cx);
    }
    for d in &db.default_privileges {
        let object = d.key();
        if !cx.schema_declared(&d.schema) {
            unknown_schema(cx, &object, &d.schema, d.origin);
        }
        role_declared(cx, &roles, &object, &d.to, d.origin);
        if let Some(r) = &d.for_role {
            role_declared(cx, &roles, &object, r, d.origin);
        }
        if !seen.insert(object.clone()) {
            cx.push(
                Code::DuplicateObject,
                &object,
                d.origin,
                "the default privileges are declared twice",
                "declare them once with every privilege",
            );
        }
        let what = d.objects.sql().to_ascii_lowercase();
        privileges(
            cx,
            &object,
            d.objects.target().allowed(),
            &d.privileges,
            &what,
            d.origin,
        );
    }
}

/// A grant that default privileges give already: PostgreSQL stores one privilege, so
/// revoking either later would take the other away too.
fn redundant(db: &Database, g: &crate::model::privilege::Grant, object: &str, cx: &mut Ctx<'_>) {
    use crate::model::privilege::DefaultObjects;
    let (schema, kind) = match &g.on {
        GrantTarget::Table(q) => (&q.schema, DefaultObjects::Tables),
        GrantTarget::Sequence(q) => (&q.schema, DefaultObjects::Sequences),
        GrantTarget::Function(q) => (&q.schema, DefaultObjects::Functions),
        GrantTarget::Schema(_) | GrantTarget::Type(_) => return,
    };
    for d in db.default_privileges.iter().filter(|d| {
        d.for_role.is_none() && d.to == g.to && d.objects == kind && &d.schema == schema
    }) {
        let both: Vec<&str> = g
            .privileges
            .iter()
            .filter(|p| d.privileges.contains(p))
            .map(|p| p.sql())
            .collect();
        if !both.is_empty() {
            cx.push(
                Code::GrantInvalidPrivilege,
                object,
                g.origin,
                format!(
                    "{} is given already by the default privileges {}",
                    both.join(", "),
                    d.key()
                ),
                "remove those privileges from the grant: the default privileges give them to every object of the schema",
            );
        }
    }
}
