//! Functional tests: a throwaway crate in a temp dir, the real `cargo-schema` binary run on it
//! as cargo runs it (`cargo-schema schema <verb>`). Only verbs that compile nothing are run here.

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

/// The path dependency `init` writes when it runs from this repository.
fn runtime_path() -> String {
    let runtime = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema-runtime");
    runtime
        .canonicalize()
        .expect("schema-runtime next to cargo-schema")
        .display()
        .to_string()
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
         schema_runtime::migration_tests!(MIGRATIONS);\n"
    );
    assert!(read(&dir.join("build.rs"))
        .contains("fn main() {\n    println!(\"cargo:rerun-if-changed=migrations\");\n}"));
    assert_eq!(
        read(&dir.join("Cargo.toml")),
        format!(
            "[package]\nname = \"app\" # the app\nversion = \"0.1.0\"\nedition = \"2021\"\ndefault-run = \"app\"\n\n\
             [package.metadata.schema]\nmigrations = \"migrations\"\nrunner = \"migrate\"\n\n\
             # what the app needs\n[dependencies]\nschema-runtime = {{ path = \"{}\" }}\n\n\
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
            runtime_path()
        )
    );

    let messages = stderr(&output);
    for line in [
        "     Created migrations/",
        "     Created src/bin/migrate.rs",
        "     Created build.rs",
        "     Updated Cargo.toml",
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
