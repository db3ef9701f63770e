//! Row-level-security policies.

use super::objects::list;
use crate::names::string;
use ddl::model::policy::{Policy, PolicyCommand};
use std::fmt::Write as _;

pub(super) fn policy(p: &Policy) -> String {
    let Policy {
        name,
        permissive,
        command,
        roles,
        using,
        with_check,
        origin: _,
    } = p;
    let mut out = format!("Policy::new({})", string(name));
    if !permissive {
        out.push_str(".restrictive()");
    }
    match command {
        PolicyCommand::All => {}
        PolicyCommand::Select => out.push_str(".command(PolicyCommand::Select)"),
        PolicyCommand::Insert => out.push_str(".command(PolicyCommand::Insert)"),
        PolicyCommand::Update => out.push_str(".command(PolicyCommand::Update)"),
        PolicyCommand::Delete => out.push_str(".command(PolicyCommand::Delete)"),
    }
    if !roles.is_empty() {
        let _ = write!(out, ".to({})", list(roles));
    }
    if let Some(u) = using {
        let _ = write!(out, ".using({})", string(u.as_str()));
    }
    if let Some(w) = with_check {
        let _ = write!(out, ".with_check({})", string(w.as_str()));
    }
    out
}
