//! Column types to Rust field types and SeaORM column attributes.
//!
//! The rule for types SeaORM has no native mapping for (extension types, `interval`,
//! arrays of enums): the field is a `String`, read as text (`select_as = "text"`) and
//! written through a cast to the exact SQL type (`save_as`), so no column is ever dropped.
//! Enums are generated string-backed enums cast the same way with their schema-qualified
//! name, which keeps them working whatever the connection's `search_path` is.

use crate::model::types::ColumnType;
use crate::sql::ident::qname;
use crate::sql::render::type_sql;

/// How one column appears in an entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldType {
    /// The Rust type, without `Option`.
    pub rust: String,
    /// `column_type = "..."`, when the default for the Rust type is not the SQL type.
    pub column_type: Option<String>,
    /// `select_as` / `save_as`: SQL types the value is cast to when read / written.
    pub select_as: Option<String>,
    pub save_as: Option<String>,
    /// Whether the Rust type has `Eq` (floats do not).
    pub eq: bool,
}

impl FieldType {
    fn plain(rust: &str) -> Self {
        Self {
            rust: rust.to_owned(),
            column_type: None,
            select_as: None,
            save_as: None,
            eq: true,
        }
    }

    fn column_type(mut self, ct: impl Into<String>) -> Self {
        self.column_type = Some(ct.into());
        self
    }

    /// Read as text, written as `sql_type`.
    fn through_text(rust: &str, sql_type: String, array: bool) -> Self {
        Self {
            rust: rust.to_owned(),
            column_type: None,
            select_as: Some(if array { "text[]" } else { "text" }.to_owned()),
            save_as: Some(sql_type),
            eq: true,
        }
    }
}

/// The field type of a column; `enum_path` names the generated Rust enum of an SQL enum.
pub fn field_type(
    ty: &ColumnType,
    enum_path: &dyn Fn(&crate::model::names::QName) -> String,
) -> FieldType {
    use ColumnType as T;
    match ty {
        T::SmallInt => FieldType::plain("i16"),
        T::Integer => FieldType::plain("i32"),
        T::BigInt => FieldType::plain("i64"),
        T::Numeric(Some((p, s))) => {
            FieldType::plain("Decimal").column_type(format!("Decimal(Some(({p}, {s})))"))
        }
        T::Numeric(None) => FieldType::plain("Decimal").column_type("Decimal(None)"),
        T::Real => FieldType {
            eq: false,
            ..FieldType::plain("f32")
        },
        T::Double => FieldType {
            eq: false,
            ..FieldType::plain("f64")
        },
        T::Text => FieldType::plain("String").column_type("Text"),
        T::Varchar(Some(n)) => {
            FieldType::plain("String").column_type(format!("String(StringLen::N({n}))"))
        }
        T::Varchar(None) => FieldType::plain("String"),
        T::Char(n) => {
            FieldType::plain("String").column_type(format!("Char(Some({}))", n.unwrap_or(1)))
        }
        // Without the cast on write, a filter compares text = text: case-sensitively.
        T::Citext => FieldType {
            column_type: Some("custom(\"citext\")".to_owned()),
            ..FieldType::through_text("String", "citext".to_owned(), false)
        },
        T::Boolean => FieldType::plain("bool"),
        T::Uuid => FieldType::plain("Uuid"),
        T::Json => FieldType::plain("Json").column_type("Json"),
        T::Jsonb => FieldType::plain("Json").column_type("JsonBinary"),
        T::Timestamptz => FieldType::plain("DateTimeWithTimeZone"),
        T::Timestamp => FieldType::plain("DateTime"),
        T::Date => FieldType::plain("Date"),
        T::Time => FieldType::plain("Time"),
        T::Interval => FieldType::through_text("String", "interval".to_owned(), false),
        T::Inet => FieldType::plain("IpNetwork"),
        T::Cidr => FieldType::plain("IpNetwork").column_type("Cidr"),
        T::Bytea => FieldType::plain("Vec<u8>"),
        T::Enum(q) => FieldType::through_text(&enum_path(q), qname(q), false),
        T::Custom { .. } => FieldType::through_text("String", type_sql(ty), false),
        // Composite and range values have no SeaORM type: their text form, cast on write.
        T::Composite(_) | T::Range(_) => FieldType::through_text("String", type_sql(ty), false),
        // Domains are resolved to their base type by the caller (`entity::domain`); an
        // unresolved one (not declared) is read as text.
        T::Domain(_) => FieldType::through_text("String", type_sql(ty), false),
        T::Array(inner) => {
            let element = field_type(inner, enum_path);
            if element.select_as.is_some() || matches!(**inner, T::Array(_)) {
                // Arrays of enums and of cast types: text arrays, cast on write.
                FieldType::through_text("Vec<String>", type_sql(ty), true)
            } else {
                FieldType {
                    rust: format!("Vec<{}>", element.rust),
                    column_type: None,
                    select_as: None,
                    save_as: None,
                    eq: element.eq,
                }
            }
        }
    }
}
