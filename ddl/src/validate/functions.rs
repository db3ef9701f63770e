//! Checks of functions, enum values and the names inside other declarations that are not
//! objects of their own (arguments, settings, roles).

use super::{Code, Ctx};
use crate::model::names::{FunctionSource, Origin, QName};
use crate::model::objects::{EnumType, Extension, Function};

/// Argument and setting names: PostgreSQL rejects `"" text` and `SET "" = ...`.
pub(super) fn function(f: &Function, object: &str, cx: &mut Ctx<'_>) {
    for a in f.args.iter().filter(|a| !a.name.is_empty()) {
        cx.name(
            "argument",
            &format!("{object}({})", a.name),
            &a.name,
            f.origin,
        );
    }
    for (setting, _) in &f.config {
        cx.name("setting", object, setting, f.origin);
    }
}

/// PostgreSQL rejects an empty enum label (`invalid enum label ""`).
pub(super) fn enum_values(e: &EnumType, cx: &mut Ctx<'_>) {
    if e.values.iter().any(String::is_empty) {
        cx.push(
            Code::IdentifierEmpty,
            e.name.to_string(),
            e.origin,
            "the type has an empty value",
            "remove the empty value, or give it a label",
        );
    }
}

pub(super) fn extension(e: &Extension, cx: &mut Ctx<'_>) {
    for f in &e.provides {
        cx.name("function", &e.name, f, e.origin);
    }
}

/// The schema part of a qualified name; `false` when it is empty (reported here, so the
/// caller does not also report an unknown schema).
pub(super) fn schema_part(cx: &mut Ctx<'_>, kind: &str, q: &QName, origin: Origin) -> bool {
    if q.schema.is_empty() {
        cx.name(
            &format!("schema of the {kind}"),
            &q.to_string(),
            &q.schema,
            origin,
        );
    }
    !q.schema.is_empty()
}

/// Roles a policy applies to.
pub(super) fn roles(cx: &mut Ctx<'_>, object: &str, roles: &[String], origin: Origin) {
    for r in roles {
        cx.name("role", object, r, origin);
    }
}

/// A trigger's function that PostgreSQL or an extension provides: it cannot be checked
/// against a declaration, but its extension must be declared, and its name must be one.
pub(super) fn external_trigger_function(
    cx: &mut Ctx<'_>,
    object: &str,
    function: &QName,
    source: &FunctionSource,
    origin: Origin,
) {
    cx.name("trigger function", object, &function.name, origin);
    cx.name(
        "schema of the trigger function",
        object,
        &function.schema,
        origin,
    );
    if let FunctionSource::Extension(ext) = source
        && !cx.extensions.contains(ext.as_str())
    {
        cx.push(
            Code::MissingExtension,
            object,
            origin,
            format!(
                "the trigger executes {function}(), which extension {ext} provides, and {ext} is not declared"
            ),
            format!("declare Extension::new(\"{ext}\")"),
        );
    }
}
