//! The advisory lock that serialises runners on one database.
//!
//! A try-lock loop, never a blocking `pg_advisory_lock`: a session blocked in that call is
//! an open transaction, and `CREATE INDEX CONCURRENTLY` in the lock holder waits for every
//! open transaction, so holder and waiter would hang forever, and PostgreSQL cannot see
//! that deadlock because it closes through the client.

use std::time::{Duration, Instant};

use sea_orm_migration::sea_orm::sqlx::{self, postgres::PgConnection};

use super::history::db_err;
use crate::error::RunError;

/// The lock key: "schemact" in ASCII, unlikely to meet an application's own keys.
pub const LOCK_KEY: i64 = 0x7363_6865_6d61_6374;

const POLL: Duration = Duration::from_millis(200);
/// How often a waiting runner repeats that it is still waiting.
const REMIND: Duration = Duration::from_secs(30);

/// Takes the lock on this session, calling `on_wait` with a description of the holder when
/// it has to wait (first at once, then every 30 s).
pub async fn acquire(
    conn: &mut PgConnection,
    timeout: Option<Duration>,
    on_wait: &mut dyn FnMut(&str),
) -> Result<(), RunError> {
    let started = Instant::now();
    let mut last_notice: Option<Instant> = None;
    loop {
        let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
            .bind(LOCK_KEY)
            .fetch_one(&mut *conn)
            .await
            .map_err(|e| db_err("cannot take the migration lock", &e))?;
        if got {
            return Ok(());
        }
        if last_notice.is_none_or(|t| t.elapsed() >= REMIND) {
            let who = holder(conn).await;
            on_wait(&who);
            last_notice = Some(Instant::now());
        }
        if let Some(limit) = timeout
            && started.elapsed() >= limit
        {
            return Err(RunError::LockTimeout {
                seconds: limit.as_secs(),
                holder: holder(conn).await,
            });
        }
        tokio::time::sleep(POLL).await;
    }
}

pub async fn release(conn: &mut PgConnection) -> Result<(), RunError> {
    sqlx::query_scalar::<_, bool>("SELECT pg_advisory_unlock($1)")
        .bind(LOCK_KEY)
        .fetch_one(conn)
        .await
        .map(|_| ())
        .map_err(|e| db_err("cannot release the migration lock", &e))
}

/// "pid 1234 (cli migrate, since 12:00:01)" for the session holding the lock.
async fn holder(conn: &mut PgConnection) -> String {
    // A bigint advisory key shows in pg_locks as classid = high half, objid = low half.
    let high = (LOCK_KEY >> 32) & 0xffff_ffff;
    let low = LOCK_KEY & 0xffff_ffff;
    let row: Result<Option<(i32, String)>, _> = sqlx::query_as(
        "SELECT l.pid, coalesce(nullif(a.application_name, ''), 'unknown client') \
         FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid \
         WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 \
         AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) \
         AND l.classid::bigint = $1 AND l.objid::bigint = $2 LIMIT 1",
    )
    .bind(high)
    .bind(low)
    .fetch_optional(conn)
    .await;
    match row {
        Ok(Some((pid, app))) => format!("server pid {pid}, {app}"),
        _ => "another session".to_owned(),
    }
}
