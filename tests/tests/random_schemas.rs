//! Property test: random declarations (tables, foreign keys in any direction with cycles
//! broken by `.add_later()`, indexes, declared in shuffled order) generate SQL that
//! applies on PostgreSQL, matches the catalogs and rolls back to an empty database.

use ddl::prelude::*;
use proptest::prelude::*;
use tests::{apply_ok, catalog, first_migration, leftovers};

const NAMES: [&str; 10] = ["t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9"];

fn table_ref(i: usize) -> TableRef {
    TableRef::new("rnd", NAMES[i])
}

/// (table count, edges as (from, to, deferred), index flags, a permutation seed)
fn declaration(n: usize, edges: &[(usize, usize)], indexed: &[bool], rotate: usize) -> Database {
    let mut tables: Vec<Table> = (0..n)
        .map(|i| {
            let mut t = Table::new(table_ref(i))
                .column(col("id", BIGINT).identity().primary_key())
                .column(col("label", TEXT).not_null().default_value("x"));
            for (k, &(from, to)) in edges.iter().enumerate() {
                if from == i {
                    let column = format!("ref{k}");
                    t = t.column(col(column.clone(), BIGINT));
                    // Edges to a table declared earlier go in-line; edges to a later (or
                    // the same) table could close a cycle, so they are added later.
                    let fk = ForeignKey::new([column.as_str()], table_ref(to), ["id"]);
                    t = t.foreign_key(if to > from { fk.add_later() } else { fk });
                    if indexed.get(k).copied().unwrap_or(false) {
                        t = t.index(Index::on([column.as_str()]));
                    }
                }
            }
            t
        })
        .collect();
    let len = tables.len();
    tables.rotate_left(rotate % len.max(1));
    Database::new().schema(Schema::new("rnd")).tables(tables)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn random_schemas_apply_match_the_catalogs_and_roll_back(
        n in 1usize..8,
        raw_edges in proptest::collection::vec((0usize..8, 0usize..8), 0..12),
        indexed in proptest::collection::vec(any::<bool>(), 12),
        rotate in 0usize..8,
    ) {
        let edges: Vec<(usize, usize)> = raw_edges.into_iter().map(|(a, b)| (a % n, b % n)).collect();
        let decl = declaration(n, &edges, &indexed, rotate);
        let m = first_migration(&decl);
        let db = pgharness::database("random");
        apply_ok(&db, &m.up);
        let diffs = catalog::differences(&db, &decl);
        prop_assert!(diffs.is_empty(), "{}", diffs.join("\n"));
        apply_ok(&db, &m.down);
        prop_assert_eq!(leftovers(&db), Vec::<String>::new());
    }
}
