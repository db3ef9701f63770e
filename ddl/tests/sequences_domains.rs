//! Bad input for sequences, serial columns, domains, composite and range types: one test
//! per diagnostic code (code, object, where it was declared, the fix), and the changes
//! the planner refuses or marks destructive.

use ddl::plan::diff::{PlanError, diff};
use ddl::prelude::*;
use ddl::validate::{Code, Diagnostic, validate};

const T: TableRef = TableRef::new("app", "t");
const SEQ: SequenceRef = SequenceRef::new("app", "seq");
const MONEY: DomainRef = DomainRef::new("app", "money");
const GHOST_DOMAIN: DomainRef = DomainRef::new("app", "ghost");
const PAIR: CompositeRef = CompositeRef::new("app", "pair");
const GHOST_PAIR: CompositeRef = CompositeRef::new("app", "ghost_pair");
const GHOST_RANGE: RangeRef = RangeRef::new("app", "ghost_range");
const THIS_FILE: &str = "ddl/tests/sequences_domains.rs";

fn app() -> Database {
    Database::new().schema(Schema::new("app"))
}

/// The one diagnostic of a declaration with exactly one problem; it must point at this
/// file, at a line in `lines`.
#[track_caller]
fn the_one(db: &Database, code: Code, lines: std::ops::RangeInclusive<u32>) -> Diagnostic {
    let all = match validate(db) {
        Ok(()) => panic!("expected {code}, but the declaration is valid"),
        Err(d) => d.0,
    };
    assert_eq!(
        all.iter().map(|d| d.code).collect::<Vec<_>>(),
        vec![code],
        "{all:?}"
    );
    let d = all.into_iter().next().expect("one");
    let at = d.origin.to_string();
    let (file, line) = at.rsplit_once(':').expect("file:line");
    assert!(file.ends_with(THIS_FILE), "{at}");
    let line: u32 = line.parse().expect("line number");
    assert!(lines.contains(&line), "{at} not in {lines:?}");
    assert!(!d.help.is_empty());
    d
}

#[test]
fn a_column_default_calling_nextval_on_an_undeclared_sequence_is_reported() {
    let from = line!();
    let db = app()
        .table(Table::new(T).column(col("n", BIGINT).default("nextval('app.nope'::regclass)")));
    let d = the_one(&db, Code::UnknownSequence, from..=line!());
    assert_eq!(d.object, "app.t.n");
    assert!(d.message.contains("app.nope"), "{d}");
    let declared = app()
        .sequence(Sequence::new(SequenceRef::new("app", "nope")))
        .table(Table::new(T).column(col("n", BIGINT).default("nextval('app.nope'::regclass)")));
    assert_eq!(validate(&declared), Ok(()));
}

#[test]
fn a_column_of_an_undeclared_domain_composite_or_range_type_is_reported() {
    let from = line!();
    let db = app().table(Table::new(T).column(col("a", GHOST_DOMAIN.into())));
    let d = the_one(&db, Code::UnknownDomain, from..=line!());
    assert!(d.help.contains("Domain::new"), "{d}");
    let from = line!();
    let db = app().table(Table::new(T).column(col("a", array(GHOST_PAIR.into()))));
    the_one(&db, Code::UnknownCompositeType, from..=line!());
    let from = line!();
    let db = app().table(Table::new(T).column(col("a", GHOST_RANGE.into())));
    the_one(&db, Code::UnknownRangeType, from..=line!());
    let from = line!();
    let db = app().domain(Domain::new(MONEY, GHOST_DOMAIN.into()));
    the_one(&db, Code::UnknownDomain, from..=line!());
}

#[test]
fn a_sequence_of_a_non_integer_type_is_reported() {
    let from = line!();
    let db = app().sequence(Sequence::new(SEQ).as_type(TEXT));
    let d = the_one(&db, Code::SequenceNotInteger, from..=line!());
    assert_eq!(d.object, "app.seq");
}

#[test]
fn sequence_bounds_postgresql_refuses_are_reported() {
    for (s, words) in [
        (Sequence::new(SEQ).min_value(10).max_value(5), "not below"),
        (Sequence::new(SEQ).start(0), "outside"),
        (Sequence::new(SEQ).increment(0), "increment is 0"),
        (
            Sequence::new(SEQ).as_type(SMALLINT).max_value(100_000),
            "do not fit",
        ),
        (Sequence::new(SEQ).cache(0), "cache"),
    ] {
        let db = app().sequence(s);
        let all = validate(&db).expect_err("invalid").0;
        assert_eq!(all.len(), 1, "{all:?}");
        assert_eq!(all[0].code, Code::SequenceBadBounds);
        assert!(all[0].message.contains(words), "{}", all[0]);
    }
    // A descending sequence starts at its maximum, -1 by default: valid.
    assert_eq!(
        validate(&app().sequence(Sequence::new(SEQ).increment(-1))),
        Ok(())
    );
}

#[test]
fn a_sequence_owned_by_a_missing_column_is_reported() {
    let from = line!();
    let db = app()
        .sequence(Sequence::new(SEQ).owned_by(T, "nope"))
        .table(Table::new(T).column(col("n", BIGINT)));
    let d = the_one(&db, Code::SequenceOwnerMissing, from..=line!());
    assert!(d.message.contains("app.t.nope"), "{d}");
}

#[test]
fn a_serial_column_of_a_non_integer_type_is_reported() {
    let from = line!();
    let db = app().table(Table::new(T).column(col("id", TEXT).serial()));
    let d = the_one(&db, Code::SerialNotInteger, from..=line!());
    assert_eq!(d.object, "app.t.id");
}

#[test]
fn a_serial_column_with_a_default_or_identity_is_reported() {
    let from = line!();
    let db = app().table(Table::new(T).column(col("id", INT).serial().default("1")));
    the_one(&db, Code::SerialWithDefault, from..=line!());
    let from = line!();
    let db = app().table(Table::new(T).column(col("id", INT).serial().identity()));
    let d = the_one(&db, Code::SerialWithDefault, from..=line!());
    assert!(d.message.contains("identity"), "{d}");
}

#[test]
fn a_serial_sequence_named_like_a_declared_table_or_sequence_is_a_clash() {
    let from = line!();
    let db = app()
        .sequence(Sequence::new(SequenceRef::new("app", "t_id_seq")))
        .table(Table::new(T).column(col("id", INT).serial()));
    let d = the_one(&db, Code::ImplicitNameClash, from..=line!());
    assert!(
        d.message.contains("serial") && d.message.contains("app.t_id_seq"),
        "{d}"
    );
}

#[test]
fn a_composite_type_without_fields_is_reported() {
    let from = line!();
    let db = app().composite(CompositeType::new(PAIR));
    the_one(&db, Code::CompositeWithoutFields, from..=line!());
}

#[test]
fn a_type_or_sequence_with_a_table_s_name_is_a_duplicate() {
    let from = line!();
    let db = app()
        .table(Table::new(T).column(col("a", INT)))
        .sequence(Sequence::new(SequenceRef::new("app", "t")));
    the_one(&db, Code::DuplicateObject, from..=line!());
    let from = line!();
    let db = app()
        .domain(Domain::new(DomainRef::new("app", "x"), INT))
        .composite(CompositeType::new(CompositeRef::new("app", "x")).field("a", INT));
    the_one(&db, Code::DuplicateObject, from..=line!());
}

#[test]
fn a_domain_check_that_leaves_its_statement_is_refused() {
    let db = app().domain(Domain::new(MONEY, INT).check("c", "VALUE > 0); DROP TABLE x; --"));
    let all = validate(&db).expect_err("refused").0;
    assert!(
        all.iter().any(|d| d.code == Code::UnsafeSqlFragment),
        "{all:?}"
    );
    let db = app().domain(
        Domain::new(MONEY, INT)
            .check("positive", "VALUE > 0")
            .check("positive", "VALUE < 10"),
    );
    assert_eq!(
        validate(&db).expect_err("dup").codes(),
        vec![Code::DuplicateConstraint]
    );
}

#[test]
fn hostile_names_are_quoted() {
    const ODD: DomainRef = DomainRef::new("app", "Odd \"Money\"");
    const ODD_SEQ: SequenceRef = SequenceRef::new("app", "select");
    let db = app()
        .domain(Domain::new(ODD, INT).check("Positive!", "VALUE > 0"))
        .sequence(Sequence::new(ODD_SEQ))
        .table(
            Table::new(T)
                .column(col("v", ODD.into()))
                .column(col("n", BIGINT).default("nextval('app.\"select\"'::regclass)")),
        );
    assert_eq!(validate(&db), Ok(()));
    let sql: Vec<String> = diff(&Database::new(), &db)
        .expect("plans")
        .iter()
        .flat_map(|c| c.statements())
        .map(|s| s.sql)
        .collect();
    let all = sql.join("\n");
    assert!(
        all.contains("CREATE DOMAIN app.\"Odd \"\"Money\"\"\" AS integer"),
        "{all}"
    );
    assert!(
        all.contains("CONSTRAINT \"Positive!\" CHECK (VALUE > 0)"),
        "{all}"
    );
    assert!(
        all.contains("CREATE SEQUENCE app.\"select\" AS bigint;"),
        "{all}"
    );
    // The sequence comes before the table whose default calls it.
    let seq = all.find("CREATE SEQUENCE").expect("sequence");
    let table = all.find("CREATE TABLE").expect("table");
    assert!(seq < table);
}

fn with_domain(base: ColumnType) -> Database {
    app()
        .domain(Domain::new(MONEY, base).check("positive", "VALUE > 0"))
        .table(Table::new(T).column(col("price", MONEY.into())))
}

#[test]
fn changing_the_base_type_of_a_domain_a_column_uses_is_refused_with_the_fix() {
    match diff(&with_domain(INT), &with_domain(BIGINT)) {
        Err(PlanError::Unsupported {
            object, message, ..
        }) => {
            assert_eq!(object, "app.money");
            assert!(
                message.contains("app.t") && message.contains("split the change"),
                "{message}"
            );
        }
        other => panic!("expected unsupported-change, got {other:?}"),
    }
    // Unused, the domain is dropped and created again.
    let unused = |base| app().domain(Domain::new(MONEY, base));
    let sql: Vec<String> = diff(&unused(INT), &unused(BIGINT))
        .expect("plans")
        .iter()
        .flat_map(|c| c.statements())
        .map(|s| s.sql)
        .collect();
    assert_eq!(
        sql,
        vec![
            "DROP DOMAIN app.money;",
            "CREATE DOMAIN app.money AS bigint;"
        ]
    );
}

#[test]
fn dropping_or_retyping_a_composite_attribute_is_destructive_and_adding_is_not() {
    let v1 = app().composite(CompositeType::new(PAIR).field("a", INT).field("b", TEXT));
    let v2 = app().composite(CompositeType::new(PAIR).field("a", BIGINT).field("c", TEXT));
    let stmts: Vec<(String, bool)> = diff(&v1, &v2)
        .expect("plans")
        .iter()
        .flat_map(|c| c.statements())
        .map(|s| (s.sql, s.destructive))
        .collect();
    assert_eq!(
        stmts,
        vec![
            (
                "ALTER TYPE app.pair ALTER ATTRIBUTE a TYPE bigint;".to_owned(),
                true
            ),
            ("ALTER TYPE app.pair DROP ATTRIBUTE b;".to_owned(), true),
            (
                "ALTER TYPE app.pair ADD ATTRIBUTE c text;".to_owned(),
                false
            ),
        ]
    );
}

#[test]
fn a_sequence_change_never_restarts_it() {
    let v1 = app().sequence(Sequence::new(SEQ).start(10));
    let v2 = app().sequence(Sequence::new(SEQ).start(20).increment(2).cycle());
    let sql: Vec<String> = diff(&v1, &v2)
        .expect("plans")
        .iter()
        .flat_map(|c| c.statements())
        .map(|s| s.sql)
        .collect();
    assert_eq!(
        sql,
        vec!["ALTER SEQUENCE app.seq\n    INCREMENT BY 2\n    START WITH 20\n    CYCLE;"]
    );
    assert!(!sql[0].contains("RESTART"));
}
