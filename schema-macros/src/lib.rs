//! Proc-macros of cargo-schema. Use them through `schema_runtime`, which re-exports them.
//!
//! Each macro is parse -> validate -> expand: `attr.rs` reads the `#[migration(...)]`
//! arguments and checks them against the header grammar of `schema_core::header`, `valid.rs`
//! checks the function's signature, `body.rs` the op builder calls of its body, `expand.rs`
//! emits the revision constant; `collect.rs` embeds a folder of migrations, reading each
//! file's header with `schema_core::source` and checking the graph they form with
//! `schema_core::graph` (the rules the runtime and `cargo schema` apply too). Every problem of
//! one call is reported in the same build.

mod ast;
mod attr;
mod body;
mod collect;
mod errors;
mod expand;
mod fallback;
mod model;
mod valid;

use proc_macro::TokenStream;

/// Registers a migration function as a revision.
///
/// ```ignore
/// use schema_runtime::prelude::*;
///
/// #[migration(id = "20250102_143000_create_users", revises = "20250101_090000_init", message = "create users")]
/// fn upgrade(op: &mut Ops) {
///     op.create_table("users", |t| { t.column("id", Type::BigInt).primary_key().identity(); });
/// }
/// ```
///
/// Keys: `id = "..."` (required; ASCII letters, digits and `_`, not starting with `_`, at most
/// 100 characters), `revises = "id"` or `revises = ["a", "b"]` (omit for a base revision),
/// `depends_on = "id"` or `depends_on = ["a", "b"]` (revisions, usually of another branch,
/// applied before this one without merging), `branch_labels = "label"` or
/// `branch_labels = ["a", "b"]` (ASCII letters, digits, `_` and `-`; `cargo schema upgrade
/// label@head`), `message = "..."` (required), `downgrade = path_to_fn` (an explicit downgrade;
/// otherwise it is derived by reversing the upgrade), `irreversible` (refuse to downgrade past
/// it), `transactional = false` (run outside a transaction). The function is kept unchanged and
/// a hidden `__SCHEMA_REVISION` constant is added next to it for [`migrations!`].
///
/// The op builder calls of the body are checked too, where their arguments are literals: an
/// empty name or one longer than 63 bytes (PostgreSQL's limit), an index or key without
/// columns, an `alter_column` that alters nothing, and raw SQL without `.reverse(..)` or an
/// `update` in a migration whose downgrade is derived. Names computed at run time are left to
/// `Migrator::check`.
#[proc_macro_attribute]
pub fn migration(args: TokenStream, input: TokenStream) -> TokenStream {
    let input = proc_macro2::TokenStream::from(input);
    expand::migration(args.into(), input.clone())
        .unwrap_or_else(|error| fallback::migration(expand::typed_empty_index_keys(input), error))
        .into()
}

/// Embeds every migration of a folder, checking the revision graph at compile time.
///
/// ```ignore
/// pub static MIGRATIONS: schema_runtime::Migrations = schema_runtime::migrations!("migrations");
/// ```
///
/// The folder defaults to `"migrations"`; a relative path is relative to the directory of the
/// crate's `Cargo.toml`. Every `*.rs` file in it, in file name order, becomes a module and must
/// declare one `#[migration]`. Duplicate ids, unknown parents or dependencies, a branch label
/// on two revisions, cycles (through parents and `depends_on`) and more than one head are
/// compile errors; pass `allow_branches` (`migrations!("migrations", allow_branches)`) to
/// accept several heads.
#[proc_macro]
pub fn migrations(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as collect::Input);
    collect::migrations(&input).into()
}

/// Describes a table with a Rust struct: `#[derive(Model)]`, one field per column.
///
/// ```ignore
/// #[derive(Model)]
/// #[model(table = "users", index = ["name"], check = "karma_nonnegative: karma >= 0")]
/// struct User {
///     #[model(primary_key, identity)]
///     id: i64,
///     #[model(length = 255, unique)]
///     email: String,
///     name: Option<String>,
///     #[model(default = 0)]
///     karma: i32,
///     #[model(references = "teams.id", on_delete = "cascade")]
///     team_id: Option<i64>,
/// }
/// ```
///
/// The column type follows the field's Rust type (`i64` BigInt, `String` Text or `String(n)`
/// with `length`, `Option<T>` nullable, chrono / time / uuid / serde_json / rust_decimal types
/// by name, `#[derive(ModelEnum)]` enums, `sql_type = "CITEXT"` for anything else).
#[proc_macro_derive(Model, attributes(model))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    model::derive_model(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// An enum type (PostgreSQL `CREATE TYPE .. AS ENUM`, MySQL inline `ENUM`) from a Rust enum of
/// unit variants; values are the variants in snake_case unless `#[model(rename = "..")]`.
#[proc_macro_derive(ModelEnum, attributes(model))]
pub fn derive_model_enum(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    model::derive_model_enum(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
