//! The blog's schema, as migrations the application applies at start-up.

pub mod models;

/// Every revision in `migrations/`, embedded at compile time.
pub static MIGRATIONS: schema_runtime::Migrations = schema_runtime::migrations!("migrations");

// `cargo test -p blog` replays every revision on each dialect, derives every downgrade and
// compares the SQL snapshots in migrations/snapshots/, without a database.
schema_runtime::migration_tests!(MIGRATIONS);

// And every revision applied, reverted and applied again on a scratch database beside
// DATABASE_URL's (else a temporary SQLite file), the schema compared each time: `cargo schema
// test` under `cargo test`.
schema_runtime::round_trip_tests!(MIGRATIONS);
