//! Compile cost (item 5) of a migrations package (debug, as `cargo schema` builds it): the
//! package's own clean build and `cargo check` (dependencies already built), and the incremental
//! rebuild and check after adding one revision file — in alternating rounds. For comparison, the
//! same for a binary that embeds the same statements as SQL files with sqlx's `migrate!`.

use std::fmt::Write as _;
use std::fs;
use std::path::PathBuf;
use std::time::Duration;

use schema_runtime::Dialect;

use crate::chain;
use crate::context::Context;
use crate::forms::ours::Package;
use crate::measure::{run_command, time_command, Human, Samples};
use crate::BenchError;

/// The measurements of one round, in order.
const ROWS: [&str; 4] = [
    "clean build of the package (`cargo clean -p`, then `cargo build`; dependencies built)",
    "incremental `cargo build` after adding revision N+1",
    "clean `cargo check` of the package",
    "incremental `cargo check` after adding revision N+1",
];

/// A package to compile: its manifest, its name, and how to add and remove one revision.
trait Compiled {
    fn manifest(&self) -> PathBuf;
    fn name(&self) -> &str;
    fn bin(&self) -> &str;
    fn add_revision(&self) -> Result<(), BenchError>;
    fn remove_revision(&self) -> Result<(), BenchError>;
}

impl Compiled for Package {
    fn manifest(&self) -> PathBuf {
        Package::manifest(self)
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn bin(&self) -> &str {
        &self.runner
    }
    fn add_revision(&self) -> Result<(), BenchError> {
        self.write_revision(self.revisions + 1)
    }
    fn remove_revision(&self) -> Result<(), BenchError> {
        fs::remove_file(self.revision_file(self.revisions + 1))?;
        Ok(())
    }
}

/// A binary embedding the chain's SQL (SQLite statements) with `sqlx::migrate!`.
struct SqlxPackage {
    dir: PathBuf,
    name: String,
    revisions: usize,
    /// The SQL of revision k, 1-based.
    sql: Vec<String>,
}

impl SqlxPackage {
    fn file(&self, k: usize) -> PathBuf {
        self.dir
            .join("migrations")
            .join(format!("{k:05}_create_t{k}.sql"))
    }

    fn write(cx: &Context, n: usize) -> Result<SqlxPackage, BenchError> {
        let migrator = schema_runtime::Migrator::new(chain::revisions(n + 1))
            .map_err(|e| BenchError::new(e.to_string()))?;
        let steps = migrator
            .plan_upgrade(Dialect::Sqlite, &[], "head")
            .map_err(|e| BenchError::new(e.to_string()))?;
        let sql = steps
            .iter()
            .map(|s| {
                s.statements
                    .iter()
                    .map(|st| format!("{st};\n"))
                    .collect::<String>()
            })
            .collect();
        let dir = cx.work.join(format!("sqlx_{n}"));
        if dir.join("migrations").exists() {
            fs::remove_dir_all(dir.join("migrations"))?;
        }
        fs::create_dir_all(dir.join("migrations"))?;
        fs::create_dir_all(dir.join("src"))?;
        let name = format!("bench_sqlx_{n}");
        fs::write(
            dir.join("Cargo.toml"),
            format!(
                "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[workspace]\n\n\
                 [dependencies]\nsqlx = {{ version = \"0.8\", default-features = false, features = [\"runtime-tokio\", \"migrate\", \"macros\", \"sqlite\"] }}\n"
            ),
        )?;
        fs::write(
            dir.join("build.rs"),
            "fn main() {\n    println!(\"cargo:rerun-if-changed=migrations\");\n}\n",
        )?;
        fs::write(
            dir.join("src/main.rs"),
            "static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!(\"./migrations\");\n\n\
             fn main() {\n    println!(\"{} migrations\", MIGRATOR.iter().count());\n}\n",
        )?;
        if !dir.join("Cargo.lock").exists() {
            fs::copy(cx.repo.join("Cargo.lock"), dir.join("Cargo.lock"))?;
        }
        let package = SqlxPackage {
            dir,
            name,
            revisions: n,
            sql,
        };
        for k in 1..=n {
            fs::write(package.file(k), &package.sql[k - 1])?;
        }
        Ok(package)
    }
}

impl Compiled for SqlxPackage {
    fn manifest(&self) -> PathBuf {
        self.dir.join("Cargo.toml")
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn bin(&self) -> &str {
        &self.name
    }
    fn add_revision(&self) -> Result<(), BenchError> {
        let k = self.revisions + 1;
        fs::write(self.file(k), &self.sql[k - 1])?;
        Ok(())
    }
    fn remove_revision(&self) -> Result<(), BenchError> {
        fs::remove_file(self.file(self.revisions + 1))?;
        Ok(())
    }
}

fn cargo(cx: &Context, verb: &str, package: &dyn Compiled) -> std::process::Command {
    let mut command = cx.cargo();
    command
        .args([verb, "--quiet", "--manifest-path"])
        .arg(package.manifest());
    if verb != "clean" {
        command.args(["--bin", package.bin()]);
    } else {
        command.args(["-p", package.name()]);
    }
    command
}

/// Measures one package in alternating rounds.
fn measure(
    cx: &Context,
    package: &dyn Compiled,
    rounds: usize,
) -> Result<Vec<Samples>, BenchError> {
    // Dependencies built and the package fresh before the first round.
    run_command(&mut cargo(cx, "build", package))?;
    run_command(&mut cargo(cx, "check", package))?;
    let mut samples = vec![Samples::default(); ROWS.len()];
    for round in 1..=rounds {
        for (i, verb) in [(0, "build"), (2, "check")] {
            run_command(&mut cargo(cx, "clean", package))?;
            samples[i].push(time_command(&mut cargo(cx, verb, package))?);
            package.add_revision()?;
            let added = time_command(&mut cargo(cx, verb, package));
            package.remove_revision()?;
            samples[i + 1].push(added?);
            run_command(&mut cargo(cx, verb, package))?;
        }
        eprintln!(
            "   compile {}: round {round}/{rounds}: {}",
            package.name(),
            samples
                .iter()
                .map(|s| Human(s.0[s.0.len() - 1]).to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    // Leave the package built for the other suites.
    run_command(&mut cargo(cx, "build", package))?;
    Ok(samples)
}

/// One debug build of the `n` package in an empty target directory (removed afterwards).
fn cold_build(cx: &mut Context, n: usize) -> Result<Duration, BenchError> {
    let forms = cx.forms(n)?;
    let dir = cx.work.join("target-cold");
    if dir.exists() {
        fs::remove_dir_all(&dir)?;
    }
    eprintln!("   cold build of {} (all dependencies)", forms.package.name);
    let mut command = cargo(cx, "build", &forms.package);
    command.env("CARGO_TARGET_DIR", &dir);
    let took = time_command(&mut command);
    fs::remove_dir_all(&dir)?;
    took
}

/// Runs the suite and adds its section and targets to the report.
pub fn run(cx: &mut Context) -> Result<(), BenchError> {
    let rounds = cx.options.rounds.min(3);
    let mut body = format!(
        "Debug profile (what `cargo schema` builds), dependencies already built, {rounds} rounds. \
         \"Clean\" is the package's own crates (build script, library with `migrations!`, runner \
         binary) after `cargo clean -p <package>`. The incremental rows add one revision file \
         (the build script's `rerun-if-changed=migrations` notices it), time the build, remove \
         the file and rebuild untimed. The sqlx rows embed the same SQLite statements as \
         N `.sql` files with `sqlx::migrate!` in a binary (sqlx 0.8, same build script).\n"
    );
    let sizes = cx.options.sizes.clone();
    let largest = sizes.iter().copied().max().unwrap_or(0);
    let cold = if cx.options.quick {
        None
    } else {
        Some(cold_build(cx, largest)?)
    };
    for n in sizes {
        let forms = cx.forms(n)?;
        let ours = measure(cx, &forms.package, rounds)?;
        let sqlx_package = SqlxPackage::write(cx, n)?;
        let sqlx = measure(cx, &sqlx_package, rounds)?;
        let _ = writeln!(
            body,
            "\n### {n} revisions\n\n| what | ours (`#[migration]` + `migrations!`) | sqlx `migrate!` (SQL files) | ours / sqlx |\n| --- | --- | --- | --- |"
        );
        for (i, row) in ROWS.iter().enumerate() {
            let _ = writeln!(
                body,
                "| {} | {} | {} | {} |",
                row.replace('N', &n.to_string()),
                ours[i].summary(),
                sqlx[i].summary(),
                ours[i].ratio_to(&sqlx[i])
            );
        }
        if let (Some(cold), true) = (cold, n == largest) {
            let _ = writeln!(
                body,
                "\nCold build, once: `cargo build --bin {}` of the {n}-revision package in an empty \
                 target directory (every dependency: sqlx with three drivers, tokio, clap, the \
                 macros): {}.",
                forms.package.runner,
                Human(cold)
            );
        }
        if n == largest {
            cx.report.target(
                format!(
                    "incremental debug rebuild after adding revision {}: < 3 s",
                    n + 1
                ),
                format!(
                    "{} (sqlx `migrate!`: {}); `cargo check` {}; clean build {}; clean check {}",
                    Human(ours[1].median()),
                    Human(sqlx[1].median()),
                    Human(ours[3].median()),
                    Human(ours[0].median()),
                    Human(ours[2].median()),
                ),
                ours[1].median() < Duration::from_secs(3),
            );
        }
        cx.report.command(format!(
            "CARGO_TARGET_DIR={} cargo build --manifest-path {} --bin {}",
            cx.shown(&cx.target_dir()),
            cx.shown(&forms.package.manifest()),
            forms.package.runner
        ));
        cx.report.command(format!(
            "CARGO_TARGET_DIR={} cargo check --manifest-path {} --bin {}",
            cx.shown(&cx.target_dir()),
            cx.shown(&forms.package.manifest()),
            forms.package.runner
        ));
    }
    cx.report
        .section(crate::suites::Suite::Compile.title(), body);
    Ok(())
}
