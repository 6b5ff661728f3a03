use schema_runtime::prelude::*;

#[migration(
    id = "20250106_090000_index_email",
    revises = "20250102_143000_create_users",
    message = "index users.email concurrently",
    transactional = false
)]
fn upgrade(op: &mut Ops) {
    op.create_index("users", ["email"]);
}

fn main() {
    assert!(!__SCHEMA_REVISION.transactional);
}
