//! Round trip: a database built from a declaration, read back by `introspect`, has no
//! difference from the declaration: compared in PostgreSQL's normal form (what `verify`
//! does), and, for everything that is not an expression, compared with the declaration
//! as written.

#[path = "../../ddl/tests/common/mod.rs"]
mod common;

use ddl::model::database::Database;
use ddl::model::expr::SqlExpr;
use ddl::model::index::IndexTarget;
use ddl::prelude::*;
use proptest::prelude::*;
use tests::{apply_ok, first_migration};

fn block<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}

/// Expressions replaced by a marker, and what catalogs cannot hold (or hold in another
/// spelling) reset, so the rest can be compared with the declaration as written.
fn structure(db: &Database) -> Database {
    let blank = |e: &mut Option<SqlExpr>| {
        if e.is_some() {
            *e = Some(SqlExpr::from("<expr>"));
        }
    };
    let mut db = db.canonical();
    for e in &mut db.extensions {
        e.provides.clear();
    }
    for f in &mut db.functions {
        f.depends_on.clear();
    }
    for t in &mut db.tables {
        t.rows = None;
        for c in &mut t.columns {
            blank(&mut c.default);
            blank(&mut c.generated);
        }
        for c in &mut t.checks {
            c.expr = SqlExpr::from("<expr>");
        }
        for fk in &mut t.foreign_keys {
            fk.add_later = false;
        }
        for i in &mut t.indexes {
            blank(&mut i.predicate);
            for k in &mut i.keys {
                if let IndexTarget::Expr(e) = &mut k.target {
                    *e = SqlExpr::from("<expr>");
                }
            }
        }
        for tr in &mut t.triggers {
            blank(&mut tr.when);
        }
        for p in &mut t.policies {
            blank(&mut p.using);
            blank(&mut p.with_check);
            p.roles.sort();
        }
    }
    db
}

#[track_caller]
fn round_trip(name: &str, decl: &Database) {
    let db = pgharness::database(name);
    apply_ok(&db, &first_migration(decl).up);
    let report = block(introspect::verify(
        &db.url,
        decl,
        &introspect::VerifyOptions::default(),
    ))
    .unwrap_or_else(|e| panic!("verify failed: {e}"));
    assert!(
        report.clean,
        "drift right after building the declaration:\n{}",
        introspect::drift::text(&report)
    );
    let live = block(introspect::inspect(&db.url, &[])).expect("inspect");
    let (want, got) = (structure(decl), structure(&live.model));
    let (want, got) = (
        ddl::migration::snapshot_json(&want),
        ddl::migration::snapshot_json(&got),
    );
    if want != got {
        let _ = std::fs::create_dir_all("/tmp/ilive");
        let _ = std::fs::write(format!("/tmp/ilive/{name}.decl.json"), &want);
        let _ = std::fs::write(format!("/tmp/ilive/{name}.live.json"), &got);
    }
    assert!(
        want == got,
        "the model read back differs from the declaration (see /tmp/ilive/{name}.*.json)"
    );
}

#[test]
fn the_platform_database_reads_back_as_declared() {
    round_trip("rt_platform", &schema::database());
}

#[test]
fn the_every_object_kind_fixture_reads_back_as_declared() {
    round_trip("rt_shop", &common::shop());
}

#[test]
fn the_seed000_fixture_reads_back_as_declared() {
    round_trip("rt_seed000", &tests::fixtures::seed000::database());
}

#[test]
fn the_market_fixture_reads_back_as_declared() {
    round_trip("rt_market", &tests::fixtures::market::market());
}

/// A column kind: type, a default for it, a CHECK on it.
const KINDS: [(ColumnType, &str, &str); 10] = [
    (INT, "0", "> 0"),
    (BIGINT, "42", "<> 7"),
    (TEXT, "'x'", "<> ''"),
    (ColumnType::Varchar(Some(20)), "'ab'", "IN ('ab', 'cd')"),
    (ColumnType::Numeric(Some((10, 2))), "1.50", ">= 0"),
    (BOOL, "true", "IS NOT NULL"),
    (TIMESTAMPTZ, "now()", "> '2000-01-01'"),
    (JSONB, "'{}'::jsonb", "<> 'null'::jsonb"),
    (UUID, "gen_random_uuid()", "IS NOT NULL"),
    (DATE, "CURRENT_DATE", "> '2000-01-01'"),
];

const RT: [&str; 6] = ["r0", "r1", "r2", "r3", "r4", "r5"];
const STATE: TypeRef = TypeRef::new("rt", "state");

#[derive(Debug, Clone)]
struct ColumnSpec {
    kind: usize,
    not_null: bool,
    default: bool,
    check: bool,
    unique: bool,
    indexed: u8,
}

fn column_spec() -> impl Strategy<Value = ColumnSpec> {
    (
        0usize..KINDS.len(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        0u8..4,
    )
        .prop_map(
            |(kind, not_null, default, check, unique, indexed)| ColumnSpec {
                kind,
                not_null,
                default,
                check,
                unique,
                indexed,
            },
        )
}

fn random_declaration(
    tables: &[Vec<ColumnSpec>],
    edges: &[(usize, usize, u8)],
    rls: &[bool],
) -> Database {
    let n = tables.len();
    let mut db = Database::new()
        .schema(Schema::new("rt").comment("random"))
        .enum_type(EnumType::new(STATE, ["a", "b", "c"]));
    for (i, cols) in tables.iter().enumerate() {
        let mut t = Table::new(TableRef::new("rt", RT[i]))
            .column(col("id", BIGINT).identity().primary_key())
            .column(col("state", enum_type(STATE)).default_value("a"));
        for (k, c) in cols.iter().enumerate() {
            let (ty, default, check) = &KINDS[c.kind];
            let name = format!("c{k}");
            let mut column = col(name.clone(), ty.clone());
            if c.not_null {
                column = column.not_null();
            }
            if c.default {
                column = column.default(*default);
            }
            if c.check {
                column = column.check(format!("{name} {check}").as_str());
            }
            if c.unique && c.kind != 7 {
                column = column.unique();
            }
            if k % 2 == 1 {
                column = column.comment(format!("column {k}'s note"));
            }
            t = t.column(column);
            match c.indexed {
                1 if c.kind != 7 => t = t.index(Index::on([name.as_str()]).desc()),
                2 if c.kind != 7 => {
                    t = t.index(
                        Index::on([name.as_str()]).filter(format!("{name} IS NOT NULL").as_str()),
                    )
                }
                3 if c.kind == 2 => {
                    t = t.index(
                        Index::named(&format!("{}_{name}_lower", RT[i]), [])
                            .expr(format!("lower({name})").as_str()),
                    )
                }
                _ => {}
            }
        }
        for (e, &(from, to, action)) in edges.iter().enumerate() {
            let (from, to) = (from % n, to % n);
            if from == i {
                let column = format!("ref{e}");
                t = t.column(col(column.clone(), BIGINT));
                let mut fk =
                    ForeignKey::new([column.as_str()], TableRef::new("rt", RT[to]), ["id"])
                        .on_delete(
                            [
                                FkAction::NoAction,
                                FkAction::Cascade,
                                FkAction::SetNull,
                                FkAction::Restrict,
                            ][usize::from(action % 4)],
                        );
                if action >= 4 {
                    fk = fk.deferrable();
                }
                t = t.foreign_key(if to > from { fk.add_later() } else { fk });
            }
        }
        if rls.get(i).copied().unwrap_or(false) {
            t = t.enable_rls().policy(
                Policy::new("own")
                    .command(PolicyCommand::Select)
                    .using("state <> 'c'::rt.state"),
            );
        }
        db = db.table(t.comment(format!("table {i}")));
    }
    db
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10, ..ProptestConfig::default() })]

    #[test]
    fn random_schemas_read_back_as_declared(
        tables in proptest::collection::vec(proptest::collection::vec(column_spec(), 0..6), 1..5),
        edges in proptest::collection::vec((0usize..6, 0usize..6, 0u8..8), 0..6),
        rls in proptest::collection::vec(any::<bool>(), 6),
    ) {
        let decl = random_declaration(&tables, &edges, &rls);
        round_trip("rt_random", &decl);
    }
}
