use schema_runtime::prelude::*;

#[migration(
    id = "20250102_150000_billing",
    branch_labels = ["billing", "invoicing", "billing"],
    message = "billing base"
)]
fn upgrade(op: &mut Ops) {
    let _ = op;
}

fn main() {}
