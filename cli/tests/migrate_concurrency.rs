//! Concurrent runners: the advisory try-lock loop serialises them, never applies a
//! migration twice, and never deadlocks with CREATE INDEX CONCURRENTLY.

mod common;

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::*;

fn spawn_up(url: &str, dir: Option<&Fixture>) -> Child {
    let mut args = vec!["migrate".to_owned()];
    if let Some(fx) = dir {
        args.push("--dir".into());
        args.push(fx.path().to_str().expect("utf-8 path").into());
    }
    args.extend(["up".into(), "--database-url".into(), url.into()]);
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    cli_command(&argv)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn cli")
}

/// Waits for a runner; a runner still going after `limit` is a hang (killed, test fails).
fn finish(mut child: Child, limit: Duration) -> Run {
    let deadline = Instant::now() + limit;
    loop {
        match child.try_wait().expect("try_wait") {
            Some(_) => return child.wait_with_output().expect("output").into(),
            None if Instant::now() > deadline => {
                let _ = child.kill();
                let out: Run = child.wait_with_output().expect("output").into();
                panic!("runner still running after {limit:?} (deadlock?)\n{out}");
            }
            None => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

fn eight_runners_apply_once(db: &TestDb, fx: Option<&Fixture>, expected: usize) -> Vec<Run> {
    let children: Vec<Child> = (0..8).map(|_| spawn_up(&db.url, fx)).collect();
    let runs: Vec<Run> = children
        .into_iter()
        .map(|c| finish(c, Duration::from_secs(120)))
        .collect();
    for r in &runs {
        assert_eq!(r.code, 0, "every runner must succeed\n{r}");
    }
    let hist = history(db);
    assert_eq!(hist.len(), expected, "{hist:?}");
    for (_, name) in &hist {
        let appliers = runs
            .iter()
            .filter(|r| {
                r.stdout
                    .lines()
                    .any(|l| l.starts_with(&format!("applied {name} in ")))
            })
            .count();
        assert_eq!(appliers, 1, "{name} applied by {appliers} runners");
    }
    runs
}

#[test]
fn eight_concurrent_runners_apply_each_fixture_migration_exactly_once() {
    let db = pgharness::database("eight_fixture");
    let mut files = sample_files();
    files.push((
        "004_log.sql",
        "CREATE TABLE public.applied_log (v text);\n\nINSERT INTO public.applied_log VALUES ('004');\n\nSELECT pg_sleep(0.3);\n",
    ));
    let fx = Fixture::new(&files);
    eight_runners_apply_once(&db, Some(&fx), 4);
    assert_eq!(db.exec("SELECT count(*) FROM public.applied_log"), "1");
}

#[test]
fn eight_concurrent_runners_apply_the_platform_migrations_exactly_once() {
    assert!(
        platform_dir().join("001_initial_schema.sql").is_file(),
        "the platform migration 001_initial_schema.sql is missing: run `cargo run -p codegen`"
    );
    let db = pgharness::database("eight_platform");
    let expected = std::fs::read_dir(platform_dir())
        .expect("migrations dir")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".sql") && !n.ends_with(".down.sql"))
        .count();
    eight_runners_apply_once(&db, None, expected);
}

#[test]
fn a_concurrent_index_migration_applies_while_another_runner_waits_on_the_lock() {
    let db = pgharness::database("cic_wait");
    let fx = Fixture::new(&[
        (
            "001_data.sql",
            "CREATE TABLE public.big (id int);\n\n\
             CREATE FUNCTION public.slow(int) RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$\nBEGIN\n    PERFORM pg_sleep(0.005);\n    RETURN $1;\nEND;\n$$;\n\n\
             INSERT INTO public.big SELECT generate_series(1, 500);\n",
        ),
        (
            "002_slow_index.sql",
            "-- @transaction: none\n\nCREATE INDEX CONCURRENTLY big_slow_idx ON public.big (public.slow(id));\n",
        ),
    ]);
    migrate_dir(&db.url, &fx, &["up", "--to", "1"]).ok();

    let first = spawn_up(&db.url, Some(&fx));
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let busy = db.exec("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'CREATE INDEX CONCURRENTLY big_slow_idx%'");
        if busy == "1" {
            break;
        }
        assert!(Instant::now() < deadline, "the index build never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    let second = spawn_up(&db.url, Some(&fx));

    let first = finish(first, Duration::from_secs(60));
    let second = finish(second, Duration::from_secs(60));
    let first = first.ok();
    let second = second.ok();
    assert!(
        first.stdout.contains("applied 002_slow_index in "),
        "{first}"
    );
    assert!(
        second
            .stderr
            .contains("waiting for the migration lock, held by server pid "),
        "the second runner must say it waits\n{second}"
    );
    assert!(second.stdout.contains("nothing to do"), "{second}");
    let valid = db
        .exec("SELECT indisvalid FROM pg_index WHERE indexrelid = 'public.big_slow_idx'::regclass");
    assert_eq!(valid, "t");
    assert_eq!(history(&db).len(), 2);
}

#[test]
fn a_runner_gives_up_after_the_lock_timeout_naming_the_holder() {
    let db = pgharness::database("lock_timeout");
    let fx = Fixture::new(&sample_files());
    // Another session holds the runner's lock until its stdin closes.
    let mut holder = std::process::Command::new(pgharness::server().program("psql"))
        .args(["-X", "-q", "-d", &db.url])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn psql");
    let mut stdin = holder.stdin.take().expect("psql stdin");
    std::io::Write::write_all(
        &mut stdin,
        format!(
            "SELECT pg_advisory_lock({});\n",
            migrations::runner::lock::LOCK_KEY
        )
        .as_bytes(),
    )
    .expect("write to psql");
    let deadline = Instant::now() + Duration::from_secs(10);
    let held = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted \
                AND database = (SELECT oid FROM pg_database WHERE datname = current_database())";
    while db.exec(held) != "1" {
        assert!(Instant::now() < deadline, "psql never took the lock");
        std::thread::sleep(Duration::from_millis(20));
    }
    let run = migrate_dir(&db.url, &fx, &["up", "--lock-timeout", "1"]).code(1);
    drop(stdin);
    let _ = holder.wait();
    assert!(
        run.stderr
            .contains("waiting for the migration lock, held by server pid "),
        "{run}"
    );
    let last = run.stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with(
            "error: gave up waiting for the migration lock after 1 s (held by server pid "
        ),
        "{run}"
    );
    assert_eq!(history(&db), vec![]);
}
