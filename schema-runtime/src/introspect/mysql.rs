//! MySQL / MariaDB: `information_schema` in six queries (server version, tables, columns,
//! foreign key columns, checks, index columns). MariaDB quotes literal defaults since 10.2.7 and
//! keeps `JSON` as `LONGTEXT` with a `json_valid` check; MySQL 8 has a real `JSON` type and
//! unquoted defaults. Every index is reported, including the ones MySQL adds for a foreign key.

use std::future::Future;
use std::pin::Pin;

use super::Introspector;
use crate::dialect::mysql::MySql;
use crate::dialect::SqlDialect;
use std::collections::BTreeMap;

use super::text::{
    bare_value, expression_default, is_now, literal_value, normalise_sql, split_literal,
};
use super::{add_index, comment, Catalog, IntrospectError, IntrospectOptions, Tables};
use crate::ops::{CheckDef, ColumnDef, FkAction, ForeignKeyDef, IndexDef, IndexKey, KeyDef};
use crate::state::Schema;
use crate::types::{ServerDefault, Type, Value};
use crate::Dialect;

pub(super) async fn read(
    catalog: &mut Catalog<'_>,
    options: &IntrospectOptions,
) -> Result<Schema, IntrospectError> {
    let version: Vec<[String; 1]> = catalog
        .rows("the server version", "SELECT CAST(VERSION() AS CHAR)")
        .await?;
    let mariadb = version.iter().any(|[v]| v.contains("MariaDB"));

    let mut tables = Tables::default();
    // A table's engine and collation count as its options where they are not the server's and
    // the database's defaults.
    let table_rows: Vec<[String; 5]> = catalog
        .rows(
            "tables",
            "SELECT CAST(table_name AS CHAR), CAST(COALESCE(table_comment, '') AS CHAR), \
             CAST(COALESCE(table_collation, '') AS CHAR), \
             CAST(IF(table_collation <> (SELECT default_collation_name FROM information_schema.schemata \
             WHERE schema_name = DATABASE()), table_collation, '') AS CHAR), \
             CAST(IF(engine <> @@default_storage_engine, engine, '') AS CHAR) \
             FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' ORDER BY 1",
        )
        .await?;
    let mut table_collations = BTreeMap::new();
    for [name, text, collation, own_collation, own_engine] in
        table_rows.into_iter().filter(|r| options.includes(&r[0]))
    {
        tables.add(&name, comment(&text));
        if let Some(t) = tables.get(&name) {
            t.def.mysql_collation = (!own_collation.is_empty()).then_some(own_collation);
            t.def.mysql_engine = (!own_engine.is_empty()).then_some(own_engine);
        }
        table_collations.insert(name, collation);
    }

    let column_rows: Vec<[String; 11]> = catalog
        .rows(
            "columns",
            "SELECT CAST(table_name AS CHAR), CAST(column_name AS CHAR), CAST(column_type AS CHAR), \
             CAST(data_type AS CHAR), CAST(is_nullable AS CHAR), \
             CAST(CASE WHEN column_default IS NULL THEN 'n' ELSE 'v' END AS CHAR), CAST(COALESCE(column_default, '') AS CHAR), \
             CAST(extra AS CHAR), CAST(COALESCE(column_comment, '') AS CHAR), \
             CAST(COALESCE(generation_expression, '') AS CHAR), CAST(COALESCE(collation_name, '') AS CHAR) \
             FROM information_schema.columns WHERE table_schema = DATABASE() ORDER BY table_name, ordinal_position",
        )
        .await?;

    // MariaDB's column-level checks include the JSON alias's `json_valid`: read checks first.
    let check_sql = if mariadb {
        "SELECT CAST(table_name AS CHAR), CAST(constraint_name AS CHAR), CAST(check_clause AS CHAR), CAST(level AS CHAR) \
         FROM information_schema.check_constraints WHERE constraint_schema = DATABASE() ORDER BY 1, 2"
    } else {
        "SELECT CAST(t.table_name AS CHAR), CAST(c.constraint_name AS CHAR), CAST(c.check_clause AS CHAR), CAST('Table' AS CHAR) \
         FROM information_schema.check_constraints c JOIN information_schema.table_constraints t \
         ON t.constraint_schema = c.constraint_schema AND t.constraint_name = c.constraint_name AND t.constraint_type = 'CHECK' \
         WHERE c.constraint_schema = DATABASE() ORDER BY 1, 2"
    };
    let check_rows: Vec<[String; 4]> = catalog.rows("check constraints", check_sql).await?;

    for [table, name, column_type, data_type, nullable, has_default, default, extra, text, generated, collation] in
        column_rows
    {
        let Some(t) = tables.get(&table) else {
            continue;
        };
        let lower_extra = extra.to_ascii_lowercase();
        // EXTRA is `VIRTUAL GENERATED` or `STORED GENERATED` (MySQL 8 and MariaDB alike).
        // (MySQL 8's `DEFAULT_GENERATED` is an expression default, not a generated column.)
        let generation = (lower_extra.contains("virtual generated")
            || lower_extra.contains("stored generated"))
        .then(|| crate::ops::Generated {
            stored: lower_extra.contains("stored") || lower_extra.contains("persistent"),
            ..crate::ops::Generated::stored(&if mariadb {
                generated.clone()
            } else {
                mysql8_generation_expression(&generated)
            })
        });
        if let Some(at) = lower_extra.find("on update") {
            catalog.note(format!(
                "column {table}.{name} has `{}`; the model has no ON UPDATE default, so the baseline leaves it out: add it with op.execute",
                extra[at..].trim()
            ));
        }
        let json_alias = data_type.eq_ignore_ascii_case("longtext")
            && check_rows.iter().any(|[ct, cn, clause, _]| {
                *ct == table && *cn == name && is_json_valid(clause, &name)
            });
        let ty = if json_alias {
            Type::Json
        } else {
            parse_type(&column_type)
        };
        let identity = extra.to_ascii_lowercase().contains("auto_increment");
        let default = if identity || has_default != "v" {
            None
        } else {
            parse_default(&default, &ty, &extra, mariadb)
        };
        let mut column = ColumnDef::new(name, ty);
        column.nullable = nullable == "YES";
        column.default = default;
        column.identity = identity;
        column.comment = comment(&text);
        if generation.is_some() {
            column.default = None;
            column.generated = generation;
        }
        // A collation other than the table's is the column's own (JSON's utf8mb4_bin on
        // MariaDB is the type's).
        if !collation.is_empty()
            && column.ty != Type::Json
            && table_collations.get(&table) != Some(&collation)
        {
            // A name of MySQL's (and MariaDB's): the baseline names it for them only.
            column.collation = Some(crate::ops::SqlText::per_dialect(&[(
                crate::Dialect::Mysql,
                &collation,
            )]));
        }
        t.def.columns.push(column);
    }
    for [table, name, clause, level] in check_rows {
        let Some(t) = tables.get(&table) else {
            continue;
        };
        let json_alias = t
            .def
            .column(&name)
            .is_some_and(|c| c.ty == Type::Json && is_json_valid(&clause, &name));
        if !json_alias {
            // MariaDB's column-level check is named after its column.
            let column = (level.eq_ignore_ascii_case("column") && t.def.column(&name).is_some())
                .then(|| name.clone());
            t.def.checks.push(CheckDef {
                name,
                expr: clause,
                column,
                only_on: Vec::new(),
            });
        }
    }

    let fk_rows: Vec<[String; 7]> = catalog
        .rows(
            "foreign keys",
            "SELECT CAST(k.table_name AS CHAR), CAST(k.constraint_name AS CHAR), CAST(k.column_name AS CHAR), \
             CAST(k.referenced_table_name AS CHAR), CAST(k.referenced_column_name AS CHAR), \
             CAST(r.delete_rule AS CHAR), CAST(r.update_rule AS CHAR) \
             FROM information_schema.key_column_usage k JOIN information_schema.referential_constraints r \
             ON r.constraint_schema = k.constraint_schema AND r.table_name = k.table_name AND r.constraint_name = k.constraint_name \
             WHERE k.table_schema = DATABASE() AND k.referenced_table_name IS NOT NULL \
             ORDER BY k.table_name, k.constraint_name, k.ordinal_position",
        )
        .await?;
    let mut fks: BTreeMap<(String, String), ForeignKeyDef> = BTreeMap::new();
    for [table, name, column, ref_table, ref_column, on_delete, on_update] in fk_rows {
        let fk = fks
            .entry((table, name.clone()))
            .or_insert_with(|| ForeignKeyDef {
                name,
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
    for ((table, _), fk) in fks {
        if let Some(t) = tables.get(&table) {
            t.def.foreign_keys.push(fk);
        }
    }

    // MySQL 8 indexes expressions (`expression`, column_name NULL); MariaDB has no such column.
    let expression = if mariadb {
        "''"
    } else {
        "COALESCE(expression, '')"
    };
    // Per key: `collation` 'D' for DESC, `sub_part` the prefix length; per index `index_type`
    // (BTREE, FULLTEXT, SPATIAL, HASH).
    let index_rows: Vec<[String; 8]> = catalog
        .rows(
            "indexes",
            &format!(
                "SELECT CAST(table_name AS CHAR), CAST(index_name AS CHAR), CAST(non_unique AS CHAR), \
                 CAST(COALESCE(column_name, '') AS CHAR), CAST({expression} AS CHAR), \
                 CAST(COALESCE(collation, '') AS CHAR), CAST(COALESCE(sub_part, '') AS CHAR), \
                 CAST(index_type AS CHAR) \
                 FROM information_schema.statistics WHERE table_schema = DATABASE() \
                 ORDER BY table_name, index_name, seq_in_index"
            ),
        )
        .await?;
    let mut indexes: BTreeMap<(String, String), IndexDef> = BTreeMap::new();
    for [table, name, non_unique, column, expression, collation, sub_part, index_type] in index_rows
    {
        // HASH is how MariaDB enforces a unique key over TEXT/BLOB (a hidden hash column): a
        // B-tree as far as a migration can say (InnoDB builds no other kind on request).
        let method = match index_type.to_ascii_lowercase() {
            m if m == "hash" => "btree".to_owned(),
            m => m,
        };
        let index = indexes
            .entry((table.clone(), name.clone()))
            .or_insert_with(|| IndexDef {
                name,
                table,
                unique: non_unique == "0",
                method: (method != "btree").then_some(method),
                ..IndexDef::default()
            });
        let mut key = if column.is_empty() {
            IndexKey::expression(&expression)
        } else {
            IndexKey::column(&column)
        };
        if collation == "D" {
            key = key.desc();
        }
        // A SPATIAL key reports a sub-part (MariaDB: 32) that no statement can write.
        if let Ok(prefix) = sub_part.parse::<u32>() {
            if index.method.as_deref() != Some("spatial") {
                key = key.prefix(prefix);
            }
        }
        index.keys.push(key);
    }
    for index in indexes.into_values() {
        let Some(t) = tables.get(&index.table) else {
            continue;
        };
        // MySQL names every primary key PRIMARY: the name tells nothing, so none is reported.
        if index.name == "PRIMARY" {
            t.def.primary_key = Some(KeyDef {
                name: String::new(),
                columns: index.columns(),
            });
        } else if is_implicit_foreign_key_index(&index, &t.def.foreign_keys) {
            // InnoDB made it for the foreign key of the same name (no other index covered the
            // key's columns) and makes it again when the key is created: it is the key's, not
            // an index of its own, so the baseline does not create it twice.
        } else {
            add_index(t, index, &options.naming, true);
        }
    }
    // What else lives in the database: named in notes, not adopted.
    let other_rows: Vec<[String; 3]> = catalog
        .rows(
            "other objects",
            "SELECT CAST('view' AS CHAR), CAST(table_name AS CHAR), CAST('' AS CHAR) FROM information_schema.tables \
             WHERE table_schema = DATABASE() AND table_type IN ('VIEW', 'SYSTEM VIEW') \
             UNION ALL SELECT CAST('trigger' AS CHAR), CAST(trigger_name AS CHAR), CAST(event_object_table AS CHAR) \
             FROM information_schema.triggers WHERE trigger_schema = DATABASE() \
             UNION ALL SELECT CAST(LOWER(routine_type) AS CHAR), CAST(routine_name AS CHAR), CAST('' AS CHAR) \
             FROM information_schema.routines WHERE routine_schema = DATABASE() \
             UNION ALL SELECT CAST('event' AS CHAR), CAST(event_name AS CHAR), CAST('' AS CHAR) \
             FROM information_schema.events WHERE event_schema = DATABASE() \
             ORDER BY 1, 2",
        )
        .await?;
    for [kind, name, on_table] in other_rows {
        if on_table.is_empty() {
            if options.includes(&name) {
                catalog.note(format!(
                    "{kind} {name} is not in the model; recreate it with op.execute (or leave it out with --exclude)"
                ));
            }
        } else if tables.get(&on_table).is_some() {
            catalog.note(format!(
                "{kind} {name} on {on_table} is not in the model; recreate it with op.execute"
            ));
        }
    }
    // What tables, columns and indexes carry beyond the model: named in notes, not adopted.
    // Hidden indexes: MySQL's INVISIBLE (8.0), MariaDB's IGNORED (10.6).
    let hidden_index = if !mariadb {
        "is_visible = 'NO'"
    } else if version.iter().any(|[v]| mariadb_at_least(v, 10, 6)) {
        "ignored = 'YES'"
    } else {
        "FALSE"
    };
    let option_rows: Vec<[String; 3]> = catalog
        .rows(
            "table, column and index options",
            &format!(
                "SELECT CAST('options' AS CHAR), CAST(table_name AS CHAR), CAST(create_options AS CHAR) FROM information_schema.tables \
                 WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' AND create_options <> '' \
                 UNION ALL SELECT CAST('invisible' AS CHAR), CAST(table_name AS CHAR), CAST(column_name AS CHAR) FROM information_schema.columns \
                 WHERE table_schema = DATABASE() AND UPPER(extra) LIKE '%INVISIBLE%' \
                 UNION ALL SELECT DISTINCT CAST(IF({hidden_index}, 'hidden index', 'index comment') AS CHAR), CAST(table_name AS CHAR), \
                 CAST(CONCAT(index_name, IF(index_comment <> '', CONCAT(' (', index_comment, ')'), '')) AS CHAR) \
                 FROM information_schema.statistics WHERE table_schema = DATABASE() AND ({hidden_index} OR index_comment <> '') \
                 ORDER BY 1, 2, 3"
            ),
        )
        .await?;
    catalog.note_table_facts(&mut tables, option_rows);
    // MariaDB's sequences (10.3+): each is a one-row table of its options.
    let mut schema = Schema::default();
    let sequence_names: Vec<[String; 1]> = catalog
        .rows(
            "sequences",
            "SELECT CAST(table_name AS CHAR) FROM information_schema.tables \
             WHERE table_schema = DATABASE() AND table_type = 'SEQUENCE' ORDER BY 1",
        )
        .await?;
    for [name] in sequence_names {
        if !options.includes(&name) {
            continue;
        }
        let rows: Vec<[String; 6]> = catalog
            .rows(
                "sequence options",
                &format!(
                    "SELECT CAST(start_value AS CHAR), CAST(increment AS CHAR), CAST(minimum_value AS CHAR), \
                     CAST(maximum_value AS CHAR), CAST(cache_size AS CHAR), CAST(cycle_option AS CHAR) FROM {}",
                    Dialect::Mariadb.quote(&name)
                ),
            )
            .await?;
        let Some([start, increment, min, max, cache, cycle]) = rows.into_iter().next() else {
            continue;
        };
        schema.insert_sequence(super::catalog_sequence(
            name,
            [&start, &increment, &min, &max, &cache],
            cycle == "1",
            crate::ops::MARIADB_SEQUENCES,
        ));
    }
    Ok(tables.into_schema(schema))
}

/// Whether a MariaDB version string (`10.11.19-MariaDB-..`) is at least `major.minor`.
fn mariadb_at_least(version: &str, major: u32, minor: u32) -> bool {
    let mut parts = version.split(|c: char| !c.is_ascii_digit());
    let number = |p: Option<&str>| p.and_then(|p| p.parse::<u32>().ok()).unwrap_or(0);
    (number(parts.next()), number(parts.next())) >= (major, minor)
}

/// Whether `clause` is MariaDB's JSON-alias check on `column`.
fn is_json_valid(clause: &str, column: &str) -> bool {
    normalise_sql(clause) == normalise_sql(&format!("json_valid(`{}`)", column.replace('`', "``")))
}

/// `RESTRICT` is MySQL's default and the same as `NO ACTION`: both read as unspecified.
fn action(rule: &str) -> Option<FkAction> {
    match rule.to_ascii_uppercase().as_str() {
        "CASCADE" => Some(FkAction::Cascade),
        "SET NULL" => Some(FkAction::SetNull),
        "SET DEFAULT" => Some(FkAction::SetDefault),
        _ => None,
    }
}

/// MySQL's canonical spelling of an inline enum type, as `column_type` gives it.
pub(super) fn enum_type(values: &[String]) -> String {
    let quoted: Vec<String> = values
        .iter()
        .map(|v| format!("'{}'", v.replace('\'', "''")))
        .collect();
    format!("enum({})", quoted.join(","))
}

/// The values of `enum('a','b')` (any case, any spacing).
fn enum_values(spelling: &str) -> Option<Vec<String>> {
    let open = spelling.find('(')?;
    if !spelling[..open].trim().eq_ignore_ascii_case("enum") {
        return None;
    }
    let mut rest = spelling[open + 1..].trim_start();
    let mut values = Vec::new();
    loop {
        let (value, after) = split_literal(rest, false)?;
        values.push(value);
        let after = after.trim_start();
        if let Some(more) = after.strip_prefix(',') {
            rest = more.trim_start();
        } else {
            return (after.trim() == ")").then_some(values);
        }
    }
}

/// The portable type of a MySQL `column_type` (or of a migration's spelling); a type with no
/// portable name is [`Type::Custom`] in lower case, an enum its canonical `enum('a','b')`.
pub(super) fn parse_type(spelling: &str) -> Type {
    if let Some(values) = enum_values(spelling.trim()) {
        return Type::Custom(enum_type(&values));
    }
    let lower = spelling
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase()
        .replace(", ", ",");
    let (base, args) = match lower.split_once('(') {
        Some((base, rest)) => match rest.split_once(')') {
            Some((args, tail)) if tail.trim().is_empty() => (base.trim(), Some(args)),
            _ => return Type::Custom(lower),
        },
        None => (lower.as_str(), None),
    };
    let numbers: Option<Vec<u32>> = args
        .map(|a| {
            a.split(',')
                .map(|n| n.trim().parse().ok())
                .collect::<Option<_>>()
        })
        .unwrap_or(Some(Vec::new()));
    let Some(numbers) = numbers else {
        return Type::Custom(lower);
    };
    match (base, numbers.as_slice()) {
        ("tinyint", [1]) => Type::Boolean,
        ("smallint", [] | [_]) => Type::SmallInt,
        ("int" | "integer", [] | [_]) => Type::Integer,
        ("bigint", [] | [_]) => Type::BigInt,
        ("float", []) => Type::Real,
        ("double" | "double precision", []) => Type::Double,
        ("decimal" | "numeric", [p, s]) => match (u16::try_from(*p), u16::try_from(*s)) {
            (Ok(p), Ok(s)) => Type::Numeric(p, s),
            _ => Type::Custom(lower),
        },
        ("varchar", [n]) => Type::String(*n),
        ("text", []) => Type::Text,
        ("blob", []) => Type::Bytes,
        ("date", []) => Type::Date,
        // MySQL stores FLOAT(p) as FLOAT up to 24 binary digits, else as DOUBLE.
        ("float", [p]) if (1..=24).contains(p) => Type::Real,
        ("float", [p]) if (25..=53).contains(p) => Type::Double,
        ("time", [6]) => Type::Time,
        ("datetime", [6]) => Type::Timestamp,
        // Fewer fractional digits (none: `time`, `datetime`).
        ("time", []) => Type::TimePrecision(0),
        ("datetime", []) => Type::TimestampPrecision(0),
        ("time", [p]) if *p < 6 => Type::TimePrecision(*p as u8),
        ("datetime", [p]) if *p < 6 => Type::TimestampPrecision(*p as u8),
        ("char", [36]) => Type::Uuid,
        ("json", []) => Type::Json,
        _ => Type::Custom(lower),
    }
}

/// A default from `information_schema.columns.column_default`.
///
/// MariaDB (10.2.7+) quotes literals (`'abc'`), prints numbers bare (`0.50`), `NULL` for a NULL
/// default and expressions as written (`current_timestamp(6)`, `(1 + 2)`). MySQL 8 prints
/// literals unquoted and marks expressions `DEFAULT_GENERATED` in `extra`.
pub(super) fn parse_default(
    raw: &str,
    ty: &Type,
    extra: &str,
    mariadb: bool,
) -> Option<ServerDefault> {
    let raw = raw.trim();
    if mariadb {
        if raw.eq_ignore_ascii_case("NULL") {
            return None;
        }
        if let Some((content, "")) = split_literal(raw, true) {
            return Some(ServerDefault::Value(literal_value(&content, ty)));
        }
        if let Some(value) = bare_value(raw, ty) {
            return Some(ServerDefault::Value(value));
        }
        // `nextval(`shop`.`invoice_numbers`)`: the sequence of this database, as written.
        if let Some(rest) = raw.strip_prefix("nextval(`") {
            if let Some((_, name)) = rest.split_once("`.`") {
                return Some(expression_default(&format!("nextval(`{name}")));
            }
        }
        return Some(expression_default(raw));
    }
    if extra.to_ascii_uppercase().contains("DEFAULT_GENERATED") || is_now(raw) {
        return Some(expression_default(raw));
    }
    Some(ServerDefault::Value(match bare_value(raw, ty) {
        Some(value) if !matches!(ty, Type::String(_) | Type::Text | Type::Custom(_)) => value,
        _ => Value::Str(raw.to_owned()),
    }))
}

impl Introspector for MySql {
    fn column_level_checks(&self) -> bool {
        self.flavour == crate::dialect::mysql::Flavour::Mariadb
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

    /// An enum column reads back as its inline `enum('a','b')` type.
    fn canonical_type(&self, ty: &Type, schema: &Schema) -> Type {
        match ty {
            Type::Enum(name) => match schema.enum_values(name) {
                Some(values) => Type::Custom(enum_type(values)),
                None => ty.clone(),
            },
            _ => parse_type(&self.render_type(ty, None)),
        }
    }

    fn names_primary_keys(&self) -> bool {
        false
    }

    fn uniques_are_indexes(&self) -> bool {
        true
    }

    fn restrict_is_default(&self) -> bool {
        true
    }
}

/// The index InnoDB creates for a foreign key no index covers: named as the key, over exactly
/// its columns, a plain non-unique B-tree.
fn is_implicit_foreign_key_index(index: &IndexDef, fks: &[crate::ops::ForeignKeyDef]) -> bool {
    !index.unique
        && index.method.is_none()
        && index.keys.iter().all(|k| {
            k.prefix.is_none() && !k.descending && matches!(k.part, crate::ops::KeyPart::Column(_))
        })
        && fks
            .iter()
            .any(|fk| fk.name == index.name && fk.columns == index.columns())
}

/// MySQL 8's `GENERATION_EXPRESSION` as SQL: it escapes the quotes of string literals
/// (`concat(_utf8mb4\'#\',`id`)`) and writes each literal's character set introducer, which the
/// expression as written had not; MariaDB keeps the expression plain.
fn mysql8_generation_expression(raw: &str) -> String {
    let unescaped = raw.replace("\\'", "'").replace("\\\\", "\\");
    const INTRODUCERS: [&str; 6] = [
        "_utf8mb4", "_utf8mb3", "_utf8", "_latin1", "_binary", "_ascii",
    ];
    let mut out = String::with_capacity(unescaped.len());
    let mut in_literal = false;
    let mut rest = unescaped.as_str();
    while let Some(c) = rest.chars().next() {
        if c == '\'' {
            in_literal = !in_literal;
        } else if !in_literal
            && c == '_'
            && !out.ends_with(|p: char| p.is_alphanumeric() || p == '_')
        {
            if let Some(len) = INTRODUCERS
                .iter()
                .find(|i| {
                    rest.len() > i.len()
                        && rest[..i.len()].eq_ignore_ascii_case(i)
                        && rest[i.len()..].starts_with('\'')
                })
                .map(|i| i.len())
            {
                rest = &rest[len..];
                continue;
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Dialect;

    #[test]
    fn types_read_back_from_column_type_and_from_the_renderer() {
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
            Type::Uuid,
            Type::Json,
            Type::TimePrecision(0),
            Type::TimePrecision(3),
            Type::TimestampPrecision(0),
            Type::TimestampPrecision(5),
        ] {
            assert_eq!(parse_type(&Dialect::Mysql.render_type(&ty)), ty);
        }
        // What MySQL stores for FLOAT(p), a zoned or DATETIME-spelt timestamp.
        let canonical = |ty| parse_type(&Dialect::Mysql.render_type(&ty));
        assert_eq!(canonical(Type::Float(24)), Type::Real);
        assert_eq!(canonical(Type::Float(25)), Type::Double);
        assert_eq!(canonical(Type::DateTime), Type::Timestamp);
        assert_eq!(
            canonical(Type::TimestampTzPrecision(3)),
            Type::TimestampPrecision(3)
        );
        assert_eq!(canonical(Type::TimestampPrecision(6)), Type::Timestamp);
        assert_eq!(parse_type("time"), Type::TimePrecision(0));
        assert_eq!(parse_type("datetime(3)"), Type::TimestampPrecision(3));
        assert_eq!(parse_type("int(11)"), Type::Integer);
        assert_eq!(parse_type("bigint(20)"), Type::BigInt);
        assert_eq!(parse_type("decimal(12,2)"), Type::Numeric(12, 2));
        assert_eq!(parse_type("datetime(6)"), Type::Timestamp);
        assert_eq!(
            parse_type("int(10) unsigned"),
            Type::Custom("int(10) unsigned".into())
        );
        assert_eq!(
            parse_type("ENUM('Happy', 'it''s')"),
            Type::Custom("enum('Happy','it''s')".into())
        );
        assert_eq!(parse_type("datetime"), Type::TimestampPrecision(0));
        assert_eq!(parse_type("float(7,2)"), Type::Custom("float(7,2)".into()));
    }

    #[test]
    fn mariadb_defaults_unquote() {
        let value = |v: Value| Some(ServerDefault::Value(v));
        assert_eq!(
            parse_default(r"'it''s a\\b'", &Type::String(32), "", true),
            value(Value::Str(r"it's a\b".into()))
        );
        assert_eq!(
            parse_default("0.50", &Type::Numeric(12, 2), "", true),
            value(Value::Float(0.5))
        );
        assert_eq!(
            parse_default("0", &Type::Boolean, "", true),
            value(Value::Bool(false))
        );
        assert_eq!(parse_default("NULL", &Type::Text, "", true), None);
        assert_eq!(
            parse_default("current_timestamp(6)", &Type::Timestamp, "", true),
            Some(ServerDefault::Now)
        );
        assert_eq!(
            parse_default("(1 + 2)", &Type::Integer, "", true),
            Some(ServerDefault::Expr("1 + 2".into()))
        );
    }

    #[test]
    fn mysql8_generation_expressions_lose_escapes_and_introducers() {
        assert_eq!(
            mysql8_generation_expression("concat(_utf8mb4\\'#\\',`id`,_latin1\\'_utf8mb4\\')"),
            "concat('#',`id`,'_utf8mb4')"
        );
        assert_eq!(
            mysql8_generation_expression("(`quantity` * `unit_price`)"),
            "(`quantity` * `unit_price`)"
        );
        assert_eq!(
            mysql8_generation_expression("`my_utf8mb4` + 1"),
            "`my_utf8mb4` + 1"
        );
    }

    #[test]
    fn mysql8_defaults_are_unquoted() {
        assert_eq!(
            parse_default("abc", &Type::String(3), "", false),
            Some(ServerDefault::Value(Value::Str("abc".into())))
        );
        assert_eq!(
            parse_default(
                "CURRENT_TIMESTAMP(6)",
                &Type::Timestamp,
                "DEFAULT_GENERATED",
                false
            ),
            Some(ServerDefault::Now)
        );
    }
}
