//! Shared helpers of the integration tests: a fresh database per test on each real server, and
//! a dialect-neutral dump of a live schema read from the catalogs.

use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Command, Stdio};
pub mod crash;
pub mod shop;

use std::sync::atomic::{AtomicUsize, Ordering};

use schema_runtime::introspect::sqlite_ddl::{self, TableConstraint};
use schema_runtime::{Database, Deferrable, Dialect};

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
        // The MariaDB server CI runs; a MySQL 8 server, where one is available, apart.
        Dialect::Mariadb => "SCHEMA_TEST_MYSQL_URL",
        Dialect::Mysql => "SCHEMA_TEST_MYSQL8_URL",
        Dialect::Sqlite => return Some("sqlite:".into()),
        other => panic!("no test server is configured for {other}"),
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
                // The flavour comes from the server's version, whatever the URL says.
                assert_eq!(
                    admin.dialect(),
                    dialect,
                    "the server for {dialect} reports itself as {}: point SCHEMA_TEST_MYSQL_URL at MariaDB and SCHEMA_TEST_MYSQL8_URL at MySQL 8",
                    admin.dialect()
                );
                admin
                    .raw()
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

    /// Keeps the database (and a SQLite file's directory) past this value, for a process
    /// that outlives it; [`drop_url`] drops it later.
    pub fn keep(mut self) -> String {
        if let Some(dir) = self._dir.take() {
            std::mem::forget(dir);
        }
        self.url.clone()
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
                .raw()
                .execute(&format!(
                    "DROP DATABASE {}{force}",
                    self.dialect.quote(&self.name)
                ))
                .await
                .expect("drop database");
        }
    }
}

/// Drops the database of `url` that [`TestDb::keep`] kept (a SQLite file: its directory).
pub async fn drop_url(url: &str) {
    let dialect = Dialect::from_url(url).expect("a test database URL");
    if dialect == Dialect::Sqlite {
        if let Some(dir) = std::path::Path::new(url.trim_start_matches("sqlite:")).parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
        return;
    }
    let base = url.split('?').next().unwrap_or(url);
    let (server, name) = base.rsplit_once('/').expect("a database in the URL");
    let mut admin = Database::connect(&format!("{server}/{}", admin_database(dialect)))
        .await
        .expect("admin connection");
    let d = admin.dialect();
    let force = if d == Dialect::Postgres {
        " WITH (FORCE)"
    } else {
        ""
    };
    admin
        .raw()
        .execute(&format!("DROP DATABASE IF EXISTS {}{force}", d.quote(name)))
        .await
        .expect("drop database");
}

/// The database an admin connection opens.
fn admin_database(dialect: Dialect) -> &'static str {
    if dialect == Dialect::Postgres {
        "postgres"
    } else {
        "mysql"
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

/// One foreign key as the catalogs describe it.
#[derive(Debug, Default, Clone)]
struct ForeignKeyFacts {
    name: String,
    columns: String,
    ref_table: String,
    ref_columns: String,
    on_delete: String,
    on_update: String,
    deferrable: String,
}

/// What the dump knows of one table.
#[derive(Debug, Default)]
struct TableFacts {
    comment: String,
    columns: Vec<String>,
    primary_key: Option<(String, String)>,
    foreign_keys: Vec<ForeignKeyFacts>,
    checks: Vec<(String, String)>,
    indexes: Vec<String>,
}

/// The live schema as read from the catalogs, before it is printed.
#[derive(Debug, Default)]
struct SchemaFacts {
    /// Enum types and sequences, one line each.
    enums: Vec<String>,
    tables: BTreeMap<String, TableFacts>,
}

impl SchemaFacts {
    /// Starts a table; facts about tables not started (views, other schemas) are ignored.
    fn add_table(&mut self, name: &str, comment: &str) {
        self.tables.insert(
            name.to_owned(),
            TableFacts {
                comment: comment.to_owned(),
                ..TableFacts::default()
            },
        );
    }

    fn table(&mut self, name: &str) -> Option<&mut TableFacts> {
        self.tables.get_mut(name)
    }

    /// Appends ` collate NAME` to the line of `table.column` (read by a query of its own).
    fn add_collation(&mut self, table: &str, column: &str, collation: &str) {
        let Some(t) = self.table(table) else { return };
        let start = format!("  column {column} ");
        if let Some(line) = t.columns.iter_mut().find(|l| l.starts_with(&start)) {
            line.push_str(&format!(" collate {collation}"));
        }
    }

    fn add_column(&mut self, c: &[String]) {
        let [table, name, ty, nullable, default, identity, comment] = c else {
            panic!("a column row has 7 fields: {c:?}");
        };
        let Some(t) = self.table(table) else { return };
        let mut line = format!(
            "  column {name} {} {}",
            ty.to_lowercase(),
            if nullable == "YES" {
                "NULL"
            } else {
                "NOT NULL"
            }
        );
        if !default.is_empty() {
            line.push_str(&format!(" DEFAULT {default}"));
        }
        if !identity.is_empty() {
            line.push_str(&format!(" {identity}"));
        }
        if !comment.is_empty() {
            line.push_str(&format!(" comment {}", quoted(comment)));
        }
        t.columns.push(line);
    }

    fn add_index(
        &mut self,
        table: &str,
        name: &str,
        unique: bool,
        keys: &str,
        include: &str,
        predicate: &str,
    ) {
        let Some(t) = self.table(table) else { return };
        let mut line = format!(
            "  index {name}{} ({keys})",
            if unique { " unique" } else { "" }
        );
        if !include.is_empty() {
            line.push_str(&format!(" include ({include})"));
        }
        if !predicate.is_empty() {
            line.push_str(&format!(" where {predicate}"));
        }
        t.indexes.push(line);
    }

    fn render(self) -> String {
        let mut out = String::new();
        for e in &self.enums {
            out.push_str(e);
            out.push('\n');
        }
        for (name, mut t) in self.tables {
            out.push_str(&format!("table {name}\n"));
            if !t.comment.is_empty() {
                out.push_str(&format!("  comment {}\n", quoted(&t.comment)));
            }
            for c in &t.columns {
                out.push_str(c);
                out.push('\n');
            }
            if let Some((name, columns)) = &t.primary_key {
                let name = if name.is_empty() {
                    String::new()
                } else {
                    format!("{name} ")
                };
                out.push_str(&format!("  primary key {name}({columns})\n"));
            }
            t.foreign_keys
                .sort_by(|a, b| (&a.name, &a.columns).cmp(&(&b.name, &b.columns)));
            for fk in &t.foreign_keys {
                let name = if fk.name.is_empty() {
                    String::new()
                } else {
                    format!("{} ", fk.name)
                };
                out.push_str(&format!(
                    "  foreign key {name}({}) references {} ({}) on delete {} on update {}{}\n",
                    fk.columns,
                    fk.ref_table,
                    fk.ref_columns,
                    fk.on_delete.to_lowercase(),
                    fk.on_update.to_lowercase(),
                    if fk.deferrable.is_empty() {
                        String::new()
                    } else {
                        format!(" {}", fk.deferrable)
                    }
                ));
            }
            t.checks.sort();
            for (name, expr) in &t.checks {
                let name = if name.is_empty() {
                    String::new()
                } else {
                    format!("{name} ")
                };
                out.push_str(&format!("  check {name}{}\n", squeeze(expr)));
            }
            for i in &t.indexes {
                out.push_str(i);
                out.push('\n');
            }
        }
        out
    }
}

/// A comment or other free text as a quoted literal.
fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// Collapses runs of whitespace, so a multi-line expression prints on one line.
fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn rows(db: &mut Database, what: &str, sql: &str, columns: usize) -> Vec<Vec<String>> {
    db.raw()
        .fetch_rows(sql, columns)
        .await
        .unwrap_or_else(|e| panic!("reading {what} from the catalogs: {e}\n{sql}"))
}

async fn postgres_facts(db: &mut Database) -> SchemaFacts {
    let mut facts = SchemaFacts::default();
    for r in rows(db, "enum types", "SELECT CAST(t.typname AS TEXT), string_agg(CAST(e.enumlabel AS TEXT), ', ' ORDER BY e.enumsortorder) FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = current_schema() GROUP BY t.typname ORDER BY 1", 2).await {
        facts.enums.push(format!("enum {} ({})", r[0], r[1]));
    }
    // Sequences no serial or identity column owns, with every option as the catalog keeps it.
    for r in rows(db, "sequences", "SELECT CAST(c.relname AS TEXT), format_type(s.seqtypid, NULL), CAST(s.seqstart AS TEXT), CAST(s.seqincrement AS TEXT), CAST(s.seqmin AS TEXT), CAST(s.seqmax AS TEXT), CAST(s.seqcache AS TEXT), CASE WHEN s.seqcycle THEN 'cycle' ELSE 'no cycle' END FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = CAST('pg_class' AS regclass) AND d.objid = c.oid AND d.deptype IN ('a', 'i') AND d.refobjsubid > 0) ORDER BY 1", 8).await {
        facts.enums.push(sequence_line(&r));
    }
    for r in rows(db, "tables", "SELECT CAST(c.relname AS TEXT), COALESCE(obj_description(c.oid, 'pg_class'), '') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY 1", 2).await {
        facts.add_table(&r[0], &r[1]);
    }
    for r in rows(db, "columns", "SELECT CAST(c.table_name AS TEXT), CAST(c.column_name AS TEXT), CASE WHEN c.data_type = 'USER-DEFINED' THEN CAST(c.udt_name AS TEXT) ELSE CAST(c.data_type AS TEXT) || COALESCE('(' || c.character_maximum_length || ')', '') END, CAST(c.is_nullable AS TEXT), COALESCE(CAST(c.column_default AS TEXT), ''), CASE WHEN c.is_identity = 'YES' THEN 'identity ' || lower(CAST(c.identity_generation AS TEXT)) WHEN c.is_generated = 'ALWAYS' THEN 'generated always as (' || CAST(c.generation_expression AS TEXT) || ') stored' ELSE '' END, COALESCE((SELECT col_description(a.attrelid, a.attnum) FROM pg_attribute a WHERE a.attrelid = to_regclass(quote_ident(c.table_name)) AND a.attname = c.column_name), '') FROM information_schema.columns c WHERE c.table_schema = current_schema() ORDER BY c.table_name, c.ordinal_position", 7).await {
        facts.add_column(&r);
    }
    for r in rows(db, "column collations", "SELECT CAST(c.relname AS TEXT), CAST(a.attname AS TEXT), CAST(co.collname AS TEXT) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_type t ON t.oid = a.atttypid JOIN pg_collation co ON co.oid = a.attcollation WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND a.attcollation <> t.typcollation ORDER BY 1, 2", 3).await {
        facts.add_collation(&r[0], &r[1], &r[2]);
    }
    let constraints = "SELECT CAST(c.relname AS TEXT), CAST(k.conname AS TEXT), CAST(k.contype AS TEXT), \
        COALESCE((SELECT string_agg(CAST(a.attname AS TEXT), ',' ORDER BY x.n) FROM unnest(k.conkey) WITH ORDINALITY AS x(attnum, n) JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = x.attnum), ''), \
        COALESCE(CAST(f.relname AS TEXT), ''), \
        COALESCE((SELECT string_agg(CAST(a.attname AS TEXT), ',' ORDER BY x.n) FROM unnest(k.confkey) WITH ORDINALITY AS x(attnum, n) JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = x.attnum), ''), \
        CAST(k.confdeltype AS TEXT), CAST(k.confupdtype AS TEXT), \
        CASE WHEN NOT k.condeferrable THEN '' WHEN k.condeferred THEN 'deferrable initially deferred' ELSE 'deferrable initially immediate' END, \
        pg_get_constraintdef(k.oid, true) \
        FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_class f ON f.oid = k.confrelid \
        WHERE n.nspname = current_schema() AND k.contype IN ('p', 'f', 'c') ORDER BY 1, 2";
    let action = |code: &str| {
        match code {
            "a" => "no action",
            "r" => "restrict",
            "c" => "cascade",
            "n" => "set null",
            "d" => "set default",
            other => other,
        }
        .to_owned()
    };
    for r in rows(db, "constraints", constraints, 10).await {
        let Some(t) = facts.table(&r[0]) else {
            continue;
        };
        match r[2].as_str() {
            "p" => t.primary_key = Some((r[1].clone(), r[3].clone())),
            "f" => t.foreign_keys.push(ForeignKeyFacts {
                name: r[1].clone(),
                columns: r[3].clone(),
                ref_table: r[4].clone(),
                ref_columns: r[5].clone(),
                on_delete: action(&r[6]),
                on_update: action(&r[7]),
                deferrable: r[8].clone(),
            }),
            _ => {
                let expr = r[9].strip_prefix("CHECK ").unwrap_or(&r[9]);
                t.checks.push((r[1].clone(), expr.to_owned()));
            }
        }
    }
    // Key columns, then INCLUDE columns; an expression key has attnum 0 and prints as the server formats it.
    let indexes = "SELECT CAST(t.relname AS TEXT), CAST(i.relname AS TEXT), CASE WHEN ix.indisunique THEN 'unique' ELSE '' END, \
        (SELECT string_agg(CASE WHEN k.attnum = 0 THEN pg_get_indexdef(ix.indexrelid, CAST(k.n AS INT), true) ELSE CAST(a.attname AS TEXT) END \
            || COALESCE((SELECT ' COLLATE ' || CAST(co.collname AS TEXT) FROM pg_collation co WHERE co.oid = ix.indcollation[k.n - 1] AND co.oid <> COALESCE(a.attcollation, 100) AND NOT (k.attnum = 0 AND co.oid = 100)), '') \
            || COALESCE((SELECT ' ' || CAST(oc.opcname AS TEXT) FROM pg_opclass oc WHERE oc.oid = ix.indclass[k.n - 1] AND NOT oc.opcdefault), '') \
            || CASE ix.indoption[k.n - 1] WHEN 1 THEN ' DESC NULLS LAST' WHEN 2 THEN ' NULLS FIRST' WHEN 3 THEN ' DESC' ELSE '' END, \
            ',' ORDER BY k.n) FROM unnest(ix.indkey) WITH ORDINALITY AS k(attnum, n) LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum WHERE k.n <= ix.indnkeyatts) \
            || CASE WHEN am.amname <> 'btree' THEN ') using (' || CAST(am.amname AS TEXT) ELSE '' END, \
        COALESCE((SELECT string_agg(CAST(a.attname AS TEXT), ',' ORDER BY k.n) FROM unnest(ix.indkey) WITH ORDINALITY AS k(attnum, n) JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum WHERE k.n > ix.indnkeyatts), ''), \
        COALESCE(pg_get_expr(ix.indpred, ix.indrelid, true), '') \
        FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_am am ON am.oid = i.relam JOIN pg_namespace n ON n.oid = t.relnamespace \
        WHERE n.nspname = current_schema() ORDER BY 1, 2";
    for r in rows(db, "indexes", indexes, 6).await {
        facts.add_index(&r[0], &r[1], !r[2].is_empty(), &r[3], &r[4], &r[5]);
    }
    facts
}

/// `sequence invoice_numbers bigint start 1000 increment 1 min 1 max .. cache 1 no cycle`.
fn sequence_line(r: &[String]) -> String {
    format!(
        "sequence {} {} start {} increment {} min {} max {} cache {} {}",
        r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]
    )
}

async fn mysql_facts(db: &mut Database) -> SchemaFacts {
    let mut facts = SchemaFacts::default();
    // MariaDB's sequences: each a one-row table of its options.
    let sequences = "SELECT CAST(table_name AS CHAR) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'SEQUENCE' ORDER BY 1";
    for r in rows(db, "sequences", sequences, 1).await {
        let options = format!(
            "SELECT CAST(start_value AS CHAR), CAST(increment AS CHAR), CAST(minimum_value AS CHAR), CAST(maximum_value AS CHAR), CAST(cache_size AS CHAR), CAST(CASE WHEN cycle_option = 1 THEN 'cycle' ELSE 'no cycle' END AS CHAR) FROM {}",
            db.dialect().quote(&r[0])
        );
        for o in rows(db, "sequence options", &options, 6).await {
            let mut line = vec![r[0].clone(), "bigint".to_owned()];
            line.extend(o);
            facts.enums.push(sequence_line(&line));
        }
    }
    for r in rows(db, "tables", "SELECT CAST(table_name AS CHAR), CAST(table_comment AS CHAR) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' ORDER BY 1", 2).await {
        facts.add_table(&r[0], &r[1]);
    }
    // A default drawing from a sequence names it with the database (`nextval(`db`.`seq`)`),
    // which differs per test run: the dump leaves this database's name out.
    let database = rows(db, "the database", "SELECT CAST(DATABASE() AS CHAR)", 1).await;
    let own = database
        .first()
        .map(|r| format!("`{}`.", r[0].replace('`', "``")))
        .unwrap_or_default();
    for mut r in rows(db, "columns", "SELECT CAST(table_name AS CHAR), CAST(column_name AS CHAR), CAST(column_type AS CHAR), CAST(is_nullable AS CHAR), CAST(COALESCE(column_default, '') AS CHAR), CAST(CASE WHEN extra LIKE '%auto_increment%' THEN 'auto_increment' WHEN extra IN ('VIRTUAL GENERATED', 'STORED GENERATED') THEN CONCAT('generated always as (', generation_expression, ') ', LOWER(SUBSTRING_INDEX(extra, ' ', 1))) ELSE '' END AS CHAR), CAST(column_comment AS CHAR) FROM information_schema.columns WHERE table_schema = DATABASE() ORDER BY table_name, ordinal_position", 7).await {
        if !own.is_empty() {
            r[4] = r[4].replace(&own, "");
        }
        facts.add_column(&r);
    }
    // Table options other than the database's and server's defaults.
    for r in rows(db, "table options", "SELECT CAST(t.table_name AS CHAR), CAST(CONCAT_WS(' ', IF(t.engine <> @@default_storage_engine, CONCAT('engine ', t.engine), NULL), IF(t.table_collation <> s.default_collation_name, CONCAT('collate ', t.table_collation), NULL)) AS CHAR) FROM information_schema.tables t JOIN information_schema.schemata s ON s.schema_name = t.table_schema WHERE t.table_schema = DATABASE() AND t.table_type = 'BASE TABLE' AND (t.engine <> @@default_storage_engine OR t.table_collation <> s.default_collation_name) ORDER BY 1", 2).await {
        if let Some(t) = facts.table(&r[0]) {
            t.columns.insert(0, format!("  options {}", r[1]));
        }
    }
    // Collated otherwise than the table; MariaDB's JSON (LONGTEXT utf8mb4_bin) is the type's own.
    for r in rows(db, "column collations", "SELECT CAST(c.table_name AS CHAR), CAST(c.column_name AS CHAR), CAST(c.collation_name AS CHAR) FROM information_schema.columns c JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name WHERE c.table_schema = DATABASE() AND c.collation_name <> t.table_collation AND NOT (c.data_type = 'longtext' AND c.collation_name = 'utf8mb4_bin') ORDER BY 1, 2", 3).await {
        facts.add_collation(&r[0], &r[1], &r[2]);
    }
    for r in rows(db, "primary keys", "SELECT CAST(table_name AS CHAR), CAST(GROUP_CONCAT(column_name ORDER BY ordinal_position SEPARATOR ',') AS CHAR) FROM information_schema.key_column_usage WHERE table_schema = DATABASE() AND constraint_name = 'PRIMARY' GROUP BY table_name ORDER BY 1", 2).await {
        // MySQL names every primary key PRIMARY: the name tells nothing.
        if let Some(t) = facts.table(&r[0]) {
            t.primary_key = Some((String::new(), r[1].clone()));
        }
    }
    let foreign_keys = "SELECT CAST(k.table_name AS CHAR), CAST(k.constraint_name AS CHAR), CAST(GROUP_CONCAT(k.column_name ORDER BY k.ordinal_position SEPARATOR ',') AS CHAR), CAST(k.referenced_table_name AS CHAR), CAST(GROUP_CONCAT(k.referenced_column_name ORDER BY k.ordinal_position SEPARATOR ',') AS CHAR), CAST(r.delete_rule AS CHAR), CAST(r.update_rule AS CHAR) \
        FROM information_schema.key_column_usage k JOIN information_schema.referential_constraints r ON r.constraint_schema = k.table_schema AND r.table_name = k.table_name AND r.constraint_name = k.constraint_name \
        WHERE k.table_schema = DATABASE() AND k.referenced_table_name IS NOT NULL \
        GROUP BY k.table_name, k.constraint_name, k.referenced_table_name, r.delete_rule, r.update_rule ORDER BY 1, 2";
    for r in rows(db, "foreign keys", foreign_keys, 7).await {
        let Some(t) = facts.table(&r[0]) else {
            continue;
        };
        t.foreign_keys.push(ForeignKeyFacts {
            name: r[1].clone(),
            columns: r[2].clone(),
            ref_table: r[3].clone(),
            ref_columns: r[4].clone(),
            on_delete: r[5].clone(),
            on_update: r[6].clone(),
            deferrable: String::new(),
        });
    }
    // MariaDB tells a column-level check (named after its column) from a table-level one.
    let level = if db.dialect() == Dialect::Mariadb {
        "CASE WHEN level = 'Column' THEN ' (column-level)' ELSE '' END"
    } else {
        "''"
    };
    let checks = format!("SELECT CAST(table_name AS CHAR), CAST(constraint_name AS CHAR), CAST(CONCAT(check_clause, {level}) AS CHAR) FROM information_schema.check_constraints WHERE constraint_schema = DATABASE() ORDER BY 1, 2");
    for r in rows(db, "check constraints", &checks, 3).await {
        if let Some(t) = facts.table(&r[0]) {
            t.checks.push((r[1].clone(), r[2].clone()));
        }
    }
    // MariaDB has neither partial nor expression indexes, so columns say it all.
    // Each key with its prefix length and DESC; the index type when not a B-tree.
    for r in rows(db, "indexes", "SELECT CAST(table_name AS CHAR), CAST(index_name AS CHAR), CAST(CASE WHEN non_unique = 0 THEN 'unique' ELSE '' END AS CHAR), \
        CAST(CONCAT(GROUP_CONCAT(CONCAT(column_name, IF(sub_part IS NULL, '', CONCAT('(', sub_part, ')')), IF(collation = 'D', ' DESC', '')) ORDER BY seq_in_index SEPARATOR ','), \
        IF(MAX(index_type) = 'BTREE', '', CONCAT(') using (', LOWER(MAX(index_type))))) AS CHAR) \
        FROM information_schema.statistics WHERE table_schema = DATABASE() GROUP BY table_name, index_name, non_unique ORDER BY 1, 2", 4).await {
        facts.add_index(&r[0], &r[1], !r[2].is_empty(), &r[3], "", "");
    }
    facts
}

async fn sqlite_facts(db: &mut Database) -> SchemaFacts {
    let mut facts = SchemaFacts::default();
    let tables = rows(db, "tables", "SELECT name, COALESCE(sql, '') FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1", 2).await;
    for r in &tables {
        facts.add_table(&r[0], "");
    }
    // AUTOINCREMENT exists only on a sole INTEGER PRIMARY KEY, so the key column is the one.
    for r in rows(db, "columns", "SELECT m.name, p.name, p.type, CASE WHEN p.\"notnull\" = 1 OR p.pk > 0 THEN 'NO' ELSE 'YES' END, COALESCE(p.dflt_value, ''), CASE WHEN p.pk > 0 AND upper(m.sql) LIKE '%AUTOINCREMENT%' THEN 'autoincrement' WHEN p.hidden = 2 THEN 'generated virtual' WHEN p.hidden = 3 THEN 'generated stored' ELSE '' END, '', m.sql FROM sqlite_master m JOIN pragma_table_xinfo(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND p.hidden <> 1 ORDER BY m.name, p.cid", 8).await {
        // A generated column's expression is only in the CREATE TABLE text.
        let mut r = r;
        let sql = r.pop().unwrap_or_default();
        if let Some(kind) = r[5].strip_prefix("generated ").map(str::to_owned) {
            let expr = sqlite_ddl::generated_columns(&sql)
                .into_iter()
                .find(|(c, _)| *c == r[1])
                .map(|(_, e)| e)
                .unwrap_or_default();
            r[5] = format!("generated always as ({expr}) {kind}");
        }
        facts.add_column(&r);
    }
    for r in &tables {
        for (column, collation) in sqlite_ddl::column_collations(&r[1]) {
            facts.add_collation(&r[0], &column, &collation.to_lowercase());
        }
    }
    for r in rows(db, "primary keys", "SELECT m.name, COALESCE((SELECT group_concat(k.name, ',') FROM (SELECT name FROM pragma_table_info(m.name) WHERE pk > 0 ORDER BY pk) k), '') FROM sqlite_master m WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY 1", 2).await {
        if let (Some(t), false) = (facts.table(&r[0]), r[1].is_empty()) {
            t.primary_key = Some((String::new(), r[1].clone()));
        }
    }
    let foreign_keys = rows(db, "foreign keys", "SELECT m.name, CAST(f.id AS TEXT), f.\"table\", f.\"from\", COALESCE(f.\"to\", ''), f.on_delete, f.on_update FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, f.id, f.seq", 7).await;
    let mut grouped: BTreeMap<(String, String), ForeignKeyFacts> = BTreeMap::new();
    for r in foreign_keys {
        let fk = grouped.entry((r[0].clone(), r[1].clone())).or_default();
        let join = |list: &mut String, item: &str| {
            if !list.is_empty() {
                list.push(',');
            }
            list.push_str(item);
        };
        join(&mut fk.columns, &r[3]);
        join(&mut fk.ref_columns, &r[4]);
        fk.ref_table = r[2].clone();
        fk.on_delete = r[5].clone();
        fk.on_update = r[6].clone();
    }
    for ((table, _), fk) in grouped {
        if let Some(t) = facts.table(&table) {
            t.foreign_keys.push(fk);
        }
    }
    // Constraint names, DEFERRABLE and CHECK live only in the CREATE TABLE text.
    for r in &tables {
        let Some(t) = facts.table(&r[0]) else {
            continue;
        };
        for c in sqlite_ddl::table_constraints(&r[1]) {
            match c {
                TableConstraint::PrimaryKey { name } => {
                    if let Some(pk) = &mut t.primary_key {
                        pk.0 = name;
                    }
                }
                TableConstraint::Check { name, expr } => t.checks.push((name, expr)),
                // The pragmas list a unique constraint as an index, and the dump shows it there.
                TableConstraint::Unique { .. } => {}
                TableConstraint::ForeignKey {
                    name,
                    columns,
                    ref_table,
                    deferrable,
                } => {
                    let deferrable = match deferrable {
                        Some(Deferrable::InitiallyDeferred) => "deferrable initially deferred",
                        Some(Deferrable::InitiallyImmediate) => "deferrable initially immediate",
                        None => "",
                    };
                    let columns = columns.join(",");
                    if let Some(fk) = t.foreign_keys.iter_mut().find(|fk| {
                        fk.name.is_empty()
                            && fk.columns == columns
                            && fk.ref_table.eq_ignore_ascii_case(&ref_table)
                    }) {
                        fk.name = name;
                        fk.deferrable = deferrable.to_owned();
                    }
                }
            }
        }
    }
    let indexes = "SELECT m.name, il.name, CASE WHEN il.\"unique\" = 1 THEN 'unique' ELSE '' END, \
        COALESCE((SELECT group_concat(COALESCE(ii.name, '?') || CASE WHEN ii.coll <> 'BINARY' THEN ' COLLATE ' || ii.coll ELSE '' END || CASE WHEN ii.\"desc\" THEN ' DESC' ELSE '' END, ',') \
            FROM (SELECT name, coll, \"desc\" FROM pragma_index_xinfo(il.name) WHERE key = 1 ORDER BY seqno) ii), ''), \
        COALESCE((SELECT s.sql FROM sqlite_master s WHERE s.type = 'index' AND s.name = il.name), '') \
        FROM sqlite_master m JOIN pragma_index_list(m.name) il WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY 1, 2";
    for r in rows(db, "indexes", indexes, 5).await {
        // Expression keys show as `?` in the pragma: take their text from CREATE INDEX.
        let (expressions, predicate) = sqlite_ddl::index_expressions_and_predicate(&r[4]);
        let predicate = predicate.unwrap_or_default();
        // The reader gives each expression key without the parentheses the renderer writes
        // around it; the dump shows the key as SQLite keeps it, parentheses included.
        let mut expressions = expressions.into_iter().map(|e| format!("({e})"));
        let keys = r[3]
            .split(',')
            .map(|k| match k.strip_prefix('?') {
                Some(options) => expressions.next().unwrap_or_else(|| "?".into()) + options,
                None => k.to_owned(),
            })
            .collect::<Vec<_>>()
            .join(",");
        facts.add_index(&r[0], &r[1], !r[2].is_empty(), &keys, "", &predicate);
    }
    facts
}

/// A dialect-neutral dump of the live schema, read from the catalogs with one query per kind
/// of fact, sorted, one line per fact: PostgreSQL enum types (`enum mood (happy, sad)`) and
/// standalone sequences (PostgreSQL, MariaDB: `sequence invoice_numbers bigint start 1000 ..`), then
/// per table its comment, columns (type, nullability, default, identity / autoincrement,
/// comment), primary key, foreign keys (actions, deferrable), check constraints and indexes
/// (unique, keys or expressions, `include`, partial `where`). Names are shown where the
/// dialect keeps them.
pub async fn dump_schema(db: &mut Database) -> String {
    let facts = match db.dialect() {
        Dialect::Postgres => postgres_facts(db).await,
        Dialect::Sqlite => sqlite_facts(db).await,
        Dialect::Mysql | Dialect::Mariadb => mysql_facts(db).await,
        other => panic!("no catalog dump for {other}"),
    };
    facts.render()
}

/// The rows of `table`, one line each (`1 | ann@example.com | NULL`), ordered by the first
/// column, every value read as text so that one query serves every dialect.
pub async fn dump_rows(db: &mut Database, table: &str, columns: &[&str]) -> String {
    let d = db.dialect();
    let text = if d.is_mysql_family() { "CHAR" } else { "TEXT" };
    // The same result type whatever the column's collation: PostgreSQL refuses to reuse the
    // cached statement when a change of collation changes it.
    let collate = if d == Dialect::Postgres {
        r#" COLLATE "default""#
    } else {
        ""
    };
    let list = columns
        .iter()
        .map(|c| format!("COALESCE(CAST({} AS {text}), 'NULL'){collate}", d.quote(c)))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT {list} FROM {} ORDER BY {}",
        d.quote(table),
        d.quote(columns[0])
    );
    rows(db, "rows", &sql, columns.len())
        .await
        .iter()
        .map(|r| format!("{table}: {}\n", r.join(" | ")))
        .collect()
}

/// The tables of the live schema, sorted.
pub async fn table_names(db: &mut Database) -> Vec<String> {
    let dump = dump_schema(db).await;
    dump.lines()
        .filter_map(|l| l.strip_prefix("table "))
        .map(String::from)
        .collect()
}

/// The database's own command-line client, fed `script` on stdin; `None` when not installed.
pub fn run_client(test_db: &TestDb, script: &str) -> Option<std::process::Output> {
    run_client_with(test_db, script, &[])
}

/// [`run_client`] with extra arguments for the client.
pub fn run_client_with(
    test_db: &TestDb,
    script: &str,
    extra: &[&str],
) -> Option<std::process::Output> {
    let url = test_db.url.as_str();
    let mut command = match test_db.dialect {
        Dialect::Postgres => {
            // Debian's /usr/bin/psql is a wrapper; pg_config knows where the real one lives.
            let bindir = Command::new("pg_config")
                .arg("--bindir")
                .output()
                .ok()
                .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
                .filter(|dir| !dir.is_empty());
            let psql = bindir.map_or("psql".into(), |dir| format!("{dir}/psql"));
            let mut c = Command::new(psql);
            c.args(["-X", "-q", "-v", "ON_ERROR_STOP=1", url]);
            c
        }
        Dialect::Sqlite => {
            let mut c = Command::new("sqlite3");
            c.args(["-bail", url.trim_start_matches("sqlite:")]);
            c
        }
        Dialect::Mysql | Dialect::Mariadb => {
            // mysql://user[:password]@host[:port]/database
            let rest = url.split_once("://").map_or(url, |(_, r)| r);
            let (userinfo, location) = rest.rsplit_once('@').unwrap_or(("root", rest));
            let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
            let (hostport, database) = location.split_once('/').unwrap_or((location, ""));
            let (host, port) = hostport.split_once(':').unwrap_or((hostport, "3306"));
            let mut c = Command::new("mariadb");
            c.args([
                "-h",
                host,
                "-P",
                port,
                "-u",
                user,
                database.split('?').next().unwrap_or(""),
            ]);
            if !password.is_empty() {
                c.env("MYSQL_PWD", password);
            }
            c
        }
        other => panic!("no command-line client known for {other}"),
    };
    command.args(extra);
    let mut child = match command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!(
                "note: no {} client installed: skipping its offline script",
                test_db.dialect
            );
            return None;
        }
        Err(e) => panic!("cannot start the {} client: {e}", test_db.dialect),
    };
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(script.as_bytes())
        .expect("feed the script");
    Some(child.wait_with_output().expect("the client exits"))
}

/// Fails unless `tests/{path}` (under this crate) holds `expected`, the source `writer`
/// (autogenerate, adopt) produces now, showing the diff; with `UPDATE_GENERATED` set it
/// rewrites the file instead, for review with `git diff`.
pub fn assert_generated(path: &str, expected: &str, writer: &str) {
    let full = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(path);
    let actual = std::fs::read_to_string(&full).unwrap_or_default();
    if actual != expected {
        if std::env::var_os("UPDATE_GENERATED").is_some() {
            std::fs::write(&full, expected).expect("write generated file");
        } else {
            panic!(
                "{} is not what {writer} writes now; rerun with UPDATE_GENERATED=1 and review the diff:\n{}",
                full.display(),
                similar::TextDiff::from_lines(actual.as_str(), expected)
                    .unified_diff()
                    .header("checked in", writer)
            );
        }
    }
}

/// Runs `f` on a fresh tokio runtime (tests are sync so one harness serves all).
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}
