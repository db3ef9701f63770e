//! Renames by hint of views, materialized views, sequences, domains, composite and range
//! types: the statements written up and down, hints that stay, and the two errors (with
//! the line of the declaration).

use ddl::migration::{Existing, Generated, Outcome, next_migration};
use ddl::prelude::*;
use ddl::validate::Code;

const T: TableRef = TableRef::new("app", "t");
const V: ViewRef = ViewRef::new("app", "v");
const V2: ViewRef = ViewRef::new("app", "v2");
const TOP: ViewRef = ViewRef::new("app", "top");
const M: ViewRef = ViewRef::new("app", "m");
const M2: ViewRef = ViewRef::new("app", "m2");
const S: SequenceRef = SequenceRef::new("app", "s");
const S2: SequenceRef = SequenceRef::new("app", "s2");
const D: DomainRef = DomainRef::new("app", "amount");
const D2: DomainRef = DomainRef::new("app", "money");
const C: CompositeRef = CompositeRef::new("app", "pair");
const C2: CompositeRef = CompositeRef::new("app", "couple");
const R: RangeRef = RangeRef::new("app", "span");
const R2: RangeRef = RangeRef::new("app", "stretch");

/// The names of each kind, as one version declares them.
struct Names {
    v: ViewRef,
    m: ViewRef,
    s: SequenceRef,
    d: DomainRef,
    c: CompositeRef,
    r: RangeRef,
}

const OLD: Names = Names {
    v: V,
    m: M,
    s: S,
    d: D,
    c: C,
    r: R,
};
const NEW: Names = Names {
    v: V2,
    m: M2,
    s: S2,
    d: D2,
    c: C2,
    r: R2,
};

/// One declaration of every kind; `hint` adds `.renamed_from(old)` to each (and `query`
/// is the query of the plain view).
fn db(n: &Names, hint: bool, query: &str) -> Database {
    let h = |old: &'static str| hint.then_some(old);
    let mut v = View::new(n.v, query).columns(["id"]);
    let mut m = View::materialized(n.m, "SELECT id, qty FROM app.t");
    let mut s = Sequence::new(n.s).start(10);
    let mut d = Domain::new(n.d, INT).check("positive", "VALUE > 0");
    let mut c = CompositeType::new(n.c)
        .field("a", INT)
        .field("b", domain(n.d));
    let mut r = RangeType::new(n.r, NUMERIC);
    if let Some(o) = h("v") {
        v = v.renamed_from(o);
    }
    if let Some(o) = h("m") {
        m = m.renamed_from(o);
    }
    if let Some(o) = h("s") {
        s = s.renamed_from(o);
    }
    if let Some(o) = h("amount") {
        d = d.renamed_from(o);
    }
    if let Some(o) = h("pair") {
        c = c.renamed_from(o);
    }
    if let Some(o) = h("span") {
        r = r.renamed_from(o);
    }
    let top = format!("SELECT id FROM {}", n.v);
    Database::new()
        .schema(Schema::new("app"))
        .sequence(s)
        .domain(d)
        .composite(c)
        .range(r)
        .table(
            Table::new(T)
                .column(col("id", INT).primary_key())
                .column(col("qty", domain(n.d)))
                .column(col("p", composite(n.c)))
                .column(col("during", ColumnType::Range(n.r.qname())))
                .column(col("no", BIGINT).default(nextval_of(n.s))),
        )
        .view(v)
        .view(View::new(TOP, &top).depends_on(n.v))
        .view(m)
}

fn nextval_of(s: SequenceRef) -> SqlExpr {
    SqlExpr(Sequence::new(s).nextval())
}

fn generated(existing: &Existing, db: &Database) -> Generated {
    match next_migration(existing, db, None) {
        Ok(Outcome::New(g)) => *g,
        other => panic!("{other:?}"),
    }
}

fn after(existing: &Existing, m: &Generated) -> Existing {
    let mut e = existing.clone();
    e.files.push((m.up_file(), m.up.clone()));
    e.files.push((m.down_file(), m.down.clone()));
    e.snapshot = Some(m.snapshot.clone());
    e.sum = Some(m.sum.clone());
    e
}

const QUERY: &str = "SELECT id FROM app.t";

#[test]
fn views_sequences_domains_composite_and_range_types_are_renamed_in_place() {
    let first = after(
        &Existing::default(),
        &generated(&Existing::default(), &db(&OLD, false, QUERY)),
    );
    let v2 = db(&NEW, true, QUERY);
    let m = generated(&first, &v2);
    let up = [
        "ALTER VIEW app.v RENAME TO v2;",
        "ALTER MATERIALIZED VIEW app.m RENAME TO m2;",
        "ALTER SEQUENCE app.s RENAME TO s2;",
        "ALTER DOMAIN app.amount RENAME TO money;",
        "ALTER TYPE app.pair RENAME TO couple;",
        "ALTER TYPE app.span RENAME TO stretch;",
    ];
    for stmt in up {
        assert!(m.up.contains(stmt), "{stmt}\n{}", m.up);
    }
    let down = [
        "ALTER VIEW app.v2 RENAME TO v;",
        "ALTER MATERIALIZED VIEW app.m2 RENAME TO m;",
        "ALTER SEQUENCE app.s2 RENAME TO s;",
        "ALTER DOMAIN app.money RENAME TO amount;",
        "ALTER TYPE app.couple RENAME TO pair;",
        "ALTER TYPE app.stretch RENAME TO span;",
    ];
    for stmt in down {
        assert!(m.down.contains(stmt), "{stmt}\n{}", m.down);
    }
    // Nothing rebuilt: no drop, no create; the table's columns keep their types.
    assert!(!m.up.contains("DROP"), "{}", m.up);
    assert!(!m.up.contains("CREATE TYPE"), "{}", m.up);
    assert!(!m.up.contains("CREATE DOMAIN"), "{}", m.up);
    assert!(!m.up.contains("CREATE SEQUENCE"), "{}", m.up);
    assert!(!m.up.contains("MATERIALIZED VIEW app.m2 AS"), "{}", m.up);
    assert!(!m.up.contains("ALTER COLUMN"), "{}", m.up);
    assert!(m.destructive.is_empty(), "{:?}", m.destructive);
    // The view naming the renamed one, declared with the new name, is no change:
    // PostgreSQL keeps it on the renamed view.
    assert!(!m.up.contains("VIEW app.top"), "{}", m.up);

    // The hints may stay: the next diff ignores them.
    assert!(matches!(
        next_migration(&after(&first, &m), &v2, None),
        Ok(Outcome::UpToDate)
    ));
    assert!(!m.snapshot.contains("renamed_from"), "{}", m.snapshot);
}

#[test]
fn a_view_renamed_and_changed_is_renamed_then_changed() {
    let first = after(
        &Existing::default(),
        &generated(&Existing::default(), &db(&OLD, false, QUERY)),
    );
    let changed = "SELECT id FROM app.t WHERE id > 0";
    let m = generated(&first, &db(&NEW, true, changed));
    let rename =
        m.up.find("ALTER VIEW app.v RENAME TO v2;")
            .unwrap_or_else(|| panic!("{}", m.up));
    let change =
        m.up.find("CREATE OR REPLACE VIEW app.v2")
            .unwrap_or_else(|| panic!("{}", m.up));
    assert!(rename < change, "{}", m.up);
    assert!(m.up[change..].contains("WHERE id > 0"), "{}", m.up);
    // Down: the change back, then the rename back.
    let back = m
        .down
        .find("CREATE OR REPLACE VIEW app.v2")
        .unwrap_or_else(|| panic!("{}", m.down));
    let unrename = m
        .down
        .find("ALTER VIEW app.v2 RENAME TO v;")
        .unwrap_or_else(|| panic!("{}", m.down));
    assert!(back < unrename, "{}", m.down);
}

/// The line of the `.renamed_from(..)` declaration of `kind` in `db`.
#[track_caller]
fn check_error(existing: &Existing, db: &Database, code: Code, object: &str, line: u32) {
    let err = next_migration(existing, db, None).expect_err("the hint is wrong");
    assert_eq!(err.codes(), vec![code], "{err}");
    let d = &err.0[0];
    assert_eq!(d.object, object, "{err}");
    assert_eq!(
        d.origin.0.map(|l| (l.file(), l.line())),
        Some((file!(), line)),
        "{err}"
    );
    assert!(!d.help.is_empty());
}

#[test]
fn a_hint_naming_nothing_or_a_declared_name_is_an_error_at_its_line() {
    let first = after(
        &Existing::default(),
        &generated(&Existing::default(), &db(&OLD, false, QUERY)),
    );
    let base = || db(&OLD, false, QUERY);
    const X: ViewRef = ViewRef::new("app", "x");
    const XS: SequenceRef = SequenceRef::new("app", "xs");
    const XD: DomainRef = DomainRef::new("app", "xd");
    const XC: CompositeRef = CompositeRef::new("app", "xc");
    const XR: RangeRef = RangeRef::new("app", "xr");
    let missing = Code::RenameSourceMissing;
    let declared = Code::RenameSourceDeclared;

    let line = line!() + 1;
    let db = base().view(View::new(X, QUERY).renamed_from("nope"));
    check_error(&first, &db, missing, "app.x", line);
    let line = line!() + 1;
    let db = base().view(View::materialized(X, QUERY).renamed_from("nope"));
    check_error(&first, &db, missing, "app.x", line);
    let line = line!() + 1;
    let db = base().sequence(Sequence::new(XS).renamed_from("nope"));
    check_error(&first, &db, missing, "app.xs", line);
    let line = line!() + 1;
    let db = base().domain(Domain::new(XD, INT).renamed_from("nope"));
    check_error(&first, &db, missing, "app.xd", line);
    let line = line!() + 1;
    let db = base().composite(CompositeType::new(XC).field("a", INT).renamed_from("nope"));
    check_error(&first, &db, missing, "app.xc", line);
    let line = line!() + 1;
    let db = base().range(RangeType::new(XR, NUMERIC).renamed_from("nope"));
    check_error(&first, &db, missing, "app.xr", line);

    let line = line!() + 1;
    let db = base().view(View::new(X, QUERY).renamed_from("v"));
    check_error(&first, &db, declared, "app.x", line);
    let line = line!() + 1;
    let db = base().view(View::materialized(X, QUERY).renamed_from("m"));
    check_error(&first, &db, declared, "app.x", line);
    let line = line!() + 1;
    let db = base().sequence(Sequence::new(XS).renamed_from("s"));
    check_error(&first, &db, declared, "app.xs", line);
    let line = line!() + 1;
    let db = base().domain(Domain::new(XD, INT).renamed_from("amount"));
    check_error(&first, &db, declared, "app.xd", line);
    let line = line!() + 1;
    let db = base().composite(CompositeType::new(XC).field("a", INT).renamed_from("pair"));
    check_error(&first, &db, declared, "app.xc", line);
    let line = line!() + 1;
    let db = base().range(RangeType::new(XR, NUMERIC).renamed_from("span"));
    check_error(&first, &db, declared, "app.xr", line);

    // The message names the old name, the help how to fix it.
    let err = next_migration(
        &first,
        &base().sequence(Sequence::new(XS).renamed_from("nope")),
        None,
    )
    .expect_err("no sequence nope");
    assert!(err.0[0].message.contains("sequence app.xs"), "{err}");
    assert!(err.0[0].message.contains("`nope`"), "{err}");
}

#[test]
fn a_schema_rename_moves_views_sequences_and_types_along() {
    let first = after(
        &Existing::default(),
        &generated(&Existing::default(), &db(&OLD, false, QUERY)),
    );
    // The same declaration in schema `shop`, renamed from `app`: only the schema rename.
    let text = serde_json::to_string(&db(&OLD, false, QUERY)).expect("serializes");
    let moved: Database =
        serde_json::from_str(&text.replace("\"app\"", "\"shop\"").replace("app.", "shop."))
            .expect("reads back");
    let mut moved = moved;
    moved.schemas[0] = Schema::new("shop").renamed_from("app");
    let m = generated(&first, &moved);
    assert!(
        m.up.contains("ALTER SCHEMA app RENAME TO shop;"),
        "{}",
        m.up
    );
    assert!(!m.up.contains("DROP"), "{}", m.up);
    assert!(!m.up.contains("CREATE"), "{}", m.up);
}
