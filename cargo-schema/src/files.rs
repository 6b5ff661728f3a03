//! File writes that never overwrite what the user has, and paths shown as cargo shows them.

use std::fs;
use std::io::Write;
use std::path::Path;

use crate::error::Error;

/// `path` relative to `dir`, with `/` separators, for status lines.
pub fn relative(path: &Path, dir: &Path) -> String {
    let shown = path.strip_prefix(dir).unwrap_or(path);
    shown
        .iter()
        .map(|c| c.to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Creates a folder and its parents.
pub fn create_dir(path: &Path) -> Result<(), Error> {
    fs::create_dir_all(path).map_err(|source| Error::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// Writes a file that must not exist yet: `create_new` makes "never overwrite" hold even
/// against a file that appears between a check and the write.
pub fn write_new(path: &Path, contents: &str) -> Result<(), Error> {
    let write = || -> std::io::Result<()> {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)?;
        file.write_all(contents.as_bytes())
    };
    write().map_err(|source| Error::Write {
        path: path.to_path_buf(),
        source,
    })
}
