//! Operations: plain data that describe one schema change each and know their inverse.
//!
//! Migrations build ops with the typed builder [`Ops`]; dialects render them to SQL
//! ([`crate::Dialect`]); the schema state ([`crate::Schema`]) folds them to know the schema at
//! any revision, which is what lets [`Op::reverse`] invert a `drop_column`.

mod builder;
pub mod canonical;
mod reverse;

pub use builder::{
    AddedColumn, AlterColumnBuilder, AlterSequenceBuilder, ColumnBuilder, DataMode,
    ForeignKeyBuilder, IndexBuilder, Ops, SequenceBuilder, SqlBuilder, TableBuilder, TableColumn,
    UpdateBuilder,
};
pub use reverse::ReverseError;

use crate::types::{ServerDefault, Type, Value};
use crate::Dialect;

/// One column of a table.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnDef {
    /// Column name.
    pub name: String,
    /// Portable type.
    pub ty: Type,
    /// Whether NULL is allowed.
    pub nullable: bool,
    /// Server default, if any.
    pub default: Option<ServerDefault>,
    /// Identity / autoincrement.
    pub identity: bool,
    /// How an identity column generates its values (meaningful when `identity`); the default
    /// is each dialect's usual autoincrement.
    pub identity_options: IdentityOptions,
    /// Column comment.
    pub comment: Option<String>,
    /// The column's collation, named per dialect (collation names differ between them: `"C"`
    /// on PostgreSQL, `NOCASE` on SQLite, `utf8mb4_bin` on MySQL); a dialect without a name
    /// here uses its default. See [`ColumnBuilder::collate`](crate::ops::ColumnBuilder::collate).
    pub collation: Option<SqlText>,
    /// A generated (computed) column: its expression and whether it is stored
    /// (`.generated_stored(..)`, `.generated_virtual(..)`); `None` for a plain column.
    pub generated: Option<Generated>,
}

/// How a generated column is computed: `GENERATED ALWAYS AS (expr) STORED | VIRTUAL`.
///
/// ```
/// use schema_runtime::ops::Generated;
/// use schema_runtime::Dialect;
/// let total = Generated::stored("quantity * unit_price");
/// assert!(total.stored && total.expr == "quantity * unit_price");
/// assert!(!Generated::virtual_("lower(email)").stored);
/// let label = Generated::virtual_("first || ' ' || last")
///     .per_dialect(&[(Dialect::Mysql, "concat(first, ' ', last)")]);
/// assert_eq!(label.for_dialect(Dialect::Mariadb), "concat(first, ' ', last)");
/// assert_eq!(label.for_dialect(Dialect::Sqlite), "first || ' ' || last");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Generated {
    /// The SQL expression over the row's other columns. Identifiers in standard double quotes
    /// become backticks on MySQL/MariaDB, as in check expressions.
    pub expr: String,
    /// `STORED` (computed on write and kept on disk) or `VIRTUAL` (computed on read).
    pub stored: bool,
    /// The expression of some dialects where it is spelt otherwise (`concat(..)` on MySQL for
    /// `||`); `Dialect::Mysql` covers MariaDB unless MariaDB is named too. Empty: `expr`
    /// everywhere.
    pub dialects: Vec<(Dialect, String)>,
}

impl Generated {
    /// `GENERATED ALWAYS AS (expr) STORED`.
    pub fn stored(expr: &str) -> Self {
        Generated {
            expr: expr.to_owned(),
            stored: true,
            dialects: Vec::new(),
        }
    }

    /// `GENERATED ALWAYS AS (expr) VIRTUAL`.
    pub fn virtual_(expr: &str) -> Self {
        Generated {
            stored: false,
            ..Generated::stored(expr)
        }
    }

    /// The same generation with the expression of some dialects spelt otherwise.
    pub fn per_dialect(mut self, dialects: &[(Dialect, &str)]) -> Self {
        self.dialects = spellings(dialects);
        self
    }

    /// The expression `dialect` runs: its own spelling (MariaDB falls back to MySQL's), else
    /// the portable one.
    pub fn for_dialect(&self, dialect: Dialect) -> &str {
        spelt_for(&self.dialects, dialect).unwrap_or(&self.expr)
    }

    /// `STORED` or `VIRTUAL`.
    pub fn kind(&self) -> &'static str {
        if self.stored {
            "STORED"
        } else {
            "VIRTUAL"
        }
    }

    /// Whether the expression (of any dialect) names `column` (a bare word,
    /// case-insensitively, or a quoted identifier; string literals do not count).
    ///
    /// ```
    /// use schema_runtime::ops::Generated;
    /// let total = Generated::stored(r#""Quantity" * unit_price + length('quantity')"#);
    /// assert!(total.mentions("Quantity") && total.mentions("UNIT_PRICE"));
    /// assert!(!total.mentions("quantity") && !total.mentions("length"));
    /// ```
    pub fn mentions(&self, column: &str) -> bool {
        std::iter::once(&self.expr)
            .chain(self.dialects.iter().map(|(_, e)| e))
            .any(|e| expression_names(e, column))
    }

    /// The generation with `from` renamed `to` wherever its expressions name that column,
    /// quoted as it was: what every server does to a generated column on `RENAME COLUMN`.
    pub(crate) fn renamed(&self, from: &str, to: &str) -> Generated {
        Generated {
            expr: renamed_in(&self.expr, from, to),
            stored: self.stored,
            dialects: self
                .dialects
                .iter()
                .map(|(d, e)| (*d, renamed_in(e, from, to)))
                .collect(),
        }
    }
}

/// `text` with the identifier `from` renamed `to`, quoted as it was.
fn renamed_in(text: &str, from: &str, to: &str) -> String {
    let mut expr = String::with_capacity(text.len() + to.len());
    let mut at = 0;
    for (range, ident) in identifiers(text) {
        if !ident.is(from) {
            continue;
        }
        expr.push_str(&text[at..range.start]);
        match ident.quote {
            Some(q) => {
                let q = q.to_string();
                expr.push_str(&format!("{q}{}{q}", to.replace(&q, &format!("{q}{q}"))));
            }
            None if to.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => expr.push_str(to),
            None => expr.push_str(&format!("\"{}\"", to.replace('"', "\"\""))),
        }
        at = range.end;
    }
    expr.push_str(&text[at..]);
    expr
}

/// An identifier of an expression: its text and the quote around it, if any.
struct Ident {
    text: String,
    quote: Option<char>,
}

impl Ident {
    /// Whether it names `column`: a bare word case-insensitively (the servers fold it), a
    /// quoted one exactly.
    fn is(&self, column: &str) -> bool {
        match self.quote {
            Some(_) => self.text == column,
            None => self.text.eq_ignore_ascii_case(column),
        }
    }
}

/// The identifiers of an SQL expression with their byte ranges: bare words not followed by `(`
/// (a function name) and `"quoted"` / `` `quoted` `` ones; string literals are skipped.
fn identifiers(expr: &str) -> impl Iterator<Item = (std::ops::Range<usize>, Ident)> + '_ {
    let bytes = expr.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            let start = i;
            let c = bytes[i];
            if c == b'\'' || c == b'"' || c == b'`' {
                i += 1;
                let mut text = Vec::new();
                while i < bytes.len() {
                    if bytes[i] == c {
                        if bytes.get(i + 1) == Some(&c) {
                            text.push(c);
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    text.push(bytes[i]);
                    i += 1;
                }
                i = (i + 1).min(bytes.len());
                if c != b'\'' {
                    let text = String::from_utf8_lossy(&text).into_owned();
                    return Some((
                        start..i,
                        Ident {
                            text,
                            quote: Some(c as char),
                        },
                    ));
                }
                continue;
            }
            if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 {
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] >= 0x80)
                {
                    i += 1;
                }
                let call = expr[i..].trim_start().starts_with('(');
                // `x.y`: a qualified name or a number's part; neither is a plain column.
                let dotted = bytes.get(i) == Some(&b'.') || (start > 0 && bytes[start - 1] == b'.');
                if !call && !dotted {
                    let text = expr[start..i].to_owned();
                    return Some((start..i, Ident { text, quote: None }));
                }
                continue;
            }
            if c.is_ascii_digit() {
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'.') {
                    i += 1;
                }
                continue;
            }
            i += 1;
        }
        None
    })
}

/// How an identity column generates values: PostgreSQL's `GENERATED ALWAYS` / `BY DEFAULT`,
/// `SERIAL`, and the sequence options. The default (`BY DEFAULT`, no options) is what
/// `.identity()` asks for and what every dialect has.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct IdentityOptions {
    /// `GENERATED ALWAYS AS IDENTITY`: explicit values are refused unless `OVERRIDING SYSTEM
    /// VALUE` (PostgreSQL only).
    pub always: bool,
    /// PostgreSQL `SERIAL` / `BIGSERIAL` / `SMALLSERIAL` (a sequence default instead of an
    /// identity); elsewhere the dialect's autoincrement.
    pub serial: bool,
    /// `START WITH`.
    pub start: Option<i64>,
    /// `INCREMENT BY`.
    pub increment: Option<i64>,
    /// `MINVALUE`.
    pub min_value: Option<i64>,
    /// `MAXVALUE`.
    pub max_value: Option<i64>,
    /// `CACHE`.
    pub cache: Option<i64>,
    /// `CYCLE`.
    pub cycle: bool,
    /// SQLite: `INTEGER PRIMARY KEY AUTOINCREMENT` (an id is never given twice, at the cost
    /// of a write to `sqlite_sequence` on each insert) instead of the plain rowid alias
    /// `INTEGER PRIMARY KEY` that `.identity()` renders; elsewhere the usual identity.
    pub autoincrement: bool,
}

impl IdentityOptions {
    /// No option differs from the dialect's usual autoincrement.
    pub fn is_default(&self) -> bool {
        *self == IdentityOptions::default()
    }

    /// The options of the identity's sequence.
    pub fn sequence(&self) -> SequenceOptions {
        SequenceOptions {
            start: self.start,
            increment: self.increment,
            min_value: self.min_value,
            max_value: self.max_value,
            cache: self.cache,
            cycle: self.cycle,
        }
    }

    /// Sets the options of the identity's sequence.
    pub fn set_sequence(&mut self, o: &SequenceOptions) {
        self.start = o.start;
        self.increment = o.increment;
        self.min_value = o.min_value;
        self.max_value = o.max_value;
        self.cache = o.cache;
        self.cycle = o.cycle;
    }

    /// Some sequence option (start, increment, bounds, cache, cycle) is set.
    pub fn has_sequence_options(&self) -> bool {
        self.start.is_some()
            || self.increment.is_some()
            || self.min_value.is_some()
            || self.max_value.is_some()
            || self.cache.is_some()
            || self.cycle
    }

    /// The sequence options in PostgreSQL's grammar (`START WITH 100 INCREMENT BY 10`), empty
    /// when none is set.
    pub fn sequence_sql(&self) -> String {
        let mut parts = Vec::new();
        if let Some(n) = self.start {
            parts.push(format!("START WITH {n}"));
        }
        if let Some(n) = self.increment {
            parts.push(format!("INCREMENT BY {n}"));
        }
        if let Some(n) = self.min_value {
            parts.push(format!("MINVALUE {n}"));
        }
        if let Some(n) = self.max_value {
            parts.push(format!("MAXVALUE {n}"));
        }
        if let Some(n) = self.cache {
            parts.push(format!("CACHE {n}"));
        }
        if self.cycle {
            parts.push("CYCLE".into());
        }
        parts.join(" ")
    }
}

impl ColumnDef {
    /// A nullable column without default.
    pub fn new(name: impl Into<String>, ty: Type) -> Self {
        ColumnDef {
            name: name.into(),
            ty,
            nullable: true,
            default: None,
            identity: false,
            identity_options: IdentityOptions::default(),
            comment: None,
            collation: None,
            generated: None,
        }
    }

    /// The collation `dialect` gives this column, if one was asked for.
    pub fn collation_for(&self, dialect: Dialect) -> Option<&str> {
        self.collation.as_ref().and_then(|c| c.for_dialect(dialect))
    }

    /// Whether the column is generated (computed from the row's other columns).
    pub fn is_generated(&self) -> bool {
        self.generated.is_some()
    }
}

/// A named constraint over some columns (primary key, unique).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyDef {
    /// Constraint name (from the naming convention when not given).
    pub name: String,
    /// Columns in key order.
    pub columns: Vec<String>,
}

/// What a foreign key does when the referenced row is deleted or updated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FkAction {
    /// `NO ACTION`.
    NoAction,
    /// `RESTRICT`.
    Restrict,
    /// `CASCADE`.
    Cascade,
    /// `SET NULL`.
    SetNull,
    /// `SET DEFAULT`.
    SetDefault,
}

impl FkAction {
    /// The SQL keywords.
    pub fn sql(self) -> &'static str {
        match self {
            FkAction::NoAction => "NO ACTION",
            FkAction::Restrict => "RESTRICT",
            FkAction::Cascade => "CASCADE",
            FkAction::SetNull => "SET NULL",
            FkAction::SetDefault => "SET DEFAULT",
        }
    }
}

/// When a deferrable foreign key is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deferrable {
    /// `DEFERRABLE INITIALLY IMMEDIATE`.
    InitiallyImmediate,
    /// `DEFERRABLE INITIALLY DEFERRED`.
    InitiallyDeferred,
}

/// A foreign key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKeyDef {
    /// Constraint name.
    pub name: String,
    /// Referencing columns.
    pub columns: Vec<String>,
    /// Referenced table.
    pub ref_table: String,
    /// Referenced columns.
    pub ref_columns: Vec<String>,
    /// `ON DELETE`.
    pub on_delete: Option<FkAction>,
    /// `ON UPDATE`.
    pub on_update: Option<FkAction>,
    /// `DEFERRABLE ...` (PostgreSQL and SQLite).
    pub deferrable: Option<Deferrable>,
}

/// A check constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckDef {
    /// Constraint name.
    pub name: String,
    /// The SQL condition, rendered verbatim.
    pub expr: String,
    /// The column whose definition holds the check (a column-level `CHECK`), where the dialect
    /// tells the two apart (MariaDB names it after the column and drops it with the column);
    /// `None` for a table-level check.
    pub column: Option<String>,
    /// The dialects that have this check (`create_check_on`, `t.check_on`); empty: every
    /// dialect. Elsewhere adding and dropping it render nothing and drift checks do not expect
    /// it: a check whose SQL differs by dialect is one check per dialect.
    pub only_on: Vec<crate::Dialect>,
}

impl CheckDef {
    /// Whether `dialect` has this check (see [`CheckDef::only_on`]).
    pub fn exists_on(&self, dialect: crate::Dialect) -> bool {
        listed(&self.only_on, dialect)
    }
}

/// Texts spelt for some dialects, owned.
pub(crate) fn spellings(texts: &[(Dialect, &str)]) -> Vec<(Dialect, String)> {
    texts.iter().map(|(d, t)| (*d, (*t).to_owned())).collect()
}

/// The text `spellings` gives `dialect`: its own, else MySQL's for MariaDB (as `SqlText` and
/// [`listed`] fall back); `None` where the portable text applies.
pub(crate) fn spelt_for(spellings: &[(Dialect, String)], dialect: Dialect) -> Option<&str> {
    let own = |d: Dialect| {
        spellings
            .iter()
            .find(|(x, _)| *x == d)
            .map(|(_, text)| text.as_str())
    };
    own(dialect).or_else(|| {
        (dialect == Dialect::Mariadb)
            .then(|| own(Dialect::Mysql))
            .flatten()
    })
}

/// Whether `dialect` is in `only_on` (empty: every dialect); MariaDB counts as MySQL where
/// only MySQL is named, as `SqlText` falls back.
pub(crate) fn listed(only_on: &[crate::Dialect], dialect: crate::Dialect) -> bool {
    only_on.is_empty()
        || only_on.contains(&dialect)
        || (dialect == crate::Dialect::Mariadb
            && only_on.contains(&crate::Dialect::Mysql)
            && !only_on.contains(&crate::Dialect::Mariadb))
}

/// A table constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Constraint {
    /// `PRIMARY KEY`.
    PrimaryKey(KeyDef),
    /// `UNIQUE`.
    Unique(KeyDef),
    /// `FOREIGN KEY ... REFERENCES`.
    ForeignKey(ForeignKeyDef),
    /// `CHECK`.
    Check(CheckDef),
}

impl Constraint {
    /// The constraint's name.
    pub fn name(&self) -> &str {
        match self {
            Constraint::PrimaryKey(k) | Constraint::Unique(k) => &k.name,
            Constraint::ForeignKey(fk) => &fk.name,
            Constraint::Check(ck) => &ck.name,
        }
    }

    /// `primary key`, `unique`, `foreign key` or `check`.
    pub fn kind(&self) -> &'static str {
        match self {
            Constraint::PrimaryKey(_) => "primary key",
            Constraint::Unique(_) => "unique",
            Constraint::ForeignKey(_) => "foreign key",
            Constraint::Check(_) => "check",
        }
    }
}

/// A table as `create_table` creates it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TableDef {
    /// Table name.
    pub name: String,
    /// Columns in order.
    pub columns: Vec<ColumnDef>,
    /// Primary key, if any.
    pub primary_key: Option<KeyDef>,
    /// Unique constraints.
    pub uniques: Vec<KeyDef>,
    /// Foreign keys.
    pub foreign_keys: Vec<ForeignKeyDef>,
    /// Check constraints.
    pub checks: Vec<CheckDef>,
    /// Table comment.
    pub comment: Option<String>,
    /// MySQL/MariaDB storage engine (`ENGINE = InnoDB`), Alembic's `mysql_engine=`; other
    /// dialects have none and ignore it. `None`: the server's default engine.
    pub mysql_engine: Option<String>,
    /// MySQL/MariaDB default collation of the table (`COLLATE = utf8mb4_unicode_ci`, which
    /// implies its character set), Alembic's `mysql_collate=`; other dialects ignore it.
    /// `None`: the database's default.
    pub mysql_collation: Option<String>,
}

impl TableDef {
    /// The column called `name`.
    pub fn column(&self, name: &str) -> Option<&ColumnDef> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Every constraint of the table.
    pub fn constraints(&self) -> Vec<Constraint> {
        let mut all: Vec<Constraint> = self
            .primary_key
            .iter()
            .cloned()
            .map(Constraint::PrimaryKey)
            .collect();
        all.extend(self.uniques.iter().cloned().map(Constraint::Unique));
        all.extend(
            self.foreign_keys
                .iter()
                .cloned()
                .map(Constraint::ForeignKey),
        );
        all.extend(self.checks.iter().cloned().map(Constraint::Check));
        all
    }

    /// Whether some constraint has no name (declared with `t.check_unnamed(..)`,
    /// `t.unique_unnamed(..)`, `.unnamed()` on a foreign key, `t.primary_key_unnamed()`, or
    /// read so from a database that keeps it unnamed).
    pub fn has_unnamed_constraints(&self) -> bool {
        self.constraint_names().any(str::is_empty)
    }

    /// This table with each unnamed constraint named as PostgreSQL names a constraint declared
    /// without a name: `<table>_pkey`, `<table>_<columns>_key`, `<table>_<columns>_fkey`,
    /// `<table>_<column>_check` (the one column the expression names, else `<table>_check`),
    /// shortened to `max_len` bytes as PostgreSQL shortens them (table and column parts, the
    /// longer first), with `1`, `2`, ... after the label when the name is taken in the table.
    /// The dialects that name every constraint (PostgreSQL, MySQL, MariaDB) render and compare
    /// unnamed constraints under these names, so they are known offline; SQLite keeps them
    /// unnamed.
    ///
    /// ```
    /// use schema_runtime::prelude::*;
    /// use schema_runtime::Schema;
    /// let mut op = Ops::new();
    /// op.create_table("users", |t| {
    ///     t.column("id", Type::BigInt).primary_key();
    ///     t.column("karma", Type::Integer).not_null();
    ///     t.check_unnamed("karma >= 0");
    /// });
    /// let mut schema = Schema::default();
    /// for o in op.ops() { schema.apply(o).unwrap(); }
    /// let named = schema.table("users").unwrap().def.with_server_names(63);
    /// assert_eq!(named.checks[0].name, "users_karma_check");
    /// ```
    pub fn with_server_names(&self, max_len: usize) -> TableDef {
        let mut def = self.clone();
        if !def.has_unnamed_constraints() {
            return def;
        }
        let mut taken: Vec<String> = def
            .constraint_names()
            .filter(|n| !n.is_empty())
            .map(str::to_owned)
            .collect();
        let table = def.name.clone();
        let mut choose = |name2: &str, label: &str| {
            let mut pass = 0usize;
            loop {
                let label = if pass == 0 {
                    label.to_owned()
                } else {
                    format!("{label}{pass}")
                };
                let name = object_name(&table, name2, &label, max_len);
                if !taken.contains(&name) {
                    taken.push(name.clone());
                    return name;
                }
                pass += 1;
            }
        };
        if let Some(pk) = def.primary_key.as_mut().filter(|k| k.name.is_empty()) {
            pk.name = choose("", "pkey");
        }
        for key in def.uniques.iter_mut().filter(|k| k.name.is_empty()) {
            key.name = choose(&key.columns.join("_"), "key");
        }
        for fk in def.foreign_keys.iter_mut().filter(|fk| fk.name.is_empty()) {
            fk.name = choose(&fk.columns.join("_"), "fkey");
        }
        let columns: Vec<String> = def.columns.iter().map(|c| c.name.clone()).collect();
        for ck in def.checks.iter_mut().filter(|ck| ck.name.is_empty()) {
            let column = ck
                .column
                .clone()
                .or_else(|| match expression_columns(&ck.expr, &columns).as_slice() {
                    [one] => Some(one.clone()),
                    _ => None,
                })
                .unwrap_or_default();
            ck.name = choose(&column, "check");
        }
        def
    }

    /// The names of every constraint, in the order [`constraints`](Self::constraints) lists them.
    pub fn constraint_names(&self) -> impl Iterator<Item = &str> {
        self.primary_key
            .iter()
            .chain(&self.uniques)
            .map(|k| k.name.as_str())
            .chain(self.foreign_keys.iter().map(|fk| fk.name.as_str()))
            .chain(self.checks.iter().map(|ck| ck.name.as_str()))
    }

    /// The constraint called `name` (cloning only that one: this is on the planning path).
    pub fn constraint(&self, name: &str) -> Option<Constraint> {
        if let Some(k) = self.primary_key.as_ref().filter(|k| k.name == name) {
            return Some(Constraint::PrimaryKey(k.clone()));
        }
        if let Some(k) = self.uniques.iter().find(|k| k.name == name) {
            return Some(Constraint::Unique(k.clone()));
        }
        if let Some(fk) = self.foreign_keys.iter().find(|fk| fk.name == name) {
            return Some(Constraint::ForeignKey(fk.clone()));
        }
        self.checks
            .iter()
            .find(|ck| ck.name == name)
            .map(|ck| Constraint::Check(ck.clone()))
    }
}

/// An index.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IndexDef {
    /// Index name (from the naming convention when not given).
    pub name: String,
    /// The indexed table.
    pub table: String,
    /// The keys in order: columns and expressions, each with its sort order, NULLS order,
    /// operator class, collation and prefix length.
    pub keys: Vec<IndexKey>,
    /// Whether the index enforces uniqueness.
    pub unique: bool,
    /// Partial index predicate (`WHERE`), PostgreSQL and SQLite.
    pub predicate: Option<String>,
    /// Where the dialect has no partial indexes (MySQL/MariaDB), build a plain index instead of
    /// refusing the op (`.or_plain_elsewhere()`; Alembic's `postgresql_where=`, which MySQL
    /// ignores). Not for a unique index: uniqueness over every row is another constraint.
    pub partial_or_plain: bool,
    /// The dialects that have this index (`.only_on(..)`); empty: every dialect. Elsewhere
    /// creating and dropping it render nothing and drift checks do not expect it, so one
    /// revision can hold a PostgreSQL-only GIN index beside a MySQL FULLTEXT one.
    pub only_on: Vec<crate::Dialect>,
    /// Non-key columns stored in the index (PostgreSQL `INCLUDE`; ignored elsewhere).
    pub include: Vec<String>,
    /// The access method, lower case: PostgreSQL `btree` (the default), `hash`, `gin`, `gist`,
    /// `brin`, `spgist` or an extension's (`hnsw`); MySQL/MariaDB `btree`, `hash`, `fulltext`,
    /// `spatial`. `None` is the dialect's default (B-tree).
    pub method: Option<String>,
}

impl IndexDef {
    /// Whether `dialect` has this index (see [`IndexDef::only_on`]); MariaDB counts as MySQL
    /// where only MySQL is named, as `SqlText` falls back.
    pub fn exists_on(&self, dialect: crate::Dialect) -> bool {
        listed(&self.only_on, dialect)
    }

    /// The columns of the column keys, in order (what the naming convention and foreign keys
    /// look at; expression keys are left out).
    pub fn columns(&self) -> Vec<String> {
        self.keys
            .iter()
            .filter_map(|k| k.column_name().map(str::to_owned))
            .collect()
    }

    /// The expression keys' SQL, in order.
    pub fn expressions(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().filter_map(|k| match &k.part {
            KeyPart::Expression(sql) => Some(sql.as_str()),
            KeyPart::Column(_) => None,
        })
    }

    /// The columns of the leading column keys, up to the first expression or prefix key: what
    /// can serve a foreign key on MySQL/MariaDB.
    pub fn leading_columns(&self) -> Vec<String> {
        self.keys
            .iter()
            .map_while(|k| k.column_name().filter(|_| k.prefix.is_none()))
            .map(str::to_owned)
            .collect()
    }

    /// Whether some key is an expression.
    pub fn has_expressions(&self) -> bool {
        self.keys
            .iter()
            .any(|k| matches!(k.part, KeyPart::Expression(_)))
    }

    /// Whether every key is a column without options (what a unique constraint or a plain
    /// foreign-key index is).
    pub fn plain_columns(&self) -> bool {
        self.keys.iter().all(IndexKey::is_plain_column)
    }
}

/// What an index key indexes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum KeyPart {
    /// A column, by name.
    Column(String),
    /// An SQL expression (`lower(email)`), as the dialect takes it.
    Expression(String),
}

/// Where NULLs sort in an index key (PostgreSQL).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NullsOrder {
    /// `NULLS FIRST`.
    First,
    /// `NULLS LAST`.
    Last,
}

/// One key of an index: a column or an expression, with its options.
///
/// ```
/// use schema_runtime::ops::IndexKey;
/// let key = IndexKey::column("created_at").desc().nulls_last();
/// assert!(key.descending);
/// let by_name: IndexKey = "email".into();
/// assert!(by_name.is_plain_column());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct IndexKey {
    /// The column or expression.
    pub part: KeyPart,
    /// `DESC`.
    pub descending: bool,
    /// `NULLS FIRST` / `NULLS LAST` (PostgreSQL); `None` is the default for the order.
    pub nulls: Option<NullsOrder>,
    /// The operator class (PostgreSQL, e.g. `varchar_pattern_ops`, `gin_trgm_ops`).
    pub opclass: Option<String>,
    /// The collation (PostgreSQL `COLLATE "C"`, SQLite `COLLATE NOCASE`).
    pub collation: Option<String>,
    /// The indexed prefix length in characters (MySQL/MariaDB `title(20)`).
    pub prefix: Option<u32>,
}

impl IndexKey {
    /// A column key.
    pub fn column(name: &str) -> Self {
        IndexKey::of(KeyPart::Column(name.to_owned()))
    }

    /// An expression key (`lower(email)`).
    pub fn expression(sql: &str) -> Self {
        IndexKey::of(KeyPart::Expression(sql.to_owned()))
    }

    fn of(part: KeyPart) -> Self {
        IndexKey {
            part,
            descending: false,
            nulls: None,
            opclass: None,
            collation: None,
            prefix: None,
        }
    }

    /// `DESC`.
    pub fn desc(mut self) -> Self {
        self.descending = true;
        self
    }

    /// `NULLS FIRST` (PostgreSQL).
    pub fn nulls_first(mut self) -> Self {
        self.nulls = Some(NullsOrder::First);
        self
    }

    /// `NULLS LAST` (PostgreSQL).
    pub fn nulls_last(mut self) -> Self {
        self.nulls = Some(NullsOrder::Last);
        self
    }

    /// An operator class (PostgreSQL).
    pub fn opclass(mut self, opclass: &str) -> Self {
        self.opclass = Some(opclass.to_owned());
        self
    }

    /// A collation (PostgreSQL, SQLite).
    pub fn collate(mut self, collation: &str) -> Self {
        self.collation = Some(collation.to_owned());
        self
    }

    /// Indexes only the first `chars` characters (MySQL/MariaDB prefix index).
    pub fn prefix(mut self, chars: u32) -> Self {
        self.prefix = Some(chars);
        self
    }

    /// The column, for a column key.
    pub fn column_name(&self) -> Option<&str> {
        match &self.part {
            KeyPart::Column(name) => Some(name),
            KeyPart::Expression(_) => None,
        }
    }

    /// A column key without any option.
    pub fn is_plain_column(&self) -> bool {
        matches!(self.part, KeyPart::Column(_)) && !self.has_options()
    }

    /// Whether any option (order, NULLS, operator class, collation, prefix) is set.
    pub fn has_options(&self) -> bool {
        self.descending
            || self.nulls.is_some()
            || self.opclass.is_some()
            || self.collation.is_some()
            || self.prefix.is_some()
    }
}

impl From<&str> for IndexKey {
    fn from(column: &str) -> Self {
        IndexKey::column(column)
    }
}

impl From<String> for IndexKey {
    fn from(column: String) -> Self {
        IndexKey::of(KeyPart::Column(column))
    }
}

impl From<&String> for IndexKey {
    fn from(column: &String) -> Self {
        IndexKey::column(column)
    }
}

/// Keys of plain columns.
pub fn column_keys<I, S>(columns: I) -> Vec<IndexKey>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    columns
        .into_iter()
        .map(|c| IndexKey::of(KeyPart::Column(c.into())))
        .collect()
}

/// The changes of one `alter_column`; `None` leaves that aspect as it is.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AlterColumn {
    /// Table of the column.
    pub table: String,
    /// Column name before the change.
    pub column: String,
    /// New type.
    pub ty: Option<Type>,
    /// Cast expression for the type change (PostgreSQL `USING`; SQLite rebuilds copy through it).
    pub using: Option<String>,
    /// New nullability.
    pub nullable: Option<bool>,
    /// New server default: `Some(None)` drops it.
    pub default: Option<Option<ServerDefault>>,
    /// New name.
    pub rename: Option<String>,
    /// New comment: `Some(None)` drops it.
    pub comment: Option<Option<String>>,
    /// Adds (`true`) or drops (`false`) identity / autoincrement.
    pub identity: Option<bool>,
    /// New collation: `Some(None)` returns to the dialect's default.
    pub collation: Option<Option<SqlText>>,
    /// Changes the options of an identity column (`GENERATED ALWAYS` / `BY DEFAULT`, its
    /// sequence's options); `None` leaves them.
    pub identity_options: Option<IdentityChanges>,
}

/// What `alter_column(..).set_identity_always(..)` / `.set_identity_sequence(..)` change on an
/// identity column; each `Some` is set, the rest stays.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct IdentityChanges {
    /// `GENERATED ALWAYS` (`true`) or `BY DEFAULT` (`false`).
    pub always: Option<bool>,
    /// Options of the identity's sequence.
    pub sequence: SequenceChanges,
}

impl IdentityChanges {
    /// Nothing changes.
    pub fn is_empty(&self) -> bool {
        self.always.is_none() && self.sequence.is_empty()
    }
}

impl AlterColumn {
    /// True when the alter changes nothing.
    pub fn is_empty(&self) -> bool {
        self.ty.is_none()
            && self.nullable.is_none()
            && self.default.is_none()
            && self.rename.is_none()
            && self.comment.is_none()
            && self.identity.is_none()
            && self.collation.is_none()
            && self.identity_options.is_none_or(|c| c.is_empty())
    }

    /// The column after the change.
    pub fn applied_to(&self, column: &ColumnDef) -> ColumnDef {
        let mut new = column.clone();
        if let Some(ty) = &self.ty {
            new.ty = ty.clone();
        }
        if let Some(nullable) = self.nullable {
            new.nullable = nullable;
        }
        if let Some(default) = &self.default {
            new.default = default.clone();
        }
        if let Some(name) = &self.rename {
            new.name = name.clone();
        }
        if let Some(comment) = &self.comment {
            new.comment = comment.clone();
        }
        if let Some(collation) = &self.collation {
            new.collation = collation.clone();
        }
        if let Some(identity) = self.identity {
            new.identity = identity;
            if identity {
                new.nullable = false;
            }
        }
        if let Some(changes) = &self.identity_options {
            if let Some(always) = changes.always {
                new.identity_options.always = always;
            }
            let sequence = new.identity_options.sequence().with(&changes.sequence);
            new.identity_options.set_sequence(&sequence);
        }
        new
    }
}

/// A PostgreSQL enum type (inline `ENUM(...)` on MySQL, text on SQLite).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumDef {
    /// Type name.
    pub name: String,
    /// Values in order.
    pub values: Vec<String>,
}

/// A standalone sequence (`CREATE SEQUENCE`, PostgreSQL and MariaDB): its name and options.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct SequenceDef {
    /// Sequence name.
    pub name: String,
    /// Its options; `None` / `false` is the dialect's default.
    pub options: SequenceOptions,
}

impl SequenceDef {
    /// A sequence with the dialect's default options.
    pub fn new(name: impl Into<String>) -> Self {
        SequenceDef {
            name: name.into(),
            options: SequenceOptions::default(),
        }
    }
}

/// The options of a sequence: what `CREATE SEQUENCE` and `ALTER SEQUENCE` set. `None` is the
/// dialect's default (PostgreSQL: `INCREMENT BY 1`, `CACHE 1`, bounds of `bigint`; MariaDB:
/// `INCREMENT BY 1`, `CACHE 1000`, `MAXVALUE 9223372036854775806`), and the start is the low
/// bound (the high one when descending).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct SequenceOptions {
    /// `START WITH`.
    pub start: Option<i64>,
    /// `INCREMENT BY`.
    pub increment: Option<i64>,
    /// `MINVALUE`.
    pub min_value: Option<i64>,
    /// `MAXVALUE`.
    pub max_value: Option<i64>,
    /// `CACHE`.
    pub cache: Option<i64>,
    /// `CYCLE`: wraps around at its bound.
    pub cycle: bool,
}

impl SequenceOptions {
    /// The options with `changes` applied.
    pub fn with(mut self, changes: &SequenceChanges) -> SequenceOptions {
        if let Some(v) = changes.start {
            self.start = v;
        }
        if let Some(v) = changes.increment {
            self.increment = v;
        }
        if let Some(v) = changes.min_value {
            self.min_value = v;
        }
        if let Some(v) = changes.max_value {
            self.max_value = v;
        }
        if let Some(v) = changes.cache {
            self.cache = v;
        }
        if let Some(v) = changes.cycle {
            self.cycle = v;
        }
        self
    }

    /// The changes that restore these options where `changes` touches them: what reverses
    /// `changes` applied to `self`.
    pub fn restoring(&self, changes: &SequenceChanges) -> SequenceChanges {
        SequenceChanges {
            start: changes.start.map(|_| self.start),
            increment: changes.increment.map(|_| self.increment),
            min_value: changes.min_value.map(|_| self.min_value),
            max_value: changes.max_value.map(|_| self.max_value),
            cache: changes.cache.map(|_| self.cache),
            cycle: changes.cycle.map(|_| self.cycle),
        }
    }

    /// The changes from `self` to `to`: only the options that differ.
    pub fn changes_to(&self, to: &SequenceOptions) -> SequenceChanges {
        let differ = |a: Option<i64>, b: Option<i64>| (a != b).then_some(b);
        SequenceChanges {
            start: differ(self.start, to.start),
            increment: differ(self.increment, to.increment),
            min_value: differ(self.min_value, to.min_value),
            max_value: differ(self.max_value, to.max_value),
            cache: differ(self.cache, to.cache),
            cycle: (self.cycle != to.cycle).then_some(to.cycle),
        }
    }

    /// The options as a dialect reads them back: a value equal to the dialect's default is
    /// `None` (what introspection reports), so a sequence declared `.increment(1)` and one
    /// declared without compare equal.
    pub(crate) fn normalised(&self, defaults: SequenceDefaults) -> SequenceOptions {
        let increment = self.increment.unwrap_or(1);
        let (default_min, default_max) = if increment > 0 {
            (1, defaults.max)
        } else {
            (defaults.min, -1)
        };
        let min = self.min_value.unwrap_or(default_min);
        let high = self.max_value.unwrap_or(default_max);
        let default_start = if increment > 0 { min } else { high };
        SequenceOptions {
            start: self.start.filter(|&s| s != default_start),
            increment: (increment != 1).then_some(increment),
            min_value: (min != default_min).then_some(min),
            max_value: (high != default_max).then_some(high),
            cache: self.cache.filter(|&c| c != defaults.cache),
            cycle: self.cycle,
        }
    }
}

/// What a sequence option left out is on a dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SequenceDefaults {
    /// `CACHE`.
    pub cache: i64,
    /// The high bound of an ascending sequence.
    pub max: i64,
    /// The low bound of a descending sequence.
    pub min: i64,
}

/// PostgreSQL's (a `bigint` sequence).
pub(crate) const POSTGRES_SEQUENCES: SequenceDefaults = SequenceDefaults {
    cache: 1,
    max: i64::MAX,
    min: i64::MIN,
};

/// MariaDB's.
pub(crate) const MARIADB_SEQUENCES: SequenceDefaults = SequenceDefaults {
    cache: 1000,
    max: i64::MAX - 1,
    min: -i64::MAX,
};

/// What `alter_sequence` changes: each `Some` option is set (`Some(None)`: back to the
/// dialect's default); the others stay as they are.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct SequenceChanges {
    /// `START WITH` (what `RESTART` without a value goes back to).
    pub start: Option<Option<i64>>,
    /// `INCREMENT BY`.
    pub increment: Option<Option<i64>>,
    /// `MINVALUE` / `NO MINVALUE`.
    pub min_value: Option<Option<i64>>,
    /// `MAXVALUE` / `NO MAXVALUE`.
    pub max_value: Option<Option<i64>>,
    /// `CACHE`.
    pub cache: Option<Option<i64>>,
    /// `CYCLE` / `NO CYCLE`.
    pub cycle: Option<bool>,
}

impl SequenceChanges {
    /// Nothing changes.
    pub fn is_empty(&self) -> bool {
        *self == SequenceChanges::default()
    }
}

/// Where `add_enum_value` puts the new value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnumPosition {
    /// Before this value.
    Before(String),
    /// After this value.
    After(String),
}

/// The right-hand side of an `UPDATE ... SET column = ...`.
#[derive(Debug, Clone, PartialEq)]
pub enum SetValue {
    /// A literal.
    Value(Value),
    /// A SQL expression, rendered verbatim.
    Expr(String),
}

/// SQL text, the same for every dialect or one variant per dialect.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SqlText {
    /// Used where no dialect-specific variant is given.
    pub portable: Option<String>,
    /// PostgreSQL variant.
    pub postgres: Option<String>,
    /// SQLite variant.
    pub sqlite: Option<String>,
    /// MySQL variant; also MariaDB's when no `mariadb` variant is given.
    pub mysql: Option<String>,
    /// MariaDB variant.
    pub mariadb: Option<String>,
}

impl SqlText {
    /// A text for each of some dialects and none for the others (no portable text).
    pub(crate) fn per_dialect(texts: &[(Dialect, &str)]) -> Self {
        let mut text = SqlText::default();
        for (dialect, t) in texts {
            *match dialect {
                Dialect::Postgres => &mut text.postgres,
                Dialect::Sqlite => &mut text.sqlite,
                Dialect::Mysql => &mut text.mysql,
                Dialect::Mariadb => &mut text.mariadb,
            } = Some((*t).to_owned());
        }
        text
    }

    /// The same SQL for every dialect.
    pub fn portable(sql: impl Into<String>) -> Self {
        SqlText {
            portable: Some(sql.into()),
            ..SqlText::default()
        }
    }

    /// The text for `dialect`, if one was given.
    pub fn for_dialect(&self, dialect: Dialect) -> Option<&str> {
        let specific = match dialect {
            Dialect::Postgres => self.postgres.as_deref(),
            Dialect::Sqlite => self.sqlite.as_deref(),
            Dialect::Mysql => self.mysql.as_deref(),
            Dialect::Mariadb => self.mariadb.as_deref().or(self.mysql.as_deref()),
        };
        specific.or(self.portable.as_deref())
    }
}

/// The literal rows of a `bulk_insert` or `delete_rows`: the values, or, when a revision is
/// loaded only for its schema and its checksum, their count and SHA-256 (the values were hashed
/// as the migration produced them and never kept, so a million seed rows cost no memory).
///
/// ```
/// use schema_runtime::ops::Rows;
/// use schema_runtime::row;
/// let rows = Rows::from(vec![row![1, "a"], row![2, "b"]]);
/// let digested = Rows::digested(vec![row![1, "a"], row![2, "b"]], 2);
/// assert_eq!(rows.len(), 2);
/// assert!(rows.is_loaded() && !digested.is_loaded());
/// assert_eq!(rows.digest(), digested.digest());
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Rows {
    values: Vec<Vec<Value>>,
    summary: Option<RowsSummary>,
}

/// What is kept of rows hashed and dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct RowsSummary {
    count: usize,
    digest: [u8; 32],
    /// The first row whose length is not the column count: `(1-based row, its length)`.
    arity_error: Option<(usize, usize)>,
}

impl From<Vec<Vec<Value>>> for Rows {
    fn from(values: Vec<Vec<Value>>) -> Self {
        Rows {
            values,
            summary: None,
        }
    }
}

impl Rows {
    /// Hashes `rows` one at a time and keeps only their count and digest; `columns` is the
    /// column count each row must have.
    pub fn digested(rows: impl IntoIterator<Item = Vec<Value>>, columns: usize) -> Self {
        let mut hasher = RowHasher::default();
        let mut count = 0;
        let mut arity_error = None;
        for row in rows {
            count += 1;
            if row.len() != columns && arity_error.is_none() {
                arity_error = Some((count, row.len()));
            }
            hasher.row(&row);
        }
        Rows {
            values: Vec::new(),
            summary: Some(RowsSummary {
                count,
                digest: hasher.finish(),
                arity_error,
            }),
        }
    }

    /// The rows; empty when they were only [`digested`](Self::digested).
    pub fn values(&self) -> &[Vec<Value>] {
        &self.values
    }

    /// How many rows.
    pub fn len(&self) -> usize {
        self.summary.map_or(self.values.len(), |s| s.count)
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the values are here (not only their digest).
    pub fn is_loaded(&self) -> bool {
        self.summary.is_none()
    }

    /// SHA-256 of the rows' canonical form: the same whether they are loaded or digested.
    pub fn digest(&self) -> [u8; 32] {
        match self.summary {
            Some(s) => s.digest,
            None => {
                let mut hasher = RowHasher::default();
                for row in &self.values {
                    hasher.row(row);
                }
                hasher.finish()
            }
        }
    }

    /// The first row whose length is not `columns`: `(1-based row, its length)`.
    pub fn arity_error(&self, columns: usize) -> Option<(usize, usize)> {
        match self.summary {
            Some(s) => s.arity_error,
            None => self
                .values
                .iter()
                .enumerate()
                .find(|(_, r)| r.len() != columns)
                .map(|(i, r)| (i + 1, r.len())),
        }
    }
}

/// The canonical, versioned byte form of rows fed to SHA-256 without building it: a tag per
/// value, fixed-width numbers, length-prefixed text.
#[derive(Default)]
struct RowHasher(sha2::Sha256);

impl RowHasher {
    fn row(&mut self, row: &[Value]) {
        use sha2::Digest;
        for value in row {
            match value {
                Value::Null => self.0.update(b"n"),
                Value::Bool(b) => self.0.update(if *b { b"t" } else { b"f" }),
                Value::Int(i) => {
                    self.0.update(b"i");
                    self.0.update(i.to_le_bytes());
                }
                Value::Float(f) => {
                    self.0.update(b"d");
                    self.0.update(f.to_bits().to_le_bytes());
                }
                Value::Str(s) => self.text(b"s", s),
                // The typed values: tags no earlier value has, so existing digests stay.
                Value::Decimal(s) => self.text(b"N", s),
                Value::Date(s) => self.text(b"D", s),
                Value::Time(s) => self.text(b"T", s),
                Value::Timestamp(s) => self.text(b"P", s),
                Value::TimestampTz(s) => self.text(b"Z", s),
                Value::Uuid(s) => self.text(b"U", s),
                Value::Json(s) => self.text(b"J", s),
            }
        }
        self.0.update(b"\n");
    }

    /// A tag, the length and the bytes of a text value.
    fn text(&mut self, tag: &[u8], s: &str) {
        use sha2::Digest;
        self.0.update(tag);
        self.0.update((s.len() as u64).to_le_bytes());
        self.0.update(s.as_bytes());
    }

    fn finish(self) -> [u8; 32] {
        use sha2::Digest;
        self.0.finalize().into()
    }
}

/// Raw SQL, with an optional inverse.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RawSql {
    /// Runs on upgrade.
    pub up: SqlText,
    /// Runs on downgrade; without it the op is irreversible.
    pub down: Option<SqlText>,
    /// What the SQL does to the schema, as the author declares it (`.declares(|op| ..)`):
    /// applied to the replayed state and never rendered, so `check`, `check --database`,
    /// autogenerate and derived downgrades know the objects the SQL makes.
    pub effects: Vec<Op>,
    /// The dialects it runs on (written inside `op.only_on(..)`); empty: every dialect.
    pub only_on: Vec<Dialect>,
}

impl RawSql {
    /// Whether it runs on `dialect` (see [`RawSql::only_on`]).
    pub fn runs_on(&self, dialect: Dialect) -> bool {
        listed(&self.only_on, dialect)
    }
}

/// One schema change.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Op {
    /// `CREATE TABLE`.
    CreateTable {
        /// The table.
        def: TableDef,
        /// `IF NOT EXISTS`.
        if_not_exists: bool,
    },
    /// `DROP TABLE`.
    DropTable {
        /// Table name.
        table: String,
        /// `IF EXISTS`.
        if_exists: bool,
    },
    /// `ALTER TABLE ... RENAME TO`.
    RenameTable {
        /// Old name.
        from: String,
        /// New name.
        to: String,
    },
    /// Sets or drops a table comment.
    SetTableComment {
        /// Table name.
        table: String,
        /// The comment; `None` drops it.
        comment: Option<String>,
    },
    /// `ALTER TABLE ... ADD COLUMN`, with an optional unique constraint and foreign key.
    AddColumn {
        /// Table name.
        table: String,
        /// The new column.
        column: ColumnDef,
        /// Name of a unique constraint on the new column.
        unique: Option<String>,
        /// A foreign key from the new column.
        foreign_key: Option<ForeignKeyDef>,
    },
    /// `ALTER TABLE ... DROP COLUMN`.
    DropColumn {
        /// Table name.
        table: String,
        /// Column name.
        column: String,
    },
    /// `ALTER TABLE ... ALTER COLUMN` (type, nullability, default, rename, comment, identity).
    AlterColumn(AlterColumn),
    /// `CREATE INDEX`.
    CreateIndex {
        /// The index.
        index: IndexDef,
        /// `CONCURRENTLY` (PostgreSQL; needs a non-transactional migration).
        concurrently: bool,
        /// `IF NOT EXISTS`.
        if_not_exists: bool,
    },
    /// `DROP INDEX`; the table is found in the schema state.
    DropIndex {
        /// Index name.
        name: String,
        /// The table, when several tables have an index of that name (MySQL and MariaDB keep
        /// index names per table); `None` finds the one table that has it.
        table: Option<String>,
        /// `CONCURRENTLY` (PostgreSQL).
        concurrently: bool,
        /// `IF EXISTS`.
        if_exists: bool,
    },
    /// Adds a constraint to an existing table.
    AddConstraint {
        /// Table name.
        table: String,
        /// The constraint.
        constraint: Constraint,
    },
    /// Drops a constraint by name; its kind comes from the schema state.
    DropConstraint {
        /// Table name.
        table: String,
        /// Constraint name.
        name: String,
    },
    /// `CREATE TYPE ... AS ENUM`.
    CreateEnum(EnumDef),
    /// `DROP TYPE`.
    DropEnum {
        /// Type name.
        name: String,
    },
    /// `ALTER TYPE ... ADD VALUE`.
    AddEnumValue {
        /// Type name.
        name: String,
        /// The new value.
        value: String,
        /// Where it goes (the end when `None`).
        position: Option<EnumPosition>,
    },
    /// `ALTER TYPE ... RENAME VALUE`.
    RenameEnumValue {
        /// Type name.
        name: String,
        /// Old value.
        from: String,
        /// New value.
        to: String,
    },
    /// Removes a value from an enum type (rows must not hold it).
    DropEnumValue {
        /// Type name.
        name: String,
        /// The value.
        value: String,
    },
    /// `CREATE SEQUENCE` (PostgreSQL, MariaDB).
    CreateSequence(SequenceDef),
    /// `DROP SEQUENCE`.
    DropSequence {
        /// Sequence name.
        name: String,
    },
    /// `ALTER SEQUENCE .. RENAME TO` (MariaDB: `RENAME TABLE`).
    RenameSequence {
        /// Old name.
        from: String,
        /// New name.
        to: String,
    },
    /// `ALTER SEQUENCE`: changes some options of a sequence.
    AlterSequence {
        /// Sequence name.
        name: String,
        /// The options it changes.
        changes: SequenceChanges,
    },
    /// `INSERT INTO ... VALUES` of literal rows.
    BulkInsert {
        /// Table name.
        table: String,
        /// Columns of each row.
        columns: Vec<String>,
        /// The rows.
        rows: Rows,
        /// The dialects it runs on (written inside `op.only_on(..)`); empty: every dialect.
        only_on: Vec<Dialect>,
    },
    /// `DELETE FROM ... WHERE` the rows equal to these literal rows (the inverse of `bulk_insert`).
    DeleteRows {
        /// Table name.
        table: String,
        /// Columns compared.
        columns: Vec<String>,
        /// The rows to delete.
        rows: Rows,
        /// The dialects it runs on (written inside `op.only_on(..)`); empty: every dialect.
        only_on: Vec<Dialect>,
    },
    /// `UPDATE ... SET ... [WHERE ...]`: a data backfill.
    Update {
        /// Table name.
        table: String,
        /// Assignments.
        set: Vec<(String, SetValue)>,
        /// Condition, rendered verbatim.
        predicate: Option<String>,
        /// The dialects it runs on (written inside `op.only_on(..)`); empty: every dialect.
        only_on: Vec<Dialect>,
    },
    /// Raw SQL.
    Sql(RawSql),
}

impl Op {
    /// The builder method that makes this op, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Op::CreateTable { .. } => "create_table",
            Op::DropTable { .. } => "drop_table",
            Op::RenameTable { .. } => "rename_table",
            Op::SetTableComment { .. } => "set_table_comment",
            Op::AddColumn { .. } => "add_column",
            Op::DropColumn { .. } => "drop_column",
            Op::AlterColumn(_) => "alter_column",
            Op::CreateIndex { .. } => "create_index",
            Op::DropIndex { .. } => "drop_index",
            Op::AddConstraint {
                constraint: Constraint::PrimaryKey(_),
                ..
            } => "create_primary_key",
            Op::AddConstraint {
                constraint: Constraint::Unique(_),
                ..
            } => "create_unique",
            Op::AddConstraint {
                constraint: Constraint::ForeignKey(_),
                ..
            } => "create_foreign_key",
            Op::AddConstraint {
                constraint: Constraint::Check(_),
                ..
            } => "create_check",
            Op::DropConstraint { .. } => "drop_constraint",
            Op::CreateEnum(_) => "create_enum",
            Op::DropEnum { .. } => "drop_enum",
            Op::AddEnumValue { .. } => "add_enum_value",
            Op::RenameEnumValue { .. } => "rename_enum_value",
            Op::DropEnumValue { .. } => "drop_enum_value",
            Op::CreateSequence(_) => "create_sequence",
            Op::DropSequence { .. } => "drop_sequence",
            Op::AlterSequence { .. } => "alter_sequence",
            Op::RenameSequence { .. } => "rename_sequence",
            Op::BulkInsert { .. } => "bulk_insert",
            Op::DeleteRows { .. } => "delete_rows",
            Op::Update { .. } => "update",
            Op::Sql(_) => "execute",
        }
    }

    /// The object the op works on (`users`, `users.email`, `ix_users_email`), for messages.
    pub fn target(&self) -> String {
        match self {
            Op::CreateTable { def, .. } => def.name.clone(),
            Op::DropTable { table, .. }
            | Op::SetTableComment { table, .. }
            | Op::BulkInsert { table, .. }
            | Op::DeleteRows { table, .. }
            | Op::Update { table, .. } => table.clone(),
            Op::RenameTable { from, to } => format!("{from} -> {to}"),
            Op::AddColumn { table, column, .. } => format!("{table}.{}", column.name),
            Op::DropColumn { table, column } => format!("{table}.{column}"),
            Op::AlterColumn(a) => format!("{}.{}", a.table, a.column),
            Op::CreateIndex { index, .. } => index.name.clone(),
            Op::DropIndex { name, .. } => name.clone(),
            Op::AddConstraint { table, constraint } => format!("{table}.{}", constraint.name()),
            Op::DropConstraint { table, name } => format!("{table}.{name}"),
            Op::CreateEnum(e) => e.name.clone(),
            Op::DropEnum { name }
            | Op::AddEnumValue { name, .. }
            | Op::RenameEnumValue { name, .. }
            | Op::DropEnumValue { name, .. } => name.clone(),
            Op::CreateSequence(s) => s.name.clone(),
            Op::DropSequence { name } | Op::AlterSequence { name, .. } => name.clone(),
            Op::RenameSequence { from, to } => format!("{from} -> {to}"),
            Op::Sql(_) => "raw SQL".into(),
        }
    }

    /// `add_column(users.email)`: the op as messages name it.
    pub fn describe(&self) -> String {
        format!("{}({})", self.kind(), self.target())
    }

    /// The table the op changes, if it changes exactly one.
    pub fn table(&self) -> Option<&str> {
        match self {
            Op::CreateTable { def, .. } => Some(&def.name),
            Op::DropTable { table, .. }
            | Op::SetTableComment { table, .. }
            | Op::AddColumn { table, .. }
            | Op::DropColumn { table, .. }
            | Op::AddConstraint { table, .. }
            | Op::DropConstraint { table, .. }
            | Op::BulkInsert { table, .. }
            | Op::DeleteRows { table, .. }
            | Op::Update { table, .. } => Some(table),
            Op::AlterColumn(a) => Some(&a.table),
            Op::CreateIndex { index, .. } => Some(&index.table),
            Op::RenameTable { from, .. } => Some(from),
            Op::DropIndex { .. }
            | Op::CreateEnum(_)
            | Op::DropEnum { .. }
            | Op::AddEnumValue { .. }
            | Op::RenameEnumValue { .. }
            | Op::DropEnumValue { .. }
            | Op::CreateSequence(_)
            | Op::DropSequence { .. }
            | Op::AlterSequence { .. }
            | Op::RenameSequence { .. }
            | Op::Sql(_) => None,
        }
    }
}

/// PostgreSQL's `makeObjectName`: `name1_name2_label` (`name1_label` without `name2`), the
/// name parts shortened (the longer first) until it fits `max_len` bytes.
fn object_name(name1: &str, name2: &str, label: &str, max_len: usize) -> String {
    let overhead = label.len() + 1 + usize::from(!name2.is_empty());
    let avail = max_len.saturating_sub(overhead);
    let (mut n1, mut n2) = (name1.len(), name2.len());
    while n1 + n2 > avail && n1 + n2 > 0 {
        if n1 > n2 {
            n1 -= 1;
        } else {
            n2 -= 1;
        }
    }
    let clip = |s: &str, mut n: usize| {
        while !s.is_char_boundary(n) {
            n -= 1;
        }
        s[..n].to_owned()
    };
    let mut out = clip(name1, n1);
    if !name2.is_empty() {
        out.push('_');
        out.push_str(&clip(name2, n2));
    }
    out.push('_');
    out.push_str(label);
    out
}

/// The columns of `columns` that `expr` names (quoted or bare, outside string literals), each
/// once, in the order first named.
fn expression_columns(expr: &str, columns: &[String]) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for (_, ident) in identifiers(expr) {
        if let Some(c) = columns.iter().find(|c| ident.is(c)) {
            if !found.contains(c) {
                found.push(c.clone());
            }
        }
    }
    found
}

/// Whether `expr` names `column` (quoted exactly, or bare in any case), outside string
/// literals and not as a function's name.
pub(crate) fn expression_names(expr: &str, column: &str) -> bool {
    identifiers(expr).any(|(_, ident)| ident.is(column))
}

#[cfg(test)]
mod unnamed_tests {
    use super::*;
    use crate::ops::builder::Ops;
    use crate::state::tests::replay;
    use crate::state::StateError;
    use crate::types::Type;

    fn votes(op: &mut Ops) {
        op.create_table("votes", |t| {
            t.column("post_id", Type::BigInt).not_null();
            t.column("value", Type::SmallInt).not_null();
            t.unique_unnamed(["post_id"]);
            t.check_unnamed("value <> 0");
            t.check_unnamed("\"value\" > -10 AND 'post_id' <> ''");
            t.check_unnamed("post_id > value");
        });
    }

    #[test]
    fn unnamed_constraints_get_postgres_names_taken_ones_numbered() {
        let schema = replay(votes).unwrap();
        let def = schema.table("votes").unwrap().def.with_server_names(63);
        let names: Vec<&str> = def.constraint_names().collect();
        // A quoted column counts, a string literal does not; two columns: no column part.
        assert_eq!(
            names,
            [
                "votes_post_id_key",
                "votes_value_check",
                "votes_value_check1",
                "votes_check"
            ]
        );
    }

    #[test]
    fn server_names_are_shortened_as_postgres_shortens_them() {
        let long = "t".repeat(40);
        let column = "c".repeat(40);
        let name = object_name(&long, &column, "fkey", 63);
        assert_eq!(name.len(), 63);
        // The longer part gives way first, then both alike.
        assert_eq!(name, format!("{}_{}_fkey", "t".repeat(29), "c".repeat(28)));
        assert_eq!(object_name("votes", "", "pkey", 63), "votes_pkey");
    }

    #[test]
    fn unnamed_constraints_cannot_be_added_or_dropped_by_name() {
        let dropped = replay(|op| {
            votes(op);
            op.drop_constraint("votes", "");
        });
        assert!(
            matches!(&dropped, Err(StateError::Unnamed { reason, .. }) if reason.contains("cannot be dropped by name")),
            "{dropped:?}"
        );
        let added = replay(|op| {
            votes(op);
            op.create_table("users", |t| {
                t.column("id", Type::BigInt).primary_key();
            });
            op.create_foreign_key("votes", ["post_id"], "users", ["id"])
                .unnamed();
        });
        assert!(
            matches!(&added, Err(StateError::Unnamed { reason, .. }) if reason.contains("needs a name")),
            "{added:?}"
        );
    }
}
