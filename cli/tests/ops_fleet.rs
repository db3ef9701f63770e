//! `cli migrate up --targets`: one release over many databases. Six databases, two
//! already at the latest version and one with an edited applied migration: the other
//! three are migrated, the edited one fails with its reason, and the report and exit code
//! say so. Eight fleet runs at once still apply each migration once per database.

mod common;

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::*;

fn targets_file(dbs: &[(String, &TestDb)]) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!(
        "fleet-targets-{}-{}",
        std::process::id(),
        dbs[0].1.name
    ));
    let mut text = String::from("# the fleet\n\n");
    for (name, db) in dbs {
        text.push_str(&format!("{name}={}\n", db.url));
    }
    std::fs::write(&path, text).expect("write targets");
    path
}

fn fleet(fx: &Fixture, targets: &std::path::Path, args: &[&str]) -> Run {
    let mut all = vec!["migrate", "--dir", fx.path().to_str().expect("utf-8")];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--targets", targets.to_str().expect("utf-8")]);
    cli_command(&all).output().expect("runs").into()
}

/// The final table's row of a database.
fn row<'a>(run: &'a Run, name: &str) -> &'a str {
    run.stdout
        .lines()
        .find(|l| l.starts_with(&format!("{name} ")))
        .unwrap_or_else(|| panic!("no row for {name}\n{run}"))
}

#[test]
fn six_databases_three_migrated_two_current_one_edited_fails_with_its_reason() {
    let files = sample_files();
    let fx = Fixture::new(&files);
    let mut edited = files.clone();
    edited[0].1 = "CREATE SCHEMA core;\n\nCREATE TABLE core.users (id bigint PRIMARY KEY);\n";
    let fx_edited = Fixture::new(&edited);

    let dbs: Vec<TestDb> = (1..=6)
        .map(|i| pgharness::database(&format!("fleet_{i}")))
        .collect();
    migrate_dir(&dbs[0].url, &fx, &["up"]).ok();
    migrate_dir(&dbs[1].url, &fx, &["up"]).ok();
    migrate_dir(&dbs[2].url, &fx_edited, &["up", "--to", "1"]).ok();
    migrate_dir(&dbs[3].url, &fx, &["up", "--to", "1"]).ok();
    let names = ["eu-1", "eu-2", "edited", "us-1", "us-2", "ap-1"];
    let list: Vec<(String, &TestDb)> = names
        .iter()
        .map(|n| (*n).to_owned())
        .zip(dbs.iter())
        .collect();
    let targets = targets_file(&list);

    let status = fleet(&fx, &targets, &["status"]).code(2);
    assert!(row(&status, "eu-1").contains("up to date"), "{status}");
    assert!(
        row(&status, "us-1").contains("behind (2 pending)"),
        "{status}"
    );
    assert!(
        row(&status, "ap-1").contains("behind (3 pending)"),
        "{status}"
    );
    assert!(
        row(&status, "edited").contains("problems: 001_core changed"),
        "{status}"
    );

    let run = fleet(&fx, &targets, &["up", "--jobs", "3"]).code(1);
    assert!(row(&run, "eu-1").contains("ok (up to date)"), "{run}");
    assert!(row(&run, "eu-2").contains("ok (up to date)"), "{run}");
    assert!(row(&run, "us-1").contains("ok (2 applied)"), "{run}");
    assert!(row(&run, "us-2").contains("ok (3 applied)"), "{run}");
    assert!(row(&run, "ap-1").contains("ok (3 applied)"), "{run}");
    let edited_row = row(&run, "edited");
    assert!(edited_row.contains("failed"), "{run}");
    assert!(
        edited_row.contains("001_core.sql was edited after it was applied"),
        "{run}"
    );
    assert!(run.stdout.contains("6 databases in"), "{run}");
    assert!(
        run.stdout
            .contains("3 migrated, 2 already up to date, 1 failed"),
        "{run}"
    );
    assert!(
        run.error_line()
            .contains("1 of 6 databases failed (edited)"),
        "{run}"
    );
    // Live lines name the database.
    assert!(run.stdout.contains("us-2: applied 001_core in "), "{run}");

    for db in [&dbs[0], &dbs[1], &dbs[3], &dbs[4], &dbs[5]] {
        assert_eq!(history(db).len(), 3, "{}", db.name);
    }
    assert_eq!(
        history(&dbs[2]).len(),
        1,
        "the edited database is left as it was"
    );

    let status = fleet(&fx, &targets, &["status"]).code(2);
    assert!(status.stdout.contains("6 databases"), "{status}");
    let json = fleet(&fx, &targets, &["status", "--json"]).code(2);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    let states: Vec<(String, String)> = v["databases"]
        .as_array()
        .expect("databases")
        .iter()
        .map(|d| {
            (
                d["database"].as_str().expect("name").to_owned(),
                d["state"].as_str().expect("state").to_owned(),
            )
        })
        .collect();
    assert_eq!(states[2], ("edited".to_owned(), "problems".to_owned()));
    assert_eq!(
        states.iter().filter(|(_, s)| s == "up to date").count(),
        5,
        "{json}"
    );
    assert_eq!(v["ok"], false);
    assert!(
        status
            .stdout
            .contains("5 up to date, 0 behind, 1 with problems"),
        "{status}"
    );
}

#[test]
fn stop_on_error_skips_the_databases_not_yet_started() {
    let files = sample_files();
    let fx = Fixture::new(&files);
    let mut edited = files.clone();
    edited[0].1 = "CREATE SCHEMA core;\n";
    let fx_edited = Fixture::new(&edited);
    let bad = pgharness::database("fleet_stop_bad");
    migrate_dir(&bad.url, &fx_edited, &["up", "--to", "1"]).ok();
    let others: Vec<TestDb> = (0..3)
        .map(|i| pgharness::database(&format!("fleet_stop_{i}")))
        .collect();
    let mut list = vec![("bad".to_owned(), &bad)];
    for (i, db) in others.iter().enumerate() {
        list.push((format!("next-{i}"), db));
    }
    let targets = targets_file(&list);
    let run = fleet(&fx, &targets, &["up", "--jobs", "1", "--stop-on-error"]).code(1);
    assert!(row(&run, "bad").contains("failed"), "{run}");
    for i in 0..3 {
        assert!(row(&run, &format!("next-{i}")).contains("skipped"), "{run}");
    }
    for db in &others {
        assert!(history(db).is_empty());
    }
}

#[test]
fn targets_from_environment_variables_by_glob() {
    let fx = Fixture::new(&sample_files());
    let a = pgharness::database("fleet_env_a");
    let b = pgharness::database("fleet_env_b");
    let backups = std::env::temp_dir().join(format!("fleet-backups-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&backups);
    let run: Run = cli_command(&[
        "migrate",
        "--dir",
        fx.path().to_str().expect("utf-8"),
        "up",
        "--targets",
        "env:FLEETTEST_*_URL",
        "--backup",
        "--backup-dir",
        backups.to_str().expect("utf-8"),
    ])
    .env("FLEETTEST_A_URL", &a.url)
    .env("FLEETTEST_B_URL", &b.url)
    .env("FLEETTEST_C_NAME", "not a url")
    .output()
    .expect("runs")
    .into();
    let run = run.ok();
    assert!(
        row(&run, "FLEETTEST_A_URL").contains("ok (3 applied)"),
        "{run}"
    );
    assert!(
        row(&run, "FLEETTEST_B_URL").contains("ok (3 applied)"),
        "{run}"
    );
    assert_eq!(history(&a).len(), 3);
    // --backup: each database is backed up before its migrations, and the line says which.
    assert!(
        run.stdout.contains("FLEETTEST_A_URL: backup written: "),
        "{run}"
    );
    assert!(
        run.stdout.contains("FLEETTEST_B_URL: backup written: "),
        "{run}"
    );
    let dumps = std::fs::read_dir(&backups)
        .expect("backups")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".dump"))
        .count();
    assert_eq!(dumps, 2);
    let _ = std::fs::remove_dir_all(&backups);
}

fn finish(mut child: Child, limit: Duration) -> Run {
    let deadline = Instant::now() + limit;
    loop {
        match child.try_wait().expect("try_wait") {
            Some(_) => return child.wait_with_output().expect("output").into(),
            None if Instant::now() > deadline => {
                let _ = child.kill();
                let out: Run = child.wait_with_output().expect("output").into();
                panic!("fleet run still running after {limit:?}\n{out}");
            }
            None => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

#[test]
fn eight_concurrent_fleet_runs_apply_each_migration_once_per_database() {
    let fx = Fixture::new(&sample_files());
    let dbs: Vec<TestDb> = (0..6)
        .map(|i| pgharness::database(&format!("fleet_8x_{i}")))
        .collect();
    let list: Vec<(String, &TestDb)> = dbs
        .iter()
        .enumerate()
        .map(|(i, db)| (format!("db-{i}"), db))
        .collect();
    let targets = targets_file(&list);
    let dir = fx.path().to_str().expect("utf-8").to_owned();
    let t = targets.to_str().expect("utf-8").to_owned();
    let children: Vec<Child> = (0..8)
        .map(|_| {
            cli_command(&[
                "migrate",
                "--dir",
                &dir,
                "up",
                "--targets",
                &t,
                "--jobs",
                "3",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn")
        })
        .collect();
    let runs: Vec<Run> = children
        .into_iter()
        .map(|c| finish(c, Duration::from_secs(180)))
        .collect();
    for r in &runs {
        assert_eq!(r.code, 0, "every fleet run succeeds\n{r}");
    }
    for (name, db) in &list {
        let hist = history(db);
        assert_eq!(hist.len(), 3, "{name}");
        for (_, migration) in &hist {
            let appliers: usize = runs
                .iter()
                .map(|r| {
                    r.stdout
                        .lines()
                        .filter(|l| l.starts_with(&format!("{name}: applied {migration} in ")))
                        .count()
                })
                .sum();
            assert_eq!(appliers, 1, "{name}: {migration} applied {appliers} times");
        }
    }
}

#[test]
fn jobs_bounds_how_many_databases_run_at_once() {
    let fx = Fixture::new(&sample_files());
    let dbs: Vec<TestDb> = (0..3)
        .map(|i| pgharness::database(&format!("fleet_jobs_{i}")))
        .collect();
    let list: Vec<(String, &TestDb)> = dbs
        .iter()
        .enumerate()
        .map(|(i, db)| (format!("one-{i}"), db))
        .collect();
    let targets = targets_file(&list);
    let run = fleet(&fx, &targets, &["up", "--jobs", "1"]).ok();
    // One at a time: every line of a database comes before any line of the next.
    let owners: Vec<&str> = run
        .stdout
        .lines()
        .filter_map(|l| l.split_once(": applied ").map(|(n, _)| n))
        .collect();
    assert_eq!(owners.len(), 9, "{run}");
    let mut seen: Vec<&str> = owners.clone();
    seen.dedup();
    assert_eq!(seen, ["one-0", "one-1", "one-2"], "{run}");
}
