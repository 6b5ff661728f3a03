use schema_runtime::prelude::*;

// No `downgrade` and not `irreversible`: the downgrade is derived, and raw SQL has no inverse.
#[migration(id = "20250103_100000_pgcrypto", message = "enable pgcrypto")]
fn upgrade(op: &mut Ops) {
    op.execute("CREATE EXTENSION IF NOT EXISTS pgcrypto");
}

fn main() {}
