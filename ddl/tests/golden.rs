//! Golden tests of the writer and the planner: the exact SQL for a declaration that uses
//! every object kind. A change to the output shows up as a reviewable snapshot diff.

mod common;

use ddl::migration::{Existing, Outcome, next_migration};
use ddl::model::database::Database;

fn first_migration(db: &Database) -> (String, String) {
    match next_migration(&Existing::default(), db, None) {
        Ok(Outcome::New(g)) => (g.up, g.down),
        Ok(Outcome::UpToDate) => panic!("expected a migration"),
        Err(d) => panic!("{d}"),
    }
}

#[test]
fn initial_up_migration_of_every_object_kind() {
    let (up, _) = first_migration(&common::shop());
    insta::assert_snapshot!(up);
}

#[test]
fn initial_down_migration_is_the_reverse() {
    let (_, down) = first_migration(&common::shop());
    insta::assert_snapshot!(down);
}

#[test]
fn the_snapshot_reads_back_as_the_same_declaration() {
    let db = common::shop().canonical();
    let text = ddl::migration::snapshot_json(&db);
    let back = ddl::migration::parse_snapshot(&text).expect("valid JSON");
    assert_eq!(back, db);
    // The lines of the "tables" list: one per table, whatever other kinds hold columns.
    let table_lines = text
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("\"tables\": ["))
        .skip(1)
        .take_while(|l| l.trim() != "]")
        .count();
    assert_eq!(table_lines, db.tables.len(), "one line per table:\n{text}");
}
