//! Bad input for exclusion constraints, SET NULL column lists, collations, transition
//! tables, constraint triggers and rename hints: each is one stable code, naming the
//! object and the line of the declaration, with the fix.

use ddl::migration::{Existing, Outcome, next_migration};
use ddl::prelude::*;
use ddl::validate::{Code, Diagnostic, validate};

const T: TableRef = TableRef::new("app", "t");
const P: TableRef = TableRef::new("app", "p");
const F: FunctionRef = FunctionRef::new("app", "f");

fn app() -> Database {
    Database::new()
        .schema(Schema::new("app"))
        .function(Function::trigger(F, "BEGIN\n  RETURN NULL;\nEND"))
}

fn table() -> Table {
    Table::new(T)
        .column(col("id", INT).primary_key())
        .column(col("room", INT))
        .column(col("during", builtin_type("tstzrange")))
}

/// The one diagnostic of a declaration, checked for its code, object and line.
#[track_caller]
fn the_one(db: &Database, code: Code, object: &str, line: u32) -> Diagnostic {
    let err = validate(db).expect_err("the declaration is invalid");
    assert_eq!(err.codes(), vec![code], "{err}");
    let d = err.0[0].clone();
    assert_eq!(d.object, object, "{err}");
    let at = d.origin.0.map(|l| (l.file(), l.line()));
    assert_eq!(
        at,
        Some((file!(), line)),
        "reported at the declaration: {err}"
    );
    assert!(!d.help.is_empty());
    d
}

#[test]
fn a_scalar_column_in_a_gist_exclusion_needs_btree_gist() {
    let line = line!() + 1;
    let x = Exclusion::gist("t_no_overlap")
        .with("room", "=")
        .with("during", "&&");
    let db = app().table(table().exclude(x.clone()));
    let d = the_one(
        &db,
        Code::ExclusionNeedsBtreeGist,
        "app.t.t_no_overlap",
        line,
    );
    assert!(
        d.help.contains("Extension::new(\"btree_gist\")"),
        "{}",
        d.help
    );
    // With the extension, it is valid and created after it.
    let db = db.extension(Extension::new("btree_gist"));
    assert_eq!(validate(&db), Ok(()));
    // A range alone needs nothing.
    let ranges = app().table(table().exclude(Exclusion::gist("t_r").with("during", "&&")));
    assert_eq!(validate(&ranges), Ok(()));
}

#[test]
fn an_exclusion_on_a_missing_column_or_with_no_operator_is_invalid() {
    let line = line!() + 1;
    let x = Exclusion::gist("t_x").with("nope", "&&");
    let d = the_one(
        &app().table(table().exclude(x)),
        Code::ExclusionInvalid,
        "app.t.t_x",
        line,
    );
    assert!(d.message.contains("column nope"), "{}", d.message);
    let line = line!() + 1;
    let x = Exclusion::gist("t_x").with("during", "&& ; DROP TABLE x");
    let d = the_one(
        &app().table(table().exclude(x)),
        Code::ExclusionInvalid,
        "app.t.t_x",
        line,
    );
    assert!(d.message.contains("not an operator"), "{}", d.message);
}

#[test]
fn a_set_null_column_list_must_name_columns_of_the_foreign_key() {
    let parent = Table::new(P).column(col("id", INT).primary_key());
    let line = line!() + 1;
    let fk = ForeignKey::new(["room"], P, ["id"]).on_delete_set_null(["during"]);
    let db = app().table(parent).table(table().foreign_key(fk));
    let d = the_one(&db, Code::FkSetColumnsInvalid, "app.t.t_room_fkey", line);
    assert!(d.message.contains("column during"), "{}", d.message);
}

#[test]
fn a_collation_on_a_non_text_column_is_invalid() {
    let line = line!() + 1;
    let c = col("n", INT).collate("C");
    let d = the_one(
        &app().table(table().column(c)),
        Code::CollationInvalid,
        "app.t.n",
        line,
    );
    assert!(d.message.contains("integer"), "{}", d.message);
}

#[test]
fn transition_tables_follow_postgres_rules() {
    let line = line!() + 1;
    let tr = Trigger::before("t_bad", F)
        .on_insert()
        .referencing_new_table("n");
    let d = the_one(
        &app().table(table().trigger(tr)),
        Code::TriggerTransitionInvalid,
        "app.t.t_bad",
        line,
    );
    assert!(d.message.contains("AFTER"), "{}", d.message);
    let line = line!() + 1;
    let tr = Trigger::after("t_bad", F)
        .on_insert()
        .referencing_old_table("o");
    let d = the_one(
        &app().table(table().trigger(tr)),
        Code::TriggerTransitionInvalid,
        "app.t.t_bad",
        line,
    );
    assert!(d.message.contains("OLD TABLE"), "{}", d.message);
    let ok = Trigger::after("t_ok", F)
        .on_update()
        .referencing_old_table("o")
        .referencing_new_table("n")
        .for_each_statement();
    assert_eq!(validate(&app().table(table().trigger(ok))), Ok(()));
}

#[test]
fn a_constraint_trigger_must_be_after_for_each_row() {
    let line = line!() + 1;
    let tr = Trigger::constraint("t_c", F)
        .on_insert()
        .for_each_statement();
    let d = the_one(
        &app().table(table().trigger(tr)),
        Code::ConstraintTriggerInvalid,
        "app.t.t_c",
        line,
    );
    assert!(d.message.contains("FOR EACH ROW"), "{}", d.message);
}

#[test]
fn rename_hints_name_something_the_snapshot_has_and_nothing_declared() {
    let v1 = app().table(table());
    let m1 = match next_migration(&Existing::default(), &v1, None) {
        Ok(Outcome::New(g)) => g,
        other => panic!("{other:?}"),
    };
    let existing = Existing {
        files: vec![
            (m1.up_file(), m1.up.clone()),
            (m1.down_file(), m1.down.clone()),
        ],
        snapshot: Some(m1.snapshot.clone()),
        sum: Some(m1.sum.clone()),
    };
    const RENAMED: TableRef = TableRef::new("app", "u");
    let gone = app().table(
        Table::new(RENAMED)
            .renamed_from("nope")
            .column(col("id", INT)),
    );
    let err = next_migration(&existing, &gone, None).expect_err("nothing called nope");
    assert_eq!(err.codes(), vec![Code::RenameSourceMissing], "{err}");
    assert_eq!(err.0[0].object, "app.u");

    let twice = app()
        .table(table())
        .table(Table::new(RENAMED).renamed_from("t").column(col("id", INT)));
    let err = next_migration(&existing, &twice, None).expect_err("t is still declared");
    assert_eq!(err.codes(), vec![Code::RenameSourceDeclared], "{err}");

    // An index and a constraint renamed: ALTER INDEX / RENAME CONSTRAINT, nothing rebuilt.
    let v2 = app().table(
        table()
            .index(Index::named("t_room_idx", ["room"]))
            .check("t_room_positive", "room > 0"),
    );
    let m2 = match next_migration(&existing, &v2, None) {
        Ok(Outcome::New(g)) => g,
        other => panic!("{other:?}"),
    };
    let mut existing2 = existing.clone();
    existing2.files.push((m2.up_file(), m2.up.clone()));
    existing2.files.push((m2.down_file(), m2.down.clone()));
    existing2.snapshot = Some(m2.snapshot.clone());
    existing2.sum = Some(m2.sum.clone());
    let v3 = app().table(
        table()
            .index(Index::named("t_room_key", ["room"]).renamed_from("t_room_idx"))
            .check("t_room_above_zero", "room > 0")
            .constraint_renamed_from("t_room_above_zero", "t_room_positive"),
    );
    let m3 = match next_migration(&existing2, &v3, None) {
        Ok(Outcome::New(g)) => g,
        other => panic!("{other:?}"),
    };
    assert!(
        m3.up
            .contains("ALTER INDEX app.t_room_idx RENAME TO t_room_key;"),
        "{}",
        m3.up
    );
    assert!(
        m3.up
            .contains("ALTER TABLE app.t RENAME CONSTRAINT t_room_positive TO t_room_above_zero;"),
        "{}",
        m3.up
    );
    assert!(!m3.up.contains("DROP"), "{}", m3.up);
    assert!(
        m3.down
            .contains("ALTER INDEX app.t_room_key RENAME TO t_room_idx;"),
        "{}",
        m3.down
    );
}

/// The first migration of `v1`, and the directory after it.
fn after_first(v1: &Database) -> Existing {
    let m1 = match next_migration(&Existing::default(), v1, None) {
        Ok(Outcome::New(g)) => g,
        other => panic!("{other:?}"),
    };
    Existing {
        files: vec![
            (m1.up_file(), m1.up.clone()),
            (m1.down_file(), m1.down.clone()),
        ],
        snapshot: Some(m1.snapshot.clone()),
        sum: Some(m1.sum.clone()),
    }
}

#[test]
fn schemas_functions_enum_types_and_values_are_renamed_in_place() {
    const OLD_MOOD: TypeRef = TypeRef::new("app", "mood");
    const OLD_F: FunctionRef = FunctionRef::new("app", "g");
    const NEW_MOOD: TypeRef = TypeRef::new("shop", "feeling");
    const NEW_F: FunctionRef = FunctionRef::new("shop", "h");
    const OLD_T: TableRef = TableRef::new("app", "t");
    const NEW_T: TableRef = TableRef::new("shop", "t");
    let v1 = Database::new()
        .schema(Schema::new("app"))
        .enum_type(EnumType::new(OLD_MOOD, ["ok", "meh"]))
        .function(Function::trigger(OLD_F, "BEGIN\n  RETURN NEW;\nEND"))
        .table(
            Table::new(OLD_T)
                .column(col("id", INT).primary_key())
                .column(col("m", enum_type(OLD_MOOD)))
                .trigger(Trigger::before("t_g", OLD_F).on_insert()),
        );
    let v2 = Database::new()
        .schema(Schema::new("shop").renamed_from("app"))
        .enum_type(
            EnumType::new(NEW_MOOD, ["ok", "fine"])
                .renamed_from("mood")
                .value_renamed("meh", "fine"),
        )
        .function(Function::trigger(NEW_F, "BEGIN\n  RETURN NEW;\nEND").renamed_from("g"))
        .table(
            Table::new(NEW_T)
                .column(col("id", INT).primary_key())
                .column(col("m", enum_type(NEW_MOOD)))
                .trigger(Trigger::before("t_g", NEW_F).on_insert()),
        );
    let m = match next_migration(&after_first(&v1), &v2, None) {
        Ok(Outcome::New(g)) => g,
        other => panic!("{other:?}"),
    };
    for stmt in [
        "ALTER SCHEMA app RENAME TO shop;",
        "ALTER TYPE shop.mood RENAME TO feeling;",
        "ALTER TYPE shop.feeling RENAME VALUE 'meh' TO 'fine';",
        "ALTER FUNCTION shop.g() RENAME TO h;",
    ] {
        assert!(m.up.contains(stmt), "{stmt}\n{}", m.up);
    }
    assert!(!m.up.contains("DROP"), "{}", m.up);
    assert!(!m.up.contains("CREATE"), "{}", m.up);
    assert!(
        m.down.contains("ALTER SCHEMA shop RENAME TO app;"),
        "{}",
        m.down
    );
    let down_order: Vec<usize> = [
        "RENAME VALUE 'fine' TO 'meh'",
        "ALTER TYPE shop.feeling RENAME TO mood",
        "ALTER SCHEMA shop RENAME TO app",
    ]
    .iter()
    .map(|s| m.down.find(s).unwrap_or_else(|| panic!("{s}: {}", m.down)))
    .collect();
    assert!(down_order.windows(2).all(|w| w[0] < w[1]), "{}", m.down);
}
