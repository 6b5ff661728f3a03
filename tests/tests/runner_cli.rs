//! The blog's runner binary (`examples/blog/src/bin/migrate.rs`), run as a deployment runs it:
//! on its own, from another directory, configured only by its environment.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use schema_tests::temp_dir;

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
    let mut command = Command::new(runner());
    command
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
