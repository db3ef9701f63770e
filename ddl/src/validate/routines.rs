//! Checks of what PostgreSQL checks in a function's or procedure's head: parameter modes
//! and defaults, attributes a procedure cannot have, and aggregates' functions.

use super::{Code, Ctx};
use crate::model::database::Database;
use crate::model::function::{ArgMode, Parallel};
use crate::model::objects::{Function, Volatility};
use std::collections::HashSet;

/// A type as PostgreSQL resolves it, for telling overloads apart: `int` and `integer` are
/// one type, so two functions differing only in that spelling are one function declared
/// twice.
fn canonical_type(ty: &str) -> String {
    let t = ty.trim().to_ascii_lowercase();
    let (base, array) = match t.strip_suffix("[]") {
        Some(b) => (b.trim_end(), "[]"),
        None => (t.as_str(), ""),
    };
    let base = match base {
        "int" | "int4" => "integer",
        "int2" => "smallint",
        "int8" => "bigint",
        "bool" => "boolean",
        "float8" => "double precision",
        "float4" => "real",
        "varchar" => "character varying",
        "timestamptz" => "timestamp with time zone",
        "timestamp" => "timestamp without time zone",
        "decimal" => "numeric",
        other => other,
    };
    format!("{base}{array}")
}

/// `schema.name(type, ..)` with the input types as PostgreSQL identifies the function.
pub(super) fn identity(f: &Function) -> String {
    let types: Vec<String> = f
        .args
        .iter()
        .filter(|a| a.mode.is_input())
        .map(|a| canonical_type(&a.ty))
        .collect();
    format!("{}({})", f.name, types.join(", "))
}

/// Overloads differ in their input types; the same name and input types twice is one
/// function declared twice.
pub(super) fn declared_once(
    cx: &mut Ctx<'_>,
    seen: &mut HashSet<String>,
    f: &Function,
    object: &str,
) {
    let id = identity(f);
    if !seen.insert(id.clone()) {
        cx.push(
            Code::DuplicateObject,
            object,
            f.origin,
            format!(
                "the {} {id} is declared twice (same name and input argument types)",
                if f.is_procedure() {
                    "procedure"
                } else {
                    "function"
                }
            ),
            "remove one declaration, or change its name or input argument types (an overload)",
        );
    }
}

pub(super) fn parameters(f: &Function, object: &str, cx: &mut Ctx<'_>) {
    let inputs: Vec<_> = f.args.iter().filter(|a| a.mode.is_input()).collect();
    if let Some(p) = inputs.iter().position(|a| a.default.is_some())
        && let Some(a) = inputs[p..].iter().find(|a| a.default.is_none())
    {
        cx.push(
            Code::FunctionDefaultNotTrailing,
            object,
            f.origin,
            format!(
                "parameter {} has no default but follows a parameter with one (PostgreSQL: \"input parameters after one with a default value must also have defaults\")",
                display(&a.name)
            ),
            "give it a default too (.arg_default), or move the parameters with defaults to the end",
        );
    }
    if let Some(v) = inputs.iter().position(|a| a.mode == ArgMode::Variadic)
        && v + 1 < inputs.len()
    {
        cx.push(
            Code::FunctionVariadicNotLast,
            object,
            f.origin,
            format!(
                "parameter {} comes after the VARIADIC parameter {}; only OUT parameters may follow it",
                display(&inputs[v + 1].name),
                display(&inputs[v].name)
            ),
            "make the VARIADIC parameter the last input parameter",
        );
    }
    if f.rows.is_some() && !f.returns_set() {
        cx.push(
            Code::FunctionRowsWithoutSet,
            object,
            f.origin,
            "ROWS is set, but the function does not return a set",
            "remove .rows(..), or return a set (.returns_setof(..) or .returns_column(..))",
        );
    }
    if f.is_procedure() {
        let mut bad = Vec::new();
        if f.volatility != Volatility::Volatile {
            bad.push(f.volatility.sql());
        }
        if f.strict {
            bad.push("STRICT");
        }
        if f.leakproof {
            bad.push("LEAKPROOF");
        }
        if f.parallel != Parallel::Unsafe {
            bad.push(f.parallel.sql());
        }
        if f.cost.is_some() {
            bad.push("COST");
        }
        if f.rows.is_some() {
            bad.push("ROWS");
        }
        if !f.returns.is_empty() || f.args.iter().any(|a| a.mode == ArgMode::Table) {
            bad.push("RETURNS");
        }
        if !bad.is_empty() {
            cx.push(
                Code::ProcedureAttribute,
                object,
                f.origin,
                format!("a procedure cannot be declared {}", bad.join(", ")),
                "remove them from the procedure, or declare a function (Function::new)",
            );
        }
    }
}

fn display(name: &str) -> String {
    if name.is_empty() {
        "(unnamed)".to_owned()
    } else {
        format!("`{name}`")
    }
}

/// An aggregate's state and final functions must be declared (or be built-in through
/// `FunctionRef::builtin`); an aggregate is declared once per argument types.
pub(super) fn aggregates(db: &Database, cx: &mut Ctx<'_>) {
    let mut seen = HashSet::new();
    for a in &db.aggregates {
        let object = a.name.to_string();
        cx.name("aggregate", &object, &a.name.name, a.origin);
        if !cx.schema_declared(&a.name.schema) {
            super::unknown_schema(cx, &object, &a.name.schema, a.origin);
        }
        let key = format!(
            "{}({})",
            a.name,
            a.args
                .iter()
                .map(|t| canonical_type(t))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let clash = db.functions.iter().any(|f| identity(f) == key);
        if !seen.insert(key) || clash {
            cx.push(
                Code::DuplicateObject,
                &object,
                a.origin,
                "an aggregate or function with this name and argument types is declared twice",
                "remove one declaration, or give it another name",
            );
        }
        let functions = [
            ("state", Some(&a.sfunc), a.sfunc_builtin),
            ("final", a.finalfunc.as_ref(), a.finalfunc_builtin),
        ];
        for (role, f, builtin) in functions {
            let Some(f) = f else { continue };
            if !builtin && !cx.functions.contains_key(f) {
                cx.push(
                    Code::AggregateUnknownFunction,
                    &object,
                    a.origin,
                    format!("the {role} function {f} is not declared"),
                    format!(
                        "declare the function {f} (Function::new), or name a built-in one with FunctionRef::builtin"
                    ),
                );
            }
        }
    }
}
