//! The schema state: the tables, columns, indexes and constraints that folding ops over an
//! empty schema gives. No database is needed to know the schema at any revision.

use std::collections::BTreeMap;

use crate::ops::{AlterColumn, ColumnDef, IndexDef, KeyDef, Op, TableDef};

/// A table in the schema state.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The table's definition (columns, primary key, unique constraints).
    pub def: TableDef,
    /// Indexes on the table.
    pub indexes: Vec<IndexDef>,
}

/// The schema at one revision.
///
/// ```
/// use schema_runtime::prelude::*;
/// use schema_runtime::Schema;
///
/// let mut op = Ops::new();
/// op.create_table("users", |t| { t.column("id", Type::BigInt).primary_key(); });
/// op.add_column("users", "email", Type::Text);
/// let mut schema = Schema::default();
/// for o in op.ops() { schema.apply(o).unwrap(); }
/// assert!(schema.table("users").unwrap().def.column("email").is_some());
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Schema {
    tables: BTreeMap<String, Table>,
}

/// An op that does not fit the schema it is applied to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StateError {
    /// The table does not exist.
    #[error("table `{0}` does not exist")]
    MissingTable(String),
    /// The table exists already.
    #[error("table `{0}` already exists")]
    DuplicateTable(String),
    /// The column does not exist.
    #[error("column `{table}.{column}` does not exist")]
    MissingColumn {
        /// Table name.
        table: String,
        /// Column name.
        column: String,
    },
    /// The column exists already.
    #[error("column `{table}.{column}` already exists")]
    DuplicateColumn {
        /// Table name.
        table: String,
        /// Column name.
        column: String,
    },
    /// No index or constraint has that name.
    #[error("index `{0}` does not exist")]
    MissingIndex(String),
    /// An index or constraint of that name exists already.
    #[error("an index or constraint named `{0}` already exists")]
    DuplicateName(String),
    /// An index without columns.
    #[error("index `{0}` has no columns; name at least one column")]
    EmptyIndex(String),
    /// An `alter_column` that changes nothing.
    #[error("alter_column on `{table}.{column}` changes nothing; chain set_type, set_not_null, set_default or rename_to")]
    EmptyAlter {
        /// Table name.
        table: String,
        /// Column name.
        column: String,
    },
    /// The column is still used by an index or constraint.
    #[error("column `{table}.{column}` is used by `{by}`; drop `{by}` first")]
    ColumnInUse {
        /// Table name.
        table: String,
        /// Column name.
        column: String,
        /// The index or constraint using it.
        by: String,
    },
}

impl Schema {
    /// The table called `name`.
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.get(name)
    }

    /// All tables, by name.
    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.tables.values()
    }

    /// The column `table.column`.
    pub fn column(&self, table: &str, column: &str) -> Result<&ColumnDef, StateError> {
        self.table_def(table)?
            .column(column)
            .ok_or_else(|| StateError::MissingColumn {
                table: table.to_owned(),
                column: column.to_owned(),
            })
    }

    /// The index called `name`, on whichever table.
    pub fn index(&self, name: &str) -> Option<&IndexDef> {
        self.tables
            .values()
            .flat_map(|t| t.indexes.iter())
            .find(|i| i.name == name)
    }

    fn table_def(&self, name: &str) -> Result<&TableDef, StateError> {
        self.tables
            .get(name)
            .map(|t| &t.def)
            .ok_or_else(|| StateError::MissingTable(name.to_owned()))
    }

    fn table_mut(&mut self, name: &str) -> Result<&mut Table, StateError> {
        self.tables
            .get_mut(name)
            .ok_or_else(|| StateError::MissingTable(name.to_owned()))
    }

    fn name_taken(&self, name: &str) -> bool {
        self.tables.values().any(|t| {
            t.indexes.iter().any(|i| i.name == name)
                || t.def.uniques.iter().any(|u| u.name == name)
                || t.def.primary_key.as_ref().is_some_and(|pk| pk.name == name)
        })
    }

    fn check_columns(&self, table: &str, columns: &[String]) -> Result<(), StateError> {
        let def = self.table_def(table)?;
        for column in columns {
            if def.column(column).is_none() {
                return Err(StateError::MissingColumn {
                    table: table.to_owned(),
                    column: column.clone(),
                });
            }
        }
        Ok(())
    }

    /// Applies `op`, or says why it does not fit this schema (and leaves the schema unchanged).
    pub fn apply(&mut self, op: &Op) -> Result<(), StateError> {
        match op {
            Op::CreateTable(def) => {
                if self.tables.contains_key(&def.name) {
                    return Err(StateError::DuplicateTable(def.name.clone()));
                }
                let mut seen = std::collections::HashSet::new();
                for column in &def.columns {
                    if !seen.insert(&column.name) {
                        return Err(StateError::DuplicateColumn {
                            table: def.name.clone(),
                            column: column.name.clone(),
                        });
                    }
                }
                for key in def.primary_key.iter().chain(&def.uniques) {
                    if self.name_taken(&key.name) {
                        return Err(StateError::DuplicateName(key.name.clone()));
                    }
                }
                self.tables.insert(
                    def.name.clone(),
                    Table {
                        def: def.clone(),
                        indexes: Vec::new(),
                    },
                );
            }
            Op::DropTable { table } => {
                self.tables
                    .remove(table)
                    .ok_or_else(|| StateError::MissingTable(table.clone()))?;
            }
            Op::AddColumn {
                table,
                column,
                unique,
            } => {
                if let Some(name) = unique {
                    if self.name_taken(name) {
                        return Err(StateError::DuplicateName(name.clone()));
                    }
                }
                let t = self.table_mut(table)?;
                if t.def.column(&column.name).is_some() {
                    return Err(StateError::DuplicateColumn {
                        table: table.clone(),
                        column: column.name.clone(),
                    });
                }
                t.def.columns.push(column.clone());
                if let Some(name) = unique {
                    t.def.uniques.push(KeyDef {
                        name: name.clone(),
                        columns: vec![column.name.clone()],
                    });
                }
            }
            Op::DropColumn { table, column } => {
                self.column(table, column)?;
                let t = self.table_mut(table)?;
                let in_use = t
                    .indexes
                    .iter()
                    .filter(|i| i.columns.iter().any(|c| c == column) && i.columns.len() > 1)
                    .map(|i| i.name.clone())
                    .chain(
                        t.def
                            .uniques
                            .iter()
                            .chain(&t.def.primary_key)
                            .filter(|k| {
                                k.columns.iter().any(|c| c == column) && k.columns.len() > 1
                            })
                            .map(|k| k.name.clone()),
                    )
                    .next();
                if let Some(by) = in_use {
                    return Err(StateError::ColumnInUse {
                        table: table.clone(),
                        column: column.clone(),
                        by,
                    });
                }
                // Single-column indexes and constraints go with their column, as on every dialect.
                t.indexes.retain(|i| i.columns != [column.clone()]);
                t.def.uniques.retain(|k| k.columns != [column.clone()]);
                if t.def
                    .primary_key
                    .as_ref()
                    .is_some_and(|pk| pk.columns == [column.clone()])
                {
                    t.def.primary_key = None;
                }
                t.def.columns.retain(|c| &c.name != column);
            }
            Op::AlterColumn(alter) => self.alter_column(alter)?,
            Op::CreateIndex(index) => {
                if index.columns.is_empty() {
                    return Err(StateError::EmptyIndex(index.name.clone()));
                }
                self.check_columns(&index.table, &index.columns)?;
                if self.name_taken(&index.name) {
                    return Err(StateError::DuplicateName(index.name.clone()));
                }
                self.table_mut(&index.table)?.indexes.push(index.clone());
            }
            Op::DropIndex { name } => {
                let table = self
                    .index(name)
                    .map(|i| i.table.clone())
                    .ok_or_else(|| StateError::MissingIndex(name.clone()))?;
                self.table_mut(&table)?.indexes.retain(|i| &i.name != name);
            }
            Op::AddUnique { table, key } => {
                if self.name_taken(&key.name) {
                    return Err(StateError::DuplicateName(key.name.clone()));
                }
                self.check_columns(table, &key.columns)?;
                self.table_mut(table)?.def.uniques.push(key.clone());
            }
            Op::DropUnique { table, name } => {
                let t = self.table_mut(table)?;
                let before = t.def.uniques.len();
                t.def.uniques.retain(|k| &k.name != name);
                if t.def.uniques.len() == before {
                    return Err(StateError::MissingIndex(name.clone()));
                }
            }
            Op::Sql(_) => {}
        }
        Ok(())
    }

    fn alter_column(&mut self, alter: &AlterColumn) -> Result<(), StateError> {
        if alter.is_empty() {
            return Err(StateError::EmptyAlter {
                table: alter.table.clone(),
                column: alter.column.clone(),
            });
        }
        self.column(&alter.table, &alter.column)?;
        if let Some(new) = &alter.rename {
            if new != &alter.column && self.column(&alter.table, new).is_ok() {
                return Err(StateError::DuplicateColumn {
                    table: alter.table.clone(),
                    column: new.clone(),
                });
            }
        }
        let t = self.table_mut(&alter.table)?;
        let column = t
            .def
            .columns
            .iter_mut()
            .find(|c| c.name == alter.column)
            .expect("checked above");
        if let Some(ty) = &alter.ty {
            column.ty = ty.clone();
        }
        if let Some(nullable) = alter.nullable {
            column.nullable = nullable;
        }
        if let Some(default) = &alter.default {
            column.default = default.clone();
        }
        if let Some(new) = &alter.rename {
            column.name = new.clone();
            let rename = |cols: &mut Vec<String>| {
                for c in cols.iter_mut().filter(|c| **c == alter.column) {
                    *c = new.clone();
                }
            };
            for index in &mut t.indexes {
                rename(&mut index.columns);
            }
            for key in t.def.uniques.iter_mut().chain(t.def.primary_key.as_mut()) {
                rename(&mut key.columns);
            }
        }
        Ok(())
    }
}
