//! Sixteen deployments start at once: 16 OS processes of the blog's runner binary run
//! `upgrade head` on one fresh database, released together from a barrier. Exactly one applies
//! each revision, the others wait for the migration lock (PostgreSQL advisory lock, MariaDB
//! `GET_LOCK`, SQLite's write lock with a re-plan) and find nothing left to do; none fails.
//!
//! The runner is the real `migrate` binary of `examples/blog`. It belongs to another package, so
//! `CARGO_BIN_EXE_migrate` does not exist here: the test asks cargo to build it
//! (`cargo build -p blog --bin migrate`, a no-op when `cargo test --workspace` already built
//! it) and takes the path cargo reports, so a stale binary is never raced.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Barrier, OnceLock};
use std::time::{Duration, Instant};

use schema_runtime::prelude::*;
use schema_runtime::{Database, Dialect, Migrator, Revision};
use schema_tests::{all_databases, block_on, dump_schema, TestDb};

const PROCESSES: usize = 16;
const BLOG_HEAD: &str = "20250105_130000_rename_user_name";

fn blog() -> Migrator {
    Migrator::from_migrations(&blog::MIGRATIONS).expect("the blog's graph is valid")
}

/// The blog's `migrate` binary, built once per test run.
fn runner() -> &'static PathBuf {
    static RUNNER: OnceLock<PathBuf> = OnceLock::new();
    RUNNER.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml");
        let output = Command::new(&cargo)
            .args([
                "build",
                "-p",
                "blog",
                "--bin",
                "migrate",
                "--message-format=json",
            ])
            .arg("--manifest-path")
            .arg(&workspace)
            .stderr(Stdio::inherit())
            .output()
            .unwrap_or_else(|e| panic!("cannot run {cargo}: {e}"));
        assert!(
            output.status.success(),
            "`cargo build -p blog --bin migrate` failed"
        );
        let messages = String::from_utf8_lossy(&output.stdout);
        let path = messages
            .lines()
            .filter(|l| l.contains(r#""reason":"compiler-artifact""#))
            .filter(|l| l.contains(r#""name":"migrate""#))
            .find_map(|l| json_string(l, "executable"))
            .expect("cargo reports the migrate executable");
        PathBuf::from(path)
    })
}

/// The string value of `"key":"..."` in one line of cargo's JSON messages.
fn json_string(line: &str, key: &str) -> Option<String> {
    let start = line.find(&format!("\"{key}\":\""))? + key.len() + 4;
    let mut value = String::new();
    let mut chars = line[start..].chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(value),
            '\\' => value.push(chars.next()?),
            c => value.push(c),
        }
    }
    None
}

/// One runner process's outcome.
struct Run {
    output: Output,
}

impl Run {
    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    /// The revisions this process applied (`     Applied <id> (...)` lines).
    fn applied(&self) -> Vec<String> {
        self.stderr()
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix("Applied "))
            .filter_map(|l| l.split_whitespace().next())
            .map(String::from)
            .collect()
    }
}

/// `PROCESSES` runners started on one database.
struct Race {
    children: Vec<Child>,
    released: Instant,
}

impl Race {
    /// Starts the runners on `url`, each held at a barrier (a shell reading one line of stdin
    /// before it `exec`s the runner), then releases them all at once.
    fn start(url: &str) -> Race {
        let runner = runner();
        let mut children: Vec<Child> = (0..PROCESSES)
            .map(|_| {
                Command::new("sh")
                    .args(["-c", r#"read -r go && exec "$@""#, "barrier"])
                    .arg(runner)
                    .args(["--database-url", url, "upgrade", "head"])
                    .env("CARGO_TERM_COLOR", "never")
                    .env_remove("DATABASE_URL")
                    .stdin(Stdio::piped())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("spawn a runner")
            })
            .collect();
        let released = Instant::now();
        for child in &mut children {
            let mut stdin = child.stdin.take().expect("piped stdin");
            stdin.write_all(b"go\n").expect("release the barrier");
        }
        Race { children, released }
    }

    /// Waits for every runner; returns their outcomes and the time from release to the last exit.
    fn finish(self) -> (Vec<Run>, Duration) {
        let runs = self
            .children
            .into_iter()
            .map(|child| Run {
                output: child.wait_with_output().expect("runner exits"),
            })
            .collect();
        (runs, self.released.elapsed())
    }
}

/// The runtime's PostgreSQL advisory-lock key (`database.rs`): the bytes of "cgschema".
const POSTGRES_LOCK_KEY: i64 = 0x6367_7363_6865_6d61;

/// Takes the migration lock the way a migrator does, from outside the runners.
async fn hold_migration_lock(db: &mut Database) {
    let sql = match db.dialect() {
        Dialect::Postgres => format!("SELECT pg_advisory_lock({POSTGRES_LOCK_KEY})"),
        Dialect::Mysql | Dialect::Mariadb => {
            "SELECT GET_LOCK(CONCAT('cargo_schema.', DATABASE()), 10)".into()
        }
        Dialect::Sqlite => "BEGIN IMMEDIATE".into(),
        other => panic!("no lock known for {other}"),
    };
    db.raw()
        .execute(&sql)
        .await
        .expect("take the migration lock");
}

async fn release_migration_lock(db: &mut Database) {
    let sql = match db.dialect() {
        Dialect::Postgres => format!("SELECT pg_advisory_unlock({POSTGRES_LOCK_KEY})"),
        Dialect::Mysql | Dialect::Mariadb => {
            "SELECT RELEASE_LOCK(CONCAT('cargo_schema.', DATABASE()))".into()
        }
        Dialect::Sqlite => "COMMIT".into(),
        other => panic!("no lock known for {other}"),
    };
    db.raw()
        .execute(&sql)
        .await
        .expect("release the migration lock");
}

/// Waits until every runner is connected and waiting for the lock: MariaDB shows them in
/// `GET_LOCK` ("User lock"), PostgreSQL shows their sessions (they poll the try-lock), SQLite
/// shows nothing (they wait in its busy handler), so it gets time instead.
async fn wait_until_queued(db: &mut Database) {
    let sql = match db.dialect() {
        Dialect::Postgres => "SELECT CAST(COUNT(*) AS TEXT) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
        Dialect::Mysql | Dialect::Mariadb => "SELECT CAST(COUNT(*) AS CHAR) FROM information_schema.processlist WHERE db = DATABASE() AND state = 'User lock'",
        _ => {
            tokio::time::sleep(Duration::from_secs(1)).await;
            return;
        }
    };
    let clock = Instant::now();
    loop {
        let waiting: usize = db
            .raw()
            .fetch_strings(sql)
            .await
            .expect("count the waiting runners")[0]
            .parse()
            .expect("a count");
        if waiting >= PROCESSES {
            // PostgreSQL sessions connect before they poll: leave them a few polls.
            tokio::time::sleep(Duration::from_millis(200)).await;
            return;
        }
        assert!(
            clock.elapsed() < Duration::from_secs(30),
            "only {waiting} of {PROCESSES} runners are waiting for the lock"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// What must hold after any race: every process succeeded, each revision was applied by one
/// process and logged once, the version row is the head, and the schema is a lone upgrade's.
async fn assert_applied_once(test_db: TestDb, runs: &[Run], elapsed: Duration, how: &str) {
    let d = test_db.dialect;
    let migrator = blog();
    let revisions: Vec<String> = migrator
        .graph()
        .topological()
        .into_iter()
        .map(String::from)
        .collect();
    let mut report = String::new();
    for (i, run) in runs.iter().enumerate() {
        report.push_str(&format!(
            "--- process {i}: {}\n{}",
            run.output.status,
            run.stderr()
        ));
    }
    for run in runs {
        assert!(
            run.output.status.success(),
            "{d}: a runner failed:\n{report}"
        );
    }
    let mut applied: Vec<String> = runs.iter().flat_map(Run::applied).collect();
    applied.sort();
    let mut expected = revisions.clone();
    expected.sort();
    assert_eq!(
        applied, expected,
        "{d}: each revision applied by exactly one process:\n{report}"
    );
    let appliers = runs.iter().filter(|r| !r.applied().is_empty()).count();
    let idle = runs
        .iter()
        .filter(|r| r.stderr().contains("nothing to do"))
        .count();
    assert_eq!(
        appliers + idle,
        PROCESSES,
        "{d}: a process that applied nothing says so:\n{report}"
    );
    eprintln!(
        "{d} ({how}): {PROCESSES} processes x {} revisions in {elapsed:.2?}: applied by {appliers} process(es), {idle} found nothing to do",
        revisions.len()
    );

    let mut db = test_db.connect().await;
    let log = migrator.log(&mut db).await.expect("read the applied-log");
    let ups: Vec<&str> = log
        .iter()
        .filter(|e| e.direction == "up" && e.success)
        .map(|e| e.revision.as_str())
        .collect();
    assert_eq!(
        ups, revisions,
        "{d}: one successful `up` row per revision, in order"
    );
    assert!(
        log.iter().all(|e| e.success && e.direction == "up"),
        "{d}: no failed or other rows: {log:?}"
    );
    assert_eq!(migrator.current(&mut db).await.unwrap(), [BLOG_HEAD], "{d}");
    let schema = dump_schema(&mut db).await;
    drop(db);
    test_db.drop_db().await;
    assert_eq!(
        schema,
        schema_upgraded_alone(d).await,
        "{d}: the raced database has the schema of a lone upgrade"
    );
}

/// The blog at head on a database that one process upgraded alone.
async fn schema_upgraded_alone(dialect: Dialect) -> String {
    let reference = TestDb::create(dialect, "race_reference")
        .await
        .expect("the server of the raced database");
    let mut db = reference.connect().await;
    blog().upgrade(&mut db, "head").await.expect("upgrade");
    let schema = dump_schema(&mut db).await;
    drop(db);
    reference.drop_db().await;
    schema
}

#[test]
fn sixteen_processes_upgrading_at_once_apply_each_revision_exactly_once() {
    block_on(async {
        for test_db in all_databases("race").await {
            let (runs, elapsed) = Race::start(&test_db.url).finish();
            assert_applied_once(test_db, &runs, elapsed, "released together").await;
        }
    });
}

#[test]
fn sixteen_processes_queued_behind_a_held_lock_apply_each_revision_exactly_once() {
    // The lock is held while all sixteen connect and queue, then freed: every runner wakes up
    // to the same lock at once.
    block_on(async {
        for test_db in all_databases("race_queued").await {
            let mut holder = test_db.connect().await;
            hold_migration_lock(&mut holder).await;
            let race = Race::start(&test_db.url);
            wait_until_queued(&mut holder).await;
            release_migration_lock(&mut holder).await;
            drop(holder);
            let (runs, elapsed) = race.finish();
            assert_applied_once(test_db, &runs, elapsed, "queued behind a held lock").await;
        }
    });
}

/// Three revisions, the middle one outside a transaction (as a `CREATE INDEX CONCURRENTLY`
/// revision must be) and slow enough (100,000 rows) that another migrator arrives while it runs.
fn with_a_non_transactional_revision() -> Vec<Revision> {
    vec![
        Revision::new("0001", &[], "a", |op| {
            op.create_table("a", |t| {
                t.column("id", Type::Integer).primary_key();
            });
        }),
        Revision::new("0002", &["0001"], "outside a transaction", |op| {
            op.add_column("a", "x", Type::Integer);
            op.create_table("b", |t| {
                t.column("id", Type::Integer).primary_key();
            });
            for chunk in 0..20 {
                op.bulk_insert(
                    "b",
                    ["id"],
                    (chunk * 5000..(chunk + 1) * 5000).map(|i| row![i]),
                );
            }
        })
        .non_transactional(),
        Revision::new("0003", &["0002"], "c", |op| {
            op.create_index("b", ["id"]);
        }),
    ]
}

/// Eight migrators in threads, each with its own connection (for the locks, as good as
/// processes), released together on `dialects`; every one must succeed and each revision must
/// be applied once.
fn threads_race_through_a_non_transactional_revision(dialects: &[Dialect]) {
    const THREADS: usize = 8;
    block_on(async {
        for test_db in all_databases("race_non_transactional").await {
            let d = test_db.dialect;
            if !dialects.contains(&d) {
                test_db.drop_db().await;
                continue;
            }
            let barrier = Arc::new(Barrier::new(THREADS));
            let threads: Vec<_> = (0..THREADS)
                .map(|_| {
                    let (url, barrier) = (test_db.url.clone(), Arc::clone(&barrier));
                    std::thread::spawn(move || {
                        block_on(async move {
                            let migrator = Migrator::new(with_a_non_transactional_revision())
                                .expect("a valid graph");
                            let mut db = Database::connect(&url).await.expect("connect");
                            barrier.wait();
                            migrator
                                .upgrade(&mut db, "head")
                                .await
                                .map(|applied| applied.len())
                                .map_err(|e| e.to_string())
                        })
                    })
                })
                .collect();
            let results: Vec<Result<usize, String>> = threads
                .into_iter()
                .map(|t| t.join().expect("the thread ends"))
                .collect();
            let mut db = test_db.connect().await;
            let log = Migrator::new(with_a_non_transactional_revision())
                .unwrap()
                .log(&mut db)
                .await
                .unwrap();
            drop(db);
            test_db.drop_db().await;
            assert!(
                results.iter().all(Result::is_ok),
                "{d}: every migrator succeeds: {results:#?}"
            );
            assert_eq!(
                results.iter().flatten().sum::<usize>(),
                3,
                "{d}: three revisions applied in all: {results:?}"
            );
            assert_eq!(log.len(), 3, "{d}: one log row per revision: {log:?}");
        }
    });
}

#[test]
fn migrators_serialise_a_non_transactional_revision_on_postgres_and_mariadb() {
    // The whole run holds the session lock, so a revision outside a transaction is covered too.
    threads_race_through_a_non_transactional_revision(&[
        Dialect::Postgres,
        Dialect::Mysql,
        Dialect::Mariadb,
    ]);
}

#[test]
fn migrators_serialise_a_non_transactional_revision_on_sqlite() {
    threads_race_through_a_non_transactional_revision(&[Dialect::Sqlite]);
}
