//! Errors of the migration runner. Each renders as one line that names what failed, where,
//! and what to do next.

use ddl::checksum::SumError;

/// A problem with the migration files themselves, found before the database is touched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    #[error("cannot read {path}: {message}")]
    Io { path: String, message: String },
    #[error(
        "unexpected migration file name `{file}`: expected NNN_snake_name.sql or NNN_snake_name.down.sql with NNN from 001"
    )]
    BadFileName { file: String },
    #[error("two migration files have version {version}: {first} and {second}")]
    DuplicateVersion {
        version: u32,
        first: String,
        second: String,
    },
    #[error("{file} has no up migration next to it")]
    DownWithoutUp { file: String },
    #[error("{down} does not match its up file: expected {expected}")]
    MismatchedDown { down: String, expected: String },
    #[error("{file}: {message}")]
    Marker { file: String, message: String },
    #[error("{file}:{line}: unterminated {what} (it starts here and never ends)")]
    Split {
        file: String,
        line: usize,
        what: &'static str,
    },
}

/// Why connecting failed, told apart because each has its own fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectError {
    #[error(
        "the database URL is not a PostgreSQL URL (scheme `{scheme}`): expected postgres://user:password@host:5432/database"
    )]
    NotPostgres { scheme: String },
    #[error("the database URL is malformed: {message}")]
    BadUrl { message: String },
    #[error(
        "cannot reach the PostgreSQL server at {target}: {message} (is it running, and are host and port right?)"
    )]
    Unreachable { target: String, message: String },
    #[error(
        "authentication failed for user `{user}` at {target}: {message} (check the user and password in the database URL)"
    )]
    Auth {
        user: String,
        target: String,
        message: String,
    },
    #[error("database `{database}` does not exist on {target}: create it with `{createdb}`")]
    NoDatabase {
        database: String,
        target: String,
        createdb: String,
    },
    #[error("cannot connect to {target}: {message}")]
    Other { target: String, message: String },
}

/// A failure of a run.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error(transparent)]
    Connect(#[from] ConnectError),
    #[error("{file}:{line}: {statement} failed: {message}{rolled_back}")]
    Statement {
        file: String,
        line: usize,
        statement: String,
        /// PostgreSQL's message with its SQLSTATE, detail and hint.
        message: String,
        /// What happened to the migration, for example "; migration 002_x rolled back".
        rolled_back: String,
    },
    #[error(
        "{file}:{line}: out of shared memory: the migration locks more objects than the server allows in one transaction; raise max_locks_per_transaction (ALTER SYSTEM SET max_locks_per_transaction = 1024; then restart PostgreSQL) or split the migration{rolled_back}"
    )]
    OutOfSharedMemory {
        file: String,
        line: usize,
        rolled_back: String,
    },
    #[error(
        "{file} was edited after it was applied (recorded checksum {recorded}, file has {actual}): never edit an applied migration, write a new one (or roll it back first)"
    )]
    Edited {
        file: String,
        recorded: String,
        actual: String,
    },
    #[error(
        "migration {name} is applied to the database but its file {name}.sql is missing from {origin}: restore the file"
    )]
    Missing { name: String, origin: String },
    #[error("{origin}: {}", join_sum(.errors))]
    Sum {
        origin: String,
        errors: Vec<SumError>,
    },
    #[error(
        "migration {pending} is pending but the newer {applied} is already applied: migrations apply in version order; renumber {pending} after {applied}"
    )]
    OutOfOrder { pending: String, applied: String },
    #[error(
        "fresh would also drop {} object{} the migrations did not create: {}; nothing was changed: drop or move {} yourself, or rerun with --force to drop {} too",
        .objects.len(),
        if .objects.len() == 1 { "" } else { "s" },
        .objects.join(", "),
        if .objects.len() == 1 { "it" } else { "them" },
        if .objects.len() == 1 { "it" } else { "them" }
    )]
    Unmanaged { objects: Vec<String> },
    #[error("cannot roll back {name}: it has no down file ({name}.down.sql)")]
    NoDown { name: String },
    #[error("gave up waiting for the migration lock after {seconds} s (held by {holder})")]
    LockTimeout { seconds: u64, holder: String },
    #[error("{context}: {message}")]
    Db { context: String, message: String },
}

fn join_sum(errors: &[SumError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}
