//! `migrations!`: embeds every migration file of a folder as a module and checks, at compile
//! time, the revision graph their `#[migration]` attributes declare.

use std::path::{Path, PathBuf};
use std::{env, fs};

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::parse::{Parse, ParseStream};
use syn::{Ident, Item, ItemFn, LitStr, Meta, Token};

use crate::ast::Migration;
use crate::errors::Errors;
use crate::expand::REVISION_CONST;
use crate::graph::{self, Node};

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

    let mut migration_files = Vec::new();
    let mut complete = true;
    for path in files {
        let file = read_migration(&path, span, &mut errors);
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
fn read_migration(path: &Path, span: Span, errors: &mut Errors) -> MigrationFile {
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
    let Ok(syntax) = syn::parse_file(&source) else {
        return file;
    };

    let migrations: Vec<(&ItemFn, &Meta)> = syntax
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Fn(func) => func
                .attrs
                .iter()
                .find(|attr| {
                    attr.path()
                        .segments
                        .last()
                        .is_some_and(|s| s.ident == "migration")
                })
                .map(|attr| (func, &attr.meta)),
            _ => None,
        })
        .collect();
    match migrations.as_slice() {
        [] => errors.error_at(
            span,
            format!(
                "`{name}` has no #[migration] function; put \
                 `#[migration(id = \"...\", message = \"...\")]` on its upgrade fn, \
                 or move the file out of the migrations folder"
            ),
        ),
        [(func, meta)] => {
            let args = match meta {
                Meta::List(list) => list.tokens.clone(),
                Meta::Path(_) => TokenStream::new(),
                Meta::NameValue(_) => return file,
            };
            if let Ok(migration) = Migration::from_syn(args, func) {
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
