use schema_runtime::prelude::*;

#[migration(id = "20250102_143000_create_users", message = "create users", downgrade = downgrade)]
fn upgrade(op: &mut Ops) {
    op.create_table("users", |t| {
        t.column("id", Type::BigInt).primary_key();
    });
}

fn downgrade(op: &mut Ops, table: &str) {
    op.drop_table(table);
}

fn main() {}
