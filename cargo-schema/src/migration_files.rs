//! Reading the revisions of a migrations folder without compiling it. The folder is listed and
//! each file's `#[migration(...)]` header read and checked with schema-core, the code the
//! `migrations!` collector runs, so `revision` answers instantly and agrees with the compiler
//! on which files count and what each declares (`depends_on` and `branch_labels` included).

use std::fs;
use std::path::{Path, PathBuf};

use schema_core::folder::{Listing, SkipReason};
use schema_core::graph::{check, Checks, Node};
use schema_core::source::{line_column, read_revision, ReadError};
use schema_runtime::graph::{NodeSpec, RevisionGraph};

use crate::error::Error;
use crate::shell;

/// One revision as its file declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionFile {
    /// The file.
    pub path: PathBuf,
    /// `id = "..."`.
    pub id: String,
    /// `revises = "..."` or `revises = [...]`; empty for a base.
    pub parents: Vec<String>,
    /// `depends_on`: applied first, without merging.
    pub depends_on: Vec<String>,
    /// `branch_labels`.
    pub branch_labels: Vec<String>,
}

/// What `dir` holds, by schema-core's rule (`*.rs`, not hidden, in file name order). A
/// missing folder has no revisions.
pub fn list(dir: &Path) -> Result<Listing, Error> {
    if !dir.exists() {
        return Ok(Listing::default());
    }
    schema_core::folder::list(dir).map_err(|source| Error::Read {
        path: dir.to_path_buf(),
        source,
    })
}

/// Warns about the files of a listing that look meant as migrations but do not count (`x.sql`,
/// `x.rs.bak`): the compiler skips them silently. Folders (`snapshots/`), hidden files and
/// Markdown notes (`README.md`, which `init` writes) are expected there.
pub fn warn_skipped(listing: &Listing) {
    for skipped in &listing.skipped {
        let notes = skipped
            .path
            .extension()
            .is_some_and(|ext| ext.eq_ignore_ascii_case("md"));
        match skipped.reason {
            SkipReason::NotRust if !notes => shell::warning(format!(
                "{} is not a migration ({}); `migrations!` skips it",
                skipped.path.display(),
                skipped.reason
            )),
            SkipReason::NotRust | SkipReason::Hidden | SkipReason::NotAFile => {}
        }
    }
}

/// Reads every revision of `dir`.
pub fn read_folder(dir: &Path) -> Result<Vec<RevisionFile>, Error> {
    read_files(&list(dir)?.migrations)
}

/// Reads the revision of each file, in order.
pub fn read_files(paths: &[PathBuf]) -> Result<Vec<RevisionFile>, Error> {
    paths.iter().map(|path| read_file(path)).collect()
}

/// Reads the revision one file declares.
pub fn read_file(path: &Path) -> Result<RevisionFile, Error> {
    let source = fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse(path, &source)
}

/// Parses the source of a migration file (`path` is for messages): its one top-level
/// `#[migration(...)]`, which must be valid as the attribute checks it.
pub fn parse(path: &Path, source: &str) -> Result<RevisionFile, Error> {
    let error = match read_revision(source) {
        Ok(revision) => {
            let header = revision.header;
            return Ok(RevisionFile {
                path: path.to_path_buf(),
                id: header.id,
                parents: header.revises,
                depends_on: header.depends_on,
                branch_labels: header.branch_labels,
            });
        }
        Err(error) => error,
    };
    match error {
        ReadError::NoHeader => Err(Error::NoMigrationAttribute {
            path: path.to_path_buf(),
        }),
        ReadError::Tokens(_)
        | ReadError::SeveralHeaders { .. }
        | ReadError::Syntax(_)
        | ReadError::Invalid { .. } => {
            let offset = error.range().map_or(0, |range| range.start);
            let (line, column) = line_column(source, offset);
            Err(Error::MigrationFile {
                path: path.to_path_buf(),
                line,
                column,
                message: error.to_string(),
            })
        }
    }
}

/// The revision graph of the files, after schema-core's checks, with errors that name the
/// files to fix.
pub fn graph(revisions: &[RevisionFile]) -> Result<RevisionGraph, Error> {
    let files: Vec<String> = revisions
        .iter()
        .map(|r| r.path.display().to_string())
        .collect();
    let nodes: Vec<Node<'_>> = revisions
        .iter()
        .zip(&files)
        .map(|(r, file)| Node {
            id: &r.id,
            parents: &r.parents,
            depends_on: &r.depends_on,
            branch_labels: &r.branch_labels,
            file: Some(file),
        })
        .collect();
    let checks = Checks {
        complete: true,
        // Several heads are a state to resolve with `--head` or `merge`, not an error here.
        allow_branches: true,
    };
    if let Some(error) = check(&nodes, checks).into_iter().next() {
        return Err(Error::RevisionGraph(error));
    }
    RevisionGraph::from_specs(revisions.iter().map(|r| NodeSpec {
        id: &r.id,
        parents: &r.parents,
        depends_on: &r.depends_on,
        branch_labels: &r.branch_labels,
    }))
    .map_err(|source| Error::Graph { source })
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
            depends_on: vec![],
            branch_labels: vec![],
        };
        let err = graph(&[rev("one.rs"), rev("two.rs")]).unwrap_err();
        assert!(
            err.to_string().contains("one.rs") && err.to_string().contains("two.rs"),
            "{err}"
        );
    }

    #[test]
    fn reads_dependencies_and_labels_and_checks_them_in_the_graph() {
        let base = parse_ok(
            r#"#[migration(id = "a", message = "base", branch_labels = ["core", "v-2"])] fn up(op: &mut Ops) {}"#,
        );
        assert_eq!(base.branch_labels, ["core", "v-2"]);
        let other = parse_ok(r#"#[migration(id = "b", message = "b")] fn up(op: &mut Ops) {}"#);
        let dependent = parse_ok(
            r#"#[migration(id = "c", revises = "a", depends_on = ["b"], message = "c")] fn up(op: &mut Ops) {}"#,
        );
        assert_eq!(dependent.depends_on, ["b"]);
        let checked = graph(&[base.clone(), other.clone(), dependent.clone()]).expect("a graph");
        assert_eq!(checked.dependencies("c"), ["b"]);
        assert_eq!(checked.labels(), [("core", "a"), ("v-2", "a")]);

        // What the collector refuses, `cargo schema` refuses too.
        let unknown = RevisionFile {
            depends_on: vec!["zz".into()],
            ..dependent
        };
        let err = graph(&[base.clone(), other, unknown]).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("`m.rs` (revision `c`) depends on `zz`, which no file"),
            "{err}"
        );
        let relabelled = RevisionFile {
            id: "d".into(),
            ..base.clone()
        };
        let err = graph(&[base, relabelled]).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("branch label `core` is declared by"),
            "{err}"
        );
    }

    #[test]
    fn an_invalid_header_is_reported_where_the_attribute_would_report_it() {
        let source = "use x;\n#[migration(id = \"a\", revises = \"2025-01\", message = \"m\")]\nfn up() {}\n";
        let err = parse(Path::new("x.rs"), source).unwrap_err();
        assert_eq!(
            err.to_string(),
            "x.rs:2:33: parent id `2025-01` contains `-` at position 5; ids may contain only ASCII \
             letters, digits and `_`, e.g. `20250102_143000_create_users`"
        );
        let err = parse(
            Path::new("x.rs"),
            "#[migration(id = \"a\")] fn a() {}\n#[migration(id = \"b\")] fn b() {}",
        )
        .unwrap_err();
        assert!(
            matches!(
                err,
                Error::MigrationFile {
                    line: 2,
                    column: 1,
                    ..
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn headers_in_comments_strings_and_nested_items_do_not_count() {
        let rev = parse_ok(
            r##"// #[migration(id = "comment", message = "m")]
            mod helpers {
                #[migration(id = "nested", message = "m")]
                fn f() {}
            }
            #[migration(id = "real", message = "m")]
            fn up(op: &mut Ops) {
                op.execute(r#"#[migration(id = "raw", message = "m")]"#);
            }"##,
        );
        assert_eq!(rev.id, "real");
    }
}
