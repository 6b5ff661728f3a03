use schema_runtime::prelude::*;

#[migration(id = "20250103_100000_add_email", message = "add email")]
fn upgrade(op: &mut Ops) {
    op.add_column("users", "", Type::String(255)).not_null().default("");
}

fn main() {}
