use schema_runtime::prelude::*;

#[migration(id = "20250102_143000_create_users", message = "create users")]
const fn upgrade(_op: &mut Ops) {}

fn main() {}
