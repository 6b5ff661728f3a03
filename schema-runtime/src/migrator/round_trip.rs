//! `cargo schema test`: every revision up, down and up again on a scratch database, with the
//! live schema read from the catalogs after each move and compared with the one before.
//!
//! A derived downgrade is the exact inverse of its upgrade by construction; what this catches
//! is everything the replay cannot see: raw SQL whose `.reverse(..)` forgets something, an
//! explicit `downgrade = fn` that drifts from its upgrade, a server that does more than asked
//! (MySQL's index behind a foreign key), rows a data migration leaves behind (`--data`).

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::time::{Duration, Instant};

use super::{url, ConnectOptions, Database, Direction, MigrateError, Migrator, RunOptions};
use crate::introspect::{introspect, IntrospectOptions};
use crate::ops::{ColumnDef, FkAction, ForeignKeyDef, IndexDef};
use crate::state::Schema;
use crate::types::{ServerDefault, Value};
use crate::{Dialect, PlanError};

/// What [`Migrator::round_trip`] tests.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct RoundTripOptions {
    /// Only the revisions of this range (`A:B`, as `history -r` takes it; a single revision
    /// is just that one) go up, down and up again; the revisions they need are only applied.
    /// `None`: every revision.
    pub range: Option<String>,
    /// Also compare the number of rows of every table.
    pub data: bool,
    /// How each step runs (cancellation, lock and statement timeouts).
    pub run: RunOptions,
}

impl RoundTripOptions {
    /// Tests only the revisions of `range`.
    pub fn with_range(mut self, range: Option<String>) -> Self {
        self.range = range;
        self
    }

    /// Also compares row counts.
    pub fn with_data(mut self, data: bool) -> Self {
        self.data = data;
        self
    }

    /// Runs each step with `run`.
    pub fn with_run_options(mut self, run: RunOptions) -> Self {
        self.run = run;
        self
    }
}

/// The move after which a difference or a failure showed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The first upgrade.
    Upgrade,
    /// The downgrade right after it.
    Downgrade,
    /// The upgrade after the downgrade.
    SecondUpgrade,
}

impl Stage {
    /// `upgrade`, `downgrade`, `second upgrade`.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Upgrade => "upgrade",
            Stage::Downgrade => "downgrade",
            Stage::SecondUpgrade => "second upgrade",
        }
    }
}

/// How one revision's round trip went.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Outcome {
    /// Up, down and up again: each time the schema (and with `--data` the row counts) is what
    /// it was.
    Same,
    /// Below the range: applied only.
    Applied,
    /// After `stage` the database differs: after the downgrade from the database before the
    /// upgrade, after the second upgrade from the database after the first.
    Differs {
        /// The move after which it differs.
        stage: Stage,
        /// What differs.
        differences: Vec<Difference>,
    },
    /// A move failed.
    Failed {
        /// The move that failed.
        stage: Stage,
        /// The error.
        error: String,
    },
}

/// One revision's result.
#[derive(Debug, Clone, PartialEq)]
pub struct RevisionResult {
    /// The revision id.
    pub revision: String,
    /// Its message.
    pub message: String,
    /// How it went.
    pub outcome: Outcome,
    /// Wall time of its moves and reads.
    pub duration: Duration,
}

/// One thing that differs between two reads of the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// `table`, `column`, `primary key`, `unique`, `foreign key`, `check`,
    /// `index`, `enum`, `comment` or `rows`.
    pub kind: &'static str,
    /// The table it belongs to (none for a table, an enum type).
    pub table: Option<String>,
    /// Its name.
    pub name: String,
    /// As it was (before the upgrade; after the first upgrade for the second), `None`: absent.
    pub expected: Option<String>,
    /// As it is after the move, `None`: absent.
    pub found: Option<String>,
}

impl std::fmt::Display for Difference {
    /// `index ix_notes_title on notes: expected absent, found unique (title)`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let side = |s: &Option<String>| s.clone().unwrap_or_else(|| "absent".into());
        write!(f, "{} {}", self.kind, self.name)?;
        if let Some(table) = &self.table {
            write!(f, " on {table}")?;
        }
        write!(
            f,
            ": expected {}, found {}",
            side(&self.expected),
            side(&self.found)
        )
    }
}

/// What one read of the database gives: the schema, and with `--data` the row counts.
#[derive(Debug, Clone, PartialEq)]
struct Snapshot {
    schema: Schema,
    rows: BTreeMap<String, u64>,
}

impl Migrator {
    /// Runs every revision (of `options.range`) up, down and up again on `db`, which must be
    /// empty (a scratch database: see [`ScratchDatabase`]), reading the schema after each move;
    /// stops at the first revision whose round trip differs or fails. `observe` hears each
    /// revision's result as it comes.
    pub async fn round_trip(
        &self,
        db: &mut Database,
        options: &RoundTripOptions,
        mut observe: impl FnMut(&RevisionResult),
    ) -> Result<Vec<RevisionResult>, MigrateError> {
        let order = self.graph.topological();
        let tested: HashSet<&str> = match &options.range {
            Some(range) if range.contains(':') => self
                .graph
                .range(range, &[])
                .map_err(PlanError::from)?
                .into_iter()
                .collect(),
            Some(one) => [self.graph.resolve(one).map_err(PlanError::from)?]
                .into_iter()
                .collect(),
            None => order.iter().copied().collect(),
        };
        let Some(last) = order.iter().rposition(|id| tested.contains(id)) else {
            return Ok(Vec::new());
        };
        let read_options =
            IntrospectOptions::excluding(&self.version_table).with_naming(self.naming.clone());
        let mut before = snapshot(db, &read_options, options.data).await?;
        let mut results = Vec::new();
        for id in &order[..=last] {
            let clock = Instant::now();
            let message = self
                .header(id)
                .map(|r| r.message.clone())
                .unwrap_or_default();
            let outcome = self
                .round_trip_one(
                    db,
                    id,
                    tested.contains(id),
                    &mut before,
                    &read_options,
                    options,
                )
                .await?;
            let stop = !matches!(outcome, Outcome::Same | Outcome::Applied);
            let result = RevisionResult {
                revision: (*id).to_owned(),
                message,
                outcome,
                duration: clock.elapsed(),
            };
            observe(&result);
            results.push(result);
            if stop {
                break;
            }
        }
        Ok(results)
    }

    /// Applies `id` (and when `tested`, reverts it and applies it again), comparing reads;
    /// `before` is the read before, and becomes the read after.
    async fn round_trip_one(
        &self,
        db: &mut Database,
        id: &str,
        tested: bool,
        before: &mut Snapshot,
        read_options: &IntrospectOptions,
        options: &RoundTripOptions,
    ) -> Result<Outcome, MigrateError> {
        // A cancelled run (SIGINT, SIGTERM) is the run's error, not the revision's.
        let failed = |stage, e: MigrateError| match e {
            MigrateError::Cancelled { .. } => Err(e),
            e => Ok(Outcome::Failed {
                stage,
                error: e.to_string(),
            }),
        };
        if let Err(e) = self
            .migrate(db, Direction::Up, id, options.run.clone(), |_| {})
            .await
        {
            return failed(Stage::Upgrade, e);
        }
        let after_up = snapshot(db, read_options, options.data).await?;
        if !tested {
            *before = after_up;
            return Ok(Outcome::Applied);
        }
        if let Err(e) = self.revert(db, id, options.run.clone(), |_| {}).await {
            return failed(Stage::Downgrade, e);
        }
        let after_down = snapshot(db, read_options, options.data).await?;
        let found = differences(before, &after_down);
        if !found.is_empty() {
            return Ok(Outcome::Differs {
                stage: Stage::Downgrade,
                differences: found,
            });
        }
        if let Err(e) = self
            .migrate(db, Direction::Up, id, options.run.clone(), |_| {})
            .await
        {
            return failed(Stage::SecondUpgrade, e);
        }
        let again = snapshot(db, read_options, options.data).await?;
        let found = differences(&after_up, &again);
        if !found.is_empty() {
            return Ok(Outcome::Differs {
                stage: Stage::SecondUpgrade,
                differences: found,
            });
        }
        *before = again;
        Ok(Outcome::Same)
    }
}

/// Reads the schema (and the row count of each of its tables).
async fn snapshot(
    db: &mut Database,
    options: &IntrospectOptions,
    data: bool,
) -> Result<Snapshot, MigrateError> {
    let schema = introspect(db, options)
        .await
        .map_err(|e| MigrateError::Introspect(e.to_string()))?;
    let mut rows = BTreeMap::new();
    if data {
        let d = db.dialect();
        let text = if d.is_mysql_family() { "CHAR" } else { "TEXT" };
        for table in schema.tables() {
            let name = &table.def.name;
            let sql = format!("SELECT CAST(COUNT(*) AS {text}) FROM {}", d.quote(name));
            let count = db.fetch_strings(&sql).await?;
            let count = count.first().and_then(|c| c.parse().ok()).unwrap_or(0);
            rows.insert(name.clone(), count);
        }
    }
    Ok(Snapshot { schema, rows })
}

/// What differs between `expected` and `found`, object by object.
fn differences(expected: &Snapshot, found: &Snapshot) -> Vec<Difference> {
    let mut out = Vec::new();
    let (a, b) = (&expected.schema, &found.schema);
    let enums: BTreeSet<&String> = a
        .enums()
        .map(|(n, _)| n)
        .chain(b.enums().map(|(n, _)| n))
        .collect();
    for name in enums {
        let show = |s: &Schema| s.enum_values(name).map(|v| format!("({})", v.join(", ")));
        push(&mut out, "enum", None, name, show(a), show(b));
    }
    let sequences: BTreeSet<String> = a.sequences().chain(b.sequences()).map(|s| s.name).collect();
    for name in &sequences {
        let show = |s: &Schema| {
            s.sequence(name).map(|o| {
                let options = crate::dialect::sql::sequence_options_sql(o);
                if options.is_empty() {
                    "(default options)".to_owned()
                } else {
                    format!("({options})")
                }
            })
        };
        push(&mut out, "sequence", None, name, show(a), show(b));
    }
    let tables: BTreeSet<&String> = a
        .tables()
        .map(|t| &t.def.name)
        .chain(b.tables().map(|t| &t.def.name))
        .collect();
    for name in tables {
        let (ta, tb) = (a.table(name), b.table(name));
        let (Some(ta), Some(tb)) = (ta, tb) else {
            let show = |t: Option<&crate::state::Table>| {
                t.map(|t| {
                    let columns: Vec<&str> =
                        t.def.columns.iter().map(|c| c.name.as_str()).collect();
                    format!("({})", columns.join(", "))
                })
            };
            push(&mut out, "table", None, name, show(ta), show(tb));
            continue;
        };
        let on = Some(name.as_str());
        push(
            &mut out,
            "comment",
            on,
            name,
            ta.def.comment.clone(),
            tb.def.comment.clone(),
        );
        by_name(
            &mut out,
            "column",
            on,
            &ta.def.columns,
            &tb.def.columns,
            |c| &c.name,
            column,
        );
        // Column order is not compared: PostgreSQL re-adds a dropped column at the end, and
        // nothing can put it back in place.
        let key = |k: &Option<crate::ops::KeyDef>| {
            k.as_ref()
                .map(|k| format!("{} ({})", k.name, k.columns.join(", ")))
        };
        push(
            &mut out,
            "primary key",
            on,
            name,
            key(&ta.def.primary_key),
            key(&tb.def.primary_key),
        );
        by_name(
            &mut out,
            "unique",
            on,
            &ta.def.uniques,
            &tb.def.uniques,
            |k| &k.name,
            |k| format!("({})", k.columns.join(", ")),
        );
        by_name(
            &mut out,
            "foreign key",
            on,
            &ta.def.foreign_keys,
            &tb.def.foreign_keys,
            |k| &k.name,
            foreign_key,
        );
        by_name(
            &mut out,
            "check",
            on,
            &ta.def.checks,
            &tb.def.checks,
            |c| &c.name,
            |c| c.expr.clone(),
        );
        by_name(
            &mut out,
            "index",
            on,
            &ta.indexes,
            &tb.indexes,
            |i| &i.name,
            index,
        );
    }
    let counted: BTreeSet<&String> = expected.rows.keys().chain(found.rows.keys()).collect();
    for table in counted {
        let (ra, rb) = (expected.rows.get(table), found.rows.get(table));
        // A table that is gone or new is reported above.
        if let (Some(ra), Some(rb)) = (ra, rb) {
            push(
                &mut out,
                "rows",
                None,
                table,
                Some(ra.to_string()),
                Some(rb.to_string()),
            );
        }
    }
    out
}

fn push(
    out: &mut Vec<Difference>,
    kind: &'static str,
    table: Option<&str>,
    name: &str,
    expected: Option<String>,
    found: Option<String>,
) {
    if expected != found {
        out.push(Difference {
            kind,
            table: table.map(str::to_owned),
            name: name.to_owned(),
            expected,
            found,
        });
    }
}

/// Compares two lists of named objects by name.
fn by_name<T>(
    out: &mut Vec<Difference>,
    kind: &'static str,
    table: Option<&str>,
    a: &[T],
    b: &[T],
    name: impl Fn(&T) -> &String,
    show: impl Fn(&T) -> String,
) {
    let names: BTreeSet<&String> = a.iter().map(&name).chain(b.iter().map(&name)).collect();
    for n in names {
        let find = |list: &[T]| list.iter().find(|x| name(x) == n).map(&show);
        push(out, kind, table, n, find(a), find(b));
    }
}

pub(super) fn column(c: &ColumnDef) -> String {
    let mut text = format!("{} {}", c.ty, if c.nullable { "NULL" } else { "NOT NULL" });
    match &c.default {
        Some(ServerDefault::Value(Value::Str(s))) => text.push_str(&format!(" DEFAULT '{s}'")),
        Some(ServerDefault::Value(v)) => text.push_str(&format!(" DEFAULT {v:?}")),
        Some(ServerDefault::Now) => text.push_str(" DEFAULT now"),
        Some(ServerDefault::Expr(e)) => text.push_str(&format!(" DEFAULT {e}")),
        Some(other) => text.push_str(&format!(" DEFAULT {other:?}")),
        None => {}
    }
    if c.identity {
        text.push_str(" identity");
        if c.identity_options.always {
            text.push_str(" always");
        }
        let options = c.identity_options.sequence_sql();
        if !options.is_empty() {
            text.push_str(&format!(" ({options})"));
        }
    }
    if let Some(g) = &c.generated {
        text.push_str(&format!(" generated as ({}) {}", g.expr, g.kind()));
        for (d, e) in &g.dialects {
            text.push_str(&format!(" {}: ({e})", d.name()));
        }
    }
    if let Some(comment) = &c.comment {
        text.push_str(&format!(" comment '{comment}'"));
    }
    text
}

fn action(a: Option<FkAction>) -> &'static str {
    match a {
        None | Some(FkAction::NoAction) => "no action",
        Some(FkAction::Restrict) => "restrict",
        Some(FkAction::Cascade) => "cascade",
        Some(FkAction::SetNull) => "set null",
        Some(FkAction::SetDefault) => "set default",
    }
}

pub(super) fn foreign_key(k: &ForeignKeyDef) -> String {
    format!(
        "({}) references {} ({}) on delete {} on update {}",
        k.columns.join(", "),
        k.ref_table,
        k.ref_columns.join(", "),
        action(k.on_delete),
        action(k.on_update)
    )
}

pub(super) fn index(i: &IndexDef) -> String {
    let keys: Vec<String> = i.keys.iter().map(index_key).collect();
    let mut text = format!(
        "{}({})",
        if i.unique { "unique " } else { "" },
        keys.join(", ")
    );
    if !i.include.is_empty() {
        text.push_str(&format!(" include ({})", i.include.join(", ")));
    }
    if let Some(p) = &i.predicate {
        text.push_str(&format!(" where {p}"));
    }
    if let Some(m) = &i.method {
        text.push_str(&format!(" using {m}"));
    }
    text
}

/// One index key as a reader would write it: `title(20) DESC`, `(lower(email))`.
fn index_key(k: &crate::ops::IndexKey) -> String {
    let mut text = match &k.part {
        crate::ops::KeyPart::Column(c) => c.clone(),
        crate::ops::KeyPart::Expression(e) => format!("({e})"),
    };
    if let Some(n) = k.prefix {
        text.push_str(&format!("({n})"));
    }
    if let Some(c) = &k.collation {
        text.push_str(&format!(" collate {c}"));
    }
    if let Some(o) = &k.opclass {
        text.push_str(&format!(" {o}"));
    }
    if k.descending {
        text.push_str(" desc");
    }
    match k.nulls {
        Some(crate::ops::NullsOrder::First) => text.push_str(" nulls first"),
        Some(crate::ops::NullsOrder::Last) => text.push_str(" nulls last"),
        None => {}
    }
    text
}

/// A database made for one `cargo schema test` run beside the one a URL names, and dropped
/// after it: on PostgreSQL and MySQL/MariaDB a new database on the same server (the URL's
/// credentials must allow `CREATE DATABASE`), on SQLite a file in the temporary directory.
#[derive(Debug)]
pub struct ScratchDatabase {
    url: String,
    dialect: Dialect,
    /// The server connection that created it (and drops it); none for SQLite.
    admin_url: Option<String>,
    name: String,
    file: Option<std::path::PathBuf>,
}

impl ScratchDatabase {
    /// Creates an empty database on the server of `url` (SQLite: a temporary file), named
    /// after the URL's database, this process and the time:
    /// `<database>_schema_test_<pid>_<n>`.
    pub async fn create(url: &str, options: &ConnectOptions) -> Result<Self, MigrateError> {
        let dialect = Dialect::from_url(url)
            .ok_or_else(|| MigrateError::UnsupportedUrl(super::redact_url(url)))?;
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or_default();
        let stem = |base: &str| {
            let clean: String = base
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c.to_ascii_lowercase()
                    } else {
                        '_'
                    }
                })
                .take(24)
                .collect();
            let clean = if clean.is_empty() {
                "db".to_owned()
            } else {
                clean
            };
            format!("{clean}_schema_test_{}_{nanos}", std::process::id())
        };
        if dialect == Dialect::Sqlite {
            let path = url
                .trim_start_matches("sqlite:")
                .trim_start_matches("//")
                .split('?')
                .next()
                .unwrap_or_default();
            let base = std::path::Path::new(path)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let name = stem(&base);
            let file = std::env::temp_dir().join(format!("{name}.db"));
            return Ok(ScratchDatabase {
                url: format!("sqlite:{}", file.display()),
                dialect,
                admin_url: None,
                name,
                file: Some(file),
            });
        }
        let parts =
            url::parts(url).ok_or_else(|| MigrateError::UnsupportedUrl(super::redact_url(url)))?;
        let name = stem(parts.database);
        let (mut admin, admin_url) = admin_connection(url, options).await?;
        let d = admin.dialect();
        admin
            .execute(&format!("CREATE DATABASE {}", d.quote(&name)))
            .await
            .map_err(|e| {
                MigrateError::Usage(format!(
                    "cannot create the scratch database {name} on {}: {e}; the URL's user needs the right to create databases",
                    admin.endpoint()
                ))
            })?;
        let _ = admin.close().await;
        Ok(ScratchDatabase {
            url: url::with_database(url, &name),
            dialect: d,
            admin_url: Some(admin_url),
            name,
            file: None,
        })
    }

    /// The scratch database's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The scratch database's dialect.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The scratch database's name (SQLite: the file's stem).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Drops the database (removes the SQLite file). Close every connection to it first.
    pub async fn drop_database(self, options: &ConnectOptions) -> Result<(), MigrateError> {
        if let Some(file) = &self.file {
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let mut path = file.clone().into_os_string();
                path.push(suffix);
                let _ = std::fs::remove_file(path);
            }
            return Ok(());
        }
        let Some(admin_url) = &self.admin_url else {
            return Ok(());
        };
        let mut admin = Database::connect_with(admin_url, options).await?;
        let d = admin.dialect();
        // PostgreSQL 13+ ends sessions still connected (none should be).
        let force = if d == Dialect::Postgres
            && admin
                .fetch_strings("SELECT current_setting('server_version_num')")
                .await?
                .first()
                .and_then(|v| v.parse::<u32>().ok())
                .is_some_and(|v| v >= 130_000)
        {
            " WITH (FORCE)"
        } else {
            ""
        };
        let dropped = admin
            .execute(&format!(
                "DROP DATABASE IF EXISTS {}{force}",
                d.quote(&self.name)
            ))
            .await;
        let _ = admin.close().await;
        dropped.map_err(|e| {
            MigrateError::Usage(format!(
                "cannot drop the scratch database {} ({e}); drop it by hand",
                self.name
            ))
        })
    }
}

/// A connection to the server of `url` that may create databases: to the URL's own database,
/// or, when that fails (it does not exist yet), to the server's maintenance database.
async fn admin_connection(
    url: &str,
    options: &ConnectOptions,
) -> Result<(Database, String), MigrateError> {
    match Database::connect_with(url, options).await {
        Ok(db) => Ok((db, url.to_owned())),
        Err(first) => {
            let maintenance = match Dialect::from_url(url) {
                Some(Dialect::Postgres) => url::with_database(url, "postgres"),
                _ => url::with_database(url, ""),
            };
            match Database::connect_with(&maintenance, options).await {
                Ok(db) => Ok((db, maintenance)),
                Err(_) => Err(first),
            }
        }
    }
}
