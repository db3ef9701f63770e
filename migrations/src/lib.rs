//! The migrations of the platform database, embedded at build time, and the runner that
//! applies them.
//!
//! - [`source`]: the `NNN_name.sql` / `NNN_name.down.sql` files (embedded, or from a
//!   directory), parsed into statements with their lines, checked against `migrations.sum`.
//! - [`runner`]: applies, rolls back and reports them on a live PostgreSQL: one transaction
//!   per migration, an advisory lock, checksums in a history table of a fixed schema.
//! - [`migrator`]: the same files as a sea-orm-migration `Migrator`, for Rust callers.

mod embedded;
pub mod error;
pub mod marker;
pub mod migrator;
pub mod runner;
pub mod source;
pub mod split;

pub use error::{ConnectError, RunError, SourceError};
pub use migrator::Migrator;
pub use source::{Migration, MigrationSet};
