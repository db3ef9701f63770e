//! Renames by hint of views, materialized views, sequences and domains against
//! PostgreSQL 15: the rename keeps what the object holds (a materialized view's rows, a
//! sequence's current value, the column using a domain), a view naming the renamed one
//! keeps working, the hints may stay, and down restores the old names with the same values.

use ddl::migration::{Outcome, next_migration};
use ddl::prelude::*;
use pgharness::TestDb;
use tests::{apply_ok, existing_after, first_migration, migration_from};

const T: TableRef = TableRef::new("rm", "t");

fn one(db: &TestDb, sql: &str) -> String {
    db.exec(sql).trim().to_owned()
}

/// Every name of one version: (materialized view, view, sequence, domain).
struct Names {
    totals: ViewRef,
    big: ViewRef,
    counter: SequenceRef,
    amount: DomainRef,
}

const OLD: Names = Names {
    totals: ViewRef::new("rm", "totals"),
    big: ViewRef::new("rm", "big"),
    counter: SequenceRef::new("rm", "counter"),
    amount: DomainRef::new("rm", "amount"),
};

const NEW: Names = Names {
    totals: ViewRef::new("rm", "sums"),
    big: ViewRef::new("rm", "large"),
    counter: SequenceRef::new("rm", "ticket"),
    amount: DomainRef::new("rm", "money"),
};

/// The declaration under `n`'s names; with `hint`, each renamed object says its old name.
fn declaration(n: &Names, hint: bool) -> Database {
    let mut totals = View::materialized(n.totals, "SELECT id, amount FROM rm.t");
    let mut big = View::new(n.big, "SELECT id, amount FROM rm.t WHERE amount > 5");
    let mut counter = Sequence::new(n.counter);
    let mut amount = Domain::new(n.amount, INT).check("amount_positive", "VALUE > 0");
    if hint {
        totals = totals.renamed_from(OLD.totals.name);
        big = big.renamed_from(OLD.big.name);
        counter = counter.renamed_from(OLD.counter.name);
        amount = amount.renamed_from(OLD.amount.name);
    }
    let big_ids = format!("SELECT id FROM {}", n.big);
    Database::new()
        .schema(Schema::new("rm"))
        .domain(amount)
        .sequence(counter)
        .table(
            Table::new(T)
                .column(col("id", INT).primary_key())
                .column(col("amount", domain(n.amount)).not_null()),
        )
        .view(totals)
        .view(big)
        .view(View::new(ViewRef::new("rm", "big_ids"), &big_ids).depends_on(n.big))
}

#[test]
fn renamed_views_sequences_and_domains_keep_their_contents_and_down_restores_them() {
    let db = pgharness::database("rn_more");
    let m1 = first_migration(&declaration(&OLD, false));
    apply_ok(&db, &m1.up);
    db.exec("INSERT INTO rm.t VALUES (1, 3), (2, 8), (3, 12)");
    db.exec("REFRESH MATERIALIZED VIEW rm.totals");
    // Rows the materialized view holds and the table no longer has: a rebuild would lose
    // them, a rename keeps them.
    db.exec("DELETE FROM rm.t WHERE id = 3");
    db.exec("SELECT nextval('rm.counter'), nextval('rm.counter'), nextval('rm.counter')");
    let totals = one(&db, "SELECT id, amount FROM rm.totals ORDER BY 1");
    let rows = one(&db, "SELECT id, amount FROM rm.t ORDER BY 1");
    let big_ids = one(&db, "SELECT id FROM rm.big_ids ORDER BY 1");
    assert_eq!(totals, "1|3\n2|8\n3|12");
    assert_eq!(one(&db, "SELECT last_value FROM rm.counter"), "3");
    assert_eq!(big_ids, "2");

    let v2 = declaration(&NEW, true);
    let m2 = migration_from(&existing_after(&m1), &v2);
    for stmt in [
        "ALTER MATERIALIZED VIEW rm.totals RENAME TO sums;",
        "ALTER VIEW rm.big RENAME TO large;",
        "ALTER SEQUENCE rm.counter RENAME TO ticket;",
        "ALTER DOMAIN rm.amount RENAME TO money;",
    ] {
        assert!(m2.up.contains(stmt), "{stmt}\n{}", m2.up);
    }
    assert!(!m2.up.contains("DROP"), "no drop: {}", m2.up);
    assert!(m2.destructive.is_empty(), "{:?}", m2.destructive);
    apply_ok(&db, &m2.up);

    assert_eq!(
        one(&db, "SELECT id, amount FROM rm.sums ORDER BY 1"),
        totals,
        "the materialized view keeps its rows"
    );
    assert_eq!(
        one(&db, "SELECT last_value FROM rm.ticket"),
        "3",
        "the sequence keeps its current value"
    );
    assert_eq!(one(&db, "SELECT nextval('rm.ticket')"), "4");
    assert_eq!(one(&db, "SELECT id, amount FROM rm.t ORDER BY 1"), rows);
    assert_eq!(
        one(
            &db,
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'rm.t'::regclass AND attname = 'amount'"
        ),
        "rm.money",
        "the column uses the renamed domain"
    );
    let bad = tests::apply(&db, "INSERT INTO rm.t VALUES (9, -1)");
    assert!(
        bad.as_ref().is_err_and(|e| e.contains("amount_positive")),
        "the domain's check still holds: {bad:?}"
    );
    assert_eq!(one(&db, "SELECT id FROM rm.large ORDER BY 1"), "2");
    assert_eq!(
        one(&db, "SELECT id FROM rm.big_ids ORDER BY 1"),
        big_ids,
        "the view naming the renamed one keeps working"
    );
    assert_eq!(
        one(
            &db,
            "SELECT to_regclass('rm.totals') IS NULL AND to_regclass('rm.counter') IS NULL AND to_regclass('rm.big') IS NULL AND to_regtype('rm.amount') IS NULL"
        ),
        "t",
        "the old names are gone"
    );

    // The hints may stay: the next diff finds the new names in the snapshot.
    let mut existing = existing_after(&m1);
    existing.files.extend(tests::step_files(&m2));
    existing.snapshot = Some(m2.snapshot.clone());
    existing.sum = Some(m2.sum.clone());
    assert!(matches!(
        next_migration(&existing, &v2, None),
        Ok(Outcome::UpToDate)
    ));

    apply_ok(&db, &m2.down);
    assert_eq!(
        one(&db, "SELECT id, amount FROM rm.totals ORDER BY 1"),
        totals,
        "down restores the materialized view's name, rows kept"
    );
    assert_eq!(one(&db, "SELECT last_value FROM rm.counter"), "4");
    assert_eq!(one(&db, "SELECT id, amount FROM rm.t ORDER BY 1"), rows);
    assert_eq!(
        one(
            &db,
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'rm.t'::regclass AND attname = 'amount'"
        ),
        "rm.amount"
    );
    assert_eq!(one(&db, "SELECT id FROM rm.big ORDER BY 1"), "2");
    assert_eq!(one(&db, "SELECT id FROM rm.big_ids ORDER BY 1"), big_ids);
    assert_eq!(
        one(
            &db,
            "SELECT to_regclass('rm.sums') IS NULL AND to_regclass('rm.ticket') IS NULL AND to_regclass('rm.large') IS NULL AND to_regtype('rm.money') IS NULL"
        ),
        "t",
        "the new names are gone"
    );
}

#[test]
fn a_hint_naming_nothing_or_a_declared_name_is_an_error() {
    let m1 = first_migration(&declaration(&OLD, false));
    let nope = declaration(&OLD, false)
        .sequence(Sequence::new(SequenceRef::new("rm", "other")).renamed_from("nope"));
    let err = next_migration(&existing_after(&m1), &nope, None).expect_err("no `nope`");
    assert_eq!(
        err.codes(),
        vec![ddl::validate::Code::RenameSourceMissing],
        "{err}"
    );
    assert_eq!(err.0[0].object, "rm.other");
    let line = err.0[0].origin.0.map(|l| (l.file(), l.line()));
    assert!(
        line.is_some_and(|(f, _)| f.ends_with("renames_more_on_postgres.rs")),
        "{line:?}"
    );

    let twice = declaration(&OLD, false)
        .domain(Domain::new(DomainRef::new("rm", "cash"), INT).renamed_from("amount"));
    let err = next_migration(&existing_after(&m1), &twice, None).expect_err("amount declared");
    assert_eq!(
        err.codes(),
        vec![ddl::validate::Code::RenameSourceDeclared],
        "{err}"
    );
}

#[test]
fn a_view_renamed_and_changed_and_renamed_composite_and_range_types_keep_the_rows() {
    const PAIR: CompositeRef = CompositeRef::new("rk", "pair");
    const COUPLE: CompositeRef = CompositeRef::new("rk", "couple");
    const SPAN: RangeRef = RangeRef::new("rk", "span");
    const STRETCH: RangeRef = RangeRef::new("rk", "stretch");
    let version = |pair: CompositeRef, span: RangeRef, view: View| {
        Database::new()
            .schema(Schema::new("rk"))
            .composite(CompositeType::new(pair).field("a", INT).field("b", INT))
            .range(RangeType::new(span, NUMERIC))
            .table(
                Table::new(TableRef::new("rk", "t"))
                    .column(col("id", INT).primary_key())
                    .column(col("p", composite(pair)))
                    .column(col("s", ColumnType::from(span))),
            )
            .view(view)
    };
    let v1 = version(
        PAIR,
        SPAN,
        View::new(ViewRef::new("rk", "v"), "SELECT id FROM rk.t").columns(["id"]),
    );
    let mut v2 = version(
        COUPLE,
        STRETCH,
        View::new(ViewRef::new("rk", "w"), "SELECT id FROM rk.t WHERE id > 1")
            .columns(["id"])
            .renamed_from("v"),
    );
    v2.composites[0] = v2.composites[0].clone().renamed_from("pair");
    v2.ranges[0] = v2.ranges[0].clone().renamed_from("span");

    let db = pgharness::database("rn_more_types");
    let m1 = first_migration(&v1);
    apply_ok(&db, &m1.up);
    db.exec("INSERT INTO rk.t VALUES (1, ROW(1, 2), '[1,5)'), (2, ROW(3, 4), '[2,3)')");
    let rows = one(&db, "SELECT id, p::text, s::text FROM rk.t ORDER BY 1");
    let types = "SELECT string_agg(format_type(atttypid, atttypmod), ',' ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'rk.t'::regclass AND attname IN ('p', 's')";

    let m2 = migration_from(&existing_after(&m1), &v2);
    let rename = m2
        .up
        .find("ALTER VIEW rk.v RENAME TO w;")
        .unwrap_or_else(|| panic!("{}", m2.up));
    let change = m2
        .up
        .find("CREATE OR REPLACE VIEW rk.w")
        .unwrap_or_else(|| panic!("{}", m2.up));
    assert!(rename < change, "rename, then the change: {}", m2.up);
    for stmt in [
        "ALTER TYPE rk.pair RENAME TO couple;",
        "ALTER TYPE rk.span RENAME TO stretch;",
    ] {
        assert!(m2.up.contains(stmt), "{stmt}\n{}", m2.up);
    }
    assert!(!m2.up.contains("DROP"), "no drop: {}", m2.up);
    apply_ok(&db, &m2.up);
    assert_eq!(one(&db, "SELECT id FROM rk.w ORDER BY 1"), "2");
    assert_eq!(one(&db, types), "rk.couple,rk.stretch");
    assert_eq!(
        one(&db, "SELECT id, p::text, s::text FROM rk.t ORDER BY 1"),
        rows
    );

    apply_ok(&db, &m2.down);
    assert_eq!(one(&db, "SELECT id FROM rk.v ORDER BY 1"), "1\n2");
    assert_eq!(one(&db, "SELECT to_regclass('rk.w') IS NULL"), "t");
    assert_eq!(one(&db, types), "rk.pair,rk.span");
    assert_eq!(
        one(&db, "SELECT id, p::text, s::text FROM rk.t ORDER BY 1"),
        rows
    );
}
