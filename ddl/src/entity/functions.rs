//! Typed wrappers of a schema's functions: `app::functions::set_context(&txn, ...)` runs
//! `SELECT app.set_context($1::integer, $2::integer)` on any connection or transaction.
//! Functions whose argument or return types have no plain Rust mapping, trigger functions,
//! set-returning functions, functions with OUT, INOUT, VARIADIC or unnamed parameters and
//! every overload but the first get no wrapper; the module's documentation lists them.
//! Procedures are wrapped with `CALL`.

use super::names::{distinct, ident, snake};
use super::{HEADER, Layout, doc_lines, doc_text, lit};
use crate::model::function::ArgMode;
use crate::model::objects::Function;
use crate::sql::ident::qname;

/// The Rust type of an SQL type name as functions declare it.
fn rust_type(sql: &str) -> Option<&'static str> {
    Some(match sql.trim().to_ascii_lowercase().as_str() {
        "smallint" | "int2" => "i16",
        "integer" | "int" | "int4" => "i32",
        "bigint" | "int8" => "i64",
        "text" | "varchar" | "character varying" | "citext" => "String",
        "boolean" | "bool" => "bool",
        "uuid" => "Uuid",
        "json" | "jsonb" => "Json",
        "numeric" | "decimal" => "Decimal",
        "real" | "float4" => "f32",
        "double precision" | "float8" => "f64",
        "timestamptz" | "timestamp with time zone" => "DateTimeWithTimeZone",
        "timestamp" | "timestamp without time zone" => "DateTime",
        "date" => "Date",
        _ => return None,
    })
}

enum Returns {
    Nothing,
    Value(&'static str),
}

fn wrappable(f: &Function) -> Result<Returns, String> {
    let returns = f.returns.trim().to_ascii_lowercase();
    if returns == "trigger" {
        return Err("a trigger function".into());
    }
    if f.returns_set() {
        return Err("it returns a set".into());
    }
    if let Some(a) = f.args.iter().find(|a| a.mode != ArgMode::In) {
        return Err(format!("{}parameter {}", a.mode.sql(), a.name).replace("  ", " "));
    }
    if f.args.iter().any(|a| a.name.is_empty()) {
        return Err("an unnamed parameter".into());
    }
    for a in &f.args {
        if rust_type(&a.ty).is_none() {
            return Err(format!("argument type {}", a.ty));
        }
    }
    if returns == "void" || f.is_procedure() {
        Ok(Returns::Nothing)
    } else {
        rust_type(&returns)
            .map(Returns::Value)
            .ok_or_else(|| format!("return type {}", f.returns))
    }
}

pub fn file(layout: &Layout<'_>, schema: &str) -> Option<String> {
    let functions: Vec<&Function> = layout
        .db
        .functions
        .iter()
        .filter(|f| f.name.schema == schema)
        .collect();
    if functions.is_empty() {
        return None;
    }
    let names = distinct(functions.iter().map(|f| f.name.name.as_str()), snake, &[]);
    let mut skipped = Vec::new();
    let mut body = String::new();
    let mut wrapped = std::collections::HashSet::new();
    for f in &functions {
        // One Rust function per name: the first overload that maps is wrapped.
        let returns = match wrappable(f).and_then(|r| {
            if wrapped.contains(&f.name.name) {
                Err(format!("an overload: {}", f.identity()))
            } else {
                Ok(r)
            }
        }) {
            Ok(r) => {
                wrapped.insert(f.name.name.clone());
                r
            }
            Err(why) => {
                skipped.push(format!("`{}` ({why})", doc_text(&f.name.to_string())));
                continue;
            }
        };
        let args = distinct(f.args.iter().map(|a| a.name.as_str()), snake, &["db"]);
        body.push('\n');
        match &f.comment {
            Some(c) => body.push_str(&doc_lines("///", c)),
            None => body.push_str(&format!("/// Calls `{}`.\n", doc_text(&f.name.to_string()))),
        }
        if f.args.iter().any(|a| a.default.is_some()) {
            // The wrapper passes every parameter: `None` is NULL, not the default.
            body.push_str(
                "///\n/// Every parameter is passed: `None` passes NULL, not the declared default.\n",
            );
        }
        let params: Vec<String> = f
            .args
            .iter()
            .map(|a| {
                format!(
                    "{}: Option<{}>",
                    ident(&args[&a.name]),
                    rust_type(&a.ty).unwrap_or("String")
                )
            })
            .collect();
        let ret = match returns {
            Returns::Nothing => "()".to_owned(),
            Returns::Value(t) => format!("Option<{t}>"),
        };
        let placeholders: Vec<String> = f
            .args
            .iter()
            .enumerate()
            .map(|(i, a)| format!("${}::{}", i + 1, a.ty.trim()))
            .collect();
        let sql = if f.is_procedure() {
            format!("CALL {}({})", qname(&f.name), placeholders.join(", "))
        } else {
            format!(
                "SELECT {}({}) AS value",
                qname(&f.name),
                placeholders.join(", ")
            )
        };
        let values: Vec<String> = f
            .args
            .iter()
            .map(|a| format!("{}.into()", ident(&args[&a.name])))
            .collect();
        let name = ident(&names[&f.name.name]);
        let one_line = format!(
            "pub async fn {name}<C: ConnectionTrait>(db: &C{}) -> Result<{ret}, DbErr> {{\n",
            params.iter().map(|p| format!(", {p}")).collect::<String>()
        );
        // rustfmt keeps a signature on one line when it fits in 100 columns.
        if one_line.len() <= 101 {
            body.push_str(&one_line);
        } else {
            body.push_str(&format!(
                "pub async fn {name}<C: ConnectionTrait>(\n    db: &C,\n{}) -> Result<{ret}, DbErr> {{\n",
                params.iter().map(|p| format!("    {p},\n")).collect::<String>()
            ));
        }
        let values = if values.is_empty() {
            "Vec::<Value>::new()".to_owned()
        } else {
            format!("[{}]", values.join(", "))
        };
        body.push_str(&format!(
            "    let stmt = Statement::from_sql_and_values(\n        DbBackend::Postgres,\n        {},\n        {values},\n    );\n",
            lit(&sql)
        ));
        match returns {
            Returns::Nothing => body.push_str("    db.query_one_raw(stmt).await?;\n    Ok(())\n}\n"),
            Returns::Value(t) => body.push_str(&format!(
                "    match db.query_one_raw(stmt).await? {{\n        Some(row) => row.try_get::<Option<{t}>>(\"\", \"value\"),\n        None => Ok(None),\n    }}\n}}\n"
            )),
        }
    }
    let mut out = format!(
        "{HEADER}\n//! Typed calls of the functions of schema `{}`.\n",
        doc_text(schema)
    );
    if !skipped.is_empty() {
        out.push_str("//!\n//! Not wrapped (no plain Rust mapping):\n");
        for s in &skipped {
            out.push_str(&format!("//! - {s}\n"));
        }
    }
    if !body.is_empty() {
        out.push_str("\nuse sea_orm::entity::prelude::*;\nuse sea_orm::{DbBackend, Statement};\n");
    }
    out.push_str(&body);
    Some(out)
}
