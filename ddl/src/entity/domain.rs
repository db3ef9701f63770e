//! Columns of a domain type: the field has the Rust type of the domain's base type, read
//! through a cast to the base type and written through a cast to the domain, so the
//! domain's CHECKs still apply on write whatever the driver knows about domains.

use super::Layout;
use super::types::{FieldType, field_type as base_field_type};
use crate::model::names::QName;
use crate::model::types::ColumnType;
use crate::sql::ident::qname;
use crate::sql::render::type_sql;

/// The field type of a column, with domains seen through to their base type.
pub(crate) fn field_type(layout: &Layout<'_>, ty: &ColumnType) -> FieldType {
    let enum_path = |q: &QName| layout.enum_path(q);
    let ColumnType::Domain(q) = ty else {
        return base_field_type(ty, &enum_path);
    };
    let Some(base) = base_of(layout, q) else {
        return base_field_type(ty, &enum_path);
    };
    let mut ft = base_field_type(&base, &enum_path);
    if ft.select_as.is_none() {
        ft.select_as = Some(type_sql(&base));
    }
    ft.save_as = Some(qname(q));
    ft
}

/// The base type under a domain, through domains over domains (at most a few levels;
/// a cycle, rejected by validation, stops the walk).
fn base_of(layout: &Layout<'_>, q: &QName) -> Option<ColumnType> {
    let mut current = q.clone();
    for _ in 0..16 {
        let d = layout.db.domains.iter().find(|d| d.name == current)?;
        match &d.base {
            ColumnType::Domain(next) => current = next.clone(),
            other => return Some(other.clone()),
        }
    }
    None
}

/// Whether the type is a domain declared NOT NULL (directly or through its base domains):
/// its columns never hold NULL, so the field is no `Option`.
pub(crate) fn not_null(layout: &Layout<'_>, ty: &ColumnType) -> bool {
    let mut current = match ty {
        ColumnType::Domain(q) => q.clone(),
        _ => return false,
    };
    for _ in 0..16 {
        let Some(d) = layout.db.domains.iter().find(|d| d.name == current) else {
            return false;
        };
        if d.not_null {
            return true;
        }
        match &d.base {
            ColumnType::Domain(next) => current = next.clone(),
            _ => return false,
        }
    }
    false
}
