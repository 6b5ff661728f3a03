//! The canonical form of a revision's ops: one line per op, every field named, text quoted with
//! escapes, rows as their count and digest. Its SHA-256 is the revision's checksum, so the
//! checksum depends on what the revision says, not on how a version of the renderers spells it
//! in SQL nor on the revisions before it.
//!
//! The form is versioned (`FORMAT`). Rule for later versions: a field added to an op is written
//! only when it differs from its default, so revisions written before it keep their checksum.

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use super::{
    AlterColumn, CheckDef, ColumnDef, Constraint, Deferrable, EnumPosition, FkAction,
    ForeignKeyDef, IndexDef, IndexKey, KeyDef, KeyPart, NullsOrder, Op, Rows, SetValue, SqlText,
    TableDef,
};
use crate::types::{ServerDefault, Type, Value};

/// The first line of the canonical form: which version of it follows.
pub const FORMAT: &str = "cargo-schema ops 1";

/// The canonical form of `ops` (upgrade ops of a revision), `transactional` included.
///
/// ```
/// use schema_runtime::prelude::*;
/// use schema_runtime::ops::canonical;
/// let mut op = Ops::new();
/// op.add_column("users", "email", Type::String(255)).not_null();
/// let text = canonical::text(op.ops(), true);
/// assert!(text.contains(r#"add_column table="users" column={name="email" type=String(255) null=false"#), "{text}");
/// ```
pub fn text(ops: &[Op], transactional: bool) -> String {
    let mut out = String::new();
    out.push_str(FORMAT);
    out.push('\n');
    if !transactional {
        out.push_str("transactional=false\n");
    }
    for op in ops {
        write_op(&mut out, op);
        out.push('\n');
    }
    out
}

/// The checksum of a revision: SHA-256 of [`text`], in upper-case hex (the recorded checksums of
/// earlier versions, over rendered SQL, are lower-case).
pub fn checksum(ops: &[Op], transactional: bool) -> String {
    checksum_of_text(&text(ops, transactional))
}

/// The checksum of a canonical form [`text`] made.
pub fn checksum_of_text(text: &str) -> String {
    format!("{:X}", Sha256::digest(text.as_bytes()))
}

/// Whether `checksum` is of this form (upper-case hex) rather than the SQL form of earlier
/// versions (lower-case hex).
pub fn is_canonical(checksum: &str) -> bool {
    !checksum.bytes().any(|b| b.is_ascii_lowercase())
}

fn q(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn opt(out: &mut String, value: Option<&str>) {
    match value {
        Some(v) => q(out, v),
        None => out.push_str("none"),
    }
}

fn list(out: &mut String, items: &[String]) {
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        q(out, item);
    }
    out.push(']');
}

fn ty(out: &mut String, t: &Type) {
    match t {
        Type::SmallInt => out.push_str("SmallInt"),
        Type::Integer => out.push_str("Integer"),
        Type::BigInt => out.push_str("BigInt"),
        Type::Boolean => out.push_str("Boolean"),
        Type::Real => out.push_str("Real"),
        Type::Double => out.push_str("Double"),
        Type::Numeric(p, s) => {
            let _ = write!(out, "Numeric({p},{s})");
        }
        Type::String(n) => {
            let _ = write!(out, "String({n})");
        }
        Type::Text => out.push_str("Text"),
        Type::Bytes => out.push_str("Bytes"),
        Type::Date => out.push_str("Date"),
        Type::Time => out.push_str("Time"),
        Type::Timestamp => out.push_str("Timestamp"),
        Type::TimestampTz => out.push_str("TimestampTz"),
        Type::Uuid => out.push_str("Uuid"),
        Type::Json => out.push_str("Json"),
        // Variants added later write names no earlier variant writes, so every existing
        // revision keeps its checksum.
        Type::Varchar => out.push_str("Varchar"),
        Type::Float(p) => {
            let _ = write!(out, "Float({p})");
        }
        Type::TimePrecision(p) => {
            let _ = write!(out, "TimePrecision({p})");
        }
        Type::TimestampPrecision(p) => {
            let _ = write!(out, "TimestampPrecision({p})");
        }
        Type::TimestampTzPrecision(p) => {
            let _ = write!(out, "TimestampTzPrecision({p})");
        }
        Type::DateTime => out.push_str("DateTime"),
        Type::Enum(name) => {
            out.push_str("Enum(");
            q(out, name);
            out.push(')');
        }
        Type::Custom(sql) => {
            out.push_str("Custom(");
            q(out, sql);
            out.push(')');
        }
    }
}

fn value(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => {
            let _ = write!(out, "{b}");
        }
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        // The bits: the same float always writes the same.
        Value::Float(f) => {
            let _ = write!(out, "f{:016x}", f.to_bits());
        }
        Value::Str(s) => q(out, s),
        // The typed values: a prefix no earlier value writes, then the text as written.
        Value::Decimal(s) => tagged(out, "decimal", s),
        Value::Date(s) => tagged(out, "date", s),
        Value::Time(s) => tagged(out, "time", s),
        Value::Timestamp(s) => tagged(out, "timestamp", s),
        Value::TimestampTz(s) => tagged(out, "timestamptz", s),
        Value::Uuid(s) => tagged(out, "uuid", s),
        Value::Json(s) => tagged(out, "json", s),
    }
}

fn tagged(out: &mut String, tag: &str, text: &str) {
    out.push_str(tag);
    out.push(':');
    q(out, text);
}

fn default(out: &mut String, d: Option<&ServerDefault>) {
    match d {
        None => out.push_str("none"),
        Some(ServerDefault::Value(v)) => value(out, v),
        Some(ServerDefault::Now) => out.push_str("now"),
        Some(ServerDefault::Expr(e)) => {
            out.push_str("expr:");
            q(out, e);
        }
        Some(ServerDefault::ExprPerDialect { portable, dialects }) => {
            out.push_str("expr:");
            q(out, portable);
            for (d, e) in dialects {
                out.push_str(&format!(" {}=", d.name()));
                q(out, e);
            }
        }
    }
}

fn column(out: &mut String, c: &ColumnDef) {
    out.push_str("{name=");
    q(out, &c.name);
    out.push_str(" type=");
    ty(out, &c.ty);
    let _ = write!(out, " null={}", c.nullable);
    out.push_str(" default=");
    default(out, c.default.as_ref());
    if c.identity {
        out.push_str(" identity=true");
        // Only what differs from the default, so revisions written before options existed
        // keep their checksums.
        let o = &c.identity_options;
        if !o.is_default() {
            out.push_str(" identity_options=");
            if o.always {
                out.push_str("always,");
            }
            if o.serial {
                out.push_str("serial,");
            }
            if o.autoincrement {
                out.push_str("autoincrement,");
            }
            q(out, &o.sequence_sql());
        }
    }
    if let Some(comment) = &c.comment {
        out.push_str(" comment=");
        q(out, comment);
    }
    // Only when set, so columns written before collations existed keep their checksums.
    if let Some(collation) = &c.collation {
        out.push_str(" collation=");
        sql_text(out, collation);
    }
    // Only when set, so revisions written before generated columns keep their checksums.
    if let Some(g) = &c.generated {
        let _ = write!(out, " generated={}:", g.kind().to_ascii_lowercase());
        q(out, &g.expr);
        for (d, e) in &g.dialects {
            out.push_str(&format!(" {}=", d.name()));
            q(out, e);
        }
    }
    out.push('}');
}

fn key(out: &mut String, k: &KeyDef) {
    out.push('{');
    q(out, &k.name);
    out.push(' ');
    list(out, &k.columns);
    out.push('}');
}

fn action(a: Option<FkAction>) -> &'static str {
    match a {
        None => "none",
        Some(FkAction::NoAction) => "no_action",
        Some(FkAction::Restrict) => "restrict",
        Some(FkAction::Cascade) => "cascade",
        Some(FkAction::SetNull) => "set_null",
        Some(FkAction::SetDefault) => "set_default",
    }
}

fn foreign_key(out: &mut String, fk: &ForeignKeyDef) {
    out.push('{');
    q(out, &fk.name);
    out.push(' ');
    list(out, &fk.columns);
    out.push_str(" -> ");
    q(out, &fk.ref_table);
    list(out, &fk.ref_columns);
    let _ = write!(
        out,
        " on_delete={} on_update={}",
        action(fk.on_delete),
        action(fk.on_update)
    );
    match fk.deferrable {
        None => {}
        Some(Deferrable::InitiallyImmediate) => out.push_str(" deferrable=immediate"),
        Some(Deferrable::InitiallyDeferred) => out.push_str(" deferrable=deferred"),
    }
    out.push('}');
}

/// ` only_on=[..]` for an object some dialects have; nothing otherwise, so the objects of
/// every dialect keep their checksums.
fn only_on(out: &mut String, dialects: &[crate::Dialect]) {
    if !dialects.is_empty() {
        out.push_str(" only_on=");
        let names: Vec<String> = dialects.iter().map(|d| d.name().to_owned()).collect();
        list(out, &names);
    }
}

fn check(out: &mut String, ck: &CheckDef) {
    out.push('{');
    q(out, &ck.name);
    out.push(' ');
    q(out, &ck.expr);
    // Only when set, so checks written before column-level ones existed keep their checksum.
    if let Some(column) = &ck.column {
        out.push_str(" column=");
        q(out, column);
    }
    only_on(out, &ck.only_on);
    out.push('}');
}

fn constraint(out: &mut String, c: &Constraint) {
    match c {
        Constraint::PrimaryKey(k) => {
            out.push_str("primary_key");
            key(out, k);
        }
        Constraint::Unique(k) => {
            out.push_str("unique");
            key(out, k);
        }
        Constraint::ForeignKey(fk) => {
            out.push_str("foreign_key");
            foreign_key(out, fk);
        }
        Constraint::Check(ck) => {
            out.push_str("check");
            check(out, ck);
        }
    }
}

fn table(out: &mut String, def: &TableDef) {
    q(out, &def.name);
    out.push_str(" columns=[");
    for (i, c) in def.columns.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        column(out, c);
    }
    out.push(']');
    if let Some(pk) = &def.primary_key {
        out.push_str(" primary_key=");
        key(out, pk);
    }
    for k in &def.uniques {
        out.push_str(" unique=");
        key(out, k);
    }
    for fk in &def.foreign_keys {
        out.push_str(" foreign_key=");
        foreign_key(out, fk);
    }
    for ck in &def.checks {
        out.push_str(" check=");
        check(out, ck);
    }
    if let Some(comment) = &def.comment {
        out.push_str(" comment=");
        q(out, comment);
    }
    // Only when set, so tables written before these options existed keep their checksums.
    if let Some(engine) = &def.mysql_engine {
        out.push_str(" mysql_engine=");
        q(out, engine);
    }
    if let Some(collation) = &def.mysql_collation {
        out.push_str(" mysql_collation=");
        q(out, collation);
    }
}

fn index(out: &mut String, i: &IndexDef) {
    q(out, &i.name);
    out.push_str(" on ");
    q(out, &i.table);
    out.push(' ');
    // Plain columns, then plain expressions: written as before keys had options, so revisions
    // written then keep their checksum. Anything else lists every key with its options.
    let first_expression = i
        .keys
        .iter()
        .position(|k| matches!(k.part, KeyPart::Expression(_)))
        .unwrap_or(i.keys.len());
    let old_shape = i.keys.iter().all(|k| !k.has_options())
        && i.keys[first_expression..]
            .iter()
            .all(|k| matches!(k.part, KeyPart::Expression(_)));
    if old_shape {
        list(out, &i.columns());
        let expressions: Vec<String> = i.expressions().map(str::to_owned).collect();
        if !expressions.is_empty() {
            out.push_str(" expressions=");
            list(out, &expressions);
        }
    } else {
        out.push_str("keys=[");
        for (n, k) in i.keys.iter().enumerate() {
            if n > 0 {
                out.push(',');
            }
            index_key(out, k);
        }
        out.push(']');
    }
    if i.unique {
        out.push_str(" unique");
    }
    if let Some(p) = &i.predicate {
        out.push_str(" where=");
        q(out, p);
    }
    if i.partial_or_plain {
        out.push_str(" or_plain");
    }
    only_on(out, &i.only_on);
    if !i.include.is_empty() {
        out.push_str(" include=");
        list(out, &i.include);
    }
    if let Some(method) = &i.method {
        out.push_str(" using=");
        q(out, method);
    }
}

fn index_key(out: &mut String, k: &IndexKey) {
    out.push('{');
    match &k.part {
        KeyPart::Column(c) => {
            out.push_str("column=");
            q(out, c);
        }
        KeyPart::Expression(e) => {
            out.push_str("expression=");
            q(out, e);
        }
    }
    if k.descending {
        out.push_str(" desc");
    }
    match k.nulls {
        Some(NullsOrder::First) => out.push_str(" nulls=first"),
        Some(NullsOrder::Last) => out.push_str(" nulls=last"),
        None => {}
    }
    if let Some(opclass) = &k.opclass {
        out.push_str(" opclass=");
        q(out, opclass);
    }
    if let Some(collation) = &k.collation {
        out.push_str(" collate=");
        q(out, collation);
    }
    if let Some(prefix) = k.prefix {
        let _ = write!(out, " prefix={prefix}");
    }
    out.push('}');
}

fn rows(out: &mut String, r: &Rows) {
    let digest = r.digest();
    let _ = write!(out, " rows={} sha256=", r.len());
    for b in digest {
        let _ = write!(out, "{b:02x}");
    }
}

fn sql_text(out: &mut String, t: &SqlText) {
    for (name, v) in [
        ("portable", &t.portable),
        ("postgres", &t.postgres),
        ("sqlite", &t.sqlite),
        ("mysql", &t.mysql),
        ("mariadb", &t.mariadb),
    ] {
        if let Some(v) = v {
            let _ = write!(out, " {name}=");
            q(out, v);
        }
    }
}

fn alter(out: &mut String, a: &AlterColumn) {
    q(out, &a.table);
    out.push('.');
    q(out, &a.column);
    if let Some(t) = &a.ty {
        out.push_str(" type=");
        ty(out, t);
    }
    if let Some(using) = &a.using {
        out.push_str(" using=");
        q(out, using);
    }
    if let Some(n) = a.nullable {
        let _ = write!(out, " null={n}");
    }
    if let Some(d) = &a.default {
        out.push_str(" default=");
        default(out, d.as_ref());
    }
    if let Some(r) = &a.rename {
        out.push_str(" rename=");
        q(out, r);
    }
    if let Some(c) = &a.comment {
        out.push_str(" comment=");
        opt(out, c.as_deref());
    }
    if let Some(i) = a.identity {
        let _ = write!(out, " identity={i}");
    }
    if let Some(c) = &a.collation {
        out.push_str(" collation=");
        match c {
            Some(c) => sql_text(out, c),
            None => out.push_str("default"),
        }
    }
    // New with identity option changes: only when set, so older alters keep their text.
    if let Some(changes) = a.identity_options.filter(|c| !c.is_empty()) {
        out.push_str(" identity_options=[");
        if let Some(always) = changes.always {
            let _ = write!(out, " always={always}");
        }
        sequence_changes(out, &changes.sequence);
        out.push_str(" ]");
    }
}

/// Sequence options as `start=1000 increment=1 ... cycle`, only those set.
fn sequence_options(out: &mut String, o: &crate::ops::SequenceOptions) {
    for (name, v) in [
        ("start", o.start),
        ("increment", o.increment),
        ("min", o.min_value),
        ("max", o.max_value),
        ("cache", o.cache),
    ] {
        if let Some(v) = v {
            let _ = write!(out, " {name}={v}");
        }
    }
    if o.cycle {
        out.push_str(" cycle");
    }
}

/// Sequence changes as `increment=10 max=none cycle=false`, only those made.
fn sequence_changes(out: &mut String, c: &crate::ops::SequenceChanges) {
    for (name, v) in [
        ("start", c.start),
        ("increment", c.increment),
        ("min", c.min_value),
        ("max", c.max_value),
        ("cache", c.cache),
    ] {
        match v {
            Some(Some(v)) => {
                let _ = write!(out, " {name}={v}");
            }
            Some(None) => {
                let _ = write!(out, " {name}=none");
            }
            None => {}
        }
    }
    if let Some(cycle) = c.cycle {
        let _ = write!(out, " cycle={cycle}");
    }
}

fn write_op(out: &mut String, op: &Op) {
    out.push_str(op.kind());
    out.push(' ');
    match op {
        Op::CreateTable { def, if_not_exists } => {
            table(out, def);
            if *if_not_exists {
                out.push_str(" if_not_exists");
            }
        }
        Op::DropTable { table, if_exists } => {
            q(out, table);
            if *if_exists {
                out.push_str(" if_exists");
            }
        }
        Op::RenameTable { from, to } => {
            q(out, from);
            out.push_str(" -> ");
            q(out, to);
        }
        Op::SetTableComment { table, comment } => {
            q(out, table);
            out.push_str(" comment=");
            opt(out, comment.as_deref());
        }
        Op::AddColumn {
            table,
            column: c,
            unique,
            foreign_key: fk,
        } => {
            out.push_str("table=");
            q(out, table);
            out.push_str(" column=");
            column(out, c);
            if let Some(name) = unique {
                out.push_str(" unique=");
                q(out, name);
            }
            if let Some(fk) = fk {
                out.push_str(" foreign_key=");
                foreign_key(out, fk);
            }
        }
        Op::DropColumn { table, column } => {
            q(out, table);
            out.push('.');
            q(out, column);
        }
        Op::AlterColumn(a) => alter(out, a),
        Op::CreateIndex {
            index: i,
            concurrently,
            if_not_exists,
        } => {
            index(out, i);
            if *concurrently {
                out.push_str(" concurrently");
            }
            if *if_not_exists {
                out.push_str(" if_not_exists");
            }
        }
        Op::DropIndex {
            name,
            table,
            concurrently,
            if_exists,
        } => {
            q(out, name);
            if let Some(table) = table {
                out.push_str(" table=");
                q(out, table);
            }
            if *concurrently {
                out.push_str(" concurrently");
            }
            if *if_exists {
                out.push_str(" if_exists");
            }
        }
        Op::AddConstraint {
            table,
            constraint: c,
        } => {
            q(out, table);
            out.push(' ');
            constraint(out, c);
        }
        Op::DropConstraint { table, name } => {
            q(out, table);
            out.push(' ');
            q(out, name);
        }
        Op::CreateEnum(e) => {
            q(out, &e.name);
            out.push(' ');
            list(out, &e.values);
        }
        Op::DropEnum { name } => q(out, name),
        Op::AddEnumValue {
            name,
            value,
            position,
        } => {
            q(out, name);
            out.push(' ');
            q(out, value);
            match position {
                None => {}
                Some(EnumPosition::Before(v)) => {
                    out.push_str(" before=");
                    q(out, v);
                }
                Some(EnumPosition::After(v)) => {
                    out.push_str(" after=");
                    q(out, v);
                }
            }
        }
        Op::RenameEnumValue { name, from, to } => {
            q(out, name);
            out.push(' ');
            q(out, from);
            out.push_str(" -> ");
            q(out, to);
        }
        Op::DropEnumValue { name, value } => {
            q(out, name);
            out.push(' ');
            q(out, value);
        }
        Op::CreateSequence(def) => {
            q(out, &def.name);
            sequence_options(out, &def.options);
        }
        Op::DropSequence { name } => q(out, name),
        Op::RenameSequence { from, to } => {
            q(out, from);
            out.push_str(" -> ");
            q(out, to);
        }
        Op::AlterSequence { name, changes } => {
            q(out, name);
            sequence_changes(out, changes);
        }
        Op::BulkInsert {
            table,
            columns,
            rows: r,
            only_on: dialects,
        }
        | Op::DeleteRows {
            table,
            columns,
            rows: r,
            only_on: dialects,
        } => {
            q(out, table);
            out.push(' ');
            list(out, columns);
            rows(out, r);
            only_on(out, dialects);
        }
        Op::Update {
            table,
            set,
            predicate,
            only_on: dialects,
        } => {
            q(out, table);
            for (c, v) in set {
                out.push_str(" set ");
                q(out, c);
                out.push('=');
                match v {
                    SetValue::Value(v) => value(out, v),
                    SetValue::Expr(e) => {
                        out.push_str("expr:");
                        q(out, e);
                    }
                }
            }
            if let Some(p) = predicate {
                out.push_str(" where=");
                q(out, p);
            }
            only_on(out, dialects);
        }
        Op::Sql(raw) => {
            out.push_str("up:");
            sql_text(out, &raw.up);
            if let Some(down) = &raw.down {
                out.push_str(" down:");
                sql_text(out, down);
            }
            only_on(out, &raw.only_on);
            // Only when declared, so raw SQL written before declarations keeps its checksum.
            if !raw.effects.is_empty() {
                out.push_str(" effects=[");
                for effect in &raw.effects {
                    write_op(out, effect);
                    out.push(';');
                }
                out.push(']');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::{DataMode, Ops};
    use crate::row;

    #[test]
    fn digested_rows_give_the_checksum_of_loaded_rows() {
        let build = |op: &mut Ops| {
            op.create_table("t", |t| {
                t.column("id", Type::Integer).primary_key();
                t.column("name", Type::Text);
            });
            op.bulk_insert(
                "t",
                ["id", "name"],
                (0..1000).map(|i| row![i, format!("n{i}")]),
            );
        };
        let mut kept = Ops::new();
        build(&mut kept);
        let mut digested = Ops::new().with_data_mode(DataMode::Digest);
        build(&mut digested);
        assert_eq!(checksum(kept.ops(), true), checksum(digested.ops(), true));
        let mut other = Ops::new();
        other.create_table("t", |t| {
            t.column("id", Type::Integer).primary_key();
            t.column("name", Type::Text);
        });
        other.bulk_insert(
            "t",
            ["id", "name"],
            (0..1000).map(|i| row![i, format!("m{i}")]),
        );
        assert_ne!(checksum(kept.ops(), true), checksum(other.ops(), true));
        assert!(is_canonical(&checksum(kept.ops(), true)));
        assert!(!is_canonical(
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        ));
    }

    /// The canonical text of the types and values that existed before the portable types of
    /// issue 16 is pinned: a revision's checksum must never change under it.
    #[test]
    fn existing_types_and_values_keep_their_canonical_text() {
        let mut op = Ops::new();
        op.create_table("t", |t| {
            for (i, ty) in [
                Type::SmallInt,
                Type::Integer,
                Type::BigInt,
                Type::Boolean,
                Type::Real,
                Type::Double,
                Type::Numeric(12, 2),
                Type::String(20),
                Type::Text,
                Type::Bytes,
                Type::Date,
                Type::Time,
                Type::Timestamp,
                Type::TimestampTz,
                Type::Uuid,
                Type::Json,
            ]
            .into_iter()
            .enumerate()
            {
                t.column(&format!("c{i}"), ty);
            }
        });
        op.update("t")
            .set("c0", Value::Null)
            .set("c1", true)
            .set("c2", -3)
            .set("c3", 0.5)
            .set("c4", "s");
        op.bulk_insert("t", ["c1", "c8"], [row![1, "a"], row![2, None::<&str>]]);
        let text = text(op.ops(), true);
        let types = "SmallInt,Integer,BigInt,Boolean,Real,Double,Numeric(12,2),String(20),Text,Bytes,Date,Time,Timestamp,TimestampTz,Uuid,Json";
        let written: Vec<&str> = text
            .split("type=")
            .skip(1)
            .map(|s| s.split([' ', '}']).next().unwrap())
            .collect();
        assert_eq!(written.join(","), types, "{text}");
        assert!(
            text.contains(
                r#"set "c0"=null set "c1"=true set "c2"=-3 set "c3"=f3fe0000000000000 set "c4"="s""#
            ),
            "{text}"
        );
        assert_eq!(
            checksum(op.ops(), true),
            "319FBCF138D05D466D5B1FD2F8F15BF0F696A416C79C3942A806D3B46DB5D32A",
            "{text}"
        );
    }

    /// `.identity()` keeps the text it had when it rendered `AUTOINCREMENT` on SQLite (applied
    /// revisions keep their checksums); `.identity_autoincrement()` and unnamed constraints
    /// have their own.
    #[test]
    fn identity_keeps_its_canonical_text_and_new_options_show() {
        let column = |build: fn(&mut Ops)| {
            let mut op = Ops::new();
            build(&mut op);
            let text = text(op.ops(), true);
            let start = text.find("{name=\"id\"").expect("the id column");
            let end = start + text[start..].find('}').expect("its end");
            text[start..=end].to_owned()
        };
        assert_eq!(
            column(|op| {
                op.create_table("t", |t| {
                    t.column("id", Type::BigInt).primary_key().identity();
                });
            }),
            r#"{name="id" type=BigInt null=false default=none identity=true}"#
        );
        assert_eq!(
            column(|op| {
                op.create_table("t", |t| {
                    t.column("id", Type::BigInt)
                        .primary_key()
                        .identity_autoincrement();
                });
            }),
            r#"{name="id" type=BigInt null=false default=none identity=true identity_options=autoincrement,""}"#
        );
        let mut named = Ops::new();
        named.create_table("t", |t| {
            t.column("id", Type::BigInt).primary_key();
            t.check_named("ck_t_1", "id > 0");
        });
        let mut unnamed = Ops::new();
        unnamed.create_table("t", |t| {
            t.column("id", Type::BigInt).primary_key();
            t.check_unnamed("id > 0");
        });
        assert_ne!(checksum(named.ops(), true), checksum(unnamed.ops(), true));
    }

    #[test]
    fn a_generation_is_in_the_canonical_text_only_when_set() {
        let build = |generated: Option<(&str, bool)>| {
            let mut op = Ops::new();
            op.add_column("t", "total", Type::Integer);
            op.create_table("u", |t| {
                let c = t.column("total", Type::Integer);
                match generated {
                    Some((e, true)) => drop(c.generated_stored(e)),
                    Some((e, false)) => drop(c.generated_virtual(e)),
                    None => {}
                }
            });
            op
        };
        let plain = text(build(None).ops(), true);
        assert!(!plain.contains("generated"), "{plain}");
        let stored = text(build(Some(("a * 2", true))).ops(), true);
        assert!(stored.contains(r#"generated=stored:"a * 2""#), "{stored}");
        let checksums: Vec<String> = [
            None,
            Some(("a * 2", true)),
            Some(("a * 2", false)),
            Some(("a * 3", true)),
        ]
        .into_iter()
        .map(|g| checksum(build(g).ops(), true))
        .collect();
        let distinct: std::collections::BTreeSet<&String> = checksums.iter().collect();
        assert_eq!(distinct.len(), 4, "{checksums:?}");
        let mut per_dialect = Ops::new();
        per_dialect
            .add_column("t", "total", Type::Integer)
            .generated_stored_per_dialect("a * 2", &[(crate::Dialect::Mysql, "a * 3")]);
        let text = text(per_dialect.ops(), true);
        assert!(
            text.contains(r#"generated=stored:"a * 2" mysql="a * 3""#),
            "{text}"
        );
    }

    #[test]
    fn typed_values_and_new_types_have_their_own_canonical_text() {
        let mut a = Ops::new();
        a.update("t").set("c", "2024-01-31");
        let mut b = Ops::new();
        b.update("t").set("c", Value::date("2024-01-31"));
        assert_ne!(checksum(a.ops(), true), checksum(b.ops(), true));
        assert!(text(b.ops(), true).contains(r#"date:"2024-01-31""#));
        let rows = |v: Value| crate::ops::Rows::from(vec![vec![v]]).digest();
        assert_ne!(rows(Value::from("x")), rows(Value::json("x")));
        assert_ne!(rows(Value::uuid("x")), rows(Value::json("x")));
        let mut v = Ops::new();
        v.add_column("t", "a", Type::Varchar);
        v.add_column("t", "b", Type::Float(24));
        v.add_column("t", "c", Type::TimestampTzPrecision(3));
        v.add_column("t", "d", Type::DateTime);
        let text = text(v.ops(), true);
        for ty in [
            "Varchar",
            "Float(24)",
            "TimestampTzPrecision(3)",
            "DateTime",
        ] {
            assert!(text.contains(&format!("type={ty}")), "{text}");
        }
    }

    #[test]
    fn sequence_ops_write_only_the_options_they_set() {
        let mut op = Ops::new();
        op.create_sequence("plain");
        op.create_sequence("invoice_numbers")
            .start(1000)
            .increment(2)
            .min_value(10)
            .max_value(99)
            .cache(20)
            .cycle();
        op.alter_sequence("invoice_numbers")
            .increment(5)
            .no_max_value()
            .cycle(false);
        op.drop_sequence("plain");
        let text = text(op.ops(), true);
        assert_eq!(
            text.lines().skip(1).collect::<Vec<_>>(),
            [
                r#"create_sequence "plain""#,
                r#"create_sequence "invoice_numbers" start=1000 increment=2 min=10 max=99 cache=20 cycle"#,
                r#"alter_sequence "invoice_numbers" increment=5 max=none cycle=false"#,
                r#"drop_sequence "plain""#,
            ]
        );
    }

    #[test]
    fn transactional_and_quoting_count() {
        let mut op = Ops::new();
        op.execute("SELECT 'a\"b'");
        assert_ne!(checksum(op.ops(), true), checksum(op.ops(), false));
        assert!(text(op.ops(), true).contains(r#"portable="SELECT 'a\"b'""#));
    }
}
