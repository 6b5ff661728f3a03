//! The runner of tests/fixtures/asymmetric: two branches and their merge, one of them a raw SQL
//! revision whose downgrade forgets the index its upgrade creates, for `cargo schema test`
//! (tests/tests/runner_cli.rs).

static MIGRATIONS: schema_runtime::Migrations = schema_runtime::migrations!("fixtures/asymmetric");
schema_runtime::runner_main!(MIGRATIONS);
