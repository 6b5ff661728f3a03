//! Drift: how a live database differs from the schema its version table records.

use super::{MigrateError, Migrator};
use crate::autogen::{diff, without_tool_tables, Change, DiffOptions};
use crate::introspect::{comparable, introspect, IntrospectOptions};
use crate::Database;

impl Migrator {
    /// The ops that would take the live database to the schema of the revisions it records
    /// (empty when it has not drifted), compared as the dialect stores things. Tables matching
    /// `exclude` (glob patterns), the version tables and other tools' migration tables are left
    /// out. This is `cargo schema check --database`.
    pub async fn drift(
        &self,
        db: &mut Database,
        exclude: &[String],
    ) -> Result<Vec<Change>, MigrateError> {
        let current = self.current(db).await?;
        let recorded = self.schema_at(&current)?;
        let options = IntrospectOptions {
            naming: self.naming().clone(),
            ..IntrospectOptions::excluding(self.version_table())
        }
        .with_excluded_patterns(exclude.to_vec());
        let live = introspect(db, &options)
            .await
            .map_err(|e| MigrateError::Introspect(e.to_string()))?;
        let live = without_tool_tables(&live).0;
        let d = db.dialect();
        Ok(diff(
            &comparable(&live, d),
            &comparable(&recorded, d),
            &DiffOptions::default()
                .with_dialect(Some(d))
                .with_renames(false),
        ))
    }
}
