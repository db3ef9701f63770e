//! An application's use of the generated entities: connect, set the tenant context of a
//! transaction (row-level security then shows only that tenant's rows), and read users
//! with their sessions through the relations. Built by `cargo test --workspace`, so an
//! entity change that breaks application code fails CI.
//!
//! `DATABASE_URL=postgres://app@localhost/app cargo run -p entities --example tenant_report -- 1`

use entities::app::functions::set_context;
use entities::core::{tenants, user_sessions, users};
use sea_orm::{EntityTrait, LoaderTrait, QueryFilter, TransactionTrait, entity::prelude::*};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("DATABASE_URL").map_err(|_| "set DATABASE_URL")?;
    let tenant: i32 = std::env::args()
        .nth(1)
        .ok_or("usage: tenant_report TENANT_ID")?
        .parse()?;
    let db = sea_orm::Database::connect(&url).await?;

    // The context is transaction-local: set it inside the transaction that reads.
    let txn = db.begin().await?;
    set_context(&txn, Some(tenant), None).await?;
    let Some(t) = tenants::Entity::find_by_id(tenant).one(&txn).await? else {
        return Err(format!("no tenant {tenant}").into());
    };
    let people = t
        .find_related(users::Entity)
        .filter(users::Column::IsActive.eq(true))
        .all(&txn)
        .await?;
    let sessions = people.load_many(user_sessions::Entity, &txn).await?;
    println!("{} ({} active users)", t.name, people.len());
    for (u, s) in people.iter().zip(&sessions) {
        println!("  {:<40} {} session(s)", u.email, s.len());
    }
    txn.commit().await?;
    Ok(())
}
