//! Adopting a live database: its schema (read by [`crate::introspect`]) as the ops of a base
//! revision, without other tools' migration tables, with every loss named.

use super::{diff, Change, DiffOptions};
use crate::introspect::other_tool_table;
use crate::Schema;

/// What `adopt` makes of a live schema.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Adoption {
    /// The ops that build the schema from nothing.
    pub changes: Vec<Change>,
    /// Other tools' migration tables left out, with the tool (`("alembic_version", "Alembic")`).
    pub left_out: Vec<(String, &'static str)>,
    /// What the baseline cannot say: the introspection's notes, then the ops' notes. Empty
    /// means the baseline rebuilds the database exactly.
    pub notes: Vec<String>,
}

impl Adoption {
    /// Nothing was left out or simplified.
    pub fn is_lossless(&self) -> bool {
        self.notes.is_empty()
    }
}

/// The base revision of `live`: every table, index, constraint and enum as ops, in an order
/// that applies. Other tools' migration tables are left out unless `keep_tool_tables`;
/// `introspection_notes` (from [`crate::introspect::IntrospectStats::notes`]) are carried into
/// [`Adoption::notes`].
///
/// ```
/// use schema_runtime::autogen::{adopt, render_ops};
/// use schema_runtime::prelude::*;
/// use schema_runtime::{NamingConvention, Schema};
///
/// let mut op = Ops::new();
/// op.create_table("users", |t| {
///     t.column("id", Type::BigInt).primary_key().identity();
/// });
/// op.create_table("alembic_version", |t| {
///     t.column("version_num", Type::String(32)).primary_key();
/// });
/// let mut live = Schema::default();
/// for o in op.ops() {
///     live.apply(o).unwrap();
/// }
/// let adoption = adopt(&live, false, Vec::new());
/// assert_eq!(adoption.left_out, [("alembic_version".to_string(), "Alembic")]);
/// assert!(adoption.is_lossless());
/// assert!(render_ops(&adoption.changes, &NamingConvention::default()).contains("create_table(\"users\""));
/// ```
pub fn adopt(live: &Schema, keep_tool_tables: bool, introspection_notes: Vec<String>) -> Adoption {
    let (schema, left_out) = if keep_tool_tables {
        (live.clone(), Vec::new())
    } else {
        without_tool_tables(live)
    };
    let changes = diff(
        &Schema::default(),
        &schema,
        &DiffOptions::default().with_renames(false),
    );
    let mut notes = introspection_notes;
    notes.extend(changes.iter().filter_map(|c| c.note.clone()));
    Adoption {
        changes,
        left_out,
        notes,
    }
}

/// `schema` without other tools' migration tables, and those tables with their tool.
pub fn without_tool_tables(schema: &Schema) -> (Schema, Vec<(String, &'static str)>) {
    let mut kept = schema.without_tables();
    let mut left_out = Vec::new();
    for table in schema.tables() {
        match other_tool_table(&table.def.name) {
            Some(tool) => left_out.push((table.def.name.clone(), tool)),
            None => kept.insert_table(table.clone()),
        }
    }
    (kept, left_out)
}
