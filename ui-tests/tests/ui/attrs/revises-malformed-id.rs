use schema_runtime::prelude::*;

#[migration(
    id = "20250102_143000_create_users",
    revises = "2025-01-01-init",
    message = "create users"
)]
fn upgrade(op: &mut Ops) {
    op.drop_table("users");
}

fn main() {}
