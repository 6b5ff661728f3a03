use schema_runtime::prelude::*;

// The builder's types stop this: a primary key is declared inside create_table only.
#[migration(id = "20250103_100000_add_id", message = "add id")]
fn upgrade(op: &mut Ops) {
    op.add_column("legacy", "id", Type::BigInt).not_null().primary_key();
}

fn main() {}
