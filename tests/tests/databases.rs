//! Applying migrations to real PostgreSQL, SQLite and MariaDB: a fresh database per test,
//! checked by introspection. PostgreSQL and MariaDB parts are skipped (with a notice) when
//! `SCHEMA_TEST_POSTGRES_URL` / `SCHEMA_TEST_MYSQL_URL` are unset.

use schema_runtime::prelude::*;
use schema_runtime::{Dialect, MigrateError, Migrator, Revision};
use schema_tests::{all_databases, block_on, dump_schema, table_names};

const BLOG_HEAD: &str = "20250105_130000_rename_user_name";

fn blog() -> Migrator {
    Migrator::from_migrations(&blog::MIGRATIONS).expect("the blog's graph is valid")
}

#[test]
fn blog_upgrades_downgrades_to_base_and_upgrades_again() {
    block_on(async {
        for test_db in all_databases("blog_roundtrip").await {
            let d = test_db.dialect;
            let migrator = blog();
            let mut db = test_db.connect().await;

            let applied = migrator
                .upgrade(&mut db, "head")
                .await
                .expect("upgrade to head");
            assert_eq!(applied.len(), 5, "{d}");
            assert_eq!(migrator.current(&mut db).await.unwrap(), [BLOG_HEAD], "{d}");
            let at_head = dump_schema(&mut db).await;
            insta::assert_snapshot!(format!("blog_at_head@{}", d.name()), at_head);

            let log = migrator.log(&mut db).await.unwrap();
            assert_eq!(log.len(), 5, "{d}");
            assert!(
                log.iter()
                    .all(|e| e.success && e.direction == "up" && e.checksum.len() == 64),
                "{d}: {log:?}"
            );

            assert!(
                migrator.upgrade(&mut db, "head").await.unwrap().is_empty(),
                "{d}: second upgrade is a no-op"
            );

            let reverted = migrator
                .downgrade(&mut db, "base")
                .await
                .expect("downgrade to base");
            assert_eq!(reverted.len(), 5, "{d}");
            assert_eq!(
                table_names(&mut db).await,
                [
                    "schema_log",
                    "schema_ops",
                    "schema_progress",
                    "schema_version"
                ],
                "{d}: only the version tables remain"
            );
            assert!(migrator.current(&mut db).await.unwrap().is_empty(), "{d}");

            migrator
                .upgrade(&mut db, "head")
                .await
                .expect("upgrade again");
            assert_eq!(
                dump_schema(&mut db).await,
                at_head,
                "{d}: the second upgrade builds the same schema"
            );
            assert_eq!(
                migrator.log(&mut db).await.unwrap().len(),
                15,
                "{d}: every step is logged"
            );
            drop(db);
            test_db.drop_db().await;
        }
    });
}

#[test]
fn relative_and_revision_targets() {
    block_on(async {
        for test_db in all_databases("targets").await {
            let d = test_db.dialect;
            let migrator = blog();
            let mut db = test_db.connect().await;
            migrator
                .upgrade(&mut db, "20250102")
                .await
                .expect("upgrade to a prefix");
            assert_eq!(
                migrator.current(&mut db).await.unwrap(),
                ["20250102_100000_create_posts"],
                "{d}"
            );
            migrator.upgrade(&mut db, "+2").await.expect("upgrade +2");
            assert_eq!(
                migrator.current(&mut db).await.unwrap(),
                ["20250104_120000_user_bio_and_post_slug"],
                "{d}"
            );
            migrator.upgrade(&mut db, "head").await.unwrap();
            migrator
                .downgrade(&mut db, "-1")
                .await
                .expect("downgrade -1");
            assert_eq!(
                migrator.current(&mut db).await.unwrap(),
                ["20250104_120000_user_bio_and_post_slug"],
                "{d}"
            );
            let columns = dump_schema(&mut db).await;
            assert!(
                columns.contains("column name ") && !columns.contains("display_name"),
                "{d}: rename reverted:\n{columns}"
            );
            migrator
                .downgrade(&mut db, "20250101_090000_create_users")
                .await
                .expect("downgrade to revision");
            assert_eq!(
                table_names(&mut db).await,
                [
                    "schema_log",
                    "schema_ops",
                    "schema_progress",
                    "schema_version",
                    "users"
                ],
                "{d}"
            );
            let err = migrator.downgrade(&mut db, "20250103").await.unwrap_err();
            assert!(err.to_string().contains("is not applied"), "{d}: {err}");
            drop(db);
            test_db.drop_db().await;
        }
    });
}

fn failing_chain() -> Migrator {
    Migrator::new(vec![
        Revision::new("0001", &[], "users", |op| {
            op.create_table("users", |t| {
                t.column("id", Type::BigInt).primary_key().identity();
            });
        }),
        Revision::new("0002", &["0001"], "breaks halfway", |op| {
            op.create_table("audit", |t| {
                t.column("id", Type::BigInt).primary_key();
            });
            op.add_column("users", "nickname", Type::String(40));
            op.execute("INSERT INTO no_such_table VALUES (1)");
        }),
    ])
    .expect("valid graph")
}

#[test]
fn a_migration_failing_halfway_leaves_no_trace_where_ddl_is_transactional() {
    block_on(async {
        for test_db in all_databases("failing").await {
            let d = test_db.dialect;
            let migrator = failing_chain();
            let mut db = test_db.connect().await;
            let err = migrator.upgrade(&mut db, "head").await.unwrap_err();
            let MigrateError::Statement {
                revision,
                index,
                total,
                statement,
                rolled_back,
                ..
            } = &err
            else {
                panic!("{d}: expected a statement error, got {err}");
            };
            assert_eq!((revision.as_str(), *index, *total), ("0002", 3, 3), "{d}");
            assert_eq!(statement, "INSERT INTO no_such_table VALUES (1)", "{d}");
            let message = err.to_string();
            assert!(
                message.contains("revision `0002` (up) failed at statement 3 of 3"),
                "{d}: {message}"
            );
            assert!(message.contains("no_such_table"), "{d}: {message}");

            assert_eq!(
                migrator.current(&mut db).await.unwrap(),
                ["0001"],
                "{d}: version table unchanged"
            );
            let log = migrator.log(&mut db).await.unwrap();
            let last = log.last().expect("the failure is logged");
            assert_eq!(
                (last.revision.as_str(), last.success),
                ("0002", false),
                "{d}"
            );
            let tables = table_names(&mut db).await;
            if d.transactional_ddl() {
                assert!(*rolled_back, "{d}");
                assert_eq!(
                    tables,
                    [
                        "schema_log",
                        "schema_ops",
                        "schema_progress",
                        "schema_version",
                        "users"
                    ],
                    "{d}: nothing of 0002 is left"
                );
                assert!(!dump_schema(&mut db).await.contains("nickname"), "{d}");
            } else {
                // MySQL commits DDL as it goes: the error says so, the version row stays at
                // 0001, and the progress of 0002 is recorded.
                assert!(!*rolled_back, "{d}");
                assert!(
                    message.contains("resumes at this statement"),
                    "{d}: {message}"
                );
                let part_way = migrator.part_way(&mut db).await.unwrap();
                assert_eq!(part_way.len(), 1, "{d}");
                assert_eq!(
                    (
                        part_way[0].revision.as_str(),
                        part_way[0].done,
                        part_way[0].total
                    ),
                    ("0002", 2, 3),
                    "{d}"
                );
                // Once the cause is fixed, the next run resumes at the failed statement: the
                // table and the column are not made twice.
                db.raw()
                    .execute("CREATE TABLE no_such_table (id INTEGER)")
                    .await
                    .unwrap();
                migrator
                    .upgrade(&mut db, "head")
                    .await
                    .expect("resumes at statement 3");
                assert_eq!(migrator.current(&mut db).await.unwrap(), ["0002"], "{d}");
                assert!(migrator.part_way(&mut db).await.unwrap().is_empty(), "{d}");
                let rows = db
                    .raw()
                    .fetch_strings("SELECT CAST(COUNT(*) AS CHAR) FROM no_such_table")
                    .await
                    .unwrap();
                assert_eq!(rows, ["1"], "{d}: the insert ran once");
            }
            drop(db);
            test_db.drop_db().await;
        }
    });
}

#[test]
fn version_rows_follow_branches_and_merges() {
    let migrator = Migrator::new(vec![
        Revision::new("a", &[], "base", |op| {
            op.create_table("t", |t| {
                t.column("id", Type::Integer).primary_key();
            });
        }),
        Revision::new("b1", &["a"], "branch one", |op| {
            op.add_column("t", "one", Type::Integer);
        }),
        Revision::new("b2", &["a"], "branch two", |op| {
            op.add_column("t", "two", Type::Integer);
        }),
        Revision::new("m", &["b1", "b2"], "merge", |_| {}),
    ])
    .expect("valid graph");
    block_on(async {
        for test_db in all_databases("branches").await {
            let d = test_db.dialect;
            let mut db = test_db.connect().await;
            migrator.upgrade(&mut db, "b1").await.unwrap();
            assert_eq!(migrator.current(&mut db).await.unwrap(), ["b1"], "{d}");
            migrator.upgrade(&mut db, "b2").await.unwrap();
            assert_eq!(
                migrator.current(&mut db).await.unwrap(),
                ["b1", "b2"],
                "{d}: one row per head"
            );
            migrator.upgrade(&mut db, "head").await.unwrap();
            assert_eq!(
                migrator.current(&mut db).await.unwrap(),
                ["m"],
                "{d}: the merge replaces both rows"
            );
            migrator.downgrade(&mut db, "-1").await.unwrap();
            assert_eq!(
                migrator.current(&mut db).await.unwrap(),
                ["b1", "b2"],
                "{d}"
            );
            migrator.downgrade(&mut db, "a").await.unwrap();
            assert_eq!(migrator.current(&mut db).await.unwrap(), ["a"], "{d}");
            drop(db);
            test_db.drop_db().await;
        }
    });
}

#[test]
fn the_offline_script_matches_the_online_upgrade() {
    // Offline SQL for a DBA: version tables, then each revision with its bookkeeping.
    let migrator = blog();
    for d in Dialect::ALL {
        let steps = migrator.plan_upgrade(d, &[], "head").unwrap();
        let script = schema_runtime::cli::script(migrator.version_table(), d, &steps);
        insta::assert_snapshot!(format!("blog_offline_upgrade@{}", d.name()), script);
    }
}

/// A library with rows in every table and foreign keys into and out of `books`.
fn library() -> Vec<Revision> {
    vec![
        Revision::new("0001", &[], "library", |op| {
            op.create_table("authors", |t| {
                t.column("id", Type::BigInt).primary_key().identity();
                t.column("name", Type::String(100)).not_null();
            });
            op.create_table("books", |t| {
                t.column("id", Type::BigInt).primary_key().identity();
                t.column("author_id", Type::BigInt).not_null();
                t.column("title", Type::String(200));
                t.column("price", Type::Numeric(10, 2));
                t.column("isbn", Type::String(20)).not_null().unique();
                t.index(["title"]);
            });
            op.create_table("reviews", |t| {
                t.column("id", Type::BigInt).primary_key().identity();
                t.column("book_id", Type::BigInt)
                    .not_null()
                    .references("books", "id")
                    .on_delete(FkAction::Cascade);
                t.column("stars", Type::Integer).not_null();
            });
        }),
        Revision::new("0002", &["0001"], "10,000 books", |op| {
            op.bulk_insert(
                "authors",
                ["id", "name"],
                (1..=100).map(|i| row![i, format!("author {i}")]),
            );
            op.bulk_insert(
                "books",
                ["id", "author_id", "title", "price", "isbn"],
                (1..=10_000).map(|i| {
                    row![
                        i,
                        1 + i % 100,
                        format!("book {i}"),
                        9.5,
                        format!("isbn-{i}")
                    ]
                }),
            );
            op.bulk_insert(
                "reviews",
                ["id", "book_id", "stars"],
                (1..=10_000).map(|i| row![i, i, 1 + i % 5]),
            );
        })
        .with_downgrade(|op| {
            op.execute("DELETE FROM reviews");
            op.execute("DELETE FROM books");
            op.execute("DELETE FROM authors");
        }),
        Revision::new("0003", &["0002"], "retype, tighten and link books", |op| {
            op.alter_column("books", "price").set_type(Type::Double);
            op.alter_column("books", "title").set_not_null();
            op.create_foreign_key("books", ["author_id"], "authors", ["id"])
                .on_delete(FkAction::Cascade);
        }),
    ]
}

async fn count(db: &mut schema_runtime::Database, table: &str) -> i64 {
    let rows = db
        .raw()
        .fetch_rows(
            &format!("SELECT CAST(COUNT(*) AS CHAR(20)) FROM {table}"),
            1,
        )
        .await
        .expect("count");
    rows[0][0].trim().parse().expect("a number")
}

#[test]
fn altering_a_table_with_10000_rows_and_foreign_keys_keeps_every_row_and_index() {
    let migrator = Migrator::new(library()).expect("valid graph");
    let sqlite_steps = migrator
        .plan_upgrade(Dialect::Sqlite, &["0002".to_string()], "head")
        .unwrap();
    let creates = sqlite_steps[0]
        .statements
        .iter()
        .filter(|s| s.starts_with("CREATE TABLE"))
        .count();
    assert_eq!(
        creates, 1,
        "three changes of `books` share one SQLite rebuild"
    );
    assert!(sqlite_steps[0].foreign_keys_off);
    block_on(async {
        for test_db in all_databases("rebuild_10k").await {
            let d = test_db.dialect;
            let mut db = test_db.connect().await;
            migrator.upgrade(&mut db, "0002").await.expect("seed");
            let before = dump_schema(&mut db).await;
            migrator
                .upgrade(&mut db, "head")
                .await
                .expect("alter with rows");
            for table in ["authors", "books", "reviews"] {
                let expected = if table == "authors" { 100 } else { 10_000 };
                assert_eq!(
                    count(&mut db, table).await,
                    expected,
                    "{d}: {table} keeps every row"
                );
            }
            let after = dump_schema(&mut db).await;
            assert!(
                after.contains("index uq_books_isbn unique (isbn)"),
                "{d}:\n{after}"
            );
            assert!(
                after.contains("index ix_books_title (title)"),
                "{d}:\n{after}"
            );
            if d == Dialect::Sqlite {
                let fks = db
                    .raw()
                    .fetch_rows("SELECT \"table\" FROM pragma_foreign_key_list('books')", 1)
                    .await
                    .unwrap();
                assert_eq!(fks, [["authors".to_string()]], "the foreign key was added");
                let incoming = db
                    .raw()
                    .fetch_rows(
                        "SELECT \"table\" FROM pragma_foreign_key_list('reviews')",
                        1,
                    )
                    .await
                    .unwrap();
                assert_eq!(
                    incoming,
                    [["books".to_string()]],
                    "reviews still point at books"
                );
                let on = db
                    .raw()
                    .fetch_rows(
                        "SELECT CAST(foreign_keys AS TEXT) FROM pragma_foreign_keys",
                        1,
                    )
                    .await
                    .unwrap();
                assert_eq!(
                    on,
                    [["1".to_string()]],
                    "foreign keys are enforced again after the rebuild"
                );
                let types = db.raw().fetch_rows("SELECT type || ' ' || \"notnull\" FROM pragma_table_info('books') WHERE name IN ('price', 'title') ORDER BY name", 1).await.unwrap();
                assert_eq!(
                    types,
                    [["DOUBLE 0".to_string()], ["VARCHAR(200) 1".to_string()]]
                );
                // Enforcement works on the rebuilt table: a book of a missing author is refused.
                let orphan = db
                    .raw()
                    .execute(
                        "INSERT INTO books (author_id, title, isbn) VALUES (999, 'x', 'orphan')",
                    )
                    .await;
                assert!(orphan.is_err(), "the new foreign key is enforced");
            }
            migrator
                .downgrade(&mut db, "-1")
                .await
                .expect("revert with rows");
            assert_eq!(count(&mut db, "books").await, 10_000, "{d}");
            assert_eq!(count(&mut db, "reviews").await, 10_000, "{d}");
            assert_eq!(
                dump_schema(&mut db).await,
                before,
                "{d}: the downgrade restores the schema"
            );
            drop(db);
            test_db.drop_db().await;
        }
    });
}

#[test]
fn a_rebuild_that_breaks_a_foreign_key_is_rolled_back() {
    let mut revisions = library();
    revisions.truncate(1);
    revisions.push(Revision::new("0002", &["0001"], "orphans", |op| {
        op.bulk_insert("authors", ["id", "name"], [row![1, "a"]]);
        op.bulk_insert(
            "books",
            ["id", "author_id", "title", "isbn"],
            [row![1, 1, "ok", "1"], row![2, 42, "orphan", "2"]],
        );
    }));
    revisions.push(Revision::new("0003", &["0002"], "link", |op| {
        op.create_foreign_key("books", ["author_id"], "authors", ["id"]);
    }));
    let migrator = Migrator::new(revisions).expect("valid graph");
    block_on(async {
        for test_db in all_databases("rebuild_fk_check").await {
            let d = test_db.dialect;
            let mut db = test_db.connect().await;
            migrator.upgrade(&mut db, "0002").await.unwrap();
            let err = migrator
                .upgrade(&mut db, "head")
                .await
                .expect_err("a dangling row stops the foreign key");
            assert!(err.to_string().contains("0003"), "{d}: {err}");
            assert_eq!(migrator.current(&mut db).await.unwrap(), ["0002"], "{d}");
            assert_eq!(count(&mut db, "books").await, 2, "{d}: no row lost");
            drop(db);
            test_db.drop_db().await;
        }
    });
}

/// The flavour of a MySQL-protocol server comes from its version, whatever the URL's scheme:
/// `mysql://` and `mariadb://` to the MariaDB server are both MariaDB, and so is a connection
/// the application wraps from its own pool, once the migrator has used it; the SQL planned for
/// it is then MariaDB's (an index `IF NOT EXISTS`, which MySQL 8 has not).
#[test]
fn the_mysql_flavour_is_read_from_the_server() {
    block_on(async {
        let Some(test_db) = schema_tests::TestDb::create(Dialect::Mariadb, "flavour").await else {
            return;
        };
        let as_mysql = test_db.url.replacen("mariadb://", "mysql://", 1);
        let as_mariadb = as_mysql.replacen("mysql://", "mariadb://", 1);
        for url in [&as_mysql, &as_mariadb] {
            let db = schema_runtime::Database::connect(url)
                .await
                .expect("connect");
            assert_eq!(db.dialect(), Dialect::Mariadb, "{url}");
        }

        let pool = sqlx::MySqlPool::connect(&as_mysql).await.expect("pool");
        let mut wrapped = schema_runtime::Database::from(pool.acquire().await.expect("acquire"));
        // Before anything asks the server, a wrapped connection assumes MySQL.
        assert_eq!(wrapped.dialect(), Dialect::Mysql);
        let migrator = Migrator::new(vec![
            Revision::new("0001", &[], "users", |op| {
                op.create_table("users", |t| {
                    t.column("id", Type::BigInt).primary_key().identity();
                    t.column("email", Type::String(255)).not_null();
                });
            }),
            Revision::new("0002", &["0001"], "index", |op| {
                op.create_index("users", ["email"]).if_not_exists();
            }),
        ])
        .expect("graph");
        migrator
            .upgrade(&mut wrapped, "head")
            .await
            .expect("MariaDB has CREATE INDEX IF NOT EXISTS");
        assert_eq!(wrapped.dialect(), Dialect::Mariadb);
        // The same revision refused for MySQL 8, offline, before any statement.
        let refused = migrator
            .plan_upgrade(Dialect::Mysql, &[], "head")
            .unwrap_err();
        assert!(
            refused
                .to_string()
                .contains("MySQL has no CREATE INDEX IF NOT EXISTS"),
            "{refused}"
        );
        drop(wrapped);
        pool.close().await;
        test_db.drop_db().await;
    });
}

/// Two names that once broke the SQL built around them: a column called
/// `x REFERENCES p;DROP TABLE v;--` (SQLite's ADD COLUMN split the rendered text on
/// " REFERENCES ") and a table called `a.b` whose enum column is renamed (its columns were
/// listed as "table.column" text and split at the first dot). Each now runs on every database
/// and table `v` survives.
#[test]
fn hostile_names_are_quoted_not_executed() {
    let migrator = Migrator::new(vec![
        Revision::new("0001", &[], "base", |op| {
            op.create_table("p", |t| {
                t.column("id", Type::Integer).primary_key();
            });
            op.create_table("v", |t| {
                t.column("id", Type::Integer).primary_key();
            });
            op.bulk_insert("v", ["id"], [row![1]]);
            op.create_enum("mood", ["ok", "sad"]);
            op.create_table("a.b", |t| {
                t.column("id", Type::Integer).primary_key();
                t.column("m.n", Type::enumeration("mood")).default("sad");
            });
            op.bulk_insert("a.b", ["id", "m.n"], [row![1, "sad"]]);
        }),
        Revision::new("0002", &["0001"], "hostile", |op| {
            op.add_column("p", "x REFERENCES p;DROP TABLE v;--", Type::Integer)
                .references("p", "id");
            op.rename_enum_value("mood", "sad", "blue");
        }),
    ])
    .expect("graph");
    block_on(async {
        for test_db in all_databases("hostile").await {
            let d = test_db.dialect;
            let mut db = test_db.connect().await;
            migrator.upgrade(&mut db, "head").await.expect("upgrade");
            let tables = table_names(&mut db).await;
            assert!(tables.contains(&"v".to_owned()), "{d}: {tables:?}");
            let schema = dump_schema(&mut db).await;
            assert!(
                schema.contains("x REFERENCES p;DROP TABLE v;--"),
                "{d}: {schema}"
            );
            let rows = schema_tests::dump_rows(&mut db, "a.b", &["id", "m.n"]).await;
            assert_eq!(rows, "a.b: 1 | blue\n", "{d}");
            migrator
                .downgrade(&mut db, "base")
                .await
                .expect("downgrade");
            drop(db);
            test_db.drop_db().await;
        }
    });
}
