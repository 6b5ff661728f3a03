//! What the runner receives: the command line after `schema`, as typed, minus the options that
//! only `cargo schema` understands (`--manifest-path`, `-p/--package`, `--color`, `--profile`,
//! with their values, and `--release`). Forwarding the user's own words keeps the runner's
//! parser the single authority on its verbs, including options added to it later.
//!
//! Which options are whose, and which take a value, is read from the two clap definitions
//! through `clap::CommandFactory`: the runner's ([`RunnerCli`]) and `cargo schema`'s own
//! ([`Cli`]; its options that the runner does not define are the ones kept back). An option
//! added to either parser is forwarded right without a change here.

use std::ffi::OsString;
use std::sync::OnceLock;

use clap::{Arg, ArgAction, Command, CommandFactory};
use schema_runtime::cli::args::RunnerCli;

use crate::cli::Cli;

/// One option as forwarding sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Spelling {
    /// Long names and aliases, without `--`.
    long: Vec<String>,
    /// Short names and aliases.
    short: Vec<char>,
    /// The next argument (or the rest of the word) is its value.
    takes_value: bool,
}

impl Spelling {
    fn of(arg: &Arg) -> Self {
        Spelling {
            long: arg
                .get_all_aliases()
                .unwrap_or_default()
                .into_iter()
                .chain(arg.get_long())
                .map(str::to_owned)
                .collect(),
            short: arg
                .get_all_short_aliases()
                .unwrap_or_default()
                .into_iter()
                .chain(arg.get_short())
                .collect(),
            takes_value: arg.get_action().takes_values(),
        }
    }
}

/// Whose an option is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owner {
    /// `cargo schema`'s: dropped, with its value.
    Own,
    /// The runner's (or unknown, for the runner to judge): forwarded, with its value.
    Runner,
}

/// The options of both parsers.
#[derive(Debug)]
struct Options {
    own: Vec<Spelling>,
    runner: Vec<Spelling>,
}

impl Options {
    fn get() -> &'static Options {
        static OPTIONS: OnceLock<Options> = OnceLock::new();
        OPTIONS.get_or_init(|| {
            let mut runner_command = RunnerCli::command();
            runner_command.build();
            let runner: Vec<Spelling> = options_of(&runner_command)
                .into_iter()
                .map(Spelling::of)
                .collect();
            let mut cli = Cli::command();
            cli.build();
            let own = own_options(&cli, &runner)
                .into_iter()
                .map(Spelling::of)
                .collect();
            Options { own, runner }
        })
    }

    /// Whose the option `named` picks out is, and whether it takes a value; an option neither
    /// parser knows is the runner's to judge.
    fn lookup(&self, named: impl Fn(&Spelling) -> bool) -> (Owner, bool) {
        let find = |options: &[Spelling]| {
            options
                .iter()
                .find(|option| named(option))
                .map(|option| option.takes_value)
        };
        match find(&self.own) {
            Some(takes_value) => (Owner::Own, takes_value),
            None => (Owner::Runner, find(&self.runner).unwrap_or(false)),
        }
    }

    /// Whose `--name` is, and whether it takes a value.
    fn long(&self, name: &str) -> (Owner, bool) {
        self.lookup(|option| option.long.iter().any(|long| long == name))
    }

    /// Whose `-c` is, and whether it takes a value.
    fn short(&self, c: char) -> (Owner, bool) {
        self.lookup(|option| option.short.contains(&c))
    }
}

/// Every option (not positional, not help or version) of `command` and of its subcommands.
fn options_of(command: &Command) -> Vec<&Arg> {
    let mut out: Vec<&Arg> = command
        .get_arguments()
        .filter(|arg| !arg.is_positional() && !is_help_or_version(arg))
        .collect();
    for sub in command.get_subcommands() {
        out.extend(options_of(sub));
    }
    out
}

fn is_help_or_version(arg: &Arg) -> bool {
    matches!(
        arg.get_action(),
        ArgAction::Help | ArgAction::HelpShort | ArgAction::HelpLong | ArgAction::Version
    )
}

/// `cargo schema`'s own options: those of `cargo schema [OPTIONS] <VERB>` that the runner
/// does not define (the shared ones, `--database-url` and `--format`, are forwarded).
fn own_options<'a>(cli: &'a Command, runner: &[Spelling]) -> Vec<&'a Arg> {
    let Some(schema) = cli.find_subcommand("schema") else {
        return Vec::new();
    };
    schema
        .get_arguments()
        .filter(|arg| !arg.is_positional() && !is_help_or_version(arg))
        .filter(|arg| {
            let spelling = Spelling::of(arg);
            !runner.iter().any(|r| {
                r.long.iter().any(|l| spelling.long.contains(l))
                    || r.short.iter().any(|c| spelling.short.contains(c))
            })
        })
        .collect()
}

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
    let options = Options::get();
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
        if let Some(long) = text.strip_prefix("--") {
            let (name, inline_value) = match long.split_once('=') {
                Some((name, _)) => (name, true),
                None => (long, false),
            };
            let (owner, takes_value) = options.long(name);
            let value = if takes_value && !inline_value {
                args.next()
            } else {
                None
            };
            match owner {
                Owner::Own => {}
                Owner::Runner => {
                    forwarded.push(arg);
                    forwarded.extend(value);
                }
            }
            continue;
        }
        match short_cluster(options, text) {
            Some(ShortCluster {
                kept,
                value_follows,
            }) => {
                let value = if value_follows.is_some() {
                    args.next()
                } else {
                    None
                };
                if let Some(kept) = kept {
                    forwarded.push(kept.into());
                }
                if value_follows == Some(Owner::Runner) {
                    forwarded.extend(value);
                }
            }
            None => forwarded.push(arg),
        }
    }
    forwarded
}

/// A cluster of short options, `-vp db` or `-ir-3:`.
#[derive(Debug, PartialEq, Eq)]
struct ShortCluster {
    /// What to forward of it: the runner's flags, and a runner option with its inline value.
    kept: Option<String>,
    /// The cluster ended with an option that takes a value, so the next argument is that
    /// value; whose it is.
    value_follows: Option<Owner>,
}

/// Reads `text` as a cluster of short options. `None` for what is not one: plain values,
/// negative numbers (`downgrade -1`), `-`.
fn short_cluster(options: &Options, text: &str) -> Option<ShortCluster> {
    let flags = text.strip_prefix('-')?;
    if flags.is_empty() || flags.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let mut kept = String::new();
    let mut value_follows = None;
    for (at, c) in flags.char_indices() {
        let (owner, takes_value) = options.short(c);
        let rest = &flags[at + c.len_utf8()..];
        match (owner, takes_value) {
            // Its value is the rest of the word (`-pdb`, `-p=db`) or the next argument.
            (Owner::Own, true) => {
                value_follows = rest.is_empty().then_some(Owner::Own);
                break;
            }
            (Owner::Own, false) => {}
            (Owner::Runner, true) => {
                kept.push_str(&flags[at..]);
                value_follows = rest.is_empty().then_some(Owner::Runner);
                break;
            }
            (Owner::Runner, false) => kept.push(c),
        }
    }
    Some(ShortCluster {
        kept: (!kept.is_empty()).then(|| format!("-{kept}")),
        value_follows,
    })
}

#[cfg(test)]
mod tests {
    use clap::{Arg, Args, Command, CommandFactory, Parser};
    use schema_runtime::cli::args::{GlobalArgs, RunnerCli};

    use super::runner_args;
    use crate::cli::{CargoArgs, Cli};

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
    fn forwards_the_development_verbs_with_their_options() {
        assert_eq!(
            forward(&["-p", "db", "test", "--data", "base:head", "--release"]),
            ["test", "--data", "base:head"]
        );
        assert_eq!(
            forward(&["seed", "--force", "--seeds-dir", "x", "--rerun-changed"]),
            ["seed", "--force", "--seeds-dir", "x", "--rerun-changed"]
        );
        assert_eq!(
            forward(&["reset", "--all", "--seed", "--color=never"]),
            ["reset", "--all", "--seed"]
        );
    }

    #[test]
    fn forwards_lint_with_its_range_dialects_and_format() {
        assert_eq!(
            forward(&[
                "lint",
                "-p",
                "db",
                "20250103:",
                "--dialect",
                "postgres,mysql",
                "--format",
                "json"
            ]),
            [
                "lint",
                "20250103:",
                "--dialect",
                "postgres,mysql",
                "--format",
                "json"
            ]
        );
        assert_eq!(
            forward(&["lint", "--rules", "--release"]),
            ["lint", "--rules"]
        );
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

    /// Every option of `command` and its subcommands that takes a value, with the verbs that
    /// reach it (none for the top level), read from the clap definition itself.
    fn value_options(command: &Command, verbs: &[String]) -> Vec<(Vec<String>, Arg)> {
        let mut out: Vec<(Vec<String>, Arg)> = command
            .get_arguments()
            .filter(|arg| !arg.is_positional() && arg.get_action().takes_values())
            .map(|arg| (verbs.to_vec(), arg.clone()))
            .collect();
        for sub in command.get_subcommands() {
            let mut path = verbs.to_vec();
            path.push(sub.get_name().to_owned());
            out.extend(value_options(sub, &path));
        }
        out
    }

    /// Every way to write `arg value`: each long name with the value apart and after `=`, each
    /// short name with the value apart and attached.
    fn spellings(arg: &Arg, value: &str) -> Vec<Vec<String>> {
        let mut out = Vec::new();
        let longs = arg
            .get_long()
            .into_iter()
            .chain(arg.get_all_aliases().unwrap_or_default());
        for long in longs {
            out.push(vec![format!("--{long}"), value.to_owned()]);
            out.push(vec![format!("--{long}={value}")]);
        }
        let shorts = arg
            .get_short()
            .into_iter()
            .chain(arg.get_all_short_aliases().unwrap_or_default());
        for short in shorts {
            out.push(vec![format!("-{short}"), value.to_owned()]);
            out.push(vec![format!("-{short}{value}")]);
        }
        out
    }

    fn built<T: CommandFactory>() -> Command {
        let mut command = T::command();
        command.build();
        command
    }

    /// A value the option accepts (its first possible value, else any text).
    fn accepted_value(arg: &Arg) -> String {
        arg.get_possible_values()
            .first()
            .map_or_else(|| "x".to_owned(), |v| v.get_name().to_owned())
    }

    #[test]
    fn every_runner_option_keeps_its_value_whatever_it_looks_like() {
        let options = value_options(&built::<RunnerCli>(), &[]);
        assert!(
            options
                .iter()
                .any(|(_, arg)| arg.get_long() == Some("rev-range")),
            "the walk reaches subcommand options"
        );
        for (verbs, arg) in options {
            // Values that forwarding could mistake for `cargo schema`'s options or a verb.
            for value in [
                "-p",
                "--package",
                "--release",
                "-pdb",
                "--manifest-path=x",
                "-1",
                "db",
            ] {
                for spelling in spellings(&arg, value) {
                    let mut line: Vec<String> = verbs.clone();
                    line.extend(spelling);
                    if verbs.is_empty() {
                        line.push("current".to_owned());
                    }
                    let line: Vec<&str> = line.iter().map(String::as_str).collect();
                    assert_eq!(
                        forward(&line),
                        line,
                        "the runner's option `{}`",
                        arg.get_id()
                    );
                }
            }
        }
    }

    #[test]
    fn every_option_of_cargo_schema_is_dropped_with_its_value() {
        // `CargoArgs` is where `cargo schema` declares what it keeps for itself.
        let own = CargoArgs::augment_args(Command::new("own"));
        let mut count = 0;
        for arg in own.get_arguments().filter(|arg| !arg.is_positional()) {
            count += 1;
            let cases: Vec<Vec<String>> = if arg.get_action().takes_values() {
                ["current", "-1", "--sql", "x"]
                    .iter()
                    .flat_map(|value| spellings(arg, value))
                    .collect()
            } else {
                let longs = arg.get_long().into_iter().map(|l| vec![format!("--{l}")]);
                longs
                    .chain(arg.get_short().map(|s| vec![format!("-{s}")]))
                    .collect()
            };
            for spelling in cases {
                let mut line: Vec<&str> = spelling.iter().map(String::as_str).collect();
                line.extend(["upgrade", "--sql"]);
                assert_eq!(
                    forward(&line),
                    ["upgrade", "--sql"],
                    "`cargo schema`'s `{}`",
                    arg.get_id()
                );
            }

            // What cargo schema's parser accepts, the runner's parser accepts once forwarded.
            let value = accepted_value(arg);
            let mut line = vec!["cargo-schema".to_owned(), "schema".to_owned()];
            line.push(format!("--{}", arg.get_long().unwrap_or_default()));
            if arg.get_action().takes_values() {
                line.push(value);
            }
            line.push("current".to_owned());
            Cli::try_parse_from(&line).expect("cargo schema parses it");
            let forwarded = runner_args(line[2..].iter().map(Into::into));
            let runner_line = std::iter::once("migrate".into()).chain(forwarded);
            RunnerCli::try_parse_from(runner_line).expect("the runner parses what it is given");
        }
        assert!(
            count >= 5,
            "--manifest-path, -p/--package, --release, --profile, --color"
        );
    }

    #[test]
    fn the_two_parsers_share_only_the_forwarded_options() {
        let runner = built::<RunnerCli>();
        let names = |arg: &Arg| -> Vec<String> {
            let longs = arg.get_long().into_iter().map(|l| format!("--{l}"));
            longs
                .chain(arg.get_short().map(|s| format!("-{s}")))
                .collect()
        };
        let mut runner_names: Vec<String> = Vec::new();
        let mut pending = vec![&runner];
        while let Some(command) = pending.pop() {
            runner_names.extend(command.get_arguments().flat_map(names));
            pending.extend(command.get_subcommands());
        }
        // Forwarding could not tell a name of both apart.
        let own = CargoArgs::augment_args(Command::new("own"));
        for arg in own.get_arguments() {
            for name in names(arg) {
                assert!(
                    !runner_names.contains(&name),
                    "`{name}` is both cargo schema's and the runner's"
                );
            }
        }
        // The options `cargo schema` shares with the runner are the runner's, so they are
        // forwarded.
        let shared = GlobalArgs::augment_args(Command::new("shared"));
        for arg in shared.get_arguments() {
            for name in names(arg) {
                assert!(runner_names.contains(&name), "`{name}` is not the runner's");
            }
        }
    }

    #[test]
    fn a_runner_option_with_a_value_ends_a_cluster() {
        // `-r` takes a value: `-rp` is `--rev-range p`, not `-r` and `-p`.
        assert_eq!(forward(&["history", "-rp", "-i"]), ["history", "-rp", "-i"]);
        assert_eq!(
            forward(&["history", "-ir", "-p", "-v"]),
            ["history", "-ir", "-p", "-v"]
        );
        assert_eq!(
            forward(&["history", "-vpdb", "-i"]),
            ["history", "-v", "-i"]
        );
    }
}
