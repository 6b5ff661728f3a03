use schema_runtime::prelude::*;

#[migration(revises = "20250101_090000_init", message = "create users")]
fn upgrade(op: &mut Ops) {
    op.drop_table("users");
}

fn main() {}
