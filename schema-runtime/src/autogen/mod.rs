//! Autogenerate: the diff between two schemas as ops (`diff.rs`), and those ops as the Rust
//! source of a migration (`codegen.rs`). Either schema can come from replaying the migrations,
//! from models, or from a live database, so no database is needed to autogenerate.

#[cfg(any(feature = "postgres", feature = "sqlite", feature = "mysql"))]
mod adopt;
mod codegen;
mod diff;

#[cfg(any(feature = "postgres", feature = "sqlite", feature = "mysql"))]
pub use adopt::{adopt, without_tool_tables, Adoption};

pub use codegen::render_ops;
pub use diff::{diff, Change, DiffOptions};
