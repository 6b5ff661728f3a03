//! The typed builder that migrations call: `op.create_table(...)`, `op.add_column(...)`, ...

use std::marker::PhantomData;

use super::{
    AlterColumn, CheckDef, ColumnDef, Constraint, Deferrable, EnumDef, EnumPosition, FkAction,
    ForeignKeyDef, IndexDef, IndexKey, KeyDef, Op, RawSql, Rows, SequenceChanges, SequenceDef,
    SequenceOptions, SetValue, SqlText, TableDef,
};
use crate::naming::NamingConvention;
use crate::types::{ServerDefault, Type, Value};

/// The op builder a migration function receives.
///
/// ```
/// use schema_runtime::prelude::*;
///
/// let mut op = Ops::new();
/// op.create_table("users", |t| {
///     t.column("id", Type::BigInt).primary_key().identity();
///     t.column("email", Type::String(255)).not_null().unique();
/// });
/// op.create_table("posts", |t| {
///     t.column("id", Type::BigInt).primary_key().identity();
///     t.column("author_id", Type::BigInt).not_null().references("users", "id").on_delete(FkAction::Cascade);
/// });
/// op.create_index("posts", ["author_id"]);
/// assert_eq!(op.ops().len(), 3);
/// ```
#[derive(Debug, Default)]
pub struct Ops {
    ops: Vec<Op>,
    naming: NamingConvention,
    data: DataMode,
}

/// What a builder keeps of the literal rows of `bulk_insert` and `delete_rows`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum DataMode {
    /// The rows themselves, to run them.
    #[default]
    Keep,
    /// Only their count and digest ([`Rows::digested`]): what replaying the schema and checking
    /// checksums need, at no memory cost whatever the number of rows.
    Digest,
}

/// Limits `op`, built inside `op.only_on(dialects, ..)`, to `dialects`.
fn limit_to(op: &mut Op, dialects: &[crate::Dialect]) {
    match op {
        Op::CreateIndex { index, .. } => index.only_on = dialects.to_vec(),
        Op::AddConstraint {
            constraint: Constraint::Check(ck),
            ..
        } => ck.only_on = dialects.to_vec(),
        Op::Sql(raw) => {
            raw.only_on = dialects.to_vec();
            for effect in &mut raw.effects {
                limit_to(effect, dialects);
            }
        }
        Op::BulkInsert { only_on, .. }
        | Op::DeleteRows { only_on, .. }
        | Op::Update { only_on, .. } => *only_on = dialects.to_vec(),
        other => panic!(
            "op.only_on(..): `{}` cannot run on some dialects only: the schemas would then differ between them; only create_index, create_check, raw SQL (execute, sql) and data changes (bulk_insert, delete_rows, update) can, and the rest of the revision runs everywhere",
            other.describe()
        ),
    }
}

fn strings<I, S>(items: I) -> Vec<String>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    items.into_iter().map(Into::into).collect()
}

/// The last op pushed, which the caller knows to be of variant `$variant`.
macro_rules! last {
    ($ops:expr, $pat:pat => $out:expr) => {
        match $ops.last_mut() {
            Some($pat) => $out,
            _ => unreachable!("the op pushed just before is of this variant"),
        }
    };
}

impl Ops {
    /// An empty builder with the default naming convention.
    pub fn new() -> Self {
        Ops::default()
    }

    /// An empty builder that names indexes and constraints with `naming`.
    pub fn with_naming(naming: NamingConvention) -> Self {
        Ops {
            ops: Vec::new(),
            naming,
            data: DataMode::Keep,
        }
    }

    /// Keeps literal rows as `mode` says.
    pub fn with_data_mode(mut self, mode: DataMode) -> Self {
        self.data = mode;
        self
    }

    fn rows(&self, rows: impl IntoIterator<Item = Vec<Value>>, columns: usize) -> Rows {
        match self.data {
            DataMode::Keep => Rows::from(rows.into_iter().collect::<Vec<_>>()),
            DataMode::Digest => Rows::digested(rows, columns),
        }
    }

    /// The naming convention in use.
    pub fn naming(&self) -> &NamingConvention {
        &self.naming
    }

    /// The ops built so far.
    pub fn ops(&self) -> &[Op] {
        &self.ops
    }

    /// The ops built, in order.
    pub fn into_ops(self) -> Vec<Op> {
        self.ops
    }

    /// Appends an op built elsewhere.
    pub fn push(&mut self, op: Op) {
        self.ops.push(op);
    }

    /// `CREATE TABLE name (...)`, with the columns and constraints `build` declares.
    pub fn create_table(
        &mut self,
        name: &str,
        build: impl FnOnce(&mut TableBuilder),
    ) -> CreateTableOptions<'_> {
        // Generic over every migration's closure, so kept to three calls: the body of
        // `push_table` is compiled once here rather than once per `create_table` in the user's
        // crate.
        let mut table = TableBuilder::new(name, self.naming.clone());
        build(&mut table);
        self.push_table(table)
    }

    fn push_table(&mut self, table: TableBuilder) -> CreateTableOptions<'_> {
        let (def, indexes) = table.finish();
        self.ops.push(Op::CreateTable {
            def,
            if_not_exists: false,
        });
        let position = self.ops.len() - 1;
        for index in indexes {
            self.ops.push(Op::CreateIndex {
                index,
                concurrently: false,
                if_not_exists: false,
            });
        }
        CreateTableOptions {
            ops: &mut self.ops,
            position,
        }
    }

    /// `DROP TABLE name`. Reversible: the schema state knows the dropped definition.
    pub fn drop_table(&mut self, name: &str) -> DropTableOptions<'_> {
        self.ops.push(Op::DropTable {
            table: name.to_owned(),
            if_exists: false,
        });
        last!(self.ops, Op::DropTable { if_exists, .. } => DropTableOptions { if_exists })
    }

    /// `ALTER TABLE from RENAME TO to`.
    pub fn rename_table(&mut self, from: &str, to: &str) {
        self.ops.push(Op::RenameTable {
            from: from.to_owned(),
            to: to.to_owned(),
        });
    }

    /// Sets the comment of `table` (`None` drops it). A no-op on SQLite, which has no comments.
    pub fn set_table_comment(&mut self, table: &str, comment: Option<&str>) {
        self.ops.push(Op::SetTableComment {
            table: table.to_owned(),
            comment: comment.map(str::to_owned),
        });
    }

    /// `ALTER TABLE table ADD COLUMN name ty`; chain `.not_null()`, `.default(..)`, `.unique()`, `.references(..)`.
    pub fn add_column(
        &mut self,
        table: &str,
        name: &str,
        ty: Type,
    ) -> ColumnBuilder<'_, AddedColumn> {
        self.ops.push(Op::AddColumn {
            table: table.to_owned(),
            column: ColumnDef::new(name, ty),
            unique: None,
            foreign_key: None,
        });
        let naming = &self.naming;
        last!(self.ops, Op::AddColumn { table, column, unique, foreign_key } => ColumnBuilder {
            column,
            flags: Flags::Added { table: table.as_str(), unique, foreign_key, naming },
            kind: PhantomData,
        })
    }

    /// `ALTER TABLE table DROP COLUMN name`. Reversible through the schema state.
    pub fn drop_column(&mut self, table: &str, name: &str) {
        self.ops.push(Op::DropColumn {
            table: table.to_owned(),
            column: name.to_owned(),
        });
    }

    /// Alters a column: chain `.set_type(..)`, `.set_not_null()`, `.set_default(..)`, `.rename_to(..)`,
    /// `.set_comment(..)`, `.set_identity(..)`. No `existing_type` is ever needed: the schema
    /// state knows the column.
    pub fn alter_column(&mut self, table: &str, name: &str) -> AlterColumnBuilder<'_> {
        self.ops.push(Op::AlterColumn(AlterColumn {
            table: table.to_owned(),
            column: name.to_owned(),
            ..AlterColumn::default()
        }));
        last!(self.ops, Op::AlterColumn(alter) => AlterColumnBuilder { alter })
    }

    /// `CREATE INDEX` on `keys` of `table`, named by the naming convention unless `.name(..)`.
    /// A key is a column name, or an [`IndexKey`] with options:
    /// `op.create_index("posts", [IndexKey::column("created_at").desc(), IndexKey::expression("lower(title)")])`.
    pub fn create_index<I, K>(&mut self, table: &str, keys: I) -> IndexBuilder<'_>
    where
        I: IntoIterator<Item = K>,
        K: Into<IndexKey>,
    {
        self.push_index(table, keys.into_iter().map(Into::into).collect())
    }

    fn push_index(&mut self, table: &str, keys: Vec<IndexKey>) -> IndexBuilder<'_> {
        let mut index = IndexDef {
            table: table.to_owned(),
            keys,
            ..IndexDef::default()
        };
        index.name = self.naming.index(table, &index.columns());
        self.ops.push(Op::CreateIndex {
            index,
            concurrently: false,
            if_not_exists: false,
        });
        last!(self.ops, Op::CreateIndex { index, concurrently, if_not_exists } => IndexBuilder { index, concurrently, if_not_exists })
    }

    /// `DROP INDEX name`; the table comes from the schema state, so no dialect needs it spelled out.
    pub fn drop_index(&mut self, name: &str) -> DropIndexOptions<'_> {
        self.ops.push(Op::DropIndex {
            name: name.to_owned(),
            table: None,
            concurrently: false,
            if_exists: false,
        });
        last!(self.ops, Op::DropIndex { table, concurrently, if_exists, .. } => DropIndexOptions { table, concurrently, if_exists })
    }

    /// Adds a unique constraint on `columns` of `table`, named by the naming convention.
    pub fn create_unique<I, S>(&mut self, table: &str, columns: I) -> ConstraintName<'_>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let columns = strings(columns);
        let name = self.naming.unique(table, &columns);
        self.push_constraint(table, Constraint::Unique(KeyDef { name, columns }))
    }

    /// Adds a primary key on `columns` of `table`.
    pub fn create_primary_key<I, S>(&mut self, table: &str, columns: I) -> ConstraintName<'_>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let name = self.naming.primary_key(table);
        self.push_constraint(
            table,
            Constraint::PrimaryKey(KeyDef {
                name,
                columns: strings(columns),
            }),
        )
    }

    /// A check constraint that only `dialects` have (`Dialect::Mysql` covers MariaDB unless it
    /// is named too): elsewhere adding it and its derived drop render nothing and drift checks
    /// do not expect it. For a condition whose SQL differs by dialect, one check per dialect,
    /// each with a name of its own (the replay keeps every check, whatever its dialects):
    ///
    /// ```
    /// use schema_runtime::prelude::*;
    /// use schema_runtime::{Dialect, Migrator, Revision};
    /// let migrator = Migrator::new(vec![Revision::new("0001", &[], "codes", |op| {
    ///     op.create_table("codes", |t| { t.column("code", Type::String(10)).not_null(); });
    ///     op.create_check_on(&[Dialect::Postgres], "codes", "code_format_pg", "code ~ '^[A-Z]+$'");
    ///     op.create_check_on(&[Dialect::Mysql], "codes", "code_format_my", "code REGEXP '^[A-Z]+$'");
    /// })]).unwrap();
    /// let sql = |d| migrator.plan_upgrade(d, &[], "head").unwrap()[0].statements.join(";\n");
    /// assert!(sql(Dialect::Postgres).contains("CHECK (code ~ '^[A-Z]+$')"));
    /// assert!(sql(Dialect::Mariadb).contains("CHECK (code REGEXP '^[A-Z]+$')"));
    /// assert!(!sql(Dialect::Sqlite).contains("CHECK"));
    /// ```
    pub fn create_check_on(
        &mut self,
        dialects: &[crate::Dialect],
        table: &str,
        name: &str,
        expr: &str,
    ) -> ConstraintName<'_> {
        let name = self.naming.check(table, name);
        self.push_constraint(
            table,
            Constraint::Check(CheckDef {
                name,
                expr: expr.to_owned(),
                column: None,
                only_on: dialects.to_vec(),
            }),
        )
    }

    /// Adds a check constraint `name` (expanded by the naming convention's `ck` template).
    pub fn create_check(&mut self, table: &str, name: &str, expr: &str) -> ConstraintName<'_> {
        self.create_check_on(&[], table, name, expr)
    }

    /// Adds a foreign key from `columns` of `table` to `ref_columns` of `ref_table`.
    pub fn create_foreign_key<I, S, J, T>(
        &mut self,
        table: &str,
        columns: I,
        ref_table: &str,
        ref_columns: J,
    ) -> ForeignKeyBuilder<'_>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
        J: IntoIterator<Item = T>,
        T: Into<String>,
    {
        let columns = strings(columns);
        let fk = ForeignKeyDef {
            name: self.naming.foreign_key(table, &columns, ref_table),
            columns,
            ref_table: ref_table.to_owned(),
            ref_columns: strings(ref_columns),
            on_delete: None,
            on_update: None,
            deferrable: None,
        };
        self.ops.push(Op::AddConstraint {
            table: table.to_owned(),
            constraint: Constraint::ForeignKey(fk),
        });
        last!(self.ops, Op::AddConstraint { constraint: Constraint::ForeignKey(fk), .. } => ForeignKeyBuilder { fk })
    }

    fn push_constraint(&mut self, table: &str, constraint: Constraint) -> ConstraintName<'_> {
        self.ops.push(Op::AddConstraint {
            table: table.to_owned(),
            constraint,
        });
        last!(self.ops, Op::AddConstraint { constraint, .. } => ConstraintName { constraint })
    }

    /// Drops the constraint `name` of `table`, whatever its kind (the state knows it).
    pub fn drop_constraint(&mut self, table: &str, name: &str) {
        self.ops.push(Op::DropConstraint {
            table: table.to_owned(),
            name: name.to_owned(),
        });
    }

    /// `CREATE TYPE name AS ENUM (...)` on PostgreSQL; MySQL gets inline `ENUM(...)` columns and
    /// SQLite text columns.
    pub fn create_enum<I, S>(&mut self, name: &str, values: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.ops.push(Op::CreateEnum(EnumDef {
            name: name.to_owned(),
            values: strings(values),
        }));
    }

    /// Drops an enum type.
    pub fn drop_enum(&mut self, name: &str) {
        self.ops.push(Op::DropEnum {
            name: name.to_owned(),
        });
    }

    /// Adds `value` to the end of enum `name` (`.before(..)` / `.after(..)` to place it).
    pub fn add_enum_value(&mut self, name: &str, value: &str) -> EnumValueBuilder<'_> {
        self.ops.push(Op::AddEnumValue {
            name: name.to_owned(),
            value: value.to_owned(),
            position: None,
        });
        last!(self.ops, Op::AddEnumValue { position, .. } => EnumValueBuilder { position })
    }

    /// Renames a value of enum `name`; rows holding it follow.
    pub fn rename_enum_value(&mut self, name: &str, from: &str, to: &str) {
        self.ops.push(Op::RenameEnumValue {
            name: name.to_owned(),
            from: from.to_owned(),
            to: to.to_owned(),
        });
    }

    /// Removes `value` from enum `name`; no row may hold it (PostgreSQL recreates the type).
    pub fn drop_enum_value(&mut self, name: &str, value: &str) {
        self.ops.push(Op::DropEnumValue {
            name: name.to_owned(),
            value: value.to_owned(),
        });
    }

    /// `CREATE SEQUENCE name` on PostgreSQL and MariaDB; options follow (`.start(..)`,
    /// `.increment(..)`, `.min_value(..)`, `.max_value(..)`, `.cache(..)`, `.cycle()`), and an
    /// option left out is the dialect's default. A column draws from it with a default
    /// expression (`nextval('name')` on PostgreSQL, `nextval(name)` / `NEXT VALUE FOR name` on
    /// MariaDB). MySQL and SQLite have no sequences: the op is refused there (use an identity
    /// column, or a counter table). The derived downgrade drops it.
    ///
    /// ```
    /// use schema_runtime::prelude::*;
    /// use schema_runtime::{Dialect, Migrator, Revision};
    ///
    /// let migrator = Migrator::new(vec![Revision::new("0001", &[], "invoices", |op| {
    ///     op.create_sequence("invoice_numbers").start(1000).increment(1).cache(20);
    /// })]).unwrap();
    /// let sql = |d| migrator.plan_upgrade(d, &[], "head").map(|p| p[0].statements[0].clone());
    /// assert_eq!(
    ///     sql(Dialect::Postgres).unwrap(),
    ///     r#"CREATE SEQUENCE "invoice_numbers" START WITH 1000 INCREMENT BY 1 CACHE 20"#
    /// );
    /// assert_eq!(
    ///     sql(Dialect::Mariadb).unwrap(),
    ///     "CREATE SEQUENCE `invoice_numbers` START WITH 1000 INCREMENT BY 1 CACHE 20"
    /// );
    /// assert!(sql(Dialect::Sqlite).is_err());
    /// ```
    pub fn create_sequence(&mut self, name: &str) -> SequenceBuilder<'_> {
        self.ops.push(Op::CreateSequence(SequenceDef::new(name)));
        last!(self.ops, Op::CreateSequence(def) => SequenceBuilder { options: &mut def.options })
    }

    /// `DROP SEQUENCE name`; the derived downgrade creates it again with the options the
    /// schema state holds.
    ///
    /// ```
    /// use schema_runtime::prelude::*;
    /// use schema_runtime::{Dialect, Migrator, Revision};
    ///
    /// let migrator = Migrator::new(vec![
    ///     Revision::new("0001", &[], "seq", |op| { op.create_sequence("ticket_numbers").start(5); }),
    ///     Revision::new("0002", &["0001"], "no seq", |op| op.drop_sequence("ticket_numbers")),
    /// ]).unwrap();
    /// let down = migrator.plan_downgrade(Dialect::Postgres, &["0002".to_owned()], "0001").unwrap();
    /// assert_eq!(down[0].statements, [r#"CREATE SEQUENCE "ticket_numbers" START WITH 5"#]);
    /// ```
    pub fn drop_sequence(&mut self, name: &str) {
        self.ops.push(Op::DropSequence {
            name: name.to_owned(),
        });
    }

    /// `ALTER SEQUENCE name` with the options that follow (`.increment(..)`, `.max_value(..)`,
    /// `.no_max_value()`, ...); the others stay. The derived downgrade sets the old values
    /// back. Values already drawn are not touched.
    ///
    /// ```
    /// use schema_runtime::prelude::*;
    /// use schema_runtime::{Dialect, Migrator, Revision};
    ///
    /// let migrator = Migrator::new(vec![
    ///     Revision::new("0001", &[], "seq", |op| { op.create_sequence("ticket_numbers"); }),
    ///     Revision::new("0002", &["0001"], "by tens", |op| {
    ///         op.alter_sequence("ticket_numbers").increment(10).max_value(1_000_000);
    ///     }),
    /// ]).unwrap();
    /// let up = migrator.plan_upgrade(Dialect::Postgres, &["0001".to_owned()], "head").unwrap();
    /// assert_eq!(up[0].statements, [r#"ALTER SEQUENCE "ticket_numbers" INCREMENT BY 10 MAXVALUE 1000000"#]);
    /// let down = migrator.plan_downgrade(Dialect::Postgres, &["0002".to_owned()], "0001").unwrap();
    /// assert_eq!(down[0].statements, [r#"ALTER SEQUENCE "ticket_numbers" INCREMENT BY 1 NO MAXVALUE"#]);
    /// ```
    pub fn alter_sequence(&mut self, name: &str) -> AlterSequenceBuilder<'_> {
        self.ops.push(Op::AlterSequence {
            name: name.to_owned(),
            changes: SequenceChanges::default(),
        });
        last!(self.ops, Op::AlterSequence { changes, .. } => AlterSequenceBuilder { changes })
    }

    /// Renames a sequence: `ALTER SEQUENCE from RENAME TO to` on PostgreSQL, `RENAME TABLE`
    /// on MariaDB. The replay refuses it while a column's default draws from the sequence
    /// (MariaDB's defaults keep the old name): change that default around the rename. The
    /// derived downgrade renames it back.
    ///
    /// ```
    /// use schema_runtime::prelude::*;
    /// use schema_runtime::{Dialect, Migrator, Revision};
    ///
    /// let migrator = Migrator::new(vec![
    ///     Revision::new("0001", &[], "seq", |op| { op.create_sequence("tickets"); }),
    ///     Revision::new("0002", &["0001"], "rename", |op| op.rename_sequence("tickets", "ticket_numbers")),
    /// ]).unwrap();
    /// let up = |d| migrator.plan_upgrade(d, &["0001".to_owned()], "head").unwrap()[0].statements.clone();
    /// assert_eq!(up(Dialect::Postgres), [r#"ALTER SEQUENCE "tickets" RENAME TO "ticket_numbers""#]);
    /// assert_eq!(up(Dialect::Mariadb), ["RENAME TABLE `tickets` TO `ticket_numbers`"]);
    /// ```
    pub fn rename_sequence(&mut self, from: &str, to: &str) {
        self.ops.push(Op::RenameSequence {
            from: from.to_owned(),
            to: to.to_owned(),
        });
    }

    /// Deletes the rows equal to these literal rows (what reverts a `bulk_insert`).
    pub fn delete_rows<I, S, R>(&mut self, table: &str, columns: I, rows: R)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
        R: IntoIterator<Item = Vec<Value>>,
    {
        let columns = strings(columns);
        let rows = self.rows(rows, columns.len());
        self.ops.push(Op::DeleteRows {
            table: table.to_owned(),
            columns,
            rows,
            only_on: Vec::new(),
        });
    }

    /// Inserts literal rows (seed and reference data). Use [`row!`](crate::row) to build a row.
    ///
    /// ```
    /// use schema_runtime::prelude::*;
    /// let mut op = Ops::new();
    /// op.bulk_insert("tags", ["id", "name"], [row![1, "rust"], row![2, "sql"]]);
    /// ```
    pub fn bulk_insert<I, S, R>(&mut self, table: &str, columns: I, rows: R)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
        R: IntoIterator<Item = Vec<Value>>,
    {
        let columns = strings(columns);
        let rows = self.rows(rows, columns.len());
        self.ops.push(Op::BulkInsert {
            table: table.to_owned(),
            columns,
            rows,
            only_on: Vec::new(),
        });
    }

    /// `UPDATE table SET ...`: a backfill. Chain `.set(..)`, `.set_expr(..)`, `.filter(..)`.
    pub fn update(&mut self, table: &str) -> UpdateBuilder<'_> {
        self.ops.push(Op::Update {
            table: table.to_owned(),
            set: Vec::new(),
            predicate: None,
            only_on: Vec::new(),
        });
        last!(self.ops, Op::Update { set, predicate, .. } => UpdateBuilder { set, predicate })
    }

    /// Raw SQL, the same on every dialect. Irreversible unless `.reverse(..)` gives the inverse.
    pub fn execute(&mut self, sql: &str) -> SqlBuilder<'_> {
        self.sql(SqlText::portable(sql))
    }

    /// Ops that only `dialects` run (`Dialect::Mysql` covers MariaDB unless it is named too):
    /// Alembic's `if op.get_bind().dialect.name == "postgresql":`. Inside go the ops whose
    /// objects may exist on some dialects only — `create_index`, `create_check`, raw SQL
    /// (`execute`, `sql`, with the indexes and checks it `declares`) — which then render
    /// nothing elsewhere, and which drift checks expect only where they run; and data changes
    /// (`bulk_insert`, `delete_rows`, `update`: a backfill one dialect needs, rows only one
    /// dialect's feature uses), whose derived downgrades run on the same dialects. A table,
    /// column or key on some dialects only would make the schemas differ between them:
    /// `#[migration]` refuses one at compile time, and building it panics with this reason.
    ///
    /// ```
    /// use schema_runtime::prelude::*;
    /// use schema_runtime::{Dialect, Migrator, Revision};
    /// let migrator = Migrator::new(vec![Revision::new("0001", &[], "docs", |op| {
    ///     op.create_table("docs", |t| {
    ///         t.column("id", Type::BigInt).primary_key();
    ///         t.column("body", Type::Text).not_null();
    ///     });
    ///     op.only_on(&[Dialect::Postgres], |op| {
    ///         op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm").reverse("SELECT 1");
    ///         op.create_index("docs", [IndexKey::column("body").opclass("gin_trgm_ops")])
    ///             .name("ix_docs_body_trgm")
    ///             .using("gin");
    ///     });
    /// })]).unwrap();
    /// let sql = |d| migrator.plan_upgrade(d, &[], "head").unwrap()[0].statements.join(";\n");
    /// assert!(sql(Dialect::Postgres).contains("CREATE EXTENSION IF NOT EXISTS pg_trgm"));
    /// assert!(sql(Dialect::Postgres).contains("USING gin"));
    /// assert!(!sql(Dialect::Sqlite).contains("pg_trgm") && !sql(Dialect::Mariadb).contains("gin"));
    /// ```
    pub fn only_on(&mut self, dialects: &[crate::Dialect], build: impl FnOnce(&mut Ops)) {
        let mut inner = Ops::with_naming(self.naming.clone()).with_data_mode(self.data);
        build(&mut inner);
        for mut op in inner.ops {
            limit_to(&mut op, dialects);
            self.ops.push(op);
        }
    }

    /// Raw SQL with one variant per dialect.
    ///
    /// ```
    /// use schema_runtime::prelude::*;
    /// let mut op = Ops::new();
    /// op.sql(SqlText {
    ///     postgres: Some("CREATE EXTENSION IF NOT EXISTS pgcrypto".into()),
    ///     portable: Some("SELECT 1".into()),
    ///     ..SqlText::default()
    /// });
    /// ```
    pub fn sql(&mut self, up: SqlText) -> SqlBuilder<'_> {
        self.ops.push(Op::Sql(RawSql {
            up,
            down: None,
            effects: Vec::new(),
            only_on: Vec::new(),
        }));
        let naming = &self.naming;
        let data = self.data;
        match self.ops.last_mut() {
            Some(Op::Sql(raw)) => SqlBuilder { raw, naming, data },
            _ => unreachable!("just pushed"),
        }
    }
}

/// Options of `create_table`.
#[derive(Debug)]
pub struct CreateTableOptions<'a> {
    ops: &'a mut Vec<Op>,
    position: usize,
}

impl CreateTableOptions<'_> {
    /// `CREATE TABLE IF NOT EXISTS` (and `IF NOT EXISTS` on the table's indexes).
    pub fn if_not_exists(self) -> Self {
        for op in &mut self.ops[self.position..] {
            match op {
                Op::CreateTable { if_not_exists, .. } | Op::CreateIndex { if_not_exists, .. } => {
                    *if_not_exists = true
                }
                _ => {}
            }
        }
        self
    }
}

/// Options of `drop_table`.
#[derive(Debug)]
pub struct DropTableOptions<'a> {
    if_exists: &'a mut bool,
}

impl DropTableOptions<'_> {
    /// `DROP TABLE IF EXISTS`.
    pub fn if_exists(self) -> Self {
        *self.if_exists = true;
        self
    }
}

/// Declares the columns and constraints of a new table.
#[derive(Debug)]
pub struct TableBuilder {
    def: TableDef,
    specs: Vec<ColumnSpec>,
    indexes: Vec<IndexDef>,
    primary_key: Option<KeyDef>,
    naming: NamingConvention,
}

#[derive(Debug, Default)]
struct ColumnSpec {
    primary_key: bool,
    unique: bool,
    index: bool,
    foreign_key: Option<ForeignKeyDef>,
    /// Column-level checks: (name, expression).
    checks: Vec<(String, String)>,
}

impl TableBuilder {
    fn new(name: &str, naming: NamingConvention) -> Self {
        TableBuilder {
            def: TableDef {
                name: name.to_owned(),
                ..TableDef::default()
            },
            specs: Vec::new(),
            indexes: Vec::new(),
            primary_key: None,
            naming,
        }
    }

    /// Adds a column; chain `.not_null()`, `.primary_key()`, `.default(..)`, `.references(..)`, ...
    pub fn column(&mut self, name: &str, ty: Type) -> ColumnBuilder<'_, TableColumn> {
        self.def.columns.push(ColumnDef::new(name, ty));
        self.specs.push(ColumnSpec::default());
        let column = self
            .def
            .columns
            .last_mut()
            .expect("a column was just pushed");
        let spec = self.specs.last_mut().expect("a spec was just pushed");
        ColumnBuilder {
            column,
            flags: Flags::Table {
                spec,
                table: &self.def.name,
                naming: &self.naming,
            },
            kind: PhantomData,
        }
    }

    /// A primary key over several columns (or `.primary_key()` on each column).
    pub fn primary_key<I, S>(&mut self, columns: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.primary_key = Some(KeyDef {
            name: self.naming.primary_key(&self.def.name),
            columns: strings(columns),
        });
        self
    }

    /// Names the primary key constraint instead of using the naming convention.
    pub fn primary_key_name(&mut self, name: &str) -> &mut Self {
        let columns = self
            .primary_key
            .take()
            .map(|k| k.columns)
            .unwrap_or_default();
        self.primary_key = Some(KeyDef {
            name: name.to_owned(),
            columns,
        });
        self
    }

    /// A unique constraint over several columns.
    pub fn unique<I, S>(&mut self, columns: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let columns = strings(columns);
        self.def.uniques.push(KeyDef {
            name: self.naming.unique(&self.def.name, &columns),
            columns,
        });
        self
    }

    /// A unique constraint with an explicit name.
    pub fn unique_named<I, S>(&mut self, name: &str, columns: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.def.uniques.push(KeyDef {
            name: name.to_owned(),
            columns: strings(columns),
        });
        self
    }

    /// A unique constraint without a name over `columns`, as SQLite keeps an inline `UNIQUE`
    /// (backed by its automatic index `sqlite_autoindex_<table>_<n>`). SQLite declares it in
    /// the table (`UNIQUE ("col")`, not as a separate named index); PostgreSQL, MySQL and
    /// MariaDB under the name PostgreSQL gives it (`<table>_<columns>_key`). No later op can
    /// drop it by name.
    ///
    /// ```
    /// use schema_runtime::prelude::*;
    /// use schema_runtime::{Dialect, Migrator, Revision};
    /// let migrator = Migrator::new(vec![Revision::new("0001", &[], "users", |op| {
    ///     op.create_table("users", |t| {
    ///         t.column("id", Type::Integer).primary_key();
    ///         t.column("username", Type::String(150)).not_null();
    ///         t.unique_unnamed(["username"]);
    ///     });
    /// })]).unwrap();
    /// let sql = |d| migrator.plan_upgrade(d, &[], "head").unwrap()[0].statements.join("\n");
    /// assert!(sql(Dialect::Sqlite).contains(r#"    UNIQUE ("username")"#));
    /// assert!(!sql(Dialect::Sqlite).contains("CREATE UNIQUE INDEX"));
    /// assert!(sql(Dialect::Postgres).contains(r#"CONSTRAINT "users_username_key" UNIQUE ("username")"#));
    /// ```
    pub fn unique_unnamed<I, S>(&mut self, columns: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.unique_named("", columns)
    }

    /// A check constraint without a name, as SQLite keeps an inline `CHECK`. SQLite declares
    /// it without `CONSTRAINT`; PostgreSQL, MySQL and MariaDB under the name PostgreSQL gives
    /// it (`<table>_<column>_check` when the expression names one column, else
    /// `<table>_check`). No later op can drop it by name.
    ///
    /// ```
    /// use schema_runtime::prelude::*;
    /// use schema_runtime::{Dialect, Migrator, Revision};
    /// let migrator = Migrator::new(vec![Revision::new("0001", &[], "users", |op| {
    ///     op.create_table("users", |t| {
    ///         t.column("id", Type::Integer).primary_key();
    ///         t.column("karma", Type::Integer).not_null();
    ///         t.check_unnamed(r#""karma" >= -1000"#);
    ///     });
    /// })]).unwrap();
    /// let sql = |d| migrator.plan_upgrade(d, &[], "head").unwrap()[0].statements[0].clone();
    /// assert!(sql(Dialect::Sqlite).contains(r#"    CHECK ("karma" >= -1000)"#));
    /// assert!(sql(Dialect::Postgres).contains(r#"CONSTRAINT "users_karma_check" CHECK"#));
    /// ```
    pub fn check_unnamed(&mut self, expr: &str) -> &mut Self {
        self.check_named("", expr)
    }

    /// The primary key without a name, as SQLite keeps a `PRIMARY KEY` written without
    /// `CONSTRAINT` (with `.primary_key()` on the columns or `t.primary_key(..)`). PostgreSQL
    /// names it `<table>_pkey`; MySQL's is always `PRIMARY`.
    ///
    /// ```
    /// use schema_runtime::prelude::*;
    /// use schema_runtime::{Dialect, Migrator, Revision};
    /// let migrator = Migrator::new(vec![Revision::new("0001", &[], "votes", |op| {
    ///     op.create_table("votes", |t| {
    ///         t.column("post_id", Type::BigInt);
    ///         t.column("user_id", Type::BigInt);
    ///         t.primary_key(["post_id", "user_id"]).primary_key_unnamed();
    ///     });
    /// })]).unwrap();
    /// let sql = |d| migrator.plan_upgrade(d, &[], "head").unwrap()[0].statements[0].clone();
    /// assert!(sql(Dialect::Sqlite).contains(r#"    PRIMARY KEY ("post_id", "user_id")"#));
    /// assert!(sql(Dialect::Postgres).contains(r#"CONSTRAINT "votes_pkey" PRIMARY KEY"#));
    /// ```
    pub fn primary_key_unnamed(&mut self) -> &mut Self {
        self.primary_key_name("")
    }

    /// A check constraint with an explicit, full name (no naming convention).
    pub fn check_named(&mut self, name: &str, expr: &str) -> &mut Self {
        self.def.checks.push(CheckDef {
            name: name.to_owned(),
            expr: expr.to_owned(),
            column: None,
            only_on: Vec::new(),
        });
        self
    }

    /// A check constraint on these dialects only (see [`Ops::create_check_on`]).
    pub fn check_on(&mut self, dialects: &[crate::Dialect], name: &str, expr: &str) -> &mut Self {
        self.check(name, expr);
        if let Some(ck) = self.def.checks.last_mut() {
            ck.only_on = dialects.to_vec();
        }
        self
    }

    /// A check constraint (`name` expands through the naming convention's `ck` template).
    pub fn check(&mut self, name: &str, expr: &str) -> &mut Self {
        self.def.checks.push(CheckDef {
            name: self.naming.check(&self.def.name, name),
            expr: expr.to_owned(),
            column: None,
            only_on: Vec::new(),
        });
        self
    }

    /// A foreign key over several columns.
    pub fn foreign_key<I, S, J, T>(
        &mut self,
        columns: I,
        ref_table: &str,
        ref_columns: J,
    ) -> ForeignKeyBuilder<'_>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
        J: IntoIterator<Item = T>,
        T: Into<String>,
    {
        let columns = strings(columns);
        self.def.foreign_keys.push(ForeignKeyDef {
            name: self.naming.foreign_key(&self.def.name, &columns, ref_table),
            columns,
            ref_table: ref_table.to_owned(),
            ref_columns: strings(ref_columns),
            on_delete: None,
            on_update: None,
            deferrable: None,
        });
        ForeignKeyBuilder {
            fk: self
                .def
                .foreign_keys
                .last_mut()
                .expect("a foreign key was just pushed"),
        }
    }

    /// The table comment.
    pub fn comment(&mut self, comment: &str) -> &mut Self {
        self.def.comment = Some(comment.to_owned());
        self
    }

    /// MySQL/MariaDB's storage engine (Alembic's `mysql_engine="InnoDB"`); other dialects
    /// ignore it.
    ///
    /// ```
    /// use schema_runtime::prelude::*;
    /// use schema_runtime::{Dialect, Migrator, Revision};
    /// let migrator = Migrator::new(vec![Revision::new("0001", &[], "users", |op| {
    ///     op.create_table("users", |t| {
    ///         t.column("name", Type::String(50)).not_null();
    ///         t.mysql_engine("InnoDB").mysql_collate("utf8mb4_unicode_ci");
    ///     });
    /// })]).unwrap();
    /// let sql = |d| migrator.plan_upgrade(d, &[], "head").unwrap()[0].statements[0].clone();
    /// assert!(sql(Dialect::Mariadb).ends_with(") ENGINE = InnoDB COLLATE = utf8mb4_unicode_ci"));
    /// assert!(!sql(Dialect::Postgres).contains("InnoDB"));
    /// ```
    pub fn mysql_engine(&mut self, engine: &str) -> &mut Self {
        self.def.mysql_engine = Some(engine.to_owned());
        self
    }

    /// MySQL/MariaDB's default collation for the table's text columns, which implies the
    /// character set (Alembic's `mysql_collate=`, `mysql_charset=`); other dialects ignore it.
    /// Name it only where it differs from the database's default: the database reports the
    /// default as no collation of the table's own.
    pub fn mysql_collate(&mut self, collation: &str) -> &mut Self {
        self.def.mysql_collation = Some(collation.to_owned());
        self
    }

    /// An index created with the table (as `.index()` on a column, but over several keys; a
    /// key is a column name or an [`IndexKey`]).
    pub fn index<I, K>(&mut self, keys: I) -> &mut Self
    where
        I: IntoIterator<Item = K>,
        K: Into<IndexKey>,
    {
        let keys: Vec<IndexKey> = keys.into_iter().map(Into::into).collect();
        self.push_index(keys);
        self
    }

    fn push_index(&mut self, keys: Vec<IndexKey>) {
        let mut index = IndexDef {
            table: self.def.name.clone(),
            keys,
            ..IndexDef::default()
        };
        index.name = self.naming.index(&self.def.name, &index.columns());
        self.indexes.push(index);
    }

    fn finish(mut self) -> (TableDef, Vec<IndexDef>) {
        let table = self.def.name.clone();
        let pk_columns: Vec<String> = self
            .def
            .columns
            .iter()
            .zip(&self.specs)
            .filter(|(_, s)| s.primary_key)
            .map(|(c, _)| c.name.clone())
            .collect();
        let mut primary_key = self.primary_key.take();
        if !pk_columns.is_empty() {
            let name = primary_key
                .as_ref()
                .map(|k| k.name.clone())
                .unwrap_or_else(|| self.naming.primary_key(&table));
            primary_key = Some(KeyDef {
                name,
                columns: pk_columns,
            });
        }
        let mut indexes = Vec::new();
        let mut uniques = Vec::new();
        let mut fks = Vec::new();
        let mut checks = Vec::new();
        for (column, spec) in self.def.columns.iter_mut().zip(self.specs) {
            checks.extend(spec.checks.into_iter().map(|(name, expr)| CheckDef {
                name,
                expr,
                column: Some(column.name.clone()),
                only_on: Vec::new(),
            }));
            let cols = [column.name.clone()];
            if spec.primary_key
                || primary_key
                    .as_ref()
                    .is_some_and(|k| k.columns.contains(&column.name))
            {
                // A primary key column is NOT NULL on every dialect; say so in the state.
                column.nullable = false;
            }
            if spec.unique {
                uniques.push(KeyDef {
                    name: self.naming.unique(&table, &cols),
                    columns: cols.to_vec(),
                });
            }
            if spec.index {
                indexes.push(IndexDef {
                    name: self.naming.index(&table, &cols),
                    table: table.clone(),
                    keys: super::column_keys(cols.iter()),
                    ..IndexDef::default()
                });
            }
            fks.extend(spec.foreign_key);
        }
        // Column-level declarations come first, in column order, then table-level ones.
        uniques.append(&mut self.def.uniques);
        fks.append(&mut self.def.foreign_keys);
        checks.append(&mut self.def.checks);
        self.def.checks = checks;
        indexes.append(&mut self.indexes);
        self.def.primary_key = primary_key;
        self.def.uniques = uniques;
        self.def.foreign_keys = fks;
        (self.def, indexes)
    }
}

/// Marker: a column declared inside `create_table` (may be part of the primary key).
#[derive(Debug)]
pub enum TableColumn {}

/// Marker: a column added by `add_column` (cannot join the primary key).
#[derive(Debug)]
pub enum AddedColumn {}

#[derive(Debug)]
enum Flags<'a> {
    Table {
        spec: &'a mut ColumnSpec,
        table: &'a str,
        naming: &'a NamingConvention,
    },
    Added {
        table: &'a str,
        unique: &'a mut Option<String>,
        foreign_key: &'a mut Option<ForeignKeyDef>,
        naming: &'a NamingConvention,
    },
}

/// Sets the options of one column. `K` says where the column is declared, so that a
/// primary key can only be declared inside `create_table`: a compile error, not a runtime one.
#[derive(Debug)]
pub struct ColumnBuilder<'a, K> {
    column: &'a mut ColumnDef,
    flags: Flags<'a>,
    kind: PhantomData<K>,
}

impl<K> ColumnBuilder<'_, K> {
    /// `NOT NULL`.
    pub fn not_null(self) -> Self {
        self.column.nullable = false;
        self
    }

    /// `NULL` (the default).
    pub fn nullable(self) -> Self {
        self.column.nullable = true;
        self
    }

    /// A literal server default.
    pub fn default(self, value: impl Into<Value>) -> Self {
        self.column.default = Some(ServerDefault::Value(value.into()));
        self
    }

    /// Server default `CURRENT_TIMESTAMP`.
    pub fn default_now(self) -> Self {
        self.column.default = Some(ServerDefault::Now);
        self
    }

    /// A raw SQL server default expression, rendered verbatim.
    pub fn default_expr(self, sql: &str) -> Self {
        self.column.default = Some(ServerDefault::Expr(sql.to_owned()));
        self
    }

    /// A server default expression spelt per dialect: `dialects` names the text of some
    /// (`Dialect::Mysql` covers MariaDB unless it is named too), `portable` is every other's.
    /// Alembic's `server_default=sa.text(..)` chosen on `op.get_bind().dialect.name`.
    ///
    /// ```
    /// use schema_runtime::prelude::*;
    /// use schema_runtime::{Dialect, Migrator, Revision};
    /// let migrator = Migrator::new(vec![Revision::new("0001", &[], "tokens", |op| {
    ///     op.create_table("tokens", |t| {
    ///         t.column("token", Type::String(36)).not_null().default_expr_per_dialect(
    ///             "lower(hex(randomblob(16)))",
    ///             &[(Dialect::Postgres, "gen_random_uuid()::text"), (Dialect::Mysql, "uuid()")],
    ///         );
    ///     });
    /// })]).unwrap();
    /// let sql = |d| migrator.plan_upgrade(d, &[], "head").unwrap()[0].statements[0].clone();
    /// assert!(sql(Dialect::Postgres).contains("DEFAULT gen_random_uuid()::text"));
    /// assert!(sql(Dialect::Mariadb).contains("DEFAULT (uuid())"));
    /// assert!(sql(Dialect::Sqlite).contains("DEFAULT (lower(hex(randomblob(16))))"));
    /// ```
    pub fn default_expr_per_dialect(
        self,
        portable: &str,
        dialects: &[(crate::Dialect, &str)],
    ) -> Self {
        self.column.default = Some(ServerDefault::ExprPerDialect {
            portable: portable.to_owned(),
            dialects: super::spellings(dialects),
        });
        self
    }

    /// A stored generated column: `GENERATED ALWAYS AS (expr) STORED`, computed from the row's
    /// other columns on every write and kept on disk (PostgreSQL 12+, MySQL 8, MariaDB, SQLite
    /// 3.31+). Write identifiers in standard double quotes or bare (they become backticks on
    /// MySQL/MariaDB). A generated column takes no default and no identity, and `bulk_insert` /
    /// `update` cannot write it: replay refuses each, naming the column. On MariaDB a generated
    /// column is always nullable, so `.not_null()` on one is refused there.
    ///
    /// ```
    /// use schema_runtime::prelude::*;
    /// use schema_runtime::{Dialect, Migrator, Revision};
    /// let migrator = Migrator::new(vec![Revision::new("0001", &[], "lines", |op| {
    ///     op.create_table("lines", |t| {
    ///         t.column("quantity", Type::Integer).not_null();
    ///         t.column("unit_price", Type::Numeric(12, 2)).not_null();
    ///         t.column("total", Type::Numeric(12, 2)).generated_stored("quantity * unit_price");
    ///     });
    /// })]).unwrap();
    /// let sql = |d| migrator.plan_upgrade(d, &[], "head").unwrap()[0].statements[0].clone();
    /// assert!(sql(Dialect::Postgres).contains(r#""total" NUMERIC(12, 2) GENERATED ALWAYS AS (quantity * unit_price) STORED"#));
    /// assert!(sql(Dialect::Mariadb).contains("`total` DECIMAL(12, 2) GENERATED ALWAYS AS (quantity * unit_price) STORED"));
    /// assert!(sql(Dialect::Sqlite).contains("GENERATED ALWAYS AS (quantity * unit_price) STORED"));
    /// ```
    pub fn generated_stored(self, expr: &str) -> Self {
        self.column.generated = Some(super::Generated::stored(expr));
        self
    }

    /// A virtual generated column: `GENERATED ALWAYS AS (expr) VIRTUAL`, computed when read and
    /// not stored (MySQL 8, MariaDB, SQLite 3.31+). PostgreSQL 12–17 has stored generated
    /// columns only: there the op is refused with a hint to use `.generated_stored(..)`.
    /// Otherwise as [`generated_stored`](Self::generated_stored).
    ///
    /// ```
    /// use schema_runtime::prelude::*;
    /// use schema_runtime::{Dialect, Migrator, Revision};
    /// let migrator = Migrator::new(vec![
    ///     Revision::new("0001", &[], "users", |op| {
    ///         op.create_table("users", |t| { t.column("email", Type::String(320)); });
    ///     }),
    ///     Revision::new("0002", &["0001"], "email_lower", |op| {
    ///         op.add_column("users", "email_lower", Type::String(320)).generated_virtual(r#"lower("email")"#);
    ///     }),
    /// ]).unwrap();
    /// let plan = |d| migrator.plan_upgrade(d, &[], "head").map(|steps| steps[1].statements[0].clone());
    /// assert!(plan(Dialect::Mysql).unwrap().ends_with("GENERATED ALWAYS AS (lower(`email`)) VIRTUAL"));
    /// assert!(plan(Dialect::Sqlite).unwrap().ends_with(r#"GENERATED ALWAYS AS (lower("email")) VIRTUAL"#));
    /// assert!(matches!(plan(Dialect::Postgres), Err(e) if e.to_string().contains("generated_stored")));
    /// ```
    pub fn generated_virtual(self, expr: &str) -> Self {
        self.column.generated = Some(super::Generated::virtual_(expr));
        self
    }

    /// A stored generated column whose expression is spelt per dialect: `dialects` names the
    /// text of some (`Dialect::Mysql` covers MariaDB unless it is named too), `portable` is
    /// every other's. For what differs between servers, such as string concatenation (`||` is
    /// a logical OR on MySQL and MariaDB). Otherwise as
    /// [`generated_stored`](Self::generated_stored).
    ///
    /// ```
    /// use schema_runtime::prelude::*;
    /// use schema_runtime::{Dialect, Migrator, Revision};
    /// let migrator = Migrator::new(vec![Revision::new("0001", &[], "people", |op| {
    ///     op.create_table("people", |t| {
    ///         t.column("first", Type::String(50)).not_null();
    ///         t.column("last", Type::String(50)).not_null();
    ///         t.column("full_name", Type::String(101)).generated_stored_per_dialect(
    ///             "first || ' ' || last",
    ///             &[(Dialect::Mysql, "concat(first, ' ', last)")],
    ///         );
    ///     });
    /// })]).unwrap();
    /// let sql = |d| migrator.plan_upgrade(d, &[], "head").unwrap()[0].statements[0].clone();
    /// assert!(sql(Dialect::Mariadb).contains("GENERATED ALWAYS AS (concat(first, ' ', last)) STORED"));
    /// assert!(sql(Dialect::Postgres).contains("GENERATED ALWAYS AS (first || ' ' || last) STORED"));
    /// ```
    pub fn generated_stored_per_dialect(
        self,
        portable: &str,
        dialects: &[(crate::Dialect, &str)],
    ) -> Self {
        self.column.generated = Some(super::Generated::stored(portable).per_dialect(dialects));
        self
    }

    /// A virtual generated column whose expression is spelt per dialect (see
    /// [`generated_stored_per_dialect`](Self::generated_stored_per_dialect) and
    /// [`generated_virtual`](Self::generated_virtual)).
    pub fn generated_virtual_per_dialect(
        self,
        portable: &str,
        dialects: &[(crate::Dialect, &str)],
    ) -> Self {
        self.column.generated = Some(super::Generated::virtual_(portable).per_dialect(dialects));
        self
    }

    /// Identity / autoincrement: PostgreSQL `GENERATED BY DEFAULT AS IDENTITY`, MySQL/MariaDB
    /// `AUTO_INCREMENT`, SQLite the table's rowid alias `INTEGER PRIMARY KEY` (as SQLAlchemy and
    /// Alembic write it; `.identity_autoincrement()` for `AUTOINCREMENT`).
    ///
    /// ```
    /// use schema_runtime::prelude::*;
    /// use schema_runtime::{Dialect, Migrator, Revision};
    /// let migrator = Migrator::new(vec![Revision::new("0001", &[], "notes", |op| {
    ///     op.create_table("notes", |t| { t.column("id", Type::BigInt).primary_key().identity(); });
    /// })]).unwrap();
    /// let sql = |d| migrator.plan_upgrade(d, &[], "head").unwrap()[0].statements[0].clone();
    /// assert!(sql(Dialect::Sqlite).contains(r#""id" INTEGER NOT NULL PRIMARY KEY"#));
    /// assert!(!sql(Dialect::Sqlite).contains("AUTOINCREMENT"));
    /// assert!(sql(Dialect::Postgres).contains("GENERATED BY DEFAULT AS IDENTITY"));
    /// assert!(sql(Dialect::Mysql).contains("AUTO_INCREMENT"));
    /// ```
    pub fn identity(self) -> Self {
        // Every dialect's identity column is NOT NULL.
        self.column.identity = true;
        self.column.nullable = false;
        self
    }

    /// `GENERATED ALWAYS AS IDENTITY` (PostgreSQL; refused elsewhere): the database refuses
    /// explicit values.
    pub fn identity_always(self) -> Self {
        self.column.identity_options.always = true;
        self.identity()
    }

    /// PostgreSQL `SERIAL` / `BIGSERIAL` / `SMALLSERIAL` (after the column's type), as older
    /// schemas and Rails/Django/SQLAlchemy before identity columns declare keys; elsewhere the
    /// dialect's autoincrement.
    pub fn serial(self) -> Self {
        self.column.identity_options.serial = true;
        self.identity()
    }

    /// An identity that SQLite declares `INTEGER PRIMARY KEY AUTOINCREMENT`: the id of a deleted
    /// row is never given again, at the cost of a write to `sqlite_sequence` on each insert
    /// (`.identity()` is the plain rowid alias `INTEGER PRIMARY KEY`, which may give the id of
    /// a deleted last row again). Django, Rails and Prisma declare their SQLite keys this way.
    /// Other dialects: the usual identity (as `.identity()`), whose sequence never reuses an id.
    ///
    /// ```
    /// use schema_runtime::prelude::*;
    /// use schema_runtime::{Dialect, Migrator, Revision};
    /// let migrator = Migrator::new(vec![Revision::new("0001", &[], "notes", |op| {
    ///     op.create_table("notes", |t| {
    ///         t.column("id", Type::BigInt).primary_key().identity_autoincrement();
    ///     });
    /// })]).unwrap();
    /// let sql = |d| migrator.plan_upgrade(d, &[], "head").unwrap()[0].statements[0].clone();
    /// assert!(sql(Dialect::Sqlite).contains(r#""id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT"#));
    /// assert!(sql(Dialect::Postgres).contains("GENERATED BY DEFAULT AS IDENTITY"));
    /// assert!(sql(Dialect::Mysql).contains("AUTO_INCREMENT"));
    /// ```
    pub fn identity_autoincrement(self) -> Self {
        self.column.identity_options.autoincrement = true;
        self.identity()
    }

    /// The first value of an identity column (`START WITH`, PostgreSQL).
    pub fn identity_start(self, start: i64) -> Self {
        self.column.identity_options.start = Some(start);
        self.identity()
    }

    /// The step of an identity column (`INCREMENT BY`, PostgreSQL).
    pub fn identity_increment(self, increment: i64) -> Self {
        self.column.identity_options.increment = Some(increment);
        self.identity()
    }

    /// Bounds of an identity column's sequence (`MINVALUE` / `MAXVALUE`, PostgreSQL).
    pub fn identity_bounds(self, min: Option<i64>, max: Option<i64>) -> Self {
        self.column.identity_options.min_value = min;
        self.column.identity_options.max_value = max;
        self.identity()
    }

    /// Values an identity column's sequence preallocates (`CACHE`, PostgreSQL).
    pub fn identity_cache(self, cache: i64) -> Self {
        self.column.identity_options.cache = Some(cache);
        self.identity()
    }

    /// An identity column's sequence wraps around at its bound (`CYCLE`, PostgreSQL).
    pub fn identity_cycle(self) -> Self {
        self.column.identity_options.cycle = true;
        self.identity()
    }

    /// The column comment.
    pub fn comment(self, comment: &str) -> Self {
        self.column.comment = Some(comment.to_owned());
        self
    }

    /// The column's collation, the same name on every dialect (SQLAlchemy's
    /// `String(collation=..)`): `COLLATE "C"` on PostgreSQL, `COLLATE NOCASE` on SQLite,
    /// `COLLATE utf8mb4_bin` on MySQL/MariaDB. Collation names seldom exist on every dialect:
    /// [`collate_per_dialect`](Self::collate_per_dialect) names one per dialect.
    ///
    /// ```
    /// use schema_runtime::prelude::*;
    /// use schema_runtime::{Dialect, Migrator, Revision};
    /// let migrator = Migrator::new(vec![Revision::new("0001", &[], "tags", |op| {
    ///     op.create_table("tags", |t| {
    ///         t.column("name", Type::Text).not_null().collate("NOCASE");
    ///     });
    /// })]).unwrap();
    /// let sql = migrator.plan_upgrade(Dialect::Sqlite, &[], "head").unwrap()[0].statements[0].clone();
    /// assert!(sql.contains(r#""name" TEXT COLLATE NOCASE NOT NULL"#));
    /// ```
    pub fn collate(self, name: &str) -> Self {
        self.column.collation = Some(SqlText::portable(name));
        self
    }

    /// The column's collation named per dialect (`Dialect::Mysql` covers MariaDB unless it is
    /// named too); a dialect not named keeps its default collation.
    ///
    /// ```
    /// use schema_runtime::prelude::*;
    /// use schema_runtime::{Dialect, Migrator, Revision};
    /// let migrator = Migrator::new(vec![Revision::new("0001", &[], "users", |op| {
    ///     op.create_table("users", |t| {
    ///         t.column("email", Type::String(254)).not_null().collate_per_dialect(&[
    ///             (Dialect::Postgres, "C"),
    ///             (Dialect::Sqlite, "NOCASE"),
    ///             (Dialect::Mysql, "utf8mb4_bin"),
    ///         ]);
    ///     });
    /// })]).unwrap();
    /// let sql = |d| migrator.plan_upgrade(d, &[], "head").unwrap()[0].statements[0].clone();
    /// assert!(sql(Dialect::Postgres).contains(r#"VARCHAR(254) COLLATE "C" NOT NULL"#));
    /// assert!(sql(Dialect::Mariadb).contains("VARCHAR(254) COLLATE utf8mb4_bin NOT NULL"));
    /// assert!(sql(Dialect::Sqlite).contains("COLLATE NOCASE"));
    /// ```
    pub fn collate_per_dialect(self, names: &[(crate::Dialect, &str)]) -> Self {
        self.column.collation = Some(SqlText::per_dialect(names));
        self
    }

    /// A unique constraint on this column, named by the naming convention.
    pub fn unique(mut self) -> Self {
        match &mut self.flags {
            Flags::Table { spec, .. } => spec.unique = true,
            Flags::Added {
                table,
                unique,
                naming,
                ..
            } => **unique = Some(naming.unique(table, &[&self.column.name])),
        }
        self
    }

    /// A foreign key from this column to `ref_table.ref_column`; chain `.on_delete(..)`.
    pub fn references(mut self, ref_table: &str, ref_column: &str) -> Self {
        let (table, naming) = match &self.flags {
            Flags::Table { table, naming, .. } | Flags::Added { table, naming, .. } => {
                (*table, *naming)
            }
        };
        let fk = ForeignKeyDef {
            name: naming.foreign_key(table, &[&self.column.name], ref_table),
            columns: vec![self.column.name.clone()],
            ref_table: ref_table.to_owned(),
            ref_columns: vec![ref_column.to_owned()],
            on_delete: None,
            on_update: None,
            deferrable: None,
        };
        match &mut self.flags {
            Flags::Table { spec, .. } => spec.foreign_key = Some(fk),
            Flags::Added { foreign_key, .. } => **foreign_key = Some(fk),
        }
        self
    }

    fn foreign_key(&mut self) -> Option<&mut ForeignKeyDef> {
        match &mut self.flags {
            Flags::Table { spec, .. } => spec.foreign_key.as_mut(),
            Flags::Added { foreign_key, .. } => foreign_key.as_mut(),
        }
    }

    /// `ON DELETE` of the column's foreign key (after `.references(..)`).
    pub fn on_delete(mut self, action: FkAction) -> Self {
        if let Some(fk) = self.foreign_key() {
            fk.on_delete = Some(action);
        }
        self
    }

    /// `ON UPDATE` of the column's foreign key (after `.references(..)`).
    pub fn on_update(mut self, action: FkAction) -> Self {
        if let Some(fk) = self.foreign_key() {
            fk.on_update = Some(action);
        }
        self
    }
}

impl ColumnBuilder<'_, TableColumn> {
    /// Makes the column part of the table's primary key (and `NOT NULL`).
    pub fn primary_key(mut self) -> Self {
        if let Flags::Table { spec, .. } = &mut self.flags {
            spec.primary_key = true;
        }
        self.column.nullable = false;
        self
    }

    /// An index on this column, created with the table and named by the naming convention.
    pub fn index(mut self) -> Self {
        if let Flags::Table { spec, .. } = &mut self.flags {
            spec.index = true;
        }
        self
    }

    /// A column-level `CHECK (expr)` named `name` as written. MariaDB names a column-level check
    /// after its column and drops it with the column: there, a check named as the column is
    /// written in the column's definition; elsewhere (and under another name) it is a
    /// table-level check, which PostgreSQL, SQLite and MySQL do not tell apart.
    pub fn check_named(mut self, name: &str, expr: &str) -> Self {
        if let Flags::Table { spec, .. } = &mut self.flags {
            spec.checks.push((name.to_owned(), expr.to_owned()));
        }
        self
    }
}

/// Options of a foreign key.
#[derive(Debug)]
pub struct ForeignKeyBuilder<'a> {
    fk: &'a mut ForeignKeyDef,
}

impl ForeignKeyBuilder<'_> {
    /// `ON DELETE action`.
    pub fn on_delete(self, action: FkAction) -> Self {
        self.fk.on_delete = Some(action);
        self
    }

    /// `ON UPDATE action`.
    pub fn on_update(self, action: FkAction) -> Self {
        self.fk.on_update = Some(action);
        self
    }

    /// `DEFERRABLE INITIALLY ...` (PostgreSQL and SQLite; MySQL has no deferred checks).
    pub fn deferrable(self, when: Deferrable) -> Self {
        self.fk.deferrable = Some(when);
        self
    }

    /// An explicit constraint name instead of the naming convention's.
    pub fn name(self, name: &str) -> Self {
        self.fk.name = name.to_owned();
        self
    }

    /// A foreign key without a name, as SQLite keeps an inline `REFERENCES` (Django writes
    /// them so); `create_table` only. SQLite declares it without `CONSTRAINT`; PostgreSQL,
    /// MySQL and MariaDB, which name every constraint, under the name PostgreSQL gives it
    /// (`<table>_<columns>_fkey`, see [`TableDef::with_server_names`](crate::ops::TableDef::with_server_names)).
    /// No later op can drop it by name (the replay refuses `drop_constraint("")`).
    ///
    /// ```
    /// use schema_runtime::prelude::*;
    /// use schema_runtime::{Dialect, Migrator, Revision};
    /// let migrator = Migrator::new(vec![Revision::new("0001", &[], "posts", |op| {
    ///     op.create_table("users", |t| { t.column("id", Type::Integer).primary_key(); });
    ///     op.create_table("posts", |t| {
    ///         t.column("id", Type::Integer).primary_key();
    ///         t.column("author_id", Type::Integer);
    ///         t.foreign_key(["author_id"], "users", ["id"]).unnamed();
    ///     });
    /// })]).unwrap();
    /// let sql = |d| migrator.plan_upgrade(d, &[], "head").unwrap()[0].statements[1].clone();
    /// assert!(sql(Dialect::Sqlite).contains(r#"    FOREIGN KEY ("author_id") REFERENCES "users" ("id")"#));
    /// assert!(sql(Dialect::Postgres).contains(r#"CONSTRAINT "posts_author_id_fkey" FOREIGN KEY"#));
    /// ```
    pub fn unnamed(self) -> Self {
        self.fk.name.clear();
        self
    }
}

/// Lets a new constraint take an explicit name.
#[derive(Debug)]
pub struct ConstraintName<'a> {
    constraint: &'a mut Constraint,
}

impl ConstraintName<'_> {
    /// An explicit constraint name instead of the naming convention's.
    pub fn name(self, name: &str) -> Self {
        match self.constraint {
            Constraint::PrimaryKey(k) | Constraint::Unique(k) => k.name = name.to_owned(),
            Constraint::ForeignKey(fk) => fk.name = name.to_owned(),
            Constraint::Check(ck) => ck.name = name.to_owned(),
        }
        self
    }
}

/// Sets what an `alter_column` changes.
#[derive(Debug)]
pub struct AlterColumnBuilder<'a> {
    alter: &'a mut AlterColumn,
}

impl AlterColumnBuilder<'_> {
    /// Changes the type.
    pub fn set_type(self, ty: Type) -> Self {
        self.alter.ty = Some(ty);
        self
    }

    /// Changes the type, converting existing values with `expr` (PostgreSQL `USING`). Where
    /// the dialect converts by itself, a plain cast of the column (`price::numeric(12, 2)`,
    /// `CAST(zip AS INTEGER)`) is what it does: MySQL/MariaDB's MODIFY, SQLite's copy into the
    /// new column; SQLite copies the rows through any other expression, and MySQL/MariaDB
    /// refuse one (no USING there) with what to do instead.
    pub fn set_type_using(self, ty: Type, expr: &str) -> Self {
        self.alter.ty = Some(ty);
        self.alter.using = Some(expr.to_owned());
        self
    }

    /// `SET NOT NULL`.
    pub fn set_not_null(self) -> Self {
        self.alter.nullable = Some(false);
        self
    }

    /// `DROP NOT NULL`.
    pub fn set_nullable(self) -> Self {
        self.alter.nullable = Some(true);
        self
    }

    /// Sets a literal server default.
    pub fn set_default(self, value: impl Into<Value>) -> Self {
        self.alter.default = Some(Some(ServerDefault::Value(value.into())));
        self
    }

    /// Sets a raw SQL server default expression.
    pub fn set_default_expr(self, sql: &str) -> Self {
        self.alter.default = Some(Some(ServerDefault::Expr(sql.to_owned())));
        self
    }

    /// Sets a server default expression spelt per dialect (see
    /// `ColumnBuilder::default_expr_per_dialect`).
    pub fn set_default_expr_per_dialect(
        self,
        portable: &str,
        dialects: &[(crate::Dialect, &str)],
    ) -> Self {
        self.alter.default = Some(Some(ServerDefault::ExprPerDialect {
            portable: portable.to_owned(),
            dialects: super::spellings(dialects),
        }));
        self
    }

    /// Sets the server default to `CURRENT_TIMESTAMP`.
    pub fn set_default_now(self) -> Self {
        self.alter.default = Some(Some(ServerDefault::Now));
        self
    }

    /// Drops the server default.
    pub fn drop_default(self) -> Self {
        self.alter.default = Some(None);
        self
    }

    /// Renames the column.
    pub fn rename_to(self, name: &str) -> Self {
        self.alter.rename = Some(name.to_owned());
        self
    }

    /// Sets the column comment (`None` drops it).
    pub fn set_comment(self, comment: Option<&str>) -> Self {
        self.alter.comment = Some(comment.map(str::to_owned));
        self
    }

    /// Changes the column's collation to `name` on every dialect (see
    /// [`ColumnBuilder::collate`]); the derived downgrade restores the old one.
    ///
    /// ```
    /// use schema_runtime::prelude::*;
    /// let mut op = Ops::new();
    /// op.alter_column("users", "email").set_collation("NOCASE");
    /// ```
    pub fn set_collation(self, name: &str) -> Self {
        self.alter.collation = Some(Some(SqlText::portable(name)));
        self
    }

    /// Changes the column's collation, named per dialect (see
    /// [`ColumnBuilder::collate_per_dialect`]); a dialect not named returns to its default.
    pub fn set_collation_per_dialect(self, names: &[(crate::Dialect, &str)]) -> Self {
        self.alter.collation = Some(Some(SqlText::per_dialect(names)));
        self
    }

    /// Returns the column to the dialect's default collation.
    pub fn drop_collation(self) -> Self {
        self.alter.collation = Some(None);
        self
    }

    /// Adds (`true`) or drops (`false`) identity / autoincrement.
    pub fn set_identity(self, identity: bool) -> Self {
        self.alter.identity = Some(identity);
        self
    }

    /// An identity column becomes `GENERATED ALWAYS` (`true`) or `BY DEFAULT` (`false`):
    /// `ALTER COLUMN .. SET GENERATED ..` on PostgreSQL; refused elsewhere (MySQL, MariaDB
    /// and SQLite have no `ALWAYS`). The derived downgrade sets the old one back.
    ///
    /// ```
    /// use schema_runtime::prelude::*;
    /// use schema_runtime::{Dialect, Migrator, Revision};
    ///
    /// let migrator = Migrator::new(vec![
    ///     Revision::new("0001", &[], "t", |op| {
    ///         op.create_table("orders", |t| { t.column("id", Type::BigInt).primary_key().identity(); });
    ///     }),
    ///     Revision::new("0002", &["0001"], "always", |op| {
    ///         op.alter_column("orders", "id").set_identity_always(true);
    ///     }),
    /// ]).unwrap();
    /// let up = migrator.plan_upgrade(Dialect::Postgres, &["0001".to_owned()], "head").unwrap();
    /// assert_eq!(up[0].statements, [r#"ALTER TABLE "orders" ALTER COLUMN "id" SET GENERATED ALWAYS"#]);
    /// assert!(migrator.plan_upgrade(Dialect::Mariadb, &["0001".to_owned()], "head").is_err());
    /// ```
    pub fn set_identity_always(self, always: bool) -> Self {
        self.alter
            .identity_options
            .get_or_insert_with(Default::default)
            .always = Some(always);
        self
    }

    /// Changes the sequence options of an identity column, as `alter_sequence` does a
    /// sequence's: `ALTER COLUMN .. SET INCREMENT BY 10 SET START WITH 100 ..` on PostgreSQL;
    /// on MySQL and MariaDB the start alone, as `ALTER TABLE t AUTO_INCREMENT = n` (the next
    /// value, raised past the values taken); other options are refused there and on SQLite.
    /// The derived downgrade sets the old options back.
    ///
    /// ```
    /// use schema_runtime::prelude::*;
    /// use schema_runtime::{Dialect, Migrator, Revision};
    ///
    /// let migrator = Migrator::new(vec![
    ///     Revision::new("0001", &[], "t", |op| {
    ///         op.create_table("orders", |t| { t.column("id", Type::BigInt).primary_key().identity(); });
    ///     }),
    ///     Revision::new("0002", &["0001"], "from 1000", |op| {
    ///         op.alter_column("orders", "id").set_identity_sequence(|s| { s.start(1000); });
    ///     }),
    /// ]).unwrap();
    /// let up = |d| migrator.plan_upgrade(d, &["0001".to_owned()], "head").unwrap()[0].statements.clone();
    /// assert_eq!(up(Dialect::Postgres), [r#"ALTER TABLE "orders" ALTER COLUMN "id" SET START WITH 1000"#]);
    /// assert_eq!(up(Dialect::Mariadb), ["ALTER TABLE `orders` AUTO_INCREMENT = 1000"]);
    /// let down = migrator.plan_downgrade(Dialect::Postgres, &["0002".to_owned()], "0001").unwrap();
    /// assert_eq!(down[0].statements, [r#"ALTER TABLE "orders" ALTER COLUMN "id" SET START WITH 1"#]);
    /// ```
    pub fn set_identity_sequence(self, options: impl FnOnce(AlterSequenceBuilder<'_>)) -> Self {
        let changes = self
            .alter
            .identity_options
            .get_or_insert_with(Default::default);
        options(AlterSequenceBuilder {
            changes: &mut changes.sequence,
        });
        self
    }
}

/// Options of a new index.
#[derive(Debug)]
pub struct IndexBuilder<'a> {
    index: &'a mut IndexDef,
    concurrently: &'a mut bool,
    if_not_exists: &'a mut bool,
}

impl IndexBuilder<'_> {
    /// `CREATE UNIQUE INDEX`.
    pub fn unique(self) -> Self {
        self.index.unique = true;
        self
    }

    /// Gives the index an explicit name instead of the naming convention's.
    pub fn name(self, name: &str) -> Self {
        self.index.name = name.to_owned();
        self
    }

    /// Indexes an SQL expression too (`lower(email)`), after the keys so far; an
    /// [`IndexKey::expression`] among the keys puts one anywhere.
    pub fn expression(self, expr: &str) -> Self {
        self.index.keys.push(IndexKey::expression(expr));
        self
    }

    /// The access method: PostgreSQL `hash`, `gin`, `gist`, `brin`, `spgist` or an extension's;
    /// MySQL/MariaDB `hash`, `fulltext`, `spatial` (`btree` is every dialect's default).
    pub fn using(self, method: &str) -> Self {
        self.index.method = Some(method.to_ascii_lowercase());
        self
    }

    /// A partial index: only rows matching `predicate` (PostgreSQL and SQLite; refused on
    /// MySQL/MariaDB unless [`or_plain_elsewhere`](Self::or_plain_elsewhere)).
    pub fn filter(self, predicate: &str) -> Self {
        self.index.predicate = Some(predicate.to_owned());
        self
    }

    /// With [`filter`](Self::filter): a plain index (every row) where the dialect has no
    /// partial indexes (MySQL/MariaDB), instead of refusing the revision: "partial where
    /// supported, plain elsewhere", as Alembic's `postgresql_where=` behaves. Refused on a
    /// unique index, whose fallback would be a stricter constraint.
    ///
    /// ```
    /// use schema_runtime::prelude::*;
    /// use schema_runtime::{Dialect, Migrator, Revision};
    /// let migrator = Migrator::new(vec![Revision::new("0001", &[], "orders", |op| {
    ///     op.create_table("orders", |t| {
    ///         t.column("id", Type::BigInt).primary_key();
    ///         t.column("shipped_at", Type::Timestamp);
    ///     });
    ///     op.create_index("orders", ["shipped_at"]).filter("shipped_at IS NULL").or_plain_elsewhere();
    /// })]).unwrap();
    /// let sql = |d| migrator.plan_upgrade(d, &[], "head").unwrap()[0].statements[1].clone();
    /// assert!(sql(Dialect::Postgres).ends_with(r#"("shipped_at") WHERE shipped_at IS NULL"#));
    /// assert!(sql(Dialect::Mariadb).ends_with("(`shipped_at`)"));
    /// ```
    pub fn or_plain_elsewhere(self) -> Self {
        self.index.partial_or_plain = true;
        self
    }

    /// The index exists on these dialects only (`Dialect::Mysql` covers MariaDB unless
    /// MariaDB is named too): elsewhere this op and the derived `drop_index` render nothing
    /// and drift checks do not expect it. The replay keeps it on every dialect (its name is
    /// taken), so a later op on it must be `only_on` the same dialects. Alembic's
    /// `if op.get_bind().dialect.name == "postgresql":` around an index.
    ///
    /// ```
    /// use schema_runtime::prelude::*;
    /// use schema_runtime::{Dialect, Migrator, Revision};
    /// let migrator = Migrator::new(vec![Revision::new("0001", &[], "posts", |op| {
    ///     op.create_table("posts", |t| {
    ///         t.column("id", Type::BigInt).primary_key();
    ///         t.column("body", Type::Text).not_null();
    ///     });
    ///     op.create_index("posts", [IndexKey::expression("to_tsvector('english', body)")])
    ///         .name("ix_posts_body_search")
    ///         .using("gin")
    ///         .only_on(&[Dialect::Postgres]);
    ///     op.create_index("posts", ["body"])
    ///         .name("ix_posts_body_fulltext")
    ///         .using("fulltext")
    ///         .only_on(&[Dialect::Mysql]);
    /// })]).unwrap();
    /// let sql = |d| migrator.plan_upgrade(d, &[], "head").unwrap()[0].statements.join(";\n");
    /// assert!(sql(Dialect::Postgres).contains("USING gin"));
    /// assert!(!sql(Dialect::Postgres).contains("FULLTEXT"));
    /// assert!(sql(Dialect::Mariadb).contains("CREATE FULLTEXT INDEX"));
    /// assert!(!sql(Dialect::Sqlite).contains("INDEX"));
    /// ```
    pub fn only_on(self, dialects: &[crate::Dialect]) -> Self {
        self.index.only_on = dialects.to_vec();
        self
    }

    /// Non-key columns stored in the index (PostgreSQL `INCLUDE`; other dialects ignore it).
    pub fn include<I, S>(self, columns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.index.include = strings(columns);
        self
    }

    /// `CREATE INDEX CONCURRENTLY` on PostgreSQL (the migration must be `transactional = false`);
    /// other dialects build it normally.
    pub fn concurrently(self) -> Self {
        *self.concurrently = true;
        self
    }

    /// `CREATE INDEX IF NOT EXISTS`.
    pub fn if_not_exists(self) -> Self {
        *self.if_not_exists = true;
        self
    }
}

/// Options of `drop_index`.
#[derive(Debug)]
pub struct DropIndexOptions<'a> {
    table: &'a mut Option<String>,
    concurrently: &'a mut bool,
    if_exists: &'a mut bool,
}

impl DropIndexOptions<'_> {
    /// The index of this name on `table`: needed only where several tables have an index of
    /// the name (MySQL and MariaDB keep index names per table).
    pub fn on(self, table: &str) -> Self {
        *self.table = Some(table.to_owned());
        self
    }

    /// `DROP INDEX CONCURRENTLY` on PostgreSQL (the migration must be `transactional = false`).
    pub fn concurrently(self) -> Self {
        *self.concurrently = true;
        self
    }

    /// `DROP INDEX IF EXISTS`.
    pub fn if_exists(self) -> Self {
        *self.if_exists = true;
        self
    }
}

/// Where a new enum value goes.
#[derive(Debug)]
pub struct EnumValueBuilder<'a> {
    position: &'a mut Option<EnumPosition>,
}

impl EnumValueBuilder<'_> {
    /// Before `value`.
    pub fn before(self, value: &str) -> Self {
        *self.position = Some(EnumPosition::Before(value.to_owned()));
        self
    }

    /// After `value`.
    pub fn after(self, value: &str) -> Self {
        *self.position = Some(EnumPosition::After(value.to_owned()));
        self
    }
}

/// Options of a new sequence (`create_sequence`).
#[derive(Debug)]
pub struct SequenceBuilder<'a> {
    options: &'a mut SequenceOptions,
}

impl SequenceBuilder<'_> {
    /// `START WITH n`: the first value drawn.
    pub fn start(self, n: i64) -> Self {
        self.options.start = Some(n);
        self
    }

    /// `INCREMENT BY n` (negative: a descending sequence).
    pub fn increment(self, n: i64) -> Self {
        self.options.increment = Some(n);
        self
    }

    /// `MINVALUE n`.
    pub fn min_value(self, n: i64) -> Self {
        self.options.min_value = Some(n);
        self
    }

    /// `MAXVALUE n`.
    pub fn max_value(self, n: i64) -> Self {
        self.options.max_value = Some(n);
        self
    }

    /// `CACHE n`: values each session preallocates.
    pub fn cache(self, n: i64) -> Self {
        self.options.cache = Some(n);
        self
    }

    /// `CYCLE`: wraps around at its bound instead of failing.
    pub fn cycle(self) -> Self {
        self.options.cycle = true;
        self
    }
}

/// The options `alter_sequence` changes.
#[derive(Debug)]
pub struct AlterSequenceBuilder<'a> {
    changes: &'a mut SequenceChanges,
}

impl AlterSequenceBuilder<'_> {
    /// `START WITH n` (the value `RESTART` goes back to; the next value drawn is unchanged).
    pub fn start(self, n: i64) -> Self {
        self.changes.start = Some(Some(n));
        self
    }

    /// The start back to the default: the low bound (the high one when descending).
    pub fn default_start(self) -> Self {
        self.changes.start = Some(None);
        self
    }

    /// `INCREMENT BY n`.
    pub fn increment(self, n: i64) -> Self {
        self.changes.increment = Some(Some(n));
        self
    }

    /// `MINVALUE n`.
    pub fn min_value(self, n: i64) -> Self {
        self.changes.min_value = Some(Some(n));
        self
    }

    /// `NO MINVALUE`: the default low bound.
    pub fn no_min_value(self) -> Self {
        self.changes.min_value = Some(None);
        self
    }

    /// `MAXVALUE n`.
    pub fn max_value(self, n: i64) -> Self {
        self.changes.max_value = Some(Some(n));
        self
    }

    /// `NO MAXVALUE`: the default high bound.
    pub fn no_max_value(self) -> Self {
        self.changes.max_value = Some(None);
        self
    }

    /// `CACHE n`.
    pub fn cache(self, n: i64) -> Self {
        self.changes.cache = Some(Some(n));
        self
    }

    /// The cache back to the dialect's default (PostgreSQL 1, MariaDB 1000).
    pub fn default_cache(self) -> Self {
        self.changes.cache = Some(None);
        self
    }

    /// `CYCLE` (`true`) or `NO CYCLE`.
    pub fn cycle(self, cycle: bool) -> Self {
        self.changes.cycle = Some(cycle);
        self
    }
}

/// Assignments and condition of an `update`.
#[derive(Debug)]
pub struct UpdateBuilder<'a> {
    set: &'a mut Vec<(String, SetValue)>,
    predicate: &'a mut Option<String>,
}

impl UpdateBuilder<'_> {
    /// `SET column = value`.
    pub fn set(self, column: &str, value: impl Into<Value>) -> Self {
        self.set
            .push((column.to_owned(), SetValue::Value(value.into())));
        self
    }

    /// `SET column = expr`, the expression rendered verbatim.
    pub fn set_expr(self, column: &str, expr: &str) -> Self {
        self.set
            .push((column.to_owned(), SetValue::Expr(expr.to_owned())));
        self
    }

    /// `WHERE predicate`, rendered verbatim.
    pub fn filter(self, predicate: &str) -> Self {
        *self.predicate = Some(predicate.to_owned());
        self
    }
}

/// Options of a raw SQL op.
#[derive(Debug)]
pub struct SqlBuilder<'a> {
    raw: &'a mut RawSql,
    naming: &'a NamingConvention,
    data: DataMode,
}

impl SqlBuilder<'_> {
    /// The SQL that undoes this one, the same on every dialect; makes the op reversible.
    pub fn reverse(self, sql: &str) -> Self {
        self.raw.down = Some(SqlText::portable(sql));
        self
    }

    /// The SQL that undoes this one, one variant per dialect.
    pub fn reverse_with(self, down: SqlText) -> Self {
        self.raw.down = Some(down);
        self
    }

    /// Declares what the SQL does to the schema, written with the builder: the replay applies
    /// these ops (they are never rendered), so the objects the SQL makes are known to `check`,
    /// `check --database`, autogenerate and the derived downgrade of later revisions, and the
    /// declared effects of `.reverse(..)` are derived.
    ///
    /// ```
    /// use schema_runtime::prelude::*;
    /// let mut op = Ops::new();
    /// op.execute("CREATE INDEX ix_posts_search ON posts USING gin (to_tsvector('english', title))")
    ///     .reverse("DROP INDEX ix_posts_search")
    ///     .declares(|op| {
    ///         op.create_index("posts", [] as [&str; 0])
    ///             .expression("to_tsvector('english', title)")
    ///             .using("gin")
    ///             .name("ix_posts_search");
    ///     });
    /// ```
    pub fn declares(self, effects: impl FnOnce(&mut Ops)) -> Self {
        let mut inner = Ops::with_naming(self.naming.clone());
        inner.data = self.data;
        effects(&mut inner);
        self.raw.effects = inner.into_ops();
        self
    }
}

/// A row for [`Ops::bulk_insert`]: `row![1, "rust", None::<i64>]`.
#[macro_export]
macro_rules! row {
    ($($value:expr),* $(,)?) => {
        ::std::vec![$($crate::Value::from($value)),*]
    };
}
