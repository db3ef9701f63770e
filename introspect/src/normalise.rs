//! Putting a declaration into PostgreSQL's normal form: build it on the same server and
//! read it back with the same queries as the live database.
//!
//! PostgreSQL stores expressions as parse trees and prints them its own way (`now()`,
//! `(balance >= (0)::numeric)`, `'x'::text`), and the way depends on the server version.
//! Rather than re-implementing that printer, the declaration's first migration is applied
//! in a scratch database (created and dropped by us, or one the user names with
//! `--scratch-url`, inside a transaction that is rolled back), and both sides of the
//! comparison are then models read from catalogs.

use std::time::{SystemTime, UNIX_EPOCH};

use ddl::model::database::Database;
use ddl::plan::diff::Planned;
use migrations::runner::{connect_as, parse_url};
use sea_orm_migration::sea_orm::sqlx::{self, AssertSqlSafe, Connection, postgres::PgConnection};

use crate::Error;
use crate::read::{Live, Scope, read_in_transaction};

/// Where the declaration is built.
#[derive(Debug, Clone, Default)]
pub enum Scratch {
    /// A database created for the purpose on the live server and dropped afterwards
    /// (needs CREATEDB).
    #[default]
    CreateDatabase,
    /// A database given by URL; the declaration is built there in a transaction that is
    /// rolled back, so it is left as it was. It must not hold the declared objects.
    Url(String),
}

const APP: &str = "cli verify";

/// The declaration as PostgreSQL stores it: built in a scratch database, then read back.
pub async fn normalised_declaration(
    live_url: &str,
    scratch: &Scratch,
    decl: &Database,
    scope: &Scope,
) -> Result<Live, Error> {
    let (_, stmts) = ddl::migration::plan_statements(&Database::new(), decl)
        .map_err(|d| Error::Declaration(d.to_string().trim_end().to_owned()))?;
    match scratch {
        Scratch::Url(url) => {
            let (mut conn, target) = connect_as(url, APP).await?;
            let result = build_and_read(&mut conn, &target.to_string(), &stmts, scope).await;
            let _ = conn.close().await;
            result
        }
        Scratch::CreateDatabase => {
            let (mut admin, target) = connect_as(live_url, APP).await?;
            let nanos = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or(0);
            let name = format!("schemactl_scratch_{}_{nanos}", std::process::id());
            sqlx::query(AssertSqlSafe(format!(
                "CREATE DATABASE \"{name}\" TEMPLATE template0"
            )))
            .execute(&mut admin)
            .await
            .map_err(|e| {
                let denied = matches!(&e, sqlx::Error::Database(d) if d.code().as_deref() == Some("42501"));
                Error::Scratch(if denied {
                    format!(
                        "cannot create a scratch database on {}:{} to build the declaration in (user `{}` lacks CREATEDB): \
                         grant it (ALTER ROLE {} CREATEDB), or pass --scratch-url with an empty database on the same \
                         PostgreSQL version (changes there are rolled back)",
                        target.host, target.port, target.user, target.user
                    )
                } else {
                    format!("cannot create a scratch database on {target}: {e}")
                })
            })?;
            let result = async {
                let (opts, _) = parse_url(live_url)?;
                let opts = opts.database(&name).application_name(APP);
                let mut conn = PgConnection::connect_with(&opts).await.map_err(|e| {
                    Error::Scratch(format!(
                        "cannot connect to the scratch database {name}: {e}"
                    ))
                })?;
                let r = build_and_read(
                    &mut conn,
                    &format!("scratch database {name}"),
                    &stmts,
                    scope,
                )
                .await;
                let _ = conn.close().await;
                r
            }
            .await;
            let dropped = sqlx::query(AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
            )))
            .execute(&mut admin)
            .await;
            let _ = admin.close().await;
            let live = result?;
            dropped.map_err(|e| {
                Error::Scratch(format!("cannot drop the scratch database {name}: {e}"))
            })?;
            Ok(live)
        }
    }
}

async fn build_and_read(
    conn: &mut PgConnection,
    target: &str,
    stmts: &[ddl::sql::render::Stmt],
    scope: &Scope,
) -> Result<Live, Error> {
    sqlx::query("BEGIN")
        .execute(&mut *conn)
        .await
        .map_err(|e| Error::Scratch(format!("{target}: {e}")))?;
    let mut result = Ok(());
    for s in stmts {
        if let Err(e) = sqlx::raw_sql(AssertSqlSafe(s.sql.clone()))
            .execute(&mut *conn)
            .await
        {
            let message = match &e {
                sqlx::Error::Database(d) => d.message().to_owned(),
                other => other.to_string(),
            };
            result = Err(Error::Scratch(format!(
                "building the declaration in {target} failed at {} {}: {message}",
                s.kind, s.name
            )));
            break;
        }
    }
    let live = match result {
        Ok(()) => read_in_transaction(conn, target, scope).await,
        Err(e) => Err(e),
    };
    let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
    live
}

/// Copies what catalogs cannot tell from the declaration onto a model read from a
/// database: the functions an extension `provides`, a function's `depends_on`, and which
/// foreign keys are added after both tables exist. These shape the plan's order, not the
/// database, so both sides of a comparison carry the declaration's.
pub fn adopt_declaration(model: &mut Database, decl: &Database) {
    for e in &mut model.extensions {
        if let Some(d) = decl.extensions.iter().find(|d| d.name == e.name) {
            e.provides.clone_from(&d.provides);
        }
    }
    for f in &mut model.functions {
        if let Some(d) = decl.functions.iter().find(|d| d.name == f.name) {
            f.depends_on.clone_from(&d.depends_on);
        }
    }
    for t in &mut model.tables {
        let Some(d) = decl.tables.iter().find(|d| d.name == t.name) else {
            continue;
        };
        for fk in &mut t.foreign_keys {
            if let Some(dfk) = d.foreign_keys.iter().find(|x| x.name == fk.name) {
                fk.add_later = dfk.add_later;
            }
        }
    }
    for v in &mut model.views {
        if let Some(d) = decl.views.iter().find(|d| d.name == v.name) {
            v.depends_on.clone_from(&d.depends_on);
        }
    }
    // A raw object's text is not parsed, so nothing in the catalogs can be matched to it:
    // it is taken as declared on both sides (not verified; see docs/dsl.md).
    model.raws.clone_from(&decl.raws);
}

/// Makes the models plannable together: when any of them has a cycle of foreign keys,
/// every foreign key to another table is added after the tables (in all of them, so that
/// the flag never shows as a difference).
pub fn settle_cycles(models: &mut [&mut Database]) {
    let cyclic = models.iter().any(|m| Planned::new(m).is_err());
    if cyclic {
        for m in models.iter_mut() {
            for t in &mut m.tables {
                let name = t.name.clone();
                for fk in &mut t.foreign_keys {
                    if fk.ref_table != name {
                        fk.add_later = true;
                    }
                }
            }
        }
    }
}
