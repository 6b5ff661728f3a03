use schema_runtime::prelude::*;

// A parent is applied first anyway; naming it in depends_on too is a mistake.
#[migration(
    id = "20250103_100000_invoices",
    revises = "20250102_143000_create_users",
    depends_on = "20250102_143000_create_users",
    message = "invoices"
)]
fn upgrade(op: &mut Ops) {
    let _ = op;
}

fn main() {}
