//! The three entry points behind `cli verify`, `cli diff` and `cli inspect`.

use std::collections::BTreeSet;

use ddl::model::database::Database;
use ddl::model::index::IndexTarget;
use ddl::plan::diff::Way;
use ddl::sql::ident::{ident, qname};
use ddl::sql::render::Stmt;
use migrations::runner::connect_as;
use sea_orm_migration::sea_orm::sqlx::{self, AssertSqlSafe, Connection, postgres::PgConnection};

use crate::drift::{self, Report, Warning};
use crate::normalise::{Scratch, adopt_declaration, normalised_declaration, settle_cycles};
use crate::read::{Live, NotManaged, Scope, read_parallel, user_schemas};
use crate::{Error, IGNORED_SCHEMAS};

/// How `verify` works.
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    pub scratch: Scratch,
    /// Also check every foreign key for an index on its columns and for orphan rows.
    pub deep: bool,
}

/// The schemas a declaration manages: declared ones and those its objects live in.
fn declared_schemas(decl: &Database) -> Vec<String> {
    let mut s: BTreeSet<String> = decl.schemas.iter().map(|s| s.name.clone()).collect();
    s.extend(decl.tables.iter().map(|t| t.name.schema.clone()));
    s.extend(decl.enums.iter().map(|e| e.name.schema.clone()));
    s.extend(decl.functions.iter().map(|f| f.name.schema.clone()));
    s.into_iter()
        .filter(|s| !IGNORED_SCHEMAS.contains(&s.as_str()))
        .collect()
}

/// Compares a live database with a declaration.
pub async fn verify(url: &str, decl: &Database, opts: &VerifyOptions) -> Result<Report, Error> {
    let (mut conn, target) = connect_as(url, "cli verify").await?;
    let t = target.to_string();
    let scope = Scope {
        schemas: declared_schemas(decl),
        extensions: decl.extensions.iter().map(|e| e.name.clone()).collect(),
        all_extensions: false,
        rows: decl
            .tables
            .iter()
            .filter_map(|t| t.rows.as_ref().map(|r| (t.name.clone(), r.columns.clone())))
            .collect(),
    };
    let (mut helper, _) = connect_as(url, "cli verify").await?;
    let mut live = read_parallel(&mut conn, &mut helper, &t, &scope).await?;
    let _ = helper.close().await;
    let mut declared = normalised_declaration(url, &opts.scratch, decl, &scope).await?;
    adopt_declaration(&mut live.model, decl);
    adopt_declaration(&mut declared.model, decl);
    crate::read::privileges::keep_declared(&mut live, decl);
    crate::read::privileges::keep_declared(&mut declared, decl);
    settle_cycles(&mut [&mut live.model, &mut declared.model]);
    // Reference rows: the declared keys are compared; other rows of the table are data.
    for lt in &mut live.model.tables {
        let Some(dt) = declared.model.tables.iter().find(|d| d.name == lt.name) else {
            continue;
        };
        if let (Some(lr), Some(dr)) = (&mut lt.rows, &dt.rows) {
            let pk: Vec<usize> = dt
                .primary_key
                .as_ref()
                .map(|p| {
                    p.columns
                        .iter()
                        .filter_map(|c| dr.columns.iter().position(|x| x == c))
                        .collect()
                })
                .unwrap_or_default();
            let key = |r: &Vec<ddl::model::expr::Literal>| -> Vec<ddl::model::expr::Literal> {
                pk.iter().filter_map(|&i| r.get(i).cloned()).collect()
            };
            let keys: BTreeSet<_> = dr.values.iter().map(key).collect();
            lr.values.retain(|r| keys.contains(&key(r)));
        }
    }
    let drift = drift::compare(&declared.model, &live.model, &live.disabled_triggers);
    let mut stmts = drift::plan(&live.model, &declared.model, Way::Up)?;
    stmts.extend(drift::enable_triggers(
        &declared.model,
        &live.disabled_triggers,
    ));
    let warnings = if opts.deep {
        deep_checks(&mut conn, &t, &live.model).await?
    } else {
        Vec::new()
    };
    let _ = conn.close().await;
    let clean = drift.is_empty() && stmts.is_empty();
    Ok(Report {
        database: t,
        schemas: live.schemas,
        drift,
        not_managed: live.not_managed,
        warnings,
        sql: stmts
            .iter()
            .map(|s| drift::render(std::slice::from_ref(s)))
            .collect(),
        clean,
    })
}

/// Seed 004's checks: every foreign key has an index whose leading columns are its
/// columns, and no row references a missing one (possible after `NOT VALID`, disabled
/// triggers or `session_replication_role = replica`).
async fn deep_checks(
    conn: &mut PgConnection,
    target: &str,
    model: &Database,
) -> Result<Vec<Warning>, Error> {
    let mut out = Vec::new();
    for t in &model.tables {
        for fk in &t.foreign_keys {
            let want: BTreeSet<&str> = fk.columns.iter().map(String::as_str).collect();
            let n = want.len();
            let leading = |cols: Vec<&str>| -> bool {
                cols.len() >= n && cols[..n].iter().copied().collect::<BTreeSet<_>>() == want
            };
            let indexed = t.indexes.iter().any(|i| {
                i.predicate.is_none()
                    && leading(
                        i.keys
                            .iter()
                            .map(|k| match &k.target {
                                IndexTarget::Column(c) => c.as_str(),
                                IndexTarget::Expr(_) => "",
                            })
                            .collect(),
                    )
            }) || t
                .primary_key
                .iter()
                .map(|p| &p.columns)
                .chain(t.uniques.iter().map(|u| &u.columns))
                .any(|c| leading(c.iter().map(String::as_str).collect()));
            let object = format!("{}.{}", t.name, fk.name);
            if !indexed {
                out.push(Warning {
                    code: "fk-without-index",
                    object: object.clone(),
                    message: format!(
                        "no index starts with ({}): deleting from {} scans {} (add .index(Index::on([{}])))",
                        fk.columns.join(", "),
                        fk.ref_table,
                        t.name,
                        fk.columns.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ")
                    ),
                });
            }
            let not_null = fk
                .columns
                .iter()
                .map(|c| format!("c.{} IS NOT NULL", ident(c)))
                .collect::<Vec<_>>()
                .join(" AND ");
            let join = fk
                .columns
                .iter()
                .zip(&fk.ref_columns)
                .map(|(c, r)| format!("p.{} = c.{}", ident(r), ident(c)))
                .collect::<Vec<_>>()
                .join(" AND ");
            let sql = format!(
                "SELECT count(*) FROM {} c WHERE {not_null} AND NOT EXISTS (SELECT 1 FROM {} p WHERE {join})",
                qname(&t.name),
                qname(&fk.ref_table)
            );
            let orphans: i64 = sqlx::query_scalar(AssertSqlSafe(sql))
                .fetch_one(&mut *conn)
                .await
                .map_err(|e| Error::Query {
                    what: "orphan rows",
                    target: target.to_owned(),
                    message: e.to_string(),
                })?;
            if orphans > 0 {
                out.push(Warning {
                    code: "fk-orphans",
                    object,
                    message: format!(
                        "{orphans} row{} of {} reference{} a missing row of {}",
                        if orphans == 1 { "" } else { "s" },
                        t.name,
                        if orphans == 1 { "s" } else { "" },
                        fk.ref_table
                    ),
                });
            }
        }
    }
    Ok(out)
}

/// The migration between two databases.
#[derive(Debug, Clone)]
pub struct DbDiff {
    pub schemas: Vec<String>,
    pub statements: Vec<Stmt>,
    /// What either database has that the model cannot represent, with `from:`/`to:`.
    pub not_managed: Vec<NotManaged>,
}

async fn scope_for(conn: &mut PgConnection, target: &str, only: &[String]) -> Result<Scope, Error> {
    let all = user_schemas(conn, target).await?;
    Ok(Scope {
        schemas: if only.is_empty() { all } else { only.to_vec() },
        extensions: Vec::new(),
        all_extensions: only.is_empty(),
        rows: Vec::new(),
    })
}

/// Reads a database (every user schema, or `only`).
pub async fn inspect(url: &str, only: &[String]) -> Result<Live, Error> {
    let (mut conn, target) = connect_as(url, "cli inspect").await?;
    let t = target.to_string();
    let scope = scope_for(&mut conn, &t, only).await?;
    let started = std::time::Instant::now();
    let (mut helper, _) = connect_as(url, "cli inspect").await?;
    let mut live = read_parallel(&mut conn, &mut helper, &t, &scope).await?;
    let _ = helper.close().await;
    let read_at = started.elapsed();
    settle_cycles(&mut [&mut live.model]);
    if std::env::var_os("INTROSPECT_TIMING").is_some() {
        eprintln!("read {read_at:?}, planned {:?}", started.elapsed());
    }
    let _ = conn.close().await;
    Ok(live)
}

/// The SQL that turns database `from` into database `to` (`down`: its inverse, planned
/// as a rollback).
pub async fn diff_databases(
    from: &str,
    to: &str,
    only: &[String],
    down: bool,
) -> Result<DbDiff, Error> {
    let (mut a, ta) = connect_as(from, "cli diff").await?;
    let (mut b, tb) = connect_as(to, "cli diff").await?;
    let (ta, tb) = (ta.to_string(), tb.to_string());
    let sa = scope_for(&mut a, &ta, only).await?;
    let sb = scope_for(&mut b, &tb, only).await?;
    let mut schemas: Vec<String> = sa.schemas.iter().chain(&sb.schemas).cloned().collect();
    schemas.sort();
    schemas.dedup();
    let scope = Scope {
        schemas: schemas.clone(),
        ..sa
    };
    let (mut ha, _) = connect_as(from, "cli diff").await?;
    let (mut hb, _) = connect_as(to, "cli diff").await?;
    let mut la = read_parallel(&mut a, &mut ha, &ta, &scope).await?;
    let mut lb = read_parallel(&mut b, &mut hb, &tb, &scope).await?;
    let _ = ha.close().await;
    let _ = hb.close().await;
    let _ = a.close().await;
    let _ = b.close().await;
    settle_cycles(&mut [&mut la.model, &mut lb.model]);
    let statements = if down {
        drift::plan(&lb.model, &la.model, Way::Down)?
    } else {
        drift::plan(&la.model, &lb.model, Way::Up)?
    };
    let mut not_managed: Vec<NotManaged> = la
        .not_managed
        .into_iter()
        .map(|n| NotManaged {
            name: format!("from: {}", n.name),
            ..n
        })
        .chain(lb.not_managed.into_iter().map(|n| NotManaged {
            name: format!("to: {}", n.name),
            ..n
        }))
        .collect();
    not_managed.sort();
    Ok(DbDiff {
        schemas,
        statements,
        not_managed,
    })
}

/// The snapshot JSON of a live model (what `cli inspect` prints).
pub fn snapshot(live: &Live) -> String {
    ddl::migration::snapshot_json(&live.model)
}
