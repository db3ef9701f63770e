//! The sea-orm-migration face of the migration files: `MigratorTrait::up` / `down` run
//! the same statements, with the same transaction rule, and errors name file and line.

use migrations::migrator::SqlMigration;
use migrations::source::{MigrationSet, RawFile};
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::Database;

fn fixture() -> MigrationSet {
    let files = [
        (
            "001_a.sql",
            "CREATE SCHEMA app;\n\nCREATE TABLE app.a (id int);\n",
        ),
        ("001_a.down.sql", "DROP SCHEMA app CASCADE;\n"),
        (
            "002_idx.sql",
            "-- @transaction: none\n\nCREATE INDEX CONCURRENTLY a_id ON app.a (id);\n",
        ),
        (
            "002_idx.down.sql",
            "-- @transaction: none\n\nDROP INDEX CONCURRENTLY app.a_id;\n",
        ),
    ];
    MigrationSet::from_files(
        "fixture".into(),
        files
            .iter()
            .map(|(n, c)| RawFile {
                name: (*n).into(),
                contents: (*c).into(),
            })
            .collect(),
    )
    .expect("valid fixture")
}

struct FixtureMigrator;

#[async_trait::async_trait]
impl MigratorTrait for FixtureMigrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        fixture()
            .migrations
            .into_iter()
            .map(|m| Box::new(SqlMigration(m)) as Box<dyn MigrationTrait>)
            .collect()
    }
}

struct BrokenMigrator;

#[async_trait::async_trait]
impl MigratorTrait for BrokenMigrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        let set = MigrationSet::from_files(
            "broken".into(),
            vec![RawFile {
                name: "001_bad.sql".into(),
                contents: "CREATE TABLE ok (id int);\n\nCREATE TABLE bad (id intt);\n".into(),
            }],
        )
        .expect("valid files");
        set.migrations
            .into_iter()
            .map(|m| Box::new(SqlMigration(m)) as Box<dyn MigrationTrait>)
            .collect()
    }
}

#[tokio::test]
async fn the_sea_orm_migrator_applies_and_rolls_back_the_sql_files() {
    let db = pgharness::database("migrator_roundtrip");
    let conn = Database::connect(db.url.as_str()).await.expect("connect");
    FixtureMigrator::up(&conn, None).await.expect("up");
    assert_eq!(
        db.exec("SELECT count(*) FROM pg_indexes WHERE indexname = 'a_id'"),
        "1"
    );
    let pending = FixtureMigrator::get_pending_migrations(&conn)
        .await
        .expect("status");
    assert!(pending.is_empty());
    FixtureMigrator::down(&conn, None).await.expect("down");
    assert_eq!(
        db.exec("SELECT count(*) FROM pg_namespace WHERE nspname = 'app'"),
        "0"
    );
}

#[tokio::test]
async fn a_failing_file_is_named_with_its_line_and_rolled_back() {
    let db = pgharness::database("migrator_failure");
    let conn = Database::connect(db.url.as_str()).await.expect("connect");
    let err = BrokenMigrator::up(&conn, None)
        .await
        .expect_err("must fail");
    let text = err.to_string();
    assert!(text.contains("001_bad.sql:3:"), "{text}");
    assert_eq!(db.exec("SELECT to_regclass('public.ok') IS NULL"), "t");
}
