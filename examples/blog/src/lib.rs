//! The blog's schema, as migrations the application applies at start-up.

pub mod models;

/// Every revision in `migrations/`, embedded at compile time.
pub static MIGRATIONS: schema_runtime::Migrations = schema_runtime::migrations!("migrations");
