//! The three servers: URLs for our tool and for SQLAlchemy, a fresh database per run (created
//! and dropped outside the timed region), the command-line client that runs the plain SQL
//! script, and the check that a run really reached the head.

use std::path::{Path, PathBuf};
use std::process::Command;

use schema_runtime::{Database, Dialect};

use crate::BenchError;

/// One database server under test.
#[derive(Debug, Clone)]
pub struct Server {
    /// Which one.
    pub dialect: Dialect,
    /// PostgreSQL / MariaDB: the URL of the administrative database; SQLite: the folder of files.
    base: String,
    /// The command-line client (psql, sqlite3, mariadb).
    pub client: PathBuf,
}

/// A database of one run: its name and URLs.
#[derive(Debug, Clone)]
pub struct RunDatabase {
    /// The database name (PostgreSQL, MariaDB) or file stem (SQLite).
    pub name: String,
    /// URL for our tool (sqlx).
    pub url: String,
    /// URL for SQLAlchemy.
    pub sqlalchemy_url: String,
    dialect: Dialect,
    file: Option<PathBuf>,
}

impl Server {
    /// PostgreSQL at `admin_url` (a URL ending in the administrative database), run by `psql`.
    pub fn postgres(admin_url: &str, psql: PathBuf) -> Server {
        Server {
            dialect: Dialect::Postgres,
            base: admin_url.to_owned(),
            client: psql,
        }
    }

    /// MariaDB at `admin_url`, run by the `mariadb` client.
    pub fn mariadb(admin_url: &str, client: PathBuf) -> Server {
        Server {
            dialect: Dialect::Mariadb,
            base: admin_url.to_owned(),
            client,
        }
    }

    /// SQLite files in `dir`, run by `sqlite3`.
    pub fn sqlite(dir: &Path, client: PathBuf) -> Server {
        Server {
            dialect: Dialect::Sqlite,
            base: dir.display().to_string(),
            client,
        }
    }

    /// `PostgreSQL`, `SQLite`, `MariaDB`.
    pub fn label(&self) -> &'static str {
        match self.dialect {
            Dialect::Postgres => "PostgreSQL",
            Dialect::Sqlite => "SQLite",
            _ => "MariaDB",
        }
    }

    /// The server URL without the database name.
    fn server_url(&self) -> &str {
        self.base
            .rsplit_once('/')
            .map_or(self.base.as_str(), |(server, _)| server)
    }

    /// Names and URLs of database `name` (not created yet).
    pub fn database(&self, name: &str) -> RunDatabase {
        match self.dialect {
            Dialect::Sqlite => {
                let file = Path::new(&self.base).join(format!("{name}.sqlite"));
                RunDatabase {
                    name: name.to_owned(),
                    url: format!("sqlite:{}", file.display()),
                    sqlalchemy_url: format!("sqlite:///{}", file.display()),
                    dialect: self.dialect,
                    file: Some(file),
                }
            }
            Dialect::Postgres => {
                let url = format!("{}/{name}", self.server_url());
                RunDatabase {
                    name: name.to_owned(),
                    sqlalchemy_url: url.replacen("postgres://", "postgresql+psycopg2://", 1),
                    url,
                    dialect: self.dialect,
                    file: None,
                }
            }
            _ => {
                let url = format!("{}/{name}", self.server_url());
                RunDatabase {
                    name: name.to_owned(),
                    sqlalchemy_url: url.replacen("mysql://", "mysql+pymysql://", 1),
                    url,
                    dialect: self.dialect,
                    file: None,
                }
            }
        }
    }

    /// Drops database `name` if it exists and creates it empty.
    pub async fn fresh(&self, name: &str) -> Result<RunDatabase, BenchError> {
        self.drop(name).await?;
        let db = self.database(name);
        match self.dialect {
            Dialect::Sqlite => {}
            _ => {
                let mut admin = Database::connect(&self.base).await?;
                admin
                    .raw()
                    .execute(&format!("CREATE DATABASE {name}"))
                    .await?;
            }
        }
        Ok(db)
    }

    /// Drops database `name` if it exists.
    pub async fn drop(&self, name: &str) -> Result<(), BenchError> {
        match self.dialect {
            Dialect::Sqlite => {
                let db = self.database(name);
                if let Some(file) = &db.file {
                    for suffix in ["", "-journal", "-wal", "-shm"] {
                        let path = PathBuf::from(format!("{}{suffix}", file.display()));
                        if path.exists() {
                            std::fs::remove_file(&path)?;
                        }
                    }
                }
            }
            Dialect::Postgres => {
                let mut admin = Database::connect(&self.base).await?;
                admin
                    .raw()
                    .execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await?;
            }
            _ => {
                let mut admin = Database::connect(&self.base).await?;
                admin
                    .raw()
                    .execute(&format!("DROP DATABASE IF EXISTS {name}"))
                    .await?;
            }
        }
        Ok(())
    }

    /// The client command that runs `script` against `db` (the floor of "apply").
    pub fn script_command(&self, db: &RunDatabase, script: &Path) -> Command {
        let mut command = Command::new(&self.client);
        match self.dialect {
            Dialect::Postgres => {
                command
                    .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", &db.url, "-f"])
                    .arg(script);
            }
            Dialect::Sqlite => {
                let file = db.file.as_ref().expect("SQLite databases are files");
                command
                    .arg("-bail")
                    .arg(file)
                    .arg(format!(".read {}", script.display()));
            }
            _ => {
                let (user, host) = mysql_user_host(&db.url);
                command
                    .args(["--batch", "-h", &host, "-u", &user, &db.name])
                    .stdin(std::fs::File::open(script).expect("script was just written"));
            }
        }
        command
    }

    /// The client command that prints the server version.
    pub fn client_version_command(&self) -> Command {
        let mut command = Command::new(&self.client);
        command.arg("--version");
        command
    }
}

/// `root` and `127.0.0.1` (port ignored: the client's default 3306) from `mysql://root@127.0.0.1:3306/db`.
fn mysql_user_host(url: &str) -> (String, String) {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split('/').next().unwrap_or(rest);
    let (user, host) = authority.split_once('@').unwrap_or(("root", authority));
    let user = user.split(':').next().unwrap_or(user);
    let host = host.split(':').next().unwrap_or(host);
    (user.to_owned(), host.to_owned())
}

impl RunDatabase {
    /// Connects (outside any timed region).
    pub async fn connect(&self) -> Result<Database, BenchError> {
        Ok(Database::connect(&self.url).await?)
    }

    /// Fails unless `version_table` holds exactly `head` and the database has `tables` tables
    /// besides the tools' bookkeeping:
    /// a run that did nothing would otherwise look fast.
    pub async fn verify(
        &self,
        version_table: &str,
        head: &str,
        tables: usize,
    ) -> Result<(), BenchError> {
        let mut db = self.connect().await?;
        let versions = db
            .raw()
            .fetch_strings(&format!("SELECT version_num FROM {version_table}"))
            .await?;
        // The chain's own tables: each tool's bookkeeping (version, history, progress) is its
        // business.
        let bookkeeping = "('alembic_version', 'schema_version', 'schema_log', 'schema_progress', 'schema_ops')";
        let count_sql = match self.dialect {
            Dialect::Postgres => format!("SELECT CAST(count(*) AS TEXT) FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename NOT IN {bookkeeping}"),
            Dialect::Sqlite => format!("SELECT CAST(count(*) AS TEXT) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT IN {bookkeeping}"),
            _ => format!("SELECT CAST(count(*) AS CHAR) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name NOT IN {bookkeeping}"),
        };
        let count: usize = db
            .raw()
            .fetch_strings(&count_sql)
            .await?
            .first()
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        if versions != [head] || count != tables {
            return Err(BenchError::new(format!(
                "{}: expected version [{head}] and {tables} tables, found {versions:?} and {count}",
                self.name
            )));
        }
        Ok(())
    }
}
