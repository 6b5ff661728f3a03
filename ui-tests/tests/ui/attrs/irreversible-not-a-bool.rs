use schema_runtime::prelude::*;

#[migration(
    id = "20250102_143000_drop_legacy",
    message = "drop legacy",
    irreversible = "yes"
)]
fn upgrade(op: &mut Ops) {
    op.drop_table("legacy");
}

fn main() {}
