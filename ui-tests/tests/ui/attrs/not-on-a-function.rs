use schema_runtime::prelude::*;

#[migration(id = "20250102_143000_create_users", message = "create users")]
struct CreateUsers;

fn main() {}
