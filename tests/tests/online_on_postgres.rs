//! Zero-downtime migrations on PostgreSQL: a table of 200,000 rows and a writer session
//! that inserts and updates in a loop while a migration changes the table (a new index, a
//! new foreign key, a new CHECK, an existing column made NOT NULL, a new NOT NULL column
//! with a constant default, a new column with a volatile default). Generated for a
//! database in use, the migration never blocks the writer for more than a stated bound
//! and no write fails; the same change in `fast` mode blocks it (the difference is the
//! point of the patterns).

use ddl::migration::{Generated, Outcome, next_migration_with};
use ddl::online::Options;
use ddl::prelude::*;
use sea_orm::ConnectionTrait;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use tests::{apply_each_ok, apply_ok, existing_after, first_migration, leftovers};

const ACCOUNTS: TableRef = TableRef::new("zd", "accounts");
const TEAMS: TableRef = TableRef::new("zd", "teams");
const ROWS: i64 = 200_000;
/// The longest the writer may wait for one statement while the online migration runs.
const ONLINE_BOUND: Duration = Duration::from_millis(1_000);

fn v1() -> Database {
    Database::new()
        .schema(Schema::new("zd"))
        .table(
            Table::new(TEAMS)
                .column(col("id", BIGINT).identity().primary_key())
                .column(col("name", TEXT)),
        )
        .table(
            Table::new(ACCOUNTS)
                .column(col("id", BIGINT).identity().primary_key())
                .column(col("email", TEXT))
                .column(col("balance", INT).not_null())
                .column(col("team_id", BIGINT)),
        )
}

fn v2() -> Database {
    let mut db = v1();
    let t = db
        .tables
        .iter_mut()
        .find(|t| t.name.name == "accounts")
        .expect("accounts");
    let mut changed = std::mem::replace(t, Table::new(ACCOUNTS))
        .index(Index::named("accounts_email_idx", ["email"]))
        .foreign_key(ForeignKey::new(["team_id"], TEAMS, ["id"]).name("accounts_team_fkey"))
        .check("accounts_balance_nonneg", "balance >= 0")
        .column(col("plan", TEXT).not_null().default_value("free"))
        .column(col("code", UUID).default("gen_random_uuid()"));
    for c in &mut changed.columns {
        if c.name == "email" {
            c.nullable = false;
            c.backfill = Some("'unknown@example.com'".into());
        }
    }
    *t = changed;
    db
}

fn step(fast: bool) -> (Generated, Generated) {
    let v1m = first_migration(&v1());
    let existing = existing_after(&v1m);
    let options = Options {
        fast,
        ..Options::default()
    };
    match next_migration_with(&existing, &v2(), None, &options) {
        Ok(Outcome::New(g)) => (v1m, *g),
        other => panic!("{other:?}"),
    }
}

struct Writer {
    stop: Arc<AtomicBool>,
    handle: std::thread::JoinHandle<(Duration, usize, Vec<String>)>,
}

/// A session inserting and updating rows as fast as it can, timing every statement.
fn writer(url: String) -> Writer {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let handle = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let db = sea_orm::Database::connect(url).await.expect("writer connects");
            let (mut max, mut n, mut errors) = (Duration::ZERO, 0usize, Vec::new());
            let mut i: i64 = 0;
            while !flag.load(Ordering::Relaxed) {
                i += 1;
                let sql = format!(
                    "INSERT INTO zd.accounts (email, balance, team_id) VALUES ('w{i}@example.com', 1, 1);
                     UPDATE zd.accounts SET balance = balance + 1 WHERE id = {};",
                    1 + (i * 7919) % ROWS
                );
                let started = Instant::now();
                if let Err(e) = db.execute_unprepared(&sql).await {
                    errors.push(e.to_string());
                }
                max = max.max(started.elapsed());
                n += 1;
            }
            (max, n, errors)
        })
    });
    Writer { stop, handle }
}

impl Writer {
    fn finish(self) -> (Duration, usize, Vec<String>) {
        self.stop.store(true, Ordering::Relaxed);
        self.handle.join().expect("writer thread")
    }
}

/// A database at v1 with the rows, and the writer running against it.
fn prepared(name: &str, v1m: &Generated) -> (pgharness::TestDb, Writer) {
    let db = pgharness::database(name);
    apply_ok(&db, &v1m.up);
    db.exec(&format!(
        "INSERT INTO zd.teams (name) VALUES ('one');
         INSERT INTO zd.accounts (email, balance, team_id)
              SELECT 'a' || g || '@example.com', g % 100, CASE WHEN g % 2 = 0 THEN 1 END
                FROM generate_series(1, {ROWS}) g;
         ANALYZE zd.accounts;"
    ));
    let w = writer(db.url.clone());
    // Let the writer reach its pace before the migration starts.
    std::thread::sleep(Duration::from_millis(300));
    (db, w)
}

#[test]
fn an_online_migration_never_blocks_a_writer_past_the_bound_and_fast_mode_does() {
    let (v1m, online) = step(false);
    let follow = online
        .follow_up
        .as_ref()
        .expect("the change has a follow-up");
    let (db, w) = prepared("zd_online", &v1m);
    apply_ok(&db, &online.up);
    apply_each_ok(&db, &follow.up);
    std::thread::sleep(Duration::from_millis(200));
    let (online_max, online_n, online_errors) = w.finish();
    assert!(online_errors.is_empty(), "writes failed: {online_errors:?}");
    assert!(online_n > 20, "the writer ran ({online_n} rounds)");
    assert!(
        online_max < ONLINE_BOUND,
        "the writer waited {online_max:?} (bound {ONLINE_BOUND:?})"
    );
    // The result is the declared table: every constraint valid, every row filled.
    let state = db.exec(
        "SELECT (SELECT count(*) FROM pg_constraint WHERE conrelid = 'zd.accounts'::regclass AND NOT convalidated),
                (SELECT attnotnull FROM pg_attribute WHERE attrelid = 'zd.accounts'::regclass AND attname = 'email'),
                (SELECT count(*) FROM zd.accounts WHERE code IS NULL OR plan IS NULL),
                (SELECT indisvalid FROM pg_index WHERE indexrelid = 'zd.accounts_email_idx'::regclass),
                (SELECT count(*) FROM pg_constraint WHERE conrelid = 'zd.accounts'::regclass AND conname LIKE '%not_null')",
    );
    assert_eq!(
        state.trim(),
        "0|t|0|t|0",
        "constraints valid, NOT NULL, rows filled, index valid, no temporary check"
    );

    let (_, fast) = step(true);
    assert!(fast.follow_up.is_none());
    let (db, w) = prepared("zd_fast", &v1m);
    apply_ok(&db, &fast.up);
    let (fast_max, _, fast_errors) = w.finish();
    assert!(fast_errors.is_empty(), "{fast_errors:?}");
    eprintln!("writer's longest statement: online {online_max:?}, fast {fast_max:?} ({ROWS} rows)");
    assert!(
        fast_max > Duration::from_millis(200) && fast_max > online_max,
        "fast mode should block the writer (it waited {fast_max:?}; online {online_max:?})"
    );
}

#[test]
fn the_online_migration_rolls_back_statement_by_statement_to_nothing() {
    let (v1m, online) = step(false);
    let follow = online.follow_up.as_ref().expect("follow-up");
    let db = pgharness::database("zd_rollback");
    apply_ok(&db, &v1m.up);
    db.exec("INSERT INTO zd.teams (name) VALUES ('one'); INSERT INTO zd.accounts (email, balance) VALUES (NULL, 1);");
    apply_ok(&db, &online.up);
    apply_each_ok(&db, &follow.up);
    assert_eq!(
        db.exec("SELECT email FROM zd.accounts").trim(),
        "unknown@example.com",
        "the backfill filled the NULL before NOT NULL"
    );
    apply_each_ok(&db, &follow.down);
    apply_each_ok(&db, &online.down);
    apply_each_ok(&db, &v1m.down);
    assert_eq!(leftovers(&db), Vec::<String>::new());
}
