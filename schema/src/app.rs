//! Schema `app`: the session context, the shared trigger functions and the generic
//! JSONB data table (seed 003, `001_initial_schema.sql` and `004_add_generic_data.sql`).

use crate::core::{PROJECTS, TABLE_METADATA};
use crate::helpers::{big_id, lifecycle, record_columns, tenant_scoped};
use ddl::prelude::*;

pub const SET_CONTEXT: FunctionRef = FunctionRef::new("app", "set_context");
pub const CURRENT_TENANT: FunctionRef = FunctionRef::new("app", "current_tenant");
pub const CURRENT_USER_ID: FunctionRef = FunctionRef::new("app", "current_user_id");
pub const TOUCH_ROW: FunctionRef = FunctionRef::new("app", "touch_row");
pub const SOFT_DELETE: FunctionRef = FunctionRef::new("app", "soft_delete");
pub const JSONB_TO_TEXT: FunctionRef = FunctionRef::new("app", "jsonb_to_text");

pub const GENERIC_DATA: TableRef = TableRef::new("app", "generic_data");

pub fn database() -> Database {
    Database::new()
        .schema(
            Schema::new("app")
                .comment("Session context, shared trigger functions and the generic data table"),
        )
        .function(
            Function::new(
                SET_CONTEXT,
                "void",
                "
BEGIN
  PERFORM set_config('app.tenant_id', COALESCE(p_tenant_id::text, ''), true);
  PERFORM set_config('app.user_id', COALESCE(p_user_id::text, ''), true);
END
",
            )
            .arg("p_tenant_id", "integer")
            .arg("p_user_id", "integer")
            .comment(
                "Sets the tenant and user of the current transaction (transaction-local: \
                 call it inside the transaction that uses it)",
            ),
        )
        .function(
            Function::new(
                CURRENT_TENANT,
                "integer",
                "
  SELECT nullif(current_setting('app.tenant_id', true), '')::int
",
            )
            .language("sql")
            .stable()
            .comment("The tenant set by app.set_context, or NULL"),
        )
        .function(
            Function::new(
                CURRENT_USER_ID,
                "integer",
                "
  SELECT nullif(current_setting('app.user_id', true), '')::int
",
            )
            .language("sql")
            .stable()
            .comment("The user set by app.set_context, or NULL"),
        )
        .function(
            Function::trigger(
                TOUCH_ROW,
                "
BEGIN
  NEW.updated_at := now();
  IF TG_OP = 'UPDATE' THEN
    NEW.version := COALESCE(OLD.version, 1) + 1;
  END IF;
  RETURN NEW;
END
",
            )
            .comment("BEFORE UPDATE: sets updated_at and increments version"),
        )
        .function(
            Function::trigger(
                SOFT_DELETE,
                "
DECLARE v_user int := app.current_user_id();
BEGIN
  EXECUTE format(
    'UPDATE %I.%I SET is_deleted = true, deleted_at = now(), deleted_by = $1 WHERE id = $2',
    TG_TABLE_SCHEMA, TG_TABLE_NAME
  ) USING v_user, OLD.id;
  RETURN NULL;
END
",
            )
            .comment(
                "BEFORE DELETE: marks the row deleted (is_deleted, deleted_at, deleted_by) \
                 and cancels the DELETE",
            ),
        )
        .function(
            Function::new(
                JSONB_TO_TEXT,
                "text",
                "
  SELECT string_agg(v #>> '{}', ' ' ORDER BY n)
  FROM jsonb_path_query(p_data, 'strict $.**') WITH ORDINALITY AS t(v, n)
  WHERE jsonb_typeof(v) IN ('string', 'number', 'boolean')
",
            )
            .arg("p_data", "jsonb")
            .language("sql")
            .immutable()
            .strict()
            .comment(
                "Every scalar value of a JSONB document (any depth, in document order) \
                 joined by spaces: the full-text search source of app.generic_data",
            ),
        )
        .table(
            Table::new(GENERIC_DATA)
                .comment("Rows of user-defined tables, one JSONB document per row")
                .column(big_id())
                .with(tenant_scoped("generic_data", FkAction::Cascade))
                .column(
                    col("project_id", INT)
                        .not_null()
                        .references(PROJECTS, "id")
                        .on_delete(FkAction::Cascade),
                )
                .column(
                    col("table_id", INT)
                        .not_null()
                        .references(TABLE_METADATA, "id")
                        .on_delete(FkAction::Cascade),
                )
                .column(col("data", JSONB).not_null().default("'{}'::jsonb"))
                .column(col("search_text", TEXT).generated("app.jsonb_to_text(data)"))
                .columns(record_columns())
                .unique_named(
                    "unique_generic_data_per_table",
                    ["tenant_id", "project_id", "table_id", "id"],
                )
                .index(Index::named("idx_generic_data_project", ["project_id"]))
                .index(Index::named("idx_generic_data_table", ["table_id"]))
                .index(
                    Index::named(
                        "idx_generic_data_composite",
                        ["tenant_id", "project_id", "table_id"],
                    )
                    .filter("is_deleted = false"),
                )
                .index(
                    Index::on([])
                        .name("idx_generic_data_search")
                        .expr("to_tsvector('english', search_text)")
                        .using(IndexMethod::Gin),
                )
                .index(Index::named("idx_generic_data_jsonb", ["data"]).using(IndexMethod::Gin))
                .with(lifecycle("generic_data")),
        )
}
