//! PostgreSQL: `pg_catalog` in seven queries (enum types, tables, columns, constraints, index
//! keys, other objects, sequences). Types come from `format_type`, defaults from `pg_get_expr` (casts stripped),
//! expressions from the server's own deparser.

use std::future::Future;
use std::pin::Pin;

use super::Introspector;
use crate::dialect::postgres::Postgres;
use crate::dialect::SqlDialect;
use std::collections::BTreeMap;

use super::text::{bare_value, expression_default, literal_value, split_literal};
use super::{add_index, comment, Catalog, IntrospectError, IntrospectOptions, Tables};
use crate::ops::{
    CheckDef, Deferrable, EnumDef, FkAction, ForeignKeyDef, IndexDef, IndexKey, KeyDef, NullsOrder,
    POSTGRES_SEQUENCES,
};
use crate::state::Schema;
use crate::types::{ServerDefault, Type};
use crate::Dialect;

/// Separates the names of a key in one text column (no identifier holds it).
const SEP: char = '\u{1f}';

pub(super) async fn read(
    catalog: &mut Catalog<'_>,
    options: &IntrospectOptions,
) -> Result<Schema, IntrospectError> {
    let d = Dialect::Postgres;
    let schema_name = options
        .schema
        .as_deref()
        .map(|s| d.literal(s))
        .unwrap_or_else(|| "current_schema()".into());
    let mut schema = Schema::default();

    let enum_rows: Vec<[String; 2]> = catalog
        .rows(
            "enum types",
            &format!(
                "SELECT CAST(t.typname AS TEXT), CAST(e.enumlabel AS TEXT) \
                 FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace \
                 WHERE n.nspname = {schema_name} ORDER BY t.typname, e.enumsortorder"
            ),
        )
        .await?;
    let mut enums: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for [name, value] in enum_rows {
        enums.entry(name).or_default().push(value);
    }

    let mut tables = Tables::default();
    let table_rows: Vec<[String; 2]> = catalog
        .rows(
            "tables",
            &format!(
                "SELECT CAST(c.relname AS TEXT), COALESCE(obj_description(c.oid, 'pg_class'), '') \
                 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE n.nspname = {schema_name} AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1"
            ),
        )
        .await?;
    for [name, text] in table_rows.iter().filter(|r| options.includes(&r[0])) {
        tables.add(name, comment(text));
    }

    let column_rows: Vec<[String; 10]> = catalog
        .rows(
            "columns",
            &format!(
                "SELECT CAST(c.relname AS TEXT), CAST(a.attname AS TEXT), format_type(a.atttypid, a.atttypmod), \
                 CASE WHEN a.attnotnull THEN 't' ELSE 'f' END, COALESCE(pg_get_expr(d.adbin, d.adrelid), ''), \
                 CAST(a.attidentity AS TEXT) || CAST(a.attgenerated AS TEXT), COALESCE(col_description(c.oid, a.attnum), ''), \
                 CASE WHEN t.typtype = 'e' AND t.typnamespace = n.oid THEN CAST(t.typname AS TEXT) ELSE '' END, \
                 COALESCE((SELECT concat_ws(',', s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, CASE WHEN s.seqcycle THEN 't' ELSE 'f' END) \
                   FROM pg_depend sd JOIN pg_sequence s ON s.seqrelid = sd.objid \
                   WHERE sd.classid = CAST('pg_class' AS regclass) AND sd.refobjid = c.oid AND sd.refobjsubid = a.attnum AND sd.deptype IN ('a', 'i') LIMIT 1), ''), \
                 COALESCE((SELECT CAST(co.collname AS TEXT) FROM pg_collation co WHERE co.oid = a.attcollation AND a.attcollation <> t.typcollation), '') \
                 FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
                 JOIN pg_type t ON t.oid = a.atttypid LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
                 WHERE n.nspname = {schema_name} AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped \
                 ORDER BY c.relname, a.attnum"
            ),
        )
        .await?;
    for [table, name, ty, not_null, default, identity, text, enum_name, sequence, collation] in
        column_rows
    {
        let Some(t) = tables.get(&table) else {
            continue;
        };
        let ty = if enums.contains_key(&enum_name) {
            Type::Enum(enum_name)
        } else {
            parse_type(&ty)
        };
        // A serial column's default draws from its sequence: that is its identity.
        // (A default drawing from a sequence the column does not own is a plain default.)
        let serial = default.starts_with("nextval(") && !sequence.is_empty();
        // attgenerated 's': a stored generated column, whose expression is pg_attrdef's.
        let generated = identity
            .contains('s')
            .then(|| crate::ops::Generated::stored(&default));
        let default = if serial || generated.is_some() || default.is_empty() {
            None
        } else {
            Some(parse_default(&default, &ty))
        };
        let mut column = crate::ops::ColumnDef::new(name, ty);
        column.nullable = not_null != "t";
        column.default = default;
        column.identity = serial || identity.contains('a') || identity.contains('d');
        if column.identity {
            column.identity_options = identity_options(&sequence, &column.ty);
            column.identity_options.always = identity.contains('a');
            column.identity_options.serial = serial;
            if serial && column.identity_options.has_sequence_options() {
                catalog.note(format!(
                    "column {table}.{} is serial with sequence options ({}); the baseline declares a serial column with the default options",
                    column.name,
                    column.identity_options.sequence_sql()
                ));
                column.identity_options = crate::ops::IdentityOptions {
                    serial: true,
                    ..Default::default()
                };
            }
        }
        column.comment = comment(&text);
        // A collation other than the type's (`COLLATE "C"`).
        if !collation.is_empty() {
            // A name of PostgreSQL's: the baseline names it for PostgreSQL only.
            column.collation = Some(crate::ops::SqlText::per_dialect(&[(
                Dialect::Postgres,
                &collation,
            )]));
        }
        column.generated = generated;
        t.def.columns.push(column);
    }

    let key_list = |array: &str, rel: &str| {
        format!(
            "COALESCE((SELECT string_agg(CAST(a.attname AS TEXT), chr(31) ORDER BY x.n) \
             FROM unnest(k.{array}) WITH ORDINALITY AS x(attnum, n) \
             JOIN pg_attribute a ON a.attrelid = k.{rel} AND a.attnum = x.attnum), '')"
        )
    };
    let constraint_rows: Vec<[String; 10]> = catalog
        .rows(
            "constraints",
            &format!(
                "SELECT CAST(c.relname AS TEXT), CAST(k.conname AS TEXT), CAST(k.contype AS TEXT), {}, \
                 COALESCE(CAST(f.relname AS TEXT), ''), {}, CAST(k.confdeltype AS TEXT), CAST(k.confupdtype AS TEXT), \
                 CASE WHEN NOT k.condeferrable THEN '' WHEN k.condeferred THEN 'd' ELSE 'i' END, \
                 pg_get_constraintdef(k.oid, true) \
                 FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
                 LEFT JOIN pg_class f ON f.oid = k.confrelid \
                 WHERE n.nspname = {schema_name} AND k.contype IN ('p', 'u', 'f', 'c', 'x', 't') ORDER BY 1, 2",
                key_list("conkey", "conrelid"),
                key_list("confkey", "confrelid"),
            ),
        )
        .await?;
    for [table, name, kind, columns, ref_table, ref_columns, on_delete, on_update, deferrable, definition] in
        constraint_rows
    {
        let Some(t) = tables.get(&table) else {
            continue;
        };
        let (columns, ref_columns) = (names(&columns), names(&ref_columns));
        match kind.as_str() {
            "p" => t.def.primary_key = Some(KeyDef { name, columns }),
            "u" => t.def.uniques.push(KeyDef { name, columns }),
            "f" => t.def.foreign_keys.push(ForeignKeyDef {
                name,
                columns,
                ref_table,
                ref_columns,
                on_delete: action(&on_delete),
                on_update: action(&on_update),
                deferrable: match deferrable.as_str() {
                    "d" => Some(Deferrable::InitiallyDeferred),
                    "i" => Some(Deferrable::InitiallyImmediate),
                    _ => None,
                },
            }),
            "c" => {
                if definition.ends_with("NOT VALID") {
                    catalog.note(format!(
                        "check {name} on {table} is NOT VALID (existing rows unchecked); the baseline declares it validated"
                    ));
                }
                t.def.checks.push(CheckDef {
                    name,
                    expr: check_expression(&definition),
                    column: None,
                    only_on: Vec::new(),
                })
            }
            "x" => catalog.note(format!(
                "exclusion constraint {name} on {table} ({definition}) is not in the model; add it with op.execute"
            )),
            _ => catalog.note(format!(
                "constraint trigger {name} on {table} is not in the model; add it with op.execute"
            )),
        }
    }

    // One row per key of each index that does not back a primary key, unique or exclusion
    // constraint; an expression key has attnum 0 and its text from the server's deparser. Per
    // key: `indoption` (bit 1 DESC, bit 2 NULLS FIRST), a non-default operator class, a
    // collation other than the column's (or the default, for an expression); per index its
    // access method.
    let index_rows: Vec<[String; 11]> = catalog
        .rows(
            "indexes",
            &format!(
                "SELECT CAST(t.relname AS TEXT), CAST(i.relname AS TEXT), CASE WHEN ix.indisunique THEN 't' ELSE 'f' END, \
                 CASE WHEN k.n > ix.indnkeyatts THEN 'include' WHEN k.attnum = 0 THEN 'expression' ELSE 'column' END, \
                 CASE WHEN k.attnum = 0 THEN pg_get_indexdef(ix.indexrelid, CAST(k.n AS INT), true) ELSE COALESCE(CAST(a.attname AS TEXT), '') END, \
                 COALESCE(pg_get_expr(ix.indpred, ix.indrelid, true), ''), CAST(k.n AS TEXT), \
                 CASE WHEN k.n > ix.indnkeyatts THEN '0' ELSE CAST(COALESCE(ix.indoption[k.n - 1], 0) AS TEXT) END, \
                 COALESCE((SELECT CAST(oc.opcname AS TEXT) FROM pg_opclass oc WHERE oc.oid = ix.indclass[k.n - 1] AND NOT oc.opcdefault AND k.n <= ix.indnkeyatts), ''), \
                 COALESCE((SELECT CAST(co.collname AS TEXT) FROM pg_collation co WHERE co.oid = ix.indcollation[k.n - 1] \
                   AND k.n <= ix.indnkeyatts AND co.oid <> COALESCE(a.attcollation, 100) AND NOT (k.attnum = 0 AND co.oid = 100)), ''), \
                 CAST(am.amname AS TEXT) \
                 FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_class i ON i.oid = ix.indexrelid \
                 JOIN pg_am am ON am.oid = i.relam \
                 JOIN pg_namespace n ON n.oid = t.relnamespace \
                 CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, n) \
                 LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum \
                 WHERE n.nspname = {schema_name} AND NOT EXISTS (SELECT 1 FROM pg_constraint c \
                 WHERE c.conindid = ix.indexrelid AND c.contype IN ('p', 'u', 'x')) \
                 ORDER BY 1, 2, k.n"
            ),
        )
        .await?;
    let mut indexes: BTreeMap<(String, String), IndexDef> = BTreeMap::new();
    for [table, name, unique, role, key, predicate, _, option, opclass, collation, method] in
        index_rows
    {
        let index = indexes
            .entry((table.clone(), name.clone()))
            .or_insert_with(|| IndexDef {
                name,
                table,
                unique: unique == "t",
                predicate: (!predicate.is_empty()).then_some(predicate),
                method: (method != "btree").then_some(method),
                ..IndexDef::default()
            });
        let mut k = match role.as_str() {
            "include" => {
                index.include.push(key);
                continue;
            }
            "expression" => IndexKey::expression(&key),
            _ => IndexKey::column(&key),
        };
        let option: i32 = option.parse().unwrap_or(0);
        let (desc, nulls_first) = (option & 1 != 0, option & 2 != 0);
        if desc {
            k = k.desc();
        }
        // ASC sorts NULLs last and DESC first unless told otherwise.
        k.nulls = match (desc, nulls_first) {
            (false, true) => Some(NullsOrder::First),
            (true, false) => Some(NullsOrder::Last),
            _ => None,
        };
        if !opclass.is_empty() {
            k = k.opclass(&opclass);
        }
        // An expression takes the collation of the column it reads: that is no collation of
        // its own (and saying it again would change nothing).
        let derived = role == "expression"
            && tables.get(&index.table).is_some_and(|t| {
                t.def.columns.iter().any(|c| {
                    c.collation_for(Dialect::Postgres) == Some(collation.as_str())
                        && crate::ops::expression_names(&key, &c.name)
                })
            });
        if !collation.is_empty() && !derived {
            k = k.collate(&collation);
        }
        index.keys.push(k);
    }
    for index in indexes.into_values() {
        if let Some(t) = tables.get(&index.table) {
            add_index(t, index, &options.naming, false);
        }
    }

    // What else lives in the schema (not part of an extension, not a serial or identity
    // column's own sequence, not an internal trigger): named in notes, not adopted.
    let other_rows: Vec<[String; 3]> = catalog
        .rows(
            "other objects",
            &format!(
                "SELECT kind, name, on_table FROM ( \
                 SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' ELSE 'foreign table' END AS kind, \
                 CAST(c.relname AS TEXT) AS name, '' AS on_table, c.oid AS oid, CAST('pg_class' AS regclass) AS cls \
                 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE n.nspname = {schema_name} AND c.relkind IN ('v', 'm', 'f') \
                 AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = CAST('pg_class' AS regclass) AND d.objid = c.oid AND d.deptype IN ('a', 'i') AND d.refobjsubid > 0) \
                 UNION ALL SELECT 'trigger', CAST(g.tgname AS TEXT), CAST(c.relname AS TEXT), g.oid, CAST('pg_trigger' AS regclass) \
                 FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE n.nspname = {schema_name} AND NOT g.tgisinternal \
                 UNION ALL SELECT CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END, CAST(p.proname AS TEXT), '', p.oid, CAST('pg_proc' AS regclass) \
                 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = {schema_name} \
                 UNION ALL SELECT CASE t.typtype WHEN 'd' THEN 'domain' ELSE 'type' END, CAST(t.typname AS TEXT), '', t.oid, CAST('pg_type' AS regclass) \
                 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = {schema_name} \
                 AND (t.typtype IN ('d', 'r', 'm') OR (t.typtype = 'c' AND EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = t.typrelid AND c.relkind = 'c'))) \
                 ) o WHERE NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = o.cls AND e.objid = o.oid AND e.deptype = 'e') \
                 ORDER BY 1, 2"
            ),
        )
        .await?;
    for [kind, name, on_table] in other_rows {
        if on_table.is_empty() {
            if !options.includes(&name) {
                continue;
            }
            catalog.note(format!(
                "{kind} {name} is not in the model; recreate it with op.execute (or leave it out with --exclude)"
            ));
        } else if tables.get(&on_table).is_some() {
            catalog.note(format!(
                "{kind} {name} on {on_table} is not in the model; recreate it with op.execute"
            ));
        }
    }

    // What tables and their keys carry beyond the model: named in notes, not adopted.
    let option_rows: Vec<[String; 3]> = catalog
        .rows(
            "table and index options",
            &format!(
                "WITH t AS (SELECT c.* , c.oid AS toid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE n.nspname = {schema_name} AND c.relkind IN ('r', 'p')) \
                 SELECT 'partitioned', CAST(t.relname AS TEXT), pg_get_partkeydef(t.toid) FROM t WHERE t.relkind = 'p' \
                 UNION ALL SELECT 'partition', CAST(p.relname AS TEXT), CAST(t.relname AS TEXT) || ' ' || pg_get_expr(t.relpartbound, t.toid) \
                 FROM t JOIN pg_inherits i ON i.inhrelid = t.toid JOIN pg_class p ON p.oid = i.inhparent WHERE t.relispartition \
                 UNION ALL SELECT 'inherits', CAST(t.relname AS TEXT), CAST(p.relname AS TEXT) \
                 FROM t JOIN pg_inherits i ON i.inhrelid = t.toid JOIN pg_class p ON p.oid = i.inhparent WHERE NOT t.relispartition \
                 UNION ALL SELECT 'unlogged', CAST(t.relname AS TEXT), '' FROM t WHERE t.relpersistence = 'u' \
                 UNION ALL SELECT 'storage', CAST(t.relname AS TEXT), array_to_string(t.reloptions, ', ') FROM t WHERE t.reloptions IS NOT NULL \
                 UNION ALL SELECT 'row security', CAST(t.relname AS TEXT), CASE WHEN t.relforcerowsecurity THEN 'forced' ELSE '' END \
                 FROM t WHERE t.relrowsecurity \
                 UNION ALL SELECT 'policy', CAST(t.relname AS TEXT), CAST(pol.polname AS TEXT) FROM t JOIN pg_policy pol ON pol.polrelid = t.toid \
                 UNION ALL SELECT 'index storage', CAST(t.relname AS TEXT), CAST(ic.relname AS TEXT) || ' (' || array_to_string(ic.reloptions, ', ') || ')' \
                 FROM t JOIN pg_index ix ON ix.indrelid = t.toid JOIN pg_class ic ON ic.oid = ix.indexrelid WHERE ic.reloptions IS NOT NULL \
                 UNION ALL SELECT 'nulls not distinct', CAST(t.relname AS TEXT), CAST(ic.relname AS TEXT) \
                 FROM t JOIN pg_index ix ON ix.indrelid = t.toid JOIN pg_class ic ON ic.oid = ix.indexrelid \
                 WHERE to_jsonb(ix) ->> 'indnullsnotdistinct' = 'true' \
                 UNION ALL SELECT 'match full', CAST(t.relname AS TEXT), CAST(k.conname AS TEXT) \
                 FROM t JOIN pg_constraint k ON k.conrelid = t.toid WHERE k.contype = 'f' AND k.confmatchtype = 'f' \
                 UNION ALL SELECT 'no inherit', CAST(t.relname AS TEXT), CAST(k.conname AS TEXT) \
                 FROM t JOIN pg_constraint k ON k.conrelid = t.toid WHERE k.contype = 'c' AND k.connoinherit \
                 UNION ALL SELECT 'index comment', CAST(t.relname AS TEXT), CAST(ic.relname AS TEXT) \
                 FROM t JOIN pg_index ix ON ix.indrelid = t.toid JOIN pg_class ic ON ic.oid = ix.indexrelid \
                 WHERE obj_description(ic.oid, 'pg_class') IS NOT NULL \
                 UNION ALL SELECT 'constraint comment', CAST(t.relname AS TEXT), CAST(k.conname AS TEXT) \
                 FROM t JOIN pg_constraint k ON k.conrelid = t.toid WHERE obj_description(k.oid, 'pg_constraint') IS NOT NULL \
                 ORDER BY 1, 2, 3"
            ),
        )
        .await?;
    catalog.note_table_facts(&mut tables, option_rows);

    // Sequences no serial or identity column owns (theirs are the column's identity options),
    // not part of an extension.
    let sequence_rows: Vec<[String; 8]> = catalog
        .rows(
            "sequences",
            &format!(
                "SELECT CAST(c.relname AS TEXT), CAST(s.seqstart AS TEXT), CAST(s.seqincrement AS TEXT), \
                 CAST(s.seqmin AS TEXT), CAST(s.seqmax AS TEXT), CAST(s.seqcache AS TEXT), \
                 CASE WHEN s.seqcycle THEN 't' ELSE 'f' END, format_type(s.seqtypid, NULL) \
                 FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE n.nspname = {schema_name} \
                 AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = CAST('pg_class' AS regclass) AND d.objid = c.oid \
                   AND ((d.deptype IN ('a', 'i') AND d.refobjsubid > 0) OR d.deptype = 'e')) \
                 ORDER BY 1"
            ),
        )
        .await?;
    for [name, start, increment, min, max, cache, cycle, ty] in sequence_rows {
        if !options.includes(&name) {
            continue;
        }
        if ty != "bigint" {
            catalog.note(format!(
                "sequence {name} is AS {ty}; the model's sequences are bigint, so the baseline declares its bounds (MINVALUE / MAXVALUE) on a bigint sequence"
            ));
        }
        schema.insert_sequence(super::catalog_sequence(
            name,
            [&start, &increment, &min, &max, &cache],
            cycle == "t",
            POSTGRES_SEQUENCES,
        ));
    }

    for (name, values) in enums {
        schema.insert_enum(EnumDef { name, values });
    }
    Ok(tables.into_schema(schema))
}

/// The options of an identity's (or serial's) sequence that differ from what PostgreSQL
/// gives a sequence of the column's type: `start,increment,min,max,cache,cycle`.
fn identity_options(sequence: &str, ty: &Type) -> crate::ops::IdentityOptions {
    let mut options = crate::ops::IdentityOptions::default();
    let parts: Vec<&str> = sequence.split(',').collect();
    let [start, increment, min, max, cache, cycle] = parts.as_slice() else {
        return options;
    };
    let number = |s: &str| s.parse::<i64>().ok();
    let type_max = match ty {
        Type::SmallInt => i64::from(i16::MAX),
        Type::Integer => i64::from(i32::MAX),
        _ => i64::MAX,
    };
    let increment = number(increment).unwrap_or(1);
    let (default_min, default_max) = if increment > 0 {
        (1, type_max)
    } else {
        (-type_max - 1, -1)
    };
    let min = number(min).unwrap_or(default_min);
    let max = number(max).unwrap_or(default_max);
    let default_start = if increment > 0 { min } else { max };
    options.increment = (increment != 1).then_some(increment);
    options.min_value = (min != default_min).then_some(min);
    options.max_value = (max != default_max).then_some(max);
    options.start = number(start).filter(|&s| s != default_start);
    options.cache = number(cache).filter(|&c| c != 1);
    options.cycle = *cycle == "t";
    options
}

fn names(list: &str) -> Vec<String> {
    if list.is_empty() {
        Vec::new()
    } else {
        list.split(SEP).map(str::to_owned).collect()
    }
}

/// `confdeltype` / `confupdtype`: NO ACTION is what an unspecified action means.
fn action(code: &str) -> Option<FkAction> {
    match code {
        "r" => Some(FkAction::Restrict),
        "c" => Some(FkAction::Cascade),
        "n" => Some(FkAction::SetNull),
        "d" => Some(FkAction::SetDefault),
        _ => None,
    }
}

/// `CHECK (expr) [NOT VALID]` as `pg_get_constraintdef` prints it: the expression.
fn check_expression(definition: &str) -> String {
    let body = definition.trim();
    let body = body.strip_suffix("NOT VALID").unwrap_or(body).trim();
    let body = body.strip_suffix("NO INHERIT").unwrap_or(body).trim();
    let body = body.strip_prefix("CHECK").unwrap_or(body).trim();
    super::text::strip_outer_parens(body).to_owned()
}

/// The portable type of a PostgreSQL type as `format_type` (or a migration) spells it; a
/// type with no portable name is [`Type::Custom`] in lower case.
pub(super) fn parse_type(spelling: &str) -> Type {
    let lower = spelling
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase()
        .replace(", ", ",");
    let (base, args) = match lower.split_once('(') {
        Some((base, rest)) => match rest.split_once(')') {
            Some((args, tail)) if tail.trim().is_empty() => (base.trim(), Some(args)),
            // `time(3) without time zone`, `timestamp(3) with time zone`: the precision
            // between the name and the zone.
            Some((args, tail)) if matches!(base.trim(), "time" | "timestamp") => {
                let zone = tail.trim();
                let p = args.trim().parse::<u8>().ok().filter(|p| *p <= 6);
                return match (base.trim(), zone, p) {
                    ("time", "without time zone", Some(p)) => Type::TimePrecision(p),
                    ("timestamp", "without time zone", Some(p)) => Type::TimestampPrecision(p),
                    ("timestamp", "with time zone", Some(p)) => Type::TimestampTzPrecision(p),
                    _ => Type::Custom(lower),
                };
            }
            _ => (lower.as_str(), None),
        },
        None => (lower.as_str(), None),
    };
    let numbers = |args: &str| -> Option<Vec<u32>> {
        args.split(',').map(|a| a.trim().parse().ok()).collect()
    };
    match (base, args.and_then(numbers).as_deref()) {
        ("smallint" | "int2", None) => Type::SmallInt,
        ("integer" | "int" | "int4", None) => Type::Integer,
        ("bigint" | "int8", None) => Type::BigInt,
        ("boolean" | "bool", None) => Type::Boolean,
        ("real" | "float4", None) => Type::Real,
        ("double precision" | "float8", None) => Type::Double,
        ("numeric" | "decimal", Some(&[p, s])) => match (u16::try_from(p), u16::try_from(s)) {
            (Ok(p), Ok(s)) => Type::Numeric(p, s),
            _ => Type::Custom(lower),
        },
        ("character varying" | "varchar", Some(&[n])) => Type::String(n),
        ("text", None) => Type::Text,
        ("bytea", None) => Type::Bytes,
        ("date", None) => Type::Date,
        ("time" | "time without time zone", None) => Type::Time,
        ("timestamp" | "timestamp without time zone", None) => Type::Timestamp,
        ("timestamptz" | "timestamp with time zone", None) => Type::TimestampTz,
        ("uuid", None) => Type::Uuid,
        ("jsonb", None) => Type::Json,
        ("char" | "character" | "bpchar", Some(&[n])) => Type::Custom(format!("character({n})")),
        ("character varying" | "varchar", None) => Type::Varchar,
        // `FLOAT(p)` is stored as `real` up to 24 binary digits, else as `double precision`.
        ("float", Some(&[p])) if (1..=24).contains(&p) => Type::Real,
        ("float", Some(&[p])) if (25..=53).contains(&p) => Type::Double,
        ("float", None) => Type::Double,
        ("time" | "timetz" | "timestamp" | "timestamptz", Some(&[p])) if p <= 6 => {
            let p = p as u8;
            match base {
                "time" => Type::TimePrecision(p),
                "timestamp" => Type::TimestampPrecision(p),
                "timestamptz" => Type::TimestampTzPrecision(p),
                _ => Type::Custom(lower),
            }
        }
        _ => Type::Custom(lower),
    }
}

/// A default as `pg_get_expr` prints it: literals lose their casts (`'abc'::character varying`,
/// `'happy'::mood`, `'-1'::integer`), the spellings of now are `Now`, the rest an expression.
pub(super) fn parse_default(text: &str, ty: &Type) -> ServerDefault {
    let text = text.trim();
    if let Some((content, rest)) = split_literal(text, false) {
        if rest.is_empty() || rest.starts_with("::") {
            return ServerDefault::Value(literal_value(&content, ty));
        }
    }
    let uncast = strip_cast(text);
    if let Some(value) = bare_value(uncast, ty) {
        return ServerDefault::Value(value);
    }
    // PostgreSQL keeps `now()` and `CURRENT_TIMESTAMP` apart; only the latter is what
    // `default_now()` writes, so `now()` stays an expression and round-trips as written
    // (`comparable` still counts both as the current time).
    if text.eq_ignore_ascii_case("now()") {
        return ServerDefault::Expr("now()".into());
    }
    expression_default(text)
}

/// `NULL::character varying` is `NULL`: drops one trailing cast outside quotes and parentheses.
fn strip_cast(text: &str) -> &str {
    let mut depth = 0usize;
    let mut quoted = false;
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'\'' => quoted = !quoted,
            b'(' if !quoted => depth += 1,
            b')' if !quoted => depth = depth.saturating_sub(1),
            b':' if !quoted && depth == 0 && bytes.get(i + 1) == Some(&b':') => {
                return text[..i].trim();
            }
            _ => {}
        }
    }
    text
}

impl Introspector for Postgres {
    fn identity_options(&self) -> bool {
        true
    }

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

    /// Enum types are types here: a column keeps the type's name.
    fn canonical_type(&self, ty: &Type, _schema: &Schema) -> Type {
        match ty {
            Type::Enum(_) => ty.clone(),
            _ => parse_type(&self.render_type(ty, None)),
        }
    }

    fn index_include(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Value;

    #[test]
    fn types_read_back_from_format_type_and_from_the_renderer() {
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
            Type::TimePrecision(0),
            Type::TimestampPrecision(3),
            Type::TimestampTzPrecision(6),
        ] {
            assert_eq!(parse_type(&Dialect::Postgres.render_type(&ty)), ty);
        }
        // What PostgreSQL stores for FLOAT(p) and the DATETIME spelling.
        let canonical = |ty| parse_type(&Dialect::Postgres.render_type(&ty));
        assert_eq!(canonical(Type::Float(1)), Type::Real);
        assert_eq!(canonical(Type::Float(24)), Type::Real);
        assert_eq!(canonical(Type::Float(25)), Type::Double);
        assert_eq!(canonical(Type::Float(53)), Type::Double);
        assert_eq!(canonical(Type::DateTime), Type::Timestamp);
        assert_eq!(parse_type("character varying"), Type::Varchar);
        assert_eq!(
            parse_type("time(3) without time zone"),
            Type::TimePrecision(3)
        );
        assert_eq!(
            parse_type("timestamp(0) with time zone"),
            Type::TimestampTzPrecision(0)
        );
        assert_eq!(
            parse_type("time(3) with time zone"),
            Type::Custom("time(3) with time zone".into())
        );
        assert_eq!(parse_type("character varying(32)"), Type::String(32));
        assert_eq!(parse_type("numeric(12,2)"), Type::Numeric(12, 2));
        assert_eq!(parse_type("timestamp with time zone"), Type::TimestampTz);
        assert_eq!(parse_type("double precision"), Type::Double);
        assert_eq!(parse_type("CHAR(2)"), parse_type("character(2)"));
        assert_eq!(parse_type("INET"), Type::Custom("inet".into()));
        assert_eq!(
            parse_type("timestamp(3) without time zone"),
            Type::TimestampPrecision(3)
        );
        assert_eq!(parse_type("integer[]"), Type::Custom("integer[]".into()));
    }

    #[test]
    fn defaults_lose_their_casts() {
        let value = |v: Value| ServerDefault::Value(v);
        assert_eq!(
            parse_default("'it''s'::character varying", &Type::String(32)),
            value(Value::Str("it's".into()))
        );
        assert_eq!(
            parse_default("'happy'::mood", &Type::Enum("mood".into())),
            value(Value::Str("happy".into()))
        );
        assert_eq!(
            parse_default("'-1'::integer", &Type::Integer),
            value(Value::Int(-1))
        );
        assert_eq!(
            parse_default("0.5", &Type::Numeric(12, 2)),
            value(Value::Float(0.5))
        );
        assert_eq!(
            parse_default("false", &Type::Boolean),
            value(Value::Bool(false))
        );
        assert_eq!(
            parse_default("NULL::character varying", &Type::String(3)),
            value(Value::Null)
        );
        assert_eq!(
            parse_default("CURRENT_TIMESTAMP", &Type::TimestampTz),
            ServerDefault::Now
        );
        assert_eq!(
            parse_default("now()", &Type::Timestamp),
            ServerDefault::Expr("now()".into())
        );
        assert_eq!(
            parse_default("CURRENT_TIMESTAMP", &Type::Timestamp),
            ServerDefault::Now
        );
        assert_eq!(
            parse_default("gen_random_uuid()", &Type::Uuid),
            ServerDefault::Expr("gen_random_uuid()".into())
        );
        assert_eq!(
            parse_default("(1 + 2)", &Type::Integer),
            ServerDefault::Expr("1 + 2".into())
        );
    }

    #[test]
    fn check_definitions_lose_their_wrapper() {
        assert_eq!(check_expression("CHECK (score >= 0)"), "score >= 0");
        assert_eq!(check_expression("CHECK ((a > 0)) NOT VALID"), "a > 0");
    }
}
