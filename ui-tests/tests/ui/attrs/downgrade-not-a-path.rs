use schema_runtime::prelude::*;

#[migration(
    id = "20250102_143000_create_users",
    message = "create users",
    downgrade = "downgrade"
)]
fn upgrade(op: &mut Ops) {
    op.drop_table("users");
}

fn downgrade(_op: &mut Ops) {}

fn main() {}
