//! `migrations!`: embeds every migration file of a folder as a module and checks, at compile
//! time, the revision graph their `#[migration]` attributes declare.

use std::path::{Path, PathBuf};
use std::{env, fs};

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use schema_core::graph::{self, Checks, GraphCheckError, Node};
use schema_core::header::RevisionHeader;
use schema_core::source::{self, ReadError};
use syn::parse::{Parse, ParseStream};
use syn::{Ident, LitStr, Token};

use crate::errors::Errors;
use crate::expand::REVISION_CONST;

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
    /// The file name, for messages.
    name: String,
    /// The revision it declares, when its `#[migration]` header is valid.
    header: Option<RevisionHeader>,
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

    let migration_files: Vec<MigrationFile> = files
        .iter()
        .map(|path| read_migration(path, span, &mut errors))
        .collect();
    let complete = migration_files.iter().all(|file| file.header.is_some());
    let nodes: Vec<Node<'_>> = migration_files
        .iter()
        .filter_map(|file| {
            let header = file.header.as_ref()?;
            Some(Node {
                id: &header.id,
                parents: &header.revises,
                depends_on: &header.depends_on,
                branch_labels: &header.branch_labels,
                file: Some(&file.name),
            })
        })
        .collect();
    let checks = Checks {
        complete,
        allow_branches: input.allow_branches,
    };
    for error in graph::check(&nodes, checks) {
        match error {
            GraphCheckError::MultipleHeads { .. } => {
                errors.error_at(span, format!("{error} or pass allow_branches"));
            }
            GraphCheckError::DuplicateId { .. }
            | GraphCheckError::UnknownParent { .. }
            | GraphCheckError::UnknownDependency { .. }
            | GraphCheckError::DuplicateLabel { .. }
            | GraphCheckError::Cycle { .. } => errors.error_at(span, error),
        }
    }

    expand(&migration_files, errors.finish().err())
}

/// The migration files of the folder (schema-core's rule: `*.rs`, not hidden, by file name).
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
    // A proc-macro cannot warn on stable Rust, so the files it skips are not mentioned here;
    // `cargo schema revision` names them.
    let listing = schema_core::folder::list(&dir).map_err(|error| {
        syn::Error::new(
            span,
            format!("cannot read migrations folder `{}`: {error}", dir.display()),
        )
    })?;
    Ok(listing.migrations)
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

/// Reads the revision a file declares from its `#[migration(...)]` header with schema-core's
/// reader (a whole-file `syn::parse_file` of every file was 0.5 s of each rebuild at 1,000
/// revisions). A file whose text or header is invalid yields no revision and no error here:
/// the module this macro emits makes the compiler parse the file, and its `#[migration]`
/// reports the problem at the user's tokens.
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
            name,
            header: None,
        };
    };
    let mut file = MigrationFile {
        path: path_str.to_owned(),
        name,
        header: None,
    };
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) => {
            errors.error_at(
                span,
                format!("cannot read migration file `{}`: {error}", file.name),
            );
            return file;
        }
    };
    match source::read_revision(&text) {
        Ok(revision) => file.header = Some(revision.header),
        Err(ReadError::NoHeader) => errors.error_at(
            span,
            format!(
                "`{}` has no #[migration] function; put \
                 `#[migration(id = \"...\", message = \"...\")]` on its upgrade fn, \
                 or move the file out of the migrations folder",
                file.name
            ),
        ),
        Err(ReadError::SeveralHeaders { attributes }) => errors.error_at(
            span,
            format!(
                "`{}` has {} #[migration] functions; a migration file declares one \
                 revision: move the others into files of their own",
                file.name,
                attributes.len()
            ),
        ),
        Err(ReadError::Tokens(_) | ReadError::Syntax(_) | ReadError::Invalid { .. }) => {}
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
        .filter(|(_, f)| f.header.is_some())
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
