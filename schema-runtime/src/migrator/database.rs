//! A connection to one of the three databases, held for a whole run (the migration lock is a
//! session lock).

use std::str::FromStr;

use sqlx::pool::PoolConnection;

use super::error::MigrateError;
use crate::Dialect;

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
}

/// The driver connection.
#[derive(Debug)]
enum Conn {
    #[cfg(feature = "postgres")]
    Postgres(PoolConnection<sqlx::Postgres>),
    #[cfg(feature = "sqlite")]
    Sqlite(PoolConnection<sqlx::Sqlite>),
    #[cfg(feature = "mysql")]
    Mysql(PoolConnection<sqlx::MySql>),
}

/// Runs `$body` with `$c` bound to the concrete connection, whatever the database.
macro_rules! with_conn {
    ($db:expr, $c:ident => $body:expr) => {
        match &mut $db.conn {
            #[cfg(feature = "postgres")]
            Conn::Postgres($c) => $body,
            #[cfg(feature = "sqlite")]
            Conn::Sqlite($c) => $body,
            #[cfg(feature = "mysql")]
            Conn::Mysql($c) => $body,
        }
    };
}

#[cfg(feature = "postgres")]
impl From<PoolConnection<sqlx::Postgres>> for Database {
    fn from(c: PoolConnection<sqlx::Postgres>) -> Self {
        Database::new(Conn::Postgres(c), Dialect::Postgres, true)
    }
}
#[cfg(feature = "sqlite")]
impl From<PoolConnection<sqlx::Sqlite>> for Database {
    fn from(c: PoolConnection<sqlx::Sqlite>) -> Self {
        Database::new(Conn::Sqlite(c), Dialect::Sqlite, true)
    }
}
#[cfg(feature = "mysql")]
impl From<PoolConnection<sqlx::MySql>> for Database {
    /// MySQL until [`Database::detect_flavour`] (which every migrator call makes) reads the
    /// server's version.
    fn from(c: PoolConnection<sqlx::MySql>) -> Self {
        Database::new(Conn::Mysql(c), Dialect::Mysql, false)
    }
}

/// The URL without its password, for messages.
///
/// ```
/// assert_eq!(schema_runtime::migrator::redact_url("postgres://app:secret@db/app"), "postgres://app:***@db/app");
/// ```
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme + 3],
                    &userinfo[..colon],
                    &url[at..]
                ),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

impl Database {
    fn new(conn: Conn, dialect: Dialect, flavour_known: bool) -> Database {
        Database {
            conn,
            dialect,
            flavour_known,
        }
    }

    /// Connects to `url` (`postgres://`, `sqlite:`, `mysql://` or `mariadb://`); a SQLite file
    /// is created when missing. On a MySQL-protocol server the flavour (MySQL or MariaDB)
    /// comes from the server's version, whatever the URL's scheme says.
    pub async fn connect(url: &str) -> Result<Database, MigrateError> {
        let dialect =
            Dialect::from_url(url).ok_or_else(|| MigrateError::UnsupportedUrl(redact(url)))?;
        let connect_err = |source| MigrateError::Connect {
            url: redact(url),
            source,
        };
        let conn = match dialect {
            #[cfg(feature = "postgres")]
            Dialect::Postgres => {
                let pool: sqlx::PgPool =
                    one_connection().connect(url).await.map_err(connect_err)?;
                Conn::Postgres(pool.acquire().await.map_err(connect_err)?)
            }
            #[cfg(feature = "sqlite")]
            Dialect::Sqlite => {
                let options = sqlx::sqlite::SqliteConnectOptions::from_str(url)
                    .map_err(connect_err)?
                    .create_if_missing(true)
                    // Concurrent migrators queue on SQLite's write lock rather than fail.
                    .busy_timeout(std::time::Duration::from_secs(60));
                let pool: sqlx::SqlitePool = one_connection()
                    .connect_with(options)
                    .await
                    .map_err(connect_err)?;
                Conn::Sqlite(pool.acquire().await.map_err(connect_err)?)
            }
            #[cfg(feature = "mysql")]
            Dialect::Mysql | Dialect::Mariadb => {
                let url = url.replacen("mariadb://", "mysql://", 1);
                let pool: sqlx::MySqlPool =
                    one_connection().connect(&url).await.map_err(connect_err)?;
                Conn::Mysql(pool.acquire().await.map_err(connect_err)?)
            }
            #[allow(unreachable_patterns)]
            other => {
                return Err(MigrateError::UnsupportedUrl(format!(
                    "{} (schema-runtime was built without the `{}` feature)",
                    redact(url),
                    if other.is_mysql_family() {
                        "mysql"
                    } else {
                        other.name()
                    }
                )))
            }
        };
        let mut db = Database::new(conn, dialect, !dialect.is_mysql_family());
        db.detect_flavour().await.map_err(connect_err)?;
        Ok(db)
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
        }
        Ok(self.dialect)
    }

    /// The dialect of this connection.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// Runs one statement (simple protocol, no parameters).
    pub(crate) async fn execute(&mut self, sql: &str) -> Result<(), sqlx::Error> {
        with_conn!(self, c => sqlx::raw_sql(sql).execute(&mut **c).await.map(|_| ()))
    }

    /// Runs a query whose rows are one text column each.
    pub(crate) async fn fetch_strings(&mut self, sql: &str) -> Result<Vec<String>, sqlx::Error> {
        with_conn!(self, c => sqlx::query_scalar::<_, String>(sql).fetch_all(&mut **c).await)
    }

    /// Runs a query whose first `columns` columns are text.
    pub(crate) async fn fetch_rows(
        &mut self,
        sql: &str,
        columns: usize,
    ) -> Result<Vec<Vec<String>>, sqlx::Error> {
        use sqlx::Row;
        with_conn!(self, c => {
            let rows = sqlx::query(sql).fetch_all(&mut **c).await?;
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

/// A pool of one connection: the migrator holds it for the whole run.
fn one_connection<DB: sqlx::Database>() -> sqlx::pool::PoolOptions<DB> {
    sqlx::pool::PoolOptions::new()
        .max_connections(1)
        .min_connections(0)
}
