//! The runner of tests/fixtures/tenant, a package kept in PostgreSQL schema `app`
//! (`Migrations::in_schema`), for the fleet and schema tests (tests/tests/fleet.rs). On SQLite
//! and MariaDB the schema does not apply.

static MIGRATIONS: schema_runtime::Migrations =
    schema_runtime::migrations!("fixtures/tenant").in_schema("app");
schema_runtime::runner_main!(MIGRATIONS);
