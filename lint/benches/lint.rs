//! Lint of a 10,000-table migration file (the first migration of a synthetic schema, as
//! codegen writes it: tables, identity keys, foreign keys, indexes, triggers, RLS and
//! policies). Target: at most 1 s (squawk takes about 3.9 s for a similar file).
//!
//! `cargo bench -p lint --bench lint` prints the median of 3 runs of `lint::lint_sql`,
//! one `pg_query::parse` of the same file on one core for scale, and squawk's time on the
//! same file when `squawk` is on PATH (`pip install squawk-cli`).

use std::time::{Duration, Instant};

use ddl::migration::{Existing, Outcome, next_migration};

const TABLES: usize = 10_000;
const RUNS: usize = 3;
const TARGET: Duration = Duration::from_secs(1);

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    // LINT_BENCH_TABLES=1000 for a smaller file (squawk finishes on those).
    let tables = std::env::var("LINT_BENCH_TABLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(TABLES);
    let db = workload::model::database(&workload::generate(tables, workload::DEFAULT_SEED, false));
    let Ok(Outcome::New(g)) = next_migration(&Existing::default(), &db, None) else {
        panic!("the workload must plan");
    };
    let file = g.up_file();
    let sql = g.up.clone();
    let mut times = Vec::new();
    let mut findings = Vec::new();
    for _ in 0..RUNS {
        let start = Instant::now();
        findings = lint::lint_sql(&file, &sql);
        times.push(start.elapsed());
    }
    let ours = median(times);
    let errors = findings
        .iter()
        .filter(|f| f.severity == lint::Severity::Error)
        .count();
    println!(
        "synthetic migration: {tables} tables, {} statements, {:.1} MB of SQL",
        g.up_statements,
        sql.len() as f64 / 1e6
    );
    println!(
        "lint::lint_sql (median of {RUNS}):  {:>8.1} ms  ({}; {} findings, {errors} errors)",
        ours.as_secs_f64() * 1e3,
        if ours <= TARGET {
            "within the 1 s target"
        } else {
            "OVER the 1 s target"
        },
        findings.len()
    );
    // For scale on a busy machine: PostgreSQL's parser alone, one `pg_query::parse` of the
    // whole file on one core (what any pg_query-based linter pays at least).
    let start = Instant::now();
    let parsed = pg_query::parse(&sql).map(|p| p.protobuf.stmts.len());
    let parse_only = start.elapsed();
    println!(
        "pg_query::parse alone, one core:   {:>8.1} ms  ({} statements; lint = {:.2} x this)",
        parse_only.as_secs_f64() * 1e3,
        parsed.unwrap_or(0),
        ours.as_secs_f64() / parse_only.as_secs_f64()
    );
    squawk(&sql);
}

/// Longest a squawk run may take before it is stopped.
const SQUAWK_LIMIT: Duration = Duration::from_secs(120);

/// squawk's time on the same file, if it is installed: one run, stopped after
/// [`SQUAWK_LIMIT`] (squawk 2.x takes minutes on a file this size).
fn squawk(sql: &str) {
    let found = std::process::Command::new("squawk")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        println!("squawk: not on PATH, no side-by-side number");
        return;
    }
    let path = std::env::temp_dir().join(format!("lint-bench-{}.sql", std::process::id()));
    if std::fs::write(&path, sql).is_err() {
        println!("squawk: cannot write the temporary file");
        return;
    }
    let start = Instant::now();
    let child = std::process::Command::new("squawk")
        .arg(&path)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    let line = match child {
        Err(e) => format!("squawk: cannot start: {e}"),
        Ok(mut child) => loop {
            if let Ok(Some(_)) = child.try_wait() {
                break format!(
                    "squawk (one run):                  {:>8.1} ms",
                    start.elapsed().as_secs_f64() * 1e3
                );
            }
            if start.elapsed() > SQUAWK_LIMIT {
                let _ = child.kill();
                let _ = child.wait();
                break format!(
                    "squawk (one run):                  stopped after {} s without finishing",
                    SQUAWK_LIMIT.as_secs()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        },
    };
    let _ = std::fs::remove_file(&path);
    println!("{line}");
}
