//! Replay-time checks without a database: what `migration_tests!` runs in every migrations
//! package, and the SQL snapshots that `cargo schema snapshot` writes and `--check` compares.

use std::fs;
use std::path::{Path, PathBuf};

use schema_runtime::cli::snapshot::{
    check_snapshots, render_snapshots, write_snapshots, RevisionSnapshot,
};
use schema_runtime::prelude::*;
use schema_runtime::testing::downgrade_problems;
use schema_runtime::{Dialect, Migrator, Op, Revision};

/// A fresh folder under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("schema-replay-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn users() -> Revision {
    Revision::new("0001_users", &[], "create users", |op| {
        op.create_table("users", |t| {
            t.column("id", Type::BigInt).primary_key().identity();
            t.column("email", Type::String(255)).not_null();
        });
    })
}

#[test]
fn check_names_the_revision_the_op_and_the_missing_table() {
    let migrator = Migrator::new(vec![
        users(),
        Revision::new("0002_team_name", &["0001_users"], "team name", |op| {
            op.add_column("teams", "name", Type::Text);
        }),
    ])
    .expect("valid graph");

    let problems: Vec<String> = migrator
        .check(&Dialect::ALL)
        .iter()
        .map(ToString::to_string)
        .collect();
    // The same problem on the three dialects is reported once.
    assert_eq!(
        problems,
        ["revision `0002_team_name`: add_column(teams.name): table `teams` does not exist"]
    );
}

#[test]
fn index_names_repeat_across_tables_only_where_the_dialect_keeps_them_per_table() {
    let two_tables = |op: &mut Ops| {
        for table in ["boards", "threads"] {
            op.create_table(table, |t| {
                t.column("id", Type::BigInt).primary_key();
                t.column("position", Type::Integer).not_null();
            });
            op.create_index(table, ["position"]).name("position");
        }
    };
    let ambiguous = Migrator::new(vec![
        Revision::new("0001_tables", &[], "tables", two_tables),
        Revision::new("0002_drop", &["0001_tables"], "drop", |op| {
            op.drop_index("position");
        }),
    ])
    .expect("valid graph");
    let problems: Vec<String> = ambiguous
        .check(&[Dialect::Mariadb])
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        problems,
        [
            "revision `0002_drop`: drop_index(position): indexes named `position` are on several tables (boards, threads); say which: op.drop_index(\"position\").on(\"TABLE\")"
        ]
    );

    let named = Migrator::new(vec![
        Revision::new("0001_tables", &[], "tables", two_tables),
        Revision::new("0002_drop", &["0001_tables"], "drop", |op| {
            op.drop_index("position").on("threads");
        }),
    ])
    .expect("valid graph");
    assert!(named.check(&[Dialect::Mariadb, Dialect::Mysql]).is_empty());
    let schema = named.schema_at(&["0002_drop".to_owned()]).expect("replay");
    assert_eq!(schema.indexes_named("position").len(), 1);
    assert_eq!(
        schema.index("position").map(|i| i.table.as_str()),
        Some("boards")
    );
    // One namespace for index names: refused with what to do.
    let refused: Vec<String> = named
        .check(&[Dialect::Postgres, Dialect::Sqlite])
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(refused.len(), 2, "{refused:#?}");
    assert!(
        refused
            .iter()
            .all(|p| p.contains("give this index another .name(..)")),
        "{refused:#?}"
    );
}

#[test]
fn alters_that_change_nothing_and_key_options_inside_expressions_are_refused_at_replay() {
    let problems = |change: fn(&mut Ops)| -> Vec<String> {
        Migrator::new(vec![
            users(),
            Revision::new("0002_change", &["0001_users"], "change", change),
        ])
        .expect("valid graph")
        .check(&Dialect::ALL)
        .iter()
        .map(ToString::to_string)
        .collect()
    };
    // `set_nullable` on a NOT NULL column changes something.
    let fine = problems(|op| {
        op.alter_column("users", "email").set_nullable();
    });
    assert!(fine.is_empty(), "{fine:#?}");
    type Case = (fn(&mut Ops), &'static str);
    let cases: [Case; 5] = [
        (
            |op| {
                op.add_column("users", "nick", Type::Text);
                op.alter_column("users", "nick").set_nullable();
            },
            "set_nullable: the column is already nullable; drop that part of the alter",
        ),
        (
            |op| {
                op.alter_column("users", "email").set_not_null();
            },
            "set_not_null: the column is already NOT NULL",
        ),
        (
            |op| {
                op.alter_column("users", "email").set_type(Type::String(255));
            },
            "set_type: the column already has that type",
        ),
        (
            |op| {
                op.alter_column("users", "email").drop_default();
            },
            "drop_default: the column has no default",
        ),
        (
            |op| {
                op.create_index("users", ["id"]).expression("email DESC");
            },
            "the expression `email DESC` ends with DESC, which is not part of an expression; write IndexKey::expression(\"..\") with .desc()",
        ),
    ];
    for (i, (change, expected)) in cases.into_iter().enumerate() {
        let found = problems(change);
        assert_eq!(found.len(), 1, "case {i}: {found:#?}");
        assert!(found[0].contains(expected), "case {i}: {}", found[0]);
        assert!(
            found[0].starts_with("revision `0002_change`"),
            "{}",
            found[0]
        );
    }
}

/// Writes into a generated column, and a generated column with a default or an identity, are
/// refused at replay (on every dialect, before any SQL), naming the column.
#[test]
fn generated_columns_refuse_writes_defaults_and_identity_at_replay() {
    let problems = |change: fn(&mut Ops)| -> Vec<String> {
        Migrator::new(vec![
            Revision::new("0001_lines", &[], "lines", |op| {
                op.create_table("lines", |t| {
                    t.column("id", Type::BigInt).primary_key();
                    t.column("quantity", Type::Integer).not_null();
                    t.column("doubled", Type::Integer)
                        .generated_stored("quantity * 2");
                });
            }),
            Revision::new("0002_change", &["0001_lines"], "change", change),
        ])
        .expect("valid graph")
        .check(&Dialect::ALL)
        .iter()
        .map(ToString::to_string)
        .collect()
    };
    // Writing the other columns is fine; the database computes the generated one.
    let fine = problems(|op| {
        op.bulk_insert("lines", ["id", "quantity"], [row![1, 2]]);
        op.update("lines").set("quantity", 3);
        op.delete_rows("lines", ["id", "doubled"], [row![1, 6]]);
    });
    assert!(fine.is_empty(), "{fine:#?}");
    type Case = (fn(&mut Ops), &'static str);
    let cases: [Case; 5] = [
        (
            |op| op.bulk_insert("lines", ["id", "quantity", "doubled"], [row![1, 2, 4]]),
            "bulk_insert(lines): bulk_insert writes `lines.doubled`, a generated column the database computes; leave `doubled` out",
        ),
        (
            |op| {
                op.update("lines").set_expr("doubled", "quantity * 3");
            },
            "update(lines): update writes `lines.doubled`, a generated column",
        ),
        (
            |op| {
                op.add_column("lines", "tripled", Type::Integer)
                    .default(0)
                    .generated_stored("quantity * 3");
            },
            "add_column(lines.tripled): column `lines.tripled` is generated (GENERATED ALWAYS AS (quantity * 3)) and has a default",
        ),
        (
            |op| {
                op.create_table("counters", |t| {
                    t.column("n", Type::BigInt)
                        .primary_key()
                        .identity()
                        .generated_stored("1");
                });
            },
            "column `counters.n` is generated (GENERATED ALWAYS AS (1)) and is an identity column",
        ),
        (
            |op| {
                op.alter_column("lines", "doubled").set_default(0);
            },
            "column `lines.doubled` is generated (GENERATED ALWAYS AS (quantity * 2)) and has a default",
        ),
    ];
    for (i, (change, expected)) in cases.into_iter().enumerate() {
        let found = problems(change);
        assert_eq!(found.len(), 1, "case {i}: {found:#?}");
        assert!(found[0].contains(expected), "case {i}: {}", found[0]);
        assert!(
            found[0].starts_with("revision `0002_change`"),
            "{}",
            found[0]
        );
    }
}

/// A generated column follows a rename of a column it is computed from (as every server
/// rewrites it), keeps its generation through renames of itself and of its table, and the
/// columns it is computed from cannot be dropped before it.
#[test]
fn generated_columns_follow_renames_and_keep_their_sources() {
    let migrator = Migrator::new(vec![
        Revision::new("0001_lines", &[], "lines", |op| {
            op.create_table("lines", |t| {
                t.column("id", Type::BigInt).primary_key();
                t.column("quantity", Type::Integer).not_null();
                t.column("price", Type::Integer).not_null();
                t.column("total", Type::Integer)
                    .generated_stored(r#""quantity" * price + length('quantity')"#);
            });
        }),
        Revision::new("0002_renames", &["0001_lines"], "renames", |op| {
            op.alter_column("lines", "quantity").rename_to("qty");
            op.alter_column("lines", "price").rename_to("unit price");
            op.alter_column("lines", "total").rename_to("line_total");
            op.rename_table("lines", "order_lines");
        }),
    ])
    .expect("valid graph");
    assert!(migrator.check(&Dialect::ALL).is_empty());
    let schema = migrator.schema_at(&["0002_renames".to_owned()]).unwrap();
    let total = schema.column("order_lines", "line_total").unwrap();
    assert_eq!(
        total.generated,
        Some(schema_runtime::Generated::stored(
            r#""qty" * "unit price" + length('quantity')"#
        ))
    );
    // At the first revision, the expression as written.
    let back = migrator.schema_at(&["0001_lines".to_owned()]).unwrap();
    assert_eq!(
        back.column("lines", "total").unwrap().generated,
        Some(schema_runtime::Generated::stored(
            r#""quantity" * price + length('quantity')"#
        ))
    );

    let dropped = Migrator::new(vec![
        Revision::new("0001_lines", &[], "lines", |op| {
            op.create_table("lines", |t| {
                t.column("quantity", Type::Integer).not_null();
                t.column("total", Type::Integer)
                    .generated_stored("quantity * 2");
            });
        }),
        Revision::new("0002_drop", &["0001_lines"], "drop", |op| {
            op.drop_column("lines", "quantity");
        }),
    ])
    .expect("valid graph");
    let problems: Vec<String> = dropped
        .check(&Dialect::ALL)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        problems,
        ["revision `0002_drop`: drop_column(lines.quantity): column `lines.quantity` is used by `total`; drop `total` first"]
    );
}

#[test]
fn raw_sql_declares_its_effects_to_the_replay() {
    let migrator = Migrator::new(vec![
        users(),
        Revision::new("0002_raw", &["0001_users"], "raw", |op| {
            op.execute("CREATE INDEX ix_users_email_raw ON users (email)")
                .reverse("DROP INDEX ix_users_email_raw")
                .declares(|op| {
                    op.create_index("users", ["email"])
                        .name("ix_users_email_raw");
                });
        }),
        Revision::new("0003_drop", &["0002_raw"], "drop", |op| {
            op.drop_index("ix_users_email_raw");
        }),
    ])
    .expect("valid graph");
    // The declared index is in the replay, so a later drop_index fits and reverses.
    assert!(migrator
        .check(&[Dialect::Postgres, Dialect::Sqlite])
        .is_empty());
    let at_raw = migrator
        .schema_at(&["0002_raw".to_owned()])
        .expect("replay");
    assert!(at_raw.index("ix_users_email_raw").is_some());
    let at_drop = migrator
        .schema_at(&["0003_drop".to_owned()])
        .expect("replay");
    assert!(at_drop.index("ix_users_email_raw").is_none());
    // The derived downgrade of the raw SQL runs its reverse and undoes its effects.
    let raw = migrator.revision("0002_raw").expect("revision");
    let undo = raw.upgrade[0].reverse(&migrator.schema_at(&["0001_users".to_owned()]).unwrap());
    let undo = undo.expect("reversible");
    match &undo[0] {
        schema_runtime::Op::Sql(raw) => {
            assert_eq!(
                raw.up.portable.as_deref(),
                Some("DROP INDEX ix_users_email_raw")
            );
            assert!(
                matches!(&raw.effects[..], [schema_runtime::Op::DropIndex { name, .. }] if name == "ix_users_email_raw")
            );
        }
        other => panic!("{other:?}"),
    }
    // Declared effects are part of the checksum: declaring changes it.
    let plain = Revision::new("0002_raw", &["0001_users"], "raw", |op| {
        op.execute("CREATE INDEX ix_users_email_raw ON users (email)")
            .reverse("DROP INDEX ix_users_email_raw");
    });
    assert_ne!(
        schema_runtime::ops::canonical::checksum(&plain.upgrade, true),
        schema_runtime::ops::canonical::checksum(&raw.upgrade, true)
    );
}

#[test]
fn downgrade_problems_name_each_revision_without_a_derivable_downgrade() {
    let migrator = Migrator::new(vec![
        users(),
        Revision::new("0002_lowercase", &["0001_users"], "lowercase", |op| {
            op.execute("UPDATE users SET email = lower(email)");
        }),
        Revision::new("0003_backfill", &["0002_lowercase"], "backfill", |op| {
            op.update("users").set("email", "");
        }),
        Revision::new("0004_extension", &["0003_backfill"], "extension", |op| {
            op.execute("CREATE EXTENSION pgcrypto")
                .reverse("DROP EXTENSION pgcrypto");
        }),
        Revision {
            irreversible: true,
            ..Revision::new("0005_purge", &["0004_extension"], "purge", |op| {
                op.execute("DELETE FROM users");
            })
        },
    ])
    .expect("valid graph");

    let problems: Vec<String> = downgrade_problems(&migrator, &Dialect::ALL)
        .iter()
        .map(ToString::to_string)
        .collect();
    // Oldest first; the revision with `.reverse(..)` and the irreversible one are fine.
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert!(
        problems[0].starts_with("revision `0002_lowercase` cannot be downgraded: execute"),
        "{problems:#?}"
    );
    assert!(problems[0].contains("`.reverse(\"...\")`"), "{problems:#?}");
    assert!(
        problems[1].starts_with("revision `0003_backfill` cannot be downgraded: update(users)"),
        "{problems:#?}"
    );
}

#[test]
fn a_revision_that_does_not_replay_is_left_to_check_not_reported_as_a_downgrade_problem() {
    let migrator = Migrator::new(vec![
        users(),
        Revision::new("0002_team_name", &["0001_users"], "team name", |op| {
            op.add_column("teams", "name", Type::Text);
        }),
    ])
    .expect("valid graph");
    assert_eq!(migrator.check(&Dialect::ALL).len(), 1);
    assert_eq!(downgrade_problems(&migrator, &Dialect::ALL), []);
}

#[test]
fn the_blog_replays_and_downgrades_on_every_dialect() {
    schema_runtime::testing::assert_replays_on_every_dialect(&blog::MIGRATIONS);
    schema_runtime::testing::assert_every_revision_downgrades(&blog::MIGRATIONS);
}

/// The snapshots of `revisions` rendered on `dialects`.
fn snapshots_on(revisions: Vec<Revision>, dialects: &[Dialect]) -> Vec<RevisionSnapshot> {
    let migrator = Migrator::new(revisions).expect("valid graph");
    render_snapshots(&migrator, dialects, |id| {
        Some(format!("migrations/{id}.rs"))
    })
}

/// The snapshots of `revisions` rendered on every dialect.
fn blog_snapshots(revisions: Vec<Revision>) -> Vec<RevisionSnapshot> {
    snapshots_on(revisions, &Dialect::ALL)
}

fn blog_revisions() -> Vec<Revision> {
    blog::MIGRATIONS.load(blog::MIGRATIONS.naming())
}

fn pending(path: &Path) -> PathBuf {
    path.with_extension("snap.new")
}

/// What `cargo insta accept` does with a pending snapshot: load it with insta, save it over
/// the snapshot, delete it.
fn insta_accept(snap: &Path) {
    let new = pending(snap);
    let snapshot = insta::Snapshot::from_file(&new).expect("insta reads the pending snapshot");
    snapshot.save(snap).expect("insta saves the snapshot");
    fs::remove_file(new).expect("remove the pending snapshot");
}

#[test]
fn snapshot_files_are_insta_snapshots() {
    let temp = TempDir::new("format");
    let snapshots = blog_snapshots(blog_revisions());
    write_snapshots(&temp.0, &snapshots, &Dialect::ALL).expect("write");

    let first = &snapshots[0];
    assert_eq!(
        first.file_name(),
        "20250101_090000_create_users@postgres.snap"
    );
    let path = temp.0.join(first.file_name());
    let text = fs::read_to_string(&path).expect("read");
    assert!(text.starts_with(
        "---\nsource: migrations/20250101_090000_create_users.rs\ndescription: create users\n\
         expression: upgrade and downgrade SQL of 20250101_090000_create_users on postgres\n\
         ---\n-- upgrade\nCREATE TABLE \"users\" (\n"
    ));
    assert!(
        text.ends_with("-- downgrade\nDROP TABLE \"users\";\n"),
        "{text}"
    );

    let loaded = insta::Snapshot::from_file(&path).expect("insta reads it");
    let metadata = loaded.metadata();
    assert_eq!(
        metadata.source(),
        Some("migrations/20250101_090000_create_users.rs")
    );
    assert_eq!(metadata.description(), Some("create users"));
    assert_eq!(
        metadata.expression(),
        Some("upgrade and downgrade SQL of 20250101_090000_create_users on postgres")
    );
    let body = loaded.as_text().expect("a text snapshot").to_string();
    assert_eq!(body, first.body.trim_end());

    // insta writes the file back byte for byte: accepting a pending snapshot with
    // `cargo insta accept` gives exactly what `cargo schema snapshot` writes.
    let copy = temp.0.join("copy@postgres.snap");
    loaded.save(&copy).expect("insta saves it");
    assert_eq!(fs::read_to_string(copy).expect("read"), text);
}

#[test]
fn changing_an_op_changes_its_snapshots_and_check_fails_until_accepted() {
    let temp = TempDir::new("change");
    let dir = &temp.0;
    let report =
        write_snapshots(dir, &blog_snapshots(blog_revisions()), &Dialect::ALL).expect("write");
    assert_eq!(report.created.len(), 20);

    // Unchanged migrations: every snapshot is current.
    let before = blog_snapshots(blog_revisions());
    let report = check_snapshots(dir, &before, &Dialect::ALL).expect("check");
    assert!(report.is_current(), "{report}");
    assert_eq!(report.current, 20);

    // One op changes: `users.bio` becomes VARCHAR(500) instead of TEXT.
    let mut revisions = blog_revisions();
    let revision = revisions
        .iter_mut()
        .find(|r| r.id == "20250104_120000_user_bio_and_post_slug")
        .expect("the blog revision");
    match &mut revision.upgrade[0] {
        Op::AddColumn { column, .. } if column.name == "bio" => column.ty = Type::String(500),
        other => panic!("unexpected first op {other:?}"),
    }
    let after = blog_snapshots(revisions);
    let changed: Vec<String> = before
        .iter()
        .zip(&after)
        .filter(|(b, a)| b != a)
        .map(|(_, a)| a.file_name())
        .collect();
    assert_eq!(
        changed,
        [
            "20250104_120000_user_bio_and_post_slug@postgres.snap",
            "20250104_120000_user_bio_and_post_slug@sqlite.snap",
            "20250104_120000_user_bio_and_post_slug@mysql.snap",
            "20250104_120000_user_bio_and_post_slug@mariadb.snap",
        ]
    );

    // `--check` fails with the diff, and leaves a `.snap.new` next to each changed snapshot.
    for _ in 0..2 {
        let report = check_snapshots(dir, &after, &Dialect::ALL).expect("check");
        assert!(!report.is_current());
        assert_eq!(report.current, 16);
        assert_eq!(report.mismatches.len(), 4);
        let postgres = &report.mismatches[0];
        assert!(!postgres.missing);
        assert_eq!(
            postgres.path,
            dir.join("20250104_120000_user_bio_and_post_slug@postgres.snap")
        );
        assert!(
            postgres
                .diff
                .contains("\n-ALTER TABLE \"users\" ADD COLUMN \"bio\" TEXT;\n+ALTER TABLE \"users\" ADD COLUMN \"bio\" VARCHAR(500);\n"),
            "{}",
            postgres.diff
        );
        assert!(postgres.pending.is_file());
        let message = report.to_string();
        assert!(message.contains("cargo insta review"), "{message}");
        // The recorded snapshot is untouched until it is accepted.
        assert!(fs::read_to_string(&postgres.path)
            .expect("read")
            .contains("\"bio\" TEXT"));
    }

    // Accepting with insta makes `--check` pass, and leaves nothing pending.
    for snapshot in after.iter().filter(|s| changed.contains(&s.file_name())) {
        insta_accept(&dir.join(snapshot.file_name()));
    }
    let report = check_snapshots(dir, &after, &Dialect::ALL).expect("check");
    assert!(report.is_current(), "{report}");
    let pending: Vec<_> = fs::read_dir(dir)
        .expect("read dir")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".new"))
        .collect();
    assert!(pending.is_empty(), "{pending:?}");
}

#[test]
fn missing_and_stale_snapshots_fail_the_check_and_writing_fixes_both() {
    let temp = TempDir::new("stale");
    let dir = &temp.0;
    let mut revisions = blog_revisions();
    write_snapshots(dir, &blog_snapshots(revisions.clone()), &Dialect::ALL).expect("write");

    // A new revision without snapshots yet, and one whose file was removed from history.
    let removed = revisions.pop().expect("a revision");
    revisions.push(Revision::new(
        "20250106_090000_user_karma",
        &["20250104_120000_user_bio_and_post_slug"],
        "user karma",
        |op| {
            op.add_column("users", "karma", Type::Integer)
                .not_null()
                .default(0);
        },
    ));
    let report = check_snapshots(
        dir,
        &snapshots_on(revisions.clone(), &[Dialect::Sqlite]),
        &[Dialect::Sqlite],
    )
    .expect("check");
    assert_eq!(report.mismatches.len(), 1);
    let missing = &report.mismatches[0];
    assert!(missing.missing);
    assert!(
        missing
            .diff
            .contains("+ALTER TABLE \"users\" ADD COLUMN \"karma\" INTEGER NOT NULL DEFAULT 0;"),
        "{}",
        missing.diff
    );
    assert_eq!(
        report.stale,
        [dir.join(format!("{}@sqlite.snap", removed.id))]
    );
    // Only the dialects checked are judged: the postgres snapshots are not stale here.
    assert!(report.to_string().contains("belongs to no revision"));

    let snapshots = blog_snapshots(revisions);
    let written = write_snapshots(dir, &snapshots, &Dialect::ALL).expect("write");
    assert_eq!(written.created.len(), 4);
    assert_eq!(written.removed.len(), 4);
    assert!(!pending(&missing.path).exists());
    assert!(check_snapshots(dir, &snapshots, &Dialect::ALL)
        .expect("check")
        .is_current());
}
