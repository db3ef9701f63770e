//! Roles, grants and default privileges.

use super::Ctx;
use super::objects::list;
use crate::names::string;
use ddl::model::privilege::{
    DefaultObjects, DefaultPrivileges, Grant, GrantTarget, Privilege, Role, RoleKind,
};
use std::fmt::Write as _;

pub(super) fn role(r: &Role) -> String {
    let Role {
        name,
        kind,
        origin: _,
    } = r;
    match kind {
        RoleKind::External => format!("Role::external({})", string(name)),
        RoleKind::Managed => format!("Role::managed({})", string(name)),
    }
}

fn privileges(ps: &[Privilege]) -> String {
    let parts: Vec<String> = ps.iter().map(|p| format!("Privilege::{p:?}")).collect();
    format!("[{}]", parts.join(", "))
}

pub(super) fn grant(ctx: &Ctx, g: &Grant) -> String {
    let Grant {
        on,
        columns,
        privileges: ps,
        to,
        with_grant_option,
        origin: _,
    } = g;
    let mut out = match on {
        GrantTarget::Schema(s) => format!("Grant::on_schema({}, {})", string(s), privileges(ps)),
        GrantTarget::Table(q) => {
            format!("Grant::on_table({}, {})", ctx.relation(q), privileges(ps))
        }
        GrantTarget::Sequence(q) => {
            format!(
                "Grant::on_sequence({}, {})",
                ctx.relation(q),
                privileges(ps)
            )
        }
        // EXECUTE and USAGE are the only privileges of functions and types.
        GrantTarget::Function(q) => format!("Grant::on_function({})", ctx.function(q)),
        // `on_type` takes a `TypeRef`: an enum's handle, another type by its name.
        GrantTarget::Type(q) => format!("Grant::on_type({})", ctx.type_ref(q)),
    };
    if !columns.is_empty() {
        let _ = write!(out, ".columns({})", list(columns));
    }
    let _ = write!(out, ".to({})", string(to));
    if *with_grant_option {
        out.push_str(".with_grant_option()");
    }
    out
}

pub(super) fn default_privileges(d: &DefaultPrivileges) -> String {
    let DefaultPrivileges {
        schema,
        for_role,
        objects,
        privileges: ps,
        to,
        origin: _,
    } = d;
    let objects = match objects {
        DefaultObjects::Tables => "DefaultObjects::Tables",
        DefaultObjects::Sequences => "DefaultObjects::Sequences",
        DefaultObjects::Functions => "DefaultObjects::Functions",
        DefaultObjects::Types => "DefaultObjects::Types",
    };
    let mut out = format!(
        "DefaultPrivileges::new({}, {objects}, {}).to({})",
        string(schema),
        privileges(ps),
        string(to)
    );
    if let Some(r) = for_role {
        let _ = write!(out, ".for_role({})", string(r));
    }
    out
}
