//! What the runner receives: the command line after `schema`, as typed, minus the options that
//! only `cargo schema` understands (`--manifest-path`, `-p/--package`, `--color`, `--profile`,
//! with their values, and `--release`). Forwarding the user's own words keeps the runner's
//! parser the single authority on its verbs, including options added to it later.

use std::ffi::OsString;

/// Long options of `cargo schema` that take a value and are not forwarded.
const OWN_LONG: [&str; 4] = ["--manifest-path", "--package", "--color", "--profile"];
/// Flags of `cargo schema` that are not forwarded.
const OWN_FLAGS: [&str; 1] = ["--release"];
/// Short option of `cargo schema` that takes a value and is not forwarded.
const OWN_SHORT: char = 'p';
/// Runner options that take a value: their value is forwarded untouched, whatever it looks like.
const RUNNER_LONG_WITH_VALUE: [&str; 3] = ["--database-url", "--format", "--dialect"];

/// The runner's arguments, given the arguments after `schema`.
///
/// ```
/// use cargo_schema::forward::runner_args;
/// let args = ["-p", "db", "downgrade", "-1", "--manifest-path=x/Cargo.toml", "--sql"];
/// let forwarded = runner_args(args.iter().map(Into::into));
/// assert_eq!(forwarded, ["downgrade", "-1", "--sql"]);
/// ```
pub fn runner_args<I>(args: I) -> Vec<OsString>
where
    I: IntoIterator<Item = OsString>,
{
    let mut args = args.into_iter();
    let mut forwarded = Vec::new();
    while let Some(arg) = args.next() {
        let Some(text) = arg.to_str() else {
            forwarded.push(arg);
            continue;
        };
        if text == "--" {
            forwarded.push(arg);
            forwarded.extend(args);
            break;
        }
        if let Some(name) = text.strip_prefix("--") {
            let name = name.split('=').next().unwrap_or(name);
            let has_inline_value = text.contains('=');
            let long = format!("--{name}");
            if OWN_FLAGS.contains(&text) {
                continue;
            }
            if OWN_LONG.contains(&long.as_str()) {
                if !has_inline_value {
                    args.next();
                }
                continue;
            }
            forwarded.push(arg.clone());
            if RUNNER_LONG_WITH_VALUE.contains(&long.as_str()) && !has_inline_value {
                forwarded.extend(args.next());
            }
            continue;
        }
        match short_cluster_without_package(text) {
            Some(ShortCluster {
                kept,
                value_follows,
            }) => {
                if value_follows {
                    args.next();
                }
                if let Some(kept) = kept {
                    forwarded.push(kept.into());
                }
            }
            None => forwarded.push(arg),
        }
    }
    forwarded
}

/// A cluster of short flags that contained `-p`.
struct ShortCluster {
    /// The flags before `p`, still to forward (`-v` of `-vp db`).
    kept: Option<String>,
    /// `-p` ended the cluster, so its value is the next argument.
    value_follows: bool,
}

/// `Some` when `text` is a short-flag cluster containing `-p` (`-p`, `-pdb`, `-p=db`, `-vp`).
/// Negative numbers (`downgrade -1`) and plain values are not clusters.
fn short_cluster_without_package(text: &str) -> Option<ShortCluster> {
    let flags = text.strip_prefix('-')?;
    if flags.is_empty() || flags.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let at = flags.find(OWN_SHORT)?;
    let before = &flags[..at];
    let after = &flags[at + OWN_SHORT.len_utf8()..];
    Some(ShortCluster {
        kept: (!before.is_empty()).then(|| format!("-{before}")),
        value_follows: after.is_empty(),
    })
}

#[cfg(test)]
mod tests {
    use super::runner_args;

    fn forward(args: &[&str]) -> Vec<String> {
        runner_args(args.iter().map(Into::into))
            .into_iter()
            .map(|s| s.into_string().expect("utf-8"))
            .collect()
    }

    #[test]
    fn drops_cargo_options_in_every_spelling() {
        assert_eq!(
            forward(&[
                "--manifest-path",
                "a/Cargo.toml",
                "-p",
                "db",
                "upgrade",
                "--package=db",
                "-pdb",
                "--color",
                "never",
                "--release",
                "--profile",
                "ci"
            ]),
            ["upgrade"]
        );
        assert_eq!(
            forward(&[
                "--color=always",
                "-p=db",
                "current",
                "--manifest-path=Cargo.toml"
            ]),
            ["current"]
        );
    }

    #[test]
    fn keeps_runner_options_and_negative_targets() {
        assert_eq!(
            forward(&[
                "downgrade",
                "-1",
                "--sql",
                "--dialect",
                "postgres",
                "--format=json"
            ]),
            [
                "downgrade",
                "-1",
                "--sql",
                "--dialect",
                "postgres",
                "--format=json"
            ]
        );
        assert_eq!(
            forward(&["--database-url", "sqlite:x.db", "upgrade", "+2"]),
            ["--database-url", "sqlite:x.db", "upgrade", "+2"]
        );
    }

    #[test]
    fn splits_clusters_with_p() {
        assert_eq!(
            forward(&["history", "-vp", "db", "-i"]),
            ["history", "-v", "-i"]
        );
        assert_eq!(forward(&["heads", "-v"]), ["heads", "-v"]);
    }

    #[test]
    fn leaves_everything_after_double_dash() {
        assert_eq!(
            forward(&["upgrade", "--", "-p", "x"]),
            ["upgrade", "--", "-p", "x"]
        );
    }

    #[test]
    fn value_of_runner_option_is_never_interpreted() {
        assert_eq!(
            forward(&["--database-url", "-p", "current"]),
            ["--database-url", "-p", "current"]
        );
    }
}
