//! Where this `cargo-schema` was built from, so that `init` writes a runtime dependency that
//! builds on any machine: the registry version when installed from a registry, the git source
//! when installed from git, a relative path inside this repository, and otherwise the
//! repository's git source at the commit the tool was built from. Never an absolute path.

use std::path::{Path, PathBuf};
use std::process::Command;

/// How a project depends on the runtime crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// `schema-runtime = { version = "..." }`.
    Version(String),
    /// `schema-runtime = { git = "...", rev = "..." }`.
    Git {
        /// The repository.
        url: String,
        /// The commit; `None` follows the default branch.
        rev: Option<String>,
    },
    /// `schema-runtime = { path = "..." }`, relative to the package.
    Path(String),
}

/// Where the tool was built from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// `cargo install cargo-schema`: the crate sits under `$CARGO_HOME/registry/src`.
    Registry,
    /// `cargo install --git URL`: the crate sits under `$CARGO_HOME/git/checkouts`.
    GitInstall,
    /// A checkout of the repository (`cargo install --path`, `cargo run`).
    Checkout(PathBuf),
}

/// The origin of this build, from the crate's own directory at compile time.
pub fn origin() -> Origin {
    origin_of(Path::new(env!("CARGO_MANIFEST_DIR")))
}

fn origin_of(manifest_dir: &Path) -> Origin {
    let parts: Vec<String> = manifest_dir
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let has = |a: &str, b: &str| parts.windows(2).any(|w| w[0] == a && w[1] == b);
    if has("registry", "src") {
        Origin::Registry
    } else if has("git", "checkouts") {
        Origin::GitInstall
    } else {
        Origin::Checkout(manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf())
    }
}

/// What `init` found out about the source, for the notes it prints.
#[derive(Debug, Clone, Default)]
pub struct Caveats {
    /// The source exists on this machine only (a `file://` repository).
    pub local_only: Option<String>,
    /// The checkout has changes that are not in the commit written.
    pub uncommitted: bool,
    /// How the source was chosen, when it was a fallback.
    pub fallback: Option<String>,
}

/// The dependency source for a package in `package_dir`.
pub fn for_package(package_dir: &Path) -> (Source, Caveats) {
    let version = env!("CARGO_PKG_VERSION").to_owned();
    let mut caveats = Caveats::default();
    match origin() {
        Origin::Registry => (Source::Version(version), caveats),
        Origin::GitInstall => match installed_git_source(&cargo_home()) {
            Some(source) => (source, caveats),
            None => {
                caveats.fallback = Some(format!(
                    "installed from git, but {} does not say from where; wrote the released \
                     version {version}",
                    cargo_home().join(".crates2.json").display()
                ));
                (Source::Version(version), caveats)
            }
        },
        Origin::Checkout(repository) => {
            let runtime = repository.join("schema-runtime");
            if let Some(path) = relative_inside(&runtime, &repository, package_dir) {
                return (Source::Path(path), caveats);
            }
            match checkout_git_source(&repository, &mut caveats) {
                Some(source) => (source, caveats),
                None => {
                    caveats.fallback = Some(format!(
                        "built from {} which is not a git checkout; wrote the released version \
                         {version}",
                        repository.display()
                    ));
                    (Source::Version(version), caveats)
                }
            }
        }
    }
}

/// `$CARGO_HOME`, default `~/.cargo`.
fn cargo_home() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"))
}

/// The git source `cargo install --git` recorded for cargo-schema in `.crates2.json`
/// (`"cargo-schema 0.1.0 (git+https://host/repo?branch=main#<commit>)"`), or in the older
/// `.crates.toml`.
fn installed_git_source(cargo_home: &Path) -> Option<Source> {
    let keys: Vec<String> =
        if let Ok(text) = std::fs::read_to_string(cargo_home.join(".crates2.json")) {
            let json: serde_json::Value = serde_json::from_str(&text).ok()?;
            json.get("installs")?.as_object()?.keys().cloned().collect()
        } else {
            let text = std::fs::read_to_string(cargo_home.join(".crates.toml")).ok()?;
            let doc: toml_edit::DocumentMut = text.parse().ok()?;
            doc.get("v1")?
                .as_table_like()?
                .iter()
                .map(|(k, _)| k.to_owned())
                .collect()
        };
    keys.iter()
        .filter(|k| k.starts_with("cargo-schema "))
        .find_map(|k| parse_package_id_source(k))
}

/// `cargo-schema 0.1.0 (git+URL[?query]#commit)` -> the git source.
fn parse_package_id_source(key: &str) -> Option<Source> {
    let source = key.split_once(" (")?.1.strip_suffix(')')?;
    let git = source.strip_prefix("git+")?;
    let (url, rev) = match git.split_once('#') {
        Some((url, rev)) => (url, Some(rev.to_owned())),
        None => (git, None),
    };
    let url = url.split_once('?').map_or(url, |(u, _)| u);
    Some(Source::Git {
        url: url.to_owned(),
        rev,
    })
}

/// `../../schema-runtime` when `package_dir` lies inside `repository`.
pub fn relative_inside(runtime: &Path, repository: &Path, package_dir: &Path) -> Option<String> {
    let repository = canonical(repository);
    let inside = canonical(package_dir);
    let inside = inside.strip_prefix(&repository).ok()?;
    let runtime = canonical(runtime);
    let mut path: Vec<String> =
        std::iter::repeat_n("..".to_owned(), inside.components().count()).collect();
    path.extend(
        runtime
            .strip_prefix(&repository)
            .unwrap_or(&runtime)
            .iter()
            .map(|c| c.to_string_lossy().into_owned()),
    );
    Some(path.join("/"))
}

fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

/// The repository at the commit this tool was built from: its remote when a remote branch
/// holds that commit, else the checkout itself as a `file://` repository (this machine only).
fn checkout_git_source(repository: &Path, caveats: &mut Caveats) -> Option<Source> {
    let git = |args: &[&str]| -> Option<String> {
        let output = Command::new("git")
            .arg("-C")
            .arg(repository)
            .args(args)
            .output()
            .ok()?;
        output
            .status
            .success()
            .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
    };
    let rev = git(&["rev-parse", "--verify", "HEAD^{commit}"])?;
    caveats.uncommitted = git(&["status", "--porcelain", "--untracked-files=no"])
        .is_some_and(|status| !status.is_empty());
    let remote_url = git(&[
        "branch",
        "-r",
        "--contains",
        &rev,
        "--format=%(refname:short)",
    ])
    .and_then(|branches| {
        branches
            .lines()
            .filter_map(|b| b.split_once('/').map(|(remote, _)| remote.to_owned()))
            .find_map(|remote| git(&["remote", "get-url", &remote]))
    })
    .and_then(|url| network_url(&url));
    let url = remote_url.unwrap_or_else(|| {
        let url = format!("file://{}", canonical(repository).display());
        caveats.local_only = Some(url.clone());
        url
    });
    Some(Source::Git {
        url,
        rev: Some(rev),
    })
}

/// A remote URL other machines can fetch: `https://`, `ssh://`, `git://`, or scp-like
/// `git@host:owner/repo` (rewritten as `ssh://`). Local paths and `file://` are not.
fn network_url(url: &str) -> Option<String> {
    if let Some((scheme, _)) = url.split_once("://") {
        return (scheme != "file").then(|| url.to_owned());
    }
    let (user_host, path) = url.split_once(':')?;
    if user_host.contains('/') || path.starts_with("//") || user_host.len() < 2 {
        return None;
    }
    Some(format!(
        "ssh://{user_host}/{}",
        path.trim_start_matches('/')
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_from_the_crate_directory() {
        assert_eq!(
            origin_of(Path::new(
                "/home/u/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/cargo-schema-0.1.0"
            )),
            Origin::Registry
        );
        assert_eq!(
            origin_of(Path::new(
                "/home/u/.cargo/git/checkouts/cargo-schema-0a1b2c/1234abc/cargo-schema"
            )),
            Origin::GitInstall
        );
        assert_eq!(
            origin_of(Path::new("/src/cargo-schema/cargo-schema")),
            Origin::Checkout(PathBuf::from("/src/cargo-schema"))
        );
    }

    #[test]
    fn git_source_from_the_install_record() {
        assert_eq!(
            parse_package_id_source(
                "cargo-schema 0.1.0 (git+https://github.com/o/cargo-schema?branch=main#0123abcd)"
            ),
            Some(Source::Git {
                url: "https://github.com/o/cargo-schema".into(),
                rev: Some("0123abcd".into())
            })
        );
        assert_eq!(
            parse_package_id_source("cargo-schema 0.1.0 (registry+https://crates.io)"),
            None
        );
        let home = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            home.path().join(".crates2.json"),
            r#"{"installs":{"ripgrep 14.0.0 (registry+https://github.com/rust-lang/crates.io-index)":{},
                "cargo-schema 0.1.0 (git+ssh://git@host/x.git#feed)":{}}}"#,
        )
        .expect("write");
        assert_eq!(
            installed_git_source(home.path()),
            Some(Source::Git {
                url: "ssh://git@host/x.git".into(),
                rev: Some("feed".into())
            })
        );
    }

    #[test]
    fn only_network_remotes_are_written() {
        assert_eq!(
            network_url("git@github.com:o/r.git").as_deref(),
            Some("ssh://git@github.com/o/r.git")
        );
        assert_eq!(
            network_url("https://h/o/r").as_deref(),
            Some("https://h/o/r")
        );
        assert_eq!(network_url("/work/main"), None);
        assert_eq!(network_url("file:///work/main"), None);
        assert_eq!(network_url("C:\\repo"), None);
    }

    #[test]
    fn path_is_relative_inside_the_repository() {
        let repo = Path::new("/repo");
        assert_eq!(
            relative_inside(
                &repo.join("schema-runtime"),
                repo,
                Path::new("/repo/examples/shop")
            )
            .as_deref(),
            Some("../../schema-runtime")
        );
        assert_eq!(
            relative_inside(&repo.join("schema-runtime"), repo, Path::new("/tmp/app")),
            None
        );
    }
}
