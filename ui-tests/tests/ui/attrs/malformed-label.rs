use schema_runtime::prelude::*;

// `@` separates a label from its target on the command line (`billing@head`).
#[migration(
    id = "20250102_150000_billing",
    branch_labels = ["billing@v2"],
    message = "billing base"
)]
fn upgrade(op: &mut Ops) {
    let _ = op;
}

fn main() {}
