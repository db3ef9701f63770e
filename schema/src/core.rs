//! Schema `core`: tenants, users and their sessions and 2FA, projects and their table
//! metadata, API keys, files, organizations and RBAC (seed 003 `001_initial_schema.sql`,
//! seed 004 phases 4, 5, 9 and 10).

use crate::cfg::{CURRENCIES, LANGUAGES};
use crate::helpers::{
    actor_columns, audited, id, is_active, jsonb_object, lifecycle, record_columns,
    soft_delete_columns, tenant_scoped, tenant_scoped_unindexed, timestamps, touched, versioned,
};
use ddl::prelude::*;

pub const TENANTS: TableRef = TableRef::new("core", "tenants");
pub const USERS: TableRef = TableRef::new("core", "users");
pub const USER_SESSIONS: TableRef = TableRef::new("core", "user_sessions");
pub const USER_2FA: TableRef = TableRef::new("core", "user_2fa");
pub const PROJECTS: TableRef = TableRef::new("core", "projects");
pub const TABLE_METADATA: TableRef = TableRef::new("core", "table_metadata");
pub const API_KEYS: TableRef = TableRef::new("core", "api_keys");
pub const FILES: TableRef = TableRef::new("core", "files");
pub const IMAGE_VARIANTS: TableRef = TableRef::new("core", "image_variants");
pub const ORGANIZATIONS: TableRef = TableRef::new("core", "organizations");
pub const ORGANIZATION_MEMBERS: TableRef = TableRef::new("core", "organization_members");
pub const ROLES: TableRef = TableRef::new("core", "roles");
pub const PERMISSIONS: TableRef = TableRef::new("core", "permissions");
pub const ROLE_PERMISSIONS: TableRef = TableRef::new("core", "role_permissions");
pub const USER_ROLES: TableRef = TableRef::new("core", "user_roles");

pub fn database() -> Database {
    Database::new()
        .schema(Schema::new("core").comment(
            "Tenants, users, sessions, projects, table metadata, API keys, files, \
             organizations and RBAC",
        ))
        .tables([
            tenants(),
            users(),
            user_sessions(),
            user_2fa(),
            projects(),
            table_metadata(),
            api_keys(),
            files(),
            image_variants(),
            organizations(),
            organization_members(),
            roles(),
            permissions(),
            role_permissions(),
            user_roles(),
        ])
}

fn tenants() -> Table {
    Table::new(TENANTS)
        .comment("A customer of the platform; every tenant-scoped row points here")
        .column(id())
        .column(col("name", varchar(200)).not_null())
        .column(col("slug", varchar(100)).not_null().unique())
        .column(col("domain", varchar(255)).unique())
        .column(col("logo_url", varchar(500)))
        .column(col("favicon_url", varchar(500)))
        .column(col("primary_color", varchar(7)))
        .column(col("secondary_color", varchar(7)))
        .column(
            col("default_language", varchar(10))
                .default_value("en")
                .references(LANGUAGES, "code"),
        )
        .column(col("supported_languages", array(TEXT)).default("'{en}'::text[]"))
        .column(col("timezone", varchar(50)).default_value("UTC"))
        .column(col("date_format", varchar(20)).default_value("YYYY-MM-DD"))
        .column(col("time_format", varchar(20)).default_value("HH:mm:ss"))
        .column(
            col("default_currency", varchar(3))
                .default_value("USD")
                .references(CURRENCIES, "code"),
        )
        .column(col("supported_currencies", array(TEXT)).default("'{USD}'::text[]"))
        .column(col("auto_convert_currency", BOOL).default_value(false))
        .column(col("decimal_separator", varchar(1)).default_value("."))
        .column(col("thousands_separator", varchar(1)).default_value(","))
        .column(jsonb_object("features"))
        .column(jsonb_object("limits"))
        .column(col("plan", varchar(50)).default_value("free"))
        .column(col("subscription_status", varchar(20)).default_value("active"))
        .column(col("trial_ends_at", TIMESTAMPTZ))
        .column(col("subscription_ends_at", TIMESTAMPTZ))
        .column(col("max_projects", INT).default_value(3))
        .column(col("max_tables_per_project", INT).default_value(10))
        .column(col("max_records", INT).default_value(10000))
        .column(jsonb_object("settings"))
        .column(is_active())
        .columns(soft_delete_columns())
        .column(versioned())
        .columns(timestamps())
        .index(Index::named("idx_tenants_slug", ["slug"]))
        .index(Index::named("idx_tenants_active", ["is_active"]).filter("is_deleted = false"))
        .with(lifecycle("tenants"))
        .index(Index::named(
            "idx_tenants_default_currency",
            ["default_currency"],
        ))
        .index(Index::named(
            "idx_tenants_default_language",
            ["default_language"],
        ))
}

fn users() -> Table {
    Table::new(USERS)
        .comment("A login of a tenant; email is unique across the platform")
        .column(id())
        .with(tenant_scoped("users", FkAction::NoAction))
        .column(col("email", CITEXT).not_null().unique())
        .column(col("password_hash", varchar(255)).not_null())
        .column(col("email_verified", BOOL).default_value(false))
        .column(col("email_verification_token", varchar(255)))
        .column(col("phone", varchar(50)))
        .column(col("phone_verified", BOOL).default_value(false))
        .column(col("name", varchar(200)))
        .column(col("role", varchar(50)).default_value("user"))
        .column(col("timezone", varchar(50)).default_value("UTC"))
        .column(is_active())
        .columns(soft_delete_columns())
        .column(col("last_login_at", TIMESTAMPTZ))
        .column(col("login_count", INT).default_value(0))
        .column(versioned())
        .columns(timestamps())
        .columns(actor_columns())
        .index(Index::named("idx_users_email", ["email"]))
        .index(
            Index::named("idx_users_active", ["tenant_id"])
                .filter("is_active = true AND is_deleted = false"),
        )
        .with(lifecycle("users"))
}

fn user_sessions() -> Table {
    Table::new(USER_SESSIONS)
        .comment("A signed-in device of a user")
        .column(id())
        .with(tenant_scoped_unindexed("sessions", FkAction::NoAction))
        .column(col("user_id", INT).not_null().references(USERS, "id"))
        .column(col("token", varchar(500)).not_null().unique())
        .column(col("device_id", varchar(255)))
        .column(col("device_name", varchar(255)))
        .column(col("device_type", varchar(50)))
        .column(col("ip_address", INET))
        .column(col("user_agent", TEXT))
        .column(col("location", JSONB))
        .column(col("expires_at", TIMESTAMPTZ).not_null())
        .column(col("last_activity_at", TIMESTAMPTZ).default("now()"))
        .column(is_active())
        .columns(timestamps())
        .column(versioned())
        .index(Index::named("idx_sessions_user", ["user_id"]))
        .index(Index::named("idx_sessions_token", ["token"]))
        .index(Index::named("idx_sessions_expire", ["expires_at"]))
        .with(touched("sessions"))
        .index(Index::named("idx_sessions_tenant", ["tenant_id"]))
}

fn user_2fa() -> Table {
    Table::new(USER_2FA)
        .comment("The second factor of a user (one per user)")
        .column(id())
        .with(tenant_scoped_unindexed("2fa", FkAction::NoAction))
        .column(
            col("user_id", INT)
                .not_null()
                .unique()
                .references(USERS, "id"),
        )
        .column(col("method", varchar(20)).not_null())
        .column(col("secret_encrypted", TEXT).not_null())
        .column(col("backup_codes_encrypted", array(TEXT)))
        .column(col("is_enabled", BOOL).default_value(false))
        .column(col("enabled_at", TIMESTAMPTZ))
        .column(col("last_used_at", TIMESTAMPTZ))
        .columns(timestamps())
        .column(versioned())
        .with(touched("2fa"))
        .index(Index::named("idx_user_2fa_tenant", ["tenant_id"]))
}

fn projects() -> Table {
    Table::new(PROJECTS)
        .comment("A project of a tenant: its tables live in core.table_metadata")
        .column(id())
        .with(tenant_scoped("projects", FkAction::Cascade))
        .column(
            col("user_id", INT)
                .not_null()
                .references(USERS, "id")
                .on_delete(FkAction::Cascade),
        )
        .column(col("name", varchar(200)).not_null())
        .column(col("description", TEXT))
        .column(col("template_type", varchar(100)))
        .column(jsonb_object("template_config"))
        .column(col("api_key", varchar(100)).not_null().unique())
        .column(col("api_key_password", varchar(255)))
        .column(is_active())
        .columns(record_columns())
        .unique_named("unique_project_name_per_tenant", ["tenant_id", "name"])
        .index(Index::named("idx_projects_user", ["user_id"]))
        .index(Index::named("idx_projects_api_key", ["api_key"]))
        .index(
            Index::named("idx_projects_active", ["tenant_id"])
                .filter("is_active = true AND is_deleted = false"),
        )
        .with(lifecycle("projects"))
}

fn table_metadata() -> Table {
    Table::new(TABLE_METADATA)
        .comment("A user-defined table of a project; its rows live in app.generic_data")
        .column(id())
        .with(tenant_scoped("table_metadata", FkAction::Cascade))
        .column(
            col("project_id", INT)
                .not_null()
                .references(PROJECTS, "id")
                .on_delete(FkAction::Cascade),
        )
        .column(col("table_name", varchar(100)).not_null())
        .column(col("physical_table_name", varchar(255)).not_null().unique())
        .column(col("fields", JSONB).not_null().default("'[]'::jsonb"))
        .column(col("from_template", BOOL).default_value(false))
        .column(col("template_table_name", varchar(100)))
        .column(is_active())
        .columns(record_columns())
        .unique_named(
            "unique_table_per_project",
            ["tenant_id", "project_id", "table_name"],
        )
        .index(Index::named("idx_table_metadata_project", ["project_id"]))
        .index(Index::named(
            "idx_table_metadata_physical",
            ["physical_table_name"],
        ))
        .index(
            Index::named("idx_table_metadata_active", ["project_id"])
                .filter("is_active = true AND is_deleted = false"),
        )
        .with(lifecycle("table_metadata"))
}

fn api_keys() -> Table {
    Table::new(API_KEYS)
        .comment("An API key of a user, optionally bound to one project")
        .column(id())
        .with(tenant_scoped("api_keys", FkAction::Cascade))
        .column(
            col("project_id", INT)
                .references(PROJECTS, "id")
                .on_delete(FkAction::Cascade),
        )
        .column(
            col("user_id", INT)
                .not_null()
                .references(USERS, "id")
                .on_delete(FkAction::Cascade),
        )
        .column(col("name", varchar(100)).not_null())
        .column(col("key_prefix", varchar(20)).unique())
        .column(col("key_hash", varchar(255)).not_null())
        .column(col("key_encrypted", TEXT).not_null())
        .column(jsonb_object("permissions"))
        .column(col("scopes", array(TEXT)).default("'{}'::text[]"))
        .column(col("rate_limit_per_minute", INT).default_value(60))
        .column(col("rate_limit_per_day", INT).default_value(10000))
        .column(col("allowed_ips", array(TEXT)).default("'{}'::text[]"))
        .column(col("allowed_domains", array(TEXT)).default("'{}'::text[]"))
        .column(col("last_used_at", TIMESTAMPTZ))
        .column(col("total_requests", BIGINT).default_value(0))
        .column(col("total_errors", INT).default_value(0))
        .column(col("expires_at", TIMESTAMPTZ))
        .column(is_active())
        .columns(timestamps())
        .column(col("revoked_at", TIMESTAMPTZ))
        .column(col("revoked_by", INT))
        .column(col("revoke_reason", TEXT))
        .column(versioned())
        .index(Index::named("idx_api_keys_project", ["project_id"]))
        .index(Index::named("idx_api_keys_prefix", ["key_prefix"]))
        .index(Index::named("idx_api_keys_active", ["tenant_id"]).filter("is_active = true"))
        .with(touched("api_keys"))
        .with(audited("api_keys"))
        .index(Index::named("idx_api_keys_user", ["user_id"]))
}

fn files() -> Table {
    Table::new(FILES)
        .comment("An uploaded file of a tenant")
        .column(col("id", UUID).primary_key().default("uuid_generate_v4()"))
        .with(tenant_scoped("files", FkAction::NoAction))
        .column(col("uploaded_by", INT).references(USERS, "id"))
        .column(col("original_filename", varchar(500)))
        .column(col("filename", varchar(500)))
        .column(col("storage_path", TEXT))
        .column(col("storage_provider", varchar(50)))
        .column(col("mime_type", varchar(100)))
        .column(col("file_size", BIGINT))
        .column(col("file_hash", varchar(64)))
        .column(col("width", INT))
        .column(col("height", INT))
        .column(col("is_public", BOOL).default_value(false))
        .column(col("virus_scan_status", varchar(20)))
        .column(col("virus_scan_at", TIMESTAMPTZ))
        .column(col("expires_at", TIMESTAMPTZ))
        .column(col("is_deleted", BOOL).default_value(false))
        .columns(timestamps())
        .column(versioned())
        .index(Index::named("idx_files_hash", ["file_hash"]))
        .with(touched("files"))
        .index(Index::named("idx_files_uploaded_by", ["uploaded_by"]))
}

/// Seed 004 phase 5 shows only `id`, `file_id`, `variant_name`: the rest is declared here.
fn image_variants() -> Table {
    Table::new(IMAGE_VARIANTS)
        .comment("A resized or converted rendition of an image in core.files")
        .column(id())
        .with(tenant_scoped("image_variants", FkAction::Cascade))
        .column(
            col("file_id", UUID)
                .not_null()
                .references(FILES, "id")
                .on_delete(FkAction::Cascade),
        )
        .column(col("variant_name", varchar(50)).not_null())
        .column(col("storage_path", TEXT).not_null())
        .column(col("mime_type", varchar(100)))
        .column(col("file_size", BIGINT))
        .column(col("width", INT))
        .column(col("height", INT))
        .columns(timestamps())
        .column(versioned())
        .unique_named("unique_variant_per_file", ["file_id", "variant_name"])
        .with(touched("image_variants"))
}

/// Seed 004 phase 9 shows `id`, `tenant_id`, `owner_id`, `name`.
fn organizations() -> Table {
    Table::new(ORGANIZATIONS)
        .comment("A group of users inside a tenant (company, team)")
        .column(id())
        .with(tenant_scoped("organizations", FkAction::Cascade))
        .column(col("owner_id", INT).not_null().references(USERS, "id"))
        .column(col("name", varchar(200)).not_null())
        .column(col("slug", varchar(100)).not_null())
        .column(col("description", TEXT))
        .column(col("logo_url", varchar(500)))
        .column(jsonb_object("settings"))
        .column(is_active())
        .columns(record_columns())
        .unique_named("unique_organization_slug_per_tenant", ["tenant_id", "slug"])
        .index(Index::named("idx_organizations_owner", ["owner_id"]))
        .index(
            Index::named("idx_organizations_active", ["tenant_id"])
                .filter("is_active = true AND is_deleted = false"),
        )
        .with(lifecycle("organizations"))
}

/// Named by the seed's `002_add_organizations.down.sql`; its columns are declared here.
fn organization_members() -> Table {
    Table::new(ORGANIZATION_MEMBERS)
        .comment("Membership of a user in an organization")
        .column(id())
        .with(tenant_scoped("organization_members", FkAction::Cascade))
        .column(
            col("organization_id", INT)
                .not_null()
                .references(ORGANIZATIONS, "id")
                .on_delete(FkAction::Cascade),
        )
        .column(
            col("user_id", INT)
                .not_null()
                .references(USERS, "id")
                .on_delete(FkAction::Cascade),
        )
        .column(col("role", varchar(50)).not_null().default_value("member"))
        .column(col("joined_at", TIMESTAMPTZ).default("now()"))
        .columns(timestamps())
        .column(versioned())
        .unique_named(
            "unique_member_per_organization",
            ["organization_id", "user_id"],
        )
        .index(Index::named("idx_organization_members_user", ["user_id"]))
        .with(touched("organization_members"))
        .with(audited("organization_members"))
}

/// Seed 004 phase 10.1 shows `id`, `tenant_id`, `name`.
fn roles() -> Table {
    Table::new(ROLES)
        .comment("A named set of permissions, defined per tenant")
        .column(id())
        .with(tenant_scoped("roles", FkAction::Cascade))
        .column(col("name", varchar(100)).not_null())
        .column(col("description", TEXT))
        .column(col("is_system", BOOL).not_null().default_value(false))
        .columns(timestamps())
        .column(versioned())
        .unique_named("unique_role_name_per_tenant", ["tenant_id", "name"])
        .with(touched("roles"))
        .with(audited("roles"))
}

/// Seed 004 phase 10.2 shows `id`, `resource`, `action`: a platform-wide catalogue.
fn permissions() -> Table {
    Table::new(PERMISSIONS)
        .comment("An action on a resource; the platform-wide catalogue roles draw from")
        .column(id())
        .column(col("resource", varchar(100)).not_null())
        .column(col("action", varchar(50)).not_null())
        .column(col("description", TEXT))
        .columns(timestamps())
        .column(versioned())
        .unique_named("unique_permission_resource_action", ["resource", "action"])
        .with(touched("permissions"))
}

/// Seed 004 phase 10.3: `(role_id, permission_id)` primary key, as the seed has it.
fn role_permissions() -> Table {
    Table::new(ROLE_PERMISSIONS)
        .comment("The permissions a role grants")
        .column(
            col("role_id", INT)
                .not_null()
                .references(ROLES, "id")
                .on_delete(FkAction::Cascade),
        )
        .column(
            col("permission_id", INT)
                .not_null()
                .references(PERMISSIONS, "id")
                .on_delete(FkAction::Cascade),
        )
        .with(tenant_scoped("role_permissions", FkAction::Cascade))
        .column(col("granted_at", TIMESTAMPTZ).default("now()"))
        .column(col("granted_by", INT))
        .primary_key(["role_id", "permission_id"])
        .index(Index::named(
            "idx_role_permissions_permission",
            ["permission_id"],
        ))
}

/// Seed 004 phase 10.4: `(user_id, role_id)` primary key, as the seed has it.
fn user_roles() -> Table {
    Table::new(USER_ROLES)
        .comment("The roles a user holds")
        .column(
            col("user_id", INT)
                .not_null()
                .references(USERS, "id")
                .on_delete(FkAction::Cascade),
        )
        .column(
            col("role_id", INT)
                .not_null()
                .references(ROLES, "id")
                .on_delete(FkAction::Cascade),
        )
        .with(tenant_scoped("user_roles", FkAction::Cascade))
        .column(col("granted_at", TIMESTAMPTZ).default("now()"))
        .column(col("granted_by", INT))
        .primary_key(["user_id", "role_id"])
        .index(Index::named("idx_user_roles_role", ["role_id"]))
}
