//! `cli migrate up | down | status | fresh | redo | --dry-run` round trips, on fixture
//! migrations and on the platform migrations.

mod common;

use common::*;

#[test]
fn up_applies_every_migration_in_order_and_prints_each_with_its_time() {
    let db = pgharness::database("up_applies");
    let fx = Fixture::new(&sample_files());
    let run = migrate_dir(&db.url, &fx, &["up"]).ok();
    let applied: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("applied "))
        .collect();
    assert_eq!(applied.len(), 3, "{run}");
    assert!(applied[0].starts_with("applied 001_core in "), "{run}");
    assert!(
        applied[2].starts_with("applied 003_invoice_user_index in "),
        "{run}"
    );
    assert!(run.stdout.contains("database at version 003"), "{run}");
    assert_eq!(
        history(&db),
        vec![
            ("1".into(), "001_core".into()),
            ("2".into(), "002_billing".into()),
            ("3".into(), "003_invoice_user_index".into()),
        ]
    );
    let valid = db.exec("SELECT indisvalid FROM pg_index WHERE indexrelid = 'billing.invoices_user_id_idx'::regclass");
    assert_eq!(valid, "t");
    // Running again has nothing to do.
    let again = migrate_dir(&db.url, &fx, &["up"]).ok();
    assert!(again.stdout.contains("nothing to do"), "{again}");
}

#[test]
fn status_shows_version_name_applied_at_and_checksum_state() {
    let db = pgharness::database("status_table");
    let fx = Fixture::new(&sample_files());
    migrate_dir(&db.url, &fx, &["up", "--to", "2"]).ok();
    let run = migrate_dir(&db.url, &fx, &["status"]).ok();
    let header = run
        .stdout
        .lines()
        .find(|l| l.starts_with("version"))
        .expect("header");
    assert!(
        header.contains("name") && header.contains("applied at") && header.contains("checksum"),
        "{run}"
    );
    let core = run
        .stdout
        .lines()
        .find(|l| l.starts_with("001"))
        .expect("row 001");
    assert!(core.contains("core") && core.ends_with("ok"), "{run}");
    let idx = run
        .stdout
        .lines()
        .find(|l| l.starts_with("003"))
        .expect("row 003");
    assert!(idx.contains(" - ") && idx.ends_with("pending"), "{run}");

    let json = migrate_dir(&db.url, &fx, &["status", "--json"]).ok();
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("status --json is JSON");
    assert_eq!(v["ok"], true);
    assert_eq!(v["migrations"][0]["state"], "ok");
    assert_eq!(v["migrations"][0]["file"], "001_core.sql");
    assert!(v["migrations"][0]["applied_at"].is_string());
    assert_eq!(v["migrations"][2]["state"], "pending");
    assert_eq!(v["migrations"][2]["transactional"], false);
}

#[test]
fn status_json_reports_the_advisory_lock_key() {
    let db = pgharness::database("status_lock_key");
    let fx = Fixture::new(&sample_files());
    let json = migrate_dir(&db.url, &fx, &["status", "--json"]).ok();
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("status --json is JSON");
    assert_eq!(
        v["lock_key"].as_i64(),
        Some(migrations::runner::lock::LOCK_KEY),
        "{json}"
    );
    assert_eq!(v["lock_key"].as_i64(), Some(8_314_604_121_892_152_180));
}

#[test]
fn down_to_zero_leaves_an_empty_database() {
    let db = pgharness::database("down_to_zero");
    let empty = db.schema_dump();
    let fx = Fixture::new(&sample_files());
    migrate_dir(&db.url, &fx, &["up"]).ok();
    let run = migrate_dir(&db.url, &fx, &["down", "--to", "0"]).ok();
    assert_eq!(
        run.stdout
            .lines()
            .filter(|l| l.starts_with("rolled back "))
            .count(),
        3,
        "{run}"
    );
    assert!(run.stdout.contains("database at version 0"), "{run}");
    assert_eq!(db.schema_dump(), empty);
    assert_eq!(history(&db), vec![]);
}

#[test]
fn down_rolls_back_one_by_default_and_n_or_to_on_request() {
    let db = pgharness::database("down_steps");
    let fx = Fixture::new(&sample_files());
    migrate_dir(&db.url, &fx, &["up"]).ok();
    migrate_dir(&db.url, &fx, &["down"]).ok();
    assert_eq!(history(&db).len(), 2);
    migrate_dir(&db.url, &fx, &["up"]).ok();
    migrate_dir(&db.url, &fx, &["down", "-n", "2"]).ok();
    assert_eq!(history(&db), vec![("1".into(), "001_core".into())]);
    migrate_dir(&db.url, &fx, &["up", "--to", "2"]).ok();
    migrate_dir(&db.url, &fx, &["down", "--to", "1"]).ok();
    assert_eq!(history(&db).len(), 1);
    let unknown = migrate_dir(&db.url, &fx, &["down", "--to", "7"]).code(1);
    assert!(
        unknown.error_line().contains("no migration has version 7"),
        "{unknown}"
    );
}

#[test]
fn up_then_down_then_up_gives_the_same_schema() {
    let db = pgharness::database("up_down_up");
    let fx = Fixture::new(&sample_files());
    migrate_dir(&db.url, &fx, &["up"]).ok();
    let once = db.schema_dump();
    migrate_dir(&db.url, &fx, &["down", "--to", "0"]).ok();
    migrate_dir(&db.url, &fx, &["up"]).ok();
    assert_eq!(db.schema_dump(), once);
}

#[test]
fn dry_run_prints_the_sql_in_order_and_changes_nothing() {
    let db = pgharness::database("dry_run");
    let fx = Fixture::new(&sample_files());
    let before = db.schema_dump();
    let run = migrate_dir(&db.url, &fx, &["up", "--dry-run"]).ok();
    let out = &run.stdout;
    let pos = |needle: &str| {
        out.find(needle)
            .unwrap_or_else(|| panic!("missing {needle:?}\n{run}"))
    };
    assert!(
        pos("CREATE TABLE IF NOT EXISTS schemactl.migrations")
            < pos("-- 001_core.sql (up, one transaction)")
    );
    assert!(pos("CREATE SCHEMA core;") < pos("CREATE TABLE billing.invoices"));
    assert!(pos("CREATE TABLE billing.invoices") < pos("CREATE INDEX CONCURRENTLY"));
    assert!(
        out.contains("$fn$\nBEGIN\n    NEW.updated_at := now(); -- keep; this"),
        "{run}"
    );
    assert!(
        out.contains("-- dry run: 3 to apply; nothing was changed"),
        "{run}"
    );
    assert_eq!(db.schema_dump(), before, "dry-run up changed the database");

    migrate_dir(&db.url, &fx, &["up"]).ok();
    let applied = db.schema_dump();
    let hist = history(&db);
    for args in [
        &["down", "--to", "0", "--dry-run"][..],
        &["redo", "--dry-run"],
        &["fresh", "--dry-run"],
        &["fresh", "--yes", "--dry-run"],
    ] {
        let run = migrate_dir(&db.url, &fx, args).ok();
        assert!(
            run.stdout.contains("nothing was changed"),
            "{args:?}\n{run}"
        );
        assert_eq!(db.schema_dump(), applied, "{args:?} changed the database");
        assert_eq!(history(&db), hist, "{args:?} changed the history");
    }
    let down = migrate_dir(&db.url, &fx, &["down", "--to", "0", "--dry-run"])
        .ok()
        .stdout;
    let (i3, i2, i1) = (
        down.find("DROP INDEX CONCURRENTLY").expect("003 down"),
        down.find("DROP TABLE billing.invoices").expect("002 down"),
        down.find("DROP SCHEMA core CASCADE").expect("001 down"),
    );
    assert!(i3 < i2 && i2 < i1, "down runs newest first:\n{down}");
    let fresh = migrate_dir(&db.url, &fx, &["fresh", "--dry-run"])
        .ok()
        .stdout;
    // The down files, newest first, in one transaction; no schema dropped wholesale.
    let (b, i3, i2, i1, c) = (
        fresh.find("BEGIN;").expect("begin"),
        fresh
            .find("DROP INDEX IF EXISTS billing.invoices_user_id_idx;")
            .expect("003 down without CONCURRENTLY"),
        fresh
            .find("DROP TABLE billing.invoices;")
            .expect("002 down"),
        fresh.find("DROP SCHEMA core CASCADE;").expect("001 down"),
        fresh.find("COMMIT;").expect("commit"),
    );
    assert!(b < i3 && i3 < i2 && i2 < i1 && i1 < c, "{fresh}");
    assert!(!fresh.contains("DROP SCHEMA IF EXISTS public"), "{fresh}");
    assert!(
        fresh.contains("-- dry run: 3 to roll back, 3 to apply; nothing was changed"),
        "{fresh}"
    );
}

#[test]
fn redo_rolls_back_and_reapplies_the_newest_migration() {
    let db = pgharness::database("redo");
    let fx = Fixture::new(&sample_files());
    migrate_dir(&db.url, &fx, &["up", "--to", "2"]).ok();
    let before = db.schema_dump();
    let run = migrate_dir(&db.url, &fx, &["redo"]).ok();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines[0].starts_with("rolled back 002_billing in "), "{run}");
    assert!(lines[1].starts_with("applied 002_billing in "), "{run}");
    assert_eq!(db.schema_dump(), before);
    assert_eq!(history(&db).len(), 2);
}

#[test]
fn the_history_table_stays_put_whatever_the_search_path() {
    let db = pgharness::database("search_path");
    let fx = Fixture::new(&sample_files());
    migrate_dir(&db.url, &fx, &["up", "--to", "1"]).ok();
    // The schema the first migration created now comes first on every new session's path.
    db.exec(&format!(
        "ALTER DATABASE \"{}\" SET search_path = core, public",
        db.name
    ));
    let run = migrate_dir(&db.url, &fx, &["up"]).ok();
    assert!(
        !run.stdout.contains("applied 001_core"),
        "001 applied twice:\n{run}"
    );
    assert_eq!(history(&db).len(), 3);
    let copies =
        db.exec("SELECT count(*) FROM pg_class WHERE relname = 'migrations' AND relkind = 'r'");
    assert_eq!(copies, "1");
}

#[test]
fn platform_migrations_apply_roll_back_and_apply_again() {
    let dir = platform_dir();
    assert!(
        dir.join("001_initial_schema.sql").is_file(),
        "the platform migration {}/001_initial_schema.sql is missing: run `cargo run -p codegen`",
        dir.display()
    );
    let db = pgharness::database("platform");
    let empty = db.schema_dump();
    // The default set is the one embedded at build time.
    let up = migrate(&db.url, &["up"]).ok();
    assert!(up.stdout.contains("applied 001_initial_schema in "), "{up}");
    let applied = db.schema_dump();
    let schemas = db.exec("SELECT string_agg(nspname, ',' ORDER BY nspname) FROM pg_namespace WHERE nspname IN ('app','core','cfg','ops','comms','billing')");
    assert_eq!(schemas, "app,billing,cfg,comms,core,ops");
    let status = migrate(&db.url, &["status"]).ok();
    assert!(status.stdout.contains("0 pending"), "{status}");
    assert!(!status.stdout.contains("changed"), "{status}");
    migrate(&db.url, &["redo"]).ok();
    assert_eq!(db.schema_dump(), applied, "redo changed the schema");
    migrate(&db.url, &["down", "--to", "0"]).ok();
    assert_eq!(db.schema_dump(), empty, "down --to 0 left objects behind");
    migrate(&db.url, &["up"]).ok();
    let fresh = migrate(&db.url, &["fresh", "--yes"]).ok();
    assert!(fresh.stdout.contains("dropped schema core"), "{fresh}");
    assert_eq!(db.schema_dump(), applied, "fresh differs from a plain up");
}

#[test]
fn a_dry_run_piped_into_a_reader_that_stops_early_exits_quietly() {
    use std::io::Read;
    let db = pgharness::database("dry_run_pipe");
    // More SQL than a pipe buffer (64 KiB) holds, so the writer meets the closed pipe.
    let up: String = (0..4000)
        .map(|i| format!("CREATE TABLE big_{i} (id integer);\n"))
        .collect();
    let down: String = (0..4000)
        .rev()
        .map(|i| format!("DROP TABLE big_{i};\n"))
        .collect();
    let fixture = common::Fixture::new(&[("001_big.sql", &up), ("001_big.down.sql", &down)]);
    fixture.write_sum();
    let dir = fixture.path().to_string_lossy().into_owned();
    let mut child = common::cli_command(&[
        "migrate",
        "up",
        "--dry-run",
        "--database-url",
        &db.url,
        "--dir",
        &dir,
    ])
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped())
    .spawn()
    .expect("cli starts");
    // Read a little, as `| head -3` would, then close the pipe.
    let mut first = [0u8; 64];
    child
        .stdout
        .take()
        .expect("stdout")
        .read_exact(&mut first)
        .expect("some output");
    let out = child.wait_with_output().expect("cli ends");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}

/// The ```sql blocks of a section of a doc, in order.
fn sql_blocks(doc: &str, section: &str) -> Vec<String> {
    let start = doc
        .find(section)
        .unwrap_or_else(|| panic!("section {section:?} is missing"));
    let body = &doc[start + section.len()..];
    let body = body.find("\n## ").map_or(body, |end| &body[..end]);
    body.split("```sql\n")
        .skip(1)
        .map(|b| b.split("```").next().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn the_hand_written_backfill_of_getting_started_applies_and_rolls_back_on_the_platform_schema() {
    let doc = std::fs::read_to_string(platform_dir().join("../docs/getting-started.md"))
        .expect("docs/getting-started.md");
    let blocks = sql_blocks(&doc, "## Write a data migration by hand");
    assert_eq!(blocks.len(), 2, "the up and the down file");
    let fx = Fixture::without_sum(&[
        // After the platform's own migrations, whatever their number.
        ("900_backfill_user_names.sql", &blocks[0]),
        ("900_backfill_user_names.down.sql", &blocks[1]),
    ]);
    for entry in std::fs::read_dir(platform_dir()).expect("platform migrations") {
        let entry = entry.expect("entry");
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.path().is_file() && name.ends_with(".sql") {
            std::fs::copy(entry.path(), fx.path().join(&name)).expect("copy");
        }
    }
    fx.write_sum();
    let db = pgharness::database("doc_backfill");
    migrate_dir(&db.url, &fx, &["up", "--to", "1"]).ok();
    db.exec(
        "INSERT INTO core.tenants (name, slug) VALUES ('t', 't'); \
         INSERT INTO core.users (tenant_id, email, password_hash) \
         SELECT id, 'ada@example.com', 'x' FROM core.tenants",
    );
    migrate_dir(&db.url, &fx, &["up"]).ok();
    assert_eq!(db.exec("SELECT name FROM core.users"), "ada");
    let before = history(&db).len();
    migrate_dir(&db.url, &fx, &["down"]).ok();
    assert_eq!(history(&db).len(), before - 1);
}
