use schema_runtime::prelude::*;

#[migration(id = "20250102_143000_create_users", message = "   ")]
fn upgrade(op: &mut Ops) {
    op.drop_table("users");
}

fn main() {}
