//! Dialects: one renderer per database that turns ops into SQL.
//!
//! The generic SQL lives here; `postgres.rs`, `sqlite.rs` and `mysql.rs` hold only what differs.
//! Renderers read the schema state, so no migration spells out the existing definition of what
//! it changes. What a dialect cannot express is a [`RenderError::Unsupported`] that says what to
//! do instead.

mod mysql;
mod postgres;
mod sqlite;

use std::fmt;
use std::str::FromStr;

use crate::ops::{ColumnDef, Constraint, ForeignKeyDef, IndexDef, Op, SetValue, TableDef};
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

/// The SQL of a run of ops.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    /// Statements in order.
    pub statements: Vec<String>,
    /// The statements rebuild SQLite tables: foreign key enforcement must be off around them
    /// (it can only be switched outside a transaction) and `PRAGMA foreign_key_check` must pass
    /// before commit.
    pub foreign_keys_off: bool,
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

    /// Whether a revision runs inside a transaction here. SQLite always: its immediate
    /// transaction is the migration lock, and CONCURRENTLY, the reason for non-transactional
    /// revisions, does not exist there.
    pub fn runs_in_transaction(self, transactional: bool) -> bool {
        (transactional || self == Dialect::Sqlite) && self.transactional_ddl()
    }

    /// The longest identifier the dialect keeps intact, in bytes.
    pub fn max_identifier_len(self) -> Option<usize> {
        match self {
            Dialect::Postgres => Some(63),
            Dialect::Mysql => Some(64),
            Dialect::Sqlite => None,
        }
    }

    /// Quotes an identifier.
    ///
    /// ```
    /// use schema_runtime::Dialect;
    /// assert_eq!(Dialect::Postgres.quote("user"), "\"user\"");
    /// assert_eq!(Dialect::Mysql.quote("we`ird"), "`we``ird`");
    /// assert_eq!(Dialect::Sqlite.quote("say \"hi\""), r#""say ""hi""""#);
    /// ```
    pub fn quote(self, ident: &str) -> String {
        let q = match self {
            Dialect::Mysql => '`',
            Dialect::Postgres | Dialect::Sqlite => '"',
        };
        // One allocation (this runs for every identifier of every planned statement).
        let mut out = String::with_capacity(ident.len() + 2);
        out.push(q);
        for c in ident.chars() {
            if c == q {
                out.push(q);
            }
            out.push(c);
        }
        out.push(q);
        out
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

    /// The native spelling of a portable type. Enum types need the schema: see
    /// [`Dialect::render`]; here MySQL's spells `ENUM` without values.
    pub fn render_type(self, ty: &Type) -> String {
        match self {
            Dialect::Postgres => postgres::render_type(self, ty),
            Dialect::Sqlite => sqlite::render_type(ty),
            Dialect::Mysql => mysql::render_type(ty, None),
        }
    }

    fn type_sql(self, ty: &Type, schema: &Schema) -> String {
        match (self, ty) {
            (Dialect::Mysql, Type::Enum(name)) => mysql::render_type(ty, schema.enum_values(name)),
            _ => self.render_type(ty),
        }
    }

    fn quote_list(self, columns: &[String]) -> String {
        let mut out = String::new();
        for (i, c) in columns.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(&self.quote(c));
        }
        out
    }

    /// A literal value.
    pub fn render_value(self, value: &Value) -> String {
        match value {
            Value::Null => "NULL".into(),
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

    /// `"name" TYPE [NOT NULL] [DEFAULT ...]`, with the dialect's identity and comment syntax.
    pub(crate) fn column_sql(self, column: &ColumnDef, schema: &Schema) -> String {
        let mut sql = self.quote(&column.name);
        sql.push(' ');
        sql.push_str(&self.type_sql(&column.ty, schema));
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
        if let (Some(comment), Dialect::Mysql) = (&column.comment, self) {
            sql.push_str(&format!(" COMMENT {}", self.literal(comment)));
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

    fn foreign_key_sql(self, op: &Op, fk: &ForeignKeyDef) -> Result<String, RenderError> {
        let mut sql = format!(
            "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({})",
            self.quote(&fk.name),
            self.quote_list(&fk.columns),
            self.quote(&fk.ref_table),
            self.quote_list(&fk.ref_columns)
        );
        if let Some(action) = fk.on_delete {
            sql.push_str(&format!(" ON DELETE {}", action.sql()));
        }
        if let Some(action) = fk.on_update {
            sql.push_str(&format!(" ON UPDATE {}", action.sql()));
        }
        if let Some(when) = fk.deferrable {
            if self == Dialect::Mysql {
                return Err(self.unsupported(
                    op,
                    format!(
                        "MySQL checks foreign keys immediately; drop .deferrable(..) from `{}`",
                        fk.name
                    ),
                ));
            }
            sql.push_str(match when {
                crate::ops::Deferrable::InitiallyImmediate => " DEFERRABLE INITIALLY IMMEDIATE",
                crate::ops::Deferrable::InitiallyDeferred => " DEFERRABLE INITIALLY DEFERRED",
            });
        }
        Ok(sql)
    }

    /// The constraint as it appears inside `CREATE TABLE` or after `ADD`.
    fn constraint_sql(self, op: &Op, constraint: &Constraint) -> Result<String, RenderError> {
        Ok(match constraint {
            Constraint::PrimaryKey(k) => {
                format!(
                    "CONSTRAINT {} PRIMARY KEY ({})",
                    self.quote(&k.name),
                    self.quote_list(&k.columns)
                )
            }
            Constraint::Unique(k) => format!(
                "CONSTRAINT {} UNIQUE ({})",
                self.quote(&k.name),
                self.quote_list(&k.columns)
            ),
            Constraint::ForeignKey(fk) => self.foreign_key_sql(op, fk)?,
            Constraint::Check(ck) => {
                format!("CONSTRAINT {} CHECK ({})", self.quote(&ck.name), ck.expr)
            }
        })
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
        let mut schema = before.clone();
        self.render_ops(std::slice::from_ref(op), &mut schema)
            .map(|r| r.statements)
    }

    /// Renders a run of ops, applying each to `schema` as it goes. On SQLite, consecutive
    /// changes to one table that need a rebuild share one rebuild.
    pub fn render_ops(self, ops: &[Op], schema: &mut Schema) -> Result<Rendered, RenderError> {
        let mut out = Rendered::default();
        let mut i = 0;
        while i < ops.len() {
            if self == Dialect::Sqlite {
                if let Some(consumed) = sqlite::rebuild_run(self, &ops[i..], schema, &mut out)? {
                    i += consumed;
                    continue;
                }
                sqlite::rebuild_enum_defaults(self, &ops[i], schema, &mut out)?;
            }
            let op = &ops[i];
            let rendered = self.render_one(op, schema);
            // A state error wins over a render error: it is what the user must fix first.
            schema.apply(op).map_err(|source| RenderError::State {
                op: op.describe(),
                source,
            })?;
            out.statements.extend(rendered?);
            i += 1;
        }
        Ok(out)
    }

    fn check_identifiers(self, op: &Op) -> Result<(), RenderError> {
        let Some(max) = self.max_identifier_len() else {
            return Ok(());
        };
        let mut names: Vec<&str> = Vec::new();
        match op {
            Op::CreateTable { def, .. } => {
                names.push(&def.name);
                names.extend(def.columns.iter().map(|c| c.name.as_str()));
                names.extend(def.constraint_names());
            }
            Op::RenameTable { to, .. } => names.push(to),
            Op::AddColumn {
                column,
                unique,
                foreign_key,
                ..
            } => {
                names.push(&column.name);
                names.extend(unique.as_deref());
                names.extend(foreign_key.as_ref().map(|fk| fk.name.as_str()));
            }
            Op::AlterColumn(a) => names.extend(a.rename.as_deref()),
            Op::CreateIndex { index, .. } => names.push(&index.name),
            Op::AddConstraint { constraint, .. } => names.push(constraint.name()),
            Op::CreateEnum(e) => names.push(&e.name),
            _ => {}
        }
        match names.into_iter().find(|n| n.len() > max) {
            Some(name) => Err(self.unsupported(
                op,
                format!(
                    "identifier `{name}` is {} bytes and {self} allows {max}; choose a shorter name (generated names are shortened automatically)",
                    name.len()
                ),
            )),
            None => Ok(()),
        }
    }

    /// The statements of one op that needs no rebuild.
    fn render_one(self, op: &Op, before: &Schema) -> Result<Vec<String>, RenderError> {
        self.check_identifiers(op)?;
        let state = |source| RenderError::State {
            op: op.describe(),
            source,
        };
        let q = |ident: &str| self.quote(ident);
        let sql = match op {
            Op::CreateTable { def, if_not_exists } => {
                self.create_table(op, def, before, *if_not_exists, "")?
            }
            Op::DropTable { table, if_exists } => {
                vec![format!(
                    "DROP TABLE {}{}",
                    if *if_exists { "IF EXISTS " } else { "" },
                    q(table)
                )]
            }
            Op::RenameTable { from, to } => {
                vec![format!("ALTER TABLE {} RENAME TO {}", q(from), q(to))]
            }
            Op::SetTableComment { table, comment } => match self {
                Dialect::Postgres => vec![format!(
                    "COMMENT ON TABLE {} IS {}",
                    q(table),
                    self.comment_literal(comment)
                )],
                Dialect::Mysql => vec![format!(
                    "ALTER TABLE {} COMMENT = {}",
                    q(table),
                    self.literal(comment.as_deref().unwrap_or(""))
                )],
                // SQLite has no comments: the state keeps them, the database cannot.
                Dialect::Sqlite => Vec::new(),
            },
            Op::AddColumn {
                table,
                column,
                unique,
                foreign_key,
            } => {
                if unique.is_some() || foreign_key.is_some() {
                    self.check_key_columns(op, table, std::slice::from_ref(&column.name), |_| {
                        Some(column)
                    })?;
                }
                match self {
                    Dialect::Sqlite => sqlite::add_column(
                        self,
                        op,
                        table,
                        column,
                        unique.as_deref(),
                        foreign_key.as_ref(),
                        before,
                    )?,
                    _ => {
                        let mut sql = vec![format!(
                            "ALTER TABLE {} ADD COLUMN {}",
                            q(table),
                            self.column_sql(column, before)
                        )];
                        if let Some(name) = unique {
                            sql.push(format!(
                                "ALTER TABLE {} ADD CONSTRAINT {} UNIQUE ({})",
                                q(table),
                                q(name),
                                q(&column.name)
                            ));
                        }
                        if let Some(fk) = foreign_key {
                            sql.push(format!(
                                "ALTER TABLE {} ADD {}",
                                q(table),
                                self.foreign_key_sql(op, fk)?
                            ));
                        }
                        if let (Dialect::Postgres, Some(comment)) = (self, &column.comment) {
                            sql.push(postgres::column_comment(
                                self,
                                table,
                                &column.name,
                                &Some(comment.clone()),
                            ));
                        }
                        sql
                    }
                }
            }
            Op::DropColumn { table, column } => match self {
                Dialect::Sqlite => sqlite::drop_column(self, table, column, before),
                _ => vec![format!(
                    "ALTER TABLE {} DROP COLUMN {}",
                    q(table),
                    q(column)
                )],
            },
            Op::AlterColumn(alter) => {
                let current = before.column(&alter.table, &alter.column).map_err(state)?;
                match self {
                    Dialect::Postgres => postgres::alter_column(self, alter, current, before),
                    Dialect::Sqlite => sqlite::alter_column(self, alter),
                    Dialect::Mysql if alter.using.is_some() => {
                        return Err(self.unsupported(
                            op,
                            "MySQL has no USING clause: MODIFY converts values implicitly; drop the cast expression, \
                             or convert the values with op.execute before the type change",
                        ))
                    }
                    Dialect::Mysql => mysql::alter_column(self, alter, current, before),
                }
            }
            Op::CreateIndex {
                index,
                concurrently,
                if_not_exists,
            } => {
                self.check_key_columns(op, &index.table, &index.columns, |c| {
                    before.column(&index.table, c).ok()
                })?;
                vec![self.create_index(op, index, *concurrently, *if_not_exists)?]
            }
            Op::DropIndex {
                name,
                concurrently,
                if_exists,
            } => {
                let exists = if *if_exists { "IF EXISTS " } else { "" };
                match (self, before.index(name)) {
                    (Dialect::Mysql, Some(index)) => vec![format!(
                        "DROP INDEX {exists}{} ON {}",
                        q(name),
                        q(&index.table)
                    )],
                    // MySQL needs the table, which an unknown index does not tell: nothing to drop.
                    (Dialect::Mysql, None) => Vec::new(),
                    (Dialect::Postgres, _) if *concurrently => {
                        vec![format!("DROP INDEX CONCURRENTLY {exists}{}", q(name))]
                    }
                    _ => vec![format!("DROP INDEX {exists}{}", q(name))],
                }
            }
            Op::AddConstraint { table, constraint } => {
                if let Constraint::PrimaryKey(k) | Constraint::Unique(k) = constraint {
                    self.check_key_columns(op, table, &k.columns, |c| {
                        before.column(table, c).ok()
                    })?;
                }
                match (self, constraint) {
                    (Dialect::Sqlite, Constraint::Unique(k)) => {
                        vec![sqlite::unique_index(self, table, k)]
                    }
                    (Dialect::Mysql, Constraint::PrimaryKey(k)) => {
                        vec![format!(
                            "ALTER TABLE {} ADD PRIMARY KEY ({})",
                            q(table),
                            self.quote_list(&k.columns)
                        )]
                    }
                    _ => vec![format!(
                        "ALTER TABLE {} ADD {}",
                        q(table),
                        self.constraint_sql(op, constraint)?
                    )],
                }
            }
            Op::DropConstraint { table, name } => {
                let t = before
                    .table(table)
                    .ok_or_else(|| state(StateError::MissingTable(table.clone())))?;
                let constraint = t.def.constraint(name).ok_or_else(|| {
                    state(StateError::MissingConstraint {
                        table: table.clone(),
                        name: name.clone(),
                    })
                })?;
                match self {
                    Dialect::Postgres => vec![format!(
                        "ALTER TABLE {} DROP CONSTRAINT {}",
                        q(table),
                        q(name)
                    )],
                    Dialect::Mysql => mysql::drop_constraint(self, t, &constraint),
                    Dialect::Sqlite => vec![format!("DROP INDEX {}", q(name))],
                }
            }
            Op::CreateEnum(e) => match self {
                Dialect::Postgres => vec![format!(
                    "CREATE TYPE {} AS ENUM ({})",
                    q(&e.name),
                    e.values
                        .iter()
                        .map(|v| self.literal(v))
                        .collect::<Vec<_>>()
                        .join(", ")
                )],
                // MySQL spells enum values inline on each column; SQLite stores text.
                _ => Vec::new(),
            },
            Op::DropEnum { name } => match self {
                Dialect::Postgres => vec![format!("DROP TYPE {}", q(name))],
                _ => Vec::new(),
            },
            Op::AddEnumValue {
                name,
                value,
                position,
            } => match self {
                Dialect::Postgres => {
                    let place = match position {
                        Some(crate::ops::EnumPosition::Before(v)) => {
                            format!(" BEFORE {}", self.literal(v))
                        }
                        Some(crate::ops::EnumPosition::After(v)) => {
                            format!(" AFTER {}", self.literal(v))
                        }
                        None => String::new(),
                    };
                    vec![format!(
                        "ALTER TYPE {} ADD VALUE {}{place}",
                        q(name),
                        self.literal(value)
                    )]
                }
                Dialect::Mysql => mysql::modify_enum_columns(self, op, name, before)?,
                Dialect::Sqlite => Vec::new(),
            },
            Op::RenameEnumValue { name, from, to } => match self {
                Dialect::Postgres => vec![format!(
                    "ALTER TYPE {} RENAME VALUE {} TO {}",
                    q(name),
                    self.literal(from),
                    self.literal(to)
                )],
                Dialect::Mysql => mysql::rename_enum_value(self, op, name, from, to, before)?,
                Dialect::Sqlite => self.update_enum_rows(name, from, to, before),
            },
            Op::DropEnumValue { name, .. } => match self {
                Dialect::Postgres => postgres::recreate_enum(self, op, name, before)?,
                Dialect::Mysql => mysql::modify_enum_columns(self, op, name, before)?,
                Dialect::Sqlite => Vec::new(),
            },
            Op::BulkInsert {
                table,
                columns,
                rows,
            } => rows
                .chunks(500)
                .map(|chunk| {
                    let values: Vec<String> = chunk
                        .iter()
                        .map(|row| {
                            format!(
                                "({})",
                                row.iter()
                                    .map(|v| self.render_value(v))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )
                        })
                        .collect();
                    format!(
                        "INSERT INTO {} ({}) VALUES\n    {}",
                        q(table),
                        self.quote_list(columns),
                        values.join(",\n    ")
                    )
                })
                .collect(),
            Op::DeleteRows {
                table,
                columns,
                rows,
            } => rows
                .chunks(500)
                .map(|chunk| {
                    let conditions: Vec<String> = chunk
                        .iter()
                        .map(|row| {
                            let parts: Vec<String> = columns
                                .iter()
                                .zip(row)
                                .map(|(c, v)| match v {
                                    Value::Null => format!("{} IS NULL", q(c)),
                                    v => format!("{} = {}", q(c), self.render_value(v)),
                                })
                                .collect();
                            format!("({})", parts.join(" AND "))
                        })
                        .collect();
                    format!(
                        "DELETE FROM {} WHERE\n    {}",
                        q(table),
                        conditions.join("\n    OR ")
                    )
                })
                .collect(),
            Op::Update {
                table,
                set,
                predicate,
            } => {
                if set.is_empty() {
                    return Err(self.unsupported(op, "an update needs at least one `.set(..)`"));
                }
                let assignments: Vec<String> = set
                    .iter()
                    .map(|(c, v)| match v {
                        SetValue::Value(v) => format!("{} = {}", q(c), self.render_value(v)),
                        SetValue::Expr(e) => format!("{} = {e}", q(c)),
                    })
                    .collect();
                let filter = predicate
                    .as_ref()
                    .map(|p| format!(" WHERE {p}"))
                    .unwrap_or_default();
                vec![format!(
                    "UPDATE {} SET {}{filter}",
                    q(table),
                    assignments.join(", ")
                )]
            }
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

    fn comment_literal(self, comment: &Option<String>) -> String {
        comment
            .as_deref()
            .map(|c| self.literal(c))
            .unwrap_or_else(|| "NULL".into())
    }

    fn update_enum_rows(self, name: &str, from: &str, to: &str, before: &Schema) -> Vec<String> {
        before
            .enum_columns(name)
            .iter()
            .filter_map(|tc| tc.split_once('.'))
            .map(|(t, c)| {
                format!(
                    "UPDATE {} SET {} = {} WHERE {} = {}",
                    self.quote(t),
                    self.quote(c),
                    self.literal(to),
                    self.quote(c),
                    self.literal(from)
                )
            })
            .collect()
    }

    /// `CREATE TABLE` (named `as_name` when not empty, for SQLite rebuilds) and what must follow it.
    fn create_table(
        self,
        op: &Op,
        def: &TableDef,
        before: &Schema,
        if_not_exists: bool,
        as_name: &str,
    ) -> Result<Vec<String>, RenderError> {
        let name = if as_name.is_empty() {
            def.name.as_str()
        } else {
            as_name
        };
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
            lines.push(self.column_sql(column, before));
        }
        let mut after = Vec::new();
        for constraint in def.constraints() {
            match (&constraint, self) {
                (Constraint::PrimaryKey(_), _) if inline_pk => continue,
                (Constraint::PrimaryKey(k) | Constraint::Unique(k), _) => {
                    self.check_key_columns(op, &def.name, &k.columns, |c| def.column(c))?;
                }
                _ => {}
            }
            match (&constraint, self) {
                // A unique index is SQLite's unique constraint, and unlike an inline one it can be dropped.
                (Constraint::Unique(k), Dialect::Sqlite) => {
                    after.push(sqlite::unique_index(self, &def.name, k))
                }
                _ => lines.push(self.constraint_sql(op, &constraint)?),
            }
        }
        // One buffer for the statement (this runs for every table of every planned revision).
        let quoted = self.quote(name);
        let mut create = String::with_capacity(
            32 + quoted.len() + lines.iter().map(|l| l.len() + 6).sum::<usize>(),
        );
        create.push_str("CREATE TABLE ");
        if if_not_exists {
            create.push_str("IF NOT EXISTS ");
        }
        create.push_str(&quoted);
        create.push_str(" (\n");
        for (i, line) in lines.iter().enumerate() {
            if i > 0 {
                create.push_str(",\n");
            }
            create.push_str("    ");
            create.push_str(line);
        }
        create.push_str("\n)");
        match (self, &def.comment) {
            (Dialect::Mysql, Some(comment)) => {
                create.push_str(&format!(" COMMENT = {}", self.literal(comment)))
            }
            (Dialect::Postgres, Some(comment)) => after.push(format!(
                "COMMENT ON TABLE {} IS {}",
                self.quote(name),
                self.literal(comment)
            )),
            _ => {}
        }
        if self == Dialect::Postgres {
            for column in def.columns.iter().filter(|c| c.comment.is_some()) {
                after.push(postgres::column_comment(
                    self,
                    name,
                    &column.name,
                    &column.comment,
                ));
            }
        }
        let mut sql = vec![create];
        sql.extend(after);
        Ok(sql)
    }

    fn create_index(
        self,
        op: &Op,
        index: &IndexDef,
        concurrently: bool,
        if_not_exists: bool,
    ) -> Result<String, RenderError> {
        if self == Dialect::Mysql {
            if index.predicate.is_some() {
                return Err(self.unsupported(
                    op,
                    "MySQL has no partial indexes; drop .filter(..), or index a generated column that is NULL outside the filter",
                ));
            }
            if !index.expressions.is_empty() {
                return Err(self.unsupported(
                    op,
                    "MariaDB cannot index an expression; add a generated column with op.execute and index that column",
                ));
            }
        }
        let keys: Vec<String> = index
            .columns
            .iter()
            .map(|c| self.quote(c))
            .chain(index.expressions.iter().map(|e| format!("({e})")))
            .collect();
        let mut sql = format!(
            "CREATE {}INDEX {}{}{} ON {} ({})",
            if index.unique { "UNIQUE " } else { "" },
            if concurrently && self == Dialect::Postgres {
                "CONCURRENTLY "
            } else {
                ""
            },
            if if_not_exists { "IF NOT EXISTS " } else { "" },
            self.quote(&index.name),
            self.quote(&index.table),
            keys.join(", ")
        );
        if self == Dialect::Postgres && !index.include.is_empty() {
            sql.push_str(&format!(" INCLUDE ({})", self.quote_list(&index.include)));
        }
        if let Some(predicate) = &index.predicate {
            sql.push_str(&format!(" WHERE {predicate}"));
        }
        Ok(sql)
    }

    /// Keys and indexes over unbounded text or blobs need a prefix length on MySQL.
    fn check_key_columns<'a>(
        self,
        op: &Op,
        table: &str,
        columns: &[String],
        lookup: impl Fn(&str) -> Option<&'a ColumnDef>,
    ) -> Result<(), RenderError> {
        if self != Dialect::Mysql {
            return Ok(());
        }
        for name in columns {
            let Some(column) = lookup(name) else { continue };
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
