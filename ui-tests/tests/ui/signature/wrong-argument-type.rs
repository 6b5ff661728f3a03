use schema_runtime::prelude::*;

#[migration(id = "20250102_143000_create_users", message = "create users")]
fn upgrade(sql: &mut String) {
    sql.push_str("CREATE TABLE users ()");
}

fn main() {}
