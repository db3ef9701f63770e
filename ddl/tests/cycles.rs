//! The planner's order: dependency cycles and how `.add_later()` breaks them, the same
//! file for the same declaration, and every statement after what it needs.

mod common;

use ddl::migration::{Existing, Generated, Outcome, next_migration, plan_statements};
use ddl::plan::graph::Graph;
use ddl::prelude::*;
use ddl::sql::render::Stmt;
use ddl::validate::{Code, Diagnostic, validate};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

const A: TableRef = TableRef::new("shop", "a");
const B: TableRef = TableRef::new("shop", "b");
const C: TableRef = TableRef::new("shop", "c");
const NODE: TableRef = TableRef::new("shop", "node");
const F: FunctionRef = FunctionRef::new("shop", "f");
const G: FunctionRef = FunctionRef::new("shop", "g");
const THIS_FILE: &str = "ddl/tests/cycles.rs";

const FK_HELP: &str = "mark one of these foreign keys `.add_later()`";
const GENERIC_HELP: &str = "break the cycle: remove one of these dependencies (or, for a foreign key, mark it `.add_later()`)";

fn shop() -> Database {
    Database::new().schema(Schema::new("shop"))
}

/// `id bigint primary key` and one `<x>_id bigint` column per referenced table.
#[track_caller]
fn table(name: TableRef, refs: &[(&str, TableRef, bool)]) -> Table {
    let mut t = Table::new(name).column(col("id", BIGINT).identity().primary_key());
    for &(column, target, later) in refs {
        let mut c = col(column, BIGINT).references(target, "id");
        if later {
            c = c.fk(ForeignKey::add_later);
        }
        t = t.column(c);
    }
    t
}

fn plan(db: &Database) -> Vec<Stmt> {
    match plan_statements(&Database::new(), db) {
        Ok((_, stmts)) => stmts,
        Err(e) => panic!("expected a plan:\n{e}"),
    }
}

fn plan_error(db: &Database) -> Vec<Diagnostic> {
    if let Err(e) = validate(db) {
        panic!("a cycle is not a validation problem, but validation failed:\n{e}");
    }
    match plan_statements(&Database::new(), db) {
        Ok((summary, _)) => panic!("expected a dependency cycle, got a plan: {summary:?}"),
        Err(e) => e.0,
    }
}

fn first_migration(db: &Database) -> Generated {
    match next_migration(&Existing::default(), db, None) {
        Ok(Outcome::New(g)) => *g,
        Ok(Outcome::UpToDate) => panic!("expected a migration"),
        Err(e) => panic!("{e}"),
    }
}

/// Position of the statement `-- kind: name`.
#[track_caller]
fn pos(stmts: &[Stmt], kind: &str, name: &str) -> usize {
    let found: Vec<usize> = stmts
        .iter()
        .enumerate()
        .filter(|(_, s)| s.kind == kind && s.name == name)
        .map(|(i, _)| i)
        .collect();
    match found.as_slice() {
        [i] => *i,
        _ => panic!(
            "expected one statement `{kind}: {name}`, found {}; statements: {:?}",
            found.len(),
            stmts
                .iter()
                .map(|s| format!("{}: {}", s.kind, s.name))
                .collect::<Vec<_>>()
        ),
    }
}

#[track_caller]
fn assert_before(stmts: &[Stmt], first: StmtId, then: StmtId) {
    let (a, b) = (pos(stmts, first.0, first.1), pos(stmts, then.0, then.1));
    assert!(
        a < b,
        "`{}: {}` (#{a}) should come before `{}: {}` (#{b})",
        first.0,
        first.1,
        then.0,
        then.1
    );
}

#[track_caller]
fn the_cycle(db: &Database) -> Diagnostic {
    let mut all = plan_error(db);
    assert_eq!(
        all.iter().map(|d| d.code).collect::<Vec<_>>(),
        vec![Code::DependencyCycle],
        "{all:#?}"
    );
    let d = all.remove(0);
    assert_eq!(d.code.as_str(), "dependency-cycle");
    assert!(
        d.origin.to_string().starts_with(&format!("{THIS_FILE}:")),
        "{d}"
    );
    assert!(
        d.to_string()
            .starts_with(&format!("error[dependency-cycle]: {}: ", d.object)),
        "{d}"
    );
    d
}

// ---- cycles -----------------------------------------------------------------------------

#[test]
fn two_tables_referencing_each_other_are_a_cycle_naming_both_edges() {
    let db = shop()
        .table(table(A, &[("b_id", B, false)]))
        .table(table(B, &[("a_id", A, false)]));
    let d = the_cycle(&db);
    assert_eq!(d.object, "shop.a <-> shop.b");
    assert!(
        d.message.starts_with(
            "dependency cycle: shop.a.b_id -> shop.b, shop.b.a_id -> shop.a; declared at shop.a ("
        ),
        "{d}"
    );
    assert!(
        d.message.contains(&format!("), shop.b ({THIS_FILE}:")),
        "{d}"
    );
    assert!(d.help.starts_with(FK_HELP), "{d}");
    assert!(d.help.contains(".deferrable()"), "{d}");

    let cycles = Graph::build(&db).cycles();
    assert_eq!(cycles.len(), 1);
    assert_eq!(
        cycles[0].path(),
        "shop.a.b_id -> shop.b, shop.b.a_id -> shop.a"
    );
    assert!(cycles[0].only_foreign_keys());
}

#[test]
fn the_cycle_is_reported_the_same_whatever_the_declaration_order() {
    let forward = shop()
        .table(table(A, &[("b_id", B, false)]))
        .table(table(B, &[("a_id", A, false)]));
    let mut backward = forward.clone();
    backward.tables.reverse();
    let (f, b) = (the_cycle(&forward), the_cycle(&backward));
    assert_eq!(f.object, b.object);
    assert_eq!(
        f.message.split("; declared at").next(),
        b.message.split("; declared at").next()
    );
}

#[test]
fn add_later_on_one_fk_breaks_the_cycle_with_an_alter_table_after_both_tables() {
    let db = shop()
        .table(table(A, &[("b_id", B, true)]))
        .table(table(B, &[("a_id", A, false)]));
    let stmts = plan(&db);
    let (a, b) = (
        pos(&stmts, "table", "shop.a"),
        pos(&stmts, "table", "shop.b"),
    );
    let later = pos(&stmts, "foreign key", "shop.a.a_b_id_fkey");
    assert!(
        a < b,
        "shop.b references shop.a in-line, so shop.a comes first"
    );
    assert!(later > a && later > b, "{stmts:#?}");
    assert_eq!(
        stmts[later].sql,
        "ALTER TABLE shop.a\n    ADD CONSTRAINT a_b_id_fkey FOREIGN KEY (b_id) REFERENCES shop.b (id);"
    );
    assert!(stmts[a].sql.starts_with("CREATE TABLE shop.a ("));
    assert!(!stmts[a].sql.contains("a_b_id_fkey"), "{}", stmts[a].sql);
    assert!(
        stmts[b]
            .sql
            .contains("CONSTRAINT b_a_id_fkey FOREIGN KEY (a_id) REFERENCES shop.a (id)"),
        "{}",
        stmts[b].sql
    );

    // Down drops the later constraint before either table.
    let down = first_migration(&db).down;
    let at = |s: &str| {
        down.find(s)
            .unwrap_or_else(|| panic!("{s:?} not in the down file:\n{down}"))
    };
    let drop_fk = at("ALTER TABLE shop.a DROP CONSTRAINT a_b_id_fkey;");
    assert!(drop_fk < at("DROP TABLE shop.a;"), "{down}");
    assert!(drop_fk < at("DROP TABLE shop.b;"), "{down}");
}

#[test]
fn three_tables_in_a_ring_are_a_cycle_naming_all_three_edges_in_order() {
    let db = shop()
        .table(table(C, &[("a_id", A, false)]))
        .table(table(B, &[("c_id", C, false)]))
        .table(table(A, &[("b_id", B, false)]));
    let d = the_cycle(&db);
    assert_eq!(d.object, "shop.a <-> shop.b <-> shop.c");
    let path = "shop.a.b_id -> shop.b, shop.b.c_id -> shop.c, shop.c.a_id -> shop.a";
    assert!(
        d.message
            .starts_with(&format!("dependency cycle: {path}; declared at ")),
        "{d}"
    );
    assert!(d.help.starts_with(FK_HELP), "{d}");

    // Any one of the three marked `.add_later()` is enough.
    for later in 0..3 {
        let db = shop()
            .table(table(C, &[("a_id", A, later == 2)]))
            .table(table(B, &[("c_id", C, later == 1)]))
            .table(table(A, &[("b_id", B, later == 0)]));
        let stmts = plan(&db);
        let fk = [
            "shop.a.a_b_id_fkey",
            "shop.b.b_c_id_fkey",
            "shop.c.c_a_id_fkey",
        ][later];
        let p = pos(&stmts, "foreign key", fk);
        for t in ["shop.a", "shop.b", "shop.c"] {
            assert!(pos(&stmts, "table", t) < p, "{fk} before {t}: {stmts:#?}");
        }
    }
}

#[test]
fn a_table_referencing_itself_plans_fine() {
    let db = shop().table(table(NODE, &[("parent_id", NODE, false)]));
    let stmts = plan(&db);
    assert_eq!(
        stmts.iter().map(|s| s.kind).collect::<Vec<_>>(),
        vec!["schema", "table"]
    );
    assert!(
        stmts[1].sql.contains(
            "CONSTRAINT node_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES shop.node (id)"
        ),
        "{}",
        stmts[1].sql
    );
}

#[test]
fn functions_needing_each_other_are_a_cycle_with_the_generic_help() {
    let db = shop()
        .function(
            Function::new(F, "integer", "SELECT 1")
                .language("sql")
                .depends_on_function(G),
        )
        .function(
            Function::new(G, "integer", "SELECT 2")
                .language("sql")
                .depends_on_function(F),
        );
    let d = the_cycle(&db);
    assert_eq!(d.object, "shop.f <-> shop.g");
    assert!(
        d.message.starts_with(
            "dependency cycle: function shop.f calls shop.g, function shop.g calls shop.f; declared at "
        ),
        "{d}"
    );
    assert_eq!(d.help, GENERIC_HELP);
    assert!(!Graph::build(&db).cycles()[0].only_foreign_keys());
}

#[test]
fn separate_cycles_are_each_reported() {
    const X: TableRef = TableRef::new("shop", "x");
    const Y: TableRef = TableRef::new("shop", "y");
    let db = shop()
        .table(table(A, &[("b_id", B, false)]))
        .table(table(B, &[("a_id", A, false)]))
        .table(table(X, &[("y_id", Y, false)]))
        .table(table(Y, &[("x_id", X, false)]));
    let all = plan_error(&db);
    let objects: Vec<&str> = all.iter().map(|d| d.object.as_str()).collect();
    assert_eq!(objects, vec!["shop.a <-> shop.b", "shop.x <-> shop.y"]);
    assert!(all.iter().all(|d| d.code == Code::DependencyCycle));
}

// ---- the same declaration, the same file ------------------------------------------------

#[test]
fn planning_the_shop_fixture_50_times_gives_the_same_files() {
    let db = common::shop();
    let first = first_migration(&db);
    for _ in 0..50 {
        let again = first_migration(&common::shop());
        assert_eq!(again.up, first.up);
        assert_eq!(again.down, first.down);
        assert_eq!(again.snapshot, first.snapshot);
    }
}

/// The file without its `-- snapshot:` line (the checksum of the declaration as written).
fn without_snapshot_line(file: &str) -> String {
    file.lines()
        .filter(|l| !l.starts_with("-- snapshot: "))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn declaring_the_tables_in_reversed_order_gives_the_same_statements() {
    let db = common::shop();
    let mut reversed = db.clone();
    reversed.tables.reverse();
    assert_eq!(plan(&reversed), plan(&db));
    let (a, b) = (first_migration(&db), first_migration(&reversed));
    assert_eq!(without_snapshot_line(&b.up), without_snapshot_line(&a.up));
    assert_eq!(
        without_snapshot_line(&b.down),
        without_snapshot_line(&a.down)
    );

    // Every list reversed, and each table's columns kept: still the same statements.
    let mut everything = db.clone();
    everything.tables.reverse();
    everything.functions.reverse();
    everything.extensions.reverse();
    for t in &mut everything.tables {
        t.indexes.reverse();
    }
    assert_eq!(plan(&everything), plan(&db));
}

/// The up file, byte for byte, including its `-- snapshot:` line.
#[test]
fn declaring_the_tables_in_reversed_order_gives_the_identical_file() {
    let db = common::shop();
    let mut reversed = db.clone();
    reversed.tables.reverse();
    assert_eq!(first_migration(&reversed).up, first_migration(&db).up);
}

#[test]
fn reordering_declarations_needs_no_new_migration() {
    let db = common::shop();
    let g = first_migration(&db);
    let existing = Existing {
        files: vec![(g.up_file(), g.up.clone()), (g.down_file(), g.down.clone())],
        snapshot: Some(g.snapshot.clone()),
        sum: Some(g.sum.clone()),
    };
    let mut reversed = db.clone();
    reversed.tables.reverse();
    reversed.functions.reverse();
    match next_migration(&existing, &reversed, None) {
        Ok(Outcome::UpToDate) => {}
        Ok(Outcome::New(g)) => panic!("expected no change, got {:?}", g.changes),
        Err(e) => panic!("{e}"),
    }
}

// ---- everything after what it needs ------------------------------------------------------

/// A statement by its `-- kind: name` line.
type StmtId = (&'static str, &'static str);

#[test]
fn every_statement_of_the_shop_fixture_comes_after_what_it_needs() {
    let s = plan(&common::shop());
    let table = |n: &'static str| ("table", n);
    let order: &[(StmtId, StmtId)] = &[
        (("schema", "shop"), ("type", "shop.order_status")),
        (("schema", "shop"), ("function", "shop.current_user_id")),
        (("schema", "shop"), ("function", "shop.touch")),
        (("schema", "shop"), table("shop.countries")),
        (("extension", "citext"), table("shop.users")),
        (("extension", "pg_trgm"), ("index", "shop.users_name_trgm")),
        (("type", "shop.order_status"), table("shop.orders")),
        (
            ("function", "shop.touch"),
            ("trigger", "shop.users.users_touch"),
        ),
        (
            ("function", "shop.current_user_id"),
            ("policy", "shop.users.users_self"),
        ),
        (table("shop.countries"), table("shop.users")),
        (table("shop.users"), table("shop.orders")),
        (table("shop.orders"), table("shop.order_items")),
        (table("shop.users"), ("index", "shop.users_name_trgm")),
        (table("shop.users"), ("trigger", "shop.users.users_touch")),
        (table("shop.users"), ("policy", "shop.users.users_self")),
        (table("shop.users"), ("row level security", "shop.users")),
        (table("shop.orders"), ("index", "shop.orders_open_idx")),
        (
            table("shop.order_items"),
            ("index", "shop.order_items_sku_lower_idx"),
        ),
        (table("shop.countries"), ("rows", "shop.countries")),
    ];
    for &(first, then) in order {
        assert_before(&s, first, then);
    }
}

#[test]
fn the_creation_order_respects_every_edge_of_the_graph() {
    let db = common::shop();
    let g = Graph::build(&db);
    let order = match g.order() {
        Ok(o) => o,
        Err(c) => panic!("unexpected cycles: {c:?}"),
    };
    assert_eq!(
        order.iter().copied().collect::<BTreeSet<_>>(),
        (0..g.objects.len()).collect::<BTreeSet<_>>(),
        "every object exactly once"
    );
    assert_eq!(order.len(), g.objects.len());
    let mut at = vec![0; order.len()];
    for (p, &i) in order.iter().enumerate() {
        at[i] = p;
    }
    assert!(g.graph.edge_count() > 0);
    for e in g.graph.edge_indices() {
        let Some((from, to)) = g.graph.edge_endpoints(e) else {
            continue;
        };
        assert!(
            at[to.index()] < at[from.index()],
            "{} needs {} ({}), but comes first",
            g.objects[from.index()].display_name(),
            g.objects[to.index()].display_name(),
            g.graph[e].reason
        );
    }
}

/// Reference rows of two tables that reference each other: the foreign key of one is
/// added later, and that one's rows leave the column NULL, so inserting shop.a's rows
/// first works. The help of the error says to do what was already done.
#[test]
fn reference_rows_of_tables_in_a_broken_fk_cycle_plan_fine() {
    let db = shop()
        .table(
            table(A, &[("b_id", B, true)])
                .rows(["id", "b_id"], vec![vec![lit(1), lit(Option::<i64>::None)]]),
        )
        .table(table(B, &[("a_id", A, false)]).rows(["id", "a_id"], vec![vec![lit(1), lit(1)]]));
    let s = plan(&db);
    assert_before(&s, ("rows", "shop.a"), ("rows", "shop.b"));
}

// ---- property: random schemas ------------------------------------------------------------

const N: usize = 12;
const P: [TableRef; N] = [
    TableRef::new("p", "t0"),
    TableRef::new("p", "t1"),
    TableRef::new("p", "t2"),
    TableRef::new("p", "t3"),
    TableRef::new("p", "t4"),
    TableRef::new("p", "t5"),
    TableRef::new("p", "t6"),
    TableRef::new("p", "t7"),
    TableRef::new("p", "t8"),
    TableRef::new("p", "t9"),
    TableRef::new("p", "t10"),
    TableRef::new("p", "t11"),
];

/// Tables `p.t0..p.t{n-1}`; `(i, j) -> later` is a FK from `t{i}.r{j}` to `t{j}.id`.
#[derive(Clone, Debug)]
struct Fks {
    n: usize,
    fks: BTreeMap<(usize, usize), bool>,
    /// The order in which the tables are declared.
    order: Vec<usize>,
}

impl Fks {
    fn declare(&self) -> Database {
        let mut db = Database::new().schema(Schema::new("p"));
        for &i in &self.order {
            let mut t = Table::new(P[i]).column(col("id", BIGINT).primary_key());
            for (&(_, j), &later) in self.fks.range((i, 0)..(i + 1, 0)) {
                let mut c = col(format!("r{j}"), BIGINT).references(P[j], "id");
                if later {
                    c = c.fk(ForeignKey::add_later);
                }
                t = t.column(c);
            }
            db = db.table(t);
        }
        db
    }

    /// `reach[i][j]`: t{i} needs t{j} through FKs created with the tables (self
    /// references aside, which never order anything).
    fn reach(&self) -> Vec<Vec<bool>> {
        let mut r = vec![vec![false; self.n]; self.n];
        for (&(i, j), &later) in &self.fks {
            if !later && i != j {
                r[i][j] = true;
            }
        }
        for k in 0..self.n {
            for i in 0..self.n {
                for j in 0..self.n {
                    if r[i][k] && r[k][j] {
                        r[i][j] = true;
                    }
                }
            }
        }
        r
    }

    /// The strongly connected components with a cycle, by their smallest table.
    fn cyclic_components(&self) -> BTreeSet<usize> {
        let r = self.reach();
        (0..self.n)
            .filter(|&i| r[i][i])
            .map(|i| (0..self.n).find(|&j| r[i][j] && r[j][i]).unwrap_or(i))
            .collect()
    }
}

fn shuffled(n: usize) -> impl Strategy<Value = Vec<usize>> {
    Just((0..n).collect::<Vec<_>>()).prop_shuffle()
}

/// Each table may reference any table declared with a smaller number.
fn acyclic() -> impl Strategy<Value = Fks> {
    (1..=N)
        .prop_flat_map(|n| {
            let edges = prop::collection::vec((0..n, 0..n, prop::bool::weighted(0.3)), 0..=2 * n);
            (Just(n), edges, shuffled(n))
        })
        .prop_map(|(n, edges, order)| Fks {
            n,
            fks: edges
                .into_iter()
                .filter(|&(a, b, _)| a != b)
                .map(|(a, b, later)| ((a.max(b), a.min(b)), later))
                .collect(),
            order,
        })
}

/// A ring of 2..=n tables plus any other references (self references too).
fn cyclic() -> impl Strategy<Value = Fks> {
    (2..=N)
        .prop_flat_map(|n| {
            let ring_later = prop::collection::vec(prop::bool::weighted(0.25), n);
            let extra = prop::collection::vec((0..n, 0..n, prop::bool::weighted(0.3)), 0..=n);
            (Just(n), 2..=n, shuffled(n), ring_later, extra, shuffled(n))
        })
        .prop_map(|(n, k, ring, ring_later, extra, order)| {
            let mut fks = BTreeMap::new();
            for m in 0..k {
                fks.insert((ring[m], ring[(m + 1) % k]), ring_later[m]);
            }
            for (a, b, later) in extra {
                fks.entry((a, b)).or_insert(later);
            }
            Fks { n, fks, order }
        })
}

/// The plan creates every table after the tables its in-line FKs reference, and adds
/// every `.add_later()` FK once both tables exist.
fn check_plan(s: &Fks, stmts: &[Stmt]) -> Result<(), TestCaseError> {
    let later_count = s.fks.values().filter(|&&l| l).count();
    prop_assert_eq!(stmts.len(), 1 + s.n + later_count);
    let table_at: Vec<usize> = (0..s.n)
        .map(|i| pos(stmts, "table", &format!("p.t{i}")))
        .collect();
    for (&(i, j), &later) in &s.fks {
        let name = format!("t{i}_r{j}_fkey");
        let create = &stmts[table_at[i]].sql;
        let def = format!("CONSTRAINT {name} FOREIGN KEY (r{j}) REFERENCES p.t{j} (id)");
        if later {
            let at = pos(stmts, "foreign key", &format!("p.t{i}.{name}"));
            prop_assert!(at > table_at[i] && at > table_at[j], "{} too early", name);
            prop_assert_eq!(
                &stmts[at].sql,
                &format!("ALTER TABLE p.t{i}\n    ADD {def};")
            );
            prop_assert!(!create.contains(&def), "{} also in-line", name);
        } else {
            prop_assert!(create.contains(&def), "{} not in-line:\n{}", name, create);
            if i != j {
                prop_assert!(
                    table_at[j] < table_at[i],
                    "p.t{} (#{}) must come before p.t{} (#{})",
                    j,
                    table_at[j],
                    i,
                    table_at[i]
                );
            }
        }
    }
    Ok(())
}

/// `p.t3.r5 -> p.t5` as (3, 5).
fn parse_edge(reason: &str) -> Option<(usize, usize)> {
    let (from, to) = reason.split_once(" -> ")?;
    let (i, j) = from.strip_prefix("p.t")?.split_once(".r")?;
    let (i, j): (usize, usize) = (i.parse().ok()?, j.parse().ok()?);
    (to.strip_prefix("p.t")?.parse::<usize>().ok()? == j).then_some((i, j))
}

/// Each reported cycle is a closed chain of in-line FKs of the declaration.
fn check_cycles(s: &Fks, diags: &[Diagnostic]) -> Result<(), TestCaseError> {
    prop_assert_eq!(diags.len(), s.cyclic_components().len());
    for d in diags {
        prop_assert_eq!(d.code, Code::DependencyCycle);
        prop_assert!(d.help.starts_with(FK_HELP), "{}", d);
        let path = d
            .message
            .strip_prefix("dependency cycle: ")
            .and_then(|m| m.split("; declared at").next())
            .unwrap_or_default();
        let edges: Vec<Option<(usize, usize)>> = path.split(", ").map(parse_edge).collect();
        prop_assert!(edges.len() >= 2, "{}", d);
        for (k, e) in edges.iter().enumerate() {
            let Some((i, j)) = *e else {
                return Err(TestCaseError::fail(format!("bad edge in {d}")));
            };
            prop_assert_eq!(
                s.fks.get(&(i, j)),
                Some(&false),
                "{} is not an in-line FK",
                k
            );
            let next = edges[(k + 1) % edges.len()].map(|(a, _)| a);
            prop_assert_eq!(next, Some(j), "the path is not a closed chain: {}", d);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn acyclic_fk_schemas_plan_every_table_after_its_references(s in acyclic()) {
        let db = s.declare();
        match plan_statements(&Database::new(), &db) {
            Ok((_, stmts)) => check_plan(&s, &stmts)?,
            Err(e) => return Err(TestCaseError::fail(format!("{e}"))),
        }
    }

    #[test]
    fn cyclic_fk_schemas_plan_only_when_every_cycle_has_a_later_fk(s in cyclic()) {
        let db = s.declare();
        let cyclic = !s.cyclic_components().is_empty();
        match plan_statements(&Database::new(), &db) {
            Ok((_, stmts)) => {
                prop_assert!(!cyclic, "a cycle without a later FK was planned: {:?}", s);
                check_plan(&s, &stmts)?;
            }
            Err(e) => {
                prop_assert!(cyclic, "rejected although every cycle has a later FK:\n{}", e);
                check_cycles(&s, &e.0)?;
            }
        }
    }

    #[test]
    fn the_plan_does_not_depend_on_the_declaration_order(s in acyclic(), order in shuffled(N)) {
        let db = s.declare();
        let mut other = s.clone();
        other.order = order.into_iter().filter(|&i| i < s.n).collect();
        let a = plan_statements(&Database::new(), &db).map(|(_, x)| x);
        let b = plan_statements(&Database::new(), &other.declare()).map(|(_, x)| x);
        prop_assert_eq!(a, b);
    }
}
