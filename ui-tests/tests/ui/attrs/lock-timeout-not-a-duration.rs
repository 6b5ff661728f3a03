use schema_runtime::prelude::*;

#[migration(id = "0001_users", message = "users", lock_timeout = "5")]
fn upgrade(op: &mut Ops) {
    op.create_table("users", |t| {
        t.column("id", Type::BigInt).primary_key();
    });
}

fn main() {}
