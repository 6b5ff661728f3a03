use schema_runtime::prelude::*;

mod builder {
    pub struct Ops;
}

// The argument's type is named `Ops`, but it is not the op builder.
#[migration(id = "20250102_143000_create_users", message = "create users")]
fn upgrade(_op: &mut builder::Ops) {}

fn main() {
    let _ = Ops::new();
}
