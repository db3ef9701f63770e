//! Seed data per environment, declared in Rust next to the schema.
//!
//! A data set is a Rust function filling a [`DataSet`] with rows built from the generated
//! SeaORM `ActiveModel`s (`entities::core::users::ActiveModel { email: Set(..), .. }`), so
//! a misspelt column or a wrong type is a compile error. Generated rows (a hundred users)
//! come from a seeded [`Rng`], so every run, on every machine, produces the same rows.
//!
//! - [`environments`] lists the environments (`development`, `staging`, `production`, and
//!   any added in [`data`]), each marked production or not; `clear` is refused on a
//!   production one.
//! - [`run`] inserts a data set in one transaction: tables in creation order (the order
//!   `entities::for_each_entity!` lists them, which codegen writes from the same dependency
//!   graph as the migrations), rows of a table in declaration order, each tenant's rows
//!   under `app.set_context(tenant)` so row-level security applies as for the application.
//! - Re-running is idempotent by primary key: every seeded row carries its key and is
//!   inserted with `ON CONFLICT (<primary key>) DO NOTHING`. Nothing is recorded in the
//!   database; a row that is already there (seeded earlier, or edited since) is left as it
//!   is and counted as "already present".
//!
//! Reference rows declared with the tables (`cfg.languages`, …) belong to the migrations,
//! not here.

pub mod data;
mod load;
mod rng;

use std::collections::BTreeMap;

use sea_orm::sea_query::{OnConflict, Query};
use sea_orm::{
    ActiveModelTrait, DbBackend, EntityName, EntityTrait, IdenStatic, Iterable, PrimaryKeyToColumn,
    QueryTrait, Statement, Value,
};

pub use load::{Clear, RunReport, TableCount, TableStats, clear, run, stats};
pub use rng::Rng;

/// Why seeding failed.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("unknown environment `{name}`: known environments are {known}")]
    UnknownEnvironment { name: String, known: String },
    #[error(
        "the `{env}` environment is marked production: `seed clear` (and `seed run --clear`) are refused there"
    )]
    Production { env: String },
    #[error("data set `{env}` is invalid: {problems}")]
    Invalid { env: String, problems: String },
    #[error(
        "clear would also empty {tables}, which the data set does not seed and which hold rows referencing seeded tables; nothing was changed: delete those rows first"
    )]
    WouldCascade { tables: String },
    #[error("{context}: {source}")]
    Db {
        context: String,
        #[source]
        source: sea_orm::DbErr,
    },
}

pub(crate) fn db(context: impl Into<String>) -> impl FnOnce(sea_orm::DbErr) -> SeedError {
    let context = context.into();
    move |source| SeedError::Db { context, source }
}

/// A named environment and its data set.
#[derive(Debug, Clone, Copy)]
pub struct Environment {
    pub name: &'static str,
    /// `clear` and `run --clear` are refused; `cli migrate up` takes a backup first.
    pub production: bool,
    /// Fills the data set.
    pub build: fn(&mut DataSet),
}

impl Environment {
    /// The environment's rows, checked.
    pub fn data_set(&self) -> Result<DataSet, SeedError> {
        let mut set = DataSet::new(self.name);
        (self.build)(&mut set);
        if set.problems.is_empty() {
            Ok(set)
        } else {
            Err(SeedError::Invalid {
                env: self.name.to_owned(),
                problems: set.problems.join("; "),
            })
        }
    }
}

/// Every environment, as declared in [`data::ENVIRONMENTS`].
pub fn environments() -> &'static [Environment] {
    data::ENVIRONMENTS
}

/// The environment called `name`.
pub fn environment(name: &str) -> Result<Environment, SeedError> {
    environments()
        .iter()
        .find(|e| e.name == name)
        .copied()
        .ok_or_else(|| SeedError::UnknownEnvironment {
            name: name.to_owned(),
            known: environments()
                .iter()
                .map(|e| format!("`{}`", e.name))
                .collect::<Vec<_>>()
                .join(", "),
        })
}

/// One row to insert.
#[derive(Debug, Clone)]
pub struct SeedRow {
    /// `schema.table`.
    pub table: String,
    /// Position of the table in creation order.
    pub order: usize,
    /// The row's `tenant_id`, when the table has one: the row is inserted under that
    /// tenant's context.
    pub tenant: Option<i32>,
    pub insert: Statement,
    /// Primary-key columns and the row's values for them.
    pub key: Vec<(String, Value)>,
}

/// The rows of one environment.
#[derive(Debug, Clone)]
pub struct DataSet {
    pub env: String,
    rows: Vec<SeedRow>,
    problems: Vec<String>,
}

impl DataSet {
    pub fn new(env: &str) -> Self {
        DataSet {
            env: env.to_owned(),
            rows: Vec::new(),
            problems: Vec::new(),
        }
    }

    /// Adds a row. Every primary-key column must be set: the key is what makes a second
    /// run insert nothing.
    pub fn add<A>(&mut self, row: A) -> &mut Self
    where
        A: ActiveModelTrait,
    {
        let entity = A::Entity::default();
        let table = match entity.schema_name() {
            Some(s) => format!("{s}.{}", entity.table_name()),
            None => entity.table_name().to_owned(),
        };
        let Some(order) = table_order().iter().position(|t| *t == table) else {
            self.problems
                .push(format!("{table} is not a table of the declared database"));
            return self;
        };
        let mut key = Vec::new();
        for pk in <A::Entity as EntityTrait>::PrimaryKey::iter() {
            let column = pk.into_column();
            match row.get(column).into_value() {
                Some(v) => key.push((column.as_str().to_owned(), v)),
                None => {
                    self.problems.push(format!(
                        "a row of {table} has no value for its primary-key column {}: set it, so that a second run finds the row",
                        column.as_str()
                    ));
                    return self;
                }
            }
        }
        let tenant = "tenant_id"
            .parse::<<A::Entity as EntityTrait>::Column>()
            .ok()
            .and_then(|c| row.get(c).into_value())
            .and_then(|v| match v {
                Value::Int(Some(t)) => Some(t),
                _ => None,
            });
        let mut conflict = OnConflict::columns(
            <A::Entity as EntityTrait>::PrimaryKey::iter().map(|pk| pk.into_column()),
        );
        conflict.do_nothing();
        let insert = A::Entity::insert(row)
            .on_conflict(conflict)
            .build(DbBackend::Postgres);
        self.rows.push(SeedRow {
            table,
            order,
            tenant,
            insert,
            key,
        });
        self
    }

    /// Adds every row.
    pub fn add_all<A, I>(&mut self, rows: I) -> &mut Self
    where
        A: ActiveModelTrait,
        I: IntoIterator<Item = A>,
    {
        for row in rows {
            self.add(row);
        }
        self
    }

    /// The rows in insertion order: tables in creation order, then declaration order.
    pub fn rows(&self) -> Vec<&SeedRow> {
        let mut rows: Vec<&SeedRow> = self.rows.iter().collect();
        rows.sort_by_key(|r| r.order);
        rows
    }

    /// Declared rows per table, in creation order.
    pub fn counts(&self) -> Vec<(String, usize)> {
        let mut counts: BTreeMap<usize, (String, usize)> = BTreeMap::new();
        for r in &self.rows {
            counts.entry(r.order).or_insert((r.table.clone(), 0)).1 += 1;
        }
        counts.into_values().collect()
    }

    /// The seeded tables, in creation order.
    pub fn tables(&self) -> Vec<String> {
        self.counts().into_iter().map(|(t, _)| t).collect()
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// Every table, `schema.table`, in creation order (a table after those it references), as
/// `entities::for_each_entity!` lists them.
pub fn table_order() -> &'static [String] {
    static ORDER: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    ORDER.get_or_init(|| {
        let mut names = Vec::new();
        macro_rules! push {
            ($module:path) => {{
                use $module as m;
                let e = m::Entity;
                names.push(match e.schema_name() {
                    Some(s) => format!("{s}.{}", e.table_name()),
                    None => e.table_name().to_owned(),
                });
            }};
        }
        entities::for_each_entity!(push);
        names
    })
}

/// `SELECT 1 FROM <table> WHERE <key> = …`: whether a seeded row is there.
pub(crate) fn exists_statement(row: &SeedRow) -> Statement {
    let (schema, table) = row
        .table
        .split_once('.')
        .unwrap_or(("public", row.table.as_str()));
    let mut q = Query::select();
    q.expr(sea_orm::sea_query::Expr::val(1))
        .from((
            sea_orm::sea_query::Alias::new(schema),
            sea_orm::sea_query::Alias::new(table),
        ))
        .limit(1);
    for (col, v) in &row.key {
        q.and_where(sea_orm::sea_query::ExprTrait::eq(
            sea_orm::sea_query::Expr::col(sea_orm::sea_query::Alias::new(col)),
            v.clone(),
        ));
    }
    DbBackend::Postgres.build(&q)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_environment_builds_a_valid_data_set() {
        for env in environments() {
            let set = env.data_set().expect("valid");
            assert!(!set.is_empty(), "{}", env.name);
        }
    }

    #[test]
    fn data_sets_are_the_same_on_every_build() {
        for env in environments() {
            let a: Vec<String> = env
                .data_set()
                .expect("valid")
                .rows()
                .iter()
                .map(|r| r.insert.to_string())
                .collect();
            let b: Vec<String> = env
                .data_set()
                .expect("valid")
                .rows()
                .iter()
                .map(|r| r.insert.to_string())
                .collect();
            assert_eq!(a, b, "{}", env.name);
        }
    }

    #[test]
    fn rows_come_in_creation_order_parents_first() {
        let set = environment("development")
            .expect("exists")
            .data_set()
            .expect("valid");
        let tables = set.tables();
        let pos = |t: &str| tables.iter().position(|x| x == t).expect(t);
        assert!(pos("core.tenants") < pos("core.users"));
        assert!(pos("core.users") < pos("core.projects"));
        let orders: Vec<usize> = set.rows().iter().map(|r| r.order).collect();
        assert!(orders.windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn the_development_set_has_a_hundred_users() {
        let set = environment("development")
            .expect("exists")
            .data_set()
            .expect("valid");
        let users = set
            .counts()
            .into_iter()
            .find(|(t, _)| t == "core.users")
            .map(|(_, n)| n);
        assert_eq!(users, Some(100));
    }

    #[test]
    fn a_row_without_its_key_is_reported() {
        let mut set = DataSet::new("t");
        set.add(entities::core::tenants::ActiveModel {
            name: sea_orm::Set("x".into()),
            ..Default::default()
        });
        assert_eq!(set.problems.len(), 1, "{:?}", set.problems);
        assert!(set.problems[0].contains("core.tenants"));
    }

    #[test]
    fn an_unknown_environment_names_the_known_ones() {
        let err = environment("prod").expect_err("unknown").to_string();
        assert!(err.contains("`production`"), "{err}");
    }

    #[test]
    fn production_is_marked_production() {
        assert!(environment("production").expect("exists").production);
        assert!(!environment("development").expect("exists").production);
    }
}
