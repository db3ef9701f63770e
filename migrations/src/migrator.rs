//! The embedded files as a sea-orm-migration [`MigratorTrait`], for Rust code that already
//! drives sea-orm-migration (application tests, `Migrator::up(&db, None)` at start-up).
//!
//! The `cli migrate` commands do not go through it, because sea-orm-migration 2.0 falls
//! short on what the runner promises: its history table (`seaql_migrations`) has no
//! checksum column and is created without a schema (a `search_path` can fork it), it takes
//! no lock (concurrent `up` runs collide), its `fresh` drops only `current_schema()`, and
//! errors carry no file or line. The runner in [`crate::runner`] replaces its executor and
//! keeps the parts that are the same here: one [`MigrationTrait`] per file pair, run
//! statement by statement, in a transaction unless the file has `-- @transaction: none`.
//! The two keep separate histories: use one or the other on a given database.

use sea_orm_migration::prelude::*;

use crate::source::{Migration, MigrationSet, Script};

/// The embedded migrations, in version order.
#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        match MigrationSet::embedded() {
            // Without a valid checksum chain the files are not the generated ones: the
            // runner refuses them, and so does this path.
            Ok(set) if !set.sum_errors.is_empty() => vec![Box::new(Invalid(
                set.sum_errors
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
            ))],
            Ok(set) => set
                .migrations
                .into_iter()
                .map(|m| Box::new(SqlMigration(m)) as Box<dyn MigrationTrait>)
                .collect(),
            // The trait cannot return an error here; a migration that fails when run
            // carries it to the caller instead of a panic.
            Err(e) => vec![Box::new(Invalid(e.to_string()))],
        }
    }
}

/// One migration file pair.
#[derive(Debug)]
pub struct SqlMigration(pub Migration);

impl MigrationName for SqlMigration {
    fn name(&self) -> &str {
        &self.0.name
    }
}

#[async_trait::async_trait]
impl MigrationTrait for SqlMigration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, &self.0.up).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match &self.0.down {
            Some(d) => run(manager, d).await,
            None => Err(DbErr::Migration(format!(
                "cannot roll back {}: it has no down file",
                self.0.name
            ))),
        }
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(self.0.up.tx.is_transactional())
    }
}

async fn run(manager: &SchemaManager<'_>, script: &Script) -> Result<(), DbErr> {
    let conn = manager.get_connection();
    for s in &script.statements {
        conn.execute_unprepared(&s.sql).await.map_err(|e| {
            DbErr::Migration(format!(
                "{}:{}: `{}` failed: {e}",
                script.file,
                s.line,
                s.summary()
            ))
        })?;
    }
    Ok(())
}

/// Stands in for the embedded set when its files are invalid.
#[derive(Debug)]
struct Invalid(String);

impl MigrationName for Invalid {
    fn name(&self) -> &str {
        "000_invalid_migration_files"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Invalid {
    async fn up(&self, _: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(self.0.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_migrator_lists_the_embedded_files_in_version_order() {
        let set = MigrationSet::embedded().expect("embedded migrations are valid");
        let names: Vec<String> = Migrator::migrations()
            .iter()
            .map(|m| m.name().to_owned())
            .collect();
        let expected: Vec<String> = set.migrations.iter().map(|m| m.name.clone()).collect();
        assert_eq!(names, expected);
        let mut sorted = expected.clone();
        sorted.sort();
        assert_eq!(expected, sorted);
    }
}
