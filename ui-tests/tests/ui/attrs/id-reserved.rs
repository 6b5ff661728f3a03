use schema_runtime::prelude::*;

// `head` is a target keyword: `cargo schema upgrade head` could never mean this revision.
#[migration(id = "head", message = "create users")]
fn upgrade(op: &mut Ops) {
    op.drop_table("users");
}

fn main() {}
