//! The runner of tests/fixtures/lint: a revision with an index built without CONCURRENTLY on a
//! table in use, an allowed SET NOT NULL and raw SQL, then revisions that pass, for
//! `cargo schema lint` (tests/tests/runner_cli.rs).

static MIGRATIONS: schema_runtime::Migrations = schema_runtime::migrations!("fixtures/lint");
schema_runtime::runner_main!(MIGRATIONS);

// The revisions from 0003 on pass the lint (0002 does not, on purpose).
schema_runtime::lint_tests!(MIGRATIONS, range = "0003_online:");
