//! The extensions the platform needs (seed 003 `001_initial_schema.sql`).

use ddl::prelude::*;

pub fn database() -> Database {
    Database::new()
        // uuid_generate_v4() for core.files.id.
        .extension(Extension::new("uuid-ossp"))
        // gen_random_uuid(), crypt(), digest(): hashing and encrypting keys and secrets.
        .extension(Extension::new("pgcrypto"))
        // Case-insensitive email columns.
        .extension(Extension::new("citext"))
        // Trigram similarity search.
        .extension(Extension::new("pg_trgm"))
}
