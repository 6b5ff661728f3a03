//! Proc-macros of cargo-schema. Use them through `schema_runtime`, which re-exports them.

use proc_macro::TokenStream;

/// Registers a migration function as a revision.
#[proc_macro_attribute]
pub fn migration(_args: TokenStream, input: TokenStream) -> TokenStream {
    input
}

/// Embeds every migration of a folder.
#[proc_macro]
pub fn migrations(_input: TokenStream) -> TokenStream {
    "::schema_runtime::__private::Migrations::from_static(&[])".parse().unwrap()
}
