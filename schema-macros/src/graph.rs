//! The revision graph of a migrations folder, checked at compile time: pure logic over ids,
//! parent ids, dependencies and branch labels, with typed errors that carry what a person
//! needs to fix the folder.

use std::collections::{HashMap, HashSet};
use std::fmt;

/// One revision as its file declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Node {
    pub id: String,
    pub parents: Vec<String>,
    /// `depends_on`: ordered before this revision, without merging.
    pub depends_on: Vec<String>,
    pub branch_labels: Vec<String>,
    /// File name in the migrations folder, for messages.
    pub file: String,
}

/// What can be wrong with a folder's graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum GraphError {
    /// Several files declare the same id.
    DuplicateId { id: String, files: Vec<String> },
    /// A revision names a parent that no file declares.
    UnknownParent {
        id: String,
        file: String,
        parent: String,
    },
    /// A revision depends on a revision that no file declares.
    UnknownDependency {
        id: String,
        file: String,
        dependency: String,
    },
    /// Two revisions carry the same branch label.
    DuplicateLabel {
        label: String,
        /// `(file, id)` of each revision carrying it, in file order.
        revisions: Vec<(String, String)>,
    },
    /// Revisions that (transitively) come before themselves, each revising or depending on
    /// the next.
    Cycle {
        ids: Vec<String>,
        files: Vec<String>,
        /// For each member, whether its link to the next is `depends_on` (else `revises`).
        depends: Vec<bool>,
    },
    /// More than one revision that no other revision revises.
    MultipleHeads { heads: Vec<String> },
}

impl fmt::Display for GraphError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GraphError::DuplicateId { id, files } => write!(
                f,
                "revision id `{id}` is declared by {} files: {}; give each revision its own id",
                files.len(),
                files.join(", ")
            ),
            GraphError::UnknownParent { id, file, parent } => write!(
                f,
                "`{file}` (revision `{id}`) revises `{parent}`, which no file in the folder \
                 declares; fix the id in `revises` or add the missing migration"
            ),
            GraphError::UnknownDependency {
                id,
                file,
                dependency,
            } => write!(
                f,
                "`{file}` (revision `{id}`) depends on `{dependency}`, which no file in the \
                 folder declares; fix the id in `depends_on` or add the missing migration"
            ),
            GraphError::DuplicateLabel { label, revisions } => {
                let carriers: Vec<String> = revisions
                    .iter()
                    .map(|(file, id)| format!("`{file}` (revision `{id}`)"))
                    .collect();
                write!(
                    f,
                    "branch label `{label}` is declared by {}; a label names one branch: \
                     rename it in all but one of them",
                    carriers.join(" and ")
                )
            }
            GraphError::Cycle {
                ids,
                files,
                depends,
            } => {
                let mut chain = ids.join(" -> ");
                if let Some(first) = ids.first() {
                    chain.push_str(" -> ");
                    chain.push_str(first);
                }
                if depends.iter().any(|&d| d) {
                    let links: Vec<String> = ids
                        .iter()
                        .zip(depends)
                        .enumerate()
                        .map(|(i, (id, &depends))| {
                            let next = &ids[(i + 1) % ids.len()];
                            let verb = if depends { "depends on" } else { "revises" };
                            format!("`{id}` {verb} `{next}`")
                        })
                        .collect();
                    write!(
                        f,
                        "revisions form a cycle: {chain} ({}; files {}); point `revises` or \
                         `depends_on` of one of them at an older revision",
                        links.join(", "),
                        files.join(", ")
                    )
                } else {
                    write!(
                        f,
                        "revisions form a cycle: {chain} (each revises the next; files {}); \
                         point `revises` of one of them at an older revision",
                        files.join(", ")
                    )
                }
            }
            GraphError::MultipleHeads { heads } => write!(
                f,
                "migrations have {} heads: {}; write a merge revision with `cargo schema merge` \
                 or pass allow_branches",
                heads.len(),
                heads.join(", ")
            ),
        }
    }
}

/// Checks `nodes` (in file order). `complete` is false when some file could not be read as a
/// revision: its own errors come first, and checks that need every id are skipped.
pub(crate) fn check(nodes: &[Node], complete: bool, allow_branches: bool) -> Vec<GraphError> {
    let mut errors = Vec::new();

    // First declaration of each id wins; later ones are reported as duplicates.
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut files: HashMap<&str, Vec<String>> = HashMap::new();
    let mut unique = Vec::new();
    for (i, node) in nodes.iter().enumerate() {
        files.entry(&node.id).or_default().push(node.file.clone());
        if !index.contains_key(node.id.as_str()) {
            index.insert(&node.id, i);
            unique.push(i);
        }
    }
    for &i in &unique {
        let id = &nodes[i].id;
        if let Some(files) = files.remove(id.as_str()).filter(|files| files.len() > 1) {
            errors.push(GraphError::DuplicateId {
                id: id.clone(),
                files,
            });
        }
    }

    if complete {
        for node in nodes {
            for parent in &node.parents {
                if !index.contains_key(parent.as_str()) {
                    errors.push(GraphError::UnknownParent {
                        id: node.id.clone(),
                        file: node.file.clone(),
                        parent: parent.clone(),
                    });
                }
            }
            for dependency in &node.depends_on {
                if !index.contains_key(dependency.as_str()) {
                    errors.push(GraphError::UnknownDependency {
                        id: node.id.clone(),
                        file: node.file.clone(),
                        dependency: dependency.clone(),
                    });
                }
            }
        }
    }
    errors.extend(duplicate_labels(nodes, &unique));

    // A revision with an unknown parent is cut off from the graph and would count as one more
    // head; that error is reported on its own.
    let connected = !errors
        .iter()
        .any(|e| matches!(e, GraphError::UnknownParent { .. }));

    errors.extend(cycles(nodes, &unique, &index));

    if complete && connected && !allow_branches {
        let revised: HashSet<&str> = nodes
            .iter()
            .flat_map(|node| node.parents.iter().map(String::as_str))
            .collect();
        let heads: Vec<String> = unique
            .iter()
            .map(|&i| &nodes[i].id)
            .filter(|id| !revised.contains(id.as_str()))
            .cloned()
            .collect();
        if heads.len() > 1 {
            errors.push(GraphError::MultipleHeads { heads });
        }
    }
    errors
}

/// Branch labels declared by more than one revision, in order of first declaration.
fn duplicate_labels(nodes: &[Node], unique: &[usize]) -> Vec<GraphError> {
    let mut carriers: Vec<(&str, Vec<(String, String)>)> = Vec::new();
    for &i in unique {
        let node = &nodes[i];
        for label in &node.branch_labels {
            let revision = (node.file.clone(), node.id.clone());
            match carriers
                .iter_mut()
                .find(|(seen, _)| *seen == label.as_str())
            {
                Some((_, revisions)) => revisions.push(revision),
                None => carriers.push((label, vec![revision])),
            }
        }
    }
    carriers
        .into_iter()
        .filter(|(_, revisions)| revisions.len() > 1)
        .map(|(label, revisions)| GraphError::DuplicateLabel {
            label: label.to_owned(),
            revisions,
        })
        .collect()
}

/// Finds the cycles along parent and dependency edges with an iterative depth-first search (a
/// long history must not overflow the compiler's stack), starting from each revision in file
/// order.
fn cycles(nodes: &[Node], unique: &[usize], index: &HashMap<&str, usize>) -> Vec<GraphError> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnPath,
        Done,
    }
    let mut marks = vec![Mark::New; nodes.len()];
    let mut found = Vec::new();
    for &start in unique {
        if marks[start] != Mark::New {
            continue;
        }
        // (node, index of the next link to visit: parents, then dependencies); the stack is
        // the current path.
        let mut path: Vec<(usize, usize)> = vec![(start, 0)];
        marks[start] = Mark::OnPath;
        while let Some(top) = path.last_mut() {
            let (node, next) = *top;
            top.1 += 1;
            let parents = &nodes[node].parents;
            let Some(link) = parents
                .get(next)
                .or_else(|| nodes[node].depends_on.get(next - parents.len()))
            else {
                marks[node] = Mark::Done;
                path.pop();
                continue;
            };
            // An unknown parent or dependency is reported on its own.
            let Some(&link) = index.get(link.as_str()) else {
                continue;
            };
            match marks[link] {
                Mark::New => {
                    marks[link] = Mark::OnPath;
                    path.push((link, 0));
                }
                Mark::OnPath => {
                    let from = path.iter().position(|&(n, _)| n == link).unwrap_or(0);
                    let members = &path[from..];
                    found.push(GraphError::Cycle {
                        ids: members.iter().map(|&(n, _)| nodes[n].id.clone()).collect(),
                        files: members
                            .iter()
                            .map(|&(n, _)| nodes[n].file.clone())
                            .collect(),
                        // `next` counts the link being followed, so each member's link is the
                        // one before its counter.
                        depends: members
                            .iter()
                            .map(|&(n, next)| next > nodes[n].parents.len())
                            .collect(),
                    });
                }
                Mark::Done => {}
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|p| (*p).to_owned()).collect()
    }

    fn node(id: &str, parents: &[&str]) -> Node {
        Node {
            id: id.to_owned(),
            parents: strings(parents),
            depends_on: Vec::new(),
            branch_labels: Vec::new(),
            file: format!("{id}.rs"),
        }
    }

    fn depending(id: &str, parents: &[&str], depends_on: &[&str]) -> Node {
        Node {
            depends_on: strings(depends_on),
            ..node(id, parents)
        }
    }

    fn labelled(id: &str, parents: &[&str], labels: &[&str]) -> Node {
        Node {
            branch_labels: strings(labels),
            ..node(id, parents)
        }
    }

    #[test]
    fn linear_history_is_valid() {
        let nodes = [node("a", &[]), node("b", &["a"]), node("c", &["b"])];
        assert_eq!(check(&nodes, true, false), []);
    }

    #[test]
    fn merge_joins_two_heads() {
        let nodes = [
            node("a", &[]),
            node("b", &["a"]),
            node("c", &["a"]),
            node("m", &["b", "c"]),
        ];
        assert_eq!(check(&nodes, true, false), []);
    }

    #[test]
    fn branches_are_two_heads_unless_allowed() {
        let nodes = [node("a", &[]), node("b", &["a"]), node("c", &["a"])];
        let heads = vec!["b".to_owned(), "c".to_owned()];
        assert_eq!(
            check(&nodes, true, false),
            [GraphError::MultipleHeads { heads }]
        );
        assert_eq!(check(&nodes, true, true), []);
    }

    #[test]
    fn duplicate_id_names_every_file() {
        let mut second = node("a", &[]);
        second.file = "other.rs".to_owned();
        let nodes = [node("a", &[]), second];
        let files = vec!["a.rs".to_owned(), "other.rs".to_owned()];
        assert_eq!(
            check(&nodes, true, false),
            [GraphError::DuplicateId {
                id: "a".to_owned(),
                files
            }]
        );
    }

    #[test]
    fn unknown_parent_is_reported_only_when_every_file_was_read() {
        let nodes = [node("a", &[]), node("b", &["zz"])];
        let unknown = GraphError::UnknownParent {
            id: "b".to_owned(),
            file: "b.rs".to_owned(),
            parent: "zz".to_owned(),
        };
        // Not also reported as a second head.
        assert_eq!(check(&nodes, true, false), [unknown]);
        assert_eq!(check(&nodes, false, false), []);
    }

    #[test]
    fn cycle_names_its_members_once() {
        let nodes = [
            node("base", &[]),
            node("a", &["c"]),
            node("b", &["a"]),
            node("c", &["b"]),
        ];
        let errors = check(&nodes, true, false);
        let cycles: Vec<_> = errors
            .iter()
            .filter(|e| matches!(e, GraphError::Cycle { .. }))
            .collect();
        assert_eq!(cycles.len(), 1);
        assert_eq!(
            cycles[0].to_string(),
            "revisions form a cycle: a -> c -> b -> a (each revises the next; files a.rs, c.rs, \
             b.rs); point `revises` of one of them at an older revision"
        );
    }

    #[test]
    fn dependency_on_another_branch_is_valid_with_branches_allowed() {
        let nodes = [
            labelled("a", &[], &["core"]),
            labelled("b", &[], &["billing"]),
            depending("c", &["a"], &["b"]),
        ];
        assert_eq!(check(&nodes, true, true), []);
        // A dependency does not merge: `b` and `c` are still two heads.
        let heads = vec!["b".to_owned(), "c".to_owned()];
        assert_eq!(
            check(&nodes, true, false),
            [GraphError::MultipleHeads { heads }]
        );
    }

    #[test]
    fn unknown_dependency_is_reported_only_when_every_file_was_read() {
        let nodes = [node("a", &[]), depending("b", &["a"], &["zz"])];
        let unknown = GraphError::UnknownDependency {
            id: "b".to_owned(),
            file: "b.rs".to_owned(),
            dependency: "zz".to_owned(),
        };
        assert_eq!(check(&nodes, true, false), [unknown]);
        assert_eq!(check(&nodes, false, false), []);
    }

    #[test]
    fn duplicate_label_names_every_revision_carrying_it() {
        let nodes = [
            labelled("a", &[], &["core"]),
            labelled("b", &["a"], &["x", "core"]),
            labelled("c", &["b"], &["core"]),
        ];
        let errors = check(&nodes, true, false);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(
            errors[0].to_string(),
            "branch label `core` is declared by `a.rs` (revision `a`) and `b.rs` (revision `b`) \
             and `c.rs` (revision `c`); a label names one branch: rename it in all but one of them"
        );
    }

    #[test]
    fn cycle_through_a_dependency_names_each_link() {
        let nodes = [
            node("base", &[]),
            depending("a", &["base"], &["b"]),
            node("b", &["a"]),
        ];
        let errors = check(&nodes, true, false);
        let cycles: Vec<String> = errors
            .iter()
            .filter(|e| matches!(e, GraphError::Cycle { .. }))
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            cycles,
            [
                "revisions form a cycle: a -> b -> a (`a` depends on `b`, `b` revises `a`; files \
              a.rs, b.rs); point `revises` or `depends_on` of one of them at an older revision"
            ]
        );
    }

    #[test]
    fn long_history_does_not_overflow() {
        let mut nodes = vec![node("r0", &[])];
        for i in 1..20_000 {
            nodes.push(node(&format!("r{i}"), &[&format!("r{}", i - 1)]));
        }
        assert_eq!(check(&nodes, true, false), []);
    }
}
