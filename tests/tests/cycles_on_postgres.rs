//! Foreign-key cycles against PostgreSQL: broken with `.add_later()`, they apply, accept
//! rows that reference each other in one transaction (deferrable), and roll back.

use ddl::prelude::*;
use tests::{apply_ok, catalog, first_migration, leftovers};

const A: TableRef = TableRef::new("cyc", "a");
const B: TableRef = TableRef::new("cyc", "b");
const TREE: TableRef = TableRef::new("cyc", "tree");

fn mutual(later: bool) -> Database {
    let b_fk = ForeignKey::new(["a_id"], A, ["id"]).deferrable();
    Database::new()
        .schema(Schema::new("cyc"))
        .table(
            Table::new(A)
                .column(col("id", INT).primary_key())
                .column(col("b_id", INT).references(B, "id").fk(|f| f.deferrable())),
        )
        .table(
            Table::new(B)
                .column(col("id", INT).primary_key())
                .column(col("a_id", INT))
                .foreign_key(if later { b_fk.add_later() } else { b_fk }),
        )
}

#[test]
fn mutual_foreign_keys_fail_with_the_whole_path() {
    let err = ddl::migration::plan_statements(&Database::new(), &mutual(false))
        .expect_err("a cycle must be refused");
    let text = err.to_string();
    assert!(text.contains("error[dependency-cycle]"), "{text}");
    assert!(
        text.contains("cyc.a.b_id -> cyc.b, cyc.b.a_id -> cyc.a"),
        "{text}"
    );
    assert!(text.contains(".add_later()"), "{text}");
}

#[test]
fn a_foreign_key_added_later_breaks_the_cycle_on_postgres() {
    let decl = mutual(true);
    let m = first_migration(&decl);
    let db = pgharness::database("cycle_later");
    apply_ok(&db, &m.up);
    assert!(catalog::differences(&db, &decl).is_empty());
    // Both constraints are deferred to commit, so rows may point at each other.
    db.exec("BEGIN; INSERT INTO cyc.a VALUES (1, 2); INSERT INTO cyc.b VALUES (2, 1); COMMIT;");
    assert_eq!(
        db.exec("SELECT count(*) FROM cyc.a JOIN cyc.b ON b.id = a.b_id AND b.a_id = a.id"),
        "1"
    );
    db.exec("DELETE FROM cyc.a; DELETE FROM cyc.b;");
    apply_ok(&db, &m.down);
    assert_eq!(leftovers(&db), Vec::<String>::new());
}

#[test]
fn a_self_reference_is_not_a_cycle() {
    let decl = Database::new().schema(Schema::new("cyc")).table(
        Table::new(TREE)
            .column(col("id", INT).primary_key())
            .column(
                col("parent_id", INT)
                    .references(TREE, "id")
                    .on_delete(FkAction::Cascade),
            ),
    );
    let m = first_migration(&decl);
    let db = pgharness::database("cycle_self");
    apply_ok(&db, &m.up);
    db.exec(
        "INSERT INTO cyc.tree VALUES (1, NULL), (2, 1), (3, 2); DELETE FROM cyc.tree WHERE id = 1;",
    );
    assert_eq!(db.exec("SELECT count(*) FROM cyc.tree"), "0");
    apply_ok(&db, &m.down);
    assert_eq!(leftovers(&db), Vec::<String>::new());
}
