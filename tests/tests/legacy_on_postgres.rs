//! A legacy application schema declared in the DSL: serial keys, domains used by columns, a
//! dozen views over joins, a materialized view with a unique index, a range-partitioned
//! table with monthly partitions and foreign keys, grants to two roles and default
//! privileges. Its migration must build exactly what the hand-written SQL script of the same
//! schema builds (`pg_dump --schema-only` with privileges), and its down, run statement by
//! statement, must leave the database as empty as it was.

use ddl::model::database::Database;
use ddl::prelude::*;
use tests::{apply_each_ok, first_migration, leftovers};

const EMAIL: DomainRef = DomainRef::new("legacy", "email");
const MONEY: DomainRef = DomainRef::new("legacy", "money_amount");
const CUSTOMERS: TableRef = TableRef::new("legacy", "customers");
const PRODUCTS: TableRef = TableRef::new("legacy", "products");
const ORDERS: TableRef = TableRef::new("legacy", "orders");
const ORDER_LINES: TableRef = TableRef::new("legacy", "order_lines");
const EVENTS: TableRef = TableRef::new("legacy", "events");
const DAILY_SALES: ViewRef = ViewRef::new("legacy", "daily_sales");

/// The twelve views: name and query, each over joins of the tables (and of each other).
const VIEWS: [(&str, &str); 12] = [
    (
        "order_summaries",
        "SELECT o.id, o.customer_id, o.placed_at, sum(l.quantity * l.unit_price) AS total FROM legacy.orders o JOIN legacy.order_lines l ON l.order_id = o.id GROUP BY o.id",
    ),
    (
        "customer_orders",
        "SELECT c.id AS customer_id, c.email, o.id AS order_id, o.placed_at FROM legacy.customers c JOIN legacy.orders o ON o.customer_id = c.id",
    ),
    (
        "product_sales",
        "SELECT p.id, p.name, sum(l.quantity) AS sold FROM legacy.products p JOIN legacy.order_lines l ON l.product_id = p.id GROUP BY p.id, p.name",
    ),
    (
        "customer_totals",
        "SELECT s.customer_id, sum(s.total) AS spent, count(*) AS orders FROM legacy.order_summaries s GROUP BY s.customer_id",
    ),
    (
        "top_customers",
        "SELECT c.id, c.email, t.spent FROM legacy.customers c JOIN legacy.customer_totals t ON t.customer_id = c.id WHERE t.spent > 1000",
    ),
    (
        "unsold_products",
        "SELECT p.id, p.name FROM legacy.products p LEFT JOIN legacy.order_lines l ON l.product_id = p.id WHERE l.id IS NULL",
    ),
    (
        "open_orders",
        "SELECT o.id, o.customer_id FROM legacy.orders o WHERE o.shipped_at IS NULL",
    ),
    (
        "open_order_lines",
        "SELECT l.id, l.order_id, p.name, l.quantity FROM legacy.open_orders o JOIN legacy.order_lines l ON l.order_id = o.id JOIN legacy.products p ON p.id = l.product_id",
    ),
    (
        "customer_events",
        "SELECT e.id, e.happened_at, c.email, e.kind FROM legacy.events e JOIN legacy.customers c ON c.id = e.customer_id",
    ),
    (
        "recent_events",
        "SELECT e.id, e.kind, e.happened_at FROM legacy.events e WHERE e.happened_at > '2026-02-01 00:00:00+00'::timestamp with time zone",
    ),
    (
        "order_line_values",
        "SELECT l.id, l.order_id, l.quantity * l.unit_price AS line_value FROM legacy.order_lines l",
    ),
    (
        "big_orders",
        "SELECT s.id, s.total FROM legacy.order_summaries s WHERE s.total > 500",
    ),
];

fn legacy() -> Database {
    let mut db = Database::new()
        .schema(Schema::new("legacy"))
        .role(Role::managed("legacy_reader"))
        .role(Role::managed("legacy_writer"))
        .domain(Domain::new(EMAIL, TEXT).check("email_has_at", "VALUE ~~ '%@%'"))
        .domain(Domain::new(MONEY, numeric(12, 2)).check("money_not_negative", "VALUE >= 0"))
        .table(
            Table::new(CUSTOMERS)
                .column(col("id", INT).serial().primary_key())
                .column(col("email", domain(EMAIL)).not_null().unique())
                .column(col("created_at", TIMESTAMPTZ).not_null().default("now()")),
        )
        .table(
            Table::new(PRODUCTS)
                .column(col("id", INT).serial().primary_key())
                .column(col("name", varchar(200)).not_null())
                .column(col("price", domain(MONEY)).not_null()),
        )
        .table(
            Table::new(ORDERS)
                .column(col("id", INT).serial().primary_key())
                .column(
                    col("customer_id", INT)
                        .not_null()
                        .references(CUSTOMERS, "id"),
                )
                .column(col("placed_at", TIMESTAMPTZ).not_null().default("now()"))
                .column(col("shipped_at", TIMESTAMPTZ))
                .index(Index::named("orders_customer_id_idx", ["customer_id"])),
        )
        .table(
            Table::new(ORDER_LINES)
                .column(col("id", INT).serial().primary_key())
                .column(col("order_id", INT).not_null().references(ORDERS, "id"))
                .column(col("product_id", INT).not_null().references(PRODUCTS, "id"))
                .column(col("quantity", INT).not_null())
                .column(col("unit_price", domain(MONEY)).not_null())
                .check("order_lines_quantity_check", "quantity > 0"),
        )
        .table(
            Table::new(EVENTS)
                .column(col("id", BIGINT).not_null())
                .column(col("happened_at", TIMESTAMPTZ).not_null())
                .column(
                    col("customer_id", INT)
                        .not_null()
                        .references(CUSTOMERS, "id"),
                )
                .column(col("kind", TEXT).not_null())
                .primary_key(["id", "happened_at"])
                .partition_by(PartitionStrategy::Range, ["happened_at"]),
        )
        .tables(monthly_partitions(EVENTS, (2026, 1), 3));
    for (name, query) in VIEWS {
        db = db.view(View::new(ViewRef::new("legacy", name), query));
    }
    db.view(
        View::materialized(
            DAILY_SALES,
            "SELECT date_trunc('day', o.placed_at) AS day, sum(s.total) AS total FROM legacy.orders o JOIN legacy.order_summaries s ON s.id = o.id GROUP BY 1",
        )
        .index(Index::named("daily_sales_day_key", ["day"]).unique()),
    )
    .grant(Grant::on_schema("legacy", [Privilege::Usage]).to("legacy_reader"))
    .grant(Grant::on_schema("legacy", [Privilege::Usage]).to("legacy_writer"))
    .grant(Grant::on_table(ORDERS, [Privilege::Insert, Privilege::Update]).to("legacy_writer"))
    .grant(Grant::on_table(ORDER_LINES, [Privilege::Insert]).to("legacy_writer"))
    .grant(Grant::on_table(DAILY_SALES, [Privilege::Select]).to("legacy_writer"))
    .default_privileges(
        DefaultPrivileges::new("legacy", DefaultObjects::Tables, [Privilege::Select])
            .to("legacy_reader"),
    )
}

/// The same schema as a person would write it by hand.
fn reference_sql() -> String {
    let mut sql = String::from(
        "DO $$ BEGIN
           IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'legacy_reader') THEN CREATE ROLE legacy_reader NOLOGIN; END IF;
           IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'legacy_writer') THEN CREATE ROLE legacy_writer NOLOGIN; END IF;
         END $$;
         CREATE SCHEMA legacy;
         GRANT USAGE ON SCHEMA legacy TO legacy_reader;
         GRANT USAGE ON SCHEMA legacy TO legacy_writer;
         ALTER DEFAULT PRIVILEGES IN SCHEMA legacy GRANT SELECT ON TABLES TO legacy_reader;
         CREATE DOMAIN legacy.email AS text CONSTRAINT email_has_at CHECK (VALUE ~~ '%@%');
         CREATE DOMAIN legacy.money_amount AS numeric(12,2) CONSTRAINT money_not_negative CHECK (VALUE >= 0);
         CREATE TABLE legacy.customers (
           id serial PRIMARY KEY,
           email legacy.email NOT NULL UNIQUE,
           created_at timestamptz NOT NULL DEFAULT now());
         CREATE TABLE legacy.products (
           id serial PRIMARY KEY,
           name varchar(200) NOT NULL,
           price legacy.money_amount NOT NULL);
         CREATE TABLE legacy.orders (
           id serial PRIMARY KEY,
           customer_id integer NOT NULL REFERENCES legacy.customers,
           placed_at timestamptz NOT NULL DEFAULT now(),
           shipped_at timestamptz);
         CREATE INDEX orders_customer_id_idx ON legacy.orders (customer_id);
         CREATE TABLE legacy.order_lines (
           id serial PRIMARY KEY,
           order_id integer NOT NULL REFERENCES legacy.orders,
           product_id integer NOT NULL REFERENCES legacy.products,
           quantity integer NOT NULL CHECK (quantity > 0),
           unit_price legacy.money_amount NOT NULL);
         CREATE TABLE legacy.events (
           id bigint NOT NULL,
           happened_at timestamptz NOT NULL,
           customer_id integer NOT NULL REFERENCES legacy.customers,
           kind text NOT NULL,
           PRIMARY KEY (id, happened_at)) PARTITION BY RANGE (happened_at);
         CREATE TABLE legacy.events_y2026m01 PARTITION OF legacy.events FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');
         CREATE TABLE legacy.events_y2026m02 PARTITION OF legacy.events FOR VALUES FROM ('2026-02-01') TO ('2026-03-01');
         CREATE TABLE legacy.events_y2026m03 PARTITION OF legacy.events FOR VALUES FROM ('2026-03-01') TO ('2026-04-01');
        ",
    );
    for (name, query) in VIEWS {
        sql.push_str(&format!("CREATE VIEW legacy.{name} AS {query};\n"));
    }
    sql.push_str(
        "CREATE MATERIALIZED VIEW legacy.daily_sales AS SELECT date_trunc('day', o.placed_at) AS day, sum(s.total) AS total FROM legacy.orders o JOIN legacy.order_summaries s ON s.id = o.id GROUP BY 1;
         CREATE UNIQUE INDEX daily_sales_day_key ON legacy.daily_sales (day);
         GRANT INSERT, UPDATE ON legacy.orders TO legacy_writer;
         GRANT INSERT ON legacy.order_lines TO legacy_writer;
         GRANT SELECT ON legacy.daily_sales TO legacy_writer;
        ",
    );
    sql
}

#[test]
fn the_legacy_schema_builds_what_its_hand_written_script_builds_and_rolls_back_to_empty() {
    let theirs = pgharness::database("legacy_reference");
    theirs
        .psql(&reference_sql())
        .unwrap_or_else(|e| panic!("the reference script failed: {e}"));

    let ours = pgharness::database("legacy_ours");
    let before = leftovers(&ours);
    let m = first_migration(&legacy());
    apply_each_ok(&ours, &m.up);
    assert_eq!(
        ours.schema_dump_with_privileges(),
        theirs.schema_dump_with_privileges()
    );

    // The schema works as a legacy application expects: serial keys, domain checks,
    // partition routing, the materialized view refreshed concurrently through its index.
    ours.exec(
        "INSERT INTO legacy.customers (email) VALUES ('a@example.com');
         INSERT INTO legacy.products (name, price) VALUES ('pen', 2.50);
         INSERT INTO legacy.orders (customer_id) VALUES (1);
         INSERT INTO legacy.order_lines (order_id, product_id, quantity, unit_price) VALUES (1, 1, 4, 2.50);
         INSERT INTO legacy.events VALUES (1, '2026-02-14', 1, 'login');
         REFRESH MATERIALIZED VIEW legacy.daily_sales;
         REFRESH MATERIALIZED VIEW CONCURRENTLY legacy.daily_sales;",
    );
    assert_eq!(
        ours.rows("SELECT tableoid::regclass::text FROM legacy.events"),
        vec![vec!["legacy.events_y2026m02".to_string()]]
    );
    assert_eq!(
        ours.rows("SELECT total::text FROM legacy.order_summaries"),
        vec![vec!["10.00".to_string()]]
    );
    assert!(
        ours.psql("INSERT INTO legacy.customers (email) VALUES ('no-at-sign')")
            .is_err(),
        "the email domain's CHECK must refuse a value"
    );
    ours.exec("TRUNCATE legacy.order_lines, legacy.orders, legacy.events, legacy.products, legacy.customers");

    apply_each_ok(&ours, &m.down);
    assert_eq!(leftovers(&ours), before);
}
