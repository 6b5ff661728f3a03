//! `cargo schema merge REV... -m MSG`: writes a merge revision whose `revises` lists the heads
//! it joins, with an empty upgrade (Alembic's `alembic merge`). Like `revision`, it compiles
//! nothing: the revisions are read from their source.

use std::path::Path;

use schema_runtime::graph::RevisionGraph;

use super::revision::{message_and_id, report_json, source, Body, MigrationsFolder};
use crate::cli::{MergeArgs, Opts};
use crate::error::Error;
use crate::exit_codes;
use crate::files::relative;
use crate::shell;

/// What `merge heads` stands for.
const ALL_HEADS: &str = "heads";

/// Runs `cargo schema merge` from `cwd`.
pub fn run(opts: &Opts, args: &MergeArgs, cwd: &Path) -> Result<u8, Error> {
    let (message, id) = message_and_id(&args.message, args.id.as_deref())?;
    let folder = MigrationsFolder::load(opts, cwd)?;
    let parents = parents(&folder.graph, &args.revisions, args.force)?;
    let path = folder.write(&id, &source(&id, &parents, message, Body::Merge))?;
    shell::status(
        "Created",
        format!(
            "{} (merges {})",
            relative(&path, &folder.package_dir),
            parents.join(", ")
        ),
    );
    report_json(opts, &id, &parents, message, &path);
    Ok(exit_codes::SUCCESS)
}

/// The revisions the merge revises, in the order named, each once: `heads` is every head.
/// Two at least; heads only unless `force`; never a revision with its own descendant.
fn parents(graph: &RevisionGraph, specs: &[String], force: bool) -> Result<Vec<String>, Error> {
    let heads = graph.heads();
    let owned = |ids: &[&str]| ids.iter().map(|h| (*h).to_owned()).collect::<Vec<_>>();
    let mut parents: Vec<String> = Vec::new();
    for spec in specs {
        let ids = if spec == ALL_HEADS {
            heads.clone()
        } else {
            vec![graph
                .resolve(spec)
                .map_err(|source| Error::Graph { source })?]
        };
        for id in ids {
            if !parents.iter().any(|p| p == id) {
                parents.push(id.to_owned());
            }
        }
    }
    if parents.len() < 2 {
        return Err(Error::MergeTooFew {
            named: parents,
            heads: owned(&heads),
        });
    }
    if !force {
        if let Some(id) = parents.iter().find(|p| !heads.contains(&p.as_str())) {
            return Err(Error::MergeNotAHead {
                id: id.clone(),
                children: owned(&graph.children(id)),
                heads: owned(&heads),
            });
        }
    }
    // Heads never build on each other; with `--force`, a revision and its descendant can.
    for descendant in &parents {
        let needs = graph
            .applied(std::slice::from_ref(descendant))
            .map_err(|source| Error::Graph { source })?;
        if let Some(ancestor) = parents
            .iter()
            .find(|p| *p != descendant && needs.contains(&p.as_str()))
        {
            return Err(Error::MergeOfAncestor {
                ancestor: ancestor.clone(),
                descendant: descendant.clone(),
            });
        }
    }
    Ok(parents)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph() -> RevisionGraph {
        RevisionGraph::new([
            ("base", vec![]),
            ("left", vec!["base"]),
            ("right", vec!["base"]),
            ("right2", vec!["right"]),
            ("side", vec!["base"]),
        ])
        .expect("graph")
    }

    fn names(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn heads_stands_for_every_head_and_prefixes_resolve() {
        let g = graph();
        assert_eq!(
            parents(&g, &names(&["heads"]), false).unwrap(),
            ["left", "right2", "side"]
        );
        assert_eq!(
            parents(&g, &names(&["right2", "le", "left"]), false).unwrap(),
            ["right2", "left"],
            "a unique prefix names its revision; a repeat counts once"
        );
    }

    #[test]
    fn fewer_than_two_non_heads_and_ancestors_are_refused() {
        let g = graph();
        let err = parents(&g, &names(&["left", "left"]), false).unwrap_err();
        assert!(
            matches!(&err, Error::MergeTooFew { named, .. } if named == &["left"]),
            "{err:?}"
        );
        let err = parents(&g, &names(&["right", "left"]), false).unwrap_err();
        assert!(
            matches!(&err, Error::MergeNotAHead { id, children, .. } if id == "right" && children == &["right2"]),
            "{err:?}"
        );
        assert_eq!(
            parents(&g, &names(&["right", "left"]), true).unwrap(),
            ["right", "left"],
            "--force merges a revision that has children"
        );
        let err = parents(&g, &names(&["right2", "right"]), true).unwrap_err();
        assert!(
            matches!(&err, Error::MergeOfAncestor { ancestor, descendant } if ancestor == "right" && descendant == "right2"),
            "{err:?}"
        );
        let err = parents(&g, &names(&["r", "left"]), false).unwrap_err();
        assert!(matches!(err, Error::Graph { .. }), "{err:?}");
    }
}
