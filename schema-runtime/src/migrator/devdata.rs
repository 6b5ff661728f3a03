//! Development data and resets (`cargo schema seed`, `cargo schema reset`): SQL seed files
//! run once each and recorded, the migrations' objects dropped or every object dropped, and the
//! check that keeps both away from databases that are not for development.
//!
//! Seeds live in `seeds/` next to the migrations folder: `NNN_name.sql` for every dialect,
//! `NNN_name.postgres.sql` / `.sqlite.sql` / `.mysql.sql` / `.mariadb.sql` in place of it on
//! one (MariaDB falls back to `.mysql.sql`), run in file-name order.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use super::{url, Database, MigrateError, Migrator};
use crate::Dialect;

/// The dialect suffixes a seed file may carry before `.sql`.
const DIALECT_SUFFIXES: [&str; 4] = ["postgres", "sqlite", "mysql", "mariadb"];

/// One seed as the folder holds it: its name and the file that runs on this dialect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seed {
    /// The name recorded in `schema_seeds`: the file name without `.sql` and without a dialect
    /// suffix (`001_users`).
    pub name: String,
    /// The file that runs on this dialect; `None` when the folder has files of this name for
    /// other dialects only.
    pub file: Option<PathBuf>,
}

/// Reads the seeds of `dir` for `dialect`, in file-name order; a missing folder has none.
pub fn read_seeds(dir: &Path, dialect: Dialect) -> Result<Vec<Seed>, MigrateError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(MigrateError::Usage(format!(
                "cannot read the seeds folder {}: {e}",
                dir.display()
            )))
        }
    };
    // name -> (suffix or "", path)
    let mut by_name: BTreeMap<String, Vec<(String, PathBuf)>> = BTreeMap::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(stem) = file_name.strip_suffix(".sql") else {
            continue;
        };
        if !path.is_file() || stem.is_empty() {
            continue;
        }
        let (name, suffix) = match stem.rsplit_once('.') {
            Some((name, suffix)) if DIALECT_SUFFIXES.contains(&suffix) && !name.is_empty() => {
                (name, suffix)
            }
            _ => (stem, ""),
        };
        by_name
            .entry(name.to_owned())
            .or_default()
            .push((suffix.to_owned(), path));
    }
    let own = match dialect {
        Dialect::Postgres => "postgres",
        Dialect::Sqlite => "sqlite",
        Dialect::Mysql => "mysql",
        Dialect::Mariadb => "mariadb",
    };
    let preference: &[&str] = match dialect {
        Dialect::Mariadb => &[own, "mysql", ""],
        _ => &[own, ""],
    };
    Ok(by_name
        .into_iter()
        .map(|(name, files)| {
            let file = preference.iter().find_map(|want| {
                files
                    .iter()
                    .find(|(suffix, _)| suffix == want)
                    .map(|(_, p)| p.clone())
            });
            Seed { name, file }
        })
        .collect())
}

/// What happened to one seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeedStatus {
    /// It ran for the first time.
    Applied,
    /// It had run with this same file content: nothing ran.
    Unchanged,
    /// Its file changed since it ran, and it ran again (`--rerun-changed`).
    Rerun,
    /// No file of this name for this dialect.
    NoFile,
}

impl SeedStatus {
    /// `applied`, `unchanged`, `rerun`, `no file`.
    pub fn as_str(self) -> &'static str {
        match self {
            SeedStatus::Applied => "applied",
            SeedStatus::Unchanged => "unchanged",
            SeedStatus::Rerun => "rerun",
            SeedStatus::NoFile => "no file",
        }
    }
}

/// One seed's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedResult {
    /// The seed's name.
    pub name: String,
    /// The file that ran (or would have).
    pub file: Option<PathBuf>,
    /// What happened.
    pub status: SeedStatus,
    /// Hex SHA-256 of the file.
    pub checksum: Option<String>,
    /// How long it ran.
    pub duration: Duration,
}

/// A seed whose file changed since it ran.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedSeed {
    /// The seed's name.
    pub name: String,
    /// The checksum recorded when it ran.
    pub recorded: String,
    /// The file's checksum now.
    pub current: String,
}

fn checksum(text: &[u8]) -> String {
    format!("{:x}", Sha256::digest(text))
}

impl Migrator {
    /// `CREATE TABLE IF NOT EXISTS` for the applied seeds.
    fn seeds_create_sql(&self, d: Dialect) -> String {
        let table = &self.version_table.seeds;
        format!(
            "CREATE TABLE IF NOT EXISTS {} (\n    name VARCHAR(255) NOT NULL,\n    checksum CHAR(64) NOT NULL,\n    applied_at VARCHAR(32) NOT NULL,\n    CONSTRAINT {} PRIMARY KEY (name)\n)",
            d.quote(table),
            d.quote(&format!("{table}_pkc")),
        )
    }

    /// The seeds recorded as applied, by name, with their checksums.
    pub async fn applied_seeds(
        &self,
        db: &mut Database,
    ) -> Result<BTreeMap<String, String>, MigrateError> {
        let table = &self.version_table.seeds;
        if !db.table_exists(table).await? {
            return Ok(BTreeMap::new());
        }
        let d = db.dialect();
        let rows = db
            .fetch_rows(&format!("SELECT name, checksum FROM {}", d.quote(table)), 2)
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|r| <[String; 2]>::try_from(r).ok())
            .map(|[name, checksum]| (name, checksum))
            .collect())
    }

    /// Runs the seeds that have not run (in order, each in a transaction with its record in
    /// `schema_seeds`; on MySQL/MariaDB DDL in a seed commits by itself). A seed that ran
    /// with the same file content is skipped. A seed whose file changed since it ran stops
    /// everything before any seed runs ([`MigrateError::SeedsChanged`]), unless
    /// `rerun_changed`, which runs it again. `observe` hears each result as it comes.
    pub async fn seed(
        &self,
        db: &mut Database,
        seeds: &[Seed],
        rerun_changed: bool,
        mut observe: impl FnMut(&SeedResult),
    ) -> Result<Vec<SeedResult>, MigrateError> {
        let d = db.dialect();
        let recorded = self.applied_seeds(db).await?;
        let mut texts = Vec::with_capacity(seeds.len());
        let mut changed = Vec::new();
        for seed in seeds {
            let text = match &seed.file {
                Some(path) => Some(std::fs::read(path).map_err(|e| {
                    MigrateError::Usage(format!("cannot read seed file {}: {e}", path.display()))
                })?),
                None => None,
            };
            let sum = text.as_deref().map(checksum);
            if let (Some(sum), Some(before)) = (&sum, recorded.get(&seed.name)) {
                if sum != before {
                    changed.push(ChangedSeed {
                        name: seed.name.clone(),
                        recorded: before.clone(),
                        current: sum.clone(),
                    });
                }
            }
            texts.push((text, sum));
        }
        if !changed.is_empty() && !rerun_changed {
            return Err(MigrateError::SeedsChanged(changed));
        }
        db.execute(&self.seeds_create_sql(d)).await?;
        let mut results = Vec::with_capacity(seeds.len());
        for (seed, (text, sum)) in seeds.iter().zip(texts) {
            let clock = Instant::now();
            let (Some(text), Some(sum)) = (text, sum) else {
                let result = SeedResult {
                    name: seed.name.clone(),
                    file: None,
                    status: SeedStatus::NoFile,
                    checksum: None,
                    duration: clock.elapsed(),
                };
                observe(&result);
                results.push(result);
                continue;
            };
            let status = match recorded.get(&seed.name) {
                Some(before) if *before == sum => SeedStatus::Unchanged,
                Some(_) => SeedStatus::Rerun,
                None => SeedStatus::Applied,
            };
            if status != SeedStatus::Unchanged {
                let sql = String::from_utf8(text).map_err(|_| {
                    MigrateError::Usage(format!(
                        "seed file {} is not UTF-8 text",
                        seed.file.as_deref().unwrap_or(Path::new("?")).display()
                    ))
                })?;
                self.run_seed(db, seed, &sql, &sum).await?;
            }
            let result = SeedResult {
                name: seed.name.clone(),
                file: seed.file.clone(),
                status,
                checksum: Some(sum),
                duration: clock.elapsed(),
            };
            observe(&result);
            results.push(result);
        }
        Ok(results)
    }

    /// One seed and its record, in one transaction; rolled back on failure.
    async fn run_seed(
        &self,
        db: &mut Database,
        seed: &Seed,
        sql: &str,
        sum: &str,
    ) -> Result<(), MigrateError> {
        let d = db.dialect();
        let table = d.quote(&self.version_table.seeds);
        let record = [
            format!("DELETE FROM {table} WHERE name = {}", d.literal(&seed.name)),
            format!(
                "INSERT INTO {table} (name, checksum, applied_at) VALUES ({}, {}, {})",
                d.literal(&seed.name),
                d.literal(sum),
                d.literal(&super::ledger::now()),
            ),
        ];
        db.execute(d.bookkeeping().begin_sql()).await?;
        let mut ran = db.execute(sql).await;
        for statement in &record {
            if ran.is_ok() {
                ran = db.execute(statement).await;
            }
        }
        match ran {
            Ok(()) => {
                db.execute("COMMIT").await?;
                Ok(())
            }
            Err(source) => {
                let _ = db.execute("ROLLBACK").await;
                Err(MigrateError::Seed {
                    name: seed.name.clone(),
                    file: seed
                        .file
                        .as_deref()
                        .map(|p| p.display().to_string())
                        .unwrap_or_default(),
                    source,
                })
            }
        }
    }

    /// Drops the bookkeeping tables (version, log, progress, ops, seeds), which a downgrade to
    /// base leaves behind.
    pub async fn drop_bookkeeping(&self, db: &mut Database) -> Result<(), MigrateError> {
        let d = db.dialect();
        for table in self.version_table.all() {
            db.execute(&format!("DROP TABLE IF EXISTS {}", d.quote(table)))
                .await?;
        }
        Ok(())
    }
}

/// Drops every table, view, sequence and type of the connection's schema (PostgreSQL: the
/// current schema; MySQL/MariaDB: the database; SQLite: the file), objects of extensions
/// excepted; returns what it dropped, as `table users`.
pub async fn drop_everything(db: &mut Database) -> Result<Vec<String>, MigrateError> {
    let d = db.dialect();
    let mut dropped = Vec::new();
    match d {
        Dialect::Postgres => {
            let not_extension =
                "NOT EXISTS (SELECT 1 FROM pg_depend x WHERE x.objid = {oid} AND x.deptype = 'e')";
            let relations = db
                .fetch_rows(
                    &format!(
                        "SELECT CAST(c.relkind AS TEXT), CAST(c.relname AS TEXT) FROM pg_class c \
                         JOIN pg_namespace n ON n.oid = c.relnamespace \
                         WHERE n.nspname = current_schema() AND c.relkind IN ('v', 'm', 'r', 'p', 'f', 'S') \
                         AND NOT c.relispartition AND {} \
                         ORDER BY CASE c.relkind WHEN 'v' THEN 0 WHEN 'm' THEN 1 WHEN 'S' THEN 3 ELSE 2 END, c.relname",
                        not_extension.replace("{oid}", "c.oid")
                    ),
                    2,
                )
                .await?;
            let types = db
                .fetch_rows(
                    &format!(
                        "SELECT CAST(t.typtype AS TEXT), CAST(t.typname AS TEXT) FROM pg_type t \
                         JOIN pg_namespace n ON n.oid = t.typnamespace \
                         WHERE n.nspname = current_schema() AND t.typtype IN ('e', 'd', 'r', 'c') \
                         AND (t.typtype <> 'c' OR (SELECT r.relkind FROM pg_class r WHERE r.oid = t.typrelid) = 'c') \
                         AND {} ORDER BY t.typname",
                        not_extension.replace("{oid}", "t.oid")
                    ),
                    2,
                )
                .await?;
            // relkind of the relations, then typtype of the types ('r' is a table there, a
            // range type here).
            let relations = relations.into_iter().map(|r| (true, r));
            for (relation, row) in relations.chain(types.into_iter().map(|r| (false, r))) {
                let [kind, name] = <[String; 2]>::try_from(row).unwrap_or_default();
                let what = match (relation, kind.as_str()) {
                    (true, "v") => "VIEW",
                    (true, "m") => "MATERIALIZED VIEW",
                    (true, "S") => "SEQUENCE",
                    (true, "f") => "FOREIGN TABLE",
                    (true, _) => "TABLE",
                    (false, "d") => "DOMAIN",
                    (false, _) => "TYPE",
                };
                db.execute(&format!("DROP {what} IF EXISTS {} CASCADE", d.quote(&name)))
                    .await?;
                dropped.push(format!("{} {name}", what.to_ascii_lowercase()));
            }
        }
        Dialect::Mysql | Dialect::Mariadb => {
            let objects = db
                .fetch_rows(
                    "SELECT CAST(table_type AS CHAR), CAST(table_name AS CHAR) FROM information_schema.tables \
                     WHERE table_schema = DATABASE() ORDER BY CASE table_type WHEN 'VIEW' THEN 0 ELSE 1 END, table_name",
                    2,
                )
                .await?;
            db.execute("SET FOREIGN_KEY_CHECKS = 0").await?;
            let mut result = Ok(());
            for row in objects {
                let [kind, name] = <[String; 2]>::try_from(row).unwrap_or_default();
                let what = match kind.as_str() {
                    "VIEW" => "VIEW",
                    "SEQUENCE" => "SEQUENCE",
                    _ => "TABLE",
                };
                result = db
                    .execute(&format!("DROP {what} IF EXISTS {}", d.quote(&name)))
                    .await;
                if result.is_err() {
                    break;
                }
                dropped.push(format!("{} {name}", what.to_ascii_lowercase()));
            }
            db.execute("SET FOREIGN_KEY_CHECKS = 1").await?;
            result?;
        }
        Dialect::Sqlite => {
            let objects = db
                .fetch_rows(
                    "SELECT type, name FROM sqlite_master WHERE type IN ('view', 'trigger', 'table') \
                     AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
                     ORDER BY CASE type WHEN 'view' THEN 0 WHEN 'trigger' THEN 1 ELSE 2 END, name",
                    2,
                )
                .await?;
            db.execute("PRAGMA foreign_keys = OFF").await?;
            let mut result = Ok(());
            for row in objects {
                let [kind, name] = <[String; 2]>::try_from(row).unwrap_or_default();
                let what = kind.to_ascii_uppercase();
                result = db
                    .execute(&format!("DROP {what} IF EXISTS {}", d.quote(&name)))
                    .await;
                if result.is_err() {
                    break;
                }
                dropped.push(format!("{kind} {name}"));
            }
            db.execute("PRAGMA foreign_keys = ON").await?;
            result?;
        }
    }
    Ok(dropped)
}

/// Whether `url` names a database for development, and why: `Ok(reason)` or `Err(reason)`.
///
/// In order: `SCHEMA_ENV` (`schema_env`) `production` or `prod` (any case) is never
/// development; `development` or `dev` always is; otherwise (unset or any other value) the URL
/// decides: a SQLite file, a Unix socket, `localhost`, `127.x.y.z` or `::1` is development,
/// any other host is not.
///
/// ```
/// use schema_runtime::migrator::development_database;
/// assert!(development_database("postgres://app@localhost/app", None).is_ok());
/// assert!(development_database("sqlite:dev.db", Some("production")).is_err());
/// assert!(development_database("postgres://app@db.internal/app", None).is_err());
/// assert!(development_database("postgres://app@db.internal/app", Some("dev")).is_ok());
/// ```
pub fn development_database(url: &str, schema_env: Option<&str>) -> Result<String, String> {
    let env = schema_env.map(|e| e.trim().to_ascii_lowercase());
    match env.as_deref() {
        Some(e @ ("production" | "prod")) => {
            return Err(format!("SCHEMA_ENV={e} marks it as production"))
        }
        Some(e @ ("development" | "dev")) => return Ok(format!("SCHEMA_ENV={e}")),
        _ => {}
    }
    match url::local_server(url) {
        Some(reason) => Ok(reason),
        None => {
            let host = url::parts(url).map(|p| p.host).unwrap_or_default();
            Err(format!(
                "its host {host} is not this machine (localhost, 127.0.0.1, ::1, a Unix socket or a SQLite file) and SCHEMA_ENV is not development"
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_pick_the_dialect_file_then_the_generic_one() {
        let dir = std::env::temp_dir().join(format!("seeds_unit_{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for f in [
            "001_users.sql",
            "002_tags.sql",
            "002_tags.postgres.sql",
            "003_only_mysql.mysql.sql",
            "README.md",
            "004_v1.2.sql",
        ] {
            std::fs::write(dir.join(f), "SELECT 1").unwrap();
        }
        let names = |d| -> Vec<(String, Option<String>)> {
            read_seeds(&dir, d)
                .unwrap()
                .into_iter()
                .map(|s| {
                    (
                        s.name,
                        s.file
                            .map(|f| f.file_name().unwrap().to_string_lossy().into_owned()),
                    )
                })
                .collect()
        };
        let pg = names(Dialect::Postgres);
        assert_eq!(
            pg,
            [
                ("001_users".into(), Some("001_users.sql".into())),
                ("002_tags".into(), Some("002_tags.postgres.sql".into())),
                ("003_only_mysql".into(), None),
                ("004_v1.2".into(), Some("004_v1.2.sql".into())),
            ]
        );
        let maria = names(Dialect::Mariadb);
        assert_eq!(maria[1].1.as_deref(), Some("002_tags.sql"));
        assert_eq!(maria[2].1.as_deref(), Some("003_only_mysql.mysql.sql"));
        let _ = std::fs::remove_dir_all(&dir);
        assert!(read_seeds(&dir, Dialect::Sqlite).unwrap().is_empty());
    }

    #[test]
    fn schema_env_wins_over_the_host() {
        assert!(development_database("sqlite:a.db", Some("PRODUCTION")).is_err());
        assert!(
            development_database("postgres://x@prod.example.com/a", Some("Development")).is_ok()
        );
        assert!(development_database("postgres://x@prod.example.com/a", Some("staging")).is_err());
        assert!(development_database("postgres://x@127.0.0.1/a", Some("staging")).is_ok());
        let why = development_database("mysql://root@db.example.com/app", None).unwrap_err();
        assert!(why.contains("db.example.com"), "{why}");
    }
}
