use schema_runtime::prelude::*;

#[migration(id = "", message = "create users")]
fn upgrade(op: &mut Ops) {
    op.drop_table("users");
}

fn main() {}
