//! Introspection: the schema of a live database, read from its catalogs into the same
//! [`Schema`] that replaying migrations gives, for autogenerate and drift checks.
//!
//! Each dialect reads its catalogs in a fixed number of queries, whatever the number of
//! tables (one for every column of every table, one for every index, ...; SQLite joins its
//! pragma table-valued functions with `sqlite_master`): PostgreSQL 5, SQLite 4, MySQL/MariaDB 6.
//!
//! What a database keeps differs from what a migration says (MySQL has no `TIMESTAMPTZ`, SQLite
//! no comments, MariaDB's `JSON` is a checked `LONGTEXT`): [`comparable`] maps a schema to what
//! the dialect can tell apart, so that a replayed and an introspected schema compare equal when
//! the database is up to date.

mod comparable;
mod mysql;
mod postgres;
mod sqlite;
pub mod sqlite_ddl;
mod text;

pub use comparable::comparable;

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

use crate::migrator::{Database, VersionTable};
use crate::naming::NamingConvention;
use crate::ops::{IndexDef, KeyDef};
use crate::state::{Schema, Table};
use crate::types::Type;
use crate::Dialect;

/// What [`introspect`] reads.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct IntrospectOptions {
    /// Tables left out (the migrator's version and log tables by default).
    pub exclude_tables: Vec<String>,
    /// Tables left out by glob pattern (`*`, `?`, `[a-z]`), e.g. `tmp_*`.
    pub exclude_patterns: Vec<String>,
    /// The PostgreSQL schema to read (`current_schema()` when `None`). Other dialects read the
    /// connection's database.
    pub schema: Option<String>,
    /// The naming convention the migrations use. MySQL and SQLite keep a unique constraint as a
    /// unique index; one named as this convention names a unique constraint on its columns is
    /// reported as a constraint, any other as an index.
    pub naming: NamingConvention,
}

impl Default for IntrospectOptions {
    fn default() -> Self {
        IntrospectOptions::excluding(&VersionTable::default())
    }
}

impl IntrospectOptions {
    /// Reads every table but the bookkeeping tables `version_table` names.
    ///
    /// ```
    /// use schema_runtime::introspect::IntrospectOptions;
    /// use schema_runtime::VersionTable;
    /// let options = IntrospectOptions::excluding(&VersionTable::default());
    /// assert_eq!(options.exclude_tables, ["schema_version", "schema_log", "schema_progress", "schema_ops", "schema_seeds"]);
    /// ```
    pub fn excluding(version_table: &VersionTable) -> Self {
        IntrospectOptions {
            exclude_tables: version_table.all().map(str::to_owned).to_vec(),
            exclude_patterns: Vec::new(),
            schema: None,
            naming: NamingConvention::default(),
        }
    }

    /// Leaves out these tables instead.
    pub fn with_excluded_tables(mut self, tables: Vec<String>) -> Self {
        self.exclude_tables = tables;
        self
    }

    /// Reads this PostgreSQL schema instead of `current_schema()`.
    pub fn with_schema(mut self, schema: Option<String>) -> Self {
        self.schema = schema;
        self
    }

    /// The naming convention the migrations use.
    pub fn with_naming(mut self, naming: NamingConvention) -> Self {
        self.naming = naming;
        self
    }

    /// Also leaves out the tables matching these glob patterns; a pattern that is not a valid
    /// glob matches its exact text.
    pub fn with_excluded_patterns(mut self, patterns: Vec<String>) -> Self {
        self.exclude_patterns = patterns;
        self
    }

    fn includes(&self, table: &str) -> bool {
        !self.exclude_tables.iter().any(|t| t == table)
            && !self
                .exclude_patterns
                .iter()
                .any(|p| matches_pattern(p, table))
    }
}

/// Whether `table` matches the glob `pattern` (exact text when it is not a valid glob).
pub fn matches_pattern(pattern: &str, table: &str) -> bool {
    match glob::Pattern::new(pattern) {
        Ok(glob) => glob.matches(table),
        Err(_) => pattern == table,
    }
}

/// The migration tables of other tools, by name (any case) and tool: what `adopt` leaves out of
/// a baseline unless asked to keep them.
pub const OTHER_TOOLS_TABLES: &[(&str, &str)] = &[
    ("alembic_version", "Alembic"),
    ("django_migrations", "Django"),
    ("flyway_schema_history", "Flyway"),
    ("databasechangelog", "Liquibase"),
    ("databasechangeloglock", "Liquibase"),
    ("__diesel_schema_migrations", "diesel"),
    ("_sqlx_migrations", "sqlx"),
    ("refinery_schema_history", "refinery"),
    ("seaql_migrations", "sea-orm"),
    ("_prisma_migrations", "Prisma"),
    ("schema_migrations", "Rails, golang-migrate or dbmate"),
    ("ar_internal_metadata", "Rails"),
    ("knex_migrations", "Knex"),
    ("knex_migrations_lock", "Knex"),
];

/// The tool whose migration table `table` is, if it is one of [`OTHER_TOOLS_TABLES`].
pub fn other_tool_table(table: &str) -> Option<&'static str> {
    OTHER_TOOLS_TABLES
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(table))
        .map(|(_, tool)| *tool)
}

/// A catalog query that failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IntrospectError {
    /// The server refused or failed a catalog query.
    #[error("reading {what} from the {dialect} catalogs failed: {source}; check that the user may read the catalogs (information_schema, pg_catalog, sqlite_master)")]
    Query {
        /// What the query reads (`columns`, `indexes`, ...).
        what: &'static str,
        /// The dialect.
        dialect: Dialect,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
}

/// How an introspection went.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct IntrospectStats {
    /// Catalog queries sent: a constant per dialect, whatever the number of tables.
    pub queries: usize,
    /// What the database holds that the schema model cannot represent and the reading left
    /// out or simplified (a generated column's expression, a view, a trigger, ...), one
    /// message per object naming it. `adopt` prints them as warnings and `// NOTE:` lines.
    pub notes: Vec<String>,
}

/// Reads the schema of the database `db` is connected to.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(async {
/// use schema_runtime::introspect::{introspect, IntrospectOptions};
/// use schema_runtime::{Database, Type};
///
/// let mut db = Database::connect("sqlite::memory:").await?;
/// db.raw().execute("CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, email VARCHAR(255) NOT NULL)").await?;
/// let schema = introspect(&mut db, &IntrospectOptions::default()).await?;
/// let email = schema.column("users", "email")?;
/// assert_eq!(email.ty, Type::String(255));
/// assert!(!email.nullable);
/// assert!(schema.column("users", "id")?.identity);
/// # Ok::<(), Box<dyn std::error::Error>>(()) })?;
/// # Ok(()) }
/// ```
pub async fn introspect(
    db: &mut Database,
    options: &IntrospectOptions,
) -> Result<Schema, IntrospectError> {
    introspect_with_stats(db, options)
        .await
        .map(|(schema, _)| schema)
}

/// [`introspect`], also saying how many catalog queries it took.
pub async fn introspect_with_stats(
    db: &mut Database,
    options: &IntrospectOptions,
) -> Result<(Schema, IntrospectStats), IntrospectError> {
    let dialect = db
        .detect_flavour()
        .await
        .map_err(|source| IntrospectError::Query {
            what: "the server version",
            dialect: db.dialect(),
            source,
        })?;
    let mut catalog = Catalog {
        db,
        queries: 0,
        notes: Vec::new(),
    };
    let schema = dialect.introspector().read(&mut catalog, options).await?;
    let stats = IntrospectStats {
        queries: catalog.queries,
        notes: catalog.notes,
    };
    Ok((named(&schema, &options.naming, dialect), stats))
}

/// Reading a dialect's catalogs, and what it can tell apart ([`comparable`]): each dialect
/// implements this beside its catalog queries (`postgres.rs`, `sqlite.rs`, `mysql.rs`).
pub(crate) trait Introspector: crate::dialect::SqlDialect {
    /// Reads the schema through `catalog`.
    fn read<'a>(
        &'a self,
        catalog: &'a mut Catalog<'_>,
        options: &'a IntrospectOptions,
    ) -> Pin<Box<dyn Future<Output = Result<Schema, IntrospectError>> + Send + 'a>>;

    /// The portable type of a type as the catalogs (or a migration) spell it.
    fn parse_type(&self, spelling: &str) -> Type;

    /// The type as the dialect reads it back after rendering it; `schema` knows enum values.
    fn canonical_type(&self, ty: &Type, _schema: &Schema) -> Type {
        self.parse_type(&self.render_type(ty, None))
    }

    /// The database keeps the primary key's name (MySQL calls every one `PRIMARY`).
    fn names_primary_keys(&self) -> bool {
        true
    }

    /// A sole identity column is declared inline, with no constraint name (SQLite), and reads
    /// back as `INTEGER`.
    fn inline_identity_key(&self) -> bool {
        false
    }

    /// Unique constraints are kept as unique indexes (MySQL, SQLite).
    fn uniques_are_indexes(&self) -> bool {
        false
    }

    /// `RESTRICT` reads as the unspecified action (MySQL, where it is the default).
    fn restrict_is_default(&self) -> bool {
        false
    }

    /// `INCLUDE` columns of an index exist.
    fn index_include(&self) -> bool {
        false
    }

    /// Identity columns keep ALWAYS / serial / sequence options (PostgreSQL).
    fn identity_options(&self) -> bool {
        false
    }

    /// A column-level CHECK is told apart from a table-level one (MariaDB).
    fn column_level_checks(&self) -> bool {
        false
    }
}

impl Dialect {
    /// How this dialect's catalogs are read.
    pub(crate) fn introspector(self) -> &'static dyn Introspector {
        match self {
            Dialect::Postgres => &crate::dialect::postgres::Postgres,
            Dialect::Sqlite => &crate::dialect::sqlite::Sqlite,
            Dialect::Mysql => &crate::dialect::mysql::MYSQL,
            Dialect::Mariadb => &crate::dialect::mysql::MARIADB,
        }
    }
}

/// Gives MySQL's primary keys (always `PRIMARY`) the naming convention's name. SQLite's unnamed
/// constraints (an inline `CHECK`, `REFERENCES` or `UNIQUE`, a `PRIMARY KEY` without
/// `CONSTRAINT`) stay unnamed, as the database holds them: adopt declares them unnamed
/// (`t.check_unnamed(..)`, ...), so a rebuilt table equals the source.
fn named(schema: &Schema, naming: &NamingConvention, dialect: Dialect) -> Schema {
    if dialect == Dialect::Sqlite {
        return schema.clone();
    }
    let mut out = schema.without_tables();
    for table in schema.tables() {
        let mut table = table.clone();
        let def = &mut table.def;
        if let Some(pk) = def.primary_key.as_mut().filter(|k| k.name.is_empty()) {
            pk.name = naming.primary_key(&def.name);
        }
        for key in def.uniques.iter_mut().filter(|k| k.name.is_empty()) {
            key.name = naming.unique(&def.name, &key.columns);
        }
        for fk in def.foreign_keys.iter_mut().filter(|fk| fk.name.is_empty()) {
            fk.name = naming.foreign_key(&def.name, &fk.columns, &fk.ref_table);
        }
        for (i, check) in def
            .checks
            .iter_mut()
            .enumerate()
            .filter(|(_, c)| c.name.is_empty())
        {
            check.name = naming.check(&def.name, &(i + 1).to_string());
        }
        out.insert_table(table);
    }
    out
}

/// The connection, counting the queries sent through it.
pub(crate) struct Catalog<'a> {
    db: &'a mut Database,
    queries: usize,
    notes: Vec<String>,
}

impl Catalog<'_> {
    /// Records something the model cannot represent (see [`IntrospectStats::notes`]).
    fn note(&mut self, message: impl Into<String>) {
        self.notes.push(message.into());
    }

    /// Notes what the tables and their keys carry beyond the model, from catalog rows
    /// `[kind, table, detail]` (of tables this introspection keeps).
    fn note_table_facts(&mut self, tables: &mut Tables, rows: Vec<[String; 3]>) {
        for [kind, table, detail] in rows {
            if tables.get(&table).is_some() {
                self.note(table_fact(&kind, &table, &detail));
            }
        }
    }

    /// The rows of `sql`, whose first `N` columns are text.
    async fn rows<const N: usize>(
        &mut self,
        what: &'static str,
        sql: &str,
    ) -> Result<Vec<[String; N]>, IntrospectError> {
        self.queries += 1;
        let dialect = self.db.dialect();
        let rows = self
            .db
            .fetch_rows(sql, N)
            .await
            .map_err(|source| IntrospectError::Query {
                what,
                dialect,
                source,
            })?;
        // `fetch_rows` reads exactly N columns of each row.
        Ok(rows.into_iter().filter_map(|r| r.try_into().ok()).collect())
    }
}

/// The tables read so far, by name; facts about other tables (excluded ones, views) are dropped.
#[derive(Debug, Default)]
struct Tables(BTreeMap<String, Table>);

impl Tables {
    fn add(&mut self, name: &str, comment: Option<String>) {
        let mut table = Table {
            def: Default::default(),
            indexes: Vec::new(),
        };
        table.def.name = name.to_owned();
        table.def.comment = comment;
        self.0.insert(name.to_owned(), table);
    }

    fn get(&mut self, name: &str) -> Option<&mut Table> {
        self.0.get_mut(name)
    }

    /// Records that `table.column` has collation `name` on `dialect` (read on its own, after
    /// the columns): a name of that dialect's, so a baseline names it for that dialect only
    /// (`.collate_per_dialect(&[(Dialect::Sqlite, "NOCASE")])`).
    fn set_collation(&mut self, table: &str, column: &str, name: String, dialect: Dialect) {
        let column = self
            .get(table)
            .and_then(|t| t.def.columns.iter_mut().find(|c| c.name == column));
        if let Some(column) = column {
            column.collation = Some(crate::ops::SqlText::per_dialect(&[(dialect, &name)]));
        }
    }

    fn into_schema(self, mut schema: Schema) -> Schema {
        for table in self.0.into_values() {
            schema.insert_table(table);
        }
        schema
    }
}

/// `None` for the empty text the catalogs give for "no comment".
fn comment(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_owned())
}

/// Adds an index read from the catalogs to `table`: where the dialect keeps unique constraints
/// as unique indexes (MySQL, SQLite), a plain unique index named as `naming` names a unique
/// constraint on its columns is reported as that constraint.
fn add_index(
    table: &mut Table,
    index: IndexDef,
    naming: &NamingConvention,
    keys_are_indexes: bool,
) {
    let plain = index.unique
        && index.plain_columns()
        && index.method.is_none()
        && index.predicate.is_none()
        && index.include.is_empty();
    let columns = index.columns();
    if keys_are_indexes && plain && index.name == naming.unique(&table.def.name, &columns) {
        table.def.uniques.push(KeyDef {
            name: index.name,
            columns,
        });
    } else {
        table.indexes.push(index);
    }
}

/// The note for one thing a table or its keys carry beyond the model (`kind` as the
/// dialects' catalog queries name it).
fn table_fact(kind: &str, table: &str, detail: &str) -> String {
    match kind {
        // PostgreSQL
        "partitioned" => format!(
            "table {table} is partitioned (PARTITION BY {detail}); the model has no partitioning, so the baseline declares a plain table: create it partitioned with op.execute"
        ),
        "partition" => format!(
            "table {table} has partition {detail}; partitions are not in the model: create them with op.execute"
        ),
        "inherits" => format!(
            "table {table} inherits from {detail}; the model has no inheritance, so the baseline declares its columns as its own"
        ),
        "unlogged" => format!(
            "table {table} is UNLOGGED; the baseline declares a logged table: run ALTER TABLE .. SET UNLOGGED with op.execute"
        ),
        "storage" => format!(
            "table {table} has storage parameters ({detail}); the baseline leaves them out: set them with op.execute"
        ),
        "row security" => format!(
            "table {table} has row-level security enabled{}; the baseline leaves it off: enable it with op.execute",
            if detail.is_empty() { String::new() } else { format!(" ({detail})") }
        ),
        "policy" => format!(
            "policy {detail} on {table} is not in the model; recreate it with op.execute"
        ),
        "index storage" => format!(
            "index {detail} on {table} has storage parameters the baseline leaves out"
        ),
        "nulls not distinct" => format!(
            "index {detail} on {table} is NULLS NOT DISTINCT; the baseline's index treats NULLs as distinct: recreate it with op.execute"
        ),
        "constraint comment" => format!(
            "constraint {detail} on {table} has a comment the baseline leaves out"
        ),
        "match full" => format!(
            "foreign key {detail} on {table} is MATCH FULL; the baseline's is MATCH SIMPLE: recreate it with op.execute"
        ),
        "no inherit" => format!(
            "check {detail} on {table} is NO INHERIT; the baseline's is inherited: recreate it with op.execute"
        ),
        // MySQL / MariaDB
        "options" => format!(
            "table {table} has table options ({detail}); the model has no such options, so the baseline leaves them out: set them with op.execute"
        ),
        "invisible" => format!(
            "column {table}.{detail} is INVISIBLE; the baseline declares a visible column"
        ),
        "hidden index" => format!(
            "index {detail} on {table} is hidden from the optimizer (INVISIBLE/IGNORED); the baseline's is used"
        ),
        // Both
        "index comment" => {
            format!("index {detail} on {table} has a comment the baseline leaves out")
        }
        other => format!("table {table}: {other} {detail}, which the baseline leaves out"),
    }
}

/// A sequence as a catalog reports it: its options as text (`start`, `increment`, `min`, `max`,
/// `cache`), whether it cycles, normalised against the dialect's defaults.
pub(crate) fn catalog_sequence(
    name: String,
    [start, increment, min, max, cache]: [&str; 5],
    cycle: bool,
    defaults: crate::ops::SequenceDefaults,
) -> crate::ops::SequenceDef {
    let number = |s: &str| s.parse::<i64>().ok();
    let mut def = crate::ops::SequenceDef::new(name);
    def.options.start = number(start);
    def.options.increment = number(increment);
    def.options.min_value = number(min);
    def.options.max_value = number(max);
    def.options.cache = number(cache);
    def.options.cycle = cycle;
    def.options = def.options.normalised(defaults);
    def
}
