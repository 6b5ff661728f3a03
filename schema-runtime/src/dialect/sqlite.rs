//! SQLite: transactional DDL, but only RENAME and ADD / DROP COLUMN among the ALTERs.

use super::{Dialect, RenderError};
use crate::ops::{AlterColumn, ColumnDef, KeyDef, Op};
use crate::state::Schema;
use crate::types::{ServerDefault, Type};

pub(super) fn render_type(ty: &Type) -> String {
    match ty {
        Type::SmallInt => "SMALLINT".into(),
        Type::Integer => "INTEGER".into(),
        Type::BigInt => "BIGINT".into(),
        Type::Boolean => "BOOLEAN".into(),
        Type::Real => "REAL".into(),
        Type::Double => "DOUBLE".into(),
        Type::Numeric(p, s) => format!("NUMERIC({p}, {s})"),
        Type::String(n) => format!("VARCHAR({n})"),
        Type::Text => "TEXT".into(),
        Type::Bytes => "BLOB".into(),
        Type::Date => "DATE".into(),
        Type::Time => "TIME".into(),
        Type::Timestamp => "TIMESTAMP".into(),
        Type::TimestampTz => "TIMESTAMPTZ".into(),
        Type::Uuid => "UUID".into(),
        Type::Json => "JSON".into(),
        Type::Custom(s) => s.clone(),
    }
}

pub(super) fn render_default(default: &ServerDefault) -> String {
    match default {
        ServerDefault::Value(v) => Dialect::Sqlite.render_value(v),
        ServerDefault::Now => "CURRENT_TIMESTAMP".into(),
        // SQLite accepts an expression default only in parentheses.
        ServerDefault::Expr(e) => format!("({e})"),
    }
}

pub(super) fn unique_index(d: Dialect, table: &str, key: &KeyDef) -> String {
    format!(
        "CREATE UNIQUE INDEX {} ON {} ({})",
        d.quote(&key.name),
        d.quote(table),
        d.quote_list(&key.columns)
    )
}

const REBUILD_HINT: &str = "SQLite cannot change a column in place; create the table anew with the wanted \
definition, copy the rows with op.execute(\"INSERT INTO new SELECT ... FROM old\"), drop the old table and \
rename the new one (automatic table rebuilds are planned)";

pub(super) fn add_column(
    d: Dialect,
    op: &Op,
    table: &str,
    column: &ColumnDef,
    unique: Option<&str>,
    before: &Schema,
) -> Result<Vec<String>, RenderError> {
    before.table(table).ok_or_else(|| RenderError::State {
        op: op.describe(),
        source: crate::StateError::MissingTable(table.into()),
    })?;
    if column.identity {
        return Err(d.unsupported(
            op,
            "SQLite cannot add an autoincrement column to an existing table",
        ));
    }
    match &column.default {
        None if !column.nullable => {
            return Err(d.unsupported(
                op,
                "SQLite can add a NOT NULL column only with a default; give it `.default(..)`, or add it nullable, \
                 backfill it, and make it NOT NULL in a later step",
            ))
        }
        Some(ServerDefault::Now | ServerDefault::Expr(_)) => {
            return Err(d.unsupported(
                op,
                "SQLite's ADD COLUMN accepts only a constant default; use a literal `.default(..)` and backfill with op.execute",
            ))
        }
        _ => {}
    }
    let mut sql = vec![format!(
        "ALTER TABLE {} ADD COLUMN {}",
        d.quote(table),
        d.column_sql(column)
    )];
    if let Some(name) = unique {
        sql.push(unique_index(
            d,
            table,
            &KeyDef {
                name: name.to_owned(),
                columns: vec![column.name.clone()],
            },
        ));
    }
    Ok(sql)
}

pub(super) fn drop_column(
    d: Dialect,
    op: &Op,
    table: &str,
    column: &str,
    before: &Schema,
) -> Result<Vec<String>, RenderError> {
    let t = before.table(table).ok_or_else(|| RenderError::State {
        op: op.describe(),
        source: crate::StateError::MissingTable(table.into()),
    })?;
    if t.def
        .primary_key
        .as_ref()
        .is_some_and(|pk| pk.columns.iter().any(|c| c == column))
    {
        return Err(d.unsupported(
            op,
            format!("`{table}.{column}` is part of the primary key. {REBUILD_HINT}"),
        ));
    }
    // SQLite refuses to drop an indexed column: drop its single-column indexes and unique keys first
    // (every unique key is a named unique index on SQLite).
    let mut sql: Vec<String> = t
        .indexes
        .iter()
        .map(|i| (&i.name, &i.columns))
        .chain(t.def.uniques.iter().map(|k| (&k.name, &k.columns)))
        .filter(|(_, cols)| cols.iter().any(|c| c == column))
        .map(|(name, _)| format!("DROP INDEX {}", d.quote(name)))
        .collect();
    sql.push(format!(
        "ALTER TABLE {} DROP COLUMN {}",
        d.quote(table),
        d.quote(column)
    ));
    Ok(sql)
}

pub(super) fn alter_column(
    d: Dialect,
    op: &Op,
    alter: &AlterColumn,
) -> Result<Vec<String>, RenderError> {
    if alter.ty.is_some() || alter.nullable.is_some() || alter.default.is_some() {
        return Err(d.unsupported(op, REBUILD_HINT));
    }
    Ok(alter
        .rename
        .iter()
        .map(|new| {
            format!(
                "ALTER TABLE {} RENAME COLUMN {} TO {}",
                d.quote(&alter.table),
                d.quote(&alter.column),
                d.quote(new)
            )
        })
        .collect())
}
