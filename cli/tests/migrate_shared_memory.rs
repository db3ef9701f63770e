//! "out of shared memory" from a migration that takes more locks than the server's lock
//! table holds. A test binary of its own: it fills the whole cluster's lock table for a
//! moment, which would disturb tests running beside it on the same cluster.

mod common;

use common::*;

#[test]
fn out_of_shared_memory_is_one_line_naming_max_locks_per_transaction() {
    let db = pgharness::database("shared_memory");
    let before = db.schema_dump();
    // Advisory locks live in the same lock table as the relation locks of a huge DDL
    // migration, and fill it in well under a second.
    let fx = Fixture::new(&[(
        "001_huge.sql",
        "CREATE TABLE public.t (id int);\n\nSELECT count(pg_advisory_xact_lock(g)) FROM generate_series(1, 2000000) AS g;\n",
    )]);
    let run = migrate_dir(&db.url, &fx, &["up"]).code(1);
    let line = run.error_line();
    assert!(
        line.contains("001_huge.sql:3: out of shared memory"),
        "{run}"
    );
    assert!(line.contains("raise max_locks_per_transaction"), "{run}");
    assert!(line.contains("rolled back"), "{run}");
    assert_eq!(db.schema_dump(), before);
}
