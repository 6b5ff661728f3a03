//! Everything that can go wrong in `cargo schema`, each with what to do about it and the exit
//! code it maps to.

use std::io;
use std::path::PathBuf;

use schema_core::graph::GraphCheckError;
use schema_core::names::{IdRole, RevisionIdProblem};
use schema_runtime::graph::GraphError;

use crate::exit_codes;

/// A `cargo schema` failure. The message says what happened and what to do.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// `cargo metadata` failed (no Cargo.toml here, a malformed manifest, ...).
    #[error(
        "{message}\nhelp: run `cargo schema` inside a Cargo package or workspace, or pass \
         `--manifest-path <path/to/Cargo.toml>`"
    )]
    Metadata {
        /// What cargo said, without its `error: ` prefix.
        message: String,
    },
    /// `-p NAME` names no workspace member.
    #[error("package `{name}` is not a member of the workspace; members: {}", .members.join(", "))]
    UnknownPackage {
        /// The name asked for.
        name: String,
        /// The members there are.
        members: Vec<String>,
    },
    /// `init` without a package to act on.
    #[error(
        "{} is not inside a package; run `cargo schema init` in the crate that should hold the \
         migrations, or pass `-p <name>` (members: {})",
        .dir.display(), .members.join(", ")
    )]
    NoPackageHere {
        /// The current directory, or the virtual manifest's directory.
        dir: PathBuf,
        /// The members there are.
        members: Vec<String>,
    },
    /// `-p NAME` names a package without `[package.metadata.schema]`.
    #[error(
        "package `{name}` has no `[package.metadata.schema]` table; set it up with \
         `cargo schema init -p {name}`"
    )]
    NotInitialised {
        /// The package.
        name: String,
    },
    /// No member has `[package.metadata.schema]`.
    #[error(
        "no package of the workspace has a `[package.metadata.schema]` table; run \
         `cargo schema init` in the crate that should hold the migrations (members: {})",
        .members.join(", ")
    )]
    NoMigrationsPackage {
        /// The members there are.
        members: Vec<String>,
    },
    /// Several members have `[package.metadata.schema]` and nothing picks one.
    #[error(
        "several packages hold migrations: {}; pass `-p <name>` to pick one, or run the command \
         from inside its folder",
        .names.join(", ")
    )]
    SeveralMigrationsPackages {
        /// The candidates.
        names: Vec<String>,
    },
    /// A key of `[package.metadata.schema]` has the wrong type or value.
    #[error("`{key}` in {} {problem}", .manifest.display())]
    InvalidMetadata {
        /// The manifest.
        manifest: PathBuf,
        /// The dotted key (`package.metadata.schema.runner`).
        key: String,
        /// What is wrong and what to write instead.
        problem: String,
    },
    /// `init --migrations` disagrees with the folder already configured.
    #[error(
        "package `{package}` already keeps its migrations in `{configured}`; to move them, move \
         the folder and edit `migrations` in `[package.metadata.schema]` and the \
         `migrations!(...)` call"
    )]
    MigrationsFolderConflict {
        /// The package.
        package: String,
        /// The folder in Cargo.toml.
        configured: String,
    },
    /// `init --migrations` with a folder that is not a plain relative path.
    #[error("`--migrations {0}` must be a relative path inside the package, e.g. `migrations` or `db/migrations`")]
    InvalidMigrationsFolder(String),
    /// A manifest that `init` cannot edit.
    #[error("cannot edit {}: {problem}", .path.display())]
    Manifest {
        /// The manifest.
        path: PathBuf,
        /// What is wrong with it.
        problem: String,
    },
    /// A file or folder could not be read.
    #[error("cannot read {}: {source}", .path.display())]
    Read {
        /// What was read.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
    /// A file or folder could not be written.
    #[error("cannot write {}: {source}", .path.display())]
    Write {
        /// What was written.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
    /// A migration file that is not valid Rust, or whose `#[migration(...)]` cannot be read.
    #[error("{}:{line}:{column}: {message}", .path.display())]
    MigrationFile {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong and what to write instead.
        message: String,
    },
    /// A migration file without a `#[migration(...)]` function.
    #[error(
        "{}: no function with a `#[migration(id = \"...\", ...)]` attribute; every `.rs` file of \
         the migrations folder declares one revision (move other code out of the folder)",
        .path.display()
    )]
    NoMigrationAttribute {
        /// The file.
        path: PathBuf,
    },
    /// The revision files do not form a revision graph (an id declared twice, an unknown
    /// parent or dependency, a label on two revisions, a cycle): schema-core's check, naming
    /// the files.
    #[error("{0}")]
    RevisionGraph(GraphCheckError),
    /// A revision or target the graph cannot resolve.
    #[error("{source}")]
    Graph {
        /// The graph's complaint.
        source: GraphError,
    },
    /// `revision` without `--head` while there are several heads.
    #[error(
        "there are {} heads: {}; pass `--head <id>` to choose the parent of the new revision, \
         or join them first with `cargo schema merge`",
        .heads.len(), .heads.join(", ")
    )]
    MultipleHeads {
        /// The heads.
        heads: Vec<String>,
    },
    /// `--head` names a revision that already has children.
    #[error(
        "`{id}` is not a head: {} already revises it; the current head(s): {}",
        .children.join(", "), .heads.join(", ")
    )]
    NotAHead {
        /// The revision.
        id: String,
        /// Its children.
        children: Vec<String>,
        /// The heads.
        heads: Vec<String>,
    },
    /// `merge` names fewer than two distinct revisions.
    #[error("{}", merge_too_few(.named, .heads))]
    MergeTooFew {
        /// The distinct revisions named.
        named: Vec<String>,
        /// The heads.
        heads: Vec<String>,
    },
    /// `merge` names a revision that already has children, without `--force`.
    #[error(
        "`{id}` is not a head: {} already revises it; a merge joins heads (now: {}), or pass \
         `--force` to merge a revision that has children",
        .children.join(", "), .heads.join(", ")
    )]
    MergeNotAHead {
        /// The revision.
        id: String,
        /// Its children.
        children: Vec<String>,
        /// The heads.
        heads: Vec<String>,
    },
    /// `merge` names a revision together with one of its descendants.
    #[error(
        "`{ancestor}` is an ancestor of `{descendant}`, so a merge of the two joins nothing; \
         name revisions on different branches"
    )]
    MergeOfAncestor {
        /// The older revision.
        ancestor: String,
        /// The revision that already builds on it.
        descendant: String,
    },
    /// `--head` with no revisions at all.
    #[error("`--head {0}` names a revision, but the migrations folder has none yet; omit `--head` to write the first revision")]
    HeadWithoutRevisions(String),
    /// A revision id that the `#[migration]` attribute would reject.
    #[error("{}", .problem.message(IdRole::Revision, .id))]
    InvalidId {
        /// The id.
        id: String,
        /// What is wrong with it (schema-core's id rule, which the attribute checks).
        problem: RevisionIdProblem,
    },
    /// `-m` empty.
    #[error("the message is empty; describe the revision in one line, e.g. `-m \"create users\"`")]
    EmptyMessage,
    /// The id is already declared by a revision.
    #[error("revision id `{id}` is already declared in {}; pass another `--id`", .path.display())]
    IdTaken {
        /// The id.
        id: String,
        /// Where.
        path: PathBuf,
    },
    /// The revision file already exists.
    #[error("{} already exists; not overwriting it (pass another `--id` or `-m`)", .path.display())]
    RevisionFileExists {
        /// The file.
        path: PathBuf,
    },
    /// The package has no runner binary.
    #[error(
        "package `{package}` has no binary `{runner}`; `cargo schema init -p {package}` creates \
         src/bin/{runner}.rs, or set `runner = \"<bin>\"` in `[package.metadata.schema]`"
    )]
    MissingRunner {
        /// The package.
        package: String,
        /// The bin name.
        runner: String,
    },
    /// cargo could not be started.
    #[error("cannot run `{cargo}`: {source}; is cargo installed, and $CARGO right?")]
    CargoNotRunnable {
        /// The cargo used.
        cargo: String,
        /// The I/O error.
        source: io::Error,
    },
    /// The runner's build failed (cargo already printed why).
    #[error("could not build the migrations runner (`{runner}` of package `{package}`)")]
    BuildFailed {
        /// The package.
        package: String,
        /// The bin name.
        runner: String,
    },
    /// The runner failed while autogenerating (it printed why).
    #[error("the migrations runner failed (exit code {code}); see its message above")]
    RunnerFailed {
        /// Its exit code.
        code: u8,
    },
    /// The runner's output could not be read.
    #[error("unexpected output from the migrations runner: {0}")]
    RunnerOutput(String),
    /// Adopting needs an empty migrations folder.
    #[error("the migrations folder already has {count} revision(s); adopt describes a database as the first revision, so run it before writing any (or use `cargo schema revision --autogenerate --from-db`)")]
    AdoptWithRevisions {
        /// Revisions present.
        count: usize,
    },
    /// The baseline would not describe everything the database holds.
    #[error("the baseline cannot describe {count} thing(s) the database holds (listed above); nothing was written or stamped. Pass --allow-lossy to write it with a `// NOTE:` for each, then handle them by hand (raw SQL in the revision, or a later revision)")]
    AdoptLossy {
        /// Losses.
        count: usize,
    },
    /// The runner could not be started.
    #[error("cannot run the migrations runner {}: {source}", .path.display())]
    RunnerNotRunnable {
        /// The executable.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
}

impl Error {
    /// The documented exit code for this error (see [`exit_codes`]).
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Metadata { .. }
            | Error::UnknownPackage { .. }
            | Error::NoPackageHere { .. }
            | Error::NotInitialised { .. }
            | Error::NoMigrationsPackage { .. }
            | Error::SeveralMigrationsPackages { .. }
            | Error::InvalidMetadata { .. }
            | Error::MigrationsFolderConflict { .. }
            | Error::InvalidMigrationsFolder(_)
            | Error::Manifest { .. }
            | Error::MissingRunner { .. }
            | Error::InvalidId { .. }
            | Error::EmptyMessage
            | Error::IdTaken { .. }
            | Error::RevisionFileExists { .. } => exit_codes::USAGE,
            Error::MigrationFile { .. }
            | Error::NoMigrationAttribute { .. }
            | Error::RevisionGraph(_)
            | Error::Graph { .. }
            | Error::MultipleHeads { .. }
            | Error::NotAHead { .. }
            | Error::MergeTooFew { .. }
            | Error::MergeNotAHead { .. }
            | Error::MergeOfAncestor { .. }
            | Error::HeadWithoutRevisions(_) => exit_codes::INVALID_PLAN,
            Error::Read { .. } | Error::Write { .. } => exit_codes::MIGRATION_FAILED,
            Error::CargoNotRunnable { .. } | Error::BuildFailed { .. } => exit_codes::BUILD_FAILED,
            Error::RunnerNotRunnable { .. } | Error::RunnerOutput(_) => {
                exit_codes::MIGRATION_FAILED
            }
            Error::RunnerFailed { code } => *code,
            Error::AdoptWithRevisions { .. } => exit_codes::USAGE,
            Error::AdoptLossy { .. } => exit_codes::CHECK_FAILED,
        }
    }
}

/// Why a merge needs more, and what there is to merge.
fn merge_too_few(named: &[String], heads: &[String]) -> String {
    let named = match named {
        [] => "no revision is named".to_owned(),
        [one] => format!("only `{one}` is named"),
        several => format!("`{}` are named", several.join("`, `")),
    };
    match heads {
        [] | [_] => format!(
            "a merge joins two or more heads, and {named}; there is {} head, so there is nothing to merge",
            if heads.is_empty() { "no" } else { "one" }
        ),
        _ => format!(
            "a merge joins two or more heads, and {named}; the heads are {}: `cargo schema merge heads -m <MSG>` joins them all",
            heads.join(", ")
        ),
    }
}
