//! The declared platform database: one module per PostgreSQL schema (seeds 003 and 004),
//! the repeated patterns in [`helpers`].
//!
//! ```no_run
//! let db = schema::database();
//! assert!(db.tables.iter().any(|t| t.name == schema::USERS.qname()));
//! ```
//!
//! A table is declared by a private function of its module and takes effect only when the
//! module's `database()` lists it. A table function that nothing lists would be silently
//! left out of every migration, so it is a compile error here, not a warning.
#![deny(dead_code)]

pub mod app;
pub mod billing;
pub mod cfg;
pub mod comms;
pub mod core;
pub mod extensions;
pub mod helpers;
pub mod ops;

pub use crate::app::{
    CURRENT_TENANT, CURRENT_USER_ID, GENERIC_DATA, JSONB_TO_TEXT, SET_CONTEXT, SOFT_DELETE,
    TOUCH_ROW,
};
pub use crate::billing::{PLANS, SUBSCRIPTIONS, USAGE_RECORDS};
pub use crate::cfg::{CURRENCIES, EXCHANGE_RATES, FEATURE_FLAGS, LANGUAGES, TRANSLATIONS};
pub use crate::comms::{EMAIL_QUEUE, NOTIFICATIONS, WEBHOOK_DELIVERIES, WEBHOOKS};
pub use crate::core::{
    API_KEYS, FILES, IMAGE_VARIANTS, ORGANIZATION_MEMBERS, ORGANIZATIONS, PERMISSIONS, PROJECTS,
    ROLE_PERMISSIONS, ROLES, TABLE_METADATA, TENANTS, USER_2FA, USER_ROLES, USER_SESSIONS, USERS,
};
pub use crate::ops::{AUDIT_LOGS, LOG_AUDIT, SYSTEM_LOGS, USER_ACTIVITIES};

use ddl::model::database::Database;

/// The whole platform database: extensions, the six schemas, their functions and tables.
pub fn database() -> Database {
    extensions::database()
        .merge(app::database())
        .merge(core::database())
        .merge(cfg::database())
        .merge(ops::database())
        .merge(comms::database())
        .merge(billing::database())
}

/// The session settings every generated migration starts with: how long a statement waits
/// for a lock (then the migration fails and can be rerun) and how long it may run.
pub fn migration_settings() -> ddl::online::Settings {
    ddl::online::Settings::default()
}

#[cfg(test)]
mod tests;
