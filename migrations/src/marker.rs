//! The `-- @transaction: none` marker and the checks that go with it.
//!
//! By default a migration file runs in one transaction. A file whose leading comment block
//! holds the line `-- @transaction: none` runs statement by statement outside a
//! transaction, which `CREATE INDEX CONCURRENTLY` and friends require. Such a file gives up
//! atomicity, so it may hold only statements that need no transaction; anything else is
//! refused before the database is touched.

use crate::split::Statement;

/// The marker line, exactly as the codegen writes it.
pub const NO_TRANSACTION_MARKER: &str = "-- @transaction: none";

const MARKER_PREFIX: &str = "-- @transaction:";

/// How a migration file runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxMode {
    /// One transaction for the whole file and its history row.
    Transaction,
    /// Each statement on its own, committed as it runs.
    None,
}

impl TxMode {
    pub fn is_transactional(self) -> bool {
        self == TxMode::Transaction
    }
}

/// Reads the marker from the leading comment block (the lines before the first line that
/// is neither blank nor a `--` comment).
pub fn tx_mode(contents: &str) -> Result<TxMode, String> {
    let mut mode = TxMode::Transaction;
    let mut in_header = true;
    for (i, raw) in contents.lines().enumerate() {
        let line = raw.trim();
        in_header = in_header && (line.is_empty() || line.starts_with("--"));
        let Some(value) = line.strip_prefix(MARKER_PREFIX) else {
            continue;
        };
        if !in_header {
            return Err(format!(
                "line {}: `{line}` must be in the comment block at the top of the file",
                i + 1
            ));
        }
        match value.trim() {
            "none" => mode = TxMode::None,
            other => {
                return Err(format!(
                    "line {}: unknown transaction mode `{other}` (the only marker is `{NO_TRANSACTION_MARKER}`)",
                    i + 1
                ));
            }
        }
    }
    Ok(mode)
}

/// Checks the statements fit the file's mode; on failure returns (line, message).
pub fn check_statements(mode: TxMode, statements: &[Statement]) -> Result<(), (usize, String)> {
    for s in statements {
        let words = s.keywords();
        let w: Vec<&str> = words.iter().map(String::as_str).collect();
        if is_transaction_control(&w) {
            return Err((
                s.line,
                format!(
                    "`{}`: migration files must not control transactions; the runner wraps each file in one (or none, with `{NO_TRANSACTION_MARKER}`)",
                    s.summary()
                ),
            ));
        }
        match mode {
            TxMode::Transaction if cannot_run_in_transaction(&w) => {
                return Err((
                    s.line,
                    format!(
                        "`{}` cannot run inside a transaction: put it in a migration of its own whose header has `{NO_TRANSACTION_MARKER}`",
                        s.summary()
                    ),
                ));
            }
            TxMode::None if !needs_no_transaction(&w) => {
                return Err((
                    s.line,
                    format!(
                        "`{}` needs a transaction, but this file has `{NO_TRANSACTION_MARKER}`: such a file may hold only CREATE/DROP INDEX CONCURRENTLY, REINDEX … CONCURRENTLY, DETACH PARTITION … CONCURRENTLY, ALTER TYPE … ADD VALUE, ALTER TABLE … VALIDATE CONSTRAINT / ALTER COLUMN … SET NOT NULL / DROP CONSTRAINT IF EXISTS, DO blocks, VACUUM, ANALYZE and SET; move the rest to a transactional migration",
                        s.summary()
                    ),
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

fn is_transaction_control(w: &[&str]) -> bool {
    matches!(
        w,
        [
            "BEGIN" | "COMMIT" | "ROLLBACK" | "ABORT" | "END" | "SAVEPOINT" | "RELEASE",
            ..
        ] | ["START", "TRANSACTION", ..]
    )
}

/// Statements PostgreSQL refuses inside a transaction block.
fn cannot_run_in_transaction(w: &[&str]) -> bool {
    match w {
        ["CREATE", "INDEX", "CONCURRENTLY", ..]
        | ["CREATE", "UNIQUE", "INDEX", "CONCURRENTLY", ..]
        | ["DROP", "INDEX", "CONCURRENTLY", ..]
        | ["VACUUM", ..]
        | ["CREATE" | "DROP", "DATABASE" | "TABLESPACE", ..]
        | ["ALTER", "SYSTEM", ..] => true,
        ["REINDEX", ..] => w.contains(&"CONCURRENTLY"),
        ["ALTER", "TABLE", ..] => w.contains(&"DETACH") && w.contains(&"CONCURRENTLY"),
        _ => false,
    }
}

/// Statements that are fine, and need no atomicity, outside a transaction: besides the
/// concurrent index work, the steps of the zero-downtime patterns codegen writes, each
/// safe to run again after a failure (VALIDATE CONSTRAINT, SET NOT NULL, DROP CONSTRAINT
/// IF EXISTS, a DO block that backfills in committed batches).
fn needs_no_transaction(w: &[&str]) -> bool {
    let has = |pair: [&str; 2]| w.windows(2).any(|p| p == pair);
    cannot_run_in_transaction(w)
        || matches!(w, ["ANALYZE" | "SET" | "RESET" | "DO", ..])
        || matches!(w, ["ALTER", "TYPE", ..] if has(["ADD", "VALUE"]))
        || matches!(w, ["ALTER", "TABLE", ..]
            if has(["VALIDATE", "CONSTRAINT"])
                || (has(["SET", "NOT"]) && w.len() <= 10)
                || w.windows(4).any(|p| p == ["DROP", "CONSTRAINT", "IF", "EXISTS"]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::split::split;

    #[test]
    fn the_marker_in_the_header_turns_the_transaction_off() {
        let sql = "-- @generated by codegen\n-- @transaction: none\n\nCREATE INDEX CONCURRENTLY i ON t (x);\n";
        assert_eq!(tx_mode(sql), Ok(TxMode::None));
        assert_eq!(tx_mode("-- header\nSELECT 1;\n"), Ok(TxMode::Transaction));
    }

    #[test]
    fn a_marker_below_the_header_is_refused() {
        let err = tx_mode("SELECT 1;\n-- @transaction: none\n").expect_err("refused");
        assert!(err.contains("line 2"), "{err}");
    }

    #[test]
    fn an_unknown_marker_value_is_refused() {
        assert!(tx_mode("-- @transaction: maybe\n").is_err());
    }

    #[test]
    fn a_no_transaction_file_refuses_statements_that_need_one() {
        let stmts =
            split("CREATE INDEX CONCURRENTLY i ON t (x);\n\nCREATE TABLE u (x int);").expect("ok");
        let (line, msg) = check_statements(TxMode::None, &stmts).expect_err("refused");
        assert_eq!(line, 3);
        assert!(msg.contains("CREATE TABLE u"), "{msg}");
    }

    #[test]
    fn a_no_transaction_file_accepts_concurrent_index_work() {
        let stmts = split(
            "SET lock_timeout = '5s';\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i ON t (x);\nDROP INDEX CONCURRENTLY j;\nALTER TYPE s.e ADD VALUE 'x';\nREINDEX INDEX CONCURRENTLY k;",
        )
        .expect("ok");
        assert_eq!(check_statements(TxMode::None, &stmts), Ok(()));
    }

    #[test]
    fn a_no_transaction_file_accepts_the_online_steps_codegen_writes() {
        let stmts = split(
            "ALTER TABLE a.t VALIDATE CONSTRAINT c;\nALTER TABLE a.t ALTER COLUMN x SET NOT NULL;\nALTER TABLE a.t DROP CONSTRAINT IF EXISTS c;\nDO $b$ BEGIN COMMIT; END $b$;",
        )
        .expect("ok");
        assert_eq!(check_statements(TxMode::None, &stmts), Ok(()));
        let other = split("ALTER TABLE a.t ADD COLUMN x int;").expect("ok");
        assert!(check_statements(TxMode::None, &other).is_err());
    }

    #[test]
    fn a_transactional_file_with_concurrent_index_points_to_the_marker() {
        let stmts = split("CREATE INDEX CONCURRENTLY i ON t (x);").expect("ok");
        let (_, msg) = check_statements(TxMode::Transaction, &stmts).expect_err("refused");
        assert!(msg.contains(NO_TRANSACTION_MARKER), "{msg}");
    }

    #[test]
    fn transaction_control_in_a_file_is_refused() {
        let stmts = split("BEGIN;\nCREATE TABLE t ();\nCOMMIT;").expect("ok");
        assert_eq!(
            check_statements(TxMode::Transaction, &stmts).map_err(|e| e.0),
            Err(1)
        );
    }
}
