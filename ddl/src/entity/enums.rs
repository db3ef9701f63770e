//! The enum types of a schema as string-backed SeaORM active enums. Columns of these types
//! are read as text and written through a cast to the schema-qualified type, so they work
//! whatever the connection's `search_path` is.

use super::names::{camel, distinct};
use super::{HEADER, Layout, attribute, doc_lines, lit};

pub fn file(layout: &Layout<'_>, schema: &str) -> Option<String> {
    let enums: Vec<_> = layout
        .db
        .enums
        .iter()
        .filter(|e| e.name.schema == schema)
        .collect();
    if enums.is_empty() {
        return None;
    }
    let mut out = format!(
        "{HEADER}\n//! The enum types of schema `{}`.\n\nuse sea_orm::entity::prelude::*;\n",
        super::doc_text(schema)
    );
    for e in enums {
        out.push('\n');
        match &e.comment {
            Some(c) => out.push_str(&doc_lines("///", c)),
            None => out.push_str(&format!(
                "/// The enum type `{}`.\n",
                super::doc_text(&e.name.to_string())
            )),
        }
        out.push_str(
            "#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]\n",
        );
        out.push_str(&attribute(
            "",
            "sea_orm",
            &[
                "rs_type = \"String\"".to_owned(),
                "db_type = \"String(StringLen::None)\"".to_owned(),
            ],
        ));
        let name = layout.enum_path(&e.name);
        let name = name.rsplit("::").next().unwrap_or_default();
        out.push_str(&format!("pub enum {name} {{\n"));
        let variants = distinct(e.values.iter().map(String::as_str), camel, &[]);
        for v in &e.values {
            out.push_str(&attribute(
                "    ",
                "sea_orm",
                &[format!("string_value = {}", lit(v))],
            ));
            out.push_str(&format!("    {},\n", variants[v].replace('_', "")));
        }
        out.push_str("}\n");
    }
    Some(out)
}
