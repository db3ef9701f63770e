//! Names PostgreSQL makes up by itself. An identity column gets a sequence named
//! `<table>_<column>_seq` (truncated as PostgreSQL truncates it); if a declared table or
//! index of the schema already has that name when the sequence is created, PostgreSQL
//! picks another, and if the declared object comes later, its CREATE fails.

use super::{Code, Ctx, MAX_IDENTIFIER_BYTES};
use crate::model::database::Database;
use std::collections::HashMap;

/// PostgreSQL's `makeObjectName`: `name1_name2_label`, the longer of the two names
/// shortened first until the whole fits in 63 bytes, never cutting a character in half.
pub fn object_name(name1: &str, name2: &str, label: &str) -> String {
    let overhead = 1 + label.len() + 1;
    let avail = MAX_IDENTIFIER_BYTES - overhead;
    let (mut n1, mut n2) = (name1.len(), name2.len());
    while n1 + n2 > avail {
        if n1 > n2 {
            n1 -= 1;
        } else {
            n2 -= 1;
        }
    }
    let clip = |s: &str, mut n: usize| {
        while !s.is_char_boundary(n) {
            n -= 1;
        }
        s[..n].to_owned()
    };
    format!("{}_{}_{label}", clip(name1, n1), clip(name2, n2))
}

/// Reports identity sequences whose implicit name is a declared relation's name.
pub(super) fn check(db: &Database, cx: &mut Ctx<'_>) {
    let mut declared: HashMap<(&str, &str), &'static str> = HashMap::new();
    for t in &db.tables {
        let s = t.name.schema.as_str();
        declared.insert((s, &t.name.name), "table");
        for i in &t.indexes {
            declared.entry((s, &i.name)).or_insert("index");
        }
        for n in t.primary_key.iter().map(|p| &p.name) {
            declared.entry((s, n)).or_insert("primary key index");
        }
        for n in t.uniques.iter().map(|u| &u.name) {
            declared.entry((s, n)).or_insert("unique constraint index");
        }
    }
    for q in &db.sequences {
        declared
            .entry((q.name.schema.as_str(), q.name.name.as_str()))
            .or_insert("sequence");
    }
    for t in &db.tables {
        // A serial column's sequence is named like an identity column's.
        for c in t
            .columns
            .iter()
            .filter(|c| c.identity.is_some() || c.serial)
        {
            let seq = object_name(&t.name.name, &c.name, "seq");
            if let Some(kind) = declared.get(&(t.name.schema.as_str(), seq.as_str())) {
                cx.push(
                    Code::ImplicitNameClash,
                    format!("{}.{}", t.name, c.name),
                    c.origin,
                    format!(
                        "the {} column's sequence is named {}.{seq} by PostgreSQL, which is the name of a declared {kind}",
                        if c.serial { "serial" } else { "identity" },
                        t.name.schema
                    ),
                    format!("rename the {kind} {seq}, or the table or column"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_are_joined() {
        assert_eq!(object_name("base", "id", "seq"), "base_id_seq");
    }

    #[test]
    fn long_names_are_shortened_longer_first_as_postgresql_does() {
        let t = "t".repeat(60);
        let name = object_name(&t, "id", "seq");
        assert_eq!(name.len(), 63);
        assert_eq!(name, format!("{}_id_seq", "t".repeat(56)));
        let name = object_name(&"é".repeat(40), "x", "seq");
        assert!(name.len() <= 63 && name.ends_with("_x_seq"), "{name}");
    }
}
