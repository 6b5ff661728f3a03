//! MySQL / MariaDB: no transactional DDL; `MODIFY` / `CHANGE` restate the whole column, which the
//! schema state provides, so no migration ever spells out the existing type.

use super::Dialect;
use crate::ops::{AlterColumn, ColumnDef};
use crate::types::{ServerDefault, Type};

pub(super) fn render_type(ty: &Type) -> String {
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

pub(super) fn alter_column(d: Dialect, alter: &AlterColumn, current: &ColumnDef) -> Vec<String> {
    let table = d.quote(&alter.table);
    let mut new = current.clone();
    if let Some(ty) = &alter.ty {
        new.ty = ty.clone();
    }
    if let Some(nullable) = alter.nullable {
        new.nullable = nullable;
    }
    if let Some(default) = &alter.default {
        new.default = default.clone();
    }
    if let Some(name) = &alter.rename {
        new.name = name.clone();
        return vec![format!(
            "ALTER TABLE {table} CHANGE COLUMN {} {}",
            d.quote(&alter.column),
            d.column_sql(&new)
        )];
    }
    if alter.ty.is_some() || alter.nullable.is_some() {
        return vec![format!(
            "ALTER TABLE {table} MODIFY COLUMN {}",
            d.column_sql(&new)
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
