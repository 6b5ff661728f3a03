//! The crash suite: the crash package (`schema_tests::crash`, 33 revisions) applied by
//! `crash_runner` in a process of its own, aborted (as `kill -9` would) at every crash point
//! the runtime's `failpoints` feature marks — before each statement, between each DDL
//! statement and its progress record, before and after each step's bookkeeping — then run
//! again. Every rerun must end exactly as a clean run: schema, every row (two backfills are not
//! idempotent, so a statement run twice shows), version rows and log.

use std::process::{Command, Output};

use schema_runtime::Dialect;
use schema_tests::{block_on, drop_url, server_url, TestDb};

const RUNNER: &str = env!("CARGO_BIN_EXE_crash_runner");

fn runner(args: &[&str], failpoint: Option<&str>) -> Output {
    let mut command = Command::new(RUNNER);
    command.args(args).env_remove("SCHEMA_FAILPOINT");
    if let Some(point) = failpoint {
        command.env("SCHEMA_FAILPOINT", point);
    }
    command.output().expect("run crash_runner")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn fresh(d: Dialect) -> String {
    block_on(async {
        TestDb::create(d, "crash")
            .await
            .expect("server configured")
            .keep()
    })
}

fn dump(url: &str) -> String {
    let out = runner(&["dump", url], None);
    assert!(out.status.success(), "dump: {}", text(&out.stderr));
    text(&out.stdout)
}

fn every_kill_point_reruns_to_a_clean_state(d: Dialect) {
    if server_url(d).is_none() {
        return;
    }
    // The clean run, and how many crash points it passes.
    let url = fresh(d);
    let clean = runner(&["upgrade", &url], Some("list"));
    assert!(clean.status.success(), "{d}: {}", text(&clean.stderr));
    let points: Vec<String> = text(&clean.stderr)
        .lines()
        .filter(|l| l.starts_with("failpoint "))
        .map(String::from)
        .collect();
    let expected = dump(&url);
    block_on(drop_url(&url));
    assert!(points.len() > 90, "{d}: only {} crash points", points.len());
    assert!(expected.contains("version: 0033"), "{d}:\n{expected}");

    let mut wrong = Vec::new();
    for (i, point) in points.iter().enumerate() {
        let n = (i + 1).to_string();
        let url = fresh(d);
        let killed = runner(&["upgrade", &url], Some(&n));
        assert!(
            !killed.status.success() && killed.status.code().is_none(),
            "{d}: crash point {n} did not abort: {:?} {}",
            killed.status,
            text(&killed.stderr)
        );
        let rerun = runner(&["upgrade", &url], None);
        if !rerun.status.success() {
            wrong.push(format!(
                "{point}: the rerun failed: {}",
                text(&rerun.stderr).trim()
            ));
        } else {
            let after = dump(&url);
            if after != expected {
                let diff: Vec<String> = diff_lines(&expected, &after);
                wrong.push(format!("{point}: the rerun differs:\n{}", diff.join("\n")));
            }
        }
        block_on(drop_url(&url));
    }
    assert!(
        wrong.is_empty(),
        "{d}: {} of {} crash points ended wrong:\n\n{}",
        wrong.len(),
        points.len(),
        wrong.join("\n\n")
    );
}

/// Lines only in `a` (`-`) or only in `b` (`+`), at most 20.
fn diff_lines(a: &str, b: &str) -> Vec<String> {
    let a_lines: Vec<&str> = a.lines().collect();
    let b_lines: Vec<&str> = b.lines().collect();
    a_lines
        .iter()
        .filter(|l| !b_lines.contains(l))
        .map(|l| format!("-{l}"))
        .chain(
            b_lines
                .iter()
                .filter(|l| !a_lines.contains(l))
                .map(|l| format!("+{l}")),
        )
        .take(20)
        .collect()
}

#[test]
fn sqlite_every_kill_point() {
    every_kill_point_reruns_to_a_clean_state(Dialect::Sqlite);
}

#[test]
fn postgres_every_kill_point() {
    every_kill_point_reruns_to_a_clean_state(Dialect::Postgres);
}

#[test]
fn mariadb_every_kill_point() {
    every_kill_point_reruns_to_a_clean_state(Dialect::Mariadb);
}

#[test]
fn mysql8_every_kill_point() {
    every_kill_point_reruns_to_a_clean_state(Dialect::Mysql);
}

/// SIGINT (Ctrl-C) or SIGTERM (a redeploy) at a moment in the run: the runner stops at the
/// next statement boundary, says what it did and what remains, exits 130 (or 0 when the run had
/// finished), and the next run ends as a clean one.
fn a_signal_stops_at_a_statement_boundary(d: Dialect) {
    if server_url(d).is_none() {
        return;
    }
    let url = fresh(d);
    assert!(runner(&["upgrade", &url], None).status.success());
    let expected = dump(&url);
    block_on(drop_url(&url));
    let mut interrupted = 0;
    for (trial, (signal, delay_ms)) in [
        ("INT", 20),
        ("TERM", 40),
        ("INT", 60),
        ("TERM", 90),
        ("INT", 120),
    ]
    .into_iter()
    .enumerate()
    {
        let url = fresh(d);
        let child = Command::new(RUNNER)
            .args(["upgrade", &url])
            .env_remove("SCHEMA_FAILPOINT")
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn crash_runner");
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status();
        let out = child.wait_with_output().expect("wait");
        let stderr = text(&out.stderr);
        match out.status.code() {
            Some(0) => {}
            Some(130) => {
                interrupted += 1;
                assert!(
                    stderr.contains("interrupted: stopping at the next statement boundary")
                        && stderr.contains("run again to continue"),
                    "{d} trial {trial}: {stderr}"
                );
            }
            other => panic!("{d} trial {trial}: exit {other:?}: {stderr}"),
        }
        let rerun = runner(&["upgrade", &url], None);
        assert!(rerun.status.success(), "{d}: {}", text(&rerun.stderr));
        assert_eq!(dump(&url), expected, "{d} trial {trial}: {stderr}");
        block_on(drop_url(&url));
    }
    assert!(interrupted > 0, "{d}: no trial was interrupted mid-run");
}

#[test]
fn sqlite_signals() {
    a_signal_stops_at_a_statement_boundary(Dialect::Sqlite);
}

#[test]
fn postgres_signals() {
    a_signal_stops_at_a_statement_boundary(Dialect::Postgres);
}

#[test]
fn mariadb_signals() {
    a_signal_stops_at_a_statement_boundary(Dialect::Mariadb);
}

/// Every revision of the crash package derives its downgrade: down to base and up again ends
/// as the first upgrade did (MariaDB included, where a composite index a foreign key needs must
/// be dropped around the key).
#[test]
fn the_crash_package_goes_down_to_base_and_up_again() {
    block_on(async {
        for test_db in schema_tests::all_databases("crash_roundtrip").await {
            let d = test_db.dialect;
            let migrator = schema_tests::crash::migrator();
            let mut db = test_db.connect().await;
            migrator.upgrade(&mut db, "head").await.expect("up");
            let up = schema_tests::dump_schema(&mut db).await;
            let reverted = migrator.downgrade(&mut db, "base").await;
            assert!(reverted.is_ok(), "{d}: {}", reverted.unwrap_err());
            let tables = schema_tests::table_names(&mut db).await;
            assert_eq!(
                tables,
                [
                    "schema_log",
                    "schema_ops",
                    "schema_progress",
                    "schema_version"
                ],
                "{d}"
            );
            migrator.upgrade(&mut db, "head").await.expect("up again");
            assert_eq!(schema_tests::dump_schema(&mut db).await, up, "{d}");
            drop(db);
            test_db.drop_db().await;
        }
    });
}
