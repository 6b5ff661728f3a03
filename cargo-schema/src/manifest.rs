//! The edits `cargo schema init` makes to a package's `Cargo.toml`, with toml_edit so that
//! comments, order and formatting stay as the user wrote them.

use toml_edit::{DocumentMut, InlineTable, Item, Table, TableLike, Value};

use crate::source::Source;

/// The name of the runtime crate users depend on.
pub const RUNTIME: &str = "schema-runtime";

/// How to depend on the runtime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuntimeDependency {
    /// `schema-runtime = { workspace = true }`; with the features `init` chose when the
    /// workspace entry turns default features off (the runner needs a driver and the CLI).
    Workspace {
        /// The workspace entry has `default-features = false`.
        default_features_off: bool,
    },
    /// A version, git or path source, with `default-features = false` and the chosen features.
    Source(Source),
}

/// What `init` wants in the manifest.
#[derive(Debug, Clone)]
pub struct InitEdits<'a> {
    /// `migrations` of `[package.metadata.schema]`.
    pub migrations: &'a str,
    /// `runner` of `[package.metadata.schema]`.
    pub runner: &'a str,
    /// The dependency to add when the package has none on the runtime.
    pub dependency: RuntimeDependency,
    /// Its features: `cli`, the chosen drivers, `tls` with a network database.
    pub features: &'a [&'a str],
    /// `default-run` to set when the package has none (it has an application binary).
    pub default_run: Option<&'a str>,
}

/// What [`apply`] changed, for the status lines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// Keys added to `[package.metadata.schema]` (the table was created if this holds both).
    pub schema_keys: Vec<&'static str>,
    /// The runtime dependency was added.
    pub dependency: bool,
    /// `default-run` was set.
    pub default_run: bool,
}

impl Changes {
    /// True when the manifest was not touched.
    pub fn is_empty(&self) -> bool {
        self.schema_keys.is_empty() && !self.dependency && !self.default_run
    }
}

/// `[package.metadata.schema]` as the manifest has it: `(migrations, runner)`, each `None` when
/// absent; `None` without the table.
pub fn schema_settings(doc: &DocumentMut) -> Option<(Option<String>, Option<String>)> {
    let schema = doc.get("package")?.get("metadata")?.get("schema")?;
    let key = |k: &str| schema.get(k).and_then(Item::as_str).map(str::to_owned);
    Some((key("migrations"), key("runner")))
}

/// Whether `[workspace.dependencies]` of a workspace root manifest declares the runtime, and
/// whether it turns default features off.
pub fn workspace_runtime(root: &DocumentMut) -> Option<RuntimeDependency> {
    let entry = root.get("workspace")?.get("dependencies")?.get(RUNTIME)?;
    let default_features = entry
        .get("default-features")
        .or_else(|| entry.get("default_features"))
        .and_then(Item::as_bool)
        .unwrap_or(true);
    Some(RuntimeDependency::Workspace {
        default_features_off: !default_features,
    })
}

/// Whether the package's existing runtime dependency compiles the SQLite driver (default
/// features, or `sqlite` among its features); `None` without one. The dependency counts under
/// its name or renamed, in any dependency table (`[dependencies]`, `[target.'cfg(..)'.dependencies]`).
pub fn runtime_sqlite(doc: &DocumentMut) -> Option<bool> {
    let in_deps = |deps: &dyn TableLike| -> Option<bool> {
        deps.iter().find_map(|(name, spec)| {
            let runtime =
                name == RUNTIME || spec.get("package").and_then(Item::as_str) == Some(RUNTIME);
            runtime.then(|| {
                let defaults = spec
                    .get("default-features")
                    .or_else(|| spec.get("default_features"))
                    .and_then(Item::as_bool)
                    .unwrap_or(true);
                let listed = spec
                    .get("features")
                    .and_then(Item::as_array)
                    .is_some_and(|a| a.iter().any(|f| f.as_str() == Some("sqlite")));
                defaults || listed
            })
        })
    };
    let deps_of = |owner: &dyn TableLike| -> Option<bool> {
        owner
            .get("dependencies")
            .and_then(Item::as_table_like)
            .and_then(in_deps)
    };
    deps_of(doc.as_table()).or_else(|| {
        doc.get("target")
            .and_then(Item::as_table_like)?
            .iter()
            .find_map(|(_, target)| target.as_table_like().and_then(deps_of))
    })
}

/// Adds `patterns` to `exclude` of `[package.metadata.schema]` (created as an array when
/// missing); returns the ones it added.
pub fn add_excludes(doc: &mut DocumentMut, patterns: &[String]) -> Result<Vec<String>, String> {
    let schema = doc
        .get_mut("package")
        .and_then(|p| p.get_mut("metadata"))
        .and_then(|m| m.get_mut("schema"))
        .and_then(Item::as_table_like_mut)
        .ok_or("it has no `[package.metadata.schema]` table; run `cargo schema init` first")?;
    let exclude = schema
        .entry("exclude")
        .or_insert(toml_edit::value(toml_edit::Array::new()))
        .as_array_mut()
        .ok_or("`package.metadata.schema.exclude` is not a list of patterns")?;
    let mut added = Vec::new();
    for pattern in patterns {
        if !exclude.iter().any(|v| v.as_str() == Some(pattern)) {
            exclude.push(pattern.as_str());
            added.push(pattern.clone());
        }
    }
    Ok(added)
}

/// Makes the edits that are missing; a second call changes nothing.
pub fn apply(doc: &mut DocumentMut, edits: &InitEdits<'_>) -> Result<Changes, String> {
    let mut changes = Changes::default();
    let has_dependency = runtime_sqlite(doc).is_some();
    let package = doc
        .get_mut("package")
        .and_then(Item::as_table_mut)
        .ok_or("it has no `[package]` table (a virtual workspace manifest?); run `cargo schema init` in the crate that should hold the migrations, or pass `-p <name>`")?;

    if let Some(default_run) = edits.default_run {
        if !package.contains_key("default-run") {
            package.insert("default-run", toml_edit::value(default_run));
            changes.default_run = true;
        }
    }

    let package_position = package.position();
    let metadata = package.entry("metadata").or_insert_with(|| {
        let mut table = Table::new();
        table.set_implicit(true);
        Item::Table(table)
    });
    let inline = metadata.is_inline_table();
    let metadata = metadata
        .as_table_like_mut()
        .ok_or("`package.metadata` is not a table")?;
    if !metadata.contains_key("schema") {
        let schema = if inline {
            Item::Value(Value::InlineTable(InlineTable::new()))
        } else {
            let mut table = Table::new();
            // Right after `[package]` rather than at the end of the file.
            if let Some(position) = package_position {
                table.set_position(position);
            }
            Item::Table(table)
        };
        metadata.insert("schema", schema);
    }
    let schema = metadata
        .get_mut("schema")
        .and_then(Item::as_table_like_mut)
        .ok_or("`package.metadata.schema` is not a table")?;
    for (key, value) in [("migrations", edits.migrations), ("runner", edits.runner)] {
        if !schema.contains_key(key) {
            schema.insert(key, toml_edit::value(value));
            changes.schema_keys.push(key);
        }
    }

    if !has_dependency {
        let dependencies = doc
            .entry("dependencies")
            .or_insert_with(|| Item::Table(Table::new()))
            .as_table_like_mut()
            .ok_or("`dependencies` is not a table")?;
        dependencies.insert(RUNTIME, dependency_item(&edits.dependency, edits.features));
        changes.dependency = true;
    }
    Ok(changes)
}

/// A dependency `init` builds optimised in the dev profile (the profile of the runner that
/// `cargo schema` builds), and why.
#[derive(Debug)]
pub struct Optimised {
    /// The package.
    pub package: &'static str,
    /// The opt-level it gets.
    pub opt_level: i64,
    /// The comment written above its table.
    pub comment: &'static str,
    /// Why, in the status line.
    pub reason: &'static str,
}

/// What `init` optimises: the C code of SQLite, and the migration library's own code. Both
/// are dependencies, compiled once; the user's migrations stay at opt-level 0, so rebuilding
/// after a new revision costs the same.
pub const OPTIMISED: [Optimised; 3] = [
    Optimised {
        package: "libsqlite3-sys",
        opt_level: 2,
        comment: "\n# Added by `cargo schema init`: SQLite is C code built inside libsqlite3-sys, and at the\n\
                  # dev profile's opt-level 0 it applies migrations (and runs every query of a debug\n\
                  # build) about 1.5x slower. Optimising it costs ~20 s once, on a clean build.\n",
        reason: "SQLite's C code unoptimised makes debug builds apply migrations ~1.5x slower",
    },
    Optimised {
        package: "schema-runtime",
        opt_level: 2,
        comment: "\n# Added by `cargo schema init`: the migration library's own code (revision graph, schema\n\
                  # replay, SQL rendering) optimised starts the debug runner ~25% faster at 1,000\n\
                  # revisions. Your migrations still build at opt-level 0: rebuilds cost the same.\n",
        reason: "the debug runner starts ~25% faster at 1,000 revisions",
    },
    Optimised {
        package: "sha2",
        opt_level: 2,
        comment: "\n# Added by `cargo schema init`: the checksums of applied revisions are SHA-256 over their\n\
                  # ops, seed rows included; unoptimised, hashing a million seed rows takes ~0.8 s on\n\
                  # every run instead of ~0.1 s.\n",
        reason: "checksums of revisions with many seed rows take ~6x less time",
    },
];

/// Adds `[profile.dev.package.<name>] opt-level = ..` for each of [`OPTIMISED`] to a workspace
/// root manifest. Leaves the profile alone where the user already chose an opt-level for that
/// crate, for every dependency or for the whole dev profile; returns what it added.
/// `libsqlite3-sys` only with the SQLite driver: a profile entry that matches no package makes
/// cargo warn on every build.
pub fn optimise_dev_profile(
    root: &mut DocumentMut,
    sqlite: bool,
) -> Result<Vec<&'static Optimised>, String> {
    let dev = root.get("profile").and_then(|p| p.get("dev"));
    let chosen = |item: Option<&Item>| item.and_then(|t| t.get("opt-level")).is_some();
    let packages = dev.and_then(|d| d.get("package"));
    if chosen(dev) || chosen(packages.and_then(|p| p.get("*"))) {
        return Ok(Vec::new());
    }
    let wanted: Vec<&'static Optimised> = OPTIMISED
        .iter()
        .filter(|o| sqlite || o.package != "libsqlite3-sys")
        .filter(|o| !chosen(packages.and_then(|p| p.get(o.package))))
        .collect();
    if wanted.is_empty() {
        return Ok(wanted);
    }
    let implicit = || {
        let mut table = Table::new();
        table.set_implicit(true);
        Item::Table(table)
    };
    let packages = root
        .entry("profile")
        .or_insert_with(implicit)
        .as_table_like_mut()
        .ok_or("`profile` is not a table")?
        .entry("dev")
        .or_insert_with(implicit)
        .as_table_like_mut()
        .ok_or("`profile.dev` is not a table")?
        .entry("package")
        .or_insert_with(implicit)
        .as_table_like_mut()
        .ok_or("`profile.dev.package` is not a table")?;
    for o in &wanted {
        packages
            .entry(o.package)
            .or_insert_with(|| {
                let mut table = Table::new();
                table.decor_mut().set_prefix(o.comment);
                Item::Table(table)
            })
            .as_table_like_mut()
            .ok_or_else(|| format!("`profile.dev.package.{}` is not a table", o.package))?
            .insert("opt-level", toml_edit::value(o.opt_level));
    }
    Ok(wanted)
}

fn dependency_item(dependency: &RuntimeDependency, features: &[&str]) -> Item {
    let mut table = InlineTable::new();
    let features = || Value::Array(features.iter().copied().collect());
    match dependency {
        RuntimeDependency::Workspace {
            default_features_off,
        } => {
            table.insert("workspace", true.into());
            if *default_features_off {
                table.insert("features", features());
            }
        }
        RuntimeDependency::Source(source) => {
            match source {
                Source::Version(version) => {
                    table.insert("version", version.as_str().into());
                }
                Source::Git { url, rev } => {
                    table.insert("git", url.as_str().into());
                    if let Some(rev) = rev {
                        table.insert("rev", rev.as_str().into());
                    }
                }
                Source::Path(path) => {
                    table.insert("path", path.as_str().into());
                }
            }
            table.insert("default-features", false.into());
            table.insert("features", features());
        }
    }
    table.fmt();
    toml_edit::value(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edits(default_run: Option<&str>) -> InitEdits<'_> {
        InitEdits {
            migrations: "migrations",
            runner: "migrate",
            dependency: RuntimeDependency::Source(Source::Path("../schema-runtime".into())),
            features: &["cli", "sqlite"],
            default_run,
        }
    }

    fn edit(text: &str, default_run: Option<&str>) -> (String, Changes) {
        let mut doc: DocumentMut = text.parse().expect("valid toml");
        let changes = apply(&mut doc, &edits(default_run)).expect("edits");
        (doc.to_string(), changes)
    }

    #[test]
    fn adds_table_after_package_and_dependency_keeping_comments() {
        let (text, changes) = edit(
            "[package]\nname = \"app\" # the app\nversion = \"0.1.0\"\n\n# deps\n[dependencies]\nserde = \"1\"\n",
            Some("app"),
        );
        assert_eq!(
            text,
            "[package]\nname = \"app\" # the app\nversion = \"0.1.0\"\ndefault-run = \"app\"\n\n\
             [package.metadata.schema]\nmigrations = \"migrations\"\nrunner = \"migrate\"\n\n\
             # deps\n[dependencies]\nserde = \"1\"\nschema-runtime = { path = \"../schema-runtime\", default-features = false, features = [\"cli\", \"sqlite\"] }\n"
        );
        assert_eq!(changes.schema_keys, ["migrations", "runner"]);
        assert!(changes.dependency && changes.default_run);
    }

    #[test]
    fn second_application_changes_nothing() {
        let (once, _) = edit("[package]\nname = \"app\"\n", Some("app"));
        let (twice, changes) = edit(&once, Some("app"));
        assert_eq!(once, twice);
        assert!(changes.is_empty(), "{changes:?}");
    }

    #[test]
    fn keeps_existing_default_run_and_renamed_dependency() {
        let (text, changes) = edit(
            "[package]\nname = \"app\"\ndefault-run = \"server\"\n\n[dependencies]\nrt = { package = \"schema-runtime\", version = \"0.1\" }\n",
            Some("app"),
        );
        assert!(!changes.default_run && !changes.dependency, "{text}");
        assert!(text.contains("default-run = \"server\""));
    }

    #[test]
    fn workspace_dependency_turns_default_features_back_on() {
        let root: DocumentMut =
            "[workspace.dependencies]\nschema-runtime = { path = \"rt\", default-features = false }\n".parse().expect("toml");
        let dependency = workspace_runtime(&root).expect("declared");
        assert_eq!(
            dependency,
            RuntimeDependency::Workspace {
                default_features_off: true
            }
        );
        assert_eq!(
            dependency_item(&dependency, &["cli", "postgres", "tls"]).to_string(),
            "{ workspace = true, features = [\"cli\", \"postgres\", \"tls\"] }"
        );
        let git = RuntimeDependency::Source(Source::Git {
            url: "https://h/o/r".into(),
            rev: Some("abc".into()),
        });
        assert_eq!(
            dependency_item(&git, &["cli", "sqlite"]).to_string(),
            "{ git = \"https://h/o/r\", rev = \"abc\", default-features = false, features = [\"cli\", \"sqlite\"] }"
        );
    }

    fn optimise(text: &str) -> (String, Vec<&'static str>) {
        let mut doc: DocumentMut = text.parse().expect("valid toml");
        let added = optimise_dev_profile(&mut doc, true).expect("edits");
        (doc.to_string(), added.iter().map(|o| o.package).collect())
    }

    #[test]
    fn optimises_sqlite_and_the_runtime_once_with_their_reasons() {
        let (text, added) = optimise("[package]\nname = \"app\"\n\n[profile.dev]\ndebug = 0\n");
        assert_eq!(added, ["libsqlite3-sys", "schema-runtime", "sha2"]);
        assert_eq!(
            text,
            "[package]\nname = \"app\"\n\n[profile.dev]\ndebug = 0\n\n\
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
             [profile.dev.package.sha2]\nopt-level = 2\n"
        );
        let (again, added) = optimise(&text);
        assert!(added.is_empty());
        assert_eq!(again, text);
    }

    #[test]
    fn leaves_an_opt_level_the_user_chose() {
        for chosen in [
            "[profile.dev]\nopt-level = 1\n",
            "[profile.dev.package.\"*\"]\nopt-level = 3\n",
        ] {
            let (text, added) = optimise(chosen);
            assert!(added.is_empty(), "{chosen}");
            assert_eq!(text, chosen);
        }
        // A crate the user chose for keeps its level; the other is still added.
        let (text, added) = optimise("[profile.dev.package.libsqlite3-sys]\nopt-level = \"s\"\n");
        assert_eq!(added, ["schema-runtime", "sha2"]);
        assert!(text.starts_with("[profile.dev.package.libsqlite3-sys]\nopt-level = \"s\"\n"));
        // A table for the crate without an opt-level gets one.
        let (text, added) = optimise(
            "[profile.dev.package.libsqlite3-sys]\ndebug = false\n\n\
             [profile.dev.package.schema-runtime]\nopt-level = 0\n\n\
             [profile.dev.package.sha2]\nopt-level = 1\n",
        );
        assert_eq!(added, ["libsqlite3-sys"]);
        assert_eq!(
            text,
            "[profile.dev.package.libsqlite3-sys]\ndebug = false\nopt-level = 2\n\n\
             [profile.dev.package.schema-runtime]\nopt-level = 0\n\n\
             [profile.dev.package.sha2]\nopt-level = 1\n"
        );
    }

    #[test]
    fn reads_existing_settings() {
        let doc: DocumentMut =
            "[package]\nname = \"a\"\n[package.metadata.schema]\nmigrations = \"db\"\n"
                .parse()
                .expect("toml");
        assert_eq!(schema_settings(&doc), Some((Some("db".into()), None)));
    }

    #[test]
    fn virtual_manifest_is_refused() {
        let mut doc: DocumentMut = "[workspace]\nmembers = []\n".parse().expect("toml");
        assert!(apply(&mut doc, &edits(None)).is_err());
    }
}
