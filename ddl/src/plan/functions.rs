//! Functions in the diff: when `CREATE OR REPLACE` can turn one version into the other,
//! and the checks and column defaults of kept tables that must make way while a function
//! they call is dropped and created again.

use super::diff::{Change, rebuilt};
use crate::model::function::ArgMode;
use crate::model::names::QName;
use crate::model::objects::Function;
use crate::model::table::Table;
use std::collections::HashSet;

/// Two versions of a function that `CREATE OR REPLACE` can turn one into the other:
/// PostgreSQL refuses a new kind, return type or OUT parameters, a renamed parameter and
/// a removed default ("cannot remove parameter defaults from existing function").
pub(super) fn replaceable(a: &Function, b: &Function) -> bool {
    let outputs = |f: &Function| -> Vec<(String, String)> {
        f.args
            .iter()
            .filter(|x| x.mode.is_output())
            .map(|x| (x.name.clone(), x.ty.clone()))
            .collect()
    };
    let inputs = |f: &Function| -> Vec<(String, String, ArgMode)> {
        f.args
            .iter()
            .filter(|x| x.mode.is_input())
            .map(|x| (x.name.clone(), x.ty.clone(), x.mode))
            .collect()
    };
    let defaults = |f: &Function| f.args.iter().filter(|x| x.default.is_some()).count();
    a.kind == b.kind
        && a.signature() == b.signature()
        && a.returns == b.returns
        && inputs(a) == inputs(b)
        && outputs(a) == outputs(b)
        && defaults(b) >= defaults(a)
}

/// Whether an expression calls one of the functions dropped in this plan.
fn calls_any(dropped: &HashSet<&QName>, e: &crate::model::expr::SqlExpr) -> bool {
    crate::sql::scan::calls(e.as_str()).iter().any(|c| {
        let schema = c.schema.as_deref().unwrap_or("public");
        dropped.contains(&QName::new(schema, c.name.as_str()))
    })
}

/// The defaults and checks of a kept table that call a function dropped and created
/// again, and that the table's own changes leave alone: they are dropped before the
/// function is.
pub(super) fn detach_users<'a>(
    dropped: &HashSet<&QName>,
    old: &'a Table,
    new: &'a Table,
) -> Vec<Change<'a>> {
    let mut out = Vec::new();
    for c in old.checks.iter().filter(|c| calls_any(dropped, &c.expr)) {
        if new.checks.iter().any(|n| n == c) {
            out.push(Change::DetachCheck {
                table: old,
                check: c,
            });
        }
    }
    for c in &old.columns {
        if let (Some(d), Some(n)) = (&c.default, new.find_column(&c.name))
            && calls_any(dropped, d)
            && n.default == c.default
            && !rebuilt(c, n)
        {
            out.push(Change::DropColumnExpressions {
                table: old,
                column: c,
                default: true,
                expression: false,
            });
        }
    }
    out
}

/// What [`detach_users`] dropped, added back after the functions are created again.
pub(super) fn reattach_users<'a>(
    dropped: &HashSet<&QName>,
    old: &'a Table,
    new: &'a Table,
) -> Vec<Change<'a>> {
    let mut out = Vec::new();
    for c in new.checks.iter().filter(|c| calls_any(dropped, &c.expr)) {
        if old.checks.iter().any(|o| o == c) {
            out.push(Change::ReattachCheck {
                table: new,
                check: c,
            });
        }
    }
    for c in &new.columns {
        if let (Some(d), Some(o)) = (&c.default, old.find_column(&c.name))
            && calls_any(dropped, d)
            && o.default == c.default
            && !rebuilt(o, c)
        {
            out.push(Change::ReattachDefault {
                table: new,
                column: c,
            });
        }
    }
    out
}
