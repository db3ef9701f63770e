//! `cargo bench -p cli --bench import` (release: the bench profile): `cli import` of the
//! workload database (`workload::sql`, the seeded N-table schema every benchmark measures:
//! eight schemas, foreign keys to hub tables, indexes, CHECKs, triggers, RLS and
//! policies) against `pg_dump --schema-only` of the same database, both run as
//! processes, alternating, `IMPORT_BENCH_ROUNDS` rounds (default 3) each, at 1,000 and
//! 10,000 tables (`IMPORT_BENCH_TABLES=1000,10000`). Prints min/median/max, the ratio of
//! the medians, each one's max RSS (`/usr/bin/time`) and the load average. The import
//! includes reading the catalogs and writing the modules (in rustfmt's layout; rustfmt
//! is not run).

use std::process::Command;
use std::time::{Duration, Instant};

/// `min / median / max` in seconds.
fn spread(mut v: Vec<Duration>) -> (f64, f64, f64) {
    v.sort();
    let s = |d: Duration| d.as_secs_f64();
    (s(v[0]), s(v[v.len() / 2]), s(v[v.len() - 1]))
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".to_owned())
}

/// Runs a command under `/usr/bin/time -f %M`: wall time and max RSS in kB.
fn timed(program: &str, args: &[&str]) -> (Duration, u64) {
    let t = Instant::now();
    let out = Command::new("/usr/bin/time")
        .args(["-f", "%M", program])
        .args(args)
        .output()
        .expect("/usr/bin/time runs");
    let elapsed = t.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    // `cli import` exits 0 when everything was declared.
    assert!(out.status.success(), "{program} failed: {stderr}");
    let kb = stderr
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or(0);
    (elapsed, kb)
}

/// The workload's SQL, one transaction per 500 statements so that the server's lock
/// table holds it (statements end with `;` at the end of a line; bodies are one line).
fn build_sql(n: usize) -> String {
    let w = workload::generate(n, workload::DEFAULT_SEED, false);
    let text = workload::sql::sql(&w);
    let mut sql = String::from("BEGIN;\n");
    for (i, stmt) in text.split_inclusive(";\n").enumerate() {
        if i > 0 && i % 500 == 0 {
            sql.push_str("COMMIT;\nBEGIN;\n");
        }
        sql.push_str(stmt);
    }
    sql.push_str("COMMIT;\n");
    sql
}

fn bench(n: usize) {
    let db = pgharness::database(&format!("bench_import_{n}"));
    let server = pgharness::server();
    let sql = build_sql(n);
    let t = Instant::now();
    if let Err(e) = db.psql_script(&sql) {
        panic!("building the database failed: {e}");
    }
    // A database in use has been vacuumed: right after 10,000 CREATEs pg_class is mostly
    // dead rows, and every catalog scan (pg_dump's and ours) pays for them.
    db.exec("VACUUM ANALYZE");
    println!(
        "{n} tables: built and vacuumed in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let pg_dump = server.program("pg_dump");
    let pg_dump = pg_dump.to_str().expect("utf-8 path");
    let out_dir = std::env::temp_dir().join(format!("import-bench-out-{}", std::process::id()));
    let out_dir = out_dir.to_str().expect("utf-8 path").to_owned();
    let (mut dump, mut ours) = (Vec::new(), Vec::new());
    let (mut dump_rss, mut our_rss) = (0, 0);
    let rounds: usize = std::env::var("IMPORT_BENCH_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3)
        .max(1);
    let load_before = load_average();
    let import_args = [
        "import",
        "--database-url",
        db.url.as_str(),
        "--out",
        out_dir.as_str(),
        "--force",
    ];
    for _ in 0..rounds {
        let (t, kb) = timed(
            pg_dump,
            &["--schema-only", "-f", "/dev/null", "-d", &db.url],
        );
        dump.push(t);
        dump_rss = dump_rss.max(kb);
        let (t, kb) = timed(env!("CARGO_BIN_EXE_cli"), &import_args);
        ours.push(t);
        our_rss = our_rss.max(kb);
    }
    // `IMPORT_BENCH_PSQL=FILE`: run a script on the database (`EXPLAIN ANALYZE` of a
    // catalog query) and print its output.
    if let Ok(script) = std::env::var("IMPORT_BENCH_PSQL") {
        let out = Command::new(server.program("psql"))
            .args(["-X", "-d", &db.url, "-f", &script])
            .output()
            .expect("psql");
        println!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // `IMPORT_BENCH_PERF=FILE`: one more import under `perf record -g` (release has line
    // tables), to see where the time goes.
    if let Ok(perf) = std::env::var("IMPORT_BENCH_PERF") {
        let status = Command::new("perf")
            .args(["record", "-g", "-o", &perf, "--"])
            .env("IMPORT_TIMINGS", "1")
            .env("INTROSPECT_TIMING", "1")
            .arg(env!("CARGO_BIN_EXE_cli"))
            .args(import_args)
            .status()
            .expect("perf runs");
        assert!(status.success(), "perf record failed");
    }
    let written: usize = std::fs::read_dir(&out_dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.metadata().map_or(0, |m| m.len() as usize))
                .sum()
        })
        .unwrap_or(0);
    let _ = std::fs::remove_dir_all(&out_dir);
    let (d, o) = (spread(dump), spread(ours));
    println!(
        "  pg_dump --schema-only: min {:.2} s, median {:.2} s, max {:.2} s ({rounds} runs), max RSS {} MB",
        d.0,
        d.1,
        d.2,
        dump_rss / 1024
    );
    println!(
        "  cli import:            min {:.2} s, median {:.2} s, max {:.2} s ({rounds} runs), max RSS {} MB, {} kB of Rust written",
        o.0,
        o.1,
        o.2,
        our_rss / 1024,
        written / 1024
    );
    println!(
        "  ratio import / pg_dump (medians) = {:.2} (target < 1); load average before {load_before}, after {}",
        o.1 / d.1,
        load_average()
    );
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo test --benches` lists targets
    }
    let sizes = std::env::var("IMPORT_BENCH_TABLES").unwrap_or_else(|_| "1000,10000".into());
    for n in sizes.split(',').filter_map(|s| s.trim().parse().ok()) {
        bench(n);
    }
}
