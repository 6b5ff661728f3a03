//! Comparing two schemas: the ops that turn one into the other, in an order every dialect can
//! apply (enum types and sequences first, then drops that free names, new tables in foreign key
//! order, column changes, new constraints, and the drops of columns, tables, enum values and
//! sequences last).

use std::collections::{BTreeMap, BTreeSet};

use crate::ops::{
    AlterColumn, ColumnDef, Constraint, EnumDef, EnumPosition, IdentityChanges, IndexDef, Op,
    TableDef,
};
use crate::state::{Schema, Table};
use crate::types::{ServerDefault, Type};
use crate::Dialect;

/// One op of a diff, with a note for the person reviewing the generated migration.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The op.
    pub op: Op,
    /// Why the op deserves a second look (a guessed rename), if it does.
    pub note: Option<String>,
}

/// How to compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct DiffOptions {
    /// Compare types and defaults as this dialect stores them, so synonyms (MySQL's one
    /// DATETIME(6) for Timestamp and TimestampTz, SQLite's TEXT enums) are no change.
    pub dialect: Option<Dialect>,
    /// Offer a column dropped and one added with the same type in the same table as a rename.
    pub detect_renames: bool,
}

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions {
            dialect: None,
            detect_renames: true,
        }
    }
}

impl DiffOptions {
    /// Compares as `dialect` stores types and defaults (`None`: exactly).
    pub fn with_dialect(mut self, dialect: Option<Dialect>) -> Self {
        self.dialect = dialect;
        self
    }

    /// Whether a dropped and an added column of one type are offered as a rename.
    pub fn with_renames(mut self, detect: bool) -> Self {
        self.detect_renames = detect;
        self
    }
}

fn plain(op: Op) -> Change {
    Change { op, note: None }
}

fn same_type(a: &Type, b: &Type, options: &DiffOptions, from: &Schema, to: &Schema) -> bool {
    if a == b {
        return true;
    }
    match options.dialect {
        None => false,
        Some(d) => {
            let sql = d.sql();
            // Enum values keep their case; type names do not matter.
            let render = |ty: &Type, schema: &Schema| match ty {
                Type::Enum(_) => sql.type_sql(ty, schema),
                _ => sql
                    .render_type(ty, None)
                    .to_ascii_uppercase()
                    .replace(' ', ""),
            };
            render(a, from) == render(b, to)
        }
    }
}

fn same_default(
    a: &Option<ServerDefault>,
    b: &Option<ServerDefault>,
    ty: &Type,
    options: &DiffOptions,
) -> bool {
    if a == b {
        return true;
    }
    match (options.dialect, a, b) {
        (Some(d), Some(a), Some(b)) => {
            let sql = d.sql();
            sql.render_default(a, ty) == sql.render_default(b, ty)
        }
        _ => false,
    }
}

fn same_column(
    a: &ColumnDef,
    b: &ColumnDef,
    options: &DiffOptions,
    from: &Schema,
    to: &Schema,
) -> bool {
    same_type(&a.ty, &b.ty, options, from, to)
        && a.nullable == b.nullable
        && a.identity == b.identity
        && (!a.identity || identity_changes(a, b).is_empty())
        && a.comment == b.comment
        && a.collation == b.collation
        && (a.identity || same_default(&a.default, &b.default, &b.ty, options))
}

/// Whether two columns are computed alike: both plain, or both generated, stored alike, from
/// one expression up to whitespace (as check expressions are compared; a diff between a
/// database and the model gets both sides [`comparable`](crate::introspect::comparable), whose
/// expressions are normalised already).
fn same_generation(a: &ColumnDef, b: &ColumnDef) -> bool {
    let squeeze = |e: &str| e.split_whitespace().collect::<Vec<_>>().join(" ");
    match (&a.generated, &b.generated) {
        (None, None) => true,
        (Some(a), Some(b)) => {
            a.stored == b.stored
                && squeeze(&a.expr) == squeeze(&b.expr)
                && a.dialects.len() == b.dialects.len()
                && a.dialects
                    .iter()
                    .zip(&b.dialects)
                    .all(|((da, ea), (db, eb))| da == db && squeeze(ea) == squeeze(eb))
        }
        _ => false,
    }
}

/// What makes a constraint the same, whatever its name.
fn constraint_key(c: &Constraint) -> String {
    match c {
        Constraint::PrimaryKey(k) => format!("pk {}", k.columns.join(",")),
        Constraint::Unique(k) => format!("uq {}", k.columns.join(",")),
        Constraint::ForeignKey(fk) => format!(
            "fk {} -> {}({}) {:?} {:?} {:?}",
            fk.columns.join(","),
            fk.ref_table,
            fk.ref_columns.join(","),
            fk.on_delete,
            fk.on_update,
            fk.deferrable
        ),
        Constraint::Check(ck) => format!(
            "ck {}",
            ck.expr.split_whitespace().collect::<Vec<_>>().join(" ")
        ),
    }
}

/// What makes two indexes of one name the same index (everything but the name and table).
fn index_key(
    i: &IndexDef,
) -> (
    &[crate::ops::IndexKey],
    bool,
    Option<&String>,
    &[String],
    Option<&String>,
) {
    (
        &i.keys,
        i.unique,
        i.predicate.as_ref(),
        &i.include,
        i.method.as_ref(),
    )
}

/// Tables in an order where each comes after the tables its foreign keys reference (cycles
/// broken arbitrarily; their foreign keys are then added afterwards).
fn foreign_key_order<'a>(tables: &[&'a TableDef]) -> Vec<&'a TableDef> {
    let names: BTreeSet<&str> = tables.iter().map(|t| t.name.as_str()).collect();
    let mut placed: BTreeSet<&str> = BTreeSet::new();
    let mut order = Vec::new();
    let mut remaining: Vec<&TableDef> = tables.to_vec();
    while !remaining.is_empty() {
        let ready = remaining.iter().position(|t| {
            t.foreign_keys.iter().all(|fk| {
                fk.ref_table == t.name
                    || !names.contains(fk.ref_table.as_str())
                    || placed.contains(fk.ref_table.as_str())
            })
        });
        let next = remaining.remove(ready.unwrap_or(0));
        placed.insert(&next.name);
        order.push(next);
    }
    order
}

/// The ops that turn `from` into `to`.
///
/// ```
/// use schema_runtime::prelude::*;
/// use schema_runtime::autogen::{diff, DiffOptions};
/// use schema_runtime::Schema;
///
/// let mut op = Ops::new();
/// op.create_table("users", |t| { t.column("id", Type::BigInt).primary_key(); });
/// let mut target = Schema::default();
/// for o in op.ops() { target.apply(o).unwrap(); }
/// let changes = diff(&Schema::default(), &target, &DiffOptions::default());
/// assert_eq!(changes.len(), 1);
/// ```
pub fn diff(from: &Schema, to: &Schema, options: &DiffOptions) -> Vec<Change> {
    let mut enums_first = Vec::new();
    let mut drops_early = Vec::new();
    let mut creates = Vec::new();
    let mut alters = Vec::new();
    let mut adds_late = Vec::new();
    let mut drops_late = Vec::new();
    let mut enum_drops = Vec::new();

    diff_enums(from, to, &mut enums_first, &mut enum_drops);
    diff_sequences(from, to, &mut enums_first, &mut enum_drops);

    let from_tables: BTreeMap<&str, &Table> =
        from.tables().map(|t| (t.def.name.as_str(), t)).collect();
    let to_tables: BTreeMap<&str, &Table> = to.tables().map(|t| (t.def.name.as_str(), t)).collect();

    // New tables, in foreign key order; foreign keys that close a cycle come later.
    let new_tables: Vec<&TableDef> = to_tables
        .iter()
        .filter(|(n, _)| !from_tables.contains_key(*n))
        .map(|(_, t)| &t.def)
        .collect();
    let mut created: BTreeSet<&str> = from_tables.keys().copied().collect();
    for def in foreign_key_order(&new_tables) {
        let mut def = def.clone();
        let (now, later): (Vec<_>, Vec<_>) = def
            .foreign_keys
            .drain(..)
            .partition(|fk| fk.ref_table == def.name || created.contains(fk.ref_table.as_str()));
        def.foreign_keys = now;
        for fk in later {
            adds_late.push(plain(Op::AddConstraint {
                table: def.name.clone(),
                constraint: Constraint::ForeignKey(fk),
            }));
        }
        created.insert(&to_tables[def.name.as_str()].def.name);
        let table = to_tables[def.name.as_str()];
        creates.push(plain(Op::CreateTable {
            def,
            if_not_exists: false,
        }));
        for index in &table.indexes {
            creates.push(plain(Op::CreateIndex {
                index: index.clone(),
                concurrently: false,
                if_not_exists: false,
            }));
        }
    }

    // Foreign keys of surviving tables that point at dropped tables go first.
    for (name, table) in &from_tables {
        if !to_tables.contains_key(name) {
            continue;
        }
        for fk in &table.def.foreign_keys {
            if !to_tables.contains_key(fk.ref_table.as_str()) {
                drops_early.push(plain(Op::DropConstraint {
                    table: (*name).to_owned(),
                    name: fk.name.clone(),
                }));
            }
        }
    }

    for (name, after) in &to_tables {
        let Some(before) = from_tables.get(name) else {
            continue;
        };
        diff_table(
            before,
            after,
            from,
            to,
            options,
            &mut drops_early,
            &mut alters,
            &mut adds_late,
            &mut drops_late,
        );
    }

    // Dropped tables: those referenced by other dropped tables go last.
    let gone: Vec<&TableDef> = from_tables
        .iter()
        .filter(|(n, _)| !to_tables.contains_key(*n))
        .map(|(_, t)| &t.def)
        .collect();
    let mut order = foreign_key_order(&gone);
    order.reverse();
    for def in order {
        drops_late.push(plain(Op::DropTable {
            table: def.name.clone(),
            if_exists: false,
        }));
    }

    let mut all = enums_first;
    all.extend(drops_early);
    all.extend(creates);
    all.extend(alters);
    all.extend(adds_late);
    all.extend(drops_late);
    all.extend(enum_drops);
    all
}

fn diff_enums(from: &Schema, to: &Schema, first: &mut Vec<Change>, last: &mut Vec<Change>) {
    let before: BTreeMap<&String, &Vec<String>> = from.enums().collect();
    for (name, values) in to.enums() {
        let Some(old) = before.get(name) else {
            first.push(plain(Op::CreateEnum(EnumDef {
                name: name.clone(),
                values: values.clone(),
            })));
            continue;
        };
        let added: Vec<&String> = values.iter().filter(|v| !old.contains(v)).collect();
        let removed: Vec<&String> = old.iter().filter(|v| !values.contains(v)).collect();
        // One value out and one in at the same place: most likely a rename.
        if let ([new], [gone]) = (added.as_slice(), removed.as_slice()) {
            if values.iter().position(|v| v == *new) == old.iter().position(|v| v == *gone) {
                first.push(Change {
                    op: Op::RenameEnumValue { name: name.clone(), from: (*gone).clone(), to: (*new).clone() },
                    note: Some(format!(
                        "autogenerate guessed that `{gone}` was renamed to `{new}`; if not, replace this with \
                         add_enum_value(\"{name}\", \"{new}\") and drop_enum_value(\"{name}\", \"{gone}\")"
                    )),
                });
                continue;
            }
        }
        for value in added {
            let at = values.iter().position(|v| v == value).unwrap_or(0);
            let position = match at {
                0 => values.get(1).map(|v| EnumPosition::Before(v.clone())),
                _ if at + 1 == values.len() => None,
                _ => Some(EnumPosition::After(values[at - 1].clone())),
            };
            first.push(plain(Op::AddEnumValue {
                name: name.clone(),
                value: value.clone(),
                position,
            }));
        }
        for value in removed {
            last.push(plain(Op::DropEnumValue {
                name: name.clone(),
                value: value.clone(),
            }));
        }
    }
    for name in before.keys() {
        if to.enum_values(name).is_none() {
            last.push(plain(Op::DropEnum {
                name: (*name).clone(),
            }));
        }
    }
}

/// New sequences and option changes go first (a new column's default may draw from one),
/// dropped sequences last (after the columns drawing from them).
fn diff_sequences(from: &Schema, to: &Schema, first: &mut Vec<Change>, last: &mut Vec<Change>) {
    for def in to.sequences() {
        match from.sequence(&def.name) {
            None => first.push(plain(Op::CreateSequence(def))),
            Some(old) => {
                let changes = old.changes_to(&def.options);
                if !changes.is_empty() {
                    first.push(plain(Op::AlterSequence {
                        name: def.name,
                        changes,
                    }));
                }
            }
        }
    }
    for def in from.sequences() {
        if to.sequence(&def.name).is_none() {
            last.push(plain(Op::DropSequence { name: def.name }));
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn diff_table(
    before: &Table,
    after: &Table,
    from: &Schema,
    to: &Schema,
    options: &DiffOptions,
    drops_early: &mut Vec<Change>,
    alters: &mut Vec<Change>,
    adds_late: &mut Vec<Change>,
    drops_late: &mut Vec<Change>,
) {
    let table = after.def.name.clone();
    let old = &before.def;
    let new = &after.def;
    let mut added: Vec<&ColumnDef> = new
        .columns
        .iter()
        .filter(|c| old.column(&c.name).is_none())
        .collect();
    let mut removed: Vec<&ColumnDef> = old
        .columns
        .iter()
        .filter(|c| new.column(&c.name).is_none())
        .collect();

    // A column dropped and one added with the same type: offered as a rename.
    let mut renames: Vec<(&ColumnDef, &ColumnDef)> = Vec::new();
    if options.detect_renames {
        for gone in removed.clone() {
            let candidates: Vec<&&ColumnDef> = added
                .iter()
                .filter(|a| {
                    same_type(&gone.ty, &a.ty, options, from, to) && same_generation(gone, a)
                })
                .collect();
            let claimed_by_others = removed
                .iter()
                .filter(|r| {
                    r.name != gone.name
                        && candidates
                            .iter()
                            .any(|c| same_type(&r.ty, &c.ty, options, from, to))
                })
                .count();
            if let ([one], 0) = (candidates.as_slice(), claimed_by_others) {
                let one: &ColumnDef = one;
                renames.push((gone, one));
            }
        }
        for (gone, new_col) in &renames {
            removed.retain(|c| c.name != gone.name);
            added.retain(|c| c.name != new_col.name);
        }
    }

    // Constraints and indexes are compared after the renames, as the state renames their columns.
    // Only a rename needs a scratch copy of the schema; cloning it for every table made a
    // diff over many tables quadratic.
    let (mid, mid_indexes) = if renames.is_empty() {
        (old.clone(), before.indexes.clone())
    } else {
        let mut renamed = from.clone();
        for (gone, new_col) in &renames {
            let _ = renamed.apply(&Op::AlterColumn(AlterColumn {
                table: table.clone(),
                column: gone.name.clone(),
                rename: Some(new_col.name.clone()),
                ..AlterColumn::default()
            }));
        }
        match renamed.table(&table) {
            Some(t) => (t.def.clone(), t.indexes.clone()),
            None => (old.clone(), before.indexes.clone()),
        }
    };

    // Constraints: same name and same content stay; anything else is dropped and added.
    let old_constraints = mid.constraints();
    let new_constraints = new.constraints();
    let kept = |c: &Constraint, others: &[Constraint]| {
        others
            .iter()
            .any(|o| o.name() == c.name() && constraint_key(o) == constraint_key(c))
    };
    for c in &old_constraints {
        if !kept(c, &new_constraints) {
            drops_early.push(plain(Op::DropConstraint {
                table: table.clone(),
                name: c.name().to_owned(),
            }));
        }
    }
    for index in &mid_indexes {
        let same = after
            .indexes
            .iter()
            .any(|i| i.name == index.name && index_key(i) == index_key(index));
        // MySQL keeps an index named after each foreign key; it is the key's, not a user index.
        let implicit = options
            .dialect
            .is_some_and(|d| d.sql().implicit_foreign_key_indexes())
            && new.foreign_keys.iter().any(|fk| fk.name == index.name);
        if !same && !implicit {
            drops_early.push(plain(Op::DropIndex {
                name: index.name.clone(),
                table: (from.indexes_named(&index.name).len() > 1).then(|| table.clone()),
                concurrently: false,
                if_exists: false,
            }));
        }
    }

    for column in &added {
        alters.push(plain(Op::AddColumn {
            table: table.clone(),
            column: (*column).clone(),
            unique: None,
            foreign_key: None,
        }));
    }
    for (gone, new_col) in &renames {
        let mut alter = column_alter(&table, gone, new_col, options, from, to);
        alter.rename = Some(new_col.name.clone());
        alters.push(Change {
            op: Op::AlterColumn(alter),
            note: Some(format!(
                "autogenerate guessed that `{table}.{}` was renamed to `{}` (one column of this type left, one came); \
                 if not, replace this with drop_column(\"{table}\", \"{}\") and add_column(\"{table}\", \"{}\", ..)",
                gone.name, new_col.name, gone.name, new_col.name
            )),
        });
    }
    for column in &new.columns {
        let Some(current) = old.column(&column.name) else {
            continue;
        };
        // No op changes how a column is computed: it is dropped and added again.
        if !same_generation(current, column) {
            alters.push(plain(Op::DropColumn {
                table: table.clone(),
                column: column.name.clone(),
            }));
            alters.push(Change {
                op: Op::AddColumn {
                    table: table.clone(),
                    column: column.clone(),
                    unique: None,
                    foreign_key: None,
                },
                note: Some(format!(
                    "`{table}.{}` is computed otherwise ({} -> {}); no op changes a generation, so the column is dropped and added again \
                     (a stored column is recomputed for every row)",
                    column.name,
                    generation_text(current),
                    generation_text(column)
                )),
            });
            continue;
        }
        if !same_column(current, column, options, from, to) {
            alters.push(plain(Op::AlterColumn(column_alter(
                &table, current, column, options, from, to,
            ))));
        }
    }
    if old.comment != new.comment {
        alters.push(plain(Op::SetTableComment {
            table: table.clone(),
            comment: new.comment.clone(),
        }));
    }

    // New constraints: the primary key first, then indexes, uniques, checks, and foreign keys last.
    let mut new_sorted = new_constraints.clone();
    new_sorted.sort_by_key(|c| match c {
        Constraint::PrimaryKey(_) => 0,
        Constraint::Unique(_) => 2,
        Constraint::Check(_) => 3,
        Constraint::ForeignKey(_) => 4,
    });
    let mut late = Vec::new();
    for c in &new_sorted {
        if !kept(c, &old_constraints) {
            late.push((c.clone(), matches!(c, Constraint::PrimaryKey(_))));
        }
    }
    for (c, _) in late.iter().filter(|(_, pk)| *pk) {
        adds_late.push(plain(Op::AddConstraint {
            table: table.clone(),
            constraint: c.clone(),
        }));
    }
    for index in &after.indexes {
        let same = mid_indexes
            .iter()
            .any(|i| i.name == index.name && index_key(i) == index_key(index));
        if !same {
            adds_late.push(plain(Op::CreateIndex {
                index: index.clone(),
                concurrently: false,
                if_not_exists: false,
            }));
        }
    }
    for (c, _) in late.iter().filter(|(_, pk)| !*pk) {
        adds_late.push(plain(Op::AddConstraint {
            table: table.clone(),
            constraint: c.clone(),
        }));
    }
    for column in removed {
        drops_late.push(plain(Op::DropColumn {
            table: table.clone(),
            column: column.name.clone(),
        }));
    }
}

/// `GENERATED ALWAYS AS (expr) STORED`, or `plain`, for a note.
fn generation_text(c: &ColumnDef) -> String {
    match &c.generated {
        Some(g) => format!("GENERATED ALWAYS AS ({}) {}", g.expr, g.kind()),
        None => "plain".to_owned(),
    }
}

fn column_alter(
    table: &str,
    old: &ColumnDef,
    new: &ColumnDef,
    options: &DiffOptions,
    from: &Schema,
    to: &Schema,
) -> AlterColumn {
    let mut alter = AlterColumn {
        table: table.to_owned(),
        column: old.name.clone(),
        ..AlterColumn::default()
    };
    if !same_type(&old.ty, &new.ty, options, from, to) {
        alter.ty = Some(new.ty.clone());
    }
    if old.nullable != new.nullable {
        alter.nullable = Some(new.nullable);
    }
    if !new.identity && !same_default(&old.default, &new.default, &new.ty, options) {
        alter.default = Some(new.default.clone());
    }
    if old.comment != new.comment {
        alter.comment = Some(new.comment.clone());
    }
    if old.collation != new.collation {
        alter.collation = Some(new.collation.clone());
    }
    if old.identity != new.identity {
        alter.identity = Some(new.identity);
    } else if old.identity {
        let changes = identity_changes(old, new);
        if !changes.is_empty() {
            alter.identity_options = Some(changes);
        }
    }
    alter
}

/// What turns the identity options of `old` into those of `new` (ALWAYS and the sequence's
/// options; serial and SQLite's rowid alias are no option an alter changes).
fn identity_changes(old: &ColumnDef, new: &ColumnDef) -> IdentityChanges {
    let (a, b) = (&old.identity_options, &new.identity_options);
    IdentityChanges {
        always: (a.always != b.always).then_some(b.always),
        sequence: a.sequence().changes_to(&b.sequence()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::Ops;

    fn schema(build: impl FnOnce(&mut Ops)) -> Schema {
        let mut ops = Ops::new();
        build(&mut ops);
        let mut schema = Schema::default();
        for op in ops.ops() {
            schema.apply(op).expect("valid ops");
        }
        schema
    }

    /// Applying the diff to `from` gives `to` (up to column order).
    fn assert_round_trip(from: &Schema, to: &Schema) -> Vec<Change> {
        let changes = diff(from, to, &DiffOptions::default());
        let mut applied = from.clone();
        for change in &changes {
            applied
                .apply(&change.op)
                .unwrap_or_else(|e| panic!("{:?}: {e}", change.op));
        }
        assert!(
            diff(
                &applied,
                to,
                &DiffOptions {
                    detect_renames: false,
                    ..DiffOptions::default()
                }
            )
            .is_empty(),
            "{changes:#?}"
        );
        changes
    }

    fn users(op: &mut Ops) {
        op.create_table("users", |t| {
            t.column("id", Type::BigInt).primary_key().identity();
            t.column("email", Type::String(255)).not_null().unique();
            t.column("name", Type::String(100));
        });
    }

    #[test]
    fn from_empty_creates_tables_in_foreign_key_order() {
        let to = schema(|op| {
            users(op);
            op.create_table("posts", |t| {
                t.column("id", Type::BigInt).primary_key();
                t.column("author_id", Type::BigInt)
                    .references("users", "id");
            });
        });
        // BTreeMap order would put posts first; the foreign key puts users first.
        let changes = assert_round_trip(&Schema::default(), &to);
        assert!(matches!(&changes[0].op, Op::CreateTable { def, .. } if def.name == "users"));
    }

    #[test]
    fn a_changed_generation_is_a_drop_and_an_add_with_a_note() {
        let lines = |total: &'static str, stored: bool| {
            schema(move |op| {
                op.create_table("lines", |t| {
                    t.column("quantity", Type::Integer).not_null();
                    t.column("price", Type::Numeric(12, 2)).not_null();
                    let c = t.column("total", Type::Numeric(14, 2));
                    if stored {
                        c.generated_stored(total);
                    } else {
                        c.generated_virtual(total);
                    }
                });
            })
        };
        let from = lines("quantity * price", true);
        // Whitespace alone is no change.
        assert!(diff(
            &from,
            &lines("quantity  *  price", true),
            &DiffOptions::default()
        )
        .is_empty());
        for to in [
            lines("quantity * price + 1", true),
            lines("quantity * price", false),
        ] {
            let changes = assert_round_trip(&from, &to);
            assert!(
                matches!(&changes[0].op, Op::DropColumn { column, .. } if column == "total"),
                "{changes:#?}"
            );
            assert!(
                matches!(&changes[1].op, Op::AddColumn { column, .. } if column.generated == to.column("lines", "total").unwrap().generated),
                "{changes:#?}"
            );
            assert!(changes[1]
                .note
                .as_deref()
                .unwrap()
                .contains("dropped and added again"));
            let source = crate::autogen::render_ops(&changes, &crate::NamingConvention::default());
            assert!(source.contains(".generated_"), "{source}");
        }
        // A plain column that becomes generated too.
        let plain = schema(|op| {
            op.create_table("lines", |t| {
                t.column("quantity", Type::Integer).not_null();
                t.column("price", Type::Numeric(12, 2)).not_null();
                t.column("total", Type::Numeric(14, 2));
            });
        });
        assert_eq!(assert_round_trip(&plain, &from).len(), 2);
    }

    #[test]
    fn a_dropped_and_an_added_column_of_one_type_is_a_rename() {
        let from = schema(users);
        let to = schema(|op| {
            users(op);
            op.alter_column("users", "name").rename_to("display_name");
        });
        let changes = assert_round_trip(&from, &to);
        assert_eq!(changes.len(), 1);
        assert!(changes[0].note.as_deref().unwrap().contains("renamed"));
    }

    #[test]
    fn column_changes_and_primary_key_changes() {
        let from = schema(users);
        let to = schema(|op| {
            op.create_table("users", |t| {
                t.column("id", Type::BigInt).not_null();
                t.column("email", Type::String(320)).not_null().unique();
                t.column("name", Type::String(100))
                    .not_null()
                    .default("anonymous");
                t.primary_key(["email"]);
            });
        });
        let changes = assert_round_trip(&from, &to);
        assert!(changes.iter().any(|c| matches!(&c.op, Op::AddConstraint { constraint: Constraint::PrimaryKey(k), .. } if k.columns == ["email"])));
    }

    #[test]
    fn identity_option_changes_are_one_alter_and_reverse() {
        let from = schema(|op| {
            op.create_table("orders", |t| {
                t.column("id", Type::BigInt)
                    .primary_key()
                    .identity_start(100)
                    .identity_cache(20);
            });
        });
        let to = schema(|op| {
            op.create_table("orders", |t| {
                t.column("id", Type::BigInt)
                    .primary_key()
                    .identity_always()
                    .identity_start(100)
                    .identity_increment(10);
            });
        });
        let changes = assert_round_trip(&from, &to);
        assert_eq!(changes.len(), 1, "{changes:#?}");
        let Op::AlterColumn(alter) = &changes[0].op else {
            panic!("{changes:#?}");
        };
        let options = alter.identity_options.expect("identity options change");
        assert_eq!(options.always, Some(true));
        assert_eq!(options.sequence.increment, Some(Some(10)));
        assert_eq!(options.sequence.cache, Some(None));
        assert_eq!(options.sequence.start, None);
        // Its derived downgrade gives the old options back.
        let undo = changes[0].op.reverse(&from).expect("reversible");
        let mut back = to.clone();
        for op in &undo {
            back.apply(op).expect("applies");
        }
        assert_eq!(back, from);
    }

    #[test]
    fn enum_changes() {
        let from = schema(|op| op.create_enum("mood", ["happy", "sad"]));
        let to = schema(|op| op.create_enum("mood", ["happy", "meh", "sad"]));
        let changes = assert_round_trip(&from, &to);
        assert!(matches!(&changes[0].op, Op::AddEnumValue { value, .. } if value == "meh"));
        let renamed = schema(|op| op.create_enum("mood", ["glad", "sad"]));
        let changes = assert_round_trip(&from, &renamed);
        assert!(
            matches!(&changes[0].op, Op::RenameEnumValue { from, to, .. } if from == "happy" && to == "glad")
        );
    }

    #[test]
    fn synonyms_of_a_dialect_are_no_change() {
        let a = schema(|op| {
            op.create_table("t", |t| {
                t.column("at", Type::Timestamp);
            });
        });
        let b = schema(|op| {
            op.create_table("t", |t| {
                t.column("at", Type::TimestampTz);
            });
        });
        assert_eq!(diff(&a, &b, &DiffOptions::default()).len(), 1);
        let mysql = DiffOptions {
            dialect: Some(Dialect::Mysql),
            ..DiffOptions::default()
        };
        assert!(diff(&a, &b, &mysql).is_empty());
    }
}
