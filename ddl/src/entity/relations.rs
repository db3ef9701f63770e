//! The relations of an entity: `belongs_to` for each of its foreign keys, `has_many` for
//! each foreign key that references it, a `Related` impl where exactly one relation joins
//! two entities, and many-to-many `Related` impls through link tables.
//!
//! Variant names: a foreign key to a table that the entity references only once is named
//! after that table (`Tenants`); otherwise after its columns, `_id` dropped (`Author`,
//! `Editor`, `Parent`). A reverse relation is named after the referencing table
//! (`UserSessions`), with the columns appended where that table references this one more
//! than once or is this table (`PostsAuthor`, `UsersParent`). Clashes are numbered.

use super::Layout;
use super::names::{camel, distinct};
use crate::model::constraint::ForeignKey;
use crate::model::names::QName;
use crate::model::table::Table;
use std::collections::BTreeMap;

/// One relation of an entity.
#[derive(Debug, Clone)]
pub struct Rel<'a> {
    pub variant: String,
    /// The other entity.
    pub other: &'a QName,
    /// The foreign key, and whether it is this entity's (belongs_to) or the other's.
    pub fk: &'a ForeignKey,
    pub owned: bool,
}

fn stripped_columns(fk: &ForeignKey) -> String {
    fk.columns
        .iter()
        .map(|c| c.strip_suffix("_id").unwrap_or(c))
        .collect::<Vec<_>>()
        .join("_")
}

/// The relations of `t`, in a stable order, with distinct variant names.
pub fn of<'a>(layout: &Layout<'a>, t: &'a Table) -> Vec<Rel<'a>> {
    let mut wanted: Vec<(String, String, Rel<'a>)> = Vec::new();
    let count_to =
        |fks: &[ForeignKey], target: &QName| fks.iter().filter(|f| &f.ref_table == target).count();
    for fk in &t.foreign_keys {
        let base = if fk.ref_table != t.name && count_to(&t.foreign_keys, &fk.ref_table) == 1 {
            camel(&fk.ref_table.name)
        } else {
            camel(&stripped_columns(fk))
        };
        wanted.push((
            format!("0 {}", fk.name),
            base,
            Rel {
                variant: String::new(),
                other: &fk.ref_table,
                fk,
                owned: true,
            },
        ));
    }
    for &(s, fk) in layout
        .incoming
        .get(&t.name)
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        {
            let base = if s.name != t.name && count_to(&s.foreign_keys, &t.name) == 1 {
                camel(&s.name.name)
            } else {
                format!("{}{}", camel(&s.name.name), camel(&stripped_columns(fk)))
            };
            wanted.push((
                format!("1 {} {}", s.name, fk.name),
                base,
                Rel {
                    variant: String::new(),
                    other: &s.name,
                    fk,
                    owned: false,
                },
            ));
        }
    }
    let bases: std::collections::HashMap<&str, &str> = wanted
        .iter()
        .map(|(k, b, _)| (k.as_str(), b.as_str()))
        .collect();
    let names = distinct(
        wanted.iter().map(|(k, _, _)| k.as_str()),
        |k| bases.get(k).map(|b| (*b).to_owned()).unwrap_or_default(),
        &[],
    );
    let mut out: Vec<Rel<'a>> = wanted
        .into_iter()
        .map(|(k, _, mut r)| {
            // `distinct` numbers with `_2`; CamelCase variants take the digit directly.
            r.variant = names[&k].replace('_', "");
            r
        })
        .collect();
    out.sort_by(|a, b| (!a.owned, &a.variant).cmp(&(!b.owned, &b.variant)));
    out
}

/// The entities reachable through exactly one relation: each gets a `Related` impl.
pub fn related<'a>(t: &Table, rels: &[Rel<'a>]) -> Vec<(&'a QName, String)> {
    let mut by_other: BTreeMap<&QName, Vec<&Rel<'a>>> = BTreeMap::new();
    for r in rels.iter().filter(|r| *r.other != t.name) {
        by_other.entry(r.other).or_default().push(r);
    }
    by_other
        .into_iter()
        .filter(|(_, rs)| rs.len() == 1)
        .map(|(q, rs)| (q, rs[0].variant.clone()))
        .collect()
}

/// Many-to-many: for each link table `L` whose primary key is exactly two of its foreign keys,
/// one to `t` and one to `C`, `t` is related to `C` via `L`, unless `t` already relates to
/// `C` directly or through another link. Returns (C, L, L's variant to C, L's variant to t).
pub fn many_to_many<'a>(
    layout: &Layout<'a>,
    t: &Table,
    direct: &[(&'a QName, String)],
) -> Vec<(&'a QName, &'a QName, String, String)> {
    let mut found: BTreeMap<&'a QName, Vec<(&'a QName, String, String)>> = BTreeMap::new();
    let mut candidates: Vec<&'a Table> = layout
        .incoming
        .get(&t.name)
        .map(|v| v.iter().map(|(l, _)| *l).collect())
        .unwrap_or_default();
    candidates.dedup_by(|a, b| a.name == b.name);
    for l in candidates {
        let Some(pk) = &l.primary_key else { continue };
        let mut pk_cols: Vec<&String> = pk.columns.iter().collect();
        pk_cols.sort();
        // The two foreign keys that make up the primary key (others, such as a tenant
        // column, may sit beside them).
        let in_key: Vec<&ForeignKey> = l
            .foreign_keys
            .iter()
            .filter(|f| f.columns.iter().all(|c| pk.columns.contains(c)))
            .collect();
        let [a, b] = in_key.as_slice() else { continue };
        let mut key: Vec<&String> = a.columns.iter().chain(&b.columns).collect();
        key.sort();
        if key != pk_cols || a.ref_table == b.ref_table {
            continue;
        }
        let (to_t, to_c) = if a.ref_table == t.name {
            (a, b)
        } else if b.ref_table == t.name {
            (b, a)
        } else {
            continue;
        };
        let rels = layout
            .rels
            .get(&l.name)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let variant = |fk: &ForeignKey| {
            rels.iter()
                .find(|r| r.owned && r.fk.name == fk.name)
                .map(|r| r.variant.clone())
                .unwrap_or_default()
        };
        found
            .entry(&to_c.ref_table)
            .or_default()
            .push((&l.name, variant(to_c), variant(to_t)));
    }
    let mut out: Vec<(&'a QName, &'a QName, String, String)> = Vec::new();
    for (c, links) in found {
        if links.len() == 1 && *c != t.name && !direct.iter().any(|(d, _)| *d == c) {
            out.push((c, links[0].0, links[0].1.clone(), links[0].2.clone()));
        }
    }
    out.sort_by(|a, b| a.0.cmp(b.0));
    out
}
