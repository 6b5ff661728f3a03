use schema_runtime::prelude::*;

#[migration(
    id = "20250103_110000_comments_and_tags",
    revises = "20250102_100000_create_posts",
    message = "comments and tags"
)]
fn upgrade(op: &mut Ops) {
    op.create_table("comments", |t| {
        t.column("id", Type::BigInt).primary_key().identity();
        t.column("post_id", Type::BigInt).not_null();
        t.column("author_id", Type::BigInt).not_null();
        t.column("body", Type::Text).not_null();
        t.column("created_at", Type::TimestampTz).not_null().default_now();
    });
    op.create_index("comments", ["post_id", "created_at"]);
    op.create_table("tags", |t| {
        t.column("id", Type::Integer).primary_key().identity();
        t.column("name", Type::String(50)).not_null().unique();
    });
    op.create_table("post_tags", |t| {
        t.column("post_id", Type::BigInt).primary_key();
        t.column("tag_id", Type::Integer).primary_key();
    });
}
