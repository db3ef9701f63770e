//! `cli verify` on the platform database: clean after `migrate up`; each drift made by hand
//! with psql is reported (exit 2) with SQL that, applied, makes `verify` clean again.

mod common;

use common::*;

fn migrated(name: &str) -> TestDb {
    let db = pgharness::database(name);
    cli_command(&["migrate", "up", "-u", &db.url])
        .output()
        .map(Run::from)
        .expect("runs")
        .ok();
    db
}

fn verify(db: &TestDb, extra: &[&str]) -> Run {
    let mut args = vec!["verify", "-u", db.url.as_str()];
    args.extend_from_slice(extra);
    cli_command(&args).output().map(Run::from).expect("runs")
}

/// The SQL part of a text report.
fn repair_sql(run: &Run) -> String {
    run.stdout
        .split_once("SQL that brings the database back to the declaration:\n")
        .map(|(_, sql)| sql.to_owned())
        .unwrap_or_default()
}

#[test]
fn verify_is_clean_right_after_migrate_up() {
    let db = migrated("verify_clean");
    let run = verify(&db, &[]).ok();
    assert!(run.stdout.contains("no drift"), "{run}");
    assert!(run.stdout.contains("schemas compared: "), "{run}");
    assert!(!run.stdout.contains("schemactl,"), "{run}");
}

/// Makes the drift with psql, expects `verify` to exit 2 naming it under its kind, applies
/// the SQL it prints, and expects `verify` to be clean again.
#[track_caller]
fn drift_is_reported_and_repaired(name: &str, sql: &str, kind: &str, expected: &str) {
    let db = migrated(name);
    db.exec(sql);
    let run = verify(&db, &[]).code(2);
    let section = run
        .stdout
        .split(&format!("\n{kind}:\n"))
        .nth(1)
        .unwrap_or_else(|| panic!("no `{kind}:` section\n{run}"));
    let section = section.split("\n\n").next().unwrap_or_default();
    assert!(
        section.contains(expected),
        "expected `{expected}` under {kind}\n{run}"
    );
    let repair = repair_sql(&run);
    assert!(!repair.trim().is_empty(), "no repair SQL\n{run}");
    db.exec(&repair);
    let again = verify(&db, &[]);
    assert_eq!(
        again.code, 0,
        "still drifting after the repair SQL:\n{repair}\n{again}"
    );
}

#[test]
fn a_dropped_index_is_missing() {
    drift_is_reported_and_repaired(
        "d_index",
        "DROP INDEX core.idx_users_email",
        "index",
        "missing    core.idx_users_email",
    );
}

#[test]
fn an_extra_column_is_extra() {
    drift_is_reported_and_repaired(
        "d_extra_col",
        "ALTER TABLE core.users ADD COLUMN nick text",
        "column",
        "extra      core.users.nick",
    );
}

#[test]
fn a_changed_type_shows_declared_and_live_type() {
    drift_is_reported_and_repaired(
        "d_type",
        "ALTER TABLE core.users ALTER COLUMN phone TYPE varchar(80)",
        "column",
        "different  core.users.phone: ty: declared {\"Varchar\":50}, live {\"Varchar\":80}",
    );
}

#[test]
fn a_changed_default_is_different() {
    drift_is_reported_and_repaired(
        "d_default",
        "ALTER TABLE core.users ALTER COLUMN timezone SET DEFAULT 'Europe/Istanbul'",
        "column",
        "core.users.timezone: default: declared 'UTC'::character varying, live 'Europe/Istanbul'::character varying",
    );
}

#[test]
fn a_dropped_not_null_is_different() {
    drift_is_reported_and_repaired(
        "d_not_null",
        "ALTER TABLE core.users ALTER COLUMN password_hash DROP NOT NULL",
        "column",
        "core.users.password_hash: nullable: declared false, live true",
    );
}

#[test]
fn a_changed_foreign_key_action_is_different() {
    drift_is_reported_and_repaired(
        "d_fk_action",
        "ALTER TABLE billing.subscriptions DROP CONSTRAINT subscriptions_tenant_id_fkey, \
         ADD CONSTRAINT subscriptions_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES core.tenants (id) ON DELETE SET NULL",
        "constraint",
        "billing.subscriptions.subscriptions_tenant_id_fkey: on_delete: declared Cascade, live SetNull",
    );
}

#[test]
fn a_dropped_foreign_key_is_missing() {
    drift_is_reported_and_repaired(
        "d_fk_drop",
        "ALTER TABLE billing.subscriptions DROP CONSTRAINT subscriptions_tenant_id_fkey",
        "constraint",
        "missing    billing.subscriptions.subscriptions_tenant_id_fkey",
    );
}

#[test]
fn disabled_row_level_security_is_different() {
    drift_is_reported_and_repaired(
        "d_rls",
        "ALTER TABLE core.users DISABLE ROW LEVEL SECURITY",
        "table",
        "core.users: rls.enabled: declared true, live false",
    );
}

#[test]
fn a_dropped_policy_is_missing() {
    drift_is_reported_and_repaired(
        "d_policy_drop",
        "DROP POLICY rls_users_tenant ON core.users",
        "policy",
        "missing    core.users.rls_users_tenant",
    );
}

#[test]
fn a_changed_policy_shows_its_expression() {
    drift_is_reported_and_repaired(
        "d_policy_change",
        "ALTER POLICY rls_users_tenant ON core.users USING (true)",
        "policy",
        "core.users.rls_users_tenant: using: declared ",
    );
}

#[test]
fn a_disabled_trigger_is_different() {
    drift_is_reported_and_repaired(
        "d_trigger_off",
        "ALTER TABLE core.users DISABLE TRIGGER trg_users_touch",
        "trigger",
        "core.users.trg_users_touch: enabled: declared always fires (O), live disabled (D)",
    );
}

#[test]
fn a_dropped_trigger_is_missing() {
    drift_is_reported_and_repaired(
        "d_trigger_drop",
        "DROP TRIGGER trg_users_touch ON core.users",
        "trigger",
        "missing    core.users.trg_users_touch",
    );
}

#[test]
fn a_changed_function_body_is_different() {
    drift_is_reported_and_repaired(
        "d_function",
        "CREATE OR REPLACE FUNCTION app.touch_row() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$",
        "function",
        "different  app.touch_row: body: declared \nBEGIN\n  NEW.updated_at := now();",
    );
}

#[test]
fn an_extra_table_is_extra() {
    drift_is_reported_and_repaired(
        "d_extra_table",
        "CREATE TABLE core.scratchpad (id int PRIMARY KEY)",
        "table",
        "extra      core.scratchpad",
    );
}

#[test]
fn a_deleted_reference_row_is_missing() {
    drift_is_reported_and_repaired(
        "d_row_missing",
        "DELETE FROM cfg.languages WHERE code = 'fr'",
        "row",
        "missing    cfg.languages ('fr')",
    );
}

#[test]
fn a_changed_reference_row_is_different() {
    drift_is_reported_and_repaired(
        "d_row_changed",
        "UPDATE cfg.languages SET name = 'Deutsch!' WHERE code = 'de'",
        "row",
        "different  cfg.languages ('de')",
    );
}

#[test]
fn a_changed_table_comment_is_different() {
    drift_is_reported_and_repaired(
        "d_comment",
        "COMMENT ON TABLE core.users IS 'changed by hand'",
        "table",
        "core.users: comment: declared A login of a tenant; email is unique across the platform, live changed by hand",
    );
}

#[test]
fn objects_of_other_schemas_and_the_history_are_ignored() {
    let db = migrated("d_ignored");
    db.exec(
        "CREATE SCHEMA other; CREATE TABLE other.t (id int); CREATE VIEW other.v AS SELECT 1 AS x",
    );
    let run = verify(&db, &[]).ok();
    assert!(
        run.stdout
            .contains("schemas compared: app, billing, cfg, comms, core, ops"),
        "{run}"
    );
    assert!(!run.stdout.contains("other."), "{run}");
}

#[test]
fn objects_the_model_cannot_represent_are_listed_as_not_managed() {
    let db = migrated("d_not_managed");
    db.exec(
        "CREATE TABLE core.users_archive () INHERITS (core.users); \
         CREATE FUNCTION core.add_one(a int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT a + 1; END",
    );
    let run = verify(&db, &["--json"]).ok();
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let listed: Vec<String> = json["not_managed"]
        .as_array()
        .expect("list")
        .iter()
        .map(|n| {
            format!(
                "{} {}",
                n["kind"].as_str().unwrap_or(""),
                n["name"].as_str().unwrap_or("")
            )
        })
        .collect();
    // Views, sequences, domains and functions with defaults are in the model now: an
    // undeclared one is drift. What is still listed: inheritance and SQL-standard bodies.
    for expected in ["table core.users_archive", "function core.add_one(integer)"] {
        assert!(
            listed.iter().any(|l| l == expected),
            "{expected} not listed: {listed:?}"
        );
    }
    assert_eq!(json["clean"], true);
}

#[test]
fn json_output_lists_each_drift_with_declared_and_live_values() {
    let db = migrated("d_json");
    db.exec("ALTER TABLE core.users ALTER COLUMN password_hash DROP NOT NULL");
    let run = verify(&db, &["--json"]).code(2);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(json["clean"], false);
    let d = &json["drift"][0];
    assert_eq!(d["kind"], "column");
    assert_eq!(d["state"], "different");
    assert_eq!(d["attribute"], "nullable");
    assert_eq!(d["declared"], "false");
    assert_eq!(d["live"], "true");
    assert!(
        json["sql"][0]
            .as_str()
            .unwrap_or("")
            .contains("SET NOT NULL"),
        "{run}"
    );
}

#[test]
fn deep_warns_about_orphans_and_unindexed_foreign_keys() {
    let db = migrated("d_deep");
    // An orphan can only exist when the check was bypassed: replica mode skips FK triggers.
    db.exec(
        "SET session_replication_role = replica; \
         INSERT INTO cfg.feature_flags (tenant_id, flag_key) VALUES (4242, 'orphan'); \
         RESET session_replication_role; \
         ALTER TABLE core.users ADD COLUMN buddy_id int REFERENCES core.users (id)",
    );
    let run = verify(&db, &["--deep"]).code(2);
    assert!(run.stdout.contains("warning[fk-orphans] cfg.feature_flags.feature_flags_tenant_id_fkey: 1 row of cfg.feature_flags references a missing row of core.tenants"), "{run}");
    assert!(
        run.stdout
            .contains("warning[fk-without-index] core.users.users_buddy_id_fkey"),
        "{run}"
    );
    let plain = verify(&db, &[]).code(2);
    assert!(!plain.stdout.contains("warning["), "{plain}");
}

#[test]
fn without_createdb_verify_says_to_pass_a_scratch_url() {
    let db = migrated("d_nocreatedb");
    db.exec("DROP ROLE IF EXISTS verifier; CREATE ROLE verifier LOGIN PASSWORD 'pw' NOCREATEDB");
    db.exec("GRANT USAGE ON SCHEMA app, billing, cfg, comms, core, ops TO verifier; GRANT SELECT ON ALL TABLES IN SCHEMA cfg TO verifier");
    let url = pgharness::server().url_as("verifier", Some("pw"), &db.name);
    let run = cli_command(&["verify", "-u", &url])
        .output()
        .map(Run::from)
        .expect("runs")
        .code(1);
    assert!(run.error_line().contains("lacks CREATEDB"), "{run}");
    assert!(run.error_line().contains("--scratch-url"), "{run}");
    let scratch = pgharness::database("d_scratch_target");
    let with = cli_command(&["verify", "-u", &url, "--scratch-url", &scratch.url])
        .output()
        .map(Run::from)
        .expect("runs");
    assert_eq!(with.code, 0, "{with}");
    assert_eq!(
        scratch.exec("SELECT count(*) FROM pg_namespace WHERE nspname = 'core'"),
        "0",
        "the scratch database was changed"
    );
}

#[test]
fn an_unreachable_server_is_one_error_line() {
    let run = cli_command(&["verify", "-u", "postgres://u:p@127.0.0.1:1/x"])
        .output()
        .map(Run::from)
        .expect("runs")
        .code(1);
    assert!(
        run.error_line()
            .contains("cannot reach the PostgreSQL server at 127.0.0.1:1/x"),
        "{run}"
    );
}

#[test]
fn a_wrong_password_is_one_error_line() {
    let db = pgharness::database("d_badpw");
    let url = pgharness::server().url_as("no_such_role", Some("secret-pw"), &db.name);
    let run = cli_command(&["verify", "-u", &url])
        .output()
        .map(Run::from)
        .expect("runs")
        .code(1);
    assert!(
        run.error_line()
            .contains("authentication failed for user `no_such_role`"),
        "{run}"
    );
    assert!(
        !run.stderr.contains("secret-pw"),
        "the password leaked: {run}"
    );
}

#[test]
fn a_missing_database_is_one_error_line() {
    let url = pgharness::server().url_for("no_such_database_here");
    let run = cli_command(&["inspect", "-u", &url])
        .output()
        .map(Run::from)
        .expect("runs")
        .code(1);
    assert!(
        run.error_line()
            .contains("database `no_such_database_here` does not exist"),
        "{run}"
    );
}

#[test]
fn an_empty_database_misses_everything_and_the_printed_sql_builds_it() {
    let db = pgharness::database("d_empty");
    let run = verify(&db, &[]).code(2);
    assert!(
        run.stdout.contains("\nschema:\n  missing    app\n"),
        "{run}"
    );
    assert!(run.stdout.contains("missing    core.users\n"), "{run}");
    db.exec(&repair_sql(&run));
    verify(&db, &[]).ok();
}

#[test]
fn an_undeclared_sequence_is_drift_and_repaired() {
    drift_is_reported_and_repaired(
        "d_sequence",
        "CREATE SEQUENCE core.ticket_seq",
        "sequence",
        "core.ticket_seq",
    );
}

#[test]
fn an_undeclared_domain_is_drift_and_repaired() {
    drift_is_reported_and_repaired(
        "d_domain",
        "CREATE DOMAIN core.positive AS int CHECK (VALUE > 0)",
        "domain",
        "core.positive",
    );
}
