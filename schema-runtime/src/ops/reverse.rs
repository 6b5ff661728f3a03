//! Inverting ops with the help of the schema state before them.

use super::{AlterColumn, IndexDef, Op, RawSql, TableDef};
use crate::state::{Schema, StateError};

/// Why an op has no automatic inverse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReverseError {
    /// The op cannot be undone automatically (raw SQL without `.reverse(..)`).
    #[error("{op} cannot be reversed automatically; give it `.reverse(\"...\")` or write an explicit downgrade")]
    Irreversible {
        /// The op, as `execute(raw SQL)`.
        op: String,
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
    /// op.create_table("users", |t| { t.column("email", Type::Text).not_null(); });
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
        Ok(match self {
            Op::CreateTable(def) => vec![Op::DropTable {
                table: def.name.clone(),
            }],
            Op::DropTable { table } => {
                let t = before
                    .table(table)
                    .ok_or_else(|| state(StateError::MissingTable(table.clone())))?;
                let mut ops = vec![Op::CreateTable(t.def.clone())];
                ops.extend(t.indexes.iter().cloned().map(Op::CreateIndex));
                ops
            }
            Op::AddColumn { table, column, .. } => {
                vec![Op::DropColumn {
                    table: table.clone(),
                    column: column.name.clone(),
                }]
            }
            Op::DropColumn { table, column } => {
                let t = before
                    .table(table)
                    .ok_or_else(|| state(StateError::MissingTable(table.clone())))?;
                let def = before.column(table, column).map_err(state)?;
                let single = |cols: &[String]| cols.len() == 1 && cols[0] == *column;
                let unique = t
                    .def
                    .uniques
                    .iter()
                    .find(|k| single(&k.columns))
                    .map(|k| k.name.clone());
                let mut ops = vec![Op::AddColumn {
                    table: table.clone(),
                    column: def.clone(),
                    unique,
                }];
                ops.extend(
                    t.indexes
                        .iter()
                        .filter(|i| single(&i.columns))
                        .cloned()
                        .map(Op::CreateIndex),
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
                })]
            }
            Op::CreateIndex(index) => vec![Op::DropIndex {
                name: index.name.clone(),
            }],
            Op::DropIndex { name } => {
                let index: &IndexDef = before
                    .index(name)
                    .ok_or_else(|| state(StateError::MissingIndex(name.clone())))?;
                vec![Op::CreateIndex(index.clone())]
            }
            Op::DropUnique { table, name } => {
                let t: &TableDef = &before
                    .table(table)
                    .ok_or_else(|| state(StateError::MissingTable(table.clone())))?
                    .def;
                let key = t
                    .uniques
                    .iter()
                    .find(|k| &k.name == name)
                    .ok_or_else(|| state(StateError::MissingIndex(name.clone())))?;
                vec![Op::AddUnique {
                    table: table.clone(),
                    key: key.clone(),
                }]
            }
            Op::AddUnique { table, key } => vec![Op::DropUnique {
                table: table.clone(),
                name: key.name.clone(),
            }],
            Op::Sql(raw) => match &raw.down {
                Some(down) => vec![Op::Sql(RawSql {
                    up: down.clone(),
                    down: Some(raw.up.clone()),
                })],
                None => {
                    return Err(ReverseError::Irreversible {
                        op: self.describe(),
                    })
                }
            },
        })
    }
}
