//! `cargo schema revision -m MSG`: writes a new revision file on top of the current head. It
//! compiles nothing: the existing revisions are read from their source with syn.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use schema_core::names::check_revision_id;
use schema_runtime::cli::args::Format;
use schema_runtime::graph::RevisionGraph;

use crate::cli::{Opts, RevisionArgs};
use crate::error::Error;
use crate::exit_codes;
use crate::files::{create_dir, relative, write_new};
use crate::migration_files::{self, RevisionFile};
use crate::shell;
use crate::workspace::Workspace;

/// Longest slug taken from the message; the id stays readable in file lists.
const MAX_SLUG_LEN: usize = 40;

/// Runs `cargo schema revision` from `cwd`.
pub fn run(opts: &Opts, args: &RevisionArgs, cwd: &Path) -> Result<u8, Error> {
    let (message, id) = message_and_id(&args.message, args.id.as_deref())?;
    let folder = MigrationsFolder::load(opts, cwd)?;
    let parent = parent(&folder.graph, args.head.as_deref())?;
    let parents: Vec<String> = parent.iter().cloned().collect();
    let body = if args.autogenerate {
        let mut runner_args = vec!["--format", "json", "autogenerate"];
        if args.from_db {
            runner_args.push("--from-db");
        }
        let generated = Generated::parse(&super::runner::capture(opts, &runner_args, cwd)?)?;
        if generated.changes == 0 {
            let against = if args.from_db {
                "the database"
            } else {
                "the migrations"
            };
            shell::note(
                "Fresh",
                format!("the models match {against}: no revision written"),
            );
            return Ok(exit_codes::SUCCESS);
        }
        for note in &generated.notes {
            shell::warning(note);
        }
        Body::Generated(generated.body)
    } else {
        Body::Example
    };
    let path = folder.write(&id, &source(&id, &parents, message, body))?;
    let shown = relative(&path, &folder.package_dir);
    match &parent {
        Some(parent) => shell::status("Created", format!("{shown} (revises {parent})")),
        None => shell::status("Created", format!("{shown} (base revision)")),
    }
    report_json(opts, &id, &parents, message, &path);
    Ok(exit_codes::SUCCESS)
}

/// What the runner's `autogenerate --format json` printed.
struct Generated {
    changes: u64,
    body: String,
    notes: Vec<String>,
    /// `adopt`: other tools' migration tables left out, with their tool.
    left_out: Vec<(String, String)>,
    /// `adopt`: the revision(s) in Alembic's `alembic_version`.
    alembic_revisions: Vec<String>,
}

impl Generated {
    fn parse(stdout: &str) -> Result<Self, Error> {
        let value: serde_json::Value = serde_json::from_str(stdout.trim())
            .map_err(|e| Error::RunnerOutput(format!("{e}: {stdout}")))?;
        let notes = value["notes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|n| n.as_str().map(String::from))
            .collect();
        let strings = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
        Ok(Generated {
            changes: value["changes"].as_u64().unwrap_or(0),
            body: strings(&value["body"]),
            notes,
            left_out: value["left_out"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|t| (strings(&t["table"]), strings(&t["tool"])))
                .collect(),
            alembic_revisions: value["alembic_revisions"]
                .as_array()
                .into_iter()
                .flatten()
                .map(strings)
                .collect(),
        })
    }
}

/// Runs `cargo schema adopt`: the live database's schema as the first revision, then a stamp so
/// that database counts as migrated.
pub fn adopt(opts: &Opts, args: &crate::cli::AdoptArgs, cwd: &Path) -> Result<u8, Error> {
    let (message, id) = message_and_id(&args.message, args.id.as_deref())?;
    let folder = MigrationsFolder::load(opts, cwd)?;
    if !folder.revisions.is_empty() {
        return Err(Error::AdoptWithRevisions {
            count: folder.revisions.len(),
        });
    }
    // `--exclude` patterns go to `[package.metadata.schema] exclude`, so that `check
    // --database` leaves the same tables out later; the edit is undone if adopt fails.
    let manifest = ExcludeEdit::apply(&folder.manifest_path, &args.exclude)?;
    let result = adopt_generated(opts, args, cwd, &folder, message, &id);
    if !matches!(result, Ok(code) if code == exit_codes::SUCCESS) {
        manifest.undo();
    }
    result
}

/// The part of `adopt` after the manifest edit: generate, write, stamp.
fn adopt_generated(
    opts: &Opts,
    args: &crate::cli::AdoptArgs,
    cwd: &Path,
    folder: &MigrationsFolder,
    message: &str,
    id: &str,
) -> Result<u8, Error> {
    let mut runner_args: Vec<&str> = vec!["--format", "json", "autogenerate", "--adopt"];
    if args.keep_tool_tables {
        runner_args.push("--keep-tool-tables");
    }
    let generated = Generated::parse(&super::runner::capture(opts, &runner_args, cwd)?)?;
    for (table, tool) in &generated.left_out {
        shell::note(
            "Left out",
            format!("{table} ({tool}'s migration table; --keep-tool-tables keeps it)"),
        );
    }
    for note in &generated.notes {
        shell::warning(note);
    }
    if !generated.notes.is_empty() && !args.allow_lossy {
        return Err(Error::AdoptLossy {
            count: generated.notes.len(),
        });
    }
    // The hand-over from Alembic stays traceable: its revision goes into the baseline's message.
    let message = match generated.alembic_revisions.as_slice() {
        [] => message.to_owned(),
        revisions => format!("{message} (Alembic revision {})", revisions.join(", ")),
    };
    let path = folder.write(
        id,
        &source(id, &[], &message, Body::Generated(generated.body)),
    )?;
    shell::status(
        "Created",
        format!(
            "{} ({} op(s) read from the database)",
            relative(&path, &folder.package_dir),
            generated.changes
        ),
    );
    // The new file needs a rebuild; the stamp then records the database as at this revision.
    let mut stamp: Vec<std::ffi::OsString> = super::runner::connection_args(&opts.global)
        .into_iter()
        .map(Into::into)
        .collect();
    stamp.extend(["stamp".into(), id.into()]);
    let stamped = super::runner::run(opts, stamp, cwd);
    if !matches!(stamped, Ok(code) if code == crate::exit_codes::SUCCESS) {
        // A failed adopt leaves nothing behind: no stamp was recorded, and the file goes too.
        if std::fs::remove_file(&path).is_ok() {
            shell::note(
                "Removed",
                format!(
                    "{} (the database was not stamped)",
                    relative(&path, &folder.package_dir)
                ),
            );
        }
    }
    stamped
}

/// `--exclude` patterns added to the package's manifest, and how to take them back.
struct ExcludeEdit {
    path: PathBuf,
    original: Option<String>,
}

impl ExcludeEdit {
    fn apply(path: &Path, patterns: &[String]) -> Result<Self, Error> {
        let mut edit = ExcludeEdit {
            path: path.to_path_buf(),
            original: None,
        };
        if patterns.is_empty() {
            return Ok(edit);
        }
        let read = |source| Error::Read {
            path: path.to_path_buf(),
            source,
        };
        let text = std::fs::read_to_string(path).map_err(read)?;
        let manifest_error = |problem: String| Error::Manifest {
            path: path.to_path_buf(),
            problem,
        };
        let mut doc: toml_edit::DocumentMut = text
            .parse()
            .map_err(|e: toml_edit::TomlError| manifest_error(e.to_string()))?;
        let added = crate::manifest::add_excludes(&mut doc, patterns).map_err(manifest_error)?;
        if added.is_empty() {
            return Ok(edit);
        }
        std::fs::write(path, doc.to_string()).map_err(|source| Error::Write {
            path: path.to_path_buf(),
            source,
        })?;
        shell::status(
            "Updated",
            format!(
                "Cargo.toml: [package.metadata.schema] exclude += {}",
                added
                    .iter()
                    .map(|p| format!("\"{p}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
        edit.original = Some(text);
        Ok(edit)
    }

    fn undo(self) {
        if let Some(original) = self.original {
            if std::fs::write(&self.path, original).is_ok() {
                shell::note("Restored", "Cargo.toml (adopt did not complete)");
            }
        }
    }
}

/// The trimmed message, which must not be empty, and the new revision's id: `--id` checked
/// against the attribute's rules, or one made from the time and the message.
pub(crate) fn message_and_id<'a>(
    message: &'a str,
    id: Option<&str>,
) -> Result<(&'a str, String), Error> {
    let message = message.trim();
    if message.is_empty() {
        return Err(Error::EmptyMessage);
    }
    let id = match id {
        Some(id) => valid_id(id)?,
        None => generated_id(Utc::now(), message),
    };
    Ok((message, id))
}

/// The migrations folder of the selected package, its revisions read from source, and their
/// graph.
pub(crate) struct MigrationsFolder {
    /// The package's folder, for paths in status lines.
    pub(crate) package_dir: PathBuf,
    /// The package's `Cargo.toml`.
    pub(crate) manifest_path: PathBuf,
    /// The migrations folder.
    pub(crate) dir: PathBuf,
    /// The revisions its files declare.
    pub(crate) revisions: Vec<RevisionFile>,
    /// Their graph.
    pub(crate) graph: RevisionGraph,
}

impl MigrationsFolder {
    /// Finds the migrations package from `cwd` and reads its folder.
    pub(crate) fn load(opts: &Opts, cwd: &Path) -> Result<Self, Error> {
        let workspace = Workspace::load(&opts.cargo, cwd)?;
        let package = workspace.migrations_package(&opts.cargo)?;
        let dir = package.migrations_dir();
        let listing = migration_files::list(&dir)?;
        migration_files::warn_skipped(&listing);
        let revisions = migration_files::read_files(&listing.migrations)?;
        let graph = migration_files::graph(&revisions)?;
        Ok(MigrationsFolder {
            package_dir: package.dir.clone(),
            manifest_path: package.manifest_path.clone(),
            dir,
            revisions,
            graph,
        })
    }

    /// Writes `<id>.rs`, never over an existing file or id; creates the folder when missing.
    pub(crate) fn write(&self, id: &str, contents: &str) -> Result<PathBuf, Error> {
        if let Some(taken) = self.revisions.iter().find(|r| r.id == id) {
            return Err(Error::IdTaken {
                id: id.to_owned(),
                path: taken.path.clone(),
            });
        }
        let path = self.dir.join(format!("{id}.rs"));
        if path.exists() {
            return Err(Error::RevisionFileExists { path });
        }
        if !self.dir.exists() {
            create_dir(&self.dir)?;
            shell::status(
                "Created",
                format!("{}/", relative(&self.dir, &self.package_dir)),
            );
        }
        write_new(&path, contents).map_err(|error| match error {
            Error::Write { source, path } if source.kind() == std::io::ErrorKind::AlreadyExists => {
                Error::RevisionFileExists { path }
            }
            other => other,
        })?;
        Ok(path)
    }
}

/// `--format json`: the new revision as one document on stdout.
pub(crate) fn report_json(opts: &Opts, id: &str, parents: &[String], message: &str, path: &Path) {
    if opts.global.format == Format::Json {
        shell::data(serde_json::json!({
            "id": id,
            "revises": parents,
            "message": message,
            "path": path.to_string_lossy(),
        }));
    }
}

/// The parent of the new revision: `--head`, which must be a head, else the single head; `None`
/// for the first revision.
fn parent(graph: &RevisionGraph, head: Option<&str>) -> Result<Option<String>, Error> {
    let heads = graph.heads();
    let Some(spec) = head else {
        return match heads.as_slice() {
            [] => Ok(None),
            [head] => Ok(Some((*head).to_owned())),
            _ => Err(Error::MultipleHeads {
                heads: heads.iter().map(|h| (*h).to_owned()).collect(),
            }),
        };
    };
    if graph.is_empty() {
        return Err(Error::HeadWithoutRevisions(spec.to_owned()));
    }
    let id = graph
        .resolve(spec)
        .map_err(|source| Error::Graph { source })?;
    if !heads.contains(&id) {
        let children = graph
            .topological()
            .into_iter()
            .filter(|c| graph.parents(c).contains(&id))
            .map(str::to_owned)
            .collect();
        return Err(Error::NotAHead {
            id: id.to_owned(),
            children,
            heads: heads.iter().map(|h| (*h).to_owned()).collect(),
        });
    }
    Ok(Some(id.to_owned()))
}

/// `YYYYMMDD_HHMMSS_<slug>`; ids sort by creation time in file listings.
fn generated_id(now: DateTime<Utc>, message: &str) -> String {
    let stamp = now.format("%Y%m%d_%H%M%S").to_string();
    match slug(message) {
        slug if slug.is_empty() => stamp,
        slug => format!("{stamp}_{slug}"),
    }
}

/// The message lowercased, every run of characters other than ASCII letters and digits turned
/// into one `_`, trimmed of `_`, at most [`MAX_SLUG_LEN`] characters.
fn slug(message: &str) -> String {
    let mut slug = String::new();
    for c in message.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('_') {
            slug.push('_');
        }
    }
    slug.truncate(MAX_SLUG_LEN);
    slug.trim_end_matches('_').to_owned()
}

/// The rules `#[migration]` checks (schema-core's), so that a given id compiles.
fn valid_id(id: &str) -> Result<String, Error> {
    check_revision_id(id).map_err(|problem| Error::InvalidId {
        id: id.to_owned(),
        problem,
    })?;
    Ok(id.to_owned())
}

/// What the new file's upgrade function holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Body {
    /// An example op in a comment, for a revision to fill in.
    Example,
    /// Nothing: a merge only joins branches (ops that reconcile them can be added).
    Merge,
    /// Ops that autogenerate wrote (indented statements).
    Generated(String),
}

/// The new file: the attribute (`revises = "a"`, or `revises = ["a", "b"]` for a merge, none
/// for a base) and the upgrade function.
pub(crate) fn source(id: &str, parents: &[String], message: &str, body: Body) -> String {
    let revises = match parents {
        [] => String::new(),
        [parent] => format!(", revises = {}", string_literal(parent)),
        several => format!(
            ", revises = [{}]",
            several
                .iter()
                .map(|p| string_literal(p))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let generated;
    let function = match body {
        Body::Example => "fn upgrade(op: &mut Ops) {\n    \
             // Describe the change with `op`; the downgrade is derived by reversing it. For example:\n    \
             // op.create_table(\"users\", |t| {\n    \
             //     t.column(\"id\", Type::BigInt).primary_key().identity();\n    \
             //     t.column(\"email\", Type::String(255)).not_null().unique();\n    \
             // });\n\
             }\n",
        Body::Generated(ops) => {
            generated = format!(
                "fn upgrade(op: &mut Ops) {{\n    \
                 // Written by autogenerate: review it before applying (the downgrade is derived).\n\
                 {ops}}}\n"
            );
            generated.as_str()
        }
        Body::Merge => "fn upgrade(_op: &mut Ops) {\n    \
             // Joins the branches. Ops that reconcile them, if any, go here (name the argument `op`).\n\
             }\n",
    };
    format!(
        "use schema_runtime::prelude::*;\n\
         \n\
         #[migration(id = {id}{revises}, message = {message})]\n\
         {function}",
        id = string_literal(id),
        message = string_literal(message),
    )
}

/// A Rust string literal with whatever escapes `text` needs.
fn string_literal(text: &str) -> String {
    proc_macro2::Literal::string(text).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn slug_is_lowercase_collapsed_trimmed_and_short() {
        assert_eq!(slug("Create users"), "create_users");
        assert_eq!(slug("  add `email` -- index!! "), "add_email_index");
        assert_eq!(slug("ünïcode naïve"), "n_code_na_ve");
        assert_eq!(slug("!!!"), "");
        let long = slug("a very long message that goes on and on past forty characters");
        assert_eq!(long, "a_very_long_message_that_goes_on_and_on");
        assert!(long.len() <= MAX_SLUG_LEN);
    }

    #[test]
    fn id_is_timestamp_then_slug() {
        let now = Utc
            .with_ymd_and_hms(2025, 1, 2, 14, 30, 0)
            .single()
            .expect("valid date");
        assert_eq!(
            generated_id(now, "Create users"),
            "20250102_143000_create_users"
        );
        assert_eq!(generated_id(now, "?"), "20250102_143000");
    }

    #[test]
    fn given_ids_follow_the_attribute_rules() {
        assert!(valid_id("0001_init").is_ok());
        assert!(valid_id("with-dash").is_err());
        assert!(valid_id("_hidden").is_err());
        assert!(valid_id("").is_err());
        assert!(valid_id(&"a".repeat(101)).is_err());
    }

    #[test]
    fn source_escapes_the_message_and_parses_back() {
        let text = source("b", &["a".to_owned()], "say \"hi\" \\ now", Body::Example);
        assert!(text.contains(r#"message = "say \"hi\" \\ now""#), "{text}");
        let rev = migration_files::parse(Path::new("b.rs"), &text).expect("parses");
        assert_eq!((rev.id.as_str(), rev.parents), ("b", vec!["a".to_owned()]));
        let base = source("a", &[], "init", Body::Example);
        assert!(
            base.contains(r#"#[migration(id = "a", message = "init")]"#),
            "{base}"
        );
    }

    #[test]
    fn a_merge_lists_its_parents_and_has_an_empty_upgrade() {
        let parents = ["a".to_owned(), "b\"c".to_owned()];
        let text = source("m", &parents, "merge", Body::Merge);
        assert_eq!(
            text,
            "use schema_runtime::prelude::*;\n\n\
             #[migration(id = \"m\", revises = [\"a\", \"b\\\"c\"], message = \"merge\")]\n\
             fn upgrade(_op: &mut Ops) {\n    \
             // Joins the branches. Ops that reconcile them, if any, go here (name the argument `op`).\n\
             }\n"
        );
        // Parents come from the graph, whose ids the header rules keep free of quotes: the
        // file above escapes what it must, and reading it back applies those rules.
        let err = migration_files::parse(Path::new("m.rs"), &text).unwrap_err();
        assert!(
            err.to_string().contains("parent id `b\"c` contains `\"`"),
            "{err}"
        );
        let parents = ["a".to_owned(), "b".to_owned()];
        let text = source("m", &parents, "merge", Body::Merge);
        let rev = migration_files::parse(Path::new("m.rs"), &text).expect("parses");
        assert_eq!(rev.parents, parents);
    }

    #[test]
    fn several_heads_are_named_and_head_picks_one() {
        let graph =
            RevisionGraph::new([("a", vec![]), ("b", vec!["a"]), ("c", vec!["a"])]).expect("graph");
        let err = parent(&graph, None).unwrap_err();
        assert!(
            matches!(&err, Error::MultipleHeads { heads } if heads == &["b", "c"]),
            "{err:?}"
        );
        assert_eq!(
            parent(&graph, Some("c")).expect("head"),
            Some("c".to_owned())
        );
        assert!(matches!(
            parent(&graph, Some("a")),
            Err(Error::NotAHead { .. })
        ));
    }
}
