//! Indexes.

use super::objects::list;
use crate::names::string;
use ddl::model::index::{Index, IndexKey, IndexMethod, IndexTarget, NullsOrder, SortOrder};
use std::fmt::Write as _;

/// `tname` is the table's (or materialized view's) name, which default index names start with.
pub(super) fn index(tname: &str, i: &Index) -> String {
    let Index {
        name,
        keys,
        unique,
        nulls_not_distinct,
        method,
        include,
        predicate,
        comment,
        renamed_from: _,
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
    if *method != IndexMethod::BTree {
        let _ = write!(out, ".using({})", method_path(*method));
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
    if let Some(c) = comment {
        let _ = write!(out, ".comment({})", string(c));
    }
    out
}

/// `IndexMethod::Gist`.
pub(super) fn method_path(m: IndexMethod) -> &'static str {
    match m {
        IndexMethod::BTree => "IndexMethod::BTree",
        IndexMethod::Hash => "IndexMethod::Hash",
        IndexMethod::Gin => "IndexMethod::Gin",
        IndexMethod::Gist => "IndexMethod::Gist",
        IndexMethod::Brin => "IndexMethod::Brin",
        IndexMethod::SpGist => "IndexMethod::SpGist",
    }
}
