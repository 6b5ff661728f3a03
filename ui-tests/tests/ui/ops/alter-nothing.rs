use schema_runtime::prelude::*;

// The setter was forgotten: this alter would change nothing.
#[migration(id = "20250103_100000_email_not_null", message = "email not null")]
fn upgrade(op: &mut Ops) {
    op.alter_column("users", "email");
}

fn main() {}
