//! Every generated entity of the platform, table-driven: on a database migrated with the
//! generated SQL, a row is inserted through the entity's ActiveModel (in creation order, so
//! foreign keys take the rows inserted before), selected back by primary key, updated in
//! one column, and finally deleted (children first), where the schema's soft-delete
//! trigger turns the DELETE into an update of `is_deleted`. The list of tables comes from
//! `entities::for_each_entity!`, and it is checked to be every declared table.

use ddl::model::column::Column;
use ddl::model::table::Table;
use ddl::model::types::ColumnType;
use sea_orm::entity::prelude::*;
use sea_orm::strum::IntoEnumIterator;
use sea_orm::{DatabaseTransaction, IntoActiveModel, QueryFilter, TransactionTrait};
use std::collections::{BTreeSet, HashMap};
use std::future::Future;
use std::pin::Pin;
use tests::{apply_ok, first_migration};

type Row = HashMap<String, Value>;
type Delete =
    Box<dyn for<'a> FnOnce(&'a DatabaseTransaction) -> Pin<Box<dyn Future<Output = ()> + 'a>>>;

#[derive(Default)]
struct Ctx {
    tables: HashMap<String, Table>,
    rows: HashMap<String, Row>,
    deletes: Vec<(String, Delete)>,
    visited: Vec<String>,
    updated: Vec<String>,
    n: i64,
}

fn qualified<E: EntityTrait + Default>() -> String {
    let e = E::default();
    format!("{}.{}", e.schema_name().unwrap_or("public"), e.table_name())
}

/// A value of the column's type that no other row of the test has.
fn sample(c: &Column, n: i64) -> Option<Value> {
    let text = |len: Option<u32>| {
        let s = format!("{n}-{}", c.name);
        let s: String = match len {
            Some(l) => s.chars().take(l as usize).collect(),
            None => s,
        };
        Value::from(s)
    };
    Some(match &c.ty {
        ColumnType::SmallInt => Value::from(n as i16),
        ColumnType::Integer => Value::from(n as i32),
        ColumnType::BigInt => Value::from(n),
        ColumnType::Numeric(_) => Value::from(Decimal::new(n, 0)),
        ColumnType::Real => Value::from(1.5f32),
        ColumnType::Double => Value::from(1.5f64),
        ColumnType::Text | ColumnType::Citext => text(None),
        ColumnType::Varchar(len) => text(*len),
        ColumnType::Char(len) => {
            let len = len.unwrap_or(1) as usize;
            Value::from(format!("{:0>len$}", n % 10i64.pow(len.min(18) as u32)))
        }
        ColumnType::Boolean => Value::from(true),
        ColumnType::Uuid => Value::from(Uuid::from_u128(n as u128)),
        ColumnType::Json | ColumnType::Jsonb => Value::from(serde_json::json!({ "n": n })),
        ColumnType::Timestamptz => {
            Value::from(DateTimeWithTimeZone::parse_from_rfc3339("2026-11-26T12:00:00+00:00").ok()?)
        }
        ColumnType::Date => Value::from(Date::from_ymd_opt(2026, 11, 26)?),
        ColumnType::Inet | ColumnType::Cidr => {
            Value::from(IpNetwork::new(std::net::Ipv4Addr::new(10, 0, 0, n as u8).into(), 32).ok()?)
        }
        ColumnType::Array(inner) if **inner == ColumnType::Text => {
            Value::from(vec![format!("{n}")])
        }
        _ => return None,
    })
}

async fn crud<E>(cx: &mut Ctx, txn: &DatabaseTransaction)
where
    E: EntityTrait + Default,
    E::Model: IntoActiveModel<E::ActiveModel> + Sync,
    E::ActiveModel: ActiveModelTrait<Entity = E> + ActiveModelBehavior + Send + 'static,
{
    let name = qualified::<E>();
    let t = cx.tables[&name].clone();
    cx.visited.push(name.clone());
    cx.n += 1;
    let n = cx.n;

    let mut am = E::ActiveModel::default();
    for col in E::Column::iter() {
        let c = t.find_column(col.as_str()).unwrap_or_else(|| {
            panic!(
                "{name}: the entity has column {} that the table lacks",
                col.as_str()
            )
        });
        if c.identity.is_some() || c.generated.is_some() || c.default.is_some() {
            continue;
        }
        let fk = t.foreign_keys.iter().find(|f| f.columns.contains(&c.name));
        let value = match fk {
            Some(fk) => {
                let i = fk.columns.iter().position(|x| *x == c.name).unwrap_or(0);
                cx.rows
                    .get(&fk.ref_table.to_string())
                    .and_then(|r| r.get(&fk.ref_columns[i]))
                    .cloned()
            }
            None if c.nullable => None,
            None => sample(c, n),
        };
        match value {
            Some(v) => am.set(col, v),
            None if c.nullable => {}
            None => panic!(
                "{name}.{}: no value for a NOT NULL column of type {:?}",
                c.name, c.ty
            ),
        }
    }
    let model = am
        .insert(txn)
        .await
        .unwrap_or_else(|e| panic!("{name}: insert through the ActiveModel failed: {e}"));
    let row: Row = E::Column::iter()
        .map(|c| (c.as_str().to_owned(), model.get(c)))
        .collect();

    // Selected back by primary key, it is the row the insert returned.
    let mut find = E::find();
    for pk in E::PrimaryKey::iter() {
        let col = pk.into_column();
        find = find.filter(col.eq(model.get(col)));
    }
    let found = find
        .one(txn)
        .await
        .unwrap_or_else(|e| panic!("{name}: select failed: {e}"))
        .unwrap_or_else(|| panic!("{name}: the inserted row is not found by its primary key"));
    assert!(
        E::Column::iter().all(|c| found.get(c) == model.get(c)),
        "{name}: selected row differs from the inserted one"
    );

    // One column changes: the first text column outside keys and foreign keys.
    let key: BTreeSet<String> = E::PrimaryKey::iter()
        .map(|p| p.into_column().as_str().to_owned())
        .collect();
    let target = E::Column::iter().find(|col| {
        let c = t.find_column(col.as_str());
        c.is_some_and(|c| {
            !key.contains(&c.name)
                && c.generated.is_none()
                && !t.foreign_keys.iter().any(|f| f.columns.contains(&c.name))
                && !t.uniques.iter().any(|u| u.columns.contains(&c.name))
                && !t
                    .checks
                    .iter()
                    .any(|k| k.expr.as_str().contains(c.name.as_str()))
                && matches!(c.ty, ColumnType::Text | ColumnType::Varchar(_))
        })
    });
    if let Some(col) = target {
        let c = t.find_column(col.as_str()).cloned().expect("found above");
        let new = sample(&c, n + 100_000).expect("text");
        let mut am = model.clone().into_active_model();
        am.set(col, new.clone());
        let updated = am
            .update(txn)
            .await
            .unwrap_or_else(|e| panic!("{name}: update failed: {e}"));
        assert_eq!(updated.get(col), new, "{name}: the update did not take");
        cx.updated.push(name.clone());
    }

    let soft = t
        .triggers
        .iter()
        .any(|tr| tr.function.name == "soft_delete");
    let table = name.clone();
    cx.deletes.push((
        name.clone(),
        Box::new(move |txn: &DatabaseTransaction| {
            Box::pin(async move {
                let mut find = E::find();
                for pk in E::PrimaryKey::iter() {
                    let col = pk.into_column();
                    find = find.filter(col.eq(model.get(col)));
                }
                model
                    .delete(txn)
                    .await
                    .unwrap_or_else(|e| panic!("{table}: delete failed: {e}"));
                let after = find
                    .one(txn)
                    .await
                    .unwrap_or_else(|e| panic!("{table}: {e}"));
                match after {
                    None => assert!(
                        !soft,
                        "{table}: the soft-delete trigger should keep the row"
                    ),
                    Some(m) => {
                        assert!(soft, "{table}: the row is still there after DELETE");
                        let flag = E::Column::iter().find(|c| c.as_str() == "is_deleted");
                        let flag = flag.map(|c| m.get(c));
                        assert_eq!(flag, Some(Value::from(Some(true))), "{table}: is_deleted");
                    }
                }
            })
        }),
    ));
    cx.rows.insert(name, row);
}

macro_rules! visit {
    ($cx:ident, $txn:ident, $module:path) => {{
        use $module as m;
        crud::<m::Entity>(&mut $cx, &$txn).await;
        // Once a tenant and a user exist, everything after runs under their context.
        if qualified::<m::Entity>() == "core.users" {
            let tenant = $cx.rows["core.tenants"]["id"].clone();
            let user = $cx.rows["core.users"]["id"].clone();
            let id = |v: Value| match v {
                Value::Int(i) => i,
                other => panic!("unexpected id {other:?}"),
            };
            entities::app::functions::set_context(&$txn, id(tenant), id(user))
                .await
                .expect("set_context");
        }
    }};
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_entity_inserts_selects_updates_and_deletes_on_the_migrated_platform() {
    let decl = schema::database();
    let pg = pgharness::database("entities");
    apply_ok(&pg, &first_migration(&decl).up);
    let db = sea_orm::Database::connect(&pg.url).await.expect("connect");
    let txn = db.begin().await.expect("begin");

    let mut cx = Ctx {
        tables: decl
            .tables
            .iter()
            .map(|t| (t.name.to_string(), t.clone()))
            .collect(),
        ..Ctx::default()
    };
    macro_rules! each {
        ($module:path) => {
            visit!(cx, txn, $module)
        };
    }
    entities::for_each_entity!(each);

    let declared: BTreeSet<String> = cx.tables.keys().cloned().collect();
    let visited: BTreeSet<String> = cx.visited.iter().cloned().collect();
    assert_eq!(
        visited, declared,
        "for_each_entity! must list every declared table"
    );

    assert!(
        cx.updated.len() * 4 >= declared.len() * 3,
        "most tables have a text column to update; updated only {:?}",
        cx.updated
    );

    // Children before parents.
    let deleted = cx.deletes.len();
    while let Some((_, delete)) = cx.deletes.pop() {
        delete(&txn).await;
    }
    assert_eq!(deleted, declared.len());
    let soft: usize = pg
        .exec("SELECT count(*) FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid WHERE p.proname = 'soft_delete'")
        .trim()
        .parse()
        .unwrap_or(0);
    assert!(
        soft >= 6,
        "the platform has soft-deleted tables ({soft} triggers)"
    );
    txn.rollback().await.expect("rollback");
}
