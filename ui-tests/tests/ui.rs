//! Compile-fail and pass cases of `#[migration]` and `migrations!`.
//!
//! Regenerate the `.stderr` files with `TRYBUILD=overwrite cargo test -p ui-tests`, then read
//! the diff before committing it.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// trybuild compiles the cases as a project of its own, `<target>/tests/trybuild/<crate>/`,
/// and `migrations!` resolves a relative folder against that project's `CARGO_MANIFEST_DIR`.
/// The fixture folders are copied there so that the cases name them `fixtures/<case>`,
/// wherever the target directory is.
fn trybuild_project_dir() -> PathBuf {
    // `CARGO_TARGET_TMPDIR` is `<target>/tmp`, the same target directory trybuild uses.
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let target = tmp.parent().unwrap_or(tmp);
    target
        .join("tests")
        .join("trybuild")
        .join(env!("CARGO_PKG_NAME"))
}

fn copy_dir(from: &Path, to: &Path) -> io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

#[test]
fn ui() {
    let fixtures = trybuild_project_dir().join("fixtures");
    // Stale copies would hide a renamed or deleted fixture file.
    let _ = fs::remove_dir_all(&fixtures);
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    copy_dir(&source, &fixtures).expect("copy the fixture folders next to trybuild's project");

    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*/*.rs");
    t.pass("tests/pass/*.rs");
}
