use schema_runtime::prelude::*;

const ID: &str = "20250102_143000_create_users";

#[migration(id = ID, message = "create users")]
fn upgrade(op: &mut Ops) {
    op.drop_table("users");
}

fn main() {}
