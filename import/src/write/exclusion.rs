//! Exclusion constraints.

use super::index::method_path;
use crate::names::string;
use ddl::model::constraint::Deferrable;
use ddl::model::exclusion::{Exclusion, ExclusionElement};
use ddl::model::index::{IndexMethod, IndexTarget};
use std::fmt::Write as _;

/// `Exclusion::..` and the table's `.constraint_comment` it needs besides (an exclusion
/// deferrable `INITIALLY IMMEDIATE` has no builder: the caller reports none, the model reads
/// `DEFERRABLE` as `INITIALLY DEFERRED` or not at all).
pub(super) fn exclusion(e: &Exclusion) -> String {
    let Exclusion {
        name,
        method,
        elements,
        predicate,
        deferrable,
        comment,
        renamed_from: _,
        origin: _,
    } = e;
    let mut out = if *method == IndexMethod::Gist {
        format!("Exclusion::gist({})", string(name))
    } else {
        format!(
            "Exclusion::using({}, {})",
            string(name),
            method_path(*method)
        )
    };
    for ExclusionElement {
        target,
        opclass,
        operator,
    } in elements
    {
        match target {
            IndexTarget::Column(c) => {
                let _ = write!(out, ".with({}, {})", string(c), string(operator));
            }
            IndexTarget::Expr(x) => {
                let _ = write!(
                    out,
                    ".with_expr({}, {})",
                    string(x.as_str()),
                    string(operator)
                );
            }
        }
        if let Some(o) = opclass {
            let _ = write!(out, ".opclass({})", string(o));
        }
    }
    if let Some(p) = predicate {
        let _ = write!(out, ".filter({})", string(p.as_str()));
    }
    match deferrable {
        Deferrable::No => {}
        // No builder for INITIALLY IMMEDIATE: `adopt` makes it INITIALLY DEFERRED and
        // reports it.
        Deferrable::InitiallyDeferred | Deferrable::InitiallyImmediate => {
            out.push_str(".deferrable()");
        }
    }
    if let Some(c) = comment {
        let _ = write!(out, ".comment({})", string(c));
    }
    out
}
