//! Running migrations in production, on real PostgreSQL, SQLite and MariaDB: checksums of
//! applied revisions, a half-applied step on a database without transactional DDL, `stamp`,
//! `--single-transaction`, and the offline SQL script run by each database's own client.

use schema_runtime::migrator::{ChecksumChange, Direction, RunOptions};
use schema_runtime::prelude::*;
use schema_runtime::{Dialect, MigrateError, Migrator, Revision};
use schema_tests::{all_databases, block_on, dump_schema, run_client, table_names, TestDb};

const BLOG_HEAD: &str = "20250105_130000_rename_user_name";

fn blog() -> Migrator {
    Migrator::from_migrations(&blog::MIGRATIONS).expect("the blog's graph is valid")
}

fn users() -> Revision {
    Revision::new("0001", &[], "users", |op| {
        op.create_table("users", |t| {
            t.column("id", Type::BigInt).primary_key();
            t.column("email", Type::String(255)).not_null();
        });
    })
}

fn user_name(length: u32) -> Revision {
    Revision::new("0002", &["0001"], "user name", move |op| {
        op.add_column("users", "name", Type::String(length));
    })
}

fn posts() -> Revision {
    Revision::new("0003", &["0002"], "posts", |op| {
        op.create_table("posts", |t| {
            t.column("id", Type::BigInt).primary_key();
        });
    })
}

fn migrator(revisions: Vec<Revision>) -> Migrator {
    Migrator::new(revisions).expect("a valid graph")
}

fn checksum(m: &Migrator, d: Dialect, id: &str) -> String {
    m.plan_upgrade(d, &[], "heads")
        .unwrap()
        .into_iter()
        .find(|s| s.revision == id)
        .map(|s| s.checksum)
        .expect("the revision is planned")
}

#[test]
fn an_edited_applied_revision_stops_the_upgrade_until_repaired() {
    let deployed = migrator(vec![users(), user_name(100)]);
    // Someone widened the column in the applied revision instead of writing a new one.
    let edited = migrator(vec![users(), user_name(200), posts()]);
    block_on(async {
        for test_db in all_databases("checksum_edit").await {
            let d = test_db.dialect;
            let mut db = test_db.connect().await;
            deployed.upgrade(&mut db, "head").await.unwrap();
            let (recorded, current) =
                (checksum(&deployed, d, "0002"), checksum(&edited, d, "0002"));
            assert_ne!(recorded, current, "{d}");

            let err = edited.upgrade(&mut db, "head").await.unwrap_err();
            let MigrateError::ChecksumMismatch(changes) = &err else {
                panic!("{d}: expected a checksum mismatch, got {err}");
            };
            assert_eq!(
                changes,
                &[ChecksumChange {
                    revision: "0002".into(),
                    recorded: recorded.clone(),
                    current: current.clone(),
                }],
                "{d}"
            );
            assert_eq!(
                err.to_string(),
                format!(
                    "a revision applied to this database changed since it ran: `0002` (recorded {}, now {})\n  \
                     nothing was run. Applied migrations must not change: revert the edit and put the change in a new revision (`cargo schema revision -m ...`); \
                     if the edit is intended and the database already matches it, accept it with `cargo schema repair --accept-edit 0002`",
                    &recorded[..12],
                    &current[..12]
                ),
                "{d}"
            );
            // Nothing ran: no table of 0003, no version move, no log row.
            assert!(
                !table_names(&mut db).await.contains(&"posts".to_owned()),
                "{d}"
            );
            assert_eq!(edited.current(&mut db).await.unwrap(), ["0002"], "{d}");
            assert_eq!(edited.log(&mut db).await.unwrap().len(), 2, "{d}");

            // Say the edit is intended and the column was widened by hand: accept it.
            let accepted = edited.accept_edits(&mut db, &[]).await.unwrap();
            assert_eq!(accepted.len(), 1, "{d}");
            assert_eq!(accepted[0].revision, "0002", "{d}");
            let log = edited.log(&mut db).await.unwrap();
            let last = log.last().unwrap();
            assert_eq!(
                (
                    last.revision.as_str(),
                    last.direction.as_str(),
                    last.checksum.as_str()
                ),
                ("0002", "repair", current.as_str()),
                "{d}"
            );
            assert!(
                edited.accept_edits(&mut db, &[]).await.unwrap().is_empty(),
                "{d}: nothing left to repair"
            );
            let applied = edited.upgrade(&mut db, "head").await.unwrap();
            assert_eq!(applied.len(), 1, "{d}");
            assert_eq!(applied[0].revision, "0003", "{d}");
            // The database that still runs the old build is now the one that differs.
            let err = migrator(vec![
                users(),
                user_name(100),
                posts(),
                Revision::new("0004", &["0003"], "next", |_| {}),
            ])
            .upgrade(&mut db, "head")
            .await
            .unwrap_err();
            assert!(
                matches!(err, MigrateError::ChecksumMismatch(_)),
                "{d}: {err}"
            );
            drop(db);
            test_db.drop_db().await;
        }
    });
}

#[test]
fn the_same_ops_written_differently_keep_their_checksum() {
    // The checksum is taken over the SQL the ops render to, not over the source: a revision
    // reformatted or restructured, with the same ops, is the same revision.
    let compact = migrator(vec![users(), user_name(100), posts()]);
    let reformatted = migrator(vec![
        Revision::new("0001", &[], "users", |op| {
            let columns = [
                ("id", Type::BigInt, true),
                ("email", Type::String(255), false),
            ];
            op.create_table("users", |t| {
                for (name, ty, key) in columns {
                    if key {
                        t.column(name, ty).primary_key();
                    } else {
                        t.column(name, ty).not_null();
                    }
                }
            });
        }),
        Revision::new("0002", &["0001"], "user name", |op| {
            op.add_column("users", "name", Type::String(50 + 50));
        }),
        posts(),
    ]);
    for d in Dialect::ALL {
        for id in ["0001", "0002", "0003"] {
            assert_eq!(
                checksum(&compact, d, id),
                checksum(&reformatted, d, id),
                "{d}: {id}"
            );
        }
    }
    block_on(async {
        for test_db in all_databases("checksum_format").await {
            let d = test_db.dialect;
            let mut db = test_db.connect().await;
            compact.upgrade(&mut db, "0002").await.unwrap();
            let applied = reformatted.upgrade(&mut db, "head").await;
            assert_eq!(
                applied.expect("no checksum change").len(),
                1,
                "{d}: only 0003 runs"
            );
            drop(db);
            test_db.drop_db().await;
        }
    });
}

fn failing_chain() -> Vec<Revision> {
    vec![
        users(),
        Revision::new("0002", &["0001"], "breaks halfway", |op| {
            op.create_table("audit", |t| {
                t.column("id", Type::BigInt).primary_key();
            });
            op.add_column("users", "nickname", Type::String(40));
            op.execute("INSERT INTO missing VALUES (1)");
        }),
    ]
}

#[test]
fn a_half_applied_step_resumes_at_the_failed_statement_where_ddl_is_not_transactional() {
    let migrator = migrator(failing_chain());
    block_on(async {
        for test_db in all_databases("half_applied").await {
            let d = test_db.dialect;
            let mut db = test_db.connect().await;
            let first = migrator.upgrade(&mut db, "head").await.unwrap_err();
            assert!(
                matches!(first, MigrateError::Statement { index: 3, .. }),
                "{d}: {first}"
            );
            if d.transactional_ddl() {
                // Rolled back: the next run simply tries again, and works once the cause is fixed.
                let again = migrator.upgrade(&mut db, "head").await.unwrap_err();
                assert!(
                    matches!(
                        again,
                        MigrateError::Statement {
                            rolled_back: true,
                            ..
                        }
                    ),
                    "{d}: {again}"
                );
                db.raw()
                    .execute("CREATE TABLE missing (id INTEGER)")
                    .await
                    .unwrap();
                migrator.upgrade(&mut db, "head").await.expect("retry");
                assert_eq!(migrator.current(&mut db).await.unwrap(), ["0002"], "{d}");
                drop(db);
                test_db.drop_db().await;
                continue;
            }

            // MariaDB kept `audit` and `nickname`, and recorded them: the progress row says two
            // of three statements ran, and the failure is logged.
            let log = migrator.log(&mut db).await.unwrap();
            let failure = log.last().expect("the failure is logged").clone();
            assert_eq!(
                (failure.revision.as_str(), failure.success),
                ("0002", false)
            );
            let recorded = failure.error.clone().expect("the error is recorded");
            assert!(
                recorded.starts_with("statement 3 of 3 `INSERT INTO missing VALUES (1)`: ")
                    && recorded.contains("missing"),
                "{recorded}"
            );
            let part_way = migrator.part_way(&mut db).await.unwrap();
            assert_eq!(
                (part_way[0].done, part_way[0].total, part_way[0].failed),
                (2, 3, true)
            );
            // Run again with the cause still there: it resumes at statement 3, not at 1 (which
            // would fail on the table `audit` that exists), and fails there again.
            let again = migrator.upgrade(&mut db, "head").await.unwrap_err();
            assert!(
                matches!(
                    &again,
                    MigrateError::Statement {
                        index: 3,
                        rolled_back: false,
                        ..
                    }
                ),
                "{again}"
            );
            assert_eq!(migrator.current(&mut db).await.unwrap(), ["0001"]);

            // Undone by hand instead of fixed forward: `repair --progress 0` records that none of
            // the revision's statements stands any more, and the next run starts it over.
            db.raw().execute("DROP TABLE audit").await.unwrap();
            db.raw()
                .execute("ALTER TABLE users DROP COLUMN nickname")
                .await
                .unwrap();
            let p = migrator.record_progress(&mut db, "0002", 0).await.unwrap();
            assert_eq!((p.done, p.total), (0, 3));
            db.raw()
                .execute("CREATE TABLE missing (id INTEGER)")
                .await
                .unwrap();
            let applied = migrator
                .upgrade(&mut db, "head")
                .await
                .expect("from the start");
            assert_eq!(applied.len(), 1);
            assert_eq!(migrator.current(&mut db).await.unwrap(), ["0002"]);
            assert!(migrator.part_way(&mut db).await.unwrap().is_empty());
            let schema = dump_schema(&mut db).await;
            assert!(
                schema.contains("table audit") && schema.contains("nickname"),
                "{schema}"
            );
            let rows = db
                .raw()
                .fetch_strings("SELECT CAST(COUNT(*) AS CHAR) FROM missing")
                .await
                .unwrap();
            assert_eq!(rows, ["1"], "the insert ran once");
            drop(db);
            test_db.drop_db().await;
        }
    });
}

/// The version rows, the applied-log row and `COMMIT` go to the database in one batch: when the
/// commit itself fails (a deferred foreign key), the whole revision is gone, the version table
/// still names the previous one and the connection is out of the transaction. MariaDB has no
/// deferred constraints (InnoDB checks each statement, as the test above covers).
#[test]
fn a_step_whose_commit_fails_leaves_nothing_behind() {
    let orders = |op: &mut Ops| {
        op.create_table("orders", |t| {
            t.column("id", Type::BigInt).primary_key();
            t.column("user_id", Type::BigInt).not_null();
            t.foreign_key(["user_id"], "users", ["id"])
                .deferrable(Deferrable::InitiallyDeferred);
        });
        op.execute("INSERT INTO orders (id, user_id) VALUES (1, 42)");
    };
    let migrator = migrator(vec![
        users(),
        Revision::new("0002", &["0001"], "orders", orders),
    ]);
    block_on(async {
        for test_db in all_databases("commit_fails").await {
            let d = test_db.dialect;
            if !d.transactional_ddl() {
                test_db.drop_db().await;
                continue;
            }
            let mut db = test_db.connect().await;
            let err = migrator.upgrade(&mut db, "head").await.unwrap_err();
            let message = err.to_string().to_lowercase();
            assert!(message.contains("foreign key"), "{d}: {err}");
            assert_eq!(migrator.current(&mut db).await.unwrap(), ["0001"], "{d}");
            assert!(
                !table_names(&mut db).await.contains(&"orders".to_owned()),
                "{d}: the revision was rolled back"
            );
            let log = migrator.log(&mut db).await.unwrap();
            assert_eq!(
                log.iter()
                    .map(|row| row.revision.as_str())
                    .collect::<Vec<_>>(),
                ["0001"],
                "{d}: the log row went with the transaction"
            );
            // Nothing is left open: once the missing row exists the same revision applies.
            db.raw()
                .execute("INSERT INTO users (id, email) VALUES (42, 'a@example.com')")
                .await
                .unwrap();
            migrator.upgrade(&mut db, "head").await.expect("applies");
            assert_eq!(migrator.current(&mut db).await.unwrap(), ["0002"], "{d}");
            drop(db);
            test_db.drop_db().await;
        }
    });
}

/// On PostgreSQL and MariaDB a non-transactional revision that fails halfway resumes at the
/// failed statement on the next run; SQLite runs every step in its immediate transaction (its
/// migration lock, and CONCURRENTLY does not exist there), so the failure is rolled back and
/// simply retried.
#[test]
fn a_half_applied_non_transactional_step_resumes_everywhere() {
    let mut revisions = failing_chain();
    let half = revisions.pop().expect("0002").non_transactional();
    revisions.push(half);
    let migrator = migrator(revisions);
    block_on(async {
        for test_db in all_databases("half_applied_nt").await {
            let d = test_db.dialect;
            let mut db = test_db.connect().await;
            let first = migrator.upgrade(&mut db, "head").await.unwrap_err();
            let again = migrator.upgrade(&mut db, "head").await.unwrap_err();
            drop(db);
            test_db.drop_db().await;
            if d == Dialect::Sqlite {
                assert!(
                    matches!(
                        first,
                        MigrateError::Statement {
                            rolled_back: true,
                            ..
                        }
                    ),
                    "{d}: {first}"
                );
                assert!(
                    matches!(
                        again,
                        MigrateError::Statement {
                            rolled_back: true,
                            ..
                        }
                    ),
                    "{d}: {again}"
                );
                continue;
            }
            assert!(
                matches!(
                    first,
                    MigrateError::Statement {
                        rolled_back: false,
                        ..
                    }
                ),
                "{d}: {first}"
            );
            assert!(
                matches!(&again, MigrateError::Statement { revision, index: 3, rolled_back: false, .. } if revision == "0002"),
                "{d}: {again}"
            );
        }
    });
}

#[test]
fn stamp_records_revisions_without_running_them() {
    let migrator = blog();
    block_on(async {
        for test_db in all_databases("stamp").await {
            let d = test_db.dialect;
            let mut db = test_db.connect().await;
            let rows = migrator
                .stamp(&mut db, &["head".into()], false)
                .await
                .unwrap();
            assert_eq!(rows, [BLOG_HEAD], "{d}");
            assert_eq!(
                table_names(&mut db).await,
                [
                    "schema_log",
                    "schema_ops",
                    "schema_progress",
                    "schema_version"
                ],
                "{d}: version rows, no tables"
            );
            // Each revision taken as applied is logged with its checksum, so later edits show.
            let log = migrator.log(&mut db).await.unwrap();
            let planned = migrator.plan_upgrade(d, &[], "head").unwrap();
            let stamped: Vec<(&str, &str, &str)> = log
                .iter()
                .map(|e| {
                    (
                        e.revision.as_str(),
                        e.direction.as_str(),
                        e.checksum.as_str(),
                    )
                })
                .collect();
            let expected: Vec<(&str, &str, &str)> = planned
                .iter()
                .map(|s| (s.revision.as_str(), "stamp", s.checksum.as_str()))
                .collect();
            assert_eq!(stamped, expected, "{d}");
            assert!(
                migrator.upgrade(&mut db, "head").await.unwrap().is_empty(),
                "{d}: at head, nothing to run"
            );

            // Stamping back down moves the rows only.
            let rows = migrator
                .stamp(&mut db, &["20250102".into()], false)
                .await
                .unwrap();
            assert_eq!(rows, ["20250102_100000_create_posts"], "{d}");
            // `stamp base` alone keeps the row (see the ignored test below); --purge empties it.
            let rows = migrator
                .stamp(&mut db, &["base".into()], true)
                .await
                .unwrap();
            assert!(rows.is_empty(), "{d}: {rows:?}");
            assert_eq!(
                table_names(&mut db).await,
                [
                    "schema_log",
                    "schema_ops",
                    "schema_progress",
                    "schema_version"
                ],
                "{d}"
            );
            assert_eq!(
                migrator.log(&mut db).await.unwrap().len(),
                5,
                "{d}: nothing newly applied"
            );
            // From base, the upgrade builds everything; the stamped checksums agree with it.
            assert_eq!(
                migrator.upgrade(&mut db, "head").await.unwrap().len(),
                5,
                "{d}"
            );
            drop(db);
            test_db.drop_db().await;
        }
    });
}

#[test]
fn stamping_base_empties_the_version_table() {
    let migrator = blog();
    block_on(async {
        for test_db in all_databases("stamp_base").await {
            let d = test_db.dialect;
            let mut db = test_db.connect().await;
            migrator
                .stamp(&mut db, &["head".into()], false)
                .await
                .unwrap();
            let rows = migrator
                .stamp(&mut db, &["base".into()], false)
                .await
                .unwrap();
            drop(db);
            test_db.drop_db().await;
            assert!(rows.is_empty(), "{d}: {rows:?}");
        }
    });
}

#[test]
fn stamp_keeps_unrelated_branches_unless_purged() {
    let migrator = migrator(vec![
        Revision::new("a", &[], "a", |_| {}),
        Revision::new("b1", &["a"], "b1", |_| {}),
        Revision::new("b2", &["a"], "b2", |_| {}),
    ]);
    block_on(async {
        for test_db in all_databases("stamp_purge").await {
            let d = test_db.dialect;
            let mut db = test_db.connect().await;
            migrator.upgrade(&mut db, "b1").await.unwrap();
            let rows = migrator
                .stamp(&mut db, &["b2".into()], false)
                .await
                .unwrap();
            assert_eq!(rows, ["b1", "b2"], "{d}: b1's branch keeps its row");
            let rows = migrator.stamp(&mut db, &["b2".into()], true).await.unwrap();
            assert_eq!(rows, ["b2"], "{d}: --purge replaces every row");
            // A row this build does not know (written by a newer deployment) goes with --purge.
            db.raw()
                .execute("INSERT INTO schema_version (version_num) VALUES ('ffff')")
                .await
                .unwrap();
            let rows = migrator.stamp(&mut db, &["a".into()], true).await.unwrap();
            assert_eq!(rows, ["a"], "{d}");
            drop(db);
            test_db.drop_db().await;
        }
    });
}

#[test]
fn a_single_transaction_run_is_all_or_nothing_where_ddl_is_transactional() {
    let fine = migrator(vec![users(), user_name(100), posts()]);
    let mut revisions = vec![users(), user_name(100), posts()];
    revisions.push(Revision::new("0004", &["0003"], "fails", |op| {
        op.execute("INSERT INTO missing VALUES (1)");
    }));
    let failing = migrator(revisions);
    let single = RunOptions::default().with_single_transaction(true);
    block_on(async {
        for test_db in all_databases("single_transaction").await {
            let d = test_db.dialect;
            let mut db = test_db.connect().await;
            let err = failing
                .migrate(&mut db, Direction::Up, "head", single.clone(), |_| {})
                .await
                .unwrap_err();
            if !d.transactional_ddl() {
                assert_eq!(
                    err.to_string(),
                    format!("--single-transaction: {d} commits DDL statement by statement, so a run cannot be one transaction; run without it")
                );
                assert!(failing.current(&mut db).await.unwrap().is_empty());
                assert!(!table_names(&mut db).await.contains(&"users".to_owned()));
                drop(db);
                test_db.drop_db().await;
                continue;
            }
            assert!(
                matches!(&err, MigrateError::Statement { revision, rolled_back: true, .. } if revision == "0004"),
                "{d}: {err}"
            );
            // Three revisions ran and were rolled back with the fourth.
            assert!(failing.current(&mut db).await.unwrap().is_empty(), "{d}");
            assert_eq!(
                table_names(&mut db).await,
                [
                    "schema_log",
                    "schema_ops",
                    "schema_progress",
                    "schema_version"
                ],
                "{d}: nothing of 0001..0003 is left"
            );
            let log = failing.log(&mut db).await.unwrap();
            assert_eq!(log.len(), 1, "{d}: only the failure is logged: {log:?}");
            assert!(!log[0].success && log[0].revision == "0004", "{d}");

            let mut seen = Vec::new();
            let applied = fine
                .migrate(&mut db, Direction::Up, "head", single.clone(), |event| {
                    if let schema_runtime::migrator::StepEvent::Finished(step, _) = event {
                        seen.push(step.revision.clone());
                    }
                })
                .await
                .expect("one transaction");
            assert_eq!(applied.len(), 3, "{d}");
            assert_eq!(seen, ["0001", "0002", "0003"], "{d}");
            assert_eq!(fine.current(&mut db).await.unwrap(), ["0003"], "{d}");

            // A revision that must run outside a transaction cannot join one.
            let concurrently = migrator(vec![
                users(),
                Revision::new("0002", &["0001"], "outside", |op| {
                    op.add_column("users", "name", Type::Text);
                })
                .non_transactional(),
            ]);
            let fresh = TestDb::create(d, "single_transaction_nt").await.unwrap();
            let mut other = fresh.connect().await;
            let err = concurrently
                .migrate(&mut other, Direction::Up, "head", single.clone(), |_| {})
                .await
                .unwrap_err();
            assert_eq!(
                err.to_string(),
                "--single-transaction: revision `0002` must run outside any transaction; run without --single-transaction",
                "{d}"
            );
            assert!(
                concurrently.current(&mut other).await.unwrap().is_empty(),
                "{d}"
            );
            drop(other);
            fresh.drop_db().await;
            drop(db);
            test_db.drop_db().await;
        }
    });
}

#[test]
fn the_offline_script_run_by_each_client_builds_what_the_online_upgrade_builds() {
    let migrator = blog();
    block_on(async {
        for offline in all_databases("offline_script").await {
            let d = offline.dialect;
            let steps = migrator.plan_upgrade(d, &[], "head").unwrap();
            let script = schema_runtime::cli::script(migrator.version_table(), d, &steps);
            let Some(output) = run_client(&offline, &script) else {
                offline.drop_db().await;
                continue;
            };
            assert!(
                output.status.success(),
                "{d}: the client rejected the script:\n{}\n{script}",
                String::from_utf8_lossy(&output.stderr)
            );

            let online = TestDb::create(d, "online_upgrade").await.unwrap();
            let mut online_db = online.connect().await;
            migrator.upgrade(&mut online_db, "head").await.unwrap();
            let mut offline_db = offline.connect().await;
            assert_eq!(
                dump_schema(&mut offline_db).await,
                dump_schema(&mut online_db).await,
                "{d}: same schema, version tables included"
            );
            assert_eq!(
                migrator.current(&mut offline_db).await.unwrap(),
                [BLOG_HEAD],
                "{d}: same version rows"
            );
            assert!(
                migrator.log(&mut offline_db).await.unwrap().is_empty(),
                "{d}: the script writes no applied-log rows"
            );
            // An online run continues from where the script left the database.
            assert!(
                migrator
                    .upgrade(&mut offline_db, "head")
                    .await
                    .unwrap()
                    .is_empty(),
                "{d}"
            );
            drop(offline_db);
            drop(online_db);
            offline.drop_db().await;
            online.drop_db().await;
        }
    });
}

/// A local port nothing listens on.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

#[test]
fn a_closed_port_says_connection_refused_at_once() {
    block_on(async {
        for scheme in ["postgres", "mysql", "mariadb"] {
            let port = closed_port();
            let url = format!("{scheme}://app:secret@127.0.0.1:{port}/app");
            let clock = std::time::Instant::now();
            let err = schema_runtime::Database::connect(&url).await.unwrap_err();
            let message = err.to_string();
            assert!(
                clock.elapsed() < std::time::Duration::from_secs(2),
                "{scheme}: {:?}",
                clock.elapsed()
            );
            assert!(
                message.contains(&format!("127.0.0.1:{port}"))
                    && message.contains("connection refused"),
                "{scheme}: {message}"
            );
            assert!(
                !message.contains("secret"),
                "{scheme}: the password shows: {message}"
            );
        }
    });
}

#[test]
fn a_server_that_never_answers_fails_within_the_connect_timeout() {
    // Accepts connections and holds them, saying nothing (a hung server, a firewall's tarpit).
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    block_on(async {
        for scheme in ["postgres", "mysql"] {
            let url = format!("{scheme}://app@127.0.0.1:{port}/app");
            let options = schema_runtime::migrator::ConnectOptions::default()
                .with_connect_timeout(std::time::Duration::from_millis(700));
            let clock = std::time::Instant::now();
            let err = schema_runtime::Database::connect_with(&url, &options)
                .await
                .unwrap_err();
            let elapsed = clock.elapsed();
            assert!(
                elapsed >= std::time::Duration::from_millis(700)
                    && elapsed < std::time::Duration::from_millis(2000),
                "{scheme}: {elapsed:?}"
            );
            let message = err.to_string();
            assert!(
                matches!(err, MigrateError::ConnectTimeout { .. })
                    && message.contains(&format!("127.0.0.1:{port}"))
                    && message.contains("no answer within 0.7s"),
                "{scheme}: {message}"
            );
        }
    });
}

/// A TCP proxy to `upstream` that stops forwarding (both ways) once `frozen` is set: a server
/// that freezes mid-run (SIGSTOP, a stuck storage), whose TCP stack still answers.
fn freezing_proxy(upstream: String) -> (u16, std::sync::Arc<std::sync::atomic::AtomicBool>) {
    use std::io::{Read, Write as _};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let frozen = Arc::new(AtomicBool::new(false));
    let flag = frozen.clone();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let server = std::net::TcpStream::connect(&upstream).expect("upstream");
            for (mut from, mut to) in [
                (client.try_clone().unwrap(), server.try_clone().unwrap()),
                (server, client),
            ] {
                let flag = flag.clone();
                std::thread::spawn(move || {
                    let mut buf = [0u8; 16384];
                    loop {
                        let n = match from.read(&mut buf) {
                            Ok(0) | Err(_) => return,
                            Ok(n) => n,
                        };
                        while flag.load(Ordering::SeqCst) {
                            std::thread::sleep(std::time::Duration::from_millis(20));
                        }
                        if to.write_all(&buf[..n]).is_err() {
                            return;
                        }
                    }
                });
            }
        }
    });
    (port, frozen)
}

#[test]
fn a_server_that_freezes_mid_run_ends_the_run_within_the_statement_timeout() {
    let migrator = blog();
    block_on(async {
        for test_db in all_databases("frozen").await {
            let d = test_db.dialect;
            if d == Dialect::Sqlite {
                test_db.drop_db().await;
                continue;
            }
            let real = schema_runtime::migrator::endpoint(&test_db.url);
            let (port, frozen) = freezing_proxy(real.clone());
            let url = test_db.url.replacen(&real, &format!("127.0.0.1:{port}"), 1);
            let options = schema_runtime::migrator::ConnectOptions::default()
                .with_statement_timeout(Some(std::time::Duration::from_secs(1)));
            let mut db = schema_runtime::Database::connect_with(&url, &options)
                .await
                .expect("connect through the proxy");
            frozen.store(true, std::sync::atomic::Ordering::SeqCst);
            let clock = std::time::Instant::now();
            let err = migrator.upgrade(&mut db, "head").await.unwrap_err();
            let elapsed = clock.elapsed();
            let message = err.to_string();
            assert!(
                elapsed < std::time::Duration::from_secs(3),
                "{d}: {elapsed:?}"
            );
            assert!(
                message.contains(&format!("no answer from 127.0.0.1:{port} within 1.0s")),
                "{d}: {message}"
            );
            frozen.store(false, std::sync::atomic::Ordering::SeqCst);
            drop(db);
            test_db.drop_db().await;
        }
    });
}

#[test]
fn sqlite_waits_for_another_writer_only_as_long_as_told() {
    let migrator = migrator(vec![users()]);
    block_on(async {
        let Some(test_db) = TestDb::create(Dialect::Sqlite, "busy").await else {
            return;
        };
        let mut holder = test_db.connect().await;
        holder.raw().execute("BEGIN IMMEDIATE").await.unwrap();
        let options = schema_runtime::migrator::ConnectOptions::default()
            .with_busy_timeout(std::time::Duration::from_millis(300));
        let mut db = schema_runtime::Database::connect_with(&test_db.url, &options)
            .await
            .unwrap();
        let clock = std::time::Instant::now();
        let err = migrator.upgrade(&mut db, "head").await.unwrap_err();
        assert!(
            clock.elapsed() < std::time::Duration::from_secs(3),
            "{:?}",
            clock.elapsed()
        );
        assert!(err.to_string().contains("locked"), "{err}");
        holder.raw().execute("ROLLBACK").await.unwrap();
        migrator
            .upgrade(&mut db, "head")
            .await
            .expect("once the writer is gone");
        drop((db, holder));
        test_db.drop_db().await;
    });
}

#[test]
fn version_rows_that_are_not_heads_of_this_build_are_named_for_what_they_are() {
    let migrator = migrator(vec![users(), user_name(100)]);
    block_on(async {
        for test_db in all_databases("version_rows").await {
            let d = test_db.dialect;
            let mut db = test_db.connect().await;
            migrator.upgrade(&mut db, "0001").await.unwrap();
            // A row of a newer build.
            db.raw()
                .execute("INSERT INTO schema_version (version_num) VALUES ('ffff')")
                .await
                .unwrap();
            let err = migrator.upgrade(&mut db, "head").await.unwrap_err();
            assert!(
                matches!(err, MigrateError::UnknownVersion(_))
                    && err
                        .to_string()
                        .contains("holds `ffff`, which no revision of this build has"),
                "{d}: {err}"
            );
            db.raw()
                .execute("DELETE FROM schema_version WHERE version_num = 'ffff'")
                .await
                .unwrap();
            // An ancestor beside its descendant.
            migrator.upgrade(&mut db, "head").await.unwrap();
            db.raw()
                .execute("INSERT INTO schema_version (version_num) VALUES ('0001')")
                .await
                .unwrap();
            let err = migrator.downgrade(&mut db, "-1").await.unwrap_err();
            assert!(
                matches!(&err, MigrateError::RedundantVersion { ancestor, descendant } if ancestor == "0001" && descendant == "0002"),
                "{d}: {err}"
            );
            assert!(
                err.to_string()
                    .contains("`cargo schema stamp 0002 --purge`"),
                "{d}: {err}"
            );
            drop(db);
            test_db.drop_db().await;
        }
    });
}

#[test]
fn an_empty_sqlite_path_is_refused() {
    block_on(async {
        for url in ["sqlite:", "sqlite://", "sqlite:?mode=rwc"] {
            let err = schema_runtime::Database::connect(url).await.unwrap_err();
            assert!(err.to_string().contains("names no file"), "{url}: {err}");
        }
    });
}

/// PostgreSQL: a concurrent unique index build that fails (duplicates) leaves an INVALID index;
/// once the duplicates are gone, the next run drops it, says so, and builds it again.
#[test]
fn an_invalid_index_left_by_a_concurrent_build_is_dropped_and_rebuilt() {
    let migrator = migrator(vec![
        Revision::new("0001", &[], "emails", |op| {
            op.create_table("people", |t| {
                t.column("id", Type::Integer).primary_key();
                t.column("email", Type::String(100)).not_null();
            });
            op.bulk_insert(
                "people",
                ["id", "email"],
                [row![1, "a@example.com"], row![2, "a@example.com"]],
            );
        }),
        Revision::new("0002", &["0001"], "unique emails", |op| {
            op.create_index("people", ["email"]).unique().concurrently();
        })
        .non_transactional(),
    ]);
    block_on(async {
        let Some(test_db) = TestDb::create(Dialect::Postgres, "invalid_index").await else {
            return;
        };
        let mut db = test_db.connect().await;
        let err = migrator.upgrade(&mut db, "head").await.unwrap_err();
        assert!(
            err.to_string().contains("could not create unique index"),
            "{err}"
        );
        let invalid = db
            .raw()
            .fetch_strings("SELECT CAST(c.relname AS TEXT) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE NOT i.indisvalid")
            .await
            .unwrap();
        assert_eq!(invalid, ["ix_people_email"]);
        db.raw()
            .execute("DELETE FROM people WHERE id = 2")
            .await
            .unwrap();
        migrator.upgrade(&mut db, "head").await.expect("rebuilt");
        let valid = db
            .raw()
            .fetch_strings("SELECT CAST(i.indisvalid AS TEXT) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'ix_people_email'")
            .await
            .unwrap();
        assert_eq!(valid, ["true"]);
        drop(db);
        test_db.drop_db().await;
    });
}

/// The offline script, run by each database's own client, leaves what the online run leaves:
/// the crash package (33 revisions: rows, backfills, rebuilds) and values with backslashes,
/// quotes and `||`. On MariaDB both sessions start under `NO_BACKSLASH_ESCAPES`, which the
/// runner and the script's header take away, so backslashes mean the same in both.
#[test]
fn the_offline_script_equals_the_online_run_even_under_no_backslash_escapes() {
    let notes = Revision::new("0034", &["0033"], "notes with backslashes", |op| {
        op.create_table("notes", |t| {
            t.column("id", Type::Integer).primary_key();
            t.column("body", Type::String(200)).not_null();
        });
        op.bulk_insert(
            "notes",
            ["id", "body"],
            [
                row![1, r"C:\path\to\file"],
                row![2, r"it's \'quoted\' \n not a newline"],
                row![3, "100% _literal_ \\"],
            ],
        );
        op.execute("UPDATE notes SET body = body || '!'")
            .reverse("UPDATE notes SET body = substr(body, 1, length(body) - 1)");
    });
    let mut revisions = schema_tests::crash::revisions();
    revisions.push(notes);
    let migrator = migrator(revisions);
    let no_backslash_escapes = "SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES')";
    block_on(async {
        for online in all_databases("parity_online").await {
            let d = online.dialect;
            let offline = TestDb::create(d, "parity_offline").await.unwrap();
            // Online, through a connection that starts with the hostile mode.
            let mut db = if d.is_mysql_family() {
                let pool = sqlx::MySqlPool::connect(&online.url).await.unwrap();
                let mut conn = pool.acquire().await.unwrap();
                sqlx::raw_sql(no_backslash_escapes)
                    .execute(&mut *conn)
                    .await
                    .unwrap();
                schema_runtime::Database::from(conn)
            } else {
                online.connect().await
            };
            migrator.upgrade(&mut db, "head").await.expect("online");
            // Offline, through the client, starting with the same mode.
            let steps = migrator.plan_upgrade(d, &[], "head").unwrap();
            let script = schema_runtime::cli::script(migrator.version_table(), d, &steps);
            let init = format!("--init-command={no_backslash_escapes}");
            let extra: Vec<&str> = if d.is_mysql_family() {
                vec![&init]
            } else {
                vec![]
            };
            let Some(output) = schema_tests::run_client_with(&offline, &script, &extra) else {
                drop(db);
                online.drop_db().await;
                offline.drop_db().await;
                continue;
            };
            assert!(
                output.status.success(),
                "{d}: the client refused the script: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            let mut off = offline.connect().await;
            let online_state = parity_state(&mut db).await;
            let offline_state = parity_state(&mut off).await;
            assert_eq!(offline_state, online_state, "{d}");
            assert!(
                online_state.contains(r"notes: 1 | C:\path\to\file!"),
                "{d}: {online_state}"
            );
            drop((db, off));
            online.drop_db().await;
            offline.drop_db().await;
        }
    });
}

/// The schema and the rows the parity test compares.
async fn parity_state(db: &mut schema_runtime::Database) -> String {
    let mut out = dump_schema(db).await;
    out.push_str(&schema_tests::dump_rows(db, "notes", &["id", "body"]).await);
    out.push_str(
        &schema_tests::dump_rows(
            db,
            "tasks",
            &["id", "priority", "estimate", "owner_id", "status"],
        )
        .await,
    );
    out
}

/// SQLite: a table rebuild whose rows break a foreign key is rolled back online, and the
/// offline script fails at its check instead of committing.
#[test]
fn the_offline_sqlite_script_fails_on_foreign_key_violations() {
    let migrator = migrator(vec![
        Revision::new("0001", &[], "parents and children", |op| {
            op.create_table("parents", |t| {
                t.column("id", Type::Integer).primary_key();
            });
            op.create_table("children", |t| {
                t.column("id", Type::Integer).primary_key();
                t.column("parent_id", Type::Integer)
                    .references("parents", "id");
            });
        }),
        Revision::new("0002", &["0001"], "a rebuild", |op| {
            op.alter_column("children", "parent_id").set_not_null();
        }),
    ]);
    block_on(async {
        let Some(test_db) = TestDb::create(Dialect::Sqlite, "fk_script").await else {
            return;
        };
        let mut db = test_db.connect().await;
        migrator.upgrade(&mut db, "0001").await.unwrap();
        // An orphan, written with enforcement off (as another tool might have).
        db.raw()
            .execute("PRAGMA foreign_keys = OFF; INSERT INTO children (id, parent_id) VALUES (1, 42); PRAGMA foreign_keys = ON")
            .await
            .unwrap();
        let err = migrator.upgrade(&mut db, "head").await.unwrap_err();
        assert!(matches!(err, MigrateError::ForeignKeyCheck { .. }), "{err}");
        let steps = migrator
            .plan_upgrade(Dialect::Sqlite, &["0001".into()], "head")
            .unwrap();
        let script = schema_runtime::cli::script(migrator.version_table(), Dialect::Sqlite, &steps);
        drop(db);
        let Some(output) = run_client(&test_db, &script) else {
            return;
        };
        assert!(
            !output.status.success(),
            "the script committed over the violation"
        );
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("foreign_key_check_failed"),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let mut db = test_db.connect().await;
        assert_eq!(migrator.current(&mut db).await.unwrap(), ["0001"]);
        let schema = dump_schema(&mut db).await;
        assert!(!schema.contains("parent_id integer NOT NULL"), "{schema}");
        drop(db);
        test_db.drop_db().await;
    });
}

/// A run cut off right after raw DDL, whose effect the replay does not know: the next run
/// cannot tell whether it ran, stops before running anything and names the statement and the
/// command; `repair --progress` records the answer and the run then finishes.
#[test]
fn a_statement_the_catalog_cannot_settle_is_named_with_the_command_that_settles_it() {
    let migrator = migrator(vec![
        users(),
        Revision::new("0002", &["0001"], "raw ddl", |op| {
            op.execute("CREATE TABLE audit (id INTEGER)")
                .reverse("DROP TABLE audit");
            op.add_column("users", "nickname", Type::String(40));
        })
        .non_transactional(),
    ]);
    block_on(async {
        for test_db in all_databases("cannot_tell").await {
            let d = test_db.dialect;
            if d == Dialect::Sqlite {
                test_db.drop_db().await;
                continue;
            }
            let mut db = test_db.connect().await;
            migrator.upgrade(&mut db, "0001").await.unwrap();
            // What a run killed between the CREATE TABLE and its progress record leaves.
            let checksum = migrator.plan_upgrade(d, &["0001".into()], "head").unwrap()[0]
                .checksum
                .clone();
            let empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
            db.raw()
                .execute(&format!(
                    "INSERT INTO schema_progress (revision, direction, checksum, done, done_checksum, total, state, started_at) \
                     VALUES ('0002', 'up', '{checksum}', 0, '{empty}', 2, 'running', '2026-12-03 00:00:00')"
                ))
                .await
                .unwrap();
            db.raw()
                .execute("CREATE TABLE audit (id INTEGER)")
                .await
                .unwrap();
            let err = migrator.upgrade(&mut db, "head").await.unwrap_err();
            let message = err.to_string();
            assert!(
                matches!(err, MigrateError::CannotTell { index: 1, .. })
                    && message.contains("CREATE TABLE audit (id INTEGER)")
                    && message.contains("`cargo schema repair 0002 --progress 1`")
                    && message.contains("`cargo schema repair 0002 --progress 0`"),
                "{d}: {message}"
            );
            let p = migrator.record_progress(&mut db, "0002", 1).await.unwrap();
            assert_eq!((p.done, p.total), (1, 2), "{d}");
            migrator
                .upgrade(&mut db, "head")
                .await
                .expect("resumes at 2");
            assert_eq!(migrator.current(&mut db).await.unwrap(), ["0002"], "{d}");
            assert!(dump_schema(&mut db).await.contains("nickname"), "{d}");
            drop(db);
            test_db.drop_db().await;
        }
    });
}

/// TLS to the local PostgreSQL (`ssl = on`, Debian's snakeoil certificate for `localhost`):
/// `sslmode=require` encrypts, `verify-ca` checks the certificate against `sslrootcert`, and
/// `verify-full` also checks the host name, so 127.0.0.1 is refused while localhost passes.
#[test]
fn postgres_over_tls_with_sslmode_require_and_verify_ca() {
    const CERT: &str = "/etc/ssl/certs/ssl-cert-snakeoil.pem";
    let migrator = blog();
    block_on(async {
        let Some(test_db) = TestDb::create(Dialect::Postgres, "tls").await else {
            return;
        };
        if !std::path::Path::new(CERT).exists() {
            eprintln!("note: no {CERT}: skipping the TLS test");
            test_db.drop_db().await;
            return;
        }
        let sep = if test_db.url.contains('?') { '&' } else { '?' };
        for mode in [
            "sslmode=require".to_owned(),
            format!("sslmode=verify-ca&sslrootcert={CERT}"),
        ] {
            let url = format!("{}{sep}{mode}", test_db.url);
            let mut db = schema_runtime::Database::connect(&url)
                .await
                .unwrap_or_else(|e| panic!("{mode}: {e}"));
            let ssl = db
                .raw()
                .fetch_strings(
                    "SELECT CAST(ssl AS TEXT) FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
                )
                .await
                .unwrap();
            assert_eq!(ssl, ["true"], "{mode}: the connection is not encrypted");
            migrator
                .upgrade(&mut db, "head")
                .await
                .expect("migrates over TLS");
            migrator.downgrade(&mut db, "base").await.expect("and back");
        }
        // verify-full checks the name: the certificate says localhost, not 127.0.0.1.
        let full = format!("{}{sep}sslmode=verify-full&sslrootcert={CERT}", test_db.url);
        let err = schema_runtime::Database::connect(&full).await.unwrap_err();
        assert!(err.to_string().contains("TLS failed"), "{err}");
        let by_name = full.replacen("127.0.0.1", "localhost", 1);
        schema_runtime::Database::connect(&by_name)
            .await
            .expect("verify-full by the certificate's name");
        test_db.drop_db().await;
    });
}

/// TLS to MariaDB (the instance `.ci/mariadb-tls.sh` starts: `SCHEMA_TEST_MYSQL_TLS_URL`, its
/// CA in `SCHEMA_TEST_MYSQL_TLS_CA`): `ssl-mode=REQUIRED` encrypts, `VERIFY_CA` and
/// `VERIFY_IDENTITY` check the certificate against `ssl-ca`, and a wrong CA is refused.
#[test]
fn mariadb_over_tls_with_ssl_mode_required_and_verify_ca() {
    let (Ok(server), Ok(ca)) = (
        std::env::var("SCHEMA_TEST_MYSQL_TLS_URL"),
        std::env::var("SCHEMA_TEST_MYSQL_TLS_CA"),
    ) else {
        eprintln!("note: SCHEMA_TEST_MYSQL_TLS_URL / SCHEMA_TEST_MYSQL_TLS_CA are not set (.ci/mariadb-tls.sh prints them): skipping the MariaDB TLS test");
        return;
    };
    let migrator = blog();
    block_on(async {
        let name = format!("cs_tls_{}", std::process::id());
        let mut admin = schema_runtime::Database::connect(&server)
            .await
            .expect("admin");
        admin
            .raw()
            .execute(&format!("CREATE DATABASE `{name}`"))
            .await
            .unwrap();
        let base = server.rsplit_once('/').unwrap().0;
        for mode in [
            "ssl-mode=REQUIRED".to_owned(),
            format!("ssl-mode=VERIFY_CA&ssl-ca={ca}"),
            format!("ssl-mode=VERIFY_IDENTITY&ssl-ca={ca}"),
        ] {
            let url = format!("{base}/{name}?{mode}");
            let mut db = schema_runtime::Database::connect(&url)
                .await
                .unwrap_or_else(|e| panic!("{mode}: {e}"));
            let cipher = db
                .raw()
                .fetch_rows("SHOW SESSION STATUS LIKE 'Ssl_cipher'", 2)
                .await
                .unwrap();
            assert!(
                cipher.first().is_some_and(|r| !r[1].is_empty()),
                "{mode}: not encrypted: {cipher:?}"
            );
            migrator
                .upgrade(&mut db, "head")
                .await
                .expect("migrates over TLS");
            migrator.downgrade(&mut db, "base").await.expect("and back");
        }
        let wrong =
            format!("{base}/{name}?ssl-mode=VERIFY_CA&ssl-ca=/etc/ssl/certs/ssl-cert-snakeoil.pem");
        if std::path::Path::new("/etc/ssl/certs/ssl-cert-snakeoil.pem").exists() {
            let err = schema_runtime::Database::connect(&wrong).await.unwrap_err();
            assert!(err.to_string().contains("TLS failed"), "{err}");
        }
        admin
            .raw()
            .execute(&format!("DROP DATABASE `{name}`"))
            .await
            .unwrap();
    });
}

/// The checksum is over the revision's ops, not over the SQL a version of the renderers makes
/// of them: one revision has one checksum on every dialect (whose SQL all differ), an edit of
/// the revision changes it, and an edit of an earlier revision does not change a later one's
/// (MySQL's MODIFY restates the replayed column, so the SQL of the later one does change).
#[test]
fn checksums_follow_the_ops_not_the_sql_they_render_to() {
    let plain = migrator(vec![
        users(),
        user_name(100),
        Revision::new("0003", &["0002"], "modify", |op| {
            op.alter_column("users", "name").set_not_null();
        }),
    ]);
    let sums = |m: &Migrator, d: Dialect| -> Vec<String> {
        m.plan_upgrade(d, &[], "head")
            .unwrap()
            .into_iter()
            .map(|s| s.checksum)
            .collect()
    };
    let sqls = |m: &Migrator, d: Dialect| -> Vec<Vec<String>> {
        m.plan_upgrade(d, &[], "head")
            .unwrap()
            .into_iter()
            .map(|s| s.statements)
            .collect()
    };
    let reference = sums(&plain, Dialect::Postgres);
    for d in Dialect::ALL {
        assert_eq!(
            sums(&plain, d),
            reference,
            "{d}: the same checksums on every dialect"
        );
    }
    assert_ne!(
        sqls(&plain, Dialect::Postgres),
        sqls(&plain, Dialect::Mariadb)
    );
    // Editing 0002 (a wider name) changes 0002's checksum, not 0003's, although 0003's MySQL
    // SQL restates the column and so changes.
    let edited = migrator(vec![
        users(),
        user_name(200),
        Revision::new("0003", &["0002"], "modify", |op| {
            op.alter_column("users", "name").set_not_null();
        }),
    ]);
    let after = sums(&edited, Dialect::Mariadb);
    assert_eq!(after[0], reference[0]);
    assert_ne!(after[1], reference[1]);
    assert_eq!(after[2], reference[2]);
    assert_ne!(
        sqls(&edited, Dialect::Mariadb)[2],
        sqls(&plain, Dialect::Mariadb)[2]
    );
}

/// An edit is noticed at head too: `upgrade` with nothing to run refuses, and `edited` (what
/// `current` reports) names it.
#[test]
fn an_edit_is_noticed_with_nothing_to_run() {
    let deployed = migrator(vec![users(), user_name(100)]);
    let edited = migrator(vec![users(), user_name(200)]);
    block_on(async {
        for test_db in all_databases("edit_at_head").await {
            let d = test_db.dialect;
            let mut db = test_db.connect().await;
            deployed.upgrade(&mut db, "head").await.unwrap();
            assert!(
                deployed.upgrade(&mut db, "head").await.unwrap().is_empty(),
                "{d}"
            );
            let err = edited.upgrade(&mut db, "head").await.unwrap_err();
            assert!(
                matches!(err, MigrateError::ChecksumMismatch(_)),
                "{d}: {err}"
            );
            let changed = edited.edited(&mut db).await.unwrap();
            assert_eq!(changed.len(), 1, "{d}");
            assert_eq!(changed[0].revision, "0002", "{d}");
            assert!(deployed.edited(&mut db).await.unwrap().is_empty(), "{d}");
            // The ops as they ran were recorded with their checksum: `check --database` shows
            // the edit op by op.
            let edits = edited.edits(&mut db).await.unwrap();
            assert_eq!(edits.len(), 1, "{d}");
            let recorded = edits[0].recorded_ops.as_deref().expect("recorded ops");
            assert!(
                recorded
                    .contains(r#"add_column table="users" column={name="name" type=String(100)"#),
                "{d}: {recorded}"
            );
            assert!(
                edits[0].current_ops.contains(r#"type=String(200)"#),
                "{d}: {}",
                edits[0].current_ops
            );
            // Accepting the edit records the new ops: nothing differs any more.
            edited.accept_edits(&mut db, &[]).await.unwrap();
            assert!(edited.edits(&mut db).await.unwrap().is_empty(), "{d}");
            let back = deployed.edits(&mut db).await.unwrap();
            assert!(
                back[0]
                    .recorded_ops
                    .as_deref()
                    .unwrap()
                    .contains("String(200)"),
                "{d}"
            );
            drop(db);
            test_db.drop_db().await;
        }
    });
}

/// A database whose log holds the checksums an earlier version recorded (SHA-256 of the SQL,
/// lower-case hex) moves to canonical checksums without a false alarm: where the SQL still
/// renders the same, silently; where a renderer changed, with a notice; never refusing.
#[test]
fn checksums_recorded_by_an_earlier_version_move_to_the_new_form_without_a_false_alarm() {
    use sha2::{Digest, Sha256};
    let m = migrator(vec![users(), user_name(100)]);
    block_on(async {
        for test_db in all_databases("legacy_checksums").await {
            let d = test_db.dialect;
            let mut db = test_db.connect().await;
            m.upgrade(&mut db, "head").await.unwrap();
            // Rewrite the records as the earlier version wrote them.
            for step in m.plan_upgrade(d, &[], "head").unwrap() {
                let legacy = format!(
                    "{:x}",
                    Sha256::digest(step.statements.join("\n;\n").as_bytes())
                );
                db.raw()
                    .execute(&format!(
                        "UPDATE schema_log SET checksum = '{legacy}' WHERE revision = '{}'",
                        step.revision
                    ))
                    .await
                    .unwrap();
            }
            // 0001 as if a renderer had since changed its SQL.
            db.raw()
                .execute(&format!(
                    "UPDATE schema_log SET checksum = '{}' WHERE revision = '0001'",
                    "0".repeat(63) + "a"
                ))
                .await
                .unwrap();
            let mut notices = Vec::new();
            let applied = m
                .migrate(
                    &mut db,
                    Direction::Up,
                    "head",
                    RunOptions::default(),
                    |event| {
                        if let schema_runtime::migrator::StepEvent::Notice(text) = event {
                            notices.push(text.to_owned());
                        }
                    },
                )
                .await
                .expect("no false alarm");
            assert!(applied.is_empty(), "{d}");
            assert_eq!(notices.len(), 1, "{d}: {notices:?}");
            assert!(notices[0].contains("revision `0001`"), "{d}: {notices:?}");
            let log = m.log(&mut db).await.unwrap();
            let rehashed: Vec<&str> = log
                .iter()
                .filter(|e| e.direction == "rehash")
                .map(|e| e.revision.as_str())
                .collect();
            assert_eq!(rehashed, ["0001", "0002"], "{d}");
            // Moved once: the next run records nothing more, and an edit now shows.
            m.upgrade(&mut db, "head").await.unwrap();
            assert_eq!(m.log(&mut db).await.unwrap().len(), log.len(), "{d}");
            let err = migrator(vec![users(), user_name(120)])
                .upgrade(&mut db, "head")
                .await
                .unwrap_err();
            assert!(
                matches!(err, MigrateError::ChecksumMismatch(_)),
                "{d}: {err}"
            );
            drop(db);
            test_db.drop_db().await;
        }
    });
}

/// Errors read well through `?` (`Debug` is the message), and each step emits `tracing` events
/// an application's subscriber logs: revision, direction, statements, duration.
#[test]
fn errors_debug_as_their_message_and_steps_emit_tracing_events() {
    let err = MigrateError::LockTimeout { seconds: 3 };
    assert_eq!(format!("{err:?}"), err.to_string());

    #[derive(Clone, Default)]
    struct Buffer(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
    impl std::io::Write for Buffer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buffer = Buffer::default();
    let writer = buffer.clone();
    // With one dispatcher in the process, tracing asks only the registering thread's own
    // subscriber whether a callsite is of interest: another test's thread that reaches a
    // migrator event first (none listening there) caches "never" for every thread, and this
    // test lost that event now and then. A second dispatcher makes tracing ask them all.
    let _second = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_max_level(tracing::Level::DEBUG)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::with_default(subscriber, || {
        block_on(async {
            let test_db = TestDb::create(Dialect::Sqlite, "tracing").await.unwrap();
            let mut db = test_db.connect().await;
            migrator(vec![users()])
                .upgrade(&mut db, "head")
                .await
                .unwrap();
            drop(db);
            test_db.drop_db().await;
        })
    });
    let log = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    assert!(
        log.contains("applying a revision") && log.contains("revision=0001"),
        "{log}"
    );
    assert!(
        log.contains("revision applied") && log.contains("duration_ms="),
        "{log}"
    );
    assert!(
        log.contains("running a statement") && log.contains("CREATE TABLE"),
        "{log}"
    );
}

/// `repair` is three forms, each refusing the others' case: accepting an edit of a revision
/// that is not edited, resolving a failure that is not there, or resolving a step that is
/// part-way (which resumes by itself) is refused and records nothing.
#[test]
fn repair_forms_refuse_each_others_case() {
    let m = migrator(failing_chain());
    block_on(async {
        for test_db in all_databases("repair_forms").await {
            let d = test_db.dialect;
            let mut db = test_db.connect().await;
            m.upgrade(&mut db, "0001").await.unwrap();
            let before = m.log(&mut db).await.unwrap().len();
            let err = m.accept_edits(&mut db, &["0001".into()]).await.unwrap_err();
            assert!(
                matches!(err, MigrateError::NotEdited(ref r) if r == "0001"),
                "{d}: {err}"
            );
            let err = m.resolve_failure(&mut db, "0001").await.unwrap_err();
            assert!(
                matches!(err, MigrateError::NotFailed(ref r) if r == "0001"),
                "{d}: {err}"
            );
            if !d.transactional_ddl() {
                // 0002 fails part-way on MariaDB: it resumes; --resolved is not its form.
                m.upgrade(&mut db, "head").await.unwrap_err();
                let err = m.resolve_failure(&mut db, "0002").await.unwrap_err();
                assert!(
                    err.to_string().contains("is part-way, not failed"),
                    "{d}: {err}"
                );
                // Nor is accepting an edit: 0002 is not applied.
                let err = m.accept_edits(&mut db, &["0002".into()]).await.unwrap_err();
                assert!(matches!(err, MigrateError::NotEdited(_)), "{d}: {err}");
            }
            let after = m.log(&mut db).await.unwrap();
            let failures = after.iter().filter(|e| !e.success).count();
            assert_eq!(
                after.len() - failures,
                before,
                "{d}: nothing recorded by a refusal"
            );
            drop(db);
            test_db.drop_db().await;
        }
    });
}

/// A failure recorded by an earlier version (no progress row) still stops the next run, and
/// `repair --resolved` clears it after a manual fix, saying what it was.
#[test]
fn a_failure_without_progress_is_resolved_by_repair_resolved() {
    let m = migrator(vec![users(), user_name(100)]);
    block_on(async {
        let Some(test_db) = TestDb::create(Dialect::Mariadb, "resolved").await else {
            return;
        };
        let mut db = test_db.connect().await;
        m.upgrade(&mut db, "0001").await.unwrap();
        db.raw()
            .execute(
                "INSERT INTO schema_log (revision, direction, checksum, started_at, finished_at, duration_ms, success, error) \
                 VALUES ('0002', 'up', 'x', '2026-12-01 00:00:00', '2026-12-01 00:00:01', 1000, 0, 'statement 1 of 1 `ALTER TABLE ...`: boom')",
            )
            .await
            .unwrap();
        let err = m.upgrade(&mut db, "head").await.unwrap_err();
        assert!(
            matches!(err, MigrateError::UnresolvedFailure { .. }),
            "{err}"
        );
        assert!(
            err.to_string()
                .contains("`cargo schema repair --resolved 0002`"),
            "{err}"
        );
        let failure = m.resolve_failure(&mut db, "0002").await.unwrap();
        assert_eq!(
            failure.error.as_deref(),
            Some("statement 1 of 1 `ALTER TABLE ...`: boom")
        );
        m.upgrade(&mut db, "head")
            .await
            .expect("runs after the failure is resolved");
        drop(db);
        test_db.drop_db().await;
    });
}

/// A revision that needs an exclusive lock on a table another session holds does not wait
/// without bound (and queue all traffic behind it): it gives up after its `lock_timeout`, is
/// tried again after a pause, and finally stops naming the session that holds the lock; once
/// that session is done, the run goes through.
#[test]
fn a_lock_held_elsewhere_is_waited_for_within_bounds_and_its_holder_named() {
    let m = migrator(vec![
        users(),
        Revision::new("0002", &["0001"], "needs the table alone", |op| {
            op.add_column("users", "nickname", Type::String(40));
        })
        .lock_timeout(std::time::Duration::from_millis(500)),
    ]);
    block_on(async {
        for test_db in all_databases("lock_wait").await {
            let d = test_db.dialect;
            if d == Dialect::Sqlite {
                test_db.drop_db().await;
                continue;
            }
            let mut db = test_db.connect().await;
            m.upgrade(&mut db, "0001").await.unwrap();
            // Another session reads the table in an open transaction.
            let mut holder = test_db.connect().await;
            holder.raw().execute("BEGIN").await.unwrap();
            holder
                .raw()
                .execute("SELECT * FROM users WHERE email = 'holder-query'")
                .await
                .unwrap();
            let options = RunOptions::default().with_lock_retries(1);
            let mut notices = Vec::new();
            let clock = std::time::Instant::now();
            let err = m
                .migrate(&mut db, Direction::Up, "head", options, |event| {
                    if let schema_runtime::migrator::StepEvent::Notice(text) = event {
                        notices.push(text.to_owned());
                    }
                })
                .await
                .unwrap_err();
            let elapsed = clock.elapsed();
            let message = err.to_string();
            assert!(
                matches!(&err, MigrateError::LockWait(wait) if wait.attempts == 2),
                "{d}: {message}"
            );
            // Two waits of ~0.5 s (MySQL counts whole seconds: 1 s) and one pause of 1 s.
            assert!(
                elapsed < std::time::Duration::from_secs(6),
                "{d}: {elapsed:?}"
            );
            assert_eq!(notices.len(), 1, "{d}: {notices:?}");
            if d == Dialect::Postgres {
                assert!(message.contains("holder-query"), "{d}: {message}");
                assert!(message.contains("pid "), "{d}: {message}");
            } else {
                assert!(message.contains("connection "), "{d}: {message}");
            }
            assert_eq!(m.current(&mut db).await.unwrap(), ["0001"], "{d}");
            holder.raw().execute("COMMIT").await.unwrap();
            m.upgrade(&mut db, "head").await.expect("the lock is free");
            assert_eq!(m.current(&mut db).await.unwrap(), ["0002"], "{d}");
            drop((db, holder));
            test_db.drop_db().await;
        }
    });
}
