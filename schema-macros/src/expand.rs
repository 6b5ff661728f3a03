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
    Ok(revision(&migration, typed_empty_index_keys(input)))
}

/// `op.create_index("t", [])` (an expression-only index, `.expression(..)` follows) with the
/// empty array typed, `[] as [&str; 0]`: the key type is generic, so `[]` alone would leave it
/// unknown (E0283). The stream is rebuilt only when it holds such a call.
pub(crate) fn typed_empty_index_keys(input: TokenStream) -> TokenStream {
    use proc_macro2::{Delimiter, Group, TokenTree};
    fn is_empty_array(tree: Option<&TokenTree>) -> bool {
        matches!(tree, Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Bracket && g.stream().is_empty())
    }
    fn rewrite(stream: TokenStream, changed: &mut bool) -> TokenStream {
        let trees: Vec<TokenTree> = stream.into_iter().collect();
        let mut out = Vec::with_capacity(trees.len());
        let mut after_create_index = false;
        for tree in trees {
            let next_after = matches!(&tree, TokenTree::Ident(i) if i == "create_index");
            match tree {
                TokenTree::Group(g)
                    if after_create_index && g.delimiter() == Delimiter::Parenthesis =>
                {
                    let args: Vec<TokenTree> = g.stream().into_iter().collect();
                    // `"table" , []`: the second argument is the empty array.
                    let comma = args
                        .iter()
                        .position(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ','));
                    let second = comma.map(|c| c + 1);
                    let ends = second.is_some_and(|i| {
                        args.get(i + 1)
                            .is_none_or(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ','))
                    });
                    if let (Some(i), true) = (second, ends) {
                        if is_empty_array(args.get(i)) {
                            *changed = true;
                            let span = args[i].span();
                            let mut new_args: TokenStream = args[..i].iter().cloned().collect();
                            let typed: TokenStream = quote::quote_spanned!(span=> [] as [&str; 0]);
                            new_args.extend(typed);
                            new_args.extend(args[i + 1..].iter().cloned());
                            let mut group = Group::new(Delimiter::Parenthesis, new_args);
                            group.set_span(g.span());
                            out.push(TokenTree::Group(group));
                            after_create_index = false;
                            continue;
                        }
                    }
                    let mut group = Group::new(g.delimiter(), rewrite(g.stream(), changed));
                    group.set_span(g.span());
                    out.push(TokenTree::Group(group));
                }
                TokenTree::Group(g) => {
                    let mut group = Group::new(g.delimiter(), rewrite(g.stream(), changed));
                    group.set_span(g.span());
                    out.push(TokenTree::Group(group));
                }
                other => out.push(other),
            }
            after_create_index = next_after;
        }
        out.into_iter().collect()
    }
    /// Whether the stream holds `create_index` and an empty `[]` at all (a scan that builds
    /// nothing: nearly every migration has neither).
    fn may_hold(stream: TokenStream, seen_create_index: &mut bool) -> bool {
        for tree in stream {
            match tree {
                TokenTree::Ident(i) if i == "create_index" => *seen_create_index = true,
                TokenTree::Group(g) => {
                    if g.delimiter() == Delimiter::Bracket && g.stream().is_empty() {
                        if *seen_create_index {
                            return true;
                        }
                    } else if may_hold(g.stream(), seen_create_index) {
                        return true;
                    }
                }
                _ => {}
            }
        }
        false
    }
    if !may_hold(input.clone(), &mut false) {
        return input;
    }
    let mut changed = false;
    let rewritten = rewrite(input.clone(), &mut changed);
    if changed {
        rewritten
    } else {
        input
    }
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
    let allow_lint = &migration.allow_lint;
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
                allow_lint: &[#(#allow_lint),*],
                source: ::core::file!(),
            };
    }
}
