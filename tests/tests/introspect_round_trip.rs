//! Round trip: a database built from a declaration, read back by `introspect`, has no
//! difference from the declaration: compared in PostgreSQL's normal form (what `verify`
//! does), and, for everything that is not an expression, compared with the declaration
//! as written.

#[path = "../../ddl/tests/common/mod.rs"]
mod common;

use ddl::model::database::Database;
use ddl::model::expr::SqlExpr;
use ddl::model::index::IndexTarget;
use ddl::model::partition::Bound;
use ddl::model::privilege::DefaultObjects;
use proptest::prelude::*;
use tests::fixtures::random::{ColumnSpec, KINDS, random_declaration};
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
        for a in &mut f.args {
            if a.default.is_some() {
                a.default = Some("<expr>".to_owned());
            }
        }
    }
    for d in &mut db.domains {
        blank(&mut d.default);
        for c in &mut d.checks {
            c.expr = SqlExpr::from("<expr>");
        }
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
        // PostgreSQL prints range bounds in the key's type ('2026-01-01 00:00:00+00').
        if let Some(Bound::Range { from, to }) = t.partition_of.as_mut().map(|p| &mut p.bound) {
            for v in from.iter_mut().chain(to.iter_mut()) {
                *v = "<value>".to_owned();
            }
        }
    }
    // Raw objects are not read back; a view's query is PostgreSQL's deparsed text and its
    // column list becomes aliases in it.
    db.raws.clear();
    for v in &mut db.views {
        v.query = "<query>".into();
        v.columns.clear();
        v.types.clear();
        v.depends_on.clear();
        for i in &mut v.indexes {
            blank(&mut i.predicate);
            for k in &mut i.keys {
                if let IndexTarget::Expr(e) = &mut k.target {
                    *e = SqlExpr::from("<expr>");
                }
            }
        }
    }
    // Whether a role is managed is the declaration's word, not the catalog's; privileges
    // that default privileges give (on every table of the schema) are not grants.
    for r in &mut db.roles {
        r.kind = ddl::model::privilege::RoleKind::External;
    }
    let defaults = db.default_privileges.clone();
    for g in &mut db.grants {
        if let ddl::model::privilege::GrantTarget::Table(q) = &g.on
            && g.columns.is_empty()
        {
            for d in defaults.iter().filter(|d| {
                d.to == g.to
                    && d.schema == q.schema
                    && d.objects == DefaultObjects::Tables
                    && d.for_role.is_none()
            }) {
                g.privileges.retain(|p| !d.privileges.contains(p));
            }
        }
    }
    db.grants.retain(|g| !g.privileges.is_empty());
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
