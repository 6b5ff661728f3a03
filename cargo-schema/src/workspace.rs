//! Finding the migrations package with `cargo metadata`, from anywhere in a workspace.
//!
//! The migrations package is the workspace member whose `Cargo.toml` has a
//! `[package.metadata.schema]` table:
//!
//! ```toml
//! [package.metadata.schema]
//! migrations = "migrations" # the revision files' folder, relative to the package
//! runner = "migrate"        # the binary that applies them (src/bin/migrate.rs)
//! exclude = ["tmp_*"]       # tables introspection leaves out (adopt, check --database)
//! ```
//!
//! Selection, first match wins: `-p NAME`; the package of `--manifest-path`, or else the
//! innermost package whose folder contains the current directory, when it has the table; the
//! only member with the table; otherwise an error listing the candidates.

use std::path::{Path, PathBuf};

use cargo_metadata::{Metadata, MetadataCommand, Package, TargetKind};

use crate::cli::CargoArgs;
use crate::error::Error;

/// Default of `migrations` in `[package.metadata.schema]`.
pub const DEFAULT_MIGRATIONS: &str = "migrations";
/// Default of `runner` in `[package.metadata.schema]`.
pub const DEFAULT_RUNNER: &str = "migrate";

/// The cargo to run: `$CARGO` (set when cargo runs us), else `cargo` from `PATH`.
pub fn cargo_program() -> PathBuf {
    std::env::var_os("CARGO").map_or_else(|| PathBuf::from("cargo"), PathBuf::from)
}

/// The workspace as `cargo metadata --no-deps` describes it (no network, no lock file), and
/// where the user stands in it.
#[derive(Debug)]
pub struct Workspace {
    metadata: Metadata,
    /// The package `--manifest-path` names, or the innermost package containing the current
    /// directory; `None` at a virtual workspace root or outside every package.
    focus: Option<usize>,
    /// The directory used to look for the focus (for messages).
    focus_dir: PathBuf,
}

/// The package that holds the migrations, and its `[package.metadata.schema]` settings.
#[derive(Debug, Clone)]
pub struct MigrationsPackage {
    /// Package name.
    pub name: String,
    /// Its `Cargo.toml`.
    pub manifest_path: PathBuf,
    /// The folder of its `Cargo.toml`.
    pub dir: PathBuf,
    /// `migrations` as written (relative to `dir`).
    pub migrations: String,
    /// `runner`: the bin target that applies the migrations.
    pub runner: String,
    /// `exclude`: glob patterns of tables that introspection leaves out, passed to the runner
    /// as `--exclude`.
    pub exclude: Vec<String>,
    /// Whether the package has a bin target named `runner`.
    pub has_runner_bin: bool,
}

impl MigrationsPackage {
    /// The absolute migrations folder.
    pub fn migrations_dir(&self) -> PathBuf {
        self.dir.join(&self.migrations)
    }
}

impl Workspace {
    /// Runs `cargo metadata --no-deps` for `--manifest-path`, or for `cwd`.
    pub fn load(args: &CargoArgs, cwd: &Path) -> Result<Workspace, Error> {
        let mut command = MetadataCommand::new();
        command
            .cargo_path(cargo_program())
            .no_deps()
            .current_dir(cwd);
        if let Some(path) = &args.manifest_path {
            command.manifest_path(path);
        }
        let metadata = command.exec().map_err(|error| Error::Metadata {
            message: match error {
                cargo_metadata::Error::CargoMetadata { stderr } => {
                    let stderr = stderr.trim();
                    stderr.strip_prefix("error: ").unwrap_or(stderr).to_owned()
                }
                other => other.to_string(),
            },
        })?;
        let (focus, focus_dir) = match &args.manifest_path {
            Some(path) => {
                let manifest = canonical(&cwd.join(path));
                let focus = metadata
                    .workspace_packages()
                    .iter()
                    .position(|p| canonical(p.manifest_path.as_std_path()) == manifest);
                (
                    focus,
                    manifest
                        .parent()
                        .map_or_else(|| manifest.clone(), Path::to_path_buf),
                )
            }
            None => {
                let here = canonical(cwd);
                (
                    innermost_package(&metadata.workspace_packages(), &here),
                    here,
                )
            }
        };
        Ok(Workspace {
            metadata,
            focus,
            focus_dir,
        })
    }

    fn members(&self) -> Vec<&Package> {
        self.metadata.workspace_packages()
    }

    fn member_names(&self) -> Vec<String> {
        self.members().iter().map(|p| p.name.clone()).collect()
    }

    fn by_name(&self, name: &str) -> Result<&Package, Error> {
        // `-p` takes cargo's package spec; a name (optionally `name@version`) is what people type.
        let name = name.split('@').next().unwrap_or(name);
        self.members()
            .into_iter()
            .find(|p| p.name == name)
            .ok_or_else(|| Error::UnknownPackage {
                name: name.to_owned(),
                members: self.member_names(),
            })
    }

    /// The package `init` acts on: `-p NAME`, else the `--manifest-path` package, else the one
    /// containing the current directory.
    pub fn package_for_init(&self, args: &CargoArgs) -> Result<&Package, Error> {
        if let Some(name) = &args.package {
            return self.by_name(name);
        }
        self.focus
            .map(|i| self.members()[i])
            .ok_or_else(|| Error::NoPackageHere {
                dir: self.focus_dir.clone(),
                members: self.member_names(),
            })
    }

    /// The migrations package, chosen by the rules in the module documentation.
    pub fn migrations_package(&self, args: &CargoArgs) -> Result<MigrationsPackage, Error> {
        if let Some(name) = &args.package {
            let package = self.by_name(name)?;
            return migrations_package(package)?.ok_or_else(|| Error::NotInitialised {
                name: package.name.clone(),
            });
        }
        if let Some(focus) = self.focus {
            if let Some(found) = migrations_package(self.members()[focus])? {
                return Ok(found);
            }
        }
        let mut candidates = Vec::new();
        for package in self.members() {
            if let Some(found) = migrations_package(package)? {
                candidates.push(found);
            }
        }
        match candidates.len() {
            0 => Err(Error::NoMigrationsPackage {
                members: self.member_names(),
            }),
            1 => Ok(candidates.remove(0)),
            _ => Err(Error::SeveralMigrationsPackages {
                names: candidates.into_iter().map(|c| c.name).collect(),
            }),
        }
    }

    /// The workspace root folder.
    pub fn root(&self) -> &Path {
        self.metadata.workspace_root.as_std_path()
    }
}

/// The package's settings if its manifest has `[package.metadata.schema]`.
pub fn migrations_package(package: &Package) -> Result<Option<MigrationsPackage>, Error> {
    let Some(table) = package.metadata.get("schema") else {
        return Ok(None);
    };
    let manifest_path = package.manifest_path.clone().into_std_path_buf();
    let invalid = |key: &str, problem: String| Error::InvalidMetadata {
        manifest: manifest_path.clone(),
        key: format!("package.metadata.schema{key}"),
        problem,
    };
    if !table.is_object() {
        return Err(invalid(
            "",
            "must be a table: `[package.metadata.schema]`".into(),
        ));
    }
    let string = |key: &'static str, default: &str| -> Result<String, Error> {
        match table.get(key) {
            None => Ok(default.to_owned()),
            Some(serde_json::Value::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
            Some(other) => Err(invalid(
                &format!(".{key}"),
                format!("must be a non-empty string, e.g. `{key} = \"{default}\"`, not `{other}`"),
            )),
        }
    };
    let migrations = string("migrations", DEFAULT_MIGRATIONS)?;
    let runner = string("runner", DEFAULT_RUNNER)?;
    let exclude = match table.get("exclude") {
        None => Vec::new(),
        Some(serde_json::Value::Array(items))
            if items.iter().all(|i| i.as_str().is_some_and(|s| !s.is_empty())) =>
        {
            items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_owned))
                .collect()
        }
        Some(other) => {
            return Err(invalid(
                ".exclude",
                format!("must be a list of table name patterns, e.g. `exclude = [\"tmp_*\"]`, not `{other}`"),
            ))
        }
    };
    let has_runner_bin = package
        .targets
        .iter()
        .any(|t| t.name == runner && t.kind.contains(&TargetKind::Bin));
    let dir = manifest_path
        .parent()
        .map_or_else(PathBuf::new, Path::to_path_buf);
    Ok(Some(MigrationsPackage {
        name: package.name.clone(),
        manifest_path,
        dir,
        migrations,
        runner,
        exclude,
        has_runner_bin,
    }))
}

/// The package with the deepest folder that contains `dir`.
fn innermost_package(packages: &[&Package], dir: &Path) -> Option<usize> {
    packages
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let package_dir = canonical(p.manifest_path.parent()?.as_std_path());
            dir.starts_with(&package_dir)
                .then_some((i, package_dir.components().count()))
        })
        .max_by_key(|&(_, depth)| depth)
        .map(|(i, _)| i)
}

/// The canonical form of a path, or the path itself when it cannot be resolved.
pub fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}
