//! Declarative partitioning, roles and privileges against PostgreSQL 15: the catalogs hold
//! the declared bounds, what partitions take from their parent, and the ACLs; rows land in
//! the right partition; bad declarations stop codegen; a migration series (add a
//! partition, grant and revoke, change default privileges) gives at every step the database
//! a from-scratch build gives, each down restores the step before, and the last down
//! leaves no managed role behind.

#[path = "../../ddl/tests/common/mod.rs"]
mod common;

use ddl::migration::{Existing, next_migration};
use ddl::prelude::*;
use ddl::validate::{Code, validate};
use pgharness::TestDb;
use tests::{apply_each_ok, apply_ok, existing_after, first_migration, migration_from};

fn one(db: &TestDb, sql: &str) -> String {
    db.rows(sql)
        .into_iter()
        .map(|r| r.join("|"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn partitions_have_their_bounds_and_the_parents_keys_indexes_and_foreign_keys() {
    let db = pgharness::database("pg_partition_catalogs");
    apply_ok(&db, &first_migration(&common::shop()).up);
    let bounds = one(
        &db,
        "SELECT c.relname, p.relname, pg_get_expr(c.relpartbound, c.oid)
           FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid JOIN pg_class p ON p.oid = i.inhparent
          WHERE c.relispartition AND c.relkind = 'r' ORDER BY 1",
    );
    assert_eq!(
        bounds,
        "carts_0|carts|FOR VALUES WITH (modulus 2, remainder 0)\n\
         carts_1|carts|FOR VALUES WITH (modulus 2, remainder 1)\n\
         events_default|events|DEFAULT\n\
         events_y2026m01|events|FOR VALUES FROM ('2026-01-01 00:00:00+00') TO ('2026-02-01 00:00:00+00')\n\
         events_y2026m02|events|FOR VALUES FROM ('2026-02-01 00:00:00+00') TO ('2026-03-01 00:00:00+00')"
    );
    assert_eq!(
        one(
            &db,
            "SELECT partstrat, pg_get_partkeydef(partrelid) FROM pg_partitioned_table ORDER BY 2"
        ),
        "h|HASH (user_id)\nr|RANGE (at)"
    );
    // Every events partition has the parent's two indexes (the key's and events_user_idx)
    // as partitions of them, and the parent's foreign key as a child constraint.
    let per_partition = one(
        &db,
        "SELECT c.relname,
                (SELECT string_agg(pi.relname, ',' ORDER BY pi.relname) FROM pg_index x
                   JOIN pg_inherits ii ON ii.inhrelid = x.indexrelid JOIN pg_class pi ON pi.oid = ii.inhparent
                  WHERE x.indrelid = c.oid),
                (SELECT string_agg(pk.conname, ',' ORDER BY pk.conname) FROM pg_constraint k
                   JOIN pg_constraint pk ON pk.oid = k.conparentid WHERE k.conrelid = c.oid AND k.contype = 'f')
           FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid
          WHERE i.inhparent = 'shop.events'::regclass ORDER BY 1",
    );
    assert_eq!(
        per_partition,
        "events_default|events_pkey,events_user_idx|events_user_id_fkey\n\
         events_y2026m01|events_pkey,events_user_idx|events_user_id_fkey\n\
         events_y2026m02|events_pkey,events_user_idx|events_user_id_fkey"
    );
    // The partition's own CHECK is local to it.
    assert_eq!(
        one(
            &db,
            "SELECT conname, conislocal FROM pg_constraint WHERE conrelid = 'shop.events_default'::regclass AND contype = 'c'"
        ),
        "events_default_kind_check|t"
    );
}

#[test]
fn rows_route_to_the_partition_of_their_key() {
    let db = pgharness::database("pg_partition_routing");
    apply_ok(&db, &first_migration(&common::shop()).up);
    apply_ok(
        &db,
        "INSERT INTO shop.events (id, at, kind) VALUES
           (1, '2026-01-15', 'a'), (2, '2026-02-01', 'b'), (3, '2027-05-01', 'c');
         INSERT INTO shop.carts (user_id) SELECT g FROM generate_series(1, 20) g;",
    );
    assert_eq!(
        one(
            &db,
            "SELECT id, tableoid::regclass FROM shop.events ORDER BY id"
        ),
        "1|shop.events_y2026m01\n2|shop.events_y2026m02\n3|shop.events_default"
    );
    let carts = one(
        &db,
        "SELECT tableoid::regclass, count(*) > 0 FROM shop.carts GROUP BY 1 ORDER BY 1",
    );
    assert_eq!(carts, "shop.carts_0|t\nshop.carts_1|t");
    // The key declared on the parent holds across partitions' rows of one partition.
    let dup = tests::apply(
        &db,
        "INSERT INTO shop.events (id, at, kind) VALUES (1, '2026-01-15', 'again');",
    );
    assert!(
        dup.as_ref()
            .is_err_and(|e| e.contains("events_y2026m01_pkey")),
        "{dup:?}"
    );
}

#[test]
fn privileges_are_in_the_acls_and_the_external_role_is_checked() {
    let db = pgharness::database("pg_grant_catalogs");
    apply_ok(&db, &first_migration(&common::shop()).up);
    let acl = |sql: &str| one(&db, sql);
    assert_eq!(
        acl(
            "SELECT g.rolname, a.privilege_type FROM pg_namespace n, aclexplode(n.nspacl) a
               JOIN pg_roles g ON g.oid = a.grantee WHERE n.nspname = 'shop' AND a.grantee <> n.nspowner ORDER BY 1, 2"
        ),
        "shop_reader|USAGE\nshop_writer|USAGE"
    );
    assert_eq!(
        acl(
            "SELECT g.rolname, a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
               JOIN pg_roles g ON g.oid = a.grantee
              WHERE c.oid = 'shop.orders'::regclass AND a.grantee <> c.relowner ORDER BY 1, 2"
        ),
        // shop_writer's SELECT comes from the default privileges (ON ALL TABLES).
        "shop_reader|SELECT\nshop_writer|INSERT\nshop_writer|SELECT\nshop_writer|UPDATE"
    );
    assert_eq!(
        acl(
            "SELECT att.attname, g.rolname, a.privilege_type FROM pg_attribute att, aclexplode(att.attacl) a
               JOIN pg_roles g ON g.oid = a.grantee WHERE att.attrelid = 'shop.users'::regclass ORDER BY att.attnum"
        ),
        "id|shop_reader|SELECT\nemail|shop_reader|SELECT"
    );
    assert_eq!(
        acl(
            "SELECT g.rolname, a.privilege_type FROM pg_proc p, aclexplode(p.proacl) a
               JOIN pg_roles g ON g.oid = a.grantee
              WHERE p.oid = 'shop.current_user_id'::regproc AND a.grantee <> p.proowner"
        ),
        "shop_reader|EXECUTE"
    );
    assert_eq!(
        acl(
            "SELECT g.rolname, a.privilege_type FROM pg_type t, aclexplode(t.typacl) a
               JOIN pg_roles g ON g.oid = a.grantee
              WHERE t.oid = 'shop.order_status'::regtype AND a.grantee <> t.typowner AND a.grantee <> 0"
        ),
        "shop_writer|USAGE"
    );
    assert_eq!(
        acl(
            "SELECT n.nspname, d.defaclobjtype, g.rolname, a.privilege_type
               FROM pg_default_acl d JOIN pg_namespace n ON n.oid = d.defaclnamespace,
                    aclexplode(d.defaclacl) a JOIN pg_roles g ON g.oid = a.grantee"
        ),
        "shop|r|shop_writer|SELECT"
    );
    assert_eq!(
        acl("SELECT rolcanlogin FROM pg_roles WHERE rolname = 'shop_writer'"),
        "f",
        "a managed role is created NOLOGIN"
    );

    // An external role that does not exist stops the migration with the fix.
    let missing = pgharness::database("pg_grant_missing_external");
    let decl = Database::new()
        .role(Role::external("pt_nobody_creates_this"))
        .schema(Schema::new("app"))
        .grant(Grant::on_schema("app", [Privilege::Usage]).to("pt_nobody_creates_this"));
    let err = tests::apply(&missing, &first_migration(&decl).up).expect_err("must fail");
    assert!(
        err.contains("role pt_nobody_creates_this does not exist")
            && err.contains("Role::external"),
        "{err}"
    );
}

#[test]
fn an_overlapping_bound_and_a_grant_to_an_undeclared_role_are_rejected_at_codegen() {
    const T: TableRef = TableRef::new("app", "t");
    const A: TableRef = TableRef::new("app", "t_a");
    const B: TableRef = TableRef::new("app", "t_b");
    let base = || {
        Database::new().schema(Schema::new("app")).table(
            Table::new(T)
                .column(col("id", INT).not_null())
                .column(col("day", DATE).not_null())
                .primary_key(["id", "day"])
                .partition_by(PartitionStrategy::Range, ["day"]),
        )
    };
    let (line, second) = (
        line!() + 1,
        Table::partition_of(B, T, Bound::range(["'2026-02-01'"], ["'2026-04-01'"])),
    );
    let overlapping = base()
        .table(Table::partition_of(
            A,
            T,
            Bound::range(["'2026-01-01'"], ["'2026-03-01'"]),
        ))
        .table(second);
    let err = validate(&overlapping).expect_err("overlap");
    let d = &err.0[0];
    assert_eq!(err.codes(), vec![Code::PartitionBoundOverlap]);
    assert_eq!(d.object, "app.t_b");
    assert!(d.origin.to_string().ends_with(&format!(":{line}")), "{d}");
    assert!(d.message.contains("app.t_a"), "{d}");
    // And codegen writes nothing for it.
    assert!(next_migration(&Existing::default(), &overlapping, None).is_err());
    let adjacent = base()
        .table(Table::partition_of(
            A,
            T,
            Bound::range(["'2026-01-01'"], ["'2026-02-01'"]),
        ))
        .table(Table::partition_of(
            B,
            T,
            Bound::range(["'2026-02-01'"], ["'2026-03-01'"]),
        ));
    assert_eq!(validate(&adjacent), Ok(()));

    let undeclared = base().grant(Grant::on_table(T, [Privilege::Select]).to("ghost"));
    let err = validate(&undeclared).expect_err("unknown role");
    assert_eq!(err.codes(), vec![Code::UnknownRole]);
    assert!(err.0[0].help.contains("Role::external(\"ghost\")"), "{err}");
}

const LOG: TableRef = TableRef::new("series", "log");
const LOG_2026: TableRef = TableRef::new("series", "log_2026");
const LOG_2027: TableRef = TableRef::new("series", "log_2027");
const LOG_REST: TableRef = TableRef::new("series", "log_rest");
const NOTES: TableRef = TableRef::new("series", "notes");
const MANAGED: &str = "pt_series_writer";
const EXTERNAL: &str = "pt_auditor";

/// The series' fixture at `step` (1 to 4); its role names are its own, so no other test
/// of the cluster holds privileges of its managed role.
fn series(step: u8) -> Database {
    let mut db = Database::new()
        .schema(Schema::new("series"))
        .role(Role::managed(MANAGED))
        .role(Role::external(EXTERNAL))
        .table(
            Table::new(LOG)
                .column(col("id", BIGINT).not_null())
                .column(col("year", INT).not_null())
                .column(col("body", TEXT))
                .primary_key(["id", "year"])
                .partition_by(PartitionStrategy::Range, ["year"]),
        )
        .table(Table::partition_of(
            LOG_2026,
            LOG,
            Bound::range(["2026"], ["2027"]),
        ))
        .table(Table::partition_of(LOG_REST, LOG, Bound::Default))
        .table(
            Table::new(NOTES)
                .column(col("id", INT).primary_key())
                .column(col("body", TEXT)),
        )
        .grant(Grant::on_schema("series", [Privilege::Usage]).to(MANAGED))
        .grant(Grant::on_table(LOG, [Privilege::Select, Privilege::Insert]).to(MANAGED));
    if step >= 2 {
        db = db.table(Table::partition_of(
            LOG_2027,
            LOG,
            Bound::range(["2027"], ["2028"]),
        ));
    }
    if step >= 3 {
        // Grant: the auditor reads notes; revoke: the writer no longer inserts into log.
        db.grants
            .retain(|g| g.on != ddl::model::privilege::GrantTarget::Table(LOG.qname()));
        db = db
            .grant(Grant::on_table(LOG, [Privilege::Select]).to(MANAGED))
            .grant(Grant::on_table(NOTES, [Privilege::Select]).to(EXTERNAL));
    }
    let defaults = if step >= 4 {
        vec![Privilege::Select, Privilege::Update]
    } else {
        vec![Privilege::Select]
    };
    db.default_privileges(
        DefaultPrivileges::new("series", DefaultObjects::Sequences, defaults).to(MANAGED),
    )
}

#[test]
fn a_migration_series_equals_building_from_scratch_and_rolls_back_step_by_step() {
    let stepped = pgharness::database("pg_series_stepped");
    let first = first_migration(&series(1));
    apply_ok(&stepped, &first.up);
    let mut dumps = vec![stepped.schema_dump_with_privileges()];
    let mut existing = existing_after(&first);
    let mut steps = Vec::new();
    for step in 2..=4 {
        let m = migration_from(&existing, &series(step));
        apply_ok(&stepped, &m.up);
        let scratch = pgharness::database(&format!("pg_series_scratch_{step}"));
        let from_scratch = first_migration(&series(step));
        apply_ok(&scratch, &from_scratch.up);
        let dump = stepped.schema_dump_with_privileges();
        assert_eq!(
            dump,
            scratch.schema_dump_with_privileges(),
            "step {step} differs from a build from scratch:\n{}",
            m.up
        );
        // The scratch database lets go of the managed role's privileges.
        apply_each_ok(&scratch, &from_scratch.down);
        dumps.push(dump);
        existing = ddl::migration::Existing {
            files: existing
                .files
                .iter()
                .cloned()
                .chain(tests::step_files(&m))
                .collect(),
            snapshot: Some(m.snapshot.clone()),
            sum: Some(m.sum.clone()),
        };
        steps.push(m);
    }
    assert!(
        steps[0].up.contains("PARTITION OF series.log"),
        "{}",
        steps[0].up
    );
    assert!(
        steps[1]
            .up
            .contains("REVOKE INSERT ON TABLE series.log FROM pt_series_writer;")
            && steps[1]
                .up
                .contains("GRANT SELECT ON TABLE series.notes TO pt_auditor;"),
        "{}",
        steps[1].up
    );
    assert!(
        steps[2]
            .up
            .contains("GRANT UPDATE ON SEQUENCES TO pt_series_writer;"),
        "{}",
        steps[2].up
    );
    // Each down, statement by statement, restores the step before.
    for (i, m) in steps.iter().enumerate().rev() {
        apply_each_ok(&stepped, &m.down);
        assert_eq!(
            stepped.schema_dump_with_privileges(),
            dumps[i],
            "the down of step {} does not restore step {}",
            i + 2,
            i + 1
        );
    }
    apply_each_ok(&stepped, &first.down);
    assert_eq!(tests::leftovers(&stepped), Vec::<String>::new());
    assert_eq!(
        one(
            &stepped,
            &format!("SELECT count(*) FROM pg_roles WHERE rolname = '{MANAGED}'")
        ),
        "0",
        "the last down leaves no managed role behind"
    );
    assert_eq!(
        one(
            &stepped,
            &format!("SELECT count(*) FROM pg_roles WHERE rolname = '{EXTERNAL}'")
        ),
        "1",
        "an external role is never dropped"
    );
}

#[test]
fn verify_is_clean_on_a_partitioned_database_with_grants() {
    let db = pgharness::database("pg_partgrant_verify");
    let decl = common::shop();
    apply_ok(&db, &first_migration(&decl).up);
    // A grant to a role the declaration does not name is listed, not drift.
    apply_ok(&db, "GRANT SELECT ON shop.countries TO pt_auditor;");
    let report = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(introspect::verify(
            &db.url,
            &decl,
            &introspect::VerifyOptions::default(),
        ))
        .unwrap_or_else(|e| panic!("verify failed: {e}"));
    assert!(report.clean, "{}", introspect::drift::text(&report));
    assert!(
        report
            .not_managed
            .iter()
            .any(|n| n.kind == "grant" && n.name.contains("shop.countries")),
        "{:?}",
        report.not_managed
    );
    // A revoked declared grant is drift.
    apply_ok(&db, "REVOKE SELECT ON shop.orders FROM shop_reader;");
    let report = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(introspect::verify(
            &db.url,
            &decl,
            &introspect::VerifyOptions::default(),
        ))
        .unwrap_or_else(|e| panic!("verify failed: {e}"));
    assert!(!report.clean);
    assert!(
        report
            .sql
            .iter()
            .any(|s| s.contains("GRANT SELECT ON TABLE shop.orders TO shop_reader;")),
        "{:?}",
        report.sql
    );
}

#[test]
fn a_sub_partitioned_partition_routes_rows_two_levels_down() {
    const SALES: TableRef = TableRef::new("sub", "sales");
    const SALES_2026: TableRef = TableRef::new("sub", "sales_2026");
    const SALES_2026_EU: TableRef = TableRef::new("sub", "sales_2026_eu");
    const SALES_2026_REST: TableRef = TableRef::new("sub", "sales_2026_rest");
    let decl = Database::new()
        .schema(Schema::new("sub"))
        .table(
            Table::new(SALES)
                .column(col("id", BIGINT).not_null())
                .column(col("year", INT).not_null())
                .column(col("region", TEXT).not_null())
                .primary_key(["id", "year", "region"])
                .partition_by(PartitionStrategy::Range, ["year"]),
        )
        .table(
            Table::partition_of(SALES_2026, SALES, Bound::range(["2026"], ["2027"]))
                .partition_by(PartitionStrategy::List, ["region"]),
        )
        .table(Table::partition_of(
            SALES_2026_EU,
            SALES_2026,
            Bound::list(["'de'", "'fr'"]),
        ))
        .table(Table::partition_of(
            SALES_2026_REST,
            SALES_2026,
            Bound::Default,
        ));
    let db = pgharness::database("pg_sub_partitions");
    let m = first_migration(&decl);
    apply_each_ok(&db, &m.up);
    apply_ok(
        &db,
        "INSERT INTO sub.sales VALUES (1, 2026, 'de'), (2, 2026, 'us');",
    );
    assert_eq!(
        one(
            &db,
            "SELECT id, tableoid::regclass FROM sub.sales ORDER BY id"
        ),
        "1|sub.sales_2026_eu\n2|sub.sales_2026_rest"
    );
    apply_each_ok(&db, &m.down);
    assert_eq!(tests::leftovers(&db), Vec::<String>::new());

    // The key of the parent must hold the sub-partition's key too.
    let mut narrow = decl.clone();
    if let Some(pk) = narrow.tables[0].primary_key.as_mut() {
        pk.columns = vec!["id".into(), "year".into()];
    }
    let err = validate(&narrow).expect_err("region is not in the key");
    assert_eq!(err.codes(), vec![Code::PartitionKeyNotInUnique]);
}
