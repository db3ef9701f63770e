//! `cargo bench -p cli --bench import`: `cli import` of a synthetic database
//! (`ddl::synthetic`: each table an identity key, four more columns, an index, a trigger,
//! RLS, a policy and up to two foreign keys) against `pg_dump --schema-only` of the same
//! database, both run as processes, alternating, 3 rounds each, at 1,000 and 10,000
//! tables (`IMPORT_BENCH_TABLES=1000,10000`). Prints the medians, the ratio and each
//! one's max RSS (`/usr/bin/time`). The import includes reading the catalogs, writing
//! the modules and formatting them with rustfmt.

use std::io::Write;
use std::process::Command;
use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
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

/// The synthetic declaration's first migration, one transaction per 500 statements so the
/// server's lock table holds it.
fn build_sql(n: usize) -> String {
    let db = ddl::synthetic::synthetic(n);
    let (_, stmts) = ddl::migration::plan_statements(&ddl::model::database::Database::new(), &db)
        .unwrap_or_else(|d| panic!("the synthetic schema must plan: {d}"));
    let mut sql = String::from("BEGIN;\n");
    for (i, s) in stmts.iter().enumerate() {
        if i > 0 && i % 500 == 0 {
            sql.push_str("COMMIT;\nBEGIN;\n");
        }
        sql.push_str(&s.sql);
        sql.push('\n');
    }
    sql.push_str("COMMIT;\n");
    sql
}

fn bench(n: usize) {
    let db = pgharness::database(&format!("bench_import_{n}"));
    let server = pgharness::server();
    let file = std::env::temp_dir().join(format!("import-bench-{}-{n}.sql", std::process::id()));
    std::fs::File::create(&file)
        .and_then(|mut f| f.write_all(build_sql(n).as_bytes()))
        .expect("temp file");
    let t = Instant::now();
    let out = Command::new(server.program("psql"))
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", &db.url, "-f"])
        .arg(&file)
        .output()
        .expect("psql");
    let _ = std::fs::remove_file(&file);
    assert!(
        out.status.success(),
        "building the database failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    println!("{n} tables: built in {:.1} s", t.elapsed().as_secs_f64());
    let pg_dump = server.program("pg_dump");
    let pg_dump = pg_dump.to_str().expect("utf-8 path");
    let out_dir = std::env::temp_dir().join(format!("import-bench-out-{}", std::process::id()));
    let out_dir = out_dir.to_str().expect("utf-8 path").to_owned();
    let (mut dump, mut ours) = (Vec::new(), Vec::new());
    let (mut dump_rss, mut our_rss) = (0, 0);
    for _ in 0..3 {
        let (t, kb) = timed(
            pg_dump,
            &["--schema-only", "-f", "/dev/null", "-d", &db.url],
        );
        dump.push(t);
        dump_rss = dump_rss.max(kb);
        let (t, kb) = timed(
            env!("CARGO_BIN_EXE_cli"),
            &[
                "import",
                "--database-url",
                &db.url,
                "--out",
                &out_dir,
                "--force",
            ],
        );
        ours.push(t);
        our_rss = our_rss.max(kb);
    }
    let written: usize = std::fs::read_dir(&out_dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.metadata().map_or(0, |m| m.len() as usize))
                .sum()
        })
        .unwrap_or(0);
    let _ = std::fs::remove_dir_all(&out_dir);
    let (d, o) = (median(dump), median(ours));
    println!(
        "  pg_dump --schema-only: {:.2} s (median of 3), max RSS {} MB",
        d.as_secs_f64(),
        dump_rss / 1024
    );
    println!(
        "  cli import:            {:.2} s (median of 3), max RSS {} MB, {} kB of Rust written",
        o.as_secs_f64(),
        our_rss / 1024,
        written / 1024
    );
    println!(
        "  ratio import / pg_dump = {:.2} (target < 1)",
        o.as_secs_f64() / d.as_secs_f64()
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
