//! `cargo schema init`: sets up an existing crate to hold migrations. It creates the
//! migrations folder, the runner binary and the build script that makes cargo notice new
//! revision files, and adds `[package.metadata.schema]` and the runtime dependency to
//! `Cargo.toml`. Nothing the user wrote is overwritten, and a second run changes nothing.

use std::fs;
use std::path::{Component, Path, PathBuf};

use cargo_metadata::{Package, TargetKind};
use schema_runtime::cli::args::Format;
use toml_edit::DocumentMut;

use crate::cli::{Driver, InitArgs, Opts};
use crate::error::Error;
use crate::exit_codes;
use crate::files::{create_dir, relative, write_new};
use crate::manifest::{self, Changes, InitEdits, RuntimeDependency};
use crate::shell;
use crate::source::{self, Source};
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
    let existing = manifest::runtime_sqlite(&doc);
    let dependency = runtime_dependency(&workspace, &dir, existing.is_some())?;
    let drivers = match (existing, &dependency) {
        (Some(_), _) => Vec::new(),
        (
            None,
            RuntimeDependency::Workspace {
                default_features_off: false,
            },
        ) => {
            shell::note(
                "Drivers",
                "all (the workspace's `schema-runtime` entry keeps its default features)",
            );
            Vec::new()
        }
        (None, _) => choose_drivers(args, package, &dir, workspace.root())?,
    };
    let features = features(&drivers);
    let sqlite = existing.unwrap_or_else(|| {
        drivers.contains(&Driver::Sqlite)
            || dependency
                == RuntimeDependency::Workspace {
                    default_features_off: false,
                }
    });
    let edits = InitEdits {
        migrations: &migrations,
        runner: &runner,
        dependency,
        features: &features,
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
    let optimised = manifest::optimise_dev_profile(root.as_mut().unwrap_or(&mut doc), sqlite)
        .map_err(root_problem)?;

    let mut report = Report::default();
    scaffold_migrations_folder(&dir, &migrations, &runner, &mut report)?;
    scaffold_runner(package, &dir, &migrations, &runner, &mut report)?;
    scaffold_build_script(package, &dir, &migrations, &mut report)?;
    scaffold_gitignore(&dir, &package.name, sqlite, &mut report)?;
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
            "drivers": drivers.iter().map(|d| d.feature()).collect::<Vec<_>>(),
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

/// The dependency to add: the workspace's own entry if it declares the runtime, else a source
/// that builds on any machine (see [`source::for_package`]), with notes on how it was chosen.
fn runtime_dependency(
    workspace: &Workspace,
    package_dir: &Path,
    already_depends: bool,
) -> Result<RuntimeDependency, Error> {
    let root_manifest = workspace.root().join("Cargo.toml");
    if root_manifest.exists() {
        if let Some(dependency) = manifest::workspace_runtime(&read_manifest(&root_manifest)?) {
            return Ok(dependency);
        }
    }
    let (source, caveats) = source::for_package(package_dir);
    if already_depends {
        return Ok(RuntimeDependency::Source(source));
    }
    if let Some(fallback) = &caveats.fallback {
        shell::warning(fallback);
    }
    if let Source::Git { url, rev } = &source {
        let rev = rev.as_deref().unwrap_or("the default branch");
        if let Some(local) = &caveats.local_only {
            shell::warning(format!(
                "the runtime comes from this machine's checkout ({local} at {rev}); other \
                 machines cannot fetch it: point `git` at a published repository, or use \
                 `version` once schema-runtime is on a registry"
            ));
        } else {
            shell::note("Source", format!("schema-runtime from {url} at {rev}"));
        }
        if caveats.uncommitted {
            shell::warning(format!(
                "the checkout cargo-schema was built from has uncommitted changes; the project \
                 builds the runtime as committed at {rev}"
            ));
        }
    }
    Ok(RuntimeDependency::Source(source))
}

/// The runtime's features: the CLI the runner needs, the drivers, and TLS with a network
/// database (managed servers require it).
fn features(drivers: &[Driver]) -> Vec<&'static str> {
    let mut features = vec!["cli"];
    features.extend(drivers.iter().map(|d| d.feature()));
    if drivers.iter().any(|d| *d != Driver::Sqlite) {
        features.push("tls");
    }
    features
}

/// The databases the project uses: `--database`, else what the environment and the package
/// show (DATABASE_URL, `.env`, the features of sqlx, diesel or sea-orm), else asked on a
/// terminal, else SQLite. Says which and why.
fn choose_drivers(
    args: &InitArgs,
    package: &Package,
    dir: &Path,
    workspace_root: &Path,
) -> Result<Vec<Driver>, Error> {
    let mut drivers: Vec<Driver>;
    let why: String;
    if !args.drivers.is_empty() {
        drivers = args.drivers.clone();
        why = "--database".to_owned();
    } else {
        let mut found: Vec<(Driver, String)> = Vec::new();
        if let Some(d) = std::env::var("DATABASE_URL")
            .ok()
            .and_then(|url| Driver::from_url(&url))
        {
            found.push((d, "DATABASE_URL".to_owned()));
        }
        for folder in [dir, workspace_root] {
            let env = folder.join(".env");
            if let Ok(iter) = dotenvy::from_path_iter(&env) {
                for (key, value) in iter.flatten() {
                    if key == "DATABASE_URL" {
                        if let Some(d) = Driver::from_url(&value) {
                            found.push((d, relative(&env, dir)));
                        }
                    }
                }
            }
        }
        found.extend(drivers_of_dependencies(package));
        if found.is_empty() {
            match ask_drivers()? {
                Some(asked) => {
                    drivers = asked;
                    why = "your answer".to_owned();
                }
                None => {
                    drivers = vec![Driver::Sqlite];
                    why = "nothing names a database; pass `--database postgres,mysql` for others"
                        .to_owned();
                }
            }
        } else {
            drivers = found.iter().map(|(d, _)| *d).collect();
            let mut reasons: Vec<&str> = found.iter().map(|(_, r)| r.as_str()).collect();
            reasons.dedup();
            why = format!("from {}", reasons.join(", "));
        }
    }
    drivers.sort();
    drivers.dedup();
    shell::note(
        "Drivers",
        format!(
            "{} ({why}); only these are compiled",
            drivers
                .iter()
                .map(|d| d.feature())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );
    Ok(drivers)
}

/// Databases named by the features of the package's database crates.
fn drivers_of_dependencies(package: &Package) -> Vec<(Driver, String)> {
    let mut found = Vec::new();
    for dep in &package.dependencies {
        let by_name = match dep.name.as_str() {
            "postgres" | "tokio-postgres" | "deadpool-postgres" | "bb8-postgres" => {
                Some(Driver::Postgres)
            }
            "rusqlite" | "libsqlite3-sys" => Some(Driver::Sqlite),
            "mysql" | "mysql_async" => Some(Driver::Mysql),
            _ => None,
        };
        if let Some(d) = by_name {
            found.push((d, format!("dependency `{}`", dep.name)));
        }
        if matches!(
            dep.name.as_str(),
            "sqlx" | "diesel" | "sea-orm" | "sea-query-binder" | "sea-orm-migration"
        ) {
            for feature in &dep.features {
                let d = if feature.contains("postgres") {
                    Driver::Postgres
                } else if feature.contains("sqlite") {
                    Driver::Sqlite
                } else if feature.contains("mysql") {
                    Driver::Mysql
                } else {
                    continue;
                };
                found.push((d, format!("{} feature `{feature}`", dep.name)));
            }
        }
    }
    found
}

/// Asks on a terminal; `None` when stdin or stderr is not one, or on an empty answer.
fn ask_drivers() -> Result<Option<Vec<Driver>>, Error> {
    use std::io::{BufRead, IsTerminal, Write};
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return Ok(None);
    }
    loop {
        eprint!(
            "Which databases will this project use? postgres, sqlite, mysql (comma-separated) \
             [sqlite]: "
        );
        let _ = std::io::stderr().flush();
        let mut answer = String::new();
        if std::io::stdin().lock().read_line(&mut answer).unwrap_or(0) == 0 {
            return Ok(None);
        }
        let answer = answer.trim();
        if answer.is_empty() {
            return Ok(None);
        }
        let parsed: Result<Vec<Driver>, String> = answer
            .split([',', ' '])
            .filter(|w| !w.is_empty())
            .map(|w| <Driver as clap::ValueEnum>::from_str(w, true))
            .collect();
        match parsed {
            Ok(drivers) if !drivers.is_empty() => return Ok(Some(drivers)),
            _ => eprintln!("  `{answer}`: answer with postgres, sqlite and/or mysql"),
        }
    }
}

/// Lines of the package's `.gitignore`: the default SQLite file `cargo schema` uses when no
/// URL is configured, and the snapshots insta writes for review. Existing lines stay.
fn scaffold_gitignore(
    dir: &Path,
    package: &str,
    sqlite: bool,
    report: &mut Report,
) -> Result<(), Error> {
    let path = dir.join(".gitignore");
    let existing = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(source) => return Err(Error::Read { path, source }),
    };
    let mut wanted = Vec::new();
    if sqlite {
        wanted.push(format!("/{package}.db"));
        wanted.push(format!("/{package}.db-*"));
    }
    wanted.push("*.snap.new".to_owned());
    let present: Vec<&str> = existing.lines().map(str::trim).collect();
    let missing: Vec<String> = wanted
        .into_iter()
        .filter(|line| !present.contains(&line.as_str()))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let mut text = existing.clone();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(
        "# cargo schema: the development database, and snapshots waiting for `cargo insta review`\n",
    );
    for line in &missing {
        text.push_str(line);
        text.push('\n');
    }
    fs::write(&path, text).map_err(|source| Error::Write {
        path: path.clone(),
        source,
    })?;
    if existing.is_empty() {
        report.created(".gitignore");
    } else {
        shell::status("Updated", format!(".gitignore: {}", missing.join(", ")));
        report.changed = true;
    }
    Ok(())
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
         schema_runtime::migration_tests!(MIGRATIONS);\n\
         \n\
         // `cargo schema test` applies, reverts and applies again every revision on a scratch\n\
         // database and compares the schema each time. To run it under `cargo test` too (beside\n\
         // DATABASE_URL's database, else in a temporary SQLite file), uncomment:\n\
         // schema_runtime::round_trip_tests!(MIGRATIONS);\n\
         \n\
         // `cargo schema lint` reviews the revisions for ops that lock or rewrite a table in use or\n\
         // break running code. To fail `cargo test` on its errors too, uncomment (with\n\
         // `, range = \"REV:\"` it reviews only REV and the revisions after it):\n\
         // schema_runtime::lint_tests!(MIGRATIONS);\n"
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
