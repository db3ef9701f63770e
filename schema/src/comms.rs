//! Schema `comms`: notifications, the outgoing email queue, webhooks and their deliveries
//! (seed 003 `007_add_notifications.sql`, `008_add_webhooks.sql`; seed 004 phases 6, 7).
//! The seed shows only a few columns of each table; the rest is declared here.

use crate::core::{PROJECTS, USERS};
use crate::helpers::{
    audited, big_id, created_at, id, is_active, jsonb_object, tenant_scoped, timestamps, touched,
    versioned,
};
use ddl::prelude::*;

pub const NOTIFICATIONS: TableRef = TableRef::new("comms", "notifications");
pub const EMAIL_QUEUE: TableRef = TableRef::new("comms", "email_queue");
pub const WEBHOOKS: TableRef = TableRef::new("comms", "webhooks");
pub const WEBHOOK_DELIVERIES: TableRef = TableRef::new("comms", "webhook_deliveries");

pub fn database() -> Database {
    Database::new()
        .schema(
            Schema::new("comms")
                .comment("Communications: notifications, email queue, webhooks and deliveries"),
        )
        .tables([
            notifications(),
            email_queue(),
            webhooks(),
            webhook_deliveries(),
        ])
}

fn notifications() -> Table {
    Table::new(NOTIFICATIONS)
        .comment("An in-app (or pushed) message to a user; user_id NULL = every user of the tenant")
        .column(id())
        .with(tenant_scoped("notifications", FkAction::Cascade))
        .column(
            col("user_id", INT)
                .references(USERS, "id")
                .on_delete(FkAction::Cascade),
        )
        .column(col("type", varchar(50)).not_null())
        .column(
            col("channel", varchar(20))
                .not_null()
                .default_value("in_app"),
        )
        .column(col("title", varchar(255)).not_null())
        .column(col("body", TEXT))
        .column(jsonb_object("data"))
        .column(col("is_read", BOOL).not_null().default_value(false))
        .column(col("read_at", TIMESTAMPTZ))
        .columns(timestamps())
        .column(versioned())
        .check(
            "notifications_channel_check",
            "channel IN ('in_app', 'email', 'sms', 'push')",
        )
        .index(
            Index::named("idx_notifications_user_unread", ["user_id", "created_at"])
                .desc()
                .filter("is_read = false"),
        )
        .index(Index::named("idx_notifications_user", ["user_id"]))
        .with(touched("notifications"))
}

fn email_queue() -> Table {
    Table::new(EMAIL_QUEUE)
        .comment("Outgoing email, sent by a worker and retried on failure")
        .column(id())
        .with(tenant_scoped("email_queue", FkAction::Cascade))
        .column(col("to_email", CITEXT).not_null())
        .column(col("to_name", varchar(200)))
        .column(col("from_email", CITEXT))
        .column(col("subject", varchar(500)).not_null())
        .column(col("body_html", TEXT))
        .column(col("body_text", TEXT))
        .column(col("template_key", varchar(100)))
        .column(jsonb_object("template_data"))
        .column(
            col("status", varchar(20))
                .not_null()
                .default_value("pending"),
        )
        .column(col("priority", SMALLINT).not_null().default_value(5))
        .column(col("attempts", INT).not_null().default_value(0))
        .column(col("max_attempts", INT).not_null().default_value(3))
        .column(col("last_error", TEXT))
        .column(col("scheduled_at", TIMESTAMPTZ).not_null().default("now()"))
        .column(col("sent_at", TIMESTAMPTZ))
        .columns(timestamps())
        .column(versioned())
        .check(
            "email_queue_status_check",
            "status IN ('pending', 'sending', 'sent', 'failed', 'cancelled')",
        )
        .index(
            Index::named("idx_email_queue_pending", ["priority", "scheduled_at"])
                .filter("status = 'pending'"),
        )
        .with(touched("email_queue"))
}

fn webhooks() -> Table {
    Table::new(WEBHOOKS)
        .comment("An endpoint a tenant subscribed to platform events")
        .column(id())
        .with(tenant_scoped("webhooks", FkAction::Cascade))
        .column(
            col("project_id", INT)
                .references(PROJECTS, "id")
                .on_delete(FkAction::Cascade),
        )
        .column(col("url", varchar(500)).not_null())
        .column(col("secret_encrypted", TEXT))
        .column(
            col("events", array(TEXT))
                .not_null()
                .default("'{}'::text[]"),
        )
        .column(jsonb_object("headers"))
        .column(is_active())
        .column(col("failure_count", INT).not_null().default_value(0))
        .column(col("last_triggered_at", TIMESTAMPTZ))
        .column(col("last_failure_at", TIMESTAMPTZ))
        .column(col("created_by", INT))
        .columns(timestamps())
        .column(versioned())
        .index(Index::named("idx_webhooks_project", ["project_id"]))
        .index(Index::named("idx_webhooks_active", ["tenant_id"]).filter("is_active = true"))
        .with(touched("webhooks"))
        .with(audited("webhooks"))
}

fn webhook_deliveries() -> Table {
    Table::new(WEBHOOK_DELIVERIES)
        .comment("One attempt to deliver an event to a webhook")
        .column(big_id())
        .with(tenant_scoped("webhook_deliveries", FkAction::Cascade))
        .column(
            col("webhook_id", INT)
                .not_null()
                .references(WEBHOOKS, "id")
                .on_delete(FkAction::Cascade),
        )
        .column(col("event_type", varchar(100)).not_null())
        .column(col("payload", JSONB).not_null())
        .column(
            col("status", varchar(20))
                .not_null()
                .default_value("pending"),
        )
        .column(col("attempt", INT).not_null().default_value(1))
        .column(col("response_status", INT))
        .column(col("response_body", TEXT))
        .column(col("duration_ms", INT))
        .column(col("error", TEXT))
        .column(col("next_retry_at", TIMESTAMPTZ))
        .column(col("delivered_at", TIMESTAMPTZ))
        .column(created_at())
        .column(col("updated_at", TIMESTAMPTZ).default("now()"))
        .column(versioned())
        .check(
            "webhook_deliveries_status_check",
            "status IN ('pending', 'succeeded', 'failed', 'abandoned')",
        )
        .index(
            Index::named(
                "idx_webhook_deliveries_webhook",
                ["webhook_id", "created_at"],
            )
            .desc(),
        )
        .index(
            Index::named("idx_webhook_deliveries_retry", ["next_retry_at"])
                .filter("status = 'failed'"),
        )
        .with(touched("webhook_deliveries"))
}
