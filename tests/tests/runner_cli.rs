//! The blog's runner binary (`examples/blog/src/bin/migrate.rs`), run as a deployment runs it:
//! on its own, from another directory, configured only by its environment.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use schema_runtime::{Database, Dialect};
use schema_tests::{all_databases, block_on, dump_schema, temp_dir, TestDb};

/// Builds the blog's runner once and returns its path.
fn runner() -> PathBuf {
    static BUILT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BUILT
        .get_or_init(|| {
            let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let status = Command::new(cargo)
                .args(["build", "-q", "-p", "blog", "--bin", "migrate"])
                .current_dir(&root)
                .status()
                .expect("cargo build");
            assert!(status.success(), "the blog's runner builds");
            let target = std::env::var_os("CARGO_TARGET_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| root.join("target"));
            target.join("debug").join("migrate")
        })
        .clone()
}

/// Runs the runner in `cwd` with `args`, without DATABASE_URL or CARGO_SCHEMA from outside.
fn run(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    run_binary(&runner(), cwd, args, env)
}

/// The runner of tests/fixtures/asymmetric (built with this package): a raw SQL revision on one
/// of two branches whose downgrade forgets the index its upgrade creates.
const ASYMMETRIC: &str = env!("CARGO_BIN_EXE_asymmetric_runner");

/// Runs the runner `binary` in `cwd` with `args`, without DATABASE_URL, CARGO_SCHEMA or
/// SCHEMA_ENV from outside.
fn run_binary(binary: &Path, cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(binary);
    command
        .env_remove("SCHEMA_ENV")
        .args(args)
        .current_dir(cwd)
        .env_remove("DATABASE_URL")
        .env_remove("CARGO_SCHEMA")
        .env("CARGO_TERM_COLOR", "never");
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("run the runner")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_runner_started_without_a_url_refuses_and_says_where_to_give_one() {
    let dir = temp_dir("no_url");
    let out = run(&dir.0, &["upgrade"], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let message = stderr(&out);
    for hint in ["--database-url", "DATABASE_URL", ".env"] {
        assert!(message.contains(hint), "{message}");
    }
    // Verbs that need no database still work.
    let history = run(&dir.0, &["history"], &[]);
    assert!(history.status.success(), "{}", stderr(&history));
}

#[test]
fn a_runner_reads_the_url_from_the_environment_or_a_dot_env_in_its_directory() {
    let dir = temp_dir("dot_env");
    let file = dir.0.join("from-dotenv.db");
    std::fs::write(
        dir.0.join(".env"),
        format!("DATABASE_URL=sqlite:{}\n", file.display()),
    )
    .unwrap();
    let out = run(&dir.0, &["upgrade"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(file.exists(), "the .env's database was migrated");
    assert!(
        !stderr(&out).contains("development database"),
        "{}",
        stderr(&out)
    );

    let other = dir.0.join("from-env.db");
    let url = format!("sqlite:{}", other.display());
    let out = run(&dir.0, &["current"], &[("DATABASE_URL", url.as_str())]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(other.exists(), "DATABASE_URL wins over .env");
}

#[test]
fn under_cargo_schema_the_runner_falls_back_to_the_package_database_and_says_so() {
    let dir = temp_dir("cargo_schema");
    // `history -i` reads the database; CARGO_SCHEMA=1 is what `cargo schema` sets.
    let out = run(&dir.0, &["history", "-i"], &[("CARGO_SCHEMA", "1")]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("the package's development database"),
        "{}",
        stderr(&out)
    );
}

/// `.env` with a fresh SQLite file in a fresh directory.
fn with_database(test: &str) -> schema_tests::TempDir {
    let dir = temp_dir(test);
    std::fs::write(
        dir.0.join(".env"),
        format!(
            "DATABASE_URL=sqlite:{}\n",
            dir.0.join("db.sqlite").display()
        ),
    )
    .unwrap();
    dir
}

#[test]
fn upgrade_sql_from_current_reads_the_database_and_prints_only_what_is_left() {
    let dir = with_database("sql_current");
    let up = run(&dir.0, &["upgrade", "20250102"], &[]);
    assert!(up.status.success(), "{}", stderr(&up));
    let out = run(&dir.0, &["upgrade", "--sql", "current:head"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let script = String::from_utf8_lossy(&out.stdout);
    assert!(
        script.contains("-- up 20250103_110000_comments_and_tags"),
        "{script}"
    );
    assert!(
        !script.contains("-- up 20250101_090000_create_users"),
        "{script}"
    );
    assert!(
        !script.contains("-- up 20250102_100000_create_posts"),
        "{script}"
    );
    // Reading only: the database is still at 20250102.
    let current = run(&dir.0, &["current"], &[]);
    assert!(String::from_utf8_lossy(&current.stdout).contains("20250102_100000_create_posts"));
}

#[test]
fn verbose_upgrade_echoes_each_statement() {
    let dir = with_database("verbose");
    let out = run(&dir.0, &["upgrade", "-v", "20250101"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stderr(&out);
    assert!(
        text.contains("Running 20250101_090000_create_users [1/2] CREATE TABLE \"users\""),
        "{text}"
    );
}

#[test]
fn usage_errors_name_the_forms_a_verb_takes() {
    let dir = with_database("usage");
    let out = run(&dir.0, &["downgrade"], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let text = stderr(&out);
    for form in ["-1", "revision id", "LABEL@base", "base"] {
        assert!(text.contains(form), "{text}");
    }
    assert!(!text.contains("(none)"), "{text}");
    let out = run(&dir.0, &["downgrade", "--sql", "base"], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("FROM:TO, e.g. head:base, current:-1"),
        "{}",
        stderr(&out)
    );
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// `SELECT COUNT(*)` of each table, as `users=2 posts=1 ...`.
async fn counts(db: &mut Database, tables: &[&str]) -> String {
    let d = db.dialect();
    let text = if d.is_mysql_family() { "CHAR" } else { "TEXT" };
    let mut out = Vec::new();
    for table in tables {
        let n = db
            .raw()
            .fetch_strings(&format!(
                "SELECT CAST(COUNT(*) AS {text}) FROM {}",
                d.quote(table)
            ))
            .await
            .unwrap_or_else(|e| panic!("count {table}: {e}"));
        out.push(format!("{table}={}", n[0]));
    }
    out.join(" ")
}

/// Whether the scratch database a `test --format json` run reported is gone.
async fn scratch_is_gone(test_db: &TestDb, report: &serde_json::Value) -> bool {
    let url = report["scratch_database"]
        .as_str()
        .expect("scratch_database");
    let name = url.rsplit('/').next().unwrap_or_default();
    assert!(name.contains("_schema_test_"), "{url}");
    match test_db.dialect {
        Dialect::Sqlite => !Path::new(url.trim_start_matches("sqlite:")).exists(),
        d => {
            let mut db = test_db.connect().await;
            let sql = if d == Dialect::Postgres {
                "SELECT CAST(datname AS TEXT) FROM pg_database".to_owned()
            } else {
                "SELECT CAST(schema_name AS CHAR) FROM information_schema.schemata".to_owned()
            };
            let names = db.raw().fetch_strings(&sql).await.expect("list databases");
            !names.iter().any(|n| n == name)
        }
    }
}

#[test]
fn test_names_the_revision_whose_downgrade_forgets_an_index_on_every_database() {
    block_on(async {
        for test_db in all_databases("rt_asymmetric").await {
            let d = test_db.dialect;
            let dir = temp_dir("rt_asymmetric_cwd");
            let out = run_binary(
                Path::new(ASYMMETRIC),
                &dir.0,
                &["--database-url", &test_db.url, "test"],
                &[],
            );
            let text = stderr(&out);
            assert_eq!(out.status.code(), Some(3), "{d}: {text}");
            for line in [
                "Passed 0001_notes (notes): up, down, up",
                "Passed 0002_tags (tags): up, down, up",
                "error: revision `0003_title_index` (notes by title) does not round-trip: after its upgrade and downgrade the database differs from before its upgrade:\n    index ix_notes_title on notes: expected absent, found (title)\n  its downgrade does not undo everything its upgrade did",
            ] {
                assert!(text.contains(line), "{d}: missing `{line}` in:\n{text}");
            }
            assert!(
                !text.contains("0004_pinned"),
                "{d}: stops at the first: {text}"
            );

            // The same as a typed document, and the scratch database is gone.
            let out = run_binary(
                Path::new(ASYMMETRIC),
                &dir.0,
                &["--database-url", &test_db.url, "--format", "json", "test"],
                &[],
            );
            assert_eq!(out.status.code(), Some(3), "{d}: {}", stderr(&out));
            let report: serde_json::Value =
                serde_json::from_str(&stdout(&out)).expect("one JSON document");
            assert_eq!(report["passed"], false, "{d}: {report}");
            assert_eq!(report["first_failure"], "0003_title_index", "{d}");
            let failed = &report["revisions"][2];
            assert_eq!(failed["status"], "differs", "{d}: {report}");
            assert_eq!(failed["stage"], "downgrade", "{d}");
            assert_eq!(
                failed["differences"],
                serde_json::json!([{ "kind": "index", "table": "notes", "name": "ix_notes_title", "expected": null, "found": "(title)" }]),
                "{d}"
            );
            assert!(scratch_is_gone(&test_db, &report).await, "{d}: {report}");

            // A range that leaves the planted revision out passes; one that names it fails.
            let out = run_binary(
                Path::new(ASYMMETRIC),
                &dir.0,
                &[
                    "--database-url",
                    &test_db.url,
                    "test",
                    "0001_notes:0002_tags",
                ],
                &[],
            );
            assert_eq!(out.status.code(), Some(0), "{d}: {}", stderr(&out));
            let out = run_binary(
                Path::new(ASYMMETRIC),
                &dir.0,
                &["--database-url", &test_db.url, "test", "0004"],
                &[],
            );
            let text = stderr(&out);
            assert_eq!(out.status.code(), Some(0), "{d}: {text}");
            assert!(
                text.contains(
                    "Applied 0003_title_index (notes by title) (below the range, not tested)"
                ),
                "{d}: {text}"
            );
            assert!(text.contains("Passed 0004_pinned"), "{d}: {text}");

            // The database the URL names is left alone.
            let mut db = test_db.connect().await;
            assert_eq!(dump_schema(&mut db).await, "", "{d}");
            drop(db);
            test_db.drop_db().await;
        }
    });
}

#[test]
fn test_passes_the_blog_on_every_database() {
    block_on(async {
        for test_db in all_databases("rt_blog").await {
            let d = test_db.dialect;
            let dir = temp_dir("rt_blog_cwd");
            let out = run(
                &dir.0,
                &["--database-url", &test_db.url, "test", "--data"],
                &[],
            );
            let text = stderr(&out);
            assert_eq!(out.status.code(), Some(0), "{d}: {text}");
            assert_eq!(text.matches("      Passed ").count(), 5, "{d}: {text}");
            assert!(
                text.contains("Finished 5 revision(s) went up, down and up again on"),
                "{d}: {text}"
            );
            test_db.drop_db().await;
        }
    });
}

/// A schema dump without one table's block.
fn without_table(dump: &str, table: &str) -> String {
    let mut skipping = false;
    let mut out = String::new();
    for line in dump.lines() {
        if let Some(name) = line.strip_prefix("table ") {
            skipping = name == table;
        }
        if !skipping {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

const BLOG_TABLES: [&str; 5] = ["users", "posts", "comments", "tags", "post_tags"];
const SEEDED: &str = "users=2 posts=1 comments=1 tags=3 post_tags=2";
const EMPTY: &str = "users=0 posts=0 comments=0 tags=0 post_tags=0";

#[test]
fn seed_and_reset_round_trip_the_blog_on_every_database() {
    block_on(async {
        for test_db in all_databases("rt_seed").await {
            let d = test_db.dialect;
            let dir = temp_dir("rt_seed_cwd");
            let url = test_db.url.as_str();
            let runner = |args: &[&str]| {
                let mut all = vec!["--database-url", url];
                all.extend_from_slice(args);
                run(&dir.0, &all, &[])
            };
            // Seeds need the migrated schema.
            let out = runner(&["seed"]);
            assert_eq!(out.status.code(), Some(2), "{d}: {}", stderr(&out));
            assert!(
                stderr(&out).contains("no revision applied"),
                "{d}: {}",
                stderr(&out)
            );

            let out = runner(&["upgrade"]);
            assert!(out.status.success(), "{d}: {}", stderr(&out));
            let mut db = test_db.connect().await;
            let migrated = dump_schema(&mut db).await;

            let out = runner(&["--format", "json", "seed"]);
            assert!(out.status.success(), "{d}: {}", stderr(&out));
            let document: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
            let tags_file = if d == Dialect::Postgres {
                "seeds/003_tags.postgres.sql"
            } else {
                "seeds/003_tags.sql"
            };
            assert_eq!(document["seeds"][2]["file"], tags_file, "{d}: {document}");
            let statuses: Vec<&str> = document["seeds"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["status"].as_str().unwrap())
                .collect();
            assert_eq!(statuses, ["applied"; 4], "{d}");
            assert_eq!(counts(&mut db, &BLOG_TABLES).await, SEEDED, "{d}");

            // Again: every seed ran with this content already, nothing runs.
            let out = runner(&["seed"]);
            assert!(out.status.success(), "{d}: {}", stderr(&out));
            assert_eq!(
                stderr(&out).matches("Unchanged").count(),
                4,
                "{d}: {}",
                stderr(&out)
            );
            assert_eq!(counts(&mut db, &BLOG_TABLES).await, SEEDED, "{d}");

            // Reset: downgraded to base, bookkeeping dropped, at head again, empty.
            let out = runner(&["reset"]);
            assert!(out.status.success(), "{d}: {}", stderr(&out));
            assert_eq!(
                stderr(&out).matches("Reverted").count(),
                5,
                "{d}: {}",
                stderr(&out)
            );
            assert_eq!(counts(&mut db, &BLOG_TABLES).await, EMPTY, "{d}");
            assert!(!db.table_exists("schema_seeds").await.unwrap(), "{d}");
            assert_eq!(dump_schema(&mut db).await, migrated, "{d}");

            let out = runner(&["reset", "--seed"]);
            assert!(out.status.success(), "{d}: {}", stderr(&out));
            assert_eq!(counts(&mut db, &BLOG_TABLES).await, SEEDED, "{d}");

            // --all drops what the migrations did not create too.
            db.raw()
                .execute("CREATE TABLE scratch_notes (id INTEGER)")
                .await
                .unwrap();
            db.raw()
                .execute("CREATE VIEW post_titles AS SELECT title FROM posts")
                .await
                .unwrap();
            let out = runner(&["--format", "json", "reset", "--all", "--seed"]);
            assert!(out.status.success(), "{d}: {}", stderr(&out));
            let document: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
            let dropped = document["dropped"].to_string();
            for object in [
                "table scratch_notes",
                "view post_titles",
                "table users",
                "table schema_version",
            ] {
                assert!(dropped.contains(object), "{d}: {object} in {dropped}");
            }
            assert_eq!(document["applied"].as_array().unwrap().len(), 5, "{d}");
            assert_eq!(
                without_table(&dump_schema(&mut db).await, "schema_seeds"),
                migrated,
                "{d}"
            );
            assert_eq!(counts(&mut db, &BLOG_TABLES).await, SEEDED, "{d}");
            let out = runner(&["current"]);
            assert!(
                stdout(&out).contains("20250105_130000_rename_user_name"),
                "{d}"
            );
            drop(db);
            test_db.drop_db().await;
        }
    });
}

#[test]
fn a_changed_seed_stops_the_run_until_rerun_changed() {
    let dir = with_database("seed_changed");
    let seeds = dir.0.join("my-seeds");
    std::fs::create_dir_all(&seeds).unwrap();
    let seeds_dir = seeds.to_str().unwrap();
    std::fs::write(
        seeds.join("001_users.sql"),
        "INSERT INTO users (email, display_name) VALUES ('a@x', 'A');",
    )
    .unwrap();
    assert!(run(&dir.0, &["upgrade"], &[]).status.success());
    let out = run(&dir.0, &["seed", "--seeds-dir", seeds_dir], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Seeded 001_users"),
        "{}",
        stderr(&out)
    );

    std::fs::write(
        seeds.join("001_users.sql"),
        "INSERT INTO users (email, display_name) VALUES ('b@x', 'B');",
    )
    .unwrap();
    std::fs::write(
        seeds.join("002_more.sql"),
        "INSERT INTO users (email, display_name) VALUES ('c@x', 'C');",
    )
    .unwrap();
    let out = run(&dir.0, &["seed", "--seeds-dir", seeds_dir], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stderr(&out);
    assert!(
        text.contains("a seed file changed since it ran: 001_users (recorded checksum"),
        "{text}"
    );
    assert!(text.contains("nothing ran"), "{text}");
    assert!(text.contains("--rerun-changed"), "{text}");
    assert!(!text.contains("Seeded"), "{text}");

    let out = run(
        &dir.0,
        &["seed", "--seeds-dir", seeds_dir, "--rerun-changed"],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stderr(&out);
    assert!(text.contains("Reseeded 001_users"), "{text}");
    assert!(text.contains("Seeded 002_more"), "{text}");

    // A failing seed is rolled back and not recorded.
    std::fs::write(seeds.join("003_bad.sql"), "INSERT INTO users (email, display_name) VALUES ('d@x', 'D');\nINSERT INTO nowhere VALUES (1);").unwrap();
    let out = run(&dir.0, &["seed", "--seeds-dir", seeds_dir], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("seed `003_bad`"), "{}", stderr(&out));
    let out = run(
        &dir.0,
        &["--format", "json", "seed", "--seeds-dir", seeds_dir],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    block_on(async {
        let url = format!("sqlite:{}", dir.0.join("db.sqlite").display());
        let mut db = Database::connect(&url).await.unwrap();
        assert_eq!(counts(&mut db, &["users"]).await, "users=3");
    });
}

#[test]
fn seed_and_reset_refuse_a_database_not_for_development_without_force() {
    let dir = temp_dir("not_dev");
    // A host elsewhere: refused before any connection is tried.
    for verb in ["seed", "reset"] {
        let out = run(
            &dir.0,
            &[
                "--database-url",
                "postgres://app:secret@db.example.invalid/app",
                verb,
            ],
            &[],
        );
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        let text = stderr(&out);
        assert!(
            text.contains(&format!("refusing to {verb} postgres://app:***@db.example.invalid/app: it does not count as a development database (its host db.example.invalid is not this machine")),
            "{text}"
        );
        assert!(text.contains("SCHEMA_ENV=development"), "{text}");
        assert!(text.contains("--force"), "{text}");
        assert!(!text.contains("cannot connect"), "{text}");
    }
    // SCHEMA_ENV=production wins over a local SQLite file, which is not even created.
    let file = dir.0.join("prod.db");
    let url = format!("sqlite:{}", file.display());
    for verb in [&["seed"][..], &["reset", "--all"]] {
        let mut args = vec!["--database-url", url.as_str()];
        args.extend_from_slice(verb);
        let out = run(&dir.0, &args, &[("SCHEMA_ENV", "production")]);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("SCHEMA_ENV=production marks it as production"),
            "{}",
            stderr(&out)
        );
        assert!(!file.exists(), "refused before connecting");
    }
    // --force goes ahead, and says so.
    let out = run(
        &dir.0,
        &["--database-url", url.as_str(), "reset", "--force"],
        &[("SCHEMA_ENV", "production")],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("Forced reset on"), "{}", stderr(&out));
    assert!(file.exists());
    // SCHEMA_ENV=development lets a non-local host through the check (to a connection error
    // here: the host does not exist).
    let out = run(
        &dir.0,
        &[
            "--database-url",
            "postgres://app@db.example.invalid/app",
            "--connect-timeout",
            "2",
            "seed",
        ],
        &[("SCHEMA_ENV", "development")],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("cannot connect"), "{}", stderr(&out));
}

#[test]
fn the_round_trip_passes_a_33_revision_package_with_foreign_keys_enums_rebuilds_and_data() {
    use schema_runtime::migrator::{Outcome, RoundTripOptions};
    block_on(async {
        for test_db in all_databases("rt_crash_package").await {
            let d = test_db.dialect;
            let migrator = schema_tests::crash::migrator();
            let mut db = test_db.connect().await;
            let results = migrator
                .round_trip(
                    &mut db,
                    &RoundTripOptions::default().with_data(true),
                    |_| {},
                )
                .await
                .unwrap_or_else(|e| panic!("{d}: {e}"));
            let failures: Vec<String> = results
                .iter()
                .filter(|r| r.outcome != Outcome::Same)
                .map(|r| format!("{} {:?}", r.revision, r.outcome))
                .collect();
            assert!(failures.is_empty(), "{d}: {failures:#?}");
            assert_eq!(results.len(), migrator.graph().len(), "{d}");
            drop(db);
            test_db.drop_db().await;
        }
    });
}

/// The runner of tests/fixtures/lint (built with this package): an index built without
/// CONCURRENTLY on a table in use, an allowed SET NOT NULL, raw SQL, then revisions that pass.
const LINT: &str = env!("CARGO_BIN_EXE_lint_runner");

/// `(rule, revision, allowed)` of each finding of a `lint --format json` report.
fn lint_findings(report: &serde_json::Value) -> Vec<(String, String, bool)> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().expect("rule").to_owned(),
                f["revision"].as_str().expect("revision").to_owned(),
                f["allowed"].as_bool().expect("allowed"),
            )
        })
        .collect()
}

#[test]
fn lint_flags_the_blogs_blocking_index_and_rename_and_exits_3() {
    let dir = temp_dir("lint_blog");
    let out = run(&dir.0, &["lint"], &[]);
    let text = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{text}");
    for expected in [
        "error[add-index-without-concurrently]: create_index(ix_posts_slug) in revision \
         `20250104_120000_user_bio_and_post_slug` (op 3, postgres)\n  creates unique index \
         `ix_posts_slug` on `posts`, a table that exists before this revision, without CONCURRENTLY\n  \
         why: CREATE INDEX without CONCURRENTLY",
        "error[rename-column]: alter_column(users.name) in revision \
         `20250105_130000_rename_user_name` (op 1, postgres, sqlite, mysql, mariadb)\n  renames \
         column `users.name` to `display_name`",
        "  instead: add the new column, write both",
        "error: lint failed: 5 revision(s) for postgres, sqlite, mysql, mariadb: 2 errors, 0 \
         warnings, 0 infos (0 allowed by allow_lint)",
    ] {
        assert!(text.contains(expected), "{expected}\n---\n{text}");
    }
    // The indexes of the tables the first revisions create are fine.
    assert!(!text.contains("20250102_100000_create_posts"), "{text}");

    // Before the risky revisions, and on SQLite only the rename.
    let early = run(&dir.0, &["lint", "20250101:20250103"], &[]);
    assert_eq!(early.status.code(), Some(0), "{}", stderr(&early));
    assert!(
        stderr(&early)
            .contains("Linted 3 revision(s) for postgres, sqlite, mysql, mariadb: 0 errors"),
        "{}",
        stderr(&early)
    );
    let sqlite = run(&dir.0, &["lint", "--dialect", "sqlite"], &[]);
    assert_eq!(sqlite.status.code(), Some(3), "{}", stderr(&sqlite));
    assert!(!stderr(&sqlite).contains("add-index-without-concurrently"));
    assert!(stderr(&sqlite).contains("error[rename-column]"));

    // JSON: one document on stdout, parsed back.
    let json = run(
        &dir.0,
        &["lint", "--format", "json", "--dialect", "postgres,mysql"],
        &[],
    );
    assert_eq!(json.status.code(), Some(3), "{}", stderr(&json));
    let report: serde_json::Value =
        serde_json::from_str(&stdout(&json)).expect("one JSON document");
    assert_eq!(report["dialects"], serde_json::json!(["postgres", "mysql"]));
    assert_eq!(report["revisions"].as_array().map(Vec::len), Some(5));
    assert_eq!(report["passed"], false);
    assert_eq!(
        (report["errors"].as_u64(), report["warnings"].as_u64()),
        (Some(2), Some(0))
    );
    assert_eq!(
        lint_findings(&report),
        [
            (
                "add-index-without-concurrently".to_owned(),
                "20250104_120000_user_bio_and_post_slug".to_owned(),
                false
            ),
            (
                "rename-column".to_owned(),
                "20250105_130000_rename_user_name".to_owned(),
                false
            ),
        ]
    );
    let rename = &report["findings"][1];
    assert_eq!(rename["severity"], "error");
    assert_eq!(rename["op"], "alter_column(users.name)");
    assert_eq!(rename["op_index"], 1);
    assert_eq!(rename["dialects"], serde_json::json!(["postgres", "mysql"]));
    assert!(rename["reason"]
        .as_str()
        .is_some_and(|r| r.contains("running code")));
    assert!(rename["instead"].as_str().is_some_and(|r| !r.is_empty()));
}

#[test]
fn lint_keeps_allowed_findings_out_of_the_verdict_and_lists_its_rules() {
    let dir = temp_dir("lint_fixture");
    let lint = |args: &[&str]| run_binary(Path::new(LINT), &dir.0, args, &[]);

    let out = lint(&["lint", "--format", "json"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("one JSON document");
    let finding =
        |rule: &str, revision: &str, allowed: bool| (rule.to_owned(), revision.to_owned(), allowed);
    assert_eq!(
        lint_findings(&report),
        [
            finding("add-index-without-concurrently", "0002_risky", false),
            finding("set-not-null", "0002_risky", true),
            finding("mysql-change-nullability", "0002_risky", false),
            finding("raw-sql", "0002_risky", false),
            finding("drop-index-without-concurrently", "0004_drop_legacy", true),
            finding("drop-column", "0004_drop_legacy", true),
        ]
    );
    let counts = ["errors", "warnings", "infos", "allowed"].map(|k| report[k].as_u64());
    assert_eq!(counts, [Some(1), Some(1), Some(1), Some(3)]);
    assert_eq!(
        report["unused_allows"],
        serde_json::json!([{ "revision": "0003_online", "rule": "rename-table" }])
    );

    // Human: allowed findings are shown as such.
    let human = lint(&["lint"]);
    assert_eq!(human.status.code(), Some(3));
    assert!(
        stderr(&human).contains(
            "error[set-not-null]: alter_column(accounts.email) in revision `0002_risky` (op 2, \
             postgres), allowed by allow_lint"
        ),
        "{}",
        stderr(&human)
    );

    assert!(
        stderr(&human).contains(
            "warning: revision `0003_online` allows `rename-table` but breaks no such rule: \
             remove it from its `allow_lint`"
        ),
        "{}",
        stderr(&human)
    );

    // From 0003 on, only allowed findings: the lint passes.
    let later = lint(&["lint", "0003_online:"]);
    assert_eq!(later.status.code(), Some(0), "{}", stderr(&later));
    assert!(
        stderr(&later).contains("Linted 2 revision(s)")
            && stderr(&later).contains("(2 allowed by allow_lint)"),
        "{}",
        stderr(&later)
    );

    // An unknown revision is an invalid target (exit 4).
    let unknown = lint(&["lint", "nope"]);
    assert_eq!(unknown.status.code(), Some(4), "{}", stderr(&unknown));

    // --rules: every rule, with its examples.
    let rules = lint(&["lint", "--rules", "--format", "json"]);
    assert!(rules.status.success(), "{}", stderr(&rules));
    let rules: serde_json::Value = serde_json::from_str(&stdout(&rules)).expect("JSON");
    let ids: Vec<&str> = rules
        .as_array()
        .expect("rules")
        .iter()
        .map(|r| r["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids, schema_core::lint::RULE_IDS);
    let human_rules = lint(&["lint", "--rules"]);
    let listed = stdout(&human_rules);
    assert!(
        listed.contains("add-index-without-concurrently (error; postgres)\n  why: "),
        "{listed}"
    );
    assert!(
        listed.contains("  bad:  op.create_index(\"posts\", [\"slug\"]);"),
        "{listed}"
    );
}

const USERS: &str = "20250101_090000_create_users";
const POSTS: &str = "20250102_100000_create_posts";
const COMMENTS: &str = "20250103_110000_comments_and_tags";
const BIO: &str = "20250104_120000_user_bio_and_post_slug";
const HEAD: &str = "20250105_130000_rename_user_name";

/// Parses stdout as exactly one JSON document of type `T` (anything after it fails the parse).
fn document<T: JsonDocument>(out: &Output) -> T {
    T::parse(&stdout(out))
}

/// A document type of `schema_runtime::cli::json`.
trait JsonDocument: Sized {
    fn parse(text: &str) -> Self;
}

macro_rules! json_documents {
    ($($ty:ident),*) => {$(
        impl JsonDocument for schema_runtime::cli::json::$ty {
            fn parse(text: &str) -> Self {
                serde_json::from_str(text).unwrap_or_else(|e| {
                    panic!("stdout is not one {} document: {e}\n{text}", stringify!($ty))
                })
            }
        }
    )*};
}

json_documents!(
    MoveDocument,
    SqlDocument,
    CurrentDocument,
    HistoryDocument,
    HeadsDocument,
    BranchesDocument,
    ShowDocument,
    StampDocument,
    RepairDocument,
    CheckDocument,
    SnapshotDocument,
    AutogenerateDocument
);

fn ids<'a>(list: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    list.into_iter().map(str::to_owned).collect()
}

const DIALECTS: [&str; 4] = ["postgres", "sqlite", "mysql", "mariadb"];

#[test]
fn the_database_verbs_print_their_lines_and_one_json_document_on_every_database() {
    use schema_runtime::cli::json::*;
    block_on(async {
        for test_db in all_databases("json_verbs").await {
            let d = test_db.dialect;
            let dir = temp_dir("json_verbs_cwd");
            let url = test_db.url.as_str();
            let runner = |args: &[&str]| {
                let mut all = vec!["--database-url", url];
                all.extend_from_slice(args);
                run(&dir.0, &all, &[])
            };
            let json = |args: &[&str]| {
                let mut all = vec!["--format", "json"];
                all.extend_from_slice(args);
                runner(&all)
            };
            let ok = |out: &Output| assert!(out.status.success(), "{d}: {}", stderr(out));

            // upgrade: a line per step, then the total.
            let out = runner(&["upgrade", "20250102"]);
            ok(&out);
            let text = stderr(&out);
            for line in [
                "Upgrading ",
                " to 20250102",
                &format!("Applied {USERS} (create users) in "),
                &format!("Applied {POSTS} (create posts) in "),
                "Finished 2 revision(s) in ",
            ] {
                assert!(text.contains(line), "{d}: `{line}` in\n{text}");
            }
            let out = json(&["upgrade"]);
            ok(&out);
            let moved: MoveDocument = document(&out);
            assert_eq!(
                (moved.direction.as_str(), moved.target.as_str()),
                ("up", "head"),
                "{d}"
            );
            assert_eq!((moved.from, moved.to), (ids([POSTS]), ids([HEAD])), "{d}");
            let steps: Vec<(&str, &str)> = moved
                .steps
                .iter()
                .map(|s| (s.revision.as_str(), s.direction.as_str()))
                .collect();
            assert_eq!(steps, [(COMMENTS, "up"), (BIO, "up"), (HEAD, "up")], "{d}");
            assert_eq!(moved.steps[2].message, "rename users.name to display_name");
            assert!(moved.steps.iter().all(|s| s.duration_ms >= 0.0), "{d}");
            let again: MoveDocument = document(&json(&["upgrade"]));
            assert!(again.steps.is_empty(), "{d}");
            assert_eq!((again.from, again.to), (ids([HEAD]), ids([HEAD])), "{d}");
            let out = runner(&["upgrade"]);
            assert!(
                stderr(&out).contains("nothing to do: the database is already at the target"),
                "{d}: {}",
                stderr(&out)
            );

            // current
            let out = runner(&["current"]);
            ok(&out);
            assert_eq!(stdout(&out), format!("{HEAD} (head)\n"), "{d}");
            let current: CurrentDocument = document(&json(&["current"]));
            assert_eq!(
                current,
                CurrentDocument {
                    current: ids([HEAD]),
                    heads: ids([HEAD]),
                    at_heads: true,
                    part_way: Vec::new(),
                    edited: Vec::new(),
                },
                "{d}"
            );

            // history -i marks where the database is; -r takes a range.
            let out = runner(&["history", "-i"]);
            ok(&out);
            let lines: Vec<String> = stdout(&out).lines().map(str::to_owned).collect();
            assert_eq!(
                lines.first().map(String::as_str),
                Some(
                    format!("{BIO} -> {HEAD} (head, current), rename users.name to display_name")
                        .as_str()
                ),
                "{d}"
            );
            assert_eq!(
                lines.last().map(String::as_str),
                Some(format!("<base> -> {USERS}, create users").as_str()),
                "{d}"
            );
            let history: HistoryDocument = document(&json(&["history", "-i"]));
            assert_eq!(history.current, Some(ids([HEAD])), "{d}");
            let listed: Vec<(&str, bool, bool)> = history
                .revisions
                .iter()
                .map(|e| (e.revision.id.as_str(), e.current, e.revision.head))
                .collect();
            assert_eq!(
                listed,
                [
                    (HEAD, true, true),
                    (BIO, false, false),
                    (COMMENTS, false, false),
                    (POSTS, false, false),
                    (USERS, false, false)
                ],
                "{d}"
            );
            assert_eq!(history.revisions[3].revision.parents, ids([USERS]), "{d}");
            assert!(history.revisions[4].revision.parents.is_empty(), "{d}");
            let out = runner(&["history", "-r", "base:20250102"]);
            assert_eq!(
                stdout(&out),
                format!("{USERS} -> {POSTS}, create posts\n<base> -> {USERS}, create users\n"),
                "{d}"
            );
            let ranged: HistoryDocument = document(&json(&["history", "-r", "base:20250102"]));
            assert_eq!(ranged.range.as_deref(), Some("base:20250102"), "{d}");
            assert_eq!(ranged.current, None, "{d}");
            let ranged: Vec<&str> = ranged
                .revisions
                .iter()
                .map(|e| e.revision.id.as_str())
                .collect();
            assert_eq!(ranged, [POSTS, USERS], "{d}");

            // repair: nothing edited, nothing failed.
            let out = json(&["repair", "--accept-edit"]);
            ok(&out);
            let repair: RepairDocument = document(&out);
            assert_eq!(
                (repair.mode.as_str(), repair.accepted.len()),
                ("accept-edit", 0),
                "{d}"
            );
            assert!(
                stderr(&runner(&["repair", "--accept-edit"]))
                    .contains("nothing to accept: every applied revision matches"),
                "{d}"
            );
            for format in ["human", "json"] {
                let out = runner(&["--format", format, "repair", "--resolved", "20250101"]);
                assert_eq!(out.status.code(), Some(1), "{d}: {}", stderr(&out));
                assert!(
                    stderr(&out).contains(&format!(
                        "error: revision `{USERS}` has no unresolved failure: nothing to resolve"
                    )),
                    "{d}: {}",
                    stderr(&out)
                );
                assert_eq!(stdout(&out), "", "{d}");
            }

            // An applied revision whose recorded checksum differs: current and check say so,
            // repair --accept-edit records the current one.
            let mut db = test_db.connect().await;
            let log = d.quote("schema_log");
            // A checksum of the recorded form (upper case, as long as the column).
            let fake = "E".repeat(64);
            db.raw()
                .execute(&format!(
                    "UPDATE {log} SET checksum = '{fake}' WHERE revision = '{HEAD}'"
                ))
                .await
                .unwrap();
            let out = json(&["current"]);
            assert_eq!(out.status.code(), Some(3), "{d}: {}", stderr(&out));
            assert_eq!(document::<CurrentDocument>(&out).edited, ids([HEAD]), "{d}");
            let out = json(&["check", "--database"]);
            assert_eq!(out.status.code(), Some(3), "{d}: {}", stderr(&out));
            let check: CheckDocument = document(&out);
            assert!(!check.passed, "{d}");
            assert_eq!(check.problems.len(), 1, "{d}: {check:?}");
            assert_eq!(check.problems[0].kind, "edited", "{d}");
            assert!(
                check.problems[0]
                    .message
                    .contains(&format!("revision `{HEAD}` was edited after it ran")),
                "{d}: {check:?}"
            );
            let out = json(&["repair", "--accept-edit"]);
            ok(&out);
            let repair: RepairDocument = document(&out);
            assert_eq!(repair.accepted.len(), 1, "{d}: {repair:?}");
            assert_eq!(
                (
                    repair.accepted[0].revision.as_str(),
                    repair.accepted[0].recorded.as_str()
                ),
                (HEAD, fake.as_str()),
                "{d}"
            );
            assert_ne!(repair.accepted[0].now, fake, "{d}");
            ok(&runner(&["current", "--check-heads"]));

            // check --database: no problem, then a table no revision made.
            let out = runner(&["check", "--database"]);
            ok(&out);
            assert!(
                stderr(&out).contains(
                    "Checked 5 revisions on postgres, sqlite, mysql, mariadb: no problems, and the database matches its revision"
                ),
                "{d}: {}",
                stderr(&out)
            );
            let check: CheckDocument = document(&json(&["check", "--database"]));
            assert_eq!(
                check,
                CheckDocument {
                    revisions: 5,
                    dialects: ids(DIALECTS),
                    database: true,
                    passed: true,
                    problems: Vec::new(),
                },
                "{d}"
            );
            db.raw()
                .execute("CREATE TABLE drift_extra (id INT)")
                .await
                .unwrap();
            let out = runner(&["check", "--database"]);
            assert_eq!(out.status.code(), Some(3), "{d}: {}", stderr(&out));
            assert!(
                stderr(&out).contains(&format!("error: the database has drifted from {HEAD}: ")),
                "{d}: {}",
                stderr(&out)
            );
            let check: CheckDocument = document(&json(&["check", "--database"]));
            let kinds: Vec<&str> = check.problems.iter().map(|p| p.kind.as_str()).collect();
            assert_eq!(kinds, ["drift"], "{d}: {check:?}");
            assert!(check.problems[0].message.contains("drift_extra"), "{d}");

            // autogenerate --from-db: the models lack the extra table.
            let out = runner(&["autogenerate", "--from-db"]);
            ok(&out);
            assert!(
                stdout(&out).contains("drift_extra"),
                "{d}: {}",
                stdout(&out)
            );
            let generated: AutogenerateDocument = document(&json(&["autogenerate", "--from-db"]));
            assert!(generated.changes >= 1, "{d}: {generated:?}");
            assert!(generated.body.contains("drift_extra"), "{d}: {generated:?}");
            assert_eq!(generated.heads, ids([HEAD]), "{d}");
            db.raw().execute("DROP TABLE drift_extra").await.unwrap();

            // stamp
            let out = runner(&["stamp", "20250103"]);
            ok(&out);
            assert!(
                stderr(&out).contains(&format!("Stamped {HEAD} -> {COMMENTS} (no migration ran)")),
                "{d}: {}",
                stderr(&out)
            );
            let stamp: StampDocument = document(&json(&["stamp", "head"]));
            assert_eq!(
                stamp,
                StampDocument {
                    before: ids([COMMENTS]),
                    after: ids([HEAD]),
                },
                "{d}"
            );

            // downgrade
            let out = runner(&["downgrade", "-1"]);
            ok(&out);
            let text = stderr(&out);
            for line in [
                &format!("Reverted {HEAD} (rename users.name to display_name) in "),
                "Finished 1 revision(s) in ",
            ] {
                assert!(text.contains(line), "{d}: `{line}` in\n{text}");
            }
            let out = json(&["downgrade", "base"]);
            ok(&out);
            let moved: MoveDocument = document(&out);
            assert_eq!(moved.direction, "down", "{d}");
            assert_eq!((moved.from, moved.to), (ids([BIO]), Vec::new()), "{d}");
            let steps: Vec<(&str, &str)> = moved
                .steps
                .iter()
                .map(|s| (s.revision.as_str(), s.direction.as_str()))
                .collect();
            assert_eq!(
                steps,
                [
                    (BIO, "down"),
                    (COMMENTS, "down"),
                    (POSTS, "down"),
                    (USERS, "down")
                ],
                "{d}"
            );
            assert_eq!(
                stdout(&runner(&["current"])),
                "base (no revision applied)\n"
            );
            let current: CurrentDocument = document(&json(&["current"]));
            assert!(current.current.is_empty() && !current.at_heads, "{d}");
            drop(db);
            test_db.drop_db().await;
        }
    });
}

#[test]
fn the_verbs_without_a_database_print_their_lines_and_one_json_document() {
    use schema_runtime::cli::json::*;
    let dir = temp_dir("json_offline");
    let runner = |args: &[&str]| run(&dir.0, args, &[]);
    let json = |args: &[&str]| {
        let mut all = vec!["--format", "json"];
        all.extend_from_slice(args);
        let out = runner(&all);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        out
    };

    // heads
    assert_eq!(stdout(&runner(&["heads"])), format!("{HEAD} (head)\n"));
    assert!(stdout(&runner(&["heads", "-v"])).contains(&format!(
        "Rev: {HEAD} (head)\nParent: {BIO}\n\n    rename users.name to display_name"
    )));
    let heads: HeadsDocument = document(&json(&["heads"]));
    assert_eq!(heads.heads.len(), 1);
    let head = &heads.heads[0];
    assert_eq!(
        (
            head.id.as_str(),
            head.head,
            head.merge_point,
            head.branch_point
        ),
        (HEAD, true, false, false)
    );
    assert_eq!(head.parents, ids([BIO]));
    assert_eq!(head.message, "rename users.name to display_name");

    // branches: none in the blog; the asymmetric fixture branches at 0001 and merges at 0004.
    assert_eq!(stdout(&runner(&["branches"])), "");
    let branches: BranchesDocument = document(&json(&["branches"]));
    assert!(branches.branch_points.is_empty());
    let asymmetric = |args: &[&str]| run_binary(Path::new(ASYMMETRIC), &dir.0, args, &[]);
    assert_eq!(
        stdout(&asymmetric(&["branches"])),
        "0001_notes (branchpoint), notes\n    -> 0002_tags\n    -> 0003_title_index\n"
    );
    let branches: BranchesDocument = document(&asymmetric(&["--format", "json", "branches"]));
    assert_eq!(branches.branch_points.len(), 1);
    let point = &branches.branch_points[0];
    assert_eq!(
        (point.revision.id.as_str(), point.revision.branch_point),
        ("0001_notes", true)
    );
    assert_eq!(point.children, ids(["0002_tags", "0003_title_index"]));
    let heads: HeadsDocument = document(&asymmetric(&["--format", "json", "heads"]));
    assert_eq!(heads.heads[0].id, "0004_pinned");
    assert!(heads.heads[0].merge_point);
    assert_eq!(
        heads.heads[0].parents,
        ids(["0002_tags", "0003_title_index"])
    );

    // show: the revision and its SQL both ways.
    let out = runner(&["show", "20250102"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for part in [
        &format!("Rev: {POSTS}\nParent: {USERS}\n"),
        "-- upgrade (sqlite)\nCREATE TABLE \"posts\"",
        "-- downgrade (sqlite)\nDROP TABLE \"posts\";",
    ] {
        assert!(text.contains(part), "`{part}` in\n{text}");
    }
    let show: ShowDocument = document(&json(&["show", "20250102", "--dialect", "postgres"]));
    assert_eq!(show.revision.id, POSTS);
    assert_eq!(show.revision.parents, ids([USERS]));
    assert_eq!(show.dialect, "postgres");
    assert!(
        show.upgrade[0].starts_with("CREATE TABLE \"posts\""),
        "{show:?}"
    );
    let down = show.downgrade.expect("the downgrade plans");
    assert!(down.iter().any(|s| s == "DROP TABLE \"posts\""), "{down:?}");
    assert_eq!(show.downgrade_error, None);

    // check without --database
    let out = runner(&["check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out)
        .contains("Checked 5 revisions on postgres, sqlite, mysql, mariadb: no problems\n"));
    let check: CheckDocument = document(&json(&["check", "--dialect", "sqlite,postgres"]));
    assert_eq!(
        check,
        CheckDocument {
            revisions: 5,
            dialects: ids(["sqlite", "postgres"]),
            database: false,
            passed: true,
            problems: Vec::new(),
        }
    );

    // snapshot --check compares the blog's snapshots (and writes nothing when they match).
    let out = runner(&["snapshot", "--check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Checked 20 snapshots in migrations/snapshots: all current"),
        "{}",
        stderr(&out)
    );
    let snapshot: SnapshotDocument =
        document(&json(&["snapshot", "--check", "--dialect", "sqlite"]));
    assert_eq!(
        snapshot,
        SnapshotDocument {
            checked: true,
            folder: "migrations/snapshots".into(),
            unchanged: 5,
            created: Vec::new(),
            updated: Vec::new(),
            removed: Vec::new(),
            mismatches: Vec::new(),
            stale: Vec::new(),
            passed: true,
        }
    );

    // autogenerate: the models agree with the migrations.
    let out = runner(&["autogenerate"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("nothing to generate: no difference"));
    assert_eq!(stdout(&out), "");
    let generated: AutogenerateDocument = document(&json(&["autogenerate"]));
    assert_eq!(
        generated,
        AutogenerateDocument {
            changes: 0,
            heads: ids([HEAD]),
            body: String::new(),
            notes: Vec::new(),
            left_out: Vec::new(),
            alembic_revisions: Vec::new(),
        }
    );

    // Offline SQL: the script as is, or inside a document.
    let args = ["upgrade", "--sql", "--dialect", "sqlite", "base:20250101"];
    let script = stdout(&runner(&args));
    assert!(script.contains(&format!("-- up {USERS}")), "{script}");
    let sql: SqlDocument = document(&json(&args));
    assert_eq!(sql.dialect, "sqlite");
    assert_eq!(sql.sql, script);
    let sql: SqlDocument = document(&json(&["stamp", "--sql", "--dialect", "postgres", "head"]));
    assert_eq!(sql.dialect, "postgres");
    assert!(
        sql.sql.contains("schema_version") && sql.sql.contains(HEAD),
        "{}",
        sql.sql
    );

    // history without a database
    let history: HistoryDocument = document(&json(&["history"]));
    assert_eq!(history.current, None);
    assert_eq!(history.revisions.len(), 5);
    assert!(history
        .revisions
        .iter()
        .all(|e| !e.current && e.part_way.is_none()));
}

#[test]
fn quiet_prints_no_status_line_but_still_the_errors() {
    let dir = with_database("quiet");
    // Without a terminal and without -q: a line per step, no statement of a fast step.
    let out = run(&dir.0, &["upgrade", "20250101"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains(&format!("Applied {USERS}")));
    assert!(!stderr(&out).contains("Running"), "{}", stderr(&out));
    for args in [
        &["-q", "upgrade"][..],
        &["--quiet", "check"],
        &["-q", "stamp", "head"],
        &["-q", "history", "-i"],
        &["-q", "downgrade", "-1"],
    ] {
        let out = run(&dir.0, args, &[]);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        assert_eq!(stderr(&out), "", "{args:?}");
    }
    let out = run(&dir.0, &["-q", "--format", "json", "upgrade"], &[]);
    assert_eq!(stderr(&out), "");
    let moved: schema_runtime::cli::json::MoveDocument = document(&out);
    assert_eq!(moved.to, ids([HEAD]));
    // Errors are still said.
    let out = run(&dir.0, &["-q", "downgrade"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("error: downgrade needs a target"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_slow_step_shows_each_statement_as_it_starts_without_a_terminal() {
    // A transaction that read `users` holds its lock until it ends, so the revision that alters
    // `users` waits: the step is slow for a real reason. (SQLite locks the whole file, so the
    // runner would wait before the step starts: not tested there. The progress bar on a
    // terminal needs a pseudo-terminal: not tested.)
    block_on(async {
        for test_db in all_databases("slow_step").await {
            let d = test_db.dialect;
            if d == Dialect::Sqlite {
                test_db.drop_db().await;
                continue;
            }
            let dir = temp_dir("slow_step_cwd");
            let url = test_db.url.as_str();
            let out = run(&dir.0, &["--database-url", url, "upgrade", COMMENTS], &[]);
            assert!(out.status.success(), "{d}: {}", stderr(&out));
            let mut holder = test_db.connect().await;
            holder.raw().execute("BEGIN").await.unwrap();
            holder
                .raw()
                .fetch_strings(&format!(
                    "SELECT {} FROM {}",
                    d.quote("email"),
                    d.quote("users")
                ))
                .await
                .unwrap();
            let child = Command::new(runner())
                .args(["--database-url", url, "upgrade", BIO])
                .current_dir(&dir.0)
                .env_remove("DATABASE_URL")
                .env_remove("CARGO_SCHEMA")
                .env("CARGO_TERM_COLOR", "never")
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            std::thread::sleep(std::time::Duration::from_millis(3500));
            holder.raw().execute("COMMIT").await.unwrap();
            let out = child.wait_with_output().unwrap();
            assert!(out.status.success(), "{d}: {}", stderr(&out));
            let text = stderr(&out);
            let first = text
                .find(&format!("Running {BIO} [1/"))
                .unwrap_or_else(|| panic!("{d}: the waiting statement is shown:\n{text}"));
            let second = text
                .find(&format!("Running {BIO} [2/"))
                .unwrap_or_else(|| panic!("{d}: later statements are shown:\n{text}"));
            let applied = text.find(&format!("Applied {BIO}")).expect("applied");
            assert!(first < second && second < applied, "{d}: {text}");
            let line = text[first..].lines().next().unwrap();
            assert!(
                line.contains("ALTER TABLE") && line.contains("users"),
                "{d}: {line}"
            );
            assert_eq!(
                text.matches(&format!("Running {BIO} [1/")).count(),
                1,
                "{d}: {text}"
            );
            drop(holder);
            test_db.drop_db().await;
        }
    });
}
