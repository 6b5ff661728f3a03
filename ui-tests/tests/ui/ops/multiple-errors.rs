use schema_runtime::prelude::*;

// Every problem of one migration, in the attribute and in the body, comes out in one build.
#[migration(id = "20250103_100000_many", message = "")]
fn upgrade(op: &mut Ops) {
    op.create_table("", |t| {
        t.column("id", Type::BigInt).primary_key();
        t.column("", Type::Text);
    });
    op.alter_column("users", "email");
    op.execute("UPDATE users SET email = lower(email)");
}

fn main() {}
