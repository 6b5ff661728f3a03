use schema_runtime::prelude::*;

#[migration(id = "20250101_090000_init", revises = [], message = "init")]
fn upgrade(op: &mut Ops) {
    op.drop_table("users");
}

fn main() {}
