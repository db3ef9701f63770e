//! The checks of `cli health`, one function each: the SQL, the figure, the level.

use std::time::{Duration, Instant};

use migrations::MigrationSet;
use migrations::runner::{Options, Session, Silent, State};
use sea_orm::sqlx::{self, Row as _, postgres::PgConnection};

use super::{Check, Level, Thresholds, num};

pub(super) fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

pub(super) async fn connectivity(
    conn: &mut PgConnection,
    connect: Duration,
    t: &Thresholds,
) -> Check {
    let start = Instant::now();
    let ok = sqlx::query("SELECT 1").execute(&mut *conn).await;
    let rtt = start.elapsed();
    match ok {
        Err(e) => Check::new(
            "connectivity",
            Level::Fail,
            "SELECT 1 failed".into(),
            String::new(),
        )
        .details(vec![e.to_string()]),
        Ok(_) => Check::new(
            "connectivity",
            t.above(ms(rtt), "latency_warn_ms", "latency_fail_ms"),
            format!(
                "{:.1} ms round trip (connect {:.0} ms)",
                ms(rtt),
                ms(connect)
            ),
            t.range("latency_warn_ms", "latency_fail_ms", " ms"),
        ),
    }
}

pub(super) async fn performance(
    conn: &mut PgConnection,
    t: &Thresholds,
) -> Result<Check, sqlx::Error> {
    let start = Instant::now();
    let _: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid \
         JOIN pg_namespace n ON n.oid = c.relnamespace WHERE a.attnum > 0",
    )
    .fetch_one(&mut *conn)
    .await?;
    let took = start.elapsed();
    Ok(Check::new(
        "query response",
        t.above(ms(took), "query_warn_ms", "query_fail_ms"),
        format!("{:.1} ms for a catalog join", ms(took)),
        t.range("query_warn_ms", "query_fail_ms", " ms"),
    ))
}

pub(super) async fn replication(
    conn: &mut PgConnection,
    t: &Thresholds,
) -> Result<Check, sqlx::Error> {
    let range = t.range("replication_lag_warn_s", "replication_lag_fail_s", " s");
    let standby: bool = sqlx::query_scalar("SELECT pg_is_in_recovery()")
        .fetch_one(&mut *conn)
        .await?;
    if standby {
        let lag: f64 = sqlx::query_scalar(
            "SELECT coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0)::float8",
        )
        .fetch_one(&mut *conn)
        .await?;
        return Ok(Check::new(
            "replication",
            t.above(lag, "replication_lag_warn_s", "replication_lag_fail_s"),
            format!("standby, last replay {lag:.1} s ago"),
            range,
        ));
    }
    let rows = sqlx::query(
        "SELECT coalesce(application_name, '') || ' ' || coalesce(client_addr::text, 'local') AS who, \
         state, coalesce(extract(epoch FROM replay_lag), 0)::float8 AS lag \
         FROM pg_stat_replication ORDER BY 3 DESC",
    )
    .fetch_all(&mut *conn)
    .await?;
    if rows.is_empty() {
        return Ok(Check::new(
            "replication",
            Level::Ok,
            "primary, no replicas".into(),
            range,
        ));
    }
    let mut worst = 0.0f64;
    let mut details = Vec::new();
    for r in &rows {
        let lag: f64 = r.try_get("lag")?;
        let who: String = r.try_get("who")?;
        let state: String = r.try_get("state")?;
        worst = worst.max(lag);
        details.push(format!("{} ({state}): replay lag {lag:.1} s", who.trim()));
    }
    Ok(Check::new(
        "replication",
        t.above(worst, "replication_lag_warn_s", "replication_lag_fail_s"),
        format!("{} replica(s), max replay lag {worst:.1} s", rows.len()),
        range,
    )
    .details(details))
}

pub(super) fn bytes(n: i64) -> String {
    let n = n as f64;
    if n >= 1024.0 * 1024.0 * 1024.0 {
        format!("{:.1} GB", n / 1024.0 / 1024.0 / 1024.0)
    } else if n >= 1024.0 * 1024.0 {
        format!("{:.1} MB", n / 1024.0 / 1024.0)
    } else {
        format!("{:.0} kB", n / 1024.0)
    }
}

pub(super) async fn size(conn: &mut PgConnection, t: &Thresholds) -> Result<Check, sqlx::Error> {
    let db: i64 = sqlx::query_scalar("SELECT pg_database_size(current_database())::bigint")
        .fetch_one(&mut *conn)
        .await?;
    // Candidates by the planner's page counts (no lock), then exact sizes, each giving up
    // at once (lock_timeout) on a table someone holds exclusively.
    let candidates: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT c.oid::bigint, n.nspname || '.' || c.relname, \
         ((c.relpages::bigint + coalesce((SELECT sum(x.relpages) FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid \
              WHERE i.indrelid = c.oid), 0)::bigint) * current_setting('block_size')::bigint) \
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') \
         AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 3 DESC, 2 LIMIT 20",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut tables: Vec<(String, i64)> = Vec::new();
    for (oid, name, estimate) in candidates {
        let exact: Result<i64, _> =
            sqlx::query_scalar("SELECT pg_total_relation_size($1::bigint::oid)::bigint")
                .bind(oid)
                .fetch_one(&mut *conn)
                .await;
        tables.push((name, exact.unwrap_or(estimate)));
    }
    tables.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    tables.truncate(5);
    let gb = db as f64 / 1024.0 / 1024.0 / 1024.0;
    let largest = tables
        .first()
        .map(|(n, s)| format!(", largest table {n} {}", bytes(*s)))
        .unwrap_or_default();
    Ok(Check::new(
        "size",
        t.above(gb, "database_size_warn_gb", "database_size_fail_gb"),
        format!("database {}{largest}", bytes(db)),
        t.range("database_size_warn_gb", "database_size_fail_gb", " GB"),
    )
    .details(
        tables
            .iter()
            .map(|(n, s)| format!("{n}: {}", bytes(*s)))
            .collect(),
    ))
}

pub(super) async fn connections(
    conn: &mut PgConnection,
    t: &Thresholds,
) -> Result<Check, sqlx::Error> {
    let (used, max): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::bigint, \
         current_setting('max_connections')::bigint",
    )
    .fetch_one(&mut *conn)
    .await?;
    let pct = used as f64 * 100.0 / (max.max(1) as f64);
    let by_state: Vec<(String, i64)> = sqlx::query_as(
        "SELECT coalesce(state, 'unknown'), count(*)::bigint FROM pg_stat_activity \
         WHERE backend_type = 'client backend' GROUP BY 1 ORDER BY 2 DESC, 1",
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(Check::new(
        "connections",
        t.above(pct, "connections_warn_pct", "connections_fail_pct"),
        format!("{used} of max_connections {max} ({pct:.0}%)"),
        t.range("connections_warn_pct", "connections_fail_pct", "%"),
    )
    .details(by_state.iter().map(|(s, n)| format!("{s}: {n}")).collect()))
}

pub(super) async fn long_queries(
    conn: &mut PgConnection,
    t: &Thresholds,
) -> Result<Check, sqlx::Error> {
    let rows: Vec<(i32, f64, String, String)> = sqlx::query_as(
        "SELECT pid, extract(epoch FROM now() - CASE WHEN state = 'active' THEN query_start ELSE xact_start END)::float8, \
         state, left(regexp_replace(query, '\\s+', ' ', 'g'), 120) \
         FROM pg_stat_activity \
         WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() \
         AND datname = current_database() \
         AND state IN ('active', 'idle in transaction', 'idle in transaction (aborted)') \
         AND CASE WHEN state = 'active' THEN query_start ELSE xact_start END IS NOT NULL \
         ORDER BY 2 DESC",
    )
    .fetch_all(&mut *conn)
    .await?;
    let warn = t.get("long_query_warn_s");
    let long: Vec<&(i32, f64, String, String)> = rows.iter().filter(|r| r.1 > warn).collect();
    let worst = long.first().map_or(0.0, |r| r.1);
    let figure = if long.is_empty() {
        format!("none over {} s", num(warn))
    } else {
        format!("{} over {} s, longest {worst:.0} s", long.len(), num(warn))
    };
    Ok(Check::new(
        "long queries",
        t.above(worst, "long_query_warn_s", "long_query_fail_s"),
        figure,
        t.range("long_query_warn_s", "long_query_fail_s", " s"),
    )
    .details(
        long.iter()
            .map(|(pid, s, state, q)| format!("pid {pid}, {s:.0} s, {state}: {q}"))
            .collect(),
    ))
}

pub(super) async fn integrity(
    conn: &mut PgConnection,
    t: &Thresholds,
) -> Result<Check, sqlx::Error> {
    // A foreign key is covered when a full (not partial) index's leading columns are its
    // columns. Without one, a DELETE or key UPDATE on the referenced table scans the
    // referencing one: it matters from a size on (`fk_unindexed_min_rows`).
    let all_unindexed: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT n.nspname || '.' || r.relname, c.conname, \
         greatest(r.reltuples::bigint, coalesce(s.n_live_tup, 0))::bigint FROM pg_constraint c \
         JOIN pg_class r ON r.oid = c.conrelid JOIN pg_namespace n ON n.oid = r.relnamespace \
         LEFT JOIN pg_stat_user_tables s ON s.relid = r.oid \
         WHERE c.contype = 'f' AND n.nspname NOT IN ('pg_catalog', 'information_schema') \
         AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.conrelid AND i.indpred IS NULL \
             AND (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(c.conkey)] @> c.conkey) \
         ORDER BY 1, 2",
    )
    .fetch_all(&mut *conn)
    .await?;
    let min_rows = t.get("fk_unindexed_min_rows");
    let (unindexed, small): (Vec<_>, Vec<_>) = all_unindexed
        .into_iter()
        .partition(|(_, _, rows)| *rows as f64 >= min_rows);
    let not_valid: Vec<(String, String)> = sqlx::query_as(
        "SELECT n.nspname || '.' || r.relname, c.conname FROM pg_constraint c \
         JOIN pg_class r ON r.oid = c.conrelid JOIN pg_namespace n ON n.oid = r.relnamespace \
         WHERE NOT c.convalidated AND c.contype IN ('f', 'c') ORDER BY 1, 2",
    )
    .fetch_all(&mut *conn)
    .await?;
    let no_key: Vec<(String,)> = sqlx::query_as(
        "SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition \
         AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' \
         AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'p') \
         ORDER BY 1",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut details: Vec<String> = unindexed
        .iter()
        .map(|(t, c, n)| format!("foreign key {c} on {t} has no index on its columns ({n} rows)"))
        .collect();
    details.extend(not_valid.iter().map(|(t, c)| {
        format!("constraint {c} on {t} is NOT VALID (not checked on existing rows)")
    }));
    details.extend(
        no_key
            .iter()
            .map(|(t,)| format!("table {t} has no primary key")),
    );
    let level = if details.is_empty() {
        Level::Ok
    } else {
        Level::Warn
    };
    details.extend(small.iter().map(|(t, c, n)| {
        format!("foreign key {c} on {t} has no index on its columns (only {n} rows: not judged)")
    }));
    Ok(Check::new(
        "integrity",
        level,
        format!(
            "{} unindexed foreign keys (tables of {}+ rows), {} NOT VALID constraints, {} tables without primary key",
            unindexed.len(),
            num(min_rows),
            not_valid.len(),
            no_key.len()
        ),
        "warn > 0".into(),
    )
    .details(details))
}

pub(super) async fn indexes(conn: &mut PgConnection, t: &Thresholds) -> Result<Check, sqlx::Error> {
    let invalid: Vec<(String,)> = sqlx::query_as(
        "SELECT n.nspname || '.' || c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
         JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT i.indisvalid ORDER BY 1",
    )
    .fetch_all(&mut *conn)
    .await?;
    let min_bytes = (t.get("unused_index_min_mb") * 1024.0 * 1024.0) as i64;
    let unused: Vec<(String, i64)> = sqlx::query_as(
        "SELECT s.schemaname || '.' || s.indexrelname, \
         (c.relpages::bigint * current_setting('block_size')::bigint) \
         FROM pg_stat_user_indexes s JOIN pg_index i ON i.indexrelid = s.indexrelid \
         JOIN pg_class c ON c.oid = s.indexrelid \
         WHERE s.idx_scan = 0 AND NOT i.indisunique AND NOT i.indisprimary \
         AND c.relpages::bigint * current_setting('block_size')::bigint >= $1 ORDER BY 2 DESC, 1",
    )
    .bind(min_bytes)
    .fetch_all(&mut *conn)
    .await?;
    let level = if !invalid.is_empty() {
        Level::Fail
    } else if !unused.is_empty() {
        Level::Warn
    } else {
        Level::Ok
    };
    let mut details: Vec<String> = invalid
        .iter()
        .map(|(i,)| format!("index {i} is INVALID (a failed CREATE INDEX CONCURRENTLY?): drop it and build it again"))
        .collect();
    details.extend(
        unused
            .iter()
            .map(|(i, s)| format!("index {i} ({}) was never scanned", bytes(*s))),
    );
    Ok(Check::new(
        "indexes",
        level,
        format!(
            "{} invalid, {} unused of {} MB or more",
            invalid.len(),
            unused.len(),
            num(t.get("unused_index_min_mb"))
        ),
        "fail: any invalid; warn: any unused".into(),
    )
    .details(details))
}

pub(super) async fn locks(conn: &mut PgConnection, t: &Thresholds) -> Result<Check, sqlx::Error> {
    let rows: Vec<(i32, String, f64, String)> = sqlx::query_as(
        "SELECT a.pid, array_to_string(pg_blocking_pids(a.pid), ','), \
         coalesce((SELECT extract(epoch FROM now() - min(l.waitstart)) FROM pg_locks l \
                   WHERE l.pid = a.pid AND NOT l.granted), \
                  extract(epoch FROM now() - a.query_start), 0)::float8, \
         left(regexp_replace(coalesce(a.query, ''), '\\s+', ' ', 'g'), 120) \
         FROM pg_stat_activity a WHERE a.datname = current_database() \
         AND cardinality(pg_blocking_pids(a.pid)) > 0 ORDER BY 3 DESC",
    )
    .fetch_all(&mut *conn)
    .await?;
    let worst = rows.first().map_or(0.0, |r| r.2);
    let level = if rows.is_empty() {
        Level::Ok
    } else {
        // A blocked session is reported once it has waited past the threshold.
        t.above(worst, "lock_wait_warn_s", "lock_wait_fail_s")
    };
    let figure = if rows.is_empty() {
        "no session waits for another's lock".into()
    } else {
        format!(
            "{} blocked session(s), longest wait {worst:.1} s",
            rows.len()
        )
    };
    Ok(Check::new(
        "blocking locks",
        level,
        figure,
        t.range("lock_wait_warn_s", "lock_wait_fail_s", " s"),
    )
    .details(
        rows.iter()
            .map(|(pid, by, s, q)| format!("pid {pid} waits {s:.1} s for pid {by}: {q}"))
            .collect(),
    ))
}

pub(super) async fn cache(conn: &mut PgConnection, t: &Thresholds) -> Result<Check, sqlx::Error> {
    let (hit, read): (i64, i64) = sqlx::query_as(
        "SELECT coalesce(blks_hit, 0)::bigint, coalesce(blks_read, 0)::bigint \
         FROM pg_stat_database WHERE datname = current_database()",
    )
    .fetch_one(&mut *conn)
    .await?;
    let total = hit + read;
    let pct = if total == 0 {
        100.0
    } else {
        hit as f64 * 100.0 / total as f64
    };
    let threshold = format!(
        "warn < {}%, fail < {}% (judged after {} blocks)",
        num(t.get("cache_hit_warn_pct")),
        num(t.get("cache_hit_fail_pct")),
        num(t.get("cache_min_blocks"))
    );
    if (total as f64) < t.get("cache_min_blocks") {
        return Ok(Check::new(
            "cache hit ratio",
            Level::Ok,
            format!("{pct:.1}% of {total} blocks (too few reads to judge)"),
            threshold,
        ));
    }
    let level = if pct < t.get("cache_hit_fail_pct") {
        Level::Fail
    } else if pct < t.get("cache_hit_warn_pct") {
        Level::Warn
    } else {
        Level::Ok
    };
    Ok(Check::new(
        "cache hit ratio",
        level,
        format!("{pct:.1}% of {total} blocks"),
        threshold,
    ))
}

pub(super) async fn migrations_check(url: &str, set: MigrationSet) -> Check {
    let mut silent = Silent;
    let status = match Session::open(url, set, Options::default(), &mut silent).await {
        Ok(mut s) => s.status().await,
        Err(e) => Err(e),
    };
    let status = match status {
        Ok(s) => s,
        Err(e) => {
            return Check::new(
                "migrations",
                Level::Fail,
                "cannot read the history".into(),
                String::new(),
            )
            .details(vec![e.to_string()]);
        }
    };
    let applied = status
        .rows
        .iter()
        .filter(|r| r.applied_at.is_some())
        .count();
    let pending: Vec<&str> = status
        .rows
        .iter()
        .filter(|r| r.state == State::Pending)
        .map(|r| r.name.as_str())
        .collect();
    let mut details: Vec<String> = status
        .rows
        .iter()
        .filter(|r| r.state.is_problem())
        .map(|r| format!("{}: {}", r.name, r.state.label()))
        .collect();
    details.extend(
        status
            .sum_errors
            .iter()
            .map(|e| format!("migrations.sum: {e}")),
    );
    details.extend(pending.iter().map(|p| format!("{p}: pending")));
    let newest = status
        .rows
        .iter()
        .filter(|r| r.applied_at.is_some())
        .map(|r| r.version)
        .max()
        .unwrap_or(0);
    let level = if status.has_problems() {
        Level::Fail
    } else if !pending.is_empty() || applied == 0 {
        Level::Warn
    } else {
        Level::Ok
    };
    Check::new(
        "migrations",
        level,
        format!(
            "{applied} applied (version {newest:03}), {} pending, checksums {}",
            pending.len(),
            if status.has_problems() {
                "changed"
            } else {
                "intact"
            }
        ),
        "fail: edited or missing applied file; warn: pending".into(),
    )
    .details(details)
}

/// Schema drift: the live catalog against the declaration, as `cli verify` compares them
/// (the declaration is built in a scratch database to read it in the server's own form).
/// Without the right to create that database the check is skipped, never called healthy.
pub(super) async fn drift(url: &str) -> Check {
    let opts = introspect::VerifyOptions {
        scratch: introspect::Scratch::CreateDatabase,
        deep: false,
    };
    match introspect::verify(url, &schema::database(), &opts).await {
        Ok(r) if r.clean => Check::new(
            "drift",
            Level::Ok,
            format!("matches the declaration ({} schemas)", r.schemas.len()),
            "no difference".into(),
        ),
        Ok(r) => Check::new(
            "drift",
            Level::Warn,
            format!("{} differences from the declaration", r.drift.len()),
            "no difference; `cli verify` shows them and the SQL that repairs them".into(),
        )
        .details(
            r.drift
                .iter()
                .map(|d| format!("{:?} {} {}", d.state, d.kind, d.object))
                .collect(),
        ),
        Err(e) => Check::new(
            "drift",
            Level::Skip,
            format!("not checked: {e}"),
            String::new(),
        ),
    }
}
