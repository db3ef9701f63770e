//! The names PostgreSQL derives by itself, checked against PostgreSQL: the validator's
//! identity-sequence names are the server's, and a long table with a named primary key
//! applies.

use ddl::prelude::*;
use ddl::validate::object_name;
use tests::{apply_ok, first_migration, leftovers};

#[test]
fn identity_sequence_names_are_derived_as_postgresql_derives_them() {
    let long = "t".repeat(58);
    let accented = "é".repeat(29);
    let tables: Vec<(String, String)> = vec![
        ("base".into(), "id".into()),
        (long.clone(), "id".into()),
        (accented.clone(), "identifier_of_some_length".into()),
        ("x".into(), "c".repeat(60)),
    ];
    let mut db = Database::new().schema(Schema::new("seqs"));
    for (i, (t, c)) in tables.iter().enumerate() {
        let t = TableRef::new("seqs", Box::leak(t.clone().into_boxed_str()));
        db = db.table(
            Table::new(t)
                .column(col(c.as_str(), INT).identity())
                .primary_key_named(&format!("pk{i}"), [c.as_str()]),
        );
    }
    let m = first_migration(&db);
    let pg = pgharness::database("seqnames");
    apply_ok(&pg, &m.up);
    for (t, c) in &tables {
        let got = pg.exec(&format!(
            "SELECT s.relname FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
              JOIN pg_class t ON t.oid = d.refobjid
              JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
             WHERE t.relname = '{t}' AND a.attname = '{c}'"
        ));
        assert_eq!(
            got.trim(),
            object_name(t, c, "seq"),
            "table {t}, column {c}"
        );
    }
    apply_ok(&pg, &m.down);
    assert_eq!(leftovers(&pg), Vec::<String>::new());
}
