//! The platform database (the `schema` crate) against PostgreSQL 15: the committed
//! migrations apply, the catalogs hold every declared object, down leaves nothing, and the
//! declared behaviour is real: tenant isolation for a non-owner role, touch, soft delete
//! and audit triggers.

use ddl::migration::{parse_file_name, sort_files};
use pgharness::TestDb;
use tests::{apply_ok, catalog, first_migration, leftovers, workspace_root};

/// The committed migration files, (up, down) per version, in order.
fn committed() -> Vec<(String, String, String)> {
    let dir = workspace_root().join("migrations");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("migrations/ exists")
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            parse_file_name(&name)?;
            Some((name, std::fs::read_to_string(e.path()).ok()?))
        })
        .collect();
    sort_files(&mut files);
    let mut out = Vec::new();
    for pair in files.chunks(2) {
        if let [(up_name, up), (down_name, down)] = pair {
            assert_eq!(
                down_name,
                &up_name.replace(".sql", ".down.sql"),
                "up/down pairs"
            );
            out.push((up_name.clone(), up.clone(), down.clone()));
        } else {
            panic!("migration without its pair: {pair:?}");
        }
    }
    assert!(
        !out.is_empty(),
        "no committed migrations: run `cargo run -p codegen`"
    );
    out
}

fn migrated(name: &str) -> TestDb {
    let db = pgharness::database(name);
    for (_, up, _) in committed() {
        apply(&db, &up);
    }
    db
}

/// Applies a migration file as the runner does: in one transaction, or statement by
/// statement when its header says `-- @transaction: none`.
fn apply(db: &TestDb, sql: &str) {
    if no_transaction(sql) {
        tests::apply_each_ok(db, sql);
    } else {
        apply_ok(db, sql);
    }
}

fn no_transaction(sql: &str) -> bool {
    sql.lines()
        .take_while(|l| l.starts_with("--") || l.trim().is_empty())
        .any(|l| l.trim() == "-- @transaction: none")
}

#[test]
fn committed_migrations_build_every_declared_object() {
    let db = migrated("platform_catalogs");
    let diffs = catalog::differences(&db, &schema::database());
    assert!(
        diffs.is_empty(),
        "catalogs differ from schema::database():\n{}",
        diffs.join("\n")
    );
}

#[test]
fn rolling_every_migration_back_leaves_an_empty_database() {
    let db = migrated("platform_down");
    for (name, _, down) in committed().into_iter().rev() {
        let result = if no_transaction(&down) {
            tests::apply_each(&db, &down)
        } else {
            tests::apply(&db, &down)
        };
        if let Err(e) = result {
            panic!("down of {name} failed: {e}");
        }
    }
    assert_eq!(leftovers(&db), Vec::<String>::new());
}

#[test]
fn committed_migrations_equal_a_build_from_scratch() {
    let stepwise = migrated("platform_stepwise");
    let scratch = pgharness::database("platform_scratch");
    apply_ok(&scratch, &first_migration(&schema::database()).up);
    assert_eq!(stepwise.schema_dump(), scratch.schema_dump());
}

#[test]
fn reference_rows_are_in_place() {
    let db = migrated("platform_rows");
    assert_eq!(
        db.exec("SELECT string_agg(code, ',' ORDER BY code) FROM cfg.languages"),
        "de,en,fr,tr"
    );
    assert_eq!(
        db.exec("SELECT string_agg(code, ',' ORDER BY code) FROM cfg.currencies"),
        "EUR,TRY,USD"
    );
}

/// A database with two tenants and a login role that does not own the tables, as an
/// application would connect.
fn with_app_role(name: &str) -> (TestDb, TestDb) {
    let db = migrated(name);
    let role = format!("app_{}", db.name);
    db.exec(&format!(
        "CREATE ROLE {role} LOGIN;
         GRANT USAGE ON SCHEMA app, core, cfg, comms, billing TO {role};
         GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA core, app, cfg, comms, billing TO {role};
         GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA app TO {role};
         INSERT INTO core.tenants (id, name, slug) VALUES (1, 'Alpha', 'alpha'), (2, 'Beta', 'beta');
         INSERT INTO core.users (id, tenant_id, email, password_hash) VALUES
             (1, 1, 'a1@alpha.test', 'x'), (2, 1, 'a2@alpha.test', 'x'), (3, 2, 'b1@beta.test', 'x');
         SELECT setval(pg_get_serial_sequence('core.users', 'id'), 3);
         SELECT setval(pg_get_serial_sequence('core.tenants', 'id'), 2);"
    ));
    let as_app = TestDb {
        name: db.name.clone(),
        url: pgharness::server().url_as(&role, None, &db.name),
    };
    (db, as_app)
}

#[test]
fn a_non_owner_role_sees_only_its_tenants_users() {
    let (_owner, app) = with_app_role("platform_rls_read");
    let visible = app.exec(
        "BEGIN; SELECT app.set_context(1, NULL);
         SELECT string_agg(email::text, ',' ORDER BY id) FROM core.users; COMMIT;",
    );
    assert!(
        visible.lines().any(|l| l == "a1@alpha.test,a2@alpha.test"),
        "{visible}"
    );
    let none = app.exec("SELECT count(*) FROM core.users");
    assert_eq!(none, "0", "without a context no tenant's rows are visible");
}

#[test]
fn a_non_owner_role_cannot_insert_another_tenants_row() {
    let (owner, app) = with_app_role("platform_rls_write");
    let err = app
        .psql(
            "BEGIN; SELECT app.set_context(1, NULL);
             INSERT INTO core.users (tenant_id, email, password_hash) VALUES (2, 'evil@beta.test', 'x'); COMMIT;",
        )
        .expect_err("a tenant-2 row must be refused under tenant 1");
    assert!(err.contains("row-level security"), "{err}");
    assert_eq!(
        owner.exec("SELECT count(*) FROM core.users WHERE email = 'evil@beta.test'"),
        "0"
    );
    app.exec(
        "BEGIN; SELECT app.set_context(1, NULL);
         INSERT INTO core.users (tenant_id, email, password_hash) VALUES (1, 'new@alpha.test', 'x'); COMMIT;",
    );
    assert_eq!(
        owner.exec("SELECT tenant_id FROM core.users WHERE email = 'new@alpha.test'"),
        "1"
    );
}

#[test]
fn the_touch_trigger_bumps_updated_at_and_version() {
    let (owner, _) = with_app_role("platform_touch");
    owner.exec(
        "UPDATE core.users SET updated_at = now() - interval '1 day', version = 1 WHERE id = 1",
    );
    owner.exec("UPDATE core.users SET name = 'Ann' WHERE id = 1");
    let row = owner.rows(
        "SELECT version, updated_at > now() - interval '1 minute' FROM core.users WHERE id = 1",
    );
    assert_eq!(
        row,
        vec![vec!["3".to_owned(), "t".to_owned()]],
        "version 1 -> 2 (reset) -> 3, updated_at now"
    );
}

#[test]
fn a_delete_soft_deletes_the_row() {
    let (owner, _) = with_app_role("platform_softdel");
    owner.exec("BEGIN; SELECT app.set_context(1, 2); DELETE FROM core.users WHERE id = 1; COMMIT;");
    let row = owner
        .rows("SELECT is_deleted, deleted_at IS NOT NULL, deleted_by FROM core.users WHERE id = 1");
    assert_eq!(
        row,
        vec![vec!["t".to_owned(), "t".to_owned(), "2".to_owned()]]
    );
}

#[test]
fn the_audit_trigger_records_insert_update_and_delete() {
    let (owner, app) = with_app_role("platform_audit");
    // core.api_keys is audited and not soft-deleted, so a DELETE really deletes.
    app.exec(
        "BEGIN; SELECT app.set_context(1, 1);
         INSERT INTO core.api_keys (id, tenant_id, user_id, name, key_hash, key_encrypted)
              VALUES (10, 1, 1, 'ci', 'h', 'e');
         UPDATE core.api_keys SET name = 'ci-2' WHERE id = 10;
         DELETE FROM core.api_keys WHERE id = 10;
         COMMIT;",
    );
    let rows = owner.rows(
        "SELECT action, tenant_id, user_id, entity_type, entity_id,
                old_values->>'name', new_values->>'name'
           FROM ops.audit_logs WHERE entity_type = 'api_keys' ORDER BY id",
    );
    let expect: Vec<Vec<String>> = [
        ["INSERT", "1", "1", "api_keys", "10", "", "ci"],
        ["UPDATE", "1", "1", "api_keys", "10", "ci", "ci-2"],
        ["DELETE", "1", "1", "api_keys", "10", "ci-2", ""],
    ]
    .iter()
    .map(|r| r.iter().map(|s| (*s).to_owned()).collect())
    .collect();
    assert_eq!(rows, expect);
}

#[test]
fn generating_fifty_times_gives_identical_bytes() {
    let first = first_migration(&schema::database());
    for _ in 0..50 {
        let again = first_migration(&schema::database());
        assert_eq!(again.up, first.up);
        assert_eq!(again.down, first.down);
        assert_eq!(again.snapshot, first.snapshot);
    }
}
