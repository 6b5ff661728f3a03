//! The checks a set of revisions must pass to form a revision graph: unique ids, known parents
//! and dependencies, each branch label on one revision, no cycle through `revises` or
//! `depends_on`, and (unless branches are allowed) one head. Pure logic over ids, with typed
//! errors that carry what a person needs to fix the folder. The collector runs them at compile
//! time, the runtime's `RevisionGraph` before it plans, `cargo schema` before it writes.
//!
//! ```
//! use schema_core::graph::{check, Checks, GraphCheckError, Node};
//!
//! let none: &[String] = &[];
//! let a = ["a".to_owned()];
//! let nodes = [
//!     Node { id: "a", parents: none, depends_on: none, branch_labels: none, file: Some("a.rs") },
//!     Node { id: "b", parents: &a, depends_on: none, branch_labels: none, file: Some("b.rs") },
//!     Node { id: "c", parents: &a, depends_on: none, branch_labels: none, file: Some("c.rs") },
//! ];
//! let errors = check(&nodes, Checks::default());
//! assert_eq!(errors, [GraphCheckError::MultipleHeads { heads: vec!["b".into(), "c".into()] }]);
//! assert!(check(&nodes, Checks { allow_branches: true, ..Checks::default() }).is_empty());
//! ```

use std::collections::{HashMap, HashSet};
use std::fmt;

/// One revision as the checks see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Node<'a> {
    /// The revision id.
    pub id: &'a str,
    /// `revises`.
    pub parents: &'a [String],
    /// `depends_on`: ordered before this revision, without merging.
    pub depends_on: &'a [String],
    /// `branch_labels`.
    pub branch_labels: &'a [String],
    /// The file that declares it, for messages; `None` for a revision built in code.
    pub file: Option<&'a str>,
}

/// Which checks to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checks {
    /// Every revision of the set was read. When false (some file could not be read as a
    /// revision, and says so itself), the checks that need every id are skipped: unknown
    /// parents and dependencies, and heads.
    pub complete: bool,
    /// Several heads are fine (the runtime plans `heads`; the collector's `allow_branches`).
    pub allow_branches: bool,
}

impl Default for Checks {
    /// A complete set that must have one head.
    fn default() -> Self {
        Checks {
            complete: true,
            allow_branches: false,
        }
    }
}

/// Where a revision of an error is declared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declared {
    /// The revision id.
    pub id: String,
    /// Its position in the checked slice.
    pub index: usize,
    /// Its file, when known.
    pub file: Option<String>,
}

impl Declared {
    fn of(nodes: &[Node<'_>], index: usize) -> Self {
        Declared {
            id: nodes[index].id.to_owned(),
            index,
            file: nodes[index].file.map(str::to_owned),
        }
    }
}

impl fmt::Display for Declared {
    /// `` `file.rs` (revision `id`) ``, or `` revision `id` `` without a file.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.file {
            Some(file) => write!(f, "`{file}` (revision `{}`)", self.id),
            None => write!(f, "revision `{}`", self.id),
        }
    }
}

/// How a member of a cycle reaches the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// Through `revises`.
    Revises,
    /// Through `depends_on`.
    DependsOn,
}

/// What can be wrong with a set of revisions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GraphCheckError {
    /// Several revisions declare the same id.
    DuplicateId {
        /// The id.
        id: String,
        /// Each declaration, in order.
        declared: Vec<Declared>,
    },
    /// A revision names a parent that no revision declares.
    UnknownParent {
        /// The revision.
        revision: Declared,
        /// The missing parent.
        parent: String,
    },
    /// A revision depends on a revision that no revision declares.
    UnknownDependency {
        /// The revision.
        revision: Declared,
        /// The missing dependency.
        dependency: String,
    },
    /// Several revisions carry the same branch label.
    DuplicateLabel {
        /// The label.
        label: String,
        /// Each revision carrying it, in order.
        carriers: Vec<Declared>,
    },
    /// Revisions that (transitively) come before themselves, each revising or depending on
    /// the next, the last on the first.
    Cycle {
        /// The members' ids, in order.
        ids: Vec<String>,
        /// The members.
        members: Vec<Declared>,
        /// How each member reaches the next.
        links: Vec<Link>,
    },
    /// More than one revision that no other revision revises.
    MultipleHeads {
        /// The heads, in order.
        heads: Vec<String>,
    },
}

/// Names the revisions' files when every one is known, else their ids.
fn places(revisions: &[Declared]) -> String {
    revisions
        .iter()
        .map(|r| r.file.clone().unwrap_or_else(|| r.id.clone()))
        .collect::<Vec<_>>()
        .join(", ")
}

impl fmt::Display for GraphCheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GraphCheckError::DuplicateId { id, declared } => {
                let what = if declared.iter().all(|d| d.file.is_some()) {
                    "files"
                } else {
                    "revisions"
                };
                write!(
                    f,
                    "revision id `{id}` is declared by {} {what}: {}; give each revision its own id",
                    declared.len(),
                    places(declared)
                )
            }
            GraphCheckError::UnknownParent { revision, parent } => write!(
                f,
                "{revision} revises `{parent}`, which no file in the folder declares; fix the id \
                 in `revises` or add the missing migration"
            ),
            GraphCheckError::UnknownDependency {
                revision,
                dependency,
            } => write!(
                f,
                "{revision} depends on `{dependency}`, which no file in the folder declares; fix \
                 the id in `depends_on` or add the missing migration"
            ),
            GraphCheckError::DuplicateLabel { label, carriers } => {
                let carriers: Vec<String> = carriers.iter().map(ToString::to_string).collect();
                write!(
                    f,
                    "branch label `{label}` is declared by {}; a label names one branch: \
                     rename it in all but one of them",
                    carriers.join(" and ")
                )
            }
            GraphCheckError::Cycle {
                ids,
                members,
                links,
            } => {
                let mut chain = ids.join(" -> ");
                if let Some(first) = ids.first() {
                    chain.push_str(" -> ");
                    chain.push_str(first);
                }
                let files = places(members);
                if links.contains(&Link::DependsOn) {
                    let steps: Vec<String> = ids
                        .iter()
                        .zip(links)
                        .enumerate()
                        .map(|(i, (id, link))| {
                            let next = &ids[(i + 1) % ids.len()];
                            let verb = match link {
                                Link::DependsOn => "depends on",
                                Link::Revises => "revises",
                            };
                            format!("`{id}` {verb} `{next}`")
                        })
                        .collect();
                    write!(
                        f,
                        "revisions form a cycle: {chain} ({}; files {files}); point `revises` or \
                         `depends_on` of one of them at an older revision",
                        steps.join(", "),
                    )
                } else {
                    write!(
                        f,
                        "revisions form a cycle: {chain} (each revises the next; files {files}); \
                         point `revises` of one of them at an older revision"
                    )
                }
            }
            GraphCheckError::MultipleHeads { heads } => write!(
                f,
                "migrations have {} heads: {}; write a merge revision with `cargo schema merge`",
                heads.len(),
                heads.join(", ")
            ),
        }
    }
}

impl std::error::Error for GraphCheckError {}

/// Runs the checks on `nodes` (in declaration order): every error, duplicates first, then
/// unknown parents and dependencies, labels, cycles, heads.
pub fn check(nodes: &[Node<'_>], checks: Checks) -> Vec<GraphCheckError> {
    let mut errors = Vec::new();

    // The first declaration of each id wins; later ones are reported as duplicates.
    let mut index: HashMap<&str, usize> = HashMap::with_capacity(nodes.len());
    let mut declared: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut unique = Vec::with_capacity(nodes.len());
    for (i, node) in nodes.iter().enumerate() {
        if index.contains_key(node.id) {
            declared
                .entry(node.id)
                .or_insert_with(|| vec![index[node.id]])
                .push(i);
        } else {
            index.insert(node.id, i);
            unique.push(i);
        }
    }
    for &i in &unique {
        if let Some(all) = declared.remove(nodes[i].id) {
            errors.push(GraphCheckError::DuplicateId {
                id: nodes[i].id.to_owned(),
                declared: all.into_iter().map(|d| Declared::of(nodes, d)).collect(),
            });
        }
    }

    let mut connected = true;
    if checks.complete {
        for (i, node) in nodes.iter().enumerate() {
            for parent in node.parents {
                if !index.contains_key(parent.as_str()) {
                    // Cut off from the graph, it would count as one more head: that error is
                    // reported on its own.
                    connected = false;
                    errors.push(GraphCheckError::UnknownParent {
                        revision: Declared::of(nodes, i),
                        parent: parent.clone(),
                    });
                }
            }
            for dependency in node.depends_on {
                if !index.contains_key(dependency.as_str()) {
                    errors.push(GraphCheckError::UnknownDependency {
                        revision: Declared::of(nodes, i),
                        dependency: dependency.clone(),
                    });
                }
            }
        }
    }
    errors.extend(duplicate_labels(nodes, &unique));
    errors.extend(cycles(nodes, &unique, &index));

    if checks.complete && connected && !checks.allow_branches {
        let heads = heads(nodes, &unique);
        if heads.len() > 1 {
            errors.push(GraphCheckError::MultipleHeads { heads });
        }
    }
    errors
}

/// The ids no other revision revises, in declaration order.
fn heads(nodes: &[Node<'_>], unique: &[usize]) -> Vec<String> {
    let revised: HashSet<&str> = nodes
        .iter()
        .flat_map(|node| node.parents.iter().map(String::as_str))
        .collect();
    unique
        .iter()
        .map(|&i| nodes[i].id)
        .filter(|id| !revised.contains(id))
        .map(str::to_owned)
        .collect()
}

/// Branch labels carried by more than one revision, in order of first declaration.
fn duplicate_labels(nodes: &[Node<'_>], unique: &[usize]) -> Vec<GraphCheckError> {
    let mut carriers: Vec<(&str, Vec<usize>)> = Vec::new();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for &i in unique {
        for label in nodes[i].branch_labels {
            match seen.get(label.as_str()) {
                Some(&at) => carriers[at].1.push(i),
                None => {
                    seen.insert(label, carriers.len());
                    carriers.push((label, vec![i]));
                }
            }
        }
    }
    carriers
        .into_iter()
        .filter(|(_, revisions)| revisions.len() > 1)
        .map(|(label, revisions)| GraphCheckError::DuplicateLabel {
            label: label.to_owned(),
            carriers: revisions
                .into_iter()
                .map(|i| Declared::of(nodes, i))
                .collect(),
        })
        .collect()
}

/// Finds the cycles along parent and dependency links with an iterative depth-first search (a
/// long history must not overflow the compiler's stack), starting from each revision in
/// declaration order.
fn cycles(
    nodes: &[Node<'_>],
    unique: &[usize],
    index: &HashMap<&str, usize>,
) -> Vec<GraphCheckError> {
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
        // (node, index of the next link to follow: parents, then dependencies); the stack is
        // the current path.
        let mut path: Vec<(usize, usize)> = vec![(start, 0)];
        marks[start] = Mark::OnPath;
        while let Some(top) = path.last_mut() {
            let (node, next) = *top;
            top.1 += 1;
            let parents = nodes[node].parents;
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
                    found.push(GraphCheckError::Cycle {
                        ids: members
                            .iter()
                            .map(|&(n, _)| nodes[n].id.to_owned())
                            .collect(),
                        members: members
                            .iter()
                            .map(|&(n, _)| Declared::of(nodes, n))
                            .collect(),
                        // `next` counts the link being followed, so each member's link is the
                        // one before its counter.
                        links: members
                            .iter()
                            .map(|&(n, next)| {
                                if next > nodes[n].parents.len() {
                                    Link::DependsOn
                                } else {
                                    Link::Revises
                                }
                            })
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

    /// Owned revisions, lent to the checks as [`Node`]s.
    struct Spec {
        id: String,
        parents: Vec<String>,
        depends_on: Vec<String>,
        labels: Vec<String>,
        file: String,
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|p| (*p).to_owned()).collect()
    }

    fn node(id: &str, parents: &[&str]) -> Spec {
        Spec {
            id: id.to_owned(),
            parents: strings(parents),
            depends_on: Vec::new(),
            labels: Vec::new(),
            file: format!("{id}.rs"),
        }
    }

    fn depending(id: &str, parents: &[&str], depends_on: &[&str]) -> Spec {
        Spec {
            depends_on: strings(depends_on),
            ..node(id, parents)
        }
    }

    fn labelled(id: &str, parents: &[&str], labels: &[&str]) -> Spec {
        Spec {
            labels: strings(labels),
            ..node(id, parents)
        }
    }

    /// The specs as nodes, declared in their files or (without `files`) in code.
    fn nodes(specs: &[Spec], files: bool) -> Vec<Node<'_>> {
        specs
            .iter()
            .map(|s| Node {
                id: &s.id,
                parents: &s.parents,
                depends_on: &s.depends_on,
                branch_labels: &s.labels,
                file: files.then_some(s.file.as_str()),
            })
            .collect()
    }

    fn run(specs: &[Spec], complete: bool, allow_branches: bool) -> Vec<GraphCheckError> {
        let checks = Checks {
            complete,
            allow_branches,
        };
        check(&nodes(specs, true), checks)
    }

    fn declared(id: &str, index: usize) -> Declared {
        Declared {
            id: id.to_owned(),
            index,
            file: Some(format!("{id}.rs")),
        }
    }

    #[test]
    fn linear_history_and_merges_are_valid() {
        let linear = [node("a", &[]), node("b", &["a"]), node("c", &["b"])];
        assert_eq!(run(&linear, true, false), []);
        let merge = [
            node("a", &[]),
            node("b", &["a"]),
            node("c", &["a"]),
            node("m", &["b", "c"]),
        ];
        assert_eq!(run(&merge, true, false), []);
        assert_eq!(run(&[], true, false), []);
    }

    #[test]
    fn branches_are_two_heads_unless_allowed() {
        let nodes = [node("a", &[]), node("b", &["a"]), node("c", &["a"])];
        let heads = strings(&["b", "c"]);
        assert_eq!(
            run(&nodes, true, false),
            [GraphCheckError::MultipleHeads { heads }]
        );
        assert_eq!(run(&nodes, true, true), []);
        // Heads need every revision.
        assert_eq!(run(&nodes, false, false), []);
    }

    #[test]
    fn duplicate_id_names_every_declaration() {
        let mut second = node("a", &[]);
        second.file = "other.rs".to_owned();
        let mut third = node("a", &[]);
        third.file = "third.rs".to_owned();
        let errors = run(
            &[node("a", &[]), node("b", &["a"]), second, third],
            true,
            false,
        );
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(
            errors[0].to_string(),
            "revision id `a` is declared by 3 files: a.rs, other.rs, third.rs; give each \
             revision its own id"
        );
        let GraphCheckError::DuplicateId { declared, .. } = &errors[0] else {
            panic!("{errors:?}");
        };
        let indexes: Vec<usize> = declared.iter().map(|d| d.index).collect();
        assert_eq!(indexes, [0, 2, 3]);
    }

    #[test]
    fn unknown_links_are_reported_only_when_every_file_was_read() {
        let nodes = [
            node("a", &[]),
            node("b", &["zz"]),
            depending("c", &["a"], &["yy"]),
        ];
        let errors = run(&nodes, true, false);
        assert_eq!(
            errors,
            [
                GraphCheckError::UnknownParent {
                    revision: declared("b", 1),
                    parent: "zz".to_owned()
                },
                GraphCheckError::UnknownDependency {
                    revision: declared("c", 2),
                    dependency: "yy".to_owned()
                },
            ],
            "not also reported as a second head"
        );
        assert_eq!(
            errors[1].to_string(),
            "`c.rs` (revision `c`) depends on `yy`, which no file in the folder declares; fix \
             the id in `depends_on` or add the missing migration"
        );
        assert_eq!(run(&nodes, false, false), []);
    }

    #[test]
    fn duplicate_label_names_every_revision_carrying_it() {
        let nodes = [
            labelled("a", &[], &["core"]),
            labelled("b", &["a"], &["x", "core"]),
            labelled("c", &["b"], &["core"]),
        ];
        let errors = run(&nodes, true, false);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(
            errors[0].to_string(),
            "branch label `core` is declared by `a.rs` (revision `a`) and `b.rs` (revision `b`) \
             and `c.rs` (revision `c`); a label names one branch: rename it in all but one of them"
        );
    }

    #[test]
    fn cycles_name_their_members_once_and_each_link() {
        let nodes = [
            node("base", &[]),
            node("a", &["c"]),
            node("b", &["a"]),
            node("c", &["b"]),
        ];
        let cycles: Vec<String> = run(&nodes, true, false)
            .iter()
            .filter(|e| matches!(e, GraphCheckError::Cycle { .. }))
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            cycles,
            ["revisions form a cycle: a -> c -> b -> a (each revises the next; files a.rs, c.rs, \
              b.rs); point `revises` of one of them at an older revision"]
        );

        let nodes = [
            node("base", &[]),
            depending("a", &["base"], &["b"]),
            node("b", &["a"]),
        ];
        let errors = run(&nodes, true, false);
        let GraphCheckError::Cycle { ids, links, .. } = &errors[0] else {
            panic!("{errors:?}");
        };
        assert_eq!(
            (ids.as_slice(), links.as_slice()),
            (
                &strings(&["a", "b"])[..],
                &[Link::DependsOn, Link::Revises][..]
            )
        );
        assert_eq!(
            errors[0].to_string(),
            "revisions form a cycle: a -> b -> a (`a` depends on `b`, `b` revises `a`; files \
             a.rs, b.rs); point `revises` or `depends_on` of one of them at an older revision"
        );
        // A revision that revises itself is a cycle of one.
        let errors = run(&[node("a", &["a"])], true, true);
        assert!(
            matches!(&errors[..], [GraphCheckError::Cycle { ids, .. }] if ids == &["a"]),
            "{errors:?}"
        );
    }

    #[test]
    fn dependency_on_another_branch_does_not_merge() {
        let nodes = [
            labelled("a", &[], &["core"]),
            labelled("b", &[], &["billing"]),
            depending("c", &["a"], &["b"]),
        ];
        assert_eq!(run(&nodes, true, true), []);
        let heads = strings(&["b", "c"]);
        assert_eq!(
            run(&nodes, true, false),
            [GraphCheckError::MultipleHeads { heads }]
        );
    }

    #[test]
    fn revisions_without_files_are_named_by_id() {
        let specs = [node("a", &[]), node("a", &[])];
        let nodes = nodes(&specs, false);
        assert_eq!(
            check(&nodes, Checks::default())[0].to_string(),
            "revision id `a` is declared by 2 revisions: a, a; give each revision its own id"
        );
    }

    #[test]
    fn long_history_does_not_overflow() {
        let mut nodes = vec![node("r0", &[])];
        for i in 1..20_000 {
            nodes.push(node(&format!("r{i}"), &[&format!("r{}", i - 1)]));
        }
        assert_eq!(run(&nodes, true, false), []);
    }
}
