//! Aggregates.

use super::Ctx;
use super::function::parallel_path;
use crate::names::string;
use ddl::model::function::{Aggregate, Parallel};
use ddl::model::names::QName;
use std::fmt::Write as _;

fn function_ref(ctx: &Ctx, q: &QName, builtin: bool) -> String {
    if builtin {
        format!(
            "FunctionRef::builtin({}, {})",
            string(&q.schema),
            string(&q.name)
        )
    } else {
        ctx.function(q)
    }
}

pub(super) fn aggregate(ctx: &Ctx, a: &Aggregate) -> String {
    let Aggregate {
        name,
        args,
        sfunc,
        sfunc_builtin,
        stype,
        finalfunc,
        finalfunc_builtin,
        initcond,
        parallel,
        comment,
        origin: _,
    } = a;
    let args: Vec<String> = args.iter().map(|s| string(s)).collect();
    let args = if args.is_empty() {
        "Vec::<&str>::new()".to_owned()
    } else {
        format!("[{}]", args.join(", "))
    };
    let mut out = format!(
        "Aggregate::new({}, {args}, {}, {})",
        ctx.function(name),
        function_ref(ctx, sfunc, *sfunc_builtin),
        string(stype)
    );
    if let Some(f) = finalfunc {
        let _ = write!(
            out,
            ".final_func({})",
            function_ref(ctx, f, *finalfunc_builtin)
        );
    }
    if let Some(i) = initcond {
        let _ = write!(out, ".initial({})", string(i));
    }
    if *parallel != Parallel::Unsafe {
        let _ = write!(out, ".parallel({})", parallel_path(*parallel));
    }
    if let Some(c) = comment {
        let _ = write!(out, ".comment({})", string(c));
    }
    out
}
