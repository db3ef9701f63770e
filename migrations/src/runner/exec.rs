//! Running one migration file: statement by statement, in one transaction unless the file
//! says otherwise, with the history row written in the same transaction.

use std::time::{Duration, Instant};

use sea_orm_migration::sea_orm::sqlx::{
    self, AssertSqlSafe,
    postgres::{PgConnection, PgDatabaseError, PgErrorPosition},
};

use super::history;
use super::{Direction, Observer};
use crate::error::RunError;
use crate::source::{Migration, Script};
use crate::split::Statement;

/// The file `direction` runs for `m`.
pub fn script(m: &Migration, direction: Direction) -> Result<&Script, RunError> {
    match direction {
        Direction::Up => Ok(&m.up),
        Direction::Down => m.down.as_ref().ok_or_else(|| RunError::NoDown {
            name: m.name.clone(),
        }),
    }
}

/// The history statement that goes with running `m` in `direction`. In a transaction the
/// duration is measured by the server (`clock_timestamp() - now()`), so `--dry-run`
/// prints the very statement that runs.
fn history_sql(m: &Migration, direction: Direction, elapsed: Option<Duration>) -> String {
    match direction {
        Direction::Down => history::delete_sql(m),
        Direction::Up => match elapsed {
            Some(d) => history::insert_sql(m, &d.as_millis().to_string()),
            None => history::insert_sql(
                m,
                "(extract(epoch FROM clock_timestamp() - now()) * 1000)::bigint",
            ),
        },
    }
}

/// The SQL running `m` would send, in order, for `--dry-run`.
pub fn render(m: &Migration, direction: Direction) -> Result<String, RunError> {
    let s = script(m, direction)?;
    let mut out = String::new();
    let how = if s.tx.is_transactional() {
        "one transaction"
    } else {
        "no transaction: each statement commits on its own"
    };
    out.push_str(&format!("-- {} ({}, {how})\n", s.file, direction.word()));
    if s.tx.is_transactional() {
        out.push_str("BEGIN;\n");
    }
    for st in &s.statements {
        out.push_str(&st.sql);
        out.push('\n');
    }
    let hist = if s.tx.is_transactional() {
        history_sql(m, direction, None)
    } else {
        history_sql(m, direction, Some(Duration::ZERO))
    };
    out.push_str(&hist);
    out.push('\n');
    if s.tx.is_transactional() {
        out.push_str("COMMIT;\n");
    }
    Ok(out)
}

/// Runs `m` in `direction`; on failure the migration leaves no trace (when transactional)
/// and the error names the file, the statement and its line.
pub async fn run(
    conn: &mut PgConnection,
    m: &Migration,
    direction: Direction,
    observer: &mut dyn Observer,
) -> Result<Duration, RunError> {
    let s = script(m, direction)?;
    let started = Instant::now();
    observer.start(&m.name, direction, s.statements.len());
    let tx = s.tx.is_transactional();
    if tx {
        exec(conn, "BEGIN")
            .await
            .map_err(|e| history::db_err("cannot begin a transaction", &e))?;
    }
    for (i, st) in s.statements.iter().enumerate() {
        if !tx && let Some((index, table)) = concurrent_index_target(&st.sql) {
            drop_invalid_index(conn, &index, &table)
                .await
                .map_err(|e| {
                    history::db_err(
                        "cannot look for an invalid index left by an earlier attempt",
                        &e,
                    )
                })?;
        }
        if let Err(e) = exec(conn, &st.sql).await {
            let aftermath = if tx {
                // The rollback result does not matter: a dead connection rolls back too.
                let _ = exec(conn, "ROLLBACK").await;
                format!(
                    "; {} was rolled back (earlier migrations stay applied)",
                    s.file
                )
            } else if i == 0 {
                format!(
                    "; {} runs without a transaction: nothing of it was applied",
                    s.file
                )
            } else {
                format!(
                    "; {} runs without a transaction: its statements before line {} stay applied and it is not recorded",
                    s.file, st.line
                )
            };
            return Err(statement_error(&e, s, st, aftermath));
        }
        observer.statement(i + 1);
    }
    let hist = history_sql(m, direction, (!tx).then(|| started.elapsed()));
    let finish = async {
        exec(conn, &hist).await?;
        if tx {
            exec(conn, "COMMIT").await?;
        }
        Ok::<(), sqlx::Error>(())
    };
    if let Err(e) = finish.await {
        if tx {
            let _ = exec(conn, "ROLLBACK").await;
        }
        let last_line = s.statements.last().map_or(1, |st| st.line);
        let commit = Statement {
            line: last_line,
            sql: "COMMIT".to_owned(),
        };
        return Err(statement_error(
            &e,
            s,
            &commit,
            format!("; {} was rolled back", s.file),
        ));
    }
    let elapsed = started.elapsed();
    // A `SET search_path` (or any SET) in one file must not leak into the next: the
    // result of `up` must not depend on how many migrations one run applies. RESET
    // restores the values the session started with, URL options included.
    exec(conn, "RESET ALL")
        .await
        .map_err(|e| history::db_err("cannot reset session settings", &e))?;
    observer.finish(&m.name, direction, elapsed);
    Ok(elapsed)
}

/// The index and table of a `CREATE [UNIQUE] INDEX CONCURRENTLY [IF NOT EXISTS] name ON
/// table` statement, as written (quoted identifiers kept).
fn concurrent_index_target(sql: &str) -> Option<(String, String)> {
    let words = identifier_words(sql);
    let w: Vec<&str> = words.iter().map(String::as_str).collect();
    let upper: Vec<String> = w.iter().map(|x| x.to_ascii_uppercase()).collect();
    let u: Vec<&str> = upper.iter().map(String::as_str).collect();
    let rest = match u.as_slice() {
        ["CREATE", "INDEX", "CONCURRENTLY", ..] => 3,
        ["CREATE", "UNIQUE", "INDEX", "CONCURRENTLY", ..] => 4,
        _ => return None,
    };
    let rest = if u.get(rest..rest + 3) == Some(&["IF", "NOT", "EXISTS"][..]) {
        rest + 3
    } else {
        rest
    };
    match (w.get(rest), u.get(rest + 1), w.get(rest + 2)) {
        (Some(name), Some(&"ON"), Some(table)) => Some(((*name).to_owned(), (*table).to_owned())),
        _ => None,
    }
}

/// Words of a statement, a double-quoted identifier (with a qualifying `schema.` part)
/// kept as one word.
fn identifier_words(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push_str("\"\"");
                chars.next();
            }
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            c if !quoted && (c.is_whitespace() || c == '(' || c == ';') => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                if c == '(' {
                    break;
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// A concurrent build that failed (lock timeout, a duplicate for a unique index) leaves an
/// INVALID index behind; `IF NOT EXISTS` would then skip the build and keep the broken
/// index. So before the statement runs again, such a leftover is dropped.
async fn drop_invalid_index(
    conn: &mut PgConnection,
    index: &str,
    table: &str,
) -> Result<(), sqlx::Error> {
    let leftover: Option<(String,)> = sqlx::query_as(
        "SELECT format('%I.%I', n.nspname, c.relname)
           FROM pg_index i
           JOIN pg_class c ON c.oid = i.indexrelid
           JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE NOT i.indisvalid
            AND i.indrelid = to_regclass($2)
            AND c.relname = (parse_ident($1))[array_upper(parse_ident($1), 1)]",
    )
    .bind(index)
    .bind(table)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some((name,)) = leftover {
        exec(conn, &format!("DROP INDEX CONCURRENTLY IF EXISTS {name}")).await?;
    }
    Ok(())
}

/// Runs SQL with the simple-query protocol: no prepared statement, so any utility
/// statement (CREATE INDEX CONCURRENTLY included) runs as psql would run it.
pub async fn exec(conn: &mut PgConnection, sql: &str) -> Result<(), sqlx::Error> {
    sqlx::raw_sql(AssertSqlSafe(sql))
        .execute(conn)
        .await
        .map(|_| ())
}

fn statement_error(e: &sqlx::Error, s: &Script, st: &Statement, aftermath: String) -> RunError {
    let Some(db) = e.as_database_error() else {
        return RunError::Statement {
            file: s.file.clone(),
            line: st.line,
            statement: format!("`{}`", st.summary()),
            message: one_line(&e.to_string()),
            rolled_back: aftermath,
        };
    };
    let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
    // out_of_memory class 53200 is what too many locks in one transaction gives.
    if code == "53200" {
        return RunError::OutOfSharedMemory {
            file: s.file.clone(),
            line: st.line,
            rolled_back: aftermath,
        };
    }
    let mut message = format!("{} (SQLSTATE {code})", db.message());
    if let Some(pg) = db.try_downcast_ref::<PgDatabaseError>() {
        if let Some(PgErrorPosition::Original(pos)) = pg.position() {
            let before = st.sql.chars().take(pos.saturating_sub(1));
            let line = st.line + before.filter(|&c| c == '\n').count();
            if line != st.line {
                message.push_str(&format!(" at line {line}"));
            }
        }
        if let Some(d) = pg.detail() {
            message.push_str(&format!("; detail: {d}"));
        }
        if let Some(h) = pg.hint() {
            message.push_str(&format!("; hint: {h}"));
        }
    }
    RunError::Statement {
        file: s.file.clone(),
        line: st.line,
        statement: format!("`{}`", st.summary()),
        message: one_line(&message),
        rolled_back: aftermath,
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod concurrent_index_tests {
    use super::concurrent_index_target;

    #[test]
    fn the_index_and_table_of_a_concurrent_build_are_found_as_written() {
        assert_eq!(
            concurrent_index_target(
                "CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON app.users (email);"
            ),
            Some(("users_email_idx".into(), "app.users".into()))
        );
        assert_eq!(
            concurrent_index_target(
                "CREATE UNIQUE INDEX CONCURRENTLY \"Odd Name\" ON \"My Schema\".\"T\"(x)"
            ),
            Some(("\"Odd Name\"".into(), "\"My Schema\".\"T\"".into()))
        );
        assert_eq!(concurrent_index_target("CREATE INDEX i ON t (x)"), None);
        assert_eq!(concurrent_index_target("DROP INDEX CONCURRENTLY i"), None);
    }
}
