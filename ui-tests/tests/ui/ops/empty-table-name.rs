use schema_runtime::prelude::*;

#[migration(id = "20250102_143000_create_users", message = "create users")]
fn upgrade(op: &mut Ops) {
    op.create_table("", |t| {
        t.column("id", Type::BigInt).primary_key().identity();
    });
}

fn main() {}
