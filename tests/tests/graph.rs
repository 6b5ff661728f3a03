//! Alembic's "Working with Branches" scenarios, in memory: the revision ids, graphs and commands
//! of that chapter, planned with `Migrator::plan_upgrade` / `plan_downgrade` on SQLite, following
//! each step's version rows the way Alembic's `alembic_version` table moves. No database.
//!
//! The graph of the chapter, built up section by section:
//!
//! ```text
//!                       --- 27c6 --> d747            (shoppingcart)
//!                      /
//! <base> --> 1975 --->
//!                      \
//!                       --- ae10 --> 55af --> 34e0
//!                                     ^
//!                                     | depends_on
//! <base> --> 3cac --> 109e --> 29f8 --> 2a95        (networking)
//! ```

use schema_runtime::graph::GraphError;
use schema_runtime::prelude::*;
use schema_runtime::{Dialect, Migrator, PlanError, Revision, Step};

const ACCOUNT: &str = "1975ea83b712";
const ADD_COLUMN: &str = "ae1027a6acf";
const SHOPPING_CART: &str = "27c6a30d7c24";
const MERGE: &str = "53fffde5ad5";
const CART_COLUMN: &str = "d747a8a8879";
const ANOTHER_COLUMN: &str = "55af2cb1c267";
const MORE_ACCOUNT: &str = "34e094ad6ef1";
const NETWORKING: &str = "3cac04ae8714";
const IP_NUMBER: &str = "109ec7d132bf";
const DNS: &str = "29f859a13ea";
const IP_ACCOUNT: &str = "2a95102259be";

fn account() -> Revision {
    Revision::new(ACCOUNT, &[], "create account table", |op| {
        op.create_table("account", |t| {
            t.column("id", Type::Integer).primary_key();
            t.column("name", Type::String(50)).not_null();
        });
    })
}

fn add_column() -> Revision {
    Revision::new(ADD_COLUMN, &[ACCOUNT], "add a column", |op| {
        op.add_column("account", "last_transaction_date", Type::Timestamp);
    })
}

fn shopping_cart() -> Revision {
    Revision::new(SHOPPING_CART, &[ACCOUNT], "add shopping cart table", |op| {
        op.create_table("shopping_cart", |t| {
            t.column("id", Type::Integer).primary_key();
        });
    })
}

fn cart_column() -> Revision {
    Revision::new(
        CART_COLUMN,
        &[SHOPPING_CART],
        "add a shopping cart column",
        |op| {
            op.add_column("shopping_cart", "total", Type::Numeric(10, 2));
        },
    )
}

fn another_column() -> Revision {
    Revision::new(
        ANOTHER_COLUMN,
        &[ADD_COLUMN],
        "add another account column",
        |op| {
            op.add_column("account", "login", Type::String(50));
        },
    )
}

fn more_account() -> Revision {
    Revision::new(
        MORE_ACCOUNT,
        &[ANOTHER_COLUMN],
        "more account changes",
        |op| {
            op.add_column("account", "email", Type::String(100));
        },
    )
}

fn networking() -> Revision {
    Revision::new(NETWORKING, &[], "create networking branch", |op| {
        op.create_table("network", |t| {
            t.column("id", Type::Integer).primary_key();
        });
    })
    .branch_labels(&["networking"])
}

fn ip_number() -> Revision {
    Revision::new(IP_NUMBER, &[NETWORKING], "add ip number table", |op| {
        op.create_table("ip_number", |t| {
            t.column("id", Type::Integer).primary_key();
        });
    })
}

fn dns() -> Revision {
    Revision::new(DNS, &[IP_NUMBER], "add DNS table", |op| {
        op.create_table("dns", |t| {
            t.column("id", Type::Integer).primary_key();
        });
    })
}

/// Reaches into the account stream: its table must exist, which only `depends_on` guarantees.
fn ip_account() -> Revision {
    Revision::new(IP_ACCOUNT, &[DNS], "add ip account table", |op| {
        op.create_table("ip_account", |t| {
            t.column("id", Type::Integer).primary_key();
            t.column("account_login", Type::String(50))
                .references("account", "login");
        });
    })
    .depends_on(&[ANOTHER_COLUMN])
}

/// Two source trees merged: `1975` branches into `ae10` and `27c6`.
fn branched() -> Vec<Revision> {
    vec![account(), add_column(), shopping_cart()]
}

/// The branches joined by `alembic merge -m "merge ae1 and 27c" ae1027 27c6a`.
fn merged() -> Vec<Revision> {
    let mut revisions = branched();
    revisions.push(Revision::new(
        MERGE,
        &[ADD_COLUMN, SHOPPING_CART],
        "merge ae1 and 27c",
        |_| {},
    ));
    revisions
}

/// Unmerged, with `27c6` labelled `shoppingcart` and a second revision on that branch.
fn labelled() -> Vec<Revision> {
    vec![
        account(),
        add_column(),
        shopping_cart().branch_labels(&["shoppingcart"]),
        cart_column(),
    ]
}

/// A second base, `networking`, next to the account tree (`55af` added to the account branch).
fn forest() -> Vec<Revision> {
    let mut revisions = labelled();
    revisions.extend([another_column(), networking(), ip_number(), dns()]);
    revisions
}

/// `2a95` in networking depends on `55af` of the account tree.
fn with_dependency() -> Vec<Revision> {
    let mut revisions = forest();
    revisions.push(ip_account());
    revisions
}

fn migrator(revisions: Vec<Revision>) -> Migrator {
    Migrator::new(revisions).expect("a valid graph")
}

fn sorted(rows: &[impl AsRef<str>]) -> Vec<String> {
    let mut rows: Vec<String> = rows.iter().map(|r| r.as_ref().to_owned()).collect();
    rows.sort();
    rows
}

/// A database as its version table sees it: the rows that each planned step moves.
struct VersionRows<'m> {
    migrator: &'m Migrator,
    rows: Vec<String>,
}

impl<'m> VersionRows<'m> {
    fn empty(migrator: &'m Migrator) -> Self {
        VersionRows {
            migrator,
            rows: Vec::new(),
        }
    }

    fn at(migrator: &'m Migrator, rows: &[&str]) -> Self {
        VersionRows {
            migrator,
            rows: rows.iter().map(|r| (*r).to_owned()).collect(),
        }
    }

    /// The rows as `SELECT ... ORDER BY version_num` returns them.
    fn rows(&self) -> Vec<String> {
        sorted(&self.rows)
    }

    /// Runs the plan step by step: each step starts from the rows the previous one left.
    /// Returns `(revision, rows after it)` per step.
    fn follow(&mut self, steps: Vec<Step>) -> Vec<(String, Vec<String>)> {
        steps
            .into_iter()
            .map(|step| {
                assert_eq!(
                    sorted(&step.heads_before),
                    self.rows(),
                    "step {} starts where the previous one left the version table",
                    step.revision
                );
                self.rows = step.heads_after;
                (step.revision, self.rows())
            })
            .collect()
    }

    /// The graph error that refuses `upgrade target`.
    #[track_caller]
    fn upgrade_error(&self, target: &str) -> GraphError {
        graph_error(
            self.migrator
                .plan_upgrade(Dialect::Sqlite, &self.rows, target),
        )
    }

    /// The graph error that refuses `downgrade target`.
    #[track_caller]
    fn downgrade_error(&self, target: &str) -> GraphError {
        graph_error(
            self.migrator
                .plan_downgrade(Dialect::Sqlite, &self.rows, target),
        )
    }

    #[track_caller]
    fn upgrade(&mut self, target: &str) -> Vec<(String, Vec<String>)> {
        let steps = self
            .migrator
            .plan_upgrade(Dialect::Sqlite, &self.rows, target)
            .unwrap_or_else(|e| panic!("upgrade {target}: {e}"));
        self.follow(steps)
    }

    #[track_caller]
    fn downgrade(&mut self, target: &str) -> Vec<(String, Vec<String>)> {
        let steps = self
            .migrator
            .plan_downgrade(Dialect::Sqlite, &self.rows, target)
            .unwrap_or_else(|e| panic!("downgrade {target}: {e}"));
        self.follow(steps)
    }
}

/// `(revision, rows after it)` pairs, written compactly.
fn moves(expected: &[(&str, &[&str])]) -> Vec<(String, Vec<String>)> {
    expected
        .iter()
        .map(|(revision, rows)| ((*revision).to_owned(), sorted(rows)))
        .collect()
}

fn ids(steps: &[(String, Vec<String>)]) -> Vec<&str> {
    steps.iter().map(|(id, _)| id.as_str()).collect()
}

fn graph_error(result: Result<Vec<Step>, PlanError>) -> GraphError {
    match result {
        Err(PlanError::Graph(e)) => e,
        Err(other) => panic!("expected a graph error, got {other}"),
        Ok(steps) => panic!(
            "expected a graph error, got a plan of {:?}",
            steps.iter().map(|s| &s.revision).collect::<Vec<_>>()
        ),
    }
}

#[test]
fn a_branch_point_has_two_heads_and_head_is_ambiguous() {
    let m = migrator(branched());
    let graph = m.graph();
    assert_eq!(sorted(&graph.heads()), [SHOPPING_CART, ADD_COLUMN]);
    assert_eq!(graph.branch_points(), [ACCOUNT]);
    assert_eq!(
        sorted(&graph.children(ACCOUNT)),
        [SHOPPING_CART, ADD_COLUMN]
    );

    let db = VersionRows::empty(&m);
    let err = db.upgrade_error("head");
    let GraphError::MultipleHeads { heads } = &err else {
        panic!("expected several heads, got {err}");
    };
    assert_eq!(sorted(heads), [SHOPPING_CART, ADD_COLUMN]);
    let message = err.to_string();
    assert!(
        message.starts_with("there are 2 heads: ")
            && message.contains(ADD_COLUMN)
            && message.contains(SHOPPING_CART),
        "{message}"
    );
    assert!(
        message.contains("`cargo schema merge`") && message.contains("upgrade to `heads`"),
        "the error says what to do: {message}"
    );
}

#[test]
fn upgrade_heads_keeps_one_version_row_per_branch_and_downgrade_closes_them_one_by_one() {
    let m = migrator(branched());
    let mut db = VersionRows::empty(&m);
    assert_eq!(
        db.upgrade("heads"),
        moves(&[
            (ACCOUNT, &[ACCOUNT]),
            (ADD_COLUMN, &[ADD_COLUMN]),
            (SHOPPING_CART, &[ADD_COLUMN, SHOPPING_CART]),
        ])
    );
    assert!(db.upgrade("heads").is_empty(), "at every head already");

    // Alembic deletes the row of each branch that closes, until one remains, then updates it.
    // (`-1` at two heads is ambiguous: downgrade_minus_n_at_several_heads_is_refused_naming_them.)
    assert_eq!(
        db.downgrade(ACCOUNT),
        moves(&[(SHOPPING_CART, &[ADD_COLUMN]), (ADD_COLUMN, &[ACCOUNT])])
    );
    assert_eq!(db.downgrade("-1"), moves(&[(ACCOUNT, &[])]));
    let err = db.downgrade_error("-1");
    assert!(
        matches!(
            err,
            GraphError::RelativeOutOfRange {
                steps: 1,
                available: 0,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn the_version_table_sql_is_alembics_insert_update_delete() {
    // The "merge mechanics" listing of the chapter, statement for statement (the merge's
    // DELETE / UPDATE pair names the two rows the other way round; the result is the same).
    let m = migrator(merged());
    let steps = m.plan_upgrade(Dialect::Sqlite, &[], "head").unwrap();
    let sql: Vec<Vec<String>> = steps
        .iter()
        .map(|s| {
            m.version_table()
                .update_sql(Dialect::Sqlite, &s.heads_before, &s.heads_after)
        })
        .collect();
    let table = "\"schema_version\"";
    assert_eq!(
        sql,
        [
            vec![format!(
                "INSERT INTO {table} (version_num) VALUES ('{ACCOUNT}')"
            )],
            vec![format!(
                "UPDATE {table} SET version_num = '{ADD_COLUMN}' WHERE version_num = '{ACCOUNT}'"
            )],
            vec![format!(
                "INSERT INTO {table} (version_num) VALUES ('{SHOPPING_CART}')"
            )],
            vec![
                format!(
                    "UPDATE {table} SET version_num = '{MERGE}' WHERE version_num = '{ADD_COLUMN}'"
                ),
                format!("DELETE FROM {table} WHERE version_num = '{SHOPPING_CART}'"),
            ],
        ]
    );
}

#[test]
fn a_merge_revision_joins_the_heads_and_upgrades_a_database_on_either_branch() {
    let m = migrator(merged());
    let graph = m.graph();
    assert_eq!(graph.heads(), [MERGE]);
    assert_eq!(graph.parents(MERGE), [ADD_COLUMN, SHOPPING_CART]);
    assert!(m.revision(MERGE).unwrap().upgrade.is_empty());

    let mut db = VersionRows::empty(&m);
    assert_eq!(
        db.upgrade("head"),
        moves(&[
            (ACCOUNT, &[ACCOUNT]),
            (ADD_COLUMN, &[ADD_COLUMN]),
            (SHOPPING_CART, &[ADD_COLUMN, SHOPPING_CART]),
            (MERGE, &[MERGE]),
        ])
    );

    // Whichever branch a database was on, the other one runs before the merge point.
    let mut on_add_column = VersionRows::at(&m, &[ADD_COLUMN]);
    assert_eq!(
        on_add_column.upgrade("head"),
        moves(&[
            (SHOPPING_CART, &[ADD_COLUMN, SHOPPING_CART]),
            (MERGE, &[MERGE]),
        ])
    );
    let mut on_cart = VersionRows::at(&m, &[SHOPPING_CART]);
    assert_eq!(
        on_cart.upgrade("head"),
        moves(&[
            (ADD_COLUMN, &[ADD_COLUMN, SHOPPING_CART]),
            (MERGE, &[MERGE]),
        ])
    );

    // Reverting the merge gives both branches their rows back.
    assert_eq!(
        db.downgrade("-1"),
        moves(&[(MERGE, &[ADD_COLUMN, SHOPPING_CART])])
    );
    assert_eq!(
        db.downgrade(ACCOUNT),
        moves(&[(SHOPPING_CART, &[ADD_COLUMN]), (ADD_COLUMN, &[ACCOUNT])])
    );
}

#[test]
fn upgrading_to_a_revision_by_prefix_runs_what_it_needs_and_nothing_more() {
    let m = migrator(branched());
    let mut db = VersionRows::empty(&m);
    // `alembic upgrade 27c6a`: the base and the revision, not its sibling.
    assert_eq!(
        db.upgrade("27c6a"),
        moves(&[(ACCOUNT, &[ACCOUNT]), (SHOPPING_CART, &[SHOPPING_CART])])
    );
    // `alembic upgrade ae102`: one more step, and a second row.
    assert_eq!(
        db.upgrade("ae102"),
        moves(&[(ADD_COLUMN, &[ADD_COLUMN, SHOPPING_CART])])
    );
    // An ancestor of what is applied is no upgrade target: nothing to do.
    assert!(db.upgrade(ACCOUNT).is_empty());
}

#[test]
fn a_branch_label_names_its_head_its_base_and_steps_along_it() {
    let m = migrator(labelled());
    assert_eq!(m.graph().labels(), [("shoppingcart", SHOPPING_CART)]);

    // `alembic upgrade shoppingcart@head` runs only that branch.
    let mut db = VersionRows::at(&m, &[ACCOUNT]);
    assert_eq!(
        db.upgrade("shoppingcart@head"),
        moves(&[
            (SHOPPING_CART, &[SHOPPING_CART]),
            (CART_COLUMN, &[CART_COLUMN]),
        ])
    );

    let mut step_by_step = VersionRows::at(&m, &[ACCOUNT]);
    assert_eq!(
        step_by_step.upgrade("shoppingcart@+1"),
        moves(&[(SHOPPING_CART, &[SHOPPING_CART])])
    );
    assert_eq!(
        step_by_step.upgrade("shoppingcart@+1"),
        moves(&[(CART_COLUMN, &[CART_COLUMN])])
    );
    let err = step_by_step.upgrade_error("shoppingcart@+1");
    assert!(
        matches!(
            err,
            GraphError::RelativeOutOfRange {
                steps: 1,
                available: 0,
                ..
            }
        ),
        "{err}"
    );

    // Both branches applied; the label's branch goes back one step, then to its base, and the
    // other branch keeps its row.
    let mut db = VersionRows::empty(&m);
    db.upgrade("heads");
    assert_eq!(db.rows(), sorted(&[ADD_COLUMN, CART_COLUMN]));
    assert_eq!(
        db.downgrade("shoppingcart@-1"),
        moves(&[(CART_COLUMN, &[ADD_COLUMN, SHOPPING_CART])])
    );
    db.upgrade("heads");
    assert_eq!(
        db.downgrade("shoppingcart@base"),
        moves(&[
            (CART_COLUMN, &[ADD_COLUMN, SHOPPING_CART]),
            (SHOPPING_CART, &[ADD_COLUMN]),
        ])
    );
    assert!(
        db.downgrade("shoppingcart@base").is_empty(),
        "the branch is gone already"
    );

    let err = db.upgrade_error("cart@head");
    assert_eq!(err, GraphError::UnknownLabel("cart".into()));
    assert!(err.to_string().contains("cargo schema branches"), "{err}");
}

#[test]
fn several_bases_are_independent_streams_in_one_version_table() {
    let m = migrator(forest());
    let graph = m.graph();
    assert_eq!(graph.bases(), [ACCOUNT, NETWORKING]);
    assert_eq!(
        sorted(&graph.heads()),
        sorted(&[CART_COLUMN, ANOTHER_COLUMN, DNS])
    );
    let err = VersionRows::empty(&m).upgrade_error("head");
    assert!(
        matches!(&err, GraphError::MultipleHeads { heads } if heads.len() == 3),
        "{err}"
    );

    // `alembic upgrade networking@head` on a clean database: only that stream.
    let mut db = VersionRows::empty(&m);
    assert_eq!(
        db.upgrade("networking@head"),
        moves(&[
            (NETWORKING, &[NETWORKING]),
            (IP_NUMBER, &[IP_NUMBER]),
            (DNS, &[DNS]),
        ])
    );
    // `alembic upgrade heads`: everything else, each stream with its own row.
    assert_eq!(
        db.upgrade("heads"),
        moves(&[
            (ACCOUNT, &[ACCOUNT, DNS]),
            (ADD_COLUMN, &[ADD_COLUMN, DNS]),
            (SHOPPING_CART, &[ADD_COLUMN, SHOPPING_CART, DNS]),
            (CART_COLUMN, &[ADD_COLUMN, CART_COLUMN, DNS]),
            (ANOTHER_COLUMN, &[ANOTHER_COLUMN, CART_COLUMN, DNS]),
        ])
    );
    // `networking@base` reverts that stream alone.
    assert_eq!(
        db.downgrade("networking@base"),
        moves(&[
            (DNS, &[ANOTHER_COLUMN, CART_COLUMN, IP_NUMBER]),
            (IP_NUMBER, &[ANOTHER_COLUMN, CART_COLUMN, NETWORKING]),
            (NETWORKING, &[ANOTHER_COLUMN, CART_COLUMN]),
        ])
    );
}

#[test]
fn depends_on_applies_the_other_streams_revision_first_without_merging() {
    let m = migrator(with_dependency());
    assert_eq!(m.graph().dependencies(IP_ACCOUNT), [ANOTHER_COLUMN]);
    // Not a merge: 55af has no child, so it stays a head (Alembic's "effective head").
    assert!(m.graph().heads().contains(&ANOTHER_COLUMN));
    assert_eq!(m.graph().parents(IP_ACCOUNT), [DNS]);

    // networking@head pulls in the account stream up to 55af, and only that far.
    let mut db = VersionRows::empty(&m);
    let run = db.upgrade("networking@head");
    let order = ids(&run);
    assert_eq!(
        sorted(&order),
        sorted(&[
            ACCOUNT,
            ADD_COLUMN,
            ANOTHER_COLUMN,
            NETWORKING,
            IP_NUMBER,
            DNS,
            IP_ACCOUNT
        ])
    );
    let position = |id: &str| order.iter().position(|o| *o == id).unwrap();
    assert!(position(ANOTHER_COLUMN) < position(IP_ACCOUNT));
    assert!(position(ACCOUNT) < position(ADD_COLUMN));
    assert_eq!(run.last().unwrap().0, IP_ACCOUNT);
    assert!(
        !order.contains(&SHOPPING_CART),
        "the other branch of the account stream is not needed"
    );
    // The dependent absorbs the dependency's row, as Alembic's version table does
    // (`depends_on_rows_are_absorbed_by_the_dependent_as_in_alembic`).
    assert_eq!(db.rows(), sorted(&[IP_ACCOUNT]));

    // Without the dependency declared, the plan does not fit: account.login does not exist yet.
    let mut undeclared = with_dependency();
    undeclared.last_mut().unwrap().depends_on.clear();
    let err = migrator(undeclared)
        .plan_upgrade(Dialect::Sqlite, &[], "networking@head")
        .unwrap_err();
    assert!(
        matches!(&err, PlanError::State { revision, .. } if revision == IP_ACCOUNT),
        "{err}"
    );

    // networking@base reverts the networking stream; its dependencies stay.
    assert_eq!(
        db.downgrade("networking@base"),
        moves(&[
            (IP_ACCOUNT, &[ANOTHER_COLUMN, DNS]),
            (DNS, &[ANOTHER_COLUMN, IP_NUMBER]),
            (IP_NUMBER, &[ANOTHER_COLUMN, NETWORKING]),
            (NETWORKING, &[ANOTHER_COLUMN]),
        ])
    );
}

#[test]
fn reverting_a_dependency_reverts_its_dependent_first() {
    // 55af labelled, so that its branch can be named: reverting it must take 2a95 (which depends
    // on it) down first, and leave networking below 2a95 and the shopping cart alone.
    let mut revisions = with_dependency();
    for revision in &mut revisions {
        if revision.id == ANOTHER_COLUMN {
            revision.branch_labels = vec!["logins".into()];
        }
    }
    let m = migrator(revisions);
    let mut db = VersionRows::empty(&m);
    db.upgrade("heads");
    assert_eq!(
        db.downgrade("logins@base"),
        moves(&[
            (IP_ACCOUNT, &[ANOTHER_COLUMN, CART_COLUMN, DNS]),
            (ANOTHER_COLUMN, &[ADD_COLUMN, CART_COLUMN, DNS]),
        ])
    );
    // Upgrading the dependent again brings its dependency back first.
    assert_eq!(ids(&db.upgrade(IP_ACCOUNT)), [ANOTHER_COLUMN, IP_ACCOUNT]);
}

#[test]
fn revision_plus_and_minus_n_walk_single_links() {
    let m = migrator(vec![
        account(),
        add_column(),
        shopping_cart(),
        another_column(),
        more_account(),
    ]);

    // `alembic upgrade ae10+2`: two revisions past ae10, and what they need.
    let mut db = VersionRows::at(&m, &[ACCOUNT]);
    assert_eq!(
        db.upgrade("ae10+2"),
        moves(&[
            (ADD_COLUMN, &[ADD_COLUMN]),
            (ANOTHER_COLUMN, &[ANOTHER_COLUMN]),
            (MORE_ACCOUNT, &[MORE_ACCOUNT]),
        ])
    );
    // `alembic downgrade 34e0-2`: back to ae10.
    assert_eq!(
        db.downgrade("34e0-2"),
        moves(&[
            (MORE_ACCOUNT, &[ANOTHER_COLUMN]),
            (ANOTHER_COLUMN, &[ADD_COLUMN]),
        ])
    );
    // `+1` / `-1` from the current revision, on a line.
    let line = migrator(vec![
        account(),
        add_column(),
        another_column(),
        more_account(),
    ]);
    let mut on_line = VersionRows::at(&line, &[ADD_COLUMN]);
    assert_eq!(
        on_line.upgrade("+1"),
        moves(&[(ANOTHER_COLUMN, &[ANOTHER_COLUMN])])
    );
    assert_eq!(
        on_line.downgrade("-1"),
        moves(&[(ANOTHER_COLUMN, &[ADD_COLUMN])])
    );
    let err = on_line.upgrade_error("+3");
    assert!(
        matches!(
            err,
            GraphError::RelativeOutOfRange {
                steps: 3,
                available: 2,
                ..
            }
        ),
        "{err}"
    );

    // A walk that meets a fork has no single answer: the error names where.
    let err = db.upgrade_error(&format!("{ACCOUNT}+1"));
    assert_eq!(
        err,
        GraphError::AmbiguousStep {
            from: ACCOUNT.into(),
            kind: "branch point",
            at: ACCOUNT.into(),
        }
    );
    let merged = migrator(merged());
    let at_merge = VersionRows::at(&merged, &[MERGE]);
    let err = at_merge.downgrade_error(&format!("{MERGE}-1"));
    assert!(
        matches!(&err, GraphError::AmbiguousStep { kind: "merge point", at, .. } if at == MERGE),
        "{err}"
    );
    // Past the ends.
    let err = db.upgrade_error(&format!("{MORE_ACCOUNT}+1"));
    assert!(
        matches!(
            err,
            GraphError::RelativeOutOfRange {
                steps: 1,
                available: 0,
                ..
            }
        ),
        "{err}"
    );
    assert!(
        db.downgrade(&format!("{ACCOUNT}-1")).len() == 2,
        "one step below a base is base"
    );
    assert!(db.rows().is_empty());
}

#[test]
fn history_ranges_follow_the_chapters_examples() {
    let m = migrator(with_dependency());
    let graph = m.graph();
    let range = |r: &str| -> Vec<String> {
        graph
            .range(r, &[])
            .unwrap_or_else(|e| panic!("history -r {r}: {e}"))
            .into_iter()
            .map(String::from)
            .collect()
    };
    // `history -r :shoppingcart@head`: the branch all the way from the base, newest first.
    assert_eq!(
        range(":shoppingcart@head"),
        [CART_COLUMN, SHOPPING_CART, ACCOUNT]
    );
    // `history -r :networking@head` includes the account tree that 2a95 depends on.
    assert_eq!(
        sorted(&range(":networking@head")),
        sorted(&[
            IP_ACCOUNT,
            DNS,
            IP_NUMBER,
            NETWORKING,
            ANOTHER_COLUMN,
            ADD_COLUMN,
            ACCOUNT
        ])
    );
    assert_eq!(range(":networking@head")[0], IP_ACCOUNT, "newest first");
    // Between two revisions of one line, both ends included.
    assert_eq!(
        range(&format!("{ACCOUNT}:{CART_COLUMN}")),
        [CART_COLUMN, SHOPPING_CART, ACCOUNT]
    );
    assert_eq!(
        range(&format!("{ADD_COLUMN}:{ANOTHER_COLUMN}")),
        [ANOTHER_COLUMN, ADD_COLUMN]
    );
    let current = [DNS.to_owned()];
    let relative: Vec<&str> = graph.range("-2:current", &current).unwrap();
    assert_eq!(relative, [DNS, IP_NUMBER, NETWORKING]);
    let err = graph.range("nothing", &[]).unwrap_err();
    assert!(matches!(err, GraphError::InvalidTarget(_)), "{err}");
}

#[test]
fn graph_errors_are_typed_and_name_the_revisions() {
    // A cycle, named in order.
    let err = Migrator::new(vec![
        Revision::new("a", &["c"], "a", |_| {}),
        Revision::new("b", &["a"], "b", |_| {}),
        Revision::new("c", &["b"], "c", |_| {}),
    ])
    .unwrap_err();
    let GraphError::Cycle { ids } = &err else {
        panic!("expected a cycle, got {err}");
    };
    assert_eq!(ids.first(), ids.last(), "the cycle closes: {ids:?}");
    assert_eq!(sorted(&ids[1..]), ["a", "b", "c"]);
    assert!(
        err.to_string().starts_with("revisions form a cycle: "),
        "{err}"
    );

    // A cycle through depends_on is a cycle too.
    let err = Migrator::new(vec![
        Revision::new("a", &[], "a", |_| {}).depends_on(&["b"]),
        Revision::new("b", &["a"], "b", |_| {}),
    ])
    .unwrap_err();
    assert!(matches!(err, GraphError::Cycle { .. }), "{err}");

    let err = Migrator::new(vec![Revision::new("a", &["zz"], "a", |_| {})]).unwrap_err();
    assert_eq!(
        err,
        GraphError::UnknownParent {
            id: "a".into(),
            parent: "zz".into()
        }
    );
    let err = Migrator::new(vec![
        Revision::new("a", &[], "a", |_| {}).depends_on(&["zz"])
    ])
    .unwrap_err();
    assert_eq!(
        err,
        GraphError::UnknownDependency {
            id: "a".into(),
            dependency: "zz".into()
        }
    );
    let err = Migrator::new(vec![
        Revision::new("a", &[], "a", |_| {}).branch_labels(&["x"]),
        Revision::new("b", &[], "b", |_| {}).branch_labels(&["x"]),
    ])
    .unwrap_err();
    assert!(
        matches!(&err, GraphError::DuplicateLabel { label, first, second } if label == "x" && first == "a" && second == "b"),
        "{err}"
    );

    let m = migrator(with_dependency());
    let db = VersionRows::empty(&m);
    let err = db.upgrade_error("ffff");
    assert_eq!(err, GraphError::UnknownRevision("ffff".into()));
    assert!(err.to_string().contains("cargo schema history"), "{err}");

    // `2` starts 27c6..., 29f8... and 2a95...: every candidate is named.
    let err = db.upgrade_error("2");
    let GraphError::AmbiguousPrefix { prefix, candidates } = &err else {
        panic!("expected an ambiguous prefix, got {err}");
    };
    assert_eq!(prefix, "2");
    assert_eq!(
        sorted(candidates),
        sorted(&[SHOPPING_CART, DNS, IP_ACCOUNT])
    );
    assert!(err.to_string().contains("give more of the id"), "{err}");
    assert_eq!(
        m.plan_upgrade(Dialect::Sqlite, &[], "27").unwrap().len(),
        2,
        "a longer prefix is unique"
    );

    // A downgrade target must be applied: one on another branch is not below the database.
    let on_cart = VersionRows::at(&m, &[SHOPPING_CART]);
    let err = on_cart.downgrade_error(ADD_COLUMN);
    assert_eq!(err, GraphError::NotApplied(ADD_COLUMN.into()));
    assert!(err.to_string().contains("is not applied"), "{err}");

    let err = db.upgrade_error("1975+x");
    assert!(matches!(err, GraphError::InvalidTarget(_)), "{err}");
    let err = db.downgrade_error("head");
    assert!(matches!(err, GraphError::InvalidTarget(_)), "{err}");
}

// Where the runtime and Alembic part ways. Each test states Alembic's documented behaviour; they
// are ignored until the graph follows it (see the report in the commit message).

#[test]
fn downgrading_one_stream_to_a_revision_leaves_the_other_streams_alone() {
    let m = migrator(forest());
    let mut db = VersionRows::empty(&m);
    db.upgrade("heads");
    // `alembic downgrade 3cac`: reverts 29f8 and 109e; the account tree stays applied.
    let run = db.downgrade(NETWORKING);
    assert_eq!(ids(&run), [DNS, IP_NUMBER]);
    assert_eq!(
        db.rows(),
        sorted(&[ANOTHER_COLUMN, CART_COLUMN, NETWORKING])
    );
}

#[test]
fn downgrading_below_a_dependency_reverts_only_it_and_its_dependents() {
    let m = migrator(with_dependency());
    let mut db = VersionRows::empty(&m);
    db.upgrade("heads");
    // `alembic downgrade ae10`: 2a95 (depends on 55af), then 55af; networking up to 29f8 and the
    // shopping cart branch stay.
    let run = db.downgrade(ADD_COLUMN);
    assert_eq!(ids(&run), [IP_ACCOUNT, ANOTHER_COLUMN]);
    assert_eq!(db.rows(), sorted(&[ADD_COLUMN, CART_COLUMN, DNS]));
}

#[test]
fn depends_on_rows_are_absorbed_by_the_dependent_as_in_alembic() {
    let m = migrator(with_dependency());
    let mut db = VersionRows::empty(&m);
    db.upgrade("heads");
    // The chapter: after `upgrade heads`, `alembic current` shows 2a95 and the cart branch only.
    assert_eq!(db.rows(), sorted(&[CART_COLUMN, IP_ACCOUNT]));
    // Reverting 2a95 gives 55af its row back.
    db.downgrade("networking@-1");
    assert_eq!(db.rows(), sorted(&[ANOTHER_COLUMN, CART_COLUMN, DNS]));
}

#[test]
fn a_branch_label_alone_names_its_revision() {
    let m = migrator(labelled());
    let mut db = VersionRows::at(&m, &[ACCOUNT]);
    // `alembic upgrade shoppingcart` / `alembic show shoppingcart`: the labelled revision.
    assert_eq!(
        db.upgrade("shoppingcart"),
        moves(&[(SHOPPING_CART, &[SHOPPING_CART])])
    );
}

#[test]
fn history_from_a_branch_lists_that_branch_only() {
    let m = migrator(with_dependency());
    let graph = m.graph();
    // `alembic history -r shoppingcart:` -> d747, 27c6 (the label as its revision).
    let from_cart: Vec<&str> = graph.range(&format!("{SHOPPING_CART}:"), &[]).unwrap();
    assert_eq!(from_cart, [CART_COLUMN, SHOPPING_CART]);
    // `alembic history -r networking@base:` -> 2a95, 29f8, 109e, 3cac: not the dependency.
    let from_base: Vec<&str> = graph.range("networking@base:", &[]).unwrap();
    assert_eq!(from_base, [IP_ACCOUNT, DNS, IP_NUMBER, NETWORKING]);
}

#[test]
fn plus_n_walks_from_the_current_revision() {
    let mut revisions = forest();
    revisions.push(more_account());
    let m = migrator(revisions);
    // At ae10, `alembic upgrade +1` is 55af, its only child: not 27c6 on the sibling branch.
    let mut db = VersionRows::at(&m, &[ADD_COLUMN]);
    assert_eq!(
        db.upgrade("+1"),
        moves(&[(ANOTHER_COLUMN, &[ANOTHER_COLUMN])])
    );
}

/// The account tree with `shoppingcart` labelled, and a networking revision that depends on
/// the shopping cart branch's `d747`.
fn cart_dependency() -> Vec<Revision> {
    let mut revisions = forest();
    revisions.push(
        Revision::new(IP_ACCOUNT, &[DNS], "add ip account table", |op| {
            op.create_table("ip_account", |t| {
                t.column("id", Type::Integer).primary_key();
            });
        })
        .depends_on(&[CART_COLUMN]),
    );
    revisions
}

#[test]
fn label_head_follows_only_that_labels_branch_when_another_depends_on_it() {
    let m = migrator(cart_dependency());
    // `upgrade shoppingcart@head`: 27c6 and d747 (and 1975 below them), not networking's
    // 2a95, which depends on d747 but is no part of the shoppingcart branch.
    let mut db = VersionRows::empty(&m);
    assert_eq!(
        db.upgrade("shoppingcart@head"),
        moves(&[
            (ACCOUNT, &[ACCOUNT]),
            (SHOPPING_CART, &[SHOPPING_CART]),
            (CART_COLUMN, &[CART_COLUMN]),
        ])
    );
    assert!(db.upgrade("shoppingcart@head").is_empty(), "at its head");
    assert_eq!(
        m.graph()
            .resolve_targets(&["shoppingcart@head".into()])
            .unwrap(),
        [CART_COLUMN]
    );
    // `shoppingcart@+1` walks the branch, and `shoppingcart@-1` reverts its newest revision.
    let mut db = VersionRows::at(&m, &[ACCOUNT]);
    assert_eq!(
        db.upgrade("shoppingcart@+2"),
        moves(&[
            (SHOPPING_CART, &[SHOPPING_CART]),
            (CART_COLUMN, &[CART_COLUMN])
        ])
    );
    db.upgrade("heads");
    assert_eq!(
        ids(&db.downgrade("shoppingcart@-1")),
        [IP_ACCOUNT, CART_COLUMN]
    );
}

#[test]
fn history_from_base_lists_from_the_base() {
    let m = migrator(with_dependency());
    let graph = m.graph();
    let all: Vec<&str> = graph.range(":", &[]).unwrap();
    // Several heads: `head` is ambiguous, as everywhere; `heads` is every one.
    assert!(matches!(
        graph.range("base:head", &[]),
        Err(GraphError::MultipleHeads { .. })
    ));
    assert_eq!(graph.range("base:heads", &[]).unwrap(), all);
    assert_eq!(graph.range("base:", &[]).unwrap(), all);
    // `history -r base:REV`: REV and everything it needs, newest first.
    assert_eq!(
        graph.range(&format!("base:{CART_COLUMN}"), &[]).unwrap(),
        [CART_COLUMN, SHOPPING_CART, ACCOUNT]
    );
    // On a single line, `base:head` is every revision.
    let line = migrator(vec![account(), add_column(), another_column()]);
    assert_eq!(
        line.graph().range("base:head", &[]).unwrap(),
        [ANOTHER_COLUMN, ADD_COLUMN, ACCOUNT]
    );
}

#[test]
fn downgrade_minus_n_at_several_heads_is_refused_naming_them() {
    let m = migrator(branched());
    let mut db = VersionRows::empty(&m);
    db.upgrade("heads");
    for target in ["-1", "-2"] {
        let err = db.downgrade_error(target);
        let GraphError::AmbiguousRelative { heads } = &err else {
            panic!("expected several heads, got {err}");
        };
        assert_eq!(sorted(heads), sorted(&[ADD_COLUMN, SHOPPING_CART]));
        let message = err.to_string();
        assert!(
            message.contains(ADD_COLUMN) && message.contains(SHOPPING_CART),
            "{message}"
        );
        assert!(
            message.contains("REV-N"),
            "says what to write instead: {message}"
        );
    }
    // As `upgrade +1` is.
    assert!(matches!(
        db.upgrade_error("+1"),
        GraphError::AmbiguousRelative { .. }
    ));
    // Naming the revision still works.
    assert_eq!(
        ids(&db.downgrade(&format!("{SHOPPING_CART}-1"))),
        [SHOPPING_CART, ADD_COLUMN]
    );
}
