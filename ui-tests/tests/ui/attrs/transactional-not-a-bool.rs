use schema_runtime::prelude::*;

#[migration(
    id = "20250102_143000_index_email",
    message = "index email",
    transactional = "no"
)]
fn upgrade(op: &mut Ops) {
    op.create_index("users", ["email"]);
}

fn main() {}
