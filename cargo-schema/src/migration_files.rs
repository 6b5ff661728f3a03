//! Reading the revisions of a migrations folder without compiling it: each `*.rs` file is
//! parsed with syn and its `#[migration(id = ..., revises = ...)]` attribute read, so
//! `revision` answers instantly and agrees with the collector on which files count.

use std::fs;
use std::path::{Path, PathBuf};

use schema_runtime::graph::{GraphError, RevisionGraph};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, ExprLit, Item, Lit, Meta, Token};

use crate::error::Error;

/// One revision as its file declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionFile {
    /// The file.
    pub path: PathBuf,
    /// `id = "..."`.
    pub id: String,
    /// `revises = "..."` or `revises = [...]`; empty for a base.
    pub parents: Vec<String>,
}

/// The migration files of `dir` in file-name order: `*.rs`, skipping editors' hidden files
/// (the collector's rule). A missing folder has no revisions.
pub fn list(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let read_error = |source| Error::Read {
        path: dir.to_path_buf(),
        source,
    };
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).map_err(read_error)? {
        let path = entry.map_err(read_error)?.path();
        let is_source = path.extension().is_some_and(|ext| ext == "rs")
            && path
                .file_name()
                .is_some_and(|name| !name.to_string_lossy().starts_with('.'));
        if is_source && path.is_file() {
            files.push(path);
        }
    }
    files.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    Ok(files)
}

/// Reads every revision of `dir`.
pub fn read_folder(dir: &Path) -> Result<Vec<RevisionFile>, Error> {
    list(dir)?.iter().map(|path| read_file(path)).collect()
}

/// Reads the revision one file declares.
pub fn read_file(path: &Path) -> Result<RevisionFile, Error> {
    let source = fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse(path, &source)
}

/// Parses the source of a migration file (`path` is for messages).
pub fn parse(path: &Path, source: &str) -> Result<RevisionFile, Error> {
    let at = |span: proc_macro2::Span, message: String| {
        let start = span.start();
        Error::MigrationFile {
            path: path.to_path_buf(),
            line: start.line,
            column: start.column + 1,
            message,
        }
    };
    let file = syn::parse_file(source).map_err(|e| at(e.span(), format!("not valid Rust: {e}")))?;
    let mut found = None;
    for item in &file.items {
        let Item::Fn(func) = item else { continue };
        let migration_attrs = func.attrs.iter().filter(|attr| is_migration_attr(attr));
        for attr in migration_attrs {
            if found.is_some() {
                return Err(at(
                    attr.span(),
                    "a second `#[migration]` function; put each revision in its own file (`cargo schema revision` writes one)"
                        .into(),
                ));
            }
            found = Some(attr);
        }
    }
    let attr = found.ok_or_else(|| Error::NoMigrationAttribute {
        path: path.to_path_buf(),
    })?;
    let metas = attr
        .parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
        .map_err(|e| at(e.span(), format!("cannot read `#[migration(...)]`: {e}")))?;

    let mut id = None;
    let mut parents = Vec::new();
    for meta in &metas {
        let Meta::NameValue(pair) = meta else {
            continue;
        };
        if pair.path.is_ident("id") {
            id = Some(
                string(&pair.value)
                    .ok_or_else(|| at(pair.value.span(), "expected `id = \"<id>\"`".into()))?,
            );
        } else if pair.path.is_ident("revises") {
            parents = revises(&pair.value).ok_or_else(|| {
                at(
                    pair.value.span(),
                    "expected `revises = \"<id>\"` or `revises = [\"a\", \"b\"]`".into(),
                )
            })?;
        }
    }
    let id = id.ok_or_else(|| {
        at(
            attr.span(),
            "missing `id = \"...\"`, e.g. `id = \"20250102_143000_create_users\"`".into(),
        )
    })?;
    Ok(RevisionFile {
        path: path.to_path_buf(),
        id,
        parents,
    })
}

/// `#[migration(...)]`, also spelled `#[schema_runtime::migration(...)]`.
fn is_migration_attr(attr: &syn::Attribute) -> bool {
    attr.path()
        .segments
        .last()
        .is_some_and(|s| s.ident == "migration")
}

fn string(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) => Some(s.value()),
        _ => None,
    }
}

fn revises(expr: &Expr) -> Option<Vec<String>> {
    match expr {
        Expr::Array(array) => array.elems.iter().map(string).collect(),
        other => string(other).map(|s| vec![s]),
    }
}

/// The revision graph of the files, with errors that name the file to fix.
pub fn graph(revisions: &[RevisionFile]) -> Result<RevisionGraph, Error> {
    for (i, a) in revisions.iter().enumerate() {
        if let Some(b) = revisions[..i].iter().find(|b| b.id == a.id) {
            return Err(Error::DuplicateId {
                id: a.id.clone(),
                first: b.path.clone(),
                second: a.path.clone(),
            });
        }
    }
    RevisionGraph::new(revisions.iter().map(|r| (&r.id, &r.parents))).map_err(|source| {
        let file = match &source {
            GraphError::UnknownParent { id, .. } => revisions
                .iter()
                .find(|r| &r.id == id)
                .map(|r| r.path.clone()),
            _ => None,
        };
        Error::Graph { source, file }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(source: &str) -> RevisionFile {
        parse(Path::new("m.rs"), source).expect("parses")
    }

    #[test]
    fn reads_id_and_single_parent() {
        let rev = parse_ok(
            r#"use schema_runtime::prelude::*;
            #[migration(id = "b", revises = "a", message = "m", transactional = false)]
            fn upgrade(op: &mut Ops) {}"#,
        );
        assert_eq!((rev.id.as_str(), rev.parents), ("b", vec!["a".to_owned()]));
    }

    #[test]
    fn reads_merge_parents_and_base() {
        let merge = parse_ok(
            r#"#[schema_runtime::migration(id = "m", revises = ["a", "b"], message = "merge")] fn up(op: &mut Ops) {}"#,
        );
        assert_eq!(merge.parents, ["a", "b"]);
        let base = parse_ok(
            r#"#[migration(id = "a", message = "init", irreversible)] fn up(op: &mut Ops) {}"#,
        );
        assert!(base.parents.is_empty());
    }

    #[test]
    fn file_without_attribute_is_named() {
        let err = parse(Path::new("migrations/x.rs"), "fn upgrade() {}").unwrap_err();
        assert!(err.to_string().contains("migrations/x.rs"), "{err}");
    }

    #[test]
    fn syntax_error_has_a_location() {
        let err = parse(Path::new("x.rs"), "fn upgrade( {").unwrap_err();
        assert!(
            matches!(err, Error::MigrationFile { line: 1, .. }),
            "{err:?}"
        );
    }

    #[test]
    fn non_string_revises_is_explained() {
        let err = parse(
            Path::new("x.rs"),
            "#[migration(id = \"b\", revises = a)] fn up() {}",
        )
        .unwrap_err();
        assert!(err.to_string().contains("expected `revises"), "{err}");
    }

    #[test]
    fn duplicate_ids_name_both_files() {
        let rev = |path: &str| RevisionFile {
            path: path.into(),
            id: "a".into(),
            parents: vec![],
        };
        let err = graph(&[rev("one.rs"), rev("two.rs")]).unwrap_err();
        assert!(
            err.to_string().contains("one.rs") && err.to_string().contains("two.rs"),
            "{err}"
        );
    }
}
