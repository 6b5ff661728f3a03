use schema_runtime::prelude::*;

#[migration(
    id = "20250103_100000_merge",
    revises = ["20250102_143000_create_users", teams],
    message = "merge"
)]
fn upgrade(_op: &mut Ops) {}

fn main() {}
