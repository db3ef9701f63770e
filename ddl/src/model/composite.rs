//! Composite types (`CREATE TYPE ... AS (...)`) and range types (`AS RANGE`).

use super::hint::RenamedFrom;
use super::names::{CompositeRef, Origin, QName, RangeRef};
use super::types::ColumnType;
use serde::{Deserialize, Serialize};

/// `CREATE TYPE name AS (field type, ...)`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompositeType {
    pub name: QName,
    pub fields: Vec<Field>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The type's previous name in the same schema; not compared.
    #[serde(skip)]
    pub renamed_from: RenamedFrom,
    #[serde(skip)]
    pub origin: Origin,
}

/// One attribute of a composite type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Field {
    pub name: String,
    pub ty: ColumnType,
}

impl CompositeType {
    #[track_caller]
    pub fn new(name: CompositeRef) -> Self {
        Self {
            name: name.qname(),
            fields: Vec::new(),
            comment: None,
            renamed_from: RenamedFrom::default(),
            origin: Origin::here(),
        }
    }

    pub fn field(mut self, name: &str, ty: impl Into<ColumnType>) -> Self {
        self.fields.push(Field {
            name: name.to_owned(),
            ty: ty.into(),
        });
        self
    }

    /// The type was called `old` (a name in the same schema) before: the next migration
    /// renames it (`ALTER TYPE .. RENAME TO`); columns using it keep their values.
    pub fn renamed_from(mut self, old: &str) -> Self {
        self.renamed_from = RenamedFrom::new(old);
        self
    }

    pub fn comment(mut self, text: impl Into<String>) -> Self {
        self.comment = super::comment_text(text.into());
        self
    }

    pub fn find_field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }
}

impl From<CompositeRef> for ColumnType {
    fn from(c: CompositeRef) -> ColumnType {
        ColumnType::Composite(c.qname())
    }
}

/// `CREATE TYPE name AS RANGE (SUBTYPE = ...)`. PostgreSQL also creates the multirange type
/// and the constructor functions, which go with the range type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RangeType {
    pub name: QName,
    pub subtype: ColumnType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The type's previous name in the same schema; not compared.
    #[serde(skip)]
    pub renamed_from: RenamedFrom,
    #[serde(skip)]
    pub origin: Origin,
}

impl RangeType {
    #[track_caller]
    pub fn new(name: RangeRef, subtype: ColumnType) -> Self {
        Self {
            name: name.qname(),
            subtype,
            comment: None,
            renamed_from: RenamedFrom::default(),
            origin: Origin::here(),
        }
    }

    /// The type was called `old` (a name in the same schema) before: the next migration
    /// renames it (`ALTER TYPE .. RENAME TO`); columns using it keep their values.
    pub fn renamed_from(mut self, old: &str) -> Self {
        self.renamed_from = RenamedFrom::new(old);
        self
    }

    pub fn comment(mut self, text: impl Into<String>) -> Self {
        self.comment = super::comment_text(text.into());
        self
    }
}

impl From<RangeRef> for ColumnType {
    fn from(r: RangeRef) -> ColumnType {
        ColumnType::Range(r.qname())
    }
}
