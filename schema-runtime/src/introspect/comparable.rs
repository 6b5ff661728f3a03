//! What a dialect can tell apart: the projection of a schema under which a replayed schema and
//! the schema introspected from an up-to-date database compare equal.

use super::text::{expression_default, literal_value, normalise_sql};
use super::Introspector;
use crate::ops::{ColumnDef, EnumDef, FkAction, ForeignKeyDef, IndexDef, KeyPart};
use crate::state::{Schema, Table};
use crate::types::{ServerDefault, Type, Value};
use crate::Dialect;

/// `schema` as `dialect` can tell it apart, so that `comparable(&replayed, d) ==
/// comparable(&introspected, d)` when the database is at the replayed revision.
///
/// The rules, each for a difference the database cannot keep or reports differently:
///
/// - **Types** become the dialect's canonical portable type: the type is rendered for the
///   dialect and read back as introspection reads it. So on MySQL `TimestampTz` is `Timestamp`
///   (both are `DATETIME(6)`), an enum column is `Custom("enum('a','b')")`, and
///   `Custom("CHAR(36)")` is `Uuid`; on SQLite an enum column is `Text` and an identity column
///   `Integer` (SQLite's `AUTOINCREMENT` exists only on `INTEGER PRIMARY KEY`); on PostgreSQL
///   `Custom("CHAR(2)")` is `Custom("character(2)")`. Enum types are kept on PostgreSQL only.
/// - **Defaults**: a `NULL` default is no default; identity columns have none; literals are
///   read as the column's type reads them (`Int(0)` is `Bool(false)` on a boolean column,
///   `Int(1)` is `Float(1.0)` on a decimal one, `Str("5")` is `Int(5)` on an integer one);
///   `now()` / `current_timestamp(6)` expressions are `Now`; other expressions are normalised
///   as check expressions are.
/// - **Expressions** of checks, generated columns, index keys and index predicates are
///   normalised: whitespace, keyword case, quotes around lower-case identifiers, parentheses
///   that operator precedence makes redundant (PostgreSQL's `((a * 2) + b)`) and PostgreSQL
///   casts (`name::text`) do not count; nor do MariaDB's `lcase`/`ucase` for `lower`/`upper`. Other rewrites a server makes (MariaDB's `length` as
///   `octet_length`, PostgreSQL's operator casts on numerics) still show.
/// - **Generated columns**: the expression is normalised as check expressions are.
/// - **Comments**: none on SQLite; an empty comment is no comment.
/// - **Keys**: MySQL's primary key has no name (it is always `PRIMARY`), nor has SQLite's when
///   it is a sole `INTEGER` column (the rowid alias, declared inline). On SQLite such a key has
///   no identity either: `.identity()` (the rowid alias), `.identity_autoincrement()`
///   (`AUTOINCREMENT`, which earlier versions rendered for `.identity()`) and a plain integer key
///   are the same rowid, so none of them drifts from another. MySQL and SQLite keep unique
///   constraints as unique indexes, so there every unique constraint becomes a plain unique
///   index.
/// - **Unnamed constraints** stay unnamed on SQLite; elsewhere they are compared under the
///   names they are declared with there (`TableDef::with_server_names`).
/// - **Foreign keys**: `NO ACTION` is the unspecified action (and on MySQL so is `RESTRICT`);
///   MySQL has no deferrable keys.
/// - **Indexes**: `INCLUDE` columns exist on PostgreSQL only; on MySQL the index MySQL creates
///   for a foreign key (non-unique, named as the key, over its columns) is left out.
/// - **Order**: unique keys, foreign keys, checks and indexes are sorted by name; columns keep
///   their order.
///
/// ```
/// use schema_runtime::introspect::comparable;
/// use schema_runtime::prelude::*;
/// use schema_runtime::{Dialect, Schema};
///
/// let mut op = Ops::new();
/// op.create_table("events", |t| {
///     t.column("id", Type::BigInt).primary_key().identity();
///     t.column("at", Type::TimestampTz).not_null();
/// });
/// let mut schema = Schema::default();
/// for o in op.ops() { schema.apply(o).unwrap(); }
/// let mysql = comparable(&schema, Dialect::Mysql);
/// assert_eq!(mysql.column("events", "at").unwrap().ty, Type::Timestamp);
/// assert_eq!(mysql.table("events").unwrap().def.primary_key.as_ref().unwrap().name, "");
/// let sqlite = comparable(&schema, Dialect::Sqlite);
/// assert_eq!(sqlite.column("events", "id").unwrap().ty, Type::Integer);
/// ```
pub fn comparable(schema: &Schema, dialect: Dialect) -> Schema {
    let d = dialect.introspector();
    let mut out = Schema::default();
    if d.enum_types() {
        for (name, values) in schema.enums() {
            out.insert_enum(EnumDef {
                name: name.clone(),
                values: values.clone(),
            });
        }
    }
    // Sequences as the dialect reads them back: an option at its default is no option.
    if let Some(defaults) = dialect.sql().sequence_defaults() {
        for mut def in schema.sequences() {
            def.options = def.options.normalised(defaults);
            out.insert_sequence(def);
        }
    }
    for table in schema.tables() {
        out.insert_table(comparable_table(table, schema, d));
    }
    out
}

fn comparable_table(table: &Table, schema: &Schema, d: &dyn Introspector) -> Table {
    // An unnamed constraint is what SQLite holds; elsewhere the database knows it under the
    // name it was declared with (`with_server_names`).
    let sql = d.dialect().sql();
    let mut def = if sql.keeps_unnamed_constraints() {
        table.def.clone()
    } else {
        table
            .def
            .with_server_names(sql.max_identifier_len().unwrap_or(63))
    };
    let sole_key = def
        .primary_key
        .as_ref()
        .and_then(|pk| match pk.columns.as_slice() {
            [c] => Some(c.clone()),
            _ => None,
        });
    def.columns = def
        .columns
        .iter()
        .map(|c| comparable_column(c, schema, d))
        .collect();
    // SQLite: a sole INTEGER key is the rowid alias, declared inline (`.identity()`, with
    // AUTOINCREMENT or without, or a plain integer key): one thing, with no identity to tell
    // apart and no name that matters (nothing addresses a SQLite key by name).
    let rowid_key = sole_key.filter(|k| {
        d.inline_identity_key() && def.column(k).is_some_and(|c| c.ty == Type::Integer)
    });
    if let Some(c) = rowid_key
        .as_ref()
        .and_then(|k| def.columns.iter_mut().find(|c| c.name == *k))
    {
        c.identity = false;
        c.identity_options = Default::default();
    }
    let rowid_key = rowid_key.is_some();
    if let Some(pk) = &mut def.primary_key {
        if !d.names_primary_keys() || rowid_key {
            pk.name.clear();
        }
    }
    let mut indexes: Vec<IndexDef> = table
        .indexes
        .iter()
        .filter(|i| i.exists_on(d.dialect()))
        .map(|i| comparable_index(i, d))
        .collect();
    if d.uniques_are_indexes() {
        for key in def.uniques.drain(..) {
            indexes.push(IndexDef {
                name: key.name,
                table: def.name.clone(),
                keys: crate::ops::column_keys(key.columns),
                unique: true,
                ..IndexDef::default()
            });
        }
    }
    for fk in &mut def.foreign_keys {
        fk.on_delete = comparable_action(fk.on_delete, d);
        fk.on_update = comparable_action(fk.on_update, d);
        if !d.deferrable_constraints() {
            fk.deferrable = None;
        }
    }
    if d.implicit_foreign_key_indexes() {
        indexes.retain(|i| !is_foreign_key_index(i, &def.foreign_keys));
    }
    def.checks.retain(|ck| ck.exists_on(d.dialect()));
    for check in &mut def.checks {
        check.only_on.clear();
        check.expr = normalise_sql(&d.sql_expr(&check.expr));
        if !d.column_level_checks() {
            check.column = None;
        }
    }
    def.comment = comparable_comment(def.comment.take(), d);
    // MySQL's table options, compared without case; other dialects have none.
    let mysql = d.dialect().is_mysql_family();
    for option in [&mut def.mysql_engine, &mut def.mysql_collation] {
        *option = option
            .take()
            .filter(|_| mysql)
            .map(|o| o.to_ascii_lowercase());
    }
    def.uniques
        .sort_by(|a, b| (&a.name, &a.columns).cmp(&(&b.name, &b.columns)));
    def.foreign_keys
        .sort_by(|a, b| (&a.name, &a.columns).cmp(&(&b.name, &b.columns)));
    def.checks
        .sort_by(|a, b| (&a.name, &a.expr).cmp(&(&b.name, &b.expr)));
    indexes.sort_by(|a, b| (&a.name, &a.table).cmp(&(&b.name, &b.table)));
    Table { def, indexes }
}

fn comparable_column(column: &ColumnDef, schema: &Schema, d: &dyn Introspector) -> ColumnDef {
    let mut c = column.clone();
    c.ty = d.canonical_type(&c.ty, schema);
    if c.identity {
        if d.inline_identity_key() {
            c.ty = Type::Integer;
        }
        c.nullable = false;
        c.default = None;
        // SQLite's own option: elsewhere the usual identity.
        c.identity_options.autoincrement = false;
        if !d.identity_options() {
            c.identity_options = Default::default();
        }
    } else {
        c.identity_options = Default::default();
    }
    c.default = c
        .default
        .take()
        .map(|v| v.for_dialect(d.dialect()).into_owned())
        .and_then(|v| comparable_default(v, &c.ty));
    c.comment = comparable_comment(c.comment.take(), d);
    // The dialect's own name, compared as the dialect does (SQLite and MySQL ignore case).
    c.collation = c.collation_for(d.dialect()).map(|name| {
        crate::ops::SqlText::portable(if d.dialect() == crate::Dialect::Postgres {
            name.to_owned()
        } else {
            name.to_ascii_lowercase()
        })
    });
    // Expressions as the server keeps them (PostgreSQL's casts and parentheses, MariaDB's
    // backticks) compare as check expressions do.
    if let Some(g) = &mut c.generated {
        g.expr = normalise_sql(&d.sql_expr(g.for_dialect(d.dialect())));
        g.dialects.clear();
    }
    c
}

fn comparable_default(default: ServerDefault, ty: &Type) -> Option<ServerDefault> {
    Some(match default {
        ServerDefault::Value(Value::Null) => return None,
        ServerDefault::Value(Value::Str(s)) => ServerDefault::Value(literal_value(&s, ty)),
        ServerDefault::Value(Value::Int(n)) if *ty == Type::Boolean && (n == 0 || n == 1) => {
            ServerDefault::Value(Value::Bool(n == 1))
        }
        ServerDefault::Value(Value::Int(n)) if ty.is_fractional() => {
            ServerDefault::Value(Value::Float(n as f64))
        }
        // A typed value reads back as the text of its literal.
        ServerDefault::Value(
            v @ (Value::Date(_)
            | Value::Time(_)
            | Value::Timestamp(_)
            | Value::TimestampTz(_)
            | Value::Uuid(_)
            | Value::Json(_)
            | Value::Decimal(_)),
        ) => {
            let text = v.typed_text().unwrap_or_default();
            return comparable_default(ServerDefault::Value(Value::Str(text.to_owned())), ty);
        }
        ServerDefault::Value(Value::Bool(b)) if ty.is_integer() => {
            ServerDefault::Value(Value::Int(i64::from(b)))
        }
        ServerDefault::Expr(e) => match expression_default(&next_value_for(&e)) {
            ServerDefault::Expr(e) => ServerDefault::Expr(normalise_sql(&e)),
            now => now,
        },
        other => other,
    })
}

/// MariaDB's `NEXT VALUE FOR seq` is `nextval(seq)`, as MariaDB reads it back.
fn next_value_for(expr: &str) -> std::borrow::Cow<'_, str> {
    let trimmed = expr.trim();
    let words: Vec<&str> = trimmed.splitn(4, char::is_whitespace).collect();
    match words.as_slice() {
        [next, value, r#for, name]
            if next.eq_ignore_ascii_case("next")
                && value.eq_ignore_ascii_case("value")
                && r#for.eq_ignore_ascii_case("for") =>
        {
            std::borrow::Cow::Owned(format!("nextval({})", name.trim()))
        }
        _ => std::borrow::Cow::Borrowed(expr),
    }
}

fn comparable_index(index: &IndexDef, d: &dyn Introspector) -> IndexDef {
    let mut i = index.clone();
    for key in &mut i.keys {
        if let KeyPart::Expression(e) = &mut key.part {
            *e = normalise_sql(&d.sql_expr(e));
        }
    }
    i.predicate = i.predicate.map(|p| normalise_sql(&p));
    // A partial index that falls back is a plain one where partial indexes do not exist.
    if i.partial_or_plain && !d.partial_indexes() {
        i.predicate = None;
    }
    i.partial_or_plain = false;
    i.only_on.clear();
    if i.method.as_deref() == Some("btree") {
        i.method = None;
    }
    if !d.index_include() {
        i.include.clear();
    }
    i
}

fn comparable_action(action: Option<FkAction>, d: &dyn Introspector) -> Option<FkAction> {
    match action {
        Some(FkAction::NoAction) => None,
        Some(FkAction::Restrict) if d.restrict_is_default() => None,
        action => action,
    }
}

fn comparable_comment(comment: Option<String>, d: &dyn Introspector) -> Option<String> {
    comment.filter(|c| !c.is_empty() && d.comments())
}

/// The index InnoDB makes for a foreign key no index covers: named as the key, over its columns.
fn is_foreign_key_index(index: &IndexDef, fks: &[ForeignKeyDef]) -> bool {
    !index.unique
        && index.plain_columns()
        && index.predicate.is_none()
        && fks
            .iter()
            .any(|fk| fk.name == index.name && fk.columns == index.columns())
}
