//! Functions and procedures (overloads are separate declarations of one handle).

use super::Ctx;
use crate::names::string;
use ddl::model::function::{ArgMode, FunctionKind, Parallel};
use ddl::model::objects::{Function, FunctionArg, FunctionDep, Volatility};
use std::fmt::Write as _;

pub(super) fn parallel_path(p: Parallel) -> &'static str {
    match p {
        Parallel::Unsafe => "Parallel::Unsafe",
        Parallel::Restricted => "Parallel::Restricted",
        Parallel::Safe => "Parallel::Safe",
    }
}

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
        kind,
        parallel,
        leakproof,
        cost,
        rows,
        renamed_from: _,
        origin: _,
    } = f;
    let handle = ctx.function(name);
    let mut out = match kind {
        FunctionKind::Procedure => format!("Function::procedure({handle}, {})", string(body)),
        FunctionKind::Function if returns == "trigger" && language == "plpgsql" => {
            format!("Function::trigger({handle}, {})", string(body))
        }
        FunctionKind::Function => {
            // `.returns_column` sets `TABLE` itself.
            let returns = if returns == "TABLE" { "" } else { returns };
            format!(
                "Function::new({handle}, {}, {})",
                string(returns),
                string(body)
            )
        }
    };
    if language != "plpgsql" {
        let _ = write!(out, ".language({})", string(language));
    }
    for FunctionArg {
        name,
        ty,
        mode,
        default,
    } in args
    {
        let (n, t) = (string(name), string(ty));
        match (mode, default) {
            (ArgMode::In, None) if name.is_empty() => {
                let _ = write!(out, ".unnamed_arg({t})");
            }
            (ArgMode::In, None) => {
                let _ = write!(out, ".arg({n}, {t})");
            }
            (ArgMode::In, Some(d)) => {
                let _ = write!(out, ".arg_default({n}, {t}, {})", string(d));
            }
            (ArgMode::Out, None) => {
                let _ = write!(out, ".out_arg({n}, {t})");
            }
            (ArgMode::InOut, None) => {
                let _ = write!(out, ".inout_arg({n}, {t})");
            }
            (ArgMode::Variadic, None) => {
                let _ = write!(out, ".variadic_arg({n}, {t})");
            }
            (ArgMode::Table, None) => {
                let _ = write!(out, ".returns_column({n}, {t})");
            }
            (mode, default) => {
                let mode = match mode {
                    ArgMode::In => "ArgMode::In",
                    ArgMode::Out => "ArgMode::Out",
                    ArgMode::InOut => "ArgMode::InOut",
                    ArgMode::Variadic => "ArgMode::Variadic",
                    ArgMode::Table => "ArgMode::Table",
                };
                let default = default
                    .as_ref()
                    .map_or_else(|| "None".to_owned(), |d| format!("Some({})", string(d)));
                let _ = write!(out, ".param({n}, {t}.into(), {mode}, {default})");
            }
        }
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
    match parallel {
        Parallel::Unsafe => {}
        Parallel::Restricted => out.push_str(".parallel_restricted()"),
        Parallel::Safe => out.push_str(".parallel_safe()"),
    }
    if *leakproof {
        out.push_str(".leakproof()");
    }
    if let Some(c) = cost {
        let _ = write!(out, ".cost({c})");
    }
    if let Some(r) = rows {
        let _ = write!(out, ".rows({r})");
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
