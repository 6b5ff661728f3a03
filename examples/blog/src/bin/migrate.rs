//! Applies this package's migrations: `cargo schema upgrade`, or `cargo run --bin migrate -- upgrade`.
schema_runtime::runner_main!(blog::MIGRATIONS, models = blog::models::MODELS);
