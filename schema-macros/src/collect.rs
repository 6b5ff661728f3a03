//! `migrations!`: embeds every migration file of a folder as a module and checks, at compile
//! time, the revision graph their `#[migration]` attributes declare.

use std::path::{Path, PathBuf};
use std::{env, fs};

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use quote::{format_ident, quote};
use syn::parse::{Parse, ParseStream};
use syn::{Ident, ItemFn, LitStr, Token};

use crate::errors::Errors;
use crate::expand::REVISION_CONST;
use crate::graph::{self, Node};
use crate::{attr, valid};

/// Folder used when the invocation names none.
const DEFAULT_FOLDER: &str = "migrations";

/// `migrations!()`, `migrations!("folder")`, `migrations!("folder", allow_branches)`.
pub(crate) struct Input {
    folder: Option<LitStr>,
    allow_branches: bool,
}

impl Parse for Input {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let expected = "expected the migrations folder as a string literal, \
                        e.g. `migrations!(\"migrations\")`, optionally followed by `, allow_branches`";
        let mut folder = None;
        if input.peek(LitStr) {
            folder = Some(input.parse()?);
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        let mut allow_branches = false;
        while !input.is_empty() {
            if input.peek(Ident) && input.peek2(Token![!]) {
                return Err(input.error(format!("{expected}; macros are not evaluated here")));
            }
            let Ok(option) = input.parse::<Ident>() else {
                return Err(input.error(expected));
            };
            if option != "allow_branches" {
                return Err(syn::Error::new(
                    option.span(),
                    format!("unknown option `{option}`; the only option is `allow_branches`"),
                ));
            }
            if allow_branches {
                return Err(syn::Error::new(option.span(), "duplicate `allow_branches`"));
            }
            allow_branches = true;
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        Ok(Input {
            folder,
            allow_branches,
        })
    }
}

/// One `*.rs` file of the folder.
struct MigrationFile {
    path: String,
    /// The revision it declares, when its `#[migration]` function is valid.
    node: Option<Node>,
}

/// Entry point of the collector: read the folder, check the graph, expand. Errors are emitted
/// next to the modules, as `#[migration]` emits the user's function next to its errors, so
/// that each file is still compiled and reports its own problems.
pub(crate) fn migrations(input: &Input) -> TokenStream {
    let span = input
        .folder
        .as_ref()
        .map_or_else(Span::call_site, LitStr::span);
    let mut errors = Errors::default();
    let files = errors.take(folder_files(input, span)).unwrap_or_default();

    let placeholder: ItemFn = syn::parse_quote!(
        fn upgrade() {}
    );
    let mut migration_files = Vec::new();
    let mut complete = true;
    for path in files {
        let file = read_migration(&path, span, &placeholder, &mut errors);
        complete &= file.node.is_some();
        migration_files.push(file);
    }

    let nodes: Vec<Node> = migration_files
        .iter()
        .filter_map(|f| f.node.clone())
        .collect();
    for error in graph::check(&nodes, complete, input.allow_branches) {
        errors.error_at(span, error);
    }

    expand(&migration_files, errors.finish().err())
}

/// The `*.rs` files of the folder, sorted by file name.
fn folder_files(input: &Input, span: Span) -> syn::Result<Vec<PathBuf>> {
    let folder = input
        .folder
        .as_ref()
        .map_or_else(|| DEFAULT_FOLDER.to_owned(), LitStr::value);
    let dir = resolve(&folder, span)?;
    if !dir.is_dir() {
        let what = if dir.exists() {
            "is not a folder"
        } else {
            "does not exist"
        };
        return Err(syn::Error::new(
            span,
            format!(
                "migrations folder `{}` {what}; `cargo schema init` creates it, \
                 or pass the folder that holds the migrations: `migrations!(\"path\")`",
                dir.display()
            ),
        ));
    }
    let read_error = |error: std::io::Error| {
        syn::Error::new(
            span,
            format!("cannot read migrations folder `{}`: {error}", dir.display()),
        )
    };
    let mut files = Vec::new();
    for entry in fs::read_dir(&dir).map_err(read_error)? {
        let path = entry.map_err(read_error)?.path();
        let is_source = path.extension().is_some_and(|ext| ext == "rs")
            // Editors' lock and backup files (`.#name.rs`) are not migrations.
            && path.file_name().is_some_and(|name| !name.to_string_lossy().starts_with('.'));
        if is_source && path.is_file() {
            files.push(path);
        }
    }
    files.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    Ok(files)
}

/// A relative folder is relative to the manifest directory of the crate being compiled.
fn resolve(folder: &str, span: Span) -> syn::Result<PathBuf> {
    let path = Path::new(folder);
    if path.is_absolute() {
        return Ok(path.to_owned());
    }
    match env::var_os("CARGO_MANIFEST_DIR") {
        Some(manifest_dir) => Ok(PathBuf::from(manifest_dir).join(path)),
        None => Err(syn::Error::new(
            span,
            format!(
                "CARGO_MANIFEST_DIR is not set, so the relative folder `{folder}` cannot be \
                 found; build with cargo or pass an absolute path"
            ),
        )),
    }
}

/// Reads the revision a file declares. A file that does not parse, or whose `#[migration]` is
/// invalid, yields no node: rustc and the attribute report those errors when the module is
/// compiled.
/// `placeholder` stands in for the file's function, which is not parsed here.
fn read_migration(
    path: &Path,
    span: Span,
    placeholder: &ItemFn,
    errors: &mut Errors,
) -> MigrationFile {
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let Some(path_str) = path.to_str() else {
        errors.error_at(
            span,
            format!(
                "migration file path `{}` is not UTF-8; rename it",
                path.display()
            ),
        );
        return MigrationFile {
            path: String::new(),
            node: None,
        };
    };
    let mut file = MigrationFile {
        path: path_str.to_owned(),
        node: None,
    };

    let source = match fs::read_to_string(path) {
        Ok(source) => source,
        Err(error) => {
            errors.error_at(
                span,
                format!("cannot read migration file `{name}`: {error}"),
            );
            return file;
        }
    };
    // Only the `#[migration(...)]` header is read here: the module this macro emits makes the
    // compiler parse the file, and its `#[migration]` checks the function and reports problems
    // at their tokens. (A whole-file `syn::parse_file` of every file was 0.5 s of each rebuild
    // at 1,000 revisions.)
    let Ok(tokens) = source.parse::<TokenStream>() else {
        return file;
    };
    match migration_headers(tokens).as_slice() {
        [] => errors.error_at(
            span,
            format!(
                "`{name}` has no #[migration] function; put \
                 `#[migration(id = \"...\", message = \"...\")]` on its upgrade fn, \
                 or move the file out of the migrations folder"
            ),
        ),
        [header] => {
            let Some(args) = header else {
                return file;
            };
            let mut ignored = Errors::default();
            let migration = attr::parse(args.clone(), &mut ignored)
                .and_then(|attr| valid::attr(attr, placeholder, &mut ignored));
            if let (Some(migration), Ok(())) = (migration, ignored.finish()) {
                file.node = Some(Node {
                    id: migration.id.value(),
                    parents: migration.parents.iter().map(LitStr::value).collect(),
                    depends_on: migration.depends_on.iter().map(LitStr::value).collect(),
                    branch_labels: migration.branch_labels.iter().map(LitStr::value).collect(),
                    file: name,
                });
            }
        }
        several => errors.error_at(
            span,
            format!(
                "`{name}` has {} #[migration] functions; a migration file declares one \
                 revision: move the others into files of their own",
                several.len()
            ),
        ),
    }
    file
}

/// The arguments of each outer `#[migration(...)]` (or `#[path::to::migration]`) attribute at
/// the top level of a file: `Some(args)` (empty for the bare path), `None` for the
/// `#[migration = ..]` form, which the attribute itself rejects.
fn migration_headers(file: TokenStream) -> Vec<Option<TokenStream>> {
    let mut headers = Vec::new();
    let mut trees = file.into_iter().peekable();
    while let Some(tree) = trees.next() {
        let TokenTree::Punct(hash) = &tree else {
            continue;
        };
        if hash.as_char() != '#' {
            continue;
        }
        let Some(TokenTree::Group(group)) = trees.peek() else {
            continue;
        };
        if group.delimiter() != Delimiter::Bracket {
            continue;
        }
        let mut inner = group.stream().into_iter();
        let mut last_ident = None;
        let mut after_path = None;
        for token in inner.by_ref() {
            match token {
                TokenTree::Ident(ident) => last_ident = Some(ident.to_string()),
                TokenTree::Punct(p) if p.as_char() == ':' => {}
                other => {
                    after_path = Some(other);
                    break;
                }
            }
        }
        if last_ident.as_deref() != Some("migration") {
            continue;
        }
        headers.push(match after_path {
            None => Some(TokenStream::new()),
            Some(TokenTree::Group(args))
                if args.delimiter() == Delimiter::Parenthesis && inner.next().is_none() =>
            {
                Some(args.stream())
            }
            Some(_) => None,
        });
    }
    headers
}

/// A block with one module per file and the `Migrations` of the valid ones, in file order.
fn expand(files: &[MigrationFile], errors: Option<syn::Error>) -> TokenStream {
    let errors = errors.map(syn::Error::into_compile_error);
    let revision_const = Ident::new(REVISION_CONST, Span::call_site());
    let modules = files
        .iter()
        .enumerate()
        .filter(|(_, f)| !f.path.is_empty())
        .map(|(i, f)| {
            let module = format_ident!("__schema_m{}", i);
            let path = &f.path;
            quote! {
                #[path = #path]
                mod #module;
            }
        });
    let revisions = files
        .iter()
        .enumerate()
        .filter(|(_, f)| f.node.is_some())
        .map(|(i, _)| {
            let module = format_ident!("__schema_m{}", i);
            quote!(#module::#revision_const)
        });
    quote! {
        {
            #errors
            #(#modules)*
            ::schema_runtime::__private::Migrations::from_static(&[#(#revisions),*])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(source: &str) -> Vec<Option<String>> {
        migration_headers(source.parse().expect("tokens"))
            .into_iter()
            .map(|h| h.map(|args| args.to_string()))
            .collect()
    }

    #[test]
    fn reads_only_the_migration_headers() {
        let file = r##"
            //! A migration.
            #![allow(unused)]
            use schema_runtime::prelude::*;
            #[doc = "not this"]
            #[migration(id = "a", message = "m (with parens)")]
            #[allow(dead_code)]
            fn upgrade(op: &mut Ops) { op.execute("#[migration(id = \"b\")]"); }
        "##;
        assert_eq!(
            headers(file),
            [Some(r#"id = "a" , message = "m (with parens)""#.to_owned())]
        );
    }

    #[test]
    fn knows_the_path_forms_and_counts_every_header() {
        assert_eq!(
            headers("#[schema_runtime::migration] fn a() {} #[migration = \"x\"] fn b() {}"),
            [Some(String::new()), None]
        );
        assert_eq!(
            headers("#[my_migration(id = \"a\")] fn a() {} #[migrations(id = \"b\")] fn b() {}"),
            Vec::<Option<String>>::new()
        );
    }
}
