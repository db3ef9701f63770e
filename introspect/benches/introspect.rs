//! `cargo bench -p introspect`: reading a synthetic database of N tables (default 10,000;
//! `INTROSPECT_BENCH_TABLES=2000` for a quicker run) against `pg_dump --schema-only` of the
//! same database, side by side in one run, alternating, 3 rounds each; prints the medians,
//! the ratio and the peak memory (max RSS) of each.
//!
//! The database is the shared benchmark workload (`workload` crate: 8 schemas, 6-10 columns,
//! Zipf-skewed foreign keys, 1-3 indexes, CHECKs, tenant tables with a trigger, RLS and a
//! policy), applied statement by statement, so the server's default
//! `max_locks_per_transaction` (64) is enough.

use std::process::Command;
use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// This process's peak resident set size in kB (`VmHWM`).
fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        })
        .unwrap_or(0)
}

fn reset_peak_rss() {
    // Linux: writing 5 to clear_refs resets VmHWM to the current RSS.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn build_sql(n: usize) -> String {
    // The shared benchmark workload (docs/performance.md); no BEGIN/COMMIT, so psql
    // applies statement by statement and the default max_locks_per_transaction suffices.
    workload::sql::sql(&workload::generate(n, workload::DEFAULT_SEED, false))
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo test --benches` lists targets
    }
    let n: usize = std::env::var("INTROSPECT_BENCH_TABLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let db = pgharness::database("bench_introspect");
    let server = pgharness::server();
    let sql = build_sql(n);
    let t = Instant::now();
    if let Err(e) = db.psql_script(&sql) {
        panic!("building the database failed: {e}");
    }
    println!(
        "built {n} tables in {:.1} s (statement by statement, so the default max_locks_per_transaction suffices)",
        t.elapsed().as_secs_f64()
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");

    let mut dump_times = Vec::new();
    let mut dump_rss = 0u64;
    let mut ours = Vec::new();
    let mut our_rss = 0u64;
    let mut tables_read = 0;
    for _ in 0..3 {
        let t = Instant::now();
        let out = Command::new("/usr/bin/time")
            .args(["-f", "%M"])
            .arg(server.program("pg_dump"))
            .args(["--schema-only", "-f", "/dev/null", "-d", &db.url])
            .output()
            .expect("pg_dump");
        dump_times.push(t.elapsed());
        assert!(
            out.status.success(),
            "pg_dump failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let kb: u64 = String::from_utf8_lossy(&out.stderr)
            .lines()
            .last()
            .and_then(|l| l.trim().parse().ok())
            .unwrap_or(0);
        dump_rss = dump_rss.max(kb);

        reset_peak_rss();
        let before = peak_rss_kb();
        let t = Instant::now();
        let live = runtime
            .block_on(introspect::inspect(&db.url, &[]))
            .expect("introspect");
        ours.push(t.elapsed());
        tables_read = live.model.tables.len();
        drop(live);
        our_rss = our_rss.max(peak_rss_kb().max(before));
    }
    assert_eq!(tables_read, n, "introspection missed tables");
    let (d, o) = (median(dump_times), median(ours));
    println!(
        "pg_dump --schema-only: {:.2} s (median of 3), max RSS {} MB",
        d.as_secs_f64(),
        dump_rss / 1024
    );
    println!(
        "introspect::inspect:   {:.2} s (median of 3), peak RSS of the process {} MB",
        o.as_secs_f64(),
        our_rss / 1024
    );
    println!(
        "ratio introspect / pg_dump = {:.2} (target <= 0.50)",
        o.as_secs_f64() / d.as_secs_f64()
    );
}
