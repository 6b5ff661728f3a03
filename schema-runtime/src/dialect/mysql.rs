//! MySQL / MariaDB: no transactional DDL; `MODIFY` / `CHANGE` restate the whole column, which the
//! schema state provides, so no migration ever spells out the existing type.

use super::{Dialect, RenderError};
use crate::ops::{AlterColumn, ColumnDef, Constraint, Op};
use crate::state::{Schema, Table};
use crate::types::{ServerDefault, Type};

pub(super) fn render_type(ty: &Type, enum_values: Option<&[String]>) -> String {
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
        Type::Uuid => "CHAR(36)".into(),
        Type::Json => "JSON".into(),
        Type::Enum(_) => format!(
            "ENUM({})",
            enum_values
                .unwrap_or_default()
                .iter()
                .map(|v| Dialect::Mysql.literal(v))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Type::Custom(s) => s.clone(),
    }
}

pub(super) fn render_default(default: &ServerDefault, ty: &Type) -> String {
    let d = Dialect::Mysql;
    match default {
        // The precision of CURRENT_TIMESTAMP must match the column's.
        ServerDefault::Now if matches!(ty, Type::Timestamp | Type::TimestampTz | Type::Time) => {
            "CURRENT_TIMESTAMP(6)".into()
        }
        ServerDefault::Now => "CURRENT_TIMESTAMP".into(),
        // MySQL 8 accepts defaults on TEXT, BLOB and JSON only as parenthesised expressions.
        ServerDefault::Value(v) if matches!(ty, Type::Text | Type::Bytes | Type::Json) => {
            format!("({})", d.render_value(v))
        }
        ServerDefault::Value(v) => d.render_value(v),
        ServerDefault::Expr(e) => format!("({e})"),
    }
}

pub(super) fn alter_column(
    d: Dialect,
    alter: &AlterColumn,
    current: &ColumnDef,
    schema: &Schema,
) -> Vec<String> {
    let table = d.quote(&alter.table);
    let new = alter.applied_to(current);
    if alter.rename.is_some() {
        return vec![format!(
            "ALTER TABLE {table} CHANGE COLUMN {} {}",
            d.quote(&alter.column),
            d.column_sql(&new, schema)
        )];
    }
    if alter.ty.is_some()
        || alter.nullable.is_some()
        || alter.comment.is_some()
        || alter.identity.is_some()
    {
        return vec![format!(
            "ALTER TABLE {table} MODIFY COLUMN {}",
            d.column_sql(&new, schema)
        )];
    }
    let column = d.quote(&alter.column);
    match &new.default {
        Some(default) => vec![format!(
            "ALTER TABLE {table} ALTER COLUMN {column} SET DEFAULT {}",
            render_default(default, &new.ty)
        )],
        None => vec![format!(
            "ALTER TABLE {table} ALTER COLUMN {column} DROP DEFAULT"
        )],
    }
}

pub(super) fn drop_constraint(d: Dialect, t: &Table, constraint: &Constraint) -> Vec<String> {
    let table = d.quote(&t.def.name);
    match constraint {
        Constraint::PrimaryKey(_) => vec![format!("ALTER TABLE {table} DROP PRIMARY KEY")],
        Constraint::Unique(k) => vec![format!(
            "ALTER TABLE {table} DROP INDEX {}",
            d.quote(&k.name)
        )],
        Constraint::Check(ck) => vec![format!(
            "ALTER TABLE {table} DROP CONSTRAINT {}",
            d.quote(&ck.name)
        )],
        Constraint::ForeignKey(fk) => {
            let mut sql = vec![format!(
                "ALTER TABLE {table} DROP FOREIGN KEY {}",
                d.quote(&fk.name)
            )];
            // MySQL creates an index named after the foreign key when no index starts with its
            // columns; it outlives the foreign key unless dropped too.
            let covers = |cols: &[String]| {
                cols.len() >= fk.columns.len() && cols[..fk.columns.len()] == fk.columns[..]
            };
            let covered = t.indexes.iter().any(|i| covers(&i.columns))
                || t.def
                    .uniques
                    .iter()
                    .chain(&t.def.primary_key)
                    .any(|k| covers(&k.columns));
            if !covered {
                sql.push(format!(
                    "ALTER TABLE {table} DROP INDEX {}",
                    d.quote(&fk.name)
                ));
            }
            sql
        }
    }
}

/// MySQL enums live on columns: after a change of the value list, restate each column using it.
pub(super) fn modify_enum_columns(
    d: Dialect,
    op: &Op,
    name: &str,
    before: &Schema,
) -> Result<Vec<String>, RenderError> {
    let mut after = before.clone();
    after.apply(op).map_err(|source| RenderError::State {
        op: op.describe(),
        source,
    })?;
    Ok(modify_columns(d, name, &after))
}

fn modify_columns(d: Dialect, name: &str, schema: &Schema) -> Vec<String> {
    schema
        .enum_columns(name)
        .iter()
        .filter_map(|tc| tc.split_once('.'))
        .filter_map(|(t, c)| schema.column(t, c).ok().map(|col| (t, col)))
        .map(|(t, col)| {
            format!(
                "ALTER TABLE {} MODIFY COLUMN {}",
                d.quote(t),
                d.column_sql(col, schema)
            )
        })
        .collect()
}

/// Renaming a value: allow both, move the rows, then keep only the new one.
pub(super) fn rename_enum_value(
    d: Dialect,
    op: &Op,
    name: &str,
    from: &str,
    to: &str,
    before: &Schema,
) -> Result<Vec<String>, RenderError> {
    let mut both = before.clone();
    let add = Op::AddEnumValue {
        name: name.to_owned(),
        value: to.to_owned(),
        position: Some(crate::ops::EnumPosition::After(from.to_owned())),
    };
    both.apply(&add).map_err(|source| RenderError::State {
        op: op.describe(),
        source,
    })?;
    let mut after = before.clone();
    after.apply(op).map_err(|source| RenderError::State {
        op: op.describe(),
        source,
    })?;
    let mut sql = modify_columns(d, name, &both);
    sql.extend(d.update_enum_rows(name, from, to, before));
    sql.extend(modify_columns(d, name, &after));
    Ok(sql)
}
