//! PostgreSQL: transactional DDL, native identity, UUID and JSONB, every ALTER COLUMN.

use super::Dialect;
use crate::ops::{AlterColumn, ColumnDef};
use crate::types::Type;

pub(super) fn render_type(ty: &Type) -> String {
    match ty {
        Type::SmallInt => "SMALLINT".into(),
        Type::Integer => "INTEGER".into(),
        Type::BigInt => "BIGINT".into(),
        Type::Boolean => "BOOLEAN".into(),
        Type::Real => "REAL".into(),
        Type::Double => "DOUBLE PRECISION".into(),
        Type::Numeric(p, s) => format!("NUMERIC({p}, {s})"),
        Type::String(n) => format!("VARCHAR({n})"),
        Type::Text => "TEXT".into(),
        Type::Bytes => "BYTEA".into(),
        Type::Date => "DATE".into(),
        Type::Time => "TIME".into(),
        Type::Timestamp => "TIMESTAMP".into(),
        Type::TimestampTz => "TIMESTAMPTZ".into(),
        Type::Uuid => "UUID".into(),
        Type::Json => "JSONB".into(),
        Type::Custom(s) => s.clone(),
    }
}

pub(super) fn alter_column(d: Dialect, alter: &AlterColumn, current: &ColumnDef) -> Vec<String> {
    let table = d.quote(&alter.table);
    let column = d.quote(&alter.column);
    let mut actions = Vec::new();
    if let Some(ty) = &alter.ty {
        let mut action = format!("ALTER COLUMN {column} TYPE {}", render_type(ty));
        if let Some(using) = &alter.using {
            action.push_str(&format!(" USING {using}"));
        }
        actions.push(action);
    }
    match alter.nullable {
        Some(false) => actions.push(format!("ALTER COLUMN {column} SET NOT NULL")),
        Some(true) => actions.push(format!("ALTER COLUMN {column} DROP NOT NULL")),
        None => {}
    }
    match &alter.default {
        Some(Some(default)) => actions.push(format!(
            "ALTER COLUMN {column} SET DEFAULT {}",
            d.render_default(default, alter.ty.as_ref().unwrap_or(&current.ty))
        )),
        Some(None) => actions.push(format!("ALTER COLUMN {column} DROP DEFAULT")),
        None => {}
    }
    let mut sql = Vec::new();
    if !actions.is_empty() {
        sql.push(format!("ALTER TABLE {table} {}", actions.join(", ")));
    }
    if let Some(new) = &alter.rename {
        sql.push(format!(
            "ALTER TABLE {table} RENAME COLUMN {column} TO {}",
            d.quote(new)
        ));
    }
    sql
}
