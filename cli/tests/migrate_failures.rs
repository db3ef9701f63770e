//! Failures: a failing statement leaves no trace, edited or deleted applied migrations are
//! refused, and connection problems are one clear line with exit 1.

mod common;

use common::*;

const OK_001: (&str, &str) = (
    "001_base.sql",
    "CREATE SCHEMA app;\n\nCREATE TABLE app.a (id int PRIMARY KEY);\n",
);
const OK_001_DOWN: (&str, &str) = ("001_base.down.sql", "DROP SCHEMA app CASCADE;\n");

fn failing_002() -> (&'static str, &'static str) {
    (
        "002_broken.sql",
        "-- a hand-written migration\n\
         CREATE TABLE app.b (id int PRIMARY KEY);\n\
         \n\
         INSERT INTO app.a VALUES (1);\n\
         \n\
         CREATE TABLE app.c (\n    id int REFERENCES app.missing (id)\n);\n\
         \n\
         CREATE TABLE app.d (id int);\n",
    )
}

#[test]
fn a_failing_statement_rolls_back_its_migration_and_names_file_and_line() {
    let db = pgharness::database("failing_statement");
    let fx = Fixture::new(&[OK_001, OK_001_DOWN, failing_002()]);
    migrate_dir(&db.url, &fx, &["up", "--to", "1"]).ok();
    let before = db.schema_dump();
    let hist_before =
        db.exec("SELECT version, name, checksum, applied_at FROM schemactl.migrations ORDER BY 1");

    let run = migrate_dir(&db.url, &fx, &["up"]).code(1);
    let line = run.error_line();
    assert!(line.contains("002_broken.sql:6:"), "{run}");
    assert!(line.contains("CREATE TABLE app.c ("), "{run}");
    assert!(
        line.contains("relation \"app.missing\" does not exist"),
        "{run}"
    );
    assert!(line.contains("rolled back"), "{run}");

    assert_eq!(
        db.schema_dump(),
        before,
        "the failed migration left objects behind"
    );
    assert_eq!(
        db.exec("SELECT count(*) FROM app.a"),
        "0",
        "its data change stayed"
    );
    let hist_after =
        db.exec("SELECT version, name, checksum, applied_at FROM schemactl.migrations ORDER BY 1");
    assert_eq!(hist_after, hist_before);
}

#[test]
fn a_syntax_error_names_the_line_inside_the_statement() {
    let db = pgharness::database("syntax_error");
    let fx = Fixture::new(&[(
        "001_typo.sql",
        "CREATE TABLE t (\n    a int,\n    b intt\n);\n",
    )]);
    let run = migrate_dir(&db.url, &fx, &["up"]).code(1);
    let line = run.error_line();
    assert!(line.contains("001_typo.sql:1:"), "{run}");
    assert!(line.contains("type \"intt\" does not exist"), "{run}");
    assert!(line.contains("at line 3"), "{run}");
}

#[test]
fn an_edited_applied_migration_is_refused_naming_the_file() {
    let db = pgharness::database("edited");
    let fx = Fixture::new(&[OK_001, OK_001_DOWN]);
    migrate_dir(&db.url, &fx, &["up"]).ok();
    fx.write(
        "001_base.sql",
        "CREATE SCHEMA app;\n\nCREATE TABLE app.a (id bigint PRIMARY KEY);\n",
    );
    fx.write("002_next.sql", "CREATE TABLE app.n ();\n");
    for args in [&["up"][..], &["down"], &["redo"]] {
        let run = migrate_dir(&db.url, &fx, args).code(1);
        assert!(
            run.error_line()
                .contains("001_base.sql was edited after it was applied"),
            "{args:?}\n{run}"
        );
    }
    assert_eq!(history(&db).len(), 1, "nothing may run after a refusal");
    let status = migrate_dir(&db.url, &fx, &["status"]).code(2);
    assert!(status.stdout.contains("changed (001_base.sql)"), "{status}");
    let json = migrate_dir(&db.url, &fx, &["status", "--json"]).code(2);
    assert!(
        json.stdout.contains("\"changed_file\": \"001_base.sql\""),
        "{json}"
    );
}

#[test]
fn a_deleted_applied_migration_is_refused_naming_the_file() {
    let db = pgharness::database("deleted");
    let fx = Fixture::new(&[
        OK_001,
        OK_001_DOWN,
        ("002_more.sql", "CREATE TABLE app.m ();\n"),
    ]);
    migrate_dir(&db.url, &fx, &["up"]).ok();
    fx.remove("002_more.sql");
    let run = migrate_dir(&db.url, &fx, &["up"]).code(1);
    assert!(
        run.error_line().contains("002_more.sql is missing"),
        "{run}"
    );
    let status = migrate_dir(&db.url, &fx, &["status"]).code(2);
    let row = status
        .stdout
        .lines()
        .find(|l| l.starts_with("002"))
        .expect("row 002");
    assert!(row.ends_with("missing file"), "{status}");
}

#[test]
fn a_file_edited_after_generation_breaks_the_sum_chain_and_is_refused() {
    let db = pgharness::database("sum_chain");
    let fx = Fixture::new(&[
        OK_001,
        OK_001_DOWN,
        ("002_more.sql", "CREATE TABLE app.m ();\n"),
    ]);
    fx.write_sum();
    migrate_dir(&db.url, &fx, &["up", "--to", "1"]).ok();
    fx.write("002_more.sql", "CREATE TABLE app.m (x int);\n");
    let run = migrate_dir(&db.url, &fx, &["up"]).code(1);
    assert!(
        run.error_line()
            .contains("migration file 002_more.sql was edited after it was generated"),
        "{run}"
    );
    let status = migrate_dir(&db.url, &fx, &["status"]).code(2);
    assert!(
        status
            .stdout
            .contains("migrations.sum: migration file 002_more.sql"),
        "{status}"
    );
    assert_eq!(history(&db).len(), 1);
}

#[test]
fn a_deleted_sum_file_is_refused_by_every_changing_command_and_reported_by_status() {
    let db = pgharness::database("sum_deleted");
    let fx = Fixture::new(&[
        OK_001,
        OK_001_DOWN,
        ("002_more.sql", "CREATE TABLE app.m ();\n"),
        ("002_more.down.sql", "DROP TABLE app.m;\n"),
    ]);
    migrate_dir(&db.url, &fx, &["up", "--to", "1"]).ok();
    fx.remove(ddl::checksum::SUM_FILE);
    let before = db.schema_dump();
    for args in [
        &["up"][..],
        &["down"],
        &["redo"],
        &["fresh", "--yes"],
        &["up", "--dry-run"],
    ] {
        let run = migrate_dir(&db.url, &fx, args).code(1);
        let line = run.error_line();
        assert!(
            line.contains("migrations.sum is missing"),
            "{args:?}\n{run}"
        );
        assert!(
            line.contains("cargo run -p codegen -- --rehash"),
            "{args:?}\n{run}"
        );
    }
    assert_eq!(
        db.schema_dump(),
        before,
        "a refused command changed the database"
    );
    assert_eq!(history(&db).len(), 1);
    let status = migrate_dir(&db.url, &fx, &["status"]).code(2);
    assert!(
        status
            .stdout
            .contains("migrations.sum: migrations.sum is missing"),
        "{status}"
    );
    let json = migrate_dir(&db.url, &fx, &["status", "--json"]).code(2);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert_eq!(v["sum"]["present"], false);
    assert_eq!(v["ok"], false);
}

#[test]
fn a_no_transaction_file_holding_other_statements_is_refused_before_running() {
    let db = pgharness::database("nontx_mixed");
    let fx = Fixture::new(&[
        OK_001,
        (
            "002_index.sql",
            "-- @transaction: none\n\nCREATE INDEX CONCURRENTLY a_idx ON app.a (id);\n\nCREATE TABLE app.x ();\n",
        ),
    ]);
    let run = migrate_dir(&db.url, &fx, &["up"]).code(1);
    let line = run.error_line();
    assert!(line.contains("002_index.sql:5:"), "{run}");
    assert!(line.contains("CREATE TABLE app.x ()"), "{run}");
    assert!(line.contains("needs a transaction"), "{run}");
    assert_eq!(
        history(&db),
        vec![],
        "nothing may run when a file is invalid"
    );
}

#[test]
fn a_missing_database_url_is_explained() {
    let run: Run = cli_command(&["migrate", "status"])
        .output()
        .expect("runs")
        .into();
    let run = run.code(1);
    assert!(run.error_line().contains("no database URL"), "{run}");
}

#[test]
fn the_database_url_is_read_from_dot_env() {
    let db = pgharness::database("dot_env");
    let fx = Fixture::new(&[OK_001]);
    fx.write(".env", &format!("DATABASE_URL={}\n", db.url));
    let run: Run = cli_command(&["migrate", "--dir", ".", "up"])
        .current_dir(fx.path())
        .output()
        .expect("runs")
        .into();
    run.ok();
    assert_eq!(history(&db).len(), 1);
}

#[test]
fn an_unreachable_server_is_one_line_and_exit_1() {
    // A port nobody listens on: bind one, then let it go.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let url = format!("postgres://postgres@127.0.0.1:{port}/app");
    let run = migrate(&url, &["status"]).code(1);
    let line = run.error_line();
    assert!(
        line.contains(&format!(
            "cannot reach the PostgreSQL server at 127.0.0.1:{port}/app"
        )),
        "{run}"
    );
    assert!(line.contains("is it running"), "{run}");
}

#[test]
fn bad_credentials_are_one_line_and_exit_1() {
    let db = pgharness::database("bad_credentials");
    let url = pgharness::server().url_as("no_such_role", Some("secret-pw"), &db.name);
    let run = migrate(&url, &["up"]).code(1);
    let line = run.error_line();
    assert!(
        line.contains("authentication failed for user `no_such_role`"),
        "{run}"
    );
    assert!(!line.contains("secret-pw"), "the password leaked: {run}");
}

#[test]
fn a_missing_database_gives_the_createdb_hint() {
    let url = pgharness::server().url_for("no_such_database");
    let run = migrate(&url, &["up"]).code(1);
    let line = run.error_line();
    assert!(
        line.contains("database `no_such_database` does not exist"),
        "{run}"
    );
    assert!(line.contains("createdb -h 127.0.0.1 -p "), "{run}");
    assert!(line.ends_with("no_such_database`"), "{run}");
}

#[test]
fn a_url_that_is_not_postgres_is_refused() {
    let run = migrate("mysql://root:pw@127.0.0.1:3306/app", &["up"]).code(1);
    assert!(
        run.error_line()
            .contains("not a PostgreSQL URL (scheme `mysql`)"),
        "{run}"
    );
}

#[test]
fn a_usage_error_exits_1_not_2() {
    let run: Run = cli_command(&["migrate", "sideways"])
        .output()
        .expect("runs")
        .into();
    run.code(1);
}

#[test]
fn a_stale_embedded_set_is_warned_about_in_one_line_naming_the_rebuild() {
    let fx = Fixture::without_sum(&[]);
    let dir = fx.path().join("migrations");
    std::fs::create_dir_all(&dir).expect("mkdir");
    for entry in std::fs::read_dir(platform_dir()).expect("platform migrations") {
        let entry = entry.expect("entry");
        if !entry.path().is_file() {
            continue;
        }
        std::fs::copy(entry.path(), dir.join(entry.file_name())).expect("copy");
    }
    std::fs::write(dir.join("099_not_built_yet.sql"), "SELECT 1;\n").expect("write");
    let run: Run = cli_command(&["migrate", "status"])
        .current_dir(fx.path())
        .output()
        .expect("runs")
        .into();
    let warnings: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("warning: "))
        .collect();
    assert_eq!(warnings.len(), 1, "{run}");
    assert!(warnings[0].contains("stale"), "{run}");
    assert!(warnings[0].contains("099_not_built_yet.sql"), "{run}");
    assert!(warnings[0].contains("cargo build -p cli"), "{run}");
    assert!(warnings[0].contains("--dir"), "{run}");
}

#[test]
fn a_current_embedded_set_gives_no_warning() {
    let root = platform_dir().join("..");
    let run: Run = cli_command(&["migrate", "status"])
        .current_dir(&root)
        .output()
        .expect("runs")
        .into();
    assert!(!run.stderr.contains("warning"), "{run}");
    run.code(1).error_line();
}
