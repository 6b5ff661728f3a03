//! `cargo schema lint`: a safety review of the operations that lock or rewrite a table the
//! application is using, or that break the code running against it.
//!
//! Each op is judged as it is typed, together with the schema the replay of every earlier op
//! gives ([`Schema`]): whether its table existed before the revision (a table created in the
//! same revision is empty and unused, so nothing on it is risky), what a column's type was
//! before `set_type`, whether an index is the table's first FULLTEXT one. No SQL is parsed,
//! except that a default expression is looked at for the names of volatile functions.
//!
//! ```
//! use schema_runtime::prelude::*;
//! use schema_runtime::{lint, Dialect, Migrator, Revision};
//!
//! let migrator = Migrator::new(vec![
//!     Revision::new("0001", &[], "users", |op| {
//!         op.create_table("users", |t| {
//!             t.column("id", Type::BigInt).primary_key();
//!             t.column("email", Type::Text);
//!         });
//!         op.create_index("users", ["email"]); // a new table: fine
//!     }),
//!     Revision::new("0002", &["0001"], "index", |op| {
//!         op.create_index("users", ["id", "email"]); // blocks writes to users while it builds
//!     }),
//! ])
//! .unwrap();
//! let findings = lint::lint(&migrator, &[Dialect::Postgres], None).unwrap();
//! assert_eq!(findings.len(), 1);
//! assert_eq!(findings[0].rule.id, "add-index-without-concurrently");
//! assert_eq!(findings[0].revision, "0002");
//! ```
//!
//! A revision may break a rule on purpose: `#[migration(.., allow_lint = ["rename-column"])]`
//! ([`Revision::allow_lint`]) keeps its findings of that rule, marked
//! [`allowed`](Finding::allowed), out of the verdict.

use std::collections::HashSet;
use std::fmt::{self, Write as _};

use crate::migrator::{Migrator, PlanError};
use crate::ops::{AlterColumn, ColumnDef, Constraint, EnumPosition, Op};
use crate::revision::Revision;
use crate::state::Schema;
use crate::types::{ServerDefault, Type};
use crate::Dialect;

/// How bad breaking a rule is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Cannot be judged from the ops (raw SQL): shown, never fails the lint.
    Info,
    /// Risky in some deployments: shown, does not fail the lint.
    Warning,
    /// Locks or rewrites a table in use, or breaks running code: fails the lint.
    Error,
}

impl Severity {
    /// `error`, `warning` or `info`.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One lint rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Kebab-case id, as `allow_lint` names it (`add-index-without-concurrently`).
    pub id: &'static str,
    /// How bad breaking it is.
    pub severity: Severity,
    /// The dialects where the op is risky.
    pub dialects: &'static [Dialect],
    /// Why the op is risky, one line.
    pub reason: &'static str,
    /// What to do instead.
    pub instead: &'static str,
    /// A migration line that breaks the rule (on a table that exists before the revision).
    pub bad: &'static str,
    /// The same change done safely.
    pub good: &'static str,
}

const POSTGRES: &[Dialect] = &[Dialect::Postgres];
const POSTGRES_SQLITE: &[Dialect] = &[Dialect::Postgres, Dialect::Sqlite];
const POSTGRES_MYSQL: &[Dialect] = &[Dialect::Postgres, Dialect::Mysql, Dialect::Mariadb];
const MYSQL: &[Dialect] = &[Dialect::Mysql, Dialect::Mariadb];
const POSTGRES_MARIADB: &[Dialect] = &[Dialect::Postgres, Dialect::Mariadb];
const ALL: &[Dialect] = &Dialect::ALL;

/// Every rule, in the order of [`schema_core::lint::RULE_IDS`].
pub const RULES: [Rule; 30] = [
    Rule {
        id: "add-index-without-concurrently",
        severity: Severity::Error,
        dialects: POSTGRES,
        reason: "CREATE INDEX without CONCURRENTLY holds a SHARE lock that blocks every write to the table until the index is built",
        instead: "build it with `.concurrently()` in a revision of its own marked `transactional = false` (a table created in the same revision needs nothing)",
        bad: r#"op.create_index("posts", ["slug"]);"#,
        good: r#"op.create_index("posts", ["slug"]).concurrently(); // #[migration(.., transactional = false)]"#,
    },
    Rule {
        id: "drop-index-without-concurrently",
        severity: Severity::Warning,
        dialects: POSTGRES,
        reason: "DROP INDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the table, queueing every read and write behind the longest running query",
        instead: "drop it with `.concurrently()` in a revision of its own marked `transactional = false`",
        bad: r#"op.drop_index("ix_posts_slug");"#,
        good: r#"op.drop_index("ix_posts_slug").concurrently(); // #[migration(.., transactional = false)]"#,
    },
    Rule {
        id: "add-unique-constraint",
        severity: Severity::Error,
        dialects: POSTGRES,
        reason: "adding a UNIQUE constraint builds its index under an ACCESS EXCLUSIVE lock: no reads or writes until the whole table is scanned",
        instead: "build a unique index concurrently (`create_index(..).unique().concurrently()`, `transactional = false`); to have the constraint too, attach it with raw SQL `ALTER TABLE t ADD CONSTRAINT c UNIQUE USING INDEX ix`",
        bad: r#"op.create_unique("users", ["email"]);"#,
        good: r#"op.create_index("users", ["email"]).unique().concurrently(); // transactional = false"#,
    },
    Rule {
        id: "add-primary-key",
        severity: Severity::Error,
        dialects: POSTGRES,
        reason: "adding a primary key to an existing table builds its index (and checks NOT NULL) under an ACCESS EXCLUSIVE lock",
        instead: "build a unique index concurrently first (`transactional = false`), then attach it with raw SQL `ALTER TABLE t ADD CONSTRAINT pk PRIMARY KEY USING INDEX ix`",
        bad: r#"op.create_primary_key("events", ["id"]);"#,
        good: r#"op.create_index("events", ["id"]).unique().concurrently(); // then ADD CONSTRAINT .. PRIMARY KEY USING INDEX"#,
    },
    Rule {
        id: "add-foreign-key",
        severity: Severity::Warning,
        dialects: POSTGRES,
        reason: "adding a foreign key validates every row while holding a SHARE ROW EXCLUSIVE lock on both tables, blocking their writes",
        instead: "the builder has no NOT VALID option: add it with raw SQL in two steps, `ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (..) REFERENCES r (..) NOT VALID`, then `ALTER TABLE t VALIDATE CONSTRAINT fk` in a later revision (the replay does not see raw SQL)",
        bad: r#"op.create_foreign_key("posts", ["author_id"], "users", ["id"]);"#,
        good: r#"op.execute("ALTER TABLE posts ADD CONSTRAINT fk_posts_author FOREIGN KEY (author_id) REFERENCES users (id) NOT VALID").reverse(".."); // VALIDATE later"#,
    },
    Rule {
        id: "add-check-constraint",
        severity: Severity::Warning,
        dialects: POSTGRES,
        reason: "adding a CHECK constraint scans the whole table under an ACCESS EXCLUSIVE lock",
        instead: "the builder has no NOT VALID option: add it with raw SQL `ALTER TABLE t ADD CONSTRAINT ck CHECK (..) NOT VALID`, then `ALTER TABLE t VALIDATE CONSTRAINT ck` in a later revision",
        bad: r#"op.create_check("posts", "ck_title", "length(title) > 0");"#,
        good: r#"op.execute("ALTER TABLE posts ADD CONSTRAINT ck_title CHECK (length(title) > 0) NOT VALID").reverse(".."); // VALIDATE later"#,
    },
    Rule {
        id: "set-not-null",
        severity: Severity::Error,
        dialects: POSTGRES,
        reason: "SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock to prove no row is NULL",
        instead: "add `CHECK (col IS NOT NULL) NOT VALID` with raw SQL, `VALIDATE CONSTRAINT` it in a later revision, then `set_not_null` (PostgreSQL 12+ skips the scan) and drop the check",
        bad: r#"op.alter_column("users", "email").set_not_null();"#,
        good: r#"op.execute("ALTER TABLE users ADD CONSTRAINT ck_email_nn CHECK (email IS NOT NULL) NOT VALID").reverse(".."); // VALIDATE, then set_not_null"#,
    },
    Rule {
        id: "change-column-type",
        severity: Severity::Error,
        dialects: POSTGRES,
        reason: "changing a column's type rewrites the table and its indexes under an ACCESS EXCLUSIVE lock (only widening a varchar, varchar to text, or a larger numeric precision are free)",
        instead: "add a column of the new type, backfill it in batches, switch the application to it, then drop the old one",
        bad: r#"op.alter_column("events", "id").set_type(Type::BigInt); // integer -> bigint"#,
        good: r#"op.alter_column("users", "name").set_type(Type::String(200)); // varchar(100) -> varchar(200)"#,
    },
    Rule {
        id: "add-not-null-column-without-default",
        severity: Severity::Error,
        dialects: POSTGRES_SQLITE,
        reason: "a NOT NULL column without a default cannot be added to a table that has rows: the statement fails",
        instead: "give it a default (`.not_null().default(..)`), or add it nullable, backfill it, then make it NOT NULL",
        bad: r#"op.add_column("users", "plan", Type::Text).not_null();"#,
        good: r#"op.add_column("users", "plan", Type::Text).not_null().default("free");"#,
    },
    Rule {
        id: "add-column-volatile-default",
        severity: Severity::Error,
        dialects: POSTGRES,
        reason: "a column whose default calls a volatile function (random(), gen_random_uuid(), clock_timestamp(), nextval()) is computed row by row: the table is rewritten under an ACCESS EXCLUSIVE lock",
        instead: "add the column without a default (or with a constant one), set the volatile default with `set_default_expr` in a second step, and backfill existing rows in batches",
        bad: r#"op.add_column("users", "token", Type::Uuid).default_expr("gen_random_uuid()");"#,
        good: r#"op.add_column("users", "token", Type::Uuid); op.alter_column("users", "token").set_default_expr("gen_random_uuid()");"#,
    },
    Rule {
        id: "add-identity-column",
        severity: Severity::Error,
        dialects: POSTGRES_MYSQL,
        reason: "adding an identity / auto-increment column numbers every existing row: PostgreSQL rewrites the table under an ACCESS EXCLUSIVE lock, MySQL/MariaDB rebuild it without concurrent writes",
        instead: "add a nullable column, backfill it in batches from a sequence, then make it the key; or create a new table and copy",
        bad: r#"op.add_column("events", "seq", Type::BigInt).identity();"#,
        good: r#"op.add_column("events", "seq", Type::BigInt); // backfill in batches"#,
    },
    Rule {
        id: "add-stored-generated-column",
        severity: Severity::Error,
        dialects: POSTGRES_MYSQL,
        reason: "adding a STORED generated column computes it for every existing row: PostgreSQL rewrites the table under an ACCESS EXCLUSIVE lock, MySQL/MariaDB copy the table (no in-place algorithm)",
        instead: "on MySQL/MariaDB add it VIRTUAL (computed on read, added in place); on PostgreSQL add a plain nullable column and backfill it in batches, or declare the generated column when the table is created",
        bad: r#"op.add_column("users", "name_lower", Type::String(100)).generated_stored("lower(name)");"#,
        good: r#"op.add_column("users", "name_lower", Type::String(100)).generated_virtual("lower(name)");"#,
    },
    Rule {
        id: "add-enum-value-in-transaction",
        severity: Severity::Warning,
        dialects: POSTGRES,
        reason: "ALTER TYPE .. ADD VALUE cannot run inside a transaction before PostgreSQL 12, and since 12 the new value cannot be used until the transaction commits",
        instead: "add the value in a revision of its own marked `transactional = false`",
        bad: r#"op.add_enum_value("mood", "ecstatic"); // in a transactional revision"#,
        good: r#"op.add_enum_value("mood", "ecstatic"); // #[migration(.., transactional = false)]"#,
    },
    Rule {
        id: "drop-enum-value",
        severity: Severity::Error,
        dialects: POSTGRES_MYSQL,
        reason: "removing an enum value rewrites every column of the type: PostgreSQL recreates the type and rewrites each table under an ACCESS EXCLUSIVE lock, MySQL/MariaDB copy each table",
        instead: "stop writing the value and leave it in the type; or move the column to a new type with a new column and a backfill",
        bad: r#"op.drop_enum_value("mood", "meh");"#,
        good: r#"// keep the value; the application stops writing it"#,
    },
    Rule {
        id: "backfill-in-ddl-transaction",
        severity: Severity::Warning,
        dialects: POSTGRES,
        reason: "an update in the same transaction as a schema change keeps the schema change's lock for the whole backfill",
        instead: "put the backfill in a revision of its own, after the schema change (and batch it for large tables)",
        bad: r#"op.add_column("users", "plan", Type::Text); op.update("users").set("plan", "free");"#,
        good: r#"op.add_column("users", "plan", Type::Text); // then a second revision: op.update("users").set("plan", "free");"#,
    },
    Rule {
        id: "rename-column",
        severity: Severity::Error,
        dialects: ALL,
        reason: "the application's running code still reads and writes the old column name: every query naming it fails from the moment of the rename until the new code is deployed",
        instead: "add the new column, write both, backfill, move reads to the new one, then drop the old one (or keep the old name and map it in the application)",
        bad: r#"op.alter_column("users", "name").rename_to("display_name");"#,
        good: r#"op.add_column("users", "display_name", Type::String(100)); // write both, backfill, then drop "name""#,
    },
    Rule {
        id: "rename-table",
        severity: Severity::Error,
        dialects: ALL,
        reason: "the application's running code still names the old table: every query on it fails until the new code is deployed",
        instead: "create the new table, write to both, backfill, switch reads, then drop the old one (or keep the old name, or leave a view under it with raw SQL)",
        bad: r#"op.rename_table("posts", "articles");"#,
        good: r#"op.create_table("articles", |t| { .. }); // write both, backfill, then drop "posts""#,
    },
    Rule {
        id: "rename-enum-value",
        severity: Severity::Error,
        dialects: ALL,
        reason: "the application's running code still writes the old value, which the type no longer has; MySQL/MariaDB also copy every table with a column of the type (ALGORITHM=COPY)",
        instead: "add the new value (at the end), move the rows and the code to it, then stop using the old one (leave it in the type)",
        bad: r#"op.rename_enum_value("mood", "sad", "blue");"#,
        good: r#"op.add_enum_value("mood", "blue"); // backfill, switch the code, keep "sad" unused"#,
    },
    Rule {
        id: "rename-sequence",
        severity: Severity::Error,
        dialects: POSTGRES_MARIADB,
        reason: "the application's running code still draws from the old name (nextval('..'), NEXT VALUE FOR ..): every such query fails until the new code is deployed",
        instead: "create the new sequence starting past the old one's current value, switch the code and defaults to it, then drop the old one in a later release",
        bad: r#"op.rename_sequence("invoice_numbers", "invoice_serials");"#,
        good: r#"op.create_sequence("invoice_serials").start(1_000_000); // switch the code, then drop "invoice_numbers" later"#,
    },
    Rule {
        id: "drop-column",
        severity: Severity::Error,
        dialects: ALL,
        reason: "the application's running code may still read or write the column (an ORM selecting every column does): its queries fail until the new code is deployed",
        instead: "deploy code that no longer uses the column first, then drop it in a later release and allow this rule there (`allow_lint = [\"drop-column\"]`)",
        bad: r#"op.drop_column("users", "bio");"#,
        good: r#"op.drop_column("users", "bio"); // #[migration(.., allow_lint = ["drop-column"])], after the code stopped using it"#,
    },
    Rule {
        id: "drop-table",
        severity: Severity::Error,
        dialects: ALL,
        reason: "the application's running code may still use the table, and its rows are gone for good",
        instead: "deploy code that no longer uses the table first (and keep a backup), then drop it in a later release and allow this rule there (`allow_lint = [\"drop-table\"]`)",
        bad: r#"op.drop_table("legacy_sessions");"#,
        good: r#"op.drop_table("legacy_sessions"); // #[migration(.., allow_lint = ["drop-table"])], after the code stopped using it"#,
    },
    Rule {
        id: "drop-sequence",
        severity: Severity::Error,
        dialects: POSTGRES_MARIADB,
        reason: "the application's running code and column defaults (nextval) may still draw from the sequence, and its current value is gone: the derived downgrade creates it again at its start, handing out numbers already used",
        instead: "deploy code that no longer draws from the sequence and drop the defaults that use it first, then drop it in a later release and allow this rule there (`allow_lint = [\"drop-sequence\"]`)",
        bad: r#"op.drop_sequence("invoice_numbers");"#,
        good: r#"op.drop_sequence("invoice_numbers"); // #[migration(.., allow_lint = ["drop-sequence"])], after nothing draws from it"#,
    },
    Rule {
        id: "downgrade-deletes-cascade",
        severity: Severity::Warning,
        dialects: ALL,
        reason: "the derived downgrade of a bulk_insert deletes its rows, and ON DELETE CASCADE then deletes every row of the referencing tables that points at them, including rows written after the upgrade",
        instead: "write an explicit downgrade that keeps the rows (or deletes only what is safe), or make the referencing foreign keys RESTRICT",
        bad: r#"op.bulk_insert("users", ["id", "name"], [row![1, "system"]]); // posts.author_id references users ON DELETE CASCADE"#,
        good: r#"op.bulk_insert("legacy_sessions", ["id"], [row![1]]); // nothing references it"#,
    },
    Rule {
        id: "raw-sql",
        severity: Severity::Info,
        dialects: ALL,
        reason: "raw SQL cannot be judged: lint does not parse it, so its locks and rewrites are not reviewed",
        instead: "review the statement by hand (lock level, table rewrite, duration); use typed ops where one exists",
        bad: r#"op.execute("ALTER TABLE users ALTER COLUMN id TYPE bigint");"#,
        good: r#"op.alter_column("users", "id").set_type(Type::BigInt); // typed: lint judges it"#,
    },
    Rule {
        id: "mysql-change-column-type",
        severity: Severity::Error,
        dialects: MYSQL,
        reason: "changing a column's type (or making it auto-increment) runs ALTER TABLE with ALGORITHM=COPY: the table is copied row by row and writes are blocked meanwhile (only widening a VARCHAR within the same length-byte size is in place)",
        instead: "use an online schema change tool (gh-ost, pt-online-schema-change), or add a new column, backfill it, and switch to it",
        bad: r#"op.alter_column("events", "id").set_type(Type::BigInt);"#,
        good: r#"op.alter_column("users", "name").set_type(Type::String(60)); // VARCHAR(50) -> VARCHAR(60): in place"#,
    },
    Rule {
        id: "mysql-change-nullability",
        severity: Severity::Warning,
        dialects: MYSQL,
        reason: "changing a column to NOT NULL or NULL rebuilds the table in place: concurrent writes are allowed but the rebuild reads and writes the whole table",
        instead: "run it at a quiet time, or with an online schema change tool for large tables; enforce NOT NULL in the application meanwhile",
        bad: r#"op.alter_column("users", "email").set_not_null();"#,
        good: r#"op.add_column("users", "plan", Type::Text).not_null().default("free"); // decided when the column is added"#,
    },
    Rule {
        id: "mysql-drop-primary-key",
        severity: Severity::Error,
        dialects: MYSQL,
        reason: "dropping a primary key without adding another in the same statement copies the table (ALGORITHM=COPY), blocking writes",
        instead: "replace the key in one statement with raw SQL (`ALTER TABLE t DROP PRIMARY KEY, ADD PRIMARY KEY (..)`, in place), or use an online schema change tool",
        bad: r#"op.drop_constraint("events", "pk_events");"#,
        good: r#"op.execute("ALTER TABLE events DROP PRIMARY KEY, ADD PRIMARY KEY (id, at)").reverse("..");"#,
    },
    Rule {
        id: "mysql-add-foreign-key",
        severity: Severity::Error,
        dialects: MYSQL,
        reason: "with foreign_key_checks on (the default), adding a foreign key copies the table (ALGORITHM=COPY), blocking writes",
        instead: "add it with raw SQL with the checks off: `SET foreign_key_checks = 0`, `ALTER TABLE t ADD CONSTRAINT fk .., ALGORITHM=INPLACE`, `SET foreign_key_checks = 1` (existing rows are then not checked: check them first)",
        bad: r#"op.create_foreign_key("posts", ["author_id"], "users", ["id"]);"#,
        good: r#"op.execute("SET foreign_key_checks = 0; ALTER TABLE posts ADD CONSTRAINT fk_posts_author FOREIGN KEY (author_id) REFERENCES users (id), ALGORITHM=INPLACE; SET foreign_key_checks = 1").reverse("..");"#,
    },
    Rule {
        id: "mysql-fulltext-index",
        severity: Severity::Error,
        dialects: MYSQL,
        reason: "the first FULLTEXT index of a table rebuilds it (adding the hidden FTS_DOC_ID column) and no FULLTEXT index build allows concurrent writes",
        instead: "create the FULLTEXT index when the table is created, or build it at a quiet time / with an online schema change tool",
        bad: r#"op.create_index("documents", ["body"]).using("fulltext");"#,
        good: r#"op.create_table("documents", |t| { .. }); op.create_index("documents", ["body"]).using("fulltext"); // same revision"#,
    },
    Rule {
        id: "mysql-enum-value-not-at-end",
        severity: Severity::Error,
        dialects: MYSQL,
        reason: "inserting an ENUM value anywhere but at the end renumbers the values: every table with a column of the type is copied (ALGORITHM=COPY)",
        instead: "add the value at the end (no `.before(..)` / `.after(..)` other than after the last value): that is in place",
        bad: r#"op.add_enum_value("mood", "meh").before("happy");"#,
        good: r#"op.add_enum_value("mood", "meh");"#,
    },
];

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// One op of one revision that breaks a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule.
    pub rule: &'static Rule,
    /// The revision's id.
    pub revision: String,
    /// The op's position in the revision's upgrade, from 1.
    pub op_index: usize,
    /// The op as messages name it ([`Op::describe`]): `create_index(ix_posts_slug)`.
    pub op: String,
    /// What this op does that the rule is about.
    pub message: String,
    /// The dialects linted on which the rule applies.
    pub dialects: Vec<Dialect>,
    /// The revision allows the rule (`allow_lint`): reported, not counted.
    pub allowed: bool,
}

impl Finding {
    /// An error-severity finding its revision does not allow: what fails the lint.
    pub fn fails(&self) -> bool {
        self.rule.severity == Severity::Error && !self.allowed
    }
}

impl fmt::Display for Finding {
    /// The human block: a header line, then the message, why and what instead.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let dialects: Vec<&str> = self.dialects.iter().map(|d| d.name()).collect();
        write!(
            f,
            "{}[{}]: {} in revision `{}` (op {}, {})",
            self.rule.severity,
            self.rule.id,
            self.op,
            self.revision,
            self.op_index,
            dialects.join(", ")
        )?;
        if self.allowed {
            f.write_str(", allowed by allow_lint")?;
        }
        write!(
            f,
            "\n  {}\n  why: {}\n  instead: {}",
            self.message, self.rule.reason, self.rule.instead
        )
    }
}

/// The counts of a lint.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Error findings not allowed.
    pub errors: usize,
    /// Warning findings not allowed.
    pub warnings: usize,
    /// Info findings not allowed.
    pub infos: usize,
    /// Findings of any severity that their revision allows.
    pub allowed: usize,
}

impl Summary {
    /// Counts `findings`.
    pub fn of(findings: &[Finding]) -> Self {
        let mut summary = Summary::default();
        for f in findings {
            match (f.allowed, f.rule.severity) {
                (true, _) => summary.allowed += 1,
                (false, Severity::Error) => summary.errors += 1,
                (false, Severity::Warning) => summary.warnings += 1,
                (false, Severity::Info) => summary.infos += 1,
            }
        }
        summary
    }

    /// Whether the lint passes (no error that is not allowed).
    pub fn passed(&self) -> bool {
        self.errors == 0
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        write!(
            f,
            "{}, {}, {} ({} allowed by allow_lint)",
            plural(self.errors, "error"),
            plural(self.warnings, "warning"),
            plural(self.infos, "info"),
            self.allowed
        )
    }
}

/// The human report of `findings`: one block per finding, a blank line between blocks, then
/// the summary line.
pub fn report(findings: &[Finding]) -> String {
    let mut out = String::new();
    for finding in findings {
        let _ = writeln!(out, "{finding}\n");
    }
    let _ = write!(out, "{}", Summary::of(findings));
    out
}

/// Lints the revisions of `range` (`A:B` as `history -r` takes it, or one revision; `None`:
/// every revision) for `dialects`: every revision is replayed in graph order, and each op of a
/// revision in the range is judged against the schema just before it. Findings come in graph
/// order, then op order; a rule none of whose dialects is linted is not checked.
///
/// An op that does not fit the schema is replayed as far as it goes, as
/// [`Migrator::check`] does (which reports it); only an invalid range is an error.
pub fn lint(
    migrator: &Migrator,
    dialects: &[Dialect],
    range: Option<&str>,
) -> Result<Vec<Finding>, PlanError> {
    let linted: Vec<&str> = revisions_in(migrator, range)?;
    let linted: HashSet<&str> = linted.into_iter().collect();
    let order = migrator.graph().topological();
    let mut schema = Schema::default();
    let mut findings = Vec::new();
    for id in order {
        let Some(revision) = migrator.revision(id) else {
            continue;
        };
        if linted.contains(id) {
            findings.extend(judge(revision, &mut schema, dialects));
        } else {
            for op in &revision.upgrade {
                let _ = schema.apply(op);
            }
        }
    }
    Ok(findings)
}

/// The `allow_lint` entries of the revisions of `range` that allow nothing in `findings` (the
/// findings of [`lint`] over the same range and `dialects`): `(revision, rule id)`, in graph
/// order. A rule none of whose dialects is linted is not reported: it could not have fired.
pub fn unused_allows(
    migrator: &Migrator,
    dialects: &[Dialect],
    range: Option<&str>,
    findings: &[Finding],
) -> Result<Vec<(String, String)>, PlanError> {
    let mut unused = Vec::new();
    for id in revisions_in(migrator, range)? {
        let Some(header) = migrator.header(id) else {
            continue;
        };
        for allowed in &header.allow_lint {
            let applies =
                rule(allowed).is_some_and(|r| r.dialects.iter().any(|d| dialects.contains(d)));
            let used = findings
                .iter()
                .any(|f| f.revision == id && f.rule.id == allowed.as_str());
            if applies && !used {
                unused.push((id.to_owned(), allowed.clone()));
            }
        }
    }
    Ok(unused)
}

/// The revisions of `range` (as [`lint`] takes it), in graph order (oldest first).
pub fn revisions_in<'m>(
    migrator: &'m Migrator,
    range: Option<&str>,
) -> Result<Vec<&'m str>, PlanError> {
    let graph = migrator.graph();
    let order = graph.topological();
    let chosen: HashSet<&str> = match range {
        Some(range) if range.contains(':') => graph.range(range, &[])?.into_iter().collect(),
        Some(one) => [graph.resolve(one)?].into_iter().collect(),
        None => return Ok(order),
    };
    Ok(order.into_iter().filter(|id| chosen.contains(id)).collect())
}

/// The findings of one revision whose upgrade runs on `before` (the schema every earlier
/// revision built), for `dialects`.
pub fn lint_revision(revision: &Revision, before: &Schema, dialects: &[Dialect]) -> Vec<Finding> {
    judge(revision, &mut before.clone(), dialects)
}

/// The findings of `revision` over `schema`, which is left as the revision leaves it (every op
/// replayed as far as it fits).
fn judge(revision: &Revision, schema: &mut Schema, dialects: &[Dialect]) -> Vec<Finding> {
    let mut judge = Judge {
        revision,
        dialects,
        schema,
        fresh_tables: HashSet::new(),
        fresh_columns: HashSet::new(),
        fresh_indexes: HashSet::new(),
        fresh_enums: HashSet::new(),
        fresh_sequences: HashSet::new(),
        findings: Vec::new(),
        backfills: Vec::new(),
        ddl: None,
        op_index: 0,
        op: String::new(),
        only_on: Vec::new(),
    };
    for (i, op) in revision.upgrade.iter().enumerate() {
        judge.op_index = i + 1;
        judge.op = op.describe();
        judge.only_on = only_on(op, judge.schema);
        judge.op(op);
        judge.remember(op);
        let _ = judge.schema.apply(op);
    }
    judge.backfills();
    judge.findings.sort_by_key(|f| f.op_index);
    judge.findings
}

/// The state of one revision's review.
struct Judge<'a> {
    revision: &'a Revision,
    dialects: &'a [Dialect],
    /// The schema before the op under review.
    schema: &'a mut Schema,
    /// Tables created by this revision (by their current name): nothing uses them yet.
    fresh_tables: HashSet<String>,
    /// `(table, column)` added by this revision to an existing table.
    fresh_columns: HashSet<(String, String)>,
    /// `(table, index)` created by this revision.
    fresh_indexes: HashSet<(String, String)>,
    /// Enum types created by this revision.
    fresh_enums: HashSet<String>,
    /// Sequences created by this revision.
    fresh_sequences: HashSet<String>,
    findings: Vec<Finding>,
    /// `update`s of existing tables: (op index, op, table, the dialects it runs on).
    backfills: Vec<(usize, String, String, Vec<Dialect>)>,
    /// The first schema change of an existing table in this revision.
    ddl: Option<String>,
    op_index: usize,
    op: String,
    /// The dialects the op under review renders on (an index, check, raw SQL or data change
    /// `only_on` some); empty: every dialect.
    only_on: Vec<Dialect>,
}

/// The dialects `op` renders on, when it is an index, a check, raw SQL or a data change that
/// only some have (`only_on`).
fn only_on(op: &Op, schema: &Schema) -> Vec<Dialect> {
    match op {
        Op::CreateIndex { index, .. } => index.only_on.clone(),
        Op::DropIndex { name, table, .. } => schema
            .index_on(table.as_deref(), name)
            .map(|i| i.only_on.clone())
            .unwrap_or_default(),
        Op::AddConstraint {
            constraint: Constraint::Check(ck),
            ..
        } => ck.only_on.clone(),
        Op::Sql(raw) => raw.only_on.clone(),
        Op::BulkInsert { only_on, .. }
        | Op::DeleteRows { only_on, .. }
        | Op::Update { only_on, .. } => only_on.clone(),
        _ => Vec::new(),
    }
}

impl Judge<'_> {
    /// Records a finding of rule `id` on the op under review, if one of its dialects is linted.
    fn flag(&mut self, id: &str, message: String) {
        self.flag_at(id, self.op_index, self.op.clone(), message);
    }

    fn flag_at(&mut self, id: &str, op_index: usize, op: String, message: String) {
        let rule = rule(id).expect("a rule of RULES");
        let dialects: Vec<Dialect> = rule
            .dialects
            .iter()
            .copied()
            .filter(|d| self.dialects.contains(d))
            .filter(|d| crate::ops::listed(&self.only_on, *d))
            .collect();
        if dialects.is_empty() {
            return;
        }
        self.findings.push(Finding {
            rule,
            revision: self.revision.id.clone(),
            op_index,
            op,
            message,
            dialects,
            allowed: self.revision.allow_lint.iter().any(|a| a == id),
        });
    }

    /// The table existed before this revision (and still does).
    fn existing(&self, table: &str) -> bool {
        !self.fresh_tables.contains(table) && self.schema.table(table).is_some()
    }

    /// The column existed before this revision.
    fn existing_column(&self, table: &str, column: &str) -> bool {
        self.existing(table)
            && !self
                .fresh_columns
                .contains(&(table.to_owned(), column.to_owned()))
    }

    /// The table of the index a `drop_index` names.
    fn index_table(&self, table: Option<&str>, name: &str) -> Option<String> {
        self.schema
            .index_on(table, name)
            .ok()
            .map(|i| i.table.clone())
    }

    /// Tables existing before this revision with a column of enum type `name`.
    fn enum_tables(&self, name: &str) -> Vec<String> {
        let mut tables: Vec<String> = self
            .schema
            .enum_columns(name)
            .into_iter()
            .filter(|(t, _)| self.existing(t))
            .map(|(t, _)| t.to_owned())
            .collect();
        tables.dedup();
        tables
    }

    fn op(&mut self, op: &Op) {
        match op {
            Op::CreateTable { .. }
            | Op::SetTableComment { .. }
            | Op::CreateEnum(_)
            | Op::DropEnum { .. }
            | Op::CreateSequence(_)
            | Op::AlterSequence { .. }
            | Op::DeleteRows { .. } => {}
            Op::RenameSequence { from, to } => {
                if !self.fresh_sequences.contains(from) && self.schema.sequence(from).is_some() {
                    self.flag(
                        "rename-sequence",
                        format!(
                            "renames sequence `{from}` to `{to}` while code may still draw from `{from}`"
                        ),
                    );
                }
            }
            Op::DropSequence { name } => {
                if !self.fresh_sequences.contains(name) && self.schema.sequence(name).is_some() {
                    self.flag(
                        "drop-sequence",
                        format!("drops sequence `{name}`, which exists before this revision"),
                    );
                }
            }
            Op::BulkInsert { table, .. } => {
                // Only the derived downgrade deletes the rows: an explicit one says what it does.
                if self.revision.downgrade.is_none() {
                    let cascading: Vec<String> = self
                        .schema
                        .referencing(table)
                        .into_iter()
                        .filter(|(_, fk)| fk.on_delete == Some(crate::ops::FkAction::Cascade))
                        .map(|(t, _)| t.to_owned())
                        .collect();
                    if !cascading.is_empty() {
                        self.flag(
                            "downgrade-deletes-cascade",
                            format!(
                                "the derived downgrade deletes the rows inserted into `{table}`, and ON DELETE CASCADE deletes the rows of {} that reference them",
                                quoted(&cascading)
                            ),
                        );
                    }
                }
            }
            Op::RenameEnumValue { name, from, to } => {
                let tables = self.enum_tables(name);
                if !tables.is_empty() {
                    self.flag(
                        "rename-enum-value",
                        format!(
                            "renames value '{from}' of enum type `{name}` to '{to}' while code may still write '{from}' to {}",
                            quoted(&tables)
                        ),
                    );
                }
            }
            Op::DropTable { table, .. } => {
                if self.existing(table) {
                    self.flag(
                        "drop-table",
                        format!("drops table `{table}`, which exists before this revision"),
                    );
                }
            }
            Op::RenameTable { from, to } => {
                if self.existing(from) {
                    self.flag(
                        "rename-table",
                        format!(
                            "renames table `{from}` to `{to}` while code may still query `{from}`"
                        ),
                    );
                }
            }
            Op::AddColumn {
                table,
                column,
                unique,
                foreign_key,
            } => self.add_column(table, column, unique.as_deref(), foreign_key.is_some()),
            Op::DropColumn { table, column } => {
                if self.existing_column(table, column) {
                    self.flag(
                        "drop-column",
                        format!(
                            "drops column `{table}.{column}`, which exists before this revision"
                        ),
                    );
                }
            }
            Op::AlterColumn(alter) => self.alter_column(alter),
            Op::CreateIndex {
                index,
                concurrently,
                ..
            } => {
                if !self.existing(&index.table) {
                    return;
                }
                // FULLTEXT and SPATIAL are MySQL/MariaDB index kinds (PostgreSQL refuses them).
                let mysql_kind = matches!(index.method.as_deref(), Some("fulltext" | "spatial"));
                if !concurrently && !mysql_kind {
                    self.flag(
                        "add-index-without-concurrently",
                        format!(
                            "creates {}index `{}` on `{}`, a table that exists before this revision, without CONCURRENTLY",
                            if index.unique { "unique " } else { "" },
                            index.name,
                            index.table
                        ),
                    );
                }
                let fulltext = |m: &Option<String>| m.as_deref() == Some("fulltext");
                let first_fulltext = fulltext(&index.method)
                    && self
                        .schema
                        .table(&index.table)
                        .is_some_and(|t| !t.indexes.iter().any(|i| fulltext(&i.method)));
                if first_fulltext {
                    self.flag(
                        "mysql-fulltext-index",
                        format!(
                            "creates the first FULLTEXT index of `{}`, a table that exists before this revision",
                            index.table
                        ),
                    );
                }
            }
            Op::DropIndex {
                name,
                table,
                concurrently,
                ..
            } => {
                let Some(table) = self.index_table(table.as_deref(), name) else {
                    return;
                };
                let existing = self.existing(&table)
                    && !self.fresh_indexes.contains(&(table.clone(), name.clone()));
                if existing && !concurrently {
                    self.flag(
                        "drop-index-without-concurrently",
                        format!("drops index `{name}` of `{table}` without CONCURRENTLY"),
                    );
                }
            }
            Op::AddConstraint { table, constraint } => {
                if !self.existing(table) {
                    return;
                }
                let name = constraint.name();
                match constraint {
                    Constraint::PrimaryKey(k) => self.flag(
                        "add-primary-key",
                        format!(
                            "adds primary key `{name}` ({}) to `{table}`, a table that exists before this revision",
                            k.columns.join(", ")
                        ),
                    ),
                    Constraint::Unique(k) => self.flag(
                        "add-unique-constraint",
                        format!(
                            "adds unique constraint `{name}` ({}) to `{table}`, a table that exists before this revision",
                            k.columns.join(", ")
                        ),
                    ),
                    Constraint::ForeignKey(fk) => {
                        let message = format!(
                            "adds foreign key `{name}` from `{table}` ({}) to `{}` ({}), validating every existing row",
                            fk.columns.join(", "),
                            fk.ref_table,
                            fk.ref_columns.join(", ")
                        );
                        self.flag("add-foreign-key", message.clone());
                        self.flag("mysql-add-foreign-key", message);
                    }
                    Constraint::Check(ck) => self.flag(
                        "add-check-constraint",
                        format!(
                            "adds check `{name}` ({}) to `{table}`, a table that exists before this revision",
                            ck.expr
                        ),
                    ),
                }
            }
            Op::DropConstraint { table, name } => {
                let is_primary_key = self
                    .schema
                    .table(table)
                    .and_then(|t| t.def.primary_key.as_ref())
                    .is_some_and(|pk| &pk.name == name);
                if is_primary_key && self.existing(table) {
                    self.flag(
                        "mysql-drop-primary-key",
                        format!("drops primary key `{name}` of `{table}`"),
                    );
                }
            }
            Op::AddEnumValue {
                name,
                value,
                position,
            } => {
                if self.revision.transactional && !self.fresh_enums.contains(name) {
                    self.flag(
                        "add-enum-value-in-transaction",
                        format!(
                            "adds value '{value}' to enum type `{name}` inside the revision's transaction"
                        ),
                    );
                }
                let last = self
                    .schema
                    .enum_values(name)
                    .and_then(|v| v.last())
                    .cloned();
                let at_end = match position {
                    None => true,
                    Some(EnumPosition::After(v)) => Some(v) == last.as_ref(),
                    Some(EnumPosition::Before(_)) => false,
                };
                let tables = self.enum_tables(name);
                if !at_end && !tables.is_empty() {
                    self.flag(
                        "mysql-enum-value-not-at-end",
                        format!(
                            "adds value '{value}' to enum type `{name}` before its last value; columns of {} change",
                            quoted(&tables)
                        ),
                    );
                }
            }
            Op::DropEnumValue { name, value } => {
                let tables = self.enum_tables(name);
                if !tables.is_empty() {
                    self.flag(
                        "drop-enum-value",
                        format!(
                            "removes value '{value}' from enum type `{name}`, used by {}",
                            quoted(&tables)
                        ),
                    );
                }
            }
            Op::Update { table, .. } => {
                if self.existing(table) {
                    self.backfills.push((
                        self.op_index,
                        self.op.clone(),
                        table.clone(),
                        self.only_on.clone(),
                    ));
                }
            }
            Op::Sql(_) => self.flag(
                "raw-sql",
                "runs raw SQL, which lint does not read".to_owned(),
            ),
        }
    }

    fn add_column(&mut self, table: &str, column: &ColumnDef, unique: Option<&str>, fk: bool) {
        if !self.existing(table) {
            return;
        }
        let name = &column.name;
        if column.identity {
            self.flag(
                "add-identity-column",
                format!("adds identity column `{table}.{name}` to a table that exists before this revision"),
            );
        } else if !column.nullable && column.default.is_none() && !column.is_generated() {
            self.flag(
                "add-not-null-column-without-default",
                format!("adds NOT NULL column `{table}.{name}` without a default"),
            );
        }
        if column.generated.as_ref().is_some_and(|g| g.stored) {
            self.flag(
                "add-stored-generated-column",
                format!("adds STORED generated column `{table}.{name}` to a table that exists before this revision"),
            );
        }
        if let Some(
            ServerDefault::Expr(expr) | ServerDefault::ExprPerDialect { portable: expr, .. },
        ) = &column.default
        {
            if let Some(function) = volatile_function(expr) {
                self.flag(
                    "add-column-volatile-default",
                    format!(
                        "adds column `{table}.{name}` with default `{expr}`, which calls the volatile {function}()"
                    ),
                );
            }
        }
        if let Some(unique) = unique {
            self.flag(
                "add-unique-constraint",
                format!("adds column `{table}.{name}` with unique constraint `{unique}`"),
            );
        }
        if fk {
            let message =
                format!("adds column `{table}.{name}` with a foreign key, validated on every row");
            self.flag("add-foreign-key", message.clone());
            self.flag("mysql-add-foreign-key", message);
        }
    }

    fn alter_column(&mut self, alter: &AlterColumn) {
        let (table, name) = (alter.table.as_str(), alter.column.as_str());
        if !self.existing(table) {
            return;
        }
        let Some(old) = self.schema.table(table).and_then(|t| t.def.column(name)) else {
            return;
        };
        let old = old.clone();
        if let Some(to) = &alter.rename {
            if self.existing_column(table, name) {
                self.flag(
                    "rename-column",
                    format!("renames column `{table}.{name}` to `{to}` while code may still use `{name}`"),
                );
            }
        }
        if alter.nullable == Some(false) && old.nullable {
            self.flag("set-not-null", format!("makes `{table}.{name}` NOT NULL"));
        }
        if alter.nullable.is_some_and(|n| n != old.nullable) {
            self.flag(
                "mysql-change-nullability",
                format!(
                    "makes `{table}.{name}` {}",
                    if old.nullable { "NOT NULL" } else { "nullable" }
                ),
            );
        }
        if let Some(ty) = &alter.ty {
            if postgres_rewrites(&old.ty, ty, alter.using.is_some()) {
                let using = alter
                    .using
                    .as_ref()
                    .map(|u| format!(" USING {u}"))
                    .unwrap_or_default();
                self.flag(
                    "change-column-type",
                    format!("changes `{table}.{name}` from {} to {ty}{using}", old.ty),
                );
            }
            if mysql_copies(&old.ty, ty) {
                self.flag(
                    "mysql-change-column-type",
                    format!("changes `{table}.{name}` from {} to {ty}", old.ty),
                );
            }
        }
        if alter.identity == Some(true) && !old.identity {
            self.flag(
                "mysql-change-column-type",
                format!("makes `{table}.{name}` auto-increment"),
            );
        }
    }

    /// Keeps track of what this revision creates, before `op` is applied.
    fn remember(&mut self, op: &Op) {
        let existing_ddl = match op {
            Op::CreateTable { def, .. } => {
                if self.schema.table(&def.name).is_none() {
                    self.fresh_tables.insert(def.name.clone());
                }
                false
            }
            Op::RenameTable { from, to } => {
                if self.fresh_tables.remove(from) {
                    self.fresh_tables.insert(to.clone());
                }
                let moved: Vec<(String, String)> = self
                    .fresh_columns
                    .iter()
                    .filter(|(t, _)| t == from)
                    .cloned()
                    .collect();
                for (t, c) in moved {
                    self.fresh_columns.remove(&(t, c.clone()));
                    self.fresh_columns.insert((to.clone(), c));
                }
                self.existing(from)
            }
            Op::AddColumn { table, column, .. } => {
                let existing = self.existing(table);
                if existing {
                    self.fresh_columns
                        .insert((table.clone(), column.name.clone()));
                }
                existing
            }
            Op::AlterColumn(alter) => {
                if let Some(to) = &alter.rename {
                    let key = (alter.table.clone(), alter.column.clone());
                    if self.fresh_columns.remove(&key) {
                        self.fresh_columns.insert((alter.table.clone(), to.clone()));
                    }
                }
                self.existing(&alter.table)
            }
            Op::CreateIndex {
                index,
                concurrently,
                ..
            } => {
                self.fresh_indexes
                    .insert((index.table.clone(), index.name.clone()));
                self.existing(&index.table) && !concurrently
            }
            Op::DropIndex {
                name,
                table,
                concurrently,
                ..
            } => {
                !concurrently
                    && self
                        .index_table(table.as_deref(), name)
                        .is_some_and(|t| self.existing(&t))
            }
            Op::CreateEnum(def) => {
                self.fresh_enums.insert(def.name.clone());
                false
            }
            Op::CreateSequence(def) => {
                self.fresh_sequences.insert(def.name.clone());
                false
            }
            Op::RenameSequence { from, to } => {
                if self.fresh_sequences.remove(from) {
                    self.fresh_sequences.insert(to.clone());
                }
                false
            }
            Op::DropTable { table, .. }
            | Op::SetTableComment { table, .. }
            | Op::DropColumn { table, .. }
            | Op::AddConstraint { table, .. }
            | Op::DropConstraint { table, .. } => self.existing(table),
            Op::AddEnumValue { name, .. }
            | Op::DropEnumValue { name, .. }
            | Op::RenameEnumValue { name, .. } => !self.enum_tables(name).is_empty(),
            Op::DropEnum { .. }
            | Op::DropSequence { .. }
            | Op::AlterSequence { .. }
            | Op::BulkInsert { .. }
            | Op::DeleteRows { .. }
            | Op::Update { .. }
            | Op::Sql(_) => false,
        };
        if existing_ddl && self.ddl.is_none() {
            self.ddl = Some(self.op.clone());
        }
    }

    /// `backfill-in-ddl-transaction`, once the whole revision is known (the schema change may
    /// come after the update).
    fn backfills(&mut self) {
        let Some(ddl) = self.ddl.clone() else {
            return;
        };
        if !self.revision.transactional {
            return;
        }
        for (index, op, table, only_on) in std::mem::take(&mut self.backfills) {
            // Judged on the dialects the backfill runs on, not the last op's.
            self.only_on = only_on;
            self.flag_at(
                "backfill-in-ddl-transaction",
                index,
                op,
                format!("updates rows of `{table}` in the same transaction as {ddl}"),
            );
        }
    }
}

/// `` `a`, `b` `` .
fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// PostgreSQL's volatile functions that a default expression may call; a default calling one
/// is evaluated per row when the column is added.
const VOLATILE_FUNCTIONS: [&str; 9] = [
    "random",
    "gen_random_uuid",
    "uuid_generate_v1",
    "uuid_generate_v1mc",
    "uuid_generate_v4",
    "clock_timestamp",
    "timeofday",
    "nextval",
    "txid_current",
];

/// The volatile function `expr` calls, if any (a function name followed by `(`, not part of a
/// longer identifier).
fn volatile_function(expr: &str) -> Option<&'static str> {
    let lower = expr.to_ascii_lowercase();
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    VOLATILE_FUNCTIONS.into_iter().find(|f| {
        lower.match_indices(f).any(|(at, _)| {
            let before = lower[..at].chars().next_back();
            let after = lower[at + f.len()..].trim_start().chars().next();
            !before.is_some_and(ident) && after == Some('(')
        })
    })
}

/// Whether PostgreSQL rewrites the table to change a column from `old` to `new`: always with
/// `USING`, never for a same type, a longer varchar, varchar to text or a larger numeric
/// precision at the same scale.
fn postgres_rewrites(old: &Type, new: &Type, using: bool) -> bool {
    if using {
        return true;
    }
    match (old, new) {
        _ if old == new => false,
        (Type::String(a), Type::String(b)) => b < a,
        // VARCHAR, VARCHAR(n) and TEXT are binary-coercible one way or both.
        (Type::String(_), Type::Text | Type::Varchar) | (Type::Varchar, Type::Text) => false,
        (Type::Text, Type::Varchar) => false,
        (Type::Numeric(p, s), Type::Numeric(p2, s2)) => !(s == s2 && p2 >= p),
        _ => true,
    }
}

/// Whether MySQL/MariaDB copy the table to change a column from `old` to `new`: all but a same
/// type and a longer VARCHAR whose length still fits the same length prefix (1 byte up to 255
/// bytes: 63 characters of utf8mb4).
fn mysql_copies(old: &Type, new: &Type) -> bool {
    match (old, new) {
        _ if old == new => false,
        (Type::String(a), Type::String(b)) => !(b >= a && (*a <= 63) == (*b <= 63)),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rules_are_the_ids_schema_core_knows_in_its_order() {
        let ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        assert_eq!(ids, schema_core::lint::RULE_IDS);
        for r in &RULES {
            assert!(!r.dialects.is_empty(), "{}", r.id);
            assert!(
                !r.reason.contains('\n') && !r.instead.contains('\n'),
                "{}",
                r.id
            );
        }
    }

    #[test]
    fn volatile_functions_are_found_as_calls_only() {
        assert_eq!(
            volatile_function("gen_random_uuid()"),
            Some("gen_random_uuid")
        );
        assert_eq!(volatile_function("(RANDOM () * 10)::int"), Some("random"));
        assert_eq!(volatile_function("my_random()"), None);
        assert_eq!(volatile_function("'random'"), None);
        assert_eq!(volatile_function("now()"), None);
    }

    #[test]
    fn type_changes_that_rewrite() {
        use Type::*;
        assert!(!postgres_rewrites(&String(10), &String(20), false));
        assert!(postgres_rewrites(&String(20), &String(10), false));
        assert!(!postgres_rewrites(&String(20), &Text, false));
        assert!(postgres_rewrites(&Text, &String(20), false));
        assert!(postgres_rewrites(&Integer, &BigInt, false));
        assert!(!postgres_rewrites(&Numeric(10, 2), &Numeric(12, 2), false));
        assert!(postgres_rewrites(&Numeric(10, 2), &Numeric(12, 3), false));
        assert!(postgres_rewrites(&String(10), &String(20), true));
        assert!(!mysql_copies(&String(10), &String(60)));
        assert!(mysql_copies(&String(60), &String(64)));
        assert!(!mysql_copies(&String(100), &String(200)));
        assert!(mysql_copies(&String(100), &Text));
        assert!(mysql_copies(&Integer, &BigInt));
    }
}
