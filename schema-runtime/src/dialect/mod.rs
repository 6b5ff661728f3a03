//! Dialects: one renderer per database that turns ops into SQL.
//!
//! The generic SQL lives here; `postgres.rs`, `sqlite.rs` and `mysql.rs` hold only what differs.
//! What a dialect cannot express is a [`RenderError::Unsupported`] that says what to do instead.

mod mysql;
mod postgres;
mod sqlite;

use std::fmt;
use std::str::FromStr;

use crate::ops::{ColumnDef, IndexDef, Op, TableDef};
use crate::state::{Schema, StateError};
use crate::types::{ServerDefault, Type, Value};

/// A database dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dialect {
    /// PostgreSQL.
    Postgres,
    /// SQLite.
    Sqlite,
    /// MySQL and MariaDB.
    Mysql,
}

/// An op that a dialect cannot render.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    /// The dialect has no way to express the op.
    #[error("{op} is not supported on {dialect}: {hint}")]
    Unsupported {
        /// The op, as `alter_column(users.email)`.
        op: String,
        /// The dialect.
        dialect: Dialect,
        /// What to do instead.
        hint: String,
    },
    /// The op does not fit the schema before it.
    #[error("{op}: {source}")]
    State {
        /// The op.
        op: String,
        /// What does not fit.
        #[source]
        source: StateError,
    },
}

impl Dialect {
    /// Every dialect, in a stable order.
    pub const ALL: [Dialect; 3] = [Dialect::Postgres, Dialect::Sqlite, Dialect::Mysql];

    /// `postgres`, `sqlite` or `mysql`.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Postgres => "postgres",
            Dialect::Sqlite => "sqlite",
            Dialect::Mysql => "mysql",
        }
    }

    /// The dialect of a database URL (`postgres://`, `sqlite:`, `mysql://`, `mariadb://`).
    ///
    /// ```
    /// use schema_runtime::Dialect;
    /// assert_eq!(Dialect::from_url("sqlite:app.db"), Some(Dialect::Sqlite));
    /// assert_eq!(Dialect::from_url("mariadb://root@localhost/app"), Some(Dialect::Mysql));
    /// ```
    pub fn from_url(url: &str) -> Option<Dialect> {
        let scheme = url.split(':').next()?;
        match scheme {
            "postgres" | "postgresql" => Some(Dialect::Postgres),
            "sqlite" => Some(Dialect::Sqlite),
            "mysql" | "mariadb" => Some(Dialect::Mysql),
            _ => None,
        }
    }

    /// Whether DDL takes part in transactions (false on MySQL, where DDL commits implicitly).
    pub fn transactional_ddl(self) -> bool {
        !matches!(self, Dialect::Mysql)
    }

    /// Quotes an identifier.
    ///
    /// ```
    /// use schema_runtime::Dialect;
    /// assert_eq!(Dialect::Postgres.quote("user"), "\"user\"");
    /// assert_eq!(Dialect::Mysql.quote("we`ird"), "`we``ird`");
    /// ```
    pub fn quote(self, ident: &str) -> String {
        match self {
            Dialect::Mysql => format!("`{}`", ident.replace('`', "``")),
            Dialect::Postgres | Dialect::Sqlite => format!("\"{}\"", ident.replace('"', "\"\"")),
        }
    }

    /// A string literal.
    pub fn literal(self, value: &str) -> String {
        let escaped = value.replace('\'', "''");
        match self {
            // MySQL treats backslash as an escape inside literals unless NO_BACKSLASH_ESCAPES is set.
            Dialect::Mysql => format!("'{}'", escaped.replace('\\', "\\\\")),
            Dialect::Postgres | Dialect::Sqlite => format!("'{escaped}'"),
        }
    }

    /// The native spelling of a portable type.
    pub fn render_type(self, ty: &Type) -> String {
        match self {
            Dialect::Postgres => postgres::render_type(ty),
            Dialect::Sqlite => sqlite::render_type(ty),
            Dialect::Mysql => mysql::render_type(ty),
        }
    }

    fn quote_list(self, columns: &[String]) -> String {
        columns
            .iter()
            .map(|c| self.quote(c))
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub(crate) fn render_value(self, value: &Value) -> String {
        match value {
            Value::Bool(b) => match self {
                Dialect::Postgres => if *b { "TRUE" } else { "FALSE" }.to_owned(),
                Dialect::Sqlite | Dialect::Mysql => if *b { "1" } else { "0" }.to_owned(),
            },
            Value::Int(i) => i.to_string(),
            Value::Float(f) => {
                let s = f.to_string();
                if s.contains(['.', 'e', 'E']) || !f.is_finite() {
                    s
                } else {
                    format!("{s}.0")
                }
            }
            Value::Str(s) => self.literal(s),
        }
    }

    pub(crate) fn render_default(self, default: &ServerDefault, ty: &Type) -> String {
        match self {
            Dialect::Postgres => match default {
                ServerDefault::Value(v) => self.render_value(v),
                ServerDefault::Now => "CURRENT_TIMESTAMP".into(),
                ServerDefault::Expr(e) => e.clone(),
            },
            Dialect::Sqlite => sqlite::render_default(default),
            Dialect::Mysql => mysql::render_default(default, ty),
        }
    }

    /// `"name" TYPE [NOT NULL] [DEFAULT ...]`, with the dialect's identity syntax.
    pub(crate) fn column_sql(self, column: &ColumnDef) -> String {
        let mut sql = format!(
            "{} {}",
            self.quote(&column.name),
            self.render_type(&column.ty)
        );
        if column.identity && self == Dialect::Postgres {
            sql.push_str(" GENERATED BY DEFAULT AS IDENTITY");
        }
        if !column.nullable {
            sql.push_str(" NOT NULL");
        }
        if column.identity && self == Dialect::Mysql {
            sql.push_str(" AUTO_INCREMENT");
        }
        if let Some(default) = &column.default {
            sql.push_str(" DEFAULT ");
            sql.push_str(&self.render_default(default, &column.ty));
        }
        sql
    }

    fn unsupported(self, op: &Op, hint: impl Into<String>) -> RenderError {
        RenderError::Unsupported {
            op: op.describe(),
            dialect: self,
            hint: hint.into(),
        }
    }

    /// The SQL statements of `op`, given the schema `before` it.
    ///
    /// ```
    /// use schema_runtime::prelude::*;
    /// use schema_runtime::{Dialect, Schema};
    ///
    /// let mut op = Ops::new();
    /// op.create_index("users", ["email"]).unique();
    /// let mut schema = Schema::default();
    /// let mut setup = Ops::new();
    /// setup.create_table("users", |t| { t.column("email", Type::String(255)); });
    /// schema.apply(&setup.ops()[0]).unwrap();
    /// let sql = Dialect::Mysql.render(&op.ops()[0], &schema).unwrap();
    /// assert_eq!(sql, ["CREATE UNIQUE INDEX `ix_users_email` ON `users` (`email`)"]);
    /// ```
    pub fn render(self, op: &Op, before: &Schema) -> Result<Vec<String>, RenderError> {
        let state = |source| RenderError::State {
            op: op.describe(),
            source,
        };
        let q = |ident: &str| self.quote(ident);
        let sql = match op {
            Op::CreateTable(def) => self.create_table(op, def, before)?,
            Op::DropTable { table } => {
                before
                    .table(table)
                    .ok_or_else(|| state(StateError::MissingTable(table.clone())))?;
                vec![format!("DROP TABLE {}", q(table))]
            }
            Op::AddColumn { table, .. } if before.table(table).is_none() => {
                return Err(state(StateError::MissingTable(table.clone())))
            }
            Op::AddColumn {
                table,
                column,
                unique,
            } => match self {
                Dialect::Sqlite => {
                    sqlite::add_column(self, op, table, column, unique.as_deref(), before)?
                }
                _ => {
                    if unique.is_some() {
                        self.check_key_columns(
                            op,
                            table,
                            std::slice::from_ref(&column.name),
                            Some(column),
                            before,
                        )?;
                    }
                    let mut sql = vec![format!(
                        "ALTER TABLE {} ADD COLUMN {}",
                        q(table),
                        self.column_sql(column)
                    )];
                    if let Some(name) = unique {
                        sql.push(format!(
                            "ALTER TABLE {} ADD CONSTRAINT {} UNIQUE ({})",
                            q(table),
                            q(name),
                            q(&column.name)
                        ));
                    }
                    sql
                }
            },
            Op::DropColumn { table, column } => {
                before.column(table, column).map_err(state)?;
                match self {
                    Dialect::Sqlite => sqlite::drop_column(self, op, table, column, before)?,
                    _ => vec![format!(
                        "ALTER TABLE {} DROP COLUMN {}",
                        q(table),
                        q(column)
                    )],
                }
            }
            Op::AlterColumn(alter) => {
                let current = before.column(&alter.table, &alter.column).map_err(state)?;
                match self {
                    Dialect::Postgres => postgres::alter_column(self, alter, current),
                    Dialect::Sqlite => sqlite::alter_column(self, op, alter)?,
                    Dialect::Mysql if alter.using.is_some() => {
                        return Err(self.unsupported(
                            op,
                            "MySQL has no USING clause: MODIFY converts values implicitly; drop the cast expression, \
                             or convert the values with op.execute before the type change",
                        ))
                    }
                    Dialect::Mysql => mysql::alter_column(self, alter, current),
                }
            }
            Op::CreateIndex(index) => {
                self.check_key_columns(op, &index.table, &index.columns, None, before)?;
                vec![self.create_index(index)]
            }
            Op::DropIndex { name } => {
                let index = before
                    .index(name)
                    .ok_or_else(|| state(StateError::MissingIndex(name.clone())))?;
                match self {
                    Dialect::Mysql => {
                        vec![format!("DROP INDEX {} ON {}", q(name), q(&index.table))]
                    }
                    _ => vec![format!("DROP INDEX {}", q(name))],
                }
            }
            Op::AddUnique { table, key } => {
                self.check_key_columns(op, table, &key.columns, None, before)?;
                match self {
                    Dialect::Sqlite => vec![sqlite::unique_index(self, table, key)],
                    _ => vec![format!(
                        "ALTER TABLE {} ADD CONSTRAINT {} UNIQUE ({})",
                        q(table),
                        q(&key.name),
                        self.quote_list(&key.columns)
                    )],
                }
            }
            Op::DropUnique { table, name } => match self {
                Dialect::Postgres => vec![format!(
                    "ALTER TABLE {} DROP CONSTRAINT {}",
                    q(table),
                    q(name)
                )],
                Dialect::Mysql => vec![format!("ALTER TABLE {} DROP INDEX {}", q(table), q(name))],
                Dialect::Sqlite => vec![format!("DROP INDEX {}", q(name))],
            },
            Op::Sql(raw) => match raw.up.for_dialect(self) {
                Some(sql) => vec![sql.to_owned()],
                None => {
                    return Err(self.unsupported(
                        op,
                        format!(
                            "no SQL was given for {self}; add a `{}` variant or a portable one",
                            self.name()
                        ),
                    ))
                }
            },
        };
        Ok(sql)
    }

    fn create_table(
        self,
        op: &Op,
        def: &TableDef,
        before: &Schema,
    ) -> Result<Vec<String>, RenderError> {
        let mut lines: Vec<String> = Vec::new();
        let mut inline_pk = false;
        for column in &def.columns {
            if column.identity {
                if !column.ty.is_integer() {
                    return Err(self.unsupported(
                        op,
                        format!(
                            "identity column `{}` has type {}; use SmallInt, Integer or BigInt",
                            column.name, column.ty
                        ),
                    ));
                }
                let sole_pk = def
                    .primary_key
                    .as_ref()
                    .is_some_and(|pk| pk.columns == [column.name.clone()]);
                // PostgreSQL's identity works on any column; SQLite and MySQL tie it to the key.
                if !sole_pk && self != Dialect::Postgres {
                    return Err(self.unsupported(
                        op,
                        format!(
                            "identity column `{}` must be the table's only primary key column here; mark it .primary_key() or drop .identity()",
                            column.name
                        ),
                    ));
                }
                if self == Dialect::Sqlite {
                    // SQLite's AUTOINCREMENT exists only on an INTEGER PRIMARY KEY declared inline.
                    lines.push(format!(
                        "{} INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT",
                        self.quote(&column.name)
                    ));
                    inline_pk = true;
                    continue;
                }
            }
            lines.push(self.column_sql(column));
        }
        if let Some(pk) = def.primary_key.as_ref().filter(|_| !inline_pk) {
            self.check_key_columns(op, &def.name, &pk.columns, None, &with_table(before, def))?;
            lines.push(format!(
                "CONSTRAINT {} PRIMARY KEY ({})",
                self.quote(&pk.name),
                self.quote_list(&pk.columns)
            ));
        }
        let mut after = Vec::new();
        for key in &def.uniques {
            self.check_key_columns(op, &def.name, &key.columns, None, &with_table(before, def))?;
            match self {
                // A unique index is SQLite's unique constraint, and unlike an inline one it can be dropped.
                Dialect::Sqlite => after.push(sqlite::unique_index(self, &def.name, key)),
                _ => lines.push(format!(
                    "CONSTRAINT {} UNIQUE ({})",
                    self.quote(&key.name),
                    self.quote_list(&key.columns)
                )),
            }
        }
        let body = lines
            .iter()
            .map(|l| format!("    {l}"))
            .collect::<Vec<_>>()
            .join(",\n");
        let mut sql = vec![format!(
            "CREATE TABLE {} (\n{body}\n)",
            self.quote(&def.name)
        )];
        sql.extend(after);
        Ok(sql)
    }

    fn create_index(self, index: &IndexDef) -> String {
        format!(
            "CREATE {}INDEX {} ON {} ({})",
            if index.unique { "UNIQUE " } else { "" },
            self.quote(&index.name),
            self.quote(&index.table),
            self.quote_list(&index.columns)
        )
    }

    /// Keys and indexes over unbounded text or blobs need a prefix length on MySQL.
    fn check_key_columns(
        self,
        op: &Op,
        table: &str,
        columns: &[String],
        new_column: Option<&ColumnDef>,
        before: &Schema,
    ) -> Result<(), RenderError> {
        if self != Dialect::Mysql {
            return Ok(());
        }
        for name in columns {
            let column = match new_column.filter(|c| &c.name == name) {
                Some(c) => c,
                None => before
                    .column(table, name)
                    .map_err(|source| RenderError::State {
                        op: op.describe(),
                        source,
                    })?,
            };
            if matches!(column.ty, Type::Text | Type::Bytes | Type::Json) {
                return Err(self.unsupported(
                    op,
                    format!(
                        "column `{table}.{name}` has type {} and MySQL cannot index it without a prefix length; use String(n) for indexed text",
                        column.ty
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// `before` with `def` added, for checks on a table that `create_table` is creating.
fn with_table(before: &Schema, def: &TableDef) -> Schema {
    let mut schema = before.clone();
    let _ = schema.apply(&Op::CreateTable(TableDef {
        uniques: Vec::new(),
        primary_key: None,
        ..def.clone()
    }));
    schema
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Dialect::Postgres => "PostgreSQL",
            Dialect::Sqlite => "SQLite",
            Dialect::Mysql => "MySQL/MariaDB",
        })
    }
}

impl FromStr for Dialect {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "postgres" | "postgresql" | "pg" => Ok(Dialect::Postgres),
            "sqlite" => Ok(Dialect::Sqlite),
            "mysql" | "mariadb" => Ok(Dialect::Mysql),
            other => Err(format!(
                "unknown dialect `{other}`; expected postgres, sqlite or mysql"
            )),
        }
    }
}
