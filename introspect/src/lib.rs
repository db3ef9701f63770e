//! Reads a live PostgreSQL database into the `ddl` model, and compares it with a
//! declaration (`cli verify`) or with another database (`cli diff`).
//!
//! - [`read`]: one query per catalog (`pg_namespace`, `pg_extension`, `pg_type`,
//!   `pg_class`, `pg_attribute`, `pg_constraint`, `pg_index`, `pg_trigger`, `pg_policy`,
//!   `pg_proc`) for every schema in scope at once, each returning its rows as one JSON
//!   array; what the model cannot represent is listed as [`NotManaged`], never an error.
//! - [`normalise`]: builds a declaration in a scratch database on the same server and
//!   reads it back, so that both sides of a comparison are in PostgreSQL's normal form
//!   (`now()`, re-parenthesised CHECKs, qualified casts).
//! - [`drift`]: the report, grouped by object kind, and the SQL that repairs it.

mod catalog;
pub mod drift;
pub mod normalise;
pub mod read;

pub use drift::{Drift, DriftState, Report, Warning};
pub use normalise::{Scratch, normalised_declaration};
pub use read::{DisabledTrigger, Live, NotManaged, Scope, read, read_parallel, user_schemas};

use migrations::ConnectError;

/// What can go wrong reading or comparing databases. One line each.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Connect(#[from] ConnectError),
    #[error("reading {what} from {target} failed: {message}")]
    Query {
        what: &'static str,
        target: String,
        message: String,
    },
    #[error("{0}")]
    Scratch(String),
    #[error("the declaration is invalid:\n{0}")]
    Declaration(String),
    #[error("cannot plan the change: {0}")]
    Plan(String),
}

/// The schemas no comparison looks at: PostgreSQL's own and the migration history.
pub const IGNORED_SCHEMAS: [&str; 4] =
    ["pg_catalog", "information_schema", "pg_toast", "schemactl"];

mod api;
pub use api::{DbDiff, VerifyOptions, diff_databases, inspect, snapshot, verify};
