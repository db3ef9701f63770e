//! Functions; procedures, aggregates and what the model cannot say of a function are
//! noted.

use ddl::model::database::Database;
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
        let reason = if kind != "function" {
            Some(format!("{kind}s are not in the model"))
        } else if f.has_modes {
            Some("OUT, INOUT and VARIADIC arguments are not in the model".to_owned())
        } else if f.nargdefaults > 0 {
            Some("argument defaults are not in the model".to_owned())
        } else if f.atomic {
            Some("BEGIN ATOMIC bodies are not in the model".to_owned())
        } else if db.functions.iter().any(|g| g.name == name) {
            Some("overloads are not in the model (the first one is compared)".to_owned())
        } else {
            None
        };
        if let Some(reason) = reason {
            note(kind, format!("{name}({})", f.arg_types.join(", ")), &reason);
            continue;
        }
        db.functions.push(Function {
            name,
            args: f
                .arg_types
                .iter()
                .enumerate()
                .map(|(i, ty)| FunctionArg {
                    name: f.arg_names.get(i).cloned().unwrap_or_default(),
                    ty: ty.clone(),
                })
                .collect(),
            returns: f.returns.unwrap_or_default(),
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
            origin: Origin::default(),
        });
    }
}
