//! The runner and online migrations: a concurrent index build that failed earlier leaves an
//! INVALID index; the retry drops it and builds a valid one (`IF NOT EXISTS` alone would
//! keep the broken index), and the online steps codegen writes run outside a transaction.

mod common;

use common::{Fixture, migrate_dir};

const BASE: &str = "CREATE SCHEMA zd;\nCREATE TABLE zd.t (id int PRIMARY KEY, email text);\nINSERT INTO zd.t SELECT g, 'a' || g FROM generate_series(1, 1000) g;\n";
const BASE_DOWN: &str = "DROP SCHEMA zd CASCADE;\n";
const ONLINE: &str = "-- @transaction: none\nSET lock_timeout = '5s';\nCREATE INDEX CONCURRENTLY IF NOT EXISTS t_email_idx ON zd.t (email);\nALTER TABLE zd.t ADD CONSTRAINT t_email_nn CHECK (email IS NOT NULL) NOT VALID;\n";
const ONLINE_FIXED: &str = "-- @transaction: none\nSET lock_timeout = '5s';\nCREATE INDEX CONCURRENTLY IF NOT EXISTS t_email_idx ON zd.t (email);\nDO $b$ BEGIN UPDATE zd.t SET email = 'x' WHERE email IS NULL; COMMIT; END $b$;\nALTER TABLE zd.t VALIDATE CONSTRAINT t_email_nn;\nALTER TABLE zd.t ALTER COLUMN email SET NOT NULL;\nALTER TABLE zd.t DROP CONSTRAINT IF EXISTS t_email_nn;\n";
const ONLINE_DOWN: &str =
    "-- @transaction: none\nDROP INDEX CONCURRENTLY IF EXISTS zd.t_email_idx;\n";

#[test]
fn a_retried_concurrent_build_replaces_the_invalid_index_an_earlier_attempt_left() {
    let db = pgharness::database("online_retry");
    let dir = Fixture::new(&[
        ("001_base.sql", BASE),
        ("001_base.down.sql", BASE_DOWN),
        (
            "002_check.sql",
            "ALTER TABLE zd.t ADD CONSTRAINT t_email_nn CHECK (email IS NOT NULL) NOT VALID;\n",
        ),
        (
            "002_check.down.sql",
            "ALTER TABLE zd.t DROP CONSTRAINT IF EXISTS t_email_nn;\n",
        ),
        ("003_check_online.sql", ONLINE_FIXED),
        ("003_check_online.down.sql", ONLINE_DOWN),
    ]);
    migrate_dir(&db.url, &dir, &["up", "--to", "2"]).ok();
    // What a build that hit its lock timeout leaves behind.
    db.exec(
        "CREATE INDEX t_email_idx ON zd.t (email);
         UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'zd.t_email_idx'::regclass;",
    );
    migrate_dir(&db.url, &dir, &["up"]).ok();
    assert_eq!(
        db.exec("SELECT indisvalid FROM pg_index WHERE indexrelid = 'zd.t_email_idx'::regclass"),
        "t"
    );
    assert_eq!(
        db.exec("SELECT attnotnull FROM pg_attribute WHERE attrelid = 'zd.t'::regclass AND attname = 'email'"),
        "t"
    );
    migrate_dir(&db.url, &dir, &["down", "--to", "0"]).ok();
}

#[test]
fn a_no_transaction_file_refuses_a_statement_the_online_patterns_do_not_write() {
    let db = pgharness::database("online_refuse");
    let dir = Fixture::new(&[
        ("001_base.sql", BASE),
        ("001_base.down.sql", BASE_DOWN),
        ("002_online.sql", ONLINE),
        ("002_online.down.sql", ONLINE_DOWN),
    ]);
    let run = migrate_dir(&db.url, &dir, &["up"]).code(1);
    assert!(
        run.error_line().contains("ADD CONSTRAINT"),
        "{}",
        run.error_line()
    );
}
