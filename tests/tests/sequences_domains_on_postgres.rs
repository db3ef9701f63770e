//! Sequences, serial columns, domains, composite and range types against PostgreSQL 15:
//! the catalogs match the declaration, serial columns are stored exactly as PostgreSQL
//! stores `serial`, domain CHECKs reject bad values, and a migration series over these
//! kinds gives, step by step, the database built from scratch, and rolls back.

use ddl::migration::Generated;
use ddl::prelude::*;
use tests::{apply_each_ok, apply_ok, catalog, existing_after, first_migration, leftovers};

const TICKET_NO: SequenceRef = SequenceRef::new("legacy", "ticket_no");
const PRICE: DomainRef = DomainRef::new("legacy", "price");
const ADDRESS: CompositeRef = CompositeRef::new("legacy", "address");
const SPAN: RangeRef = RangeRef::new("legacy", "day_span");
const CUSTOMERS: TableRef = TableRef::new("legacy", "customers");
const COUNTERS: TableRef = TableRef::new("legacy", "counters");

/// Step 1 of the series: one of each kind, a table using all of them.
fn v1() -> Database {
    Database::new()
        .schema(Schema::new("legacy"))
        .domain(
            Domain::new(PRICE, numeric(10, 2))
                .default("0")
                .check("price_not_negative", "VALUE >= 0")
                .comment("Money, never below zero"),
        )
        .sequence(Sequence::new(TICKET_NO).as_type(INT).start(100).cache(10))
        .composite(
            CompositeType::new(ADDRESS)
                .field("street", TEXT)
                .field("city", TEXT),
        )
        .range(RangeType::new(SPAN, DATE))
        .table(
            Table::new(CUSTOMERS)
                .column(col("id", INT).serial().primary_key())
                .column(col("name", TEXT).not_null())
                .column(col("home", ADDRESS.into()))
                .column(col("credit", PRICE.into()))
                .column(col("active", SPAN.into()))
                .column(col("ticket", INT).default("nextval('legacy.ticket_no'::regclass)")),
        )
}

/// Step 2: the domain's CHECK changes (dropped and added under the same name).
fn v2() -> Database {
    let mut db = v1();
    db.domains[0].checks[0].expr = "VALUE >= 0 AND VALUE < 1000000".into();
    db
}

/// Step 3: the sequence's increment and cache change.
fn v3() -> Database {
    let mut db = v2();
    db.sequences[0].increment = Some(5);
    db.sequences[0].cache = None;
    db
}

/// Step 4: the composite type gains an attribute.
fn v4() -> Database {
    let mut db = v3();
    db.composites[0] = db.composites[0].clone().field("zip", varchar(10));
    db
}

/// Step 5: a bigserial column on the existing table, and a new table with a smallserial.
fn v5() -> Database {
    let mut db = v4().table(
        Table::new(COUNTERS)
            .column(col("n", SMALLINT).serial().primary_key())
            .column(col("label", TEXT)),
    );
    let customers = &mut db.tables[0];
    *customers = customers.clone().column(col("legacy_no", BIGINT).serial());
    db
}

#[test]
fn the_catalogs_match_sequences_serials_domains_composite_and_range_types() {
    let db = pgharness::database("seqdom_catalogs");
    let decl = v5();
    apply_ok(&db, &first_migration(&decl).up);
    let diffs = catalog::differences(&db, &decl);
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
    // Ownership as PostgreSQL records it for serial: an auto dependency of the sequence on
    // the column.
    let owners = db.rows(
        "SELECT c.relname, d.refobjsubid::int, d.deptype FROM pg_depend d JOIN pg_class c ON c.oid = d.objid
          WHERE d.refobjid = 'legacy.customers'::regclass AND c.relkind = 'S' ORDER BY 1",
    );
    assert_eq!(
        owners,
        vec![
            vec!["customers_id_seq".to_owned(), "1".into(), "a".into()],
            vec!["customers_legacy_no_seq".to_owned(), "7".into(), "a".into()],
        ]
    );
    let seq = db.rows(
        "SELECT format_type(seqtypid, NULL), seqstart, seqincrement, seqcache FROM pg_sequence
          WHERE seqrelid = 'legacy.ticket_no'::regclass",
    );
    assert_eq!(seq, vec![vec!["integer", "100", "5", "1"]]);
}

#[test]
fn a_serial_column_numbers_rows_and_a_domain_check_rejects_a_bad_value() {
    let db = pgharness::database("seqdom_behaviour");
    apply_ok(&db, &first_migration(&v1()).up);
    db.exec("INSERT INTO legacy.customers (name) VALUES ('a'), ('b'), ('c')");
    assert_eq!(
        db.rows("SELECT id, ticket, credit FROM legacy.customers ORDER BY id"),
        vec![
            vec!["1", "100", "0.00"],
            vec!["2", "101", "0.00"],
            vec!["3", "102", "0.00"]
        ]
    );
    let err = db
        .psql("INSERT INTO legacy.customers (name, credit) VALUES ('d', -1)")
        .expect_err("a negative price must be refused");
    assert!(err.contains("price_not_negative"), "{err}");
    db.exec("INSERT INTO legacy.customers (name, home, active) VALUES ('e', ROW('Main St', 'Town'), '[2024-01-01,2024-02-01)')");
    assert_eq!(
        db.rows("SELECT (home).city, upper(active) FROM legacy.customers WHERE name = 'e'"),
        vec![vec!["Town", "2024-02-01"]]
    );
}

const LONG: TableRef = TableRef::new(
    "legacy",
    "a_table_name_that_is_long_enough_to_shorten_the_sequence_name",
);

/// `pg_dump --schema-only` of the generated migration equals that of PostgreSQL's own
/// `serial`, `bigserial` and `smallserial`, including a sequence name PostgreSQL shortens.
#[test]
fn serial_columns_dump_exactly_like_postgresql_serial() {
    let decl = Database::new().schema(Schema::new("legacy")).table(
        Table::new(LONG)
            .column(col("id", INT).serial().primary_key_named("long_pkey"))
            .column(col("big", BIGINT).serial())
            .column(col("small", SMALLINT).serial())
            .column(col("name", TEXT)),
    );
    let ours = pgharness::database("seqdom_serial_ours");
    let m = first_migration(&decl);
    apply_each_ok(&ours, &m.up);
    let theirs = pgharness::database("seqdom_serial_theirs");
    theirs.exec(&format!(
        "CREATE SCHEMA legacy; CREATE TABLE legacy.{} (id serial CONSTRAINT long_pkey PRIMARY KEY, big bigserial, small smallserial, name text)",
        LONG.name
    ));
    assert_eq!(ours.schema_dump(), theirs.schema_dump());
    apply_each_ok(&ours, &m.down);
    assert_eq!(leftovers(&ours), Vec::<String>::new());
}

/// Each step applied statement by statement equals the step's declaration built from
/// scratch; each down, statement by statement, gives back the previous step's dump.
#[test]
fn a_migration_series_over_these_kinds_equals_from_scratch_and_rolls_back() {
    let steps = [v1(), v2(), v3(), v4(), v5()];
    let db = pgharness::database("seqdom_series");
    let mut previous: Option<Generated> = None;
    let mut dumps = vec![db.schema_dump()];
    let mut generated = Vec::new();
    for (n, decl) in steps.iter().enumerate() {
        let m = match &previous {
            None => first_migration(decl),
            Some(p) => tests::migration_from(&existing_after_chain(p, &generated), decl),
        };
        apply_each_ok(&db, &m.up);
        let scratch = pgharness::database(&format!("seqdom_scratch_{n}"));
        apply_ok(&scratch, &first_migration(decl).up);
        assert_eq!(
            db.schema_dump(),
            scratch.schema_dump(),
            "step {} differs from scratch; its up:\n{}",
            n + 1,
            m.up
        );
        dumps.push(db.schema_dump());
        generated.push(m.clone());
        previous = Some(m);
    }
    for (n, m) in generated.iter().enumerate().rev() {
        apply_each_ok(&db, &m.down);
        assert_eq!(
            db.schema_dump(),
            dumps[n],
            "down of step {} does not restore the previous step; its down:\n{}",
            n + 1,
            m.down
        );
    }
    assert_eq!(leftovers(&db), Vec::<String>::new());
}

/// The migrations directory after every step so far.
fn existing_after_chain(last: &Generated, all: &[Generated]) -> ddl::migration::Existing {
    let mut e = existing_after(last);
    e.files = all.iter().flat_map(tests::step_files).collect();
    e
}

#[test]
fn the_series_changes_each_kind_in_place() {
    let steps = [v1(), v2(), v3(), v4(), v5()];
    let sql: Vec<String> = steps
        .windows(2)
        .map(|w| {
            ddl::plan::diff::diff(&w[0], &w[1])
                .expect("plans")
                .iter()
                .flat_map(|c| c.statements())
                .map(|s| s.sql)
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect();
    assert_eq!(
        sql[0],
        "ALTER DOMAIN legacy.price DROP CONSTRAINT price_not_negative;\n\
         ALTER DOMAIN legacy.price ADD CONSTRAINT price_not_negative CHECK (VALUE >= 0 AND VALUE < 1000000);"
    );
    assert_eq!(
        sql[1],
        "ALTER SEQUENCE legacy.ticket_no\n    INCREMENT BY 5\n    CACHE 1;"
    );
    assert_eq!(
        sql[2],
        "ALTER TYPE legacy.address ADD ATTRIBUTE zip varchar(10);"
    );
    assert!(
        sql[3].contains(
            "CREATE SEQUENCE legacy.customers_legacy_no_seq AS bigint;\n\
             ALTER TABLE legacy.customers ADD COLUMN legacy_no bigint NOT NULL DEFAULT nextval('legacy.customers_legacy_no_seq'::regclass);\n\
             ALTER SEQUENCE legacy.customers_legacy_no_seq OWNED BY legacy.customers.legacy_no;"
        ),
        "{}",
        sql[3]
    );
}

fn block<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}

/// `inspect` reads serial columns back as serial (their sequence is part of the column),
/// a standalone sequence with its options and owner, domains, composite and range types;
/// `verify` sees a changed domain CHECK and a changed sequence increment as drift, with
/// the repair SQL.
#[test]
fn introspection_reads_these_kinds_and_verify_reports_their_drift() {
    let db = pgharness::database("seqdom_introspect");
    let decl = v5();
    apply_ok(&db, &first_migration(&decl).up);
    let live = block(introspect::inspect(&db.url, &[])).expect("inspect");
    let m = &live.model;
    let customers = m
        .tables
        .iter()
        .find(|t| t.name == CUSTOMERS.qname())
        .expect("customers");
    let id = customers.find_column("id").expect("id");
    assert!(id.serial && id.default.is_none(), "{id:?}");
    assert!(customers.find_column("legacy_no").is_some_and(|c| c.serial));
    assert_eq!(
        m.sequences
            .iter()
            .map(|s| s.name.to_string())
            .collect::<Vec<_>>(),
        vec!["legacy.ticket_no"],
        "the serial sequences are part of their columns"
    );
    assert_eq!(m.sequences[0].increment, Some(5));
    assert_eq!(m.sequences[0].start, Some(100));
    assert_eq!(m.domains.len(), 1);
    assert_eq!(m.domains[0].checks[0].name, "price_not_negative");
    assert_eq!(m.composites[0].fields.len(), 3);
    assert_eq!(m.ranges[0].subtype, DATE);
    assert_eq!(
        customers.find_column("home").map(|c| &c.ty),
        Some(&ADDRESS.into())
    );

    let options = introspect::VerifyOptions::default();
    let clean = block(introspect::verify(&db.url, &decl, &options)).expect("verify");
    assert!(clean.clean, "{}", introspect::drift::text(&clean));

    db.exec("ALTER DOMAIN legacy.price DROP CONSTRAINT price_not_negative");
    db.exec("ALTER SEQUENCE legacy.ticket_no INCREMENT BY 7");
    let report = block(introspect::verify(&db.url, &decl, &options)).expect("verify");
    assert!(!report.clean);
    let kinds: Vec<(&str, &str)> = report
        .drift
        .iter()
        .map(|d| (d.kind, d.object.as_str()))
        .collect();
    assert!(kinds.contains(&("domain", "legacy.price")), "{kinds:?}");
    assert!(
        kinds.contains(&("sequence", "legacy.ticket_no")),
        "{kinds:?}"
    );
    let repair = report.sql.join("\n");
    assert!(
        repair.contains("ALTER DOMAIN legacy.price ADD CONSTRAINT price_not_negative")
            && repair.contains("INCREMENT BY 5"),
        "{repair}"
    );
}

/// The generated entity of a table with a serial key, a domain, a composite and a range
/// column (the `market` fixture's `coupons`), used through SeaORM: the key comes from the
/// sequence, values round-trip, and the domain's CHECK still refuses a bad value written
/// through the entity.
#[test]
fn entities_insert_and_read_serial_domain_composite_and_range_columns() {
    use fixture_entities::market::coupons;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
    let pg = pgharness::database("seqdom_entities");
    apply_ok(&pg, &first_migration(&tests::fixtures::market::market()).up);
    block(async {
        let db = sea_orm::Database::connect(pg.url.as_str())
            .await
            .expect("connect");
        let amount = sea_orm::prelude::Decimal::new(1250, 2);
        let mut ids = Vec::new();
        for _ in 0..2 {
            let c = coupons::ActiveModel {
                amount: Set(amount),
                ship_to: Set(Some("(\"Main St\",Town)".into())),
                valid: Set(Some("[2024-01-01,2024-02-01)".into())),
                ..Default::default()
            }
            .insert(&db)
            .await
            .expect("insert");
            ids.push(c.id);
        }
        assert_eq!(ids, vec![1, 2], "numbered by the serial sequence");
        let back = coupons::Entity::find_by_id(2)
            .one(&db)
            .await
            .expect("query")
            .expect("row");
        assert_eq!(back.amount, amount);
        assert_eq!(back.ship_to.as_deref(), Some("(\"Main St\",Town)"));
        assert_eq!(back.valid.as_deref(), Some("[2024-01-01,2024-02-01)"));
        let bad = coupons::ActiveModel {
            amount: Set(sea_orm::prelude::Decimal::new(-1, 0)),
            ..Default::default()
        }
        .insert(&db)
        .await
        .expect_err("the domain refuses a negative amount");
        assert!(bad.to_string().contains("amount_not_negative"), "{bad}");
    });
}
