//! The generic SQL every dialect starts from: [`SqlDialect`] holds it in default methods, and
//! each dialect (`postgres.rs`, `sqlite.rs`, `mysql.rs`) overrides only what differs, as
//! Alembic's `DefaultImpl` and sea-query's backend traits do. Capabilities are data
//! (`transactional_ddl`, `partial_indexes`, ...), so shared code asks a question instead of
//! naming a dialect.
//!
//! [`render_op`] is the one place that matches on [`Op`], exhaustively: a new op fails to
//! compile here until it has a method, and every dialect then inherits the generic SQL or says
//! why it cannot.

use super::{Dialect, RenderError, Rendered};
use crate::ops::{
    AlterColumn, CheckDef, ColumnDef, Constraint, Deferrable, EnumDef, EnumPosition, ForeignKeyDef,
    IdentityChanges, IdentityOptions, IndexDef, IndexKey, KeyDef, KeyPart, NullsOrder, Op, RawSql,
    Rows, SequenceChanges, SequenceDef, SequenceOptions, SetValue, TableDef,
};
use crate::state::{Schema, StateError, Table};
use crate::types::{ServerDefault, Type, Value};

/// Looks up a column of the table a key is declared on.
pub(crate) type ColumnLookup<'a> = &'a dyn Fn(&str) -> Option<&'a ColumnDef>;

/// Rendering of ops to SQL for one dialect.
pub(crate) trait SqlDialect: Sync {
    /// The dialect this implements.
    fn dialect(&self) -> Dialect;
    /// `postgres`, `sqlite`, `mysql`, `mariadb`: snapshot suffixes, `--dialect` values.
    fn name(&self) -> &'static str;
    /// `PostgreSQL`, `SQLite`, `MySQL`, `MariaDB`: how messages name the dialect.
    fn title(&self) -> &'static str;
    /// Other spellings `--dialect` accepts.
    fn aliases(&self) -> &'static [&'static str] {
        &[]
    }
    /// URL schemes that name this dialect.
    fn url_schemes(&self) -> &'static [&'static str];

    // ---- Capabilities, as data.

    /// DDL takes part in transactions (false on MySQL, where each DDL statement commits).
    fn transactional_ddl(&self) -> bool {
        true
    }
    /// A revision runs in a transaction even when it asks not to (SQLite: its immediate
    /// transaction is the migration lock, and CONCURRENTLY does not exist there).
    fn always_transactional(&self) -> bool {
        false
    }
    /// The longest identifier the dialect keeps intact, in bytes.
    fn max_identifier_len(&self) -> Option<usize> {
        None
    }
    /// `WHERE` on `CREATE INDEX`.
    fn partial_indexes(&self) -> bool {
        true
    }
    /// A CHECK, index or default expression as this dialect reads it: identifiers are written
    /// in standard SQL quotes (`"select" >= 0`, or [`ident`](crate::ident)), which MySQL and
    /// MariaDB (without ANSI_QUOTES) would read as string literals, so they get backticks.
    fn sql_expr<'a>(&self, expr: &'a str) -> std::borrow::Cow<'a, str> {
        std::borrow::Cow::Borrowed(expr)
    }
    /// `CREATE INDEX CONCURRENTLY`, which cannot run inside a transaction.
    fn concurrent_index_builds(&self) -> bool {
        false
    }
    /// `DEFERRABLE` foreign keys.
    fn deferrable_constraints(&self) -> bool {
        true
    }
    /// Enum types that exist apart from columns (PostgreSQL's `CREATE TYPE`).
    fn enum_types(&self) -> bool {
        false
    }
    /// The database keeps comments.
    fn comments(&self) -> bool {
        true
    }
    /// The database adds an index named after each foreign key that no index covers
    /// (InnoDB); it belongs to the key, not to the user.
    fn implicit_foreign_key_indexes(&self) -> bool {
        false
    }
    /// Index names are per table (MySQL, MariaDB), not per schema.
    fn index_names_per_table(&self) -> bool {
        false
    }
    /// `ck` is written in its column's definition (MariaDB, where a column-level check is
    /// named after its column), not as a table-level constraint.
    fn inline_column_check(&self, _ck: &CheckDef) -> bool {
        false
    }
    /// An identity column need not be the table's sole primary key.
    fn identity_anywhere(&self) -> bool {
        false
    }

    // ---- Identifiers and literals.

    /// The character that quotes identifiers.
    fn quote_char(&self) -> char {
        '"'
    }

    /// Quotes an identifier, doubling the quote character inside it.
    fn quote(&self, ident: &str) -> String {
        let q = self.quote_char();
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

    /// Quoted identifiers separated by commas.
    fn quote_list(&self, columns: &[String]) -> String {
        let mut out = String::new();
        for (i, c) in columns.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(&self.quote(c));
        }
        out
    }

    /// A string literal.
    fn literal(&self, value: &str) -> String {
        format!("'{}'", value.replace('\'', "''"))
    }

    /// `TRUE` / `FALSE` as the dialect spells them.
    fn boolean(&self, value: bool) -> &'static str {
        if value {
            "1"
        } else {
            "0"
        }
    }

    /// A literal value.
    fn render_value(&self, value: &Value) -> String {
        match value {
            Value::Null => "NULL".into(),
            Value::Bool(b) => self.boolean(*b).to_owned(),
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
            typed => self.typed_literal(typed, typed.typed_text().unwrap_or_default()),
        }
    }

    /// A decimal, date, time, timestamp, UUID or JSON value with its `text` (checked by
    /// [`check_values`](Self::check_values) before any statement is rendered): a bare decimal,
    /// string literals for the rest.
    fn typed_literal(&self, value: &Value, text: &str) -> String {
        match value {
            Value::Decimal(_) => text.to_owned(),
            _ => self.literal(text),
        }
    }

    /// Why the dialect cannot have a column of type `ty` (what to use instead), if it cannot.
    fn type_refused(&self, _ty: &Type) -> Option<String> {
        None
    }

    /// Column types of `op` the dialect has no way to express.
    fn check_types(&self, op: &Op) -> Result<(), RenderError> {
        let refused = match op {
            Op::CreateTable { def, .. } => def
                .columns
                .iter()
                .find_map(|c| self.type_refused(&c.ty).map(|hint| (&c.name, hint))),
            Op::AddColumn { column, .. } => self
                .type_refused(&column.ty)
                .map(|hint| (&column.name, hint)),
            Op::AlterColumn(a) => {
                a.ty.as_ref()
                    .and_then(|ty| self.type_refused(ty))
                    .map(|hint| (&a.column, hint))
            }
            _ => None,
        };
        match refused {
            Some((column, hint)) => Err(self.unsupported(op, format!("column `{column}`: {hint}"))),
            None => Ok(()),
        }
    }

    // ---- Types, defaults and columns.

    /// The native spelling of a portable type; `enum_values` are the values of an enum type
    /// for dialects that spell them on the column.
    fn render_type(&self, ty: &Type, enum_values: Option<&[String]>) -> String;

    /// The type of a column, with the enum values the schema knows.
    fn type_sql(&self, ty: &Type, schema: &Schema) -> String {
        let values = match ty {
            Type::Enum(name) => schema.enum_values(name),
            _ => None,
        };
        self.render_type(ty, values)
    }

    /// A server default.
    fn render_default(&self, default: &ServerDefault, _ty: &Type) -> String {
        match default {
            ServerDefault::Value(v) => self.render_value(v),
            ServerDefault::Now => "CURRENT_TIMESTAMP".into(),
            ServerDefault::Expr(e) => self.sql_expr(e).into_owned(),
            per_dialect => self.render_default(&per_dialect.for_dialect(self.dialect()), _ty),
        }
    }

    /// What follows the type of an identity column, before `NOT NULL`.
    fn identity_before_null(&self, _options: &IdentityOptions) -> String {
        String::new()
    }

    /// The type an identity column is declared with when the identity is spelt as a type
    /// (PostgreSQL's `SERIAL`), else `None`.
    fn identity_type(&self, _column: &ColumnDef) -> Option<String> {
        None
    }

    /// An identity's start value is a table option (MySQL's `AUTO_INCREMENT = n`), so only
    /// `create_table` can say it.
    fn identity_start_is_table_option(&self) -> bool {
        false
    }

    /// Identity options this dialect cannot express, as the hint of the refusal.
    fn identity_options_refused(&self, options: &IdentityOptions) -> Option<String> {
        if options.always {
            return Some(format!(
                "{} has no GENERATED ALWAYS identity; drop .identity_always() (or use it on PostgreSQL only)",
                self.title()
            ));
        }
        if options.has_sequence_options() {
            return Some(format!(
                "{} has no sequence options on an identity column ({}); drop them",
                self.title(),
                options.sequence_sql()
            ));
        }
        None
    }

    /// What follows `NOT NULL` on an identity column.
    fn identity_after_null(&self) -> &'static str {
        ""
    }

    /// A column comment inside its definition (MySQL), if the dialect puts it there.
    fn inline_column_comment(&self, _comment: &str) -> Option<String> {
        None
    }

    /// `GENERATED ALWAYS AS (expr) STORED|VIRTUAL`, after a generated column's type (the
    /// grammar of PostgreSQL, MySQL 8, MariaDB and SQLite alike).
    fn generated_sql(&self, generated: &crate::ops::Generated) -> String {
        format!(
            " GENERATED ALWAYS AS ({}) {}",
            self.sql_expr(generated.for_dialect(self.dialect())),
            generated.kind()
        )
    }

    /// Why the dialect cannot have this generated column (what to do instead), if it cannot.
    fn generated_refused(
        &self,
        _column: &ColumnDef,
        _generated: &crate::ops::Generated,
    ) -> Option<String> {
        None
    }

    /// A generated column cannot be computed from an identity column (MySQL and MariaDB
    /// compute it before the AUTO_INCREMENT value exists).
    fn generated_from_identity(&self) -> bool {
        true
    }

    /// Generated columns of `op` the dialect cannot have.
    fn check_generated(&self, op: &Op, before: &Schema) -> Result<(), RenderError> {
        let table_columns = match op {
            Op::CreateTable { def, .. } => def.columns.as_slice(),
            Op::AddColumn { table, .. } => before
                .table(table)
                .map_or(&[][..], |t| t.def.columns.as_slice()),
            _ => &[],
        };
        let refused = |c: &ColumnDef| {
            let g = c.generated.as_ref()?;
            let hint = self.generated_refused(c, g).or_else(|| {
                let identity = table_columns
                    .iter()
                    .find(|i| i.identity && g.mentions(&i.name))
                    .filter(|_| !self.generated_from_identity())?;
                Some(format!(
                    "{} cannot compute a generated column from the AUTO_INCREMENT column `{}` (its value does not exist yet when the row is computed); \
                     leave `{}` out of the expression, or fill a plain column with op.update",
                    self.title(),
                    identity.name,
                    identity.name
                ))
            })?;
            Some(self.unsupported(op, format!("generated column `{}`: {hint}", c.name)))
        };
        let error = match op {
            Op::CreateTable { def, .. } => def.columns.iter().find_map(refused),
            Op::AddColumn { column, .. } => refused(column),
            Op::AlterColumn(a) => before
                .column(&a.table, &a.column)
                .ok()
                .filter(|c| c.is_generated())
                .and_then(|c| refused(&a.applied_to(c))),
            _ => None,
        };
        error.map_or(Ok(()), Err)
    }

    /// `"name" TYPE [GENERATED ALWAYS AS (..) ..] [NOT NULL] [DEFAULT ...]`, with the dialect's
    /// identity and comment syntax.
    fn column_sql(&self, column: &ColumnDef, schema: &Schema) -> String {
        let mut sql = self.quote(&column.name);
        sql.push(' ');
        match column
            .identity
            .then(|| self.identity_type(column))
            .flatten()
        {
            Some(spelled) => sql.push_str(&spelled),
            None => {
                sql.push_str(&self.type_sql(&column.ty, schema));
                if let Some(name) = column.collation_for(self.dialect()) {
                    sql.push_str(" COLLATE ");
                    sql.push_str(&self.collation_name(name));
                }
                if column.identity {
                    sql.push_str(&self.identity_before_null(&column.identity_options));
                }
            }
        }
        if let Some(generated) = &column.generated {
            sql.push_str(&self.generated_sql(generated));
        }
        if !column.nullable {
            sql.push_str(" NOT NULL");
        }
        if column.identity {
            sql.push_str(self.identity_after_null());
        }
        if let Some(default) = &column.default {
            sql.push_str(" DEFAULT ");
            sql.push_str(&self.render_default(default, &column.ty));
        }
        if let Some(comment) = column
            .comment
            .as_deref()
            .and_then(|c| self.inline_column_comment(c))
        {
            sql.push_str(&comment);
        }
        sql
    }

    // ---- Errors and checks shared by every op.

    /// The typed "not supported here" error, with what to do instead.
    fn unsupported(&self, op: &Op, hint: String) -> RenderError {
        RenderError::Unsupported {
            op: op.describe(),
            dialect: self.dialect(),
            hint,
        }
    }

    /// Identifiers longer than the dialect keeps.
    fn check_identifiers(&self, op: &Op) -> Result<(), RenderError> {
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
            Op::CreateSequence(def) => names.push(&def.name),
            Op::RenameSequence { to, .. } => names.push(to),
            // These name nothing new.
            Op::DropTable { .. }
            | Op::SetTableComment { .. }
            | Op::DropColumn { .. }
            | Op::DropIndex { .. }
            | Op::DropConstraint { .. }
            | Op::DropEnum { .. }
            | Op::AddEnumValue { .. }
            | Op::RenameEnumValue { .. }
            | Op::DropEnumValue { .. }
            | Op::DropSequence { .. }
            | Op::AlterSequence { .. }
            | Op::BulkInsert { .. }
            | Op::DeleteRows { .. }
            | Op::Update { .. }
            | Op::Sql(_) => {}
        }
        if let Some(name) = names
            .iter()
            .find(|n| n.ends_with(' ') && !self.trailing_space_in_names())
        {
            return Err(self.unsupported(
                op,
                format!(
                    "identifier `{name}` ends with a space, which {} does not keep in names; drop the space",
                    self.title()
                ),
            ));
        }
        match names.into_iter().find(|n| self.identifier_len(n) > max) {
            Some(name) => Err(self.unsupported(
                op,
                format!(
                    "identifier `{name}` is {} {} long and {} allows {max}; choose a shorter name (generated names are shortened automatically)",
                    self.identifier_len(name),
                    self.identifier_unit(),
                    self.title()
                ),
            )),
            None => Ok(()),
        }
    }

    /// The length of an identifier as the database counts it against
    /// [`max_identifier_len`](Self::max_identifier_len).
    fn identifier_len(&self, name: &str) -> usize {
        name.len()
    }

    /// What [`identifier_len`](Self::identifier_len) counts, for messages.
    fn identifier_unit(&self) -> &'static str {
        if self.identifier_len("é") == 1 {
            "characters"
        } else {
            "bytes"
        }
    }

    /// Whether a name may end with a space (MySQL strips or refuses it).
    fn trailing_space_in_names(&self) -> bool {
        true
    }

    /// Values the database or an SQL script cannot carry: a NUL character in text, a malformed
    /// typed value (`Value::date("31/01/2024")`).
    fn check_values(&self, op: &Op) -> Result<(), RenderError> {
        let malformed = |v: &Value| v.invalid().map(|what| (v.clone(), what));
        let defaults = |c: &ColumnDef| match &c.default {
            Some(ServerDefault::Value(v)) => malformed(v),
            _ => None,
        };
        let bad = match op {
            Op::BulkInsert { rows, .. } | Op::DeleteRows { rows, .. } => {
                rows.values().iter().flatten().find_map(malformed)
            }
            Op::Update { set, .. } => set.iter().find_map(|(_, v)| match v {
                SetValue::Value(v) => malformed(v),
                SetValue::Expr(_) => None,
            }),
            Op::CreateTable { def, .. } => def.columns.iter().find_map(defaults),
            Op::AddColumn { column, .. } => defaults(column),
            Op::AlterColumn(a) => match &a.default {
                Some(Some(ServerDefault::Value(v))) => malformed(v),
                _ => None,
            },
            _ => None,
        };
        if let Some((value, what)) = bad {
            return Err(self.unsupported(op, format!("the value {value:?} is malformed: {what}")));
        }
        let nul = |v: &Value| matches!(v, Value::Str(s) if s.contains('\0'));
        let found = match op {
            Op::BulkInsert { rows, .. } | Op::DeleteRows { rows, .. } => {
                rows.values().iter().flatten().find(|v| nul(v)).cloned()
            }
            Op::Update { set, .. } => set.iter().find_map(|(_, v)| match v {
                SetValue::Value(v) if nul(v) => Some(v.clone()),
                _ => None,
            }),
            _ => None,
        };
        match found {
            Some(Value::Str(s)) => Err(self.unsupported(
                op,
                format!(
                    "the value {:?} contains a NUL character, which {} cannot keep in text and an SQL script cannot carry; store it in a Bytes column or drop the NUL",
                    s,
                    self.title()
                ),
            )),
            _ => Ok(()),
        }
    }

    /// Columns a key or index can cover here (MySQL needs a prefix length on text).
    fn check_key_columns(
        &self,
        _op: &Op,
        _table: &str,
        _columns: &[String],
        _unique: bool,
        _lookup: ColumnLookup<'_>,
    ) -> Result<(), RenderError> {
        Ok(())
    }

    // ---- Constraints.

    /// Unnamed constraints stay unnamed (SQLite); elsewhere they are declared under the name
    /// PostgreSQL gives them ([`TableDef::with_server_names`]).
    fn keeps_unnamed_constraints(&self) -> bool {
        false
    }

    /// `CONSTRAINT name ` before a constraint, or nothing for an unnamed one.
    fn constraint_prefix(&self, name: &str) -> String {
        if name.is_empty() {
            String::new()
        } else {
            format!("CONSTRAINT {} ", self.quote(name))
        }
    }

    /// `CONSTRAINT name FOREIGN KEY (...) REFERENCES t (...) [ON ...] [DEFERRABLE ...]`.
    fn foreign_key_sql(&self, op: &Op, fk: &ForeignKeyDef) -> Result<String, RenderError> {
        Ok(format!(
            "{}FOREIGN KEY ({}) {}",
            self.constraint_prefix(&fk.name),
            self.quote_list(&fk.columns),
            self.references_sql(op, fk)?
        ))
    }

    /// `REFERENCES t (...) [ON DELETE ..] [ON UPDATE ..] [DEFERRABLE ..]`: the part a column
    /// definition and a table constraint share.
    fn references_sql(&self, op: &Op, fk: &ForeignKeyDef) -> Result<String, RenderError> {
        let mut sql = format!(
            "REFERENCES {} ({})",
            self.quote(&fk.ref_table),
            self.quote_list(&fk.ref_columns)
        );
        if let Some(action) = fk.on_delete {
            sql.push_str(" ON DELETE ");
            sql.push_str(action.sql());
        }
        if let Some(action) = fk.on_update {
            sql.push_str(" ON UPDATE ");
            sql.push_str(action.sql());
        }
        if let Some(when) = fk.deferrable {
            if !self.deferrable_constraints() {
                return Err(self.unsupported(
                    op,
                    format!(
                        "{} checks foreign keys immediately; drop .deferrable(..) from `{}`",
                        self.title(),
                        fk.name
                    ),
                ));
            }
            sql.push_str(match when {
                Deferrable::InitiallyImmediate => " DEFERRABLE INITIALLY IMMEDIATE",
                Deferrable::InitiallyDeferred => " DEFERRABLE INITIALLY DEFERRED",
            });
        }
        Ok(sql)
    }

    /// The constraint as it appears inside `CREATE TABLE` or after `ADD`.
    fn constraint_sql(&self, op: &Op, constraint: &Constraint) -> Result<String, RenderError> {
        Ok(match constraint {
            Constraint::PrimaryKey(k) => format!(
                "{}PRIMARY KEY ({})",
                self.constraint_prefix(&k.name),
                self.quote_list(&k.columns)
            ),
            Constraint::Unique(k) => format!(
                "{}UNIQUE ({})",
                self.constraint_prefix(&k.name),
                self.quote_list(&k.columns)
            ),
            Constraint::ForeignKey(fk) => self.foreign_key_sql(op, fk)?,
            Constraint::Check(ck) => {
                format!(
                    "{}CHECK ({})",
                    self.constraint_prefix(&ck.name),
                    self.sql_expr(&ck.expr)
                )
            }
        })
    }

    /// A unique constraint kept as a unique index (SQLite), if the dialect does so.
    fn unique_as_index(&self, _table: &str, _key: &KeyDef) -> Option<String> {
        None
    }

    // ---- Tables.

    /// The definition line of one column inside `CREATE TABLE`, and whether it declares the
    /// table's primary key inline.
    fn table_column_sql(
        &self,
        op: &Op,
        def: &TableDef,
        column: &ColumnDef,
        schema: &Schema,
    ) -> Result<(String, bool), RenderError> {
        if column.identity {
            self.check_identity(op, def, column)?;
        }
        Ok((self.column_sql(column, schema), false))
    }

    /// Whether `column` can be an identity column of `def` here.
    fn check_identity(
        &self,
        op: &Op,
        def: &TableDef,
        column: &ColumnDef,
    ) -> Result<(), RenderError> {
        if !column.ty.is_integer() && !is_integer_spelling(&column.ty) {
            return Err(self.unsupported(
                op,
                format!(
                    "identity column `{}` has type {}; use SmallInt, Integer or BigInt",
                    column.name, column.ty
                ),
            ));
        }
        if let Some(hint) = self.identity_options_refused(&column.identity_options) {
            return Err(self.unsupported(op, format!("identity column `{}`: {hint}", column.name)));
        }
        if let Some(start) = column.identity_options.start {
            if self.identity_start_is_table_option() && !matches!(op, Op::CreateTable { .. }) {
                return Err(self.unsupported(
                    op,
                    format!(
                        "identity column `{}`: {}'s AUTO_INCREMENT start is a table option, set by create_table; here run op.execute(\"ALTER TABLE {} AUTO_INCREMENT = {start}\")",
                        column.name,
                        self.title(),
                        def.name
                    ),
                ));
            }
        }
        let sole_pk = def
            .primary_key
            .as_ref()
            .is_some_and(|pk| pk.columns == [column.name.clone()]);
        if !sole_pk && !self.identity_anywhere() {
            return Err(self.unsupported(
                op,
                format!(
                    "identity column `{}` must be the table's only primary key column here; mark it .primary_key() or drop .identity()",
                    column.name
                ),
            ));
        }
        Ok(())
    }

    /// Table options after the closing parenthesis (MySQL's `COMMENT = ...`).
    fn table_options(&self, _def: &TableDef) -> String {
        String::new()
    }

    /// Statements after `CREATE TABLE` that set comments (PostgreSQL's `COMMENT ON`).
    fn comments_after_create(&self, _name: &str, _def: &TableDef) -> Vec<String> {
        Vec::new()
    }

    /// `CREATE TABLE` (named `as_name` when not empty, for SQLite rebuilds) and what must follow it.
    fn create_table(
        &self,
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
        let named;
        let def = if !self.keeps_unnamed_constraints() && def.has_unnamed_constraints() {
            named = def.with_server_names(self.max_identifier_len().unwrap_or(63));
            &named
        } else {
            def
        };
        let mut lines: Vec<String> = Vec::with_capacity(def.columns.len() + 2);
        let mut inline_pk = false;
        let inline_check = |ck: &CheckDef| {
            self.inline_column_check(ck)
                && ck.column.as_ref().is_some_and(|c| def.column(c).is_some())
        };
        for column in &def.columns {
            let (mut line, pk) = self.table_column_sql(op, def, column, before)?;
            inline_pk |= pk;
            for ck in def.checks.iter().filter(|ck| {
                inline_check(ck)
                    && ck.column.as_deref() == Some(column.name.as_str())
                    && ck.exists_on(self.dialect())
            }) {
                line.push_str(&format!(" CHECK ({})", self.sql_expr(&ck.expr)));
            }
            lines.push(line);
        }
        let mut after = Vec::new();
        for constraint in def.constraints() {
            if let Constraint::Check(ck) = &constraint {
                if inline_check(ck) || !ck.exists_on(self.dialect()) {
                    continue;
                }
            }
            if let Constraint::PrimaryKey(k) | Constraint::Unique(k) = &constraint {
                if matches!(constraint, Constraint::PrimaryKey(_)) && inline_pk {
                    continue;
                }
                let unique = matches!(constraint, Constraint::Unique(_));
                self.check_key_columns(op, &def.name, &k.columns, unique, &|c| def.column(c))?;
            }
            match &constraint {
                Constraint::Unique(k) => match self.unique_as_index(&def.name, k) {
                    Some(index) => after.push(index),
                    None => lines.push(self.constraint_sql(op, &constraint)?),
                },
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
        create.push_str(&self.table_options(def));
        let mut sql = vec![create];
        sql.extend(after);
        sql.extend(self.comments_after_create(name, def));
        Ok(sql)
    }

    /// `DROP TABLE`.
    fn drop_table(&self, table: &str, if_exists: bool) -> Vec<String> {
        vec![format!(
            "DROP TABLE {}{}",
            if if_exists { "IF EXISTS " } else { "" },
            self.quote(table)
        )]
    }

    /// `ALTER TABLE ... RENAME TO`.
    fn rename_table(&self, from: &str, to: &str) -> Vec<String> {
        vec![format!(
            "ALTER TABLE {} RENAME TO {}",
            self.quote(from),
            self.quote(to)
        )]
    }

    /// Sets or drops a table comment; nothing where the database keeps no comments.
    fn set_table_comment(&self, _table: &str, _comment: Option<&str>) -> Vec<String> {
        Vec::new()
    }

    /// Statements that set a column's comment apart from its definition (PostgreSQL).
    fn column_comment(&self, _table: &str, _column: &str, _comment: Option<&str>) -> Vec<String> {
        Vec::new()
    }

    // ---- Columns.

    /// `ALTER TABLE ... ADD COLUMN`, then its unique constraint and foreign key.
    fn add_column(
        &self,
        op: &Op,
        table: &str,
        column: &ColumnDef,
        unique: Option<&str>,
        foreign_key: Option<&ForeignKeyDef>,
        before: &Schema,
    ) -> Result<Vec<String>, RenderError> {
        let q = |ident: &str| self.quote(ident);
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
        if let Some(comment) = &column.comment {
            sql.extend(self.column_comment(table, &column.name, Some(comment)));
        }
        Ok(sql)
    }

    /// `ALTER TABLE ... DROP COLUMN`.
    fn drop_column(&self, table: &str, column: &str, _before: &Schema) -> Vec<String> {
        vec![format!(
            "ALTER TABLE {} DROP COLUMN {}",
            self.quote(table),
            self.quote(column)
        )]
    }

    /// The statements of an `alter_column`, given the column before it.
    fn alter_column(
        &self,
        op: &Op,
        alter: &AlterColumn,
        current: &ColumnDef,
        before: &Schema,
    ) -> Result<Vec<String>, RenderError>;

    // ---- Indexes.

    /// What this dialect cannot build of `index` (a partial or expression index, ...).
    fn check_index(
        &self,
        op: &Op,
        index: &IndexDef,
        _if_not_exists: bool,
    ) -> Result<(), RenderError> {
        partial_index_check(self, op, index)
    }

    /// `CONCURRENTLY ` where the dialect has it.
    fn concurrently_keyword(&self, _concurrently: bool) -> &'static str {
        ""
    }

    /// `INCLUDE (...)` where the dialect has it.
    fn include_clause(&self, _index: &IndexDef) -> String {
        String::new()
    }

    /// Index keys may take a prefix length (`title(20)`, MySQL/MariaDB).
    fn index_prefixes(&self) -> bool {
        false
    }

    /// Index keys may take a collation (PostgreSQL, SQLite).
    fn index_collations(&self) -> bool {
        false
    }

    /// Index keys may take an operator class (PostgreSQL).
    fn index_opclasses(&self) -> bool {
        false
    }

    /// Index keys may say `NULLS FIRST` / `NULLS LAST` (PostgreSQL).
    fn index_nulls_order(&self) -> bool {
        false
    }

    /// Plain collation names (letters, digits, `_`) are written bare after `COLLATE` (SQLite's
    /// `NOCASE`, MySQL's `utf8mb4_bin`); otherwise always quoted (PostgreSQL's are
    /// case-sensitive identifiers: `"C"`).
    fn bare_collation_names(&self) -> bool {
        false
    }

    /// A collation name as a column's or an index key's `COLLATE` takes it.
    fn collation_name(&self, collation: &str) -> String {
        let plain = !collation.is_empty()
            && collation
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_');
        if plain && self.bare_collation_names() {
            collation.to_owned()
        } else {
            self.quote(collation)
        }
    }

    /// The access method's parts: a keyword before `INDEX` (MySQL `FULLTEXT `), a clause after
    /// the table (PostgreSQL ` USING gin`), and one after the keys. B-tree (`None`) is every
    /// dialect's default.
    fn index_method(
        &self,
        op: &Op,
        method: Option<&str>,
        _unique: bool,
    ) -> Result<(&'static str, String, String), RenderError> {
        match method {
            None | Some("btree") => Ok(("", String::new(), String::new())),
            Some(other) => Err(self.unsupported(
                op,
                format!(
                    "{} has no `{other}` indexes; drop .using(\"{other}\")",
                    self.title()
                ),
            )),
        }
    }

    /// One index key: the column (quoted) or `(expression)`, then the options this dialect
    /// has, in its grammar's order; an option it lacks is refused with what to write instead.
    fn index_key(&self, op: &Op, key: &IndexKey) -> Result<String, RenderError> {
        let title = self.title();
        let mut sql = match &key.part {
            KeyPart::Column(c) => self.quote(c),
            KeyPart::Expression(e) => format!("({})", self.sql_expr(e)),
        };
        if let Some(prefix) = key.prefix {
            if !self.index_prefixes() {
                return Err(self.unsupported(
                    op,
                    format!("{title} has no prefix indexes; drop .prefix({prefix}) (it indexes the whole value)"),
                ));
            }
            if matches!(key.part, KeyPart::Expression(_)) {
                return Err(self.unsupported(
                    op,
                    "a prefix length applies to a column key, not to an expression".into(),
                ));
            }
            sql.push_str(&format!("({prefix})"));
        }
        if let Some(collation) = &key.collation {
            if !self.index_collations() {
                return Err(self.unsupported(
                    op,
                    format!("{title} has no per-key collation in an index (the column's collation applies); drop .collate(\"{collation}\")"),
                ));
            }
            sql.push_str(" COLLATE ");
            sql.push_str(&self.collation_name(collation));
        }
        if let Some(opclass) = &key.opclass {
            if !self.index_opclasses() {
                return Err(self.unsupported(
                    op,
                    format!("{title} has no operator classes; drop .opclass(\"{opclass}\")"),
                ));
            }
            let name_like = opclass
                .split('.')
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
            if !name_like {
                return Err(self.unsupported(
                    op,
                    format!("operator class `{opclass}` is not a name (letters, digits, `_`, optionally schema-qualified)"),
                ));
            }
            sql.push(' ');
            sql.push_str(opclass);
        }
        if key.descending {
            sql.push_str(" DESC");
        }
        if let Some(nulls) = key.nulls {
            if !self.index_nulls_order() {
                return Err(self.unsupported(
                    op,
                    format!("{title} has no NULLS FIRST/LAST in an index; drop .nulls_first()/.nulls_last()"),
                ));
            }
            sql.push_str(match nulls {
                NullsOrder::First => " NULLS FIRST",
                NullsOrder::Last => " NULLS LAST",
            });
        }
        Ok(sql)
    }

    /// `CREATE [UNIQUE] INDEX ...`.
    fn create_index(
        &self,
        op: &Op,
        index: &IndexDef,
        concurrently: bool,
        if_not_exists: bool,
    ) -> Result<String, RenderError> {
        self.check_index(op, index, if_not_exists)?;
        let keys = index
            .keys
            .iter()
            .map(|k| self.index_key(op, k))
            .collect::<Result<Vec<_>, _>>()?
            .join(", ");
        let (kind, using, after_keys) =
            self.index_method(op, index.method.as_deref(), index.unique)?;
        let mut sql = format!(
            "CREATE {}{kind}INDEX {}{}{} ON {}{using} ({keys}){after_keys}",
            if index.unique { "UNIQUE " } else { "" },
            self.concurrently_keyword(concurrently),
            if if_not_exists { "IF NOT EXISTS " } else { "" },
            self.quote(&index.name),
            self.quote(&index.table),
        );
        sql.push_str(&self.include_clause(index));
        if let Some(predicate) = index.predicate.as_ref().filter(|_| self.partial_indexes()) {
            sql.push_str(" WHERE ");
            sql.push_str(predicate);
        }
        Ok(sql)
    }

    /// `DROP INDEX`; `index` is the index the schema knows by that name, if any.
    fn drop_index(
        &self,
        _op: &Op,
        name: &str,
        index: Option<&IndexDef>,
        concurrently: bool,
        if_exists: bool,
        _before: &Schema,
    ) -> Result<Vec<String>, RenderError> {
        let _ = index;
        Ok(vec![format!(
            "DROP INDEX {}{}{}",
            self.concurrently_keyword(concurrently),
            if if_exists { "IF EXISTS " } else { "" },
            self.quote(name)
        )])
    }

    // ---- Constraints on existing tables.

    /// `ALTER TABLE ... ADD <constraint>`.
    fn add_constraint(
        &self,
        op: &Op,
        table: &str,
        constraint: &Constraint,
    ) -> Result<Vec<String>, RenderError> {
        Ok(vec![add_constraint_sql(self, op, table, constraint)?])
    }

    /// Drops `constraint` of the table `t`.
    fn drop_constraint(
        &self,
        _op: &Op,
        t: &Table,
        constraint: &Constraint,
    ) -> Result<Vec<String>, RenderError> {
        Ok(vec![format!(
            "ALTER TABLE {} DROP CONSTRAINT {}",
            self.quote(&t.def.name),
            self.quote(constraint.name())
        )])
    }

    // ---- Enum types. The defaults are for dialects without enum types, where the state
    // keeps the values and columns carry them.

    /// `CREATE TYPE ... AS ENUM`.
    fn create_enum(&self, _e: &EnumDef) -> Vec<String> {
        Vec::new()
    }

    /// `DROP TYPE`.
    fn drop_enum(&self, _name: &str) -> Vec<String> {
        Vec::new()
    }

    /// Adds a value to an enum type.
    fn add_enum_value(
        &self,
        _op: &Op,
        _name: &str,
        _value: &str,
        _position: Option<&EnumPosition>,
        _before: &Schema,
    ) -> Result<Vec<String>, RenderError> {
        Ok(Vec::new())
    }

    /// Renames a value of an enum type: where values are plain text, the rows move.
    fn rename_enum_value(
        &self,
        _op: &Op,
        name: &str,
        from: &str,
        to: &str,
        before: &Schema,
    ) -> Result<Vec<String>, RenderError> {
        Ok(self.update_enum_rows(name, from, to, before))
    }

    /// Removes a value from an enum type.
    fn drop_enum_value(
        &self,
        _op: &Op,
        _name: &str,
        _before: &Schema,
    ) -> Result<Vec<String>, RenderError> {
        Ok(Vec::new())
    }

    /// `UPDATE` of every column of enum `name` from one value to another.
    fn update_enum_rows(&self, name: &str, from: &str, to: &str, before: &Schema) -> Vec<String> {
        before
            .enum_columns(name)
            .into_iter()
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

    /// Changes the options of the identity column `table.name` (`current` before the alter).
    /// The default refuses: only PostgreSQL keeps them (MySQL and MariaDB the start).
    fn alter_identity(
        &self,
        op: &Op,
        _table: &str,
        _name: &str,
        _current: &ColumnDef,
        _changes: &IdentityChanges,
    ) -> Result<Vec<String>, RenderError> {
        Err(self.unsupported(
            op,
            format!(
                "{}'s AUTOINCREMENT has no options (ALWAYS, start, increment, bounds, cache, cycle); drop this change, or make it in raw SQL on the dialects that have them",
                self.title()
            ),
        ))
    }

    // ---- Sequences (PostgreSQL, MariaDB): the generic SQL is theirs; dialects without
    // sequences refuse them.

    /// What a sequence option left out is here; `None` where the dialect has no sequences.
    fn sequence_defaults(&self) -> Option<crate::ops::SequenceDefaults> {
        None
    }

    /// Why a dialect without sequences refuses them, and what to use.
    fn no_sequences_hint(&self) -> String {
        format!(
            "{} has no sequences; use an identity column (.identity()) or a counter table updated in the same transaction",
            self.title()
        )
    }

    /// What turns `CYCLE` off (MariaDB: `NOCYCLE`).
    fn sequence_no_cycle(&self) -> &'static str {
        "NO CYCLE"
    }

    /// `CREATE SEQUENCE`.
    fn create_sequence(&self, def: &SequenceDef) -> String {
        let options = sequence_options_sql(&def.options);
        let mut sql = format!("CREATE SEQUENCE {}", self.quote(&def.name));
        if !options.is_empty() {
            sql.push(' ');
            sql.push_str(&options);
        }
        sql
    }

    /// `DROP SEQUENCE`.
    fn drop_sequence(&self, name: &str) -> String {
        format!("DROP SEQUENCE {}", self.quote(name))
    }

    /// `ALTER SEQUENCE .. RENAME TO`.
    fn rename_sequence(&self, from: &str, to: &str) -> String {
        format!(
            "ALTER SEQUENCE {} RENAME TO {}",
            self.quote(from),
            self.quote(to)
        )
    }

    /// `ALTER SEQUENCE` with the options `changes` makes; `after` is what the sequence has
    /// then (an option set back to its default is written as the dialect's default).
    fn alter_sequence(
        &self,
        name: &str,
        changes: &SequenceChanges,
        after: &SequenceOptions,
    ) -> String {
        let cache_default = self.sequence_defaults().map_or(1, |d| d.cache);
        let mut parts: Vec<String> = Vec::new();
        if let Some(increment) = changes.increment {
            parts.push(format!("INCREMENT BY {}", increment.unwrap_or(1)));
        }
        match changes.min_value {
            Some(Some(n)) => parts.push(format!("MINVALUE {n}")),
            Some(None) => parts.push("NO MINVALUE".into()),
            None => {}
        }
        match changes.max_value {
            Some(Some(n)) => parts.push(format!("MAXVALUE {n}")),
            Some(None) => parts.push("NO MAXVALUE".into()),
            None => {}
        }
        if let Some(start) = changes.start {
            // Left out, a sequence starts at its low bound (the high one when descending).
            let start = start.unwrap_or(if after.increment.unwrap_or(1) > 0 {
                after.min_value.unwrap_or(1)
            } else {
                after.max_value.unwrap_or(-1)
            });
            parts.push(format!("START WITH {start}"));
        }
        if let Some(cache) = changes.cache {
            parts.push(format!("CACHE {}", cache.unwrap_or(cache_default)));
        }
        match changes.cycle {
            Some(true) => parts.push("CYCLE".into()),
            Some(false) => parts.push(self.sequence_no_cycle().into()),
            None => {}
        }
        format!("ALTER SEQUENCE {} {}", self.quote(name), parts.join(" "))
    }

    // ---- Data.

    /// `INSERT INTO ... VALUES`, 500 rows a statement.
    fn bulk_insert(&self, table: &str, columns: &[String], rows: &[Vec<Value>]) -> Vec<String> {
        rows.chunks(500)
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
                    self.quote(table),
                    self.quote_list(columns),
                    values.join(",\n    ")
                )
            })
            .collect()
    }

    /// `DELETE FROM ... WHERE` the rows equal to these, 500 rows a statement.
    fn delete_rows(&self, table: &str, columns: &[String], rows: &[Vec<Value>]) -> Vec<String> {
        rows.chunks(500)
            .map(|chunk| {
                let conditions: Vec<String> = chunk
                    .iter()
                    .map(|row| {
                        let parts: Vec<String> = columns
                            .iter()
                            .zip(row)
                            .map(|(c, v)| match v {
                                Value::Null => format!("{} IS NULL", self.quote(c)),
                                v => format!("{} = {}", self.quote(c), self.render_value(v)),
                            })
                            .collect();
                        format!("({})", parts.join(" AND "))
                    })
                    .collect();
                format!(
                    "DELETE FROM {} WHERE\n    {}",
                    self.quote(table),
                    conditions.join("\n    OR ")
                )
            })
            .collect()
    }

    /// `UPDATE ... SET ... [WHERE ...]`.
    fn update(
        &self,
        op: &Op,
        table: &str,
        set: &[(String, SetValue)],
        predicate: Option<&str>,
    ) -> Result<Vec<String>, RenderError> {
        if set.is_empty() {
            return Err(self.unsupported(op, "an update needs at least one `.set(..)`".into()));
        }
        let assignments: Vec<String> = set
            .iter()
            .map(|(c, v)| match v {
                SetValue::Value(v) => format!("{} = {}", self.quote(c), self.render_value(v)),
                SetValue::Expr(e) => format!("{} = {e}", self.quote(c)),
            })
            .collect();
        let filter = predicate.map(|p| format!(" WHERE {p}")).unwrap_or_default();
        Ok(vec![format!(
            "UPDATE {} SET {}{filter}",
            self.quote(table),
            assignments.join(", ")
        )])
    }

    /// Raw SQL: the text given for this dialect.
    fn raw_sql(&self, op: &Op, raw: &RawSql) -> Result<Vec<String>, RenderError> {
        if !raw.runs_on(self.dialect()) {
            return Ok(Vec::new());
        }
        match raw.up.for_dialect(self.dialect()) {
            Some(sql) => Ok(vec![sql.to_owned()]),
            None => Err(self.unsupported(
                op,
                format!(
                    "no SQL was given for {}; add {} or a portable one",
                    self.title(),
                    self.sql_text_fields()
                ),
            )),
        }
    }

    /// The `SqlText` fields this dialect reads, for messages.
    fn sql_text_fields(&self) -> String {
        format!("a `{}` variant", self.name())
    }

    /// The schema after each of the `statements` statements `op` renders to, starting from
    /// `before`, so that a run cut off between two of them can tell from the catalog where it
    /// stopped; `None` where the intermediate states are not known.
    fn statement_states(&self, op: &Op, before: &Schema, statements: usize) -> Option<Vec<Schema>> {
        match statements {
            1 => Some(vec![schema_after(op, before).ok()?]),
            _ => None,
        }
    }

    // ---- Runs of ops.

    /// Renders a run of ops, applying each to `schema` as it goes.
    fn render_ops(&self, ops: &[Op], schema: &mut Schema) -> Result<Rendered, RenderError> {
        let mut out = Rendered::default();
        for op in ops {
            render_and_apply(self, op, schema, &mut out)?;
        }
        Ok(out)
    }
}

/// Renders `op` against `schema`, applies it, and appends its statements to `out`.
pub(crate) fn render_and_apply<D: SqlDialect + ?Sized>(
    d: &D,
    op: &Op,
    schema: &mut Schema,
    out: &mut Rendered,
) -> Result<(), RenderError> {
    let rendered = render_op(d, op, schema);
    // A state error wins over a render error: it is what the user must fix first.
    schema.apply(op).map_err(|source| RenderError::State {
        op: op.describe(),
        source,
    })?;
    out.statements.extend(rendered?);
    Ok(())
}

/// The statements of one op, given the schema `before` it: the one exhaustive match over
/// [`Op`], dispatching to the dialect's method for each.
pub(crate) fn render_op<D: SqlDialect + ?Sized>(
    d: &D,
    op: &Op,
    before: &Schema,
) -> Result<Vec<String>, RenderError> {
    d.check_identifiers(op)?;
    d.check_types(op)?;
    d.check_generated(op, before)?;
    d.check_values(op)?;
    let state = |source| RenderError::State {
        op: op.describe(),
        source,
    };
    Ok(match op {
        Op::CreateTable { def, if_not_exists } => {
            d.create_table(op, def, before, *if_not_exists, "")?
        }
        Op::DropTable { table, if_exists } => d.drop_table(table, *if_exists),
        Op::RenameTable { from, to } => d.rename_table(from, to),
        Op::SetTableComment { table, comment } => d.set_table_comment(table, comment.as_deref()),
        Op::AddColumn {
            table,
            column,
            unique,
            foreign_key,
        } => {
            if unique.is_some() || foreign_key.is_some() {
                d.check_key_columns(
                    op,
                    table,
                    std::slice::from_ref(&column.name),
                    unique.is_some(),
                    &|_| Some(column),
                )?;
            }
            d.add_column(
                op,
                table,
                column,
                unique.as_deref(),
                foreign_key.as_ref(),
                before,
            )?
        }
        Op::DropColumn { table, column } => d.drop_column(table, column, before),
        Op::AlterColumn(alter) => {
            let current = before.column(&alter.table, &alter.column).map_err(state)?;
            // Identity options come after the rest (under the column's new name), and are
            // refused before anything renders.
            let identity = match alter.identity_options.filter(|c| !c.is_empty()) {
                Some(changes) => {
                    let name = alter.rename.as_deref().unwrap_or(&alter.column);
                    d.alter_identity(op, &alter.table, name, current, &changes)?
                }
                None => Vec::new(),
            };
            let rest = AlterColumn {
                identity_options: None,
                ..alter.clone()
            };
            let mut statements = if rest.is_empty() {
                Vec::new()
            } else {
                d.alter_column(op, &rest, current, before)?
            };
            statements.extend(identity);
            statements
        }
        Op::CreateIndex { index, .. } if !index.exists_on(d.dialect()) => Vec::new(),
        Op::AddConstraint {
            constraint: Constraint::Check(ck),
            ..
        } if !ck.exists_on(d.dialect()) => Vec::new(),
        Op::CreateIndex {
            index,
            concurrently,
            if_not_exists,
        } => {
            // FULLTEXT and SPATIAL keys take TEXT and geometry columns whole.
            if !matches!(index.method.as_deref(), Some("fulltext" | "spatial")) {
                d.check_key_columns(op, &index.table, &index.columns(), index.unique, &|c| {
                    before.column(&index.table, c).ok()
                })?;
            }
            if !d.index_names_per_table() {
                if let Some(other) = before
                    .indexes_named(&index.name)
                    .into_iter()
                    .find(|i| i.table != index.table)
                {
                    return Err(d.unsupported(
                        op,
                        format!(
                            "the index `{}` of `{}` has this name already, and {} keeps one namespace for index names (MySQL and MariaDB keep one per table); give this index another .name(..)",
                            other.name,
                            other.table,
                            d.title()
                        ),
                    ));
                }
            }
            vec![d.create_index(op, index, *concurrently, *if_not_exists)?]
        }
        Op::DropIndex {
            name,
            table,
            concurrently,
            if_exists,
        } => match before.index_on(table.as_deref(), name).ok() {
            // An index that some other dialects have (`only_on`): nothing to drop here.
            Some(index) if !index.exists_on(d.dialect()) => Vec::new(),
            index => d.drop_index(op, name, index, *concurrently, *if_exists, before)?,
        },
        Op::AddConstraint { table, constraint } => {
            if let Constraint::PrimaryKey(k) | Constraint::Unique(k) = constraint {
                let unique = matches!(constraint, Constraint::Unique(_));
                d.check_key_columns(op, table, &k.columns, unique, &|c| {
                    before.column(table, c).ok()
                })?;
            }
            d.add_constraint(op, table, constraint)?
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
            match &constraint {
                // A check that some other dialects have (`create_check_on`): nothing to drop.
                Constraint::Check(ck) if !ck.exists_on(d.dialect()) => Vec::new(),
                _ => d.drop_constraint(op, t, &constraint)?,
            }
        }
        Op::CreateEnum(e) => d.create_enum(e),
        Op::DropEnum { name } => d.drop_enum(name),
        Op::AddEnumValue {
            name,
            value,
            position,
        } => d.add_enum_value(op, name, value, position.as_ref(), before)?,
        Op::RenameEnumValue { name, from, to } => {
            d.rename_enum_value(op, name, from, to, before)?
        }
        Op::DropEnumValue { name, .. } => d.drop_enum_value(op, name, before)?,
        // A data change some other dialects run (`op.only_on(..)`): nothing here.
        Op::BulkInsert { only_on, .. }
        | Op::DeleteRows { only_on, .. }
        | Op::Update { only_on, .. }
            if !crate::ops::listed(only_on, d.dialect()) =>
        {
            Vec::new()
        }
        Op::CreateSequence(_)
        | Op::DropSequence { .. }
        | Op::AlterSequence { .. }
        | Op::RenameSequence { .. }
            if d.sequence_defaults().is_none() =>
        {
            return Err(d.unsupported(op, d.no_sequences_hint()));
        }
        Op::CreateSequence(def) => {
            if before.table(&def.name).is_some() || before.sequence(&def.name).is_some() {
                return Err(state(StateError::DuplicateSequence(def.name.clone())));
            }
            vec![d.create_sequence(def)]
        }
        Op::DropSequence { name } => {
            if before.sequence(name).is_none() {
                return Err(state(StateError::MissingSequence(name.clone())));
            }
            vec![d.drop_sequence(name)]
        }
        Op::RenameSequence { from, to } => {
            // The replay's checks (a sequence of that name, none of the new one, no default
            // drawing from it) come first.
            schema_after(op, before)?;
            vec![d.rename_sequence(from, to)]
        }
        Op::AlterSequence { name, changes } => {
            let options = before
                .sequence(name)
                .ok_or_else(|| state(StateError::MissingSequence(name.clone())))?;
            if changes.is_empty() {
                Vec::new()
            } else {
                vec![d.alter_sequence(name, changes, &options.with(changes))]
            }
        }
        Op::BulkInsert {
            table,
            columns,
            rows,
            ..
        } => d.bulk_insert(table, columns, loaded(op, rows)?),
        Op::DeleteRows {
            table,
            columns,
            rows,
            ..
        } => d.delete_rows(table, columns, loaded(op, rows)?),
        Op::Update {
            table,
            set,
            predicate,
            ..
        } => d.update(op, table, set, predicate.as_deref())?,
        Op::Sql(raw) => d.raw_sql(op, raw)?,
    })
}

/// Sequence options in the grammar PostgreSQL and MariaDB share (`START WITH 1000 INCREMENT BY
/// 1 CACHE 20`), only those set.
pub(crate) fn sequence_options_sql(o: &SequenceOptions) -> String {
    let mut parts = Vec::new();
    if let Some(n) = o.start {
        parts.push(format!("START WITH {n}"));
    }
    if let Some(n) = o.increment {
        parts.push(format!("INCREMENT BY {n}"));
    }
    if let Some(n) = o.min_value {
        parts.push(format!("MINVALUE {n}"));
    }
    if let Some(n) = o.max_value {
        parts.push(format!("MAXVALUE {n}"));
    }
    if let Some(n) = o.cache {
        parts.push(format!("CACHE {n}"));
    }
    if o.cycle {
        parts.push("CYCLE".into());
    }
    parts.join(" ")
}

/// The values of `rows`, which must have been loaded to be rendered.
fn loaded<'a>(op: &Op, rows: &'a Rows) -> Result<&'a [Vec<Value>], RenderError> {
    if rows.is_loaded() {
        Ok(rows.values())
    } else {
        Err(RenderError::State {
            op: op.describe(),
            source: StateError::RowsNotLoaded,
        })
    }
}

/// `ALTER TABLE t ADD <constraint>`: the generic form, which dialects that add some
/// constraints otherwise still use for the rest.
pub(crate) fn add_constraint_sql<D: SqlDialect + ?Sized>(
    d: &D,
    op: &Op,
    table: &str,
    constraint: &Constraint,
) -> Result<String, RenderError> {
    Ok(format!(
        "ALTER TABLE {} ADD {}",
        d.quote(table),
        d.constraint_sql(op, constraint)?
    ))
}

/// The schema after `op`, for renderers that restate what an op leaves (MySQL's enum columns,
/// PostgreSQL's recreated enum type).
/// Whether `expr`, a `set_type_using` conversion, only casts `column` to the new type
/// (`CAST(zip AS INTEGER)`, `zip::integer`, `"zip"::numeric(12, 2)`, or the bare column): what a
/// dialect without USING does by itself when it converts the column (MySQL's MODIFY, SQLite's
/// copy into a column of the new affinity). A conversion that computes (`length(bio)`) is not.
/// A partial index where the dialect has none: refused, unless it falls back to a plain index
/// (`.or_plain_elsewhere()`), which a unique index may not.
pub(crate) fn partial_index_check<D: SqlDialect + ?Sized>(
    d: &D,
    op: &Op,
    index: &IndexDef,
) -> Result<(), RenderError> {
    if index.predicate.is_none() || d.partial_indexes() {
        return Ok(());
    }
    if !index.partial_or_plain {
        return Err(d.unsupported(
            op,
            format!(
                "{} has no partial indexes; add .or_plain_elsewhere() for a plain index here (partial where supported), drop .filter(..), or index a generated column that is NULL outside the filter",
                d.title()
            ),
        ));
    }
    if index.unique {
        return Err(d.unsupported(
            op,
            format!(
                "{} has no partial indexes, and a unique index cannot fall back to a plain one (uniqueness over every row is a stricter constraint); drop .or_plain_elsewhere() and give {} a unique generated column that is NULL outside the filter, or keep this index to PostgreSQL and SQLite",
                d.title(),
                d.title()
            ),
        ));
    }
    Ok(())
}

/// `"x"` identifiers of an expression in MySQL's backticks; string literals (`'..'`, with `''`
/// and backslash escapes) and backticked names are left as written.
pub(crate) fn ansi_quotes_to_backticks(expr: &str) -> std::borrow::Cow<'_, str> {
    if !expr.contains('"') {
        return std::borrow::Cow::Borrowed(expr);
    }
    let mut out = String::with_capacity(expr.len() + 2);
    let mut chars = expr.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '`' => {
                out.push(c);
                while let Some(d) = chars.next() {
                    out.push(d);
                    if d == '\\' && c == '\'' {
                        if let Some(e) = chars.next() {
                            out.push(e);
                        }
                    } else if d == c {
                        if chars.peek() == Some(&c) {
                            out.push(chars.next().unwrap_or(c));
                        } else {
                            break;
                        }
                    }
                }
            }
            '"' => {
                let mut name = String::new();
                while let Some(d) = chars.next() {
                    if d == '"' {
                        if chars.peek() == Some(&'"') {
                            chars.next();
                            name.push('"');
                        } else {
                            break;
                        }
                    } else {
                        name.push(d);
                    }
                }
                out.push('`');
                out.push_str(&name.replace('`', "``"));
                out.push('`');
            }
            _ => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

pub(crate) fn plain_cast_of(expr: &str, column: &str) -> bool {
    let expr = expr.trim();
    let is_column = |text: &str| {
        let text = text.trim();
        text == column
            || text
                .strip_prefix('"')
                .and_then(|t| t.strip_suffix('"'))
                .is_some_and(|t| t.replace("\"\"", "\"") == column)
            || text
                .strip_prefix('`')
                .and_then(|t| t.strip_suffix('`'))
                .is_some_and(|t| t == column)
    };
    let is_type = |text: &str| {
        let text = text.trim();
        !text.is_empty()
            && text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | ' ' | '(' | ')' | ','))
    };
    if is_column(expr) {
        return true;
    }
    if let Some((value, ty)) = expr.split_once("::") {
        return is_column(value) && is_type(ty);
    }
    let upper = expr.to_ascii_uppercase();
    if upper.starts_with("CAST") && expr.ends_with(')') {
        let inner = expr[4..].trim_start();
        if let Some(inner) = inner.strip_prefix('(').and_then(|i| i.strip_suffix(')')) {
            if let Some(at) = inner.to_ascii_uppercase().rfind(" AS ") {
                return is_column(&inner[..at]) && is_type(&inner[at + 4..]);
            }
        }
    }
    false
}

pub(crate) fn schema_after(op: &Op, before: &Schema) -> Result<Schema, RenderError> {
    let mut after = before.clone();
    after.apply(op).map_err(|source| RenderError::State {
        op: op.describe(),
        source,
    })?;
    Ok(after)
}

/// A custom type that names an integer (`bigint(20) unsigned`, `mediumint`, `int4`): an
/// identity column may have it, as the database that spelt it allows.
fn is_integer_spelling(ty: &Type) -> bool {
    let Type::Custom(spelling) = ty else {
        return false;
    };
    let lower = spelling.to_ascii_lowercase();
    let base = lower
        .split(|c: char| c == '(' || c.is_whitespace())
        .next()
        .unwrap_or("");
    matches!(
        base,
        "tinyint"
            | "smallint"
            | "mediumint"
            | "int"
            | "integer"
            | "bigint"
            | "int2"
            | "int4"
            | "int8"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::Ops;
    use crate::row;

    #[test]
    fn standard_quoted_identifiers_become_backticks_and_literals_stay() {
        assert_eq!(ansi_quotes_to_backticks("\"select\" >= 0"), "`select` >= 0");
        assert_eq!(
            ansi_quotes_to_backticks("\"a\"\"b\" <> 'it''s \"x\"' AND `c\"d` = 'a\\'b'"),
            "`a\"b` <> 'it''s \"x\"' AND `c\"d` = 'a\\'b'"
        );
        assert_eq!(ansi_quotes_to_backticks("\"we`ird\" > 0"), "`we``ird` > 0");
        assert_eq!(ansi_quotes_to_backticks("karma >= 0"), "karma >= 0");
    }

    #[test]
    fn plain_casts_of_the_column_are_told_from_conversions_that_compute() {
        for plain in [
            "price",
            "\"price\"",
            "`price`",
            "price::numeric(12, 2)",
            "\"price\"::NUMERIC",
            "CAST(price AS DECIMAL(12,2))",
            "cast( \"price\" as integer )",
        ] {
            assert!(plain_cast_of(plain, "price"), "{plain}");
        }
        for computed in [
            "length(price)",
            "price * 100",
            "CAST(other AS INTEGER)",
            "CAST(price AS INTEGER) + 1",
            "price::numeric + 1",
            "other::numeric",
            "CAST(trim(price) AS INTEGER)",
        ] {
            assert!(!plain_cast_of(computed, "price"), "{computed}");
        }
    }

    /// How many variants [`Op`] has; [`variant`] maps each to one index below it.
    const VARIANTS: usize = 24;

    /// The index of `op`'s variant. Exhaustive: a new op fails to compile here, and then the
    /// test below fails until [`samples`] has one of it.
    fn variant(op: &Op) -> usize {
        match op {
            Op::CreateTable { .. } => 0,
            Op::DropTable { .. } => 1,
            Op::RenameTable { .. } => 2,
            Op::SetTableComment { .. } => 3,
            Op::AddColumn { .. } => 4,
            Op::DropColumn { .. } => 5,
            Op::AlterColumn(_) => 6,
            Op::CreateIndex { .. } => 7,
            Op::DropIndex { .. } => 8,
            Op::AddConstraint { .. } => 9,
            Op::DropConstraint { .. } => 10,
            Op::CreateEnum(_) => 11,
            Op::DropEnum { .. } => 12,
            Op::AddEnumValue { .. } => 13,
            Op::RenameEnumValue { .. } => 14,
            Op::DropEnumValue { .. } => 15,
            Op::BulkInsert { .. } => 16,
            Op::DeleteRows { .. } => 17,
            Op::Update { .. } => 18,
            Op::Sql(_) => 19,
            Op::CreateSequence(_) => 20,
            Op::DropSequence { .. } => 21,
            Op::AlterSequence { .. } => 22,
            Op::RenameSequence { .. } => 23,
        }
    }

    fn base() -> Schema {
        let mut op = Ops::new();
        op.create_enum("mood", ["happy", "sad"]);
        op.create_enum("unused", ["x"]);
        op.create_sequence("invoice_numbers").start(1000);
        op.create_table("users", |t| {
            t.column("id", Type::BigInt).primary_key().identity();
            t.column("email", Type::String(255)).not_null().unique();
            t.column("bio", Type::Text);
            t.column("mood", Type::enumeration("mood")).default("happy");
            t.check("bio_short", "length(bio) < 500");
        });
        op.create_table("posts", |t| {
            t.column("id", Type::BigInt).primary_key();
            t.column("author_id", Type::BigInt)
                .not_null()
                .references("users", "id");
            t.column("title", Type::String(200)).index();
        });
        op.create_table("tags_without_key", |t| {
            t.column("code", Type::String(20)).not_null();
        });
        let mut schema = Schema::default();
        for o in op.ops() {
            schema.apply(o).expect("base applies");
        }
        schema
    }

    /// Several ops of every variant, plain and with options a dialect may refuse.
    fn samples() -> Vec<Op> {
        let mut op = Ops::new();
        op.create_table("tags", |t| {
            t.column("id", Type::Integer).primary_key().identity();
            t.column("name", Type::String(50)).not_null().unique();
            t.comment("tags");
        });
        op.create_table("users", |_| {}).if_not_exists();
        op.drop_table("posts");
        op.drop_table("nowhere").if_exists();
        op.rename_table("posts", "articles");
        op.set_table_comment("users", Some("people"));
        op.add_column("users", "karma", Type::Integer)
            .not_null()
            .default(0);
        op.add_column("posts", "editor_id", Type::BigInt)
            .references("users", "id");
        op.add_column("users", "email_lower", Type::String(255))
            .generated_virtual("lower(email)");
        op.add_column("users", "karma_twice", Type::Integer)
            .not_null()
            .generated_stored("karma * 2");
        op.drop_column("users", "bio");
        op.alter_column("users", "email").set_type(Type::Text);
        op.alter_column("users", "bio")
            .set_type_using(Type::String(10), "substr(bio, 1, 10)");
        op.alter_column("users", "email").rename_to("mail");
        op.alter_column("users", "email").set_nullable();
        op.alter_column("users", "id")
            .set_identity_always(true)
            .set_identity_sequence(|s| {
                s.increment(5).no_max_value();
            });
        op.alter_column("users", "id").set_identity_sequence(|s| {
            s.start(1000);
        });
        op.create_index("users", ["email"]).unique();
        op.create_index("users", ["bio"]).unique();
        op.create_index("posts", ["title"])
            .name("ix_posts_titled")
            .filter("title <> ''");
        op.create_index("posts", Vec::<String>::new())
            .name("ix_lower_title")
            .expression("lower(title)");
        op.create_index("posts", ["author_id"]).if_not_exists();
        op.create_index("posts", ["author_id"])
            .name("ix_posts_concurrent")
            .concurrently();
        op.drop_index("ix_posts_title");
        op.drop_index("ix_posts_title").if_exists();
        op.create_unique("posts", ["title"]);
        op.create_primary_key("tags_without_key", ["code"]);
        op.create_check("posts", "title_set", "title <> ''");
        op.create_foreign_key("posts", ["author_id"], "users", ["id"])
            .name("fk_posts_author_deferred")
            .deferrable(crate::ops::Deferrable::InitiallyDeferred);
        op.drop_constraint("users", "ck_users_bio_short");
        op.drop_constraint("users", "uq_users_email");
        op.drop_constraint("users", "pk_users");
        op.create_enum("color", ["red"]);
        op.drop_enum("unused");
        op.add_enum_value("mood", "meh");
        op.rename_enum_value("mood", "sad", "blue");
        op.drop_enum_value("mood", "sad");
        op.create_sequence("ticket_numbers")
            .start(10)
            .increment(5)
            .min_value(1)
            .max_value(1_000)
            .cache(20)
            .cycle();
        op.drop_sequence("invoice_numbers");
        op.rename_sequence("invoice_numbers", "invoice_serials");
        op.alter_sequence("invoice_numbers")
            .increment(10)
            .no_max_value()
            .cycle(true);
        op.bulk_insert("users", ["id", "email"], [row![1, "a@example.com"]]);
        op.delete_rows("users", ["id"], [row![1]]);
        op.update("users").set("bio", "x");
        op.execute("SELECT 1");
        op.sql(crate::ops::SqlText {
            postgres: Some("SELECT 1".into()),
            ..Default::default()
        });
        op.into_ops()
    }

    #[test]
    fn every_op_renders_on_every_dialect_or_is_refused_with_a_hint() {
        let samples = samples();
        let mut seen = [false; VARIANTS];
        for op in &samples {
            seen[variant(op)] = true;
        }
        let missing: Vec<usize> = (0..VARIANTS).filter(|&i| !seen[i]).collect();
        assert!(missing.is_empty(), "no sample of op variants {missing:?}");
        for d in Dialect::ALL {
            for op in &samples {
                match d.render(op, &base()) {
                    Ok(statements) => assert!(
                        statements.iter().all(|s| !s.trim().is_empty()),
                        "{d}: {} rendered an empty statement",
                        op.describe()
                    ),
                    Err(RenderError::Unsupported { dialect, hint, .. }) => {
                        assert_eq!(dialect, d);
                        assert!(
                            !hint.trim().is_empty(),
                            "{d}: {} without a hint",
                            op.describe()
                        );
                    }
                    Err(e @ RenderError::State { .. }) => {
                        panic!(
                            "{d}: the sample {} does not fit the base schema: {e}",
                            op.describe()
                        )
                    }
                }
            }
        }
    }
}
