//! What every suite shares: the options, the paths, the servers, the generated forms of each
//! chain length, and the report being written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use schema_runtime::{Dialect, Migrator};

use crate::databases::Server;
use crate::forms::{alembic, ours, plain};
use crate::measure::run_command;
use crate::report::Report;
use crate::suites::Suite;
use crate::{chain, BenchError};

/// The command line.
#[derive(Debug, Clone)]
pub struct Options {
    /// `--quick`: one chain of 100 revisions and 3 rounds, for a smoke check.
    pub quick: bool,
    /// `--only`, `--sizes` or `--rounds` narrowed the run.
    pub partial: bool,
    /// The suites to run, in order.
    pub suites: Vec<Suite>,
    /// Where the report goes.
    pub output: PathBuf,
    /// `generate N`: only write the three forms of a chain of N.
    pub generate: Option<usize>,
    /// Chain lengths of the apply, start-up and compile suites.
    pub sizes: Vec<usize>,
    /// Rounds of measurements that take seconds (apply, autogenerate, compile).
    pub rounds: usize,
    /// Rounds of measurements that take milliseconds (start-up).
    pub fast_rounds: usize,
    /// Repetitions of in-process measurements (planning, offline autogenerate).
    pub in_process: usize,
    /// The most a suite waits for the machine's 1-minute load to fall under `quiet_load`.
    pub quiet_wait_secs: u64,
    /// The load under which measuring starts.
    pub quiet_load: f64,
}

impl Options {
    /// Parses `run [--quick] [--only a,b] [--output FILE]` or `generate N`.
    pub fn parse(args: &[String]) -> Result<Options, BenchError> {
        let mut options = Options {
            quick: false,
            partial: false,
            suites: Suite::ALL.to_vec(),
            output: bench_dir().join("RESULTS.md"),
            generate: None,
            sizes: vec![100, 1000],
            rounds: 5,
            fast_rounds: 11,
            in_process: 20,
            // BENCH_QUIET_WAIT / BENCH_QUIET_LOAD: on a VM whose load average counts idle
            // kernel threads, the wait would otherwise run out before every suite.
            quiet_wait_secs: env_or("BENCH_QUIET_WAIT", 300),
            quiet_load: env_or("BENCH_QUIET_LOAD", 1.0),
        };
        let mut args = args.iter();
        match args.next().map(String::as_str) {
            Some("run") => {}
            Some("generate") => {
                let n = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .ok_or_else(|| BenchError::new("`generate` needs a chain length N"))?;
                options.generate = Some(n);
                return Ok(options);
            }
            Some(other) => return Err(BenchError::new(format!("unknown command `{other}`"))),
            None => return Err(BenchError::new("expected a command")),
        }
        let mut sizes = None;
        let mut rounds = None;
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--quick" => options.quick = true,
                "--only" => {
                    options.partial = true;
                    let list = args
                        .next()
                        .ok_or_else(|| BenchError::new("`--only` needs a list of suites"))?;
                    options.suites = list
                        .split(',')
                        .map(Suite::parse)
                        .collect::<Result<_, _>>()?;
                }
                "--output" => {
                    let file = args
                        .next()
                        .ok_or_else(|| BenchError::new("`--output` needs a file"))?;
                    options.output = PathBuf::from(file);
                }
                "--sizes" => {
                    options.partial = true;
                    let list = args.next().ok_or_else(|| {
                        BenchError::new("`--sizes` needs chain lengths, e.g. 100,1000")
                    })?;
                    sizes = Some(
                        list.split(',')
                            .map(|n| {
                                n.parse()
                                    .map_err(|_| BenchError::new(format!("bad chain length `{n}`")))
                            })
                            .collect::<Result<_, _>>()?,
                    );
                }
                "--rounds" => {
                    options.partial = true;
                    let n = args
                        .next()
                        .and_then(|n| n.parse().ok())
                        .ok_or_else(|| BenchError::new("`--rounds` needs a number"))?;
                    rounds = Some(n);
                }
                other => return Err(BenchError::new(format!("unknown argument `{other}`"))),
            }
        }
        if options.quick {
            options.sizes = vec![100];
            options.rounds = 3;
            options.fast_rounds = 3;
            options.in_process = 5;
            options.quiet_wait_secs = 0;
        }
        if let Some(sizes) = sizes {
            options.sizes = sizes;
        }
        if let Some(rounds) = rounds {
            options.rounds = rounds;
            options.fast_rounds = rounds;
        }
        Ok(options)
    }
}

/// `bench/`, where this crate's folder is.
pub fn bench_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the harness lives in bench/harness")
        .to_owned()
}

/// The three forms of one chain length, written to `bench/work/`.
#[derive(Debug, Clone)]
pub struct Forms {
    /// Our migrations package.
    pub package: ours::Package,
    /// The runner binary of the package, debug build (what `cargo schema` builds and runs).
    pub runner: PathBuf,
    /// The same runner, release build.
    pub runner_release: PathBuf,
    /// The Alembic project.
    pub alembic: alembic::Project,
    /// The plain SQL script per dialect.
    pub scripts: BTreeMap<Dialect, PathBuf>,
    /// The plain SQL script plus our applied-log rows, per dialect.
    pub scripts_with_log: BTreeMap<Dialect, PathBuf>,
    /// The chain, built in code (what the package's `migrations!` loads).
    pub migrator: Migrator,
}

/// `bench/work/run.lock`: one run at a time. Two runs would drop each other's databases,
/// rewrite each other's generated forms and, sharing two cores, time each other.
pub struct RunLock(PathBuf);

impl RunLock {
    /// Takes the lock, or says which live process holds it; a lock left by a dead process is
    /// taken over.
    pub fn take(work: &Path) -> Result<RunLock, BenchError> {
        let path = work.join("run.lock");
        let me = std::process::id().to_string();
        for _ in 0..2 {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut file) => {
                    std::io::Write::write_all(&mut file, me.as_bytes())?;
                    return Ok(RunLock(path));
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let holder = std::fs::read_to_string(&path).unwrap_or_default();
                    let holder = holder.trim();
                    if !holder.is_empty() && Path::new("/proc").join(holder).exists() {
                        return Err(BenchError::new(format!(
                            "another benchmark run (pid {holder}) is using {}; wait for it to \
                             finish (runs sharing the machine would time each other)",
                            work.display()
                        )));
                    }
                    std::fs::remove_file(&path)?;
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(BenchError::new(format!("cannot take {}", path.display())))
    }
}

impl Drop for RunLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Shared state of a run.
pub struct Context {
    /// The command line.
    pub options: Options,
    /// `bench/`.
    pub bench: PathBuf,
    /// `bench/work/`: generated forms, databases, the target directory.
    pub work: PathBuf,
    /// The repository root.
    pub repo: PathBuf,
    /// The servers under test.
    pub servers: Vec<Server>,
    /// `bench/.venv/bin/alembic`.
    pub alembic: PathBuf,
    /// The report being written.
    pub report: Report,
    forms: BTreeMap<usize, Forms>,
    _lock: RunLock,
}

impl Context {
    /// Paths and servers from the environment `bench/run.sh` sets.
    pub fn new(options: Options) -> Result<Context, BenchError> {
        let bench = bench_dir();
        let work = bench.join("work");
        let repo = bench
            .parent()
            .ok_or_else(|| BenchError::new("bench/ has no parent folder"))?
            .to_owned();
        std::fs::create_dir_all(work.join("db"))?;
        let lock = RunLock::take(&work)?;
        let env = |key: &str, default: &str| std::env::var(key).unwrap_or_else(|_| default.into());
        let servers = vec![
            Server::postgres(
                &env(
                    "BENCH_POSTGRES_URL",
                    "postgres://postgres@127.0.0.1:5432/postgres",
                ),
                PathBuf::from(env("BENCH_PSQL", "psql")),
            ),
            Server::sqlite(
                &work.join("db"),
                PathBuf::from(env("BENCH_SQLITE3", "sqlite3")),
            ),
            Server::mariadb(
                &env("BENCH_MYSQL_URL", "mysql://root@127.0.0.1:3306/mysql"),
                PathBuf::from(env("BENCH_MARIADB", "mariadb")),
            ),
        ];
        let mut report = Report::new(options.quick, options.partial);
        report.command = std::env::var("BENCH_COMMAND").unwrap_or_else(|_| "bench/run.sh".into());
        Ok(Context {
            alembic: bench.join(".venv/bin/alembic"),
            options,
            bench,
            work,
            repo,
            servers,
            report,
            forms: BTreeMap::new(),
            _lock: lock,
        })
    }

    /// The target directory of the harness and the generated packages.
    pub fn target_dir(&self) -> PathBuf {
        std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| self.work.join("target"))
    }

    /// `cargo ARGS` on a generated package, building into the shared target directory.
    pub fn cargo(&self) -> Command {
        let mut command =
            Command::new(std::env::var("BENCH_CARGO").unwrap_or_else(|_| "cargo".into()));
        command
            .env("CARGO_TARGET_DIR", self.target_dir())
            .env("CARGO_TERM_COLOR", "never");
        command
    }

    /// `alembic -c <project>/alembic.ini ARGS` against `url`.
    pub fn alembic(&self, project: &alembic::Project, url: &str) -> Command {
        let mut command = Command::new(&self.alembic);
        command
            .arg("-c")
            .arg(project.ini())
            .env("BENCH_DATABASE_URL", url)
            .env("PYTHONDONTWRITEBYTECODE", "")
            .current_dir(&project.dir);
        command
    }

    /// The forms of a chain of `n`, written (and the runner built) on first use.
    pub fn forms(&mut self, n: usize) -> Result<Forms, BenchError> {
        if let Some(forms) = self.forms.get(&n) {
            return Ok(forms.clone());
        }
        eprintln!("   generating the chain of {n} in three forms");
        let migrator = Migrator::new(chain::revisions(n))
            .map_err(|e| BenchError::new(format!("the chain of {n} is not a valid graph: {e}")))?;
        let package = ours::write_package(
            &self.work.join(format!("ours_{n}")),
            n,
            &self.repo.join("schema-runtime"),
            &self.repo.join("Cargo.lock"),
        )?;
        let project = alembic::write_project(&self.work.join(format!("alembic_{n}")), n, Some(n))?;
        let mut scripts = BTreeMap::new();
        let mut scripts_with_log = BTreeMap::new();
        for d in Dialect::ALL {
            let path = self.work.join(format!("plain_{n}_{}.sql", d.name()));
            plain::write_script(&migrator, d, &path)?;
            scripts.insert(d, path);
            let path = self.work.join(format!("plain_log_{n}_{}.sql", d.name()));
            plain::write_script_with_log(&migrator, d, &path)?;
            scripts_with_log.insert(d, path);
        }
        eprintln!(
            "   building {} (cargo build [--release] --bin {})",
            package.name, package.runner
        );
        for profile in [None, Some("--release")] {
            run_command(
                self.cargo()
                    .args(["build", "--quiet", "--manifest-path"])
                    .arg(package.manifest())
                    .args(["--bin", &package.runner])
                    .args(profile),
            )?;
        }
        let forms = Forms {
            runner: self.target_dir().join("debug").join(&package.runner),
            runner_release: self.target_dir().join("release").join(&package.runner),
            package,
            alembic: project,
            scripts,
            scripts_with_log,
            migrator,
        };
        self.forms.insert(n, forms.clone());
        Ok(forms)
    }

    /// The `bench/` path of `path`, for the report.
    pub fn shown(&self, path: &Path) -> String {
        path.strip_prefix(&self.repo)
            .map_or_else(|_| path.display().to_string(), |p| p.display().to_string())
    }
}

/// `$name` parsed, or `default` when unset or unparsable.
fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
