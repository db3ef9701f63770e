//! `cli seed`: each environment's data set loads into the migrated platform database as a
//! non-owner application role (so row-level security checks every row), counts match the
//! declaration, a second run inserts nothing, and `clear` empties only seeded tables and
//! is refused on production.

mod common;

use common::*;

/// Declared rows per table of an environment.
fn declared(env: &str) -> Vec<(String, usize)> {
    seed::environment(env)
        .expect("environment")
        .data_set()
        .expect("valid data set")
        .counts()
}

#[test]
fn every_environment_loads_as_the_app_role_under_rls_and_a_second_run_inserts_nothing() {
    for env in ["development", "staging", "production"] {
        let db = platform_db(&format!("seed_{env}"));
        let app = app_role(&db);
        let first = cli(&app, &["seed", "run", "--env", env]).ok();
        assert!(
            first.stderr.trim().is_empty(),
            "no warnings expected\n{first}"
        );
        let counts = declared(env);
        assert!(counts.len() >= 3, "{env}: {counts:?}");
        for (table, n) in &counts {
            assert_eq!(count(&db, table), *n as i64, "{env}: {table}\n{first}");
        }
        let total: usize = counts.iter().map(|(_, n)| n).sum();
        assert!(
            first.stdout.contains(&format!("{total} rows inserted")),
            "{first}"
        );
        let second = cli(&app, &["seed", "run", "--env", env]).ok();
        assert!(second.stdout.contains("0 rows inserted"), "{second}");
        for (table, n) in &counts {
            assert_eq!(
                count(&db, table),
                *n as i64,
                "{env}: {table} after a second run"
            );
        }
        // The identity sequences moved past the seeded ids: the application's own insert works.
        db.exec("INSERT INTO core.tenants (name, slug) VALUES ('After seeding', 'after-seeding')");
    }
}

#[test]
fn rows_of_each_tenant_are_visible_only_under_that_tenant() {
    let db = platform_db("seed_rls_visible");
    let app = app_role(&db);
    cli(&app, &["seed", "run", "--env", "staging"]).ok();
    let owner_t1 = db.exec("SELECT count(*) FROM core.users WHERE tenant_id = 1");
    let as_app = pgharness::TestDb {
        name: db.name.clone(),
        url: app.clone(),
    };
    let seen = as_app
        .exec("BEGIN; SELECT app.set_context(1, NULL); SELECT count(*) FROM core.users; COMMIT;");
    assert!(seen.lines().any(|l| l == owner_t1), "{seen} vs {owner_t1}");
    assert_eq!(as_app.exec("SELECT count(*) FROM core.users"), "0");
}

#[test]
fn stats_reports_every_declared_row_as_loaded() {
    let db = platform_db("seed_stats");
    let before = cli(&db.url, &["seed", "stats", "--json"]).ok();
    let v: serde_json::Value = serde_json::from_str(&before.stdout).expect("json");
    assert_eq!(v["complete"], false, "{before}");
    cli(&db.url, &["seed", "run"]).ok();
    let after = cli(&db.url, &["seed", "stats", "--json"]).ok();
    let v: serde_json::Value = serde_json::from_str(&after.stdout).expect("json");
    assert_eq!(v["environment"], "development");
    assert_eq!(v["complete"], true, "{after}");
    let users = v["tables"]
        .as_array()
        .expect("tables")
        .iter()
        .find(|t| t["table"] == "core.users")
        .expect("core.users is seeded");
    assert_eq!(users["declared"], 100);
    assert_eq!(users["loaded"], 100);
}

#[test]
fn clear_empties_only_the_seeded_tables_and_is_refused_on_production() {
    let db = platform_db("seed_clear");
    cli(&db.url, &["seed", "run", "--env", "development"]).ok();
    let languages = count(&db, "cfg.languages");
    let history = count(&db, "schemactl.migrations");
    assert!(languages > 0);

    let refused = cli(&db.url, &["seed", "clear", "--env", "production"]).code(1);
    assert!(
        refused.error_line().contains("marked production"),
        "{refused}"
    );
    let refused = cli(&db.url, &["seed", "run", "--env", "production", "--clear"]).code(1);
    assert!(
        refused.error_line().contains("marked production"),
        "{refused}"
    );
    assert_eq!(
        count(&db, "core.users"),
        100,
        "a refused clear changes nothing"
    );

    let cleared = cli(&db.url, &["seed", "clear", "--env", "development"]).ok();
    assert!(
        cleared.stdout.contains("emptied core.users (100 rows)"),
        "{cleared}"
    );
    for (table, _) in declared("development") {
        assert_eq!(count(&db, &table), 0, "{table}");
    }
    assert_eq!(
        count(&db, "cfg.languages"),
        languages,
        "reference rows stay"
    );
    assert_eq!(count(&db, "schemactl.migrations"), history);

    // --clear then run: the same rows again.
    cli(&db.url, &["seed", "run", "--env", "development", "--clear"]).ok();
    assert_eq!(count(&db, "core.users"), 100);
}

#[test]
fn clear_refuses_when_unseeded_tables_hold_rows_that_reference_seeded_ones() {
    let db = platform_db("seed_clear_cascade");
    cli(&db.url, &["seed", "run", "--env", "staging"]).ok();
    db.exec(
        "INSERT INTO core.api_keys (id, tenant_id, user_id, name, key_hash, key_encrypted)
         VALUES (900, 1, 1, 'kept', 'h', 'e')",
    );
    let refused = cli(&db.url, &["seed", "clear", "--env", "staging"]).code(1);
    assert!(
        refused.error_line().contains("core.api_keys (1 rows)"),
        "{refused}"
    );
    assert_eq!(count(&db, "core.users"), 50, "nothing was emptied");
}

#[test]
fn an_unknown_environment_is_an_error_naming_the_known_ones() {
    let db = pgharness::database("seed_unknown_env");
    let run = cli(&db.url, &["seed", "run", "--env", "prod"]).code(1);
    assert!(run.error_line().contains("`production`"), "{run}");
}
