//! The one workload every benchmark measures (docs/performance.md): a seeded N-table
//! schema over eight PostgreSQL schemas, emitted as a user's DSL crate ([`dsl`]), as plain
//! SQL ([`sql`]) and as the model itself ([`model`]), plus a v2 with one added nullable
//! column; as a drizzle-kit schema ([`drizzle`]) for the peer benchmark.

pub mod drizzle;
pub mod dsl;
pub mod model;
pub mod spec;
pub mod sql;

pub use spec::{Workload, generate};

/// The seed every benchmark and the smoke test use unless told otherwise.
pub const DEFAULT_SEED: u64 = 15;
