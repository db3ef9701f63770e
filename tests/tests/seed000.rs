//! The 13-table learning-platform schema of seed 000 (MySQL-flavoured in the seed),
//! declared in the DSL: its generated SQL applies on PostgreSQL and rolls back.

use tests::{apply_ok, catalog, first_migration, fixtures::seed000, leftovers};

#[test]
fn seed_000_schema_applies_matches_the_catalogs_and_rolls_back() {
    let decl = seed000::database();
    assert_eq!(decl.tables.len(), 13);
    let m = first_migration(&decl);
    let db = pgharness::database("seed000");
    apply_ok(&db, &m.up);
    let diffs = catalog::differences(&db, &decl);
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
    db.exec(
        "INSERT INTO users (email, password, name) VALUES ('m@x.test', 'p', 'Mentor'), ('s@x.test', 'p', 'Student');
         INSERT INTO mentor_matches (mentor_id, mentee_id) VALUES (1, 2);",
    );
    assert!(
        db.psql("INSERT INTO mentor_matches (mentor_id, mentee_id) VALUES (1, 2)")
            .is_err(),
        "UNIQUE(mentor_id, mentee_id)"
    );
    db.exec("DELETE FROM mentor_matches; DELETE FROM users;");
    apply_ok(&db, &m.down);
    assert_eq!(leftovers(&db), Vec::<String>::new());
}
