//! `cli backup` / `cli restore`: a round trip gives the same schema and the same data in
//! every table; a corrupted or truncated file is refused and the target is left as it
//! was; a non-empty target is refused; a pg_dump older than the server is a clear error;
//! `migrate up --backup` names its backup.

mod common;

use std::path::{Path, PathBuf};

use common::*;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cli-backup-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// Every row of every table, as text, in a stable order.
fn data(db: &TestDb) -> Vec<(String, String)> {
    user_tables(db)
        .into_iter()
        .map(|t| {
            let rows = db.exec(&format!(
                "SELECT coalesce(string_agg(x::text, E'\\n' ORDER BY x::text), '') FROM {t} x"
            ));
            (t, rows)
        })
        .collect()
}

/// PostgreSQL prints `CHECK (c IN ('a', 'b'))` on a varchar column as
/// `ANY ((ARRAY['a'::character varying, …])::text[])`, and the same text parsed again (as a
/// restore does) as `ANY (ARRAY[('a'::character varying)::text, …])`: the same constraint,
/// spelt two ways. Both are brought to the second spelling; nothing else is changed.
fn canonical(dump: &str) -> String {
    const OPEN: &str = "(ARRAY[";
    const CLOSE: &str = "])::text[]";
    let mut out = String::new();
    let mut rest = dump;
    while let Some(start) = rest.find(OPEN) {
        let Some(len) = rest[start..].find(CLOSE) else {
            break;
        };
        let inner = &rest[start + OPEN.len()..start + len];
        out.push_str(&rest[..start]);
        let items: Vec<String> = inner.split(", ").map(|x| format!("({x})::text")).collect();
        out.push_str(&format!("ARRAY[{}]", items.join(", ")));
        rest = &rest[start + len + CLOSE.len()..];
    }
    out.push_str(rest);
    out
}

/// A migrated platform database with the development seed data.
fn source(hint: &str) -> TestDb {
    let db = platform_db(hint);
    cli(&db.url, &["seed", "run", "--env", "development"]).ok();
    db
}

#[test]
fn a_backup_restores_into_a_new_database_with_the_same_schema_and_data() {
    let db = source("backup_roundtrip");
    let dir = scratch("roundtrip");
    let file = dir.join("platform.dump");
    let run = cli(&db.url, &["backup", "--output", s(&file)]).ok();
    assert!(run.stdout.contains("backup written:"), "{run}");
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("platform.dump.manifest.json")).expect("manifest"),
    )
    .expect("json");
    let version = db.exec("SELECT max(version) FROM schemactl.migrations");
    assert_eq!(manifest["migration_version"].to_string(), version);
    assert_eq!(
        manifest["size_bytes"].as_u64(),
        Some(std::fs::metadata(&file).expect("file").len())
    );
    assert!(manifest["duration_ms"].is_u64());

    let target = pgharness::database("restore_target");
    let run = cli(&db.url, &["restore", s(&file), "--to", &target.url]).ok();
    assert!(
        run.stdout.contains(&format!("restored {}", file.display())),
        "{run}"
    );
    let (restored, original) = (
        canonical(&target.schema_dump()),
        canonical(&db.schema_dump()),
    );
    if restored != original {
        let only = |a: &str, b: &str| -> Vec<String> {
            let lb: Vec<&str> = b.lines().collect();
            a.lines()
                .filter(|l| !lb.contains(l))
                .map(str::to_owned)
                .collect()
        };
        panic!(
            "schema differs\nonly in the restored: {:?}\nonly in the original: {:?}",
            only(&restored, &original),
            only(&original, &restored)
        );
    }
    let (a, b) = (data(&db), data(&target));
    assert!(
        a.iter()
            .any(|(t, rows)| t == "core.users" && !rows.is_empty())
    );
    assert_eq!(a, b);

    // The target now holds objects: a second restore is refused and changes nothing.
    let refused = cli(&db.url, &["restore", s(&file), "--to", &target.url]).code(1);
    assert!(refused.error_line().contains("is not empty"), "{refused}");
    assert_eq!(data(&target), a);
}

#[test]
fn a_corrupted_or_truncated_backup_is_refused_and_the_target_stays_empty() {
    let db = source("backup_corrupt");
    let dir = scratch("corrupt");
    let file = dir.join("a.dump");
    cli(&db.url, &["backup", "-o", s(&file)]).ok();
    let bytes = std::fs::read(&file).expect("dump");
    let target = pgharness::database("restore_corrupt");

    // One byte changed: the manifest's checksum catches it.
    let mut flipped = bytes.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0xff;
    std::fs::write(&file, &flipped).expect("write");
    let run = cli(&db.url, &["restore", s(&file), "--to", &target.url]).code(1);
    assert!(
        run.error_line().contains("does not match its manifest"),
        "{run}"
    );
    assert!(run.error_line().contains("nothing was restored"), "{run}");
    assert!(user_tables(&target).is_empty());

    // Truncated and without its manifest: pg_restore itself refuses, in one transaction.
    std::fs::write(&file, &bytes[..bytes.len() / 2]).expect("write");
    std::fs::remove_file(dir.join("a.dump.manifest.json")).expect("rm manifest");
    let run = cli(&db.url, &["restore", s(&file), "--to", &target.url]).code(1);
    let err = run.stderr.lines().last().unwrap_or_default().to_owned();
    assert!(err.starts_with("error: "), "{run}");
    assert!(
        err.contains("not a readable pg_dump archive") || err.contains("left as it was"),
        "{run}"
    );
    assert!(run.stderr.contains("has no manifest"), "{run}");
    assert!(
        user_tables(&target).is_empty(),
        "the target is left as it was"
    );
    assert_eq!(
        target.exec("SELECT count(*) FROM pg_namespace WHERE nspname IN ('core', 'app')"),
        "0"
    );

    // Not a dump at all.
    std::fs::write(&file, b"hello").expect("write");
    let run = cli(&db.url, &["restore", s(&file), "--to", &target.url]).code(1);
    assert!(
        run.stderr.contains("not a readable pg_dump archive"),
        "{run}"
    );
}

#[test]
fn a_manifest_from_other_migrations_is_refused() {
    let db = source("backup_version");
    let dir = scratch("version");
    let file = dir.join("b.dump");
    cli(&db.url, &["backup", "-o", s(&file)]).ok();
    let mpath = dir.join("b.dump.manifest.json");
    let text = std::fs::read_to_string(&mpath).expect("manifest");
    let mut v: serde_json::Value = serde_json::from_str(&text).expect("json");
    v["migration_version"] = serde_json::json!(999);
    std::fs::write(&mpath, v.to_string()).expect("write");
    let target = pgharness::database("restore_version");
    let run = cli(&db.url, &["restore", s(&file), "--to", &target.url]).code(1);
    assert!(run.error_line().contains("migration version 999"), "{run}");
    assert!(user_tables(&target).is_empty());
}

#[test]
fn a_pg_dump_older_than_the_server_is_a_clear_error() {
    let db = pgharness::database("backup_old_pgdump");
    let dir = scratch("oldbin");
    let fake = dir.join("pg_dump");
    std::fs::write(&fake, "#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n").expect("write");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let run: Run = cli_command(&["backup", "-o", s(&dir.join("x.dump")), "-u", &db.url])
        .env("PG_BIN_DIR", &dir)
        .output()
        .expect("runs")
        .into();
    let run = run.code(1);
    let err = run.error_line();
    assert!(err.contains("pg_dump version mismatch"), "{run}");
    assert!(err.contains("9.6.24"), "{run}");
    assert!(!dir.join("x.dump").exists());
}

#[test]
fn migrate_up_with_backup_takes_one_first_and_names_it() {
    let db = pgharness::database("backup_before_up");
    let dir = scratch("before_up");
    let dumps = || -> Vec<String> {
        std::fs::read_dir(&dir)
            .expect("dir")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".dump"))
            .collect()
    };
    // --no-backup wins over a production environment.
    let files = sample_files();
    let fx = Fixture::new(&files[..2]);
    let run = migrate_dir(
        &db.url,
        &fx,
        &[
            "up",
            "--env",
            "production",
            "--no-backup",
            "--backup-dir",
            s(&dir),
        ],
    )
    .ok();
    assert!(!run.stdout.contains("backup written"), "{run}");
    assert!(dumps().is_empty());

    // A production environment backs up by default, before applying, and names the file.
    let fx2 = Fixture::new(&files[..4]);
    let run = migrate_dir(
        &db.url,
        &fx2,
        &["up", "--env", "production", "--backup-dir", s(&dir)],
    )
    .ok();
    let lines: Vec<&str> = run.stdout.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("backup written: "))
        .unwrap_or_else(|| panic!("no backup line\n{run}"));
    let applied = lines
        .iter()
        .position(|l| l.starts_with("applied 002_"))
        .unwrap_or_else(|| panic!("nothing applied\n{run}"));
    assert!(at < applied, "the backup comes first\n{run}");
    assert_eq!(dumps().len(), 1);
    assert!(lines[at].contains(&dumps()[0]), "{run}");

    // Nothing pending: no backup, even when asked.
    let again = migrate_dir(&db.url, &fx2, &["up", "--backup", "--backup-dir", s(&dir)]).ok();
    assert!(again.stderr.contains("no backup taken"), "{again}");
    assert_eq!(dumps().len(), 1);
}
