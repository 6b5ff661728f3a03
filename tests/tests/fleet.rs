//! Fleets (many databases and PostgreSQL schemas in one run) and a package kept in a
//! PostgreSQL schema, through the runner of tests/fixtures/tenant (`tenant_runner`, whose
//! migrations are `in_schema("app")`) as a deployment runs it, and through the library.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

use schema_runtime::migrator::{ConnectOptions, FleetOptions, FleetTarget, TargetOutcome};
use schema_runtime::{Database, Dialect, Direction, Migrator, Revision};
use schema_tests::{block_on, server_url, temp_dir, TestDb};

const RUNNER: &str = env!("CARGO_BIN_EXE_tenant_runner");
const HEAD: &str = "0003_invoice_note";
const REVISIONS: [&str; 3] = ["0001_accounts", "0002_invoices", HEAD];

/// Runs the tenant runner in `cwd` with `args`, nothing from the outside environment but `env`.
fn run(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(RUNNER);
    command
        .args(args)
        .current_dir(cwd)
        .env_remove("DATABASE_URL")
        .env_remove("CARGO_SCHEMA")
        .env_remove("SCHEMA_PG_SCHEMA")
        .env("CARGO_TERM_COLOR", "never");
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("run the tenant runner")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The `--format json` summary: outcome per target label, and the document.
fn summary(output: &Output) -> (BTreeMap<String, String>, serde_json::Value) {
    let doc: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "a JSON summary on stdout ({e}): {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            stderr(output)
        )
    });
    let outcomes = doc["targets"]
        .as_array()
        .expect("targets")
        .iter()
        .map(|t| {
            (
                t["target"].as_str().unwrap().to_owned(),
                t["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    (outcomes, doc)
}

/// A connection to `target` (its schema entered, not created).
async fn connect(target: &FleetTarget) -> Database {
    let options = ConnectOptions::default().with_schema(target.schema.clone());
    Database::connect_with(&target.url, &options)
        .await
        .unwrap_or_else(|e| panic!("{target}: {e}"))
}

/// How many successful `up` log rows each revision has on `target`, and its version rows.
async fn ledger(target: &FleetTarget) -> (BTreeMap<String, usize>, Vec<String>) {
    let mut db = connect(target).await;
    let ok = if db.dialect() == Dialect::Postgres {
        "success"
    } else {
        "success = 1"
    };
    let mut counts = BTreeMap::new();
    for revision in db
        .raw()
        .fetch_strings(&format!(
            "SELECT revision FROM schema_log WHERE direction = 'up' AND {ok}"
        ))
        .await
        .expect("read the log")
    {
        *counts.entry(revision).or_insert(0) += 1;
    }
    let version = db
        .raw()
        .fetch_strings("SELECT version_num FROM schema_version")
        .await
        .expect("read the version table");
    (counts, version)
}

/// Each revision applied exactly once, and the target at head.
async fn assert_applied_once(target: &FleetTarget) {
    let (counts, version) = ledger(target).await;
    let once: BTreeMap<String, usize> = REVISIONS.iter().map(|r| (r.to_string(), 1)).collect();
    assert_eq!(counts, once, "{target}: each revision applied once");
    assert_eq!(version, [HEAD], "{target}: at head");
}

/// A fresh extra database on `dialect`'s server, named after `test`.
async fn extra(dialect: Dialect, test: &str) -> TestDb {
    TestDb::create(dialect, test).await.expect("server URL set")
}

/// The fleet of one dialect: targets that work, one whose `accounts` table already exists
/// (the first revision conflicts with it), and how to remove that conflict.
struct Fleet {
    dbs: Vec<TestDb>,
    good: Vec<FleetTarget>,
    conflicting: FleetTarget,
    fix: &'static str,
}

async fn fleet(dialect: Dialect, test: &str) -> Fleet {
    let mut dbs = Vec::new();
    let (good, conflicting) = if dialect == Dialect::Postgres {
        // Tenants as schemas of one database.
        let db = extra(dialect, test).await;
        let mut conn = Database::connect(&db.url).await.unwrap();
        for schema in ["tenant_a", "tenant_b", "tenant_c"] {
            conn.raw()
                .execute(&format!("CREATE SCHEMA {schema}"))
                .await
                .unwrap();
        }
        conn.raw()
            .execute("CREATE TABLE tenant_c.accounts (legacy INTEGER)")
            .await
            .unwrap();
        conn.close().await.unwrap();
        let url = db.url.clone();
        dbs.push(db);
        (
            vec![
                FleetTarget::new(&url).in_schema("tenant_a"),
                FleetTarget::new(&url).in_schema("tenant_b"),
            ],
            FleetTarget::new(&url).in_schema("tenant_c"),
        )
    } else {
        // Tenants as databases (files).
        for i in 0..3 {
            dbs.push(extra(dialect, &format!("{test}_{i}")).await);
        }
        let mut conn = Database::connect(&dbs[2].url).await.unwrap();
        conn.raw()
            .execute("CREATE TABLE accounts (legacy INTEGER)")
            .await
            .unwrap();
        conn.close().await.unwrap();
        (
            vec![FleetTarget::new(&dbs[0].url), FleetTarget::new(&dbs[1].url)],
            FleetTarget::new(&dbs[2].url),
        )
    };
    Fleet {
        dbs,
        good,
        conflicting,
        fix: "DROP TABLE accounts",
    }
}

impl Fleet {
    async fn drop(self) {
        for db in self.dbs {
            db.drop_db().await;
        }
    }
}

/// A fleet file line for `target`, its URL's password-free form taken from `${var}` when given.
fn line(target: &FleetTarget) -> String {
    match &target.schema {
        Some(schema) => format!("{} schema={schema}", target.url),
        None => target.url.clone(),
    }
}

/// A URL that cannot be reached, per dialect.
fn unreachable(dialect: Dialect) -> String {
    match dialect {
        Dialect::Sqlite => "sqlite:/nonexistent-dir-of-the-fleet-test/x.db".into(),
        Dialect::Postgres => "postgres://postgres@127.0.0.1:1/x".into(),
        _ => "mysql://root@127.0.0.1:1/x".into(),
    }
}

#[test]
fn a_fleet_with_a_broken_target_finishes_every_other_and_a_rerun_finishes_it_on_every_database() {
    let dialects: Vec<Dialect> = [Dialect::Sqlite, Dialect::Postgres, Dialect::Mariadb]
        .into_iter()
        .filter(|d| server_url(*d).is_some())
        .collect();
    if dialects.len() < 3 {
        eprintln!("note: SCHEMA_TEST_POSTGRES_URL / SCHEMA_TEST_MYSQL_URL unset: the fleet covers {dialects:?} only");
    }
    let dir = temp_dir("fleet_broken");
    block_on(async {
        let mut fleets = Vec::new();
        for d in &dialects {
            fleets.push((*d, fleet(*d, &format!("fleet_broken_{}", d.name())).await));
        }
        // One file for the whole fleet; the unreachable URL comes from the environment.
        let mut file = String::from("# the fleet of the test\n\n");
        for (d, fleet) in &fleets {
            for target in fleet.good.iter().chain([&fleet.conflicting]) {
                file.push_str(&format!("{}   # {}\n", line(target), d.name()));
            }
        }
        file.push_str("${FLEET_LATE}\n");
        let path = dir.0.join("fleet.txt");
        std::fs::write(&path, &file).unwrap();
        let late = unreachable(Dialect::Postgres);
        let args = [
            "--databases",
            path.to_str().unwrap(),
            "--format",
            "json",
            "--jobs",
            "3",
            "upgrade",
        ];

        let first = run(&dir.0, &args, &[("FLEET_LATE", &late)]);
        assert_eq!(first.status.code(), Some(1), "{}", stderr(&first));
        let (outcomes, doc) = summary(&first);
        for (_, fleet) in &fleets {
            for target in &fleet.good {
                assert_eq!(outcomes[&target.to_string()], "migrated", "{doc:#}");
                assert_applied_once(target).await;
            }
            assert_eq!(
                outcomes[&fleet.conflicting.to_string()],
                "failed",
                "{doc:#}"
            );
        }
        let bad = FleetTarget::new(&late).to_string();
        assert_eq!(outcomes[&bad], "failed");
        let errors: Vec<&str> = doc["targets"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|t| t["error"].as_str())
            .collect();
        assert!(
            errors.iter().any(|e| e.contains("127.0.0.1:1")),
            "the unreachable target is named: {errors:?}"
        );
        assert!(
            errors.iter().filter(|e| e.contains("accounts")).count() == fleets.len(),
            "each conflicting target names the table: {errors:?}"
        );

        // The fix: the conflicting table goes, the late database exists.
        for (_, fleet) in &fleets {
            let mut conn = connect(&fleet.conflicting).await;
            conn.raw().execute(fleet.fix).await.unwrap();
            conn.close().await.unwrap();
        }
        let late_db = extra(Dialect::Sqlite, "fleet_broken_late").await;
        let second = run(&dir.0, &args, &[("FLEET_LATE", &late_db.url)]);
        let (outcomes, doc) = summary(&second);
        for (_, fleet) in &fleets {
            for target in &fleet.good {
                assert_eq!(outcomes[&target.to_string()], "unchanged", "{doc:#}");
            }
            // (On MariaDB too: the failed statement was the first, so nothing was half-done.)
            assert_eq!(
                outcomes[&fleet.conflicting.to_string()],
                "migrated",
                "{doc:#}"
            );
        }
        assert_eq!(
            outcomes[&FleetTarget::new(&late_db.url).to_string()],
            "migrated"
        );

        // The rerun finishes what is left, and nothing ran twice anywhere.
        let third = run(&dir.0, &args, &[("FLEET_LATE", &late_db.url)]);
        assert_eq!(third.status.code(), Some(0), "{}", stderr(&third));
        let (outcomes, _) = summary(&third);
        assert!(outcomes
            .values()
            .all(|o| o == "unchanged" || o == "migrated"));
        for (_, fleet) in &fleets {
            for target in fleet.good.iter().chain([&fleet.conflicting]) {
                assert_applied_once(target).await;
            }
        }
        assert_applied_once(&FleetTarget::new(&late_db.url)).await;

        // `current` over the fleet: every target at head, exit 0; one behind: exit 3.
        let current = run(
            &dir.0,
            &["--databases", path.to_str().unwrap(), "current"],
            &[("FLEET_LATE", &late_db.url)],
        );
        assert_eq!(current.status.code(), Some(0), "{}", stderr(&current));
        let table = String::from_utf8_lossy(&current.stdout).into_owned();
        assert!(table.starts_with("TARGET"), "{table}");
        let targets = fleets.len() * 3 + 1;
        assert_eq!(table.matches("at-head").count(), targets, "{table}");
        let (_, fleet) = &fleets[0];
        let down = run(
            &dir.0,
            &["--database-url", &fleet.good[0].url, "downgrade", "-1"],
            &[],
        );
        assert!(down.status.success(), "{}", stderr(&down));
        let current = run(
            &dir.0,
            &["--databases", path.to_str().unwrap(), "current"],
            &[("FLEET_LATE", &late_db.url)],
        );
        assert_eq!(current.status.code(), Some(3), "{}", stderr(&current));
        assert!(String::from_utf8_lossy(&current.stdout).contains("behind"));

        late_db.drop_db().await;
        for (_, fleet) in fleets {
            fleet.drop().await;
        }
    });
}

#[test]
fn two_fleet_runs_started_together_apply_each_revision_once_per_target() {
    let dialects: Vec<Dialect> = [Dialect::Sqlite, Dialect::Postgres, Dialect::Mariadb]
        .into_iter()
        .filter(|d| server_url(*d).is_some())
        .collect();
    let dir = temp_dir("fleet_race");
    block_on(async {
        let mut fleets = Vec::new();
        for d in &dialects {
            let mut fleet = fleet(*d, &format!("fleet_race_{}", d.name())).await;
            let mut conn = connect(&fleet.conflicting).await;
            conn.raw().execute(fleet.fix).await.unwrap();
            conn.close().await.unwrap();
            fleet.good.push(fleet.conflicting.clone());
            fleets.push(fleet);
        }
        let file: String = fleets
            .iter()
            .flat_map(|f| f.good.iter())
            .map(|t| line(t) + "\n")
            .collect();
        let path = dir.0.join("fleet.txt");
        std::fs::write(&path, file).unwrap();
        let spawn = || {
            Command::new(RUNNER)
                .args([
                    "--databases",
                    path.to_str().unwrap(),
                    "--jobs",
                    "2",
                    "--format",
                    "json",
                    "upgrade",
                ])
                .current_dir(&dir.0)
                .env_remove("DATABASE_URL")
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn the runner")
        };
        let (a, b) = (spawn(), spawn());
        let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        assert!(a.status.success(), "{}", stderr(&a));
        assert!(b.status.success(), "{}", stderr(&b));
        let (a, _) = summary(&a);
        let (b, _) = summary(&b);
        for fleet in &fleets {
            for target in &fleet.good {
                let label = target.to_string();
                let both = [a[&label].as_str(), b[&label].as_str()];
                assert!(
                    both.contains(&"migrated"),
                    "{label}: one of the runs migrated it: {both:?}"
                );
                assert_applied_once(target).await;
            }
        }
        for fleet in fleets {
            fleet.drop().await;
        }
    });
}

#[test]
fn a_package_in_schema_app_migrates_checks_and_adopts_only_app() {
    let Some(server) = server_url(Dialect::Postgres) else {
        eprintln!("note: SCHEMA_TEST_POSTGRES_URL unset: skipping the PostgreSQL schema test");
        return;
    };
    let _ = server;
    let dir = temp_dir("fleet_app_schema");
    block_on(async {
        let db = extra(Dialect::Postgres, "fleet_app_schema").await;
        let mut conn = Database::connect(&db.url).await.unwrap();
        // Another tool's table in public, and a schema of someone else's.
        conn.raw()
            .execute("CREATE TABLE public.stray (id INTEGER PRIMARY KEY); CREATE SCHEMA other; CREATE TABLE other.accounts (id INTEGER)")
            .await
            .unwrap();
        let url = db.url.as_str();
        let up = run(&dir.0, &["--database-url", url, "upgrade"], &[]);
        assert!(up.status.success(), "{}", stderr(&up));
        let tables = |schema: &'static str| {
            let url = url.to_owned();
            async move {
                let mut c = Database::connect(&url).await.unwrap();
                c.raw()
                    .fetch_strings(&format!(
                        "SELECT CAST(tablename AS TEXT) FROM pg_tables WHERE schemaname = '{schema}' ORDER BY 1"
                    ))
                    .await
                    .unwrap()
            }
        };
        assert_eq!(
            tables("app").await,
            [
                "accounts",
                "invoices",
                "schema_log",
                "schema_ops",
                "schema_progress",
                "schema_version"
            ],
            "the package's tables and its version table live in app"
        );
        assert_eq!(tables("public").await, ["stray"], "public is untouched");
        assert_eq!(tables("other").await, ["accounts"]);
        assert_applied_once(&FleetTarget::new(url).in_schema("app")).await;

        let current = run(
            &dir.0,
            &["--database-url", url, "current", "--check-heads"],
            &[],
        );
        assert!(current.status.success(), "{}", stderr(&current));
        assert!(String::from_utf8_lossy(&current.stdout).contains(HEAD));

        // Drift reads app only: public.stray and other.accounts are not reported.
        let check = run(
            &dir.0,
            &[
                "--database-url",
                url,
                "check",
                "--database",
                "--dialect",
                "postgres",
            ],
            &[],
        );
        assert!(check.status.success(), "{}", stderr(&check));
        // Drift inside app is.
        conn.raw()
            .execute("ALTER TABLE app.invoices ADD COLUMN extra INTEGER")
            .await
            .unwrap();
        let check = run(
            &dir.0,
            &[
                "--database-url",
                url,
                "check",
                "--database",
                "--dialect",
                "postgres",
            ],
            &[],
        );
        assert_eq!(check.status.code(), Some(3), "{}", stderr(&check));
        assert!(
            stderr(&check).contains("invoices.extra"),
            "{}",
            stderr(&check)
        );

        // Adopt describes app alone.
        let adopt = run(
            &dir.0,
            &["--database-url", url, "autogenerate", "--adopt"],
            &[],
        );
        assert!(adopt.status.success(), "{}", stderr(&adopt));
        let source = String::from_utf8_lossy(&adopt.stdout);
        assert!(
            source.contains("\"invoices\"") && source.contains("\"extra\""),
            "{source}"
        );
        assert!(
            !source.contains("stray") && !source.contains("schema_version"),
            "{source}"
        );

        // One run elsewhere: --schema overrides the package's (and is created by upgrade);
        // a read-only verb on a schema that does not exist says so.
        let missing = run(
            &dir.0,
            &["--database-url", url, "--schema", "nowhere", "current"],
            &[],
        );
        assert_eq!(missing.status.code(), Some(2), "{}", stderr(&missing));
        assert!(
            stderr(&missing).contains("schema `nowhere` does not exist"),
            "{}",
            stderr(&missing)
        );
        let other = run(
            &dir.0,
            &["--database-url", url, "--schema", "staging", "upgrade"],
            &[],
        );
        assert!(other.status.success(), "{}", stderr(&other));
        assert_eq!(tables("staging").await.len(), 6);
        // Tenants in schemas migrate side by side: their advisory locks differ.
        let both = run(
            &dir.0,
            &[
                "--database-url",
                url,
                "--schemas",
                "app,staging,tenant_new",
                "upgrade",
            ],
            &[],
        );
        assert!(both.status.success(), "{}", stderr(&both));
        assert_applied_once(&FleetTarget::new(url).in_schema("tenant_new")).await;

        // On SQLite the package's schema does not apply.
        let sqlite = extra(Dialect::Sqlite, "fleet_app_schema_sqlite").await;
        let up = run(&dir.0, &["--database-url", &sqlite.url, "upgrade"], &[]);
        assert!(up.status.success(), "{}", stderr(&up));
        // An explicit --schema there is refused with the reason.
        let refused = run(
            &dir.0,
            &["--database-url", &sqlite.url, "--schema", "x", "current"],
            &[],
        );
        assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
        assert!(
            stderr(&refused).contains("schema is a database"),
            "{}",
            stderr(&refused)
        );
        sqlite.drop_db().await;
        conn.close().await.unwrap();
        db.drop_db().await;
    });
}

/// Three revisions in code for the library test.
fn revisions() -> Vec<Revision> {
    use schema_runtime::prelude::*;
    vec![
        Revision::new("r1", &[], "one", |op| {
            op.create_table("a", |t| {
                t.column("id", Type::BigInt).primary_key();
            });
        }),
        Revision::new("r2", &["r1"], "two", |op| {
            op.add_column("a", "b", Type::Text);
        }),
    ]
}

#[test]
fn the_library_migrates_a_fleet_with_one_plan_per_state_and_reports_each_target() {
    block_on(async {
        let dbs: Vec<TestDb> = {
            let mut dbs = Vec::new();
            for i in 0..4 {
                dbs.push(extra(Dialect::Sqlite, &format!("fleet_lib_{i}")).await);
            }
            dbs
        };
        let migrator = Migrator::new(revisions()).unwrap().with_plan_cache();
        // One target already at r1: two distinct states, two plans.
        let mut first = Database::connect(&dbs[0].url).await.unwrap();
        migrator.upgrade(&mut first, "r1").await.unwrap();
        let plans_before = migrator.cached_plans();
        let targets: Vec<FleetTarget> = dbs
            .iter()
            .map(|d| FleetTarget::new(&d.url))
            .chain([FleetTarget::new(
                "sqlite:/nonexistent-dir-of-the-fleet-test/x.db",
            )])
            .collect();
        let mut heard = Vec::new();
        let reports = migrator
            .migrate_fleet(
                &targets,
                Direction::Up,
                "head",
                &FleetOptions::default().with_jobs(2),
                |r| heard.push((r.target.to_string(), r.outcome)),
            )
            .await;
        assert_eq!(heard.len(), 5, "every target reported as it finished");
        assert_eq!(
            migrator.cached_plans() - plans_before,
            2,
            "one plan per distinct state"
        );
        assert_eq!(reports[0].from.as_deref(), Some(&["r1".to_owned()][..]));
        assert_eq!(reports[0].applied.len(), 1);
        for report in &reports[1..4] {
            assert_eq!(report.outcome, TargetOutcome::Migrated);
            assert_eq!(report.from.as_deref(), Some(&[][..]));
            assert_eq!(report.to, ["r2"]);
        }
        assert_eq!(reports[4].outcome, TargetOutcome::Failed);
        assert!(reports[4].from.is_none() && reports[4].error.is_some());

        // fail-fast: after the first failure nothing else starts.
        let order: Vec<FleetTarget> = [targets[4].clone()]
            .into_iter()
            .chain(targets[..4].iter().cloned())
            .collect();
        let reports = migrator
            .migrate_fleet(
                &order,
                Direction::Down,
                "base",
                &FleetOptions::default().with_jobs(1).with_fail_fast(true),
                |_| {},
            )
            .await;
        assert_eq!(reports[0].outcome, TargetOutcome::Failed);
        assert!(reports[1..]
            .iter()
            .all(|r| r.outcome == TargetOutcome::Skipped));
        first.close().await.unwrap();
        for db in dbs {
            db.drop_db().await;
        }
    });
}
