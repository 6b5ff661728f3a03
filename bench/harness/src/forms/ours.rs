//! Our form of the chain: a migrations package as `cargo schema init` lays it out (one
//! `#[migration]` file per revision, `migrations!` in the library, the runner binary, the build
//! script that makes cargo notice a new file), for the CLI and compile-cost measurements.

use std::fs;
use std::path::{Path, PathBuf};

use crate::chain;
use crate::BenchError;

/// A generated migrations package.
#[derive(Debug, Clone)]
pub struct Package {
    /// Its folder (holds `Cargo.toml`).
    pub dir: PathBuf,
    /// Its package name.
    pub name: String,
    /// Its runner binary (`migrate_<n>`: one name per chain length, as the packages share a
    /// target directory).
    pub runner: String,
    /// Revisions in `migrations/`.
    pub revisions: usize,
}

impl Package {
    /// `Cargo.toml` of the package.
    pub fn manifest(&self) -> PathBuf {
        self.dir.join("Cargo.toml")
    }

    /// The file of revision `k`.
    pub fn revision_file(&self, k: usize) -> PathBuf {
        self.dir
            .join("migrations")
            .join(format!("{}_create_t{k}.rs", chain::revision_id(k)))
    }

    /// Writes revision `k`'s file (revising `k - 1`).
    pub fn write_revision(&self, k: usize) -> Result<(), BenchError> {
        fs::write(self.revision_file(k), migration_file(k))?;
        Ok(())
    }
}

/// Writes the package of the first `n` revisions into `dir` (replacing an older one), with
/// `lockfile` as its `Cargo.lock` so it builds the dependency versions the workspace tests.
pub fn write_package(
    dir: &Path,
    n: usize,
    runtime: &Path,
    lockfile: &Path,
) -> Result<Package, BenchError> {
    if dir.join("migrations").exists() {
        fs::remove_dir_all(dir.join("migrations"))?;
    }
    fs::create_dir_all(dir.join("migrations"))?;
    fs::create_dir_all(dir.join("src/bin"))?;
    let name = format!("bench_migrations_{n}");
    let runner = format!("migrate_{n}");
    fs::write(dir.join("Cargo.toml"), manifest(&name, &runner, runtime))?;
    fs::write(
        dir.join("build.rs"),
        "// A new file in migrations/ must rebuild the crate that embeds the folder.\n\
         fn main() {\n    println!(\"cargo:rerun-if-changed=migrations\");\n}\n",
    )?;
    fs::write(
        dir.join("src/lib.rs"),
        "//! The benchmark chain, embedded at compile time.\n\n\
         /// Every revision in `migrations/`.\n\
         pub static MIGRATIONS: schema_runtime::Migrations = schema_runtime::migrations!(\"migrations\");\n",
    )?;
    fs::write(
        dir.join(format!("src/bin/{runner}.rs")),
        format!("//! Applies the benchmark chain: `cargo schema upgrade`.\nschema_runtime::runner_main!({name}::MIGRATIONS);\n"),
    )?;
    if !dir.join("Cargo.lock").exists() {
        fs::copy(lockfile, dir.join("Cargo.lock"))?;
    }
    let package = Package {
        dir: dir.to_owned(),
        name,
        runner,
        revisions: n,
    };
    for k in 1..=n {
        package.write_revision(k)?;
    }
    Ok(package)
}

fn manifest(name: &str, runner: &str, runtime: &Path) -> String {
    format!(
        r#"[package]
name = "{name}"
version = "0.1.0"
edition = "2021"
publish = false

# A root of its own, outside the repository's workspace.
[workspace]

[package.metadata.schema]
migrations = "migrations"
runner = "{runner}"

[dependencies]
schema-runtime = {{ path = "{}" }}

# As `cargo schema init` writes it into the workspace root.
[profile.dev.package.libsqlite3-sys]
opt-level = 2

[profile.dev.package.schema-runtime]
opt-level = 2

[profile.dev.package.sha2]
opt-level = 2
"#,
        runtime.display()
    )
}

/// Revision `k` as a person writes it.
pub fn migration_file(k: usize) -> String {
    let revises = chain::parent_id(k)
        .map(|p| format!("    revises = \"{p}\",\n"))
        .unwrap_or_default();
    format!(
        "use schema_runtime::prelude::*;\n\n\
         #[migration(\n    id = \"{id}\",\n{revises}    message = \"{message}\"\n)]\n\
         fn upgrade(op: &mut Ops) {{\n{body}}}\n",
        id = chain::revision_id(k),
        message = chain::message(k),
        body = chain::upgrade_source(k),
    )
}
