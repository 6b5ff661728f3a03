use schema_runtime::prelude::*;

// Raw SQL that says how to undo itself needs no explicit downgrade.
#[migration(id = "20250103_100000_pgcrypto", message = "enable pgcrypto")]
fn upgrade(op: &mut Ops) {
    op.execute("CREATE EXTENSION IF NOT EXISTS pgcrypto")
        .reverse("DROP EXTENSION IF EXISTS pgcrypto");
    op.sql(SqlText {
        postgres: Some("CREATE INDEX ix_users_lower_email ON users (lower(email))".into()),
        portable: Some("SELECT 1".into()),
        ..SqlText::default()
    })
    .reverse_with(SqlText {
        postgres: Some("DROP INDEX ix_users_lower_email".into()),
        portable: Some("SELECT 1".into()),
        ..SqlText::default()
    });
}

fn main() {
    let revision = __SCHEMA_REVISION.load(&Default::default());
    assert_eq!(revision.upgrade.len(), 2);
    assert!(__SCHEMA_REVISION.downgrade.is_none());
}
