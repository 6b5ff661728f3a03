//! SQLite: transactional DDL, but only RENAME and ADD / DROP COLUMN among the ALTERs. Everything
//! else runs as a table rebuild (create the new table, copy the rows, drop, rename, re-index),
//! chosen automatically from the schema state, with consecutive changes of one table sharing
//! one rebuild.

use super::{Dialect, RenderError, Rendered};
use crate::ops::{AlterColumn, ColumnDef, Constraint, ForeignKeyDef, KeyDef, Op};
use crate::state::Schema;
use crate::types::{ServerDefault, Type, Value};

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
        Type::Text | Type::Enum(_) => "TEXT".into(),
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

/// Whether `ALTER TABLE ADD COLUMN` can add this column (else the table is rebuilt).
fn can_add_in_place(column: &ColumnDef, foreign_key: Option<&ForeignKeyDef>) -> bool {
    let constant_default = match &column.default {
        None | Some(ServerDefault::Value(Value::Null)) => true,
        Some(ServerDefault::Value(_)) => foreign_key.is_none(),
        Some(ServerDefault::Now | ServerDefault::Expr(_)) => false,
    };
    let has_value_when_not_null = column.nullable
        || matches!(&column.default, Some(ServerDefault::Value(v)) if *v != Value::Null);
    !column.identity && constant_default && has_value_when_not_null
}

pub(super) fn add_column(
    d: Dialect,
    op: &Op,
    table: &str,
    column: &ColumnDef,
    unique: Option<&str>,
    foreign_key: Option<&ForeignKeyDef>,
    before: &Schema,
) -> Result<Vec<String>, RenderError> {
    let mut def = d.column_sql(column, before);
    if let Some(fk) = foreign_key {
        // The table-level form is not allowed in ADD COLUMN; the column-level one is.
        let full = d.foreign_key_sql(op, fk)?;
        let references = full
            .split_once(" REFERENCES ")
            .map(|(_, rest)| rest)
            .unwrap_or_default();
        def.push_str(&format!(
            " CONSTRAINT {} REFERENCES {references}",
            d.quote(&fk.name)
        ));
    }
    let mut sql = vec![format!("ALTER TABLE {} ADD COLUMN {def}", d.quote(table))];
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

pub(super) fn drop_column(d: Dialect, table: &str, column: &str, before: &Schema) -> Vec<String> {
    let Some(t) = before.table(table) else {
        return Vec::new();
    };
    // SQLite refuses to drop an indexed column: drop its indexes and unique keys first (every
    // unique key is a named unique index on SQLite).
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
    sql
}

/// The in-place part of an alter: a rename (comments do not exist on SQLite).
pub(super) fn alter_column(d: Dialect, alter: &AlterColumn) -> Vec<String> {
    alter
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
        .collect()
}

/// The table `op` must rebuild on SQLite, if any.
fn rebuilds<'a>(op: &'a Op, schema: &Schema) -> Option<&'a str> {
    match op {
        Op::AlterColumn(a) => {
            let changes = a.ty.is_some()
                || a.nullable.is_some()
                || a.default.is_some()
                || a.identity.is_some();
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
            && schema.table(table).is_some())
        .then_some(table.as_str()),
        Op::DropConstraint { table, name } => match schema.table(table)?.def.constraint(name)? {
            Constraint::Unique(_) => None,
            _ => Some(table.as_str()),
        },
        _ => None,
    }
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
pub(super) fn rebuild_run(
    d: Dialect,
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
                if let Some(using) = &a.using {
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
    let copied: Vec<&(String, String)> = sources
        .iter()
        .filter(|(n, _)| after.def.column(n).is_some())
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
    for index in &after.indexes {
        out.statements
            .push(d.create_index(&ops[0], index, false, false)?);
    }
    out.foreign_keys_off = true;
    Ok(Some(count))
}

/// Renaming an enum value that a column has as default: SQLite cannot change a default in
/// place, so each such table is rebuilt with the new default (the rows are updated by the op).
pub(super) fn rebuild_enum_defaults(
    d: Dialect,
    op: &Op,
    schema: &Schema,
    out: &mut Rendered,
) -> Result<(), RenderError> {
    let Op::RenameEnumValue { name, from, to } = op else {
        return Ok(());
    };
    let old = Some(ServerDefault::Value(Value::Str(from.clone())));
    let mut scratch = schema.clone();
    for table_column in schema.enum_columns(name) {
        let Some((table, column)) = table_column.split_once('.') else {
            continue;
        };
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
