//! Property test: random declarations (tables, foreign keys in any direction with cycles
//! broken by `.add_later()`, indexes, functions called from defaults, checks, policies and
//! triggers, functions over row types, declared in shuffled order) generate SQL that
//! applies on PostgreSQL, matches the catalogs and rolls back to an empty database, the
//! down file statement by statement.

use ddl::prelude::*;
use proptest::prelude::*;
use tests::{apply_each_ok, apply_ok, catalog, first_migration, leftovers};

const DEFAULT_FN: FunctionRef = FunctionRef::new("rnd", "next_label");
const CHECK_FN: FunctionRef = FunctionRef::new("rnd", "label_ok");
const POLICY_FN: FunctionRef = FunctionRef::new("rnd", "visible_ids");
const TRIGGER_FN: FunctionRef = FunctionRef::new("rnd", "stamp");
const ROW_FNS: [FunctionRef; 8] = [
    FunctionRef::new("rnd", "row_t0"),
    FunctionRef::new("rnd", "row_t1"),
    FunctionRef::new("rnd", "row_t2"),
    FunctionRef::new("rnd", "row_t3"),
    FunctionRef::new("rnd", "row_t4"),
    FunctionRef::new("rnd", "row_t5"),
    FunctionRef::new("rnd", "row_t6"),
    FunctionRef::new("rnd", "row_t7"),
];

/// Which tables use functions, and which tables those functions read.
#[derive(Debug, Clone)]
struct Functions {
    /// Per table: label default from a function, label CHECK through a function, a policy
    /// calling a `LANGUAGE sql` function that reads `reads`, a trigger whose function
    /// DECLAREs the row type of `reads`, a function taking and returning its row type.
    default: Vec<bool>,
    check: Vec<bool>,
    policy: Vec<bool>,
    trigger: Vec<bool>,
    row_fn: Vec<bool>,
    /// The table the policy and trigger functions read.
    reads: usize,
}

fn functions() -> impl Strategy<Value = Functions> {
    let flags = || proptest::collection::vec(any::<bool>(), 8);
    (flags(), flags(), flags(), flags(), flags(), 0usize..8).prop_map(
        |(default, check, policy, trigger, row_fn, reads)| Functions {
            default,
            check,
            policy,
            trigger,
            row_fn,
            reads,
        },
    )
}

/// Adds the functions and their uses to a declaration of `n` tables.
fn with_functions(mut db: Database, n: usize, f: &Functions) -> Database {
    let reads = table_ref(f.reads % n);
    let on = |flags: &[bool], i: usize| flags.get(i).copied().unwrap_or(false);
    db = db
        .function(
            Function::new(DEFAULT_FN, "text", "SELECT 'x'")
                .language("sql")
                .immutable(),
        )
        .function(
            Function::new(CHECK_FN, "boolean", "SELECT p <> ''")
                .arg("p", "text")
                .language("sql")
                .immutable(),
        )
        .function(
            Function::new(
                POLICY_FN,
                "SETOF bigint",
                &format!("SELECT id FROM {reads}"),
            )
            .language("sql")
            .stable(),
        )
        .function(Function::trigger(
            TRIGGER_FN,
            &format!("\nDECLARE\n  last {reads}%rowtype;\nBEGIN\n  RETURN NEW;\nEND\n"),
        ));
    db.tables = std::mem::take(&mut db.tables)
        .into_iter()
        .map(|mut t| {
            let Some(k) = NAMES.iter().position(|n| *n == t.name.name) else {
                return t;
            };
            if on(&f.default, k)
                && let Some(c) = t.columns.iter_mut().find(|c| c.name == "label")
            {
                c.default = Some("rnd.next_label()".into());
            }
            if on(&f.check, k) {
                t = t.check(&format!("{}_label_ok", NAMES[k]), "rnd.label_ok(label)");
            }
            if on(&f.policy, k) {
                t = t
                    .enable_rls()
                    .policy(Policy::new("visible").using("id IN (SELECT rnd.visible_ids())"));
            }
            if on(&f.trigger, k) {
                t = t.trigger(Trigger::before("stamp", TRIGGER_FN).on_insert().on_update());
            }
            t
        })
        .collect();
    for k in (0..n).filter(|&k| on(&f.row_fn, k)) {
        let row = table_ref(k).to_string();
        db = db.function(
            Function::new(
                ROW_FNS[k],
                format!("SETOF {row}"),
                &format!("SELECT * FROM {row} WHERE id = (p).id"),
            )
            .arg("p", &row)
            .language("sql")
            .stable(),
        );
    }
    db
}

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
    #![proptest_config(ProptestConfig { cases: 20, ..ProptestConfig::default() })]

    #[test]
    fn random_schemas_apply_match_the_catalogs_and_roll_back(
        n in 1usize..8,
        raw_edges in proptest::collection::vec((0usize..8, 0usize..8), 0..12),
        indexed in proptest::collection::vec(any::<bool>(), 12),
        rotate in 0usize..8,
        uses in functions(),
    ) {
        let edges: Vec<(usize, usize)> = raw_edges.into_iter().map(|(a, b)| (a % n, b % n)).collect();
        let decl = with_functions(declaration(n, &edges, &indexed, rotate), n, &uses);
        let m = first_migration(&decl);
        let db = pgharness::database("random");
        apply_ok(&db, &m.up);
        let diffs = catalog::differences(&db, &decl);
        prop_assert!(diffs.is_empty(), "{}", diffs.join("\n"));
        apply_each_ok(&db, &m.down);
        prop_assert_eq!(leftovers(&db), Vec::<String>::new());
    }
}
