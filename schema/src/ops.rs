//! Schema `ops`: the audit trail and its trigger function, system logs and user activity
//! (seed 003 `001_initial_schema.sql` and `010_add_monitoring.sql`, seed 004 phase 3).
//!
//! The logs keep `tenant_id` / `user_id` without foreign keys, as the seed decides: a log
//! row must outlive the row it talks about and must never block a delete.

use crate::helpers::{big_id, created_at, jsonb_object};
use ddl::prelude::*;

pub const LOG_AUDIT: FunctionRef = FunctionRef::new("ops", "log_audit");

pub const AUDIT_LOGS: TableRef = TableRef::new("ops", "audit_logs");
pub const SYSTEM_LOGS: TableRef = TableRef::new("ops", "system_logs");
pub const USER_ACTIVITIES: TableRef = TableRef::new("ops", "user_activities");

pub fn database() -> Database {
    Database::new()
        .schema(
            Schema::new("ops").comment("Operations: audit trail, system logs, user activity"),
        )
        .function(
            Function::trigger(
                LOG_AUDIT,
                "
DECLARE v_tenant int := app.current_tenant();
DECLARE v_user   int := app.current_user_id();
BEGIN
  INSERT INTO ops.audit_logs(tenant_id, user_id, action, entity_type, entity_id, old_values, new_values)
  VALUES (
    v_tenant,
    v_user,
    TG_OP::text,
    TG_TABLE_NAME,
    (CASE WHEN TG_OP='INSERT' THEN NEW.id::text ELSE OLD.id::text END),
    CASE WHEN TG_OP='UPDATE' OR TG_OP='DELETE' THEN to_jsonb(OLD) END,
    CASE WHEN TG_OP='INSERT' OR TG_OP='UPDATE' THEN to_jsonb(NEW) END
  );
  RETURN COALESCE(NEW, OLD);
END
",
            )
            // Runs as the owner so that application roles, which get no privilege on
            // ops.audit_logs, still leave an audit row for every change they make.
            .security_definer()
            .set("search_path", "pg_catalog, pg_temp")
            .comment(
                "AFTER INSERT/UPDATE/DELETE: writes the old and new row to ops.audit_logs \
                 (the audited table needs an id column)",
            ),
        )
        .tables([audit_logs(), system_logs(), user_activities()])
}

fn audit_logs() -> Table {
    Table::new(AUDIT_LOGS)
        .comment("Every change to an audited table, written by ops.log_audit()")
        .column(big_id())
        .column(col("tenant_id", INT))
        .column(col("user_id", INT))
        .column(col("action", varchar(50)).not_null())
        .column(col("entity_type", varchar(50)).not_null())
        .column(col("entity_id", TEXT))
        .column(col("old_values", JSONB))
        .column(col("new_values", JSONB))
        .column(col("ip_address", INET))
        .column(col("user_agent", TEXT))
        .column(col("request_id", varchar(100)))
        .column(created_at())
        .index(Index::named("idx_audit_tenant", ["tenant_id"]))
        .index(Index::named(
            "idx_audit_entity",
            ["entity_type", "entity_id"],
        ))
        .index(Index::named("idx_audit_created", ["created_at"]))
}

/// Seed 004 phase 3.2 shows `id`, `level`, `message`.
fn system_logs() -> Table {
    Table::new(SYSTEM_LOGS)
        .comment("Application and job log lines worth keeping in the database")
        .column(big_id())
        .column(col("level", varchar(20)).not_null().default_value("info"))
        .column(col("message", TEXT).not_null())
        .column(col("source", varchar(100)))
        .column(jsonb_object("context"))
        .column(col("tenant_id", INT))
        .column(col("request_id", varchar(100)))
        .column(created_at())
        .check(
            "system_logs_level_check",
            "level IN ('debug', 'info', 'notice', 'warning', 'error', 'critical')",
        )
        .index(Index::named("idx_system_logs_created", ["created_at"]))
        .index(Index::named(
            "idx_system_logs_level",
            ["level", "created_at"],
        ))
}

/// Seed 004 phase 3.3 shows `id`, `tenant_id`, `user_id`.
fn user_activities() -> Table {
    Table::new(USER_ACTIVITIES)
        .comment("What users did (sign-ins, views, exports): product analytics and security")
        .column(big_id())
        .column(col("tenant_id", INT))
        .column(col("user_id", INT))
        .column(col("activity_type", varchar(50)).not_null())
        .column(col("description", TEXT))
        .column(jsonb_object("metadata"))
        .column(col("ip_address", INET))
        .column(col("user_agent", TEXT))
        .column(created_at())
        .index(Index::named("idx_user_activities_tenant", ["tenant_id"]))
        .index(Index::named("idx_user_activities_user", ["user_id", "created_at"]).desc())
        .index(Index::named("idx_user_activities_created", ["created_at"]))
}
