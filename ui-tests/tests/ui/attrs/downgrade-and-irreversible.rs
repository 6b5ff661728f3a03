use schema_runtime::prelude::*;

#[migration(
    id = "20250102_143000_drop_legacy",
    message = "drop legacy tables",
    downgrade = downgrade,
    irreversible
)]
fn upgrade(op: &mut Ops) {
    op.drop_table("legacy");
}

fn downgrade(_op: &mut Ops) {}

fn main() {}
