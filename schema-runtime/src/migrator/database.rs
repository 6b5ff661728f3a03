//! A connection to one of the three databases, held for a whole run (the migration lock is a
//! session lock).

use std::str::FromStr;

use sqlx::pool::PoolConnection;

use super::error::MigrateError;
use crate::Dialect;

/// A database connection that the migrator drives.
///
/// Open one from a URL with [`Database::connect`], or wrap a connection from the application's
/// own pool: `Database::from(pool.acquire().await?)`.
#[derive(Debug)]
pub enum Database {
    /// PostgreSQL.
    #[cfg(feature = "postgres")]
    Postgres(PoolConnection<sqlx::Postgres>),
    /// SQLite.
    #[cfg(feature = "sqlite")]
    Sqlite(PoolConnection<sqlx::Sqlite>),
    /// MySQL / MariaDB.
    #[cfg(feature = "mysql")]
    Mysql(PoolConnection<sqlx::MySql>),
}

/// Runs `$body` with `$c` bound to the concrete connection, whatever the database.
macro_rules! with_conn {
    ($db:expr, $c:ident => $body:expr) => {
        match $db {
            #[cfg(feature = "postgres")]
            Database::Postgres($c) => $body,
            #[cfg(feature = "sqlite")]
            Database::Sqlite($c) => $body,
            #[cfg(feature = "mysql")]
            Database::Mysql($c) => $body,
        }
    };
}

#[cfg(feature = "postgres")]
impl From<PoolConnection<sqlx::Postgres>> for Database {
    fn from(c: PoolConnection<sqlx::Postgres>) -> Self {
        Database::Postgres(c)
    }
}
#[cfg(feature = "sqlite")]
impl From<PoolConnection<sqlx::Sqlite>> for Database {
    fn from(c: PoolConnection<sqlx::Sqlite>) -> Self {
        Database::Sqlite(c)
    }
}
#[cfg(feature = "mysql")]
impl From<PoolConnection<sqlx::MySql>> for Database {
    fn from(c: PoolConnection<sqlx::MySql>) -> Self {
        Database::Mysql(c)
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
    /// Connects to `url` (`postgres://`, `sqlite:`, `mysql://` or `mariadb://`); a SQLite file
    /// is created when missing.
    pub async fn connect(url: &str) -> Result<Database, MigrateError> {
        let dialect =
            Dialect::from_url(url).ok_or_else(|| MigrateError::UnsupportedUrl(redact(url)))?;
        let connect_err = |source| MigrateError::Connect {
            url: redact(url),
            source,
        };
        match dialect {
            #[cfg(feature = "postgres")]
            Dialect::Postgres => {
                let pool: sqlx::PgPool =
                    one_connection().connect(url).await.map_err(connect_err)?;
                Ok(Database::Postgres(
                    pool.acquire().await.map_err(connect_err)?,
                ))
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
                Ok(Database::Sqlite(pool.acquire().await.map_err(connect_err)?))
            }
            #[cfg(feature = "mysql")]
            Dialect::Mysql => {
                let url = url.replacen("mariadb://", "mysql://", 1);
                let pool: sqlx::MySqlPool =
                    one_connection().connect(&url).await.map_err(connect_err)?;
                Ok(Database::Mysql(pool.acquire().await.map_err(connect_err)?))
            }
            #[allow(unreachable_patterns)]
            other => Err(MigrateError::UnsupportedUrl(format!(
                "{} (schema-runtime was built without the `{}` feature)",
                redact(url),
                other.name()
            ))),
        }
    }

    /// The dialect of this connection.
    pub fn dialect(&self) -> Dialect {
        match self {
            #[cfg(feature = "postgres")]
            Database::Postgres(_) => Dialect::Postgres,
            #[cfg(feature = "sqlite")]
            Database::Sqlite(_) => Dialect::Sqlite,
            #[cfg(feature = "mysql")]
            Database::Mysql(_) => Dialect::Mysql,
        }
    }

    /// Runs one statement (simple protocol, no parameters).
    pub async fn execute(&mut self, sql: &str) -> Result<(), sqlx::Error> {
        with_conn!(self, c => sqlx::raw_sql(sql).execute(&mut **c).await.map(|_| ()))
    }

    /// Runs a query whose rows are one text column each.
    pub async fn fetch_strings(&mut self, sql: &str) -> Result<Vec<String>, sqlx::Error> {
        with_conn!(self, c => sqlx::query_scalar::<_, String>(sql).fetch_all(&mut **c).await)
    }

    /// Runs a query whose first `columns` columns are text.
    pub async fn fetch_rows(
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

    /// Whether a table exists in the current schema / database.
    pub async fn table_exists(&mut self, table: &str) -> Result<bool, sqlx::Error> {
        let d = self.dialect();
        let sql = match d {
            Dialect::Postgres => format!(
                "SELECT CAST(tablename AS TEXT) FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = {}",
                d.literal(table)
            ),
            Dialect::Sqlite => format!("SELECT name FROM sqlite_master WHERE type = 'table' AND name = {}", d.literal(table)),
            Dialect::Mysql => format!(
                "SELECT CAST(table_name AS CHAR) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = {}",
                d.literal(table)
            ),
        };
        Ok(!self.fetch_strings(&sql).await?.is_empty())
    }

    /// Tries to take the per-database migration lock; `false` when another session holds it.
    pub(crate) async fn try_lock(
        &mut self,
        timeout: std::time::Duration,
    ) -> Result<bool, sqlx::Error> {
        match self.dialect() {
            Dialect::Postgres => {
                let got = self
                    .fetch_strings(&format!(
                        "SELECT CAST(pg_try_advisory_lock({LOCK_KEY}) AS TEXT)"
                    ))
                    .await?;
                Ok(got.first().is_some_and(|v| v == "true"))
            }
            Dialect::Mysql => {
                // GET_LOCK waits itself; its lock is per connection, like the advisory lock.
                let got = self
                    .fetch_strings(&format!(
                        "SELECT CAST(GET_LOCK(LEFT(CONCAT('cargo_schema.', DATABASE()), 64), {}) AS CHAR)",
                        timeout.as_secs().max(1)
                    ))
                    .await?;
                Ok(got.first().is_some_and(|v| v == "1"))
            }
            Dialect::Sqlite => Ok(true),
        }
    }

    /// Releases the migration lock.
    pub(crate) async fn unlock(&mut self) -> Result<(), sqlx::Error> {
        match self.dialect() {
            Dialect::Postgres => {
                self.execute(&format!("SELECT pg_advisory_unlock({LOCK_KEY})"))
                    .await
            }
            Dialect::Mysql => {
                self.execute("SELECT RELEASE_LOCK(LEFT(CONCAT('cargo_schema.', DATABASE()), 64))")
                    .await
            }
            Dialect::Sqlite => Ok(()),
        }
    }
}

/// A pool of one connection: the migrator holds it for the whole run.
fn one_connection<DB: sqlx::Database>() -> sqlx::pool::PoolOptions<DB> {
    sqlx::pool::PoolOptions::new()
        .max_connections(1)
        .min_connections(0)
}

/// The advisory-lock key: the bytes of "cgschema" as a big-endian i64.
const LOCK_KEY: i64 = 0x6367_7363_6865_6d61;
