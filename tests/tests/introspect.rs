//! Introspection of live PostgreSQL, SQLite and MariaDB databases: after migrations that use
//! every portable type and every kind of key, index, default and comment, the schema read from
//! the catalogs equals the replayed one under `comparable` (what the dialect can tell apart),
//! and reading it takes as many catalog queries for thirty tables as for one.

use std::collections::BTreeSet;

use schema_runtime::introspect::{
    comparable, introspect, introspect_with_stats, IntrospectOptions,
};
use schema_runtime::prelude::*;
use schema_runtime::{Dialect, Migrator, Revision, Schema, ServerDefault};
use schema_tests::{all_databases, block_on};

/// Every portable type, identity, each kind of default, nullability and comments.
fn types(d: Dialect, op: &mut Ops) {
    op.create_enum("mood", ["happy", "sad"]);
    op.create_table("everything", |t| {
        t.column("id", Type::BigInt).primary_key().identity();
        t.column("small", Type::SmallInt).not_null().default(7);
        t.column("int", Type::Integer).default(-1);
        t.column("big", Type::BigInt);
        t.column("flag", Type::Boolean).not_null().default(false);
        t.column("real", Type::Real).default(0.5);
        t.column("double", Type::Double).default(5);
        t.column("money", Type::Numeric(12, 2)).default(0.5);
        t.column("code", Type::String(32))
            .not_null()
            .default("it's")
            .comment("the code");
        t.column("body", Type::Text);
        t.column("blob", Type::Bytes);
        t.column("day", Type::Date).default("2024-01-31");
        t.column("at", Type::Time);
        t.column("stamp", Type::Timestamp).default_now();
        t.column("created_at", Type::TimestampTz)
            .not_null()
            .default_now();
        t.column("uid", Type::Uuid);
        t.column("doc", Type::Json);
        t.column("mood", Type::enumeration("mood"))
            .not_null()
            .default("happy");
        t.column("native", Type::custom("CHAR(2)"));
        t.column("computed", Type::Integer).default_expr("1 + 2");
        t.column("nothing", Type::String(8)).default(Value::Null);
        if d == Dialect::Postgres {
            t.column("address", Type::custom("inet"));
        }
        t.comment("one column of each type");
    });
}

/// Single and composite primary keys, unique keys on a column and over columns, foreign keys,
/// checks, and indexes: unique, over several columns, partial, on an expression, `INCLUDE`.
fn keys(d: Dialect, op: &mut Ops) {
    op.create_table("authors", |t| {
        t.column("id", Type::BigInt).primary_key().identity();
        t.column("email", Type::String(255)).not_null().unique();
        t.column("name", Type::String(100)).not_null();
        t.column("nick", Type::String(30));
        t.unique(["name", "email"]);
        t.check("email_not_empty", "email <> ''");
    });
    op.create_table("books", |t| {
        t.column("author_id", Type::BigInt)
            .not_null()
            .references("authors", "id")
            .on_delete(FkAction::Cascade)
            .on_update(FkAction::Cascade);
        t.column("seq", Type::Integer).not_null();
        t.column("title", Type::String(200)).not_null().index();
        t.column("score", Type::Integer);
        t.column("karma", Type::Integer).not_null().default(0);
        t.column("editor_id", Type::BigInt);
        // A stored generated column: the servers keep the expression their own way
        // (PostgreSQL adds casts and parentheses, MariaDB backticks); no drift.
        t.column("rank", Type::BigInt)
            .generated_stored(r#""karma" * 2 + "seq""#);
        t.primary_key(["author_id", "seq"]);
        t.check("score_positive", "score >= 0");
        let fk = t
            .foreign_key(["editor_id"], "authors", ["id"])
            .on_delete(FkAction::SetNull);
        if !d.is_mysql_family() {
            fk.deferrable(Deferrable::InitiallyDeferred);
        }
    });
    op.create_table("tags", |t| {
        t.column("name", Type::String(50)).not_null();
        t.column("weight", Type::Double);
    });
    op.create_index("books", ["author_id", "title"]).unique();
    op.create_index("books", ["score"]).include(["karma"]);
    // An index on PostgreSQL only, another on MySQL/MariaDB only: each dialect has its own.
    op.create_index("tags", ["name"])
        .name("ix_tags_name_pg")
        .only_on(&[Dialect::Postgres]);
    op.create_index("tags", ["name", "weight"])
        .name("ix_tags_name_my")
        .only_on(&[Dialect::Mysql]);
    // A default spelt per dialect: drift compares each dialect's own.
    op.add_column("tags", "token", Type::String(36))
        .default_expr_per_dialect(
            "lower(hex(randomblob(16)))",
            &[
                (Dialect::Postgres, "upper(md5('seed'))"),
                (Dialect::Mysql, "uuid()"),
            ],
        );
    // A check per dialect: drift expects each where it exists only.
    op.create_check_on(&[Dialect::Postgres], "tags", "name_pg", "name ~ '^[a-z]'");
    op.create_check_on(&[Dialect::Mysql], "tags", "name_my", "name REGEXP '^[a-z]'");
    // An identity SQLite declares AUTOINCREMENT (`everything.id` is the rowid alias): no
    // drift anywhere.
    op.create_table("notes", |t| {
        t.column("id", Type::BigInt)
            .primary_key()
            .identity_autoincrement();
        t.column("body", Type::Text);
    });
    // Constraints without a name: SQLite keeps them unnamed, the others under the names
    // PostgreSQL gives them. No drift anywhere.
    op.create_table("votes", |t| {
        t.column("book_seq", Type::Integer).not_null();
        t.column("author_id", Type::BigInt).not_null();
        t.column("value", Type::SmallInt).not_null();
        t.column("token", Type::String(40)).not_null();
        t.primary_key(["author_id", "book_seq"])
            .primary_key_unnamed();
        t.unique_unnamed(["token"]);
        t.foreign_key(["author_id"], "authors", ["id"])
            .on_delete(FkAction::Cascade)
            .unnamed();
        t.check_unnamed("value <> 0");
        t.check_unnamed("book_seq > 0 AND author_id > 0");
    });
    // A check on columns named after a keyword and with capitals, quoted portably.
    op.add_column("tags", "Order", Type::Integer);
    op.create_check(
        "tags",
        "order_select",
        &format!("{} >= 0 OR {} IS NULL", ident("Order"), ident("Order")),
    );
    // Partial where the dialect has partial indexes, plain on MySQL/MariaDB: no drift either way.
    op.create_index("tags", ["weight"])
        .filter("weight > 0")
        .or_plain_elsewhere();
    if !d.is_mysql_family() {
        op.create_index("books", ["karma"]).filter("karma > 0");
        op.create_index("authors", ["email"])
            .name("ix_authors_lower_name")
            .expression("lower(name)");
    }
    // A unique key over TEXT (MariaDB keeps it as a HASH index over a hidden column).
    if d != Dialect::Mysql {
        op.create_index("everything", ["body"]).unique();
    }
    // Index keys with options, each where the dialect has it.
    op.create_index(
        "books",
        [IndexKey::column("score").desc(), IndexKey::column("seq")],
    )
    .name("ix_books_score_desc");
    if d != Dialect::Mariadb {
        // An expression between two columns, kept in its place.
        op.create_index(
            "books",
            [
                IndexKey::column("seq"),
                IndexKey::expression("lower(title)"),
                IndexKey::column("karma").desc(),
            ],
        )
        .name("ix_books_mixed");
    }
    match d {
        Dialect::Postgres => {
            op.create_index(
                "authors",
                [
                    IndexKey::column("name").opclass("varchar_pattern_ops"),
                    IndexKey::column("nick").collate("C").nulls_first(),
                    IndexKey::column("id").desc().nulls_last(),
                ],
            )
            .name("ix_authors_options");
            op.create_index("books", ["karma"])
                .using("brin")
                .name("ix_books_karma_brin");
        }
        Dialect::Sqlite => {
            op.create_index(
                "authors",
                [
                    IndexKey::column("name").collate("NOCASE"),
                    IndexKey::column("id").desc(),
                ],
            )
            .name("ix_authors_options");
        }
        _ => {
            op.create_index("authors", [IndexKey::column("name").prefix(10)])
                .name("ix_authors_name_prefix");
            op.create_index("books", ["title"])
                .using("fulltext")
                .name("ix_books_title_text");
        }
    }
}

/// Changes after creation, which SQLite applies by rebuilding tables.
fn changes(d: Dialect, op: &mut Ops) {
    // Added to a table with a generated column, which SQLite's rebuilds below keep computed.
    op.add_column("books", "score_abs", Type::Integer)
        .generated_stored(r#"abs("score")"#);
    // A virtual one where the dialect has them (PostgreSQL 12-17 has not).
    if d != Dialect::Postgres {
        op.add_column("tags", "name_upper", Type::String(50))
            .generated_virtual(r#"upper("name")"#);
    }
    // Spelt per dialect: `||` is a logical OR on MySQL/MariaDB.
    op.add_column("tags", "label", Type::String(60))
        .generated_stored_per_dialect(
            r#""name" || '!'"#,
            &[(Dialect::Mysql, r#"concat("name", '!')"#)],
        );
    op.add_column("books", "isbn", Type::String(20)).unique();
    op.add_column("books", "reviewer_id", Type::BigInt)
        .references("authors", "id")
        .on_delete(FkAction::SetNull);
    op.alter_column("books", "title").set_default("untitled");
    op.alter_column("authors", "nick").rename_to("handle");
    op.alter_column("authors", "email")
        .set_comment(Some("login"));
    op.alter_column("everything", "int").set_not_null();
    op.create_check("books", "seq_positive", "seq > 0");
    op.create_unique("authors", ["handle"])
        .name("authors_handle_key");
    op.create_primary_key("tags", ["name"]);
    op.create_foreign_key("books", ["author_id", "seq"], "books", ["author_id", "seq"])
        .name("books_self");
    op.drop_constraint("books", "books_self");
    op.set_table_comment("books", Some("books by authors"));
    op.add_enum_value("mood", "meh");
    // Collations named per dialect, set at creation and changed later.
    op.add_column("authors", "sort_name", Type::String(100))
        .collate_per_dialect(&[
            (Dialect::Postgres, "C"),
            (Dialect::Sqlite, "NOCASE"),
            (Dialect::Mysql, "utf8mb4_bin"),
        ]);
    op.alter_column("books", "title")
        .set_collation_per_dialect(&[
            (Dialect::Postgres, "POSIX"),
            (Dialect::Sqlite, "RTRIM"),
            (Dialect::Mysql, "utf8mb4_unicode_ci"),
        ]);
}

fn migrator(d: Dialect) -> Migrator {
    Migrator::new(vec![
        Revision::new("0001", &[], "types", |op| types(d, op)),
        Revision::new("0002", &["0001"], "keys", |op| keys(d, op)),
        Revision::new("0003", &["0002"], "changes", |op| changes(d, op)),
    ])
    .expect("valid graph")
}

/// Panics with the tables (and enum types) that differ, both sides shown in full.
fn assert_same(replayed: &Schema, live: &Schema, d: Dialect) {
    let mut report = String::new();
    let names: BTreeSet<&str> = replayed
        .tables()
        .chain(live.tables())
        .map(|t| t.def.name.as_str())
        .collect();
    for name in names {
        let (a, b) = (replayed.table(name), live.table(name));
        if a != b {
            report.push_str(&format!(
                "table `{name}` differs\n  replayed: {a:#?}\n  live:     {b:#?}\n"
            ));
        }
    }
    let (a, b): (Vec<_>, Vec<_>) = (replayed.enums().collect(), live.enums().collect());
    if a != b {
        report.push_str(&format!(
            "enum types differ\n  replayed: {a:?}\n  live:     {b:?}\n"
        ));
    }
    assert!(report.is_empty(), "{d}: introspection differs\n{report}");
}

#[test]
fn introspected_schema_equals_the_replayed_one() {
    block_on(async {
        for test_db in all_databases("introspect_equal").await {
            let d = test_db.dialect;
            let migrator = migrator(d);
            let mut db = test_db.connect().await;
            migrator
                .upgrade(&mut db, "head")
                .await
                .unwrap_or_else(|e| panic!("{d}: upgrade: {e}"));
            let heads = migrator.current(&mut db).await.expect("current heads");
            let replayed = migrator.schema_at(&heads).expect("replay");
            let live = introspect(&mut db, &IntrospectOptions::default())
                .await
                .unwrap_or_else(|e| panic!("{d}: {e}"));

            assert_same(&comparable(&replayed, d), &comparable(&live, d), d);
            // Normalising is idempotent, so a normalised schema can be compared again.
            assert_eq!(
                comparable(&comparable(&live, d), d),
                comparable(&live, d),
                "{d}"
            );
            check_raw_facts(d, &live);

            let tables: Vec<&str> = live.tables().map(|t| t.def.name.as_str()).collect();
            assert_eq!(
                tables,
                ["authors", "books", "everything", "notes", "tags", "votes"],
                "{d}"
            );
            let everything = IntrospectOptions::default().with_excluded_tables(Vec::new());
            let all = introspect(&mut db, &everything).await.expect("introspect");
            assert!(all.table("schema_version").is_some(), "{d}");
            assert!(all.table("schema_log").is_some(), "{d}");
            if d == Dialect::Postgres {
                let public = IntrospectOptions::default().with_schema(Some("public".into()));
                assert_eq!(introspect(&mut db, &public).await.unwrap(), live);
            }

            // Drift made behind the migrations' back shows.
            let drop_index = match d {
                Dialect::Mysql | Dialect::Mariadb => "DROP INDEX `ix_books_title` ON `books`",
                _ => "DROP INDEX \"ix_books_title\"",
            };
            db.raw().execute(drop_index).await.expect("drop index");
            db.raw()
                .execute("ALTER TABLE tags ADD COLUMN drift INTEGER")
                .await
                .expect("add column");
            let drifted = comparable(
                &introspect(&mut db, &IntrospectOptions::default())
                    .await
                    .expect("introspect"),
                d,
            );
            let books = drifted.table("books").unwrap();
            assert!(
                books.indexes.iter().all(|i| i.name != "ix_books_title"),
                "{d}"
            );
            assert!(drifted.column("tags", "drift").is_ok(), "{d}");
            assert_ne!(drifted, comparable(&replayed, d), "{d}");
            drop(db);
            test_db.drop_db().await;
        }
    });
}

/// Facts of the introspected schema itself, before `comparable`: what each dialect reports.
fn check_raw_facts(d: Dialect, live: &Schema) {
    let column = |t: &str, c: &str| {
        live.column(t, c)
            .unwrap_or_else(|e| panic!("{d}: {e}"))
            .clone()
    };
    let id = column("everything", "id");
    // SQLite: `.identity()` is the rowid alias, `.identity_autoincrement()` AUTOINCREMENT;
    // both read back as what declared them.
    assert!(
        id.identity && !id.identity_options.autoincrement && !id.nullable && id.default.is_none(),
        "{d}: {id:?}"
    );
    let notes_id = column("notes", "id");
    assert!(notes_id.identity, "{d}: {notes_id:?}");
    assert_eq!(
        notes_id.identity_options.autoincrement,
        d == Dialect::Sqlite,
        "{d}: {notes_id:?}"
    );
    let expected_id = if d == Dialect::Sqlite {
        Type::Integer
    } else {
        Type::BigInt
    };
    assert_eq!(id.ty, expected_id, "{d}");
    let created_at = column("everything", "created_at");
    let tz = if d.is_mysql_family() {
        Type::Timestamp
    } else {
        Type::TimestampTz
    };
    assert_eq!(created_at.ty, tz, "{d}");
    assert_eq!(created_at.default, Some(ServerDefault::Now), "{d}");
    assert_eq!(column("everything", "doc").ty, Type::Json, "{d}");
    assert_eq!(column("everything", "uid").ty, Type::Uuid, "{d}");
    assert_eq!(column("everything", "flag").ty, Type::Boolean, "{d}");
    assert_eq!(
        column("everything", "flag").default,
        Some(ServerDefault::Value(Value::Bool(false))),
        "{d}"
    );
    let code = column("everything", "code");
    assert_eq!(
        code.default,
        Some(ServerDefault::Value(Value::Str("it's".into()))),
        "{d}"
    );
    let comment = (d != Dialect::Sqlite).then(|| "the code".to_owned());
    assert_eq!(code.comment, comment, "{d}");
    assert_eq!(
        column("everything", "computed").default,
        Some(ServerDefault::Expr("1 + 2".into())),
        "{d}"
    );
    let mood = column("everything", "mood").ty;
    match d {
        Dialect::Postgres => {
            assert_eq!(mood, Type::enumeration("mood"));
            assert_eq!(live.enum_values("mood").unwrap(), ["happy", "sad", "meh"]);
        }
        Dialect::Mysql | Dialect::Mariadb => {
            assert_eq!(mood, Type::custom("enum('happy','sad','meh')"))
        }
        Dialect::Sqlite => assert_eq!(mood, Type::Text),
        other => panic!("no expectation for {other}"),
    }

    let authors = &live.table("authors").unwrap().def;
    let uniques: Vec<&str> = authors.uniques.iter().map(|k| k.name.as_str()).collect();
    // Unique keys named by the convention are constraints everywhere; on MySQL and SQLite a
    // unique key under another name is indistinguishable from a unique index.
    let mut expected = vec!["uq_authors_email", "uq_authors_name_email"];
    if d == Dialect::Postgres {
        expected.push("authors_handle_key");
    }
    let mut got = uniques.clone();
    got.sort();
    expected.sort();
    assert_eq!(got, expected, "{d}");
    let books = &live.table("books").unwrap().def;
    let pk = books.primary_key.as_ref().expect("books has a primary key");
    assert_eq!(pk.columns, ["author_id", "seq"], "{d}");
    let editor = books
        .foreign_keys
        .iter()
        .find(|fk| fk.columns == ["editor_id"])
        .expect("editor foreign key");
    assert_eq!(editor.name, "fk_books_editor_id_authors", "{d}");
    let deferrable = (!d.is_mysql_family()).then_some(Deferrable::InitiallyDeferred);
    assert_eq!(editor.deferrable, deferrable, "{d}");
    assert_eq!(editor.on_delete, Some(FkAction::SetNull), "{d}");
}

/// Revisions creating `count` tables that reference one another, each with keys and indexes.
fn many_tables(d: Dialect, op: &mut Ops, from: usize, count: usize) {
    for i in from..from + count {
        let name = format!("t{i:02}");
        op.create_table(&name, |t| {
            t.column("id", Type::BigInt).primary_key().identity();
            t.column("code", Type::String(20)).not_null().unique();
            t.column("n", Type::Integer).default(0).index();
            if i > 0 {
                t.column("parent_id", Type::BigInt)
                    .references("t00", "id")
                    .on_delete(FkAction::Cascade);
            }
            t.check("n_positive", "n >= 0");
            t.comment("numbered");
        });
        if !d.is_mysql_family() {
            op.create_index(&name, ["n"])
                .name(&format!("ix_{name}_partial"))
                .filter("n > 0");
        }
    }
}

#[test]
fn catalog_queries_do_not_grow_with_tables() {
    block_on(async {
        for test_db in all_databases("introspect_queries").await {
            let d = test_db.dialect;
            let migrator = Migrator::new(vec![
                Revision::new("0001", &[], "one", |op| many_tables(d, op, 0, 1)),
                Revision::new("0002", &["0001"], "many", |op| many_tables(d, op, 1, 29)),
            ])
            .expect("valid graph");
            let mut db = test_db.connect().await;
            let options = IntrospectOptions::default();

            migrator.upgrade(&mut db, "0001").await.expect("upgrade");
            let (one, one_stats) = introspect_with_stats(&mut db, &options)
                .await
                .expect("introspect");
            migrator.upgrade(&mut db, "head").await.expect("upgrade");
            let (thirty, thirty_stats) = introspect_with_stats(&mut db, &options)
                .await
                .expect("introspect");

            assert_eq!(one.tables().count(), 1, "{d}");
            assert_eq!(thirty.tables().count(), 30, "{d}");
            assert_eq!(one_stats.queries, thirty_stats.queries, "{d}");
            let expected = match d {
                Dialect::Postgres => 8,
                Dialect::Sqlite => 5,
                // (and one more per MariaDB sequence: each is a table of its options)
                Dialect::Mysql | Dialect::Mariadb => 9,
                other => panic!("no expectation for {other}"),
            };
            assert_eq!(thirty_stats.queries, expected, "{d}");
            let heads = migrator.current(&mut db).await.expect("heads");
            let replayed = migrator.schema_at(&heads).expect("replay");
            assert_same(&comparable(&replayed, d), &comparable(&thirty, d), d);
            drop(db);
            test_db.drop_db().await;
        }
    });
}

/// `check --database` names each drifted object and both sides.
#[test]
fn drift_names_the_object_and_both_sides() {
    let migrator = Migrator::new(vec![Revision::new("0001", &[], "posts", |op| {
        op.create_table("posts", |t| {
            t.column("id", Type::BigInt).primary_key();
            t.column("title", Type::String(200)).not_null();
            t.column("author_id", Type::BigInt);
        });
        op.create_index("posts", ["author_id"]);
    })])
    .expect("one revision");
    block_on(async {
        for test_db in all_databases("drift_detail").await {
            let d = test_db.dialect;
            let mut db = test_db.connect().await;
            migrator.upgrade(&mut db, "head").await.expect("upgrade");
            let drop_index = if d.is_mysql_family() {
                "DROP INDEX ix_posts_author_id ON posts"
            } else {
                "DROP INDEX ix_posts_author_id"
            };
            let mut statements = vec![
                drop_index,
                "CREATE INDEX ix_extra ON posts (title)",
                "ALTER TABLE posts ADD COLUMN extra INTEGER",
            ];
            match d {
                Dialect::Postgres => {
                    statements.push("ALTER TABLE posts ALTER COLUMN title TYPE text")
                }
                Dialect::Sqlite => {}
                _ => statements.push("ALTER TABLE posts MODIFY title TEXT NOT NULL"),
            }
            for sql in statements {
                db.raw().execute(sql).await.expect(sql);
            }
            let details: Vec<String> = migrator
                .drift_details(&mut db, &[])
                .await
                .expect("drift")
                .into_iter()
                .map(|drift| drift.detail)
                .collect();
            let all = details.join("\n");
            let mut expected = vec![
                "index ix_posts_author_id on posts: (author_id) in the migrations, missing in the database".to_owned(),
                // MariaDB turned the key into a prefix when title became TEXT: `(title(768))`.
                "index ix_extra on posts: (title".to_owned(),
                "posts.extra: ".to_owned(),
            ];
            if d != Dialect::Sqlite {
                expected.push(format!(
                    "posts.title: {} NOT NULL in the migrations, {} NOT NULL in the database",
                    d.render_type(&Type::String(200)),
                    d.render_type(&Type::Text)
                ));
            }
            assert!(
                all.contains("in the database, not in the migrations"),
                "{d}: {all}"
            );
            for line in expected {
                assert!(all.contains(&line), "{d}: no `{line}` in:\n{all}");
            }
            assert!(
                details.iter().all(|l| !l.ends_with(": differs")),
                "{d}: {all}"
            );
            drop(db);
            test_db.drop_db().await;
        }
    });
}

/// Raw SQL that creates an object: undeclared, drift says which revision's SQL names it;
/// declared with `.declares(..)`, the replay knows the object and there is no drift.
#[test]
fn raw_sql_objects_are_declared_or_traced_to_their_revision() {
    let base = Revision::new("0001", &[], "posts", |op| {
        op.create_table("posts", |t| {
            t.column("id", Type::BigInt).primary_key();
            t.column("title", Type::String(200)).not_null();
        });
    });
    let undeclared = Migrator::new(vec![
        base.clone(),
        Revision::new("0002_raw", &["0001"], "raw index", |op| {
            op.execute("CREATE INDEX ix_posts_title ON posts (title)");
        }),
    ])
    .expect("two revisions");
    let declared = Migrator::new(vec![
        base,
        Revision::new("0002_raw", &["0001"], "raw index", |op| {
            op.execute("CREATE INDEX ix_posts_title ON posts (title)")
                .declares(|op| {
                    op.create_index("posts", ["title"]).name("ix_posts_title");
                });
        }),
    ])
    .expect("two revisions");
    block_on(async {
        for test_db in all_databases("raw_declared").await {
            let d = test_db.dialect;
            let mut db = test_db.connect().await;
            undeclared.upgrade(&mut db, "head").await.expect("upgrade");
            let details: Vec<String> = undeclared
                .drift_details(&mut db, &[])
                .await
                .expect("drift")
                .into_iter()
                .map(|drift| drift.detail)
                .collect();
            assert_eq!(details.len(), 1, "{d}: {details:#?}");
            assert!(
                details[0].starts_with("index ix_posts_title on posts: (title) in the database, not in the migrations (revision 0002_raw runs raw SQL that names it"),
                "{d}: {}",
                details[0]
            );
            let drift = declared.drift(&mut db, &[]).await.expect("drift");
            assert!(drift.is_empty(), "{d}: {drift:#?}");
            drop(db);
            test_db.drop_db().await;
        }
    });
}

/// `.identity()` on SQLite is the rowid alias, which gives the id of a deleted last row again;
/// `.identity_autoincrement()` is `AUTOINCREMENT`, which never does. Elsewhere both are the
/// usual identity, whose sequence never reuses an id. No drift either way.
#[test]
fn a_deleted_last_id_is_reused_by_the_rowid_alias_only() {
    let migrator = Migrator::new(vec![Revision::new("0001", &[], "ids", |op| {
        op.create_table("plain", |t| {
            t.column("id", Type::BigInt).primary_key().identity();
            t.column("n", Type::Integer).not_null();
        });
        op.create_table("counted", |t| {
            t.column("id", Type::BigInt)
                .primary_key()
                .identity_autoincrement();
            t.column("n", Type::Integer).not_null();
        });
    })])
    .expect("one revision");
    block_on(async {
        for test_db in all_databases("identity_reuse").await {
            let d = test_db.dialect;
            let mut db = test_db.connect().await;
            migrator.upgrade(&mut db, "head").await.expect("upgrade");
            for table in ["plain", "counted"] {
                for n in 1..=3 {
                    db.raw()
                        .execute(&format!("INSERT INTO {table} (n) VALUES ({n})"))
                        .await
                        .expect("insert");
                }
                db.raw()
                    .execute(&format!("DELETE FROM {table} WHERE id = 3"))
                    .await
                    .expect("delete");
                db.raw()
                    .execute(&format!("INSERT INTO {table} (n) VALUES (4)"))
                    .await
                    .expect("insert");
                let reused = d == Dialect::Sqlite && table == "plain";
                let id = if reused { 3 } else { 4 };
                assert_eq!(
                    schema_tests::dump_rows(&mut db, table, &["id", "n"]).await,
                    format!("{table}: 1 | 1\n{table}: 2 | 2\n{table}: {id} | 4\n"),
                    "{d}"
                );
            }
            let drift = migrator.drift(&mut db, &[]).await.expect("drift");
            assert!(drift.is_empty(), "{d}: {drift:#?}");
            drop(db);
            test_db.drop_db().await;
        }
    });
}

/// A SQLite table that an earlier version built for `.identity()` (`AUTOINCREMENT`) is what
/// `.identity()` declares: no drift, and autogenerate proposes no change.
#[test]
fn an_autoincrement_key_from_earlier_versions_does_not_drift() {
    let migrator = Migrator::new(vec![Revision::new("0001", &[], "notes", |op| {
        op.create_table("notes", |t| {
            t.column("id", Type::BigInt).primary_key().identity();
            t.column("body", Type::Text);
        });
    })])
    .expect("one revision");
    block_on(async {
        for test_db in all_databases("identity_legacy").await {
            let d = test_db.dialect;
            if d != Dialect::Sqlite {
                test_db.drop_db().await;
                continue;
            }
            let mut db = test_db.connect().await;
            migrator.upgrade(&mut db, "head").await.expect("upgrade");
            // The table as the earlier renderer wrote it.
            for sql in [
                "DROP TABLE notes",
                "CREATE TABLE \"notes\" (\n    \"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n    \"body\" TEXT\n)",
            ] {
                db.raw().execute(sql).await.expect(sql);
            }
            let live = introspect(&mut db, &IntrospectOptions::default())
                .await
                .expect("introspect");
            let id = live.column("notes", "id").expect("notes.id");
            assert!(id.identity && id.identity_options.autoincrement, "{id:?}");
            let drift = migrator.drift(&mut db, &[]).await.expect("drift");
            assert!(drift.is_empty(), "{drift:#?}");
            let replayed = migrator.schema_at(&["0001".to_owned()]).expect("replay");
            let changes = schema_runtime::autogen::diff(
                &comparable(&live, d),
                &comparable(&replayed, d),
                &schema_runtime::autogen::DiffOptions::default().with_dialect(Some(d)),
            );
            assert!(changes.is_empty(), "{changes:#?}");
            drop(db);
            test_db.drop_db().await;
        }
    });
}

/// A table created by raw SQL with constraints that have no name is what the same table
/// declared with unnamed constraints is: on SQLite both are unnamed, and PostgreSQL names
/// them as `TableDef::with_server_names` predicts. (MariaDB names them its own way,
/// `CONSTRAINT_1` and `votes_ibfk_1`, where the renderer declares PostgreSQL's names; adopt
/// reads MariaDB's names, so no unnamed constraint comes from a MariaDB database.)
#[test]
fn unnamed_constraints_have_the_names_the_server_gives() {
    let raw = r#"CREATE TABLE votes (
        post_id BIGINT NOT NULL,
        user_id BIGINT NOT NULL,
        value SMALLINT NOT NULL,
        token VARCHAR(40) NOT NULL,
        PRIMARY KEY (post_id, user_id),
        UNIQUE (token),
        FOREIGN KEY (user_id) REFERENCES users (id),
        CHECK (value <> 0),
        CHECK (post_id <> user_id)
    )"#;
    let migrator = Migrator::new(vec![Revision::new("0001", &[], "votes", |op| {
        op.create_table("users", |t| {
            t.column("id", Type::BigInt).primary_key();
        });
        op.execute(raw).declares(|op| {
            op.create_table("votes", |t| {
                t.column("post_id", Type::BigInt).not_null();
                t.column("user_id", Type::BigInt).not_null();
                t.column("value", Type::SmallInt).not_null();
                t.column("token", Type::String(40)).not_null();
                t.primary_key(["post_id", "user_id"]).primary_key_unnamed();
                t.unique_unnamed(["token"]);
                t.foreign_key(["user_id"], "users", ["id"]).unnamed();
                t.check_unnamed("value <> 0");
                t.check_unnamed("post_id <> user_id");
            });
        });
    })])
    .expect("one revision");
    block_on(async {
        for test_db in all_databases("unnamed_server").await {
            let d = test_db.dialect;
            if d.is_mysql_family() {
                test_db.drop_db().await;
                continue;
            }
            let mut db = test_db.connect().await;
            migrator.upgrade(&mut db, "head").await.expect("upgrade");
            let live = introspect(&mut db, &IntrospectOptions::default())
                .await
                .expect("introspect");
            let votes = &live.table("votes").expect("votes").def;
            let mut names: Vec<&str> = votes.constraint_names().collect();
            names.sort();
            let expected: &[&str] = if d == Dialect::Sqlite {
                &["", "", "", "", ""]
            } else {
                &[
                    "votes_check",
                    "votes_pkey",
                    "votes_token_key",
                    "votes_user_id_fkey",
                    "votes_value_check",
                ]
            };
            assert_eq!(names, expected, "{d}");
            let drift = migrator.drift(&mut db, &[]).await.expect("drift");
            assert!(drift.is_empty(), "{d}: {drift:#?}");
            if d == Dialect::Sqlite {
                // Another unnamed check behind the migrations' back: drift names both sides.
                let changed = raw.replace("CHECK (value <> 0)", "CHECK (value > 5)");
                for sql in ["DROP TABLE votes", changed.as_str()] {
                    db.raw().execute(sql).await.expect(sql);
                }
                let details: Vec<String> = migrator
                    .drift_details(&mut db, &[])
                    .await
                    .expect("drift")
                    .into_iter()
                    .map(|drift| drift.detail)
                    .collect();
                assert_eq!(
                    details,
                    [
                        "check (unnamed) on votes: (value > 5) in the database, not in the migrations",
                        "check (unnamed) on votes: (value <> 0) in the migrations, missing in the database",
                    ],
                    "{d}"
                );
            }
            drop(db);
            test_db.drop_db().await;
        }
    });
}

/// `.identity_start(n)`: the first generated value is n (PostgreSQL `START WITH`, MySQL and
/// MariaDB the `AUTO_INCREMENT = n` table option); SQLite refuses it with a hint.
#[test]
fn an_identity_starts_where_asked() {
    let migrator = Migrator::new(vec![Revision::new("0001", &[], "events", |op| {
        op.create_table("events", |t| {
            t.column("id", Type::BigInt)
                .primary_key()
                .identity_start(1000);
            t.column("kind", Type::String(20)).not_null();
        });
        op.bulk_insert("events", ["kind"], [row!["first"], row!["second"]]);
    })])
    .expect("one revision");
    assert_eq!(migrator.check(&[Dialect::Sqlite]).len(), 1);
    block_on(async {
        for test_db in all_databases("identity_start").await {
            let d = test_db.dialect;
            if d == Dialect::Sqlite {
                test_db.drop_db().await;
                continue;
            }
            let mut db = test_db.connect().await;
            migrator.upgrade(&mut db, "head").await.expect("upgrade");
            assert_eq!(
                schema_tests::dump_rows(&mut db, "events", &["id", "kind"]).await,
                "events: 1000 | first\nevents: 1001 | second\n",
                "{d}"
            );
            drop(db);
            test_db.drop_db().await;
        }
    });
}

/// The portable types of issue 16, with defaults of typed values, and rows of typed values.
fn portable_types(d: Dialect, op: &mut Ops) {
    op.create_table("portable", |t| {
        t.column("id", Type::Integer).primary_key();
        if !d.is_mysql_family() {
            t.column("title", Type::Varchar)
                .not_null()
                .default("untitled");
        }
        t.column("ratio", Type::Float(24)).default(0.5);
        t.column("precise", Type::Float(53));
        t.column("low", Type::Float(1));
        t.column("high", Type::Float(25));
        t.column("at", Type::TimePrecision(3));
        t.column("whole", Type::TimePrecision(0));
        t.column("stamp", Type::TimestampPrecision(3))
            .not_null()
            .default_now();
        t.column("seconds", Type::TimestampPrecision(0));
        t.column("micros", Type::TimestampPrecision(6));
        t.column("seen_at", Type::TimestampTzPrecision(3))
            .default_now();
        t.column("logged", Type::DateTime).default_now();
        t.column("day", Type::Date)
            .default(Value::date("2024-01-31"));
        t.column("money", Type::Numeric(12, 2))
            .default(Value::decimal("12.50"));
        t.column("uid", Type::Uuid)
            .default(Value::uuid("67e55044-10b1-426f-9247-bb680e5fe0c8"));
    });
}

fn portable_rows(_d: Dialect, op: &mut Ops) {
    op.bulk_insert(
        "portable",
        [
            "id", "ratio", "at", "seconds", "seen_at", "day", "money", "uid",
        ],
        [
            row![
                1,
                0.25,
                Value::time("08:00:00.125"),
                Value::timestamp("2024-01-31 08:00:00"),
                Value::timestamp_tz("2024-01-31 08:00:00.5-01:00"),
                Value::date("2024-02-29"),
                Value::decimal("-3.50"),
                Value::uuid("00000000-0000-0000-0000-000000000001")
            ],
            row![
                2,
                None::<f64>,
                None::<i32>,
                None::<i32>,
                None::<i32>,
                None::<i32>,
                None::<i32>,
                None::<i32>
            ],
        ],
    );
}

/// After a revision using every portable type of issue 16 and one inserting typed values, the
/// live schema reads back as the replayed one (no drift, no autogenerate change), the precision
/// types read back as each dialect stores them, and downgrading takes the rows and the table
/// away again.
#[test]
fn portable_types_read_back_without_drift() {
    block_on(async {
        for test_db in all_databases("introspect_portable").await {
            let d = test_db.dialect;
            let migrator = Migrator::new(vec![
                Revision::new("0001", &[], "portable", move |op| portable_types(d, op)),
                Revision::new("0002", &["0001"], "rows", move |op| portable_rows(d, op)),
            ])
            .expect("valid graph");
            assert!(
                migrator.check(&[d]).is_empty(),
                "{d}: {:?}",
                migrator.check(&[d])
            );
            let mut db = test_db.connect().await;
            migrator
                .upgrade(&mut db, "head")
                .await
                .unwrap_or_else(|e| panic!("{d}: upgrade: {e}"));
            let replayed = migrator.schema_at(&["0002".to_owned()]).expect("replay");
            let live = introspect(&mut db, &IntrospectOptions::default())
                .await
                .unwrap_or_else(|e| panic!("{d}: {e}"));
            assert_same(&comparable(&replayed, d), &comparable(&live, d), d);
            let drift = migrator.drift(&mut db, &[]).await.expect("drift");
            assert!(drift.is_empty(), "{d}: {drift:#?}");

            // What each dialect stores for the precision types.
            let ty = |c: &str| {
                live.column("portable", c)
                    .unwrap_or_else(|e| panic!("{d}: {e}"))
                    .ty
                    .clone()
            };
            let expected: &[(&str, Type)] = match d {
                Dialect::Postgres => &[
                    ("title", Type::Varchar),
                    ("ratio", Type::Real),
                    ("precise", Type::Double),
                    ("low", Type::Real),
                    ("high", Type::Double),
                    ("at", Type::TimePrecision(3)),
                    ("whole", Type::TimePrecision(0)),
                    ("stamp", Type::TimestampPrecision(3)),
                    ("seconds", Type::TimestampPrecision(0)),
                    ("micros", Type::TimestampPrecision(6)),
                    ("seen_at", Type::TimestampTzPrecision(3)),
                    ("logged", Type::Timestamp),
                ],
                Dialect::Sqlite => &[
                    ("title", Type::Varchar),
                    ("ratio", Type::Float(53)),
                    ("at", Type::Time),
                    ("stamp", Type::Timestamp),
                    ("seen_at", Type::TimestampTz),
                    ("logged", Type::DateTime),
                ],
                _ => &[
                    ("ratio", Type::Real),
                    ("precise", Type::Double),
                    ("low", Type::Real),
                    ("high", Type::Double),
                    ("at", Type::TimePrecision(3)),
                    ("whole", Type::TimePrecision(0)),
                    ("stamp", Type::TimestampPrecision(3)),
                    ("seconds", Type::TimestampPrecision(0)),
                    ("micros", Type::Timestamp),
                    ("seen_at", Type::TimestampPrecision(3)),
                    ("logged", Type::Timestamp),
                ],
            };
            for (column, want) in expected {
                assert_eq!(&ty(column), want, "{d}: portable.{column}");
            }
            assert_eq!(
                live.column("portable", "stamp").unwrap().default,
                Some(ServerDefault::Now),
                "{d}"
            );

            // The instant is kept as an instant: 08:00:00.5-01:00 is 09:00:00.5 UTC.
            let (sql, want) = match d {
                Dialect::Postgres => (
                    "SELECT CAST(seen_at AT TIME ZONE 'UTC' AS TEXT) FROM portable WHERE id = 1",
                    "2024-01-31 09:00:00.5",
                ),
                Dialect::Sqlite => (
                    "SELECT strftime('%Y-%m-%d %H:%M:%f', seen_at) FROM portable WHERE id = 1",
                    "2024-01-31 09:00:00.500",
                ),
                _ => (
                    "SELECT CAST(seen_at AS CHAR) FROM portable WHERE id = 1",
                    "2024-01-31 09:00:00.500",
                ),
            };
            let got = db.raw().fetch_strings(sql).await.expect("read the instant");
            assert_eq!(got, [want], "{d}");

            // Derived downgrades: the rows go, then the table.
            migrator
                .downgrade(&mut db, "-1")
                .await
                .unwrap_or_else(|e| panic!("{d}: downgrade -1: {e}"));
            let rows = schema_tests::dump_rows(&mut db, "portable", &["id"]).await;
            assert_eq!(rows, "", "{d}");
            migrator
                .downgrade(&mut db, "base")
                .await
                .unwrap_or_else(|e| panic!("{d}: downgrade to base: {e}"));
            let tables = schema_tests::table_names(&mut db).await;
            assert!(!tables.iter().any(|t| t == "portable"), "{d}: {tables:?}");
            drop(db);
            test_db.drop_db().await;
        }
    });
}

/// Sequences (PostgreSQL, MariaDB): created with options, drawn from by a default, read back
/// without drift; a changed option, a sequence only the database has and one it lacks are
/// each named by `check --database` with both sides.
#[test]
fn sequences_read_back_without_drift_and_their_changes_show() {
    let migrator = Migrator::new(vec![Revision::new("0001", &[], "invoices", |op| {
        op.create_sequence("invoice_numbers").start(1000).cache(20);
        op.create_sequence("countdown")
            .increment(-1)
            .min_value(-100)
            .cycle();
        op.create_sequence("plain").increment(1).cache(1);
        op.create_table("invoices", |t| {
            t.column("id", Type::BigInt).primary_key();
            t.column("number", Type::BigInt)
                .not_null()
                .default_expr_per_dialect(
                    "nextval('invoice_numbers')",
                    &[(Dialect::Mariadb, "NEXT VALUE FOR invoice_numbers")],
                );
            t.column("other", Type::BigInt).default_expr_per_dialect(
                "nextval('plain')",
                &[(Dialect::Mariadb, "nextval(plain)")],
            );
        });
    })])
    .expect("one revision");
    block_on(async {
        for test_db in all_databases("introspect_sequences").await {
            let d = test_db.dialect;
            if !matches!(d, Dialect::Postgres | Dialect::Mariadb) {
                test_db.drop_db().await;
                continue;
            }
            let mut db = test_db.connect().await;
            migrator.upgrade(&mut db, "head").await.expect("upgrade");
            // The default draws from the sequence.
            db.raw()
                .execute("INSERT INTO invoices (id) VALUES (1)")
                .await
                .expect("insert");
            let number = db
                .raw()
                .fetch_rows(
                    &format!(
                        "SELECT CAST(number AS {}) FROM invoices",
                        if d == Dialect::Postgres {
                            "TEXT"
                        } else {
                            "CHAR"
                        }
                    ),
                    1,
                )
                .await
                .expect("select");
            assert_eq!(number, [["1000"]], "{d}");

            let live = introspect(&mut db, &IntrospectOptions::default())
                .await
                .expect("introspect");
            let invoice_numbers = live.sequence("invoice_numbers").expect("read back");
            assert_eq!(
                (invoice_numbers.start, invoice_numbers.cache),
                (Some(1000), Some(20)),
                "{d}"
            );
            let heads = migrator.current(&mut db).await.expect("heads");
            let replayed = migrator.schema_at(&heads).expect("replay");
            assert_same(&comparable(&replayed, d), &comparable(&live, d), d);
            let none = migrator.drift_details(&mut db, &[]).await.expect("drift");
            assert!(none.is_empty(), "{d}: {none:?}");

            for sql in [
                "ALTER SEQUENCE invoice_numbers INCREMENT BY 5",
                "CREATE SEQUENCE stray START WITH 7",
                "DROP SEQUENCE countdown",
            ] {
                db.raw().execute(sql).await.expect(sql);
            }
            let details: Vec<String> = migrator
                .drift_details(&mut db, &[])
                .await
                .expect("drift")
                .into_iter()
                .map(|drift| drift.detail)
                .collect();
            let all = details.join("\n");
            for line in [
                "sequence invoice_numbers: (START WITH 1000 CACHE 20) in the migrations, (START WITH 1000 INCREMENT BY 5 CACHE 20) in the database",
                "sequence stray: (START WITH 7) in the database, not in the migrations",
                "sequence countdown: (INCREMENT BY -1 MINVALUE -100 CYCLE) in the migrations, missing in the database",
            ] {
                assert!(all.contains(line), "{d}: no `{line}` in:\n{all}");
            }
            assert_eq!(details.len(), 3, "{d}: {all}");
            drop(db);
            test_db.drop_db().await;
        }
    });
}

/// Identity options changed by `alter_column` (PostgreSQL): the database then holds what the
/// replay holds, up and down; an increment changed behind the migrations' back is named by
/// `check --database` with both sides.
#[test]
fn identity_option_changes_read_back_and_a_changed_increment_is_drift() {
    let migrator = Migrator::new(vec![
        Revision::new("0001", &[], "orders", |op| {
            op.create_table("orders", |t| {
                t.column("id", Type::BigInt)
                    .primary_key()
                    .identity_start(100);
            });
        }),
        Revision::new("0002", &["0001"], "options", |op| {
            op.alter_column("orders", "id")
                .set_identity_always(true)
                .set_identity_sequence(|s| {
                    s.increment(10).max_value(1_000_000).cache(5).cycle(true);
                });
        }),
    ])
    .expect("two revisions");
    block_on(async {
        for test_db in all_databases("introspect_identity_options").await {
            let d = test_db.dialect;
            if d != Dialect::Postgres {
                test_db.drop_db().await;
                continue;
            }
            let mut db = test_db.connect().await;
            for (target, down) in [("head", false), ("0001", true), ("head", false)] {
                if down {
                    migrator
                        .downgrade(&mut db, target)
                        .await
                        .expect("downgrade");
                } else {
                    migrator.upgrade(&mut db, target).await.expect("upgrade");
                }
                let heads = migrator.current(&mut db).await.expect("heads");
                let replayed = migrator.schema_at(&heads).expect("replay");
                let live = introspect(&mut db, &IntrospectOptions::default())
                    .await
                    .expect("introspect");
                assert_same(&comparable(&replayed, d), &comparable(&live, d), d);
                let id = live.column("orders", "id").expect("orders.id");
                assert_eq!(id.identity_options.always, target == "head", "{target}");
                assert_eq!(
                    id.identity_options.increment,
                    (target == "head").then_some(10),
                    "{target}"
                );
                assert_eq!(id.identity_options.start, Some(100), "{target}");
            }
            db.raw()
                .execute("ALTER TABLE orders ALTER COLUMN id SET INCREMENT BY 5")
                .await
                .expect("alter");
            let details: Vec<String> = migrator
                .drift_details(&mut db, &[])
                .await
                .expect("drift")
                .into_iter()
                .map(|drift| drift.detail)
                .collect();
            let line = "orders.id: BIGINT NOT NULL identity always (START WITH 100 INCREMENT BY 10 MAXVALUE 1000000 CACHE 5 CYCLE) in the migrations, BIGINT NOT NULL identity always (START WITH 100 INCREMENT BY 5 MAXVALUE 1000000 CACHE 5 CYCLE) in the database";
            assert_eq!(details, [line], "{d}");
            drop(db);
            test_db.drop_db().await;
        }
    });
}
