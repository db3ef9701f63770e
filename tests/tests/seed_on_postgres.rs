//! The `seed` library on PostgreSQL: the table order is the planner's, and a run is one
//! transaction (a failing row leaves nothing behind).

use ddl::plan::graph::Graph;
use ddl::plan::object::Object;
use entities::comms::notifications;
use entities::core::{tenants, users};
use sea_orm::Set;
use tests::{apply_ok, first_migration};

#[test]
fn seed_tables_come_in_the_planners_creation_order() {
    let decl = schema::database();
    let graph = Graph::build(&decl);
    let order = graph.order().expect("no cycle");
    let planned: Vec<String> = order
        .iter()
        .filter_map(|i| match &graph.objects[*i] {
            Object::Table(t) => Some(t.name.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(seed::table_order(), planned.as_slice());
}

fn failing(set: &mut seed::DataSet) {
    set.add(tenants::ActiveModel {
        id: Set(1),
        name: Set("T".into()),
        slug: Set("t".into()),
        ..Default::default()
    });
    set.add(users::ActiveModel {
        id: Set(1),
        tenant_id: Set(1),
        email: Set("u@t.test".into()),
        password_hash: Set("!".into()),
        ..Default::default()
    });
    // Violates notifications_channel_check: the whole run must roll back.
    set.add(notifications::ActiveModel {
        id: Set(1),
        tenant_id: Set(1),
        user_id: Set(Some(1)),
        r#type: Set("x".into()),
        channel: Set("fax".into()),
        title: Set("t".into()),
        is_read: Set(false),
        ..Default::default()
    });
}

#[tokio::test]
async fn a_failing_row_rolls_the_whole_run_back() {
    let pg = pgharness::database("seed_atomic");
    apply_ok(&pg, &first_migration(&schema::database()).up);
    let conn = sea_orm::Database::connect(&pg.url).await.expect("connect");
    let env = seed::Environment {
        name: "broken",
        production: false,
        build: failing,
    };
    let err = seed::run(&conn, &env, false)
        .await
        .expect_err("the CHECK constraint refuses the row")
        .to_string();
    assert!(err.contains("comms.notifications"), "{err}");
    assert_eq!(pg.exec("SELECT count(*) FROM core.tenants"), "0");
    assert_eq!(pg.exec("SELECT count(*) FROM core.users"), "0");
}

#[tokio::test]
async fn stats_count_the_loaded_rows_per_table() {
    let pg = pgharness::database("seed_stats_lib");
    apply_ok(&pg, &first_migration(&schema::database()).up);
    let conn = sea_orm::Database::connect(&pg.url).await.expect("connect");
    let env = seed::environment("staging").expect("staging");
    let report = seed::run(&conn, &env, false).await.expect("seeds");
    assert_eq!(
        report.inserted() as usize,
        env.data_set().expect("valid").len()
    );
    let stats = seed::stats(&conn, &env).await.expect("stats");
    for s in &stats {
        assert_eq!(s.loaded, s.declared, "{}", s.table);
        assert_eq!(s.total, s.declared as i64, "{}", s.table);
    }
}

#[test]
fn no_data_set_seeds_a_table_whose_reference_rows_the_migrations_own() {
    let decl = schema::database();
    let owned: Vec<String> = decl
        .tables
        .iter()
        .filter(|t| t.rows.is_some())
        .map(|t| t.name.to_string())
        .collect();
    assert!(!owned.is_empty(), "the platform declares reference rows");
    for env in seed::environments() {
        for table in env.data_set().expect("valid").tables() {
            assert!(
                !owned.contains(&table),
                "{}: {table} has reference rows declared with the table; they belong to the migrations",
                env.name
            );
        }
    }
}
