use schema_runtime::prelude::*;

#[migration(
    id = "20250103_100000_invoices",
    revises = "20250102_143000_create_users",
    depends_on = [],
    message = "invoices"
)]
fn upgrade(op: &mut Ops) {
    let _ = op;
}

fn main() {}
