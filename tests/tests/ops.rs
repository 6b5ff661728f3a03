//! Every op and each of its options, on every configured database: a base revision builds a
//! small schema with rows, a second revision runs the op. The op's SQL and the schema change it
//! makes are snapshotted as `<case>@<dialect>`; then `downgrade -1` (the derived reverse, or the
//! explicit downgrade) must give back the base schema, line for line, and the base rows where
//! the case reads them. Ops a dialect cannot express must be refused at planning time with a
//! message naming the op, the dialect and what to do instead.
//!
//! A case that goes wrong does not stop the others: each test collects its failures and reports
//! them all at once.

use std::panic::{catch_unwind, AssertUnwindSafe};

use schema_runtime::prelude::*;
use schema_runtime::{
    Database, Dialect, MigrateError, Migrator, PlanError, RenderError, Revision, Step,
};
use schema_tests::{all_databases, block_on, dump_rows, dump_schema};

const BASE: &str = "0001_base";
const CHANGE: &str = "0002_change";

type Build = Box<dyn Fn(&mut Ops)>;

/// One op under test, with the schema it runs on.
struct Case {
    name: &'static str,
    base: fn(&mut Ops),
    change: Build,
    downgrade: Option<Build>,
    transactional: bool,
    unsupported_on: Vec<Dialect>,
    rows: Vec<(&'static str, &'static [&'static str])>,
    /// The derived downgrade must be refused.
    irreversible: bool,
    /// Dialects where the case does not run: its base has what they refuse (another case
    /// checks the refusal).
    skip_on: Vec<Dialect>,
}

impl Case {
    /// The op `change` on the blog schema, in a transactional revision with a derived downgrade.
    fn new(name: &'static str, change: impl Fn(&mut Ops) + 'static) -> Self {
        Case {
            name,
            base: blog,
            change: Box::new(change),
            downgrade: None,
            transactional: true,
            unsupported_on: Vec::new(),
            rows: Vec::new(),
            irreversible: false,
            skip_on: Vec::new(),
        }
    }

    /// Not run on `dialects`, whose base schema cannot exist there.
    fn skip_on(mut self, dialects: &[Dialect]) -> Self {
        self.skip_on = dialects.to_vec();
        self
    }

    /// The derived downgrade must be refused (the op cannot be undone automatically).
    fn irreversible(mut self) -> Self {
        self.irreversible = true;
        self
    }

    /// Runs on another base schema.
    fn on(mut self, base: fn(&mut Ops)) -> Self {
        self.base = base;
        self
    }

    /// The dialects that must refuse the op with `RenderError::Unsupported`.
    fn unsupported_on(mut self, dialects: &[Dialect]) -> Self {
        self.unsupported_on = dialects.to_vec();
        self
    }

    /// `transactional = false`, as `CONCURRENTLY` needs.
    fn non_transactional(mut self) -> Self {
        self.transactional = false;
        self
    }

    /// An explicit downgrade instead of the derived one.
    fn downgrade(mut self, build: impl Fn(&mut Ops) + 'static) -> Self {
        self.downgrade = Some(Box::new(build));
        self
    }

    /// Shows these rows after the upgrade and requires the downgrade to give the base rows back.
    fn rows(mut self, table: &'static str, columns: &'static [&'static str]) -> Self {
        self.rows.push((table, columns));
        self
    }

    fn migrator(&self) -> Migrator {
        let mut change = Revision::new(CHANGE, &[BASE], self.name, |op| (self.change)(op));
        change.transactional = self.transactional;
        if let Some(down) = &self.downgrade {
            change = change.with_downgrade(|op| down(op));
        }
        Migrator::new(vec![Revision::new(BASE, &[], "base", self.base), change])
            .expect("two revisions in a line")
    }
}

/// users, posts (a foreign key to users), tags (a plain primary key) and labels (no primary
/// key), with a few rows each.
/// A table whose constraints have no name.
fn votes(op: &mut Ops) {
    op.create_table("votes", |t| {
        t.column("post_id", Type::BigInt).not_null();
        t.column("user_id", Type::BigInt).not_null();
        t.column("value", Type::SmallInt).not_null();
        t.column("token", Type::String(40)).not_null();
        t.primary_key(["post_id", "user_id"]).primary_key_unnamed();
        t.unique_unnamed(["token"]);
        t.foreign_key(["user_id"], "users", ["id"])
            .on_delete(FkAction::Cascade)
            .unnamed();
        t.foreign_key(["post_id"], "posts", ["id"]).unnamed();
        t.check_unnamed("value IN (-1, 1)");
        t.check_unnamed("post_id <> user_id");
    });
}

/// The blog with a table whose constraints have no name.
fn blog_with_votes(op: &mut Ops) {
    blog(op);
    votes(op);
}

fn blog(op: &mut Ops) {
    op.create_table("users", |t| {
        t.column("id", Type::BigInt).primary_key().identity();
        t.column("email", Type::String(255)).not_null().unique();
        t.column("name", Type::String(100)).index();
        t.column("karma", Type::Integer).not_null().default(0);
        t.column("zip", Type::String(10));
        t.column("bio", Type::Text);
        t.check("karma_nonnegative", "karma >= 0");
    });
    op.create_table("posts", |t| {
        t.column("id", Type::BigInt).primary_key().identity();
        t.column("author_id", Type::BigInt)
            .not_null()
            .index()
            .references("users", "id")
            .on_delete(FkAction::Cascade);
        t.column("reviewer_id", Type::BigInt);
        t.column("title", Type::String(200)).not_null();
        t.column("slug", Type::String(200)).unique();
        t.column("body", Type::Text);
    });
    op.create_table("tags", |t| {
        t.column("id", Type::Integer).primary_key();
        t.column("name", Type::String(50)).not_null();
    });
    op.create_table("labels", |t| {
        t.column("code", Type::String(20)).not_null();
        t.column("title", Type::String(100));
    });
    op.bulk_insert(
        "users",
        ["id", "email", "name", "karma", "zip"],
        [
            row![1, "ann@example.com", "Ann", 3, "1000"],
            row![2, "bob@example.com", "Bob", 0, "2000"],
            row![3, "cy@example.com", None::<&str>, 5, None::<&str>],
        ],
    );
    op.bulk_insert(
        "posts",
        ["id", "author_id", "title", "slug", "body"],
        [
            row![1, 1, "Hello", "hello", "First post"],
            row![2, 1, "Again", "again", None::<&str>],
            row![3, 2, "Hi", None::<&str>, "From Bob"],
        ],
    );
    op.bulk_insert("tags", ["id", "name"], [row![1, "rust"], row![2, "sql"]]);
    op.bulk_insert(
        "labels",
        ["code", "title"],
        [row!["new", "New"], row!["old", "Old"]],
    );
}

/// Enum types `mood` (used by people.mood, with a default) and `color` (unused), with rows.
/// A table whose column has a collation on every dialect.
fn handles(op: &mut Ops) {
    op.create_table("handles", |t| {
        t.column("id", Type::Integer).primary_key();
        t.column("name", Type::String(50))
            .not_null()
            .collate_per_dialect(&[
                (Dialect::Postgres, "C"),
                (Dialect::Sqlite, "NOCASE"),
                (Dialect::Mysql, "utf8mb4_bin"),
            ]);
        t.column("note", Type::Text)
            .collate_per_dialect(&[(Dialect::Sqlite, "RTRIM")]);
    });
}

fn moods(op: &mut Ops) {
    op.create_enum("mood", ["happy", "meh", "sad"]);
    op.create_enum("color", ["red", "green"]);
    op.create_table("people", |t| {
        t.column("id", Type::Integer).primary_key();
        t.column("name", Type::String(50)).not_null();
        t.column("mood", Type::enumeration("mood"))
            .not_null()
            .default("happy");
    });
    op.bulk_insert(
        "people",
        ["id", "name", "mood"],
        [
            row![1, "Ann", "happy"],
            row![2, "Bob", "sad"],
            row![3, "Cy", "happy"],
        ],
    );
}

/// `readings`: a column of each precision type and typed value of issue 16, with one row of
/// typed values and one of NULLs.
fn readings(op: &mut Ops) {
    op.create_table("readings", |t| {
        t.column("id", Type::Integer).primary_key();
        t.column("ratio", Type::Float(24));
        t.column("precise", Type::Float(53));
        t.column("money", Type::Numeric(12, 2));
        t.column("day", Type::Date);
        t.column("at", Type::TimePrecision(3));
        t.column("stamp", Type::TimestampPrecision(3));
        t.column("seen_at", Type::TimestampTzPrecision(0));
        t.column("logged", Type::DateTime);
        t.column("uid", Type::Uuid);
        t.column("doc", Type::Json);
    });
    let mut nulls = vec![Value::Null; READING_COLUMNS.len()];
    nulls[0] = Value::Int(2);
    op.bulk_insert("readings", READING_COLUMNS, [reading(1), nulls]);
}

const READING_COLUMNS: [&str; 11] = [
    "id", "ratio", "precise", "money", "day", "at", "stamp", "seen_at", "logged", "uid", "doc",
];

/// A row of `readings` with typed values that differ by `id`.
fn reading(id: i32) -> Vec<Value> {
    row![
        id,
        0.25 * f64::from(id),
        -1.5,
        Value::decimal(format!("{id}2.50")),
        Value::date(format!("2024-01-{:02}", id + 10)),
        Value::time(format!("13:45:{:02}.25", id)),
        Value::timestamp(format!("2024-01-31T13:45:{:02}.125", id)),
        Value::timestamp_tz(format!("2024-01-01 01:30:{:02}+02:00", id)),
        Value::timestamp(format!("2024-02-29 23:59:{:02}", id)),
        Value::uuid(format!("67e55044-10b1-426f-9247-bb680e5fe0c{id}")),
        Value::json(format!(
            r#"{{"id": {id}, "tags": ["a", "b\\c"], "ok": true}}"#
        ))
    ]
}

/// The statements of planned steps, each ending in `;`.
fn statements(steps: &[Step]) -> String {
    let sql: Vec<String> = steps
        .iter()
        .flat_map(|s| s.statements.iter().map(|sql| format!("{sql};\n")))
        .collect();
    if sql.is_empty() {
        "(no statements)\n".into()
    } else {
        sql.concat()
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into())
}

/// The dump split into blocks: a top-level line (`table users`, `enum mood (...)`) and the
/// indented lines under it.
fn blocks(dump: &str) -> Vec<(String, Vec<String>)> {
    let mut blocks: Vec<(String, Vec<String>)> = Vec::new();
    for line in dump.lines() {
        match blocks.last_mut() {
            Some((_, lines)) if line.starts_with(' ') => lines.push(line.to_owned()),
            _ => blocks.push((line.to_owned(), Vec::new())),
        }
    }
    blocks
}

/// One line of a diff.
#[derive(Debug, PartialEq)]
enum Change<'a> {
    Kept(&'a str),
    Removed(&'a str),
    Added(&'a str),
}

/// The lines that turn `before` into `after` (longest common subsequence; removals first).
fn line_diff<'a>(before: &[&'a str], after: &[&'a str]) -> Vec<Change<'a>> {
    let (n, m) = (before.len(), after.len());
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if before[i] == after[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut changes = Vec::new();
    while i < n || j < m {
        if i < n && j < m && before[i] == after[j] {
            changes.push(Change::Kept(before[i]));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            changes.push(Change::Removed(before[i]));
            i += 1;
        } else {
            changes.push(Change::Added(after[j]));
            j += 1;
        }
    }
    changes
}

/// What changed between two dumps: `-`/`+` lines, each under its unchanged table line (shown
/// with a leading space); unchanged tables are left out.
fn schema_diff(before: &str, after: &str) -> String {
    let before: Vec<&str> = before.lines().collect();
    let after: Vec<&str> = after.lines().collect();
    let mut out = String::new();
    // The unchanged top-level line the next changed line belongs to, until it is printed.
    let mut head: Option<&str> = None;
    for change in line_diff(&before, &after) {
        let (sign, line) = match change {
            Change::Kept(line) => {
                if !line.starts_with(' ') {
                    head = Some(line);
                }
                continue;
            }
            Change::Removed(line) => ('-', line),
            Change::Added(line) => ('+', line),
        };
        if line.starts_with(' ') {
            if let Some(head) = head.take() {
                out.push_str(&format!(" {head}\n"));
            }
        } else {
            head = None;
        }
        out.push_str(&format!("{sign}{line}\n"));
    }
    if out.is_empty() {
        out.push_str("(no schema change)\n");
    }
    out
}

/// True when the dumps differ only in the order of lines under each table (column order: the
/// other kinds of facts are sorted by the dump).
fn same_but_column_order(a: &str, b: &str) -> bool {
    let sorted = |dump: &str| {
        blocks(dump)
            .into_iter()
            .map(|(head, mut lines)| {
                lines.sort();
                (head, lines)
            })
            .collect::<Vec<_>>()
    };
    sorted(a) == sorted(b)
}

async fn case_rows(case: &Case, db: &mut Database) -> String {
    let mut out = String::new();
    for (table, columns) in &case.rows {
        out.push_str(&dump_rows(db, table, columns).await);
    }
    out
}

/// Runs `case` on `db`: returns the snapshot text and pushes what went wrong to `failures`.
async fn run_case(case: &Case, db: &mut Database, failures: &mut Vec<String>) -> Option<String> {
    let d = db.dialect();
    let mut fail = |what: String| failures.push(format!("{}@{}: {what}", case.name, d.name()));
    let migrator = case.migrator();
    if let Err(e) = migrator.upgrade(db, BASE).await {
        fail(format!("the base revision fails: {e}"));
        return None;
    }
    let base_schema = dump_schema(db).await;
    let base_rows = case_rows(case, db).await;
    let expect_unsupported = case.unsupported_on.contains(&d);
    let mut snap = String::new();

    // Boxed: a plan error is large, and only its message matters here.
    let planned = catch_unwind(AssertUnwindSafe(|| {
        migrator
            .plan_upgrade(d, &[BASE.to_owned()], "head")
            .map_err(Box::new)
    }));
    let steps = match planned {
        Err(panic) => {
            fail(format!("plan_upgrade panicked: {}", panic_message(&*panic)));
            return None;
        }
        Ok(Err(e)) => {
            let message = e.to_string();
            let PlanError::Render {
                source: RenderError::Unsupported { op, dialect, hint },
                ..
            } = &*e
            else {
                fail(format!("planning the upgrade fails: {message}"));
                return Some(format!("-- planning the upgrade fails\n{message}\n"));
            };
            if !expect_unsupported {
                fail(format!(
                    "refused as unsupported, which it should not be: {message}"
                ));
            }
            let kind = op.split('(').next().unwrap_or_default();
            if *dialect != d
                || !message.contains(kind)
                || !message.contains(&d.to_string())
                || hint.trim().is_empty()
            {
                fail(format!(
                    "the message must name the op, the dialect and a hint: {message}"
                ));
            }
            // The refusal comes before any statement runs.
            if migrator.upgrade(db, "head").await.is_ok() {
                fail("upgrade ran although planning refuses the op".into());
            }
            if dump_schema(db).await != base_schema {
                fail("a refused upgrade changed the schema".into());
            }
            return Some(format!("-- unsupported\n{message}\n"));
        }
        Ok(Ok(steps)) => steps,
    };
    if expect_unsupported {
        fail("expected RenderError::Unsupported, but the op rendered".into());
    }
    let upgrade_sql = statements(&steps);
    snap.push_str(&format!("-- upgrade\n{upgrade_sql}"));

    let planned_down = catch_unwind(AssertUnwindSafe(|| {
        migrator
            .plan_downgrade(d, &[CHANGE.to_owned()], "-1")
            .map_err(Box::new)
    }));
    let downgrade_sql = match planned_down {
        Err(panic) => {
            fail(format!(
                "plan_downgrade panicked: {}",
                panic_message(&*panic)
            ));
            return Some(snap);
        }
        Ok(Err(e)) if case.irreversible && matches!(*e, PlanError::Irreversible { .. }) => {
            format!("refused: {e}\n")
        }
        Ok(Err(e)) => {
            fail(format!("planning the downgrade fails: {e}"));
            format!("error: {e}\n")
        }
        Ok(Ok(_)) if case.irreversible => {
            fail("the derived downgrade should be refused".into());
            String::new()
        }
        Ok(Ok(steps)) => statements(&steps),
    };
    snap.push_str(&format!("-- downgrade\n{downgrade_sql}"));

    if let Err(e) = migrator.upgrade(db, "head").await {
        fail(format!("upgrade fails:\n{e}"));
        snap.push_str(&format!("-- upgrade fails\n{e}\n"));
        return Some(snap);
    }
    let after = dump_schema(db).await;
    snap.push_str(&format!(
        "-- schema change\n{}",
        schema_diff(&base_schema, &after)
    ));
    if !case.rows.is_empty() {
        snap.push_str(&format!(
            "-- rows after upgrade\n{}",
            case_rows(case, db).await
        ));
    }

    if case.irreversible {
        // The refusal comes before any statement: the database stays at the change.
        match migrator.downgrade(db, "-1").await {
            Err(MigrateError::Plan(e)) if matches!(*e, PlanError::Irreversible { .. }) => {}
            other => fail(format!("the downgrade should be refused, got {other:?}")),
        }
        if dump_schema(db).await != after {
            fail("a refused downgrade changed the schema".into());
        }
        return Some(snap);
    }
    if let Err(e) = migrator.downgrade(db, "-1").await {
        fail(format!("downgrade fails:\n{e}"));
        snap.push_str(&format!("-- downgrade fails\n{e}\n"));
        return Some(snap);
    }
    let reverted = dump_schema(db).await;
    if reverted == base_schema {
        snap.push_str("-- after downgrade: the base schema\n");
    } else if same_but_column_order(&reverted, &base_schema) {
        // A re-added column comes last; no dialect can put it back in place with one ALTER.
        snap.push_str(&format!(
            "-- after downgrade: the base schema, but for column order (- base, + after downgrade)\n{}",
            schema_diff(&base_schema, &reverted)
        ));
    } else {
        let diff = schema_diff(&base_schema, &reverted);
        fail(format!(
            "the downgrade does not give back the base schema (- base, + after downgrade):\n{diff}downgrade SQL:\n{downgrade_sql}"
        ));
        snap.push_str(&format!(
            "-- after downgrade, NOT the base schema (- base, + after downgrade)\n{diff}"
        ));
    }
    let reverted_rows = case_rows(case, db).await;
    if reverted_rows != base_rows {
        fail(format!(
            "the downgrade does not give back the base rows:\nbase:\n{base_rows}after downgrade:\n{reverted_rows}"
        ));
        snap.push_str(&format!(
            "-- rows after downgrade, NOT the base rows\n{reverted_rows}"
        ));
    }
    match migrator.current(db).await {
        Ok(heads) if heads == [BASE] => {}
        other => fail(format!(
            "after the downgrade the version table says {other:?}"
        )),
    }
    Some(snap)
}

/// Runs every case on every configured database, snapshots each, and fails with the whole list
/// of what went wrong.
/// The planned upgrade and downgrade SQL of `case` on `d` (no database), or its refusal.
fn plan_offline(case: &Case, d: Dialect, failures: &mut Vec<String>) -> String {
    let mut fail =
        |what: String| failures.push(format!("{}@{} (planned): {what}", case.name, d.name()));
    let migrator = case.migrator();
    let expect_unsupported = case.unsupported_on.contains(&d);
    let steps = match migrator.plan_upgrade(d, &[BASE.to_owned()], "head") {
        Err(e) => {
            let refused = matches!(
                e,
                PlanError::Render {
                    source: RenderError::Unsupported { .. },
                    ..
                }
            );
            if !(refused && expect_unsupported) {
                fail(format!("planning the upgrade fails: {e}"));
            }
            return format!("-- unsupported\n{e}\n");
        }
        Ok(steps) => steps,
    };
    if expect_unsupported {
        fail("expected RenderError::Unsupported, but the op rendered".into());
    }
    let down = match migrator.plan_downgrade(d, &[CHANGE.to_owned()], "-1") {
        Ok(steps) => statements(&steps),
        Err(e) if case.irreversible => format!("refused: {e}\n"),
        Err(e) => {
            fail(format!("planning the downgrade fails: {e}"));
            format!("error: {e}\n")
        }
    };
    format!("-- upgrade\n{}-- downgrade\n{down}", statements(&steps))
}

fn run(cases: Vec<Case>) {
    let failures = block_on(async {
        let mut failures = Vec::new();
        for case in &cases {
            for test_db in all_databases(case.name).await {
                let d = test_db.dialect;
                if case.skip_on.contains(&d) {
                    test_db.drop_db().await;
                    continue;
                }
                let mut db = test_db.connect().await;
                if let Some(snap) = run_case(case, &mut db, &mut failures).await {
                    insta::assert_snapshot!(format!("{}@{}", case.name, d.name()), snap);
                }
                drop(db);
                test_db.drop_db().await;
            }
            // MySQL 8 cannot run here: its SQL is planned offline and snapshotted, and its
            // refusals checked, so its grammar is reviewed even where no server runs.
            let planned = plan_offline(case, Dialect::Mysql, &mut failures);
            insta::assert_snapshot!(format!("{}@mysql_planned", case.name), planned);
        }
        failures
    });
    assert!(
        failures.is_empty(),
        "{} failure(s):\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn table_ops() {
    run(vec![
        // Columns with collations named per dialect (a dialect not named keeps its default).
        Case::new("create_table_column_collation", handles),
        // SQLite's AUTOINCREMENT instead of the rowid alias; the usual identity elsewhere.
        Case::new("create_table_identity_autoincrement", |op| {
            op.create_table("notes", |t| {
                t.column("id", Type::BigInt)
                    .primary_key()
                    .identity_autoincrement();
                t.column("body", Type::Text);
            });
            op.bulk_insert("notes", ["body"], [row!["first"], row!["second"]]);
        }),
        Case::new("create_table", |op| {
            op.create_table("comments", |t| {
                t.column("id", Type::BigInt).primary_key().identity();
                t.column("post_id", Type::BigInt)
                    .not_null()
                    .references("posts", "id")
                    .on_delete(FkAction::Cascade);
                t.column("author_email", Type::String(255))
                    .unique()
                    .comment("who wrote it");
                t.column("body", Type::Text).not_null().comment("the text");
                t.column("score", Type::Integer).not_null().default(0);
                t.check("score_nonnegative", "score >= 0");
                t.comment("Reader comments");
            });
        }),
        // Constraints the database keeps without a name (Django on SQLite): SQLite declares
        // them without CONSTRAINT (the unique key in the table, its automatic index
        // sqlite_autoindex_votes_2); elsewhere under the names PostgreSQL gives them.
        Case::new("create_table_unnamed_constraints", |op| {
            votes(op);
        }),
        // MariaDB writes a check named as its column in the column (a column-level check).
        Case::new("create_table_column_check", |op| {
            op.create_table("scores", |t| {
                t.column("id", Type::BigInt).primary_key();
                t.column("score", Type::Integer)
                    .not_null()
                    .check_named("score", "score >= 0");
                t.column("bonus", Type::Integer)
                    .check_named("ck_scores_bonus", "bonus >= 0");
            });
        }),
        Case::new("create_table_serial", |op| {
            op.create_table("events", |t| {
                t.column("id", Type::BigInt).primary_key().serial();
                t.column("kind", Type::String(20)).not_null();
            });
        }),
        Case::new("create_table_identity_options", |op| {
            op.create_table("events", |t| {
                t.column("id", Type::BigInt)
                    .primary_key()
                    .identity_always()
                    .identity_start(1000)
                    .identity_increment(10)
                    .identity_cache(20);
                t.column("kind", Type::String(20)).not_null();
            });
        })
        .unsupported_on(&[Dialect::Sqlite, Dialect::Mysql, Dialect::Mariadb]),
        Case::new("create_table_identity_start", |op| {
            op.create_table("events", |t| {
                t.column("id", Type::BigInt)
                    .primary_key()
                    .identity_start(1000);
                t.column("kind", Type::String(20)).not_null();
            });
        })
        .unsupported_on(&[Dialect::Sqlite]),
        Case::new("create_table_if_not_exists", |op| {
            op.create_table("notes", |t| {
                t.column("id", Type::Integer).primary_key();
                t.column("body", Type::Text);
            })
            .if_not_exists();
        }),
        Case::new("create_table_if_not_exists_existing", |op| {
            op.create_table("tags", |t| {
                t.column("id", Type::Integer).primary_key();
                t.column("label", Type::String(20));
            })
            .if_not_exists();
        }),
        Case::new("drop_table", |op| {
            op.drop_table("posts");
        }),
        Case::new("drop_table_if_exists_missing", |op| {
            op.drop_table("nowhere").if_exists();
        }),
        Case::new("rename_table_referenced", |op| {
            op.rename_table("users", "accounts");
        }),
        Case::new("set_table_comment", |op| {
            op.set_table_comment("users", Some("People who log in"));
        }),
    ]);
}

#[test]
fn add_column_ops() {
    run(vec![
        // A default spelt per dialect (a random token), one revision for the three.
        Case::new("add_column_default_expr_per_dialect", |op| {
            op.add_column("users", "token", Type::String(36))
                .default_expr_per_dialect(
                    "lower(hex(randomblob(16)))",
                    &[
                        (Dialect::Postgres, "upper(md5('seed'))"),
                        (Dialect::Mysql, "uuid()"),
                    ],
                );
        }),
        // The portable types of issue 16, each added to a table with rows.
        Case::new("add_column_precision_types", |op| {
            op.add_column("users", "ratio", Type::Float(10))
                .default(0.5);
            op.add_column("users", "seen_at", Type::TimestampTzPrecision(3))
                .not_null()
                .default_now();
            op.add_column("users", "at", Type::TimePrecision(0));
            op.add_column("users", "logged", Type::DateTime);
            op.add_column("users", "born", Type::Date)
                .default(Value::date("2000-01-01"));
            op.add_column("users", "balance", Type::Numeric(10, 2))
                .not_null()
                .default(Value::decimal("12.50"));
        }),
        // MySQL and MariaDB have no VARCHAR without a length: refused with a hint.
        Case::new("add_column_unbounded_string", |op| {
            op.add_column("users", "motto", Type::Varchar)
                .not_null()
                .default("carpe diem");
        })
        .unsupported_on(&[Dialect::Mysql, Dialect::Mariadb]),
        Case::new("add_column_nullable", |op| {
            op.add_column("users", "nickname", Type::String(40));
        }),
        Case::new("add_column_not_null_with_default", |op| {
            op.add_column("users", "active", Type::Boolean)
                .not_null()
                .default(true);
        }),
        Case::new("add_column_unique", |op| {
            op.add_column("users", "handle", Type::String(40)).unique();
        }),
        Case::new("add_column_references", |op| {
            op.add_column("posts", "editor_id", Type::BigInt)
                .references("users", "id")
                .on_delete(FkAction::SetNull);
        }),
        Case::new("add_column_comment", |op| {
            op.add_column("users", "note", Type::String(100))
                .comment("internal note");
        }),
    ]);
}

#[test]
fn drop_column_ops() {
    run(vec![
        Case::new("drop_column", |op| op.drop_column("users", "bio")),
        Case::new("drop_column_indexed", |op| op.drop_column("users", "name")),
        Case::new("drop_column_unique", |op| op.drop_column("posts", "slug")),
        // The derived reverse re-adds a NOT NULL column without default to a table with rows.
        Case::new("drop_column_not_null", |op| {
            op.drop_column("posts", "title")
        })
        .irreversible(),
        // A unique column with a default, on a table with rows: re-added without the default
        // (every row NULL, which never collides), keyed, then given its default back.
        Case::new("drop_column_unique_with_default", |op| {
            op.drop_column("codes", "code")
        })
        .on(codes),
        // NOT NULL as well: re-adding it would give every row the same value.
        Case::new("drop_column_unique_not_null_with_default", |op| {
            op.drop_column("codes", "strict_code")
        })
        .on(codes)
        .irreversible(),
    ]);
}

/// `lines`: order lines with a stored generated line total (identifiers in standard quotes,
/// backticks on MySQL/MariaDB), and two rows the database computed it for.
fn order_lines(op: &mut Ops) {
    op.create_table("lines", |t| {
        t.column("id", Type::Integer).primary_key();
        t.column("quantity", Type::Integer).not_null();
        t.column("unit_price", Type::Numeric(12, 2)).not_null();
        t.column("total", Type::Numeric(14, 2))
            .generated_stored(r#""quantity" * "unit_price""#);
    });
    op.bulk_insert(
        "lines",
        ["id", "quantity", "unit_price"],
        [
            row![1, 2, Value::decimal("3.50")],
            row![2, 5, Value::decimal("1.25")],
        ],
    );
}

/// Generated (computed) columns: created with a table, added to a table with rows (SQLite
/// rebuilds for a STORED one), dropped (the derived downgrade re-creates it generated), and
/// refused where the dialect has no such column.
#[test]
fn generated_column_ops() {
    run(vec![
        // A stored one: every dialect (the insert leaves the computed column out).
        Case::new("create_table_generated_stored", |op| {
            op.create_table("items", |t| {
                t.column("id", Type::Integer).primary_key();
                t.column("quantity", Type::Integer).not_null();
                t.column("unit_price", Type::Numeric(12, 2)).not_null();
                t.column("total", Type::Numeric(14, 2))
                    .generated_stored("quantity * unit_price")
                    .comment("line total");
            });
            op.bulk_insert(
                "items",
                ["id", "quantity", "unit_price"],
                [row![1, 3, Value::decimal("2.00")]],
            );
        }),
        // A stored and a virtual one: PostgreSQL 12-17 has no VIRTUAL, refused with a hint.
        Case::new("create_table_generated_virtual", |op| {
            op.create_table("people", |t| {
                t.column("id", Type::Integer).primary_key();
                t.column("first", Type::String(50)).not_null();
                t.column("last", Type::String(50)).not_null();
                t.column("first_lower", Type::String(50))
                    .generated_stored(r#"lower("first")"#);
                t.column("last_lower", Type::String(50))
                    .generated_virtual(r#"lower("last")"#);
            });
            op.bulk_insert("people", ["id", "first", "last"], [row![1, "Ann", "Lee"]]);
        })
        .unsupported_on(&[Dialect::Postgres]),
        // Added to a table with rows: computed for each (SQLite rebuilds the table for a STORED one).
        Case::new("add_column_generated_stored", |op| {
            op.add_column("lines", "doubled", Type::Integer)
                .generated_stored(r#""quantity" * 2"#);
        })
        .on(order_lines)
        .rows("lines", &["id", "quantity", "total"]),
        // A virtual one, NOT NULL: SQLite adds it in place; MariaDB's are always nullable.
        Case::new("add_column_generated_virtual_not_null", |op| {
            op.add_column("lines", "net", Type::Numeric(14, 2))
                .not_null()
                .generated_virtual("total - 1");
        })
        .on(order_lines)
        .rows("lines", &["id", "total"])
        .unsupported_on(&[Dialect::Postgres, Dialect::Mariadb]),
        // Spelt per dialect (`||` is a logical OR on MySQL/MariaDB), added to a table with rows.
        Case::new("add_column_generated_per_dialect", |op| {
            op.add_column("users", "label", Type::String(120))
                .generated_stored_per_dialect(
                    r#""email" || ' #' || "zip""#,
                    &[(Dialect::Mysql, r#"concat("email", ' #', "zip")"#)],
                );
        })
        .rows("users", &["id", "email"]),
        // Computed from the identity column: MySQL/MariaDB compute it before AUTO_INCREMENT
        // gives the value, so they refuse it (a hint, not the server's error 1901/3109).
        Case::new("add_column_generated_from_identity", |op| {
            op.add_column("users", "ref", Type::BigInt)
                .generated_stored(r#""id" * 10"#);
        })
        .unsupported_on(&[Dialect::Mysql, Dialect::Mariadb]),
        // A column it is computed from renamed: every server rewrites the expression, and so
        // does the replay (no drift; the derived downgrade renames it back).
        Case::new("alter_column_rename_generated_source", |op| {
            op.alter_column("lines", "quantity").rename_to("qty");
        })
        .on(order_lines)
        .rows("lines", &["id", "total"]),
        // Dropped: the derived downgrade adds it back generated, and the rows compute again.
        Case::new("drop_column_generated", |op| {
            op.drop_column("lines", "total")
        })
        .on(order_lines)
        .rows("lines", &["id", "quantity"]),
    ]);
}

/// `ballots`: columns named `select` and `Order`.
fn ballots(op: &mut Ops) {
    op.create_table("ballots", |t| {
        t.column("id", Type::Integer).primary_key();
        t.column("select", Type::Integer).not_null();
        t.column("Order", Type::String(10));
    });
    op.bulk_insert(
        "ballots",
        ["id", "select", "Order"],
        [row![1, 0, "a"], row![2, 3, Value::Null]],
    );
}

/// `prices`: amounts and flags kept as text, as a legacy schema does.
fn prices(op: &mut Ops) {
    op.create_table("prices", |t| {
        t.column("id", Type::Integer).primary_key();
        t.column("amount", Type::String(20)).not_null();
        t.column("paid", Type::String(5));
    });
    op.bulk_insert(
        "prices",
        ["id", "amount", "paid"],
        [
            row![1, "12.25", "1"],
            row![2, "3.75", "0"],
            row![3, "0.55", Value::Null],
        ],
    );
}

/// `codes`: unique columns with defaults, three rows.
fn codes(op: &mut Ops) {
    op.create_table("codes", |t| {
        t.column("id", Type::Integer).primary_key();
        t.column("code", Type::String(10)).unique().default("none");
        t.column("strict_code", Type::String(10))
            .not_null()
            .unique()
            .default("none");
    });
    op.bulk_insert(
        "codes",
        ["id", "code", "strict_code"],
        [row![1, "a", "a"], row![2, "b", "b"], row![3, "c", "c"]],
    );
}

/// `parents` and `children` with a foreign key InnoDB first serves with an index of its own,
/// then (once `ix_children_parent_id_rank` exists) with that one only.
fn children(op: &mut Ops) {
    op.create_table("parents", |t| {
        t.column("id", Type::Integer).primary_key();
    });
    op.create_table("children", |t| {
        t.column("id", Type::Integer).primary_key();
        t.column("parent_id", Type::Integer)
            .not_null()
            .references("parents", "id");
        t.column("rank", Type::Integer).not_null();
    });
    op.bulk_insert("parents", ["id"], [row![1], row![2]]);
    op.bulk_insert(
        "children",
        ["id", "parent_id", "rank"],
        [row![1, 1, 1], row![2, 1, 2], row![3, 2, 1]],
    );
}

#[test]
fn alter_column_ops() {
    run(vec![
        // SQLite rebuilds the table from the replayed state: its unnamed constraints stay
        // unnamed (the dump compares names and autoindex names both ways).
        Case::new("alter_column_type_keeps_unnamed_constraints", |op| {
            op.alter_column("votes", "value").set_type(Type::Integer);
        })
        .on(blog_with_votes),
        Case::new("alter_column_type", |op| {
            op.alter_column("users", "name").set_type(Type::String(200));
        }),
        // Collations (SQLAlchemy's String(collation=)), named per dialect.
        Case::new("alter_column_set_collation", |op| {
            op.alter_column("users", "name")
                .set_collation_per_dialect(&[
                    (Dialect::Postgres, "C"),
                    (Dialect::Sqlite, "NOCASE"),
                    (Dialect::Mysql, "utf8mb4_bin"),
                ]);
        })
        .rows("users", &["id", "name"]),
        // A new type keeps the column's collation (PostgreSQL would take the type's default).
        Case::new("alter_column_type_keeps_collation", |op| {
            op.alter_column("handles", "name")
                .set_type(Type::String(80));
        })
        .on(handles),
        Case::new("alter_column_drop_collation", |op| {
            op.alter_column("handles", "name").drop_collation();
        })
        .on(handles),
        // A plain cast: PostgreSQL's USING, MySQL/MariaDB's MODIFY and SQLite's copy alike.
        Case::new("alter_column_type_using", |op| {
            op.alter_column("users", "zip")
                .set_type_using(Type::Integer, "CAST(zip AS INTEGER)");
        })
        .rows("users", &["id", "zip"]),
        // One portable revision: varchar to numeric and to boolean with PostgreSQL's casts.
        Case::new("alter_column_type_using_postgres_casts", |op| {
            op.alter_column("prices", "amount")
                .set_type_using(Type::Numeric(12, 2), "amount::numeric(12, 2)");
            op.alter_column("prices", "paid")
                .set_type_using(Type::Boolean, "paid::boolean");
        })
        .on(prices)
        .rows("prices", &["id", "amount"]),
        // A conversion that computes has no MySQL/MariaDB spelling in one statement.
        Case::new("alter_column_type_using_computed", |op| {
            op.alter_column("users", "name")
                .set_type_using(Type::Integer, "length(name)");
        })
        .unsupported_on(&[Dialect::Mysql, Dialect::Mariadb]),
        Case::new("alter_column_set_not_null_after_backfill", |op| {
            op.update("users")
                .set("name", "anonymous")
                .filter("name IS NULL");
            op.alter_column("users", "name").set_not_null();
        })
        .downgrade(|op| {
            op.alter_column("users", "name").set_nullable();
            op.update("users")
                .set("name", Value::Null)
                .filter("name = 'anonymous'");
        })
        .rows("users", &["id", "name"]),
        Case::new("alter_column_set_nullable", |op| {
            op.alter_column("users", "email").set_nullable();
        }),
        Case::new("alter_column_set_default", |op| {
            op.alter_column("users", "zip").set_default("0000");
        }),
        Case::new("alter_column_drop_default", |op| {
            op.alter_column("users", "karma").drop_default();
        }),
        Case::new("alter_column_rename", |op| {
            op.alter_column("users", "name").rename_to("display_name");
        }),
        Case::new("alter_column_set_comment", |op| {
            op.alter_column("users", "email")
                .set_comment(Some("login address"));
        }),
        Case::new("alter_column_set_identity_on", |op| {
            op.alter_column("tags", "id").set_identity(true);
        })
        .rows("tags", &["id", "name"]),
        Case::new("alter_column_set_identity_off", |op| {
            op.alter_column("posts", "id").set_identity(false);
        })
        .rows("posts", &["id", "title"]),
        // ALWAYS and the sequence's options of an identity column: PostgreSQL only.
        Case::new("alter_column_identity_options", |op| {
            op.alter_column("users", "id")
                .set_identity_always(true)
                .set_identity_sequence(|s| {
                    s.increment(10)
                        .start(100)
                        .max_value(1_000_000)
                        .cache(5)
                        .cycle(true);
                });
        })
        .unsupported_on(&[Dialect::Sqlite, Dialect::Mysql, Dialect::Mariadb]),
        // The start alone: PostgreSQL's START WITH, MySQL/MariaDB's AUTO_INCREMENT = n.
        Case::new("alter_column_identity_start", |op| {
            op.alter_column("users", "id").set_identity_sequence(|s| {
                s.start(1000);
            });
        })
        .unsupported_on(&[Dialect::Sqlite]),
    ]);
}

#[test]
fn create_index_ops() {
    run(vec![
        Case::new("create_index_unique", |op| {
            op.create_index("users", ["zip"]).unique();
        }),
        Case::new("create_index_several_columns", |op| {
            op.create_index("posts", ["author_id", "title"]);
        }),
        Case::new("create_index_expression", |op| {
            op.create_index("users", Vec::<String>::new())
                .name("ix_users_lower_email")
                .expression("lower(email)");
        })
        // MySQL 8.0.13+ has functional key parts; MariaDB has none.
        .unsupported_on(&[Dialect::Mariadb]),
        Case::new("create_index_descending", |op| {
            op.create_index(
                "posts",
                [
                    IndexKey::column("title").desc(),
                    IndexKey::column("author_id"),
                ],
            );
        }),
        Case::new("create_index_expression_between_columns", |op| {
            op.create_index(
                "users",
                [
                    IndexKey::column("zip"),
                    IndexKey::expression("lower(email)"),
                    IndexKey::column("karma").desc(),
                ],
            )
            .name("ix_users_mixed");
        })
        .unsupported_on(&[Dialect::Mariadb]),
        Case::new("create_index_nulls_order", |op| {
            op.create_index("users", [IndexKey::column("karma").desc().nulls_last()]);
        })
        .unsupported_on(&[Dialect::Sqlite, Dialect::Mysql, Dialect::Mariadb]),
        Case::new("create_index_opclass", |op| {
            op.create_index(
                "posts",
                [IndexKey::column("title").opclass("varchar_pattern_ops")],
            );
        })
        .unsupported_on(&[Dialect::Sqlite, Dialect::Mysql, Dialect::Mariadb]),
        Case::new("create_index_prefix", |op| {
            op.create_index("posts", [IndexKey::column("title").prefix(8)]);
        })
        .unsupported_on(&[Dialect::Postgres, Dialect::Sqlite]),
        // MySQL and MariaDB keep index names per table; the derived downgrade names the table.
        Case::new("create_index_name_of_another_tables_index", |op| {
            op.create_index("posts", ["title"]).name("ix_users_name");
        })
        .unsupported_on(&[Dialect::Postgres, Dialect::Sqlite]),
        Case::new("create_index_using_hash", |op| {
            op.create_index("users", ["zip"]).using("hash");
        })
        .unsupported_on(&[Dialect::Sqlite, Dialect::Mysql, Dialect::Mariadb]),
        Case::new("create_index_fulltext", |op| {
            op.create_index("posts", ["title"]).using("fulltext");
        })
        .unsupported_on(&[Dialect::Postgres, Dialect::Sqlite]),
        Case::new("create_index_unique_on_text", |op| {
            op.create_index("users", ["bio"]).unique();
        })
        // MariaDB 10.4+ enforces a long unique key through a hidden hash; MySQL needs a prefix.
        .unsupported_on(&[Dialect::Mysql]),
        Case::new("create_index_on_text", |op| {
            op.create_index("users", ["bio"]);
        })
        .unsupported_on(&[Dialect::Mysql, Dialect::Mariadb]),
        Case::new("create_index_partial", |op| {
            op.create_index("posts", ["title"])
                .filter("body IS NOT NULL");
        })
        .unsupported_on(&[Dialect::Mysql, Dialect::Mariadb]),
        // A block of ops that PostgreSQL alone runs: raw SQL and an index.
        Case::new("only_on_block", |op| {
            op.only_on(&[Dialect::Postgres], |pg| {
                pg.execute("COMMENT ON COLUMN posts.title IS 'searched by trigram'")
                    .reverse("COMMENT ON COLUMN posts.title IS NULL");
                pg.create_index("posts", [IndexKey::expression("lower(title)")])
                    .name("ix_posts_title_lower");
            });
        }),
        // Per dialect: a GIN index on PostgreSQL, a FULLTEXT one on MySQL/MariaDB, none on SQLite.
        Case::new("create_index_only_on", |op| {
            op.create_index(
                "posts",
                [IndexKey::expression("to_tsvector('english', title)")],
            )
            .name("ix_posts_title_search")
            .using("gin")
            .only_on(&[Dialect::Postgres]);
            op.create_index("posts", ["title"])
                .name("ix_posts_title_fulltext")
                .using("fulltext")
                .only_on(&[Dialect::Mysql]);
        }),
        // One revision: partial on PostgreSQL and SQLite, plain on MySQL/MariaDB.
        Case::new("create_index_partial_or_plain", |op| {
            op.create_index("posts", ["title"])
                .filter("body IS NOT NULL")
                .or_plain_elsewhere();
        }),
        // A unique index cannot fall back: uniqueness over every row is stricter.
        Case::new("create_unique_index_partial_or_plain", |op| {
            op.create_index("posts", ["title"])
                .unique()
                .filter("body IS NOT NULL")
                .or_plain_elsewhere();
        })
        .unsupported_on(&[Dialect::Mysql, Dialect::Mariadb]),
        Case::new("create_index_include", |op| {
            op.create_index("posts", ["reviewer_id"]).include(["title"]);
        }),
        Case::new("create_index_concurrently", |op| {
            op.create_index("users", ["karma"]).concurrently();
        })
        .non_transactional(),
        Case::new("create_index_concurrently_in_transaction", |op| {
            op.create_index("users", ["karma"]).concurrently();
        })
        .unsupported_on(&[Dialect::Postgres]),
        // IF NOT EXISTS on an index is MariaDB grammar; MySQL 8 has none.
        Case::new("create_index_if_not_exists", |op| {
            op.create_index("users", ["karma"]).if_not_exists();
        })
        .unsupported_on(&[Dialect::Mysql]),
        Case::new("create_index_if_not_exists_existing", |op| {
            op.create_index("users", ["name"]).if_not_exists();
        })
        .unsupported_on(&[Dialect::Mysql]),
    ]);
}

#[test]
fn drop_index_ops() {
    run(vec![
        Case::new("drop_index", |op| {
            op.drop_index("ix_users_name");
        }),
        // DROP INDEX IF EXISTS is MariaDB grammar; MySQL 8 has none.
        Case::new("drop_index_if_exists", |op| {
            op.drop_index("ix_users_name").if_exists();
        })
        .unsupported_on(&[Dialect::Mysql]),
        Case::new("drop_index_if_exists_missing", |op| {
            op.drop_index("ix_nowhere").if_exists();
        })
        .unsupported_on(&[Dialect::Mysql]),
        Case::new("drop_index_concurrently", |op| {
            op.drop_index("ix_users_name").concurrently();
        })
        .non_transactional(),
        // The only index serving posts' foreign key to users: MySQL drops the key around it.
        Case::new("drop_index_a_foreign_key_needs", |op| {
            op.drop_index("ix_posts_author_id");
        })
        .rows("posts", &["id", "author_id"]),
        // The downgrade drops a composite index that, on MySQL, became the foreign key's only
        // index when it was made (MariaDB error 1553 before).
        Case::new("create_index_a_foreign_key_comes_to_need", |op| {
            op.create_index("children", ["parent_id", "rank"]);
        })
        .on(children),
    ]);
}

#[test]
fn constraint_ops() {
    run(vec![
        Case::new("create_unique", |op| {
            op.create_unique("posts", ["author_id", "title"]);
        }),
        Case::new("create_unique_on_text", |op| {
            op.create_unique("users", ["bio"]);
        })
        .unsupported_on(&[Dialect::Mysql]),
        Case::new("create_primary_key", |op| {
            op.create_primary_key("labels", ["code"]);
        }),
        Case::new("create_foreign_key", |op| {
            op.create_foreign_key("posts", ["reviewer_id"], "users", ["id"])
                .on_delete(FkAction::SetNull)
                .on_update(FkAction::Cascade);
        }),
        Case::new("create_foreign_key_deferrable", |op| {
            op.create_foreign_key("posts", ["reviewer_id"], "users", ["id"])
                .deferrable(Deferrable::InitiallyDeferred);
        })
        .unsupported_on(&[Dialect::Mysql, Dialect::Mariadb]),
        Case::new("create_check", |op| {
            op.create_check("posts", "title_not_empty", "title <> ''");
        }),
        // A condition whose SQL differs by dialect: one check per dialect, none on SQLite.
        Case::new("create_check_on", |op| {
            op.create_check_on(
                &[Dialect::Postgres],
                "users",
                "name_letters_pg",
                "name ~ '^[A-Za-z ]*$'",
            );
            op.create_check_on(
                &[Dialect::Mysql],
                "users",
                "name_letters_my",
                "name REGEXP '^[A-Za-z ]*$'",
            );
        }),
        // A column named after a keyword, quoted portably (backticks on MySQL/MariaDB, where
        // "select" would be a string and the check always true).
        Case::new("create_check_on_a_keyword_column", |op| {
            op.create_check(
                "ballots",
                "select_nonnegative",
                &format!("{} >= 0 AND \"Order\" <> 'x'", ident("select")),
            );
        })
        .on(ballots)
        .rows("ballots", &["id", "select"]),
        Case::new("drop_constraint_primary_key", |op| {
            op.drop_constraint("tags", "pk_tags");
        }),
        Case::new("drop_constraint_unique", |op| {
            op.drop_constraint("users", "uq_users_email");
        }),
        Case::new("drop_constraint_foreign_key", |op| {
            op.drop_constraint("posts", "fk_posts_author_id_users");
        }),
        Case::new("drop_constraint_check", |op| {
            op.drop_constraint("users", "ck_users_karma_nonnegative");
        }),
    ]);
}

#[test]
fn enum_ops() {
    run(vec![
        Case::new("create_enum_with_column", |op| {
            op.create_enum("mood", ["happy", "sad"]);
            op.add_column("users", "mood", Type::enumeration("mood"));
        }),
        Case::new("add_enum_value_end", |op| {
            op.add_enum_value("mood", "angry");
        })
        .on(moods),
        Case::new("add_enum_value_before", |op| {
            op.add_enum_value("mood", "tired").before("sad");
        })
        .on(moods),
        Case::new("add_enum_value_after", |op| {
            op.add_enum_value("mood", "calm").after("happy");
        })
        .on(moods),
        Case::new("rename_enum_value", |op| {
            op.rename_enum_value("mood", "happy", "glad");
        })
        .on(moods)
        .rows("people", &["id", "mood"]),
        // `happy` is the default of people.mood: what restates the default later must say `glad`.
        Case::new("rename_enum_value_then_drop_enum_value", |op| {
            op.rename_enum_value("mood", "happy", "glad");
            op.drop_enum_value("mood", "meh");
        })
        .on(moods)
        .rows("people", &["id", "mood"]),
        Case::new("drop_enum_value", |op| {
            op.drop_enum_value("mood", "meh");
        })
        .on(moods)
        .rows("people", &["id", "mood"]),
        Case::new("drop_enum", |op| {
            op.drop_enum("color");
        })
        .on(moods),
    ]);
}

/// The blog with a sequence whose every option differs from the default, drawn from by a
/// default of posts.invoice_no.
fn invoice_numbers(op: &mut Ops) {
    blog(op);
    op.create_sequence("invoice_numbers")
        .start(1000)
        .min_value(10)
        .max_value(99_999)
        .cache(20)
        .cycle();
    op.add_column("posts", "invoice_no", Type::BigInt)
        .default_expr_per_dialect(
            "nextval('invoice_numbers')",
            &[(Dialect::Mariadb, "nextval(invoice_numbers)")],
        );
}

#[test]
fn sequence_ops() {
    run(vec![
        // A default draws from the new sequence; MySQL and SQLite have no sequences.
        Case::new("create_sequence", |op| {
            op.create_sequence("invoice_numbers")
                .start(1000)
                .increment(1)
                .cache(20);
            op.add_column("posts", "invoice_no", Type::BigInt)
                .default_expr_per_dialect(
                    "nextval('invoice_numbers')",
                    &[(Dialect::Mariadb, "NEXT VALUE FOR invoice_numbers")],
                );
        })
        .unsupported_on(&[Dialect::Sqlite, Dialect::Mysql]),
        Case::new("create_sequence_descending", |op| {
            op.create_sequence("countdown")
                .increment(-1)
                .min_value(-1000)
                .max_value(-10)
                .cycle();
        })
        .unsupported_on(&[Dialect::Sqlite, Dialect::Mysql]),
        // The derived downgrade creates it again with every option.
        Case::new("drop_sequence", |op| {
            op.alter_column("posts", "invoice_no").drop_default();
            op.drop_sequence("invoice_numbers");
        })
        .on(invoice_numbers)
        .skip_on(&[Dialect::Sqlite])
        .unsupported_on(&[Dialect::Mysql]),
        Case::new("alter_sequence", |op| {
            op.alter_sequence("invoice_numbers")
                .increment(10)
                .max_value(1_000_000)
                .cache(5)
                .cycle(false);
        })
        .on(invoice_numbers)
        .skip_on(&[Dialect::Sqlite])
        .unsupported_on(&[Dialect::Mysql]),
        // No default draws from this one (the replay refuses a rename while one does).
        Case::new("rename_sequence", |op| {
            op.rename_sequence("ticket_numbers", "tickets");
        })
        .on(|op| {
            blog(op);
            op.create_sequence("ticket_numbers").start(5).cache(3);
        })
        .skip_on(&[Dialect::Sqlite])
        .unsupported_on(&[Dialect::Mysql]),
        // Back to the defaults; the downgrade sets the options again.
        Case::new("alter_sequence_to_defaults", |op| {
            op.alter_sequence("invoice_numbers")
                .no_min_value()
                .no_max_value()
                .default_cache()
                .default_start()
                .cycle(false);
        })
        .on(invoice_numbers)
        .skip_on(&[Dialect::Sqlite])
        .unsupported_on(&[Dialect::Mysql]),
    ]);
}

#[test]
fn data_ops() {
    run(vec![
        Case::new("bulk_insert", |op| {
            op.bulk_insert(
                "users",
                ["id", "email", "name", "karma"],
                [
                    row![10, "dee@example.com", "Dee", 1],
                    row![11, "eve@example.com", None::<&str>, 2],
                ],
            );
        })
        .rows("users", &["id", "email", "name", "karma"]),
        // Rows that some dialects alone get (issue 16): the derived downgrade deletes them on
        // those dialects only.
        Case::new("bulk_insert_only_on", |op| {
            op.only_on(&[Dialect::Postgres, Dialect::Sqlite], |op| {
                op.bulk_insert(
                    "users",
                    ["id", "email", "name", "karma"],
                    [row![10, "dee@example.com", "Dee", 1]],
                );
            });
            op.only_on(&[Dialect::Mysql], |op| {
                op.bulk_insert(
                    "users",
                    ["id", "email", "name", "karma"],
                    [row![20, "my@example.com", "My", 2]],
                );
            });
        })
        .rows("users", &["id", "email", "name", "karma"]),
        Case::new("update_with_explicit_downgrade", |op| {
            op.update("users")
                .set_expr("karma", "karma + 10")
                .filter("id <= 2");
        })
        .downgrade(|op| {
            op.update("users")
                .set_expr("karma", "karma - 10")
                .filter("id <= 2");
        })
        .rows("users", &["id", "karma"]),
        // Typed values (issue 16): the derived downgrade deletes the rows by their values, so
        // each must compare equal to what the database stored.
        Case::new("bulk_insert_typed_values", |op| {
            op.bulk_insert("readings", READING_COLUMNS, [reading(3), reading(4)]);
        })
        .on(readings)
        .rows("readings", &READING_COLUMNS),
        Case::new("update_typed_values", |op| {
            op.update("readings")
                .set("money", Value::decimal("-0.01"))
                .set("day", Value::date("2025-12-31"))
                .set("at", Value::time("00:00:00.5"))
                .set("stamp", Value::timestamp("2025-12-31 23:59:59.999"))
                .set("seen_at", Value::timestamp_tz("2025-12-31 23:00:00Z"))
                .set("logged", Value::timestamp("2025-12-31 00:00:00"))
                .set("uid", Value::uuid("00000000-0000-0000-0000-000000000000"))
                .set("doc", Value::json("[null]"))
                .filter("id = 2");
        })
        .downgrade(|op| {
            op.update("readings")
                .set("money", Value::Null)
                .set("day", Value::Null)
                .set("at", Value::Null)
                .set("stamp", Value::Null)
                .set("seen_at", Value::Null)
                .set("logged", Value::Null)
                .set("uid", Value::Null)
                .set("doc", Value::Null)
                .filter("id = 2");
        })
        .on(readings)
        .rows("readings", &READING_COLUMNS),
        Case::new("execute_with_reverse", |op| {
            op.execute("CREATE TABLE audit_log (id INTEGER NOT NULL, note VARCHAR(100))")
                .reverse("DROP TABLE audit_log");
        }),
    ]);
}
