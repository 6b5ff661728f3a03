//! Drift: how a live database differs from the schema its version table records, each
//! difference naming the object and both sides.

use super::round_trip::{column, foreign_key, index};
use super::{MigrateError, Migrator};
use crate::autogen::{diff, without_tool_tables, Change, DiffOptions};
use crate::introspect::{comparable, introspect, IntrospectOptions};
use crate::ops::{Constraint, Op};
use crate::{Database, Dialect, Schema};

/// One difference between a live database and the schema its version table records.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Drift {
    /// The op that would take the database to the recorded schema.
    pub change: Change,
    /// What differs, naming the object and both sides: `posts.title: VARCHAR(200) NOT NULL in
    /// the migrations, TEXT NOT NULL in the database`.
    pub detail: String,
}

impl Migrator {
    /// The ops that would take the live database to the schema of the revisions it records
    /// (empty when it has not drifted), compared as the dialect stores things. Tables matching
    /// `exclude` (glob patterns), the version tables and other tools' migration tables are left
    /// out. This is `cargo schema check --database`; [`drift_details`](Self::drift_details)
    /// also says what differs.
    pub async fn drift(
        &self,
        db: &mut Database,
        exclude: &[String],
    ) -> Result<Vec<Change>, MigrateError> {
        Ok(self.compare(db, exclude).await?.2)
    }

    /// [`drift`](Self::drift), each op with what differs in words.
    pub async fn drift_details(
        &self,
        db: &mut Database,
        exclude: &[String],
    ) -> Result<Vec<Drift>, MigrateError> {
        let (live, recorded, changes, d) = self.compare(db, exclude).await?;
        Ok(changes
            .iter()
            .filter_map(|c| {
                let mut detail = detail(&c.op, &changes, &live, &recorded, d)?;
                if let Some(id) =
                    only_in_database(&c.op, &live).and_then(|object| self.raw_sql_naming(object))
                {
                    detail.push_str(&format!(
                        " (revision {id} runs raw SQL that names it: declare what the SQL creates with .declares(|op| ..) so the replay knows it)"
                    ));
                }
                Some(Drift {
                    change: c.clone(),
                    detail,
                })
            })
            .collect())
    }

    /// The first revision (in graph order) whose raw SQL names `object` as a word.
    fn raw_sql_naming(&self, object: &str) -> Option<String> {
        let lower = object.to_lowercase();
        let is_word = |c: char| c.is_alphanumeric() || c == '_';
        self.graph().topological().into_iter().find_map(|id| {
            let revision = self.revision(id)?;
            let names_it = revision.upgrade.iter().any(|op| match op {
                Op::Sql(raw) => [
                    &raw.up.portable,
                    &raw.up.postgres,
                    &raw.up.sqlite,
                    &raw.up.mysql,
                    &raw.up.mariadb,
                ]
                .into_iter()
                .flatten()
                .any(|sql| {
                    let sql = sql.to_lowercase();
                    sql.match_indices(&lower).any(|(at, _)| {
                        !sql[..at].chars().next_back().is_some_and(is_word)
                            && !sql[at + lower.len()..].chars().next().is_some_and(is_word)
                    })
                }),
                _ => false,
            });
            names_it.then(|| id.to_owned())
        })
    }

    /// How this migrator reads a live database: its naming convention (names that follow it
    /// are read back as unnamed), its own bookkeeping tables and the `exclude` patterns left
    /// out. Drift checks, `autogenerate --from-db` and `adopt` all read through it.
    pub fn introspect_options(&self, exclude: &[String]) -> IntrospectOptions {
        IntrospectOptions {
            naming: self.naming().clone(),
            ..IntrospectOptions::excluding(self.version_table())
        }
        .with_excluded_patterns(exclude.to_vec())
    }

    async fn compare(
        &self,
        db: &mut Database,
        exclude: &[String],
    ) -> Result<(Schema, Schema, Vec<Change>, Dialect), MigrateError> {
        let current = self.current(db).await?;
        let recorded = self.schema_at(&current)?;
        let live = introspect(db, &self.introspect_options(exclude))
            .await
            .map_err(|e| MigrateError::Introspect(e.to_string()))?;
        let live = without_tool_tables(&live).0;
        let d = db.dialect();
        let (live, recorded) = (comparable(&live, d), comparable(&recorded, d));
        let changes = diff(
            &live,
            &recorded,
            &DiffOptions::default()
                .with_dialect(Some(d))
                .with_renames(false),
        );
        Ok((live, recorded, changes, d))
    }
}

const IN_MIGRATIONS: &str = "in the migrations";
const IN_DATABASE: &str = "in the database";

/// What `op` (one op of `changes`, from `live` to `recorded`) says differs; `None` for the
/// half of a pair another op of `changes` already describes (an index or constraint changed
/// in place is dropped and created again).
fn detail(
    op: &Op,
    changes: &[Change],
    live: &Schema,
    recorded: &Schema,
    d: Dialect,
) -> Option<String> {
    let ty = |c: &crate::ColumnDef| {
        let mut text = column(c);
        let rendered = d.render_type(&c.ty);
        text.replace_range(..c.ty.to_string().len(), &rendered);
        text
    };
    Some(match op {
        Op::CreateTable { def, .. } => format!(
            "table {}: {IN_MIGRATIONS} ({} columns), missing {IN_DATABASE}",
            def.name,
            def.columns.len()
        ),
        Op::DropTable { table, .. } => format!("table {table}: {IN_DATABASE}, not {IN_MIGRATIONS}"),
        Op::AddColumn { table, column, .. } => format!(
            "{table}.{}: {} {IN_MIGRATIONS}, missing {IN_DATABASE}",
            column.name,
            ty(column)
        ),
        Op::DropColumn { table, column } => match live.column(table, column) {
            Ok(c) => format!(
                "{table}.{column}: {} {IN_DATABASE}, not {IN_MIGRATIONS}",
                ty(c)
            ),
            Err(_) => format!("{table}.{column}: {IN_DATABASE}, not {IN_MIGRATIONS}"),
        },
        Op::AlterColumn(a) => {
            let wanted = a.rename.as_deref().unwrap_or(&a.column);
            match (
                recorded.column(&a.table, wanted),
                live.column(&a.table, &a.column),
            ) {
                (Ok(r), Ok(l)) => format!(
                    "{}.{wanted}: {} {IN_MIGRATIONS}, {} {IN_DATABASE}",
                    a.table,
                    ty(r),
                    ty(l)
                ),
                _ => op.describe(),
            }
        }
        Op::CreateIndex { index: i, .. } => match live.index_on(Some(&i.table), &i.name).ok() {
            Some(l) => format!(
                "index {} on {}: {} {IN_MIGRATIONS}, {} {IN_DATABASE}",
                i.name,
                i.table,
                index(i),
                index(l)
            ),
            None => format!(
                "index {} on {}: {} {IN_MIGRATIONS}, missing {IN_DATABASE}",
                i.name,
                i.table,
                index(i)
            ),
        },
        Op::DropIndex { name, table, .. } => {
            let l = live.index_on(table.as_deref(), name).ok()?;
            let recreated = changes.iter().any(|c| {
                matches!(&c.op, Op::CreateIndex { index: i, .. } if i.name == *name && i.table == l.table)
            });
            if recreated {
                return None;
            }
            format!(
                "index {name} on {}: {} {IN_DATABASE}, not {IN_MIGRATIONS}",
                l.table,
                index(l)
            )
        }
        Op::AddConstraint { table, constraint } if constraint.name().is_empty() => format!(
            "{} (unnamed) on {table}: {} {IN_MIGRATIONS}, missing {IN_DATABASE}",
            kind(constraint),
            describe_constraint(constraint)
        ),
        Op::AddConstraint { table, constraint } => {
            let name = constraint.name();
            let wanted = describe_constraint(constraint);
            match live.table_def(table).ok().and_then(|t| t.constraint(name)) {
                Some(l) => format!(
                    "{} {name} on {table}: {wanted} {IN_MIGRATIONS}, {} {IN_DATABASE}",
                    kind(constraint),
                    describe_constraint(&l)
                ),
                None => format!(
                    "{} {name} on {table}: {wanted} {IN_MIGRATIONS}, missing {IN_DATABASE}",
                    kind(constraint)
                ),
            }
        }
        // One drop per unnamed constraint only the database has, in the database's order.
        Op::DropConstraint { table, name } if name.is_empty() => {
            let position = changes
                .iter()
                .take_while(|c| !std::ptr::eq(&c.op, op))
                .filter(|c| matches!(&c.op, Op::DropConstraint { table: t, name } if t == table && name.is_empty()))
                .count();
            let wanted = recorded.table_def(table).ok()?.constraints();
            let l = live
                .table_def(table)
                .ok()?
                .constraints()
                .into_iter()
                .filter(|c| c.name().is_empty() && !wanted.contains(c))
                .nth(position)?;
            format!(
                "{} (unnamed) on {table}: {} {IN_DATABASE}, not {IN_MIGRATIONS}",
                kind(&l),
                describe_constraint(&l)
            )
        }
        Op::DropConstraint { table, name } => {
            let l = live.table_def(table).ok()?.constraint(name)?;
            let recreated = changes.iter().any(|c| {
                matches!(&c.op, Op::AddConstraint { table: t, constraint } if t == table && constraint.name() == name)
            });
            if recreated {
                return None;
            }
            format!(
                "{} {name} on {table}: {} {IN_DATABASE}, not {IN_MIGRATIONS}",
                kind(&l),
                describe_constraint(&l)
            )
        }
        Op::CreateEnum(e) => format!(
            "enum {}: ({}) {IN_MIGRATIONS}, missing {IN_DATABASE}",
            e.name,
            e.values.join(", ")
        ),
        Op::DropEnum { name } => format!("enum {name}: {IN_DATABASE}, not {IN_MIGRATIONS}"),
        Op::AddEnumValue { name, value, .. } => {
            format!("enum {name}: value '{value}' {IN_MIGRATIONS}, missing {IN_DATABASE}")
        }
        Op::CreateSequence(def) => format!(
            "sequence {}: {} {IN_MIGRATIONS}, missing {IN_DATABASE}",
            def.name,
            sequence(&def.options)
        ),
        Op::DropSequence { name } => format!(
            "sequence {name}: {} {IN_DATABASE}, not {IN_MIGRATIONS}",
            live.sequence(name).map(sequence).unwrap_or_default()
        ),
        Op::AlterSequence { name, .. } => match (recorded.sequence(name), live.sequence(name)) {
            (Some(r), Some(l)) => format!(
                "sequence {name}: {} {IN_MIGRATIONS}, {} {IN_DATABASE}",
                sequence(r),
                sequence(l)
            ),
            _ => op.describe(),
        },
        other => format!("{}: differs", other.describe()),
    })
}

/// The name of the object `op` drops because only the database has it (a table, column, index
/// or constraint), if it is one.
fn only_in_database<'a>(op: &'a Op, live: &Schema) -> Option<&'a str> {
    match op {
        Op::DropTable { table, .. } => Some(table),
        Op::DropColumn { column, .. } => Some(column),
        Op::DropIndex { name, table, .. } => {
            live.index_on(table.as_deref(), name).ok()?;
            Some(name)
        }
        // An unnamed constraint has no name raw SQL could be traced by.
        Op::DropConstraint { name, .. } if !name.is_empty() => Some(name),
        Op::DropSequence { name } => Some(name),
        _ => None,
    }
}

/// `(START WITH 1000 INCREMENT BY 5)`, or `(default options)`.
fn sequence(o: &crate::ops::SequenceOptions) -> String {
    let options = crate::dialect::sql::sequence_options_sql(o);
    if options.is_empty() {
        "(default options)".to_owned()
    } else {
        format!("({options})")
    }
}

fn kind(c: &Constraint) -> &'static str {
    match c {
        Constraint::PrimaryKey(_) => "primary key",
        Constraint::Unique(_) => "unique",
        Constraint::ForeignKey(_) => "foreign key",
        Constraint::Check(_) => "check",
    }
}

fn describe_constraint(c: &Constraint) -> String {
    match c {
        Constraint::PrimaryKey(k) | Constraint::Unique(k) => format!("({})", k.columns.join(", ")),
        Constraint::ForeignKey(fk) => foreign_key(fk),
        Constraint::Check(ck) => format!("({})", ck.expr),
    }
}
