//! Migrations for tables in use: a change to an existing table splits into a main migration
//! with brief locks and a follow-up `-- @transaction: none` migration with the long work
//! (concurrent index builds, validations, batched backfills); every file starts with the
//! lock and statement timeouts; `fast` keeps everything in one transactional file; each
//! statement says the lock it takes.

use ddl::migration::{Existing, Generated, Outcome, next_migration, next_migration_with};
use ddl::online::Options;
use ddl::prelude::*;
use ddl::validate::Code;

const USERS: TableRef = TableRef::new("app", "users");
const TEAMS: TableRef = TableRef::new("app", "teams");

fn v1() -> Database {
    Database::new()
        .schema(Schema::new("app"))
        .table(
            Table::new(TEAMS)
                .column(col("id", BIGINT).identity().primary_key())
                .column(col("name", TEXT)),
        )
        .table(
            Table::new(USERS)
                .column(col("id", BIGINT).identity().primary_key())
                .column(col("email", TEXT))
                .column(col("team_id", BIGINT)),
        )
}

fn first() -> Generated {
    match next_migration(&Existing::default(), &v1(), None) {
        Ok(Outcome::New(g)) => *g,
        other => panic!("{other:?}"),
    }
}

fn after(g: &Generated) -> Existing {
    Existing {
        files: vec![(g.up_file(), g.up.clone()), (g.down_file(), g.down.clone())],
        snapshot: Some(g.snapshot.clone()),
        sum: Some(g.sum.clone()),
    }
}

fn next(db: &Database, options: &Options) -> Result<Generated, ddl::validate::Diagnostics> {
    match next_migration_with(&after(&first()), db, None, options)? {
        Outcome::New(g) => Ok(*g),
        Outcome::UpToDate => panic!("expected a change"),
    }
}

/// v1 with: an index on email, an FK from team_id, a CHECK, a new NOT NULL column with a
/// backfill, and email made NOT NULL.
fn v2() -> Database {
    let mut db = v1();
    let users = db
        .tables
        .iter_mut()
        .find(|t| t.name.name == "users")
        .expect("users");
    let changed = std::mem::replace(users, Table::new(USERS))
        .index(Index::named("users_email_idx", ["email"]))
        .foreign_key(ForeignKey::new(["team_id"], TEAMS, ["id"]).name("users_team_fkey"))
        .check("users_email_shape", "email LIKE '%@%'");
    let mut changed = changed.column(col("plan", TEXT).not_null().backfill("'free'"));
    for c in &mut changed.columns {
        if c.name == "email" {
            c.nullable = false;
        }
    }
    *users = changed;
    db
}

#[test]
fn a_change_to_an_existing_table_splits_into_a_brief_main_and_an_online_follow_up() {
    let g = next(&v2(), &Options::default()).expect("plans");
    let f = g.follow_up.as_ref().expect("a follow-up migration");
    assert_eq!(
        f.stem,
        format!("{:03}_{}_online", g.version + 1, &g.stem[4..])
    );
    // Main: brief locks only.
    assert!(g.up.contains("ADD CONSTRAINT users_team_fkey FOREIGN KEY (team_id) REFERENCES app.teams (id) NOT VALID;"), "{}", g.up);
    assert!(
        g.up.contains("ADD CONSTRAINT users_email_shape CHECK (email LIKE '%@%') NOT VALID;"),
        "{}",
        g.up
    );
    assert!(
        g.up.contains("ALTER TABLE app.users ADD COLUMN plan text;"),
        "{}",
        g.up
    );
    assert!(
        g.up.contains("CHECK (plan IS NOT NULL) NOT VALID;"),
        "{}",
        g.up
    );
    assert!(
        g.up.contains("CHECK (email IS NOT NULL) NOT VALID;"),
        "{}",
        g.up
    );
    assert!(!g.up.contains("CREATE INDEX"), "{}", g.up);
    assert!(!g.up.contains("SET NOT NULL"), "{}", g.up);
    // Follow-up: outside a transaction, the long work.
    assert!(f.up.contains("\n-- @transaction: none\n"), "{}", f.up);
    assert!(
        f.up.contains(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON app.users (email);"
        ),
        "{}",
        f.up
    );
    assert!(
        f.up.contains("ALTER TABLE app.users VALIDATE CONSTRAINT users_team_fkey;"),
        "{}",
        f.up
    );
    assert!(
        f.up.contains("UPDATE app.users SET plan = 'free'"),
        "{}",
        f.up
    );
    assert!(
        f.up.contains("ALTER TABLE app.users ALTER COLUMN plan SET NOT NULL;"),
        "{}",
        f.up
    );
    assert!(
        f.up.contains("ALTER TABLE app.users ALTER COLUMN email SET NOT NULL;"),
        "{}",
        f.up
    );
    assert!(
        f.down
            .contains("DROP INDEX CONCURRENTLY IF EXISTS app.users_email_idx;"),
        "{}",
        f.down
    );
    assert!(
        !g.down.contains("users_email_idx"),
        "the follow-up's down drops the index:\n{}",
        g.down
    );
    // The sum signs all four files.
    for name in [g.up_file(), g.down_file(), f.up_file(), f.down_file()] {
        assert!(g.sum.contains(&name), "{name} not in {}", g.sum);
    }
}

#[test]
fn every_file_starts_with_the_timeouts() {
    let g = next(&v2(), &Options::default()).expect("plans");
    assert!(
        g.up.contains("\nSET LOCAL lock_timeout = '5s';\nSET LOCAL statement_timeout = '15min';\n"),
        "{}",
        g.up
    );
    let f = g.follow_up.expect("follow-up");
    assert!(
        f.up.contains("\nSET lock_timeout = '5s';\nSET statement_timeout = '0';\n"),
        "{}",
        f.up
    );
    let mut options = Options::default();
    options.settings.lock_timeout = "2s".into();
    let g = next(&v2(), &options).expect("plans");
    assert!(g.up.contains("SET LOCAL lock_timeout = '2s';"), "{}", g.up);
}

#[test]
fn fast_mode_keeps_everything_in_one_transactional_file() {
    let options = Options {
        fast: true,
        ..Options::default()
    };
    let g = next(&v2(), &options).expect("fast mode plans the plain statements");
    assert!(g.follow_up.is_none());
    assert!(
        g.up.contains("CREATE INDEX users_email_idx ON app.users (email);"),
        "{}",
        g.up
    );
    assert!(
        g.up.contains("ALTER TABLE app.users ADD COLUMN plan text NOT NULL;"),
        "{}",
        g.up
    );
    assert!(!g.up.contains("NOT VALID"), "{}", g.up);
    assert!(g.up.contains("SET LOCAL lock_timeout"), "{}", g.up);
}

#[test]
fn a_new_not_null_column_without_default_or_backfill_is_refused_with_the_fix() {
    let mut db = v1();
    let users = db
        .tables
        .iter_mut()
        .find(|t| t.name.name == "users")
        .expect("users");
    users.columns.push(col("plan", TEXT).not_null());
    let err = next(&db, &Options::default()).expect_err("needs a backfill");
    assert_eq!(err.codes(), vec![Code::NotNullWithoutBackfill]);
    assert!(err.to_string().contains(".backfill("), "{err}");
}

#[test]
fn a_new_table_is_created_in_the_main_file_with_its_indexes() {
    let db = v1().table(
        Table::new(TableRef::new("app", "posts"))
            .column(col("id", BIGINT).identity().primary_key())
            .column(col("user_id", BIGINT).not_null().references(USERS, "id"))
            .index(Index::named("posts_user_idx", ["user_id"])),
    );
    let g = next(&db, &Options::default()).expect("plans");
    assert!(g.follow_up.is_none(), "nothing on an existing table");
    assert!(
        g.up.contains("CREATE INDEX posts_user_idx ON app.posts (user_id);"),
        "{}",
        g.up
    );
}

#[test]
fn statements_say_the_lock_they_take_and_the_summary_lists_the_heavy_ones() {
    let mut db = v1();
    let users = db
        .tables
        .iter_mut()
        .find(|t| t.name.name == "users")
        .expect("users");
    users.columns[1] = col("email", varchar(100));
    let g = next(&db, &Options::default()).expect("plans");
    assert!(
        g.up.contains("-- lock: ACCESS EXCLUSIVE on app.users (rewrite: yes)\nALTER TABLE app.users ALTER COLUMN email TYPE varchar(100)"),
        "{}",
        g.up
    );
    assert!(
        g.heavy_locks
            .iter()
            .any(|l| l.contains("app.users.email") && l.contains("rewrite: yes")),
        "{:?}",
        g.heavy_locks
    );
    let g = next(&v2(), &Options::default()).expect("plans");
    let f = g.follow_up.expect("follow-up");
    assert!(f.up.contains("-- lock: SHARE UPDATE EXCLUSIVE on app.users (rewrite: no, reads every row)\nCREATE INDEX CONCURRENTLY"), "{}", f.up);
}

#[test]
fn a_change_that_is_only_new_indexes_is_one_migration_outside_a_transaction() {
    let mut db = v1();
    let users = db
        .tables
        .iter_mut()
        .find(|t| t.name.name == "users")
        .expect("users");
    users
        .indexes
        .push(Index::named("users_team_idx", ["team_id"]));
    let g = next(&db, &Options::default()).expect("plans");
    assert!(g.follow_up.is_none(), "no second file");
    assert!(g.up.contains("\n-- @transaction: none\n"), "{}", g.up);
    assert!(
        g.up.contains(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS users_team_idx ON app.users (team_id);"
        ),
        "{}",
        g.up
    );
    assert!(g.down.contains("\n-- @transaction: none\n"), "{}", g.down);
    assert!(
        g.down
            .contains("DROP INDEX CONCURRENTLY IF EXISTS app.users_team_idx;"),
        "{}",
        g.down
    );
    assert_eq!(
        g.down.matches("DROP INDEX").count(),
        1,
        "dropped once:\n{}",
        g.down
    );
}
