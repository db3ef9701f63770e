//! Functions, procedures and aggregates, with parameter modes, defaults and overloads;
//! window functions and `BEGIN ATOMIC` bodies, which the model cannot say, are noted.

use ddl::model::database::Database;
use ddl::model::function::{Aggregate, ArgMode, FunctionKind, Parallel};
use ddl::model::names::{Origin, QName};
use ddl::model::objects::{Function, FunctionArg, Volatility};

use crate::catalog::{self as cat};

pub(super) fn add_functions(
    db: &mut Database,
    note: &mut dyn FnMut(&str, String, &str),
    functions: Vec<cat::FunctionRow>,
) {
    for f in functions {
        let name = QName::new(&f.schema, &f.name);
        let kind = match f.kind.as_str() {
            "f" => "function",
            "p" => "procedure",
            "a" => "aggregate",
            _ => "window function",
        };
        if kind == "window function" {
            note(
                kind,
                format!("{name}({})", f.arg_types.join(", ")),
                "window functions are not in the model",
            );
            continue;
        }
        if kind == "aggregate" {
            db.aggregates.push(aggregate(name, f));
            continue;
        }
        if f.atomic {
            note(
                kind,
                format!("{name}({})", f.arg_types.join(", ")),
                "BEGIN ATOMIC bodies are not in the model",
            );
            continue;
        }
        let args = parameters(&f);
        let table = args.iter().any(|a| a.mode == ArgMode::Table);
        let procedure = kind == "procedure";
        let returns = if procedure {
            String::new()
        } else if table {
            "TABLE".to_owned()
        } else {
            f.returns.clone().unwrap_or_default()
        };
        // PostgreSQL's defaults: COST 100 (1 for C and internal functions), ROWS 1000 for
        // a set-returning function and 0 otherwise. Those read as "not declared".
        let default_cost = if matches!(f.language.as_str(), "c" | "internal") {
            1.0
        } else {
            100.0
        };
        let cost = (!procedure && (f.cost - default_cost).abs() > f64::EPSILON)
            .then(|| f.cost.round() as u32);
        let rows = (f.retset && (f.rows - 1000.0).abs() > f64::EPSILON && f.rows > 0.0)
            .then(|| f.rows.round() as u32);
        db.functions.push(Function {
            name,
            args,
            returns,
            language: f.language,
            body: f.body,
            volatility: match f.volatility.as_str() {
                "i" => Volatility::Immutable,
                "s" => Volatility::Stable,
                _ => Volatility::Volatile,
            },
            strict: f.strict,
            security_definer: f.security_definer,
            config: f
                .config
                .iter()
                .map(|c| match c.split_once('=') {
                    Some((k, v)) => (k.to_owned(), v.to_owned()),
                    None => (c.clone(), String::new()),
                })
                .collect(),
            depends_on: Vec::new(),
            comment: f.comment,
            kind: if procedure {
                FunctionKind::Procedure
            } else {
                FunctionKind::Function
            },
            parallel: parallel(&f.parallel),
            leakproof: f.leakproof,
            cost,
            rows,
            renamed_from: Default::default(),
            origin: Origin::default(),
        });
    }
}

fn parallel(p: &str) -> Parallel {
    match p {
        "s" => Parallel::Safe,
        "r" => Parallel::Restricted,
        _ => Parallel::Unsafe,
    }
}

/// Every parameter with its mode, and the defaults of the last input parameters.
fn parameters(f: &cat::FunctionRow) -> Vec<FunctionArg> {
    let mut args: Vec<FunctionArg> = f
        .all_arg_types
        .iter()
        .enumerate()
        .map(|(i, ty)| FunctionArg {
            name: f.arg_names.get(i).cloned().unwrap_or_default(),
            ty: ty.clone(),
            mode: match f.arg_modes.get(i).map(String::as_str) {
                Some("o") => ArgMode::Out,
                Some("b") => ArgMode::InOut,
                Some("v") => ArgMode::Variadic,
                Some("t") => ArgMode::Table,
                _ => ArgMode::In,
            },
            default: None,
        })
        .collect();
    let defaults = f
        .arg_defaults
        .as_deref()
        .map(split_top_level)
        .unwrap_or_default();
    let inputs: Vec<usize> = (0..args.len())
        .filter(|&i| args[i].mode.is_input())
        .collect();
    let first = inputs.len().saturating_sub(defaults.len());
    for (&i, d) in inputs[first..].iter().zip(defaults) {
        args[i].default = Some(d);
    }
    args
}

/// `1, 'a, b'::text, f(2, 3)` -> its three expressions: commas inside quotes, double
/// quotes and parentheses belong to an expression.
fn split_top_level(list: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (mut depth, mut quote, mut start) = (0i32, None::<char>, 0);
    for (i, c) in list.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(' | '[') => depth += 1,
            (None, ')' | ']') => depth -= 1,
            (None, ',') if depth == 0 => {
                out.push(list[start..i].trim().to_owned());
                start = i + 1;
            }
            _ => {}
        }
    }
    if !list[start..].trim().is_empty() {
        out.push(list[start..].trim().to_owned());
    }
    out
}

fn aggregate(name: QName, f: cat::FunctionRow) -> Aggregate {
    let qname = |s: &Option<String>, n: &Option<String>| {
        QName::new(s.clone().unwrap_or_default(), n.clone().unwrap_or_default())
    };
    let sfunc = qname(&f.agg_sfunc_schema, &f.agg_sfunc);
    let finalfunc = f
        .agg_final
        .is_some()
        .then(|| qname(&f.agg_final_schema, &f.agg_final));
    Aggregate {
        name,
        args: f.arg_types,
        sfunc_builtin: sfunc.schema == "pg_catalog",
        sfunc,
        stype: f.agg_stype.unwrap_or_default(),
        finalfunc_builtin: finalfunc.as_ref().is_some_and(|q| q.schema == "pg_catalog"),
        finalfunc,
        initcond: f.agg_init,
        parallel: parallel(&f.parallel),
        comment: f.comment,
        origin: Origin::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::split_top_level;

    #[test]
    fn defaults_split_at_top_level_commas_only() {
        assert_eq!(
            split_top_level("1, 'a, b'::text, f(2, 3), '{}'::text[]"),
            vec!["1", "'a, b'::text", "f(2, 3)", "'{}'::text[]"]
        );
        assert_eq!(split_top_level(""), Vec::<String>::new());
    }
}
