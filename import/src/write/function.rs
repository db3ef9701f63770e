//! Functions.

use super::Ctx;
use crate::names::string;
use ddl::model::objects::{Function, FunctionArg, FunctionDep, Volatility};
use std::fmt::Write as _;

pub(super) fn function(ctx: &Ctx, f: &Function) -> String {
    let Function {
        name,
        args,
        returns,
        language,
        body,
        volatility,
        strict,
        security_definer,
        config,
        depends_on,
        comment,
        origin: _,
    } = f;
    let handle = ctx.function(name);
    let mut out = if returns == "trigger" && language == "plpgsql" {
        format!("Function::trigger({handle}, {})", string(body))
    } else {
        let mut s = format!(
            "Function::new({handle}, {}, {})",
            string(returns),
            string(body)
        );
        if language != "plpgsql" {
            let _ = write!(s, ".language({})", string(language));
        }
        s
    };
    for FunctionArg { name, ty } in args {
        let _ = write!(out, ".arg({}, {})", string(name), string(ty));
    }
    match volatility {
        Volatility::Volatile => {}
        Volatility::Stable => out.push_str(".stable()"),
        Volatility::Immutable => out.push_str(".immutable()"),
    }
    if *strict {
        out.push_str(".strict()");
    }
    if *security_definer {
        out.push_str(".security_definer()");
    }
    for (k, v) in config {
        let _ = write!(out, ".set({}, {})", string(k), string(v));
    }
    for d in depends_on {
        match d {
            FunctionDep::Table(t) => {
                let _ = write!(out, ".depends_on_table({})", ctx.table(t));
            }
            FunctionDep::Function(g) => {
                let _ = write!(out, ".depends_on_function({})", ctx.function(g));
            }
            // Catalogs never say which extension a body calls: a read model has none.
            FunctionDep::Extension(_) => {}
        }
    }
    if let Some(c) = comment {
        let _ = write!(out, ".comment({})", string(c));
    }
    out
}
