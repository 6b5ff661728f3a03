//! The revision graph: pure logic, no I/O. Revisions point at their parents; heads are revisions
//! that no other revision names as a parent; bases have no parents.

use std::collections::{HashMap, HashSet};

/// A graph problem, with the ids a person needs to fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GraphError {
    /// Two revisions share an id.
    #[error("revision id `{0}` is used by two revisions; give one of them a new id")]
    DuplicateId(String),
    /// A revision names a parent that does not exist.
    #[error("revision `{id}` revises `{parent}`, which does not exist")]
    UnknownParent {
        /// The child.
        id: String,
        /// The missing parent.
        parent: String,
    },
    /// The parents form a cycle.
    #[error("revisions form a cycle: {}", .ids.join(" -> "))]
    Cycle {
        /// The revisions in the cycle.
        ids: Vec<String>,
    },
    /// No revision matches.
    #[error("no revision matches `{0}`; `cargo schema history` lists them")]
    UnknownRevision(String),
    /// A prefix matches several revisions.
    #[error("`{prefix}` matches several revisions: {}; give more of the id", .candidates.join(", "))]
    AmbiguousPrefix {
        /// The prefix.
        prefix: String,
        /// Matching ids.
        candidates: Vec<String>,
    },
    /// `head` was asked for but there are several.
    #[error("there are {} heads: {}; write a merge revision (`cargo schema merge`) or upgrade to `heads`", .heads.len(), .heads.join(", "))]
    MultipleHeads {
        /// The heads.
        heads: Vec<String>,
    },
    /// A relative target goes past the ends of the graph.
    #[error("cannot move {steps} revision(s) {direction} from {from}: only {available} available")]
    RelativeOutOfRange {
        /// Requested steps.
        steps: usize,
        /// `up` or `down`.
        direction: &'static str,
        /// Where the move starts.
        from: String,
        /// How many steps there are.
        available: usize,
    },
    /// A target that does not parse.
    #[error(
        "`{0}` is not a valid target; use head, heads, base, a revision id or prefix, +N or -N"
    )]
    InvalidTarget(String),
    /// A downgrade target that is not applied.
    #[error("`{0}` is not applied to this database, so it cannot be a downgrade target")]
    NotApplied(String),
}

#[derive(Debug, Clone)]
struct Node {
    id: String,
    parents: Vec<usize>,
    children: Vec<usize>,
}

/// Revisions and their parent links, with a fixed topological order.
///
/// ```
/// use schema_runtime::graph::RevisionGraph;
/// let graph = RevisionGraph::new([("a", vec![]), ("b", vec!["a"]), ("c", vec!["b"])]).unwrap();
/// assert_eq!(graph.heads(), ["c"]);
/// let plan = graph.upgrade_plan(&["a".to_string()], "head").unwrap();
/// assert_eq!(plan, ["b", "c"]);
/// ```
#[derive(Debug, Clone)]
pub struct RevisionGraph {
    nodes: Vec<Node>,
    index: HashMap<String, usize>,
    /// Position of each node in the topological order.
    rank: Vec<usize>,
    order: Vec<usize>,
}

/// A parsed target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The single head.
    Head,
    /// Every head.
    Heads,
    /// Nothing applied.
    Base,
    /// A revision id or unique prefix.
    Revision(String),
    /// N steps relative to the current position (+N up, -N down).
    Relative(i64),
}

impl Target {
    /// Parses `head`, `heads`, `base`, `+N`, `-N` or a revision.
    pub fn parse(s: &str) -> Result<Target, GraphError> {
        let s = s.trim();
        match s {
            "" => Err(GraphError::InvalidTarget(s.into())),
            "head" => Ok(Target::Head),
            "heads" => Ok(Target::Heads),
            "base" => Ok(Target::Base),
            _ if s.starts_with(['+', '-']) => s
                .parse::<i64>()
                .map(Target::Relative)
                .map_err(|_| GraphError::InvalidTarget(s.into())),
            _ => Ok(Target::Revision(s.into())),
        }
    }
}

impl RevisionGraph {
    /// Builds the graph from `(id, parents)` pairs, checking ids, parents and cycles.
    pub fn new<I, S, P>(revisions: I) -> Result<Self, GraphError>
    where
        I: IntoIterator<Item = (S, P)>,
        S: AsRef<str>,
        P: IntoIterator,
        P::Item: AsRef<str>,
    {
        let mut nodes = Vec::new();
        let mut index = HashMap::new();
        let mut parent_ids = Vec::new();
        for (id, parents) in revisions {
            let id = id.as_ref().to_owned();
            if index.insert(id.clone(), nodes.len()).is_some() {
                return Err(GraphError::DuplicateId(id));
            }
            parent_ids.push(
                parents
                    .into_iter()
                    .map(|p| p.as_ref().to_owned())
                    .collect::<Vec<_>>(),
            );
            nodes.push(Node {
                id,
                parents: Vec::new(),
                children: Vec::new(),
            });
        }
        for (child, parents) in parent_ids.into_iter().enumerate() {
            for parent in parents {
                let &p = index
                    .get(&parent)
                    .ok_or_else(|| GraphError::UnknownParent {
                        id: nodes[child].id.clone(),
                        parent: parent.clone(),
                    })?;
                if !nodes[child].parents.contains(&p) {
                    nodes[child].parents.push(p);
                    nodes[p].children.push(child);
                }
            }
        }
        let order = topological_order(&nodes)?;
        let mut rank = vec![0; nodes.len()];
        for (pos, &n) in order.iter().enumerate() {
            rank[n] = pos;
        }
        Ok(RevisionGraph {
            nodes,
            index,
            rank,
            order,
        })
    }

    /// Number of revisions.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// True without revisions.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Whether `id` exists.
    pub fn contains(&self, id: &str) -> bool {
        self.index.contains_key(id)
    }

    /// Every id in topological order (parents before children).
    pub fn topological(&self) -> Vec<&str> {
        self.order
            .iter()
            .map(|&n| self.nodes[n].id.as_str())
            .collect()
    }

    /// The parents of `id`.
    pub fn parents(&self, id: &str) -> Vec<&str> {
        self.index
            .get(id)
            .map(|&n| self.nodes[n].parents.iter().map(|&p| self.id(p)).collect())
            .unwrap_or_default()
    }

    /// Revisions no other revision revises, in topological order.
    pub fn heads(&self) -> Vec<&str> {
        self.order
            .iter()
            .filter(|&&n| self.nodes[n].children.is_empty())
            .map(|&n| self.id(n))
            .collect()
    }

    /// Revisions without parents.
    pub fn bases(&self) -> Vec<&str> {
        self.order
            .iter()
            .filter(|&&n| self.nodes[n].parents.is_empty())
            .map(|&n| self.id(n))
            .collect()
    }

    fn id(&self, n: usize) -> &str {
        &self.nodes[n].id
    }

    /// The full id of a revision given by id or unique prefix.
    pub fn resolve(&self, spec: &str) -> Result<&str, GraphError> {
        self.resolve_node(spec).map(|n| self.id(n))
    }

    fn resolve_node(&self, spec: &str) -> Result<usize, GraphError> {
        if let Some(&n) = self.index.get(spec) {
            return Ok(n);
        }
        let matches: Vec<usize> = self
            .order
            .iter()
            .copied()
            .filter(|&n| self.nodes[n].id.starts_with(spec))
            .collect();
        match matches.as_slice() {
            [] => Err(GraphError::UnknownRevision(spec.into())),
            [n] => Ok(*n),
            many => Err(GraphError::AmbiguousPrefix {
                prefix: spec.into(),
                candidates: many.iter().map(|&n| self.nodes[n].id.clone()).collect(),
            }),
        }
    }

    fn nodes_of(&self, ids: &[String]) -> Result<Vec<usize>, GraphError> {
        ids.iter()
            .map(|id| {
                self.index
                    .get(id)
                    .copied()
                    .ok_or_else(|| GraphError::UnknownRevision(id.clone()))
            })
            .collect()
    }

    /// `nodes` and all their ancestors.
    fn closure(&self, nodes: &[usize]) -> HashSet<usize> {
        let mut seen: HashSet<usize> = HashSet::new();
        let mut stack: Vec<usize> = nodes.to_vec();
        while let Some(n) = stack.pop() {
            if seen.insert(n) {
                stack.extend(&self.nodes[n].parents);
            }
        }
        seen
    }

    fn sorted(&self, set: &HashSet<usize>) -> Vec<usize> {
        let mut nodes: Vec<usize> = set.iter().copied().collect();
        nodes.sort_by_key(|&n| self.rank[n]);
        nodes
    }

    /// Every revision applied when the version table holds `heads`, in topological order.
    pub fn applied(&self, heads: &[String]) -> Result<Vec<&str>, GraphError> {
        let set = self.closure(&self.nodes_of(heads)?);
        Ok(self.sorted(&set).into_iter().map(|n| self.id(n)).collect())
    }

    /// The revisions to apply, in order, to go from `current` heads to `target`.
    pub fn upgrade_plan(&self, current: &[String], target: &str) -> Result<Vec<&str>, GraphError> {
        let applied = self.closure(&self.nodes_of(current)?);
        let pending = |goal: &[usize]| -> Vec<usize> {
            let mut want = self.closure(goal);
            want.retain(|n| !applied.contains(n));
            self.sorted(&want)
        };
        let all_heads: Vec<usize> = self
            .order
            .iter()
            .copied()
            .filter(|&n| self.nodes[n].children.is_empty())
            .collect();
        let plan = match Target::parse(target)? {
            Target::Head => {
                if all_heads.len() > 1 {
                    return Err(GraphError::MultipleHeads {
                        heads: self.heads().into_iter().map(String::from).collect(),
                    });
                }
                pending(&all_heads)
            }
            Target::Heads => pending(&all_heads),
            Target::Base => Vec::new(),
            Target::Revision(spec) => pending(&[self.resolve_node(&spec)?]),
            Target::Relative(n) if n >= 0 => {
                let all = pending(&all_heads);
                let n = n as usize;
                if n > all.len() {
                    return Err(GraphError::RelativeOutOfRange {
                        steps: n,
                        direction: "up",
                        from: self.describe_heads(current),
                        available: all.len(),
                    });
                }
                all[..n].to_vec()
            }
            Target::Relative(_) => return Err(GraphError::InvalidTarget(target.into())),
        };
        Ok(plan.into_iter().map(|n| self.id(n)).collect())
    }

    /// The revisions to revert, in order, to go from `current` heads down to `target`.
    pub fn downgrade_plan(
        &self,
        current: &[String],
        target: &str,
    ) -> Result<Vec<&str>, GraphError> {
        let applied = self.closure(&self.nodes_of(current)?);
        let mut undo: Vec<usize> = match Target::parse(target)? {
            Target::Base => self.sorted(&applied),
            Target::Revision(spec) => {
                let n = self.resolve_node(&spec)?;
                if !applied.contains(&n) {
                    return Err(GraphError::NotApplied(self.id(n).into()));
                }
                let keep = self.closure(&[n]);
                self.sorted(
                    &applied
                        .iter()
                        .copied()
                        .filter(|n| !keep.contains(n))
                        .collect(),
                )
            }
            Target::Relative(n) if n <= 0 => {
                let all = self.sorted(&applied);
                let n = n.unsigned_abs() as usize;
                if n > all.len() {
                    return Err(GraphError::RelativeOutOfRange {
                        steps: n,
                        direction: "down",
                        from: self.describe_heads(current),
                        available: all.len(),
                    });
                }
                all[all.len() - n..].to_vec()
            }
            Target::Head | Target::Heads | Target::Relative(_) => {
                return Err(GraphError::InvalidTarget(target.into()))
            }
        };
        undo.reverse();
        Ok(undo.into_iter().map(|n| self.id(n)).collect())
    }

    /// The version-table rows after applying `id` on top of `heads`.
    pub fn heads_after_upgrade(&self, heads: &[String], id: &str) -> Vec<String> {
        let parents = self.parents(id);
        let mut next: Vec<String> = heads
            .iter()
            .filter(|h| !parents.contains(&h.as_str()))
            .cloned()
            .collect();
        next.push(id.to_owned());
        next
    }

    /// The version-table rows after reverting `id` from `heads`.
    pub fn heads_after_downgrade(
        &self,
        heads: &[String],
        id: &str,
    ) -> Result<Vec<String>, GraphError> {
        let remaining: Vec<String> = heads.iter().filter(|h| *h != id).cloned().collect();
        let applied = self.closure(&self.nodes_of(&remaining)?);
        let mut next = remaining;
        for parent in self.parents(id) {
            // A parent becomes a head again unless another applied revision still builds on it.
            let still_built_on = self.nodes[self.index[parent]]
                .children
                .iter()
                .any(|c| applied.contains(c));
            if !still_built_on && !next.iter().any(|h| h == parent) {
                next.push(parent.to_owned());
            }
        }
        Ok(next)
    }

    fn describe_heads(&self, current: &[String]) -> String {
        if current.is_empty() {
            "base".into()
        } else {
            current.join(", ")
        }
    }
}

/// Kahn's algorithm; ties broken by declaration order so the order is stable.
fn topological_order(nodes: &[Node]) -> Result<Vec<usize>, GraphError> {
    let mut missing: Vec<usize> = nodes.iter().map(|n| n.parents.len()).collect();
    let mut ready: std::collections::BTreeSet<usize> =
        (0..nodes.len()).filter(|&n| missing[n] == 0).collect();
    let mut order = Vec::with_capacity(nodes.len());
    while let Some(n) = ready.pop_first() {
        order.push(n);
        for &c in &nodes[n].children {
            missing[c] -= 1;
            if missing[c] == 0 {
                ready.insert(c);
            }
        }
    }
    if order.len() < nodes.len() {
        let placed: HashSet<usize> = order.iter().copied().collect();
        // Walk parents from an unplaced node until one repeats: that walk is a cycle.
        let start = (0..nodes.len())
            .find(|n| !placed.contains(n))
            .expect("some node is unplaced");
        let mut path = vec![start];
        let mut current = start;
        loop {
            let next = *nodes[current]
                .parents
                .iter()
                .find(|p| !placed.contains(p))
                .expect("an unplaced node has an unplaced parent");
            if let Some(pos) = path.iter().position(|&n| n == next) {
                let mut ids: Vec<String> = path[pos..]
                    .iter()
                    .rev()
                    .map(|&n| nodes[n].id.clone())
                    .collect();
                ids.push(ids[0].clone());
                return Err(GraphError::Cycle { ids });
            }
            path.push(next);
            current = next;
        }
    }
    Ok(order)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(edges: &[(&str, &[&str])]) -> RevisionGraph {
        RevisionGraph::new(edges.iter().map(|(id, ps)| (*id, ps.to_vec()))).unwrap()
    }

    fn s(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn linear_upgrade_and_downgrade() {
        let g = graph(&[("a", &[]), ("b", &["a"]), ("c", &["b"])]);
        assert_eq!(g.upgrade_plan(&[], "head").unwrap(), ["a", "b", "c"]);
        assert_eq!(g.upgrade_plan(&s(&["a"]), "+1").unwrap(), ["b"]);
        assert_eq!(g.upgrade_plan(&s(&["a"]), "b").unwrap(), ["b"]);
        assert_eq!(g.downgrade_plan(&s(&["c"]), "-1").unwrap(), ["c"]);
        assert_eq!(g.downgrade_plan(&s(&["c"]), "a").unwrap(), ["c", "b"]);
        assert_eq!(
            g.downgrade_plan(&s(&["c"]), "base").unwrap(),
            ["c", "b", "a"]
        );
        assert!(matches!(
            g.downgrade_plan(&s(&["a"]), "c"),
            Err(GraphError::NotApplied(_))
        ));
        assert!(matches!(
            g.downgrade_plan(&s(&["c"]), "-4"),
            Err(GraphError::RelativeOutOfRange { .. })
        ));
    }

    #[test]
    fn branches_merge_and_version_rows() {
        // a -> b1, a -> b2, (b1, b2) -> m
        let g = graph(&[
            ("a", &[]),
            ("b1", &["a"]),
            ("b2", &["a"]),
            ("m", &["b1", "b2"]),
        ]);
        assert_eq!(g.heads(), ["m"]);
        let mut heads = s(&["a"]);
        heads = g.heads_after_upgrade(&heads, "b1");
        assert_eq!(heads, ["b1"]);
        heads = g.heads_after_upgrade(&heads, "b2");
        assert_eq!(heads, ["b1", "b2"]);
        heads = g.heads_after_upgrade(&heads, "m");
        assert_eq!(heads, ["m"]);
        heads = g.heads_after_downgrade(&heads, "m").unwrap();
        assert_eq!(heads, ["b1", "b2"]);
        heads = g.heads_after_downgrade(&heads, "b2").unwrap();
        assert_eq!(heads, ["b1"]);
        heads = g.heads_after_downgrade(&heads, "b1").unwrap();
        assert_eq!(heads, ["a"]);
        heads = g.heads_after_downgrade(&heads, "a").unwrap();
        assert!(heads.is_empty());
    }

    #[test]
    fn multiple_heads_need_a_merge() {
        let g = graph(&[("a", &[]), ("b1", &["a"]), ("b2", &["a"])]);
        assert!(
            matches!(g.upgrade_plan(&[], "head"), Err(GraphError::MultipleHeads { heads }) if heads == ["b1", "b2"])
        );
        assert_eq!(g.upgrade_plan(&[], "heads").unwrap(), ["a", "b1", "b2"]);
    }

    #[test]
    fn errors_carry_the_ids() {
        let dup = RevisionGraph::new([("a", Vec::<&str>::new()), ("a", vec![])]);
        assert_eq!(dup.unwrap_err(), GraphError::DuplicateId("a".into()));
        let unknown = RevisionGraph::new([("a", vec!["zz"])]);
        assert!(matches!(unknown, Err(GraphError::UnknownParent { parent, .. }) if parent == "zz"));
        let cycle = RevisionGraph::new([("a", vec!["c"]), ("b", vec!["a"]), ("c", vec!["b"])]);
        assert!(matches!(cycle, Err(GraphError::Cycle { ids }) if ids.len() == 4));
        let g = graph(&[("abc1", &[]), ("abc2", &["abc1"])]);
        assert!(matches!(
            g.resolve("abc"),
            Err(GraphError::AmbiguousPrefix { .. })
        ));
        assert_eq!(g.resolve("abc2").unwrap(), "abc2");
    }
}
