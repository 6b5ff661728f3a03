//! Applies the crash suite's package in a process of its own, so that the suite and
//! tests/stress/kill9.sh can abort it at any moment.
//!
//! ```text
//! crash_runner fresh DIALECT     print the URL of a fresh database (kept until `drop`)
//! crash_runner upgrade URL       upgrade to head; exit 0, or 1 with the error on stderr
//! crash_runner dump URL          print schema, rows, version rows and log
//! crash_runner progress URL REV N
//!                                record that N statements of REV's part-way step ran
//! crash_runner drop URL          drop the database
//! ```
//!
//! With `SCHEMA_FAILPOINT=N` (the runtime's `failpoints` feature) `upgrade` aborts at the N-th
//! crash point; `SCHEMA_FAILPOINT=list` lists them.

use std::process::ExitCode;

use schema_runtime::migrator::{Cancel, RunOptions};
use schema_runtime::{Database, Dialect, Direction, MigrateError};
use schema_tests::{block_on, crash, drop_url, TestDb};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).map(String::as_str).unwrap_or_default();
    block_on(async {
        match arg(0) {
            "fresh" => {
                let dialect: Dialect = arg(1).parse().expect("a dialect name");
                let Some(db) = TestDb::create(dialect, "crash").await else {
                    eprintln!("no server configured for {dialect}");
                    return ExitCode::from(2);
                };
                println!("{}", db.keep());
                ExitCode::SUCCESS
            }
            "upgrade" => {
                let migrator = crash::migrator();
                // SIGINT / SIGTERM stop the run at the next statement boundary, as the runner's.
                let options = RunOptions::default().with_cancel(Cancel::on_signals());
                let result = async {
                    let mut db = Database::connect(arg(1)).await?;
                    migrator
                        .migrate(&mut db, Direction::Up, "head", options, |_| {})
                        .await
                }
                .await;
                match result {
                    Ok(_) => ExitCode::SUCCESS,
                    Err(e @ MigrateError::Cancelled { .. }) => {
                        eprintln!("error: {e}");
                        ExitCode::from(130)
                    }
                    Err(e) => {
                        eprintln!("error: {e}");
                        ExitCode::from(1)
                    }
                }
            }
            "dump" => {
                let mut db = Database::connect(arg(1)).await.expect("connect");
                print!("{}", crash::dump(&mut db).await);
                ExitCode::SUCCESS
            }
            "progress" => {
                let mut db = Database::connect(arg(1)).await.expect("connect");
                let done: usize = arg(3).parse().expect("a statement count");
                crash::migrator()
                    .record_progress(&mut db, arg(2), done)
                    .await
                    .expect("record progress");
                ExitCode::SUCCESS
            }
            "drop" => {
                drop_url(arg(1)).await;
                ExitCode::SUCCESS
            }
            other => {
                eprintln!("unknown command `{other}`; see the file's doc");
                ExitCode::from(2)
            }
        }
    })
}
