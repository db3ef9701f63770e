//! A small declaration that uses every object kind, shared by the golden tests.

#![allow(dead_code)]

use ddl::prelude::*;

pub const USERS: TableRef = TableRef::new("shop", "users");
pub const ORDERS: TableRef = TableRef::new("shop", "orders");
pub const ORDER_ITEMS: TableRef = TableRef::new("shop", "order_items");
pub const COUNTRIES: TableRef = TableRef::new("shop", "countries");
pub const STATUS: TypeRef = TypeRef::new("shop", "order_status");
pub const TOUCH: FunctionRef = FunctionRef::new("shop", "touch");
pub const CURRENT_USER_ID: FunctionRef = FunctionRef::new("shop", "current_user_id");
pub const ORDER_TOTALS: ViewRef = ViewRef::new("shop", "order_totals");
pub const USER_SPEND: ViewRef = ViewRef::new("shop", "user_spend");
pub const PAID_ORDERS: ViewRef = ViewRef::new("shop", "paid_orders");
pub const USER_DIRECTORY: ViewRef = ViewRef::new("shop", "user_directory");
pub const SALES_BY_COUNTRY: ViewRef = ViewRef::new("shop", "sales_by_country");
pub const DIRECTORY_INSERT: FunctionRef = FunctionRef::new("shop", "user_directory_insert");
pub const INVOICE_NO: SequenceRef = SequenceRef::new("shop", "invoice_no");
pub const QUANTITY: DomainRef = DomainRef::new("shop", "quantity");
pub const ADDRESS: CompositeRef = CompositeRef::new("shop", "address");
pub const PRICE_BAND: RangeRef = RangeRef::new("shop", "price_band");
pub const NOTES: TableRef = TableRef::new("shop", "notes");
pub const EVENTS: TableRef = TableRef::new("shop", "events");
pub const EVENTS_DEFAULT: TableRef = TableRef::new("shop", "events_default");
pub const CARTS: TableRef = TableRef::new("shop", "carts");
pub const CARTS_0: TableRef = TableRef::new("shop", "carts_0");
pub const CARTS_1: TableRef = TableRef::new("shop", "carts_1");
/// Created by the operator (the test harness) before migrating.
pub const READER: &str = "shop_reader";
/// Created by the migration.
pub const WRITER: &str = "shop_writer";
pub const PRICE_WITH_TAX: FunctionRef = FunctionRef::new("shop", "price_with_tax");
pub const ORDER_TOTALS_FN: FunctionRef = FunctionRef::new("shop", "order_totals");
pub const ARCHIVE_ORDERS: FunctionRef = FunctionRef::new("shop", "archive_orders");
pub const TEXT_CONCAT: FunctionRef = FunctionRef::new("shop", "text_concat_step");
pub const CONCAT_ALL: FunctionRef = FunctionRef::new("shop", "concat_all");
pub const BOOKINGS: TableRef = TableRef::new("shop", "bookings");
pub const CHECK_BOOKING: FunctionRef = FunctionRef::new("shop", "check_booking");
pub const COUNT_ITEMS: FunctionRef = FunctionRef::new("shop", "count_items");

pub fn shop() -> Database {
    Database::new()
        .extension(Extension::new("citext"))
        .extension(Extension::new("pg_trgm"))
        .extension(Extension::new("btree_gist"))
        .schema(Schema::new("shop").comment("The shop's own tables"))
        .enum_type(EnumType::new(STATUS, ["new", "paid", "shipped"]))
        .sequence(
            Sequence::new(INVOICE_NO)
                .start(1000)
                .increment(10)
                .cache(5)
                .owned_by(ORDERS, "invoice_no"),
        )
        .domain(
            Domain::new(QUANTITY, INT)
                .not_null()
                .default("1")
                .check("quantity_positive", "VALUE > 0")
                .comment("How many of one article"),
        )
        .composite(
            CompositeType::new(ADDRESS)
                .field("street", TEXT)
                .field("city", TEXT)
                .field("country", char(2)),
        )
        .range(RangeType::new(PRICE_BAND, NUMERIC))
        .table(
            Table::new(NOTES)
                .column(col("id", INT).serial().primary_key())
                .column(col("body", TEXT).not_null())
                .column(col("price", PRICE_BAND.into())),
        )
        .function(
            Function::new(
                CURRENT_USER_ID,
                "bigint",
                "SELECT nullif(current_setting('shop.user_id', true), '')::bigint",
            )
            .language("sql")
            .stable(),
        )
        .function(Function::trigger(
            TOUCH,
            "BEGIN\n  NEW.updated_at := now();\n  RETURN NEW;\nEND",
        ))
        // An overload pair: the same name, different input types.
        .function(
            Function::new(PRICE_WITH_TAX, NUMERIC, "SELECT round(p_net * (1 + p_rate), 2)")
                .arg("p_net", NUMERIC)
                .arg_default("p_rate", NUMERIC, "0.2")
                .language("sql")
                .immutable()
                .parallel_safe(),
        )
        .function(
            Function::new(PRICE_WITH_TAX, BIGINT, "SELECT p_cents + p_cents / 5")
                .arg("p_cents", BIGINT)
                .language("sql")
                .immutable()
                .parallel_safe()
                .leakproof(),
        )
        // OUT parameters and a default.
        .function(
            Function::new(
                ORDER_TOTALS_FN,
                "record",
                "SELECT count(*)::bigint, coalesce(sum(o.id), 0)::bigint FROM shop.orders o WHERE o.status = p_status",
            )
            .arg_default("p_status", STATUS, "'paid'")
            .out_arg("n", BIGINT)
            .out_arg("id_sum", BIGINT)
            .language("sql")
            .stable()
            .depends_on_table(ORDERS),
        )
        .function(
            Function::procedure(
                ARCHIVE_ORDERS,
                "BEGIN\n  UPDATE shop.orders SET status = 'shipped' WHERE status = 'paid' AND id <= p_upto;\nEND",
            )
            .arg("p_upto", BIGINT),
        )
        .function(
            Function::new(
                TEXT_CONCAT,
                TEXT,
                "SELECT CASE WHEN s = '' THEN v ELSE s || ',' || v END",
            )
                .arg("s", TEXT)
                .arg("v", TEXT)
                .language("sql")
                .immutable(),
        )
        .aggregate(Aggregate::new(CONCAT_ALL, [TEXT], TEXT_CONCAT, TEXT).initial(""))
        .function(Function::trigger(
            CHECK_BOOKING,
            "BEGIN\n  IF NEW.label = 'refused' THEN\n    RAISE EXCEPTION 'booking % refused', NEW.id;\n  END IF;\n  RETURN NULL;\nEND",
        ))
        .function(Function::trigger(
            COUNT_ITEMS,
            "BEGIN\n  PERFORM set_config('shop.added', (SELECT count(*) FROM added)::text, true);\n  RETURN NULL;\nEND",
        ))
        .table(
            Table::new(BOOKINGS)
                .column(col("id", BIGINT).identity().primary_key())
                .column(col("room", INT).not_null())
                .column(col("during", builtin_type("tstzrange")).not_null())
                .column(col("label", TEXT).collate("C"))
                .exclude(
                    Exclusion::gist("bookings_no_overlap")
                        .with("room", "=")
                        .with("during", "&&")
                        .comment("One booking per room at a time"),
                )
                .check_not_valid("bookings_room_positive", "room > 0")
                .constraint_comment("bookings_pkey", "Bookings are numbered")
                .index(Index::named("bookings_label_idx", ["label"]).comment("Lookup by label"))
                .trigger(
                    Trigger::constraint("bookings_checked", CHECK_BOOKING)
                        .on_insert()
                        .deferrable(),
                ),
        )
        .table(
            Table::new(COUNTRIES)
                .column(col("code", char(2)).primary_key())
                .column(col("name", TEXT).not_null())
                .rows(
                    ["code", "name"],
                    vec![
                        vec![lit("TR"), lit("Türkiye")],
                        vec![lit("DE"), lit("Deutschland")],
                        vec![lit("XX"), lit(r"O'Brien \ Land")],
                    ],
                ),
        )
        .table(
            Table::new(USERS)
                .column(col("id", BIGINT).identity().primary_key())
                .column(col("email", CITEXT).not_null().unique())
                .column(col("name", varchar(100)))
                .column(col("country", char(2)).references(COUNTRIES, "code"))
                .column(
                    col("balance", numeric(12, 2))
                        .not_null()
                        .default_value(0)
                        .check({
                            use ddl::sea_query::ExprTrait;
                            ddl::sea_query::Expr::col("balance").gte(0)
                        }),
                )
                .column(col("tags", array(TEXT)).not_null().default("'{}'"))
                .column(col("updated_at", TIMESTAMPTZ).not_null().default("now()"))
                .column(col("address", ADDRESS.into()))
                .column(col("user", TEXT).comment("a reserved word as a column name"))
                .index(
                    Index::named("users_name_trgm", ["name"])
                        .using(IndexMethod::Gin)
                        .opclass("gin_trgm_ops"),
                )
                .trigger(Trigger::before("users_touch", TOUCH).on_update())
                .enable_rls()
                .policy(
                    Policy::new("users_self")
                        .using("id = shop.current_user_id()")
                        .with_check("id = shop.current_user_id()"),
                )
                .comment("People who buy things"),
        )
        .table(
            Table::new(ORDERS)
                .column(col("id", BIGINT).identity().primary_key())
                .column(
                    col("user_id", BIGINT)
                        .not_null()
                        .references(USERS, "id")
                        .on_delete(FkAction::Cascade),
                )
                .column(col("status", enum_type(STATUS)).not_null().default("'new'"))
                .column(col("placed_at", TIMESTAMPTZ).not_null().default("now()"))
                .column(col("parent_id", BIGINT).references(ORDERS, "id"))
                .column(col("invoice_no", BIGINT).default("nextval('shop.invoice_no'::regclass)"))
                .index(Index::named("orders_user_placed_idx", ["user_id", "placed_at"]).desc())
                .index(
                    Index::named("orders_open_idx", ["placed_at"]).filter("status <> 'shipped'"),
                ),
        )
        .table(
            Table::new(ORDER_ITEMS)
                .column(col("order_id", BIGINT).not_null())
                .column(col("line", INT).not_null())
                .column(col("sku", TEXT).not_null())
                .column(col("qty", QUANTITY.into()))
                .primary_key(["order_id", "line"])
                .foreign_key(
                    ForeignKey::new(["order_id"], ORDERS, ["id"]).on_delete(FkAction::Cascade),
                )
                .trigger(
                    Trigger::after("order_items_added", COUNT_ITEMS)
                        .on_insert()
                        .referencing_new_table("added")
                        .for_each_statement(),
                )
                .index(
                    Index::on([])
                        .name("order_items_sku_lower_idx")
                        .expr("lower(sku)")
                        .include(["qty"]),
                ),
        )
        .merge(views())
}

/// Views of every kind over the shop's tables, and a raw object.
pub fn views() -> Database {
    Database::new()
        .view(
            View::new(
                ORDER_TOTALS,
                "SELECT o.id, o.user_id, count(i.line) AS lines, coalesce(sum(i.qty), 0) AS qty
FROM shop.orders o
LEFT JOIN shop.order_items i ON i.order_id = o.id
GROUP BY o.id, o.user_id",
            )
            .typed_columns([
                ("order_id", BIGINT),
                ("user_id", BIGINT),
                ("lines", BIGINT),
                ("qty", BIGINT),
            ])
            .security_barrier()
            .comment("Items per order")
            .column_comment("qty", "Units over all lines"),
        )
        .view(View::new(
            USER_SPEND,
            "SELECT t.user_id, sum(t.qty) AS qty FROM shop.order_totals t GROUP BY t.user_id",
        ))
        .view(
            View::new(
                PAID_ORDERS,
                "SELECT id, user_id, status FROM shop.orders WHERE status = 'paid'",
            )
            .security_invoker()
            .check_option(CheckOption::Cascaded),
        )
        .function(Function::trigger(
            DIRECTORY_INSERT,
            "BEGIN\n  INSERT INTO shop.users (email, name, country) VALUES (NEW.email, NEW.name, NEW.country);\n  RETURN NEW;\nEND",
        ))
        .view(
            View::new(
                USER_DIRECTORY,
                "SELECT u.email, u.name, u.country, c.name AS country_name
FROM shop.users u
LEFT JOIN shop.countries c ON c.code = u.country",
            )
            .trigger(Trigger::instead_of("user_directory_insert", DIRECTORY_INSERT).on_insert()),
        )
        .view(
            View::materialized(
                SALES_BY_COUNTRY,
                "SELECT u.country, count(*) AS orders FROM shop.orders o JOIN shop.users u ON u.id = o.user_id GROUP BY u.country",
            )
            .index(Index::named("sales_by_country_key", ["country"]).unique())
            .comment("Refreshed nightly"),
        )
        .raw(
            Raw::new(
                "publication shop_orders",
                "CREATE PUBLICATION shop_orders FOR TABLE shop.orders;",
                "DROP PUBLICATION shop_orders;",
            )
            .depends_on(ORDERS),
        )
        // Range partitions by month with a default partition; the key, the index and the
        // foreign key are declared on the parent only.
        .table(
            Table::new(EVENTS)
                .column(col("id", BIGINT).not_null())
                .column(col("at", TIMESTAMPTZ).not_null())
                .column(col("user_id", BIGINT).references(USERS, "id"))
                .column(col("kind", TEXT).not_null())
                .primary_key(["id", "at"])
                .index(Index::named("events_user_idx", ["user_id"]))
                .partition_by(PartitionStrategy::Range, ["at"]),
        )
        .tables(monthly_partitions(EVENTS, (2026, 1), 2))
        .table(
            Table::partition_of(EVENTS_DEFAULT, EVENTS, Bound::Default)
                .check("events_default_kind_check", "kind <> ''"),
        )
        .table(
            Table::new(CARTS)
                .column(col("user_id", BIGINT).not_null())
                .column(col("items", JSONB).not_null().default("'[]'"))
                .primary_key(["user_id"])
                .partition_by(PartitionStrategy::Hash, ["user_id"]),
        )
        .table(Table::partition_of(CARTS_0, CARTS, Bound::hash(2, 0)))
        .table(Table::partition_of(CARTS_1, CARTS, Bound::hash(2, 1)))
        .role(Role::external(READER))
        .role(Role::managed(WRITER))
        .grant(Grant::on_schema("shop", [Privilege::Usage]).to(READER))
        .grant(Grant::on_schema("shop", [Privilege::Usage]).to(WRITER))
        .grant(Grant::on_table(ORDERS, [Privilege::Select]).to(READER))
        .grant(Grant::on_table(ORDERS, [Privilege::Insert, Privilege::Update]).to(WRITER))
        .grant(
            Grant::on_table(USERS, [Privilege::Select])
                .columns(["id", "email"])
                .to(READER),
        )
        .grant(Grant::on_table(EVENTS, [Privilege::Select]).to(READER))
        .grant(Grant::on_function(CURRENT_USER_ID).to(READER))
        .grant(Grant::on_type(STATUS).to(WRITER))
        .default_privileges(
            DefaultPrivileges::new("shop", DefaultObjects::Tables, [Privilege::Select]).to(WRITER),
        )
}
