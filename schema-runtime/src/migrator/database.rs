//! A connection to one of the three databases, held for a whole run (the migration lock is a
//! session lock).

use std::str::FromStr;
use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::Connection;

use super::error::MigrateError;
use crate::Dialect;

/// How long connecting and each statement may take.
///
/// ```
/// use std::time::Duration;
/// use schema_runtime::migrator::ConnectOptions;
/// let options = ConnectOptions::default().with_statement_timeout(Some(Duration::from_secs(600)));
/// assert_eq!(options.connect_timeout, Duration::from_secs(5));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConnectOptions {
    /// Connecting (TCP, TLS, authentication) must finish within this; the error names
    /// `host:port` and the cause.
    pub connect_timeout: Duration,
    /// Each statement and bookkeeping query must answer within this (`None`: no bound), so a
    /// server that stops answering ends the run with an error instead of a silent wait.
    pub statement_timeout: Option<Duration>,
    /// How long SQLite waits for another writer's lock before it gives up.
    pub busy_timeout: Duration,
    /// PostgreSQL: the schema (namespace) the run works in: `search_path` is set to it alone
    /// when connecting, so the version table, the log and every unqualified name of the
    /// migrations live there, and introspection reads it only. `None`: the server's
    /// `search_path` (usually `public`). Refused on the other databases, whose schemas are
    /// databases: name it in the URL.
    pub schema: Option<String>,
    /// Create [`schema`](Self::schema) when it does not exist (what `upgrade` and `stamp` do);
    /// otherwise connecting fails, naming it.
    pub create_schema: bool,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            connect_timeout: Duration::from_secs(5),
            statement_timeout: None,
            busy_timeout: Duration::from_secs(60),
            schema: None,
            create_schema: false,
        }
    }
}

impl ConnectOptions {
    /// Connecting must finish within `timeout`.
    pub fn with_connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Each statement must answer within `timeout` (`None`: no bound).
    pub fn with_statement_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.statement_timeout = timeout;
        self
    }

    /// SQLite waits this long for another writer.
    pub fn with_busy_timeout(mut self, timeout: Duration) -> Self {
        self.busy_timeout = timeout;
        self
    }

    /// PostgreSQL: work in `schema` (see [`ConnectOptions::schema`]).
    pub fn with_schema(mut self, schema: Option<String>) -> Self {
        self.schema = schema;
        self
    }

    /// Create the schema when it is missing (see [`ConnectOptions::create_schema`]).
    pub fn with_create_schema(mut self, create: bool) -> Self {
        self.create_schema = create;
        self
    }
}

/// A database connection that the migrator drives.
///
/// Open one from a URL with [`Database::connect`], or wrap a connection from the application's
/// own pool: `Database::from(pool.acquire().await?)`. The type is the same whichever drivers
/// the crate was built with; a MySQL-protocol connection learns whether the server is MySQL or
/// MariaDB from its version, when connecting or, for a wrapped connection, on first use by the
/// migrator ([`Database::detect_flavour`]).
#[derive(Debug)]
pub struct Database {
    conn: Conn,
    dialect: Dialect,
    /// The MySQL-family flavour was read from the server (always true elsewhere).
    flavour_known: bool,
    /// `host:port` (or the SQLite file), for messages.
    endpoint: String,
    statement_timeout: Option<Duration>,
    /// The PostgreSQL schema the connection works in, when one was asked for.
    schema: Option<String>,
}

/// A connection of the application's pool, or one of our own.
#[derive(Debug)]
enum Handle<DB: sqlx::Database> {
    Pooled(PoolConnection<DB>),
    Owned(DB::Connection),
}

impl<DB: sqlx::Database> Handle<DB> {
    fn get(&mut self) -> &mut DB::Connection {
        match self {
            Handle::Pooled(c) => c,
            Handle::Owned(c) => c,
        }
    }
}

/// The driver connection.
#[derive(Debug)]
enum Conn {
    #[cfg(feature = "postgres")]
    Postgres(Handle<sqlx::Postgres>),
    #[cfg(feature = "sqlite")]
    Sqlite(Handle<sqlx::Sqlite>),
    #[cfg(feature = "mysql")]
    Mysql(Handle<sqlx::MySql>),
}

/// Runs `$body` with `$c` bound to the concrete connection, whatever the database, within the
/// statement timeout.
macro_rules! with_conn {
    ($db:expr, $c:ident => $body:expr) => {{
        let timeout = $db.statement_timeout;
        let endpoint = &$db.endpoint;
        match &mut $db.conn {
            #[cfg(feature = "postgres")]
            Conn::Postgres(h) => {
                let $c = h.get();
                bounded(timeout, endpoint, $body).await
            }
            #[cfg(feature = "sqlite")]
            Conn::Sqlite(h) => {
                let $c = h.get();
                bounded(timeout, endpoint, $body).await
            }
            #[cfg(feature = "mysql")]
            Conn::Mysql(h) => {
                let $c = h.get();
                bounded(timeout, endpoint, $body).await
            }
        }
    }};
}

/// `work`, failing with a timeout that names the server when it takes longer than `timeout`.
async fn bounded<T>(
    timeout: Option<Duration>,
    endpoint: &str,
    work: impl std::future::Future<Output = Result<T, sqlx::Error>>,
) -> Result<T, sqlx::Error> {
    let Some(limit) = timeout else {
        return work.await;
    };
    match tokio::time::timeout(limit, work).await {
        Ok(result) => result,
        Err(_) => Err(sqlx::Error::Io(std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            format!(
                "no answer from {endpoint} within {:.1}s (the statement timeout): the server is stopped, overloaded or waiting on a lock; raise --statement-timeout if the statement is slow by nature",
                limit.as_secs_f64()
            ),
        ))),
    }
}

#[cfg(feature = "postgres")]
impl From<PoolConnection<sqlx::Postgres>> for Database {
    fn from(c: PoolConnection<sqlx::Postgres>) -> Self {
        Database::new(Conn::Postgres(Handle::Pooled(c)), Dialect::Postgres, true)
    }
}
#[cfg(feature = "sqlite")]
impl From<PoolConnection<sqlx::Sqlite>> for Database {
    fn from(c: PoolConnection<sqlx::Sqlite>) -> Self {
        Database::new(Conn::Sqlite(Handle::Pooled(c)), Dialect::Sqlite, true)
    }
}
#[cfg(feature = "mysql")]
impl From<PoolConnection<sqlx::MySql>> for Database {
    /// MySQL until [`Database::detect_flavour`] (which every migrator call makes) reads the
    /// server's version.
    fn from(c: PoolConnection<sqlx::MySql>) -> Self {
        Database::new(Conn::Mysql(Handle::Pooled(c)), Dialect::Mysql, false)
    }
}

/// `host:port` of a server URL (default ports filled in), or the path of a SQLite one.
///
/// ```
/// use schema_runtime::migrator::endpoint;
/// assert_eq!(endpoint("postgres://app:pw@db.internal/app?sslmode=require"), "db.internal:5432");
/// assert_eq!(endpoint("mysql://root@127.0.0.1:3307/app"), "127.0.0.1:3307");
/// assert_eq!(endpoint("sqlite:data/app.db"), "data/app.db");
/// ```
pub fn endpoint(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.split_once(':').map_or(url, |(_, path)| path).to_owned();
    };
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let has_port = host
        .rsplit_once(':')
        .is_some_and(|(_, p)| p.chars().all(|c| c.is_ascii_digit()) && !p.is_empty())
        && !host.ends_with(']');
    if has_port || host.is_empty() {
        return host.to_owned();
    }
    let port = match scheme {
        "postgres" | "postgresql" => 5432,
        _ => 3306,
    };
    format!("{host}:{port}")
}

/// The URL without its password, for messages.
///
/// ```
/// use schema_runtime::migrator::redact_url;
/// assert_eq!(redact_url("postgres://app:secret@db/app"), "postgres://app:***@db/app");
/// assert_eq!(redact_url("mysql://app@db/app?password=secret&ssl-mode=required"), "mysql://app@db/app?password=***&ssl-mode=required");
/// ```
pub fn redact(url: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let mut out = match (base.find("://"), base.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &base[scheme + 3..at];
            match userinfo.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &base[..scheme + 3],
                    &userinfo[..colon],
                    &base[at..]
                ),
                None => base.to_owned(),
            }
        }
        _ => base.to_owned(),
    };
    if let Some(query) = query {
        // `?password=...` (and the like) is a password too.
        let params: Vec<String> = query
            .split('&')
            .map(|param| match param.split_once('=') {
                Some((key, _)) if key.to_ascii_lowercase().contains("pass") => format!("{key}=***"),
                _ => param.to_owned(),
            })
            .collect();
        out.push('?');
        out.push_str(&params.join("&"));
    }
    out
}

impl Database {
    fn new(conn: Conn, dialect: Dialect, flavour_known: bool) -> Database {
        Database {
            conn,
            dialect,
            flavour_known,
            endpoint: String::new(),
            statement_timeout: None,
            schema: None,
        }
    }

    /// Connects to `url` (`postgres://`, `sqlite:`, `mysql://` or `mariadb://`) with the
    /// default [`ConnectOptions`]; a SQLite file is created when missing. On a MySQL-protocol
    /// server the flavour (MySQL or MariaDB) comes from the server's version, whatever the
    /// URL's scheme says.
    pub async fn connect(url: &str) -> Result<Database, MigrateError> {
        Database::connect_with(url, &ConnectOptions::default()).await
    }

    /// Connects to `url` within `options.connect_timeout`; errors name `host:port` and the
    /// cause (refused, name resolution, TLS, authentication, no answer).
    pub async fn connect_with(
        url: &str,
        options: &ConnectOptions,
    ) -> Result<Database, MigrateError> {
        let dialect =
            Dialect::from_url(url).ok_or_else(|| MigrateError::UnsupportedUrl(redact(url)))?;
        if let Some(schema) = &options.schema {
            if dialect != Dialect::Postgres {
                return Err(MigrateError::Usage(format!(
                    "a schema (`{schema}`) is PostgreSQL's: on {} a schema is a database, so name it in the URL ({}) instead of --schema",
                    dialect.name(),
                    redact(url)
                )));
            }
            if schema.is_empty() || schema.len() > 63 || schema.contains('\0') {
                return Err(MigrateError::Usage(format!(
                    "`{schema}` is not a PostgreSQL schema name: 1 to 63 bytes, no NUL"
                )));
            }
        }
        let endpoint = endpoint(url);
        let connect_err = |source| MigrateError::Connect {
            url: redact(url),
            endpoint: endpoint.clone(),
            source,
        };
        let connecting = async {
            Ok::<Conn, sqlx::Error>(match dialect {
                #[cfg(feature = "postgres")]
                Dialect::Postgres => {
                    let mut pg = sqlx::postgres::PgConnectOptions::from_str(url)?;
                    if let Some(schema) = &options.schema {
                        // Sent with the start-up packet: no round trip of its own.
                        pg = pg.options([("search_path", Dialect::Postgres.quote(schema))]);
                    }
                    Conn::Postgres(Handle::Owned(sqlx::PgConnection::connect_with(&pg).await?))
                }
                #[cfg(feature = "sqlite")]
                Dialect::Sqlite => {
                    let path = url
                        .trim_start_matches("sqlite:")
                        .trim_start_matches("//")
                        .split('?')
                        .next()
                        .unwrap_or_default();
                    if path.is_empty() {
                        return Err(sqlx::Error::Configuration(
                            "the SQLite URL names no file; write sqlite:path/to/app.db (sqlite::memory: for a database that vanishes with the connection)".into(),
                        ));
                    }
                    let options = sqlx::sqlite::SqliteConnectOptions::from_str(url)?
                        .create_if_missing(true)
                        // Concurrent migrators queue on SQLite's write lock rather than fail.
                        .busy_timeout(options.busy_timeout);
                    Conn::Sqlite(Handle::Owned(
                        sqlx::SqliteConnection::connect_with(&options).await?,
                    ))
                }
                #[cfg(feature = "mysql")]
                Dialect::Mysql | Dialect::Mariadb => {
                    let url = url.replacen("mariadb://", "mysql://", 1);
                    let options = sqlx::mysql::MySqlConnectOptions::from_str(&url)?;
                    Conn::Mysql(Handle::Owned(
                        sqlx::MySqlConnection::connect_with(&options).await?,
                    ))
                }
                #[allow(unreachable_patterns)]
                other => {
                    return Err(sqlx::Error::Configuration(
                        format!(
                            "schema-runtime was built without the `{}` feature: add it to \
                             `features` of schema-runtime in Cargo.toml",
                            if other.is_mysql_family() {
                                "mysql"
                            } else {
                                other.name()
                            }
                        )
                        .into(),
                    ))
                }
            })
        };
        let conn = match tokio::time::timeout(options.connect_timeout, connecting).await {
            Ok(conn) => conn.map_err(connect_err)?,
            Err(_) => {
                return Err(MigrateError::ConnectTimeout {
                    url: redact(url),
                    endpoint,
                    seconds: options.connect_timeout.as_secs_f64(),
                })
            }
        };
        let mut db = Database::new(conn, dialect, !dialect.is_mysql_family());
        db.endpoint = endpoint.clone();
        db.statement_timeout = options.statement_timeout;
        db.detect_flavour().await.map_err(connect_err)?;
        if let Some(schema) = &options.schema {
            db.enter_schema(schema, options.create_schema).await?;
        }
        Ok(db)
    }

    /// Checks that the `search_path` set at connection names an existing schema (PostgreSQL
    /// ignores one that does not exist, and would then create tables nowhere), creating it
    /// when asked.
    async fn enter_schema(&mut self, schema: &str, create: bool) -> Result<(), MigrateError> {
        let found = self
            .fetch_strings(
                "SELECT CAST(current_schema() AS TEXT) WHERE current_schema() IS NOT NULL",
            )
            .await?;
        if found.first().map(String::as_str) != Some(schema) {
            if !create {
                return Err(MigrateError::Usage(format!(
                    "schema `{schema}` does not exist in {}: create it (CREATE SCHEMA {}) or run `upgrade`, which creates it",
                    self.endpoint,
                    Dialect::Postgres.quote(schema)
                )));
            }
            self.execute(&format!(
                "CREATE SCHEMA IF NOT EXISTS {}",
                Dialect::Postgres.quote(schema)
            ))
            .await?;
        }
        self.endpoint = format!("{} (schema {schema})", self.endpoint);
        self.schema = Some(schema.to_owned());
        Ok(())
    }

    /// The PostgreSQL schema this connection works in, when [`ConnectOptions::schema`] named one.
    pub fn schema(&self) -> Option<&str> {
        self.schema.as_deref()
    }

    /// Bounds each query from now on (`None`: the connection's own bound).
    pub(crate) fn set_statement_bound(&mut self, bound: Option<Duration>) {
        if let Some(bound) = bound {
            self.statement_timeout = Some(self.statement_timeout.map_or(bound, |t| t.max(bound)));
        }
    }

    /// `host:port` of the server (the file, for SQLite), as messages name it.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Reads the server's version to tell MySQL from MariaDB (a no-op elsewhere, and after the
    /// first call).
    pub async fn detect_flavour(&mut self) -> Result<Dialect, sqlx::Error> {
        if !self.flavour_known {
            let version = self.fetch_strings("SELECT CAST(VERSION() AS CHAR)").await?;
            if let Some(version) = version.first() {
                self.dialect = self.dialect.with_server_version(version);
            }
            self.flavour_known = true;
            // The session settings SQL is rendered for (also on a wrapped connection).
            for sql in self.dialect.bookkeeping().session_setup() {
                self.execute(sql).await?;
            }
        }
        Ok(self.dialect)
    }

    /// The dialect of this connection.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// Runs one statement (simple protocol, no parameters).
    pub(crate) async fn execute(&mut self, sql: &str) -> Result<(), sqlx::Error> {
        with_conn!(self, c => async { sqlx::raw_sql(sql).execute(&mut *c).await.map(|_| ()) })
    }

    /// Runs a query whose rows are one text column each.
    pub(crate) async fn fetch_strings(&mut self, sql: &str) -> Result<Vec<String>, sqlx::Error> {
        with_conn!(self, c => sqlx::query_scalar::<_, String>(sql).fetch_all(&mut *c))
    }

    /// Runs a query whose first `columns` columns are text.
    pub(crate) async fn fetch_rows(
        &mut self,
        sql: &str,
        columns: usize,
    ) -> Result<Vec<Vec<String>>, sqlx::Error> {
        use sqlx::Row;
        with_conn!(self, c => async {
            let rows = sqlx::query(sql).fetch_all(&mut *c).await?;
            rows.iter().map(|row| (0..columns).map(|i| row.try_get::<String, _>(i)).collect()).collect()
        })
    }

    /// Statements and queries outside any migration, for tests and tooling: nothing sent
    /// through [`Raw`] is recorded in the version table or the log.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(async {
    /// let mut db = schema_runtime::Database::connect("sqlite::memory:").await?;
    /// db.raw().execute("CREATE TABLE t (id INTEGER)").await?;
    /// assert_eq!(db.raw().fetch_strings("SELECT name FROM sqlite_master").await?, ["t"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(()) })?;
    /// # Ok(()) }
    /// ```
    pub fn raw(&mut self) -> Raw<'_> {
        Raw { db: self }
    }

    /// Closes the connection, so the server ends the session at once (before a `DROP
    /// DATABASE`, say); a connection of the application's pool goes back to it instead.
    pub async fn close(self) -> Result<(), sqlx::Error> {
        match self.conn {
            #[cfg(feature = "postgres")]
            Conn::Postgres(Handle::Owned(c)) => c.close().await,
            #[cfg(feature = "sqlite")]
            Conn::Sqlite(Handle::Owned(c)) => c.close().await,
            #[cfg(feature = "mysql")]
            Conn::Mysql(Handle::Owned(c)) => c.close().await,
            #[allow(unreachable_patterns)]
            _ => Ok(()),
        }
    }

    /// Whether a table exists in the current schema / database.
    pub async fn table_exists(&mut self, table: &str) -> Result<bool, sqlx::Error> {
        let sql = self.dialect.bookkeeping().table_exists_sql(table);
        Ok(!self.fetch_strings(&sql).await?.is_empty())
    }

    /// Tries to take the per-database migration lock; `false` when another session holds it.
    pub(crate) async fn try_lock(
        &mut self,
        timeout: std::time::Duration,
    ) -> Result<bool, sqlx::Error> {
        let bookkeeping = self.dialect.bookkeeping();
        let Some(sql) = bookkeeping.try_lock_sql(timeout) else {
            return Ok(true);
        };
        let got = self.fetch_strings(&sql).await?;
        Ok(got.first().is_some_and(|v| bookkeeping.lock_granted(v)))
    }

    /// Releases the migration lock.
    pub(crate) async fn unlock(&mut self) -> Result<(), sqlx::Error> {
        match self.dialect.bookkeeping().unlock_sql() {
            Some(sql) => self.execute(&sql).await,
            None => Ok(()),
        }
    }
}

/// Raw access to a [`Database`]: see [`Database::raw`].
#[derive(Debug)]
pub struct Raw<'a> {
    db: &'a mut Database,
}

impl Raw<'_> {
    /// Runs SQL (simple protocol, no parameters; several statements allowed where the driver
    /// takes them).
    pub async fn execute(&mut self, sql: &str) -> Result<(), sqlx::Error> {
        self.db.execute(sql).await
    }

    /// Runs a query whose rows are one text column each.
    pub async fn fetch_strings(&mut self, sql: &str) -> Result<Vec<String>, sqlx::Error> {
        self.db.fetch_strings(sql).await
    }

    /// Runs a query whose first `columns` columns are text.
    pub async fn fetch_rows(
        &mut self,
        sql: &str,
        columns: usize,
    ) -> Result<Vec<Vec<String>>, sqlx::Error> {
        self.db.fetch_rows(sql, columns).await
    }
}

/// Whether `e` is a statement that gave up waiting for a lock: PostgreSQL's `lock_not_available`
/// (55P03, from `lock_timeout`), MySQL/MariaDB's error 1205 (`lock_wait_timeout`,
/// `innodb_lock_wait_timeout`).
pub(crate) fn is_lock_timeout(e: &sqlx::Error) -> bool {
    let Some(db) = e.as_database_error() else {
        return false;
    };
    if db.code().as_deref() == Some("55P03") {
        return true;
    }
    #[cfg(feature = "mysql")]
    if let Some(my) = db.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>() {
        return my.number() == 1205;
    }
    false
}
