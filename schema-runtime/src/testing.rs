//! The tests every migrations package gets from one line, [`migration_tests!`]: plain
//! `cargo test` replays every revision on every dialect, derives every downgrade and compares
//! the SQL snapshots, all without a database. [`lint_tests!`] adds the safety review of
//! `cargo schema lint`, [`round_trip_tests!`] the round trip of `cargo schema test`.
//!
//! The functions behind the tests are public, so a package can call them from tests of its
//! own (with other dialects, say) and tests of this crate can call them on in-memory
//! revisions.
//!
//! [`migration_tests!`]: crate::migration_tests
//! [`lint_tests!`]: crate::lint_tests
//! [`round_trip_tests!`]: crate::round_trip_tests

use std::collections::HashSet;
use std::fmt::Write as _;

use crate::migrator::{Migrator, PlanError};
use crate::{Dialect, Migrations};

/// Adds `#[test]`s that check a package's migrations without a database:
///
/// - `replays_on_every_dialect`: [`Migrator::check`] on PostgreSQL, SQLite and MySQL; fails
///   naming each revision, op and object that does not fit (an `add_column` on a table no
///   revision created, a name used twice, an op a dialect cannot express);
/// - `every_revision_downgrades`: plans, on each dialect, the downgrade of each revision to
///   its parents; fails naming each revision whose downgrade cannot be derived or rendered,
///   unless it is declared `irreversible`;
/// - `sql_snapshots_are_current`: when `<migrations>/snapshots/` exists (`cargo schema
///   snapshot` writes it), compares the SQL of every revision with its snapshots; a differing
///   or missing one gets a `.snap.new` for `cargo insta review` and the test fails with the
///   diff.
///
/// Put it next to the `migrations!` static, in the library or the runner binary:
///
/// ```
/// pub static MIGRATIONS: schema_runtime::Migrations = schema_runtime::Migrations::from_static(&[]);
/// schema_runtime::migration_tests!(MIGRATIONS);
/// # fn main() {}
/// ```
#[macro_export]
macro_rules! migration_tests {
    ($migrations:expr $(,)?) => {
        #[cfg(test)]
        #[doc(hidden)]
        mod __schema_migration_tests {
            // The static is named at the call site, one module up.
            #[allow(unused_imports)]
            use super::*;

            fn migrations() -> &'static $crate::Migrations {
                &$migrations
            }

            #[test]
            fn replays_on_every_dialect() {
                $crate::testing::assert_replays_on_every_dialect(migrations());
            }

            #[test]
            fn every_revision_downgrades() {
                $crate::testing::assert_every_revision_downgrades(migrations());
            }

            #[test]
            fn sql_snapshots_are_current() {
                $crate::testing::assert_sql_snapshots_are_current(
                    migrations(),
                    ::core::env!("CARGO_MANIFEST_DIR"),
                );
            }
        }
    };
}

/// The migrator of `migrations`, or a panic naming the graph problem.
fn migrator(migrations: &Migrations) -> Migrator {
    match Migrator::from_migrations(migrations) {
        Ok(migrator) => migrator,
        Err(e) => panic!("the revision graph is invalid: {e}"),
    }
}

/// A test failure listing `problems`, then what to do.
fn failure(what: &str, problems: &[PlanError], hint: &str) -> String {
    let mut message = format!("{} {what}:\n", problems.len());
    for problem in problems {
        let _ = writeln!(message, "  - {problem}");
    }
    message.push_str(hint);
    message
}

/// Panics with every problem [`Migrator::check`] finds on every dialect the runtime has a driver
/// for ([`Dialect::enabled`]).
pub fn assert_replays_on_every_dialect(migrations: &Migrations) {
    let problems = migrator(migrations).check(&Dialect::enabled());
    assert!(
        problems.is_empty(),
        "{}",
        failure(
            "problem(s) replaying the revisions on postgres, sqlite and mysql",
            &problems,
            "fix the revisions named; `cargo schema check` lists the same problems",
        )
    );
}

/// The revisions whose downgrade to their parents cannot be planned on one of `dialects`:
/// not derivable (raw SQL without `.reverse(..)`, an `update`, a dropped NOT NULL column
/// without default), or not renderable. Revisions declared irreversible are skipped, and so
/// are revisions whose upgrade does not replay and problems of other revisions:
/// [`Migrator::check`] reports those.
///
/// ```
/// use schema_runtime::prelude::*;
/// use schema_runtime::testing::downgrade_problems;
/// use schema_runtime::{Dialect, Migrator, Revision};
///
/// let migrator = Migrator::new(vec![
///     Revision::new("0001", &[], "users", |op| {
///         op.create_table("users", |t| { t.column("id", Type::BigInt).primary_key(); });
///     }),
///     Revision::new("0002", &["0001"], "backfill", |op| {
///         op.execute("UPDATE users SET id = id");
///     }),
/// ])
/// .unwrap();
/// let problems = downgrade_problems(&migrator, &[Dialect::Sqlite]);
/// assert_eq!(problems.len(), 1);
/// assert!(problems[0].to_string().starts_with("revision `0002` cannot be downgraded"));
/// ```
pub fn downgrade_problems(migrator: &Migrator, dialects: &[Dialect]) -> Vec<PlanError> {
    // Revisions whose upgrade does not replay, per dialect.
    let broken: Vec<HashSet<String>> = dialects
        .iter()
        .map(|&dialect| {
            let problems = migrator.check(&[dialect]);
            problems
                .iter()
                .filter_map(revision_of)
                .map(str::to_owned)
                .collect()
        })
        .collect();
    let mut problems = Vec::new();
    for revision in migrator.history().into_iter().rev() {
        if revision.irreversible {
            continue;
        }
        for (&dialect, broken) in dialects.iter().zip(&broken) {
            if broken.contains(&revision.id) {
                continue;
            }
            // `-1` from the revision alone reverts exactly it, over the schema it left.
            let Err(problem) =
                migrator.plan_downgrade(dialect, std::slice::from_ref(&revision.id), "-1")
            else {
                continue;
            };
            let about_this_revision =
                revision_of(&problem).is_none_or(|id| id == revision.id.as_str());
            if about_this_revision && !problems.contains(&problem) {
                problems.push(problem);
            }
        }
    }
    problems
}

/// The revision a plan error is about, if it names one.
fn revision_of(problem: &PlanError) -> Option<&str> {
    match problem {
        PlanError::State { revision, .. }
        | PlanError::Render { revision, .. }
        | PlanError::Irreversible { revision, .. } => Some(revision),
        _ => None,
    }
}

/// Panics naming every revision whose downgrade cannot be planned on some dialect.
pub fn assert_every_revision_downgrades(migrations: &Migrations) {
    let problems = downgrade_problems(&migrator(migrations), &Dialect::enabled());
    assert!(
        problems.is_empty(),
        "{}",
        failure(
            "revision(s) that cannot be downgraded",
            &problems,
            "give each an explicit `downgrade = <fn>` (or `.reverse(..)` on its raw SQL), or \
             declare it `irreversible` in its #[migration]",
        )
    );
}

/// Compares the SQL of every revision with the snapshots in `<migrations>/snapshots/`, if
/// that folder exists, and panics with the diffs of those that differ or are missing (each
/// gets a `.snap.new` for `cargo insta review`). `package_dir` is the package's
/// `CARGO_MANIFEST_DIR`.
pub fn assert_sql_snapshots_are_current(migrations: &Migrations, package_dir: &str) {
    #[cfg(all(
        feature = "cli",
        any(feature = "postgres", feature = "sqlite", feature = "mysql")
    ))]
    {
        use crate::cli::snapshot::{check_snapshots, migrations_snapshots, snapshots_dir};
        let package_dir = std::path::Path::new(package_dir);
        let dir = snapshots_dir(migrations, package_dir);
        if !dir.is_dir() {
            eprintln!(
                "note: no SQL snapshots in {}; `cargo schema snapshot` writes them",
                dir.display()
            );
            return;
        }
        let migrator = migrator(migrations);
        let (dir, snapshots) =
            migrations_snapshots(&migrator, migrations, package_dir, &Dialect::enabled());
        match check_snapshots(&dir, &snapshots, &Dialect::enabled()) {
            Ok(report) => assert!(report.is_current(), "{report}"),
            Err(e) => panic!("{e}"),
        }
    }
    #[cfg(not(all(
        feature = "cli",
        any(feature = "postgres", feature = "sqlite", feature = "mysql")
    )))]
    {
        let _ = (migrations, package_dir);
        eprintln!("note: SQL snapshots are compared with schema-runtime's `cli` feature only");
    }
}

/// Adds a `#[test]` that runs `cargo schema lint` under `cargo test`:
/// `migrations_pass_lint` reviews the revisions (all of them, or those of `range = "A:B"` as
/// `history -r` takes it: the ones already deployed need not be linted again) for the dialects
/// the runtime has drivers for, and fails with the report of every error finding that its
/// revision does not allow (`#[migration(.., allow_lint = ["rule-id"])]`); warnings are printed.
/// See [`crate::lint`]. Needs no database.
///
/// ```
/// pub static MIGRATIONS: schema_runtime::Migrations = schema_runtime::Migrations::from_static(&[]);
/// schema_runtime::lint_tests!(MIGRATIONS, range = "base:head");
/// # fn main() {}
/// ```
#[macro_export]
macro_rules! lint_tests {
    ($migrations:expr $(, range = $range:expr)? $(,)?) => {
        #[cfg(test)]
        #[doc(hidden)]
        mod __schema_lint_tests {
            #[allow(unused_imports)]
            use super::*;

            #[test]
            fn migrations_pass_lint() {
                let range: &[&str] = &[$($range)?];
                $crate::testing::assert_lint_passes(&$migrations, range.first().copied());
            }
        }
    };
}

/// What [`lint_tests!`](crate::lint_tests) runs: lints the revisions of `range` (every one when
/// `None`) for [`Dialect::enabled`] and panics with the report of the findings when one is an
/// error its revision does not allow.
pub fn assert_lint_passes(migrations: &Migrations, range: Option<&str>) {
    let migrator = migrator(migrations);
    let findings = crate::lint::lint(&migrator, &Dialect::enabled(), range)
        .unwrap_or_else(|e| panic!("the lint could not run: {e}"));
    let report = crate::lint::report(&findings);
    let summary = crate::lint::Summary::of(&findings);
    assert!(
        summary.passed(),
        "{report}\n\nmake the ops safe as each `instead:` says, or allow a rule in its revision \
         with `#[migration(.., allow_lint = [\"RULE\"])]`; `cargo schema lint` shows the same"
    );
    if !findings.is_empty() {
        eprintln!("{report}");
    }
    let unused = crate::lint::unused_allows(&migrator, &Dialect::enabled(), range, &findings)
        .unwrap_or_default();
    for (revision, rule) in unused {
        eprintln!(
            "warning: revision `{revision}` allows `{rule}` but breaks no such rule: remove it \
             from its `allow_lint`"
        );
    }
}

/// Adds a `#[test]` that runs `cargo schema test` under `cargo test`:
/// `every_revision_round_trips_on_a_scratch_database` applies, reverts and applies again
/// every revision on a scratch database created and dropped beside `DATABASE_URL`'s (or, when
/// it is unset, in a temporary SQLite file), comparing the schema read from the catalogs after
/// each move, and fails naming the first revision that does not come back to the same schema
/// and what differs. Needs a database driver feature of schema-runtime.
///
/// ```
/// pub static MIGRATIONS: schema_runtime::Migrations = schema_runtime::Migrations::from_static(&[]);
/// schema_runtime::round_trip_tests!(MIGRATIONS);
/// # fn main() {}
/// ```
#[macro_export]
macro_rules! round_trip_tests {
    ($migrations:expr $(,)?) => {
        #[cfg(test)]
        #[doc(hidden)]
        mod __schema_round_trip_tests {
            #[allow(unused_imports)]
            use super::*;

            #[test]
            fn every_revision_round_trips_on_a_scratch_database() {
                $crate::testing::assert_round_trips(&$migrations);
            }
        }
    };
}

/// What [`round_trip_tests!`](crate::round_trip_tests) runs: see there.
#[cfg(any(feature = "postgres", feature = "sqlite", feature = "mysql"))]
pub fn assert_round_trips(migrations: &Migrations) {
    use crate::migrator::{
        ConnectOptions, Database, MigrateError, Outcome, RoundTripOptions, ScratchDatabase,
    };
    let url = match std::env::var("DATABASE_URL") {
        Ok(url) if !url.is_empty() => url,
        _ if cfg!(feature = "sqlite") => "sqlite:round_trip.db".to_owned(),
        _ => {
            eprintln!("note: DATABASE_URL is not set and schema-runtime has no SQLite driver: the round trip is skipped");
            return;
        }
    };
    let migrator = migrator(migrations);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let connect = ConnectOptions::default();
    let results = runtime.block_on(async {
        let scratch = ScratchDatabase::create(&url, &connect).await?;
        let ran = async {
            let mut db = Database::connect_with(scratch.url(), &connect).await?;
            let results = migrator
                .round_trip(&mut db, &RoundTripOptions::default(), |_| {})
                .await;
            let _ = db.close().await;
            results
        }
        .await;
        let dropped = scratch.drop_database(&connect).await;
        let results = ran?;
        dropped?;
        Ok::<_, MigrateError>(results)
    });
    let results = results.unwrap_or_else(|e| panic!("the round trip could not run: {e}"));
    for r in results {
        match r.outcome {
            Outcome::Differs { stage, differences } => {
                let mut message = format!(
                    "revision `{}` ({}) does not round-trip: after its {} the database differs:",
                    r.revision,
                    r.message,
                    stage.as_str()
                );
                for d in differences {
                    let _ = write!(message, "\n    {d}");
                }
                panic!("{message}\n  `cargo schema test` shows the same");
            }
            Outcome::Failed { stage, error } => panic!(
                "revision `{}` ({}): its {} failed in the round trip:\n  {error}",
                r.revision,
                r.message,
                stage.as_str()
            ),
            _ => {}
        }
    }
}
