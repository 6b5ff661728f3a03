//! The MySQL family: MySQL 8 (8.0, 8.4 LTS) and MariaDB (10.6+, 11.x), one implementation with
//! a flavour, the differences kept beside each other (as Alembic's `MySQLImpl` with its
//! `is_mariadb`). No transactional DDL; `MODIFY` / `CHANGE` restate the whole column, which the
//! schema state provides, so no migration ever spells out the existing type.
//!
//! Where the flavours differ (MySQL 8.4 and MariaDB reference manuals):
//! - `CREATE INDEX IF NOT EXISTS` / `DROP INDEX IF EXISTS`: MariaDB only.
//! - Functional key parts (`CREATE INDEX .. ((lower(email)))`): MySQL >= 8.0.13 only.
//! - A unique key over `TEXT` / `BLOB` without a prefix length: MariaDB >= 10.4 only (a hidden
//!   hash column enforces it).
//! - Dropping a check: `DROP CHECK` on MySQL (`DROP CONSTRAINT` needs 8.0.19, and MySQL keeps
//!   checks in their own namespace), `DROP CONSTRAINT` on MariaDB (which has no `DROP CHECK`).
//! - A pure rename: `RENAME COLUMN` on MySQL (no restated definition to go stale); MariaDB keeps
//!   `CHANGE COLUMN`, which it has always had, so SQL of revisions already applied there is
//!   unchanged.

use std::time::Duration;

use super::bookkeeping::Bookkeeping;
use super::sql::{add_constraint_sql, schema_after, ColumnLookup, SqlDialect};
use super::{Dialect, RenderError};
use crate::ops::{
    AlterColumn, ColumnDef, Constraint, EnumPosition, ForeignKeyDef, IndexDef, Op, TableDef,
};
use crate::state::{Schema, Table};
use crate::types::{ServerDefault, Type, Value};

/// Which server of the family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavour {
    /// MySQL 8.0 / 8.4.
    Mysql,
    /// MariaDB 10.6+ / 11.x.
    Mariadb,
}

/// A server of the MySQL family.
pub(crate) struct MySql {
    pub(crate) flavour: Flavour,
}

/// MySQL 8.
pub(crate) static MYSQL: MySql = MySql {
    flavour: Flavour::Mysql,
};
/// MariaDB.
pub(crate) static MARIADB: MySql = MySql {
    flavour: Flavour::Mariadb,
};

impl SqlDialect for MySql {
    fn sequence_defaults(&self) -> Option<crate::ops::SequenceDefaults> {
        // MariaDB 10.3+: CACHE 1000, bounds one inside bigint's.
        (self.flavour == Flavour::Mariadb).then_some(crate::ops::MARIADB_SEQUENCES)
    }

    fn alter_identity(
        &self,
        op: &Op,
        table: &str,
        _name: &str,
        _current: &ColumnDef,
        changes: &crate::ops::IdentityChanges,
    ) -> Result<Vec<String>, RenderError> {
        let mut rest = *changes;
        rest.sequence.start = None;
        if !rest.is_empty() {
            return Err(self.unsupported(
                op,
                format!(
                    "{} keeps only the start of an AUTO_INCREMENT column (ALTER TABLE .. AUTO_INCREMENT = n): it has no GENERATED ALWAYS, and its increment and offset are server settings (auto_increment_increment); change the start alone here",
                    self.title()
                ),
            ));
        }
        Ok(match changes.sequence.start {
            // The next value; the server raises it past the largest value taken.
            Some(start) => vec![format!(
                "ALTER TABLE {} AUTO_INCREMENT = {}",
                self.quote(table),
                start.unwrap_or(1)
            )],
            None => Vec::new(),
        })
    }

    fn rename_sequence(&self, from: &str, to: &str) -> String {
        format!("RENAME TABLE {} TO {}", self.quote(from), self.quote(to))
    }

    fn sequence_no_cycle(&self) -> &'static str {
        "NOCYCLE"
    }

    fn no_sequences_hint(&self) -> String {
        "MySQL has no sequences (MariaDB has); use an AUTO_INCREMENT identity column (.identity()) or a counter table updated in the same transaction".into()
    }

    fn dialect(&self) -> Dialect {
        match self.flavour {
            Flavour::Mysql => Dialect::Mysql,
            Flavour::Mariadb => Dialect::Mariadb,
        }
    }
    /// `utf8mb4_bin`, as `SHOW CREATE TABLE` writes it.
    fn bare_collation_names(&self) -> bool {
        true
    }
    fn name(&self) -> &'static str {
        match self.flavour {
            Flavour::Mysql => "mysql",
            Flavour::Mariadb => "mariadb",
        }
    }
    fn title(&self) -> &'static str {
        match self.flavour {
            Flavour::Mysql => "MySQL",
            Flavour::Mariadb => "MariaDB",
        }
    }
    fn aliases(&self) -> &'static [&'static str] {
        match self.flavour {
            Flavour::Mysql => &["mysql8"],
            Flavour::Mariadb => &[],
        }
    }
    fn url_schemes(&self) -> &'static [&'static str] {
        match self.flavour {
            // The server's version string decides the flavour online.
            Flavour::Mysql => &["mysql"],
            Flavour::Mariadb => &["mariadb"],
        }
    }
    fn transactional_ddl(&self) -> bool {
        false
    }
    fn max_identifier_len(&self) -> Option<usize> {
        Some(64)
    }
    /// MySQL counts identifier length in characters.
    fn identifier_len(&self, name: &str) -> usize {
        name.chars().count()
    }
    /// "Database, table, and column names cannot end with space characters" (MySQL 8.4
    /// manual, Schema Object Names).
    fn trailing_space_in_names(&self) -> bool {
        false
    }
    /// Standard-quoted identifiers in backticks (no ANSI_QUOTES assumed).
    fn sql_expr<'a>(&self, expr: &'a str) -> std::borrow::Cow<'a, str> {
        super::sql::ansi_quotes_to_backticks(expr)
    }

    fn partial_indexes(&self) -> bool {
        false
    }
    fn deferrable_constraints(&self) -> bool {
        false
    }
    fn implicit_foreign_key_indexes(&self) -> bool {
        true
    }
    fn index_names_per_table(&self) -> bool {
        true
    }
    fn inline_column_check(&self, ck: &crate::ops::CheckDef) -> bool {
        self.flavour == Flavour::Mariadb && ck.column.as_deref() == Some(ck.name.as_str())
    }

    fn quote_char(&self) -> char {
        '`'
    }

    fn literal(&self, value: &str) -> String {
        // MySQL treats backslash as an escape inside literals unless NO_BACKSLASH_ESCAPES is set.
        format!("'{}'", value.replace('\'', "''").replace('\\', "\\\\"))
    }

    fn render_type(&self, ty: &Type, enum_values: Option<&[String]>) -> String {
        match ty {
            Type::SmallInt => "SMALLINT".into(),
            Type::Integer => "INT".into(),
            Type::BigInt => "BIGINT".into(),
            Type::Boolean => "TINYINT(1)".into(),
            Type::Real => "FLOAT".into(),
            Type::Double => "DOUBLE".into(),
            Type::Numeric(p, s) => format!("DECIMAL({p}, {s})"),
            Type::String(n) => format!("VARCHAR({n})"),
            Type::Text => "TEXT".into(),
            Type::Bytes => "BLOB".into(),
            Type::Date => "DATE".into(),
            // Microsecond precision, as PostgreSQL has by default.
            Type::Time => "TIME(6)".into(),
            Type::Timestamp | Type::TimestampTz => "DATETIME(6)".into(),
            // MariaDB's native UUID type needs 10.7; CHAR(36) reads the same on both flavours.
            Type::Uuid => "CHAR(36)".into(),
            Type::Json => "JSON".into(),
            // Refused by `type_refused`: MySQL has no VARCHAR without a length.
            Type::Varchar => "VARCHAR".into(),
            Type::Float(p) => format!("FLOAT({p})"),
            Type::TimePrecision(p) => format!("TIME({p})"),
            Type::TimestampPrecision(p) | Type::TimestampTzPrecision(p) => format!("DATETIME({p})"),
            Type::DateTime => "DATETIME(6)".into(),
            Type::Enum(_) => format!(
                "ENUM({})",
                enum_values
                    .unwrap_or_default()
                    .iter()
                    .map(|v| self.literal(v))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Type::Custom(s) => s.clone(),
        }
    }

    fn render_default(&self, default: &ServerDefault, ty: &Type) -> String {
        match default {
            // The precision of CURRENT_TIMESTAMP must match the column's.
            ServerDefault::Now => match ty.fractional_seconds() {
                Some(None) => "CURRENT_TIMESTAMP(6)".into(),
                Some(Some(p)) if p > 0 => format!("CURRENT_TIMESTAMP({p})"),
                _ => "CURRENT_TIMESTAMP".into(),
            },
            // MySQL 8 accepts defaults on TEXT, BLOB and JSON only as parenthesised expressions
            // (MariaDB takes them either way).
            ServerDefault::Value(v) if matches!(ty, Type::Text | Type::Bytes | Type::Json) => {
                format!("({})", self.render_value(v))
            }
            ServerDefault::Value(v) => self.render_value(v),
            ServerDefault::Expr(e) => format!("({})", self.sql_expr(e)),
            per_dialect => self.render_default(&per_dialect.for_dialect(self.dialect()), ty),
        }
    }

    /// DATETIME keeps no offset: an instant is written in UTC, as `TimestampTz` columns hold
    /// it. MySQL 8 compares a JSON column with a JSON value only, so its JSON is cast (MariaDB's
    /// JSON is text).
    fn typed_literal(&self, value: &Value, text: &str) -> String {
        match value {
            Value::Decimal(_) => text.to_owned(),
            Value::TimestampTz(_) => {
                self.literal(&Value::utc_timestamp(text).unwrap_or_else(|| text.to_owned()))
            }
            Value::Json(_) if self.flavour == Flavour::Mysql => {
                format!("CAST({} AS JSON)", self.literal(text))
            }
            _ => self.literal(text),
        }
    }

    fn type_refused(&self, ty: &Type) -> Option<String> {
        (*ty == Type::Varchar).then(|| {
            format!(
                "{} has no VARCHAR without a length; use Type::Text, or Type::String(n) with a length",
                self.title()
            )
        })
    }

    fn generated_from_identity(&self) -> bool {
        false
    }

    /// MariaDB's generated columns are always nullable (its grammar has no NOT NULL on one).
    fn generated_refused(
        &self,
        column: &ColumnDef,
        _generated: &crate::ops::Generated,
    ) -> Option<String> {
        (self.flavour == Flavour::Mariadb && !column.nullable).then(|| {
            "MariaDB has no NOT NULL on a generated column (it is always nullable); drop .not_null(), \
             or keep a NOT NULL check on the columns it is computed from"
                .to_owned()
        })
    }

    fn identity_after_null(&self) -> &'static str {
        " AUTO_INCREMENT"
    }

    fn inline_column_comment(&self, comment: &str) -> Option<String> {
        Some(format!(" COMMENT {}", self.literal(comment)))
    }

    fn table_options(&self, def: &TableDef) -> String {
        let mut options = String::new();
        if let Some(engine) = &def.mysql_engine {
            options.push_str(&format!(" ENGINE = {}", self.collation_name(engine)));
        }
        if let Some(collation) = &def.mysql_collation {
            options.push_str(&format!(" COLLATE = {}", self.collation_name(collation)));
        }
        // The first value of the table's AUTO_INCREMENT column (`.identity_start(n)`).
        if let Some(start) = def
            .columns
            .iter()
            .filter(|c| c.identity)
            .find_map(|c| c.identity_options.start)
        {
            options.push_str(&format!(" AUTO_INCREMENT = {start}"));
        }
        if let Some(comment) = &def.comment {
            options.push_str(&format!(" COMMENT = {}", self.literal(comment)));
        }
        options
    }

    fn identity_start_is_table_option(&self) -> bool {
        true
    }

    /// AUTO_INCREMENT takes a start value (a table option); its step is the server's
    /// `auto_increment_increment`, and it has no ALWAYS, bounds, cache or cycle.
    fn identity_options_refused(&self, options: &crate::ops::IdentityOptions) -> Option<String> {
        let rest = crate::ops::IdentityOptions {
            start: None,
            serial: false,
            ..options.clone()
        };
        if rest.always {
            return Some(format!(
                "{} has no GENERATED ALWAYS identity; drop .identity_always() (or use it on PostgreSQL only)",
                self.title()
            ));
        }
        rest.has_sequence_options().then(|| {
            format!(
                "{} takes only a start value for AUTO_INCREMENT (the step is the server's auto_increment_increment); drop {}",
                self.title(),
                rest.sequence_sql()
            )
        })
    }

    fn set_table_comment(&self, table: &str, comment: Option<&str>) -> Vec<String> {
        vec![format!(
            "ALTER TABLE {} COMMENT = {}",
            self.quote(table),
            self.literal(comment.unwrap_or(""))
        )]
    }

    /// Keys and indexes over unbounded text or blobs need a prefix length, except a unique key
    /// on MariaDB, which enforces it through a hidden hash.
    fn check_key_columns(
        &self,
        op: &Op,
        table: &str,
        columns: &[String],
        unique: bool,
        lookup: ColumnLookup<'_>,
    ) -> Result<(), RenderError> {
        if unique && self.flavour == Flavour::Mariadb {
            return Ok(());
        }
        for name in columns {
            let Some(column) = lookup(name) else { continue };
            if matches!(column.ty, Type::Text | Type::Bytes | Type::Json) {
                let hint = match self.flavour {
                    Flavour::Mysql => format!(
                        "column `{table}.{name}` has type {} and MySQL cannot index it without a prefix length; use String(n) for indexed text",
                        column.ty
                    ),
                    Flavour::Mariadb => format!(
                        "column `{table}.{name}` has type {} and MariaDB can index it without a prefix length only in a unique key; use String(n) for indexed text, or make the index unique",
                        column.ty
                    ),
                };
                return Err(self.unsupported(op, hint));
            }
        }
        Ok(())
    }

    fn alter_column(
        &self,
        op: &Op,
        alter: &AlterColumn,
        current: &ColumnDef,
        schema: &Schema,
    ) -> Result<Vec<String>, RenderError> {
        // MODIFY converts the values itself, which is what a plain cast of the column asks
        // for; a conversion that computes has no MySQL spelling in one statement.
        if let Some(using) = &alter.using {
            if !super::sql::plain_cast_of(using, &alter.column) {
                return Err(self.unsupported(
                    op,
                    format!(
                        "{} has no USING clause: MODIFY converts values implicitly, which serves a plain cast of the column \
                         (`CAST({col} AS ..)`, `{col}::type`), but not `{using}`; compute the values with op.update into a new column \
                         (add_column, update, drop_column, rename_to), or run this op on PostgreSQL and SQLite only",
                        self.title(),
                        col = alter.column,
                    ),
                ));
            }
        }
        let table = self.quote(&alter.table);
        let new = alter.applied_to(current);
        let restates = alter.ty.is_some()
            || alter.nullable.is_some()
            || alter.comment.is_some()
            || alter.identity.is_some()
            || alter.collation.is_some();
        if let Some(to) = &alter.rename {
            // MySQL 8 renames a column a generated column is computed from only with the
            // generated column restated in the same statement (8.0.17+, error 3108 otherwise);
            // MariaDB rewrites the expression itself.
            let dependents: String = match (self.flavour, schema.table(&alter.table)) {
                (Flavour::Mysql, Some(t)) => t
                    .def
                    .columns
                    .iter()
                    .filter(|c| c.name != alter.column)
                    .filter_map(|c| {
                        let g = c.generated.as_ref().filter(|g| g.mentions(&alter.column))?;
                        let mut restated = c.clone();
                        restated.generated = Some(g.renamed(&alter.column, to));
                        Some(format!(
                            ", MODIFY COLUMN {}",
                            self.column_sql(&restated, schema)
                        ))
                    })
                    .collect(),
                _ => String::new(),
            };
            if self.flavour == Flavour::Mysql && !restates && alter.default.is_none() {
                return Ok(vec![format!(
                    "ALTER TABLE {table} RENAME COLUMN {} TO {}{dependents}",
                    self.quote(&alter.column),
                    self.quote(to)
                )]);
            }
            return Ok(vec![format!(
                "ALTER TABLE {table} CHANGE COLUMN {} {}{dependents}",
                self.quote(&alter.column),
                self.column_sql(&new, schema)
            )]);
        }
        if restates {
            return Ok(vec![format!(
                "ALTER TABLE {table} MODIFY COLUMN {}",
                self.column_sql(&new, schema)
            )]);
        }
        let column = self.quote(&alter.column);
        Ok(vec![match &new.default {
            Some(default) => format!(
                "ALTER TABLE {table} ALTER COLUMN {column} SET DEFAULT {}",
                self.render_default(default, &new.ty)
            ),
            None => format!("ALTER TABLE {table} ALTER COLUMN {column} DROP DEFAULT"),
        }])
    }

    fn index_prefixes(&self) -> bool {
        true
    }

    /// `FULLTEXT` and `SPATIAL` indexes; InnoDB builds every other index as a B-tree whatever
    /// `USING` says, so `hash` is refused rather than silently ignored.
    fn index_method(
        &self,
        op: &Op,
        method: Option<&str>,
        unique: bool,
    ) -> Result<(&'static str, String, String), RenderError> {
        let kind = match method {
            None | Some("btree") => return Ok(("", String::new(), String::new())),
            Some("fulltext") => "FULLTEXT ",
            Some("spatial") => "SPATIAL ",
            Some(other) => {
                return Err(self.unsupported(
                    op,
                    format!(
                        "{} has no `{other}` indexes on InnoDB (it builds B-trees, FULLTEXT and SPATIAL); drop .using(\"{other}\")",
                        self.title()
                    ),
                ))
            }
        };
        if unique {
            return Err(self.unsupported(
                op,
                format!(
                    "a {}index cannot be unique; drop .unique()",
                    kind.to_lowercase()
                ),
            ));
        }
        Ok((kind, String::new(), String::new()))
    }

    fn check_index(
        &self,
        op: &Op,
        index: &IndexDef,
        if_not_exists: bool,
    ) -> Result<(), RenderError> {
        super::sql::partial_index_check(self, op, index)?;
        match self.flavour {
            Flavour::Mysql if if_not_exists => Err(self.unsupported(
                op,
                "MySQL has no CREATE INDEX IF NOT EXISTS (MariaDB has); drop .if_not_exists(): the replayed schema already knows whether the index exists".into(),
            )),
            Flavour::Mariadb if index.has_expressions() => Err(self.unsupported(
                op,
                "MariaDB cannot index an expression (MySQL 8.0.13+ can); add a generated column with op.execute and index that column".into(),
            )),
            Flavour::Mysql | Flavour::Mariadb => Ok(()),
        }
    }

    /// MySQL needs the table, which an unknown index does not tell: nothing to drop then. An
    /// index that is the only one serving a foreign key cannot be dropped (error 1553): the
    /// key is dropped around it and added back, and InnoDB gives it the index it needs.
    fn drop_index(
        &self,
        op: &Op,
        name: &str,
        index: Option<&IndexDef>,
        _concurrently: bool,
        if_exists: bool,
        before: &Schema,
    ) -> Result<Vec<String>, RenderError> {
        if if_exists && self.flavour == Flavour::Mysql {
            return Err(self.unsupported(
                op,
                "MySQL has no DROP INDEX IF EXISTS (MariaDB has); drop .if_exists(): the replayed schema already knows whether the index exists".into(),
            ));
        }
        let Some(index) = index else {
            return Ok(Vec::new());
        };
        let drop = format!(
            "DROP INDEX {}{} ON {}",
            if if_exists { "IF EXISTS " } else { "" },
            self.quote(name),
            self.quote(&index.table)
        );
        match before.table(&index.table) {
            Some(t) => self.around_foreign_keys(op, t, name, drop),
            None => Ok(vec![drop]),
        }
    }

    fn add_constraint(
        &self,
        op: &Op,
        table: &str,
        constraint: &Constraint,
    ) -> Result<Vec<String>, RenderError> {
        Ok(vec![match constraint {
            // The primary key is always called PRIMARY here.
            Constraint::PrimaryKey(k) => format!(
                "ALTER TABLE {} ADD PRIMARY KEY ({})",
                self.quote(table),
                self.quote_list(&k.columns)
            ),
            Constraint::Unique(_) | Constraint::ForeignKey(_) | Constraint::Check(_) => {
                add_constraint_sql(self, op, table, constraint)?
            }
        }])
    }

    fn drop_constraint(
        &self,
        op: &Op,
        t: &Table,
        constraint: &Constraint,
    ) -> Result<Vec<String>, RenderError> {
        let table = self.quote(&t.def.name);
        Ok(match constraint {
            Constraint::PrimaryKey(k) => self.around_foreign_keys(
                op,
                t,
                &k.name,
                format!("ALTER TABLE {table} DROP PRIMARY KEY"),
            )?,
            Constraint::Unique(k) => self.around_foreign_keys(
                op,
                t,
                &k.name,
                format!("ALTER TABLE {table} DROP INDEX {}", self.quote(&k.name)),
            )?,
            Constraint::Check(ck) => vec![format!(
                "ALTER TABLE {table} DROP {} {}",
                match self.flavour {
                    Flavour::Mysql => "CHECK",
                    Flavour::Mariadb => "CONSTRAINT",
                },
                self.quote(&ck.name)
            )],
            Constraint::ForeignKey(fk) => {
                let mut sql = vec![format!(
                    "ALTER TABLE {table} DROP FOREIGN KEY {}",
                    self.quote(&fk.name)
                )];
                // MySQL creates an index named after the foreign key when no index starts with its
                // columns; it outlives the foreign key unless dropped too.
                let covers = |cols: &[String]| {
                    cols.len() >= fk.columns.len() && cols[..fk.columns.len()] == fk.columns[..]
                };
                let covered = t.indexes.iter().any(|i| covers(&i.leading_columns()))
                    || t.def
                        .uniques
                        .iter()
                        .chain(&t.def.primary_key)
                        .any(|k| covers(&k.columns));
                if !covered {
                    sql.push(format!(
                        "ALTER TABLE {table} DROP INDEX {}",
                        self.quote(&fk.name)
                    ));
                }
                sql
            }
        })
    }

    /// Enums live on columns: after a change of the value list, restate each column using it.
    fn add_enum_value(
        &self,
        op: &Op,
        name: &str,
        _value: &str,
        _position: Option<&EnumPosition>,
        before: &Schema,
    ) -> Result<Vec<String>, RenderError> {
        Ok(self.modify_enum_columns(name, &schema_after(op, before)?))
    }

    /// Renaming a value: allow both, move the rows, then keep only the new one.
    fn rename_enum_value(
        &self,
        op: &Op,
        name: &str,
        from: &str,
        to: &str,
        before: &Schema,
    ) -> Result<Vec<String>, RenderError> {
        let add = Op::AddEnumValue {
            name: name.to_owned(),
            value: to.to_owned(),
            position: Some(EnumPosition::After(from.to_owned())),
        };
        let both = schema_after(&add, before).map_err(|e| match e {
            RenderError::State { source, .. } => RenderError::State {
                op: op.describe(),
                source,
            },
            other => other,
        })?;
        let after = schema_after(op, before)?;
        let mut sql = self.modify_enum_columns(name, &both);
        sql.extend(self.update_enum_rows(name, from, to, before));
        sql.extend(self.modify_enum_columns(name, &after));
        Ok(sql)
    }

    /// `add_column` with a unique key or foreign key is three statements, each an op of its
    /// own; dropping a foreign key no index covers drops InnoDB's index for it second.
    fn statement_states(&self, op: &Op, before: &Schema, statements: usize) -> Option<Vec<Schema>> {
        let after = schema_after(op, before).ok()?;
        if statements == 1 {
            return Some(vec![after]);
        }
        match op {
            Op::AddColumn {
                table,
                column,
                unique,
                foreign_key,
            } => {
                let mut parts = vec![Op::AddColumn {
                    table: table.clone(),
                    column: column.clone(),
                    unique: None,
                    foreign_key: None,
                }];
                parts.extend(unique.iter().map(|name| Op::AddConstraint {
                    table: table.clone(),
                    constraint: Constraint::Unique(crate::ops::KeyDef {
                        name: name.clone(),
                        columns: vec![column.name.clone()],
                    }),
                }));
                parts.extend(foreign_key.iter().map(|fk| Op::AddConstraint {
                    table: table.clone(),
                    constraint: Constraint::ForeignKey(fk.clone()),
                }));
                let mut schema = before.clone();
                let mut states = Vec::with_capacity(parts.len());
                for part in &parts {
                    schema.apply(part).ok()?;
                    states.push(schema.clone());
                }
                (states.len() == statements).then_some(states)
            }
            Op::DropIndex { .. } | Op::DropConstraint { .. }
                if self
                    .lost_keys_of(op, before)
                    .is_some_and(|(_, lost)| !lost.is_empty()) =>
            {
                // Each foreign key dropped, the index, each key added back.
                let (table, lost) = self.lost_keys_of(op, before)?;
                let mut parts: Vec<Op> = lost
                    .iter()
                    .map(|fk| Op::DropConstraint {
                        table: table.clone(),
                        name: fk.name.clone(),
                    })
                    .collect();
                parts.push(op.clone());
                parts.extend(lost.iter().map(|fk| Op::AddConstraint {
                    table: table.clone(),
                    constraint: Constraint::ForeignKey(fk.clone()),
                }));
                let mut schema = before.clone();
                let mut states = Vec::with_capacity(parts.len());
                for part in &parts {
                    schema.apply(part).ok()?;
                    states.push(schema.clone());
                }
                (states.len() == statements).then_some(states)
            }
            Op::DropConstraint { table, name } if statements == 2 => {
                let Some(Constraint::ForeignKey(fk)) = before.table(table)?.def.constraint(name)
                else {
                    return None;
                };
                // Between the two: the key is gone, its index is still there.
                let mut middle = after.clone();
                let mut t = after.table(table)?.clone();
                t.indexes.push(crate::ops::IndexDef {
                    name: fk.name.clone(),
                    table: table.clone(),
                    keys: crate::ops::column_keys(fk.columns.iter()),
                    ..Default::default()
                });
                middle.insert_table(t);
                Some(vec![middle, after])
            }
            _ => None,
        }
    }

    fn sql_text_fields(&self) -> String {
        match self.flavour {
            Flavour::Mysql => "a `mysql` variant".into(),
            Flavour::Mariadb => "a `mariadb` (or `mysql`) variant".into(),
        }
    }

    fn drop_enum_value(
        &self,
        op: &Op,
        name: &str,
        before: &Schema,
    ) -> Result<Vec<String>, RenderError> {
        Ok(self.modify_enum_columns(name, &schema_after(op, before)?))
    }
}

impl Bookkeeping for MySql {
    fn table_exists_sql(&self, table: &str) -> String {
        format!(
            "SELECT CAST(table_name AS CHAR) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = {}",
            self.literal(table)
        )
    }

    /// GET_LOCK waits itself; its lock is per connection, like PostgreSQL's advisory lock.
    fn try_lock_sql(&self, timeout: Duration) -> Option<String> {
        Some(format!(
            "SELECT CAST(GET_LOCK(LEFT(CONCAT('cargo_schema.', DATABASE()), 64), {}) AS CHAR)",
            timeout.as_secs().max(1)
        ))
    }

    fn unlock_sql(&self) -> Option<String> {
        Some("SELECT RELEASE_LOCK(LEFT(CONCAT('cargo_schema.', DATABASE()), 64))".into())
    }

    fn log_id_column(&self) -> &'static str {
        "BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY"
    }

    /// `lock_wait_timeout` bounds DDL's metadata locks, `innodb_lock_wait_timeout` row locks
    /// (whole seconds; a bound is at least one); without a bound, the server's configured values
    /// (`DEFAULT`). No statement timeout: `max_execution_time` bounds only SELECTs; the client's
    /// bound applies.
    fn timeouts_sql(&self, lock: Option<Duration>, _statement: Option<Duration>) -> Vec<String> {
        let value = lock.map_or("DEFAULT".to_owned(), |d| {
            (d.as_secs_f64().ceil().max(1.0) as u64).to_string()
        });
        vec![format!(
            "SET SESSION lock_wait_timeout = {value}, SESSION innodb_lock_wait_timeout = {value}"
        )]
    }

    /// InnoDB's open transactions with their sessions: a DDL's metadata lock waits on them.
    fn lock_holders_sql(&self, _table: Option<&str>) -> Option<String> {
        Some(
            "SELECT CAST(CONCAT('connection ', p.id, ' (', p.user, ', ', p.command, ' for ', p.time, ' s): ', \
             COALESCE(LEFT(t.trx_query, 200), LEFT(p.info, 200), 'idle in transaction')) AS CHAR) \
             FROM information_schema.innodb_trx t JOIN information_schema.processlist p ON p.id = t.trx_mysql_thread_id \
             WHERE p.id <> CONNECTION_ID()"
                .into(),
        )
    }

    /// Literals are rendered for backslash escapes: a server whose default `sql_mode` has
    /// `NO_BACKSLASH_ESCAPES` would store `\\` as two backslashes, so the mode goes (and
    /// `PIPES_AS_CONCAT` comes, as sqlx sets it online).
    fn session_setup(&self) -> &'static [&'static str] {
        &[
            "SET SESSION sql_mode = TRIM(BOTH ',' FROM REPLACE(CONCAT(',', @@SESSION.sql_mode, ',PIPES_AS_CONCAT,NO_ENGINE_SUBSTITUTION,'), ',NO_BACKSLASH_ESCAPES,', ','))",
            "SET time_zone = '+00:00'",
            "SET NAMES utf8mb4",
        ]
    }

    fn log_timestamp_type(&self) -> &'static str {
        "DATETIME(6)"
    }

    fn text_cast(&self) -> &'static str {
        "CHAR"
    }
}

impl MySql {
    /// The table and the foreign keys that only the index or key `op` drops serves.
    fn lost_keys_of(&self, op: &Op, before: &Schema) -> Option<(String, Vec<ForeignKeyDef>)> {
        let (table, dropped) = match op {
            Op::DropIndex { name, table, .. } => (
                before.index_on(table.as_deref(), name).ok()?.table.clone(),
                name.clone(),
            ),
            Op::DropConstraint { table, name } => {
                match before.table(table)?.def.constraint(name)? {
                    Constraint::PrimaryKey(_) | Constraint::Unique(_) => {
                        (table.clone(), name.clone())
                    }
                    Constraint::ForeignKey(_) | Constraint::Check(_) => return None,
                }
            }
            _ => return None,
        };
        let t = before.table(&table)?;
        let lost = foreign_keys_served_only_by(t, &dropped)
            .into_iter()
            .cloned()
            .collect();
        Some((table, lost))
    }

    /// `drop` (of the index or key `dropped` of `t`), with each foreign key of `t` that only
    /// `dropped` serves dropped before it and added back after it: InnoDB refuses to drop the
    /// index a foreign key needs (error 1553), and re-adding the key makes InnoDB create the
    /// index it needs, named after the key, as when the key was first added.
    fn around_foreign_keys(
        &self,
        op: &Op,
        t: &Table,
        dropped: &str,
        drop: String,
    ) -> Result<Vec<String>, RenderError> {
        let table = self.quote(&t.def.name);
        let lost = foreign_keys_served_only_by(t, dropped);
        let mut sql: Vec<String> = lost
            .iter()
            .map(|fk| {
                format!(
                    "ALTER TABLE {table} DROP FOREIGN KEY {}",
                    self.quote(&fk.name)
                )
            })
            .collect();
        sql.push(drop);
        for fk in lost {
            sql.push(format!(
                "ALTER TABLE {table} ADD {}",
                self.foreign_key_sql(op, fk)?
            ));
        }
        Ok(sql)
    }

    /// `MODIFY COLUMN` of every column of enum `name`, as `schema` defines them.
    fn modify_enum_columns(&self, name: &str, schema: &Schema) -> Vec<String> {
        schema
            .enum_columns(name)
            .into_iter()
            .filter_map(|(t, c)| schema.column(t, c).ok().map(|col| (t, col)))
            .map(|(t, col)| {
                format!(
                    "ALTER TABLE {} MODIFY COLUMN {}",
                    self.quote(t),
                    self.column_sql(col, schema)
                )
            })
            .collect()
    }
}

/// The keys and indexes of `t` as `(name, leading columns)`: what can serve a foreign key.
fn key_columns(t: &Table) -> impl Iterator<Item = (&str, Vec<String>)> {
    t.indexes
        .iter()
        .filter(|i| i.method.is_none())
        .map(|i| (i.name.as_str(), i.leading_columns()))
        .chain(
            t.def
                .uniques
                .iter()
                .chain(&t.def.primary_key)
                .map(|k| (k.name.as_str(), k.columns.clone())),
        )
}

/// The foreign keys of `t` whose columns lead the index or key `dropped` and no other.
pub(crate) fn foreign_keys_served_only_by<'a>(
    t: &'a Table,
    dropped: &str,
) -> Vec<&'a ForeignKeyDef> {
    let serves = |cols: &[String], fk: &ForeignKeyDef| {
        cols.len() >= fk.columns.len() && cols[..fk.columns.len()] == fk.columns[..]
    };
    t.def
        .foreign_keys
        .iter()
        .filter(|fk| {
            let mut by = key_columns(t).filter(|(_, cols)| serves(cols, fk));
            let servers: Vec<&str> = by.by_ref().map(|(name, _)| name).collect();
            servers == [dropped]
        })
        .collect()
}
