//! The revision graph: pure logic, no I/O, with Alembic's semantics. Revisions point at their
//! parents (several for a merge); `depends_on` orders a revision after others without merging
//! their branches; branch labels name a revision and its descendants. Heads are revisions that
//! no other revision names as a parent; bases have no parents.
//!
//! What makes a set of revisions a graph (unique ids, known links, one carrier per label, no
//! cycle) is checked by `schema_core::graph`, the code the `migrations!` collector and
//! `cargo schema` run too; this module plans on the checked graph.

use std::collections::{BTreeSet, HashSet};

use schema_core::graph::{self as checks, GraphCheckError};

/// A graph problem, with the ids a person needs to fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
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
    /// A revision depends on one that does not exist.
    #[error("revision `{id}` depends on `{dependency}`, which does not exist")]
    UnknownDependency {
        /// The dependent revision.
        id: String,
        /// The missing dependency.
        dependency: String,
    },
    /// Two revisions carry the same branch label.
    #[error(
        "branch label `{label}` is on both `{first}` and `{second}`; a label names one branch"
    )]
    DuplicateLabel {
        /// The label.
        label: String,
        /// One revision carrying it.
        first: String,
        /// The other.
        second: String,
    },
    /// The parents or dependencies form a cycle.
    #[error("revisions form a cycle: {}", .ids.join(" -> "))]
    Cycle {
        /// The revisions in the cycle, each revising or depending on the next, the first
        /// repeated at the end.
        ids: Vec<String>,
    },
    /// No revision matches.
    #[error("no revision matches `{0}`; `cargo schema history` lists them")]
    UnknownRevision(String),
    /// No branch carries the label.
    #[error("no branch is labelled `{0}`; `cargo schema branches` lists the branch points")]
    UnknownLabel(String),
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
    /// A relative move reaches a branch point or a merge, where the way is not unique.
    #[error("moving from `{from}` meets the {kind} `{at}`; name the revision to go to instead")]
    AmbiguousStep {
        /// Where the move started.
        from: String,
        /// `branch point` or `merge point`.
        kind: &'static str,
        /// Where the way splits.
        at: String,
    },
    /// A relative move from several current heads.
    #[error("the database is at several heads ({}); a relative move needs one: use LABEL@+N / LABEL@-N, REV+N / REV-N, or name the revision", .heads.join(", "))]
    AmbiguousRelative {
        /// The current heads.
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
    /// A target that does not parse or does not fit the direction.
    #[error("`{0}` is not a valid target here; use head, heads, base, a revision id or prefix, +N, -N, REV+N, REV-N or LABEL@head/base/+N/-N")]
    InvalidTarget(String),
    /// A downgrade target that is not applied.
    #[error("`{0}` is not applied to this database, so it cannot be a downgrade target")]
    NotApplied(String),
    /// A revision asked to be reverted alone while applied revisions build on it.
    #[error("`{id}` cannot be reverted alone: {} build(s) on it and is applied", .by.join(", "))]
    BuiltOn {
        /// The revision.
        id: String,
        /// The applied revisions that build on it.
        by: Vec<String>,
    },
}

impl From<GraphCheckError> for GraphError {
    /// The planner's form of schema-core's check errors (which also name files, for the
    /// collector and `cargo schema`); a cycle closes on its first id.
    fn from(error: GraphCheckError) -> Self {
        match error {
            GraphCheckError::DuplicateId { id, .. } => GraphError::DuplicateId(id),
            GraphCheckError::UnknownParent { revision, parent } => GraphError::UnknownParent {
                id: revision.id,
                parent,
            },
            GraphCheckError::UnknownDependency {
                revision,
                dependency,
            } => GraphError::UnknownDependency {
                id: revision.id,
                dependency,
            },
            GraphCheckError::DuplicateLabel { label, carriers } => {
                let mut ids = carriers.into_iter().map(|carrier| carrier.id);
                GraphError::DuplicateLabel {
                    label,
                    first: ids.next().unwrap_or_default(),
                    second: ids.next().unwrap_or_default(),
                }
            }
            GraphCheckError::Cycle { mut ids, .. } => {
                if let Some(first) = ids.first().cloned() {
                    ids.push(first);
                }
                GraphError::Cycle { ids }
            }
            GraphCheckError::MultipleHeads { heads } => GraphError::MultipleHeads { heads },
        }
    }
}

/// One revision as the graph sees it.
#[derive(Debug, Clone, Copy)]
pub struct NodeSpec<'a> {
    /// Revision id.
    pub id: &'a str,
    /// Parent ids.
    pub parents: &'a [String],
    /// Ids that must be applied first.
    pub depends_on: &'a [String],
    /// Branch labels.
    pub branch_labels: &'a [String],
}

#[derive(Debug, Clone)]
struct Node {
    id: String,
    parents: Vec<usize>,
    children: Vec<usize>,
    deps: Vec<usize>,
    dependents: Vec<usize>,
}

/// Revisions and their links, with a fixed topological order.
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
    index: foldhash::HashMap<String, usize>,
    labels: foldhash::HashMap<String, usize>,
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
    /// N steps from a revision (`REV+2`, `REV-1`).
    FromRevision(String, i64),
    /// A labelled branch's head, base, or N steps along it.
    Label(String, LabelTarget),
}

/// What `LABEL@...` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabelTarget {
    /// `LABEL@head`.
    Head,
    /// `LABEL@base`.
    Base,
    /// `LABEL@+N` / `LABEL@-N`.
    Relative(i64),
}

fn parse_relative(s: &str) -> Option<i64> {
    if s.len() > 1 && s.starts_with(['+', '-']) && s[1..].chars().all(|c| c.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

impl Target {
    /// Parses `head`, `heads`, `base`, `+N`, `-N`, `REV+N`, `REV-N`, `LABEL@head|base|+N|-N` or a revision.
    pub fn parse(s: &str) -> Result<Target, GraphError> {
        let s = s.trim();
        let invalid = || GraphError::InvalidTarget(s.into());
        if let Some((label, rest)) = s.split_once('@') {
            if label.is_empty() {
                return Err(invalid());
            }
            let what = match rest {
                "head" => LabelTarget::Head,
                "base" => LabelTarget::Base,
                _ => LabelTarget::Relative(parse_relative(rest).ok_or_else(invalid)?),
            };
            return Ok(Target::Label(label.into(), what));
        }
        match s {
            "" => Err(invalid()),
            "head" => Ok(Target::Head),
            "heads" => Ok(Target::Heads),
            "base" => Ok(Target::Base),
            _ => {
                if let Some(n) = parse_relative(s) {
                    return Ok(Target::Relative(n));
                }
                if let Some(pos) = s.rfind(['+', '-']) {
                    if let (Some(n), false) = (parse_relative(&s[pos..]), s[..pos].is_empty()) {
                        return Ok(Target::FromRevision(s[..pos].into(), n));
                    }
                }
                if s.contains(['+', '-', ':', ' ']) {
                    return Err(invalid());
                }
                Ok(Target::Revision(s.into()))
            }
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
        let owned: Vec<(String, Vec<String>)> = revisions
            .into_iter()
            .map(|(id, ps)| {
                (
                    id.as_ref().to_owned(),
                    ps.into_iter().map(|p| p.as_ref().to_owned()).collect(),
                )
            })
            .collect();
        Self::from_specs(owned.iter().map(|(id, parents)| NodeSpec {
            id,
            parents,
            depends_on: &[],
            branch_labels: &[],
        }))
    }

    /// Builds the graph with dependencies and branch labels, after schema-core's checks
    /// (duplicate ids, unknown parents and dependencies, duplicate labels, cycles); the first
    /// problem found is the error.
    pub fn from_specs<'a>(
        specs: impl IntoIterator<Item = NodeSpec<'a>>,
    ) -> Result<Self, GraphError> {
        let specs: Vec<NodeSpec<'a>> = specs.into_iter().collect();
        let checked: Vec<checks::Node<'_>> = specs
            .iter()
            .map(|spec| checks::Node {
                id: spec.id,
                parents: spec.parents,
                depends_on: spec.depends_on,
                branch_labels: spec.branch_labels,
                file: None,
            })
            .collect();
        let all = checks::Checks {
            complete: true,
            // Planning handles several heads (`heads`, `LABEL@head`); `head` asks for one.
            allow_branches: true,
        };
        if let Some(error) = checks::check(&checked, all).into_iter().next() {
            return Err(error.into());
        }

        let mut nodes = Vec::with_capacity(specs.len());
        let mut index: foldhash::HashMap<String, usize> =
            foldhash::HashMap::with_capacity_and_hasher(specs.len(), Default::default());
        for spec in &specs {
            index.insert(spec.id.to_owned(), nodes.len());
            nodes.push(Node {
                id: spec.id.to_owned(),
                parents: Vec::new(),
                children: Vec::new(),
                deps: Vec::new(),
                dependents: Vec::new(),
            });
        }
        // Every link resolves: the checks above found no unknown id.
        let mut labels: foldhash::HashMap<String, usize> = foldhash::HashMap::default();
        for (child, spec) in specs.iter().enumerate() {
            for &p in spec.parents.iter().filter_map(|parent| index.get(parent)) {
                if !nodes[child].parents.contains(&p) {
                    nodes[child].parents.push(p);
                    nodes[p].children.push(child);
                }
            }
            for &d in spec.depends_on.iter().filter_map(|dep| index.get(dep)) {
                if !nodes[child].deps.contains(&d) {
                    nodes[child].deps.push(d);
                    nodes[d].dependents.push(child);
                }
            }
            for label in spec.branch_labels {
                labels.insert(label.clone(), child);
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
            labels,
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

    /// Every id in topological order (parents and dependencies before children).
    pub fn topological(&self) -> Vec<&str> {
        self.order.iter().map(|&n| self.id(n)).collect()
    }

    /// The parents of `id`.
    pub fn parents(&self, id: &str) -> Vec<&str> {
        self.index
            .get(id)
            .map(|&n| self.nodes[n].parents.iter().map(|&p| self.id(p)).collect())
            .unwrap_or_default()
    }

    /// The children of `id`.
    pub fn children(&self, id: &str) -> Vec<&str> {
        self.index
            .get(id)
            .map(|&n| self.nodes[n].children.iter().map(|&p| self.id(p)).collect())
            .unwrap_or_default()
    }

    /// The revisions `id` depends on.
    pub fn dependencies(&self, id: &str) -> Vec<&str> {
        self.index
            .get(id)
            .map(|&n| self.nodes[n].deps.iter().map(|&p| self.id(p)).collect())
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

    /// Revisions with several children, in topological order.
    pub fn branch_points(&self) -> Vec<&str> {
        self.order
            .iter()
            .filter(|&&n| self.nodes[n].children.len() > 1)
            .map(|&n| self.id(n))
            .collect()
    }

    /// The branch labels and the revision each names.
    pub fn labels(&self) -> Vec<(&str, &str)> {
        let mut labels: Vec<(&str, &str)> = self
            .labels
            .iter()
            .map(|(l, &n)| (l.as_str(), self.id(n)))
            .collect();
        labels.sort();
        labels
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
        // A branch label names the revision that carries it, as in Alembic.
        if let Some(&n) = self.labels.get(spec) {
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

    fn label_node(&self, label: &str) -> Result<usize, GraphError> {
        self.labels
            .get(label)
            .copied()
            .ok_or_else(|| GraphError::UnknownLabel(label.into()))
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

    /// `nodes` and everything they need: ancestors and dependencies, transitively.
    fn closure(&self, nodes: &[usize]) -> HashSet<usize> {
        let mut seen: HashSet<usize> = HashSet::new();
        let mut stack: Vec<usize> = nodes.to_vec();
        while let Some(n) = stack.pop() {
            if seen.insert(n) {
                stack.extend(&self.nodes[n].parents);
                stack.extend(&self.nodes[n].deps);
            }
        }
        seen
    }

    /// `n` and everything that builds on it: descendants and dependents, transitively.
    fn descendants(&self, n: usize) -> HashSet<usize> {
        let mut seen: HashSet<usize> = HashSet::new();
        let mut stack = vec![n];
        while let Some(n) = stack.pop() {
            if seen.insert(n) {
                stack.extend(&self.nodes[n].children);
                stack.extend(&self.nodes[n].dependents);
            }
        }
        seen
    }

    /// The branch a label names: the labelled revision and its descendants through parent
    /// links only. A revision of another branch that `depends_on` one of them needs the branch
    /// but is no part of it.
    fn branch(&self, n: usize) -> HashSet<usize> {
        let mut seen: HashSet<usize> = HashSet::new();
        let mut stack = vec![n];
        while let Some(n) = stack.pop() {
            if seen.insert(n) {
                stack.extend(&self.nodes[n].children);
            }
        }
        seen
    }

    fn sorted(&self, set: &HashSet<usize>) -> Vec<usize> {
        let mut nodes: Vec<usize> = set.iter().copied().collect();
        nodes.sort_by_key(|&n| self.rank[n]);
        nodes
    }

    fn all_heads(&self) -> Vec<usize> {
        self.order
            .iter()
            .copied()
            .filter(|&n| self.nodes[n].children.is_empty())
            .collect()
    }

    /// Every revision applied when the version table holds `heads`, in topological order.
    pub fn applied(&self, heads: &[String]) -> Result<Vec<&str>, GraphError> {
        let set = self.closure(&self.nodes_of(heads)?);
        Ok(self.sorted(&set).into_iter().map(|n| self.id(n)).collect())
    }

    /// Walks `steps` single links from `from` (children when `up`); errors at forks.
    fn walk(&self, from: usize, steps: usize, up: bool) -> Result<Option<usize>, GraphError> {
        let mut at = Some(from);
        for taken in 0..steps {
            let Some(n) = at else {
                return Err(GraphError::RelativeOutOfRange {
                    steps,
                    direction: if up { "up" } else { "down" },
                    from: self.id(from).into(),
                    available: taken,
                });
            };
            let next = if up {
                &self.nodes[n].children
            } else {
                &self.nodes[n].parents
            };
            at = match next.as_slice() {
                [] if up => {
                    return Err(GraphError::RelativeOutOfRange {
                        steps,
                        direction: "up",
                        from: self.id(from).into(),
                        available: taken,
                    })
                }
                [] => None,
                [one] => Some(*one),
                _ => {
                    return Err(GraphError::AmbiguousStep {
                        from: self.id(from).into(),
                        kind: if up { "branch point" } else { "merge point" },
                        at: self.id(n).into(),
                    })
                }
            };
        }
        Ok(at)
    }

    /// Where a relative move starts: the one current head, or `None` at base.
    fn single_current(&self, current: &[String]) -> Result<Option<usize>, GraphError> {
        match self.nodes_of(current)?.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(*one)),
            _ => Err(GraphError::AmbiguousRelative {
                heads: current.to_vec(),
            }),
        }
    }

    /// The revisions to apply, in order, to go from `current` heads to `target`.
    pub fn upgrade_plan(&self, current: &[String], target: &str) -> Result<Vec<&str>, GraphError> {
        let applied = self.closure(&self.nodes_of(current)?);
        let pending = |goal: &[usize]| -> Vec<usize> {
            let mut want = self.closure(goal);
            want.retain(|n| !applied.contains(n));
            self.sorted(&want)
        };
        let first_n = |all: Vec<usize>, n: i64| -> Result<Vec<usize>, GraphError> {
            let n = usize::try_from(n).map_err(|_| GraphError::InvalidTarget(target.into()))?;
            if n > all.len() {
                return Err(GraphError::RelativeOutOfRange {
                    steps: n,
                    direction: "up",
                    from: self.describe_heads(current),
                    available: all.len(),
                });
            }
            Ok(all[..n].to_vec())
        };
        let plan = match Target::parse(target)? {
            Target::Head => {
                let heads = self.all_heads();
                if heads.len() > 1 {
                    return Err(GraphError::MultipleHeads {
                        heads: self.heads().into_iter().map(String::from).collect(),
                    });
                }
                pending(&heads)
            }
            Target::Heads => pending(&self.all_heads()),
            Target::Base => Vec::new(),
            Target::Revision(spec) => pending(&[self.resolve_node(&spec)?]),
            // +N walks the branch from the current revision, as Alembic does.
            Target::Relative(n) if n >= 0 => {
                let steps = n as usize;
                let to = match self.single_current(current)? {
                    Some(from) => self.walk(from, steps, true)?,
                    None if steps == 0 => None,
                    None => match self.bases().as_slice() {
                        [base] => self.walk(self.index[*base], steps - 1, true)?,
                        _ => {
                            return Err(GraphError::AmbiguousRelative {
                                heads: vec!["base (several bases)".into()],
                            })
                        }
                    },
                };
                to.map(|to| pending(&[to])).unwrap_or_default()
            }
            Target::Relative(_) => return Err(GraphError::InvalidTarget(target.into())),
            Target::FromRevision(spec, n) => {
                let from = self.resolve_node(&spec)?;
                match self.walk(from, n.unsigned_abs() as usize, n >= 0)? {
                    Some(to) => pending(&[to]),
                    None => Vec::new(),
                }
            }
            Target::Label(label, what) => {
                let start = self.label_node(&label)?;
                let branch = self.branch(start);
                let branch_heads: Vec<usize> = self
                    .sorted(&branch)
                    .into_iter()
                    .filter(|&n| self.nodes[n].children.is_empty())
                    .collect();
                match what {
                    LabelTarget::Head => {
                        if branch_heads.len() > 1 {
                            return Err(GraphError::MultipleHeads {
                                heads: branch_heads
                                    .iter()
                                    .map(|&n| self.id(n).to_owned())
                                    .collect(),
                            });
                        }
                        pending(&branch_heads)
                    }
                    LabelTarget::Base => pending(&self.nodes[start].parents),
                    LabelTarget::Relative(n) => {
                        let along: Vec<usize> = pending(&branch_heads).into_iter().collect();
                        first_n(along, n)?
                    }
                }
            }
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
        let last_n = |all: Vec<usize>, n: i64| -> Result<Vec<usize>, GraphError> {
            let n = n.unsigned_abs() as usize;
            if n > all.len() {
                return Err(GraphError::RelativeOutOfRange {
                    steps: n,
                    direction: "down",
                    from: self.describe_heads(current),
                    available: all.len(),
                });
            }
            Ok(all[all.len() - n..].to_vec())
        };
        // Down to a revision: what builds on it goes, other branches and bases stay.
        let keep_revision = |n: usize| -> Result<Vec<usize>, GraphError> {
            if !applied.contains(&n) {
                return Err(GraphError::NotApplied(self.id(n).into()));
            }
            let mut gone = self.descendants(n);
            gone.remove(&n);
            gone.retain(|d| applied.contains(d));
            Ok(self.sorted(&gone))
        };
        let mut undo: Vec<usize> = match Target::parse(target)? {
            Target::Base => self.sorted(&applied),
            Target::Revision(spec) => keep_revision(self.resolve_node(&spec)?)?,
            // -N undoes the last N applied revisions, merges and branches included, as Alembic.
            // A relative move needs one current head, as `upgrade +N` does.
            Target::Relative(n) if n <= 0 => {
                self.single_current(current)?;
                last_n(self.sorted(&applied), n)?
            }
            Target::FromRevision(spec, n) => {
                let from = self.resolve_node(&spec)?;
                match self.walk(from, n.unsigned_abs() as usize, n >= 0)? {
                    Some(to) => keep_revision(to)?,
                    None => self.sorted(&applied),
                }
            }
            Target::Label(label, what) => {
                let start = self.label_node(&label)?;
                let branch = self.branch(start);
                let in_branch: Vec<usize> = self
                    .sorted(&applied)
                    .into_iter()
                    .filter(|n| branch.contains(n))
                    .collect();
                match what {
                    // Everything of the branch goes, the labelled revision included.
                    LabelTarget::Base => {
                        let mut gone: HashSet<usize> = HashSet::new();
                        for &n in &in_branch {
                            gone.extend(
                                self.descendants(n)
                                    .into_iter()
                                    .filter(|d| applied.contains(d)),
                            );
                        }
                        self.sorted(&gone)
                    }
                    // The branch's last N, and what other branches built on them with
                    // `depends_on` (reverted first).
                    LabelTarget::Relative(n) if n <= 0 => {
                        let mut gone: HashSet<usize> = HashSet::new();
                        for m in last_n(in_branch, n)? {
                            gone.extend(
                                self.descendants(m)
                                    .into_iter()
                                    .filter(|d| applied.contains(d)),
                            );
                        }
                        self.sorted(&gone)
                    }
                    _ => return Err(GraphError::InvalidTarget(target.into())),
                }
            }
            Target::Head | Target::Heads | Target::Relative(_) => {
                return Err(GraphError::InvalidTarget(target.into()))
            }
        };
        undo.reverse();
        Ok(undo.into_iter().map(|n| self.id(n)).collect())
    }

    /// Reverting exactly revision `id` (an id or unique prefix) from `current` heads: it must be
    /// applied, and no applied revision may build on it (`cargo schema test` reverts each
    /// revision it just applied, whatever other branches are applied beside it).
    pub fn revert_plan(&self, current: &[String], id: &str) -> Result<Vec<&str>, GraphError> {
        let applied = self.closure(&self.nodes_of(current)?);
        let n = self.resolve_node(id)?;
        if !applied.contains(&n) {
            return Err(GraphError::NotApplied(self.id(n).into()));
        }
        let mut above = self.descendants(n);
        above.remove(&n);
        above.retain(|d| applied.contains(d));
        if !above.is_empty() {
            return Err(GraphError::BuiltOn {
                id: self.id(n).into(),
                by: self
                    .sorted(&above)
                    .into_iter()
                    .map(|d| self.id(d).to_owned())
                    .collect(),
            });
        }
        Ok(vec![self.id(n)])
    }

    /// The revisions of a target, as `stamp` records them (`base` is none).
    pub fn resolve_targets(&self, targets: &[String]) -> Result<Vec<&str>, GraphError> {
        let mut out: Vec<usize> = Vec::new();
        for target in targets {
            match Target::parse(target)? {
                Target::Base => {}
                Target::Head => {
                    let heads = self.all_heads();
                    if heads.len() > 1 {
                        return Err(GraphError::MultipleHeads {
                            heads: self.heads().into_iter().map(String::from).collect(),
                        });
                    }
                    out.extend(heads);
                }
                Target::Heads => out.extend(self.all_heads()),
                Target::Revision(spec) => out.push(self.resolve_node(&spec)?),
                Target::FromRevision(spec, n) => {
                    let from = self.resolve_node(&spec)?;
                    out.extend(self.walk(from, n.unsigned_abs() as usize, n >= 0)?);
                }
                Target::Label(label, LabelTarget::Head) => {
                    let start = self.label_node(&label)?;
                    let branch = self.branch(start);
                    out.extend(
                        self.sorted(&branch)
                            .into_iter()
                            .filter(|&n| self.nodes[n].children.is_empty()),
                    );
                }
                _ => return Err(GraphError::InvalidTarget(target.clone())),
            }
        }
        Ok(self
            .sorted(&out.into_iter().collect())
            .into_iter()
            .map(|n| self.id(n))
            .collect())
    }

    /// The version rows that record exactly `revisions` and what they need as applied:
    /// the heads of that set.
    pub fn rows_for(&self, revisions: &[String]) -> Result<Vec<String>, GraphError> {
        let set = self.closure(&self.nodes_of(revisions)?);
        Ok(self
            .sorted(&set)
            .into_iter()
            .filter(|&n| !self.nodes[n].children.iter().any(|c| set.contains(c)))
            .map(|n| self.id(n).to_owned())
            .collect())
    }

    /// The version-table rows after applying `id` on top of `heads`: its parents and the
    /// revisions it depends on are no longer heads of what is applied (Alembic's bookkeeping).
    pub fn heads_after_upgrade(&self, heads: &[String], id: &str) -> Vec<String> {
        let parents = self.parents(id);
        let deps = self.dependencies(id);
        let mut next: Vec<String> = heads
            .iter()
            .filter(|h| !parents.contains(&h.as_str()) && !deps.contains(&h.as_str()))
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
        for needed in self.parents(id).into_iter().chain(self.dependencies(id)) {
            let n = self.index[needed];
            // It becomes a head again unless another applied revision still builds on it.
            let built_on = self.nodes[n]
                .children
                .iter()
                .chain(&self.nodes[n].dependents)
                .any(|c| applied.contains(c));
            if !built_on && !applied.contains(&n) && !next.iter().any(|h| h == needed) {
                next.push(needed.to_owned());
            }
        }
        Ok(next)
    }

    /// Revisions in `A:B`, newest first: `A` and what builds on it, up to `B` and what it
    /// needs. Either end may be omitted, `current`, relative to the current revision (`-3`,
    /// `+1`), `LABEL@base`, or any target `stamp` accepts.
    pub fn range(&self, range: &str, current: &[String]) -> Result<Vec<&str>, GraphError> {
        let (from, to) = range
            .split_once(':')
            .ok_or_else(|| GraphError::InvalidTarget(range.into()))?;
        let end = |end: &str| -> Result<Vec<usize>, GraphError> {
            if end == "current" {
                return self.nodes_of(current);
            }
            if let Some(n) = parse_relative(end) {
                let start = match self.single_current(current)? {
                    Some(start) => start,
                    None if n > 0 => {
                        return Ok(self
                            .order
                            .iter()
                            .copied()
                            .nth(n as usize - 1)
                            .into_iter()
                            .collect())
                    }
                    None => return Err(GraphError::InvalidTarget(end.into())),
                };
                return Ok(self
                    .walk(start, n.unsigned_abs() as usize, n >= 0)?
                    .into_iter()
                    .collect());
            }
            if let Target::Label(label, LabelTarget::Base) = Target::parse(end)? {
                return Ok(vec![self.label_node(&label)?]);
            }
            Ok(self
                .resolve_targets(&[end.to_owned()])?
                .iter()
                .map(|id| self.index[*id])
                .collect())
        };
        let upper: HashSet<usize> = if to.is_empty() {
            (0..self.nodes.len()).collect()
        } else {
            self.closure(&end(to)?)
        };
        // `base:` is everything from the bases, as an empty `:` start is.
        let lower: Option<HashSet<usize>> = if from.is_empty() || from == "base" {
            None
        } else {
            let mut above = HashSet::new();
            for n in end(from)? {
                above.extend(self.descendants(n));
            }
            Some(above)
        };
        let mut ids: Vec<usize> = self
            .sorted(&upper)
            .into_iter()
            .filter(|n| lower.as_ref().is_none_or(|l| l.contains(n)))
            .collect();
        ids.reverse();
        Ok(ids.into_iter().map(|n| self.id(n)).collect())
    }

    fn describe_heads(&self, current: &[String]) -> String {
        if current.is_empty() {
            "base".into()
        } else {
            current.join(", ")
        }
    }
}

/// Kahn's algorithm over parent and dependency links; ties broken by declaration order so the
/// order is stable. The graph was checked for cycles first; should one remain, its members
/// are the error.
fn topological_order(nodes: &[Node]) -> Result<Vec<usize>, GraphError> {
    let mut missing: Vec<usize> = nodes
        .iter()
        .map(|n| n.parents.len() + n.deps.len())
        .collect();
    let mut ready: BTreeSet<usize> = (0..nodes.len()).filter(|&n| missing[n] == 0).collect();
    let mut order = Vec::with_capacity(nodes.len());
    while let Some(n) = ready.pop_first() {
        order.push(n);
        for &c in nodes[n].children.iter().chain(&nodes[n].dependents) {
            missing[c] -= 1;
            if missing[c] == 0 {
                ready.insert(c);
            }
        }
    }
    if order.len() < nodes.len() {
        let ids = (0..nodes.len())
            .filter(|&n| missing[n] > 0)
            .map(|n| nodes[n].id.clone())
            .collect();
        return Err(GraphError::Cycle { ids });
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
