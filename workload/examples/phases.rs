//! Where codegen's time goes, phase by phase, on the workload model (no files, no
//! database): `cargo run --release -p workload --example phases -- 10000 [phase]`.
//! Each phase runs 5 times; the best time is printed. A profiling aid for
//! docs/performance.md, not a benchmark with a baseline (`bench/run` is).

use ddl::plan::prepared::Canonical;
use std::hint::black_box;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let tables = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let only = args.next();
    let db = workload::model::database(&workload::generate(tables, workload::DEFAULT_SEED, false));
    let phase = |name: &str, f: &mut dyn FnMut()| {
        if only.as_deref().is_some_and(|o| o != name) {
            return;
        }
        let best = (0..5)
            .map(|_| {
                let start = Instant::now();
                f();
                start.elapsed().as_secs_f64()
            })
            .fold(f64::MAX, f64::min);
        println!("{name:>16}: {:8.1} ms", best * 1e3);
    };
    phase("clone", &mut || drop(black_box(db.clone())));
    phase("canonical", &mut || drop(black_box(db.canonical())));
    phase("validate", &mut || {
        drop(black_box(ddl::validate::validate(&db)))
    });
    let canonical = Canonical::of(&db);
    phase("prepare", &mut || drop(black_box(canonical.prepare(&db))));
    let prepared = canonical.prepare(&db);
    phase("entities", &mut || {
        drop(black_box(ddl::entity::files_prepared(&prepared)));
    });
    phase("pages", &mut || {
        drop(black_box(ddl::diagram::pages_prepared(&prepared)));
    });
    let snapshot = ddl::migration::snapshot_json(prepared.canonical);
    phase("snapshot_json", &mut || {
        drop(black_box(ddl::migration::snapshot_json(prepared.canonical)));
    });
    phase("parse_snapshot", &mut || {
        drop(black_box(ddl::migration::parse_snapshot(&snapshot)));
    });
}
