//! The generated entities as an application uses them, on PostgreSQL: relations (one to
//! many, two foreign keys to one table, a self-reference, a composite key, many-to-many),
//! value round trips (citext lookups, enums, numeric, jsonb, inet, arrays), and row-level
//! security through SeaORM as a role that does not own the tables, switching tenants on
//! one connection. The platform's entities (`entities`) and the `market` fixture's
//! (`fixture-entities`) are both used.

use fixture_entities::market::{
    enums::ListingState, functions::set_tenant, listing_lines, listings, member_badges, members,
    shipments, tenants,
};
use sea_orm::entity::prelude::*;
use sea_orm::sea_query::{Alias, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ConnectOptions, DatabaseConnection, JoinType, LoaderTrait, QueryFilter,
    QuerySelect, TransactionTrait,
};
use tests::fixtures::market::market;
use tests::{apply_ok, first_migration};

async fn connect(url: &str) -> DatabaseConnection {
    let mut opts = ConnectOptions::new(url.to_owned());
    // One connection: a tenant switch must hold on the same session.
    opts.max_connections(1)
        .min_connections(1)
        .sqlx_logging(false);
    sea_orm::Database::connect(opts).await.expect("connect")
}

/// A database with the market migrated, two tenants, and members: Alice (tenant 1) who
/// mentors Bob (tenant 1), and Carol (tenant 2).
async fn market_db(name: &str) -> (pgharness::TestDb, DatabaseConnection) {
    let pg = pgharness::database(name);
    apply_ok(&pg, &first_migration(&market()).up);
    let db = connect(&pg.url).await;
    for (id, n) in [(1, "one"), (2, "two")] {
        tenants::ActiveModel {
            id: Set(id),
            name: Set(n.into()),
        }
        .insert(&db)
        .await
        .expect("tenant");
    }
    let member = |tenant: i64, email: &str, mentor: Option<i64>| members::ActiveModel {
        tenant_id: Set(tenant),
        email: Set(email.into()),
        mentor_id: Set(mentor),
        ..Default::default()
    };
    // The owner is bound by FORCE ROW LEVEL SECURITY too: it works under a tenant.
    let txn = db.begin().await.expect("begin");
    set_tenant(&txn, Some(1)).await.expect("set_tenant");
    let alice = member(1, "Alice@Example.com", None)
        .insert(&txn)
        .await
        .expect("alice");
    member(1, "bob@example.com", Some(alice.id))
        .insert(&txn)
        .await
        .expect("bob");
    txn.commit().await.expect("commit");
    let txn = db.begin().await.expect("begin");
    set_tenant(&txn, Some(2)).await.expect("set_tenant");
    member(2, "carol@example.com", None)
        .insert(&txn)
        .await
        .expect("carol");
    txn.commit().await.expect("commit");
    (pg, db)
}

#[tokio::test]
async fn citext_lookups_are_case_insensitive_through_the_entity() {
    let (_pg, db) = market_db("ent_citext").await;
    let txn = db.begin().await.expect("begin");
    set_tenant(&txn, Some(1)).await.expect("set_tenant");
    let found = members::Entity::find()
        .filter(members::Column::Email.eq("alice@example.com"))
        .one(&txn)
        .await
        .expect("query")
        .expect("Alice@Example.com is found by alice@example.com");
    assert_eq!(found.email, "Alice@Example.com");
}

#[tokio::test]
async fn values_round_trip_exactly() {
    let (_pg, db) = market_db("ent_values").await;
    let txn = db.begin().await.expect("begin");
    set_tenant(&txn, Some(1)).await.expect("set_tenant");
    let alice = members::Entity::find()
        .filter(members::Column::Email.eq("alice@example.com"))
        .one(&txn)
        .await
        .expect("query")
        .expect("alice");
    let prefs = serde_json::json!({"theme": "dark", "n": [1, 2.5, null], "quote": "it's \"x\""});
    let tags = vec![
        "a".to_owned(),
        "b,c".to_owned(),
        "d\"e".to_owned(),
        String::new(),
    ];
    let ip: IpNetwork = "192.168.10.0/24".parse().expect("ip");
    let mut am: members::ActiveModel = alice.clone().into();
    am.prefs = Set(prefs.clone());
    am.tags = Set(tags.clone());
    am.last_ip = Set(Some(ip));
    am.r#type = Set(Some("keyword column".into()));
    am.update(&txn).await.expect("update");
    let back = members::Entity::find_by_id(alice.id)
        .one(&txn)
        .await
        .expect("q")
        .expect("row");
    assert_eq!(back.prefs, prefs);
    assert_eq!(back.tags, tags);
    assert_eq!(back.last_ip, Some(ip));
    assert_eq!(back.r#type.as_deref(), Some("keyword column"));

    let price = Decimal::new(123_456, 2);
    let listing = listings::ActiveModel {
        tenant_id: Set(1),
        seller_id: Set(alice.id),
        price: Set(price),
        state: Set(ListingState::Live),
        states_seen: Set(vec!["draft".into(), "live".into()]),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .expect("listing");
    let back = listings::Entity::find_by_id(listing.id)
        .one(&txn)
        .await
        .expect("q")
        .expect("row");
    assert_eq!(back.price.to_string(), "1234.56");
    assert_eq!(back.state, ListingState::Live);
    assert_eq!(
        back.states_seen,
        vec!["draft".to_owned(), "live".to_owned()]
    );
    let live = listings::Entity::find()
        .filter(listings::Column::State.eq(ListingState::Live))
        .count(&txn)
        .await
        .expect("filter by enum");
    let sold = listings::Entity::find()
        .filter(listings::Column::State.eq(ListingState::Sold))
        .count(&txn)
        .await
        .expect("filter by enum");
    assert_eq!((live, sold), (1, 0));
}

#[tokio::test]
async fn two_foreign_keys_to_one_table_self_references_and_composite_keys_join_correctly() {
    let (_pg, db) = market_db("ent_relations").await;
    let txn = db.begin().await.expect("begin");
    set_tenant(&txn, Some(1)).await.expect("set_tenant");
    let by_email = |e: &'static str| {
        members::Entity::find()
            .filter(members::Column::Email.eq(e))
            .one(&txn)
    };
    let alice = by_email("alice@example.com")
        .await
        .expect("q")
        .expect("alice");
    let bob = by_email("bob@example.com").await.expect("q").expect("bob");
    let listing = listings::ActiveModel {
        tenant_id: Set(1),
        seller_id: Set(alice.id),
        buyer_id: Set(Some(bob.id)),
        price: Set(Decimal::new(500, 0)),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .expect("listing");

    // Seller and buyer are two relations to members, told apart by name.
    let seller = members::Entity::find()
        .join(JoinType::InnerJoin, members::Relation::ListingsSeller.def())
        .filter(listings::Column::Id.eq(listing.id))
        .one(&txn)
        .await
        .expect("seller");
    let buyer = members::Entity::find()
        .join(JoinType::InnerJoin, members::Relation::ListingsBuyer.def())
        .filter(listings::Column::Id.eq(listing.id))
        .one(&txn)
        .await
        .expect("buyer");
    assert_eq!(seller.map(|m| m.id), Some(alice.id));
    assert_eq!(buyer.map(|m| m.id), Some(bob.id));

    // Self-reference: Bob's mentor, through the `Mentor` relation under an alias.
    let mentee = Alias::new("mentee");
    let mentor = members::Entity::find()
        .join_as(
            JoinType::InnerJoin,
            members::Relation::MembersMentor.def(),
            mentee.clone(),
        )
        .filter(Expr::col((mentee, members::Column::Id)).eq(bob.id))
        .one(&txn)
        .await
        .expect("mentor");
    assert_eq!(mentor.map(|m| m.id), Some(alice.id));

    // Composite foreign key: a shipment finds its listing line by both columns.
    for line in [1, 2] {
        listing_lines::ActiveModel {
            listing_id: Set(listing.id),
            line: Set(line),
            qty: Set(line * 10),
        }
        .insert(&txn)
        .await
        .expect("line");
    }
    shipments::ActiveModel {
        listing_id: Set(listing.id),
        line: Set(2),
        carrier: Set("DHL".into()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .expect("shipment");
    let pairs = shipments::Entity::find()
        .find_also_related(listing_lines::Entity)
        .all(&txn)
        .await
        .expect("find_also_related");
    assert_eq!(pairs.len(), 1);
    assert_eq!(pairs[0].1.as_ref().map(|l| (l.line, l.qty)), Some((2, 20)));

    // Many-to-many through the link table.
    fixture_entities::market::badges::ActiveModel {
        code: Set("trusted".into()),
        title: Set("Trusted seller".into()),
    }
    .insert(&txn)
    .await
    .expect("badge");
    member_badges::ActiveModel {
        member_id: Set(alice.id),
        badge: Set("trusted".into()),
        tenant_id: Set(1),
    }
    .insert(&txn)
    .await
    .expect("member badge");
    let badges = alice
        .find_related(fixture_entities::market::badges::Entity)
        .all(&txn)
        .await
        .expect("via link table");
    assert_eq!(
        badges.iter().map(|b| b.code.as_str()).collect::<Vec<_>>(),
        ["trusted"]
    );
}

#[tokio::test]
async fn rls_through_seaorm_as_a_non_owner_switches_tenants_on_one_connection() {
    let (pg, _owner) = market_db("ent_rls").await;
    let role = format!("app_{}", pg.name);
    pg.exec(&format!(
        "CREATE ROLE {role} LOGIN;
         GRANT USAGE ON SCHEMA market TO {role};
         GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA market TO {role};
         GRANT USAGE ON ALL SEQUENCES IN SCHEMA market TO {role};
         GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA market TO {role};"
    ));
    let db = connect(&pgharness::server().url_as(&role, None, &pg.name)).await;
    let emails = |rows: Vec<members::Model>| {
        let mut e: Vec<String> = rows.into_iter().map(|m| m.email).collect();
        e.sort();
        e
    };

    let txn = db.begin().await.expect("begin");
    set_tenant(&txn, Some(1)).await.expect("set_tenant");
    let seen = members::Entity::find().all(&txn).await.expect("select");
    assert_eq!(emails(seen), ["Alice@Example.com", "bob@example.com"]);
    let refused = members::ActiveModel {
        tenant_id: Set(2),
        email: Set("intruder@example.com".into()),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    let err = refused.expect_err("a row of another tenant must be refused");
    assert!(err.to_string().contains("row-level security"), "{err}");
    txn.rollback().await.expect("rollback");

    let txn = db.begin().await.expect("begin");
    set_tenant(&txn, Some(2)).await.expect("set_tenant");
    let seen = members::Entity::find().all(&txn).await.expect("select");
    assert_eq!(emails(seen), ["carol@example.com"]);
    txn.commit().await.expect("commit");

    // Outside a transaction with a context, nothing is visible.
    let none = members::Entity::find().count(&db).await.expect("count");
    assert_eq!(none, 0);
}

#[tokio::test]
async fn platform_tenants_users_and_sessions_load_through_relations_and_the_loader() {
    use entities::core::{tenants as t, user_sessions as s, users as u};
    let pg = pgharness::database("ent_platform");
    apply_ok(&pg, &first_migration(&schema::database()).up);
    pg.exec(
        "INSERT INTO core.tenants (id, name, slug) VALUES (1, 'Alpha', 'alpha'), (2, 'Beta', 'beta');
         INSERT INTO core.users (id, tenant_id, email, password_hash) VALUES
             (1, 1, 'a1@alpha.test', 'x'), (2, 1, 'a2@alpha.test', 'x'), (3, 2, 'b1@beta.test', 'x');",
    );
    let db = connect(&pg.url).await;
    let txn = db.begin().await.expect("begin");
    entities::app::functions::set_context(&txn, Some(1), Some(1))
        .await
        .expect("context");
    let session = |user: i32, token: &str| s::ActiveModel {
        tenant_id: Set(1),
        user_id: Set(user),
        token: Set(token.into()),
        expires_at: Set(
            DateTimeWithTimeZone::parse_from_rfc3339("2030-01-01T00:00:00+00:00").expect("time"),
        ),
        ..Default::default()
    };
    for (user, token) in [(1, "t1"), (1, "t2"), (2, "t3")] {
        session(user, token).insert(&txn).await.expect("session");
    }
    let tenants_with_users = t::Entity::find()
        .filter(t::Column::Id.eq(1))
        .find_with_related(u::Entity)
        .all(&txn)
        .await
        .expect("find_with_related");
    assert_eq!(tenants_with_users.len(), 1);
    let users = &tenants_with_users[0].1;
    assert_eq!(users.iter().map(|u| u.id).collect::<Vec<_>>(), [1, 2]);
    let sessions = users.load_many(s::Entity, &txn).await.expect("loader");
    let tokens: Vec<Vec<&str>> = sessions
        .iter()
        .map(|ss| ss.iter().map(|s| s.token.as_str()).collect())
        .collect();
    assert_eq!(tokens, [vec!["t1", "t2"], vec!["t3"]]);
}
