use schema_runtime::prelude::*;

#[migration(id = "20250102_143000_create_users", message = "create users")]
fn upgrade<T: Default>(op: &mut Ops) {
    let _ = T::default();
    op.drop_table("users");
}

fn main() {}
