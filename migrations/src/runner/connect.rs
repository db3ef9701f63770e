//! Connecting, and telling apart the ways it fails.

use std::str::FromStr;
use std::time::Duration;

use sea_orm_migration::sea_orm::sqlx::postgres::{PgConnectOptions, PgConnection};
use sea_orm_migration::sea_orm::sqlx::{self, ConnectOptions, Connection};

use crate::error::ConnectError;

/// How long a connection attempt may take before the server counts as unreachable: a
/// firewalled host drops packets instead of refusing, and TCP alone would wait minutes.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

/// Where we connect, without the password, for messages.
#[derive(Debug, Clone)]
pub struct Target {
    pub user: String,
    pub host: String,
    pub port: u16,
    pub database: String,
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}/{}", self.host, self.port, self.database)
    }
}

/// Checks the URL is a PostgreSQL URL and parses it.
pub fn parse_url(url: &str) -> Result<(PgConnectOptions, Target), ConnectError> {
    let scheme = url.split_once("://").map(|(s, _)| s);
    match scheme {
        Some("postgres" | "postgresql") => {}
        Some(other) => {
            return Err(ConnectError::NotPostgres {
                scheme: other.to_owned(),
            });
        }
        None => {
            return Err(ConnectError::BadUrl {
                message: "expected postgres://user:password@host:5432/database".to_owned(),
            });
        }
    }
    let opts = PgConnectOptions::from_str(url).map_err(|e| ConnectError::BadUrl {
        message: e.to_string(),
    })?;
    let target = Target {
        user: opts.get_username().to_owned(),
        host: opts.get_host().to_owned(),
        port: opts.get_port(),
        database: opts
            .get_database()
            .unwrap_or(opts.get_username())
            .to_owned(),
    };
    // Statement logging goes through `log` at INFO; the runner reports statements itself.
    let opts = opts
        .application_name("cli migrate")
        .disable_statement_logging();
    Ok((opts, target))
}

/// Opens one session.
pub async fn connect(url: &str) -> Result<(PgConnection, Target), ConnectError> {
    connect_as(url, "cli migrate").await
}

/// Opens one session that shows as `application_name` in `pg_stat_activity`.
pub async fn connect_as(
    url: &str,
    application_name: &str,
) -> Result<(PgConnection, Target), ConnectError> {
    let (opts, target) = parse_url(url)?;
    let opts = opts.application_name(application_name);
    let result = tokio::time::timeout(CONNECT_TIMEOUT, PgConnection::connect_with(&opts)).await;
    match result {
        Ok(Ok(conn)) => Ok((conn, target)),
        Ok(Err(e)) => Err(classify(&e, &target)),
        Err(_) => Err(ConnectError::Unreachable {
            target: target.to_string(),
            message: format!("no answer within {} s", CONNECT_TIMEOUT.as_secs()),
        }),
    }
}

fn classify(e: &sqlx::Error, target: &Target) -> ConnectError {
    let t = target.to_string();
    match e {
        sqlx::Error::Io(io) => ConnectError::Unreachable {
            target: t,
            message: io.to_string(),
        },
        sqlx::Error::Database(db) => {
            let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
            match code.as_str() {
                // invalid_password, invalid_authorization_specification
                "28P01" | "28000" => ConnectError::Auth {
                    user: target.user.clone(),
                    target: t,
                    message: db.message().to_owned(),
                },
                // invalid_catalog_name
                "3D000" => ConnectError::NoDatabase {
                    database: target.database.clone(),
                    createdb: format!(
                        "createdb -h {} -p {} -U {} {}",
                        target.host, target.port, target.user, target.database
                    ),
                    target: format!("{}:{}", target.host, target.port),
                },
                _ => ConnectError::Other {
                    target: t,
                    message: format!("{} (SQLSTATE {code})", db.message()),
                },
            }
        }
        sqlx::Error::Protocol(m) => ConnectError::Other {
            target: t,
            message: format!("{m} (is this a PostgreSQL server?)"),
        },
        other => ConnectError::Other {
            target: t,
            message: other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_non_postgres_url_is_refused_by_scheme() {
        assert_eq!(
            parse_url("mysql://root@localhost/app").map(|_| ()),
            Err(ConnectError::NotPostgres {
                scheme: "mysql".into()
            })
        );
    }

    #[test]
    fn a_url_without_scheme_is_malformed() {
        assert!(matches!(
            parse_url("localhost:5432/app"),
            Err(ConnectError::BadUrl { .. })
        ));
    }

    #[test]
    fn the_target_leaves_the_password_out() {
        let (_, t) = parse_url("postgres://u:secret@db.example:6543/app").expect("parses");
        assert_eq!(t.to_string(), "db.example:6543/app");
        assert_eq!(t.user, "u");
    }
}
