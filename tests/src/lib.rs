//! Shared helpers of the integration tests: a fresh database per test on each real server, and
//! a dialect-neutral dump of a live schema read from the catalogs.

use std::sync::atomic::{AtomicUsize, Ordering};

use schema_runtime::{Database, Dialect};

/// A database made for one test and dropped by [`TestDb::drop_db`].
pub struct TestDb {
    /// URL of the fresh database.
    pub url: String,
    /// Its dialect.
    pub dialect: Dialect,
    admin_url: Option<String>,
    name: String,
    _dir: Option<TempDir>,
}

/// A temporary directory removed on drop.
pub struct TempDir(pub std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

fn unique_name(test: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let clean: String = test
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    let mut name = format!(
        "cs_{}_{}_{}",
        &clean[..clean.len().min(30)],
        std::process::id(),
        n
    );
    name.truncate(60);
    name
}

/// A fresh temporary directory.
pub fn temp_dir(test: &str) -> TempDir {
    let dir = std::env::temp_dir().join(unique_name(test));
    std::fs::create_dir_all(&dir).expect("create temp dir");
    TempDir(dir)
}

/// The server URL for `dialect` from the environment, or a printed notice and `None`.
pub fn server_url(dialect: Dialect) -> Option<String> {
    let var = match dialect {
        Dialect::Postgres => "SCHEMA_TEST_POSTGRES_URL",
        Dialect::Mysql => "SCHEMA_TEST_MYSQL_URL",
        Dialect::Sqlite => return Some("sqlite:".into()),
    };
    match std::env::var(var) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            eprintln!("note: {var} is not set: skipping the {dialect} part of this test");
            None
        }
    }
}

fn with_database(url: &str, db: &str) -> String {
    // Replace the path component (the database name), keeping any query string.
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let host_end = base[scheme_end..]
        .find('/')
        .map(|i| i + scheme_end)
        .unwrap_or(base.len());
    format!("{}/{db}{query}", &base[..host_end])
}

impl TestDb {
    /// A fresh database on the server for `dialect`, or `None` (with a notice) when its URL is unset.
    pub async fn create(dialect: Dialect, test: &str) -> Option<TestDb> {
        let server = server_url(dialect)?;
        let name = unique_name(test);
        match dialect {
            Dialect::Sqlite => {
                let dir = temp_dir(test);
                let url = format!("sqlite:{}", dir.0.join("test.db").display());
                Some(TestDb {
                    url,
                    dialect,
                    admin_url: None,
                    name,
                    _dir: Some(dir),
                })
            }
            _ => {
                let mut admin = Database::connect(&server)
                    .await
                    .unwrap_or_else(|e| panic!("{dialect} server: {e}"));
                admin
                    .execute(&format!("CREATE DATABASE {}", dialect.quote(&name)))
                    .await
                    .expect("create database");
                Some(TestDb {
                    url: with_database(&server, &name),
                    dialect,
                    admin_url: Some(server),
                    name,
                    _dir: None,
                })
            }
        }
    }

    /// Connects to the test database.
    pub async fn connect(&self) -> Database {
        Database::connect(&self.url)
            .await
            .expect("connect to test database")
    }

    /// Drops the database (call at the end of the test).
    pub async fn drop_db(self) {
        if let Some(admin_url) = &self.admin_url {
            let mut admin = Database::connect(admin_url)
                .await
                .expect("admin connection");
            let force = if self.dialect == Dialect::Postgres {
                " WITH (FORCE)"
            } else {
                ""
            };
            admin
                .execute(&format!(
                    "DROP DATABASE {}{force}",
                    self.dialect.quote(&self.name)
                ))
                .await
                .expect("drop database");
        }
    }
}

/// Every dialect whose server is configured, each with a fresh database.
pub async fn all_databases(test: &str) -> Vec<TestDb> {
    let mut dbs = Vec::new();
    for d in Dialect::ALL {
        if let Some(db) = TestDb::create(d, test).await {
            dbs.push(db);
        }
    }
    dbs
}

/// A dialect-neutral dump of the live schema: tables, columns (type, nullability, default),
/// indexes (unique, columns), read from the catalogs. Sorted, one line per fact.
pub async fn dump_schema(db: &mut Database) -> String {
    let d = db.dialect();
    let rows = |sql: &str| sql.to_owned();
    let (tables_sql, columns_sql, indexes_sql) = match d {
        Dialect::Postgres => (
            rows("SELECT CAST(table_name AS TEXT) FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1"),
            rows("SELECT CAST(table_name AS TEXT), CAST(column_name AS TEXT), CAST(data_type AS TEXT) || COALESCE('(' || character_maximum_length || ')', ''), CAST(is_nullable AS TEXT), COALESCE(CAST(column_default AS TEXT), ''), CAST(ordinal_position AS TEXT) FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"),
            rows("SELECT CAST(t.relname AS TEXT), CAST(i.relname AS TEXT), CASE WHEN ix.indisunique THEN 'unique' ELSE '' END, (SELECT string_agg(CAST(a.attname AS TEXT), ',' ORDER BY k.n) FROM unnest(ix.indkey) WITH ORDINALITY AS k(attnum, n) JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum) FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = current_schema() ORDER BY 1, 2"),
        ),
        Dialect::Sqlite => (
            rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1"),
            rows("SELECT m.name, p.name, p.type, CASE WHEN p.\"notnull\" = 1 OR p.pk > 0 THEN 'NO' ELSE 'YES' END, COALESCE(p.dflt_value, ''), CAST(p.cid AS TEXT) FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid"),
            rows("SELECT m.name, il.name, CASE WHEN il.\"unique\" = 1 THEN 'unique' ELSE '' END, (SELECT group_concat(ii.name, ',') FROM (SELECT name FROM pragma_index_info(il.name) ORDER BY seqno) ii) FROM sqlite_master m JOIN pragma_index_list(m.name) il WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY 1, 2"),
        ),
        Dialect::Mysql => (
            rows("SELECT CAST(table_name AS CHAR) FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY 1"),
            rows("SELECT CAST(table_name AS CHAR), CAST(column_name AS CHAR), CAST(column_type AS CHAR), CAST(is_nullable AS CHAR), CAST(COALESCE(column_default, '') AS CHAR), CAST(ordinal_position AS CHAR) FROM information_schema.columns WHERE table_schema = DATABASE() ORDER BY table_name, ordinal_position"),
            rows("SELECT CAST(table_name AS CHAR), CAST(index_name AS CHAR), CAST(CASE WHEN non_unique = 0 THEN 'unique' ELSE '' END AS CHAR), CAST(GROUP_CONCAT(column_name ORDER BY seq_in_index SEPARATOR ',') AS CHAR) FROM information_schema.statistics WHERE table_schema = DATABASE() GROUP BY table_name, index_name, non_unique ORDER BY 1, 2"),
        ),
    };
    let mut out = String::new();
    for t in db.fetch_strings(&tables_sql).await.expect("tables") {
        out.push_str(&format!("table {t}\n"));
        for c in db
            .fetch_rows(&columns_sql, 5)
            .await
            .expect("columns")
            .iter()
            .filter(|c| c[0] == t)
        {
            let null = if c[3] == "YES" { "NULL" } else { "NOT NULL" };
            let default = if c[4].is_empty() {
                String::new()
            } else {
                format!(" DEFAULT {}", c[4])
            };
            out.push_str(&format!(
                "  column {} {} {null}{default}\n",
                c[1],
                c[2].to_lowercase()
            ));
        }
        for i in db
            .fetch_rows(&indexes_sql, 4)
            .await
            .expect("indexes")
            .iter()
            .filter(|i| i[0] == t)
        {
            let unique = if i[2].is_empty() {
                String::new()
            } else {
                format!(" {}", i[2])
            };
            out.push_str(&format!("  index {}{unique} ({})\n", i[1], i[3]));
        }
    }
    out
}

/// The tables of the live schema, sorted.
pub async fn table_names(db: &mut Database) -> Vec<String> {
    let dump = dump_schema(db).await;
    dump.lines()
        .filter_map(|l| l.strip_prefix("table "))
        .map(String::from)
        .collect()
}

/// Runs `f` on a fresh tokio runtime (tests are sync so one harness serves all).
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}
