//! The rules of cargo-schema that the proc-macros, the runtime and `cargo schema` share, written
//! once: std only, no parser, so that each of them can depend on it at no cost.
//!
//! - [`header`]: the `#[migration(...)]` grammar (keys, value shapes, rules across keys) over a
//!   small value model, with errors that carry a location for the reader to map back to the
//!   user's tokens.
//! - [`source`]: reading that header from a file's text (comments, strings, raw strings and
//!   nested items skipped), for the `migrations!` collector and `cargo schema`.
//! - [`names`]: revision id and branch label rules, the identifier length limit.
//! - [`lint`]: the ids of `cargo schema lint`'s rules, which `allow_lint` may name.
//! - [`folder`]: which files of a migrations folder are migrations.
//! - [`graph`]: the checks a set of revisions must pass to be a revision graph.
//!
//! The runtime re-exports what its users need (`schema_runtime::graph`,
//! `schema_runtime::naming::MAX_IDENTIFIER_LEN`); depend on this crate directly only to read
//! migration files without compiling them, as `cargo schema` does.

#![warn(missing_docs)]

pub mod folder;
pub mod graph;
pub mod header;
pub mod lint;
pub mod names;
pub mod source;
