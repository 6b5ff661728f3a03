use schema_runtime::prelude::*;

const BILLING: &str = "20250102_150000_billing";

#[migration(
    id = "20250103_100000_invoices",
    revises = "20250102_143000_create_users",
    depends_on = [BILLING],
    message = "invoices"
)]
fn upgrade(op: &mut Ops) {
    let _ = (op, BILLING);
}

fn main() {}
