//! Inverting ops with the help of the schema state before them.

use super::{AlterColumn, Constraint, EnumDef, Op, RawSql};
use crate::state::{Schema, StateError};

/// Why an op has no automatic inverse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReverseError {
    /// The op cannot be undone automatically.
    #[error("{op} cannot be reversed automatically; {hint}")]
    Irreversible {
        /// The op, as `execute(raw SQL)`.
        op: String,
        /// What to do instead.
        hint: &'static str,
    },
    /// The op does not fit the schema it is applied to.
    #[error("{op}: {source}")]
    State {
        /// The op, as `drop_column(users.email)`.
        op: String,
        /// What does not fit.
        #[source]
        source: StateError,
    },
}

impl Op {
    /// The ops that undo this one, given the schema `before` it ran.
    ///
    /// ```
    /// use schema_runtime::prelude::*;
    /// use schema_runtime::{Op, Schema};
    ///
    /// let mut op = Ops::new();
    /// op.create_table("users", |t| { t.column("email", Type::Text).not_null().default(""); });
    /// let mut before = Schema::default();
    /// before.apply(&op.ops()[0]).unwrap();
    /// let drop = Op::DropColumn { table: "users".into(), column: "email".into() };
    /// let undo = drop.reverse(&before).unwrap();
    /// assert!(matches!(&undo[0], Op::AddColumn { column, .. } if !column.nullable));
    /// ```
    pub fn reverse(&self, before: &Schema) -> Result<Vec<Op>, ReverseError> {
        let state = |source| ReverseError::State {
            op: self.describe(),
            source,
        };
        let table_of = |name: &str| {
            before
                .table(name)
                .ok_or_else(|| state(StateError::MissingTable(name.to_owned())))
        };
        Ok(match self {
            // IF NOT EXISTS on a table that was there already created nothing, so there is nothing to drop.
            Op::CreateTable { def, if_not_exists: true } if before.table(&def.name).is_some() => Vec::new(),
            Op::CreateTable { def, .. } => vec![Op::DropTable { table: def.name.clone(), if_exists: false }],
            Op::DropTable { table, if_exists: true } if before.table(table).is_none() => Vec::new(),
            Op::DropTable { table, .. } => {
                let t = table_of(table)?;
                let mut ops = vec![Op::CreateTable { def: t.def.clone(), if_not_exists: false }];
                ops.extend(t.indexes.iter().map(|i| Op::CreateIndex { index: i.clone(), concurrently: false, if_not_exists: false }));
                ops
            }
            Op::RenameTable { from, to } => vec![Op::RenameTable { from: to.clone(), to: from.clone() }],
            Op::SetTableComment { table, .. } => {
                vec![Op::SetTableComment { table: table.clone(), comment: table_of(table)?.def.comment.clone() }]
            }
            Op::AddColumn { table, column, foreign_key, .. } => {
                let mut ops: Vec<Op> = foreign_key
                    .iter()
                    .map(|fk| Op::DropConstraint { table: table.clone(), name: fk.name.clone() })
                    .collect();
                ops.push(Op::DropColumn { table: table.clone(), column: column.name.clone() });
                ops
            }
            Op::DropColumn { table, column } => {
                let t = table_of(table)?;
                let def = before.column(table, column).map_err(state)?;
                if !def.nullable && def.default.is_none() && !def.identity && !def.is_generated() {
                    return Err(ReverseError::Irreversible {
                        op: self.describe(),
                        hint: "the column is NOT NULL without a default, so re-adding it cannot fill the rows that exist; \
                               write an explicit downgrade (add it nullable, backfill it with op.update, then set_not_null)",
                    });
                }
                let single = |cols: &[String]| cols.len() == 1 && cols[0] == *column;
                let unique = t.def.uniques.iter().find(|k| single(&k.columns)).map(|k| k.name.clone());
                let keyed = unique.is_some()
                    || t.def.primary_key.as_ref().is_some_and(|pk| single(&pk.columns))
                    || t.indexes.iter().any(|i| i.unique && only_key(i, column));
                // A key over the column re-added with a default gives every row the same value.
                if keyed && def.default.is_some() && !def.identity {
                    if !def.nullable {
                        return Err(ReverseError::Irreversible {
                            op: self.describe(),
                            hint: "the column is a unique or primary key with a default, so re-adding it would give every row the same value and break the key; \
                                   write an explicit downgrade (add it nullable, backfill distinct values with op.update, then add the key and set_not_null)",
                        });
                    }
                    // Nullable: re-add it without the default (NULLs never collide), keyed, then
                    // give it its default back for rows to come.
                    let mut bare = def.clone();
                    bare.default = None;
                    let mut ops = vec![Op::AddColumn { table: table.clone(), column: bare, unique, foreign_key: None }];
                    ops.extend(
                        t.indexes
                            .iter()
                            .filter(|i| only_key(i, column))
                            .map(|i| Op::CreateIndex { index: i.clone(), concurrently: false, if_not_exists: false }),
                    );
                    ops.push(Op::AlterColumn(AlterColumn {
                        table: table.clone(),
                        column: column.clone(),
                        default: Some(def.default.clone()),
                        ..AlterColumn::default()
                    }));
                    return Ok(ops);
                }
                let mut ops = vec![Op::AddColumn { table: table.clone(), column: def.clone(), unique, foreign_key: None }];
                if let Some(pk) = t.def.primary_key.as_ref().filter(|pk| single(&pk.columns)) {
                    ops.push(Op::AddConstraint { table: table.clone(), constraint: Constraint::PrimaryKey(pk.clone()) });
                }
                ops.extend(
                    t.indexes
                        .iter()
                        .filter(|i| only_key(i, column))
                        .map(|i| Op::CreateIndex { index: i.clone(), concurrently: false, if_not_exists: false }),
                );
                ops
            }
            Op::AlterColumn(alter) => {
                let old = before.column(&alter.table, &alter.column).map_err(state)?;
                vec![Op::AlterColumn(AlterColumn {
                    table: alter.table.clone(),
                    column: alter.rename.clone().unwrap_or_else(|| alter.column.clone()),
                    ty: alter.ty.as_ref().map(|_| old.ty.clone()),
                    using: None,
                    nullable: alter.nullable.map(|_| old.nullable),
                    default: alter.default.as_ref().map(|_| old.default.clone()),
                    rename: alter.rename.as_ref().map(|_| alter.column.clone()),
                    comment: alter.comment.as_ref().map(|_| old.comment.clone()),
                    identity: alter.identity.map(|_| old.identity),
                    collation: alter.collation.as_ref().map(|_| old.collation.clone()),
                    identity_options: alter.identity_options.map(|changes| super::IdentityChanges {
                        always: changes.always.map(|_| old.identity_options.always),
                        sequence: old.identity_options.sequence().restoring(&changes.sequence),
                    }),
                })]
            }
            Op::CreateIndex { index, if_not_exists: true, .. } if before.index_on(Some(&index.table), &index.name).is_ok() => Vec::new(),
            Op::CreateIndex { index, concurrently, .. } => {
                // Another table's index of the same name (MySQL) makes the table necessary.
                let table = (!before.indexes_named(&index.name).is_empty()).then(|| index.table.clone());
                vec![Op::DropIndex { name: index.name.clone(), table, concurrently: *concurrently, if_exists: false }]
            }
            Op::DropIndex { name, table, if_exists: true, .. } if before.index_on(table.as_deref(), name).is_err() => Vec::new(),
            Op::DropIndex { name, table, concurrently, .. } => {
                let index = before.index_on(table.as_deref(), name).map_err(state)?;
                vec![Op::CreateIndex { index: index.clone(), concurrently: *concurrently, if_not_exists: false }]
            }
            Op::AddConstraint { table, constraint } => {
                vec![Op::DropConstraint { table: table.clone(), name: constraint.name().to_owned() }]
            }
            Op::DropConstraint { table, name } => {
                let constraint = table_of(table)?.def.constraint(name).ok_or_else(|| {
                    state(StateError::MissingConstraint { table: table.clone(), name: name.clone() })
                })?;
                vec![Op::AddConstraint { table: table.clone(), constraint }]
            }
            Op::CreateEnum(e) => vec![Op::DropEnum { name: e.name.clone() }],
            Op::DropEnum { name } => {
                let values = before.enum_values(name).ok_or_else(|| state(StateError::MissingEnum(name.clone())))?;
                vec![Op::CreateEnum(EnumDef { name: name.clone(), values: values.to_vec() })]
            }
            Op::AddEnumValue { name, value, .. } => vec![Op::DropEnumValue { name: name.clone(), value: value.clone() }],
            Op::DropEnumValue { name, value } => {
                let values = before.enum_values(name).ok_or_else(|| state(StateError::MissingEnum(name.clone())))?;
                let at = values.iter().position(|v| v == value).unwrap_or(values.len());
                let position = match at {
                    0 => values.get(1).map(|v| super::EnumPosition::Before(v.clone())),
                    _ => Some(super::EnumPosition::After(values[at - 1].clone())),
                };
                vec![Op::AddEnumValue { name: name.clone(), value: value.clone(), position }]
            }
            Op::RenameEnumValue { name, from, to } => {
                vec![Op::RenameEnumValue { name: name.clone(), from: to.clone(), to: from.clone() }]
            }
            Op::CreateSequence(def) => vec![Op::DropSequence { name: def.name.clone() }],
            Op::DropSequence { name } => {
                let options = before.sequence(name).ok_or_else(|| state(StateError::MissingSequence(name.clone())))?;
                vec![Op::CreateSequence(super::SequenceDef { name: name.clone(), options: *options })]
            }
            Op::RenameSequence { from, to } => vec![Op::RenameSequence { from: to.clone(), to: from.clone() }],
            Op::AlterSequence { name, changes } => {
                let options = before.sequence(name).ok_or_else(|| state(StateError::MissingSequence(name.clone())))?;
                vec![Op::AlterSequence { name: name.clone(), changes: options.restoring(changes) }]
            }
            Op::BulkInsert { table, columns, rows, only_on } => {
                vec![Op::DeleteRows { table: table.clone(), columns: columns.clone(), rows: rows.clone(), only_on: only_on.clone() }]
            }
            Op::DeleteRows { table, columns, rows, only_on } => {
                vec![Op::BulkInsert { table: table.clone(), columns: columns.clone(), rows: rows.clone(), only_on: only_on.clone() }]
            }
            Op::Update { .. } => {
                return Err(ReverseError::Irreversible {
                    op: self.describe(),
                    hint: "the old values are gone; write an explicit downgrade (often an update back) or declare the migration irreversible",
                })
            }
            Op::Sql(raw) => match &raw.down {
                Some(down) => {
                    // The declared effects reverse as any ops do, each against the state
                    // before it, in reverse order.
                    let mut state = before.clone();
                    let mut effects = Vec::new();
                    for effect in &raw.effects {
                        let mut undo = effect.reverse(&state)?;
                        state.apply(effect).map_err(|e| ReverseError::State {
                            op: effect.describe(),
                            source: e,
                        })?;
                        undo.append(&mut effects);
                        effects = undo;
                    }
                    vec![Op::Sql(RawSql {
                        up: down.clone(),
                        down: Some(raw.up.clone()),
                        effects,
                        only_on: raw.only_on.clone(),
                    })]
                }
                None => {
                    return Err(ReverseError::Irreversible {
                        op: self.describe(),
                        hint: "give it `.reverse(\"...\")` or write an explicit downgrade",
                    })
                }
            },
        })
    }
}

/// Whether `index` has one key, on `column` (with any options).
fn only_key(index: &super::IndexDef, column: &str) -> bool {
    matches!(index.keys.as_slice(), [key] if key.column_name() == Some(column))
}
