use schema_runtime::prelude::*;

#[migration(
    id = "20250102_143000_create_users",
    revises = "20250101_090000_init",
    message = "  create users  "
)]
pub fn upgrade(op: &mut schema_runtime::Ops) {
    op.create_table("users", |t| {
        t.column("id", Type::BigInt).primary_key().identity();
    });
}

fn main() {
    assert_eq!(__SCHEMA_REVISION.parents, ["20250101_090000_init"]);
    // The message is trimmed.
    assert_eq!(__SCHEMA_REVISION.message, "create users");
}
