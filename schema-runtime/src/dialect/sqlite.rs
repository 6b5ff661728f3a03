//! SQLite: transactional DDL, but only RENAME and ADD / DROP COLUMN among the ALTERs. Everything
//! else runs as a table rebuild (create the new table, copy the rows, drop, rename, re-index),
//! chosen automatically from the schema state, with consecutive changes of one table sharing
//! one rebuild.

use super::bookkeeping::{Bookkeeping, RebuildGuard};
use super::sql::{add_constraint_sql, render_and_apply, SqlDialect};
use super::{Dialect, RenderError, Rendered};
use crate::ops::{
    AlterColumn, ColumnDef, Constraint, ForeignKeyDef, KeyDef, Op, SqlText, TableDef,
};
use crate::state::{Schema, Table};
use crate::types::{ServerDefault, Type, Value};

/// SQLite.
pub(crate) struct Sqlite;

impl SqlDialect for Sqlite {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn index_collations(&self) -> bool {
        true
    }

    /// `NOCASE`, `RTRIM`, `BINARY`.
    fn bare_collation_names(&self) -> bool {
        true
    }
    fn name(&self) -> &'static str {
        "sqlite"
    }
    fn title(&self) -> &'static str {
        "SQLite"
    }
    fn url_schemes(&self) -> &'static [&'static str] {
        &["sqlite"]
    }
    fn always_transactional(&self) -> bool {
        true
    }
    fn comments(&self) -> bool {
        false
    }

    fn render_type(&self, ty: &Type, _enum_values: Option<&[String]>) -> String {
        match ty {
            Type::SmallInt => "SMALLINT".into(),
            Type::Integer => "INTEGER".into(),
            Type::BigInt => "BIGINT".into(),
            Type::Boolean => "BOOLEAN".into(),
            Type::Real => "REAL".into(),
            Type::Double => "DOUBLE".into(),
            Type::Numeric(p, s) => format!("NUMERIC({p}, {s})"),
            Type::String(n) => format!("VARCHAR({n})"),
            Type::Text | Type::Enum(_) => "TEXT".into(),
            Type::Bytes => "BLOB".into(),
            Type::Date => "DATE".into(),
            Type::Time => "TIME".into(),
            Type::Timestamp => "TIMESTAMP".into(),
            Type::TimestampTz => "TIMESTAMPTZ".into(),
            Type::Uuid => "UUID".into(),
            Type::Json => "JSON".into(),
            Type::Varchar => "VARCHAR".into(),
            // SQLite's floats are all 64-bit, and it has no fractional-second precision.
            Type::Float(_) => "FLOAT".into(),
            Type::TimePrecision(_) => "TIME".into(),
            Type::TimestampPrecision(_) => "TIMESTAMP".into(),
            Type::TimestampTzPrecision(_) => "TIMESTAMPTZ".into(),
            Type::DateTime => "DATETIME".into(),
            Type::Custom(s) => s.clone(),
        }
    }

    /// Every typed value is text: a decimal too, which `NUMERIC` affinity converts where no
    /// digit is lost (a bare literal would be read as a 64-bit float first).
    fn typed_literal(&self, _value: &Value, text: &str) -> String {
        self.literal(text)
    }

    fn render_default(&self, default: &ServerDefault, _ty: &Type) -> String {
        match default {
            ServerDefault::Value(v) => self.render_value(v),
            ServerDefault::Now => "CURRENT_TIMESTAMP".into(),
            // SQLite accepts an expression default only in parentheses.
            ServerDefault::Expr(e) => format!("({e})"),
            per_dialect => self.render_default(&per_dialect.for_dialect(self.dialect()), _ty),
        }
    }

    fn table_column_sql(
        &self,
        op: &Op,
        def: &TableDef,
        column: &ColumnDef,
        schema: &Schema,
    ) -> Result<(String, bool), RenderError> {
        if !column.identity {
            return Ok((self.column_sql(column, schema), false));
        }
        self.check_identity(op, def, column)?;
        // SQLite's rowid alias and AUTOINCREMENT exist only on an INTEGER PRIMARY KEY declared
        // inline. The key's name goes inline too unless it is the default convention's (which
        // introspection gives an unnamed key back), so a name another tool chose survives.
        let name = def
            .primary_key
            .as_ref()
            .map(|k| k.name.as_str())
            .filter(|n| {
                !n.is_empty() && *n != crate::NamingConvention::default().primary_key(&def.name)
            })
            .map(|n| format!("CONSTRAINT {} ", self.quote(n)))
            .unwrap_or_default();
        // `.identity()` is the rowid alias (as SQLAlchemy and Alembic write it);
        // AUTOINCREMENT only when asked.
        let autoincrement = if column.identity_options.autoincrement {
            " AUTOINCREMENT"
        } else {
            ""
        };
        Ok((
            format!(
                "{} INTEGER NOT NULL {name}PRIMARY KEY{autoincrement}",
                self.quote(&column.name)
            ),
            true,
        ))
    }

    fn keeps_unnamed_constraints(&self) -> bool {
        true
    }

    /// A unique index is SQLite's unique constraint, and unlike an inline one it can be dropped.
    /// An unnamed one stays in the table (`UNIQUE (..)`, SQLite's automatic index), as the
    /// database it was read from holds it.
    fn unique_as_index(&self, table: &str, key: &KeyDef) -> Option<String> {
        if key.name.is_empty() {
            return None;
        }
        Some(format!(
            "CREATE UNIQUE INDEX {} ON {} ({})",
            self.quote(&key.name),
            self.quote(table),
            self.quote_list(&key.columns)
        ))
    }

    fn add_column(
        &self,
        op: &Op,
        table: &str,
        column: &ColumnDef,
        unique: Option<&str>,
        foreign_key: Option<&ForeignKeyDef>,
        before: &Schema,
    ) -> Result<Vec<String>, RenderError> {
        let mut def = self.column_sql(column, before);
        if let Some(fk) = foreign_key {
            // The table-level form is not allowed in ADD COLUMN; the column-level one is.
            def.push_str(" CONSTRAINT ");
            def.push_str(&self.quote(&fk.name));
            def.push(' ');
            def.push_str(&self.references_sql(op, fk)?);
        }
        let mut sql = vec![format!(
            "ALTER TABLE {} ADD COLUMN {def}",
            self.quote(table)
        )];
        if let Some(name) = unique {
            let key = KeyDef {
                name: name.to_owned(),
                columns: vec![column.name.clone()],
            };
            sql.extend(self.unique_as_index(table, &key));
        }
        Ok(sql)
    }

    fn drop_column(&self, table: &str, column: &str, before: &Schema) -> Vec<String> {
        let Some(t) = before.table(table) else {
            return Vec::new();
        };
        // SQLite refuses to drop an indexed column: drop its indexes and unique keys first (every
        // unique key is a named unique index on SQLite).
        let mut sql: Vec<String> = t
            .indexes
            .iter()
            .map(|i| (&i.name, i.columns()))
            .chain(t.def.uniques.iter().map(|k| (&k.name, k.columns.clone())))
            .filter(|(_, cols)| cols.iter().any(|c| c == column))
            .map(|(name, _)| format!("DROP INDEX {}", self.quote(name)))
            .collect();
        sql.push(format!(
            "ALTER TABLE {} DROP COLUMN {}",
            self.quote(table),
            self.quote(column)
        ));
        sql
    }

    /// The in-place part of an alter: a rename. Type, nullability, default and identity
    /// changes are rebuilds (see [`Sqlite::render_ops`]); comments do not exist on SQLite.
    fn alter_column(
        &self,
        _op: &Op,
        alter: &AlterColumn,
        _current: &ColumnDef,
        _before: &Schema,
    ) -> Result<Vec<String>, RenderError> {
        Ok(alter
            .rename
            .iter()
            .map(|new| {
                format!(
                    "ALTER TABLE {} RENAME COLUMN {} TO {}",
                    self.quote(&alter.table),
                    self.quote(&alter.column),
                    self.quote(new)
                )
            })
            .collect())
    }

    fn add_constraint(
        &self,
        op: &Op,
        table: &str,
        constraint: &Constraint,
    ) -> Result<Vec<String>, RenderError> {
        match constraint {
            Constraint::Unique(k) => Ok(self.unique_as_index(table, k).into_iter().collect()),
            // Other constraints of an existing table are rebuilds; this is a table the schema
            // does not know, which the state reports.
            _ => Ok(vec![add_constraint_sql(self, op, table, constraint)?]),
        }
    }

    /// Only unique keys get here (as the unique indexes they are); other constraints are rebuilds.
    fn drop_constraint(
        &self,
        _op: &Op,
        _t: &Table,
        constraint: &Constraint,
    ) -> Result<Vec<String>, RenderError> {
        Ok(vec![format!(
            "DROP INDEX {}",
            self.quote(constraint.name())
        )])
    }

    /// Consecutive changes to one table that need a rebuild share one rebuild.
    fn render_ops(&self, ops: &[Op], schema: &mut Schema) -> Result<Rendered, RenderError> {
        let mut out = Rendered::default();
        let mut i = 0;
        while i < ops.len() {
            if let Some(consumed) = rebuild_run(self, &ops[i..], schema, &mut out)? {
                i += consumed;
                continue;
            }
            rebuild_enum_defaults(self, &ops[i], schema, &mut out)?;
            render_and_apply(self, &ops[i], schema, &mut out)?;
            i += 1;
        }
        Ok(out)
    }
}

impl Bookkeeping for Sqlite {
    fn table_exists_sql(&self, table: &str) -> String {
        format!(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = {}",
            self.literal(table)
        )
    }

    /// The immediate transaction is SQLite's lock: it waits for any other writer.
    fn begin_sql(&self) -> &'static str {
        "BEGIN IMMEDIATE"
    }

    fn transaction_is_lock(&self) -> bool {
        true
    }

    /// Rebuilds copy rows between tables: foreign keys must not fire (an implicit DELETE of the
    /// old table would cascade), and the pragma only works outside a transaction.
    fn rebuild_guard(&self) -> Option<RebuildGuard> {
        Some(RebuildGuard {
            off: "PRAGMA foreign_keys = OFF",
            on: "PRAGMA foreign_keys = ON",
            check: "PRAGMA foreign_key_check",
        })
    }

    /// Fails (CHECK constraint `foreign_key_check_failed`) when `PRAGMA foreign_key_check` has
    /// rows, so a client that stops at the first error (`sqlite3 -bail`) rolls the step back.
    fn offline_foreign_key_check(&self) -> Option<&'static str> {
        Some(
            "CREATE TEMP TABLE IF NOT EXISTS _schema_fk_check (violations INTEGER CONSTRAINT foreign_key_check_failed CHECK (violations = 0));\n\
             INSERT INTO _schema_fk_check SELECT COUNT(*) FROM pragma_foreign_key_check;\n\
             DELETE FROM _schema_fk_check",
        )
    }

    /// The rowid: rows are never deleted, so max + 1 keeps ids in order without
    /// AUTOINCREMENT's extra write to `sqlite_sequence` on every insert.
    fn log_id_column(&self) -> &'static str {
        "INTEGER PRIMARY KEY"
    }
}

/// Whether `ALTER TABLE ADD COLUMN` can add this column (else the table is rebuilt).
fn can_add_in_place(column: &ColumnDef, foreign_key: Option<&ForeignKeyDef>) -> bool {
    // ADD COLUMN takes a VIRTUAL generated column (computed on read), not a STORED one.
    if let Some(generated) = &column.generated {
        return !generated.stored && foreign_key.is_none();
    }
    let constant_default = match &column.default {
        None | Some(ServerDefault::Value(Value::Null)) => true,
        Some(ServerDefault::Value(_)) => foreign_key.is_none(),
        Some(_) => false,
    };
    let has_value_when_not_null = column.nullable
        || matches!(&column.default, Some(ServerDefault::Value(v)) if *v != Value::Null);
    !column.identity && constant_default && has_value_when_not_null
}

/// The table `op` must rebuild on SQLite, if any.
fn rebuilds<'a>(op: &'a Op, schema: &Schema) -> Option<&'a str> {
    match op {
        Op::AlterColumn(a) => {
            let changes = a.ty.is_some()
                || a.nullable.is_some()
                || a.default.is_some()
                || a.identity.is_some()
                || a.collation
                    .as_ref()
                    .is_some_and(|c| changes_collation(a, c.as_ref(), schema));
            (changes && schema.column(&a.table, &a.column).is_ok()).then_some(a.table.as_str())
        }
        Op::AddColumn {
            table,
            column,
            foreign_key,
            ..
        } => (!can_add_in_place(column, foreign_key.as_ref()) && schema.table(table).is_some())
            .then_some(table.as_str()),
        Op::DropColumn { table, column } => {
            let t = schema.table(table)?;
            let in_pk = t
                .def
                .primary_key
                .as_ref()
                .is_some_and(|pk| pk.columns.contains(column));
            // A check that mentions the column makes DROP COLUMN fail; rebuild without it.
            let in_check = t
                .def
                .checks
                .iter()
                .any(|ck| ck.expr.contains(column.as_str()));
            (in_pk || in_check).then_some(table.as_str())
        }
        Op::AddConstraint { table, constraint } => (!matches!(constraint, Constraint::Unique(_))
            && !matches!(constraint, Constraint::Check(ck) if !ck.exists_on(Dialect::Sqlite))
            && schema.table(table).is_some())
        .then_some(table.as_str()),
        Op::DropConstraint { table, name } => match schema.table(table)?.def.constraint(name)? {
            Constraint::Unique(_) => None,
            Constraint::Check(ck) if !ck.exists_on(Dialect::Sqlite) => None,
            Constraint::PrimaryKey(_) | Constraint::ForeignKey(_) | Constraint::Check(_) => {
                Some(table.as_str())
            }
        },
        // SQLite does these in place (or they are not table changes).
        Op::CreateTable { .. }
        | Op::DropTable { .. }
        | Op::RenameTable { .. }
        | Op::SetTableComment { .. }
        | Op::CreateIndex { .. }
        | Op::DropIndex { .. }
        | Op::CreateEnum(_)
        | Op::DropEnum { .. }
        | Op::AddEnumValue { .. }
        | Op::RenameEnumValue { .. }
        | Op::DropEnumValue { .. }
        | Op::CreateSequence(_)
        | Op::DropSequence { .. }
        | Op::AlterSequence { .. }
        | Op::RenameSequence { .. }
        | Op::BulkInsert { .. }
        | Op::DeleteRows { .. }
        | Op::Update { .. }
        | Op::Sql(_) => None,
    }
}

/// Whether an alter to collation `to` changes what SQLite has (a collation named for other
/// dialects only changes nothing here).
fn changes_collation(a: &AlterColumn, to: Option<&SqlText>, schema: &Schema) -> bool {
    let new = to.and_then(|c| c.for_dialect(Dialect::Sqlite));
    schema
        .column(&a.table, &a.column)
        .is_ok_and(|c| c.collation_for(Dialect::Sqlite) != new)
}

/// Whether `op` can join a rebuild of `table` already under way.
fn joins_rebuild(op: &Op, table: &str) -> bool {
    matches!(
        op,
        Op::AlterColumn(_)
            | Op::AddColumn { .. }
            | Op::DropColumn { .. }
            | Op::AddConstraint { .. }
            | Op::DropConstraint { .. }
    ) && op.table() == Some(table)
}

/// If `ops[0]` needs a rebuild, renders one rebuild for it and the changes to the same table
/// that follow it, applies them to `schema`, and returns how many ops it consumed.
fn rebuild_run(
    d: &Sqlite,
    ops: &[Op],
    schema: &mut Schema,
    out: &mut Rendered,
) -> Result<Option<usize>, RenderError> {
    let Some(table) = rebuilds(&ops[0], schema) else {
        return Ok(None);
    };
    let table = table.to_owned();
    let count = 1 + ops[1..]
        .iter()
        .take_while(|op| joins_rebuild(op, &table))
        .count();
    let before = schema.table(&table).expect("checked by `rebuilds`").clone();
    // Where each new column's values come from, as a SELECT expression over the old table.
    let mut sources: Vec<(String, String)> = before
        .def
        .columns
        .iter()
        .map(|c| (c.name.clone(), d.quote(&c.name)))
        .collect();
    for op in &ops[..count] {
        d.check_identifiers(op)?;
        schema.apply(op).map_err(|source| RenderError::State {
            op: op.describe(),
            source,
        })?;
        match op {
            Op::AlterColumn(a) => {
                // PostgreSQL's `price::numeric(12, 2)` is SQLite's `CAST(price AS numeric(12, 2))`.
                if let Some(using) = &a.using {
                    let using = match using.split_once("::") {
                        Some((value, ty)) if super::sql::plain_cast_of(using, &a.column) => {
                            format!("CAST({} AS {})", value.trim(), ty.trim())
                        }
                        _ => using.clone(),
                    };
                    if let Some(source) = sources.iter_mut().find(|(n, _)| *n == a.column) {
                        source.1 = format!("({using})");
                    }
                }
                if let Some(new) = &a.rename {
                    if let Some(source) = sources.iter_mut().find(|(n, _)| *n == a.column) {
                        source.0 = new.clone();
                    }
                }
            }
            Op::DropColumn { column, .. } => sources.retain(|(n, _)| n != column),
            _ => {}
        }
    }
    let after = schema
        .table(&table)
        .expect("a rebuilt table still exists")
        .clone();
    let temp = crate::naming::truncate_identifier(&format!("_schema_new_{table}"));
    let mut create = d.create_table(&ops[0], &after.def, schema, false, &temp)?;
    let create_new = create.remove(0);
    // A generated column is computed by the new table: it takes no copied value.
    let copied: Vec<&(String, String)> = sources
        .iter()
        .filter(|(n, _)| after.def.column(n).is_some_and(|c| !c.is_generated()))
        .collect();
    let columns = copied
        .iter()
        .map(|(n, _)| d.quote(n))
        .collect::<Vec<_>>()
        .join(", ");
    let exprs = copied
        .iter()
        .map(|(_, e)| e.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    out.statements.push(create_new);
    if !copied.is_empty() {
        out.statements.push(format!(
            "INSERT INTO {} ({columns}) SELECT {exprs} FROM {}",
            d.quote(&temp),
            d.quote(&table)
        ));
    }
    out.statements
        .push(format!("DROP TABLE {}", d.quote(&table)));
    out.statements.push(format!(
        "ALTER TABLE {} RENAME TO {}",
        d.quote(&temp),
        d.quote(&table)
    ));
    // The unique keys (named unique indexes on SQLite), then the table's indexes.
    out.statements.extend(create);
    for index in after.indexes.iter().filter(|i| i.exists_on(d.dialect())) {
        out.statements
            .push(d.create_index(&ops[0], index, false, false)?);
    }
    out.foreign_keys_off = true;
    Ok(Some(count))
}

/// Renaming an enum value that a column has as default: SQLite cannot change a default in
/// place, so each such table is rebuilt with the new default (the rows are updated by the op).
fn rebuild_enum_defaults(
    d: &Sqlite,
    op: &Op,
    schema: &Schema,
    out: &mut Rendered,
) -> Result<(), RenderError> {
    let Op::RenameEnumValue { name, from, to } = op else {
        return Ok(());
    };
    let old = Some(ServerDefault::Value(Value::Str(from.clone())));
    let mut scratch = schema.clone();
    for (table, column) in schema.enum_columns(name) {
        if schema.column(table, column).map(|c| &c.default) != Ok(&old) {
            continue;
        }
        let alter = Op::AlterColumn(AlterColumn {
            table: table.to_owned(),
            column: column.to_owned(),
            default: Some(Some(ServerDefault::Value(Value::Str(to.clone())))),
            ..AlterColumn::default()
        });
        rebuild_run(d, std::slice::from_ref(&alter), &mut scratch, out)?;
    }
    Ok(())
}
