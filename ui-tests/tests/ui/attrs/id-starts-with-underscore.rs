use schema_runtime::prelude::*;

#[migration(id = "_20250102_143000_create_users", message = "create users")]
fn upgrade(op: &mut Ops) {
    op.drop_table("users");
}

fn main() {}
