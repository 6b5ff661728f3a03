//! Which files of a migrations folder are migrations: every `*.rs` regular file whose name does
//! not start with `.` (editors' lock and backup files such as `.#name.rs`), in file name order.
//! The collector, `cargo schema` and anything else that lists the folder use this one rule.
//!
//! ```no_run
//! let listing = schema_core::folder::list(std::path::Path::new("migrations"))?;
//! for skipped in &listing.skipped {
//!     eprintln!("warning: {} is not a migration ({})", skipped.path.display(), skipped.reason);
//! }
//! # Ok::<(), std::io::Error>(())
//! ```

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// What a migrations folder holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listing {
    /// The migration files, sorted by file name.
    pub migrations: Vec<PathBuf>,
    /// Every other entry, sorted by file name, with why it does not count.
    pub skipped: Vec<Skipped>,
}

/// An entry of the folder that is not a migration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The entry.
    pub path: PathBuf,
    /// Why it does not count.
    pub reason: SkipReason,
}

/// Why an entry of the folder is not a migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    /// A file whose name does not end in `.rs` (a README, a `.sql` file, `x.rs.bak`).
    NotRust,
    /// A name starting with `.`.
    Hidden,
    /// A folder (`snapshots/`) or anything else that is not a regular file.
    NotAFile,
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SkipReason::NotRust => "its name does not end in `.rs`",
            SkipReason::Hidden => "its name starts with `.`",
            SkipReason::NotAFile => "it is not a file",
        })
    }
}

/// Whether the entry at `path` is a migration, by its name and kind.
pub fn classify(path: &Path) -> Result<(), SkipReason> {
    let hidden = path
        .file_name()
        .is_some_and(|name| name.to_string_lossy().starts_with('.'));
    if hidden {
        Err(SkipReason::Hidden)
    } else if !path.is_file() {
        Err(SkipReason::NotAFile)
    } else if path.extension().is_none_or(|ext| ext != "rs") {
        Err(SkipReason::NotRust)
    } else {
        Ok(())
    }
}

/// Lists `dir`. A folder that does not exist or cannot be read is an I/O error, for the caller
/// to explain (the collector asks for the folder; `cargo schema` treats a missing one as
/// empty).
pub fn list(dir: &Path) -> io::Result<Listing> {
    let mut listing = Listing::default();
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        match classify(&path) {
            Ok(()) => listing.migrations.push(path),
            Err(reason) => listing.skipped.push(Skipped { path, reason }),
        }
    }
    listing
        .migrations
        .sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    listing
        .skipped
        .sort_by(|a, b| a.path.file_name().cmp(&b.path.file_name()));
    Ok(listing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_rs_files_in_name_order_and_says_what_it_skipped() {
        let dir = std::env::temp_dir().join(format!("schema-core-folder-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("snapshots")).expect("create folders");
        for name in [
            "0002_b.rs",
            "0001_a.rs",
            ".#0001_a.rs",
            "README.md",
            "0003_c.rs.bak",
            "0010_d.rs",
        ] {
            fs::write(dir.join(name), "").expect("write");
        }
        let listing = list(&dir).expect("list");
        let names = |paths: Vec<&PathBuf>| -> Vec<String> {
            paths
                .into_iter()
                .map(|p| {
                    p.file_name()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .into_owned()
                })
                .collect()
        };
        assert_eq!(
            names(listing.migrations.iter().collect()),
            ["0001_a.rs", "0002_b.rs", "0010_d.rs"]
        );
        assert_eq!(
            names(listing.skipped.iter().map(|s| &s.path).collect()),
            [".#0001_a.rs", "0003_c.rs.bak", "README.md", "snapshots"]
        );
        let reasons: Vec<SkipReason> = listing.skipped.iter().map(|s| s.reason).collect();
        assert_eq!(
            reasons,
            [
                SkipReason::Hidden,
                SkipReason::NotRust,
                SkipReason::NotRust,
                SkipReason::NotAFile
            ]
        );
        fs::remove_dir_all(&dir).expect("clean up");
        assert!(list(&dir).is_err(), "a missing folder is an error");
    }
}
