use schema_runtime::prelude::*;

#[migration(id = "20250103_100000_pgcrypto", message = "enable pgcrypto")]
fn upgrade(op: &mut Ops) {
    op.sql(SqlText {
        postgres: Some("CREATE EXTENSION IF NOT EXISTS pgcrypto".into()),
        portable: Some("SELECT 1".into()),
        ..SqlText::default()
    });
}

fn main() {}
