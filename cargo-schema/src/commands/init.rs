//! `cargo schema init`: sets up an existing crate to hold migrations. It creates the
//! migrations folder, the runner binary and the build script that makes cargo notice new
//! revision files, and adds `[package.metadata.schema]` and the runtime dependency to
//! `Cargo.toml`. Nothing the user wrote is overwritten, and a second run changes nothing.

use std::fs;
use std::path::{Component, Path, PathBuf};

use cargo_metadata::{Package, TargetKind};
use schema_runtime::cli::args::Format;
use toml_edit::DocumentMut;

use crate::cli::{InitArgs, Opts};
use crate::error::Error;
use crate::exit_codes;
use crate::files::{create_dir, relative, write_new};
use crate::manifest::{self, Changes, InitEdits, RuntimeDependency};
use crate::shell;
use crate::workspace::{canonical, Workspace, DEFAULT_MIGRATIONS, DEFAULT_RUNNER};

/// Runs `cargo schema init` from `cwd`.
pub fn run(opts: &Opts, args: &InitArgs, cwd: &Path) -> Result<u8, Error> {
    let workspace = Workspace::load(&opts.cargo, cwd)?;
    let package = workspace.package_for_init(&opts.cargo)?;
    let manifest_path = package.manifest_path.clone().into_std_path_buf();
    let dir = manifest_path
        .parent()
        .map_or_else(PathBuf::new, Path::to_path_buf);
    let mut doc = read_manifest(&manifest_path)?;

    let settings = manifest::schema_settings(&doc);
    let configured = settings
        .as_ref()
        .and_then(|(migrations, _)| migrations.clone());
    let migrations = match (configured, &args.migrations) {
        (Some(configured), Some(asked)) if trim_folder(&configured) != trim_folder(asked) => {
            return Err(Error::MigrationsFolderConflict {
                package: package.name.clone(),
                configured,
            });
        }
        (Some(configured), _) => trim_folder(&configured).to_owned(),
        (None, Some(asked)) => valid_folder(asked)?,
        (None, None) => DEFAULT_MIGRATIONS.to_owned(),
    };
    let runner = settings
        .and_then(|(_, runner)| runner)
        .unwrap_or_else(|| DEFAULT_RUNNER.to_owned());

    // Edit the manifest in memory first: one that init cannot edit stops it before any file
    // is made.
    let edits = InitEdits {
        migrations: &migrations,
        runner: &runner,
        dependency: runtime_dependency(&workspace, &dir)?,
        default_run: app_binary(package, &dir),
    };
    let original = doc.to_string();
    let changes = manifest::apply(&mut doc, &edits).map_err(|problem| Error::Manifest {
        path: manifest_path.clone(),
        problem,
    })?;

    // Profiles count only in the workspace root's manifest: the package's own when it is the
    // root, edited in the same pass.
    let root_manifest = workspace.root().join("Cargo.toml");
    let package_is_root = canonical(&root_manifest) == canonical(&manifest_path);
    let mut root = if package_is_root {
        None
    } else {
        Some(read_manifest(&root_manifest)?)
    };
    let root_problem = |problem| Error::Manifest {
        path: root_manifest.clone(),
        problem,
    };
    let optimised =
        manifest::optimise_dev_profile(root.as_mut().unwrap_or(&mut doc)).map_err(root_problem)?;

    let mut report = Report::default();
    scaffold_migrations_folder(&dir, &migrations, &runner, &mut report)?;
    scaffold_runner(package, &dir, &migrations, &runner, &mut report)?;
    scaffold_build_script(package, &dir, &migrations, &mut report)?;
    if doc.to_string() != original {
        write_manifest(&manifest_path, &doc)?;
        report.updated_manifest(&package.name, &changes, &edits);
    }
    if !optimised.is_empty() {
        if let Some(root) = &root {
            write_manifest(&root_manifest, root)?;
        }
        let manifest = if package_is_root {
            format!("Cargo.toml of `{}`", package.name)
        } else {
            "the workspace's Cargo.toml".to_owned()
        };
        for o in optimised {
            report.optimised(&manifest, o);
        }
    }

    if opts.global.format == Format::Json {
        shell::data(serde_json::json!({
            "package": package.name,
            "migrations": migrations,
            "runner": runner,
            "created": report.files,
            "changed": report.changed,
        }));
    }
    if report.changed {
        print_next_steps(&migrations);
    } else {
        shell::note(
            "Fresh",
            format!(
                "package `{}` is already initialised (migrations in {migrations}/, runner `{runner}`)",
                package.name
            ),
        );
    }
    Ok(exit_codes::SUCCESS)
}

/// The migrations folder, with a README so that it exists in a fresh clone (git keeps no
/// empty folders) and says what belongs there. An existing folder is left as it is.
fn scaffold_migrations_folder(
    dir: &Path,
    migrations: &str,
    runner: &str,
    report: &mut Report,
) -> Result<(), Error> {
    let folder = dir.join(migrations);
    if folder.exists() {
        return Ok(());
    }
    create_dir(&folder)?;
    write_new(&folder.join("README.md"), &readme(runner))?;
    report.created(&format!("{migrations}/"));
    Ok(())
}

/// `src/bin/<runner>.rs`, unless the package already has that binary.
fn scaffold_runner(
    package: &Package,
    dir: &Path,
    migrations: &str,
    runner: &str,
    report: &mut Report,
) -> Result<(), Error> {
    let path = runner_source(package, runner, dir);
    if path.exists() {
        let source = fs::read_to_string(&path).map_err(|source| Error::Read {
            path: path.clone(),
            source,
        })?;
        if !source.contains("runner_main!") {
            shell::warning(format!(
                "{} exists and does not call `schema_runtime::runner_main!`; `cargo schema` \
                 runs binary `{runner}` as the migrations runner",
                relative(&path, dir)
            ));
        }
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        create_dir(parent)?;
    }
    write_new(&path, &runner_source_text(runner, migrations))?;
    report.created(&relative(&path, dir));
    Ok(())
}

/// `build.rs` telling cargo to rebuild when the folder changes, so that `migrations!` sees new
/// files. An existing build script is never edited: a warning gives the line to add.
fn scaffold_build_script(
    package: &Package,
    dir: &Path,
    migrations: &str,
    report: &mut Report,
) -> Result<(), Error> {
    let rerun_line = format!("println!(\"cargo:rerun-if-changed={migrations}\");");
    let Some(build) = build_script(package, dir) else {
        write_new(
            &dir.join("build.rs"),
            &format!(
                "// New revision files must rebuild the crate that embeds them with `migrations!`.\n\
                 fn main() {{\n    {rerun_line}\n}}\n"
            ),
        )?;
        report.created("build.rs");
        return Ok(());
    };
    let source = fs::read_to_string(&build).map_err(|source| Error::Read {
        path: build.clone(),
        source,
    })?;
    if !source.contains(&format!("rerun-if-changed={migrations}")) {
        shell::warning(format!(
            "{} does not tell cargo to rebuild when a revision is added; add this line to its \
             `main`:\n    {rerun_line}",
            relative(&build, dir)
        ));
    }
    Ok(())
}

fn print_next_steps(migrations: &str) {
    shell::hint(
        "next",
        "write the first revision with `cargo schema revision -m \"create users\"`, then \
         `cargo schema upgrade`",
    );
    shell::hint(
        "to migrate at application start-up",
        format!(
            "\n    static MIGRATIONS: schema_runtime::Migrations = \
             schema_runtime::migrations!(\"{migrations}\");\n    \
             let migrator = schema_runtime::Migrator::from_migrations(&MIGRATIONS)?;\n    \
             migrator.run(&database_url).await?;"
        ),
    );
}

/// What `init` created, for the summary.
#[derive(Debug, Default)]
struct Report {
    files: Vec<String>,
    changed: bool,
}

impl Report {
    fn created(&mut self, what: &str) {
        shell::status("Created", what);
        self.files.push(what.to_owned());
        self.changed = true;
    }

    fn updated_manifest(&mut self, package: &str, changes: &Changes, edits: &InitEdits<'_>) {
        let mut what = Vec::new();
        if !changes.schema_keys.is_empty() {
            what.push("[package.metadata.schema]".to_owned());
        }
        if changes.dependency {
            what.push(format!("dependency `{}`", manifest::RUNTIME));
        }
        if let (true, Some(default_run)) = (changes.default_run, edits.default_run) {
            what.push(format!("default-run = \"{default_run}\""));
        }
        shell::status(
            "Updated",
            format!("Cargo.toml of `{package}`: {}", what.join(", ")),
        );
        self.changed = true;
    }

    fn optimised(&mut self, manifest: &str, optimised: &manifest::Optimised) {
        shell::status(
            "Updated",
            format!(
                "{manifest}: [profile.dev.package.{}] opt-level = {} ({})",
                optimised.package, optimised.opt_level, optimised.reason
            ),
        );
        self.changed = true;
    }
}

fn write_manifest(path: &Path, doc: &DocumentMut) -> Result<(), Error> {
    fs::write(path, doc.to_string()).map_err(|source| Error::Write {
        path: path.to_path_buf(),
        source,
    })
}

fn read_manifest(path: &Path) -> Result<DocumentMut, Error> {
    let text = fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    text.parse()
        .map_err(|e: toml_edit::TomlError| Error::Manifest {
            path: path.to_path_buf(),
            problem: e.to_string(),
        })
}

/// `db/migrations/` -> `db/migrations`.
fn trim_folder(folder: &str) -> &str {
    folder.trim_end_matches(['/', '\\'])
}

/// A folder inside the package: relative, without `..`, and nothing that would need escaping
/// in the Rust and TOML strings it is written into.
fn valid_folder(folder: &str) -> Result<String, Error> {
    let trimmed = trim_folder(folder.trim());
    let path = Path::new(trimmed);
    let inside = !trimmed.is_empty()
        && path
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
        && !trimmed.contains(['"', '\\', '{', '}']);
    if inside {
        Ok(trimmed.to_owned())
    } else {
        Err(Error::InvalidMigrationsFolder(folder.to_owned()))
    }
}

/// The dependency to add: the workspace's own entry if it declares the runtime, else this
/// repository's runtime when cargo-schema runs from its source tree, else the released crate.
fn runtime_dependency(
    workspace: &Workspace,
    package_dir: &Path,
) -> Result<RuntimeDependency, Error> {
    let root_manifest = workspace.root().join("Cargo.toml");
    if root_manifest.exists() {
        if let Some(dependency) = manifest::workspace_runtime(&read_manifest(&root_manifest)?) {
            return Ok(dependency);
        }
    }
    let source = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../schema-runtime"));
    if source.join("Cargo.toml").is_file() {
        let runtime = canonical(source);
        return Ok(RuntimeDependency::Path(path_dependency(
            &runtime,
            &canonical(package_dir),
        )));
    }
    Ok(RuntimeDependency::Version(
        env!("CARGO_PKG_VERSION").to_owned(),
    ))
}

/// A relative path when the package lives in the runtime's repository (it stays valid when
/// the repository moves), else the absolute one.
fn path_dependency(runtime: &Path, package_dir: &Path) -> String {
    let repository = runtime.parent().unwrap_or(runtime);
    match package_dir.strip_prefix(repository) {
        Ok(inside) => {
            let up = inside.components().count();
            let mut path: Vec<String> = std::iter::repeat_n("..".to_owned(), up).collect();
            path.extend(
                runtime
                    .strip_prefix(repository)
                    .unwrap_or(runtime)
                    .iter()
                    .map(|c| c.to_string_lossy().into_owned()),
            );
            path.join("/")
        }
        Err(_) => runtime.to_string_lossy().into_owned(),
    }
}

/// The name of the bin built from `src/main.rs`, when the package has one: `default-run` keeps
/// `cargo run` running it once the runner binary exists.
fn app_binary<'a>(package: &'a Package, dir: &Path) -> Option<&'a str> {
    let main = canonical(&dir.join("src").join("main.rs"));
    package
        .targets
        .iter()
        .find(|t| t.kind.contains(&TargetKind::Bin) && canonical(t.src_path.as_std_path()) == main)
        .map(|t| t.name.as_str())
}

/// The runner's source: the existing bin target of that name, else `src/bin/<runner>.rs`.
fn runner_source(package: &Package, runner: &str, dir: &Path) -> PathBuf {
    package
        .targets
        .iter()
        .find(|t| t.name == runner && t.kind.contains(&TargetKind::Bin))
        .map_or_else(
            || dir.join("src").join("bin").join(format!("{runner}.rs")),
            |t| t.src_path.clone().into_std_path_buf(),
        )
}

/// The package's build script, if it has one (or a `build.rs` it has turned off).
fn build_script(package: &Package, dir: &Path) -> Option<PathBuf> {
    package
        .targets
        .iter()
        .find(|t| t.kind.contains(&TargetKind::CustomBuild))
        .map(|t| t.src_path.clone().into_std_path_buf())
        .or_else(|| Some(dir.join("build.rs")).filter(|p| p.exists()))
}

/// The runner binary: `main`, and the replay tests `cargo test` runs without a database.
fn runner_source_text(runner: &str, migrations: &str) -> String {
    format!(
        "//! Applies this package's migrations: `cargo schema upgrade`, or `cargo run --bin {runner} -- upgrade`.\n\
         static MIGRATIONS: schema_runtime::Migrations = schema_runtime::migrations!(\"{migrations}\");\n\
         schema_runtime::runner_main!(MIGRATIONS);\n\
         \n\
         // `cargo test` replays every revision on each dialect, derives every downgrade and, once\n\
         // `cargo schema snapshot` has written {migrations}/snapshots/, compares their SQL.\n\
         schema_runtime::migration_tests!(MIGRATIONS);\n"
    )
}

fn readme(runner: &str) -> String {
    format!(
        "# Migrations\n\n\
         One file per revision, each with one `#[migration(id = ..., revises = ..., message = ...)]`\n\
         function. `cargo schema revision -m \"what it does\"` writes a new one on top of the current\n\
         head; `cargo schema upgrade` builds the `{runner}` binary and applies them.\n\n\
         Every `.rs` file here is compiled as a revision: keep other code elsewhere.\n\n\
         `cargo test` replays the revisions without a database. `cargo schema snapshot` writes\n\
         the SQL of each one, per dialect, to `snapshots/` for review; `cargo test` and\n\
         `cargo schema snapshot --check` then fail when it changes (`cargo insta review`).\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_dependency_is_relative_inside_the_repository() {
        let runtime = Path::new("/repo/schema-runtime");
        assert_eq!(
            path_dependency(runtime, Path::new("/repo/examples/shop")),
            "../../schema-runtime"
        );
        assert_eq!(
            path_dependency(runtime, Path::new("/tmp/app")),
            "/repo/schema-runtime"
        );
    }

    #[test]
    fn migrations_folder_must_stay_in_the_package() {
        assert_eq!(
            valid_folder("db/migrations/").expect("valid"),
            "db/migrations"
        );
        assert!(valid_folder("../elsewhere").is_err());
        assert!(valid_folder("/abs").is_err());
        assert!(valid_folder("").is_err());
    }
}
