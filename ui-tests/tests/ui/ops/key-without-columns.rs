use schema_runtime::prelude::*;

#[migration(id = "20250102_143000_create_users", message = "create memberships")]
fn upgrade(op: &mut Ops) {
    op.create_table("memberships", |t| {
        t.column("user_id", Type::BigInt).not_null();
        t.column("team_id", Type::BigInt).not_null();
        t.primary_key([] as [&str; 0]);
    });
}

fn main() {}
