//! SQLite: four queries, each joining `sqlite_master` with a pragma table-valued function
//! (`pragma_table_info`, `pragma_foreign_key_list`, `pragma_index_list` + `pragma_index_info`).
//! Declared types come back verbatim; constraint names, checks, `DEFERRABLE`, `AUTOINCREMENT`
//! and index expressions are read from the stored `CREATE` text, which no pragma reports.

use std::future::Future;
use std::pin::Pin;

use super::Introspector;
use crate::dialect::sqlite::Sqlite;
use std::collections::BTreeMap;

use super::sqlite_ddl::{self, TableConstraint};
use super::text::{bare_value, expression_default, is_now, literal_value, split_literal};
use super::{add_index, Catalog, IntrospectError, IntrospectOptions, Tables};
use crate::ops::{CheckDef, ColumnDef, FkAction, ForeignKeyDef, IndexDef, IndexKey, KeyDef};
use crate::state::Schema;
use crate::types::{ServerDefault, Type};

/// The user tables of `sqlite_master` as `m` (SQLite's own tables start with `sqlite_`).
const USER_TABLES: &str = "m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'";

pub(super) async fn read(
    catalog: &mut Catalog<'_>,
    options: &IntrospectOptions,
) -> Result<Schema, IntrospectError> {
    let table_rows: Vec<[String; 2]> = catalog
        .rows(
            "tables",
            &format!("SELECT m.name, COALESCE(m.sql, '') FROM sqlite_master m WHERE {USER_TABLES} ORDER BY 1"),
        )
        .await?;
    let mut tables = Tables::default();
    let mut ddl: BTreeMap<String, (String, Vec<TableConstraint>)> = BTreeMap::new();
    // Virtual tables (FTS, R-tree) are not in the model; their shadow tables are theirs.
    let virtual_tables: Vec<String> = table_rows
        .iter()
        .filter(|[_, sql]| {
            sql.trim_start()
                .get(..20)
                .is_some_and(|head| head.eq_ignore_ascii_case("CREATE VIRTUAL TABLE"))
        })
        .map(|[name, _]| name.clone())
        .collect();
    for [name, sql] in table_rows.into_iter().filter(|r| options.includes(&r[0])) {
        if virtual_tables.contains(&name) {
            catalog.note(format!(
                "virtual table {name} is not in the model; recreate it with op.execute (or leave it out with --exclude)"
            ));
            continue;
        }
        if virtual_tables
            .iter()
            .any(|v| name.starts_with(&format!("{v}_")))
        {
            continue;
        }
        let options_text = sql
            .rfind(')')
            .map(|at| sql[at..].to_ascii_uppercase())
            .unwrap_or_default();
        if sqlite_ddl::has_on_conflict(&sql) {
            catalog.note(format!(
                "table {name} has constraints with ON CONFLICT clauses; the baseline's constraints abort on conflict: recreate the table with op.execute to keep them"
            ));
        }
        for option in ["WITHOUT ROWID", "STRICT"] {
            if options_text.contains(option) {
                catalog.note(format!(
                    "table {name} is {option}; the model has no table options, so the baseline declares a plain table"
                ));
            }
        }
        tables.add(&name, None);
        let constraints = sqlite_ddl::table_constraints(&sql);
        ddl.insert(name, (sql, constraints));
    }

    let column_rows: Vec<[String; 8]> = catalog
        .rows(
            "columns",
            &format!(
                "SELECT m.name, p.name, COALESCE(p.type, ''), CAST(p.\"notnull\" AS TEXT), \
                 CASE WHEN p.dflt_value IS NULL THEN 'n' ELSE 'v' END, COALESCE(CAST(p.dflt_value AS TEXT), ''), CAST(p.pk AS TEXT), \
                 CAST(p.hidden AS TEXT) \
                 FROM sqlite_master m JOIN pragma_table_xinfo(m.name) p WHERE {USER_TABLES} ORDER BY m.name, p.cid"
            ),
        )
        .await?;
    let mut key_columns: BTreeMap<String, Vec<(u32, String)>> = BTreeMap::new();
    for [table, name, declared, not_null, has_default, default, pk, hidden] in column_rows {
        let Some(t) = tables.get(&table) else {
            continue;
        };
        // `hidden`: 2 a VIRTUAL and 3 a STORED generated column (1: a virtual table's own).
        if hidden == "1" {
            continue;
        }
        let ty = declared_type(&declared);
        let mut column = ColumnDef::new(name.clone(), ty);
        column.nullable = not_null == "0";
        if has_default == "v" {
            column.default = parse_default(&default, &column.ty);
        }
        if hidden == "2" || hidden == "3" {
            // The expression is only in the CREATE TABLE text.
            let expr = ddl.get(&table).and_then(|(sql, _)| {
                sqlite_ddl::generated_columns(sql)
                    .into_iter()
                    .find(|(c, _)| *c == name)
                    .map(|(_, e)| e)
            });
            match expr {
                Some(expr) => {
                    column.generated = Some(crate::ops::Generated {
                        stored: hidden == "3",
                        ..crate::ops::Generated::stored(&expr)
                    })
                }
                None => catalog.note(format!(
                    "column {table}.{name} is generated but its expression could not be read from the table's SQL; the baseline declares a plain column"
                )),
            }
        }
        t.def.columns.push(column);
        if let Ok(position @ 1..) = pk.parse::<u32>() {
            key_columns.entry(table).or_default().push((position, name));
        }
    }
    // `COLLATE` on a column (BINARY, SQLite's default, is no collation of its own).
    for (table, (sql, _)) in &ddl {
        for (column, collation) in sqlite_ddl::column_collations(sql) {
            if !collation.eq_ignore_ascii_case("BINARY") {
                tables.set_collation(table, &column, collation, crate::Dialect::Sqlite);
            }
        }
    }
    for (table, mut keys) in key_columns {
        let (Some(t), Some((sql, constraints))) = (tables.get(&table), ddl.get(&table)) else {
            continue;
        };
        keys.sort();
        let columns: Vec<String> = keys.into_iter().map(|(_, name)| name).collect();
        if let [sole] = columns.as_slice() {
            let autoincrement = sqlite_ddl::has_autoincrement(sql);
            if let Some(c) = t.def.columns.iter_mut().find(|c| c.name == *sole) {
                // An INTEGER PRIMARY KEY is the rowid alias: never NULL, and SQLite gives it a
                // value when none is inserted, so it is an identity (`.identity()`, which
                // renders it); with AUTOINCREMENT, `.identity_autoincrement()`.
                if c.ty == Type::Integer {
                    c.nullable = false;
                    c.identity = true;
                    c.identity_options.autoincrement = autoincrement;
                }
            }
        }
        let name = constraints
            .iter()
            .find_map(|c| match c {
                TableConstraint::PrimaryKey { name } => Some(name.clone()),
                _ => None,
            })
            .unwrap_or_default();
        t.def.primary_key = Some(KeyDef { name, columns });
    }

    let fk_rows: Vec<[String; 7]> = catalog
        .rows(
            "foreign keys",
            &format!(
                "SELECT m.name, CAST(f.id AS TEXT), f.\"table\", f.\"from\", COALESCE(f.\"to\", ''), f.on_update, f.on_delete \
                 FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f WHERE {USER_TABLES} ORDER BY m.name, f.id, f.seq"
            ),
        )
        .await?;
    let mut fks: BTreeMap<(String, u32), ForeignKeyDef> = BTreeMap::new();
    for [table, id, ref_table, column, ref_column, on_update, on_delete] in fk_rows {
        let fk = fks
            .entry((table, id.parse().unwrap_or_default()))
            .or_insert_with(|| ForeignKeyDef {
                name: String::new(),
                columns: Vec::new(),
                ref_table,
                ref_columns: Vec::new(),
                on_delete: action(&on_delete),
                on_update: action(&on_update),
                deferrable: None,
            });
        fk.columns.push(column);
        fk.ref_columns.push(ref_column);
    }
    let primary_keys: BTreeMap<String, Vec<String>> = tables
        .0
        .iter()
        .filter_map(|(name, t)| Some((name.clone(), t.def.primary_key.as_ref()?.columns.clone())))
        .collect();
    for ((table, _), mut fk) in fks {
        let (Some(t), Some((_, constraints))) = (tables.get(&table), ddl.get(&table)) else {
            continue;
        };
        // `REFERENCES parent` without columns means the parent's primary key.
        if fk.ref_columns.iter().all(String::is_empty) {
            if let Some(pk) = primary_keys.get(&fk.ref_table) {
                fk.ref_columns = pk.clone();
            }
        }
        // The pragma knows no names and no DEFERRABLE: match the constraint in the DDL.
        let taken: Vec<String> = t.def.foreign_keys.iter().map(|f| f.name.clone()).collect();
        if let Some((name, deferrable)) = constraints.iter().find_map(|c| match c {
            TableConstraint::ForeignKey {
                name,
                columns,
                ref_table,
                deferrable,
            } if *columns == fk.columns
                && ref_table.eq_ignore_ascii_case(&fk.ref_table)
                && (name.is_empty() || !taken.contains(name)) =>
            {
                Some((name.clone(), *deferrable))
            }
            _ => None,
        }) {
            fk.name = name;
            fk.deferrable = deferrable;
        }
        t.def.foreign_keys.push(fk);
    }
    for (table, (_, constraints)) in &ddl {
        let Some(t) = tables.get(table) else {
            continue;
        };
        for c in constraints {
            if let TableConstraint::Check { name, expr } = c {
                t.def.checks.push(CheckDef {
                    name: name.clone(),
                    expr: expr.clone(),
                    column: None,
                    only_on: Vec::new(),
                });
            }
        }
    }

    // One row per key of each index (`pragma_index_xinfo`, key columns only): an expression
    // key has cid -2 and no name; `desc` and `coll` (BINARY by default) are the key's options.
    let index_rows: Vec<[String; 9]> = catalog
        .rows(
            "indexes",
            &format!(
                "SELECT m.name, il.name, CAST(il.\"unique\" AS TEXT), il.origin, CAST(ii.cid AS TEXT), COALESCE(ii.name, ''), COALESCE(s.sql, ''), \
                 CAST(ii.\"desc\" AS TEXT), COALESCE(ii.coll, '') \
                 FROM sqlite_master m JOIN pragma_index_list(m.name) il JOIN pragma_index_xinfo(il.name) ii \
                 LEFT JOIN sqlite_master s ON s.type = 'index' AND s.name = il.name \
                 WHERE {USER_TABLES} AND ii.key = 1 ORDER BY m.name, il.name, ii.seqno"
            ),
        )
        .await?;
    let mut indexes: BTreeMap<(String, String), (IndexDef, String, Vec<String>)> = BTreeMap::new();
    for [table, name, unique, origin, cid, column, sql, desc, collation] in index_rows {
        // The primary key's own index says nothing the key does not.
        if origin == "pk" {
            continue;
        }
        let (index, _, expressions) =
            indexes
                .entry((table.clone(), name.clone()))
                .or_insert_with(|| {
                    let (mut expressions, predicate) =
                        sqlite_ddl::index_expressions_and_predicate(&sql);
                    expressions.reverse();
                    let index = IndexDef {
                        name,
                        table,
                        unique: unique == "1",
                        predicate,
                        ..IndexDef::default()
                    };
                    (index, origin, expressions)
                });
        let mut key = if cid == "-2" || column.is_empty() {
            IndexKey::expression(&expressions.pop().unwrap_or_default())
        } else {
            IndexKey::column(&column)
        };
        if desc == "1" {
            key = key.desc();
        }
        // A column key takes its column's collation: no collation of the key's own.
        let columns_own = tables
            .get(&index.table)
            .and_then(|t| t.def.column(&column))
            .and_then(|c| c.collation_for(crate::Dialect::Sqlite))
            .is_some_and(|c| c.eq_ignore_ascii_case(&collation));
        if !collation.is_empty() && !collation.eq_ignore_ascii_case("BINARY") && !columns_own {
            key = key.collate(&collation);
        }
        index.keys.push(key);
    }
    for (index, origin, _) in indexes.into_values() {
        let (Some(t), Some((_, constraints))) = (tables.get(&index.table), ddl.get(&index.table))
        else {
            continue;
        };
        if origin == "u" {
            // A UNIQUE written in CREATE TABLE: an unnamed autoindex; the DDL may name it.
            let columns = index.columns();
            let name = constraints
                .iter()
                .find_map(|c| match c {
                    TableConstraint::Unique { name, columns: c } if *c == columns => {
                        Some(name.clone())
                    }
                    _ => None,
                })
                .unwrap_or_default();
            t.def.uniques.push(KeyDef { name, columns });
        } else {
            add_index(t, index, &options.naming, true);
        }
    }
    let other_rows: Vec<[String; 3]> = catalog
        .rows(
            "other objects",
            "SELECT type, name, tbl_name FROM sqlite_master WHERE type IN ('view', 'trigger') \
             AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY 1, 2",
        )
        .await?;
    for [kind, name, on_table] in other_rows {
        if kind == "view" {
            if options.includes(&name) {
                catalog.note(format!(
                    "view {name} is not in the model; recreate it with op.execute (or leave it out with --exclude)"
                ));
            }
        } else if tables.get(&on_table).is_some() {
            catalog.note(format!(
                "trigger {name} on {on_table} is not in the model; recreate it with op.execute"
            ));
        }
    }
    Ok(tables.into_schema(Schema::default()))
}

/// `pragma_foreign_key_list` spells actions out; `NO ACTION` is the unspecified default.
fn action(rule: &str) -> Option<FkAction> {
    match rule.to_ascii_uppercase().as_str() {
        "RESTRICT" => Some(FkAction::Restrict),
        "CASCADE" => Some(FkAction::Cascade),
        "SET NULL" => Some(FkAction::SetNull),
        "SET DEFAULT" => Some(FkAction::SetDefault),
        _ => None,
    }
}

/// The portable type of a declared SQLite type (as written, which is how the renderer spells
/// it); any other declaration is [`Type::Custom`] verbatim.
/// The type of a column as SQLite keeps it: the portable type when rendering it gives the
/// declared spelling back (case and spacing aside), else the spelling itself as a custom type,
/// so that `decimal(12,2)` or `bool` written by another tool is rebuilt as written
/// ([`comparable`](super::comparable) still reads both as the portable type).
fn declared_type(declared: &str) -> Type {
    let ty = parse_type(declared);
    if matches!(ty, Type::Custom(_)) {
        return ty;
    }
    let spelling = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_ascii_uppercase()
            .replace(", ", ",")
            .replace(" (", "(")
    };
    if spelling(&crate::Dialect::Sqlite.render_type(&ty)) == spelling(declared) {
        ty
    } else {
        Type::Custom(declared.trim().to_owned())
    }
}

pub(super) fn parse_type(declared: &str) -> Type {
    let declared = declared.trim();
    let upper = declared
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_uppercase()
        .replace(", ", ",")
        .replace(" (", "(");
    let (base, args) = match upper.split_once('(') {
        Some((base, rest)) => match rest.split_once(')') {
            Some((args, "")) => (base, Some(args)),
            _ => return Type::Custom(declared.to_owned()),
        },
        None => (upper.as_str(), None),
    };
    let numbers: Option<Vec<u32>> = args
        .map(|a| a.split(',').map(|n| n.trim().parse().ok()).collect())
        .unwrap_or(Some(Vec::new()));
    match (base, numbers.as_deref()) {
        ("SMALLINT", Some([])) => Type::SmallInt,
        ("INTEGER" | "INT", Some([])) => Type::Integer,
        ("BIGINT", Some([])) => Type::BigInt,
        ("BOOLEAN" | "BOOL", Some([])) => Type::Boolean,
        ("REAL", Some([])) => Type::Real,
        ("DOUBLE" | "DOUBLE PRECISION", Some([])) => Type::Double,
        ("NUMERIC" | "DECIMAL", Some(&[p, s])) => match (u16::try_from(p), u16::try_from(s)) {
            (Ok(p), Ok(s)) => Type::Numeric(p, s),
            _ => Type::Custom(declared.to_owned()),
        },
        ("VARCHAR", Some(&[n])) => Type::String(n),
        ("TEXT", Some([])) => Type::Text,
        ("BLOB", Some([])) => Type::Bytes,
        ("DATE", Some([])) => Type::Date,
        ("TIME", Some([])) => Type::Time,
        ("TIMESTAMP", Some([])) => Type::Timestamp,
        ("TIMESTAMPTZ", Some([])) => Type::TimestampTz,
        ("UUID", Some([])) => Type::Uuid,
        ("JSON", Some([])) => Type::Json,
        ("VARCHAR", Some([])) => Type::Varchar,
        ("DATETIME", Some([])) => Type::DateTime,
        // SQLite's floats are all 64-bit.
        ("FLOAT", Some([])) => Type::Float(53),
        ("FLOAT", Some(&[p])) if (1..=53).contains(&p) => Type::Float(p as u8),
        ("TIME", Some(&[p])) if p <= 6 => Type::TimePrecision(p as u8),
        ("TIMESTAMP", Some(&[p])) if p <= 6 => Type::TimestampPrecision(p as u8),
        ("TIMESTAMPTZ", Some(&[p])) if p <= 6 => Type::TimestampTzPrecision(p as u8),
        _ => Type::Custom(declared.to_owned()),
    }
}

/// A default as `pragma_table_info` gives it: the text as written, without the parentheses
/// around an expression.
pub(super) fn parse_default(text: &str, ty: &Type) -> Option<ServerDefault> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("NULL") {
        return None;
    }
    if let Some((content, "")) = split_literal(text, false) {
        return Some(ServerDefault::Value(literal_value(&content, ty)));
    }
    if is_now(text) {
        return Some(ServerDefault::Now);
    }
    if let Some(value) = bare_value(text, ty) {
        return Some(ServerDefault::Value(value));
    }
    Some(expression_default(text))
}

impl Introspector for Sqlite {
    fn read<'a>(
        &'a self,
        catalog: &'a mut Catalog<'_>,
        options: &'a IntrospectOptions,
    ) -> Pin<Box<dyn Future<Output = Result<Schema, IntrospectError>> + Send + 'a>> {
        Box::pin(read(catalog, options))
    }

    fn parse_type(&self, spelling: &str) -> Type {
        parse_type(spelling)
    }

    fn inline_identity_key(&self) -> bool {
        true
    }

    fn uniques_are_indexes(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Value;
    use crate::Dialect;

    #[test]
    fn declared_types_read_back() {
        for ty in [
            Type::SmallInt,
            Type::Integer,
            Type::BigInt,
            Type::Boolean,
            Type::Real,
            Type::Double,
            Type::Numeric(12, 2),
            Type::String(255),
            Type::Text,
            Type::Bytes,
            Type::Date,
            Type::Time,
            Type::Timestamp,
            Type::TimestampTz,
            Type::Uuid,
            Type::Json,
            Type::Varchar,
            Type::DateTime,
            Type::Float(53),
        ] {
            assert_eq!(parse_type(&Dialect::Sqlite.render_type(&ty)), ty);
        }
        // No precision on SQLite: FLOAT(p) is FLOAT, TIME(p) is TIME.
        let canonical = |ty| parse_type(&Dialect::Sqlite.render_type(&ty));
        assert_eq!(canonical(Type::Float(10)), Type::Float(53));
        assert_eq!(canonical(Type::TimePrecision(3)), Type::Time);
        assert_eq!(canonical(Type::TimestampPrecision(0)), Type::Timestamp);
        assert_eq!(canonical(Type::TimestampTzPrecision(3)), Type::TimestampTz);
        assert_eq!(parse_type("FLOAT(24)"), Type::Float(24));
        assert_eq!(parse_type("TIMESTAMP(3)"), Type::TimestampPrecision(3));
        assert_eq!(parse_type("CHAR(2)"), Type::Custom("CHAR(2)".into()));
        assert_eq!(parse_type(""), Type::Custom(String::new()));
    }

    #[test]
    fn defaults_as_written() {
        let value = |v: Value| Some(ServerDefault::Value(v));
        assert_eq!(
            parse_default("'it''s'", &Type::Text),
            value(Value::Str("it's".into()))
        );
        assert_eq!(
            parse_default("0", &Type::Boolean),
            value(Value::Bool(false))
        );
        assert_eq!(
            parse_default("0.5", &Type::Numeric(12, 2)),
            value(Value::Float(0.5))
        );
        assert_eq!(parse_default("NULL", &Type::Text), None);
        assert_eq!(
            parse_default("CURRENT_TIMESTAMP", &Type::TimestampTz),
            Some(ServerDefault::Now)
        );
        assert_eq!(
            parse_default("1 + 2", &Type::Integer),
            Some(ServerDefault::Expr("1 + 2".into()))
        );
    }
}
