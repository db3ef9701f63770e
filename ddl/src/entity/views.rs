//! Views and materialized views as read-only entities: a view that declares its column
//! types (`.typed_columns(..)`) gets an entity like a table's whose `ActiveModelBehavior`
//! refuses to save or delete (SeaORM 2 needs the impl for every entity). SeaORM
//! needs a key: the view's first column serves (its values must not be NULL). A view
//! without declared types has no entity (the model does not know its columns' types).

use crate::model::column::col;
use crate::model::constraint::PrimaryKey;
use crate::model::database::Database;
use crate::model::names::TableRef;
use crate::model::table::Table;
use crate::model::view::View;
use std::borrow::Cow;

/// The table-shaped stand-in the entity writer renders for a view.
pub(super) fn as_table(v: &View) -> Option<Table> {
    if v.types.is_empty() || v.types.len() != v.columns.len() {
        return None;
    }
    let mut t = Table::new(TableRef::new("", ""));
    t.name = v.name.clone();
    t.origin = v.origin;
    t.comment = v.comment.clone();
    for (name, ty) in v.columns.iter().zip(&v.types) {
        let mut c = col(name, ty.clone());
        c.comment = v
            .column_comments
            .iter()
            .find(|x| &x.column == name)
            .map(|x| x.comment.clone());
        t = t.column(c);
    }
    t.primary_key = v.columns.first().map(|c| PrimaryKey {
        name: String::new(),
        columns: vec![c.clone()],
        comment: None,
        renamed_from: Default::default(),
        origin: v.origin,
    });
    Some(t)
}

/// The declaration with a stand-in table for every view that has an entity; without
/// such views, the declaration itself (a copy of 10,000 tables costs 47 ms: `phases`).
pub(super) fn with_views(db: &Database) -> Cow<'_, Database> {
    let stand_ins: Vec<Table> = db.views.iter().filter_map(as_table).collect();
    if stand_ins.is_empty() {
        return Cow::Borrowed(db);
    }
    let mut out = db.clone();
    out.tables.extend(stand_ins);
    out.tables.sort_by(|a, b| a.name.cmp(&b.name));
    Cow::Owned(out)
}

/// A table entity's text turned into a view's: named as a view, and read-only (saving
/// or deleting through it is an error before any SQL is sent).
pub(super) fn read_only(v: &View, text: &str) -> String {
    let refuse = |what: &str| {
        format!(
            "        Err(DbErr::Custom(\n            {:?}.to_owned(),\n        ))\n",
            format!(
                "{} is a {}: its entity is read-only ({what})",
                v.name,
                v.kind()
            )
        )
    };
    text.replacen(
        "//! The entity of table ",
        if v.materialized {
            "//! The read-only entity of materialized view "
        } else {
            "//! The read-only entity of view "
        },
        1,
    )
    .replace(
        "\nimpl ActiveModelBehavior for ActiveModel {}\n",
        &format!(
            "\n/// A view is read through its entity, never written.\n#[async_trait::async_trait]\nimpl ActiveModelBehavior for ActiveModel {{\n    async fn before_save<C>(self, _db: &C, _insert: bool) -> Result<Self, DbErr>\n    where\n        C: ConnectionTrait,\n    {{\n{}    }}\n\n    async fn before_delete<C>(self, _db: &C) -> Result<Self, DbErr>\n    where\n        C: ConnectionTrait,\n    {{\n{}    }}\n}}\n",
            refuse("save"),
            refuse("delete")
        ),
    )
}
