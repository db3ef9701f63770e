//! `cli health`: a healthy migrated database is all `ok`; each problem made on purpose
//! (an invalid index, a foreign key without an index, a session waiting for another's
//! lock, a long `pg_sleep`) is reported, with exit 2; no server is exit 1.

mod common;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

fn health(url: &str, extra: &[&str]) -> (Run, serde_json::Value) {
    let mut args = vec!["health", "--json"];
    args.extend_from_slice(extra);
    let run = cli(url, &args);
    let v = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}\n{run}"));
    (run, v)
}

fn check<'a>(v: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    v["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no check {name}: {v}"))
}

/// A psql session running `sql` in the background, killed on drop.
struct Background(Child);

impl Background {
    fn start(url: &str, sql: &str) -> Self {
        Background(
            Command::new(pgharness::server().program("psql"))
                .args(["-X", "-q", "-d", url, "-c", sql])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("psql starts"),
        )
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn wait_until(db: &TestDb, sql: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while db.exec(sql) != "t" {
        assert!(Instant::now() < deadline, "timed out waiting for: {sql}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_database_that_drifted_from_the_declaration_warns_in_the_drift_check() {
    let db = platform_db("health_drift");
    db.exec("DROP INDEX core.idx_users_tenant; ALTER TABLE core.users ADD COLUMN extra int;");
    let (run, v) = health(&db.url, &[]);
    assert_eq!(run.code, 2, "{run}");
    let drift = check(&v, "drift");
    assert_eq!(drift["status"], "warn", "{drift}");
    let details = drift["details"].to_string();
    assert!(
        details.contains("idx_users_tenant") && details.contains("extra"),
        "{drift}"
    );
}

#[test]
fn a_freshly_migrated_database_is_healthy_on_every_check() {
    let db = platform_db("health_ok");
    let (run, v) = health(&db.url, &[]);
    assert_eq!(run.code, 0, "{run}");
    assert_eq!(v["status"], "healthy");
    let checks = v["checks"].as_array().expect("checks");
    assert_eq!(checks.len(), 12, "ten checks, migrations and drift");
    for c in checks {
        assert_eq!(c["status"], "ok", "{c}");
    }
    assert!(
        check(&v, "migrations")["figure"]
            .as_str()
            .expect("figure")
            .contains("checksums intact")
    );
    let table = cli(&db.url, &["health", "--detailed"]).ok();
    assert!(table.stdout.contains("ok    connectivity"), "{table}");
    assert!(table.stdout.trim_end().ends_with("healthy"), "{table}");
}

#[test]
fn each_problem_made_on_purpose_is_reported_and_exits_2() {
    let db = platform_db("health_problems");
    // An INVALID index: a concurrent unique build that fails on duplicates leaves it.
    db.exec("CREATE TABLE public.dupes (x int); INSERT INTO public.dupes VALUES (1), (1);");
    assert!(
        db.psql("CREATE UNIQUE INDEX CONCURRENTLY dupes_x ON public.dupes (x)")
            .is_err()
    );
    // A foreign key without an index on its column.
    db.exec(
        "CREATE TABLE public.parent (id int PRIMARY KEY);
         CREATE TABLE public.child (id int PRIMARY KEY, parent_id int REFERENCES public.parent (id));",
    );
    // One session holds a lock, another waits for it; a third sleeps.
    let _holder = Background::start(
        &db.url,
        "BEGIN; LOCK TABLE public.parent IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(60);",
    );
    wait_until(
        &db,
        "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE relation = 'public.parent'::regclass AND granted AND mode = 'AccessExclusiveLock')",
    );
    let _waiter = Background::start(&db.url, "SELECT count(*) FROM public.parent;");
    let _sleeper = Background::start(&db.url, "SELECT pg_sleep(60);");
    wait_until(
        &db,
        "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE cardinality(pg_blocking_pids(pid)) > 0)",
    );
    std::thread::sleep(Duration::from_millis(1500));

    let (run, v) = health(
        &db.url,
        &[
            "--threshold",
            "long_query_warn_s=1",
            "--threshold",
            "lock_wait_warn_s=0.5",
            "--threshold",
            "fk_unindexed_min_rows=0",
        ],
    );
    assert_eq!(run.code, 2, "{run}");
    assert_eq!(v["status"], "unhealthy");

    let indexes = check(&v, "indexes");
    assert_eq!(indexes["status"], "fail", "{indexes}");
    assert!(
        indexes["details"].to_string().contains("public.dupes_x"),
        "{indexes}"
    );

    let integrity = check(&v, "integrity");
    assert_eq!(integrity["status"], "warn", "{integrity}");
    let details = integrity["details"].to_string();
    assert!(
        details.contains("child_parent_id_fkey on public.child"),
        "{integrity}"
    );
    assert!(
        details.contains("table public.dupes has no primary key"),
        "{integrity}"
    );

    let locks = check(&v, "blocking locks");
    assert_eq!(locks["status"], "warn", "{locks}");
    assert!(
        locks["details"].to_string().contains("public.parent"),
        "{locks}"
    );

    let long = check(&v, "long queries");
    assert_eq!(long["status"], "warn", "{long}");
    assert!(
        long["details"].to_string().contains("pg_sleep(60)"),
        "{long}"
    );

    // Problems the database does not have stay ok.
    assert_eq!(check(&v, "connectivity")["status"], "ok");
    assert_eq!(check(&v, "migrations")["status"], "ok");
    // The health check itself did not queue behind the held lock.
    assert!(check(&v, "size")["status"] == "ok", "{}", check(&v, "size"));

    // The same thresholds can fail a check.
    let (_, v) = health(
        &db.url,
        &[
            "--threshold",
            "long_query_warn_s=0.1",
            "--threshold",
            "long_query_fail_s=1",
        ],
    );
    assert_eq!(check(&v, "long queries")["status"], "fail");
}

#[test]
fn pending_and_edited_migrations_show_in_the_migrations_check() {
    let db = pgharness::database("health_migrations");
    let files = sample_files();
    let fx = Fixture::new(&files);
    migrate_dir(&db.url, &fx, &["up", "--to", "2"]).ok();
    let dir = fx.path().to_str().expect("utf-8").to_owned();
    let (run, v) = health(&db.url, &["--dir", &dir]);
    assert_eq!(run.code, 2, "{run}");
    let m = check(&v, "migrations");
    assert_eq!(m["status"], "warn", "{m}");
    assert!(
        m["details"]
            .to_string()
            .contains("003_invoice_user_index: pending"),
        "{m}"
    );

    fx.write("002_billing.sql", "CREATE SCHEMA billing; -- edited\n");
    fx.write_sum();
    let (_, v) = health(&db.url, &["--dir", &dir]);
    let m = check(&v, "migrations");
    assert_eq!(m["status"], "fail", "{m}");
    assert!(
        m["details"].to_string().contains("002_billing: changed"),
        "{m}"
    );
}

#[test]
fn a_server_that_cannot_be_reached_is_exit_1() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("port")
        .local_addr()
        .expect("addr")
        .port();
    let run = cli(&format!("postgres://u@127.0.0.1:{port}/db"), &["health"]).code(1);
    assert!(
        run.error_line()
            .contains("cannot reach the PostgreSQL server"),
        "{run}"
    );
}

#[test]
fn an_unknown_threshold_is_refused() {
    let db = pgharness::database("health_threshold");
    let run = cli(&db.url, &["health", "--threshold", "nope=1"]).code(1);
    assert!(
        run.error_line().contains("unknown threshold `nope`"),
        "{run}"
    );
}

#[test]
fn every_threshold_is_wired_to_its_check() {
    let db = platform_db("health_thresholds");
    // A foreign key without an index (the platform has none left), in a table of no rows.
    db.exec("CREATE TABLE public.notes (tenant_id int REFERENCES core.tenants (id));");
    let (run, v) = health(
        &db.url,
        &[
            "--threshold",
            "latency_warn_ms=0",
            "--threshold",
            "query_warn_ms=0",
            "--threshold",
            "database_size_warn_gb=0",
            "--threshold",
            "connections_warn_pct=0",
            "--threshold",
            "cache_min_blocks=0",
            "--threshold",
            "cache_hit_warn_pct=101",
            "--threshold",
            "fk_unindexed_min_rows=0",
        ],
    );
    assert_eq!(run.code, 2, "{run}");
    for name in [
        "connectivity",
        "query response",
        "size",
        "connections",
        "cache hit ratio",
        "integrity",
    ] {
        assert_eq!(check(&v, name)["status"], "warn", "{}", check(&v, name));
    }
    // A foreign key without an index is listed when judged at any size.
    assert!(
        check(&v, "integrity")["details"]
            .to_string()
            .contains("on public.notes has no index"),
        "{}",
        check(&v, "integrity")
    );
    // From the environment, comma-separated.
    let run: Run = cli_command(&["health", "--json", "-u", &db.url])
        .env(
            "SCHEMACTL_HEALTH_THRESHOLDS",
            "connections_warn_pct=0,connections_fail_pct=0",
        )
        .output()
        .expect("runs")
        .into();
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(check(&v, "connections")["status"], "fail", "{run}");
}

#[test]
fn a_streaming_replica_is_seen_and_its_lag_judged() {
    let db = platform_db("health_replica");
    // pg_receivewal streams WAL like a standby and shows in pg_stat_replication.
    let wal = std::env::temp_dir().join(format!("health-wal-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&wal);
    std::fs::create_dir_all(&wal).expect("wal dir");
    let receiver = Command::new(pgharness::server().program("pg_receivewal"))
        .arg("-D")
        .arg(&wal)
        .args(["-d", &db.url, "--no-loop"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("pg_receivewal starts");
    let _receiver = Background(receiver);
    wait_until(&db, "SELECT EXISTS (SELECT 1 FROM pg_stat_replication)");

    let (_, v) = health(&db.url, &[]);
    let r = check(&v, "replication");
    assert_eq!(r["status"], "ok", "{r}");
    assert!(
        r["figure"]
            .as_str()
            .expect("figure")
            .starts_with("1 replica(s)"),
        "{r}"
    );
    assert!(r["details"].to_string().contains("pg_receivewal"), "{r}");

    let (_, v) = health(&db.url, &["--threshold", "replication_lag_warn_s=-1"]);
    assert_eq!(check(&v, "replication")["status"], "warn");
    let _ = std::fs::remove_dir_all(&wal);
}
