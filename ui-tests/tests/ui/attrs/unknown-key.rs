use schema_runtime::prelude::*;

#[migration(
    id = "20250102_143000_create_users",
    parent = "20250101_090000_init",
    message = "create users"
)]
fn upgrade(op: &mut Ops) {
    op.drop_table("users");
}

fn main() {}
