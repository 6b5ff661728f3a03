//! Functional tests: a throwaway crate in a temp dir, the real `cargo-schema` binary run on it
//! as cargo runs it (`cargo-schema schema <verb>`). Only verbs that compile nothing are run here,
//! but for one: a project made by `init` is moved to another path, built and upgraded.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

/// Runs `cargo schema <args>` in `dir`, without colors so messages compare as text.
fn cargo_schema(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cargo-schema"))
        .arg("schema")
        .args(args)
        .current_dir(dir)
        .env("CARGO_TERM_COLOR", "never")
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("DATABASE_URL")
        .output()
        .expect("cargo-schema runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[track_caller]
fn assert_exit(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "stderr:\n{}",
        stderr(output)
    );
}

fn write(path: &Path, contents: &str) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("create parent folder");
    }
    fs::write(path, contents).expect("write file");
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// A `cargo new`-like crate with a library and an application binary.
fn new_crate(dir: &Path, name: &str) {
    write(
        &dir.join("Cargo.toml"),
        &format!(
            "[package]\nname = \"{name}\" # the app\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
             # what the app needs\n[dependencies]\n"
        ),
    );
    write(&dir.join("src/main.rs"), "fn main() {}\n");
    write(&dir.join("src/lib.rs"), "");
}

fn temp_crate(name: &str) -> TempDir {
    let temp = tempfile::tempdir().expect("temp dir");
    new_crate(temp.path(), name);
    temp
}

/// The commit of this checkout: outside the repository, `init` depends on the runtime's git
/// source at the commit the tool was built from.
fn head_commit() -> String {
    let output = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("git runs");
    assert!(output.status.success(), "this checkout is a git repository");
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// Splits `init`'s runtime dependency line out of a manifest (it names this checkout's source),
/// checking it is a git source at this commit with only `features` compiled.
#[track_caller]
fn without_dependency_line(manifest: &str, features: &str) -> String {
    let line = manifest
        .lines()
        .find(|l| l.starts_with("schema-runtime = "))
        .unwrap_or_else(|| panic!("no runtime dependency in\n{manifest}"));
    assert!(line.starts_with("schema-runtime = { git = \""), "{line}");
    assert!(
        line.contains(&format!("rev = \"{}\"", head_commit())),
        "{line}"
    );
    assert!(
        line.ends_with(&format!(
            "default-features = false, features = [{features}] }}"
        )),
        "{line}"
    );
    assert!(!line.contains("path ="), "{line}");
    manifest.replace(line, "schema-runtime = <source>")
}

/// Every file under `dir` with its contents, for before/after comparisons.
fn tree(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in fs::read_dir(&folder).expect("read dir") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let contents = read(&path);
                files.push((path, contents));
            }
        }
    }
    files.sort();
    files
}

/// The migration files of `dir`, by file name.
fn migration_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir.join("migrations"))
        .expect("migrations folder")
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name.ends_with(".rs"))
        .collect();
    names.sort();
    names
}

fn migration(id: &str, revises: Option<&str>) -> String {
    let revises = revises
        .map(|r| format!(", revises = \"{r}\""))
        .unwrap_or_default();
    format!(
        "use schema_runtime::prelude::*;\n\n#[migration(id = \"{id}\"{revises}, message = \"{id}\")]\nfn upgrade(op: &mut Ops) {{}}\n"
    )
}

/// An initialised crate whose migrations folder holds one base revision, `0001_base`.
fn initialised_with_base() -> TempDir {
    let temp = temp_crate("app");
    assert_exit(&cargo_schema(temp.path(), &["init"]), 0);
    write(
        &temp.path().join("migrations/0001_base.rs"),
        &migration("0001_base", None),
    );
    temp
}

#[test]
fn init_creates_the_runner_build_script_and_manifest_entries() {
    let temp = temp_crate("app");
    let dir = temp.path();

    let output = cargo_schema(dir, &["init"]);
    assert_exit(&output, 0);

    assert!(dir.join("migrations").is_dir());
    assert!(read(&dir.join("migrations/README.md")).contains("cargo schema revision"));
    assert_eq!(
        read(&dir.join("src/bin/migrate.rs")),
        "//! Applies this package's migrations: `cargo schema upgrade`, or `cargo run --bin migrate -- upgrade`.\n\
         static MIGRATIONS: schema_runtime::Migrations = schema_runtime::migrations!(\"migrations\");\n\
         schema_runtime::runner_main!(MIGRATIONS);\n\
         \n\
         // `cargo test` replays every revision on each dialect, derives every downgrade and, once\n\
         // `cargo schema snapshot` has written migrations/snapshots/, compares their SQL.\n\
         schema_runtime::migration_tests!(MIGRATIONS);\n\
         \n\
         // `cargo schema test` applies, reverts and applies again every revision on a scratch\n\
         // database and compares the schema each time. To run it under `cargo test` too (beside\n\
         // DATABASE_URL's database, else in a temporary SQLite file), uncomment:\n\
         // schema_runtime::round_trip_tests!(MIGRATIONS);\n\
         \n\
         // `cargo schema lint` reviews the revisions for ops that lock or rewrite a table in use or\n\
         // break running code. To fail `cargo test` on its errors too, uncomment (with\n\
         // `, range = \"REV:\"` it reviews only REV and the revisions after it):\n\
         // schema_runtime::lint_tests!(MIGRATIONS);\n"
    );
    assert!(read(&dir.join("build.rs"))
        .contains("fn main() {\n    println!(\"cargo:rerun-if-changed=migrations\");\n}"));
    assert_eq!(
        without_dependency_line(&read(&dir.join("Cargo.toml")), r#""cli", "sqlite""#),
        format!(
            "[package]\nname = \"app\" # the app\nversion = \"0.1.0\"\nedition = \"2021\"\ndefault-run = \"app\"\n\n\
             [package.metadata.schema]\nmigrations = \"migrations\"\nrunner = \"migrate\"\n\n\
             # what the app needs\n[dependencies]\nschema-runtime = <source>\n\n\
             # Added by `cargo schema init`: SQLite is C code built inside libsqlite3-sys, and at the\n\
             # dev profile's opt-level 0 it applies migrations (and runs every query of a debug\n\
             # build) about 1.5x slower. Optimising it costs ~20 s once, on a clean build.\n\
             [profile.dev.package.libsqlite3-sys]\nopt-level = 2\n\n\
             # Added by `cargo schema init`: the migration library's own code (revision graph, schema\n\
             # replay, SQL rendering) optimised starts the debug runner ~25% faster at 1,000\n\
             # revisions. Your migrations still build at opt-level 0: rebuilds cost the same.\n\
             [profile.dev.package.schema-runtime]\nopt-level = 2\n\n\
             # Added by `cargo schema init`: the checksums of applied revisions are SHA-256 over their\n\
             # ops, seed rows included; unoptimised, hashing a million seed rows takes ~0.8 s on\n\
             # every run instead of ~0.1 s.\n\
             [profile.dev.package.sha2]\nopt-level = 2\n",
        )
    );
    assert_eq!(
        read(&dir.join(".gitignore")),
        "# cargo schema: the development database, and snapshots waiting for `cargo insta review`\n\
         /app.db\n/app.db-*\n*.snap.new\n"
    );

    let messages = stderr(&output);
    for line in [
        "     Created migrations/",
        "     Created src/bin/migrate.rs",
        "     Created build.rs",
        "     Created .gitignore",
        "     Updated Cargo.toml",
        "Drivers sqlite (nothing names a database",
    ] {
        assert!(messages.contains(line), "missing `{line}` in:\n{messages}");
    }
    assert!(messages.contains("cargo schema revision -m"), "{messages}");
    assert!(
        messages.contains("schema_runtime::Migrator::from_migrations(&MIGRATIONS)?"),
        "{messages}"
    );
}

#[test]
fn init_twice_changes_nothing_and_says_so() {
    let temp = temp_crate("app");
    assert_exit(&cargo_schema(temp.path(), &["init"]), 0);
    let before = tree(temp.path());

    let output = cargo_schema(temp.path(), &["init"]);
    assert_exit(&output, 0);
    assert_eq!(tree(temp.path()), before);
    assert!(
        stderr(&output).contains("already initialised"),
        "{}",
        stderr(&output)
    );
    assert!(!stderr(&output).contains("Created"), "{}", stderr(&output));
}

#[test]
fn init_leaves_an_existing_build_script_and_runner_alone() {
    let temp = temp_crate("app");
    let dir = temp.path();
    let build = "fn main() {\n    println!(\"cargo:rustc-env=X=1\");\n}\n";
    write(&dir.join("build.rs"), build);
    write(&dir.join("src/bin/migrate.rs"), "fn main() {}\n");

    let output = cargo_schema(dir, &["init"]);
    assert_exit(&output, 0);
    assert_eq!(read(&dir.join("build.rs")), build);
    assert_eq!(read(&dir.join("src/bin/migrate.rs")), "fn main() {}\n");
    let messages = stderr(&output);
    assert!(
        messages.contains("println!(\"cargo:rerun-if-changed=migrations\");"),
        "{messages}"
    );
    assert!(messages.contains("runner_main!"), "{messages}");
}

#[test]
fn init_with_another_folder_uses_it_everywhere() {
    let temp = temp_crate("app");
    let dir = temp.path();
    fs::remove_file(dir.join("src/main.rs")).expect("remove main.rs");

    assert_exit(
        &cargo_schema(dir, &["init", "--migrations", "db/migrations"]),
        0,
    );
    assert!(dir.join("db/migrations").is_dir());
    assert!(read(&dir.join("src/bin/migrate.rs")).contains("migrations!(\"db/migrations\")"));
    assert!(read(&dir.join("build.rs")).contains("rerun-if-changed=db/migrations"));
    let manifest = read(&dir.join("Cargo.toml"));
    assert!(
        manifest.contains("migrations = \"db/migrations\""),
        "{manifest}"
    );
    // A library crate has no application for `cargo run` to keep picking.
    assert!(!manifest.contains("default-run"), "{manifest}");

    let output = cargo_schema(dir, &["init", "--migrations", "other"]);
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("already keeps its migrations in `db/migrations`"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn init_enables_the_drivers_the_project_names() {
    // `.env` names PostgreSQL and the app's sqlx names MySQL: both drivers, TLS, no SQLite.
    let temp = temp_crate("app");
    let dir = temp.path();
    write(
        &dir.join(".env"),
        "DATABASE_URL=postgres://app@db.internal/app\n",
    );
    let manifest = read(&dir.join("Cargo.toml")).replace(
        "[dependencies]\n",
        "[dependencies]\nsqlx = { version = \"0.8\", default-features = false, features = [\"mysql\"] }\n",
    );
    write(&dir.join("Cargo.toml"), &manifest);
    write(&dir.join(".gitignore"), "/target");

    let output = cargo_schema(dir, &["init"]);
    assert_exit(&output, 0);
    let messages = stderr(&output);
    assert!(
        messages.contains(
            "Drivers postgres, mysql (from .env, sqlx feature `mysql`); only these are compiled"
        ),
        "{messages}"
    );
    let manifest = read(&dir.join("Cargo.toml"));
    without_dependency_line(&manifest, r#""cli", "postgres", "mysql", "tls""#);
    // No SQLite: no profile entry that would match no package, no SQLite file to ignore.
    assert!(!manifest.contains("libsqlite3-sys"), "{manifest}");
    assert_eq!(
        read(&dir.join(".gitignore")),
        "/target\n# cargo schema: the development database, and snapshots waiting for `cargo insta review`\n\
         *.snap.new\n"
    );
    assert!(
        messages.contains("Updated .gitignore: *.snap.new"),
        "{messages}"
    );

    // `--database` wins over what the project shows.
    let temp = temp_crate("other");
    write(
        &temp.path().join(".env"),
        "DATABASE_URL=postgres://app@db.internal/app\n",
    );
    assert_exit(
        &cargo_schema(temp.path(), &["init", "--database", "mariadb,sqlite"]),
        0,
    );
    without_dependency_line(
        &read(&temp.path().join("Cargo.toml")),
        r#""cli", "sqlite", "mysql", "tls""#,
    );
    let output = cargo_schema(
        temp_crate("third").path(),
        &["init", "--database", "oracle"],
    );
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("possible values: postgres, sqlite, mysql"),
        "{}",
        stderr(&output)
    );
}

/// The target folder the moved project builds into: shared across runs, so only the first
/// compiles the runtime and its drivers.
fn fixture_target() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"))
        .join("init-project")
}

/// Copies `from` into `to`, recursively.
fn copy_tree(from: &Path, to: &Path) {
    for (path, contents) in tree(from) {
        let inside = path.strip_prefix(from).expect("under the tree");
        write(&to.join(inside), &contents);
    }
}

#[test]
fn init_project_builds_and_upgrades_from_another_path() {
    // Made outside this repository, then moved: nothing in it may name the first path or this
    // checkout's folders (the runtime comes from its git source at this commit).
    let first = temp_crate("shopfront");
    assert_exit(
        &cargo_schema(first.path(), &["init", "--database", "sqlite"]),
        0,
    );
    write(
        &first.path().join("migrations/0001_items.rs"),
        "use schema_runtime::prelude::*;\n\n\
         #[migration(id = \"0001_items\", message = \"items\")]\n\
         fn upgrade(op: &mut Ops) {\n    \
         op.create_table(\"items\", |t| {\n        \
         t.column(\"id\", Type::BigInt).primary_key();\n        \
         t.column(\"name\", Type::Text).not_null();\n    });\n}\n",
    );
    let second = tempfile::tempdir().expect("temp dir");
    let dir = second.path().join("checkout/shopfront");
    copy_tree(first.path(), &dir);
    drop(first);
    // The workspace's lock file: the same versions as this repository, already downloaded.
    fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock"),
        dir.join("Cargo.lock"),
    )
    .expect("copy Cargo.lock");

    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_cargo-schema"))
            .arg("schema")
            .args(args)
            .current_dir(&dir)
            .env("CARGO_TERM_COLOR", "never")
            .env("CARGO_TARGET_DIR", fixture_target())
            .env_remove("DATABASE_URL")
            .output()
            .expect("cargo-schema runs")
    };
    let output = run(&["upgrade"]);
    assert_exit(&output, 0);
    assert!(
        stderr(&output).contains("shopfront.db"),
        "says which SQLite file it uses:\n{}",
        stderr(&output)
    );
    assert!(dir.join("shopfront.db").is_file());
    let output = run(&["current"]);
    assert_exit(&output, 0);
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("0001_items"),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );

    // One driver: the others are not in the build graph.
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(["tree", "-e", "normal", "--prefix", "none"])
        .current_dir(&dir)
        .output()
        .expect("cargo tree runs");
    assert_exit(&output, 0);
    let tree = String::from_utf8_lossy(&output.stdout);
    assert!(tree.contains("sqlx-sqlite"), "{tree}");
    for other in ["sqlx-postgres", "sqlx-mysql", "rustls"] {
        assert!(!tree.contains(other), "{other} is built:\n{tree}");
    }
}

#[test]
fn reserved_targets_are_refused_as_ids() {
    let temp = temp_crate("app");
    let dir = temp.path();
    assert_exit(&cargo_schema(dir, &["init"]), 0);
    for (args, id) in [
        (
            &["adopt", "-m", "from the old tool", "--id", "base"][..],
            "base",
        ),
        (&["revision", "-m", "x", "--id", "Head"][..], "Head"),
        (&["revision", "-m", "x", "--id", "current"][..], "current"),
    ] {
        let output = cargo_schema(dir, args);
        assert_exit(&output, 2);
        assert!(
            stderr(&output).contains(&format!(
                "revision id `{id}` is a reserved target (`base`, `head`, `heads`, `current`)"
            )),
            "{}",
            stderr(&output)
        );
        assert!(migration_files(dir).is_empty(), "{args:?} wrote a file");
    }
}

/// A crate whose runner uses this checkout's runtime (path dependency, SQLite only), building
/// into the shared fixture target folder.
fn runtime_crate(name: &str) -> TempDir {
    let temp = temp_crate(name);
    let dir = temp.path();
    assert_exit(&cargo_schema(dir, &["init", "--database", "sqlite"]), 0);
    let runtime = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../schema-runtime")
        .canonicalize()
        .expect("schema-runtime next to cargo-schema");
    let manifest: String = read(&dir.join("Cargo.toml"))
        .lines()
        .map(|line| {
            if line.starts_with("schema-runtime = ") {
                format!(
                    "schema-runtime = {{ path = {:?}, default-features = false, features = [\"cli\", \"sqlite\"] }}\n",
                    runtime.display().to_string()
                )
            } else {
                format!("{line}\n")
            }
        })
        .collect();
    write(&dir.join("Cargo.toml"), &manifest);
    fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock"),
        dir.join("Cargo.lock"),
    )
    .expect("copy Cargo.lock");
    temp
}

/// `cargo schema <args>` in `dir`, building into the shared fixture target folder.
fn cargo_schema_built(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cargo-schema"))
        .arg("schema")
        .args(args)
        .current_dir(dir)
        .env("CARGO_TERM_COLOR", "never")
        .env("CARGO_TARGET_DIR", fixture_target())
        .env_remove("DATABASE_URL")
        .output()
        .expect("cargo-schema runs")
}

fn sqlite3(db: &Path, sql: &str) {
    let output = Command::new("sqlite3")
        .arg(db)
        .arg(sql)
        .output()
        .expect("the sqlite3 client runs");
    assert!(output.status.success(), "{}", stderr(&output));
}

#[test]
fn adopt_leaves_other_tools_tables_out_and_keeps_the_handover_traceable() {
    let temp = runtime_crate("legacy");
    let dir = temp.path();
    // As Alembic (and a Django app beside it) left it, with a scratch table and an
    // expression-only index.
    sqlite3(
        &dir.join("legacy.db"),
        "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY);\n\
         INSERT INTO alembic_version VALUES ('ae1027a6acf');\n\
         CREATE TABLE django_migrations (id INTEGER PRIMARY KEY, app VARCHAR(255) NOT NULL);\n\
         CREATE TABLE tmp_import (line TEXT);\n\
         CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, email VARCHAR(255) NOT NULL);\n\
         CREATE UNIQUE INDEX ix_users_lower_email ON users (lower(email));",
    );

    let output = cargo_schema_built(
        dir,
        &[
            "adopt",
            "-m",
            "from alembic",
            "--id",
            "0001_base",
            "--exclude",
            "tmp_*",
        ],
    );
    assert_exit(&output, 0);
    let messages = stderr(&output);
    for line in [
        "Updated Cargo.toml: [package.metadata.schema] exclude += \"tmp_*\"",
        "Left out alembic_version (Alembic's migration table; --keep-tool-tables keeps it)",
        "Left out django_migrations (Django's migration table",
        "Stamped",
    ] {
        assert!(messages.contains(line), "missing `{line}` in:\n{messages}");
    }
    let base = read(&dir.join("migrations/0001_base.rs"));
    assert!(
        base.contains("message = \"from alembic (Alembic revision ae1027a6acf)\""),
        "{base}"
    );
    assert!(base.contains("op.create_table(\"users\""), "{base}");
    assert!(
        base.contains(
            "op.create_index(\"users\", [] as [&str; 0]).unique().expression(\"lower(email)\")"
        ),
        "{base}"
    );
    for gone in ["alembic_version", "django_migrations", "tmp_import"] {
        assert!(!base.contains(gone), "{gone} adopted:\n{base}");
    }
    assert!(read(&dir.join("Cargo.toml")).contains("exclude = [\"tmp_*\"]"));

    // The baseline compiled (the stamp ran it), and the database counts as migrated: no drift,
    // the excluded and other tools' tables included.
    let output = cargo_schema_built(dir, &["current"]);
    assert_exit(&output, 0);
    assert!(String::from_utf8_lossy(&output.stdout).contains("0001_base"));
    let output = cargo_schema_built(dir, &["check", "--database"]);
    assert_exit(&output, 0);

    // A second adopt is refused (the folder has a revision): nothing changes.
    let before = tree(&dir.join("migrations"));
    let output = cargo_schema_built(dir, &["adopt", "-m", "again"]);
    assert_exit(&output, 2);
    assert_eq!(tree(&dir.join("migrations")), before);
}

#[test]
fn revision_writes_a_base_then_a_revision_of_it() {
    let temp = temp_crate("app");
    let dir = temp.path();
    assert_exit(&cargo_schema(dir, &["init"]), 0);

    let output = cargo_schema(dir, &["revision", "-m", "Create \"users\""]);
    assert_exit(&output, 0);
    let files = migration_files(dir);
    assert_eq!(files.len(), 1, "{files:?}");
    let base = files[0].trim_end_matches(".rs").to_owned();
    let (stamp, slug) = base.split_at(15);
    assert!(
        stamp
            .chars()
            .enumerate()
            .all(|(i, c)| if i == 8 { c == '_' } else { c.is_ascii_digit() }),
        "{base}"
    );
    assert_eq!(slug, "_create_users");
    assert!(
        stderr(&output).contains(&format!("     Created migrations/{base}.rs")),
        "{}",
        stderr(&output)
    );
    let source = read(&dir.join("migrations").join(&files[0]));
    assert!(
        source.starts_with("use schema_runtime::prelude::*;\n"),
        "{source}"
    );
    assert!(
        source.contains(&format!("#[migration(id = \"{base}\", message = \"Create \\\"users\\\"\")]\nfn upgrade(op: &mut Ops) {{")),
        "{source}"
    );

    assert_exit(
        &cargo_schema(
            dir,
            &["revision", "-m", "add email", "--id", "0002_add_email"],
        ),
        0,
    );
    let second = read(&dir.join("migrations/0002_add_email.rs"));
    assert!(
        second.contains(&format!(
            "#[migration(id = \"0002_add_email\", revises = \"{base}\", message = \"add email\")]"
        )),
        "{second}"
    );

    let output = cargo_schema(dir, &["revision", "-m", "again", "--id", "0002_add_email"]);
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("already declared"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn revision_with_two_heads_names_both_and_head_picks_one() {
    let temp = initialised_with_base();
    let dir = temp.path();
    write(
        &dir.join("migrations/0002_left.rs"),
        &migration("0002_left", Some("0001_base")),
    );
    write(
        &dir.join("migrations/0002_right.rs"),
        &migration("0002_right", Some("0001_base")),
    );

    let output = cargo_schema(dir, &["revision", "-m", "next"]);
    assert_exit(&output, 4);
    let messages = stderr(&output);
    assert!(messages.contains("error: there are 2 heads"), "{messages}");
    assert!(
        messages.contains("0002_left") && messages.contains("0002_right"),
        "{messages}"
    );
    assert!(messages.contains("--head"), "{messages}");
    assert_eq!(migration_files(dir).len(), 3);

    assert_exit(
        &cargo_schema(
            dir,
            &[
                "revision",
                "-m",
                "next",
                "--id",
                "0003_next",
                "--head",
                "0002_r",
            ],
        ),
        0,
    );
    assert!(read(&dir.join("migrations/0003_next.rs")).contains("revises = \"0002_right\""));
}

#[test]
fn revision_reads_headers_as_the_collector_does() {
    let temp = initialised_with_base();
    let dir = temp.path();
    // `depends_on` is part of the graph: an unknown dependency is refused, naming the file.
    write(
        &dir.join("migrations/0002_billing.rs"),
        "use schema_runtime::prelude::*;\n\n\
         #[migration(id = \"0002_billing\", revises = \"0001_base\", depends_on = \"0001_bsae\", message = \"b\")]\n\
         fn upgrade(op: &mut Ops) {}\n",
    );
    // Not a migration: the collector skips it, so `cargo schema` says so.
    write(&dir.join("migrations/0003_orphan.sql"), "SELECT 1;\n");

    let output = cargo_schema(dir, &["revision", "-m", "next"]);
    assert_exit(&output, 4);
    let messages = stderr(&output);
    assert!(
        messages.contains("0002_billing.rs` (revision `0002_billing`) depends on `0001_bsae`"),
        "{messages}"
    );
    assert!(
        messages.contains("0003_orphan.sql is not a migration"),
        "{messages}"
    );
    assert!(!messages.contains("README.md"), "{messages}");

    write(
        &dir.join("migrations/0002_billing.rs"),
        "use schema_runtime::prelude::*;\n\n\
         #[migration(id = \"0002_billing\", revises = \"0001_base\", message = \"\")]\n\
         fn upgrade(op: &mut Ops) {}\n",
    );
    let output = cargo_schema(dir, &["revision", "-m", "next"]);
    assert_exit(&output, 4);
    assert!(
        stderr(&output).contains("0002_billing.rs:3:67: `message` is empty"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn revision_names_a_file_it_cannot_read() {
    let temp = initialised_with_base();
    let dir = temp.path();
    write(
        &dir.join("migrations/0002_broken.rs"),
        "fn upgrade(op: &mut Ops) {\n",
    );

    let output = cargo_schema(dir, &["revision", "-m", "next"]);
    assert_exit(&output, 4);
    assert!(
        stderr(&output).contains("0002_broken.rs"),
        "{}",
        stderr(&output)
    );

    write(&dir.join("migrations/0002_broken.rs"), "fn helper() {}\n");
    let output = cargo_schema(dir, &["revision", "-m", "next"]);
    assert_exit(&output, 4);
    assert!(
        stderr(&output).contains("0002_broken.rs: no function with a `#[migration"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn revision_finds_the_migrations_package_from_anywhere_in_the_workspace() {
    let temp = tempfile::tempdir().expect("temp dir");
    let root = temp.path();
    write(
        &root.join("Cargo.toml"),
        "[workspace]\nmembers = [\"app\", \"db\"]\nresolver = \"2\"\n",
    );
    new_crate(&root.join("app"), "app");
    new_crate(&root.join("db"), "db");

    let output = cargo_schema(root, &["revision", "-m", "init"]);
    assert_exit(&output, 2);
    assert!(
        stderr(&output)
            .contains("run `cargo schema init` in the crate that should hold the migrations"),
        "{}",
        stderr(&output)
    );

    let output = cargo_schema(root, &["init"]);
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("is not inside a package"),
        "{}",
        stderr(&output)
    );

    let output = cargo_schema(root, &["init", "-p", "db"]);
    assert_exit(&output, 0);
    // Profiles count only in the workspace root: that is where init optimises SQLite.
    assert!(
        read(&root.join("Cargo.toml")).ends_with("[profile.dev.package.sha2]\nopt-level = 2\n"),
        "{}",
        read(&root.join("Cargo.toml"))
    );
    assert!(!read(&root.join("db/Cargo.toml")).contains("[profile"));
    for package in ["libsqlite3-sys", "schema-runtime", "sha2"] {
        assert!(
            stderr(&output).contains(&format!(
                "Updated the workspace's Cargo.toml: [profile.dev.package.{package}] opt-level = 2"
            )),
            "{}",
            stderr(&output)
        );
    }
    assert_exit(
        &cargo_schema(
            &root.join("app/src"),
            &["revision", "-m", "init", "--id", "0001_init"],
        ),
        0,
    );
    assert!(root.join("db/migrations/0001_init.rs").is_file());
    assert_exit(
        &cargo_schema(
            root,
            &[
                "--manifest-path",
                "db/Cargo.toml",
                "revision",
                "-m",
                "two",
                "--id",
                "0002_two",
            ],
        ),
        0,
    );
    assert!(read(&root.join("db/migrations/0002_two.rs")).contains("revises = \"0001_init\""));

    let output = cargo_schema(root, &["revision", "-m", "x", "-p", "app"]);
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("cargo schema init -p app"),
        "{}",
        stderr(&output)
    );
}

/// A package with `0001_base` branching into `0002_left` and `0002_right`.
fn two_heads() -> TempDir {
    let temp = initialised_with_base();
    let dir = temp.path();
    write(
        &dir.join("migrations/0002_left.rs"),
        &migration("0002_left", Some("0001_base")),
    );
    write(
        &dir.join("migrations/0002_right.rs"),
        &migration("0002_right", Some("0001_base")),
    );
    temp
}

#[test]
fn merge_joins_two_heads_and_revision_builds_on_the_merge() {
    let temp = two_heads();
    let dir = temp.path();

    let output = cargo_schema(
        dir,
        &[
            "merge",
            "0002_l",
            "0002_right",
            "-m",
            "merge left and right",
            "--id",
            "0003_merge",
        ],
    );
    assert_exit(&output, 0);
    assert_eq!(
        read(&dir.join("migrations/0003_merge.rs")),
        "use schema_runtime::prelude::*;\n\n\
         #[migration(id = \"0003_merge\", revises = [\"0002_left\", \"0002_right\"], message = \"merge left and right\")]\n\
         fn upgrade(_op: &mut Ops) {\n    \
         // Joins the branches. Ops that reconcile them, if any, go here (name the argument `op`).\n\
         }\n"
    );
    assert!(
        stderr(&output)
            .contains("     Created migrations/0003_merge.rs (merges 0002_left, 0002_right)"),
        "{}",
        stderr(&output)
    );

    // One head again: `revision` needs no `--head`, and builds on the merge.
    assert_exit(
        &cargo_schema(dir, &["revision", "-m", "next", "--id", "0004_next"]),
        0,
    );
    assert!(read(&dir.join("migrations/0004_next.rs")).contains("revises = \"0003_merge\""));
}

#[test]
fn merge_heads_joins_every_head_with_a_generated_id() {
    let temp = two_heads();
    let dir = temp.path();
    write(
        &dir.join("migrations/0002_third.rs"),
        &migration("0002_third", Some("0001_base")),
    );

    let output = cargo_schema(
        dir,
        &["--format", "json", "merge", "heads", "-m", "Join all"],
    );
    assert_exit(&output, 0);
    let files = migration_files(dir);
    let merge = files
        .iter()
        .find(|f| f.ends_with("_join_all.rs"))
        .unwrap_or_else(|| panic!("a merge file: {files:?}"));
    let id = merge.trim_end_matches(".rs");
    let source = read(&dir.join("migrations").join(merge));
    assert!(
        source.contains(&format!(
            "#[migration(id = \"{id}\", revises = [\"0002_left\", \"0002_right\", \"0002_third\"], message = \"Join all\")]"
        )),
        "{source}"
    );
    let json = String::from_utf8_lossy(&output.stdout);
    assert!(
        json.contains(r#""revises":["0002_left","0002_right","0002_third"]"#),
        "{json}"
    );

    let output = cargo_schema(dir, &["merge", "heads", "-m", "again"]);
    assert_exit(&output, 4);
    assert!(
        stderr(&output).contains(&format!(
            "error: a merge joins two or more heads, and only `{id}` is named; there is one head, so there is nothing to merge"
        )),
        "{}",
        stderr(&output)
    );
}

#[test]
fn merge_refuses_one_revision_non_heads_ancestors_and_unknown_ids_and_writes_nothing() {
    let temp = two_heads();
    let dir = temp.path();
    let before = tree(dir);
    let refused = |args: &[&str], expected: &str| {
        let output = cargo_schema(dir, args);
        assert_exit(&output, 4);
        assert!(
            stderr(&output).contains(expected),
            "`{}`: missing `{expected}` in:\n{}",
            args.join(" "),
            stderr(&output)
        );
    };

    refused(
        &["merge", "0002_left", "0002_left", "-m", "m"],
        "error: a merge joins two or more heads, and only `0002_left` is named; the heads are \
         0002_left, 0002_right: `cargo schema merge heads -m <MSG>` joins them all",
    );
    refused(
        &["merge", "0001_base", "0002_left", "-m", "m"],
        "error: `0001_base` is not a head: 0002_left, 0002_right already revises it; a merge \
         joins heads (now: 0002_left, 0002_right), or pass `--force` to merge a revision that has children",
    );
    refused(
        &["merge", "0001_base", "0002_left", "-m", "m", "--force"],
        "error: `0001_base` is an ancestor of `0002_left`, so a merge of the two joins nothing",
    );
    refused(
        &["merge", "0002", "0001_base", "-m", "m"],
        "`0002` matches several revisions: 0002_left, 0002_right",
    );
    refused(
        &["merge", "nope", "0002_left", "-m", "m"],
        "no revision matches `nope`",
    );
    assert_eq!(tree(dir), before, "nothing was written");

    let output = cargo_schema(dir, &["merge", "-m", "m"]);
    assert_exit(&output, 2);
    assert!(stderr(&output).contains("<REV>..."), "{}", stderr(&output));
}

#[test]
fn the_development_verbs_are_runner_verbs_of_cargo_schema() {
    let temp = temp_crate("app");
    for (verb, option) in [
        ("test", "--data"),
        ("seed", "--rerun-changed"),
        ("reset", "--all"),
    ] {
        let output = cargo_schema(temp.path(), &[verb, "--help"]);
        assert_exit(&output, 0);
        let help = String::from_utf8_lossy(&output.stdout);
        assert!(help.contains(option), "{verb}: {help}");
    }
}

#[test]
fn lint_is_a_runner_verb_of_cargo_schema() {
    let temp = temp_crate("app");
    let output = cargo_schema(temp.path(), &["lint", "--help"]);
    assert_exit(&output, 0);
    let help = String::from_utf8_lossy(&output.stdout);
    for option in ["--rules", "--dialect", "REV-RANGE"] {
        assert!(help.contains(option), "{help}");
    }
}
