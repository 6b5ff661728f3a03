//! `cargo schema revision -m MSG`: writes a new revision file on top of the current head. It
//! compiles nothing: the existing revisions are read from their source with syn.

use std::path::Path;

use chrono::{DateTime, Utc};
use schema_runtime::cli::args::Format;
use schema_runtime::graph::RevisionGraph;

use crate::cli::{Opts, RevisionArgs};
use crate::error::Error;
use crate::exit_codes;
use crate::files::{create_dir, relative, write_new};
use crate::migration_files;
use crate::shell;
use crate::workspace::Workspace;

/// Longest slug taken from the message; the id stays readable in file lists.
const MAX_SLUG_LEN: usize = 40;
/// Longest id `#[migration]` accepts (it ends up in a `VARCHAR` column).
const MAX_ID_LEN: usize = 100;

/// Runs `cargo schema revision` from `cwd`.
pub fn run(opts: &Opts, args: &RevisionArgs, cwd: &Path) -> Result<u8, Error> {
    let message = args.message.trim();
    if message.is_empty() {
        return Err(Error::EmptyMessage);
    }
    let id = match &args.id {
        Some(id) => valid_id(id)?,
        None => generated_id(Utc::now(), message),
    };

    let workspace = Workspace::load(&opts.cargo, cwd)?;
    let package = workspace.migrations_package(&opts.cargo)?;
    let dir = package.migrations_dir();
    let revisions = migration_files::read_folder(&dir)?;
    let graph = migration_files::graph(&revisions)?;
    let parent = parent(&graph, args.head.as_deref())?;
    if let Some(taken) = revisions.iter().find(|r| r.id == id) {
        return Err(Error::IdTaken {
            id,
            path: taken.path.clone(),
        });
    }

    let path = dir.join(format!("{id}.rs"));
    if path.exists() {
        return Err(Error::RevisionFileExists { path });
    }
    if !dir.exists() {
        create_dir(&dir)?;
        shell::status("Created", format!("{}/", relative(&dir, &package.dir)));
    }
    write_new(&path, &source(&id, parent.as_deref(), message)).map_err(|error| match error {
        Error::Write { source, path } if source.kind() == std::io::ErrorKind::AlreadyExists => {
            Error::RevisionFileExists { path }
        }
        other => other,
    })?;
    let shown = relative(&path, &package.dir);
    match &parent {
        Some(parent) => shell::status("Created", format!("{shown} (revises {parent})")),
        None => shell::status("Created", format!("{shown} (base revision)")),
    }
    if opts.global.format == Format::Json {
        shell::data(serde_json::json!({
            "id": id,
            "revises": parent.iter().collect::<Vec<_>>(),
            "message": message,
            "path": path.to_string_lossy(),
        }));
    }
    Ok(exit_codes::SUCCESS)
}

/// The parent of the new revision: `--head`, which must be a head, else the single head; `None`
/// for the first revision.
fn parent(graph: &RevisionGraph, head: Option<&str>) -> Result<Option<String>, Error> {
    let heads = graph.heads();
    let Some(spec) = head else {
        return match heads.as_slice() {
            [] => Ok(None),
            [head] => Ok(Some((*head).to_owned())),
            _ => Err(Error::MultipleHeads {
                heads: heads.iter().map(|h| (*h).to_owned()).collect(),
            }),
        };
    };
    if graph.is_empty() {
        return Err(Error::HeadWithoutRevisions(spec.to_owned()));
    }
    let id = graph
        .resolve(spec)
        .map_err(|source| Error::Graph { source, file: None })?;
    if !heads.contains(&id) {
        let children = graph
            .topological()
            .into_iter()
            .filter(|c| graph.parents(c).contains(&id))
            .map(str::to_owned)
            .collect();
        return Err(Error::NotAHead {
            id: id.to_owned(),
            children,
            heads: heads.iter().map(|h| (*h).to_owned()).collect(),
        });
    }
    Ok(Some(id.to_owned()))
}

/// `YYYYMMDD_HHMMSS_<slug>`; ids sort by creation time in file listings.
fn generated_id(now: DateTime<Utc>, message: &str) -> String {
    let stamp = now.format("%Y%m%d_%H%M%S").to_string();
    match slug(message) {
        slug if slug.is_empty() => stamp,
        slug => format!("{stamp}_{slug}"),
    }
}

/// The message lowercased, every run of characters other than ASCII letters and digits turned
/// into one `_`, trimmed of `_`, at most [`MAX_SLUG_LEN`] characters.
fn slug(message: &str) -> String {
    let mut slug = String::new();
    for c in message.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('_') {
            slug.push('_');
        }
    }
    slug.truncate(MAX_SLUG_LEN);
    slug.trim_end_matches('_').to_owned()
}

/// The rules `#[migration]` checks, so that a given id compiles.
fn valid_id(id: &str) -> Result<String, Error> {
    let invalid = |reason: &str| {
        Err(Error::InvalidId {
            id: id.to_owned(),
            reason: reason.to_owned(),
        })
    };
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return invalid(
            "use only ASCII letters, digits and `_`, e.g. `20250102_143000_create_users`",
        );
    }
    if id.starts_with('_') {
        return invalid("start it with a letter or digit");
    }
    if id.len() > MAX_ID_LEN {
        return invalid("it is longer than 100 characters");
    }
    Ok(id.to_owned())
}

/// The new file: the attribute, and an upgrade with an example op in a comment.
fn source(id: &str, parent: Option<&str>, message: &str) -> String {
    let revises = parent
        .map(|p| format!(", revises = {}", string_literal(p)))
        .unwrap_or_default();
    format!(
        "use schema_runtime::prelude::*;\n\
         \n\
         #[migration(id = {id}{revises}, message = {message})]\n\
         fn upgrade(op: &mut Ops) {{\n    \
             // Describe the change with `op`; the downgrade is derived by reversing it. For example:\n    \
             // op.create_table(\"users\", |t| {{\n    \
             //     t.column(\"id\", Type::BigInt).primary_key().identity();\n    \
             //     t.column(\"email\", Type::String(255)).not_null().unique();\n    \
             // }});\n\
         }}\n",
        id = string_literal(id),
        message = string_literal(message),
    )
}

/// A Rust string literal with whatever escapes `text` needs.
fn string_literal(text: &str) -> String {
    proc_macro2::Literal::string(text).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn slug_is_lowercase_collapsed_trimmed_and_short() {
        assert_eq!(slug("Create users"), "create_users");
        assert_eq!(slug("  add `email` -- index!! "), "add_email_index");
        assert_eq!(slug("ünïcode naïve"), "n_code_na_ve");
        assert_eq!(slug("!!!"), "");
        let long = slug("a very long message that goes on and on past forty characters");
        assert_eq!(long, "a_very_long_message_that_goes_on_and_on");
        assert!(long.len() <= MAX_SLUG_LEN);
    }

    #[test]
    fn id_is_timestamp_then_slug() {
        let now = Utc
            .with_ymd_and_hms(2025, 1, 2, 14, 30, 0)
            .single()
            .expect("valid date");
        assert_eq!(
            generated_id(now, "Create users"),
            "20250102_143000_create_users"
        );
        assert_eq!(generated_id(now, "?"), "20250102_143000");
    }

    #[test]
    fn given_ids_follow_the_attribute_rules() {
        assert!(valid_id("0001_init").is_ok());
        assert!(valid_id("with-dash").is_err());
        assert!(valid_id("_hidden").is_err());
        assert!(valid_id("").is_err());
        assert!(valid_id(&"a".repeat(101)).is_err());
    }

    #[test]
    fn source_escapes_the_message_and_parses_back() {
        let text = source("b", Some("a"), "say \"hi\" \\ now");
        assert!(text.contains(r#"message = "say \"hi\" \\ now""#), "{text}");
        let rev = migration_files::parse(Path::new("b.rs"), &text).expect("parses");
        assert_eq!((rev.id.as_str(), rev.parents), ("b", vec!["a".to_owned()]));
        let base = source("a", None, "init");
        assert!(
            base.contains(r#"#[migration(id = "a", message = "init")]"#),
            "{base}"
        );
    }

    #[test]
    fn several_heads_are_named_and_head_picks_one() {
        let graph =
            RevisionGraph::new([("a", vec![]), ("b", vec!["a"]), ("c", vec!["a"])]).expect("graph");
        let err = parent(&graph, None).unwrap_err();
        assert!(
            matches!(&err, Error::MultipleHeads { heads } if heads == &["b", "c"]),
            "{err:?}"
        );
        assert_eq!(
            parent(&graph, Some("c")).expect("head"),
            Some("c".to_owned())
        );
        assert!(matches!(
            parent(&graph, Some("a")),
            Err(Error::NotAHead { .. })
        ));
    }
}
