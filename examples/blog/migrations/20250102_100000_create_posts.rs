use schema_runtime::prelude::*;

#[migration(
    id = "20250102_100000_create_posts",
    revises = "20250101_090000_create_users",
    message = "create posts"
)]
fn upgrade(op: &mut Ops) {
    op.create_table("posts", |t| {
        t.column("id", Type::BigInt).primary_key().identity();
        t.column("author_id", Type::BigInt).not_null();
        t.column("title", Type::String(200)).not_null();
        t.column("body", Type::Text).not_null();
        t.column("published", Type::Boolean).not_null().default(false);
        t.column("created_at", Type::TimestampTz).not_null().default_now();
    });
    op.create_index("posts", ["author_id"]);
}
