//! Partitioned tables and partitions: the key (`pg_partitioned_table` through
//! `pg_get_partkeydef`), the parent (`pg_inherits`) and the bound
//! (`pg_get_expr(relpartbound)`). What a partition takes from its parent (columns, keys,
//! indexes, foreign keys, checks) is the parent's and not read as the partition's: the
//! catalog queries leave out constraints with a `conparentid` or not `conislocal`, and
//! indexes that are partitions of an index (`pg_inherits`).

use std::collections::HashMap;

use ddl::model::database::Database;
use ddl::model::expr::SqlExpr;
use ddl::model::names::{Origin, QName};
use ddl::model::partition::{Bound, PartitionBy, PartitionKey, PartitionOf, PartitionStrategy};
use sea_orm_migration::sea_orm::sqlx::postgres::PgConnection;
use serde::Deserialize;

use super::fetch;
use crate::Error;

#[derive(Debug, Deserialize)]
struct PartitionRow {
    oid: i64,
    key: Option<String>,
    parent_schema: Option<String>,
    parent_name: Option<String>,
    bound: Option<String>,
}

fn partitions_sql() -> String {
    "WITH ns AS (SELECT oid, nspname FROM pg_namespace WHERE nspname = ANY($1)) \
     SELECT coalesce(json_agg(r), '[]')::text FROM ( \
       SELECT c.oid::bigint AS oid, \
              CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS key, \
              pn.nspname AS parent_schema, p.relname AS parent_name, \
              CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END AS bound \
         FROM pg_class c JOIN ns n ON n.oid = c.relnamespace \
         LEFT JOIN pg_inherits i ON i.inhrelid = c.oid AND c.relispartition \
         LEFT JOIN pg_class p ON p.oid = i.inhparent \
         LEFT JOIN pg_namespace pn ON pn.oid = p.relnamespace \
        WHERE c.relkind = 'p' OR (c.relispartition AND c.relkind = 'r') \
     ) r"
    .to_owned()
}

/// Splits `a, (b, c), 'x,y'` at the commas outside parentheses and quotes.
pub(crate) fn split_top(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (mut depth, mut quoted, mut cur) = (0i32, false, String::new());
    for ch in s.chars() {
        match ch {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                out.push(cur.trim().to_owned());
                cur.clear();
                continue;
            }
            _ => {}
        }
        cur.push(ch);
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_owned());
    }
    out
}

/// The text between the first `(` after `prefix` and its matching `)`, and what follows.
fn parenthesised(s: &str) -> Option<(&str, &str)> {
    let start = s.find('(')?;
    let (mut depth, mut quoted) = (0i32, false);
    for (i, ch) in s[start..].char_indices() {
        match ch {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => {
                depth -= 1;
                if depth == 0 {
                    return Some((&s[start + 1..start + i], &s[start + i + 1..]));
                }
            }
            _ => {}
        }
    }
    None
}

fn unquote_ident(s: &str) -> Option<String> {
    if let Some(inner) = s.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        return Some(inner.replace("\"\"", "\""));
    }
    s.chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$')
        .then(|| s.to_owned())
}

/// `RANGE (at)`, `LIST (lower(region))`, `HASH (user_id)`.
pub(crate) fn parse_key(def: &str) -> Option<PartitionBy> {
    let strategy = match def.split_whitespace().next()? {
        "RANGE" => PartitionStrategy::Range,
        "LIST" => PartitionStrategy::List,
        "HASH" => PartitionStrategy::Hash,
        _ => return None,
    };
    let (inner, _) = parenthesised(def)?;
    let keys = split_top(inner)
        .into_iter()
        .map(|k| match unquote_ident(&k) {
            Some(c) => PartitionKey::Column(c),
            None => {
                let e = k
                    .strip_prefix('(')
                    .and_then(|r| r.strip_suffix(')'))
                    .unwrap_or(&k);
                PartitionKey::Expr(SqlExpr(e.to_owned()))
            }
        })
        .collect();
    Some(PartitionBy {
        strategy,
        keys,
        origin: Origin::default(),
    })
}

/// `FOR VALUES FROM (..) TO (..)`, `FOR VALUES IN (..)`, `FOR VALUES WITH (modulus 2,
/// remainder 0)`, `DEFAULT`.
pub(crate) fn parse_bound(text: &str) -> Option<Bound> {
    let t = text.trim();
    if t == "DEFAULT" {
        return Some(Bound::Default);
    }
    let rest = t.strip_prefix("FOR VALUES ")?;
    if let Some(r) = rest.strip_prefix("FROM ") {
        let (from, after) = parenthesised(r)?;
        let (to, _) = parenthesised(after.trim_start().strip_prefix("TO")?)?;
        return Some(Bound::Range {
            from: split_top(from),
            to: split_top(to),
        });
    }
    if let Some(r) = rest.strip_prefix("IN ") {
        return Some(Bound::List(split_top(parenthesised(r)?.0)));
    }
    if let Some(r) = rest.strip_prefix("WITH ") {
        let mut modulus = None;
        let mut remainder = None;
        for part in split_top(parenthesised(r)?.0) {
            let mut w = part.split_whitespace();
            match (w.next(), w.next().and_then(|n| n.parse::<u32>().ok())) {
                (Some("modulus"), Some(n)) => modulus = Some(n),
                (Some("remainder"), Some(n)) => remainder = Some(n),
                _ => {}
            }
        }
        return Some(Bound::Hash {
            modulus: modulus?,
            remainder: remainder?,
        });
    }
    None
}

pub(super) struct Partitions(Vec<PartitionRow>);

pub(super) async fn read_partitions(
    conn: &mut PgConnection,
    target: &str,
    schemas: &[String],
) -> Result<Partitions, Error> {
    Ok(Partitions(
        fetch(conn, "partitions", target, partitions_sql(), schemas).await?,
    ))
}

pub(super) fn add_partitions(
    db: &mut Database,
    note: &mut dyn FnMut(&str, String, &str),
    by_oid: &HashMap<i64, usize>,
    rows: Partitions,
) {
    for r in rows.0 {
        let Some(&t) = by_oid.get(&r.oid) else {
            continue;
        };
        let table = &mut db.tables[t];
        if let Some(def) = &r.key {
            table.partition_by = parse_key(def);
            if table.partition_by.is_none() {
                note(
                    "table",
                    table.name.to_string(),
                    "its partition key could not be read",
                );
            }
        }
        if let (Some(s), Some(n), Some(b)) = (r.parent_schema, r.parent_name, r.bound) {
            match parse_bound(&b) {
                Some(bound) => {
                    table.partition_of = Some(PartitionOf {
                        parent: QName::new(s, n),
                        bound,
                    });
                    // The columns are the parent's (PostgreSQL gives a partition no others).
                    table.columns.clear();
                }
                None => note(
                    "table",
                    table.name.to_string(),
                    "its partition bound could not be read",
                ),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_read_back_as_declared() {
        assert_eq!(
            parse_bound("FOR VALUES FROM ('2026-01-01 00:00:00+00') TO ('2026-02-01 00:00:00+00')"),
            Some(Bound::range(
                ["'2026-01-01 00:00:00+00'"],
                ["'2026-02-01 00:00:00+00'"]
            ))
        );
        assert_eq!(
            parse_bound("FOR VALUES IN ('a', 'b,c')"),
            Some(Bound::list(["'a'", "'b,c'"]))
        );
        assert_eq!(
            parse_bound("FOR VALUES WITH (modulus 4, remainder 3)"),
            Some(Bound::hash(4, 3))
        );
        assert_eq!(parse_bound("DEFAULT"), Some(Bound::Default));
    }

    #[test]
    fn keys_read_back_as_columns_and_expressions() {
        let k = parse_key("RANGE (at, \"Odd\", lower(region))").expect("a key");
        assert_eq!(k.strategy, PartitionStrategy::Range);
        assert_eq!(
            k.keys,
            vec![
                PartitionKey::Column("at".into()),
                PartitionKey::Column("Odd".into()),
                PartitionKey::Expr(SqlExpr("lower(region)".into())),
            ]
        );
    }
}
