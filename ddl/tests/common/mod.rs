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

pub fn shop() -> Database {
    Database::new()
        .extension(Extension::new("citext"))
        .extension(Extension::new("pg_trgm"))
        .schema(Schema::new("shop").comment("The shop's own tables"))
        .enum_type(EnumType::new(STATUS, ["new", "paid", "shipped"]))
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
                .column(col("qty", INT).not_null().default_value(1))
                .primary_key(["order_id", "line"])
                .foreign_key(
                    ForeignKey::new(["order_id"], ORDERS, ["id"]).on_delete(FkAction::Cascade),
                )
                .index(
                    Index::on([])
                        .name("order_items_sku_lower_idx")
                        .expr("lower(sku)")
                        .include(["qty"]),
                ),
        )
}
