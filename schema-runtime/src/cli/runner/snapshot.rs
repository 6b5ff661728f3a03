//! `snapshot`: the SQL of every revision, upgrade and downgrade, on each dialect, kept as
//! insta-format snapshot files in `<migrations>/snapshots/<revision id>@<dialect>.snap`, so
//! that a change to a migration shows in review as a change to its SQL.
//!
//! The files are what `insta` itself writes (a YAML header between `---` lines, then the
//! body), so `cargo insta review` and `cargo insta accept` work on the `.snap.new` files that
//! [`check_snapshots`] leaves next to a snapshot that differs or is missing.
//!
//! ```
//! use schema_runtime::cli::snapshot::{check_snapshots, render_snapshots, write_snapshots};
//! use schema_runtime::prelude::*;
//! use schema_runtime::{Dialect, Migrator, Revision};
//!
//! let migrator = Migrator::new(vec![Revision::new("0001_users", &[], "users", |op| {
//!     op.create_table("users", |t| { t.column("id", Type::BigInt).primary_key(); });
//! })])
//! .unwrap();
//! let snapshots = render_snapshots(&migrator, &[Dialect::Sqlite], |_| None);
//! assert_eq!(snapshots[0].file_name(), "0001_users@sqlite.snap");
//! assert!(snapshots[0].body.starts_with("-- upgrade\nCREATE TABLE \"users\""));
//!
//! let dir = std::env::temp_dir().join(format!("schema-snapshot-doc-{}", std::process::id()));
//! write_snapshots(&dir, &snapshots, &[Dialect::Sqlite]).unwrap();
//! assert!(check_snapshots(&dir, &snapshots, &[Dialect::Sqlite]).unwrap().is_current());
//! # std::fs::remove_dir_all(&dir).unwrap();
//! ```

use std::collections::HashSet;
use std::fmt::{self, Write as _};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use similar::TextDiff;

use super::{exit_codes, output, Context};
use crate::cli::args::SnapshotArgs;
use crate::cli::json::{SnapshotDocument, SnapshotMismatch};
use crate::migrator::{MigrateError, Migrator, PlanError, Step};
use crate::{Dialect, Migrations};

/// The folder, inside the migrations folder, that holds the snapshots.
pub const SNAPSHOTS_DIR: &str = "snapshots";

/// The SQL of one revision on one dialect, as one snapshot file holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionSnapshot {
    /// Revision id.
    pub revision: String,
    /// The dialect the SQL is rendered for.
    pub dialect: Dialect,
    /// The migration file, relative to the package (`migrations/..._create_users.rs`).
    pub source: Option<String>,
    /// The revision's message.
    pub message: String,
    /// `-- upgrade` and its statements, then `-- downgrade` and its statements or why it has
    /// none.
    pub body: String,
}

impl RevisionSnapshot {
    /// `<revision id>@<dialect>.snap`.
    pub fn file_name(&self) -> String {
        format!("{}@{}.snap", self.revision, self.dialect.name())
    }

    /// What produced the snapshot, for the `expression` field of the header.
    pub fn expression(&self) -> String {
        format!(
            "upgrade and downgrade SQL of {} on {}",
            self.revision,
            self.dialect.name()
        )
    }

    /// The whole file, as insta writes a snapshot: `---`, the YAML header (`source`,
    /// `description`, `expression`), `---`, the body and a newline.
    pub fn to_file(&self) -> String {
        let mut file = String::from("---\n");
        if let Some(source) = &self.source {
            let _ = writeln!(file, "source: {}", yaml_scalar(source));
        }
        let _ = writeln!(file, "description: {}", yaml_scalar(&self.message));
        let _ = writeln!(file, "expression: {}", yaml_scalar(&self.expression()));
        file.push_str("---\n");
        file.push_str(normalize(&self.body).as_str());
        file.push('\n');
        file
    }
}

/// Renders the snapshot of every revision of `migrator` on each of `dialects`, oldest revision
/// first. The upgrade is rendered over the schema its ancestors (and dependencies) built, the
/// downgrade over the schema with the revision applied: exactly the SQL `upgrade` and
/// `downgrade` would run. `source_of` names the migration file of a revision id.
pub fn render_snapshots(
    migrator: &Migrator,
    dialects: &[Dialect],
    source_of: impl Fn(&str) -> Option<String>,
) -> Vec<RevisionSnapshot> {
    let mut revisions = migrator.history();
    revisions.reverse();
    let mut snapshots = Vec::with_capacity(revisions.len() * dialects.len());
    for revision in revisions {
        let id = revision.id.as_str();
        let parents: Vec<String> = migrator
            .graph()
            .parents(id)
            .into_iter()
            .map(str::to_owned)
            .collect();
        for &dialect in dialects {
            let mut body = String::new();
            let upgrade = migrator.plan_upgrade(dialect, &parents, id);
            section(
                &mut body,
                "upgrade",
                step_of(upgrade, id),
                "cannot be rendered",
            );
            // `-1` from the revision alone reverts exactly it.
            let downgrade = migrator.plan_downgrade(dialect, &[id.to_owned()], "-1");
            section(
                &mut body,
                "downgrade",
                step_of(downgrade, id),
                "cannot be derived",
            );
            snapshots.push(RevisionSnapshot {
                revision: id.to_owned(),
                dialect,
                source: source_of(id),
                message: revision.message.clone(),
                body,
            });
        }
    }
    snapshots
}

/// The step of revision `id` in a plan (a plan from the parents may apply dependencies first).
fn step_of(plan: Result<Vec<Step>, PlanError>, id: &str) -> Result<Option<Step>, PlanError> {
    Ok(plan?.into_iter().find(|step| step.revision == id))
}

/// `-- <name>` with how the step runs, then its statements, or `-- <failed>: <why>`.
fn section(body: &mut String, name: &str, step: Result<Option<Step>, PlanError>, failed: &str) {
    match step {
        Ok(None) => {
            let _ = writeln!(body, "-- {name}\n-- (not planned)");
        }
        Ok(Some(step)) => {
            let mut notes = Vec::new();
            if !step.transactional {
                notes.push("outside a transaction");
            }
            if step.foreign_keys_off {
                notes.push("foreign keys off, then PRAGMA foreign_key_check");
            }
            let _ = write!(body, "-- {name}");
            if !notes.is_empty() {
                let _ = write!(body, " ({})", notes.join("; "));
            }
            body.push('\n');
            if step.statements.is_empty() {
                body.push_str("-- (no statements)\n");
            }
            for statement in &step.statements {
                body.push_str(statement.trim_end());
                if !statement.trim_end().ends_with(';') {
                    body.push(';');
                }
                body.push('\n');
            }
        }
        Err(error) => {
            let _ = writeln!(body, "-- {name}");
            for (i, line) in error.to_string().lines().enumerate() {
                let prefix = if i == 0 { failed } else { "" };
                let separator = if i == 0 { ": " } else { "   " };
                let _ = writeln!(body, "-- {prefix}{separator}{line}");
            }
        }
    }
}

/// The snapshots of embedded migrations, and the folder they belong in:
/// `<migrations folder>/snapshots`, next to the migration files.
///
/// `package_dir` is the directory of the package's `Cargo.toml`; sources are named relative
/// to it.
pub fn migrations_snapshots(
    migrator: &Migrator,
    migrations: &Migrations,
    package_dir: &Path,
    dialects: &[Dialect],
) -> (PathBuf, Vec<RevisionSnapshot>) {
    let dir = snapshots_dir(migrations, package_dir);
    let snapshots = render_snapshots(migrator, dialects, |id| {
        let def = migrations.defs().iter().find(|def| def.id == id)?;
        let path = source_path(def.source, package_dir);
        let relative = path.strip_prefix(package_dir).unwrap_or(&path);
        Some(relative.to_string_lossy().replace('\\', "/"))
    });
    (dir, snapshots)
}

/// `<migrations folder>/snapshots`, the migrations folder being the one holding the migration
/// files (`migrations` in the package when there are none yet).
pub fn snapshots_dir(migrations: &Migrations, package_dir: &Path) -> PathBuf {
    migrations_dir(migrations, package_dir).join(SNAPSHOTS_DIR)
}

/// The folder holding the migration files (`migrations` in the package when there are none).
pub(crate) fn migrations_dir(migrations: &Migrations, package_dir: &Path) -> PathBuf {
    migrations
        .defs()
        .first()
        .and_then(|def| {
            source_path(def.source, package_dir)
                .parent()
                .map(Path::to_path_buf)
        })
        .unwrap_or_else(|| package_dir.join("migrations"))
}

/// The absolute path of a migration file as `file!()` recorded it: absolute when
/// `migrations!` embedded it, else relative to the package or to the workspace above it.
fn source_path(source: &str, package_dir: &Path) -> PathBuf {
    let path = Path::new(source);
    if path.is_absolute() {
        return path.to_path_buf();
    }
    package_dir
        .ancestors()
        .map(|dir| dir.join(path))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| package_dir.join(path))
}

/// A snapshot that could not be read, written or removed.
#[derive(Debug, thiserror::Error)]
#[error("cannot {action} `{}`: {source}", path.display())]
pub struct SnapshotError {
    /// `read`, `write` or `remove`.
    pub action: &'static str,
    /// The file or folder.
    pub path: PathBuf,
    /// The operating system's error.
    #[source]
    pub source: io::Error,
}

fn io_error<'a>(
    action: &'static str,
    path: &'a Path,
) -> impl FnOnce(io::Error) -> SnapshotError + 'a {
    move |source| SnapshotError {
        action,
        path: path.to_path_buf(),
        source,
    }
}

/// What [`write_snapshots`] changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteReport {
    /// Snapshots written for the first time.
    pub created: Vec<PathBuf>,
    /// Snapshots whose content changed.
    pub updated: Vec<PathBuf>,
    /// Snapshots left as they were.
    pub unchanged: usize,
    /// Snapshots of the written dialects that no revision produces any more, deleted.
    pub removed: Vec<PathBuf>,
}

/// Writes `snapshots` into `dir` (created if needed), overwriting what differs, deleting the
/// `.snap` files of `dialects` that no revision produces and every pending `.snap.new` of the
/// snapshots written.
pub fn write_snapshots(
    dir: &Path,
    snapshots: &[RevisionSnapshot],
    dialects: &[Dialect],
) -> Result<WriteReport, SnapshotError> {
    fs::create_dir_all(dir).map_err(io_error("create", dir))?;
    let mut report = WriteReport::default();
    for snapshot in snapshots {
        let path = dir.join(snapshot.file_name());
        let text = snapshot.to_file();
        match fs::read_to_string(&path) {
            Ok(old) if old == text => report.unchanged += 1,
            Ok(_) => {
                fs::write(&path, text).map_err(io_error("write", &path))?;
                report.updated.push(path.clone());
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                fs::write(&path, text).map_err(io_error("write", &path))?;
                report.created.push(path.clone());
            }
            Err(e) => return Err(io_error("read", &path)(e)),
        }
        remove_if_exists(&pending_path(&path))?;
    }
    for stale in stale_snapshots(dir, snapshots, dialects)? {
        remove_if_exists(&pending_path(&stale))?;
        remove_if_exists(&stale)?;
        report.removed.push(stale);
    }
    Ok(report)
}

/// A snapshot whose file does not hold the current SQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// The `.snap` file (absent when the snapshot is missing).
    pub path: PathBuf,
    /// The `.snap.new` file written next to it with the current SQL.
    pub pending: PathBuf,
    /// Whether the `.snap` file exists at all.
    pub missing: bool,
    /// Unified diff of the recorded body against the current one.
    pub diff: String,
}

/// What [`check_snapshots`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckReport {
    /// Snapshots that hold the current SQL.
    pub current: usize,
    /// Snapshots that are missing or differ; each got a `.snap.new`.
    pub mismatches: Vec<Mismatch>,
    /// `.snap` files of the checked dialects that no revision produces.
    pub stale: Vec<PathBuf>,
}

impl CheckReport {
    /// True when every snapshot holds the current SQL and none is stale.
    pub fn is_current(&self) -> bool {
        self.mismatches.is_empty() && self.stale.is_empty()
    }
}

/// The report as a test failure prints it: each diff, then what to do.
impl fmt::Display for CheckReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for mismatch in &self.mismatches {
            writeln!(f, "{}", mismatch.diff)?;
        }
        for mismatch in &self.mismatches {
            let what = if mismatch.missing {
                "is missing"
            } else {
                "differs from the SQL the migrations produce now"
            };
            writeln!(
                f,
                "snapshot {} {what}; the new SQL is in {}",
                mismatch.path.display(),
                mismatch.pending.display()
            )?;
        }
        for stale in &self.stale {
            writeln!(
                f,
                "snapshot {} belongs to no revision; `cargo schema snapshot` removes it",
                stale.display()
            )?;
        }
        if !self.mismatches.is_empty() {
            write!(
                f,
                "review the changes with `cargo insta review` (or `cargo insta accept`), or \
                 rewrite every snapshot with `cargo schema snapshot`"
            )?;
        }
        Ok(())
    }
}

/// Compares `snapshots` with the files in `dir`. A missing or differing snapshot gets a
/// `.snap.new` with the current SQL next to it, as insta leaves pending snapshots; a snapshot
/// that matches has any leftover `.snap.new` removed. Bodies are compared as insta compares
/// them (trailing whitespace and line endings aside); the header is not compared.
pub fn check_snapshots(
    dir: &Path,
    snapshots: &[RevisionSnapshot],
    dialects: &[Dialect],
) -> Result<CheckReport, SnapshotError> {
    let mut report = CheckReport::default();
    for snapshot in snapshots {
        let path = dir.join(snapshot.file_name());
        let pending = pending_path(&path);
        let recorded = match fs::read_to_string(&path) {
            Ok(text) => Some(body_of(&text).to_owned()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(io_error("read", &path)(e)),
        };
        let current = normalize(&snapshot.body);
        if recorded.as_deref().map(normalize).as_deref() == Some(current.as_str()) {
            remove_if_exists(&pending)?;
            report.current += 1;
            continue;
        }
        fs::create_dir_all(dir).map_err(io_error("create", dir))?;
        fs::write(&pending, snapshot.to_file()).map_err(io_error("write", &pending))?;
        let old = recorded.as_deref().map(normalize).unwrap_or_default();
        // Named from the package down (`migrations/snapshots/...`), as the verb shows paths.
        let base = dir.parent().and_then(Path::parent).unwrap_or(dir);
        let shown = |p: &Path| p.strip_prefix(base).unwrap_or(p).display().to_string();
        let diff = unified_diff(&old, &current, &shown(&path), &shown(&pending));
        report.mismatches.push(Mismatch {
            path,
            pending,
            missing: recorded.is_none(),
            diff,
        });
    }
    report.stale = stale_snapshots(dir, snapshots, dialects)?;
    Ok(report)
}

/// `<file>.snap.new`, where insta and `cargo insta review` look for a pending snapshot.
fn pending_path(snap: &Path) -> PathBuf {
    let mut name = snap.file_name().unwrap_or_default().to_os_string();
    name.push(".new");
    snap.with_file_name(name)
}

fn remove_if_exists(path: &Path) -> Result<(), SnapshotError> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(io_error("remove", path)(e)),
        _ => Ok(()),
    }
}

/// The `<id>@<dialect>.snap` files of `dialects` in `dir` that none of `snapshots` produces.
fn stale_snapshots(
    dir: &Path,
    snapshots: &[RevisionSnapshot],
    dialects: &[Dialect],
) -> Result<Vec<PathBuf>, SnapshotError> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_error("read", dir)(e)),
    };
    let produced: HashSet<String> = snapshots.iter().map(RevisionSnapshot::file_name).collect();
    let mut stale = Vec::new();
    for entry in entries {
        let path = entry.map_err(io_error("read", dir))?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let ours = dialects
            .iter()
            .any(|d| name.ends_with(&format!("@{}.snap", d.name())));
        if ours && !produced.contains(name) {
            stale.push(path);
        }
    }
    stale.sort();
    Ok(stale)
}

/// The body of a snapshot file: what follows the YAML header (the whole text without one).
fn body_of(text: &str) -> &str {
    let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
    else {
        return text;
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        offset += line.len();
        if line.trim_end() == "---" {
            return &rest[offset..];
        }
    }
    ""
}

/// A body as insta compares it: trailing whitespace dropped, line endings `\n`.
fn normalize(body: &str) -> String {
    body.trim_end().replace("\r\n", "\n")
}

/// `--- <snap>` / `+++ <snap.new>` and the changed hunks with three lines of context.
fn unified_diff(old: &str, new: &str, path: &str, pending: &str) -> String {
    let (old, new) = (format!("{old}\n"), format!("{new}\n"));
    let old = if old == "\n" { String::new() } else { old };
    TextDiff::from_lines(&old, &new)
        .unified_diff()
        .context_radius(3)
        .header(path, pending)
        .to_string()
}

/// A YAML scalar as insta's emitter writes it: plain unless YAML would read it as something
/// else, then double-quoted with escapes.
fn yaml_scalar(value: &str) -> String {
    const SPECIAL_FIRST: &[char] = &['&', '*', '?', '|', '-', '<', '>', '=', '!', '%', '@'];
    const SPECIAL: &[char] = &[':', '{', '}', '[', ']', ',', '#', '`', '"', '\'', '\\'];
    const KEYWORDS: &[&str] = &[
        "yes", "Yes", "YES", "no", "No", "NO", "True", "TRUE", "true", "False", "FALSE", "false",
        "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL", "~",
    ];
    let quote = value.is_empty()
        || value.starts_with(' ')
        || value.ends_with(' ')
        || value.starts_with(SPECIAL_FIRST)
        || value.contains(SPECIAL)
        || value.chars().any(
            |c| matches!(c, '\0'..='\x06' | '\t' | '\n' | '\r' | '\x0e'..='\x1a' | '\x1c'..='\x1f'),
        )
        || KEYWORDS.contains(&value)
        || value.starts_with('.')
        || value.starts_with("0x")
        || value.parse::<i64>().is_ok()
        || value.parse::<f64>().is_ok();
    if !quote {
        return value.to_owned();
    }
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() && (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The `snapshot` verb: write the snapshots, or with `--check` compare them.
pub(super) fn snapshot(cx: &Context<'_>, args: &SnapshotArgs) -> Result<u8, MigrateError> {
    let dialects: Vec<Dialect> = if args.dialect.is_empty() {
        Dialect::enabled()
    } else {
        args.dialect.clone()
    };
    let package_dir = Path::new(cx.project.dir);
    let (dir, snapshots) = migrations_snapshots(cx.migrator, cx.migrations, package_dir, &dialects);
    let shown = |path: &Path| {
        path.strip_prefix(package_dir)
            .unwrap_or(path)
            .display()
            .to_string()
    };
    if args.check {
        let report = match check_snapshots(&dir, &snapshots, &dialects) {
            Ok(report) => report,
            Err(e) => {
                output::error(e);
                return Ok(exit_codes::MIGRATION_FAILED);
            }
        };
        print_check(cx, &report, &dir, &shown);
        return Ok(if report.is_current() {
            exit_codes::SUCCESS
        } else {
            exit_codes::CHECK_FAILED
        });
    }
    let report = match write_snapshots(&dir, &snapshots, &dialects) {
        Ok(report) => report,
        Err(e) => {
            output::error(e);
            return Ok(exit_codes::MIGRATION_FAILED);
        }
    };
    if cx.json {
        let list = |paths: &[PathBuf]| paths.iter().map(|p| shown(p)).collect::<Vec<_>>();
        output::json(&SnapshotDocument {
            checked: false,
            folder: shown(&dir),
            unchanged: report.unchanged,
            created: list(&report.created),
            updated: list(&report.updated),
            removed: list(&report.removed),
            mismatches: Vec::new(),
            stale: Vec::new(),
            passed: true,
        });
    } else {
        for path in &report.created {
            output::status("Created", shown(path));
        }
        for path in &report.updated {
            output::status("Updated", shown(path));
        }
        for path in &report.removed {
            output::status("Removed", shown(path));
        }
        output::status(
            "Snapshots",
            format!(
                "{} in {}: {} created, {} updated, {} unchanged, {} removed",
                snapshots.len(),
                shown(&dir),
                report.created.len(),
                report.updated.len(),
                report.unchanged,
                report.removed.len()
            ),
        );
    }
    Ok(exit_codes::SUCCESS)
}

fn print_check(
    cx: &Context<'_>,
    report: &CheckReport,
    dir: &Path,
    shown: &dyn Fn(&Path) -> String,
) {
    if cx.json {
        output::json(&SnapshotDocument {
            checked: true,
            folder: shown(dir),
            unchanged: report.current,
            created: Vec::new(),
            updated: Vec::new(),
            removed: Vec::new(),
            mismatches: report
                .mismatches
                .iter()
                .map(|m| SnapshotMismatch {
                    snapshot: shown(&m.path),
                    pending: shown(&m.pending),
                    missing: m.missing,
                    diff: m.diff.clone(),
                })
                .collect(),
            stale: report.stale.iter().map(|p| shown(p)).collect(),
            passed: report.is_current(),
        });
        return;
    }
    for mismatch in &report.mismatches {
        output::data(&mismatch.diff);
    }
    for mismatch in &report.mismatches {
        let what = if mismatch.missing {
            "is missing"
        } else {
            "differs from the SQL the migrations produce now"
        };
        output::error(format!(
            "snapshot {} {what}; the new SQL is in {}",
            shown(&mismatch.path),
            shown(&mismatch.pending)
        ));
    }
    for stale in &report.stale {
        output::error(format!(
            "snapshot {} belongs to no revision; `cargo schema snapshot` removes it",
            shown(stale)
        ));
    }
    if report.is_current() {
        output::status(
            "Checked",
            format!(
                "{} snapshots in {}: all current",
                report.current,
                shown(dir)
            ),
        );
    } else if !report.mismatches.is_empty() {
        output::note(
            "Review",
            "the changes with `cargo insta review` (or accept them all with `cargo insta \
             accept`), or rewrite every snapshot with `cargo schema snapshot`",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_scalars_are_quoted_as_insta_quotes_them() {
        assert_eq!(
            yaml_scalar("migrations/20250101_090000_create_users.rs"),
            "migrations/20250101_090000_create_users.rs"
        );
        assert_eq!(yaml_scalar("create users"), "create users");
        assert_eq!(
            yaml_scalar("rename users.name to display_name"),
            "rename users.name to display_name"
        );
        assert_eq!(yaml_scalar("a: b"), "\"a: b\"");
        assert_eq!(yaml_scalar("say \"hi\""), "\"say \\\"hi\\\"\"");
        assert_eq!(yaml_scalar("-1"), "\"-1\"");
        assert_eq!(yaml_scalar("true"), "\"true\"");
        assert_eq!(yaml_scalar("2025"), "\"2025\"");
        assert_eq!(yaml_scalar(""), "\"\"");
    }

    #[test]
    fn body_follows_the_header() {
        let text = "---\nsource: a.rs\nexpression: x\n---\n-- upgrade\nSELECT 1;\n";
        assert_eq!(body_of(text), "-- upgrade\nSELECT 1;\n");
        assert_eq!(body_of("-- legacy\n"), "-- legacy\n");
    }

    #[test]
    fn pending_file_is_next_to_the_snapshot() {
        assert_eq!(
            pending_path(Path::new("m/snapshots/a@sqlite.snap")),
            Path::new("m/snapshots/a@sqlite.snap.new")
        );
    }
}
