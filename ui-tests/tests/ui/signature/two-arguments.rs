use schema_runtime::prelude::*;

#[migration(id = "20250102_143000_create_users", message = "create users")]
fn upgrade(op: &mut Ops, table: &str) {
    op.drop_table(table);
}

fn main() {}
