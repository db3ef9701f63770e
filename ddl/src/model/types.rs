//! Column types.

use super::names::{QName, TypeRef};
use serde::{Deserialize, Serialize};

/// The type of a column.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ColumnType {
    SmallInt,
    Integer,
    BigInt,
    /// `numeric`, optionally with (precision, scale).
    Numeric(Option<(u16, u16)>),
    Real,
    Double,
    Text,
    Varchar(Option<u32>),
    Char(Option<u32>),
    /// Case-insensitive text; needs the `citext` extension.
    Citext,
    Boolean,
    Uuid,
    Json,
    Jsonb,
    Timestamptz,
    Timestamp,
    Date,
    Time,
    Interval,
    Inet,
    Cidr,
    Bytea,
    Array(Box<ColumnType>),
    /// A declared enum type.
    Enum(QName),
    /// Any other type, written verbatim, with the extension that provides it if any.
    Custom {
        name: String,
        extension: Option<String>,
    },
    /// A declared domain.
    Domain(QName),
    /// A declared composite type.
    Composite(QName),
    /// A declared range type.
    Range(QName),
}

pub const SMALLINT: ColumnType = ColumnType::SmallInt;
pub const INT: ColumnType = ColumnType::Integer;
pub const BIGINT: ColumnType = ColumnType::BigInt;
pub const REAL: ColumnType = ColumnType::Real;
pub const DOUBLE: ColumnType = ColumnType::Double;
pub const NUMERIC: ColumnType = ColumnType::Numeric(None);
pub const TEXT: ColumnType = ColumnType::Text;
pub const CITEXT: ColumnType = ColumnType::Citext;
pub const BOOL: ColumnType = ColumnType::Boolean;
pub const UUID: ColumnType = ColumnType::Uuid;
pub const JSON: ColumnType = ColumnType::Json;
pub const JSONB: ColumnType = ColumnType::Jsonb;
pub const TIMESTAMPTZ: ColumnType = ColumnType::Timestamptz;
pub const TIMESTAMP: ColumnType = ColumnType::Timestamp;
pub const DATE: ColumnType = ColumnType::Date;
pub const TIME: ColumnType = ColumnType::Time;
pub const INTERVAL: ColumnType = ColumnType::Interval;
pub const INET: ColumnType = ColumnType::Inet;
pub const CIDR: ColumnType = ColumnType::Cidr;
pub const BYTEA: ColumnType = ColumnType::Bytea;

/// `varchar(n)`.
pub const fn varchar(n: u32) -> ColumnType {
    ColumnType::Varchar(Some(n))
}

/// `char(n)`.
pub const fn char(n: u32) -> ColumnType {
    ColumnType::Char(Some(n))
}

/// `numeric(precision, scale)`.
pub const fn numeric(precision: u16, scale: u16) -> ColumnType {
    ColumnType::Numeric(Some((precision, scale)))
}

/// `element[]`.
pub fn array(element: ColumnType) -> ColumnType {
    ColumnType::Array(Box::new(element))
}

/// A declared enum type.
pub fn enum_type(t: TypeRef) -> ColumnType {
    ColumnType::Enum(t.qname())
}

/// A declared domain.
pub fn domain(d: super::names::DomainRef) -> ColumnType {
    ColumnType::Domain(d.qname())
}

/// A declared composite type.
pub fn composite(c: super::names::CompositeRef) -> ColumnType {
    ColumnType::Composite(c.qname())
}

/// A declared range type.
pub fn range(r: super::names::RangeRef) -> ColumnType {
    ColumnType::Range(r.qname())
}

/// A PostgreSQL type without a constant of its own (`builtin_type("tsvector")`).
pub fn builtin_type(name: &str) -> ColumnType {
    ColumnType::Custom {
        name: name.to_owned(),
        extension: None,
    }
}

/// A type provided by an extension (`custom("ltree", "ltree")`).
pub fn custom(name: &str, extension: &str) -> ColumnType {
    ColumnType::Custom {
        name: name.to_owned(),
        extension: Some(extension.to_owned()),
    }
}

impl ColumnType {
    /// The name as PostgreSQL's `format_type()` prints it: what the catalogs say.
    pub fn catalog_name(&self) -> String {
        match self {
            ColumnType::SmallInt => "smallint".into(),
            ColumnType::Integer => "integer".into(),
            ColumnType::BigInt => "bigint".into(),
            ColumnType::Numeric(None) => "numeric".into(),
            ColumnType::Numeric(Some((p, s))) => format!("numeric({p},{s})"),
            ColumnType::Real => "real".into(),
            ColumnType::Double => "double precision".into(),
            ColumnType::Text => "text".into(),
            ColumnType::Varchar(None) => "character varying".into(),
            ColumnType::Varchar(Some(n)) => format!("character varying({n})"),
            ColumnType::Char(None) => "character(1)".into(),
            ColumnType::Char(Some(n)) => format!("character({n})"),
            ColumnType::Citext => "citext".into(),
            ColumnType::Boolean => "boolean".into(),
            ColumnType::Uuid => "uuid".into(),
            ColumnType::Json => "json".into(),
            ColumnType::Jsonb => "jsonb".into(),
            ColumnType::Timestamptz => "timestamp with time zone".into(),
            ColumnType::Timestamp => "timestamp without time zone".into(),
            ColumnType::Date => "date".into(),
            ColumnType::Time => "time without time zone".into(),
            ColumnType::Interval => "interval".into(),
            ColumnType::Inet => "inet".into(),
            ColumnType::Cidr => "cidr".into(),
            ColumnType::Bytea => "bytea".into(),
            ColumnType::Array(inner) => format!("{}[]", inner.catalog_name()),
            ColumnType::Enum(q) => q.to_string(),
            ColumnType::Custom { name, .. } => name.clone(),
            ColumnType::Domain(q) | ColumnType::Composite(q) | ColumnType::Range(q) => {
                q.to_string()
            }
        }
    }

    /// The extension the type needs, if any.
    pub fn extension(&self) -> Option<&str> {
        match self {
            ColumnType::Citext => Some("citext"),
            ColumnType::Custom { extension, .. } => extension.as_deref(),
            ColumnType::Array(inner) => inner.extension(),
            _ => None,
        }
    }

    /// The enum type the column uses, looking through arrays.
    pub fn enum_name(&self) -> Option<&QName> {
        match self {
            ColumnType::Enum(q) => Some(q),
            ColumnType::Array(inner) => inner.enum_name(),
            _ => None,
        }
    }

    /// The declared domain, composite or range type the column uses (through arrays), with
    /// its graph lookup kind (9 domain, 10 composite, 11 range).
    pub fn user_type(&self) -> Option<(u8, &QName)> {
        match self {
            ColumnType::Domain(q) => Some((9, q)),
            ColumnType::Composite(q) => Some((10, q)),
            ColumnType::Range(q) => Some((11, q)),
            ColumnType::Array(inner) => inner.user_type(),
            _ => None,
        }
    }

    /// Whether an identity column may have this type.
    pub fn is_integer(&self) -> bool {
        matches!(
            self,
            ColumnType::SmallInt | ColumnType::Integer | ColumnType::BigInt
        )
    }

    /// Whether a foreign-key column of this type may reference a key column of type `key`,
    /// by PostgreSQL's rule: the key's btree operator family has an equality operator
    /// between the two types (integers with integers, dates with timestamps, `text` with
    /// `varchar` and `char`, `inet` with `cidr`), or this type casts implicitly to the
    /// key's (`integer` to `numeric`, `citext` to `text`, `time` to `interval`). Length modifiers do not matter.
    pub fn fk_compatible(&self, key: &ColumnType) -> bool {
        use ColumnType::*;
        fn family(t: &ColumnType) -> Option<u8> {
            match t {
                SmallInt | Integer | BigInt => Some(0),
                Real | Double => Some(1),
                Date | Timestamp | Timestamptz => Some(2),
                Text | Varchar(_) | Char(_) => Some(3),
                Inet | Cidr => Some(4),
                _ => None,
            }
        }
        let implicit_cast = matches!(
            (self, key),
            (SmallInt | Integer | BigInt, Numeric(_) | Real | Double)
                | (Numeric(_), Real | Double)
                | (Citext, Text | Varchar(_))
                | (Time, Interval)
        );
        self.without_modifiers() == key.without_modifiers()
            || family(self).is_some_and(|f| family(key) == Some(f))
            || implicit_cast
    }

    /// The type with length, precision and scale left out (`varchar(10)` -> `varchar`).
    fn without_modifiers(&self) -> ColumnType {
        match self {
            ColumnType::Varchar(_) => ColumnType::Varchar(None),
            ColumnType::Char(_) => ColumnType::Char(None),
            ColumnType::Numeric(_) => ColumnType::Numeric(None),
            ColumnType::Array(inner) => ColumnType::Array(Box::new(inner.without_modifiers())),
            other => other.clone(),
        }
    }
}
