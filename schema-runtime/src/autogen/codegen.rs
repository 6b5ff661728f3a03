//! Ops as the Rust source of a migration body, written with the same builder calls a person
//! would write, so a generated revision reads like a hand-written one.

use std::fmt::Write;

use crate::naming::NamingConvention;
use crate::ops::{
    AlterColumn, Constraint, EnumPosition, FkAction, ForeignKeyDef, IndexDef, IndexKey, KeyPart,
    NullsOrder, Op, SetValue, TableDef,
};
use crate::types::{ServerDefault, Type, Value};

use super::Change;

fn lit(s: &str) -> String {
    format!("{s:?}")
}

/// A list of names as the builder takes it; an empty one with its type spelled out, since `[]`
/// alone leaves the element type unknown (E0283).
fn list(items: &[String]) -> String {
    if items.is_empty() {
        return "[] as [&str; 0]".to_owned();
    }
    format!(
        "[{}]",
        items.iter().map(|i| lit(i)).collect::<Vec<_>>().join(", ")
    )
}

fn rust_type(ty: &Type) -> String {
    match ty {
        Type::Numeric(p, s) => format!("Type::Numeric({p}, {s})"),
        Type::String(n) => format!("Type::String({n})"),
        Type::Custom(s) => format!("Type::custom({})", lit(s)),
        Type::Enum(s) => format!("Type::enumeration({})", lit(s)),
        Type::Float(p) => format!("Type::Float({p})"),
        Type::TimePrecision(p) => format!("Type::TimePrecision({p})"),
        Type::TimestampPrecision(p) => format!("Type::TimestampPrecision({p})"),
        Type::TimestampTzPrecision(p) => format!("Type::TimestampTzPrecision({p})"),
        other => format!("Type::{other:?}"),
    }
}

fn rust_value(v: &Value) -> String {
    match v {
        Value::Null => "Value::Null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => {
            let s = f.to_string();
            if s.contains(['.', 'e', 'E', 'N', 'i']) {
                s
            } else {
                format!("{s}.0")
            }
        }
        Value::Str(s) => lit(s),
        Value::Decimal(s) => format!("Value::decimal({})", lit(s)),
        Value::Date(s) => format!("Value::date({})", lit(s)),
        Value::Time(s) => format!("Value::time({})", lit(s)),
        Value::Timestamp(s) => format!("Value::timestamp({})", lit(s)),
        Value::TimestampTz(s) => format!("Value::timestamp_tz({})", lit(s)),
        Value::Uuid(s) => format!("Value::uuid({})", lit(s)),
        Value::Json(s) => format!("Value::json({})", lit(s)),
    }
}

fn action(a: FkAction) -> String {
    format!("FkAction::{a:?}")
}

fn default_call(prefix: &str, default: &ServerDefault) -> String {
    match default {
        ServerDefault::Value(v) => format!(".{prefix}default({})", rust_value(v)),
        ServerDefault::Now => format!(".{prefix}default_now()"),
        ServerDefault::Expr(e) => format!(".{prefix}default_expr({})", lit(e)),
        ServerDefault::ExprPerDialect { portable, dialects } => {
            let dialects: Vec<String> = dialects
                .iter()
                .map(|(d, e)| format!("({}, {})", dialect_path(*d), lit(e)))
                .collect();
            format!(
                ".{prefix}default_expr_per_dialect({}, &[{}])",
                lit(portable),
                dialects.join(", ")
            )
        }
    }
}

fn fk_options(fk: &ForeignKeyDef) -> String {
    let mut s = String::new();
    if let Some(a) = fk.on_delete {
        let _ = write!(s, ".on_delete({})", action(a));
    }
    if let Some(a) = fk.on_update {
        let _ = write!(s, ".on_update({})", action(a));
    }
    s
}

/// Renders `changes` as the statements of a migration function body (indented four spaces),
/// with each change's note as a comment above it.
///
/// ```
/// use schema_runtime::prelude::*;
/// use schema_runtime::autogen::{render_ops, Change};
/// use schema_runtime::NamingConvention;
///
/// let mut op = Ops::new();
/// op.add_column("users", "bio", Type::Text);
/// let changes: Vec<Change> = op.into_ops().into_iter().map(|op| Change { op, note: None }).collect();
/// assert_eq!(render_ops(&changes, &NamingConvention::default()), "    op.add_column(\"users\", \"bio\", Type::Text);\n");
/// ```
pub fn render_ops(changes: &[Change], naming: &NamingConvention) -> String {
    let mut out = String::new();
    for change in changes {
        if let Some(note) = &change.note {
            for line in note.split('\n') {
                let _ = writeln!(out, "    // NOTE: {line}");
            }
        }
        if matches!(&change.op, Op::AddConstraint { constraint, .. } if constraint.name().is_empty())
        {
            out.push_str(
                "    // NOTE: the database holds this constraint unnamed; an added constraint needs a name (unnamed ones are declared in create_table), so it takes the naming convention's\n",
            );
        }
        out.push_str(&render_op(&change.op, naming));
    }
    out
}

fn render_op(op: &Op, naming: &NamingConvention) -> String {
    let stmt = |s: String| format!("    {s};\n");
    // An op some dialects run, written inside `op.only_on(..)`.
    let limited = |dialects: &[crate::Dialect], s: String| {
        if dialects.is_empty() {
            stmt(s)
        } else {
            stmt(format!(
                "op.only_on({}, |op| {{ {s}; }})",
                dialect_list(dialects)
            ))
        }
    };
    match op {
        Op::CreateTable { def, if_not_exists } => create_table(def, *if_not_exists, naming),
        Op::DropTable { table, if_exists } => stmt(format!(
            "op.drop_table({}){}",
            lit(table),
            if *if_exists { ".if_exists()" } else { "" }
        )),
        Op::RenameTable { from, to } => {
            stmt(format!("op.rename_table({}, {})", lit(from), lit(to)))
        }
        Op::SetTableComment { table, comment } => stmt(format!(
            "op.set_table_comment({}, {})",
            lit(table),
            comment
                .as_ref()
                .map(|c| format!("Some({})", lit(c)))
                .unwrap_or_else(|| "None".into())
        )),
        Op::AddColumn {
            table,
            column,
            unique,
            foreign_key,
        } => {
            let mut s = format!(
                "op.add_column({}, {}, {})",
                lit(table),
                lit(&column.name),
                rust_type(&column.ty)
            );
            if !column.nullable && !column.identity {
                s.push_str(".not_null()");
            }
            if column.identity {
                s.push_str(&identity_calls(column));
            }
            if let Some(d) = &column.default {
                s.push_str(&default_call("", d));
            }
            s.push_str(&generated_call(column));
            if let Some(c) = &column.comment {
                let _ = write!(s, ".comment({})", lit(c));
            }
            if let Some(c) = &column.collation {
                s.push_str(&collation_call("collate", c));
            }
            if unique.is_some() {
                s.push_str(".unique()");
            }
            if let Some(fk) = foreign_key {
                let _ = write!(
                    s,
                    ".references({}, {}){}",
                    lit(&fk.ref_table),
                    lit(&fk.ref_columns[0]),
                    fk_options(fk)
                );
            }
            stmt(s)
        }
        Op::DropColumn { table, column } => {
            stmt(format!("op.drop_column({}, {})", lit(table), lit(column)))
        }
        Op::AlterColumn(alter) => stmt(alter_column(alter)),
        Op::CreateIndex {
            index,
            concurrently,
            if_not_exists,
        } => {
            let mut s = create_index(index, naming);
            if *concurrently {
                s.push_str(".concurrently()");
            }
            if *if_not_exists {
                s.push_str(".if_not_exists()");
            }
            stmt(s)
        }
        Op::DropIndex {
            name,
            table,
            concurrently,
            if_exists,
        } => stmt(format!(
            "op.drop_index({}){}{}{}",
            lit(name),
            table
                .as_ref()
                .map(|t| format!(".on({})", lit(t)))
                .unwrap_or_default(),
            if *concurrently { ".concurrently()" } else { "" },
            if *if_exists { ".if_exists()" } else { "" }
        )),
        Op::AddConstraint { table, constraint } => stmt(add_constraint(table, constraint, naming)),
        Op::DropConstraint { table, name } => {
            stmt(format!("op.drop_constraint({}, {})", lit(table), lit(name)))
        }
        Op::CreateEnum(e) => stmt(format!(
            "op.create_enum({}, {})",
            lit(&e.name),
            list(&e.values)
        )),
        Op::DropEnum { name } => stmt(format!("op.drop_enum({})", lit(name))),
        Op::AddEnumValue {
            name,
            value,
            position,
        } => stmt(format!(
            "op.add_enum_value({}, {}){}",
            lit(name),
            lit(value),
            match position {
                Some(EnumPosition::Before(v)) => format!(".before({})", lit(v)),
                Some(EnumPosition::After(v)) => format!(".after({})", lit(v)),
                None => String::new(),
            }
        )),
        Op::RenameEnumValue { name, from, to } => stmt(format!(
            "op.rename_enum_value({}, {}, {})",
            lit(name),
            lit(from),
            lit(to)
        )),
        Op::DropEnumValue { name, value } => {
            stmt(format!("op.drop_enum_value({}, {})", lit(name), lit(value)))
        }
        Op::CreateSequence(def) => {
            let o = &def.options;
            let mut s = format!("op.create_sequence({})", lit(&def.name));
            for (method, v) in [
                ("start", o.start),
                ("increment", o.increment),
                ("min_value", o.min_value),
                ("max_value", o.max_value),
                ("cache", o.cache),
            ] {
                if let Some(v) = v {
                    let _ = write!(s, ".{method}({v})");
                }
            }
            if o.cycle {
                s.push_str(".cycle()");
            }
            stmt(s)
        }
        Op::DropSequence { name } => stmt(format!("op.drop_sequence({})", lit(name))),
        Op::RenameSequence { from, to } => {
            stmt(format!("op.rename_sequence({}, {})", lit(from), lit(to)))
        }
        Op::AlterSequence { name, changes } => stmt(format!(
            "op.alter_sequence({}){}",
            lit(name),
            sequence_change_calls(changes)
        )),
        Op::BulkInsert {
            table,
            columns,
            rows,
            only_on,
        }
        | Op::DeleteRows {
            table,
            columns,
            rows,
            only_on,
        } => {
            let verb = if matches!(op, Op::BulkInsert { .. }) {
                "bulk_insert"
            } else {
                "delete_rows"
            };
            let rows: Vec<String> = rows
                .values()
                .iter()
                .map(|r| {
                    format!(
                        "row![{}]",
                        r.iter().map(rust_value).collect::<Vec<_>>().join(", ")
                    )
                })
                .collect();
            limited(
                only_on,
                format!(
                    "op.{verb}({}, {}, [{}])",
                    lit(table),
                    list(columns),
                    rows.join(", ")
                ),
            )
        }
        Op::Update {
            table,
            set,
            predicate,
            only_on,
        } => {
            let mut s = format!("op.update({})", lit(table));
            for (column, value) in set {
                match value {
                    SetValue::Value(v) => {
                        let _ = write!(s, ".set({}, {})", lit(column), rust_value(v));
                    }
                    SetValue::Expr(e) => {
                        let _ = write!(s, ".set_expr({}, {})", lit(column), lit(e));
                    }
                }
            }
            if let Some(p) = predicate {
                let _ = write!(s, ".filter({})", lit(p));
            }
            limited(only_on, s)
        }
        Op::Sql(raw) => {
            let text = |t: &crate::ops::SqlText| {
                let field = |name: &str, v: &Option<String>| {
                    v.as_ref()
                        .map(|v| format!("{name}: Some({}.into()), ", lit(v)))
                };
                let fields: String = [
                    field("portable", &t.portable),
                    field("postgres", &t.postgres),
                    field("sqlite", &t.sqlite),
                    field("mysql", &t.mysql),
                    field("mariadb", &t.mariadb),
                ]
                .into_iter()
                .flatten()
                .collect();
                format!("SqlText {{ {fields}..SqlText::default() }}")
            };
            let mut s = format!("op.sql({})", text(&raw.up));
            if let Some(down) = &raw.down {
                let _ = write!(s, ".reverse_with({})", text(down));
            }
            limited(&raw.only_on, s)
        }
    }
}

fn alter_column(alter: &AlterColumn) -> String {
    let mut s = format!(
        "op.alter_column({}, {})",
        lit(&alter.table),
        lit(&alter.column)
    );
    if let Some(ty) = &alter.ty {
        match &alter.using {
            Some(using) => {
                let _ = write!(s, ".set_type_using({}, {})", rust_type(ty), lit(using));
            }
            None => {
                let _ = write!(s, ".set_type({})", rust_type(ty));
            }
        }
    }
    match alter.nullable {
        Some(true) => s.push_str(".set_nullable()"),
        Some(false) => s.push_str(".set_not_null()"),
        None => {}
    }
    match &alter.default {
        Some(Some(d)) => s.push_str(&default_call("set_", d)),
        Some(None) => s.push_str(".drop_default()"),
        None => {}
    }
    if let Some(comment) = &alter.comment {
        let _ = write!(
            s,
            ".set_comment({})",
            comment
                .as_ref()
                .map(|c| format!("Some({})", lit(c)))
                .unwrap_or_else(|| "None".into())
        );
    }
    match &alter.collation {
        Some(Some(c)) => s.push_str(&collation_call("set_collation", c)),
        Some(None) => s.push_str(".drop_collation()"),
        None => {}
    }
    if let Some(identity) = alter.identity {
        let _ = write!(s, ".set_identity({identity})");
    }
    if let Some(changes) = alter.identity_options.filter(|c| !c.is_empty()) {
        if let Some(always) = changes.always {
            let _ = write!(s, ".set_identity_always({always})");
        }
        if !changes.sequence.is_empty() {
            let _ = write!(
                s,
                ".set_identity_sequence(|s| {{ s{}; }})",
                sequence_change_calls(&changes.sequence)
            );
        }
    }
    if let Some(new) = &alter.rename {
        let _ = write!(s, ".rename_to({})", lit(new));
    }
    s
}

/// `.increment(10).no_max_value().cycle(false)`: the `alter_sequence` calls that make `changes`.
fn sequence_change_calls(changes: &crate::ops::SequenceChanges) -> String {
    let mut s = String::new();
    for (method, v) in [
        ("start", changes.start),
        ("increment", changes.increment),
        ("min_value", changes.min_value),
        ("max_value", changes.max_value),
        ("cache", changes.cache),
    ] {
        match v {
            Some(Some(v)) => {
                let _ = write!(s, ".{method}({v})");
            }
            // Back to the default: `no_min_value()`, `default_start()`, ...
            Some(None) => match method {
                "min_value" => s.push_str(".no_min_value()"),
                "max_value" => s.push_str(".no_max_value()"),
                "increment" => s.push_str(".increment(1)"),
                _ => {
                    let _ = write!(s, ".default_{method}()");
                }
            },
            None => {}
        }
    }
    if let Some(cycle) = changes.cycle {
        let _ = write!(s, ".cycle({cycle})");
    }
    s
}

fn create_index(index: &IndexDef, naming: &NamingConvention) -> String {
    // Plain columns first and then plain expressions read as they always did; keys with
    // options, or expressions among the columns, are written as `IndexKey`s in order.
    let columns = index.columns();
    let first_expression = index
        .keys
        .iter()
        .position(|k| matches!(k.part, KeyPart::Expression(_)))
        .unwrap_or(index.keys.len());
    let simple = index.keys.iter().all(|k| !k.has_options())
        && index.keys[first_expression..]
            .iter()
            .all(|k| matches!(k.part, KeyPart::Expression(_)));
    let mut s = if simple {
        let mut s = format!("op.create_index({}, {})", lit(&index.table), list(&columns));
        if index.unique {
            s.push_str(".unique()");
        }
        for e in index.expressions() {
            let _ = write!(s, ".expression({})", lit(e));
        }
        s
    } else {
        let keys: Vec<String> = index.keys.iter().map(index_key).collect();
        let mut s = format!(
            "op.create_index({}, [{}])",
            lit(&index.table),
            keys.join(", ")
        );
        if index.unique {
            s.push_str(".unique()");
        }
        s
    };
    if let Some(method) = &index.method {
        let _ = write!(s, ".using({})", lit(method));
    }
    if let Some(p) = &index.predicate {
        let _ = write!(s, ".filter({})", lit(p));
    }
    if index.partial_or_plain {
        s.push_str(".or_plain_elsewhere()");
    }
    if !index.only_on.is_empty() {
        let _ = write!(s, ".only_on({})", dialect_list(&index.only_on));
    }
    if !index.include.is_empty() {
        let _ = write!(s, ".include({})", list(&index.include));
    }
    if index.name != naming.index(&index.table, &columns) {
        let _ = write!(s, ".name({})", lit(&index.name));
    }
    s
}

/// `IndexKey::column("a").desc()`, as a revision writes it.
fn index_key(k: &IndexKey) -> String {
    let mut s = match &k.part {
        KeyPart::Column(c) => format!("IndexKey::column({})", lit(c)),
        KeyPart::Expression(e) => format!("IndexKey::expression({})", lit(e)),
    };
    if let Some(prefix) = k.prefix {
        let _ = write!(s, ".prefix({prefix})");
    }
    if let Some(collation) = &k.collation {
        let _ = write!(s, ".collate({})", lit(collation));
    }
    if let Some(opclass) = &k.opclass {
        let _ = write!(s, ".opclass({})", lit(opclass));
    }
    if k.descending {
        s.push_str(".desc()");
    }
    match k.nulls {
        Some(NullsOrder::First) => s.push_str(".nulls_first()"),
        Some(NullsOrder::Last) => s.push_str(".nulls_last()"),
        None => {}
    }
    s
}

/// For a check some dialects have: the `_on` of the call's name and its first argument
/// (`&[schema_runtime::Dialect::Postgres], `); else nothing.
fn check_on(ck: &crate::ops::CheckDef) -> (&'static str, String) {
    if ck.only_on.is_empty() {
        return ("", String::new());
    }
    ("_on", format!("{}, ", dialect_list(&ck.only_on)))
}

/// `schema_runtime::Dialect::Postgres`, as a generated file names a dialect.
fn dialect_path(d: crate::Dialect) -> String {
    format!("schema_runtime::Dialect::{d:?}")
}

/// `&[schema_runtime::Dialect::Postgres, ..]`: the dialects of an object some have.
/// `.collate(..)` / `.set_collation(..)` (`verb`), or its `_per_dialect` form where the
/// collation is named per dialect.
fn collation_call(verb: &str, c: &crate::ops::SqlText) -> String {
    let per_dialect: Vec<String> = [
        (crate::Dialect::Postgres, &c.postgres),
        (crate::Dialect::Sqlite, &c.sqlite),
        (crate::Dialect::Mysql, &c.mysql),
        (crate::Dialect::Mariadb, &c.mariadb),
    ]
    .into_iter()
    .filter_map(|(d, name)| {
        name.as_ref()
            .map(|n| format!("({}, {})", dialect_path(d), lit(n)))
    })
    .collect();
    match (&c.portable, per_dialect.is_empty()) {
        (Some(name), true) => format!(".{verb}({})", lit(name)),
        _ => format!(".{verb}_per_dialect(&[{}])", per_dialect.join(", ")),
    }
}

fn dialect_list(dialects: &[crate::Dialect]) -> String {
    let paths: Vec<String> = dialects.iter().map(|d| dialect_path(*d)).collect();
    format!("&[{}]", paths.join(", "))
}

/// The short name a check was given, when the naming convention turns it into the full one.
fn check_short_name<'a>(table: &str, full: &'a str, naming: &NamingConvention) -> Option<&'a str> {
    (1..=full.len())
        .map(|i| full.len() - i)
        .filter(|&start| full.is_char_boundary(start))
        .map(|start| &full[start..])
        .find(|short| naming.check(table, short) == full)
        // `#[migration]` refuses a short name that starts with `ck_TABLE_` (passed through the
        // convention twice, usually by mistake): such a check keeps its full name as written.
        .filter(|short| schema_core::names::check_name_after_prefix(table, short).is_none())
}

fn add_constraint(table: &str, constraint: &Constraint, naming: &NamingConvention) -> String {
    // An unnamed constraint cannot be added: it takes the convention's name (noted above it).
    let named = |s: String, conventional: bool, name: &str| {
        if conventional || name.is_empty() {
            s
        } else {
            format!("{s}.name({})", lit(name))
        }
    };
    match constraint {
        Constraint::PrimaryKey(k) => named(
            format!(
                "op.create_primary_key({}, {})",
                lit(table),
                list(&k.columns)
            ),
            k.name == naming.primary_key(table),
            &k.name,
        ),
        Constraint::Unique(k) => named(
            format!("op.create_unique({}, {})", lit(table), list(&k.columns)),
            k.name == naming.unique(table, &k.columns),
            &k.name,
        ),
        Constraint::Check(ck) if ck.name.is_empty() => format!(
            "op.create_check{}({}{}, \"unnamed\", {})",
            check_on(ck).0,
            check_on(ck).1,
            lit(table),
            lit(&ck.expr)
        ),
        Constraint::Check(ck) => match check_short_name(table, &ck.name, naming) {
            Some(short) => format!(
                "op.create_check{}({}{}, {}, {})",
                check_on(ck).0,
                check_on(ck).1,
                lit(table),
                lit(short),
                lit(&ck.expr)
            ),
            None => format!(
                "op.create_check{}({}{}, {}, {}).name({})",
                check_on(ck).0,
                check_on(ck).1,
                lit(table),
                lit(&ck.name),
                lit(&ck.expr),
                lit(&ck.name)
            ),
        },
        Constraint::ForeignKey(fk) => {
            let mut s = format!(
                "op.create_foreign_key({}, {}, {}, {}){}",
                lit(table),
                list(&fk.columns),
                lit(&fk.ref_table),
                list(&fk.ref_columns),
                fk_options(fk)
            );
            if let Some(d) = fk.deferrable {
                let _ = write!(s, ".deferrable(Deferrable::{d:?})");
            }
            named(
                s,
                fk.name == naming.foreign_key(table, &fk.columns, &fk.ref_table),
                &fk.name,
            )
        }
    }
}

fn create_table(def: &TableDef, if_not_exists: bool, naming: &NamingConvention) -> String {
    let table = &def.name;
    let mut body = String::new();
    let single = |cols: &[String], name: &str| cols.len() == 1 && cols[0] == name;
    let pk = def.primary_key.as_ref();
    // An unnamed sole identity key renders as the convention's would (SQLite declares it
    // inline, without the default name), so it stays `.primary_key()`.
    let pk_inline = pk.is_some_and(|k| {
        k.name == naming.primary_key(table)
            || (k.name.is_empty()
                && matches!(k.columns.as_slice(), [c] if def.column(c).is_some_and(|c| c.identity)))
    });
    let mut table_level = Vec::new();
    for column in &def.columns {
        let mut s = format!("t.column({}, {})", lit(&column.name), rust_type(&column.ty));
        let in_pk = pk.is_some_and(|k| k.columns.contains(&column.name));
        if in_pk && pk_inline {
            s.push_str(".primary_key()");
        }
        if column.identity {
            s.push_str(&identity_calls(column));
        }
        let implied = column.identity || (in_pk && pk_inline);
        if !column.nullable && !implied {
            s.push_str(".not_null()");
        }
        if let Some(d) = &column.default {
            s.push_str(&default_call("", d));
        }
        s.push_str(&generated_call(column));
        if let Some(c) = &column.comment {
            let _ = write!(s, ".comment({})", lit(c));
        }
        if let Some(c) = &column.collation {
            s.push_str(&collation_call("collate", c));
        }
        for ck in def
            .checks
            .iter()
            .filter(|ck| ck.column.as_deref() == Some(column.name.as_str()))
        {
            let _ = write!(s, ".check_named({}, {})", lit(&ck.name), lit(&ck.expr));
        }
        if def
            .uniques
            .iter()
            .any(|k| single(&k.columns, &column.name) && k.name == naming.unique(table, &k.columns))
        {
            s.push_str(".unique()");
        }
        if let Some(fk) = def.foreign_keys.iter().find(|fk| {
            single(&fk.columns, &column.name)
                && fk.deferrable.is_none()
                && fk.name == naming.foreign_key(table, &fk.columns, &fk.ref_table)
        }) {
            let _ = write!(
                s,
                ".references({}, {}){}",
                lit(&fk.ref_table),
                lit(&fk.ref_columns[0]),
                fk_options(fk)
            );
        }
        let _ = writeln!(body, "        {s};");
    }
    if let Some(k) = pk.filter(|_| !pk_inline) {
        table_level.push(format!("t.primary_key({})", list(&k.columns)));
        if k.name.is_empty() {
            table_level.push("t.primary_key_unnamed()".to_owned());
        } else {
            table_level.push(format!("t.primary_key_name({})", lit(&k.name)));
        }
    }
    for k in &def.uniques {
        let inline = k.columns.len() == 1 && k.name == naming.unique(table, &k.columns);
        if inline {
            continue;
        }
        if k.name == naming.unique(table, &k.columns) {
            table_level.push(format!("t.unique({})", list(&k.columns)));
        } else if k.name.is_empty() {
            table_level.push(format!("t.unique_unnamed({})", list(&k.columns)));
        } else {
            table_level.push(format!(
                "t.unique_named({}, {})",
                lit(&k.name),
                list(&k.columns)
            ));
        }
    }
    for fk in &def.foreign_keys {
        let inline = fk.columns.len() == 1
            && fk.deferrable.is_none()
            && fk.name == naming.foreign_key(table, &fk.columns, &fk.ref_table);
        if inline {
            continue;
        }
        let mut s = format!(
            "t.foreign_key({}, {}, {}){}",
            list(&fk.columns),
            lit(&fk.ref_table),
            list(&fk.ref_columns),
            fk_options(fk)
        );
        if let Some(d) = fk.deferrable {
            let _ = write!(s, ".deferrable(Deferrable::{d:?})");
        }
        if fk.name.is_empty() {
            s.push_str(".unnamed()");
        } else if fk.name != naming.foreign_key(table, &fk.columns, &fk.ref_table) {
            let _ = write!(s, ".name({})", lit(&fk.name));
        }
        table_level.push(s);
    }
    for ck in def
        .checks
        .iter()
        .filter(|ck| ck.column.as_ref().is_none_or(|c| def.column(c).is_none()))
    {
        if ck.name.is_empty() && ck.only_on.is_empty() {
            table_level.push(format!("t.check_unnamed({})", lit(&ck.expr)));
            continue;
        }
        match check_short_name(table, &ck.name, naming) {
            Some(short) => table_level.push(format!(
                "t.check{}({}{}, {})",
                check_on(ck).0,
                check_on(ck).1,
                lit(short),
                lit(&ck.expr)
            )),
            None => table_level.push(format!(
                "t.check_named({}, {})",
                lit(&ck.name),
                lit(&ck.expr)
            )),
        }
    }
    if let Some(c) = &def.comment {
        table_level.push(format!("t.comment({})", lit(c)));
    }
    if let Some(engine) = &def.mysql_engine {
        table_level.push(format!("t.mysql_engine({})", lit(engine)));
    }
    if let Some(collation) = &def.mysql_collation {
        table_level.push(format!("t.mysql_collate({})", lit(collation)));
    }
    for s in table_level {
        let _ = writeln!(body, "        {s};");
    }
    format!(
        "    op.create_table({}, |t| {{\n{body}    }}){};\n",
        lit(table),
        if if_not_exists {
            ".if_not_exists()"
        } else {
            ""
        }
    )
}

/// `.generated_stored(expr)` / `.generated_virtual(expr)` for a generated column, else nothing.
fn generated_call(column: &crate::ops::ColumnDef) -> String {
    let Some(g) = &column.generated else {
        return String::new();
    };
    let kind = if g.stored { "stored" } else { "virtual" };
    if g.dialects.is_empty() {
        return format!(".generated_{kind}({})", lit(&g.expr));
    }
    let dialects: Vec<String> = g
        .dialects
        .iter()
        .map(|(d, e)| format!("({}, {})", dialect_path(*d), lit(e)))
        .collect();
    format!(
        ".generated_{kind}_per_dialect({}, &[{}])",
        lit(&g.expr),
        dialects.join(", ")
    )
}

/// `.identity()`, or the calls that say its options (`.serial()`, `.identity_always()`,
/// `.identity_start(100)`, ...), each of which implies `.identity()`.
fn identity_calls(column: &crate::ops::ColumnDef) -> String {
    let o = &column.identity_options;
    if o.is_default() {
        return ".identity()".into();
    }
    let mut s = String::new();
    if o.serial {
        s.push_str(".serial()");
    }
    if o.always {
        s.push_str(".identity_always()");
    }
    if let Some(n) = o.start {
        let _ = write!(s, ".identity_start({n})");
    }
    if let Some(n) = o.increment {
        let _ = write!(s, ".identity_increment({n})");
    }
    if o.min_value.is_some() || o.max_value.is_some() {
        let _ = write!(s, ".identity_bounds({:?}, {:?})", o.min_value, o.max_value);
    }
    if let Some(n) = o.cache {
        let _ = write!(s, ".identity_cache({n})");
    }
    if o.autoincrement {
        s.push_str(".identity_autoincrement()");
    }
    if o.cycle {
        s.push_str(".identity_cycle()");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::{CheckDef, KeyDef};

    #[test]
    fn a_check_named_outside_ascii_finds_its_short_name() {
        // Sliced at a byte that is not a character boundary before: a panic.
        let naming = NamingConvention::default();
        let full = naming.check("prix", "positivé_ü");
        assert_eq!(check_short_name("prix", &full, &naming), Some("positivé_ü"));
        assert_eq!(check_short_name("prix", "ck_autre_é", &naming), None);
    }

    /// An unnamed constraint of the database that a diff adds (autogenerate from a SQLite
    /// database) takes the naming convention's name, said in a note; in `create_table` it
    /// stays unnamed.
    #[test]
    fn unnamed_constraints_are_declared_unnamed_in_tables_and_named_when_added() {
        let naming = NamingConvention::default();
        let check = CheckDef {
            name: String::new(),
            expr: "value <> 0".into(),
            column: None,
            only_on: Vec::new(),
        };
        let fk = ForeignKeyDef {
            name: String::new(),
            columns: vec!["user_id".into()],
            ref_table: "users".into(),
            ref_columns: vec!["id".into()],
            on_delete: None,
            on_update: None,
            deferrable: None,
        };
        let added: Vec<Change> = [
            Constraint::Check(check.clone()),
            Constraint::ForeignKey(fk.clone()),
        ]
        .into_iter()
        .map(|constraint| Change {
            op: Op::AddConstraint {
                table: "votes".into(),
                constraint,
            },
            note: None,
        })
        .collect();
        let code = render_ops(&added, &naming);
        assert!(
            code.contains("    op.create_check(\"votes\", \"unnamed\", \"value <> 0\");\n"),
            "{code}"
        );
        assert!(
            code.contains(
                "    op.create_foreign_key(\"votes\", [\"user_id\"], \"users\", [\"id\"]);\n"
            ),
            "{code}"
        );
        assert_eq!(
            code.matches("// NOTE: the database holds this constraint unnamed")
                .count(),
            2,
            "{code}"
        );
        let table = TableDef {
            name: "votes".into(),
            columns: vec![
                crate::ops::ColumnDef::new("user_id", crate::types::Type::BigInt),
                crate::ops::ColumnDef::new("value", crate::types::Type::Integer),
            ],
            primary_key: Some(KeyDef {
                name: String::new(),
                columns: vec!["user_id".into(), "value".into()],
            }),
            uniques: vec![KeyDef {
                name: String::new(),
                columns: vec!["value".into()],
            }],
            foreign_keys: vec![fk],
            checks: vec![check],
            ..TableDef::default()
        };
        let code = create_table(&table, false, &naming);
        for call in [
            "t.primary_key([\"user_id\", \"value\"]);\n        t.primary_key_unnamed();",
            "t.unique_unnamed([\"value\"]);",
            "t.foreign_key([\"user_id\"], \"users\", [\"id\"]).unnamed();",
            "t.check_unnamed(\"value <> 0\");",
        ] {
            assert!(code.contains(call), "no `{call}` in:\n{code}");
        }
    }

    #[test]
    fn an_empty_name_list_has_its_type_spelled_out() {
        let index = IndexDef {
            name: "ix_users_lower_email".into(),
            table: "users".into(),
            keys: vec![IndexKey::expression("lower(email)")],
            unique: true,
            ..IndexDef::default()
        };
        assert_eq!(
            create_index(&index, &NamingConvention::default()),
            "op.create_index(\"users\", [] as [&str; 0]).unique().expression(\"lower(email)\").name(\"ix_users_lower_email\")"
        );
    }
}
