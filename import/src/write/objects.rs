//! Extensions, schemas and enum types.

use super::Ctx;
use crate::names::string;
use ddl::model::objects::{EnumType, Extension, Schema};
use std::fmt::Write as _;

pub(super) fn extensions_module(extensions: &[Extension], header: &str) -> String {
    let mut out = format!("//! Extensions. {header}\n\nuse ddl::prelude::*;\n\n");
    let mut body = "Database::new()".to_owned();
    let mut sorted: Vec<&Extension> = extensions.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    for e in sorted {
        let _ = write!(body, "\n.extension({})", extension(e));
    }
    out.push_str(&super::function("pub fn database() -> Database", &body));
    out
}

fn extension(e: &Extension) -> String {
    let Extension {
        name,
        schema,
        provides,
        origin: _,
    } = e;
    let mut out = format!("Extension::new({})", string(name));
    if let Some(s) = schema {
        let _ = write!(out, ".in_schema({})", string(s));
    }
    if !provides.is_empty() {
        let _ = write!(out, ".provides({})", list(provides));
    }
    out
}

pub(super) fn schema(s: &Schema) -> String {
    let Schema {
        name,
        comment,
        renamed_from: _,
        origin: _,
    } = s;
    let mut out = format!("Schema::new({})", string(name));
    if let Some(c) = comment {
        let _ = write!(out, ".comment({})", string(c));
    }
    out
}

pub(super) fn enum_type(ctx: &Ctx, e: &EnumType) -> String {
    let EnumType {
        name,
        values,
        comment,
        renamed_from: _,
        renamed_values: _,
        origin: _,
    } = e;
    let mut out = format!("EnumType::new({}, {})", ctx.type_ref(name), list(values));
    if let Some(c) = comment {
        let _ = write!(out, ".comment({})", string(c));
    }
    out
}

/// `["a", "b"]`.
pub(crate) fn list(items: &[String]) -> String {
    let parts: Vec<String> = items.iter().map(|s| string(s)).collect();
    format!("[{}]", parts.join(", "))
}
