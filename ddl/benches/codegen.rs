//! Codegen on a synthetic 10,000-table schema: validation, planning and rendering of the
//! first migration (up and down), a one-column change against its snapshot, and the
//! entities and schema pages codegen writes besides.
//!
//! `cargo bench -p ddl --bench codegen` prints the median of several runs and the ratio to
//! a baseline measured in the same process: serialising the same model to JSON (the
//! snapshot), which any generator has to do at least once. Target (docs/architecture.md):
//! under 0.5 s for the first migration and for a one-column change.

use ddl::migration::{Existing, Outcome, next_migration};
use ddl::prelude::*;
use ddl::synthetic::synthetic;
use std::time::{Duration, Instant};

const TABLES: usize = 10_000;
const RUNS: usize = 5;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time<T>(f: impl Fn() -> T) -> (Duration, T) {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..RUNS {
        let start = Instant::now();
        let out = f();
        times.push(start.elapsed());
        last = Some(out);
    }
    (median(times), last.expect("RUNS > 0"))
}

fn main() {
    let db = synthetic(TABLES);
    let (baseline, json) = time(|| ddl::migration::snapshot_json(&db));
    let (first, outcome) = time(|| next_migration(&Existing::default(), &db, None));
    let Ok(Outcome::New(g)) = outcome else {
        panic!("the synthetic schema must plan");
    };

    let existing = Existing {
        files: vec![(g.up_file(), g.up.clone()), (g.down_file(), g.down.clone())],
        snapshot: Some(g.snapshot.clone()),
        sum: Some(g.sum.clone()),
    };
    let mut changed = db.clone();
    changed.tables[TABLES / 2].columns.push(col("note", TEXT));
    let (one_column, outcome) = time(|| next_migration(&existing, &changed, None));
    let Ok(Outcome::New(step)) = outcome else {
        panic!("a one-column change must plan");
    };
    assert_eq!(step.up_statements, 1);

    // The last table (no foreign key points at it) renamed by hint: one ALTER TABLE.
    let mut renamed = db.clone();
    let last = renamed.tables.len() - 1;
    let old = renamed.tables[last].name.name.clone();
    renamed.tables[last] = renamed.tables[last].clone().renamed_from(&old);
    renamed.tables[last].name.name = format!("{old}_renamed");
    let (rename, outcome) = time(|| next_migration(&existing, &renamed, None));
    let Ok(Outcome::New(step)) = outcome else {
        panic!("a renamed table must plan");
    };
    assert_eq!(step.up_statements, 1);

    let (entities, files) = time(|| ddl::entity::files(&db));
    let (diagrams, pages) = time(|| ddl::diagram::pages(&db));

    println!(
        "synthetic schema: {TABLES} tables, {} statements, {} MB of SQL, {} MB snapshot",
        g.up_statements,
        g.up.len() / 1_000_000,
        json.len() / 1_000_000
    );
    println!(
        "baseline (snapshot JSON):      {:>8.1} ms",
        baseline.as_secs_f64() * 1e3
    );
    println!(
        "first migration (up + down):   {:>8.1} ms  = {:.2} x baseline  ({})",
        first.as_secs_f64() * 1e3,
        first.as_secs_f64() / baseline.as_secs_f64(),
        verdict(first)
    );
    println!(
        "one-column change:             {:>8.1} ms  = {:.2} x baseline  ({})",
        one_column.as_secs_f64() * 1e3,
        one_column.as_secs_f64() / baseline.as_secs_f64(),
        verdict(one_column)
    );
    println!(
        "one table renamed by hint:     {:>8.1} ms  = {:.2} x baseline  ({})",
        rename.as_secs_f64() * 1e3,
        rename.as_secs_f64() / baseline.as_secs_f64(),
        verdict(rename)
    );
    println!(
        "entities ({} files):        {:>8.1} ms  = {:.2} x baseline",
        files.len(),
        entities.as_secs_f64() * 1e3,
        entities.as_secs_f64() / baseline.as_secs_f64()
    );
    println!(
        "schema pages ({} pages):        {:>8.1} ms  = {:.2} x baseline",
        pages.len(),
        diagrams.as_secs_f64() * 1e3,
        diagrams.as_secs_f64() / baseline.as_secs_f64()
    );
}

fn verdict(d: Duration) -> &'static str {
    if d <= Duration::from_millis(500) {
        "within the 0.5 s target"
    } else {
        "OVER the 0.5 s target"
    }
}
