//! Schema `cfg`: configuration and reference data: languages and currencies (with the
//! seed's default rows), exchange rates, translations and feature flags (seed 003
//! `001_initial_schema.sql`, `011_add_feature_flags.sql` and `seeds/001`, `seeds/002`).

use crate::core::TENANTS;
use crate::helpers::{audited, big_id, id, jsonb_object, timestamps, touched, versioned};
use ddl::prelude::*;

pub const LANGUAGES: TableRef = TableRef::new("cfg", "languages");
pub const CURRENCIES: TableRef = TableRef::new("cfg", "currencies");
pub const EXCHANGE_RATES: TableRef = TableRef::new("cfg", "exchange_rates");
pub const TRANSLATIONS: TableRef = TableRef::new("cfg", "translations");
pub const FEATURE_FLAGS: TableRef = TableRef::new("cfg", "feature_flags");

/// Rows of `cfg.translations` and `cfg.feature_flags` with a NULL `tenant_id` are the
/// platform defaults every tenant sees; the others belong to one tenant.
const GLOBAL_OR_OWN_TENANT: &str = "tenant_id IS NULL OR tenant_id = app.current_tenant()";
const OWN_TENANT: &str = "tenant_id = app.current_tenant()";

pub fn database() -> Database {
    Database::new()
        .schema(Schema::new("cfg").comment(
            "Configuration and reference data: languages, currencies, exchange rates, \
             translations, feature flags",
        ))
        .tables([
            languages(),
            currencies(),
            exchange_rates(),
            translations(),
            feature_flags(),
        ])
}

fn languages() -> Table {
    Table::new(LANGUAGES)
        .comment("Languages the platform can be shown in")
        .column(col("code", varchar(10)).primary_key())
        .column(col("name", varchar(100)))
        .column(col("native_name", varchar(100)))
        .column(col("direction", varchar(3)).default_value("ltr"))
        .column(col("is_active", BOOL).default_value(true))
        .rows(
            ["code", "name", "native_name", "direction", "is_active"],
            vec![
                vec![
                    lit("en"),
                    lit("English"),
                    lit("English"),
                    lit("ltr"),
                    lit(true),
                ],
                vec![
                    lit("tr"),
                    lit("Turkish"),
                    lit("Türkçe"),
                    lit("ltr"),
                    lit(true),
                ],
                vec![
                    lit("de"),
                    lit("German"),
                    lit("Deutsch"),
                    lit("ltr"),
                    lit(true),
                ],
                vec![
                    lit("fr"),
                    lit("French"),
                    lit("Français"),
                    lit("ltr"),
                    lit(true),
                ],
            ],
        )
}

fn currencies() -> Table {
    Table::new(CURRENCIES)
        .comment("Currencies prices and plans can be expressed in")
        .column(col("code", varchar(3)).primary_key())
        .column(col("name", varchar(100)))
        .column(col("symbol", varchar(10)))
        .column(col("decimal_digits", INT).default_value(2))
        .column(col("is_active", BOOL).default_value(true))
        .rows(
            ["code", "name", "symbol", "decimal_digits"],
            vec![
                vec![lit("USD"), lit("US Dollar"), lit("$"), lit(2)],
                vec![lit("EUR"), lit("Euro"), lit("€"), lit(2)],
                vec![lit("TRY"), lit("Turkish Lira"), lit("₺"), lit(2)],
            ],
        )
}

fn exchange_rates() -> Table {
    Table::new(EXCHANGE_RATES)
        .comment("The rate from one currency to another on a day")
        .column(
            col("from_currency", varchar(3))
                .not_null()
                .references(CURRENCIES, "code"),
        )
        .column(
            col("to_currency", varchar(3))
                .not_null()
                .references(CURRENCIES, "code"),
        )
        .column(col("rate", numeric(20, 6)).not_null().check("rate > 0"))
        .column(col("rate_date", DATE).not_null())
        .primary_key(["from_currency", "to_currency", "rate_date"])
        .index(Index::named(
            "idx_exchange_rates_to_currency",
            ["to_currency"],
        ))
}

fn translations() -> Table {
    Table::new(TRANSLATIONS)
        .comment(
            "UI strings per language; tenant_id NULL = platform default, else a tenant override",
        )
        .column(big_id())
        .column(
            col("tenant_id", INT)
                .references(TENANTS, "id")
                .on_delete(FkAction::Cascade),
        )
        .column(col("language_code", varchar(10)).references(LANGUAGES, "code"))
        .column(col("translation_key", varchar(200)))
        .column(col("translation_value", TEXT))
        .unique_nulls_not_distinct(
            "translations_tenant_id_language_code_translation_key_key",
            ["tenant_id", "language_code", "translation_key"],
        )
        .enable_rls()
        .policy(
            Policy::new("rls_translations_tenant")
                .using(GLOBAL_OR_OWN_TENANT)
                .with_check(OWN_TENANT),
        )
        .index(Index::named("idx_translations_language", ["language_code"]))
}

/// `011_add_feature_flags.sql` is only named by the seed: the table is declared here.
fn feature_flags() -> Table {
    Table::new(FEATURE_FLAGS)
        .comment("A feature switch; tenant_id NULL = platform default, else a tenant override")
        .column(id())
        .column(
            col("tenant_id", INT)
                .references(TENANTS, "id")
                .on_delete(FkAction::Cascade),
        )
        .column(col("flag_key", varchar(100)).not_null())
        .column(col("description", TEXT))
        .column(col("is_enabled", BOOL).not_null().default_value(false))
        .column(
            col("rollout_percentage", SMALLINT)
                .not_null()
                .default_value(100)
                .check("rollout_percentage BETWEEN 0 AND 100"),
        )
        .column(jsonb_object("conditions"))
        .column(col("expires_at", TIMESTAMPTZ))
        .columns(timestamps())
        .column(versioned())
        .unique_nulls_not_distinct("unique_feature_flag_per_tenant", ["tenant_id", "flag_key"])
        .index(Index::named("idx_feature_flags_key", ["flag_key"]))
        .enable_rls()
        .policy(
            Policy::new("rls_feature_flags_tenant")
                .using(GLOBAL_OR_OWN_TENANT)
                .with_check(OWN_TENANT),
        )
        .with(touched("feature_flags"))
        .with(audited("feature_flags"))
}
