//! Types: enums (the only user-defined types in the model), column types, and
//! expressions with array casts.

use ddl::model::database::Database;
use ddl::model::names::{Origin, QName};
use ddl::model::objects::EnumType;
use ddl::model::types::ColumnType;

use crate::catalog::{self as cat};

pub(super) fn add_types(
    db: &mut Database,
    note: &mut dyn FnMut(&str, String, &str),
    types: Vec<cat::TypeRow>,
) {
    for t in types {
        let name = QName::new(&t.schema, &t.name);
        match t.typtype.as_str() {
            "e" => db.enums.push(EnumType {
                name,
                values: t.labels,
                comment: t.comment,
                renamed_from: Default::default(),
                renamed_values: Default::default(),
                origin: Origin::default(),
            }),
            // Read with their details by `sequences_types`.
            "d" | "r" => {}
            "p" => {}
            _ => note("type", name.to_string(), "base types are not in the model"),
        }
    }
}

/// PostgreSQL prints `v IN ('a', 'b')` on a varchar as
/// `ARRAY['a'::character varying, 'b'::character varying]::text[]`, which parses back to
/// a different tree, printed `ARRAY['a'::character varying::text, ...]` (one cast per
/// element); that second form is a fixed point. Expressions are read in that form, so a
/// database built from SQL this toolkit (or pg_dump) printed compares equal to the
/// original.
pub(crate) fn fixpoint_expr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find("ARRAY[") {
        out.push_str(&rest[..pos]);
        let body_start = pos + "ARRAY[".len();
        match rewrite_array(&rest[body_start..]) {
            Some((rewritten, used)) => {
                out.push_str(&rewritten);
                rest = &rest[body_start + used..];
            }
            None => {
                out.push_str("ARRAY[");
                rest = &rest[body_start..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `'a'::S, 'b'::S]::T[]` (after `ARRAY[`) into `ARRAY['a'::S::T, 'b'::S::T]` and the
/// bytes consumed; None when the text is not of that shape.
fn rewrite_array(s: &str) -> Option<(String, usize)> {
    let bytes = s.as_bytes();
    let mut elements = Vec::new();
    let mut i = 0;
    let mut start = 0;
    let mut in_quote = false;
    let end = loop {
        let b = *bytes.get(i)?;
        if in_quote {
            if b == b'\'' {
                if bytes.get(i + 1) == Some(&b'\'') {
                    i += 1;
                } else {
                    in_quote = false;
                }
            }
        } else {
            match b {
                b'\'' => in_quote = true,
                b'(' | b'[' => return None,
                b',' => {
                    elements.push(s[start..i].trim());
                    start = i + 1;
                }
                b']' => {
                    elements.push(s[start..i].trim());
                    break i;
                }
                _ => {}
            }
        }
        i += 1;
    };
    let after = s[end + 1..].strip_prefix("::")?;
    let close = after.find("[]")?;
    let ty = &after[..close];
    if ty.is_empty() || ty.contains([',', ')', '(', '\'', ']']) {
        return None;
    }
    if elements
        .iter()
        .any(|e| !e.starts_with('\'') || !e.contains("::"))
    {
        return None;
    }
    let items: Vec<String> = elements.iter().map(|e| format!("{e}::{ty}")).collect();
    Some((
        format!("ARRAY[{}]", items.join(", ")),
        end + 1 + 2 + close + 2,
    ))
}

/// A column's type from `format_type` and the base type's catalog entry.
pub(super) fn column_type(c: &cat::ColumnRow) -> ColumnType {
    let text = c.ty.as_str();
    let base_text = if c.is_array {
        text.strip_suffix("[]").unwrap_or(text)
    } else {
        text
    };
    let user = QName::new(&c.base_schema, &c.base_name);
    // Built-in ranges (`tstzrange`) and types of extensions are not declared types.
    let declared = c.base_schema != "pg_catalog" && c.base_extension.is_none();
    let base = if c.base_kind == "e" {
        ColumnType::Enum(user)
    } else if c.base_kind == "d" && declared {
        ColumnType::Domain(user)
    } else if c.base_kind == "c" && declared {
        ColumnType::Composite(user)
    } else if c.base_kind == "r" && declared {
        ColumnType::Range(user)
    } else if c.base_extension.as_deref() == Some("citext") && c.base_name == "citext" {
        ColumnType::Citext
    } else if c.base_schema == "pg_catalog" {
        builtin_type(base_text)
    } else {
        ColumnType::Custom {
            name: base_text.to_owned(),
            extension: c.base_extension.clone(),
        }
    };
    if c.is_array {
        ColumnType::Array(Box::new(base))
    } else {
        base
    }
}

/// `format_type` text of a `pg_catalog` type into the model's type.
pub(crate) fn builtin_type(t: &str) -> ColumnType {
    let modifier = |prefix: &str| -> Option<&str> {
        t.strip_prefix(prefix)
            .and_then(|r| r.strip_prefix('('))
            .and_then(|r| r.strip_suffix(')'))
    };
    match t {
        "smallint" => ColumnType::SmallInt,
        "integer" => ColumnType::Integer,
        "bigint" => ColumnType::BigInt,
        "numeric" => ColumnType::Numeric(None),
        "real" => ColumnType::Real,
        "double precision" => ColumnType::Double,
        "text" => ColumnType::Text,
        "character varying" => ColumnType::Varchar(None),
        "bpchar" => ColumnType::Char(None),
        "boolean" => ColumnType::Boolean,
        "uuid" => ColumnType::Uuid,
        "json" => ColumnType::Json,
        "jsonb" => ColumnType::Jsonb,
        "timestamp with time zone" => ColumnType::Timestamptz,
        "timestamp without time zone" => ColumnType::Timestamp,
        "date" => ColumnType::Date,
        "time without time zone" => ColumnType::Time,
        "interval" => ColumnType::Interval,
        "inet" => ColumnType::Inet,
        "cidr" => ColumnType::Cidr,
        "bytea" => ColumnType::Bytea,
        _ => {
            if let Some(m) = modifier("numeric")
                && let Some((p, s)) = m.split_once(',')
                && let (Ok(p), Ok(s)) = (p.parse(), s.parse())
            {
                return ColumnType::Numeric(Some((p, s)));
            }
            if let Some(n) = modifier("character varying").and_then(|m| m.parse().ok()) {
                return ColumnType::Varchar(Some(n));
            }
            if let Some(n) = modifier("character").and_then(|m| m.parse().ok()) {
                return ColumnType::Char(Some(n));
            }
            ColumnType::Custom {
                name: t.to_owned(),
                extension: None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_array_cast_as_a_whole_is_read_as_casts_per_element() {
        assert_eq!(
            fixpoint_expr(
                "s::text = ANY (ARRAY['a'::character varying, 'b,c'::character varying]::text[])"
            ),
            "s::text = ANY (ARRAY['a'::character varying::text, 'b,c'::character varying::text])"
        );
        let fixed = "u::text = ANY (ARRAY['x'::character varying::text])";
        assert_eq!(fixpoint_expr(fixed), fixed);
        assert_eq!(
            fixpoint_expr("ARRAY[1, 2]::bigint[]"),
            "ARRAY[1, 2]::bigint[]"
        );
    }

    #[test]
    fn format_type_names_map_to_the_model() {
        assert_eq!(
            builtin_type("numeric(12,2)"),
            ColumnType::Numeric(Some((12, 2)))
        );
        assert_eq!(
            builtin_type("character varying(200)"),
            ColumnType::Varchar(Some(200))
        );
        assert_eq!(builtin_type("character(3)"), ColumnType::Char(Some(3)));
        assert_eq!(
            builtin_type("timestamp with time zone"),
            ColumnType::Timestamptz
        );
        assert_eq!(
            builtin_type("tsvector"),
            ColumnType::Custom {
                name: "tsvector".into(),
                extension: None
            }
        );
    }
}
