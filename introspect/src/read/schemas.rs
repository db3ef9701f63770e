//! Schemas and extensions.

use ddl::model::database::Database;
use ddl::model::names::Origin;
use ddl::model::objects::{Extension, Schema};

use super::Scope;
use crate::catalog::{self as cat};

pub(super) fn add_extensions(db: &mut Database, scope: &Scope, extensions: Vec<cat::ExtensionRow>) {
    for e in extensions {
        if scope.all_extensions
            || scope.schemas.contains(&e.schema)
            || scope.extensions.contains(&e.name)
        {
            db.extensions.push(Extension {
                name: e.name,
                schema: (e.schema != "public").then_some(e.schema),
                provides: Vec::new(),
                origin: Origin::default(),
            });
        }
    }
}

pub(super) fn add_schemas(db: &mut Database, schemas: Vec<cat::SchemaRow>) {
    for s in schemas {
        // `public` exists in every database; it is never created or dropped.
        if s.name != "public" {
            db.schemas.push(Schema {
                name: s.name,
                comment: s.comment,
                renamed_from: Default::default(),
                origin: Origin::default(),
            });
        }
    }
}
