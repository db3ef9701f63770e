//! Checks of the declaration itself; the behaviour on PostgreSQL is tested in `tests/`.

use super::*;
use ddl::model::index::IndexTarget;
use ddl::model::names::QName;
use ddl::model::objects::Volatility;
use ddl::model::table::Table;
use ddl::model::trigger::{Timing, TriggerEvent};
use ddl::model::types::ColumnType;
use std::collections::{BTreeMap, BTreeSet};

fn table(db: &Database, name: &str) -> Table {
    db.tables
        .iter()
        .find(|t| t.name.to_string() == name)
        .unwrap_or_else(|| panic!("{name} is not declared"))
        .clone()
}

fn triggers_calling<'a>(t: &'a Table, function: &str) -> Vec<&'a str> {
    t.triggers
        .iter()
        .filter(|tr| tr.function.to_string() == function)
        .map(|tr| tr.name.as_str())
        .collect()
}

const SEED_TABLES: [&str; 29] = [
    // seed 003, 001_initial_schema.sql and 004_add_generic_data.sql
    "cfg.languages",
    "cfg.currencies",
    "cfg.exchange_rates",
    "cfg.translations",
    "ops.audit_logs",
    "core.tenants",
    "core.users",
    "core.user_sessions",
    "core.user_2fa",
    "core.projects",
    "core.table_metadata",
    "core.api_keys",
    "core.files",
    "app.generic_data",
    // left as `...` by the seeds
    "ops.system_logs",
    "ops.user_activities",
    "core.image_variants",
    "core.organizations",
    "core.roles",
    "core.permissions",
    "core.role_permissions",
    "core.user_roles",
    "comms.notifications",
    "comms.email_queue",
    "comms.webhooks",
    "comms.webhook_deliveries",
    "billing.subscriptions",
    "billing.usage_records",
    "cfg.feature_flags",
];

#[test]
fn declares_every_table_the_seeds_name_and_no_table_twice() {
    let db = database();
    let names: Vec<String> = db.tables.iter().map(|t| t.name.to_string()).collect();
    let unique: BTreeSet<&String> = names.iter().collect();
    assert_eq!(unique.len(), names.len(), "a table is declared twice");
    for t in SEED_TABLES {
        assert!(names.iter().any(|n| n == t), "{t} is missing");
    }
    // Added: named by 002_add_organizations.down.sql, and the target of plan_id.
    assert!(names.iter().any(|n| n == "core.organization_members"));
    assert!(names.iter().any(|n| n == "billing.plans"));
    assert_eq!(names.len(), SEED_TABLES.len() + 2);
}

#[test]
fn declares_the_four_extensions_and_six_schemas() {
    let db = database();
    let ext: BTreeSet<&str> = db.extensions.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        ext,
        BTreeSet::from(["uuid-ossp", "pgcrypto", "citext", "pg_trgm"])
    );
    let schemas: BTreeSet<&str> = db.schemas.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        schemas,
        BTreeSet::from(["app", "core", "cfg", "ops", "comms", "billing"])
    );
    assert!(db.schemas.iter().all(|s| s.comment.is_some()));
    for t in &db.tables {
        assert!(schemas.contains(t.name.schema.as_str()), "{}", t.name);
    }
}

#[test]
fn every_table_with_a_required_tenant_id_is_isolated_by_rls_with_using_and_with_check() {
    let db = database();
    let mut scoped = 0;
    for t in &db.tables {
        let Some(c) = t.find_column("tenant_id") else {
            continue;
        };
        if c.nullable {
            continue;
        }
        scoped += 1;
        assert!(t.rls.enabled, "{}: RLS is off", t.name);
        let p = t
            .policies
            .iter()
            .find(|p| p.name.starts_with("rls_") && p.name.ends_with("_tenant"))
            .unwrap_or_else(|| panic!("{}: no rls_*_tenant policy", t.name));
        assert_eq!(
            p.using.as_ref().map(|e| e.as_str()),
            Some(helpers::TENANT_MATCH)
        );
        assert_eq!(
            p.with_check.as_ref().map(|e| e.as_str()),
            Some(helpers::TENANT_MATCH)
        );
        assert!(
            t.foreign_keys
                .iter()
                .any(|fk| fk.columns == ["tenant_id"] && fk.ref_table == TENANTS.qname()),
            "{}: tenant_id does not reference core.tenants",
            t.name
        );
    }
    assert!(scoped >= 20, "only {scoped} tenant-scoped tables");
}

#[test]
fn core_users_keeps_the_seed_policy_name_and_rls() {
    let users = table(&database(), "core.users");
    assert!(users.rls.enabled);
    assert_eq!(users.policies.len(), 1);
    assert_eq!(users.policies[0].name, "rls_users_tenant");
    let sessions = table(&database(), "core.user_sessions");
    assert_eq!(sessions.policies[0].name, "rls_sessions_tenant");
    let two_fa = table(&database(), "core.user_2fa");
    assert_eq!(two_fa.policies[0].name, "rls_2fa_tenant");
}

#[test]
fn tables_with_an_optional_tenant_id_show_platform_rows_to_everyone_outside_ops() {
    for t in database().tables {
        let Some(c) = t.find_column("tenant_id") else {
            continue;
        };
        if !c.nullable || t.name.schema == "ops" {
            continue;
        }
        assert!(t.rls.enabled, "{}", t.name);
        let p = &t.policies[0];
        assert_eq!(
            p.using.as_ref().map(|e| e.as_str()),
            Some("tenant_id IS NULL OR tenant_id = app.current_tenant()"),
            "{}",
            t.name
        );
        assert_eq!(
            p.with_check.as_ref().map(|e| e.as_str()),
            Some(helpers::TENANT_MATCH)
        );
    }
}

#[test]
fn touched_tables_have_updated_at_and_version_and_a_before_update_trigger() {
    let db = database();
    let mut untouched = BTreeSet::new();
    for t in &db.tables {
        if triggers_calling(t, "app.touch_row").is_empty() {
            untouched.insert(t.name.to_string());
        }
        for tr in t
            .triggers
            .iter()
            .filter(|tr| tr.function == TOUCH_ROW.qname())
        {
            assert!(t.has_column("updated_at"), "{}", t.name);
            assert!(t.has_column("version"), "{}", t.name);
            assert_eq!(tr.timing, Timing::Before);
            assert_eq!(tr.events, [TriggerEvent::Update(vec![])]);
            assert!(tr.name.ends_with("_touch"), "{}", tr.name);
        }
    }
    // Reference data, logs and link tables: rows are inserted, never updated.
    let expected: BTreeSet<String> = [
        "cfg.languages",
        "cfg.currencies",
        "cfg.exchange_rates",
        "cfg.translations",
        "ops.audit_logs",
        "ops.system_logs",
        "ops.user_activities",
        "core.role_permissions",
        "core.user_roles",
        "billing.usage_records",
    ]
    .map(String::from)
    .into();
    assert_eq!(untouched, expected);
}

#[test]
fn soft_deleted_tables_have_what_app_soft_delete_sets() {
    let db = database();
    let mut softdel = BTreeSet::new();
    for t in &db.tables {
        for tr in t
            .triggers
            .iter()
            .filter(|tr| tr.function == SOFT_DELETE.qname())
        {
            softdel.insert(t.name.to_string());
            for c in ["id", "is_deleted", "deleted_at", "deleted_by"] {
                assert!(t.has_column(c), "{}: no {c}", t.name);
            }
            assert_eq!(tr.timing, Timing::Before);
            assert_eq!(tr.events, [TriggerEvent::Delete]);
            assert!(tr.name.ends_with("_softdel"), "{}", tr.name);
        }
    }
    let seed: BTreeSet<String> = [
        "core.tenants",
        "core.users",
        "core.projects",
        "core.table_metadata",
        "app.generic_data",
        "core.organizations",
    ]
    .map(String::from)
    .into();
    assert_eq!(softdel, seed);
}

#[test]
fn audited_tables_have_an_id_column_and_an_after_row_trigger_on_every_change() {
    let db = database();
    for t in &db.tables {
        for tr in t
            .triggers
            .iter()
            .filter(|tr| tr.function == LOG_AUDIT.qname())
        {
            assert!(t.has_column("id"), "{}", t.name);
            assert_eq!(tr.timing, Timing::After);
            assert_eq!(
                tr.events,
                [
                    TriggerEvent::Insert,
                    TriggerEvent::Update(vec![]),
                    TriggerEvent::Delete
                ]
            );
        }
    }
}

#[test]
fn seed_trigger_names_are_kept() {
    let db = database();
    let expect = [
        ("core.tenants", "app.touch_row", "trg_tenants_touch"),
        ("core.tenants", "app.soft_delete", "trg_tenants_softdel"),
        ("core.tenants", "ops.log_audit", "trg_tenants_audit"),
        ("core.users", "app.touch_row", "trg_users_touch"),
        ("core.users", "app.soft_delete", "trg_users_softdel"),
        ("core.users", "ops.log_audit", "trg_users_audit"),
        ("core.user_sessions", "app.touch_row", "trg_sessions_touch"),
        ("core.user_2fa", "app.touch_row", "trg_2fa_touch"),
        ("core.projects", "app.touch_row", "trg_projects_touch"),
        ("core.projects", "app.soft_delete", "trg_projects_softdel"),
        ("core.projects", "ops.log_audit", "trg_projects_audit"),
        (
            "core.table_metadata",
            "app.touch_row",
            "trg_table_metadata_touch",
        ),
        (
            "core.table_metadata",
            "app.soft_delete",
            "trg_table_metadata_softdel",
        ),
        (
            "core.table_metadata",
            "ops.log_audit",
            "trg_table_metadata_audit",
        ),
        ("core.api_keys", "app.touch_row", "trg_api_keys_touch"),
        ("core.api_keys", "ops.log_audit", "trg_api_keys_audit"),
        ("core.files", "app.touch_row", "trg_files_touch"),
        (
            "app.generic_data",
            "app.touch_row",
            "trg_generic_data_touch",
        ),
        (
            "app.generic_data",
            "app.soft_delete",
            "trg_generic_data_softdel",
        ),
        (
            "app.generic_data",
            "ops.log_audit",
            "trg_generic_data_audit",
        ),
    ];
    for (t, f, name) in expect {
        assert_eq!(triggers_calling(&table(&db, t), f), [name], "{t} {f}");
    }
    // The seed gives these no audit or soft-delete trigger.
    for t in ["core.user_sessions", "core.user_2fa", "core.files"] {
        let t = table(&db, t);
        assert!(triggers_calling(&t, "ops.log_audit").is_empty());
        assert!(triggers_calling(&t, "app.soft_delete").is_empty());
    }
}

#[test]
fn seed_index_and_constraint_names_are_kept() {
    let db = database();
    let mut names: BTreeSet<String> = BTreeSet::new();
    for t in &db.tables {
        names.extend(t.indexes.iter().map(|i| i.name.clone()));
        names.extend(t.uniques.iter().map(|u| u.name.clone()));
    }
    for n in [
        "idx_audit_tenant",
        "idx_audit_entity",
        "idx_audit_created",
        "idx_tenants_slug",
        "idx_tenants_active",
        "idx_users_tenant",
        "idx_users_email",
        "idx_users_active",
        "idx_sessions_user",
        "idx_sessions_token",
        "idx_sessions_expire",
        "idx_projects_tenant",
        "idx_projects_user",
        "idx_projects_api_key",
        "idx_projects_active",
        "idx_table_metadata_tenant",
        "idx_table_metadata_project",
        "idx_table_metadata_physical",
        "idx_table_metadata_active",
        "idx_api_keys_tenant",
        "idx_api_keys_project",
        "idx_api_keys_prefix",
        "idx_api_keys_active",
        "idx_files_tenant",
        "idx_files_hash",
        "idx_generic_data_tenant",
        "idx_generic_data_project",
        "idx_generic_data_table",
        "idx_generic_data_composite",
        "idx_generic_data_search",
        "idx_generic_data_jsonb",
        "unique_project_name_per_tenant",
        "unique_table_per_project",
        "unique_generic_data_per_table",
        "users_email_key",
        "tenants_slug_key",
        "user_sessions_token_key",
        "user_2fa_user_id_key",
    ] {
        assert!(names.contains(n), "{n} is missing");
    }
}

#[test]
fn relation_names_are_unique_within_each_schema_and_fit_in_63_bytes() {
    // Tables, indexes and the indexes behind PRIMARY KEY / UNIQUE share one namespace.
    let db = database();
    let mut seen: BTreeMap<(String, String), String> = BTreeMap::new();
    for t in &db.tables {
        let schema = t.name.schema.clone();
        let mut names = vec![t.name.name.clone()];
        names.extend(t.indexes.iter().map(|i| i.name.clone()));
        names.extend(t.uniques.iter().map(|u| u.name.clone()));
        names.extend(t.primary_key.iter().map(|p| p.name.clone()));
        for n in names {
            assert!(n.len() <= 63, "{n} is longer than 63 bytes");
            if let Some(other) = seen.insert((schema.clone(), n.clone()), t.name.to_string()) {
                panic!("{schema}.{n} is used by {other} and {}", t.name);
            }
        }
        let mut constraints: Vec<&str> = t.foreign_keys.iter().map(|f| f.name.as_str()).collect();
        constraints.extend(t.checks.iter().map(|c| c.name.as_str()));
        constraints.extend(t.uniques.iter().map(|u| u.name.as_str()));
        let set: BTreeSet<&str> = constraints.iter().copied().collect();
        assert_eq!(set.len(), constraints.len(), "{}: constraint names", t.name);
        let policies: BTreeSet<&str> = t.policies.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(policies.len(), t.policies.len());
        let triggers: BTreeSet<&str> = t.triggers.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(triggers.len(), t.triggers.len());
    }
}

#[test]
fn every_table_has_a_primary_key_and_every_named_column_exists() {
    for t in database().tables {
        let pk = t
            .primary_key
            .as_ref()
            .unwrap_or_else(|| panic!("{}: no primary key", t.name));
        let mut cols: Vec<&String> = pk.columns.iter().collect();
        for u in &t.uniques {
            cols.extend(&u.columns);
        }
        for fk in &t.foreign_keys {
            cols.extend(&fk.columns);
        }
        for i in &t.indexes {
            for k in &i.keys {
                if let IndexTarget::Column(c) = &k.target {
                    cols.push(c);
                }
            }
        }
        if let Some(rows) = &t.rows {
            cols.extend(&rows.columns);
        }
        for c in cols {
            assert!(t.has_column(c), "{}: no column {c}", t.name);
        }
        let names: BTreeSet<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names.len(), t.columns.len(), "{}: duplicate column", t.name);
    }
}

#[test]
fn foreign_keys_reference_a_declared_key_of_the_same_type() {
    let db = database();
    let by_name: BTreeMap<QName, &Table> = db.tables.iter().map(|t| (t.name.clone(), t)).collect();
    for t in &db.tables {
        for fk in &t.foreign_keys {
            let target = by_name
                .get(&fk.ref_table)
                .unwrap_or_else(|| panic!("{}: {} is not declared", fk.name, fk.ref_table));
            let is_key = target
                .primary_key
                .as_ref()
                .is_some_and(|p| p.columns == fk.ref_columns)
                || target.uniques.iter().any(|u| u.columns == fk.ref_columns);
            assert!(is_key, "{}: target columns are not a key", fk.name);
            for (c, r) in fk.columns.iter().zip(&fk.ref_columns) {
                let (Some(c), Some(r)) = (t.find_column(c), target.find_column(r)) else {
                    panic!("{}: unknown column", fk.name);
                };
                assert!(
                    c.ty.fk_compatible(&r.ty),
                    "{}: {:?} vs {:?}",
                    fk.name,
                    c.ty,
                    r.ty
                );
            }
        }
    }
}

#[test]
fn identity_ids_are_integer_and_former_bigserial_ids_are_bigint() {
    let db = database();
    let bigint = [
        "cfg.translations",
        "ops.audit_logs",
        "ops.system_logs",
        "ops.user_activities",
        "app.generic_data",
        "comms.webhook_deliveries",
        "billing.usage_records",
    ];
    for t in &db.tables {
        let Some(id) = t.find_column("id") else {
            continue;
        };
        if t.name.to_string() == "core.files" {
            assert_eq!(id.ty, ColumnType::Uuid);
            continue;
        }
        assert!(id.identity.is_some(), "{}", t.name);
        let want = if bigint.contains(&t.name.to_string().as_str()) {
            ColumnType::BigInt
        } else {
            ColumnType::Integer
        };
        assert_eq!(id.ty, want, "{}", t.name);
    }
}

#[test]
fn reference_rows_hold_the_seed_languages_and_currencies() {
    let db = database();
    let codes = |t: &str| -> Vec<String> {
        let t = table(&db, t);
        let rows = t.rows.expect("rows");
        assert_eq!(rows.columns[0], "code");
        rows.values.iter().map(|r| r[0].to_sql()).collect()
    };
    assert_eq!(codes("cfg.languages"), ["'en'", "'tr'", "'de'", "'fr'"]);
    assert_eq!(codes("cfg.currencies"), ["'USD'", "'EUR'", "'TRY'"]);
}

#[test]
fn search_text_is_generated_by_an_immutable_qualified_function() {
    let db = database();
    let gd = table(&db, "app.generic_data");
    let col = gd.find_column("search_text").expect("search_text");
    assert_eq!(
        col.generated.as_ref().map(|e| e.as_str()),
        Some("app.jsonb_to_text(data)")
    );
    let f = db
        .functions
        .iter()
        .find(|f| f.name == JSONB_TO_TEXT.qname())
        .expect("app.jsonb_to_text");
    assert_eq!(f.volatility, Volatility::Immutable);
    assert_eq!(f.returns, "text");
    assert_eq!(f.args.len(), 1);
    assert_eq!(f.args[0].ty, "jsonb");
}

#[test]
fn audit_function_runs_as_owner_with_a_pinned_search_path() {
    let db = database();
    let f = db
        .functions
        .iter()
        .find(|f| f.name == LOG_AUDIT.qname())
        .expect("ops.log_audit");
    assert!(f.security_definer);
    assert!(f.config.iter().any(|(k, _)| k == "search_path"));
    assert_eq!(f.returns, "trigger");
}

#[test]
fn context_functions_are_stable_sql_and_every_trigger_function_is_declared() {
    let db = database();
    let functions: BTreeMap<QName, _> = db.functions.iter().map(|f| (f.name.clone(), f)).collect();
    for f in [CURRENT_TENANT, CURRENT_USER_ID] {
        let f = functions[&f.qname()];
        assert_eq!(f.language, "sql");
        assert_eq!(f.volatility, Volatility::Stable);
        assert_eq!(f.returns, "integer");
    }
    let set = functions[&SET_CONTEXT.qname()];
    assert_eq!(set.signature(), "integer, integer");
    for t in &db.tables {
        for tr in &t.triggers {
            let f = functions
                .get(&tr.function)
                .unwrap_or_else(|| panic!("{}: {} is not declared", tr.name, tr.function));
            assert_eq!(f.returns, "trigger");
        }
    }
}

/// The first migration plans from an empty database, and once its snapshot is committed
/// the declaration is up to date. With `SCHEMA_SQL_OUT=<dir>` the up and down files are
/// written there, to be applied to a scratch database by hand.
#[test]
fn plans_the_first_migration_and_is_up_to_date_after_it() {
    use ddl::migration::{Existing, Outcome, next_migration};
    let db = database();
    let generated = match next_migration(&Existing::default(), &db, None) {
        Ok(Outcome::New(g)) => g,
        Ok(Outcome::UpToDate) => panic!("an empty database is up to date"),
        Err(d) => panic!("{d}"),
    };
    assert!(generated.up.contains("CREATE TABLE core.users"));
    if let Some(dir) = std::env::var_os("SCHEMA_SQL_OUT") {
        let dir = std::path::PathBuf::from(dir);
        std::fs::write(dir.join(generated.up_file()), &generated.up).expect("write up");
        std::fs::write(dir.join(generated.down_file()), &generated.down).expect("write down");
    }
    let existing = Existing {
        files: vec![
            (generated.up_file(), generated.up.clone()),
            (generated.down_file(), generated.down.clone()),
        ],
        snapshot: Some(generated.snapshot.clone()),
        sum: Some(generated.sum.clone()),
    };
    match next_migration(&existing, &db, None) {
        Ok(Outcome::UpToDate) => {}
        Ok(Outcome::New(g)) => panic!("changes after the snapshot: {:?}", g.changes),
        Err(d) => panic!("{d}"),
    }
}

#[test]
fn the_declaration_passes_the_engine_validation() {
    if let Err(d) = ddl::validate::validate(&database()) {
        panic!("{d}");
    }
}

/// The `#![deny(dead_code)]` of lib.rs catches a table that no `database()` lists only
/// while table functions are private; a `pub fn ... -> Table` would escape it.
#[test]
fn table_functions_are_private_so_an_unlisted_one_fails_to_compile() {
    let lib = include_str!("lib.rs");
    assert!(
        lib.contains("#![deny(dead_code)]"),
        "lib.rs lost #![deny(dead_code)]"
    );
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut public = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("schema/src") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("readable");
        for (i, line) in text.lines().enumerate() {
            let l = line.trim_start();
            if l.starts_with("pub fn") && l.trim_end().ends_with("() -> Table {") {
                public.push(format!("{}:{}: {l}", path.display(), i + 1));
            }
        }
    }
    assert!(
        public.is_empty(),
        "make these table functions private (`fn`), so that one no database() lists is a compile error:\n{}",
        public.join("\n")
    );
}
