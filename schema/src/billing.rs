//! Schema `billing`: plans, the subscription of each tenant and metered usage (seed 003
//! `009_add_billing.sql`, seed 004 phase 8). The seed shows only a few columns and a
//! `plan_id` with nothing to point at: `billing.plans` is declared for it.

use crate::cfg::CURRENCIES;
use crate::core::PROJECTS;
use crate::helpers::{
    audited, big_id, id, is_active, jsonb_object, tenant_scoped_unindexed, timestamps, touched,
    versioned,
};
use ddl::prelude::*;

pub const PLANS: TableRef = TableRef::new("billing", "plans");
pub const SUBSCRIPTIONS: TableRef = TableRef::new("billing", "subscriptions");
pub const USAGE_RECORDS: TableRef = TableRef::new("billing", "usage_records");

pub fn database() -> Database {
    Database::new()
        .schema(Schema::new("billing").comment("Plans, subscriptions and metered usage"))
        .tables([plans(), subscriptions(), usage_records()])
}

/// Not in the seed: the target of `billing.subscriptions.plan_id`.
fn plans() -> Table {
    Table::new(PLANS)
        .comment("A plan tenants subscribe to; code matches core.tenants.plan")
        .column(id())
        .column(col("code", varchar(50)).not_null().unique())
        .column(col("name", varchar(100)).not_null())
        .column(col("description", TEXT))
        .column(
            col("price_monthly", numeric(12, 2))
                .not_null()
                .default_value(0)
                .check("price_monthly >= 0"),
        )
        .column(col("price_yearly", numeric(12, 2)).check("price_yearly >= 0"))
        .column(
            col("currency", varchar(3))
                .not_null()
                .default_value("USD")
                .references(CURRENCIES, "code"),
        )
        .column(jsonb_object("limits"))
        .column(jsonb_object("features"))
        .column(is_active())
        .columns(timestamps())
        .column(versioned())
        .with(touched("plans"))
        .with(audited("plans"))
        .index(Index::named("idx_plans_currency", ["currency"]))
}

fn subscriptions() -> Table {
    Table::new(SUBSCRIPTIONS)
        .comment("The current subscription of a tenant (one per tenant)")
        .column(id())
        .with(tenant_scoped_unindexed("subscriptions", FkAction::Cascade))
        .column(col("plan_id", INT).not_null().references(PLANS, "id"))
        .column(
            col("status", varchar(20))
                .not_null()
                .default_value("active"),
        )
        .column(
            col("billing_cycle", varchar(10))
                .not_null()
                .default_value("monthly"),
        )
        .column(col("current_period_start", TIMESTAMPTZ))
        .column(col("current_period_end", TIMESTAMPTZ))
        .column(col("trial_ends_at", TIMESTAMPTZ))
        .column(
            col("cancel_at_period_end", BOOL)
                .not_null()
                .default_value(false),
        )
        .column(col("cancelled_at", TIMESTAMPTZ))
        .column(col("external_customer_id", varchar(100)))
        .column(col("external_subscription_id", varchar(100)).unique())
        .column(jsonb_object("metadata"))
        .columns(timestamps())
        .column(versioned())
        .unique(["tenant_id"])
        .check(
            "subscriptions_status_check",
            "status IN ('trialing', 'active', 'past_due', 'cancelled', 'expired')",
        )
        .check(
            "subscriptions_billing_cycle_check",
            "billing_cycle IN ('monthly', 'yearly')",
        )
        .index(Index::named("idx_subscriptions_plan", ["plan_id"]))
        .with(touched("subscriptions"))
        .with(audited("subscriptions"))
}

fn usage_records() -> Table {
    Table::new(USAGE_RECORDS)
        .comment("Metered usage of a resource by a tenant in a period (append-only)")
        .column(big_id())
        .with(tenant_scoped_unindexed("usage_records", FkAction::Cascade))
        .column(
            col("project_id", INT)
                .references(PROJECTS, "id")
                .on_delete(FkAction::Cascade),
        )
        .column(col("resource_type", varchar(50)).not_null())
        .column(
            col("quantity", BIGINT)
                .not_null()
                .default_value(0)
                .check("quantity >= 0"),
        )
        .column(col("period_start", TIMESTAMPTZ).not_null())
        .column(col("period_end", TIMESTAMPTZ))
        .column(col("recorded_at", TIMESTAMPTZ).not_null().default("now()"))
        .column(jsonb_object("metadata"))
        .index(Index::named(
            "idx_usage_records_tenant_period",
            ["tenant_id", "resource_type", "period_start"],
        ))
        .index(Index::named("idx_usage_records_project", ["project_id"]))
}
