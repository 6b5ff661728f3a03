//! The schema state: the tables, columns, indexes, constraints and enum types that folding ops
//! over an empty schema gives. No database is needed to know the schema at any revision, which
//! is what lets renderers restate a whole column (MySQL `MODIFY`) or table (SQLite rebuilds) and
//! lets every op be reversed.

use std::collections::{BTreeMap, HashSet};

use crate::ops::{
    AlterColumn, ColumnDef, Constraint, EnumPosition, ForeignKeyDef, IndexDef, KeyDef, Op, TableDef,
};
use crate::types::{ServerDefault, Type, Value};

/// A table in the schema state.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The table's definition (columns, primary key, constraints, comment).
    pub def: TableDef,
    /// Indexes on the table.
    pub indexes: Vec<IndexDef>,
}

impl Table {
    /// The names of its indexes and constraints (unique across a schema).
    fn names(&self) -> impl Iterator<Item = &str> {
        self.indexes
            .iter()
            .map(|i| i.name.as_str())
            .chain(self.def.constraint_names())
    }
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
    enums: BTreeMap<String, Vec<String>>,
    sequences: BTreeMap<String, crate::ops::SequenceOptions>,
    /// Every index and constraint name, with the tables holding it (sorted): a constraint
    /// name is unique across the schema; an index name may repeat on other tables (MySQL and
    /// MariaDB keep index names per table; the dialects that do not refuse it when rendering).
    /// This keeps checking names O(1) however many tables there are.
    names: foldhash::HashMap<String, Vec<String>>,
}

/// An op that does not fit the schema it is applied to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
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
    /// No index has that name.
    #[error("index `{0}` does not exist")]
    MissingIndex(String),
    /// No constraint of the table has that name.
    #[error("table `{table}` has no constraint named `{name}`")]
    MissingConstraint {
        /// Table name.
        table: String,
        /// Constraint name.
        name: String,
    },
    /// `drop_index(name)` where several tables have an index of that name (MySQL and
    /// MariaDB keep index names per table).
    #[error("indexes named `{name}` are on several tables ({}); say which: op.drop_index(\"{name}\").on(\"TABLE\")", tables.join(", "))]
    AmbiguousIndex {
        /// Index name.
        name: String,
        /// The tables with an index of that name.
        tables: Vec<String>,
    },
    /// An index or constraint of that name exists already.
    #[error("an index or constraint named `{0}` already exists")]
    DuplicateName(String),
    /// An unnamed constraint outside `create_table`, or a drop by an empty name: no later op
    /// can name an unnamed constraint (on SQLite a table rebuild keeps it; PostgreSQL and MySQL
    /// know it under the name they give it, see `TableDef::with_server_names`).
    #[error("table `{table}`: {reason}")]
    Unnamed {
        /// Table name.
        table: String,
        /// What was asked, and what to do instead.
        reason: String,
    },
    /// The table has a primary key already.
    #[error("table `{0}` already has a primary key; drop it first")]
    DuplicatePrimaryKey(String),
    /// An index without columns.
    #[error("index `{0}` has no columns; name at least one column or expression")]
    EmptyIndex(String),
    /// An `alter_column` that changes nothing.
    #[error("alter_column on `{table}.{column}` changes nothing; chain set_type, set_not_null, set_default or rename_to")]
    EmptyAlter {
        /// Table name.
        table: String,
        /// Column name.
        column: String,
    },
    /// A raw SQL op declares raw SQL as its effect.
    #[error("a raw SQL op's declared effects are builder ops, not raw SQL")]
    RawEffect,
    /// An index expression ending in a key option (`.expression("email DESC")`), which would
    /// land inside the key's parentheses and fail at run time.
    #[error("index `{index}`: the expression `{expr}` ends with {}, which is not part of an expression; write IndexKey::expression(\"..\") with .desc() / .nulls_first() / .nulls_last() instead", trailing_key_option(expr).unwrap_or("a key option"))]
    KeyOptionInExpression {
        /// Index name.
        index: String,
        /// The expression as written.
        expr: String,
    },
    /// An `alter_column` part that asks for what the column already is (`set_nullable` on a
    /// nullable column): it would emit SQL both ways and its derived downgrade would undo
    /// nothing, so it is refused.
    #[error("alter_column on `{column}`: {what}; drop that part of the alter")]
    NoOpAlter {
        /// The column, as `table.column` (for the message).
        column: String,
        /// What is asked and already holds (`set_nullable: the column is already nullable`).
        what: &'static str,
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
    /// Another table's foreign key points at the table.
    #[error("table `{table}` is referenced by foreign key `{by}`; drop that foreign key first")]
    TableReferenced {
        /// Table name.
        table: String,
        /// The foreign key.
        by: String,
    },
    /// A foreign key that cannot work.
    #[error("foreign key `{name}`: {reason}")]
    BadForeignKey {
        /// Constraint name.
        name: String,
        /// What is wrong.
        reason: String,
    },
    /// The enum type does not exist.
    #[error("enum type `{0}` does not exist; create it with op.create_enum first")]
    MissingEnum(String),
    /// The enum type exists already.
    #[error("enum type `{0}` already exists")]
    DuplicateEnum(String),
    /// The sequence does not exist.
    #[error("sequence `{0}` does not exist; create it with op.create_sequence first")]
    MissingSequence(String),
    /// A sequence or table of that name exists already.
    #[error("a sequence or table named `{0}` already exists")]
    DuplicateSequence(String),
    /// An enum value problem.
    #[error("enum type `{name}`: {reason}")]
    EnumValue {
        /// Type name.
        name: String,
        /// What is wrong.
        reason: String,
    },
    /// The enum type is used by a column.
    #[error("enum type `{name}` is used by column `{column}`; drop or change the column first")]
    EnumInUse {
        /// Type name.
        name: String,
        /// `table.column`.
        column: String,
    },
    /// A column's default still draws from the sequence.
    #[error("sequence `{name}` is drawn from by the default of `{column}`; drop that default first (and set it again after a rename)")]
    SequenceInUse {
        /// Sequence name.
        name: String,
        /// `table.column`.
        column: String,
    },
    /// A bulk-insert row whose length does not match the columns.
    #[error("bulk_insert into `{table}`: row {row} has {got} values for {expected} columns")]
    RowArity {
        /// Table name.
        table: String,
        /// 1-based row number.
        row: usize,
        /// Values in the row.
        got: usize,
        /// Columns named.
        expected: usize,
    },
    /// A type that no database can have (a precision out of range).
    #[error("type {ty}: {reason}")]
    InvalidType {
        /// The type, as `Float(60)`.
        ty: String,
        /// The valid range.
        reason: &'static str,
    },
    /// A generated column declared with what no database allows on one (a default, an
    /// identity).
    #[error("column `{column}` is generated (GENERATED ALWAYS AS ({expr})) and {reason}; a generated column has neither, drop that part")]
    GeneratedColumn {
        /// `table.column`.
        column: String,
        /// Its expression.
        expr: String,
        /// What else it has (`has a default`, `is an identity column`).
        reason: &'static str,
    },
    /// A `bulk_insert` or `update` that writes a generated column, which the database computes
    /// and refuses to be given.
    #[error("{op} writes `{table}.{column}`, a generated column the database computes; leave `{column}` out")]
    WritesGeneratedColumn {
        /// `bulk_insert` or `update`.
        op: &'static str,
        /// Table name.
        table: String,
        /// The generated column.
        column: String,
    },
    /// Internal: rows loaded only as a digest reached a renderer (a bug in the caller).
    #[error("the rows were loaded for the schema only, not to run them; this is a bug of cargo-schema, please report it")]
    RowsNotLoaded,
}

/// Refuses a generated column with a default or an identity (no database has either).
fn check_generated(table: &str, column: &ColumnDef) -> Result<(), StateError> {
    let Some(g) = &column.generated else {
        return Ok(());
    };
    let reason = if column.default.is_some() {
        "has a default"
    } else if column.identity {
        "is an identity column"
    } else {
        return Ok(());
    };
    Err(StateError::GeneratedColumn {
        column: format!("{table}.{}", column.name),
        expr: g.expr.clone(),
        reason,
    })
}

/// Refuses `op` writing a generated column of `def`.
fn check_writes<'a>(
    op: &'static str,
    def: &TableDef,
    mut columns: impl Iterator<Item = &'a String>,
) -> Result<(), StateError> {
    match columns.find(|c| def.column(c).is_some_and(ColumnDef::is_generated)) {
        Some(column) => Err(StateError::WritesGeneratedColumn {
            op,
            table: def.name.clone(),
            column: column.clone(),
        }),
        None => Ok(()),
    }
}

/// Types a foreign key may join: equal types, or any two integer types.
fn compatible(a: &Type, b: &Type) -> bool {
    a == b
        || (a.is_integer() && b.is_integer())
        || matches!(
            (a, b),
            (
                Type::String(_) | Type::Varchar | Type::Text,
                Type::String(_) | Type::Varchar | Type::Text
            )
        )
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

    /// The values of enum type `name`.
    pub fn enum_values(&self, name: &str) -> Option<&[String]> {
        self.enums.get(name).map(Vec::as_slice)
    }

    /// All enum types, by name.
    pub fn enums(&self) -> impl Iterator<Item = (&String, &Vec<String>)> {
        self.enums.iter()
    }

    /// The options of sequence `name`.
    pub fn sequence(&self, name: &str) -> Option<&crate::ops::SequenceOptions> {
        self.sequences.get(name)
    }

    /// All sequences, by name.
    pub fn sequences(&self) -> impl Iterator<Item = crate::ops::SequenceDef> + '_ {
        self.sequences
            .iter()
            .map(|(name, options)| crate::ops::SequenceDef {
                name: name.clone(),
                options: *options,
            })
    }

    /// Puts the sequence `def` in the schema as it is, replacing one of the same name.
    pub(crate) fn insert_sequence(&mut self, def: crate::ops::SequenceDef) {
        self.sequences.insert(def.name, def.options);
    }

    /// A schema with this one's enum types and sequences and no table.
    pub(crate) fn without_tables(&self) -> Schema {
        Schema {
            enums: self.enums.clone(),
            sequences: self.sequences.clone(),
            ..Schema::default()
        }
    }

    /// The first column (`table.column`) whose default draws from sequence `name`:
    /// `nextval('name')`, `nextval(name)`, `NEXT VALUE FOR name`, in any dialect's spelling.
    fn sequence_user(&self, name: &str) -> Option<String> {
        let draws = |expr: &str| {
            let text: String = expr
                .to_ascii_lowercase()
                .chars()
                .filter(|c| !c.is_whitespace() && !matches!(c, '"' | '`' | '\''))
                .collect();
            let name = name.to_ascii_lowercase();
            // With or without a schema before the name.
            ["nextval(", "nextvaluefor"].iter().any(|call| {
                text.match_indices(call).any(|(at, _)| {
                    let rest = &text[at + call.len()..];
                    let end = rest
                        .find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '.' | '$')))
                        .unwrap_or(rest.len());
                    let called = &rest[..end];
                    called == name || called.ends_with(&format!(".{name}"))
                })
            })
        };
        for table in self.tables.values() {
            for column in &table.def.columns {
                let uses = match &column.default {
                    Some(ServerDefault::Expr(e)) => draws(e),
                    Some(ServerDefault::ExprPerDialect { portable, dialects }) => {
                        draws(portable) || dialects.iter().any(|(_, e)| draws(e))
                    }
                    _ => false,
                };
                if uses {
                    return Some(format!("{}.{}", table.def.name, column.name));
                }
            }
        }
        None
    }

    /// This schema with the sequences of `other` instead of its own: models describe no
    /// sequences, so a diff from migrations (or a database) to models keeps theirs.
    ///
    /// ```
    /// use schema_runtime::autogen::{diff, DiffOptions};
    /// use schema_runtime::prelude::*;
    /// use schema_runtime::Schema;
    ///
    /// let mut op = Ops::new();
    /// op.create_sequence("invoice_numbers").start(1000);
    /// let mut migrations = Schema::default();
    /// for o in op.ops() { migrations.apply(o).unwrap(); }
    /// let models = Schema::default(); // no sequence: models cannot declare one
    /// assert_eq!(diff(&migrations, &models, &DiffOptions::default()).len(), 1); // a drop
    /// let models = models.with_sequences_of(&migrations);
    /// assert!(diff(&migrations, &models, &DiffOptions::default()).is_empty());
    /// ```
    pub fn with_sequences_of(mut self, other: &Schema) -> Schema {
        self.sequences = other.sequences.clone();
        self
    }

    /// Puts `table` in the schema as it is, replacing a table of the same name; no op checks
    /// run. For schemas built from elsewhere than ops (introspection).
    pub(crate) fn insert_table(&mut self, table: Table) {
        let name = table.def.name.clone();
        let before = self.names_held(&name);
        self.tables.insert(name.clone(), table);
        self.reindex_names(&before, &[&name]);
    }

    /// Puts the enum type `def` in the schema as it is, replacing one of the same name.
    pub(crate) fn insert_enum(&mut self, def: crate::ops::EnumDef) {
        self.enums.insert(def.name, def.values);
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

    /// The index called `name`, on whichever table; `None` also when indexes of that name
    /// are on several tables (see [`index_on`](Self::index_on)).
    pub fn index(&self, name: &str) -> Option<&IndexDef> {
        match self.indexes_named(name).as_slice() {
            [only] => Some(only),
            _ => None,
        }
    }

    /// The indexes called `name`, one per table holding one.
    pub fn indexes_named(&self, name: &str) -> Vec<&IndexDef> {
        self.names
            .get(name)
            .into_iter()
            .flatten()
            .filter_map(|table| self.tables.get(table))
            .filter_map(|t| t.indexes.iter().find(|i| i.name == name))
            .collect()
    }

    /// The index called `name` on `table`, or on whichever table when `table` is `None` and
    /// only one has it; says which tables to choose from when several do.
    pub fn index_on(&self, table: Option<&str>, name: &str) -> Result<&IndexDef, StateError> {
        let found = self.indexes_named(name);
        match table {
            Some(table) => found
                .into_iter()
                .find(|i| i.table == table)
                .ok_or_else(|| StateError::MissingIndex(format!("{name}` on `{table}"))),
            None => match found.as_slice() {
                [] => Err(StateError::MissingIndex(name.to_owned())),
                [only] => Ok(only),
                several => Err(StateError::AmbiguousIndex {
                    name: name.to_owned(),
                    tables: several.iter().map(|i| i.table.clone()).collect(),
                }),
            },
        }
    }

    /// The foreign keys of other tables that point at `table`, as `(table, fk)`.
    pub fn referencing(&self, table: &str) -> Vec<(&str, &ForeignKeyDef)> {
        self.tables
            .values()
            .filter(|t| t.def.name != table)
            .flat_map(|t| {
                t.def
                    .foreign_keys
                    .iter()
                    .map(move |fk| (t.def.name.as_str(), fk))
            })
            .filter(|(_, fk)| fk.ref_table == table)
            .collect()
    }

    /// The table definition called `name`.
    pub fn table_def(&self, name: &str) -> Result<&TableDef, StateError> {
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
        self.names.contains_key(name)
    }

    /// The index and constraint names `table` holds (none when there is no such table).
    fn names_held(&self, table: &str) -> Vec<String> {
        self.tables
            .get(table)
            .map(|t| t.names().map(str::to_owned).collect())
            .unwrap_or_default()
    }

    /// Brings the name index up to date after `tables` changed: drops the names they held
    /// before (`before`, from [`names_held`](Self::names_held)) and indexes what they hold now.
    fn reindex_names(&mut self, before: &[String], tables: &[&str]) {
        for name in before {
            if let Some(holders) = self.names.get_mut(name) {
                holders.retain(|t| !tables.contains(&t.as_str()));
                if holders.is_empty() {
                    self.names.remove(name);
                }
            }
        }
        for &table in tables {
            if let Some(t) = self.tables.get(table) {
                for name in t.names() {
                    let holders = self.names.entry(name.to_owned()).or_default();
                    if let Err(at) = holders.binary_search_by(|h| h.as_str().cmp(table)) {
                        holders.insert(at, table.to_owned());
                    }
                }
            }
        }
    }

    /// Whether `name` is held by a constraint anywhere, or by an index of `table`: an index
    /// called so on `table` would clash everywhere (another table's index of that name clashes
    /// only on the dialects with one index namespace, which refuse it when rendering).
    fn index_name_taken(&self, table: &str, name: &str) -> bool {
        self.names.get(name).is_some_and(|holders| {
            holders.iter().any(|h| {
                self.tables
                    .get(h)
                    .is_some_and(|t| h == table || t.def.constraint_names().any(|n| n == name))
            })
        })
    }

    fn check_columns<'a>(
        &self,
        def: &TableDef,
        columns: impl IntoIterator<Item = &'a String>,
    ) -> Result<(), StateError> {
        for column in columns {
            if def.column(column).is_none() {
                return Err(StateError::MissingColumn {
                    table: def.name.clone(),
                    column: column.clone(),
                });
            }
        }
        Ok(())
    }

    fn check_type(&self, ty: &Type) -> Result<(), StateError> {
        match ty {
            Type::Enum(name) if !self.enums.contains_key(name) => {
                Err(StateError::MissingEnum(name.clone()))
            }
            _ => match ty.invalid() {
                Some(reason) => Err(StateError::InvalidType {
                    ty: ty.to_string(),
                    reason,
                }),
                None => Ok(()),
            },
        }
    }

    /// Checks `fk` of `def` (which may be the table being created, for self-references).
    fn check_foreign_key(&self, def: &TableDef, fk: &ForeignKeyDef) -> Result<(), StateError> {
        let bad = |reason: String| StateError::BadForeignKey {
            name: fk.name.clone(),
            reason,
        };
        self.check_columns(def, &fk.columns)?;
        let target = if fk.ref_table == def.name {
            def
        } else {
            self.tables
                .get(&fk.ref_table)
                .map(|t| &t.def)
                .ok_or_else(|| {
                    bad(format!(
                        "referenced table `{}` does not exist",
                        fk.ref_table
                    ))
                })?
        };
        if fk.columns.len() != fk.ref_columns.len() || fk.columns.is_empty() {
            return Err(bad(format!(
                "{} column(s) reference {} column(s); name as many on each side",
                fk.columns.len(),
                fk.ref_columns.len()
            )));
        }
        for (col, ref_col) in fk.columns.iter().zip(&fk.ref_columns) {
            let referenced = target.column(ref_col).ok_or_else(|| {
                bad(format!(
                    "referenced column `{}.{ref_col}` does not exist",
                    fk.ref_table
                ))
            })?;
            let column = def.column(col).expect("checked above");
            if !compatible(&column.ty, &referenced.ty) {
                return Err(bad(format!(
                    "`{}.{col}` is {} but `{}.{ref_col}` is {}; give both the same type",
                    def.name, column.ty, fk.ref_table, referenced.ty
                )));
            }
        }
        Ok(())
    }

    fn check_constraint(&self, def: &TableDef, constraint: &Constraint) -> Result<(), StateError> {
        let name = constraint.name();
        // Unnamed constraints (SQLite keeps them so) share the empty name and take none.
        if !name.is_empty() && (self.name_taken(name) || def.constraint_names().any(|n| n == name))
        {
            return Err(StateError::DuplicateName(constraint.name().to_owned()));
        }
        match constraint {
            Constraint::PrimaryKey(k) | Constraint::Unique(k) => {
                self.check_columns(def, &k.columns)
            }
            Constraint::ForeignKey(fk) => self.check_foreign_key(def, fk),
            Constraint::Check(_) => Ok(()),
        }
    }

    /// Applies `op`, or says why it does not fit this schema (and leaves the schema unchanged).
    pub fn apply(&mut self, op: &Op) -> Result<(), StateError> {
        // The tables whose index and constraint names the op may change, and the names they
        // hold now (none for the table a `create_table` adds: no allocation on that path).
        let index_table;
        let touched: Vec<&str> = match op {
            Op::RenameTable { from, to } => vec![from, to],
            Op::DropIndex { name, table, .. } => {
                index_table = self
                    .index_on(table.as_deref(), name)
                    .ok()
                    .map(|i| i.table.clone());
                index_table.as_deref().into_iter().collect()
            }
            _ => op.table().into_iter().collect(),
        };
        let before: Vec<String> = touched.iter().flat_map(|t| self.names_held(t)).collect();
        self.apply_inner(op)?;
        self.reindex_names(&before, &touched);
        Ok(())
    }

    fn apply_inner(&mut self, op: &Op) -> Result<(), StateError> {
        match op {
            Op::CreateTable { def, if_not_exists } => {
                if self.sequences.contains_key(&def.name) {
                    return Err(StateError::DuplicateSequence(def.name.clone()));
                }
                if self.tables.contains_key(&def.name) {
                    return if *if_not_exists {
                        Ok(())
                    } else {
                        Err(StateError::DuplicateTable(def.name.clone()))
                    };
                }
                let mut seen = HashSet::new();
                for column in &def.columns {
                    if !seen.insert(&column.name) {
                        return Err(StateError::DuplicateColumn {
                            table: def.name.clone(),
                            column: column.name.clone(),
                        });
                    }
                    self.check_type(&column.ty)?;
                    check_generated(&def.name, column)?;
                }
                let mut names = HashSet::new();
                let empty = TableDef {
                    name: def.name.clone(),
                    columns: def.columns.clone(),
                    ..TableDef::default()
                };
                for constraint in def.constraints() {
                    // Unnamed constraints (SQLite keeps them so) share the empty name.
                    if !constraint.name().is_empty() && !names.insert(constraint.name().to_owned())
                    {
                        return Err(StateError::DuplicateName(constraint.name().to_owned()));
                    }
                    self.check_constraint(&empty, &constraint)?;
                }
                self.tables.insert(
                    def.name.clone(),
                    Table {
                        def: def.clone(),
                        indexes: Vec::new(),
                    },
                );
            }
            Op::DropTable { table, if_exists } => {
                if !self.tables.contains_key(table) {
                    return if *if_exists {
                        Ok(())
                    } else {
                        Err(StateError::MissingTable(table.clone()))
                    };
                }
                if let Some((_, fk)) = self.referencing(table).first() {
                    return Err(StateError::TableReferenced {
                        table: table.clone(),
                        by: fk.name.clone(),
                    });
                }
                self.tables.remove(table);
            }
            Op::RenameTable { from, to } => {
                if self.tables.contains_key(to) {
                    return Err(StateError::DuplicateTable(to.clone()));
                }
                let mut t = self
                    .tables
                    .remove(from)
                    .ok_or_else(|| StateError::MissingTable(from.clone()))?;
                t.def.name = to.clone();
                for index in &mut t.indexes {
                    index.table = to.clone();
                }
                self.tables.insert(to.clone(), t);
                for t in self.tables.values_mut() {
                    for fk in t
                        .def
                        .foreign_keys
                        .iter_mut()
                        .filter(|fk| &fk.ref_table == from)
                    {
                        fk.ref_table = to.clone();
                    }
                }
            }
            Op::SetTableComment { table, comment } => {
                self.table_mut(table)?.def.comment = comment.clone()
            }
            Op::AddColumn {
                table,
                column,
                unique,
                foreign_key,
            } => {
                self.check_type(&column.ty)?;
                check_generated(table, column)?;
                let mut def = self.table_def(table)?.clone();
                if def.column(&column.name).is_some() {
                    return Err(StateError::DuplicateColumn {
                        table: table.clone(),
                        column: column.name.clone(),
                    });
                }
                def.columns.push(column.clone());
                if let Some(name) = unique {
                    let key = Constraint::Unique(KeyDef {
                        name: name.clone(),
                        columns: vec![column.name.clone()],
                    });
                    self.check_constraint(&def, &key)?;
                    def.uniques.push(KeyDef {
                        name: name.clone(),
                        columns: vec![column.name.clone()],
                    });
                }
                if let Some(fk) = foreign_key {
                    self.check_constraint(&def, &Constraint::ForeignKey(fk.clone()))?;
                    def.foreign_keys.push(fk.clone());
                }
                self.table_mut(table)?.def = def;
            }
            Op::DropColumn { table, column } => self.drop_column(table, column)?,
            Op::AlterColumn(alter) => self.alter_column(alter)?,
            Op::CreateIndex {
                index,
                if_not_exists,
                ..
            } => {
                if index.keys.is_empty() {
                    return Err(StateError::EmptyIndex(index.name.clone()));
                }
                for expr in index.expressions() {
                    if trailing_key_option(expr).is_some() {
                        return Err(StateError::KeyOptionInExpression {
                            index: index.name.clone(),
                            expr: expr.to_owned(),
                        });
                    }
                }
                if self.index_name_taken(&index.table, &index.name) {
                    return if *if_not_exists
                        && self.index_on(Some(&index.table), &index.name).is_ok()
                    {
                        Ok(())
                    } else {
                        Err(StateError::DuplicateName(index.name.clone()))
                    };
                }
                let def = self.table_def(&index.table)?;
                self.check_columns(def, index.columns().iter().chain(&index.include))?;
                self.table_mut(&index.table)?.indexes.push(index.clone());
            }
            Op::DropIndex {
                name,
                table,
                if_exists,
                ..
            } => match self.index_on(table.as_deref(), name) {
                Ok(index) => {
                    let table = index.table.clone();
                    self.table_mut(&table)?.indexes.retain(|i| &i.name != name)
                }
                Err(StateError::MissingIndex(_)) if *if_exists => {}
                Err(e) => return Err(e),
            },
            Op::AddConstraint { table, constraint } => {
                if constraint.name().is_empty() {
                    return Err(StateError::Unnamed {
                        table: table.clone(),
                        reason: "an added constraint needs a name (unnamed constraints are declared in create_table); drop .unnamed() or give .name(..)".into(),
                    });
                }
                let def = self.table_def(table)?;
                if matches!(constraint, Constraint::PrimaryKey(_)) && def.primary_key.is_some() {
                    return Err(StateError::DuplicatePrimaryKey(table.clone()));
                }
                self.check_constraint(def, constraint)?;
                let def = &mut self.table_mut(table)?.def;
                match constraint {
                    Constraint::PrimaryKey(k) => {
                        // Every dialect makes primary key columns NOT NULL.
                        for c in def
                            .columns
                            .iter_mut()
                            .filter(|c| k.columns.contains(&c.name))
                        {
                            c.nullable = false;
                        }
                        def.primary_key = Some(k.clone());
                    }
                    Constraint::Unique(k) => def.uniques.push(k.clone()),
                    Constraint::ForeignKey(fk) => def.foreign_keys.push(fk.clone()),
                    Constraint::Check(ck) => def.checks.push(ck.clone()),
                }
            }
            Op::DropConstraint { table, name } => {
                if name.is_empty() {
                    return Err(StateError::Unnamed {
                        table: table.clone(),
                        reason: "an unnamed constraint cannot be dropped by name; on SQLite recreate the table without it (a table rebuild), elsewhere drop it under the name the database gave it with op.execute, then declare the table's constraints named".into(),
                    });
                }
                let def = &mut self.table_mut(table)?.def;
                let missing = || StateError::MissingConstraint {
                    table: table.clone(),
                    name: name.clone(),
                };
                match def.constraint(name).ok_or_else(missing)? {
                    Constraint::PrimaryKey(_) => def.primary_key = None,
                    Constraint::Unique(_) => def.uniques.retain(|k| &k.name != name),
                    Constraint::ForeignKey(_) => def.foreign_keys.retain(|fk| &fk.name != name),
                    Constraint::Check(_) => def.checks.retain(|ck| &ck.name != name),
                }
            }
            Op::CreateEnum(e) => {
                if self.enums.contains_key(&e.name) {
                    return Err(StateError::DuplicateEnum(e.name.clone()));
                }
                let distinct: HashSet<&String> = e.values.iter().collect();
                if e.values.is_empty() || distinct.len() != e.values.len() {
                    return Err(StateError::EnumValue {
                        name: e.name.clone(),
                        reason: "give at least one value, each once".into(),
                    });
                }
                self.enums.insert(e.name.clone(), e.values.clone());
            }
            Op::DropEnum { name } => {
                if !self.enums.contains_key(name) {
                    return Err(StateError::MissingEnum(name.clone()));
                }
                if let Some((table, column)) = self.enum_columns(name).first() {
                    return Err(StateError::EnumInUse {
                        name: name.clone(),
                        column: format!("{table}.{column}"),
                    });
                }
                self.enums.remove(name);
            }
            Op::AddEnumValue {
                name,
                value,
                position,
            } => {
                let values = self
                    .enums
                    .get_mut(name)
                    .ok_or_else(|| StateError::MissingEnum(name.clone()))?;
                let err = |reason: String| StateError::EnumValue {
                    name: name.clone(),
                    reason,
                };
                if values.contains(value) {
                    return Err(err(format!("value `{value}` exists already")));
                }
                let at = match position {
                    None => values.len(),
                    Some(EnumPosition::Before(v)) | Some(EnumPosition::After(v)) => {
                        let i = values
                            .iter()
                            .position(|x| x == v)
                            .ok_or_else(|| err(format!("no value `{v}`")))?;
                        if matches!(position, Some(EnumPosition::After(_))) {
                            i + 1
                        } else {
                            i
                        }
                    }
                };
                values.insert(at, value.clone());
            }
            Op::RenameEnumValue { name, from, to } => {
                let values = self
                    .enums
                    .get_mut(name)
                    .ok_or_else(|| StateError::MissingEnum(name.clone()))?;
                let err = |reason: String| StateError::EnumValue {
                    name: name.clone(),
                    reason,
                };
                if values.contains(to) {
                    return Err(err(format!("value `{to}` exists already")));
                }
                let slot = values
                    .iter_mut()
                    .find(|v| *v == from)
                    .ok_or_else(|| err(format!("no value `{from}`")))?;
                *slot = to.clone();
                // Defaults holding the old value follow the rename, as the rows do.
                let old = ServerDefault::Value(Value::Str(from.clone()));
                for column in self.enum_columns_mut(name) {
                    if column.default.as_ref() == Some(&old) {
                        column.default = Some(ServerDefault::Value(Value::Str(to.clone())));
                    }
                }
            }
            Op::DropEnumValue { name, value } => {
                let values = self
                    .enums
                    .get_mut(name)
                    .ok_or_else(|| StateError::MissingEnum(name.clone()))?;
                if values.len() == 1 || !values.contains(value) {
                    return Err(StateError::EnumValue {
                        name: name.clone(),
                        reason: format!(
                            "cannot drop `{value}`: it must exist and not be the last value"
                        ),
                    });
                }
                let old = ServerDefault::Value(Value::Str(value.clone()));
                if self
                    .enum_columns_mut(name)
                    .iter()
                    .any(|c| c.default.as_ref() == Some(&old))
                {
                    return Err(StateError::EnumValue {
                        name: name.clone(),
                        reason: format!("cannot drop `{value}`: a column's default is `{value}`; change that default first"),
                    });
                }
                if let Some(values) = self.enums.get_mut(name) {
                    values.retain(|v| v != value);
                }
            }
            Op::CreateSequence(def) => {
                if self.sequences.contains_key(&def.name) || self.tables.contains_key(&def.name) {
                    return Err(StateError::DuplicateSequence(def.name.clone()));
                }
                self.sequences.insert(def.name.clone(), def.options);
            }
            Op::DropSequence { name } => {
                if !self.sequences.contains_key(name) {
                    return Err(StateError::MissingSequence(name.clone()));
                }
                if let Some(column) = self.sequence_user(name) {
                    return Err(StateError::SequenceInUse {
                        name: name.clone(),
                        column,
                    });
                }
                self.sequences.remove(name);
            }
            Op::RenameSequence { from, to } => {
                if !self.sequences.contains_key(from) {
                    return Err(StateError::MissingSequence(from.clone()));
                }
                if self.sequences.contains_key(to) || self.tables.contains_key(to) {
                    return Err(StateError::DuplicateSequence(to.clone()));
                }
                if let Some(column) = self.sequence_user(from) {
                    return Err(StateError::SequenceInUse {
                        name: from.clone(),
                        column,
                    });
                }
                if let Some(options) = self.sequences.remove(from) {
                    self.sequences.insert(to.clone(), options);
                }
            }
            Op::AlterSequence { name, changes } => {
                let options = self
                    .sequences
                    .get_mut(name)
                    .ok_or_else(|| StateError::MissingSequence(name.clone()))?;
                *options = options.with(changes);
            }
            Op::BulkInsert {
                table,
                columns,
                rows,
                ..
            }
            | Op::DeleteRows {
                table,
                columns,
                rows,
                ..
            } => {
                let def = self.table_def(table)?;
                self.check_columns(def, columns)?;
                if matches!(op, Op::BulkInsert { .. }) {
                    check_writes("bulk_insert", def, columns.iter())?;
                }
                if let Some((row, got)) = rows.arity_error(columns.len()) {
                    return Err(StateError::RowArity {
                        table: table.clone(),
                        row,
                        got,
                        expected: columns.len(),
                    });
                }
            }
            Op::Update { table, set, .. } => {
                let def = self.table_def(table)?;
                self.check_columns(def, set.iter().map(|(c, _)| c))?;
                check_writes("update", def, set.iter().map(|(c, _)| c))?;
            }
            Op::Sql(raw) => {
                if raw.effects.is_empty() {
                    return Ok(());
                }
                // All or nothing, as every op.
                let saved = self.clone();
                for effect in &raw.effects {
                    let applied = if matches!(effect, Op::Sql(_)) {
                        Err(StateError::RawEffect)
                    } else {
                        self.apply(effect)
                    };
                    if let Err(e) = applied {
                        *self = saved;
                        return Err(e);
                    }
                }
            }
        }
        Ok(())
    }

    /// `(table, column)` of every column of enum type `name` (pairs, so names with dots stay
    /// whole).
    pub fn enum_columns(&self, name: &str) -> Vec<(&str, &str)> {
        self.tables
            .values()
            .flat_map(|t| t.def.columns.iter().map(move |c| (t, c)))
            .filter(|(_, c)| matches!(&c.ty, Type::Enum(e) if e == name))
            .map(|(t, c)| (t.def.name.as_str(), c.name.as_str()))
            .collect()
    }

    fn enum_columns_mut(&mut self, name: &str) -> Vec<&mut ColumnDef> {
        self.tables
            .values_mut()
            .flat_map(|t| t.def.columns.iter_mut())
            .filter(|c| matches!(&c.ty, Type::Enum(e) if e == name))
            .collect()
    }

    fn drop_column(&mut self, table: &str, column: &str) -> Result<(), StateError> {
        self.column(table, column)?;
        let in_use = |by: &str| StateError::ColumnInUse {
            table: table.to_owned(),
            column: column.to_owned(),
            by: by.to_owned(),
        };
        if let Some((_, fk)) = self
            .referencing(table)
            .into_iter()
            .find(|(_, fk)| fk.ref_columns.iter().any(|c| c == column))
        {
            return Err(in_use(&fk.name));
        }
        let t = self.table_mut(table)?;
        let single = |cols: &[String]| cols.len() == 1 && cols[0] == column;
        let single_key =
            |i: &IndexDef| matches!(i.keys.as_slice(), [key] if key.column_name() == Some(column));
        let uses = |cols: &[String]| cols.iter().any(|c| c == column);
        // Single-column indexes and keys go with their column, as on every dialect; anything
        // wider must be dropped first.
        if let Some(i) = t
            .indexes
            .iter()
            .find(|i| (uses(&i.columns()) || uses(&i.include)) && !single_key(i))
        {
            return Err(in_use(&i.name));
        }
        if let Some(k) = t
            .def
            .uniques
            .iter()
            .chain(&t.def.primary_key)
            .find(|k| uses(&k.columns) && !single(&k.columns))
        {
            return Err(in_use(&k.name));
        }
        if let Some(fk) = t.def.foreign_keys.iter().find(|fk| uses(&fk.columns)) {
            return Err(in_use(&fk.name));
        }
        // Every server refuses to drop a column a generated column is computed from.
        if let Some(c) =
            t.def.columns.iter().find(|c| {
                c.name != column && c.generated.as_ref().is_some_and(|g| g.mentions(column))
            })
        {
            return Err(in_use(&c.name));
        }
        t.indexes.retain(|i| !single_key(i));
        t.def.uniques.retain(|k| !single(&k.columns));
        if t.def
            .primary_key
            .as_ref()
            .is_some_and(|pk| single(&pk.columns))
        {
            t.def.primary_key = None;
        }
        t.def.columns.retain(|c| c.name != column);
        Ok(())
    }

    fn alter_column(&mut self, alter: &AlterColumn) -> Result<(), StateError> {
        if alter.is_empty() {
            return Err(StateError::EmptyAlter {
                table: alter.table.clone(),
                column: alter.column.clone(),
            });
        }
        let current = self.column(&alter.table, &alter.column)?.clone();
        if let Some(ty) = &alter.ty {
            self.check_type(ty)?;
        }
        let no_op = |what: &'static str| StateError::NoOpAlter {
            column: format!("{}.{}", alter.table, alter.column),
            what,
        };
        match alter.nullable {
            Some(true) if current.nullable => {
                return Err(no_op("set_nullable: the column is already nullable"))
            }
            Some(false) if !current.nullable => {
                return Err(no_op("set_not_null: the column is already NOT NULL"))
            }
            _ => {}
        }
        if alter.ty.as_ref() == Some(&current.ty) && alter.using.is_none() {
            return Err(no_op("set_type: the column already has that type"));
        }
        if alter.default == Some(None) && current.default.is_none() {
            return Err(no_op("drop_default: the column has no default"));
        }
        if alter.rename.as_ref() == Some(&alter.column) {
            return Err(no_op("rename_to: the column already has that name"));
        }
        if alter.collation.as_ref() == Some(&current.collation) {
            return Err(no_op(if current.collation.is_some() {
                "set_collation: the column has that collation already"
            } else {
                "drop_collation: the column has the default collation"
            }));
        }
        if alter.identity == Some(current.identity) {
            return Err(no_op(if current.identity {
                "set_identity(true): the column is an identity column already"
            } else {
                "set_identity(false): the column is not an identity column"
            }));
        }
        if alter.identity_options.is_some_and(|c| !c.is_empty())
            && (!current.identity || alter.identity.is_some())
        {
            return Err(no_op(
                "set_identity_always / set_identity_sequence: the column is not an identity column before this alter (give a new identity its options with .identity_*() in another alter_column, or on create)",
            ));
        }
        if let Some(new) = &alter.rename {
            if new != &alter.column && self.column(&alter.table, new).is_ok() {
                return Err(StateError::DuplicateColumn {
                    table: alter.table.clone(),
                    column: new.clone(),
                });
            }
        }
        let new = alter.applied_to(&current);
        check_generated(&alter.table, &new)?;
        let t = self.table_mut(&alter.table)?;
        let column = t
            .def
            .columns
            .iter_mut()
            .find(|c| c.name == alter.column)
            .expect("checked above");
        *column = new;
        if let Some(new_name) = &alter.rename {
            // The servers rewrite the expressions of generated columns on a rename.
            for c in &mut t.def.columns {
                if let Some(g) = c.generated.as_mut().filter(|g| g.mentions(&alter.column)) {
                    *g = g.renamed(&alter.column, new_name);
                }
            }
            let rename = |cols: &mut Vec<String>| {
                for c in cols.iter_mut().filter(|c| **c == alter.column) {
                    *c = new_name.clone();
                }
            };
            for index in &mut t.indexes {
                for key in &mut index.keys {
                    if let crate::ops::KeyPart::Column(c) = &mut key.part {
                        if *c == alter.column {
                            c.clone_from(new_name);
                        }
                    }
                }
                rename(&mut index.include);
            }
            for key in t.def.uniques.iter_mut().chain(t.def.primary_key.as_mut()) {
                rename(&mut key.columns);
            }
            for ck in &mut t.def.checks {
                if ck.column.as_ref() == Some(&alter.column) {
                    ck.column = Some(new_name.clone());
                }
            }
            for fk in &mut t.def.foreign_keys {
                rename(&mut fk.columns);
                if fk.ref_table == alter.table {
                    rename(&mut fk.ref_columns);
                }
            }
            for other in self
                .tables
                .values_mut()
                .filter(|o| o.def.name != alter.table)
            {
                for fk in other
                    .def
                    .foreign_keys
                    .iter_mut()
                    .filter(|fk| fk.ref_table == alter.table)
                {
                    rename(&mut fk.ref_columns);
                }
            }
        }
        Ok(())
    }
}

/// The ordering option an index expression ends with, outside quotes (`email DESC`), if any.
fn trailing_key_option(expr: &str) -> Option<&'static str> {
    let words: Vec<String> = expr
        .split_whitespace()
        .rev()
        .take(2)
        .map(str::to_ascii_uppercase)
        .collect();
    match words
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["FIRST", "NULLS", ..] => Some("NULLS FIRST"),
        ["LAST", "NULLS", ..] => Some("NULLS LAST"),
        ["DESC", ..] => Some("DESC"),
        ["ASC", ..] => Some("ASC"),
        _ => None,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::ops::Ops;

    /// The schema `build`'s ops replay to (unit tests of the replay and of the ops).
    pub(crate) fn replay(build: impl FnOnce(&mut Ops)) -> Result<Schema, StateError> {
        let mut op = Ops::new();
        build(&mut op);
        let mut schema = Schema::default();
        for o in op.ops() {
            schema.apply(o)?;
        }
        Ok(schema)
    }

    #[test]
    fn sequences_are_created_altered_and_dropped_once_nothing_draws_from_them() {
        let schema = replay(|op| {
            op.create_sequence("invoice_numbers").start(1000).cache(20);
            op.alter_sequence("invoice_numbers")
                .increment(5)
                .default_cache();
        })
        .expect("replays");
        let options = schema.sequence("invoice_numbers").expect("kept");
        assert_eq!(
            (options.start, options.increment, options.cache),
            (Some(1000), Some(5), None)
        );
        let duplicate = replay(|op| {
            op.create_table("invoice_numbers", |_| {});
            op.create_sequence("invoice_numbers");
        });
        assert_eq!(
            duplicate,
            Err(StateError::DuplicateSequence("invoice_numbers".into()))
        );
        assert_eq!(
            replay(|op| op.drop_sequence("nowhere")),
            Err(StateError::MissingSequence("nowhere".into()))
        );
        for default in [
            "nextval('invoice_numbers'::regclass)",
            "nextval('public.invoice_numbers')",
            "nextval(`shop`.`invoice_numbers`)",
            "NEXT VALUE FOR invoice_numbers",
        ] {
            let in_use = replay(|op| {
                op.create_sequence("invoice_numbers");
                op.create_table("invoices", |t| {
                    t.column("number", Type::BigInt).default_expr(default);
                });
                op.drop_sequence("invoice_numbers");
            });
            assert_eq!(
                in_use,
                Err(StateError::SequenceInUse {
                    name: "invoice_numbers".into(),
                    column: "invoices.number".into()
                }),
                "{default}"
            );
        }
        let renamed_in_use = replay(|op| {
            op.create_sequence("invoice_numbers");
            op.create_table("invoices", |t| {
                t.column("number", Type::BigInt)
                    .default_expr("nextval('invoice_numbers')");
            });
            op.rename_sequence("invoice_numbers", "invoice_serials");
        });
        assert!(
            matches!(renamed_in_use, Err(StateError::SequenceInUse { .. })),
            "{renamed_in_use:?}"
        );
        let renamed = replay(|op| {
            op.create_sequence("invoice_numbers").start(7);
            op.rename_sequence("invoice_numbers", "invoice_serials");
        })
        .expect("renames");
        assert_eq!(renamed.sequence("invoice_serials").unwrap().start, Some(7));
        assert!(renamed.sequence("invoice_numbers").is_none());
        // Another sequence's name that starts the same is no use of it.
        assert!(replay(|op| {
            op.create_sequence("invoice");
            op.create_table("invoices", |t| {
                t.column("number", Type::BigInt)
                    .default_expr("nextval('invoice_numbers')");
            });
            op.drop_sequence("invoice");
        })
        .is_ok());
    }
}
