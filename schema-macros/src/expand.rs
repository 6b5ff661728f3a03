//! Expansion of `#[migration]`: the function unchanged, plus the `__SCHEMA_REVISION` constant
//! that the `migrations!` collector reads from each file's module.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::Item;

use crate::ast::Migration;

/// Name of the constant each migration file defines; `migrations!` refers to it.
pub(crate) const REVISION_CONST: &str = "__SCHEMA_REVISION";

/// Entry point of the attribute: parse, validate, expand.
pub(crate) fn migration(args: TokenStream, input: TokenStream) -> syn::Result<TokenStream> {
    // The function is emitted as the tokens that came in, not re-printed from its syntax tree:
    // in a crate of 1,000 migrations, printing every body again was ~0.1 s of the crate's
    // ~0.5 s of macro expansion.
    let func = match syn::parse2::<Item>(input.clone())? {
        Item::Fn(func) => func,
        other => return Err(not_a_function(&other)),
    };
    let migration = Migration::from_syn(args, &func)?;
    Ok(revision(&migration, input))
}

fn not_a_function(item: &Item) -> syn::Error {
    let (kind, ident) = match item {
        Item::Struct(item) => ("a struct", Some(&item.ident)),
        Item::Enum(item) => ("an enum", Some(&item.ident)),
        Item::Union(item) => ("a union", Some(&item.ident)),
        Item::Const(item) => ("a const", Some(&item.ident)),
        Item::Static(item) => ("a static", Some(&item.ident)),
        Item::Mod(item) => ("a module", Some(&item.ident)),
        Item::Trait(item) => ("a trait", Some(&item.ident)),
        Item::Type(item) => ("a type alias", Some(&item.ident)),
        Item::Impl(_) => ("an impl block", None),
        _ => ("this item", None),
    };
    let message = format!(
        "#[migration] goes on a function, not on {kind}; write \
         `fn upgrade(op: &mut Ops) {{ ... }}` under it"
    );
    match ident {
        Some(ident) => syn::Error::new(ident.span(), message),
        None => syn::Error::new(item.span(), message),
    }
}

/// The function unchanged (`func`, its tokens as written), then the revision constant.
pub(crate) fn revision(migration: &Migration, func: TokenStream) -> TokenStream {
    let ident = &migration.func.sig.ident;
    let id = &migration.id;
    let parents = &migration.parents;
    let depends_on = &migration.depends_on;
    let branch_labels = &migration.branch_labels;
    let message = &migration.message;
    let irreversible = migration.irreversible;
    let transactional = migration.transactional;
    let option = |ms: Option<u64>| match ms {
        Some(ms) => quote!(::core::option::Option::Some(#ms)),
        None => quote!(::core::option::Option::None),
    };
    let lock_timeout_ms = option(migration.lock_timeout_ms);
    let statement_timeout_ms = option(migration.statement_timeout_ms);
    let revision_const = syn::Ident::new(REVISION_CONST, proc_macro2::Span::call_site());

    // Coercions spanned on the user's tokens: a fn of the wrong type is reported at its name.
    let upgrade = quote_spanned! {ident.span()=>
        {
            let upgrade: fn(&mut ::schema_runtime::__private::Ops) = #ident;
            upgrade
        }
    };
    let downgrade = match &migration.downgrade {
        Some(path) => {
            let coerced = quote_spanned! {path.span()=>
                {
                    let downgrade: fn(&mut ::schema_runtime::__private::Ops) = #path;
                    downgrade
                }
            };
            quote!(::core::option::Option::Some(#coerced))
        }
        None => quote!(::core::option::Option::None),
    };

    quote! {
        #func

        #[doc(hidden)]
        #[allow(non_upper_case_globals)]
        pub const #revision_const: ::schema_runtime::__private::RevisionDef =
            ::schema_runtime::__private::RevisionDef {
                id: #id,
                parents: &[#(#parents),*],
                depends_on: &[#(#depends_on),*],
                branch_labels: &[#(#branch_labels),*],
                message: #message,
                upgrade: #upgrade,
                downgrade: #downgrade,
                irreversible: #irreversible,
                transactional: #transactional,
                lock_timeout_ms: #lock_timeout_ms,
                statement_timeout_ms: #statement_timeout_ms,
                source: ::core::file!(),
            };
    }
}
