//! The entities codegen writes next to the migrations: written with the first run, kept
//! current by later ones, and checked by `--check`, which reports an edited, missing or
//! extra entity file by name with the command to run.

mod common;

use codegen::{Args, OK, STALE};
use common::{USERS, exec, temp_dir, v1};
use ddl::prelude::*;
use std::path::Path;

const NOTES: TableRef = TableRef::new("app", "notes");

fn args(dir: &Path, check: bool) -> Args {
    Args {
        check,
        dir: dir.join("migrations"),
        name: None,
        allow_destructive: false,
        new: None,
        no_transaction: false,
        rehash: false,
        fast: false,
        entities: dir.join("entities/src"),
        diagrams: dir.join("docs/schema"),
        timings: false,
    }
}

#[test]
fn the_first_run_writes_the_entities_and_check_then_passes() {
    let dir = temp_dir("first");
    let (code, out, _) = exec(&args(&dir, false), &v1());
    assert_eq!(code, OK);
    assert!(out.contains("entities/src"), "{out}");
    for f in ["lib.rs", "prelude.rs", "app/mod.rs", "app/users.rs"] {
        let text = std::fs::read_to_string(dir.join("entities/src").join(f)).expect(f);
        assert!(text.starts_with("//! @generated"), "{f}");
    }
    assert_eq!(exec(&args(&dir, true), &v1()).0, OK);
}

#[test]
fn an_edited_entity_file_is_stale_by_name_and_the_next_run_restores_it() {
    let dir = temp_dir("edited");
    exec(&args(&dir, false), &v1());
    let file = dir.join("entities/src/app/users.rs");
    let original = std::fs::read_to_string(&file).expect("read");
    std::fs::write(&file, original.replace("pub email", "pub e_mail")).expect("edit");
    let (code, _, err) = exec(&args(&dir, true), &v1());
    assert_eq!(code, STALE, "{err}");
    assert!(err.contains("app/users.rs differs"), "{err}");
    assert!(err.contains("run `cargo run -p codegen`"), "{err}");
    assert_eq!(exec(&args(&dir, false), &v1()).0, OK);
    assert_eq!(std::fs::read_to_string(&file).expect("read"), original);
}

#[test]
fn a_missing_or_extra_entity_file_is_stale() {
    let dir = temp_dir("missing");
    exec(&args(&dir, false), &v1());
    std::fs::remove_file(dir.join("entities/src/prelude.rs")).expect("remove");
    std::fs::write(
        dir.join("entities/src/app/hand_written.rs"),
        "pub struct X;\n",
    )
    .expect("add");
    let (code, _, err) = exec(&args(&dir, true), &v1());
    assert_eq!(code, STALE);
    assert!(err.contains("prelude.rs is missing"), "{err}");
    assert!(
        err.contains("app/hand_written.rs is not generated"),
        "{err}"
    );
    exec(&args(&dir, false), &v1());
    assert!(dir.join("entities/src/prelude.rs").exists());
    assert!(!dir.join("entities/src/app/hand_written.rs").exists());
}

#[test]
fn a_new_table_adds_its_entity_and_its_reverse_relation() {
    let dir = temp_dir("grow");
    exec(&args(&dir, false), &v1());
    let v2 = v1().table(
        Table::new(NOTES)
            .column(col("id", INT).identity().primary_key())
            .column(col("user_id", INT).not_null().references(USERS, "id")),
    );
    assert_eq!(exec(&args(&dir, true), &v2).0, STALE);
    assert_eq!(exec(&args(&dir, false), &v2).0, OK);
    let notes = std::fs::read_to_string(dir.join("entities/src/app/notes.rs")).expect("notes");
    assert!(
        notes.contains("belongs_to = \"crate::app::users::Entity\""),
        "{notes}"
    );
    let users = std::fs::read_to_string(dir.join("entities/src/app/users.rs")).expect("users");
    assert!(
        users.contains("has_many = \"crate::app::notes::Entity\""),
        "{users}"
    );
}

#[test]
fn an_edited_schema_diagram_is_stale_by_name() {
    let dir = temp_dir("diagram");
    exec(&args(&dir, false), &v1());
    let page = dir.join("docs/schema/app.md");
    let text = std::fs::read_to_string(&page).expect("app.md");
    assert!(text.contains("```mermaid\nerDiagram\n"), "{text}");
    std::fs::write(&page, text.replace("users", "people")).expect("edit");
    let (code, _, err) = exec(&args(&dir, true), &v1());
    assert_eq!(code, STALE);
    assert!(err.contains("app.md differs"), "{err}");
}
