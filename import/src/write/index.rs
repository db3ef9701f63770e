//! Indexes.

use super::objects::list;
use crate::names::string;
use ddl::model::index::{Index, IndexKey, IndexMethod, IndexTarget, NullsOrder, SortOrder};
use std::fmt::Write as _;

pub(super) fn index(tname: &str, i: &Index) -> String {
    let Index {
        name,
        keys,
        unique,
        nulls_not_distinct,
        method,
        include,
        predicate,
        origin: _,
    } = i;
    let plain: Option<Vec<String>> = keys
        .iter()
        .map(|k| match k {
            IndexKey {
                target: IndexTarget::Column(c),
                opclass: None,
                order: None | Some(SortOrder::Asc),
                nulls: None,
            } => Some(c.clone()),
            _ => None,
        })
        .collect();
    let mut out = match &plain {
        Some(cols) if *name == format!("{tname}_{}_idx", cols.join("_")) && !cols.is_empty() => {
            format!("Index::on({})", list(cols))
        }
        Some(cols) => format!("Index::named({}, {})", string(name), list(cols)),
        None => {
            let mut s = format!("Index::named({}, [])", string(name));
            for k in keys {
                let IndexKey {
                    target,
                    opclass,
                    order,
                    nulls,
                } = k;
                match target {
                    IndexTarget::Column(c) => {
                        let _ = write!(s, ".column({})", string(c));
                    }
                    IndexTarget::Expr(e) => {
                        let _ = write!(s, ".expr({})", string(e.as_str()));
                    }
                }
                match order {
                    None | Some(SortOrder::Asc) => {}
                    Some(SortOrder::Desc) => s.push_str(".desc()"),
                }
                match nulls {
                    None => {}
                    Some(NullsOrder::First) => s.push_str(".nulls(NullsOrder::First)"),
                    Some(NullsOrder::Last) => s.push_str(".nulls(NullsOrder::Last)"),
                }
                if let Some(o) = opclass {
                    let _ = write!(s, ".opclass({})", string(o));
                }
            }
            s
        }
    };
    match method {
        IndexMethod::BTree => {}
        IndexMethod::Hash => out.push_str(".using(IndexMethod::Hash)"),
        IndexMethod::Gin => out.push_str(".using(IndexMethod::Gin)"),
        IndexMethod::Gist => out.push_str(".using(IndexMethod::Gist)"),
        IndexMethod::Brin => out.push_str(".using(IndexMethod::Brin)"),
        IndexMethod::SpGist => out.push_str(".using(IndexMethod::SpGist)"),
    }
    if *unique {
        out.push_str(".unique()");
    }
    if *nulls_not_distinct {
        out.push_str(".nulls_not_distinct()");
    }
    if !include.is_empty() {
        let _ = write!(out, ".include({})", list(include));
    }
    if let Some(p) = predicate {
        let _ = write!(out, ".filter({})", string(p.as_str()));
    }
    out
}
