use schema_runtime::prelude::*;

#[migration(id = "20250103_100000_rename_name", message = "rename users.name")]
fn upgrade(op: &mut Ops) {
    op.alter_column("users", "name").rename_to("");
}

fn main() {}
