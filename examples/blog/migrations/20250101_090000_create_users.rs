use schema_runtime::prelude::*;

#[migration(id = "20250101_090000_create_users", message = "create users")]
fn upgrade(op: &mut Ops) {
    op.create_table("users", |t| {
        t.column("id", Type::BigInt).primary_key().identity();
        t.column("email", Type::String(255)).not_null().unique();
        t.column("name", Type::String(100)).not_null();
        t.column("created_at", Type::TimestampTz).not_null().default_now();
    });
}
