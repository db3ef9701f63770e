//! Every snippet of README.md and docs/ works: each ```rust block compiles (the build
//! script makes it a module of this test), each block that declares `pub fn database()`
//! generates migrations that apply and roll back on PostgreSQL, and each ```sql block
//! applies to a database migrated with the platform's migrations.

/// What the snippets may use without declaring it: the prelude, sea-query's expression
/// builders and the handles the DSL reference writes about.
mod fixtures {
    pub use ddl::model::database::Database;
    pub use ddl::prelude::*;
    pub use ddl::sea_query::{Expr, ExprTrait};
    pub const USERS: TableRef = TableRef::new("core", "users");
    pub const TENANTS: TableRef = TableRef::new("core", "tenants");
    pub const OTHER: TableRef = TableRef::new("core", "other");
    pub const TOUCH_ROW: FunctionRef = FunctionRef::new("app", "touch_row");
    pub const USER_STATUS: TypeRef = TypeRef::new("core", "user_status");
}

include!(concat!(env!("OUT_DIR"), "/doc_snippets.rs"));

use tests::{apply, apply_ok, first_migration, leftovers, workspace_root};

#[test]
fn the_readme_and_the_dsl_reference_have_rust_snippets_that_compile() {
    assert!(
        RUST_BLOCKS.iter().any(|b| b.starts_with("README.md:")),
        "{RUST_BLOCKS:?}"
    );
    assert!(
        RUST_BLOCKS.iter().any(|b| b.starts_with("docs/dsl.md:")),
        "{RUST_BLOCKS:?}"
    );
}

#[test]
fn no_snippet_is_exempt_from_being_compiled() {
    let exempt: Vec<_> = FENCES
        .iter()
        .filter(|(_, lang)| lang.starts_with("rust") && *lang != "rust")
        .collect();
    assert!(
        exempt.is_empty(),
        "snippets marked to skip compilation: {exempt:?}"
    );
}

#[test]
fn declared_databases_in_the_docs_apply_and_roll_back() {
    assert!(DATABASES.iter().any(|(at, _)| at.starts_with("README.md:")));
    for (at, database) in DATABASES {
        let m = first_migration(&database());
        let db = pgharness::database("docsnippet");
        if let Err(e) = apply(&db, &m.up) {
            panic!("the snippet at {at} does not apply: {e}\n{}", m.up);
        }
        apply_ok(&db, &m.down);
        assert_eq!(leftovers(&db), Vec::<String>::new(), "{at}");
    }
}

#[test]
fn sql_snippets_apply_to_the_platform_database() {
    let platform = first_migration(&schema::database());
    let db = pgharness::database("docsql");
    apply_ok(&db, &platform.up);
    for (at, sql) in SQL_BLOCKS {
        if let Err(e) = apply(&db, sql) {
            panic!("the SQL snippet at {at} does not apply to the platform database: {e}\n{sql}");
        }
    }
}

#[test]
fn the_github_workflow_runs_what_ci_runs() {
    let wf = std::fs::read_to_string(workspace_root().join(".github/workflows/schema.yml"))
        .expect(".github/workflows/schema.yml");
    for step in [
        "cargo run -q -p codegen --locked -- --check",
        "cargo test --workspace --locked",
        "postgresql-15",
    ] {
        assert!(wf.contains(step), "the workflow lacks {step:?}");
    }
}
